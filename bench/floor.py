"""The practical floor of a refresh, for the benchmarks: the barest refresh that writes the same bytes.

``floor_refresh(book)`` gives the bytes ``csp refresh`` writes for a book in the bench's own form
(made by ``bench/synth.py``), doing only what a refresh cannot avoid: inflate the parts it reads,
read the Data sheet's input cells, work out every calculated value and every judgement, write the
Summary, the Trends sheet and its charts, and the package (unchanged parts copied compressed).
It shares the product's judgement, its calculated values (``data_columns.shown_values_of_rows``) and its
writers, since its output must be the product's byte for byte and a rule written twice is a defect.

What it leaves out is the rest of what the product does: no hostile-file checks (part names,
sizes, ratios, CRC-32 against local headers, DTDs, ownership of the parts it replaces), no
guarded parser (the Data sheet's inputs are read by the product's own pattern of the rows it writes,
``data_splice.input_cells``, the fastest reader of them there is, without the check of characters
that lets the product skip the parser), no lock, no check that the book was not saved meanwhile, no fsync.
It is a yardstick, not a refresh: ``bench/run.py`` checks that its output is the product's.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
import zlib
from pathlib import Path

from csp_status.core.judgement import evaluate
from csp_status.core.parse import SheetNumber
from csp_status.outputs.summary import summary_sheet
from csp_status.outputs.trends import replace_trends, trend_series
from csp_status.refresh import _arg, _code_name
from csp_status.workbook import data_splice
from csp_status.workbook.book_read import finish_book, read_book_start
from csp_status.workbook.cells import unescape_text
from csp_status.workbook.data_columns import RowContext, concat_text, shown_values_of_rows
from csp_status.workbook.layout import DATA_FORMULA_HEADERS, DATA_INPUT_HEADERS, INDICATOR_HEADERS
from csp_status.workbook.package import Package
from csp_status.workbook.related import carry_sheet_links
from csp_status.workbook.zip_write import Compressed, zip_bytes

__all__ = ["floor_refresh"]

_INPUT = re.compile(rb'<c r="([A-L])([0-9]+)"(?: s="([0-9]+)")?(?: t="inlineStr")?'
                    rb'(?:/>|><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>|><v>([^<]*)</v></c>)')
_ENTITIES = re.compile(rb"&(amp|lt|gt|quot|apos);")
_CHAR = {b"amp": b"&", b"lt": b"<", b"gt": b">", b"quot": b'"', b"apos": b"'"}
_COLUMN = {letter: n for n, letter in enumerate("ABCDEFGHIJKL", start=1)}
_INPUT_COLUMN = {header: i for i, header in enumerate(DATA_INPUT_HEADERS, start=1)}
_INDICATOR_COLUMN = {header: i for i, header in enumerate(INDICATOR_HEADERS, start=1)}


def floor_refresh(book: Path) -> bytes:
    raw = Path(book).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(raw))
    order = archive.namelist()
    with Package(book, raw) as package:  # only to read the two small sheets (Settings, Indicators)
        start = read_book_start(book, package)
        formats = package.number_formats()
    data_part, summary_part, trends_part = (start.sheet_parts[s] for s in ("Data", "Summary", "Trends"))
    def stored(name: str) -> tuple[zipfile.ZipInfo, bytes]:
        """A member's bytes as the package stores them (no check of its headers, sizes or CRC-32)."""
        info = archive.getinfo(name)
        head = raw[info.header_offset:info.header_offset + 30]
        begin = info.header_offset + 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
        return info, raw[begin:begin + info.compress_size]

    def inflated(name: str) -> bytes:  # in one call, as the barest reader would
        info, data = stored(name)
        return data if info.compress_type == zipfile.ZIP_STORED else zlib.decompress(data, -15)

    parts = {name: inflated(name) for name in order if name != data_part}
    read = dict(parts)

    data = inflated(data_part)
    rows_at = data.index(b'<row r="2"')
    rows_end = data.rindex(b"</sheetData>")
    cells = _inputs(data[:rows_at], formats)  # row 1: the headers
    matches = data_splice.match_rows(data[rows_at:rows_end])
    values = _Values(start, cells)
    rows = data[rows_at:rows_end]
    if not data_splice.input_cells(rows, matches, formats, cells):  # the rows' inputs, by the product's pattern
        raise ValueError(f"{book}: the Data sheet's rows are not in the form the bench writes")
    table = values.of_rows([int(match["r"]) for match in matches])
    new_rows = data_splice.spliced(rows, matches, table.__getitem__)
    parts[data_part] = data[:rows_at] + new_rows + data[rows_end:]

    master = finish_book(start, cells)
    evaluations = evaluate(master.partnership)
    old_summary, old_trends = parts[summary_part], parts[trends_part]
    parts[summary_part] = summary_sheet(master.partnership, evaluations, master.styles,
                                        code_name=_code_name(old_summary, "Sheet1"))
    parts = {name: parts[name] for name in order}
    parts, order = carry_sheet_links(parts, order, summary_part, old_summary, path=book)
    drawing = "xl/drawings/drawing1.xml"
    charts = [f"xl/charts/{name.decode()}" for name in re.findall(
        rb'Target="../charts/(chart[0-9]+\.xml)"', parts["xl/drawings/_rels/drawing1.xml.rels"])]
    parts, order = replace_trends(parts, order, trends_part, trend_series(master.partnership, evaluations),
                                  _code_name(old_trends, "Sheet6"), old_drawing=drawing, old_charts=charts, path=book)
    parts, order = carry_sheet_links(parts, order, trends_part, old_trends, path=book)

    def unchanged(name: str, now: bytes) -> Compressed | None:
        was = read.get(name)
        if was is None or not (now is was or now == was):
            return None
        info, data = stored(name)
        return Compressed(info.compress_type, info.CRC, info.file_size, data)

    return zip_bytes(parts, order=order, copy=unchanged)


