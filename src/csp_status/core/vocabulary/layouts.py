"""The words of layout recognition: the roles a column of a partnership's summary can play, the
header words (with their synonyms) that name each role, how periods are written, and where a row's
ref comes from.

``workbook.recognise`` reads them; month names are the cell grammar's (:mod:`.cells`); RAG letters,
arrows, placeholders and units are the product's own (the package itself).
"""

from __future__ import annotations

from csp_status.core.vocabulary.cells import MONTHS as _MONTH_NAMES
from csp_status.core.vocabulary.words import Word

__all__ = [
    "CURRENT_WORDS",
    "FIGURE_ROLES",
    "MEASURE_ROLES",
    "MONTHS",
    "ROLE_PHRASES",
    "SECTION_OPENINGS",
    "PeriodKind",
    "RefSource",
    "Role",
]


class PeriodKind(Word):
    """How a column's period is written."""

    QUARTER = "quarter"
    MONTHS = "months"
    MONTH = "month"
    YEAR = "year"
    YEAR_TO_DATE = "year to date"
    ROLLING = "rolling"
    DATE = "date"


class RefSource(Word):
    """Where each row's ref comes from."""

    COLUMN = "ref column"
    DESCRIPTION_START = "start of the description"
    DESCRIPTION = "description"
    ROW_NUMBER = "row number"


class Role(Word):
    """What one column of a partnership's summary holds."""

    REF = "ref"
    DESCRIPTION = "description"
    POLARITY = "polarity"
    UNIT = "unit"
    BASELINE = "baseline"
    PREVIOUS = "previous"
    COMPARATOR = "comparator"
    TARGET = "target"
    VALUE = "value"
    SAME_PERIOD_LAST_YEAR = "same_period_last_year"
    CHANGE_VOLUME = "change_volume"
    CHANGE_PERCENT = "change_percent"
    OWN_RAG = "own_rag"
    DIRECTION = "direction"
    RANK = "rank"
    OWNER = "owner"
    COMMENTARY = "commentary"
    OTHER = "other"


# Columns that hold an indicator's figures (what makes a grid a performance table).
MEASURE_ROLES = frozenset({Role.BASELINE, Role.PREVIOUS, Role.COMPARATOR, Role.TARGET, Role.VALUE,
                           Role.SAME_PERIOD_LAST_YEAR, Role.CHANGE_VOLUME, Role.CHANGE_PERCENT})
FIGURE_ROLES = MEASURE_ROLES | {Role.RANK}

