"""The one judgement over whole columns: what a spilling worksheet function asks of thousands of rows.

:func:`decide_columns` gives, for every row, what :func:`~csp_status.core.judgement.decide` gives for
that row alone; it only takes a shorter road where the road is plainly the same:

* the row's settings (polarity, unit, tolerance and its kind) are read once for each distinct set of
  words in the columns, not once a row;
* a row whose figures can be right, whose target is a plain figure (no range, bound or direction)
  and whose polarity is known is read with the same rules as ``decide`` (``read_cell``,
  ``in_row_unit``, ``value_problems``, ``resolve_target``); its spreadsheet numbers (finite floats, the
  commonest cells) are read for all such rows of one unit at once, by the column form of those rules
  (:func:`~csp_status.core.figures.sheet_numbers_in_unit`); and its status, gap and direction of
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
from csp_status.core.figures import (
    checked_value,
    sheet_numbers_in_unit,
    stated_unit,
    value_problems,
)
from csp_status.core.garbage import steady_garbage_collection
from csp_status.core.judgement import IndicatorCells, decide, read_settings
from csp_status.core.parse import Reading, in_row_unit, read_cell
from csp_status.core.rules import directions_of_travel, rag_statuses
from csp_status.core.targets import resolve_target
from csp_status.core.vocabulary import Placeholder, Polarity, ToleranceKind

__all__ = ["COLUMNS", "FIELDS", "decide_columns"]

FIELDS = ("status", "gap", "trend", "value", "target")
COLUMNS = ("value", "target", "polarity", "unit", "tolerance", "tolerance_kind", "baseline", "previous")
_NAN = math.nan


def decide_columns(rows: int, *, fields: Sequence[str] = FIELDS, **cells: Any) -> dict[str, list[Any]]:
    """Each row's decision, field by field: {'status': [...], 'gap': [...], ...} for the ``fields`` asked.

    ``cells`` are named as the :class:`~csp_status.core.judgement.IndicatorCells` they fill (``COLUMNS``:
    value, target, polarity, unit, tolerance, tolerance_kind, baseline, previous); each is a list of
    ``rows`` cells or one cell for every row, and one left out is blank.  Statuses and trends are
    their words ("GREEN", "NO CHANGE"); a gap, value or target is a float or None.  A row whose
    settings cannot be read holds its :class:`CellError` in every field, as ``decide`` would raise it.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"no such field: {', '.join(sorted(unknown))}")
    strange = set(cells) - set(COLUMNS)
    if strange:
        raise TypeError(f"no such column: {', '.join(sorted(strange))}")
    with steady_garbage_collection():
        return _decide_columns(rows, [_column(cells.get(name), rows) for name in COLUMNS], fields)


def _decide_columns(rows: int, columns: list[Sequence[Any]], fields: Sequence[str]) -> dict[str, list[Any]]:
    import numpy as np

    values, targets, polarities, units, tolerances, kinds, baselines, previouses = columns
    want_status = "status" in fields
    errors: dict[int, CellError] = {}
    slow: list[int] = []
    plain = bytearray(rows)  # 1 for a row decided on the plain road
    number, goal, before = [_NAN] * rows, [_NAN] * rows, [_NAN] * rows
    sheet_values: dict[Any, list[int]] = {}  # rows whose value is a spreadsheet number, by the row's unit
    sheet_targets: dict[Any, list[int]] = {}
    seen: dict[Any, Any] = {}
    table = [(False, 0.0, False, False)]  # the figures of each distinct set of settings (0: none)
    codes = [0] * rows  # each row's, as its index in the table
    for i, words in enumerate(zip(polarities, units, tolerances, kinds)):
        setting = _settings(seen, table, words)
        if setting.__class__ is CellError:
            errors[i] = setting
            continue
        code, way, unit = setting[0], setting[1], setting[2]
        if way is None and want_status:
            slow.append(i)  # no polarity: the status both ways round, decided by the one rule
            continue
        codes[i] = code
        if baselines[i] is not None or previouses[i] is not None:
            figures = _plain_row(values[i], targets[i], baselines[i], previouses[i], way, unit)
            if figures is None:
                slow.append(i)
                continue
            number[i], goal[i], before[i] = figures
            plain[i] = 1
            continue
        value = values[i]
        if value.__class__ is float and value - value == 0.0:  # a finite spreadsheet number: read below
            sheet_values.setdefault(unit, []).append(i)
        else:
            reading = _read(value)
            unit = unit or stated_unit(reading)
            figure = in_row_unit(reading, unit)[0]
            if reading.placeholder is Placeholder.UNREADABLE or (
                    figure is not None and value_problems(reading, figure, unit)):
                slow.append(i)
                continue
            if figure is not None:
                number[i] = figure
        aim = targets[i]
        if aim.__class__ is float and aim - aim == 0.0:
            sheet_targets.setdefault(unit, []).append(i)
        elif aim is not None:
            reading = _read(aim)
            if _not_plain_target(reading):
                slow.append(i)
                continue
            stated = resolve_target(reading, None, None, unit, polarity=way)[0]
            if stated is not None:
                goal[i] = stated
        plain[i] = 1
    for cells, into, checked in ((values, number, True), (targets, goal, False)):
        for unit, found in (sheet_values if checked else sheet_targets).items():
            figures, fine = sheet_numbers_in_unit(np.array([cells[i] for i in found], dtype=float), unit)
            for i, figure, ok in zip(found, figures.tolist(), fine.tolist() if checked else [True] * len(found)):
                if ok:
                    into[i] = figure
                elif plain[i]:
                    plain[i] = 0
                    slow.append(i)
    out = _decide_plain(fields, np.array(number), np.array(goal), np.array(before),
                        np.array(table, dtype=float)[np.array(codes, dtype=np.intp)].T, np.frombuffer(plain, np.uint8) > 0,
                        slow)
    for i, err in errors.items():
        for column in out.values():
            column[i] = err
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


