"""Showing numbers the way officers write them: '7.75%', '13,102', '53.7 per 1,000'."""

from __future__ import annotations

from csp_status.core.vocabulary import Unit

__all__ = ["format_value", "format_gap"]


def format_value(value: float | None, unit: Unit | None, decimals: int | None = None) -> str:
    """A value in its unit; ``decimals`` as shown in the source, else up to two, trimmed."""
    if value is None:
        return ""
    shown = value * unit.scale if unit is not None else value
    text = _number(shown, decimals)
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
    if unit is Unit.PERCENT:
        absolute = f"{_signed(gap * 100)} pts"
    else:
        absolute = _signed(gap * (unit.scale if unit is not None else 1.0))
    if target == 0 or abs(gap) < 1e-12:
        return absolute if abs(gap) >= 1e-12 else "on target"
    relative = abs(gap) / abs(target) * 100
    side = "above" if gap > 0 else "below"
    return f"{absolute} ({_number(relative, 1)}% {side} target)"


def _signed(number: float) -> str:
    text = _number(abs(number), None)
    return ("+" if number > 0 else "−" if number < 0 else "") + text


def _number(number: float, decimals: int | None) -> str:
    if decimals is None:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return f"{number:,.{decimals}f}"
