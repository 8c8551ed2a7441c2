"""The package itself, crafted: relationships that point at parts the refresh does not own, sizes that
disagree between a part's local header and the zip directory, content types and styles that are not
XML or not numbers, cell attributes no spreadsheet writes, a shared-strings table that expands past
anything a partnership needs.

A refresh writes only the parts it regenerates, found from the book's own structure and checked to
be what it expects; anything else is refused in one line, and the book comes through byte for byte.
"""

from __future__ import annotations

import re
import struct
import time
import zipfile
from pathlib import Path

import bookedit
import pytest
from adversarial import (
    entity_bomb,
    external_entity,
    listing,
    measure,
    replace_parts,
    says_what_to_do,
)

from csp_status.cli import main
from csp_status.workbook.book_read import read_book

DATA_PART = "xl/worksheets/sheet3.xml"
TRENDS_RELS = "xl/worksheets/_rels/sheet6.xml.rels"
DRAWING_RELS = "xl/drawings/_rels/drawing1.xml.rels"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
OWN_ADVICE = "refusing to write the book: restore it from a backup, or open it in Excel and save it again"
REPAIR = "restore the book from a backup, or open it in Excel and let Excel repair it"
REFUSED = "refusing to read it: use a copy saved by Excel, or restore the book from a backup"


def part(book: Path, name: str) -> bytes:
    with zipfile.ZipFile(book) as zf:
        return zf.read(name)


def with_part(imported: Path, out: Path, name: str, old: bytes, new: bytes) -> Path:
    """The imported book with one part's text edited (``old`` must be there)."""
    data = part(imported, name)
    assert old in data, (name, old)
    return replace_parts(imported, out, replaced={name: data.replace(old, new, 1)})


def refuse_in_one_line(book: Path, capsys, command: str = "refresh") -> str:
    """``csp refresh`` (or another command) refuses in one line; the book and its folder are as they were."""
    before = {p.name: p.read_bytes() for p in book.parent.iterdir() if p.is_file()}
    code = main([command, str(book)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, ""), err
    assert err.startswith(f"Error: {book}: ") and err.count("\n") == 1, err
    assert says_what_to_do(err), err
    assert {p.name: p.read_bytes() for p in book.parent.iterdir() if p.is_file()} == before
    return err[len("Error: "):].rstrip("\n")


# ---- write only what we own -------------------------------------------------------------------------

@pytest.mark.parametrize(("rels", "old", "new", "what", "target"), [
    (TRENDS_RELS, b'Target="../drawings/drawing1.xml"', b'Target="sheet3.xml"', "the Trends sheet's drawing",
     DATA_PART),
    (TRENDS_RELS, b'Target="../drawings/drawing1.xml"', b'Target="../vbaProject.bin"', "the Trends sheet's drawing",
     "xl/vbaProject.bin"),
    (DRAWING_RELS, b'Target="../charts/chart1.xml"', b'Target="../vbaProject.bin"', "a chart of the Trends sheet",
     "xl/vbaProject.bin"),
    (DRAWING_RELS, b'Target="../charts/chart1.xml"', b'Target="../worksheets/sheet2.xml"',
     "a chart of the Trends sheet", "xl/worksheets/sheet2.xml"),
    (DRAWING_RELS, b'Target="../charts/chart1.xml"', b'Target="../styles.xml"', "a chart of the Trends sheet",
     "xl/styles.xml"),
], ids=["drawing-at-data-sheet", "drawing-at-vba", "chart-at-vba", "chart-at-indicators", "chart-at-styles"])
def test_relationship_at_a_part_we_do_not_own_refused(imported, tmp_path, capsys, rels, old, new, what, target):
    book = with_part(imported, tmp_path / "x.xlsm", rels, old, new)
    message = refuse_in_one_line(book, capsys)
    assert re.search(r": (the '\w+' sheet is|%s points at) part %r, which " % (re.escape(what), target), message), message
    assert message.endswith(OWN_ADVICE)


def test_summary_relationship_at_the_indicators_part_refused(imported, tmp_path, capsys):
    book = with_part(imported, tmp_path / "x.xlsm", WORKBOOK_RELS, b'Target="worksheets/sheet1.xml"',
                     b'Target="worksheets/sheet2.xml"')
    message = refuse_in_one_line(book, capsys)
    assert message == (f"{book}: sheets 'Summary' and 'Indicators' are one part ('xl/worksheets/sheet2.xml') in "
                       f"the package; {OWN_ADVICE}")


def test_chart_shared_with_another_sheet_refused(imported, tmp_path, capsys):
    # the Summary given a drawing that shows the Trends sheet's first chart: rewriting it would change the Summary's
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/chart" Target="../charts/chart1.xml"/>'
            '</Relationships>').encode()
    book = replace_parts(imported, tmp_path / "x.xlsm", added={"xl/worksheets/_rels/sheet1.xml.rels": rels})
    message = refuse_in_one_line(book, capsys)
    assert message == (f"{book}: a chart of the Trends sheet points at part 'xl/charts/chart1.xml', which "
                       f"'xl/worksheets/sheet1.xml' also uses; {OWN_ADVICE}")


