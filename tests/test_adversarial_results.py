"""Wrong results from strange but possible content: numbers Excel cannot hold, text measured in the wrong
units, refs that look alike, a partnership's name with control characters, and a rollup whose worker
dies.  Each gives the result an officer would expect, or one line saying what to change.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import bookedit
import pytest
from adversarial import CSP, indicator_row, seed_rows, write_tsv

from csp_status.cli import main
from csp_status.core.errors import BookError
from csp_status.core.judgement import evaluate
from csp_status.importer import import_legacy
from csp_status.outputs.report import report_html
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book

DATA_PART = "xl/worksheets/sheet3.xml"


def statuses(book: Path) -> dict[str, object]:
    return {e.ref: e for e in evaluate(read_book(book).partnership)}


def raw_value(book: Path, ref: str, text: str) -> None:
    """Write ``<v>text</v>`` into a number cell, as another program might."""
    bookedit.set_cell(book, "Data", ref, 1.0)
    data = zipfile.ZipFile(book).read(DATA_PART)
    edited = re.sub(rf'(<c r="{ref}"[^>]*><v>)1\.0(</v>)'.encode(), rb"\g<1>" + text.encode() + rb"\2", data)
    assert edited != data
    bookedit._replace_parts(book, {DATA_PART: edited})


# ---- numbers Excel cannot hold --------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["NaN", "nan", "INF", "-Infinity", "1e999", "1_000", "1.7e308"])
def test_figure_that_is_not_a_number_excel_holds_is_check(book, text):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    raw_value(book, f"E{row}", text)
    got = statuses(book)["CNP PM3"]
    assert got.status.value == "CHECK"
    assert any(repr(text) in note for note in got.notes), got.notes


def test_huge_figure_against_huge_negative_target_writes_no_infinity(book, capsys):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", 1.7e308)
    bookedit.set_cell(book, "Data", f"D{row}", -1.7e308)
    refresh_book(book)
    with zipfile.ZipFile(book) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                assert not re.search(rb">[-+]?(inf|nan|infinity)\b", zf.read(name), re.I), name
    assert main(["status", str(book), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))
    assert next(r for r in rows if r["ref"] == "CNP PM3")["status"] == "CHECK"


# ---- Excel's 32,767: UTF-16 code units ---------------------------------------------------------------

def test_cell_limit_counts_utf16_units_as_excel_does(book):
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"I{row}", "😀" * 16_383 + "a")  # 32,767 units: as much as Excel holds
    refresh_book(book)
    bookedit.set_cell(book, "Data", f"I{row}", "😀" * 16_384)  # 16,384 characters, 32,768 units
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == (f"{book}: sheet 'Data' cell I{row}: the text is 32,768 characters long; an Excel cell "
                               "holds at most 32,767, so Excel would cut it. Shorten it, or keep the full text "
                               "elsewhere and link to it")


def test_legacy_cell_limit_counts_utf16_units(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM3")[13] = "😀" * 16_384
    legacy = write_tsv(tmp_path / "legacy.tsv", rows)
    with pytest.raises(BookError, match="the text is 32,768 characters long"):
        import_legacy(legacy, tmp_path / "x.xlsm")


# ---- refs that look alike, refs that are patterns ----------------------------------------------------------

@pytest.mark.parametrize("typed", ["CNP  PM1", "CNP PM1\u00a0", "CNP\tPM1", "ＣＮＰ PM1", "cnp pm1", "CNP\u2003PM1"],
                         ids=["two-spaces", "trailing-nbsp", "tab", "full-width", "case", "em-space"])
def test_refs_that_differ_only_in_spacing_or_form_are_one_ref(book, typed):
    row = bookedit.find_row(book, "Indicators", A="CNP PM2")
    bookedit.set_cell(book, "Indicators", f"A{row}", typed)
    with pytest.raises(BookError) as info:
        read_book(book)
    assert str(info.value) == (f"{book}: sheet 'Indicators' cell A{row}: indicator ref {typed.strip()!r} is already "
                               f"used on row {row - 1}; give each indicator its own ref")


@pytest.mark.parametrize("typed", ["CNP  PM1", "CNP PM1\u00a0", "ＣＮＰ PM1"])
def test_legacy_refs_that_differ_only_in_spacing_or_form_are_one_ref(seed_path, tmp_path, typed):
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM2")[0] = typed
    with pytest.raises(BookError, match=r"row \d+: indicator ref .* is already used on row \d+; give each"):
        import_legacy(write_tsv(tmp_path / "legacy.tsv", rows), tmp_path / "x.xlsm")


@pytest.mark.parametrize("typed", ["CNP PM*", "CNP PM?", "CNP~PM1"])
def test_ref_with_a_match_wildcard_refused(book, seed_path, tmp_path, typed):
    row = bookedit.find_row(book, "Indicators", A="CNP PM2")
    bookedit.set_cell(book, "Indicators", f"A{row}", typed)
    with pytest.raises(BookError) as info:
        read_book(book)
    assert str(info.value).startswith(f"{book}: sheet 'Indicators' cell A{row}: indicator ref {typed!r} has ")
    assert "which Excel's MATCH reads as a wildcard" in str(info.value)
    rows = seed_rows(seed_path)
    indicator_row(rows, "CNP PM2")[0] = typed
    with pytest.raises(BookError, match="MATCH reads as a wildcard"):
        import_legacy(write_tsv(tmp_path / "legacy.tsv", rows), tmp_path / "x.xlsm")


# ---- the board pack's style sheet ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Derby\x0c}body{display:none", "Derby\"}</style><script>x</script>",
                                  "Derby\\\"; content: url(x)", "Derby\x00\x1b\u2028\u0085"])
def test_partnership_name_never_escapes_the_board_packs_css(seed_book, name):
    seed_book.settings.partnership = name
    page = report_html(seed_book, evaluate(seed_book))
    style = page.split("<style>\n", 1)[1].split("</style>", 1)[0]
    rule = style[style.index("@page { @top-left"):]
    content = re.search(r'content: "((?:[^"\\]|\\[0-9a-f]+ )*)";', rule)
    assert content, rule
    assert all(ch.isprintable() for ch in content[1]), content[1]
    assert "}" not in content[1] and "<" not in content[1]
    assert page.count("<style>") == 1 and page.count("</style>") == 1 and "<script" not in page


# ---- a rollup whose worker dies --------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


@pytest.mark.skipif(sys.platform != "linux", reason="finds the worker processes through /proc")
def test_rollup_goes_on_when_a_worker_is_killed(imported, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    names = [f"csp{n:03d}.xlsm" for n in range(400)]  # enough that the workers are still reading when one is killed
    for name in names:
        shutil.copyfile(imported, folder / name)
    run = subprocess.Popen([str(CSP), "rollup", str(folder), "-o", str(tmp_path / "overview.xlsx"), "--workers", "2",
                            "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 30
    while killed is None and time.monotonic() < deadline and run.poll() is None:
        workers = _children(run.pid)
        if workers:
            time.sleep(0.05)  # let it start reading (400 books take a fast machine over a second)
            try:
                os.kill(workers[0], signal.SIGKILL)
                killed = workers[0]
            except ProcessLookupError:
                pass  # that worker ended meanwhile: look again
        time.sleep(0.01)
    out, err = run.communicate(timeout=120)
    assert killed is not None, "no worker seen"
    assert run.returncode == 0, err
    from csp_status.outputs.rollup import is_overview

    assert is_overview(tmp_path / "overview.xlsx")
    with zipfile.ZipFile(tmp_path / "overview.xlsx") as zf:
        listed = zf.read("xl/worksheets/sheet2.xml").decode() + zf.read("xl/worksheets/sheet3.xml").decode()
    assert all(name in listed for name in names)  # each book counted, or named as a problem
    assert "unexpected error" not in listed


def test_rollup_book_whose_reader_dies_is_named_and_the_others_read(imported, tmp_path, monkeypatch):
    """A book that ends the process reading it (here: a reader that exits for one book) is reported
    with its name; every other book is read."""
    from csp_status.outputs import rollup as rollup_module

    folder = tmp_path / "books"
    folder.mkdir()
    for name in ("a.xlsm", "b.xlsm", "dies.xlsm", "d.xlsm"):
        shutil.copyfile(imported, folder / name)
    monkeypatch.setattr(rollup_module, "read_partnership", _dies_on("dies.xlsm"))
    result = rollup_module.rollup(folder, tmp_path / "overview.xlsx", workers=2)
    assert sorted(b.path.name for b in result.books) == ["a.xlsm", "b.xlsm", "d.xlsm"]
    assert [(b.path.name, b.problem) for b in result.problems] == [
        ("dies.xlsm", "the process reading it stopped (out of memory, or ended by the system); check the book "
                      "opens in Excel, then roll up again")]


def test_rollup_reader_dying_among_books_read_a_few_a_task_loses_none(imported, tmp_path, monkeypatch):
    """Many books are read a few to a task: a book that ends its reader takes none of its task's others with it."""
    from csp_status.outputs import rollup as rollup_module

    folder = tmp_path / "books"
    folder.mkdir()
    names = [f"book{n:02}.xlsm" for n in range(40)]
    for name in names:
        shutil.copyfile(imported, folder / name)
    assert any(len(task) > 1 and folder / "book05.xlsm" in task
               for task in rollup_module._tasks(sorted(folder.iterdir()), 2))  # it shares its task
    monkeypatch.setattr(rollup_module, "read_partnership", _dies_on("book05.xlsm"))
    result = rollup_module.rollup(folder, tmp_path / "overview.xlsx", workers=2)
    assert sorted(b.path.name for b in result.books) == [name for name in names if name != "book05.xlsm"]
    assert [b.path.name for b in result.problems] == ["book05.xlsm"]


