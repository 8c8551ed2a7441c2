"""The one judgement over whole columns: what a spilling worksheet function asks of thousands of rows.

:func:`decide_columns` gives, for every row, what :func:`~csp_status.core.judgement.decide` gives for
that row alone; it only takes a shorter road where the road is plainly the same:

* the row's settings (polarity, unit, tolerance and its kind) are read once for each distinct set of
  words in the columns, not once a row;
* a row whose figures can be right, whose target is a plain figure (no range, bound or direction)
  and whose polarity is known is read with the same rules as ``decide`` (``read_cell``,
  ``in_row_unit``, ``value_problems``, ``resolve_target``), and its status, gap and direction of
  travel are worked out for all such rows at once with the arithmetic the rules share with their
  one-value forms (:func:`~csp_status.core.rules.rag_statuses`);
* every other row (a figure that cannot be right, a range or a bound, no polarity, a gap too large to
  hold) is decided by ``decide`` itself.

``tests/test_columns.py`` checks over generated columns that every row agrees with ``decide``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from csp_status.core.errors import CellError
from csp_status.core.figures import checked_value, stated_unit, value_problems
from csp_status.core.garbage import steady_garbage_collection
from csp_status.core.judgement import IndicatorCells, decide, read_settings
from csp_status.core.parse import Reading, in_row_unit, read_cell
from csp_status.core.rules import directions_of_travel, rag_statuses
from csp_status.core.targets import resolve_target
from csp_status.core.vocabulary import Placeholder, Polarity, ToleranceKind

__all__ = ["decide_columns", "FIELDS"]

FIELDS = ("status", "gap", "trend", "value", "target")
_NAN = math.nan


def decide_columns(
    rows: int,
    *,
    value: Any,
    target: Any = None,
    polarity: Any = None,
    unit: Any = None,
    tolerance: Any = None,
    tolerance_kind: Any = None,
    baseline: Any = None,
    previous: Any = None,
    fields: Sequence[str] = FIELDS,
) -> dict[str, list[Any]]:
    """Each row's decision, field by field: {'status': [...], 'gap': [...], ...} for the ``fields`` asked.

    Every argument is a list of ``rows`` cells or one cell for every row.  Statuses and trends are
    their words ("GREEN", "NO CHANGE"); a gap, value or target is a float or None.  A row whose
    settings cannot be read holds its :class:`CellError` in every field, as ``decide`` would raise it.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"no such field: {', '.join(sorted(unknown))}")
    with steady_garbage_collection():
        return _decide_columns(rows, value, target, polarity, unit, tolerance, tolerance_kind, baseline, previous,
                               fields)


def _decide_columns(rows: int, value: Any, target: Any, polarity: Any, unit: Any, tolerance: Any,
                    tolerance_kind: Any, baseline: Any, previous: Any, fields: Sequence[str]) -> dict[str, list[Any]]:
    values, targets, polarities, units, tolerances, kinds, baselines, previouses = (
        _column(cells, rows) for cells in (value, target, polarity, unit, tolerance, tolerance_kind, baseline, previous))
    out: dict[str, list[Any]] = {name: [None] * rows for name in fields}
    want_status = "status" in out
    settings: dict[Any, Any] = {}
    fast: list[int] = []
    numbers: list[tuple[float, float, float, bool, float, bool, bool]] = []
    slow: list[int] = []
    for i in range(rows):
        setting = _settings(settings, polarities[i], units[i], tolerances[i], kinds[i])
        if setting.__class__ is CellError:
            for column in out.values():
                column[i] = setting
            continue
        way, row_unit, allowed, kind = setting
        if way is None and want_status:
            slow.append(i)  # no polarity: the status both ways round, decided by the one rule
            continue
        figures = _plain_row(values[i], targets[i], baselines[i], previouses[i], way, row_unit)
        if figures is None:
            slow.append(i)
            continue
        fast.append(i)
        numbers.append((*figures, way is Polarity.HIGHER_IS_BETTER, allowed, kind is ToleranceKind.POINTS,
                        way is not None))
    if fast:
        slow += _decide_plain(out, fast, numbers)
    for i in sorted(slow):
        _decide_one(out, i, IndicatorCells(
            value=values[i], target=targets[i], polarity=polarities[i], unit=units[i], tolerance=tolerances[i],
            tolerance_kind=kinds[i], baseline=baselines[i], previous=previouses[i]))
    return out


