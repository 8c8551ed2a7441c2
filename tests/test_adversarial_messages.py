"""Every bad input of the adversarial suite, through the command line: what the user reads.

Each case runs ``csp`` (its ``main``, in the test's own folder, with the names an analyst types) and
checks the one line it prints: ``Error: `` and the file's name first; the sheet, the cell and the
text where they apply; and a clause saying what to do.  The exit status is 1, nothing is printed
on standard output, and the folder is as it was.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import bookedit
import openpyxl
import pytest
from adversarial import (
    DISK_FAULTS,
    entity_bomb,
    external_entity,
    indicator_row,
    legacy_rows,
    patch_member,
    replace_parts,
    says_what_to_do,
    seed_rows,
    write_tsv,
)

from csp_status.cli import main

DATA = "xl/worksheets/sheet3.xml"
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600)

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # a zip made twice-named on purpose


def _book(edit=None):
    """A case on a copy of the imported seed, x.xlsm, edited as an officer or an attacker would."""
    def setup(here: Path, imported: Path, seed: Path) -> None:
        shutil.copyfile(imported, here / "x.xlsm")
        if edit:
            edit(here / "x.xlsm")
    return setup


def _replaced(part: str, data: bytes, added: bool = False):
    def edit(book: Path) -> None:
        copy = book.with_name("copy.xlsm")
        book.rename(copy)
        replace_parts(copy, book, **({"added": {part: data}} if added else {"replaced": {part: data}}))
        copy.unlink()
    return _book(edit)


def _file(name: str, data: bytes):
    def setup(here: Path, imported: Path, seed: Path) -> None:
        (here / name).write_bytes(data)
    return setup


def _legacy(edit, name: str = "legacy.tsv"):
    def setup(here: Path, imported: Path, seed: Path) -> None:
        rows = seed_rows(seed)
        edit(rows)
        write_tsv(here / name, rows)
    return setup


def _set(rows, ref, column, text):
    indicator_row(rows, ref)[column] = text


def _rename_header(old, new):
    def edit(rows):
        header = next(row for row in rows if row and row[0] == "Ref")
        header[header.index(old)] = new
    return edit


def _legacy_xlsx_bomb(here: Path, imported: Path, seed: Path) -> None:
    workbook = openpyxl.Workbook()
    for row in seed_rows(seed):
        workbook.active.append([cell or None for cell in row])
    workbook.save(here / "clean.xlsx")
    replace_parts(here / "clean.xlsx", here / "legacy.xlsx",
                  replaced={"xl/worksheets/sheet1.xml": entity_bomb("sheet", "padded")})
    (here / "clean.xlsx").unlink()


def _many_indicators(here: Path, imported: Path, seed: Path) -> None:
    write_tsv(here / "legacy.tsv", legacy_rows(seed, 5001))


def _owner(name: str, data: bytes = b"officer"):
    def edit(book: Path) -> None:
        book.with_name(name).write_bytes(data)
    return _book(edit)


def _folder(here: Path, imported: Path, seed: Path) -> None:
    (here / "x.xlsm").mkdir()


def _nothing(here: Path, imported: Path, seed: Path) -> None:
    pass


def _seed_legacy(here: Path, imported: Path, seed: Path) -> None:
    shutil.copyfile(seed, here / "legacy.tsv")


REFRESH, STATUS, IMPORT = ["refresh", "x.xlsm"], ["status", "x.xlsm"], ["import", "legacy.tsv", "-o", "x.xlsm"]
XIMPORT = ["import", "legacy.xlsx", "-o", "x.xlsm"]

# name: (setup, argv, file named first, what else the message must quote)
CASES = {
    # not a workbook, or a damaged one
    "text file": (_file("x.xlsm", b"Ref\tDescription\n"), REFRESH, "x.xlsm", []),
    "old .xls or password": (_file("x.xlsm", OLE2), STATUS, "x.xlsm", []),
    "truncated": (lambda h, i, s: (h / "x.xlsm").write_bytes(i.read_bytes()[:9000]), REFRESH, "x.xlsm", []),
    "any zip": (lambda h, i, s: zipfile.ZipFile(h / "x.xlsm", "w").close(), STATUS, "x.xlsm", []),
    "sheet part missing": (_book(lambda b: (b.rename(b.with_name("c.xlsm")),
                                            replace_parts(b.with_name("c.xlsm"), b, removed=(DATA,)),
                                            b.with_name("c.xlsm").unlink())), REFRESH, "x.xlsm", [DATA]),
    "folder": (_folder, STATUS, "x.xlsm", []),
    "missing": (_nothing, STATUS, "x.xlsm", []),
    "missing folder": (_nothing, ["refresh", "gone/x.xlsm"], "gone/x.xlsm", []),
    # hostile
    "entity bomb": (_replaced(DATA, entity_bomb("sheet", "padded")), REFRESH, "x.xlsm", [DATA]),
    "entity bomb, shared strings": (_replaced("xl/sharedStrings.xml", entity_bomb("strings"), added=True),
                                    STATUS, "x.xlsm", ["xl/sharedStrings.xml"]),
    "external entity": (_replaced(DATA, external_entity("sheet", "file:///etc/passwd")), REFRESH, "x.xlsm", [DATA]),
    "UTF-16 part": (_replaced(DATA, external_entity("sheet", "http://127.0.0.1:9/", "utf-16")), REFRESH,
                    "x.xlsm", [DATA]),
    "zip bomb, declared": (_book(lambda b: patch_member(b, DATA, declared_size=4_000_000_000)), REFRESH,
                           "x.xlsm", [DATA]),
    "zip bomb, under-declared": (_book(lambda b: patch_member(b, DATA, declared_size=100)), REFRESH, "x.xlsm",
                                 [DATA]),
    "part name with ..": (_replaced("../evil.xml", b"<x/>", added=True), REFRESH, "x.xlsm", ["../evil.xml"]),
    "part named twice": (_replaced(DATA, b"<worksheet/>", added=True), REFRESH, "x.xlsm", [DATA]),
    "encrypted part": (_book(lambda b: patch_member(b, DATA, flags=1)), REFRESH, "x.xlsm", [DATA]),
    "unknown compression": (_book(lambda b: patch_member(b, DATA, method=9)), REFRESH, "x.xlsm", [DATA]),
    # sheets, headers, refs, cells
    "sheet renamed": (_book(lambda b: bookedit.rename_sheet(b, "Indicators", "Old")), REFRESH, "x.xlsm",
                      ["'Indicators'"]),
    "header renamed": (_book(lambda b: bookedit.set_cell(b, "Data", "B1", "Financial year")), REFRESH, "x.xlsm",
                       ["sheet 'Data' cell B1", "'Year'"]),
    "header twice": (_book(lambda b: bookedit.set_cell(b, "Data", "Z1", "Q2 commentary")), REFRESH, "x.xlsm",
                     ["sheet 'Data' cell Z1", "'Q2 commentary'", "J1"]),
    "ref twice": (_book(lambda b: bookedit.set_cell(b, "Indicators", "A4", "cnp pm1")), STATUS, "x.xlsm",
                  ["sheet 'Indicators' cell A4", "'cnp pm1'"]),
    "ref unknown": (_book(lambda b: bookedit.set_cell(b, "Data", "A5", "CNP PM99")), REFRESH, "x.xlsm",
                    ["sheet 'Data' cell A5", "'CNP PM99'"]),
    "year twice": (_book(lambda b: bookedit.set_cell(b, "Data", "B3", "2008/09")), REFRESH, "x.xlsm",
                   ["sheet 'Data' cell B3", "2008/09"]),
    "year unreadable": (_book(lambda b: bookedit.set_cell(b, "Data", "B3", "last year")), REFRESH, "x.xlsm",
                        ["sheet 'Data' cell B3", "'last year'"]),
    "quarter unreadable": (_book(lambda b: bookedit.set_cell(b, "Settings", "B5", "five")), STATUS, "x.xlsm",
                           ["sheet 'Settings' cell B5", "'five'"]),
    "population unreadable": (_book(lambda b: bookedit.set_cell(b, "Settings", "B6", "lots")), REFRESH,
                              "x.xlsm", ["sheet 'Settings' cell B6", "'lots'"]),
    "population negative": (_book(lambda b: bookedit.set_cell(b, "Settings", "B6", -5)), REFRESH, "x.xlsm",
                            ["sheet 'Settings' cell B6"]),
    "label gone": (_book(lambda b: bookedit.clear_cell(b, "Settings", "A4")), REFRESH, "x.xlsm",
                   ["'Reporting year'"]),
    "1 MB cell": (_book(lambda b: bookedit.set_cell(b, "Data", "I7", "m" * 1_000_000)), REFRESH, "x.xlsm",
                  ["sheet 'Data' cell I7", "1,000,000 characters"]),
    # open elsewhere, another run
    "open in Excel": (_owner("~$x.xlsm"), REFRESH, "x.xlsm", ["~$x.xlsm"]),
    "open in LibreOffice": (_owner(".~lock.x.xlsm#"), REFRESH, "x.xlsm", [".~lock.x.xlsm#"]),
    "another run": (_owner(".x.xlsm.csp-lock", str(os.getppid()).encode()), REFRESH, "x.xlsm",
                    [".x.xlsm.csp-lock"]),
    "another machine's run": (_owner(".x.xlsm.csp-lock", b"1 another-pc"), REFRESH, "x.xlsm",
                              [".x.xlsm.csp-lock"]),
    # legacy summaries
    "legacy missing": (_nothing, IMPORT, "legacy.tsv", []),
    "legacy folder": (lambda h, i, s: (h / "legacy.tsv").mkdir(), IMPORT, "legacy.tsv", []),
    "legacy .pdf": (_file("legacy.pdf", b"%PDF-1.4"), ["import", "legacy.pdf", "-o", "x.xlsm"], "legacy.pdf",
                    ["'.pdf'"]),
    "legacy binary": (_file("legacy.tsv", bytes(range(256)) * 4), IMPORT, "legacy.tsv", []),
    "legacy old .xls": (_file("legacy.xlsx", OLE2), XIMPORT, "legacy.xlsx", []),
    "legacy entity bomb": (_legacy_xlsx_bomb, XIMPORT, "legacy.xlsx", ["xl/worksheets/sheet1.xml"]),
    "own layout 1 MB cell": (_legacy(lambda rows: (_set(rows, "CNP PM4", 16, "m" * 1_000_000),
                                                   _rename_header("Ref", "Reference")(rows))), IMPORT, "legacy.tsv",
                             ["row 9 column Q", "1,000,000 characters"]),
    "legacy ref twice": (_legacy(lambda rows: _set(rows, "CNP PM3", 0, "cnp pm2")), IMPORT, "legacy.tsv",
                         ["row 8", "'cnp pm2'"]),
    "legacy no indicators": (_legacy(lambda rows: rows.__setitem__(slice(5, None), [])), IMPORT, "legacy.tsv",
                             ["row 4"]),
    "legacy 1 MB cell": (_legacy(lambda rows: _set(rows, "CNP PM4", 16, "m" * 1_000_000)), IMPORT, "legacy.tsv",
                         ["row 9 column Q", "1,000,000 characters"]),
    "legacy 32,768 characters": (_legacy(lambda rows: _set(rows, "CNP PM4", 2, "m" * 32_768)), IMPORT,
                                 "legacy.tsv", ["row 9 column C"]),
    "legacy too many indicators": (_many_indicators, IMPORT, "legacy.tsv", ["5,000"]),
    "output exists": (lambda h, i, s: (_seed_legacy(h, i, s), (h / "x.xlsm").write_bytes(b"own")), IMPORT,
                      "x.xlsm", []),
    "output not .xlsm": (_seed_legacy, ["import", "legacy.tsv", "-o", "x.xlsx"], "x.xlsx", []),
    "output folder missing": (_seed_legacy, ["import", "legacy.tsv", "-o", "gone/x.xlsm"], "gone/x.xlsm", []),
    "output open in Excel": (lambda h, i, s: (_seed_legacy(h, i, s), (h / "~$x.xlsm").write_bytes(b"o")),
                             IMPORT + ["--force"], "x.xlsm", ["~$x.xlsm"]),
    # build
    "build check, no book": (_nothing, ["build", "--check", "-o", "x.xlsm"], "x.xlsm", []),
    "missing (refresh)": (_nothing, REFRESH, "x.xlsm", []),
    "folder (refresh)": (_folder, REFRESH, "x.xlsm", []),
}


def _check(here: Path, capsys, argv: list[str], named: str, quoted: list[str], patch=None) -> str:
    before = {p.name: (p.read_bytes() if p.is_file() else None) for p in here.iterdir()}
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (1, ""), err
    assert err.startswith(f"Error: {named}: ") or err.startswith(f"Error: {named} row "), err
    assert err.endswith("\n") and err.count("\n") == 1, err  # one line
    assert says_what_to_do(err), err
    for text in quoted:
        assert text in err, (text, err)
    assert {p.name: (p.read_bytes() if p.is_file() else None) for p in here.iterdir()} == before
    return err


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", list(CASES))
def test_cli_message_names_the_file_and_says_what_to_do(imported, seed_path, here, capsys, case):
    setup, argv, named, quoted = CASES[case]
    setup(here, imported, seed_path)
    _check(here, capsys, argv, named, quoted)


@pytest.mark.parametrize("fault", list(DISK_FAULTS))
@pytest.mark.parametrize("command", ["refresh", "import"])
def test_cli_message_disk_fault(imported, seed_path, here, capsys, monkeypatch, command, fault):
    shutil.copyfile(seed_path, here / "legacy.tsv")
    if command == "refresh":
        shutil.copyfile(imported, here / "x.xlsm")
        bookedit.set_cell(here / "x.xlsm", "Settings", "B5", 2)  # so that the refresh writes
    how, message = DISK_FAULTS[fault]
    how(monkeypatch)
    err = _check(here, capsys, REFRESH if command == "refresh" else IMPORT, "x.xlsm", [message])
    assert "the book is unchanged" in err
