"""``csp rollup``: every partnership's book in a folder, judged and gathered into one overview.

An analyst at a police and crime commissioner's office gets a master workbook from each
partnership every quarter.  The rollup reads them all (in parallel, one process per core), judges
every indicator with the same rules as ``csp status`` (so a book need not have been refreshed),
and writes one .xlsx: ``Indicators`` (a row per partnership and indicator), ``Counts`` (statuses
per partnership) and ``Problems`` (the workbooks that could not be read, and why).  A book that
cannot be read is reported and left out; it never stops the others.

The overview is written with the project's own sheet writer rather than openpyxl: the bytes are
the same on every run for the same books, the status cells carry the Summary's RAG fills, and a
few thousand rows are written in a fraction of a second.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from csp_status.core.errors import BookError, CspError
from csp_status.core.vocabulary import Status
from csp_status.workbook.book_write import SheetSpec, WrittenRow, sheet_xml, written_row
from csp_status.workbook.cells import HEADER
from csp_status.workbook.files import book_lock, refuse_output, same_file, write_atomically, zip_bytes
from csp_status.workbook.layout import Style
from csp_status.workbook.rels import relationships_xml, rels_name
from csp_status.workbook.styles import STYLES_XML
from csp_status.workbook.theme import THEME_CONTENT_TYPE, THEME_PART, THEME_TYPE, THEME_XML

__all__ = ["RollupResult", "BookRows", "rollup", "find_books", "read_partnership", "INDICATOR_COLUMNS",
           "COUNT_COLUMNS"]

INDICATOR_COLUMNS = ("Partnership", "File", "Ref", "Description", "Period", "Value", "Target", "Status",
                     "Gap to target", "Trend", "Notes")
STATUSES = tuple(s.value for s in (Status.GREEN, Status.AMBER, Status.RED, Status.NO_TARGET, Status.AWAITED,
                                   Status.CHECK))
COUNT_COLUMNS = ("Partnership", "File", *STATUSES, "Total")
PROBLEM_COLUMNS = ("File", "Problem")
_SUFFIXES = (".xlsm", ".xlsx")
_RAG = {status.value: Style.of(status) for status in Status}  # a status cell takes the Summary's fill

Progress = Callable[[int, int, Path], None]


@dataclass
class BookRows:
    """One book, read: its partnership's name and a row per indicator, or why it could not be read."""

    path: Path
    partnership: str = ""
    rows: list[tuple[str, ...]] = field(default_factory=list)  # INDICATOR_COLUMNS[2:]
    problem: str | None = None
    written: list[WrittenRow] = field(default_factory=list, repr=False)  # the rows as the overview writes them

    def overview_rows(self) -> list[WrittenRow]:
        """The book's rows as the overview's Indicators sheet has them (written once, where it was read)."""
        if len(self.written) != len(self.rows):
            self.written = [_indicator_row(self.partnership, self.path.name, row) for row in self.rows]
        return self.written


@dataclass
class RollupResult:
    """What a rollup read and wrote."""

    out: Path
    books: list[BookRows]  # read, in the overview's order
    problems: list[BookRows]  # could not be read
    seconds: float

    @property
    def indicators(self) -> int:
        return sum(len(book.rows) for book in self.books)


def find_books(folder: Path, *, out: Path | None = None) -> list[Path]:
    """The workbooks in a folder (not its subfolders), by name: Excel's owner files (``~$…``),
    hidden and temporary files, and ``out`` when it is an overview made before, are left out.

    Any other workbook at ``out`` is listed: it is a book the rollup reads, never one to replace.
    """
    folder = Path(folder)
    if not folder.exists():
        raise BookError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise BookError(f"{folder}: not a folder; give the folder that holds the partnerships' workbooks")
    found = []
    for path in folder.iterdir():
        name = path.name
        if name.startswith(("~$", ".")) or path.suffix.lower() not in _SUFFIXES or not path.is_file():
            continue
        if out is not None and same_file(path, out) and is_overview(path):
            continue
        found.append(path)
    return sorted(found, key=lambda p: (p.name.lower(), p.name))


