"""Reading the messy cells officers type: every form in the Derby seed, placeholders, bad text."""

from __future__ import annotations

import csv
import math
from decimal import Decimal
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_status.core.errors import CellError
from csp_status.core.parse import EXPECTED, Reading, in_row_unit, parse_cell, parse_fraction, read_cell
from csp_status.core.vocabulary import Placeholder, Unit

PCT, NUM, PER = Unit.PERCENT, Unit.NUMBER, Unit.PER_1000


def pct(written: float) -> float:
    """A written percentage as a fraction, the double nearest the decimal typed (7.75 -> 0.0775)."""
    return float(Decimal(str(written)) / 100)


def nothing(text: str, kind: Placeholder) -> Reading:
    return Reading(text, placeholder=kind, reason=text)


def blank(text: str = "") -> Reading:
    return Reading(text, placeholder=Placeholder.BLANK, reason="blank")


# Every distinct non-empty baseline, comparator, target and performance cell of the seed.
SEED_CELLS = [
    ("n/a", nothing("n/a", Placeholder.NOT_APPLICABLE)),
    ("Baseline year", nothing("Baseline year", Placeholder.BASELINE_YEAR)),
    ("TBA", nothing("TBA", Placeholder.TO_BE_ANNOUNCED)),
    ("Awaited", nothing("Awaited", Placeholder.AWAITED)),
    ("Targets TBC from NTA", nothing("Targets TBC from NTA", Placeholder.TO_BE_CONFIRMED)),
    ("TBC nationally", nothing("TBC nationally", Placeholder.TO_BE_CONFIRMED)),
    ("5.89%", Reading("5.89%", pct(5.89), PCT, 2)),
    ("5.36%", Reading("5.36%", pct(5.36), PCT, 2)),
    ("7.21%", Reading("7.21%", pct(7.21), PCT, 2)),
    ("7.1% (1.5%)", Reading("7.1% (1.5%)", pct(7.1), PCT, 1, reduction=pct(1.5))),
    ("(6.9% 3%)", Reading("(6.9% 3%)", pct(6.9), PCT, 1, reduction=pct(3))),
    ("(6.8% 5%)", Reading("(6.8% 5%)", pct(6.8), PCT, 1, reduction=pct(5))),
    ("(-7.75%)", Reading("(-7.75%)", pct(-7.75), PCT, 2, bracketed=True)),
    ("14467", Reading("14467", 14467.0, NUM, 0)),
    ("13267", Reading("13267", 13267.0, NUM, 0)),
    ("13485", Reading("13485", 13485.0, NUM, 0)),
    ("11742", Reading("11742", 11742.0, NUM, 0)),
    ("13282", Reading("13282", 13282.0, NUM, 0)),
    ("13080", Reading("13080", 13080.0, NUM, 0)),
    ("12810", Reading("12810", 12810.0, NUM, 0)),
    ("13,102", Reading("13,102", 13102.0, NUM, 0)),
    ("59.2 per 1,000 residents", Reading("59.2 per 1,000 residents", 59.2, PER, 1)),
    ("53.5 per 1,000 residents", Reading("53.5 per 1,000 residents", 53.5, PER, 1)),
    ("55.2 per 1,000 residents", Reading("55.2 per 1,000 residents", 55.2, PER, 1)),
    ("48.2 per 1,000 residents", Reading("48.2 per 1,000 residents", 48.2, PER, 1)),
    ("53.7 per 1,000 residents", Reading("53.7 per 1,000 residents", 53.7, PER, 1)),
    (
        "54.3 per 1,000 residents (-1.5%)",
        Reading("54.3 per 1,000 residents (-1.5%)", 54.3, PER, 1, reduction=pct(1.5)),
    ),
    (
        "53.5 per 1,000 residents (-3%)",
        Reading("53.5 per 1,000 residents (-3%)", 53.5, PER, 1, reduction=pct(3)),
    ),
    (
        "52.4 per 1,000 residents (-5%)",
        Reading("52.4 per 1,000 residents (-5%)", 52.4, PER, 1, reduction=pct(5)),
    ),
    (
        "19% (63/337) (care-planned exits/total exits)",
        Reading(
            "19% (63/337) (care-planned exits/total exits)", pct(19), PCT, 0,
            numerator=63.0, denominator=337.0, label="care-planned exits/total exits",
        ),
    ),
    ("31% (95/306)", Reading("31% (95/306)", pct(31), PCT, 0, numerator=95.0, denominator=306.0)),
    ("43% (150/346)", Reading("43% (150/346)", pct(43), PCT, 0, numerator=150.0, denominator=346.0)),
    ("50% (62/124)", Reading("50% (62/124)", pct(50), PCT, 0, numerator=62.0, denominator=124.0)),
    (
        "63.30% (124/196) (care-planned exits/total exits)",
        Reading(
            "63.30% (124/196) (care-planned exits/total exits)", pct(63.30), PCT, 2,
            numerator=124.0, denominator=196.0, label="care-planned exits/total exits",
        ),
    ),
    (
        "71.10% (170/239)",
        Reading("71.10% (170/239)", pct(71.10), PCT, 2, numerator=170.0, denominator=239.0),
    ),
    (
        "42.80% (181/423)",
        Reading("42.80% (181/423)", pct(42.80), PCT, 2, numerator=181.0, denominator=423.0),
    ),
    ("42% (42/99)", Reading("42% (42/99)", pct(42), PCT, 0, numerator=42.0, denominator=99.0)),
    (
        "14.22% (number of repeats/ total recorded dv)",
        Reading(
            "14.22% (number of repeats/ total recorded dv)", pct(14.22), PCT, 2,
            label="number of repeats/ total recorded dv",
        ),
    ),
    ("14.71%", Reading("14.71%", pct(14.71), PCT, 2)),
    ("15.45%", Reading("15.45%", pct(15.45), PCT, 2)),
    ("15.2% (-1.5%)", Reading("15.2% (-1.5%)", pct(15.2), PCT, 1, reduction=pct(1.5))),
    ("15 (-3%)", Reading("15 (-3%)", 15.0, NUM, 0, reduction=pct(3))),
    ("14.7% (-5%)", Reading("14.7% (-5%)", pct(14.7), PCT, 1, reduction=pct(5))),
    ("15.59%", Reading("15.59%", pct(15.59), PCT, 2)),
]

