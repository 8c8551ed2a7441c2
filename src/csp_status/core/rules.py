"""The partnership's calculation rules: rates, targets, gaps, RAG status, direction of travel.

Every rule is callable for one value (floats, ``None`` for missing) and, where officers work with
whole tables, vectorised over numpy arrays or pandas Series (``NaN`` for missing).  The two forms
share the arithmetic below; ``tests/test_calc.py`` checks that they agree on random inputs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from csp_status.core.errors import CellError
from csp_status.core.vocabulary import (
    DEFAULT_TOLERANCE,
    Polarity,
    Status,
    ToleranceKind,
    Trend,
    parse_polarity,
    parse_tolerance_kind,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "rate", "target_from_reduction", "gap", "rag_status", "rag_statuses", "direction_of_travel",
    "directions_of_travel", "rounding_room",
]


# ---- shared arithmetic: works on floats and on numpy arrays alike -------------------------------

def _margins(actual: Any, target: Any, sign: Any, tolerance: Any, points: Any) -> tuple[Any, Any, Any]:
    """What every status compares: how far the actual falls short of the target (positive when missed, in
    the units); the room for binary rounding at the target (:func:`rounding_room`), within which it is
    met; and the shortfall up to which a miss is AMBER: tolerance × |target|, or the tolerance itself in
    points, plus that room."""
    slack = rounding_room(target)
    return sign * (target - actual), slack, tolerance * (points + (1 - points) * abs(target)) + slack


def rounding_room(scale: Any) -> Any:
    """Room for binary rounding, so that 'exactly on the boundary' compares as exact: two figures whose
    difference is within it of a figure the size of ``scale`` are the same figure."""
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
    if tolerance is None or not tolerance >= 0:  # negative, or NaN
        raise CellError(_fmt(tolerance), "a tolerance of zero or more")
    if actual is None or actual != actual:  # none, or NaN (the one value unequal to itself)
        return _AWAITED
    if target is None or target != target:
        return _NO_TARGET
    missed, slack, allowed = _margins(actual, target, polarity.sign, tolerance, 1 if tolerance_kind is _POINTS else 0)
    if missed <= slack:
        return _GREEN
    if missed <= allowed:
        return _AMBER
    return _RED


# the members looked up once: on Python 3.11 reading one off its class (Status.GREEN) goes through the
# enum metaclass's attribute hook, a tenth of a microsecond each, on the path of every cell judged
_GREEN, _AMBER, _RED, _AWAITED, _NO_TARGET = Status.GREEN, Status.AMBER, Status.RED, Status.AWAITED, Status.NO_TARGET
_POINTS = ToleranceKind.POINTS


def direction_of_travel(
    current: float | None, previous: float | None, polarity: Polarity | str
) -> Trend | None:
    """IMPROVING, WORSENING or NO CHANGE against the previous figure; None when either is missing."""
    polarity = parse_polarity(polarity)
    if current is None or previous is None or math.isnan(current) or math.isnan(previous):
        return None
    change = polarity.sign * (current - previous)
    slack = rounding_room(previous)
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
    import numpy as np  # here, not at the top: every command imports the rules, few use whole tables

    actual = np.asarray(actual, dtype=float)
    target = np.asarray(target, dtype=float)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    pts = np.asarray(points, dtype=bool).astype(float)
    tol = np.asarray(tolerance, dtype=float)
    with np.errstate(invalid="ignore"):
        missed, slack, allowed = _margins(actual, target, sign, tol, pts)
        conditions = [
            np.asarray(check, dtype=bool),
            np.isnan(actual),
            np.isnan(target),
            missed <= slack,
            missed <= allowed,
        ]
    words = [s.value for s in (Status.CHECK, Status.AWAITED, Status.NO_TARGET, Status.GREEN, Status.AMBER, Status.RED)]
    return np.array(words, dtype=object)[np.select(conditions, range(5), default=5)]  # each word one object


def directions_of_travel(current: Any, previous: Any, higher_is_better: Any) -> np.ndarray:
    """Vectorised :func:`direction_of_travel`: trend words, or None where either figure is missing."""
    import numpy as np

    current = np.asarray(current, dtype=float)
    previous = np.asarray(previous, dtype=float)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    with np.errstate(invalid="ignore"):
        change = sign * (current - previous)
        slack = rounding_room(previous)
        conditions = [np.isnan(change), change > slack, change < -slack]
    choices = [None, Trend.IMPROVING.value, Trend.WORSENING.value]
    return np.select(conditions, choices, default=Trend.NO_CHANGE.value).astype(object)


def _fmt(value: object) -> str:
    return "" if value is None else f"{value}"
