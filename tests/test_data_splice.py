"""The Data sheet's calculated cells written into the sheet's bytes give the same book, byte for
byte, as the cell-by-cell path; rows in any other form are left to that path."""

from __future__ import annotations

import math
import re
import zipfile

import bookedit
import pytest
from lxml import etree

from csp_status.refresh import regenerate
from csp_status.workbook import data_splice, sheet_rows
from csp_status.workbook.cells import xml_text

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _both_ways(book, monkeypatch) -> tuple[bytes, bytes, list[str], list[str]]:
    """The refreshed package with the splice (batches of 5 rows: all but the first spliced), and without."""
    monkeypatch.setattr(sheet_rows, "ROWS_PER_BATCH", 5)
    spliced, _, notices, _ = regenerate(book)
    monkeypatch.setattr(data_splice, "match_rows", lambda piece: None)
    by_cell, _, cell_notices, _ = regenerate(book)
    return spliced, by_cell, notices, cell_notices


def _edit_data(book, change) -> None:
    part = bookedit.sheet_part(book, "Data")
    root = etree.fromstring(bookedit.parts(book)[part])
    change(root)
    bookedit._replace_parts(book, {part: etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                        standalone=True)})


def _stale(root: etree._Element) -> None:
    """Every calculated cell given some other cached value: text, a number, TRUE, an error, blank."""
    forms = [("str", "stale & <old>"), (None, "12.5"), ("b", "1"), ("e", "#N/A"), ("str", None), ("n", "7")]
    n = 0
    for cell in root.iter(M + "c"):
        if cell.find(M + "f") is None:
            continue
        kind, text = forms[n % len(forms)]
        n += 1
        if kind is None:
            cell.attrib.pop("t", None)
        else:
            cell.set("t", kind)
        cell.find(M + "v").text = text


def test_spliced_values_are_the_cell_by_cell_bytes(book, monkeypatch):
    bookedit.set_cell(book, "Settings", "B5", 2)  # the current quarter moved: most values change
    spliced, by_cell, notices, cell_notices = _both_ways(book, monkeypatch)
    assert spliced == by_cell
    assert notices == cell_notices == []
    with zipfile.ZipFile(book) as before:
        assert before.read(bookedit.sheet_part(book, "Data")) != _data(spliced, book)


def test_spliced_over_stale_values_of_every_kind(book, monkeypatch):
    _edit_data(book, _stale)
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", "about 5 <& > \"4\" ünïcode")  # shown as typed in Current
    spliced, by_cell, _, _ = _both_ways(book, monkeypatch)
    assert spliced == by_cell


def test_a_formula_changed_by_hand_keeps_its_value_and_its_notice(book, monkeypatch):
    row = bookedit.find_row(book, "Data", A="CNP PM2", B="2011/12")
    assert row > 5  # beyond the first batch, which is read cell by cell anyway
    bookedit.set_formula(book, "Data", f"N{row}", 'IF(1=1,"GREEN","")', "GREEN")
    spliced, by_cell, notices, cell_notices = _both_ways(book, monkeypatch)
    assert spliced == by_cell
    assert notices == cell_notices
    assert [n.split(": ", 1)[1] for n in notices] == [
        f"sheet 'Data' cell N{row}: the formula was changed by hand; its shown value was left as it was"]


def test_rows_in_another_form_are_left_to_the_cell_by_cell_path(book):
    data = zipfile.ZipFile(book).read(bookedit.sheet_part(book, "Data"))
    rows = re.findall(rb'<row r="(?:[2-9]|1[0-9])".*?</row>', data)
    piece = b"".join(rows)
    assert data_splice.match_rows(piece) is not None
    assert len(data_splice.match_rows(piece)) == len(rows)
    others = [
        piece.replace(b"CSP_STATUS($Q", b"CSP_STATUS( $Q", 1),  # a formula changed
        piece.replace(b'" s="12" t="str"><f>', b'" t="str" s="12"><f>', 1),  # attributes in another order
        piece.replace(b"<v/>", b"<v></v>", 1),
        piece.replace(b"</row>", b'<c r="AD2"><v>1</v></c></row>', 1),  # a cell beyond the calculated ones
        piece + b"<x/>",
        b"",
    ]
    for other in others:
        assert other != piece or other == b""
        assert data_splice.match_rows(other) is None


