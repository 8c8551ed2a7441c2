"""Targets written in words, judged: bounds met at the figure, directions on last year's outturn."""

from __future__ import annotations

import pytest

from csp_status.core.judgement import IndicatorCells, evaluate, judge, resolve_target
from csp_status.core.parse import parse_cell
from csp_status.core.targets import TargetSense, strict_miss, target_sense, worded_target
from csp_status.core.vocabulary import Polarity, Status, Unit

LOWER, HIGHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER


def judged(book, ref: str, target: object, value: object = None):
    record = book.record(ref, "2011/12")
    record.target = target
    if value is not None:
        record.quarters[0] = value
    found = {e.ref: e for e in evaluate(book)}[ref]
    return found.status.value, found.target, [n for n in found.notes if n.startswith("target")]


# CNP PM3: 13,102 crimes in Q1 (lower is better), 13,485 the 2010/11 outturn.
@pytest.mark.parametrize(
    ("target", "exp"),
    [
        ("13,102", ("GREEN", 13102.0, [])),
        ("at least 13,102", ("GREEN", 13102.0, [
            "target 'at least 13,102' says at least the figure, but the polarity is Lower is better: "
            "judged by the polarity; check which is meant"])),
        ("no more than 13,102", ("GREEN", 13102.0, [])),
        ("less than 13,102", ("AMBER", 13102.0, [])),  # a strict bound is not met at its own figure
        ("< 13,000", ("AMBER", 13000.0, [])),
        ("13,500 or more", ("GREEN", 13500.0, [
            "target '13,500 or more' says at least the figure, but the polarity is Lower is better: "
            "judged by the polarity; check which is meant"])),
        ("no more than 13,000", ("AMBER", 13000.0, [])),
        ("2011/12 Target: Reduction on last years figures", ("GREEN", 13485.0, [
            "target '2011/12 Target: Reduction on last years figures' read as below the 2010/11 outturn, 13,485"])),
        ("Maintain", ("GREEN", 13485.0, ["target 'Maintain' read as no worse than the 2010/11 outturn, 13,485"])),
        ("Increase on last year", ("GREEN", 13485.0, [
            "target 'Increase on last year' read as above the 2010/11 outturn, 13,485",
            "target 'Increase on last year' says increase, but the polarity is Lower is better: "
            "judged by the polarity; check which is meant"])),
        ("Reduce overall crime by 5% by 2012", ("AMBER", 12810.75, [
            "target 12,810.75 worked out as 13,485 (2010/11) less 5%, due by 2012"])),
        ("3% reduction", ("AMBER", 13080.45, ["target 13,080.45 worked out as 13,485 (2010/11) less 3%"])),
        ("To be agreed", ("NO TARGET", None, ["target: To be agreed"])),
    ],
)
def test_evaluate_worded_targets(seed_book, target, exp):
    status, value, notes = judged(seed_book, "CNP PM3", target)
    got = (status, None if value is None else round(value, 6), notes)
    assert got == exp


def test_evaluate_reduce_equal_to_last_year_is_not_met(seed_book):
    got = judged(seed_book, "CNP PM3", "reduce", value="13,485")[0]
    assert got == "AMBER"


def test_evaluate_direction_without_outturn_is_no_target(seed_book):
    for year in seed_book.years():
        if year != "2011/12":
            record = seed_book.record("CNP PM3", year)
            if record:
                record.outturn = None
    got = judged(seed_book, "CNP PM3", "reduce")
    assert got == ("NO TARGET", None, ["target 'reduce' works from the previous year's outturn, and there is none"])


@pytest.mark.parametrize(
    ("cell", "polarity", "exp"),
    [
        ("at least 500", LOWER, TargetSense(LOWER, False, "target 'at least 500' says at least the figure, but the "
                                            "polarity is Lower is better: judged by the polarity; check which is meant")),
        ("at least 500", None, TargetSense(HIGHER, False, None)),
        ("at least 500", HIGHER, TargetSense(HIGHER, False, None)),
        ("> 75%", HIGHER, TargetSense(HIGHER, True, None)),
        ("no more than 30 per cent.", None, TargetSense(LOWER, False, None)),
        ("reduce", None, TargetSense(LOWER, True, None)),
        ("Current good performance should be maintained", HIGHER, TargetSense(HIGHER, False, None)),
        ("Improvement in performance is expected", LOWER, TargetSense(LOWER, True, None)),
        ("7.1% (1.5%)", LOWER, TargetSense(LOWER, False, None)),
    ],
)
def test_target_sense(cell, polarity, exp):
    got = target_sense(parse_cell(cell), polarity)
    assert got == exp


