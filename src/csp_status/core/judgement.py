"""The one judgement of an indicator: from its cells to its status, gap, trend, significance and notes.

Every shell asks :func:`judge`: the refresh (through :func:`evaluate`, for the Summary, the Trends
sheet, the board pack, ``csp status`` and the rollup), and the worksheet functions ``CSP_STATUS``,
``CSP_GAP``, ``CSP_TREND``, ``CSP_VALUE`` and ``CSP_COMMENTARY`` (which also write the Data sheet's
cached values).  A shell only gathers the cells; the decision is made here, once.

What each result rests on, so that a worksheet function given fewer cells still agrees:

* **status** — the value, the target (with the baseline, for a target given only as a reduction),
  the polarity, the tolerance and its kind, the unit;
* **gap** — the value, the target, the baseline and the unit (not the polarity: a gap is a gap);
* **trend** — the value, the previous figure, the polarity and the unit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from csp_status.core import stats
from csp_status.core.errors import CellError
from csp_status.core.figures import checked_value, stated_unit, target_problems, value_notes, value_problems
from csp_status.core.model import QUARTERS, Indicator, Partnership, previous_year
from csp_status.core.parse import Reading, in_row_unit, parse_fraction, read_cell
from csp_status.core.rules import direction_of_travel, rag_status
from csp_status.core.significance import significance, value_interval
from csp_status.core.targets import (
    polarity_note,
    range_upper,
    reading_notes,
    resolve_target,
    strict_miss,
    target_sense,
)
from csp_status.core.vocabulary import (
    CHOOSE_POLARITY,
    DEFAULT_TOLERANCE,
    Placeholder,
    Polarity,
    Status,
    ToleranceKind,
    Trend,
    TrendBasis,
    Unit,
    parse_polarity,
    parse_tolerance_kind,
    parse_trend_basis,
    parse_unit_word,
)
from csp_status.core.wording import format_gap

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "IndicatorCells", "Decision", "Evaluation", "decide", "decide_cells", "judge", "read_settings", "choose_previous",
    "evaluate", "evaluations_frame", "resolve_target", "value_problems", "value_notes", "value_interval",
    "POLARITY_NOT_SET",
]

POLARITY_NOT_SET = f"polarity not set: {CHOOSE_POLARITY}"


class IndicatorCells(NamedTuple):
    """The cells one indicator's judgement rests on, as typed (text, a spreadsheet number, or None).

    ``polarity``, ``unit``, ``tolerance`` and ``tolerance_kind`` may be their words or already read
    (a :class:`Polarity`, :class:`Unit`, float, :class:`ToleranceKind`).  ``baseline`` is last year's
    outturn (a target given only as a reduction applies to it); ``previous`` is the figure the
    direction of travel compares with (see :func:`choose_previous`).  ``problems`` are cells of the
    indicator's own row that could not be read: they make the status CHECK.
    """

    value: object = None
    target: object = None
    polarity: object = None
    unit: object = None
    tolerance: object = None
    tolerance_kind: object = None
    baseline: object = None
    baseline_label: str | None = None
    previous: object = None
    previous_label: str | None = None
    population: object = None
    problems: tuple[str, ...] = ()


@dataclass
class Evaluation:
    """One indicator's result for the reporting period."""

    ref: str
    description: str
    period: str
    unit: Unit | None
    value: float | None
    value_text: str
    target: float | None
    target_text: str
    status: Status
    gap: float | None
    gap_text: str
    trend: Trend | None
    previous: float | None
    previous_period: str | None
    notes: list[str] = field(default_factory=list)
    interval: stats.Interval | None = None
    reading: Reading | None = field(default=None, repr=False, compare=False)
    polarity: Polarity | None = None
    tolerance: float = DEFAULT_TOLERANCE
    tolerance_kind: ToleranceKind = ToleranceKind.RELATIVE

    def as_row(self) -> dict[str, Any]:
        """The fields of ``csp status --format json``."""
        row = asdict(self)
        for judged_by in ("reading", "polarity", "tolerance", "tolerance_kind"):
            del row[judged_by]
        for key in ("value", "target", "gap", "previous"):
            row[key] = _tidy(row[key])
        row["unit"] = self.unit.value if self.unit else None
        row["status"] = self.status.value
        row["trend"] = self.trend.value if self.trend else None
        row["notes"] = "; ".join(self.notes)
        row["interval"] = [_tidy(self.interval.low), _tidy(self.interval.high)] if self.interval else None
        return row


