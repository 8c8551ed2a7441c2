"""Making a new master workbook from a partnership's legacy summary (``csp import``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from csp_status.core.errors import BookError
from csp_status.core.model import OwnLayout, Partnership
from csp_status.core.vocabulary.layouts import Role
from csp_status.refresh import RefreshResult, regenerate
from csp_status.workbook.book_write import book_parts
from csp_status.workbook.files import book_lock, write_atomically, zip_bytes
from csp_status.workbook.fills import rag_fills
from csp_status.workbook.layout_import import partnership_from_layout
from csp_status.workbook.legacy import (
    fits_legacy_layout,
    parse_legacy_rows,
    read_grid,
    refuse_long_cells,
)
from csp_status.workbook.merges import column_widths, merged_ranges
from csp_status.workbook.recognise import recognise_file

__all__ = ["ImportResult", "import_legacy", "read_summary", "write_new_book"]


@dataclass
class ImportResult:
    path: Path
    refresh: RefreshResult
    notices: list[str] = field(default_factory=list)


def write_new_book(book: Partnership, out: Path, *, overwrite: bool = False) -> RefreshResult:
    """Write a new master workbook (with the VBA project and ribbon), its Summary regenerated.

    The book is made and refreshed in memory and written in one atomic step, so a run that fails
    or is killed leaves either no book (or the one it was to replace) or the whole refreshed book.
    """
    from csp_status.build.assemble import ribbon_xml, vba_project_bin

    out = Path(out)
    _refuse_existing(out, overwrite)
    if out.suffix.lower() != ".xlsm":
        stem = Path(out.stem).stem if out.stem.lower().endswith(".xlsm") else out.stem
        raise BookError(
            f"{out}: a master workbook keeps macros, so its name must end in .xlsm; give it a name such as "
            f"'{stem}.xlsm'"
        )
    new = zip_bytes(book_parts(book, vba_project=vba_project_bin(), ribbon=ribbon_xml()))
    data, evaluations, notices, _ = regenerate(out, new)
    with book_lock(out):
        _refuse_existing(out, overwrite)  # made by someone else meanwhile
        write_atomically(out, data)
    return RefreshResult(out, evaluations, True, notices)


def _refuse_existing(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise BookError(f"{out}: already exists; choose another name, or pass --force to replace it")


def import_legacy(legacy: Path, out: Path, *, overwrite: bool = False,
                  corrections: dict[int, Role] | None = None) -> ImportResult:
    """Read a partnership's summary (.tsv, .csv, .xlsx) into a new master workbook, refreshed;
    ``corrections``: an officer's roles for its columns (see :func:`read_summary`)."""
    from csp_status.workbook.files import same_file

    if os.path.lexists(out) and same_file(Path(out), Path(legacy)):
        raise BookError(f"{out}: is also the legacy summary being imported, which would be replaced; "
                        "choose another name for the new master workbook")
    book, notices = read_summary(Path(legacy), corrections)
    if not book.settings.partnership:
        book.settings.partnership = _partnership_name(Path(legacy))
    return ImportResult(Path(out), write_new_book(book, Path(out), overwrite=overwrite), notices)


def read_summary(path: Path, corrections: dict[int, Role] | None = None) -> tuple[Partnership, list[str]]:
    """A partnership's summary file read into a book: the Derby layout cell by cell, any other layout
    through its recognised layout (``corrections``: an officer's roles by column number, 1 is A)."""
    grid = read_grid(path)
    refuse_long_cells(grid, str(path))
    if not corrections and fits_legacy_layout(grid):
        sheet = parse_legacy_rows(grid, source=str(path))
        return sheet.partnership, sheet.notices
    layout = recognise_file(path, corrections, grid=grid)
    sheet = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):  # what a workbook shows beyond its cells
        sheet = OwnLayout([], [], column_widths(path), rag_fills(path), merged_ranges(path))
    return partnership_from_layout(grid, layout, str(path), sheet)


def _partnership_name(legacy: Path) -> str:
    """A first guess at the partnership's name from the file name ('derby_indicator_summary…' -> 'Derby')."""
    stem = legacy.stem.replace("-", "_").split("_")[0]
    return stem.capitalize() if stem.isalpha() else ""
