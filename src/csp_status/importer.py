"""Making a new master workbook from a partnership's legacy summary (``csp import``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from csp_status.core.errors import BookError, NotASummaryError
from csp_status.core.model import OwnLayout, Partnership
from csp_status.core.vocabulary.layouts import Role
from csp_status.refresh import RefreshResult, regenerate
from csp_status.workbook.book_write import book_parts
from csp_status.workbook.files import book_lock, refuse_output, write_atomically, zip_bytes
from csp_status.workbook.fills import rag_fills
from csp_status.workbook.layout_import import partnership_from_layout
from csp_status.workbook.legacy import (
    fits_legacy_layout,
    parse_legacy_rows,
    read_grid,
    refuse_long_cells,
)
from csp_status.workbook.merges import column_widths, merged_ranges
from csp_status.workbook.recognise import recognise, recognise_file

__all__ = ["ImportResult", "import_legacy", "read_summary", "summary_layout", "write_new_book"]


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
                  corrections: dict[int, Role] | None = None, sheet: str | None = None,
                  layout: Path | None = None) -> ImportResult:
    """Read a partnership's summary (.tsv, .csv, .xlsx) into a new master workbook, refreshed;
    ``corrections``: an officer's roles for its columns (see :func:`read_summary`), read from the
    file ``layout`` (a mapping, or a master book's Layout sheet).

    ``out`` is never the summary or the layout, even with ``overwrite``: both are read, not replaced.
    """
    inputs = {Path(legacy): "the legacy summary being imported"}
    if layout is not None:
        inputs[Path(layout)] = "the layout its columns' roles are read from (--layout)"
    # only the inputs here: an existing book is write_new_book's to refuse, with or without overwrite
    refuse_output(Path(out), inputs, force=True, ours=lambda path: False, what="new master workbook")
    book, notices = read_summary(Path(legacy), corrections, sheet)
    if not book.settings.partnership:
        book.settings.partnership = _partnership_name(Path(legacy))
    return ImportResult(Path(out), write_new_book(book, Path(out), overwrite=overwrite), notices)


def read_summary(path: Path, corrections: dict[int, Role] | None = None, sheet: str | None = None
                 ) -> tuple[Partnership, list[str]]:
    """A partnership's summary file read into a book: the Derby layout cell by cell, any other layout
    through its recognised layout (``corrections``: an officer's roles by column number, 1 is A).

    From a workbook, ``sheet`` names the sheet; without it the first sheet whose layout is recognised
    is read (a cover sheet or a chart sheet before the summary is passed over, and the notices say so).
    """
    path = Path(path)
    names = [sheet] if sheet is not None or path.suffix.lower() not in (".xlsx", ".xlsm") else _sheets(path)
    refused: list[tuple[str, BookError]] = []
    for name in names:
        source = str(path) if name is None or name == names[0] else f"{path} sheet {name!r}"
        try:
            book, notices = _read_sheet(path, name, source, corrections)
        except NotASummaryError as err:
            if len(names) == 1:
                raise
            refused.append((name, err))
            continue
        passed = [f"{path}: sheet {n!r} is not a summary ({_said(e)}); sheet {name!r} read" for n, e in refused]
        return book, passed + notices
    first = refused[0][1]
    others = ", ".join(repr(n) for n, _ in refused[1:])
    raise NotASummaryError(f"{first}; the workbook's other sheets ({others}) are not summaries either; choose the "
                           "sheet with --sheet") from None


def summary_layout(path: Path, corrections: dict[int, Role] | None = None, sheet: str | None = None):
    """The recognised layout of a summary file (of ``sheet``, else of its first sheet that is a summary)."""
    path = Path(path)
    names = [sheet] if sheet is not None or path.suffix.lower() not in (".xlsx", ".xlsm") else _sheets(path)
    for n, name in enumerate(names):
        try:
            return recognise_file(path, corrections, sheet=name,
                                  source=str(path) if n == 0 else f"{path} sheet {name!r}")
        except NotASummaryError:
            if n == len(names) - 1:
                raise
    raise AssertionError("unreachable")


def _read_sheet(path: Path, sheet: str | None, source: str, corrections: dict[int, Role] | None
                ) -> tuple[Partnership, list[str]]:
    grid = read_grid(path, sheet)
    refuse_long_cells(grid, source)
    if not corrections and fits_legacy_layout(grid):
        legacy = parse_legacy_rows(grid, source=source)
        return legacy.partnership, legacy.notices
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return partnership_from_layout(grid, recognise_file(path, corrections, grid=grid, source=source), source)
    # what a workbook shows beyond its cells, read once for the recogniser and the book
    shown = OwnLayout([], [], column_widths(path, sheet), rag_fills(path, sheet), merged_ranges(path, sheet))
    layout = recognise(grid, source=source, merges=shown.merges, excel_dates=True, corrections=corrections,
                       fills=shown.fills)
    return partnership_from_layout(grid, layout, source, shown)


def _sheets(path: Path) -> list[str | None]:
    from csp_status.workbook.package import Package

    try:
        with Package(path) as package:
            return list(package.sheet_paths()) or [None]
    except BookError:
        return [None]  # read_grid says what is wrong with the file


def _said(err: BookError) -> str:
    """What a refusal says of the sheet, without the file's name or the advice: 'no header row found'."""
    return str(err).split(": ", 1)[-1].split(" (")[0].split(";")[0]


def _partnership_name(legacy: Path) -> str:
    """A first guess at the partnership's name from the file name ('derby_indicator_summary…' -> 'Derby')."""
    stem = legacy.stem.replace("-", "_").split("_")[0]
    return stem.capitalize() if stem.isalpha() else ""
