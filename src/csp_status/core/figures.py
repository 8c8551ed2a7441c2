"""Whether a figure can be right (the CHECK rule), and what else its reading says of it.

Every shell's judgement asks these through :func:`~csp_status.core.judgement.decide`; the column
road (:mod:`csp_status.core.columns`) asks the same functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csp_status.core.parse import Reading, in_row_unit
from csp_status.core.vocabulary import Placeholder, Unit, same_kind
from csp_status.core.wording import format_value

if TYPE_CHECKING:
    import numpy as np

__all__ = ["value_problems", "value_notes", "stated_unit", "checked_value", "sheet_numbers_in_unit"]

_OVER_WHOLE = 1 + 1e-12  # a proportion above this is over 100% (room for binary rounding)


def value_problems(reading: Reading, value: float | None, unit: Unit | None) -> list[str]:
    """Why a value cannot be right (the CHECK rule), in words that name the text; empty when fine."""
    if reading.placeholder is Placeholder.UNREADABLE:
        return [reading.reason or f"cannot read {reading.text.strip()!r}"]
    if value is None:
        return []
    written, num, den = reading.unit, reading.numerator, reading.denominator
    row_unit = unit or written
    mismatch = unit is not None and written is not None and written is not Unit.NUMBER and not same_kind(written, unit)
    over = row_unit is Unit.PERCENT and value > _OVER_WHOLE
    counts = None
    if num is not None and den is not None:
        if den <= 0:
            counts = f"has a denominator of {den:g}"
        elif num > den and row_unit is Unit.PERCENT:
            counts = f": numerator {num:g} is more than denominator {den:g}"
        elif num < 0:
            counts = "has a negative numerator"
    if not (mismatch or over or counts or value < 0):
        return []  # the usual case, answered without building any text
    shown = repr(reading.text.strip())
    problems = []
    if mismatch:
        problems.append(f"{shown} is written {written.value} but the row is {unit.value}")
    if value < 0:
        kind = {Unit.PERCENT: "proportion", Unit.PER_1000: "rate"}.get(row_unit, "count")
        problems.append(f"{shown} is a negative {kind}")
    if over:
        problems.append(f"{shown} is a proportion over 100%")
    if counts:
        problems.append(f"{shown}{counts}" if counts.startswith(":") else f"{shown} {counts}")
    return problems


def value_notes(reading: Reading) -> list[str]:
    """Remarks on a readable value that do not make it wrong: a percentage that its counts do not give."""
    num, den, value = reading.numerator, reading.denominator, reading.value
    if num is None or not den or den <= 0 or value is None or reading.unit is not Unit.PERCENT:
        return []
    step = 10.0 ** -(reading.decimals or 0) / 100
    if abs(num / den - value) <= step + 1e-12:
        return []
    return [
        f"{reading.text.strip()!r}: {num:g}/{den:g} is {format_value(num / den, Unit.PERCENT, 2)}, "
        f"not {format_value(value, Unit.PERCENT, reading.decimals)}"
    ]


def stated_unit(reading: Reading) -> Unit | None:
    """The unit a figure states ('15.59%', '53.7 per 1,000'), when the Indicators sheet gives none."""
    unit = reading.unit
    return None if unit is None or unit is Unit.NUMBER else unit


def checked_value(reading: Reading, unit: Unit | None) -> float | None:
    """A figure's value in the row's unit; None when it holds none or cannot be right."""
    value, _ = in_row_unit(reading, unit)
    if value is None or value_problems(reading, value, unit):
        return None
    return value


def sheet_numbers_in_unit(numbers: np.ndarray, unit: Unit | None) -> tuple[np.ndarray, np.ndarray]:
    """Column form of :func:`~csp_status.core.parse.in_row_unit` and :func:`value_problems` for spreadsheet
    numbers (finite floats, read with no text of their own) in a row of ``unit``: each in the row's unit,
    and whether it can be right.  ``tests/test_columns.py`` checks that the forms agree."""
    import numpy as np  # here: only the column road works on arrays

    if unit is Unit.PERCENT:  # a plain 37 in a percentage row is 37%; 0.37 is stored as the fraction
        numbers = np.where(np.abs(numbers) > 1, numbers / 100.0, numbers)
        return numbers, (numbers >= 0) & (numbers <= _OVER_WHOLE)
    if unit is not None and unit.scale != 1.0:  # a plain number in a row of minutes is minutes
        with np.errstate(over="ignore"):  # a figure too large in seconds is inf, as one alone is
            numbers = numbers / unit.scale
    return numbers, numbers >= 0
