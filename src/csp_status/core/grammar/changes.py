"""Targets in words: bounds ("at least", "or lower"), directions ("reduce", "maintain"), changes.

A quantity after "by" with a direction ("reduce … by 6%"), or before a change word ("6%
reduction"), is a change, not the figure; one after "to" ("… to 9,704", "from 80% to 90%") is
the figure it leads to; percentage points are an absolute change.
"""

from __future__ import annotations

import re

from csp_status.core.grammar.tokens import FLAGS, Qty, Words, alt, mask, phrases
from csp_status.core.vocabulary import Bound, Direction, Unit
from csp_status.core.vocabulary.cells import (
    BOUND_AFTER,
    BOUND_BEFORE,
    BOUND_FILLERS,
    CHANGE_BY,
    CHANGE_BY_FILLERS,
    CHANGE_TO_FILLERS,
    COMPARED_LEAD,
    COMPARED_WITH,
    DIRECTION_WORDS,
    HALVING_WORDS,
    LEAD_WORDS,
    NOT_DIRECTION_PAIRS,
    PREVIOUS_NOUNS,
    PREVIOUS_WORDS,
)

__all__ = [
    "BOUND_AFTER_RE", "CHANGE_AFTER", "bound_of", "directions_in", "direction_word", "signed_reduction", "classify",
    "is_verb_led", "compared_direction",
]


_BOUND_BEFORE = {
    bound: re.compile(
        rf"(?:^|[\s(=:])(?:{alt(words)})\.?\s*(?:(?:{phrases(BOUND_FILLERS)})\s+){{0,3}}$",
        FLAGS,
    )
    for bound, words in BOUND_BEFORE.items()
}
BOUND_AFTER_RE = {bound: re.compile(rf"^\s*(?:{alt(words)})(?![a-z])", FLAGS) for bound, words in BOUND_AFTER.items()}
DIRECTION_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{d.name}>{alt(ws)})" for d, ws in DIRECTION_WORDS.items()) + r")\b", FLAGS
)
_NOT_DIRECTION = re.compile(
    "|".join(rf"\b(?:{phrases(first)})[\s-]+(?:{phrases(second)})\b" for first, second in NOT_DIRECTION_PAIRS), FLAGS
)
_BY = re.compile(rf"\b(?:{phrases(CHANGE_BY)})\s+(?:(?:{phrases(CHANGE_BY_FILLERS)})\s+)?$", FLAGS)
_TO = re.compile(rf"\bto\s+(?:(?:{phrases(CHANGE_TO_FILLERS)})\s+){{0,3}}$", FLAGS)
_FROM = re.compile(r"\bfrom\s+$", FLAGS)
CHANGE_AFTER = re.compile(r"^\s*(?P<w>" + "|".join(alt(ws) for ws in DIRECTION_WORDS.values()) + r")\b", FLAGS)
# What may come before a sentence's leading verb: a label ("Aim 2:", "Target -") and "to" or "we will".
_LEAD = re.compile(rf"^(?:[#\w .'/&]{{0,40}}?[:\-]\s*)?(?:(?:{phrases(LEAD_WORDS)})\s+)?$", FLAGS)


# "Lower than last year", "Keep below last year's level", "No worse than the previous year": a direction
# against the previous year's outturn, with no figure (a verb of keeping before it says nothing more).
_COMPARED = re.compile(
    rf"(?:\b(?:{phrases(COMPARED_LEAD)})\s+)?\b(?:"
    + "|".join(f"(?P<{d.name}>{phrases(ws)})" for d, ws in COMPARED_WITH.items())
    + rf")\s+(?:that\s+of\s+)?(?:{phrases(PREVIOUS_WORDS)})(?:'?s)?'?(?:\s+(?:{phrases(PREVIOUS_NOUNS)}))?\b",
    FLAGS,
)


# A figure, then how it stands against the previous year: "5% below last year", "10% under the 2010/11
# outturn" (the year set aside as '#'), "3% above the baseline": a change on that year, not a level.
_AGAINST_PREVIOUS = re.compile(
    r"\s*(?:" + "|".join(f"(?P<{d.name}>{phrases(COMPARED_WITH[d])})" for d in (Direction.REDUCE, Direction.INCREASE))
    + rf")\s+(?:that\s+of\s+)?(?:the\s+)?(?:{phrases(PREVIOUS_WORDS)}|#{{4,}}(?![#\w]))",
    FLAGS,
)


def compared_direction(text: str) -> tuple[Direction, str] | None:
    """The direction a target says against the previous year, and its words ("lower than last year")."""
    found = _COMPARED.search(text)
    return (Direction[found.lastgroup], " ".join(found[0].split())) if found and found.lastgroup else None


