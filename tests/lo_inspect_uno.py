"""Open a workbook in headless LibreOffice through UNO and describe it as JSON.

Run by Debian's ``/usr/bin/python3`` (the one that can ``import uno``), never by the
project's venv; ``tests/libreoffice.py`` drives it.  Standard library + pyuno only.

    /usr/bin/python3 lo_inspect_uno.py BOOK --profile DIR --out RESULT.json
        [--call NAME] [--arg JSON]... [--cell REF]... [--recalc]
        [--inject-module MODULE=SOURCE_FILE]... [--inject-library LIB]
        [--soffice PATH] [--timeout SECONDS]

It starts its own soffice (private user profile ``DIR``, unique pipe), loads BOOK hidden
with macros allowed (MacroExecutionMode ALWAYS_EXECUTE_NO_WARN), and writes to
RESULT.json:

    {"ok": true, "lo_version": "7.4.7.2", "sheets": [...],
     "basic": {"vba_mode": bool, "libraries": {LIB: {MODULE: {"type": "normal"|...,
                                                          "lines": N, "vba": bool}}}},
     "call": {"name": ..., "library": ..., "module": ..., "procedure": ...,
              "kind": "function"|"sub", "result": ...} (or "error": ... for "result"),
     "cells": {REF: {"string": ..., "value": ..., "formula": ..., "type": ...,
                     "fill": "#RRGGBB" | None, "ink": "#RRGGBB" | None}
                    | {"strings": [[...], ...]} for a range | {"error_message": ...}}}

or ``{"ok": false, "error": "..."}``.  soffice is always terminated (killed if it does
not quit), whatever happens; its process group id is in DIR/soffice.pgid for a
caller that has to kill this script.  The caller owns and removes DIR.

``--inject-module`` adds Basic modules to the loaded document (in memory only) before
the call; the harness's own tests use it to prove the call path without a VBA fixture.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path

import uno  # Debian's python3-uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

ALWAYS_EXECUTE_NO_WARN = 4  # com.sun.star.document.MacroExecMode
MODULE_TYPES = {0: "unknown", 1: "normal", 2: "class", 3: "form", 4: "document"}
FORMULA_RESULTS = {1: "value", 2: "text", 4: "error"}  # sheet.FormulaResult
PROC_RE = r"^[ \t]*(?:(?:public|private|friend|static)\s+)*(function|sub)\s+{name}\b"
HARNESS_LIB, HARNESS_MODULE, HARNESS_FUNC = "CspHarness", "CallWrapper", "CspHarnessInvoke"


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start_office(soffice: str, profile: Path, log_path: Path):
    pipe = f"csp_lo_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
        "--nolockcheck", "--nofirststartwizard",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    log = open(log_path, "ab")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True)
    log.close()
    # soffice (a shell script) -> oosplash -> soffice.bin all stay in this new process
    # group; the caller kills the group from this file if this script itself is killed
    (profile / "soffice.pgid").write_text(str(proc.pid))
    return proc, pipe


def connect(pipe: str, proc, deadline: float):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    while True:
        try:
            return resolver.resolve(url)
        except NoConnectException:
            if proc.poll() is not None:
                raise RuntimeError(f"soffice exited with code {proc.returncode} before "
                                   "accepting a connection")
            if time.monotonic() > deadline:
                raise TimeoutError("soffice did not accept a connection in time")
            time.sleep(0.1)


def stop_office(desktop, proc, grace: float = 10.0) -> None:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:  # the bridge is disposed while soffice quits: expected
            pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    kill_group(proc.pid)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def to_json(value):
    """A UNO return value as something json can write."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, (uno.Any, uno.Enum)):
        return to_json(value.value)
    if isinstance(value, uno.Type):
        return value.typeName
    if isinstance(value, uno.ByteSequence):
        return value.value.hex()
    if all(hasattr(value, a) for a in ("Year", "Month", "Day")):  # util.Date(Time)
        parts = f"{value.Year:04d}-{value.Month:02d}-{value.Day:02d}"
        if hasattr(value, "Hours"):
            parts += f"T{value.Hours:02d}:{value.Minutes:02d}:{value.Seconds:02d}"
        return parts
    return str(value)


