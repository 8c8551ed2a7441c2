"""Units written after (or, for money, before) a figure: percentages, rates per N, durations, money.

``UNIT`` is the regular-expression piece that follows a number; ``unit_of`` says what it means.
Durations are stored in seconds and money in pounds; ``clock_seconds`` reads '00:12:34'
(hours:minutes:seconds) and '09:51' (minutes:seconds).
"""

from __future__ import annotations

import re

from csp_status.core.vocabulary import SECONDS_IN, Unit
from csp_status.core.vocabulary.cells import (
    DURATION_WORDS,
    MONEY_MULTIPLIERS,
    PERCENT_WORDS,
    POINT_WORDS,
    RATE_BASES,
)

__all__ = ["UNIT", "MULTIPLIER", "CLOCK", "unit_of", "clock_seconds", "multiplier_of"]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_POINTS = _alt(POINT_WORDS)
_PERCENTS = _alt(w for w in PERCENT_WORDS if w != "%")
_DURATIONS = _alt(DURATION_WORDS)
_RATE = r"(?:[a-z'\u2019]+\s+){0,3}?per\s+(?P<base>1\s?,?\s?000|10\s?,?\s?000|100\s?,?\s?000|100|thousand)\b"
UNIT = (
    rf"(?P<points>{_POINTS})(?![a-z])|(?P<pct>%|(?:{_PERCENTS})(?![a-z])\.?)|{_RATE}"
    rf"|(?P<dur>{_DURATIONS})(?![a-z])"
)
MULTIPLIER = _alt(MONEY_MULTIPLIERS)
CLOCK = r"(?<![\d:.])(?P<c1>\d{1,3}):(?P<c2>[0-5]\d)(?::(?P<c3>[0-5]\d))?(?![\d:])"


def unit_of(match: re.Match[str]) -> Unit | None:
    """The unit a matched ``UNIT`` names (None when nothing followed the number)."""
    if match["points"] or match["pct"]:
        return Unit.PERCENT
    if match["base"]:
        return RATE_BASES[re.sub(r"[\s,]", "", match["base"]).lower()]
    if match["dur"]:
        return DURATION_WORDS[" ".join(match["dur"].lower().split())]
    return None


def multiplier_of(word: str | None) -> float:
    return MONEY_MULTIPLIERS[word.lower()] if word else 1.0


def seconds_of(value: float, unit: Unit) -> float:
    """A duration in its unit as stored, in seconds."""
    return value * SECONDS_IN[unit]


def clock_seconds(match: re.Match[str]) -> tuple[float, str]:
    """'00:12:34' -> 754 s (h:mm:ss); '09:51' -> 591 s (mm:ss), with how it was read."""
    a, b, c = match["c1"], match["c2"], match["c3"]
    if c is not None:
        return int(a) * 3600 + int(b) * 60 + int(c), "hours:minutes:seconds"
    return int(a) * 60 + int(b), "minutes:seconds"
