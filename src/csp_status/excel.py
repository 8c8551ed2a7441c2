"""The live-Excel glue: the ribbon's macros, run by xlwings ``RunPython`` in the open workbook.

``refresh_statuses`` reads the open book through ``xw.Book.caller()`` (so unsaved edits count),
runs the same pipeline as ``csp refresh`` and writes the Summary back in a few bulk range writes.
Everything between reading and writing is pure and tested without Excel: ``read_sheet_cells``
turns a sheet's used range into cells, and ``summary_plan`` says what to write where.
Errors reach the officer as a message box, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csp_status.core.errors import BookError, CspError
from csp_status.core.judgement import Evaluation, evaluate
from csp_status.core.parse import SheetNumber
from csp_status.core.vocabulary import Status
from csp_status.outputs.summary import ADDED_HEADERS, summary_merges, summary_rows, summary_widths
from csp_status.outputs.trends import trend_series, trends_grid
from csp_status.workbook.book_read import Cells, book_from_cells
from csp_status.workbook.layout import DATA, INDICATORS, SETTINGS, STYLE_LABELS, SUMMARY, TRENDS

__all__ = ["refresh_statuses", "check_data", "read_sheet_cells", "summary_plan", "apply_plan", "Plan",
           "CellFormat", "run_refresh"]

TITLE = "CSP Status"
_ADDRESS_LIMIT = 240  # Excel refuses union addresses longer than 255 characters


@dataclass(frozen=True)
class CellFormat:
    """How a group of Summary cells looks: taken from the Settings legend cell of the same name."""

    fill: tuple[int, int, int] | None = None
    font_color: tuple[int, int, int] | None = None
    bold: bool = False
    wrap: bool = True


@dataclass
class Plan:
    """What a Summary refresh writes: values in one block, then formats by address."""

    values: list[list[str]]
    formats: list[tuple[str, CellFormat]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)


def refresh_statuses() -> None:
    """The "Refresh statuses" button: regenerate the Summary of the workbook that called."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        evaluations = run_refresh(book)
    except CspError as err:
        book.app.alert(f"The Summary was not changed.\n\n{err}", title=f"{TITLE}: refresh failed", mode="critical")
        return
    counts = _counts(evaluations)
    book.app.status_bar = f"{TITLE}: Summary refreshed for {evaluations[0].period if evaluations else '-'} ({counts})"


def check_data() -> None:
    """The "Check data" button: list the indicators whose data cannot be right, changing nothing."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        evaluations = evaluate(_read_open_book(book).partnership)
    except CspError as err:
        book.app.alert(str(err), title=f"{TITLE}: check failed", mode="critical")
        return
    book.app.alert(check_report(evaluations), title=f"{TITLE}: check data", mode="info")


def check_report(evaluations: list[Evaluation]) -> str:
    """The Check data message: each CHECK indicator with its notes, or that all is well."""
    checks = [e for e in evaluations if e.status is Status.CHECK]
    if not checks:
        return f"All {len(evaluations)} indicators can be read ({_counts(evaluations)})."
    lines = [f"{len(checks)} of {len(evaluations)} indicators need checking:"]
    lines += [f"• {e.ref}: {'; '.join(e.notes) or 'see Data'}" for e in checks]
    return "\n".join(lines)


def run_refresh(book: Any) -> list[Evaluation]:
    """Read the open book, evaluate, and write its Summary sheet (values and formats)."""
    master = _read_open_book(book)
    evaluations = evaluate(master.partnership)
    legend = _legend_formats(book.sheets[SETTINGS])
    plan = summary_plan(master.partnership, evaluations, legend)
    apply_plan(book.sheets[SUMMARY], plan)
    if TRENDS in [sheet.name for sheet in book.sheets]:
        grid = trends_grid(trend_series(master.partnership, evaluations))
        book.sheets[TRENDS].range("A1").value = [
            [f"'{v}" if isinstance(v, str) and v else v for v in row] for row in grid
        ]  # the charts there are drawn from these cells
    return evaluations


def _read_open_book(book: Any) -> Any:
    names = [sheet.name for sheet in book.sheets]
    missing = [n for n in (SUMMARY, INDICATORS, DATA, SETTINGS) if n not in names]
    if missing:
        raise BookError(f"{book.name}: not a CSP Status workbook: no sheet named {', '.join(map(repr, missing))}")
    cells = {name: read_sheet_cells(book.sheets[name]) for name in (SETTINGS, INDICATORS, DATA)}
    return book_from_cells(book.name, cells[SETTINGS], cells[INDICATORS], cells[DATA])


def read_sheet_cells(sheet: Any) -> Cells:
    """A sheet's used range as cells: text, numbers (with their format when not General), booleans."""
    used = sheet.used_range
    values = used.options(ndim=2).value
    top, left = used.row, used.column
    cells: Cells = {}
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            r, c = top + i, left + j
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fmt = sheet.range((r, c)).number_format or "General"
                value = float(value) if fmt == "General" else SheetNumber(float(value), fmt)
            cells[(r, c)] = value
    return cells


