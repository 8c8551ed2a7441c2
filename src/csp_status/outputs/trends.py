"""The Trends sheet: a native Excel line chart per indicator, with the figures it is drawn from.

Each indicator gets a small table (baseline years' outturns, then this year's quarters; the
year's target and the comparator as flat lines) and a chart drawn from it.  Charts carry cached
values, so they open without Python and without recalculation, in Excel and in LibreOffice.
The refresh regenerates the sheet, its drawing and its charts; nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csp_status.core.judgement import Evaluation, value_problems
from csp_status.core.model import QUARTERS, Indicator, Partnership, year_key, year_label
from csp_status.core.parse import in_row_unit, read_cell
from csp_status.core.vocabulary import Unit
from csp_status.workbook.book_write import SheetSpec, sheet_xml
from csp_status.workbook.cells import HEADER, escaped_with_quotes
from csp_status.workbook.guard import parse_xml
from csp_status.workbook.layout import Style
from csp_status.workbook.ownership import CHART_TYPE, DRAWING_TYPE
from csp_status.workbook.rels import (
    CHART,
    DRAWING,
    read_relationships,
    relationships_xml,
    rels_name,
)

__all__ = ["ChartPoints", "chart_points", "TrendSeries", "trend_series", "trends_grid", "trends_parts", "replace_trends", "TRENDS_DRAWING",
           "chart_part", "MAX_CHARTS"]

TRENDS_DRAWING = "xl/drawings/drawing1.xml"
# Indicators drawn on the Trends sheet (a block of rows and a chart each); a book with more says so in
# its title, and the Summary still holds every one.  A chart is a part of the package, so this also
# bounds the parts a refresh writes well within what the package reader accepts (MAX_PARTS).
MAX_CHARTS = 5_000
_BLOCK_ROWS = 18  # rows each indicator's block takes on the sheet
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_COLOURS = {"value": "1F4E79", "target": "C00000", "comparator": "7F7F7F"}


@dataclass
class TrendSeries:
    """One indicator's chart: point labels, its figures, the target and comparator lines."""

    ref: str
    title: str
    unit: Unit | None
    labels: list[str]
    values: list[float | None]
    target: float | None
    comparator: float | None


@dataclass
class ChartPoints:
    """One indicator's figures over time, as every chart of it draws them.

    ``values`` holds the baseline years' outturns, then the reporting year's four quarters; a
    figure that cannot be right (CHECK on the Summary, for the same reasons) is None there and its
    position is in ``checks``.  The comparator is None when it is missing or cannot be right.
    """

    years: list[str]
    values: list[float | None]
    checks: list[int]
    comparator: float | None


def chart_points(book: Partnership, ind: Indicator) -> ChartPoints:
    """The figures an indicator's charts (the Trends sheet's and the board pack's) are drawn from."""
    s = book.settings
    start = year_key(s.reporting_year)
    years = [year_label(start - k) for k in range(s.baseline_years, 0, -1)]
    cells = [getattr(book.record(ind.ref, year), "outturn", None) for year in years]
    record = book.record(ind.ref, s.reporting_year)
    cells += list(record.quarters) if record else [None] * len(QUARTERS)
    values, checks = [], []
    for i, cell in enumerate(cells):
        value, fine = _checked(cell, ind.unit)
        values.append(value)
        if not fine:
            checks.append(i)
    return ChartPoints(years, values, checks, _checked(ind.comparator, ind.unit)[0])


def _checked(cell: object, unit: Unit | None) -> tuple[float | None, bool]:
    """A cell's value in the row's unit, and False (with no value) when it cannot be right."""
    reading = read_cell(cell)
    value, _ = in_row_unit(reading, unit)
    if value_problems(reading, value, unit):
        return None, False
    return value, True


