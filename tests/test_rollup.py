"""csp rollup: every partnership's book in a folder gathered into one overview workbook."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from csp_status.cli import main
from csp_status.core.errors import BookError
from csp_status.core.model import Indicator, Partnership, Settings, YearRecord
from csp_status.core.vocabulary import Polarity, Unit
from csp_status.importer import write_new_book
from csp_status.outputs.rollup import COUNT_COLUMNS, INDICATOR_COLUMNS, find_books, rollup
from csp_status.progress import ProgressBar

L, H = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER


def partnership(name: str, specs) -> Partnership:
    """A small partnership reporting 2011/12 Q1: (ref, description, polarity, unit, 2010/11 outturn, target, Q1)."""
    indicators, records = [], {}
    for ref, description, polarity, unit, outturn, target, q1 in specs:
        indicators.append(Indicator(ref, description, polarity, unit))
        records[(ref, "2010/11")] = YearRecord(ref, "2010/11", outturn=outturn)
        records[(ref, "2011/12")] = YearRecord(ref, "2011/12", target=target, quarters=[q1, None, None, None])
    return Partnership(Settings(partnership=name, reporting_year="2011/12", current_quarter=1), indicators, records)


NORTHSHIRE = partnership("Northshire CSP", [
    ("N1", "Reduction in overall crime", L, Unit.NUMBER, "13,485", "13,282", "13,102"),
    ("N2", "Fewer repeat burglaries", L, Unit.PERCENT, "7.5%", "7.1%", "7.3%"),
    ("N3", "Increase in successful treatment outcomes", H, Unit.PERCENT, "43%", "50%", "40% (40/100)"),
    ("N4", "Fewer alcohol-related admissions", L, Unit.PER_1000, "5.2 per 1,000", "5.0 per 1,000", "Awaited"),
])
SOUTHVALE = partnership("", [  # no name in Settings: the file's name stands for it
    ("S1", "Fewer first-time entrants", L, Unit.NUMBER, "130", "TBC", "120"),
    ("S2", "Fewer repeat burglaries", L, Unit.PERCENT, "7.21%", "7.1% (1.5%)", "(-7.75%)"),
])
EASTMOOR = partnership("Eastmoor Community Safety Partnership", [
    ("E1", "Increase in victim satisfaction", H, Unit.PERCENT, "80%", "82%", "83.5%"),
    ("E2", "Reduction in anti-social behaviour", L, Unit.NUMBER, "2,000", "1,900", "2,100"),
    ("E3", "Fewer violent offences", L, Unit.PER_1000, "12.0 per 1,000", "11.5 per 1,000", "11.9 per 1,000"),
])

EXPECTED_ROWS = [  # Partnership, File, Ref, Status, Trend: ordered by partnership, then file
    ("Eastmoor Community Safety Partnership", "eastmoor.xlsm", "E1", "GREEN", "IMPROVING"),
    ("Eastmoor Community Safety Partnership", "eastmoor.xlsm", "E2", "RED", "WORSENING"),
    ("Eastmoor Community Safety Partnership", "eastmoor.xlsm", "E3", "AMBER", "IMPROVING"),
    ("Northshire CSP", "northshire.xlsm", "N1", "GREEN", "IMPROVING"),
    ("Northshire CSP", "northshire.xlsm", "N2", "AMBER", "IMPROVING"),
    ("Northshire CSP", "northshire.xlsm", "N3", "RED", "WORSENING"),
    ("Northshire CSP", "northshire.xlsm", "N4", "AWAITED", None),
    ("southvale", "southvale.xlsm", "S1", "NO TARGET", "IMPROVING"),
    ("southvale", "southvale.xlsm", "S2", "CHECK", None),
]
EXPECTED_COUNTS = [  # Partnership, File, GREEN, AMBER, RED, NO TARGET, AWAITED, CHECK, Total
    ("Eastmoor Community Safety Partnership", "eastmoor.xlsm", 1, 1, 1, 0, 0, 0, 3),
    ("Northshire CSP", "northshire.xlsm", 1, 1, 1, 0, 1, 0, 4),
    ("southvale", "southvale.xlsm", 0, 0, 0, 1, 0, 1, 2),
]
BROKEN_MESSAGE = "not an Excel workbook (not a zip package: File is not a zip file)"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """Three partnerships' books, made once; tests work on copies of the folder."""
    folder = tmp_path_factory.mktemp("books")
    write_new_book(NORTHSHIRE, folder / "northshire.xlsm")
    write_new_book(SOUTHVALE, folder / "southvale.xlsm")
    write_new_book(EASTMOOR, folder / "eastmoor.xlsm")
    return folder