def _tidy(number: float | None) -> float | None:
    """A figure to 12 significant digits: a gap of 0.0038, not 0.00379999999999997 (binary noise)."""
    return None if number is None else float(f"{number:.12g}")


class Decision(NamedTuple):
    """What every shell needs of an indicator: its status, gap and trend, the figures they rest on,
    and the notes saying why (the Summary's judgement adds the wording and the significance).

    A named tuple, for one is made for every cell a worksheet function judges: :func:`decide_cells`
    makes it as a plain tuple is made, in one step, not through thirteen arguments."""

    status: Status
    value: float | None
    target: float | None
    gap: float | None
    trend: Trend | None
    previous: float | None
    unit: Unit | None
    polarity: Polarity | None
    tolerance: float
    tolerance_kind: ToleranceKind
    reading: Reading
    target_reading: Reading
    notes: list[str]


# looked up once: on Python 3.11 reading a member off its class (Unit.NUMBER) goes through the enum
# metaclass's attribute hook, a tenth of a microsecond each, on the path of every cell judged
_BLANK, _UNREADABLE, _CHECK = Placeholder.BLANK, Placeholder.UNREADABLE, Status.CHECK
_new_decision = tuple.__new__  # a Decision from its fields in order (what Decision._make does, less its checks)


def decide(cells: IndicatorCells) -> Decision:
    """The decision for one indicator: status, gap and direction of travel from its cells.

    Raises :class:`CellError` only for a polarity, unit, tolerance or tolerance kind that cannot be
    read (a worksheet function shows it in its cell; a book reports it as a problem of the row).
    Text that cannot be read in the value, the target or the previous figure is CHECK, with a note.
    """
    return decide_cells(*cells)


def decide_cells(value_cell: object = None, target_cell: object = None, polarity_cell: object = None,
                 unit_cell: object = None, tolerance_cell: object = None, kind_cell: object = None,
                 baseline_cell: object = None, baseline_label: str | None = None, previous_cell: object = None,
                 previous_label: str | None = None, population_cell: object = None, row_problems: tuple[str, ...] = (),
                 ) -> Decision:
    """:func:`decide` given the cells one by one, in the order of :class:`IndicatorCells` (the worksheet
    functions' one-cell road, which need not build the tuple)."""
    polarity, unit, tolerance, kind = read_settings(polarity_cell, unit_cell, tolerance_cell, kind_cell)
    reading, target_reading = read_cell(value_cell), read_cell(target_cell)
    # the row's unit, else the one the figure itself states: every shell sees the figure, so every
    # shell reads its target, baseline and previous figure in the same unit
    unit = unit or stated_unit(reading)
    notes: list[str] = []

    value, unit_note = in_row_unit(reading, unit)
    if unit_note:
        notes.append(unit_note)
    problems = value_problems(reading, value, unit)
    if row_problems:
        problems = [*row_problems, *problems]
    figure_wrong = bool(problems)
    if problems:
        notes.extend(problems)
    elif polarity is None:
        notes.append(POLARITY_NOT_SET)
    elif reading.numerator is not None:
        notes.extend(value_notes(reading))
    if reading.notes or reading.provisional:
        notes.extend(reading_notes(reading, "value"))  # what the words said that the officer did not type
    if reading.value is None:
        value = None
        if reading.placeholder is not _BLANK and reading.placeholder is not _UNREADABLE:
            notes.append(f"value: {reading.reason}")

    baseline = None if baseline_cell is None else checked_value(read_cell(baseline_cell), unit)
    target, target_notes = resolve_target(target_reading, baseline, baseline_label, unit, polarity)
    if target_notes:
        notes.extend(target_notes)
    if target_reading.notes or target_reading.provisional:
        notes.extend(reading_notes(target_reading, "target"))
    sense = target_sense(target_reading, polarity)  # a bound ("at least 500") or a direction ("reduce")
    if sense.note:
        notes.append(sense.note)
    target_wrong = target_reading.placeholder is _UNREADABLE
    mismatch = target_problems(target_reading, unit, reading, value)  # '45%' as the target of a count
    if mismatch:
        target_wrong = True
        notes.extend(mismatch)

    span: tuple[float, float] | None = None
    known = sense.polarity or polarity
    upper = None if target_reading.upper is None else range_upper(target_reading, target, unit)
    if problems or target_wrong:
        status = _CHECK
    elif known is not None and upper is None:  # the usual case: one polarity, one target
        status = rag_status(value, target, known, tolerance, kind)
        if sense.strict:  # "> 75%", "reduce": the target's own figure misses
            status = strict_miss(status, value, target, True)
    else:  # a range, or no polarity: the status both ways round where they agree (no target, on target)
        def aim(way: Polarity) -> float | None:  # a range is met from its lower end up, or its upper end down
            return upper if upper is not None and way is Polarity.LOWER_IS_BETTER else target

        ways = {strict_miss(rag_status(value, aim(way), way, tolerance, kind), value, aim(way), sense.strict)
                for way in ((known,) if known else tuple(Polarity))}
        status = ways.pop() if len(ways) == 1 else Status.CHECK
        if upper is not None and value is not None:  # the gap is to the range, whichever way is better
            span = (target, upper)  # outside it, judged against its nearer end; inside, the one that applies
            target = upper if value > upper else target if value < target else (aim(known) if known else target)
    gap = None if figure_wrong or target_wrong or value is None or target is None else value - target
    if gap is not None and span:  # inside the range: on target; outside, the distance to its nearer end
        gap = value - min(max(value, span[0]), span[1])
    if gap is not None and not math.isfinite(gap):  # each figure fits in a cell; their difference does not
        status, gap, figure_wrong = Status.CHECK, None, True
        notes.append(f"{reading.text.strip()!r} and the target {target_reading.text.strip()!r} are too large "
                     "to compare: check both")

    previous = trend = None
    if previous_cell is not None:
        previous_reading = read_cell(previous_cell)
        previous = checked_value(previous_reading, unit)
        if previous is None and previous_reading.placeholder is Placeholder.UNREADABLE:
            notes.append(f"previous figure {previous_reading.text.strip()!r} cannot be read: no direction of travel")
        if polarity is not None and not figure_wrong and value is not None and previous is not None:
            trend = direction_of_travel(value, previous, polarity)
    return _new_decision(Decision, (status, value, target, gap, trend, previous, unit, polarity, tolerance, kind,
                                    reading, target_reading, notes))


