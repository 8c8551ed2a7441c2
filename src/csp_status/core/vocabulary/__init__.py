"""Every closed word list of CSP Status, in one place: statuses, polarities, units, trend bases,
tolerance kinds and placeholders, with the words officers may type for each.

The parser, the Indicators sheet's drop-down lists, the Data sheet's formula literals and the help
texts are all fed from here, so that a word accepted in one place is accepted everywhere.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cached_property

from csp_status.core.errors import CellError
from csp_status.core.vocabulary.words import Word

__all__ = [
    "Status", "Polarity", "ToleranceKind", "Trend", "TrendBasis", "Unit", "Placeholder", "Bound", "Direction",
    "DEFAULT_TOLERANCE", "UNIT_WORDS", "POLARITY_CHOICE", "CHOOSE_POLARITY", "PLACEHOLDER_PATTERNS", "PLACEHOLDER_PHRASES", "same_kind",
    "parse_polarity", "parse_tolerance_kind", "parse_trend_basis", "parse_unit_word",
    "RAG_WORDS", "TREND_WORDS", "parse_rag_word", "parse_trend_word",
]

DEFAULT_TOLERANCE = 0.05  # Safer Derbyshire: amber when missed by no more than 5% of the target


class Status(Word):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"
    NO_TARGET = "NO TARGET"
    AWAITED = "AWAITED"
    CHECK = "CHECK"


class Polarity(Word):
    LOWER_IS_BETTER = "Lower is better"
    HIGHER_IS_BETTER = "Higher is better"

    @cached_property  # a member's constant: worked out once, then an attribute
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better."""
        return 1 if self is Polarity.HIGHER_IS_BETTER else -1


# what an officer is asked to choose where a polarity cannot be read or is not set
POLARITY_CHOICE = f"'{Polarity.LOWER_IS_BETTER.value}' or '{Polarity.HIGHER_IS_BETTER.value}'"
CHOOSE_POLARITY = f"choose {POLARITY_CHOICE} in Indicators"

class ToleranceKind(Word):
    RELATIVE = "relative"  # a fraction of the target: 0.05 is 5% of the target
    POINTS = "points"  # an absolute margin in the indicator's units: 0.005 is 0.5 percentage points


# looked up once: on Python 3.11 reading a member off its class (ToleranceKind.RELATIVE) goes through the
# enum metaclass's attribute hook, a tenth of a microsecond each, which the one-cell judgement pays often
_RELATIVE = ToleranceKind.RELATIVE


class Trend(Word):
    IMPROVING = "IMPROVING"
    WORSENING = "WORSENING"
    NO_CHANGE = "NO CHANGE"

    @cached_property  # a member's constant: worked out once, then an attribute
    def arrow(self) -> str:
        return {"IMPROVING": "↑", "WORSENING": "↓", "NO CHANGE": "→"}[self.value]


class TrendBasis(Word):
    PREVIOUS_PERIOD = "previous period"
    SAME_QUARTER_LAST_YEAR = "same quarter last year"


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
        raise CellError(str(text or ""), f"a polarity: {POLARITY_CHOICE}") from None
    if type(text) is str and len(_POLARITY_SEEN) < 256:
        _POLARITY_SEEN[text] = polarity
    return polarity


_POLARITY_SEEN: dict[str, Polarity] = {}


def parse_tolerance_kind(text: object) -> ToleranceKind:
    """'relative' (the default, also for blank) or 'points' ('pp', 'percentage points')."""
    if text is None:
        return _RELATIVE
    if isinstance(text, ToleranceKind):
        return text
    key = " ".join(str(text).split()).lower()
    if key in ("", "relative", "rel", "%", "percent of target"):
        return ToleranceKind.RELATIVE
    if key in ("points", "point", "pp", "pts", "percentage points", "absolute"):
        return ToleranceKind.POINTS
    raise CellError(str(text), "a tolerance kind: 'relative' or 'points'")


class Unit(str, Enum):
    """The unit a value is written in.

    Values are stored in a base unit per kind of quantity: a percentage as a fraction, a duration
    in seconds, money in pounds; ``scale`` converts a stored value to the unit shown.
    """

    NUMBER = "number"
    PERCENT = "percent"
    PER_1000 = "per 1,000"
    PER_100 = "per 100"
    PER_10000 = "per 10,000"
    PER_100000 = "per 100,000"
    SECONDS = "seconds"
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    GBP = "£"

    @cached_property  # a member's constant: worked out once, then an attribute
    def scale(self) -> float:
        """How many display units one stored unit is (percentages are stored as fractions, durations in seconds)."""
        return _UNIT_SCALE.get(self, 1.0)

    @cached_property  # a member's constant: worked out once, then an attribute
    def kind(self) -> str:
        """What the unit measures: units of one kind compare ('8 hours' beside '00:12:34')."""
        return _UNIT_KIND.get(self, self.value)


