"""Judging the seed (Derby, 2011/12 Q1): statuses, gaps, trends and data notes, as DESIGN section 4."""

from __future__ import annotations

import pytest

from csp_status.core.judgement import (
    Evaluation,
    evaluate,
    evaluations_frame,
    resolve_target,
    value_problems,
)
from csp_status.core.model import Partnership
from csp_status.core.parse import parse_cell, read_cell
from csp_status.core.vocabulary import Polarity, Status, Trend, TrendBasis, Unit

PM = [f"CNP PM{n}" for n in range(1, 10)]
CURRENT = "2011/12"
SIGNIFICANCE_PM2 = (
    "95% interval 6.40%–9.34% (Wilson, 99/1278): not significantly different from the 7.1% target"
)
SIGNIFICANCE_PM3 = (
    "95% interval 12,879–13,328 (Byar, count): not significantly different from the 13,282 target"
)


def judged(book: Partnership) -> dict[str, Evaluation]:
    return {e.ref: e for e in evaluate(book)}


def set_value(book: Partnership, ref: str, cell: object, year: str = CURRENT, quarter: int = 1) -> None:
    book.record(ref, year).quarters[quarter - 1] = cell


def set_target(book: Partnership, ref: str, cell: object, year: str = CURRENT) -> None:
    book.record(ref, year).target = cell


# ---- the seed as it stands ---------------------------------------------------------------------

def test_evaluate_seed_statuses(seed_book):
    got = {ref: e.status.value for ref, e in judged(seed_book).items()}
    assert got == {
        "CNP PM1": "AWAITED",
        "CNP PM2": "CHECK",
        "CNP PM3": "GREEN",
        "CNP PM4": "GREEN",
        "CNP PM5": "AWAITED",
        "CNP PM6": "AWAITED",
        "CNP PM7": "NO TARGET",
        "CNP PM8": "NO TARGET",
        "CNP PM9": "AMBER",
    }


def test_evaluate_seed_directions_of_travel(seed_book):
    got = {ref: (e.trend.value if e.trend else None) for ref, e in judged(seed_book).items()}
    assert got == {
        "CNP PM1": None,
        "CNP PM2": None,
        "CNP PM3": "IMPROVING",
        "CNP PM4": "IMPROVING",
        "CNP PM5": None,
        "CNP PM6": None,
        "CNP PM7": "IMPROVING",
        "CNP PM8": "WORSENING",
        "CNP PM9": "WORSENING",
    }


def test_evaluate_seed_figures(seed_book):
    """Value, target and the figure compared with, per indicator, as DESIGN section 4 states them."""
    got = {
        ref: (
            None if e.value is None else round(e.value, 6),
            None if e.target is None else round(e.target, 6),
            None if e.previous is None else round(e.previous, 6),
            e.previous_period,
        )
        for ref, e in judged(seed_book).items()
    }
    assert got == {
        "CNP PM1": (None, None, None, None),
        "CNP PM2": (-0.0775, 0.071, 0.0721, "2010/11 outturn"),
        "CNP PM3": (13102.0, 13282.0, 13485.0, "2010/11 outturn"),
        "CNP PM4": (53.7, 54.3, 55.2, "2010/11 outturn"),
        "CNP PM5": (None, None, None, None),
        "CNP PM6": (None, None, None, None),
        "CNP PM7": (0.5, None, 0.43, "2010/11 outturn"),
        "CNP PM8": (0.42, None, 0.428, "2010/11 outturn"),
        "CNP PM9": (0.1559, 0.152, 0.1545, "2010/11 outturn"),
    }


def test_evaluate_seed_notes(seed_book):
    got = {ref: e.notes for ref, e in judged(seed_book).items()}
    assert got == {
        "CNP PM1": ["value: Awaited", "target: Baseline year"],
        "CNP PM2": ["'(-7.75%)' is a negative proportion"],
        "CNP PM3": [SIGNIFICANCE_PM3],
        "CNP PM4": [],
        "CNP PM5": ["value: Awaited", "target: Baseline year"],
        "CNP PM6": ["value: Awaited", "target: Baseline year"],
        "CNP PM7": ["target: Targets TBC from NTA"],
        "CNP PM8": ["target: TBC nationally"],
        "CNP PM9": [],
    }


