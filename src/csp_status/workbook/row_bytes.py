"""Rows of plain cells read from a sheet's own bytes, as the parser would read them.

Most sheets of a partnership's book hold plain cells only: text, numbers, TRUE/FALSE and empty
styled cells, one ``<c>`` after another in rows numbered in order, as the project's writer, Excel
and LibreOffice write them.  A batch of such rows is checked whole by one pattern (every byte:
the rows, their attributes, each cell's reference within its row, its style, type and value, and
the text in characters XML allows, with the five named escapes only) and its cells are then taken
by a second, simpler pattern, many times faster than a tree of elements walked in Python.

Anything else in a batch (a formula, rich text, a character reference, a cell of another row,
cells out of order or written twice, an attribute the pattern does not know, a shared string not
in the table) leaves the whole batch to the guarded parser, which reads it, or names what is wrong
with it, as ever.  ``tests/test_row_bytes.py`` holds the two readers to the same cells.

The pieces of pattern here are shared with the Data sheet's own reader (``data_splice``).
"""

from __future__ import annotations

import functools
import re

from csp_status.workbook.cells import MAX_COLUMN, MAX_ROW, col_index, number_value, unescape_text

__all__ = ["TEXT", "TEXT_PLUS", "PLAIN", "ROW_START", "plain_cells", "unescaped", "xml_characters"]

# XML text with only the five named escapes, each written as an unrolled loop (a run of plain
# characters, then escape and run again): linear, and many times faster than one character a turn.
# No control character but tab and line ends is plain; a carriage return is not plain in a value,
# for the parser reads it as a line end.  Every repeat is possessive (``*+``, ``?+``): no match ever
# needs to take back what one matched (text holds no ``<``, and each optional part starts with its
# own tag or attribute), and Python's matcher then keeps no state to return to for each of them.
_ESCAPE = rb"&(?:amp|lt|gt|quot|apos);"
_CONTROLS = rb"\x00-\x08\x0b\x0c\x0e-\x1f"
PLAIN, _PLAIN_CR = rb"[^<&\r" + _CONTROLS + rb"]", rb"[^<&" + _CONTROLS + rb"]"
TEXT = PLAIN + rb"*+(?:" + _ESCAPE + PLAIN + rb"*+)*+"  # an element's text (no carriage return)
TEXT_PLUS = rb"(?=[^<])" + _PLAIN_CR + rb"*+(?:" + _ESCAPE + _PLAIN_CR + rb"*+)*+"  # a cached value's text: not empty

# A row's start tag, its number first (as Excel and lxml write it), then the other attributes a row
# may have, each at most once, in the schema's order (as writers write them); ``>`` left to the user.
_ROW_ATTRIBUTES = ("spans", "s", "customFormat", "ht", "hidden", "customHeight", "outlineLevel", "collapsed",
                   "thickTop", "thickBot", "ph")
ROW_START = (rb'<row r="(?P<r>[1-9][0-9]{0,6}+)"'
             + b"".join(rb'(?: ' + name.encode() + rb'="[0-9A-Za-z.: ]{0,40}+")?+' for name in _ROW_ATTRIBUTES))

# One plain cell of the row: its reference (letters, then the row's own number), a style, and then
# nothing, an inline string, or a value (a number, a shared string's index, TRUE/FALSE, text).
_PLAIN_CELL = (rb'<c r="[A-Z]{1,3}+(?P=r)"(?: s="[0-9]{1,9}+")?+'
               rb'(?: t="inlineStr"(?:/>|><is><t(?: xml:space="preserve")?+>' + TEXT + rb"</t></is></c>)"
               rb'|(?: t="(?:s|n|b|e|str)")?+(?:/>|><v>' + TEXT + rb"</v></c>))")
_PLAIN_ROWS = ROW_START + rb"(?:/>|>(?:" + _PLAIN_CELL + rb")*+</row>)"
_SPACE = rb"[ \t\r\n]*+"  # the white space XML allows between elements
_LONG_ROW = re.compile(rb'<row r="([0-9]{7})"')  # a row number that may be beyond the last row
# The cells of rows that matched, each as (letters, row, style, type, value or inline text); the
# batch is known to be plain, so each ``<c`` starts a cell and no text holds a ``<``.
_CELL_PARTS = (rb'<c r="([A-Z]++)([0-9]++)"(?: s="([0-9]++)")?+(?: t="([a-zA-Z]++)")?+'
               rb"(?:/|>(?:<v>|<is><t[^>]*+>)([^<]*+))")