@pytest.mark.parametrize("target", ["../../../../tmp/evil.xml", "../../../evil.xml"])
def test_relationship_outside_the_package_never_written(imported, tmp_path, capsys, target):
    book = with_part(imported, tmp_path / "x.xlsm", DRAWING_RELS, b'Target="../charts/chart1.xml"',
                     f'Target="{target}"'.encode())
    message = refuse_in_one_line(book, capsys)
    assert message == (f"{book}: part '{DRAWING_RELS}' has a relationship to {target!r}, outside the package; "
                       f"{REFUSED}")
    assert not [n for n in zipfile.ZipFile(book).namelist() if ".." in n]
    assert not Path("/tmp/evil.xml").exists() and not (tmp_path.parent / "evil.xml").exists()


def test_regenerated_sheet_of_another_kind_refused(imported, tmp_path, capsys):
    # the Data sheet's part declared as something else than a worksheet: it is not ours to rewrite
    book = with_part(imported, tmp_path / "x.xlsm", "[Content_Types].xml",
                     b'<Override PartName="/xl/worksheets/sheet3.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.worksheet+xml"/>', b"")
    message = refuse_in_one_line(book, capsys)
    assert message == (f"{book}: the 'Data' sheet is part '{DATA_PART}', which has the content type "
                       f"'application/xml', not a worksheet's; {OWN_ADVICE}")


def test_new_parts_never_take_a_name_that_differs_only_in_case(imported, tmp_path):
    # the drawing's charts removed and a part 'xl/charts/Chart1.xml' of someone else's: the new charts go elsewhere
    data = part(imported, DRAWING_RELS)
    rels = re.sub(rb"<Relationship [^>]*/>", b"", data)
    removed = tuple(f"xl/charts/chart{n}.xml" for n in range(1, 10))
    book = replace_parts(imported, tmp_path / "x.xlsm", replaced={DRAWING_RELS: rels}, removed=removed,
                         added={"xl/charts/Chart1.xml": b"<kept/>"})
    from csp_status.refresh import refresh_book

    refresh_book(book)
    names = zipfile.ZipFile(book).namelist()
    assert part(book, "xl/charts/Chart1.xml") == b"<kept/>"
    assert len({n.casefold() for n in names}) == len(names)


# ---- sizes and CRCs -----------------------------------------------------------------------------------

def _central_entry(data: bytes, name: str) -> int:
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise LookupError(name)


@pytest.mark.parametrize("name", ["xl/vbaProject.bin", "customUI/customUI14.xml", DATA_PART])
def test_zero_size_in_the_central_directory_refused(book, capsys, name):
    # the local header intact (unzip -t passes), the directory saying 0 bytes: it must not be read as empty
    data = bytearray(book.read_bytes())
    struct.pack_into("<I", data, _central_entry(bytes(data), name) + 24, 0)
    book.write_bytes(bytes(data))
    message = refuse_in_one_line(book, capsys)
    assert message.startswith(f"{book}: part {name!r} is damaged (its local header declares ")
    assert message.endswith(REPAIR)


def test_local_header_size_disagrees_with_the_directory_refused(book, capsys):
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as zf:
        offset = zf.getinfo("xl/vbaProject.bin").header_offset
    struct.pack_into("<I", data, offset + 22, 7)
    book.write_bytes(bytes(data))
    assert refuse_in_one_line(book, capsys).startswith(f"{book}: part 'xl/vbaProject.bin' is damaged (")


