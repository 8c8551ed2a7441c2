"""Our workbook as Excel leaves it after an officer has worked in it and saved it.

Excel cannot run here, so this makes the parts an Excel save writes, with the structures seen in
files Excel saved (XlsxWriter's comparison files, xlsxwriter/test/comparison/xlsx_files: comment,
table, calcChain, printer-settings and theme cases), on a copy of our own book:

* every inline string moved to a shared-strings table (``xl/sharedStrings.xml``);
* a theme part (ours already has one; a book without gets Office's);
* styles with theme colours: fonts with ``<color theme="1"/>`` and ``<scheme val="minor"/>``, the
  column header fill as Accent 1 lighter 80%, Excel's slicer-style extension;
* formulas an officer typed on the Summary and the Trends sheet, and ``xl/calcChain.xml`` listing
  every formula cell of the book (Summary, Trends, Data) as Excel's calculation chain does;
* a note (comment) on the Summary, on the Data sheet and on the Trends sheet, each with its VML
  drawing (the Trends sheet's beside the drawing of its charts);
* a table (``xl/tables/table1.xml``) over the Indicators sheet's filled rows;
* a data validation kept in the Data sheet's ``extLst`` (a list from another sheet, as Excel 2010
  and later write it), and the markup-compatibility namespaces Excel declares;
* printer settings (``xl/printerSettings/printerSettings1.bin``) for the Summary's page set-up;
* the Summary's VBA code name changed (renamed in the VBA editor's Properties window).

``excel_saved(book)`` rewrites the file in place and returns what it made, for the tests to check.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import bookedit
from lxml import etree

__all__ = ["excel_saved", "ExcelSave", "SUMMARY_CODE_NAME"]

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
_M = "{%s}" % M
SUMMARY_CODE_NAME = "BoardSummary"
_SHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
)
_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml."


@dataclass
class ExcelSave:
    """What the save made: part names, and the cells it put notes and formulas on."""

    summary: str
    data: str
    trends: str
    indicators: str
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)  # sheet -> (comments part, vml part)
    formulas: dict[str, list[str]] = field(default_factory=dict)  # sheet -> the formula cells the chain lists
    table: str = "xl/tables/table1.xml"
    printer_settings: str = "xl/printerSettings/printerSettings1.bin"
    added: list[str] = field(default_factory=list)


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def _bytes(root: etree._Element) -> bytes:
    """A part as Excel writes it: the XML declaration in double quotes, then UTF-8."""
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + etree.tostring(root, encoding="UTF-8")


def _place(root: etree._Element, child: etree._Element) -> etree._Element:
    """Put a worksheet child where the schema orders it."""
    rank = _SHEET_ORDER.index(etree.QName(child).localname)
    before = [el for el in root if _SHEET_ORDER.index(etree.QName(el).localname) < rank]
    if before:
        before[-1].addnext(child)
    else:
        root.insert(0, child)
    return child


def _rels(parts: dict[str, bytes], part: str) -> etree._Element:
    name = _rels_name(part)
    return _xml(parts[name]) if name in parts else etree.Element(f"{{{PKG}}}Relationships", nsmap={None: PKG})


def _rels_name(part: str) -> str:
    folder, base = part.rsplit("/", 1)
    return f"{folder}/_rels/{base}.rels"


def _relate(parts: dict[str, bytes], part: str, kind: str, target: str) -> str:
    """Add a relationship from ``part``; its id."""
    rels = _rels(parts, part)
    taken = {rel.get("Id") for rel in rels}
    rid = next(f"rId{n}" for n in range(1, 10_000) if f"rId{n}" not in taken)
    etree.SubElement(rels, f"{{{PKG}}}Relationship", Id=rid, Type=_TYPE + kind, Target=target)
    parts[_rels_name(part)] = _bytes(rels)
    return rid


def _content_type(parts: dict[str, bytes], *, part: str | None = None, extension: str | None = None,
                  kind: str) -> None:
    types = _xml(parts["[Content_Types].xml"])
    if extension:
        if any(d.get("Extension") == extension for d in types.iterfind(f"{{{CT}}}Default")):
            return
        types.insert(0, etree.Element(f"{{{CT}}}Default", Extension=extension, ContentType=kind))
    else:
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/" + part, ContentType=kind)
    parts["[Content_Types].xml"] = _bytes(types)


def _shared_strings(parts: dict[str, bytes], sheets: list[str]) -> None:
    """Every inline string of every sheet into one shared-strings table, as Excel's save does."""
    strings: dict[str, int] = {}
    count = 0
    for name in sheets:
        root = _xml(parts[name])
        for cell in root.iter(f"{_M}c"):
            if cell.get("t") != "inlineStr":
                continue
            text = "".join(t.text or "" for t in cell.iter(f"{_M}t"))
            for child in list(cell):
                cell.remove(child)
            cell.set("t", "s")
            etree.SubElement(cell, f"{_M}v").text = str(strings.setdefault(text, len(strings)))
            count += 1
        parts[name] = _bytes(root)
    sst = etree.Element(f"{_M}sst", nsmap={None: M}, count=str(count), uniqueCount=str(len(strings)))
    for text in strings:
        t = etree.SubElement(etree.SubElement(sst, f"{_M}si"), f"{_M}t")
        t.text = text
        if text != text.strip() or "\n" in text:
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    parts["xl/sharedStrings.xml"] = _bytes(sst)
    _relate(parts, "xl/workbook.xml", "sharedStrings", "sharedStrings.xml")
    _content_type(parts, part="xl/sharedStrings.xml", kind=_SPREADSHEET + "sharedStrings+xml")