def read_settings(polarity: object, unit: object, tolerance: object, kind: object
                  ) -> tuple[Polarity | None, Unit | None, float, ToleranceKind]:
    """An indicator's polarity, unit, tolerance and tolerance kind read from their cells (CellError if not)."""
    key = (polarity, unit, tolerance, kind)
    typed = (polarity.__class__ in _TYPED and unit.__class__ in _TYPED and tolerance.__class__ in _TYPED
             and kind.__class__ in _TYPED)  # as typed: words, a spreadsheet number or blank
    settings = _SETTINGS_READ.get(key) if typed else None
    if settings is None:
        settings = (None if _blank(polarity) else parse_polarity(polarity),
                    unit if unit is None or unit.__class__ is Unit else parse_unit_word(unit),
                    _tolerance(tolerance), parse_tolerance_kind(kind))
        if typed:  # the same few words in every row: read once
            if len(_SETTINGS_READ) >= 1024:
                _SETTINGS_READ.clear()
            _SETTINGS_READ[key] = settings
    return settings


# settings as typed already read (an unreadable one raises, and is never kept); typed only, so that no
# key equals another of a different kind (True == 1.0; Polarity.LOWER_IS_BETTER == "Lower is better")
_SETTINGS_READ: dict[tuple[object, ...], tuple[Polarity | None, Unit | None, float, ToleranceKind]] = {}
_TYPED = {str, float, type(None)}


