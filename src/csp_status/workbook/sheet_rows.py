"""A worksheet part read and rewritten a batch of rows at a time, in bounded memory.

A 5,000-indicator book has a Data sheet of some 50 MB of XML; as one lxml tree that is half a
gigabyte.  Here the part is cut at its row boundaries (``</row>``) into batches of a few thousand
rows, and each batch is parsed on its own inside a wrapper element that declares the namespaces in
scope at ``<sheetData>``.  What comes before and after the rows is parsed once, with a marker where
the rows were.  Written back, a batch is serialised by lxml exactly as lxml serialises those rows
within the whole part, so a rewrite gives the same bytes as parsing the whole part, editing the
tree and serialising it (``tests/test_sheet_rows.py`` checks this).

A part that cannot be cut safely (another encoding, comments, CDATA or processing instructions
among the rows, an unusual namespace) is handled as one tree instead: the same results, only
without the memory bound.  A part that is not well-formed gets the whole-part reader's message.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Callable, Iterator, Protocol

from lxml import etree

from csp_status.core.errors import BookError
from csp_status.workbook.cells import XML_PARSER, BadCell

__all__ = ["SheetRows", "ROWS_PER_BATCH"]

ROWS_PER_BATCH = 500  # about 10 MB of lxml tree for a Data sheet's rows
SERIALISE = dict(xml_declaration=True, encoding="UTF-8", standalone=True)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA_OPEN = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?sheetData(?=[\s>/])[^>]*>")
_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
_MARKER = b"<?csp-rows?>"
_WRAPPER = b"csp-rows"
_WRAPPER_CLOSE = b"</csp-rows>"


class Parts(Protocol):
    """What a sheet's rows are read from: an open package (``workbook.package.Package``)."""

    path: Path

    def read(self, name: str) -> bytes: ...

    def check_xml(self, name: str, data: bytes) -> None: ...

    def xml(self, name: str) -> etree._Element: ...


class _CannotCut(Exception):
    """The part is not in a form that can be cut at its rows; it is handled as one tree."""


class SheetRows:
    """One worksheet part, walked once: its rows in parsed batches, and the part written back.

    ``batches()`` gives elements whose children are the part's ``<row>`` elements, in document
    order; ``rewrite(edit)`` lets ``edit`` change each such element in place and gives the new
    part's bytes, in pieces.
    """

    def __init__(self, package: Parts, name: str, *, rows_per_batch: int | None = None,
                 sheet: str | None = None) -> None:
        self.package = package
        self.name = name
        self.sheet = sheet
        data = package.read(name)
        package.check_xml(name, data)
        self._pieces: list[memoryview] | None = None
        self._head = self._tail = b""
        self._wrapper_open = b""
        self._plain = False  # rows in the main namespace by default: offered as bytes to ``take`` or ``splice``
        try:
            self._cut(data, rows_per_batch or ROWS_PER_BATCH)
        except _CannotCut:
            self._pieces = None

    @property
    def streamed(self) -> bool:
        """True when the rows are parsed in batches (False: the part is one tree)."""
        return self._pieces is not None

    def batches(self, take: Callable[[bytes, Callable[[bytes], etree._Element]], bool] | None = None
                ) -> Iterator[etree._Element]:
        """The batches, parsed; ``take``, when given, is offered each batch's bytes first (with the
        guarded parse of a batch) and returns True when it has read the batch itself.  Only rows whose
        unprefixed tags are SpreadsheetML's are offered (another default namespace: always parsed)."""
        if self._pieces is None:
            yield from self._whole().findall(_MAIN + "sheetData")
            return
        while self._pieces:
            piece = bytes(self._pieces.pop(0))
            if take is not None and self._plain:
                with self.naming_bad_cells():
                    if take(piece, self._batch):
                        continue
            yield self._batch(piece)

    def rewrite(self, edit: Callable[[etree._Element], None]) -> list[bytes]:
        return list(self.rewritten(edit))

    def rewritten(self, edit: Callable[[etree._Element], None],
                  splice: Callable[[bytes, Callable[[bytes], etree._Element]], bytes | None] | None = None
                  ) -> Iterator[bytes]:
        """As ``rewrite``, the pieces given as each batch is done (to be compressed as they come).

        ``splice``, when given, is offered each batch's bytes first, with the guarded parse of a
        batch: it gives the batch's new bytes, or None to leave the batch to ``edit``."""
        if self._pieces is None:
            root = self._whole()
            for holder in root.findall(_MAIN + "sheetData"):
                with self.naming_bad_cells():
                    edit(holder)
            yield _as_declared(self.package.read(self.name), etree.tostring(root, **SERIALISE))
            return
        yield self._head
        while self._pieces:
            piece = bytes(self._pieces.pop(0))
            if splice is not None and self._plain:
                with self.naming_bad_cells():
                    done = splice(piece, self._batch)
                if done is not None:
                    yield done
                    continue
            container = self._batch(piece)
            with self.naming_bad_cells():
                edit(container)
            yield _rows_bytes(container)
        yield self._tail

    @contextlib.contextmanager
    def naming_bad_cells(self):
        """A cell no spreadsheet writes, met while reading the rows, as the one-line message naming it."""
        try:
            yield
        except BadCell as err:
            where = f"sheet {self.sheet!r}" if self.sheet else f"part {self.name!r}"
            cell = f" cell {err.ref}" if err.ref and len(err.ref) <= 20 else ""
            raise BookError(
                f"{self.package.path}: {where}{cell}: {err.problem}; restore the book from a backup, or open it "
                "in Excel and let Excel repair it"
            ) from None

    # ---- cutting -------------------------------------------------------------------------------

    def _cut(self, data: bytes, per_batch: int) -> None:
        declared = _DECLARATION.match(data)
        if declared and declared[1].strip().lower().replace(b"-", b"") != b"utf8":
            raise _CannotCut("not UTF-8")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _CannotCut("UTF-16")
        opening = _SHEET_DATA_OPEN.search(data)
        if opening is None or opening.group(0).endswith(b"/>"):
            raise _CannotCut("no rows")
        prefix = opening[1] + b":" if opening[1] else b""
        start, end = opening.end(), data.rfind(b"</" + prefix + b"sheetData>")
        if end <= start:
            raise _CannotCut("no rows, or no end of rows")  # lxml writes an empty one as <sheetData/>
        if _has_markup_declaration(data, start, end):
            raise _CannotCut("comments, CDATA or instructions among the rows")
        skeleton = _parse(data[:start] + _MARKER + data[end:])
        holders = skeleton.findall(_MAIN + "sheetData")
        if len(holders) != 1 or len(holders[0]) != 1 or holders[0].text or holders[0][0].tail:
            raise _CannotCut("rows not where expected")
        marker = holders[0][0]
        if not isinstance(marker, etree._ProcessingInstruction) or marker.target != "csp-rows":
            raise _CannotCut("rows not where expected")
        written = etree.tostring(skeleton, **SERIALISE)
        if written.count(_MARKER) != 1:
            raise _CannotCut("marker")
        self._head, self._tail = _as_declared(data, written).split(_MARKER)
        self._wrapper_open = _wrapper_open(holders[0].nsmap)
        self._plain = holders[0].nsmap.get(None) == _MAIN[1:-1]
        self._pieces = _cut_rows(data, start, end, b"</" + prefix + b"row>", per_batch)

    def _batch(self, piece: bytes) -> etree._Element:
        try:
            return _parse(self._wrapper_open + piece + _WRAPPER_CLOSE)
        except _CannotCut:
            # The rows do not parse, so neither does the part: say so as the whole-part reader does.
            self._pieces = None
            self.package.xml(self.name)
            raise BookError(f"{self.package.path}: part {self.name!r} is not well-formed XML") from None

    def _whole(self) -> etree._Element:
        return self.package.xml(self.name)