def test_evaluate_seed_gaps(seed_book):
    got = {ref: e.gap_text for ref, e in judged(seed_book).items()}
    assert got == {
        "CNP PM1": "",
        "CNP PM2": "",
        "CNP PM3": "−180 (1.4% below target)",
        "CNP PM4": "−0.6 (1.1% below target)",
        "CNP PM5": "",
        "CNP PM6": "",
        "CNP PM7": "",
        "CNP PM8": "",
        "CNP PM9": "+0.39 pts (2.6% above target)",
    }


def test_evaluate_seed_pm9_gap_is_039_points_26_percent_over(seed_book):
    pm9 = judged(seed_book)["CNP PM9"]
    got = (round(pm9.gap * 100, 2), round(pm9.gap / pm9.target * 100, 1))
    assert got == (0.39, 2.6)


def test_evaluate_seed_period_and_texts(seed_book):
    pm2 = judged(seed_book)["CNP PM2"]
    got = (pm2.period, pm2.value_text, pm2.target_text, pm2.unit, pm2.gap)
    assert got == ("2011/12 Q1", "(-7.75%)", "7.1% (1.5%)", Unit.PERCENT, None)


# ---- PM2 as the design's "what if" ---------------------------------------------------------------

def test_evaluate_pm2_typed_as_775_percent_is_red(seed_book):
    set_value(seed_book, "CNP PM2", "7.75%")
    pm2 = judged(seed_book)["CNP PM2"]
    got = (pm2.status, pm2.gap_text, pm2.trend, pm2.notes)
    assert got == (Status.RED, "+0.65 pts (9.2% above target)", Trend.WORSENING, [])


def test_evaluate_pm2_with_counts_notes_significance(seed_book):
    set_value(seed_book, "CNP PM2", "7.75% (99/1278)")
    pm2 = judged(seed_book)["CNP PM2"]
    got = (pm2.status, pm2.notes, round(pm2.interval.low, 4), round(pm2.interval.high, 4))
    assert got == (Status.RED, [SIGNIFICANCE_PM2], 0.064, 0.0934)


def test_evaluate_pm2_spreadsheet_fraction_is_red(seed_book):
    set_value(seed_book, "CNP PM2", 0.0775)  # a percentage-formatted cell stores the fraction
    got = judged(seed_book)["CNP PM2"].status
    assert got == Status.RED


def test_evaluate_spreadsheet_15_in_a_percentage_row_is_15_percent(seed_book):
    """A plain 15 typed in a percentage row is 15%, as the same text in a .tsv is (issue 12; it was CHECK)."""
    set_value(seed_book, "CNP PM2", 15.0)
    found = judged(seed_book)["CNP PM2"]
    got = (found.status, found.value, found.notes[0])
    assert got == (Status.RED, 0.15, "'15' read as 15% (the row is in percentages)")


def test_evaluate_others_unchanged_when_pm2_fixed(seed_book):
    set_value(seed_book, "CNP PM2", "7.75%")
    got = {ref: e.status.value for ref, e in judged(seed_book).items() if ref != "CNP PM2"}
    assert got == {
        "CNP PM1": "AWAITED", "CNP PM3": "GREEN", "CNP PM4": "GREEN", "CNP PM5": "AWAITED",
        "CNP PM6": "AWAITED", "CNP PM7": "NO TARGET", "CNP PM8": "NO TARGET", "CNP PM9": "AMBER",
    }


# ---- CHECK: data that cannot be right --------------------------------------------------------------

