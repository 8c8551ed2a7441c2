"""Writing a workbook package: deterministic zip members, atomic replacement, and the book lock.

A write goes to a temporary file in the book's own folder, is flushed to disk, and then replaces
the book in one rename, so a failed or killed run leaves the original untouched.  A lock file
beside the book keeps two refreshes apart, and Excel's owner file (``~$book.xlsm``) means the book
is open in Excel: writing it then would lose the officer's unsaved work, so the write is refused
(LibreOffice's ``.~lock.book.xlsm#`` likewise).  The lock holds the run's process number and
machine name: a lock whose run has gone (killed) is taken over; one from another machine (a shared
folder) is never taken over, as its process cannot be seen from here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from csp_status.core.errors import BookError
from csp_status.workbook.zip_write import Compressed, deflated, zip_bytes

__all__ = ["zip_bytes", "Compressed", "deflated", "write_atomically", "book_lock", "excel_owner_file", "leftover_temporaries", "FileStamp",
           "file_stamp", "real_path", "refuse_output", "same_file"]

_WINDOWS = os.name == "nt"
_EMPTY_LOCK_GRACE = 10.0  # seconds: a run writes its process number into its lock at once
_WRITE_ADVICE = "Free some space on the disk, or copy the book to a folder you can write to"
_MAX_PID = 1 << 22  # no system gives a process a number above this (Linux: 4,194,304; Windows: a DWORD, lower)


@dataclass(frozen=True)
class FileStamp:
    """What a book on disk was when it was read: its size, modification time and SHA-256."""

    size: int
    mtime_ns: int
    sha256: str


def file_stamp(stat_pair: tuple[int, int] | None, data: bytes) -> FileStamp | None:
    """The stamp of a book read as ``data``, whose (size, mtime in ns) were ``stat_pair`` when opened."""
    if stat_pair is None:
        return None
    return FileStamp(stat_pair[0], stat_pair[1], hashlib.sha256(data).hexdigest())


def _stamp_now(path: Path) -> FileStamp | None:
    """The stamp of the file at ``path`` now (None when it is gone or cannot be read)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return FileStamp(info.st_size, info.st_mtime_ns, digest.hexdigest())


def real_path(path: Path) -> Path:
    """Where a book really is: symbolic links resolved once, so every check is made beside the real file."""
    path = Path(path)
    try:
        return Path(os.path.realpath(path))
    except OSError:
        return path


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, or another spelling of the folder)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return real_path(a) == real_path(b)


def refuse_output(out: Path, inputs: Sequence[Path] | Mapping[Path, str], *, force: bool,
                  ours: Callable[[Path], bool], what: str) -> None:
    """Refuse to write ``out`` over an input (always), or over a file that is not recognisably an
    earlier output of this command (``ours``), unless ``force``: it may be a master workbook.

    ``inputs`` may say what each input is, for the message: ``{path: "the legacy summary being imported"}``.
    """
    out = Path(out)
    labels = inputs if isinstance(inputs, Mapping) else dict.fromkeys(inputs, "")
    for source, label in labels.items():
        if same_file(out, source):
            other = Path(source) != out  # the same file under another name (a link): say which
            said = f"{label} ({source})" if label and other else label or f"the input{f' {source}' if other else ''}"
            raise BookError(f"{out}: is also {said}, which would be replaced by the {what}; choose another name "
                            f"for the {what}")
    if force or not os.path.lexists(out):
        return
    if os.path.isdir(out):
        raise BookError(f"{out}: is a folder; give a file name for the {what}")
    if not ours(out):
        article = "an" if what[:1] in "aeiou" else "a"
        raise BookError(f"{out}: already exists and is not {article} {what} made by CSP Status (it may be a workbook "
                        f"or another file of value); choose another name, or pass --force to replace it")


def excel_owner_file(book: Path) -> Path:
    """The owner file Excel keeps beside a book it has open (the name loses its first two letters when long)."""
    name = book.name
    candidates = [book.with_name("~$" + name), book.with_name("~$" + name[2:])]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


