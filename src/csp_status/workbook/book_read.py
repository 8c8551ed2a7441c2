"""Reading a master workbook into a partnership, remembering where every figure came from.

Sheets and columns are found by their names and headers, so officers may widen, reorder or
restyle them.  A sheet or header that is missing stops the read with a message that names the
file, the sheet and the cell; a cell that cannot be read marks its indicator CHECK instead, so one
typing slip never hides the other indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from csp_status.core.errors import BookError, CellError, text_preview
from csp_status.core.model import Indicator, OwnLayout, Partnership, Settings, YearRecord, year_key, year_label
from csp_status.core.numfmt import format_number
from csp_status.core.parse import SheetNumber, parse_cell, parse_fraction
from csp_status.core.vocabulary import (
    parse_polarity,
    parse_tolerance_kind,
    parse_trend_basis,
    parse_unit_word,
)
from csp_status.workbook.cells import Formula, col_letter, excel_length
from csp_status.workbook.layout import (
    DATA,
    DATA_FORMULA_HEADERS,
    DATA_HEADERS,
    DATA_INPUT_HEADERS,
    INDICATOR_HEADERS,
    INDICATORS,
    SETTING_LABELS,
    SETTINGS,
    STYLE_LABELS,
    SUMMARY,
)
from csp_status.workbook.layout_sheets import read_own_layout
from csp_status.workbook.package import Package
from csp_status.workbook.refs import claim_ref

__all__ = ["MasterBook", "BookStart", "read_book", "read_book_start", "finish_book", "book_from_cells", "cell_text"]

Cells = dict[tuple[int, int], object]
MAX_CELL_CHARS = 32_767  # what one Excel cell holds


@dataclass
class MasterBook:
    """A master workbook, read: the partnership, and where its sheets and rows are."""

    path: Path
    partnership: Partnership
    sheet_parts: dict[str, str]
    data_cells: Cells
    data_columns: dict[str, int]
    data_rows: list[int]
    indicator_cells: Cells
    indicator_rows: dict[str, int]
    settings_cells: dict[str, object]
    styles: dict[str, int] = field(default_factory=dict)


@dataclass
class BookStart:
    """What a book says before its Data sheet is read: its sheets, settings and indicators.

    The refresh reads the Data sheet in one pass after this, writing its formulas' shown values as
    it goes (``finish_book`` then completes the read).
    """

    path: Path
    settings: Settings
    settings_cells: dict[str, object]
    indicators: list[Indicator]
    indicator_cells: Cells
    indicator_rows: dict[str, int]
    sheet_parts: dict[str, str] = field(default_factory=dict)
    styles: dict[str, int] = field(default_factory=dict)
    own_layout: OwnLayout | None = None  # a partnership's own summary layout (Layout and Source sheets)


def read_book(path: Path, package: Package | None = None) -> MasterBook:
    """Read a master workbook (any errors name the file, sheet and cell)."""
    own = package is None
    package = package or Package(Path(path))
    try:
        parts = _sheet_parts(path, package)
        settings_styles: dict[tuple[int, int], int] = {}
        settings_cells = package.cells(SETTINGS, styles=settings_styles)
        indicator_cells = package.cells(INDICATORS)
        # inputs only: the calculated columns' formula cells are the refresh's to work out
        data_cells = package.cells(DATA, without_formulas_under=DATA_FORMULA_HEADERS)
        own_layout = read_own_layout(path, package, parts)
    finally:
        if own:
            package.close()
    book = book_from_cells(path, settings_cells, indicator_cells, data_cells)
    book.partnership.layout = own_layout
    book.sheet_parts = dict(parts)
    book.styles = _legend_styles(settings_cells, settings_styles)
    return book


def read_book_start(path: Path, package: Package) -> BookStart:
    """Read a book's sheets, settings and indicators, leaving its Data sheet for ``finish_book``."""
    parts = _sheet_parts(path, package)
    settings_styles: dict[tuple[int, int], int] = {}
    settings_cells = package.cells(SETTINGS, styles=settings_styles)
    indicator_cells = package.cells(INDICATORS)
    start = _start(path, settings_cells, indicator_cells)
    start.sheet_parts = dict(parts)
    start.styles = _legend_styles(settings_cells, settings_styles)
    start.own_layout = read_own_layout(path, package, parts)
    return start


