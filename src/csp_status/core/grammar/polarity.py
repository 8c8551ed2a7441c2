"""Polarity from wording: which way is better, read from the whole description and the target.

Verbs anywhere in the sentence decide first ("Reassure the public, reducing the fear of crime"),
unless negated ("no increase in …"); then nouns whose size is the measure and are plainly bad
("days lost", "response time"); then measures where more may be good or bad (hate crime,
arrests): these say nothing, unless a good outcome of them is what is counted ("sanction detection rate
for domestic abuse", "victims of hate crime who feel safer"); then good and bad nouns ("satisfied",
"burglaries").  A bound or a
direction in the target ("at least 500", "reduce") decides when the description does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from csp_status.core.grammar.numbers import NUM, NUMBER_WORD
from csp_status.core.vocabulary import CHOOSE_POLARITY, Bound, Direction, Polarity
from csp_status.core.vocabulary.cells import (
    CLAUSE_BREAKS,
    CLAUSE_NEGATIONS,
    DURATION_WORDS,
    EXCLUDING_WORDS,
    NEGATIONS,
    PERIOD_WORDS,
    POLARITY_BAD_FIRST,
    POLARITY_NOT_VERBS,
    POLARITY_NOUNS,
    POLARITY_REPEAT,
    POLARITY_UNCLEAR,
    POLARITY_VERBS,
    WITHIN_FILLERS,
    WITHIN_LIMITS,
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
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_FLAGS = re.ASCII | re.IGNORECASE
_VERB = re.compile(
    r"\b(?:(?P<neg>" + _alternation(NEGATIONS) + r")\s+(?:(?:an?|any|the|further)\s+)?)?(?P<verb>"
    + "|".join(f"(?P<{'low' if p is Polarity.LOWER_IS_BETTER else 'high'}>{_alternation(ws)})"
               for p, ws in POLARITY_VERBS.items())
    + r")\b",
    _FLAGS,
)
_NOT_VERB = re.compile(r"\b(?:" + _alternation(POLARITY_NOT_VERBS) + r")\b", _FLAGS)
_QUANTITY = rf"(?:{NUM}|{NUMBER_WORD})[\s-]?"
_FILLER = rf"(?:(?:{_alternation(WITHIN_FILLERS)})\s+)?"
# "within 12 months", "within a 12 month period": the period counted, not a time limit
_PERIOD = re.compile(rf"\bwithin\s+{_FILLER}{_QUANTITY}(?:{_alternation(PERIOD_WORDS)})\b(?:\s+period\b)?", _FLAGS)
_EXCLUDING = re.compile(rf"\b(?:{_alternation(EXCLUDING_WORDS)})(?![a-z])[^,;()]*", _FLAGS)
_BAD_FIRST = re.compile(r"\b(?:" + _alternation(POLARITY_BAD_FIRST) + r")\b", _FLAGS)
_UNCLEAR = re.compile(r"(?<!\bnot )(?<!\bno )\b(?:" + _alternation(POLARITY_UNCLEAR) + r")", _FLAGS)
# a share done within a time limit ("within 30 seconds", "within timescales"): more is better
_WITHIN = re.compile(
    rf"\bwithin\s+{_FILLER}(?:{_QUANTITY}(?:{_alternation(DURATION_WORDS)})(?![a-z])|(?:{_alternation(WITHIN_LIMITS)})\b)",
    _FLAGS,
)
_NOUN = {  # a noun with its plural and verb endings: "alarm(s)", "re-offend(ed)"
    polarity: re.compile(r"\b(?:" + _alternation(words) + r")(?:s|es|ed|d|ing)?\b", _FLAGS)
    for polarity, words in POLARITY_NOUNS.items()
}
_REPEAT = re.compile(POLARITY_REPEAT, _FLAGS)


def _negation_word(word: str) -> str:
    """A negation as a pattern: a whole word; "n't" at a word's end ("didn't"); "no", but not "No." (the number)."""
    if word == "no":
        return r"\bno\b(?!\s*\.|\s+of\b)"
    return ("" if word.startswith("n'") else r"\b") + _alternation([word]) + r"\b"


