"""The theme part our books carry: Office's default colours and fonts, and the colours resolved from it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import bookedit
from lxml import etree

from csp_status.workbook.colours import style_colours
from csp_status.workbook.package import Package
from csp_status.workbook.theme import THEME_XML

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "csp_workbook.xlsm"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# Office 2013 to Microsoft 365's default theme ("Office Theme"), as Excel shows it under
# Page Layout > Colours > Office and Fonts > Office
OFFICE = [("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "44546A"), ("lt2", "E7E6E6"), ("accent1", "4472C4"),
          ("accent2", "ED7D31"), ("accent3", "A5A5A5"), ("accent4", "FFC000"), ("accent5", "5B9BD5"),
          ("accent6", "70AD47"), ("hlink", "0563C1"), ("folHlink", "954F72")]


def scheme(theme: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(theme)
    out = []
    for slot in root.find(f"{A}themeElements/{A}clrScheme"):
        colour = slot[0]
        out.append((etree.QName(slot).localname, colour.get("lastClr") or colour.get("val")))
    return out


def test_theme_xml_holds_office_default_colours_and_fonts():
    root = etree.fromstring(THEME_XML)
    fonts = root.find(f"{A}themeElements/{A}fontScheme")
    assert scheme(THEME_XML) == OFFICE
    assert [fonts.find(f"{A}{kind}/{A}latin").get("typeface") for kind in ("majorFont", "minorFont")] == \
        ["Calibri Light", "Calibri"]
    # dk1 and lt1 follow the system's window colours, as in Office's own theme
    assert [root.find(f"{A}themeElements/{A}clrScheme/{A}{slot}")[0].get("val") for slot in ("dk1", "lt1")] == \
        ["windowText", "window"]


def test_theme_is_related_from_the_workbook_with_its_content_type():
    with zipfile.ZipFile(BUNDLED) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
        theme = zf.read("xl/theme/theme1.xml")
    assert ('Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" '
            'Target="theme/theme1.xml"') in rels
    assert ('<Override PartName="/xl/theme/theme1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>') in types
    assert theme == THEME_XML


def legend_colours(book: Path) -> tuple[str | None, str | None]:
    with Package(book) as package:
        style = package.cell_styles("Settings")[(bookedit.find_row(book, "Settings", A="GREEN"), 1)]
        return style_colours(package, {"GREEN": style})["GREEN"]


def restyle_green_with_theme_colours(book: Path) -> None:
    """An officer fills the GREEN legend cell with Accent 6 and gives it Text 2 (dk2), from Excel's palette."""
    legend = f"A{bookedit.find_row(book, 'Settings', A='GREEN')}"
    style = bookedit.add_cell_style(book, 'theme="9"', 'theme="3"', like=bookedit.cell_style(book, "Settings", legend))
    bookedit.set_style(book, "Settings", legend, style)


def test_style_colours_resolve_theme_colours_from_our_books_own_theme(book):
    restyle_green_with_theme_colours(book)
    assert legend_colours(book) == ("#70AD47", "#44546A")  # accent6 and dk2 of the theme the book carries


def test_style_colours_follow_the_theme_an_officer_chose(book):
    restyle_green_with_theme_colours(book)
    bookedit.add_theme(book, {**dict(OFFICE), "accent6": "009639", "dk2": "1F3864"})  # the book's theme part, replaced
    with zipfile.ZipFile(book) as zf:
        assert sum(name.startswith("xl/theme/") for name in zf.namelist()) == 1
    assert legend_colours(book) == ("#009639", "#1F3864")
