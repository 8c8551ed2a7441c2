"""Making a new master workbook from a partnership's legacy summary (``csp import``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .book_write import book_parts
from .errors import BookError
from .legacy import read_legacy
from .model import Partnership
from .package import book_lock, write_atomically, zip_bytes
from .refresh import RefreshResult, refresh_book

__all__ = ["ImportResult", "import_legacy", "write_new_book"]


@dataclass
class ImportResult:
    path: Path
    refresh: RefreshResult
    notices: list[str] = field(default_factory=list)


def write_new_book(book: Partnership, out: Path, *, overwrite: bool = False) -> None:
    """Write a new master workbook (with the VBA project and ribbon) and regenerate its Summary."""
    from .build.assemble import ribbon_xml, vba_project_bin

    out = Path(out)
    if out.exists() and not overwrite:
        raise BookError(f"{out}: already exists; choose another name, or pass --force to replace it")
    if out.suffix.lower() != ".xlsm":
        stem = Path(out.stem).stem if out.stem.lower().endswith(".xlsm") else out.stem
        raise BookError(
            f"{out}: a master workbook keeps macros, so its name must end in .xlsm; give it a name such as "
            f"'{stem}.xlsm'"
        )
    data = zip_bytes(book_parts(book, vba_project=vba_project_bin(), ribbon=ribbon_xml()))
    with book_lock(out):
        write_atomically(out, data)


def import_legacy(legacy: Path, out: Path, *, overwrite: bool = False) -> ImportResult:
    """Read a legacy summary (.tsv, .csv, .xlsx) into a new master workbook, refreshed."""
    sheet = read_legacy(Path(legacy))
    book = sheet.partnership
    if not book.settings.partnership:
        book.settings.partnership = _partnership_name(Path(legacy))
    write_new_book(book, Path(out), overwrite=overwrite)
    return ImportResult(Path(out), refresh_book(Path(out)), sheet.notices)


def _partnership_name(legacy: Path) -> str:
    """A first guess at the partnership's name from the file name ('derby_indicator_summary…' -> 'Derby')."""
    stem = legacy.stem.replace("-", "_").split("_")[0]
    return stem.capitalize() if stem.isalpha() else ""
