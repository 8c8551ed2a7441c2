"""Layout recognition on real published layouts (tests/data/layouts), the Derby seed, the same
layouts as .xlsx workbooks with merged group headers and typed numbers, refusals, and properties:
moving value columns, adding title, blank or section rows changes no column's role."""

from __future__ import annotations

import datetime
import json
import string
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_status.core.errors import BookError
from csp_status.core.parse import read_cell
from csp_status.core.vocabulary import Unit
from csp_status.core.vocabulary.layouts import MEASURE_ROLES, RefSource, Role
from csp_status.workbook.cell_kinds import cell_text
from csp_status.workbook.legacy import read_grid
from csp_status.workbook.recognise import recognise, recognise_file

LAYOUTS = Path(__file__).parent / "data" / "layouts"
NAMES = sorted(p.stem for p in LAYOUTS.glob("*.tsv"))

# The current value column(s) and period each layout's JSON describes in words ("current_period").
CURRENT = {
    "council_scorecard_maidstone_2019q2": (["B"], "2019/20 Q2"),
    "csp_msg_daventry_south_northants_2016_01": (["E"], "Jan 2016"),
    "frs_targets_measures_warwickshire_2019": (["I"], "YTD 2019/20"),
    "laa_delivery_plan_cumbria_ni47_2008": ([], None),
    "mopac_challenge_mps_crime_figures_2013q4": (["C", "H"], "Jan 2013–Mar 2013"),
    "pcc_csf_overview_west_yorkshire_2013q3": (["D"], "Q3 (to Dec 2013)"),
    "pcc_recorded_crime_districts_west_yorkshire_2014_12": (["D"], "to Dec 2014"),
    "police_benchmarks_castle_rock_2019": (["B"], "2019"),
    "police_output_measures_nz_2014_15": (["D"], "2014/15"),
    "police_psa_rates_victoria_3087_2013_14": (["C"], "Jul 2013–Jun 2014"),
}


def expected(name: str) -> dict:
    return json.loads((LAYOUTS / f"{name}.json").read_text(encoding="utf-8"))


def roles_by_column(layout) -> dict[int, str]:
    return {c.index: c.role.value for c in layout.columns}


def test_corpus_is_the_ten_layouts():
    assert NAMES == sorted(CURRENT)


@pytest.mark.parametrize("name", NAMES)
def test_recognise_corpus_roles(name):
    layout = recognise_file(LAYOUTS / f"{name}.tsv")
    exp = expected(name)
    assert roles_by_column(layout) == {c["index"]: c["role"] for c in exp["columns"]}
    assert layout.header_rows == exp["header_rows"]


@pytest.mark.parametrize("name", NAMES)
def test_recognise_corpus_current_period(name):
    layout = recognise_file(LAYOUTS / f"{name}.tsv")
    letters, period = CURRENT[name]
    assert [c.letter for c in layout.columns if c.current] == letters
    assert layout.current_period == period
    assert (layout.current_column is None) == (not letters)


@pytest.mark.parametrize("name", NAMES)
def test_recognise_corpus_rows_and_refs(name):
    """One data row per indicator the JSON lists; its ref is the JSON's (section-qualified where they repeat)."""
    layout = recognise_file(LAYOUTS / f"{name}.tsv")
    refs = [r["ref"] for r in expected(name)["rows"]]
    got = [row.ref for row in layout.data_rows]
    assert len(got) == len(refs)
    assert all(g == r or g.endswith(f": {r}") for g, r in zip(got, refs)), got
    assert all(c.reason and 0 < c.confidence <= 1 for c in layout.columns)


@pytest.mark.parametrize("name, source, note", [
    ("police_output_measures_nz_2014_15", RefSource.DESCRIPTION_START, "opens its description ('2.1.1')"),
    ("laa_delivery_plan_cumbria_ni47_2008", RefSource.DESCRIPTION_START, "opens its description ('NI 47')"),
    ("mopac_challenge_mps_crime_figures_2013q4", RefSource.DESCRIPTION, "each row's description is its ref"),
    ("pcc_csf_overview_west_yorkshire_2013q3", RefSource.DESCRIPTION, "its section and description"),
])
def test_recognise_says_where_refs_come_from(name, source, note):
    layout = recognise_file(LAYOUTS / f"{name}.tsv")
    assert layout.ref_source is source
    assert any(note in n for n in layout.notes), layout.notes


