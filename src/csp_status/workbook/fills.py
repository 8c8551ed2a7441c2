"""The fill colours of a workbook's first sheet, as the RAG status they show: a partnership whose
status boxes carry the RAG only as the box's colour."""

from __future__ import annotations

import colorsys
from pathlib import Path

from csp_status.core.vocabulary import Status
from csp_status.workbook.colours import style_colours
from csp_status.workbook.package import Package

__all__ = ["rag_fills", "rag_of_colour", "sheet_rag_fills"]


def rag_of_colour(rgb: str | None) -> Status | None:
    """'#FF0000' is RED, '#FFC000' AMBER, '#00B050' GREEN (and Excel's Bad, Neutral and Good fills,
    '#FFC7CE', '#FFEB9C', '#C6EFCE'); grey, blue and other colours are None."""
    if not rgb or len(rgb.lstrip("#")) != 6:
        return None
    r, g, b = (int(rgb.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.35 or not 0.2 <= light <= 0.92:
        return None  # grey, white or black (Excel's pale Good, Bad and Neutral fills are colours)
    degrees = hue * 360
    if degrees < 15 or degrees >= 340:
        return Status.RED
    if 25 <= degrees < 65:
        return Status.AMBER
    if 75 <= degrees < 170:
        return Status.GREEN
    return None


def rag_fills(path: Path, sheet: str | None = None) -> dict[tuple[int, int], Status]:
    """(row, column), numbered from 1, of each cell filled red, amber or green, and the status it shows."""
    with Package(Path(path)) as package:
        names = list(package.sheet_paths())
        if not names:
            return {}
        return sheet_rag_fills(package, sheet or names[0])


def sheet_rag_fills(package: Package, sheet: str) -> dict[tuple[int, int], Status]:
    """The RAG statuses a sheet's cells show by their fill colour, by (row, column)."""
    styles = package.cell_styles(sheet)
    by_style = style_colours(package, {str(s): s for s in set(styles.values())})
    rag = {int(label): rag_of_colour(fill) for label, (fill, _) in by_style.items()}
    return {cell: rag[style] for cell, style in styles.items() if rag.get(style) is not None}
