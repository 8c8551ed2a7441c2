"""Writing a new master workbook from a partnership: every part, as text, in a fixed order.

The Summary written here is empty; the refresh fills it (and the cached values of the Data
formulas), so that every book, built or imported, goes through the same regeneration.
"""

from __future__ import annotations

from csp_status.core.model import Partnership, year_key
from csp_status.core.parse import SheetNumber
from csp_status.core.vocabulary import UNIT_WORDS, Polarity, ToleranceKind, TrendBasis
from csp_status.workbook import data_columns
from csp_status.workbook.cells import HEADER, Formula, cell_xml, col_letter, escaped_with_quotes
from csp_status.workbook.layout import (
    CONFIG,
    DATA,
    DATA_FORMULA_HEADERS,
    DATA_HEADERS,
    DEFINED_NAMES,
    INDICATOR_HEADERS,
    INDICATORS,
    SETTING_FIRST_ROW,
    SETTING_LABELS,
    SETTINGS,
    SHEET_NUMBERS,
    SHEETS,
    STYLE_LABELS,
    STYLE_LEGEND_HEADING,
    SUMMARY,
    TRENDS,
    XLWINGS_CONF,
    Style,
    data_formulas,
)
from csp_status.workbook.rels import relationships_xml, relative_target, rels_name
from csp_status.workbook.sheet_spec import SheetSpec
from csp_status.workbook.styles import STYLES_XML
from csp_status.workbook.theme import THEME_CONTENT_TYPE, THEME_PART, THEME_TYPE, THEME_XML

__all__ = ["SheetSpec", "WrittenRow", "written_row", "sheet_xml", "book_parts", "STYLES_XML", "RIBBON_PART",
           "VBA_PART"]

RIBBON_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


ROW_SLOT = "\x00"  # where a written row's number goes: XML holds no NUL (cell_xml writes one as _x0000_)


class WrittenRow:
    """A row's cells written ahead as SpreadsheetML (in a worker process, say), with ``ROW_SLOT`` in
    each reference where the row's number goes: ``sheet_xml`` numbers it where it stands.  Its
    length is its number of cells, as a row of (value, style) has; its height is the default."""

    __slots__ = ("cells", "width")

    def __init__(self, cells: str, width: int) -> None:
        self.cells, self.width = cells, width

    def __len__(self) -> int:
        return self.width

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WrittenRow) and (self.cells, self.width) == (other.cells, other.width)


def written_row(row: list[tuple[object, int]]) -> WrittenRow:
    """One row of (value, style) written as ``sheet_xml`` writes it, before its number is known."""
    letters = _letters(len(row))
    return WrittenRow("".join([cell_xml(f"{letter}{ROW_SLOT}", value, style) for letter, (value, style)
                               in zip(letters, row)]), len(row))


def _letters(count: int, _known: list[str] = []) -> list[str]:  # noqa: B006 (a cache, grown as needed)
    while len(_known) < count:
        _known.append(col_letter(len(_known) + 1))
    return _known


