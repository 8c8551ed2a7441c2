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

from csp_status.core.compact import bracket_reduction
from csp_status.core.grammar.changes import (
    CHANGE_AFTER,
    bound_alone,
    bound_of,
    classify,
    compared_direction,
    direction_word,
    directions_in,
    signed_reduction,
)
from csp_status.core.grammar.numbers import NUM, decimals_of, is_year_span, to_float, worded_count
from csp_status.core.grammar.placeholders import placeholder_in, small_number
from csp_status.core.grammar.tokens import (
    ANY_MONTH,
    FLAGS,
    SEPARATORS,
    Qty,
    Words,
    alt,
    quantities,
    set_aside,
)
from csp_status.core.grammar.units import UNIT, WORD_MULTIPLIERS, unit_of
from csp_status.core.vocabulary import SECONDS_IN, Bound, Direction, Placeholder, Unit
from csp_status.core.vocabulary.cells import (
    BOUND_AFTER,
    BOUND_BEFORE,
    DIRECTION_WORDS,
    NOT_LABEL_WORDS,
)

__all__ = ["Words", "read_words"]

_WITHIN = re.compile(r"\bwithin\s+(?:the\s+|a\s+)?$", re.ASCII | re.IGNORECASE)

_SIMPLE = re.compile(rf"^(?P<sign>[-+])?(?P<num>{NUM})\s?(?:{UNIT})?(?:\s(?P<noun>[a-z]+))?$", FLAGS)
_FILLERS = re.compile(
    "^(?:" + "|".join(alt(ws) for ws in list(DIRECTION_WORDS.values()) + list(BOUND_AFTER.values())) + ")$", FLAGS
)
_DUE = re.compile(
    rf"\bby\s+(?:the\s+end\s+of\s+)?(?P<due>(?:(?:{ANY_MONTH})\s+)?(?:19|20)\d{{2}}(?:\s*[/-]\s*\d{{2,4}})?)", FLAGS
)
_OF = re.compile(
    rf"(?<![\w.,])(?P<n>{NUM})(?:\s+[a-z]+){{0,3}}?\s+(?:out\s+of|of|from)\s+(?:the\s+|a\s+total\s+of\s+)?(?P<d>{NUM})(?![\w.%])",
    FLAGS,
)
_UNIT_ALONE = re.compile(rf"(?:{UNIT})(?:\s+[a-z][a-z ]*)?", FLAGS)
_SPACED = re.compile(r"^[-+]?\d+(?: \d+)+(?:\.\d+)?\s?%?$", re.ASCII)
_PLUS_MINUS = re.compile(r"^\s*(?:\+/-|\+-|\u00b1)\s*" + f"(?:{NUM})" + r"\s*(?:%|pts?|pp)?\s*$", FLAGS)
_FRACTION = re.compile(rf"^\s*(?P<n>{NUM})\s*/\s*(?P<d>{NUM})\s*$", re.ASCII)
# A figure written as two numbers and nothing else: counts over a total ("62/124"), a share ("1 in 5
# people"), a range ("2300-2500", "1-4"; "2019-20" is a year).  Each is read whole, never as its first number.
_ONE_IN = re.compile(rf"^(?P<n>{NUM})\s+in\s+(?:every\s+)?(?P<d>{NUM})(?:\s+[a-z]+){{0,3}}$", FLAGS)
_BARE_RANGE = re.compile(rf"^(?P<a>{NUM})\s?-\s?(?P<b>{NUM})$", re.ASCII)
_TRAIL = re.compile(r"(?:[;:,]\s*(?:and|or)?|(?<=[^\d\s.])\.|\s+(?:and|or))+\s*$", FLAGS)


