"""Reading any partnership's summary into the master book, through its recognised layout.

:func:`place_columns` decides where each column's cells belong in the book: the current value
column is the reporting year's current quarter; other quarters, months and rolling periods go to
the quarter they end in; the same period a year before goes to last year's record (and makes the
trend compare with it); whole years of baselines are those years' outturns; targets are their
year's targets; commentary goes beside its period's figure.  A column whose cells have no place
(the partnership's own RAG, direction, owner, rank, changes, a second current figure) is kept as
typed on the Source sheet and shown again in the Summary.  The refresh lays the Summary out with
the same placement, so the book and its Summary always agree about which cell is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from csp_status.core.errors import BookError, CellError
from csp_status.core.grammar.polarity import read_polarity
from csp_status.core.model import (
    Indicator,
    LayoutColumn,
    OwnLayout,
    Partnership,
    Settings,
    YearRecord,
    previous_year,
    year_key,
    year_label,
)
from csp_status.core.parse import read_cell
from csp_status.core.targets import indicator_polarity
from csp_status.core.vocabulary import Polarity, TrendBasis, Unit, parse_polarity, parse_unit_word
from csp_status.core.vocabulary.layouts import PeriodKind, RefSource, Role
from csp_status.workbook.cell_kinds import cell_text
from csp_status.workbook.legacy import MAX_INDICATORS, keep_cell, row_unit
from csp_status.workbook.periods import Period, parse_period
from csp_status.workbook.recognise import Layout, summary_grid
from csp_status.workbook.refs import WILDCARDS, claim_ref, ref_key

_PREVIOUS_PERIOD = re.compile(r"\b(?:quarter|qtr|period|month)\b", re.IGNORECASE)

__all__ = ["Placement", "Slot", "place_columns", "partnership_from_layout", "layout_columns", "layout_refs", "period_slot"]


@dataclass(frozen=True)
class Slot:
    """Where a column's cells go: a reporting year's quarter (1–4), or with no quarter the year itself
    (its outturn for a baseline, its target for a target)."""

    year: str
    quarter: int | None = None


@dataclass
class Placement:
    """The reporting period the summary describes, and each placed column's slot, by column number."""

    reporting_year: str
    current_quarter: int
    slots: dict[int, Slot]
    trend_basis: TrendBasis = TrendBasis.PREVIOUS_PERIOD
    notes: list[str] = field(default_factory=list)