def _sheet_parts(path: Path, package: Package) -> dict[str, str]:
    parts = package.sheet_paths()
    missing = [name for name in (SUMMARY, INDICATORS, DATA, SETTINGS) if name not in parts]
    if missing:
        raise BookError(
            f"{path}: not a CSP Status workbook: no sheet named {', '.join(map(repr, missing))} "
            f"(it has {', '.join(map(repr, parts)) or 'no sheets'}); make one with 'csp import'"
        )
    return parts


def book_from_cells(source: Path | str, settings_cells: Cells, indicator_cells: Cells, data_cells: Cells) -> MasterBook:
    """Read the partnership from the cells of the Settings, Indicators and Data sheets.

    ``source`` names the book in messages: a path, or the name of a workbook open in Excel.
    """
    return finish_book(_start(source, settings_cells, indicator_cells), data_cells)


def _start(source: Path | str, settings_cells: Cells, indicator_cells: Cells) -> BookStart:
    where = _Where(source)
    _refuse_long_cells(settings_cells, SETTINGS, where)
    _refuse_long_cells(indicator_cells, INDICATORS, where)
    settings, raw_settings = _settings(settings_cells, where)
    indicators, indicator_rows = _indicators(indicator_cells, where)
    return BookStart(Path(source), settings, raw_settings, indicators, indicator_cells, indicator_rows)


def finish_book(start: BookStart, data_cells: Cells) -> MasterBook:
    """The whole book, once its Data sheet's cells are read (errors name the sheet and cell)."""
    where = _Where(start.path)
    _refuse_long_cells(data_cells, DATA, where)
    _refuse_duplicate_headers(data_cells, DATA, DATA_HEADERS, where)
    headers = _row_texts(data_cells)
    columns = _header(headers, DATA, DATA_INPUT_HEADERS, where)
    for name in DATA_FORMULA_HEADERS:
        col = headers.get(name.strip().lower())
        if col:
            columns[name] = col
    records, rows = _records(data_cells, columns, {i.ref for i in start.indicators}, where)
    book = Partnership(start.settings, start.indicators, records, layout=start.own_layout)
    return MasterBook(start.path, book, dict(start.sheet_parts), data_cells, columns, rows, start.indicator_cells,
                      start.indicator_rows, start.settings_cells, dict(start.styles))


class _Where:
    def __init__(self, path: Path | str) -> None:
        self.path = path

    def __call__(self, sheet: str, row: int, col: int) -> str:
        return f"{self.path}: sheet '{sheet}' cell {col_letter(col)}{row}"


def cell_text(value: object) -> str:
    """A cell as officers see it: text as typed, numbers as their format shows them."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return cell_text(value.cached)
    if isinstance(value, SheetNumber):
        return format_number(value.value, value.number_format)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _value(cell: object) -> object:
    """What a formula cell shows (its cached value); other cells as they are."""
    return cell.cached if cell.__class__ is Formula else cell  # no class derives from Formula


def _row_texts(cells: Cells, row: int = 1) -> dict[str, int]:
    """The header row: each text (trimmed, any case) and the first column that holds it."""
    found: dict[str, int] = {}
    for (r, c), value in cells.items():
        if r == row and isinstance(value, str):
            found.setdefault(value.strip().lower(), c)
    return found


def _refuse_duplicate_headers(cells: Cells, sheet: str, names: tuple[str, ...], where: _Where) -> None:
    """Two columns with one header: the second's cells would be read by nobody, so neither is chosen."""
    wanted = {name.lower() for name in names}
    first: dict[str, int] = {}
    for (r, c), value in cells.items():
        if r == 1 and isinstance(value, str) and value.strip().lower() in wanted:
            key = value.strip().lower()
            if key in first:
                raise BookError(
                    f"{where(sheet, 1, c)}: the header {value.strip()!r} is also in cell {col_letter(first[key])}1; "
                    "keep one column of each name: move what is typed under one of them to the other, then "
                    "delete or rename it"
                )
            first[key] = c


