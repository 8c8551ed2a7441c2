"""The parts a refresh writes, found from the book's own structure and checked as its own.

A refresh regenerates the Summary, Data and Trends sheets and the Trends sheet's drawing and
charts.  Each is located through the package's relationships (never by a fixed name), and each must
be distinct, have the content type of its kind, and be used by nothing else; otherwise the book is
refused, so a relationship crafted to point at another sheet, the VBA project or the styles can
never make a refresh overwrite them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csp_status.core.errors import BookError
from csp_status.workbook.layout import DATA, SUMMARY, TRENDS
from csp_status.workbook.package import Package

__all__ = ["OwnedParts", "owned_parts", "WORKSHEET_TYPE", "DRAWING_TYPE", "CHART_TYPE"]

WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_OWN_ADVICE = "refusing to write the book: restore it from a backup, or open it in Excel and save it again"


@dataclass
class OwnedParts:
    """The parts a refresh regenerates: the Summary, Data and Trends sheets, and the Trends drawing and charts."""

    summary: str
    data: str
    trends: str | None = None
    drawing: str | None = None
    charts: list[str] = field(default_factory=list)


def owned_parts(package: Package, sheets: dict[str, str]) -> OwnedParts:
    """The parts the refresh will write, each checked to be distinct, of the kind expected, and reached
    only from where the refresh expects it; a book whose relationships point elsewhere (another sheet,
    the VBA project, the styles) is refused, so nothing but the regenerated parts is ever written."""
    where = package.path
    by_part: dict[str, str] = {}
    for sheet, part in sheets.items():
        folded = part.casefold()
        if folded in by_part:
            raise BookError(f"{where}: sheets {by_part[folded]!r} and {sheet!r} are one part ({part!r}) in the package; "
                            f"{_OWN_ADVICE}")
        by_part[folded] = sheet
    references = _references(package)
    for sheet in (SUMMARY, DATA, TRENDS):
        part = sheets.get(sheet)
        if part is None:
            continue
        if not package.has(part):
            package.read(part)  # the message for a part the package does not have
        _expect(package, part, WORKSHEET_TYPE, f"the {sheet!r} sheet is")
        _only_from(package, references, part, {"xl/workbook.xml"}, f"the {sheet!r} sheet is")
    owned = OwnedParts(sheets[SUMMARY], sheets[DATA], sheets.get(TRENDS))
    if owned.trends is None:
        return owned
    drawings = [r for r in package.relationships(owned.trends) if r.kind == "drawing" and not r.external]
    if drawings and package.has(drawings[0].target):
        owned.drawing = drawings[0].target
        _expect(package, owned.drawing, DRAWING_TYPE, "the Trends sheet's drawing points at")
        _only_from(package, references, owned.drawing, {owned.trends}, "the Trends sheet's drawing points at")
        charts = [r for r in package.relationships(owned.drawing) if r.kind == "chart" and not r.external]
        seen: set[str] = set()
        for rel in sorted(charts, key=lambda r: _rid_number(r.id)):
            if not package.has(rel.target) or rel.target in seen:
                continue
            seen.add(rel.target)
            _expect(package, rel.target, CHART_TYPE, "a chart of the Trends sheet points at")
            _only_from(package, references, rel.target, {owned.drawing}, "a chart of the Trends sheet points at")
            owned.charts.append(rel.target)
    return owned


def _references(package: Package) -> dict[str, set[str]]:
    """Each part's name (case folded) -> the parts whose relationships reach it (in the package's spelling;
    '' for the package itself)."""
    found: dict[str, set[str]] = {}
    for name in package.names:
        folder, base = name.rsplit("/", 1) if "/" in name else ("", name)
        if not (base.casefold().endswith(".rels") and folder.split("/")[-1].casefold() == "_rels"):
            continue
        parent = folder[: -len("_rels")].rstrip("/")
        source = "" if base == ".rels" and not parent else (f"{parent}/{base[:-5]}" if parent else base[:-5])
        source = package.part_name(source) or source
        for rel in package.relationships(source):
            if not rel.external:
                found.setdefault(rel.target.casefold(), set()).add(source)
    return found


def _expect(package: Package, part: str, content_type: str, what: str) -> None:
    """``what`` ('the Data sheet is', 'a chart of the Trends sheet points at') names the part in messages."""
    got = package.content_type(part)
    if got != content_type:
        shown = f"the content type '{got}'" if got else "no content type"
        expected = content_type.rsplit(".", 1)[-1].split("+")[0]
        raise BookError(f"{package.path}: {what} part {part!r}, which has {shown}, not a {expected}'s; "
                        f"{_OWN_ADVICE}")


def _only_from(package: Package, references: dict[str, set[str]], part: str, expected: set[str], what: str) -> None:
    expected = {name.casefold() for name in expected}
    others = sorted(name for name in references.get(part.casefold(), set()) if name.casefold() not in expected)
    if others:
        shown = "the package itself" if others[0] == "" else repr(others[0])
        raise BookError(f"{package.path}: {what} part {part!r}, which {shown} also uses; {_OWN_ADVICE}")


def _rid_number(rid: str) -> tuple[int, str]:
    digits = rid[3:] if rid.startswith("rId") else ""
    return (int(digits), rid) if digits.isdigit() and len(digits) < 10 else (1 << 40, rid)