def test_officers_cells_of_every_plain_kind_read_as_the_parser_reads_them(book, monkeypatch):
    rows = [bookedit.find_row(book, "Data", A=f"CNP PM{n}", B="2011/12") for n in (3, 4, 5, 6)]
    typed = ["  spaced  ", "tab\tand\nnew line", "escaped _x0041_ and &amp; < > \u00e9\u4e2d", 0.1559, 13102, -0.0]
    for n, value in enumerate(typed):
        bookedit.set_cell(book, "Data", f"{'EFGH'[n % 4]}{rows[n % 4]}", value)
    part = bookedit.sheet_part(book, "Data")
    data = zipfile.ZipFile(book).read(part)
    piece = data[data.index(b'<row r="2"'):data.rindex(b"</sheetData>")]
    assert data_splice.input_cells(piece, data_splice.match_rows(piece), ["General"] * 64, {})  # all in the plain form
    spliced, by_cell, _, _ = _both_ways(book, monkeypatch)
    assert spliced == by_cell


@pytest.mark.parametrize("change", [
    lambda p: p.replace(b't="inlineStr"><is><t>', b't="inlineStr"><is><r><t>', 1).replace(b"</t></is>", b"</t></r></is>", 1),
    lambda p: re.sub(rb'<c r="C(\d+)" s="(\d+)"/>', rb'<c r="C\1" s="\2"><f>1+1</f><v>2</v></c>', p, count=1),
    lambda p: re.sub(rb'<c r="C(\d+)" s="(\d+)"/>', rb'<c r="C\1" s="\2" t="s"><v>0</v></c>', p, count=1),
    lambda p: p.replace(b"<is><t>", b"<is><t>a\rb", 1),
    lambda p: p.replace(b"<is><t>", b"<is><t>&#65;", 1),
    lambda p: p.replace(b'<row r="', b'<row xmlns:x="urn:x" r="', 1),
], ids=["rich text", "a formula", "a shared string", "a carriage return", "a character reference", "a namespace"])
def test_officers_cells_in_another_form_are_read_by_the_parser(book, change):
    data = zipfile.ZipFile(book).read(bookedit.sheet_part(book, "Data"))
    piece = data[data.index(b'<row r="2"'):data.rindex(b"</sheetData>")]
    other = change(piece)
    assert other != piece
    matches = data_splice.match_rows(other)
    assert matches is not None
    out: dict = {}
    assert not data_splice.input_cells(other, matches, ["General"] * 64, out) and out == {}


@pytest.mark.parametrize(("value", "expected"), [
    ("", ("str", None)),
    (None, ("str", None)),
    ("AMBER", ("str", "AMBER")),
    ("a\x01b", ("str", xml_text("a\x01b"))),
    (True, ("b", "1")),
    (False, ("b", "0")),
    (3, (None, "3")),
    (2.0, (None, "2")),
    (0.125, (None, "0.125")),
    (1e15, (None, "1000000000000000.0")),
    (-1e300, (None, "-1e+300")),
    (math.inf, ("e", "#NUM!")),
    (math.nan, ("e", "#NUM!")),
])
def test_cached_form(value, expected):
    assert data_splice.cached_form(value) == expected


def _data(package: bytes, book) -> bytes:
    import io

    return zipfile.ZipFile(io.BytesIO(package)).read(bookedit.sheet_part(book, "Data"))


def test_reading_the_inputs_only_gives_the_cells_the_parser_gives(book, monkeypatch):
    from csp_status.workbook.layout import DATA_FORMULA_HEADERS
    from csp_status.workbook.package import Package

    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", "about 5 <& > ünïcode _x0041_")
    bookedit.set_cell(book, "Data", f"F{row}", 0.1559)

    def inputs() -> dict:
        with Package(book) as package:
            return package.cells("Data", without_formulas_under=DATA_FORMULA_HEADERS)

    fast = inputs()
    monkeypatch.setattr(data_splice, "match_rows", lambda piece: None)
    assert fast == inputs()
    assert fast[(row, 5)] == "about 5 <& > ünïcode A" and fast[(row, 6)] == 0.1559
    assert not any(c >= data_splice.FIRST_COLUMN for r, c in fast if r > 1)