_UNIT_SCALE = {
    Unit.PERCENT: 100.0, Unit.MINUTES: 1 / 60, Unit.HOURS: 1 / 3600, Unit.DAYS: 1 / 86400,
    Unit.WEEKS: 1 / 604800,
}
_UNIT_KIND = {unit: "duration" for unit in (Unit.SECONDS, Unit.MINUTES, Unit.HOURS, Unit.DAYS, Unit.WEEKS)}
SECONDS_IN = {Unit.SECONDS: 1, Unit.MINUTES: 60, Unit.HOURS: 3600, Unit.DAYS: 86400, Unit.WEEKS: 604800}


def same_kind(a: Unit | None, b: Unit | None) -> bool:
    """Whether two units measure the same thing (any two durations do)."""
    return a is b or (a is not None and b is not None and a.kind == b.kind)


class Bound(Word):
    """A target written as a limit: 'at least 500', 'no more than 30%', '> 75%', '< 5'."""

    AT_LEAST = "at least"
    AT_MOST = "at most"
    MORE_THAN = "more than"
    LESS_THAN = "less than"

    @cached_property  # a member's constant: worked out once, then an attribute
    def higher_is_better(self) -> bool:
        return self in (Bound.AT_LEAST, Bound.MORE_THAN)

    @cached_property  # a member's constant: worked out once, then an attribute
    def strict(self) -> bool:
        """Whether the limit itself misses ('> 75%' is not met at 75%)."""
        return self in (Bound.MORE_THAN, Bound.LESS_THAN)


class Direction(Word):
    """A target written as a direction on the previous year's outturn, with or without a figure."""

    REDUCE = "reduce"
    INCREASE = "increase"
    MAINTAIN = "maintain"
    IMPROVE = "improve"  # better, whichever way better is


class Placeholder(str, Enum):
    """Why a cell holds no value."""

    BLANK = "blank"
    NOT_APPLICABLE = "n/a"
    TO_BE_ANNOUNCED = "TBA"
    TO_BE_CONFIRMED = "TBC"
    BASELINE_YEAR = "Baseline year"
    AWAITED = "Awaited"
    NOT_SET = "not set"  # a target not (yet) set: "To be set", "to be agreed", "no target"
    SUPPRESSED = "suppressed"  # a small number withheld: "Under 5", "5 or under", "*"
    UNREADABLE = "unreadable"

    @property
    def no_figure_yet(self) -> bool:
        """A figure that will come ("Awaited", "TBC"), as against one that never will ("n/a")."""
        return self in (Placeholder.AWAITED, Placeholder.TO_BE_ANNOUNCED, Placeholder.TO_BE_CONFIRMED)


PLACEHOLDER_PATTERNS: tuple[tuple[re.Pattern[str], Placeholder], ...] = tuple(
    (re.compile(pattern, re.ASCII | re.IGNORECASE), kind)
    for pattern, kind in (
        (r"^(?:n/?a|none|not applicable)$", Placeholder.NOT_APPLICABLE),
        (r"^tba\b.*$", Placeholder.TO_BE_ANNOUNCED),
        (r"^(?:targets?\s+)?tbc\b.*$", Placeholder.TO_BE_CONFIRMED),
        (r"^baseline(?:\s+year)?$", Placeholder.BASELINE_YEAR),
        (r"^(?:awaited|not yet available|data awaited|-+)$", Placeholder.AWAITED),  # a lone dash: no figure yet
    )
)

# Wordings of "no figure here", found anywhere in a sentence that holds no figure.  Order matters:
# the first that matches names the reason.
PLACEHOLDER_PHRASES: tuple[tuple[str, Placeholder], ...] = (
    (r"\bsuppressed\b|\bredacted\b|\bwithheld\b|\bsmall numbers?\b|^\*$|^~$", Placeholder.SUPPRESSED),
    (r"\bto be (?:set|agreed|determined|deleted|decided|established)\b|\bnot (?:yet )?set\b|\bno targets?\b|"
     r"\bnone set\b|\btbd\b|^monitor(?:ing)?$|\b(?:being )?(?:re)?negotiat|\bunder review\b|\bno longer (?:required|used|reported)\b",
     Placeholder.NOT_SET),
    (r"\btba\b|\bt\.b\.a\b|\bto be announced\b", Placeholder.TO_BE_ANNOUNCED),
    (r"\btbc\b|\bt\.b\.c\b|\bto be confirmed\b", Placeholder.TO_BE_CONFIRMED),
    (r"\bnot (?:yet )?(?:available|published|known|received|reported|released|ready)\b|\bnot yet\b|\bawait|"
     r"\bnya\b|\bn/?k\b|\bpending\b|\bdue (?:in|by|on|from|at|out|for|to|(?:19|20)\d\d|q[1-4])\b|\bto follow\b|\bno (?:new |current )?data\b|"
     r"\bnot (?:yet )?due\b|\bunavailable\b|\bnot available yet\b|\bdata lag\b|\bin progress\b|\bnot provided\b|"
     r"\bno (?:figures?|update|return)\b|\bnot updated\b|\bnot collated\b|\bsuspended\b|\bpaused\b|\bdelayed\b|"
     r"\bpostponed\b|^(?:annual|annually|yearly|annual (?:figure|data) only|year[- ]end(?: only)?|q[1-4] only)$",
     Placeholder.AWAITED),
    (r"\bnot (?:previously )?(?:monitored|measured|collected|recorded|held|applicable|relevant|captured)\b|"
     r"\bnew (?:measure|indicator)\b|\b(?:measure|indicator|definition) (?:amended|changed|deleted|withdrawn|discontinued)\b|"
     r"\bdiscontinued\b|\bn/a\b|\bnot comparable\b", Placeholder.NOT_APPLICABLE),
    (r"\bbaseline (?:year|to be|being)\b|^baseline\b", Placeholder.BASELINE_YEAR),
)

