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
    "Status", "Polarity", "ToleranceKind", "Trend", "TrendBasis", "Unit", "Placeholder", "Bound", "Direction",
    "DEFAULT_TOLERANCE", "UNIT_WORDS", "PLACEHOLDER_PATTERNS", "PLACEHOLDER_PHRASES", "same_kind",
    "parse_polarity", "polarity_from_wording", "parse_tolerance_kind", "parse_trend_basis", "parse_unit_word",
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
    """The polarity an indicator's wording implies ("Fewer…", "… reducing the fear of crime", "Burglaries").

    Read from the whole sentence (core.grammar.polarity); None when the wording does not say.
    """
    from csp_status.core.grammar.polarity import read_polarity

    return read_polarity(description).polarity


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

    @property
    def scale(self) -> float:
        """How many display units one stored unit is (percentages are stored as fractions, durations in seconds)."""
        return _UNIT_SCALE.get(self, 1.0)

    @property
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


class Bound(str, Enum):
    """A target written as a limit: 'at least 500', 'no more than 30%', '> 75%', '< 5'."""

    AT_LEAST = "at least"
    AT_MOST = "at most"
    MORE_THAN = "more than"
    LESS_THAN = "less than"

    def __str__(self) -> str:
        return self.value

    @property
    def higher_is_better(self) -> bool:
        return self in (Bound.AT_LEAST, Bound.MORE_THAN)

    @property
    def strict(self) -> bool:
        """Whether the limit itself misses ('> 75%' is not met at 75%)."""
        return self in (Bound.MORE_THAN, Bound.LESS_THAN)


class Direction(str, Enum):
    """A target written as a direction on the previous year's outturn, with or without a figure."""

    REDUCE = "reduce"
    INCREASE = "increase"
    MAINTAIN = "maintain"
    IMPROVE = "improve"  # better, whichever way better is

    def __str__(self) -> str:
        return self.value


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
     r"\bnone set\b|\b(?:being )?(?:re)?negotiat|\bunder review\b|\bno longer (?:required|used|reported)\b",
     Placeholder.NOT_SET),
    (r"\btba\b|\bto be announced\b", Placeholder.TO_BE_ANNOUNCED),
    (r"\btbc\b|\bto be confirmed\b", Placeholder.TO_BE_CONFIRMED),
    (r"\bnot (?:yet )?(?:available|published|known|received|reported|released|ready)\b|\bnot yet\b|\bawait|"
     r"\bnya\b|\bn/?k\b|\bpending\b|\bdue (?:in|by|on|from|at|out|for|to|(?:19|20)\d\d|q[1-4])\b|\bto follow\b|\bno (?:new |current )?data\b|"
     r"\bnot (?:yet )?due\b|\bunavailable\b|\bnot available yet\b|\bdata lag\b|\bin progress\b|\bnot provided\b|"
     r"\bno (?:figures?|update|return)\b|\bnot updated\b|\bnot collated\b|\bsuspended\b|\bpaused\b|\bdelayed\b|"
     r"\bpostponed\b", Placeholder.AWAITED),
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


# ---- the words of the cell grammar (core/grammar reads them; nothing else defines a word list) ---

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "one hundred": 100,
}
# Fractions in words, read only as a change ("reduce casualties by one third"), never as the figure.
FRACTION_WORDS = {
    "half": 1 / 2, "a half": 1 / 2, "one half": 1 / 2, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
    "a quarter": 1 / 4, "one quarter": 1 / 4, "three quarters": 3 / 4, "a fifth": 1 / 5, "one fifth": 1 / 5,
    "a tenth": 1 / 10, "one tenth": 1 / 10,
}
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
)
PERCENT_WORDS = ("%", "per cent", "percent", "per-cent", "pc")
POINT_WORDS = ("percentage points", "percentage point", "per cent points", "per cent point", "percent points", "percent point", "%pts", "%pt", "% pts", "% pt", "pts", "pp", "ppt")
RATE_BASES = {"100": Unit.PER_100, "1000": Unit.PER_1000, "thousand": Unit.PER_1000,
              "10000": Unit.PER_10000, "100000": Unit.PER_100000}