_HOSTILE = [b"\x01", b"\x0b", b"\x1f", b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbf\xbe", b"\xef\xbf\xbf",
            b"]]>", b"<", b"&", b"&#65;", b"&nbsp;", b'"', b"'", b"\r", b">", b"<!--x-->", b"<?x?>", b"<![CDATA[x]]>",
            b' xmlns="urn:x"', b' xmlns:x="urn:x"', b"</c>", b'<c r="A5"/>', b"</row>", b"<row>", b" ", b"\t", b"\n",
            b"\xe4\xb8\xad", b"_x0041_", b"\x0c", b" \r\n", b' ht="9"', b' r="7"', b' s="1"', b'<c r="L9"><v>1</v></c>', b"</t>", b' t="s"', b"<v>", b"</is>"]


def _rows_of(book_path) -> bytes:
    data = zipfile.ZipFile(book_path).read(bookedit.sheet_part(book_path, "Data"))
    start = data.index(b"</row>") + len(b"</row>")  # the rows after the headers, ten of them
    end = start
    for _ in range(10):
        end = data.index(b"</row>", end) + len(b"</row>")
    return data[start:end]


def test_a_batch_read_without_parsing_is_well_formed_and_read_as_the_parser_reads_it(imported):
    """Inputs read from the bytes alone (no parse) only when the bytes are well formed: any batch the
    fast reader accepts, with hostile bytes put anywhere in it, lxml parses, to the same cells."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    from csp_status.workbook.cells import row_cells
    from csp_status.workbook.package import Package

    with Package(imported) as package:
        formats = package.number_formats()
    rows = _rows_of(imported)
    calculated = frozenset(data_splice.COLUMNS)
    wrapper = b'<csp-rows xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'

    def by_parser(piece: bytes) -> dict | None:
        try:
            root = etree.fromstring(wrapper + piece + b"</csp-rows>", sheet_rows.XML_PARSER)
        except etree.XMLSyntaxError:
            return None
        return row_cells(root, [], formats, None, calculated)

    out: dict = {}
    assert data_splice.read_inputs(rows, formats, out) and out == by_parser(rows)  # the refresh's own rows: read

    accepted: list[bytes] = []
    # every hostile run where an officer's text, a number or a tag boundary is; then any few, anywhere
    kinds = [rb"<t>", rb"<v>", rb"</c>", rb'"', rb"<c ", rb"</row>", rb"[A-Za-z] ", rb"<f>", rb'<row r="[0-9]+"',
             rb'<c r="[A-Z]+[0-9]+"']
    anchors = [m.end() for kind in kinds for m in list(re.finditer(kind, rows))[:3]] + [0, len(rows)]
    for at in anchors:
        for bad in _HOSTILE:
            check_one(rows, [(at, bad)], formats, by_parser, accepted)
    assert accepted  # some harmless insertions (a space or a tab in text) are read without a parse

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(st.one_of(st.integers(0, len(rows)), st.sampled_from(anchors)),
                              st.sampled_from(_HOSTILE)), min_size=1, max_size=3))
    def check(insertions):
        check_one(rows, insertions, formats, by_parser, accepted)

    check()


def check_one(rows: bytes, insertions, formats, by_parser, accepted: list) -> None:
    piece = rows
    for at, bad in sorted(insertions, reverse=True):
        piece = piece[:at] + bad + piece[at:]
    found: dict = {}
    if data_splice.read_inputs(piece, formats, found):
        accepted.append(piece)
        assert found == by_parser(piece), insertions


def test_a_row_written_twice_is_refused_as_the_parser_refuses_it(book):
    """Two rows of one number: read from the bytes, the second would silently win; the parser names it."""
    from csp_status.core.errors import BookError
    from csp_status.workbook.book_read import read_book

    part = bookedit.sheet_part(book, "Data")
    data = bookedit.parts(book)[part]
    start = data.index(b'<row r="3"')
    end = data.index(b"</row>", start) + len(b"</row>")
    bookedit._replace_parts(book, {part: data[:end] + data[start:end] + data[end:]})
    with pytest.raises(BookError, match=r"sheet 'Data' cell A3: the cell is written twice"):
        read_book(book)
