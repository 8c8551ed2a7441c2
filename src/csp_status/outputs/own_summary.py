"""The Summary in a partnership's own layout: its title rows, headers, column order and rows as
officers typed them (the Source sheet), then Status, Gap to target, Direction of travel and Data notes.

The cells the book holds (figures, targets, baselines, commentary: the columns the import placed)
are shown as the Data sheet now has them, so a figure corrected there shows here; every other
column (the partnership's own RAG, direction, owner, rank, changes) is shown as typed.  Where the
partnership's own RAG or direction says something else than the rule, the Data notes say so;
what officers wrote is never overwritten.
"""

from __future__ import annotations

from csp_status.core.judgement import Evaluation
from csp_status.core.model import Partnership
from csp_status.core.parse import SheetNumber
from csp_status.core.vocabulary import Status, parse_rag_word, parse_trend_word
from csp_status.core.vocabulary.layouts import Role
from csp_status.workbook.book_read import cell_text
from csp_status.workbook.book_write import SheetSpec, sheet_xml
from csp_status.workbook.cells import col_letter
from csp_status.workbook.layout_import import Slot, layout_refs, period_slot, place_columns
from csp_status.workbook.layout_sheets import imported_roles, source_widths
from csp_status.workbook.merges import merge_refs
from csp_status.workbook.recognise import recognise

__all__ = ["own_summary_rows", "own_summary_sheet", "own_added_headers", "OWN_ADDED_HEADERS", "ROW_STYLES"]

OWN_ADDED_HEADERS = ("Status", "Gap to target", "Direction of travel", "Data notes")
# The Settings legend's style for each kind of row (title rows, the header block, section rows, indicators).
ROW_STYLES = {"title": "Title", "header": "Column header", "other": "Group header", "data": "Text"}


def own_added_headers(period: str, imported: str | None = None) -> list[str]:
    """The headers of the columns the Summary adds; the status names its period ("Status (2019/20 Q2)"),
    since the partnership's own headers name the periods of the summary as it was imported, and says
    so once the Settings sheet has moved on ("Status (2019/20 Q3; own columns as of 2019/20 Q2)")."""
    since = f"; own columns as of {imported}" if imported and imported != period else ""
    return [f"{OWN_ADDED_HEADERS[0]} ({period}{since})", *OWN_ADDED_HEADERS[1:]]
_ADDED_WIDTHS = (12, 22, 18, 60)


def _shown(book: Partnership, ref: str, role: Role, slot: Slot) -> object:
    record = book.record(ref, slot.year)
    if record is None:
        return None
    if role is Role.TARGET:
        return record.target
    if role is Role.BASELINE or (role is Role.PREVIOUS and slot.quarter is None):
        return record.outturn
    if role is Role.COMMENTARY:
        return record.commentary[slot.quarter - 1] if slot.quarter else None
    return record.quarters[slot.quarter - 1] if slot.quarter else None


def _disagreements(row: list[object], number: int, columns: dict[int, Role], ev: Evaluation,
                   fills: dict[tuple[int, int], Status]) -> list[str]:
    """What the partnership's own RAG (a word, or a box's colour) and direction columns say, where the
    rule says otherwise."""
    notes = []
    for index, role in columns.items():
        text = cell_text(row[index - 1]).strip() if index - 1 < len(row) else ""
        if role is Role.OWN_RAG and not text and (number, index) in fills:
            text = f"{fills[(number, index)].value.lower()} (the box's colour)"
            said = fills[(number, index)]
        else:
            said = parse_rag_word(text) if role is Role.OWN_RAG else None
        if role is Role.OWN_RAG and text:
            if said is not None and said is not ev.status and ev.status in (Status.GREEN, Status.AMBER, Status.RED):
                gap = f": {ev.gap_text}" if ev.gap_text else ""
                notes.append(f"your sheet said {text} in column {col_letter(index)}; by the rule it is "
                             f"{ev.status.value}{gap}")
        elif role is Role.DIRECTION and text and ev.trend is not None:
            said = parse_trend_word(text)
            if said is not None and said is not ev.trend:
                notes.append(f"your sheet's direction in column {col_letter(index)} said {text}; by the figures it is "
                             f"{ev.trend.value} ({ev.trend.arrow})")
    return notes


