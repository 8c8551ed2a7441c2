"""Worksheet parts walked a batch of rows at a time give the same cells and the same bytes as one tree."""

from __future__ import annotations


import zipfile
from pathlib import Path

import pytest
from lxml import etree

from csp_status.core.errors import BookError
from csp_status.workbook.cells import MAIN, iter_cells, row_cells
from csp_status.workbook.package import Package
from csp_status.workbook import sheet_rows
from csp_status.workbook.sheet_rows import SheetRows

PART = "xl/worksheets/sheet1.xml"
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Ref</t></is></c><c r="B1" t="inlineStr"><is><t>Q1</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> PM1 &amp; "2" </t></is></c>'
    '<c r="B2" s="1"><v>0.0775</v></c><c r="C2" t="str"><f>IF($B2&lt;&gt;"",1,"")</f><v>1</v></c></row>'
    '<row r="3" spans="1:3"><c r="A3" t="s"><v>0</v></c><c r="B3"><f t="shared" ref="B3:B4" si="0">A3</f><v>2</v></c>'
    '<c r="C3" t="inlineStr"><is><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r></is></c></row>'
    '<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4"><f t="shared" si="0"/><v>3</v></c><c r="C4" s="2"/></row>'
    '<row r="6" customHeight="1" ht="30"/>'
    '<row r="7"><c r="A7" t="inlineStr"><is><t>caf\u00e9 \u2191 line\nbreak</t></is></c></row>'
)