def describe_basic(doc) -> dict:
    libs = doc.BasicLibraries
    out = {"vba_mode": bool(getattr(libs, "VBACompatibilityMode", False)), "libraries": {}}
    for lib_name in libs.getElementNames():
        if not libs.isLibraryLoaded(lib_name):
            libs.loadLibrary(lib_name)
        lib = libs.getByName(lib_name)
        modules = {}
        for mod_name in lib.getElementNames():
            source = lib.getByName(mod_name)
            info = {"lines": len(source.splitlines()),
                    "vba": bool(re.search(r"^\s*option\s+vbasupport\s+1", source,
                                          re.IGNORECASE | re.MULTILINE))}
            mtype = None
            try:
                if lib.hasModuleInfo(mod_name):
                    mtype = lib.getModuleInfo(mod_name).ModuleType
            except Exception:  # not a VBA module container
                pass
            info["type"] = MODULE_TYPES.get(mtype, "normal" if mtype is None else str(mtype))
            modules[mod_name] = info
        out["libraries"][lib_name] = modules
    return out


def inject_modules(doc, library: str | None, modules: dict[str, str]) -> None:
    libs = doc.BasicLibraries
    if library is None:
        library = "VBAProject" if libs.hasByName("VBAProject") else "Standard"
    if not libs.hasByName(library):
        libs.createLibrary(library)
    libs.loadLibrary(library)
    lib = libs.getByName(library)
    for name, source in modules.items():
        if lib.hasByName(name):
            lib.replaceByName(name, source)
        else:
            lib.insertByName(name, source)


def find_procedure(doc, call: str) -> tuple[str, str, str, str]:
    """(library, module, procedure, "function"|"sub") for ``Func``, ``Module.Func`` or
    ``Lib.Module.Func``; VBAProject first, then Standard, then the others."""
    parts = call.split(".")
    if len(parts) > 3 or not all(parts):
        raise ValueError(f"bad procedure name {call!r}")
    func = parts[-1]
    want_mod = parts[-2] if len(parts) >= 2 else None
    want_lib = parts[0] if len(parts) == 3 else None
    pattern = re.compile(PROC_RE.format(name=re.escape(func)), re.IGNORECASE | re.MULTILINE)
    libs = doc.BasicLibraries
    names = sorted(libs.getElementNames(),
                   key=lambda n: (n != "VBAProject", n != "Standard", n))
    for lib_name in names:
        if lib_name == HARNESS_LIB or (want_lib and lib_name.lower() != want_lib.lower()):
            continue
        libs.loadLibrary(lib_name)
        lib = libs.getByName(lib_name)
        for mod in lib.getElementNames():
            if want_mod and mod.lower() != want_mod.lower():
                continue
            match = pattern.search(lib.getByName(mod))
            if match:
                return lib_name, mod, func, match.group(1).lower()
            if want_mod:  # named explicitly: trust the caller (Property Get, Declare, ...)
                return lib_name, mod, func, "function"
    raise LookupError(f"no Basic/VBA procedure {call!r} in the document's libraries")


def wrapper_source(module: str, func: str, kind: str, nargs: int) -> str:
    """Basic that calls Module.Func(args) under On Error and returns Array(result, err, msg).

    It lives in a library of its own: a script-provider call straight into a library
    where LibreOffice cannot compile some module (xlwings.bas, say) returns nothing at
    all, and a Basic runtime error is swallowed the same way; called from here, the
    target module compiles on its own and errors come back as Err/Error$.
    """
    params = ", ".join(f"ByVal a{i} As Variant" for i in range(nargs))
    args = ", ".join(f"a{i}" for i in range(nargs))
    if kind == "sub":
        stmt = f"{module}.{func} {args}".rstrip()
    else:
        stmt = f"r(0) = {module}.{func}({args})"
    return "\n".join([
        f"Function {HARNESS_FUNC}({params}) As Variant",
        "    Dim r(2) As Variant",
        "    r(1) = -1",
        "    On Error GoTo Failed",
        f"    {stmt}",
        "    Select Case VarType(r(0))  ' types that do not cross UNO inside an array",
        "        Case 7: r(0) = Format(r(0), \"YYYY-MM-DD\") & \"T\" & Format(r(0), \"HH:MM:SS\")",
        "        Case 6, 14: r(0) = CDbl(r(0))  ' Currency, Decimal",
        "    End Select",
        "    r(1) = 0",
        f"    {HARNESS_FUNC} = r",
        "    Exit Function",
        "Failed:",
        "    r(1) = Err",
        "    r(2) = Error$",
        f"    {HARNESS_FUNC} = r",
        "End Function",
        "",
    ])


