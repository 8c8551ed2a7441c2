"""The board pack: one self-contained HTML file (and, with Chromium, a PDF) from a master workbook.

The page needs nothing from the network when it is opened: the styles are inline, the charts are
inline SVG drawn here, and no fonts, scripts or images are fetched.  It shows the Summary (status
words on their RAG colours, direction-of-travel arrows), then each indicator with its trend
chart, its commentary (the officer's own; the drafted commentary, marked as a draft, only where
there is none) and its data notes.  Print styles give A4 landscape pages, a few indicators a page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from csp_status.core.commentary import commentary_for, draft_commentary, period_words
from csp_status.core.errors import ReportError
from csp_status.core.judgement import Evaluation, evaluate
from csp_status.core.model import QUARTERS, Indicator, Partnership, previous_year
from csp_status.core.vocabulary import Status
from csp_status.core.wording import format_value
from csp_status.outputs.report_chart import ChartData, trend_chart_svg
from csp_status.outputs.trends import chart_points
from csp_status.workbook.book_read import cell_text, read_book
from csp_status.workbook.colours import style_colours
from csp_status.workbook.layout import STATUS_COLOURS as NEW_BOOK_COLOURS
from csp_status.workbook.package import Package

__all__ = ["ReportResult", "write_report", "report_html", "chart_data", "print_pdf", "find_chromium",
           "STATUS_COLOURS", "legend_colours"]

# fill and text colour of each status in a new book's Summary; a book's own come from its legend
STATUS_COLOURS = {Status(label): (f"#{fill}", f"#{ink}") for label, (fill, ink) in NEW_BOOK_COLOURS.items()}
Colours = dict[Status, tuple[str, str]]
_MEANINGS = {
    Status.GREEN: "target met or beaten",
    Status.AMBER: "missed by no more than the tolerance",
    Status.RED: "missed by more than the tolerance",
    Status.NO_TARGET: "a figure but no numeric target",
    Status.AWAITED: "no figure yet",
    Status.CHECK: "the figure cannot be right",
}
_ORDER = (Status.RED, Status.AMBER, Status.GREEN, Status.NO_TARGET, Status.AWAITED, Status.CHECK)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_PDF_TIMEOUT = 180


@dataclass
class ReportResult:
    html: Path
    pdf: Path | None
    evaluations: list[Evaluation]


def write_report(book_path: Path, html_path: Path, pdf_path: Path | None = None, *,
                 force: bool = False) -> ReportResult:
    """Write the board pack for a master workbook (the book itself is only read).

    An output that is the book itself is refused; so is an existing file that is not a board pack
    (or a PDF) made earlier, unless ``force``.
    """
    from csp_status.workbook.files import refuse_output

    refuse_output(Path(html_path), [Path(book_path)], force=force, ours=is_board_pack, what="board pack")
    if pdf_path is not None:
        refuse_output(Path(pdf_path), [Path(book_path), Path(html_path)], force=force, ours=_is_pdf,
                      what="board pack PDF")
    with Package(Path(book_path)) as package:
        master = read_book(Path(book_path), package)
        colours = legend_colours(package, master.styles)
    book = master.partnership
    evaluations = evaluate(book)
    page = report_html(book, evaluations, source=Path(book_path).name, colours=colours)
    html_path = Path(html_path)
    _write_atomically(html_path, page.encode("utf-8"))
    if pdf_path is not None:
        print_pdf(html_path, Path(pdf_path))
    return ReportResult(html_path, Path(pdf_path) if pdf_path else None, evaluations)


_GENERATOR = '<meta name="generator" content="CSP Status">'


def is_board_pack(path: Path) -> bool:
    """Whether a file is a board pack written by CSP Status (so it may be replaced by a new one)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    return _GENERATOR.encode() in head[:8192] or b"Prepared by CSP Status from" in head


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def legend_colours(package: Package, styles: dict[str, int]) -> Colours:
    """Each status's fill and text colour as the book's Settings legend cells show them.

    A legend cell with no fill of its own shows white, and automatic text black, as in Excel; a
    status whose legend cell is missing keeps a new book's colours (as the Summary keeps its style).
    """
    found = style_colours(package, {label: styles[label] for label in NEW_BOOK_COLOURS if label in styles})
    colours = dict(STATUS_COLOURS)
    for label, (fill, ink) in found.items():
        colours[Status(label)] = (fill or "#FFFFFF", ink or "#000000")
    return colours


# ---- the page ------------------------------------------------------------------------------------


