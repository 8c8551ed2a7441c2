"""The LibreOffice harness itself: CSV conversion, UNO inspection, calls, clean-up."""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import libreoffice
import openpyxl
import pytest
from libreoffice import (
    LibreOfficeError,
    convert_to_csv,
    inspect_book,
    require_libreoffice,
    requires_libreoffice,
)
from openpyxl.workbook.defined_name import DefinedName

XLWINGS_DIR = Path(importlib.util.find_spec("xlwings").submodule_search_locations[0])
QUICKSTART = XLWINGS_DIR / "quickstart.xlsm"  # VBA: ThisWorkbook, Sheet1/2, Module1
STANDALONE = XLWINGS_DIR / "quickstart_standalone.xlsm"  # + xlwings.bas, Dictionary.cls

HARNESS_BAS = """\
Option VBASupport 1
Option Explicit

Public Function HarnessGreeting(ByVal who As String, ByVal n As Double) As String
    HarnessGreeting = "Hello " & who & " x" & CStr(n * 2) & " on " & Worksheets(1).Name
End Function

Function HarnessList()
    HarnessList = Array(1, "two", 3.5)
End Function

Sub HarnessStamp(ByVal text As String)
    ThisWorkbook.Worksheets(1).Range("A1").Value = text
End Sub

Function HarnessWhen()
    HarnessWhen = DateSerial(2024, 3, 31) + TimeSerial(23, 59, 1)
End Function

Function HarnessBoom() As Double
    Dim zero As Double
    HarnessBoom = 1 / zero
End Function
"""

BROKEN_BAS = """\
Option VBASupport 1
Function StillBroken() As Long
    StillBroken = 1
End Function
Function Unclosed(
End Function
"""


def _no_process_mentions(text: str) -> bool:
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in cmdline:
            return False
    return True


@pytest.fixture(scope="module")
def two_sheet_book(tmp_path_factory) -> Path:
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    data.append(["Indicator", "Baseline", "Latest", "Change"])
    data.append(["Burglary, residential", 120, 96, "=C2/B2-1"])
    data.append(['Say "hi" – café £', 80, 88, "=C3/B3-1"])
    data["D2"].number_format = "0.0%"
    data["D3"].number_format = "0.0%"
    hidden = wb.create_sheet("Notes")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "hidden but counted"
    summary = wb.create_sheet("Summary Sheet")
    summary.append(["Total latest", "=SUM(Data!C2:C3)"])
    summary.append(["Status", '=IF(Data!D2<0,"Green","Red")'])
    summary.append(["Pi", 3.14159265])
    summary["B3"].number_format = "0.00"
    wb.defined_names["TotalLatest"] = DefinedName("TotalLatest",
                                                  attr_text="'Summary Sheet'!$B$1")
    path = tmp_path_factory.mktemp("lo_book") / "two_sheets.xlsx"
    wb.save(path)
    return path


# ------------------------------------------------------------------ availability logic

def test_require_libreoffice_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setattr(libreoffice, "unavailable_reason", lambda: "soffice is gone")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="soffice is gone"):
        require_libreoffice()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs LibreOffice"):
        require_libreoffice()
    with pytest.raises(LibreOfficeError, match="CI is set"):
        convert_to_csv(Path(__file__), "x", Path("/nonexistent"))


@pytest.mark.parametrize("value, in_ci", [("true", True), ("1", True), ("", False),
                                          ("false", False), ("0", False)])
def test_ci_detection(monkeypatch, value, in_ci):
    monkeypatch.setenv("CI", value)
    assert libreoffice._in_ci() is in_ci


@pytest.mark.libreoffice
def test_libreoffice_is_usable_here():
    """Skips without LibreOffice; under CI it fails, naming what is missing."""
    require_libreoffice()
    assert libreoffice.soffice_available()
    assert libreoffice.soffice_version() >= (7, 2)


# ------------------------------------------------------------------ CSV conversion

@requires_libreoffice
def test_csv_first_sheet(two_sheet_book, tmp_path):
    rows = convert_to_csv(two_sheet_book, "Data", tmp_path)
    assert rows == [
        ["Indicator", "Baseline", "Latest", "Change"],
        ["Burglary, residential", "120", "96", "-20.0%"],
        ['Say "hi" – café £', "80", "88", "10.0%"],
    ]
    assert (tmp_path / "two_sheets-Data.csv").is_file()


