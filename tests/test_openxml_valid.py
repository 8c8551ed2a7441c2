"""Every kind of file CSP Status writes passes the Open XML SDK's rules (openxml-audit, strict policy).

Each file is validated for Office 2016 and for Microsoft 365: the built workbook, a book imported
and refreshed, a book after a quarter's figures were edited and refreshed, a book Excel saved and
CSP Status refreshed, books in a partnership's own layout (imported from a text file and from an
.xlsx workbook, moved to the next quarter and refreshed, imported again with the roles an officer
corrected on its Layout sheet), the rollup overview, and a 5,000-indicator book.  There must be
no error, and every warning must be one docs/excel-smoke-test.md lists with the reason it is
harmless.  A book with a defect put in on purpose must fail, so the check is known to be live.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import bookedit
import excelsave
import pytest
from openxml import OFFICE_VERSIONS, audit, audit_each_version, errors, warnings
from test_recognise import WORKBOOKS, _workbook

from csp_status.importer import import_legacy, write_new_book
from csp_status.outputs.rollup import rollup
from csp_status.refresh import refresh_book
from csp_status.workbook.layout_sheets import read_corrections

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "csp_workbook.xlsm"
LAYOUTS = REPO / "tests" / "data" / "layouts"
SMOKE_TEST = REPO / "docs" / "excel-smoke-test.md"
sys.path.insert(0, str(REPO / "bench"))
from synth import synthetic_partnership  # noqa: E402

# Warnings that remain, each documented (by its key) in docs/excel-smoke-test.md with why it is harmless.
KNOWN_WARNINGS = {
    "inline-strings": re.compile(r"^warning /xl/worksheets/sheet\d+\.xml: Worksheet sheet\d+\.xml has \d+ "
                                 r"inline-string cell\(s\) \(`<c t=\"inlineStr\">`\) but the package has no "
                                 r"populated `xl/sharedStrings\.xml`\."),
}


def unexplained(findings: list[str]) -> list[str]:
    """Errors, and warnings that are not among the documented ones."""
    return errors(findings) + [w for w in warnings(findings)
                               if not any(p.match(w) for p in KNOWN_WARNINGS.values())]


# ---- the files ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def written(imported: Path, tmp_path_factory) -> dict[str, Path]:
    """One file of each kind the product writes (the 5,000-indicator book has its own test)."""
    folder = tmp_path_factory.mktemp("written")
    files = {"built workbook": BUNDLED}

    refreshed = folder / "refreshed.xlsm"
    shutil.copyfile(imported, refreshed)
    refresh_book(refreshed)
    files["imported and refreshed"] = refreshed

    edited = folder / "edited.xlsm"
    shutil.copyfile(imported, edited)
    for ref, q2 in (("CNP PM2", "7.75%"), ("CNP PM3", "12,950"), ("CNP PM9", "15.1%")):
        row = bookedit.find_row(edited, "Data", A=ref, B="2011/12")
        bookedit.set_cell(edited, "Data", f"F{row}", q2)  # Q2's figure and commentary
        bookedit.set_cell(edited, "Data", f"J{row}", f"{ref}: figures checked with the analyst.")
    bookedit.set_cell(edited, "Settings", "B5", 2)  # the next quarter
    assert refresh_book(edited).changed
    files["quarter edited and refreshed"] = edited

    saved = folder / "excel_saved.xlsm"
    shutil.copyfile(imported, saved)
    excelsave.excel_saved(saved)
    files["saved by Excel"] = shutil.copyfile(saved, folder / "excel_saved_before.xlsm")
    refresh_book(saved)
    files["saved by Excel and refreshed"] = saved

    own = folder / "own_layout.xlsm"  # a partnership's own layout: Layout and Source sheets, its own Summary
    import_legacy(LAYOUTS / "mopac_challenge_mps_crime_figures_2013q4.tsv", own)
    files["own layout imported"] = own

    name = "council_scorecard_maidstone_2019q2"  # merged headers, typed numbers with their formats
    scorecard = _workbook(folder, LAYOUTS / f"{name}.tsv", WORKBOOKS[name])
    own_xlsx = folder / "own_layout_xlsx.xlsm"
    import_legacy(scorecard, own_xlsx)
    files["own layout imported from .xlsx"] = own_xlsx

    next_quarter = shutil.copyfile(own_xlsx, folder / "own_layout_q3.xlsm")
    row = bookedit.find_row(next_quarter, "Data", A="Percentage of successful relief duty outcomes", B="2019/20")
    bookedit.set_cell(next_quarter, "Data", f"G{row}", "58.0%")  # Q3's figure
    bookedit.set_cell(next_quarter, "Settings", "B5", 3)  # the next quarter
    assert refresh_book(next_quarter).changed
    files["own layout moved to the next quarter and refreshed"] = next_quarter

    corrected = shutil.copyfile(own_xlsx, folder / "own_layout_corrected.xlsm")
    bookedit.set_cell(corrected, "Layout", "C7", "other")  # column F, 'Short Trend', is not read
    again = folder / "own_layout_again.xlsm"  # csp import SUMMARY --layout BOOK -o NEW
    import_legacy(scorecard, again, corrections=read_corrections(corrected))
    assert bookedit.cell_text(again, "Layout", "C7") == "other"
    files["own layout imported again with --layout"] = again

    books = folder / "books"
    books.mkdir()
    shutil.copyfile(edited, books / "derby.xlsm")
    shutil.copyfile(saved, books / "derby_excel.xlsm")
    (books / "broken.xlsm").write_bytes(b"not a workbook")  # listed on the Problems sheet
    rollup(books, folder / "overview.xlsx", workers=1)
    files["rollup overview"] = folder / "overview.xlsx"
    return files


KINDS = ["built workbook", "imported and refreshed", "quarter edited and refreshed", "saved by Excel",
         "saved by Excel and refreshed", "own layout imported", "own layout imported from .xlsx",
         "own layout moved to the next quarter and refreshed", "own layout imported again with --layout",
         "rollup overview"]


@pytest.mark.parametrize("office", OFFICE_VERSIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_written_file_is_valid(written, kind, office):
    assert unexplained(audit(written[kind], office)) == []


def test_rollup_overview_lists_the_problem_book(written):
    # the overview validated above is a whole one: both books in it, and the one it could not read
    with zipfile.ZipFile(written["rollup overview"]) as zf:
        names = zf.namelist()
        problems = zf.read("xl/worksheets/sheet3.xml").decode()
    assert "xl/theme/theme1.xml" in names
    assert "broken.xlsm" in problems


@pytest.mark.slow
def test_5000_indicator_book_is_valid(tmp_path):
    # built once and validated for every version: the book has about 2.7 million elements (25,000
    # Data rows, 5,000 charts) and one pass takes two to three minutes of one core, so the versions
    # are validated side by side, one process each
    book = tmp_path / "big.xlsm"
    write_new_book(synthetic_partnership(5000), book)
    with zipfile.ZipFile(book) as zf:
        assert sum(name.startswith("xl/charts/chart") for name in zf.namelist()) == 5000
    found = audit_each_version(book)
    assert {office: unexplained(found[office]) for office in OFFICE_VERSIONS} == {
        office: [] for office in OFFICE_VERSIONS}


# ---- the check is live -----------------------------------------------------------------------------

def misplace_sheet_format(data: bytes) -> bytes:
    """<sheetFormatPr> moved after <sheetData>, where the schema does not allow it."""
    element = re.search(rb"<sheetFormatPr[^>]*/>", data).group(0)
    data = data.replace(element, b"", 1)
    return data.replace(b"</sheetData>", b"</sheetData>" + element, 1)


def unrelated_drawing(data: bytes) -> bytes:
    """A <legacyDrawing> whose relationship id the sheet's relationships do not have."""
    return data.replace(b"</worksheet>", b'<legacyDrawing r:id="rId99"/></worksheet>', 1)


