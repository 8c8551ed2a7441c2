"""The CSP worksheet functions for Excel: =CSP_VALUE, =CSP_RATE, =CSP_TARGET, =CSP_GAP,
=CSP_STATUS, =CSP_TREND and =CSP_COMMENTARY (xlwings user-defined functions).

Every rule lives in :mod:`csp_status.core.functions`; this module only converts what Excel passes in
and what goes back:

* **Arguments** arrive as 2-D lists (``ndim=2``), so a single cell is ``[[x]]`` and a column
  stays a column.  Blank cells arrive as None; Excel error values arrive as their text ("#N/A",
  ``err_to_str=True``) or, for the newer errors xlwings does not name (#SPILL!, #CALC!, ...), as
  the COM error number.  Python callers may also pass plain values and 1-D lists (one row).
* **Ranges** are combined cell by cell and broadcast like Excel's own arithmetic: a single value
  goes with every cell of a range, a row with a column makes a table; ranges whose sizes do not
  fit give one message.  A range gives an array of the same shape, which spills in Excel 365/2021
  (earlier Excel: select the output range and enter with Ctrl+Shift+Enter).  Single values give a
  single value.
* **Results**: numbers as numbers; statuses and trends as their words ("GREEN", "NO CHANGE");
  no value as "" (an empty-looking cell: ``=CSP_VALUE(A1)=""`` tests for it; a real blank cannot
  be returned from a formula, and Excel would show 0 for an empty result).
* **Bad arguments** give a one-line message starting "#CSP! " in that cell, never a traceback:
  the text that could not be read and what was expected; an Excel error in an argument is named
  ("#CSP! target is #N/A"); a message from another CSP function is passed on unchanged.

The functions carry no type annotations on purpose: on Windows xlwings turns an annotation into a
converter (``object`` has none).  Docstrings are the function help in Excel's Insert Function
dialog, which keeps only 255 characters; ``ARGUMENT_HELP`` holds the help for each argument.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any, Callable, NamedTuple

import xlwings as xw

from csp_status.core import functions
from csp_status.core.errors import CspError
from csp_status.core.garbage import steady_garbage_collection
from csp_status.core.vocabulary import UNIT_WORDS, Placeholder, Polarity, ToleranceKind, TrendBasis, Unit
from csp_status.core.vocabulary.words import Word

__all__ = [
    "CSP_VALUE", "CSP_RATE", "CSP_TARGET", "CSP_GAP", "CSP_STATUS", "CSP_TREND", "CSP_PREVIOUS", "CSP_COMMENTARY",
]

MESSAGE_PREFIX = functions.MESSAGE_PREFIX
NO_VALUE = ""

ARGUMENT_HELP = {
    "cell": "A figure as typed, e.g. 7.75%, 13,102, 53.7 per 1,000 residents or 50% (62/124); "
    "or a range of them.",
    "numerator": "The count, e.g. 62 repeat incidents; or a range of counts.",
    "denominator": "The total it is out of, e.g. 124 (above zero); or a range of totals.",
    "per": "Optional. 1000 for a rate per 1,000; leave out for a proportion.",
    "baseline": "The baseline outturn, e.g. 7.21% or 13485.",
    "reduction": "The planned reduction, e.g. 1.5% or 0.015; a negative reduction is an increase.",
    "actual": "The figure for the period as typed, e.g. 15.59%, 13,102 or Awaited.",
    "target": "The target as typed, e.g. 15.2% or 7.1% (1.5%); "
    f"{Placeholder.TO_BE_CONFIRMED.value}, {Placeholder.TO_BE_ANNOUNCED.value} or {Placeholder.BASELINE_YEAR.value} "
    "mean no target.",
    "polarity": f"{Polarity.LOWER_IS_BETTER} or {Polarity.HIGHER_IS_BETTER} (also lower/higher, low/high).",
    "tolerance": "Optional. How far a miss is still AMBER; default 5% (of the target).",
    "tolerance_kind": f"Optional. {ToleranceKind.RELATIVE} (default: a share of the target) or {ToleranceKind.POINTS} "
    "(in the indicator's units: 0.5% is half a percentage point).",
    "current": "This period's figure as typed, e.g. 13,102.",
    "previous": "The previous period's figure as typed, e.g. 13485.",
    "unit": f"Optional. {UNIT_WORDS[Unit.PERCENT]}, {UNIT_WORDS[Unit.NUMBER]} or {UNIT_WORDS[Unit.PER_1000]}: "
    "how to read plain numbers (a cell shown as "
    "15.59% holds 0.1559). Leave out to read it from the figures.",
    "period": "Optional. The period reported, e.g. Q1 2011/12.",
    "previous_period": "Optional. The period of the previous figure, e.g. 2010/11.",
    "measure": "Optional. What is counted, e.g. crimes.",
    "previous_quarter": "The previous quarter's figure as typed (blank in Q1 or when not yet in).",
    "last_outturn": "Last year's outturn as typed, e.g. 13485 (optional, but a target typed only as a "
    "reduction, such as (1.5%), applies to it).",
    "same_quarter_last_year": "Last year's figure for this quarter as typed.",
    "population": "Optional. The population a rate per 1,000 is of, e.g. 248700: with it the draft says whether "
    "the gap to the target is statistically significant.",
    "trend_basis": f"Optional. {TrendBasis.PREVIOUS_PERIOD} (default: the previous quarter, else last year's "
    f"outturn) or {TrendBasis.SAME_QUARTER_LAST_YEAR}.",
}

# Excel's error values as pywin32 hands them over: the COM error number 0x800A0000 + xlErr code.
_COM_ERROR_BASE = -2146828288
_EXCEL_ERRORS = {
    2000: "#NULL!",
    2007: "#DIV/0!",
    2015: "#VALUE!",
    2023: "#REF!",
    2029: "#NAME?",
    2036: "#NUM!",
    2042: "#N/A",
    2043: "#GETTING_DATA",
    2045: "#SPILL!",
    2046: "#CONNECT!",
    2047: "#BLOCKED!",
    2048: "#UNKNOWN!",
    2049: "#FIELD!",
    2050: "#CALC!",
}
_EXCEL_ERROR_TEXTS = frozenset(_EXCEL_ERRORS.values()) | {"#BUSY!", "#PYTHON!"}


@xw.func(category="CSP")
@xw.arg("cell", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["cell"])
@xw.arg("unit", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["unit"])
def CSP_VALUE(cell, unit=None):
    """The number in an indicator cell as typed: 7.75% gives 0.0775, 13,102 gives 13102,
    50% (62/124) gives 0.5. Blank when the cell holds no figure (n/a, TBA, Awaited)."""
    return _each(functions.csp_value, cell, unit)


@xw.func(category="CSP")
@xw.arg("numerator", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["numerator"])
@xw.arg("denominator", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["denominator"])
@xw.arg("per", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["per"])
def CSP_RATE(numerator, denominator, per=None):
    """A rate: numerator / denominator, times per if given. CSP_RATE(62, 124) is 0.5 (50%);
    CSP_RATE(offences, population, 1000) is a rate per 1,000."""
    return _each(functions.csp_rate, numerator, denominator, per)


@xw.func(category="CSP")
@xw.arg("baseline", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["baseline"])
@xw.arg("reduction", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["reduction"])
def CSP_TARGET(baseline, reduction):
    """The target from a baseline and a planned reduction: baseline x (1 - reduction).
    CSP_TARGET(7.21%, 1.5%) is 7.10%."""
    return _each(functions.csp_target, baseline, reduction)


@xw.func(category="CSP")
@xw.arg("actual", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["actual"])
@xw.arg("target", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["target"])
@xw.arg("unit", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["unit"])
@xw.arg("last_outturn", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["last_outturn"])
def CSP_GAP(actual, target, unit=None, last_outturn=None):
    """How far the figure is from its target (actual - target), in the indicator's own units:
    15.59% against 15.2% gives 0.39%. Blank when either has no figure."""
    return _each(functions.csp_gap, actual, target, unit, last_outturn)


@xw.func(category="CSP")
@xw.arg("actual", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["actual"])
@xw.arg("target", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["target"])
@xw.arg("polarity", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["polarity"])
@xw.arg("tolerance", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["tolerance"])
@xw.arg("tolerance_kind", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["tolerance_kind"])
@xw.arg("unit", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["unit"])
@xw.arg("last_outturn", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["last_outturn"])
def CSP_STATUS(actual, target, polarity, tolerance=None, tolerance_kind=None, unit=None, last_outturn=None):
    """The RAG status: GREEN (target met), AMBER (missed by up to 5% of the target), RED,
    NO TARGET, AWAITED (no figure yet) or CHECK (the figure cannot be right, e.g. a negative
    rate or 62/124 typed the wrong way round)."""
    return _each(functions.csp_status, actual, target, polarity, tolerance, tolerance_kind, unit, last_outturn)


@xw.func(category="CSP")
@xw.arg("current", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["current"])
@xw.arg("previous", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["previous"])
@xw.arg("polarity", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["polarity"])
@xw.arg("unit", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["unit"])
def CSP_TREND(current, previous, polarity, unit=None):
    """Direction of travel against the previous figure: IMPROVING, WORSENING or NO CHANGE,
    judged by the polarity. Blank when either figure is missing."""
    return _each(functions.csp_trend, current, previous, polarity, unit)


@xw.func(category="CSP")
@xw.arg("previous_quarter", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["previous_quarter"])
@xw.arg("last_outturn", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["last_outturn"])
@xw.arg("same_quarter_last_year", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["same_quarter_last_year"])
@xw.arg("trend_basis", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["trend_basis"])
def CSP_PREVIOUS(previous_quarter, last_outturn, same_quarter_last_year, trend_basis=None):
    """The figure the direction of travel compares with: the previous quarter when it holds
    anything, else last year's outturn; or, by trend basis, the same quarter last year."""
    return _each(functions.csp_previous, previous_quarter, last_outturn, same_quarter_last_year, trend_basis)