def _end_slot(end: int) -> Slot:
    """The reporting year (April to March) and quarter of the month a period ends in."""
    year, month = divmod(end - 1, 12)
    month += 1
    start = year if month >= 4 else year - 1
    return Slot(year_label(start), (month - 4) % 12 // 3 + 1)


def period_slot(period: Period | None, fallback_year: str | None) -> Slot | None:
    if period is None:
        return None
    if period.year and period.quarter:
        return Slot(period.year, period.quarter)
    if period.kind is PeriodKind.YEAR:
        if period.year:
            return Slot(period.year, 4)
        if period.end is not None:  # a calendar year: the reporting year that starts in it
            return Slot(year_label((period.end - 1) // 12), 4)
    if period.end is not None:
        return _end_slot(period.end)
    if period.year:
        return Slot(period.year, None)  # "YTD 2019/20": the year, its quarter not said
    if fallback_year is None:
        return None
    if period.quarter:
        return Slot(fallback_year, period.quarter)
    if period.fiscal_end:
        return Slot(fallback_year, (period.fiscal_end - 1) // 3 + 1)
    return None


def _title_period(layout: Layout, grid: list[list[object]]) -> Period | None:
    for r in layout.title_rows:
        for cell in grid[r - 1]:
            period = parse_period(cell_text(cell))
            if period is not None and (period.year or period.end is not None):
                return period
    return None


def _unnamed_year(layout: Layout, grid: list[list[object]]) -> str | None:
    """The reporting year of periods that name none ("Q1*", "Apr–Jun"): the one the title names, else
    the year after the latest baseline (past years are baselines), else the first target year."""
    title = _title_period(layout, grid)
    named = period_slot(title, None) if title is not None else None
    if named is not None:
        return named.year

    def years(*roles: Role) -> list[str]:
        return [s.year for c in layout.columns if c.role in roles and (s := period_slot(c.period, None))]

    baselines = years(Role.BASELINE, Role.PREVIOUS)
    if baselines:
        return year_label(max(year_key(y) for y in baselines) + 1)
    targets = years(Role.TARGET)
    if targets:
        return min(targets, key=year_key)
    others = years(*Role)
    return max(others, key=year_key) if others else None


def _alike(column, current) -> bool:
    """Whether a figure column is of the current one's kind (quarters beside a quarter, year-to-date beside
    year to date): only those are that quarter's figure; a month beside a quarter is kept as typed."""
    if current is None or current.period is None or column.period is None:
        return current is None
    a, b = column.period, current.period
    if PeriodKind.YEAR_TO_DATE in (a.kind, b.kind):
        return a.kind is b.kind
    return (a.months or 3) == (b.months or 3)


def _latest_quarter(layout: Layout, grid: list[list[object]], year: str, current) -> int | None:
    """The quarter the latest filled figure column of the year reaches ("YTD" beside Apr … Sep: Q2)."""
    rows = [d.row - 1 for d in layout.data_rows]
    quarters = []
    for column in layout.with_role(Role.VALUE):
        where = period_slot(column.period, year)
        if column is not current and where and where.year == year and where.quarter and any(
                cell_text(grid[r][column.index - 1]) for r in rows if column.index - 1 < len(grid[r])):
            quarters.append(where.quarter)
    return max(quarters, default=None)


def place_columns(layout: Layout, grid: list[list[object]]) -> Placement:
    """Where each column of the layout goes in the book (see the module's docstring)."""
    notes: list[str] = []
    by_index = {c.index: c for c in layout.columns}
    fallback = _unnamed_year(layout, grid)
    current = by_index.get(layout.current_column) if layout.current_column else None
    slot = period_slot(current.period, fallback) if current is not None else None
    if slot is None:
        targets = [s.year for c in layout.with_role(Role.TARGET) if (s := period_slot(c.period, fallback))]
        year = min(targets, key=year_key) if targets else fallback
        if year is None:
            today = date.today()
            year = year_label(today.year if today.month >= 4 else today.year - 1)
            notes.append(f"no column or title names a year: the reporting year is taken as {year}; "
                         "correct it on the Settings sheet")
        slot = (period_slot(current.period, year) if current is not None else None) or Slot(year, None)
    quarter = slot.quarter
    title = _title_period(layout, grid)
    if quarter is None:
        title_slot = period_slot(title, slot.year) if title is not None and title.kind is not PeriodKind.YEAR else None
        quarter = title_slot.quarter if title_slot and title_slot.year == slot.year and title_slot.quarter else (
            _latest_quarter(layout, grid, slot.year, current))
        if quarter is None:
            quarter = 4
        if current is not None:
            notes.append(f"the current column {current.letter} ({current.header}) does not say which quarter it "
                         f"reaches: taken as Q{quarter}; correct it on the Settings sheet")
    placement = Placement(slot.year, quarter, {}, notes=notes)
    if current is not None and current.period is not None and current.period.kind is PeriodKind.YEAR_TO_DATE:
        placement.trend_basis = TrendBasis.SAME_QUARTER_LAST_YEAR  # a cumulative figure grows through the year
    taken: set[tuple[str, Role, int | None]] = set()

    def place(index: int, role: Role, where: Slot) -> None:
        key = (where.year, Role.VALUE if role is Role.SAME_PERIOD_LAST_YEAR else role, where.quarter)
        if key not in taken:
            taken.add(key)
            placement.slots[index] = where

    if current is not None:
        place(current.index, Role.VALUE, Slot(slot.year, quarter))
    last_year = previous_year(slot.year)
    for column in layout.columns:
        where = period_slot(column.period, slot.year)
        if column.role is Role.VALUE and column is not current and where and where.quarter and _alike(column, current):
            place(column.index, Role.VALUE, where)  # a quarter's figure beside the current quarter's
        elif column.role is Role.SAME_PERIOD_LAST_YEAR and (where is None or where == Slot(last_year, quarter)):
            place(column.index, Role.SAME_PERIOD_LAST_YEAR, Slot(last_year, quarter))
            if column.index in placement.slots:
                placement.trend_basis = TrendBasis.SAME_QUARTER_LAST_YEAR
        elif column.role is Role.PREVIOUS and where is None and _PREVIOUS_PERIOD.search(column.header):
            before = Slot(slot.year, quarter - 1) if quarter > 1 else Slot(last_year, 4)
            place(column.index, Role.VALUE, before)  # "Previous quarter": the quarter before the current one
        elif column.role in (Role.BASELINE, Role.PREVIOUS):
            place(column.index, Role.BASELINE, Slot(where.year if where else last_year))
        elif column.role is Role.TARGET:
            place(column.index, Role.TARGET, Slot(where.year if where else slot.year))
        elif column.role is Role.COMMENTARY:
            at = where if where and where.quarter else Slot(slot.year, quarter)
            place(column.index, Role.COMMENTARY, at)
    return placement


def partnership_from_layout(grid: list[list[object]], layout: Layout, source: str,
                            sheet: OwnLayout | None = None) -> tuple[Partnership, list[str]]:
    """The partnership a summary describes, read through its layout, with what the import decided
    (``sheet``: a workbook's fills, merged ranges and column widths, kept with the layout)."""
    rows = summary_grid(grid, source)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    placement = place_columns(layout, rows)
    notices = [f"{source}: {note}" for note in layout.notes + placement.notes]
    roles = {c.index: c.role for c in layout.columns}
    first = {role: next((i for i, r in roles.items() if r is role), None) for role in Role}
    indicators: list[Indicator] = []
    records: dict[tuple[str, str], YearRecord] = {}
    for data_row, ref in zip(layout.data_rows, layout_refs(layout, source, notices)):
        row = rows[data_row.row - 1]
        if len(indicators) >= MAX_INDICATORS:
            raise BookError(f"{source}: more than {MAX_INDICATORS:,} indicator rows; a partnership's summary has a "
                            "few dozen. Check that this is the indicator summary, or split it into several books")
        mine: dict[str, YearRecord] = {}
        for index, where in placement.slots.items():
            cell = keep_cell(row[index - 1])
            record = mine.setdefault(where.year, YearRecord(ref, where.year))
            role = roles[index]
            if role is Role.TARGET:
                record.target = cell
            elif role is Role.BASELINE or (role is Role.PREVIOUS and where.quarter is None):
                record.outturn = cell
            elif role is Role.COMMENTARY:
                record.commentary[where.quarter - 1] = cell_text(cell)
            else:
                record.quarters[where.quarter - 1] = cell
        mine.setdefault(placement.reporting_year, YearRecord(ref, placement.reporting_year))
        indicator = _indicator(ref, row, first, mine[placement.reporting_year], placement)
        indicator.unit = indicator.unit or row_unit(list(mine.values()))
        indicators.append(indicator)
        records.update({(ref, year): record for year, record in mine.items()})
    if not indicators:
        raise BookError(f"{source}: no indicator rows under the header on row {layout.header_rows[-1]}; put one row "
                        "per indicator under it")
    settings = Settings(reporting_year=placement.reporting_year, current_quarter=placement.current_quarter)
    own = OwnLayout(layout_columns(layout), rows)
    if sheet is not None:
        own.fills, own.merges, own.widths = sheet.fills, sheet.merges, sheet.widths
    return Partnership(settings, indicators, records, layout=own), notices


def layout_refs(layout: Layout, source: str, notes: list[str] | None = None) -> list[str]:
    """Each data row's ref, in the layout's order: the ref column's as typed, else one made from the row
    (see :func:`_made_ref`); without the characters Excel's MATCH reads as wildcards ("NI 47*": a footnote
    star), said in ``notes``. A ref typed twice is refused, naming the row."""
    seen: dict[str, int] = {}
    refs = []
    for data_row in layout.data_rows:
        typed = layout.ref_source is RefSource.COLUMN
        ref = _plain(data_row.ref) if typed else _made_ref(data_row, seen)
        if typed and ref != data_row.ref.strip() and notes is not None:
            notes.append(f"{source} row {data_row.row}: ref {data_row.ref.strip()!r} read as {ref!r} (Excel's MATCH "
                         f"reads {' '.join(WILDCARDS)} as wildcards)")
        claim_ref(ref or f"row {data_row.row}", f"{source} row {data_row.row}", data_row.row, seen)
        refs.append(ref or f"row {data_row.row}")
    return refs


def _plain(ref: str) -> str:
    return " ".join(ref.translate({ord(ch): " " for ch in WILDCARDS}).split())


def _made_ref(data_row, claimed: dict[str, int]) -> str:
    """A ref made from a description (a summary with no ref column): as the row says it, without the
    wildcard characters ("Crashes (Non-Injury)**"), and with its row if it repeats."""
    ref = _plain(data_row.ref) or f"row {data_row.row}"
    return ref if ref_key(ref) not in claimed else f"{ref} (row {data_row.row})"


def _indicator(ref: str, row: list[object], first: dict[Role, int | None], record: YearRecord,
               placement: Placement) -> Indicator:
    def cell(role: Role) -> object:
        return row[first[role] - 1] if first[role] is not None else None

    description = cell_text(cell(Role.DESCRIPTION)) or ref
    polarity, note = _polarity_cell(cell(Role.POLARITY)), None
    if polarity is None:  # a first guess from the description and the target's words; the officer sees it,
        # with the words that decided it (or what to choose) in Notes
        polarity, note = indicator_polarity(None, description, read_cell(keep_cell(record.target)))
    return Indicator(ref=ref, description=description, polarity=polarity, unit=_unit_cell(cell(Role.UNIT)),
                     comparator=keep_cell(cell(Role.COMPARATOR)), trend_basis=placement.trend_basis, notes=note or "")


def _polarity_cell(cell: object) -> Polarity | None:
    if not cell_text(cell):
        return None
    try:
        return parse_polarity(cell)
    except CellError:
        return read_polarity(cell_text(cell)).polarity  # "High is good", "Lower is better (reduce)"


def _unit_cell(cell: object) -> Unit | None:
    try:
        return parse_unit_word(cell)
    except CellError:
        return None  # read from the row's figures instead


def layout_columns(layout: Layout) -> list[LayoutColumn]:
    """The Layout sheet's rows for a recognised layout."""
    return [LayoutColumn(c.index, c.header, c.role.value, c.period.label if c.period else "", c.current,
                         round(c.confidence, 2), c.reason, c.role.value) for c in layout.columns]
