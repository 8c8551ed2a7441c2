"""The compact forms of a figure, read by patterns: '13,102', '7.75%', '53.7 per 1,000 residents',
'50% (62/124)', '7.1% (1.5%)', '(-7.75%)' (stdlib only).

:func:`read_compact` reads the commonest of them in one match, on the cell as typed; :func:`read_figure`
reads every compact form of a cell whose spaces are made single (:mod:`csp_status.core.parse` does
that, and reads what is left by the grammar of words).  Both give the :class:`Reading` of the cell,
or raise :class:`CellError` with ``EXPECTED``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from csp_status.core.errors import CellError
from csp_status.core.grammar.numbers import decimals_of as _decimals
from csp_status.core.grammar.numbers import has_marker, is_year_span
from csp_status.core.grammar.numbers import to_float as _to_float
from csp_status.core.reading import Reading
from csp_status.core.vocabulary import Unit

__all__ = ["EXPECTED", "Compacts", "hundredth", "percent", "read_compact", "read_compacts", "read_figure", "read_figure_in_parts"]

EXPECTED = (
    "a number such as '13,102', a percentage such as '7.1%', a rate such as "
    "'53.7 per 1,000 residents', '50% (62/124)', a target with its reduction such as "
    "'7.1% (1.5%)', or n/a, TBA, TBC, Baseline year, Awaited"
)


# Every repeat possessive: a number's digits are never wanted back by what follows them (a sign, a
# comma group and a decimal part each start with their own character), and the matcher keeps less.
_NUM = r"[-+]?+(?:\d{1,3}+(?:(?:,\d{3})++|\d*+)(?:\.\d++)?+|\.\d++)"
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
# the compact forms allow them.  What it matches reads as ``parse_cell`` reads it; anything else goes there.
_COMPACT = re.compile(
    rf"\s*+(?P<num>{_NUM})\s*+(?:(?P<pct>%)|per\s++(?P<per>1,?+000))?+"
    rf"(?:\s*+\(\s*+(?P<n>{_NUM})\s*+(?:/\s*+(?P<d>{_NUM})|%)\s*+\))?+\s*+",
    re.ASCII | re.IGNORECASE,
)


def read_compact(raw: str) -> Reading | None:
    """The commonest compact figures read in one match (see ``_COMPACT``); None for any other text."""
    found = read_compacts((raw,))
    if not found.rows:
        return None
    num, den = found.numerator[0], found.denominator[0]
    return Reading(raw, found.value[0], found.unit[0], found.decimals[0], None if num != num else num,
                   None if den != den else den, found.reduction[0])


class Compacts(NamedTuple):
    """:func:`read_compacts` of a column of texts: the indexes of the texts read (``rows``), and for each
    the fields its Reading holds, a list a field.  A numerator or denominator is NaN for none (a column
    of floats, as arrays take it); ``decimals`` and ``reduction`` are only read when asked for (their
    lists are empty otherwise)."""

    rows: list[int]
    value: list[float]
    unit: list[Unit]
    numerator: list[float]
    denominator: list[float]
    decimals: list[int]
    reduction: list[float | None]


def read_compacts(texts: Sequence[str], *, every_field: bool = True) -> Compacts:
    """:func:`read_compact` over a column of texts, without a Reading for each (see :class:`Compacts`);
    with ``every_field`` false, neither the decimals shown nor a reduction is read (the column road of
    the judgement uses neither).

    What ``_COMPACT``'s groups say is worked out in this one loop, with no call for each text but the
    match and the numbers' own, as a column of thousands of texts never seen needs it."""
    found = Compacts([], [], [], [], [], [], [])
    keep, add_value, add_unit, add_num, add_den = (found.rows.append, found.value.append, found.unit.append,
                                                   found.numerator.append, found.denominator.append)
    add_decimals, add_reduction = found.decimals.append, found.reduction.append
    percent_unit, number_unit, rate_unit, nan = Unit.PERCENT, Unit.NUMBER, Unit.PER_1000, math.nan
    for k, match in enumerate(map(_COMPACT.fullmatch, texts)):
        if match is None:
            continue
        number, pct, per, num, den = match.groups()
        plain = number.replace(",", "") if "," in number else number
        if pct:
            value, unit = _percent_plain(plain), percent_unit
        else:
            value = float(plain)
            unit = rate_unit if per else number_unit
        if value - value != 0.0 or (per and has_marker(texts[k])):
            continue  # too large to hold, or words that may mark it provisional: read in full
        if den is not None:
            if len(num) == 4 and is_year_span(num, den):
                continue  # "12 (2019/20)": a year, read by the grammar of words
            add_num(_to_float(num))
            add_den(_to_float(den))
            if every_field:
                add_reduction(None)
        else:
            add_num(nan)
            add_den(nan)
            if every_field:
                add_reduction(None if num is None else _reduction(num))
        if every_field:
            point = plain.find(".")
            add_decimals(0 if point < 0 else len(plain) - point - 1)
        keep(k)
        add_value(value)
        add_unit(unit)
    return found


