"""Synthetic partnerships with the messy cells officers type, for benchmarks and rollup tests.

``synthetic_partnership(n)`` gives ``n`` indicators over five reporting years (four baseline
years and the reporting year 2011/12, reported at Q2), with percentages, counts with thousands
separators, rates per 1,000, "50% (62/124)" forms, targets with their reductions
("7.1% (1.5%)", "(6.9% 3%)"), placeholders ("Awaited", "n/a", "TBC", "Baseline year"), a few
typing slips, spreadsheet numbers and commentary.  The same seed always gives the same book.
"""

from __future__ import annotations

import random
from pathlib import Path

from csp_status.core.model import Indicator, Partnership, Settings, YearRecord
from csp_status.core.vocabulary import Polarity, ToleranceKind, Unit
from csp_status.importer import write_new_book

__all__ = ["REPORTING_YEAR", "YEARS", "same_as_product", "synthetic_partnership", "write_large_book", "write_synthetic_book"]

YEARS = ("2007/08", "2008/09", "2009/10", "2010/11", "2011/12")
REPORTING_YEAR = YEARS[-1]
CURRENT_QUARTER = 2

_TOPICS = (
    ("Reduction in", "overall crime", Unit.NUMBER),
    ("Fewer", "repeat burglaries", Unit.PERCENT),
    ("Fewer", "new offences committed", Unit.PER_1000),
    ("Increase in", "successful treatment outcomes for drug users", Unit.PERCENT),
    ("Reduction in", "anti-social behaviour incidents", Unit.NUMBER),
    ("Fewer", "violent offences against the person", Unit.PER_1000),
    ("Increase in", "victims satisfied with the police response", Unit.PERCENT),
    ("Reduction in", "first-time entrants to the youth justice system", Unit.NUMBER),
    ("Fewer", "repeat incidents of domestic abuse", Unit.PERCENT),
    ("Reduction in", "alcohol-related hospital admissions", Unit.PER_1000),
)
_AREAS = ("city centre", "north locality", "south locality", "east locality", "west locality",
          "night-time economy", "young people", "older residents")
_COMMENTS = (
    "Figures are provisional until the end of year return.",
    "A reduction on the last quarter, mainly in the city centre.",
    "Data awaited from the hospital trust; the sharing agreement is signed.",
    "The increase follows a change in recording practice in June.",
    "Ahead of target; the partnership will review the target at mid-year.",
    "",
    "",
)


def synthetic_partnership(indicators: int, *, seed: int = 1, name: str | None = None) -> Partnership:
    """A partnership of ``indicators`` indicators over five years of quarters (deterministic)."""
    rng = random.Random(seed)
    settings = Settings(partnership=name if name is not None else f"Synthetic CSP {seed}",
                        reporting_year=REPORTING_YEAR, current_quarter=CURRENT_QUARTER,
                        population=float(rng.randrange(150_000, 450_000, 1000)))
    inds: list[Indicator] = []
    records: dict[tuple[str, str], YearRecord] = {}
    for n in range(1, indicators + 1):
        opening, topic, unit = _TOPICS[(n - 1) % len(_TOPICS)]
        area = _AREAS[rng.randrange(len(_AREAS))]
        ref = f"SYN PM{n}"
        higher = opening.startswith("Increase")
        ind = Indicator(ref=ref, description=f"{opening} {topic} ({area})",
                        polarity=Polarity.HIGHER_IS_BETTER if higher else Polarity.LOWER_IS_BETTER,
                        unit=unit)
        if n % 17 == 0:
            ind.tolerance, ind.tolerance_kind = 0.005, ToleranceKind.POINTS
        if n % 23 == 0:
            ind.polarity = None  # read from the wording
        inds.append(ind)
        for year, record in _records(rng, ref, unit, higher).items():
            records[(ref, year)] = record
    return Partnership(settings, inds, records)


def _records(rng: random.Random, ref: str, unit: Unit, higher: bool) -> dict[str, YearRecord]:
    level = {Unit.PERCENT: rng.uniform(0.05, 0.6), Unit.NUMBER: rng.randrange(200, 20_000),
             Unit.PER_1000: rng.uniform(5, 80)}[unit]
    drift = rng.uniform(-0.04, 0.04)
    kind = rng.random()
    out: dict[str, YearRecord] = {}
    for k, year in enumerate(YEARS):
        record = YearRecord(ref, year)
        quarters = []
        for q in range(4):
            level *= 1 + drift / 4 + rng.uniform(-0.03, 0.03)
            if unit is Unit.PERCENT:
                level = min(level, 0.97)
            quarters.append(level)
        reporting = year == REPORTING_YEAR
        shown = quarters[:CURRENT_QUARTER] if reporting else quarters
        record.quarters = [_messy(rng, unit, v) for v in shown] + [None] * (4 - len(shown))
        if kind < 0.06 and reporting:
            record.quarters[CURRENT_QUARTER - 1] = rng.choice(("Awaited", "awaited", "Not yet available"))
        elif kind < 0.08 and reporting:
            record.quarters[CURRENT_QUARTER - 1] = rng.choice(("(-7.75%)", "12..5", "see note", "62/124"))
        if not reporting:
            record.outturn = _messy(rng, unit, quarters[-1]) if k > 0 or kind > 0.3 else "n/a"
        if k >= len(YEARS) - 2:
            record.target = _target(rng, unit, quarters[-1], higher, kind)
        record.commentary = [rng.choice(_COMMENTS) if q < len(shown) else "" for q in range(4)]
        out[year] = record
    return out


