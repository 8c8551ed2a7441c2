"""Reading a figure or a target out of words: "Target Response Time = 20 mins", "1,253 hours of
Operation Servator", "Reduce the number of … by 6% to 9,704 by 2005", "no more than 30 per cent.".

Dates, years, periods, qualifiers ("YTD", "rolling 12 months") and codes ("NI 171") are set
aside first; what is left is scanned for quantities (a number with its unit).  The figure is the
first quantity with a unit, separators, a sign or at the start (else the first bare one); a rate
beats a count beside it.  A quantity after "by" with a direction ("reduce … by 6%"), or before a
change word ("6% reduction"), is a change, not the figure; one after "to" ("… to 9,704") is the
figure it leads to.  Bounds before or after a figure ("at least", "or lower") are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from csp_status.core.grammar.numbers import NUM, NUMBER_WORD, decimals_of, is_year_span, to_float, word_value
from csp_status.core.grammar.placeholders import placeholder_in, suppressed
from csp_status.core.grammar.units import CLOCK, MULTIPLIER, UNIT, clock_seconds, multiplier_of, seconds_of, unit_of
from csp_status.core.vocabulary import (
    BOUND_AFTER, BOUND_BEFORE, DIRECTION_WORDS, HALVING_WORDS, MONTHS, QUALIFIER_PATTERNS, SECONDS_IN, Bound,
    Direction, Placeholder, Unit,
)

__all__ = ["Words", "read_words"]

_F = re.ASCII | re.IGNORECASE


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass
class Words:
    """What a sentence says, as Reading fields (``None`` when it says nothing readable)."""

    value: float | None = None
    unit: Unit | None = None
    decimals: int | None = None
    numerator: float | None = None
    denominator: float | None = None
    reduction: float | None = None
    change: float | None = None
    bound: Bound | None = None
    direction: Direction | None = None
    due: str | None = None
    label: str | None = None
    bracketed: bool = False
    placeholder: Placeholder | None = None
    qualifiers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bracket_value: float | None = None  # a lone bracketed percentage, as written ("(-5.9%)" -> -0.059)
    bracket_decimals: int | None = None


@dataclass
class _Qty:
    start: int
    end: int
    value: float  # stored units
    unit: Unit
    decimals: int
    text: str
    strong: bool
    ordinal: bool = False
    points: bool = False  # percentage points: an absolute change, never a relative one


_MONTH = _alt(m for m in MONTHS if m != "may")
_ANY_MONTH = _alt(MONTHS)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATES = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    rf"|\b(?:{_DAY}\s+)?(?:{_ANY_MONTH})\.?(?:\s*(?:-|to|/)\s*(?:{_DAY}\s+)?(?:{_ANY_MONTH})\.?)?[\s-]+(?:\d{{4}}|\d{{2}})\b(?![.,]\d|\s*%)"
    rf"|\b{_DAY}\s+(?:{_ANY_MONTH})\b"
    rf"|\b(?:{_MONTH})\.?(?:\s*(?:-|to|/)\s*(?:{_MONTH})\.?)?\b",
    _F,
)
_YEARS = re.compile(r"\b(?:fy\s?)?(?:19|20)\d{2}\s*[/-]\s*(?:\d{4}|\d{2})\b(?:\s+ave(?:rage)?\b)?", _F)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b(?![.,]\d)(?!\s*(?:%|per\b|percent|per cent))", _F)
_QUALIFIERS = re.compile("|".join(QUALIFIER_PATTERNS), _F)
_PERIODS = re.compile(
    r"(?<![:.,\d])\b\d{1,2}[ -]?(?:months?|years?|yrs?)\b(?!\s+to\s+date)(?:\s+(?:period|to|ending|up to))?|\b12m\b", _F
)
_CODES = re.compile(r"\b[A-Z]{1,5}\s?\d{1,4}[a-z]?\b(?![,.]\d)(?!\s*(?:%|per\b))", re.ASCII)
# Everything set aside in one pass: periods and qualifiers (kept as qualifiers), years and codes.
_ASIDE = re.compile(
    "(?P<q>" + "|".join(p.pattern for p in (_DATES, _QUALIFIERS, _PERIODS)) + ")|"
    + "(?P<x>" + _YEARS.pattern + "|(?-i:" + _CODES.pattern + "))|(?P<y>" + _YEAR.pattern + ")",
    _F,
)
_SIMPLE = re.compile(rf"^(?P<sign>[-+])?(?P<num>{NUM})\s?(?:{UNIT})?(?:\s(?P<noun>[a-z]+))?$", _F)
_FILLERS = re.compile(
    "^(?:" + "|".join(_alt(ws) for ws in list(DIRECTION_WORDS.values()) + list(BOUND_AFTER.values())) + ")$", _F
)
_QTY = re.compile(
    rf"(?<![\w.,/:£$])(?<![A-Za-z\d]-)(?P<sign>[-+]\s?)?(?P<gbp>£\s?)?(?P<num>{NUM}|\b(?:{NUMBER_WORD})\b)"
    rf"(?:\s?(?P<mult>{MULTIPLIER})(?![a-z]))?(?P<ord>\s?(?:st|nd|rd|th)\b)?(?:\s?(?:{UNIT}))?",
    _F,
)
_CLOCK = re.compile(CLOCK, re.ASCII)
_BOUND_BEFORE = {
    bound: re.compile(
        rf"(?:^|[\s(=:])(?:{_alt(words)})\s*(?:(?:an?|the|average|of|total|level|rate|figure|target|value|budget|and)\s+){{0,3}}$",
        _F,
    )
    for bound, words in BOUND_BEFORE.items()
}
_BOUND_AFTER = {bound: re.compile(rf"^\s*(?:{_alt(words)})(?![a-z])", _F) for bound, words in BOUND_AFTER.items()}
_DIRECTION = re.compile(
    r"\b(?:" + "|".join(f"(?P<{d.name}>{_alt(ws)})" for d, ws in DIRECTION_WORDS.items()) + r")\b", _F
)
_NOT_DIRECTION = re.compile(
    r"\b(?:more|less|fewer|lower|higher|greater|up|down)\s+(?:than|to)\b|\bor\s+(?:more|less|lower|higher|fewer|greater|better)\b"
    r"|\b(?:at|no|not)\s+(?:more|less|lower|higher)\b|\bend\s+of\b",
    _F,
)
_BY = re.compile(r"\b(?:by|of)\s+(?:a\s+further\s+|an?\s+additional\s+|around\s+|some\s+|about\s+|a\s+)?$", _F)
_TO = re.compile(r"\bto\s+(?:(?:an?|the|average|of|level|rate|total|figure|target|just|under|below|around|about)\s+){0,3}$", _F)
_FROM = re.compile(r"\bfrom\s+$", _F)
_CHANGE_AFTER = re.compile(r"^\s*(?P<w>" + "|".join(_alt(ws) for ws in DIRECTION_WORDS.values()) + r")\b", _F)
_DUE = re.compile(
    rf"\bby\s+(?:the\s+end\s+of\s+)?(?P<due>(?:(?:{_ANY_MONTH})\s+)?(?:19|20)\d{{2}}(?:\s*[/-]\s*\d{{2,4}})?)", _F
)
_OF = re.compile(
    rf"(?<![\w.,])(?P<n>{NUM})(?:\s+[a-z]+){{0,3}}?\s+(?:out\s+of|of|from)\s+(?:the\s+|a\s+total\s+of\s+)?(?P<d>{NUM})(?![\w.%])",
    _F,
)
_PLUS_MINUS = re.compile(r"^\s*(?:\+/-|\+-|\u00b1)\s*" + f"(?:{NUM})" + r"\s*(?:%|pts?|pp)?\s*$", _F)
_FRACTION = re.compile(rf"^\s*(?P<n>{NUM})\s*/\s*(?P<d>{NUM})\s*$", re.ASCII)
_TRAIL = re.compile(r"(?:[;:,]\s*(?:and|or)?|(?<=[^\d\s.])\.|\s+(?:and|or))+\s*$", _F)
_SEPARATORS = re.compile(r"^[\s#=:;,.\-]*$")
# What may come before a sentence's leading verb: a label ("Aim 2:", "Target -") and "to" or "we will".
_LEAD = re.compile(r"^(?:[#\w .'/&]{0,40}?[:\-]\s*)?(?:(?:to|we will|will|aim to|seek to|we aim to)\s+)?$", _F)


def _mask(text: str, pattern: re.Pattern[str], found: list[str] | None = None) -> str:
    def hide(m: re.Match[str]) -> str:
        if found is not None and m[0].strip():
            found.append(" ".join(m[0].split()))
        return "#" * len(m[0])

    return pattern.sub(hide, text)


def _set_aside(text: str, qualifiers: list[str], years: list[tuple[int, int]] | None = None) -> str:
    """Periods, qualifiers, years and codes hidden (same length, so positions hold); qualifiers kept."""
    def hide(m: re.Match[str]) -> str:
        if m["q"]:
            qualifiers.append(" ".join(m[0].split()))
        elif m["y"] and years is not None:
            years.append(m.span())
        return "#" * len(m[0])

    return _ASIDE.sub(hide, text)


def _simple(text: str) -> Words | None:
    """The commonest worded figures at once: '63.81 per cent', '65 days', '1,420 crimes'."""
    m = _SIMPLE.match(text)
    if m is None or (m["noun"] and _FILLERS.match(m["noun"])):
        return None
    if re.match(r"(?:19|20)\d\d$", m["num"]) and not m.lastindex:
        return None
    found = _quantities(text)
    if len(found) != 1:
        return None
    q = found[0]
    return Words(value=q.value, unit=q.unit, decimals=q.decimals)


def _brackets(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """The text with each top-level bracket hidden, and the brackets' insides; None if unbalanced."""
    out, groups, depth, start = list(text), [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                groups.append((start, text[start + 1:i]))
                out[start:i + 1] = "#" * (i + 1 - start)
    if depth:
        return None
    return "".join(out), groups


def _quantities(text: str) -> list[_Qty]:
    """The quantities in (masked) text, compound durations joined ('8 minutes 07 seconds')."""
    found: list[_Qty] = []
    if ":" in text:
        for clock in _CLOCK.finditer(text):
            seconds, how = clock_seconds(clock)
            found.append(_Qty(clock.start(), clock.end(), float(seconds), Unit.SECONDS, 0, clock[0], True))
        text = _CLOCK.sub(lambda m: "#" * len(m[0]), text)
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
        found.append(_Qty(start, m.end(), value, unit, decimals, text[start:m.end()].strip(), strong, ordinal,
                          bool(m["points"])))
    found.sort(key=lambda q: q.start)
    return _join_durations(found, text)


def _join_durations(found: list[_Qty], text: str) -> list[_Qty]:
    joined: list[_Qty] = []
    for q in found:
        last = joined[-1] if joined else None
        if (last and last.unit in SECONDS_IN and q.unit in SECONDS_IN and q.unit is not last.unit
                and SECONDS_IN[q.unit] < SECONDS_IN[last.unit]
                and re.fullmatch(r"[\s,]*(?:and)?\s*", text[last.end:q.start], _F)):
            joined[-1] = _Qty(last.start, q.end, last.value + q.value, q.unit, q.decimals,
                              text[last.start:q.end], True)
        else:
            joined.append(q)
    return joined


def _bound(text: str, q: _Qty) -> Bound | None:
    before, after = text[max(0, q.start - 60):q.start], text[q.end:q.end + 20]
    for bound, pattern in _BOUND_AFTER.items():
        if pattern.match(after):
            return bound
    for bound in (Bound.AT_LEAST, Bound.AT_MOST, Bound.MORE_THAN, Bound.LESS_THAN):
        if _BOUND_BEFORE[bound].search(before):
            return bound
    return None


def _directions(text: str) -> list[tuple[int, Direction, str]]:
    clean = _mask(text, _NOT_DIRECTION)
    return [(m.start(), Direction[m.lastgroup], m[0].lower()) for m in _DIRECTION.finditer(clean) if m.lastgroup]


def _direction_before(directions, position: int) -> tuple[Direction, str] | None:
    found = [(d, w) for at, d, w in directions if at < position]
    return found[-1] if found else None


def _signed_reduction(direction: Direction, magnitude: float) -> float:
    return -abs(magnitude) if direction is Direction.INCREASE else abs(magnitude)


def read_words(text: str) -> Words | None:
    """What a sentence says; None when it holds no figure, target or placeholder wording."""
    text = _TRAIL.sub("", text).strip()
    if not text:
        return None
    if suppressed(text):
        return Words(placeholder=Placeholder.SUPPRESSED, notes=[f"{text!r} is a small number withheld"])
    split = _brackets(text)
    if split is None:
        return None
    main, groups = split
    simple = _simple(text) if not groups else None
    if simple is not None:
        return simple
    words = Words()
    if "by" in main.lower():
        due = _DUE.search(main)
        if due:
            words.due = " ".join(due["due"].split())
    years: list[tuple[int, int]] = []
    bare = main
    main = _set_aside(main, words.qualifiers, years)
    if not _read_brackets(groups, words):
        return None
    quantities = _quantities(main)
    if not quantities and len(years) == 1 and _SEPARATORS.match(main[:years[0][0]]):
        start, end = years[0]  # "YTD 1900", "1900 (2019/20)": a lone figure that looks like a year
        main = main[:start] + bare[start:end] + main[end:]
        quantities = _quantities(main)
    directions = _directions(main)
    if _counts_of(main, quantities, groups, words):
        return words
    changes, tos, rest = _classify(main, quantities, directions, words)
    if changes is None:
        return None
    chosen = tos[0] if tos else _pick(rest, bool(changes), words, text, main)
    if chosen is not None and not chosen.strong and not tos:
        kind = placeholder_in(text)  # "Priority 1 data awaited": the wording, not the bare number
        if kind is not None:
            return Words(placeholder=kind, qualifiers=words.qualifiers)
    if chosen is not None:
        words.value, words.unit, words.decimals = chosen.value, chosen.unit, chosen.decimals
        words.bound = _bound(main, chosen) or words.bound
        if chosen.ordinal:
            words.notes.append(f"{chosen.text!r} read as a rank, {chosen.value:g}")
        if words.bound and words.bound is Bound.AT_MOST and re.search(r"\bwithin\b", main[max(0, chosen.start - 30):chosen.start], _F):
            words.notes.append(f"'within {chosen.text}' read as a limit: at most {chosen.text}")
        return words
    if words.reduction is not None and not changes and _bracket_only(words, groups):
        # "Burglary dwelling (-5.9%)", "Almost two-thirds (64.7%) of …": the bracketed figure is the figure
        words.value, words.unit, words.bracketed = words.bracket_value, Unit.PERCENT, True
        words.decimals, words.reduction = words.bracket_decimals, None
        return words
    if words.reduction is not None or words.change is not None:
        return words
    if words.value is not None or words.numerator is not None:
        return words
    kind = placeholder_in(text)
    if kind is not None:
        return Words(placeholder=kind, qualifiers=words.qualifiers)
    if directions:
        found = [d for _, d, _ in directions]
        words.direction = Direction.MAINTAIN if Direction.MAINTAIN in found else found[0]
        said = next(w for _, d, w in directions if d is words.direction)
        words.notes.append(f"{text!r} read as '{words.direction}' on the previous year's outturn (from {said!r})")
        return words
    return None


def _read_brackets(groups: list[tuple[int, str]], words: Words) -> bool:
    """Counts '(62/124)', intervals '(+/-0.6%)', changes '(4.8% reduction)'; periods and labels kept aside."""
    labels: list[str] = []
    for _, inner in groups:
        inner = inner.strip()
        fraction = _FRACTION.match(inner)
        if fraction and is_year_span(fraction["n"], fraction["d"]):
            words.qualifiers.append(inner)  # "(2019/20)": the year, not a count over a total
            continue
        if fraction:
            if words.numerator is not None:
                return False
            words.numerator, words.denominator = to_float(fraction["n"]), to_float(fraction["d"])
            continue
        if _PLUS_MINUS.match(inner):
            words.qualifiers.append(inner)
            continue
        masked = _set_aside(inner, [])
        inside = _quantities(masked)
        if not inside:
            if inner and _SEPARATORS.match(masked):
                words.qualifiers.append(inner)  # a period: "(December 2012)", "(12m to Sept 12)"
                continue
            if re.search(r"[A-Za-z]", inner):
                labels.append(inner)
                continue
            return False
        first = inside[0]
        rest_text = masked[first.end:]
        after = _CHANGE_AFTER.match(rest_text)
        alone = _SEPARATORS.match(masked[:first.start]) and (_SEPARATORS.match(rest_text) or after)
        if alone and first.unit is Unit.PERCENT:
            if words.reduction is not None:
                return False
            written = first.text.replace(" ", "")
            words.bracket_value, words.bracket_decimals = first.value, first.decimals
            if after:
                direction = _direction_word(after["w"])
                words.reduction = _signed_reduction(direction, first.value)
            else:
                # "(1.5%)" and "(-1.5%)" both mean a 1.5% reduction; "(+2%)" is an increase.
                words.reduction = -abs(first.value) if written.startswith("+") else abs(first.value)
            continue
        if re.search(r"[A-Za-z]", inner):
            labels.append(inner)
            continue
        return False
    if labels:
        words.label = "; ".join(labels)
    return True


def _bracket_only(words: Words, groups) -> bool:
    """Whether the reduction came from a lone bracketed percentage ("(-5.9%)"), not from words."""
    return words.bracket_value is not None and words.direction is None


def _direction_word(word: str) -> Direction:
    found = _DIRECTION.search(word)
    return Direction[found.lastgroup] if found and found.lastgroup else Direction.REDUCE


def _counts_of(main: str, quantities: list[_Qty], groups, words: Words) -> bool:
    """'38 of 46 (83%) indicators…', 'There were 25 repeat cases from the 183 referrals made'."""
    found = _OF.search(main)
    if not found or words.numerator is not None:
        return False
    n, d = to_float(found["n"]), to_float(found["d"])
    if d <= 0 or n > d:
        return False
    words.numerator, words.denominator = n, d
    share = [q for q in _quantities_in_brackets(groups) if q.unit is Unit.PERCENT]
    if share and words.reduction is not None:
        words.value, words.unit, words.decimals = share[0].value, Unit.PERCENT, share[0].decimals
        words.reduction = None
    else:
        words.value, words.unit, words.decimals = n, Unit.NUMBER, decimals_of(found["n"])
    return True


def _quantities_in_brackets(groups) -> list[_Qty]:
    out: list[_Qty] = []
    for _, inner in groups:
        out.extend(_quantities(inner))
    return out


def _classify(main: str, quantities: list[_Qty], directions, words: Words):
    """Split quantities into changes ('by 6%', '6% reduction'), targets led to ('to 9,704') and the rest."""
    changes, tos, rest = [], [], []
    verb_led = bool(directions) and _LEAD.match(main[:directions[0][0]]) is not None
    halving = [(at, w) for at, _, w in directions if w in HALVING_WORDS]
    if halving:
        words.reduction = HALVING_WORDS[halving[0][1]]
        words.direction = Direction.REDUCE if words.reduction > 0 else Direction.INCREASE
    for q in quantities:
        before = main[max(0, q.start - 40):q.start]
        after = _CHANGE_AFTER.match(main[q.end:q.end + 30])
        led_by = _direction_before(directions, q.start)
        came_from = any(_FROM.search(main[max(0, p.start - 10):p.start]) for p in quantities if p.start < q.start)
        if (led_by or came_from) and _TO.search(before):
            tos.append(q)  # "… by 6% to 9,704", "from 80% to 90%": the figure it leads to
            if led_by:
                words.direction = words.direction or led_by[0]
                if led_by[0] in (Direction.REDUCE, Direction.INCREASE):
                    words.bound = Bound.AT_MOST if led_by[0] is Direction.REDUCE else Bound.AT_LEAST
            continue
        if _FROM.search(before) and any(_TO.search(main[max(0, p.start - 40):p.start]) for p in quantities if p.start > q.start):
            words.notes.append(f"{q.text!r} read as the starting point")
            continue
        change_dir = None
        if led_by and _BY.search(before):
            change_dir = led_by[0]
        elif after and not _BOUND_AFTER[Bound.AT_MOST].match(main[q.end:]) and not _BOUND_AFTER[Bound.AT_LEAST].match(main[q.end:]):
            change_dir = _direction_word(after["w"])
        elif verb_led and q.unit is Unit.PERCENT and not tos and not _bound(main, q):
            change_dir = directions[0][1]
        if change_dir is not None and change_dir is not Direction.MAINTAIN:
            if words.reduction is not None and q.unit is Unit.PERCENT and not q.points:
                return None, None, None
            words.direction = change_dir
            if q.unit is Unit.PERCENT and not q.points:
                words.reduction = _signed_reduction(change_dir, q.value)
            else:
                words.change = -abs(q.value) if change_dir is Direction.REDUCE else abs(q.value)
                words.unit = q.unit
            changes.append(q)
            continue
        if verb_led and not q.strong:
            continue  # "To reduce the gap … for the 10 priority neighbourhoods": part of the wording
        rest.append(q)
    return changes, tos, rest


def _pick(rest: list[_Qty], has_change: bool, words: Words, text: str, main: str) -> _Qty | None:
    """The figure among the quantities left: the first strong one (a rate before a count), else the first."""
    if has_change:  # beside a change, only a figure the cell starts with: "4992 crimes = 0.6% reduction"
        rest = [q for q in rest if _SEPARATORS.match(main[:q.start])]
    strong = [q for q in rest if q.strong]
    pool = strong or rest
    if not pool:
        return None
    first = pool[0]
    if first.unit is Unit.NUMBER:
        rate = next((q for q in pool[1:] if q.unit in (Unit.PER_100, Unit.PER_1000, Unit.PER_10000, Unit.PER_100000)), None)
        if rate is not None:
            words.notes.append(f"{text!r} holds a count and a rate; read the rate, {rate.text}")
            return rate
    if len(strong) > 1:
        words.notes.append(f"{text!r} holds {len(strong)} figures; read the first, {first.text}")
    return first

