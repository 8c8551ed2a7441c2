"""The Data sheet's calculated cells given their new cached values in the sheet's own bytes.

A refresh gives each calculated cell of the Data sheet (columns M to AC) the value Excel will
show.  In a book the refresh wrote, every row's calculated cells are in one form: the 17 cells in
column order, each ``<c r="M5" s="12" t="str"><f>its column's formula for the row</f><v>…</v></c>``,
and they end the row.  Such a row is recognised whole by one pattern, which checks each formula
against the row's own (as the cell-by-cell path checks it: a formula changed by hand does not
match), and the new values are written into the row's bytes, in the same bytes lxml writes for
the cell-by-cell path (``tests/test_data_splice.py`` compares the two).  The officers' cells in
front of them, when they are plain text and numbers in column order, are read by one more pattern
a row; a batch so covered, byte for byte, in characters XML allows, is well formed by construction
and is not parsed.  Other input cells are read through the guarded parser, with the first and last
calculated cell of each row kept in place so that the order of the cells is checked as before.

The pieces of pattern for text, values and a row's start tag are the plain-row reader's
(``row_bytes``).  A batch of rows with any row in another form (a formula changed by hand, a
shared formula, other attributes, a cell beyond AC, another spelling of the XML) is left to the
cell-by-cell path.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Callable, Sequence

from csp_status.workbook.cells import MAX_ROW, col_letter, escaped, number_value, xml_text
from csp_status.workbook.data_columns import FORMULA_HEADERS, INPUTS, formula_parts
from csp_status.workbook.row_bytes import PLAIN, ROW_START, TEXT, TEXT_PLUS, unescaped, xml_characters

__all__ = ["FIRST_COLUMN", "COLUMNS", "cached_form", "match_rows", "patterns", "input_cells", "read_inputs",
           "read_part", "spliced", "xml_characters"]

FIRST_COLUMN = len(INPUTS) + 1  # M: the first calculated column
COLUMNS = {FIRST_COLUMN + i: header for i, header in enumerate(FORMULA_HEADERS)}  # column -> header


def _cell_pattern(i: int, header: str) -> bytes:
    row = rb"(?P<r>[1-9][0-9]{0,6}+)" if i == 0 else rb"(?P=r)"
    formula = rb"(?P=r)".join(re.escape(escaped(part).encode("utf-8")) for part in formula_parts(header))
    return (rb'(<c r="' + col_letter(FIRST_COLUMN + i).encode() + row + rb'"(?: s="[0-9]{1,9}+")?+)'
            rb'(?: t="(str|n|b|e)")?+(><f>' + formula + rb"</f>)"
            rb"(?:<v>(" + TEXT_PLUS + rb")</v>|(<v/>))</c>")


_START = b'<c r="' + col_letter(FIRST_COLUMN).encode()
_ROW_END = b"</row>"
_XML_SPACE = b" \t\r\n"  # the white space XML allows between elements
# each cell's groups: its start tag up to its style, its type, its formula, its value's text, an empty value
# (the first cell's start tag holds one more, the row number)
_CELLS = [(1, 3, 4, 5, 6)] + [tuple(range(7 + 5 * i, 12 + 5 * i)) for i in range(len(FORMULA_HEADERS) - 1)]


def cached_form(value: object) -> tuple[str | None, str | None]:
    """A calculated cell's type attribute and value text for the value it shows (None: no attribute,
    or an empty ``<v/>``): numbers plain, text as ``str``, TRUE/FALSE as ``b``, a number too large
    to hold as Excel's ``#NUM!``."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, float) and not math.isfinite(value):
        return "e", "#NUM!"  # what Excel shows for a result too large to hold
    if isinstance(value, (int, float)):
        return None, str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    return "str", xml_text(str(value)) if value not in (None, "") else None  # a blank is <v/>, always


def match_rows(piece: bytes) -> list[re.Match] | None:
    """Each row's calculated cells in a batch of rows, or None when a row is in another form."""
    found = []
    at = 0
    section = patterns()[0].fullmatch
    while (end := piece.find(_ROW_END, at)) >= 0:
        start = piece.rfind(_START, at, end)
        match = section(piece, start, end) if start >= 0 else None
        if match is None or int(match["r"]) > MAX_ROW:
            return None
        found.append(match)
        at = end + len(_ROW_END)
    if not found or piece[at:].strip(_XML_SPACE):
        return None
    return found


# A row's start tag, then its input cells A to L, each optional, in column order and in the row: a
# style, and nothing, an inline string or a number.  One match reads a row's inputs in place, each
# cell in its own groups.
_ROW_START = ROW_START + b">"


def _input_pattern(letter: bytes) -> bytes:
    return (rb'(?:<c r="' + letter + rb'(?P=r)"(?: s="([0-9]{1,9}+)")?+'
            rb'(?:(/>| t="inlineStr"/>)| t="inlineStr"><is><t(?: xml:space="preserve")?+>(' + TEXT + rb')'
            rb"</t></is></c>|><v>(" + PLAIN + rb"*+)</v></c>))?+")


