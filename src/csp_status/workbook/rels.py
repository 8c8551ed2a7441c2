"""Relationship parts (``_rels/*.rels``): one reader and one writer for every part of CSP Status.

A relationship's target is resolved to a part name once, here; a target that climbs out of the
package (``../../x``) is refused, so nothing outside the package is ever read or written.  The
writer gives each relationship back with the target as it was written; a new relationship's target
is written relative to the part it is of (``relative_target``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from lxml import etree

from csp_status.core.errors import BookError
from csp_status.workbook.cells import HEADER, NS, quoted
from csp_status.workbook.guard import REFUSED, REPAIR, parse_xml, resolve_target

__all__ = ["Relationship", "rels_name", "read_relationships", "parse_relationships", "relationships_xml",
           "relative_target", "DRAWING", "CHART"]

_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DRAWING = _OFFICE + "drawing"
CHART = _OFFICE + "chart"


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its id, type, target part name ('' when external), and where it is."""

    id: str
    type: str
    target: str
    external: bool
    rels_part: str
    written: str = ""  # the Target attribute as the part has it (relative, or a web address)

    @property
    def kind(self) -> str:
        """The last word of its type: 'worksheet', 'drawing', 'chart', 'vbaProject', …"""
        return self.type.rsplit("/", 1)[-1]


def rels_name(part: str) -> str:
    """The relationships part of a part ('' for the package's own): xl/x.xml -> xl/_rels/x.xml.rels."""
    if not part:
        return "_rels/.rels"
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def read_relationships(path: Path | str, rels_part: str, root: etree._Element,
                       spelling: Callable[[str], str | None] = lambda name: None) -> list[Relationship]:
    """The relationships in a parsed relationships part (parse it with ``guard.parse_xml``).

    ``spelling`` gives the package's own spelling of a part name (part names ignore case).
    """
    folder = posixpath.dirname(posixpath.dirname(rels_part))
    out, ids = [], set()
    for rel in root.iterfind("rel:Relationship", NS):
        rid = rel.get("Id", "")
        if rid in ids:  # readers would disagree about which one it is
            raise BookError(f"{path}: part {rels_part!r} has two relationships with the id {rid!r}; {REPAIR}")
        ids.add(rid)
        written = rel.get("Target", "")
        external = rel.get("TargetMode") == "External"
        resolved = "" if external else resolve_target(folder, written)
        if resolved is None:
            raise BookError(f"{path}: part {rels_part!r} has a relationship to {written!r}, outside the package; {REFUSED}")
        if resolved:
            resolved = spelling(resolved) or resolved
        out.append(Relationship(rid, rel.get("Type", ""), resolved, external, rels_part, written))
    return out


def parse_relationships(path: Path | str, rels_part: str, data: bytes) -> list[Relationship]:
    """The relationships in a relationships part's bytes, parsed through the one guarded parser."""
    return read_relationships(path, rels_part, parse_xml(Path(path), rels_part, data))


def relative_target(source: str, part: str) -> str:
    """How a relationship of ``source`` ('' for the package's own) names ``part``: relative to its folder.

    ``relative_target("xl/workbook.xml", "xl/theme/theme1.xml")`` is ``'theme/theme1.xml'``.
    """
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


def relationships_xml(relationships: Iterable[Relationship | tuple[str, str, str]]) -> bytes:
    """A relationships part: each (id, type, target as written), or a ``Relationship`` read before."""
    body = []
    for rel in relationships:
        if isinstance(rel, Relationship):
            rid, kind, target, external = rel.id, rel.type, rel.written, rel.external
        else:
            (rid, kind, target), external = rel, False
        mode = ' TargetMode="External"' if external else ""
        body.append(f'<Relationship Id={quoted(rid)} Type={quoted(kind)} Target={quoted(target)}{mode}/>')
    return f'{HEADER}<Relationships xmlns="{NS["rel"]}">{"".join(body)}</Relationships>'.encode("utf-8")