@pytest.fixture
def folder(made, tmp_path) -> Path:
    """The three books, a broken one, Excel's owner file for one that is open, and a killed write's temporary."""
    books = tmp_path / "books"
    shutil.copytree(made, books)
    (books / "broken.xlsm").write_text("this is not a workbook")
    (books / "~$northshire.xlsm").write_bytes(b"\x0cOfficer Name" + b"\x00" * 40)
    (books / ".eastmoor.xlsm.x1y2.tmp").write_bytes(b"PK\x03\x04")
    return books


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()


def test_rollup_indicator_rows_per_partnership(folder, tmp_path):
    out = tmp_path / "overview.xlsx"
    result = rollup(folder, out, workers=2)
    rows = sheet_rows(out, "Indicators")
    assert rows[0] == INDICATOR_COLUMNS
    columns = [INDICATOR_COLUMNS.index(c) for c in ("Partnership", "File", "Ref", "Status", "Trend")]
    assert [tuple(row[i] for i in columns) for row in rows[1:]] == EXPECTED_ROWS
    assert result.indicators == len(EXPECTED_ROWS)
    assert [b.path.name for b in result.books] == ["eastmoor.xlsm", "northshire.xlsm", "southvale.xlsm"]


def test_rollup_indicator_row_shows_figures_as_typed(folder, tmp_path):
    out = tmp_path / "overview.xlsx"
    rollup(folder, out, workers=1)
    by_ref = {row[2]: dict(zip(INDICATOR_COLUMNS, row)) for row in sheet_rows(out, "Indicators")[1:]}
    assert by_ref["N1"] == {
        "Partnership": "Northshire CSP", "File": "northshire.xlsm", "Ref": "N1",
        "Description": "Reduction in overall crime", "Period": "2011/12 Q1", "Value": "13,102",
        "Target": "13,282", "Status": "GREEN", "Gap to target": "−180 (1.4% below target)",
        "Trend": "IMPROVING", "Notes": "95% interval 12,879–13,328 (Byar, count): not significantly different "
        "from the 13,282 target",
    }
    assert by_ref["S2"]["Value"] == "(-7.75%)"
    assert "negative proportion" in by_ref["S2"]["Notes"]


def test_rollup_counts_per_partnership(folder, tmp_path):
    out = tmp_path / "overview.xlsx"
    rollup(folder, out, workers=2)
    rows = sheet_rows(out, "Counts")
    assert rows[0] == COUNT_COLUMNS
    assert rows[1:] == EXPECTED_COUNTS


def test_rollup_broken_book_listed_in_problems(folder, tmp_path):
    out = tmp_path / "overview.xlsx"
    result = rollup(folder, out, workers=2)
    header, *listed = sheet_rows(out, "Problems")
    assert header == ("File", "Problem")
    assert [(name, problem.startswith(BROKEN_MESSAGE)) for name, problem in listed] == [("broken.xlsm", True)]
    assert [(b.path.name, b.problem.startswith(BROKEN_MESSAGE)) for b in result.problems] == [("broken.xlsm", True)]


def test_find_books_leaves_out_owner_and_temporary_files(folder):
    assert [p.name for p in find_books(folder)] == ["broken.xlsm", "eastmoor.xlsm", "northshire.xlsm",
                                                    "southvale.xlsm"]


