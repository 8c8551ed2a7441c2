"""A first draft of an indicator's commentary, written from its figures in the partnership's style.

"The position at the end of Q1 2011/12 is 13,102 crimes. This is a reduction of 2.8% on 13,485
(2010/11), an improvement. It is ahead of the 13,282 target for 2011/12 by 180 crimes (1.4%):
GREEN."  The draft says the position, the change on the previous period (and whether that is an
improvement, which depends on the polarity), the target and whether the figure is ahead or behind,
the status, and what the 95% interval says where counts are known.

A draft is only ever offered: officers' own commentary always wins (:func:`commentary_for`), and
nothing here writes to their commentary cells.
"""

from __future__ import annotations

import re

from csp_status.core import stats
from csp_status.core.judgement import Evaluation
from csp_status.core.model import Indicator
from csp_status.core.parse import read_cell
from csp_status.core.vocabulary import Polarity, Status, ToleranceKind, Trend, Unit
from csp_status.core.wording import format_value

__all__ = ["draft_commentary", "commentary_for", "measure_of", "period_words"]

_REPORTING_PERIOD = re.compile(r"^\s*(\d{4}/\d{2})\s+(Q[1-4])\s*$", re.ASCII | re.IGNORECASE)
_OUTTURN = re.compile(r"^\s*(\d{4}/\d{2})\s+outturn\s*$", re.ASCII | re.IGNORECASE)
_YEAR = re.compile(r"\b\d{4}/\d{2}\b", re.ASCII)
_PER_WHOM = re.compile(r"per\s+1,?000\s+([A-Za-z][A-Za-z ]*[A-Za-z])", re.ASCII | re.IGNORECASE)
_OPENING = re.compile(
    r"^\s*(?:reduc\w*|increas\w*|decreas\w*|fewer|more|less|lower|higher|improv\w*|rais\w*|cut)"
    r"(?:\s+(?:in|of))?\s+",
    re.ASCII | re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*", re.ASCII)
_FILLER = frozenset(
    "the a an number numbers of overall total all new recorded reported repeat serious".split()
)
_PLURALS = {
    "crime": "crimes", "offence": "offences", "incident": "incidents", "burglary": "burglaries",
    "victim": "victims", "offender": "offenders", "conviction": "convictions", "people": "people",
    "casualty": "casualties", "arrest": "arrests", "attendance": "attendances",
}


def draft_commentary(
    evaluation: Evaluation,
    indicator: Indicator | None = None,
    *,
    measure: str | None = None,
) -> str:
    """A first draft of the commentary for one indicator's evaluation.

    ``measure`` names what is counted ("crimes"); by default it comes from the indicator's wording
    ("Reduction in overall crime" counts crimes) and is left out when the wording does not say.
    """
    ev = evaluation
    period = period_words(ev.period) or "this period"
    if ev.status is Status.AWAITED:
        return f"Data for {period} is awaited."
    if ev.status is Status.CHECK or ev.value is None:
        problems = "; ".join(note.rstrip(". ") for note in ev.notes if note.strip())
        return f"The figure for {period} needs checking" + (f": {problems}." if problems else ".")

    unit = ev.unit or _unit_of(ev.value_text)
    if measure is None and indicator is not None:
        measure = measure_of(indicator.description)
    measure = (measure or "").strip() or None
    per_whom = _per_whom(ev.value_text, ev.target_text)
    year = _year(ev.period)

    sentences = [_position(ev, unit, measure, per_whom, period)]
    change = _change(ev, unit)
    if change:
        sentences.append(change)
    sentences.append(_against_target(ev, indicator, unit, measure, year))
    significance = _significance(ev, indicator, unit)
    if significance:
        sentences.append(significance)
    return " ".join(sentences)


def commentary_for(officer_text: object, draft: str) -> tuple[str, bool]:
    """The commentary to show and whether it is the draft: officers' own words always win."""
    own = "" if officer_text is None else str(officer_text).strip()
    return (own, False) if own else (draft, True)


def measure_of(description: str) -> str | None:
    """What an indicator counts, from its wording: 'Reduction in overall crime' -> 'crimes'.

    None when the wording does not name a countable thing plainly (the draft then shows the
    number alone rather than guess).
    """
    text = _OPENING.sub("", description or "", count=1)
    for word in _WORD.findall(text):
        key = word.lower()
        if key in _FILLER:
            continue
        if key in _PLURALS:
            return _PLURALS[key]
        if key.endswith("s") and not key.endswith("ss") and len(key) > 3:
            return key
        return None
    return None


def period_words(period: str | None) -> str:
    """A period as officers say it: '2011/12 Q1' -> 'Q1 2011/12', '2010/11 outturn' -> '2010/11'."""
    text = " ".join(str(period or "").split())
    match = _REPORTING_PERIOD.match(text)
    if match:
        return f"{match[2].upper()} {match[1]}"
    match = _OUTTURN.match(text)
    if match:
        return match[1]
    return text


# ---- the sentences -------------------------------------------------------------------------------


def _position(ev: Evaluation, unit: Unit | None, measure: str | None, per_whom: str, period: str) -> str:
    figure = _amount(ev.value, unit, measure, per_whom)
    reading = read_cell(ev.value_text)
    if unit is Unit.PERCENT and reading.numerator is not None and reading.denominator:
        figure += f" ({_number(reading.numerator)} of {_number(reading.denominator)})"
    where = f"at the end of {period}" if period != "this period" else "this period"
    return f"The position {where} is {figure}."


def _change(ev: Evaluation, unit: Unit | None) -> str:
    """The change on the previous figure, and whether it is an improvement (by the polarity)."""
    if ev.previous is None or ev.value is None:
        return ""
    before = format_value(ev.previous, unit)
    when = period_words(ev.previous_period)
    compared = f"{before}" + (f" ({when})" if when else "")
    difference = ev.value - ev.previous
    if abs(difference) < 1e-12:
        return f"This is unchanged from {compared}."
    direction = "an increase" if difference > 0 else "a reduction"
    relative = _percent(abs(difference) / abs(ev.previous)) if ev.previous else ""
    if unit is Unit.PERCENT:
        size = _points(abs(difference)) + (f" ({relative})" if relative else "")
    elif relative:
        size = relative
    else:
        size = format_value(abs(difference), unit)
    judgement = {Trend.IMPROVING: ", an improvement", Trend.WORSENING: ", a deterioration"}.get(ev.trend, "")
    return f"This is {direction} of {size} on {compared}{judgement}."


def _against_target(ev: Evaluation, ind: Indicator | None, unit: Unit | None, measure: str | None,
                    year: str) -> str:
    for_year = f" for {year}" if year else ""
    if ev.status is Status.NO_TARGET or ev.target is None:
        stated = ev.target_text.strip()
        why = f" ({stated})" if stated else ""
        return f"There is no numeric target{for_year}{why}: {Status.NO_TARGET.value}."
    target = format_value(ev.target, unit)
    gap = ev.value - ev.target
    if abs(gap) < 1e-12:
        return f"It is exactly on the {target} target{for_year}: {ev.status.value}."
    side = "ahead of" if ev.status is Status.GREEN else "behind"
    relative = _percent(abs(gap) / abs(ev.target)) if ev.target else ""
    if unit is Unit.PERCENT:
        size = _points(abs(gap))
    elif unit is Unit.PER_1000:
        size = format_value(abs(gap), unit)
    else:
        size = _number(abs(gap)) + (f" {measure}" if measure else "")
    if relative:
        size += f" ({relative})"
    margin = ""
    if ev.status in (Status.AMBER, Status.RED):
        allowed = _tolerance(ind, unit)
        margin = f", {'within' if ev.status is Status.AMBER else 'more than'} {allowed}"
    return f"It is {side} the {target} target{for_year} by {size}{margin}: {ev.status.value}."


def _significance(ev: Evaluation, ind: Indicator | None, unit: Unit | None) -> str:
    """What the 95% interval says about the difference from the target (never changes the status)."""
    if ev.interval is None or ev.target is None or ev.status not in (Status.GREEN, Status.AMBER, Status.RED):
        return ""
    places = {Unit.PERCENT: 2, Unit.PER_1000: 1}.get(unit, 0)
    span = f"{format_value(ev.interval.low, unit, places)} to {format_value(ev.interval.high, unit, places)}"
    verdict = stats.compare_to_target(ev.interval, ev.target)
    if verdict == "not significantly different":
        return f"The 95% interval ({span}) includes the target, so the difference is not statistically significant."
    above = verdict == "significantly above"
    polarity = ind.polarity if ind else None
    if polarity is None:
        quality = "above" if above else "below"
    else:
        better = above == (polarity is Polarity.HIGHER_IS_BETTER)
        quality = "better than" if better else "worse than"
    side = "above" if above else "below"
    return f"The 95% interval ({span}) lies wholly {side} the target, so the figure is significantly {quality} target."


# ---- wording of numbers --------------------------------------------------------------------------


def _amount(value: float | None, unit: Unit | None, measure: str | None, per_whom: str) -> str:
    if unit is Unit.PERCENT:
        return format_value(value, unit)
    number = _number(value)
    if unit is Unit.PER_1000:
        return " ".join(filter(None, [number, measure, "per 1,000", per_whom]))
    return " ".join(filter(None, [number, measure]))


def _tolerance(ind: Indicator | None, unit: Unit | None) -> str:
    if ind is None:
        return "the tolerance"
    if ind.tolerance_kind is ToleranceKind.POINTS:
        if unit is Unit.PERCENT:
            return f"the tolerance of {_points(ind.tolerance)}"
        return f"the tolerance of {format_value(ind.tolerance, unit)}"
    return f"the {_number(ind.tolerance * 100)}% tolerance"


def _points(fraction: float) -> str:
    number = _number(fraction * 100)
    return f"{number} percentage point" + ("" if number == "1" else "s")


def _percent(fraction: float) -> str:
    shown = fraction * 100
    if shown < 0.05:
        return "less than 0.1%"
    return f"{shown:,.1f}%"


def _number(value: float | None) -> str:
    return format_value(value, Unit.NUMBER)


def _unit_of(text: str) -> Unit | None:
    return read_cell(text).unit


def _per_whom(*texts: str) -> str:
    for text in texts:
        match = _PER_WHOM.search(text or "")
        if match:
            return match[1].strip().lower()
    return "population"


def _year(period: str | None) -> str:
    match = _YEAR.search(str(period or ""))
    return match[0] if match else ""
