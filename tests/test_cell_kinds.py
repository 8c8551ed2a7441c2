"""What recognition sees in a cell: figures (the product's own parser), RAG letters, arrows, words."""

from __future__ import annotations

import pytest

from csp_status.core.vocabulary import Status, Trend, parse_rag_word, parse_trend_word
from csp_status.workbook.cell_kinds import CellKind, column_stats, read_kind


@pytest.mark.parametrize("cell, kind", [
    ("13,102", CellKind.FIGURE), (13102.0, CellKind.FIGURE), ("7.75%", CellKind.FIGURE),
    ("53.7 per 1,000 residents", CellKind.FIGURE), ("50% (62/124)", CellKind.FIGURE),
    ("\u2265 55.1%", CellKind.FIGURE), ("at least 90%", CellKind.FIGURE), ("68.2 %", CellKind.FIGURE),
    ("100,000 to 120,000", CellKind.FIGURE), ("102,000 to 112,000 [5]", CellKind.FIGURE),
    ("n/a", CellKind.PLACEHOLDER), ("Awaited", CellKind.PLACEHOLDER), ("TBC nationally", CellKind.PLACEHOLDER),
    ("G", CellKind.RAG), ("amber", CellKind.RAG), ("\u2191", CellKind.ARROW), ("\u25bc", CellKind.ARROW),
    ("Stable", CellKind.ARROW), ("Lower is better", CellKind.POLARITY), ("per 1000", CellKind.UNIT),
    ("Above", CellKind.TEXT), ("Inline", CellKind.TEXT), ("New measure", CellKind.PLACEHOLDER),
    ("This is the baseline year for this indicator, as the IOM scheme", CellKind.LONG_TEXT),
    ("", CellKind.BLANK), (None, CellKind.BLANK), ("   ", CellKind.BLANK),
])
def test_read_kind(cell, kind):
    assert read_kind(cell).kind is kind


@pytest.mark.parametrize("cell, percent, signed, plus", [
    ("-7.5%", True, True, False), ("+1,161", False, True, True), ("40,861 (3%)", False, False, False),
    (-0.5, False, True, False), ("18.3%", True, False, False),
])
def test_read_kind_figure_flags(cell, percent, signed, plus):
    got = read_kind(cell)
    assert (got.percent, got.signed, got.plus) == (percent, signed, plus)


@pytest.mark.parametrize("word, status", [("R", Status.RED), (" g ", Status.GREEN), ("Amber", Status.AMBER),
                                          ("On track", Status.GREEN), ("maybe", None), ("", None)])
def test_parse_rag_word(word, status):
    assert parse_rag_word(word) is status


@pytest.mark.parametrize("word, trend", [(Trend.IMPROVING.arrow, Trend.IMPROVING), ("\u25bc", Trend.WORSENING),
                                         ("no change", Trend.NO_CHANGE), ("up-ish", None)])
def test_parse_trend_word(word, trend):
    assert parse_trend_word(word) is trend


def test_column_stats_shares():
    stats = column_stats(["-7.5%", "+10.4%", "-16.2%", "", "n/a"])
    assert (stats.filled, stats.figures, stats.percent, stats.signed, stats.placeholders) == (0.8, 0.75, 1.0, 1.0, 0.25)
