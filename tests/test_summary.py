"""The regenerated Summary tab: the partnership's own columns A–Q, then Status, Gap, Trend, Notes.

The golden is the seed itself: columns A–Q of the Summary hold the seed's cells row for row.  One
difference is on purpose: the seed types each row's commentary under the Q4 commentary column
although it is the current quarter's (Q1*); the Summary puts it under Q1*, so the expected rows are
the seed's with that commentary moved from column Q to column N.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import bookedit
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from csp_status.core.judgement import evaluate
from csp_status.core.vocabulary import Status
from csp_status.outputs.summary import summary_merges, summary_rows
from csp_status.refresh import refresh_book
from csp_status.workbook.layout import Style

ADDED_HEADERS = ["Status", "Gap to target", "Direction of travel", "Data notes"]
# Columns R–U of each indicator row: status, gap to target, direction of travel, data notes.
ADDED = {
    "CNP PM1": ["AWAITED", "", "", "value: Awaited; target: Baseline year"],
    "CNP PM2": ["CHECK", "", "", "'(-7.75%)' is a negative proportion"],
    "CNP PM3": ["GREEN", "−180 (1.4% below target)", "↑ IMPROVING",
                "95% interval 12,879–13,328 (Byar, count): not significantly different from the 13,282 target"],
    "CNP PM4": ["GREEN", "−0.6 (1.1% below target)", "↑ IMPROVING", ""],
    "CNP PM5": ["AWAITED", "", "", "value: Awaited; target: Baseline year"],
    "CNP PM6": ["AWAITED", "", "", "value: Awaited; target: Baseline year"],
    "CNP PM7": ["NO TARGET", "", "↑ IMPROVING", "target: Targets TBC from NTA"],
    "CNP PM8": ["NO TARGET", "", "↓ WORSENING", "target: TBC nationally"],
    "CNP PM9": ["AMBER", "+0.39 pts (2.6% above target)", "↓ WORSENING", ""],
}
FILLS = {"GREEN": "FFC6EFCE", "AMBER": "FFFFEB9C", "RED": "FFFFC7CE", "NO TARGET": "FFD9D9D9",
         "AWAITED": "FFDDEBF7", "CHECK": "FFE4DFEC"}


def norm(text: object) -> str:
    """A cell's text, whitespace aside."""
    return " ".join(("" if text is None else str(text)).split())


def expected_rows(seed_path: Path) -> list[list[str]]:
    """The seed's rows (blank rows skipped), commentary moved from Q4 to Q1*, then columns R–U."""
    with seed_path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if any(c.strip() for c in row)]
    group, header, years, *indicators = [[norm(c) for c in row] + [""] * (17 - len(row)) for row in rows]
    out = [group + ["Status", "", "", ""], header + list(ADDED_HEADERS), years + ["", "", "", ""]]
    for row in indicators:
        row = row[:13] + [row[16], "", "", ""]  # commentary: Q4 column -> Q1* column
        out.append(row + [norm(c) for c in ADDED[row[0]]])
    return out


def read_calamine(book: Path) -> list[list[str]]:
    return [[norm(c) for c in row] for row in CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()]


def read_openpyxl(book: Path) -> list[list[str]]:
    workbook = openpyxl.load_workbook(book, read_only=True)
    try:
        return [[norm(c) for c in row] for row in workbook["Summary"].iter_rows(values_only=True)]
    finally:
        workbook.close()


# ---- golden ------------------------------------------------------------------------------------

@pytest.mark.parametrize("read", [read_calamine, read_openpyxl], ids=["calamine", "openpyxl"])
def test_summary_golden_seed(seed_path, imported, read):
    got = read(imported)
    exp = expected_rows(seed_path)
    assert [row[:17] for row in got] == [row[:17] for row in exp]  # the partnership's own columns
    assert [row[17:21] for row in got] == [row[17:] for row in exp]  # status, gap, trend, notes


def test_summary_rows_golden_seed(seed_path, seed_book):
    got = [[norm(c) for c in row[:21]] for row in summary_rows(seed_book, evaluate(seed_book))]
    assert got == expected_rows(seed_path)


def test_summary_commentary_exact(seed_path, imported):
    # not only whitespace aside: the commentary is carried over exactly as typed
    with seed_path.open(encoding="utf-8", newline="") as handle:
        seed = {row[0]: row[16] for row in csv.reader(handle, delimiter="\t") if row and row[0].startswith("CNP")}
    rows = CalamineWorkbook.from_path(str(imported)).get_sheet_by_name("Summary").to_python()
    assert {row[0]: row[13] for row in rows[3:]} == seed


