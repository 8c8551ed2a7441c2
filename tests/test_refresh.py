"""Refreshing a master workbook: the Summary and the Data formulas' shown values, nothing else.

Books are made from the Derby seed with ``csp import`` and edited the way an officer's Excel
save edits them (one sheet part rewritten, see ``bookedit``), never through openpyxl.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import bookedit
import pytest
from python_calamine import CalamineWorkbook

from csp_status.core.errors import BookError
from csp_status.refresh import refresh_book
from csp_status.workbook.layout import Style, data_formulas

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "csp_workbook.xlsm"

SEED_STATUSES = {
    "CNP PM1": "AWAITED", "CNP PM2": "CHECK", "CNP PM3": "GREEN", "CNP PM4": "GREEN",
    "CNP PM5": "AWAITED", "CNP PM6": "AWAITED", "CNP PM7": "NO TARGET", "CNP PM8": "NO TARGET",
    "CNP PM9": "AMBER",
}


def data_row(book: Path, ref: str, year: str = "2011/12") -> int:
    return bookedit.find_row(book, "Data", A=ref, B=year)


def summary_rows(book: Path) -> dict[str, list[str]]:
    """The Summary's indicator rows by ref, as calamine reads them."""
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    return {row[0]: [str(c) for c in row] for row in rows[3:] if row[0]}


def statuses(result) -> dict[str, str]:
    return {e.ref: e.status.value for e in result.evaluations}


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- the seed ----------------------------------------------------------------------------------

def test_refresh_book_seed_statuses(book):
    result = refresh_book(book)
    assert statuses(result) == SEED_STATUSES
    assert result.changed is False  # csp import already refreshed it
    assert result.notices == []


def test_refresh_book_seed_data_cached_values(book):
    # Data columns M-P: Value now, Status, Gap, Trend (what CSP_* calculate in Excel)
    row = data_row(book, "CNP PM9")
    got = [bookedit.cached_value(book, "Data", f"{col}{row}")[1] for col in "MNOP"]
    assert got[1:2] + got[3:] == ["AMBER", "WORSENING"]
    assert float(got[0]) == pytest.approx(0.1559)
    assert float(got[2]) == pytest.approx(0.0039)


def test_refresh_book_bundled_workbook_unchanged(tmp_path):
    copy = tmp_path / "csp_workbook.xlsm"
    shutil.copyfile(BUNDLED, copy)
    result = refresh_book(copy)
    assert result.changed is False
    assert statuses(result) == SEED_STATUSES
    assert copy.read_bytes() == BUNDLED.read_bytes()
    assert listing(tmp_path) == ["csp_workbook.xlsm"]


# ---- an officer's edit -------------------------------------------------------------------------

def test_refresh_book_pm2_typed_as_positive_is_red(book):
    row = data_row(book, "CNP PM2")
    bookedit.set_cell(book, "Data", f"E{row}", "7.75%")
    result = refresh_book(book)
    assert result.changed is True
    assert statuses(result) == {**SEED_STATUSES, "CNP PM2": "RED"}
    assert summary_rows(book)["CNP PM2"][9:21] == [
        "7.75%", "", "", "",
        *summary_rows(book)["CNP PM2"][13:17],  # commentary, unchanged
        "RED", "+0.65 pts (9.2% above target)", "↓ WORSENING", "",
    ]
    formula, cached = bookedit.cached_value(book, "Data", f"N{row}")
    assert formula == data_formulas(row)["Status"]
    assert cached == "RED"


