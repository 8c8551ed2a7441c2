"""Recognising the layout of any partnership's performance summary.

Given a grid of cells (rows of text or numbers, as :mod:`csp_status.workbook.legacy` reads a .tsv,
.csv or .xlsx), :func:`recognise` finds the title rows, the header row(s) with their group headers
("3-month trend › Volume Change"), the data rows (skipping blank, section and repeated header
rows), gives each column a role (:class:`~csp_status.core.vocabulary.layouts.Role`) and a period,
decides which value column is current, and says where each row's ref comes from. Every decision
carries a confidence and a one-line reason; a grid that is not a performance table is refused
with a :class:`BookError` naming the headers found.

Rows and columns are numbered as the sheet shows them: row 1 is the first row, column 1 is A.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from csp_status.core.errors import BookError, NotASummaryError, text_preview
from csp_status.core.vocabulary.layouts import MEASURE_ROLES, SECTION_OPENINGS, RefSource, Role
from csp_status.workbook.cell_kinds import (
    LONG_TEXT_CHARS,
    CellKind,
    cell_text,
    column_stats,
    read_kind,
)
from csp_status.workbook.cells import col_letter
from csp_status.workbook.header_words import role_phrase_hits
from csp_status.workbook.periods import parse_period
from csp_status.workbook.roles import ColumnRole, HeaderColumn, assign_roles

__all__ = ["MAX_COLUMNS", "MARK_HEADERS", "summary_grid", "ColumnRole", "DataRow", "Layout", "recognise", "recognise_file"]

MAX_HEADER_SEARCH = 60  # the header sits near the top; below this many rows a sheet is data
MAX_SAMPLE_ROWS = 500  # what a column holds is judged on at most this many of its rows, evenly spread
MAX_COLUMNS = 500  # a partnership's summary has a few dozen columns; a few years of months, a few hundred
MARK_HEADERS = ("head each column in one row above the figures: the indicators' names 'Description' "
                "(and 'Ref'), the figures with their period ('Q1', '2013/14', 'Oct–Dec 2012', 'YTD') or a word "
                "such as 'Value', 'Target', 'Baseline', 'Comparator'")
_SECTION = re.compile(r"^(?:" + "|".join(SECTION_OPENINGS) + r")\b\s*\w{0,3}\s*[:.\-\u2013]", re.ASCII | re.IGNORECASE)
_YEAR_TEXT = re.compile(r"(?:19|20)?\d{2}\s*[/-]\s*(?:19|20)?\d{2}|(?:19|20)\d{2}", re.ASCII)
_LEADING_FIGURE = re.compile(r"^[-+(\u2212\u2264\u2265<>~\u00a3$]*\s*[\d.]", re.ASCII)
_DATE_SERIAL = re.compile(r"(?:3[3-9]|4\d|5[0-4])\d{3}(?:\.0+)?", re.ASCII)  # 1990–2049 as Excel counts days
_EXCEL_EPOCH = datetime(1899, 12, 30)
_CODE = re.compile(r"^(?P<ref>(?:[A-Z]{1,6}[ -]?){0,2}\d+(?:\.\d+)*[a-z]?)[.:)]?\s+(?P<rest>\S.*)$", re.ASCII)


@dataclass(frozen=True)
class DataRow:
    """One indicator row: its sheet row, its ref, and the section heading above it (if any)."""

    row: int
    ref: str
    section: str | None = None


@dataclass
class Layout:
    """A summary's layout, as recognised (see the module's docstring)."""

    source: str
    title_rows: list[int]
    header_rows: list[int]
    columns: list[ColumnRole]
    current_column: int | None
    current_period: str | None
    data_rows: list[DataRow]
    section_rows: list[int]
    ref_source: RefSource
    notes: list[str] = field(default_factory=list)

    def with_role(self, role: Role) -> list[ColumnRole]:
        return [c for c in self.columns if c.role is role]

    @property
    def roles(self) -> list[Role]:
        return [c.role for c in self.columns]


def recognise_file(path: Path, corrections: dict[int, Role] | None = None,
                   grid: list[list[object]] | None = None, sheet: str | None = None,
                   source: str | None = None) -> Layout:
    """Read a summary file with the legacy readers and recognise its layout (merged cells included);
    ``grid``: the file's cells, when already read; ``sheet``: a workbook's sheet (else its first)."""
    from csp_status.workbook.legacy import read_grid

    path = Path(path)
    grid = read_grid(path, sheet) if grid is None else grid
    workbook = path.suffix.lower() in (".xlsx", ".xlsm")
    merges: list[tuple[int, int, int, int]] = []
    fills: dict[tuple[int, int], object] = {}
    if workbook:
        from csp_status.workbook.fills import rag_fills
        from csp_status.workbook.merges import merged_ranges

        merges, fills = merged_ranges(path, sheet), rag_fills(path, sheet)
    return recognise(grid, source=source or str(path), merges=merges, excel_dates=workbook,
                     corrections=corrections, fills=fills)


def recognise(grid: list[list[object]], *, source: str = "the sheet",
              merges: list[tuple[int, int, int, int]] = (), excel_dates: bool = False,
              corrections: dict[int, Role] | None = None, fills: dict[tuple[int, int], object] | None = None
              ) -> Layout:
    """The layout of a grid of cells; ``merges`` are merged ranges (first row, first column, last row,
    last column, numbered from 1) as an .xlsx records them; with ``excel_dates``, a header row of
    spreadsheet date serials (months typed as dates, 41365) reads as the months they are;
    ``corrections`` (column number, 1 is A, to role) are an officer's, kept as given; ``fills`` are the
    RAG statuses cells show only as their fill colour, by (row, column) numbered from 1."""
    rows = summary_grid(grid, source)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if not any(cell_text(c) for row in rows for c in row):
        raise NotASummaryError(f"{source}: the sheet is empty: no header and no figures; choose the file that holds "
                        "the partnership's summary")
    search = [_with_dates(row) if excel_dates and r < MAX_HEADER_SEARCH else row for r, row in enumerate(rows)]
    main = _main_header(search, source)
    block = _header_block(search, main)
    for r in block:
        rows[r] = search[r]
    parts = _header_parts(rows, block, merges)
    titles = [r for r in range(block[0]) if any(cell_text(c) for c in rows[r])]
    kinds, header_repeats, sections = _classify_rows(rows, block)
    data = [r for r, kind in kinds.items() if kind == "data"]
    sample = data[::-(-len(data) // MAX_SAMPLE_ROWS)] if data else data  # shares need no more rows than this
    fills = fills or {}
    columns = [HeaderColumn(c, parts[c], column_stats([rows[r][c] for r in sample],
                                                      [fills.get((r + 1, c + 1)) for r in sample]))
               for c in range(width)]
    title_text = " ".join(cell_text(c) for r in titles for c in rows[r] if cell_text(c))
    assigned = assign_roles(columns, title_text, corrections)
    _refuse_unless_table(assigned.columns, parts, source, block)
    roles = {c.index - 1: c.role for c in assigned.columns}
    ref_col = next((i for i, role in roles.items() if role is Role.REF), None)
    for r in list(sections):  # an indicator's ref alone on its row is an indicator awaiting figures
        if ref_col is not None and cell_text(rows[r][ref_col]) and _CODE.match(cell_text(rows[r][ref_col]) + " x"):
            sections.remove(r)
            kinds[r] = "data"
    data = [r for r, kind in sorted(kinds.items()) if kind == "data"]
    notes = list(assigned.notes)
    data_rows, ref_source = _refs(rows, data, sections, roles, notes)
    if titles:
        notes.insert(0, f"title rows {_rows(titles)} above the header")
    if not data_rows:
        notes.append(f"no indicator rows under the header on row {block[-1] + 1}")
    if header_repeats:
        notes.append(f"the header is repeated on rows {_rows(header_repeats)}; skipped")
    if sections:
        notes.append(f"section rows {_rows(sections)}: headings, not indicators; skipped")
    header_rows = sorted([r + 1 for r in block] + [r + 1 for r in header_repeats])
    return Layout(source, [r + 1 for r in titles], header_rows, assigned.columns, assigned.current_column,
                  assigned.current_period, data_rows, [r + 1 for r in sections], ref_source, notes)


def summary_grid(grid: list[list[object]], source: str = "the sheet") -> list[list[object]]:
    """The grid's rows with blanks as "" and no blank cells at their ends (they are no columns); a cell
    far to the right of any summary is refused, naming it."""
    rows = [[("" if c is None else c) for c in row] for row in grid]
    for r, row in enumerate(rows):
        while row and not cell_text(row[-1]):
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise BookError(f"{source} row {r + 1} column {col_letter(len(row))}: {text_preview(cell_text(row[-1]))} "
                            f"lies {len(row):,} columns from the left, beyond any summary's {MAX_COLUMNS} columns; "
                            "delete it (or move it into the table), then import again")
    return rows


def _with_dates(row: list[object]) -> list[object]:
    """A row holding two or more spreadsheet dates (and some text) with the dates as months: 'Apr 2013'."""
    serials = [c for c in row if _DATE_SERIAL.fullmatch(cell_text(c))]
    if len(serials) < 2 or not any(read_kind(c).kind is CellKind.TEXT for c in row):
        return row
    out = []
    for cell in row:
        if _DATE_SERIAL.fullmatch(cell_text(cell)):
            day = _EXCEL_EPOCH + timedelta(days=int(cell_text(cell)))
            cell = f"{day:%b %Y}" if day.day == 1 else f"{day.day} {day:%b %Y}"
        out.append(cell)
    return out


def _rows(indexes: list[int]) -> str:
    return ", ".join(str(r + 1) for r in indexes)


def _is_year(cell: object) -> bool:
    if isinstance(cell, (int, float)):
        return float(cell).is_integer() and 1980 <= cell <= 2100
    return bool(_YEAR_TEXT.fullmatch(cell_text(cell)))


def _named(cell: object) -> bool:
    """A header cell that names a role or a period."""
    text = cell_text(cell)
    return bool(text) and (bool(role_phrase_hits(text)) or parse_period(text) is not None or text == "*")


def _figure(cell: object) -> bool:
    """A figure as data holds it (not a year, and not a header such as 'Target 08/09' that names one)."""
    if read_kind(cell).kind is not CellKind.FIGURE or _is_year(cell):
        return False
    return bool(_LEADING_FIGURE.match(cell_text(cell)))


def _header_score(row: list[object]) -> float:
    filled = [c for c in row if cell_text(c)]
    named = sum(_named(c) for c in filled)
    figures = sum(_figure(c) for c in filled)
    if len(filled) < 2 or not named:
        return 0.0
    return 2.0 * named + 0.5 * (len(filled) - named - figures) - 3.0 * figures


def _main_header(rows: list[list[object]], source: str) -> int:
    scores = [_header_score(row) for row in rows[:MAX_HEADER_SEARCH]]
    best = max(scores, default=0.0)
    if best <= 0:
        top = next((r for r in rows[:MAX_HEADER_SEARCH] if sum(bool(cell_text(c)) for c in r) >= 2), None)
        if top is None:
            first = next(cell_text(c) for row in rows for c in row if cell_text(c))
            raise NotASummaryError(f"{source}: no header row found: no row has two or more headed columns (the first "
                            f"text is {text_preview(first, 60)}); {MARK_HEADERS}")
        seen = " | ".join(text_preview(cell_text(c), 40) for c in top if cell_text(c))
        raise NotASummaryError(f"{source}: no header row found: no heading names a period or what a column holds "
                        f"(headers found: {seen}); {MARK_HEADERS}")
    return scores.index(best)


def _headerish(row: list[object]) -> bool:
    filled = [c for c in row if cell_text(c)]
    return bool(filled) and not any(_figure(c) for c in filled)


def _header_block(rows: list[list[object]], main: int) -> list[int]:
    block = [main]
    r = main - 1
    while r >= 0 and _headerish(rows[r]):
        filled = [i for i, c in enumerate(rows[r]) if cell_text(c)]
        if filled == [0] or (len(filled) == 1 and not _named(rows[r][filled[0]])):
            break  # a title alone in column A, or a caption: not a group header
        if filled[0] == 0 and len(filled) <= 2 and cell_text(rows[r][0]).endswith(":"):
            break  # "Partnership: | Derby", "Period: | Q1 2013/14" above the table
        block.insert(0, r)
        r -= 1
    r = main + 1
    while r < len(rows) and _headerish(rows[r]) and not cell_text(rows[r][0]):
        filled = [c for c in rows[r] if cell_text(c)]
        if not all(_named(c) and len(cell_text(c)) < LONG_TEXT_CHARS for c in filled):
            break
        block.append(r)
        r += 1
    return block


def _header_parts(rows: list[list[object]], block: list[int],
                  merges: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """Each column's header texts, top to bottom: a group header covers the columns of its merged range or,
    where the header has no merged cells (a text file), the empty cells after it that have headers below them."""
    width = len(rows[0]) if rows else 0
    anchor: dict[tuple[int, int], str] = {}
    for r1, c1, r2, c2 in merges:
        text = cell_text(rows[r1 - 1][c1 - 1]) if r1 - 1 < len(rows) and c1 - 1 < width else ""
        for r in (r for r in block if r1 - 1 <= r < r2):  # only the header's rows: a merge may be vast
            for c in range(c1 - 1, min(c2, width)):
                anchor[(r, c)] = text
    below = {r: {c for c in range(width) for b in block if b > r and cell_text(rows[b][c])} for r in block}
    if any(r in block for r, _ in anchor):  # the workbook says where its group headers reach
        below = {r: set() for r in block}
    parts: list[list[str]] = [[] for _ in range(width)]
    for r in block:
        last = ""
        for c in range(width):
            text = cell_text(rows[r][c])
            if (r, c) in anchor:
                text = anchor[(r, c)]
            elif not text and last and r != block[-1] and c in below[r]:
                text = last
            elif not text:
                last = ""
            if text:
                last = text if (r, c) not in anchor else ""
                if not parts[c] or parts[c][-1] != text:
                    parts[c].append(text)
    return parts


def _same_as_header(row: list[object], header_rows: list[list[str]]) -> bool:
    texts = [cell_text(c).casefold() for c in row]
    return any(texts == h for h in header_rows)


def _classify_rows(rows: list[list[object]], block: list[int]) -> tuple[dict[int, str], list[int], list[int]]:
    header_texts = [[cell_text(c).casefold() for c in rows[r]] for r in block]
    kinds: dict[int, str] = {}
    repeats: list[int] = []
    sections: list[int] = []
    for r in range(block[-1] + 1, len(rows)):
        filled = [c for c in rows[r] if cell_text(c)]
        if not filled:
            kinds[r] = "blank"
        elif _same_as_header(rows[r], header_texts):
            kinds[r] = "header"
            repeats.append(r)
        elif (len(filled) == 1 and read_kind(filled[0]).kind is not CellKind.FIGURE) or (
                _SECTION.match(cell_text(filled[0])) and not any(_figure(c) for c in filled)):
            kinds[r] = "section"  # a heading alone on its row, or one that says so: "Priority 1: …"
            sections.append(r)
        else:
            kinds[r] = "data"
    return kinds, repeats, sections


def _refuse_unless_table(columns: list[ColumnRole], parts: list[list[str]], source: str, block: list[int]) -> None:
    headers = [" › ".join(p) for p in parts if p]
    found = " | ".join(text_preview(h, 40) for h in headers[:12]) or "none"
    where = f"{source} row {block[-1] + 1}"
    if not any(c.role in MEASURE_ROLES and c.from_header for c in columns):
        raise NotASummaryError(f"{where}: no column header names a period or an indicator's figures (headers found: "
                        f"{found}); {MARK_HEADERS}")
    if not any(c.role in (Role.REF, Role.DESCRIPTION) for c in columns):
        raise NotASummaryError(f"{where}: no column holds the indicators' names or refs (headers found: {found}); "
                        f"{MARK_HEADERS}")


def _refs(rows: list[list[object]], data: list[int], sections: list[int], roles: dict[int, Role],
          notes: list[str]) -> tuple[list[DataRow], RefSource]:
    ref_col = next((c for c, role in roles.items() if role is Role.REF), None)
    desc_col = next((c for c, role in roles.items() if role is Role.DESCRIPTION), None)
    heading = {}
    current = None
    for r in range(len(rows)):
        if r in sections:
            current = next(cell_text(c) for c in rows[r] if cell_text(c))
        heading[r] = current
    descriptions = {r: cell_text(rows[r][desc_col]) if desc_col is not None else "" for r in data}
    if ref_col is not None:
        out = []
        for r in data:
            ref = cell_text(rows[r][ref_col]) or descriptions[r] or f"row {r + 1}"
            out.append(DataRow(r + 1, ref, heading[r]))
        return out, RefSource.COLUMN
    coded = {r: _CODE.match(d) for r, d in descriptions.items()}
    codes = [m["ref"] for m in coded.values() if m]
    if data and len(codes) >= 0.6 * len(data) and len(set(codes)) == len(codes):
        notes.append("no ref column: each row's ref is the code that opens its description "
                     f"({text_preview(codes[0])})")
        return [DataRow(r + 1, coded[r]["ref"] if coded[r] else descriptions[r] or f"row {r + 1}", heading[r])
                for r in data], RefSource.DESCRIPTION_START
    names = [descriptions[r] for r in data]
    if all(names) and len({n.casefold() for n in names}) == len(names):
        notes.append("no ref column: each row's description is its ref")
        return [DataRow(r + 1, descriptions[r], heading[r]) for r in data], RefSource.DESCRIPTION
    qualified = [f"{heading[r]}: {descriptions[r]}" if heading[r] else descriptions[r] for r in data]
    if all(names) and len({q.casefold() for q in qualified}) == len(qualified):
        notes.append("no ref column, and descriptions repeat: each row's ref is its section and description")
        return [DataRow(r + 1, q, heading[r]) for r, q in zip(data, qualified)], RefSource.DESCRIPTION
    notes.append("no ref column, and descriptions are missing or repeat: each row's ref is its row number")
    return [DataRow(r + 1, f"row {r + 1}", heading[r]) for r in data], RefSource.ROW_NUMBER