def test_summary_values_only(imported):
    with zipfile.ZipFile(imported) as archive:
        part = archive.read(bookedit.sheet_part(imported, "Summary"))
    assert b"<f>" not in part and b"<f " not in part


def test_summary_after_pm2_edit(book):
    bookedit.set_cell(book, "Data", f"E{bookedit.find_row(book, 'Data', A='CNP PM2', B='2011/12')}", "7.75%")
    refresh_book(book)
    rows = {row[0]: row for row in read_calamine(book)[3:]}
    assert rows["CNP PM2"][9] == "7.75%"
    assert rows["CNP PM2"][17:21] == ["RED", "+0.65 pts (9.2% above target)", "↓ WORSENING", ""]
    assert {ref: row[17] for ref, row in rows.items() if ref != "CNP PM2"} == {
        ref: added[0] for ref, added in ADDED.items() if ref != "CNP PM2"}


# ---- layout and colour -------------------------------------------------------------------------

def test_summary_merges(imported):
    sheet = openpyxl.load_workbook(imported)["Summary"]  # loaded to look, never saved
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    assert merged == sorted(summary_merges())
    # the partnership's group spans, 'Targets' over its three years, the added group from R
    assert {"A1:B1", "C1:F1", "G1:I1", "J1:M1", "N1:Q1", "G2:I2"} <= set(merged)
    assert [m for m in merged if m.startswith("R1:")] != []
    assert sheet.freeze_panes == "C4"


def _fill(cell) -> str | None:
    fill = cell.fill
    return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None


def test_summary_status_fill_on_status_and_current_quarter(imported):
    sheet = openpyxl.load_workbook(imported)["Summary"]
    got = {sheet[f"A{r}"].value: (sheet[f"R{r}"].value, _fill(sheet[f"R{r}"]), _fill(sheet[f"J{r}"]),
                                   _fill(sheet[f"K{r}"]), _fill(sheet[f"S{r}"]))
           for r in range(4, 13)}
    assert got == {ref: (added[0], FILLS[added[0]], FILLS[added[0]], None, None) for ref, added in ADDED.items()}


def test_summary_fill_follows_current_quarter(book):
    bookedit.set_cell(book, "Settings", "B5", 2)
    refresh_book(book)
    sheet = openpyxl.load_workbook(book)["Summary"]
    assert (sheet["K2"].value, sheet["N2"].value, sheet["O2"].value) == ("Q2*", "Q1", "Q2*")
    assert [(_fill(sheet[f"J{r}"]), _fill(sheet[f"K{r}"])) for r in range(4, 13)] == [(None, FILLS["AWAITED"])] * 9


def test_settings_legend_has_a_cell_filled_for_every_status(book):
    legend = {cell.value: _fill(cell) for cell in openpyxl.load_workbook(book)["Settings"]["A"]
              if cell.value in {status.value for status in Status}}
    assert legend == FILLS and set(FILLS) == {status.value for status in Status}


def test_summary_styled_like_settings_legend(book):
    # an officer formats the GREEN legend cell like RED: GREEN rows are then shown in that style
    legend = bookedit.find_row(book, "Settings", A="GREEN")
    bookedit.set_style(book, "Settings", f"A{legend}", Style.RED)
    refresh_book(book)
    sheet = openpyxl.load_workbook(book)["Summary"]
    green_rows = [r for r in range(4, 13) if sheet[f"R{r}"].value == "GREEN"]
    assert len(green_rows) == 2
    assert {_fill(sheet[f"R{r}"]) for r in green_rows} == {FILLS["RED"]}


def test_summary_rows_current_quarter_star(seed_book):
    seed_book.settings.current_quarter = 3
    rows = summary_rows(seed_book, evaluate(seed_book))
    assert rows[1][9:17] == ["Q1", "Q2", "Q3*", "Q4", "Q1", "Q2", "Q3*", "Q4"]


def test_summary_rows_later_year(seed_book):
    # a new reporting year: the baselines and targets move along, missing years stay blank
    seed_book.settings.reporting_year = "2012/13"
    rows = summary_rows(seed_book, evaluate(seed_book))
    assert rows[1][2:5] == ["2009/10", "2010/11", "2011/12"]
    assert rows[2][6:9] == ["2012/13", "2013/14", "2014/15"]
    pm3 = next(row for row in rows if row[0] == "CNP PM3")
    assert pm3[2:9] == ["13267", "13485", "", "11742", "13080", "12810", ""]
    assert pm3[9:13] == ["", "", "", ""]
    assert pm3[17] == "AWAITED"