def bound_alone(text: str) -> Bound | None:
    """The bound that words after a figure say, when they are all the text ('or above', 'max'): in brackets
    after the figure, "90% (or above)"."""
    said = " ".join(text.lower().split())
    return next((bound for bound, words in BOUND_AFTER.items() if said in words), None)


def bound_of(text: str, q: Qty) -> Bound | None:
    before, after = text[max(0, q.start - 60):q.start], text[q.end:q.end + 20]
    for bound, pattern in BOUND_AFTER_RE.items():
        if pattern.match(after):
            return bound
    for bound in (Bound.AT_LEAST, Bound.AT_MOST, Bound.MORE_THAN, Bound.LESS_THAN):
        if _BOUND_BEFORE[bound].search(before):
            return bound
    return None


def directions_in(text: str) -> list[tuple[int, Direction, str]]:
    clean = mask(text, _NOT_DIRECTION)
    return [(m.start(), Direction[m.lastgroup], m[0].lower()) for m in DIRECTION_RE.finditer(clean) if m.lastgroup]


def _direction_before(directions, position: int) -> tuple[Direction, str] | None:
    found = [(d, w) for at, d, w in directions if at < position]
    return found[-1] if found else None


def signed_reduction(direction: Direction, magnitude: float) -> float:
    return -abs(magnitude) if direction is Direction.INCREASE else abs(magnitude)



def direction_word(word: str) -> Direction:
    found = DIRECTION_RE.search(word)
    return Direction[found.lastgroup] if found and found.lastgroup else Direction.REDUCE



def _near(directions, position: int, reach: int = 25) -> bool:
    """Whether a direction word ends just before ``position`` ("a decrease of", not "improve … an average of")."""
    return any(position - reach <= at < position for at, _, _ in directions)


def is_verb_led(main: str, directions) -> bool:
    """Whether the sentence opens with its verb ("Reduce …", "Aim 2: To reduce …"): a target, not a report."""
    return bool(directions) and _LEAD.match(main[:directions[0][0]]) is not None


def classify(main: str, quantities: list[Qty], directions, words: Words):
    """Split quantities into changes ('by 6%', '6% reduction'), targets led to ('to 9,704') and the rest."""
    changes, tos, rest = [], [], []
    verb_led = is_verb_led(main, directions)
    halving = [(at, w) for at, _, w in directions if w in HALVING_WORDS]
    if halving:
        words.reduction = HALVING_WORDS[halving[0][1]]
        words.direction = Direction.REDUCE if words.reduction > 0 else Direction.INCREASE
    for q in quantities:
        before = main[max(0, q.start - 40):q.start]
        after = CHANGE_AFTER.match(main[q.end:q.end + 30])
        led_by = _direction_before(directions, q.start)
        came_from = any(_FROM.search(main[max(0, p.start - 10):p.start]) for p in quantities if p.start < q.start)
        said_after = main[q.end:]
        changed = after and not BOUND_AFTER_RE[Bound.AT_MOST].match(said_after) and not BOUND_AFTER_RE[Bound.AT_LEAST].match(said_after)
        if (led_by or came_from) and _TO.search(before) and not changed:
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
        by = _BY.search(before) if led_by else None
        if by and (by[0].lower().startswith("by") or q.unit is Unit.PERCENT or _near(directions, q.start - len(by[0]))):
            change_dir = led_by[0]  # "reduce … by 6%", "a reduction of 40%", "a decrease of eight seconds"
        elif changed:  # "6% reduction", "250,000 fewer crimes"
            then = q.end + after.end()
            if any(p.start >= then and not main[then:p.start].strip() for p in quantities):
                return None, [], []  # "13,485 less 5%": arithmetic on two figures, neither a change: not read
            change_dir = direction_word(after["w"])
        elif (against := _AGAINST_PREVIOUS.match(main, q.end)) is not None:  # "5% below last year"
            change_dir = Direction[against.lastgroup]
        elif verb_led and q.unit is Unit.PERCENT and not tos and not bound_of(main, q):
            change_dir = directions[0][1]
        if change_dir is not None and change_dir is not Direction.MAINTAIN:
            if (words.reduction is not None or words.change is not None) and changes:
                words.notes.append(f"{q.text!r} is a further change; read the first")  # "fallen by 39% and … by 45%"
                changes.append(q)
                continue
            words.direction = change_dir
            if q.unit is Unit.PERCENT and not q.points:
                words.reduction = signed_reduction(change_dir, q.value)
            else:
                words.change = -abs(q.value) if change_dir is Direction.REDUCE else abs(q.value)
                words.unit = q.unit
            changes.append(q)
            continue
        if verb_led and not q.strong:
            continue  # "To reduce the gap … for the 10 priority neighbourhoods": part of the wording
        rest.append(q)
    return changes, tos, rest


