"""Hostile files, tried on purpose: XML entity bombs and external entities, zip bombs, part names that
climb out of the package, formula injection, control characters and cells as long as Excel allows.

Each is refused fast, in bounded memory and without touching the network or the disk outside the
book, with a message that names the file; or, for text that is merely strange, kept exactly as typed.
Memory is judged in a fresh process (its peak resident size before and after the call), time loosely.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
import zipfile
from pathlib import Path

import bookedit
import openpyxl
import pytest
from adversarial import (
    Listener,
    entity_bomb,
    external_entity,
    indicator_row,
    listing,
    measure,
    patch_member,
    replace_parts,
    run_csp,
    says_what_to_do,
    seed_rows,
    write_tsv,
)
from libreoffice import inspect_book, requires_libreoffice
from lxml import etree
from python_calamine import CalamineWorkbook

from csp_status.cli import main
from csp_status.core.errors import BookError
from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book
from csp_status.workbook.cells import col_index, col_letter
from csp_status.workbook.layout import DATA_FORMULA_HEADERS, data_formulas

DATA_PART = "xl/worksheets/sheet3.xml"
STRINGS_PART = "xl/sharedStrings.xml"
REFUSED = "refusing to read it: use a copy saved by Excel, or restore the book from a backup"
FAST = 3.0  # seconds, loosely: a refusal is immediate
SMALL = 100  # MB a refused hostile file may add to the process's peak memory

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # a zip made twice-named on purpose


def hostile_book(imported: Path, out: Path, part: str, data: bytes) -> Path:
    """The imported book with the Data sheet replaced, or a shared-strings part added."""
    if part == "strings":
        return replace_parts(imported, out, added={STRINGS_PART: data})
    return replace_parts(imported, out, replaced={DATA_PART: data})


def refused(book: Path) -> tuple[str, float]:
    """refresh_book's refusal and how long it took; the book must come through byte for byte."""
    before = book.read_bytes()
    start = time.perf_counter()
    with pytest.raises(BookError) as info:
        refresh_book(book)
    seconds = time.perf_counter() - start
    assert book.read_bytes() == before
    assert not [name for name in listing(book.parent) if name.endswith((".tmp", ".csp-lock"))]
    return str(info.value), seconds


def part_name(part: str) -> str:
    return STRINGS_PART if part == "strings" else DATA_PART


# ---- XML: entity bombs and external entities --------------------------------------------------

DRESSES = ["plain", "padded", "utf-16"]


def expected_xml_refusal(book: Path, part: str, dress: str) -> str:
    reason = "is not XML in UTF-8, as Excel writes it" if dress == "utf-16" else "declares a DTD or entities"
    return f"{book}: part '{part_name(part)}' {reason}; {REFUSED}"


@pytest.mark.parametrize("dress", DRESSES)
@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_entity_bomb_refused_fast(imported, tmp_path, part, dress):
    book = hostile_book(imported, tmp_path / "x.xlsm", part, entity_bomb(part, dress))
    message, seconds = refused(book)
    assert message == expected_xml_refusal(book, part, dress)
    assert seconds < FAST


@pytest.mark.parametrize("dress", DRESSES)
@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_entity_bomb_bounded_memory(imported, tmp_path, part, dress):
    hostile_book(imported, tmp_path / "x.xlsm", part, entity_bomb(part, dress))
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == "Error: " + expected_xml_refusal(Path("x.xlsm"), part, dress)
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got


@pytest.mark.parametrize("kind", ["entity", "dtd"])
@pytest.mark.parametrize("dress", DRESSES)
@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_external_http_never_fetched(imported, tmp_path, part, dress, kind):
    listener = Listener()
    try:
        book = hostile_book(imported, tmp_path / "x.xlsm", part, external_entity(part, listener.url, dress, kind))
        message, seconds = refused(book)
        if dress == "plain":  # and from the command line, in a process of its own
            proc = run_csp("status", "x.xlsm", cwd=tmp_path)
            assert (proc.returncode, proc.stderr) == (
                1, "Error: " + expected_xml_refusal(Path("x.xlsm"), part, dress) + "\n")
        time.sleep(0.2)  # a connection, had one been made, is accepted by now
    finally:
        listener.close()
    assert listener.connections == 0
    assert message == expected_xml_refusal(book, part, dress)
    assert seconds < FAST