def test_recognise_sections_and_repeated_headers():
    layout = recognise_file(LAYOUTS / "police_psa_rates_victoria_3087_2013_14.tsv")
    assert (layout.title_rows, layout.section_rows) == ([1, 2, 3, 4], [11, 12])
    assert [row.section for row in layout.data_rows][-1] == "Rates per 100,000 population *"
    csf = recognise_file(LAYOUTS / "pcc_csf_overview_west_yorkshire_2013q3.tsv")
    assert {row.section for row in csf.data_rows} == {"BRADFORD CSP", "CALDERDALE CSP"}


# ---- the Derby seed -----------------------------------------------------------------------------

def test_recognise_derby_seed(seed_path):
    layout = recognise_file(seed_path)
    assert layout.roles == [Role.REF, Role.DESCRIPTION, *[Role.BASELINE] * 3, Role.COMPARATOR,
                            *[Role.TARGET] * 3, *[Role.VALUE] * 4, *[Role.COMMENTARY] * 4]
    assert [c.period.label for c in layout.columns[2:5]] == ["2008/09", "2009/10", "2010/11"]
    assert [c.period.label for c in layout.columns[6:9]] == ["2011/12", "2012/13", "2013/14"]
    assert [c.period.label for c in layout.columns[9:17]] == ["Q1", "Q2", "Q3", "Q4"] * 2
    assert (layout.current_column, layout.current_period) == (10, "Q1")
    assert [c.letter for c in layout.columns if c.current] == ["J"]
    assert layout.header_rows == [3, 4, 5]
    assert layout.ref_source is RefSource.COLUMN
    assert [row.ref for row in layout.data_rows] == [f"CNP PM{i}" for i in range(1, 10)]
    assert [row.row for row in layout.data_rows] == list(range(6, 15))
    assert layout.notes == ["Q1 names no year: the first target year, 2011/12, is taken as the reporting year"]


def test_recognise_derby_seed_without_its_group_row(seed_path):
    """Without 'Performance' and 'Commentary' above them, the second Q1*–Q4 are still the commentary."""
    grid = read_grid(seed_path)
    layout = recognise(grid[:2] + grid[3:])
    assert layout.roles == recognise_file(seed_path).roles
    assert [c.letter for c in layout.columns if c.current] == ["J"]


# ---- the same layouts as workbooks: merged group headers, typed numbers ------------------------

def _typed(text: str):
    """A cell as Excel would hold it: a plain figure or percentage as a number with its format."""
    reading = read_cell(text)
    plain = text.strip().replace(",", "").replace("%", "").replace("+", "").replace("-", "", 1)
    if reading.value is None or not plain.replace(".", "", 1).isdigit():
        return text, None
    decimals = reading.decimals or 0
    if reading.unit is Unit.PERCENT:
        return reading.value, "0" + ("." + "0" * decimals if decimals else "") + "%"
    return reading.value, ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")


def _source(name: str, seed_path: Path) -> Path:
    return seed_path if name == "derby" else LAYOUTS / f"{name}.tsv"


