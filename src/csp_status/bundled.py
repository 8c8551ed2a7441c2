"""``csp build``: csp_workbook.xlsm from its text sources and the bundled seed, byte for byte."""

from __future__ import annotations

import os
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from csp_status.core.errors import BuildError
from csp_status.workbook.files import book_lock, write_atomically

__all__ = ["SEED", "build_bytes", "build_workbook", "check_workbook", "differing_parts"]

SEED = "derby_indicator_summary_2011q1.tsv"


def build_bytes() -> bytes:
    """The bundled workbook: the seed imported into a new master workbook and refreshed."""
    from csp_status.importer import import_legacy

    seed = resources.files("csp_status").joinpath("data", SEED)
    with tempfile.TemporaryDirectory(prefix="csp-build-") as tmp:
        legacy = Path(tmp) / SEED
        legacy.write_bytes(seed.read_bytes())
        out = Path(tmp) / "csp_workbook.xlsm"
        import_legacy(legacy, out)
        return out.read_bytes()


def build_workbook(out: Path, *, force: bool = False) -> bool:
    """Write the built workbook to ``out``; True when its bytes changed.

    An existing ``out`` is replaced only when it holds the bundled book's own figures (an earlier
    build), or with ``force``: a partnership's imported or edited book is never replaced by accident.
    """
    data = build_bytes()
    out = Path(out)
    with book_lock(out):
        if out.is_file() and out.read_bytes() == data:
            return False
        if os.path.lexists(out) and not force and not _same_figures(out, data):
            raise BuildError(
                f"{out}: already exists and holds other figures than the bundled workbook (an imported or "
                "edited book?); choose another name with -o, or pass --force to replace it"
            )
        write_atomically(out, data)
    return True


def _same_figures(path: Path, built: bytes) -> bool:
    """Whether the book at ``path`` says what the built book says (only its formatting or code differ)."""
    from csp_status.core.errors import CspError
    from csp_status.workbook.book_read import read_book
    from csp_status.workbook.package import Package

    try:
        with Package(path, built) as package:
            fresh = read_book(path, package).partnership
        return read_book(path).partnership == fresh
    except CspError:
        return False


def check_workbook(path: Path) -> None:
    """Fail with the differing parts when ``path`` is not what a fresh build gives."""
    path = Path(path)
    if not path.exists():
        raise BuildError(f"{path}: no such file; run 'csp build' to make it")
    fresh = build_bytes()
    current = path.read_bytes()
    if fresh == current:
        return
    parts = differing_parts(current, fresh)
    detail = ", ".join(parts) if parts else "the zip container (same parts, different packing)"
    raise BuildError(f"{path}: differs from a fresh build in {detail}; run 'csp build' and commit the result")


def differing_parts(a: bytes, b: bytes) -> list[str]:
    """The names of the zip members that differ between two packages (added, removed or changed)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            names = sorted(set(za.namelist()) | set(zb.namelist()))
            return [n for n in names if n not in za.namelist() or n not in zb.namelist() or za.read(n) != zb.read(n)]
    except zipfile.BadZipFile:
        return ["(not a zip package)"]
