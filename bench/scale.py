"""CSP Status scaling: ``csp refresh`` at 500, 5,000 and 50,000 indicators, as whole commands.

    python bench/scale.py                      # 500, 5,000, 50,000 (about a quarter of an hour)
    python bench/scale.py --sizes 500 5000     # the smaller steps only
    python bench/scale.py --keep /tmp/books    # keep the books there, and reuse them next time

The target (issue 16): from one size to ten times it, the wall time and the peak memory of the
whole command grow at most 11 times (linear growth, with a little slack); the CPU time is shown
beside the wall time, being the figure other work on a shared machine moves least.

Each book is made by ``synth.write_large_book`` (the bytes ``importer.write_new_book`` writes,
checked here on a small book first, made in time linear in the indicators) and refreshed, then a
copy whose current quarter has been moved (Q2 to Q1) is what each timed run starts from, so that
the refresh has work to do and writes the whole book.  Every run is ``csp refresh -q`` (as
``python -m csp_status.cli``) in a fresh process, from a snapshot of the source at HEAD taken when
the run starts, so that every size measures the same code while others commit; a fresh probe
process starts it, times it (the wall clock around it, and its CPU time, user and system) and
reads its peak memory (``ru_maxrss`` of the child).  The figures are the medians of the runs.
After the last run the refreshed book is checked: one Summary row per indicator, and the Trends
sheet's charts (at most ``outputs.trends.MAX_CHARTS``, its title saying how many are drawn).

The openpyxl round trip ``bench/run.py`` measures is not run here: at 50,000 indicators it would
take about a quarter of an hour for a figure the issue does not ask of that size.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import REPO, _load, machine, needing_refresh
from synth import same_as_product, write_large_book

from csp_status.outputs.trends import MAX_CHARTS
from csp_status.workbook.package import Package

SIZES = (500, 5_000, 50_000)
GROWTH = 11.0  # at most this many times the time and the memory, for ten times the indicators


def runs_for(size: int) -> int:
    return 5 if size <= 500 else 3 if size <= 5_000 else 2


def snapshot(folder: Path) -> tuple[list[str], dict[str, str], str]:
    """The product's source at HEAD, unpacked into ``folder``: the command, its environment, the commit.

    Others commit to the working tree while a run takes its quarter of an hour; every run here
    measures the one snapshot, so that the growth from one size to the next is of the same code."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    tar = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, "src"], check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(folder, filter="data")
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    where = subprocess.run([sys.executable, "-c", "import csp_status; print(csp_status.__file__)"], env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    if not Path(where).is_relative_to(folder):
        raise SystemExit(f"the snapshot of {commit} is not what runs: csp_status is imported from {where}")
    return [sys.executable, "-m", "csp_status.cli"], env, commit


def timed_child(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MB) of ``command``, run from a fresh process that
    runs only it (the CPU time is the figure least moved by other work sharing the cores)."""
    probe = textwrap.dedent(f"""
        import json, resource, subprocess, time
        started = time.perf_counter()
        done = subprocess.run({command!r}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if done.returncode:
            raise SystemExit("csp refresh failed: " + done.stderr.strip())
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps([seconds, used.ru_utime + used.ru_stime, used.ru_maxrss]))
    """)
    out = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit(out.stderr.strip() or f"{command}: failed")
    seconds, cpu, kb = json.loads(out.stdout)
    return seconds, cpu, kb / 1024


def refreshed_check(book: Path, size: int) -> str:
    """What the refreshed book holds: a Summary row per indicator, and the Trends sheet's charts."""
    with Package(book) as package:
        summary = package.read(package.sheet_part("Summary"))
        trends = package.read(package.sheet_part("Trends"))
        charts = sum(1 for name in package.names if re.fullmatch(r"xl/charts/chart[0-9]+\.xml", name))
    rows = len(re.findall(rb'<row r="', summary)) - 3  # the group, header and years rows
    if rows != size:
        raise SystemExit(f"{book}: the Summary holds {rows:,} indicator rows, not {size:,}")
    if charts != min(size, MAX_CHARTS):
        raise SystemExit(f"{book}: the Trends sheet has {charts:,} charts, not {min(size, MAX_CHARTS):,}")
    capped = size > MAX_CHARTS and f"The first {MAX_CHARTS:,} of the {size:,} indicators".encode() in trends
    if size > MAX_CHARTS and not capped:
        raise SystemExit(f"{book}: the Trends sheet does not say that it draws only {MAX_CHARTS:,} charts")
    return f"{rows:,} Summary rows, {charts:,} charts" + (" (the title says so)" if capped else "")


def measure(folder: Path, sizes: tuple[int, ...], csp: list[str], env: dict[str, str], say
            ) -> list[dict[str, object]]:
    results = []
    for size in sizes:
        fresh = folder / f"book_{size}.xlsm"
        made = 0.0
        if not fresh.exists():
            say(f"making a {size:,}-indicator book ...")
            started = time.perf_counter()
            write_large_book(fresh, size, seed=size, name=f"Synthetic {size}")
            made = time.perf_counter() - started
        stale = needing_refresh(fresh, folder / f"stale_{size}.xlsm")
        work = folder / f"work_{size}.xlsm"
        times, cpus, memories = [], [], []
        for n in range(runs_for(size)):
            say(f"csp refresh -q, {size:,} indicators, run {n + 1} of {runs_for(size)} ...")
            shutil.copyfile(stale, work)
            seconds, cpu, memory = timed_child([*csp, "refresh", "-q", str(work)], env)
            times.append(seconds)
            cpus.append(cpu)
            memories.append(memory)
        results.append({"size": size, "seconds": statistics.median(times), "cpu": statistics.median(cpus),
                        "memory": statistics.median(memories),
                        "made": made, "book_mb": stale.stat().st_size / 1e6, "runs": len(times),
                        "check": refreshed_check(work, size)})
    return results


def table(results: list[dict[str, object]]) -> str:
    rows = [("indicators", "book", "csp refresh -q (wall)", "wall ×", "CPU", "CPU ×", "peak memory", "memory ×",
             "target", "result")]
    for before, now in zip([None, *results], results):
        grows = ["", "", ""]
        target = verdict = ""
        if before is not None:
            limit = GROWTH * now["size"] / before["size"] / 10
            ratios = [now[k] / before[k] for k in ("seconds", "cpu", "memory")]
            grows = [f"{r:.2f} ×" for r in ratios]
            target, verdict = f"≤ {limit:g} ×", "PASS" if max(ratios) <= limit else "MISS"
        rows.append((f"{now['size']:,}", f"{now['book_mb']:.1f} MB", _seconds(now["seconds"]), grows[0],
                     _seconds(now["cpu"]), grows[1], f"{now['memory']:.0f} MB", grows[2], target, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="indicators, smallest first")
    parser.add_argument("--keep", type=Path, help="a folder to keep the books in (books already there are reused)")
    args = parser.parse_args()
    say = lambda text: print(text, file=sys.stderr, flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="csp-scale-") as tmp_name:
        folder = args.keep or Path(tmp_name)
        folder.mkdir(parents=True, exist_ok=True)
        say("checking that the bench's book route writes the bytes write_new_book writes ...")
        same_as_product(Path(tmp_name))
        csp, env, commit = snapshot(Path(tmp_name) / "code")
        load = _load()
        results = measure(folder, tuple(sorted(args.sizes)), csp, env, say)
        load = f"{load}, {_load()}"
    facts = machine()
    facts["commit"] = f"{commit} (its source, as committed, is what every run measures)"
    facts["load average (1 min) at start, at end"] = load
    print("\n".join(f"{k}: {v}" for k, v in facts.items()))
    print()
    print(table(results))
    print()
    for r in results:
        made = f"; the book made in {r['made']:.0f} s" if r["made"] else ""
        print(f"{r['size']:,} indicators: median of {r['runs']} runs; {r['check']}{made}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0 if "MISS" not in table(results) else 1


if __name__ == "__main__":
    sys.exit(main())
