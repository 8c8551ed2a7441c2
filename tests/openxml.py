"""openxml-audit, the Open XML SDK's validator ported to Python, as the tests run it.

``audit(path, office)`` validates a package under the strict policy for one Office version and
returns its findings as short lines (``"error /xl/workbook.xml: ..."``), errors first, so a failing
assertion shows what the validator said.  ``errors(...)`` and ``warnings(...)`` pick one kind.
``audit_each_version(path)`` validates one file for every version in ``OFFICE_VERSIONS`` at once,
one process each (a pass over a 5,000-indicator book takes two to three minutes of one core).

Speed: openxml-audit 0.8.0 records each element's position among its same-named siblings by
counting them from the first (``openxml_audit.context._sibling_position``), which is quadratic in
the number of rows of a sheet: a 5,000-indicator book's Data sheet (25,000 rows) took over ten
minutes.  ``fast_sibling_positions`` swaps in the same count worked out once per parent; the
positions, and so every finding and its path, are the same (tested in test_openxml_valid.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openxml_audit.context as _context
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

__all__ = ["OFFICE_VERSIONS", "audit", "audit_each_version", "errors", "fast_sibling_positions",
           "warnings"]

OFFICE_VERSIONS = {"Office 2016": FileFormat.OFFICE_2016, "Microsoft 365": FileFormat.MICROSOFT_365}
_original_position = _context._sibling_position


class _Positions:
    """Each child's 1-based position among its parent's children of the same tag, per parent."""

    def __init__(self, keep: int = 64) -> None:
        self._tables: dict[etree._Element, dict[etree._Element, int]] = {}
        self._keep = keep  # parents remembered: the validator walks depth first, so a few suffice

    def __call__(self, element: etree._Element) -> int:
        parent = element.getparent()
        if parent is None:
            return 1
        table = self._tables.pop(parent, None)
        if table is None:
            counts: dict[object, int] = {}
            table = {}
            for child in parent.iterchildren():
                counts[child.tag] = table[child] = counts.get(child.tag, 0) + 1
            if len(self._tables) >= self._keep:
                self._tables.pop(next(iter(self._tables)))  # the one used longest ago
        self._tables[parent] = table  # the most recently used last
        found = table.get(element)
        return found if found is not None else _original_position(element)


@contextlib.contextmanager
def fast_sibling_positions() -> Iterator[None]:
    """Within the block, the validator works out sibling positions in linear time."""
    _context._sibling_position = _Positions()
    try:
        yield
    finally:
        _context._sibling_position = _original_position


def audit(path: Path | str, office: str, *, fast: bool = True) -> list[str]:
    """The validator's findings for one file, strict policy, one Office version; errors first."""
    validator = OpenXmlValidator(file_format=OFFICE_VERSIONS[office], max_errors=0, strict=True)
    with fast_sibling_positions() if fast else contextlib.nullcontext():
        result = validator.validate(str(path))
    found = sorted(result.errors, key=lambda e: e.severity != ValidationSeverity.ERROR)
    return [f"{e.severity.value} {e.part_uri}{':' + e.path if e.path else ''}: {e.description}" for e in found]


def audit_each_version(path: Path | str, processes: int | None = None) -> dict[str, list[str]]:
    """``audit`` for every Office version, each in a process of its own, as many at once as there are
    cores (``processes``); each process holds the whole package, about 1.7 GB for 5,000 indicators."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    processes = processes or min(len(OFFICE_VERSIONS), cores)
    # spawned, not forked: a new process inherits neither the test run's memory nor its state
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        found = {office: pool.submit(audit, str(path), office) for office in OFFICE_VERSIONS}
        return {office: future.result() for office, future in found.items()}


def errors(findings: list[str]) -> list[str]:
    return [f for f in findings if f.startswith(ValidationSeverity.ERROR.value + " ")]


def warnings(findings: list[str]) -> list[str]:
    return [f for f in findings if f.startswith(ValidationSeverity.WARNING.value + " ")]
