"""The column road of the one judgement (``core.columns``) gives every row what ``decide`` gives it alone,
and the compact figure forms read in one match read as they do piece by piece."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csp_status.core import compact, parse
from csp_status.core.columns import FIELDS, decide_columns
from csp_status.core.errors import CellError
from csp_status.core.figures import sheet_numbers_in_unit, typed_figures_in_unit, value_problems
from csp_status.core.judgement import IndicatorCells, decide
from csp_status.core.vocabulary import Unit

DATA = Path(__file__).parent / "data"
REAL = sorted({row["text"] for row in csv.DictReader((DATA / "real_cells.tsv").open(encoding="utf-8", newline=""),
                                                      delimiter="\t") if row["kind"] != "description"})

FIGURES = st.one_of(
    st.floats(-2, 25_000, allow_nan=False).map(lambda f: round(f, 4)),
    st.floats(0, 1, allow_nan=False),
    st.integers(-3, 20_000),
    st.decimals(0, 120, places=2).map(lambda d: f"{d}%"),
    st.builds(lambda n, extra: f"{round(100 * n / max(n + extra, 1))}% ({n:,}/{n + extra:,})",
              st.integers(0, 3000), st.integers(-5, 3000)),
    st.builds(lambda d, r: f"{d}% ({r}%)", st.decimals(0, 60, places=1), st.sampled_from(["1.5", "-3", "+2", "0"])),
    st.decimals(0, 90, places=1).map(lambda d: f"{d} per 1,000 residents"),
    st.sampled_from(REAL),
    st.sampled_from(["Awaited", "n/a", "TBA", "", None, "lots", "(1.5%)", "at least 500", "2,300 to 2,500",
                     "1e400", "1.7E+308", "-1.7E+308", "#N/A"]),
    st.sampled_from([1.7e308, -1.7e308, 0.0, -0.0]),
)
POLARITIES = st.sampled_from(["Lower is better", "Higher is better", "lower", "HIGH", None, "", "sideways"])
UNITS = st.sampled_from([None, "percent", "number", "per 1000", "minutes", "furlongs"])
TOLERANCES = st.sampled_from([None, 0.05, 0.0, "10%", -1.0, "lots", 1, 1.0, True, 0, False])  # 1, 1.0 and True read apart
KINDS = st.sampled_from([None, "relative", "points", "pp", "odd"])
ROWS = st.tuples(FIGURES, FIGURES, POLARITIES, UNITS, TOLERANCES, KINDS, st.one_of(st.none(), FIGURES),
                 st.one_of(st.none(), FIGURES))


def _alone(row: tuple) -> dict[str, object]:
    value, target, polarity, unit, tolerance, kind, baseline, previous = row
    try:
        d = decide(IndicatorCells(value=value, target=target, polarity=polarity, unit=unit, tolerance=tolerance,
                                  tolerance_kind=kind, baseline=baseline, previous=previous))
    except CellError as err:
        return {name: str(err) for name in FIELDS}
    return {"status": d.status.value, "gap": d.gap, "trend": d.trend.value if d.trend else None,
            "value": d.value, "target": d.target}


def _together(rows: list[tuple], fields=FIELDS) -> list[dict[str, object]]:
    columns = list(zip(*rows))
    out = decide_columns(len(rows), value=list(columns[0]), target=list(columns[1]), polarity=list(columns[2]),
                         unit=list(columns[3]), tolerance=list(columns[4]), tolerance_kind=list(columns[5]),
                         baseline=list(columns[6]), previous=list(columns[7]), fields=fields)
    return [{name: str(out[name][i]) if isinstance(out[name][i], CellError) else out[name][i] for name in fields}
            for i in range(len(rows))]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(ROWS, min_size=1, max_size=40))
def test_every_row_of_a_column_is_decided_as_it_is_alone(rows):
    for row, got in zip(rows, _together(rows)):
        assert got == _alone(row), row


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(ROWS, min_size=1, max_size=20), fields=st.sets(st.sampled_from(FIELDS), min_size=1))
def test_a_column_asked_for_some_fields_gives_those_as_decide_does(rows, fields):
    for row, got in zip(rows, _together(rows, sorted(fields))):
        expected = _alone(row)
        assert got == {name: expected[name] for name in fields}, row


def test_one_cell_for_every_row_is_repeated():
    out = decide_columns(3, value=["15.59%", "14%", "Awaited"], target="15.2%", polarity="Lower is better")
    assert out["status"] == ["AMBER", "GREEN", "AWAITED"]
    assert out["gap"][0] == pytest.approx(0.0039) and out["gap"][2] is None


def test_a_row_with_a_bad_polarity_holds_its_error_and_the_others_are_decided():
    out = decide_columns(2, value=[0.1, 0.1], target=[0.2, 0.2], polarity=["sideways", "Lower is better"])
    assert isinstance(out["status"][0], CellError) and "sideways" in str(out["status"][0])
    assert out["status"][1] == "GREEN"


def test_a_column_of_the_wrong_length_and_an_unknown_field_are_refused():
    with pytest.raises(ValueError, match="2 cells for 3 rows"):
        decide_columns(3, value=[1.0, 2.0])
    with pytest.raises(ValueError, match="no such field: colour"):
        decide_columns(1, value=1.0, fields=("colour",))


@settings(max_examples=200, deadline=None)
@given(numbers=st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.floats(-2, 200),
                                  st.sampled_from([0.0, -0.0, 1.0, 1 + 1e-12, 1 + 2e-12, 100.0, -1e-300])),
                        min_size=1, max_size=30),
       unit=st.sampled_from([None, *Unit]))
def test_spreadsheet_numbers_read_as_a_column_read_as_each_alone(numbers, unit):
    import numpy as np

    figures, fine = sheet_numbers_in_unit(np.array(numbers, dtype=float), unit)
    for number, figure, ok in zip(numbers, figures.tolist(), fine.tolist()):
        reading = parse.Reading("", number)
        alone = parse.in_row_unit(reading, unit)[0]
        assert (repr(figure), ok) == (repr(alone), not value_problems(reading, alone, unit)), number



@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(FIGURES, st.sampled_from(["-3", "12", "15 per 1,000", "3 (4/0)", "3 (-4/10)",
                                                          "30% (5/3)", "101%", "1,000,000.5"])),
                      min_size=1, max_size=30),
       unit=st.sampled_from([None, *Unit]))
def test_typed_figures_read_as_a_column_read_as_each_alone(texts, unit):
    import numpy as np

    readings = [reading for reading in (compact.read_compact(text) for text in texts if isinstance(text, str))
                if reading is not None]
    for written in {reading.unit for reading in readings}:
        alike = [reading for reading in readings if reading.unit is written]
        value, num, den = (np.array([getattr(reading, name) for reading in alike], dtype=float)
                           for name in ("value", "numerator", "denominator"))
        found = typed_figures_in_unit(value, num, den, written, unit)
        if found is None:  # the row's unit changes them: the column road reads them one at a time
            assert not parse.as_written(written, unit)
            assert any(parse.in_row_unit(reading, unit)[1] for reading in alike)
            continue
        for reading, figure, ok in zip(alike, *(column.tolist() for column in found)):
            alone = parse.in_row_unit(reading, unit)[0]
            assert (repr(figure), ok) == (repr(alone), not value_problems(reading, alone, unit)), reading.text


COMPACT = st.builds(
    lambda sign, number, unit, bracket: f"{sign}{number}{unit}{bracket}",
    st.sampled_from(["", "-", "+"]),
    st.one_of(st.integers(0, 10**7).map(lambda n: f"{n:,}"), st.integers(0, 10**7).map(str),
              st.decimals(0, 10_000, places=3).map(str), st.sampled_from([".5", "2019", "0.0"])),
    st.sampled_from(["", "%", " %", " per 1,000", " per 1000 residents", " per 1,000 head of population "]),
    st.one_of(st.just(""),
              st.builds(lambda n, d, pad: f"{pad}({n}/{d})", st.sampled_from(["62", "1,204", "2019", "2015", "-3"]),
                        st.sampled_from(["124", "20", "2016", "0", "1,000"]), st.sampled_from(["", " ", "  "])),
              st.builds(lambda r, pad: f"{pad}( {r}% )", st.sampled_from(["1.5", "-3", "+2", "0", "12"]),
                        st.sampled_from(["", " "]))),
)


@settings(max_examples=500, deadline=None)
@given(text=COMPACT)
def test_the_compact_forms_read_in_one_match_as_they_do_piece_by_piece(text):
    def piece_by_piece():
        try:
            return compact.read_figure_in_parts(text, text)
        except CellError as err:
            return err.expected

    def in_one():
        try:
            return compact.read_figure(text, text)
        except CellError as err:
            return err.expected

    assert in_one() == piece_by_piece()


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(FIGURES, FIGURES, st.sampled_from(["lower", "Higher is better", None]), FIGURES),
                     min_size=1, max_size=30))
def test_a_table_judged_as_columns_is_the_table_judged_row_by_row(rows):
    import pandas as pd

    import csp_status as csp

    frame = pd.DataFrame(rows, columns=["figure", "target", "polarity", "last"], dtype=object)
    kwargs = dict(value="figure", target="target", polarity="polarity", last_outturn="last", previous="last")
    by_rows = csp.evaluate_table(frame, **kwargs)
    by_columns = csp.evaluate_table(frame, notes=False, **kwargs)
    assert list(by_columns.columns) == ["value", "target", "status", "gap", "trend"]
    pd.testing.assert_frame_equal(by_columns, by_rows.drop(columns="notes"))


def test_a_table_judged_as_columns_names_the_row_whose_polarity_cannot_be_read():
    import pandas as pd

    import csp_status as csp

    frame = pd.DataFrame({"value": ["1", "2"], "target": ["1", "1"], "polarity": ["lower", "sideways"]},
                         index=["a", "b"])
    with pytest.raises(CellError, match=r"row 'b'"):
        csp.evaluate_table(frame, notes=False)
