"""Judging every indicator of a partnership for the reporting period: one table, one pass.

Each indicator's cells are read once (parse), the figures gathered into columns, and the status,
gap and direction of travel computed for whole columns at once (calc's vectorised rules, which
take numpy arrays or pandas Series alike).  pandas is imported only for ``evaluations_frame``, so
the command line starts quickly.  Data notes say
why a row is CHECK, where a target disagrees with its stated reduction, and what significance
testing says.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from csp_status.core import stats
from csp_status.core.vocabulary import Polarity, Status, ToleranceKind, Trend, TrendBasis
from csp_status.core.rules import directions_of_travel, rag_statuses
from csp_status.core.wording import format_gap, format_value
from csp_status.core.model import QUARTERS, Indicator, Partnership, year_key
from csp_status.core.vocabulary import Placeholder, Unit
from csp_status.core.parse import Reading, in_row_unit, read_cell
from csp_status.core.targets import (
    TargetSense, is_worded_target, reading_notes, strict_misses, target_sense, worded_target,
)
from csp_status.core.vocabulary import same_kind

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Evaluation", "evaluate", "evaluations_frame", "resolve_target", "value_problems", "value_notes",
    "value_interval",
]

_NAN = float("nan")


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

    def as_row(self) -> dict[str, Any]:
        """The fields of ``csp status --format json``."""
        row = asdict(self)
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


@dataclass
class _Facts:
    value: float | None = None
    target: float | None = None
    previous: float | None = None
    previous_period: str | None = None
    check: bool = False
    notes: list[str] = field(default_factory=list)
    value_reading: Reading | None = None
    target_text: str = ""
    value_text: str = ""
    sense: TargetSense = field(default_factory=lambda: TargetSense(None))


def evaluate(book: Partnership) -> list[Evaluation]:
    """Every indicator's status, gap, trend and notes for the book's reporting period."""
    settings = book.settings
    years = book.years()  # once: every indicator looks back over the same years
    facts = [_gather(book, ind, years) for ind in book.indicators]
    value = np.array([_nan(f.value) for f in facts], dtype=float)
    target = np.array([_nan(f.target) for f in facts], dtype=float)
    previous = np.array([_nan(f.previous) for f in facts], dtype=float)
    # the status reads the target as its words say: the polarity, else a bound or direction in the target
    higher = np.array([(f.sense.polarity or ind.polarity) is Polarity.HIGHER_IS_BETTER
                       for ind, f in zip(book.indicators, facts)], dtype=bool)
    tolerance = np.array([ind.tolerance for ind in book.indicators], dtype=float)
    points = np.array([ind.tolerance_kind is ToleranceKind.POINTS for ind in book.indicators], dtype=bool)
    check = np.array([f.check for f in facts], dtype=bool)
    statuses = rag_statuses(value, target, higher, tolerance, points, check)
    statuses = strict_misses(statuses, value, target, [f.sense.strict for f in facts])
    trends = np.where(check, None, directions_of_travel(value, previous, higher))
    gaps = np.where(check, _NAN, value - target)

    results = []
    for ind, fact, status_word, trend_word, gap_value in zip(book.indicators, facts, statuses, trends, gaps):
        status = Status(status_word)
        gap = None if np.isnan(gap_value) else float(gap_value)
        evaluation = Evaluation(
            ref=ind.ref,
            description=ind.description,
            period=settings.period,
            unit=ind.unit,
            value=fact.value,
            value_text=fact.value_text,
            target=fact.target,
            target_text=fact.target_text,
            status=status,
            gap=gap,
            gap_text=format_gap(gap, fact.target, ind.unit),
            trend=Trend(trend_word) if isinstance(trend_word, str) else None,
            previous=fact.previous,
            previous_period=fact.previous_period,
            notes=list(fact.notes),
        )
        _add_significance(evaluation, ind, fact, settings.population)
        results.append(evaluation)
    return results


def evaluations_frame(evaluations: list[Evaluation]) -> "pd.DataFrame":
    """The evaluations as a pandas table, one row per indicator, columns as in ``csp status``."""
    import pandas as pd

    return pd.DataFrame([e.as_row() for e in evaluations])


def _gather(book: Partnership, ind: Indicator, years: list[str]) -> _Facts:
    settings = book.settings
    year, quarter = settings.reporting_year, settings.current_quarter
    record = book.record(ind.ref, year)
    facts = _Facts()
    cell = record.quarters[quarter - 1] if record else None
    reading = read_cell(cell)
    facts.value_reading = reading
    facts.value_text = _shown(reading)
    value, note = in_row_unit(reading, ind.unit)
    if note:
        facts.notes.append(note)
    problems = list(ind.problems) + value_problems(reading, value, ind.unit)
    if ind.polarity is None and not ind.problems:
        problems.append("polarity not set: choose 'Lower is better' or 'Higher is better' in Indicators")
    if problems:
        facts.check = True
        facts.notes.extend(problems)
    else:
        facts.notes.extend(value_notes(reading))
    facts.notes.extend(reading_notes(reading, "value"))  # what the words said that the officer did not type
    facts.value = value if reading.has_value else None
    if not reading.has_value and reading.placeholder not in (Placeholder.BLANK, Placeholder.UNREADABLE):
        facts.notes.append(f"value: {reading.reason}")

    target_cell = record.target if record else None
    baseline, baseline_year = _baseline(book, ind, years)
    target_reading = read_cell(target_cell)
    facts.target_text = _shown(target_reading)
    target, target_notes = resolve_target(target_reading, baseline, baseline_year, ind.unit, polarity=ind.polarity)
    facts.target = target
    facts.notes.extend(target_notes)
    facts.notes.extend(reading_notes(target_reading, "target"))
    facts.sense = target_sense(target_reading, ind.polarity)
    if facts.sense.note:
        facts.notes.append(facts.sense.note)
    if target_reading.unreadable:
        facts.check = True  # text that cannot be read is CHECK, in the target as in the value

    facts.previous, facts.previous_period = _previous(book, ind, years)
    return facts


def value_problems(reading: Reading, value: float | None, unit: Unit | None) -> list[str]:
    """Why a value cannot be right (the CHECK rule), in words that name the text; empty when fine."""
    if reading.unreadable:
        return [reading.reason or f"cannot read {reading.text.strip()!r}"]
    if value is None:
        return []
    shown = repr(reading.text.strip())
    problems = []
    if unit is not None and reading.unit not in (None, Unit.NUMBER) and not same_kind(reading.unit, unit):
        problems.append(f"{shown} is written {reading.unit.value} but the row is {unit.value}")
    if value < 0:
        kind = {Unit.PERCENT: "proportion", Unit.PER_1000: "rate"}.get(unit or reading.unit, "count")
        problems.append(f"{shown} is a negative {kind}")
    if (unit or reading.unit) is Unit.PERCENT and value > 1 + 1e-12:
        problems.append(f"{shown} is a proportion over 100%")
    num, den = reading.numerator, reading.denominator
    if num is not None and den is not None:
        if den <= 0:
            problems.append(f"{shown} has a denominator of {den:g}")
        elif num > den and (unit or reading.unit) is Unit.PERCENT:
            problems.append(f"{shown}: numerator {num:g} is more than denominator {den:g}")
        elif num < 0:
            problems.append(f"{shown} has a negative numerator")
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


def resolve_target(
    reading: Reading, baseline: float | None, baseline_year: str | None, unit: Unit | None,
    polarity: Polarity | None = None,
) -> tuple[float | None, list[str]]:
    """The target a cell sets, and notes: the stated target wins; a lone reduction applies to the baseline."""
    notes: list[str] = []
    if is_worded_target(reading):  # "reduce", "maintain", "Reduce burglary by 20% by 2008" (core.targets)
        return worded_target(reading, baseline, baseline_year, unit, polarity)
    if reading.unreadable:
        return None, [f"target: {reading.reason}"]
    if reading.bracketed and reading.reduction is None and reading.unit is Unit.PERCENT and baseline is not None:
        # "(1.5%)" alone in a target cell: the planned reduction on the baseline, no target stated
        cut = abs(reading.value or 0.0)
        target = baseline * (1 - cut)
        return target, [
            f"target {format_value(target, unit, 3)} worked out as {format_value(baseline, unit)} "
            f"({baseline_year}) less {cut * 100:g}%"
        ]
    if not reading.has_value:
        return None, [f"target: {reading.reason}"] if reading.placeholder is not Placeholder.BLANK else []
    stated, unit_note = in_row_unit(reading, unit)
    if unit_note:
        notes.append(f"target {unit_note}")
    if reading.reduction is None:
        return stated, notes
    if baseline is None:
        return stated, notes
    computed = baseline * (1 - reduction_of(reading))
    step = 10.0 ** -(reading.decimals or 0) / (unit or reading.unit or Unit.NUMBER).scale
    if abs(stated - computed) > step + 1e-9 * (1 + abs(computed)):
        notes.append(
            f"target {format_value(stated, unit, reading.decimals)} differs from "
            f"{format_value(baseline, unit)} ({baseline_year}) less {reduction_of(reading) * 100:g}% = "
            f"{format_value(computed, unit, (reading.decimals or 0) + 1)}"
        )
    return stated, notes


def reduction_of(reading: Reading) -> float:
    return reading.reduction or 0.0


def _baseline(book: Partnership, ind: Indicator, years: list[str]) -> tuple[float | None, str | None]:
    """The last baseline year's outturn: the latest outturn before the reporting year."""
    start = year_key(book.settings.reporting_year)
    for year in reversed(years):
        if year_key(year) >= start:
            continue
        record = book.record(ind.ref, year)
        if record is None:
            continue
        reading = read_cell(record.outturn)
        value, _ = in_row_unit(reading, ind.unit)
        if value is not None:
            return value, year
    return None, None


