"""The theme part every workbook we write carries: Office's default colours and fonts.

Excel requires a theme part (``xl/theme/theme1.xml``, related from the workbook); without one it
falls back to built-in defaults and the Open XML SDK's validator reports the package invalid.
Ours holds Office's default theme (Office 2013 to Microsoft 365): its twelve colours, Calibri Light
for headings and Calibri for body text, and a plain format scheme.  A colour written in a style as
``theme="n"`` resolves against this part, in Excel, in LibreOffice and in ``colours.py`` alike;
an officer who picks another theme in Excel changes this part, and the board pack follows it.
"""

from __future__ import annotations

__all__ = ["THEME_PART", "THEME_TYPE", "THEME_CONTENT_TYPE", "OFFICE_COLOURS", "OFFICE_FONTS", "theme_xml", "THEME_XML"]

THEME_PART = "xl/theme/theme1.xml"
THEME_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
THEME_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"

# Office's default colour scheme ("Office"), slot -> RRGGBB, in the order the scheme lists them.
OFFICE_COLOURS = {"dk1": "000000", "lt1": "FFFFFF", "dk2": "44546A", "lt2": "E7E6E6", "accent1": "4472C4",
                  "accent2": "ED7D31", "accent3": "A5A5A5", "accent4": "FFC000", "accent5": "5B9BD5",
                  "accent6": "70AD47", "hlink": "0563C1", "folHlink": "954F72"}
# Headings (major) and body text (minor), with their PANOSE numbers as Office writes them.
OFFICE_FONTS = {"major": ("Calibri Light", "020F0302020204030204"), "minor": ("Calibri", "020F0502020204030204")}
# dk1 and lt1 follow the system's window text and window colours, as in Office's own theme.
_SYSTEM_SLOTS = {"dk1": "windowText", "lt1": "window"}


def theme_xml(colours: dict[str, str] = OFFICE_COLOURS, name: str = "Office Theme") -> bytes:
    """The theme part: the colour scheme given (slot -> RRGGBB), Office's fonts and a plain format scheme."""
    slots = []
    for slot, rgb in colours.items():
        if slot in _SYSTEM_SLOTS:
            slots.append(f'<a:{slot}><a:sysClr val="{_SYSTEM_SLOTS[slot]}" lastClr="{rgb}"/></a:{slot}>')
        else:
            slots.append(f'<a:{slot}><a:srgbClr val="{rgb}"/></a:{slot}>')
    fonts = "".join(
        f'<a:{kind}Font><a:latin typeface="{face}" panose="{panose}"/><a:ea typeface=""/><a:cs typeface=""/>'
        f"</a:{kind}Font>" for kind, (face, panose) in OFFICE_FONTS.items())
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'

    def shade(tint: int, sat: int) -> str:
        return f'<a:solidFill><a:schemeClr val="phClr"><a:tint val="{tint}"/><a:satMod val="{sat}"/></a:schemeClr></a:solidFill>'

    def line(width: int) -> str:
        return (f'<a:ln w="{width}" cap="flat" cmpd="sng" algn="ctr">{solid}<a:prstDash val="solid"/>'
                '<a:miter lim="800000"/></a:ln>')

    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<a:theme xmlns:a="{_A}" name="{name}"><a:themeElements>'
        f'<a:clrScheme name="Office">{"".join(slots)}</a:clrScheme>'
        f'<a:fontScheme name="Office">{fonts}</a:fontScheme>'
        '<a:fmtScheme name="Office">'
        f"<a:fillStyleLst>{solid}{shade(67000, 105000)}{shade(81000, 109000)}</a:fillStyleLst>"
        f"<a:lnStyleLst>{line(6350)}{line(12700)}{line(19050)}</a:lnStyleLst>"
        f"<a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{solid}{shade(95000, 170000)}{shade(93000, 150000)}</a:bgFillStyleLst>"
        "</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    ).encode("utf-8")


THEME_XML = theme_xml()