def read_partnership(path: Path) -> BookRows:
    """Read and judge one book; a book that cannot be read gives its problem instead of rows."""
    from csp_status.core.judgement import evaluate
    from csp_status.workbook.book_read import read_book

    path = Path(path)
    try:
        master = read_book(path)
        evaluations = evaluate(master.partnership)
    except CspError as err:
        return BookRows(path, problem=_without_path(str(err), path))
    except Exception as err:  # a bug must not stop the other books; it is reported with the book
        return BookRows(path, problem=f"unexpected error, please report it: {type(err).__name__}: {err}")
    name = master.partnership.settings.partnership.strip() or path.stem
    rows = [
        (e.ref, e.description, e.period, e.value_text, e.target_text, e.status.value, e.gap_text,
         e.trend.value if e.trend else "", "; ".join(e.notes))
        for e in evaluations
    ]
    book = BookRows(path, name, rows)
    book.overview_rows()  # written here, in the worker that read it: the books' rows are written in parallel
    return book


def rollup(folder: Path, out: Path, *, workers: int | None = None, progress: Progress | None = None,
           force: bool = False) -> RollupResult:
    """Read every workbook in ``folder`` and write the overview to ``out`` (an .xlsx).

    ``workers`` is the number of processes (default: one per core; 1 reads in this process).
    ``progress(done, total, path)`` is called after each book.  An existing ``out`` is replaced
    only when it is an overview made earlier (or with ``force``): it may be a partnership's book.
    An ``out`` that is (or links to) one of the books read is refused, even with ``force``.
    """
    started = time.perf_counter()
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise BookError(f"{out}: the overview is an Excel workbook without macros; give a name ending in .xlsx")
    paths = find_books(folder, out=out)
    refuse_output(out, paths, force=force, ours=is_overview, what="overview")
    if not paths:
        raise BookError(f"{folder}: no workbooks (.xlsm or .xlsx) to roll up in this folder")
    results = _read_all(paths, workers, progress)
    books = sorted((b for b in results if b.problem is None), key=lambda b: (b.partnership.lower(), b.path.name))
    problems = sorted((b for b in results if b.problem is not None), key=lambda b: b.path.name)
    data = zip_bytes(overview_parts(books, problems))
    with book_lock(out):
        refuse_output(out, paths, force=force, ours=is_overview, what="overview")  # made meanwhile
        write_atomically(out, data)
    return RollupResult(out, books, problems, time.perf_counter() - started)


def _read_all(paths: list[Path], workers: int | None, progress: Progress | None) -> list[BookRows]:
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths)))
    done: list[BookRows] = []

    def record(book: BookRows) -> None:
        done.append(book)
        if progress is not None:
            progress(len(done), len(paths), book.path)

    if workers == 1:
        for path in paths:
            record(read_partnership(path))
        return done
    _warm_up()  # worker processes forked from here start with the reader imported
    left = list(paths)
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_read_some, task): task for task in _tasks(paths, workers)}
            for future in as_completed(futures):
                for book in future.result():
                    record(book)
                    left.remove(book.path)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): the pool is gone.  Each book not yet read is read
        # again in a process of its own, so a book that kills its reader is named, and the others go on.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as threads:
            for book in threads.map(_read_alone, left):
                record(book)
    return done


