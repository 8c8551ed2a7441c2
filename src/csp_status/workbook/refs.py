"""Indicator refs as Excel's MATCH compares them, and the characters a ref may not hold.

Two refs are one indicator when they differ only in case, in Unicode form (a full-width letter, a
ligature), or in spacing (a no-break space, a tab, two spaces, a space at either end): an officer
cannot tell them apart on screen, so they are refused as a ref used twice.  A ref with ``*``, ``?``
or ``~`` would be a pattern to the Data sheet's ``MATCH`` (which finds a row by ref), not a ref.
"""

from __future__ import annotations

import re
import unicodedata

from csp_status.core.errors import BookError

__all__ = ["ref_key", "ref_problem", "claim_ref", "WILDCARDS"]

WILDCARDS = "*?~"
_SPACES = re.compile(r"\s+")


def ref_key(ref: str) -> str:
    """The ref as it is compared: NFKC, inner spacing collapsed to one space, trimmed, case folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", ref)).strip().casefold()


def ref_problem(ref: str) -> str | None:
    """Why a ref cannot be used as one (None when it can)."""
    found = sorted({ch for ch in ref if ch in WILDCARDS})
    if found:
        shown = " or ".join(repr(ch) for ch in found)
        return (f"indicator ref {ref!r} has {shown}, which Excel's MATCH reads as a wildcard, so the Data "
                "sheet's formulas would find another row; use letters, digits, spaces and - / . in refs")
    return None


def claim_ref(ref: str, where: str, row: int, claimed: dict[str, int]) -> None:
    """Take a ref for the indicator on ``row``, refusing (naming ``where``) one that cannot be a ref
    or that an earlier row already holds, as compared (``claimed``: ref_key -> row, updated)."""
    problem = ref_problem(ref)
    if problem:
        raise BookError(f"{where}: {problem}")
    key = ref_key(ref)
    if key in claimed:
        raise BookError(f"{where}: indicator ref {ref!r} is already used on row {claimed[key]}; "
                        "give each indicator its own ref")
    claimed[key] = row
