"""The one judgement over whole columns: what a spilling worksheet function asks of thousands of rows.

:func:`decide_columns` gives, for every row, what :func:`~csp_status.core.judgement.decide` gives for
that row alone; it only takes a shorter road where the road is plainly the same:

* the row's settings (polarity, unit, tolerance and its kind) are read once for each distinct set of
  words in the columns, not once a row;
* a row whose figures can be right, whose target is a plain figure (no range, bound or direction)
  and whose polarity is known is read with the same rules as ``decide`` (``read_cell``,
  ``in_row_unit``, ``value_problems``, ``resolve_target``); its spreadsheet numbers (finite floats, the
  commonest cells) are read for all such rows of one unit at once, by the column form of those rules
  (:func:`~csp_status.core.figures.sheet_numbers_in_unit`); its compact typed figures ('15.59%',
  '50% (62/124)', '7.1% (1.5%)') are read once for each distinct text without a Reading
  (:func:`~csp_status.core.compact.read_compacts`) and put in the row's unit and checked for all rows
  of one unit written in one unit at once (:func:`~csp_status.core.figures.typed_figures_in_unit`,
  which shares the CHECK rule's tests with ``value_problems``); and its status, gap and direction of
  travel are worked out for all such rows at once with the arithmetic the rules share with their
  one-value forms (:func:`~csp_status.core.rules.rag_statuses`);
* every other row (a figure that cannot be right, a range or a bound, no polarity, a gap too large to
  hold) is decided by ``decide`` itself.

``tests/test_columns.py`` checks over generated columns that every row agrees with ``decide``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

from csp_status.core.errors import CellError
from csp_status.core.compact import read_compacts
from csp_status.core.figures import (
    checked_value,
    sheet_numbers_in_unit,
    stated_unit,
    target_problems,
    typed_figures_in_unit,
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
    entries, code = _row_settings(np, rows, polarities, units, tolerances, kinds)
    failed = np.array([entry.__class__ is CellError for entry in entries])[code]
    settings = np.array([entry[2:] if entry.__class__ is tuple else (0, 0.0, 0, 0) for entry in entries],
                        dtype=float)[code].T  # higher is better, tolerance, in points, polarity known
    unit_index: dict[Any, int] = {None: 0}  # the units of the rows, once each: a row's unit is its index
    unit_of = np.array([unit_index.setdefault(entry[1], len(unit_index)) if entry.__class__ is tuple else 0
                        for entry in entries], dtype=np.intp)[code]
    plain = ~failed & (settings[3] > 0) if "status" in fields else ~failed  # no polarity: the one rule decides
    slow = np.flatnonzero(~failed & ~plain).tolist()
    number, goal, before = np.full(rows, _NAN), np.full(rows, _NAN), np.full(rows, _NAN)
    sheet_value, sheet_target = _spreadsheet_numbers(np, values), _spreadsheet_numbers(np, targets)
    if baselines.count(None) == rows and previouses.count(None) == rows:
        alone = plain.copy()
    else:  # a row with a baseline or a previous figure is read one cell at a time
        alone = plain & np.array([b is None and p is None for b, p in zip(baselines, previouses)])
        for i in np.flatnonzero(plain & ~alone).tolist():
            entry = entries[code[i]]
            figures = _plain_row(values[i], targets[i], baselines[i], previouses[i], entry[0], entry[1])
            if figures is None:
                plain[i] = False
                slow.append(i)
            else:
                number[i], goal[i], before[i] = figures
    read: dict[Any, Any] = {}
    typed = np.flatnonzero(alone & ~sheet_value[0])  # typed text, blanks and other cells
    units_of = list(unit_index)
    for rows, figures, written in _compact_figures(np, values, typed, unit_of):  # of one unit, written in one
        unit = units_of[unit_of[rows[0]]] or stated_unit(Reading("", unit=written))
        found = typed_figures_in_unit(figures[0], figures[1], figures[2], written, unit)
        if found is None:
            continue  # the row's unit changes them: one at a time, below
        number[rows], unit_of[rows] = found[0], unit_index.setdefault(unit, len(unit_index))
        wrong = rows[~found[1]]
        alone[wrong] = plain[wrong] = False
        slow += wrong.tolist()
        typed = typed[~np.isin(typed, rows)]
    typed = typed.tolist()
    found = [_once(read, _typed_value, values[i], entries[k][1]) for i, k in zip(typed, code[typed].tolist())]
    wrong = [i for i, figure in zip(typed, found) if figure is None]
    if wrong:
        alone[wrong] = plain[wrong] = False
        slow += wrong
        kept = [k for k, figure in enumerate(found) if figure is not None]
        typed, found = [typed[k] for k in kept], [found[k] for k in kept]
    number[typed] = [figure[0] for figure in found]
    unit_of[typed] = [unit_index.setdefault(figure[1], len(unit_index)) for figure in found]
    for k, unit in enumerate(unit_index):  # spreadsheet numbers, all those of one unit at once
        rows_in = np.flatnonzero(alone & sheet_value[0] & (unit_of == k))
        if len(rows_in):
            number[rows_in], fine = sheet_numbers_in_unit(sheet_value[1][rows_in], unit)
            wrong = rows_in[~fine]
            alone[wrong] = plain[wrong] = False
            slow += wrong.tolist()
        rows_in = np.flatnonzero(alone & sheet_target[0] & (unit_of == k))
        if len(rows_in):
            goal[rows_in] = sheet_numbers_in_unit(sheet_target[1][rows_in], unit)[0]
    # in a row of no unit, a figure typed with none ('15') beside a target that states one ('14.2%'), or a
    # spreadsheet number above 1 beside a percentage: ``decide`` (which finds the target cannot be right)
    for i in np.flatnonzero(alone & (unit_of == 0) & ~np.isnan(number)
                            & (~sheet_value[0] | (np.abs(number) > 1))).tolist():
        if targets[i].__class__ is str and _once(read, _target_unit, targets[i]) is not None:
            alone[i] = plain[i] = False
            slow.append(i)
    typed = np.flatnonzero(alone & ~sheet_target[0])
    units_of = list(unit_index)
    for rows, figures, written in _compact_figures(np, targets, typed, unit_of):
        unit = units_of[unit_of[rows[0]]]
        if target_problems(Reading("", unit=written), unit):  # a target in another kind of unit: CHECK
            plain[rows] = False
            slow += rows.tolist()
            typed = typed[~np.isin(typed, rows)]
            continue
        found = typed_figures_in_unit(figures[0], figures[1], figures[2], written, unit)
        if found is not None:  # a compact target states its figure: in the row's unit, it is the target
            goal[rows] = found[0]
            typed = typed[~np.isin(typed, rows)]
    typed = typed.tolist()
    found = [_once(read, _typed_target, targets[i], units_of[k], entries[e][0])
             for i, k, e in zip(typed, unit_of[typed].tolist(), code[typed].tolist())]
    wrong = [i for i, figure in zip(typed, found) if figure is None]
    if wrong:
        plain[wrong] = False
        slow += wrong
    goal[typed] = [_NAN if figure is None else figure for figure in found]
    out = _decide_plain(fields, number, goal, before, settings, plain, slow)
    for i in np.flatnonzero(failed).tolist():
        for column in out.values():
            column[i] = entries[code[i]]
    for i in sorted(slow):
        _decide_one(out, i, IndicatorCells(**{name: column[i] for name, column in zip(COLUMNS, columns)}))
    return out


def _spreadsheet_numbers(np: Any, cells: Sequence[Any]) -> tuple[Any, Any]:
    """Which cells are finite spreadsheet numbers (floats), and the numbers (NaN for any other cell)."""
    rows = len(cells)
    kinds = list(map(type, cells))
    if kinds.count(float) == rows:
        numbers = np.fromiter(cells, dtype=float, count=rows)
    else:
        numbers = np.full(rows, _NAN)
        floats = np.fromiter(kinds, dtype=object, count=rows) == float
        numbers[floats] = np.fromiter(cells, dtype=object, count=rows)[floats].astype(float)
    return np.isfinite(numbers), numbers


def _row_settings(np: Any, rows: int, *columns: Sequence[Any]) -> tuple[list[Any], Any]:
    """Each distinct set of settings read once: (polarity, unit, higher is better, tolerance, in points,
    polarity known), or the error reading them gives; and each row's, as its index among them (an
    array)."""
    varying = [k for k, column in enumerate(columns)  # most are left blank
               if rows and (column[0] is not None or column.count(None) != rows)]
    if not varying:
        return [_read_settings([None] * len(columns))], np.zeros(rows, dtype=np.intp)
    plain = all(set(map(type, columns[k])) <= _PLAIN_KEYS for k in varying)
    if plain and len(varying) == 1:
        words: Sequence[Any] = columns[varying[0]]  # the cells themselves are the keys
    else:  # 1, 1.0 and True are one key, but read apart: their types go in the key
        words = [cells if plain else (*cells, *map(type, cells)) for cells in zip(*(columns[k] for k in varying))]

    def read(key: Any) -> Any:
        cells: list[Any] = [None] * len(columns)
        for k, cell in zip(varying, (key,) if words is columns[varying[0]] else key):
            cells[k] = cell
        return _read_settings(cells)

    try:
        distinct = {key: k for k, key in enumerate(dict.fromkeys(words))}
    except TypeError:  # a cell that cannot be a key: each row read alone
        return [read(key) for key in words], np.arange(rows, dtype=np.intp)
    return [read(key) for key in distinct], np.fromiter(map(distinct.__getitem__, words), np.intp, count=rows)


_PLAIN_KEYS = {str, float, type(None)}


def _read_settings(cells: tuple[Any, ...]) -> Any:
    try:
        way, unit, allowed, kind = read_settings(*cells)
    except CellError as err:
        return err
    return way, unit, way is Polarity.HIGHER_IS_BETTER, allowed, kind is ToleranceKind.POINTS, way is not None


def _once(seen: dict[Any, Any], read: Any, cell: Any, *row: Any) -> Any:
    """``read(cell, *row)``, once for each distinct text or blank in its row's settings (any other cell each
    time)."""
    if cell.__class__ is not str and cell is not None:
        return read(cell, *row)
    key = (read, cell, *row)
    found = seen.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = seen[key] = read(cell, *row)
    return found


_UNSEEN = object()


def _compact_figures(np: Any, cells: Sequence[Any], rows: Any, unit_of: Any) -> Iterator[tuple[Any, ...]]:
    """Of ``rows``, those whose cells are compact figures (:func:`~csp_status.core.compact.read_compacts`,
    each distinct text read once), in groups of one row unit (``unit_of``) and one unit written: each
    group's rows, their figures' values, numerators and denominators (arrays, NaN for none), and the
    unit written."""
    if len(rows) < 2:
        texts: Sequence[Any] = [cells[i] for i in rows.tolist()]
    else:
        texts = itemgetter(*rows.tolist())(cells)
    try:
        distinct = dict.fromkeys(texts)
    except TypeError:  # a cell that cannot be a key
        texts = [text if text.__class__ is str else None for text in texts]
        distinct = dict.fromkeys(texts)
    distinct.pop(None, None)
    read = list(distinct)
    try:
        found = read_compacts(read, every_field=False)
    except TypeError:  # a cell neither text nor blank: the texts alone
        read = [text for text in read if text.__class__ is str]
        found = read_compacts(read, every_field=False)
    count = len(found.rows)
    if not count:
        return
    at = dict(zip(map(read.__getitem__, found.rows), range(count)))  # only texts: no other cell is found
    position = np.fromiter(map(at.get, texts, repeat(-1)), dtype=np.intp, count=len(texts))  # -1: not a compact figure
    compact = position >= 0
    index = position[compact]
    units = list(dict.fromkeys(found.unit))
    code = {unit: k for k, unit in enumerate(units)}
    rows = rows[compact]
    group = unit_of[rows] * len(units) + np.fromiter(map(code.__getitem__, found.unit), np.intp, count=count)[index]
    figures = [np.fromiter(column, float, count=count)[index]
               for column in (found.value, found.numerator, found.denominator)]
    for key in np.unique(group).tolist():
        chosen = np.flatnonzero(group == key)
        yield rows[chosen], [column[chosen] for column in figures], units[key % len(units)]


def _typed_value(cell: Any, unit: Any) -> tuple[float, Any] | None:
    """A value that is not a spreadsheet number: its figure in the row's unit (NaN for none) and the row's
    unit (its own, or the one the figure states); None when the figure cannot be right."""
    reading = read_cell(cell)
    unit = unit or stated_unit(reading)
    figure = in_row_unit(reading, unit)[0]
    if reading.placeholder is Placeholder.UNREADABLE or (figure is not None and value_problems(reading, figure, unit)):
        return None
    return (_NAN if figure is None else figure), unit


def _target_unit(cell: Any) -> Any:
    """The unit a target's text states (None: none)."""
    return stated_unit(read_cell(cell))


