"""A summary assembled from published cells (tests/data/real_cells.tsv), imported as a new user would.

Each row puts real texts from the corpus into the seed's layout: a description, last year's
outturn, this year's target and the Q1 figure.  Imported from .tsv, and from .xlsx with the
numbers typed (formatted as the text showed them), every row gets the status an officer gives.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest

from csp_status.core.judgement import evaluate
from csp_status.workbook.legacy import read_legacy

CORPUS = {row["text"]: row["source"] for row in csv.DictReader(
    (Path(__file__).parent / "data" / "real_cells.tsv").open(encoding="utf-8", newline=""), delimiter="\t")}

# (description, 2010/11 outturn, 2011/12 target, Q1 figure, the status an officer gives)
ROWS = [
    ("Accidental dwelling fires", "", "150", "1409", "RED"),
    ("Fire-related deaths", "", "0", "0", "GREEN"),
    ("% life risk and property emergency calls handled within 90 seconds", "", "75.00", "66.37", "RED"),
    ("Reduce DV repeat victimisation", "34.5% (March 2011)", "2016/17 Target: Reduction on last years figures", "36.2%", "AMBER"),
    ("Our average response time across all incidents and risk types for 2022/23 is:", "", "9 minutes", "8 minutes 07 seconds", "GREEN"),
    ("Response Times to Immediate Service Incidents", "", "Emergency Response – Target for attendance is 15 minutes", "00:12:34", "GREEN"),
    ("Total response time is the minutes and seconds elapsed from the time of call to the arrival of the first vehicle at the incident.",
     "", "Standard Response – Target for attendance is 8 hours", "13:20:25", "RED"),
    ("% life risk and property emergency calls handled within 90 seconds", "", "75 per cent of Category A calls within eight minutes; and", "63.81 per cent", "RED"),
    ("Use of secure facilities", "", "no more than 30 per cent. of all remand episode decisions (excluding conditional and unconditional bail)", "21%", "GREEN"),
    ("Use of secure facilities", "", "no more than 5 per cent.", "4.0", "GREEN"),
    ("Safe and Well Visits", "", "Visit 14,000 homes to deliver Safe and Well Visits", "19,383", "GREEN"),
    ("The proportion of residents who feel that the Council keeps them informed", "", "Greater than 50%", "51% (+/-3.7%)", "GREEN"),
    ("The proportion of residents who feel that the Council keeps them informed", "", "Greater than 48%", "48% (2003)", "AMBER"),
    ("Average customer wait time to corporate contact centre", "", "4 minutes (Quarterly target)", "05:40", "RED"),
    ("Number of council working days lost to sickness per full time equivalent post", "", "10.3 days",
     "2.1 days having been lost to absence per FTE in the period", "GREEN"),
    ("Reduce vehicle crime", "2,375", "Reduce theft of a vehicle by 21% by 2008", "1,368 (4.8% reduction)", "GREEN"),
    ("Reduce assault with injury", "25,191", "Reduce personal robbery 15% by 2008", "12,589 (4.3% reduction)", "GREEN"),
    ("Reduce total crime", "40,861 (3%)", "PSA 1 Target to reduce all crime within the 10 British Crime Survey Categories by 18% by March 2008",
     "30,658", "GREEN"),
    ("Reduce the proportion of adult and young offenders, and prolific and other priority offenders who re-offend.",
     "8.48% (December 2012)", "TBC", "8.77% (12m to Sept 12)", "NO TARGET"),
    ("Reduce the number of young people entering the criminal justice system", "455 (March 13)",
     "Indicators to be agreed in negotiations", "Data Not yet available", "AWAITED"),
    ("Increase the number of people exiting drug programmes with a successful outcome", "", "To be set", "NYA", "AWAITED"),
    ("All Crime", "50.30", "2016/17 Target: Reduction on last years figures", "53.18", "RED"),
    ("Drug Offences", "7.37", "TBC", "0.32", "NO TARGET"),  # polarity unclear, but no target: nothing hinges on it
    ("Feeling safe in your community", "", "Target 90%", "87.4%", "AMBER"),
    ("Percentage of victims satisfied with ease of contact.", "", "Target 90%", "98.2% (+/-0.7%)", "GREEN"),
    ("The percentage point difference between satisfaction of White and Black and Minority Ethnic Victims of Crime", "",
     "no more than 5 per cent.", "4.0", "GREEN"),
    ("The average time for processing new benefit claims.", "", "48.5 days", "65 days", "RED"),
    ("The average time for processing new benefit claims.", "", "48.5 days", "31.02days", "GREEN"),
    ("Number of cases heard at MARAC", "", "TBC", "454", "NO TARGET"),  # polarity unclear; nothing hinges on it
    ("Repeat incidents of domestic abuse", "There were 25 repeat cases from the 183 referrals made.",
     "19(25%reduction on 25 repeat incidents)", "10", "GREEN"),
    ("Reduce the number of deliberate **secondary fires per 10,000 population", "7.08",
     "a reduction in the slight casualty rate by 10%.", "6.53", "AMBER"),
    ("Wholetime appliance availability", "", "100", "98.11", "AMBER"),
    ("Young people who have committed SYV, who have re-offended in the year", "34% (September 11)",
     "Attainment: Current good performance should be maintained", "34.5% (March 2011)", "AMBER"),
    ("Increase in referrals to Domestic Abuse services", "2,737", "Attainment: Improvement in performance is expected",
     "2806", "GREEN"),
    ("Fire-related deaths", "", "TBC", "Under 5", "AWAITED"),
]
HEADER = [
    ["Overview – Indicator Summary", "", "Context – baseline information", "", "", "", "Looking Ahead", "", "",
     "Performance", "", "", "", "Commentary (* denotes current quarter)", "", "", ""],
    ["Ref", "Description", "2008/09", "2009/10", "2010/11", "Comparator", "Targets", "", "", "Q1*", "Q2", "Q3", "Q4",
     "Q1*", "Q2", "Q3", "Q4"],
    ["", "", "", "", "", "", "2011/12", "2012/13", "2013/14", "", "", "", "", "", "", "", ""],
]


def grid() -> list[list[str]]:
    rows = [list(r) for r in HEADER]
    for n, (description, outturn, target, figure, _) in enumerate(ROWS, start=1):
        rows.append([f"R{n:02d}", description, "", "", outturn, "", target, "", "", figure, "", "", "", "", "", "", ""])
    return rows


def test_summary_is_assembled_from_the_corpus():
    cells = [c for d, o, t, f, _ in ROWS for c in (d, o, t, f) if c]
    sources = {CORPUS[c] for c in cells if c in CORPUS}
    got = (all(c in CORPUS for c in cells), len(ROWS) >= 30, len(sources) >= 8)
    assert got == (True, True, True)


_NUMBER = re.compile(r"^(?P<num>-?[\d,]*\.?\d+)(?P<pct>%)?$")


def typed(cell: str) -> tuple[object, str | None]:
    """A cell as a spreadsheet holds it when typed: '36.2%' is 0.362 formatted 0.0%, '2,375' is 2375."""
    m = _NUMBER.match(cell)
    if not m:
        return (cell or None), None
    number = float(m["num"].replace(",", ""))
    places = len(m["num"].split(".")[1]) if "." in m["num"] else 0
    digits = "0" + ("." + "0" * places if places else "")
    if m["pct"]:
        return number / 100, digits + "%"
    return number, ("#,##0" + digits[1:] if "," in m["num"] else digits)


def write(path: Path) -> Path:
    rows = grid()
    if path.suffix == ".tsv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)
        return path
    book = openpyxl.Workbook()
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            value, fmt = typed(text) if r > len(HEADER) else (text or None, None)
            cell = book.active.cell(r, c, value)
            if fmt:
                cell.number_format = fmt
    book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".tsv", ".xlsx"])
def test_import_corpus_summary_statuses(tmp_path, suffix):
    book = read_legacy(write(tmp_path / f"corpus_summary{suffix}")).partnership
    got = [(e.ref, e.status.value) for e in evaluate(book)]
    assert got == [(f"R{n:02d}", row[-1]) for n, row in enumerate(ROWS, start=1)]
