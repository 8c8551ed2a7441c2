"""Every closed word list of CSP Status, in one place: statuses, polarities, units, trend bases,
tolerance kinds and placeholders, with the words officers may type for each.

The parser, the Indicators sheet's drop-down lists, the Data sheet's formula literals and the help
texts are all fed from here, so that a word accepted in one place is accepted everywhere.
"""

from __future__ import annotations

import re
from enum import Enum

from csp_status.core.errors import CellError

__all__ = [
    "Status", "Polarity", "ToleranceKind", "Trend", "TrendBasis", "Unit", "Placeholder",
    "DEFAULT_TOLERANCE", "UNIT_WORDS", "PLACEHOLDER_PATTERNS",
    "parse_polarity", "polarity_from_wording", "parse_tolerance_kind", "parse_trend_basis", "parse_unit_word",
    "RAG_WORDS", "DIRECTION_WORDS", "COMPARISON_SIGNS", "parse_rag_word", "parse_direction_word",
]

DEFAULT_TOLERANCE = 0.05  # Safer Derbyshire: amber when missed by no more than 5% of the target


class Status(str, Enum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"
    NO_TARGET = "NO TARGET"
    AWAITED = "AWAITED"
    CHECK = "CHECK"

    def __str__(self) -> str:
        return self.value


class Polarity(str, Enum):
    LOWER_IS_BETTER = "Lower is better"
    HIGHER_IS_BETTER = "Higher is better"

    def __str__(self) -> str:
        return self.value

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better."""
        return 1 if self is Polarity.HIGHER_IS_BETTER else -1


class ToleranceKind(str, Enum):
    RELATIVE = "relative"  # a fraction of the target: 0.05 is 5% of the target
    POINTS = "points"  # an absolute margin in the indicator's units: 0.005 is 0.5 percentage points

    def __str__(self) -> str:
        return self.value


class Trend(str, Enum):
    IMPROVING = "IMPROVING"
    WORSENING = "WORSENING"
    NO_CHANGE = "NO CHANGE"

    def __str__(self) -> str:
        return self.value

    @property
    def arrow(self) -> str:
        return {"IMPROVING": "↑", "WORSENING": "↓", "NO CHANGE": "→"}[self.value]


class TrendBasis(str, Enum):
    PREVIOUS_PERIOD = "previous period"
    SAME_QUARTER_LAST_YEAR = "same quarter last year"

    def __str__(self) -> str:
        return self.value


_POLARITY_WORDS = {
    "lower": Polarity.LOWER_IS_BETTER,
    "low": Polarity.LOWER_IS_BETTER,
    "lower is better": Polarity.LOWER_IS_BETTER,
    "down": Polarity.LOWER_IS_BETTER,
    "higher": Polarity.HIGHER_IS_BETTER,
    "high": Polarity.HIGHER_IS_BETTER,
    "higher is better": Polarity.HIGHER_IS_BETTER,
    "up": Polarity.HIGHER_IS_BETTER,
}
_LOWER_OPENINGS = ("reduc", "fewer", "less", "lower", "decreas", "minimi", "cut")
_HIGHER_OPENINGS = ("increas", "more", "higher", "improv", "rais", "maximi", "greater")


def parse_polarity(text: object) -> Polarity:
    """'lower'/'higher', 'Lower is better'/'Higher is better', 'low'/'high' (any case)."""
    if isinstance(text, Polarity):
        return text
    if type(text) is str and text in _POLARITY_SEEN:
        return _POLARITY_SEEN[text]  # the same few words, in every row of a column
    key = " ".join(str(text if text is not None else "").split()).lower()
    try:
        polarity = _POLARITY_WORDS[key]
    except KeyError:
        raise CellError(str(text or ""), "a polarity: 'Lower is better' or 'Higher is better'") from None
    if type(text) is str and len(_POLARITY_SEEN) < 256:
        _POLARITY_SEEN[text] = polarity
    return polarity


_POLARITY_SEEN: dict[str, Polarity] = {}


def polarity_from_wording(description: str) -> Polarity | None:
    """The polarity an indicator's wording implies ("Fewer…", "Reduction in…", "Increase in…")."""
    first = description.strip().lower().split(" ", 1)[0] if description.strip() else ""
    if first.startswith(_LOWER_OPENINGS):
        return Polarity.LOWER_IS_BETTER
    if first.startswith(_HIGHER_OPENINGS):
        return Polarity.HIGHER_IS_BETTER
    return None


def parse_tolerance_kind(text: object) -> ToleranceKind:
    """'relative' (the default, also for blank) or 'points' ('pp', 'percentage points')."""
    if text is None:
        return ToleranceKind.RELATIVE
    if isinstance(text, ToleranceKind):
        return text
    key = " ".join(str(text).split()).lower()
    if key in ("", "relative", "rel", "%", "percent of target"):
        return ToleranceKind.RELATIVE
    if key in ("points", "point", "pp", "pts", "percentage points", "absolute"):
        return ToleranceKind.POINTS
    raise CellError(str(text), "a tolerance kind: 'relative' or 'points'")


class Unit(str, Enum):
    """The unit a value is written in."""

    NUMBER = "number"
    PERCENT = "percent"
    PER_1000 = "per 1,000"

    @property
    def scale(self) -> float:
        """How many display units one stored unit is (percentages are stored as fractions)."""
        return 100.0 if self is Unit.PERCENT else 1.0


class Placeholder(str, Enum):
    """Why a cell holds no value."""

    BLANK = "blank"
    NOT_APPLICABLE = "n/a"
    TO_BE_ANNOUNCED = "TBA"
    TO_BE_CONFIRMED = "TBC"
    BASELINE_YEAR = "Baseline year"
    AWAITED = "Awaited"
    UNREADABLE = "unreadable"

PLACEHOLDER_PATTERNS: tuple[tuple[re.Pattern[str], Placeholder], ...] = tuple(
    (re.compile(pattern, re.ASCII | re.IGNORECASE), kind)
    for pattern, kind in (
        (r"^(?:n/?a|none|not applicable|-)$", Placeholder.NOT_APPLICABLE),
        (r"^tba\b.*$", Placeholder.TO_BE_ANNOUNCED),
        (r"^(?:targets?\s+)?tbc\b.*$", Placeholder.TO_BE_CONFIRMED),
        (r"^baseline(?:\s+year)?$", Placeholder.BASELINE_YEAR),
        (r"^(?:awaited|not yet available|data awaited)$", Placeholder.AWAITED),
    )
)

# The Unit column's words (a data-validation list cannot hold the comma of "per 1,000").
UNIT_WORDS = {Unit.NUMBER: "number", Unit.PERCENT: "percent", Unit.PER_1000: "per 1000"}


def parse_unit_word(text: object) -> Unit | None:
    """'number', 'percent' ('%'), 'per 1000' ('per 1,000'); blank is None (the unit is then read from the row)."""
    key = " ".join(str(text if text is not None else "").split()).lower().replace(",", "")
    if not key:
        return None
    for unit, word in UNIT_WORDS.items():
        if key in (word, unit.value.replace(",", "")):
            return unit
    if key in ("%", "percentage", "proportion", "rate"):
        return Unit.PERCENT
    if key in ("count", "numbers"):
        return Unit.NUMBER
    raise CellError(str(text), "a unit: 'number', 'percent' or 'per 1000'")


def parse_trend_basis(cell: object) -> TrendBasis:
    key = " ".join(str(cell).split()).lower()
    for basis in TrendBasis:
        if key == basis.value:
            return basis
    if key in ("previous", "previous quarter", ""):
        return TrendBasis.PREVIOUS_PERIOD
    if key in ("same quarter", "last year"):
        return TrendBasis.SAME_QUARTER_LAST_YEAR
    raise CellError(str(cell), "a trend basis: 'previous period' or 'same quarter last year'")


# A partnership's own RAG column, as officers type it: a letter or a colour word.
RAG_WORDS = {
    "r": Status.RED, "red": Status.RED,
    "a": Status.AMBER, "amber": Status.AMBER, "a/r": Status.AMBER, "r/a": Status.AMBER, "y": Status.AMBER,
    "yellow": Status.AMBER,
    "g": Status.GREEN, "green": Status.GREEN, "a/g": Status.GREEN, "g/a": Status.GREEN,
    "on track": Status.GREEN, "off track": Status.RED, "achieved": Status.GREEN, "not achieved": Status.RED,
}

# A direction-of-travel column: arrows (the product's own, from Trend.arrow, and others officers paste) and words.
DIRECTION_WORDS = {
    **{trend.arrow: trend for trend in Trend},
    "\u2191": Trend.IMPROVING, "\u25b2": Trend.IMPROVING, "\u2197": Trend.IMPROVING, "\u21e7": Trend.IMPROVING,
    "\u2193": Trend.WORSENING, "\u25bc": Trend.WORSENING, "\u2198": Trend.WORSENING, "\u21e9": Trend.WORSENING,
    "\u2192": Trend.NO_CHANGE, "\u2194": Trend.NO_CHANGE, "\u25ba": Trend.NO_CHANGE, "=": Trend.NO_CHANGE,
    "improving": Trend.IMPROVING, "improved": Trend.IMPROVING, "better": Trend.IMPROVING,
    "worsening": Trend.WORSENING, "worse": Trend.WORSENING, "declined": Trend.WORSENING,
    "deteriorating": Trend.WORSENING,
    "no change": Trend.NO_CHANGE, "stable": Trend.NO_CHANGE, "same": Trend.NO_CHANGE,
    "sustained": Trend.NO_CHANGE, "unchanged": Trend.NO_CHANGE,
}

# A target written with its own comparison sign ("\u2264 3.1", ">= 55%") says which way is better.
COMPARISON_SIGNS = {
    "\u2264": Polarity.LOWER_IS_BETTER, "<=": Polarity.LOWER_IS_BETTER, "<": Polarity.LOWER_IS_BETTER,
    "\u2265": Polarity.HIGHER_IS_BETTER, ">=": Polarity.HIGHER_IS_BETTER, ">": Polarity.HIGHER_IS_BETTER,
}


def _word_key(text: object) -> str:
    return " ".join(str(text if text is not None else "").split()).casefold()


def parse_rag_word(text: object) -> Status | None:
    """'R', 'Amber', 'G' (any case) as the status it names; anything else is None."""
    return RAG_WORDS.get(_word_key(text))


def parse_direction_word(text: object) -> Trend | None:
    """An arrow ('\u2191', '\u25bc') or a word ('Improving', 'stable') as the trend it names; anything else is None."""
    return DIRECTION_WORDS.get(_word_key(text))
