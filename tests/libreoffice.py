"""LibreOffice headless as an independent spreadsheet program for the tests.

Two ways in, both with a private throw-away user profile and a hard timeout, so that
parallel or earlier runs never clash and a hung soffice is killed:

* :func:`convert_to_csv` - one sheet of a workbook as LibreOffice computes and shows it
  (``soffice --headless --convert-to csv``), parsed into rows of strings.
* :func:`inspect_book` - load the workbook through UNO with macros allowed and report
  its sheets, its Basic/VBA libraries and modules, the result of calling one Basic/VBA
  function, and chosen cells.  pyuno only exists for Debian's ``/usr/bin/python3``, so
  this runs ``tests/lo_inspect_uno.py`` under that interpreter in a subprocess.

Test modules opt in with ``pytestmark = needs_libreoffice`` or per test with
``@requires_libreoffice``.  Without LibreOffice the tests skip, except under CI (``CI`` set), where
LibreOffice is installed on purpose and its absence must fail the run.

Debian packages: ``libreoffice-calc-nogui python3-uno`` (``--no-install-recommends``).
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree

import pytest

__all__ = [
    "LibreOfficeError",
    "UNO_PYTHON",
    "UNO_SCRIPT",
    "convert_to_csv",
    "inspect_book",
    "needs_libreoffice",
    "require_libreoffice",
    "requires_libreoffice",
    "skip_unless_libreoffice",
    "soffice_available",
    "soffice_path",
    "soffice_version",
    "unavailable_reason",
]

UNO_PYTHON = os.environ.get("CSP_UNO_PYTHON", "/usr/bin/python3")
UNO_SCRIPT = Path(__file__).with_name("lo_inspect_uno.py")
CSV_TIMEOUT = 60.0
INSPECT_TIMEOUT = 90.0

# Text - txt - csv (StarCalc) export tokens: 1 field separator (44 ","), 2 text
# delimiter (34 '"'), 3 charset (76 UTF-8), 4 first line (import only), 5 column
# formats (import only), 6 language (0 = from the UI/document), 7 quote all text cells,
# 8 detect special numbers (import only), 9 save cell contents as shown, 10 export
# formulas instead of values, 11 remove spaces (import only), 12 sheet: 0 = the first
# sheet, N = the N-th (1-based, hidden sheets count), -1 = every sheet to its own file
# (LibreOffice >= 7.2; a sheet *name* there is refused by 7.4: "Bad sheet number").
_CSV_FILTER = ("csv:Text - txt - csv (StarCalc):"
               "44,34,76,1,,0,false,true,{shown},false,false,{sheet}")


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, failed, timed out or reported an error."""


# --------------------------------------------------------------------------- discovery

def soffice_path() -> str | None:
    """The soffice to run: ``$CSP_SOFFICE``, else ``soffice`` on PATH."""
    explicit = os.environ.get("CSP_SOFFICE")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def soffice_version() -> tuple[int, ...] | None:
    """``(7, 4, 7, 2)`` from ``soffice --version``; None when it cannot be run."""
    exe = soffice_path()
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True,
                             timeout=30, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"LibreOffice\S*\s+(\d+(?:\.\d+)+)", out)
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


@functools.cache
def _uno_importable() -> bool:
    if not Path(UNO_PYTHON).exists():
        return False
    try:
        proc = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True,
                              timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def unavailable_reason() -> str | None:
    """Why LibreOffice cannot be used here, or None when it can."""
    if soffice_path() is None:
        return "soffice (LibreOffice) is not installed"
    version = soffice_version()
    if version is None:
        return "soffice --version did not report a LibreOffice version"
    if version < (7, 2):
        return f"LibreOffice {'.'.join(map(str, version))} is older than 7.2"
    if not _uno_importable():
        return f"{UNO_PYTHON} cannot import uno (python3-uno is not installed)"
    return None


def soffice_available() -> bool:
    return unavailable_reason() is None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


_INSTALL_HINT = ("apt-get install -y --no-install-recommends "
                 "libreoffice-calc-nogui python3-uno")


def require_libreoffice() -> None:
    """Skip the calling test without LibreOffice; fail it instead when ``CI`` is set."""
    reason = unavailable_reason()
    if reason is None:
        return
    if _in_ci():
        pytest.fail(f"CI needs LibreOffice but {reason}; install it: {_INSTALL_HINT}",
                    pytrace=False)
    pytest.skip(f"{reason} ({_INSTALL_HINT})")


# Collection-time marks.  Under CI nothing is skipped: a missing LibreOffice makes
# every such test fail (the harness functions raise LibreOfficeError).
skip_unless_libreoffice = pytest.mark.skipif(
    not _in_ci() and not soffice_available(),
    reason=f"LibreOffice not usable: {unavailable_reason()} ({_INSTALL_HINT})",
)
needs_libreoffice = [pytest.mark.libreoffice, skip_unless_libreoffice]  # for pytestmark