_UTF8_DECLARATION = re.compile(rb"<\?xml[^>]{0,200}?\?>")
_LXML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"


def _as_declared(original: bytes, written: bytes) -> bytes:
    """The written part with the original's own XML declaration, when that said UTF-8 (as the part is
    written): Excel writes it with double quotes, lxml with single ones, and the rest of a part the
    refresh did not change must come back byte for byte."""
    declared = _UTF8_DECLARATION.match(original)
    if declared is None or not written.startswith(_LXML_DECLARATION):
        return written
    encoding = _DECLARATION.match(original)
    if encoding is not None and encoding[1].strip().lower().replace(b"-", b"") != b"utf8":
        return written
    return declared[0] + written[len(_LXML_DECLARATION):]


def _has_markup_declaration(data: bytes, start: int, end: int) -> bool:
    """Whether a comment, CDATA section or processing instruction (``<!``, ``<?``) starts between
    ``start`` and ``end``: looked for from their rarer second character, which a machine finds many
    times faster than a pair of characters that begins with as common a one as ``<``."""
    for second in b"!?":
        at = data.find(second, start + 1, end)
        while at >= 0:
            if data[at - 1] == 0x3C:  # "<"
                return True
            at = data.find(second, at + 1, end)
    return False


def _parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError:
        raise _CannotCut("not well-formed") from None


def _rows_bytes(container: etree._Element) -> bytes:
    """The rows of a batch as lxml writes them inside the whole part (the wrapper's tags cut off)."""
    written = etree.tostring(container, encoding="UTF-8")
    if not written.endswith(_WRAPPER_CLOSE):
        return b""  # an empty batch: <csp-rows .../>
    return written[written.index(b">") + 1:-len(_WRAPPER_CLOSE)]


def _wrapper_open(nsmap: dict[str | None, str]) -> bytes:
    """The wrapper's start tag, declaring the namespaces in scope where the rows stand."""
    declarations = []
    for prefix, uri in nsmap.items():
        if any(ch in uri for ch in '&<>"\''):
            raise _CannotCut("unusual namespace")
        declarations.append(f' xmlns="{uri}"' if prefix is None else f' xmlns:{prefix}="{uri}"')
    return b"<" + _WRAPPER + "".join(declarations).encode("utf-8") + b">"


def _cut_rows(data: bytes, start: int, end: int, row_end: bytes, per_batch: int) -> list[memoryview]:
    """The rows' XML in pieces of ``per_batch`` rows, each cut just after a ``</row>`` (views of the
    part's bytes, so that a large sheet is not held twice; each is copied when its batch is read)."""
    view = memoryview(data)
    pieces = []
    at = start
    while at < end:
        cut = at
        for _ in range(per_batch):
            found = data.find(row_end, cut, end)
            if found < 0:
                cut = end
                break
            cut = found + len(row_end)
        pieces.append(view[at:cut])
        at = cut
    return pieces
