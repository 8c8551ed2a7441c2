"""Reading the partnership's existing "Overview – Indicator Summary" (the Derby seed's layout)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from csp_status.core.errors import BookError
from csp_status.core.vocabulary import Polarity, Unit
from csp_status.workbook.legacy import parse_legacy_rows, read_legacy

PM = [f"CNP PM{n}" for n in range(1, 10)]
LOWER, HIGHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER

FIX_HEADER = ("make the header row read 'Ref | Description | baseline years | Comparator | Targets | "
              "Q1–Q4 | Q1–Q4' (figures, then commentary), as in the partnership's summary")


def seed_rows(seed_path: Path) -> list[list[str]]:
    with seed_path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def write_tsv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)
    return path


# ---- the seed ----------------------------------------------------------------------------------

def test_read_legacy_seed_indicators(seed_book):
    got = [(ind.ref, ind.polarity, ind.unit) for ind in seed_book.indicators]
    assert got == [
        ("CNP PM1", LOWER, Unit.NUMBER),  # "Fewer convictions…"
        ("CNP PM2", LOWER, Unit.PERCENT),  # "Fewer repeat burglaries"
        ("CNP PM3", LOWER, Unit.NUMBER),  # "Reduction in overall crime"
        ("CNP PM4", LOWER, Unit.PER_1000),  # "Fewer new offences committed"
        ("CNP PM5", LOWER, Unit.NUMBER),  # "Reduction in the number of attendances…"
        ("CNP PM6", LOWER, Unit.NUMBER),  # "Reduction in the number of offenders…"
        ("CNP PM7", HIGHER, Unit.PERCENT),  # "Increase in the number of successful…"
        ("CNP PM8", HIGHER, Unit.PERCENT),
        ("CNP PM9", LOWER, Unit.PERCENT),  # "Reduction in repeat incidents…"
    ]


def test_read_legacy_seed_descriptions(seed_book):
    got = {ind.ref: ind.description for ind in seed_book.indicators}
    assert got == {
        "CNP PM1": "Fewer convictions amongst those re-offenders who have participated in the "
                   "Integrated Offender Management (IOM) programme",
        "CNP PM2": "Fewer repeat burglaries",
        "CNP PM3": "Reduction in overall crime",
        "CNP PM4": "Fewer new offences committed",
        "CNP PM5": "Reduction in the number of attendances at the Emergency department for alcohol "
                   "related incidents",
        "CNP PM6": "Reduction in the number of offenders with alcohol or drug problems",
        "CNP PM7": "Increase in the number of successful treatment outcomes for drug abusers",
        "CNP PM8": "Increase in the number of successful treatment outcomes for alcohol abusers",
        "CNP PM9": "Reduction in repeat incidents of domestic violence",
    }


def test_read_legacy_seed_comparators(seed_book):
    got = {ind.ref: ind.comparator for ind in seed_book.indicators}
    assert got == {
        "CNP PM1": "n/a",
        "CNP PM2": "n/a",
        "CNP PM3": "11742",
        "CNP PM4": "48.2 per 1,000 residents",
        "CNP PM5": "n/a",
        "CNP PM6": "n/a",
        "CNP PM7": "n/a",
        "CNP PM8": "n/a",
        "CNP PM9": "n/a",
    }


def test_read_legacy_seed_settings(seed_book):
    got = (seed_book.settings.reporting_year, seed_book.settings.current_quarter, seed_book.settings.period,
           seed_book.years())
    assert got == ("2011/12", 1, "2011/12 Q1", ["2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14"])


def test_read_legacy_seed_baselines(seed_book):
    got = {ref: [seed_book.record(ref, year).outturn for year in ("2008/09", "2009/10", "2010/11")] for ref in PM}
    assert got == {
        "CNP PM1": ["n/a", "n/a", "n/a"],
        "CNP PM2": ["5.89%", "5.36%", "7.21%"],
        "CNP PM3": ["14467", "13267", "13485"],
        "CNP PM4": ["59.2 per 1,000 residents", "53.5 per 1,000 residents", "55.2 per 1,000 residents"],
        "CNP PM5": ["n/a", "n/a", "n/a"],
        "CNP PM6": ["n/a", "n/a", "n/a"],
        "CNP PM7": ["19% (63/337) (care-planned exits/total exits)", "31% (95/306)", "43% (150/346)"],
        "CNP PM8": ["63.30% (124/196) (care-planned exits/total exits)", "71.10% (170/239)", "42.80% (181/423)"],
        "CNP PM9": ["14.22% (number of repeats/ total recorded dv)", "14.71%", "15.45%"],
    }


def test_read_legacy_seed_targets(seed_book):
    got = {ref: [seed_book.record(ref, year).target for year in ("2011/12", "2012/13", "2013/14")] for ref in PM}
    assert got == {
        "CNP PM1": ["Baseline year", "TBA", "TBA"],
        "CNP PM2": ["7.1% (1.5%)", "(6.9% 3%)", "(6.8% 5%)"],
        "CNP PM3": ["13282", "13080", "12810"],
        "CNP PM4": ["54.3 per 1,000 residents (-1.5%)", "53.5 per 1,000 residents (-3%)",
                    "52.4 per 1,000 residents (-5%)"],
        "CNP PM5": ["Baseline year", "TBA", "TBA"],
        "CNP PM6": ["Baseline year", "TBA", "TBA"],
        "CNP PM7": ["Targets TBC from NTA"] * 3,
        "CNP PM8": ["TBC nationally"] * 3,
        "CNP PM9": ["15.2% (-1.5%)", "15 (-3%)", "14.7% (-5%)"],
    }


def test_read_legacy_seed_current_quarter(seed_book):
    got = {ref: seed_book.record(ref, "2011/12").quarters for ref in PM}
    assert got == {
        "CNP PM1": ["Awaited", None, None, None],
        "CNP PM2": ["(-7.75%)", None, None, None],
        "CNP PM3": ["13,102", None, None, None],
        "CNP PM4": ["53.7 per 1,000 residents", None, None, None],
        "CNP PM5": ["Awaited", None, None, None],
        "CNP PM6": ["Awaited", None, None, None],
        "CNP PM7": ["50% (62/124)", None, None, None],
        "CNP PM8": ["42% (42/99)", None, None, None],
        "CNP PM9": ["15.59%", None, None, None],
    }


def test_read_legacy_seed_commentary_moves_from_q4_to_q1(seed_path, seed_book):
    rows = {row[0]: row for row in seed_rows(seed_path) if row and row[0].startswith("CNP")}
    got = {ref: seed_book.record(ref, "2011/12").commentary for ref in PM}
    assert got == {ref: [rows[ref][16], "", "", ""] for ref in PM}
    assert all(rows[ref][16] and not rows[ref][13] for ref in PM)  # the seed has it under Q4


def test_read_legacy_seed_commentary_kept_word_for_word(seed_book):
    got = seed_book.record("CNP PM6", "2011/12").commentary[0]
    assert got == "Methodology to be agreed"


def test_read_legacy_seed_notices(seed_path):
    got = read_legacy(seed_path).notices
    assert got == [
        f"{seed_path} row {line}: commentary under Q4 moved to Q1, the current quarter" for line in range(6, 15)
    ]


def test_read_legacy_seed_group_row(seed_path):
    got = [cell for cell in read_legacy(seed_path).group_row if cell]
    assert got == [
        "Overview – Indicator Summary",
        "Context – baseline information",
        "Looking Ahead",
        "Performance",
        "Commentary (* denotes current quarter)",
    ]


def test_read_legacy_csv_reads_as_tsv(seed_path, tmp_path):
    path = tmp_path / "derby.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(seed_rows(seed_path))
    from_csv, from_tsv = read_legacy(path), read_legacy(seed_path)
    got = (from_csv.partnership, [n.replace(str(path), "SOURCE") for n in from_csv.notices])
    assert got == (from_tsv.partnership, [n.replace(str(seed_path), "SOURCE") for n in from_tsv.notices])


def test_read_legacy_windows_1252_text(seed_path, tmp_path):
    path = tmp_path / "derby.tsv"
    path.write_bytes(seed_path.read_text(encoding="utf-8").encode("cp1252"))
    got = read_legacy(path).partnership
    assert got == read_legacy(seed_path).partnership


def test_read_legacy_commentary_already_in_current_quarter_stays(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    for row in rows:
        if row and row[0].startswith("CNP"):
            row[13], row[16] = row[16], ""
    sheet = read_legacy(write_tsv(tmp_path / "moved.tsv", rows))
    got = (sheet.notices, sheet.partnership.record("CNP PM6", "2011/12").commentary)
    assert got == ([], ["Methodology to be agreed", "", "", ""])


def test_read_legacy_blank_rows_below_are_skipped_and_unreffed_rows_noticed(seed_path, tmp_path):
    rows = seed_rows(seed_path) + [[""] * 17, ["", "A note under the table"]]
    path = write_tsv(tmp_path / "extra.tsv", rows)
    sheet = read_legacy(path)
    got = ([ind.ref for ind in sheet.partnership.indicators], sheet.notices[-1])
    assert got == (PM, f"{path} row 16: no Ref in column A; row skipped")


# ---- bad input ---------------------------------------------------------------------------------

def test_read_legacy_without_ref_header(seed_path, tmp_path):
    rows = [row for row in seed_rows(seed_path) if not (row and row[0] == "Ref")]
    path = write_tsv(tmp_path / "noref.tsv", rows)
    with pytest.raises(BookError) as info:
        read_legacy(path)
    got = str(info.value)
    assert got == f"{path}: no header row with 'Ref' in column A; {FIX_HEADER}"


def test_read_legacy_duplicated_ref(seed_path, tmp_path):
    rows = seed_rows(seed_path)
    rows.append(next(row for row in rows if row and row[0] == "CNP PM2"))
    path = write_tsv(tmp_path / "twice.tsv", rows)
    with pytest.raises(BookError) as info:
        read_legacy(path)
    got = str(info.value)
    assert got == (
        f"{path} row 15: indicator ref 'CNP PM2' is already used on row 7; give each indicator its own ref"
    )


@pytest.mark.parametrize(
    ("name", "content", "exp"),
    [
        ("binary.tsv", b"Ref\tDescription\x00\x01\x02", "not a text file (it looks like a binary or zip file)"),
        ("binary.csv", bytes(range(256)), "not a text file (it looks like a binary or zip file)"),
        ("undecodable.tsv", b"Ref\tDescription\x81\x8d\n", "not a text file in UTF-8 or Windows-1252"),
        ("empty.tsv", b"", "no header row with 'Ref' in column A"),
        ("summary.ods", b"PK\x03\x04", "cannot import a '.ods' file; use .tsv, .csv or .xlsx"),
        ("summary", b"Ref\tDescription\n", "cannot import a '' file; use .tsv, .csv or .xlsx"),
    ],
)
def test_read_legacy_bad_file_names_the_file(tmp_path, name, content, exp):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BookError) as info:
        read_legacy(path)
    got = str(info.value)
    assert got.startswith(f"{path}: ") and exp in got


def test_read_legacy_zip_named_tsv(tmp_path):
    path = tmp_path / "summary.tsv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(BookError) as info:
        read_legacy(path)
    got = str(info.value)
    assert got == f"{path}: not a text file (it looks like a binary or zip file); import the workbook as .xlsx, or save the summary from Excel as 'Text (Tab delimited)'"


def test_read_legacy_missing_file(tmp_path):
    path = tmp_path / "absent.tsv"
    with pytest.raises(BookError) as info:
        read_legacy(path)
    got = str(info.value)
    assert got == f"{path}: no such file; check the name and the folder"


def test_book_error_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        read_legacy(tmp_path / "absent.tsv")


@pytest.mark.parametrize(
    ("rows", "exp"),
    [
        ([["Ref", "Name"]], f"the sheet row 1: expected 'Description' in column B after 'Ref'; {FIX_HEADER}"),
        ([["Ref", "Description", "2010/11", "Q1", "Q2", "Q3", "Q4"]],
         f"the sheet row 1: no 'Targets' column header; {FIX_HEADER}"),
        ([["Ref", "Description", "2010/11", "Targets", "Q1", "Q2"]],
         f"the sheet row 1: expected quarter headers 'Q1'–'Q4' for performance; {FIX_HEADER}"),
        ([["Ref", "Description", "Comparator", "Targets", "Q1", "Q2", "Q3", "Q4"]],
         f"the sheet row 1: no baseline year columns (such as '2010/11') before 'Targets'; {FIX_HEADER}"),
        ([["Ref", "Description", "2010/11", "Targets", "Q1", "Q2", "Q3", "Q4"]],
         "the sheet: no indicator rows under the header on row 1; put one row per indicator under it, with its "
         "ref in column A"),
    ],
)
def test_parse_legacy_rows_bad_layout(rows, exp):
    with pytest.raises(BookError) as info:
        parse_legacy_rows(rows)
    got = str(info.value)
    assert got == exp


def test_parse_legacy_rows_minimal_layout_with_numbers():
    rows = [
        ["Ref", "Description", "2010/11", "Targets 2011/12", "Q1", "Q2*", "Q3", "Q4"],
        ["R1", "Increase in detections", 40.0, 45, 41, 44.5, None, None],
    ]
    book = parse_legacy_rows(rows).partnership
    record = book.record("R1", "2011/12")
    got = (book.settings.period, book.indicators[0].polarity, book.record("R1", "2010/11").outturn,
           record.target, record.quarters)
    assert got == ("2011/12 Q2", HIGHER, 40.0, 45, [41, 44.5, None, None])


def test_read_legacy_seed_polarity_notes_name_the_deciding_words(seed_book):
    got = [(ind.ref, ind.notes) for ind in seed_book.indicators[:3]]
    assert got == [
        ("CNP PM1", "polarity: lower is better, from 'fewer' in the description"),
        ("CNP PM2", "polarity: lower is better, from 'fewer' in the description"),
        ("CNP PM3", "polarity: lower is better, from 'reduction' in the description"),
    ]


@pytest.mark.parametrize(
    ("description", "target", "exp"),
    [
        ("Number of victims who did not feel supported", "", (LOWER, "polarity: lower is better, from "
                                                               "'not \u2026 supported' in the description")),
        ("Safe and Well visits", "at least 500", (HIGHER, "polarity: higher is better, from 'at least' in the target")),
        ("Number of Prevent referrals", "", (None, "polarity not set: 'referrals' may be good or bad to see more of; "
                                                   "choose 'Lower is better' or 'Higher is better' in Indicators")),
    ],
)
def test_parse_legacy_rows_polarity_and_its_note(description, target, exp):
    rows = [
        ["Ref", "Description", "2010/11", "Targets 2011/12", "Q1*", "Q2", "Q3", "Q4"],
        ["R1", description, 40.0, target, 41, None, None, None],
    ]
    indicator = parse_legacy_rows(rows).partnership.indicators[0]
    got = (indicator.polarity, indicator.notes)
    assert got == exp