def _workbook(tmp_path: Path, source: Path, merges: list[str]) -> Path:
    grid = read_grid(source)
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(grid, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                value, number_format = _typed(text)
                cell = sheet.cell(r, c, value)
                if number_format:
                    cell.number_format = number_format
    for span in merges:
        sheet.merge_cells(span)
    path = tmp_path / f"{source.stem}.xlsx"
    book.save(path)
    return path


WORKBOOKS = {
    "mopac_challenge_mps_crime_figures_2013q4": ["B3:F3", "G3:K3"],
    "council_scorecard_maidstone_2019q2": ["A2:A3", "B2:F2", "A8:A9", "B8:F8"],
    "csp_msg_daventry_south_northants_2016_01": ["B3:D3"],  # 'Crime Rate' heads column E only
    "frs_targets_measures_warwickshire_2019": ["A2:A3", "B2:B3", "C2:G2", "A4:A16"],
    "pcc_csf_overview_west_yorkshire_2013q3": ["A4:A5", "B4:E4"],
    "derby": ["A3:B3", "C3:F3", "G3:I3", "J3:M3", "N3:Q3", "G4:I4"],
}


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_recognise_xlsx_with_merged_headers_like_tsv(tmp_path, seed_path, name):
    path = _workbook(tmp_path, _source(name, seed_path), WORKBOOKS[name])
    assert any(isinstance(c, float) for row in openpyxl.load_workbook(path).active.values for c in row)
    from_tsv = recognise_file(_source(name, seed_path))
    from_xlsx = recognise_file(path)
    assert from_xlsx.roles == from_tsv.roles
    assert [c.current for c in from_xlsx.columns] == [c.current for c in from_tsv.columns]
    assert [r.ref for r in from_xlsx.data_rows] == [r.ref for r in from_tsv.data_rows]
    assert from_xlsx.current_period == from_tsv.current_period
    headers = [c["header"] for c in expected(name)["columns"]] if name != "derby" else [
        c.header for c in from_tsv.columns]
    assert [c.header for c in from_xlsx.columns] == headers


# ---- refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("grid, words", [
    ([["Product", "Colour", "Price"], ["Chair", "Red", "40"], ["Table", "Oak", "120"]],
     ["no header row found", "'Product' | 'Colour' | 'Price'"]),
    ([["Name", "Age", "Town"], ["Alice", "34", "Leeds"], ["Bob", "41", "Derby"]],
     ["no column header names a period", "'Name' | 'Age' | 'Town'"]),
    ([["Dear colleague,"], ["Thank you for the quarterly report, which the board read with interest."], [],
      ["Yours sincerely,"]], ["no header row found", "'Dear colleague,'"]),
    ([], ["the sheet is empty"]),
    ([["", ""], ["  ", ""]], ["the sheet is empty"]),
    ([["Target", "Value"], ["12", "13"]], ["no column holds the indicators' names or refs", "'Target' | 'Value'"]),
], ids=["random-table", "people-table", "letter", "empty", "blank-cells", "no-names"])
def test_recognise_refuses_with_the_headers_found(grid, words):
    with pytest.raises(BookError) as err:
        recognise(grid, source="x.tsv")
    message = str(err.value)
    assert message.startswith("x.tsv")
    assert all(w in message for w in words), message
    assert "'Description'" in message or "empty" in message  # how to mark the headers


@pytest.mark.parametrize("content", ["", "Dear colleague,\nThank you.\n"], ids=["empty-file", "text-document"])
def test_recognise_file_refuses(tmp_path, content):
    path = tmp_path / "summary.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BookError, match=r"summary\.txt"):
        recognise_file(path)


# ---- general layouts nobody published here --------------------------------------------------

DASHBOARD = [
    ["Community Safety Partnership: Performance Report, Quarter 2"],
    [],
    ["Ref", "Indicator", "Polarity", "2012/13 Outturn", "2013/14 Target", "Q1", "Q2", "Q3", "Q4", "RAG", "DoT",
     "Lead Officer", "Comments"],
    ["Priority 1: Reducing violence"],
    ["PI 1", "Reduce violence with injury", "Lower", "1,234", "1,200", "300", "310", "", "", "G", "↑", "J Smith",
     "On track to meet the target this year, with fewer incidents in the town centre at night"],
    ["PI 2", "Increase reporting of hate crime", "Higher", "45%", "50%", "46%", "44%", "", "", "A", "↓", "A Jones",
     "Slightly below the level expected; a campaign to encourage reporting starts in October"],
    [],
    ["Priority 2: Anti-social behaviour"],
    ["PI 3", "Reduce ASB incidents", "Lower", "9,876", "9,500", "2,500", "2,700", "", "", "R", "↓", "B Brown",
     "The summer peak was higher than last year; extra patrols are planned for the autumn"],
]
DASHBOARD_ROLES = {"Ref": Role.REF, "Indicator": Role.DESCRIPTION, "Polarity": Role.POLARITY,
                   "2012/13 Outturn": Role.BASELINE, "2013/14 Target": Role.TARGET, "Q1": Role.VALUE,
                   "Q2": Role.VALUE, "Q3": Role.VALUE, "Q4": Role.VALUE, "RAG": Role.OWN_RAG,
                   "DoT": Role.DIRECTION, "Lead Officer": Role.OWNER, "Comments": Role.COMMENTARY}


