"""Rows of plain cells read from their bytes give the cells the parser gives, or are left to it."""

from __future__ import annotations

import re
import shutil
import zipfile

import bookedit
import excelsave
import pytest
from lxml import etree

from csp_status.core.errors import BookError
from csp_status.core.parse import SheetNumber
from csp_status.workbook import row_bytes, sheet_rows
from csp_status.workbook.cells import row_cells
from csp_status.workbook.package import Package
from csp_status.workbook.sheets import _styles_of

_WRAPPER = b'<csp-rows xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_FORMATS = ["General", "0.0%", "General", "#,##0"]  # style 1 a percentage, 3 a count with separators
_STRINGS = ["Shared text", "", "Lower is better"]


def _by_parser(piece: bytes, strings=_STRINGS, formats=_FORMATS) -> tuple[dict, dict] | None:
    """The cells and styles the guarded parser reads from a batch (None: it is not well formed)."""
    try:
        root = etree.fromstring(_WRAPPER + piece + b"</csp-rows>", sheet_rows.XML_PARSER)
    except etree.XMLSyntaxError:
        return None
    styles: dict = {}
    _styles_of(root, styles)
    return row_cells(root, strings, formats), styles


def _by_bytes(piece: bytes, strings=_STRINGS, formats=_FORMATS) -> tuple[dict, dict] | None:
    cells: dict = {}
    styles: dict = {}
    if not row_bytes.plain_cells(piece, strings, formats, cells, styles):
        assert cells == {} and styles == {}  # a batch left to the parser leaves nothing behind
        return None
    return cells, styles


_EVERY_KIND = (
    b'<row r="2" spans="1:9" ht="20" customHeight="1">'
    b'<c r="A2" s="2" t="inlineStr"><is><t>Ref &amp; &lt;name&gt; &quot;q&quot; &apos;a&apos; _x0041_</t></is></c>'
    b'<c r="B2" t="inlineStr"><is><t xml:space="preserve">  spaced\ttext\n </t></is></c>'
    b'<c r="C2" s="1"><v>0.8502</v></c>'  # a percentage format: a SheetNumber
    b'<c r="D2" s="3" t="n"><v>1250</v></c>'
    b'<c r="E2"><v>12.5</v></c>'  # General: a float
    b'<c r="F2" s="2" t="s"><v>0</v></c><c r="G2" t="s"><v>1</v></c><c r="H2" t="s"><v>2</v></c>'
    b'<c r="I2" t="b"><v>1</v></c><c r="J2" t="b"><v>0</v></c>'
    b'<c r="K2" t="str"><v>cached text</v></c><c r="L2" t="e"><v>#N/A</v></c>'
    b'<c r="M2" s="2"/><c r="N2" s="3"><v>not a number</v></c><c r="O2" t="inlineStr"/>'
    b'<c r="P2"><v></v></c><c r="Q2" t="inlineStr"><is><t></t></is></c>'
    b'<c r="R2"><v>1e400</v></c><c r="S2" t="b"/><c r="T2" s="2" t="b"><v></v></c>'  # TRUE/FALSE, no value: blank
    b"<c r=\"AA2\"><v>3</v></c><c r=\"XFD2\" s=\"9\"><v>4</v></c></row>\n"
    b'<row r="3"/>  <row r="5" s="2" customFormat="1"><c r="A5" t="inlineStr"><is><t>\xc3\xbcn\xc3\xafcode \xe4\xb8\xad</t></is></c></row>'
    b'<row r="1048576"><c r="A1048576"><v>7</v></c></row>\r\n'
)


def test_every_plain_kind_of_cell_reads_as_the_parser_reads_it():
    by_bytes = _by_bytes(_EVERY_KIND)
    assert by_bytes is not None, "plain rows were left to the parser"
    assert by_bytes == _by_parser(_EVERY_KIND)
    cells, styles = by_bytes
    assert list(cells) == list(_by_parser(_EVERY_KIND)[0])  # in the sheet's order, as the parser gives them
    assert cells[(2, 1)] == "Ref & <name> \"q\" 'a' A" and cells[(2, 2)] == "  spaced\ttext\n "
    assert cells[(2, 3)] == SheetNumber(0.8502, "0.0%") and cells[(2, 5)] == 12.5
    assert (cells[(2, 6)], cells[(2, 8)], cells[(2, 9)], cells[(2, 10)]) == ("Shared text", "Lower is better", True, False)
    assert (2, 7) not in cells and (2, 13) not in cells and styles[(2, 13)] == 2  # empty, but styled
    assert (2, 19) not in cells and (2, 20) not in cells and styles[(2, 20)] == 2  # no value: blank, not FALSE
    assert cells[(5, 1)] == "ünïcode 中" and cells[(1_048_576, 1)] == 7.0 and cells[(2, 16_384)] == 4.0