# Forms beyond the seed that officers type, and what a spreadsheet hands over.
OTHER_CELLS = [
    ("7.75%", Reading("7.75%", pct(7.75), PCT, 2)),
    ("7.1 %", Reading("7.1 %", pct(7.1), PCT, 1)),
    ("7.1%(1.5%)", Reading("7.1%(1.5%)", pct(7.1), PCT, 1, reduction=pct(1.5))),
    ("7.1% (+2%)", Reading("7.1% (+2%)", pct(7.1), PCT, 1, reduction=-pct(2))),
    ("15 (+2%)", Reading("15 (+2%)", 15.0, NUM, 0, reduction=-pct(2))),
    ("\u22127.75%", Reading("\u22127.75%", pct(-7.75), PCT, 2)),
    (".5%", Reading(".5%", pct(0.5), PCT, 1)),
    ("1,234,567.5", Reading("1,234,567.5", 1234567.5, NUM, 1)),
    ("53.7 per 1000", Reading("53.7 per 1000", 53.7, PER, 1)),
    ("53.7 PER 1,000 residents", Reading("53.7 PER 1,000 residents", 53.7, PER, 1)),
    (
        "50% (62/124) (care-planned exits/total exits)",
        Reading(
            "50% (62/124) (care-planned exits/total exits)", pct(50), PCT, 0,
            numerator=62.0, denominator=124.0, label="care-planned exits/total exits",
        ),
    ),
    ("N/A", nothing("N/A", Placeholder.NOT_APPLICABLE)),
    ("-", nothing("-", Placeholder.AWAITED)),  # a lone dash: no figure yet (issue 12)
    ("tbc", nothing("tbc", Placeholder.TO_BE_CONFIRMED)),
    ("TBA 2012", nothing("TBA 2012", Placeholder.TO_BE_ANNOUNCED)),
    ("Baseline", nothing("Baseline", Placeholder.BASELINE_YEAR)),
    ("  Awaited ", Reading("  Awaited ", placeholder=Placeholder.AWAITED, reason="Awaited")),
    ("", blank()),
    ("   ", blank("   ")),
    (None, blank()),
    (math.nan, blank()),
    (3, Reading("3", 3.0)),
    (-2, Reading("-2", -2.0)),
    (13102.0, Reading("13102", 13102.0)),
    (0.0775, Reading("0.0775", 0.0775)),
    (53.7, Reading("53.7", 53.7)),
]


@pytest.mark.parametrize(("cell", "exp"), SEED_CELLS + OTHER_CELLS)
def test_parse_cell_reads_every_form(cell, exp):
    got = parse_cell(cell)
    assert got == exp


