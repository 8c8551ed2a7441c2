"""The VBA side of the worksheet functions: xlwings_udfs.bas, CSPInfo.bas and CSPHelp.bas.

The committed .bas files must be what the generator writes now (so they cannot go stale), must
declare exactly the Python functions' names and arguments (read back here with a regex of their
own), and must match what xlwings 0.37.8's own generator writes for the same module.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import csp_status
from csp_status.build import udf_wrappers
from csp_status.build.udf_wrappers import (
    find_udfs,
    generate_help_module,
    generate_info_module,
    generate_udf_module,
    generated_modules,
    write_vba_sources,
)
from csp_status.core.errors import BuildError

UDFS = Path(__file__).resolve().parents[1] / "udfs"
if str(UDFS) not in sys.path:
    sys.path.insert(0, str(UDFS))

import csp_udfs  # noqa: E402

GENERATED = generated_modules(csp_udfs)  # what every book's VBA project carries (see test_build)
UDF_TEXT, INFO_TEXT, HELP_TEXT = (GENERATED[name] for name in ("xlwings_udfs.bas", "CSPInfo.bas", "CSPHelp.bas"))
FUNCTION_LINE = re.compile(
    r"^Function (?P<name>\w+)\((?P<params>[^)]*)\)$", re.MULTILINE | re.ASCII
)
CALL_LINE = re.compile(
    r'^ +(?P<result>\w+) = XLPy\.CallUDF\("(?P<module>\w+)", "(?P<name>\w+)", '
    r"Array\((?P<args>[^)]*)\)(?P<rest>[^\n]*)$",
    re.MULTILINE | re.ASCII,
)


def vba_functions(text: str) -> dict[str, list[tuple[str, bool]]]:
    """Each VBA Function's parameters as (name, optional), read from its declaration."""
    found = {}
    for match in FUNCTION_LINE.finditer(text):
        params = []
        for raw in filter(None, (p.strip() for p in match["params"].split(","))):
            optional = raw.startswith("Optional ")
            params.append((raw.removeprefix("Optional "), optional))
        found[match["name"]] = params
    return found


def python_functions(module) -> dict[str, list[tuple[str, bool]]]:
    return {
        name: [
            (p.name, p.default is not inspect.Parameter.empty)
            for p in inspect.signature(getattr(module, name)).parameters.values()
        ]
        for name in module.__all__
    }


# ---- the generated modules ----------------------------------------------------------------------

def test_generated_modules_are_the_three_that_follow_the_python():
    assert list(GENERATED) == ["CSPInfo.bas", "CSPHelp.bas", "xlwings_udfs.bas"]
    assert (UDF_TEXT, INFO_TEXT, HELP_TEXT) == (
        generate_udf_module(csp_udfs), generate_info_module(), generate_help_module(csp_udfs))