# Header words per role, as phrases over lower-case words; the longest phrase found wins, so
# "performance indicator" is a description although "performance" alone is a value.
ROLE_PHRASES: dict[Role, tuple[str, ...]] = {
    Role.REF: ("ref", "ref no", "reference", "ref number", "indicator ref", "pi ref", "kpi ref", "code",
               "indicator code", "id", "no", "indicator no", "indicator number", "pi", "kpi", "#", "ni"),
    Role.DESCRIPTION: ("description", "indicator", "indicators", "performance indicator", "measure", "measures",
                       "performance measure", "performance measures", "indicator description", "measure description",
                       "crime type", "crime category", "offence type", "offence group", "crime", "offence",
                       "offences", "category", "title", "name", "area", "district", "kpi description",
                       "indicator name", "measure name", "outcome measure", "recorded crime", "objective measure",
                       "key performance indicator", "metric", "metrics"),
    Role.POLARITY: ("polarity", "good is", "good performance is", "higher or lower", "high or low",
                    "higher is better", "lower is better", "direction of good", "aim to", "better if"),
    Role.UNIT: ("unit", "units", "unit of measure", "measure type", "type of measure", "format"),
    Role.BASELINE: ("baseline", "baselines", "base year", "base line", "previous years", "historic", "history",
                    "baseline information", "previous year outturn", "last year outturn", "base period"),
    Role.PREVIOUS: ("previous", "previous quarter", "last quarter", "previous period", "prior period",
                    "last period", "previous month", "last month", "prior quarter"),
    Role.COMPARATOR: ("comparator", "comparators", "benchmark", "benchmarks", "national", "national average",
                      "england average", "regional", "regional average", "family average", "peer", "peer group",
                      "msg average", "average", "distance from average", "most similar group average",
                      "ratio", "england", "national rate", "comparison", "benchmarking"),
    Role.TARGET: ("target", "targets", "aim", "aims", "standard", "performance standard", "goal", "goals",
                  "trajectory", "ambition", "threshold", "year end target", "annual target",
                  "target trajectory", "expected", "planned"),
    Role.VALUE: ("value", "values", "performance", "result", "results", "figure", "figures", "current",
                 "latest", "volume", "rate",
                 "count", "number", "total", "actual performance", "current performance", "latest data",
                 "outturn to date", "position", "crimes", "offences recorded", "current figure", "score",
                 "percentage", "%", "rate per 1000", "per 1000", "per 100000", "actual", "actuals", "outturn",
                 "outturns", "year end outturn", "achieved", "data"),
    Role.SAME_PERIOD_LAST_YEAR: ("same period last year", "same quarter last year", "same month last year",
                                 "sply", "last year same period", "same period previous year", "previous year",
                                 "last year", "same quarter previous year"),
    Role.CHANGE_VOLUME: ("volume change", "change", "difference", "diff", "+/-", "variance", "change in volume",
                         "numeric change", "number change", "change volume", "actual change", "volume difference"),
    Role.CHANGE_PERCENT: ("% change", "percentage change", "change %", "percent change", "% difference",
                          "% diff", "% +/-", "% variance", "change in %", "pct change", "% var"),
    Role.OWN_RAG: ("rag", "status", "rag status", "rating", "rag rating", "r/a/g", "traffic light",
                   "performance status", "red amber green", "assessment", "overall status", "status icon",
                   "target met", "target achieved", "on target", "on track", "met"),
    Role.DIRECTION: ("trend", "direction", "direction of travel", "dot", "dir of travel", "travel",
                     "long trend", "short trend", "trend arrow", "performance trend", "improving or worsening"),
    Role.RANK: ("rank", "ranking", "ranked", "league position", "league table position", "position in group",
                "msg rank", "msg position", "place"),
    Role.OWNER: ("lead", "owner", "responsible", "officer", "lead officer", "lead partner", "accountable",
                 "responsible officer", "lead partnership", "lead thematic partnership", "lead partner org",
                 "lead partner org/officer", "contact", "manager", "portfolio holder", "responsibility",
                 "accountable officer", "indicator owner", "lead agency", "lead organisation", "partner"),
    Role.COMMENTARY: ("commentary", "comment", "comments", "notes", "note", "narrative", "remarks",
                      "explanation", "exception report", "update", "progress", "analysis", "issues",
                      "actions", "action", "commentary and actions", "progress update", "key issues",
                      "performance commentary", "reason", "reasons"),
    # Columns that are none of the above, although their words say "target" or "outturn".
    Role.OTHER: ("forecast", "forecasts", "projected", "projection", "forecast outturn", "projected outturn",
                 "year end forecast", "variance to target", "variance from target", "gap to target",
                 "difference from target", "distance from target", "against target", "performance against target",
                 "% of target", "percentage of target", "numerator", "denominator", "population",
                 "frequency", "data source", "source"),
}

# A value column headed with one of these words holds the current period's figures.
CURRENT_WORDS = ("current", "latest", "this", "now")

# Section rows often open with these words ("Priority 1: Reducing violence", "Theme: …").
SECTION_OPENINGS = ("priority", "theme", "outcome", "section", "objective", "strand", "part", "aim", "goal")

# Month names and their numbers, from the cell grammar's list (full names first, in calendar order).
MONTHS = {name: next(i for i, full in enumerate(_MONTH_NAMES[:12], start=1) if full.startswith(name[:3]))
          for name in _MONTH_NAMES}
