"""Confidence intervals for indicators, as in Public Health England's methods (stdlib only).

* proportions: the Wilson score interval;
* counts and rates: Byar's approximation, with the exact Poisson interval for counts under 10.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = ["Interval", "wilson_interval", "byar_interval", "poisson_exact_interval", "compare_to_target"]


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float
    method: str

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def scaled(self, factor: float) -> "Interval":
        return Interval(self.low * factor, self.high * factor, self.method)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson_interval(successes: float, trials: float, confidence: float = 0.95) -> Interval:
    """The Wilson score interval of the proportion successes / trials."""
    if trials <= 0 or successes < 0 or successes > trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes}/{trials}")
    z = _z(confidence)
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(low, high, "Wilson")


def byar_interval(count: float, confidence: float = 0.95) -> Interval:
    """The interval of a count: Byar's method, exact Poisson for counts under 10."""
    if count < 0:
        raise ValueError(f"a count cannot be negative, got {count}")
    if count < 10:
        return poisson_exact_interval(count, confidence)
    z = _z(confidence)
    low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    up = count + 1
    high = up * (1 - 1 / (9 * up) + z / (3 * math.sqrt(up))) ** 3
    return Interval(low, high, "Byar")


def poisson_exact_interval(count: float, confidence: float = 0.95) -> Interval:
    """The exact (Garwood) interval of a Poisson count, by bisection on the Poisson distribution."""
    alpha = 1 - confidence
    k = int(round(count))
    if k != count or k < 0:
        raise ValueError(f"an exact Poisson interval needs a whole count, got {count}")
    low = 0.0 if k == 0 else _solve(lambda lam: 1 - _poisson_cdf(k - 1, lam) - alpha / 2, k)
    high = _solve(lambda lam: alpha / 2 - _poisson_cdf(k, lam), k)
    return Interval(low, high, "exact Poisson")


def _poisson_cdf(k: int, lam: float) -> float:
    if lam == 0:
        return 1.0
    term = math.exp(-lam)
    total = term
    for i in range(1, k + 1):
        term *= lam / i
        total += term
    return min(total, 1.0)


def _solve(increasing, k: int) -> float:
    """The root of an increasing function of lambda on [0, k + 50], to 1e-12."""
    lo, hi = 0.0, k + 50.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if increasing(mid) < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2


def compare_to_target(interval: Interval, target: float) -> str:
    """'not significantly different', 'significantly above' or 'significantly below' the target."""
    if interval.contains(target):
        return "not significantly different"
    return "significantly above" if interval.low > target else "significantly below"
