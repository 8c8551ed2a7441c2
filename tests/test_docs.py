"""The documentation is tested: every public name, every command and every worksheet function is
documented, and every example in docs/api.md runs as it stands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import csp_status
import csp_udfs
from csp_status.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXCEL_SETUP = (ROOT / "docs" / "excel-setup.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[str, str]]:
    """Every Python example in docs/api.md, with the heading of the section it stands in."""
    found, section, fence, code = [], "", None, []
    for line in API.splitlines(keepends=True):
        if fence is None and line.startswith("```"):
            fence, code = line[3:].strip(), []
        elif fence is not None and line.rstrip() == "```":
            if fence == "python":
                found.append((section, "".join(code)))
            fence = None
        elif fence is not None:
            code.append(line)
        elif line.startswith("#"):
            section = line.lstrip("#").strip()
    return found


EXAMPLES = _examples()


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


def test_every_public_name_has_a_section_in_the_api_docs():
    sections = set(re.findall(r"^### (\S+)$", API, flags=re.M))
    assert sorted(set(csp_status.__all__) - sections) == []
    assert sorted(sections - set(csp_status.__all__)) == []  # nothing documented that is not public


def test_every_public_name_loads():
    for name in csp_status.__all__:
        assert getattr(csp_status, name) is not None, name


def test_every_command_is_in_the_readme():
    assert _commands() == ["build", "import", "refresh", "report", "rollup", "status"]
    for command in _commands():
        assert re.search(rf"^\| `csp {command}\b", README, flags=re.M), command


def test_every_worksheet_function_is_documented():
    for name in csp_udfs.__all__:
        assert name in README, name
        assert name in EXCEL_SETUP, name


def _ids() -> list[str]:
    """Each example named by its section (and its place there, for a section of more than one)."""
    seen = [section for section, _ in EXAMPLES]
    return [section if seen.count(section) == 1 else f"{section}-{seen[:i + 1].count(section)}"
            for i, section in enumerate(seen)]


@pytest.mark.parametrize("example", [code for _, code in EXAMPLES], ids=_ids())
def test_api_example_runs(example, tmp_path):
    shutil.copyfile(ROOT / "csp_workbook.xlsm", tmp_path / "csp_workbook.xlsm")
    (tmp_path / "example.py").write_text(example, encoding="utf-8")
    run = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "csp_workbook.xlsm").read_bytes() == (ROOT / "csp_workbook.xlsm").read_bytes()


def test_every_public_name_has_an_example_of_its_own():
    """Each public name's section holds an example that uses the name (and runs, as every example does)."""
    def own(name: str, code: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(name)}\b", code) is not None

    without = [name for name in csp_status.__all__
               if not any(section == name and own(name, code) for section, code in EXAMPLES)]
    assert without == []
