"""The styles part of every book CSP Status writes: fonts, fills, borders and the cell formats of
``layout.Style`` (status fills from ``layout.STATUS_COLOURS``)."""

from __future__ import annotations

from csp_status.core.vocabulary import Status
from csp_status.workbook.cells import HEADER, NS
from csp_status.workbook.layout import STATUS_COLOURS, Style

__all__ = ["STYLES_XML"]

_MAIN_NS = NS["m"]


def _styles_xml() -> bytes:
    statuses = tuple(Status)
    inks = list(dict.fromkeys(STATUS_COLOURS[status][1] for status in statuses))  # one font per colour

    def bold(rgb: str) -> str:
        return f'<font><b/><sz val="11"/><color rgb="FF{rgb}"/><name val="Calibri"/><family val="2"/></font>'

    fonts = [
        '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
        '<font><b/><sz val="14"/><color rgb="FF1F4E79"/><name val="Calibri"/><family val="2"/></font>',
        '<font><i/><sz val="11"/><color rgb="FF595959"/><name val="Calibri"/><family val="2"/></font>',
        *(bold(ink) for ink in inks),
        bold("FFFFFF"),
    ]
    white_bold = len(fonts) - 1
    status_font = {status: 4 + inks.index(STATUS_COLOURS[status][1]) for status in statuses}
    status_fill = {status: 2 + n for n, status in enumerate(statuses)}

    def solid(rgb: str) -> str:
        return f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor indexed="64"/></patternFill></fill>'

    fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>',
             *(solid("FF" + STATUS_COLOURS[status][0]) for status in statuses),
             solid("FFD9E1F2"), solid("FF1F4E79"), solid("FFF2F2F2")]
    thin = '<left style="thin"><color rgb="FFA6A6A6"/></left><right style="thin"><color rgb="FFA6A6A6"/></right>' \
           '<top style="thin"><color rgb="FFA6A6A6"/></top><bottom style="thin"><color rgb="FFA6A6A6"/></bottom><diagonal/>'
    borders = ['<border><left/><right/><top/><bottom/><diagonal/></border>', f"<border>{thin}</border>"]
    top_wrap = '<alignment vertical="top" wrapText="1"/>'
    centre_wrap = '<alignment horizontal="center" vertical="center" wrapText="1"/>'

    def xf(font: int = 0, fill: int = 0, border: int = 0, align: str = "", numfmt: int = 0) -> str:
        attrs = f'numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
        attrs += ' applyNumberFormat="1"' if numfmt else ""
        attrs += ' applyFont="1"' if font else ""
        attrs += ' applyFill="1"' if fill else ""
        attrs += ' applyBorder="1"' if border else ""
        return f"<xf {attrs} applyAlignment=\"1\">{align}</xf>" if align else f"<xf {attrs}/>"

    xfs = {
        Style.DEFAULT: xf(),
        Style.TITLE: xf(font=2),
        Style.GROUP: xf(font=white_bold, fill=9, border=1, align=centre_wrap),
        Style.HEADER: xf(font=1, fill=8, border=1, align=centre_wrap),
        Style.TEXT: xf(border=1, align=top_wrap),
        **{Style.of(status): xf(font=status_font[status], fill=status_fill[status], border=1, align=top_wrap)
           for status in statuses},
        Style.INPUT: xf(align=top_wrap),
        Style.CALCULATED: xf(font=3, fill=10, align=top_wrap),
        Style.PERCENT: xf(numfmt=9, align=top_wrap),
        Style.LABEL: xf(font=1),
        Style.PERCENT_FINE: xf(numfmt=10),
    }
    cell_xfs = "".join(xfs[i] for i in range(len(xfs)))
    return (
        f'{HEADER}<styleSheet xmlns="{_MAIN_NS}">'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{cell_xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
        "</styleSheet>"
    ).encode("utf-8")


STYLES_XML = _styles_xml()
