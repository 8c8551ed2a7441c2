"""A small trend chart for the board pack, drawn as inline SVG (no scripts, no fonts, no network).

The chart shows the baseline years' outturns and the reporting year's quarters as one line of
points, the year's target as a dashed line over the quarters, and the comparator, where there is
one, as a dotted line across the whole chart.  Lines differ in dash as well as colour, and a key
under the chart names each with its value, so colour is never the only signal.  Every point is a
``circle.point`` carrying its period and value, with a tooltip; the SVG has a title and a text
description for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from csp_status.core.vocabulary import Unit
from csp_status.core.wording import format_value

__all__ = ["ChartData", "trend_chart_svg", "COLOURS"]

COLOURS = {"value": "#1F4E79", "target": "#C00000", "comparator": "#595959", "grid": "#D9D9D9",
           "axis": "#7F7F7F", "text": "#262626"}
_WIDTH = 460
_KEY_TOP, _KEY_ROW = 208, 17  # the key's first line of text, and each further line
_CHAR_WIDTH = 7.0  # a generous width of one character of the key, at 12 units
_LEFT, _RIGHT, _TOP = 58, 14, 12
_PLOT_BOTTOM = 150  # the x axis; below it: period labels, the year's label, the key
_EMPTY_SCALE = (0.0, 0.25, 0.5, 0.75, 1.0)
_FLAT = 1e-300  # figures closer than this are drawn as one level (a step this small still has a logarithm)


@dataclass
class ChartData:
    """One indicator's chart: the periods along the bottom and the figures to draw."""

    ref: str
    title: str
    unit: Unit | None
    labels: list[str]  # e.g. ["2008/09", "2009/10", "2010/11", "Q1", "Q2", "Q3", "Q4"]
    values: list[float | None]  # None where there is no figure to draw
    year_start: int  # the index of the first of the reporting year's periods
    year_label: str  # "2011/12"
    current: int | None = None  # the index of the current quarter
    target: float | None = None
    comparator: float | None = None
    checks: list[int] = field(default_factory=list)  # periods whose figure needs checking
    current_fill: str = "#FFFFFF"  # the status colour of the current quarter's point


