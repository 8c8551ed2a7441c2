"""What a partnership's book holds, as plain data: indicators, their yearly records, the settings.

Cells keep what officers typed (text, or a number as the spreadsheet stores it), so nothing is
lost between reading a book and writing it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from csp_status.core.errors import CellError
from csp_status.core.vocabulary import DEFAULT_TOLERANCE, Polarity, Status, ToleranceKind, TrendBasis, Unit

__all__ = [
    "Indicator", "YearRecord", "Settings", "Partnership", "LayoutColumn", "OwnLayout", "QUARTERS", "year_key", "year_label", "next_year",
    "previous_year",
]

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[/-]\s*(\d{2}|\d{4}))?\s*$", re.ASCII)


def year_key(year: str) -> int:
    """The starting calendar year of a reporting year: '2011/12' -> 2011."""
    match = _YEAR.match(str(year))
    if not match:
        raise CellError(str(year), "a reporting year such as '2011/12'")
    return int(match[1])


def year_label(start: int) -> str:
    """The reporting year that starts in calendar year ``start``: 2011 -> '2011/12'."""
    return f"{start}/{(start + 1) % 100:02d}"


def next_year(year: str) -> str:
    """'2011/12' -> '2012/13'."""
    return year_label(year_key(year) + 1)


def previous_year(year: str) -> str:
    """'2011/12' -> '2010/11'."""
    return year_label(year_key(year) - 1)


@dataclass
class Indicator:
    """One row of the Indicators sheet: how an indicator is judged."""

    ref: str
    description: str
    polarity: Polarity | None
    unit: Unit | None = None
    tolerance: float = DEFAULT_TOLERANCE
    tolerance_kind: ToleranceKind = ToleranceKind.RELATIVE
    trend_basis: TrendBasis = TrendBasis.PREVIOUS_PERIOD
    comparator: Any = None
    population: float | None = None
    notes: str = ""
    problems: list[str] = field(default_factory=list)  # cells of its row that could not be read


@dataclass
class YearRecord:
    """One indicator's figures for one reporting year (a row of the Data sheet)."""

    ref: str
    year: str
    outturn: Any = None
    target: Any = None
    quarters: list[Any] = field(default_factory=lambda: [None] * 4)
    commentary: list[str] = field(default_factory=lambda: [""] * 4)


@dataclass
class Settings:
    """The Settings sheet: which period is reported, and the partnership's defaults."""

    partnership: str = ""
    reporting_year: str = "2011/12"
    current_quarter: int = 1
    default_tolerance: float = DEFAULT_TOLERANCE
    default_tolerance_kind: ToleranceKind = ToleranceKind.RELATIVE
    population: float | None = None
    baseline_years: int = 3
    target_years: int = 3

    @property
    def period(self) -> str:
        return f"{self.reporting_year} Q{self.current_quarter}"


@dataclass
class LayoutColumn:
    """One column of a partnership's own summary, as the Layout sheet shows it: its number (1 is A),
    header text, role (a ``Role`` word the officer may correct), period, and how it was recognised."""

    column: int
    header: str
    role: str
    period: str = ""
    current: bool = False
    confidence: float | None = None
    reason: str = ""
    read_as: str = ""  # the role the book's figures were imported with (an officer's change applies on re-import)


@dataclass
class OwnLayout:
    """A partnership's own summary layout: how each column is read, and the summary as imported (the
    Source sheet: title rows, headers and rows as officers typed them), which the Summary follows."""

    columns: list[LayoutColumn]
    rows: list[list[object]]
    widths: dict[int, float] = field(default_factory=dict)
    fills: dict[tuple[int, int], Status] = field(default_factory=dict)  # status boxes shown only by their colour
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, column, last row, column)


@dataclass
class Partnership:
    """Everything a book says: settings, indicators in sheet order, their yearly records and, for a
    partnership with its own summary layout, that layout."""

    settings: Settings
    indicators: list[Indicator]
    records: dict[tuple[str, str], YearRecord]
    layout: OwnLayout | None = None

    def record(self, ref: str, year: str) -> YearRecord | None:
        return self.records.get((ref, year))

    def years(self) -> list[str]:
        return sorted({year for _, year in self.records}, key=year_key)
