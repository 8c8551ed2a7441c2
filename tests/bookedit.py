"""Officers' edits to a workbook file, made the way Excel makes them: one sheet part changes.

openpyxl is not used for edits: its save drops the ribbon relationship and every formula's cached
value.  Here the chosen sheet's XML is rewritten with lxml and every other part of the package is
copied as it was (same names, same order, same bytes).  Edits: type text or a number into a cell
(``set_cell``), type a formula (``set_formula``), format a cell (``set_style``), rename a sheet.
Reading helpers work on the XML directly (inline and shared strings), independently of the
product's reader, so tests check the product with something else.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

__all__ = [
    "set_cell",
    "set_formula",
    "set_style",
    "clear_cell",
    "rename_sheet",
    "cell_text",
    "cached_value",
    "find_row",
    "sheet_part",
    "parts",
    "changed_parts",
]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS = {"m": _MAIN_NS, "r": _REL_NS, "rel": _PKG_REL_NS}
_M = "{%s}" % _MAIN_NS
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$", re.ASCII)


# ---- the package --------------------------------------------------------------------------------

def parts(book: Path | str) -> dict[str, bytes]:
    """Every part of the package, by name, in zip order."""
    with zipfile.ZipFile(book) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def changed_parts(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Parts added, removed or changed between two part maps, sorted."""
    names = set(before) | set(after)
    return sorted(n for n in names if before.get(n) != after.get(n))


def sheet_part(book: Path | str, sheet: str) -> str:
    """The zip part name of a sheet, found through xl/workbook.xml and its relationships."""
    with zipfile.ZipFile(book) as zf:
        workbook = etree.fromstring(zf.read("xl/workbook.xml"))
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iterfind("rel:Relationship", _NS)}
    for node in workbook.iterfind("m:sheets/m:sheet", _NS):
        if node.get("name") == sheet:
            target = targets[node.get("{%s}id" % _REL_NS)]
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    raise KeyError(f"{book} has no sheet {sheet!r}")


def _replace_parts(book: Path | str, replaced: dict[str, bytes | None], added: dict[str, bytes] | None = None
                   ) -> None:
    """Rewrite the zip with some parts replaced (None: removed) and some added at the end; every
    other member keeps its bytes and its entry."""
    book = Path(book)
    with zipfile.ZipFile(book) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    tmp = book.with_name(book.name + ".edit")
    with zipfile.ZipFile(tmp, "w") as out:
        for info, data in members:
            data = replaced.get(info.filename, data)
            if data is not None:
                out.writestr(info, data, compress_type=info.compress_type)
        for name, data in (added or {}).items():
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(book)


# ---- cells --------------------------------------------------------------------------------------

def _split(ref: str) -> tuple[str, int]:
    match = _REF.match(ref)
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    return match[1], int(match[2])


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _find_or_make_cell(root: etree._Element, ref: str) -> etree._Element:
    letters, row_number = _split(ref)
    data = root.find("m:sheetData", _NS)
    row = None
    for candidate in data.iterfind("m:row", _NS):
        r = int(candidate.get("r"))
        if r == row_number:
            row = candidate
            break
        if r > row_number:
            row = etree.Element(_M + "row", r=str(row_number))
            candidate.addprevious(row)
            break
    if row is None:
        row = etree.SubElement(data, _M + "row", r=str(row_number))
    for cell in row.iterfind("m:c", _NS):
        cell_letters, _ = _split(cell.get("r"))
        if cell_letters == letters:
            return cell
        if _col_number(cell_letters) > _col_number(letters):
            new = etree.Element(_M + "c", r=ref)
            cell.addprevious(new)
            return new
    return etree.SubElement(row, _M + "c", r=ref)