@pytest.mark.parametrize(
    ("ref", "cell", "exp"),
    [
        ("CNP PM2", "(-7.75%)", ["'(-7.75%)' is a negative proportion"]),
        ("CNP PM2", "7.75% (1278/99)", ["'7.75% (1278/99)': numerator 1278 is more than denominator 99"]),
        ("CNP PM7", "50% (124/62)",
         ["'50% (124/62)': numerator 124 is more than denominator 62", "target: Targets TBC from NTA"]),
        ("CNP PM2", "7.75% (99/0)", ["'7.75% (99/0)' has a denominator of 0"]),
        ("CNP PM2", "150%", ["'150%' is a proportion over 100%"]),
        ("CNP PM2", 150.5, ["'150.5' read as 150.5% (the row is in percentages)", "'150.5' is a proportion over 100%"]),
        ("CNP PM3", "-5", ["'-5' is a negative count"]),
        ("CNP PM4", "-53.7 per 1,000 residents", ["'-53.7 per 1,000 residents' is a negative rate"]),
        ("CNP PM3", "5%", ["'5%' is written percent but the row is number"]),
        ("CNP PM2", "seven", [
            "cannot read 'seven': expected a number such as '13,102', a percentage such as '7.1%', "
            "a rate such as '53.7 per 1,000 residents', '50% (62/124)', a target with its reduction "
            "such as '7.1% (1.5%)', or n/a, TBA, TBC, Baseline year, Awaited"
        ]),
        ("CNP PM9", "15.59%%", [
            "cannot read '15.59%%': expected a number such as '13,102', a percentage such as '7.1%', "
            "a rate such as '53.7 per 1,000 residents', '50% (62/124)', a target with its reduction "
            "such as '7.1% (1.5%)', or n/a, TBA, TBC, Baseline year, Awaited"
        ]),
    ],
)
def test_evaluate_check_cases(seed_book, ref, cell, exp):
    set_value(seed_book, ref, cell)
    result = judged(seed_book)[ref]
    got = (result.status, result.trend, result.gap, result.notes)
    assert got == (Status.CHECK, None, None, exp)


def test_evaluate_missing_polarity_is_check_and_says_what_the_wording_suggests(seed_book):
    pm3 = next(ind for ind in seed_book.indicators if ind.ref == "CNP PM3")  # "Reduction in overall crime"
    pm3.polarity = None
    result = judged(seed_book)["CNP PM3"]
    got = (result.status, result.notes)
    assert got == (
        Status.CHECK,
        ["polarity not set: choose 'Lower is better' or 'Higher is better' in Indicators (the wording suggests "
         "'Lower is better', from 'reduction')"],
    )


def test_evaluate_missing_polarity_wording_that_does_not_say_names_what_to_choose(seed_book):
    pm3 = next(ind for ind in seed_book.indicators if ind.ref == "CNP PM3")
    pm3.polarity, pm3.description = None, "Number of Prevent referrals"
    notes = judged(seed_book)["CNP PM3"].notes
    assert len(notes) == 1 and "may be good or bad" in notes[0] and "choose 'Lower is better'" in notes[0]


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("7.75%", []),
        ("50% (62/124)", []),
        (None, []),
        ("Awaited", []),
        ("(-7.75%)", ["'(-7.75%)' is a negative proportion"]),
        ("150% (3/2)", ["'150% (3/2)' is a proportion over 100%",
                        "'150% (3/2)': numerator 3 is more than denominator 2"]),
        ("5 (-1/4)", ["'5 (-1/4)' has a negative numerator"]),
    ],
)
def test_value_problems_in_a_percentage_row(cell, exp):
    reading = read_cell(cell)
    value = reading.value if reading.unit is not Unit.NUMBER else reading.value / 100
    got = value_problems(reading, value, Unit.PERCENT)
    assert got == exp


# ---- notes that do not change the status ---------------------------------------------------------

def test_evaluate_bare_number_in_percentage_row_is_a_percentage(seed_book):
    set_value(seed_book, "CNP PM9", "15")
    pm9 = judged(seed_book)["CNP PM9"]
    got = (pm9.value, pm9.status, pm9.notes)
    assert got == (0.15, Status.GREEN, ["'15' read as 15% (the row is in percentages)"])