def _sheet(rows: str = _ROWS, *, declaration: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
           root_attrs: str = f'xmlns="{M}" xmlns:r="{R}"', tail: str = '<pageMargins left="0.5" right="0.5" '
           'top="0.6" bottom="0.6" header="0.3" footer="0.3"/>', prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    return (
        f'{declaration}<{p}worksheet {root_attrs}><{p}sheetPr><{p}tabColor rgb="FF1F4E79"/></{p}sheetPr>'
        f'<{p}dimension ref="A1:C7"/><{p}sheetData>{rows}</{p}sheetData>{tail}</{p}worksheet>'
    ).encode("utf-8")


def _package(tmp_path: Path, sheet: bytes) -> Package:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(PART, sheet)
    return Package(path)


def _whole_rewrite(package: Package, edit) -> bytes:
    """What the part becomes when parsed as one tree, edited and serialised (under its own declaration)."""
    root = package.xml(PART)
    for holder in root.findall(MAIN + "sheetData"):
        edit(holder)
    written = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return sheet_rows._as_declared(package.read(PART), written)


def _set_first_values(rows: etree._Element) -> None:
    """An edit like the refresh's: write a new cached value into each formula cell."""
    for cell in rows.iter(MAIN + "c"):
        if cell.find(MAIN + "f") is not None:
            v = cell.find(MAIN + "v")
            if v is None:
                v = etree.SubElement(cell, MAIN + "v")
            v.text = "42 & <more>"
            cell.set("t", "str")


def _no_edit(rows: etree._Element) -> None:
    pass


PRETTY = _ROWS.replace("<row ", "\n    <row ") + "\n  "
EXCEL_LIKE = dict(
    root_attrs=f'xmlns="{M}" xmlns:r="{R}" xmlns:mc="{MC}" mc:Ignorable="x14ac" xmlns:x14ac="{X14AC}"',
    rows=_ROWS.replace('<row r="2">', '<row r="2" spans="1:3" x14ac:dyDescent="0.25">'),
    declaration='<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
)
PREFIXED = dict(root_attrs=f'xmlns:x="{M}" xmlns:r="{R}"', prefix="x",
                rows=_ROWS.replace("<", "<x:").replace("<x:/", "</x:").replace("</x:row", "</x:row"))

CASES = {
    "ours": {},
    "pretty-printed": dict(rows=PRETTY),
    "excel-like": EXCEL_LIKE,
    "prefixed": PREFIXED,
    "single-quoted declaration": dict(declaration="<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"),
    "no declaration": dict(declaration=""),
    "rows declare a namespace": dict(rows=_ROWS.replace('<row r="4">', '<row xmlns:q="urn:q" q:x="1" r="4">')),
}
FALLBACKS = {
    "comment among rows": dict(rows=_ROWS.replace('<row r="4">', '<!-- note --><row r="4">')),
    "latin-1": dict(declaration='<?xml version="1.0" encoding="ISO-8859-1"?>\n', rows=_ROWS.replace("\u2191", "")),
    "no rows": dict(rows=""),
    "self-closed": dict(self_closed=True),
}
SELF_CLOSED = _sheet(rows="").replace(b"<sheetData></sheetData>", b"<sheetData/>")


def _encode(spec: dict) -> bytes:
    if spec.get("self_closed"):
        return SELF_CLOSED
    sheet = _sheet(**spec)
    if "ISO-8859-1" in spec.get("declaration", ""):
        sheet = sheet.decode("utf-8").encode("latin-1")
    return sheet


@pytest.mark.parametrize("batch", [1, 2, 2000])
@pytest.mark.parametrize("case", list(CASES) + list(FALLBACKS))
@pytest.mark.parametrize("edit", [_no_edit, _set_first_values])
def test_sheet_rows_rewrite_same_bytes_as_one_tree(tmp_path, case, batch, edit):
    spec = {**CASES, **FALLBACKS}[case]
    with _package(tmp_path, _encode(spec)) as package:
        expected = _whole_rewrite(package, edit)
        sheet = SheetRows(package, PART, rows_per_batch=batch)
        assert sheet.streamed == (case in CASES)
        got = b"".join(sheet.rewrite(edit))
    assert got == expected


@pytest.mark.parametrize("batch", [1, 3, 2000])
@pytest.mark.parametrize("case", list(CASES) + list(FALLBACKS))
def test_sheet_rows_batches_give_the_cells_of_one_tree(tmp_path, case, batch):
    spec = {**CASES, **FALLBACKS}[case]
    with _package(tmp_path, _encode(spec)) as package:
        strings, formats = ["shared text"], ["General", "0.00%", "General"]
        expected = dict(iter_cells(package.xml(PART), strings, formats))
        got: dict = {}
        for rows in SheetRows(package, PART, rows_per_batch=batch).batches():
            row_cells(rows, strings, formats, got)
    assert got == expected
    assert list(got) == list(expected)


def test_sheet_rows_cells_read_values(tmp_path):
    with _package(tmp_path, _sheet()) as package:
        cells: dict = {}
        for rows in SheetRows(package, PART, rows_per_batch=2).batches():
            row_cells(rows, ["shared text"], ["General", "0.00%", "General"], cells)
    assert cells[(2, 1)] == ' PM1 & "2" '
    assert cells[(3, 1)] == "shared text"
    assert cells[(3, 3)] == "rich text"
    assert cells[(4, 1)] is True
    assert cells[(7, 1)] == "caf\u00e9 \u2191 line\nbreak"
    assert (4, 3) not in cells


def test_sheet_rows_malformed_part_names_it(tmp_path):
    broken = _sheet().replace(b'<row r="4">', b'<row r="4"><c r="A4">')
    with _package(tmp_path, broken) as package:
        with pytest.raises(BookError) as whole:
            package.xml(PART)
        with pytest.raises(BookError) as batched:
            list(SheetRows(package, PART, rows_per_batch=1).batches())
    assert str(batched.value) == str(whole.value)
    assert "is not well-formed XML" in str(batched.value)


def test_sheet_rows_dtd_is_refused(tmp_path):
    hostile = _sheet(declaration='<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaa">]>\n')
    with _package(tmp_path, hostile) as package:
        with pytest.raises(BookError, match="declares a DTD or entities"):
            SheetRows(package, PART)


@pytest.mark.parametrize(("declaration", "kept"), [
    (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', True),  # as Excel writes it
    (b'<?xml version="1.0" encoding="utf-8"?>', True),
    (b"<?xml version='1.0' encoding='ISO-8859-1'?>", False),  # the part is written as UTF-8: said so
])
def test_a_rewritten_part_keeps_its_own_declaration_when_it_says_utf8(declaration, kept):
    lxml = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"
    got = sheet_rows._as_declared(declaration + b"\n<worksheet/>", lxml + b"\n<worksheet/>")
    assert got == (declaration if kept else lxml) + b"\n<worksheet/>"


@pytest.mark.parametrize(("root_attrs", "prefix", "offered"), [
    (f'xmlns="{M}" xmlns:r="{R}"', "", True),
    (f'xmlns:x="{M}" xmlns="urn:other"', "x", False),  # unprefixed rows there are not SpreadsheetML's
    (f'xmlns:x="{M}"', "x", False),
])
def test_rows_are_offered_as_bytes_only_where_unprefixed_tags_are_spreadsheetml(tmp_path, root_attrs, prefix, offered):
    seen = []
    with _package(tmp_path, _sheet(root_attrs=root_attrs, prefix=prefix)) as package:
        rows = SheetRows(package, PART)
        list(rows.batches(lambda piece, parse: seen.append(piece) or False))
        assert rows.streamed
    assert bool(seen) is offered
