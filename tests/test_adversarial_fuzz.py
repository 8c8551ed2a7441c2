"""Fuzzing the package: thousands of books made from a real one by changing its zip and its XML the way a
crafted or broken file differs (relationship targets, types and ids; attributes of every part; elements
deleted, doubled or moved; part names; content types; sizes, CRCs, methods and flags in the zip
headers; single bytes), each refreshed.

Every refresh must either refuse, in one line naming the book, leaving the file byte for byte and
nothing beside it; or succeed, changing only the parts a refresh regenerates (the Summary, Data and
Trends sheets, the Trends sheet's drawing and charts, and the content types), the book reading back.
Never a traceback, never another part changed.

The books are made in memory from the real book's parts (read once) and refreshed in this process,
``EXAMPLES`` of them per run; docs/reliability.md quotes the count and the time.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import struct
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp_status.core.errors import CspError
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book

EXAMPLES = int(os.environ.get("CSP_FUZZ_EXAMPLES", "2000"))
WORKBOOK = "xl/workbook.xml"
_REL = re.compile(rb"<Relationship\b[^>]*?/>")
_ATTR = re.compile(rb'\s([A-Za-z_][\w.:-]*)="([^"]*)"')
_ELEMENT = re.compile(rb"<([A-Za-z][\w.:-]*)\b[^<>]*?(?:/>|>[^<]*</\1>)")  # an element with no children
_TARGETS = ["../vbaProject.bin", "vbaProject.bin", "/xl/vbaProject.bin", "../../../../tmp/evil.xml", "../../evil.xml",
            "/../evil.xml", "worksheets/sheet3.xml", "../worksheets/sheet2.xml", "sheet3.xml", "sheet1.xml",
            "../styles.xml", "/xl/workbook.xml", "../charts/chart1.xml", "../charts/chart2.xml",
            "../drawings/drawing1.xml", "../../xl/worksheets/sheet3.xml", "styles.xml", "", "/", ".", "..",
            "missing.xml", "../charts/chart99.xml", "file:///etc/passwd", "http://127.0.0.1:9/x", "%2e%2e/evil.xml",
            "..\\evil.xml", "WORKSHEETS/SHEET3.XML", "../Charts/Chart1.xml", "customUI/customUI14.xml",
            "../customUI/customUI14.xml", "../[Content_Types].xml", "../_rels/.rels", "_rels/workbook.xml.rels"]
_VALUES = ["", "-1", "0", "1", "x1", "b4", "a1", "A0", "XFE1", "A1048577", "$A$1", "999999999999", "NaN", "1e309",
           "-0", "1.5", "../vbaProject.bin", "/xl/vbaProject.bin", "Sheet3", "Data", "Summary", "Trends", "rId1",
           "rId99", "rId", "&amp;", "&lt;", "x" * 5000, "\u00a0", "true", "s", "str", "inlineStr", "e", "b", "n",
           "shared", "External", "Internal", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart",
           "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
           "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing",
           "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
           "application/vnd.openxmlformats-officedocument.drawing+xml", "application/xml", "0." + "0" * 300]


class Base:
    """The real book, read once: its parts in zip order, and where their relationships and attributes are."""

    def __init__(self, book: Path) -> None:
        with zipfile.ZipFile(book) as zf:
            self.order = [info.filename for info in zf.infolist()]
            self.parts = {name: zf.read(name) for name in self.order}
        self.rels = [n for n in self.order if n.endswith(".rels")]
        self.xml = [n for n in self.order if n.endswith(".xml")]
        self.attrs = {n: [m.span(2) for m in _ATTR.finditer(self.parts[n])] for n in self.xml + self.rels}
        self.attrs = {n: spans for n, spans in self.attrs.items() if spans}
        self.elements = {n: [m.span() for m in _ELEMENT.finditer(self.parts[n])] for n in self.xml + self.rels}
        self.elements = {n: spans for n, spans in self.elements.items() if spans}


@pytest.fixture(scope="module")
def base(imported) -> Base:
    return Base(imported)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Where each mutated book is written: memory (tmpfs) where the system has it, so the run is fast."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        path = Path(tempfile.mkdtemp(prefix="csp-fuzz-", dir=shm))
        yield path
        shutil.rmtree(path, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("fuzz")


# ---- mutations of the parts ---------------------------------------------------------------------------

def _escape(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .encode("utf-8", "surrogatepass") if not text.startswith("&") else text.encode())


def retarget(base: Base, parts: dict, data) -> str:
    rels = data.draw(st.sampled_from(base.rels))
    tags = list(_REL.finditer(parts.get(rels, b"")))
    if not tags:
        return "retarget-none"
    tag = data.draw(st.sampled_from(tags))
    folder = posixpath.dirname(posixpath.dirname(rels))
    existing = data.draw(st.sampled_from(base.order))
    target = data.draw(st.one_of(st.sampled_from(_TARGETS), st.just(posixpath.relpath(existing, folder or ".")),
                                 st.just("/" + existing), st.just(existing.upper())))
    replacement = b'Target="' + _escape(target) + b'"'
    new_tag = re.sub(rb'Target="[^"]*"', lambda _: replacement, tag.group(0))
    parts[rels] = parts[rels][:tag.start()] + new_tag + parts[rels][tag.end():]
    return "retarget"


def attribute(base: Base, parts: dict, data) -> str:
    name = data.draw(st.sampled_from(sorted(base.attrs)))
    if parts.get(name) != base.parts[name]:
        return "attribute-skipped"
    start, end = data.draw(st.sampled_from(base.attrs[name]))
    value = data.draw(st.one_of(st.sampled_from(_VALUES),
                                st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF), max_size=8)))
    parts[name] = parts[name][:start] + _escape(value) + parts[name][end:]
    return "attribute"


def element(base: Base, parts: dict, data) -> str:
    """An element with no children deleted, doubled, or moved to the end of its part's root."""
    name = data.draw(st.sampled_from(sorted(base.elements)))
    if parts.get(name) != base.parts[name]:
        return "element-skipped"
    start, end = data.draw(st.sampled_from(base.elements[name]))
    raw, piece = parts[name], parts[name][start:end]
    how = data.draw(st.sampled_from(["delete", "double", "move"]))
    if how == "delete":
        parts[name] = raw[:start] + raw[end:]
    elif how == "double":
        parts[name] = raw[:end] + piece + raw[end:]
    else:
        rest = raw[:start] + raw[end:]
        close = rest.rfind(b"</")
        parts[name] = rest[:close] + piece + rest[close:] if close > 0 else raw
    return f"element-{how}"


