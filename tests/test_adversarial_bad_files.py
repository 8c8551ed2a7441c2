"""Bad files, tried on purpose: not a workbook at all, a damaged one, one without the expected sheets
or headers, duplicated refs and headers, a Summary edited by hand, a very long summary, a 1 MB cell.

What a user sees: a one-line refusal naming the file (and the sheet and cell where it applies)
that says what to do, with the book byte for byte as it was; or, where the file is merely unusual,
the import or refresh it asked for, with nothing an officer typed lost.  (``test_refresh``,
``test_importer`` and ``test_cli`` already cover the commonest cases: this module adds the rest.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import bookedit
import openpyxl
import pytest
from adversarial import (
    SEED_STATUSES,
    indicator_row,
    legacy_rows,
    listing,
    measure,
    replace_parts,
    run_csp,
    says_what_to_do,
    seed_rows,
    write_tsv,
)
from python_calamine import CalamineWorkbook

from csp_status.core.errors import BookError
from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4088)  # how an .xls, or any password-protected workbook, begins
OLE2_MESSAGE = ("not an .xlsx or .xlsm workbook (it is an old .xls file, or saved with a password); save it from "
                "Excel as an Excel workbook, without a password")


def refusal(book: Path) -> str:
    """refresh_book's refusal; the book and its folder must come through as they were."""
    before = {p.name: p.read_bytes() for p in book.parent.iterdir() if p.is_file()}
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert {p.name: p.read_bytes() for p in book.parent.iterdir() if p.is_file()} == before
    return str(info.value)


def statuses(result) -> dict[str, str]:
    return {e.ref: e.status.value for e in result.evaluations}


