"""Reading a master workbook: the partnership it holds, and where every figure came from."""

from __future__ import annotations

import zipfile

import bookedit
import openpyxl
import pandas as pd
import pytest

from csp_status.core.errors import BookError
from csp_status.core.judgement import evaluate
from csp_status.core.parse import SheetNumber
from csp_status.core.vocabulary import Polarity, ToleranceKind, TrendBasis, Unit
from csp_status.workbook.book_read import cell_text, read_book
from csp_status.workbook.cells import Formula
from csp_status.workbook.layout import DATA_FORMULA_HEADERS, data_formulas
from csp_status.workbook.legacy import read_legacy
from csp_status.workbook.package import Package

PM = [f"CNP PM{n}" for n in range(1, 10)]
YEARS = ["2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14"]
SEED_STATUSES = ["AWAITED", "CHECK", "GREEN", "GREEN", "AWAITED", "AWAITED", "NO TARGET", "NO TARGET", "AMBER"]


# ---- the imported seed -------------------------------------------------------------------------

def test_read_book_settings(imported):
    settings = read_book(imported).partnership.settings
    got = (settings.partnership, settings.reporting_year, settings.current_quarter, settings.population,
           settings.period)
    assert got == ("Derby", "2011/12", 1, None, "2011/12 Q1")


def test_read_book_indicators(imported):
    master = read_book(imported)
    got = [(i.ref, i.polarity, i.unit, i.tolerance, i.tolerance_kind, i.trend_basis, i.problems)
           for i in master.partnership.indicators]
    lower, higher = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER
    units = [Unit.NUMBER, Unit.PERCENT, Unit.NUMBER, Unit.PER_1000, Unit.NUMBER, Unit.NUMBER, Unit.PERCENT,
             Unit.PERCENT, Unit.PERCENT]
    polarities = [lower] * 6 + [higher] * 2 + [lower]
    assert got == [(ref, p, u, 0.05, ToleranceKind.RELATIVE, TrendBasis.PREVIOUS_PERIOD, [])
                   for ref, p, u in zip(PM, polarities, units)]
    assert master.indicator_rows == {ref: n for n, ref in enumerate(PM, start=2)}


def test_read_book_records_equal_the_legacy_sheet(seed_path, imported):
    # what import wrote reads back as what the legacy sheet said, cell for cell
    assert read_book(imported).partnership.records == read_legacy(seed_path).partnership.records


def test_read_book_indicators_equal_the_legacy_sheet(seed_path, imported):
    fields = ("ref", "description", "polarity", "unit", "tolerance", "tolerance_kind", "trend_basis", "comparator")
    got = [tuple(getattr(i, f) for f in fields) for i in read_book(imported).partnership.indicators]
    exp = [tuple(getattr(i, f) for f in fields) for i in read_legacy(seed_path).partnership.indicators]
    assert got == exp


def test_read_book_where_things_are(imported):
    master = read_book(imported)
    assert master.sheet_parts == {
        "Summary": "xl/worksheets/sheet1.xml", "Indicators": "xl/worksheets/sheet2.xml",
        "Data": "xl/worksheets/sheet3.xml", "Settings": "xl/worksheets/sheet4.xml",
        "xlwings.conf": "xl/worksheets/sheet5.xml", "Trends": "xl/worksheets/sheet6.xml",
    }
    assert master.data_columns == {
        "Ref": 1, "Year": 2, "Outturn": 3, "Target": 4, "Q1": 5, "Q2": 6, "Q3": 7, "Q4": 8,
        "Q1 commentary": 9, "Q2 commentary": 10, "Q3 commentary": 11, "Q4 commentary": 12,
        "Value now": 13, "Status": 14, "Gap": 15, "Trend": 16,
        **{header: 13 + i for i, header in enumerate(DATA_FORMULA_HEADERS)},
    }
    assert master.data_rows == list(range(2, 2 + 9 * 6))
    assert [master.partnership.record(ref, year) is not None for ref in PM for year in YEARS] == [True] * 54


def test_read_book_evaluates_to_the_seed_statuses(imported):
    assert [e.status.value for e in evaluate(read_book(imported).partnership)] == SEED_STATUSES