def _inputs(rows: bytes, formats: list[str]) -> dict[tuple[int, int], object]:
    """The input cells (A-L) of the product's own rows: inline strings and numbers."""
    out: dict[tuple[int, int], object] = {}
    for letter, row, style, text, number in _INPUT.findall(rows):
        if text:
            out[(int(row), _COLUMN[letter.decode()])] = unescape_text(
                _ENTITIES.sub(lambda m: _CHAR[m[1]], text).decode("utf-8"))
        elif number:
            fmt = formats[int(style)] if style and int(style) < len(formats) else "General"
            value = float(number)
            out[(int(row), _COLUMN[letter.decode()])] = value if fmt == "General" else SheetNumber(value, fmt)
    return out


class _Values:
    """Each row's calculated values, as the refresh works them out (rows in order, last year above)."""

    def __init__(self, start, cells) -> None:
        self.start, self.cells = start, cells
        self.keys: dict[str, int] = {}
        self.year = concat_text(_arg(start.settings_cells.get("reporting_year")))
        self.rows_by_ref: dict[str, int] = {}
        for key, row in start.indicator_rows.items():
            self.rows_by_ref.setdefault(key.lower(), row)

    def of_rows(self, rows: list[int]) -> dict[int, list[object]]:
        """Every row's values, worked out together as the refresh works out a batch of rows."""
        table = shown_values_of_rows([self._context(r) for r in rows])
        return {r: [values[header] for header in DATA_FORMULA_HEADERS] for r, values in zip(rows, table)}

    def _context(self, r: int) -> RowContext:
        grid, indicator_cells = self.cells, self.start.indicator_cells

        def cell_at(row: int, header: str) -> object:
            col = _INPUT_COLUMN.get(header)
            return _arg(grid.get((row, col))) if col else None

        context = RowContext(
            row=r, cell_at=cell_at, reporting_year=self.year, quarter=self.start.settings.current_quarter,
            indicator_row=lambda ref: self.rows_by_ref.get(ref.lower(), 0),
            indicator=lambda row, header: _arg(indicator_cells.get((row, _INDICATOR_COLUMN[header]))),
            key_row=lambda key: self.keys.get(key.lower(), 0),
        )
        self.keys.setdefault(f"{concat_text(cell_at(r, 'Ref'))}|{concat_text(cell_at(r, 'Year'))}".lower(), r)
        return context


if __name__ == "__main__":  # python bench/floor.py STALE.xlsm OUT.xlsm: the floor as a whole command
    Path(sys.argv[2]).write_bytes(floor_refresh(Path(sys.argv[1])))
