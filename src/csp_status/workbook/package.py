"""The .xlsx/.xlsm package opened for reading: its members, read with limits, and its sheets.

Parts are read from the zip with limits (declared sizes, member names, sizes and CRC-32 checked
against both zip headers) and parsed through the guarded parser (``guard``: no DTDs or entities),
so a hostile file is refused quickly and in bounded memory.  ``sheet_rows`` walks a large worksheet a
batch of rows at a time; ``cells`` reads and writes the cells themselves.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from csp_status.core.errors import BookError
from csp_status.core.parse import SheetNumber
from csp_status.workbook.cells import (
    NS,
    R_ID,
    Formula,
)
from csp_status.workbook.zip_write import Compressed
from csp_status.workbook.guard import (
    MAX_TREE_BYTES,
    _too_large_for_a_tree,
    check_xml,
    open_regular,
    parse_xml,
    said,
)
from csp_status.workbook.guard import (
    REFUSED as _REFUSED,
)
from csp_status.workbook.guard import (
    REPAIR as _REPAIR,
)
from csp_status.workbook.rels import Relationship, read_relationships, rels_name
from csp_status.workbook.sheets import MAX_STRINGS, MAX_STRINGS_BYTES, SheetReader

__all__ = ["Package", "Relationship", "open_regular", "parse_xml", "check_xml", "read_sheet_rows", "MAX_PART_BYTES",
           "MAX_TOTAL_BYTES", "MAX_RATIO", "MAX_PARTS", "MAX_FILE_BYTES", "MAX_STRINGS_BYTES", "MAX_STRINGS"]

# Sized to the master book's format: its Data sheet takes about 16 KB of XML per indicator (five
# years of rows of 29 cells), so 50,000 indicators are some 800 MB in one part, and the whole package
# a little more (the Summary about 1.6 KB per indicator); it compresses about tenfold.  The Trends
# sheet draws at most 5,000 charts (outputs.trends.MAX_CHARTS), so the parts of a book number a few
# dozen plus its charts.
MAX_PART_BYTES = 1024 * 1024 * 1024  # declared uncompressed size of one part
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # declared uncompressed size of the whole package
MAX_RATIO = 200  # a part that claims to expand more than this is a zip bomb
MAX_PARTS = 10_000
MAX_FILE_BYTES = 256 * 1024 * 1024  # the file itself: a partnership's book is a few megabytes (50,000 indicators: 150)
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # an old .xls, or a workbook saved with a password
_EXCEL_COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})  # all Excel writes
_CHUNK = 1 << 20  # stored bytes inflated at a time


class Package(SheetReader):
    """A workbook package opened for reading: its members, read with limits, and its sheets."""

    def __init__(self, path: Path, data: bytes | None = None) -> None:
        """Open the book at ``path``; or, with ``data``, the package in those bytes (named ``path``).

        Only a regular file is opened (never a folder, a device, a pipe or a socket); through a
        symbolic link, the file it points to.  The file is opened once, and everything read from it
        comes from that one opening (``raw``, ``stamp``), even if it is replaced meanwhile.
        """
        self.path = Path(path)
        self._data = data
        self._file = open_regular(self.path) if data is None else None
        source = self._file if data is None else io.BytesIO(data)
        self.stamp: tuple[int, int] | None = None  # (size, mtime in ns) of the file as opened
        if self._file is not None:
            info = os.fstat(self._file.fileno())
            self.stamp = (info.st_size, info.st_mtime_ns)
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            head = self._pread(0, len(_OLE2))
            self._close_file()
            if head == _OLE2:
                raise BookError(
                    f"{self.path}: not an .xlsx or .xlsm workbook (it is an old .xls file, or saved with a password); "
                    "save it from Excel as an Excel workbook, without a password"
                ) from None
            raise BookError(
                f"{self.path}: not an Excel workbook (not a zip package: {said(err)}); choose the workbook itself, "
                "or restore it from a backup"
            ) from None
        try:
            self.names = self._check_members()
        except BaseException:
            self.close()
            raise
        self._folded = {name.casefold(): name for name in self.names}
        self._sheet_paths: dict[str, str] | None = None
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None
        self._types: tuple[dict[str, str], dict[str, str]] | None = None

    def raw(self) -> bytes:
        """The whole file, as it was opened (at most ``MAX_FILE_BYTES``)."""
        if self._data is not None:
            return self._data
        size = os.fstat(self._file.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise BookError(f"{self.path}: the file is {size:,} bytes, more than a partnership's workbook "
                            f"(at most {MAX_FILE_BYTES:,}); {_REFUSED}")
        self._file.seek(0)
        return self._file.read(MAX_FILE_BYTES + 1)

    def _pread(self, offset: int, size: int) -> bytes:
        if self._data is not None:
            return self._data[offset:offset + size]
        if self._file is None:
            return b""
        try:
            self._file.seek(offset)
            return self._file.read(size)
        except (OSError, ValueError):
            return b""

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._zip.close()
        self._close_file()

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
        seen: dict[str, str] = {}
        for info in infos:
            name = info.filename
            if (name.startswith("/") or "\\" in name or ".." in name.split("/") or "\x00" in name
                    or any(ord(ch) < 32 for ch in name)):
                raise BookError(f"{self.path}: unsafe part name {name!r} in the package; {_REFUSED}")
            folded = name.casefold()  # part names are compared without case (Open Packaging Conventions)
            if folded in seen:
                twice = repr(name) if seen[folded] == name else f"{seen[folded]!r} and {name!r} (one name to Excel)"
                raise BookError(f"{self.path}: two parts named {twice} in the package; {_REFUSED}")
            seen[folded] = name
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
        """Whether the package has the part (names compared without case, as Excel compares them)."""
        return name.casefold() in self._folded

    def read(self, name: str) -> bytes:
        """A part's bytes, checked against the sizes and CRC-32 its local header and the directory declare."""
        try:
            info = self._zip.getinfo(self._folded.get(name.casefold(), name))
        except KeyError:
            raise BookError(
                f"{self.path}: the package has no part {name!r}, so it is not a whole Excel workbook; "
                "choose the workbook itself, or restore it from a backup"
            ) from None
        try:
            data = self._inflated(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as err:
            raise BookError(f"{self.path}: part {name!r} is damaged ({said(err)}); {_REPAIR}") from None
        except NotImplementedError as err:  # a compression method zipfile cannot read (Excel never uses it)
            raise BookError(f"{self.path}: part {name!r} cannot be unpacked ({said(err)}); {_REFUSED}") from None
        except RuntimeError:  # zipfile: "... is encrypted, password required"
            raise BookError(
                f"{self.path}: part {name!r} is encrypted; save the workbook from Excel without a password"
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise BookError(f"{self.path}: part {name!r} is larger than declared; {_REFUSED}")
        if len(data) != info.file_size:  # inflated no further than one byte past its declared size
            holds = (f"more than the {info.file_size:,} bytes" if len(data) > info.file_size
                     else f"{len(data):,} bytes of the {info.file_size:,}")
            raise BookError(f"{self.path}: part {name!r} is damaged (it holds {holds} the package declares); {_REPAIR}")
        if zlib.crc32(data) != info.CRC:
            raise BookError(f"{self.path}: part {name!r} is damaged (its bytes do not match the CRC-32 the package "
                            f"declares); {_REPAIR}")
        return data

    def compressed(self, name: str) -> Compressed:
        """A part's bytes as the package stores them (compressed), to be copied into a package as they are.

        Only for a part already read (``read`` checked its headers, its sizes and its CRC-32, which
        hold for these bytes, taken from the same opening of the file)."""
        info = self._zip.getinfo(self._folded.get(name.casefold(), name))
        head = self._pread(info.header_offset, 30)
        start = info.header_offset + 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
        data = self._pread(start, info.compress_size)
        if len(data) != info.compress_size:
            raise BookError(f"{self.path}: part {name!r} is damaged (it is cut short); {_REPAIR}")
        return Compressed(info.compress_type, info.CRC, info.file_size, data)

    def _inflated(self, info: zipfile.ZipInfo) -> bytes:
        """A part's bytes, inflated a megabyte of stored bytes at a time and never past its declared size
        (or the limit) plus one byte: a part that inflates further is never inflated whole, and is seen to
        be too long; nor are more stored bytes read than its inflated bytes need (a member that declares
        gigabytes of stored bytes is read no further than the part it inflates to)."""
        start = self._check_local_header(info)
        if info.flag_bits & 0x60:  # as zipfile: patched data, strong encryption
            raise NotImplementedError("compressed patched data, or strong encryption")
        if info.flag_bits & 0x1:
            raise RuntimeError("encrypted")
        left = min(info.file_size, MAX_PART_BYTES) + 1
        if info.compress_type == zipfile.ZIP_STORED:
            wanted = min(info.compress_size, left)
            data = self._pread(start, wanted)
            if len(data) != wanted:
                raise zipfile.BadZipFile("the part is cut short")
            return data
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pieces, at, end = [], start, start + info.compress_size
        while left > 0 and at < end and not inflater.eof:
            chunk = self._pread(at, min(_CHUNK, end - at))
            if not chunk:
                raise zipfile.BadZipFile("the part is cut short")
            at += len(chunk)
            piece = inflater.decompress(chunk, left)
            pieces.append(piece)
            left -= len(piece)
        return b"".join(pieces)

    def _check_local_header(self, info: zipfile.ZipInfo) -> int:
        """The part's local header must agree with the central directory (other readers use either);
        where its data starts."""
        head = self._pread(info.header_offset, 30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("no local header where the directory says")
        flags, method, _, _, crc, packed, size = struct.unpack("<HHHHIII", head[6:26])
        if method != info.compress_type:
            raise zipfile.BadZipFile("its local header and the directory give different compressions")
        if method not in _EXCEL_COMPRESSIONS:
            raise NotImplementedError(f"compression method {method}; Excel stores parts plain or deflated")
        named = int.from_bytes(head[26:28], "little")
        name = self._pread(info.header_offset + 30, named)
        if name.decode("utf-8" if flags & 0x800 else "cp437", "replace") != info.orig_filename:
            raise zipfile.BadZipFile(f"its local header names it {name[:100]!r}, the directory {info.orig_filename!r}")
        start = info.header_offset + 30 + named + int.from_bytes(head[28:30], "little")
        if flags & 0x08 or 0xFFFFFFFF in (packed, size):
            return start  # sizes in a data descriptor after the data, or in a zip64 field: checked on reading
        if (crc, packed, size) != (info.CRC, info.compress_size, info.file_size):
            raise zipfile.BadZipFile(
                f"its local header declares {size:,} bytes, the directory {info.file_size:,}, or their CRC-32s differ")
        return start

    def check_xml(self, name: str, data: bytes) -> None:
        """Refuse a part that is not UTF-8 or declares a DTD or entities (before any parser sees it)."""
        check_xml(self.path, name, data)

    def xml(self, name: str) -> etree._Element:
        """A part parsed as one tree, through the guarded parser (refused on its declared size if too large)."""
        spelled = self.part_name(name)
        if spelled is not None and self._zip.getinfo(spelled).file_size > MAX_TREE_BYTES:
            _too_large_for_a_tree(self.path, name, self._zip.getinfo(spelled).file_size)
        return parse_xml(self.path, name, self.read(name))

    def content_type(self, name: str) -> str:
        """A part's content type, from [Content_Types].xml (its Override, else its extension's Default)."""
        if self._types is None:
            root = self.xml("[Content_Types].xml")
            ct = "{%s}" % NS["ct"]
            overrides = {(o.get("PartName") or "").lstrip("/").casefold(): o.get("ContentType") or ""
                         for o in root.iterfind(ct + "Override")}
            defaults = {(d.get("Extension") or "").casefold(): d.get("ContentType") or ""
                        for d in root.iterfind(ct + "Default")}
            self._types = overrides, defaults
        overrides, defaults = self._types
        folded = name.casefold()
        if folded in overrides:
            return overrides[folded]
        return defaults.get(folded.rsplit(".", 1)[-1] if "." in folded.rsplit("/", 1)[-1] else "", "")

    def part_name(self, name: str) -> str | None:
        """The package's own spelling of a part name (names are compared without case), or None."""
        return self._folded.get(name.casefold())

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of a part ('' for the package's own), targets resolved to part names.

        A target that climbs out of the package (``../../x``) is refused: nothing outside the
        package is ever read or written.  External targets (hyperlinks, linked files) are listed
        with ``external`` set and no part name.
        """
        name = rels_name(part)
        if not self.has(name):
            return []
        return read_relationships(self.path, name, self.xml(name), self.part_name)

    def sheet_paths(self) -> dict[str, str]:
        """Sheet name -> part name, in workbook order."""
        if self._sheet_paths is None:
            workbook = self.xml("xl/workbook.xml")
            rels = self._rels("xl/workbook.xml")
            paths: dict[str, str] = {}
            seen: dict[str, str] = {}
            for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
                name = sheet.get("name", "")
                if name.casefold() in seen:  # Excel never allows it: which one a formula means is unknown
                    raise BookError(
                        f"{self.path}: two sheets named {seen[name.casefold()]!r} and {name!r} (one name to Excel) "
                        f"in 'xl/workbook.xml'; {_REPAIR}"
                    )
                seen[name.casefold()] = name
                target = rels.get(sheet.get(R_ID, ""))
                if target:
                    paths[name] = target
            self._sheet_paths = paths
        return self._sheet_paths

    def _rels(self, part: str) -> dict[str, str]:
        return {rel.id: rel.target for rel in self.relationships(part) if not rel.external}




def read_sheet_rows(path: Path, sheet: str | None = None, max_rows: int = 100_000) -> list[list[object]]:
    """A sheet as a grid of cells (first sheet by default), numbers shown as their formats show them."""
    from csp_status.core.numfmt import format_number

    with Package(path) as package:
        names = list(package.sheet_paths())
        if not names:
            raise BookError(f"{path}: the workbook has no sheets; choose the workbook with the indicator summary")
        if sheet is not None and sheet not in names:
            raise BookError(f"{path}: no sheet named {sheet!r}; its sheets are {', '.join(map(repr, names))}: "
                            "choose one with --sheet")
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