@pytest.mark.parametrize("grid, roles, current", [
    (DASHBOARD, DASHBOARD_ROLES, "Q2"),
    ([["No.", "Measure", "Baseline 2011/12", "Target 2012/13", "Apr", "May", "Jun", "Jul", "Status", "Trend"],
      ["1", "Total recorded crime", "12000", "11500", "900", "950", "1000", "", "Green", "Improving"],
      ["2", "Burglary dwelling", "800", "760", "60", "70", "55", "", "Amber", "Stable"],
      ["3", "Vehicle crime", "1500", "1400", "120", "130", "110", "", "Red", "Worsening"]],
     {"No.": Role.REF, "Measure": Role.DESCRIPTION, "Baseline 2011/12": Role.BASELINE,
      "Target 2012/13": Role.TARGET, "Apr": Role.VALUE, "May": Role.VALUE, "Jun": Role.VALUE, "Jul": Role.VALUE,
      "Status": Role.OWN_RAG, "Trend": Role.DIRECTION}, "Jun"),
    ([["Offence", "Oct–Dec 2012", "Oct–Dec 2013", "Difference", "% Difference", "Good is"],
      ["Robbery", 120.0, 140.0, 20.0, "+16.7%", "Low"], ["Burglary", 400.0, 380.0, -20.0, "-5.0%", "Low"],
      ["Satisfaction", "85%", "82%", "-3", "-3.5%", "High"]],
     {"Offence": Role.DESCRIPTION, "Oct–Dec 2012": Role.SAME_PERIOD_LAST_YEAR, "Oct–Dec 2013": Role.VALUE,
      "Difference": Role.CHANGE_VOLUME, "% Difference": Role.CHANGE_PERCENT, "Good is": Role.POLARITY},
     "Oct 2013–Dec 2013"),
    ([["Offence", "Apr-13", "May-13", "Jun-13", "Jul-13", "YTD 13/14", "YTD 12/13", "Diff", "% Diff"],
      ["Burglary dwelling", "45", "52", "38", "", "135", "150", "-15", "-10.0%"],
      ["Robbery", "12", "9", "14", "", "35", "30", "+5", "+16.7%"]],
     {"Offence": Role.DESCRIPTION, "Apr-13": Role.VALUE, "May-13": Role.VALUE, "Jun-13": Role.VALUE,
      "Jul-13": Role.VALUE, "YTD 13/14": Role.VALUE, "YTD 12/13": Role.SAME_PERIOD_LAST_YEAR,
      "Diff": Role.CHANGE_VOLUME, "% Diff": Role.CHANGE_PERCENT}, "YTD 2013/14"),
    ([["Indicator", "Good is", "Target 2013/14", "Q1 Actual", "Q1 RAG", "Q2 Actual", "Q2 RAG", "Forecast Outturn"],
      ["Total crime", "Low", "11,000", "2,700", "G", "2,850", "A", "11,200"],
      ["ASB incidents", "Low", "8,000", "2,100", "G", "2,300", "R", "8,400"]],
     {"Indicator": Role.DESCRIPTION, "Good is": Role.POLARITY, "Target 2013/14": Role.TARGET,
      "Q1 Actual": Role.VALUE, "Q1 RAG": Role.OWN_RAG, "Q2 Actual": Role.VALUE, "Q2 RAG": Role.OWN_RAG,
      "Forecast Outturn": Role.OTHER}, "Q2"),
    ([["Partnership:", "Anytown CSP"], ["Period:", "Q2 2013/14"], [],
      ["", "Baseline", "Target", "Apr-Jun", "Jul-Sep", "Oct-Dec", "Jan-Mar", "Status", "Numerator", "Denominator"],
      ["Serious acquisitive crime (per 1,000 population)", "9.8", "9.5", "2.3", "2.4", "", "", "At risk", "", ""],
      ["Proportion of victims satisfied with the service", "84%", "85%", "86%", "85%", "", "", "On track", "170",
       "200"]],
     {"": Role.DESCRIPTION, "Baseline": Role.BASELINE, "Target": Role.TARGET, "Apr-Jun": Role.VALUE,
      "Jul-Sep": Role.VALUE, "Oct-Dec": Role.VALUE, "Jan-Mar": Role.VALUE, "Status": Role.OWN_RAG,
      "Numerator": Role.OTHER, "Denominator": Role.OTHER}, "Jul–Sep"),
], ids=["dashboard", "monthly", "quarter-on-quarter", "monthly-year-to-date", "quarterly-rag", "key-value-titles"])
def test_recognise_general_layouts(grid, roles, current):
    layout = recognise(grid)
    assert {c.header: c.role for c in layout.columns} == roles
    assert layout.current_period == current


