"""Refreshing a book Excel saved: its calculation chain, notes, table, extensions, printer settings,
code names and shared strings, part by part.

The book is one of ours made to look as Excel leaves it after a save (``excelsave``): what the
refresh regenerates changes, Excel's calculation chain goes with its relationship and content
type, and everything else comes through byte for byte.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import bookedit
import excelsave
import pytest
from libreoffice import convert_to_csv, inspect_book, requires_libreoffice
from lxml import etree
from test_refresh import SEED_STATUSES, statuses

from csp_status.refresh import refresh_book
from csp_status.workbook.colours import style_colours, tinted
from csp_status.workbook.package import Package

CALC_CHAIN_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"


@pytest.fixture(scope="module")
def saved(imported: Path, tmp_path_factory) -> tuple[Path, excelsave.ExcelSave]:
    """Our imported book as Excel saves it (not refreshed since)."""
    book = tmp_path_factory.mktemp("excel_saved") / "saved.xlsm"
    shutil.copyfile(imported, book)
    return book, excelsave.excel_saved(book)


@pytest.fixture(scope="module")
def refreshed(saved, tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes], list]:
    """The saved book refreshed: its path, the parts before and after, the evaluations."""
    book = tmp_path_factory.mktemp("excel_saved_refreshed") / "refreshed.xlsm"
    shutil.copyfile(saved[0], book)
    before = bookedit.parts(book)
    result = refresh_book(book)
    return book, before, bookedit.parts(book), result


def tags(data: bytes) -> list[str]:
    """An XML part as its list of whole tags (attributes and text included), canonical form."""
    text = etree.tostring(etree.fromstring(data), method="c14n").decode()
    return [t for t in re.split(r"(<[^>]+>)", text) if t]


def entries(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """The children of an XML part's root: (tag, attributes), in order."""
    return [(etree.QName(el).localname, dict(el.attrib)) for el in etree.fromstring(data)]


def rels(data: bytes) -> dict[str, tuple[str, str]]:
    root = etree.fromstring(data)
    return {r.get("Id"): (r.get("Type").rsplit("/", 1)[1], r.get("Target")) for r in root}


# ---- the fixture is what an Excel save leaves ----------------------------------------------------

