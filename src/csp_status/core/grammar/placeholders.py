"""'No figure here' in its many wordings, kept apart: a figure to come (Awaited, TBC, "not yet
published", "due in May", "Reported annually"), one that never will (n/a, "not monitored", "new
indicator"), a target not set ("To be set", "Monitoring only", "Targets being developed"), and a small
number withheld ("Under 5", "5 or under").

Beside the fixed phrases of the vocabulary, wordings are put together from pieces: a verb of
publishing and when ("Data due October", "Figures will be available in March", "Data published
quarterly in arrears"), a frequency before a measure ("Annual measure"), a next publication ("Next
update: Nov 2024"); a kind of measure kept without a target ("Monitoring only", "Contextual
indicator"), a target in hand ("Targets being developed").
"""

from __future__ import annotations

import re

from csp_status.core.grammar.numbers import NUM, to_float
from csp_status.core.grammar.tokens import ANY_MONTH, phrases
from csp_status.core.grammar.units import UNIT
from csp_status.core.vocabulary import PLACEHOLDER_PHRASES, Bound, Placeholder
from csp_status.core.vocabulary.cells import (
    BOUND_AFTER,
    BOUND_BEFORE,
    FREQUENCIES,
    FREQUENCY_ADJECTIVES,
    IN_HAND,
    IN_HAND_DONE,
    MEASURE_NOUNS,
    MEASURE_WORDS,
    NEXT_WORDS,
    NO_FIGURE_LINKS,
    NO_FIGURE_VERBS,
    NO_FIGURE_WHEN,
    NO_TARGET_AS,
    NO_TARGET_KINDS,
    SMALL_AFTER,
    SMALL_BEFORE,
    TARGET_WORDS,
)

__all__ = ["placeholder_in", "suppressed", "small_number"]

_FLAGS = re.ASCII | re.IGNORECASE
_WHEN = rf"(?:{ANY_MONTH}|{phrases(NO_FIGURE_WHEN)}|{phrases(FREQUENCIES)}|(?:19|20)\d\d)"
_IN_HAND = rf"\s+(?:{phrases(IN_HAND)})\s+(?:{phrases(IN_HAND_DONE)})\b"
_NO_TARGET = (  # "Monitoring only", "Contextual indicator", "For information", "Targets being developed"
    rf"\b(?:{phrases(NO_TARGET_KINDS)})\s+(?:{phrases(NO_TARGET_AS)})\b|\bfor\s+(?:{phrases(NO_TARGET_KINDS)})\b"
    rf"|\b(?:{phrases(TARGET_WORDS)}){_IN_HAND}"
)
_TO_COME = (  # "Data due October", "Reported annually", "Annual measure", "Next update: Nov 2024",
    # "Only Q1 data available": when, then the verb of publishing
    rf"\b(?:{phrases(NO_FIGURE_VERBS)})\s+(?:(?:{phrases(NO_FIGURE_LINKS)})\s+){{0,4}}{_WHEN}(?![a-z])"
    rf"|\bonly\s+(?:{_WHEN}|{phrases(FREQUENCY_ADJECTIVES)})\s+(?:{phrases(MEASURE_NOUNS)})\s+(?:(?:is|are|now|yet)\s+)?"
    rf"(?:{phrases(NO_FIGURE_VERBS)})\b"
    rf"|\b(?:{phrases(FREQUENCIES)}|{phrases(FREQUENCY_ADJECTIVES)})\s+(?:{phrases(NO_FIGURE_VERBS)}|{phrases(MEASURE_NOUNS)})\b"
    rf"|\b(?:{phrases(NEXT_WORDS)})\b"
)
_PIECES: tuple[tuple[str, Placeholder], ...] = (
    (_NO_TARGET, Placeholder.NOT_SET),
    (_TO_COME, Placeholder.AWAITED),
    (rf"\b(?:{phrases(MEASURE_WORDS)}){_IN_HAND}", Placeholder.NOT_APPLICABLE),  # "Measure being developed"
)
_KIND_ORDER = (Placeholder.SUPPRESSED, Placeholder.NOT_SET, Placeholder.TO_BE_ANNOUNCED, Placeholder.TO_BE_CONFIRMED,
               Placeholder.AWAITED, Placeholder.NOT_APPLICABLE, Placeholder.BASELINE_YEAR)
# the vocabulary's phrases, each kind's pieces after them, in the order the kinds are tried
_PHRASES = tuple(
    (re.compile(pattern, _FLAGS), kind)
    for order in _KIND_ORDER
    for pattern, kind in (*PLACEHOLDER_PHRASES, *_PIECES) if kind is order
)
_SMALL = re.compile(
    rf"^(?:(?P<before>{phrases(SMALL_BEFORE)})\s*(?P<a>{NUM})|(?P<b>{NUM})\s*(?P<after>{phrases(SMALL_AFTER)}))"
    r"(?:\s+(?P<noun>[a-z]+))?$",
    _FLAGS,
)
_UNIT_WORD = re.compile(rf"(?:{UNIT})", _FLAGS)
SUPPRESSION_LIMIT = 10  # published small-number bands: "under 5", "fewer than 10"


def placeholder_in(text: str) -> Placeholder | None:
    """The kind of no-figure wording a sentence holds, if any."""
    for pattern, kind in _PHRASES:
        if pattern.search(text):
            return kind
    return None


def small_number(text: str) -> tuple[float, Bound] | None:
    """'Under 5', '5 or under', 'fewer than 10 deaths', '< 5': the limit of a small count withheld, and
    the bound it is written as; None for anything else.  A band of whole counts of ten or less: '≤ 0.047'
    and '< 3.1' are bounds, and so is a limit with a unit ('Under 10 minutes', 'Fewer than 5 days')."""
    found = _SMALL.match(" ".join(text.split()))
    if not found or (found["noun"] and _UNIT_WORD.fullmatch(found["noun"])):
        return None
    limit = to_float(found["a"] or found["b"])
    if not (0 < limit <= SUPPRESSION_LIMIT and limit.is_integer()):
        return None
    said = " ".join((found["before"] or found["after"]).lower().split())
    table = BOUND_BEFORE if found["before"] else BOUND_AFTER
    return limit, next(bound for bound, words in table.items() if said in words)


def suppressed(text: str) -> bool:
    """Whether the text is a small count withheld (:func:`small_number`)."""
    return small_number(text) is not None