def _typed_target(cell: Any, unit: Any, way: Polarity | None) -> float | None:
    """A target that is not a spreadsheet number, with no baseline: its figure (NaN for none); None when the
    one rule decides it (unreadable, a range, a bound or a direction)."""
    reading = read_cell(cell)
    if _not_plain_target(reading) or target_problems(reading, unit):
        return None
    stated = resolve_target(reading, None, None, unit, polarity=way)[0]
    return _NAN if stated is None else stated


def _column(cells: Any, rows: int) -> Sequence[Any]:
    if isinstance(cells, list):
        if len(cells) != rows:
            raise ValueError(f"a column of {len(cells)} cells for {rows} rows")
        return cells
    return [cells] * rows


def _plain_row(value: Any, target: Any, baseline: Any, previous: Any, way: Polarity | None,
               unit: Any) -> tuple[float, float, float] | None:
    """A row's value, target and previous figure (NaN for none) when its decision is plain; else None."""
    reading, aim = _read(value), _read(target)
    unit = unit or stated_unit(reading)
    number = in_row_unit(reading, unit)[0]
    if reading.placeholder is Placeholder.UNREADABLE or (number is not None and value_problems(reading, number, unit)):
        return None
    if _not_plain_target(aim) or target_problems(aim, unit, reading, number):
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
            with np.errstate(over="ignore"):  # a row whose gap is too large is decided by ``decide``
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
