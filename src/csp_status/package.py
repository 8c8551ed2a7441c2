"""Writing a workbook package: deterministic zip members, atomic replacement, and the book lock.

A write goes to a temporary file in the book's own folder, is flushed to disk, and then replaces
the book in one rename, so a failed or killed run leaves the original untouched.  A lock file
beside the book keeps two refreshes apart, and Excel's owner file (``~$book.xlsm``) means the book
is open in Excel: writing it then would lose the officer's unsaved work, so the write is refused.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator, Mapping

from .errors import BookError

__all__ = ["zip_bytes", "write_atomically", "book_lock", "excel_owner_file", "leftover_temporaries"]

_EPOCH = (1980, 1, 1, 0, 0, 0)
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def zip_bytes(parts: Mapping[str, bytes], order: list[str] | None = None) -> bytes:
    """The package as zip bytes: fixed timestamps and member order, so equal parts give equal bytes."""
    import io

    names = order if order is not None else sorted(parts, key=lambda n: (n not in _FIRST, _FIRST.index(n) if n in _FIRST else 0, n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
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
            "or use the 'Refresh statuses' button inside Excel"
        )
    lock = book.with_name("." + book.name + ".csp-lock")
    fd = _take_lock(book, lock)
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


def _take_lock(book: Path, lock: Path) -> int:
    """Create the lock file; one left by a run that no longer exists (killed) is taken over."""
    for attempt in range(2):
        try:
            return os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
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
            raise BookError(f"{book}: cannot write in its folder ({err.strerror}); the book is unchanged") from None
    raise AssertionError("unreachable")


def _lock_is_stale(lock: Path) -> bool:
    """A lock whose process is gone on this machine (it was killed mid-run)."""
    try:
        pid = int(lock.read_text().strip() or "0")
    except (OSError, ValueError):
        return False
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


def leftover_temporaries(book: Path) -> list[Path]:
    """Temporary files a killed write left beside the book (never the book itself)."""
    book = Path(book)
    return sorted(book.parent.glob("." + book.name + ".*.tmp"))


def write_atomically(book: Path, data: bytes) -> None:
    """Replace the book with data in one rename; on any failure the original stays as it was."""
    book = Path(book)
    folder = book.parent if str(book.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + book.name + ".", suffix=".tmp", dir=folder)
    except OSError as err:
        raise BookError(f"{book}: cannot write in its folder ({err.strerror}); the book is unchanged") from None
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
        raise BookError(f"{book}: could not write ({err.strerror}); the book is unchanged") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
