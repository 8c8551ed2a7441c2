"""The tokens of a worded cell: quantities (a number with its unit) and what is set aside first.

Dates ("Sept 12", "1st Jan 2012"), financial years ("2016/17"), periods and qualifiers ("YTD",
"rolling 12 months", "Q2"), and codes ("NI 171", "LPI 100") are hidden first, keeping positions;
what is left is scanned for quantities: '1,420 crimes', '63.81 per cent', '8 minutes 07 seconds',
'00:12:34', '£49.97m', 'eight minutes' (a number word only with a unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, make_dataclass

from csp_status.core.grammar.numbers import NUM, NUMBER_WORD, decimals_of, to_float, word_value
from csp_status.core.grammar.units import (
    CLOCK,
    COMPACT,
    MULTIPLIER,
    UNIT,
    WORD_MULTIPLIERS,
    clock_seconds,
    compact_seconds,
    multiplier_of,
    seconds_of,
    unit_of,
)
from csp_status.core.reading import Reading
from csp_status.core.vocabulary import SECONDS_IN, Unit
from csp_status.core.vocabulary.cells import FRACTION_WORDS, MONTHS, QUALIFIER_PATTERNS

__all__ = ["ANY_MONTH", "FLAGS", "READING_FIELDS", "Words", "Qty", "alt", "phrases", "mask", "set_aside", "quantities", "SEPARATORS"]

FLAGS = re.ASCII | re.IGNORECASE


def alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def phrases(words) -> str:
    """An alternation of phrases, longest first, any run of spaces between their words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))



# What a sentence says: the fields of a Reading that the grammar of words fills, mutable while a sentence
# is read (the qualifiers and notes as lists), and the figures it keeps aside as it reads.  The Reading's
# own declaration (core.reading) gives each its type and default; ``None`` when the words say nothing.
READING_FIELDS = ("value", "unit", "decimals", "numerator", "denominator", "reduction", "change", "bound",
                  "direction", "due", "label", "bracketed", "placeholder", "upper")
Words = make_dataclass(
    "Words",
    [(name, Reading.__annotations__[name], field(default=Reading._field_defaults[name])) for name in READING_FIELDS]
    + [("qualifiers", "list[str]", field(default_factory=list)),
       ("notes", "list[str]", field(default_factory=list)),
       ("bracket_value", "float | None", field(default=None)),  # a lone bracketed percentage ("(-5.9%)" -> -0.059)
       ("bracket_decimals", "int | None", field(default=None)),
       ("bracket_unit", "Unit | None", field(default=None))],  # a unit alone in brackets: "12.3 (per 1,000)"
)
Words.__module__ = __name__
Words.__doc__ = "What a sentence says, as Reading fields (``None`` when it says nothing readable)."


@dataclass
class Qty:
    start: int
    end: int
    value: float  # stored units
    unit: Unit
    decimals: int
    text: str
    strong: bool
    ordinal: bool = False
    points: bool = False  # percentage points: an absolute change, never a relative one
    fraction: bool = False  # "one third": only ever a change



