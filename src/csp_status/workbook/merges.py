"""A sheet's merged ranges (where a group header spans its columns) and its column widths.

Both are read from the sheet's own XML, through the guarded parser: from a partnership's summary
on import, and from the Source sheet a book keeps, so that its Summary spans and sizes its
headers as the partnership does.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from csp_status.workbook.cells import NS, col_letter, split_ref
from csp_status.workbook.package import Package

__all__ = ["merged_ranges", "sheet_merges", "sheet_widths", "column_widths", "merge_refs"]

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column, numbered from 1
MAX_WIDTH = 255.0  # the widest column Excel allows, in characters
MAX_MERGES = 2_000  # a summary merges a few dozen group headers


def merged_ranges(path: Path, sheet: str | None = None) -> list[Merge]:
    """The merged ranges of a workbook's sheet (its first, unless named), numbered from 1."""
    with Package(Path(path)) as package:
        names = list(package.sheet_paths())
        return sheet_merges(package, sheet or names[0]) if names else []


def column_widths(path: Path, sheet: str | None = None) -> dict[int, float]:
    """The column widths a workbook's sheet sets (its first, unless named), in characters, by column number."""
    with Package(Path(path)) as package:
        names = list(package.sheet_paths())
        return sheet_widths(package, sheet or names[0]) if names else {}


def _root(package: Package, sheet: str) -> etree._Element:
    return package.xml(package.sheet_part(sheet))


def sheet_merges(package: Package, sheet: str) -> list[Merge]:
    """A sheet's merged ranges, each overlapping none before it (Excel repairs a sheet whose merges overlap)."""
    out: list[Merge] = []
    for merge in _root(package, sheet).iterfind("m:mergeCells/m:mergeCell", NS):
        if len(out) >= MAX_MERGES:
            break  # more than a summary ever has: the rest are read cell by cell
        first, _, last = merge.get("ref", "").partition(":")
        try:
            (r1, c1), (r2, c2) = split_ref(first), split_ref(last or first)
        except ValueError:
            continue  # a damaged range spans nothing; its cells are read one by one
        span = (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
        if not any(span[0] <= o[2] and o[0] <= span[2] and span[1] <= o[3] and o[1] <= span[3] for o in out):
            out.append(span)
    return out


def sheet_widths(package: Package, sheet: str) -> dict[int, float]:
    """The widths a sheet's ``<cols>`` set, by column number (columns it leaves at the default are absent)."""
    widths: dict[int, float] = {}
    for col in _root(package, sheet).iterfind("m:cols/m:col", NS):
        try:
            first, last, width = int(col.get("min", "")), int(col.get("max", "")), float(col.get("width", ""))
        except ValueError:
            continue
        if not (1 <= first <= last <= 16_384) or not 0 < width <= MAX_WIDTH:
            continue
        for c in range(first, min(last, first + 1_000) + 1):  # a range over the whole sheet sets no width we need
            widths[c] = round(width, 2)
    return widths


def merge_refs(merges: list[Merge], rows: int, columns: int) -> list[str]:
    """Merged ranges as Excel writes them ("B3:F3"), those that lie within ``rows`` and ``columns`` and span two cells."""
    return [f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}" for r1, c1, r2, c2 in merges
            if r2 <= rows and c2 <= columns and (r1, c1) != (r2, c2)]