# The Unit column's words (a data-validation list cannot hold the comma of "per 1,000").  The
# drop-down list offers the first three; any unit can be written and read back.
class _UnitWords(dict):
    def __missing__(self, unit: Unit) -> str:
        return unit.value.replace(",", "")


UNIT_WORDS: dict[Unit, str] = _UnitWords({Unit.NUMBER: "number", Unit.PERCENT: "percent", Unit.PER_1000: "per 1000"})
_UNIT_COLUMN_WORDS = {
    "%": Unit.PERCENT, "percentage": Unit.PERCENT, "proportion": Unit.PERCENT, "rate": Unit.PERCENT,
    "count": Unit.NUMBER, "numbers": Unit.NUMBER,
    "per thousand": Unit.PER_1000, "per 10 000": Unit.PER_10000, "per 100 000": Unit.PER_100000,
    "secs": Unit.SECONDS, "mins": Unit.MINUTES, "hrs": Unit.HOURS, "pounds": Unit.GBP, "gbp": Unit.GBP,
    "money": Unit.GBP,
}


def parse_unit_word(text: object) -> Unit | None:
    """'number', 'percent' ('%'), 'per 1000' ('per 1,000'), 'minutes', '£'...; blank is None (the unit is then read from the row)."""
    key = " ".join(str(text if text is not None else "").split()).lower().replace(",", "")
    if not key:
        return None
    for unit in Unit:
        if key in (UNIT_WORDS[unit], unit.value.replace(",", "")):
            return unit
    if key in _UNIT_COLUMN_WORDS:
        return _UNIT_COLUMN_WORDS[key]
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


# ---- polarity: which way is better, from the words of a description ------------------------------
# Tiers, read in this order; the first tier with a word decides (verbs first, then the nouns).


# A partnership's own RAG column, as officers type it: a letter or a colour word.
RAG_WORDS = {
    "r": Status.RED, "red": Status.RED,
    "a": Status.AMBER, "amber": Status.AMBER, "a/r": Status.AMBER, "r/a": Status.AMBER, "y": Status.AMBER,
    "yellow": Status.AMBER,
    "g": Status.GREEN, "green": Status.GREEN, "a/g": Status.GREEN, "g/a": Status.GREEN,
    "on track": Status.GREEN, "off track": Status.RED, "achieved": Status.GREEN, "not achieved": Status.RED,
    "on target": Status.GREEN, "off target": Status.RED, "met": Status.GREEN, "not met": Status.RED,
    "exceeded": Status.GREEN, "r/g": Status.AMBER, "at risk": Status.AMBER, "slightly missed": Status.AMBER,
}

# A direction-of-travel column: the product's own arrows (Trend.arrow), others officers paste, and words.
TREND_WORDS = {
    **{trend.arrow: trend for trend in Trend},
    "\u25b2": Trend.IMPROVING, "\u2197": Trend.IMPROVING, "\u21e7": Trend.IMPROVING, "\u2b06": Trend.IMPROVING,
    "\u25bc": Trend.WORSENING, "\u2198": Trend.WORSENING, "\u21e9": Trend.WORSENING, "\u2b07": Trend.WORSENING,
    "\u2194": Trend.NO_CHANGE, "\u25ba": Trend.NO_CHANGE, "\u27a1": Trend.NO_CHANGE, "=": Trend.NO_CHANGE,
    "improving": Trend.IMPROVING, "improved": Trend.IMPROVING, "better": Trend.IMPROVING,
    "worsening": Trend.WORSENING, "worse": Trend.WORSENING, "declined": Trend.WORSENING,
    "deteriorating": Trend.WORSENING, "declining": Trend.WORSENING, "deteriorated": Trend.WORSENING,
    "getting worse": Trend.WORSENING, "getting better": Trend.IMPROVING, "improvement": Trend.IMPROVING,
    "no change": Trend.NO_CHANGE, "stable": Trend.NO_CHANGE, "same": Trend.NO_CHANGE,
    "sustained": Trend.NO_CHANGE, "unchanged": Trend.NO_CHANGE,
}


def _word_key(text: object) -> str:
    return " ".join(str(text if text is not None else "").split()).casefold()


def parse_rag_word(text: object) -> Status | None:
    """'R', 'Amber', 'G' (any case) as the status it names; anything else is None."""
    return RAG_WORDS.get(_word_key(text))


def parse_trend_word(text: object) -> Trend | None:
    """An arrow ('\u2191', '\u25bc') or a word ('Improving', 'stable') as the trend it names; anything else None."""
    return TREND_WORDS.get(_word_key(text))
