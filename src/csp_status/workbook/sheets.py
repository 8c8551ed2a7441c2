"""Reading a package's sheets: their names and parts, the shared strings and number formats (read
within limits), and their cells a batch of rows at a time.  ``Package`` is a ``SheetReader``
over its zip members; the reading of parts themselves (sizes, CRC-32, the guarded parser) is its.
"""

from __future__ import annotations

import io

from lxml import etree

from csp_status.core.errors import BookError
from csp_status.workbook import data_splice, row_bytes
from csp_status.workbook.cells import (
    CELL,
    MAIN,
    NS,
    ROW,
    cell_key,
    cell_value,
    row_cells,
    split_ref,
    unescape_text,
)
from csp_status.workbook.guard import ITERPARSE, check_xml, said
from csp_status.workbook.guard import REFUSED as _REFUSED
from csp_status.workbook.guard import REPAIR as _REPAIR
from csp_status.workbook.sheet_rows import SheetRows

__all__ = ["SheetReader", "MAX_STRINGS_BYTES", "MAX_STRINGS", "MAX_FORMAT_CHARS"]

MAX_STRINGS_BYTES = 64 * 1024 * 1024  # the shared-strings part, inflated (5,000 indicators need a few MB)
MAX_STRINGS = 1_000_000  # entries in the shared-strings table
MAX_FORMAT_CHARS = 255  # Excel's own limit for a number format code

_CALCULATED = frozenset(data_splice.COLUMNS)  # the Data sheet's calculated columns, where the refresh puts them
_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
                    11: "0.00E+00", 14: "mm-dd-yy", 49: "@"}


