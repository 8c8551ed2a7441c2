"""Drafted commentary: a first draft from the figures, in the partnership's style; officers' own wins.

The seed's rows are the table: each indicator's draft for 2011/12 Q1, written out in full (reviewed
output).  Then every status, percentages (points and relative change), rates per 1,000, polarity
(a fall is an improvement only when lower is better), significance, the worksheet function and the
Summary's "Draft commentary" column, which never touches the officers' Q1–Q4 commentary.
"""

from __future__ import annotations

import shutil

import bookedit
import pytest
from python_calamine import CalamineWorkbook

from csp_status.core.commentary import commentary_for, draft_commentary, measure_of, period_words
from csp_status.core.functions import csp_commentary
from csp_status.core.judgement import evaluate
from csp_status.outputs.summary import ADDED_HEADERS, summary_merges, summary_rows, summary_widths
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book
from csp_udfs import CSP_COMMENTARY

PM3 = (
    "The position at the end of Q1 2011/12 is 13,102 crimes. This is a reduction of 2.8% on 13,485 "
    "(2010/11), an improvement. It is ahead of the 13,282 target for 2011/12 by 180 crimes (1.4%): GREEN. "
    "The 95% interval (12,879 to 13,328) includes the target, so the difference is not statistically "
    "significant."
)
SEED_DRAFTS = {
    "CNP PM1": "Data for Q1 2011/12 is awaited.",
    "CNP PM2": "The figure for Q1 2011/12 needs checking: '(-7.75%)' is a negative proportion.",
    "CNP PM3": PM3,
    "CNP PM4": (
        "The position at the end of Q1 2011/12 is 53.7 offences per 1,000 residents. This is a reduction of "
        "2.7% on 55.2 per 1,000 (2010/11), an improvement. It is ahead of the 54.3 per 1,000 target for "
        "2011/12 by 0.6 per 1,000 (1.1%): GREEN."
    ),
    "CNP PM5": "Data for Q1 2011/12 is awaited.",
    "CNP PM6": "Data for Q1 2011/12 is awaited.",
    "CNP PM7": (
        "The position at the end of Q1 2011/12 is 50% (62 of 124). This is an increase of 7 percentage points "
        "(16.3%) on 43% (2010/11), an improvement. There is no numeric target for 2011/12 "
        "(Targets TBC from NTA): NO TARGET."
    ),
    "CNP PM8": (
        "The position at the end of Q1 2011/12 is 42% (42 of 99). This is a reduction of 0.8 percentage points "
        "(1.9%) on 42.8% (2010/11), a deterioration. There is no numeric target for 2011/12 "
        "(TBC nationally): NO TARGET."
    ),
    "CNP PM9": (
        "The position at the end of Q1 2011/12 is 15.59%. This is an increase of 0.14 percentage points (0.9%) "
        "on 15.45% (2010/11), a deterioration. It is behind the 15.2% target for 2011/12 by 0.39 percentage "
        "points (2.6%), within the 5% tolerance: AMBER."
    ),
}


def seed_drafts(book) -> dict[str, str]:
    return {ind.ref: draft_commentary(ev, ind) for ind, ev in zip(book.indicators, evaluate(book))}


# ---- the seed ------------------------------------------------------------------------------------

@pytest.mark.parametrize("ref", sorted(SEED_DRAFTS))
def test_draft_commentary_seed(seed_book, ref):
    got = seed_drafts(seed_book)[ref]
    assert got == SEED_DRAFTS[ref]


def test_draft_commentary_pm3_says_what_the_issue_asks(seed_book):
    got = seed_drafts(seed_book)["CNP PM3"]
    for exp in ("13,102 crimes", "a reduction of 2.8% on 13,485 (2010/11)", "ahead of the 13,282 target", "GREEN"):
        assert exp in got


def test_draft_commentary_pm2_typed_as_7_75_is_red(seed_book):
    seed_book.record("CNP PM2", "2011/12").quarters[0] = "7.75%"
    got = seed_drafts(seed_book)["CNP PM2"]
    assert got == (
        "The position at the end of Q1 2011/12 is 7.75%. This is an increase of 0.54 percentage points (7.5%) "
        "on 7.21% (2010/11), a deterioration. It is behind the 7.1% target for 2011/12 by 0.65 percentage points "
        "(9.2%), more than the 5% tolerance: RED."
    )