def requires_libreoffice(obj):
    """Decorator form of :data:`needs_libreoffice` for one test or class."""
    for mark in needs_libreoffice:
        obj = mark(obj)
    return obj


def _ensure_available() -> str:
    reason = unavailable_reason()
    if reason is not None:
        ci = " (CI is set: LibreOffice must be installed)" if _in_ci() else ""
        raise LibreOfficeError(f"{reason}{ci}; install it: {_INSTALL_HINT}")
    exe = soffice_path()
    assert exe is not None
    return exe


# --------------------------------------------------------------------------- processes

def _run(cmd: Sequence[str], timeout: float, what: str,
         tmpdir: Path) -> subprocess.CompletedProcess:
    """Run ``cmd`` in its own process group; on timeout kill the whole group
    (soffice is a shell script -> oosplash -> soffice.bin).  soffice's own temporary
    files go to ``tmpdir`` (inside the throw-away profile), so a kill leaves none."""
    tmpdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmpdir))
    env.pop("DISPLAY", None)  # headless only, never a stray X connection
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            start_new_session=True, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        out, err = proc.communicate()
        raise LibreOfficeError(f"{what} timed out after {timeout:g} s; killed. "
                               f"stdout: {out[-2000:]!r} stderr: {err[-2000:]!r}") from None
    finally:
        _kill_group(proc.pid)  # nothing of this run may outlive it
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _profile_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="csp_lo_profile_"))


# --------------------------------------------------------------------------- CSV

def _sheet_names(book: Path) -> list[str] | None:
    """Sheet names in document order, read straight from the file (xlsx/xlsm/ods)."""
    try:
        with zipfile.ZipFile(book) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
                return [el.get("name") for el in root.iter()
                        if el.tag.rsplit("}", 1)[-1] == "sheet"]
            if "content.xml" in names:
                table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
                root = ElementTree.fromstring(zf.read("content.xml"))
                return [el.get(f"{{{table_ns}}}name")
                        for el in root.iter(f"{{{table_ns}}}table")]
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError):
        return None
    return None


