"""What a target written in words asks for, in figures the status rule can use.

A bound ("at least 500", "no more than 30%", "> 75%") is met at the figure itself unless it is
strict; a direction with no figure ("Reduction on last year's figures", "maintain") is judged
against the previous year's outturn (reduce: below it; increase: above it; maintain: no worse);
a reduction with no figure ("Reduce burglary by 20% by 2008") applies to that outturn.  The
judgement calls these; every inference comes back with its one-sentence note.
"""

from __future__ import annotations

from dataclasses import dataclass

from csp_status.core.compact import bracket_reduction
from csp_status.core.parse import Reading, in_row_unit
from csp_status.core.rules import rounding_room
from csp_status.core.vocabulary import CHOOSE_POLARITY, Direction, Placeholder, Polarity, Status, Unit
from csp_status.core.wording import format_value

__all__ = [
    "range_upper",
    "resolve_target", "TargetSense", "worded_target", "target_sense", "is_worded_target", "indicator_polarity", "polarity_note",
    "strict_miss", "reading_notes", "as_target",
]


@dataclass(frozen=True, slots=True)
class TargetSense:
    """How the status rule reads a target: which way is better, and whether the target itself misses."""

    polarity: Polarity | None
    strict: bool = False
    note: str | None = None


# looked up once: on Python 3.11 reading a member off its class (Unit.NUMBER) goes through the enum
# metaclass's attribute hook, a tenth of a microsecond each, on the path of every cell judged
_SUPPRESSED, _GREEN, _AMBER = Placeholder.SUPPRESSED, Status.GREEN, Status.AMBER

def as_target(reading: Reading) -> Reading:
    """A cell read as a target: a target is never a small count withheld, so '<10' and 'Fewer than 10
    deaths' there are bounds (less than 10), noted; any other reading as it is."""
    if reading.placeholder is not _SUPPRESSED:
        return reading
    from csp_status.core.grammar.placeholders import small_number  # the grammar of words, when first needed

    found = small_number(reading.text)
    if found is None:
        return reading
    limit, bound = found
    said = reading.text.strip()
    return reading._replace(value=limit, unit=Unit.NUMBER, decimals=0, bound=bound, placeholder=None, reason=None,
                            notes=(f"{said!r} read as {bound} {limit:g} (a target, not a small number withheld)",))


def is_worded_target(reading: Reading) -> bool:
    """A target that says more than a figure: a direction, or a reduction with no figure stated."""
    return reading.value is None and reading.placeholder is None and (
        reading.direction is not None or reading.reduction is not None or reading.change is not None
    )


def worded_target(
    reading: Reading, baseline: float | None, baseline_year: str | None, unit: Unit | None,
    polarity: Polarity | None = None,
) -> tuple[float | None, list[str]]:
    """The target figure a worded target sets on the previous year's outturn, and the note saying so."""
    said = reading.text.strip()
    if baseline is None:
        return None, [f"target {said!r} works from the previous year's outturn, and there is none"]
    shown = f"{format_value(baseline, unit)} ({baseline_year})"
    if reading.reduction is not None:
        cut = reading.reduction
        if reading.direction is Direction.IMPROVE:
            if polarity is None:
                return None, [f"target {said!r}: an improvement, but which way is better is not set"]
            cut = abs(cut) if polarity is Polarity.LOWER_IS_BETTER else -abs(cut)
        target = baseline * (1 - cut)
        change = "less" if cut >= 0 else "plus"
        return target, [f"target {format_value(target, unit, _places(unit))} worked out as {shown} {change} {abs(cut) * 100:g}%"
                        + (f", due by {reading.due}" if reading.due else "")]
    if reading.change is not None:
        target = baseline + reading.change
        return target, [f"target {format_value(target, unit, _places(unit))} worked out as {shown} "
                        f"{'less' if reading.change < 0 else 'plus'} {format_value(abs(reading.change), reading.unit)}"]
    direction = reading.direction
    words = {Direction.REDUCE: "below", Direction.INCREASE: "above", Direction.MAINTAIN: "no worse than",
             Direction.IMPROVE: "better than"}[direction]
    return baseline, [f"target {said!r} read as {words} the {baseline_year} outturn, {format_value(baseline, unit)}"]


def _places(unit: Unit | None) -> int | None:
    return 3 if unit is Unit.PERCENT else None


def target_sense(reading: Reading | None, polarity: Polarity | None) -> TargetSense:
    """The polarity the status rule uses for this target, and whether meeting the figure itself misses.

    A bound decides which way is better ("at least 500" is met at 500 and above); a direction
    with no figure is strict ("reduce" is not met by last year's figure).
    """
    if reading is None or (reading.bound is None and reading.direction is None
                           and reading.placeholder is not _SUPPRESSED):
        return _AS_SET[polarity]  # the usual target, a figure: judged by the polarity set
    reading = as_target(reading)
    bound, direction = reading.bound, reading.direction
    if bound is not None and reading.value is not None:
        implied = Polarity.HIGHER_IS_BETTER if bound.higher_is_better else Polarity.LOWER_IS_BETTER
        if polarity is not None and implied is not polarity:  # the Indicators sheet wins
            return TargetSense(polarity, bound.strict, (
                f"target {reading.text.strip()!r} says {bound} the figure, but the polarity is {polarity}: "
                "judged by the polarity; check which is meant"))
        return TargetSense(implied, bound.strict)
    if reading.value is None and direction is not None and reading.reduction is None and reading.change is None:
        implied = {Direction.REDUCE: Polarity.LOWER_IS_BETTER, Direction.INCREASE: Polarity.HIGHER_IS_BETTER}.get(direction)
        strict = direction is not Direction.MAINTAIN
        if polarity is not None and implied is not None and implied is not polarity:
            return TargetSense(polarity, strict, (
                f"target {reading.text.strip()!r} says {direction}, but the polarity is {polarity}: "
                "judged by the polarity; check which is meant"))
        return TargetSense(implied or polarity, strict)
    return TargetSense(polarity)


