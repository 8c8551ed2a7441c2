"""Reading the messy cells officers type: every form in the Derby seed, placeholders, bad text."""

from __future__ import annotations

import csv
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_status.core.errors import CellError
from csp_status.core.parse import (
    EXPECTED,
    Reading,
    SheetNumber,
    in_row_unit,
    parse_cell,
    parse_fraction,
    read_cell,
)
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
        (15.0, PCT, (0.15, "'15' read as 15% (the row is in percentages)")),  # 15 typed plainly is 15%, not 1,500%
        (-7.75, PCT, (-0.0775, "'-7.75' read as -7.75% (the row is in percentages)")),
        (1.0, PCT, (1.0, None)),  # up to 1, a plain number is the fraction a percentage cell holds
        (10.8, Unit.MINUTES, (648.0, "'10.8' read as 10.8 minutes")),
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
    return reading._replace(text="")


# ---- the grammar, piece by piece (issue 12): real cells from published reports ----------------

from csp_status.core.grammar.polarity import read_polarity  # noqa: E402
from csp_status.core.vocabulary import Bound, Direction, Polarity  # noqa: E402

MIN, SEC, HR, DAY, GBP = Unit.MINUTES, Unit.SECONDS, Unit.HOURS, Unit.DAYS, Unit.GBP


