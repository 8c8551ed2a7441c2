"""Figures written as two numbers, and targets in another unit than their row: read whole, never as the
first number alone, and never compared across units.

Each case is what an officer would say the cell means; each shell (the one-cell worksheet functions,
the column road of a spilling call, the Summary's judgement) gives the same answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from csp_status.core.columns import decide_columns
from csp_status.core.judgement import decide_cells
from csp_status.core.parse import read_cell
from csp_status.core.vocabulary import Bound, Placeholder, Status, Unit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "udfs"))
import csp_udfs  # noqa: E402


@pytest.mark.parametrize(("cell", "value", "unit", "counts", "upper"), [
    ("62/124", 62.0, Unit.NUMBER, (62.0, 124.0), None),  # counted of a total, as "62 of 124"
    ("62 / 124", 62.0, Unit.NUMBER, (62.0, 124.0), None),
    ("1 in 5", 0.2, Unit.PERCENT, (1.0, 5.0), None),  # a share
    ("1 in 4 people", 0.25, Unit.PERCENT, (1.0, 4.0), None),
    ("2300-2500", 2300.0, Unit.NUMBER, (None, None), 2500.0),  # a range, as "2,300 to 2,500"
    ("2,300\u20132,500", 2300.0, Unit.NUMBER, (None, None), 2500.0),
    ("1-4", 1.0, Unit.NUMBER, (None, None), 4.0),
    ("0.5 ppts", 0.005, Unit.PERCENT, (None, None), None),  # percentage points
])
def test_two_numbers_are_read_as_the_pair_they_are(cell, value, unit, counts, upper):
    reading = read_cell(cell)
    assert (reading.value, reading.unit, (reading.numerator, reading.denominator), reading.upper) == (
        pytest.approx(value), unit, counts, upper)


@pytest.mark.parametrize("cell", ["2019-20", "2010/11", "2019/2020"])
def test_a_year_is_not_a_pair_of_figures(cell):
    assert read_cell(cell).value is None


def test_a_footnote_mark_before_a_small_number_keeps_it_withheld():
    reading = read_cell("*<5")
    assert reading.placeholder is Placeholder.SUPPRESSED and reading.bound is Bound.LESS_THAN


@pytest.mark.parametrize(("value", "target", "polarity", "status", "shown"), [
    ("62 of 124", "45%", "Lower is better", Status.RED, 0.5),  # 50%, not 62%
    ("62/124", "55%", "Lower is better", Status.GREEN, 0.5),
    ("124/62", "45%", "Lower is better", Status.CHECK, 2.0),  # the wrong way round
    ("1 in 5", "25%", "Lower is better", Status.GREEN, 0.2),
])
def test_counts_in_a_percentage_row_are_the_share_they_make(value, target, polarity, status, shown):
    decision = decide_cells(value, target, polarity, "percent")
    assert decision.status is status and decision.value == pytest.approx(shown)
    assert csp_udfs.CSP_STATUS([[value]], [[target]], [[polarity]], None, None, [["percent"]]) == status.value


@pytest.mark.parametrize(("value", "target", "unit", "names"), [
    ("12.3 per 1,000", "45%", None, "target '45%' is written percent but the row is per 1,000"),
    (13102.0, "45%", "number", "target '45%' is written percent but the row is number"),
    ("Awaited", "7.1% (1.5%)", "number", "target '7.1% (1.5%)' is written percent but the row is number"),
    ("15.59%", "12 per 1,000", None, "target '12 per 1,000' is written per 1,000 but the row is percent"),
    ("15", "14.2%", None, "target '14.2%' is written percent but the figure '15' is a number: set the indicator's"),
    (12.0, "14.2%", None, "target '14.2%' is written percent but the figure '12' is above 100%: set the indicator's"),
])
def test_a_target_in_another_unit_is_check_with_the_cell_named(value, target, unit, names):
    decision = decide_cells(value, target, "Lower is better", unit)
    assert decision.status is Status.CHECK and decision.gap is None
    assert any(note.startswith(names) for note in decision.notes), decision.notes
    assert csp_udfs.CSP_STATUS([[value]], [[target]], [["Lower is better"]], None, None, [[unit]]) == "CHECK"


@pytest.mark.parametrize(("value", "target", "unit", "status"), [
    (0.12, "14.2%", None, Status.GREEN),  # a cell formatted as a percentage holds the fraction: no unit to compare
    ("15", "(1.5%)", "number", Status.NO_TARGET),  # a lone bracketed figure is a reduction, in any unit
    ("13,102", "13,485", None, Status.GREEN),
    ("53.7 per 1,000", "55 per 1,000", None, Status.GREEN),
    ("8 mins", "00:10:00", None, Status.GREEN),  # durations compare whatever their units
])
def test_targets_in_the_row_unit_or_its_kind_still_compare(value, target, unit, status):
    assert decide_cells(value, target, "Lower is better", unit).status is status


def test_a_target_in_another_unit_leaves_the_direction_of_travel_alone():
    """The trend rests on the figure and the previous one: a target in the wrong unit does not hide it."""
    decision = decide_cells("15", "14.2%", "Lower is better", None, previous_cell="17")
    assert decision.status is Status.CHECK and decision.trend is not None
    assert csp_udfs.CSP_TREND([["15"]], [["17"]], [["Lower is better"]]) == decision.trend.value


def test_the_column_road_agrees_row_by_row():
    values = ["62 of 124", "15", 0.12, "12.3 per 1,000", "15.59%", "1 in 5", "2300-2500", 12.0, "Awaited", "*<5"]
    targets = ["45%", "14.2%", "14.2%", "45%", "12 per 1,000", "25%", "2,400", "14.2%", "7.1% (1.5%)", "10"]
    units = ["percent", None, None, None, None, None, None, None, "number", None]
    rows = len(values)
    columns = decide_columns(rows, fields=("status", "gap"), value=values, target=targets,
                             polarity=["Lower is better"] * rows, unit=units)
    alone = [decide_cells(v, t, "Lower is better", u) for v, t, u in zip(values, targets, units)]
    assert columns["status"] == [d.status.value for d in alone]
    assert columns["gap"] == [d.gap for d in alone]
    assert "CHECK" in columns["status"] and "GREEN" in columns["status"]


@pytest.mark.parametrize(("cell", "value", "placeholder"), [
    ("10-5", None, Placeholder.UNREADABLE),  # a dash between two numbers that make no range: not the first alone
    ("05-12-2011", None, Placeholder.UNREADABLE),  # a date, with dashes or dots as with slashes
    ("12.05.2011", None, Placeholder.UNREADABLE),
    ("1.2 million", 1_200_000.0, None),  # a multiplier written as a word, with or without '£'
    ("1.2 million crimes", 1_200_000.0, None),
    ("T.B.C.", None, Placeholder.TO_BE_CONFIRMED),
    ("T.B.A.", None, Placeholder.TO_BE_ANNOUNCED),
    ("TBD", None, Placeholder.NOT_SET),
    ("Monitor", None, Placeholder.NOT_SET),
    ("Annual", None, Placeholder.AWAITED),  # reported once a year: no figure this quarter
    ("Q4 only", None, Placeholder.AWAITED),
    ("13,485 less 5%", None, Placeholder.UNREADABLE),  # arithmetic on two figures: never a target of 0
])
def test_more_of_what_officers_write(cell, value, placeholder):
    reading = read_cell(cell)
    assert (reading.value, reading.placeholder) == (value, placeholder)


@pytest.mark.parametrize(("cell", "reduction"), [
    ("5% below last year", 0.05),
    ("5% below 2010/11", 0.05),
    ("10% under the 2010/11 outturn", 0.10),
    ("3% above the baseline", -0.03),
])
def test_a_share_against_the_previous_year_is_a_change_on_it_not_a_level(cell, reduction):
    reading = read_cell(cell)
    assert reading.value is None and reading.reduction == pytest.approx(reduction)
    decision = decide_cells("13,102", cell, "Lower is better", None, baseline_cell="13,485")
    assert decision.target == pytest.approx(13485 * (1 - reduction))


@pytest.mark.parametrize("cell", ["No increase", "Zero increase", "No increase on last year", "No rise in offences",
                                  "No reduction"])
def test_no_change_either_way_is_to_maintain_not_to_move(cell):
    """'No increase' asks for no worse than last year, not for an increase."""
    from csp_status.core.vocabulary import Direction

    assert read_cell(cell).direction is Direction.MAINTAIN
    decision = decide_cells("12,500", cell, "Lower is better", None, baseline_cell="13,485")
    assert decision.status is Status.GREEN and decision.target == 13485
    assert not any("says increase" in note for note in decision.notes)


@pytest.mark.parametrize(("description", "polarity"), [
    ("Sanction detection rate for domestic abuse", "Higher is better"),  # the good outcome is what is counted
    ("Percentage of victims of domestic abuse who feel safer", "Higher is better"),
    ("Hate crime victim satisfaction", "Higher is better"),
    ("Offenders engaged in restorative justice", "Higher is better"),
    ("Number of hate crimes reported", None),  # more reported may be good or bad: the officer chooses
    ("Number of domestic abuse incidents", None),
    ("Domestic abuse repeat victimisation", "Lower is better"),
])
def test_polarity_of_a_measure_whose_topic_alone_says_nothing(description, polarity):
    from csp_status.core.grammar.polarity import read_polarity

    found = read_polarity(description, None).polarity
    assert (found.value if found else None) == polarity


@pytest.mark.parametrize(("cell", "bound"), [
    ("90% minimum", Bound.AT_LEAST), ("90%min", Bound.AT_LEAST), ("12,000 max", Bound.AT_MOST),
    ("12,000 maximum", Bound.AT_MOST), ("90% (or above)", Bound.AT_LEAST), ("12,000 (max)", Bound.AT_MOST),
    ("Target 90% (or above) by 2013", Bound.AT_LEAST),
])
def test_a_bound_written_after_the_figure_or_in_brackets_is_kept(cell, bound):
    reading = read_cell(cell)
    assert reading.bound is bound and reading.label is None
    # with no polarity set, the bound says which way is better
    assert decide_cells("95%" if reading.unit is Unit.PERCENT else "11,000", cell, None).status is Status.GREEN


def test_minutes_are_not_a_minimum():
    assert read_cell("12 min").unit is Unit.MINUTES and read_cell("12 min").bound is None


def test_pct_is_per_cent():
    assert (read_cell("85.02 pct").value, read_cell("85.02 pct").unit) == (pytest.approx(0.8502), Unit.PERCENT)


@pytest.mark.parametrize(("target", "expected"), [
    ("(+2pp)", 0.52),  # two percentage points on last year's 50%
    ("(-2pp)", 0.48),
    ("(+2%)", 0.51),  # a bracketed percentage alone is a share of last year's: '+' an increase on it
    ("(2%)", 0.49),  # unsigned or '-': a reduction, the Derby form
    ("(-2%)", 0.49),
])
def test_percentage_points_in_brackets_are_a_change_of_the_figure_not_a_share_of_it(target, expected):
    assert decide_cells("52%", target, "Higher is better", None, baseline_cell="50%").target == pytest.approx(expected)
