"""The worksheet functions (udfs/csp_udfs.py) as Excel calls them through xlwings on Windows.

What arrives from Excel with the module's ``@xw.arg(ndim=2, err_to_str=True)``: every argument as a
2-D list (a single cell is ``[[x]]``), numbers as floats, blank cells as None, dates as datetimes,
TRUE/FALSE as bools, the seven classic error values as text ("#N/A"), and newer ones (#SPILL!,
#CALC!) as the COM error number.  Off Windows the decorators pass through, so the tests call the
functions with exactly those values.  Plain scalars (a Python caller, or xlwings' default) work too.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

UDFS = Path(__file__).resolve().parents[1] / "udfs"
if str(UDFS) not in sys.path:
    sys.path.insert(0, str(UDFS))

import csp_udfs  # noqa: E402
from csp_udfs import CSP_GAP, CSP_RATE, CSP_STATUS, CSP_TARGET, CSP_TREND, CSP_VALUE  # noqa: E402

UDFS_BY_NAME = {name: getattr(csp_udfs, name) for name in csp_udfs.__all__}
STATUS_WORDS = {"GREEN", "AMBER", "RED", "NO TARGET", "AWAITED", "CHECK"}
TREND_WORDS = {"IMPROVING", "WORSENING", "NO CHANGE", ""}


def is_message(value: object) -> bool:
    return isinstance(value, str) and value.startswith("#CSP! ")


# ---- CSP_VALUE -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("7.75%", 0.0775),
        ("13,102", 13102.0),
        ("53.7 per 1,000 residents", 53.7),
        ("50% (62/124)", 0.5),
        ("42.80% (181/423)", 0.428),
        ("19% (63/337) (care-planned exits/total exits)", 0.19),
        ("7.1% (1.5%)", 0.071),
        ("15.2% (-1.5%)", 0.152),
        ("(6.9% 3%)", 0.069),
        ("(-7.75%)", -0.0775),
        ("  15.59% ", 0.1559),
        (0.0775, 0.0775),
        (13102.0, 13102.0),
        (13102, 13102.0),
        (0.0, 0.0),
    ],
)
def test_csp_value_numbers(cell, exp):
    got = CSP_VALUE(cell)
    assert type(got) is float
    assert got == pytest.approx(exp)


@pytest.mark.parametrize(
    "cell",
    [None, "", "   ", "n/a", "TBA", "TBC nationally", "Targets TBC from NTA", "Baseline year",
     "Awaited", float("nan")],
)
def test_csp_value_no_figure_is_blank_text(cell):
    got = CSP_VALUE(cell)
    assert got == ""
    assert type(got) is str


@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("seven", "#CSP! cannot read 'seven': expected a number such as '13,102', a percentage"
                  " such as '7.1%', ..."),
        (True, "#CSP! cannot read 'True': expected a number such as '13,102', a percentage"
               " such as '7.1%', ..."),
        (dt.datetime(2011, 6, 30), "#CSP! cannot read '2011-06-30 00:00:00': expected a number"
                                   " such as '13,102', a percentage such as '7.1%', ..."),
        ("7.1\n%%", "#CSP! cannot read '7.1 %%': expected a number such as '13,102', a"
                    " percentage such as '7.1%', ..."),
    ],
)
def test_csp_value_unreadable_gives_message(cell, exp):
    assert CSP_VALUE(cell) == exp


# ---- Excel error values ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cell", "exp"),
    [
        ("#N/A", "#CSP! cell is #N/A"),  # err_to_str=True: the classic seven arrive as text
        ("#DIV/0!", "#CSP! cell is #DIV/0!"),
        ("#VALUE!", "#CSP! cell is #VALUE!"),
        ("#REF!", "#CSP! cell is #REF!"),
        ("#NAME?", "#CSP! cell is #NAME?"),
        ("#NUM!", "#CSP! cell is #NUM!"),
        ("#NULL!", "#CSP! cell is #NULL!"),
        (-2146826246, "#CSP! cell is #N/A"),  # the COM error number, without err_to_str
        (-2146826243, "#CSP! cell is #SPILL!"),  # newer errors xlwings does not name
        (-2146826238, "#CSP! cell is #CALC!"),
    ],
)
def test_csp_value_excel_error_is_named(cell, exp):
    assert CSP_VALUE(cell) == exp
    assert CSP_VALUE([[cell]]) == exp


def test_excel_error_names_the_argument():
    assert CSP_STATUS("15.59%", "#N/A", "lower") == "#CSP! target is #N/A"
    assert CSP_RATE(62, "#DIV/0!") == "#CSP! denominator is #DIV/0!"


def test_excel_error_in_a_range_spoils_only_its_cell():
    got = CSP_VALUE([["7.75%", "#N/A"], [None, 3.0]])
    assert got == [[0.0775, "#CSP! cell is #N/A"], ["", 3.0]]


def test_message_from_another_csp_function_is_passed_on():
    message = CSP_VALUE("seven")
    assert CSP_GAP(message, "15.2%") == message
    assert CSP_STATUS([[message], ["15.59%"]], "15.2%", "lower") == [[message], ["AMBER"]]


# ---- CSP_RATE ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("numerator", "denominator", "per", "exp"),
    [
        (62, 124, None, 0.5),
        (62.0, 124.0, None, 0.5),
        ("62", "124", "", 0.5),
        (62, 124, 1000, 500.0),
        ("13,102", "244,000", "1,000", 13102 / 244000 * 1000),
        ([[62.0]], [[124.0]], [[None]], 0.5),  # single cells as xlwings passes them (ndim=2)
    ],
)
def test_csp_rate(numerator, denominator, per, exp):
    assert CSP_RATE(numerator, denominator, per) == pytest.approx(exp)


def test_csp_rate_per_left_out():
    assert CSP_RATE(62, 124) == 0.5


@pytest.mark.parametrize(
    ("numerator", "denominator", "fragment"),
    [
        (62, 0, "denominator above zero"),
        (62, None, "#CSP! blank: expected a denominator"),
        (None, 124, "#CSP! blank: expected a numerator"),
        ("Awaited", 124, "expected a numerator"),
        ("sixty", 124, "cannot read 'sixty'"),
    ],
)
def test_csp_rate_bad_arguments(numerator, denominator, fragment):
    got = CSP_RATE(numerator, denominator)
    assert is_message(got)
    assert fragment in got


# ---- CSP_TARGET ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("baseline", "reduction", "exp"),
    [
        ("7.21%", "1.5%", 0.0721 * 0.985),
        (0.0721, 0.015, 0.0721 * 0.985),
        ("13485", "-1.5%", 13485 * 1.015),
        ("55.2 per 1,000 residents", "1.5%", 55.2 * 0.985),
        (13485, 0, 13485.0),
    ],
)
def test_csp_target(baseline, reduction, exp):
    assert CSP_TARGET(baseline, reduction) == pytest.approx(exp)


def test_csp_target_seed_pm2_rounds_to_the_stated_target():
    assert round(CSP_TARGET("7.21%", "1.5%") * 100, 1) == 7.1


@pytest.mark.parametrize(
    ("baseline", "reduction", "fragment"),
    [
        ("7.21%", None, "#CSP! blank: expected a reduction such as 0.015 or '1.5%'"),
        ("n/a", "1.5%", "#CSP! cannot read 'n/a': expected a baseline"),
        ("7.21%", "lots", "cannot read 'lots'"),
    ],
)
def test_csp_target_bad_arguments(baseline, reduction, fragment):
    got = CSP_TARGET(baseline, reduction)
    assert is_message(got)
    assert fragment in got


# ---- CSP_GAP -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("actual", "target", "exp"),
    [
        ("15.59%", "15.2% (-1.5%)", 0.0039),
        ("13,102", 13282, -180.0),
        ("53.7 per 1,000 residents", "54.3 per 1,000 residents (-1.5%)", -0.6),
        ("15.59%", "15", 0.0059),  # a bare 15 beside a percentage is 15%
        (0.1559, 0.152, 0.0039),
    ],
)
def test_csp_gap(actual, target, exp):
    assert CSP_GAP(actual, target) == pytest.approx(exp)


@pytest.mark.parametrize(
    ("actual", "target"),
    [("Awaited", "7.1% (1.5%)"), ("50% (62/124)", "Targets TBC from NTA"), (None, 3), (3, None)],
)
def test_csp_gap_blank_without_both_figures(actual, target):
    assert CSP_GAP(actual, target) == ""


# ---- CSP_STATUS ----------------------------------------------------------------------------------

SEED_STATUSES = [
    # ref, Q1 2011/12 as typed, 2011/12 target as typed, polarity, status (DESIGN.md section 4)
    ("CNP PM1", "Awaited", "Baseline year", "lower", "AWAITED"),
    ("CNP PM2", "(-7.75%)", "7.1% (1.5%)", "lower", "CHECK"),
    ("CNP PM2 typed 7.75%", "7.75%", "7.1% (1.5%)", "lower", "RED"),
    ("CNP PM3", "13,102", 13282.0, "lower", "GREEN"),
    ("CNP PM4", "53.7 per 1,000 residents", "54.3 per 1,000 residents (-1.5%)", "lower", "GREEN"),
    ("CNP PM5", "Awaited", "Baseline year", "Lower is better", "AWAITED"),
    ("CNP PM7", "50% (62/124)", "Targets TBC from NTA", "higher", "NO TARGET"),
    ("CNP PM8", "42% (42/99)", "TBC nationally", "Higher is better", "NO TARGET"),
    ("CNP PM9", "15.59%", "15.2% (-1.5%)", "lower", "AMBER"),
]


@pytest.mark.parametrize(("ref", "actual", "target", "polarity", "exp"), SEED_STATUSES)
def test_csp_status_seed(ref, actual, target, polarity, exp):
    got = CSP_STATUS(actual, target, polarity)
    assert got == exp
    assert type(got) is str  # the word itself, not an Enum


def test_csp_status_seed_as_one_range():
    actual = [[row[1]] for row in SEED_STATUSES]
    target = [[row[2]] for row in SEED_STATUSES]
    polarity = [[row[3]] for row in SEED_STATUSES]
    assert CSP_STATUS(actual, target, polarity) == [[row[4]] for row in SEED_STATUSES]


@pytest.mark.parametrize(
    ("actual", "target", "polarity", "tolerance", "kind", "exp"),
    [
        ("15.2%", "15.2%", "lower", None, None, "GREEN"),  # exactly on target
        ("15.59%", "15.2%", "LOWER", None, None, "AMBER"),
        ("15.59%", "15.2%", "low", 0.02, None, "RED"),
        ("15.59%", "15.2%", "lower", "3%", "relative", "AMBER"),
        ("15.59%", "15.2%", "lower", 0.005, "points", "AMBER"),
        ("15.59%", "15.2%", "lower", "0.3%", "points", "RED"),
        ("15.59%", "15.2%", "lower", "", "", "AMBER"),  # blank optional cells: the defaults
        ("45%", "50%", "higher", None, None, "RED"),
        ("48%", "50%", "high", None, None, "AMBER"),
        ("50% (124/62)", "40%", "higher", None, None, "CHECK"),  # numerator above denominator
        ("150%", "40%", "higher", None, None, "CHECK"),
        ("seven", "40%", "higher", None, None, "CHECK"),  # unreadable figure: CHECK, not a message
        (None, "40%", "higher", None, None, "AWAITED"),
    ],
)
def test_csp_status_rules(actual, target, polarity, tolerance, kind, exp):
    assert CSP_STATUS(actual, target, polarity, tolerance, kind) == exp


def test_csp_status_blank_polarity_is_check_as_on_the_summary():
    # the Summary says CHECK ("polarity not set"); the Data sheet's Status column must say the same
    assert CSP_STATUS("13,102", 13282, None) == "CHECK"
    assert CSP_STATUS("13,102", 13282, "") == "CHECK"


@pytest.mark.parametrize(
    ("polarity", "tolerance", "kind", "fragment"),
    [
        ("sideways", None, None, "#CSP! cannot read 'sideways': expected a polarity"),
        ("lower", "abc", None, "cannot read 'abc'"),
        ("lower", None, "weird", "expected a tolerance kind: 'relative' or 'points'"),
    ],
)
def test_csp_status_bad_arguments(polarity, tolerance, kind, fragment):
    got = CSP_STATUS("15.59%", "15.2%", polarity, tolerance, kind)
    assert is_message(got)
    assert fragment in got


# ---- CSP_TREND -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("current", "previous", "polarity", "exp"),
    [
        ("13,102", "13485", "lower", "IMPROVING"),  # PM3
        ("53.7 per 1,000 residents", "55.2 per 1,000 residents", "lower", "IMPROVING"),  # PM4
        ("50% (62/124)", "43% (150/346)", "higher", "IMPROVING"),  # PM7
        ("42% (42/99)", "42.80% (181/423)", "higher", "WORSENING"),  # PM8
        ("15.59%", "15.45%", "lower", "WORSENING"),  # PM9
        ("15.45%", "15.45%", "lower", "NO CHANGE"),
        ("Awaited", "15.45%", "lower", ""),
        ("15.45%", None, "lower", ""),
    ],
)
def test_csp_trend(current, previous, polarity, exp):
    got = CSP_TREND(current, previous, polarity)
    assert got == exp
    assert type(got) is str


def test_csp_trend_bad_polarity():
    assert CSP_TREND(1, 2, "up-ish").startswith("#CSP! cannot read 'up-ish': expected a polarity")


# ---- ranges: shapes and broadcasting -------------------------------------------------------------

def test_range_gives_same_shape():
    block = [["7.75%", "13,102"], ["Awaited", "50% (62/124)"], [None, "seven"]]
    got = CSP_VALUE(block)
    assert [len(row) for row in got] == [2, 2, 2]
    assert got[0] == [0.0775, 13102.0]
    assert got[1] == ["", 0.5]
    assert got[2][0] == ""
    assert is_message(got[2][1])


def test_column_stays_a_column():
    assert CSP_VALUE([["1%"], ["2%"], ["3%"]]) == [[0.01], [0.02], [0.03]]


def test_row_stays_a_row():
    assert CSP_VALUE([["1%", "2%", "3%"]]) == [[0.01, 0.02, 0.03]]
    assert CSP_VALUE(["1%", "2%", "3%"]) == [[0.01, 0.02, 0.03]]  # a flat list is one row


def test_single_cell_range_gives_a_single_value():
    assert CSP_STATUS([["15.59%"]], [["15.2%"]], [["lower"]]) == "AMBER"


def test_scalar_arguments_combine_with_a_range():
    got = CSP_STATUS([["15.59%"], ["15.0%"], ["17%"]], "15.2%", "lower")
    assert got == [["AMBER"], ["GREEN"], ["RED"]]
    got = CSP_RATE([[62.0], [42.0]], [[124.0], [99.0]], 100)
    assert got == [[50.0], [pytest.approx(42.42, abs=0.01)]]


def test_optional_argument_as_a_range():
    got = CSP_STATUS("15.59%", "15.2%", "lower", [[0.01, 0.05]])
    assert got == [["RED", "AMBER"]]


def test_row_and_column_make_a_table():
    got = CSP_RATE([[10.0], [20.0]], [[100.0, 200.0, 400.0]])
    assert got == [[0.1, 0.05, 0.025], [0.2, 0.1, 0.05]]


@pytest.mark.parametrize(
    ("actual", "target", "exp"),
    [
        ([[1.0], [2.0], [3.0]], [[1.0], [2.0]],
         "#CSP! range sizes do not match: actual 3x1, target 2x1 (rows x columns)"),
        ([[1.0, 2.0]], [[1.0, 2.0, 3.0]],
         "#CSP! range sizes do not match: actual 1x2, target 1x3 (rows x columns)"),
        ([[1.0, 2.0], [3.0]], 1.0, "#CSP! actual is not a rectangular range"),
    ],
)
def test_mismatched_ranges_give_one_message(actual, target, exp):
    assert CSP_GAP(actual, target) == exp


def test_empty_list_is_a_blank():
    assert CSP_VALUE([]) == ""


# ---- messages ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "got",
    [
        CSP_VALUE("seven " * 40),
        CSP_VALUE("one\ntwo"),
        CSP_RATE(1, 0),
        CSP_STATUS(1, 2, "sideways"),
        CSP_TARGET(1, "x" * 300),
        CSP_TARGET(1e308, -1e308),
    ],
)
def test_messages_are_one_short_line(got):
    assert is_message(got)
    assert "\n" not in got and "\r" not in got
    assert len(got) <= 200
    assert "Traceback" not in got


def test_overflowing_result_is_a_message():
    assert CSP_TARGET(1e308, -1e308) == "#CSP! the result is too large for a cell"


# ---- help texts shown by Excel -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(UDFS_BY_NAME))
def test_help_fits_excel(name):
    """Excel's Insert Function dialog keeps 255 characters (xlwings.udfs.import_udfs cuts there)."""
    function = UDFS_BY_NAME[name]
    assert function.__doc__ and len(function.__doc__) <= 255
    for param in inspect.signature(function).parameters:
        assert len(csp_udfs.ARGUMENT_HELP[param]) <= 255