def read_figure(raw: str, text: str) -> Reading:
    """The compact forms: '13,102', '7.75%', '53.7 per 1,000 residents', '50% (62/124)', '7.1% (1.5%)'."""
    if text.startswith("(") and text.endswith(")") and _BRACKET.fullmatch(text):
        return _parse_wholly_bracketed(raw, text[1:-1].strip())
    one = _ONE_BRACKET.fullmatch(text)  # a figure and at most one bracket of counts or a reduction: one match
    if one is not None and not (one["n"] and is_year_span(one["n"], one["d"])):
        value, unit, decimals = _main_value(raw, one)
        if one["n"]:
            return Reading(raw, value, unit, decimals, _to_float(one["n"]), _to_float(one["d"]))
        return Reading(raw, value, unit, decimals, reduction=_reduction(one["red"]) if one["red"] else None)
    return read_figure_in_parts(raw, text)


def read_figure_in_parts(raw: str, text: str) -> Reading:
    """The compact forms read piece by piece: the figure, then each bracket after it."""
    main = _MAIN.match(text)
    if not main:
        raise CellError(raw, EXPECTED)
    value, unit, decimals = _main_value(raw, main)
    rest = text[main.end():].strip()
    if not rest:
        return Reading(raw, value=value, unit=unit, decimals=decimals)
    return Reading(raw, value=value, unit=unit, decimals=decimals, **_brackets(raw, rest))


def _parse_wholly_bracketed(raw: str, inner: str) -> Reading:
    """'(6.9% 3%)' is a target and its reduction; '(-7.75%)' is a value in brackets."""
    two = _TWO_PERCENTS.match(inner)
    if two:
        return Reading(
            raw,
            value=percent(two["a"]),
            unit=Unit.PERCENT,
            decimals=_decimals(two["a"]),
            reduction=percent(two["b"]),
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
        return percent(number), Unit.PERCENT, decimals
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
    """A bracketed reduction, its number as written: see :func:`bracket_reduction`."""
    return bracket_reduction(percent(written), written)


def bracket_reduction(size: float, written: str) -> float:
    """The reduction a bracketed percentage of ``size`` (a fraction) means, by how it was written:
    "(1.5%)" and "(-1.5%)" both mean a 1.5% reduction; "(+2%)" is an increase (a reduction of -2%)."""
    return -abs(size) if written.lstrip(" (").startswith("+") else abs(size)


def percent(number: str) -> float:
    """'7.75' (per cent) -> 0.0775: the double nearest the decimal typed, hundredfold smaller."""
    return _percent_plain(number.replace(",", ""))


def _percent_plain(plain: str) -> float:
    """:func:`percent` of a figure written without separators.

    A figure of up to 15 digits is that decimal written with its exponent ('7.75e-2'), which ``float``
    reads to the nearest double, as ``hundredth`` gives it: its division by 100 is out by less than
    half the last place typed.  A longer figure is read as ``hundredth`` reads it."""
    if len(plain) - ("." in plain) <= 15:
        return float(plain + "e-2")
    return hundredth(float(plain), _decimals(plain))


def hundredth(value: float, decimals: int | None) -> float:
    """value / 100 as the number typed: 20.62 -> 0.2062, not 0.20620000000000002 (its binary neighbour)."""
    return round(value / 100.0, (decimals or 0) + 2)
