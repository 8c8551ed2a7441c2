"""Faults, tried on purpose: the book open in Excel or LibreOffice, another run writing it, the disk
full or read-only in the middle of a write, and the process killed at every moment of a refresh.

In every case the book is byte for byte what it was (or, after a kill late enough, the complete
refreshed book), nothing half-written is left in its place, and the next run succeeds.  Disk
faults are injected where the product calls the operating system (``os.fsync``, ``os.replace``,
``tempfile.mkstemp``, the lock's ``os.open``/``os.write``): running as root, permissions do not stop
a write, so this is the honest way to make one fail.  A real small filesystem (a 200 KB tmpfs) is
used as well where this machine lets the tests mount one.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import bookedit
import pytest
from adversarial import ADVICE, CSP, legacy_rows, listing, run_csp, write_tsv
from adversarial import DISK_FAULTS as FAULTS
from adversarial import no_hard_links as _no_hard_links

from csp_status.core.errors import BookError
from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook import files as package

LOCKED = ("{book}: another run is writing this book (.x.xlsm.csp-lock exists); wait for it to finish, "
          "or delete the lock file if no run is in progress")




@pytest.fixture
def book(edited, tmp_path) -> Path:
    path = tmp_path / "x.xlsm"
    shutil.copyfile(edited[0], path)
    return path


def untouched(book: Path, before: bytes) -> None:
    assert book.read_bytes() == before
    assert listing(book.parent) == [book.name]  # no temporary file, no lock


# ---- open elsewhere ---------------------------------------------------------------------------------

def test_open_in_libreoffice_refused(book):
    before = book.read_bytes()
    (book.parent / ".~lock.x.xlsm#").write_text("officer,host,2024-01-01\n")
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == (
        f"{book}: the book is open in LibreOffice (.~lock.x.xlsm# is beside it); close it first (if LibreOffice is "
        "not running, .~lock.x.xlsm# was left by a crash: delete it)"
    )
    assert book.read_bytes() == before


def test_open_in_excel_status_still_reads(book, capsys):
    # reading changes nothing, so the book may be open in Excel meanwhile
    (book.parent / "~$x.xlsm").write_bytes(b"officer")
    before = book.read_bytes()
    proc = run_csp("status", "x.xlsm", "--format", "csv", cwd=book.parent)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert book.read_bytes() == before


def test_import_refused_when_output_open_in_libreoffice(seed_path, tmp_path):
    out = tmp_path / "x.xlsm"
    out.write_bytes(b"the book open in LibreOffice")
    (tmp_path / ".~lock.x.xlsm#").write_text("officer")
    with pytest.raises(BookError) as info:
        import_legacy(seed_path, out, overwrite=True)
    assert "the book is open in LibreOffice" in str(info.value)
    assert out.read_bytes() == b"the book open in LibreOffice"


# ---- another run ----------------------------------------------------------------------------------

HOLD = """
import sys
from pathlib import Path
from csp_status.workbook.files import book_lock
with book_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_lock_held_by_a_running_process_refused_then_free(book, edited):
    before = book.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, "x.xlsm"], cwd=book.parent, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(BookError) as info:
            refresh_book(book)
        assert str(info.value) == LOCKED.format(book=book)
        proc = run_csp("refresh", "x.xlsm", cwd=book.parent)
        assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", "Error: " + LOCKED.format(book="x.xlsm") + "\n")
        assert book.read_bytes() == before
    finally:
        holder.communicate("done\n", timeout=30)
    assert refresh_book(book).changed
    assert book.read_bytes() == edited[1]
    assert listing(book.parent) == ["x.xlsm"]