# ---- properties ---------------------------------------------------------------------------------

SHUFFLABLE = ["police_output_measures_nz_2014_15", "police_psa_rates_victoria_3087_2013_14",
              "pcc_recorded_crime_districts_west_yorkshire_2014_12", "police_benchmarks_castle_rock_2019"]
BASES = {name: read_grid(LAYOUTS / f"{name}.tsv") for name in SHUFFLABLE} | {"dashboard": DASHBOARD}
_WORDS = st.text(alphabet=string.ascii_letters + " ", min_size=3, max_size=30).filter(lambda t: t.strip())


def _roles_by_header(layout) -> dict[str, Role]:
    return {c.header: c.role for c in layout.columns}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(BASES)), data=st.data())
def test_recognise_roles_survive_moves_titles_blanks_and_sections(name, data):
    grid = [list(row) for row in BASES[name]]
    before = recognise(grid)
    header_end = before.header_rows[0]  # the row after the (one-row) header, counted from 0
    value_cols = [c.index - 1 for c in before.columns if c.role in MEASURE_ROLES]
    order = data.draw(st.permutations(value_cols))
    moved = {a: b for a, b in zip(value_cols, order)}
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    grid = [[row[moved.get(c, c)] for c in range(width)] for row in grid]
    body = grid[header_end:]
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(body)))
        kind = data.draw(st.sampled_from(["blank", "section"]))
        body.insert(at, [""] * width if kind == "blank" else [data.draw(_WORDS)] + [""] * (width - 1))
    titles = [[data.draw(_WORDS)] for _ in range(data.draw(st.integers(0, 3)))]
    top = ([[]] if data.draw(st.booleans()) else []) + titles
    after = recognise(top + grid[:header_end] + body)
    assert _roles_by_header(after) == _roles_by_header(before)
    assert [c.header for c in after.columns if c.current] == [c.header for c in before.columns if c.current]
    assert [r.ref for r in after.data_rows] == [r.ref for r in before.data_rows]