def trend_series(book: Partnership, evaluations: list[Evaluation]) -> list[TrendSeries]:
    """The figures of each indicator's chart: baseline outturns, then the reporting year's quarters."""
    year = book.settings.reporting_year
    out = []
    for ind, ev in zip(book.indicators, evaluations):
        points = chart_points(book, ind)
        labels = points.years + [f"{quarter} {year}" for quarter in QUARTERS]
        title = f"{ind.ref}: {ind.description}"
        out.append(TrendSeries(ind.ref, title if len(title) <= 90 else title[:89] + "…", ind.unit, labels,
                               points.values, ev.target, points.comparator))
    return out


def trends_grid(series: list[TrendSeries]) -> list[list[object]]:
    """The Trends sheet's cells as values, row by row from A1: what the charts are drawn from.

    The ribbon's refresh writes this grid into the open book in one call, so the charts there
    follow the new figures (a chart for a new indicator needs ``csp refresh``).
    """
    rows, _ = _styled_grid(series)
    width = max((len(r) for r in rows), default=1)
    return [[value for value, _ in row] + [None] * (width - len(row)) for row in rows]


def _styled_grid(series: list[TrendSeries]) -> tuple[list[list[tuple[object, int]]], list[int]]:
    title = "Trends: each indicator's figures, target and comparator (regenerated by Refresh statuses)"
    if len(series) > MAX_CHARTS:
        title += (f". The first {MAX_CHARTS:,} of the {len(series):,} indicators are drawn here, in sheet order; "
                  "the Summary and the Data sheet hold them all")
    rows: list[list[tuple[object, int]]] = [[(title, Style.TITLE)]]
    anchors = []
    for n, one in enumerate(series[:MAX_CHARTS], start=1):
        top = 2 + (n - 1) * _BLOCK_ROWS  # 1-based row of the block's heading
        while len(rows) < top - 1:
            rows.append([])
        rows.append([(one.title, Style.LABEL)])
        rows.append([("Period", Style.HEADER), ("Figure", Style.HEADER), ("Target", Style.HEADER),
                     ("Comparator", Style.HEADER)])
        pct = Style.PERCENT_FINE if one.unit is Unit.PERCENT else Style.DEFAULT
        for label, value in zip(one.labels, one.values):
            rows.append([(label, Style.DEFAULT), (value, pct), (one.target, pct), (one.comparator, pct)])
        anchors.append(top)
    return rows, anchors


def trends_parts(series: list[TrendSeries], code_name: str) -> dict[str, bytes]:
    """The Trends worksheet part (without its file name), its drawing, and one chart part per indicator.

    Keys: "sheet", "sheet_rels", "drawing", "drawing_rels", and "xl/charts/chartN.xml".
    """
    rows, anchors = _styled_grid(series)
    spec = SheetSpec(rows, widths={1: 16, 2: 11, 3: 11, 4: 12}, code_name=code_name)
    sheet = sheet_xml(spec).replace(b"</worksheet>", b'<drawing r:id="rId1"/></worksheet>')
    parts = {
        "sheet": sheet,
        "sheet_rels": relationships_xml([("rId1", DRAWING, "../drawings/drawing1.xml")]),
        "drawing": _drawing(anchors),
        "drawing_rels": relationships_xml([(f"rId{n}", CHART, f"../charts/chart{n}.xml")
                                           for n in range(1, len(anchors) + 1)]),
    }
    for n, (one, top) in enumerate(zip(series, anchors), start=1):
        parts[f"xl/charts/chart{n}.xml"] = chart_part(one, top)
    return parts


