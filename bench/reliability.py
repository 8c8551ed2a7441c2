"""The time and peak memory of every adversarial case, measured in one pytest run.

    python bench/reliability.py                      # tests/test_adversarial_*.py; prints a Markdown table
    python bench/reliability.py tests/test_adversarial_paths.py -k symlink

Each test's call is timed, and its memory measured as the growth of this process's peak resident
size during the call (Linux: ``VmHWM`` after resetting it through ``/proc/self/clear_refs``).  A
test that runs the product in a child process (``csp …``, or ``measure``) is also given the peak of
its children when it set a new one (``ru_maxrss`` of the children).  docs/reliability.md quotes
the table and its maxima.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _kb(field: str) -> int:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


class Recorder:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, float, float]] = []
        self._outcomes: dict[str, str] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        _reset_peak()
        before, children = _kb("VmRSS"), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        grew = (_kb("VmHWM") - before) / 1024
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak = max(grew, child / 1024 if child > children else 0.0)
        self.rows.append((item.nodeid, "", seconds, peak))

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self._outcomes[report.nodeid] = report.outcome

    def table(self) -> str:
        lines = ["| test | outcome | seconds | peak MB |", "|---|---|---:|---:|"]
        for nodeid, _, seconds, peak in self.rows:
            lines.append(f"| `{nodeid.split('::', 1)[1]}` | {self._outcomes.get(nodeid, '?')} | {seconds:.2f} | "
                         f"{peak:.0f} |")
        if self.rows:
            slowest = max(self.rows, key=lambda r: r[2])
            largest = max(self.rows, key=lambda r: r[3])
            lines.append("")
            lines.append(f"{len(self.rows)} tests; slowest {slowest[2]:.1f} s (`{slowest[0].split('::', 1)[1]}`); "
                         f"largest {largest[3]:.0f} MB (`{largest[0].split('::', 1)[1]}`)")
        return "\n".join(lines)


def main(argv: list[str]) -> int:
    recorder = Recorder()
    args = argv or sorted(str(p) for p in (ROOT / "tests").glob("test_adversarial_*.py"))
    code = pytest.main(["-q", "-p", "no:cacheprovider", *args], plugins=[recorder])
    print(recorder.table())
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
