"""The colours a workbook's own cell styles show, as "#RRGGBB", for pages drawn outside Excel.

Officers restyle the Summary by formatting the Settings legend cells ("GREEN", "AMBER", ...); the
board pack follows the same cells, so a partnership's own RAG colours (a corporate palette, one
kind to colour-blind readers) reach the board in both.  A colour in a style is written one of
four ways, and all are read: ``rgb="FF00B050"``; ``theme="9" tint="0.6"`` (a colour of the
book's theme, lightened or darkened as Excel does it, in HLS); ``indexed="43"`` (the legacy
palette, or the book's own ``indexedColors``); ``auto="1"`` (automatic: no colour of its own).
"""

from __future__ import annotations

import colorsys
import math

from lxml import etree

from csp_status.workbook.cells import NS
from csp_status.workbook.package import Package
from csp_status.workbook.theme import OFFICE_COLOURS, THEME_TYPE

__all__ = ["style_colours", "tinted"]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# The theme's colours in the order a style's theme="n" counts them: Excel swaps the first two
# pairs of the scheme (its dk1, lt1, dk2, lt2 are read as lt1, dk1, lt2, dk2).
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5",
                "accent6", "hlink", "folHlink")
# Office's default theme (the one our books carry), for a book whose theme part is missing
# (books written before CSP Status wrote a theme, or by other programs).
_OFFICE_THEME = OFFICE_COLOURS
_SYSTEM = {64: "000000", 65: "FFFFFF"}  # the indexed "system foreground" and "system background"


def style_colours(package: Package, styles: dict[str, int]) -> dict[str, tuple[str | None, str | None]]:
    """Each label's cell style (label -> style index) as (fill, font colour); None where it has none.

    A fill is read from a pattern fill that is not "none" (its foreground colour); a gradient or a
    colour that cannot be read gives None, as does a style index the styles part does not have.
    """
    if not styles or not package.has("xl/styles.xml"):
        return {label: (None, None) for label in styles}
    root = package.xml("xl/styles.xml")
    resolve = _Resolver(package, root)
    fonts = [font.find("m:color", NS) for font in root.iterfind("m:fonts/m:font", NS)]
    fills = [_fill_colour(fill) for fill in root.iterfind("m:fills/m:fill", NS)]
    xfs = list(root.iterfind("m:cellXfs/m:xf", NS))
    out = {}
    for label, index in styles.items():
        if not 0 <= index < len(xfs):
            out[label] = (None, None)
            continue
        xf = xfs[index]
        fill_id, font_id = _int(xf.get("fillId")), _int(xf.get("fontId"))
        fill = resolve(fills[fill_id]) if fill_id is not None and 0 <= fill_id < len(fills) else None
        ink = resolve(fonts[font_id]) if font_id is not None and 0 <= font_id < len(fonts) else None
        out[label] = (fill, ink)
    return out


def _fill_colour(fill: etree._Element) -> etree._Element | None:
    pattern = fill.find("m:patternFill", NS)
    if pattern is None or pattern.get("patternType", "none") == "none":
        return None
    return pattern.find("m:fgColor", NS)


class _Resolver:
    """Turns a style's colour element into "#RRGGBB" (None for automatic or unreadable colours)."""

    def __init__(self, package: Package, styles: etree._Element) -> None:
        self._package = package
        self._theme: dict[str, str] | None = None
        custom = [c.get("rgb", "") for c in styles.iterfind("m:colors/m:indexedColors/m:rgbColor", NS)]
        self._indexed = custom or None

    def __call__(self, colour: etree._Element | None) -> str | None:
        if colour is None or colour.get("auto") in ("1", "true"):
            return None
        if colour.get("rgb"):
            rgb = _hex(colour.get("rgb"))
        elif colour.get("theme") is not None:
            n = _int(colour.get("theme"))
            rgb = self.theme().get(_THEME_ORDER[n]) if n is not None and 0 <= n < len(_THEME_ORDER) else None
        elif colour.get("indexed") is not None:
            rgb = self._indexed_colour(_int(colour.get("indexed")))
        else:
            rgb = None
        if rgb is None:
            return None
        tint = _float(colour.get("tint"))
        return "#" + (tinted(rgb, tint) if tint else rgb)

    def theme(self) -> dict[str, str]:
        if self._theme is None:
            self._theme = {**_OFFICE_THEME, **self._read_theme()}
        return self._theme

    def _read_theme(self) -> dict[str, str]:
        part = self._theme_part()
        if part is None:
            return {}
        scheme = self._package.xml(part).find(f"{_A}themeElements/{_A}clrScheme")
        found = {}
        for slot in scheme if scheme is not None else ():
            name = etree.QName(slot).localname
            srgb, system = slot.find(f"{_A}srgbClr"), slot.find(f"{_A}sysClr")
            value = srgb.get("val") if srgb is not None else system.get("lastClr") if system is not None else None
            rgb = _hex(value)
            if rgb:
                found[name] = rgb
        return found

    def _theme_part(self) -> str | None:
        for rel in self._package.relationships("xl/workbook.xml"):
            if rel.type == THEME_TYPE and not rel.external:
                return rel.target if self._package.has(rel.target) else None
        return None

    def _indexed_colour(self, n: int | None) -> str | None:
        if n is None:
            return None
        if n in _SYSTEM:
            return _SYSTEM[n]
        if self._indexed is not None:
            return _hex(self._indexed[n]) if 0 <= n < len(self._indexed) else None
        from openpyxl.styles.colors import COLOR_INDEX  # the legacy 64-colour palette

        return _hex(COLOR_INDEX[n]) if 0 <= n < len(COLOR_INDEX) else None


def tinted(rgb: str, tint: float) -> str:
    """A colour lightened (tint > 0) or darkened (tint < 0) as Excel does: on its HLS lightness."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    tint = max(-1.0, min(1.0, tint))
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(h, lightness, s))


def _hex(value: str | None) -> str | None:
    """'FF00B050' or '00B050' -> '00B050'; None for anything else."""
    text = (value or "").strip().upper()
    if len(text) == 8:
        text = text[2:]
    return text if len(text) == 6 and all(c in "0123456789ABCDEF" for c in text) else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _float(text: str | None) -> float:
    try:
        value = float(text) if text is not None else 0.0
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0
