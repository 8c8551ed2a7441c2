"""Reading the messy text officers type into indicator cells (stdlib only).

``parse_cell`` turns one cell into a :class:`Reading`; placeholders ("n/a", "TBA", "Awaited", blank)
are readings with no value and their reason; anything else that cannot be read raises
:class:`~csp_status.core.errors.CellError`.  ``read_cell`` never raises: it gives an *unreadable*
reading instead, for callers that turn bad text into a CHECK status.
"""

from __future__ import annotations

import math
import numbers
import re
from functools import lru_cache

from csp_status.core.compact import EXPECTED, hundredth, read_compact, read_figure
from csp_status.core.errors import CellError, text_preview
from csp_status.core.grammar.numbers import decimals_of as _decimals
from csp_status.core.grammar.numbers import has_marker, strip_markers
from csp_status.core.grammar.units import is_unit_alone
from csp_status.core.numfmt import format_general
from csp_status.core.reading import Reading, SheetNumber
from csp_status.core.vocabulary import PLACEHOLDER_PATTERNS, Placeholder, Unit

__all__ = [
    "Reading",
    "SheetNumber",
    "parse_cell",
    "read_cell",
    "forget_readings",
    "parse_fraction",
    "in_row_unit",
    "as_written",
    "sheet_number_rescale",
    "EXPECTED",
]

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u2019": "'", "\u2018": "'",
                         "\u2026": "...", "\u2264": "<=", "\u2265": ">="})


def parse_cell(cell: object) -> Reading:
    """Read one cell: text as officers type it, or a number as a spreadsheet stores it.

    Raises :class:`CellError` for text that is neither a value nor a known placeholder.
    """
    if cell is None:
        return _BLANK
    if type(cell) is float and cell:  # the commonest cell from a spreadsheet: checked first, read once
        return _BLANK if math.isnan(cell) else _number_reading(cell)  # (not 0.0: -0.0 is equal to it)
    if type(cell) is str:  # the next commonest: before the checks for numbers of other kinds
        return _parse_text(cell)
    if isinstance(cell, bool):
        raise CellError(str(cell), EXPECTED)
    if isinstance(cell, SheetNumber):
        return _formatted_number(cell)
    if isinstance(cell, numbers.Real):
        number = float(cell)
        if math.isnan(number):
            return Reading("", placeholder=Placeholder.BLANK, reason="blank")
        if math.isinf(number):
            raise CellError(str(cell), "a finite number")
        return Reading(_number_text(number), value=number, unit=None)
    if not isinstance(cell, str):
        raise CellError(str(cell), EXPECTED)
    return _parse_text(cell)


def read_cell(cell: object) -> Reading:
    """Like :func:`parse_cell`, but unreadable text gives a reading with no value and the reason."""
    try:
        return _parse_text(cell) if cell.__class__ is str else parse_cell(cell)
    except CellError as err:
        return Reading(
            cell if isinstance(cell, str) else str(cell),
            placeholder=Placeholder.UNREADABLE,
            reason=str(err),
        )


def forget_readings() -> None:
    """Empty the caches of cells already read (for measuring, and for a long session's memory)."""
    _parse_text.cache_clear()
    _number_reading.cache_clear()


def parse_fraction(cell: object, *, what: str = "a fraction") -> float | None:
    """A reduction or tolerance written as 0.015 or "1.5%"; blank gives None."""
    reading = parse_cell(cell)
    if reading.value is None:
        return None
    if reading.numerator is not None or reading.reduction is not None or reading.label:
        raise CellError(reading.text, f"{what} such as 0.015 or '1.5%'")
    return reading.value