class SheetReader:
    """The sheet-reading half of ``Package``: it relies on the package's ``has``, ``read``,
    ``xml``, ``path``, ``sheet_paths`` and zip member list, and keeps its tables in
    ``_strings`` and ``_formats``."""

    def shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = self._read_shared_strings()
        return self._strings

    def _read_shared_strings(self) -> list[str]:
        """The shared-strings table, parsed an entry at a time (never as one tree) within limits."""
        name = "xl/sharedStrings.xml"
        if not self.has(name):
            return []
        declared = self._zip.getinfo(self.part_name(name)).file_size
        if declared > MAX_STRINGS_BYTES:
            raise BookError(
                f"{self.path}: part {name!r} declares {declared:,} bytes of shared strings, more than a "
                f"partnership's book holds (at most {MAX_STRINGS_BYTES:,}); {_REFUSED}"
            )
        data = self.read(name)
        check_xml(self.path, name, data)
        out: list[str] = []
        si_tag, r_tag, t_tag = MAIN + "si", MAIN + "r", MAIN + "t"
        try:
            for _, si in etree.iterparse(io.BytesIO(data), events=("end",), tag=si_tag, **ITERPARSE):
                if si.find(r_tag) is None:
                    text = "".join(si.itertext())
                else:
                    text = "".join(t.text or "" for t in si.iter(t_tag))
                out.append(unescape_text(text))
                if len(out) > MAX_STRINGS:
                    raise BookError(f"{self.path}: part {name!r} holds more than {MAX_STRINGS:,} shared strings; "
                                    f"{_REFUSED}")
                si.clear(keep_tail=False)
                parent = si.getparent()
                if parent is not None:
                    while si.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as err:
            raise BookError(f"{self.path}: part {name!r} is not well-formed XML ({said(err)}); {_REPAIR}") from None
        return out

    def number_formats(self) -> list[str]:
        """Style index -> number format code."""
        if self._formats is None:
            self._formats = self._read_number_formats()
        return self._formats

    def _read_number_formats(self) -> list[str]:
        if not self.has("xl/styles.xml"):
            return []
        root = self.xml("xl/styles.xml")
        custom = {}
        for f in root.iterfind("m:numFmts/m:numFmt", NS):
            code = f.get("formatCode", "General")
            fmt_id = self._format_id(f)
            if len(code) > MAX_FORMAT_CHARS:
                raise BookError(
                    f"{self.path}: part 'xl/styles.xml': number format {fmt_id} is {len(code):,} characters long; "
                    f"Excel allows at most {MAX_FORMAT_CHARS}: {_REPAIR}"
                )
            custom[fmt_id] = code
        out = []
        for xf in root.iterfind("m:cellXfs/m:xf", NS):
            fmt_id = self._format_id(xf)
            out.append(custom.get(fmt_id) or _BUILTIN_FORMATS.get(fmt_id, "General"))
        return out

    def _format_id(self, element: etree._Element) -> int:
        text = element.get("numFmtId", "0")
        if not (text.isascii() and text.isdigit()) or len(text) > 9:
            raise BookError(
                f"{self.path}: part 'xl/styles.xml': the number format id {text[:20]!r} is not a number; {_REPAIR}"
            )
        return int(text)

    def sheet_part(self, sheet: str) -> str:
        """The part name of a sheet (an error naming the sheets there are when there is none)."""
        paths = self.sheet_paths()
        if sheet not in paths:
            raise BookError(
                f"{self.path}: no sheet named {sheet!r} (it has {', '.join(map(repr, paths))}); "
                "restore the sheet, or rename it back"
            )
        return paths[sheet]

    def sheet_rows(self, sheet: str) -> SheetRows:
        """The sheet's rows, to be walked once a batch at a time (bounded memory for large sheets)."""
        return SheetRows(self, self.sheet_part(sheet), sheet=sheet)

    def cells(self, sheet: str, *, without_formulas_under: tuple[str, ...] = (),
              styles: dict[tuple[int, int], int] | None = None) -> dict[tuple[int, int], object]:
        """Every non-empty cell of a sheet: (row, column) -> str, float, SheetNumber, bool or Formula.

        ``without_formulas_under`` names headers of row 1 whose columns' formula cells are left out
        (a reader that needs a sheet's inputs only, not what its formulas last showed).  ``styles``,
        when given, gets the style index of every cell that has one, as ``cell_styles`` gives them,
        in the same walk of the sheet.
        """
        strings = self.shared_strings()
        formats = self.number_formats()
        out: dict[tuple[int, int], object] = {}
        names = {name.lower() for name in without_formulas_under}
        skip: frozenset[int] = frozenset()
        rows = self.sheet_rows(sheet)

        def read(batch: etree._Element) -> None:
            nonlocal skip
            with rows.naming_bad_cells():
                if names and not skip and len(batch) and batch[0].get("r") == "1":  # the headers, in row 1
                    skip = frozenset(
                        cell_key(cell.get("r"))[1] for cell in batch[0].iterchildren(CELL)
                        if cell.get("r") and isinstance(text := cell_value(cell, strings, formats), str)
                        and text.strip().lower() in names
                    )
                row_cells(batch, strings, formats, out, skip)
                if styles is not None:
                    _styles_of(batch, styles)

        def inputs_only(piece: bytes, parse) -> bool:
            """Rows in the refresh's own form read from their bytes (row 1, the headers, first as ever)."""
            if not skip and piece.startswith(b'<row r="1"') and (cut := piece.find(b"</row>")) > 0:
                read(parse(piece[:cut + len(b"</row>")]))
                piece = piece[cut + len(b"</row>"):]
                if not (skip == _CALCULATED and data_splice.read_inputs(piece, formats, out)):
                    read(parse(piece))
                return True
            return skip == _CALCULATED and data_splice.read_inputs(piece, formats, out)

        def plain(piece: bytes, parse) -> bool:
            """Rows of plain cells read from their bytes (anything else: parsed, as ever)."""
            return row_bytes.plain_cells(piece, strings, formats, out, styles)

        for batch in rows.batches(plain if not names else inputs_only if styles is None else None):
            read(batch)
        return out

    def cell_styles(self, sheet: str) -> dict[tuple[int, int], int]:
        """The style index of every cell of a sheet that has one."""
        out: dict[tuple[int, int], int] = {}
        rows = self.sheet_rows(sheet)
        for batch in rows.batches():
            with rows.naming_bad_cells():
                _styles_of(batch, out)
        return out


def _styles_of(batch: etree._Element, out: dict[tuple[int, int], int]) -> None:
    """The style index of each cell of a batch of rows that has one, into ``out``."""
    for row in batch.iterchildren(ROW):
        for cell in row.iterchildren(CELL):
            ref, style = cell.get("r"), cell.get("s")
            if ref and style and style.isascii() and style.isdigit():
                out[split_ref(ref)] = int(style)