def test_draft_commentary_later_quarter_compares_with_the_previous_quarter(seed_book):
    seed_book.settings.current_quarter = 2
    seed_book.record("CNP PM3", "2011/12").quarters[1] = "12,900"
    got = seed_drafts(seed_book)["CNP PM3"]
    assert got.startswith(
        "The position at the end of Q2 2011/12 is 12,900 crimes. This is a reduction of 1.5% on 13,102 "
        "(Q1 2011/12), an improvement. It is ahead of the 13,282 target for 2011/12 by 382 crimes (2.9%): GREEN."
    )


def test_draft_commentary_awaited_next_quarter(seed_book):
    seed_book.settings.current_quarter = 2
    assert seed_drafts(seed_book)["CNP PM9"] == "Data for Q2 2011/12 is awaited."


# ---- every status, units and polarity (the one-value rule) ---------------------------------------

@pytest.mark.parametrize(
    "args, exp",
    [
        # GREEN: exactly on target is GREEN
        (("13,282", "13,282", "lower", None),
         "The position this period is 13,282. It is exactly on the 13,282 target: GREEN. The 95% interval "
         "(13,057 to 13,510) includes the target, so the difference is not statistically significant."),
        # AMBER, relative tolerance; a rise in a lower-is-better count is a deterioration
        (("13,500", "13,282", "lower", "13,485"),
         "The position this period is 13,500. This is an increase of 0.1% on 13,485, a deterioration. It is "
         "behind the 13,282 target by 218 (1.6%), within the 5% tolerance: AMBER. The 95% interval (13,273 to "
         "13,730) includes the target, so the difference is not statistically significant."),
        # RED, significantly worse; no change on the previous figure
        (("15,000", "13,282", "lower", "15,000"),
         "The position this period is 15,000. This is unchanged from 15,000. It is behind the 13,282 target by "
         "1,718 (12.9%), more than the 5% tolerance: RED. The 95% interval (14,761 to 15,242) lies wholly above "
         "the target, so the figure is significantly worse than target."),
        # AWAITED, typed or blank
        (("Awaited", "13,282", "lower", "13,485"), "Data for this period is awaited."),
        ((None, "13,282", "lower", "13,485"), "Data for this period is awaited."),
        # CHECK: the figure cannot be right
        (("120%", "50%", "higher", "40%"),
         "The figure for this period needs checking: '120%' is a proportion over 100%."),
        (("50% (124/62)", "60%", "higher", None),
         "The figure for this period needs checking: '50% (124/62)': numerator 124 is more than denominator 62."),
        (("(-7.75%)", "7.1% (1.5%)", "lower", "7.21%"),
         "The figure for this period needs checking: '(-7.75%)' is a negative proportion."),
        # NO TARGET, stated as TBC or blank
        (("41%", "Targets TBC from NTA", "higher", "43%"),
         "The position this period is 41%. This is a reduction of 2 percentage points (4.7%) on 43%, a "
         "deterioration. There is no numeric target (Targets TBC from NTA): NO TARGET."),
        (("45%", None, "higher", "43%"),
         "The position this period is 45%. This is an increase of 2 percentage points (4.7%) on 43%, an "
         "improvement. There is no numeric target: NO TARGET."),
        # a fall is an improvement only when lower is better
        (("41%", "40%", "higher", "43%"),
         "The position this period is 41%. This is a reduction of 2 percentage points (4.7%) on 43%, a "
         "deterioration. It is ahead of the 40% target by 1 percentage point (2.5%): GREEN."),
        (("41%", "42%", "lower", "43%"),
         "The position this period is 41%. This is a reduction of 2 percentage points (4.7%) on 43%, an "
         "improvement. It is ahead of the 42% target by 1 percentage point (2.4%): GREEN."),
        (("45%", "40%", "lower", "43%"),
         "The position this period is 45%. This is an increase of 2 percentage points (4.7%) on 43%, a "
         "deterioration. It is behind the 40% target by 5 percentage points (12.5%), more than the 5% "
         "tolerance: RED."),
        # a tolerance in percentage points
        (("7.5%", "7.1%", "lower", "7.21%", 0.005, "points"),
         "The position this period is 7.5%. This is an increase of 0.29 percentage points (4.0%) on 7.21%, a "
         "deterioration. It is behind the 7.1% target by 0.4 percentage points (5.6%), within the tolerance of "
         "0.5 percentage points: AMBER."),
        # a rate per 1,000
        (("53.7 per 1,000 residents", "54.3 per 1,000 residents", "lower", "55.2 per 1,000 residents"),
         "The position this period is 53.7 per 1,000 residents. This is a reduction of 2.7% on 55.2 per 1,000, "
         "an improvement. It is ahead of the 54.3 per 1,000 target by 0.6 per 1,000 (1.1%): GREEN."),
        # significance from counts (Wilson), better and worse than target
        (("80% (800/1000)", "70%", "higher", "75%"),
         "The position this period is 80% (800 of 1,000). This is an increase of 5 percentage points (6.7%) on "
         "75%, an improvement. It is ahead of the 70% target by 10 percentage points (14.3%): GREEN. The 95% "
         "interval (77.41% to 82.36%) lies wholly above the target, so the figure is significantly better than "
         "target."),
        (("60% (600/1000)", "70%", "higher", "75%"),
         "The position this period is 60% (600 of 1,000). This is a reduction of 15 percentage points (20.0%) "
         "on 75%, a deterioration. It is behind the 70% target by 10 percentage points (14.3%), more than the "
         "5% tolerance: RED. The 95% interval (56.93% to 62.99%) lies wholly below the target, so the figure is "
         "significantly worse than target."),
    ],
)
def test_csp_commentary_cases(args, exp):
    got = csp_commentary(*args)
    assert got == exp