_MONTH = alt(m for m in MONTHS if m != "may")
ANY_MONTH = alt(MONTHS)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATES = re.compile(
    r"\b\d{1,2}(?:/\d{1,2}/|-\d{1,2}-|\.\d{1,2}\.)\d{2,4}\b"  # 05/12/2011, 05-12-2011, 05.12.2011
    rf"|\b(?:{_DAY}\s+)?(?:{ANY_MONTH})\.?(?:\s*(?:-|to|/)\s*(?:{_DAY}\s+)?(?:{ANY_MONTH})\.?)?[\s-]+(?:\d{{4}}|\d{{2}})\b(?![.,]\d|\s*%)"
    rf"|\b{_DAY}\s+(?:{ANY_MONTH})\b"
    rf"|\b(?:{_MONTH})\.?(?:\s*(?:-|to|/)\s*(?:{_MONTH})\.?)?\b",
    FLAGS,
)
_YEARS = re.compile(r"\b(?:fy\s?)?(?:19|20)\d{2}\s*[/-]\s*(?:\d{4}|\d{2})\b(?:\s+ave(?:rage)?\b)?", FLAGS)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b(?![.,]\d)(?!\s*(?:%|per\b|percent|per cent))", FLAGS)
_QUALIFIERS = re.compile("|".join(QUALIFIER_PATTERNS), FLAGS)
_PERIODS = re.compile(
    r"(?<![:.,\d])\b\d{1,2}[ -]?(?:months?|years?|yrs?)\b(?!\s+to\s+date)(?:\s+(?:period|to|ending|up to))?|\b12m\b", FLAGS
)
_CODES = re.compile(r"\b[A-Z]{1,5}\s?\d{1,4}[a-z]?\b(?![,.]\d)(?!\s*(?:%|per\b))", re.ASCII)
# Everything set aside in one pass: periods and qualifiers (kept as qualifiers), years and codes.
_ASIDE = re.compile(
    "(?P<q>" + "|".join(p.pattern for p in (_DATES, _QUALIFIERS, _PERIODS)) + ")|"
    + "(?P<x>" + _YEARS.pattern + "|(?-i:" + _CODES.pattern + "))|(?P<y>" + _YEAR.pattern + ")",
    FLAGS,
)
_QTY = re.compile(
    rf"(?<![\w.,/:£$])(?<![A-Za-z\d]-)(?P<sign>[-+]\s?)?(?P<gbp>£\s?)?(?P<num>{NUM}|\b(?:{NUMBER_WORD})\b)"
    rf"(?:\s?(?P<mult>{MULTIPLIER})(?![a-z]))?(?P<ord>\s?(?:st|nd|rd|th)\b)?(?:\s?(?:{UNIT}))?",
    FLAGS,
)
_CLOCK = re.compile(CLOCK, re.ASCII)
_COMPACT = re.compile(COMPACT, FLAGS)
_FRACTIONS = re.compile(
    r"\b(?:" + "|".join(w.replace(" ", "[ -]") for w in sorted(FRACTION_WORDS, key=len, reverse=True)) + r")\b", FLAGS
)
SEPARATORS = re.compile(r"^[\s#=:;,.\-]*$")


def mask(text: str, pattern: re.Pattern[str], found: list[str] | None = None) -> str:
    def hide(m: re.Match[str]) -> str:
        if found is not None and m[0].strip():
            found.append(" ".join(m[0].split()))
        return "#" * len(m[0])

    return pattern.sub(hide, text)


def set_aside(text: str, qualifiers: list[str], years: list[tuple[int, int]] | None = None) -> str:
    """Periods, qualifiers, years and codes hidden (same length, so positions hold); qualifiers kept."""
    def hide(m: re.Match[str]) -> str:
        if m["q"]:
            qualifiers.append(" ".join(m[0].split()))
        elif m["y"] and years is not None:
            years.append(m.span())
        return "#" * len(m[0])

    return _ASIDE.sub(hide, text)



