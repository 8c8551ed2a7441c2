"""The partnership's calculation rules: rates, targets, gaps, RAG status, direction of travel.

Every rule is callable for one value (floats, ``None`` for missing) and, where officers work with
whole tables, vectorised over numpy arrays or pandas Series (``NaN`` for missing).  The two forms
share the arithmetic below; ``tests/test_calc.py`` checks that they agree on random inputs.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

import numpy as np

from .errors import CellError

__all__ = [
    "Status",
    "Polarity",
    "ToleranceKind",
    "Trend",
    "TrendBasis",
    "DEFAULT_TOLERANCE",
    "rate",
    "target_from_reduction",
    "gap",
    "rag_status",
    "rag_statuses",
    "direction_of_travel",
    "directions_of_travel",
    "parse_polarity",
    "polarity_from_wording",
    "parse_tolerance_kind",
]

DEFAULT_TOLERANCE = 0.05  # Safer Derbyshire: amber when missed by no more than 5% of the target


class Status(str, Enum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"
    NO_TARGET = "NO TARGET"
    AWAITED = "AWAITED"
    CHECK = "CHECK"

    def __str__(self) -> str:
        return self.value


class Polarity(str, Enum):
    LOWER_IS_BETTER = "Lower is better"
    HIGHER_IS_BETTER = "Higher is better"

    def __str__(self) -> str:
        return self.value

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better."""
        return 1 if self is Polarity.HIGHER_IS_BETTER else -1


class ToleranceKind(str, Enum):
    RELATIVE = "relative"  # a fraction of the target: 0.05 is 5% of the target
    POINTS = "points"  # an absolute margin in the indicator's units: 0.005 is 0.5 percentage points

    def __str__(self) -> str:
        return self.value


class Trend(str, Enum):
    IMPROVING = "IMPROVING"
    WORSENING = "WORSENING"
    NO_CHANGE = "NO CHANGE"

    def __str__(self) -> str:
        return self.value

    @property
    def arrow(self) -> str:
        return {"IMPROVING": "↑", "WORSENING": "↓", "NO CHANGE": "→"}[self.value]


class TrendBasis(str, Enum):
    PREVIOUS_PERIOD = "previous period"
    SAME_QUARTER_LAST_YEAR = "same quarter last year"

    def __str__(self) -> str:
        return self.value


_POLARITY_WORDS = {
    "lower": Polarity.LOWER_IS_BETTER,
    "low": Polarity.LOWER_IS_BETTER,
    "lower is better": Polarity.LOWER_IS_BETTER,
    "down": Polarity.LOWER_IS_BETTER,
    "higher": Polarity.HIGHER_IS_BETTER,
    "high": Polarity.HIGHER_IS_BETTER,
    "higher is better": Polarity.HIGHER_IS_BETTER,
    "up": Polarity.HIGHER_IS_BETTER,
}
_LOWER_OPENINGS = ("reduc", "fewer", "less", "lower", "decreas", "minimi", "cut")
_HIGHER_OPENINGS = ("increas", "more", "higher", "improv", "rais", "maximi", "greater")


def parse_polarity(text: object) -> Polarity:
    """'lower'/'higher', 'Lower is better'/'Higher is better', 'low'/'high' (any case)."""
    if isinstance(text, Polarity):
        return text
    if type(text) is str and text in _POLARITY_SEEN:
        return _POLARITY_SEEN[text]  # the same few words, in every row of a column
    key = " ".join(str(text if text is not None else "").split()).lower()
    try:
        polarity = _POLARITY_WORDS[key]
    except KeyError:
        raise CellError(str(text or ""), "a polarity: 'Lower is better' or 'Higher is better'") from None
    if type(text) is str and len(_POLARITY_SEEN) < 256:
        _POLARITY_SEEN[text] = polarity
    return polarity


_POLARITY_SEEN: dict[str, Polarity] = {}


def polarity_from_wording(description: str) -> Polarity | None:
    """The polarity an indicator's wording implies ("Fewer…", "Reduction in…", "Increase in…")."""
    first = description.strip().lower().split(" ", 1)[0] if description.strip() else ""
    if first.startswith(_LOWER_OPENINGS):
        return Polarity.LOWER_IS_BETTER
    if first.startswith(_HIGHER_OPENINGS):
        return Polarity.HIGHER_IS_BETTER
    return None


def parse_tolerance_kind(text: object) -> ToleranceKind:
    """'relative' (the default, also for blank) or 'points' ('pp', 'percentage points')."""
    if text is None:
        return ToleranceKind.RELATIVE
    if isinstance(text, ToleranceKind):
        return text
    key = " ".join(str(text).split()).lower()
    if key in ("", "relative", "rel", "%", "percent of target"):
        return ToleranceKind.RELATIVE
    if key in ("points", "point", "pp", "pts", "percentage points", "absolute"):
        return ToleranceKind.POINTS
    raise CellError(str(text), "a tolerance kind: 'relative' or 'points'")


# ---- shared arithmetic: works on floats and on numpy arrays alike -------------------------------