def _simple(text: str) -> Words | None:
    """The commonest worded figures at once: '63.81 per cent', '65 days', '1,420 crimes' (no scan)."""
    m = _SIMPLE.match(text)
    if m is None or (m["noun"] and _FILLERS.match(m["noun"])):
        return None
    number = m["num"]
    unit = unit_of(m) or Unit.NUMBER
    value, decimals = to_float(number), decimals_of(number)
    if m["sign"] == "-":
        value = -value
    if m["noun"] and unit is Unit.NUMBER and m["noun"].lower() in WORD_MULTIPLIERS:  # "1.2 million"
        return Words(value=value * WORD_MULTIPLIERS[m["noun"].lower()], unit=unit, decimals=0)
    if unit is Unit.PERCENT:
        value = round(value / 100.0, decimals + 2)
    elif unit in SECONDS_IN:
        value *= SECONDS_IN[unit]
    return Words(value=value, unit=unit, decimals=decimals)


_LABELLED = re.compile(rf"^(?P<label>[A-Za-z][A-Za-z'&/ ]{{0,40}}?)\s*[:=-]?\s+(?P<figure>[-+]?(?:{NUM})(?:\s?%)?)$", FLAGS)
_NOT_A_LABEL = re.compile(
    "|".join([alt(w for ws in BOUND_BEFORE.values() for w in ws if w[0].isalpha()), alt(w for ws in DIRECTION_WORDS.values() for w in ws),
              alt(NOT_LABEL_WORDS), ANY_MONTH]),
    FLAGS,
)


def _labelled(text: str) -> Words | None:
    """'Target 4341', 'Level 3', 'National rate 15.2%': a label, then the figure (no scan)."""
    m = _LABELLED.match(text)
    if m is None or any(_NOT_A_LABEL.fullmatch(w) for w in m["label"].split()) or placeholder_in(m["label"]):
        return None
    figure = m["figure"].replace(" ", "")
    number = figure.rstrip("%").lstrip("+")
    if re.fullmatch(r"(?:19|20)\d\d", number):
        return None  # "Baseline 2010": a year
    value, decimals = to_float(number), decimals_of(number.lstrip("-"))
    if figure.endswith("%"):
        return Words(value=round(value / 100.0, decimals + 2), unit=Unit.PERCENT, decimals=decimals)
    return Words(value=value, unit=Unit.NUMBER, decimals=decimals)


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


def read_words(text: str) -> Words | None:
    """What a sentence says; None when it holds no figure, target or placeholder wording."""
    text = _TRAIL.sub("", text).strip()
    if not text:
        return None
    small = small_number(text)
    if small is not None:  # a bound, kept for a target, where it is never a count withheld
        return Words(placeholder=Placeholder.SUPPRESSED, bound=small[1], notes=[f"{text!r} is a small number withheld"])
    count = worded_count(text)
    if count is not None:  # "Three deaths", "Nil"
        return Words(value=count, unit=Unit.NUMBER, decimals=0, notes=[f"{text!r} read as {count:g}"])
    pair = _two_numbers(text)
    if pair is not None:
        return pair
    split = _brackets(text)
    if split is None:
        return None
    main, groups = split
    simple = (_simple(text) or _labelled(text)) if not groups else None
    if simple is not None:
        return simple
    if _SPACED.match(text):
        return None  # "1 0385", "12 3456": digits spaced as no thousands are, not a figure and another
    words = Words()
    if "by" in main.lower():
        due = _DUE.search(main)
        if due:
            words.due = " ".join(due["due"].split())
    years: list[tuple[int, int]] = []
    bare = main
    main = set_aside(main, words.qualifiers, years)
    if not _read_brackets(groups, words):
        return None
    found = quantities(main)
    if not found and len(years) == 1 and SEPARATORS.match(main[:years[0][0]]):
        start, end = years[0]  # "YTD 1900", "1900 (2019/20)": a lone figure that looks like a year
        main = main[:start] + bare[start:end] + main[end:]
        found = quantities(main)
    directions = directions_in(main)
    if _counts_of(main, found, groups, words):
        return words
    changes, tos, rest = classify(main, found, directions, words)
    if changes is None:
        return None
    first_word = directions[0][0] if directions else len(main)
    chosen = tos[0] if tos else _pick(rest, first_word if changes else None, words, text, main)
    if chosen is not None and not chosen.strong and not tos:
        kind = placeholder_in(text)  # "Priority 1 data awaited": the wording, not the bare number
        if kind is not None:
            return Words(placeholder=kind, qualifiers=words.qualifiers)
    if chosen is not None:
        words.value, words.unit, words.decimals = chosen.value, chosen.unit, chosen.decimals
        if words.bracket_unit is not None and chosen.unit is Unit.NUMBER:
            _bracket_unit(words, text)
        words.bound = bound_of(main, chosen) or words.bound
        if chosen.ordinal:
            words.notes.append(f"{chosen.text!r} read as a rank, {chosen.value:g}")
        if words.bound and words.bound is Bound.AT_MOST and re.search(r"\bwithin\b", main[max(0, chosen.start - 30):chosen.start], FLAGS):
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
    compared = compared_direction(main)
    if compared is not None:  # "Keep below last year's level": below it, not level with it
        words.direction = compared[0]
        words.notes.append(f"{text!r} read as '{words.direction}' on the previous year's outturn (from {compared[1]!r})")
        return words
    if directions:
        found = [d for _, d, _ in directions]
        words.direction = Direction.MAINTAIN if Direction.MAINTAIN in found else found[0]
        said = next(w for _, d, w in directions if d is words.direction)
        words.notes.append(f"{text!r} read as '{words.direction}' on the previous year's outturn (from {said!r})")
        return words
    return None


