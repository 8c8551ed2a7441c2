"""Whether a figure can be right (the CHECK rule), and what else its reading says of it.

Every shell's judgement asks these through :func:`~csp_status.core.judgement.decide`; the column
road (:mod:`csp_status.core.columns`) asks the same functions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from csp_status.core.parse import Reading, as_written, in_row_unit, sheet_number_rescale
from csp_status.core.vocabulary import Placeholder, Unit, same_kind
from csp_status.core.wording import format_value

if TYPE_CHECKING:
    import numpy as np

__all__ = ["value_problems", "target_problems", "value_notes", "stated_unit", "checked_value", "sheet_numbers_in_unit",
           "typed_figures_in_unit"]

_OVER_WHOLE = 1 + 1e-12  # a proportion above this is over 100% (room for binary rounding)
_NAN = math.nan


# looked up once: on Python 3.11 reading a member off its class (Unit.NUMBER) goes through the enum
# metaclass's attribute hook, a tenth of a microsecond each, on the path of every cell judged
_UNREADABLE, _NUMBER, _PERCENT = Placeholder.UNREADABLE, Unit.NUMBER, Unit.PERCENT

def value_problems(reading: Reading, value: float | None, unit: Unit | None) -> list[str]:
    """Why a value cannot be right (the CHECK rule), in words that name the text; empty when fine."""
    if reading.placeholder is _UNREADABLE:
        return [reading.reason or f"cannot read {reading.text.strip()!r}"]
    if value is None:
        return []
    written, num, den = reading.unit, reading.numerator, reading.denominator
    row_unit = unit or written
    if num is None or den is None:
        num = den = _NAN  # no counts: none of their tests fails
    mismatch = written is not unit and _mismatch(written, unit)  # a unit is always its own kind
    negative, over, no_total, more_than_total, negative_count = _failings(value, num, den, row_unit is _PERCENT)
    if not (mismatch or negative or over or no_total or more_than_total or negative_count):
        return []  # the usual case, answered without building any text
    shown = repr(reading.text.strip())
    problems = []
    if mismatch:
        problems.append(f"{shown} is written {written.value} but the row is {unit.value}")
    if negative:
        kind = {Unit.PERCENT: "proportion", Unit.PER_1000: "rate"}.get(row_unit, "count")
        problems.append(f"{shown} is a negative {kind}")
    if over:
        problems.append(f"{shown} is a proportion over 100%")
    if no_total:
        problems.append(f"{shown} has a denominator of {den:g}")
    elif more_than_total:
        problems.append(f"{shown}: numerator {num:g} is more than denominator {den:g}")
    elif negative_count:
        problems.append(f"{shown} has a negative numerator")
    return problems


def target_problems(reading: Reading, unit: Unit | None, figure: Reading | None = None,
                    value: float | None = None) -> list[str]:
    """Why a target cannot be right beside its figures: a figure written in another kind of unit ('45%' for a
    count, '12 per 1,000' for a percentage), which no status can compare with them; empty when fine.

    ``unit`` is the row's unit (set, or stated by its figure).  In a row of none the target is held to the
    ``figure`` as typed (its ``value`` read): a bare '15' is a number; a spreadsheet number states no unit,
    but one above 1 is no proportion stored as a fraction (a cell shown as 15% holds 0.15).  A lone
    bracketed figure ('(1.5%)') is a reduction, in any unit."""
    written = reading.unit
    if written is unit or written is None or reading.bracketed:
        return []
    if unit is not None:
        if not _mismatch(written, unit):
            return []
        return [f"target {reading.text.strip()!r} is written {written.value} but the row is {unit.value}"]
    if figure is None:
        return []
    if figure.unit is None:  # a spreadsheet number
        if written is _PERCENT and value is not None and abs(value) > _OVER_WHOLE:
            return [f"target {reading.text.strip()!r} is written percent but the figure {figure.text.strip()!r} is "
                    "above 100%: set the indicator's unit in Indicators"]
        return []
    if not _mismatch(written, figure.unit):
        return []
    return [f"target {reading.text.strip()!r} is written {written.value} but the figure {figure.text.strip()!r} "
            f"is a {figure.unit.value}: set the indicator's unit in Indicators"]


def _mismatch(written: Unit | None, unit: Unit | None) -> bool:
    """A figure written in one kind of unit in a row of another ('15%' in a row of counts)."""
    return unit is not None and written is not None and written is not _NUMBER and not same_kind(written, unit)


def _failings(value: Any, num: Any, den: Any, percent: bool) -> tuple[Any, ...]:
    """The CHECK rule's tests of a figure and its counts (NaN: none), each true where it fails: a negative
    figure, a proportion over 100%, a total of nothing or less, more counted than the total in a
    proportion, a negative count.  On one figure, or on arrays of them element by element."""
    return value < 0, percent & (value > _OVER_WHOLE), den <= 0, percent & (num > den), num < 0


def typed_figures_in_unit(value: np.ndarray, num: np.ndarray, den: np.ndarray, written: Unit,
                          unit: Unit | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Column form of :func:`~csp_status.core.parse.in_row_unit` and :func:`value_problems` for typed
    figures written in ``written`` (their values and counts, NaN for none) in a row of ``unit``: each in
    the row's unit, and whether it can be right; None when the row's unit changes them (one at a
    time, by the one-value rules).  ``tests/test_columns.py`` checks that the forms agree."""
    import numpy as np  # here: only the column road works on arrays

    if not as_written(written, unit):
        return None
    counted = ~np.isnan(num) & ~np.isnan(den)
    tests = _failings(value, np.where(counted, num, _NAN), np.where(counted, den, _NAN),
                      (unit or written) is Unit.PERCENT)
    return value, ~(_mismatch(written, unit) | np.logical_or.reduce(tests))


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
    return None if unit is None or unit is _NUMBER else unit


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

    rescale = sheet_number_rescale(unit)
    if rescale is not None:
        above, divisor = rescale
        with np.errstate(over="ignore"):  # a figure too large in seconds is inf, as one alone is
            numbers = np.where(np.abs(numbers) > above, numbers / divisor, numbers)
    negative, over = _failings(numbers, _NAN, _NAN, unit is Unit.PERCENT)[:2]  # no counts
    return numbers, ~(negative | over)
