"""Giving each column of a summary its role and period, and choosing the current value column.

Three kinds of evidence are weighed for every role: the header's own words (the most specific
header row first, then its group headers; synonyms in :mod:`csp_status.core.vocabulary.layouts`),
what the column's cells hold (figures, percentages, signed changes, RAG letters, arrows, long
text: :mod:`csp_status.workbook.cell_kinds`) and where the column sits (the indicators' names
are the first column of text). Then periods decide among the figure columns: the current one
(starred, headed "current", the only one, named in the title, or the latest with figures), the
same period a year before, earlier years as baselines, later periods that already hold a few
figures as targets, and periods headed again beside text as those periods' commentary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from csp_status.core.vocabulary.layouts import CURRENT_WORDS, FIGURE_ROLES, PeriodKind, Role
from csp_status.workbook.cell_kinds import ColumnStats
from csp_status.workbook.cells import col_letter
from csp_status.workbook.header_words import role_phrase_hits
from csp_status.workbook.periods import Period, parse_period

__all__ = ["Assignment", "ColumnRole", "HeaderColumn", "assign_roles"]

_TEXT_ROLES = (Role.REF, Role.DESCRIPTION, Role.OWNER, Role.COMMENTARY)
_NO_PERIOD = (Role.REF, Role.DESCRIPTION, Role.OWNER, Role.POLARITY, Role.UNIT)
_WORDY_FIGURES = (Role.TARGET, Role.COMPARATOR)  # "Reduce by 5%", "Monitor only", "National: 7.1%"


@dataclass(frozen=True)
class HeaderColumn:
    """A column as found: its position (0 is A), header texts top to bottom, and its data cells' statistics."""

    position: int
    parts: list[str]
    stats: ColumnStats

    @property
    def header(self) -> str:
        return " › ".join(self.parts)


@dataclass(frozen=True)
class ColumnRole:
    """One column: its number (1 is A), header text (group headers joined by ' › '), role, period,
    whether it holds the current period's figures, and how sure the recogniser is, and why."""

    index: int
    header: str
    role: Role
    period: Period | None
    confidence: float
    reason: str
    current: bool = False
    from_header: bool = False  # the header's words or period support the role (not the cells alone)

    @property
    def letter(self) -> str:
        return col_letter(self.index)


@dataclass
class Assignment:
    columns: list[ColumnRole]
    current_column: int | None
    current_period: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Score:
    role: Role
    score: float
    reason: str
    confidence: float
    from_header: bool


def assign_roles(columns: list[HeaderColumn], title: str = "",
                 corrections: dict[int, Role] | None = None) -> Assignment:
    """Each column's role and period, and the current column; ``corrections`` (column number, 1 is A,
    to role) are the officer's, kept as given: the other columns are decided around them."""
    fixed = {index - 1: role for index, role in (corrections or {}).items()}
    scored = [_score(col) for col in columns]
    picked = [s[0] for s in scored]
    for i, role in fixed.items():
        if 0 <= i < len(picked):
            picked[i] = _Score(role, 99.0, "set by hand (the Layout's correction)", 1.0, True)
    _one_description(columns, scored, picked, fixed)
    _ref_by_content(columns, picked, fixed)
    out = [ColumnRole(col.position + 1, col.header, pick.role, _period(col) if pick.role not in _NO_PERIOD else None,
                      round(pick.confidence, 2), pick.reason, from_header=pick.from_header)
           for col, pick in zip(columns, picked)]
    notes: list[str] = []
    out = _repeated_periods(out, columns, fixed)
    out = _continued_runs(out, columns, fixed)
    out, current = _periods(out, columns, title, notes, fixed)
    period = None
    if current is not None:
        col = out[current - 1]
        title_period = parse_period(title) if title else None
        period = col.period.label if col.period else (title_period.label if title_period else None)
        if col.period is None and title_period is not None:
            notes.append(f"the current period {period} is taken from the title")
        if col.period and col.period.end is None and col.period.year is None:
            years = [c.period for c in out if c.role is Role.TARGET and c.period and c.period.kind is PeriodKind.YEAR]
            if years:
                notes.append(f"{period} names no year: the first target year, {years[0].label}, is taken "
                             "as the reporting year")
    else:
        notes.append("no value column: there are no figures to judge yet (targets or context only)")
    return Assignment(out, current, period, notes)


