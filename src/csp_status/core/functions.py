"""The worksheet functions' rules, for one value at a time (no xlwings here).

``udfs/csp_udfs.py`` wraps these for Excel (ranges, error messages in cells); the refresh uses them
to write the cached values of the ``CSP_*`` formula cells, so that what a reader without Excel sees
is what Excel itself will calculate.  Arguments are cells: a number, messy text, or blank (None).
"""

from __future__ import annotations

from csp_status.core.vocabulary import DEFAULT_TOLERANCE, Status, parse_polarity, parse_tolerance_kind
from csp_status.core.rules import direction_of_travel, rag_status, rate, target_from_reduction
from csp_status.core.errors import CellError, text_preview
from csp_status.core.judgement import Evaluation, value_interval, value_problems
from csp_status.core.parse import Reading, in_row_unit, parse_cell, parse_fraction
from csp_status.core.vocabulary import Unit

__all__ = [
    "csp_value", "csp_rate", "csp_target", "csp_gap", "csp_status", "csp_trend", "csp_commentary", "error_text",
]


MESSAGE_PREFIX = "#CSP! "
_EXPECTED_LIMIT = 90


def error_text(err: Exception) -> str:
    """What a worksheet function shows in its cell when an argument is bad: one short line.

    The same text is written as the cached value of a formula cell by the refresh, so that a
    reader without Excel sees what Excel will show.
    """
    if isinstance(err, CellError):
        expected = _shorten(err.expected)
        if not err.text.strip():
            return f"{MESSAGE_PREFIX}blank: expected {expected}"
        return f"{MESSAGE_PREFIX}cannot read {text_preview(_one_line(err.text))}: expected {expected}"
    return MESSAGE_PREFIX + _one_line(str(err))


def _shorten(expected: str) -> str:
    """The list of accepted forms, cut at a comma so that the message stays readable in a cell."""
    if len(expected) <= _EXPECTED_LIMIT:
        return expected
    cut = expected.rfind(", ", 0, _EXPECTED_LIMIT)
    return (expected[:cut] if cut > 0 else expected[:_EXPECTED_LIMIT]) + ", ..."


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def csp_value(cell: object) -> float | None:
    """The number in a messy cell (a percentage as a fraction), or None when it holds none."""
    return parse_cell(cell).value


def csp_rate(numerator: object, denominator: object, per: object = None) -> float:
    """numerator / denominator × per (per defaults to 1)."""
    num = _number(numerator, "a numerator")
    den = _number(denominator, "a denominator")
    scale = 1.0 if per is None or per == "" else _number(per, "a multiplier such as 1000")
    return rate(num, den, scale)


def csp_target(baseline: object, reduction: object) -> float:
    """baseline × (1 − reduction); the reduction as 0.015 or '1.5%'."""
    base = _number(baseline, "a baseline")
    cut = parse_fraction(reduction, what="a reduction")
    if cut is None:
        raise CellError("", "a reduction such as 0.015 or '1.5%'")
    return target_from_reduction(base, cut)


def csp_gap(actual: object, target: object) -> float | None:
    """actual − target in the indicator's units; None when either holds no value."""
    reading, goal_reading = parse_cell(actual), parse_cell(target)
    value, goal = _pair(reading, goal_reading)
    if value is None or goal is None:
        return None
    if value_problems(reading, value, _row_unit(reading, goal_reading)):
        return None  # a figure that cannot be right (CHECK) has no gap to target
    return value - goal


def csp_status(
    actual: object,
    target: object,
    polarity: object,
    tolerance: object = None,
    tolerance_kind: object = None,
) -> Status:
    """GREEN, AMBER, RED, NO TARGET, AWAITED or CHECK for one value against its target."""
    direction = parse_polarity(polarity)
    kind = parse_tolerance_kind(tolerance_kind)
    tol = parse_fraction(tolerance, what="a tolerance") if tolerance not in (None, "") else None
    try:
        reading, goal_reading = parse_cell(actual), parse_cell(target)
    except CellError:
        return Status.CHECK  # text that cannot be read, in the value or the target
    unit = _row_unit(reading, goal_reading)  # as _pair, worked out once for both uses
    value, goal = in_row_unit(reading, unit)[0], in_row_unit(goal_reading, unit)[0]
    if value is not None and value_problems(reading, value, unit):
        return Status.CHECK
    return rag_status(value, goal, direction, DEFAULT_TOLERANCE if tol is None else tol, kind)


