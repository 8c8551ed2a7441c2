"""The board pack: one self-contained HTML file, checked as written and as Chromium renders it.

Without a browser: the page's structure (every indicator once, status words with their colours,
one chart per indicator with its points, commentary and data notes), that it names nothing on the
network, and the command line.  With headless Chromium (``@requires_chromium``): the rendered page's
computed colours and chart sizes, a screenshot, the requests the page makes (none beyond its own
file), the page rendered with every host name unresolvable, and the PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import bookedit
import pytest
from chromium import Browser, dump_dom, requires_chromium
from libreoffice import inspect_book, requires_libreoffice
from lxml import html as lxml_html

from csp_status.cli import main
from csp_status.core.commentary import draft_commentary
from csp_status.core.judgement import evaluate
from csp_status.core.vocabulary import Status
from csp_status.importer import import_legacy
from csp_status.outputs.report import STATUS_COLOURS, print_pdf, report_html, write_report
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book

REFS = [f"CNP PM{n}" for n in range(1, 10)]
STATUSES = {
    "CNP PM1": "AWAITED", "CNP PM2": "CHECK", "CNP PM3": "GREEN", "CNP PM4": "GREEN", "CNP PM5": "AWAITED",
    "CNP PM6": "AWAITED", "CNP PM7": "NO TARGET", "CNP PM8": "NO TARGET", "CNP PM9": "AMBER",
}
# points drawn: three baseline outturns and Q1, where there are figures; PM2's Q1 needs checking
POINTS = {"CNP PM1": 0, "CNP PM2": 3, "CNP PM3": 4, "CNP PM4": 4, "CNP PM5": 0, "CNP PM6": 0,
          "CNP PM7": 4, "CNP PM8": 4, "CNP PM9": 4}
TARGET_LINES = {"CNP PM2", "CNP PM3", "CNP PM4", "CNP PM9"}
COMPARATOR_LINES = {"CNP PM3", "CNP PM4"}
TRENDS = {"CNP PM3": "↑ IMPROVING", "CNP PM4": "↑ IMPROVING", "CNP PM7": "↑ IMPROVING",
          "CNP PM8": "↓ WORSENING", "CNP PM9": "↓ WORSENING"}
EXTERNAL = re.compile(r"""(?:\b(?:src|href|xlink:href|action|poster)\s*=\s*["']?\s*|url\(\s*["']?\s*)"""
                      r"""(?:https?:)?//""", re.IGNORECASE | re.ASCII)


def rgb(hex_colour: str) -> str:
    """'#C6EFCE' as the browser's computed style gives it: 'rgb(198, 239, 206)'."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def master(seed_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book") / "csp_workbook.xlsm"
    import_legacy(seed_path, out)
    return out


@pytest.fixture(scope="module")
def report(master, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "board_pack.html"
    write_report(master, out)
    return out


@pytest.fixture(scope="module")
def page(report):
    return lxml_html.fromstring(report.read_bytes())


def css(element, selector: str) -> list:
    """Elements under ``element`` matching a simple selector: 'tag.class' steps, descendants by spaces."""
    path = "."
    for step in selector.split():
        tag, *classes = step.split(".")
        tests = "".join(f"[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in classes)
        path += f"//{tag or '*'}{tests}"
    return element.xpath(path)


def cards(page) -> dict[str, object]:
    return {a.get("data-ref"): a for a in css(page, "article.indicator")}


# ---- the page as written -------------------------------------------------------------------------

def test_report_every_indicator_once_in_order(page):
    assert [a.get("data-ref") for a in css(page, "article.indicator")] == REFS
    assert [tr.get("data-ref") for tr in css(page, "table.summary tr")[1:]] == REFS


def test_report_status_words_and_colours(page):
    for ref, card in cards(page).items():
        badge = css(card, "header .status")[0]
        fill, ink = STATUS_COLOURS[Status(STATUSES[ref])]
        assert (card.get("data-status"), badge.text_content()) == (STATUSES[ref], STATUSES[ref])
        assert badge.get("style") == f"background:{fill};color:{ink}"
    for row in css(page, "table.summary tr")[1:]:
        ref = row.get("data-ref")
        status = css(row, "td.status")[0]
        current = css(row, "td.current")[0]
        fill, _ = STATUS_COLOURS[Status(STATUSES[ref])]
        assert status.text_content() == STATUSES[ref]  # colour is never the only signal
        assert f"background:{fill}" in status.get("style") and f"background:{fill}" in current.get("style")


def test_report_direction_of_travel_arrows(page):
    got = {row.get("data-ref"): css(row, "td")[-1].text_content().strip()
           for row in css(page, "table.summary tr")[1:]}
    assert {ref: text for ref, text in got.items() if text != "–"} == TRENDS


def test_report_one_chart_per_indicator_with_its_points(page):
    for ref, card in cards(page).items():
        charts = css(card, "svg.chart")
        assert len(charts) == 1
        chart = charts[0]
        assert len(css(chart, "circle.point")) == POINTS[ref] == int(chart.get("data-points"))
        assert bool(css(chart, "line.target")) == (ref in TARGET_LINES)
        assert bool(css(chart, "line.comparator")) == (ref in COMPARATOR_LINES)
        assert css(chart, "title")[0].text.startswith(ref)
        assert bool(css(chart, "text.no-data")) == (POINTS[ref] == 0)


def test_report_chart_points_carry_period_and_value(page):
    chart = css(cards(page)["CNP PM3"], "svg.chart")[0]
    got = [(c.get("data-period"), float(c.get("data-value"))) for c in css(chart, "circle.point")]
    assert got == [("2008/09", 14467), ("2009/10", 13267), ("2010/11", 13485), ("Q1 2011/12", 13102)]
    assert css(chart, "circle.current")[0].get("fill") == STATUS_COLOURS[Status.GREEN][0]


def test_report_check_figure_is_marked_not_drawn(page):
    chart = css(cards(page)["CNP PM2"], "svg.chart")[0]
    assert [t.text for t in css(chart, "text.check")] == ["? check"]
    assert "Q1 2011/12 needs checking" in css(chart, "desc")[0].text


def test_report_officers_commentary_and_data_notes(page, master):
    book = read_book(master).partnership
    evaluations = {ev.ref: ev for ev in evaluate(book)}
    for ref, card in cards(page).items():
        commentary = css(card, "p.commentary")[0]
        assert "officer" in commentary.get("class").split()
        assert commentary.text_content() == book.record(ref, "2011/12").commentary[0].strip()
        assert not css(card, ".draft-tag")
        notes = [li.text_content() for li in css(card, "ul.notes li")]
        assert notes == evaluations[ref].notes


def test_report_draft_marked_only_where_there_is_no_commentary(seed_book):
    seed_book.record("CNP PM3", "2011/12").commentary[0] = "  "
    evaluations = evaluate(seed_book)
    page = lxml_html.fromstring(report_html(seed_book, evaluations))
    found = cards(page)
    pm3 = found["CNP PM3"]
    assert css(pm3, ".draft-tag")[0].text_content() == "DRAFT – written from the figures"
    assert css(pm3, "p.commentary.draft")[0].text_content() == draft_commentary(
        evaluations[2], seed_book.indicators[2])
    assert [ref for ref, card in found.items() if css(card, ".draft-tag")] == ["CNP PM3"]


def test_report_needs_nothing_from_the_network(report):
    text = report.read_text(encoding="utf-8")
    assert EXTERNAL.findall(text) == []
    assert not re.search(r"https?://", text)
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "@font-face"):
        assert tag not in text.lower()


def test_report_text_is_escaped(seed_book):
    seed_book.indicators[0].description = 'Fewer <script>alert("x")</script> & more'
    text = report_html(seed_book, evaluate(seed_book))
    assert "<script>" not in text
    assert "Fewer &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in text


def test_report_is_the_same_every_time_and_leaves_the_book_alone(master, tmp_path):
    before = master.read_bytes()
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_report(master, first)
    write_report(master, second)
    assert first.read_bytes() == second.read_bytes()
    assert master.read_bytes() == before


def test_report_print_styles(report):
    text = report.read_text(encoding="utf-8")
    assert "@page { size: A4 landscape;" in text
    assert ".page { break-after: page;" in text
    assert ".indicator {" in text and "break-inside: avoid" in text


# ---- the command line ----------------------------------------------------------------------------

def test_main_report_writes_the_html(master, tmp_path, capsys):
    out = tmp_path / "pack.html"
    code = main(["report", str(master), "-o", str(out)])
    assert (code, capsys.readouterr().out) == (0, f"{out}: board pack for 2011/12 Q1, 9 indicators.\n")
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")


def test_main_report_pdf_without_chromium_is_a_clear_error(master, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CSP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "pack.html"
    code = main(["report", str(master), "-o", str(out), "--pdf"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (f"Error: cannot write {tmp_path / 'pack.pdf'}: Chromium is not installed (Debian/Ubuntu: "
                   f"apt-get install chromium; or set CSP_CHROMIUM to its program); {out} was written: open it "
                   "in a browser and print it\n")
    assert out.is_file() and not (tmp_path / "pack.pdf").exists()


def test_main_report_missing_book(tmp_path, capsys):
    code = main(["report", str(tmp_path / "nope.xlsm"), "-o", str(tmp_path / "x.html")])
    assert code == 1
    assert capsys.readouterr().err.startswith(f"Error: {tmp_path / 'nope.xlsm'}")
    assert not (tmp_path / "x.html").exists()


# ---- in Chromium ---------------------------------------------------------------------------------

PAGE_FACTS = """(() => {
  const style = el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; };
  return {
    title: document.title,
    cards: [...document.querySelectorAll('article.indicator')].map(a => {
      const badge = a.querySelector('header .status');
      const svg = a.querySelector('svg.chart');
      const box = svg.getBoundingClientRect();
      return {ref: a.dataset.ref, word: badge.textContent, colours: style(badge),
              visible: badge.getBoundingClientRect().width > 0,
              charts: a.querySelectorAll('svg.chart').length, width: box.width, height: box.height,
              points: [...svg.querySelectorAll('circle.point')].filter(c => c.getBBox().width > 0).length,
              commentary: a.querySelector('p.commentary').textContent.length};
    }),
    rows: [...document.querySelectorAll('table.summary tbody tr')].map(tr => ({
      ref: tr.dataset.ref, word: tr.querySelector('td.status').textContent,
      colours: style(tr.querySelector('td.status'))})),
    overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  };
})()"""


@requires_chromium
def test_report_in_chromium(report, tmp_path):
    with Browser() as browser:
        browser.open(report.resolve().as_uri())
        facts = browser.evaluate(PAGE_FACTS)
        png = browser.screenshot(tmp_path / "board_pack.png")
        requests = browser.requests()
    keep = os.environ.get("CSP_REPORT_SCREENSHOT")
    if keep:
        shutil.copyfile(tmp_path / "board_pack.png", keep)

    assert facts["title"] == "Derby Community Safety Partnership – Overview – Indicator Summary, Q1 2011/12"
    assert [c["ref"] for c in facts["cards"]] == REFS
    for card in facts["cards"]:
        fill, ink = STATUS_COLOURS[Status(STATUSES[card["ref"]])]
        assert (card["word"], card["colours"], card["visible"]) == (STATUSES[card["ref"]], [rgb(fill), rgb(ink)], True)
        assert card["charts"] == 1 and card["width"] > 300 and card["height"] > 150
        assert card["points"] == POINTS[card["ref"]]
        assert card["commentary"] > 0
    for row in facts["rows"]:
        fill, ink = STATUS_COLOURS[Status(STATUSES[row["ref"]])]
        assert (row["word"], row["colours"]) == (STATUSES[row["ref"]], [rgb(fill), rgb(ink)])
    assert facts["overflow"] is False  # nothing sticks out sideways at a desktop width

    assert requests == [report.resolve().as_uri()]  # the page itself, and nothing else
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1280 and height > 3000  # the summary and nine indicators, one under another


@requires_chromium
def test_report_renders_completely_with_no_name_resolution(report):
    dom = dump_dom(report.resolve().as_uri(), "--host-resolver-rules=MAP * ~NOTFOUND")
    page = lxml_html.fromstring(dom)
    assert [a.get("data-ref") for a in css(page, "article.indicator")] == REFS
    assert {a.get("data-ref"): len(css(a, "svg.chart circle.point")) for a in css(page, "article.indicator")} == POINTS
    assert [td.text_content() for td in css(page, "table.summary td.status")] == [STATUSES[r] for r in REFS]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@requires_chromium
def test_report_pdf(report, tmp_path):
    pdf = tmp_path / "board_pack.pdf"
    print_pdf(report, pdf)
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    assert 2 <= pdf_pages(data) <= 1 + len(REFS)  # the summary, then a few indicators a page
    sizes = {tuple(round(float(n)) for n in box.split()) for box in
             re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", data)}
    assert sizes == {(0, 0, 842, 595)}  # A4 landscape, in points
    assert not list(tmp_path.glob(".*.tmp"))


@requires_chromium
def test_main_report_pdf(master, tmp_path, capsys):
    out = tmp_path / "pack.html"
    code = main(["report", str(master), "-o", str(out), "--pdf"])
    assert (code, capsys.readouterr().out) == (
        0, f"{out}: board pack for 2011/12 Q1, 9 indicators.\n{tmp_path / 'pack.pdf'}: the same, as a PDF.\n")
    assert (tmp_path / "pack.pdf").read_bytes()[:5] == b"%PDF-"


def test_report_officers_edit_shows_in_the_pack(master, tmp_path):
    book = tmp_path / "x.xlsm"
    shutil.copyfile(master, book)
    row = bookedit.find_row(book, "Data", A="CNP PM2", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", "7.75%")
    out = tmp_path / "pack.html"
    write_report(book, out)
    card = cards(lxml_html.fromstring(out.read_bytes()))["CNP PM2"]
    assert card.get("data-status") == "RED"
    assert len(css(card, "svg.chart circle.point")) == 4
    assert not css(card, "svg.chart text.check")


# the colour scheme of a partnership's own theme (as Excel saves it with the book)
THEME = {"dk1": "000000", "lt1": "FFFFFF", "dk2": "1F3864", "lt2": "E7E6E6", "accent1": "005EB8",
         "accent2": "ED7D31", "accent3": "A5A5A5", "accent4": "FFB81C", "accent5": "5B9BD5",
         "accent6": "009639", "hlink": "0563C1", "folHlink": "954F72"}
GREEN_60 = "#6FFFA6"  # accent6 lighter 60% (LibreOffice shows the same: the test after next)


def restyle_green(master: Path, tmp_path: Path) -> Path:
    """A copy of the book whose GREEN legend cell an officer has given a theme green and dark text."""
    book = tmp_path / "x.xlsm"
    shutil.copyfile(master, book)
    bookedit.add_theme(book, THEME)
    legend = f"A{bookedit.find_row(book, 'Settings', A='GREEN')}"
    style = bookedit.add_cell_style(book, 'theme="9" tint="0.5999938962981048"', 'rgb="FF375623"',
                                    like=bookedit.cell_style(book, "Settings", legend))
    bookedit.set_style(book, "Settings", legend, style)
    return book


def test_report_colours_follow_the_settings_legend(master, tmp_path):
    out = tmp_path / "pack.html"
    write_report(restyle_green(master, tmp_path), out)
    page = lxml_html.fromstring(out.read_bytes())
    badge = css(cards(page)["CNP PM3"], "header .status")[0]
    row = next(r for r in css(page, "table.summary tr")[1:] if r.get("data-ref") == "CNP PM3")
    amber = css(cards(page)["CNP PM9"], "header .status")[0]
    got = (badge.get("style"), css(row, "td.current")[0].get("style"), amber.get("style"))
    # accent 6 of the book's theme, 009639, lightened 60% as Excel does
    assert got == ("background:{0};color:#375623".format(GREEN_60), "background:{0};color:#375623".format(GREEN_60),
                   "background:{};color:{}".format(*STATUS_COLOURS[Status.AMBER]))


@requires_libreoffice
def test_report_colours_are_the_summarys_as_libreoffice_shows_them(master, tmp_path):
    book = restyle_green(master, tmp_path)
    refresh_book(book)
    out = tmp_path / "pack.html"
    write_report(book, out)
    page = lxml_html.fromstring(out.read_bytes())
    rows = {ref: bookedit.find_row(book, "Summary", A=ref) for ref in REFS}
    cells = inspect_book(book, cells=[f"Summary!R{n}" for n in rows.values()])["cells"]
    shown = {ref: (cells[f"Summary!R{n}"]["fill"], cells[f"Summary!R{n}"]["ink"]) for ref, n in rows.items()}
    pack = {ref: css(card, "header .status")[0].get("style") for ref, card in cards(page).items()}
    assert pack == {ref: f"background:{fill};color:{ink}" for ref, (fill, ink) in shown.items()}
    assert shown["CNP PM3"] == (GREEN_60, "#375623")


# ---- the chart of extreme figures ----------------------------------------------------------------

BIGGEST = 9.99999999999999e307  # the largest number Excel holds


@pytest.mark.parametrize("values, target, unit, drawn", [
    ([9e307], -9e307, None, False),  # room above and below is beyond the largest number
    ([5e307], -4e307, None, True),  # the span is near the largest number: worked out from halves
    ([5e307], -5e307, None, True),
    ([BIGGEST], -BIGGEST, None, False),  # no round level holds both
    ([1.7976931348623157e308], None, None, False),  # no room above it
    ([BIGGEST], None, None, True),
    ([BIGGEST, BIGGEST], BIGGEST, None, True),  # a range of no width
    ([-BIGGEST, -5e307], None, None, True),  # negative only
    ([-3.0, -7.0, -1.0], -2.0, None, True),
    ([5e-324], -5e-324, None, True),  # as near zero as a number goes
    ([1e-300, 2e-300], None, None, True),
    ([0.0, 0.0], 0.0, None, True),
    ([9e305], None, "percent", True),
    ([9e307], None, "percent", False),  # as a percentage (times 100), beyond the largest number
])
def test_trend_chart_of_extreme_figures(values, target, unit, drawn):
    from csp_status.core.vocabulary import Unit
    from csp_status.outputs.report_chart import ChartData, trend_chart_svg

    chart = ChartData("R1", "R1: extreme", Unit(unit) if unit else None, ["2010/11", "Q1", "Q2", "Q3", "Q4"],
                      values + [None] * (5 - len(values)), 1, "2011/12", current=len(values) - 1, target=target)
    svg = lxml_html.fromstring(trend_chart_svg(chart))
    for name in ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "width", "height"):
        assert all(abs(float(v)) < 1e4 for v in svg.xpath(f".//@{name}")), name
    labels = svg.xpath("./*[local-name()='text']/text()")  # the scale, the periods, the last figure
    assert labels and not re.search(r"\b(inf|nan)\b", " ".join(labels), re.IGNORECASE)
    points = css(svg, "circle.point")
    assert len(points) == int(svg.get("data-points")) == (len(values) if drawn else 0)
    assert [float(p.get("data-value")) for p in points] == pytest.approx(values if drawn else [], rel=1e-9)
    assert [t.text for t in css(svg, "text.no-data")] == ([] if drawn else ["Figures too large to draw on one scale"])
    assert bool(css(svg, "line.target")) == (drawn and target is not None)
    ys = [float(p.get("cy")) for p in points]
    assert all(12 <= y <= 150 for y in ys)  # inside the plot