def to_uno_arg(value):
    if isinstance(value, list):
        return tuple(to_uno_arg(v) for v in value)
    return value


def invoke(doc, call: str, args: list) -> dict:
    out = {"name": call}
    uno_args = tuple(to_uno_arg(a) for a in args)
    try:
        provider = doc.getScriptProvider()
        if call.startswith("vnd.sun.star.script:"):  # raw: no wrapper, errors are silent
            out["uri"] = call
            result, _idx, _vals = provider.getScript(call).invoke(uno_args, (), ())
            out["result"] = to_json(result)
            return out
        lib, module, func, kind = find_procedure(doc, call)
        out.update(library=lib, module=module, procedure=func, kind=kind)
        inject_modules(doc, HARNESS_LIB, {HARNESS_MODULE: wrapper_source(
            module, func, kind, len(uno_args))})
        uri = (f"vnd.sun.star.script:{HARNESS_LIB}.{HARNESS_MODULE}.{HARNESS_FUNC}"
               "?language=Basic&location=document")
        packed, _idx, _vals = provider.getScript(uri).invoke(uno_args, (), ())
        packed = to_json(packed)
        if not isinstance(packed, list) or len(packed) != 3:
            out["error"] = ("the Basic call wrapper did not run (LibreOffice returned "
                            f"{packed!r}); is LibreOffice's Basic runtime installed?")
        elif packed[1] != 0:
            out["error"] = f"Basic error {packed[1]}: {packed[2]}"
            if packed[1] == 380:
                out["error"] += (f" (LibreOffice usually says this when module {module!r} "
                                 "does not compile)")
        else:
            out["result"] = packed[0]
    except Exception as exc:  # report, don't crash: the listing still has value
        msg = getattr(exc, "Message", "") or str(exc)
        out["error"] = f"{type(exc).__name__}: {msg}".strip()
    return out


def unquote_sheet(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == "'":
        return name[1:-1].replace("''", "'")
    return name


def _colour(value: int) -> str | None:
    """A UNO colour (0xRRGGBB; -1 for none or automatic) as "#RRGGBB", or None."""
    return None if value < 0 else f"#{value & 0xFFFFFF:06X}"


def read_range(rng) -> dict:
    addr = rng.getRangeAddress()
    rows = addr.EndRow - addr.StartRow + 1
    cols = addr.EndColumn - addr.StartColumn + 1
    if rows == 1 and cols == 1:
        cell = rng.getCellByPosition(0, 0)
        ctype = cell.Type.value.lower()  # table.CellContentType: empty/value/text/formula
        info = {"string": cell.getString(), "value": cell.getValue(),
                "formula": cell.getFormula(), "type": ctype,
                "fill": _colour(cell.CellBackColor), "ink": _colour(cell.CharColor)}
        if ctype == "formula":
            info["error"] = cell.getError()  # 0 when the formula evaluates
            info["result_type"] = FORMULA_RESULTS.get(cell.FormulaResultType2, None)
        return info
    strings = [[rng.getCellByPosition(c, r).getString() for c in range(cols)]
               for r in range(rows)]
    return {"strings": strings}


def read_cells(doc, refs: list[str]) -> dict:
    out = {}
    sheets = doc.Sheets
    for ref in refs:
        try:
            if "!" in ref:
                sheet_name, addr = ref.rsplit("!", 1)
                sheet = sheets.getByName(unquote_sheet(sheet_name))
                rng = sheet.getCellRangeByName(addr.replace("$", ""))
            elif doc.NamedRanges.hasByName(ref):
                rng = doc.NamedRanges.getByName(ref).getReferredCells()
                if rng is None:
                    raise LookupError(f"named range {ref!r} refers to no cells")
            else:
                raise LookupError(f"{ref!r} is neither Sheet!A1 nor a defined name")
            out[ref] = read_range(rng)
        except Exception as exc:
            out[ref] = {"error_message": f"{type(exc).__name__}: "
                                         f"{getattr(exc, 'Message', '') or exc}"}
    return out


def lo_version(ctx) -> str | None:
    try:
        cp = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", ctx)
        access = cp.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            (prop("nodepath", "/org.openoffice.Setup/Product"),))
        return access.getByName("ooSetupVersionAboutBox")
    except Exception:
        return None


