"""Keeping a package consistent when a sheet is regenerated: the calculation chain, and what the
old sheet linked to (notes, page set-up, printer settings, header and footer, tables, hyperlinks)."""

from __future__ import annotations

from csp_status.workbook.book_write import SheetSpec, sheet_xml
from csp_status.workbook.related import carry_sheet_links, with_theme, without_calc_chain

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET = "xl/worksheets/sheet1.xml"
RELS = "xl/worksheets/_rels/sheet1.xml.rels"


def types(*parts: str) -> bytes:
    overrides = "".join(f'<Override PartName="/{p}" ContentType="application/{p.rsplit("/", 1)[1]}"/>' for p in parts)
    return (f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>').encode()


def relationships(*rels: tuple[str, str, str, bool]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{R}/{t}" Target="{target}"' + (' TargetMode="External"' if ext else "")
                   + "/>" for i, t, target, ext in rels)
    return f'{HEAD}<Relationships xmlns="{PKG}">{body}</Relationships>'.encode()


def new_sheet() -> bytes:
    return sheet_xml(SheetSpec([[("Status", 0)]], landscape=True, code_name="Sheet1"))


OLD_SHEET = (
    f'{HEAD}<worksheet xmlns="{M}" xmlns:r="{R}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row></sheetData>'
    '<hyperlinks><hyperlink ref="A1" r:id="rId4"/></hyperlinks>'
    '<pageMargins left="0.25" right="0.25" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="8" orientation="landscape" r:id="rId5"/>'
    "<headerFooter><oddFooter>&amp;P of &amp;N</oddFooter></headerFooter>"
    '<legacyDrawing r:id="rId1"/><tableParts count="1"><tablePart r:id="rId3"/></tableParts></worksheet>'
).encode()


def package() -> tuple[dict[str, bytes], list[str]]:
    parts = {
        "[Content_Types].xml": types("xl/comments1.xml", "xl/tables/table1.xml", "xl/calcChain.xml"),
        "xl/workbook.xml": b"<workbook/>",
        "xl/_rels/workbook.xml.rels": relationships(("rId1", "worksheet", "worksheets/sheet1.xml", False),
                                                    ("rId2", "calcChain", "calcChain.xml", False)),
        "xl/calcChain.xml": f'{HEAD}<calcChain xmlns="{M}"><c r="A1" i="1"/></calcChain>'.encode(),
        SHEET: new_sheet(),
        RELS: relationships(("rId1", "vmlDrawing", "../drawings/vmlDrawing1.vml", False),
                            ("rId2", "comments", "../comments1.xml", False),
                            ("rId3", "table", "../tables/table1.xml", False),
                            ("rId4", "hyperlink", "https://example.org/board", True),
                            ("rId5", "printerSettings", "../printerSettings/printerSettings1.bin", False)),
        "xl/drawings/vmlDrawing1.vml": b"<xml/>",
        "xl/comments1.xml": b"<comments/>",
        "xl/tables/table1.xml": b"<table/>",
        "xl/printerSettings/printerSettings1.bin": b"\x00" * 8,
    }
    return parts, list(parts)


def test_carry_sheet_links_keeps_print_layout_and_notes_and_drops_what_the_new_sheet_lacks():
    parts, order = package()
    got, got_order = carry_sheet_links(parts, order, SHEET, OLD_SHEET)
    assert got[SHEET].endswith(
        b'<pageMargins left="0.25" right="0.25" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        b'<pageSetup paperSize="8" orientation="landscape" r:id="rId5"/>'
        b"<headerFooter><oddFooter>&amp;P of &amp;N</oddFooter></headerFooter>"
        b'<legacyDrawing r:id="rId1"/></worksheet>')
    assert got[SHEET].startswith(new_sheet()[:new_sheet().index(b"<pageMargins")])  # the rest is the new sheet's
    assert got[RELS] == relationships(("rId1", "vmlDrawing", "../drawings/vmlDrawing1.vml", False),
                                      ("rId2", "comments", "../comments1.xml", False),
                                      ("rId5", "printerSettings", "../printerSettings/printerSettings1.bin", False))
    # the table went with its relationship and content type; the notes and printer settings stay
    assert got_order == [name for name in order if name != "xl/tables/table1.xml"]
    assert got["[Content_Types].xml"] == types("xl/comments1.xml", "xl/calcChain.xml")


def test_carry_sheet_links_drops_the_comments_when_the_notes_drawing_is_gone():
    parts, order = package()
    old = OLD_SHEET.replace(b'<legacyDrawing r:id="rId1"/>', b"")
    got, got_order = carry_sheet_links(parts, order, SHEET, old)
    assert b"legacyDrawing" not in got[SHEET]
    assert [n for n in order if n not in got_order] == ["xl/drawings/vmlDrawing1.vml", "xl/comments1.xml",
                                                        "xl/tables/table1.xml"]
    assert b"comments1" not in got["[Content_Types].xml"]


def test_carry_sheet_links_of_a_sheet_that_linked_nothing_changes_nothing():
    parts, order = package()
    del parts[RELS]
    order.remove(RELS)
    old = new_sheet()
    got, got_order = carry_sheet_links(parts, order, SHEET, old)
    assert (got, got_order) == (parts, order)


def test_without_calc_chain_drops_the_part_its_relationship_and_content_type():
    parts, order = package()
    got, got_order = without_calc_chain(parts, order)
    assert got_order == [name for name in order if name != "xl/calcChain.xml"]
    assert got["xl/_rels/workbook.xml.rels"] == relationships(("rId1", "worksheet", "worksheets/sheet1.xml", False))
    assert got["[Content_Types].xml"] == types("xl/comments1.xml", "xl/tables/table1.xml")


def test_without_calc_chain_of_a_book_without_one_is_the_book_itself():
    parts, order = package()
    parts, order = without_calc_chain(parts, order)
    assert without_calc_chain(parts, order) == (parts, order)


def test_without_calc_chain_finds_a_chain_named_from_the_package_root():
    parts, order = package()
    parts["xl/_rels/workbook.xml.rels"] = relationships(("rId1", "worksheet", "worksheets/sheet1.xml", False),
                                                        ("rId2", "calcChain", "/xl/calcChain.xml", False))
    got, got_order = without_calc_chain(parts, order)
    assert "xl/calcChain.xml" not in got and "xl/calcChain.xml" not in got_order
    assert got["xl/_rels/workbook.xml.rels"] == relationships(("rId1", "worksheet", "worksheets/sheet1.xml", False))


def test_carry_sheet_links_keeps_a_part_another_relationship_still_names():
    # the table is also named by the workbook's relationships: the sheet lets it go, the part stays
    parts, order = package()
    parts["xl/_rels/workbook.xml.rels"] = relationships(("rId1", "worksheet", "worksheets/sheet1.xml", False),
                                                        ("rId2", "calcChain", "calcChain.xml", False),
                                                        ("rId3", "table", "tables/table1.xml", False))
    got, got_order = carry_sheet_links(parts, order, SHEET, OLD_SHEET)
    assert b"table1" not in got[RELS]
    assert got_order == order and got["xl/tables/table1.xml"] == b"<table/>"


def test_with_theme_gives_a_book_without_one_office_s_theme_its_relationship_and_content_type():
    # LibreOffice writes no theme: the refresh puts Office's default back, as every book we write has it
    from csp_status.workbook.theme import THEME_CONTENT_TYPE, THEME_XML

    parts, order = package()
    parts, order = without_calc_chain(parts, order)
    got, got_order = with_theme(parts, order)
    assert got["xl/theme/theme1.xml"] == THEME_XML and got_order == [*order, "xl/theme/theme1.xml"]
    assert got["xl/_rels/workbook.xml.rels"] == relationships(
        ("rId1", "worksheet", "worksheets/sheet1.xml", False), ("rId2", "theme", "theme/theme1.xml", False))
    assert (f'<Override PartName="/xl/theme/theme1.xml" ContentType="{THEME_CONTENT_TYPE}"/>'.encode()
            in got["[Content_Types].xml"])
    assert with_theme(got, got_order) == (got, got_order)  # a book with a theme comes back as it was


def test_with_theme_leaves_a_theme_whose_relationship_was_lost_as_it_is():
    # a damaged book, not one LibreOffice saved: the refresh mends nothing it does not own
    parts, order = package()
    parts, order = without_calc_chain(parts, order)
    parts["xl/theme/theme1.xml"], order = b"<a:theme/>", [*order, "xl/theme/theme1.xml"]
    assert with_theme(parts, order) == (parts, order)
