"""Numbers as officers write them: separators, signs, decimals, markers beside them, number words.

``strip_markers`` takes off what sits beside a figure without changing it (footnote markers
"1,234*", "¹", "[3]", provisional and revised markers "(p)", "(r)", "provisional"); the figure
reads the same with or without them.
"""

from __future__ import annotations

import re

from csp_status.core.vocabulary.cells import (
    BOUND_AFTER,
    BOUND_BEFORE,
    DIRECTION_WORDS,
    DURATION_WORDS,
    FRACTION_WORDS,
    NOT_COUNT_WORDS,
    NUMBER_WORDS,
    PERCENT_WORDS,
    PROVISIONAL_GLUED,
    PROVISIONAL_NOUNS,
    PROVISIONAL_SAID,
    PROVISIONAL_WORDS,
    ZERO_WORDS,
)

__all__ = ["NUM", "NUMBER_WORD", "strip_markers", "to_float", "decimals_of", "word_value", "worded_count", "has_marker",
           "is_year_span"]


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


# A number: thousands separated by commas or by single spaces in groups of exactly three ("1 038"), decimals.
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+(?![\d,])|\d+)(?:\.\d+)?|\.\d+"
_TENS = _alt(w for w, n in NUMBER_WORDS.items() if n in (20, 30, 40, 50, 60, 70, 80, 90))
_ONES = _alt(w for w, n in NUMBER_WORDS.items() if 1 <= n <= 9 and " " not in w)
NUMBER_WORD = rf"(?:{_TENS})[- ](?:{_ONES})|" + _alt(NUMBER_WORDS)  # "twenty-five", "eight"

_SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079\u2020\u2021"
_PROVISIONAL = _alt(PROVISIONAL_WORDS)
_SAID = _alt(PROVISIONAL_SAID)
_NOUNS = _alt(PROVISIONAL_NOUNS)
_GLUED = _alt(PROVISIONAL_GLUED)
# Quick test: could the text hold a marker at all?  (Keeps plain cells on the fast path.)
_MAYBE = re.compile(rf"[*\[{_SUPERSCRIPTS}]|\(\s*(?:{_PROVISIONAL})\.?\s*\)|{_SAID}|\d(?:{_GLUED})(?![\w])",
                    re.IGNORECASE)
_FOOTNOTE = re.compile(r"(?<=[\w%.)])\*+|\*+(?=[\w(<>])|[" + _SUPERSCRIPTS + r"]+|\[(?:note\s*|fn\s*)?\d{1,2}[a-z]?\]",
                       re.IGNORECASE)
_PROVISIONAL_MARK = re.compile(
    rf"\s*\(\s*(?:(?:{_PROVISIONAL})\.?(?:\s+(?:{_NOUNS}))?|(?:{_NOUNS})\s+(?:{_SAID}))\s*\)"
    rf"|\s*\[\s*(?:{_PROVISIONAL})\.?\s*\]|(?<=\d)(?:{_GLUED})(?![\w])"
    rf"|[\s,;-]*\b(?:{_SAID})(?:\s+(?:{_NOUNS}))?\b\s*(?=$|[(;,])",
    re.IGNORECASE,
)


def is_year_span(numerator: str, denominator: str) -> bool:
    """'2019/20', '2015/2016': a financial year, not a count over a total."""
    if not (len(numerator) == 4 and numerator[:2] in ("19", "20") and numerator.isdigit() and denominator.isdigit()):
        return False
    nxt = int(numerator) + 1
    return (len(denominator) == 2 and int(denominator) == nxt % 100) or (len(denominator) == 4 and int(denominator) == nxt)


def has_marker(text: str) -> bool:
    return _MAYBE.search(text) is not None


def strip_markers(text: str) -> tuple[str, bool, bool]:
    """(text without markers, provisional?, footnoted?)."""
    provisional = False
    stripped, count = _PROVISIONAL_MARK.subn("", text)
    if count:
        provisional, text = True, stripped
    stripped, count = _FOOTNOTE.subn("", text)
    return " ".join(stripped.split()), provisional, bool(count)


def to_float(number: str) -> float:
    return float(number.replace(",", "").replace(" ", ""))


def decimals_of(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


def word_value(word: str) -> float | None:
    """'eight' -> 8.0, 'twenty-five' -> 25.0; None for anything else."""
    key = " ".join(word.lower().split())
    found = NUMBER_WORDS.get(key)
    if found is None and re.fullmatch(rf"(?:{_TENS})[- ](?:{_ONES})", key):
        tens, ones = re.split("[- ]", key)
        found = NUMBER_WORDS[tens] + NUMBER_WORDS[ones]
    return None if found is None else float(found)


# Words after a number word that make it something other than a count ("One year", "Zero tolerance",
# "Two thirds", "three more"): periods, shares, units, directions and bounds.
_NOT_NOUNS = frozenset(
    w for words in (NOT_COUNT_WORDS, DURATION_WORDS, PERCENT_WORDS, *DIRECTION_WORDS.values(), *BOUND_BEFORE.values(),
                    *BOUND_AFTER.values())
    for phrase in words for w in phrase.lower().split()
) | frozenset(w for phrase in FRACTION_WORDS for w in phrase.split())
_WORDED_COUNT = re.compile(
    rf"^(?P<n>{NUMBER_WORD}|{_alt(ZERO_WORDS)})(?P<nouns>(?:\s+[a-z][a-z'-]*){{0,3}})$", re.ASCII | re.IGNORECASE
)


def worded_count(text: str) -> float | None:
    """'Three deaths', 'twelve incidents', 'Nil', 'Zero': a count in words (the whole cell: a number word
    with one to three nouns after it, or a word for none alone); None for anything else ('seven' alone,
    'One year', 'Zero tolerance', 'two thirds')."""
    found = _WORDED_COUNT.match(text)
    if found is None or any(w.lower() in _NOT_NOUNS for w in found["nouns"].split()):
        return None
    word = " ".join(found["n"].lower().split())
    if word in ZERO_WORDS:
        return 0.0
    return word_value(word) if found["nouns"] else None  # 'seven' alone says nothing of what is counted
