"""Shared pieces of the adversarial tests: bad and hostile files made on purpose, and how to judge
what the user is told.

Books are the Derby seed imported (``csp import``) and then damaged the way a real file gets
damaged or crafted: a zip rewritten with one part replaced or added, a zip header patched to lie
about a part's size or compression, a legacy summary written with strange cells.  Nothing here
imports the product's writer except through ``csp import``.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

from csp_status.workbook import files as package

__all__ = [
    "ADVICE", "DISK_FAULTS", "no_hard_links", "CSP", "SEED_STATUSES", "INSTRUCTION", "says_what_to_do",
    "listing", "seed_rows", "write_tsv",
    "legacy_rows", "replace_parts", "patch_member", "entity_bomb", "external_entity", "Listener",
    "measure", "run_csp", "indicator_row",
]

CSP = Path(sys.executable).with_name("csp")
SEED_STATUSES = {
    "CNP PM1": "AWAITED", "CNP PM2": "CHECK", "CNP PM3": "GREEN", "CNP PM4": "GREEN",
    "CNP PM5": "AWAITED", "CNP PM6": "AWAITED", "CNP PM7": "NO TARGET", "CNP PM8": "NO TARGET",
    "CNP PM9": "AMBER",
}

# What an error says to do: a clause that starts with one of these verbs, after ';', ':' or '.'.
VERBS = ("add", "ask", "check", "choose", "close", "copy", "correct", "delete", "free", "give", "import",
         "keep", "make", "open", "pass", "put", "remove", "rename", "restore", "run", "save", "shorten",
         "split", "type", "use", "wait")
INSTRUCTION = re.compile(r"[;:.]\s+(?:or\s+|then\s+)?(?:%s)\b" % "|".join(VERBS), re.IGNORECASE)


def says_what_to_do(message: str) -> bool:
    """Whether an error message has a clause telling the user what to do."""
    return INSTRUCTION.search(message) is not None


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir())


# ---- legacy summaries -----------------------------------------------------------------------------

def seed_rows(seed_path: Path) -> list[list[str]]:
    with Path(seed_path).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def write_tsv(path: Path, rows: list[list[str]]) -> Path:
    """Tab-separated text as Excel saves it: CRLF line ends, so a cell holding CR or LF is quoted."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return Path(path)


def indicator_row(rows: list[list[str]], ref: str) -> list[str]:
    return next(row for row in rows if row and row[0] == ref)


def legacy_rows(seed_path: Path, indicators: int, blank_rows: int = 0) -> list[list[str]]:
    """The seed's layout with ``indicators`` rows (the seed's nine, repeated with new refs), then blank rows."""
    rows = seed_rows(seed_path)
    head = [row for row in rows if not (row and row[0].startswith("CNP PM"))]
    seed = [row for row in rows if row and row[0].startswith("CNP PM")]
    body = []
    for n in range(indicators):
        row = list(seed[n % len(seed)])
        row[0] = f"IND {n + 1:06d}"
        body.append(row)
    return head + body + [[""] * 17 for _ in range(blank_rows)]


# ---- zip packages ---------------------------------------------------------------------------------

def replace_parts(book: Path, out: Path, replaced: dict[str, bytes] | None = None,
                  added: dict[str, bytes] | None = None, removed: tuple[str, ...] = ()) -> Path:
    """Write ``out``: the package of ``book`` with some parts replaced, added (at the end) or removed."""
    replaced, added = replaced or {}, added or {}
    with zipfile.ZipFile(book) as zf:
        members = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename not in removed:
                zf.writestr(info, replaced.get(info.filename, data), compress_type=zipfile.ZIP_DEFLATED)
        for name, data in added.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                        compress_type=zipfile.ZIP_DEFLATED)
    return Path(out)


def patch_member(book: Path, name: str, *, declared_size: int | None = None, flags: int = 0,
                 method: int | None = None) -> None:
    """Make one member's headers lie: its declared uncompressed size, its flags (1: encrypted), its method."""
    data = bytearray(Path(book).read_bytes())
    with zipfile.ZipFile(book) as zf:
        offset = zf.getinfo(name).header_offset
    # (flags, method, uncompressed size) offsets in the local header, then in the central directory entry
    places = [(offset + 6, offset + 8, offset + 22)]
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]).decode() == name:
            places.append((at + 8, at + 10, at + 24))
        at = data.find(b"PK\x01\x02", at + 4)
    for flag_at, method_at, size_at in places:
        struct.pack_into("<H", data, flag_at, struct.unpack_from("<H", data, flag_at)[0] | flags)
        if method is not None:
            struct.pack_into("<H", data, method_at, method)
        if declared_size is not None:
            struct.pack_into("<I", data, size_at, declared_size)
    Path(book).write_bytes(bytes(data))


# ---- hostile XML ----------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(body: str) -> str:
    return (f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{body}</t>'
            "</is></c></row></sheetData></worksheet>")


def _strings(body: str) -> str:
    return f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>{body}</t></si></sst>'


def _dressed(doctype: str, root: str, dress: str) -> bytes:
    """The part as bytes: plain, with the DTD after a 70 KB comment, or in UTF-16."""
    if dress == "plain":
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{root}'.encode()
    if dress == "padded":
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<!--{"x" * 70_000}-->\n{doctype}\n{root}'.encode()
    if dress == "utf-16":
        return f'<?xml version="1.0" encoding="UTF-16"?>\n{doctype}\n{root}'.encode("utf-16")
    raise ValueError(dress)


