"""Periods as partnerships write them in column headers (real header texts from published layouts)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csp_status.core.vocabulary.layouts import PeriodKind
from csp_status.workbook.periods import parse_period


@pytest.mark.parametrize("header, label, kind, starred", [
    ("Q1*", "Q1", PeriodKind.QUARTER, True),
    ("Q2", "Q2", PeriodKind.QUARTER, False),
    ("Q2 2019/20", "2019/20 Q2", PeriodKind.QUARTER, False),
    ("Qtr 3 2013-14", "2013/14 Q3", PeriodKind.QUARTER, False),
    ("Q2 performance (30 September 2013)", "Q2 (to Sep 2013)", PeriodKind.QUARTER, False),
    ("Oct–Dec 2012", "Oct 2012–Dec 2012", PeriodKind.MONTHS, False),
    ("Jan 12 – Mar 12", "Jan 2012–Mar 2012", PeriodKind.MONTHS, False),
    ("APR-JUN 13", "Apr 2013–Jun 2013", PeriodKind.MONTHS, False),
    ("Apr-Jun", "Apr–Jun", PeriodKind.MONTHS, False),
    ("Apr 12 – Mar 13", "Apr 2012–Mar 2013", PeriodKind.YEAR, False),
    ("1 JUL 2012 – 30 JUN 2013", "Jul 2012–Jun 2013", PeriodKind.ROLLING, False),
    ("2012/13", "2012/13", PeriodKind.YEAR, False),
    ("Target 08/09 (2008)", "2008/09", PeriodKind.YEAR, False),
    ("Outturn 2013/14", "2013/14", PeriodKind.YEAR, False),
    ("2019", "2019", PeriodKind.YEAR, False),
    ("YTD", "YTD", PeriodKind.YEAR_TO_DATE, False),
    ("Year to date 2019/20", "YTD 2019/20", PeriodKind.YEAR_TO_DATE, False),
    ("rolling 12 months", "rolling 12 months", PeriodKind.ROLLING, False),
    ("12 mths to Dec 13", "12 months to Dec 2013", PeriodKind.ROLLING, False),
    ("12m to Sept 12", "12 months to Sep 2012", PeriodKind.ROLLING, False),
    ("Volume (to Dec 2014)", "to Dec 2014", PeriodKind.DATE, False),
    ("Achievement at 31 March 2014", "31 Mar 2014", PeriodKind.DATE, False),
    ("Jan 2016", "Jan 2016", PeriodKind.MONTH, False),
    ("Apr-13", "Apr 2013", PeriodKind.MONTH, False),
    ("YTD 13/14", "YTD 2013/14", PeriodKind.YEAR_TO_DATE, False),
    ("Sept*", "Sep", PeriodKind.MONTH, True),
])
def test_parse_period(header, label, kind, starred):
    period = parse_period(header)
    assert (period.label, period.kind, period.starred) == (label, kind, starred)


@pytest.mark.parametrize("header, year", [
    ("2012/13", "2012/13"), ("Q2 2019/20", "2019/20"), ("Target 08/09 (2008)", "2008/09"),
    ("99/00", "1999/00"), ("Apr 99 – Mar 00", "1999/00"), ("Apr 12 – Mar 13", "2012/13"),
    ("YTD 13/14", "2013/14"), ("Q2", None), ("Jan 12 – Mar 12", None), ("2019", None),
])
def test_parse_period_year(header, year):
    assert parse_period(header).year == year


@pytest.mark.parametrize("header", ["", "Value", "Target", "Crime Type", "(per 1,000)", "Ratio**", "% change",
                                    "Rates per 100,000 population", "Distance from average", "Ranking"])
def test_parse_period_none(header):
    assert parse_period(header) is None


@pytest.mark.parametrize("earlier, later", [
    ("Q1", "Q2*"), ("Jan 12 – Mar 12", "Jan 13 – Mar 13"), ("2012/13", "2013/14"), ("2013/14", "Q1"),
    ("12 mths to Dec 13", "12 mths to Dec 14"), ("Apr", "Mar"), ("Q2 performance (30 September 2013)",
                                                                 "Achievement at 31 March 2014"),
])
def test_period_order(earlier, later):
    assert parse_period(earlier).key() < parse_period(later).key()


@given(st.text(max_size=60))
def test_parse_period_any_text_gives_a_period_or_none(text):
    period = parse_period(text)
    assert period is None or period.label
