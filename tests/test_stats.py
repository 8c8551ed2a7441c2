"""Confidence intervals as in Public Health England's methods: Wilson, Byar, exact Poisson."""

from __future__ import annotations

import pytest

from csp_status.core.stats import (
    Interval,
    byar_interval,
    compare_to_target,
    poisson_exact_interval,
    wilson_interval,
)


def rounded(interval: Interval, places: int) -> tuple[float, float, str]:
    return round(interval.low, places), round(interval.high, places), interval.method


@pytest.mark.parametrize(
    ("successes", "trials", "confidence", "places", "exp"),
    [
        (65, 100, 0.95, 6, (0.552544, 0.736358, "Wilson")),
        (99, 1278, 0.95, 4, (0.0640, 0.0934, "Wilson")),  # PM2: 6.40%–9.34%
        (62, 124, 0.95, 4, (0.4133, 0.5867, "Wilson")),  # PM7: symmetric about 50%
        (0, 10, 0.95, 4, (0.0, 0.2775, "Wilson")),
        (10, 10, 0.95, 4, (0.7225, 1.0, "Wilson")),
        (65, 100, 0.99, 4, (0.5213, 0.7600, "Wilson")),
    ],
)
def test_wilson_interval(successes, trials, confidence, places, exp):
    got = rounded(wilson_interval(successes, trials, confidence), places)
    assert got == exp


@pytest.mark.parametrize(
    ("count", "places", "exp"),
    [
        (65, 4, (50.1632, 82.8491, "Byar")),
        (10, 4, (4.7874, 18.3915, "Byar")),  # 10 and over: Byar
        (13102, 0, (12879.0, 13328.0, "Byar")),  # PM3's crimes
        (9, 4, (4.1154, 17.0848, "exact Poisson")),  # under 10: exact
        (1, 4, (0.0253, 5.5716, "exact Poisson")),
        (0, 4, (0.0, 3.6889, "exact Poisson")),
    ],
)
def test_byar_interval(count, places, exp):
    got = rounded(byar_interval(count), places)
    assert got == exp


@pytest.mark.parametrize(
    ("count", "exp"),
    [
        (0, (0.0, 3.6889, "exact Poisson")),
        (1, (0.0253, 5.5716, "exact Poisson")),
        (5, (1.6235, 11.6683, "exact Poisson")),
        (9, (4.1154, 17.0848, "exact Poisson")),
    ],
)
def test_poisson_exact_interval(count, exp):
    got = rounded(poisson_exact_interval(count), 4)
    assert got == exp


@pytest.mark.parametrize(
    ("call", "exp"),
    [
        (lambda: wilson_interval(5, 0), "need 0 <= successes <= trials and trials > 0, got 5/0"),
        (lambda: wilson_interval(11, 10), "need 0 <= successes <= trials and trials > 0, got 11/10"),
        (lambda: wilson_interval(-1, 10), "need 0 <= successes <= trials and trials > 0, got -1/10"),
        (lambda: wilson_interval(5, 10, 1.5), "confidence must be between 0 and 1, not 1.5"),
        (lambda: byar_interval(-1), "a count cannot be negative, got -1"),
        (lambda: byar_interval(20, 0), "confidence must be between 0 and 1, not 0"),
        (lambda: poisson_exact_interval(2.5), "an exact Poisson interval needs a whole count, got 2.5"),
    ],
)
def test_intervals_reject_impossible_input(call, exp):
    with pytest.raises(ValueError) as info:
        call()
    got = str(info.value)
    assert got == exp


@pytest.mark.parametrize(
    ("interval", "target", "exp"),
    [
        (wilson_interval(99, 1278), 0.071, "not significantly different"),  # PM2 against 7.1%
        (wilson_interval(99, 1278), 0.05, "significantly above"),
        (wilson_interval(99, 1278), 0.10, "significantly below"),
        (byar_interval(13102), 13282, "not significantly different"),  # PM3
        (Interval(0.1, 0.2, "Wilson"), 0.1, "not significantly different"),  # the ends are inside
        (Interval(0.1, 0.2, "Wilson"), 0.2, "not significantly different"),
    ],
)
def test_compare_to_target(interval, target, exp):
    got = compare_to_target(interval, target)
    assert got == exp


def test_interval_scaled_to_per_1000():
    got = Interval(10.0, 20.0, "Byar").scaled(1000 / 250_000)
    assert got == Interval(0.04, 0.08, "Byar")