def csp_trend(current: object, previous: object, polarity: object):
    """IMPROVING, WORSENING or NO CHANGE against the previous figure; None when either is missing."""
    direction = parse_polarity(polarity)
    now_reading, before_reading = parse_cell(current), parse_cell(previous)
    now, before = _pair(now_reading, before_reading)
    if now is None or before is None:
        return None
    unit = _row_unit(now_reading, before_reading)
    if value_problems(now_reading, now, unit) or value_problems(before_reading, before, unit):
        return None  # a figure that cannot be right (CHECK) has no direction of travel
    return direction_of_travel(now, before, direction)


def csp_commentary(
    actual: object,
    target: object,
    polarity: object,
    previous: object = None,
    tolerance: object = None,
    tolerance_kind: object = None,
    unit: object = None,
    period: object = None,
    previous_period: object = None,
    measure: object = None,
) -> str:
    """A first draft of the commentary for one figure: position, change, target, status, significance.

    ``unit`` ('percent', 'number', 'per 1000') says how to read plain spreadsheet numbers (a cell
    formatted 15.59% reaches a worksheet function as 0.1559); blank reads the unit from the cells.
    ``period`` ('Q1 2011/12') and ``previous_period`` ('2010/11') name the periods in the text;
    ``measure`` ('crimes') names what is counted.
    """
    from csp_status.core.commentary import draft_commentary
    from csp_status.core.vocabulary import parse_unit_word
    from csp_status.core.model import Indicator

    direction = parse_polarity(polarity)
    kind = parse_tolerance_kind(tolerance_kind)
    tol = parse_fraction(tolerance, what="a tolerance") if tolerance not in (None, "") else None
    status = csp_status(actual, target, direction, tolerance, tolerance_kind)
    before_reading = parse_cell(previous)
    notes: list[str] = []
    reading = _reading_or_note(actual, "", notes)
    goal_reading = _reading_or_note(target, "target: ", notes)
    row_unit = parse_unit_word(unit) or _first_unit(reading, goal_reading, before_reading)
    value = in_row_unit(reading, row_unit)[0] if reading else None
    goal = in_row_unit(goal_reading, row_unit)[0] if goal_reading else None
    before = in_row_unit(before_reading, row_unit)[0]
    if reading is not None and value is not None:
        notes.extend(value_problems(reading, value, row_unit))
    if before is not None and value_problems(before_reading, before, row_unit):
        before = None  # a previous figure that cannot be right is no basis for a change
    trend = None
    if status is not Status.CHECK and value is not None and before is not None:
        trend = direction_of_travel(value, before, direction)
    interval = None
    if status not in (Status.CHECK, Status.AWAITED) and reading is not None and value is not None:
        found = value_interval(reading, value, row_unit)
        interval = found[0] if found else None
    evaluation = Evaluation(
        ref="", description="", period=_words(period), unit=row_unit,
        value=value, value_text=reading.text if reading else _words(actual),
        target=goal, target_text=goal_reading.text if goal_reading else _words(target),
        status=status, gap=None if value is None or goal is None else value - goal, gap_text="",
        trend=trend, previous=before, previous_period=_words(previous_period) or None,
        notes=notes, interval=interval,
    )
    indicator = Indicator(
        ref="", description="", polarity=direction, unit=row_unit,
        tolerance=DEFAULT_TOLERANCE if tol is None else tol, tolerance_kind=kind,
    )
    return draft_commentary(evaluation, indicator, measure=_words(measure))


def _reading_or_note(cell: object, prefix: str, notes: list[str]) -> Reading | None:
    try:
        return parse_cell(cell)
    except CellError as err:
        notes.append(prefix + str(err))
        return None


def _first_unit(*readings: Reading | None) -> Unit | None:
    """The unit the cells of one indicator state, if any states one (as _row_unit, for any number)."""
    for reading in readings:
        if reading is not None and reading.unit not in (None, Unit.NUMBER):
            return reading.unit
    return None


def _words(cell: object) -> str:
    """A text argument as shown: blank is '', a whole number has no '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _row_unit(a: Reading, b: Reading) -> Unit | None:
    """Two cells of one indicator share its unit: the explicit one, if either states it."""
    unit = a.unit
    if unit is None or unit is Unit.NUMBER:
        unit = b.unit
        if unit is None or unit is Unit.NUMBER:
            return None
    return unit


def _pair(a: Reading, b: Reading) -> tuple[float | None, float | None]:
    """Both readings' values in their shared unit ('15' beside '15.59%' is 15%)."""
    unit = _row_unit(a, b)
    return in_row_unit(a, unit)[0], in_row_unit(b, unit)[0]


def _number(cell: object, what: str) -> float:
    reading = parse_cell(cell)
    if reading.value is None:
        raise CellError(reading.text, what)
    return reading.value