def part_name(base: Base, parts: dict, data) -> str:
    name = data.draw(st.sampled_from(base.order))
    if name not in parts:
        return "name-skipped"
    how = data.draw(st.sampled_from(["case", "other", "new", "delete", "swap", "copy-case"]))
    content = parts.pop(name)
    if how == "case":
        parts[name.upper() if name != name.upper() else name.lower()] = content
    elif how == "other":
        parts[data.draw(st.sampled_from(base.order))] = content
    elif how == "new":
        parts[data.draw(st.sampled_from(["xl/worksheets/sheet9.xml", "xl/charts/chart10.xml", "xl/x.bin",
                                         "xl/drawings/drawing2.xml", "docProps/extra.xml"]))] = content
    elif how == "swap":
        other = data.draw(st.sampled_from(base.order))
        if other in parts:
            parts[name], parts[other] = parts[other], content
        else:
            parts[name] = content
    elif how == "copy-case":
        parts[name] = content
        parts[name.swapcase()] = content
    return f"name-{how}"


def flip(base: Base, parts: dict, data) -> str:
    name = data.draw(st.sampled_from(base.xml))
    if name not in parts or not parts[name]:
        return "flip-skipped"
    raw = bytearray(parts[name])
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] = data.draw(st.sampled_from(b"<>\"'&/=0123456789x \x00\xff"))
    parts[name] = bytes(raw)
    return "flip"


PART_MUTATIONS = [retarget, retarget, attribute, attribute, attribute, element, part_name, flip]


# ---- mutations of the zip's headers ---------------------------------------------------------------------

def header(raw: bytearray, data) -> str:
    """One field of one member's local header or directory entry: sizes, CRC, method, flags."""
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        infos = zf.infolist()
    info = data.draw(st.sampled_from(infos))
    central = _central(raw, info.filename)
    field_ = data.draw(st.sampled_from(["size", "packed", "crc", "method", "flags"]))
    where = data.draw(st.sampled_from(["local", "central", "both"]))
    offsets = {"size": (22, 24), "packed": (18, 20), "crc": (14, 16), "method": (8, 10), "flags": (6, 8)}[field_]
    places = []
    if where in ("local", "both"):
        places.append(info.header_offset + offsets[0])
    if where in ("central", "both") and central is not None:
        places.append(central + offsets[1])
    width = "<H" if field_ in ("method", "flags") else "<I"
    current = struct.unpack_from(width, raw, places[0])[0] if places else 0
    limit = 0xFFFF if width == "<H" else 0xFFFFFFFF
    value = data.draw(st.one_of(st.sampled_from([0, 1, 8, 9, 12, 14, 99, limit]),
                                st.integers(max(current - 2, 0), min(current + 2, limit)),
                                st.integers(0, limit)))
    for at in places:
        struct.pack_into(width, raw, at, value)
    return f"header-{field_}"


def _central(raw: bytearray, name: str) -> int | None:
    at = raw.find(b"PK\x01\x02")
    encoded = name.encode()
    while at != -1:
        length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46:at + 46 + length] == encoded:
            return at
        at = raw.find(b"PK\x01\x02", at + 4)
    return None