def test_crc_in_both_headers_wrong_refused(book, capsys):
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as zf:
        info = zf.getinfo("xl/vbaProject.bin")
    for at in (info.header_offset + 14, _central_entry(bytes(data), info.filename) + 16):
        struct.pack_into("<I", data, at, info.CRC ^ 1)
    book.write_bytes(bytes(data))
    assert refuse_in_one_line(book, capsys).startswith(f"{book}: part 'xl/vbaProject.bin' is damaged (")


def test_part_names_differing_only_in_case_refused(imported, tmp_path, capsys):
    book = replace_parts(imported, tmp_path / "x.xlsm", added={"XL/Worksheets/Sheet3.xml": b"<worksheet/>"})
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: two parts named '{DATA_PART}' and 'XL/Worksheets/Sheet3.xml' (one name to Excel) in the package; "
        f"{REFUSED}")


# ---- content types, styles and cells that no spreadsheet writes ----------------------------------------

@pytest.mark.parametrize("how", ["bomb", "external", "not well-formed"])
def test_content_types_hostile_or_damaged_refused(imported, tmp_path, capsys, how):
    original = part(imported, "[Content_Types].xml")
    if how == "bomb":
        doctype = entity_bomb("sheet").split(b"<worksheet")[0].split(b"?>", 1)[1]
        data = original.replace(b"<Types", doctype + b"<Types", 1)
    elif how == "external":
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET")
        doctype = external_entity("sheet", secret.as_uri()).split(b"<worksheet")[0].split(b"?>", 1)[1]
        data = original.replace(b"<Types", doctype + b"<Types", 1)
    else:
        data = original[:-20]
    book = replace_parts(imported, tmp_path / "x.xlsm", replaced={"[Content_Types].xml": data})
    message = refuse_in_one_line(book, capsys)
    reason = "is not well-formed XML (" if how == "not well-formed" else "declares a DTD or entities; "
    assert message.startswith(f"{book}: part '[Content_Types].xml' {reason}"), message
    assert "TOP-SECRET" not in message


def test_lower_case_cell_references_read_as_upper_case(book):
    before = {(i.ref, i.description) for i in read_book(book).partnership.indicators}
    data = part(book, "xl/worksheets/sheet2.xml")
    lowered = re.sub(rb'<c r="([A-Z]+)(\d+)"', lambda m: b'<c r="' + m[1].lower() + m[2] + b'"', data)
    assert lowered != data
    bookedit._replace_parts(book, {"xl/worksheets/sheet2.xml": lowered})
    assert {(i.ref, i.description) for i in read_book(book).partnership.indicators} == before


@pytest.mark.parametrize(("old", "new", "problem"), [
    (b'<c r="A2"', b'<c r="A0"', "sheet 'Indicators' cell A0: 'A0' is not a cell reference"),
    (b'<c r="A2"', b'<c r="2A"', "sheet 'Indicators' cell 2A: '2A' is not a cell reference"),
    (b'<c r="A2"', b'<c r="XFE2"', "sheet 'Indicators' cell XFE2: 'XFE2' is not a cell reference"),
    (b'<c r="A2"', b'<c r="A9999999"', "sheet 'Indicators' cell A9999999: 'A9999999' is not a cell reference"),
], ids=["row-0", "digits-first", "past-xfd", "past-last-row"])
def test_cell_reference_that_is_not_one_refused_naming_it(book, capsys, old, new, problem):
    data = part(book, "xl/worksheets/sheet2.xml")
    bookedit._replace_parts(book, {"xl/worksheets/sheet2.xml": data.replace(old, new, 1)})
    message = refuse_in_one_line(book, capsys)
    assert message.startswith(f"{book}: {problem} (a column A to XFD, then a row 1 to 1,048,576); {REPAIR}"), message


def test_style_index_not_a_number_refused_naming_the_cell(book, capsys):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", 13102)
    data = part(book, DATA_PART)
    edited = data.replace(f'<c r="E{row}"'.encode(), f'<c r="E{row}" s="x1"'.encode(), 1)
    edited = re.sub(rf'(<c r="E{row}" s="x1") s="\d+"'.encode(), rb"\1", edited)
    bookedit._replace_parts(book, {DATA_PART: edited})
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: sheet 'Data' cell E{row}: its style index 'x1' is not a number; {REPAIR}")