def test_refresh_book_after_edit_changes_only_summary_data_and_the_edited_trend(book):
    row = data_row(book, "CNP PM2")
    bookedit.set_cell(book, "Data", f"E{row}", "7.75%")
    before = bookedit.parts(book)
    refresh_book(book)
    after = bookedit.parts(book)
    summary, data = bookedit.sheet_part(book, "Summary"), bookedit.sheet_part(book, "Data")
    trends = bookedit.sheet_part(book, "Trends")
    assert list(after) == list(before)  # same parts, same order
    # PM2's figure now goes on its chart (the second) and on the Trends sheet's table
    assert bookedit.changed_parts(before, after) == sorted([summary, data, trends, "xl/charts/chart2.xml"])
    kept = ["xl/vbaProject.bin", "customUI/customUI14.xml", "_rels/.rels", "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml", "docProps/core.xml",
            "docProps/app.xml", bookedit.sheet_part(book, "Indicators"), bookedit.sheet_part(book, "Settings"),
            bookedit.sheet_part(book, "xlwings.conf")]
    assert {name: after[name] == before[name] for name in kept} == {name: True for name in kept}
    assert b"ui/extensibility" in after["_rels/.rels"]  # the ribbon is still related
    assert b"<definedName name=\"CurrentQuarter\">Settings!$B$5</definedName>" in after["xl/workbook.xml"]


def test_refresh_book_second_run_is_byte_identical(book):
    bookedit.set_cell(book, "Data", f"E{data_row(book, 'CNP PM2')}", "7.75%")
    assert refresh_book(book).changed is True
    first = book.read_bytes()
    second = refresh_book(book)
    assert second.changed is False
    assert book.read_bytes() == first


def test_refresh_book_without_write_leaves_file(book):
    bookedit.set_cell(book, "Data", f"E{data_row(book, 'CNP PM2')}", "7.75%")
    edited = book.read_bytes()
    result = refresh_book(book, write=False)
    assert (result.changed, statuses(result)["CNP PM2"]) == (True, "RED")
    assert book.read_bytes() == edited


def test_refresh_book_leaves_no_lock_or_temporary_file(book):
    bookedit.set_cell(book, "Data", f"E{data_row(book, 'CNP PM2')}", "7.75%")
    refresh_book(book)
    assert listing(book.parent) == ["x.xlsm"]


def test_refresh_book_unreadable_value_is_check(book):
    row = data_row(book, "CNP PM3")
    bookedit.set_cell(book, "Data", f"E{row}", "seven")
    result = refresh_book(book)
    pm3 = next(e for e in result.evaluations if e.ref == "CNP PM3")
    assert (pm3.status.value, pm3.gap_text, pm3.trend) == ("CHECK", "", None)
    assert "cannot read 'seven'" in "; ".join(pm3.notes)
    assert statuses(result) == {**SEED_STATUSES, "CNP PM3": "CHECK"}
    assert bookedit.cached_value(book, "Data", f"N{row}")[1] == "CHECK"
    assert summary_rows(book)["CNP PM3"][9] == "seven"


@pytest.mark.parametrize(
    ("ref", "typed", "style", "status", "shown"),
    [
        ("CNP PM3", 13102, None, "GREEN", "13102"),  # a number, not the text "13,102"
        ("CNP PM3", 13500, None, "AMBER", "13500"),  # 1.6% over 13,282
        ("CNP PM2", 0.0775, Style.PERCENT, "RED", "8%"),  # 7.75% typed in a cell formatted 0%
        ("CNP PM9", 0.1559, None, "AMBER", "0.1559"),  # a fraction in a percentage row
        ("CNP PM9", "15.2%", None, "GREEN", "15.2%"),  # exactly on target
    ],
)
def test_refresh_book_figures_typed_as_numbers(book, ref, typed, style, status, shown):
    cell = f"E{data_row(book, ref)}"
    bookedit.set_cell(book, "Data", cell, typed)
    if style is not None:
        bookedit.set_style(book, "Data", cell, style)
    result = refresh_book(book)
    assert statuses(result) == {**SEED_STATUSES, ref: status}
    assert summary_rows(book)[ref][9] == shown
    assert bookedit.cached_value(book, "Data", f"N{data_row(book, ref)}")[1] == status