def report_html(book: Partnership, evaluations: list[Evaluation], *, source: str = "",
                colours: Colours | None = None) -> str:
    """The whole board pack as one HTML document (no external resources), in the given status colours."""
    colours = colours or STATUS_COLOURS
    s = book.settings
    who = s.partnership or "Community Safety Partnership"
    if "partnership" not in who.lower():
        who += " Community Safety Partnership"
    period = period_words(s.period)
    title = f"Overview – Indicator Summary, {period}"
    cards = [_card(book, ind, ev, colours) for ind, ev in zip(book.indicators, evaluations)]
    body = [
        '<section class="page summary-page">',
        f'<header class="masthead"><h1>{escape(title)}</h1>'
        f'<p class="sub">{escape(who)} · performance to the end of {escape(period)} against the '
        f'{escape(s.reporting_year)} targets</p></header>',
        _counts(evaluations, colours),
        _summary_table(book, evaluations, colours),
        _key(colours),
        (f'<p class="source">Prepared by CSP Status from {escape(source)}. Drafted commentary is marked '
         "as a draft: it is written from the figures and has not been reviewed by an officer.</p>"
         if source else ""),
        "</section>",
        f'<section class="indicators"><h2 class="section">The indicators, {escape(period)}</h2>',
        *cards,
        "</section>",
    ]
    running = f"{who} · {title}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{_GENERATOR}\n"
        f"<title>{escape(who)} – {escape(title)}</title>\n<style>\n{_CSS}{_running_header(running)}</style>\n"
        "</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _running_header(text: str) -> str:
    """The printed pages' running header, as a CSS string: every character but letters, digits, spaces
    and plain punctuation written as a CSS escape, so no text can end the string or the style sheet."""
    quoted = "".join(c if (c.isalnum() and c.isprintable()) or c in _CSS_SAFE else f"\\{ord(c):x} " for c in text)
    return f'@page {{ @top-left {{ content: "{quoted}"; font-size: 8pt; color: #595959; }} }}\n'


_CSS_SAFE = frozenset(" -–·,.()&'/:;!?+%")


def _status_badge(status: Status, colours: Colours, tag: str = "span") -> str:
    fill, ink = colours[status]
    return (f'<{tag} class="status status-{_slug(status.value)}" data-status="{status.value}" '
            f'style="background:{fill};color:{ink}">{escape(status.value)}</{tag}>')


def _trend_text(ev: Evaluation) -> str:
    if ev.trend is None:
        return '<span class="trend none">–</span>'
    return (f'<span class="trend trend-{_slug(ev.trend.value)}" data-trend="{ev.trend.value}">'
            f'<span class="arrow" aria-hidden="true">{ev.trend.arrow}</span> {escape(ev.trend.value)}</span>')


def _counts(evaluations: list[Evaluation], colours: Colours) -> str:
    items = []
    for status in _ORDER:
        n = sum(ev.status is status for ev in evaluations)
        if n:
            items.append(f"<li>{_status_badge(status, colours)} <b>{n}</b></li>")
    return f'<ul class="counts" aria-label="indicators by status">{"".join(items)}</ul>'