def in_row_unit(reading: Reading, row_unit: Unit | None) -> tuple[float | None, str | None]:
    """The reading's value in its row's unit, with a note when the unit had to be supplied.

    Typed text with no unit ("15") in a percentage row is 15% (0.15), noted. A spreadsheet number
    (unit None) is taken as stored: a percentage-formatted cell already holds the fraction, and so
    does 0.37 typed plainly; but a plain 37 in a percentage row is 37% (it cannot be 3,700%), noted,
    so that a number typed in a cell and the same figure in a .tsv read alike.  In a row of minutes
    (days, hours…) a plain number is in that unit.
    """
    value, written = reading.value, reading.unit
    if value is None or written is row_unit or as_written(written, row_unit):  # (a unit reads as itself)
        return value, None  # the usual case: nothing to supply
    if reading.unit is None:  # a number as a sheet stores it
        rescale = sheet_number_rescale(row_unit)
        if rescale is None or not abs(value) > rescale[0]:
            return value, None
        shown = reading.text.strip()
        said = f"{shown}% (the row is in percentages)" if row_unit is Unit.PERCENT else f"{shown} {row_unit.value}"
        return value / rescale[1], f"{text_preview(shown)} read as {said}"
    if row_unit is Unit.PERCENT:  # typed text with no unit, in a percentage row
        shown = reading.text.strip()
        num, den = reading.numerator, reading.denominator
        if num is not None and den:  # "62 of 124", "62/124": the share the counts make, not 62%
            return num / den, f"{text_preview(shown)} read as {num / den:.1%}, {num:g} of {den:g} (the row is in percentages)"
        typed = f"{value:,.{reading.decimals or 0}f}%"
        return hundredth(value, reading.decimals), f"{text_preview(shown)} read as {typed} (the row is in percentages)"
    shown = reading.text.strip()  # "10.8" in a row of minutes is 10.8 minutes (stored in seconds)
    return value / row_unit.scale, f"{text_preview(shown)} read as {value:,.{reading.decimals or 0}f} {row_unit.value}"


def sheet_number_rescale(row_unit: Unit | None) -> tuple[float, float] | None:
    """How a spreadsheet number (a figure with no unit of its own) is read in a row of ``row_unit``:
    (above, divisor), a number whose size is above ``above`` divided by ``divisor``; None: as stored.
    The one rule for one number (:func:`in_row_unit`) and for a column of them."""
    if row_unit is Unit.PERCENT:  # a plain 37 in a percentage row is 37%; 0.37 is stored as the fraction
        return 1.0, 100.0
    if row_unit is not None and row_unit.scale != 1.0:  # a plain number in a row of minutes is minutes
        return -1.0, row_unit.scale
    return None


# looked up once: on Python 3.11 reading a member off its class (Unit.NUMBER) goes through the enum
# metaclass's attribute hook, a tenth of a microsecond each, on the path of every cell judged
_NUMBER, _PERCENT = Unit.NUMBER, Unit.PERCENT

def as_written(written: Unit | None, row_unit: Unit | None) -> bool:
    """Whether every figure written in ``written`` (None: a spreadsheet number) is in a row of ``row_unit``
    as it reads: :func:`in_row_unit` supplies nothing."""
    return row_unit is None or (written is not None and written is not _NUMBER) or (
        row_unit is not _PERCENT and row_unit.scale == 1.0)


def _formatted_number(cell: SheetNumber) -> Reading:
    """A spreadsheet number: a percentage format makes it a percentage, shown as formatted."""
    from csp_status.core.numfmt import format_decimals, format_number

    reading = parse_cell(cell.value)
    shown = format_number(cell.value, cell.number_format)
    section = cell.number_format.split(";")[0].lower()
    if ":" in section and "d" not in section and "y" not in section and reading.value is not None:
        # a time format ("hh:mm:ss", "[h]:mm", "mm:ss"): a duration in days, as a spreadsheet keeps it
        seconds = round(reading.value * 86400, 6)
        whole = int(round(abs(seconds)))
        clock = (f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}" if "h" in section
                 else f"{whole // 60:02d}:{whole % 60:02d}")
        return Reading(("-" if seconds < 0 else "") + clock, value=seconds, unit=Unit.SECONDS, decimals=0)
    if "%" in cell.number_format.split(";")[0]:
        return reading._replace(text=shown, unit=Unit.PERCENT, decimals=format_decimals(cell.number_format))
    return reading._replace(text=shown, decimals=format_decimals(cell.number_format))


_BLANK = Reading("", placeholder=Placeholder.BLANK, reason="blank")


@lru_cache(maxsize=16384)
def _number_reading(number: float) -> Reading:
    """A finite or infinite float as a reading (its text as Excel's General format shows it)."""
    if math.isinf(number):
        raise CellError(str(number), "a finite number")
    return Reading(_number_text(number), value=number, unit=None)


_number_text = format_general  # a spreadsheet number as Excel's General format shows it


_SCIENTIFIC = re.compile(r"^[-+]?\d+(?:\.\d+)?[eE][-+]\d{1,3}$", re.ASCII)  # "1.7E+308", as Excel shows it
_EXCEL_MAX = 9.99999999999999e307  # the largest number an Excel cell holds