def _repeated_periods(out: list[ColumnRole], columns: list[HeaderColumn], fixed: dict[int, Role]) -> list[ColumnRole]:
    """Periods headed a second time without figures ("Q1*–Q4" again after the figures' "Q1*–Q4") are
    the commentary for those periods, when any of them holds commentary."""
    first: dict[str, ColumnRole] = {}
    repeats: list[ColumnRole] = []
    for col in out:
        if col.period is None or col.role not in (Role.VALUE, Role.COMMENTARY):
            continue
        if col.period.label in first:
            repeats.append(col)
        else:
            first[col.period.label] = col
    stats = {c.index: columns[c.index - 1].stats for c in out}
    wordy = [c for c in repeats if stats[c.index].long_text >= 0.5]
    if not wordy or any(stats[c.index].numeric >= 0.2 for c in repeats):
        return out
    changed = {c.index: replace(c, role=Role.COMMENTARY, confidence=0.7, from_header=True,
                                reason=f"the period {c.period.label} again, after its figures' column "
                                       f"{first[c.period.label].letter}, with text: its commentary")
               for c in repeats if c.role is Role.VALUE and first[c.period.label].role is Role.VALUE
               and c.index - 1 not in fixed}
    return [changed.get(c.index, c) for c in out]


def _continued_runs(out: list[ColumnRole], columns: list[HeaderColumn], fixed: dict[int, Role]) -> list[ColumnRole]:
    """An empty column headed only by a period ("Q3", "Q4" still to come) continues the role of the
    period column on its left: status boxes after status boxes, commentary after commentary."""
    result = list(out)
    for i in range(1, len(result)):
        col, left = result[i], result[i - 1]
        if (i in fixed or col.role is not Role.VALUE or not columns[i].stats.empty or col.period is None
                or left.period is None or left.period.kind is not col.period.kind or left.role is Role.VALUE
                or role_phrase_hits(columns[i].parts[-1])):
            continue
        if columns[i].stats.rag_fill == 0 and left.role is not Role.COMMENTARY and left.role is not Role.OWN_RAG:
            continue
        result[i] = replace(col, role=left.role, confidence=0.6, from_header=True,
                            reason=f"an empty {col.period.label} after {left.letter}'s {left.period.label}: "
                                   f"the same kind of column, still to be filled")
    return result


def _period(col: HeaderColumn) -> Period | None:
    """The period the whole header names ("Year to date › 2019/20" is YTD 2019/20)."""
    return parse_period(" ".join(col.parts)) if col.parts else None


def _weight(stats: ColumnStats) -> float:
    """How far the cells may overrule the header: little with one row, fully from three."""
    return min(1.0, stats.filled * stats.rows / 3)


