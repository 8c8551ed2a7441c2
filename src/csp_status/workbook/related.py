"""Keeping a package consistent when the refresh regenerates some of its parts.

A regenerated worksheet replaces the old one, but the old one was linked to other parts: the
workbook's calculation chain lists its formula cells, and its own relationships point at notes
(comments and their VML drawing), pictures, printer settings.  Here:

* ``without_calc_chain``: Excel's calculation chain (``xl/calcChain.xml``) lists formula cells in
  the order Excel last calculated them.  A chain that names a cell which no longer holds a formula
  makes Excel repair the file, so whenever formula-bearing sheets are regenerated the chain is
  dropped, with its relationship and content type.  The chain is optional: Excel rebuilds it at
  the next calculation.
* ``carry_sheet_links``: what the officer attached to a regenerated sheet (notes, pictures, a
  logo, the page set-up with its printer settings, header and footer) is carried into the new
  sheet, and the sheet's relationships keep only what the new sheet refers to.

Parts are given as a name -> bytes mapping and a zip order, and changed copies are returned;
parts not named here keep their bytes.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from lxml import etree

from csp_status.workbook.cells import NS, R_ID, XML_PARSER, escaped, quoted
from csp_status.workbook.guard import parse_xml
from csp_status.workbook.rels import parse_relationships, relationships_xml, relative_target, rels_name
from csp_status.workbook.theme import THEME_CONTENT_TYPE, THEME_TYPE, THEME_XML

__all__ = ["without_calc_chain", "carry_sheet_links", "rels_name"]

_MAIN_NS, _R_NS = NS["m"], NS["r"]
_MAIN = "{%s}" % _MAIN_NS
_CT = "{%s}" % NS["ct"]
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CALC_CHAIN = _DOC_REL + "calcChain"
_COMMENTS = _DOC_REL + "comments"
# A worksheet's print layout, in the schema's order; kept from the old sheet where it has them.
_PRINT = ("printOptions", "pageMargins", "pageSetup", "headerFooter")
# Elements that refer to related parts without depending on the cells, in the schema's order.
_LINKS = ("drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture")
_TAIL = re.compile(rb"<(?:printOptions|pageMargins)\b")


def _xml(data: bytes, path: Path | str = "the book", name: str = "a part") -> etree._Element:
    """A part parsed through the one guarded parser (a part that is not XML: one line, naming it)."""
    return parse_xml(Path(path), name, data)


_ROOT_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?worksheet\b[^>]*>")
_ROWS_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>|<(?:[A-Za-z_][\w.-]*:)?sheetData\b[^>]*/>")


def _after_rows(sheet: bytes, path: Path | str = "the book", name: str = "a sheet") -> etree._Element:
    """The worksheet's root holding only what follows its rows (where every link to another part is).

    A sheet of thousands of rows is not parsed whole: the root's start tag (with its namespaces)
    and the part after ``</sheetData>`` are.  A sheet laid out otherwise is parsed whole.
    """
    start = _ROOT_START.search(sheet, 0, 4096)
    ends = list(_ROWS_END.finditer(sheet, max(0, len(sheet) - 1_000_000)))
    if start is None or not ends:
        return _xml(sheet, path, name)
    try:
        return etree.fromstring(start.group(0) + sheet[ends[-1].end():], XML_PARSER)  # a cut of a checked part
    except etree.XMLSyntaxError:
        return _xml(sheet, path, name)


def _bytes(root: etree._Element) -> bytes:
    """A part as Excel writes it: its XML declaration in double quotes, then UTF-8."""
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + etree.tostring(root, encoding="UTF-8")


def _without_parts(parts: dict[str, bytes], order: list[str], gone: set[str], path: Path | str = "the book"
                   ) -> tuple[dict[str, bytes], list[str]]:
    """The package without the given parts (and their own relationships) and their content types."""
    gone = gone | {rels_name(name) for name in gone}
    out = {name: data for name, data in parts.items() if name not in gone}
    types = _xml(parts["[Content_Types].xml"], path, "[Content_Types].xml")
    overrides = [o for o in types.iterfind(f"{_CT}Override") if o.get("PartName", "").lstrip("/") in gone]
    for override in overrides:
        types.remove(override)
    if overrides:
        out["[Content_Types].xml"] = _bytes(types)
    return out, [name for name in order if name in out]


def without_calc_chain(parts: dict[str, bytes], order: list[str], *, path: Path | str = "the book"
                       ) -> tuple[dict[str, bytes], list[str]]:
    """The package without Excel's calculation chain: the part, its relationship, its content type.

    A package without one comes back as it was.
    """
    rels_part = rels_name("xl/workbook.xml")
    if rels_part not in parts:
        return parts, order
    rels = parse_relationships(path, rels_part, parts[rels_part])
    chains = [rel for rel in rels if rel.type == _CALC_CHAIN]
    if not chains:
        return parts, order
    gone = {rel.target for rel in chains if not rel.external}
    parts = {**parts, rels_part: relationships_xml(rel for rel in rels if rel.type != _CALC_CHAIN)}
    return _without_parts(parts, order, gone & set(parts), path)


def with_theme(parts: dict[str, bytes], order: list[str], *, path: Path | str = "the book"
               ) -> tuple[dict[str, bytes], list[str]]:
    """The package with a theme part: a book saved by a program that writes none (LibreOffice drops
    it) gets Office's default theme back, with its relationship and content type, as every book we
    write has one (Excel and the Open XML rules expect it).  Colours such a book holds are written
    as RGB, so no colour changes.  A package with a theme part, related or not, comes back as it was."""
    rels_part, types_part = rels_name("xl/workbook.xml"), "[Content_Types].xml"
    if rels_part not in parts or types_part not in parts:
        return parts, order
    rels = parse_relationships(path, rels_part, parts[rels_part])
    if any(rel.type == THEME_TYPE for rel in rels) or any(name.lower().startswith("xl/theme/") for name in parts):
        return parts, order  # a theme, or one whose relationship was lost: a book's own, not for us to mend
    taken = {name.lower() for name in parts}
    name = next(f"xl/theme/theme{n}.xml" for n in itertools.count(1) if f"xl/theme/theme{n}.xml" not in taken)
    ids = {rel.id for rel in rels}
    rid = next(f"rId{n}" for n in itertools.count(1) if f"rId{n}" not in ids)
    types = _xml(parts[types_part], path, types_part)
    etree.SubElement(types, f"{_CT}Override", PartName=f"/{name}", ContentType=THEME_CONTENT_TYPE)
    added = {rels_part: relationships_xml([*rels, (rid, THEME_TYPE, relative_target("xl/workbook.xml", name))]),
             types_part: _bytes(types), name: THEME_XML}
    return {**parts, **added}, [*order, name]


def carry_sheet_links(parts: dict[str, bytes], order: list[str], sheet_part: str, old_sheet: bytes, *,
                      path: Path | str = "the book"
                      ) -> tuple[dict[str, bytes], list[str]]:
    """The package with the regenerated ``sheet_part`` given what the old sheet linked to.

    From the old sheet: its print layout (print options, margins, page set-up with its printer
    settings, header and footer) replaces the new sheet's defaults, and its drawings, notes
    (``legacyDrawing``: the VML drawing of the comments) and background picture are kept where
    the new sheet has none of its own (the Trends sheet's drawing is its own: its charts).  The
    sheet's relationships keep what the new sheet refers to (and the comments, while their VML
    drawing is kept); the rest are dropped, with the parts only they pointed at.  The new sheet
    must be one ``sheet_xml`` wrote: nothing after its page set-up.
    """
    old = _children(_after_rows(old_sheet, path, sheet_part), _PRINT + _LINKS)
    new = parts[sheet_part]
    if old:
        cut = _TAIL.search(new)
        end = new.rindex(b"</worksheet>")
        start = cut.start() if cut else end
        ours = _children(_xml(new[start:end].join([f'<t xmlns="{_MAIN_NS}" xmlns:r="{_R_NS}">'.encode(), b"</t>"])),
                         _PRINT + _LINKS)
        # the old sheet's print layout, the new sheet's own drawings where it has them, else the old ones
        block = [_plain(old.get(name, ours.get(name))) for name in _PRINT if name in old or name in ours]
        block += [_plain(ours.get(name, old.get(name))) for name in _LINKS if name in old or name in ours]
        new = new[:start] + "".join(block).encode("utf-8") + new[end:]
        parts = {**parts, sheet_part: new}
    return _prune_rels(parts, order, sheet_part, path)


def _children(root: etree._Element, names: tuple[str, ...]) -> dict[str, etree._Element]:
    """The root's children of the main namespace with these local names, by name."""
    return {etree.QName(el).localname: el for el in root
            if isinstance(el.tag, str) and etree.QName(el).namespace == _MAIN_NS and etree.QName(el).localname in names}