def bad_margin(data: bytes) -> bytes:
    """A page margin that is not a number."""
    return data.replace(b'<pageMargins left="0.5"', b'<pageMargins left="wide"', 1)


DEFECTS = {
    "misplaced element": (misplace_sheet_format, "Unexpected element 'sheetFormatPr'"),
    "relationship id with no relationship": (unrelated_drawing, "rId99"),
    "attribute value of the wrong type": (bad_margin, "'wide'"),
}


def with_defect(book: Path, out: Path, sheet: str, defect) -> Path:
    shutil.copyfile(book, out)
    part = bookedit.sheet_part(out, sheet)
    bookedit._replace_parts(out, {part: defect(bookedit.parts(out)[part])})
    return out


@pytest.mark.parametrize("office", OFFICE_VERSIONS)
@pytest.mark.parametrize("defect", DEFECTS)
def test_validator_fails_a_book_with_a_defect(imported, tmp_path, defect, office):
    make, named = DEFECTS[defect]
    book = with_defect(imported, tmp_path / "defect.xlsm", "Summary", make)
    found = errors(audit(book, office))
    assert found, f"the validator passed a book with a {defect}"
    assert all(f.startswith("error /xl/worksheets/sheet1.xml") for f in found), found
    assert any(named in f for f in found), found


def unnumbered_merge_and_column(data: bytes) -> bytes:
    """The 20th merged range without its range, the 15th column without a number: found deep in lists."""
    merges = re.findall(rb"<mergeCell ref=\"[A-Z0-9:]+\"/>", data)
    columns = re.findall(rb'<col min="15" max="15"', data)
    return data.replace(merges[19], b"<mergeCell/>", 1).replace(columns[0], b'<col max="15"', 1)


def test_validator_finds_the_same_with_linear_sibling_positions(imported, tmp_path):
    # the speed-up in openxml.py changes how positions are counted, not what is found or where
    book = with_defect(imported, tmp_path / "defect.xlsm", "Summary", unnumbered_merge_and_column)
    fast, slow = audit(book, "Office 2016"), audit(book, "Office 2016", fast=False)
    assert [f.split(": ")[0] for f in errors(fast)] == [
        "error /xl/worksheets/sheet1.xml:/worksheet[1]/cols[1]/col[15]",
        "error /xl/worksheets/sheet1.xml:/worksheet[1]/mergeCells[1]/mergeCell[20]",
    ]
    assert fast == slow


def test_linear_sibling_positions_agree_with_the_validators_own_on_every_element(imported):
    import openxml
    from lxml import etree
    with zipfile.ZipFile(imported) as zf:
        root = etree.fromstring(zf.read(bookedit.sheet_part(imported, "Data")))
    positions = openxml._Positions(keep=4)  # few parents remembered, so they are forgotten and made again
    elements = list(root.iter())
    assert len(elements) > 1000
    assert [positions(el) for el in elements] == [openxml._original_position(el) for el in elements]


def test_every_known_warning_is_explained_in_the_smoke_test_doc():
    text = SMOKE_TEST.read_text(encoding="utf-8")
    assert [key for key in KNOWN_WARNINGS if f"`{key}`" not in text] == []
