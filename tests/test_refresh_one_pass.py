"""The refresh reads and rewrites the Data sheet in one pass, a batch of rows at a time: the result
does not depend on the batch size, and rows out of order (which Excel never writes) still get the
values their rows call for."""

from __future__ import annotations

import zipfile
from pathlib import Path

import bookedit
import pytest
from lxml import etree

from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book, regenerate
from csp_status.workbook import sheet_rows
from csp_status.workbook.cells import Formula
from csp_status.workbook.package import Package

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def imported(seed_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one-pass") / "x.xlsm"
    import_legacy(seed_path, out)
    return out


def shown_values(book: Path) -> dict[tuple[int, int], object]:
    """The cached values of the Data sheet's formula cells."""
    with Package(book) as package:
        return {key: cell.cached for key, cell in package.cells("Data").items() if isinstance(cell, Formula)}


def _rewrite_data(book: Path, change) -> None:
    """Change the Data sheet's XML (as a tree) and put it back, every other part as it was."""
    part = bookedit.sheet_part(book, "Data")
    parts = bookedit.parts(book)
    root = etree.fromstring(parts[part])
    change(root)
    parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _wipe_shown_values(root: etree._Element) -> None:
    for v in root.iter(M + "v"):
        if v.getparent().find(M + "f") is not None:
            v.getparent().set("t", "str")
            v.text = "stale"


def _reverse_rows(root: etree._Element) -> None:
    holder = root.find(M + "sheetData")
    rows = list(holder)
    for row in rows:
        holder.remove(row)
    for row in reversed(rows):
        holder.append(row)


@pytest.mark.parametrize("batch", [1, 2, 7])
def test_regenerate_same_bytes_whatever_the_batch_size(book, monkeypatch, batch):
    bookedit.set_cell(book, "Settings", "B5", 2)  # Q2: values move, so the Data formulas change
    expected = regenerate(book)[0]
    monkeypatch.setattr(sheet_rows, "ROWS_PER_BATCH", batch)
    assert regenerate(book)[0] == expected


def test_refresh_book_rows_out_of_order_get_their_values(book, tmp_path):
    expected = shown_values(book)
    assert any(value not in ("", None) for value in expected.values())
    _rewrite_data(book, lambda root: (_wipe_shown_values(root), _reverse_rows(root)))
    assert all(value == "stale" for value in shown_values(book).values())
    result = refresh_book(book)
    assert result.changed
    assert shown_values(book) == expected
    assert not result.notices


def test_refresh_book_stale_values_replaced_in_order(book):
    expected = shown_values(book)
    _rewrite_data(book, _wipe_shown_values)
    refresh_book(book)
    assert shown_values(book) == expected