def test_find_books_leaves_out_the_overview_itself(folder):
    rollup(folder, folder / "overview.xlsx", workers=1)
    assert "overview.xlsx" not in [p.name for p in find_books(folder, out=folder / "overview.xlsx")]


def test_find_books_lists_a_partnerships_book_named_as_the_output(folder):
    # a book in the folder is read, never taken for the overview (rollup then refuses to write over it)
    shutil.copyfile(folder / "eastmoor.xlsm", folder / "overview.xlsx")
    assert "overview.xlsx" in [p.name for p in find_books(folder, out=folder / "overview.xlsx")]


def test_rollup_other_workbook_is_a_problem(folder, tmp_path):
    other = openpyxl.Workbook()
    other.active.title = "Budget"
    other.save(folder / "budget.xlsx")
    result = rollup(folder, tmp_path / "overview.xlsx", workers=1)
    problems = {b.path.name: b.problem for b in result.problems}
    assert problems["budget.xlsx"].startswith("not a CSP Status workbook: no sheet named 'Summary', 'Indicators'")


def test_main_rollup_reports_the_broken_book_and_succeeds(folder, tmp_path, capsys):
    out = tmp_path / "overview.xlsx"
    code = main(["rollup", str(folder), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err.startswith(f"Skipped broken.xlsm: {BROKEN_MESSAGE}")
    assert captured.out.startswith(f"{out}: 3 books read, 1 skipped, 9 indicators, ")
    assert captured.out.endswith(" s.\n")
    assert out.is_file()


def test_main_rollup_empty_folder_is_an_error(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a workbook")
    code = main(["rollup", str(empty), "-o", str(tmp_path / "overview.xlsx")])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == f"Error: {empty}: no workbooks (.xlsm or .xlsx) to roll up in this folder\n"
    assert not (tmp_path / "overview.xlsx").exists()


def test_main_rollup_missing_folder_is_an_error(tmp_path, capsys):
    code = main(["rollup", str(tmp_path / "nowhere"), "-o", str(tmp_path / "overview.xlsx")])
    assert (code, capsys.readouterr().err) == (1, f"Error: {tmp_path / 'nowhere'}: no such folder\n")


def test_main_rollup_only_broken_books_exits_non_zero(tmp_path, capsys):
    books = tmp_path / "books"
    books.mkdir()
    (books / "broken.xlsm").write_text("junk")
    code = main(["rollup", str(books), "-o", str(tmp_path / "overview.xlsx")])
    assert code == 1
    assert "Skipped broken.xlsm" in capsys.readouterr().err
    assert sheet_rows(tmp_path / "overview.xlsx", "Problems")[1][0] == "broken.xlsm"


@pytest.mark.parametrize("name, message", [
    ("overview.csv", "the overview is an Excel workbook without macros; give a name ending in .xlsx"),
    ("overview.xlsm", "the overview is an Excel workbook without macros; give a name ending in .xlsx"),
])
def test_rollup_output_must_be_xlsx(folder, tmp_path, name, message):
    with pytest.raises(BookError) as info:
        rollup(folder, tmp_path / name)
    assert str(info.value) == f"{tmp_path / name}: {message}"


def test_rollup_refuses_to_replace_a_master_book(folder, tmp_path):
    book = tmp_path / "officers-copy.xlsx"
    shutil.copyfile(folder / "eastmoor.xlsm", book)
    before = book.read_bytes()
    with pytest.raises(BookError, match="already exists and is not an overview made by CSP Status .*; choose another "
                                         "name, or pass --force to replace it"):
        rollup(folder, book)
    assert book.read_bytes() == before


def test_rollup_replaces_an_old_overview(folder, tmp_path):
    out = tmp_path / "overview.xlsx"
    rollup(folder, out, workers=1)
    (folder / "broken.xlsm").unlink()
    result = rollup(folder, out, workers=1)
    assert result.problems == []
    assert sheet_rows(out, "Problems") == [("File", "Problem")]


def test_rollup_same_bytes_whatever_the_workers(folder, tmp_path):
    rollup(folder, tmp_path / "one.xlsx", workers=1)
    rollup(folder, tmp_path / "two.xlsx", workers=2)
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()


def test_rollup_progress_after_each_book(folder, tmp_path):
    seen = []
    rollup(folder, tmp_path / "overview.xlsx", workers=2, progress=lambda done, total, path: seen.append((done, total)))
    assert seen == [(n, 4) for n in range(1, 5)]


def test_rollup_overview_readable_by_pandas_and_openpyxl(folder, tmp_path):
    out = tmp_path / "overview.xlsx"
    rollup(folder, out, workers=2)
    frames = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert list(frames) == ["Indicators", "Counts", "Problems"]
    assert list(frames["Indicators"].columns) == list(INDICATOR_COLUMNS)
    assert frames["Indicators"]["Status"].value_counts().to_dict() == {
        "GREEN": 2, "AMBER": 2, "RED": 2, "NO TARGET": 1, "AWAITED": 1, "CHECK": 1}
    assert frames["Counts"]["Total"].tolist() == [3, 4, 2]
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Indicators", "Counts", "Problems"]
    status = workbook["Indicators"]["H2"]
    assert (status.value, status.fill.fgColor.rgb) == ("GREEN", "FFC6EFCE")
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only():
    terminal, log = _Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = ProgressBar(stream, interval=0)
        for done in range(1, 5):
            bar(done, 4, Path(f"book{done}.xlsm"))
        bar.close()
    assert "[" + "#" * 28 + "] 4/4 books" in terminal.getvalue()
    assert "book4.xlsm" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r")
    assert log.getvalue() == ""


def test_rows_written_in_the_workers_are_the_rows_the_overview_would_write(folder, tmp_path):
    from csp_status.outputs.rollup import BookRows, overview_parts, read_partnership
    from csp_status.workbook.book_write import SheetSpec, sheet_xml, written_row
    from csp_status.workbook.layout import Style

    books = [read_partnership(path) for path in find_books(folder)]
    read = [book for book in books if book.problem is None]
    assert all(len(book.written) == len(book.rows) > 0 for book in read)
    afresh = [BookRows(book.path, book.partnership, list(book.rows)) for book in read]  # nothing written ahead
    assert overview_parts(read, []) == overview_parts(afresh, [])
    # a row changed after it was written is written again, not shown stale
    read[0].rows.append(read[0].rows[0])
    assert overview_parts(read, []) == overview_parts([BookRows(b.path, b.partnership, list(b.rows)) for b in read], [])
    # any cell the writer writes, written ahead, is the same bytes where the row's number is known
    awkward = [(" Leading & <odd> ", Style.DEFAULT), ("", Style.LABEL), (None, Style.DEFAULT), (12.5, Style.DEFAULT),
               (True, Style.DEFAULT), ("line\nbreak", Style.HEADER), ("x\x00y", Style.DEFAULT), (float("inf"), 0)]
    plain = SheetSpec([[("h", Style.HEADER)], awkward, awkward[:3]])
    ahead = SheetSpec([[("h", Style.HEADER)], written_row(awkward), written_row(awkward[:3])])
    assert sheet_xml(ahead) == sheet_xml(plain)


@pytest.mark.parametrize("count, workers", [(1, 2), (7, 2), (8, 2), (40, 2), (300, 2), (301, 3), (1000, 8)])
def test_every_book_is_in_one_task_and_the_last_go_one_a_task(count, workers):
    from csp_status.outputs.rollup import _tasks

    paths = [Path(f"b{n}.xlsm") for n in range(count)]
    tasks = _tasks(paths, workers)
    assert [path for task in tasks for path in task] == paths
    assert all(1 <= len(task) <= 4 for task in tasks)
    assert all(len(task) == 1 for task in tasks[-min(count, workers * 4):])