def vba_help(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """FunctionHelp's text and ArgumentHelp's texts for each function, read back from the VBA."""
    functions = dict(re.findall(r'^    Case "(\w+)"\n        FunctionHelp = "((?:[^"]|"")*)"$', text, re.MULTILINE))
    arguments: dict[str, list[str]] = {}
    for name, body in re.findall(r'^    Case "(\w+)"\n        ReDim help\(0 To \d+\)\n((?:        help.*\n)+)', text,
                                 re.MULTILINE):
        arguments[name] = [t.replace('""', '"') for t in re.findall(r'= "((?:[^"]|"")*)"$', body, re.MULTILINE)]
    return {k: v.replace('""', '"') for k, v in functions.items()}, arguments


def test_help_module_holds_each_docstring_and_argument_help():
    functions, arguments = vba_help(HELP_TEXT)
    names = sorted(csp_udfs.__all__)
    expected_args = {name: [csp_udfs.ARGUMENT_HELP[arg] for arg in inspect.signature(getattr(csp_udfs, name)).parameters]
                     for name in names}
    got = (functions, arguments)
    assert got == ({name: " ".join(inspect.getdoc(getattr(csp_udfs, name)).split()) for name in names}, expected_args)


def test_help_module_registers_every_function_under_the_csp_category():
    text = HELP_TEXT
    listed = re.search(r"FunctionNames = Array\((.*)\)", text)[1]
    categories = dict(re.findall(r'^    Case "(\w+)": FunctionCategory = "(\w+)"$', text, re.MULTILINE))
    assert (listed.replace('"', "").split(", "), categories) == (
        sorted(csp_udfs.__all__), {name: "CSP" for name in csp_udfs.__all__})
    assert "Application.MacroOptions Macro:=book & fn" in text and "ThisWorkbook.Saved = wasSaved" in text


@pytest.mark.parametrize(("doc", "arg_doc", "fragment"), [
    ("word " * 60, "fine", "WORDY: help text is 299 characters; Excel keeps 255"),
    ("Fine.", "x " * 130, "WORDY(x): help text is 259 characters"),
    ("Fine.", "caf\u00e9", "WORDY(x): help text must be plain ASCII"),
])
def test_help_that_excel_would_cut_or_vba_cannot_hold_is_refused(tmp_path, doc, arg_doc, fragment):
    source = f"import xlwings as xw\n\n@xw.func\n@xw.arg('x', doc={arg_doc!r})\ndef WORDY(x):\n    {doc!r}\n"
    module = load_module(tmp_path, "long_help", source)
    with pytest.raises(BuildError, match=re.escape(fragment)):
        generate_help_module(module)


def test_info_module_version_is_the_package_version():
    versions = re.findall(r'^\s*CSPVersion = "([^"]*)"$', INFO_TEXT, re.MULTILINE)
    assert versions == [csp_status.__version__]


def test_info_module_is_plain_vba():
    text = INFO_TEXT
    assert "Public Function CSPVersion() As String" in text
    for word in ("Declare", "CreateObject", "Shell", "XLPy", "IRibbonControl"):
        assert word not in text


def test_udf_module_declares_exactly_the_python_functions():
    assert vba_functions(UDF_TEXT) == python_functions(csp_udfs)


def test_udf_module_calls_each_function_with_its_own_arguments():
    text = UDF_TEXT
    calls = list(CALL_LINE.finditer(text))
    declared = vba_functions(text)
    assert len(calls) == 2 * len(declared)  # the Excel branch and the #Else branch
    for call in calls:
        assert call["module"] == "csp_udfs"
        assert call["result"] == call["name"]
        assert call["args"].split(", ") == [name for name, _ in declared[call["name"]]]
        assert call["rest"] in (", ThisWorkbook, Application.Caller)", ")")


def test_udf_module_has_xlwings_header_and_error_handlers():
    text = UDF_TEXT
    lines = text.split("\n")
    assert lines[0] == 'Attribute VB_Name = "xlwings_udfs"'
    assert lines[2] == "#Const App = \"Microsoft Excel\" 'Adjust when using outside of Excel"
    for name in csp_udfs.__all__:
        assert f"    {name} = Err.Description\n" in text
    assert text.count("If TypeOf Application.Caller Is Range Then On Error GoTo failed") == len(
        csp_udfs.__all__
    )


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_modules_are_ascii_with_lf_line_ends(name):
    data = GENERATED[name].encode("ascii")
    assert b"\r" not in data
    assert data.endswith(b"\n")
    assert max(len(line) for line in data.split(b"\n")) < 1024


def test_write_vba_sources_writes_the_generated_modules_to_read(tmp_path):
    written = write_vba_sources(tmp_path, csp_udfs)
    assert [p.name for p in written] == list(GENERATED)
    for path in written:
        assert path.read_bytes() == GENERATED[path.name].encode("ascii")


def test_generation_is_deterministic():
    assert generate_udf_module(csp_udfs) == generate_udf_module(csp_udfs)


# ---- against xlwings' own generator --------------------------------------------------------------

XLWINGS_ORACLE = textwrap.dedent(
    """
    import io, sys, types
    # xlwings.udfs imports pywin32 at the top; its VBA writer needs none of it.
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["win32com.client"].Dispatch = lambda *args, **kwargs: None
    import xlwings.udfs
    sys.path.insert(0, sys.argv[1])
    import csp_udfs
    for name in csp_udfs.__all__:
        xlwings.udfs.xlfunc(getattr(csp_udfs, name))
    out = io.StringIO()
    book = types.SimpleNamespace(Name="csp_workbook.xlsm")
    xlwings.udfs.generate_vba_wrapper("csp_udfs", csp_udfs, out, book)
    sys.stdout.write(out.getvalue())
    """
)


def test_udf_module_matches_xlwings_own_generator():
    """xlwings 0.37.8's generate_vba_wrapper, run with pywin32 stubbed, in a separate process."""
    done = subprocess.run(
        [sys.executable, "-c", XLWINGS_ORACLE, str(UDFS)],
        capture_output=True,
        text=True,
        check=True,
    )
    ours = UDF_TEXT.split("\n", 3)[3]  # after the three header lines
    assert ours == done.stdout


# ---- the generator on other modules --------------------------------------------------------------

def load_module(tmp_path: Path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_decorated_functions_in_name_order(tmp_path):
    module = load_module(
        tmp_path,
        "sample_udfs",
        """
        import xlwings
        from xlwings import func as worksheet_function

        @xlwings.func(volatile=True)
        def ZED(a, b=1):
            return a

        @worksheet_function
        def ALPHA(x):
            return x

        def helper(y):
            return y
        """,
    )
    specs = find_udfs(module)
    assert [s.name for s in specs] == ["ALPHA", "ZED"]
    assert specs[1].args == ("a", "b") and specs[1].optional == (False, True)
    text = generate_udf_module(module)
    assert "Function ZED(a, Optional b)\n    Application.Volatile\n" in text
    call = 'XLPy.CallUDF("sample_udfs", "ALPHA", Array(x), ThisWorkbook, Application.Caller)'
    assert call in text
    assert "helper" not in text


def test_add_in_wrappers_use_the_active_workbook():
    text = generate_udf_module(csp_udfs, workbook="ActiveWorkbook")
    assert "ActiveWorkbook, Application.Caller)" in text
    assert "ThisWorkbook" not in text


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("@xw.func\ndef F(*values):\n    pass\n", "plain positional argument"),
        ("@xw.func\ndef F(a, *, b=1):\n    pass\n", "plain positional argument"),
        ("@xw.func\ndef F(caller):\n    pass\n", "'caller' argument"),
        ("@xw.func\ndef F(end):\n    pass\n", "not usable as a VBA name"),
        ("@xw.func\ndef F(a, A):\n    pass\n", "clash"),
        ("@xw.func\n@xw.arg('a', vba='Application')\ndef F(a):\n    pass\n", "vba=..."),
        ("@xw.sub\ndef F():\n    pass\n", "subs and scripts"),
        ("def F():\n    pass\n", "no @xw.func functions"),
    ],
)
def test_unsupported_functions_are_refused(tmp_path, source, fragment):
    module = load_module(tmp_path, "bad_udfs", "import xlwings as xw\n" + source)
    with pytest.raises(BuildError, match=re.escape(fragment)):
        generate_udf_module(module)


def test_load_udf_module_finds_csp_udfs():
    assert udf_wrappers.load_udf_module().__name__ == "csp_udfs"