_AS_SET = {polarity: TargetSense(polarity) for polarity in (None, *Polarity)}


def indicator_polarity(
    polarity: Polarity | None, description: str, target: Reading | None
) -> tuple[Polarity | None, str | None]:
    """The indicator's polarity: as set on the Indicators sheet, else from its wording, with the note
    that names the words that decided it ("polarity: lower is better, from 'reduce' in the description"),
    or, when the wording does not say, what to choose (:func:`polarity_note`)."""
    if polarity is not None:
        return polarity, None
    from csp_status.core.grammar.polarity import read_polarity  # the grammar of words, when first needed

    found = read_polarity(description, target)
    return found.polarity, found.note if found.polarity is not None else polarity_note(description, target)


def strict_miss(status: Status, value: float | None, target: float | None, strict: bool) -> Status:
    """A strict target's own figure is a miss within tolerance: '> 75%' at 75% is AMBER, not GREEN."""
    if strict and status is _GREEN and value is not None and target is not None \
            and abs(value - target) <= rounding_room(target):
        return _AMBER
    return status


def polarity_note(description: str, target: Reading | None) -> str:
    """The CHECK note for a polarity left blank: what to choose, and what the wording suggests."""
    from csp_status.core.grammar.polarity import read_polarity  # the grammar of words, when first needed

    found = read_polarity(description, target)
    if found.polarity is None:
        return found.note
    return (f"polarity not set: {CHOOSE_POLARITY} (the wording suggests {found.polarity.value!r}, "
            f"from {found.words.lower()!r})")


def reading_notes(reading: Reading, what: str) -> list[str]:
    """What the grammar inferred from a cell's words, as Data notes ("value: '…' holds 2 figures; read the first")."""
    if is_worded_target(reading):
        return []  # worded_target says what it made of them, quoting the words
    if what == "target":
        reading = as_target(reading)
    notes = [f"{what}: {note}" for note in reading.notes]
    if reading.provisional and not any("provisional" in n for n in reading.notes):
        notes.append(f"{what}: {reading.text.strip()!r} is provisional")
    return notes


def resolve_target(
    reading: Reading, baseline: float | None, baseline_year: str | None, unit: Unit | None,
    polarity: Polarity | None = None,
) -> tuple[float | None, list[str]]:
    """The target a cell sets, and notes: the stated target wins; a lone reduction applies to the baseline."""
    if reading.placeholder is _SUPPRESSED:  # '<10' in a target cell: a bound (as_target)
        reading = as_target(reading)
    if reading.value is None or reading.bracketed:  # words, a placeholder, or a figure alone in brackets
        unstated = _target_not_stated(reading, baseline, baseline_year, unit, polarity)
        if unstated is not None:
            return unstated
    notes: list[str] = []
    stated, unit_note = in_row_unit(reading, unit)
    if unit_note:
        notes.append(f"target {unit_note}")
    if reading.reduction is None or baseline is None:
        return stated, notes
    computed = baseline * (1 - reading.reduction)
    step = 10.0 ** -(reading.decimals or 0) / (unit or reading.unit or Unit.NUMBER).scale
    if abs(stated - computed) > step + rounding_room(computed):
        notes.append(
            f"target {format_value(stated, unit, reading.decimals)} differs from "
            f"{format_value(baseline, unit)} ({baseline_year}) less {reading.reduction * 100:g}% = "
            f"{format_value(computed, unit, (reading.decimals or 0) + 1)}"
        )
    return stated, notes


def _target_not_stated(
    reading: Reading, baseline: float | None, baseline_year: str | None, unit: Unit | None,
    polarity: Polarity | None,
) -> tuple[float | None, list[str]] | None:
    """The target of a cell that states none, and notes; None for a cell that states its figure."""
    if is_worded_target(reading):  # "reduce", "maintain", "Reduce burglary by 20% by 2008" (core.targets)
        return worded_target(reading, baseline, baseline_year, unit, polarity)
    if reading.unreadable:
        return None, [f"target: {reading.reason}"]
    if reading.bracketed and reading.reduction is None and reading.unit is Unit.PERCENT:
        # "(1.5%)" alone in a target cell: the planned reduction on the baseline, no target stated ("(+2%)": an increase)
        cut = bracket_reduction(reading.value or 0.0, reading.text)
        said = f"{'a reduction' if cut >= 0 else 'an increase'} of {abs(cut) * 100:g}%"
        if baseline is None:
            return None, [f"target {reading.text.strip()!r} is {said}, "
                          "but last year's outturn is not known to apply it to"]
        target = baseline * (1 - cut)
        return target, [
            f"target {format_value(target, unit, 3)} worked out as {format_value(baseline, unit)} "
            f"({baseline_year}) {'less' if cut >= 0 else 'plus'} {abs(cut) * 100:g}%"
        ]
    if not reading.has_value:
        return None, [f"target: {reading.reason}"] if reading.placeholder is not Placeholder.BLANK else []
    return None


def range_upper(reading: Reading, target: float | None, unit: Unit | None) -> float | None:
    """The upper end of a target written as a range ("2,300 to 2,500"), in the row's unit; None for any
    other target. A range is met from its lower end up when higher is better, from its upper end down
    when lower is better."""
    if reading.upper is None or target is None:
        return None
    return in_row_unit(reading._replace(value=reading.upper, upper=None), unit)[0]
