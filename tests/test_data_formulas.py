"""The Data sheet's formulas: short enough to read at any row, and books written before still refresh.

``tests/data/books/csp_workbook_0.1.0.xlsm`` is the bundled workbook as CSP Status 0.1.0 built it,
before the Reporting quarter column: every column tested the year itself and read CurrentQuarter.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import bookedit
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libreoffice import inspect_book, requires_libreoffice
from python_calamine import CalamineWorkbook

from csp_status.refresh import refresh_book
from csp_status.workbook.cells import col_letter
from csp_status.workbook.data_columns import (
    COLUMNS,
    FORMER_TEMPLATES,
    INPUTS,
    RowContext,
    formulas,
    is_ours,
    shown_values,
    shown_values_of_rows,
)

ROOT = Path(__file__).resolve().parents[1]
FORMER_BOOK = Path(__file__).resolve().parent / "data" / "books" / "csp_workbook_0.1.0.xlsm"


@pytest.mark.parametrize("row", [2, 5, 99, 1_000, 99_999, 999_999])
def test_every_formula_is_at_most_120_characters_at_any_row(row):
    """Up to row 999,999 (200,000 indicators over five years); Status reaches 121 in Excel's last 48,576 rows."""
    lengths = {header: len(text) for header, text in formulas(row).items()}
    assert max(lengths.values()) <= 120, lengths


def test_no_formula_tests_the_year_but_the_reporting_quarter():
    """The year is compared with the Settings once a row, in Reporting quarter; the others read it."""
    texts = formulas(7)
    assert texts["Reporting quarter"] == "IF($B7=ReportingYear,CurrentQuarter,0)"
    assert [h for h, text in texts.items() if "ReportingYear" in text or "CurrentQuarter" in text] == [
        "Reporting quarter"]
    assert texts["Status"] == 'IF($AD7,IFERROR(CSP_STATUS($Q7,$D7,$S7,$U7,$V7,$T7,$Y7),AddInMissing),"")'


def test_is_ours_knows_todays_and_the_former_formulas_only():
    assert is_ours("Status", formulas(12)["Status"], 12)
    assert is_ours("Status", FORMER_TEMPLATES["Status"].replace("{r}", "12"), 12)
    assert not is_ours("Status", formulas(12)["Status"], 13)  # another row's formula
    assert not is_ours("Status", FORMER_TEMPLATES["Gap"].replace("{r}", "12"), 12)
    assert not is_ours("Status", None, 12)
    assert "Reporting quarter" not in FORMER_TEMPLATES