@xw.func(category="CSP")
@xw.arg("actual", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["actual"])
@xw.arg("target", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["target"])
@xw.arg("polarity", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["polarity"])
@xw.arg("previous", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["previous"])
@xw.arg("tolerance", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["tolerance"])
@xw.arg("tolerance_kind", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["tolerance_kind"])
@xw.arg("unit", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["unit"])
@xw.arg("period", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["period"])
@xw.arg("previous_period", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["previous_period"])
@xw.arg("measure", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["measure"])
@xw.arg("last_outturn", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["last_outturn"])
@xw.arg("population", ndim=2, err_to_str=True, doc=ARGUMENT_HELP["population"])
def CSP_COMMENTARY(actual, target, polarity, previous, tolerance=None, tolerance_kind=None,
                   unit=None, period=None, previous_period=None, measure=None, last_outturn=None, population=None):
    """A first draft of the commentary: the position, the change on the previous figure, the
    target and whether it is ahead or behind, the status and significance. A draft to edit;
    it never replaces officers' own commentary."""
    return _each(functions.csp_commentary, actual, target, polarity, previous, tolerance, tolerance_kind, unit, period,
                 previous_period, measure, last_outturn, population)


# ---- conversion and broadcasting -----------------------------------------------------------------


class _Misfit(Exception):
    """Ranges whose sizes cannot be combined; the message goes into the cell."""