def own_summary_rows(book: Partnership, evaluations: list[Evaluation]) -> tuple[list[list[object]], dict[int, str]]:
    """The Summary's cells row by row, and what each row is ('title', 'header', 'data', 'other');
    a data row's evaluation is the one whose ref the row has."""
    own = book.layout
    grid = [list(row) for row in own.rows]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [None] * (width - len(r)) for r in grid]
    layout = recognise(grid, source="the Source sheet", corrections=imported_roles(own), fills=own.fills,
                       merges=own.merges)
    placement = place_columns(layout, grid)
    roles = {c.index: c.role for c in layout.columns}
    periods = {c.index: period_slot(c.period, placement.reporting_year) for c in layout.columns}
    current = Slot(placement.reporting_year, placement.current_quarter)
    compared = {i: r for i, r in roles.items() if r in (Role.OWN_RAG, Role.DIRECTION)  # for the period judged
                and (periods[i] is None or periods[i] == current or periods[i] == Slot(current.year))}
    by_ref = {ev.ref: ev for ev in evaluations}
    kinds = {r: "title" for r in layout.title_rows} | {r: "header" for r in layout.header_rows}
    data = dict(zip((d.row for d in layout.data_rows), layout_refs(layout, "the Source sheet")))
    main = _main_header(layout)
    main_text = [cell_text(c) for c in grid[main - 1]]
    headed = {r for r in layout.header_rows if [cell_text(c) for c in grid[r - 1]] == main_text}
    out: list[list[object]] = []
    for number, row in enumerate(grid, start=1):
        cells: list[object] = list(row)
        added: list[object] = [None] * len(OWN_ADDED_HEADERS)
        if number in headed:  # the header row nearest the figures, and where a later block repeats it
            added = own_added_headers(book.settings.period,
                                      f"{placement.reporting_year} Q{placement.current_quarter}")
        ref = data.get(number)
        if ref is not None:
            kinds[number] = "data"
            ev = by_ref.get(ref)
            if ev is None:
                added[-1] = f"{ref!r} is not on the Indicators sheet: no status"
            else:
                for index, slot in placement.slots.items():
                    cells[index - 1] = _shown(book, ref, roles[index], slot)
                trend = f"{ev.trend.arrow} {ev.trend.value}" if ev.trend else ""
                notes = [*ev.notes, *_disagreements(row, number, compared, ev, own.fills)]
                added = [ev.status.value, ev.gap_text, trend, "; ".join(notes)]
        kinds.setdefault(number, "other")
        out.append([_value(v) for v in [*cells, *added]])
    return out, kinds


def _main_header(layout) -> int:
    """The header row the added headers stand on: the last of the header block (the one nearest the figures)."""
    first_data = min((d.row for d in layout.data_rows), default=layout.header_rows[-1] + 1)
    return max((r for r in layout.header_rows if r < first_data), default=layout.header_rows[0])


def own_summary_sheet(book: Partnership, evaluations: list[Evaluation], style, code_name: str) -> bytes:
    """The Summary worksheet part in the partnership's own layout (``style``: label -> style index)."""
    rows, kinds = own_summary_rows(book, evaluations)
    width = max((len(r) for r in rows), default=len(OWN_ADDED_HEADERS))
    status_col = width - len(OWN_ADDED_HEADERS) + 1
    current = next((c.column for c in book.layout.columns if c.current), None)
    labels = ROW_STYLES
    boxes: dict[int, list[tuple[int, Status]]] = {}
    for (r, c), status in book.layout.fills.items():
        boxes.setdefault(r, []).append((c, status))
    styled = []
    for number, row in enumerate(rows, start=1):
        label = labels[kinds[number]]
        cells = [(v, style(label) if cell_text(v) or kinds[number] == "header" else style("Text")) for v in row]
        if kinds[number] == "data" and row[status_col - 1] in {s.value for s in Status}:
            rag = style(row[status_col - 1])
            cells[status_col - 1] = (row[status_col - 1], rag)
            if current is not None and current <= len(cells):
                cells[current - 1] = (cells[current - 1][0], rag)
        for c, status in boxes.get(number, ()):  # the partnership's status boxes keep their colours
            if c <= status_col - 1:
                cells[c - 1] = (cells[c - 1][0], style(status.value))
        styled.append(cells)
    own = book.layout
    widths = {**source_widths([r[:status_col - 1] for r in rows]), **own.widths}  # the partnership's widths first
    widths = {c: w for c, w in widths.items() if c < status_col}
    widths.update({status_col + k: w for k, w in enumerate(_ADDED_WIDTHS)})
    first_data = min((n for n, k in kinds.items() if k == "data"), default=0)  # the headers above it stay in view
    spec = SheetSpec(styled, widths=widths, freeze=f"A{first_data}" if first_data > 1 else None,
                     merges=merge_refs(own.merges, len(rows), status_col - 1), code_name=code_name, landscape=True,
                     tab_color="FF1F4E79", fit_rows=True)
    return sheet_xml(spec)


def _value(cell: object) -> object:
    if isinstance(cell, SheetNumber):
        return cell_text(cell)  # as the sheet showed it: "85.0%", not 0.85
    return None if cell == "" else cell