_INPUT_COLUMNS = range(1, FIRST_COLUMN)  # A to L
_INPUT_LETTERS = [col_letter(n).encode() for n in _INPUT_COLUMNS]


@functools.cache
def patterns() -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """The calculated cells' pattern and the row start's with its inputs, compiled when a book first has
    rows to read by them (compiling them takes longer than a small book's whole Data sheet)."""
    section = re.compile(b"".join(_cell_pattern(i, h) for i, h in enumerate(FORMULA_HEADERS)))
    prefix = re.compile(_ROW_START + b"".join(_input_pattern(letter) for letter in _INPUT_LETTERS))
    assert section.groups == _CELLS[-1][-1] and prefix.groups == 1 + 4 * len(_INPUT_LETTERS)
    return section, prefix


def input_cells(piece: bytes, matches: list[re.Match], formats: list[str], out: dict[tuple[int, int], object]) -> bool:
    """Each row's input cells (columns A to L, in front of its calculated cells) into ``out``, as
    ``cells.cell_value`` reads them (empty cells left out), when every row is in the refresh's own
    form: True.  False, and ``out`` untouched, when any row holds anything else (a shared string,
    rich text, a formula, another column, cells or rows out of order, cells of another row).

    The rows' every byte is then matched by a pattern; with ``xml_characters`` they are well formed.
    """
    found: dict[tuple[int, int], object] = {}
    texts: dict[bytes, str] = {}  # a text met before in the batch (a row per period repeats most): its value
    at = last = 0
    inputs = patterns()[1].fullmatch
    for match in matches:
        prefix = inputs(piece, at, match.start())
        if prefix is None or prefix["r"] != match["r"]:
            return False
        row = int(match["r"])
        if row <= last:
            return False  # rows out of order, or one written twice: the parser reads them (and names a repeat)
        last = row
        groups = prefix.groups()
        k = 3  # each cell's groups: style, nothing, text, number (after the row's number, group 1)
        for column in _INPUT_COLUMNS:
            text = groups[k]
            if text:
                if (value := texts.get(text)) is None:
                    value = texts[text] = unescaped(text)
                if value:
                    found[row, column] = value
            elif number := groups[k + 1]:
                style = groups[k - 2]
                value = number_value(number.decode("utf-8"), int(style) if style else 0, formats)
                if value != "":
                    found[row, column] = value
            k += 4
        at = match.end() + len(_ROW_END)
    out.update(found)
    return True


def read_inputs(piece: bytes, formats: list[str], out: dict[tuple[int, int], object]) -> bool:
    """A batch's input cells into ``out`` when all its rows are in the refresh's own form (the
    calculated cells are left out, as a reader of the inputs only wants): True; else False."""
    matches = match_rows(piece)
    if matches is None or not xml_characters(piece):
        return False  # the parser reads it, or names what is wrong with it
    return input_cells(piece, matches, formats, out)


def read_part(piece: bytes, matches: list[re.Match]) -> bytes:
    """The rows without their calculated cells but the first and the last (to be read through the parser)."""
    out, at = [], 0
    for match in matches:
        out.append(piece[at:match.start(_CELLS[1][0])])
        at = match.start(_CELLS[-1][0])
    out.append(piece[at:])
    return b"".join(out)


def spliced(piece: bytes, matches: list[re.Match], values_of: Callable[[int], Sequence[object]]) -> bytes:
    """The rows with each calculated cell's value (``values_of(row)``, in column order) written in."""
    out, at = [], 0
    for match in matches:
        values = values_of(int(match["r"]))
        new = [_BLANK if value is None or value == "" else _written(value) for value in values]
        old = [match.group(kind_at, text_at) for _, kind_at, _, text_at, _ in _CELLS]
        if any((n is _BLANK and o != _OLD_BLANK) or (n is not _BLANK and _as_written(o) != n)
               for n, o in zip(new, old)):
            out.append(piece[at:match.start()])
            out.append(b"".join(match.group(head) + t + match.group(formula_at) + v + b"</c>"
                                for (head, _, formula_at, _, _), (t, v) in zip(_CELLS, new)))
            at = match.end()
    out.append(piece[at:])
    return b"".join(out)


def _written(value: object) -> tuple[bytes, bytes]:
    """A value's type attribute and ``<v>`` element, as lxml writes them."""
    kind, text = cached_form(value)
    return (b"" if kind is None else b' t="' + kind.encode() + b'"',
            b"<v/>" if text is None else b"<v>" + escaped(text).encode("utf-8") + b"</v>")


def _as_written(old: tuple[bytes | None, bytes | None]) -> tuple[bytes, bytes]:
    kind, text = old
    return b"" if kind is None else b' t="' + kind + b'"', b"<v/>" if text is None else b"<v>" + text + b"</v>"


_BLANK = _written("")
_OLD_BLANK = (b"str", None)
