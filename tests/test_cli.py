"""The ``csp`` command line: exact output, exit codes, and clear messages for bad input.

Commands run in the test's own folder with relative names, as an analyst types them, so the
messages below are exactly what the analyst reads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bookedit
import pytest
from python_calamine import CalamineWorkbook

from csp_status.cli import main

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "csp_workbook.xlsm"
CSP = Path(sys.executable).with_name("csp")

SEED_STATUSES = {
    "CNP PM1": "AWAITED", "CNP PM2": "CHECK", "CNP PM3": "GREEN", "CNP PM4": "GREEN",
    "CNP PM5": "AWAITED", "CNP PM6": "AWAITED", "CNP PM7": "NO TARGET", "CNP PM8": "NO TARGET",
    "CNP PM9": "AMBER",
}
JSON_FIELDS = {"ref", "description", "period", "value", "target", "status", "gap", "trend", "notes"}

SEED_TABLE = """\
Ref      Status     Value                     Target                            Gap to target                  Trend
-------  ---------  ------------------------  --------------------------------  -----------------------------  -----------
CNP PM1  AWAITED    Awaited                   Baseline year
CNP PM2  CHECK      (-7.75%)                  7.1% (1.5%)
CNP PM3  GREEN      13,102                    13282                             −180 (1.4% below target)       ↑ IMPROVING
CNP PM4  GREEN      53.7 per 1,000 residents  54.3 per 1,000 residents (-1.5%)  −0.6 (1.1% below target)       ↑ IMPROVING
CNP PM5  AWAITED    Awaited                   Baseline year
CNP PM6  AWAITED    Awaited                   Baseline year
CNP PM7  NO TARGET  50% (62/124)              Targets TBC from NTA                                             ↑ IMPROVING
CNP PM8  NO TARGET  42% (42/99)               TBC nationally                                                   ↓ WORSENING
CNP PM9  AMBER      15.59%                    15.2% (-1.5%)                     +0.39 pts (2.6% above target)  ↓ WORSENING
"""


@pytest.fixture(scope="module")
def imported(seed_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("imported") / "x.xlsm"
    assert main(["import", str(seed_path), "-o", str(out)]) == 0
    return out


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def book(imported, here) -> Path:
    shutil.copyfile(imported, here / "x.xlsm")
    return Path("x.xlsm")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_statuses(text: str) -> dict[str, str]:
    return {row["ref"]: row["status"] for row in json.loads(text)}


# ---- import, refresh, status -------------------------------------------------------------------

def test_main_import_refresh_status_json(seed_path, here, capsys):
    code, out, err = run(capsys, "import", str(seed_path), "-o", "x.xlsm")
    assert code == 0
    assert out == SEED_TABLE + f"\nx.xlsm: made from {seed_path} with 9 indicators.\n"
    assert err.splitlines() == [
        f"Note: {seed_path} row {line}: commentary under Q4 moved to Q1, the current quarter" for line in range(6, 15)
    ]
    assert run(capsys, "refresh", "x.xlsm") == (
        0, SEED_TABLE + "\nx.xlsm: Summary already up to date for 2011/12 Q1.\n", "")
    code, out, err = run(capsys, "status", "x.xlsm", "--format", "json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert json_statuses(out) == SEED_STATUSES
    assert all(JSON_FIELDS <= set(row) for row in rows)
    pm9 = next(row for row in rows if row["ref"] == "CNP PM9")
    assert {k: pm9[k] for k in ("period", "value", "target", "status", "trend", "notes")} == {
        "period": "2011/12 Q1", "value": 0.1559, "target": 0.152, "status": "AMBER", "trend": "WORSENING",
        "notes": "",
    }
    assert pm9["gap"] == 0.0039  # 15.59% less 15.2%, written plainly (not 0.0039000000000000007)
    assert '"gap": 0.0039,' in out
    pm2 = next(row for row in rows if row["ref"] == "CNP PM2")
    assert (pm2["status"], pm2["gap"], pm2["notes"]) == ("CHECK", None, "'(-7.75%)' is a negative proportion")


def test_csp_executable_import_refresh_status_json(seed_path, tmp_path):
    def csp(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(CSP), *argv], cwd=tmp_path, capture_output=True, text=True,
                              encoding="utf-8", timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    made = csp("import", str(seed_path), "-o", "x.xlsm")
    assert (made.returncode, made.stdout.splitlines()[-1]) == (0, f"x.xlsm: made from {seed_path} with 9 indicators.")
    refreshed = csp("refresh", "x.xlsm")
    assert (refreshed.returncode, refreshed.stderr) == (0, "")
    status = csp("status", "x.xlsm", "--format", "json")
    assert (status.returncode, status.stderr) == (0, "")
    assert json_statuses(status.stdout) == SEED_STATUSES
    assert all(JSON_FIELDS <= set(row) for row in json.loads(status.stdout))


def test_main_status_table(book, capsys):
    assert run(capsys, "status", str(book)) == (0, SEED_TABLE, "")


def test_main_status_csv(book, capsys):
    code, out, err = run(capsys, "status", str(book), "-f", "csv")
    lines = out.splitlines()
    assert (code, err, len(lines)) == (0, "", 10)
    assert lines[0] == ("ref,description,period,value,value_text,target,target_text,status,gap,gap_text,"
                        "trend,previous,previous_period,notes")
    assert lines[2] == ("CNP PM2,Fewer repeat burglaries,2011/12 Q1,-0.0775,(-7.75%),0.071,7.1% (1.5%),CHECK,,,,"
                        "0.0721,2010/11 outturn,'(-7.75%)' is a negative proportion")


def test_main_status_does_not_write(book, capsys):
    bookedit.set_cell(book, "Data", f"E{bookedit.find_row(book, 'Data', A='CNP PM2', B='2011/12')}", "7.75%")
    edited = book.read_bytes()
    code, out, _ = run(capsys, "status", str(book), "-f", "json")
    assert (code, json_statuses(out)["CNP PM2"]) == (0, "RED")
    assert book.read_bytes() == edited


def test_main_refresh_after_edit_pm2_red(book, capsys):
    row = bookedit.find_row(book, "Data", A="CNP PM2", B="2011/12")
    bookedit.set_cell(book, "Data", f"E{row}", "7.75%")
    code, out, err = run(capsys, "refresh", str(book))
    assert (code, err) == (0, "")
    assert out.splitlines()[3] == (
        "CNP PM2  RED        7.75%                     7.1% (1.5%)                       "
        "+0.65 pts (9.2% above target)  ↓ WORSENING"
    )
    assert out.endswith("\nx.xlsm: Summary refreshed for 2011/12 Q1.\n")
    code, out, _ = run(capsys, "status", str(book), "--format", "json")
    assert json_statuses(out) == {**SEED_STATUSES, "CNP PM2": "RED"}
    summary = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Summary").to_python()
    assert {row[0]: row[17] for row in summary[3:]}["CNP PM2"] == "RED"
    assert bookedit.cached_value(book, "Data", f"N{row}")[1] == "RED"
    assert run(capsys, "refresh", "--quiet", str(book)) == (0, "", "")


def test_main_refresh_unreadable_value_is_check(book, capsys):
    bookedit.set_cell(book, "Data", f"E{bookedit.find_row(book, 'Data', A='CNP PM3', B='2011/12')}", "seven")
    code, _, err = run(capsys, "refresh", "-q", str(book))
    assert (code, err) == (0, "")
    code, out, _ = run(capsys, "status", str(book), "--format", "json")
    pm3 = next(row for row in json.loads(out) if row["ref"] == "CNP PM3")
    assert (code, pm3["status"], pm3["value"], pm3["gap"], pm3["trend"]) == (0, "CHECK", None, None, None)
    assert pm3["notes"].startswith("cannot read 'seven': expected a number")


def test_main_refresh_hand_edited_formula_note(book, capsys):
    row = bookedit.find_row(book, "Data", A="CNP PM9", B="2011/12")
    bookedit.set_formula(book, "Data", f"N{row}", '"GREEN"', "GREEN")
    code, _, err = run(capsys, "refresh", "-q", str(book))
    assert (code, err) == (0, f"Note: x.xlsm: sheet 'Data' cell N{row}: the formula was changed by hand; "
                              "its shown value was left as it was\n")


# ---- bad input: "Error: ..." on stderr, exit 1 ------------------------------------------------

def _text_renamed(here: Path, imported: Path) -> None:
    (here / "bad.xlsm").write_text("Ref\tDescription\nCNP PM1\tsomething\n")


def _truncated(here: Path, imported: Path) -> None:
    (here / "bad.xlsm").write_bytes(imported.read_bytes()[:4000])


def _truncated_tail(here: Path, imported: Path) -> None:
    (here / "bad.xlsm").write_bytes(imported.read_bytes()[:-30])


def _folder(here: Path, imported: Path) -> None:
    (here / "bad.xlsm").mkdir()


def _missing(here: Path, imported: Path) -> None:
    pass


def _with_book(edit):
    def setup(here: Path, imported: Path) -> None:
        shutil.copyfile(imported, here / "bad.xlsm")
        edit(here / "bad.xlsm")
    return setup


NOT_ZIP = ("Error: bad.xlsm: not an Excel workbook (not a zip package: File is not a zip file); choose the "
           "workbook itself, or restore it from a backup\n")


@pytest.mark.parametrize("command", ["refresh", "status"])
@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (_text_renamed, NOT_ZIP),
        (_truncated, NOT_ZIP),
        (_truncated_tail, NOT_ZIP),
        (_folder, "Error: bad.xlsm: is a folder, not a workbook; give the workbook's file name\n"),
        (_missing, "Error: bad.xlsm: no such file; check the name and the folder\n"),
        (_with_book(lambda b: bookedit.set_cell(b, "Settings", "B5", "five")),
         "Error: bad.xlsm: sheet 'Settings' cell B5: cannot read 'five' as the current quarter; type 1, 2, 3 or 4\n"),
        (_with_book(lambda b: bookedit.set_cell(b, "Data", "A8", "CNP PM10")),
         "Error: bad.xlsm: sheet 'Data' cell A8: ref 'CNP PM10' is not on the 'Indicators' sheet; add the "
         "indicator there first, or correct the ref\n"),
        (_with_book(lambda b: bookedit.set_cell(b, "Indicators", "A10", "CNP PM8")),
         "Error: bad.xlsm: sheet 'Indicators' cell A10: indicator ref 'CNP PM8' is already used on row 9; give "
         "each indicator its own ref\n"),
        (_with_book(lambda b: bookedit.rename_sheet(b, "Data", "data (old)")),
         "Error: bad.xlsm: not a CSP Status workbook: no sheet named 'Data' (it has 'Summary', 'Trends', 'Indicators', "
         "'data (old)', 'Settings', 'xlwings.conf'); make one with 'csp import'\n"),
        (_with_book(lambda b: bookedit.set_cell(b, "Data", "N1", "RAG")), None),  # formula headers are optional
        (_with_book(lambda b: bookedit.set_cell(b, "Data", "D1", "Goal")),
         "Error: bad.xlsm: sheet 'Data' cell D1: expected the header 'Target' in row 1 of sheet 'Data'; "
         "restore it (headers may move but not be renamed)\n"),
    ],
    ids=["text-renamed", "truncated-zip", "truncated-tail", "folder", "missing", "quarter-five", "unknown-ref",
         "duplicated-ref", "no-data-sheet", "formula-header-renamed", "no-target-header"],
)
def test_main_bad_book(imported, here, capsys, request, command, setup, message):
    setup(here, imported)
    before = {p.name: (p.read_bytes() if p.is_file() else None) for p in here.iterdir()}
    code, out, err = run(capsys, command, "bad.xlsm")
    after = {p.name: (p.read_bytes() if p.is_file() else None) for p in here.iterdir()}
    if message is None:
        assert (code, err) == (0, "")
        return
    assert (code, out, err) == (1, "", message)
    assert after == before  # nothing written, nothing left beside it


def _legacy_without_headers(here: Path, seed_path: Path) -> None:
    (here / "legacy.tsv").write_text("Name\tAddress\nAnn\t1 High St\n", encoding="utf-8")  # not a summary


def _legacy_duplicated_ref(here: Path, seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8").replace("CNP PM9\t", "CNP PM8\t")
    (here / "legacy.tsv").write_text(text, encoding="utf-8")


def _legacy_renamed_text(here: Path, seed_path: Path) -> None:
    (here / "legacy.xlsx").write_bytes(seed_path.read_bytes())


def _legacy_truncated_zip(here: Path, seed_path: Path) -> None:
    (here / "legacy.xlsx").write_bytes(BUNDLED.read_bytes()[:3000])


def _existing_output(here: Path, seed_path: Path) -> None:
    shutil.copyfile(seed_path, here / "legacy.tsv")
    (here / "x.xlsm").write_bytes(b"officer's book")


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        (_legacy_without_headers, ["legacy.tsv", "-o", "x.xlsm"],
         "Error: legacy.tsv row 1: no column header names a period or an indicator's figures (headers found: "
         "'Name' | 'Address'); head each column in one row above the figures: the indicators' names 'Description' "
         "(and 'Ref'), the figures with their period ('Q1', '2013/14', 'Oct–Dec 2012', 'YTD') or a word such as "
         "'Value', 'Target', 'Baseline', 'Comparator'\n"),
        (_legacy_duplicated_ref, ["legacy.tsv", "-o", "x.xlsm"],
         "Error: legacy.tsv row 14: indicator ref 'CNP PM8' is already used on row 13; give each indicator its "
         "own ref\n"),
        (_legacy_renamed_text, ["legacy.xlsx", "-o", "x.xlsm"],
         "Error: legacy.xlsx: not an Excel workbook (not a zip package: File is not a zip file); choose the "
         "workbook itself, or restore it from a backup\n"),
        (_legacy_truncated_zip, ["legacy.xlsx", "-o", "x.xlsm"],
         "Error: legacy.xlsx: not an Excel workbook (not a zip package: File is not a zip file); choose the "
         "workbook itself, or restore it from a backup\n"),
        (_existing_output, ["legacy.tsv", "-o", "x.xlsm"],
         "Error: x.xlsm: already exists; choose another name, or pass --force to replace it\n"),
        (_existing_output, ["legacy.tsv", "-o", "y.xlsx"],
         "Error: y.xlsx: a master workbook keeps macros, so its name must end in .xlsm; give it a name such as "
         "'y.xlsm'\n"),
        (lambda here, seed: None, ["missing.tsv", "-o", "x.xlsm"], "Error: missing.tsv: no such file; check the name and the folder\n"),
    ],
    ids=["no-headers", "duplicated-ref", "text-renamed-xlsx", "truncated-xlsx", "existing-output",
         "not-xlsm", "missing-legacy"],
)
def test_main_import_bad_input(seed_path, here, capsys, setup, argv, message):
    setup(here, seed_path)
    before = {p.name: p.read_bytes() for p in here.iterdir()}
    assert run(capsys, "import", *argv) == (1, "", message)
    assert {p.name: p.read_bytes() for p in here.iterdir()} == before


def test_main_import_force_replaces(seed_path, imported, here, capsys):
    (here / "x.xlsm").write_bytes(b"officer's old book")
    code, out, _ = run(capsys, "import", str(seed_path), "-o", "x.xlsm", "--force")
    assert (code, out.splitlines()[-1]) == (0, f"x.xlsm: made from {seed_path} with 9 indicators.")
    assert (here / "x.xlsm").read_bytes() == imported.read_bytes()


def test_main_refresh_open_in_excel(book, capsys):
    Path("~$x.xlsm").write_bytes(b"officer")
    before = book.read_bytes()
    assert run(capsys, "refresh", str(book)) == (
        1, "", "Error: x.xlsm: the book is open in Excel (~$x.xlsm is beside it); close it first, or use the "
               "'Refresh statuses' button inside Excel (if Excel is not running, ~$x.xlsm was left by a crash: "
               "delete it)\n")
    assert book.read_bytes() == before


def test_main_refresh_default_book(imported, here, capsys):
    shutil.copyfile(imported, here / "csp_workbook.xlsm")
    code, out, _ = run(capsys, "refresh")
    assert (code, out.splitlines()[-1]) == (0, "csp_workbook.xlsm: Summary already up to date for 2011/12 Q1.")


def test_main_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2
    assert out.startswith("usage: csp")
    assert all(command in out for command in ("refresh", "status", "import", "build"))


# ---- build --------------------------------------------------------------------------------------

def test_main_build_check_committed_workbook(capsys):
    before = BUNDLED.read_bytes()
    assert run(capsys, "build", "--check", "-o", str(BUNDLED)) == (0, f"{BUNDLED}: the same as a fresh build.\n", "")
    assert BUNDLED.read_bytes() == before


def test_main_build_check_fails_on_edited_copy(here, capsys):
    # a fresh build (the committed workbook, when it is up to date), then an officer's edit
    assert main(["build", "-o", "copy.xlsm"]) == 0
    capsys.readouterr()
    bookedit.set_cell(here / "copy.xlsm", "Settings", "B3", "Derby City")
    assert run(capsys, "build", "--check", "-o", "copy.xlsm") == (
        1, "", "Error: copy.xlsm: differs from a fresh build in xl/worksheets/sheet4.xml; run 'csp build' and "
               "commit the result\n")


def test_main_build_check_missing(here, capsys):
    assert run(capsys, "build", "--check", "-o", "none.xlsm") == (
        1, "", "Error: none.xlsm: no such file; run 'csp build' to make it\n")


def test_main_build_writes_the_bundled_workbook(here, capsys):
    assert run(capsys, "build", "-o", "new.xlsm") == (0, "new.xlsm: built.\n", "")
    assert (here / "new.xlsm").read_bytes() == BUNDLED.read_bytes()
    assert run(capsys, "build", "-o", "new.xlsm") == (0, "new.xlsm: already up to date.\n", "")
    assert sorted(p.name for p in here.iterdir()) == ["new.xlsm"]


# ---- import --show-layout -----------------------------------------------------------------------

SEED_LAYOUT = """\
Column  Header                                        Role             Period   Confidence  Reason
------  --------------------------------------------  ---------------  -------  ----------  ------------------------------------------------
A       Overview – Indicator Summary › Ref            ref                       0.90        header word 'ref'
B       Overview – Indicator Summary › Description    description               0.90        header word 'description'
C       Context – baseline information › 2008/09      baseline         2008/09  0.75        group header word 'baseline information'
D       Context – baseline information › 2009/10      baseline         2009/10  0.75        group header word 'baseline information'
E       Context – baseline information › 2010/11      baseline         2010/11  0.75        group header word 'baseline information'
F       Context – baseline information › Comparator   comparator                0.90        header word 'comparator'
G       Looking Ahead › Targets › 2011/12             target           2011/12  0.75        group header word 'targets'
H       Looking Ahead › Targets › 2012/13             target           2012/13  0.75        group header word 'targets'
I       Looking Ahead › Targets › 2013/14             target           2013/14  0.75        group header word 'targets'
J       Performance › Q1*                             value (current)  Q1       0.75        group header word 'performance'; current: the header 'Performance › Q1*' carries the star
K       Performance › Q2                              value            Q2       0.75        group header word 'performance'
L       Performance › Q3                              value            Q3       0.75        group header word 'performance'
M       Performance › Q4                              value            Q4       0.75        group header word 'performance'
N       Commentary (* denotes current quarter) › Q1*  commentary       Q1       0.75        group header word 'commentary'
O       Commentary (* denotes current quarter) › Q2   commentary       Q2       0.75        group header word 'commentary'
P       Commentary (* denotes current quarter) › Q3   commentary       Q3       0.75        group header word 'commentary'
Q       Commentary (* denotes current quarter) › Q4   commentary       Q4       0.75        group header word 'commentary'

