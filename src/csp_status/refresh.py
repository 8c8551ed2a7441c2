"""Regenerating a master workbook: the Summary tab and the cached values of the Data formulas.

Only two parts change: the Summary worksheet, written anew, and the Data worksheet, where each
``CSP_*`` formula cell gets a fresh cached value (what Excel will calculate, worked out with the
same functions the worksheet calls).  Every other part of the package is copied as it was, so the
VBA project, the ribbon, officers' inputs and commentary, other sheets and defined names come
through byte for byte.  A refresh whose result equals the book writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import functions
from .book_read import MasterBook, cell_text, read_book
from .errors import BookError, CspError
from .evaluate import Evaluation, evaluate
from .layout import DATA, DATA_FORMULA_HEADERS, SUMMARY, data_formulas
from .package import book_lock, write_atomically, zip_bytes
from .parse import SheetNumber
from .summary import summary_sheet
from .xlsx import MAIN, NS, Formula, Package, col_index, split_ref, xml_text

__all__ = ["RefreshResult", "refresh_book", "regenerate"]

_SERIALISE = dict(xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class RefreshResult:
    path: Path
    evaluations: list[Evaluation]
    changed: bool
    notices: list[str] = field(default_factory=list)


def refresh_book(path: Path, *, write: bool = True) -> RefreshResult:
    """Regenerate the book's Summary and cached values; write only when something changed."""
    path = Path(path)
    if not write:
        data, evaluations, notices, original = regenerate(path)
        return RefreshResult(path, evaluations, data != original, notices)
    with book_lock(path):
        data, evaluations, notices, original = regenerate(path)
        changed = data != original
        if changed:
            write_atomically(path, data)
    return RefreshResult(path, evaluations, changed, notices)


def regenerate(path: Path) -> tuple[bytes, list[Evaluation], list[str], bytes]:
    """The refreshed package's bytes, the evaluations, notices, and the original bytes."""
    try:
        original = Path(path).read_bytes()
    except FileNotFoundError:
        raise BookError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BookError(f"{path}: is a folder, not a workbook") from None
    except OSError as err:
        raise BookError(f"{path}: cannot read it ({err.strerror})") from None
    with Package(path) as package:
        master = read_book(path, package)
        evaluations = evaluate(master.partnership)
        notices: list[str] = []
        replaced = {
            master.sheet_parts[SUMMARY]: summary_sheet(master.partnership, evaluations, master.styles),
            master.sheet_parts[DATA]: _data_with_cached_values(package, master, notices),
        }
        order = package.names
        parts = {name: replaced.get(name) or package.read(name) for name in order}
    return zip_bytes(parts, order=order), evaluations, notices, original


def _data_with_cached_values(package: Package, master: MasterBook, notices: list[str]) -> bytes:
    """The Data part with every recognised CSP_* formula cell holding what Excel will calculate."""
    part = master.sheet_parts[DATA]
    root = package.xml(part)
    columns = {master.data_columns[h]: h for h in DATA_FORMULA_HEADERS if h in master.data_columns}
    shared: dict[str, tuple[int, str]] = {}
    for row in root.iterfind("m:sheetData/m:row", NS):
        for cell in row.iterfind("m:c", NS):
            ref = cell.get("r")
            f = cell.find("m:f", NS)
            if not ref or f is None:
                continue
            r, c = split_ref(ref)
            if f.get("t") == "shared" and f.text:
                shared[f.get("si", "")] = (r, f.text)
            header = columns.get(c)
            if header is None:
                continue
            text = f.text
            if text is None and f.get("t") == "shared":
                first_row, first_text = shared.get(f.get("si", ""), (0, ""))
                text = data_formulas(r)[header] if first_text == data_formulas(first_row)[header] else None
            if text != data_formulas(r)[header]:
                notices.append(
                    f"{master.path}: sheet '{DATA}' cell {ref}: the formula was changed by hand; its shown value was left as it was"
                )
                continue
            _set_cached(cell, _formula_value(master, r, header))
    return etree.tostring(root, **_SERIALISE)


def _set_cached(cell: etree._Element, value: object) -> None:
    v = cell.find("m:v", NS)
    if v is None:
        v = etree.SubElement(cell, MAIN + "v")
    if isinstance(value, bool):
        cell.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        if "t" in cell.attrib:
            del cell.attrib["t"]
        v.text = str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    else:
        cell.set("t", "str")
        v.text = xml_text("" if value is None else str(value))


def _arg(cell: object) -> object:
    """A cell as a worksheet function receives it: numbers as numbers, text as text, blank as None."""
    if isinstance(cell, Formula):
        cell = cell.cached
    if isinstance(cell, SheetNumber):
        return cell.value
    if cell == "":
        return None
    return cell


def _formula_value(master: MasterBook, r: int, header: str) -> object:
    """What the Data formula of ``header`` on row ``r`` calculates (see layout.data_formulas)."""
    grid = master.data_cells

    def at(col: str, row: int = r) -> object:
        return _arg(grid.get((row, col_index(col))))

    def blank(value: object) -> bool:
        return value is None or value == ""

    year_cell = master.settings_cells.get("reporting_year")
    if cell_text(at("B")).lower() != cell_text(_arg(year_cell)).lower() or blank(at("B")):
        return ""
    quarter = master.partnership.settings.current_quarter
    now = at("EFGH"[quarter - 1])
    target = at("D")
    ref = cell_text(at("A"))
    ind_row = _indicator_row_by_ref(master).get(ref.strip().lower())

    def lookup(col: str) -> object:
        return _arg(master.indicator_cells.get((ind_row, col_index(col)))) if ind_row else None

    try:
        if header == "Value now":
            return _blank_if_none(functions.csp_value(now))
        if header == "Status":
            return functions.csp_status(now, target, lookup("C"), lookup("E"), lookup("F")).value
        if header == "Gap":
            return _blank_if_none(functions.csp_gap(now, target))
        same_row = cell_text(at("A", r - 1)).lower() == ref.lower()
        last_outturn = at("C", r - 1) if same_row and not blank(at("C", r - 1)) else ""
        if cell_text(lookup("G")).lower() == "same quarter last year":
            last_q = at("EFGH"[quarter - 1], r - 1)
            previous = last_q if same_row and not blank(last_q) else ""
        elif quarter == 1:
            previous = last_outturn
        else:
            prev_q = at("EFGH"[quarter - 2])
            previous = last_outturn if blank(prev_q) else prev_q
        trend = functions.csp_trend(now, previous or None, lookup("C"))
        return trend.value if trend else ""
    except CspError as err:
        return functions.error_text(err)


def _indicator_row_by_ref(master: MasterBook) -> dict[str, int]:
    """Indicators rows by ref, matched as Excel's MATCH does (any case; the first row wins)."""
    rows = master.__dict__.get("_rows_by_ref")
    if rows is None:
        rows = {}
        for key, row in master.indicator_rows.items():
            rows.setdefault(key.lower(), row)
        master.__dict__["_rows_by_ref"] = rows
    return rows


def _blank_if_none(value: float | None) -> object:
    return "" if value is None else value