def _two_numbers(text: str) -> Words | None:
    """'62/124' (62 counted of 124), '1 in 5' (a share, 20%, of those counts), '2300-2500' (a range):
    two numbers with nothing else, read as the pair they are; None for any other text."""
    fraction = _FRACTION.match(text)
    if fraction and not is_year_span(fraction["n"], fraction["d"]):
        n, d = to_float(fraction["n"]), to_float(fraction["d"])
        return Words(value=n, unit=Unit.NUMBER, decimals=decimals_of(fraction["n"]), numerator=n, denominator=d)
    share = _ONE_IN.match(text)
    if share:
        n, d = to_float(share["n"]), to_float(share["d"])
        if d > 0 and n <= d and not re.fullmatch(r"(?:19|20)\d\d", share["d"]):  # "3 in 2019": a year
            return Words(value=n / d, unit=Unit.PERCENT, numerator=n, denominator=d,
                         notes=[f"{text!r} read as {n / d:.1%} ({share['n']} of {share['d']})"])
    ends = _BARE_RANGE.match(text)
    if ends and not is_year_span(ends["a"], ends["b"]):
        low, high = to_float(ends["a"]), to_float(ends["b"])
        if low < high:
            return Words(value=low, unit=Unit.NUMBER, decimals=decimals_of(ends["a"]), upper=high,
                         notes=[f"{text!r} read as a range, {ends['a']} to {ends['b']}"])
        return Words()  # "10-5", "3-0": no range, and not a figure either (cannot be read)
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
        unit = _UNIT_ALONE.fullmatch(inner)
        if unit is not None:  # "12.3 (per 1,000)", "45 (%)": the unit of the figure before it
            words.bracket_unit = unit_of(unit)
            continue
        masked = set_aside(inner, [])
        inside = quantities(masked)
        if not inside:
            if inner and SEPARATORS.match(masked):
                words.qualifiers.append(inner)  # a period: "(December 2012)", "(12m to Sept 12)"
                continue
            bound = bound_alone(inner)
            if bound is not None:  # "90% (or above)", "12,000 (max)": the bound of the figure before it
                words.bound = bound
                continue
            if re.search(r"[A-Za-z]", inner):
                labels.append(inner)
                continue
            return False
        first = inside[0]
        rest_text = masked[first.end:]
        after = CHANGE_AFTER.match(rest_text)
        alone = SEPARATORS.match(masked[:first.start]) and (SEPARATORS.match(rest_text) or after)
        if alone and first.unit is Unit.PERCENT:
            if words.reduction is not None:
                return False
            written = first.text.replace(" ", "")
            words.bracket_value, words.bracket_decimals = first.value, first.decimals
            if after:
                direction = direction_word(after["w"])
                reduction = signed_reduction(direction, first.value)
            else:
                reduction = bracket_reduction(first.value, written)
            if first.points:  # "(+2.1pp)": percentage points, a change of the figure, never a share of it
                if words.change is not None:
                    return False
                words.change, words.unit = -reduction, words.unit or Unit.PERCENT
            else:
                words.reduction = reduction
            continue
        if re.search(r"[A-Za-z]", inner):
            labels.append(inner)
            continue
        return False
    if labels:
        words.label = "; ".join(labels)
    return True


