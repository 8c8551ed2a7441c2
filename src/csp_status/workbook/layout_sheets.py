"""The Layout and Source sheets of a book imported from a partnership's own summary layout.

``Source`` holds the summary as it was imported, cell for cell (title rows, header rows, section
rows, figures and words as officers typed them): the Summary is regenerated in its layout.
``Layout`` shows how each of its columns is read (header, role, period, whether it is the current
figure, how sure the import was, and why); an officer corrects a role there, from a drop-down of
the roles, and imports again with ``csp import FILE --layout BOOK`` (see docs/layouts.md).
"""

from __future__ import annotations

from csp_status.core.errors import BookError, text_preview
from csp_status.core.model import LayoutColumn, OwnLayout
from csp_status.core.vocabulary.layouts import Role
from csp_status.workbook.cells import col_index, col_letter
from csp_status.workbook.layout import Style
from csp_status.workbook.merges import merge_refs
from csp_status.workbook.sheet_spec import SheetSpec

__all__ = ["LAYOUT", "SOURCE", "LAYOUT_HEADERS", "LAYOUT_SHEET_NUMBERS", "layout_specs", "own_layout_from_cells",
           "corrections_from_layout", "imported_roles", "changed_roles", "read_own_layout", "read_corrections",
           "layout_notices"]

LAYOUT = "Layout"
SOURCE = "Source"
LAYOUT_SHEET_NUMBERS = {LAYOUT: 7, SOURCE: 8}  # after the six sheets every book has
LAYOUT_HEADERS = ("Column", "Header", "Role", "Read as", "Period", "Current", "Confidence", "Reason")
_ROLE_COLUMN = LAYOUT_HEADERS.index("Role") + 1
_ROLES = tuple(r.value for r in Role)
_MAX_WIDTH = 60
MAX_SOURCE_ROWS = 20_000  # a summary of the most indicators a book holds, with its headers and sections


def layout_specs(own: OwnLayout) -> list[tuple[str, SheetSpec]]:
    """The (name, SheetSpec) of the Layout and Source sheets, in tab order."""
    rows = [[(h, Style.HEADER) for h in LAYOUT_HEADERS]]
    for c in own.columns:
        rows.append([(col_letter(c.column), Style.INPUT), (c.header or None, Style.INPUT), (c.role, Style.INPUT),
                     (c.read_as or c.role, Style.CALCULATED), (c.period or None, Style.INPUT), ("yes" if c.current else None, Style.INPUT),
                     (c.confidence, Style.INPUT), (c.reason or None, Style.INPUT)])
    roles = '"' + ",".join(r.value for r in Role) + '"'
    letter = col_letter(_ROLE_COLUMN)
    layout = SheetSpec(rows, widths={1: 9, 2: 44, 3: 22, 4: 22, 5: 18, 6: 9, 7: 11, 8: 70}, freeze="A2",
                       code_name="Sheet7", validations=[(f"{letter}2:{letter}{len(rows) + 50}", roles)])
    fills = {cell: Style.BY_LABEL[status.value] for cell, status in own.fills.items()}  # the boxes' colours kept
    source = SheetSpec([[(_kept(cell), fills.get((r, c), Style.DEFAULT)) for c, cell in enumerate(row, start=1)]
                        for r, row in enumerate(own.rows, start=1)],
                       widths=own.widths or source_widths(own.rows), code_name="Sheet8",
                       merges=merge_refs(own.merges, len(own.rows), max((len(r) for r in own.rows), default=0)))
    return [(LAYOUT, layout), (SOURCE, source)]


def _kept(cell: object) -> object:
    from csp_status.core.numfmt import format_number
    from csp_status.core.parse import SheetNumber

    if isinstance(cell, SheetNumber):
        return format_number(cell.value, cell.number_format)  # as the summary showed it ("85.0%"), which is what the officers read
    return None if cell is None or cell == "" else cell


def source_widths(rows: list[list[object]]) -> dict[int, float]:
    """Column widths (in characters) that show each column's usual text: its longest header or figure,
    up to a limit beyond which the text wraps."""
    from csp_status.workbook.cell_kinds import cell_text

    widths: dict[int, float] = {}
    for row in rows:
        for c, cell in enumerate(row, start=1):
            widths[c] = max(widths.get(c, 8.0), min(float(len(cell_text(cell)) + 2), _MAX_WIDTH))
    return widths


