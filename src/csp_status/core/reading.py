"""What one cell says, once read: the :class:`Reading` every rule works from, and the
:class:`SheetNumber` a spreadsheet stores (read by :mod:`csp_status.core.parse`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from csp_status.core.vocabulary import Bound, Direction, Placeholder, Unit

__all__ = ["Reading", "SheetNumber"]


@dataclass(frozen=True, slots=True)
class SheetNumber:
    """A number as a spreadsheet stores it, with the number format officers see it in."""

    value: float
    number_format: str = "General"


class Reading(NamedTuple):
    """What one cell says (immutable; a named tuple, for it is made for every cell read).

    ``unit`` is None for a spreadsheet number, whose unit comes from its format or its row.
    ``value`` is in stored units (a percentage as a fraction, 7.75% -> 0.0775); ``decimals`` is how
    many decimal places the text showed, in its own display units; ``reduction`` is the planned
    reduction written beside a target ("7.1% (1.5%)" -> 0.015; "(+2%)" is an increase, -0.02).
    ``bracketed`` marks a lone figure in brackets, "(1.5%)": in a target cell that is a reduction.
    With no value, ``placeholder`` says why and ``reason`` says it in words.

    Targets written in words keep what they say: ``bound`` ("at least 500", "no more than 30%"),
    ``direction`` ("reduce", "maintain": with no figure, on the previous year's outturn), ``due``
    (the year a reduction is due: "by 2008"), ``change`` (an absolute change: "a decrease of eight
    seconds" -> -8).  ``qualifiers`` are the words beside the figure that do not change it ("YTD",
    "12m to Sept 12"); ``provisional`` marks "(p)", "provisional"; ``notes`` say, one short
    sentence each, what was inferred from the words (for the Data notes).
    """

    text: str
    value: float | None = None
    unit: Unit | None = None
    decimals: int | None = None
    numerator: float | None = None
    denominator: float | None = None
    reduction: float | None = None
    label: str | None = None
    bracketed: bool = False
    placeholder: Placeholder | None = None
    reason: str | None = None
    change: float | None = None
    bound: Bound | None = None
    direction: Direction | None = None
    due: str | None = None
    qualifiers: tuple[str, ...] = ()
    provisional: bool = False
    notes: tuple[str, ...] = ()
    upper: float | None = None  # a range's upper end ("2,300 to 2,500": value 2,300); a target met within it

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def unreadable(self) -> bool:
        return self.placeholder is Placeholder.UNREADABLE