def said(cell):
    """(value, unit) as stored: a percentage as a fraction, a duration in seconds."""
    r = parse_cell(cell)
    return (None if r.value is None else round(r.value, 9), r.unit)


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        # signs, separators, decimals
        ("+ 106,270", (106270.0, NUM)),
        ("- 1,685", (-1685.0, NUM)),
        ("- 3.1%", (-0.031, PCT)),
        ("+ 11.6%", (0.116, PCT)),
        ("-23.81%", (-0.2381, PCT)),
        ("12.0", (12.0, NUM)),
        # a space between thousands, in groups of exactly three; digits spaced otherwise are not a figure
        ("1 038", (1038.0, NUM)),
        ("12 345 678", (12345678.0, NUM)),
        ("-1 038.5", (-1038.5, NUM)),
        ("1 038 crimes", (1038.0, NUM)),
        # markers beside a figure
        ("1,234*", (1234.0, NUM)),
        ("1,234 (p)", (1234.0, NUM)),
        ("45.2% (provisional)", (0.452, PCT)),
        ("3,115\u00b9", (3115.0, NUM)),
        ("1420 crimes this year to date\u00b9", (1420.0, NUM)),
        ("17.5% [2]", (0.175, PCT)),
        ("5,678 (provisional figure)", (5678.0, NUM)),
        ("1,234p", (1234.0, NUM)),
        ("1,234r", (1234.0, NUM)),
        # qualifiers and periods
        ("YTD \u2013 10904 Oct \u2013 Dec -3584", (10904.0, NUM)),
        ("8.77% (12m to Sept 12)", (0.0877, PCT)),
        ("8.48% (December 2012)", (0.0848, PCT)),
        ("Apr-Sep 13 - 7320", (7320.0, NUM)),
        ("Sep \u2013 37.5%", (0.375, PCT)),
        ("54.5 (2005-2007 ave)", (54.5, NUM)),
        ("Baseline 2010 50.9% (1st Jan 2012 \u2013 31st Dec 2012)", (0.509, PCT)),
        ("4,321 (rolling 12 months)", (4321.0, NUM)),
        ("National rate 15.2% (2015/2016)", (0.152, PCT)),
        # number words, with a unit
        ("average waiting times of three minutes", (180.0, MIN)),
        ("a two percent decrease", (None, None)),
        ("twenty-five minutes", (1500.0, MIN)),
        # number words as counts: a word for none alone, or a number word with the nouns it counts
        ("Nil", (0.0, NUM)),
        ("Zero", (0.0, NUM)),
        ("None recorded", (0.0, NUM)),
        ("Three deaths", (3.0, NUM)),
        ("twelve incidents", (12.0, NUM)),
        ("Twenty-one serious violent incidents", (21.0, NUM)),
        # several figures: the first, a rate before a count
        ("Opiate = 7.3% Non-Opiate = 41.1% (Q2 Data \u2013data lag)", (0.073, PCT)),
        ("2015/16: 17,428 offences (+8%), 87.89 per 1,000 residents (21of32/8of15)", (87.89, PER)),
        ("38 of 46 (83%) indicators are rated as Green", (0.83, PCT)),
        ("Placed 1st nationally (12 months to December 2015).", (1.0, NUM)),
    ],
)
def test_grammar_numbers(cell, exp):
    got = said(cell)
    assert got == exp


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("63.81 per cent", (0.6381, PCT)),
        ("80 per cent. of final warnings were supported by interventions", (0.8, PCT)),
        ("12 percent", (0.12, PCT)),
        ("+1.5 percentage points", (0.015, PCT)),
        ("53.7 per 1000", (53.7, PER)),
        ("53.7 per thousand population", (53.7, PER)),
        ("12.4 offences per 1,000 population", (12.4, PER)),
        ("6.1 per 1,000 head of population", (6.1, PER)),
        ("25.91 per 1, 000 caseload", (25.91, PER)),
        ("3.2 per 10,000 population", (3.2, Unit.PER_10000)),
        ("41.5 per 100,000 population", (41.5, Unit.PER_100000)),
        ("20 mins", (1200.0, MIN)),
        ("Target Response Time = 20 mins", (1200.0, MIN)),
        ("8 hours", (28800.0, HR)),
        ("31.02days", (2680128.0, DAY)),
        ("2 weeks", (1209600.0, Unit.WEEKS)),
        ("8 minutes 07 seconds", (487.0, SEC)),
        ("8 minutes and 35 seconds", (515.0, SEC)),
        ("00:12:34", (754.0, SEC)),
        ("09:51", (591.0, SEC)),
        ("23:27:31", (84451.0, SEC)),
        ("£49.97m", (49970000.0, GBP)),
        ("£1.2bn", (1200000000.0, GBP)),
        ("£250k", (250000.0, GBP)),
        ("£3,500", (3500.0, GBP)),
        ("1,420 crimes", (1420.0, NUM)),
        ("504,685 patients", (504685.0, NUM)),
        ("1253 hours of Operation Servator", (4510800.0, HR)),
        ("210 per 100k", (210.0, Unit.PER_100000)),
        ("4.2 per 10k population", (4.2, Unit.PER_10000)),
        ("41.5 per 100 000", (41.5, Unit.PER_100000)),
        ("12.3 (per 1,000)", (12.3, PER)),  # the unit in brackets after the figure
        ("12 (days)", (12 * 86400.0, Unit.DAYS)),  # a unit word alone in the brackets, no digit in them
        ("12.3 (per 1,000 population)", (12.3, PER)),
        ("45 (%)", (0.45, PCT)),
        ("7m 30s", (450.0, SEC)),  # letters for units, read together
        ("1h 30m", (5400.0, MIN)),
        ("2h 5m 10s", (7510.0, SEC)),
    ],
)
def test_grammar_units(cell, exp):
    got = said(cell)
    assert got == exp


