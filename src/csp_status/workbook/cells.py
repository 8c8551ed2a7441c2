"""Cells of a SpreadsheetML sheet: references, values read from XML, and cells written as XML.

The XML namespaces and the one guarded parser (no DTDs, no entities, no network) live here, so that
every module that parses workbook XML uses the same settings.  Cells are written as inline strings,
numbers, or formulas with cached values.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from lxml import etree

from csp_status.core.parse import SheetNumber

__all__ = [
    "NS", "MAIN", "HEADER", "REL_NS", "R_ID", "XML_PARSER", "ROW", "CELL", "Formula", "BadCell", "col_letter",
    "col_index", "split_ref", "cell_key", "excel_length", "MAX_COLUMN", "MAX_ROW", "xml_text", "unescape_text",
    "cell_value", "number_value", "keyed_cells", "row_cells", "iter_cells", "cell_xml",
]

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
MAIN = "{%s}" % NS["m"]
HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'  # every part we write starts so
REL_NS = "{%s}" % NS["rel"]
R_ID = "{%s}id" % NS["r"]

_PARSER = XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=True,
    remove_blank_text=False,
)
_SHEET_DATA, ROW, CELL = MAIN + "sheetData", MAIN + "row", MAIN + "c"
_ROW, _C = ROW, CELL
_V, _F, _IS, _T = MAIN + "v", MAIN + "f", MAIN + "is", MAIN + "t"
_COLUMNS: dict[str, int] = {}  # column letters -> number, filled as met
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$", re.ASCII | re.IGNORECASE)
MAX_COLUMN, MAX_ROW = 16_384, 1_048_576  # XFD1048576, the last cell of an Excel sheet
EXCEL_MAX = 9.99999999999999e307  # the largest number an Excel cell holds
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_", re.ASCII)
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")  # \r too: XML reads it as \n


class BadCell(ValueError):
    """A cell's XML is what no spreadsheet writes (a reference, a style or a shared string that is not
    one); the workbook layer names the file and the sheet."""

    def __init__(self, ref: str | None, problem: str) -> None:
        self.ref, self.problem = ref, problem
        super().__init__(f"cell {ref}: {problem}" if ref else problem)


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell: its text (without '=') and its cached value."""

    text: str
    cached: object = None
    shared_index: str | None = None