@pytest.mark.parametrize("dress", DRESSES)
@pytest.mark.parametrize("part", ["sheet", "strings"])
def test_external_file_never_read(imported, tmp_path, part, dress):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7731")
    book = hostile_book(imported, tmp_path / "x.xlsm", part, external_entity(part, secret.as_uri(), dress))
    message, _ = refused(book)
    proc = run_csp("status", "x.xlsm", "--format", "json", cwd=tmp_path)
    assert message == expected_xml_refusal(book, part, dress)
    assert "TOP-SECRET" not in proc.stdout + proc.stderr + message


@pytest.mark.parametrize("where", ["sheet", "strings"])
def test_import_legacy_xlsx_with_entity_bomb_refused(seed_path, tmp_path, where):
    workbook = openpyxl.Workbook()
    for row in seed_rows(seed_path):
        workbook.active.append([cell or None for cell in row])
    clean = tmp_path / "clean.xlsx"
    workbook.save(clean)
    bomb = entity_bomb(where, "padded")
    if where == "strings":  # openpyxl writes inline strings: the part is added, and read as Excel's would be
        part = STRINGS_PART
        replace_parts(clean, tmp_path / "legacy.xlsx", added={part: bomb})
    else:
        part = "xl/worksheets/sheet1.xml"
        replace_parts(clean, tmp_path / "legacy.xlsx", replaced={part: bomb})
    got = measure("import_legacy('legacy.xlsx', 'x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == f"Error: legacy.xlsx: part '{part}' declares a DTD or entities; {REFUSED}"
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got
    assert "x.xlsm" not in listing(tmp_path)


# ---- zip bombs ------------------------------------------------------------------------------------

def test_zip_part_declaring_a_huge_size_refused_on_declared_size(book, tmp_path):
    patch_member(book, DATA_PART, declared_size=4_000_000_000)
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == (f"Error: x.xlsm: part '{DATA_PART}' declares 4,000,000,000 bytes uncompressed "
                              f"(a zip bomb?); {REFUSED}")
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got


def _with_stored_tail(book: Path, out: Path, name: str, tail: bytes) -> Path:
    """The book with ``tail`` stored after one part's deflated bytes, inside the member (its stored size
    counts it): a member that declares far more stored bytes than its part inflates from."""
    import struct
    import zlib

    members, directory, at = [], [], 0
    with zipfile.ZipFile(book) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            stored = packer.compress(data) + packer.flush() + (tail if info.filename == name else b"")
            crc, named = zlib.crc32(data), info.filename.encode()
            head = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(stored), len(data),
                               len(named), 0)
            directory.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc,
                                         len(stored), len(data), len(named), 0, 0, 0, 0, 0, at) + named)
            members.append(head + named + stored)
            at += len(head) + len(named) + len(stored)
    central = b"".join(directory)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(directory), len(directory), len(central), at, 0)
    out.write_bytes(b"".join(members) + central + end)
    return out


def test_a_member_storing_far_more_than_its_part_is_read_no_further(imported, tmp_path):
    # 150 MB stored after the Data sheet's deflated bytes, inside its member: the part is read, the rest never
    _with_stored_tail(imported, tmp_path / "x.xlsm", DATA_PART, b"\0" * 150_000_000)
    got = measure("read_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == "ok"
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got


def test_zip_part_larger_than_declared_read_no_further(imported, tmp_path):
    # 60 MB of XML behind a header that declares 3,000 bytes: reading stops at 3,000
    big = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + b" " * 60_000_000 + b"</sheetData></worksheet>")
    book = replace_parts(imported, tmp_path / "x.xlsm", replaced={DATA_PART: big})
    patch_member(book, DATA_PART, declared_size=3000)
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"].startswith(f"Error: x.xlsm: part '{DATA_PART}' is damaged (it holds more than the 3,000 "
                                     "bytes the package declares)")
    assert got["outcome"].endswith("; restore the book from a backup, or open it in Excel and let Excel repair it")
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got


def test_zip_part_expanding_a_thousandfold_refused(imported, tmp_path):
    replace_parts(imported, tmp_path / "x.xlsm", added={"xl/media/image1.png": bytes(50_000_000)})
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == (f"Error: x.xlsm: part 'xl/media/image1.png' declares 50,000,000 bytes uncompressed "
                              f"(a zip bomb?); {REFUSED}")
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got