def test_evaluate_percentage_its_counts_do_not_give_is_noted(seed_book):
    set_value(seed_book, "CNP PM7", "50% (60/124)")
    pm7 = judged(seed_book)["CNP PM7"]
    got = (pm7.status, pm7.notes)
    assert got == (Status.NO_TARGET, ["'50% (60/124)': 60/124 is 48.39%, not 50%", "target: Targets TBC from NTA"])


def test_evaluate_unreadable_target_is_check_with_note(seed_book):
    set_target(seed_book, "CNP PM3", "about 13k")
    pm3 = judged(seed_book)["CNP PM3"]
    got = (pm3.status, pm3.notes[0])
    assert got == (
        Status.CHECK,
        "target: cannot read 'about 13k': expected a number such as '13,102', a percentage such as "
        "'7.1%', a rate such as '53.7 per 1,000 residents', '50% (62/124)', a target with its "
        "reduction such as '7.1% (1.5%)', or n/a, TBA, TBC, Baseline year, Awaited",
    )


def test_evaluate_per_1000_significance_with_population(seed_book):
    seed_book.settings.population = 250_000
    pm4 = judged(seed_book)["CNP PM4"]
    got = pm4.notes
    assert got == [
        "95% interval 52.8 per 1,000–54.6 per 1,000 (Byar, about 13,425 in a population of 250,000): "
        "not significantly different from the 54.3 per 1,000 target"
    ]


# ---- target mismatch ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("ref", "target", "exp"),
    [
        # stated target v. the 2010/11 outturn less the reduction; one unit of the last digit allowed
        ("CNP PM2", "7.1% (1.5%)", []),  # 7.21% less 1.5% = 7.102%
        ("CNP PM2", "7.2% (1.5%)", []),  # 0.098 points off: within 0.1
        ("CNP PM2", "7.0% (1.5%)", ["target 7.0% differs from 7.21% (2010/11) less 1.5% = 7.10%"]),
        ("CNP PM2", "7.11% (1.5%)", []),
        ("CNP PM2", "7.09% (1.5%)", ["target 7.09% differs from 7.21% (2010/11) less 1.5% = 7.102%"]),
        ("CNP PM2", "6.9% (1.5%)", ["target 6.9% differs from 7.21% (2010/11) less 1.5% = 7.10%"]),
        ("CNP PM3", "13282 (1.5%)", [SIGNIFICANCE_PM3]),
        ("CNP PM3", "13280 (1.5%)", [
            "target 13,280 differs from 13,485 (2010/11) less 1.5% = 13,282.7",
            "95% interval 12,879–13,328 (Byar, count): not significantly different from the 13,280 target",
        ]),
        ("CNP PM4", "54.3 per 1,000 residents (-1.5%)", []),
        ("CNP PM4", "54.2 per 1,000 residents (-1.5%)",
         ["target 54.2 per 1,000 differs from 55.2 per 1,000 (2010/11) less 1.5% = 54.37 per 1,000"]),
        ("CNP PM9", "15.2% (-1.5%)", []),
        ("CNP PM9", "15.3% (-1.5%)", []),
        ("CNP PM9", "15.1% (-1.5%)", ["target 15.1% differs from 15.45% (2010/11) less 1.5% = 15.22%"]),
    ],
)
def test_evaluate_target_mismatch_note(seed_book, ref, target, exp):
    set_value(seed_book, "CNP PM2", "7.75%")  # not the negative "(-7.75%)", which has its own note
    set_target(seed_book, ref, target)
    got = judged(seed_book)[ref].notes
    assert got == exp


@pytest.mark.parametrize("ref", PM)
@pytest.mark.parametrize("year", ["2011/12", "2012/13", "2013/14"])
def test_resolve_target_seed_targets_have_no_mismatch(seed_book, ref, year):
    indicator = next(ind for ind in seed_book.indicators if ind.ref == ref)
    baseline = read_cell(seed_book.record(ref, "2010/11").outturn)
    baseline_value = baseline.value if baseline.has_value else None
    _, notes = resolve_target(read_cell(seed_book.record(ref, year).target), baseline_value, "2010/11",
                              indicator.unit)
    got = [note for note in notes if "differs" in note]
    assert got == []