def package(parts: dict, order: list[str]) -> bytes:
    buffer = io.BytesIO()
    names = [n for n in order if n in parts] + [n for n in parts if n not in order]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name in names:
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), parts[name])
    return buffer.getvalue()


# ---- what a refresh may change --------------------------------------------------------------------------

def regenerated(parts: dict[str, bytes]) -> set[str] | None:
    """The parts a refresh may write, worked out here from the book's own XML (not the product's reader):
    the Summary, Data and Trends sheets, the Trends sheet's relationships, drawing and charts (and the
    drawing's relationships), and [Content_Types].xml."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    spelled = {name.casefold(): name for name in parts}  # part names are compared without case

    def rels_of(part: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        folder, base_name = posixpath.split(part)
        data = parts.get(spelled.get(posixpath.join(folder, "_rels", base_name + ".rels").casefold(), ""))
        if data is None:
            return [], []
        root = etree.fromstring(data, parser)
        out = []
        for rel in root:
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.append((rel.get("Id", ""), spelled.get(name.casefold(), name), rel.get("Type", "").rsplit("/", 1)[-1]))
        return [(i, n) for i, n, _ in out], [(n, t) for _, n, t in out]

    ids, _ = rels_of(WORKBOOK)
    targets = dict(ids)
    root = etree.fromstring(parts[spelled.get(WORKBOOK, WORKBOOK)], parser)
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    sheets = {s.get("name"): targets.get(s.get(rid)) for s in root.iter(ns + "sheet")}
    allowed = {spelled.get("[content_types].xml"), sheets.get("Summary"), sheets.get("Data")}
    trends = sheets.get("Trends")
    if trends:
        folder, name = posixpath.split(trends)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        allowed |= {trends, spelled.get(rels.casefold(), rels)}
        for drawing, kind in rels_of(trends)[1]:
            if kind == "drawing":
                d_folder, d_name = posixpath.split(drawing)
                rels = posixpath.join(d_folder, "_rels", d_name + ".rels")
                allowed |= {drawing, spelled.get(rels.casefold(), rels)}
                allowed |= {chart for chart, k in rels_of(drawing)[1] if k == "chart"}
    return allowed - {None}


# ---- the test -------------------------------------------------------------------------------------------

def test_fuzzed_books_are_refused_in_one_line_or_refreshed_changing_only_the_regenerated_parts(base, folder):
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    book = folder / "x.xlsm"

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def one(data):
        parts = dict(base.parts)
        mutations = data.draw(st.lists(st.sampled_from(PART_MUTATIONS), min_size=0, max_size=3))
        for mutate in mutations:
            kinds[mutate(base, parts, data)] += 1
        raw = bytearray(package(parts, base.order))
        if not mutations or data.draw(st.integers(0, 3)) == 0:
            kinds[header(raw, data)] += 1
        before = bytes(raw)
        book.write_bytes(before)
        try:
            refresh_book(book)
        except CspError as err:
            message = str(err)
            assert "\n" not in message and message.startswith(f"{book}: "), message
            assert book.read_bytes() == before, "a refused refresh changed the book"
            assert sorted(os.listdir(folder)) == ["x.xlsm"], os.listdir(folder)
            outcomes["refused"] += 1
            return
        assert sorted(os.listdir(folder)) == ["x.xlsm"], os.listdir(folder)
        after = book.read_bytes()
        if after == before:
            outcomes["unchanged"] += 1
            return
        # the refresh accepted the book, so its parts are those made above; compared by CRC-32 and size
        old = {name: (zlib.crc32(content), len(content)) for name, content in parts.items()}
        with zipfile.ZipFile(book) as zf:
            new = {info.filename: (info.CRC, info.file_size) for info in zf.infolist()}
        allowed = regenerated(parts)
        changed = {n for n in set(old) | set(new) if old.get(n) != new.get(n)}
        made = {n for n in new if n not in old and n.startswith(("xl/charts/", "xl/drawings/"))}
        made |= {posixpath.join(posixpath.dirname(n), "_rels", posixpath.basename(n) + ".rels") for n in made}
        assert changed - allowed <= made, sorted(changed - allowed - made)  # new parts, and their relationships
        read_book(book)  # the refreshed book reads back
        outcomes["refreshed"] += 1

    start = time.perf_counter()
    one()
    seconds = time.perf_counter() - start
    print(f"\nfuzz: {sum(outcomes.values())} books in {seconds:.1f} s: {dict(outcomes)}; mutations {dict(kinds)}")
    assert sum(outcomes.values()) >= EXAMPLES * 0.95
    assert outcomes["refused"] >= EXAMPLES // 10 and outcomes["refreshed"] >= EXAMPLES // 10, outcomes