def _refuse_long_cells(cells: Cells, sheet: str, where: _Where) -> None:
    """A cell longer than Excel holds (only another program can write one): Excel would cut it."""
    half = MAX_CELL_CHARS // 2
    for (r, c), value in cells.items():
        text = value.cached if value.__class__ is Formula else value
        if isinstance(text, str) and len(text) > half and excel_length(text) > MAX_CELL_CHARS:
            raise BookError(
                f"{where(sheet, r, c)}: the text is {excel_length(text):,} characters long; an Excel cell holds at most "
                f"{MAX_CELL_CHARS:,}, so Excel would cut it. Shorten it, or keep the full text elsewhere and link to it"
            )


def _header(headers: dict[str, int], sheet: str, names: tuple[str, ...], where: _Where) -> dict[str, int]:
    columns = {}
    for n, name in enumerate(names, start=1):
        col = headers.get(name.strip().lower())
        if col is None:
            raise BookError(
                f"{where(sheet, 1, n)}: expected the header {name!r} in row 1 of sheet '{sheet}'; "
                "restore it (headers may move but not be renamed)"
            )
        columns[name] = col
    return columns


def _settings(cells: Cells, where: _Where) -> tuple[Settings, dict[str, object]]:
    found: dict[str, tuple[int, object]] = {}
    labels = {label.lower(): key for key, label in SETTING_LABELS.items()}
    for (r, c), value in cells.items():
        if c == 1 and isinstance(value, str) and value.strip().lower() in labels:
            found[labels[value.strip().lower()]] = (r, _value(cells.get((r, 2))))
    settings = Settings()
    for key in ("reporting_year", "current_quarter"):
        if key not in found:
            raise BookError(
                f"{where.path}: sheet '{SETTINGS}' has no row labelled {SETTING_LABELS[key]!r} in column A; "
                "restore the label, with the value beside it in column B"
            )
    row, year = found["reporting_year"]
    try:
        year_text = cell_text(year).strip()
        settings.reporting_year = year_label(year_key(year_text))
    except CellError as err:
        raise BookError(f"{where(SETTINGS, row, 2)}: {err}; type a year such as '2011/12'") from None
    row, quarter = found["current_quarter"]
    text = cell_text(quarter).strip()
    if text not in ("1", "2", "3", "4"):
        raise BookError(
            f"{where(SETTINGS, row, 2)}: cannot read {text_preview(cell_text(quarter))} as the current quarter; "
            "type 1, 2, 3 or 4"
        )
    settings.current_quarter = int(text)
    if "partnership" in found:
        settings.partnership = cell_text(found["partnership"][1]).strip()
    if "population" in found:
        row, pop = found["population"]
        if pop not in (None, ""):
            try:
                value = parse_cell(_value(pop) if not isinstance(pop, SheetNumber) else pop.value).value
            except CellError as err:
                raise BookError(f"{where(SETTINGS, row, 2)}: {err}; type the population, such as 257,000") from None
            if value is None or value <= 0:
                raise BookError(
                    f"{where(SETTINGS, row, 2)}: the population must be a number above zero; type the population, "
                    "such as 257,000, or leave it blank"
                )
            settings.population = value
    return settings, {key: value for key, (_, value) in found.items()}


def _indicators(cells: Cells, where: _Where) -> tuple[list[Indicator], dict[str, int]]:
    _refuse_duplicate_headers(cells, INDICATORS, INDICATOR_HEADERS, where)
    headers = _row_texts(cells)
    columns = _header(headers, INDICATORS, INDICATOR_HEADERS[:3], where)
    for name in INDICATOR_HEADERS[3:]:
        col = headers.get(name.strip().lower())
        if col:
            columns[name] = col
    last = max((r for r, _ in cells), default=1)
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    folded: dict[str, int] = {}  # refs as compared (refs.ref_key): any case, Unicode form or spacing
    for row in range(2, last + 1):
        values = {name: _value(cells.get((row, col))) for name, col in columns.items()}
        ref = cell_text(values["Ref"]).strip()
        if not ref:
            continue
        claim_ref(ref, where(INDICATORS, row, columns["Ref"]), row, folded)
        seen[ref] = row
        indicators.append(_indicator(ref, row, values, columns, where))
    return indicators, seen