@pytest.mark.parametrize(
    ("polarity", "status", "trend"),
    [
        ("Higher is better", "AMBER", "WORSENING"),  # 13,102 is 1.4% under 13,282
        ("higher", "AMBER", "WORSENING"),
        ("Lower is better", "GREEN", "IMPROVING"),
    ],
)
def test_refresh_book_indicator_polarity_edit(book, polarity, status, trend):
    bookedit.set_cell(book, "Indicators", f"C{bookedit.find_row(book, 'Indicators', A='CNP PM3')}", polarity)
    result = refresh_book(book)
    pm3 = next(e for e in result.evaluations if e.ref == "CNP PM3")
    assert (pm3.status.value, pm3.trend.value) == (status, trend)
    row = data_row(book, "CNP PM3")
    assert [bookedit.cached_value(book, "Data", f"{c}{row}")[1] for c in "NP"] == [status, trend]
    assert summary_rows(book)["CNP PM3"][17] == status


def test_refresh_book_current_quarter_moves_to_q2(book):
    bookedit.set_cell(book, "Settings", "B5", 2)
    result = refresh_book(book)
    assert {e.period for e in result.evaluations} == {"2011/12 Q2"}
    assert set(statuses(result).values()) == {"AWAITED"}  # no Q2 figures yet
    header = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()[1]
    assert header[9:17] == ["Q1", "Q2*", "Q3", "Q4", "Q1", "Q2*", "Q3", "Q4"]
    assert bookedit.cached_value(book, "Data", f"N{data_row(book, 'CNP PM3')}")[1] == "AWAITED"


def test_refresh_book_commentary_edit_is_kept(book):
    row = data_row(book, "CNP PM3")
    text = "Crime fell again <3% & more>\nSecond line, kept as typed.  "
    bookedit.set_cell(book, "Data", f"I{row}", text)
    bookedit.set_cell(book, "Data", f"J{row}", "Q2 note typed early")
    refresh_book(book)
    assert bookedit.cell_text(book, "Data", f"I{row}") == text
    assert bookedit.cell_text(book, "Data", f"J{row}") == "Q2 note typed early"
    assert summary_rows(book)["CNP PM3"][13:15] == [text, "Q2 note typed early"]


def test_refresh_book_hand_edited_formula_is_left_alone(book):
    row = data_row(book, "CNP PM2")
    bookedit.set_formula(book, "Data", f"N{row}", 'IF(TRUE,"RED","")', "RED")
    result = refresh_book(book)
    assert result.notices == [
        f"{book}: sheet 'Data' cell N{row}: the formula was changed by hand; its shown value was left as it was"
    ]
    assert bookedit.cached_value(book, "Data", f"N{row}") == ('IF(TRUE,"RED","")', "RED")
    assert statuses(result)["CNP PM2"] == "CHECK"  # the Summary still follows the figures


# ---- failures leave the book as it was ----------------------------------------------------------