@contextlib.contextmanager
def book_lock(book: Path) -> Iterator[None]:
    """Hold the book for one writer: refuse when Excel has it open or another run is writing it.

    Through a symbolic link every check is made beside the real file (where Excel puts its owner
    file when it opens it, and where any other run takes its lock), and beside the link too.
    """
    shown = Path(book)
    real = real_path(shown)
    for place in dict.fromkeys([real, shown.absolute()]):
        _refuse_open_elsewhere(shown, place)
    if not real.parent.is_dir():
        raise BookError(f"{shown}: there is no folder {str(shown.parent)!r}; check the name and the folder")
    lock = real.with_name("." + real.name + ".csp-lock")
    _take_lock(shown, lock)
    for stale in _beside(lock, lock.name + ".", ".new"):
        with contextlib.suppress(OSError):
            stale.unlink()  # left by a run killed while making its lock; we hold the lock now
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


def _refuse_open_elsewhere(shown: Path, book: Path) -> None:
    owner = excel_owner_file(book)
    if owner.exists():
        raise BookError(
            f"{shown}: the book is open in Excel ({owner.name} is beside it); close it first, "
            "or use the 'Refresh statuses' button inside Excel (if Excel is not running, "
            f"{owner.name} was left by a crash: delete it)"
        )
    office = book.with_name(".~lock." + book.name + "#")
    if office.exists():
        raise BookError(
            f"{shown}: the book is open in LibreOffice ({office.name} is beside it); close it first "
            f"(if LibreOffice is not running, {office.name} was left by a crash: delete it)"
        )


def _beside(path: Path, prefix: str, suffix: str) -> list[Path]:
    """Files in path's folder named prefix…suffix (no glob: '[' in a book's name is only a bracket)."""
    try:
        names = os.listdir(path.parent if str(path.parent) else ".")
    except OSError:
        return []
    return sorted(path.with_name(n) for n in names
                  if n.startswith(prefix) and n.endswith(suffix) and len(n) > len(prefix) + len(suffix))


def _take_lock(book: Path, lock: Path) -> None:
    """Make the lock file; one left by a run that no longer exists (killed) is taken over."""
    for attempt in range(2):
        try:
            return _make_lock(lock)
        except FileExistsError:
            if attempt == 0 and _lock_is_stale(lock):
                with contextlib.suppress(OSError):
                    os.unlink(lock)
                continue
            raise BookError(
                f"{book}: another run is writing this book ({lock.name} exists); wait for it to finish, "
                "or delete the lock file if no run is in progress"
            ) from None
        except OSError as err:
            raise BookError(
                f"{book}: cannot write in its folder ({err.strerror}); the book is unchanged. {_WRITE_ADVICE}"
            ) from None
    raise AssertionError("unreachable")


def _make_lock(lock: Path) -> None:
    """The lock file, made with this run's number already in it: it is never seen empty.

    The number is written to a file of its own, which is then linked as the lock (the link fails
    when the lock exists).  Where a folder has no hard links (FAT, some network folders), the lock
    is created and then written, as before.
    """
    text = f"{os.getpid()} {socket.gethostname()}".encode()
    fd, tmp = tempfile.mkstemp(prefix=lock.name + ".", suffix=".new", dir=lock.parent)
    try:
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
        try:
            os.link(tmp, lock)
        except FileExistsError:
            raise
        except OSError:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            try:
                os.write(fd, text)
            except OSError:
                os.close(fd)
                os.unlink(lock)
                raise
            os.close(fd)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _lock_is_stale(lock: Path) -> bool:
    """A lock whose run has gone: its process is not running on this machine (it was killed mid-run).

    An empty lock (made where there are no hard links, by a run killed before it wrote its number)
    is stale after a few seconds.  Our own process number is a run before us (a container
    restarted), as this process holds no lock yet.
    """
    try:
        fields = lock.read_text(errors="replace").split()
        if not fields:
            return time.time() - lock.stat().st_mtime > _EMPTY_LOCK_GRACE
        pid = int(fields[0]) if fields[0].isascii() and fields[0].isdigit() and len(fields[0]) < 100 else -1
    except (OSError, ValueError):
        return False
    if len(fields) > 1 and fields[1] != socket.gethostname():
        return False  # another machine's run: its process cannot be seen from here
    if pid > _MAX_PID:
        return True  # no process has that number: not a run's lock
    if pid <= 0:
        return False
    return pid == os.getpid() or not _process_running(pid)