@pytest.mark.parametrize("piece, why", [
    (b'<row r="2"><c r="A2" t="s"><v>3</v></c></row>', "a shared string beyond the table"),
    (b'<row r="2"><c r="A2" t="s"><v>-1</v></c></row>', "a shared string that is no index"),
    (b'<row r="2"><c r="A2" t="b"><v>2</v></c></row>', "TRUE/FALSE that is neither"),
    (b'<row r="2"><c r="B2"><v>1</v></c><c r="A2"><v>2</v></c></row>', "cells out of order"),
    (b'<row r="2"><c r="A2"><v>1</v></c><c r="A2"><v>2</v></c></row>', "a cell written twice"),
    (b'<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>', "rows out of order"),
    (b'<row r="2"><c r="A3"><v>1</v></c></row>', "a cell of another row"),
    (b'<row r="2"><c r="a2"><v>1</v></c></row>', "lower-case letters"),
    (b'<row r="2"><c r="XFE2"><v>1</v></c></row>', "a column beyond XFD"),
    (b'<row r="1048577"/>', "a row beyond the last, without cells"),
    (b'<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>', "a formula"),
    (b'<row r="2"><c r="A2" t="inlineStr"><is><r><t>rich</t></r></is></c></row>', "rich text"),
    (b'<row r="2"><c r="A2" t="inlineStr"><is><t>&#65;</t></is></c></row>', "a character reference"),
    (b'<row r="2"><c r="A2" t="inlineStr"><is><t>a\rb</t></is></c></row>', "a carriage return in text"),
    (b'<row r="2"><c r="A2" cm="1"><v>1</v></c></row>', "an attribute the pattern does not know"),
    (b'<row><c r="A2"><v>1</v></c></row>', "a row without its number"),
    (b'<row r="2"><c r="A2"><v>1</v></c></row><!-- x -->', "a comment"),
    (b'<row r="2"><c r="A2" t="inlineStr"><is><t>\xef\xbf\xbe</t></is></c></row>', "U+FFFE"),
    (b'<row r="2"><c r="A2" t="inlineStr"><is><t>\xc3</t></is></c></row>', "bytes that are not UTF-8"),
])
def test_rows_in_another_form_are_left_to_the_parser(piece, why):
    assert _by_bytes(piece) is None, why


def test_what_the_parser_refuses_is_still_refused_with_the_cell_named(book):
    """Bad cells in a sheet read by either reader get the parser's message, naming the cell."""
    part = bookedit.sheet_part(book, "Indicators")
    data = bookedit.parts(book)[part]
    start = data.index(b'<row r="3"')
    end = data.index(b"</row>", start) + len(b"</row>")
    twice = data[:end] + data[start:end] + data[end:]
    bookedit._replace_parts(book, {part: twice})
    with Package(book) as package, pytest.raises(BookError, match=r"sheet 'Indicators' cell A3: the cell is written twice"):
        package.cells("Indicators")
    bad = re.sub(rb'<c r="B4"( s="[0-9]+")? t="inlineStr"><is><t>[^<]*</t></is></c>', rb'<c r="B4"\1 t="s"><v>99</v></c>',
                 data, count=1)
    assert bad != data
    bookedit._replace_parts(book, {part: bad})
    with Package(book) as package, pytest.raises(BookError, match=r"sheet 'Indicators' cell B4: its shared string '99'"):
        package.cells("Indicators")


def _every_sheet(path, monkeypatch, plain: bool) -> dict:
    if not plain:
        monkeypatch.setattr(row_bytes, "plain_cells", lambda *args, **kwargs: False)
    out = {}
    with Package(path) as package:
        for sheet in package.sheet_paths():
            styles: dict = {}
            cells = package.cells(sheet, styles=styles)
            out[sheet] = (list(cells.items()), styles, list(package.cells(sheet).items()))
    monkeypatch.undo()
    return out