@pytest.mark.parametrize(
    ("cell", "baseline", "unit", "exp"),
    [
        ("7.1% (1.5%)", 0.0721, Unit.PERCENT, (0.071, [])),
        ("7.1% (1.5%)", None, Unit.PERCENT, (0.071, [])),  # no baseline: the stated target stands
        ("7.1%", 0.0721, Unit.PERCENT, (0.071, [])),
        ("15 (-3%)", 0.1545, Unit.PERCENT, (0.15, ["target '15 (-3%)' read as 15% (the row is in percentages)"])),
        ("TBA", 0.0721, Unit.PERCENT, (None, ["target: TBA"])),
        ("Baseline year", None, Unit.NUMBER, (None, ["target: Baseline year"])),
        (None, 0.0721, Unit.PERCENT, (None, [])),
        ("", 0.0721, Unit.PERCENT, (None, [])),
    ],
)
def test_resolve_target(cell, baseline, unit, exp):
    target, notes = resolve_target(read_cell(cell), baseline, "2010/11", unit)
    got = (None if target is None else round(target, 6), notes)
    assert got == exp


def test_evaluate_later_years_have_no_mismatch_notes(seed_book):
    for year in ("2012/13", "2013/14"):
        seed_book.settings.reporting_year = year
        got = [note for e in evaluate(seed_book) for note in e.notes if "differs" in note]
        assert got == []


# ---- trend basis -------------------------------------------------------------------------------

def test_evaluate_trend_against_previous_quarter(seed_book):
    seed_book.settings.current_quarter = 2
    set_value(seed_book, "CNP PM9", "15.0%", quarter=2)
    set_value(seed_book, "CNP PM3", "13,300", quarter=2)
    results = judged(seed_book)
    got = {ref: (results[ref].trend, results[ref].previous, results[ref].previous_period)
           for ref in ("CNP PM3", "CNP PM9")}
    assert got == {
        "CNP PM3": (Trend.WORSENING, 13102.0, "2011/12 Q1"),
        "CNP PM9": (Trend.IMPROVING, 0.1559, "2011/12 Q1"),
    }


def test_evaluate_no_trend_on_a_previous_quarter_that_cannot_be_right(seed_book):
    # The Data sheet's Trend formula takes Q1 because it holds something, and CSP_TREND gives no
    # direction from a figure that cannot be right; the Summary follows the same rule.
    seed_book.settings.current_quarter = 2
    set_value(seed_book, "CNP PM2", "7.0%", quarter=2)  # Q1 is "(-7.75%)"
    pm2 = judged(seed_book)["CNP PM2"]
    got = (pm2.status, pm2.trend, pm2.previous, pm2.previous_period)
    assert got == (Status.GREEN, None, None, None)


def test_evaluate_trend_on_a_blank_previous_quarter_uses_last_years_outturn(seed_book):
    seed_book.settings.current_quarter = 3
    set_value(seed_book, "CNP PM3", "12,900", quarter=1)
    set_value(seed_book, "CNP PM3", "13,000", quarter=3)  # Q2 blank: compare with 2010/11 (13,485)
    pm3 = judged(seed_book)["CNP PM3"]
    assert (pm3.trend, pm3.previous, pm3.previous_period) == (Trend.IMPROVING, 13485.0, "2010/11 outturn")


def test_evaluate_trend_same_quarter_last_year(seed_book):
    pm9 = next(ind for ind in seed_book.indicators if ind.ref == "CNP PM9")
    pm9.trend_basis = TrendBasis.SAME_QUARTER_LAST_YEAR
    set_value(seed_book, "CNP PM9", "16.1%", year="2010/11", quarter=1)
    result = judged(seed_book)["CNP PM9"]
    got = (result.trend, result.previous, result.previous_period)
    assert got == (Trend.IMPROVING, 0.161, "2010/11 Q1")


