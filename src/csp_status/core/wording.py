"""Showing numbers the way officers write them: '7.75%', '13,102', '53.7 per 1,000'."""

from __future__ import annotations

import math
from decimal import Decimal

from csp_status.core.vocabulary import Unit

__all__ = ["format_value", "format_gap"]


def format_value(value: float | None, unit: Unit | None, decimals: int | None = None) -> str:
    """A value in its unit; ``decimals`` as shown in the source, else up to two, trimmed."""
    if value is None:
        return ""
    if not math.isfinite(value):  # worked out from figures near the largest a cell holds
        return TOO_LARGE
    text = _in_units(value, unit.scale if unit is not None else 1.0, decimals)
    if unit is Unit.PERCENT:
        return f"{text}%"
    if unit is Unit.GBP:
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    if unit is None or unit is Unit.NUMBER:
        return text
    return f"{text} {unit.value}"


def format_gap(gap: float | None, target: float | None, unit: Unit | None) -> str:
    """The gap to target in the indicator's units and relative to the target: '+0.39 pts (2.6% above)'."""
    if gap is None or target is None:
        return ""
    if not (math.isfinite(gap) and math.isfinite(target)):
        return TOO_LARGE
    sign = "+" if gap > 0 else "−" if gap < 0 else ""
    if unit is Unit.PERCENT:
        absolute = f"{sign}{_in_units(abs(gap), 100.0)} pts"
    else:
        absolute = sign + _in_units(abs(gap), unit.scale if unit is not None else 1.0)
    if target == 0 or abs(gap) < 1e-12:
        return absolute if abs(gap) >= 1e-12 else "on target"
    share = abs(gap) / abs(target)
    side = "above" if gap > 0 else "below"
    if not math.isfinite(share):  # a gap far larger than its target: the share says nothing an officer can use
        return f"{absolute} ({side} target)"
    return f"{absolute} ({_in_units(share, 100.0, 1)}% {side} target)"


TOO_LARGE = "too large to show"
_HUGE = 1e15  # from here on a figure is shown as Excel's General format shows it: 1.8E+308


def _scientific(value: float, scale: float) -> str:
    """A figure too large to write out, as Excel shows it ('1.8E+308'), worked out in decimal so that
    a percentage near the largest number a cell holds does not overflow when it is scaled."""
    mantissa, exponent = f"{Decimal(repr(value)) * Decimal(repr(scale)):.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{exponent[0]}{exponent[1:].zfill(2)}"


def _in_units(number: float, scale: float, decimals: int | None = None) -> str:
    """A stored figure in the units shown (times ``scale``), written out, or as Excel shows one too large."""
    shown = number * scale
    return _number(shown, decimals) if abs(shown) < _HUGE else _scientific(number, scale)


def _number(number: float, decimals: int | None) -> str:
    if decimals is None:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return f"{number:,.{decimals}f}"
