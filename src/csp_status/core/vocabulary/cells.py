"""The words of the cell grammar: numbers and fractions in words, units, markers, qualifiers,
bounds and directions of targets, and the words that tell an indicator's polarity.

``core.grammar`` reads them; nothing else defines a word list.  The product's own vocabularies
(statuses, polarities, units, placeholders…) are in the package itself.
"""

from __future__ import annotations

from csp_status.core.vocabulary import Bound, Direction, Polarity, Unit

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "one hundred": 100, "thirteen": 13, "fourteen": 14,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "a dozen": 12,
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
PERCENT_WORDS = ("%", "per cent", "percent", "per-cent", "pc", "pct")
POINT_WORDS = ("percentage points", "percentage point", "per cent points", "per cent point", "percent points", "percent point", "%pts", "%pt", "% pts", "% pt", "pts", "ppts", "pp", "ppt")
RATE_BASES = {"100": Unit.PER_100, "1000": Unit.PER_1000, "thousand": Unit.PER_1000, "1k": Unit.PER_1000,
              "10000": Unit.PER_10000, "10k": Unit.PER_10000, "100000": Unit.PER_100000, "100k": Unit.PER_100000,
              "hundred thousand": Unit.PER_100000}
DURATION_WORDS = {
    "seconds": Unit.SECONDS, "second": Unit.SECONDS, "secs": Unit.SECONDS, "sec": Unit.SECONDS, "s": Unit.SECONDS,
    "minutes": Unit.MINUTES, "minute": Unit.MINUTES, "mins": Unit.MINUTES, "min": Unit.MINUTES,
    "hours": Unit.HOURS, "hour": Unit.HOURS, "hrs": Unit.HOURS, "hr": Unit.HOURS, "h": Unit.HOURS,
    "days": Unit.DAYS, "day": Unit.DAYS, "working days": Unit.DAYS, "calendar days": Unit.DAYS,
    "weeks": Unit.WEEKS, "week": Unit.WEEKS, "wks": Unit.WEEKS,
}
# Durations written with letters, read only in a compound ("7m 30s", "1h 30m"): "m" alone is months or metres.
COMPACT_DURATIONS = {Unit.HOURS: ("h", "hr", "hrs"), Unit.MINUTES: ("m", "min", "mins"), Unit.SECONDS: ("s", "sec", "secs")}
MONEY_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
# Markers beside a figure that do not change it.
PROVISIONAL_WORDS = ("p", "provisional", "prov", "r", "revised", "e", "est", "estimate", "estimated", "unvalidated")
PROVISIONAL_SAID = ("provisional", "revised", "unvalidated")  # in words beside the figure: "5,678 provisional"
PROVISIONAL_NOUNS = ("figure", "figures", "data", "outturn", "estimate", "result", "results")  # "(provisional figure)"
PROVISIONAL_GLUED = ("p", "r")  # glued to the figure: "1,234p", "1,234r"
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
    Bound.AT_LEAST: ("or more", "or above", "or higher", "or greater", "or over", "or better", "+", "plus", "minimum",
                     "min", "min."),
    Bound.AT_MOST: ("or less", "or lower", "or fewer", "or below", "or under", "or better than", "maximum", "max",
                    "max."),
}
# Words that may sit between a bound and its figure ("at least an average of 9.2 days").
BOUND_FILLERS = ("a", "an", "the", "average", "of", "total", "level", "rate", "figure", "target", "value", "budget", "and")
# A small number withheld: a whole count of ten or less below a bound ("Under 5", "5 or under").
SMALL_BEFORE = ("under", "fewer than", "less than", "below", "<", "<=", "\u2264")
SMALL_AFTER = ("or under", "or fewer", "or less", "or below")
# Targets written as a direction ("reduce", "maintain"), with or without a figure.
DIRECTION_WORDS = {
    Direction.MAINTAIN: ("maintain", "maintained", "maintaining", "sustain", "sustained", "keep", "kept",
                         "hold", "held", "stable", "no change", "no worse", "at least the same", "same as",
                         "in line with", "no increase", "zero increase", "no rise", "no growth", "no reduction",
                         "no decrease", "no fall"),
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
# Comparisons that use a direction's word but are not a direction: a first word, then a second
# ("more than", "or lower", "not less", "end of", "year end").
NOT_DIRECTION_PAIRS = (
    (("more", "less", "fewer", "lower", "higher", "greater", "up", "down"), ("than", "to")),
    (("or",), ("more", "less", "lower", "higher", "fewer", "greater", "better")),
    (("at", "no", "not"), ("more", "less", "lower", "higher")),
    (("end",), ("of",)),
    (("year", "financial year", "quarter", "month", "period"), ("end",)),
)
# A change is the quantity after "by" or "of" ("reduce … by 6%", "a reduction of 40%"), with these between.
CHANGE_BY = ("by", "of")
CHANGE_BY_FILLERS = ("a further", "an additional", "a additional", "around", "some", "about", "a", "at least",
                     "nearly", "almost", "approximately", "over", "more than", "up to")
# The figure a change leads to follows "to" ("… to 9,704"), with up to three of these between.
CHANGE_TO_FILLERS = ("a", "an", "the", "average", "of", "level", "rate", "total", "figure", "target", "just", "under",
                     "below", "around", "about")
# What may open a sentence before its leading verb, after any label ("Aim 2: To reduce …").
LEAD_WORDS = ("to", "we will", "will", "aim to", "seek to", "we aim to")
HALVING_WORDS = {"halve": 0.5, "halved": 0.5, "halving": 0.5, "double": -1.0, "doubled": -1.0, "doubling": -1.0}
NEGATIONS = ("not", "no", "never", "without", "nor", "avoid", "prevent", "preventing", "stop", "stopping", "zero")
# A negation anywhere earlier in the same clause turns what it says round ("We will not tolerate an
# increase in …", "victims who did not feel supported", "calls not answered within 30 seconds").
CLAUSE_NEGATIONS = ("not", "never", "without", "nor", "n't", "cannot", "no longer", "unable to", "fail to", "failed to",
                    "failing to", "no")
# Words that end a clause: a negation before them says nothing of what follows.
CLAUSE_BREAKS = ("and", "but", "or", "while", "whilst", "who", "which", "that", "where", "whose", "whereas")
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
                      "empty", "reoffend", "re-offend", "reoffends", "re-offends", "reoffended", "re-offended",
                      "reoffending", "re-offending", "reoffenders", "re-offenders")