@lru_cache(maxsize=65536)
def _parse_text(raw: str) -> Reading:
    return read_compact(raw) or _parse_messy(raw)


def _parse_messy(raw: str) -> Reading:
    text = " ".join((raw if raw.isascii() else raw.translate(_DASHES)).split())  # one space between words
    if not text:
        return Reading(raw, placeholder=Placeholder.BLANK, reason="blank")
    if text[0].isalpha() or text == "-":  # every placeholder is words, or a lone dash
        for pattern, kind in PLACEHOLDER_PATTERNS:
            if pattern.match(text):
                return Reading(raw, placeholder=kind, reason=text)
    if _SCIENTIFIC.match(text):  # "1.7E+308", as Excel shows a number too wide for its column
        value = float(text)
        if not math.isfinite(value) or abs(value) > _EXCEL_MAX:
            raise CellError(raw, "a number of ordinary size (Excel holds up to 9.99999999999999E+307)")
        return Reading(raw, value=value, unit=Unit.NUMBER, decimals=_decimals(re.split("[eE]", text)[0]))
    try:
        reading = read_figure(raw, text)  # the compact forms first: the fast path
    except CellError as err:
        if err.expected != EXPECTED:
            raise
        if has_marker(text):
            return _marked(raw, text)
        return _parse_words(raw, text)
    if reading.label or reading.unit is Unit.PER_1000:  # words after a rate may hide "provisional"
        if has_marker(text):
            return _marked(raw, text)
    if reading.label and _HAS_DIGIT.search(reading.label):  # "(4.8% reduction)", "(December 2012)": more than a label
        worded = _words_reading(raw, text)
        if worded is not None and worded.value == reading.value:
            return worded
    elif reading.label and is_unit_alone(reading.label):  # "12 (days)": the bracket holds the unit, not a label
        worded = _words_reading(raw, text)
        if worded is not None and worded.label is None:
            return worded
    elif reading.label and len(reading.label) <= 14:  # "90% (or above)": the bracket holds a bound, not a label
        from csp_status.core.grammar.changes import bound_alone  # the grammar of words, when first needed

        bound = bound_alone(reading.label)
        if bound is not None:
            return reading._replace(bound=bound, label=None)
    return reading


_HAS_DIGIT = re.compile(r"\d", re.ASCII)


def _marked(raw: str, text: str) -> Reading:
    """A figure with footnote or provisional markers reads as the figure, marked."""
    bare, provisional, footnoted = strip_markers(text)
    if not bare or bare == text:
        return _parse_words(raw, text) if bare else Reading(raw, placeholder=Placeholder.BLANK, reason="blank")
    try:
        reading = _parse_text(bare)
    except CellError as err:
        raise CellError(raw, err.expected) from None
    notes = reading.notes + ((f"{text_preview(text.strip())} is provisional",) if provisional else ())
    return reading._replace(text=raw, provisional=reading.provisional or provisional, notes=notes)


def _parse_words(raw: str, text: str) -> Reading:
    reading = _words_reading(raw, text)
    if reading is None:
        raise CellError(raw, EXPECTED)
    return reading


def _words_reading(raw: str, text: str) -> Reading | None:
    """A figure, target or placeholder read out of words (core.grammar.sentences).

    The grammar of words is imported when a cell first needs it: a book of compact figures is
    refreshed without compiling its patterns (a start-up cost of every command)."""
    from csp_status.core.grammar.sentences import read_words
    from csp_status.core.grammar.tokens import READING_FIELDS

    try:
        words = read_words(text)
    except (ValueError, OverflowError):
        return None
    if words is None:
        return None
    if words.value is not None and not math.isfinite(words.value):
        raise CellError(raw, "a number of ordinary size")
    reason = None
    if words.value is None:
        if words.placeholder is not None:
            reason = text
        elif words.direction is not None or words.reduction is not None or words.change is not None:
            reason = _target_words(words)
        else:
            return None
    return Reading(raw, reason=reason, qualifiers=tuple(words.qualifiers), notes=tuple(words.notes),
                   **{name: getattr(words, name) for name in READING_FIELDS})


def _target_words(words) -> str:
    if words.reduction is not None:
        said = f"a {abs(words.reduction) * 100:g}% {'increase' if words.reduction < 0 else 'reduction'}"
    elif words.change is not None:
        said = f"a change of {words.change:g}"
    else:
        said = str(words.direction)
    return f"{said} on the previous year's outturn" + (f", by {words.due}" if words.due else "")