def _each(rule: Callable[..., Any], *arguments: Any) -> Any:
    """Apply a one-value rule to every cell of the (broadcast) arguments, given in the rule's order (each
    worksheet function's parameters are its rule's: a message names the argument by the rule's name)."""
    single: list[Any] = []
    keep = single.append
    plain = True  # every cell a number, text without '#' or blank: no error or message to pass on
    for value in arguments:  # the usual call from one cell: every argument one cell (or left out)
        if value is None:  # an argument left out
            keep(None)
            continue
        if value.__class__ is list:  # one cell as Excel passes it, [[cell]]
            try:
                [[cell]] = value
            except (TypeError, ValueError):
                break  # a range: cell by cell
            if value[0].__class__ is not list:
                break  # a row of one text ["x"], or of something else: cell by cell
            value = cell
        kind = value.__class__
        if kind is not float and (kind is not str or "#" in value) and value is not None:
            if kind is list or kind is tuple:
                break  # a range, or a row of values
            plain = False
        keep(value)
    else:
        if not plain:
            return _one(rule, _names(rule), single)
        try:
            result = rule(*single)
        except Exception:
            return _call(rule, single)  # the message, as one cell gives it
        return _to_excel(result)
    with steady_garbage_collection():  # thousands of cells made and dropped: the collector kept out of the way
        return _each_cell(rule, arguments)