@requires_libreoffice
def test_csv_other_sheet_formulas_computed_by_libreoffice(two_sheet_book, tmp_path):
    rows = convert_to_csv(two_sheet_book, "Summary Sheet", tmp_path)
    assert rows == [["Total latest", "184"], ["Status", "Green"], ["Pi", "3.14"]]
    # hidden sheets count in the numbering
    assert convert_to_csv(two_sheet_book, 3, tmp_path / "n") == rows
    assert convert_to_csv(two_sheet_book, 2, tmp_path / "n") == [["hidden but counted"]]


@requires_libreoffice
def test_csv_raw_numbers(two_sheet_book, tmp_path):
    rows = convert_to_csv(two_sheet_book, "Summary Sheet", tmp_path, as_shown=False)
    assert rows[2] == ["Pi", "3.14159265"]
    data = convert_to_csv(two_sheet_book, "Data", tmp_path / "raw", as_shown=False)
    assert data[1][3] == "-20%" and data[2][3] == "10%"


@requires_libreoffice
def test_csv_blank_rows_and_empty_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Empty"
    one = wb.create_sheet("OneColumn")
    one["A1"], one["A3"] = "top", "bottom"
    book = tmp_path / "blank.xlsx"
    wb.save(book)
    assert convert_to_csv(book, "Empty", tmp_path) == []
    assert convert_to_csv(book, "OneColumn", tmp_path) == [["top"], [""], ["bottom"]]


@requires_libreoffice
def test_csv_unknown_sheet(two_sheet_book, tmp_path):
    with pytest.raises(LibreOfficeError, match="no sheet 'Nope'"):
        convert_to_csv(two_sheet_book, "Nope", tmp_path)
    with pytest.raises(LibreOfficeError, match="no sheet number 9"):
        convert_to_csv(two_sheet_book, 9, tmp_path)


@requires_libreoffice
def test_csv_timeout_kills_soffice_and_cleans_profile(two_sheet_book, tmp_path,
                                                       monkeypatch):
    profile = tmp_path / "profile_csv"
    monkeypatch.setattr(libreoffice, "_profile_dir", lambda: (profile.mkdir(), profile)[1])
    with pytest.raises(LibreOfficeError, match="timed out"):
        convert_to_csv(two_sheet_book, "Data", tmp_path, timeout=0.05)
    assert not profile.exists()
    time.sleep(0.2)
    assert _no_process_mentions(str(profile))


# ------------------------------------------------------------------ UNO inspection

@requires_libreoffice
def test_inspect_lists_vba_modules_of_xlwings_quickstart():
    info = inspect_book(QUICKSTART)
    assert info["ok"] is True
    assert info["lo_version"].split(".")[0].isdigit()
    assert info["sheets"][0] == "Sheet1"
    basic = info["basic"]
    assert basic["vba_mode"] is True
    vba = basic["libraries"]["VBAProject"]
    assert {"Module1", "ThisWorkbook", "Sheet1"} <= set(vba)
    assert vba["Module1"]["type"] == "normal" and vba["Module1"]["vba"] is True
    assert vba["ThisWorkbook"]["type"] == "document"
    assert "call" not in info and "cells" not in info


@requires_libreoffice
def test_inspect_lists_xlwings_module_it_cannot_compile():
    libs = inspect_book(STANDALONE)["basic"]["libraries"]
    assert libs["VBAProject"]["xlwings"]["lines"] > 500
    assert libs["VBAProject"]["Dictionary"]["type"] == "class"


@requires_libreoffice
def test_call_vba_function_with_arguments():
    info = inspect_book(QUICKSTART, "HarnessGreeting", args=["CSP", 21],
                        inject={"Harness": HARNESS_BAS})
    call = info["call"]
    assert call["result"] == "Hello CSP x42 on Sheet1"
    assert (call["library"], call["module"], call["kind"]) == ("VBAProject", "Harness",
                                                              "function")
    assert info["basic"]["libraries"]["VBAProject"]["Harness"]["vba"] is True