def _legend_formats(settings: Any) -> dict[str, CellFormat]:
    """The Settings legend cells' fill, font colour and weight, by label."""
    formats = {}
    used = settings.used_range
    labels = used.options(ndim=2).value
    for i, row in enumerate(labels):
        label = row[0] if row else None
        if isinstance(label, str) and label.strip() in STYLE_LABELS and label.strip() not in formats:
            cell = settings.range((used.row + i, used.column))
            formats[label.strip()] = CellFormat(fill=cell.color, font_color=cell.font.color, bold=bool(cell.font.bold))
    return formats


def summary_plan(book: Any, evaluations: list[Evaluation], legend: dict[str, CellFormat]) -> Plan:
    """What to write on the Summary: all values as one block, formats grouped by look."""
    # Excel reads text written to a cell as if typed: "=1+1" would become a formula, "13,102" a
    # number, "2008/09" a date.  A leading apostrophe keeps each value as the text it is.
    rows = [[f"'{value}" if isinstance(value, str) and value else value for value in row]
            for row in summary_rows(book, evaluations)]
    width = len(rows[0])
    last = _col(width)
    plan = Plan(values=rows, merges=summary_merges(), widths={_col(c): w for c, w in summary_widths().items()})

    def fmt(label: str) -> CellFormat:
        return legend.get(label, CellFormat(bold=label in ("Title", "Group header", "Column header")))

    plan.formats.append((f"A1:{last}1", fmt("Group header")))
    plan.formats.append((f"A2:{last}3", fmt("Column header")))
    if len(rows) > 3:
        plan.formats.append((f"A4:{last}{len(rows)}", fmt("Text")))
    status_col = _col(width - len(ADDED_HEADERS) + 1)
    current_col = _col(10 + book.settings.current_quarter - 1)
    by_status: dict[str, list[str]] = {}
    for n, ev in enumerate(evaluations, start=4):
        by_status.setdefault(ev.status.value, []).extend([f"{status_col}{n}", f"{current_col}{n}"])
    for status, addresses in sorted(by_status.items()):
        for chunk in _chunks(addresses):
            plan.formats.append((chunk, fmt(status)))
    return plan


def apply_plan(sheet: Any, plan: Plan) -> None:
    """Write a plan to the Summary sheet: clear, one block of values, then formats and merges."""
    sheet.clear()
    if plan.values:
        sheet.range("A1").value = plan.values
    for address, look in plan.formats:
        rng = sheet.range(address)
        if look.fill is not None:
            rng.color = look.fill
        if look.font_color is not None:
            rng.font.color = look.font_color
        rng.font.bold = look.bold
        rng.wrap_text = look.wrap
    for address in plan.merges:
        sheet.range(address).merge()
    for col, width in plan.widths.items():
        sheet.range(f"{col}:{col}").column_width = width


def _chunks(addresses: list[str]) -> list[str]:
    out, current = [], ""
    for address in addresses:
        candidate = f"{current},{address}" if current else address
        if len(candidate) > _ADDRESS_LIMIT:
            out.append(current)
            candidate = address
        current = candidate
    if current:
        out.append(current)
    return out


def _col(index: int) -> str:
    from csp_status.workbook.cells import col_letter

    return col_letter(index)


def _counts(evaluations: list[Evaluation]) -> str:
    counts: dict[str, int] = {}
    for ev in evaluations:
        counts[ev.status.value] = counts.get(ev.status.value, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in counts.items())