@pytest.mark.parametrize(("attributes", "problem"), [
    ('t="foo"', "its type 'foo' is not one a spreadsheet writes"),
    ('t="b"', "its value '13102' is not TRUE or FALSE (1 or 0)"),
])
def test_cell_type_that_no_spreadsheet_writes_refused_naming_the_cell(book, capsys, attributes, problem):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", 13102)
    data = part(book, DATA_PART)
    edited = re.sub(rf'<c r="E{row}"((?: s="\d+")?)>'.encode(), f'<c r="E{row}"\\1 {attributes}>'.encode(), data, 1)
    assert edited != data
    bookedit._replace_parts(book, {DATA_PART: edited})
    assert refuse_in_one_line(book, capsys) == f"{book}: sheet 'Data' cell E{row}: {problem}; {REPAIR}"


@pytest.mark.parametrize("number", ["0", "abc", "1048577"])
def test_row_number_that_is_not_one_refused(book, capsys, number):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    data = part(book, DATA_PART)
    edited = data.replace(f'<row r="{row}"'.encode(), f'<row r="{number}"'.encode(), 1)
    assert edited != data
    bookedit._replace_parts(book, {DATA_PART: edited})
    assert refuse_in_one_line(book, capsys) == f"{book}: sheet 'Data': a row's number '{number}' is not one; {REPAIR}"


def test_cell_written_twice_refused_naming_it(book, capsys):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", 13102)
    data = part(book, DATA_PART)
    cell = re.search(rf'<c r="E{row}"[^>]*>.*?</c>'.encode(), data)[0]
    bookedit._replace_parts(book, {DATA_PART: data.replace(cell, cell + cell, 1)})
    assert refuse_in_one_line(book, capsys) == f"{book}: sheet 'Data' cell E{row}: the cell is written twice; {REPAIR}"


def test_number_format_id_not_a_number_refused(book, capsys):
    bookedit._replace_parts(book, {"xl/styles.xml": part(book, "xl/styles.xml").replace(
        b'<cellXfs count="16"><xf numFmtId="0"', b'<cellXfs count="16"><xf numFmtId="abc"', 1)})
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: part 'xl/styles.xml': the number format id 'abc' is not a number; {REPAIR}")


def test_number_format_longer_than_excel_allows_refused(book, capsys):
    styles = part(book, "xl/styles.xml")
    code = "0." + "0" * 40_000
    fmts = f'<numFmts count="1"><numFmt numFmtId="200" formatCode="{code}"/></numFmts>'.encode()
    edited = re.sub(rb"<numFmts\b.*?</numFmts>", fmts, styles, flags=re.S) if b"<numFmts" in styles else \
        re.sub(rb"(<styleSheet\b[^>]*>)", rb"\1" + fmts, styles, count=1)
    bookedit._replace_parts(book, {"xl/styles.xml": edited})
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: part 'xl/styles.xml': number format 200 is 40,002 characters long; Excel allows at most 255: "
        f"{REPAIR}")


@pytest.mark.parametrize("index", ["-1", "9", "x"])
def test_shared_string_index_not_in_the_table_refused(book, capsys, index):
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>first</t></si><si><t>last</t></si></sst>')
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    data = part(book, DATA_PART)
    edited = re.sub(rf'<c r="I{row}"([^>]*?) t="inlineStr"><is>.*?</is></c>'.encode(),
                    rf'<c r="I{row}"\1 t="s"><v>{index}</v></c>'.encode(), data, count=1, flags=re.S)
    assert edited != data
    copy = book.with_name("copy.xlsm")
    book.rename(copy)
    replace_parts(copy, book, replaced={DATA_PART: edited}, added={"xl/sharedStrings.xml": sst.encode()})
    copy.unlink()
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: sheet 'Data' cell I{row}: its shared string {index!r} is not in the table of 2; {REPAIR}")


def shared_strings(megabytes: int) -> bytes:
    """A shared-strings table of about that size that compresses as text does (two- to threefold, not
    as a zip bomb): 64 KB of random letters, repeated further apart than deflate looks back."""
    import random

    rng = random.Random(14)
    chunk = b"".join(b"<si><t>" + bytes(rng.choice(b"abcdefghij klmnop") for _ in range(500)) + b"</t></si>"
                     for _ in range(128))
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">' + chunk * (megabytes * 1024 * 1024 // len(chunk)) + b"</sst>")


