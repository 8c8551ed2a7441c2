"""Regenerating a master workbook: the Summary and Trends tabs, and the cached values of the Data formulas.

Only these parts change: the Summary worksheet, written anew (keeping its VBA code name, and
what an officer attached to it: notes, pictures, page set-up and printer settings); the Trends
worksheet with its drawing and one chart per indicator (keeping its notes and page set-up the
same way, and changing the content types when the number of charts changes); the Data worksheet,
where each ``CSP_*`` formula cell gets a fresh cached value (what Excel will calculate, worked out
with the same functions the worksheet calls); and Excel's calculation chain, dropped with its
relationship and content type when a book has one (Excel rebuilds it; a stale one makes Excel
repair the file).  Every other part of the package is copied as it was, so the VBA project, the
ribbon, officers' inputs and commentary, other sheets and defined names come through byte for
byte.  A refresh whose result equals the book writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lxml import etree

from csp_status.core.garbage import steady_garbage_collection
from csp_status.core.judgement import Evaluation, evaluate
from csp_status.core.parse import SheetNumber
from csp_status.outputs.summary import summary_sheet
from csp_status.outputs.trends import replace_trends, trend_series
from csp_status.workbook import data_splice
from csp_status.workbook.book_read import BookStart, Cells, finish_book, read_book_start
from csp_status.workbook.cells import MAIN, Formula, cell_value, keyed_cells
from csp_status.workbook.data_columns import RowContext, concat_text, is_ours, shown_values, shown_values_of_rows
from csp_status.workbook.files import FileStamp, book_lock, file_stamp, write_atomically
from csp_status.workbook.layout import (
    DATA,
    DATA_FORMULA_HEADERS,
    DATA_INPUT_HEADERS,
    INDICATOR_HEADERS,
)
from csp_status.workbook.layout_sheets import layout_notices
from csp_status.workbook.ownership import owned_parts
from csp_status.workbook.package import Package
from csp_status.workbook.related import carry_sheet_links, with_theme, without_calc_chain
from csp_status.workbook.zip_write import Compressed, deflated, zip_bytes

__all__ = ["RefreshResult", "refresh_book", "regenerate"]

FORMULA, VALUE = MAIN + "f", MAIN + "v"


@dataclass
class RefreshResult:
    path: Path
    evaluations: list[Evaluation]
    changed: bool
    notices: list[str] = field(default_factory=list)


def refresh_book(path: Path, *, write: bool = True) -> RefreshResult:
    """Regenerate the book's Summary and cached values; write only when something changed.

    The result replaces the book only if the book on disk is still the one that was read: an
    officer's save in the meantime is kept, and the refreshed book is kept beside it.
    """
    path = Path(path)
    if not write:
        data, evaluations, notices, original, _ = _regenerate(path)
        return RefreshResult(path, evaluations, data != original, notices)
    with book_lock(path):
        data, evaluations, notices, original, stamp = _regenerate(path)
        changed = data != original
        if changed:
            write_atomically(path, data, expect=stamp)
    return RefreshResult(path, evaluations, changed, notices)


def regenerate(path: Path, data: bytes | None = None) -> tuple[bytes, list[Evaluation], list[str], bytes]:
    """The refreshed package's bytes, the evaluations, notices, and the original bytes.

    ``data``, when given, is the package itself (a book not yet written to ``path``; messages
    still name ``path``).
    """
    return _regenerate(path, data)[:4]


def _regenerate(path: Path, data: bytes | None = None
                ) -> tuple[bytes, list[Evaluation], list[str], bytes, FileStamp | None]:
    with steady_garbage_collection(), Package(path, data) as package:  # refuses a missing file, a folder, or a file that is not a workbook
        original = package.raw()
        stamp = None if data is not None else file_stamp(package.stamp, original)
        start = read_book_start(path, package)
        owned = owned_parts(package, start.sheet_parts)
        order = package.names
        # every part checked (sizes, CRC-32) before any work: a damaged book is refused at once
        parts: dict[str, bytes | Compressed] = {name: package.read(name) for name in order if name != owned.data}
        read = dict(parts)  # the parts as they were: those still the same are copied compressed, as they are
        shown = _ShownValues(start, package.shared_strings(), package.number_formats())
        data = shown.rewrite(package)  # compressed a batch of rows at a time, as it is rewritten
        master = finish_book(start, shown.cells)
        evaluations = evaluate(master.partnership)
        shown.notices.extend(layout_notices(path, master.partnership.layout))
        master.data_cells.clear()  # all in the records now; tens of MB in a large book, not needed again
        summary_part = owned.summary
        old_summary = parts[summary_part]
        package.check_xml(summary_part, old_summary)
        replaced: dict[str, bytes | Compressed] = {
            summary_part: summary_sheet(master.partnership, evaluations, master.styles,
                                        code_name=_code_name(old_summary, "Sheet1")),
            owned.data: data,
        }
        parts.update(replaced)
        parts = {name: parts[name] for name in order}
        parts, order = carry_sheet_links(parts, order, summary_part, old_summary, path=path)  # notes, pictures, page set-up
        if owned.trends:
            old_trends = parts[owned.trends]
            package.check_xml(owned.trends, old_trends)
            parts, order = replace_trends(parts, order, owned.trends, trend_series(master.partnership, evaluations),
                                          _code_name(old_trends, "Sheet6"), old_drawing=owned.drawing,
                                          old_charts=owned.charts, path=path)
            parts, order = carry_sheet_links(parts, order, owned.trends, old_trends, path=path)
        parts, order = without_calc_chain(parts, order, path=path)  # it may list formulas the new Summary and Trends lack
        parts, order = with_theme(parts, order, path=path)  # a book LibreOffice saved has lost its theme

        def unchanged(name: str, now: bytes) -> Compressed | None:
            was = read.get(name)
            return package.compressed(name) if was is not None and (now is was or now == was) else None

        out = zip_bytes(parts, order=order, copy=unchanged)
    return out, evaluations, shown.notices, original, stamp


def _code_name(sheet: bytes | list[bytes], default: str) -> str:
    """The VBA code name a sheet part carries (kept when the sheet is regenerated)."""
    import re

    head = sheet[:4096] if isinstance(sheet, bytes) else b""
    match = re.search(rb'<sheetPr[^>]*\bcodeName="([A-Za-z][A-Za-z0-9_]{0,30})"', head)
    return match.group(1).decode() if match else default


class _ShownValues:
    """One pass over the Data sheet: read its cells, and give each recognised CSP_* formula cell
    the value Excel will calculate (worked out from its row and the one above, so each batch of
    rows is finished before the next is parsed).

    The cells of the formula columns are not kept (their values are worked out here, and nothing
    reads them), except where a column is one the formulas themselves read (A–H).  Rows out of
    order, which Excel never writes, need the whole sheet first: every cell is then read, and the
    pass made again.
    """

    def __init__(self, start: BookStart, strings: list[str], formats: list[str]) -> None:
        self.start = start
        self.strings, self.formats = strings, formats
        self.cells: Cells = {}
        self.notices: list[str] = []
        self._shared: dict[str, tuple[int, str]] = {}
        self._columns: dict[int, str] | None = None
        self._not_kept: set[int] | None = None  # formula columns whose cells are not kept
        self._last = (0, 0)
        self._in_order = True
        self._reading = True
        self._year = concat_text(_arg(start.settings_cells.get("reporting_year")))
        self._row_values: tuple[int, dict[str, object]] = (0, {})
        self._keys: dict[str, int] = {}  # each row's Key (ref|year, lower case) -> its first row
        self._missed: set[str] = set()  # keys looked up before any row held them
        self._rows_by_ref: dict[str, int] = {}
        for key, row in start.indicator_rows.items():
            self._rows_by_ref.setdefault(key.lower(), row)

    def rewrite(self, package: Package) -> Compressed:
        part = deflated(package.sheet_rows(DATA).rewritten(self._batch, self._splice))
        if self._in_order and not (self._missed & self._keys.keys()):
            return part
        # rows out of order, or a last year's row below the row that looks it up (a sorted sheet):
        # every cell and every key is needed first, then the pass is made again
        del part
        keys = self._keys if self._in_order else {}
        self.cells = package.cells(DATA)
        self._reading, self._shared, self._columns, self.notices = False, {}, None, []
        self._row_values = (0, {})
        if not keys:
            for (r, c), value in sorted(self.cells.items()):
                if c == 1:
                    year = _arg(self.cells.get((r, 2)))
                    keys.setdefault(f"{concat_text(_arg(value))}|{concat_text(year)}".lower(), r)
        self._keys = keys
        return deflated(package.sheet_rows(DATA).rewritten(self._batch))

    def _batch(self, rows: etree._Element) -> None:
        formulas = self._read(rows) if self._reading else self._formula_cells(rows)
        if self._columns is None:
            self._find_columns()
        if not self._in_order and self._reading:
            return  # the values are worked out in the second pass, over every cell
        for cell, f, r, c in formulas:
            self._formula(cell, f, r, c)

    def _splice(self, piece: bytes, parse: Callable[[bytes], etree._Element]) -> bytes | None:
        """A batch whose rows' calculated cells are all in the refresh's own form: the officers' cells
        read, and the new values written into the batch's bytes (see ``data_splice``); else None."""
        if not (self._reading and self._in_order and self._columns == data_splice.COLUMNS):
            return None  # the first batch (the headers are read there), or a sheet laid out otherwise
        matches = data_splice.match_rows(piece)
        if matches is None:
            return None
        if data_splice.xml_characters(piece) and data_splice.input_cells(piece, matches, self.formats, self.cells):
            self._in_rows(matches)  # the officers' cells, all in the refresh's own form, are read
        else:
            rows = parse(data_splice.read_part(piece, matches))  # the guarded parse: well formed, as ever
            for cell, f, r, c in self._read(rows):
                if c not in self._columns:
                    self._formula(cell, f, r, c)  # a formula an officer typed among the inputs: left as it is
        if not self._in_order:
            return piece  # rows out of order: the second pass, over every cell, writes the values
        rows = [int(match["r"]) for match in matches]
        table = dict(zip(rows, shown_values_of_rows([self._context(r) for r in rows])))
        return data_splice.spliced(piece, matches, lambda r: [table[r][header] for header in DATA_FORMULA_HEADERS])

    def _in_rows(self, matches: list[re.Match]) -> None:
        """As ``_read`` keeps the order of the cells, for rows read by ``data_splice.input_cells``: each
        row's cells are in column order in the row, so the rows are in order when their numbers rise."""
        last, end = self._last, data_splice.FIRST_COLUMN + len(DATA_FORMULA_HEADERS) - 1
        for match in matches:
            r = int(match["r"])
            if (r, 1) <= last:
                self._in_order = False
            last = (r, end)
        self._last = last

    def _find_columns(self) -> None:
        """The formula columns, by their headers in row 1 (read by now)."""
        headers: dict[str, int] = {}
        for (r, c), value in self.cells.items():
            if r == 1 and isinstance(value, str):
                headers.setdefault(value.strip().lower(), c)
        self._columns = {headers[h.lower()]: h for h in DATA_FORMULA_HEADERS if h.lower() in headers}
        self._not_kept = {c for c in self._columns if c > _READ_BY_FORMULAS} if self._in_order else set()

    def _read(self, rows: etree._Element) -> list[tuple[etree._Element, etree._Element, int, int]]:
        """The batch's cells into ``cells``; its formula cells, in document order."""
        cells, strings, formats = self.cells, self.strings, self.formats
        formulas = []
        last, not_kept = self._last, self._not_kept
        for key, cell in keyed_cells(rows):
            if key <= last:
                self._in_order = False
            last = key
            if not_kept is None and key[0] > 1:
                self._last = last
                self._find_columns()  # row 1 is done
                not_kept = self._not_kept
            if not len(cell) and cell.get("t") != "b":
                continue  # an empty cell, only styled (a childless boolean reads as FALSE)
            if not_kept and key[1] in not_kept:
                f = cell.find(FORMULA)
                if f is not None:
                    formulas.append((cell, f, *key))
                    continue
            value = cell_value(cell, strings, formats)
            if value is None or value == "":
                continue
            cells[key] = value
            if isinstance(value, Formula):
                formulas.append((cell, cell.find(FORMULA), *key))
        self._last = last
        return formulas

    def _formula_cells(self, rows: etree._Element) -> list[tuple[etree._Element, etree._Element, int, int]]:
        """The batch's formula cells, in document order (the cells are read already)."""
        formulas = []
        for key, cell in keyed_cells(rows):
            f = cell.find(FORMULA)
            if f is not None:
                formulas.append((cell, f, *key))
        return formulas

    def _formula(self, cell: etree._Element, f: etree._Element, r: int, c: int) -> None:
        """Set one formula cell's shown value, if it is one of ours and unchanged by hand."""
        if f.get("t") == "shared" and f.text:
            self._shared[f.get("si", "")] = (r, f.text)
        header = self._columns.get(c) if self._columns else None
        if header is None:
            return
        if f.text is None and f.get("t") == "shared":  # ours where the formula it is shared from is ours
            first_row, first_text = self._shared.get(f.get("si", ""), (0, None))
            ours = is_ours(header, first_text, first_row)
        else:
            ours = is_ours(header, f.text, r)
        if not ours:
            self.notices.append(
                f"{self.start.path}: sheet '{DATA}' cell {cell.get('r')}: the formula was changed by hand; "
                "its shown value was left as it was"
            )
            return
        _set_cached(cell, self._value(r, header))

    def _value(self, r: int, header: str) -> object:
        """What the Data formula of ``header`` on row ``r`` calculates (see ``data_columns``)."""
        if self._row_values[0] != r:  # a row's formulas are worked out together, once
            self._row_values = (r, shown_values(self._context(r)))
        return self._row_values[1][header]

    def _context(self, r: int) -> RowContext:
        grid, indicator_cells = self.cells, self.start.indicator_cells

        def cell_at(row: int, header: str) -> object:
            col = _INPUT_COLUMN.get(header)
            return _arg(grid.get((row, col))) if col else None

        def key_row(key: str) -> int:
            found = self._keys.get(key.lower(), 0)
            if not found:
                self._missed.add(key.lower())
            return found

        def indicator(row: int, header: str) -> object:
            return _arg(indicator_cells.get((row, _INDICATOR_COLUMN[header])))

        context = RowContext(
            row=r, cell_at=cell_at, reporting_year=self._year, quarter=self.start.settings.current_quarter,
            indicator_row=lambda ref: self._rows_by_ref.get(ref.lower(), 0), indicator=indicator, key_row=key_row,
        )
        key = f"{concat_text(cell_at(r, 'Ref'))}|{concat_text(cell_at(r, 'Year'))}".lower()
        self._keys.setdefault(key, r)
        return context


_INPUT_COLUMN = {header: i for i, header in enumerate(DATA_INPUT_HEADERS, start=1)}
_INDICATOR_COLUMN = {header: i for i, header in enumerate(INDICATOR_HEADERS, start=1)}
_READ_BY_FORMULAS = _INPUT_COLUMN["Q4"]  # the formulas read input columns A–H (of any row, by its key)


def _set_cached(cell: etree._Element, value: object) -> None:
    v = cell.find(VALUE)
    if value == "" and v is not None and not v.text and cell.get("t") == "str":
        return  # already the blank it shows (every other year's row): nothing to write
    if v is None:
        v = etree.SubElement(cell, VALUE)
    kind, v.text = data_splice.cached_form(value)
    if kind is not None:
        cell.set("t", kind)
    elif "t" in cell.attrib:
        del cell.attrib["t"]


def _arg(cell: object) -> object:
    """A cell as a worksheet function receives it: numbers as numbers, text as text, blank as None."""
    if isinstance(cell, Formula):
        cell = cell.cached
    if isinstance(cell, SheetNumber):
        return cell.value
    if cell == "":
        return None
    return cell