def _names(rule: Callable[..., Any]) -> tuple[str, ...]:
    """The rule's parameters, which are its worksheet function's."""
    return rule.__code__.co_varnames[:rule.__code__.co_argcount]


def _each_cell(rule: Callable[..., Any], arguments: tuple[Any, ...]) -> Any:
    """``_each`` over ranges: the arguments broadcast, the rule applied to every cell."""
    names = _names(rule)
    try:
        grids = [_grid(name, value) for name, value in zip(names, arguments)]
        height, width = _broadcast_shape(names, grids)
    except _Misfit as misfit:
        return MESSAGE_PREFIX + str(misfit)
    if (height, width) == (1, 1):
        return _one(rule, names, [grid.cells[0] for grid in grids])
    count = height * width
    cells = [_stretched(grid, height, width) for grid in grids]
    passed = sorted(set().union(*(_messages(column) for column in cells)))  # errors and messages to pass on
    if hasattr(rule, "column"):  # the usual case for a judgement: the whole range decided at once
        results = _apply_column(rule, cells, count)
    else:
        results = _apply(rule, zip(*cells))
    for k in passed:  # each as one cell gives it: the error named, or the message passed on
        results[k] = _one(rule, names, [column[k] for column in cells])
    if width == 1:
        return [[result] for result in results]  # each value its own row
    return [results[r * width:(r + 1) * width] for r in range(height)]


def _apply(rule: Callable[..., Any], arguments: Any) -> list[Any]:
    """``_call`` for every cell of a range, in one loop (the hot path of a spilling array)."""
    results: list[Any] = []
    append = results.append
    for values in arguments:
        try:
            result = rule(*values)
        except Exception:
            append(_call(rule, values))  # the message, as one cell would give it
            continue
        append(_to_excel(result))
    return results


def _apply_column(rule: Callable[..., Any], cells: list[list[Any]], count: int) -> list[Any]:
    """A judgement's column form over every cell of a range, in Excel's terms (see ``_apply``)."""
    try:
        found = rule.column(count, *cells)
    except Exception:  # a bug on the column road: each cell as it would be alone, a message where it fails
        return _apply(rule, zip(*cells))
    try:
        "".join(found)  # str.join takes only text: every cell a word (a status), as it is
    except TypeError:
        pass
    else:
        return found
    return [value if value.__class__ is str else functions.error_text(value) if isinstance(value, CspError)
            else _to_excel(value) for value in found]


class _Grid(NamedTuple):
    """An argument's cells, row by row, and its size."""

    cells: list[Any]
    height: int
    width: int


def _grid(name: str, value: Any) -> _Grid:
    """A value as rows of cells: a scalar is 1x1, a flat list one row (as xlwings writes it)."""
    if not isinstance(value, (list, tuple)):
        return _Grid([value], 1, 1)
    if not value:
        return _Grid([None], 1, 1)
    first = value[0]
    if not isinstance(first, (list, tuple)):
        if any(isinstance(row, (list, tuple)) for row in value):
            raise _Misfit(f"{name} is not a rectangular range")
        return _Grid(list(value), 1, len(value))
    if len(first) == 1:  # a column, the usual range: its cells in one pass, the rows' kinds in another
        try:
            column = [cell for (cell,) in value]
        except (TypeError, ValueError):
            pass  # a row of another size, or not a row: named below
        else:
            if list(map(type, value)).count(list) == len(value):  # every row a list, as xlwings gives them
                return _Grid(column, len(value), 1)
    width = len(first)
    for row in value:
        if not isinstance(row, (list, tuple)) or len(row) != width or not width:
            raise _Misfit(f"{name} is not a rectangular range")
    return _Grid([cell for row in value for cell in row], len(value), width)