def test_concurrent_refreshes_one_writes_the_others_refused(book, edited):
    runs = [subprocess.Popen([str(CSP), "refresh", "-q", "x.xlsm"], cwd=book.parent, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    for code, err in results:
        assert (code, err) in [(0, ""), (1, "Error: " + LOCKED.format(book="x.xlsm") + "\n")]
    assert any(code == 0 for code, _ in results)
    assert book.read_bytes() == edited[1]
    assert listing(book.parent) == ["x.xlsm"]


def test_lock_from_another_machine_never_taken_over(book):
    # on a shared folder, another PC's run: its process number means nothing here
    lock = book.with_name(".x.xlsm.csp-lock")
    lock.write_text(f"{_finished_pid()} another-pc")
    before = book.read_bytes()
    with pytest.raises(BookError) as info:
        refresh_book(book)
    assert str(info.value) == LOCKED.format(book=book)
    assert (book.read_bytes(), lock.read_text()) == (before, f"{lock.read_text()}")


def test_lock_of_a_killed_run_on_this_machine_taken_over(book, edited):
    book.with_name(".x.xlsm.csp-lock").write_text(f"{_finished_pid()} {socket.gethostname()}")
    assert refresh_book(book).changed
    assert (book.read_bytes(), listing(book.parent)) == (edited[1], ["x.xlsm"])


def test_empty_lock_fresh_is_live_old_is_taken_over(book, edited):
    # a run killed between making its lock and writing its number in it leaves an empty lock
    lock = book.with_name(".x.xlsm.csp-lock")
    lock.write_text("")
    with pytest.raises(BookError):
        refresh_book(book)  # just made: its run may be about to write its number
    old = time.time() - 60
    os.utime(lock, (old, old))
    assert refresh_book(book).changed
    assert (book.read_bytes(), listing(book.parent)) == (edited[1], ["x.xlsm"])


def test_lock_with_our_own_process_number_taken_over(book, edited):
    # a container restarted: the killed run had the number this process has now
    book.with_name(".x.xlsm.csp-lock").write_text(f"{os.getpid()} {socket.gethostname()}")
    assert refresh_book(book).changed
    assert (book.read_bytes(), listing(book.parent)) == (edited[1], ["x.xlsm"])


def test_lock_check_on_windows_never_signals_the_process(book, monkeypatch):
    # os.kill(pid, 0) ends a process on Windows: there the lock's process is only looked at
    asked = []
    monkeypatch.setattr(package, "_WINDOWS", True)
    monkeypatch.setattr(package, "_windows_process_running", lambda pid: asked.append(pid) or True)
    monkeypatch.setattr(package.os, "kill", lambda *a: pytest.fail("os.kill called"))
    book.with_name(".x.xlsm.csp-lock").write_text(f"4242 {socket.gethostname()}")
    with pytest.raises(BookError):
        refresh_book(book)
    assert asked == [4242]


def _finished_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ---- the disk fails during the write --------------------------------------------------------------------

@pytest.mark.parametrize("fault", list(FAULTS))
def test_disk_fault_during_refresh_leaves_book_untouched(book, edited, monkeypatch, fault):
    how, message = FAULTS[fault]
    before = book.read_bytes()
    with monkeypatch.context() as patch:
        how(patch)
        with pytest.raises(BookError) as info:
            refresh_book(book)
    assert str(info.value) == f"{book}: {message}; the book is unchanged. {ADVICE}"
    untouched(book, before)
    assert refresh_book(book).changed  # the fault gone, the next run writes
    assert (book.read_bytes(), listing(book.parent)) == (edited[1], ["x.xlsm"])


@pytest.mark.parametrize("fault", list(FAULTS))
def test_disk_fault_during_import_leaves_nothing(seed_path, tmp_path, monkeypatch, fault):
    how, message = FAULTS[fault]
    out = tmp_path / "x.xlsm"
    with monkeypatch.context() as patch:
        how(patch)
        with pytest.raises(BookError) as info:
            import_legacy(seed_path, out)
    assert str(info.value) == f"{out}: {message}; the book is unchanged. {ADVICE}"
    assert listing(tmp_path) == []


def test_lock_in_a_folder_without_hard_links(book, edited, monkeypatch):
    with monkeypatch.context() as patch:
        _no_hard_links(patch)
        assert refresh_book(book).changed
    assert (book.read_bytes(), listing(book.parent)) == (edited[1], ["x.xlsm"])


def test_symlinked_book_written_where_it_points(book, edited, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "real.xlsm"
    book.rename(target)
    book.symlink_to(target)
    assert refresh_book(book).changed
    assert book.is_symlink() and target.read_bytes() == edited[1]
    assert listing(shared) == ["real.xlsm"]


# ---- a real small disk ------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 200 KB tmpfs, where this machine lets the tests mount one."""
    folder = tmp_path / "small"
    folder.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mounting a small tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the disk, leaving about ``leave`` bytes free."""
    filler = folder / "filler.bin"
    free = shutil.disk_usage(folder).free
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler


@pytest.mark.parametrize("leave", [12_288, 0], ids=["room-for-the-lock", "no-room-at-all"])
def test_real_full_disk_refresh_refused_then_succeeds(small_disk, edited, leave):
    book = small_disk / "x.xlsm"
    shutil.copyfile(edited[0], book)
    before = book.read_bytes()
    filler = _fill(small_disk, leave)
    proc = run_csp("refresh", "x.xlsm", cwd=small_disk)
    verb = "could not write" if leave else "cannot write in its folder"
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"Error: x.xlsm: {verb} (No space left on device); the book is unchanged. {ADVICE}\n"
    assert book.read_bytes() == before
    assert listing(small_disk) == ["filler.bin", "x.xlsm"]
    filler.unlink()
    assert run_csp("refresh", "-q", "x.xlsm", cwd=small_disk).returncode == 0
    assert (book.read_bytes(), listing(small_disk)) == (edited[1], ["x.xlsm"])


def test_real_read_only_disk_refresh_refused_status_reads(small_disk, edited):
    book = small_disk / "x.xlsm"
    shutil.copyfile(edited[0], book)
    before = book.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        proc = run_csp("refresh", "x.xlsm", cwd=small_disk)
        assert (proc.returncode, proc.stderr) == (
            1, f"Error: x.xlsm: cannot write in its folder (Read-only file system); the book is unchanged. {ADVICE}\n")
        assert run_csp("status", "x.xlsm", cwd=small_disk).returncode == 0
        assert book.read_bytes() == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert run_csp("refresh", "-q", "x.xlsm", cwd=small_disk).returncode == 0
    assert (book.read_bytes(), listing(small_disk)) == (edited[1], ["x.xlsm"])


# ---- killed mid-run ---------------------------------------------------------------------------------

# The refresh, run in its own process; a moment can be widened by slowing one system call (the
# disk is slow), so the kill lands inside it every time.
CHILD = """
import os, sys, time
from csp_status.workbook import files as package
slow = sys.argv[1]
if slow == "write":  # the temporary file is written 64 KB at a time, slowly
    real_fdopen = os.fdopen
    class Slow:
        def __init__(self, f): self.f = f
        def __enter__(self): return self
        def __exit__(self, *e): self.f.close()
        def write(self, data):
            for at in range(0, len(data), 65536):
                self.f.write(data[at:at + 65536]); self.f.flush(); time.sleep(0.05)
        def flush(self): self.f.flush()
        def fileno(self): return self.f.fileno()
    package.os.fdopen = lambda fd, *a, **k: Slow(real_fdopen(fd, *a, **k))
elif slow == "fsync":  # written, waiting for the disk
    real_fsync = os.fsync
    package.os.fsync = lambda fd: (time.sleep(10), real_fsync(fd))
elif slow == "unlock":  # renamed into place; the lock not yet removed
    real_replace = os.replace
    package.os.replace = lambda a, b: (real_replace(a, b), time.sleep(10))
from csp_status.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def large(seed_path, tmp_path_factory) -> dict:
    """A 300-indicator book whose refresh rewrites most of it, and what the refresh makes of it."""
    folder = tmp_path_factory.mktemp("large")
    legacy = write_tsv(folder / "large.tsv", legacy_rows(seed_path, 300))
    book = folder / "large.xlsm"
    import_legacy(legacy, book)
    imported = book.read_bytes()
    bookedit.set_cell(book, "Settings", "B5", 2)  # the second quarter: every row's status changes
    original = book.read_bytes()
    start = time.perf_counter()  # a whole run in its own process, as the kills below see it
    subprocess.run([sys.executable, "-c", CHILD, "", "refresh", "-q", book.name], cwd=folder, check=True)
    seconds = time.perf_counter() - start
    return {"legacy": legacy, "imported": imported, "original": original, "refreshed": book.read_bytes(),
            "seconds": seconds}


def _wait_for(check, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("the moment never came")
        time.sleep(0.001)


def _temporaries(folder: Path, name: str) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("." + name + ".") and p.name.endswith(".tmp")]


def _written(folder: Path, name: str) -> bool:
    """A temporary file written in full: it has stopped growing (the disk is slow to confirm it)."""
    sizes = [p.stat().st_size for p in _temporaries(folder, name)]
    if not sizes or not sizes[0]:
        return False
    time.sleep(0.2)
    return [p.stat().st_size for p in _temporaries(folder, name)] == sizes


MOMENTS = {
    # name: (slowed call, when to kill)
    "starting": ("", lambda f, n, data: True),
    "lock taken": ("", lambda f, n, data: (f / f".{n}.csp-lock").exists()),
    "reading, 40%": ("", "fraction:0.4"),
    "regenerating, 75%": ("", "fraction:0.75"),
    "temporary half written": ("write", lambda f, n, data: any(
        0 < p.stat().st_size < len(data) // 2 for p in _temporaries(f, n))),  # (the original's size, near enough)
    "temporary written, before rename": ("fsync", lambda f, n, data: _written(f, n)),
    "renamed, lock not yet removed": ("unlock", lambda f, n, data: (f / n).read_bytes() != data),
    "after 95%": ("", "fraction:0.95"),
}


def _kill_at(argv: list[str], folder: Path, name: str, data: bytes, moment: str, seconds: float) -> bool:
    """Run the command, kill it (SIGKILL) at the moment; whether it was still running when killed."""
    slow, when = MOMENTS[moment]
    child = subprocess.Popen([sys.executable, "-c", CHILD, slow, *argv], cwd=folder,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if isinstance(when, str):
            time.sleep(seconds * float(when.split(":")[1]))
        else:
            _wait_for(lambda: child.poll() is not None or when(folder, name, data))
        running = child.poll() is None
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    return running


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_refresh_killed_leaves_old_or_new_book_never_partial(large, tmp_path, moment):
    book = tmp_path / "large.xlsm"
    book.write_bytes(large["original"])
    running = _kill_at(["refresh", "-q", "large.xlsm"], tmp_path, book.name, large["original"], moment,
                       large["seconds"])
    if not isinstance(MOMENTS[moment][1], str):  # a moment in time may come after the run, by chance
        assert running, "the refresh finished before the kill"
    after = book.read_bytes()
    assert after in (large["original"], large["refreshed"])
    assert zipfile.ZipFile(book).testzip() is None
    leftovers = set(listing(tmp_path)) - {"large.xlsm"}
    assert leftovers <= {".large.xlsm.csp-lock"} | {p.name for p in _temporaries(tmp_path, book.name)}
    # the next refresh takes over the killed run's lock, clears its temporary file, and finishes the job
    result = refresh_book(book)
    assert result.changed == (after == large["original"])
    assert (book.read_bytes(), listing(tmp_path)) == (large["refreshed"], ["large.xlsm"])


@pytest.mark.parametrize("moment", ["lock taken", "temporary half written", "temporary written, before rename",
                                    "renamed, lock not yet removed"])
def test_import_killed_leaves_no_book_or_a_whole_one(large, tmp_path, moment):
    shutil.copyfile(large["legacy"], tmp_path / "large.tsv")
    running = _kill_at(["import", "large.tsv", "-o", "large.xlsm"], tmp_path, "large.xlsm", b"", moment,
                       large["seconds"]) if moment in ("lock taken",) else _kill_import(tmp_path, moment, large)
    assert running
    book = tmp_path / "large.xlsm"
    if book.exists():  # written in one step: the whole refreshed book, never a new one without its Summary
        assert book.read_bytes() == large["imported"]
    import_legacy(tmp_path / "large.tsv", book, overwrite=True)
    assert (book.read_bytes(), listing(tmp_path)) == (large["imported"], ["large.tsv", "large.xlsm"])


def _kill_import(folder: Path, moment: str, large: dict) -> bool:
    """Kill an import in its first write (the new book), whatever its size will be."""
    slow, _ = MOMENTS[moment]
    checks = {
        "temporary half written": lambda: any(p.stat().st_size > 0 for p in _temporaries(folder, "large.xlsm")),
        "temporary written, before rename": lambda: _written(folder, "large.xlsm"),
        "renamed, lock not yet removed": lambda: (folder / "large.xlsm").exists(),
    }
    child = subprocess.Popen([sys.executable, "-c", CHILD, slow, "import", "large.tsv", "-o", "large.xlsm"],
                             cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: child.poll() is not None or checks[moment]())
        running = child.poll() is None
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    return running