def _shortfall(actual: Any, target: Any, sign: Any) -> Any:
    """How far the actual falls short of the target, positive when missed (in the units)."""
    return sign * (target - actual)


def _allowance(target: Any, tolerance: Any, points: Any) -> Any:
    """The margin that still counts as AMBER: tolerance × |target|, or the tolerance itself."""
    return tolerance * (points + (1 - points) * abs(target))


def _slack(scale: Any) -> Any:
    """Room for binary rounding, so that 'exactly on the boundary' compares as exact."""
    return 1e-9 * (1 + abs(scale))


# ---- one value ---------------------------------------------------------------------------------

def rate(numerator: float, denominator: float, per: float = 1.0) -> float:
    """numerator / denominator × per; a zero or negative denominator is an error."""
    if denominator is None or numerator is None:
        raise CellError("", "a numerator and a denominator")
    if denominator <= 0:
        raise CellError(_fmt(denominator), "a denominator above zero")
    return numerator / denominator * per


def target_from_reduction(baseline: float, reduction: float) -> float:
    """baseline × (1 − reduction); a negative reduction is an increase."""
    return baseline * (1.0 - reduction)


def gap(actual: float | None, target: float | None) -> float | None:
    """actual − target, in the indicator's own units (None when either is missing)."""
    if actual is None or target is None:
        return None
    return actual - target


def rag_status(
    actual: float | None,
    target: float | None,
    polarity: Polarity | str,
    tolerance: float = DEFAULT_TOLERANCE,
    tolerance_kind: ToleranceKind | str = ToleranceKind.RELATIVE,
) -> Status:
    """GREEN (met, exactly on target included), AMBER (missed within tolerance) or RED.

    Without a value the status is AWAITED; with a value and no target, NO TARGET.  Data that
    cannot be right (CHECK) is judged before this, where the reading is known.
    """
    if polarity.__class__ is not Polarity:
        polarity = parse_polarity(polarity)
    if tolerance_kind.__class__ is not ToleranceKind:
        tolerance_kind = parse_tolerance_kind(tolerance_kind)
    points = 1 if tolerance_kind is ToleranceKind.POINTS else 0
    if tolerance is None or tolerance < 0 or math.isnan(tolerance):
        raise CellError(_fmt(tolerance), "a tolerance of zero or more")
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return Status.AWAITED
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return Status.NO_TARGET
    missed = _shortfall(actual, target, polarity.sign)
    slack = _slack(target)
    if missed <= slack:
        return Status.GREEN
    if missed <= _allowance(target, tolerance, points) + slack:
        return Status.AMBER
    return Status.RED


def direction_of_travel(
    current: float | None, previous: float | None, polarity: Polarity | str
) -> Trend | None:
    """IMPROVING, WORSENING or NO CHANGE against the previous figure; None when either is missing."""
    polarity = parse_polarity(polarity)
    if current is None or previous is None or math.isnan(current) or math.isnan(previous):
        return None
    change = polarity.sign * (current - previous)
    slack = _slack(previous)
    if change > slack:
        return Trend.IMPROVING
    if change < -slack:
        return Trend.WORSENING
    return Trend.NO_CHANGE


# ---- whole tables ------------------------------------------------------------------------------

def rag_statuses(
    actual: Any,
    target: Any,
    higher_is_better: Any,
    tolerance: Any = DEFAULT_TOLERANCE,
    points: Any = False,
    check: Any = False,
) -> np.ndarray:
    """Vectorised :func:`rag_status`: arrays (or Series) in, an array of status words out.

    ``NaN`` marks a missing value or target; ``check`` marks rows whose data cannot be right.
    """
    actual = np.asarray(actual, dtype=float)
    target = np.asarray(target, dtype=float)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    pts = np.asarray(points, dtype=bool).astype(float)
    tol = np.asarray(tolerance, dtype=float)
    with np.errstate(invalid="ignore"):
        missed = _shortfall(actual, target, sign)
        slack = _slack(target)
        allowed = _allowance(target, tol, pts) + slack
        conditions = [
            np.asarray(check, dtype=bool),
            np.isnan(actual),
            np.isnan(target),
            missed <= slack,
            missed <= allowed,
        ]
    choices = [s.value for s in (Status.CHECK, Status.AWAITED, Status.NO_TARGET, Status.GREEN, Status.AMBER)]
    return np.select(conditions, choices, default=Status.RED.value).astype(object)


def directions_of_travel(current: Any, previous: Any, higher_is_better: Any) -> np.ndarray:
    """Vectorised :func:`direction_of_travel`: trend words, or None where either figure is missing."""
    current = np.asarray(current, dtype=float)
    previous = np.asarray(previous, dtype=float)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    with np.errstate(invalid="ignore"):
        change = sign * (current - previous)
        slack = _slack(previous)
        conditions = [np.isnan(change), change > slack, change < -slack]
    choices = [None, Trend.IMPROVING.value, Trend.WORSENING.value]
    return np.select(conditions, choices, default=Trend.NO_CHANGE.value).astype(object)


def _fmt(value: object) -> str:
    return "" if value is None else f"{value}"
