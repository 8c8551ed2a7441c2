"""Significance: whether a figure differs from its target by more than chance, where its counts are known.

95% Wilson intervals for proportions with their counts, Byar's method for counts (exact Poisson
under 10) and for rates per 1,000 with a known population (``stats``).  The verdict goes into the
data notes; it never changes the status.
"""

from __future__ import annotations

from csp_status.core import stats
from csp_status.core.parse import Reading
from csp_status.core.vocabulary import Unit
from csp_status.core.wording import format_value

__all__ = ["value_interval", "significance"]


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


def significance(
    reading: Reading, value: float, target: float | None, unit: Unit | None, population: float | None
) -> tuple[stats.Interval | None, str | None]:
    """The figure's 95% interval, and a data note saying whether the target lies inside it."""
    unit = unit or reading.unit
    found = value_interval(reading, value, unit, population)
    if found is None:
        return None, None
    interval, basis = found
    if target is None:
        return interval, None
    verdict = stats.compare_to_target(interval, target)
    places = {Unit.PERCENT: 2, Unit.PER_1000: 1}.get(unit, 0)
    span = f"{format_value(interval.low, unit, places)}–{format_value(interval.high, unit, places)}"
    joiner = "from" if verdict == "not significantly different" else ""
    return interval, (
        f"95% interval {span} ({interval.method}, {basis}): "
        + " ".join(filter(None, [verdict, joiner, f"the {format_value(target, unit)} target"]))
    )