def test_read_book_leaves_out_what_the_calculated_columns_last_showed(imported):
    """The inputs are read; the calculated columns' formula cells are the refresh's to work out."""
    master = read_book(imported)
    row = bookedit.find_row(imported, "Data", A="CNP PM3", B="2011/12")
    assert master.data_cells[(row, 5)] == "13,102" and master.data_cells[(1, 14)] == "Status"
    assert [key for key, cell in master.data_cells.items() if isinstance(cell, Formula)] == []
    with Package(imported) as package:  # they are in the book, with the values the refresh cached
        status = package.cells("Data")[(row, 14)]
    assert (status.text, status.cached) == (data_formulas(row)["Status"], "GREEN")


def test_read_book_keeps_a_formula_an_officer_typed_in_an_input(book):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_formula(book, "Data", f"E{row}", "13000+102", "13102")
    assert [e.status.value for e in evaluate(read_book(book).partnership)][2] == "GREEN"
    assert isinstance(read_book(book).data_cells[(row, 5)], Formula)


def test_read_book_columns_found_by_header(book):
    # officers may swap columns: here the (empty) Q3 and Q4 columns trade headers
    bookedit.set_cell(book, "Data", "G1", "Q4")
    bookedit.set_cell(book, "Data", "H1", "Q3")
    master = read_book(book)
    assert (master.data_columns["Q3"], master.data_columns["Q4"]) == (8, 7)
    assert [e.status.value for e in evaluate(master.partnership)] == SEED_STATUSES


def test_read_book_current_quarter_as_text(book):
    bookedit.set_cell(book, "Settings", "B5", " 3 ")
    assert read_book(book).partnership.settings.current_quarter == 3


@pytest.mark.parametrize(
    ("typed", "year"), [("2011/12", "2011/12"), ("2011-12", "2011/12"), ("2011/2012", "2011/12"), (2011, "2011/12")]
)
def test_read_book_reporting_year_forms(book, typed, year):
    bookedit.set_cell(book, "Settings", "B4", typed)
    assert read_book(book).partnership.settings.reporting_year == year


@pytest.mark.parametrize(
    ("ref", "value", "problem"),
    [
        ("E4", "lots", "sheet 'Indicators' cell E4: cannot read 'lots': expected a number"),
        ("C4", "sideways", "sheet 'Indicators' cell C4: cannot read 'sideways': expected a polarity: "
                           "'Lower is better' or 'Higher is better'"),
        ("D4", "litres", "sheet 'Indicators' cell D4: cannot read 'litres': expected a unit: 'number', "
                         "'percent' or 'per 1000'"),
        ("G4", "yesterday", "sheet 'Indicators' cell G4: cannot read 'yesterday': expected a trend basis"),
    ],
)
def test_read_book_unreadable_indicator_cell_makes_check(book, ref, value, problem):
    bookedit.set_cell(book, "Indicators", ref, value)
    partnership = read_book(book).partnership
    pm3 = partnership.indicators[2]
    assert len(pm3.problems) == 1 and pm3.problems[0].startswith(problem)
    assert [e.status.value for e in evaluate(partnership)] == [*SEED_STATUSES[:2], "CHECK", *SEED_STATUSES[3:]]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda b: bookedit.set_cell(b, "Settings", "B5", "five"),
         "{book}: sheet 'Settings' cell B5: cannot read 'five' as the current quarter; type 1, 2, 3 or 4"),
        (lambda b: bookedit.set_cell(b, "Settings", "B5", 5),
         "{book}: sheet 'Settings' cell B5: cannot read '5' as the current quarter; type 1, 2, 3 or 4"),
        (lambda b: bookedit.clear_cell(b, "Settings", "B5"),
         "{book}: sheet 'Settings' cell B5: cannot read '' as the current quarter; type 1, 2, 3 or 4"),
        (lambda b: bookedit.set_cell(b, "Settings", "B6", "many"),
         "{book}: sheet 'Settings' cell B6: cannot read 'many': expected a number"),
        (lambda b: bookedit.set_cell(b, "Settings", "B6", -5),
         "{book}: sheet 'Settings' cell B6: the population must be a number above zero"),
        (lambda b: bookedit.set_cell(b, "Data", "B9", "last year"),
         "{book}: sheet 'Data' cell B9: cannot read 'last year': expected a reporting year such as '2011/12'"),
        (lambda b: bookedit.set_cell(b, "Data", "A20", "CNP PM 3"),
         "{book}: sheet 'Data' cell A20: ref 'CNP PM 3' is not on the 'Indicators' sheet"),
        (lambda b: bookedit.set_cell(b, "Indicators", "A10", "CNP PM2"),
         "{book}: sheet 'Indicators' cell A10: indicator ref 'CNP PM2' is already used on row 3"),
        (lambda b: bookedit.set_cell(b, "Data", "L1", "Q4 comments"),
         "{book}: sheet 'Data' cell L1: expected the header 'Q4 commentary' in row 1 of sheet 'Data'"),
        (lambda b: bookedit.rename_sheet(b, "Settings", "Options"),
         "{book}: not a CSP Status workbook: no sheet named 'Settings'"),
        (lambda b: bookedit.rename_sheet(b, "Indicators", "KPIs"),
         "{book}: not a CSP Status workbook: no sheet named 'Indicators'"),
    ],
    ids=["quarter-text", "quarter-five", "quarter-blank", "population-text", "population-negative",
         "year-text", "ref-unknown", "ref-duplicated", "header-renamed", "no-settings", "no-indicators"],
)
def test_read_book_errors_name_file_sheet_and_cell(book, edit, message):
    edit(book)
    with pytest.raises(BookError) as info:
        read_book(book)
    assert str(info.value).startswith(message.format(book=book))