def target(cell):
    r = parse_cell(cell)
    value = None if r.value is None else round(r.value, 9)
    reduction = None if r.reduction is None else round(r.reduction, 9)
    return value, r.bound, r.direction, reduction, r.due


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("at least 500", (500.0, Bound.AT_LEAST, None, None, None)),
        ("At least 500 visits", (500.0, Bound.AT_LEAST, None, None, None)),
        ("no more than 30 per cent. of all remand episode decisions", (0.3, Bound.AT_MOST, None, None, None)),
        ("Minimum 75%", (0.75, Bound.AT_LEAST, None, None, None)),
        ("a minimum of 1,500 audits", (1500.0, Bound.AT_LEAST, None, None, None)),
        ("Maximum of 10 days", (864000.0, Bound.AT_MOST, None, None, None)),
        ("Max. 10 days", (864000.0, Bound.AT_MOST, None, None, None)),
        ("Min. 75%", (0.75, Bound.AT_LEAST, None, None, None)),
        # a limit with a unit is a bound, never a small number withheld
        ("Under 10 minutes", (600.0, Bound.LESS_THAN, None, None, None)),
        ("Fewer than 5 days", (432000.0, Bound.LESS_THAN, None, None, None)),
        ("< 5%", (0.05, Bound.LESS_THAN, None, None, None)),
        ("\u2264 5%", (0.05, Bound.AT_MOST, None, None, None)),
        (">75% within 8 minutes", (0.75, Bound.MORE_THAN, None, None, None)),
        ("\u2265 90%", (0.9, Bound.AT_LEAST, None, None, None)),
        ("Greater than 50%", (0.5, Bound.MORE_THAN, None, None, None)),
        ("500 or more", (500.0, Bound.AT_LEAST, None, None, None)),
        ("500+", (500.0, Bound.AT_LEAST, None, None, None)),
        ("Maintain 9% or above", (0.09, Bound.AT_LEAST, None, None, None)),
        ("is at or below an average of 9.2 days per annum", (794880.0, Bound.AT_MOST, None, None, None)),
        ("Reach incidents within eight minutes, on average", (480.0, Bound.AT_MOST, None, None, None)),
        ("Deliver services within the \u00a349.97m budget set for 2023/24", (49970000.0, Bound.AT_MOST, None, None, None)),
        # a direction with no figure
        ("2016/17 Target: Reduction on last years figures", (None, None, Direction.REDUCE, None, None)),
        ("Maintain", (None, None, Direction.MAINTAIN, None, None)),
        ("To maintain and if possible increase the number of detections for violent crimes:",
         (None, None, Direction.MAINTAIN, None, None)),
        ("Respondents feeling very or quite unsafe after dark will be reduced", (None, None, Direction.REDUCE, None, None)),
        ("Attainment: Improvement in performance is expected", (None, None, Direction.IMPROVE, None, None)),
        # a direction said against last year
        ("Lower than last year", (None, None, Direction.REDUCE, None, None)),
        ("Fewer than last year", (None, None, Direction.REDUCE, None, None)),
        ("Keep below last year's level", (None, None, Direction.REDUCE, None, None)),  # below it, not level with it
        ("Above the previous year's figure", (None, None, Direction.INCREASE, None, None)),
        ("No worse than last year", (None, None, Direction.MAINTAIN, None, None)),
        ("Better than the baseline", (None, None, Direction.IMPROVE, None, None)),
        # reductions, with the figure they lead to and the year
        ("15% reduction", (None, None, Direction.REDUCE, 0.15, None)),
        ("Reduce domestic burglary 20% by 2008", (None, None, Direction.REDUCE, 0.2, "2008")),
        ("Aim 2: Reduce crime* by 12.5% by 2008", (None, None, Direction.REDUCE, 0.125, "2008")),
        ("Reduce the number of Juvenile Nuisance incidents citywide by 6% to 9,704 by 2005",
         (9704.0, Bound.AT_MOST, Direction.REDUCE, 0.06, "2005")),
        ("A nationally set target to increase by five per cent. the number of crimes",
         (None, None, Direction.INCREASE, -0.05, None)),
        ("halved from 142 days to 71 days or lower", (6134400.0, Bound.AT_MOST, Direction.REDUCE, 0.5, None)),
        ("19(25%reduction on 25 repeat incidents)", (19.0, None, None, 0.25, None)),
        ("Increase the conviction rate for domestic abuse to 75% of cases charged",
         (0.75, Bound.AT_LEAST, Direction.INCREASE, None, None)),
        ("the target has been upscaled from 80% to 90%", (0.9, None, None, None, None)),
        # the Derby forms are unchanged
        ("7.1% (1.5%)", (0.071, None, None, 0.015, None)),
        ("54.3 per 1,000 residents (-1.5%)", (54.3, None, None, 0.015, None)),
    ],
)
def test_grammar_targets(cell, exp):
    got = target(cell)
    assert got == exp


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        # no figure yet
        ("Data Not yet available", Placeholder.AWAITED),
        ("figures not yet published", Placeholder.AWAITED),
        ("These data are not yet available.", Placeholder.AWAITED),
        ("NYA", Placeholder.AWAITED),
        ("n/k", Placeholder.AWAITED),
        ("Pending", Placeholder.AWAITED),
        ("Awaiting information", Placeholder.AWAITED),
        ("Due in May 2024", Placeholder.AWAITED),
        ("No New Data Published", Placeholder.AWAITED),
        ("-", Placeholder.AWAITED),
        ("\u2013", Placeholder.AWAITED),
        ("Reporting cycle to be confirmed", Placeholder.TO_BE_CONFIRMED),
        # put together: publishing and when, a frequency before a measure, a next publication
        ("Data due October", Placeholder.AWAITED),
        ("Figures will be available in March", Placeholder.AWAITED),
        ("Data to be published in July 2024", Placeholder.AWAITED),
        ("Available in Q3", Placeholder.AWAITED),
        ("Year end figure available June", Placeholder.AWAITED),  # 'end' is no direction here
        ("Next update: Nov 2024", Placeholder.AWAITED),
        ("Reported annually", Placeholder.AWAITED),
        ("Annual measure", Placeholder.AWAITED),
        ("Annual indicator - reported in Q4", Placeholder.AWAITED),
        ("Reported in Q4", Placeholder.AWAITED),
        ("Data published quarterly in arrears", Placeholder.AWAITED),
        ("Results expected in the autumn", Placeholder.AWAITED),
        ("Quarterly figures", Placeholder.AWAITED),
        ("Only annual data published", Placeholder.AWAITED),
        # never a figure here
        ("Not monitored.", Placeholder.NOT_APPLICABLE),
        ("Longest Response \u2013 Not monitored", Placeholder.NOT_APPLICABLE),
        ("New measure", Placeholder.NOT_APPLICABLE),
        ("Indicator amended for 2006/07", Placeholder.NOT_APPLICABLE),
        # no target: kept apart from no figure
        ("To be set", Placeholder.NOT_SET),
        ("Indicators to be agreed in negotiations", Placeholder.NOT_SET),
        ("No target", Placeholder.NOT_SET),
        ("Target not set", Placeholder.NOT_SET),
        ("Monitoring only", Placeholder.NOT_SET),
        ("Monitor only", Placeholder.NOT_SET),
        ("Targets being developed", Placeholder.NOT_SET),
        ("Target still to be defined", Placeholder.NOT_SET),
        ("Contextual indicator", Placeholder.NOT_SET),
        ("For information", Placeholder.NOT_SET),
        ("Measure being developed", Placeholder.NOT_APPLICABLE),  # no target, and no figure either
        # a small number withheld
        ("Under 5", Placeholder.SUPPRESSED),
        ("5 or under", Placeholder.SUPPRESSED),
        ("Fewer than 5", Placeholder.SUPPRESSED),
        ("<5", Placeholder.SUPPRESSED),
        ("<10", Placeholder.SUPPRESSED),
        ("Fewer than 10 deaths", Placeholder.SUPPRESSED),  # a count noun: withheld in a figure cell
        ("*", Placeholder.SUPPRESSED),
    ],
)
def test_grammar_placeholders(cell, exp):
    got = parse_cell(cell)
    assert (got.placeholder, got.value) == (exp, None)


