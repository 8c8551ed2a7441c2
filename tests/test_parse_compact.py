"""The one-match reading of the commonest compact figures agrees with the full reading of the same text."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from csp_status.core import compact, parse
from csp_status.core.errors import CellError

DIGITS = st.text("0123456789", min_size=1, max_size=7)
SPACES = st.sampled_from(["", "", "", "", " ", " ", "  ", "\t", "\n", "\u00a0"])


@st.composite
def numbers(draw) -> str:
    """A figure as officers type it, or a near miss: '13,102', '-7.75', '.5', '1,23', '1.2.3', '1e5', '−4'."""
    whole = draw(DIGITS)
    if draw(st.booleans()):
        size = draw(st.sampled_from([3, 3, 3, 3, 2, 4]))  # groups of three, or a near miss
        groups = draw(st.lists(st.text("0123456789", min_size=size, max_size=size), min_size=1, max_size=3))
        whole = whole[:3] + "".join("," + g for g in groups)
    if draw(st.booleans()):
        whole += "." + draw(DIGITS)
    if draw(st.integers(0, 9)) == 0:
        whole = draw(st.sampled_from([".", "1.2.", "1e5", "0x1", "1_000", "١٢"])) + whole
    sign = draw(st.sampled_from(["", "", "", "", "-", "-", "+", "\u2212", "--"]))
    return sign + whole


@st.composite
def compact_texts(draw) -> str:
    """A figure, its unit and at most one bracket, with spaces where officers leave them (and near misses)."""
    text = draw(SPACES) + draw(numbers()) + draw(SPACES)
    text += draw(st.sampled_from(["", "", "", "%", "%", "%", "%%", " %", "per 1,000", "per 1000", "PER 1,000", "per 1,00",
                                  "per 1,000 residents", "per 1,000 (p)", "p", "*", "k"]))
    bracket = draw(st.integers(0, 4))
    if bracket == 1:
        text += f"{draw(SPACES)}({draw(SPACES)}{draw(numbers())}{draw(SPACES)}/{draw(SPACES)}{draw(numbers())})"
    elif bracket == 2:
        text += f"{draw(SPACES)}({draw(numbers())}{draw(st.sampled_from(['%', ' %', '', '%%']))}{draw(SPACES)})"
    elif bracket == 3:
        text += draw(st.sampled_from([" (2019/20)", " (2015/2016)", " (p)", "(", ")", " (1.5%) (2%)", " (5/10) x"]))
    return text + draw(SPACES)


def full_reading(text: str) -> object:
    """What the full reading of the text gives: its reading, or the error it raises."""
    try:
        return parse._parse_messy(text)
    except CellError as err:
        return err


@given(compact_texts())
@example("1,23")
@example("1.2.3")
@example("12%%")
@example(" 12 ")
@example("-0")
@example("-0%")
@example("1e5")
@example("\u22124%")
@example("4\u00a0%")
@example("1" * 400)
@example("1" * 400 + "%")
@example("50% (62/124)")
@example("7.1% (-1.5%)")
@example("12 (2019/20)")
@example("53.7 per 1,000 (p)")
def test_compact_reading_is_the_full_reading(text):
    fast = compact.read_compact(text)
    if fast is None:
        return  # read in full, as before
    full = full_reading(text)
    assert repr(fast) == repr(full)  # repr: -0.0 and 0.0 differ, as every float field must agree exactly


@pytest.mark.parametrize("text", [
    "13,102", "15.59%", " 7.75 % ", "-0.5", "+2", ".5%", "53.7 per 1,000", "53.7 per 1000", "50% (62/124)",
    "7.1% (1.5%)", "7.1% (+2%)", "7.1%(1.5 %)", "12 (5 / 10)",
])
def test_compact_reading_takes_the_commonest_figures(text):
    assert compact.read_compact(text) == full_reading(text)


@pytest.mark.parametrize("text", [
    "1,23", "1.2.3", "12%%", "1e5", "\u22124%", "4\u00a0%", "12 (2019/20)", "53.7 per 1,000 residents",
    "(1.5%)", "n/a", "-", "1" * 400,
])
def test_compact_reading_leaves_the_rest_to_the_full_reading(text):
    assert compact.read_compact(text) is None


@given(st.integers(0, 10**15 - 1), st.integers(0, 14), st.sampled_from(["", "-", "+"]), st.booleans())
@example(775, 2, "", False)
@example(0, 0, "-", False)
@example(10**15 - 1, 14, "-", False)
def test_a_percentage_is_the_double_nearest_the_decimal_typed(digits, decimals, sign, grouped):
    whole, point = divmod(digits, 10**decimals)
    written = f"{whole:,}" if grouped else str(whole)
    if decimals:
        written += "." + str(point).zfill(decimals)
    typed = sign + written
    assert repr(compact.percent(typed)) == repr(compact.hundredth(float(typed.replace(",", "")), decimals))


@given(st.lists(st.one_of(compact_texts(), st.sampled_from(["Awaited", "", "n/a", "12 (2019/20)"])), max_size=25))
def test_a_column_of_texts_reads_as_each_text_alone(texts):
    found = compact.read_compacts(texts)
    briefly = compact.read_compacts(texts, every_field=False)
    assert briefly.rows == found.rows and not briefly.decimals and not briefly.reduction
    column = {k: n for n, k in enumerate(found.rows)}
    for k, text in enumerate(texts):
        alone = compact.read_compact(text)
        if k not in column:
            assert alone is None, text
            continue
        n = column[k]
        assert repr((found.value[n], found.unit[n], found.decimals[n], found.reduction[n])) == repr(
            (alone.value, alone.unit, alone.decimals, alone.reduction)), text  # repr: -0.0 and 0.0 differ
        counts = [None if figure != figure else figure for figure in (found.numerator[n], found.denominator[n])]
        assert repr(counts) == repr([alone.numerator, alone.denominator]), text
        for name in ("value", "unit", "numerator", "denominator"):
            assert repr(getattr(briefly, name)[n]) == repr(getattr(found, name)[n]), text