def test_excel_saved_book_has_what_an_excel_save_leaves(saved):
    book, save = saved
    parts = bookedit.parts(book)
    sheets = [name for name in parts if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
    assert [name for name in sheets if b't="inlineStr"' in parts[name]] == []
    assert b"<si><t>Overview \xe2\x80\x93 Indicator Summary</t></si>" in parts["xl/sharedStrings.xml"]
    chain = parts["xl/calcChain.xml"].decode()
    assert '<c r="W4" i="1"/>' in chain and '<c r="F1" i="6"/>' in chain and '<c r="M2" i="3"/>' in chain
    assert sorted(save.added) == sorted([
        "xl/sharedStrings.xml", "xl/calcChain.xml", "xl/printerSettings/printerSettings1.bin",
        "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/comments2.xml", "xl/drawings/vmlDrawing2.vml",
        "xl/comments3.xml", "xl/drawings/vmlDrawing3.vml",
        "xl/tables/table1.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/worksheets/_rels/sheet2.xml.rels",
        "xl/worksheets/_rels/sheet3.xml.rels"])
    summary = parts[save.summary].decode()
    assert f'codeName="{excelsave.SUMMARY_CODE_NAME}"' in summary
    assert re.search(r'<pageSetup [^>]*r:id="rId1"/><legacyDrawing r:id="rId2"/></worksheet>$', summary)
    data = parts[save.data].decode()
    assert re.search(r'<legacyDrawing r:id="rId1"/><extLst><ext [^>]*uri="\{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF\}"', data)
    assert b'<tableParts count="1"><tablePart r:id="rId1"/></tableParts>' in parts[save.indicators]
    assert b'<color theme="1"/>' in parts["xl/styles.xml"]


def test_excel_saved_book_reads_as_ours_did(saved):
    book, _ = saved
    assert statuses(refresh_book(book, write=False)) == SEED_STATUSES


# ---- the refresh ---------------------------------------------------------------------------------

def test_refresh_excel_saved_changes_only_what_it_regenerates(refreshed, saved):
    book, before, after, _ = refreshed
    save = saved[1]
    assert bookedit.changed_parts(before, after) == sorted([
        "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/calcChain.xml",  # the chain dropped
        save.summary, save.trends,  # regenerated
    ])  # the Data sheet's cached values are the same values: the part comes back byte for byte
    assert list(after) == [name for name in before if name != "xl/calcChain.xml"]  # same order, one part fewer
    assert after[save.data] == before[save.data]


def test_refresh_excel_saved_drops_the_calc_chain_with_its_relationship_and_content_type(refreshed):
    _, before, after, _ = refreshed
    assert "xl/calcChain.xml" not in after
    assert [r for r in rels(after["xl/_rels/workbook.xml.rels"]).values() if r[0] == "calcChain"] == []
    assert b"calcChain" not in after["[Content_Types].xml"]
    # nothing else in either changed
    assert {k: v for k, v in rels(before["xl/_rels/workbook.xml.rels"]).items() if v[0] != "calcChain"} == \
        rels(after["xl/_rels/workbook.xml.rels"])
    assert [t for t in entries(before["[Content_Types].xml"]) if "calcChain" not in str(t)] == \
        entries(after["[Content_Types].xml"])


def test_refresh_excel_saved_keeps_the_summary_notes_with_it(refreshed, saved):
    _, before, after, _ = refreshed
    save = saved[1]
    comments, vml = save.notes["Summary"]
    summary_rels = "xl/worksheets/_rels/sheet1.xml.rels"
    assert (after[comments], after[vml], after[summary_rels]) == (before[comments], before[vml], before[summary_rels])
    links = rels(after[summary_rels])
    drawing = re.search(rb'<legacyDrawing r:id="(rId\d+)"/>', after[save.summary])
    assert links[drawing.group(1).decode()] == ("vmlDrawing", "../drawings/vmlDrawing1.vml")
    assert ("comments", "../comments1.xml") in links.values()


def test_refresh_excel_saved_keeps_the_trends_note_beside_its_charts(refreshed, saved):
    _, before, after, _ = refreshed
    save = saved[1]
    comments, vml = save.notes["Trends"]
    trends_rels = "xl/worksheets/_rels/sheet6.xml.rels"
    assert (after[comments], after[vml], after[trends_rels]) == (before[comments], before[vml], before[trends_rels])
    links = rels(after[trends_rels])
    tail = re.search(rb'<drawing r:id="(rId\d+)"/><legacyDrawing r:id="(rId\d+)"/></worksheet>$', after[save.trends])
    assert links[tail.group(1).decode()] == ("drawing", "../drawings/drawing1.xml")
    assert links[tail.group(2).decode()] == ("vmlDrawing", "../drawings/vmlDrawing3.vml")


def test_refresh_excel_saved_keeps_the_summary_code_name(refreshed, saved):
    _, _, after, _ = refreshed
    assert re.search(rb'<sheetPr codeName="([^"]+)"', after[saved[1].summary]).group(1) == b"BoardSummary"


def test_refresh_excel_saved_keeps_the_summary_page_setup_and_printer_settings(refreshed, saved):
    _, before, after, _ = refreshed
    save = saved[1]
    setup = re.search(rb"<pageSetup [^>]*/>", after[save.summary]).group(0)
    assert setup == re.search(rb"<pageSetup [^>]*/>", before[save.summary]).group(0)
    rid = re.search(rb'r:id="(rId\d+)"', setup).group(1).decode()
    assert rels(after["xl/worksheets/_rels/sheet1.xml.rels"])[rid] == \
        ("printerSettings", "../printerSettings/printerSettings1.bin")
    assert after[save.printer_settings] == before[save.printer_settings]


def test_refresh_excel_saved_regenerates_the_summary_and_trends_without_the_hand_typed_formulas(refreshed, saved):
    book, _, after, result = refreshed
    save = saved[1]
    assert statuses(result) == SEED_STATUSES
    assert b"<f>" not in after[save.summary] and b"<f>" not in after[save.trends]
    assert bookedit.cell_text(book, "Summary", "R7") == "GREEN"  # CNP PM4, on the fourth indicator row


def test_refresh_excel_saved_theme_colours_resolve_from_the_books_theme(refreshed):
    book, _, _, _ = refreshed
    with Package(book) as package:
        legend = {label: style for (r, c), style in package.cell_styles("Settings").items()
                  for label in ["Column header"] if bookedit.cell_text(book, "Settings", f"A{r}") == label and c == 1}
        fill, _ = style_colours(package, legend)["Column header"]
    assert fill == "#" + tinted("4472C4", 0.79998168889431442)  # Accent 1 of the theme, lighter 80%


def test_refresh_excel_saved_twice_is_byte_identical(refreshed, tmp_path):
    book = tmp_path / "again.xlsm"
    shutil.copyfile(refreshed[0], book)
    result = refresh_book(book)
    assert result.changed is False
    assert book.read_bytes() == refreshed[0].read_bytes()


def test_refresh_excel_saved_after_an_edit_changes_the_status(saved, tmp_path):
    book = tmp_path / "edited.xlsm"
    shutil.copyfile(saved[0], book)
    row = bookedit.find_row(book, "Data", A="CNP PM2", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", "7.75%")
    assert statuses(refresh_book(book)) == {**SEED_STATUSES, "CNP PM2": "RED"}
    with zipfile.ZipFile(book) as zf:
        assert "xl/calcChain.xml" not in zf.namelist()
        assert "xl/comments2.xml" in zf.namelist()  # the Data sheet's note is untouched


@requires_libreoffice
def test_refresh_excel_saved_libreoffice_shows_the_same_summary_as_for_our_own_book(refreshed, imported, tmp_path):
    ours = tmp_path / "ours.xlsm"
    shutil.copyfile(imported, ours)
    refresh_book(ours)
    saved_summary = convert_to_csv(refreshed[0], "Summary", tmp_path / "saved")
    our_summary = convert_to_csv(ours, "Summary", tmp_path / "ours")
    assert len(saved_summary) == 12
    assert saved_summary == our_summary


@requires_libreoffice
def test_refresh_excel_saved_libreoffice_shows_the_theme_coloured_headers(refreshed):
    # the column headers' fill is Accent 1 lighter 80% of the book's own theme, as Excel wrote it
    fill = inspect_book(refreshed[0], cells=["Summary!A2"])["cells"]["Summary!A2"]["fill"]
    expected = tinted("4472C4", 0.79998168889431442)
    assert fill is not None
    assert all(abs(int(fill[1 + i:3 + i], 16) - int(expected[i:i + 2], 16)) <= 2 for i in (0, 2, 4)), fill