from csp_status.outputs.rollup import read_partnership as _read_partnership  # noqa: E402


class _dies_on:
    """A reader that ends its own process, as the system's out-of-memory killer would, for one book."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, path: Path):
        if Path(path).name == self.name:
            os.kill(os.getpid(), signal.SIGKILL)
        return _read_partnership(path)


def test_gap_too_large_to_hold_is_check_with_no_gap_everywhere(book, capsys):
    # 9e307 and -9e307 are numbers Excel holds; their difference is not: the figures cannot be compared
    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", 9e307)
    bookedit.set_cell(book, "Data", f"D{row}", -9e307)
    refresh_book(book)
    status_cell = f"{_data_column(book, 'Status')}{row}"
    gap_cell = f"{_data_column(book, 'Gap')}{row}"
    assert bookedit.cached_value(book, "Data", status_cell)[1] == "CHECK"
    assert bookedit.cached_value(book, "Data", gap_cell)[1] == ""
    assert main(["status", str(book), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))
    pm3 = next(r for r in rows if r["ref"] == "CNP PM3")
    assert (pm3["status"], pm3["gap"]) == ("CHECK", None) and "too large to compare" in pm3["notes"]
    assert main(["status", str(book), "--format", "csv"]) == 0
    assert not re.search(r",[-+]?inf\b", capsys.readouterr().out)


def _data_column(book: Path, header: str) -> str:
    for col in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if bookedit.cell_text(book, "Data", f"{col}1").strip() == header:
            return col
    raise LookupError(header)


BIGGEST = 9.99999999999999e307  # the largest number Excel holds


@pytest.mark.parametrize("figure, target, chart", [
    (9e307, -9e307, "too large"),  # the gap is too large to hold
    (5e307, -5e307, "drawn"),  # the gap holds, and so does a scale around it
    (BIGGEST, None, "drawn"),  # alone, the largest Excel holds
    (BIGGEST, BIGGEST, "drawn"),  # on its target: a range of no width
    (BIGGEST, -BIGGEST, "too large"),
    (-BIGGEST, -5e307, "check"),  # negative only: a count below zero is a figure to check
    (1e308, None, "check"),  # more than Excel holds: a figure to check, marked and not drawn
])
def test_board_pack_of_huge_figures_shows_them_with_no_traceback(book, tmp_path, capsys, figure, target, chart):
    from lxml import html as lxml_html

    row = bookedit.find_row(book, "Data", A="CNP PM3", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", figure)
    if target is not None:
        bookedit.set_cell(book, "Data", f"D{row}", target)
    refresh_book(book)
    capsys.readouterr()
    pack = tmp_path / "pack.html"
    assert main(["report", str(book), "-o", str(pack)]) == 0
    assert capsys.readouterr().out == f"{pack}: board pack for 2011/12 Q1, 9 indicators.\n"
    text = pack.read_text(encoding="utf-8")
    assert not re.search(r'="[^"]*\b(inf|nan|infinity)\b', text, re.IGNORECASE)
    page = lxml_html.fromstring(text)
    shown = page.xpath('//tr[@data-ref="CNP PM3"]/td[contains(@class, "current")]')[0].text_content()
    assert float(shown.replace(",", "")) == pytest.approx(figure, rel=1e-14)  # the figure is in the table, whatever the chart could draw
    svg = page.xpath('//article[@data-ref="CNP PM3"]//*[local-name()="svg"]')[0]
    for name in ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "width", "height"):
        assert all(abs(float(v)) < 1e4 for v in svg.xpath(f".//@{name}")), name
    got = (int(svg.get("data-points")), svg.xpath('.//*[@class="no-data"]/text()'),
           svg.xpath('.//*[@class="check"]/text()'))
    assert got == {"drawn": (4, [], []), "check": (3, [], ["? check"]),
                   "too large": (0, ["Figures too large to draw on one scale"], [])}[chart]


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (1.8e306, "PERCENT", "1.8E+308%"),  # a proportion whose percentage overflows a float
    (9.99999999999999e307, "NUMBER", "9.99999999999999E+307"),  # the largest number a cell holds
    (2.5e15, "GBP", "£2.5E+15"),
    (-3e20, None, "-3E+20"),
])
def test_figures_too_large_to_write_out_are_shown_as_excel_shows_them(value, unit, shown):
    from csp_status.core.vocabulary import Unit
    from csp_status.core.wording import format_gap, format_value

    unit = getattr(Unit, unit) if unit else None
    assert format_value(value, unit) == shown
    gap = format_gap(value, 1e-300, unit)
    assert "inf" not in gap.lower() and "nan" not in gap.lower() and len(gap) < 60