def _previous(book: Partnership, ind: Indicator, years: list[str]) -> tuple[float | None, str | None]:
    """The figure to compare with, by the rule the Data sheet's Trend formula also follows.

    The previous quarter when it holds anything, else last year's outturn (per indicator: the same
    quarter last year).  "Last year" is the indicator's latest year before the reporting year.  A
    figure that holds no value or cannot be right gives no direction of travel.
    """
    year, quarter = book.settings.reporting_year, book.settings.current_quarter
    start = year_key(year)
    last_year = next((y for y in reversed(years) if year_key(y) < start and book.record(ind.ref, y)), None)
    this = book.record(ind.ref, year)
    last = book.record(ind.ref, last_year) if last_year else None
    if ind.trend_basis is TrendBasis.SAME_QUARTER_LAST_YEAR:
        label, cell = f"{last_year} {QUARTERS[quarter - 1]}", last.quarters[quarter - 1] if last else None
    elif quarter > 1 and this and not _blank(this.quarters[quarter - 2]):
        label, cell = f"{year} {QUARTERS[quarter - 2]}", this.quarters[quarter - 2]
    else:
        label, cell = f"{last_year} outturn", last.outturn if last else None
    reading = read_cell(cell)
    value, _ = in_row_unit(reading, ind.unit)
    if value is None or value_problems(reading, value, ind.unit):
        return None, None
    return value, label


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell == "")