@pytest.mark.parametrize("saved_by", ["CSP Status", "Excel"])
def test_every_sheet_of_a_book_reads_as_the_parser_reads_it(imported, tmp_path, monkeypatch, saved_by):
    """Our own book, and the same book as Excel saves it (shared strings, Excel's attributes), read
    sheet by sheet: the same cells, in the same order, with the same styles, and the plain sheets
    (Indicators and Settings) read from their bytes."""
    path = tmp_path / "book.xlsm"
    shutil.copy(imported, path)
    if saved_by == "Excel":
        excelsave.excel_saved(path)
        with zipfile.ZipFile(path) as zf:
            assert b't="s"' in zf.read(bookedit.sheet_part(path, "Indicators"))
    taken = []
    original = row_bytes.plain_cells

    def counted(piece, *args, **kwargs):
        done = original(piece, *args, **kwargs)
        taken.append(done)
        return done

    monkeypatch.setattr(row_bytes, "plain_cells", counted)
    by_bytes = _every_sheet(path, monkeypatch, plain=True)
    assert any(taken), "no sheet was read from its bytes"
    assert by_bytes == _every_sheet(path, monkeypatch, plain=False)
    assert by_bytes["Indicators"][0] and by_bytes["Settings"][1]


_HOSTILE = [b"\x01", b"\x0b", b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbf\xbe", b"]]>", b"<", b"&",
            b"&#65;", b"&nbsp;", b"&amp;", b'"', b"'", b"\r", b">", b"<!--x-->", b"<?x?>", b"<![CDATA[x]]>",
            b' xmlns="urn:x"', b' xmlns:x="urn:x"', b"</c>", b'<c r="A5"/>', b'<c r="Z2"/>', b"</row>", b"<row>",
            b'<row r="9"/>', b" ", b"\t", b"\n", b"\xe4\xb8\xad", b"_x0041_", b"_x00", b' ht="9"', b' r="7"', b' s="1"',
            b' s="x"', b' t="s"', b' t="b"', b' t="n"', b' t="str"', b' t="inlineStr"', b"<v>", b"</v>", b"<v>0</v>",
            b"</is>", b"</t>", b' xml:space="preserve"', b"1", b"0", b"A", b"9999999"]


def test_any_batch_read_from_its_bytes_is_well_formed_and_read_as_the_parser_reads_it(imported):
    """Hostile bytes put anywhere in an Indicators sheet's rows: any batch read from its bytes the
    parser reads too, to the same cells and styles."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    data = zipfile.ZipFile(imported).read(bookedit.sheet_part(imported, "Indicators"))
    start = data.index(b"<sheetData>") + len(b"<sheetData>")
    end = start
    for _ in range(6):
        end = data.index(b"</row>", end) + len(b"</row>")
    every_kind = re.sub(rb'( r="[A-Z]*)2"', rb'\g<1>99"', _EVERY_KIND[:_EVERY_KIND.index(b"</row>") + 6])
    rows = data[start:end] + every_kind  # the rows as the refresh writes them, then a row of every kind
    assert _by_bytes(rows) == _by_parser(rows) and _by_bytes(rows) is not None
    accepted: list[bytes] = []

    def check_one(insertions) -> None:
        piece = rows
        for at, bad in sorted(insertions, reverse=True):
            piece = piece[:at] + bad + piece[at:]
        found = _by_bytes(piece)
        if found is not None:
            accepted.append(piece)
            assert found == _by_parser(piece), insertions

    kinds = [rb"<t>", rb"<v>", rb"</c>", rb'"', rb"<c ", rb"</row>", rb"[A-Za-z] ", rb'<row r="[0-9]+"',
             rb'<c r="[A-Z]+[0-9]+"', rb"/>", rb"<is>"]
    anchors = [m.end() for kind in kinds for m in list(re.finditer(kind, rows))[:3]] + [0, len(rows)]
    for at in anchors:
        for bad in _HOSTILE:
            check_one([(at, bad)])
    assert accepted  # harmless insertions (a space in text, a digit in a number) are read from the bytes

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(st.one_of(st.integers(0, len(rows)), st.sampled_from(anchors)),
                              st.sampled_from(_HOSTILE)), min_size=1, max_size=3))
    def check(insertions):
        check_one(insertions)

    check()
