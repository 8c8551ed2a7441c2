"""The period a column header names: quarters ("Q1*", "Qtr 2 2019/20"), month spans ("Oct–Dec 2012",
"Jan 12 – Mar 12", "1 JUL 2012 – 30 JUN 2013"), years ("2012/13", "08/09", "2019"), "YTD",
rolling twelve months ("12 mths to Dec 13") and dates ("at 31 March 2014").

Periods order by the month they end in (``end``, months since year 0), where the header says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from csp_status.core.model import year_label
from csp_status.core.vocabulary.layouts import MONTHS, PeriodKind

__all__ = ["Period", "parse_period"]

_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*(?:-|to|until)\s*"
_FISCAL = re.compile(r"(?<![\d/])(?:fy\s*)?((?:19|20)\d{2}|\d{2})\s*[/-]\s*(\d{4}|\d{2})(?![\d/])", re.ASCII)
_QUARTER = re.compile(r"\b(?:q|qtr|quarter)\s*([1-4])\b\s*(\*)?", re.ASCII)
_SPAN = re.compile(
    rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH})(?:\s*(\d{{4}}|\d{{2}})(?!\d))?{_DASH}"
    rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH})(?:\s*(\d{{4}}|\d{{2}})(?!\d))?", re.ASCII)
_ROLLING = re.compile(
    rf"(?:\brolling\s*)?\b(\d{{1,2}})[\s-]*(?:months?|mths?|m)\b"
    rf"(?:\s*(?:to|ending|ended|up to)\s*({_MONTH})\s*(\d{{4}}|\d{{2}})?)?"
    r"|\brolling\b|\br12m?\b", re.ASCII)
_YTD = re.compile(r"\bytd\b|\byear to date\b|\bcumulative\b|\bto date\b", re.ASCII)
_DATE = re.compile(rf"(?:\b(\d{{1,2}})(?:st|nd|rd|th)?\s+)?\b({_MONTH})[\s'-]*((?:19|20)\d{{2}}|\d{{2}})(?!\d)",
                   re.ASCII)  # "31 March 2014", "Jan 2016", "Apr-13", "Sep '13"
_LONE_MONTH = re.compile(rf"^(?:[a-z]+\s+)?({_MONTH})\s*\*?$", re.ASCII)  # "Apr", "Actual Jun", "Sept*"
_YEAR = re.compile(r"(?<![\d/.,])((?:19|20)\d{2})(?![\d/.,%])", re.ASCII)
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})


@dataclass(frozen=True)
class Period:
    """A column's period: ``label`` as the product shows it, ``end`` for ordering (None when unknown)."""

    label: str
    kind: PeriodKind
    end: int | None = None
    months: int | None = None  # how many months it covers, when the header says
    quarter: int | None = None  # 1–4 (Q1 is April–June), for quarters
    year: str | None = None  # the financial year, "2019/20", when the header names one
    starred: bool = False  # "Q1*": the partnership marks its current period with a star
    fiscal_end: int | None = None  # with no year: the month it ends in, counted from April (1) to March (12)

    def key(self, fallback: int = 0) -> tuple[int, int, int]:
        """An ordering key: by end month where known; periods within an unnamed year (Q1–Q4, Apr–Jun)
        come after named years (they are the reporting year's), by their month; else by position."""
        if self.end is not None:
            return (1, self.end, fallback)
        if self.fiscal_end is not None:
            return (2, self.fiscal_end, fallback)
        return (0, 0, fallback)


def _year4(text: str | None, base: int | None = None) -> int | None:
    if not text:
        return None
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _month(text: str) -> int:
    return MONTHS[text.rstrip(".")]


def _fiscal(text: str) -> tuple[str, int] | None:
    match = _FISCAL.search(text)
    if not match:
        return None
    first, second = _year4(match[1]), _year4(match[2])
    if first is None or second is None or second != first + 1:
        return None
    return year_label(first), first


_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _name(month: int, year: int) -> str:
    return f"{_SHORT[month - 1]} {year}"


