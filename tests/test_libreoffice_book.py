"""LibreOffice headless, an independent spreadsheet program, opens our refreshed workbooks.

It shows the Summary as we read it, keeps the Data formulas' shown statuses (it has no CSP_*
functions of its own), loads the VBA project, and a book it re-saves (shared strings, its own
styles and formula attributes, as another program's save would) still refreshes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import bookedit
import pytest
from libreoffice import (
    LibreOfficeError,
    _run,
    convert_to_csv,
    inspect_book,
    needs_libreoffice,
    soffice_path,
)
from python_calamine import CalamineWorkbook

from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook.data_columns import ADD_IN_MISSING_FORMULA
from csp_status.workbook.layout import DATA_FORMULA_HEADERS

pytestmark = needs_libreoffice

PM = [f"CNP PM{n}" for n in range(1, 10)]
YEARS = ["2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14"]
STATUSES = ["AWAITED", "RED", "GREEN", "GREEN", "AWAITED", "AWAITED", "NO TARGET", "NO TARGET", "AMBER"]


@pytest.fixture(scope="module")
def refreshed(seed_path, tmp_path_factory) -> Path:
    """The seed imported, PM2's Q1 typed as 7.75% (RED), refreshed."""
    out = tmp_path_factory.mktemp("refreshed") / "x.xlsm"
    import_legacy(seed_path, out)
    bookedit.set_cell(out, "Data", f"E{bookedit.find_row(out, 'Data', A='CNP PM2', B='2011/12')}", "7.75%")
    refresh_book(out)
    return out


def our_summary(book: Path) -> list[list[str]]:
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    return [[str(c) for c in row] for row in rows]


