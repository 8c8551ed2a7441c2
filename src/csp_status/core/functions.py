"""The worksheet functions, for one value at a time (no xlwings here).

Each function passes its arguments as an indicator's cells to the judgement the Summary also uses
(:func:`~csp_status.core.judgement.decide_cells`, the cells of
:class:`~csp_status.core.judgement.IndicatorCells` one by one, or
:func:`~csp_status.core.judgement.judge`); it returns one field of the answer.
``udfs/csp_udfs.py`` wraps these for Excel (ranges, messages in cells); the refresh calls them to
write the cached values of the Data sheet's formula cells, so that what a reader without Excel sees
is what Excel itself will calculate.  Arguments are cells: a number, messy text, or blank (None).
"""

from __future__ import annotations

from csp_status.core.columns import decide_columns
from csp_status.core.errors import CellError, text_preview
from csp_status.core.judgement import IndicatorCells, choose_previous, decide_cells, judge
from csp_status.core.parse import in_row_unit, parse_cell, parse_fraction
from csp_status.core.rules import rate, target_from_reduction
from csp_status.core.vocabulary import Status, Trend, parse_unit_word

__all__ = [
    "csp_value", "csp_rate", "csp_target", "csp_gap", "csp_status", "csp_trend", "csp_previous",
    "csp_commentary", "error_text", "MESSAGE_PREFIX",
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


def csp_value(cell: object, unit: object = None) -> float | None:
    """The number in a messy cell (a percentage as a fraction), or None when it holds none.

    With the row's ``unit``, a bare figure is read in it: '15' in a percentage row is 0.15.
    """
    reading = parse_cell(cell)
    row_unit = parse_unit_word(unit)
    return in_row_unit(reading, row_unit)[0] if row_unit else reading.value


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


# The worksheet functions' names for the judgement's cells (IndicatorCells) where they differ: a
# function's own argument names say which cell each argument fills, in its one-cell form and its column form.
_CELL_OF = {"actual": "value", "current": "value", "last_outturn": "baseline"}


def csp_gap(actual: object, target: object, unit: object = None, last_outturn: object = None) -> float | None:
    """actual − target in the indicator's units; None when either holds no value or cannot be right."""
    return decide_cells(actual, target, None, unit, None, None, last_outturn).gap


def csp_status(actual: object, target: object, polarity: object, tolerance: object = None,
               tolerance_kind: object = None, unit: object = None, last_outturn: object = None) -> Status:
    """GREEN, AMBER, RED, NO TARGET, AWAITED or CHECK for one value against its target."""
    return decide_cells(actual, target, polarity, unit, tolerance, tolerance_kind, last_outturn).status


def csp_trend(current: object, previous: object, polarity: object, unit: object = None) -> Trend | None:
    """IMPROVING, WORSENING or NO CHANGE against the previous figure; None when either is missing."""
    return decide_cells(current, None, polarity, unit, previous_cell=previous).trend


def _by_column(rule, field: str) -> None:
    """Give a rule its column form (``rule.column(rows, *columns)``, one list per argument in order): the
    one judgement over whole columns (:func:`~csp_status.core.columns.decide_columns`), which a spilling
    worksheet function calls instead of the rule once a cell. A row's value is what the rule gives for
    that row, or the :class:`CellError` it would raise."""
    cells_of = [_CELL_OF.get(name, name) for name in rule.__code__.co_varnames[:rule.__code__.co_argcount]]

    def column(rows: int, *cells: object) -> list[object]:
        return decide_columns(rows, fields=(field,), **dict(zip(cells_of, cells)))[field]

    rule.column = column


_by_column(csp_status, "status")
_by_column(csp_gap, "gap")
_by_column(csp_trend, "trend")


def csp_previous(
    previous_quarter: object, last_outturn: object, same_quarter_last_year: object, trend_basis: object = None
) -> object:
    """The figure to compare with, by the trend basis: the previous quarter when it holds anything,
    else last year's outturn; or ('same quarter last year') last year's figure for this quarter."""
    return choose_previous(previous_quarter, last_outturn, same_quarter_last_year, trend_basis)[0]


def csp_commentary(actual: object, target: object, polarity: object, previous: object = None,
                   tolerance: object = None, tolerance_kind: object = None, unit: object = None, period: object = None,
                   previous_period: object = None, measure: object = None, last_outturn: object = None,
                   population: object = None) -> str:
    """A first draft of the commentary for one figure: position, change, target, status, significance.

    ``unit`` ('percent', 'number', 'per 1000') says how to read plain spreadsheet numbers (a cell
    formatted 15.59% reaches a worksheet function as 0.1559); blank reads the unit from the cells.
    ``period`` ('Q1 2011/12') and ``previous_period`` ('2010/11') name the periods in the text;
    ``measure`` ('crimes') names what is counted; ``population`` (for a rate per 1,000) lets the draft
    say whether the gap to the target is statistically significant, as the Summary's draft does.
    """
    from csp_status.core.commentary import draft_commentary
    from csp_status.core.model import Indicator

    cells = IndicatorCells(actual, target, polarity, unit, tolerance, tolerance_kind, last_outturn, previous=previous,
                           previous_label=_words(previous_period) or None, population=population)
    evaluation = judge(cells, period=_words(period))
    indicator = Indicator(ref="", description="", polarity=evaluation.polarity, unit=evaluation.unit,
                          tolerance=evaluation.tolerance, tolerance_kind=evaluation.tolerance_kind)
    return draft_commentary(evaluation, indicator, measure=_words(measure))


def _words(cell: object) -> str:
    """A text argument as shown: blank is '', a whole number has no '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _number(cell: object, what: str) -> float:
    reading = parse_cell(cell)
    if reading.value is None:
        raise CellError(reading.text, what)
    return reading.value