def _score(col: HeaderColumn) -> list[_Score]:
    """Every role's score for a column, best first."""
    st = col.stats
    low = role_phrase_hits(col.parts[-1]) if col.parts else {}
    group: dict[Role, tuple[int, int, str]] = {}
    for part in reversed(col.parts[:-1]):
        for role, hit in role_phrase_hits(part).items():
            group.setdefault(role, hit)
    period = _period(col)
    scores: dict[Role, float] = {Role.OTHER: 0.5}
    reasons: dict[Role, str] = {Role.OTHER: "no header word or content names a role; kept as other"
                                if col.parts or not st.empty else "an empty column (no header, no cells); kept"}
    from_header: set[Role] = set()
    best_low = max(low, key=lambda r: low[r][:2]) if low else None
    for role, (n, _, phrase) in low.items():
        scores[role] = scores.get(role, 0) + (5.0 if role is best_low else 2.0) + n
        reasons.setdefault(role, f"header word {phrase!r}")
        if role is Role.OTHER:
            reasons[role] = f"header words {phrase!r}: a column none of the roles covers"
        from_header.add(role)
    best_group = max(group, key=lambda r: group[r][:2]) if group else None
    for role, (n, _, phrase) in group.items():
        scores[role] = scores.get(role, 0) + (3.0 if role is best_group else 1.0) + 0.5 * n
        reasons.setdefault(role, f"group header word {phrase!r}")
        from_header.add(role)
    if period is not None:
        scores[Role.VALUE] = scores.get(Role.VALUE, 0) + 1.5
        reasons.setdefault(Role.VALUE, f"figures under the period {period.label!r}")
        from_header.add(Role.VALUE)
    w = _weight(st)
    if not st.empty or st.rag_fill:
        _content(scores, reasons, st, w, col.position)
    ranked = sorted(scores, key=lambda r: (-scores[r], list(Role).index(r)))
    if ranked[0] is Role.OTHER and Role.OTHER not in from_header and len(ranked) > 1 and ranked[1] in from_header:
        reasons[Role.OTHER] = f"{reasons[ranked[1]]}, so kept as other"
    out = []
    for i, role in enumerate(ranked):
        margin = scores[role] - (scores[ranked[i + 1]] if i + 1 < len(ranked) else 0)
        header = role in from_header and role in low
        base = 0.9 if header else 0.75 if role in from_header else 0.6 if role is not Role.OTHER else 0.3
        confidence = base - (0.15 if margin < 1 else 0) - (0.2 if "(but " in reasons[role] else 0)
        out.append(_Score(role, scores[role], reasons[role], max(confidence, 0.2), role in from_header))
    return out


def _content(scores: dict[Role, float], reasons: dict[Role, str], st: ColumnStats, w: float, position: int) -> None:
    def add(role: Role, points: float, why: str | None = None) -> None:
        scores[role] = scores.get(role, 0) + points
        if why and points > 0:
            reasons.setdefault(role, why)
        elif why and points < 0 and role in reasons and not reasons[role].endswith(")"):
            reasons[role] += f" ({why})"

    if st.numeric < 0.2:
        for role in FIGURE_ROLES:
            if role in scores and (role not in _WORDY_FIGURES or st.long_text >= 0.5):
                add(role, -6 * w, "but its cells are words, not figures")
    if st.figures >= 0.6:
        for role in (*_TEXT_ROLES, Role.OWN_RAG, Role.DIRECTION, Role.POLARITY, Role.UNIT):
            if role in scores and not (role is Role.REF and st.integer >= 0.9 and st.distinct >= 0.9):
                add(role, -6 * w, "but its cells are figures")
        add(Role.VALUE, 1.0, "cells are figures")
        if st.percent >= 0.6 and st.signed >= 0.3:
            add(Role.CHANGE_PERCENT, 4.0, "cells are signed percentages: changes")
        elif st.plus > 0 and st.percent < 0.2 and st.signed >= 0.5:
            add(Role.CHANGE_VOLUME, 3.0, "cells are signed figures: changes")
        if Role.RANK in scores and (st.integer < 0.9 or st.percent > 0.1):
            add(Role.RANK, -4 * w, "but its figures are not whole numbers")
    if st.rag >= (0.8 if any(r in scores for r in _TEXT_ROLES) else 0.5):  # "On track" is also commentary's
        add(Role.OWN_RAG, 6.0, "cells are RAG letters")
    if st.rag_fill >= 0.5 and st.figures < 0.5 and (st.rag_fill_kinds >= 2 or Role.OWN_RAG in scores):
        add(Role.OWN_RAG, 6.0, "cells are coloured red, amber or green")
    elif st.long_text >= 0.3 and Role.OWN_RAG in scores:
        add(Role.OWN_RAG, -6 * w, "but its cells are long text")
    if st.arrows >= 0.5:
        add(Role.DIRECTION, 6.0, "cells are arrows or trend words")
    elif st.long_text >= 0.3 and Role.DIRECTION in scores:
        add(Role.DIRECTION, -6 * w, "but its cells are long text")
    if st.polarity >= 0.5:
        add(Role.POLARITY, 6.0, "cells are polarity words")
    if st.units >= 0.5:
        add(Role.UNIT, 6.0, "cells are unit words")
    if st.long_text >= 0.6 and st.mean_length >= 60 and position > 1:
        add(Role.COMMENTARY, 2.0, "cells are long text")