def test_exactly_the_designed_functions():
    assert sorted(UDFS_BY_NAME) == [
        "CSP_COMMENTARY", "CSP_GAP", "CSP_PREVIOUS", "CSP_RATE", "CSP_STATUS", "CSP_TARGET", "CSP_TREND",
        "CSP_VALUE",
    ]
    signatures = {name: list(inspect.signature(f).parameters) for name, f in UDFS_BY_NAME.items()}
    assert signatures == {
        "CSP_VALUE": ["cell", "unit"],
        "CSP_RATE": ["numerator", "denominator", "per"],
        "CSP_TARGET": ["baseline", "reduction"],
        "CSP_GAP": ["actual", "target", "unit", "last_outturn"],
        "CSP_STATUS": ["actual", "target", "polarity", "tolerance", "tolerance_kind", "unit", "last_outturn"],
        "CSP_TREND": ["current", "previous", "polarity", "unit"],
        "CSP_PREVIOUS": ["previous_quarter", "last_outturn", "same_quarter_last_year", "trend_basis"],
        "CSP_COMMENTARY": ["actual", "target", "polarity", "previous", "tolerance", "tolerance_kind",
                           "unit", "period", "previous_period", "measure", "last_outturn", "population"],
    }


@pytest.mark.parametrize("name", sorted(UDFS_BY_NAME))
def test_an_excel_error_is_named_by_the_functions_own_argument(name):
    """A message names the argument the officer typed it in, by the worksheet function's own name for it."""
    function = UDFS_BY_NAME[name]
    for position, param in enumerate(inspect.signature(function).parameters):
        arguments = [[["7.75%"]]] * len(inspect.signature(function).parameters)
        arguments[position] = [["#N/A"]]
        assert function(*arguments) == f"#CSP! {param} is #N/A"
        arguments[position] = [["#N/A"], ["1%"]]  # in a range, the cell that holds it
        assert function(*arguments)[0] == [f"#CSP! {param} is #N/A"]