def trend_chart_svg(chart: ChartData) -> str:
    """The chart as an ``<svg>`` element for inline use in HTML."""
    points = [(i, v) for i, v in enumerate(chart.values) if v is not None]
    levels = [v for _, v in points] + [x for x in (chart.target, chart.comparator) if x is not None]
    scale = _ticks(levels, chart.unit)
    drawn = scale is not None  # else no scale holds the figures: the chart is empty, its key and text name them
    ticks = scale if scale is not None else _EMPTY_SCALE
    low, high = ticks[0], ticks[-1]
    n = len(chart.labels)
    plot_width = _WIDTH - _LEFT - _RIGHT
    step = plot_width / max(n, 1)

    def x(i: float) -> float:
        return _LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        return _PLOT_BOTTOM - (v / 2 - low / 2) / (high / 2 - low / 2) * (_PLOT_BOTTOM - _TOP)  # halves: see _ticks

    uid = _slug(chart.ref)
    key, key_rows = _key(chart)
    height = _KEY_TOP + (key_rows - 1) * _KEY_ROW + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" role="img" aria-labelledby="t-{uid} d-{uid}" '
        f'data-ref="{escape(chart.ref)}" data-points="{len(points) if drawn else 0}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="t-{uid}">{escape(chart.title)}</title>',
        f'<desc id="d-{uid}">{escape(_description(chart, points))}</desc>',
    ]
    # grid and y-axis labels
    for tick in ticks:
        ty = y(tick)
        parts.append(f'<line x1="{_LEFT}" y1="{ty:.1f}" x2="{_WIDTH - _RIGHT}" y2="{ty:.1f}" '
                     f'stroke="{COLOURS["grid"]}" stroke-width="1"/>')
        if levels and drawn:  # an empty chart has no scale to show
            parts.append(f'<text x="{_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" '
                         f'fill="{COLOURS["text"]}">{escape(_tick_text(tick, ticks, chart.unit))}</text>')
    parts.append(f'<line x1="{_LEFT}" y1="{_PLOT_BOTTOM}" x2="{_WIDTH - _RIGHT}" y2="{_PLOT_BOTTOM}" '
                 f'stroke="{COLOURS["axis"]}" stroke-width="1"/>')
    # the reporting year's band and period labels
    split = _LEFT + step * chart.year_start
    parts.append(f'<rect x="{split:.1f}" y="{_TOP}" width="{_WIDTH - _RIGHT - split:.1f}" '
                 f'height="{_PLOT_BOTTOM - _TOP}" fill="#F2F6FA"/>')
    parts.insert(3, parts.pop())  # the band goes under the grid
    for i, label in enumerate(chart.labels):
        bold = ' font-weight="bold"' if i == chart.current else ""
        shown = label + ("*" if i == chart.current else "")
        parts.append(f'<text x="{x(i):.1f}" y="{_PLOT_BOTTOM + 15}" text-anchor="middle" font-size="12"{bold} '
                     f'fill="{COLOURS["text"]}">{escape(shown)}</text>')
    if chart.year_start > 0:
        parts.append(f'<text x="{(_LEFT + split) / 2:.1f}" y="{_PLOT_BOTTOM + 29}" text-anchor="middle" '
                     f'font-size="10" fill="{COLOURS["axis"]}">outturn</text>')
    parts.append(f'<text x="{(split + _WIDTH - _RIGHT) / 2:.1f}" y="{_PLOT_BOTTOM + 29}" text-anchor="middle" '
                 f'font-size="10" fill="{COLOURS["axis"]}">{escape(chart.year_label)} quarters</text>')
    # comparator and target lines
    if chart.comparator is not None and drawn:
        cy = y(chart.comparator)
        parts.append(f'<line class="comparator" x1="{_LEFT}" y1="{cy:.1f}" x2="{_WIDTH - _RIGHT}" y2="{cy:.1f}" '
                     f'stroke="{COLOURS["comparator"]}" stroke-width="2" stroke-dasharray="2 3"/>')
    if chart.target is not None and drawn:
        ty = y(chart.target)
        parts.append(f'<line class="target" x1="{split:.1f}" y1="{ty:.1f}" x2="{_WIDTH - _RIGHT}" y2="{ty:.1f}" '
                     f'stroke="{COLOURS["target"]}" stroke-width="2" stroke-dasharray="7 4"/>')
    # the figures: a line through consecutive periods, a point for each
    if not drawn:
        points = []
    for run in _runs(points):
        if len(run) > 1:
            path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(f'<polyline class="series" points="{path}" fill="none" stroke="{COLOURS["value"]}" '
                         f'stroke-width="2.5" stroke-linejoin="round"/>')
    for i, v in points:
        current = i == chart.current
        fill = chart.current_fill if current else COLOURS["value"]
        radius = 6 if current else 4
        shown = format_value(v, chart.unit)
        parts.append(
            f'<circle class="point{" current" if current else ""}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="{radius}" '
            f'fill="{fill}" stroke="{COLOURS["value"]}" stroke-width="2" data-period="{escape(_period(chart, i))}" '
            f'data-value="{v:.10g}"><title>{escape(_period(chart, i))}: {escape(shown)}</title></circle>'
        )
    if points:
        i, v = points[-1]
        anchor = "end" if i >= len(chart.labels) - 1 else "start"
        dx = -9 if anchor == "end" else 9
        parts.append(f'<text x="{x(i) + dx:.1f}" y="{y(v) - 9:.1f}" text-anchor="{anchor}" font-size="12" '
                     f'font-weight="bold" fill="{COLOURS["value"]}">{escape(format_value(v, chart.unit))}</text>')
    for i in chart.checks:
        parts.append(f'<text class="check" x="{x(i):.1f}" y="{_PLOT_BOTTOM - 6}" text-anchor="middle" '
                     f'font-size="10" fill="#5B2C6F">? check</text>')
    if not points:
        said = "No figures yet" if drawn else "Figures too large to draw on one scale"
        parts.append(f'<text class="no-data" x="{(_LEFT + _WIDTH - _RIGHT) / 2:.1f}" '
                     f'y="{(_TOP + _PLOT_BOTTOM) / 2:.1f}" text-anchor="middle" font-size="13" '
                     f'fill="{COLOURS["axis"]}">{said}</text>')
    parts.append(key)
    parts.append("</svg>")
    return "".join(parts)