def _messy(rng: random.Random, unit: Unit, value: float) -> object:
    """A figure as an officer types it."""
    roll = rng.random()
    if unit is Unit.PERCENT:
        if roll < 0.35:
            den = rng.randrange(80, 2_000)
            num = min(round(value * den), den)
            return f"{round(num / den * 100)}% ({num:,}/{den:,})"
        if roll < 0.45:
            return round(value, 4)  # a spreadsheet number in a percentage row
        return f"{value * 100:.{rng.choice((1, 2))}f}%"
    if unit is Unit.NUMBER:
        whole = round(value)
        if roll < 0.6:
            return f"{whole:,}"
        if roll < 0.8:
            return float(whole)
        return str(whole)
    if roll < 0.7:
        return f"{value:.1f} per 1,000 residents"
    return f"{value:.1f} per 1,000"


def _target(rng: random.Random, unit: Unit, base: float, higher: bool, kind: float) -> object:
    if kind > 0.9:
        return rng.choice(("TBC", "Targets TBC from NTA", "Baseline year", "TBA"))
    cut = rng.choice((0.015, 0.03, 0.05))
    goal = base * (1 + cut if higher else 1 - cut)
    roll = rng.random()
    if unit is Unit.PERCENT:
        if roll < 0.4:
            return f"{goal * 100:.1f}% ({cut * 100:g}%)"
        if roll < 0.55:
            return f"({goal * 100:.1f}% {cut * 100:g}%)"
        return f"{goal * 100:.2f}%"
    if unit is Unit.NUMBER:
        return f"{round(goal):,}" if roll < 0.5 else round(goal)
    return f"{goal:.1f} per 1,000 residents (-{cut * 100:g}%)"


def write_synthetic_book(path: Path, indicators: int, *, seed: int = 1, name: str | None = None) -> Path:
    """Write a synthetic master workbook, refreshed as officers receive it (``importer.write_new_book``)."""
    path = Path(path)
    write_new_book(synthetic_partnership(indicators, seed=seed, name=name), path, overwrite=True)
    return path


def write_large_book(path: Path, indicators: int, *, seed: int = 1, name: str | None = None) -> Path:
    """The book ``write_synthetic_book`` writes, byte for byte, in time linear in the indicators.

    ``importer.write_new_book`` finds each indicator's years by scanning every record (the Data
    sheet in ``book_write._data_sheet``), which is quadratic: a 50,000-indicator book would take
    hours.  Here the product's own writers make every part (``book_parts`` on the partnership with
    no records, and the Data sheet by ``_data_sheet`` one indicator at a time, each row's formulas
    then numbered for its row by ``data_formulas``); the product's refresh (``regenerate``) then
    fills the Summary, the Data sheet's shown values and the Trends sheet, as ``write_new_book``
    does.  ``same_as_product`` checks that both routes write the same bytes.
    """
    from csp_status.build.assemble import ribbon_xml, vba_project_bin
    from csp_status.refresh import regenerate
    from csp_status.workbook import book_write
    from csp_status.workbook.cells import Formula
    from csp_status.workbook.layout import (
        DATA,
        DATA_FORMULA_HEADERS,
        SHEET_NUMBERS,
        Style,
        data_formulas,
    )
    from csp_status.workbook.zip_write import zip_bytes

    path = Path(path)
    book = synthetic_partnership(indicators, seed=seed, name=name)
    by_ref: dict[str, dict[tuple[str, str], YearRecord]] = {}
    for key, record in book.records.items():
        by_ref.setdefault(key[0], {})[key] = record
    spec = book_write._data_sheet(Partnership(book.settings, [], {}))  # the headers, widths and folds
    inputs = len(spec.rows[0]) - len(DATA_FORMULA_HEADERS)
    for ind in book.indicators:
        for row in book_write._data_sheet(Partnership(book.settings, [ind], by_ref.get(ind.ref, {}))).rows[1:]:
            formulas = data_formulas(len(spec.rows) + 1)
            spec.rows.append(row[:inputs] + [(Formula(formulas[h], ""), Style.CALCULATED)
                                             for h in DATA_FORMULA_HEADERS])
    parts = book_write.book_parts(Partnership(book.settings, book.indicators, {}, book.layout),
                                  vba_project=vba_project_bin(), ribbon=ribbon_xml())
    parts[f"xl/worksheets/sheet{SHEET_NUMBERS[DATA]}.xml"] = book_write.sheet_xml(spec)
    data = regenerate(path, zip_bytes(parts))[0]
    path.write_bytes(data)
    return path


def same_as_product(folder: Path, indicators: int = 60, *, seed: int = 7) -> None:
    """Refuse (SystemExit) if ``write_large_book`` does not write the bytes ``write_synthetic_book`` writes."""
    folder = Path(folder)
    ours = write_large_book(folder / "large_route.xlsm", indicators, seed=seed).read_bytes()
    theirs = write_synthetic_book(folder / "product_route.xlsm", indicators, seed=seed).read_bytes()
    if ours != theirs:
        raise SystemExit(f"bench/synth.py: write_large_book does not write the bytes write_new_book writes "
                         f"({indicators} indicators, seed {seed})")