def add_part_fast(imported: Path, out: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(imported) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info, member in members:
            zf.writestr(info, member, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return out


def test_shared_strings_expanding_past_a_partnerships_need_refused_fast(imported, tmp_path):
    # a zip whose shared strings inflate to 80 MB (the probe's: 34 MB to 191 MB): refused on the declared
    # size, before inflating, where reading them whole took gigabytes
    add_part_fast(imported, tmp_path / "x.xlsm", "xl/sharedStrings.xml", shared_strings(80))
    size = zipfile.ZipFile(tmp_path / "x.xlsm").getinfo("xl/sharedStrings.xml").file_size
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == (f"Error: x.xlsm: part 'xl/sharedStrings.xml' declares {size:,} bytes of shared "
                              "strings, more than a partnership's book holds (at most 67,108,864); " + REFUSED)
    assert (got["seconds"] < 3, got["grew_mb"] < 100) == (True, True), got
    assert listing(tmp_path) == ["x.xlsm"]


def test_shared_strings_of_a_large_book_read_an_entry_at_a_time(imported, tmp_path):
    # 60 MB of shared strings (under the limit) read in bounded memory: never one lxml tree of them
    sst = shared_strings(60)
    count = sst.count(b"<si>")
    add_part_fast(imported, tmp_path / "x.xlsm", "xl/sharedStrings.xml", sst)
    del sst
    start = time.perf_counter()
    got = measure("from csp_status.workbook.package import Package\n"
                  f"    with Package('x.xlsm') as p: assert len(p.shared_strings()) == {count}", cwd=tmp_path)
    assert got["outcome"] == "ok", got
    assert (got["grew_mb"] < 300, time.perf_counter() - start < 30) == (True, True), got


def test_part_read_whole_larger_than_a_book_needs_refused_fast(imported, tmp_path):
    # styles.xml with 40 MB of comment: parsed as one tree it would take some 400 MB
    styles = part(imported, "xl/styles.xml")
    padding = shared_strings(40).replace(b"<", b"(").replace(b">", b")").replace(b"--", b"- ")
    padded = styles.replace(b"<fonts", b"<!--" + padding + b"--><fonts", 1)
    with zipfile.ZipFile(imported) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(tmp_path / "x.xlsm", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info, member in members:
            zf.writestr(info, padded if info.filename == "xl/styles.xml" else member, compress_type=zipfile.ZIP_DEFLATED)
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == (f"Error: x.xlsm: part 'xl/styles.xml' is {len(padded):,} bytes, more than a "
                              f"partnership's book needs in one part read whole (at most 33,554,432); {REFUSED}")
    assert (got["seconds"] < 3, got["grew_mb"] < 100) == (True, True), got


@pytest.mark.parametrize("damage", [b"\x00", b"\x0b", b"<"], ids=["nul", "vertical-tab", "stray-bracket"])
def test_damaged_xml_message_is_one_line(imported, tmp_path, capsys, damage):
    # lxml's own message spans lines for some characters; the user still reads one line
    styles = part(imported, "xl/styles.xml")
    at = styles.index(b"<fonts")
    book = replace_parts(imported, tmp_path / "x.xlsm", replaced={"xl/styles.xml": styles[:at] + damage + styles[at:]})
    message = refuse_in_one_line(book, capsys)
    assert message.startswith(f"{book}: part 'xl/styles.xml' is not well-formed XML (") and "\n" not in message


@pytest.mark.parametrize("second", ["Data", "DATA"])
def test_two_sheets_of_one_name_refused(imported, tmp_path, capsys, second):
    book = with_part(imported, tmp_path / "x.xlsm", "xl/workbook.xml", b'<sheet name="Settings"',
                     f'<sheet name="{second}"'.encode())
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: two sheets named 'Data' and {second!r} (one name to Excel) in 'xl/workbook.xml'; {REPAIR}")


def test_two_relationships_with_one_id_refused(imported, tmp_path, capsys):
    # rId3 twice, once for the Data sheet and once for the Indicators sheet: which one is 'Data'?
    rels = part(imported, WORKBOOK_RELS)
    doubled = rels.replace(b"</Relationships>", b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/'
                           b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
                           b"</Relationships>")
    book = replace_parts(imported, tmp_path / "x.xlsm", replaced={WORKBOOK_RELS: doubled})
    assert refuse_in_one_line(book, capsys) == (
        f"{book}: part '{WORKBOOK_RELS}' has two relationships with the id 'rId3'; {REPAIR}")
