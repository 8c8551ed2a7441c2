"""``csp import``: a partnership's legacy summary into a new master workbook, nothing lost."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import bookedit
import openpyxl
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from csp_status.core.errors import BookError
from csp_status.core.judgement import evaluate
from csp_status.importer import import_legacy, read_summary

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "csp_workbook.xlsm"
SEED_STATUSES = {
    "CNP PM1": "AWAITED", "CNP PM2": "CHECK", "CNP PM3": "GREEN", "CNP PM4": "GREEN",
    "CNP PM5": "AWAITED", "CNP PM6": "AWAITED", "CNP PM7": "NO TARGET", "CNP PM8": "NO TARGET",
    "CNP PM9": "AMBER",
}

FIX_HEADER = ("make the header row read 'Ref | Description | baseline years | Comparator | Targets | "
              "Q1–Q4 | Q1–Q4' (figures, then commentary), as in the partnership's summary")


def seed_rows(seed_path: Path) -> list[list[str]]:
    with seed_path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def indicator_rows(seed_path: Path) -> list[list[str]]:
    return [row for row in seed_rows(seed_path) if row and row[0].startswith("CNP PM")]


def write_tsv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)
    return path


def sheet(book: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name(name).to_python()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- the seed ----------------------------------------------------------------------------------

def _xml_tags(data: bytes) -> list[str]:
    return [el.tag for el in etree.fromstring(data).iter()]


def test_import_legacy_seed_matches_bundled_workbook(imported):
    # golden: the committed workbook is the seed imported; same parts, binary parts byte for
    # byte, XML parts with the same element structure
    with zipfile.ZipFile(imported) as got, zipfile.ZipFile(BUNDLED) as exp:
        assert got.namelist() == exp.namelist()
        for name in exp.namelist():
            if name.endswith((".xml", ".rels")):
                assert _xml_tags(got.read(name)) == _xml_tags(exp.read(name)), name
            else:
                assert got.read(name) == exp.read(name), name


def test_import_legacy_seed_result(seed_path, tmp_path):
    result = import_legacy(seed_path, tmp_path / "x.xlsm")
    assert result.path == tmp_path / "x.xlsm"
    assert {e.ref: e.status.value for e in result.refresh.evaluations} == SEED_STATUSES
    assert result.notices == [
        f"{seed_path} row {line}: commentary under Q4 moved to Q1, the current quarter" for line in range(6, 15)
    ]
    assert listing(tmp_path) == ["x.xlsm"]  # no lock or temporary file left


def test_import_legacy_settings(imported):
    got = {row[0]: row[1] for row in sheet(imported, "Settings") if row[0]}
    assert (got["Partnership"], got["Reporting year"], got["Current quarter"]) == ("Derby", "2011/12", 1)


def test_import_legacy_commentary_kept_exactly(seed_path, imported):
    # the seed types each row's commentary under Q4 (column Q); it is the current quarter's (Q1*)
    seed = {row[0]: row[16] for row in indicator_rows(seed_path)}
    data = {row[0]: row[8:12] for row in sheet(imported, "Data")[1:] if row[1] == "2011/12"}
    assert data == {ref: [text, "", "", ""] for ref, text in seed.items()}
    summary = {row[0]: row[13:17] for row in sheet(imported, "Summary")[3:]}
    assert summary == {ref: [text, "", "", ""] for ref, text in seed.items()}


def test_import_legacy_every_figure_typed_is_in_data(seed_path, imported):
    # baselines C-E -> Outturn of 2008/09-2010/11; targets G-I -> Target of 2011/12-2013/14;
    # Q1*-Q4 J-M -> the 2011/12 quarters: each cell as the officer typed it
    years = ["2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14"]
    expected = {}
    for row in indicator_rows(seed_path):
        ref = row[0]
        for n, year in enumerate(years[:3]):
            expected[(ref, year)] = [row[2 + n], "", "", "", "", ""]
        for n, year in enumerate(years[3:]):
            expected[(ref, year)] = ["", row[6 + n], *(row[9:13] if n == 0 else ["", "", "", ""])]
    got = {(row[0], row[1]): [str(c) for c in row[2:8]] for row in sheet(imported, "Data")[1:]}
    assert got == expected


def test_import_legacy_indicators_sheet(seed_path, imported):
    rows = sheet(imported, "Indicators")
    assert rows[0] == ["Ref", "Description", "Polarity", "Unit", "Tolerance", "Tolerance kind",
                       "Trend basis", "Comparator", "Population", "Notes"]
    got = [(r[0], r[1], r[2], r[3], r[7]) for r in rows[1:]]
    seed = indicator_rows(seed_path)
    polarity = ["Lower is better"] * 6 + ["Higher is better"] * 2 + ["Lower is better"]
    units = ["number", "percent", "number", "per 1000", "number", "number", "percent", "percent", "percent"]
    assert got == [(r[0], r[1], p, u, r[5]) for r, p, u in zip(seed, polarity, units)]


def test_import_legacy_from_xlsx_and_csv_same_book(seed_path, imported, tmp_path):
    rows = seed_rows(seed_path)
    stem = seed_path.stem  # the partnership's name is guessed from the file name
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append([cell or None for cell in row])
    workbook.save(tmp_path / f"{stem}.xlsx")
    with (tmp_path / f"{stem}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"from{suffix}.xlsm"
        import_legacy(tmp_path / f"{stem}{suffix}", out)
        assert out.read_bytes() == imported.read_bytes(), suffix


def test_import_legacy_force_replaces(seed_path, imported, tmp_path):
    out = tmp_path / "x.xlsm"
    out.write_text("an old file")
    import_legacy(seed_path, out, overwrite=True)
    assert out.read_bytes() == imported.read_bytes()
    assert listing(tmp_path) == ["x.xlsm"]


# ---- refusals ----------------------------------------------------------------------------------

def test_import_legacy_refuses_existing_output(seed_path, tmp_path):
    out = tmp_path / "x.xlsm"
    out.write_bytes(b"the officer's own book")
    with pytest.raises(BookError) as info:
        import_legacy(seed_path, out)
    assert str(info.value) == f"{out}: already exists; choose another name, or pass --force to replace it"
    assert out.read_bytes() == b"the officer's own book"


@pytest.mark.parametrize("name", ["x.xlsx", "x.xls", "x", "x.xlsm.bak"])
def test_import_legacy_output_must_end_xlsm(seed_path, tmp_path, name):
    with pytest.raises(BookError) as info:
        import_legacy(seed_path, tmp_path / name)
    assert str(info.value) == (
        f"{tmp_path / name}: a master workbook keeps macros, so its name must end in .xlsm; give it a name such "
        f"as '{name.split('.')[0]}.xlsm'"
    )
    assert listing(tmp_path) == []


def test_import_legacy_refuses_output_open_in_excel(seed_path, tmp_path):
    out = tmp_path / "x.xlsm"
    out.write_bytes(b"open in Excel")
    (tmp_path / "~$x.xlsm").write_bytes(b"officer")
    with pytest.raises(BookError) as info:
        import_legacy(seed_path, out, overwrite=True)
    assert "the book is open in Excel (~$x.xlsm is beside it)" in str(info.value)
    assert out.read_bytes() == b"open in Excel"


def _swap(old: str, new: str):
    def edit(rows: list[list[str]]) -> list[list[str]]:
        return [[new if cell == old else cell for cell in row] for row in rows]
    return edit


def _duplicate_ref(rows: list[list[str]]) -> list[list[str]]:
    return [["CNP PM2", *row[1:]] if row and row[0] == "CNP PM3" else row for row in rows]


def _notes_header(rows: list[list[str]]) -> list[list[str]]:
    # the second "Q1*" (over the commentary) renamed: the Derby reader cannot place the commentary
    header = next(row for row in rows if row and row[0] == "Ref")
    header[13] = "Notes"
    return rows


@pytest.mark.parametrize("edit", [_swap("Ref", "Reference"), _swap("Description", "Indicator"),
                                  _swap("Targets", "Goals"), _swap("Q1*", "Q1 2011/12*"), _notes_header],
                         ids=["ref-renamed", "description-renamed", "targets-renamed", "q1-with-year", "notes"])
def test_import_headers_in_other_words_recognised_with_the_same_statuses(seed_path, tmp_path, edit):
    # not the Derby layout cell for cell, so the layout is recognised: every status, gap and trend the same
    legacy = write_tsv(tmp_path / "legacy.tsv", edit(seed_rows(seed_path)))
    book, _ = read_summary(legacy)
    seed, _ = read_summary(seed_path)
    assert book.layout is not None and seed.layout is None
    assert book.settings.period == seed.settings.period == "2011/12 Q1"
    judged = [(e.ref, e.status, e.gap_text, e.trend) for e in evaluate(book)]
    assert judged == [(e.ref, e.status, e.gap_text, e.trend) for e in evaluate(seed)]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_swap("2009/10", "last year"), None),  # one baseline year less is still a layout
        (_duplicate_ref,
         "{legacy} row 8: indicator ref 'CNP PM2' is already used on row 7; give each indicator its own ref"),
    ],
    ids=["baseline-renamed", "duplicated-ref"],
)
def test_import_legacy_bad_layout(seed_path, tmp_path, edit, message):
    legacy = write_tsv(tmp_path / "legacy.tsv", edit(seed_rows(seed_path)))
    out = tmp_path / "x.xlsm"
    if message is None:
        import_legacy(legacy, out)
        assert listing(tmp_path) == ["legacy.tsv", "x.xlsm"]
        return
    with pytest.raises(BookError) as info:
        import_legacy(legacy, out)
    assert str(info.value) == message.format(legacy=legacy)
    assert listing(tmp_path) == ["legacy.tsv"]  # no book, no lock, no temporary file


def test_import_unrecognisable_summary_refused_naming_its_headers(tmp_path):
    legacy = write_tsv(tmp_path / "legacy.tsv", [["Name", "Address", "Telephone"], ["Ann", "1 High St", "0123"]])
    with pytest.raises(BookError) as info:
        import_legacy(legacy, tmp_path / "x.xlsm")
    message = str(info.value)
    assert message.startswith(f"{legacy} row 1: no column header names a period or an indicator's figures "
                              "(headers found: 'Name' | 'Address' | 'Telephone'); head each column")
    assert listing(tmp_path) == ["legacy.tsv"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("legacy.xlsx", b"just text, renamed", "{legacy}: not an Excel workbook (not a zip package: File is not a zip "
                                              "file); choose the workbook itself, or restore it from a backup"),
        ("legacy.tsv", b"PK\x03\x04\x14\x00",
         "{legacy}: not a text file (it looks like a binary or zip file); import the workbook as .xlsx, or save the summary from Excel as 'Text (Tab delimited)'"),
        ("legacy.pdf", b"%PDF-1.4", "{legacy}: cannot import a '.pdf' file; use .tsv, .csv or .xlsx"),
    ],
)
def test_import_legacy_not_a_summary(tmp_path, name, content, message):
    legacy = tmp_path / name
    legacy.write_bytes(content)
    with pytest.raises(BookError) as info:
        import_legacy(legacy, tmp_path / "x.xlsm")
    assert str(info.value) == message.format(legacy=legacy)
    assert listing(tmp_path) == [name]


def test_import_legacy_truncated_xlsx(seed_path, imported, tmp_path):
    legacy = tmp_path / "legacy.xlsx"
    legacy.write_bytes(imported.read_bytes()[:5000])
    with pytest.raises(BookError) as info:
        import_legacy(legacy, tmp_path / "x.xlsm")
    assert str(info.value).startswith(f"{legacy}: not an Excel workbook")
    assert listing(tmp_path) == ["legacy.xlsx"]


def test_import_legacy_then_edit_keeps_ribbon_and_vba(imported, tmp_path):
    # the officer's first edit and refresh keep what import wrote
    book = tmp_path / "x.xlsm"
    shutil.copyfile(imported, book)
    before = bookedit.parts(book)
    from csp_status.refresh import refresh_book

    bookedit.set_cell(book, "Data", f"I{bookedit.find_row(book, 'Data', A='CNP PM6', B='2011/12')}",
                      "Methodology agreed in July")
    refresh_book(book)
    after = bookedit.parts(book)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]
    assert after["_rels/.rels"] == before["_rels/.rels"]
    assert {row[0]: row[13] for row in sheet(book, "Summary")[3:]}["CNP PM6"] == "Methodology agreed in July"