# Measures where more may be good or bad (under-reported or police-generated): the wording does not say.
POLARITY_UNCLEAR = ("hate", "racially", "religiously", "drug offences", "drugs offences", "possession of",
                    "arrests", "stop and search", "stop search", "marac", "referrals",
                    "disposals", "complaints", "cases heard", "weapons possession", "attended",
                    "demand", "calls received", "calls for service", "domestic abuse", "domestic violence",
                    "sexual offences", "rape")
POLARITY_NOUNS = {
    Polarity.HIGHER_IS_BETTER: ("satisfied", "satisfaction", "confidence", "confident", "feel safe", "feeling safe",
                                "feels safe", "felt safe", "feel safer", "feeling safer", "feels safer", "felt safer",
                                "restorative", "safe and well", "availability", "available", "successful",
                                "successfully", "success", "completed", "completion", "completing", "detection",
                                "detections", "detected", "solved", "brought to justice", "conviction rate",
                                "answered", "intercepted", "independent", "independently", "income", "right first time",
                                "registrations", "qualified", "supported", "support", "no further", "no repeat",
                                "positive outcome", "positive outcomes", "good", "excellent", "achieving", "achieved",
                                "resolved", "recovered", "recovery", "engagement", "participation", "uptake", "take-up",
                                "employment", "on time", "met", "removed", "delivered", "trained", "vaccinated",
                                "training", "informed", "influence", "agree", "trust", "cohesion", "belonging",
                                "treated fairly", "collection rate", "collected", "collection", "footfall", "visits",
                                "visitors", "inspections", "inspected", "audits", "checks", "conducted", "attendance at school",
                                "acceptable", "benefiting", "benefitting", "safety contacts", "safety visits"),
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
# Words after which what follows is not what is counted ("…, excluding domestic abuse").
EXCLUDING_WORDS = ("excluding", "excl.", "excl", "except", "other than", "not including", "apart from")
# "within" a time limit: a share done in time, more is better ("answered within 30 seconds").  The
# limit is a duration (DURATION_WORDS) or one of these words; "within 12 months" is a period instead.
WITHIN_FILLERS = ("the", "their", "its", "a", "an", "any")
WITHIN_LIMITS = ("local", "target", "targets", "agreed", "required", "set", "response", "standard", "standards",
                 "time", "timescale", "timescales", "deadline", "deadlines", "statutory")
PERIOD_WORDS = ("month", "months", "year", "years", "yr", "yrs")
# Words that are not a label before a figure ("Target 4341" has one; "per 1000", "by 2008" do not).
NOT_LABEL_WORDS = ("per", "by", "to", "from", "of", "within", "in", "on", "at", "or", "and", "due", "than", "ytd",
                   "q1", "q2", "q3", "q4", "rolling", "average", "total", "change")

# ---- no figure yet, no target: the pieces of their wordings ---------------------------------------
# "Data due October", "Figures will be available in March", "Reported annually", "Next update: Nov 2024":
# a verb of publishing, then when (a month, a quarter, a year, a frequency); a frequency before a measure
# ("Annual measure"); a next publication.
NO_FIGURE_VERBS = ("due", "available", "published", "reported", "released", "updated", "expected", "produced",
                   "provided", "collected", "measured", "issued", "calculated", "collated", "reportable")
NO_FIGURE_LINKS = ("in", "by", "from", "on", "at", "for", "during", "after", "until", "around", "early", "late", "mid",
                   "the", "end", "of", "next", "each", "every", "once")
NO_FIGURE_WHEN = ("quarter", "year", "year end", "year-end", "financial year", "month", "spring", "summer", "autumn",
                  "winter", "arrears", "q1", "q2", "q3", "q4")
FREQUENCIES = ("annually", "yearly", "quarterly", "monthly", "biannually", "bi-annually", "six-monthly", "six monthly",
               "half-yearly", "half yearly", "once a year", "each year", "every year", "per year", "a year")
FREQUENCY_ADJECTIVES = ("annual", "yearly", "quarterly", "monthly", "biannual", "bi-annual", "six-monthly",
                        "half-yearly", "end of year", "end-of-year", "year end", "year-end")
MEASURE_NOUNS = ("measure", "indicator", "figure", "figures", "data", "survey", "return", "report", "result", "results",
                 "outturn", "count", "only", "reporting", "update", "publication", "statistics")
NEXT_WORDS = ("next update", "next publication", "next release", "next report", "next data", "next figures",
              "next available", "next set of data", "next return", "next refresh")
# No target: "Monitoring only", "Contextual indicator", "For information", "Targets being developed".
NO_TARGET_KINDS = ("monitor", "monitoring", "tracking", "context", "contextual", "information", "info", "trend",
                   "awareness", "benchmarking")
NO_TARGET_AS = ("only", "indicator", "measure", "purposes", "data")
TARGET_WORDS = ("target", "targets", "target level", "targets and thresholds")
MEASURE_WORDS = ("measure", "measures", "indicator", "indicators", "definition", "definitions", "baseline", "data")
IN_HAND = ("being", "still being", "yet to be", "still to be", "under", "in", "in the process of being", "currently being")
IN_HAND_DONE = ("developed", "development", "set", "agreed", "defined", "finalised", "finalized", "determined",
                "reviewed", "review", "discussed", "discussion", "consultation", "considered", "established", "designed")
# A direction said against last year, with no figure: "Lower than last year", "Keep below last year's level".
COMPARED_WITH = {
    Direction.REDUCE: ("lower than", "less than", "fewer than", "below", "under", "beneath", "down on", "reduction on",
                       "a reduction on", "reduce on", "decrease on", "a decrease on"),
    Direction.INCREASE: ("higher than", "more than", "greater than", "above", "over", "up on", "an increase on",
                         "increase on", "exceed", "to exceed"),
    Direction.IMPROVE: ("better than", "improve on", "an improvement on", "improvement on"),
    Direction.MAINTAIN: ("same as", "the same as", "in line with", "no worse than", "at least the same as", "equal to",
                         "similar to", "level with", "no increase on", "no rise on", "no reduction on", "no decrease on"),
}
COMPARED_LEAD = ("keep", "stay", "remain", "be", "to be", "to keep", "to stay", "to remain", "to come in", "come in", "hold",
                 "is", "are", "will be", "should be", "maintain", "to maintain", "kept")
PREVIOUS_WORDS = ("last year", "previous year", "the previous year", "prior year", "the prior year", "the year before",
                  "last years", "previous years", "the baseline", "baseline", "last quarter", "previous quarter",
                  "the previous quarter", "same period last year", "the same period last year", "last period",
                  "the previous period", "previous period", "the last year", "2 years ago", "the year prior")
PREVIOUS_NOUNS = ("level", "levels", "figure", "figures", "outturn", "total", "totals", "rate", "performance", "result",
                  "results", "number", "position", "value")
# Number words as a count: "Three deaths", "twelve incidents", "Nil".  The words after may be nouns, but
# not these (a period, a share, a policy: "One year", "Two thirds", "Zero tolerance").
ZERO_WORDS = ("nil", "zero", "nought", "none recorded", "none reported")
NOT_COUNT_WORDS = ("tolerance", "times", "time", "year", "years", "month", "months", "quarter", "quarters", "third",
                   "thirds", "fifth", "fifths", "tenth", "tenths", "half", "off", "in", "out", "of", "or", "and", "to",
                   "per", "from", "by", "at", "percent", "cent", "point", "points", "more", "fewer", "less", "a", "the")