DURATION_WORDS = {
    "seconds": Unit.SECONDS, "second": Unit.SECONDS, "secs": Unit.SECONDS, "sec": Unit.SECONDS, "s": Unit.SECONDS,
    "minutes": Unit.MINUTES, "minute": Unit.MINUTES, "mins": Unit.MINUTES, "min": Unit.MINUTES,
    "hours": Unit.HOURS, "hour": Unit.HOURS, "hrs": Unit.HOURS, "hr": Unit.HOURS, "h": Unit.HOURS,
    "days": Unit.DAYS, "day": Unit.DAYS, "working days": Unit.DAYS, "calendar days": Unit.DAYS,
    "weeks": Unit.WEEKS, "week": Unit.WEEKS, "wks": Unit.WEEKS,
}
MONEY_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
# Markers beside a figure that do not change it.
PROVISIONAL_WORDS = ("p", "provisional", "prov", "r", "revised", "e", "est", "estimate", "estimated", "unvalidated")
QUALIFIER_PATTERNS = (
    r"\bytd\b", r"\byear[- ]to[- ]date\b", r"\bfinancial year to date\b", r"\bfytd\b", r"\bto date\b",
    r"\brolling(?: \d{1,2}| twelve)?(?:[- ]months?|m)?\b", r"\b\d{1,2} ?(?:months?|m)(?: rolling)?\b(?= to| ending| up to)",
    r"\bq[1-4]\b", r"\bquarter [1-4]\b", r"\bper annum\b", r"\bon average\b", r"\bcumulative\b",
    r"\bprojected\b", r"\bforecast\b", r"\bapprox(?:imately|\.)?\b", r"\baround\b", r"\babout\b", r"\bc\.",
)

# Targets written as limits.  Before the figure, or (the last two) after it.
BOUND_BEFORE = {
    Bound.AT_LEAST: ("at least", "a minimum of", "minimum of", "minimum", "min", "no less than", "not less than",
                     "no fewer than", "not fewer than", "at or above", "equal to or above", "equal to or greater than",
                     ">=", "\u2265", "=>"),
    Bound.AT_MOST: ("at most", "no more than", "not more than", "a maximum of", "maximum of", "maximum", "max",
                    "up to", "at or below", "at or under", "equal to or below", "equal to or less than", "no higher than",
                    "not exceeding", "not to exceed", "not exceed", "capped at", "within", "<=", "\u2264", "=<"),
    Bound.MORE_THAN: ("more than", "greater than", "higher than", "over", "above", "in excess of", "exceeding",
                      "exceed", ">"),
    Bound.LESS_THAN: ("less than", "fewer than", "lower than", "under", "below", "<"),
}
BOUND_AFTER = {
    Bound.AT_LEAST: ("or more", "or above", "or higher", "or greater", "or over", "or better", "+", "plus"),
    Bound.AT_MOST: ("or less", "or lower", "or fewer", "or below", "or under", "or better than"),
}
# Targets written as a direction ("reduce", "maintain"), with or without a figure.
DIRECTION_WORDS = {
    Direction.MAINTAIN: ("maintain", "maintained", "maintaining", "sustain", "sustained", "keep", "kept",
                         "hold", "held", "stable", "no change", "no worse", "at least the same", "same as",
                         "in line with"),
    Direction.REDUCE: ("reduce", "reduced", "reduces", "reducing", "reduction", "reductions", "decrease",
                       "decreased", "decreasing", "cut", "cuts", "lower", "lowered", "fewer", "less", "halve", "halved",
                       "halving", "fall", "fallen", "fell", "falls", "down", "drop", "dropped", "minimise", "minimize",
                       "tackle", "tackling", "prevent", "preventing", "eliminate", "eradicate", "end"),
    Direction.INCREASE: ("increase", "increased", "increases", "increasing", "raise", "raised", "raising", "rise",
                         "rises", "risen", "rose", "up", "grow", "grown", "growth", "more", "higher", "double",
                         "doubled", "doubling", "greater", "maximise", "maximize", "boost", "expand", "extend",
                         "encourage", "promote", "enhance", "strengthen", "build"),
    Direction.IMPROVE: ("improve", "improved", "improves", "improving", "improvement", "improvements", "better"),
}
HALVING_WORDS = {"halve": 0.5, "halved": 0.5, "halving": 0.5, "double": -1.0, "doubled": -1.0, "doubling": -1.0}
NEGATIONS = ("not", "no", "never", "without", "nor", "avoid", "prevent", "preventing", "stop", "stopping", "zero")
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
POLARITY_VERBS = {
    Polarity.LOWER_IS_BETTER: ("reduce", "reduced", "reduces", "reducing", "reduction", "reductions",
                               "decrease", "decreased", "decreasing", "fewer", "less", "lower", "lowering",
                               "cut", "cutting", "minimise", "minimising", "minimize", "tackle", "tackling",
                               "prevent", "preventing", "prevention of", "fall in", "halve", "halving", "eliminate",
                               "eradicate", "end", "stop", "combat", "combating"),
    Polarity.HIGHER_IS_BETTER: ("increase", "increased", "increases", "increasing", "improve", "improved",
                                "improves", "improving", "improvement", "improvements", "more", "higher", "raise",
                                "raising", "maximise", "maximising", "maximize", "greater", "grow", "growing",
                                "boost", "boosting", "rise in", "encourage", "encouraging", "promote", "promoting",
                                "enhance", "strengthen", "dealing with", "deal with", "support more"),
}
# Comparisons that use a verb's word but are not a verb ("waiting more than 10 minutes").
POLARITY_NOT_VERBS = ("more than", "less than", "fewer than", "lower than", "higher than", "greater than",
                      "longer than", "no more", "no less", "lower super output", "lower tier", "lower layer",
                      "up to", "end of", "ending", "stop and search", "stop search", "more or less")