def sheet(book: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name(name).to_python()


# ---- not a workbook -----------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["refresh", "status"])
def test_old_xls_or_password_protected_book(tmp_path, command):
    (tmp_path / "x.xlsm").write_bytes(OLE2)
    proc = run_csp(command, "x.xlsm", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", f"Error: x.xlsm: {OLE2_MESSAGE}\n")
    assert listing(tmp_path) == ["x.xlsm"]


def test_old_xls_legacy_summary(tmp_path):
    (tmp_path / "legacy.xlsx").write_bytes(OLE2)
    proc = run_csp("import", "legacy.xlsx", "-o", "x.xlsm", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, f"Error: legacy.xlsx: {OLE2_MESSAGE}\n")
    assert listing(tmp_path) == ["legacy.xlsx"]


def test_huge_file_that_is_not_a_workbook_status_bounded(tmp_path):
    # 400 MB (sparse) named .xlsm: refused on its zip directory, never read whole
    with (tmp_path / "x.xlsm").open("wb") as handle:
        handle.truncate(400_000_000)
    got = measure("read_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == ("Error: x.xlsm: not an Excel workbook (not a zip package: File is not a zip file); "
                              "choose the workbook itself, or restore it from a backup")
    assert (got["grew_mb"] < 100, got["seconds"] < 3) == (True, True), got


def test_huge_file_that_is_not_a_workbook_refresh_bounded(tmp_path):
    with (tmp_path / "x.xlsm").open("wb") as handle:
        handle.truncate(400_000_000)
    got = measure("refresh_book('x.xlsm')", cwd=tmp_path)
    assert got["outcome"].startswith("Error: x.xlsm: not an Excel workbook")
    assert got["grew_mb"] < 100, got


@pytest.mark.parametrize("members", [
    {"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"},  # a .docx
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"},  # an .ods
    {"hello.txt": b"hi"},
], ids=["docx", "ods", "any-zip"])
def test_zip_that_is_not_a_workbook(tmp_path, members):
    book = tmp_path / "x.xlsm"
    with zipfile.ZipFile(book, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert refusal(book) == (f"{book}: the package has no part 'xl/workbook.xml', so it is not a whole Excel "
                             "workbook; choose the workbook itself, or restore it from a backup")


@pytest.mark.parametrize("keep", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_truncated_anywhere_refused_never_a_traceback(imported, tmp_path, keep):
    data = imported.read_bytes()
    book = tmp_path / "x.xlsm"
    book.write_bytes(data[: int(len(data) * keep)])
    message = refusal(book)
    assert message.startswith(f"{book}: ") and says_what_to_do(message)


def test_damaged_part_refused(imported, tmp_path):
    # a few bytes inside the Data sheet's compressed data changed, as a bad sector or a broken copy would
    data = bytearray(imported.read_bytes())
    with zipfile.ZipFile(imported) as zf:
        info = zf.getinfo("xl/worksheets/sheet3.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    data[start:start + 8] = b"\xff" * 8
    book = tmp_path / "x.xlsm"
    book.write_bytes(bytes(data))
    message = refusal(book)
    assert message.startswith(f"{book}: part 'xl/worksheets/sheet3.xml' is damaged (")
    assert message.endswith("restore the book from a backup, or open it in Excel and let Excel repair it")


def test_sheet_part_missing_from_the_package(imported, tmp_path):
    book = replace_parts(imported, tmp_path / "x.xlsm", removed=("xl/worksheets/sheet3.xml",))
    assert refusal(book) == (f"{book}: the package has no part 'xl/worksheets/sheet3.xml', so it is not a whole "
                             "Excel workbook; choose the workbook itself, or restore it from a backup")


# ---- sheets and headers --------------------------------------------------------------------------

def test_plain_workbook_without_the_sheets(tmp_path):
    book = tmp_path / "x.xlsm"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Ref", "Description"])
    workbook.save(book)
    assert refusal(book) == (f"{book}: not a CSP Status workbook: no sheet named 'Summary', 'Indicators', 'Data', "
                             "'Settings' (it has 'Sheet'); make one with 'csp import'")


@pytest.mark.parametrize("name", ["Summary", "Indicators", "Settings"])
def test_sheet_renamed(book, name):
    bookedit.rename_sheet(book, name, name.lower() + " (old)")
    message = refusal(book)
    assert message.startswith(f"{book}: not a CSP Status workbook: no sheet named {name!r} (it has ")
    assert f"{name.lower() + ' (old)'!r}" in message and message.endswith("; make one with 'csp import'")


@pytest.mark.parametrize(("sheet_name", "cell", "typed", "header"), [
    ("Indicators", "A1", "Reference", "Ref"),
    ("Indicators", "B1", None, "Description"),
    ("Data", "B1", "Financial year", "Year"),
    ("Data", "L1", "Q4 notes", "Q4 commentary"),
    ("Data", "A1", None, "Ref"),
])
def test_header_renamed_or_cleared(book, sheet_name, cell, typed, header):
    bookedit.set_cell(book, sheet_name, cell, typed)
    message = refusal(book)
    assert message.startswith(f"{book}: sheet {sheet_name!r} cell ")
    assert message.endswith(f"expected the header {header!r} in row 1 of sheet {sheet_name!r}; restore it "
                            "(headers may move but not be renamed)")


def test_headers_in_another_case_and_spacing_still_found(book):
    bookedit.set_cell(book, "Data", "I1", "  q1 COMMENTARY ")
    bookedit.set_cell(book, "Indicators", "C1", "POLARITY")
    assert statuses(refresh_book(book)) == SEED_STATUSES


def test_header_twice_refused_naming_both_cells(book):
    # an officer inserts a column and gives it the same header: which one holds the commentary?
    bookedit.set_cell(book, "Data", "Z1", "Q1 commentary")
    bookedit.set_cell(book, "Data", "Z10", "typed in the second column")
    assert refusal(book) == (
        f"{book}: sheet 'Data' cell Z1: the header 'Q1 commentary' is also in cell I1; keep one column of each "
        "name: move what is typed under one of them to the other, then delete or rename it"
    )


def test_indicators_header_twice_refused(book):
    bookedit.set_cell(book, "Indicators", "L1", "polarity")
    assert refusal(book).startswith(f"{book}: sheet 'Indicators' cell L1: the header 'polarity' is also in cell C1;")


# ---- duplicated refs ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["CNP PM1 ", "cnp pm1", " CNP PM1"])
def test_indicator_ref_duplicated_in_another_case_or_spacing(book, typed):
    bookedit.set_cell(book, "Indicators", "A3", typed)
    assert refusal(book) == (f"{book}: sheet 'Indicators' cell A3: indicator ref {typed.strip()!r} is already used "
                             "on row 2; give each indicator its own ref")


@pytest.mark.parametrize("typed", ["cnp pm2", "CNP PM2  "])
def test_legacy_ref_duplicated_in_another_case_or_spacing(seed_path, tmp_path, typed):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM3")[0] = typed
    legacy = write_tsv(tmp_path / "legacy.tsv", rows)
    with pytest.raises(BookError) as info:
        import_legacy(legacy, tmp_path / "x.xlsm")
    line = rows.index(indicator_row(rows, typed))
    assert str(info.value) == (f"{legacy} row {line + 1}: indicator ref {typed.strip()!r} is already used on row "
                               f"{line}; give each indicator its own ref")
    assert listing(tmp_path) == ["legacy.tsv"]


# ---- a Summary edited by hand ------------------------------------------------------------------------

def test_summary_edited_by_hand_is_regenerated_nothing_else_changes(imported, book):
    # typed over a status, a figure and the commentary; cleared a row; text far to the right
    rows = {row[0]: n for n, row in enumerate(sheet(book, "Summary"), start=1) if row and row[0]}
    pm2, pm3, pm9 = rows["CNP PM2"], rows["CNP PM3"], rows["CNP PM9"]
    bookedit.set_cell(book, "Summary", f"R{pm2}", "GREEN")
    bookedit.set_cell(book, "Summary", f"J{pm3}", "12,000")
    bookedit.set_cell(book, "Summary", f"N{pm3}", "Commentary typed on the Summary")
    bookedit.clear_cell(book, "Summary", f"A{pm9}")
    bookedit.set_cell(book, "Summary", "AZ99", "a note to self")
    before = bookedit.parts(book)
    result = refresh_book(book)
    after = bookedit.parts(book)
    summary = bookedit.sheet_part(book, "Summary")
    assert (result.changed, statuses(result)) == (True, SEED_STATUSES)
    assert after[summary] == bookedit.parts(imported)[summary]  # the Summary as the data say, hand edits gone
    assert bookedit.changed_parts(before, after) == [summary]  # nothing else in the book changed
    data = read_book(book).partnership.records[("CNP PM3", "2011/12")]
    assert (data.quarters[0], data.commentary[0]) == ("13,102", read_book(imported).partnership.records[
        ("CNP PM3", "2011/12")].commentary[0])


def test_summary_sheet_emptied_is_filled_again(imported, book):
    part = bookedit.sheet_part(book, "Summary")
    empty = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')
    replace_parts(imported, book, replaced={part: empty})
    assert refresh_book(book).changed
    assert bookedit.parts(book)[part] == bookedit.parts(imported)[part]


# ---- long summaries and long cells -------------------------------------------------------------------

def test_legacy_50000_indicator_rows_refused_fast(seed_path, tmp_path):
    write_tsv(tmp_path / "legacy.tsv", legacy_rows(seed_path, 50_000))
    got = measure("import_legacy('legacy.tsv', 'x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == ("Error: legacy.tsv: more than 5,000 indicator rows; a partnership's summary has a "
                              "few dozen. Check that this is the indicator summary, or split it into several books")
    assert (got["seconds"] < 10, got["grew_mb"] < 500) == (True, True), got
    assert listing(tmp_path) == ["legacy.tsv"]


def test_legacy_50000_rows_mostly_blank_imports(seed_path, tmp_path):
    # a sheet whose used range runs far below the summary (formatting, stray spaces) imports as the summary
    rows = legacy_rows(seed_path, 0) + [r for r in seed_rows(seed_path) if r and r[0].startswith("CNP PM")]
    rows += [[" "] * 17 for _ in range(50_000 - len(rows))]
    write_tsv(tmp_path / "legacy.tsv", rows)
    got = measure("import_legacy('legacy.tsv', 'x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == "ok"
    assert (got["seconds"] < 10, got["grew_mb"] < 500) == (True, True), got
    assert statuses(refresh_book(tmp_path / "x.xlsm")) == SEED_STATUSES


def _xlsx_sheet(rows: list[list[str]]) -> bytes:
    """A worksheet part holding rows of text (inline strings), as fast as it can be written."""
    from xml.sax.saxutils import escape

    from csp_status.workbook.cells import col_letter

    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col_letter(c)}{r}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
                                   for c, text in enumerate(row, start=1) if text) + "</row>"
        for r, row in enumerate(rows, start=1))
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData></worksheet>").encode()


def test_legacy_xlsx_50000_rows_refused_fast(seed_path, tmp_path):
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    rows = [row if not row or not row[0].startswith("IND ") else row[:2] + [""] * 7 + row[9:10]
            for row in legacy_rows(seed_path, 50_000)]  # each indicator: ref, description, Q1 figure
    replace_parts(tmp_path / "empty.xlsx", tmp_path / "legacy.xlsx",
                  replaced={"xl/worksheets/sheet1.xml": _xlsx_sheet(rows)})
    got = measure("import_legacy('legacy.xlsx', 'x.xlsm')", cwd=tmp_path)
    assert got["outcome"].startswith("Error: legacy.xlsx: more than 5,000 indicator rows")
    assert (got["seconds"] < 10, got["grew_mb"] < 500) == (True, True), got


def test_legacy_xlsx_cells_far_apart_bounded_memory(seed_path, tmp_path):
    # one cell at XFD1, another 60,000 rows down: the summary is read, not a 60,000 x 16,384 grid
    workbook = openpyxl.Workbook()
    for row in seed_rows(seed_path):
        workbook.active.append([cell or None for cell in row])
    workbook.active["XFD1"] = "far right"
    workbook.active["B60000"] = "far down"
    workbook.save(tmp_path / "legacy.xlsx")
    got = measure("import_legacy('legacy.xlsx', 'x.xlsm')", cwd=tmp_path)
    assert got["outcome"] == "ok"
    assert (got["seconds"] < 10, got["grew_mb"] < 300) == (True, True), got
    assert statuses(refresh_book(tmp_path / "x.xlsm")) == SEED_STATUSES


def test_legacy_tsv_megabyte_cell_refused_naming_it(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM4")[16] = "m" * 1_000_000
    line = rows.index(indicator_row(rows, "CNP PM4")) + 1
    write_tsv(tmp_path / "legacy.tsv", rows)
    proc = run_csp("import", "legacy.tsv", "-o", "x.xlsm", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", (
        f"Error: legacy.tsv row {line} column Q: the text is 1,000,000 characters long; an Excel cell holds at "
        "most 32,767, so it cannot be imported without losing some of it. Shorten it, or keep the full text "
        "elsewhere and link to it\n"))
    assert listing(tmp_path) == ["legacy.tsv"]


def test_legacy_xlsx_megabyte_cell_refused_naming_it(seed_path, tmp_path):
    workbook = openpyxl.Workbook()
    for row in seed_rows(seed_path):
        workbook.active.append([cell or None for cell in row])
    legacy = tmp_path / "legacy.xlsx"
    workbook.save(legacy)
    bookedit.set_cell(legacy, "Sheet", "Q10", "m" * 1_000_000)
    with pytest.raises(BookError) as info:
        import_legacy(legacy, tmp_path / "x.xlsm")
    assert str(info.value).startswith(f"{legacy} row 10 column Q: the text is 1,000,000 characters long;")


@pytest.mark.parametrize(("sheet_name", "column"), [("Data", "I"), ("Indicators", "B"), ("Settings", "B")])
def test_book_megabyte_cell_refused_naming_it(book, sheet_name, column):
    # Excel cannot type it; another program can write it, and Excel would cut it
    row = 3 if sheet_name == "Settings" else 5
    bookedit.set_cell(book, sheet_name, f"{column}{row}", "m" * 1_000_000)
    assert refusal(book) == (
        f"{book}: sheet {sheet_name!r} cell {column}{row}: the text is 1,000,000 characters long; an Excel cell holds "
        "at most 32,767, so Excel would cut it. Shorten it, or keep the full text elsewhere and link to it"
    )


# ---- legacy text in other encodings, or where no file is ---------------------------------------------------

def test_legacy_in_excels_unicode_text_imports_like_utf8(seed_path, imported, tmp_path):
    # Excel's "Unicode Text (*.txt)": UTF-16 with a byte order mark, tab-separated
    legacy = tmp_path / "derby_indicator_summary.txt"
    legacy.write_bytes(seed_path.read_text(encoding="utf-8").encode("utf-16"))
    import_legacy(legacy, tmp_path / "x.xlsm")
    assert (tmp_path / "x.xlsm").read_bytes() == imported.read_bytes()


def test_legacy_is_a_folder(tmp_path):
    (tmp_path / "legacy.tsv").mkdir()
    proc = run_csp("import", "legacy.tsv", "-o", "x.xlsm", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        1, "Error: legacy.tsv: is a folder, not a summary; give the summary's file name\n")


def test_output_in_a_folder_that_does_not_exist(seed_path, tmp_path):
    proc = run_csp("import", str(seed_path), "-o", "missing/x.xlsm", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        1, "Error: missing/x.xlsm: there is no folder 'missing'; check the name and the folder\n")
    assert listing(tmp_path) == []
