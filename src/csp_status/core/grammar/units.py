"""Units written after (or, for money, before) a figure: percentages, rates per N, durations, money.

``UNIT`` is the regular-expression piece that follows a number; ``unit_of`` says what it means.
Durations are stored in seconds and money in pounds; ``clock_seconds`` reads '00:12:34'
(hours:minutes:seconds) and '09:51' (minutes:seconds).
"""

from __future__ import annotations

import re

from csp_status.core.vocabulary import SECONDS_IN, Unit
from csp_status.core.vocabulary.cells import (
    COMPACT_DURATIONS,
    DURATION_WORDS,
    MONEY_MULTIPLIERS,
    PERCENT_WORDS,
    POINT_WORDS,
    RATE_BASES,
)

__all__ = ["UNIT", "MULTIPLIER", "WORD_MULTIPLIERS", "CLOCK", "COMPACT", "unit_of", "is_unit_alone", "clock_seconds", "compact_seconds", "multiplier_of"]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_POINTS = _alt(POINT_WORDS)
_PERCENTS = _alt(w for w in PERCENT_WORDS if w != "%")
_DURATIONS = _alt(DURATION_WORDS)


def _base(word: str) -> str:
    """A rate's base as written: '100000' also as '100,000', '100 000' or '1, 000'; words with any spaces."""
    if word.isdigit() and len(word) > 3:
        return word[:-3] + r"\s?,?\s?" + word[-3:]
    return re.escape(word).replace(r"\ ", r"\s+")


_RATE = (r"(?:[a-z'\u2019]+\s+){0,3}?per\s+(?P<base>"
         + "|".join(_base(w) for w in sorted(RATE_BASES, key=len, reverse=True)) + r")\b")
UNIT = (
    rf"(?P<points>{_POINTS})(?![a-z])|(?P<pct>%|(?:{_PERCENTS})(?![a-z])\.?)|{_RATE}"
    rf"|(?P<dur>{_DURATIONS})(?![a-z])"
)
MULTIPLIER = _alt(MONEY_MULTIPLIERS)
# the multipliers written as words ("1.2 million"): a figure's own, with or without '£' ("12m" alone may be months)
WORD_MULTIPLIERS = {word: factor for word, factor in MONEY_MULTIPLIERS.items() if len(word) > 2}
_H, _M, _S = (_alt(COMPACT_DURATIONS[u]) for u in (Unit.HOURS, Unit.MINUTES, Unit.SECONDS))
# "7m 30s", "1h 30m", "2h 5m 10s": letters for units, read only together ("7m" alone is not minutes)
COMPACT = (rf"(?<![\w.,])(?:(?P<dh>\d{{1,3}})\s?(?:{_H})\s*(?P<dhm>\d{{1,2}})\s?(?:{_M})(?![a-z])"
           rf"(?:\s*(?P<dhs>\d{{1,2}})\s?(?:{_S})(?![a-z]))?"
           rf"|(?P<dm>\d{{1,3}})\s?(?:{_M})\s*(?P<dms>\d{{1,2}})\s?(?:{_S})(?![a-z]))")
CLOCK = r"(?<![\d:.])(?P<c1>\d{1,3}):(?P<c2>[0-5]\d)(?::(?P<c3>[0-5]\d))?(?![\d:])"


_UNIT_ALONE = re.compile(rf"\s*(?:{UNIT})\s*", re.IGNORECASE)


def is_unit_alone(text: str) -> bool:
    """Whether a text is a unit and nothing else ('days', 'per 1,000', '%'): a bracket that says the unit."""
    return _UNIT_ALONE.fullmatch(text) is not None


def unit_of(match: re.Match[str]) -> Unit | None:
    """The unit a matched ``UNIT`` names (None when nothing followed the number)."""
    if match["points"] or match["pct"]:
        return Unit.PERCENT
    if match["base"]:
        return RATE_BASES[" ".join(re.sub(r"(?<=\d)[\s,]+(?=\d)", "", match["base"]).lower().split())]
    if match["dur"]:
        return DURATION_WORDS[" ".join(match["dur"].lower().split())]
    return None


def multiplier_of(word: str | None) -> float:
    return MONEY_MULTIPLIERS[word.lower()] if word else 1.0


def seconds_of(value: float, unit: Unit) -> float:
    """A duration in its unit as stored, in seconds."""
    return value * SECONDS_IN[unit]


def compact_seconds(match: re.Match[str]) -> tuple[float, Unit]:
    """'7m 30s' -> 450 s; '1h 30m' -> 5,400 s, with the smallest unit written."""
    if match["dh"] is not None:
        seconds = int(match["dh"]) * 3600 + int(match["dhm"]) * 60 + int(match["dhs"] or 0)
        return float(seconds), Unit.SECONDS if match["dhs"] is not None else Unit.MINUTES
    return float(int(match["dm"]) * 60 + int(match["dms"])), Unit.SECONDS


def clock_seconds(match: re.Match[str]) -> tuple[float, str]:
    """'00:12:34' -> 754 s (h:mm:ss); '09:51' -> 591 s (mm:ss), with how it was read."""
    a, b, c = match["c1"], match["c2"], match["c3"]
    if c is not None:
        return int(a) * 3600 + int(b) * 60 + int(c), "hours:minutes:seconds"
    return int(a) * 60 + int(b), "minutes:seconds"