def test_csp_commentary_names_periods_and_measure():
    got = csp_commentary("13,102", 13282, "lower", 13485, period="Q1 2011/12", previous_period="2010/11",
                         measure="crimes")
    assert got == PM3


def test_csp_commentary_unit_reads_plain_spreadsheet_numbers_as_percentages():
    got = csp_commentary(0.1559, 0.152, "Lower is better", 0.1545, unit="percent", period="2011/12 Q1")
    assert got == (
        "The position at the end of Q1 2011/12 is 15.59%. This is an increase of 0.14 percentage points (0.9%) "
        "on 15.45%, a deterioration. It is behind the 15.2% target for 2011/12 by 0.39 percentage points (2.6%), "
        "within the 5% tolerance: AMBER."
    )


def test_csp_commentary_previous_that_cannot_be_right_gives_no_change_sentence():
    got = csp_commentary("7.5%", "7.1%", "lower", "(-7.75%)")
    assert got == (
        "The position this period is 7.5%. It is behind the 7.1% target by 0.4 percentage points (5.6%), "
        "more than the 5% tolerance: RED."
    )


# ---- the worksheet function ----------------------------------------------------------------------

def test_CSP_COMMENTARY_seed_pm3_as_the_summary_drafts_it():
    got = CSP_COMMENTARY([["13,102"]], [[13282]], [["lower"]], [[13485]], None, None, None,
                         [["Q1 2011/12"]], [["2010/11"]], [["crimes"]])
    assert got == PM3


def test_CSP_COMMENTARY_spills_over_a_range():
    got = CSP_COMMENTARY([["13,102"], ["Awaited"]], [[13282], ["TBA"]], "lower", [[13485], [None]])
    assert [len(row) for row in got] == [1, 1]
    assert got[1] == ["Data for this period is awaited."]
    assert got[0][0].startswith("The position this period is 13,102. This is a reduction of 2.8% on 13,485")


@pytest.mark.parametrize(
    "args, exp",
    [
        (("13,102", 13282, "sideways", 13485),
         "#CSP! cannot read 'sideways': expected a polarity: 'Lower is better' or 'Higher is better'"),
        (("13,102", 13282, "lower", 13485, None, None, "furlongs"),
         "#CSP! cannot read 'furlongs': expected a unit: 'number', 'percent' or 'per 1000'"),
        (("#N/A", 13282, "lower", 13485), "#CSP! actual is #N/A"),
    ],
)
def test_CSP_COMMENTARY_bad_arguments_give_a_message(args, exp):
    got = CSP_COMMENTARY(*args)
    assert got.startswith(exp)


def test_CSP_COMMENTARY_unreadable_previous_figure_gives_no_change_as_on_the_summary():
    got = CSP_COMMENTARY("13,102", 13282, "lower", "lots")
    assert got.startswith("The position this period is 13,102. It is ahead of the 13,282 target")
    assert "reduction" not in got and "lots" not in got


# ---- wording helpers -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "description, exp",
    [
        ("Reduction in overall crime", "crimes"),
        ("Fewer new offences committed", "offences"),
        ("Fewer convictions amongst those re-offenders who have participated in the IOM programme", "convictions"),
        ("Reduction in the number of attendances at the Emergency department", "attendances"),
        ("Reduction in the number of offenders with alcohol or drug problems", "offenders"),
        ("Reduction in repeat incidents of domestic violence", "incidents"),
        ("Fewer repeat burglaries", "burglaries"),
        ("Reduction in anti-social behaviour", None),
        ("Increase in the number of successful treatment outcomes for drug abusers", None),
        ("", None),
    ],
)
def test_measure_of(description, exp):
    assert measure_of(description) == exp