@pytest.mark.parametrize(
    ("cell", "polarity", "exp"),
    [
        ("a required national level of improvement of 27 per cent.", LOWER, 73.0),
        ("a required national level of improvement of 27 per cent.", HIGHER, 127.0),
        ("a required national level of improvement of 27 per cent.", None, None),
        ("A nationally set target to increase by five per cent. the number of crimes", HIGHER, 105.0),
        ("halved", LOWER, 50.0),
        ("a decrease of eight seconds", LOWER, 92.0),
    ],
)
def test_worded_target_on_an_outturn_of_100(cell, polarity, exp):
    target, _ = worded_target(parse_cell(cell), 100.0, "2010/11", Unit.NUMBER, polarity)
    got = None if target is None else round(target, 9)
    assert got == exp


def test_resolve_target_keeps_stated_targets():
    got = resolve_target(parse_cell("7.1% (1.5%)"), 0.0721, "2010/11", Unit.PERCENT)
    assert got == (0.071, [])


@pytest.mark.parametrize(("status", "value", "strict", "exp"), [
    (Status.GREEN, 75, True, Status.AMBER),  # '> 75%' at 75% is a miss within tolerance
    (Status.GREEN, 76, True, Status.GREEN),
    (Status.RED, 10, True, Status.RED),
    (Status.GREEN, 75, False, Status.GREEN),  # 'at least 75' at 75 is met
])
def test_strict_miss_only_on_the_figure(status, value, strict, exp):
    assert strict_miss(status, value, 75, strict) is exp


@pytest.mark.parametrize(
    ("value", "target", "unit", "exp"),
    [
        # a target is never a small number withheld: '<10', 'Fewer than 10 deaths' there are bounds
        (8, "<10", None, ("GREEN", 10.0, ["target: '<10' read as less than 10 (a target, not a small number withheld)"])),
        (10, "<10", None, ("AMBER", 10.0, ["target: '<10' read as less than 10 (a target, not a small number withheld)"])),
        (12, "Fewer than 10 deaths", None, ("RED", 10.0, [
            "target: 'Fewer than 10 deaths' read as less than 10 (a target, not a small number withheld)"])),
        (4, "5 or under", None, ("GREEN", 5.0, [
            "target: '5 or under' read as at most 5 (a target, not a small number withheld)"])),
        # with a unit it was never withheld: a bound in that unit
        ("9 minutes", "Under 10 minutes", None, ("GREEN", 600.0, [])),
        ("7m 30s", "Under 10 minutes", None, ("GREEN", 600.0, [])),
        ("12 days", "Fewer than 5 days", None, ("RED", 432000.0, [])),
    ],
)
def test_judge_small_number_targets_are_bounds(value, target, unit, exp):
    found = judge(IndicatorCells(value=value, target=target, unit=unit))
    got = (found.status.value, found.target, [n for n in found.notes if n.startswith("target")])
    assert got == exp


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("<10", TargetSense(LOWER, True, None)),
        ("Fewer than 10 deaths", TargetSense(LOWER, True, None)),
        ("Lower than last year", TargetSense(LOWER, True, None)),
        ("Keep below last year's level", TargetSense(LOWER, True, None)),  # strict: last year's level misses
    ],
)
def test_target_sense_of_worded_bounds(cell, exp):
    got = target_sense(parse_cell(cell), None)
    assert got == exp


def test_evaluate_keep_below_last_year_at_last_year_is_not_met(seed_book):
    got = judged(seed_book, "CNP PM3", "Keep below last year's level", value="13,485")
    assert got == ("AMBER", 13485.0, [
        "target \"Keep below last year's level\" read as below the 2010/11 outturn, 13,485"])