def judge(cells: IndicatorCells, *, ref: str = "", description: str = "", period: str = "") -> Evaluation:
    """The judgement of one indicator for one period: :func:`decide`, with the wording of the gap
    and, where the counts are known, the 95% interval and what it says about the target."""
    d = decide(cells)
    if d.polarity is None and description and POLARITY_NOT_SET in d.notes:  # say what the wording suggests
        d.notes[d.notes.index(POLARITY_NOT_SET)] = polarity_note(description, d.target_reading)
    evaluation = Evaluation(
        ref=ref, description=description, period=period, unit=d.unit,
        value=d.value, value_text=d.reading.text.strip(), target=d.target, target_text=d.target_reading.text.strip(),
        status=d.status, gap=d.gap, gap_text=format_gap(d.gap, d.target, d.unit),
        trend=d.trend, previous=d.previous, previous_period=cells.previous_label if d.previous is not None else None,
        notes=d.notes, reading=d.reading, polarity=d.polarity, tolerance=d.tolerance, tolerance_kind=d.tolerance_kind,
    )
    if d.status not in (Status.CHECK, Status.AWAITED) and d.value is not None:
        evaluation.interval, note = significance(d.reading, d.value, d.target, d.unit, _population(cells.population))
        if note:
            d.notes.append(note)
    return evaluation


def choose_previous(
    previous_quarter: object, last_outturn: object, same_quarter_last_year: object, basis: object = None
) -> tuple[object, str]:
    """The figure the direction of travel compares with, and which one it is.

    By the indicator's trend basis: the previous quarter when it holds anything, else last year's
    outturn ('previous period', the default); or the same quarter last year.  Returns the cell and
    'previous quarter', 'last year outturn' or 'same quarter last year'.
    """
    kind = basis if isinstance(basis, TrendBasis) else parse_trend_basis(basis)
    if kind is TrendBasis.SAME_QUARTER_LAST_YEAR:
        return same_quarter_last_year, "same quarter last year"
    if not _blank(previous_quarter):
        return previous_quarter, "previous quarter"
    return last_outturn, "last year outturn"


def evaluate(book: Partnership) -> list[Evaluation]:
    """Every indicator's judgement for the book's reporting period, in sheet order."""
    settings = book.settings
    return [
        judge(indicator_cells(book, ind), ref=ind.ref, description=ind.description, period=settings.period)
        for ind in book.indicators
    ]


def indicator_cells(book: Partnership, ind: Indicator) -> IndicatorCells:
    """The cells of one indicator that its judgement rests on, gathered from the book.

    "Last year" is the reporting year's predecessor ('2010/11' for '2011/12'), as the Data sheet's
    'Last year row' column finds it.
    """
    year, quarter = book.settings.reporting_year, book.settings.current_quarter
    last_year = previous_year(year)
    this, last = book.record(ind.ref, year), book.record(ind.ref, last_year)
    now = QUARTERS[quarter - 1]
    before = this.quarters[quarter - 2] if this and quarter > 1 else None
    last_outturn = last.outturn if last else None
    same_quarter = last.quarters[quarter - 1] if last else None
    previous, which = choose_previous(before, last_outturn, same_quarter, ind.trend_basis)
    label = {
        "previous quarter": f"{year} {QUARTERS[quarter - 2] if quarter > 1 else now}",
        "last year outturn": f"{last_year} outturn",
        "same quarter last year": f"{last_year} {now}",
    }[which]
    return IndicatorCells(
        value=this.quarters[quarter - 1] if this else None,
        target=this.target if this else None,
        polarity=ind.polarity,
        unit=ind.unit,
        tolerance=ind.tolerance,
        tolerance_kind=ind.tolerance_kind,
        baseline=last_outturn,
        baseline_label=last_year,
        previous=previous,
        previous_label=label,
        population=ind.population or book.settings.population,
        problems=tuple(ind.problems),
    )


def evaluations_frame(evaluations: list[Evaluation]) -> "pd.DataFrame":
    """The evaluations as a pandas table, one row per indicator, columns as in ``csp status``."""
    import pandas as pd

    return pd.DataFrame([e.as_row() for e in evaluations])


def _tolerance(cell: object) -> float:
    if cell is None:  # the usual cell: left blank
        return DEFAULT_TOLERANCE
    if isinstance(cell, float):
        tolerance = cell
    else:
        tolerance = parse_fraction(cell, what="a tolerance") if not _blank(cell) else None
    if tolerance is None:
        return DEFAULT_TOLERANCE
    if tolerance < 0 or tolerance != tolerance:
        raise CellError(f"{cell}", "a tolerance of zero or more")
    return tolerance


def _population(cell: object) -> float | None:
    if _blank(cell):
        return None
    if isinstance(cell, (int, float)):
        return float(cell) if cell > 0 else None
    value = read_cell(cell).value
    return value if value and value > 0 else None


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())