def _rename_data(book):
    bookedit.rename_sheet(book, "Data", "Figures")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda b: bookedit.set_cell(b, "Settings", "B5", "five"),
         "{book}: sheet 'Settings' cell B5: cannot read 'five' as the current quarter; type 1, 2, 3 or 4"),
        (lambda b: bookedit.set_cell(b, "Settings", "B4", "next year"),
         "{book}: sheet 'Settings' cell B4: cannot read 'next year': expected a reporting year such as "
         "'2011/12'; type a year such as '2011/12'"),
        (lambda b: bookedit.set_cell(b, "Data", "A2", "CNP PM99"),
         "{book}: sheet 'Data' cell A2: ref 'CNP PM99' is not on the 'Indicators' sheet; add the indicator "
         "there first, or correct the ref"),
        (lambda b: bookedit.set_cell(b, "Indicators", "A3", "CNP PM1"),
         "{book}: sheet 'Indicators' cell A3: indicator ref 'CNP PM1' is already used on row 2; give "
         "each indicator its own ref"),
        (lambda b: bookedit.set_cell(b, "Data", "B3", "2008/09"),
         "{book}: sheet 'Data' cell B3: CNP PM1 2008/09 is already on row 2; keep one row per indicator and year"),
        (_rename_data,
         "{book}: not a CSP Status workbook: no sheet named 'Data' (it has 'Summary', 'Trends', 'Indicators', "
         "'Figures', 'Settings', 'xlwings.conf'); make one with 'csp import'"),
        (lambda b: bookedit.set_cell(b, "Data", "E1", "Quarter one"),
         "{book}: sheet 'Data' cell E1: expected the header 'Q1' in row 1 of sheet 'Data'; restore it "
         "(headers may move but not be renamed)"),
        (lambda b: bookedit.clear_cell(b, "Indicators", "C1"),
         "{book}: sheet 'Indicators' cell C1: expected the header 'Polarity' in row 1 of sheet 'Indicators'; "
         "restore it (headers may move but not be renamed)"),
        (lambda b: bookedit.clear_cell(b, "Settings", "A5"),
         "{book}: sheet 'Settings' has no row labelled 'Current quarter' in column A; restore the label, with "
         "the value beside it in column B"),
    ],
    ids=["quarter-five", "year-text", "ref-unknown", "ref-duplicated", "year-duplicated", "no-data-sheet",
         "no-q1-header", "no-polarity-header", "no-quarter-label"],
)
def test_refresh_book_failure_leaves_book_untouched(book, edit, message):
    edit(book)
    edited = book.read_bytes()
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == message.format(book=book)
    assert book.read_bytes() == edited
    assert listing(book.parent) == ["x.xlsm"]  # no temporary file, no lock left


@pytest.mark.parametrize(
    ("name", "owner"),
    [("x.xlsm", "~$x.xlsm"), ("csp_workbook.xlsm", "~$p_workbook.xlsm"), ("csp_workbook.xlsm", "~$csp_workbook.xlsm")],
)
def test_refresh_book_open_in_excel_is_refused(imported, tmp_path, name, owner):
    book = tmp_path / name
    shutil.copyfile(imported, book)
    bookedit.set_cell(book, "Data", f"E{data_row(book, 'CNP PM2')}", "7.75%")
    edited = book.read_bytes()
    (tmp_path / owner).write_bytes(b"\x0bofficer")
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == (
        f"{book}: the book is open in Excel ({owner} is beside it); close it first, "
        f"or use the 'Refresh statuses' button inside Excel (if Excel is not running, {owner} was left by a "
        "crash: delete it)"
    )
    assert book.read_bytes() == edited
    assert listing(tmp_path) == sorted([name, owner])


def test_refresh_book_locked_is_refused(book):
    bookedit.set_cell(book, "Data", f"E{data_row(book, 'CNP PM2')}", "7.75%")
    edited = book.read_bytes()
    lock = book.with_name(".x.xlsm.csp-lock")
    live = str(os.getppid())  # a process that is running: its lock is live
    lock.write_text(live)
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == (
        f"{book}: another run is writing this book (.x.xlsm.csp-lock exists); wait for it to finish, "
        "or delete the lock file if no run is in progress"
    )
    assert book.read_bytes() == edited
    assert lock.read_text() == live  # another run's lock is not ours to remove


def test_refresh_book_lock_of_a_killed_run_is_taken_over(book):
    bookedit.set_cell(book, "Data", f"E{data_row(book, 'CNP PM2')}", "7.75%")
    book.with_name(".x.xlsm.csp-lock").write_text(str(_pid_of_finished()))
    result = refresh_book(book)
    assert (result.changed, statuses(result)["CNP PM2"]) == (True, "RED")
    assert listing(book.parent) == ["x.xlsm"]


def _pid_of_finished() -> int:
    """The pid of a run that has ended (as a killed refresh's would be)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_refresh_book_missing_file(tmp_path):
    with pytest.raises(BookError) as info:
        refresh_book(tmp_path / "none.xlsm")
    assert str(info.value) == f"{tmp_path / 'none.xlsm'}: no such file; check the name and the folder"
    assert listing(tmp_path) == []