def _summary_table(book: Partnership, evaluations: list[Evaluation], colours: Colours) -> str:
    s = book.settings
    last_year = previous_year(s.reporting_year)
    quarter = f"{QUARTERS[s.current_quarter - 1]}*"
    head = ("Ref", "Indicator", f"{last_year} outturn", f"{quarter} {s.reporting_year}",
            f"Target {s.reporting_year}", "Status", "Gap to target", "Direction of travel")
    rows = []
    for ind, ev in zip(book.indicators, evaluations):
        record = book.record(ind.ref, last_year)
        fill, ink = colours[ev.status]
        rows.append(
            f'<tr data-ref="{escape(ind.ref)}"><th scope="row"><a href="#{_slug(ind.ref)}">{escape(ind.ref)}</a></th>'
            f"<td>{escape(ind.description)}</td>"
            f'<td class="num">{escape(cell_text(record.outturn if record else None))}</td>'
            f'<td class="num current" style="background:{fill};color:{ink}">{escape(ev.value_text)}</td>'
            f'<td class="num">{escape(ev.target_text)}</td>'
            f"{_status_badge(ev.status, colours, 'td')}"
            f'<td class="num">{escape(ev.gap_text)}</td>'
            f"<td>{_trend_text(ev)}</td></tr>"
        )
    header = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    widths = "".join(f'<col style="width:{w}%">' for w in (8, 28, 10, 12, 12, 9, 10, 11))
    caption = f"Indicator summary ({quarter} denotes the current quarter)"
    return (f'<table class="summary"><colgroup>{widths}</colgroup><caption>{escape(caption)}</caption>'
            f'<thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _key(colours: Colours) -> str:
    items = "".join(f"<li>{_status_badge(st, colours)} {escape(_MEANINGS[st])}</li>" for st in _ORDER)
    return (f'<div class="key"><h2>Key</h2><ul>{items}</ul><p>Direction of travel compares with the '
            "previous period: <b>↑ IMPROVING</b>, <b>↓ WORSENING</b>, <b>→ NO CHANGE</b> (an arrow up "
            "means better, whichever way the figure moved).</p></div>")


def _card(book: Partnership, ind: Indicator, ev: Evaluation, colours: Colours) -> str:
    s = book.settings
    record = book.record(ind.ref, s.reporting_year)
    own = record.commentary[s.current_quarter - 1] if record else ""
    text, is_draft = commentary_for(own, draft_commentary(ev, ind))
    if is_draft:
        commentary = ('<h3>Commentary <span class="draft-tag">DRAFT – written from the figures</span></h3>'
                      f'<p class="commentary draft">{escape(text)}</p>')
    else:
        commentary = f'<h3>Commentary</h3><p class="commentary officer">{escape(text)}</p>'
    notes = "".join(f"<li>{escape(note)}</li>" for note in ev.notes)
    notes_html = f'<ul class="notes">{notes}</ul>' if notes else '<p class="notes none">None.</p>'
    figures = [
        (f"{period_words(ev.period)}", escape(ev.value_text) or "–"),
        (f"Target {s.reporting_year}", escape(ev.target_text) or "–"),
        ("Gap to target", escape(ev.gap_text) or "–"),
        ("Direction of travel", _trend_text(ev)),
    ]
    if ev.previous is not None and ev.previous_period:
        figures.append((f"Previous ({period_words(ev.previous_period)})", escape(format_value(ev.previous, ind.unit))))
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{v}</dd></div>" for k, v in figures)
    return (
        f'<article class="indicator" id="{_slug(ind.ref)}" data-ref="{escape(ind.ref)}" '
        f'data-status="{ev.status.value}">'
        f'<header><h2><span class="ref">{escape(ind.ref)}</span> {escape(ind.description)}</h2>'
        f"{_status_badge(ev.status, colours)}</header>"
        f'<div class="body"><figure>{trend_chart_svg(chart_data(book, ind, ev, colours))}</figure>'
        f'<div class="text"><dl class="figures">{dl}</dl>{commentary}'
        f"<h3>Data notes</h3>{notes_html}</div></div></article>"
    )


def chart_data(book: Partnership, ind: Indicator, ev: Evaluation, colours: Colours | None = None) -> ChartData:
    """What an indicator's chart shows: the same figures as its chart on the Trends sheet."""
    s = book.settings
    points = chart_points(book, ind)
    start = len(points.years)
    return ChartData(
        ref=ind.ref, title=f"{ind.ref}: {ind.description}", unit=ind.unit, labels=points.years + list(QUARTERS),
        values=points.values, year_start=start, year_label=s.reporting_year, current=start + s.current_quarter - 1,
        target=ev.target, comparator=points.comparator, checks=points.checks,
        current_fill=(colours or STATUS_COLOURS)[ev.status][0],
    )


# ---- the PDF -------------------------------------------------------------------------------------


def find_chromium() -> str | None:
    """Chromium's program: $CSP_CHROMIUM if set, else the first of the usual names on the PATH."""
    explicit = os.environ.get("CSP_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def chromium_command(chromium: str, profile: Path, *extra: str) -> list[str]:
    """Chromium headless, isolated: its own profile, no background traffic, no name lookups."""
    return [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--mute-audio",
        "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", *extra,
    ]


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the HTML to a PDF with headless Chromium (A4 landscape, from the page's print styles)."""
    chromium = find_chromium()
    if chromium is None:
        raise ReportError(
            f"cannot write {pdf_path}: Chromium is not installed (Debian/Ubuntu: apt-get install chromium; "
            f"or set CSP_CHROMIUM to its program); {html_path} was written: open it in a browser and print it"
        )
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="csp-chromium-") as profile:
        partial = Path(profile) / "out.pdf"
        command = chromium_command(chromium, Path(profile) / "profile", "--no-pdf-header-footer",
                                   f"--print-to-pdf={partial}", Path(html_path).resolve().as_uri())
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_PDF_TIMEOUT,
                                  env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired:
            raise ReportError(f"cannot write {pdf_path}: Chromium did not finish in {_PDF_TIMEOUT} s") from None
        except OSError as err:
            raise ReportError(f"cannot write {pdf_path}: cannot run {chromium} ({err.strerror})") from None
        if not partial.is_file() or partial.read_bytes()[:5] != b"%PDF-":
            detail = " ".join((done.stderr or done.stdout or "").split())[-300:]
            raise ReportError(f"cannot write {pdf_path}: Chromium exited with {done.returncode}: {detail}")
        _write_atomically(pdf_path, partial.read_bytes())


def _write_atomically(path: Path, data: bytes) -> None:
    """The board pack written through the one guarded write path (a link stays a link; read-only respected)."""
    from csp_status.workbook.files import write_atomically

    write_atomically(path, data, what="board pack")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


_CSS = """\
:root { --ink: #1b1b1b; --muted: #595959; --rule: #BFBFBF; --navy: #1F4E79; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1180px; padding: 16px 20px 40px; color: var(--ink);
       font: 14px/1.4 "Segoe UI", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; background: #fff; }
h1 { font-size: 24px; margin: 0; color: var(--navy); }
h2 { font-size: 16px; margin: 0; }
h3 { font-size: 13px; margin: 10px 0 2px; color: var(--navy); text-transform: uppercase; letter-spacing: .03em; }
.masthead { border-bottom: 3px solid var(--navy); padding-bottom: 6px; margin-bottom: 10px; }
.sub, .source { color: var(--muted); margin: 2px 0; }
h2.section { font-size: 18px; color: var(--navy); margin: 24px 0 4px; }
.status { display: inline-block; font-weight: 700; padding: 1px 8px; border-radius: 3px; white-space: nowrap;
          border: 1px solid rgba(0,0,0,.25); }
td.status { display: table-cell; border-radius: 0; text-align: center; }
.counts { list-style: none; padding: 0; margin: 6px 0 10px; display: flex; flex-wrap: wrap; gap: 14px; }
table.summary { border-collapse: collapse; width: 100%; font-size: 13px; table-layout: fixed; }
table.summary caption { text-align: left; color: var(--muted); font-size: 12px; padding-bottom: 3px; }
table.summary th, table.summary td { border: 1px solid var(--rule); padding: 4px 6px; vertical-align: top; }
table.summary thead th { background: var(--navy); color: #fff; text-align: left; font-weight: 600; }
table.summary tbody th { text-align: left; white-space: nowrap; }
table.summary td, table.summary th { overflow-wrap: break-word; }
table.summary td.current { font-weight: 700; }
.trend { font-weight: 600; }
.arrow { font-size: 1.15em; }
.key { margin-top: 10px; font-size: 12px; }
.key h2 { font-size: 13px; }
.key ul { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.key p { margin: 4px 0; color: var(--muted); }
a { color: inherit; }
.indicator { border: 1px solid var(--rule); border-left: 6px solid var(--navy); padding: 8px 12px; margin: 12px 0;
             break-inside: avoid; page-break-inside: avoid; }
.indicator > header { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px; }
.indicator .ref { color: var(--navy); margin-right: 4px; }
.indicator .body { display: grid; grid-template-columns: minmax(300px, 430px) 1fr; gap: 16px; margin-top: 6px; }
.indicator figure { margin: 0; }
svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
.figures { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 0; font-size: 13px; }
.figures dt { color: var(--muted); font-size: 11px; }
.figures dd { margin: 0; font-weight: 600; }
.commentary { margin: 0; font-size: 13px; }
.commentary.draft { border-left: 3px dashed #9C5700; padding-left: 8px; font-style: italic; }
.draft-tag { font-size: 10px; color: #9C5700; border: 1px dashed #9C5700; padding: 0 4px; margin-left: 6px;
             letter-spacing: 0; }
.notes { margin: 0; padding-left: 18px; font-size: 12px; color: var(--muted); }
.notes.none { padding-left: 0; }
@page { size: A4 landscape; margin: 10mm 12mm 12mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; color: #595959; } }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.3; }
  .page { break-after: page; page-break-after: always; }
  h2.section { font-size: 12pt; margin: 0 0 2mm; }
  .indicator { margin: 0 0 3mm; padding: 2mm 4mm; }
  .indicator h2 { font-size: 11pt; }
  h3 { font-size: 8.5pt; margin: 1.5mm 0 0.5mm; }
  .figures { font-size: 9pt; }
  .indicator .body { grid-template-columns: 90mm 1fr; gap: 6mm; margin-top: 1mm; }
  h1 { font-size: 18pt; }
  .masthead { margin-bottom: 2mm; }
  .counts { margin: 1mm 0 2mm; }
  .commentary { font-size: 9pt; }
  .notes { font-size: 8pt; }
  table.summary { font-size: 8.5pt; line-height: 1.25; }
  table.summary th, table.summary td { padding: 0.8mm 1.6mm; }
  .key { margin-top: 2mm; font-size: 8.5pt; }
  .source { font-size: 8.5pt; }
  a { text-decoration: none; }
}
"""
