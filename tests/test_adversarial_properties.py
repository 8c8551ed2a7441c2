"""Properties, tried with generated input (hypothesis): any text officers type survives import,
refresh and re-reading exactly; a refresh is idempotent; damaged bytes and strange grids give the
project's error or a result, never anything else; the worksheet functions never raise.

The number of examples is bounded (``EXAMPLES``), so the suite stays fast; docs/reliability.md
quotes the total.
"""

from __future__ import annotations

import math
import shutil

import bookedit
from adversarial import indicator_row, seed_rows, write_tsv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import csp_udfs
from csp_status.core.errors import BookError
from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book
from csp_status.workbook.cells import NS, cell_value, cell_xml, unescape_text, xml_text
from csp_status.workbook.legacy import parse_legacy_rows

EXAMPLES = {
    "text_survives_import_refresh_reread": 40,
    "refresh_is_idempotent": 25,
    "cell_text_round_trips_through_xml": 500,
    "legacy_grid_never_crashes": 300,
    "damaged_book_never_crashes": 200,
    "udf_ranges_of_any_shape": 300,
}
SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text as officers paste it: any character (control characters, quotes, ampersands, a leading '=',
# Excel's own _x0041_ escapes, any script), plus the awkward cases on purpose.  A cell is at most 40
# characters here, so that eight of them cannot make the summary look like a binary file.
TRICKY = ["=1+1", "+44 1332", "-5%", "@SUM(A1)", "_x0041_", "_x005F_", "&amp;", "<b>", "\"quoted\"", "a\r\nb",
          "\r", "\n", "\t", " ", "\x00", "\x1f", "\ufeffBOM", "\ufffe", "Awaited", "7.1% (1.5%)", "50% (62/124)"]
texts = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))


def _commentary_after_import(typed: list[str], current: int, later_figures: bool) -> list[str]:
    """The import's one documented move: a row's only commentary, under a later quarter with no figures
    yet, belongs to the current quarter."""
    filled = [q for q, text in enumerate(typed, start=1) if text.strip()]
    if len(filled) != 1 or filled[0] <= current or typed[current - 1].strip() or later_figures:
        return typed
    moved = list(typed)
    moved[current - 1], moved[filled[0] - 1] = moved[filled[0] - 1], ""
    return moved


@settings(max_examples=EXAMPLES["text_survives_import_refresh_reread"], **SLOW)
@given(figures=st.lists(texts, min_size=4, max_size=4), commentary=st.lists(texts, min_size=4, max_size=4),
       target=texts)
def test_any_text_survives_import_refresh_reread(seed_path, tmp_path_factory, figures, commentary, target):
    folder = tmp_path_factory.mktemp("text")
    rows = seed_rows(seed_path)
    row = indicator_row(rows, "CNP PM3")
    row[6], row[9:13], row[13:17] = target, figures, commentary
    book = folder / "x.xlsm"
    import_legacy(write_tsv(folder / "legacy.tsv", rows), book)
    bookedit.set_cell(book, "Settings", "B5", 2)  # a refresh that rewrites the Summary and Data sheets
    refresh_book(book)
    record = read_book(book).partnership.records[("CNP PM3", "2011/12")]
    kept = [text if text.strip() else None for text in figures]  # a blank figure is no figure
    assert record.quarters == kept
    assert record.target == (target if target.strip() else None)
    later = any(text.strip() for text in figures[1:])
    assert record.commentary == _commentary_after_import(commentary, 1, later)


EDITS = st.lists(st.tuples(st.sampled_from("EFGHIJKL"), st.integers(2, 30),
                           st.one_of(texts, st.integers(-10**6, 10**6), st.floats(allow_nan=False,
                                                                                  allow_infinity=False))),
                 min_size=1, max_size=4)


@settings(max_examples=EXAMPLES["refresh_is_idempotent"], **SLOW)
@given(edits=EDITS, quarter=st.integers(1, 4))
def test_refresh_is_idempotent(imported, tmp_path_factory, edits, quarter):
    book = tmp_path_factory.mktemp("idempotent") / "x.xlsm"
    shutil.copyfile(imported, book)
    for column, row, value in edits:  # text saved as Excel saves it: control characters as _xHHHH_
        bookedit.set_cell(book, "Data", f"{column}{row}", xml_text(value) if isinstance(value, str) else value)
    bookedit.set_cell(book, "Settings", "B5", quarter)
    refresh_book(book)
    first = book.read_bytes()
    again = refresh_book(book)
    assert again.changed is False
    assert book.read_bytes() == first