def value_interval(
    reading: Reading, value: float, unit: Unit | None, population: float | None = None
) -> tuple[stats.Interval, str] | None:
    """The 95% interval of a figure and what it rests on, where its counts are known; else None.

    Wilson for a proportion with its counts ("50% (62/124)"), Byar for a whole-number count, and
    Byar on the implied count for a rate per 1,000 when the population is known.
    """
    unit = unit or reading.unit
    try:
        if reading.numerator is not None and reading.denominator:
            if unit is not Unit.PERCENT:
                return None
            basis = f"{reading.numerator:g}/{reading.denominator:g}"
            return stats.wilson_interval(reading.numerator, reading.denominator), basis
        if unit is Unit.NUMBER and float(value).is_integer():
            return stats.byar_interval(value), "count"
        if unit is Unit.PER_1000 and population:
            pop = float(population)
            count = round(value * pop / 1000)
            basis = f"about {count:,} in a population of {pop:,.0f}"
            return stats.byar_interval(count).scaled(1000 / pop), basis
    except ValueError:
        return None
    return None


def _add_significance(ev: Evaluation, ind: Indicator, fact: _Facts, population: float | None) -> None:
    """Note whether the target lies inside the 95% interval of the value (never changes the status)."""
    reading = fact.value_reading
    if ev.status in (Status.CHECK, Status.AWAITED) or reading is None or ev.value is None:
        return
    unit = ind.unit or reading.unit
    found = value_interval(reading, ev.value, unit, ind.population or population)
    if found is None:
        return
    interval, basis = found
    ev.interval = interval
    if ev.target is None:
        return
    verdict = stats.compare_to_target(interval, ev.target)
    places = {Unit.PERCENT: 2, Unit.PER_1000: 1}.get(unit, 0)
    span = f"{format_value(interval.low, unit, places)}–{format_value(interval.high, unit, places)}"
    joiner = "from" if verdict == "not significantly different" else ""
    ev.notes.append(
        f"95% interval {span} ({interval.method}, {basis}): "
        + " ".join(filter(None, [verdict, joiner, f"the {format_value(ev.target, unit)} target"]))
    )


def _shown(reading: Reading) -> str:
    return reading.text.strip()


def _nan(value: float | None) -> float:
    return _NAN if value is None else value