def test_zip_parts_declaring_more_than_two_gigabytes_refused(imported, tmp_path):
    # nine parts of 1.3 MB that do not compress, each declaring 250 MB: no part is a bomb, the sum is
    added = {f"xl/media/image{n}.bin": os.urandom(1_300_000) for n in range(9)}
    book = replace_parts(imported, tmp_path / "x.xlsm", added=added)
    for name in added:
        patch_member(book, name, declared_size=250_000_000)
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"].startswith("Error: x.xlsm: the package declares 2,25")
    assert got["outcome"].endswith(f"bytes uncompressed; {REFUSED}")
    assert (got["grew_mb"] < SMALL, got["seconds"] < FAST) == (True, True), got


def test_zip_with_ten_thousand_parts_refused(imported, tmp_path):
    added = {f"customXml/item{n}.xml": b"<a/>" for n in range(10_001)}
    book = replace_parts(imported, tmp_path / "x.xlsm", added=added)
    parts = len(added) + len(zipfile.ZipFile(imported).namelist())
    message, seconds = refused(book)
    assert message == f"{book}: {parts:,} parts in the package; {REFUSED}"
    assert seconds < FAST


# ---- part names and relationships that leave the package ----------------------------------------------

@pytest.mark.parametrize("name", ["../evil.xml", "/etc/cron.d/evil", "xl\\..\\evil.xml", "xl/../../evil.xml",
                                  "xl/worksheets/../../../evil.xml"])
def test_zip_member_name_climbing_out_refused(imported, tmp_path, name):
    book = replace_parts(imported, tmp_path / "x.xlsm", added={name: b"<x/>"})
    message, _ = refused(book)
    assert message == f"{book}: unsafe part name {name!r} in the package; {REFUSED}"
    assert listing(tmp_path) == ["x.xlsm"]
    assert not (tmp_path.parent / "evil.xml").exists()


def test_zip_member_named_twice_refused(imported, tmp_path):
    # two members with one name: readers disagree about which is the sheet, so neither is used
    book = replace_parts(imported, tmp_path / "x.xlsm", added={DATA_PART: b"<worksheet/>"})
    message, _ = refused(book)
    assert message == f"{book}: two parts named '{DATA_PART}' in the package; {REFUSED}"


@pytest.mark.parametrize("target", ["../../../../etc/passwd", "/etc/passwd", "file:///etc/passwd"])
def test_relationship_target_outside_the_package_refused(imported, tmp_path, target):
    rels = zipfile.ZipFile(imported).read("xl/_rels/workbook.xml.rels")
    changed = rels.replace(b'Target="worksheets/sheet3.xml"', f'Target="{target}"'.encode())
    assert changed != rels
    book = replace_parts(imported, tmp_path / "x.xlsm", replaced={"xl/_rels/workbook.xml.rels": changed})
    message, _ = refused(book)
    assert message.startswith(f"{book}: ")
    assert "root:" not in message
    assert says_what_to_do(message)


@pytest.mark.parametrize(("flags", "method", "message"), [
    (1, None, "part '{part}' is encrypted; save the workbook from Excel without a password"),
    *[(0, method, f"part '{{part}}' cannot be unpacked (compression method {method}; Excel stores parts plain or "
                  "deflated); " + REFUSED) for method in (9, 12, 14, 93, 98, 99)],
], ids=["encrypted", "deflate64", "bzip2", "lzma", "zstandard", "ppmd", "aes"])
def test_zip_member_encrypted_or_strangely_compressed_refused(book, flags, method, message):
    patch_member(book, DATA_PART, flags=flags, method=method)
    got, _ = refused(book)
    assert got == f"{book}: " + message.format(part=DATA_PART)


# ---- formula injection --------------------------------------------------------------------------

INJECTIONS = ["=1+1", "+1+1", "-2+3", "@SUM(1,2)", "=HYPERLINK(\"http://example.invalid\",\"click\")",
              "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=", "-", "@"]


