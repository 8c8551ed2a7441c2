"""The base of every closed word list: an enumeration whose members are shown as their words."""

from __future__ import annotations

from enum import Enum

__all__ = ["Word"]


class Word(str, Enum):
    """A closed list of words: each member is its word, and shows as it (``str(Status.GREEN)`` is 'GREEN')."""

    def __str__(self) -> str:
        return self.value