def _theme_styles(parts: dict[str, bytes]) -> None:
    """Fonts and the header fill in theme colours, and the extension Excel adds to styles."""
    root = _xml(parts["xl/styles.xml"])
    for font in root.iterfind(f"{_M}fonts/{_M}font"):
        if font.find(f"{_M}color") is None:
            font.find(f"{_M}sz").addnext(etree.Element(f"{_M}color", theme="1"))
        etree.SubElement(font, f"{_M}scheme", val="minor")
    for colour in root.iterfind(f"{_M}fills/{_M}fill/{_M}patternFill/{_M}fgColor"):
        if colour.get("rgb") == "FFD9E1F2":  # the column headers: Blue, Accent 1, Lighter 80%
            del colour.attrib["rgb"]
            colour.set("theme", "4")
            colour.set("tint", "0.79998168889431442")
    ext_list = etree.SubElement(root, f"{_M}extLst")
    ext = etree.SubElement(ext_list, f"{_M}ext", uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}", nsmap={"x14": X14})
    etree.SubElement(ext, f"{{{X14}}}slicerStyles", defaultSlicerStyle="SlicerStyleLight1")
    parts["xl/styles.xml"] = _bytes(root)


def _formula(root: etree._Element, ref: str, formula: str, value: str) -> None:
    """An officer's formula typed into an empty cell, with the number Excel calculated for it."""
    row_number = int("".join(ch for ch in ref if ch.isdigit()))
    data = root.find(f"{_M}sheetData")
    row = next((r for r in data if int(r.get("r")) == row_number), None)
    if row is None:
        row = etree.SubElement(data, f"{_M}row", r=str(row_number))
    cell = etree.SubElement(row, f"{_M}c", r=ref)
    etree.SubElement(cell, f"{_M}f").text = formula
    etree.SubElement(cell, f"{_M}v").text = value


def _calc_chain(parts: dict[str, bytes], sheet_ids: dict[str, str]) -> dict[str, list[str]]:
    """xl/calcChain.xml listing every formula cell, sheet by sheet; the cells by sheet part."""
    chain = etree.Element(f"{_M}calcChain", nsmap={None: M})
    listed: dict[str, list[str]] = {}
    for part, sheet_id in sheet_ids.items():
        cells = [c.get("r") for c in _xml(parts[part]).iter(f"{_M}c") if c.find(f"{_M}f") is not None]
        for n, ref in enumerate(cells):
            attrs = {"r": ref, "i": sheet_id} if n == 0 else {"r": ref}  # i carries over to the cells after it
            etree.SubElement(chain, f"{_M}c", attrs)
        if cells:
            listed[part] = cells
    parts["xl/calcChain.xml"] = _bytes(chain)
    _relate(parts, "xl/workbook.xml", "calcChain", "calcChain.xml")
    _content_type(parts, part="xl/calcChain.xml", kind=_SPREADSHEET + "calcChain+xml")
    return listed