def _one_description(columns: list[HeaderColumn], scored: list[list[_Score]], picked: list[_Score],
                     fixed: dict[int, Role]) -> None:
    """One column holds the indicators' names: the best-headed, else the first column of distinct text."""
    named = [i for i, p in enumerate(picked) if p.role is Role.DESCRIPTION]
    if named:
        keep = max(named, key=lambda i: (picked[i].score, -i))
        for i in named:
            if i != keep and i not in fixed:
                picked[i] = next(s for s in scored[i] if s.role is not Role.DESCRIPTION)
        return
    for i, col in enumerate(columns):
        st = col.stats
        text = st.words >= 0.6 and st.numeric < 0.3 and st.filled >= 0.5 and st.distinct >= 0.8
        if i not in fixed and picked[i].role in (Role.OTHER, Role.REF, Role.COMMENTARY) and text:
            if picked[i].role is Role.REF and st.mean_length < 20:
                continue
            picked[i] = _Score(Role.DESCRIPTION, 1.0, "the first column of text: the indicators' names", 0.6,
                               False)
            return


def _ref_by_content(columns: list[HeaderColumn], picked: list[_Score], fixed: dict[int, Role]) -> None:
    """A ref column holds short distinct codes: one headed 'Ref' that holds sentences is not one, and an
    unheaded column of codes left of the indicators' names is one."""
    for i, (col, pick) in enumerate(zip(columns, picked)):
        st = col.stats
        if pick.role is Role.REF and i not in fixed and not st.empty and (st.mean_length > 25 or st.distinct < 0.9):
            picked[i] = _Score(Role.OTHER, 0.5, "headed as a ref, but its cells are not short distinct codes",
                               0.4, True)
    if any(p.role is Role.REF for p in picked):
        return
    description = next((i for i, p in enumerate(picked) if p.role is Role.DESCRIPTION), None)
    for i in range(description or 0):
        st = columns[i].stats
        unheaded = picked[i].role is Role.OTHER or (picked[i].role is Role.VALUE and not picked[i].from_header)
        if unheaded and i not in fixed and st.codes >= 0.8 and st.filled >= 0.8 and st.distinct >= 0.95:
            picked[i] = _Score(Role.REF, 1.0, "short distinct codes left of the indicators' names", 0.6, False)
            return


def _when(col: ColumnRole) -> tuple[int, ...]:
    """When a column's period ends; columns ending in the same month (a quarter and its rolling year) tie."""
    key = col.period.key(col.index) if col.period else (0, 0, col.index)
    return key[:2] if key[0] == 1 else key


def _filled_enough(stats: ColumnStats, most: float) -> bool:
    """Filled like a period that has its figures (a quarter may still await a few), not like one with a stray few."""
    return stats.filled > 0 and stats.filled >= 0.25 * most