def parse_period(header: str) -> Period | None:
    """The period a header names, or None when it names none."""
    text = " ".join(header.translate(_DASHES).casefold().split())
    if not text:
        return None
    fiscal = _fiscal(text)
    quarter = _QUARTER.search(text)
    if quarter:
        q = int(quarter[1])
        starred = bool(quarter[2]) or text.rstrip().endswith("*")
        if fiscal:
            label, first = fiscal
            end = first * 12 + 3 * q + 3  # Q1 ends in June (month 6) of the first year
            return Period(f"{label} Q{q}", PeriodKind.QUARTER, end, 3, q, label, starred)
        date = _DATE.search(text)
        if date:
            end = _year4(date[3]) * 12 + _month(date[2])
            return Period(f"Q{q} (to {_name(_month(date[2]), _year4(date[3]))})", PeriodKind.QUARTER, end, 3, q,
                          None, starred)
        year = _YEAR.search(text)
        end = int(year[1]) * 12 + 3 * q + 3 if year else None
        return Period(f"Q{q}" + (f" {year[1]}" if year else ""), PeriodKind.QUARTER, end, 3, q, None, starred,
                      None if year else 3 * q)
    span = _SPAN.search(text)
    if span:
        m1, m2 = _month(span[2]), _month(span[5])
        y2 = _year4(span[6])
        y1 = _year4(span[3]) or (None if y2 is None else (y2 if m1 <= m2 else y2 - 1))
        if y1 is not None and y2 is not None:
            months = (y2 * 12 + m2) - (y1 * 12 + m1) + 1
            kind = PeriodKind.ROLLING if months == 12 and not fiscal else PeriodKind.MONTHS
            if months == 12 and m1 == 4:
                kind = PeriodKind.YEAR
            return Period(f"{_name(m1, y1)}–{_name(m2, y2)}", kind, y2 * 12 + m2, months,
                          year=year_label(y1) if months == 12 and m1 == 4 else None)
        if y1 is None and y2 is None:
            months = (m2 - m1) % 12 + 1
            return Period(f"{_SHORT[m1 - 1]}–{_SHORT[m2 - 1]}", PeriodKind.MONTHS, None, months,
                          fiscal_end=_fiscal_month(m2), starred=text.endswith("*"))
    rolling = _ROLLING.search(text)
    if rolling and (rolling[1] is None or int(rolling[1]) in (3, 6, 12, 24, 36)):
        months = int(rolling[1]) if rolling[1] else 12
        if rolling[2]:
            year = _year4(rolling[3]) if rolling[3] else None
            end = year * 12 + _month(rolling[2]) if year else None
            shown = _name(_month(rolling[2]), year) if year else rolling[2].rstrip(".").title()
            return Period(f"{months} months to {shown}", PeriodKind.ROLLING, end, months)
        return Period(f"rolling {months} months", PeriodKind.ROLLING, None, months)
    if _YTD.search(text):
        date = _DATE.search(text)
        end = _year4(date[3]) * 12 + _month(date[2]) if date else (fiscal[1] * 12 + 15 if fiscal else None)
        to = f" to {_name(_month(date[2]), _year4(date[3]))}" if date else ""
        label = "YTD" + (f" {fiscal[0]}" if fiscal else to)
        return Period(label, PeriodKind.YEAR_TO_DATE, end, None, None, fiscal[0] if fiscal else None)
    if fiscal:
        label, first = fiscal
        return Period(label, PeriodKind.YEAR, first * 12 + 15, 12, None, label)  # ends in March
    date = _DATE.search(text)
    if date:
        month, year = _month(date[2]), _year4(date[3])
        if date[1]:
            return Period(f"{int(date[1])} {_name(month, year)}", PeriodKind.DATE, year * 12 + month, None)
        if re.search(rf"\bto\s+{_MONTH}", text, re.ASCII):
            return Period(f"to {_name(month, year)}", PeriodKind.DATE, year * 12 + month, None)
        return Period(_name(month, year), PeriodKind.MONTH, year * 12 + month, 1)
    year = _YEAR.search(text)
    if year:
        return Period(year[1], PeriodKind.YEAR, int(year[1]) * 12 + 12, 12)
    month = _LONE_MONTH.search(text)
    if month:
        number = _month(month[1])
        return Period(_SHORT[number - 1], PeriodKind.MONTH, None, 1, fiscal_end=_fiscal_month(number),
                      starred=text.endswith("*"))
    return None


def _fiscal_month(month: int) -> int:
    """April is the first month of the financial year, March the twelfth."""
    return (month - 4) % 12 + 1
