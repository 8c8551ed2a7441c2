"""Making a new master workbook from a partnership's legacy summary (``csp import``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from csp_status.core.errors import BookError
from csp_status.core.model import Partnership
from csp_status.refresh import RefreshResult, regenerate
from csp_status.workbook.book_write import book_parts
from csp_status.workbook.files import book_lock, write_atomically, zip_bytes
from csp_status.workbook.legacy import read_legacy

__all__ = ["ImportResult", "import_legacy", "write_new_book"]


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


def import_legacy(legacy: Path, out: Path, *, overwrite: bool = False) -> ImportResult:
    """Read a legacy summary (.tsv, .csv, .xlsx) into a new master workbook, refreshed."""
    from csp_status.workbook.files import same_file

    if os.path.lexists(out) and same_file(Path(out), Path(legacy)):
        raise BookError(f"{out}: is also the legacy summary being imported, which would be replaced; "
                        "choose another name for the new master workbook")
    sheet = read_legacy(Path(legacy))
    book = sheet.partnership
    if not book.settings.partnership:
        book.settings.partnership = _partnership_name(Path(legacy))
    return ImportResult(Path(out), write_new_book(book, Path(out), overwrite=overwrite), sheet.notices)


def _partnership_name(legacy: Path) -> str:
    """A first guess at the partnership's name from the file name ('derby_indicator_summary…' -> 'Derby')."""
    stem = legacy.stem.replace("-", "_").split("_")[0]
    return stem.capitalize() if stem.isalpha() else ""