def _bracket_unit(words: Words, text: str) -> None:
    """A bare figure with its unit in brackets after it ("12.3 (per 1,000)") is in that unit."""
    unit, value = words.bracket_unit, words.value
    if unit is Unit.PERCENT:
        value = round(value / 100.0, (words.decimals or 0) + 2)
    elif unit in SECONDS_IN:
        value *= SECONDS_IN[unit]
    words.value, words.unit = value, unit
    words.notes.append(f"{text!r} read as {unit.value}, from the brackets")


def _bracket_only(words: Words, groups) -> bool:
    """Whether the reduction came from a lone bracketed percentage ("(-5.9%)"), not from words."""
    return words.bracket_value is not None and words.direction is None


def _counts_of(main: str, found: list[Qty], groups, words: Words) -> bool:
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


def _quantities_in_brackets(groups) -> list[Qty]:
    out: list[Qty] = []
    for _, inner in groups:
        out.extend(quantities(inner))
    return out


_RANGE_WORD = re.compile(r"\s*(?:to|-|\u2013|and)\s*", FLAGS)
_BETWEEN = re.compile(r"\bbetween\s*$", FLAGS)


def _range_end(main: str, first: Qty, rest: list[Qty]) -> Qty | None:
    """The upper end of a range that starts at ``first``: the next figure, of the same unit and larger,
    joined to it by 'to' or a dash ("and" only after "between")."""
    after = next((q for q in rest if q.start >= first.end), None)
    if after is None or after.unit is not first.unit or after.value <= first.value or not (first.strong and after.strong):
        return None
    joined = _RANGE_WORD.fullmatch(main[first.end:after.start])
    if not joined or (joined[0].strip().lower() == "and" and not _BETWEEN.search(main[:first.start])):
        return None
    return after


def _pick(rest: list[Qty], before: int | None, words: Words, text: str, main: str) -> Qty | None:
    """The figure among the quantities left: the first strong one (a rate before a count), else the first.

    Beside a change, only a figure before the change's first word is the figure ("4992 crimes = 0.6%
    reduction", "There were 162 people killed …, a 44% reduction"): after it, numbers are wording
    ("… to reduce all crime within the 10 British Crime Survey Categories by 18%").
    """
    rest = [q for q in rest if not q.fraction]  # "Almost two-thirds (64.7%) of …": the words, not the figure
    if before is not None:
        rest = [q for q in rest if q.start < before]
    if any(q.unit is Unit.PERCENT for q in rest):  # "95 per cent. of cases within 19 minutes": the share
        rest = [q for q in rest if not (q.unit in SECONDS_IN and _WITHIN.search(main[max(0, q.start - 12):q.start]))]
    strong = [q for q in rest if q.strong]
    pool = strong or rest
    if not pool:
        return None
    first = pool[0]
    upper = _range_end(main, first, rest)
    if upper is not None:  # "2,300 to 2,500", "between 85% and 90%": a target met anywhere in the range
        words.upper = upper.value
        words.notes.append(f"{text!r} read as a range, {first.text} to {upper.text}")
        return first
    if first.unit is Unit.NUMBER:
        rate = next((q for q in pool[1:] if q.unit in (Unit.PER_100, Unit.PER_1000, Unit.PER_10000, Unit.PER_100000)), None)
        if rate is not None:
            words.notes.append(f"{text!r} holds a count and a rate; read the rate, {rate.text}")
            return rate
    if len(strong) > 1:
        words.notes.append(f"{text!r} holds {len(strong)} figures; read the first, {first.text}")
    return first


