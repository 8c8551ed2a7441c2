"""The CSP ribbon tab (customUI14.xml) and the VBA callbacks its buttons name."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import csp_status
from csp_status.build.udf_wrappers import generated_modules

SOURCES = Path(csp_status.__file__).resolve().parent / "sources"
RIBBON = SOURCES / "ribbon" / "customUI14.xml"
VBA = SOURCES / "vba"
NS = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
RIBBON_CALLBACK = re.compile(
    r"^[ \t]*(?:Public[ \t]+)?Sub[ \t]+(\w+)[ \t]*"
    r"\([ \t]*(?:ByVal[ \t]+)?control[ \t]+As[ \t]+IRibbonControl[ \t]*\)",
    re.MULTILINE | re.IGNORECASE | re.ASCII,
)
LOAD_CALLBACK = re.compile(
    r"^[ \t]*(?:Public[ \t]+)?Sub[ \t]+(\w+)[ \t]*"
    r"\([ \t]*(?:ByVal[ \t]+)?ribbon[ \t]+As[ \t]+IRibbonUI[ \t]*\)",
    re.MULTILINE | re.IGNORECASE | re.ASCII,
)
RUN_PYTHON = re.compile(r'^[ \t]*RunPython "([^"]*)"', re.MULTILINE | re.ASCII)


@pytest.fixture(scope="module")
def schemas_dir() -> Path:
    """Microsoft's ribbon schemas, shipped with the tests (tests/data/schemas), or CSP_SCHEMAS."""
    default = Path(__file__).resolve().parent / "data" / "schemas"
    path = Path(os.environ.get("CSP_SCHEMAS") or default)
    assert (path / "customui14.xsd").is_file(), f"customui14.xsd not found in {path}"
    return path


@pytest.fixture(scope="module")
def ribbon() -> ET.Element:
    return ET.parse(RIBBON).getroot()


def bas_sources() -> dict[str, str]:
    """Every standard module a book carries: those written by hand and those generated at build time."""
    written = {path.name: path.read_text(encoding="ascii") for path in sorted(VBA.glob("*.bas"))}
    return written | generated_modules()


def ribbon_callbacks() -> set[str]:
    return {name for text in bas_sources().values() for name in RIBBON_CALLBACK.findall(text)}


def test_ribbon_is_valid_against_microsofts_schema(schemas_dir):
    import xmlschema

    schema = xmlschema.XMLSchema(str(schemas_dir / "customui14.xsd"))
    schema.validate(str(RIBBON))


def test_ribbon_is_the_2009_namespace(ribbon):
    assert ribbon.tag == "{http://schemas.microsoft.com/office/2009/07/customui}customUI"


def test_every_on_action_is_a_ribbon_callback_in_the_vba(ribbon):
    actions = {el.get("onAction") for el in ribbon.iter() if el.get("onAction")}
    assert actions == {"RefreshStatuses", "CheckData", "AboutCSP"}
    assert actions <= ribbon_callbacks()


def test_on_load_is_a_sub_taking_the_ribbon_that_registers_the_function_help(ribbon):
    loads = {name for text in bas_sources().values() for name in LOAD_CALLBACK.findall(text)}
    assert ribbon.get("onLoad") == "CSPRibbonLoaded" and loads == {"CSPRibbonLoaded"}
    # in the module that uses nothing from xlwings, so that it runs where the add-in is missing
    help_module = bas_sources()["CSPHelp.bas"]
    body = re.search(r"Sub CSPRibbonLoaded\(.*?\n(.*?)End Sub", help_module, re.DOTALL)[1]
    assert re.findall(r"^\s*(\w+)\s*$", body, re.MULTILINE) == ["RegisterFunctionHelp"]
    assert "Public Sub RegisterFunctionHelp()" in help_module
    code = "\n".join(line for line in help_module.splitlines() if not line.lstrip().startswith("'"))
    assert not re.search(r"\b(RunPython|XLPy|xlwings)\b", code, re.IGNORECASE)


def test_refresh_statuses_button(ribbon):
    tab = ribbon.find("ui:ribbon/ui:tabs/ui:tab[@label='CSP']", NS)
    assert tab is not None and tab.get("id") == "cspTab"
    group = tab.find("ui:group[@label='Statuses']", NS)
    assert group is not None
    buttons = group.findall("ui:button[@label='Refresh statuses']", NS)
    assert len(buttons) == 1
    button = buttons[0]
    assert button.get("size") == "large"
    assert button.get("imageMso") == "Refresh"
    assert button.get("onAction") == "RefreshStatuses"
    assert button.get("screentip") and button.get("supertip")


def test_buttons_have_labels_tips_and_built_in_icons_only(ribbon):
    buttons = ribbon.findall(".//ui:button", NS)
    assert [b.get("label") for b in buttons] == ["Refresh statuses", "Check data", "About"]
    for button in buttons:
        assert button.get("imageMso")
        assert button.get("image") is None and button.get("getImage") is None
        assert button.get("screentip") and button.get("supertip")
    ids = [el.get("id") for el in ribbon.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_bas_module_names_match_their_files():
    for name, text in bas_sources().items():
        assert text.startswith(f'Attribute VB_Name = "{Path(name).stem}"\n'), name


def test_ribbon_module_is_small_and_harmless():
    text = (VBA / "CSPRibbon.bas").read_text(encoding="ascii")
    assert "Option Explicit" in text
    for word in ("Shell", "Declare", "CreateObject", "GetObject", "Kill ", "Environ"):
        assert word not in text
    assert RIBBON_CALLBACK.findall(text) == ["RefreshStatuses", "CheckData", "AboutCSP"]
    assert "CSPVersion()" in text  # the About box shows the built version


def test_ribbon_macros_run_the_python_entry_points():
    commands = RUN_PYTHON.findall((VBA / "CSPRibbon.bas").read_text(encoding="ascii"))
    assert commands == [
        "import csp_status.excel; csp_status.excel.refresh_statuses()",
        "import csp_status.excel; csp_status.excel.check_data()",
    ]


def test_python_entry_points_exist():
    excel = importlib.import_module("csp_status.excel")
    assert callable(excel.refresh_statuses)
    assert callable(excel.check_data)