@pytest.mark.parametrize("cell", ["1 03", "1 0385", "12 3456", "12 34 567"])
def test_parse_cell_spaced_digits_are_not_the_first_group(cell):
    """Digits spaced as no thousands are ('1 0385') cannot be read: never the first group alone (1)."""
    with pytest.raises(CellError):
        parse_cell(cell)


@pytest.mark.parametrize("cell", ["seven", "One year", "Zero tolerance", "Two thirds", "three more"])
def test_parse_cell_number_words_that_are_not_counts(cell):
    got = read_cell(cell)
    assert got.value is None


LOWER, HIGHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER


@pytest.mark.parametrize(
    ("description", "exp"),
    [
        ("Reassure the public, reducing the fear of crime", (LOWER, "reducing")),  # a verb anywhere
        ("Reduce the proportion of residents who believe the ASB has increased", (LOWER, "Reduce")),  # the first verb
        ("No increase in the number of first-time entrants", (LOWER, "No increase")),  # negated
        ("Days lost due to absence (all other employees)", (LOWER, "lost")),
        ("Lost Rental Income", (LOWER, "Lost")),  # 'lost' outweighs 'income'
        ("Average customer wait time to corporate contact centre", (LOWER, "wait time")),
        ("Percentage of victims satisfied with ease of contact.", (HIGHER, "satisfied")),
        ("% life risk and property emergency calls handled within 90 seconds", (HIGHER, "within 90 seconds")),
        ("Proportion of offenders who reoffend within 12 months", (LOWER, "reoffend")),  # a period, not a time limit
        ("Percentage of calls not answered within 30 seconds", (LOWER, "not \u2026 within 30 seconds")),
        ("We will not tolerate an increase in knife crime", (LOWER, "not \u2026 increase")),  # negated in its clause
        ("Number of victims who did not feel supported", (LOWER, "not \u2026 supported")),  # a good word negated
        ("Offenders who didn't reoffend within 6 months", (HIGHER, "n't \u2026 reoffend")),
        ("No. of domestic burglaries", (LOWER, "burglaries")),  # 'No.' is the number, not a negation
        ("Where no crime was recorded, the victim was satisfied", (HIGHER, "satisfied")),  # a negation ends with its clause
        ("Number of Prevent referrals", (None, "referrals")),  # 'Prevent' is a programme's name
        ("Prevent fires in the home", (LOWER, "Prevent")),  # at the start, the verb
        ("Number Of Incidents Reduced", (LOWER, "Reduced")),  # Title Case: still the verb
        ("The number of violent crimes detected per 100 officers;", (HIGHER, "detected")),
        ("Accidental dwelling fires", (LOWER, "fires")),
        ("Repeat incidences of domestic violence.", (LOWER, "Repeat")),
        ("The number of domestic abuse crimes and incidents", (None, "domestic abuse")),  # more reporting is welcome
        ("Number of injuries from accidental fires in dwellings excluding precautionary checks", (LOWER, "injuries")),
        ("Rolling 12 Months number of recorded hate crimes (and incidents)", (None, "hate")),
        ("Number of cases heard at MARAC", (None, "cases heard")),
        ("Count of Occurrences", (None, "")),
    ],
)
def test_grammar_polarity(description, exp):
    found = read_polarity(description)
    got = (found.polarity, found.words)
    assert got == exp