def _periods(out: list[ColumnRole], columns: list[HeaderColumn], title: str, notes: list[str],
             fixed: dict[int, Role]) -> tuple[list[ColumnRole], int | None]:
    """Choose the current value column(s); then earlier and later periods' figure columns find their roles."""
    values = [c for c in out if c.role is Role.VALUE]
    if not values:
        return out, None
    stats = {c.index: columns[c.index - 1].stats for c in out}
    most = max(stats[c.index].filled for c in values)
    filled = [c for c in values if _filled_enough(stats[c.index], most)] or values
    starred = [c for c in values if c.period and c.period.starred]
    worded = [c for c in values if any(w in c.header.casefold().split() for w in CURRENT_WORDS)]
    title_period = parse_period(title) if title else None
    titled = [c for c in values if title_period and c.period and c.period.label == title_period.label]
    if starred:
        current, why = [starred[0]], f"the header {starred[0].header!r} carries the star"
    elif len(values) == 1:
        current, why = values, "the only value column"
    elif len(worded) == 1:
        current, why = worded, "its header says it is current"
    elif titled:
        current, why = titled[:1], f"the title names its period {title_period.label!r}"
    elif len(ytd := [c for c in filled if c.period and c.period.kind is PeriodKind.YEAR_TO_DATE]) == 1 and any(
            c.role is Role.TARGET for c in out):
        current, why = ytd, "a year-to-date figure is what the year's target is judged against"
    else:
        current, why = _latest(filled), "the latest period with figures"
    if current[0].period is None and any(c.period for c in filled if c not in current):
        current += _latest([c for c in filled if c.period and c not in current])  # a second series, dated
    ends = {c.period.end for c in current if c.period and c.period.end is not None}
    has_change = any(c.role in (Role.CHANGE_PERCENT, Role.CHANGE_VOLUME) for c in out)
    dated = [c for c in current if c.period]
    result = []
    for c in out:
        if c in current:
            because = why if c is current[0] else "the latest period with figures"
            result.append(replace(c, current=True, reason=f"{c.reason}; current: {because}"))
        elif c.role is not Role.VALUE or c.period is None or not dated or c.index - 1 in fixed:
            result.append(c)
        else:
            worded_value = Role.VALUE in role_phrase_hits(c.header)
            result.append(_relative(c, dated, ends, has_change, stats[c.index], most, worded_value))
    if len(current) > 1:
        notes.append("current figures in " + ", ".join(
            f"{col_letter(c.index)} ({c.period.label if c.period else c.header})" for c in current))
    return result, current[0].index


def _latest(columns: list[ColumnRole]) -> list[ColumnRole]:
    latest = max(_when(c) for c in columns)
    return [c for c in columns if _when(c) == latest]


def _relative(c: ColumnRole, current: list[ColumnRole], ends: set[int], has_change: bool, stats: ColumnStats,
              most: float, worded_value: bool) -> ColumnRole:
    """A figure column for another period than the current one."""
    p = c.period
    now = next((k.period for k in current if k.period and k.period.months == p.months), current[0].period)
    if p.end is not None and now.end is not None:
        if p.end + 12 in ends and p.months == now.months and (has_change or p.kind is not PeriodKind.YEAR):
            return replace(c, role=Role.SAME_PERIOD_LAST_YEAR, confidence=0.75,
                           reason=f"{p.label}: the same period a year before the current {now.label}")
        if p.end < now.end and (p.months or 0) >= 12 and p.kind is PeriodKind.YEAR:
            return replace(c, role=Role.BASELINE, confidence=0.75,
                           reason=f"{p.label}: a year before the current period {now.label}")
    if now.end is None and p.end is not None and p.kind is PeriodKind.YEAR and now.kind is not PeriodKind.YEAR:
        return replace(c, role=Role.BASELINE, confidence=0.7,
                       reason=f"{p.label}: a whole year's figures beside this year's {now.label}")
    later = p.key(c.index) > now.key(current[0].index)
    if later and stats.filled > 0 and not _filled_enough(stats, most) and not worded_value:
        return replace(c, role=Role.TARGET, confidence=0.5,
                       reason=f"{p.label} is after the current period, yet a few rows already have figures: "
                              "read as targets")
    return c