def test_parse_cell_table_covers_every_seed_cell(seed_path: Path):
    with seed_path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if row and row[0].startswith("CNP")]
    in_seed = {cell for row in rows for cell in row[2:13] if cell.strip()}
    got = in_seed - {cell for cell, _ in SEED_CELLS}
    assert got == set()


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("7.75%", (0.0775, None, None, None, None, None)),
        ("50% (62/124)", (0.5, 62.0, 124.0, None, None, None)),
        ("59.2 per 1,000 residents", (59.2, None, None, None, None, None)),
        ("15.2% (-1.5%)", (0.152, None, None, 0.015, None, None)),
        ("(6.9% 3%)", (0.069, None, None, 0.03, None, None)),
        ("19% (63/337) (care-planned exits/total exits)",
         (0.19, 63.0, 337.0, None, "care-planned exits/total exits", None)),
        ("n/a", (None, None, None, None, None, "n/a")),
    ],
)
def test_parse_cell_design_examples(cell, exp):
    """The examples of DESIGN section 4, in the figures written there."""
    reading = parse_cell(cell)
    value = None if reading.value is None else round(reading.value, 6)
    reduction = None if reading.reduction is None else round(reading.reduction, 6)
    got = (value, reading.numerator, reading.denominator, reduction, reading.label, reading.reason)
    assert got == exp


GENERIC = (
    "a number such as '13,102', a percentage such as '7.1%', a rate such as "
    "'53.7 per 1,000 residents', '50% (62/124)', a target with its reduction such as "
    "'7.1% (1.5%)', or n/a, TBA, TBC, Baseline year, Awaited"
)
UNREADABLE = [
    ("seven", "cannot read 'seven': expected " + GENERIC),
    ("1,2,3", "cannot read '1,2,3': expected " + GENERIC),
    ("5%%", "cannot read '5%%': expected " + GENERIC),
    ("12abc", "cannot read '12abc': expected " + GENERIC),
    ("1e5", "cannot read '1e5': expected " + GENERIC),
    ("1" * 400, "cannot read '" + "1" * 59 + "…': expected a number of ordinary size"),
    ("%", "cannot read '%': expected " + GENERIC),
    ("12,34", "cannot read '12,34': expected " + GENERIC),
    ("1.", "cannot read '1.': expected " + GENERIC),
    ("inf", "cannot read 'inf': expected " + GENERIC),
    ("nan", "cannot read 'nan': expected " + GENERIC),
    ("\u0661\u0662", "cannot read '\u0661\u0662': expected " + GENERIC),  # Arabic-Indic digits
    ("7.1% (1.5%) (2%)", "cannot read '7.1% (1.5%) (2%)': expected " + GENERIC),
    ("50% (62/124) (1/2)", "cannot read '50% (62/124) (1/2)': expected " + GENERIC),
    ("(5%) (3%)", "cannot read '(5%) (3%)': expected " + GENERIC),
    ("7.1% (abc", "cannot read '7.1% (abc': expected " + GENERIC),
    ("TBAs", "cannot read 'TBAs': expected " + GENERIC),
]


def test_expected_wording_is_the_generic_one():
    assert EXPECTED == GENERIC


@pytest.mark.parametrize(("cell", "exp"), UNREADABLE)
def test_parse_cell_unreadable_text_raises(cell, exp):
    with pytest.raises(CellError) as info:
        parse_cell(cell)
    got = (str(info.value), info.value.text)
    assert got == (exp, cell)


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        (True, "cannot read 'True': expected " + GENERIC),
        (math.inf, "cannot read 'inf': expected a finite number"),
        (-math.inf, "cannot read '-inf': expected a finite number"),
        ([1], "cannot read '[1]': expected " + GENERIC),
    ],
)
def test_parse_cell_non_numbers_raise(cell, exp):
    with pytest.raises(CellError) as info:
        parse_cell(cell)
    got = str(info.value)
    assert got == exp


def test_cell_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_cell("seven")


@pytest.mark.parametrize(("cell", "exp"), UNREADABLE)
def test_read_cell_unreadable_gives_reason(cell, exp):
    got = read_cell(cell)
    assert got == Reading(cell, placeholder=Placeholder.UNREADABLE, reason=exp)
    assert (got.has_value, got.unreadable) == (False, True)


