"""Polarity from wording: which way is better, read from the whole description and the target.

Verbs anywhere in the sentence decide first ("Reassure the public, reducing the fear of crime"),
unless negated ("no increase in …"); then nouns whose size is the measure and are plainly bad
("days lost", "response time"); then measures where more may be good or bad (hate crime,
arrests): these say nothing; then good and bad nouns ("satisfied", "burglaries").  A bound or a
direction in the target ("at least 500", "reduce") decides when the description does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from csp_status.core.vocabulary import Bound, Direction, Polarity
from csp_status.core.vocabulary.cells import (
    NEGATIONS,
    POLARITY_BAD_FIRST,
    POLARITY_NOT_VERBS,
    POLARITY_NOUNS,
    POLARITY_REPEAT,
    POLARITY_UNCLEAR,
    POLARITY_VERBS,
)

__all__ = ["PolarityReading", "read_polarity", "polarity_of_target"]

WORD_NAMES = {Polarity.LOWER_IS_BETTER: "lower is better", Polarity.HIGHER_IS_BETTER: "higher is better"}


@dataclass(frozen=True, slots=True)
class PolarityReading:
    """The polarity the wording implies (None when it does not say), the words that decided, a note."""

    polarity: Polarity | None
    words: str = ""
    note: str = ""


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_VERB = re.compile(
    r"\b(?:(?P<neg>" + _alternation(NEGATIONS) + r")\s+(?:(?:an?|any|the|further)\s+)?)?(?P<verb>"
    + "|".join(f"(?P<{'low' if p is Polarity.LOWER_IS_BETTER else 'high'}>{_alternation(ws)})"
               for p, ws in POLARITY_VERBS.items())
    + r")\b",
    re.ASCII | re.IGNORECASE,
)
_NOT_VERB = re.compile(r"\b(?:" + _alternation(POLARITY_NOT_VERBS) + r")\b", re.ASCII | re.IGNORECASE)
_PERIOD = re.compile(r"\bwithin\s+(?:a|the|any)\s+(?:\d+|twelve|12)[ -]?months?\s+period\b", re.ASCII | re.IGNORECASE)
_EXCLUDING = re.compile(r"\b(?:excluding|excl\.?|except|other than|not including|apart from)\b[^,;()]*", re.ASCII | re.IGNORECASE)
_BAD_FIRST = re.compile(r"\b(?:" + _alternation(POLARITY_BAD_FIRST) + r")\b", re.ASCII | re.IGNORECASE)
_UNCLEAR = re.compile(r"(?<!\bnot )(?<!\bno )\b(?:" + _alternation(POLARITY_UNCLEAR) + r")", re.ASCII | re.IGNORECASE)
_WITHIN = re.compile(
    r"\bwithin\s+(?:the\s+|their\s+|its\s+)?(?:\d|one|two|three|four|five|ten|local|target|agreed|required|set|response|"
    r"standard|time\b|timescales?|deadline|statutory)",
    re.ASCII | re.IGNORECASE,
)
_NOUN = {  # a noun with its plural and verb endings: "alarm(s)", "re-offend(ed)"
    polarity: re.compile(r"\b(?:" + _alternation(words) + r")(?:s|es|ed|d|ing)?\b", re.ASCII | re.IGNORECASE)
    for polarity, words in POLARITY_NOUNS.items()
}
_REPEAT = re.compile(POLARITY_REPEAT, re.ASCII | re.IGNORECASE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "*": ""})
_FLIP = {Polarity.LOWER_IS_BETTER: Polarity.HIGHER_IS_BETTER, Polarity.HIGHER_IS_BETTER: Polarity.LOWER_IS_BETTER}


@lru_cache(maxsize=4096)
def _from_description(description: str) -> tuple[Polarity | None, str, str]:
    """(polarity, deciding words, how) from one description."""
    text = " ".join(description.translate(_APOSTROPHES).split())
    if not text:
        return None, "", ""
    masked = _NOT_VERB.sub(lambda m: "#" * len(m[0]), text)
    for verb in _VERB.finditer(masked):
        polarity = Polarity.LOWER_IS_BETTER if verb["low"] else Polarity.HIGHER_IS_BETTER
        if verb["neg"]:
            return _FLIP[polarity], text[verb.start():verb.end()], "negated verb"
        return polarity, verb["verb"], "verb"
    body = _EXCLUDING.sub(" ", _PERIOD.sub(" ", text))  # "…, excluding domestic abuse": not what is counted
    bad = _BAD_FIRST.search(body)
    if bad:
        return Polarity.LOWER_IS_BETTER, bad[0], "noun"
    repeat = _REPEAT.search(body)  # "repeat victims", "repeat incidents of domestic abuse"
    if repeat:
        return Polarity.LOWER_IS_BETTER, repeat[0][:-1].strip(" -"), "noun"
    within = _WITHIN.search(body)  # a share done within a time limit: more is better
    if within:
        return Polarity.HIGHER_IS_BETTER, within[0], "noun"
    unclear = _UNCLEAR.search(body)
    if unclear:
        return None, unclear[0], "unclear"
    for polarity in (Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER):
        found = _NOUN[polarity].search(body)
        if found:
            return polarity, found[0], "noun"
    return None, "", ""


def polarity_of_target(bound: Bound | None, direction: Direction | None) -> Polarity | None:
    """The polarity a target's own wording implies: 'at least' and 'increase' are higher-is-better."""
    if bound is not None:
        return Polarity.HIGHER_IS_BETTER if bound.higher_is_better else Polarity.LOWER_IS_BETTER
    if direction is Direction.REDUCE:
        return Polarity.LOWER_IS_BETTER
    if direction is Direction.INCREASE:
        return Polarity.HIGHER_IS_BETTER
    return None


def read_polarity(description: str, target: object = None) -> PolarityReading:
    """The polarity from a description and (optionally) the target's reading, with the words that decided.

    ``target`` is a :class:`~csp_status.core.parse.Reading` (its ``bound`` and ``direction`` are read).
    """
    polarity, words, how = _from_description(description or "")
    if polarity is not None and how == "verb":
        return PolarityReading(polarity, words, f"polarity: {WORD_NAMES[polarity]}, from {words.lower()!r} in the description")
    bound, direction = getattr(target, "bound", None), getattr(target, "direction", None)
    from_target = polarity_of_target(bound, direction)
    if from_target is not None and how != "negated verb":
        said = str(bound) if bound is not None else str(direction)
        return PolarityReading(from_target, said, f"polarity: {WORD_NAMES[from_target]}, from {said!r} in the target")
    if polarity is not None:
        return PolarityReading(polarity, words, f"polarity: {WORD_NAMES[polarity]}, from {words.lower()!r} in the description")
    why = (f"{words!r} may be good or bad to see more of" if how == "unclear"
           else "the wording does not say whether a higher or lower figure is better")
    return PolarityReading(
        None, words,
        f"polarity not set: {why}; choose 'Lower is better' or 'Higher is better' in Indicators",
    )
