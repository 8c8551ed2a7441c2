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

from csp_status.core.errors import CellError, text_preview
from csp_status.core.grammar.numbers import decimals_of as _decimals
from csp_status.core.grammar.numbers import has_marker, is_year_span, strip_markers
from csp_status.core.grammar.numbers import to_float as _to_float
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
    "EXPECTED",
]

EXPECTED = (
    "a number such as '13,102', a percentage such as '7.1%', a rate such as "
    "'53.7 per 1,000 residents', '50% (62/124)', a target with its reduction such as "
    "'7.1% (1.5%)', or n/a, TBA, TBC, Baseline year, Awaited"
)


_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+"
_PER = r"per\s+(?P<per>1,?000)(?:\s+[a-z][a-z ]*)?"
_MAIN = re.compile(
    rf"(?P<num>{_NUM})\s*(?:(?P<pct>%)|{_PER})?",
    re.ASCII | re.IGNORECASE,
)
_ONE_BRACKET = re.compile(
    rf"(?P<num>{_NUM})\s*(?:(?P<pct>%)|{_PER})?(?:\s*\(\s*(?:(?P<n>{_NUM})\s*/\s*(?P<d>{_NUM})|(?P<red>{_NUM})\s*%)\s*\))?",
    re.ASCII | re.IGNORECASE,
)
_BRACKET = re.compile(r"\(([^()]*)\)", re.ASCII)
_FRACTION = re.compile(rf"^\s*(?P<n>{_NUM})\s*/\s*(?P<d>{_NUM})\s*$", re.ASCII)
_PERCENT_ONLY = re.compile(rf"^\s*(?P<num>{_NUM})\s*%\s*$", re.ASCII)
_TWO_PERCENTS = re.compile(rf"^\s*(?P<a>{_NUM})\s*%\s+(?P<b>{_NUM})\s*%\s*$", re.ASCII)
_LABEL = re.compile(r"[A-Za-z]{2}", re.ASCII)  # a bracketed label has words: "(care-planned exits/total exits)"
# The commonest cells in one pattern, matched on the cell as typed: a figure ('13,102', '-7.75%', '53.7 per
# 1,000') with at most one bracket of counts or a reduction ('50% (62/124)', '7.1% (1.5%)'), spaces anywhere
# the compact forms allow them.  What it matches reads as _parse_text reads it; anything else goes there.
_COMPACT = re.compile(
    rf"\s*(?P<num>{_NUM})\s*(?:(?P<pct>%)|per\s+(?P<per>1,?000))?"
    rf"(?:\s*\(\s*(?:(?P<n>{_NUM})\s*/\s*(?P<d>{_NUM})|(?P<red>{_NUM})\s*%)\s*\))?\s*",
    re.ASCII | re.IGNORECASE,
)
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
    value = reading.value
    if value is None or row_unit is None or (reading.unit is not None and reading.unit is not Unit.NUMBER):
        return value, None  # the usual case: nothing to supply
    if reading.unit is None:  # a number as a sheet stores it
        shown = reading.text.strip()
        if row_unit is Unit.PERCENT and abs(value) > 1:
            return value / 100.0, f"{text_preview(shown)} read as {shown}% (the row is in percentages)"
        if row_unit is not Unit.PERCENT and row_unit.scale != 1.0:
            return value / row_unit.scale, f"{text_preview(shown)} read as {shown} {row_unit.value}"
        return value, None
    if row_unit is Unit.PERCENT:  # typed text with no unit, in a percentage row
        shown = reading.text.strip()
        typed = f"{value:,.{reading.decimals or 0}f}%"
        return _hundredth(value, reading.decimals), f"{text_preview(shown)} read as {typed} (the row is in percentages)"
    if row_unit.scale != 1.0:
        shown = reading.text.strip()  # "10.8" in a row of minutes is 10.8 minutes (stored in seconds)
        return value / row_unit.scale, f"{text_preview(shown)} read as {value:,.{reading.decimals or 0}f} {row_unit.value}"
    return value, None


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
    return _compact(raw) or _parse_messy(raw)


def _compact(raw: str) -> Reading | None:
    """The commonest compact figures read in one match (see ``_COMPACT``); None for any other text."""
    found = _COMPACT.fullmatch(raw)
    if found is None:
        return None
    number, pct, per, num, den, red = found.groups()
    value = float(number.replace(",", "")) if "," in number else float(number)
    if value - value != 0.0 or (per and has_marker(raw)):
        return None  # too large to hold, or words that may mark it provisional: read in full
    point = number.find(".")
    decimals = 0 if point < 0 else len(number) - point - 1
    unit = Unit.NUMBER
    if pct:
        value, unit = _percent(number), Unit.PERCENT
    elif per:
        unit = Unit.PER_1000
    if num is not None:
        if is_year_span(num, den):
            return None  # "12 (2019/20)": a year, read by the grammar of words
        return Reading(raw, value, unit, decimals, _to_float(num), _to_float(den))
    return Reading(raw, value, unit, decimals, reduction=None if red is None else _reduction(red))


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
        reading = _parse_figure(raw, text)  # the compact forms first: the fast path
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