def _broadcast_shape(names: tuple[str, ...], grids: list[_Grid]) -> tuple[int, int]:
    """Excel's rule: a 1-cell (or 1-row, 1-column) argument stretches to fit the others."""
    height = max(grid.height for grid in grids)
    width = max(grid.width for grid in grids)
    for grid in grids:
        if grid.height not in (1, height) or grid.width not in (1, width):
            sizes = ", ".join(f"{name} {g.height}x{g.width}" for name, g in zip(names, grids)
                              if (g.height, g.width) != (1, 1))
            raise _Misfit(f"range sizes do not match: {sizes} (rows x columns)")
    return height, width


def _stretched(grid: _Grid, height: int, width: int) -> list[Any]:
    """An argument's cells, row by row, stretched to the result's shape (a 1-cell argument repeats)."""
    if grid.height == height and grid.width == width:
        return grid.cells
    if grid.height == 1 and grid.width == 1:
        return grid.cells * (height * width)
    if grid.width == width:  # one row, for every row
        return grid.cells * height
    return [cell for cell in grid.cells for _ in range(width)]  # one column, across every column


def _messages(cells: list[Any]) -> list[int]:
    """The cells that may be an Excel error or another function's message ("#…", or an error code)."""
    if cells[0] is None and cells.count(None) == len(cells):
        return []  # an argument left out: blank in every cell
    kinds = set(map(type, cells))
    if kinds <= _PLAIN_CELLS:
        return []
    if kinds == _TEXT and "#" not in "\n".join(cells):
        return []  # a column of words (a polarity)
    if not any(issubclass(kind, int) for kind in kinds) and "#" not in "\n".join(
            [cell for cell in cells if cell.__class__ is str]):
        return []  # numbers, blanks and text, none of it an error or a message
    return [k for k, cell in enumerate(cells)
            if cell.__class__ is not float and cell is not None and (cell.__class__ is not str or "#" in cell)]


_TEXT = {str}
_PLAIN_CELLS = {float, type(None)}


def _call(rule: Callable[..., Any], values: tuple[Any, ...] | list[Any]) -> Any:
    """One cell's result when no argument is an error or a message (see ``_one``)."""
    try:
        result = rule(*values)
    except CspError as err:
        return functions.error_text(err)
    except Exception as err:  # a bug: still one line in the cell, never a traceback
        detail = _one_line(f"{type(err).__name__}: {err}")
        return f"{MESSAGE_PREFIX}unexpected error, please report it: {detail}"
    return _to_excel(result)


def _one(rule: Callable[..., Any], names: tuple[str, ...], values: list[Any]) -> Any:
    """One cell's result: the rule's answer in Excel's terms, or a one-line message."""
    for name, value in zip(names, values):
        kind = value.__class__
        if kind is float or value is None:
            continue
        if kind is str:
            if "#" not in value:
                continue
            if value.startswith(MESSAGE_PREFIX):
                return value  # another CSP function's message, passed on
        error = _excel_error(value)
        if error:
            return f"{MESSAGE_PREFIX}{name} is {error}"
    return _call(rule, values)


def _excel_error(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value.strip().upper() in _EXCEL_ERROR_TEXTS else None
    if isinstance(value, int) and not isinstance(value, bool):
        return _EXCEL_ERRORS.get(value - _COM_ERROR_BASE)
    return None


def _to_excel(result: Any) -> Any:
    """A rule's result as a cell takes it: a status or a trend as its word, no value as ""."""
    kind = result.__class__
    if kind in _WORDS:
        return result._value_
    if kind is float:  # the usual number, before the checks that an enum's metaclass makes slow
        return result if math.isfinite(result) else _TOO_LARGE
    if result is None:
        return NO_VALUE
    if isinstance(result, Enum):
        return result.value
    if isinstance(result, float) and not math.isfinite(result):  # a float of another class (numpy's)
        return _TOO_LARGE
    return result


_TOO_LARGE = MESSAGE_PREFIX + "the result is too large for a cell"


_WORDS = frozenset(Word.__subclasses__())  # the closed word lists (Status, Trend, ...): a class check, not isinstance


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