def _key(chart: ChartData) -> tuple[str, int]:
    """The key under the chart (each line's look, what it is, its value), and how many rows it takes."""
    entries = [("value", "Figure", None)]
    if chart.target is not None:
        entries.append(("target", f"Target {format_value(chart.target, chart.unit)}", "7 4"))
    if chart.comparator is not None:
        entries.append(("comparator", f"Comparator {format_value(chart.comparator, chart.unit)}", "2 3"))
    out, at, row = [], float(_LEFT), 0
    for kind, text, dash in entries:
        width = 27 + _CHAR_WIDTH * len(text)
        if at > _LEFT and at + width > _WIDTH - _RIGHT:
            at, row = float(_LEFT), row + 1
        top = _KEY_TOP + row * _KEY_ROW
        colour = COLOURS[kind]
        if dash:
            out.append(f'<line x1="{at:.1f}" y1="{top - 4}" x2="{at + 22:.1f}" y2="{top - 4}" stroke="{colour}" '
                       f'stroke-width="2" stroke-dasharray="{dash}"/>')
        else:
            out.append(f'<line x1="{at:.1f}" y1="{top - 4}" x2="{at + 22:.1f}" y2="{top - 4}" stroke="{colour}" '
                       f'stroke-width="2.5"/><circle cx="{at + 11:.1f}" cy="{top - 4}" r="3.5" fill="{colour}"/>')
        out.append(f'<text x="{at + 27:.1f}" y="{top}" font-size="12" fill="{COLOURS["text"]}">{escape(text)}</text>')
        at += width + 16
    return f'<g class="key">{"".join(out)}</g>', row + 1


def _description(chart: ChartData, points: list[tuple[int, float]]) -> str:
    figures = ", ".join(f"{_period(chart, i)} {format_value(v, chart.unit)}" for i, v in points) or "no figures yet"
    extra = [f"{_period(chart, i)} needs checking" for i in chart.checks]
    if chart.target is not None:
        extra.append(f"{chart.year_label} target {format_value(chart.target, chart.unit)}")
    if chart.comparator is not None:
        extra.append(f"comparator {format_value(chart.comparator, chart.unit)}")
    return f"Trend of {chart.ref}: {figures}" + (f"; {'; '.join(extra)}" if extra else "") + "."


def _period(chart: ChartData, i: int) -> str:
    """A period in full: 'Q1 2011/12' for the reporting year's quarters, the year for an outturn."""
    return f"{chart.labels[i]} {chart.year_label}" if i >= chart.year_start else chart.labels[i]


def _runs(points: list[tuple[int, float]]) -> list[list[tuple[int, float]]]:
    """Points of consecutive periods, joined by a line; a gap in the periods breaks it."""
    runs: list[list[tuple[int, float]]] = []
    for i, v in points:
        if runs and runs[-1][-1][0] == i - 1:
            runs[-1].append((i, v))
        else:
            runs.append([(i, v)])
    return runs


def _ticks(levels: list[float], unit: Unit | None = None) -> list[float] | None:
    """Four or five round levels spanning the figures, with some room above and below.

    Distances are worked out from halves (``high / 2 - low / 2``), which are the same numbers for
    ordinary figures and never overflow, so figures near the largest number Excel holds, on both
    sides of zero, still get a scale.  None when no scale holds them: a level would be beyond the
    largest number (or, for a percentage, the level times 100 would).
    """
    if not levels:
        return list(_EMPTY_SCALE)
    low, high = min(levels), max(levels)
    half = high / 2 - low / 2  # half the span
    if half < _FLAT:  # one level (or as good as): a band around it
        size = max(abs(low), abs(high)) * 0.2
        half = size / 2 if size >= _FLAT else 0.5
    pad = half * 0.3  # 15% of the span
    low, high = low - pad, high + pad
    if min(levels) >= 0 and low < 0:
        low = 0.0
    raw = (high / 2 - low / 2) / 2  # a quarter of the span
    if not math.isfinite(raw):
        return None
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    below = math.floor(low / step)  # the first level, in steps
    reach = high / step - below  # how many steps from the first level to the top
    digits = max(12, 3 - math.floor(math.log10(step)))  # round levels for tiny steps too
    ticks = [round((below + k) * step, digits) for k in range(math.ceil(reach - 1e-9) + 1)]
    scale = 100.0 if unit is Unit.PERCENT else 1.0
    if not all(math.isfinite(t * scale) for t in ticks):
        return None
    return ticks


def _tick_text(tick: float, ticks: list[float], unit: Unit | None) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    scale = 100.0 if unit is Unit.PERCENT else 1.0
    if not 1e-9 <= step * scale < 1e15:  # digits beyond a label's room: shown as Excel does, 1.5E+308
        text = f"{tick * scale:.3G}"
        return text + "%" if unit is Unit.PERCENT else text
    decimals = max(0, -math.floor(math.log10(step * scale) + 1e-9)) if step * scale < 1 else 0
    shifted = step * scale * 10.0 ** decimals
    if abs(shifted - round(shifted)) > 1e-6:
        decimals += 1
    text = f"{tick * scale:,.{decimals}f}"
    return text + "%" if unit is Unit.PERCENT else text


def _slug(ref: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in ref.lower()).strip("-") or "chart"