def _note(parts: dict[str, bytes], sheet: str, number: int, ref: str, author: str, text: str) -> tuple[str, str]:
    """A note on one cell: the comments part, its VML drawing, the relationships and legacyDrawing."""
    comments, vml = f"xl/comments{number}.xml", f"xl/drawings/vmlDrawing{number}.vml"
    parts[comments] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{M}"><authors><author>{author}'
        f'</author></authors><commentList><comment ref="{ref}" authorId="0"><text><r><rPr><b/><sz val="9"/>'
        f'<color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr><t>{author}:</t></r><r><rPr><sz val="9"/>'
        f'<color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr><t xml:space="preserve">\n{text}</t></r>'
        "</text></comment></commentList></comments>"
    ).encode()
    column = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed("".join(c for c in ref if c.isalpha()))))
    row = int("".join(c for c in ref if c.isdigit()))
    parts[vml] = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml"\n xmlns:o="urn:schemas-microsoft-com:office:office"\n'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel">\n <o:shapelayout v:ext="edit">\n'
        f'  <o:idmap v:ext="edit" data="{number}"/>\n </o:shapelayout><v:shapetype id="_x0000_t202" '
        'coordsize="21600,21600" o:spt="202"\n  path="m,l,21600r21600,l21600,xe">\n  <v:stroke joinstyle="miter"/>\n'
        '  <v:path gradientshapeok="t" o:connecttype="rect"/>\n </v:shapetype><v:shape '
        f'id="_x0000_s{number * 1024 + 1}" type="#_x0000_t202" style=\'position:absolute;\n'
        "  margin-left:107.25pt;margin-top:7.5pt;width:96pt;height:55.5pt;z-index:1;\n  visibility:hidden' "
        'fillcolor="#ffffe1" o:insetmode="auto">\n  <v:fill color2="#ffffe1"/>\n'
        '  <v:shadow on="t" color="black" obscured="t"/>\n  <v:path o:connecttype="none"/>\n'
        "  <v:textbox style='mso-direction-alt:auto'>\n   <div style='text-align:left'></div>\n  </v:textbox>\n"
        '  <x:ClientData ObjectType="Note">\n   <x:MoveWithCells/>\n   <x:SizeWithCells/>\n'
        f"   <x:Anchor>\n    {column}, 15, {row - 1}, 10, {column + 2}, 15, {row + 3}, 4</x:Anchor>\n"
        f"   <x:AutoFill>False</x:AutoFill>\n   <x:Row>{row - 1}</x:Row>\n   <x:Column>{column - 1}</x:Column>\n"
        "  </x:ClientData>\n </v:shape></xml>"
    ).encode()
    folder = "../" if sheet.count("/") == 2 else ""
    vml_id = _relate(parts, sheet, "vmlDrawing", f"{folder}drawings/vmlDrawing{number}.vml")
    _relate(parts, sheet, "comments", f"{folder}comments{number}.xml")
    root = _xml(parts[sheet])
    _place(root, etree.Element(f"{_M}legacyDrawing", {f"{{{R}}}id": vml_id}))
    parts[sheet] = _bytes(root)
    _content_type(parts, extension="vml", kind="application/vnd.openxmlformats-officedocument.vmlDrawing")
    _content_type(parts, part=comments, kind=_SPREADSHEET + "comments+xml")
    return comments, vml


def _table(parts: dict[str, bytes], sheet: str, table: str) -> None:
    """A table over the sheet's header row and filled rows (Insert > Table), with its part."""
    root = _xml(parts[sheet])
    strings = [si.findtext(f"{_M}t") for si in _xml(parts["xl/sharedStrings.xml"]).iterfind(f"{_M}si")]
    rows = root.findall(f"{_M}sheetData/{_M}row")
    header = [strings[int(c.findtext(f"{_M}v"))] for c in rows[0]]
    last = max(int(r.get("r")) for r in rows if len(r))
    ref = f"A1:{chr(64 + len(header))}{last}"
    columns = "".join(f'<tableColumn id="{n}" name="{name}"/>' for n, name in enumerate(header, 1))
    parts[table] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns="{M}" id="1" name="IndicatorList" '
        f'displayName="IndicatorList" ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(header)}">{columns}</tableColumns><tableStyleInfo name="TableStyleLight1" '
        'showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()
    rid = _relate(parts, sheet, "table", "../tables/" + table.rsplit("/", 1)[1])
    root = _xml(parts[sheet])
    holder = _place(root, etree.Element(f"{_M}tableParts", count="1"))
    etree.SubElement(holder, f"{_M}tablePart", {f"{{{R}}}id": rid})
    parts[sheet] = _bytes(root)
    _content_type(parts, part=table, kind=_SPREADSHEET + "table+xml")


def _excel_namespaces(data: bytes) -> bytes:
    """The worksheet root as Excel writes it: markup compatibility, x14ac ignorable, row descents."""
    root = _xml(data)
    new = etree.Element(root.tag, nsmap={None: M, "r": R, "mc": MC, "x14ac": X14AC})
    new.set(f"{{{MC}}}Ignorable", "x14ac")
    new.extend(list(root))
    fmt = new.find(f"{_M}sheetFormatPr")
    fmt.set(f"{{{X14AC}}}dyDescent", "0.25")
    for row in new.iterfind(f"{_M}sheetData/{_M}row"):
        row.set(f"{{{X14AC}}}dyDescent", "0.25")
    return _bytes(new)