_NEGATION = re.compile("|".join(_negation_word(w) for w in CLAUSE_NEGATIONS), _FLAGS)  # earlier in the clause
_BREAK = re.compile(rf"[,;:.()!?]|\s-\s|\b(?:{_alternation(CLAUSE_BREAKS)})\b", _FLAGS)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "*": ""})
_FLIP = {Polarity.LOWER_IS_BETTER: Polarity.HIGHER_IS_BETTER, Polarity.HIGHER_IS_BETTER: Polarity.LOWER_IS_BETTER}


def _negation_before(text: str, at: int) -> str | None:
    """The negation earlier in the clause that ends at ``at`` ("… who did not feel supported"), if any."""
    clause = text[:at]
    breaks = [m.end() for m in _BREAK.finditer(clause)]
    found = _NEGATION.search(clause, breaks[-1] if breaks else 0)
    return found[0] if found else None


def _is_name(text: str, start: int, word: str) -> bool:
    """A capitalised verb inside a lower-case sentence names something ("Number of Prevent referrals")."""
    if not word[0].isupper() or word.isupper():
        return False
    before, after = text[:start].split(), text[start + len(word):].split()
    if not before or before[-1][-1] in ":;,.-(" or before[-1][0].isupper():
        return False  # the start of the sentence or of a clause, or Title Case throughout
    return not after or not after[0][0].isupper()


def _decided(polarity: Polarity, words: str, how: str, text: str, at: int) -> tuple[Polarity, str, str]:
    """A decision, turned round by a negation earlier in its clause."""
    negation = _negation_before(text, at)
    if negation is None:
        return polarity, words, how
    return _FLIP[polarity], f"{negation} … {words}", "negated verb" if how == "verb" else how


@lru_cache(maxsize=4096)
def _from_description(description: str) -> tuple[Polarity | None, str, str]:
    """(polarity, deciding words, how) from one description."""
    text = " ".join(description.translate(_APOSTROPHES).split())
    if not text:
        return None, "", ""
    masked = _NOT_VERB.sub(lambda m: "#" * len(m[0]), text)
    for verb in _VERB.finditer(masked):
        if _is_name(text, verb.start("verb"), verb["verb"]):
            continue  # "Prevent" (a programme), not "prevent"
        polarity = Polarity.LOWER_IS_BETTER if verb["low"] else Polarity.HIGHER_IS_BETTER
        if verb["neg"]:
            return _FLIP[polarity], text[verb.start():verb.end()], "negated verb"
        return _decided(polarity, verb["verb"], "verb", text, verb.start())
    body = _EXCLUDING.sub(lambda m: " " * len(m[0]), _PERIOD.sub(lambda m: " " * len(m[0]), text))
    bad = _BAD_FIRST.search(body)  # "…, excluding domestic abuse": not what is counted
    if bad:
        return _decided(Polarity.LOWER_IS_BETTER, bad[0], "noun", body, bad.start())
    repeat = _REPEAT.search(body)  # "repeat victims", "repeat incidents of domestic abuse"
    if repeat:
        return _decided(Polarity.LOWER_IS_BETTER, repeat[0][:-1].strip(" -"), "noun", body, repeat.start())
    within = _WITHIN.search(body)  # a share done within a time limit: more is better
    if within:
        return _decided(Polarity.HIGHER_IS_BETTER, within[0], "noun", body, within.start())
    unclear = _UNCLEAR.search(body)
    if unclear:  # "hate crime", "domestic abuse": more may be good or bad, unless a good outcome is what is counted
        good = _NOUN[Polarity.HIGHER_IS_BETTER].search(body)  # "sanction detection rate for domestic abuse"
        if good:
            return _decided(Polarity.HIGHER_IS_BETTER, good[0], "noun", body, good.start())
        return None, unclear[0], "unclear"
    for polarity in (Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER):
        found = _NOUN[polarity].search(body)
        if found:
            return _decided(polarity, found[0], "noun", body, found.start())
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
        f"polarity not set: {why}; {CHOOSE_POLARITY}",
    )