def col_letter(index: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def split_ref(ref: str) -> tuple[int, int]:
    """'J7' -> (row 7, column 10); lower-case letters are read as upper case."""
    match = _REF.match(ref)
    if not match:
        raise BadCell(ref, _not_a_ref(ref))
    row, col = int(match[2]), col_index(match[1].upper())
    if not (0 < row <= MAX_ROW and col <= MAX_COLUMN):
        raise BadCell(ref, _not_a_ref(ref))
    return row, col


def _not_a_ref(ref: str) -> str:
    shown = ref if len(ref) <= 20 else ref[:19] + "…"
    return f"{shown!r} is not a cell reference (a column A to XFD, then a row 1 to 1,048,576)"


def excel_length(text: str) -> int:
    """A text's length as Excel counts it: UTF-16 code units, so a character beyond U+FFFF (an emoji,
    some CJK) counts twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def escaped(text: str) -> str:
    """Text as it is written inside an XML element (as lxml writes it: &, < and > escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_with_quotes(text: str) -> str:
    """Text escaped for an element or an attribute in double quotes (&, <, > and ")."""
    return escaped(text).replace('"', "&quot;")


def quoted(text: str) -> str:
    """An XML attribute's value in double quotes, escaped."""
    return f'"{escaped_with_quotes(text)}"'


def xml_text(text: str) -> str:
    """Text made safe for a cell: characters XML cannot hold are written as Excel does, _xHHHH_."""
    if text.isprintable() and "_x" not in text:
        return text  # no control character, U+FFFE or U+FFFF (none is printable), nothing like an escape
    return _BAD_XML_CHARS.sub(lambda m: "_x%04X_" % ord(m.group(0)), text)


def unescape_text(text: str) -> str:
    """Undo Excel's _xHHHH_ escapes."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def iter_cells(root: etree._Element, strings: list[str], formats: list[str]) -> Iterator[tuple[tuple[int, int], object]]:
    """The cells of a parsed sheet part, with shared strings and number formats applied."""
    for holder in root.iterchildren(_SHEET_DATA):
        yield from row_cells(holder, strings, formats).items()


def keyed_cells(rows: etree._Element) -> Iterator[tuple[tuple[int, int], etree._Element]]:
    """The ``<c>`` elements of the ``<row>`` children of ``rows`` that have a reference, each with its
    (row, column), in document order.

    Every reader of a sheet's cells walks them so: children are matched by tag rather than found by
    path, and column letters are looked up rather than worked out for every cell.
    """
    for row in rows.iterchildren(_ROW):
        number = row.get("r")
        if number is not None and not (number.isdigit() and number.isascii() and 0 < int(number) <= MAX_ROW):
            raise BadCell(None, f"a row's number {number[:20]!r} is not one")
        for cell in row.iterchildren(_C):
            ref = cell.get("r")
            if ref:
                yield cell_key(ref), cell


def row_cells(rows: etree._Element, strings: list[str], formats: list[str],
              out: dict[tuple[int, int], object] | None = None,
              skip_formulas_in: frozenset[int] = frozenset()) -> dict[tuple[int, int], object]:
    """The non-empty cells of the ``<row>`` children of ``rows``, added to ``out`` (document order).

    Formula cells in the columns ``skip_formulas_in`` (below row 1) are left out.  This is the hot
    loop of reading a large book (see ``keyed_cells``).
    """
    out = {} if out is None else out
    seen: set[tuple[int, int]] = set()
    for key, cell in keyed_cells(rows):
        if key in seen:
            raise BadCell(cell.get("r"), "the cell is written twice")
        seen.add(key)
        if skip_formulas_in and key[1] in skip_formulas_in and key[0] > 1 and cell.find(_F) is not None:
            continue
        value = cell_value(cell, strings, formats)
        if value is None or value == "":
            continue
        out[key] = value
    return out


def cell_key(ref: str) -> tuple[int, int]:
    """'J7' -> (7, 10), as split_ref, with column letters remembered."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters)  # only plain letters already checked by _REF are remembered
    if col is not None and 0 < len(ref) - len(letters) <= 7:
        row = int(ref[len(letters):])
        if 0 < row <= MAX_ROW:
            return row, col
    row, col = split_ref(ref)
    if ref[0] != "$" and "$" not in ref:
        _COLUMNS[letters] = col
    return row, col


def cell_value(cell: etree._Element, strings: list[str], formats: list[str]) -> object:
    """One ``<c>`` element's value: text, number, SheetNumber, bool, Formula, or None/"" when empty."""
    formula = v = node = None
    for child in cell:
        tag = child.tag
        if tag == _V:
            if v is None:
                v = child
        elif tag == _F:
            if formula is None:
                formula = child
        elif tag == _IS:
            if node is None:
                node = child
    kind = cell.get("t", "n")
    raw = v.text if v is not None else None
    if kind == "inlineStr":
        if node is None:
            value: object = ""
        elif len(node) == 1 and node[0].tag == _T and not len(node[0]):
            value = unescape_text(node[0].text or "")  # plain text: <is><t>…</t></is>
        else:
            value = unescape_text("".join(t.text or "" for t in node.iter(_T)))  # rich text runs
    elif kind == "s":
        try:
            index = int(raw or "")
            if index < 0:
                raise IndexError(index)
            value = strings[index]
        except (ValueError, IndexError):
            raise BadCell(cell.get("r"), f"its shared string {raw!r} is not in the table of {len(strings):,}") from None
    elif kind in ("str", "e"):
        value = unescape_text(raw or "")
    elif kind == "b":
        if raw not in (None, "0", "1"):
            raise BadCell(cell.get("r"), f"its value {raw[:20]!r} is not TRUE or FALSE (1 or 0)")
        value = None if raw is None else raw == "1"  # no value: a blank cell, whatever its type says
    elif kind not in _NUMBER_KINDS:
        raise BadCell(cell.get("r"), f"its type {kind[:20]!r} is not one a spreadsheet writes")
    elif raw is None:
        value = None
    else:
        value = number_value(raw, cell, formats)
    if formula is not None:
        return Formula(formula.text or "", value, formula.get("si") if formula.get("t") == "shared" else None)
    return value


_NUMBER_KINDS = ("n", "d")  # a number, or a date Excel 2010 and later may write in ISO form (read as its text)


def number_value(raw: str, cell: etree._Element | int, formats: list[str]) -> object:
    """A number cell's value from its ``<v>`` text and its style (the cell, or its style index):
    a float, or a SheetNumber when its format is not General; text that is not a number Excel
    holds ('NaN', 'INF', '1.7e308', 'abc') is read as the text it is."""
    try:
        number = float(raw)
    except ValueError:
        return raw
    if not abs(number) <= EXCEL_MAX or "_" in raw:
        return raw
    style = cell if isinstance(cell, int) else _style(cell)
    fmt = formats[style] if style < len(formats) else "General"
    return number if fmt == "General" else SheetNumber(number, fmt)


def _style(cell: etree._Element) -> int:
    """A number cell's style index (0 when it has none); one past the styles counts as General."""
    s = cell.get("s")
    if not s:
        return 0
    if not s.isdigit() or not s.isascii():
        raise BadCell(cell.get("r"), f"its style index {s[:20]!r} is not a number")
    return int(s)


def cell_xml(ref: str, value: object, style: int = 0) -> str:
    """One cell as SpreadsheetML: text as an inline string, numbers, or a formula with its cached value."""
    s = f' s="{style}"' if style else ""
    if value.__class__ is str and value:  # the usual cell, text: first
        return f'<c r="{ref}"{s} t="inlineStr"><is>{_inline_text(value)}</is></c>'
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, Formula):
        cached = value.cached
        f = f"<f>{escaped_with_quotes(value.text)}</f>"
        if isinstance(cached, float) and not math.isfinite(cached):
            return f'<c r="{ref}"{s} t="e">{f}<v>#NUM!</v></c>'
        if isinstance(cached, bool):
            return f'<c r="{ref}"{s} t="b">{f}<v>{int(cached)}</v></c>'
        if isinstance(cached, (int, float)):
            return f'<c r="{ref}"{s}>{f}<v>{_num(cached)}</v></c>'
        return f'<c r="{ref}"{s} t="str">{f}<v>{escaped_with_quotes(xml_text(str(cached or "")))}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, float) and not math.isfinite(value):
        return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'  # what Excel shows for a number it cannot hold
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{_num(value)}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is>{_inline_text(str(value))}</is></c>'


@lru_cache(maxsize=4096)  # a sheet's texts repeat (names, statuses, periods): each is written out once
def _inline_text(value: str) -> str:
    """An inline string's ``<t>`` element for a text."""
    text = escaped_with_quotes(xml_text(value))
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<t{space}>{text}</t>"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