def _tasks(paths: list[Path], workers: int) -> list[list[Path]]:
    """The books in tasks for the workers: a few a task (each task is a round trip between processes),
    and the last few books one a task, so that the workers finish together."""
    size = max(1, min(4, len(paths) // (workers * 8)))
    head = paths[:max(0, len(paths) - workers * 4)]
    return [head[i:i + size] for i in range(0, len(head), size)] + [[path] for path in paths[len(head):]]


def _read_some(paths: list[Path]) -> list[BookRows]:
    return [read_partnership(path) for path in paths]


def _read_alone(path: Path) -> BookRows:
    """One book read in a process of its own: if that process dies, the book says so."""
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(read_partnership, path).result()
    except BrokenProcessPool:
        return BookRows(path, problem="the process reading it stopped (out of memory, or ended by the system); "
                                      "check the book opens in Excel, then roll up again")


def _warm_up() -> None:
    """Import what reading a book needs, once, before the workers are forked (else each would import
    and compile it again): the reader, the judgement, and the grammar of words that messy cells need."""
    from csp_status.core import judgement as evaluate  # noqa: F401
    from csp_status.core.grammar import placeholders, polarity, sentences, tokens  # noqa: F401
    from csp_status.workbook import book_read, data_splice  # noqa: F401

    data_splice.patterns()


def _without_path(message: str, path: Path) -> str:
    """A book's problem without its path in front (the File column names it)."""
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def is_overview(path: Path) -> bool:
    """Whether a file is an overview written by ``csp rollup`` (its sheets are exactly the overview's)."""
    from csp_status.workbook.package import Package

    try:
        with Package(path) as package:
            return list(package.sheet_paths()) == ["Indicators", "Counts", "Problems"]
    except CspError:
        return False


# ---- the overview workbook ----------------------------------------------------------------------

def overview_parts(books: Iterable[BookRows], problems: Iterable[BookRows]) -> dict[str, bytes]:
    """The overview's parts: Indicators, Counts and Problems sheets, styled like the Summary."""
    books, problems = list(books), list(problems)
    header = Style.HEADER
    indicators: list[list[tuple[object, int]] | WrittenRow] = [[(h, header) for h in INDICATOR_COLUMNS]]
    counts: list[list[tuple[object, int]]] = [[(h, header) for h in COUNT_COLUMNS]]
    for book in books:
        tally = Counter(row[5] for row in book.rows)
        indicators += book.overview_rows()
        counts.append([(book.partnership, Style.DEFAULT), (book.path.name, Style.DEFAULT)]
                      + [(tally[s], Style.DEFAULT) for s in STATUSES] + [(len(book.rows), Style.LABEL)])
    listed = [[(h, header) for h in PROBLEM_COLUMNS]]
    listed += [[(book.path.name, Style.DEFAULT), (book.problem, Style.DEFAULT)] for book in problems]
    sheets = {
        "Indicators": SheetSpec(indicators, freeze="D2", widths={1: 24, 2: 22, 3: 11, 4: 50, 5: 11, 6: 22,
                                                                 7: 26, 8: 12, 9: 26, 10: 12, 11: 60}),
        "Counts": SheetSpec(counts, freeze="C2", widths={1: 24, 2: 22, **{n: 11 for n in range(3, 10)}}),
        "Problems": SheetSpec(listed, freeze="A2", widths={1: 30, 2: 100}),
    }
    return _workbook_parts(sheets)


def _indicator_row(partnership: str, file: str, row: tuple[str, ...]) -> WrittenRow:
    """An indicator's row of the overview, its status cell in the Summary's fill for it."""
    status = _RAG[row[5]]
    cells = [(partnership, Style.DEFAULT), (file, Style.DEFAULT)]
    cells += [(value, status if n == 5 else Style.DEFAULT) for n, value in enumerate(row)]
    return written_row(cells)


def _workbook_parts(sheets: dict[str, SheetSpec]) -> dict[str, bytes]:
    """A plain .xlsx package holding the given sheets, with the project's styles and theme."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    parts: dict[str, bytes] = {}
    entries: list[str] = []
    overrides: list[str] = []
    rels: list[tuple[str, str, str]] = []  # (id, type, target as written)
    for n, (name, spec) in enumerate(sheets.items(), start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(spec)
        entries.append(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>')
        rels.append((f"rId{n}", f"{rel}/worksheet", f"worksheets/sheet{n}.xml"))
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>')
    rels.append((f"rId{len(sheets) + 1}", f"{rel}/styles", "styles.xml"))
    rels.append((f"rId{len(sheets) + 2}", THEME_TYPE, THEME_PART.removeprefix("xl/")))
    parts["xl/workbook.xml"] = (
        f'{HEADER}<workbook xmlns="{main}" xmlns:r="{rel}"><bookViews><workbookView/></bookViews>'
        f'<sheets>{"".join(entries)}</sheets></workbook>'
    ).encode("utf-8")
    parts[rels_name("xl/workbook.xml")] = relationships_xml(rels)
    parts["xl/styles.xml"] = STYLES_XML
    parts[THEME_PART] = THEME_XML
    parts[rels_name("")] = relationships_xml([("rId1", f"{rel}/officeDocument", "xl/workbook.xml")])
    parts["[Content_Types].xml"] = (
        f'{HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'{"".join(overrides)}'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/{THEME_PART}" ContentType="{THEME_CONTENT_TYPE}"/></Types>'
    ).encode("utf-8")
    return parts
