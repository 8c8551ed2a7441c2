"""Fill colours as the RAG status they show (a partnership's status boxes coloured, with no text)."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from csp_status.core.vocabulary import Status
from csp_status.workbook.fills import rag_fills, rag_of_colour


@pytest.mark.parametrize("rgb, status", [
    ("#FF0000", Status.RED), ("#C00000", Status.RED), ("#FFC7CE", Status.RED),  # Excel's "Bad"
    ("#FFC000", Status.AMBER), ("#FFFF00", Status.AMBER), ("#FFEB9C", Status.AMBER),  # "Neutral"
    ("#00B050", Status.GREEN), ("#92D050", Status.GREEN), ("#C6EFCE", Status.GREEN),  # "Good"
    ("#D9D9D9", None), ("#FFFFFF", None), ("#000000", None), ("#0070C0", None), ("#DDEBF7", None),
    (None, None), ("", None), ("#FFF", None),
])
def test_rag_of_colour(rgb, status):
    assert rag_of_colour(rgb) is status


def test_rag_fills(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B2"] = "Status", "G"
    sheet["B2"].fill = PatternFill("solid", fgColor="00B050")
    sheet["C3"].fill = PatternFill("solid", fgColor="FF0000")
    sheet["D4"].fill = PatternFill("solid", fgColor="D9D9D9")  # grey shading shows no status
    book.save(tmp_path / "fills.xlsx")
    assert rag_fills(tmp_path / "fills.xlsx") == {(2, 2): Status.GREEN, (3, 3): Status.RED}