def resave(book: Path, outdir: Path) -> Path:
    """The book opened and saved again by LibreOffice, macros kept ("Calc MS Excel 2007 VBA XML")."""
    profile = outdir / "profile"
    cmd = [soffice_path(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(outdir), str(book)]
    proc = _run(cmd, 90, f"soffice re-save of {book.name}", profile / "tmp")
    saved = outdir / book.name
    if proc.returncode != 0 or not saved.is_file():
        raise LibreOfficeError(f"soffice did not re-save {book.name}: {proc.stdout!r} {proc.stderr!r}")
    shutil.rmtree(profile, ignore_errors=True)
    return saved


def test_convert_to_csv_summary_as_we_read_it(refreshed, tmp_path):
    got = convert_to_csv(refreshed, "Summary", tmp_path)
    exp = our_summary(refreshed)
    assert len(got) == 12 and min(len(row) for row in got) >= 21  # columns A–U at least
    assert got == exp
    assert {row[0]: row[17] for row in got[3:]} == dict(zip(PM, STATUSES))


def test_convert_to_csv_data_shows_cached_statuses(refreshed, tmp_path):
    rows = convert_to_csv(refreshed, "Data", tmp_path)
    status = rows[0].index("Status")
    got = {(row[0], row[1]): row[status] for row in rows[1:]}
    assert got == {(ref, year): (s if year == "2011/12" else "") for ref, s in zip(PM, STATUSES) for year in YEARS}


def _same_shown(lo: str, cached: object) -> bool:
    """One cell as LibreOffice shows it (CSV text) and as the book caches it."""
    if isinstance(cached, float):
        return lo != "" and abs(float(lo) - cached) <= 1e-9 * (1 + abs(cached))
    return lo == str(cached)


@pytest.mark.parametrize("which", ["bundled", "refreshed"])
def test_data_sheet_in_libreoffice_shows_what_excel_shows(which, refreshed, tmp_path):
    """LibreOffice cannot run the CSP functions: it keeps the values the refresh cached, and the cells
    whose cached value is "" (which it recalculates on load) show that blank too, never #VALUE!."""
    book = Path(__file__).resolve().parents[1] / "csp_workbook.xlsm" if which == "bundled" else refreshed
    shown = convert_to_csv(book, "Data", tmp_path)
    cached = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Data").to_python()
    assert [cell for row in shown for cell in row if cell.startswith(("#", "Err:"))] == []
    first = shown[0].index("Value now")
    assert shown[0][first:] == list(DATA_FORMULA_HEADERS)
    differ = [(r + 1, shown[0][c], shown[r][c], cached[r][c])
              for r in range(1, len(cached)) for c in range(first, len(cached[r]))
              if not _same_shown(shown[r][c], cached[r][c])]
    assert differ == []
    assert sum(1 for row in cached[1:] for cell in row[first:] if cell == "") > 13  # blanks recalculated


def test_add_in_missing_is_blank_outside_excel(refreshed, tmp_path):
    """The name the CSP cells fall back on: "" in LibreOffice; Excel (POWER(0,0) is #NUM! there)
    shows the message instead."""
    book = tmp_path / "x.xlsm"
    shutil.copyfile(refreshed, book)
    bookedit.set_formula(book, "Settings", "D1", "AddInMissing", "x")
    bookedit.set_formula(book, "Settings", "D2", "ISERROR(POWER(0,0))", "x")
    cells = inspect_book(book, cells=["Settings!D1", "Settings!D2"], recalc=True)["cells"]
    assert (cells["Settings!D1"]["string"], cells["Settings!D2"]["string"]) == ("", "FALSE")
    assert "install the xlwings add-in" in ADD_IN_MISSING_FORMULA and "ISERROR(POWER(0,0))" in ADD_IN_MISSING_FORMULA


def test_inspect_book_loads_vba_and_cells(refreshed):
    row = bookedit.find_row(refreshed, "Data", A="CNP PM2", B="2011/12")
    result = inspect_book(refreshed, cells=["Summary!R4:R12", f"Data!N{row}", "CurrentQuarter"])
    assert result["sheets"] == ["Summary", "Trends", "Indicators", "Data", "Settings", "xlwings.conf"]
    modules = {name for library in result["basic"]["libraries"].values() for name in library}
    assert {"CSPRibbon", "CSPInfo", "CSPHelp", "xlwings_udfs", "ThisWorkbook"} <= modules
    cells = result["cells"]
    assert [r[0] for r in cells["Summary!R4:R12"]["strings"]] == STATUSES
    status = cells[f"Data!N{row}"]
    assert (status["string"], status["type"]) == ("RED", "formula")
    assert status["formula"].startswith(f"=IF($AD{row};IFERROR(CSP_STATUS(")
    assert cells["CurrentQuarter"]["value"] == 1.0


def test_refresh_book_resaved_by_libreoffice(refreshed, tmp_path):
    saved = resave(refreshed, tmp_path / "resaved")
    before = bookedit.parts(saved)
    assert "xl/sharedStrings.xml" in before  # another writer's conventions, not ours
    bookedit.set_cell(saved, "Data", f"E{bookedit.find_row(saved, 'Data', A='CNP PM9', B='2011/12')}", "15%")
    edited = bookedit.parts(saved)
    result = refresh_book(saved)
    assert result.notices == []  # LibreOffice's formulas are still recognised as ours
    assert {e.ref: e.status.value for e in result.evaluations} == {**dict(zip(PM, STATUSES)), "CNP PM9": "GREEN"}
    after = bookedit.parts(saved)
    changed = bookedit.changed_parts(edited, after)
    trends = bookedit.sheet_part(saved, "Trends")
    trends_family = {trends, trends.replace("worksheets/", "worksheets/_rels/") + ".rels", "[Content_Types].xml"}
    regenerated = [p for p in changed if p in trends_family or p.startswith(("xl/drawings/", "xl/charts/"))]
    # LibreOffice rewrote the charts its own way; the refresh draws them again, and puts back the theme
    # LibreOffice writes none of (with its relationship); nothing else changes
    assert "xl/theme/theme1.xml" not in edited
    assert sorted(set(changed) - set(regenerated)) == sorted(
        [bookedit.sheet_part(saved, "Summary"), bookedit.sheet_part(saved, "Data"), "xl/_rels/workbook.xml.rels",
         "xl/theme/theme1.xml"])
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert convert_to_csv(saved, "Summary", tmp_path / "csv") == our_summary(saved)
    from openxml import OFFICE_VERSIONS, audit, errors

    assert {office: errors(audit(saved, office)) for office in OFFICE_VERSIONS} == {o: [] for o in OFFICE_VERSIONS}


def test_own_layout_book_summary_in_libreoffice_as_we_read_it(tmp_path):
    # a partnership's own layout (MOPAC's quarter and rolling-year crime table): LibreOffice shows its
    # Summary, headers and all, as we wrote it, and the book still refreshes to itself after its save
    source = Path(__file__).parent / "data" / "layouts" / "mopac_challenge_mps_crime_figures_2013q4.tsv"
    book = tmp_path / "own.xlsm"
    import_legacy(source, book)
    got = convert_to_csv(book, "Summary", tmp_path)
    exp = our_summary(book)
    assert got == exp
    assert got[3][11:15] == ["Status (2012/13 Q4)", "Gap to target", "Direction of travel", "Data notes"]
    saved = resave(book, tmp_path / "resaved")
    assert [e.status.value for e in refresh_book(saved).evaluations] == ["NO TARGET"] * 7