def sheet_xml(spec: SheetSpec) -> bytes:
    """The worksheet part for a spec."""
    out = [HEADER, f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">']
    pr = f'<sheetPr codeName="{spec.code_name}">' if spec.code_name else "<sheetPr>"
    pr += f'<tabColor rgb="{spec.tab_color}"/>' if spec.tab_color else ""
    pr += '<outlinePr summaryRight="0"/>' if spec.folded else ""
    pr += '<pageSetUpPr fitToPage="1"/></sheetPr>' if spec.landscape else "</sheetPr>"
    out.append(pr)
    last_col = max((len(r) for r in spec.rows), default=1) or 1
    out.append(f'<dimension ref="A1:{col_letter(last_col)}{max(len(spec.rows), 1)}"/>')
    if spec.freeze:
        from csp_status.workbook.cells import split_ref

        row, col = split_ref(spec.freeze)
        pane = []
        if col > 1:
            pane.append(f'xSplit="{col - 1}"')
        if row > 1:
            pane.append(f'ySplit="{row - 1}"')
        active = "bottomRight" if col > 1 and row > 1 else ("bottomLeft" if row > 1 else "topRight")
        out.append(
            f'<sheetViews><sheetView workbookViewId="0"><pane {" ".join(pane)} topLeftCell="{spec.freeze}" '
            f'activePane="{active}" state="frozen"/><selection pane="{active}" activeCell="{spec.freeze}" '
            f'sqref="{spec.freeze}"/></sheetView></sheetViews>'
        )
    else:
        out.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    outline = ' outlineLevelCol="1"' if spec.folded else ""
    out.append(f'<sheetFormatPr defaultRowHeight="15"{outline}/>')
    if spec.widths:
        out.append("<cols>")
        summary = min(spec.folded) - 1 if spec.folded else 0  # the column that holds the + button
        for col in sorted(spec.widths):
            fold = ' hidden="1" outlineLevel="1"' if col in spec.folded else ""
            fold += ' collapsed="1"' if col == summary else ""
            out.append(f'<col min="{col}" max="{col}" width="{spec.widths[col]:g}" customWidth="1"{fold}/>')
        out.append("</cols>")
    out.append("<sheetData>")
    heights = fitted_heights(spec.rows, spec.widths, spec.merges) if spec.fit_rows else {}
    letters = [col_letter(c) for c in range(1, last_col + 1)]
    for r, row in enumerate(spec.rows, start=1):
        if row.__class__ is WrittenRow:
            cells = row.cells.replace(ROW_SLOT, str(r))
        else:
            cells = "".join([cell_xml(f"{letter}{r}", value, style) for letter, (value, style) in zip(letters, row)])
        if cells:
            ht = f' ht="{heights[r]:g}" customHeight="1"' if r in heights else ""
            out.append(f'<row r="{r}"{ht}>{cells}</row>')
    out.append("</sheetData>")
    if spec.merges:
        out.append(f'<mergeCells count="{len(spec.merges)}">')
        out.extend(f'<mergeCell ref="{m}"/>' for m in spec.merges)
        out.append("</mergeCells>")
    if spec.validations:
        out.append(f'<dataValidations count="{len(spec.validations)}">')
        for sqref, formula in spec.validations:
            out.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="{sqref}">'
                f"<formula1>{escaped_with_quotes(formula)}</formula1></dataValidation>"
            )
        out.append("</dataValidations>")
    out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>')
    if spec.landscape:
        out.append('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    out.append("</worksheet>")
    return "".join(out).encode("utf-8")


_LINE_POINTS = 15.0
_MAX_ROW_POINTS = 409.0  # Excel's tallest row


def fitted_heights(rows: list[list[tuple[object, int]]], widths: dict[int, float], merges: list[str] = ()
                   ) -> dict[int, float]:
    """Row heights (points) that show each row's wrapped text whole, from the column widths.

    An estimate (a Calibri 11 character is about 0.9 of a width unit); rows of one line keep the
    default height.  Cells inside merged ranges are left out: their text spans several columns.
    """
    merged = set()
    for ref in merges:
        first, last = ref.split(":")
        from csp_status.workbook.cells import split_ref

        (r1, c1), (r2, c2) = split_ref(first), split_ref(last)
        merged.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    heights = {}
    for r, row in enumerate(rows, start=1):
        if row.__class__ is WrittenRow:
            continue  # written ahead: the default height
        lines = 1
        for c, (value, _) in enumerate(row, start=1):
            if not isinstance(value, str) or not value or (r, c) in merged:
                continue
            per_line = max(1, int(widths.get(c, 8.43) * 1.1))
            needed = sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            heights[r] = min(_MAX_ROW_POINTS, lines * _LINE_POINTS)
    return heights


def book_parts(book: Partnership, *, vba_project: bytes | None, ribbon: bytes | None) -> dict[str, bytes]:
    """Every part of a new master workbook for the partnership (Summary still to be regenerated)."""
    specs = {
        SUMMARY: SheetSpec([[("Press 'Refresh statuses' (or run csp refresh) to fill this sheet.", Style.TEXT)]],
                           code_name="Sheet1", landscape=True, tab_color="FF1F4E79"),
        INDICATORS: _indicators_sheet(book),
        DATA: _data_sheet(book),
        SETTINGS: _settings_sheet(book),
        CONFIG: SheetSpec([[(k, Style.LABEL), (v, Style.DEFAULT)] for k, v in XLWINGS_CONF],
                          widths={1: 22, 2: 40}, code_name="Sheet5"),
        TRENDS: SheetSpec([[("Press 'Refresh statuses' (or run csp refresh) to draw the trend charts.", Style.TEXT)]],
                          code_name="Sheet6"),
    }
    numbers = dict(SHEET_NUMBERS)
    if book.layout is not None:  # a partnership's own layout: its Layout and Source sheets follow
        from csp_status.workbook.layout_sheets import LAYOUT_SHEET_NUMBERS, layout_specs

        specs.update(layout_specs(book.layout))
        numbers.update(LAYOUT_SHEET_NUMBERS)
    sheets = [(name, numbers[name]) for name in SHEETS] + [(n, numbers[n]) for n in specs if n not in SHEETS]
    parts: dict[str, bytes] = {}
    for name, number in sheets:
        parts[f"xl/worksheets/sheet{number}.xml"] = sheet_xml(specs[name])
    macro = vba_project is not None
    extra = [number for name, number in sheets if name not in SHEETS]
    parts["[Content_Types].xml"] = _content_types(macro, extra)
    parts[rels_name("")] = _root_rels(ribbon is not None)
    parts["docProps/app.xml"] = _app_xml()
    parts["docProps/core.xml"] = _core_xml(book)
    parts["xl/workbook.xml"] = _workbook_xml(book, [s for s in sheets if s[0] not in SHEETS])
    parts[rels_name("xl/workbook.xml")] = _workbook_rels(macro, extra)
    parts["xl/styles.xml"] = STYLES_XML
    parts[THEME_PART] = THEME_XML
    if vba_project is not None:
        parts[VBA_PART] = vba_project
    if ribbon is not None:
        parts[RIBBON_PART] = ribbon
    return parts


def _indicators_sheet(book: Partnership) -> SheetSpec:
    rows = [[(h, Style.HEADER) for h in INDICATOR_HEADERS]]
    for ind in book.indicators:
        rows.append([
            (ind.ref, Style.INPUT), (ind.description, Style.INPUT),
            (ind.polarity.value if ind.polarity else None, Style.INPUT),
            (UNIT_WORDS[ind.unit] if ind.unit else None, Style.INPUT),
            (ind.tolerance, Style.PERCENT), (ind.tolerance_kind.value, Style.INPUT),
            (ind.trend_basis.value, Style.INPUT), (_cell(ind.comparator), Style.INPUT),
            (ind.population, Style.INPUT), (ind.notes or None, Style.INPUT),
        ])
    last = max(len(rows) + 200, 500)
    return SheetSpec(
        rows, widths={1: 11, 2: 60, 3: 17, 4: 11, 5: 10, 6: 13, 7: 22, 8: 24, 9: 12, 10: 40},
        freeze="C2", code_name="Sheet2", fit_rows=True,
        validations=[
            (f"C2:C{last}", _choices(p.value for p in Polarity)),
            (f"D2:D{last}", _choices(UNIT_WORDS.values())),
            (f"F2:F{last}", _choices(k.value for k in ToleranceKind)),
            (f"G2:G{last}", _choices(b.value for b in TrendBasis)),
        ],
    )


def _choices(words) -> str:  # a drop-down list of the vocabulary's words, as Excel writes a typed-in list
    return '"' + ",".join(words) + '"'


def _data_sheet(book: Partnership) -> SheetSpec:
    rows: list[list[tuple[object, int]]] = [[(h, Style.HEADER) for h in DATA_HEADERS]]
    inputs = len(DATA_HEADERS) - len(DATA_FORMULA_HEADERS)
    years_of: dict[str, list[str]] = {}
    for ref, year in book.records:
        years_of.setdefault(ref, []).append(year)
    for ind in book.indicators:
        years = sorted(years_of.get(ind.ref, ()), key=year_key)
        for year in years:
            rec = book.records[(ind.ref, year)]
            r = len(rows) + 1
            formulas = data_formulas(r)
            row = [(ind.ref, Style.INPUT), (year, Style.INPUT), (_cell(rec.outturn), Style.INPUT),
                   (_cell(rec.target), Style.INPUT)]
            row += [(_cell(q), Style.INPUT) for q in rec.quarters]
            row += [(c or None, Style.INPUT) for c in rec.commentary]
            assert len(row) == inputs
            row += [(Formula(formulas[h], ""), Style.CALCULATED) for h in DATA_FORMULA_HEADERS]
            rows.append(row)
    widths = {1: 11, 2: 9, 3: 16, 4: 22, 5: 16, 6: 16, 7: 16, 8: 16, 9: 50, 10: 30, 11: 30, 12: 30}
    folded = set()
    for c, column in enumerate(data_columns.COLUMNS, start=inputs + 1):
        widths[c] = max(11, len(column.header) + 2)
        if column.helper:
            folded.add(c)
    return SheetSpec(rows, widths=widths, freeze="C2", code_name="Sheet3", fit_rows=True, folded=frozenset(folded))


def _settings_sheet(book: Partnership) -> SheetSpec:
    s = book.settings
    values = {"partnership": s.partnership or None, "reporting_year": s.reporting_year,
              "current_quarter": s.current_quarter, "population": s.population}
    rows: list[list[tuple[object, int]]] = [[("CSP Status settings", Style.TITLE)], []]
    for key, label in SETTING_LABELS.items():
        rows.append([(label, Style.LABEL), (values[key], Style.INPUT)])
    rows.append([])
    rows.append([(STYLE_LEGEND_HEADING, Style.LABEL)])
    for label in STYLE_LABELS:
        rows.append([(label, Style.BY_LABEL[label])])
    quarter_row = SETTING_FIRST_ROW + list(SETTING_LABELS).index("current_quarter")
    return SheetSpec(rows, widths={1: 34, 2: 24}, code_name="Sheet4",
                     validations=[(f"B{quarter_row}", '"1,2,3,4"')])


def _workbook_xml(book: Partnership, extra: list[tuple[str, int]] = ()) -> bytes:
    sheets = "".join(
        f'<sheet name="{escaped_with_quotes(name)}" sheetId="{SHEET_NUMBERS[name]}" r:id="rId{SHEET_NUMBERS[name]}"/>'
        for name in SHEETS
    )
    sheets += "".join(f'<sheet name="{escaped_with_quotes(name)}" sheetId="{n}" r:id="rSheet{n}"/>' for name, n in extra)
    names = []
    for name, key in DEFINED_NAMES.items():
        row = SETTING_FIRST_ROW + list(SETTING_LABELS).index(key)
        names.append(f'<definedName name="{name}">{SETTINGS}!$B${row}</definedName>')
    names.append(f"<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">{SUMMARY}!$1:$3</definedName>")
    names.append(f'<definedName name="{data_columns.ADD_IN_MISSING}">{escaped_with_quotes(data_columns.ADD_IN_MISSING_FORMULA)}</definedName>')
    return (
        f'{HEADER}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<workbookPr codeName="ThisWorkbook" defaultThemeVersion="124226"/>'
        '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{''.join(sorted(names))}</definedNames>"
        '<calcPr calcId="191029"/></workbook>'
    ).encode("utf-8")


def _workbook_rels(macro: bool, extra: list[int] = ()) -> bytes:
    def target(part: str) -> str:
        return relative_target("xl/workbook.xml", part)

    rels = [(f"rId{n}", f"{_DOC_REL}/worksheet", target(f"xl/worksheets/sheet{n}.xml"))
            for n in range(1, len(SHEETS) + 1)]
    n = len(SHEETS)
    rels.append((f"rId{n + 1}", f"{_DOC_REL}/styles", target("xl/styles.xml")))
    if macro:
        rels.append((f"rId{n + 2}", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                     target(VBA_PART)))
    rels.append((f"rId{len(rels) + 1}", THEME_TYPE, target(THEME_PART)))
    rels += [(f"rSheet{n}", f"{_DOC_REL}/worksheet", target(f"xl/worksheets/sheet{n}.xml")) for n in extra]
    return relationships_xml(rels)


def _root_rels(ribbon: bool) -> bytes:
    rels = [
        ("rId1", f"{_DOC_REL}/officeDocument", "xl/workbook.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
         "docProps/core.xml"),
        ("rId3", f"{_DOC_REL}/extended-properties", "docProps/app.xml"),
    ]
    if ribbon:
        rels.append(("rId4", "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility", RIBBON_PART))
    return relationships_xml(rels)


def _content_types(macro: bool, extra: list[int] = ()) -> bytes:
    main = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>']
    overrides += [
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in [*range(1, len(SHEETS) + 1), *extra]
    ]
    overrides += [
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
        f'<Override PartName="/{THEME_PART}" ContentType="{THEME_CONTENT_TYPE}"/>',
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>',
    ]
    defaults = [
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
    ]
    if macro:
        defaults.insert(0, '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    return (f'{HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'{"".join(defaults)}{"".join(overrides)}</Types>').encode("utf-8")


def _app_xml() -> bytes:
    return (f'{HEADER}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity></Properties>").encode("utf-8")


def _core_xml(book: Partnership) -> bytes:
    title = escaped_with_quotes(f"{book.settings.partnership or 'Community Safety Partnership'} – Indicator Summary")
    return (
        f'{HEADER}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>CSP Status</dc:creator></cp:coreProperties>"
    ).encode("utf-8")


def _cell(value: object) -> object:
    if isinstance(value, SheetNumber):
        return value.value
    return value