@pytest.mark.parametrize(
    ("description", "cell", "exp"),
    [
        ("Safe and Well visits", "at least 500", (HIGHER, "polarity: higher is better, from 'at least' in the target")),
        ("Fire-related injuries", "Reduce", (LOWER, "polarity: lower is better, from 'reduce' in the target")),
        ("Number of enforcement complaints", "no more than 20", (LOWER, "polarity: lower is better, from 'at most' in the target")),
        ("Count of Occurrences", "150", (None, "polarity not set: the wording does not say whether a higher or lower "
                                              "figure is better; choose 'Lower is better' or 'Higher is better' in Indicators")),
    ],
)
def test_grammar_polarity_from_the_target(description, cell, exp):
    found = read_polarity(description, parse_cell(cell))
    got = (found.polarity, found.note)
    assert got == exp


# ---- properties of the grammar ----------------------------------------------------------------

FIGURES = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(lambda n: f"{n:,}"),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False).map(lambda d: f"{d}%"),
    st.decimals(min_value=0, max_value=999, places=1, allow_nan=False).map(lambda d: f"{d} per 1,000 residents"),
    st.integers(min_value=1, max_value=10**5).map(lambda n: f"{n:,} crimes"),
    st.integers(min_value=1, max_value=59).map(lambda n: f"{n} minutes"),
    st.sampled_from(["7.1% (1.5%)", "50% (62/124)", "15.2% (-1.5%)", "53.7 per 1,000 residents", "13,102",
                     "63.81 per cent", "8 minutes 07 seconds", "00:12:34", "\u00a349.97m", "at least 500",
                     "no more than 30 per cent.", "4 minutes (Quarterly target)"]),
)
MARKERS = st.sampled_from(["*", "**", " (p)", " (P)", "(r)", " (provisional)", " provisional", "\u00b9", "\u00b2",
                           " [1]", " [note 3]", "\u2020"])
