"""Numbers as officers write them: separators, signs, decimals, markers beside them, number words.

``strip_markers`` takes off what sits beside a figure without changing it (footnote markers
"1,234*", "¹", "[3]", provisional and revised markers "(p)", "(r)", "provisional"); the figure
reads the same with or without them.
"""

from __future__ import annotations

import re

from csp_status.core.vocabulary.cells import NUMBER_WORDS, PROVISIONAL_WORDS

__all__ = ["NUM", "NUMBER_WORD", "strip_markers", "to_float", "decimals_of", "word_value", "has_marker", "is_year_span"]

NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
NUMBER_WORD = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))

_SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079\u2020\u2021"
_PROVISIONAL = "|".join(re.escape(w) for w in sorted(PROVISIONAL_WORDS, key=len, reverse=True))
# Quick test: could the text hold a marker at all?  (Keeps plain cells on the fast path.)
_MAYBE = re.compile(r"[*\[" + _SUPERSCRIPTS + r"]|\(\s*(?:" + _PROVISIONAL + r")\.?\s*\)|provisional|revised|unvalidated",
                    re.IGNORECASE)
_FOOTNOTE = re.compile(r"(?<=[\w%.)])\*+|\*+(?=[\w(])|[" + _SUPERSCRIPTS + r"]+|\[(?:note\s*|fn\s*)?\d{1,2}[a-z]?\]",
                       re.IGNORECASE)
_PROVISIONAL_MARK = re.compile(
    r"\s*\(\s*(?:" + _PROVISIONAL + r")\.?\s*\)|\s*\[\s*(?:" + _PROVISIONAL + r")\.?\s*\]"
    r"|[\s,;-]*\b(?:provisional|revised|unvalidated)(?:\s+(?:figures?|data|outturn))?\b\s*(?=$|[(;,])",
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
    """'eight' -> 8.0; None for anything else."""
    found = NUMBER_WORDS.get(" ".join(word.lower().split()))
    return None if found is None else float(found)
