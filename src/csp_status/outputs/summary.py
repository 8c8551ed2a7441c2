"""The Summary tab the board sees: the partnership's own columns A–Q, then status, gap, trend, notes
and a draft of the commentary.

Values only (no formulas), so it opens anywhere and can be circulated.  Colour is never the only
signal: the status word stands in its cell, and its fill repeats on the current quarter's figure.
The draft commentary has a column of its own: officers' commentary (Q1–Q4) is carried over as they
wrote it, never replaced by the draft.
"""

from __future__ import annotations

from csp_status.core.commentary import draft_commentary
from csp_status.core.judgement import Evaluation
from csp_status.core.model import QUARTERS, Partnership, year_key, year_label
from csp_status.workbook.book_read import cell_text
from csp_status.workbook.book_write import SheetSpec, sheet_xml
from csp_status.workbook.layout import Style

__all__ = ["summary_rows", "summary_sheet", "summary_merges", "summary_widths", "GROUPS", "ADDED_HEADERS"]

GROUPS = (
    (1, "Overview – Indicator Summary"),
    (3, "Context – baseline information"),
    (7, "Looking Ahead"),
    (10, "Performance"),
    (14, "Commentary (* denotes current quarter)"),
    (18, "Status"),
)
ADDED_HEADERS = ("Status", "Gap to target", "Direction of travel", "Data notes", "Draft commentary")


def _years(start: str, offsets: range) -> list[str]:
    first = year_key(start)
    return [year_label(first + k) for k in offsets]


def summary_rows(book: Partnership, evaluations: list[Evaluation]) -> list[list[str]]:
    """The Summary as text, row by row: group row, header rows, one row per indicator."""
    s = book.settings
    baseline_years = _years(s.reporting_year, range(-s.baseline_years, 0))
    target_years = _years(s.reporting_year, range(0, s.target_years))
    quarters = [q + ("*" if n == s.current_quarter else "") for n, q in enumerate(QUARTERS, start=1)]
    width = 2 + len(baseline_years) + 1 + len(target_years) + 8 + len(ADDED_HEADERS)
    group = [""] * width
    for col, text in GROUPS:
        group[col - 1] = text
    header = ["Ref", "Description", *baseline_years, "Comparator", "Targets",
              *[""] * (len(target_years) - 1), *quarters, *quarters, *ADDED_HEADERS]
    years_row = [""] * 6 + target_years + [""] * (width - 6 - len(target_years))
    rows = [group, header, years_row]
    for ind, ev in zip(book.indicators, evaluations):
        record = book.record(ind.ref, s.reporting_year)
        baselines = [cell_text(getattr(book.record(ind.ref, y), "outturn", None)) for y in baseline_years]
        targets = [cell_text(getattr(book.record(ind.ref, y), "target", None)) for y in target_years]
        values = [cell_text(v) for v in (record.quarters if record else [None] * 4)]
        comments = list(record.commentary) if record else [""] * 4
        trend = f"{ev.trend.arrow} {ev.trend.value}" if ev.trend else ""
        rows.append([ind.ref, ind.description, *baselines, cell_text(ind.comparator), *targets,
                     *values, *comments, ev.status.value, ev.gap_text, trend, "; ".join(ev.notes),
                     draft_commentary(ev, ind)])
    return rows


def summary_sheet(book: Partnership, evaluations: list[Evaluation], styles: dict[str, int], *,
                  code_name: str = "Sheet1") -> bytes:
    """The Summary worksheet part, styled like the Settings legend cells; ``code_name``: its VBA name."""
    def style(label: str) -> int:
        return styles.get(label, Style.BY_LABEL[label])

    if book.layout is not None:  # the partnership's own layout
        from csp_status.outputs.own_summary import own_summary_sheet

        return own_summary_sheet(book, evaluations, style, code_name)
    rows = summary_rows(book, evaluations)
    width = len(rows[0])
    status_col = width - len(ADDED_HEADERS) + 1
    current_col = 10 + book.settings.current_quarter - 1
    styled: list[list[tuple[object, int]]] = [
        [(text, style("Group header")) for text in rows[0]],
        [(text, style("Column header")) for text in rows[1]],
        [(text, style("Column header")) for text in rows[2]],
    ]
    for text_row, ev in zip(rows[3:], evaluations):
        rag = style(ev.status.value)  # the legend cell labelled with the status
        cells = [(text, style("Text")) for text in text_row]
        cells[status_col - 1] = (text_row[status_col - 1], rag)
        cells[current_col - 1] = (text_row[current_col - 1], rag)
        styled.append(cells)
    spec = SheetSpec(styled, widths=summary_widths(), merges=summary_merges(), freeze="C4", code_name=code_name,
                     landscape=True, tab_color="FF1F4E79", fit_rows=True)
    return sheet_xml(spec)


def summary_merges() -> list[str]:
    """The merged header cells: the group row's spans, 'Targets' over its years, headers over two rows."""
    merges = ["A1:B1", "C1:F1", "G1:I1", "J1:M1", "N1:Q1", "R1:V1", "G2:I2"]
    return merges + [f"{c}2:{c}3" for c in "ABCDEFJKLMNOPQRSTUV"]


def summary_widths() -> dict[int, float]:
    """Column widths (in characters) of the Summary, by column number."""
    return {1: 10, 2: 36, 3: 12, 4: 12, 5: 12, 6: 12, 7: 14, 8: 14, 9: 14, 10: 13, 11: 10, 12: 10,
            13: 10, 14: 60, 15: 20, 16: 20, 17: 20, 18: 12, 19: 22, 20: 16, 21: 50, 22: 60}