@settings(max_examples=EXAMPLES["cell_text_round_trips_through_xml"], deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",))))
def test_any_cell_text_round_trips_through_xml(text):
    assert unescape_text(xml_text(text)) == text
    sheet = (f'<worksheet xmlns="{NS["m"]}"><sheetData><row r="1">{cell_xml("A1", text)}</row></sheetData>'
             "</worksheet>").encode()
    cells = etree.fromstring(sheet).findall(".//m:c", NS)
    got = cell_value(cells[0], [], []) if cells else ""
    assert got == text


grid_cells = st.one_of(texts, st.sampled_from(["Ref", "Description", "2010/11", "Targets", "Q1*", "Q2", "Q3",
                                               "Q4", "Comparator", "2011/12", "CNP PM1", ""]),
                       st.floats(allow_nan=True), st.integers(), st.none())


@settings(max_examples=EXAMPLES["legacy_grid_never_crashes"], deadline=None)
@given(rows=st.lists(st.lists(grid_cells, max_size=20), max_size=12))
def test_any_legacy_grid_gives_a_summary_or_a_refusal(rows):
    try:
        sheet = parse_legacy_rows(rows, source="legacy.tsv")
    except BookError as err:
        assert str(err).startswith("legacy.tsv")
        return
    assert sheet.partnership.indicators


@settings(max_examples=EXAMPLES["damaged_book_never_crashes"], **SLOW)
@given(data=st.data())
def test_any_damage_to_a_book_gives_the_projects_error(imported, tmp_path_factory, data):
    raw = bytearray(imported.read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif how == "cut":
            del raw[at:at + data.draw(st.integers(1, 64))]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
    book = tmp_path_factory.mktemp("damaged") / "x.xlsm"
    book.write_bytes(bytes(raw))
    try:
        read_book(book)
    except BookError as err:
        assert str(err).startswith(f"{book}: ")


# ---- worksheet functions: ranges of any shape, in any argument ---------------------------------------

scalars = st.one_of(st.none(), st.sampled_from(TRICKY + ["lower", "higher", "points", "#N/A", "#CSP! earlier"]),
                    st.text(max_size=12), st.floats(), st.integers(-(2**70), 2**70), st.booleans())


def ranges(draw_scalar=scalars):
    """A cell, a row (1-D list), a 2-D block, an empty list, or something that is not rectangular."""
    block = st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(draw_scalar, min_size=w, max_size=w),
                                                         min_size=1, max_size=4))
    return st.one_of(draw_scalar, st.lists(draw_scalar, max_size=4), block,
                     st.lists(st.lists(draw_scalar, max_size=3), max_size=3), st.just([[]]))


def _ok(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return "\n" not in value and not value.startswith("#CSP! unexpected error")
    return isinstance(value, int) and not isinstance(value, bool)


FUNCTIONS = [name for name in csp_udfs.__all__]


@settings(max_examples=EXAMPLES["udf_ranges_of_any_shape"], deadline=None)
@given(name=st.sampled_from(FUNCTIONS), data=st.data())
def test_worksheet_functions_any_ranges_give_values_or_messages(name, data):
    function = getattr(csp_udfs, name)
    arity = function.__code__.co_argcount
    arguments = [data.draw(ranges()) for _ in range(arity)]
    result = function(*arguments)
    ok = _ok
    if name == "CSP_PREVIOUS":  # it hands back one of its cells, whatever that holds
        cells = _flat(arguments[:3])
        ok = lambda value: any(value is c or value == c for c in cells) or value == "" or _ok(value)  # noqa: E731
    if isinstance(result, list):
        assert result and all(isinstance(row, list) and len(row) == len(result[0]) for row in result)
        assert all(ok(value) for row in result for value in row), result
    else:
        assert ok(result), result


def _flat(values) -> list:
    out = []
    for value in values:
        if isinstance(value, (list, tuple)):
            out.extend(_flat(value))
        else:
            out.append(value)
    return out
