"""Finding a role's header words in a column header (the words are in
:mod:`csp_status.core.vocabulary.layouts`)."""

from __future__ import annotations

import re

from csp_status.core.vocabulary.layouts import ROLE_PHRASES, Role

__all__ = ["role_phrase_hits"]

_WORDS = re.compile(r"%|\+/-|#|[a-z0-9]+(?:/[a-z]+)*", re.ASCII)
_BRACKETED = re.compile(r"\([^()]*\)")
_THOUSANDS = re.compile(r"(\d),(\d{3})", re.ASCII)
_PHRASE_WORDS = {role: [tuple(_WORDS.findall(p)) for p in phrases] for role, phrases in ROLE_PHRASES.items()}


def role_phrase_hits(text: str) -> dict[Role, tuple[int, int, str]]:
    """For each role whose header words occur in ``text``: the longest phrase found as (words, where it
    ends, the phrase); words in brackets count only when there are none outside them."""
    hits = _hits(_BRACKETED.sub(" ", text))
    return hits or _hits(text)


def _hits(text: str) -> dict[Role, tuple[int, int, str]]:
    words = tuple(_WORDS.findall(_THOUSANDS.sub(r"\1\2", text.casefold())))
    hits: dict[Role, tuple[int, int, str]] = {}
    for role, phrases in _PHRASE_WORDS.items():
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if n and words[i:i + n] == phrase and (n, i + n) > hits.get(role, (0, 0, ""))[:2]:
                    hits[role] = (n, i + n, " ".join(phrase))
    return hits