@pytest.mark.parametrize(("cell", "exp"), SEED_CELLS + OTHER_CELLS)
def test_read_cell_agrees_with_parse_cell(cell, exp):
    got = read_cell(cell)
    assert got == exp


@pytest.mark.parametrize(
    ("cell", "row_unit", "exp"),
    [
        ("15", PCT, (0.15, "'15' read as 15% (the row is in percentages)")),
        (" 15 ", PCT, (0.15, "'15' read as 15% (the row is in percentages)")),
        ("13,102", PCT, (131.02, "'13,102' read as 13,102% (the row is in percentages)")),
        ("0.00001", PCT, (pct(0.00001), "'0.00001' read as 0.00001% (the row is in percentages)")),
        ("15 (-3%)", PCT, (0.15, "'15 (-3%)' read as 15% (the row is in percentages)")),
        (15.0, PCT, (15.0, None)),  # a spreadsheet number is taken as stored
        (0.15, PCT, (0.15, None)),
        ("15%", PCT, (pct(15), None)),
        ("15", NUM, (15.0, None)),
        ("15", None, (15.0, None)),
        ("53.7 per 1,000 residents", PER, (53.7, None)),
        ("n/a", PCT, (None, None)),
        (None, PCT, (None, None)),
    ],
)
def test_in_row_unit(cell, row_unit, exp):
    got = in_row_unit(parse_cell(cell), row_unit)
    assert got == exp


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("1.5%", pct(1.5)),
        ("-3%", pct(-3)),
        (0.015, 0.015),
        ("0.015", 0.015),
        ("", None),
        (None, None),
        ("n/a", None),
    ],
)
def test_parse_fraction(cell, exp):
    got = parse_fraction(cell)
    assert got == exp


@pytest.mark.parametrize("cell", ["50% (62/124)", "7.1% (1.5%)", "14.22% (number of repeats/ total recorded dv)"])
def test_parse_fraction_rejects_compound_cells(cell):
    with pytest.raises(CellError) as info:
        parse_fraction(cell, what="a reduction")
    got = str(info.value)
    assert got == f"cannot read {cell!r}: expected a reduction such as 0.015 or '1.5%'"


# ---- properties --------------------------------------------------------------------------------

CELL_ALPHABET = st.sampled_from(
    list("0123456789%()/,.-+ eE\t") + ["per 1,000", " residents", "n/a", "TBC", "\u2212", "\u00a0", "\u0663"]
)
ANY_TEXT = st.one_of(st.text(), st.lists(CELL_ALPHABET, max_size=12).map("".join))


@given(ANY_TEXT)
def test_parse_cell_any_text_gives_reading_or_cell_error(text):
    try:
        got = parse_cell(text)
    except CellError as err:
        assert err.text == text
    else:
        assert isinstance(got, Reading)
        worded_target = got.direction is not None or got.reduction is not None or got.change is not None
        assert (got.has_value, got.placeholder is not None) in ((True, False), (False, True)) or (
            not got.has_value and got.placeholder is None and worded_target
        )


@given(ANY_TEXT)
def test_read_cell_never_raises(text):
    got = read_cell(text)
    assert isinstance(got, Reading)


@given(st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False, allow_infinity=False))
def test_parse_cell_percent_reads_back(x):
    got = parse_cell(f"{x}%")
    assert (got.value, got.unit, got.decimals) == (
        float(x / 100),  # exactly the number typed, as near as a double can hold it: 20.62% is 0.2062
        PCT,
        -x.as_tuple().exponent,
    )


WHITESPACE = st.text(alphabet=" \t\n\r\x0b\x0c\u00a0\u2003\u3000", max_size=4)


@given(st.one_of(ANY_TEXT, st.sampled_from([cell for cell, _ in SEED_CELLS + OTHER_CELLS if isinstance(cell, str)])),
       WHITESPACE, WHITESPACE)
def test_parse_cell_surrounding_whitespace_changes_nothing(text, before, after):
    assert _outcome(before + text + after) == _outcome(text)


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=0, max_value=3),
       st.sampled_from(["", "%", " per 1,000 residents"]))
def test_parse_cell_thousands_separators_read_the_same(n, places, suffix):
    x = n / 10**places
    plain, grouped = f"{x:.{places}f}{suffix}", f"{x:,.{places}f}{suffix}"
    assert _outcome(grouped) == _outcome(plain)


def _outcome(text: str):
    """What a cell says, apart from its raw text (kept as typed)."""
    try:
        reading = parse_cell(text)
    except CellError:
        return "unreadable"
    return replace(reading, text="")
