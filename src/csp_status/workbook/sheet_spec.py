"""What one worksheet part holds, before it is written (``book_write.sheet_xml`` writes it)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SheetSpec"]


@dataclass
class SheetSpec:
    """What one worksheet part holds: rows of (value, style) and its sheet-level settings."""

    rows: list[list[tuple[object, int]]]
    widths: dict[int, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    freeze: str | None = None  # top-left cell of the scrolling pane, e.g. "C4"
    validations: list[tuple[str, str]] = field(default_factory=list)  # (range, list formula)
    code_name: str = ""
    landscape: bool = False
    tab_color: str | None = None
    fit_rows: bool = False  # give wrapped rows the height their text needs (Excel does not on open)
    folded: frozenset[int] = frozenset()  # columns in one outline group, folded away (a + opens them)