_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# what XML allows nowhere, beyond what the patterns leave out: U+FFFE, U+FFFF, and "]]>" in text
_NOT_XML = ((b"\xef", b"\xef\xbf\xbe"), (b"\xef", b"\xef\xbf\xbf"), (b"]", b"]]>"))  # (a byte first looked for, the run)


@functools.cache
def _patterns() -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    return re.compile(rb"(?:" + _SPACE + _PLAIN_ROWS + rb")*+" + _SPACE), re.compile(_CELL_PARTS)


def _entity(match: re.Match) -> str:
    return _ENTITIES[match[1]]


def _xml_text(text: bytes) -> str:
    """An element's text as the parser gives it, from bytes a pattern above matched: the named escapes
    undone (looked for in the decoded text: ``in`` on bytes costs some ten times ``in`` on a str)."""
    value = text.decode("utf-8")
    return _ENTITY.sub(_entity, value) if "&" in value else value


def unescaped(text: bytes) -> str:
    """A cell's text from bytes a pattern above matched, as the parser and ``cells.cell_value`` give
    it: the named escapes undone, then Excel's own ``_xHHHH_`` escapes."""
    value = _xml_text(text)
    return unescape_text(value) if "_x" in value else value


def xml_characters(piece: bytes) -> bool:
    """Whether a batch is UTF-8 without the characters XML allows nowhere.  Rows whose every byte a
    pattern here matched are then well formed by construction (the patterns admit the five named
    escapes, attributes of letters and digits, no ``<`` and no control character but tab and line
    ends in text), so their bytes need no parse."""
    if any(first in piece and run in piece for first, run in _NOT_XML):
        return False
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def plain_cells(piece: bytes, strings: list[str], formats: list[str], out: dict[tuple[int, int], object],
                styles: dict[tuple[int, int], int] | None = None) -> bool:
    """A batch's non-empty cells into ``out`` as ``cells.row_cells`` reads them (and, when
    ``styles`` is given, every cell's style index into it, as ``sheets.cell_styles`` gives them),
    when every row of the batch is plain: True.  False, with ``out`` and ``styles`` untouched, when
    any row holds anything else: the parser reads the batch then, or names what is wrong."""
    rows, parts = _patterns()
    if rows.fullmatch(piece) is None or not xml_characters(piece):
        return False
    if any(int(number) > MAX_ROW for number in _LONG_ROW.findall(piece)):
        return False  # a row beyond the sheet's last, even one without cells: the parser names it
    found: dict[tuple[int, int], object] = {}
    styled: dict[tuple[int, int], int] = {}
    texts: dict[bytes, str] = {}  # a text met before in the batch (a column of repeats, often): its value
    last = (0, 0)
    row, number_was = 0, b""
    columns = _COLUMNS
    for letters, number, style, kind, value in parts.findall(piece):
        if number != number_was:  # a row's cells share its number
            row, number_was = int(number), number
            if row > MAX_ROW:
                return False  # beyond the sheet's last row: the parser names it
        key = (row, columns.get(letters) or _column(letters))
        if not key > last or key[1] == 0:
            return False  # out of order or written twice, or beyond XFD: the parser names it
        last = key
        if style and styles is not None:
            styled[key] = int(style)
        if kind == b"inlineStr":  # the usual cell: text
            if value:
                if (cell := texts.get(value)) is None:
                    cell = texts[value] = unescaped(value)
                if cell:
                    found[key] = cell
        elif not kind or kind == b"n":
            if value:
                cell = number_value(_xml_text(value), int(style) if style else 0, formats)  # no _xHHHH_ in numbers
                if cell != "":
                    found[key] = cell
        elif kind == b"s":
            if not value.isdigit() or int(value) >= len(strings):
                return False  # not in the table: the parser names the cell
            if cell := strings[int(value)]:
                found[key] = cell
        elif kind == b"b":
            if value not in (b"", b"0", b"1"):
                return False
            if value:  # no value: a blank cell, as the parser reads it
                found[key] = value == b"1"
        elif value and (cell := unescaped(value)):  # "str", "e": the text it holds
            found[key] = cell
    out.update(found)
    if styles is not None:
        styles.update(styled)
    return True


_COLUMNS: dict[bytes, int] = {}  # column letters -> number, A to XFD, filled as met


def _column(letters: bytes) -> int:
    """The number of a column's letters (0 beyond XFD, the last)."""
    col = col_index(letters.decode("ascii"))
    col = _COLUMNS[letters] = col if col <= MAX_COLUMN else 0
    return col