def convert_to_csv(book: Path | str, sheet: str | int, outdir: Path | str, *,
                   as_shown: bool = True, timeout: float = CSV_TIMEOUT) -> list[list[str]]:
    """One sheet of ``book`` as LibreOffice computes it, as rows of strings.

    ``sheet`` is a sheet name or a 1-based sheet number (hidden sheets count).  With
    ``as_shown`` (the default) numbers appear as their number format shows them
    ("12.3%", "1,234.57"); without it, unrounded in the format's kind ("12.3456%",
    "1234.5678").  Formulas are evaluated by LibreOffice (files without cached
    results, such as openpyxl's, are recalculated on load).  Trailing empty cells of a
    row are kept up to the sheet's used width; an empty sheet gives ``[]``.  The CSV is
    left in ``outdir`` as
    ``<book stem>-<sheet name>.csv``.
    """
    exe = _ensure_available()
    book = Path(book).resolve()
    outdir = Path(outdir).resolve()
    if not book.is_file():
        raise FileNotFoundError(book)
    outdir.mkdir(parents=True, exist_ok=True)

    names = _sheet_names(book)
    if isinstance(sheet, bool) or not isinstance(sheet, (int, str)):
        raise TypeError(f"sheet must be a name or a 1-based number, not {sheet!r}")
    if isinstance(sheet, int):
        if sheet < 1 or (names is not None and sheet > len(names)):
            raise LibreOfficeError(f"{book.name} has no sheet number {sheet} "
                                   f"(sheets: {names})")
        token, want = str(sheet), (names[sheet - 1] if names else None)
    elif names is not None:
        if sheet not in names:
            raise LibreOfficeError(f"{book.name} has no sheet {sheet!r} (sheets: {names})")
        token, want = str(names.index(sheet) + 1), sheet
    else:  # not a zip workbook (e.g. .xls): let LibreOffice write every sheet
        token, want = "-1", sheet

    if want is not None:  # never read a stale file from an earlier run
        (outdir / f"{book.stem}-{want}.csv").unlink(missing_ok=True)
    profile = _profile_dir()
    try:
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to",
               _CSV_FILTER.format(shown="true" if as_shown else "false", sheet=token),
               "--outdir", str(outdir), str(book)]
        proc = _run(cmd, timeout, f"soffice --convert-to csv {book.name}", profile / "tmp")
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    written = dict(re.findall(r"^Writing sheet (.*) -> (.*)$", proc.stdout, re.MULTILINE))
    if want is None and len(written) == 1:
        want = next(iter(written))
    target = Path(written[want]) if want in written else outdir / f"{book.stem}-{want}.csv"
    if proc.returncode != 0 or not target.is_file():
        raise LibreOfficeError(
            f"soffice did not write sheet {sheet!r} of {book.name} as CSV "
            f"(exit {proc.returncode}); stdout: {proc.stdout.strip()!r} "
            f"stderr: {_strip_noise(proc.stderr)!r}")
    with open(target, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    # an empty line is a blank row of a one-column sheet (or the only line of an
    # empty sheet): give it its cells like any other row
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return []
    return [r if r else [""] * width for r in rows]


def _strip_noise(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if "javaldx" not in ln]
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------- UNO

def inspect_book(book: Path | str, call: str | None = None, *,
                 args: Sequence[object] = (),
                 cells: Iterable[str] = (),
                 recalc: bool = False,
                 inject: Mapping[str, str] | None = None,
                 check_call: bool = True,
                 timeout: float = INSPECT_TIMEOUT) -> dict:
    """Open ``book`` in LibreOffice with macros allowed and describe it.

    Returns (see ``lo_inspect_uno.py``)::

        {"ok": True, "lo_version": "7.4.7.2",
         "sheets": ["Sheet1", ...],
         "basic": {"vba_mode": True,
                   "libraries": {"Standard": {},
                                 "VBAProject": {"Module1": {"type": "normal",
                                                            "lines": 8, "vba": True},
                                                ...}}},
         "call": {"name": "CSPVersion", "library": "VBAProject", "module": "Module1",
                  "procedure": "CSPVersion", "kind": "function", "result": "0.1.0"},
         "cells": {"Sheet1!A1": {"string": "shown text", "value": 0.0,
                                 "formula": "=...", "type": "formula",
                                 "error": 0, "result_type": "text"}}}

    ``call`` names a Basic/VBA procedure as ``Func``, ``Module.Func`` or
    ``Library.Module.Func``; ``args`` are its arguments (JSON-able values; lists become
    arrays).  It is called through a small On Error wrapper so that Basic errors and
    modules LibreOffice cannot compile come back as ``call["error"]``; with
    ``check_call`` (the default) such an error raises :class:`LibreOfficeError`.  A full
    ``vnd.sun.star.script:...`` URI is invoked as is, unwrapped (errors then vanish
    into a None result: LibreOffice's script provider swallows them).

    ``cells``: ``"Sheet!A1"``, ``"'My sheet'!A1:B3"`` or a defined name; values are
    LibreOffice's on load (the cached ones for a workbook Excel saved) unless
    ``recalc`` asks for a full recalculation first.  Cells are read after the call.

    ``inject`` maps ``"Module"`` or ``"Library.Module"`` to Basic source added to the
    loaded document in memory (never saved) before the call - for the harness's own
    tests, which have no VBA fixture of their own.
    """
    _ensure_available()
    book = Path(book).resolve()
    if not book.is_file():
        raise FileNotFoundError(book)
    profile = _profile_dir()
    try:
        out_json = profile / "result.json"
        cmd = [UNO_PYTHON, str(UNO_SCRIPT), str(book), "--profile", str(profile / "user"),
               "--out", str(out_json), "--soffice", _ensure_available(),
               "--timeout", str(timeout)]
        if call:
            cmd += ["--call", call]
            for arg in args:
                cmd += ["--arg", json.dumps(arg)]
        for ref in cells:
            cmd += ["--cell", ref]
        if recalc:
            cmd.append("--recalc")
        for i, (name, source) in enumerate((inject or {}).items()):
            src = profile / f"inject{i}.bas"
            src.write_text(source, encoding="utf-8")
            cmd += ["--inject-module", f"{name}={src}"]
        # the script's own soffice wait/terminate sits inside this bound
        proc = _run(cmd, timeout + 30, f"LibreOffice UNO inspection of {book.name}",
                    profile / "tmp")
        if not out_json.is_file():
            log = profile / "user" / "soffice.log"
            raise LibreOfficeError(
                f"lo_inspect_uno.py wrote no result (exit {proc.returncode}); "
                f"stderr: {proc.stderr[-3000:]!r}; soffice log: "
                f"{_strip_noise(log.read_text(errors='replace')) if log.exists() else ''!r}")
        result = json.loads(out_json.read_text(encoding="utf-8"))
    finally:
        pgid_file = profile / "user" / "soffice.pgid"
        if pgid_file.is_file():  # normally long gone; not if the script was killed
            try:
                _kill_group(int(pgid_file.read_text()))
            except ValueError:
                pass
        shutil.rmtree(profile, ignore_errors=True)

    if not result.get("ok"):
        raise LibreOfficeError(f"LibreOffice could not inspect {book.name}: "
                               f"{result.get('error')}\n{result.get('traceback', '')}")
    if call and check_call and "error" in result.get("call", {}):
        raise LibreOfficeError(f"calling {call!r} in {book.name} under LibreOffice "
                               f"failed: {result['call']['error']}")
    return result