def _column(cells: Any, rows: int) -> Sequence[Any]:
    if isinstance(cells, list):
        if len(cells) != rows:
            raise ValueError(f"a column of {len(cells)} cells for {rows} rows")
        return cells
    return [cells] * rows


def _settings(seen: dict[Any, Any], *cells: Any) -> Any:
    """The row's settings, read once for each distinct set of words (or the error reading them gives)."""
    try:
        return seen[cells]
    except KeyError:
        pass
    except TypeError:  # a cell that cannot be a key: read it for this row alone
        return _read_settings(cells)
    found = seen[cells] = _read_settings(cells)
    return found


def _read_settings(cells: tuple[Any, ...]) -> Any:
    try:
        return read_settings(*cells)
    except CellError as err:
        return err


def _plain_row(value: Any, target: Any, baseline: Any, previous: Any, way: Polarity | None,
               unit: Any) -> tuple[float, float, float] | None:
    """A row's value, target and previous figure (NaN for none) when its decision is plain; else None."""
    reading = _read(value)
    unit = unit or stated_unit(reading)
    number = in_row_unit(reading, unit)[0]
    if reading.placeholder is Placeholder.UNREADABLE or (number is not None and value_problems(reading, number, unit)):
        return None
    aim = _read(target)
    if aim.placeholder is Placeholder.UNREADABLE or aim.upper is not None or aim.bound is not None \
            or aim.direction is not None:
        return None  # a range, a bound or a direction: the one rule decides
    last = None if baseline is None else checked_value(_read(baseline), unit)
    goal = resolve_target(aim, last, None, unit, polarity=way)[0]
    before = None if previous is None else checked_value(_read(previous), unit)
    return (_NAN if number is None or reading.value is None else number,
            _NAN if goal is None else goal,
            _NAN if before is None else before)


def _read(cell: Any) -> Reading:
    """A cell read for the column road: a finite spreadsheet number, the commonest cell, without the
    text it shows (``read_cell`` makes it as Excel's General format would), which only notes use and
    this road writes none; anything else as ``read_cell`` reads it."""
    if cell.__class__ is float and math.isfinite(cell):
        return Reading("", cell)
    return read_cell(cell)


def _decide_plain(out: dict[str, list[Any]], rows: list[int], numbers: list[tuple]) -> list[int]:
    """The plain rows decided together; returns the rows whose gap is too large to hold (for ``decide``)."""
    import numpy as np

    table = np.array(numbers, dtype=float)
    value, target, before, higher, allowed, points, known = table.T
    with np.errstate(invalid="ignore", over="ignore"):
        gap = value - target
    both = ~np.isnan(value) & ~np.isnan(target)
    too_large = both & ~np.isfinite(gap)
    if "status" in out:
        statuses = rag_statuses(value, target, higher.astype(bool), allowed, points.astype(bool)).tolist()
        for i, status in zip(rows, statuses):
            out["status"][i] = status
    if "gap" in out:
        gaps = np.where(both, gap, np.nan).tolist()
        for i, g in zip(rows, gaps):
            out["gap"][i] = None if g != g else g
    if "trend" in out:
        trends = directions_of_travel(value, np.where(known > 0, before, np.nan), higher.astype(bool)).tolist()
        for i, trend in zip(rows, trends):
            out["trend"][i] = trend
    for name, column in (("value", value), ("target", target)):
        if name in out:
            for i, figure in zip(rows, column.tolist()):
                out[name][i] = None if figure != figure else figure
    return [rows[k] for k in np.flatnonzero(too_large).tolist()]


def _decide_one(out: dict[str, list[Any]], i: int, cells: IndicatorCells) -> None:
    try:
        decision = decide(cells)
    except CellError as err:
        for column in out.values():
            column[i] = err
        return
    for name, column in out.items():
        found = getattr(decision, name)
        column[i] = found.value if name in ("status", "trend") and found is not None else found