@pytest.fixture(scope="module")
def injected(seed_path, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The seed with formula-like text in every kind of cell officers type, imported and refreshed."""
    folder = tmp_path_factory.mktemp("injected")
    rows = seed_rows(seed_path)
    typed = {}
    for n, text in enumerate(INJECTIONS):
        row = indicator_row(rows, f"CNP PM{n % 9 + 1}")
        column = [1, 5, 4, 9, 13, 14, 16][n % 7]  # description, comparator, baseline, Q1, Q4, commentary
        row[column] = text
        typed[f"CNP PM{n % 9 + 1}/{column}"] = text
    indicator_row(rows, "CNP PM5")[9] = "=A1"
    book = folder / "x.xlsm"
    import_legacy(write_tsv(folder / "legacy.tsv", rows), book)
    refresh_book(book)
    return book, typed


def test_formula_injection_has_no_formula_in_any_sheet(injected):
    book, _ = injected
    # the Data sheet's own calculated columns, M onwards (see data_columns)
    formula_columns = {col_letter(13 + i) for i in range(len(DATA_FORMULA_HEADERS))}
    for sheet in ("Summary", "Indicators", "Data", "Settings"):
        root = etree.fromstring(bookedit.parts(book)[bookedit.sheet_part(book, sheet)])
        for cell in root.iter("{*}c"):
            formula = cell.find("{*}f")
            if formula is not None:
                column = "".join(ch for ch in cell.get("r") if ch.isalpha())
                assert (sheet, column) == ("Data", column) and column in formula_columns, (sheet, cell.get("r"))
                assert formula.text == data_formulas(int(cell.get("r")[len(column):]))[DATA_FORMULA_HEADERS[
                    col_index(column) - 13]], formula.text


def test_formula_injection_kept_as_typed_text(injected, seed_path):
    book, _ = injected
    data = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Data").to_python()
    cells = {str(c) for row in data for c in row}
    indicators = {str(c) for row in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Indicators").to_python()
                  for c in row}
    for text in INJECTIONS + ["=A1"]:
        assert text in cells | indicators, text
    summary = {str(c) for row in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
               for c in row}
    assert {"=1+1", "@SUM(1,2)", "=A1"} <= summary


@requires_libreoffice
def test_formula_injection_libreoffice_shows_the_text(injected):
    book, _ = injected
    row = bookedit.find_row(book, "Data", A="CNP PM5", B="2011/12")
    refs = {f"Data!E{row}": "=A1"}
    for sheet in ("Data", "Indicators", "Summary"):
        root = etree.fromstring(bookedit.parts(book)[bookedit.sheet_part(book, sheet)])
        for cell in root.iter("{*}c"):
            text = "".join(t.text or "" for t in cell.iter("{*}t"))
            if text in ("=1+1", "@SUM(1,2)", "=cmd|' /C calc'!A0", "-2+3"):
                refs[f"{sheet}!{cell.get('r')}"] = text
    got = inspect_book(book, cells=list(refs))["cells"]
    assert {ref: (got[ref]["type"], got[ref]["string"]) for ref in refs} == {
        ref: ("text", text) for ref, text in refs.items()
    }


def test_status_csv_never_starts_a_formula(injected, capsys):
    book, _ = injected
    assert main(["status", str(book), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    starts = [value for row in rows for value in row.values() if value[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert [value for value in starts if not _is_number(value)] == []


# How Excel enters a string assigned to Range.Value (the ribbon's refresh writes the Summary so): a
# leading apostrophe makes it text; otherwise it may become a formula, a number or a date.
_EXCEL_NUMBER = re.compile(r"^\(?[-+]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?%?\)?$|^\d{1,4}/\d{1,2}(/\d{1,4})?$|^(TRUE|FALSE)$",
                           re.IGNORECASE)


def _excel_enters(value: object) -> tuple[str, object]:
    if not isinstance(value, str) or not value:
        return ("value", value)
    if value.startswith("'"):
        return ("text", value[1:])
    if value[0] in "=+-@" and len(value) > 1:
        return ("formula", value)
    if _EXCEL_NUMBER.match(value.strip()) and any(ch.isdigit() for ch in value) or value.upper() in ("TRUE", "FALSE"):
        return ("number", value)
    return ("text", value)


def test_ribbon_refresh_enters_summary_text_as_text(injected):
    from csp_status import excel
    from csp_status.core.judgement import evaluate

    book, _ = injected
    partnership = read_book(book).partnership
    evaluations = evaluate(partnership)
    plan = excel.summary_plan(partnership, evaluations, {})
    wrong = [(r, c, value) for r, row in enumerate(plan.values, start=1) for c, value in enumerate(row, start=1)
             if _excel_enters(value)[0] not in ("text", "value")]
    assert wrong == []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_board_pack_shows_markup_as_text(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM3")[1] = "<script>alert(1)</script>Reduction in overall crime"
    indicator_row(rows, "CNP PM3")[13] = "<img src=x onerror=alert(2)> & more"
    import_legacy(write_tsv(tmp_path / "legacy.tsv", rows), tmp_path / "x.xlsm")
    from csp_status.outputs.report import write_report

    write_report(tmp_path / "x.xlsm", tmp_path / "pack.html")
    page = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt; &amp; more" in page


def test_legacy_xlsx_formula_imported_as_its_shown_value(seed_path, tmp_path):
    workbook = openpyxl.Workbook()
    for row in seed_rows(seed_path):
        workbook.active.append([cell or None for cell in row])
    legacy = tmp_path / "legacy.xlsx"
    workbook.save(legacy)
    # a real formula in PM3's Q1 cell (J9), with the value Excel showed for it
    bookedit.set_formula(legacy, "Sheet", "J9", 'HYPERLINK("http://example.invalid","13,102")', "13,102")
    import_legacy(legacy, tmp_path / "x.xlsm")
    row = bookedit.find_row(tmp_path / "x.xlsm", "Data", A="CNP PM3", B="2011/12")
    assert bookedit.cached_value(tmp_path / "x.xlsm", "Data", f"E{row}") == (None, "13,102")


# ---- control characters and long text -------------------------------------------------------------

CONTROL = "".join(chr(c) for c in range(32)) + " tab\tCR\rCRLF\r\nLF\n _x0041_ & <b> \"q\" 'a' é ☃ 𝄞"


@pytest.mark.parametrize("text", [CONTROL, "x" * 32_767, ("line\r\n" * 5000 + CONTROL)[:32_767]],
                         ids=["control", "longest", "long-lines"])
def test_commentary_survives_import_refresh_reread(seed_path, tmp_path, text):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM3")[13] = text  # Q1* commentary
    indicator_row(rows, "CNP PM4")[9] = text[:200]  # a figure nobody can read: CHECK, kept as typed
    book = tmp_path / "x.xlsm"
    import_legacy(write_tsv(tmp_path / "legacy.tsv", rows), book)
    bookedit.set_cell(book, "Settings", "B5", 2)  # another quarter: the refresh rewrites Summary and Data
    assert refresh_book(book).changed
    record = read_book(book).partnership.records
    assert record[("CNP PM3", "2011/12")].commentary[0] == text
    assert record[("CNP PM4", "2011/12")].quarters[0] == text[:200]
    # calamine, another reader, sees the same in the Data sheet and the Summary
    data = {(r[0], r[1]): r for r in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Data").to_python()}
    assert data[("CNP PM3", "2011/12")][8] == text
    summary = {r[0]: r for r in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()}
    assert (summary["CNP PM3"][13], summary["CNP PM4"][9]) == (text, text[:200])


@requires_libreoffice
def test_commentary_control_characters_libreoffice_shows_them(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM3")[13] = CONTROL
    indicator_row(rows, "CNP PM6")[13] = "y" * 32_767
    book = tmp_path / "x.xlsm"
    import_legacy(write_tsv(tmp_path / "legacy.tsv", rows), book)
    pm3 = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    pm6 = bookedit.find_row(book, "Data", A="CNP PM6", B="2011/12")
    got = inspect_book(book, cells=[f"Data!I{pm3}", f"Data!I{pm6}"])["cells"]
    # LibreOffice keeps line breaks as LF inside a cell: CR and CRLF come back as LF there
    assert got[f"Data!I{pm3}"]["string"] == CONTROL.replace("\r\n", "\n").replace("\r", "\n")
    assert got[f"Data!I{pm6}"]["string"] == "y" * 32_767


def test_commentary_longer_than_a_cell_refused_naming_it(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM3")[16] = "z" * 32_768
    line = rows.index(indicator_row(rows, "CNP PM3")) + 1
    legacy = write_tsv(tmp_path / "legacy.tsv", rows)
    with pytest.raises(BookError) as info:
        import_legacy(legacy, tmp_path / "x.xlsm")
    assert str(info.value) == (
        f"{legacy} row {line} column Q: the text is 32,768 characters long; an Excel cell holds at most 32,767, so it "
        "cannot be imported without losing some of it. Shorten it, or keep the full text elsewhere and link to it"
    )
    assert listing(tmp_path) == ["legacy.tsv"]
