"""The ribbon macros' pipeline, run against an in-memory stand-in for Excel's object model.

Excel cannot run here; the stand-in offers only the few xlwings calls the macro makes (used range,
range values and formats, clear, merge), records every write, and is loaded with the cells of the
real bundled workbook.  What it shows: the macro reads the open book, computes the same Summary
as ``csp refresh``, and writes it in a handful of bulk calls, not cell by cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csp_status import excel
from csp_status.core.parse import SheetNumber
from csp_status.core.vocabulary import Status
from csp_status.refresh import refresh_book
from csp_status.workbook.cells import Formula, col_index, col_letter
from csp_status.workbook.merges import sheet_merges
from csp_status.workbook.layout import DATA, INDICATORS, SETTINGS, SUMMARY
from csp_status.workbook.package import Package

BUNDLED = Path(__file__).resolve().parents[1] / "csp_workbook.xlsm"


class FakeFont:
    def __init__(self) -> None:
        self.color = (0, 0, 0)
        self.bold = False


class FakeRange:
    def __init__(self, sheet: "FakeSheet", address) -> None:
        self.sheet, self.address = sheet, address
        self.font = FakeFont()

    def options(self, ndim: int):
        assert ndim == 2
        return self

    @property
    def value(self):
        rows, cols = self.sheet.extent()
        return [[self.sheet.cells.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]

    @value.setter
    def value(self, rows) -> None:
        self.sheet.writes.append(("value", self.address))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                # as Excel does: a leading apostrophe marks text and is not part of the value
                self.sheet.cells[(1 + i, 1 + j)] = value[1:] if isinstance(value, str) and value[:1] == "'" else value

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get(self.address, "General")

    @property
    def color(self):
        return self.sheet.fills.get(self.address)

    @color.setter
    def color(self, rgb) -> None:
        self.sheet.writes.append(("color", self.address))
        for ref in str(self.address).split(","):
            self.sheet.fills[ref] = rgb

    row = 1
    column = 1

    @property
    def merge_cells(self) -> bool:
        return self._merge_area() is not None

    @property
    def merge_area(self) -> "FakeRange":
        return FakeRange(self.sheet, self._merge_area())

    def _merge_area(self) -> str | None:
        r, c = self.address
        return next((m for m, (r1, c1, r2, c2) in self.sheet.merged.items() if r1 <= r <= r2 and c1 <= c <= c2), None)

    def merge(self) -> None:
        self.sheet.writes.append(("merge", self.address))

    def __setattr__(self, name, value) -> None:
        if name in ("wrap_text", "column_width"):
            self.sheet.writes.append((name, self.address))
        object.__setattr__(self, name, value)


class FakeSheet:
    def __init__(self, name: str, cells: dict, formats: dict | None = None, fills: dict | None = None) -> None:
        self.name, self.cells = name, cells
        self.formats = formats or {}
        self.fills = fills or {}
        self.merged: dict[str, tuple[int, int, int, int]] = {}  # "$B$2:$F$2" -> (2, 2, 2, 6)
        self.writes: list[tuple[str, object]] = []

    def extent(self) -> tuple[int, int]:
        return (max((r for r, _ in self.cells), default=1), max((c for _, c in self.cells), default=1))

    @property
    def used_range(self) -> FakeRange:
        return FakeRange(self, "used")

    def range(self, address) -> FakeRange:
        return FakeRange(self, address)

    def clear(self) -> None:
        self.writes.append(("clear", None))
        self.cells.clear()


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)


class FakeBook:
    def __init__(self, sheets: list[FakeSheet]) -> None:
        self.name = "csp_workbook.xlsm"
        self.sheets = FakeSheets(sheets)


def open_in_fake_excel(path: Path) -> FakeBook:
    """The book as Excel would hold it: values (formulas calculated), number formats, legend fills."""
    sheets = []
    with Package(path) as package:
        for name in package.sheet_paths():
            cells, formats = {}, {}
            for (r, c), value in package.cells(name).items():
                if isinstance(value, Formula):
                    value = value.cached
                if isinstance(value, SheetNumber):
                    formats[(r, c)] = value.number_format
                    value = value.value
                cells[(r, c)] = value
            sheets.append(FakeSheet(name, cells, formats))
            for r1, c1, r2, c2 in sheet_merges(package, name):
                sheets[-1].merged[f"${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"] = (r1, c1, r2, c2)
    settings = next(s for s in sheets if s.name == SETTINGS)
    for (r, c), value in settings.cells.items():
        if value == "GREEN":
            settings.fills[(r, c)] = (198, 239, 206)
    return FakeBook(sheets)


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "csp_workbook.xlsm"
    shutil.copy(BUNDLED, copy)
    return copy


def summary_values_from_file(path: Path) -> list[list[str]]:
    with Package(path) as package:
        cells = package.cells(SUMMARY)
    rows, cols = max(r for r, _ in cells), max(c for _, c in cells)
    return [[cells.get((r, c), "") for c in range(1, cols + 1)] for r in range(1, rows + 1)]


def test_run_refresh_writes_the_same_summary_as_csp_refresh(book_copy):
    fake = open_in_fake_excel(book_copy)
    evaluations = excel.run_refresh(fake)
    refresh_book(book_copy)
    summary = fake.sheets[SUMMARY]
    rows, cols = summary.extent()
    got = [[summary.cells.get((r, c)) or "" for c in range(1, cols + 1)] for r in range(1, rows + 1)]
    assert got == summary_values_from_file(book_copy)
    assert [e.status for e in evaluations][:4] == [Status.AWAITED, Status.CHECK, Status.GREEN, Status.GREEN]


def test_run_refresh_writes_values_in_one_call_and_formats_in_few(book_copy):
    fake = open_in_fake_excel(book_copy)
    excel.run_refresh(fake)
    writes = fake.sheets[SUMMARY].writes
    got = (writes[0], sum(1 for kind, _ in writes if kind == "value"), len(writes) < 80)
    assert got == (("clear", None), 1, True)


def test_run_refresh_colours_status_and_current_quarter_cells_like_the_legend(book_copy):
    fake = open_in_fake_excel(book_copy)
    excel.run_refresh(fake)
    fills = fake.sheets[SUMMARY].fills
    # PM3 (row 6) and PM4 (row 7) are GREEN: the status cell R and the Q1 performance cell J.
    got = [fills.get(ref) for ref in ("R6", "J6", "R7", "J7")]
    assert got == [(198, 239, 206)] * 4


def test_run_refresh_sees_unsaved_edits_in_the_open_book(book_copy):
    fake = open_in_fake_excel(book_copy)
    data = fake.sheets[DATA]
    row = next(r for (r, c), v in data.cells.items() if v == "(-7.75%)")
    data.cells[(row, col_index("E"))] = 0.0775
    data.formats[(row, col_index("E"))] = "0.00%"
    evaluations = {e.ref: e for e in excel.run_refresh(fake)}
    assert (evaluations["CNP PM2"].status, evaluations["CNP PM2"].value_text) == (Status.RED, "7.75%")


def test_run_refresh_names_the_book_and_leaves_the_summary_alone_on_bad_settings(book_copy):
    fake = open_in_fake_excel(book_copy)
    settings = fake.sheets[SETTINGS]
    row = next(r for (r, c), v in settings.cells.items() if v == "Current quarter")
    settings.cells[(row, 2)] = "five"
    before = dict(fake.sheets[SUMMARY].cells)
    with pytest.raises(excel.CspError) as err:
        excel.run_refresh(fake)
    assert str(err.value) == (
        f"csp_workbook.xlsm: sheet 'Settings' cell B{row}: cannot read 'five' as the current quarter; type 1, 2, 3 or 4"
    )
    assert fake.sheets[SUMMARY].cells == before


def test_run_refresh_refuses_a_book_without_the_csp_sheets():
    fake = FakeBook([FakeSheet("Sheet1", {(1, 1): "hello"})])
    with pytest.raises(excel.CspError) as err:
        excel.run_refresh(fake)
    assert str(err.value) == (
        "csp_workbook.xlsm: not a CSP Status workbook: no sheet named 'Summary', 'Indicators', 'Data', 'Settings'"
    )


def test_check_report_lists_check_indicators_with_their_notes(book_copy):
    fake = open_in_fake_excel(book_copy)
    evaluations = excel.run_refresh(fake)
    assert excel.check_report(evaluations) == (
        "1 of 9 indicators need checking:\n• CNP PM2: '(-7.75%)' is a negative proportion"
    )


def test_summary_plan_chunks_long_address_lists_under_excels_limit():
    addresses = [f"R{n}" for n in range(4, 400)]
    chunks = excel._chunks(addresses)
    assert (all(len(c) <= 255 for c in chunks), ",".join(chunks).split(",") == addresses) == (True, True)


def test_indicators_sheet_is_read_from_the_open_book(book_copy):
    fake = open_in_fake_excel(book_copy)
    assert excel.read_sheet_cells(fake.sheets[INDICATORS])[(1, 1)] == "Ref"


def test_run_refresh_writes_the_trends_figures_the_charts_are_drawn_from(book_copy):
    import bookedit

    fake = open_in_fake_excel(book_copy)
    data = fake.sheets[DATA]
    row = next(r for (r, c), v in data.cells.items() if v == "13,102")
    data.cells[(row, col_index("E"))] = "12,950"
    excel.run_refresh(fake)
    bookedit.set_cell(book_copy, "Data", f"E{row}", "12,950")  # the same edit, saved, then csp refresh
    refresh_book(book_copy)
    with Package(book_copy) as package:
        on_file = {k: (v.value if isinstance(v, SheetNumber) else v) for k, v in package.cells("Trends").items()}
    in_excel = {(r, c): v for (r, c), v in fake.sheets["Trends"].cells.items() if v not in (None, "")}
    assert (in_excel == on_file, 12950.0 in in_excel.values()) == (True, True)


def test_run_refresh_of_an_own_layout_book_writes_the_same_summary_as_csp_refresh(tmp_path):
    # the ribbon button on a book imported from a partnership's own layout: its layout, not Derby's
    from test_recognise import WORKBOOKS, _workbook

    from csp_status.importer import import_legacy

    name = "council_scorecard_maidstone_2019q2"
    source = Path(__file__).parent / "data" / "layouts" / f"{name}.tsv"
    book = tmp_path / "own.xlsm"
    import_legacy(_workbook(tmp_path, source, WORKBOOKS[name]), book)
    fake = open_in_fake_excel(book)
    evaluations = excel.run_refresh(fake)
    summary = fake.sheets[SUMMARY]
    rows, cols = summary.extent()
    got = [[summary.cells.get((r, c)) or "" for c in range(1, cols + 1)] for r in range(1, rows + 1)]
    assert got == summary_values_from_file(book)
    assert got[2][:3] == ["", "Value", "Target"] and got[2][6] == "Status (2019/20 Q2)"
    assert [e.status.value for e in evaluations] == ["GREEN", "RED", "GREEN", "RED", "RED"]
    assert ("merge", "B2:F2") in summary.writes  # the scorecard's merged period header
