"""What a column's cells look like, for layout recognition: how many are figures, percentages,
signed changes, RAG letters, arrows, placeholders, short or long text.

Figures are told from text by the product's own parser (:func:`csp_status.core.parse.read_cell`);
RAG letters, arrows, polarity and unit words come from :mod:`csp_status.core.vocabulary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from csp_status.core.errors import CellError
from csp_status.core.parse import read_cell
from csp_status.core.vocabulary import (
    Placeholder,
    Unit,
    parse_polarity,
    parse_rag_word,
    parse_trend_word,
    parse_unit_word,
)

__all__ = ["LONG_TEXT_CHARS", "Cell", "CellKind", "ColumnStats", "cell_text", "column_stats", "read_kind"]

LONG_TEXT_CHARS = 40  # commentary and indicator names are longer than any figure, code or header word
LONG_TEXT_WORDS = 6  # ... and have more words than "19% (63/337) (care-planned exits/total exits)"

_CODE = re.compile(r"^(?:[A-Za-z]{1,6}[ -]?){0,2}\d+(?:\.\d+)*[a-z]?\.?$", re.ASCII)
_NUMERIC_START = re.compile(r"^[-+(\u2212\u2264\u2265<>=~]?\s*\d", re.ASCII)


class CellKind(str, Enum):
    BLANK = "blank"
    FIGURE = "figure"
    PLACEHOLDER = "placeholder"
    RAG = "RAG letter"
    ARROW = "arrow"
    POLARITY = "polarity word"
    UNIT = "unit word"
    TEXT = "text"
    LONG_TEXT = "long text"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as recognition sees it."""

    kind: CellKind
    percent: bool = False
    signed: bool = False  # written with a sign (+12, -7.5%) or negative
    plus: bool = False  # written with a '+'
    integer: bool = False
    numeric: bool = False  # a figure, or text that opens with one ("326 as a 3 yr rolling average")


def cell_text(cell: object) -> str:
    """A cell's text, whitespace collapsed (numbers as Excel's General format shows them)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return read_cell(cell).text
    return " ".join(str(cell).split())


def read_kind(cell: object) -> Cell:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return _BLANK
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        reading = read_cell(cell)
        if reading.has_value:
            return _figure(reading, str(cell))
        return _BLANK if reading.placeholder is Placeholder.BLANK else Cell(CellKind.TEXT)  # NaN; infinity
    return _text_kind(" ".join(str(cell).split()))


_BLANK = Cell(CellKind.BLANK)


@lru_cache(maxsize=65536)
def _text_kind(text: str) -> Cell:
    if parse_rag_word(text) is not None:
        return Cell(CellKind.RAG)
    if parse_trend_word(text) is not None:
        return Cell(CellKind.ARROW)
    numeric = bool(_NUMERIC_START.match(text))
    if len(text) >= LONG_TEXT_CHARS and len(text.split()) >= LONG_TEXT_WORDS:
        return Cell(CellKind.LONG_TEXT, numeric=numeric)  # a sentence, though it may quote a figure
    for parse, kind in ((parse_polarity, CellKind.POLARITY), (parse_unit_word, CellKind.UNIT)):
        try:
            if parse(text) is not None:
                return Cell(kind)
        except CellError:
            pass
    reading = read_cell(text)
    if reading.has_value:
        return _figure(reading, text)
    if reading.placeholder not in (Placeholder.UNREADABLE, Placeholder.BLANK):
        return Cell(CellKind.PLACEHOLDER)
    if len(text) >= LONG_TEXT_CHARS:
        return Cell(CellKind.LONG_TEXT, numeric=numeric)
    return Cell(CellKind.TEXT, numeric=numeric)


def _figure(reading, text: str) -> Cell:
    value = reading.value
    stripped = text.strip().lstrip("(")
    return Cell(CellKind.FIGURE, percent=reading.unit is Unit.PERCENT or "%" in text.split("(")[0],
                signed=stripped[:1] in "+-\u2212" or (value is not None and value < 0),
                plus=stripped[:1] == "+", integer=value is not None and float(value).is_integer(), numeric=True)


@dataclass(frozen=True)
class ColumnStats:
    """A column's cells in the data rows, as shares of its filled cells (``filled`` is a share of the rows)."""

    rows: int
    filled: float
    figures: float
    numeric: float
    percent: float  # of the figures
    signed: float  # of the figures
    plus: float  # of the figures
    integer: float  # of the figures
    placeholders: float
    rag: float
    arrows: float
    polarity: float
    units: float
    text: float
    long_text: float
    distinct: float  # distinct texts / filled cells
    codes: float  # short codes such as 'CNP PM1', 'NI 47', '2.1.1'
    mean_length: float
    rag_fill: float = 0.0  # share of the rows whose cell is filled red, amber or green (of all rows)
    rag_fill_kinds: int = 0  # how many of the three colours the column shows

    @property
    def empty(self) -> bool:
        return self.filled == 0

    @property
    def words(self) -> float:
        return self.text + self.long_text


def column_stats(cells: list[object], fills: list[object] | None = None) -> ColumnStats:
    """The shares of a column's cells; ``fills`` (one per cell: the RAG status its fill colour shows, or
    None) come from a workbook's styles."""
    kinds = [read_kind(c) for c in cells]
    filled = [(k, cell_text(c)) for k, c in zip(kinds, cells) if k.kind is not CellKind.BLANK]
    n = len(filled) or 1
    figures = [k for k, _ in filled if k.kind is CellKind.FIGURE]
    f = len(figures) or 1

    def share(kind: CellKind) -> float:
        return sum(k.kind is kind for k, _ in filled) / n

    return ColumnStats(
        rows=len(cells), filled=len(filled) / (len(cells) or 1), figures=len(figures) / n,
        numeric=sum(k.numeric or k.kind is CellKind.PLACEHOLDER for k, _ in filled) / n,
        percent=sum(k.percent for k in figures) / f, signed=sum(k.signed for k in figures) / f,
        plus=sum(k.plus for k in figures) / f, integer=sum(k.integer for k in figures) / f,
        placeholders=share(CellKind.PLACEHOLDER), rag=share(CellKind.RAG), arrows=share(CellKind.ARROW),
        polarity=share(CellKind.POLARITY), units=share(CellKind.UNIT), text=share(CellKind.TEXT),
        long_text=share(CellKind.LONG_TEXT), codes=sum(bool(_CODE.match(t)) for _, t in filled) / n,
        distinct=len({t.casefold() for _, t in filled}) / n,
        mean_length=sum(len(t) for _, t in filled) / n,
        rag_fill=sum(f is not None for f in fills or ()) / (len(cells) or 1),
        rag_fill_kinds=len({f for f in fills or () if f is not None}),
    )