def set_cell(book: Path | str, sheet: str, ref: str, value: str | float | int | None) -> None:
    """Type ``value`` into one cell, as an officer would: text, a number, or None to clear it.

    The cell keeps its style; a formula in it is replaced (as typing over a formula does).
    Only that sheet's part changes.
    """
    part = sheet_part(book, sheet)
    with zipfile.ZipFile(book) as zf:
        root = etree.fromstring(zf.read(part))
    cell = _find_or_make_cell(root, ref)
    for child in list(cell):
        cell.remove(child)
    if "t" in cell.attrib:
        del cell.attrib["t"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        etree.SubElement(cell, _M + "v").text = repr(value) if isinstance(value, float) else str(value)
    elif value is not None and value != "":
        cell.set("t", "inlineStr")
        t = etree.SubElement(etree.SubElement(cell, _M + "is"), _M + "t")
        t.text = str(value)
        if str(value) != str(value).strip() or "\n" in str(value):
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _replace_parts(book, {part: data})


def clear_cell(book: Path | str, sheet: str, ref: str) -> None:
    """Delete a cell's contents (Excel's Delete key)."""
    set_cell(book, sheet, ref, None)


def rename_sheet(book: Path | str, old: str, new: str) -> None:
    """Rename a sheet tab (only xl/workbook.xml changes)."""
    with zipfile.ZipFile(book) as zf:
        root = etree.fromstring(zf.read("xl/workbook.xml"))
    for node in root.iterfind("m:sheets/m:sheet", _NS):
        if node.get("name") == old:
            node.set("name", new)
            break
    else:
        raise KeyError(f"{book} has no sheet {old!r}")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _replace_parts(book, {"xl/workbook.xml": data})


def _cells(book: Path | str, sheet: str) -> dict[str, tuple[etree._Element, list[str]]]:
    """Each cell of a sheet by reference, with the book's shared strings (Excel's own saves use them)."""
    part = sheet_part(book, sheet)
    with zipfile.ZipFile(book) as zf:
        root = etree.fromstring(zf.read(part))
        strings = []
        if "xl/sharedStrings.xml" in zf.namelist():
            table = etree.fromstring(zf.read("xl/sharedStrings.xml"))
            strings = ["".join(t.text or "" for t in si.iterfind(".//m:t", _NS)) for si in table.iterfind("m:si", _NS)]
    return {c.get("r"): (c, strings) for c in root.iterfind("m:sheetData/m:row/m:c", _NS)}


def _shown(found: tuple[etree._Element, list[str]] | None) -> str:
    if found is None:
        return ""
    cell, strings = found
    if cell.get("t") == "inlineStr":
        return "".join(t.text or "" for t in cell.iterfind(".//m:t", _NS))
    v = cell.find("m:v", _NS)
    text = "" if v is None or v.text is None else v.text
    return strings[int(text)] if cell.get("t") == "s" and text else text


def cell_text(book: Path | str, sheet: str, ref: str) -> str:
    """A cell's text as stored (inline string, or the number/cached value as written)."""
    return _shown(_cells(book, sheet).get(ref))


def cached_value(book: Path | str, sheet: str, ref: str) -> tuple[str | None, str]:
    """A formula cell's (formula, cached value text); formula None when the cell holds none."""
    found = _cells(book, sheet).get(ref)
    if found is None:
        return None, ""
    f = found[0].find("m:f", _NS)
    return (None if f is None else f.text), _shown(found)


def find_row(book: Path | str, sheet: str, **columns: str) -> int:
    """The one row whose cells in the given columns hold the given texts: find_row(b, 'Data', A='CNP PM2', B='2011/12')."""
    cells = _cells(book, sheet)
    rows = {_split(ref)[1] for ref in cells}
    found = [r for r in sorted(rows)
             if all(_shown(cells.get(f"{col}{r}")).strip() == text for col, text in columns.items())]
    if len(found) != 1:
        raise LookupError(f"{sheet}: {len(found)} rows match {columns}")
    return found[0]


def set_formula(book: Path | str, sheet: str, ref: str, formula: str, cached: str) -> None:
    """Type a formula (text without '=') over a cell, with the text value Excel would show for it."""
    part = sheet_part(book, sheet)
    with zipfile.ZipFile(book) as zf:
        root = etree.fromstring(zf.read(part))
    cell = _find_or_make_cell(root, ref)
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "str")
    etree.SubElement(cell, _M + "f").text = formula
    etree.SubElement(cell, _M + "v").text = cached
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _replace_parts(book, {part: data})


def set_style(book: Path | str, sheet: str, ref: str, style: int) -> None:
    """Format one cell with another of the book's cell styles (its index in styles.xml's cellXfs)."""
    part = sheet_part(book, sheet)
    with zipfile.ZipFile(book) as zf:
        root = etree.fromstring(zf.read(part))
    _find_or_make_cell(root, ref).set("s", str(style))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _replace_parts(book, {part: data})


