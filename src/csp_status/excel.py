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
from csp_status.outputs.own_summary import OWN_ADDED_HEADERS, ROW_STYLES, own_summary_rows
from csp_status.outputs.summary import ADDED_HEADERS, summary_merges, summary_rows, summary_widths
from csp_status.outputs.trends import trend_series, trends_grid
from csp_status.workbook.book_read import Cells, book_from_cells
from csp_status.workbook.layout import DATA, INDICATORS, SETTINGS, STYLE_LABELS, SUMMARY, TRENDS
from csp_status.workbook.layout_sheets import LAYOUT, SOURCE, own_layout_from_cells, source_widths
from csp_status.workbook.merges import merge_refs

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
    master = book_from_cells(book.name, cells[SETTINGS], cells[INDICATORS], cells[DATA])
    if LAYOUT in names and SOURCE in names:  # a partnership's own layout
        source = book.sheets[SOURCE]
        own = own_layout_from_cells(read_sheet_cells(book.sheets[LAYOUT]), read_sheet_cells(source), f"{book.name}:")
        own.fills, own.merges = _box_fills(source, own), _header_merges(source, own)
        master.partnership.layout = own
    return master


_MERGE_SEARCH_ROWS = 12  # merged group headers sit above the figures; below, each cell is read as it is


def _header_merges(source: Any, own: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges that start in the Source sheet's top rows (its titles and group headers)."""
    from csp_status.workbook.cells import split_ref

    found: list[tuple[int, int, int, int]] = []
    for r, row in enumerate(own.rows[:_MERGE_SEARCH_ROWS], start=1):
        for c, value in enumerate(row, start=1):
            if value in (None, "") or any(m[0] <= r <= m[2] and m[1] <= c <= m[3] for m in found):
                continue
            cell = source.range((r, c))
            if cell.merge_cells:
                first, _, last = cell.merge_area.address.replace("$", "").partition(":")
                (r1, c1), (r2, c2) = split_ref(first), split_ref(last or first)
                found.append((r1, c1, r2, c2))
    return found


def _box_fills(source: Any, own: Any) -> dict[tuple[int, int], Status]:
    """The status boxes of the own-RAG columns that show their RAG by colour alone (a call per empty cell)."""
    from csp_status.workbook.fills import rag_of_colour

    boxes = [c.column for c in own.columns if (c.read_as or c.role) == "own_rag"]
    fills = {}
    for r, row in enumerate(own.rows, start=1):
        for c in boxes:
            if c <= len(row) and row[c - 1] in (None, ""):
                colour = source.range((r, c)).color
                status = rag_of_colour("".join(f"{int(v):02X}" for v in colour)) if colour else None
                if status is not None:
                    fills[(r, c)] = status
    return fills


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
    if book.layout is not None:
        return _own_summary_plan(book, evaluations, legend)
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


def _own_summary_plan(book: Any, evaluations: list[Evaluation], legend: dict[str, CellFormat]) -> Plan:
    """The Summary in the partnership's own layout (``outputs.own_summary``), as values and formats."""
    rows, kinds = own_summary_rows(book, evaluations)
    width = max(len(r) for r in rows)
    status_col = width - len(OWN_ADDED_HEADERS) + 1
    values = [[f"'{v}" if isinstance(v, str) and v else v for v in row] for row in rows]
    widths = {**source_widths([r[:status_col - 1] for r in rows]), **book.layout.widths}
    plan = Plan(values=values, merges=merge_refs(book.layout.merges, len(rows), status_col - 1),
                widths={_col(c): w for c, w in widths.items() if c < status_col})

    def fmt(label: str) -> CellFormat:
        return legend.get(label, CellFormat(bold=label in ("Title", "Group header", "Column header")))

    labels = ROW_STYLES
    by_look: dict[str, list[str]] = {}
    current = next((c.column for c in book.layout.columns if c.current), None)
    for n, row in enumerate(rows, start=1):
        by_look.setdefault(labels[kinds[n]], []).append(f"A{n}:{_col(width)}{n}")
        status = row[status_col - 1] if kinds[n] == "data" else None
        if status in {s.value for s in Status}:
            by_look.setdefault(status, []).extend(
                [f"{_col(status_col)}{n}", *([f"{_col(current)}{n}"] if current else [])])
    for (r, c), status in book.layout.fills.items():  # the partnership's status boxes keep their colours
        by_look.setdefault(status.value, []).append(f"{_col(c)}{r}")
    for label in [*labels.values(), *sorted(set(by_look) - set(labels.values()))]:
        for chunk in _chunks(by_look.get(label, [])):
            plan.formats.append((chunk, fmt(label)))
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