def run(ns) -> dict:
    profile = Path(ns.profile)
    profile.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + ns.timeout
    proc, pipe = start_office(ns.soffice, profile, profile / "soffice.log")
    desktop = doc = None
    fired = threading.Event()

    def watchdog():  # a UNO call blocked in soffice fails once soffice is gone
        fired.set()
        kill_group(proc.pid)

    timer = threading.Timer(ns.timeout, watchdog)
    timer.daemon = True
    timer.start()
    try:
        ctx = connect(pipe, proc, deadline)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = Path(ns.book).resolve().as_uri()
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (
            prop("Hidden", True),
            prop("ReadOnly", True),
            prop("MacroExecutionMode", ALWAYS_EXECUTE_NO_WARN),
            prop("UpdateDocMode", 0),  # NO_UPDATE: never touch external links
        ))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {ns.book}")
        if not hasattr(doc, "Sheets"):
            raise RuntimeError(f"{ns.book} did not open as a spreadsheet")
        result = {"ok": True, "lo_version": lo_version(ctx),
                  "sheets": list(doc.Sheets.getElementNames())}
        if ns.inject_module:
            by_lib: dict[str | None, dict[str, str]] = {}
            for spec in ns.inject_module:
                name, _, path = spec.partition("=")
                lib_name, _, mod_name = name.rpartition(".")
                by_lib.setdefault(lib_name or ns.inject_library, {})[mod_name] = \
                    Path(path).read_text(encoding="utf-8")
            for lib_name, mods in by_lib.items():
                inject_modules(doc, lib_name, mods)
        result["basic"] = describe_basic(doc)
        if ns.recalc:
            doc.calculateAll()
        if ns.call:
            result["call"] = invoke(doc, ns.call, [json.loads(a) for a in ns.arg])
        if ns.cell:
            result["cells"] = read_cells(doc, ns.cell)
        return result
    except Exception as exc:
        if fired.is_set():
            raise TimeoutError(f"LibreOffice took longer than {ns.timeout:g} s; "
                               "soffice was killed") from exc
        raise
    finally:
        timer.cancel()
        if doc is not None:
            try:
                doc.close(True)
            except Exception:
                pass
        stop_office(desktop, proc)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("book")
    ap.add_argument("--profile", required=True, help="private LibreOffice user profile dir")
    ap.add_argument("--out", required=True, help="write the JSON result here")
    ap.add_argument("--call", help="Basic/VBA function: Func, Module.Func, Lib.Module.Func")
    ap.add_argument("--arg", action="append", default=[], help="JSON value, one per argument")
    ap.add_argument("--cell", action="append", default=[], help="Sheet!A1, Sheet!A1:B2 or a name")
    ap.add_argument("--recalc", action="store_true", help="calculateAll() before reading cells")
    ap.add_argument("--inject-module", action="append", default=[], metavar="MODULE=FILE")
    ap.add_argument("--inject-library", default=None)
    ap.add_argument("--soffice", default="soffice")
    ap.add_argument("--timeout", type=float, default=60.0)
    ns = ap.parse_args(argv)
    try:
        result = run(ns)
    except Exception as exc:
        msg = getattr(exc, "Message", "") or str(exc)
        result = {"ok": False, "error": f"{type(exc).__name__}: {msg}",
                  "traceback": traceback.format_exc()}
    Path(ns.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