def test_recognise_xlsx_months_typed_as_dates(tmp_path):
    """Month headers typed as dates are stored as day numbers (41365 is 1 April 2013): read as months."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Offence", *(datetime.date(2013, m, 1) for m in (4, 5, 6, 7)), "YTD 13/14"])
    sheet.append(["Burglary dwelling", 45, 52, 38, None, 135])
    sheet.append(["Robbery", 12, 9, 14, None, 35])
    sheet.append(["Shoplifting", 41365, 40112, 39876, None, 121353])  # figures in the same range stay figures
    for cell in sheet[1][1:5]:
        cell.number_format = "mmm-yy"
    book.save(tmp_path / "monthly.xlsx")
    layout = recognise_file(tmp_path / "monthly.xlsx")
    assert [(c.header, c.role) for c in layout.columns] == [
        ("Offence", Role.DESCRIPTION), ("Apr 2013", Role.VALUE), ("May 2013", Role.VALUE),
        ("Jun 2013", Role.VALUE), ("Jul 2013", Role.VALUE), ("YTD 13/14", Role.VALUE)]
    assert [row.ref for row in layout.data_rows] == ["Burglary dwelling", "Robbery", "Shoplifting"]


@pytest.mark.parametrize("name, corrections, changed", [
    ("csp_msg_daventry_south_northants_2016_01", {2: Role.OWN_RAG}, {2: Role.OWN_RAG}),
    ("police_psa_rates_victoria_3087_2013_14", {5: Role.OTHER}, {5: Role.OTHER}),
    # two corrections at once; the other columns are decided around them
    ("police_output_measures_nz_2014_15", {2: Role.BASELINE, 4: Role.TARGET}, {2: Role.BASELINE, 4: Role.TARGET}),
])
def test_recognise_keeps_an_officers_corrections(name, corrections, changed):
    before = recognise_file(LAYOUTS / f"{name}.tsv")
    after = recognise_file(LAYOUTS / f"{name}.tsv", corrections=corrections)
    exp = {c.index: c.role for c in before.columns} | changed
    assert {c.index: c.role for c in after.columns} == exp
    assert all(c.confidence == 1.0 and c.reason.startswith("set by hand") for c in after.columns
               if c.index in corrections)


def test_recognise_correction_moves_the_current_column():
    layout = recognise_file(LAYOUTS / "police_output_measures_nz_2014_15.tsv", corrections={4: Role.OTHER})
    assert ([c.letter for c in layout.columns if c.current], layout.current_period) == (["B"], "2013/14")


# Layouts with group headers: columns move within their group (the group header stays over the group).
GROUPED = {  # name: (group header row, counted from 0; groups as (first, last) columns, counted from 0)
    "mopac_challenge_mps_crime_figures_2013q4": (2, [(1, 5), (6, 10)]),
    "council_scorecard_maidstone_2019q2": (1, [(1, 5)]),
    "frs_targets_measures_warwickshire_2019": (1, [(2, 6)]),
    "derby": (2, [(9, 12), (13, 16)]),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(GROUPED)), data=st.data())
def test_recognise_roles_survive_moves_within_groups(seed_path, name, data):
    grid = [list(row) for row in read_grid(_source(name, seed_path))]
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    group_row, groups = GROUPED[name]
    moved = {}
    for first, last in groups:
        order = data.draw(st.permutations(range(first + 1, last + 1)))  # the first column keeps the group's text
        moved |= dict(zip(range(first + 1, last + 1), order))
    shuffled = [row if r == group_row else [row[moved.get(c, c)] for c in range(width)] for r, row in enumerate(grid)]
    before, after = recognise(grid), recognise(shuffled)
    assert {c.header: c.role for c in after.columns} == {c.header: c.role for c in before.columns}
    assert {c.header for c in after.columns if c.current} == {c.header for c in before.columns if c.current}


_CELLS = st.one_of(
    st.sampled_from(["", "Ref", "Description", "Target", "Q1*", "Q2", "2012/13", "% change", "Trend", "RAG", "G",
                     "↑", "n/a", "Awaited", "13,102", "7.5%", "+1,161", "Priority 1: Violence", "Oct–Dec 2012"]),
    st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.none(), st.booleans())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=7), max_size=9))
def test_recognise_any_grid_gives_a_layout_or_the_projects_error(grid):
    try:
        layout = recognise(grid)
    except BookError as err:
        assert str(err).startswith("the sheet")
        return
    filled = [[i for i, c in enumerate(row, start=1) if cell_text(c)] for row in grid]
    assert len(layout.columns) == max(f[-1] for f in filled if f)  # blank cells at the ends of rows are no columns
    assert all(isinstance(c.role, Role) and 0 < c.confidence <= 1 for c in layout.columns)


def test_recognise_xlsx_status_boxes_coloured_only(tmp_path):
    """A year-to-date report whose Q1–Q4 status boxes carry the RAG only as their fill colour."""
    from openpyxl.styles import PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Community Safety Partnership – year to date, 2013/14"])
    sheet.append(["Indicator", "Target 2013/14", "YTD", "Q1", "Q2", "Q3", "Q4"])
    rows = [("Total crime", 11000, 5400, "00B050", "FFC000"), ("Burglary dwelling", 800, 450, "FF0000", "FF0000"),
            ("Repeat victims of domestic abuse", 0.25, 0.24, "00B050", "00B050")]
    for name, target, ytd, q1, q2 in rows:
        sheet.append([name, target, ytd])
        for column, colour in ((4, q1), (5, q2)):
            sheet.cell(sheet.max_row, column).fill = PatternFill("solid", fgColor=colour)
    book.save(tmp_path / "ytd.xlsx")
    layout = recognise_file(tmp_path / "ytd.xlsx")
    assert layout.roles == [Role.DESCRIPTION, Role.TARGET, Role.VALUE, *[Role.OWN_RAG] * 4]
    assert [c.period.label for c in layout.columns[3:]] == ["Q1", "Q2", "Q3", "Q4"]
    assert [c.reason for c in layout.columns[3:5]] == ["cells are coloured red, amber or green"] * 2
    assert layout.columns[5].reason == "an empty Q3 after E's Q2: the same kind of column, still to be filled"
    assert (layout.current_column, layout.current_period) == (3, "YTD")