def _data(book: Path) -> dict[tuple[str, str], dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Data").to_python()
    headers = [str(h) for h in rows[0]]
    return {(str(row[0]), str(row[1])): dict(zip(headers, row)) for row in rows[1:]}


def _summary(book: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()


def _formula_texts(book: Path) -> dict[str, str]:
    part = bookedit.parts(book)[bookedit.sheet_part(book, "Data")].decode("utf-8")
    return dict(re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*><f>([^<]*)</f>', part))


@pytest.mark.parametrize("quarter", [1, 3])
def test_a_book_written_by_0_1_refreshes_as_a_book_written_now(quarter, tmp_path):
    """Its formulas are kept (no "changed by hand"), and it shows what a book written now shows."""
    former, now = tmp_path / "former.xlsm", tmp_path / "now.xlsm"
    shutil.copyfile(FORMER_BOOK, former)
    shutil.copyfile(ROOT / "csp_workbook.xlsm", now)
    for book in (former, now):
        bookedit.set_cell(book, "Settings", "B5", quarter)
        row = bookedit.find_row(book, "Data", A="CNP PM2", B="2011/12")
        bookedit.set_cell(book, "Data", f"F{row}", "7.75%")
        bookedit.set_cell(book, "Data", f"G{row}", "8.1%")
    texts_before = _formula_texts(former)
    result_former, result_now = refresh_book(former), refresh_book(now)
    assert result_former.notices == result_now.notices == []
    assert _formula_texts(former) == texts_before
    assert _summary(former) == _summary(now)
    old, new = _data(former), _data(now)
    assert old.keys() == new.keys()
    shown = [column.header for column in COLUMNS if column.header != "Reporting quarter"]
    assert {key: [row[h] for h in shown] for key, row in old.items()} == {
        key: [row[h] for h in shown] for key, row in new.items()}
    assert [row["Status"] for key, row in new.items() if key[1] == "2011/12"].count("") == 0


def test_a_former_formula_changed_by_hand_is_still_left_alone(tmp_path):
    book = tmp_path / "former.xlsm"
    shutil.copyfile(FORMER_BOOK, book)
    row = bookedit.find_row(book, "Data", A="CNP PM2", B="2011/12")
    bookedit.set_formula(book, "Data", f"N{row}", FORMER_TEMPLATES["Status"].replace("{r}", str(row + 1)), "RED")
    result = refresh_book(book)
    assert result.notices == [
        f"{book}: sheet 'Data' cell N{row}: the formula was changed by hand; its shown value was left as it was"]


_SHEET_FORMULAS = [column.header for column in COLUMNS if not column.expression.startswith("CSP_")]


@pytest.mark.parametrize("quarter", [1, 2, 4])
@requires_libreoffice
def test_libreoffice_recalculates_the_sheet_formulas_to_the_values_cached(quarter, tmp_path):
    """LibreOffice, recalculating every cell, gives each helper column that is not a CSP function
    (Current, Previous quarter, Last year same quarter, Reporting quarter, ...) the value the
    refresh cached, in every quarter (Previous quarter is blank in the first)."""
    book = tmp_path / "x.xlsm"
    shutil.copyfile(ROOT / "csp_workbook.xlsm", book)
    bookedit.set_cell(book, "Settings", "B5", quarter)
    bookedit.set_cell(book, "Data", f"G{bookedit.find_row(book, 'Data', A='CNP PM2', B='2011/12')}", "8.1%")  # Q3
    refresh_book(book)
    last = len(_data(book)) + 1
    ranges = {header: f"Data!{col_letter(len(INPUTS) + 1 + i)}2:{col_letter(len(INPUTS) + 1 + i)}{last}"
              for i, column in enumerate(COLUMNS) if (header := column.header) in _SHEET_FORMULAS}
    cached = inspect_book(book, cells=list(ranges.values()))["cells"]
    again = inspect_book(book, cells=list(ranges.values()), recalc=True)["cells"]
    differ = {header: (cached[cells]["strings"], again[cells]["strings"]) for header, cells in ranges.items()
              if cached[cells]["strings"] != again[cells]["strings"]}
    assert differ == {}
    quarters = [row[0] for row in cached[ranges["Reporting quarter"]]["strings"]]
    assert set(quarters) == {"0", str(quarter)}
    previous = [row[0] for row in cached[ranges["Previous quarter"]]["strings"]]
    assert (set(previous) == {""}) is (quarter == 1)  # Q1's figures are in, and PM2's Q3


# ---- a table of rows is worked out as its rows one at a time ----------------------------------

def _context(row: int, cells: dict[str, object], indicator: dict[str, object], quarter: int,
             last_year: dict[str, object] | None) -> RowContext:
    grid = {row: cells, 1: last_year or {}}
    return RowContext(row=row, cell_at=lambda r, h: grid.get(r, {}).get(h), reporting_year="2011/12",
                      quarter=quarter, indicator_row=lambda ref: 2 if indicator else 0,
                      indicator=lambda r, h: indicator.get(h), key_row=lambda key: 1 if last_year else 0)


_CELL = st.one_of(
    st.none(), st.floats(-5, 5_000, allow_nan=False), st.integers(-3, 20_000),
    st.sampled_from(["15.59%", "7.1% (1.5%)", "13,102", "Awaited", "n/a", "TBC", "", "lots", "(1.5%)",
                     "at least 500", "2,300 to 2,500", "53.7 per 1,000", "50% (62/124)", "1e400", "-0"]),
)
_ROW = st.fixed_dictionaries({
    "Ref": st.sampled_from(["PM1", "PM2"]), "Year": st.sampled_from(["2011/12", "2010/11", "2011/12 "]),
    "Outturn": _CELL, "Target": _CELL, "Q1": _CELL, "Q2": _CELL, "Q3": _CELL, "Q4": _CELL,
})
_INDICATOR = st.fixed_dictionaries({
    "Polarity": st.sampled_from(["Lower is better", "Higher is better", "", "sideways"]),
    "Unit": st.sampled_from(["", "percent", "number", "per 1000", "furlongs"]),
    "Tolerance": st.sampled_from(["", 0.05, "10%", "lots"]),
    "Tolerance kind": st.sampled_from(["", "relative", "points", "odd"]),
    "Trend basis": st.sampled_from(["", "previous period", "same quarter last year", "sideways"]),
})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_ROW, _INDICATOR, st.one_of(st.none(), _ROW)), min_size=1, max_size=12),
       st.integers(1, 4))
def test_a_table_of_rows_shows_what_each_row_shows_alone(rows, quarter):
    """The refresh works out a batch of Data rows together (the CSP columns by their column forms);
    every row shows exactly what it shows worked out alone."""
    contexts = [_context(n + 2, cells, indicator, quarter, last) for n, (cells, indicator, last) in enumerate(rows)]
    assert shown_values_of_rows(contexts) == [shown_values(ctx) for ctx in contexts]