@requires_libreoffice
def test_call_next_to_a_module_libreoffice_cannot_compile():
    """xlwings.bas does not compile in LibreOffice; our own module still runs."""
    info = inspect_book(STANDALONE, "Harness.HarnessList",
                        inject={"Harness": HARNESS_BAS})
    assert info["call"]["result"] == [1, "two", 3.5]


@requires_libreoffice
def test_call_returns_dates_as_iso_text():
    info = inspect_book(QUICKSTART, "Harness.HarnessWhen", inject={"Harness": HARNESS_BAS})
    assert info["call"]["result"] == "2024-03-31T23:59:01"


@requires_libreoffice
def test_call_sub_then_read_cells():
    info = inspect_book(QUICKSTART, "HarnessStamp", args=["stamped"],
                        inject={"Harness": HARNESS_BAS}, cells=["Sheet1!A1", "Sheet1!A1:B2"])
    assert info["call"]["kind"] == "sub" and info["call"]["result"] is None
    assert info["cells"]["Sheet1!A1"]["string"] == "stamped"
    assert info["cells"]["Sheet1!A1:B2"]["strings"] == [["stamped", ""], ["", ""]]


@requires_libreoffice
def test_call_errors_are_reported_not_swallowed():
    with pytest.raises(LibreOfficeError, match="Division by zero"):
        inspect_book(QUICKSTART, "HarnessBoom", inject={"Harness": HARNESS_BAS})
    info = inspect_book(QUICKSTART, "StillBroken", inject={"Broken": BROKEN_BAS},
                        check_call=False)
    assert "does not compile" in info["call"]["error"]
    with pytest.raises(LibreOfficeError, match="no Basic/VBA procedure 'Missing'"):
        inspect_book(QUICKSTART, "Missing")


@requires_libreoffice
def test_call_plain_basic_in_a_book_without_macros(two_sheet_book):
    source = "Function Twice(x)\n    Twice = x * 2\nEnd Function\n"
    info = inspect_book(two_sheet_book, "Twice", args=[1.25], inject={"Standard.Calc": source})
    assert info["call"]["result"] == 2.5
    assert info["basic"]["vba_mode"] is False


@requires_libreoffice
def test_inspect_cells_sheets_and_names(two_sheet_book, tmp_path, monkeypatch):
    profile = tmp_path / "profile_ok"
    monkeypatch.setattr(libreoffice, "_profile_dir", lambda: (profile.mkdir(), profile)[1])
    info = inspect_book(two_sheet_book, cells=["Data!D2", "'Summary Sheet'!B2",
                                                "TotalLatest", "Data!A1", "Nowhere"])
    assert not profile.exists() and _no_process_mentions(str(profile))
    assert info["sheets"] == ["Data", "Notes", "Summary Sheet"]
    assert info["basic"] == {"vba_mode": False, "libraries": {}}
    cells = info["cells"]
    assert cells["Data!D2"]["string"] == "-20.0%"
    assert cells["Data!D2"]["value"] == pytest.approx(-0.2)
    assert cells["Data!D2"]["formula"] == "=C2/B2-1"
    assert cells["Data!D2"]["error"] == 0
    assert cells["'Summary Sheet'!B2"]["string"] == "Green"
    assert cells["'Summary Sheet'!B2"]["result_type"] == "text"
    assert cells["TotalLatest"]["value"] == 184
    assert cells["Data!A1"] == {"string": "Indicator", "value": 0.0,
                                "formula": "Indicator", "type": "text", "fill": None, "ink": "#000000"}
    assert "neither" in cells["Nowhere"]["error_message"]


@requires_libreoffice
def test_inspect_timeout_kills_soffice_and_cleans_profile(two_sheet_book, tmp_path,
                                                          monkeypatch):
    profile = tmp_path / "profile_uno"
    monkeypatch.setattr(libreoffice, "_profile_dir", lambda: (profile.mkdir(), profile)[1])
    with pytest.raises(LibreOfficeError, match="in time|longer than|timed out"):
        inspect_book(two_sheet_book, timeout=0.05)
    assert not profile.exists()
    time.sleep(0.2)
    assert _no_process_mentions(str(profile))