@pytest.mark.parametrize(
    "period, exp",
    [("2011/12 Q1", "Q1 2011/12"), ("2010/11 outturn", "2010/11"), ("Q1 2011/12", "Q1 2011/12"),
     ("2010/11 Q4", "Q4 2010/11"), (None, ""), ("  June  2011 ", "June 2011")],
)
def test_period_words(period, exp):
    assert period_words(period) == exp


# ---- officers' commentary wins -------------------------------------------------------------------

@pytest.mark.parametrize(
    "officer, exp",
    [
        ("Officer's own words.", ("Officer's own words.", False)),
        ("  Officer's own words.\n", ("Officer's own words.", False)),
        ("", ("the draft", True)),
        ("   ", ("the draft", True)),
        (None, ("the draft", True)),
    ],
)
def test_commentary_for_officers_words_win(officer, exp):
    assert commentary_for(officer, "the draft") == exp


def test_summary_draft_column_after_data_notes(seed_book):
    rows = summary_rows(seed_book, evaluate(seed_book))
    assert ADDED_HEADERS[-2:] == ("Data notes", "Draft commentary")
    assert rows[1][20:] == ["Data notes", "Draft commentary"]
    assert rows[0][17] == "Status" and rows[0][18:] == ["", "", "", ""]
    assert {row[0]: row[21] for row in rows[3:]} == SEED_DRAFTS
    assert "R1:V1" in summary_merges() and "V2:V3" in summary_merges()
    assert summary_widths()[22] >= 50


def test_summary_officers_commentary_carried_over_beside_the_draft(seed_book):
    officer = {ind.ref: seed_book.record(ind.ref, "2011/12").commentary[0] for ind in seed_book.indicators}
    rows = summary_rows(seed_book, evaluate(seed_book))
    assert {row[0]: row[13] for row in rows[3:]} == officer  # Q1* commentary: the officer's, as typed
    assert all(row[13] != row[21] for row in rows[3:])


def test_summary_draft_never_fills_an_empty_commentary_column(seed_book):
    seed_book.record("CNP PM3", "2011/12").commentary[0] = ""
    rows = {row[0]: row for row in summary_rows(seed_book, evaluate(seed_book))[3:]}
    assert rows["CNP PM3"][13:17] == ["", "", "", ""]
    assert rows["CNP PM3"][21] == PM3


def test_refresh_writes_the_draft_and_leaves_officers_commentary_alone(imported, tmp_path):
    book = tmp_path / "x.xlsm"
    shutil.copyfile(imported, book)
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.clear_cell(book, "Data", f"I{row}")  # the officer deletes PM3's Q1 commentary
    refresh_book(book)
    assert bookedit.cell_text(book, "Data", f"I{row}") in (None, "")  # still blank: the draft is not copied in
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    rows = {r[0]: r for r in sheet[3:]}
    assert rows["CNP PM3"][13] == "" and rows["CNP PM3"][21] == PM3
    assert rows["CNP PM9"][13].startswith("This is a slight increase on the rate in March 2011")
    book_read = read_book(book).partnership
    assert book_read.record("CNP PM9", "2011/12").commentary[0].startswith("This is a slight increase")


def test_CSP_COMMENTARY_with_the_population_says_what_the_summary_says_of_a_rate(seed_book):
    seed_book.settings.population = 248_700  # the Settings sheet's population: the rates' 95% interval
    summary = {row[0]: row[21] for row in summary_rows(seed_book, evaluate(seed_book))[3:]}
    this, last = seed_book.record("CNP PM4", "2011/12"), seed_book.record("CNP PM4", "2010/11")
    got = CSP_COMMENTARY([[this.quarters[0]]], [[this.target]], [["lower"]], [[last.outturn]], None, None,
                         None, [["Q1 2011/12"]], [["2010/11"]], [["offences"]], None, [[248_700]])
    assert "95% interval" in summary["CNP PM4"] and got == summary["CNP PM4"]
    without = CSP_COMMENTARY([[this.quarters[0]]], [[this.target]], [["lower"]], [[last.outturn]], None, None,
                             None, [["Q1 2011/12"]], [["2010/11"]], [["offences"]])
    assert "95% interval" not in without