seed.tsv: header on rows 3, 4, 5; 9 indicator rows, refs from the ref column.
Current period: Q1 (column J).
Note: Q1 names no year: the first target year, 2011/12, is taken as the reporting year
"""


def test_main_import_show_layout_seed(seed_path, here, capsys):
    shutil.copyfile(seed_path, here / "seed.tsv")
    before = {p.name: p.read_bytes() for p in here.iterdir()}
    assert run(capsys, "import", "--show-layout", "seed.tsv") == (0, SEED_LAYOUT, "")
    assert {p.name: p.read_bytes() for p in here.iterdir()} == before  # nothing written


def test_main_import_show_layout_writes_no_book_even_with_output(seed_path, here, capsys):
    shutil.copyfile(seed_path, here / "seed.tsv")
    code, out, err = run(capsys, "import", "--show-layout", "seed.tsv", "-o", "x.xlsm")
    assert (code, out, err) == (0, SEED_LAYOUT, "")
    assert not (here / "x.xlsm").exists()


def test_main_import_show_layout_refuses_an_unrecognisable_file(here, capsys):
    (here / "people.tsv").write_text("Name\tAge\tTown\nAlice\t34\tLeeds\nBob\t41\tDerby\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "--show-layout", "people.tsv")
    assert (code, out) == (1, "")
    assert err == (
        "Error: people.tsv row 1: no column header names a period or an indicator's figures (headers found: "
        "'Name' | 'Age' | 'Town'); head each column in one row above the figures: the indicators' names "
        "'Description' (and 'Ref'), the figures with their period ('Q1', '2013/14', 'Oct–Dec 2012', 'YTD') or a "
        "word such as 'Value', 'Target', 'Baseline', 'Comparator'\n")
    assert sorted(p.name for p in here.iterdir()) == ["people.tsv"]


def test_main_import_without_output_or_show_layout_is_a_usage_error(seed_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(seed_path)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.endswith("error: the following arguments are required: -o/--output\n")