def _settings(seen: dict[Any, Any], table: list[tuple], words: tuple[Any, ...]) -> Any:
    """The row's settings, read once for each distinct set of words: the index of their figures in
    ``table`` (higher is better, the tolerance, in points, the polarity known), the polarity and the
    unit; or the error reading them gives."""
    try:
        return seen[words]
    except KeyError:
        found = seen[words] = _read_settings(table, words)
    except TypeError:  # a cell that cannot be a key: read it for this row alone
        found = _read_settings(table, words)
    return found


def _read_settings(table: list[tuple], words: tuple[Any, ...]) -> Any:
    try:
        way, unit, allowed, kind = read_settings(*words)
    except CellError as err:
        return err
    table.append((way is Polarity.HIGHER_IS_BETTER, allowed, kind is ToleranceKind.POINTS, way is not None))
    return len(table) - 1, way, unit


def _plain_row(value: Any, target: Any, baseline: Any, previous: Any, way: Polarity | None,
               unit: Any) -> tuple[float, float, float] | None:
    """A row's value, target and previous figure (NaN for none) when its decision is plain; else None."""
    reading = _read(value)
    unit = unit or stated_unit(reading)
    number = in_row_unit(reading, unit)[0]
    if reading.placeholder is Placeholder.UNREADABLE or (number is not None and value_problems(reading, number, unit)):
        return None
    aim = _read(target)
    if _not_plain_target(aim):
        return None
    last = None if baseline is None else checked_value(_read(baseline), unit)
    goal = resolve_target(aim, last, None, unit, polarity=way)[0]
    before = None if previous is None else checked_value(_read(previous), unit)
    return (_NAN if number is None or reading.value is None else number,
            _NAN if goal is None else goal,
            _NAN if before is None else before)


def _not_plain_target(reading: Reading) -> bool:
    """A target the one rule decides: unreadable, a range, a bound or a direction."""
    return reading.placeholder is Placeholder.UNREADABLE or reading.upper is not None or reading.bound is not None \
        or reading.direction is not None


def _read(cell: Any) -> Reading:
    """A cell read for the column road: a finite spreadsheet number, the commonest cell, without the
    text it shows (``read_cell`` makes it as Excel's General format would), which only notes use and
    this road writes none; anything else as ``read_cell`` reads it."""
    if cell.__class__ is float and math.isfinite(cell):
        return Reading("", cell)
    return read_cell(cell)


def _decide_plain(fields: Sequence[str], value: Any, target: Any, before: Any, settings: Any, plain: Any,
                  slow: list[int]) -> dict[str, list[Any]]:
    """Every field for all rows at once (arrays, NaN for none), right in the plain rows; a plain row whose
    gap is too large to hold joins ``slow`` (for ``decide``)."""
    import numpy as np

    higher, allowed, points, known = settings
    higher = higher > 0
    out: dict[str, list[Any]] = {}
    with np.errstate(invalid="ignore", over="ignore"):
        gap = value - target
    both = ~np.isnan(value) & ~np.isnan(target)
    slow += np.flatnonzero(plain & both & ~np.isfinite(gap)).tolist()
    for name in fields:
        if name == "status":
            out[name] = rag_statuses(value, target, higher, allowed, points > 0).tolist()
        elif name == "trend":
            out[name] = directions_of_travel(value, np.where(known > 0, before, np.nan), higher).tolist()
        else:
            figures = np.where(both, gap, np.nan) if name == "gap" else value if name == "value" else target
            out[name] = [None if figure != figure else figure for figure in figures.tolist()]
    return out


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
