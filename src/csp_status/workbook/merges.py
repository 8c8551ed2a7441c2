"""The merged ranges of a workbook's first sheet: where a group header spans its columns."""

from __future__ import annotations

from pathlib import Path

from csp_status.workbook.cells import NS, split_ref
from csp_status.workbook.package import Package

__all__ = ["merged_ranges"]


def merged_ranges(path: Path, sheet: str | None = None) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of each merged range, numbered from 1."""
    with Package(Path(path)) as package:
        names = list(package.sheet_paths())
        if not names:
            return []
        root = package.xml(package.sheet_part(sheet or names[0]))
    out = []
    for merge in root.iterfind("m:mergeCells/m:mergeCell", NS):
        ref = merge.get("ref", "")
        first, _, last = ref.partition(":")
        try:
            (r1, c1), (r2, c2) = split_ref(first), split_ref(last or first)
        except ValueError:
            continue  # a damaged range spans nothing; its cells are read one by one
        out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out