# Nouns whose size is the measure, plainly bad to have more of, that outweigh any good word beside them.
POLARITY_BAD_FIRST = ("lost", "loss", "losses", "difference", "gap", "disparity", "inequality", "unsafe",
                      "waiting longer", "wait longer", "waiting more", "longer than", "average time", "time taken",
                      "time from", "response time", "response times", "processing time", "delay", "delays",
                      "backlog", "unanswered", "abandoned", "non-compliance", "noncompliance", "out of work",
                      "wait time", "wait times", "waiting time", "waiting times", "average wait", "average waiting",
                      "time to answer", "time to respond", "length of time", "time taken to", "days taken",
                      "temporary accommodation", "rough sleepers", "rough sleeping", "homeless", "homelessness",
                      "empty")
# Measures where more may be good or bad (under-reported or police-generated): the wording does not say.
POLARITY_UNCLEAR = ("hate", "racially", "religiously", "drug offences", "drugs offences", "possession of",
                    "arrests", "stop and search", "stop search", "marac", "referrals",
                    "disposals", "complaints", "cases heard", "weapons possession", "attended",
                    "demand", "calls received", "calls for service", "domestic abuse", "domestic violence",
                    "sexual offences", "rape")
POLARITY_NOUNS = {
    Polarity.HIGHER_IS_BETTER: ("satisfied", "satisfaction", "confidence", "confident", "feel safe", "feeling safe",
                                "feels safe", "felt safe", "safe and well", "availability", "available", "successful",
                                "successfully", "success", "completed", "completion", "completing", "detection",
                                "detections", "detected", "solved", "brought to justice", "conviction rate",
                                "answered", "intercepted", "independent", "independently", "income", "right first time",
                                "registrations", "qualified", "supported", "support", "no further", "no repeat",
                                "positive outcome", "positive outcomes", "good", "excellent", "achieving", "achieved",
                                "resolved", "recovered", "recovery", "engagement", "participation", "uptake", "take-up",
                                "employment", "on time", "met", "removed", "delivered", "trained", "vaccinated",
                                "training", "informed", "influence", "agree", "trust", "cohesion", "belonging",
                                "treated fairly", "collection rate", "collected", "collection", "footfall", "visits",
                                "visitors", "inspections", "inspected", "audits", "checks", "conducted", "attendance at school"),
    Polarity.LOWER_IS_BETTER: ("crime", "crimes", "offence", "offences", "offending", "offender", "offenders",
                               "reoffending", "re-offending", "reoffend", "re-offend", "burglary", "burglaries",
                               "robbery", "robberies", "theft", "thefts", "assault", "assaults", "violence", "violent",
                               "fire", "fires", "arson", "death", "deaths", "fatalities", "fatality", "fatal",
                               "casualties", "casualty", "injury", "injuries", "injured", "killed", "victimisation",
                               "victimization", "asb", "anti-social", "antisocial", "nuisance", "disorder", "damage",
                               "vandalism", "graffiti", "fly-tipping", "deliberate", "absence", "sickness", "fear",
                               "unemployment", "unemployed", "neet", "exclusions", "first-time entrants",
                               "first time entrants", "truancy", "homelessness", "rough sleeping", "overdose",
                               "overdoses", "admissions", "unwanted fire signals", "false alarm", "expenditure",
                               "cost", "costs", "custodial", "custody", "remand", "remands", "secure facilities",
                               "secure accommodation", "convictions", "exploitation", "harassment", "abuse",
                               "knife", "shoplifting", "speeding", "collisions", "drink driving",
                               "accidents", "accident", "collision", "killed or seriously injured"),
}
# "repeat" is bad when it names a repeated thing ("repeat victims", "repeat incidents"), not "repeats" alone.
POLARITY_REPEAT = r"\brepeat(?:ed)?[ -]+[a-z]"