def quantities(text: str) -> list[Qty]:
    """The quantities in (masked) text, compound durations joined ('8 minutes 07 seconds')."""
    found: list[Qty] = []
    compacts = list(_COMPACT.finditer(text)) if "m" in text or "M" in text else ()
    for compact in compacts:  # "7m 30s", "1h 30m"
        seconds, unit = compact_seconds(compact)
        found.append(Qty(compact.start(), compact.end(), seconds, unit, 0, compact[0], True))
        text = text[:compact.start()] + "#" * len(compact[0]) + text[compact.end():]
    if ":" in text:
        for clock in _CLOCK.finditer(text):
            seconds, how = clock_seconds(clock)
            found.append(Qty(clock.start(), clock.end(), float(seconds), Unit.SECONDS, 0, clock[0], True))
        text = _CLOCK.sub(lambda m: "#" * len(m[0]), text)
    if "-" in text:
        text = _dashed_ranges(text, found)
    for m in _QTY.finditer(text):
        nxt = text[m.end():m.end() + 2]
        glued = nxt[:1].isalnum() and not m[0].endswith("%")  # "25%reduction" is a percentage
        if nxt and (glued or nxt[0] in "_%." or (nxt[0] == "," and nxt[1:].isdigit())):
            continue  # glued to letters or digits: a code ('76a', '1e5', '1,2,3'), not a figure
        number = m["num"]
        worded = not number[0].isdigit() and number[0] != "."
        unit = unit_of(m)
        if worded and unit is None:
            continue  # 'seven' alone is not read; 'eight minutes' is
        value = word_value(number) if worded else to_float(number)
        if value is None:
            continue
        decimals = 0 if worded else decimals_of(number)
        sign, start = m["sign"] or "", m.start()
        if sign and " " in sign and text[:start].strip():
            sign, start = "", m.start("num") if not m["gbp"] else m.start("gbp")  # "Sep - 37.5%": a separator
        if sign.strip() == "-":
            value = -value
        if m["gbp"]:
            value *= multiplier_of(m["mult"])
            unit = Unit.GBP
        elif m["mult"] and m["mult"].lower() in WORD_MULTIPLIERS:
            value *= WORD_MULTIPLIERS[m["mult"].lower()]  # "1.2 million crimes"
        elif m["mult"]:
            continue  # '12m' without '£': months or metres, not read
        ordinal = bool(m["ord"])
        if unit is None:
            unit = Unit.NUMBER
        if unit is Unit.PERCENT:
            value = round(value / 100.0, decimals + 2)
        elif unit in SECONDS_IN:
            value = seconds_of(value, unit)
        before = text[:start].rstrip("# ")
        strong = (unit is not Unit.NUMBER or "," in number or "." in number or bool(sign)
                  or not before or before.endswith(("=", ":", "-", ";")))
        if ordinal:
            strong = not before
        if before.lower().endswith("per"):
            continue  # 'per 100 shelters': a rate's base, not a figure
        found.append(Qty(start, m.end(), value, unit, decimals, text[start:m.end()].strip(), strong, ordinal,
                          bool(m["points"])))
    if "th" in text or "half" in text or "quarter" in text:
        for m in _FRACTIONS.finditer(text):
            share = FRACTION_WORDS[" ".join(m[0].lower().replace("-", " ").split())]
            found.append(Qty(m.start(), m.end(), share, Unit.PERCENT, 1, m[0], False, fraction=True))
    found.sort(key=lambda q: q.start)
    return _join_durations(found, text)


def _dashed_ranges(text: str, found: list[Qty]) -> str:
    """The first end of a range written with a dash between two figures and a unit after the second
    ("85-90%", "24-48 hours"), in that unit: added to ``found``, and masked (with the dash) so that the second
    end reads as a figure, not a minus sign.  Without a unit ("2019-20") a dash joins no range."""
    for dashed in _DASHED.finditer(text):
        second = _UNIT_AFTER.match(text, dashed.start("b"))
        unit = unit_of(second) if second else None
        if unit not in _RANGE_UNITS:
            continue
        number = dashed["a"]
        value, decimals = to_float(number), decimals_of(number)
        if unit is Unit.PERCENT:
            value = round(value / 100.0, decimals + 2)
        elif unit in SECONDS_IN:
            value = seconds_of(value, unit)
        found.append(Qty(dashed.start("a"), dashed.end("a"), value, unit, decimals, number, True))
        text = text[:dashed.start("a")] + "#" * (dashed.start("b") - dashed.start("a")) + text[dashed.start("b"):]
    return text


_DASHED = re.compile(rf"(?<![\w.,/:£$-])(?P<a>{NUM})-(?P<b>{NUM})", FLAGS)  # glued: "Priority 2 - 90%" is no range
_UNIT_AFTER = re.compile(rf"(?:{NUM})\s?(?:{UNIT})", FLAGS)
_RANGE_UNITS = (Unit.PERCENT, Unit.PER_100, Unit.PER_1000, Unit.PER_10000, Unit.PER_100000, *SECONDS_IN)


def _join_durations(found: list[Qty], text: str) -> list[Qty]:
    joined: list[Qty] = []
    for q in found:
        last = joined[-1] if joined else None
        if (last and last.unit in SECONDS_IN and q.unit in SECONDS_IN and q.unit is not last.unit
                and SECONDS_IN[q.unit] < SECONDS_IN[last.unit]
                and re.fullmatch(r"[\s,]*(?:and)?\s*", text[last.end:q.start], FLAGS)):
            joined[-1] = Qty(last.start, q.end, last.value + q.value, q.unit, q.decimals,
                              text[last.start:q.end], True)
        else:
            joined.append(q)
    return joined