def test_read_book_not_a_zip(tmp_path):
    path = tmp_path / "x.xlsm"
    path.write_text("Ref,Description\n")
    with pytest.raises(BookError) as info:
        read_book(path)
    assert str(info.value) == (f"{path}: not an Excel workbook (not a zip package: File is not a zip file); "
                               "choose the workbook itself, or restore it from a backup")


def test_read_book_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsm"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(BookError) as info:
        read_book(path)
    assert str(info.value) == (f"{path}: the package has no part 'xl/workbook.xml', so it is not a whole Excel "
                               "workbook; choose the workbook itself, or restore it from a backup")


def test_read_book_damaged_part(book):
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo("xl/worksheets/sheet3.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 200
    data[start:start + 64] = bytes(b ^ 0xFF for b in data[start:start + 64])
    book.write_bytes(bytes(data))
    with pytest.raises(BookError) as info:
        read_book(book)
    assert str(info.value).startswith(f"{book}: part 'xl/worksheets/sheet3.xml' is damaged (")


def test_read_book_refuses_entities(book):
    part = bookedit.sheet_part(book, "Settings")
    members = bookedit.parts(book)
    members[part] = members[part].replace(
        b"<worksheet ", b'<!DOCTYPE worksheet [<!ENTITY e "boom">]><worksheet ', 1)
    with zipfile.ZipFile(book, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(BookError) as info:
        read_book(book)
    assert str(info.value) == (f"{book}: part '{part}' declares a DTD or entities; refusing to read it: use a copy "
                               "saved by Excel, or restore the book from a backup")


# ---- cell text ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("13,102", "13,102"),
        ("  Awaited ", "  Awaited "),  # text as typed, spaces and all
        (13102.0, "13102"),
        (0.5, "0.5"),
        (True, "TRUE"),
        (SheetNumber(0.05, "0%"), "5%"),
        (Formula('IF(1,"RED","")', "RED"), "RED"),
        (Formula("CSP_VALUE(E5)", None), ""),
    ],
)
def test_cell_text(cell, text):
    assert cell_text(cell) == text


# ---- other readers see the statuses ------------------------------------------------------------

def _status_column(rows: list[tuple[object, object, object]]) -> dict[tuple[str, str], object]:
    return {(ref, year): status for ref, year, status in rows}


EXPECTED_STATUS_COLUMN = {
    (ref, year): (status if year == "2011/12" else None)
    for ref, status in zip(PM, SEED_STATUSES) for year in YEARS
}


def test_pandas_calamine_reads_statuses(imported):
    frame = pd.read_excel(imported, sheet_name="Data", engine="calamine")
    statuses = [None if pd.isna(s) else s for s in frame["Status"]]
    got = _status_column(zip(frame["Ref"], frame["Year"], statuses))
    assert got == EXPECTED_STATUS_COLUMN


def test_openpyxl_data_only_reads_statuses(imported):
    workbook = openpyxl.load_workbook(imported, data_only=True, keep_vba=True)  # read only: never saved
    sheet = workbook["Data"]
    header = [c.value for c in sheet[1]]
    assert header[13] == "Status"
    got = _status_column((r[0], r[1], r[13]) for r in sheet.iter_rows(min_row=2, values_only=True))
    assert got == EXPECTED_STATUS_COLUMN
    assert sheet["N2"].value is None  # other years: empty, not an error
    formulas = openpyxl.load_workbook(imported, keep_vba=True)["Data"]
    assert formulas["N5"].value == "=" + data_formulas(5)["Status"]