def cell_style(book: Path | str, sheet: str, ref: str) -> int:
    """The cell style index (cellXfs) of one cell; 0 for a cell the sheet does not hold."""
    found = _cells(book, sheet).get(ref)
    return int(found[0].get("s", "0")) if found else 0


def add_cell_style(book: Path | str, fill: str, font: str, like: int = 0) -> int:
    """Add a cell style to styles.xml as Excel does when an officer formats a cell; its index.

    ``fill`` and ``font`` are colour elements' attributes as Excel writes them
    ('rgb="FF00B050"', 'theme="9" tint="0.6"', 'indexed="43"', 'auto="1"'); ``fill`` may be ''
    for no fill.  The new style keeps the border and alignment of style ``like``.
    """
    with zipfile.ZipFile(book) as zf:
        root = etree.fromstring(zf.read("xl/styles.xml"))
    fills, fonts, xfs = (root.find(f"m:{name}", _NS) for name in ("fills", "fonts", "cellXfs"))
    pattern = f'<patternFill patternType="solid"><fgColor {fill}/></patternFill>' if fill else \
        '<patternFill patternType="none"/>'
    fills.append(etree.fromstring(f'<fill xmlns="{_NS["m"]}">{pattern}</fill>'))
    fonts.append(etree.fromstring(f'<font xmlns="{_NS["m"]}"><b/><sz val="11"/><color {font}/>'
                                  '<name val="Calibri"/></font>'))
    xf = copy.deepcopy(xfs[like])
    xf.set("fillId", str(len(fills) - 1))
    xf.set("fontId", str(len(fonts) - 1))
    xf.set("applyFill", "1")
    xf.set("applyFont", "1")
    xfs.append(xf)
    for element in (fills, fonts, xfs):
        element.set("count", str(len(element.findall(f"{_M}*"))))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _replace_parts(book, {"xl/styles.xml": data})
    return len(xfs) - 1


def add_theme(book: Path | str, colours: dict[str, str]) -> None:
    """Give the book a theme of these colours (slot -> RRGGBB), as Excel saves one.

    A book that has a theme part already gets its colours replaced there (an officer choosing
    Page Layout > Colours); one without gets a new part, its relationship and its content type.
    """
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    slots = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
             "hlink", "folHlink")
    scheme = "".join(f'<a:{slot}><a:srgbClr val="{colours[slot]}"/></a:{slot}>' for slot in slots)
    fonts = '<a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    theme = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a:theme xmlns:a="{a}" name="Officer">'
        f'<a:themeElements><a:clrScheme name="Officer">{scheme}</a:clrScheme>'
        f'<a:fontScheme name="Officer"><a:majorFont>{fonts}</a:majorFont><a:minorFont>{fonts}</a:minorFont>'
        f"</a:fontScheme><a:fmtScheme name=\"Officer\"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>"
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst><a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>"
    ).encode()
    theme_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    with zipfile.ZipFile(book) as zf:
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        types = etree.fromstring(zf.read("[Content_Types].xml"))
    for rel in rels:
        if rel.get("Type") == theme_type:
            _replace_parts(book, {posixpath.normpath(posixpath.join("xl", rel.get("Target"))): theme})
            return
    taken = {rel.get("Id") for rel in rels}
    rid = next(f"rId{n}" for n in range(1, 1000) if f"rId{n}" not in taken)
    etree.SubElement(rels, f"{{{_PKG_REL_NS}}}Relationship", Id=rid, Target="theme/theme1.xml", Type=theme_type)
    ct = "http://schemas.openxmlformats.org/package/2006/content-types"
    etree.SubElement(types, f"{{{ct}}}Override", PartName="/xl/theme/theme1.xml",
                     ContentType="application/vnd.openxmlformats-officedocument.theme+xml")
    replaced = {"xl/_rels/workbook.xml.rels": etree.tostring(rels, xml_declaration=True, encoding="UTF-8"),
                "[Content_Types].xml": etree.tostring(types, xml_declaration=True, encoding="UTF-8")}
    _replace_parts(book, replaced, added={"xl/theme/theme1.xml": theme})