def _indicator(ref: str, row: int, values: dict[str, object], columns: dict[str, int], where: _Where) -> Indicator:
    description = cell_text(values.get("Description")).strip()
    ind = Indicator(ref=ref, description=description, polarity=None)
    problems = ind.problems

    def attempt(name: str, read, default):
        cell = values.get(name)
        if cell in (None, ""):
            return default
        try:
            return read(cell)
        except CellError as err:
            problems.append(f"{where(INDICATORS, row, columns[name])}: {err}".split(": ", 1)[1])
            return default

    # A blank polarity stays unset (CHECK), as the Data sheet's CSP_STATUS formula sees it; the
    # wording is only a first guess at import, where the officer can see and change it.
    ind.polarity = attempt("Polarity", parse_polarity, None)
    ind.unit = attempt("Unit", parse_unit_word, None)
    tolerance = attempt("Tolerance", lambda c: parse_fraction(c.value if isinstance(c, SheetNumber) else c,
                                                             what="a tolerance"), None)
    if tolerance is not None:
        if tolerance < 0:
            problems.append(f"sheet '{INDICATORS}' cell {col_letter(columns['Tolerance'])}{row}: a tolerance cannot be negative")
        else:
            ind.tolerance = tolerance
    ind.tolerance_kind = attempt("Tolerance kind", parse_tolerance_kind, ind.tolerance_kind)
    ind.trend_basis = attempt("Trend basis", parse_trend_basis, ind.trend_basis)
    ind.comparator = values.get("Comparator")
    population = attempt("Population", lambda c: parse_cell(c.value if isinstance(c, SheetNumber) else c).value, None)
    ind.population = population if population and population > 0 else None
    ind.notes = cell_text(values.get("Notes"))
    return ind


def _records(cells: Cells, columns: dict[str, int], refs: set[str], where: _Where
             ) -> tuple[dict[tuple[str, str], YearRecord], list[int]]:
    last = max((r for r, _ in cells), default=1)
    records: dict[tuple[str, str], YearRecord] = {}
    seen: dict[tuple[str, str], int] = {}
    rows = []
    ref_col, year_col = columns["Ref"], columns["Year"]
    figure_cols = [columns[name] for name in ("Outturn", "Target", "Q1", "Q2", "Q3", "Q4")]
    commentary_cols = [columns[f"{q} commentary"] for q in ("Q1", "Q2", "Q3", "Q4")]
    get = cells.get
    for row in range(2, last + 1):
        ref_cell = _value(cells.get((row, ref_col)))
        ref = cell_text(ref_cell).strip()
        year_cell = _value(cells.get((row, year_col)))
        if not ref and year_cell in (None, ""):
            continue
        if ref not in refs:
            raise BookError(
                f"{where(DATA, row, ref_col)}: ref {text_preview(ref)} is not on the '{INDICATORS}' sheet; "
                "add the indicator there first, or correct the ref"
            )
        try:
            year = _reporting_year(cell_text(year_cell))
        except CellError as err:
            raise BookError(f"{where(DATA, row, year_col)}: {err}; type a year such as '2011/12'") from None
        if (ref, year) in seen:
            raise BookError(
                f"{where(DATA, row, year_col)}: {ref} {year} is already on row {seen[(ref, year)]}; "
                "keep one row per indicator and year"
            )
        seen[(ref, year)] = row
        rows.append(row)
        figures = [_blank_as_none(_value(get((row, col)))) for col in figure_cols]
        commentary = [text if (text := get((row, col))).__class__ is str else cell_text(_blank_as_none(_value(text)))
                      for col in commentary_cols]  # most commentary is text, as typed
        records[(ref, year)] = YearRecord(ref, year, outturn=figures[0], target=figures[1],
                                          quarters=figures[2:], commentary=commentary)
    return records, rows


def _blank_as_none(value: object) -> object:
    return None if value == "" else value


@lru_cache(maxsize=256)
def _reporting_year(text: str) -> str:
    """'2011/12', '2011-12' or '2011' -> '2011/12' (an error for anything else)."""
    return year_label(year_key(text))


def _legend_styles(cells: Cells, styles: dict[tuple[int, int], int]) -> dict[str, int]:
    """The style index of each labelled cell in the Settings legend (officers' own formatting)."""
    found = {}
    for (r, c), value in cells.items():
        if c == 1 and isinstance(value, str) and value.strip() in STYLE_LABELS and value.strip() not in found:
            found[value.strip()] = styles.get((r, c), 0)
    return found
