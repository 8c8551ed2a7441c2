"""Any partnership's own summary imported, judged, and regenerated in its own layout.

The ten published layouts of tests/data/layouts (and the Derby seed with its headers in other words)
import with no mapping by hand; with the polarity an officer sets on the Indicators sheet, every
row gets the status in the layout's notes. The
master book keeps a Layout sheet (how each column is read) and a Source sheet (the summary as
typed); its Summary has the partnership's own title rows, headers and rows, in order, then Status,
Gap to target, Direction of travel and Data notes. A role corrected on the Layout sheet changes
the result when the summary is imported again.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import bookedit
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from csp_status.cli import main
from csp_status.core.errors import BookError
from csp_status.core.judgement import evaluate
from csp_status.core.vocabulary import Polarity, Status
from csp_status.core.vocabulary.layouts import Role
from csp_status.importer import import_legacy, read_summary
from csp_status.outputs.own_summary import own_added_headers
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import cell_text, read_book
from csp_status.workbook.legacy import read_grid
from csp_status.workbook.recognise import recognise_file

LAYOUTS = Path(__file__).parent / "data" / "layouts"
NAMES = sorted(p.stem for p in LAYOUTS.glob("*.tsv"))
OFFICER_POLARITY = {"lower": Polarity.LOWER_IS_BETTER, "higher": Polarity.HIGHER_IS_BETTER}


def expected(name: str) -> dict:
    return json.loads((LAYOUTS / f"{name}.json").read_text(encoding="utf-8"))


def grid(name: str) -> list[list[str]]:
    with (LAYOUTS / f"{name}.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else " ".join(str(cell).split())


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("own")
    out = {}
    for name in NAMES:
        out[name] = folder / f"{name}.xlsm"
        import_legacy(LAYOUTS / f"{name}.tsv", out[name])
    return out


def test_corpus_is_the_ten_layouts():
    assert len(NAMES) == 10


@pytest.mark.parametrize("name", NAMES)
def test_layout_imports_with_the_statuses_an_officer_gives(name):
    book, _ = read_summary(LAYOUTS / f"{name}.tsv")
    rows = expected(name)["rows"]
    assert book.layout is not None and len(book.indicators) == len(rows)
    for indicator, row in zip(book.indicators, rows):  # the officer sets the polarity on the Indicators sheet
        indicator.polarity = OFFICER_POLARITY.get(row["polarity"], indicator.polarity if row["polarity"] else None)
    got = [(ev.ref, ev.status.value) for ev in evaluate(book)]
    want = [(ev_ref, row["status"]) for (ev_ref, _), row in zip(got, rows)]
    assert got == want


def test_layouts_as_imported_mostly_right_before_any_polarity_is_set():
    # no officer edits at all: the polarity guessed from the wording, CHECK only where the status hinges on it
    right = total = 0
    for name in NAMES:
        book, _ = read_summary(LAYOUTS / f"{name}.tsv")
        for ev, row in zip(evaluate(book), expected(name)["rows"]):
            total += 1
            right += ev.status.value == row["status"]
    assert total == 88 and right >= 86


@pytest.mark.parametrize("name", NAMES)
def test_summary_regenerated_in_the_partnerships_own_layout(books, name):
    book = books[name]
    summary = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    original = grid(name)
    layout = recognise_file(LAYOUTS / f"{name}.tsv")
    width = max(len(r) for r in original)
    assert len(summary) >= len(original)
    for number in layout.title_rows + layout.header_rows:  # title rows and headers as the partnership wrote them
        row = original[number - 1] + [""] * (width - len(original[number - 1]))
        assert [text(c) for c in summary[number - 1][:width]] == [text(c) for c in row], number
    main_header = max(r for r in layout.header_rows if r < layout.data_rows[0].row)
    period = read_book(book).partnership.settings.period
    assert [text(c) for c in summary[main_header - 1][width:width + 4]] == own_added_headers(period)
    statuses = {ev.ref: ev.status.value for ev in refresh_book(book, write=False).evaluations}
    for data_row, ev in zip(layout.data_rows, read_book(book).partnership.indicators):
        shown = summary[data_row.row - 1]
        assert text(shown[width]) == statuses[ev.ref]
        assert text(shown[0]) == text(original[data_row.row - 1][0])  # the row is the partnership's row


@pytest.mark.parametrize("name", NAMES)
def test_own_layout_book_keeps_layout_and_source_sheets(books, name):
    workbook = openpyxl.load_workbook(books[name], read_only=True)
    assert workbook.sheetnames == ["Summary", "Trends", "Indicators", "Data", "Settings", "xlwings.conf", "Layout",
                                   "Source"]
    source = [[text(c) for c in row] for row in workbook["Source"].iter_rows(values_only=True)]
    original = [[text(c) for c in row] for row in grid(name)]
    assert [r[:len(o)] + [""] * (len(o) - len(r)) for r, o in zip(source, original)] == original
    layout = [row for row in workbook["Layout"].iter_rows(values_only=True)]
    assert layout[0][:4] == ("Column", "Header", "Role", "Read as")
    roles = [c["role"] for c in expected(name)["columns"]]
    assert [row[2] for row in layout[1:]][:len(roles)] == roles


def test_own_layout_refresh_is_stable_and_follows_the_data_sheet(books, tmp_path):
    book = shutil.copyfile(books["council_scorecard_maidstone_2019q2"], tmp_path / "m.xlsm")
    assert not refresh_book(book).changed  # imported books are refreshed already
    row = bookedit.find_row(book, "Data", A="Percentage of successful relief duty outcomes", B="2019/20")
    bookedit.set_cell(book, "Data", f"F{row}", "61.2%")  # Q2's figure corrected on the Data sheet
    result = refresh_book(book)
    assert result.changed
    summary = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    line = next(r for r in summary if r[0] == "Percentage of successful relief duty outcomes")
    assert (line[1], line[6]) == ("61.2%", "GREEN")  # the figure in the partnership's own column, and its status


def test_own_rag_and_direction_that_disagree_are_noted_never_overwritten(tmp_path):
    legacy = tmp_path / "dashboard.tsv"
    legacy.write_text(
        "Community Safety Dashboard Q2 2015/16\n"
        "No.\tIndicator\tTarget\tQ1\tQ2*\tRAG\tDoT\tLead officer\n"
        "1\tReduce all crime\t1000\t990\t1,040\tG\t\u2191\tJ. Smith\n"
        "2\tIncrease victim satisfaction\t85%\t84%\t86%\tG\t\u2191\tA. Khan\n", encoding="utf-8")
    book = tmp_path / "dashboard.xlsm"
    import_legacy(legacy, book)
    summary = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    assert summary[1][:12] == ["No.", "Indicator", "Target", "Q1", "Q2*", "RAG", "DoT", "Lead officer",
                               "Status (2015/16 Q2)", "Gap to target", "Direction of travel", "Data notes"]
    first, second = summary[2], summary[3]
    assert first[5:8] == ["G", "\u2191", "J. Smith"]  # as officers typed them
    assert first[8] == "AMBER"
    assert "your sheet said G in column F; by the rule it is AMBER: +40 (4.0% above target)" in first[11]
    assert "your sheet's direction in column G said \u2191; by the figures it is WORSENING (\u2193)" in first[11]
    assert second[8] == "GREEN" and "your sheet" not in second[11]


def test_layout_sheet_correction_changes_the_result_on_re_import(books, tmp_path, capsys):
    summary = LAYOUTS / "police_output_measures_nz_2014_15.tsv"
    book = shutil.copyfile(books["police_output_measures_nz_2014_15"], tmp_path / "nz.xlsm")
    before = [ev.status.value for ev in refresh_book(book, write=False).evaluations]
    assert before.count("NO TARGET") == 0
    assert bookedit.cell_text(book, "Layout", "C4") == "target"  # column C, 'Performance Standard 2014/15'
    bookedit.set_cell(book, "Layout", "C4", "comparator")  # the officer: it is a standard to compare with
    result = refresh_book(book)  # the refresh says the change waits for a re-import, and keeps the figures
    assert [ev.status.value for ev in result.evaluations] == before
    assert any("gives column C the role 'comparator', but its figures were imported as 'target'" in n
               for n in result.notices)
    assert main(["import", str(summary), "--layout", str(book), "-o", str(tmp_path / "again.xlsm")]) == 0
    after = read_book(tmp_path / "again.xlsm").partnership
    assert [ev.status.value for ev in evaluate(after)] == ["NO TARGET"] * 4
    assert after.indicators[0].comparator == "100,000 to 120,000"
    layout = {c.column: c for c in after.layout.columns}
    assert (layout[3].role, layout[3].read_as) == ("comparator", "comparator")
    capsys.readouterr()


def test_mapping_file_corrects_a_role(tmp_path, capsys):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("Column,Role\nC,comparator\n", encoding="utf-8")
    summary = LAYOUTS / "police_output_measures_nz_2014_15.tsv"
    assert main(["import", str(summary), "--layout", str(mapping), "--show-layout"]) == 0
    out = capsys.readouterr().out
    assert "Performance Standard 2014/15  comparator" in out and "set by hand" in out
    book, _ = read_summary(summary, {3: Role.COMPARATOR})
    assert all(ev.status.value == "NO TARGET" for ev in evaluate(book))


@pytest.mark.parametrize(("content", "message"), [
    ("Column,Role\nC,comprator\n", "{m}: the mapping cell B2: cannot read 'comprator' as a role; choose one of ref, "),
    ("Letter,Kind\nC,target\n", "{m}: the mapping row 1: no 'Column' or 'Role' header; head the columns "),
    ("Column,Role\n3,target\n", "{m}: the mapping cell A2: '3' is not a column letter; type the column's letter"),
    ("Column,Role\n", "{m}: no column roles: the mapping lists each column's letter under 'Column'"),
])
def test_mapping_file_that_cannot_be_read_refused_naming_the_cell(tmp_path, capsys, content, message):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(content, encoding="utf-8")
    code = main(["import", str(LAYOUTS / "police_output_measures_nz_2014_15.tsv"), "--layout", str(mapping),
                 "-o", str(tmp_path / "x.xlsm")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Error: " + message.format(m=mapping)), err
    assert not (tmp_path / "x.xlsm").exists()


def test_layout_sheet_role_that_is_not_a_role_refused_naming_the_cell(books, tmp_path):
    book = shutil.copyfile(books["police_output_measures_nz_2014_15"], tmp_path / "nz.xlsm")
    bookedit.set_cell(book, "Layout", "C4", "targett")
    before = book.read_bytes()
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value).startswith(f"{book}: sheet 'Layout' cell C4: cannot read 'targett' as a role")
    assert book.read_bytes() == before


def test_refs_made_from_descriptions_avoid_match_wildcards(books):
    refs = [i.ref for i in read_book(books["police_benchmarks_castle_rock_2019"]).partnership.indicators]
    assert "Crashes (Non-Injury)" in refs and not any(ch in r for r in refs for ch in "*?~")


def test_same_period_last_year_layouts_compare_with_it():
    book, _ = read_summary(LAYOUTS / "mopac_challenge_mps_crime_figures_2013q4.tsv")
    assert book.settings.period == "2012/13 Q4"
    assert {i.trend_basis.value for i in book.indicators} == {"same quarter last year"}
    robbery = next(ev for ev in evaluate(book) if ev.ref == "Robbery")
    assert (robbery.value, robbery.previous, robbery.trend.value) == (7824, 9336, "IMPROVING")


@pytest.mark.parametrize("name", ["mopac_challenge_mps_crime_figures_2013q4", "council_scorecard_maidstone_2019q2",
                                  "frs_targets_measures_warwickshire_2019"])
def test_workbook_with_merged_headers_and_typed_numbers_imports_like_the_text(tmp_path, name):
    from test_recognise import WORKBOOKS, _workbook

    path = _workbook(tmp_path, LAYOUTS / f"{name}.tsv", WORKBOOKS[name])
    from_xlsx, _ = read_summary(path)
    from_tsv, _ = read_summary(LAYOUTS / f"{name}.tsv")
    judged = [(ev.ref, ev.status, ev.gap_text, ev.trend) for ev in evaluate(from_xlsx)]
    assert judged == [(ev.ref, ev.status, ev.gap_text, ev.trend) for ev in evaluate(from_tsv)]
    book = tmp_path / "x.xlsm"
    import_legacy(path, book)
    written = [(ev.ref, ev.status, ev.gap_text, ev.trend) for ev in evaluate(read_book(book).partnership)]
    assert written == judged  # the typed numbers and their formats come through the Data sheet
    source = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Source").to_python()
    shown = [[cell_text(c) for c in row] for row in read_grid(path)]  # as the workbook shows them: "85.0%", "1,161"
    assert [[text(c) for c in row][:len(o)] for row, o in zip(source, shown)] == shown


@pytest.mark.parametrize(("figure", "polarity", "status", "gap"), [
    ("106,248", None, "GREEN", "on target"),  # inside the range: on target whichever way is better
    ("139,987", "Higher is better", "GREEN", "+19,987 (16.7% above target)"),
    ("139,987", "Lower is better", "RED", "+19,987 (16.7% above target)"),
    ("139,987", None, "CHECK", "+19,987 (16.7% above target)"),  # above the range: it hinges on the polarity
    ("98,000", "Higher is better", "AMBER", "−2,000 (2.0% below target)"),
])
def test_range_target_met_anywhere_within_it(figure, polarity, status, gap):
    # "Performance Standard 2014/15: 100,000 to 120,000" (New Zealand Police): a band, not its first figure
    from csp_status.core.judgement import IndicatorCells, judge

    ev = judge(IndicatorCells(value=figure, target="100,000 to 120,000", polarity=polarity))
    assert (ev.status.value, ev.gap_text) == (status, gap)


def test_status_boxes_coloured_only_are_kept_and_compared(tmp_path):
    """A year-to-date report whose Q1–Q4 status boxes carry the RAG only as their fill colour."""
    from openpyxl.styles import PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Community Safety Partnership – year to date, Q2 2013/14"])
    sheet.append(["Indicator", "Target 2013/14", "YTD", "Q1", "Q2", "Q3", "Q4"])
    rows = [("Reduce total crime", 11000, 11400, "00B050", "00B050"),  # 3.6% over: AMBER by the rule
            ("Reduce burglary dwelling", 800, 950, "FF0000", "FF0000")]
    for name, target, ytd, q1, q2 in rows:
        sheet.append([name, target, ytd])
        for column, colour in ((4, q1), (5, q2)):
            sheet.cell(sheet.max_row, column).fill = PatternFill("solid", fgColor=colour)
    workbook.save(tmp_path / "ytd.xlsx")
    book = tmp_path / "ytd.xlsm"
    import_legacy(tmp_path / "ytd.xlsx", book)
    partnership = read_book(book).partnership
    assert partnership.settings.period == "2013/14 Q2"
    assert partnership.layout.fills == {(3, 4): Status.GREEN, (3, 5): Status.GREEN, (4, 4): Status.RED,
                                        (4, 5): Status.RED}  # kept on the Source sheet as colours
    summary = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    assert [summary[2][7], summary[3][7]] == ["AMBER", "RED"]
    assert "your sheet said green (the box's colour) in column E; by the rule it is AMBER: +400" in summary[2][10]
    assert "column D" not in summary[2][10]  # Q1's box is Q1's status, not the current quarter's
    assert "your sheet" not in summary[3][10]
    red = bookedit.cell_style(book, "Summary", "H4")  # the RED status cell's style
    assert bookedit.cell_style(book, "Summary", "E4") == red  # the officers' red box, still red
    assert bookedit.cell_style(book, "Summary", "E3") not in (red, bookedit.cell_style(book, "Summary", "H3"))


_CELLS = st.one_of(
    st.sampled_from(["", "Ref", "Description", "Indicator", "Target", "Q1*", "Q2", "2012/13", "Baseline", "% change",
                     "Trend", "RAG", "G", "A", "↑", "n/a", "Awaited", "13,102", "7.5%", "+1,161", "at least 500",
                     "100 to 120", "Priority 1: Violence", "Oct–Dec 2012", "Same period last year", "YTD",
                     "12 months to Dec 14", "Reduce burglary*", "=1+1", "Lead officer"]),
    st.text(max_size=10), st.floats(allow_nan=False, allow_infinity=False, width=32), st.none())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_CELLS, min_size=1, max_size=7), min_size=1, max_size=8))
def test_any_summary_imports_to_a_book_that_refreshes_or_is_refused_in_one_line(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("any")
    legacy = folder / "summary.tsv"
    with legacy.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t").writerows([["" if c is None else c for c in row] for row in rows])
    book = folder / "book.xlsm"
    try:
        import_legacy(legacy, book)
    except BookError as err:
        assert "\n" not in str(err) and str(err).startswith(str(legacy)), str(err)
        assert sorted(p.name for p in folder.iterdir()) == ["summary.tsv"]
        return
    master = read_book(book)
    assert not refresh_book(book).changed  # the imported book is refreshed, and a refresh finds nothing to do
    summary = [list(r) for r in openpyxl.load_workbook(book, read_only=True)["Summary"].iter_rows(values_only=True)]
    if master.partnership.layout is not None:  # every row of the summary is there, in order
        assert len(summary) == len(master.partnership.layout.rows)
        statuses = {ev.status.value for ev in evaluate(master.partnership)}
        shown = {text(r[len(master.partnership.layout.rows[0])]) for r in summary}
        assert statuses <= shown


def test_typed_refs_lose_wildcards_with_a_note(tmp_path):
    legacy = tmp_path / "s.tsv"
    legacy.write_text("PI\tIndicator\tTarget\tQ3*\nNI 47*\tKilled or seriously injured casualties\t320\t301\n"
                      "NI 16\tSerious acquisitive crime\t4,000\t4,210\n", encoding="utf-8")
    book, notices = read_summary(legacy)
    assert [i.ref for i in book.indicators] == ["NI 47", "NI 16"]
    assert f"{legacy} row 2: ref 'NI 47*' read as 'NI 47' (Excel's MATCH reads * ? ~ as wildcards)" in notices
    assert [ev.status.value for ev in evaluate(book)] == ["GREEN", "RED"]


def test_workbook_merged_headers_and_widths_carried_to_the_summary(tmp_path):
    from test_recognise import WORKBOOKS, _workbook

    name = "mopac_challenge_mps_crime_figures_2013q4"
    path = _workbook(tmp_path, LAYOUTS / f"{name}.tsv", WORKBOOKS[name])
    workbook = openpyxl.load_workbook(path)
    workbook.active.column_dimensions["A"].width = 31.5
    workbook.save(path)
    book = tmp_path / "x.xlsm"
    import_legacy(path, book)
    summary = openpyxl.load_workbook(book)["Summary"]
    assert sorted(str(r) for r in summary.merged_cells.ranges) == ["B3:F3", "G3:K3"]
    assert summary.column_dimensions["A"].width == 31.5
    source = openpyxl.load_workbook(book)["Source"]
    assert sorted(str(r) for r in source.merged_cells.ranges) == ["B3:F3", "G3:K3"]
    assert not refresh_book(book).changed  # read back from the Source sheet: the same Summary


def test_cumulative_report_compares_with_the_same_period_last_year(tmp_path):
    legacy = tmp_path / "ytd.tsv"
    legacy.write_text("Indicator\tTarget 2013/14\tYTD 2012/13\tYTD 2013/14\nReduce total crime\t11000\t5,900\t5,400\n",
                      encoding="utf-8")
    book, _ = read_summary(legacy)
    assert book.indicators[0].trend_basis.value == "same quarter last year"
    assert evaluate(book)[0].trend.value == "IMPROVING"


def test_a_cell_far_to_the_right_is_refused_fast_naming_it(tmp_path):
    # a stray entry in column XFD would make every row 16,384 columns wide
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Indicator", "Target", "Q1*"])
    for i in range(300):
        sheet.append([f"Reduce crime {i}", 100, 90])
    sheet.cell(301, 16_384, "x")
    workbook.save(tmp_path / "wide.xlsx")
    with pytest.raises(BookError) as info:
        read_summary(tmp_path / "wide.xlsx")
    assert str(info.value) == (f"{tmp_path / 'wide.xlsx'} row 301 column XFD: 'x' lies 16,384 columns from the left, "
                               "beyond any summary's 500 columns; delete it (or move it into the table), then import "
                               "again")
    sheet.cell(301, 16_384).value = None  # blank cells at the end of a row are no columns
    sheet.cell(301, 40, " ")
    workbook.save(tmp_path / "wide.xlsx")
    book, _ = read_summary(tmp_path / "wide.xlsx")
    assert len(book.indicators) == 300 and max(len(r) for r in book.layout.rows) == 3


def test_source_sheet_with_a_cell_far_away_refused_naming_it(books, tmp_path):
    book = shutil.copyfile(books["police_output_measures_nz_2014_15"], tmp_path / "nz.xlsm")
    bookedit.set_cell(book, "Source", "A1048576", "stray")
    before = book.read_bytes()
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == (f"{book}: sheet 'Source' cell A1048576: beyond any summary's 20,000 rows and 500 "
                               "columns; delete what is there, or restore the sheet")
    assert book.read_bytes() == before


def test_many_merged_ranges_import_in_bounded_time_and_valid(tmp_path):
    from openxml import audit, errors

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Indicator", "Target", "Q1*"])
    for i in range(3):
        sheet.append([f"Reduce crime {i}", 100, 90])
    for i in range(2_500):  # empty merged pairs below the table, as a damaged template leaves them (more than we read)
        sheet.merge_cells(start_row=10 + i, start_column=5, end_row=10 + i, end_column=6)
    sheet.merge_cells("A30000:C30001")
    workbook.save(tmp_path / "merges.xlsx")
    book = tmp_path / "merges.xlsm"
    import_legacy(tmp_path / "merges.xlsx", book)
    assert [ev.status.value for ev in evaluate(read_book(book).partnership)] == ["GREEN"] * 3
    assert errors(audit(book, "Office 2016")) == []  # no merged range beyond the rows the Summary has


def test_monthly_table_judges_the_year_to_date_against_the_years_target(tmp_path):
    legacy = tmp_path / "monthly.tsv"
    legacy.write_text("Monthly crime figures 2013/14\n"
                      "Measure\tApr-13\tMay-13\tJun-13\tJul-13\tAug-13\tSep-13\tYTD\tTarget\n"
                      "Burglary dwelling\t45\t52\t38\t41\t47\t50\t273\t600\n"
                      "Vehicle crime\t80\t75\t92\t88\t71\t69\t475\t460\n", encoding="utf-8")
    book, notices = read_summary(legacy)
    assert book.settings.period == "2013/14 Q2"  # the year to date reaches September, the months say
    judged = [(ev.value, ev.status.value) for ev in evaluate(book)]
    assert judged == [(273, "GREEN"), (475, "AMBER")]  # not September's 50 and 69 against a year's target
    assert any("column H (YTD) does not say which quarter it reaches: taken as Q2" in n for n in notices)
    assert [r.quarters for r in book.records.values()] == [[None, "273", None, None], [None, "475", None, None]]
    # a month's figure is not a quarter's: the months stay as typed, on the Source sheet and in the Summary


def test_scorecard_comments_column_is_commentary_though_it_says_on_track(tmp_path):
    legacy = tmp_path / "score.tsv"
    legacy.write_text("PI\tDescription\tPolarity\t2012/13 Outturn\t2013/14 Target\tQ1\tQ2\tQ3\tQ4\tRAG\tComments\tLead\n"
                      "SA01\tAll recorded crime\tLow\t12,400\t12,000\t3,050\t6,020\t9,150\t\tG\tOn track\tPolice\n"
                      "SA02\tVictim satisfaction\tHigh\t84%\t85%\t83%\t84.5%\t82%\t\tA\tSurvey lag\tPolice\n",
                      encoding="utf-8")
    book, _ = read_summary(legacy)
    roles = {c.header: c.role for c in book.layout.columns}
    assert (roles["RAG"], roles["Comments"], roles["Lead"]) == ("own_rag", "commentary", "owner")
    assert book.records[("SA01", "2013/14")].commentary == ["", "", "On track", ""]
    assert [i.polarity for i in book.indicators] == [Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER]
    assert book.records[("SA02", "2012/13")].outturn == "84%"


def test_previous_quarter_column_is_the_quarter_before_and_the_trend_compares_with_it(tmp_path):
    legacy = tmp_path / "pq.tsv"
    legacy.write_text("Quarterly report, Q3 2014/15\nIndicator\tPrevious quarter\tCurrent quarter\tTarget\tTrend\n"
                      "Total crime\t1,300\t1,250\t1,275\tDeclining\nArson\t22\t30\t25\tImproving\n", encoding="utf-8")
    book, _ = read_summary(legacy)
    assert book.settings.period == "2014/15 Q3"
    assert book.records[("Total crime", "2014/15")].quarters == [None, "1,300", "1,250", None]
    judged = [(ev.status.value, ev.trend.value, ev.previous) for ev in evaluate(book)]
    assert judged == [("GREEN", "IMPROVING", 1300), ("RED", "WORSENING", 22)]
    book_path = tmp_path / "pq.xlsm"
    import_legacy(legacy, book_path)
    notes = [r[-1] for r in openpyxl.load_workbook(book_path)["Summary"].iter_rows(values_only=True)][2:]
    assert "your sheet's direction in column E said Declining; by the figures it is IMPROVING" in notes[0]
    assert "your sheet's direction in column E said Improving; by the figures it is WORSENING" in notes[1]


def test_a_repeated_header_block_gets_the_added_headers_too(books):
    summary = openpyxl.load_workbook(books["council_scorecard_maidstone_2019q2"])["Summary"]
    rows = [[text(c) for c in r] for r in summary.iter_rows(values_only=True)]
    headed = [n for n, r in enumerate(rows, start=1) if r[6:8] == ["Status (2019/20 Q2)", "Gap to target"]]
    assert headed == [3, 9]  # the scorecard's two blocks, each under its own header


def _cover_and_summary(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append(["Safer Anytown Partnership"])
    cover.append(["Quarterly performance report"])
    summary = workbook.create_sheet("Summary")
    for row in (["Indicator", "Target", "Q3*"], ["Reduce total crime", 1000, 980], ["Reduce arson", 25, 30]):
        summary.append(row)
    workbook.save(path)
    return path


def test_summary_found_on_a_later_sheet_of_the_workbook(tmp_path):
    path = _cover_and_summary(tmp_path / "report.xlsx")
    book, notices = read_summary(path)
    assert notices[0] == (f"{path}: sheet 'Cover' is not a summary (no header row found: no row has two or more "
                          "headed columns); sheet 'Summary' read")
    assert book.settings.current_quarter == 3  # "Q3*" names its quarter, though no year is named anywhere
    assert [ev.status.value for ev in evaluate(book)] == ["GREEN", "RED"]
    with pytest.raises(BookError) as info:
        read_summary(path, sheet="Cover")
    assert str(info.value).startswith(f"{path}: no header row found")
    with pytest.raises(BookError) as info:
        read_summary(path, sheet="Summery")
    assert str(info.value) == f"{path}: no sheet named 'Summery'; its sheets are 'Cover', 'Summary': choose one with --sheet"


def test_workbook_with_no_summary_on_any_sheet_refused_naming_them(tmp_path, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Cover"
    workbook.active.append(["Safer Anytown Partnership"])
    workbook.create_sheet("Contacts").append(["Name", "Telephone"])
    workbook.save(tmp_path / "letters.xlsx")
    assert main(["import", str(tmp_path / "letters.xlsx"), "-o", str(tmp_path / "x.xlsm")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {tmp_path / 'letters.xlsx'}: no header row found") and err.count("\n") == 1
    assert "; the workbook's other sheets ('Contacts') are not summaries either; choose the sheet with --sheet" in err


def test_next_quarter_status_header_says_the_own_columns_are_as_imported(books, tmp_path):
    book = shutil.copyfile(books["council_scorecard_maidstone_2019q2"], tmp_path / "m.xlsm")
    bookedit.set_cell(book, "Settings", "B5", 3)  # the officer moves on to Q3
    refresh_book(book)
    summary = [[text(c) for c in r] for r in openpyxl.load_workbook(book)["Summary"].iter_rows(values_only=True)]
    assert summary[2][6] == "Status (2019/20 Q3; own columns as of 2019/20 Q2)"
    assert summary[3][6] == "AWAITED"  # no Q3 figure on the Data sheet yet


def test_polarity_guessed_from_wording_names_its_words_in_the_indicators_notes(tmp_path):
    legacy = tmp_path / "score.tsv"
    legacy.write_text("PI\tDescription\tPolarity\t2012/13 Outturn\t2013/14 Target\tQ1\tQ2\tQ3\tQ4\n"
                      "SA01\tAll recorded crime\tLow\t12,400\t12,000\t3,050\t6,020\t\t\n"
                      "SA02\tPercentage of calls not answered within 30 seconds\t\t8%\t7%\t6%\t9%\t\t\n"
                      "SA03\tNumber of Prevent referrals\t\t40\t\t12\t9\t\t\n",
                      encoding="utf-8")
    book, _ = read_summary(legacy)
    got = [(i.ref, i.polarity, i.notes) for i in book.indicators]
    assert got == [
        ("SA01", Polarity.LOWER_IS_BETTER, ""),  # typed in the sheet's own Polarity column: nothing inferred
        ("SA02", Polarity.LOWER_IS_BETTER, "polarity: lower is better, from 'not \u2026 within 30 seconds' in the description"),
        ("SA03", None, "polarity not set: 'referrals' may be good or bad to see more of; choose 'Lower is better' or "
                       "'Higher is better' in Indicators"),
    ]
