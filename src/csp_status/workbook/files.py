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
import os
import socket
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from csp_status.core.errors import BookError

__all__ = ["zip_bytes", "write_atomically", "book_lock", "excel_owner_file", "leftover_temporaries"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIRST = ("[Content_Types].xml", "_rels/.rels")
_WINDOWS = os.name == "nt"
_EMPTY_LOCK_GRACE = 10.0  # seconds: a run writes its process number into its lock at once
_WRITE_ADVICE = "Free some space on the disk, or copy the book to a folder you can write to"


def zip_bytes(parts: Mapping[str, bytes | Sequence[bytes]], order: list[str] | None = None) -> bytes:
    """The package as zip bytes: fixed timestamps and member order, so equal parts give equal bytes.

    A part may be given in pieces (a large sheet rewritten a batch of rows at a time): it is
    compressed as it is written, to the same bytes as in one piece, without joining them first.
    """
    import io

    names = order if order is not None else sorted(parts, key=lambda n: (n not in _FIRST, _FIRST.index(n) if n in _FIRST else 0, n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            data = parts[name]
            if isinstance(data, (bytes, bytearray)):
                archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
            else:
                with archive.open(info, "w") as out:  # level 6, zlib's default; deflate ignores the cuts
                    for piece in data:
                        out.write(piece)
    return buffer.getvalue()


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
    """Hold the book for one writer: refuse when Excel has it open or another run is writing it."""
    book = Path(book)
    owner = excel_owner_file(book)
    if owner.exists():
        raise BookError(
            f"{book}: the book is open in Excel ({owner.name} is beside it); close it first, "
            "or use the 'Refresh statuses' button inside Excel (if Excel is not running, "
            f"{owner.name} was left by a crash: delete it)"
        )
    office = book.with_name(".~lock." + book.name + "#")
    if office.exists():
        raise BookError(
            f"{book}: the book is open in LibreOffice ({office.name} is beside it); close it first "
            f"(if LibreOffice is not running, {office.name} was left by a crash: delete it)"
        )
    if not book.parent.is_dir():
        raise BookError(f"{book}: there is no folder {str(book.parent)!r}; check the name and the folder")
    lock = book.with_name("." + book.name + ".csp-lock")
    _take_lock(book, lock)
    for stale in lock.parent.glob(lock.name + ".*.new"):
        with contextlib.suppress(OSError):
            stale.unlink()  # left by a run killed while making its lock; we hold the lock now
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


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
        pid = int(fields[0])
    except (OSError, ValueError):
        return False
    if len(fields) > 1 and fields[1] != socket.gethostname():
        return False  # another machine's run: its process cannot be seen from here
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
    return sorted(book.parent.glob("." + book.name + ".*.tmp"))


def write_atomically(book: Path, data: bytes) -> None:
    """Replace the book with data in one rename; on any failure the original stays as it was.

    A book that is a symbolic link is written where the link points, and stays a link.
    """
    shown = Path(book)
    book = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    folder = book.parent if str(book.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + book.name + ".", suffix=".tmp", dir=folder)
    except OSError as err:
        raise BookError(
            f"{shown}: cannot write in its folder ({err.strerror}); the book is unchanged. {_WRITE_ADVICE}"
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
        os.replace(tmp, book)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BookError(f"{shown}: could not write ({err.strerror}); the book is unchanged. {_WRITE_ADVICE}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
