"""Reading a partnership's existing "Overview – Indicator Summary" sheet (.tsv, .csv or .xlsx).

The layout is the one officers already use (see the Derby seed): a group row, a header row
``Ref | Description | <baseline years> | Comparator | Targets … | Q1* Q2 Q3 Q4 | Q1* Q2 Q3 Q4``,
a row under ``Targets`` naming the target years, then one row per indicator.  Every cell is kept
as typed text: nothing officers wrote is dropped, and nothing is ever read as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from csp_status.core.errors import BookError
from csp_status.core.model import (
    Indicator,
    Partnership,
    Settings,
    YearRecord,
    next_year,
    year_key,
    year_label,
)
from csp_status.core.parse import read_cell
from csp_status.core.targets import indicator_polarity
from csp_status.core.vocabulary import Unit
from csp_status.workbook.cells import excel_length
from csp_status.workbook.refs import claim_ref

__all__ = ["LegacySheet", "read_legacy", "read_grid", "parse_legacy_rows", "fits_legacy_layout", "keep_cell", "row_unit",
           "refuse_long_cells",
           "MAX_LEGACY_ROWS", "MAX_INDICATORS"]

MAX_LEGACY_ROWS = 100_000
MAX_INDICATORS = 5_000  # a partnership's summary has a few dozen; more is another kind of sheet
MAX_CELL_CHARS = 32_767  # what one Excel cell holds
MAX_TEXT_BYTES = 256 * 1024 * 1024  # a .tsv or .csv larger than this is not a summary
_BINARY_MAGIC = (b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"), b"%PDF")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")
_FIX_HEADER = ("make the header row read 'Ref | Description | baseline years | Comparator | Targets | "
               "Q1–Q4 | Q1–Q4' (figures, then commentary), as in the partnership's summary")
_YEAR = re.compile(r"^\s*\d{4}\s*/\s*\d{2,4}\s*$", re.ASCII)
_QUARTER = re.compile(r"^\s*Q([1-4])\s*(\*?)\s*$", re.ASCII | re.IGNORECASE)


@dataclass
class LegacySheet:
    """A legacy summary, read: the partnership it describes and what the import had to decide."""

    partnership: Partnership
    notices: list[str] = field(default_factory=list)
    group_row: list[str] = field(default_factory=list)


def read_legacy(path: Path) -> LegacySheet:
    """Read a legacy summary file; errors name the file, and the row and column where it applies."""
    return parse_legacy_rows(read_grid(path), source=str(path))


def read_grid(path: Path, sheet: str | None = None) -> list[list[object]]:
    """A summary file (.tsv, .csv or .xlsx: its first sheet, or ``sheet``) as a grid of cells; errors name the file."""
    path = Path(path)
    if not path.exists():
        raise BookError(f"{path}: no such file; check the name and the folder")
    if path.is_dir():
        raise BookError(f"{path}: is a folder, not a summary; give the summary's file name")
    suffix = path.suffix.lower()
    try:
        if suffix in (".tsv", ".txt"):
            rows = _read_delimited(path, "\t")
        elif suffix == ".csv":
            rows = _read_delimited(path, ",")
        elif suffix in (".xlsx", ".xlsm"):
            rows = _read_xlsx(path, sheet)
        else:
            raise BookError(f"{path}: cannot import a '{suffix}' file; use .tsv, .csv or .xlsx")
    except UnicodeDecodeError as err:
        raise BookError(
            f"{path}: not a text file in UTF-8 or Windows-1252 ({err.reason}); save it from Excel as "
            "'Text (Tab delimited)' or 'CSV UTF-8'"
        ) from None
    except BookError:
        raise
    except OSError as err:
        raise BookError(f"{path}: cannot read it ({err.strerror}); check that you may open it") from None
    return rows


def _read_delimited(path: Path, delimiter: str) -> list[list[str]]:
    from csp_status.workbook.guard import open_regular

    with open_regular(path) as handle:  # a regular file only: never a device, a pipe or a folder
        raw = handle.read(MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        raise BookError(
            f"{path}: {path.stat().st_size:,} bytes, too large for an indicator summary; "
            "check that this is the summary, and import the summary alone"
        )
    head = raw[:4096]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")  # Excel's "Unicode Text"
    elif raw.startswith(_BINARY_MAGIC) or sum(head.count(b) for b in _CONTROL_BYTES) * 10 > len(head):
        # a few control characters are text an officer pasted; many are a binary file
        raise BookError(
            f"{path}: not a text file (it looks like a binary or zip file); import the workbook as .xlsx, "
            "or save the summary from Excel as 'Text (Tab delimited)'"
        )
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
    if csv.field_size_limit() < MAX_TEXT_BYTES:
        csv.field_size_limit(MAX_TEXT_BYTES)  # a cell too long for Excel is refused below, naming the cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_LEGACY_ROWS:
                raise BookError(
                    f"{path}: more than {MAX_LEGACY_ROWS:,} rows; is this the indicator summary? "
                    "Import the summary alone"
                )
    except csv.Error as err:
        raise BookError(
            f"{path} line {reader.line_num}: cannot read it as {'tab' if delimiter == chr(9) else 'comma'}-separated "
            f"text ({err}); save it again from Excel as 'Text (Tab delimited)' or 'CSV UTF-8'"
        ) from None
    return rows


def _read_xlsx(path: Path, sheet: str | None = None) -> list[list[str]]:
    from csp_status.workbook.package import read_sheet_rows

    try:
        return read_sheet_rows(path, sheet, max_rows=MAX_LEGACY_ROWS)
    except zipfile.BadZipFile:
        raise BookError(f"{path}: not a workbook (not a zip package); choose the workbook itself") from None


def refuse_long_cells(grid: list[list[object]], source: str) -> None:
    """Refuse a summary with a cell longer than an Excel cell holds, naming the cell (nothing is cut short)."""
    for r, row in enumerate(grid, start=1):
        for c, cell in enumerate(row, start=1):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS // 2 and excel_length(cell) > MAX_CELL_CHARS:
                raise BookError(
                    f"{source} row {r} column {_col(c)}: the text is {excel_length(cell):,} characters long; an Excel "
                    f"cell holds at most {MAX_CELL_CHARS:,}, so it cannot be imported without losing some of it. "
                    "Shorten it, or keep the full text elsewhere and link to it"
                )


def fits_legacy_layout(rows: list[list[object]]) -> bool:
    """Whether a grid is in the Derby layout this reader knows cell by cell ('Ref' in column A, then
    Description, baseline years, Comparator, Targets, Q1–Q4 figures and Q1–Q4 commentary); any other
    layout is recognised instead (``recognise``)."""
    grid = [[("" if c is None else c) for c in row] for row in rows]
    try:
        at = _find_header(grid, "the sheet")
        _Layout.from_header([_text(c) for c in grid[at]], grid, at, "the sheet")
    except BookError:
        return False
    return True


def parse_legacy_rows(rows: list[list[object]], source: str = "the sheet") -> LegacySheet:
    """Read the legacy layout from a grid of cells (row-major, as text or numbers)."""
    grid = [[("" if c is None else c) for c in row] for row in rows]
    refuse_long_cells(grid, source)
    header_at = _find_header(grid, source)
    header = [_text(c) for c in grid[header_at]]
    layout = _Layout.from_header(header, grid, header_at, source)
    notices: list[str] = []
    indicators: list[Indicator] = []
    records: dict[tuple[str, str], YearRecord] = {}
    seen: dict[str, int] = {}  # refs as compared (refs.ref_key): any case, Unicode form or spacing
    first_data = header_at + (2 if layout.years_row_used else 1)
    for index in range(first_data, len(grid)):
        row = grid[index] + [""] * (layout.width - len(grid[index]))
        ref = _text(row[0]).strip()
        if not ref:
            if any(_text(c).strip() for c in row):
                notices.append(f"{source} row {index + 1}: no Ref in column A; row skipped")
            continue
        claim_ref(ref, f"{source} row {index + 1}", index + 1, seen)
        if len(seen) > MAX_INDICATORS:
            raise BookError(
                f"{source}: more than {MAX_INDICATORS:,} indicator rows; a partnership's summary has a few dozen. "
                "Check that this is the indicator summary, or split it into several books"
            )
        indicators.append(_indicator(ref, row, layout))
        for record in _records(ref, row, layout, notices, index + 1, source):
            records[(ref, record.year)] = record
    if not indicators:
        raise BookError(
            f"{source}: no indicator rows under the header on row {header_at + 1}; put one row per indicator "
            "under it, with its ref in column A"
        )
    settings = Settings(reporting_year=layout.target_years[0], current_quarter=layout.current_quarter)
    book = Partnership(settings, indicators, records)
    by_ref: dict[str, list[YearRecord]] = {}
    for (ref, _), record in records.items():
        by_ref.setdefault(ref, []).append(record)
    for ind in book.indicators:
        ind.unit = row_unit(by_ref.get(ind.ref, []))
    return LegacySheet(book, notices, [_text(c) for c in grid[header_at - 1]] if header_at else [])


@dataclass
class _Layout:
    width: int
    baseline_cols: list[tuple[int, str]]
    comparator_col: int | None
    target_cols: list[tuple[int, str]]
    perf_cols: list[int]
    comment_cols: list[int]
    current_quarter: int
    years_row_used: bool

    @property
    def target_years(self) -> list[str]:
        return [year for _, year in self.target_cols]

    @classmethod
    def from_header(cls, header: list[str], grid: list[list[object]], at: int, source: str) -> "_Layout":
        where = f"{source} row {at + 1}"
        if len(header) < 2 or header[1].strip().lower() != "description":
            raise BookError(f"{where}: expected 'Description' in column B after 'Ref'; {_FIX_HEADER}")
        baseline = [(i, header[i].strip()) for i in range(2, len(header)) if _YEAR.match(header[i])]
        comparator = next((i for i, h in enumerate(header) if h.strip().lower() == "comparator"), None)
        targets_at = next((i for i, h in enumerate(header) if h.strip().lower().startswith("target")), None)
        quarters = [(i, _QUARTER.match(h)) for i, h in enumerate(header)]
        quarters = [(i, m) for i, m in quarters if m]
        if targets_at is None:
            raise BookError(f"{where}: no 'Targets' column header; {_FIX_HEADER}")
        numbers = [int(m[1]) for _, m in quarters]
        if numbers[:4] != [1, 2, 3, 4]:
            raise BookError(f"{where}: expected quarter headers 'Q1'–'Q4' for performance; {_FIX_HEADER}")
        if numbers[4:8] != [1, 2, 3, 4][: len(numbers[4:8])]:
            raise BookError(f"{where}: expected quarter headers 'Q1'–'Q4' for commentary; {_FIX_HEADER}")
        baseline = [(i, y) for i, y in baseline if i < targets_at]
        if not baseline:
            raise BookError(f"{where}: no baseline year columns (such as '2010/11') before 'Targets'; {_FIX_HEADER}")
        first_quarter = quarters[0][0]
        years_row = [_text(c) for c in grid[at + 1]] if at + 1 < len(grid) else []
        target_cols = []
        for i in range(targets_at, first_quarter):
            cell = years_row[i].strip() if i < len(years_row) else ""
            inline = header[i].strip()
            if _YEAR.match(cell):
                target_cols.append((i, _norm_year(cell)))
            elif _YEAR.match(inline.split()[-1] if inline.split() else ""):
                target_cols.append((i, _norm_year(inline.split()[-1])))
        years_row_used = any(_YEAR.match(c or "") for c in years_row)
        if not target_cols:
            target_cols = [(targets_at, next_year(baseline[-1][1]))]
        perf = [i for i, _ in quarters[:4]]
        comments = [i for i, _ in quarters[4:8]]
        starred = [int(m[1]) for _, m in quarters[:4] if m[2]]
        current = starred[0] if starred else 1
        width = max(len(header), max(perf + comments) + 1)
        return cls(width, [(i, _norm_year(y)) for i, y in baseline], comparator, target_cols,
                   perf, comments, current, years_row_used)


def _find_header(grid: list[list[object]], source: str) -> int:
    for index, row in enumerate(grid[:50]):
        if row and _text(row[0]).strip().lower() == "ref":
            return index
    raise BookError(f"{source}: no header row with 'Ref' in column A; {_FIX_HEADER}")


def _indicator(ref: str, row: list[object], layout: _Layout) -> Indicator:
    description = _text(row[1])
    comparator = row[layout.comparator_col] if layout.comparator_col is not None else None
    first_target = row[layout.target_cols[0][0]] if layout.target_cols and layout.target_cols[0][0] < len(row) else None
    # a first guess, from the whole description and the target's words ("at least 500"); the
    # officer sees it on the Indicators sheet, with the words that decided it in Notes, and can change it
    polarity, note = indicator_polarity(None, description, read_cell(keep_cell(first_target)))
    return Indicator(ref=ref, description=description, polarity=polarity, comparator=keep_cell(comparator),
                     notes=note or "")


def _records(ref: str, row: list[object], layout: _Layout, notices: list[str], line: int,
             source: str) -> list[YearRecord]:
    out = [YearRecord(ref, year, outturn=keep_cell(row[i])) for i, year in layout.baseline_cols]
    for n, (i, year) in enumerate(layout.target_cols):
        record = YearRecord(ref, year, target=keep_cell(row[i]))
        if n == 0:
            record.quarters = [keep_cell(row[i]) for i in layout.perf_cols]
            record.commentary = [_text(row[i]) if i < len(row) else "" for i in layout.comment_cols]
            record.commentary += [""] * (4 - len(record.commentary))
            _move_misplaced_commentary(record, layout.current_quarter, notices, line, source)
        out.append(record)
    return out


def _move_misplaced_commentary(record: YearRecord, current: int, notices: list[str], line: int,
                               source: str) -> None:
    """A row's only commentary, in a later quarter with no figures yet, belongs to the current quarter."""
    filled = [q for q, text in enumerate(record.commentary, start=1) if text.strip()]
    if len(filled) != 1 or filled[0] <= current or record.commentary[current - 1].strip():
        return
    later_figures = any(_text(v).strip() for v in record.quarters[current:])
    if later_figures:
        return
    q = filled[0]
    record.commentary[current - 1], record.commentary[q - 1] = record.commentary[q - 1], ""
    notices.append(f"{source} row {line}: commentary under Q{q} moved to Q{current}, the current quarter")


def row_unit(records: list[YearRecord]) -> Unit:
    """The unit an indicator's cells are written in (the most common explicit one)."""
    counts: dict[Unit, int] = {}
    for rec in records:
        for cell in [rec.outturn, rec.target, *rec.quarters]:
            unit = read_cell(cell).unit
            if unit is not None and unit is not Unit.NUMBER:
                counts[unit] = counts.get(unit, 0) + 1
    return max(counts, key=counts.get) if counts else Unit.NUMBER


def _col(index: int) -> str:
    from csp_status.workbook.cells import col_letter

    return col_letter(index)


def _norm_year(text: str) -> str:
    return year_label(year_key(text))


def keep_cell(cell: object) -> object:
    """A cell as typed: text stays text (never a formula), numbers stay numbers, blanks are None."""
    if cell is None:
        return None
    if isinstance(cell, str):
        return cell if cell.strip() else None
    return cell


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