def _process_running(pid: int) -> bool:
    if _WINDOWS:
        return _windows_process_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, and belongs to someone else
    return True


def _windows_process_running(pid: int) -> bool:
    """On Windows ``os.kill(pid, 0)`` would end the process: ask for its exit code instead."""
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # access denied: it exists, and belongs to someone else
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def leftover_temporaries(book: Path) -> list[Path]:
    """Temporary files a killed write left beside the book (never the book itself)."""
    book = Path(book)
    return _beside(book, "." + book.name + ".", ".tmp")


def write_atomically(book: Path, data: bytes, *, expect: FileStamp | None = None, what: str = "book") -> None:
    """Replace the book with data in one rename; on any failure the original stays as it was.

    A book that is a symbolic link is written where the link points, and stays a link.  A book
    that is read-only is not replaced.  With ``expect`` (the book as it was read), the book is
    replaced only if it is still that file: if someone saved it meanwhile, their save stays, the
    new bytes are kept beside it under another name, and the error says so.  ``what`` names the
    file in messages ("the board pack is unchanged").
    """
    shown = Path(book)
    book = real_path(shown)
    folder = book.parent if str(book.parent) else Path(".")
    _refuse_read_only(shown, book, what)
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + book.name + ".", suffix=".tmp", dir=folder)
    except OSError as err:
        raise BookError(
            f"{shown}: cannot write in its folder ({err.strerror}); the {what} is unchanged. {_WRITE_ADVICE}"
        ) from None
    for stale in leftover_temporaries(book):
        if stale.name != Path(tmp).name:
            with contextlib.suppress(OSError):
                stale.unlink()  # left by a write that was killed; we hold the lock, so it is not live
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if book.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, book.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o666 & ~_umask())
        if expect is not None and _stamp_now(book) != expect:
            kept = _keep_beside(book, tmp)
            raise BookError(
                f"{shown}: the book was saved by someone else while it was being refreshed; their save is kept "
                f"as it is, and the refreshed copy of the earlier book is {kept.name} beside it. Run the refresh "
                f"again to include their changes, then delete {kept.name}"
            )
        os.replace(tmp, book)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, BookError):
            raise
        raise BookError(f"{shown}: could not write ({err.strerror}); the {what} is unchanged. {_WRITE_ADVICE}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _refuse_read_only(shown: Path, book: Path, what: str) -> None:
    try:
        mode = os.stat(book).st_mode
    except OSError:
        return  # a new book
    if not stat.S_ISREG(mode):
        raise BookError(f"{shown}: is not a regular file; give the workbook's file name")
    if not mode & 0o222 or not os.access(book, os.W_OK):
        raise BookError(
            f"{shown}: the {what} is read-only; the {what} is unchanged. Make it writable (Properties, untick "
            "Read-only), or copy it and use the copy"
        )


def _keep_beside(book: Path, tmp: str) -> Path:
    """Give the temporary file a name of its own beside the book: 'x (refreshed).xlsm', '(refreshed 2)', …"""
    for n in range(1, 1000):
        label = "refreshed" if n == 1 else f"refreshed {n}"
        kept = book.with_name(f"{book.stem} ({label}){book.suffix}")
        try:
            os.link(tmp, kept)  # never over an existing file
        except FileExistsError:
            continue
        except OSError:
            if os.path.lexists(kept):
                continue
            os.replace(tmp, kept)
            return kept
        os.unlink(tmp)
        return kept
    raise BookError(f"{book}: too many refreshed copies beside it; delete some")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