# ---- property: never raises ----------------------------------------------------------------------

MESSY = [
    "7.75%", "13,102", "53.7 per 1,000 residents", "50% (62/124)", "7.1% (1.5%)", "(6.9% 3%)",
    "(-7.75%)", "Awaited", "n/a", "TBA", "Targets TBC from NTA", "Baseline year", "",
    "lower", "higher", "Lower is better", "relative", "points", "#N/A", "#CSP! earlier message",
]
cells = st.one_of(
    st.none(),
    st.sampled_from(MESSY),
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
)


def check_result(result: object) -> None:
    assert isinstance(result, (float, int, str)) and not isinstance(result, bool)
    if isinstance(result, float):
        assert math.isfinite(result)
    if isinstance(result, str):
        assert not result.startswith("#CSP! unexpected error"), result
        assert "\n" not in result


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(UDFS_BY_NAME)), args=st.lists(cells, min_size=10, max_size=10))
def test_any_cells_give_a_value_or_a_message(name, args):
    function = UDFS_BY_NAME[name]
    arity = len(inspect.signature(function).parameters)
    result = function(*args[:arity])
    if name == "CSP_PREVIOUS":  # it picks one of its cells, whatever that holds
        assert result in (*args[:3], "") or is_message(result)
        return
    check_result(result)
    if name == "CSP_STATUS" and not is_message(result):
        assert result in STATUS_WORDS
    if name == "CSP_TREND" and not is_message(result):
        assert result in TREND_WORDS


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(sorted(UDFS_BY_NAME)),
    rows=st.integers(1, 3),
    columns=st.integers(1, 3),
    data=st.data(),
)
def test_any_range_gives_its_shape(name, rows, columns, data):
    function = UDFS_BY_NAME[name]
    arity = len(inspect.signature(function).parameters)
    block = [[data.draw(cells) for _ in range(columns)] for _ in range(rows)]
    others = [data.draw(cells) for _ in range(arity - 1)]
    result = function(block, *others)
    check = check_result
    if name == "CSP_PREVIOUS":  # it hands back one of its cells, whatever that holds
        picked = [c for row in block for c in row] + others[:2]
        check = lambda value: (any(value is c or value == c for c in picked) or value == "" or  # noqa: E731
                               is_message(value) or check_result(value))
    if (rows, columns) == (1, 1):
        check(result)
        return
    assert [len(row) for row in result] == [columns] * rows
    for row in result:
        for value in row:
            check(value)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(["CSP_STATUS", "CSP_GAP", "CSP_TREND", "CSP_VALUE"]),
    rows=st.integers(2, 40),
    data=st.data(),
)
def test_a_column_gives_in_each_row_what_that_row_gives_alone(name, rows, data):
    """A spilling column is worked out at once, and the rows holding an Excel error or another function's
    message are worked out alone: every row, whichever road, is the cell's own result."""
    function = UDFS_BY_NAME[name]
    arity = len(inspect.signature(function).parameters)
    columns = [[data.draw(cells) for _ in range(rows)] for _ in range(min(arity, 3))]
    together = function(*([[cell] for cell in column] for column in columns))
    alone = [function(*(column[r] for column in columns)) for r in range(rows)]
    assert [row[0] for row in together] == alone
