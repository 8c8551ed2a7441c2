"""csp_workbook.xlsm as built from its text sources, checked by independent tools.

oletools and olefile read the VBA project, Microsoft's schema and the package relationships
describe the ribbon, and LibreOffice loads the book, lists its modules and runs one of them.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
import pytest
from libreoffice import inspect_book, requires_libreoffice
from lxml import etree
from oletools.olevba import VBA_Parser

from csp_status import __version__
from csp_status.build.assemble import SOURCE_MODULES, source_text, vba_project_bin
from csp_status.build.udf_wrappers import generated_modules
from csp_status.bundled import build_bytes
from csp_status.importer import import_legacy
from csp_status.workbook.layout import SHEETS

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "csp_workbook.xlsm"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def part(book: Path | bytes, name: str) -> bytes:
    source = io.BytesIO(book) if isinstance(book, bytes) else book
    with zipfile.ZipFile(source) as archive:
        return archive.read(name)


def module_code(source: str) -> str:
    """A .bas file's code as stored in the project: without its Attribute lines, lines ending CRLF."""
    lines = [line for line in source.splitlines() if not line.startswith("Attribute VB_")]
    return "".join(line + "\r\n" for line in lines)


def test_build_is_byte_identical_on_every_run():
    assert build_bytes() == build_bytes()


def test_build_matches_the_committed_workbook():
    assert build_bytes() == BUNDLED.read_bytes()


def test_olevba_extracts_every_module_as_its_source():
    parser = VBA_Parser(str(BUNDLED))
    try:
        extracted = {name: code for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()
    sources = {name: source_text("vba", name) for name in SOURCE_MODULES} | generated_modules()
    for name, source in sources.items():
        stored = extracted[name]
        body = "".join(line + "\r\n" for line in stored.split("\r\n")[:-1] if not line.startswith("Attribute VB_"))
        assert body == module_code(source), name
    documents = {"ThisWorkbook.cls", *(f"Sheet{n}.cls" for n in range(1, len(SHEETS) + 1))}
    assert set(extracted) == set(sources) | documents
    assert set(sources) == {"CSPRibbon.bas", "CSPInfo.bas", "CSPHelp.bas", "xlwings_udfs.bas"}


def test_vba_project_parses_strictly_with_olefile():
    ole = olefile.OleFileIO(io.BytesIO(part(BUNDLED, "xl/vbaProject.bin")), raise_defects=olefile.DEFECT_INCORRECT)
    streams = sorted("/".join(s) for s in ole.listdir())
    assert streams[:4] == ["PROJECT", "PROJECTwm", "VBA/CSPHelp", "VBA/CSPInfo"]
    assert "VBA/dir" in streams and "VBA/_VBA_PROJECT" in streams


def test_package_relates_the_ribbon_with_the_2007_extensibility_type():
    rels = etree.fromstring(part(BUNDLED, "_rels/.rels"))
    targets = {r.get("Target"): r.get("Type") for r in rels}
    assert targets["customUI/customUI14.xml"] == RIBBON_REL
    assert part(BUNDLED, "customUI/customUI14.xml") == source_text("ribbon", "customUI14.xml").encode()


def test_workbook_relates_the_vba_project_and_is_macro_enabled():
    rels = etree.fromstring(part(BUNDLED, "xl/_rels/workbook.xml.rels"))
    assert {r.get("Target"): r.get("Type") for r in rels}["vbaProject.bin"] == VBA_REL
    types = part(BUNDLED, "[Content_Types].xml").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types


def test_sheet_code_names_match_the_vba_document_modules():
    workbook = part(BUNDLED, "xl/workbook.xml").decode()
    names = [re.search(r'codeName="([^"]+)"', part(BUNDLED, f"xl/worksheets/sheet{n}.xml").decode()).group(1)
             for n in range(1, len(SHEETS) + 1)]
    assert ('codeName="ThisWorkbook"' in workbook, names) == (True, [f"Sheet{n}" for n in range(1, len(SHEETS) + 1)])


def test_imported_books_carry_the_same_vba_project_and_ribbon(tmp_path, seed_path):
    out = tmp_path / "other.xlsm"
    import_legacy(seed_path, out)
    got = (part(out, "xl/vbaProject.bin") == vba_project_bin(), part(out, "_rels/.rels") == part(BUNDLED, "_rels/.rels"))
    assert got == (True, True)


def test_cspinfo_reports_the_package_version():
    assert f'CSPVersion = "{__version__}"' in generated_modules()["CSPInfo.bas"]


@requires_libreoffice
def test_libreoffice_lists_the_modules_and_runs_cspversion(tmp_path):
    book = tmp_path / "csp_workbook.xlsm"
    book.write_bytes(BUNDLED.read_bytes())
    info = inspect_book(book, call="CSPInfo.CSPVersion")
    modules = info["basic"]["libraries"]["CSPStatus"]
    got = (info["sheets"], sorted(modules), modules["CSPInfo"]["type"], info["call"]["result"])
    assert got == (
        list(SHEETS),
        ["CSPHelp", "CSPInfo", "CSPRibbon", "Sheet1", "Sheet2", "Sheet3", "Sheet4", "Sheet5", "Sheet6", "ThisWorkbook",
         "xlwings_udfs"],
        "normal",
        __version__,
    )


@requires_libreoffice
@pytest.mark.parametrize(("call", "args", "expected"), [
    ("CSPHelp.ArgumentHelp", ["CSP_STATUS"],
     ["The figure for the period as typed, e.g. 15.59%, 13,102 or Awaited.",
      "The target as typed, e.g. 15.2% or 7.1% (1.5%); TBC, TBA or Baseline year mean no target.",
      "Lower is better or Higher is better (also lower/higher, low/high).",
      "Optional. How far a miss is still AMBER; default 5% (of the target).",
      "Optional. relative (default: a share of the target) or points (in the indicator's units: 0.5% is half a "
      "percentage point).",
      "Optional. percent, number or per 1000: how to read plain numbers (a cell shown as 15.59% holds 0.1559). "
      "Leave out to read it from the figures.",
      "Last year's outturn as typed, e.g. 13485 (optional, but a target typed only as a reduction, such as "
      "(1.5%), applies to it)."]),
    ("CSPHelp.FunctionHelp", ["CSP_TARGET"],
     "The target from a baseline and a planned reduction: baseline x (1 - reduction). "
     "CSP_TARGET(7.21%, 1.5%) is 7.10%."),
    # what the CSP tab's onLoad runs: LibreOffice has no MacroOptions, and the Sub still ends quietly
    ("CSPHelp.RegisterFunctionHelp", [], None),
])
def test_libreoffice_runs_the_function_help_module(tmp_path, call, args, expected):
    book = tmp_path / "csp_workbook.xlsm"
    book.write_bytes(BUNDLED.read_bytes())
    assert inspect_book(book, call=call, args=args)["call"]["result"] == expected


@pytest.mark.parametrize("name", [*SOURCE_MODULES, "CSPInfo.bas", "CSPHelp.bas", "xlwings_udfs.bas"])
def test_vba_sources_are_plain_cp1252_without_risky_calls(name):
    text = source_text("vba", name) if name in SOURCE_MODULES else generated_modules()[name]
    text.encode("cp1252")
    assert not re.search(r"\b(Shell|Declare|CreateObject|Kill)\b", text)