def _parse_figure(raw: str, text: str) -> Reading:
    """The compact forms: '13,102', '7.75%', '53.7 per 1,000 residents', '50% (62/124)', '7.1% (1.5%)'."""
    if text.startswith("(") and text.endswith(")") and _BRACKET.fullmatch(text):
        return _parse_wholly_bracketed(raw, text[1:-1].strip())
    one = _ONE_BRACKET.fullmatch(text)  # a figure and at most one bracket of counts or a reduction: one match
    if one is not None and not (one["n"] and is_year_span(one["n"], one["d"])):
        value, unit, decimals = _main_value(raw, one)
        if one["n"]:
            return Reading(raw, value, unit, decimals, _to_float(one["n"]), _to_float(one["d"]))
        return Reading(raw, value, unit, decimals, reduction=_reduction(one["red"]) if one["red"] else None)
    return _parse_figure_in_parts(raw, text)


def _parse_figure_in_parts(raw: str, text: str) -> Reading:
    """The compact forms read piece by piece: the figure, then each bracket after it."""
    main = _MAIN.match(text)
    if not main:
        raise CellError(raw, EXPECTED)
    value, unit, decimals = _main_value(raw, main)
    rest = text[main.end():].strip()
    if not rest:
        return Reading(raw, value=value, unit=unit, decimals=decimals)
    return Reading(raw, value=value, unit=unit, decimals=decimals, **_brackets(raw, rest))


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
    return Reading(
        raw, value=words.value, unit=words.unit, decimals=words.decimals, numerator=words.numerator,
        denominator=words.denominator, reduction=words.reduction, label=words.label, bracketed=words.bracketed,
        placeholder=words.placeholder, reason=reason, change=words.change, bound=words.bound,
        direction=words.direction, due=words.due, qualifiers=tuple(words.qualifiers), notes=tuple(words.notes),
        upper=words.upper,
    )


def _target_words(words) -> str:
    if words.reduction is not None:
        said = f"a {abs(words.reduction) * 100:g}% {'increase' if words.reduction < 0 else 'reduction'}"
    elif words.change is not None:
        said = f"a change of {words.change:g}"
    else:
        said = str(words.direction)
    return f"{said} on the previous year's outturn" + (f", by {words.due}" if words.due else "")


def _parse_wholly_bracketed(raw: str, inner: str) -> Reading:
    """'(6.9% 3%)' is a target and its reduction; '(-7.75%)' is a value in brackets."""
    two = _TWO_PERCENTS.match(inner)
    if two:
        return Reading(
            raw,
            value=_percent(two["a"]),
            unit=Unit.PERCENT,
            decimals=_decimals(two["a"]),
            reduction=_percent(two["b"]),
        )
    main = _MAIN.fullmatch(inner)
    if not main:
        raise CellError(raw, EXPECTED)
    value, unit, decimals = _main_value(raw, main)
    return Reading(raw, value=value, unit=unit, decimals=decimals, bracketed=True)


def _main_value(raw: str, main: re.Match[str]) -> tuple[float, Unit, int]:
    """The leading figure's value (a percentage as a fraction), unit and decimal places."""
    number = main["num"]
    value = _to_float(number)
    if not math.isfinite(value):
        raise CellError(raw, "a number of ordinary size")
    decimals = _decimals(number)
    if main["pct"]:
        return _percent(number), Unit.PERCENT, decimals
    return value, Unit.PER_1000 if main["per"] else Unit.NUMBER, decimals


def _brackets(raw: str, rest: str) -> dict[str, object]:
    """The bracketed groups after a value: counts, a reduction, or a label (as Reading fields)."""
    found: dict[str, object] = {}
    labels: list[str] = []
    while rest:
        group = _BRACKET.match(rest)
        if not group:
            raise CellError(raw, EXPECTED)
        inner = group[1].strip()
        rest = rest[group.end():].strip()
        fraction = _FRACTION.match(inner)
        if fraction and is_year_span(fraction["n"], fraction["d"]):
            raise CellError(raw, EXPECTED)  # "(2019/20)" is a year: read by the grammar of words
        percent = _PERCENT_ONLY.match(inner) if not fraction else None
        if fraction and "numerator" not in found:
            found["numerator"], found["denominator"] = _to_float(fraction["n"]), _to_float(fraction["d"])
        elif percent and "reduction" not in found:
            found["reduction"] = _reduction(percent["num"])
        elif inner and _LABEL.search(inner):
            labels.append(inner)
        else:
            raise CellError(raw, EXPECTED)
    if labels:
        found["label"] = "; ".join(labels)
    return found


def _reduction(written: str) -> float:
    """A bracketed reduction: "(1.5%)" and "(-1.5%)" both mean a 1.5% reduction; "(+2%)" is an increase."""
    change = _percent(written)
    return -abs(change) if written.startswith("+") else abs(change)


def _percent(number: str) -> float:
    """'7.75' (per cent) -> 0.0775: the double nearest the decimal typed, hundredfold smaller.

    A figure of up to 15 digits is that decimal written with its exponent ('775e-4'), which ``float``
    reads to the nearest double, as ``_hundredth`` gives it: its division by 100 is out by less than
    half the last place typed.  A longer figure is read as ``_hundredth`` reads it."""
    digits = number.replace(",", "").replace(".", "")
    if len(digits) <= 15:
        return float(f"{digits}e-{_decimals(number) + 2}")
    return _hundredth(_to_float(number), _decimals(number))


def _hundredth(value: float, decimals: int | None) -> float:
    """value / 100 as the number typed: 20.62 -> 0.2062, not 0.20620000000000002 (its binary neighbour)."""
    return round(value / 100.0, (decimals or 0) + 2)