def entity_bomb(part: str, dress: str = "plain") -> bytes:
    """Billion laughs: ten levels of ten references, a 3 GB string from under 1 KB."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">' for n in range(1, 10)
    ]
    doctype = "<!DOCTYPE lolz [\n " + "\n ".join(levels) + "\n]>"
    root = _strings("&lol9;") if part == "strings" else _sheet("&lol9;")
    return _dressed(doctype, root, dress)


def external_entity(part: str, url: str, dress: str = "plain", kind: str = "entity") -> bytes:
    """A part that would fetch ``url``: an external entity, or an external DTD."""
    if kind == "entity":
        doctype, body = f'<!DOCTYPE x [ <!ENTITY ext SYSTEM "{url}"> ]>', "&ext;"
    else:
        doctype, body = f'<!DOCTYPE worksheet SYSTEM "{url}">', "plain text"
    root = _strings(body) if part == "strings" else _sheet(body)
    return _dressed(doctype, root, dress)


class Listener:
    """A TCP port on this machine that records every connection made to it (there must be none)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/csp-dtd"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.server.close()


# ---- the disk fails during a write --------------------------------------------------------------------
# Injected where the product calls the operating system: running as root, permissions stop nothing.

ADVICE = "Free some space on the disk, or copy the book to a folder you can write to"


def _fail(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


def _fail_lock(code: int):
    """The folder refuses the lock: linking it, and creating it (the way without hard links)."""
    real = os.open

    def fake_open(path, *args, **kwargs):
        if str(path).endswith(".csp-lock"):
            raise OSError(code, os.strerror(code))
        return real(path, *args, **kwargs)

    def patch(m):
        m.setattr(package.os, "link", _fail(code))
        m.setattr(package.os, "open", fake_open)
    return patch


def no_hard_links(m) -> None:
    """A folder without hard links (FAT, some network folders): the lock is created, then written."""
    m.setattr(package.os, "link", _fail(errno.EPERM))


def _no_hard_links_then_full(m) -> None:
    """No hard links, and the disk fills between making the lock and writing the run's number in it."""
    no_hard_links(m)
    real, calls = os.write, []

    def write(fd, data):
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)
    m.setattr(package.os, "write", write)


class _HalfWriter(io.RawIOBase):
    """A file that takes half of what is written, then finds the disk full."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(bytes(data[: len(data) // 2]))
        self.real.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fileno(self):
        return self.real.fileno()

    def close(self):
        self.real.close()
        super().close()


def _half_write(monkeypatch):
    real = os.fdopen
    monkeypatch.setattr(package.os, "fdopen", lambda fd, *a, **k: _HalfWriter(real(fd, *a, **k)))


DISK_FAULTS = {
    # name: (how, the message after "{book}: ")
    "folder read-only (lock)": (_fail_lock(errno.EROFS), "cannot write in its folder (Read-only file system)"),
    "no permission (lock)": (_fail_lock(errno.EACCES), "cannot write in its folder (Permission denied)"),
    "disk full (lock's number)": (lambda m: m.setattr(package.os, "write", _fail(errno.ENOSPC)),
                                  "cannot write in its folder (No space left on device)"),
    "no hard links, disk full (lock's number)": (_no_hard_links_then_full,
                                                 "cannot write in its folder (No space left on device)"),
    "folder read-only (temporary file)": (lambda m: m.setattr(package.tempfile, "mkstemp", _fail(errno.EROFS)),
                                          "cannot write in its folder (Read-only file system)"),
    "disk full (temporary file)": (lambda m: m.setattr(package.tempfile, "mkstemp", _fail(errno.ENOSPC)),
                                   "cannot write in its folder (No space left on device)"),
    "disk full (half written)": (_half_write, "could not write (No space left on device)"),
    "disk full (flush to disk)": (lambda m: m.setattr(package.os, "fsync", _fail(errno.ENOSPC)),
                                  "could not write (No space left on device)"),
    "disk error (flush to disk)": (lambda m: m.setattr(package.os, "fsync", _fail(errno.EIO)),
                                   "could not write (Input/output error)"),
    "folder read-only (rename)": (lambda m: m.setattr(package.os, "replace", _fail(errno.EROFS)),
                                  "could not write (Read-only file system)"),
    "book in use (rename)": (lambda m: m.setattr(package.os, "replace", _fail(errno.EBUSY)),
                             "could not write (Device or resource busy)"),
}


# ---- running the product in another process ----------------------------------------------------------

_MEASURE = """
import json, resource, sys, time
from csp_status.core.errors import CspError
from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook.book_read import read_book

def kb(field):  # Linux: resident now (VmRSS) and its peak (VmHWM), which clear_refs resets
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
except OSError:
    pass
before = kb("VmRSS")
start = time.perf_counter()
try:
    {call}
    outcome = "ok"
except CspError as err:
    outcome = "Error: " + str(err)
print(json.dumps({{"outcome": outcome, "seconds": time.perf_counter() - start,
                  "grew_mb": (kb("VmHWM") - before) / 1024}}))
"""


def measure(call: str, cwd: Path, timeout: float = 120) -> dict:
    """Run one library call in a fresh process: its outcome, seconds, and how far its peak memory grew (MB)
    above what the process held just before the call."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE.format(call=call)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_csp(*argv: str, cwd: Path, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([str(CSP), *argv], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env=env, **kwargs)