def _x14_validation(data: bytes) -> bytes:
    """A drop-down list drawn from another sheet, which Excel 2010+ keeps in the sheet's extLst."""
    root = _xml(data)
    ext_list = _place(root, etree.Element(f"{_M}extLst"))
    ext = etree.SubElement(ext_list, f"{_M}ext", uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}", nsmap={"x14": X14})
    holder = etree.SubElement(ext, f"{{{X14}}}dataValidations", count="1", nsmap={"xm": XM})
    rule = etree.SubElement(holder, f"{{{X14}}}dataValidation", type="list", allowBlank="1", showInputMessage="1",
                            showErrorMessage="1")
    etree.SubElement(etree.SubElement(rule, f"{{{X14}}}formula1"), f"{{{XM}}}f").text = "Indicators!$A$2:$A$500"
    etree.SubElement(rule, f"{{{XM}}}sqref").text = "A2:A2000"
    return _bytes(root)


def _printer_settings() -> bytes:
    """A DEVMODEW as Windows' printer drivers give Excel: A4, landscape, 600 dpi, no driver extra."""
    name = "Microsoft Print to PDF".encode("utf-16-le").ljust(64, b"\0")
    form = "A4".encode("utf-16-le").ljust(64, b"\0")
    fields = 0x1 | 0x2 | 0x400 | 0x2000  # orientation, paper size, print quality, resolution
    head = struct.pack("<HHHHI", 0x0401, 0x0001, 220, 0, fields)
    # orientation, paper size, length, width, scale, copies, source, quality, colour, duplex, y dpi, TrueType, collate
    body = struct.pack("<13h", 2, 9, 0, 0, 100, 1, 7, 600, 1, 1, 600, 1, 0) + form
    tail = bytes(220 - len(name) - len(head) - len(body))
    return name + head + body + tail


def _page_setup(data: bytes, rid: str, code_name: str) -> bytes:
    root = _xml(data)
    setup = root.find(f"{_M}pageSetup")
    for key, value in (("horizontalDpi", "600"), ("verticalDpi", "600"), (f"{{{R}}}id", rid)):
        setup.set(key, value)
    root.find(f"{_M}sheetPr").set("codeName", code_name)
    return _bytes(root)


def excel_saved(book: Path | str) -> ExcelSave:
    """Make ``book`` (one of ours) look as Excel leaves it after a save; what was made."""
    book = Path(book)
    names = {sheet: bookedit.sheet_part(book, sheet) for sheet in ("Summary", "Trends", "Indicators", "Data")}
    save = ExcelSave(names["Summary"], names["Data"], names["Trends"], names["Indicators"])
    with zipfile.ZipFile(book) as zf:
        if not any(name.startswith("xl/theme/") for name in zf.namelist()):
            raise ValueError(f"{book} has no theme part")
        original = {info.filename: zf.read(info.filename) for info in zf.infolist()}
        workbook = _xml(original["xl/workbook.xml"])
    parts = dict(original)
    sheet_parts = [n for n in parts if n.startswith("xl/worksheets/sheet")]
    _shared_strings(parts, sheet_parts)
    _theme_styles(parts)
    for sheet, (ref, formula, value) in {save.summary: ("W4", 'COUNTIF(R4:R12,"GREEN")', "2"),
                                         save.trends: ("F1", "COUNTA(A:A)", "91")}.items():
        root = _xml(parts[sheet])
        _formula(root, ref, formula, value)
        parts[sheet] = _bytes(root)
    ids = {bookedit.sheet_part(book, s.get("name")): s.get("sheetId") for s in workbook.iterfind(f"{_M}sheets/{_M}sheet")}
    save.formulas = _calc_chain(parts, {p: ids[p] for p in (save.summary, save.trends, save.data)})
    rid = _relate(parts, save.summary, "printerSettings", "../printerSettings/printerSettings1.bin")
    parts[save.printer_settings] = _printer_settings()
    _content_type(parts, part=save.printer_settings, kind=_SPREADSHEET + "printerSettings")
    parts[save.summary] = _page_setup(parts[save.summary], rid, SUMMARY_CODE_NAME)
    save.notes["Summary"] = _note(parts, save.summary, 1, "B4", "Performance Officer",
                                  "Description agreed at the March board.")
    save.notes["Data"] = _note(parts, save.data, 2, "I2", "Performance Officer",
                               "Q1 figures from the police's monthly return.")
    save.notes["Trends"] = _note(parts, save.trends, 3, "A1", "Analyst", "Charts checked against the return.")
    _table(parts, save.indicators, save.table)
    for sheet in (save.summary, save.data):
        parts[sheet] = _excel_namespaces(parts[sheet])
    parts[save.data] = _x14_validation(parts[save.data])
    save.added = [name for name in parts if name not in original]
    bookedit._replace_parts(book, {name: parts[name] for name in original},
                            added={name: parts[name] for name in save.added})
    return save