def own_layout_from_cells(layout_cells: dict[tuple[int, int], object], source_cells: dict[tuple[int, int], object],
                          where: str, sheet: str = f"sheet '{LAYOUT}'") -> OwnLayout:
    """The own layout a book keeps, from its Layout and Source sheets' cells (errors name the cell)."""
    from csp_status.workbook.cell_kinds import cell_text

    header = {cell_text(v).strip().lower(): c for (r, c), v in layout_cells.items() if r == 1}
    missing = [h for h in ("Column", "Role") if h.lower() not in header]
    if missing:
        raise BookError(f"{where} {sheet} row 1: no {' or '.join(map(repr, missing))} header; head the columns "
                        f"{' | '.join(LAYOUT_HEADERS)} (a mapping needs Column and Role)")
    columns = []
    for r in sorted({r for r, _ in layout_cells if r > 1}):
        def text(name: str, r: int = r) -> str:
            col = header.get(name.lower())
            return cell_text(layout_cells.get((r, col))).strip() if col else ""

        letter = text("Column")
        if not letter:
            continue
        if not (letter.isascii() and letter.isalpha() and len(letter) <= 3):
            raise BookError(f"{where} {sheet} cell {col_letter(header['column'])}{r}: {text_preview(letter)} is not a "
                            "column letter; "
                            "type the column's letter, such as 'C'")
        column = col_index(letter.upper())
        role, read_as = _role(text("Role"), f"{where} {sheet}", header["role"], r), text("Read as").lower()
        confidence = layout_cells.get((r, header.get("confidence", 0)))
        columns.append(LayoutColumn(column, text("Header"), role, text("Period"), text("Current").lower() == "yes",
                                    confidence if isinstance(confidence, float) else None, text("Reason"),
                                    read_as if read_as in _ROLES else role))
    from csp_status.workbook.recognise import MAX_COLUMNS

    height = max((r for r, _ in source_cells), default=0)
    width = max((c for _, c in source_cells), default=0)
    if height > MAX_SOURCE_ROWS or width > MAX_COLUMNS:
        r, c = max(source_cells, key=lambda rc: (rc[0] > MAX_SOURCE_ROWS, rc[1] > MAX_COLUMNS, rc))
        raise BookError(f"{where} sheet '{SOURCE}' cell {col_letter(c)}{r}: beyond any summary's {MAX_SOURCE_ROWS:,} "
                        f"rows and {MAX_COLUMNS} columns; delete what is there, or restore the sheet")
    rows = [[source_cells.get((r, c)) for c in range(1, width + 1)] for r in range(1, height + 1)]
    return OwnLayout(columns, rows)


def _role(text: str, where: str, column: int, row: int) -> str:
    role = "_".join(text.lower().replace("-", " ").split())  # "Same period last year" as the list writes it
    if role not in _ROLES:
        raise BookError(f"{where} cell {col_letter(column)}{row}: cannot read {text_preview(text)} "
                        f"as a role; choose one of {', '.join(_ROLES)}")
    return role


def corrections_from_layout(own: OwnLayout) -> dict[int, Role]:
    """The roles a Layout sheet gives, by column number: an import keeps them as the officer set them."""
    return {c.column: Role(c.role) for c in own.columns}


def imported_roles(own: OwnLayout) -> dict[int, Role]:
    """The roles the book's figures were imported with, by column number (what the Summary follows)."""
    return {c.column: Role(c.read_as or c.role) for c in own.columns}


def changed_roles(own: OwnLayout) -> list[LayoutColumn]:
    """The columns whose role an officer changed on the Layout sheet since the import."""
    return [c for c in own.columns if c.read_as and c.read_as != c.role]


def read_own_layout(path: object, package, parts: dict[str, str]) -> OwnLayout | None:
    """The partnership's own layout, when the book has its Layout and Source sheets."""
    from csp_status.workbook.fills import sheet_rag_fills
    from csp_status.workbook.merges import sheet_merges, sheet_widths

    if LAYOUT not in parts or SOURCE not in parts:
        return None
    own = own_layout_from_cells(package.cells(LAYOUT), package.cells(SOURCE), f"{path}:")
    own.fills, own.merges, own.widths = (sheet_rag_fills(package, SOURCE), sheet_merges(package, SOURCE),
                                         sheet_widths(package, SOURCE))
    return own


def read_corrections(path) -> dict[int, Role]:
    """An officer's roles for a summary's columns, from a master book's Layout sheet or from a mapping
    file (.tsv, .csv, or a workbook's first sheet) headed ``Column`` and ``Role``."""
    from pathlib import Path

    from csp_status.workbook.legacy import read_grid
    from csp_status.workbook.package import Package

    path = Path(path)
    cells: dict[tuple[int, int], object] | None = None
    sheet = f"sheet '{LAYOUT}'"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        with Package(path) as package:
            if LAYOUT in package.sheet_paths():
                cells = package.cells(LAYOUT)
    if cells is None:
        cells = {(r, c): v for r, row in enumerate(read_grid(path), start=1) for c, v in enumerate(row, start=1)
                 if v not in (None, "")}
        sheet = "the mapping"
    corrections = corrections_from_layout(own_layout_from_cells(cells, {}, f"{path}:", sheet))
    if not corrections:
        raise BookError(f"{path}: no column roles: the mapping lists each column's letter under 'Column' and its "
                        "role under 'Role', one column per row")
    return corrections


def layout_notices(path: object, own: OwnLayout | None) -> list[str]:
    """What a refresh says of roles changed on the Layout sheet: they apply when the summary is imported again."""
    if own is None:
        return []
    return [f"{path}: sheet '{LAYOUT}' gives column {col_letter(c.column)} the role {c.role!r}, but its figures were "
            f"imported as {c.read_as!r}; the Summary follows the import until the summary is imported again with "
            f"'csp import SUMMARY --layout {path} -o NEW.xlsm'" for c in changed_roles(own)]
