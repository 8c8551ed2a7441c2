"""The .xlsx/.xlsm package opened for reading: its members, read with limits, and its sheets.

Parts are read from the zip with limits (declared sizes, member names, no DTDs or entities), so a
hostile file is refused quickly and in bounded memory.  ``sheet_rows`` walks a large worksheet a
batch of rows at a time; ``cells`` reads and writes the cells themselves.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from csp_status.core.errors import BookError
from csp_status.workbook.cells import (
    CELL, NS, R_ID, ROW, XML_PARSER, Formula, cell_key, cell_value, row_cells, split_ref, unescape_text,
)
from csp_status.core.parse import SheetNumber
from csp_status.workbook.sheet_rows import SheetRows

__all__ = ["Package", "read_sheet_rows", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_PARTS"]

MAX_PART_BYTES = 256 * 1024 * 1024  # declared uncompressed size of one part
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # declared uncompressed size of the whole package
MAX_RATIO = 200  # a part that claims to expand more than this is a zip bomb
MAX_PARTS = 10_000
_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_ASCII_BASED = re.compile(rb"utf-?8|(?:us-)?ascii|iso[-_]?8859[-_]\d{1,2}|latin-?\d|(?:windows-|cp)125\d")
_REFUSED = "refusing to read it: use a copy saved by Excel, or restore the book from a backup"
_REPAIR = "restore the book from a backup, or open it in Excel and let Excel repair it"
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # an old .xls, or a workbook saved with a password


class Package:
    """A workbook package opened for reading: its members, read with limits, and its sheets."""

    def __init__(self, path: Path, data: bytes | None = None) -> None:
        """Open the book at ``path``; or, with ``data``, the package in those bytes (named ``path``)."""
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path if data is None else io.BytesIO(data))
        except FileNotFoundError:
            raise BookError(f"{self.path}: no such file; check the name and the folder") from None
        except IsADirectoryError:
            raise BookError(f"{self.path}: is a folder, not a workbook; give the workbook's file name") from None
        except (zipfile.BadZipFile, OSError) as err:
            if _starts_with(self.path, _OLE2):
                raise BookError(
                    f"{self.path}: not an .xlsx or .xlsm workbook (it is an old .xls file, or saved with a password); "
                    "save it from Excel as an Excel workbook, without a password"
                ) from None
            raise BookError(
                f"{self.path}: not an Excel workbook (not a zip package: {err}); choose the workbook itself, "
                "or restore it from a backup"
            ) from None
        self.names = self._check_members()
        self._sheet_paths: dict[str, str] | None = None
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_members(self) -> list[str]:
        infos = self._zip.infolist()
        if len(infos) > MAX_PARTS:
            raise BookError(f"{self.path}: {len(infos):,} parts in the package; {_REFUSED}")
        total = 0
        names = []
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise BookError(f"{self.path}: unsafe part name {name!r} in the package; {_REFUSED}")
            if name in seen:
                raise BookError(f"{self.path}: two parts named {name!r} in the package; {_REFUSED}")
            seen.add(name)
            if info.file_size > MAX_PART_BYTES or (
                info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10_000_000
            ):
                raise BookError(
                    f"{self.path}: part {name!r} declares {info.file_size:,} bytes uncompressed "
                    f"(a zip bomb?); {_REFUSED}"
                )
            total += info.file_size
            names.append(name)
        if total > MAX_TOTAL_BYTES:
            raise BookError(f"{self.path}: the package declares {total:,} bytes uncompressed; {_REFUSED}")
        return names

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise BookError(
                f"{self.path}: the package has no part {name!r}, so it is not a whole Excel workbook; "
                "choose the workbook itself, or restore it from a backup"
            ) from None
        try:
            with self._zip.open(info) as stream:
                data = _read_bounded(stream, info.file_size)
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error()) as err:
            raise BookError(f"{self.path}: part {name!r} is damaged ({err}); {_REPAIR}") from None
        except NotImplementedError as err:  # a compression method zipfile cannot read (Excel never uses it)
            raise BookError(f"{self.path}: part {name!r} cannot be unpacked ({err}); {_REFUSED}") from None
        except RuntimeError:  # zipfile: "... is encrypted, password required"
            raise BookError(
                f"{self.path}: part {name!r} is encrypted; save the workbook from Excel without a password"
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise BookError(f"{self.path}: part {name!r} is larger than declared; {_REFUSED}")
        return data

    def check_xml(self, name: str, data: bytes) -> None:
        """Refuse a part that is not UTF-8 or declares a DTD or entities (before any parser sees it).

        The whole part is searched: a DTD may follow a long comment, and a part in UTF-16 would hide
        it from a search of the bytes, so only UTF-8 (what Excel writes) and encodings that spell
        ASCII as ASCII are read at all.
        """
        declared = _XML_ENCODING.match(data[:512])
        if (data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]
                or (declared and not _ASCII_BASED.fullmatch(declared[1].lower()))):
            raise BookError(f"{self.path}: part {name!r} is not XML in UTF-8, as Excel writes it; {_REFUSED}")
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise BookError(f"{self.path}: part {name!r} declares a DTD or entities; {_REFUSED}")

    def xml(self, name: str) -> etree._Element:
        data = self.read(name)
        self.check_xml(name, data)
        try:
            return etree.fromstring(data, XML_PARSER)
        except etree.XMLSyntaxError as err:
            raise BookError(f"{self.path}: part {name!r} is not well-formed XML ({err}); {_REPAIR}") from None

    def sheet_paths(self) -> dict[str, str]:
        """Sheet name -> part name, in workbook order."""
        if self._sheet_paths is None:
            workbook = self.xml("xl/workbook.xml")
            rels = self._rels("xl/workbook.xml")
            paths: dict[str, str] = {}
            for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
                target = rels.get(sheet.get(R_ID, ""))
                if target:
                    paths[sheet.get("name", "")] = target
            self._sheet_paths = paths
        return self._sheet_paths

    def _rels(self, part: str) -> dict[str, str]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        out = {}
        for rel in self.xml(rels_name).iterfind("rel:Relationship", NS):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = resolved
        return out

    def shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = self._read_shared_strings()
        return self._strings

    def _read_shared_strings(self) -> list[str]:
        if not self.has("xl/sharedStrings.xml"):
            return []
        root = self.xml("xl/sharedStrings.xml")
        return [unescape_text("".join(si.itertext())) if si.find("m:r", NS) is None else
                unescape_text("".join(t.text or "" for t in si.iterfind(".//m:t", NS)))
                for si in root.iterfind("m:si", NS)]

    def number_formats(self) -> list[str]:
        """Style index -> number format code."""
        if self._formats is None:
            self._formats = self._read_number_formats()
        return self._formats

    def _read_number_formats(self) -> list[str]:
        if not self.has("xl/styles.xml"):
            return []
        root = self.xml("xl/styles.xml")
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "General")
                  for f in root.iterfind("m:numFmts/m:numFmt", NS)}
        out = []
        for xf in root.iterfind("m:cellXfs/m:xf", NS):
            fmt_id = int(xf.get("numFmtId", "0"))
            out.append(custom.get(fmt_id) or _BUILTIN_FORMATS.get(fmt_id, "General"))
        return out

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
        return SheetRows(self, self.sheet_part(sheet))

    def cells(self, sheet: str, *, without_formulas_under: tuple[str, ...] = ()) -> dict[tuple[int, int], object]:
        """Every non-empty cell of a sheet: (row, column) -> str, float, SheetNumber, bool or Formula.

        ``without_formulas_under`` names headers of row 1 whose columns' formula cells are left out
        (a reader that needs a sheet's inputs only, not what its formulas last showed).
        """
        strings = self.shared_strings()
        formats = self.number_formats()
        out: dict[tuple[int, int], object] = {}
        names = {name.lower() for name in without_formulas_under}
        skip: frozenset[int] = frozenset()
        for rows in self.sheet_rows(sheet).batches():
            if names and not skip and len(rows) and rows[0].get("r") == "1":  # the headers, in row 1
                skip = frozenset(
                    cell_key(cell.get("r"))[1] for cell in rows[0].iterchildren(CELL)
                    if cell.get("r") and isinstance(text := cell_value(cell, strings, formats), str)
                    and text.strip().lower() in names
                )
            row_cells(rows, strings, formats, out, skip)
        return out

    def cell_styles(self, sheet: str) -> dict[tuple[int, int], int]:
        """The style index of every cell of a sheet that has one."""
        out = {}
        for rows in self.sheet_rows(sheet).batches():
            for row in rows.iterchildren(ROW):
                for cell in row.iterchildren(CELL):
                    ref, style = cell.get("r"), cell.get("s")
                    if ref and style and style.isdigit():
                        out[split_ref(ref)] = int(style)
        return out


_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
                    11: "0.00E+00", 14: "mm-dd-yy", 49: "@"}


def _read_bounded(stream, declared: int) -> bytes:
    """A part's bytes, a megabyte at a time: a part that inflates past its declared size is never
    inflated whole (zipfile would inflate as much as one read asks for, then cut it to size)."""
    chunks, left = [], min(declared, MAX_PART_BYTES) + 1
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def read_sheet_rows(path: Path, sheet: str | None = None, max_rows: int = 100_000) -> list[list[object]]:
    """A sheet as a grid of cells (first sheet by default), numbers shown as their formats show them."""
    from csp_status.core.numfmt import format_number

    with Package(path) as package:
        names = list(package.sheet_paths())
        if not names:
            raise BookError(f"{path}: the workbook has no sheets; choose the workbook with the indicator summary")
        cells = package.cells(sheet or names[0])
    if not cells:
        return []
    last_row = max(r for r, _ in cells)
    if last_row > max_rows:
        raise BookError(
            f"{path}: more than {max_rows:,} rows; is this the indicator summary? Copy the summary alone "
            "into a new workbook, or save it as .tsv, and import that"
        )
    widths = [0] * last_row  # rows only as long as their last cell: a cell far right costs one row, not all
    for r, c in cells:
        widths[r - 1] = max(widths[r - 1], c)
    grid: list[list[object]] = [[""] * width for width in widths]
    for (r, c), value in cells.items():
        if isinstance(value, Formula):
            value = value.cached  # a legacy formula's shown value; never carried over as a formula
        if isinstance(value, SheetNumber):
            value = format_number(value.value, value.number_format)
        grid[r - 1][c - 1] = "" if value is None else value
    return grid