_SHEET_PRIVATE = frozenset({"table", "comments", "vmlDrawing", "printerSettings", "threadedComment"})


def _prune_rels(parts: dict[str, bytes], order: list[str], sheet_part: str, path: Path | str = "the book"
                ) -> tuple[dict[str, bytes], list[str]]:
    """Drop the sheet's relationships its XML no longer refers to, and parts nothing else points at."""
    rels_part = rels_name(sheet_part)
    if rels_part not in parts:
        return parts, order
    sheet = _after_rows(parts[sheet_part], path, sheet_part)
    used = {el.get(R_ID) for el in sheet.iter() if el.get(R_ID)}
    has_notes = sheet.find(f"{_MAIN}legacyDrawing") is not None
    rels = parse_relationships(path, rels_part, parts[rels_part])
    dropped = [rel for rel in rels if rel.id not in used and not (has_notes and rel.type == _COMMENTS)]
    if not dropped:
        return parts, order
    gone_ids = {rel.id for rel in dropped}
    kept = [rel for rel in rels if rel.id not in gone_ids]
    parts = {**parts, rels_part: relationships_xml(kept)}
    if not kept:
        parts.pop(rels_part)
    # only a part that belongs to this one sheet goes with it (a table, notes, printer settings); a
    # relationship of any other kind is let go, and the part it pointed at is left as it was
    targets = {rel.target for rel in dropped if rel.kind in _SHEET_PRIVATE and not rel.external} & set(parts)
    still = set()
    for name, data in parts.items():
        if name.endswith(".rels") and isinstance(data, bytes):
            still |= {rel.target for rel in parse_relationships(path, name, data) if not rel.external}
    return _without_parts(parts, [n for n in order if n in parts], targets - still, path)


def _plain(el: etree._Element) -> str:
    """An element of the main namespace as text in the sheet's own prefixes (default, and r: for ids)."""
    attrs = []
    for name, value in el.attrib.items():
        q = etree.QName(name)
        if q.namespace is None:
            attrs.append(f" {q.localname}={quoted(value)}")
        elif q.namespace == _R_NS:
            attrs.append(f" r:{q.localname}={quoted(value)}")
    tag = etree.QName(el).localname
    inner = escaped(el.text or "") + "".join(_plain(child) + escaped(child.tail or "") for child in el
                                           if isinstance(child.tag, str) and etree.QName(child).namespace == _MAIN_NS)
    return f"<{tag}{''.join(attrs)}>{inner}</{tag}>" if inner else f"<{tag}{''.join(attrs)}/>"
