"""The partnership's rules: rates, targets, gaps, RAG status and direction of travel."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_status.core.errors import CellError
from csp_status.core.grammar.polarity import read_polarity
from csp_status.core.rules import (
    direction_of_travel,
    directions_of_travel,
    gap,
    rag_status,
    rag_statuses,
    rate,
    target_from_reduction,
)
from csp_status.core.vocabulary import (
    Polarity,
    Status,
    ToleranceKind,
    Trend,
    parse_polarity,
    parse_tolerance_kind,
)

NAN = math.nan
LOWER, HIGHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER
GREEN, AMBER, RED = Status.GREEN, Status.AMBER, Status.RED


# ---- rag_status --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("actual", "target", "polarity", "tolerance", "kind", "exp"),
    [
        # lower is better, 5% of the target (relative)
        (0.2, 0.2, "lower", 0.05, "relative", GREEN),  # exactly on target
        (0.19, 0.2, "lower", 0.05, "relative", GREEN),
        (0.21, 0.2, "lower", 0.05, "relative", AMBER),  # exactly at the tolerance
        (0.2101, 0.2, "lower", 0.05, "relative", RED),  # just past it
        (0.07455, 0.071, "lower", 0.05, "relative", AMBER),
        (0.0746, 0.071, "lower", 0.05, "relative", RED),
        (13282 * 1.05, 13282, "lower", 0.05, "relative", AMBER),
        (13946.2, 13282, "lower", 0.05, "relative", RED),
        # the seed's figures
        (0.1559, 0.152, "Lower is better", 0.05, "relative", AMBER),  # PM9, 2.6% over
        (0.0775, 0.071, "Lower is better", 0.05, "relative", RED),  # PM2 typed as 7.75%, 9.2% over
        (13102, 13282, "Lower is better", 0.05, "relative", GREEN),  # PM3
        (53.7, 54.3, "Lower is better", 0.05, "relative", GREEN),  # PM4
        # percentage points instead of a fraction of the target
        (0.076, 0.071, "lower", 0.005, "points", AMBER),
        (0.0761, 0.071, "lower", 0.005, "points", RED),
        (0.076, 0.071, "lower", 0.05, "relative", RED),  # the same miss, relative: 5% of 7.1% is 0.355 pts
        (0.0745, 0.071, "lower", 0.005, "points", AMBER),
        (0.071, 0.071, "lower", 0.005, "points", GREEN),
        # higher is better mirrors it
        (0.2, 0.2, "higher", 0.05, "relative", GREEN),
        (0.25, 0.2, "higher", 0.05, "relative", GREEN),
        (0.19, 0.2, "higher", 0.05, "relative", AMBER),
        (0.1899, 0.2, "higher", 0.05, "relative", RED),
        (0.066, 0.071, "higher", 0.005, "points", AMBER),
        (0.0659, 0.071, "higher", 0.005, "points", RED),
        (0.5, 0.43, "Higher is better", 0.05, "relative", GREEN),
        # no tolerance: any miss is RED
        (0.2, 0.2, "lower", 0.0, "relative", GREEN),
        (0.2001, 0.2, "lower", 0.0, "relative", RED),
        # a zero target: relative tolerance allows nothing, points still do
        (0.0, 0.0, "lower", 0.05, "relative", GREEN),
        (0.01, 0.0, "lower", 0.05, "relative", RED),
        (0.01, 0.0, "lower", 0.01, "points", AMBER),
        # missing figures
        (None, 0.2, "lower", 0.05, "relative", Status.AWAITED),
        (NAN, 0.2, "lower", 0.05, "relative", Status.AWAITED),
        (None, None, "lower", 0.05, "relative", Status.AWAITED),
        (0.2, None, "lower", 0.05, "relative", Status.NO_TARGET),
        (0.2, NAN, "higher", 0.05, "relative", Status.NO_TARGET),
    ],
)
def test_rag_status(actual, target, polarity, tolerance, kind, exp):
    got = rag_status(actual, target, polarity, tolerance, kind)
    assert got == exp


def test_rag_status_defaults_are_five_percent_relative():
    got = [rag_status(0.21, 0.2, "lower"), rag_status(0.2101, 0.2, "lower")]
    assert got == [AMBER, RED]


@pytest.mark.parametrize(
    ("polarity", "exp"),
    [
        ("lower", AMBER),
        ("LOWER", AMBER),
        ("low", AMBER),
        ("Lower is better", AMBER),
        ("  lower   is  better ", AMBER),
        (LOWER, AMBER),
        ("higher", GREEN),
        ("high", GREEN),
        ("Higher is better", GREEN),
        ("HIGHER IS BETTER", GREEN),
        (HIGHER, GREEN),
    ],
)
def test_rag_status_polarity_words(polarity, exp):
    got = rag_status(0.21, 0.2, polarity)
    assert got == exp


@pytest.mark.parametrize(
    ("polarity", "exp"),
    [
        ("better", "cannot read 'better': expected a polarity: 'Lower is better' or 'Higher is better'"),
        ("reduction", "cannot read 'reduction': expected a polarity: 'Lower is better' or 'Higher is better'"),
        ("lower is worse", "cannot read 'lower is worse': expected a polarity: 'Lower is better' or 'Higher is better'"),
        ("", "cannot read '': expected a polarity: 'Lower is better' or 'Higher is better'"),
        (None, "cannot read '': expected a polarity: 'Lower is better' or 'Higher is better'"),
        (1, "cannot read '1': expected a polarity: 'Lower is better' or 'Higher is better'"),
    ],
)
def test_rag_status_bad_polarity_raises(polarity, exp):
    with pytest.raises(CellError) as info:
        rag_status(None, 0.2, polarity)
    got = str(info.value)
    assert got == exp


@pytest.mark.parametrize(
    ("tolerance", "kind", "exp"),
    [
        (-0.05, "relative", "cannot read '-0.05': expected a tolerance of zero or more"),
        (NAN, "relative", "cannot read 'nan': expected a tolerance of zero or more"),
        (None, "relative", "cannot read '': expected a tolerance of zero or more"),
        (0.05, "bananas", "cannot read 'bananas': expected a tolerance kind: 'relative' or 'points'"),
    ],
)
def test_rag_status_bad_tolerance_raises(tolerance, kind, exp):
    with pytest.raises(CellError) as info:
        rag_status(0.2, 0.2, "lower", tolerance, kind)
    got = str(info.value)
    assert got == exp


@pytest.mark.parametrize(
    ("text", "exp"),
    [
        (None, ToleranceKind.RELATIVE),
        ("", ToleranceKind.RELATIVE),
        ("relative", ToleranceKind.RELATIVE),
        ("Points", ToleranceKind.POINTS),
        ("percentage points", ToleranceKind.POINTS),
        ("pp", ToleranceKind.POINTS),
        (ToleranceKind.POINTS, ToleranceKind.POINTS),
    ],
)
def test_parse_tolerance_kind(text, exp):
    got = parse_tolerance_kind(text)
    assert got == exp


@pytest.mark.parametrize(
    ("text", "exp"),
    [
        ("lower", LOWER),
        ("low", LOWER),
        ("Lower is better", LOWER),
        ("higher", HIGHER),
        ("high", HIGHER),
        ("Higher is better", HIGHER),
        (HIGHER, HIGHER),
    ],
)
def test_parse_polarity(text, exp):
    got = parse_polarity(text)
    assert got == exp


# ---- rag_statuses agrees with rag_status ---------------------------------------------------------

FIGURE = st.one_of(
    st.floats(allow_infinity=False),  # NaN included: a missing figure
    st.floats(min_value=-1000, max_value=1000),
    st.sampled_from([0.0, 0.071, 0.152, 0.2, 13282.0, 54.3, NAN]),
)
TOLERANCE = st.one_of(st.sampled_from([0.0, 0.005, 0.05, 0.1]), st.floats(min_value=0, max_value=1))


@st.composite
def rag_rows(draw):
    """One row: actual, target, higher is better, tolerance, points; often right on a boundary."""
    target = draw(FIGURE)
    higher = draw(st.booleans())
    tolerance = draw(TOLERANCE)
    points = draw(st.booleans())
    allowance = tolerance if points else tolerance * abs(target)
    sign = 1 if higher else -1
    on_boundary = target - sign * draw(st.sampled_from([0.0, 1.0, 1.0001, 0.9999])) * allowance
    actual = draw(st.one_of(FIGURE, st.just(on_boundary)))
    return actual, target, higher, tolerance, points


@given(st.lists(rag_rows(), min_size=1, max_size=30))
def test_rag_statuses_agrees_with_rag_status(rows):
    actual, target, higher, tolerance, points = (list(column) for column in zip(*rows))
    got = list(rag_statuses(np.array(actual), np.array(target), higher, tolerance, points))
    exp = [
        rag_status(a, t, HIGHER if h else LOWER, tol, "points" if p else "relative").value
        for a, t, h, tol, p in rows
    ]
    assert got == exp


def test_rag_statuses_takes_series_and_check_wins():
    frame = pd.DataFrame(
        {
            "value": [0.21, 0.2101, NAN, 0.2, -0.0775, 0.076],
            "target": [0.2, 0.2, 0.2, NAN, 0.071, 0.071],
            "higher": [False, False, False, True, False, False],
            "tolerance": [0.05, 0.05, 0.05, 0.05, 0.05, 0.005],
            "points": [False, False, False, False, False, True],
            "check": [False, False, False, False, True, False],
        }
    )
    got = list(rag_statuses(frame["value"], frame["target"], frame["higher"], frame["tolerance"],
                            frame["points"], frame["check"]))
    assert got == ["AMBER", "RED", "AWAITED", "NO TARGET", "CHECK", "AMBER"]


def test_rag_statuses_scalar_defaults():
    got = list(rag_statuses([0.2, 0.21, 0.2101], 0.2, False))
    assert got == ["GREEN", "AMBER", "RED"]


# ---- direction of travel -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("current", "previous", "polarity", "exp"),
    [
        (13102, 13485, "lower", Trend.IMPROVING),  # PM3
        (53.7, 55.2, "lower", Trend.IMPROVING),  # PM4
        (0.5, 0.43, "higher", Trend.IMPROVING),  # PM7
        (0.42, 0.428, "higher", Trend.WORSENING),  # PM8
        (0.1559, 0.1545, "Lower is better", Trend.WORSENING),  # PM9
        (0.1545, 0.1559, "Higher is better", Trend.WORSENING),
        (0.2, 0.2, "lower", Trend.NO_CHANGE),
        (0.1 + 0.2, 0.3, "higher", Trend.NO_CHANGE),  # binary rounding is no change
        (None, 0.2, "lower", None),
        (0.2, None, "lower", None),
        (NAN, 0.2, "lower", None),
        (0.2, NAN, "higher", None),
    ],
)
def test_direction_of_travel(current, previous, polarity, exp):
    got = direction_of_travel(current, previous, polarity)
    assert got == exp


def test_direction_of_travel_arrows():
    got = [t.arrow for t in (Trend.IMPROVING, Trend.WORSENING, Trend.NO_CHANGE)]
    assert got == ["↑", "↓", "→"]


def test_direction_of_travel_bad_polarity_raises():
    with pytest.raises(CellError):
        direction_of_travel(1.0, 2.0, "sideways")


TREND_FIGURE = st.one_of(st.floats(allow_infinity=False), st.sampled_from([0.0, 0.3, 0.1 + 0.2, NAN]))


@given(st.lists(st.tuples(TREND_FIGURE, TREND_FIGURE, st.booleans()), min_size=1, max_size=30))
def test_directions_of_travel_agrees_with_direction_of_travel(rows):
    current, previous, higher = (list(column) for column in zip(*rows))
    got = list(directions_of_travel(np.array(current), np.array(previous), higher))
    exp = [
        (lambda t: t.value if t else None)(direction_of_travel(c, p, HIGHER if h else LOWER))
        for c, p, h in rows
    ]
    assert got == exp


# ---- rate, target, gap ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("numerator", "denominator", "per", "exp"),
    [
        (62, 124, 1.0, 0.5),  # PM7 50% (62/124)
        (99, 1278, 1.0, pytest.approx(0.0774648, abs=1e-7)),  # PM2's repeat rate, 7.75%
        (42, 99, 100.0, pytest.approx(42.4242, abs=1e-4)),
        (13102, 250_000, 1000.0, pytest.approx(52.408)),  # per 1,000 residents
        (0, 124, 1.0, 0.0),
    ],
)
def test_rate(numerator, denominator, per, exp):
    got = rate(numerator, denominator, per)
    assert got == exp


@pytest.mark.parametrize(
    ("numerator", "denominator", "exp"),
    [
        (62, 0, "cannot read '0': expected a denominator above zero"),
        (62, -5, "cannot read '-5': expected a denominator above zero"),
        (None, 124, "cannot read '': expected a numerator and a denominator"),
        (62, None, "cannot read '': expected a numerator and a denominator"),
    ],
)
def test_rate_bad_denominator_raises(numerator, denominator, exp):
    with pytest.raises(CellError) as info:
        rate(numerator, denominator)
    got = str(info.value)
    assert got == exp


@pytest.mark.parametrize(
    ("baseline", "reduction", "exp"),
    [
        (0.0721, 0.015, 0.0710),  # PM2: 7.21% less 1.5% = 7.10%
        (0.0721, 0.03, 0.0699),
        (55.2, 0.015, 54.3720),  # PM4, per 1,000
        (0.1545, 0.015, 0.1522),  # PM9
        (13485, 0.015, 13282.7250),  # PM3
        (100, -0.02, 102.0),  # a negative reduction is an increase
        (100, 0.0, 100.0),
    ],
)
def test_target_from_reduction(baseline, reduction, exp):
    got = round(target_from_reduction(baseline, reduction), 4)
    assert got == exp


@pytest.mark.parametrize(
    ("actual", "target", "exp"),
    [
        (0.1559, 0.152, pytest.approx(0.0039)),  # PM9: +0.39 points
        (13102, 13282, -180),  # PM3
        (53.7, 54.3, pytest.approx(-0.6)),  # PM4
        (0.2, 0.2, 0.0),
        (None, 0.2, None),
        (0.2, None, None),
        (None, None, None),
    ],
)
def test_gap(actual, target, exp):
    got = gap(actual, target)
    assert got == exp


# ---- polarity from wording ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("description", "exp"),
    [
        # the seed's descriptions
        ("Fewer convictions amongst those re-offenders who have participated in the Integrated "
         "Offender Management (IOM) programme", LOWER),
        ("Fewer repeat burglaries", LOWER),
        ("Reduction in overall crime", LOWER),
        ("Fewer new offences committed", LOWER),
        ("Reduction in the number of attendances at the Emergency department for alcohol related "
         "incidents", LOWER),
        ("Reduction in the number of offenders with alcohol or drug problems", LOWER),
        ("Increase in the number of successful treatment outcomes for drug abusers", HIGHER),
        ("Increase in the number of successful treatment outcomes for alcohol abusers", HIGHER),
        ("Reduction in repeat incidents of domestic violence", LOWER),
        # other wordings partnerships use
        ("Reducing re-offending", LOWER),
        ("Reduce anti-social behaviour", LOWER),
        ("Decreasing first-time entrants", LOWER),
        ("  fewer casualties", LOWER),
        ("Increasing confidence in the police", HIGHER),
        ("Improved perceptions of safety", HIGHER),
        ("More victims satisfied", HIGHER),
        ("Number of arson incidents", LOWER),  # arson is plainly bad to have more of (was None: a misreading)
        ("Number of incidents attended", None),
        ("", None),
        ("   ", None),
    ],
)
def test_polarity_from_wording(description, exp):
    got = read_polarity(description).polarity
    assert got == exp