def chart_part(one: TrendSeries, top: int) -> bytes:
    """A line chart of one indicator: its figures, and flat lines for the target and comparator."""
    first, last = top + 2, top + 1 + len(one.labels)
    cats = f"Trends!$A${first}:$A${last}"
    fmt = "0.0%" if one.unit is Unit.PERCENT else "#,##0.0" if one.unit is Unit.PER_1000 else "#,##0"
    series = [("Figure", "B", one.values, "value", True)]
    if one.target is not None:
        series.append(("Target", "C", [one.target] * len(one.labels), "target", False))
    if one.comparator is not None:
        series.append(("Comparator", "D", [one.comparator] * len(one.labels), "comparator", False))
    sers = []
    for idx, (name, col, values, kind, markers) in enumerate(series):
        points = "".join(f'<c:pt idx="{i}"><c:v>{_num(v)}</c:v></c:pt>' for i, v in enumerate(values) if v is not None)
        dash = "" if kind == "value" else '<a:prstDash val="dash"/>'
        marker = '<c:marker><c:symbol val="circle"/><c:size val="6"/></c:marker>' if markers else \
            '<c:marker><c:symbol val="none"/></c:marker>'
        sers.append(
            f'<c:ser><c:idx val="{idx}"/><c:order val="{idx}"/>'
            f'<c:tx><c:strRef><c:f>Trends!${col}${top + 1}</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{name}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            f'<c:spPr><a:ln w="28575"><a:solidFill><a:srgbClr val="{_COLOURS[kind]}"/></a:solidFill>{dash}</a:ln></c:spPr>'
            f"{marker}"
            f'<c:cat><c:strRef><c:f>{cats}</c:f><c:strCache><c:ptCount val="{len(one.labels)}"/>'
            + "".join(f'<c:pt idx="{i}"><c:v>{escaped_with_quotes(label)}</c:v></c:pt>' for i, label in enumerate(one.labels))
            + "</c:strCache></c:strRef></c:cat>"
            f'<c:val><c:numRef><c:f>Trends!${col}${first}:${col}${last}</c:f><c:numCache><c:formatCode>{escaped_with_quotes(fmt)}</c:formatCode>'
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef></c:val>'
            '<c:smooth val="0"/></c:ser>'
        )
    return (
        f'{HEADER}<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:roundedCorners val="0"/><c:chart>'
        f'<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="1100" b="1"/></a:pPr><a:r><a:rPr lang="en-GB" sz="1100" b="1"/>'
        f"<a:t>{escaped_with_quotes(one.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title>"
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{"".join(sers)}'
        '<c:marker val="1"/><c:axId val="500000001"/><c:axId val="500000002"/></c:lineChart>'
        '<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="low"/>'
        '<c:crossAx val="500000002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="{escaped_with_quotes(fmt)}" sourceLinked="0"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="500000001"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx></c:plotArea>'
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/>'
        '<c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode("utf-8")


def _drawing(anchors: list[int]) -> bytes:
    frames = []
    for n, top in enumerate(anchors, start=1):
        frames.append(
            f'<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff>'
            f"<xdr:row>{top - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>14</xdr:col>"
            f"<xdr:colOff>0</xdr:colOff><xdr:row>{top - 1 + _BLOCK_ROWS - 2}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{n + 1}" name="Chart {n}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/></xdr:xfrm>"
            f'<a:graphic><a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" r:id="rId{n}"/></a:graphicData></a:graphic>'
            "</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    return (f'{HEADER}<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}" xmlns:r="{_R}">{"".join(frames)}</xdr:wsDr>').encode()


def _num(value: float) -> str:
    return repr(float(value))





def replace_trends(parts: dict[str, bytes], order: list[str], sheet_part: str, series: list[TrendSeries],
                   code_name: str, *, old_drawing: str | None, old_charts: list[str], path: Path
                   ) -> tuple[dict[str, bytes], list[str]]:
    """The package with the Trends sheet, its drawing and charts regenerated; nothing else touched.

    ``old_drawing`` and ``old_charts`` are the sheet's drawing and charts as the refresh found them
    through its relationships (and checked as its own); they are replaced, their names reused (so a
    second refresh gives the same bytes), and new ones take the first free number.
    [Content_Types].xml changes only when the set of parts does.
    """
    spelled = {name.casefold(): name for name in parts}  # the package's own spelling of each name

    def rels_of(part: str) -> str:
        name = rels_name(part)
        return spelled.get(name.casefold(), name)

    folder = sheet_part.rsplit("/", 1)[0]
    sheet_rels = rels_of(sheet_part)
    removed = {p for p in [old_drawing, *old_charts] if p}
    if old_drawing:
        removed.add(rels_of(old_drawing))
    taken = {name.casefold() for name in parts if name not in removed}
    drawing = old_drawing or _free(taken, "xl/drawings/drawing{}.xml")[0]
    taken.add(drawing.casefold())
    charts = []
    number = 1  # the free numbers are looked for from here on (names taken stay taken)
    for n in range(min(len(series), MAX_CHARTS)):
        if n < len(old_charts):
            name = old_charts[n]
        else:
            name, number = _free(taken, "xl/charts/chart{}.xml", number)
        taken.add(name.casefold())
        charts.append(name)
    made = trends_parts(series, code_name)
    d_folder = drawing.rsplit("/", 1)[0]
    # the sheet's other relationships (an officer's notes, printer settings) keep their ids
    kept = parts.get(sheet_rels)
    others = [rel for rel in (read_relationships(path, sheet_rels, parse_xml(path, sheet_rels, kept)) if kept else [])
              if rel.type != DRAWING]
    ids = {rel.id for rel in others}
    drawing_id = next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)
    new = {
        sheet_part: made["sheet"].replace(b'<drawing r:id="rId1"/>', f'<drawing r:id="{drawing_id}"/>'.encode()),
        sheet_rels: relationships_xml([(drawing_id, DRAWING, _relative(folder, drawing)), *others]),
        drawing: made["drawing"],
        rels_of(drawing): relationships_xml([(f"rId{n}", CHART, _relative(d_folder, chart))
                                             for n, chart in enumerate(charts, start=1)]),
    }
    for n, chart in enumerate(charts, start=1):
        new[chart] = made[f"xl/charts/chart{n}.xml"]
    out = {name: data for name, data in parts.items() if name not in removed}
    out.update(new)
    overrides = {f"/{d}": DRAWING_TYPE for d in [drawing]}
    overrides.update({f"/{c}": CHART_TYPE for c in charts})
    types = spelled.get("[content_types].xml", "[Content_Types].xml")
    out[types] = _content_types(path, parts[types], {f"/{r}" for r in removed}, overrides)
    listed = set(order)
    new_order = [name for name in order if name in out] + sorted(n for n in out if n not in listed)
    return out, new_order


def _content_types(path: Path, data: bytes, removed: set[str], wanted: dict[str, str]) -> bytes:
    """Content types with the old drawing/chart overrides out and the new ones in; unchanged bytes when equal."""
    from lxml import etree

    from csp_status.workbook.guard import parse_xml

    ns = "http://schemas.openxmlformats.org/package/2006/content-types"
    root = parse_xml(path, "[Content_Types].xml", data)
    current = {o.get("PartName"): o.get("ContentType") for o in root.iterfind(f"{{{ns}}}Override")}
    target = {k: v for k, v in current.items() if k not in removed or k in wanted}
    target.update(wanted)
    if target == current:
        return data
    for o in list(root.iterfind(f"{{{ns}}}Override")):
        if o.get("PartName") not in target:
            root.remove(o)
    for name, kind in sorted(wanted.items()):
        if name not in current:
            etree.SubElement(root, f"{{{ns}}}Override", PartName=name, ContentType=kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _free(taken: set[str], pattern: str, start: int = 1) -> tuple[str, int]:
    """The first numbered name from ``start`` on that is not taken, and its number (``taken`` holds
    names case folded, as Excel compares them)."""
    n = start
    while pattern.format(n).casefold() in taken:
        n += 1
    return pattern.format(n), n


def _relative(folder: str, path: str) -> str:
    import posixpath

    return posixpath.relpath(path, folder)
