"""'No figure here' in its many wordings, kept apart: a figure to come (Awaited, TBC, "not yet
published", "due in May"), one that never will (n/a, "not monitored", "new indicator"), a target
not set ("To be set", "to be agreed"), and a small number withheld ("Under 5", "5 or under")."""

from __future__ import annotations

import re

from csp_status.core.grammar.numbers import NUM, to_float
from csp_status.core.grammar.tokens import phrases
from csp_status.core.vocabulary import PLACEHOLDER_PHRASES, Placeholder
from csp_status.core.vocabulary.cells import SMALL_AFTER, SMALL_BEFORE

__all__ = ["placeholder_in", "suppressed"]

_PHRASES = tuple((re.compile(p, re.ASCII | re.IGNORECASE), kind) for p, kind in PLACEHOLDER_PHRASES)
_SMALL = re.compile(
    rf"^(?:(?:{phrases(SMALL_BEFORE)})\s*(?P<a>{NUM})|(?P<b>{NUM})\s*(?:{phrases(SMALL_AFTER)}))(?:\s+[a-z]+)?$",
    re.ASCII | re.IGNORECASE,
)
SUPPRESSION_LIMIT = 10  # published small-number bands: "under 5", "fewer than 10"


def placeholder_in(text: str) -> Placeholder | None:
    """The kind of no-figure wording a sentence holds, if any."""
    for pattern, kind in _PHRASES:
        if pattern.search(text):
            return kind
    return None


def suppressed(text: str) -> bool:
    """'Under 5', '5 or under', 'fewer than 5', '< 5': a small count withheld, not a figure (a band of
    whole counts: '≤ 0.047' or '< 3.1' is a bound)."""
    found = _SMALL.match(text)
    if not found:
        return False
    limit = to_float(found["a"] or found["b"])
    return 0 < limit <= SUPPRESSION_LIMIT and limit.is_integer()  # a band of whole counts; "< 3.1" is a bound
