"""Finding a role's header words in a column header (the words are in
:mod:`csp_status.core.vocabulary.layouts`)."""

from __future__ import annotations

import re
from functools import lru_cache

from csp_status.core.vocabulary.layouts import ROLE_PHRASES, Role

__all__ = ["role_phrase_hits"]

_WORDS = re.compile(r"%|\+/-|#|[a-z0-9]+(?:/[a-z]+)*", re.ASCII)
_BRACKETED = re.compile(r"\([^()]*\)")
_THOUSANDS = re.compile(r"(\d),(\d{3})", re.ASCII)
_BY_FIRST_WORD: dict[str, list[tuple[Role, tuple[str, ...]]]] = {}
for _role, _phrases in ROLE_PHRASES.items():
    for _phrase in _phrases:
        _words = tuple(_WORDS.findall(_phrase))
        if _words:
            _BY_FIRST_WORD.setdefault(_words[0], []).append((_role, _words))


@lru_cache(maxsize=8192)
def role_phrase_hits(text: str) -> dict[Role, tuple[int, int, str]]:
    """For each role whose header words occur in ``text``: the longest phrase found as (words, where it
    ends, the phrase); words in brackets count only when there are none outside them."""
    hits = _hits(_BRACKETED.sub(" ", text))
    return hits or _hits(text)


def _hits(text: str) -> dict[Role, tuple[int, int, str]]:
    words = tuple(_WORDS.findall(_THOUSANDS.sub(r"\1\2", text.casefold())))
    hits: dict[Role, tuple[int, int, str]] = {}
    for i, word in enumerate(words):
        for role, phrase in _BY_FIRST_WORD.get(word, ()):
            n = len(phrase)
            if words[i:i + n] == phrase and (n, i + n) > hits.get(role, (0, 0, ""))[:2]:
                hits[role] = (n, i + n, " ".join(phrase))
    return hits