IGNORED = st.sampled_from([
    ("YTD ", ""), ("YTD \u2013 ", ""), ("", " YTD"), ("", " (rolling 12 months)"), ("", " (12 months to March 2024)"),
    ("", " (2019/20)"), ("2019/20: ", ""), ("Q2: ", ""), ("", " (Q3)"), ("", " year to date"), ("", " (see footnote)"),
])


def _value(text):
    r = parse_cell(text)
    return (r.value, r.unit, r.numerator, r.denominator, r.reduction, r.bound)


@given(FIGURES, MARKERS)
def test_parse_cell_markers_change_no_value(figure, marker):
    got = _value(figure + marker)
    assert got == _value(figure)


@given(FIGURES, MARKERS)
def test_parse_cell_provisional_marker_is_kept(figure, marker):
    got = parse_cell(figure + marker)
    assert got.provisional == ("p" in marker.lower() or "r)" in marker)


@given(FIGURES, IGNORED)
def test_parse_cell_ignored_words_change_no_value(figure, around):
    before, after = around
    got = _value(before + figure + after)
    assert got == _value(figure)


@given(st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from([" per cent", " percent", "%"]))
def test_parse_cell_per_cent_in_words_reads_back(x, word):
    got = parse_cell(f"{x}{word}")
    assert (got.value, got.unit) == (float(x / 100), PCT)


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        (SheetNumber(754 / 86400, "hh:mm:ss"), (754.0, Unit.SECONDS, "00:12:34")),
        (SheetNumber(591 / 86400, "mm:ss"), (591.0, Unit.SECONDS, "09:51")),
        (SheetNumber(0.3620, "0.0%"), (0.362, PCT, "36.2%")),
        (SheetNumber(13102.0, "#,##0"), (13102.0, None, "13,102")),
    ],
)
def test_parse_cell_spreadsheet_numbers_read_as_their_text_does(cell, exp):
    """A number typed in a cell with its format reads as the same figure typed as text."""
    got = parse_cell(cell)
    assert (round(got.value, 6), got.unit, got.text) == exp


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("2,300 to 2,500", (2300.0, 2500.0, Unit.NUMBER)),
        ("Between 85% and 90%", (0.85, 0.9, Unit.PERCENT)),
        ("85-90%", (0.85, 0.9, Unit.PERCENT)),  # a dash between two figures, the unit after the second
        ("24-48 hours", (86400.0, 172800.0, Unit.HOURS)),
        ("3.5-4.5 per 1,000", (3.5, 4.5, Unit.PER_1000)),
        ("Target 10-15 minutes", (600.0, 900.0, Unit.MINUTES)),
        ("2019-20", None),  # a year, no range
        ("Priority 2 – 90% of target response times met.", (0.9, None, Unit.PERCENT)),  # a label, then the figure
        ("9-5 hours", (32400.0, None, Unit.HOURS)),  # the second end is not larger: the first figure
    ],
)
def test_grammar_ranges(cell, exp):
    reading = read_cell(cell)
    got = None if reading.value is None else (reading.value, reading.upper, reading.unit)
    assert got == exp
    assert (reading.upper is not None) == any("read as a range" in note for note in reading.notes)