def test_evaluate_trend_same_quarter_last_year_ignores_the_outturn(seed_book):
    pm9 = next(ind for ind in seed_book.indicators if ind.ref == "CNP PM9")
    pm9.trend_basis = TrendBasis.SAME_QUARTER_LAST_YEAR  # 2010/11 has an outturn but no Q1 figure
    result = judged(seed_book)["CNP PM9"]
    got = (result.trend, result.previous, result.previous_period)
    assert got == (None, None, None)


def test_evaluate_polarity_drives_trend_and_status(seed_book):
    pm9 = next(ind for ind in seed_book.indicators if ind.ref == "CNP PM9")
    pm9.polarity = Polarity.HIGHER_IS_BETTER
    result = judged(seed_book)["CNP PM9"]
    got = (result.status, result.trend)
    assert got == (Status.GREEN, Trend.IMPROVING)


# ---- the table -----------------------------------------------------------------------------------

def test_evaluations_frame_columns_and_rows(seed_book):
    frame = evaluations_frame(evaluate(seed_book))
    row = frame.set_index("ref").loc["CNP PM9"]
    got = (
        {"ref", "description", "period", "value", "target", "status", "gap", "trend", "notes"}
        - set(frame.columns),
        list(frame["ref"]),
        (row["status"], row["trend"], row["period"], row["unit"], row["notes"]),
    )
    assert got == (set(), PM, ("AMBER", "WORSENING", "2011/12 Q1", "percent", ""))


def test_evaluation_as_row_joins_notes(seed_book):
    got = judged(seed_book)["CNP PM1"].as_row()["notes"]
    assert got == "value: Awaited; target: Baseline year"


def test_parse_cell_and_evaluate_agree_on_pm3_value(seed_book):
    got = judged(seed_book)["CNP PM3"].value
    assert got == parse_cell("13,102").value


def test_evaluate_lone_bracketed_reduction_in_target_applies_to_baseline(seed_book):
    set_target(seed_book, "CNP PM9", "(1.5%)")
    pm9 = judged(seed_book)["CNP PM9"]
    got = (round(pm9.target, 6), pm9.status, pm9.notes[0])
    assert got == (round(0.1545 * 0.985, 6), Status.AMBER, "target 15.218% worked out as 15.45% (2010/11) less 1.5%")


# ---- the one-cell road ---------------------------------------------------------------------------

def test_the_cells_one_by_one_are_the_cells_of_an_indicator():
    """``decide_cells`` takes the cells in the order of IndicatorCells, so a worksheet function passing them one
    by one is judged as the book's row holding them."""
    import inspect

    from csp_status.core.judgement import IndicatorCells, decide, decide_cells

    parameters = list(inspect.signature(decide_cells).parameters)
    assert [name.removesuffix("_cell").replace("kind", "tolerance_kind").replace("row_", "") for name in parameters] \
        == list(IndicatorCells._fields)
    cells = IndicatorCells("15.59%", "(1.5%)", "lower", None, "0.25%", "points", "15.4%", "2010/11", "16%",
                           "2010/11 outturn", None, ("Population '-3' cannot be read",))
    assert decide(cells) == decide_cells(*cells)
    assert decide(cells).status is Status.CHECK  # the row's own problem
    alone = decide_cells(*cells[:-1])  # 15.59% against 15.4% less 1.5% (15.169%), a quarter of a point allowed
    assert (alone.status, round(alone.target, 5), alone.trend) == (Status.RED, 0.15169, Trend.IMPROVING)


def test_settings_read_once_are_the_settings_read_afresh():
    """The settings words are kept once read; a key of another kind that compares equal (True == 1.0) is
    read afresh, and a setting that cannot be read fails every time."""
    from csp_status.core.errors import CellError
    from csp_status.core.judgement import read_settings

    assert read_settings("lower", None, 1.0, None)[2] == 1.0
    for _ in range(2):
        with pytest.raises(CellError, match="cannot read 'True'"):
            read_settings("lower", None, True, None)
        with pytest.raises(CellError, match="a polarity"):
            read_settings("sideways", None, None, None)
    assert read_settings("Lower is better", None, None, None) == read_settings(Polarity.LOWER_IS_BETTER, None, None, None)
