"""CSP Status benchmarks: every figure the product promises, measured in one run on this machine.

    python bench/run.py            # full run (about four minutes); writes docs/benchmarks.md
    python bench/run.py --quick    # fewer repeats (about two minutes); prints only
    python bench/run.py --large    # also a 50,000-indicator book (a quarter of an hour more)
    python bench/scale.py          # 500, 5,000, 50,000 indicators: time and memory per 10x

Run it from a checkout with the package installed (``pip install -e '.[test]'``).  It first
compiles the package's bytecode, as installing a package does (an editable install compiles
none, and with ``PYTHONDONTWRITEBYTECODE`` set Python would compile every module again in every
command).  Synthetic
master workbooks (9, 500 and 5,000 indicators, five years of quarters, messy cells) are made in a
temporary folder with ``importer.write_new_book`` and refreshed, as officers would have them.
Every figure is a median over several runs:

* ``csp refresh`` (the library call ``refresh_book``, and for 5,000 indicators the whole command)
  against a plain openpyxl ``load_workbook(keep_vba=True)`` + ``save`` of the same book; the
  book each run starts from needs refreshing (its current quarter moved from Q2 to Q1), so both
  read and write it in full;
* ``csp refresh`` as a whole command beside the floor prototype (``bench/floor.py``: the barest
  refresh, checked to write the very same bytes), each in a fresh process, and their ratio;
* with ``--large``, the whole command and its peak memory on a 50,000-indicator book (made by
  ``synth.write_large_book``: the same bytes as ``write_new_book``, in linear time), as multiples
  of the 5,000-indicator figures (linear growth is at most 11x); ``bench/scale.py`` measures the
  growth on its own, at 500, 5,000 and 50,000 indicators, every run in a fresh process;
* the worksheet functions in a fresh process of their own, as Excel's function server runs them:
  one scalar ``CSP_STATUS`` (timeit, many loops) and one array call over 10,000 rows, with
  arguments as xlwings passes them (2-D lists; numbers as floats, messy figures as text);
* command start-up: ``csp --version`` and ``csp refresh`` on a copy of the bundled workbook;
* peak memory (``ru_maxrss`` of the child) of ``csp refresh`` on the 5,000-indicator book;
* ``csp rollup`` over 300 generated partnership books (9 to 60 indicators each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from floor import floor_refresh  # noqa: E402
from synth import write_large_book, write_synthetic_book  # noqa: E402

from csp_status.refresh import refresh_book  # noqa: E402
from csp_status.workbook.files import zip_bytes  # noqa: E402
from csp_status.workbook.package import Package  # noqa: E402

DOC = REPO / "docs" / "benchmarks.md"
SIZES = (9, 500, 5000)
LARGE = 50_000  # with --large: the size a refresh must reach without a wall, growing linearly
ROLLUP_BOOKS = 300
PLACES = ("Ashford", "Barnsdale", "Carrow", "Dunmore", "Eastmoor", "Fenwick", "Greyhaven", "Holbeck",
          "Ironbridge", "Kettlewell", "Lowther", "Marsden", "Northshire", "Oakhurst", "Penrose")


@dataclass
class Figure:
    measure: str
    value: float
    unit: str
    target: float | None = None  # the figure must be at most this
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.value <= self.target else "MISS"

    def shown(self, value: float | None = None) -> str:
        value = self.value if value is None else value
        if self.unit == "s":
            return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
        if self.unit == "ms":
            return f"{value:.1f} ms"
        if self.unit == "µs":
            return f"{value:.1f} µs"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        if self.unit == "×":
            return f"{value:.2f} ×"
        return f"{value:g} {self.unit}"

    def target_text(self) -> str:
        return "" if self.target is None else f"≤ {self.shown(self.target)}" if self.unit == "×" else f"< {self.shown(self.target)}"


# ---- the machine --------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    import lxml.etree
    import numpy
    import openpyxl

    return {
        "CPU": cpu,
        "cores (nproc)": str(os.cpu_count()),
        "memory": memory,
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": f"{platform.system()} {platform.release()}",
        "libraries": f"openpyxl {openpyxl.__version__}, lxml {'.'.join(map(str, lxml.etree.LXML_VERSION[:3]))}, "
                     f"numpy {numpy.__version__}",
        "commit": commit,
    }


# ---- books --------------------------------------------------------------------------------------

def needing_refresh(book: Path, out: Path) -> Path:
    """A copy of a refreshed book whose current quarter an officer has moved (Q2 to Q1)."""
    with Package(book) as package:
        part = package.sheet_part("Settings")
        parts = {name: package.read(name) for name in package.names}
        order = list(package.names)
    xml = parts[part].decode("utf-8")
    changed, count = re.subn(r'(<c r="B5"[^>]*>)<v>2</v>', r"\g<1><v>1</v>", xml)
    if count != 1:
        raise SystemExit(f"{book}: cannot find the current quarter (Settings B5) to move")
    parts[part] = changed.encode("utf-8")
    out.write_bytes(zip_bytes(parts, order=order))
    return out


def _make_rollup_book(job: tuple[Path, int, int]) -> None:
    path, indicators, seed = job
    name = f"{PLACES[seed % len(PLACES)]} {seed // len(PLACES) + 1} Community Safety Partnership"
    write_synthetic_book(path, indicators, seed=seed, name=name)


def rollup_books(folder: Path, count: int) -> Path:
    folder.mkdir()
    rng = random.Random(2011)
    jobs = [(folder / f"partnership_{n:03d}.xlsm", rng.randint(9, 60), n) for n in range(count)]
    with ProcessPoolExecutor() as pool:
        list(pool.map(_make_rollup_book, jobs, chunksize=8))
    return folder


# ---- measuring ----------------------------------------------------------------------------------

def median_seconds(run: Callable[[], object], repeats: int, before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def alternating(*runs: Callable[[], object], repeats: int, before: Callable[[], object]) -> tuple[float, ...]:
    """Medians of things timed turn about, so that a busy moment on the machine falls on all of them."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, kept in zip(runs, times):
            before()
            started = time.perf_counter()
            run()
            kept.append(time.perf_counter() - started)
    return tuple(statistics.median(kept) for kept in times)


def csp_command() -> list[str]:
    script = Path(sys.executable).with_name("csp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csp_status.cli"]


def run_quietly(command: list[str], cwd: Path | None = None) -> None:
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def openpyxl_round_trip(book: Path, out: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(book, keep_vba=True)
    workbook.save(out)


def peak_memory_mb(command: list[str]) -> float:
    """ru_maxrss of one child running ``command``, measured from a fresh process that runs only it."""
    probe = textwrap.dedent(f"""
        import resource, subprocess
        subprocess.run({command!r}, check=True, stdout=subprocess.DEVNULL)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """)
    kb = int(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout)
    return kb / 1024


def udf_arguments(rows: int, seed: int = 10_000) -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
    """Columns as xlwings passes them: numbers as floats, typed figures as text, some placeholders
    (each seed gives figures and texts no other seed gives: text the functions have never seen)."""
    rng = random.Random(seed)
    actual, target, polarity = [], [], []
    for _ in range(rows):
        level = rng.uniform(0.04, 0.6)
        roll = rng.random()
        if roll < 0.6:
            actual.append([round(level, 4)])
        elif roll < 0.8:
            den = rng.randrange(80, 2000)
            actual.append([f"{round(level * 100)}% ({round(level * den):,}/{den:,})"])
        elif roll < 0.9:
            actual.append([f"{level * 100:.2f}%"])
        else:
            actual.append([rng.choice(("Awaited", None, "n/a"))])
        goal = level * rng.uniform(0.9, 1.1)
        target.append([round(goal, 4)] if rng.random() < 0.6 else [f"{goal * 100:.1f}% ({rng.choice((1.5, 3, 5))}%)"])
        polarity.append([rng.choice(("Lower is better", "Higher is better"))])
    return actual, target, polarity


def installed_bytecode() -> None:
    """Compile the package's bytecode, as ``pip install`` does when it installs a package.

    An editable install compiles nothing, and where ``PYTHONDONTWRITEBYTECODE`` is set (it is on
    these machines) Python never caches what it compiles: every command would compile every module
    from its source again, which no installed copy does."""
    import compileall

    for tree in ("src", "udfs"):
        compileall.compile_dir(REPO / tree, quiet=1)


_WORKSHEET_FUNCTIONS = """
import json, statistics, sys, time, timeit
sys.path[:0] = [{bench!r}, {udfs!r}]
import run
import csp_udfs
from csp_status.core import parse
quick = {quick!r}
loops = 2_000 if quick else 20_000
scalar = statistics.median(timeit.repeat(
    lambda: csp_udfs.CSP_STATUS([["15.59%"]], [["15.2%"]], [["Lower is better"]]), number=loops, repeat=5)) / loops
csp_udfs.CSP_STATUS(*run.udf_arguments(100, seed=1))  # the first call's imports (numpy) are Excel's start-up
fresh = [run.udf_arguments(10_000, seed=seed) for seed in range(2, 5 if quick else 11)]
times = []
for arguments in fresh:
    parse.forget_readings()  # every cache of cells read emptied: text never seen
    started = time.perf_counter()
    csp_udfs.CSP_STATUS(*arguments)
    times.append(time.perf_counter() - started)
actual, target, polarity = fresh[0]
again = run.median_seconds(lambda: csp_udfs.CSP_STATUS(actual, target, polarity), 3 if quick else 9)
print(json.dumps([scalar, statistics.median(times), again]))
"""


def worksheet_functions(quick: bool) -> list[Figure]:
    """The worksheet functions in a process of their own, as Excel's function server runs them: one
    cell, and 10,000 rows never seen (a new seed each call, the caches of cells read emptied first)."""
    script = _WORKSHEET_FUNCTIONS.format(bench=str(HERE), udfs=str(REPO / "udfs"), quick=quick)
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    scalar, array, again = json.loads(done.stdout)
    return [Figure("CSP_STATUS, one cell (in-process)", scalar * 1e6, "µs", 10),
            Figure("CSP_STATUS over 10,000 rows of text never seen (one array call)", array * 1e3, "ms", 50,
                   f"the same rows again: {again * 1e3:.0f} ms")]


# ---- the run ------------------------------------------------------------------------------------

def floor_round(stale: Path, out: Path) -> None:
    """The floor prototype: the barest refresh of the same book, written (see ``bench/floor.py``)."""
    out.write_bytes(floor_refresh(stale))


def check_floor(stale: Path, tmp: Path) -> None:
    """The floor must write exactly what ``csp refresh`` writes, or its time means nothing."""
    ours = tmp / "check_ours.xlsm"
    shutil.copyfile(stale, ours)
    refresh_book(ours)
    if floor_refresh(stale) != ours.read_bytes():
        raise SystemExit(f"{stale}: the floor prototype does not write the bytes csp refresh writes")


def run(quick: bool, large: bool = False) -> tuple[list[Figure], dict[str, str]]:
    repeats = 2 if quick else 5
    load_before, speed_before = _load(), python_speed()
    figures: list[Figure] = []
    csp = csp_command()
    installed_bytecode()
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="csp-bench-") as tmp_name:
        tmp = Path(tmp_name)
        books: dict[int, Path] = {}
        for size in SIZES:
            say(f"making a {size:,}-indicator book ...")
            fresh = write_synthetic_book(tmp / f"book_{size}.xlsm", size, seed=size, name=f"Synthetic {size}")
            books[size] = needing_refresh(fresh, tmp / f"stale_{size}.xlsm")

        for size in SIZES:
            stale = books[size]
            work = tmp / f"work_{size}.xlsm"
            saved = tmp / f"openpyxl_{size}.xlsm"
            runs = repeats if size < 5000 else (1 if quick else repeats - 2)
            timed = [lambda: refresh_book(work), lambda: openpyxl_round_trip(stale, saved)]
            if size >= 500:  # the whole command and the floor prototype too, all four turn about
                check_floor(stale, tmp)
                timed += [lambda: run_quietly([*csp, "refresh", "-q", str(work)]),
                          lambda: run_quietly([sys.executable, str(HERE / "floor.py"), str(stale), str(saved)])]
            say(f"refresh, openpyxl{', csp refresh and the floor prototype (whole commands)' if size >= 500 else ''}, "
                f"{size:,} indicators ({runs} runs each, turn about) ...")
            ours, theirs, *commands = alternating(*timed, repeats=runs, before=lambda: shutil.copyfile(stale, work))
            figures.append(Figure(f"refresh_book, {size:,} indicators", ours, "s"))
            figures.append(Figure(f"openpyxl load (keep_vba) + save, {size:,} indicators", theirs, "s"))
            figures.append(Figure(f"refresh ÷ openpyxl, {size:,} indicators", ours / theirs, "×",
                                  0.12 if size == 5000 else None))
            if size >= 500:
                command, floor = commands
                figures.append(Figure(f"csp refresh -q (whole command), {size:,} indicators", command, "s"))
                figures.append(Figure(f"floor prototype, same bytes (whole command), {size:,} indicators", floor, "s"))
                figures.append(Figure(f"csp refresh ÷ floor, {size:,} indicators", command / floor, "×",
                                      1.3 if size == 5000 else None))
            if size == 5000:
                figures.append(Figure("csp refresh command ÷ openpyxl, 5,000 indicators", command / theirs, "×", 0.12))
                say("peak memory, 5,000 indicators ...")
                shutil.copyfile(stale, work)
                memory = peak_memory_mb([*csp, "refresh", "-q", str(work)])
                figures.append(Figure("peak memory of csp refresh, 5,000 indicators", memory, "MB", 300))
        if large:
            figures += large_book(tmp, csp, command, memory, say)

        say("worksheet functions (a fresh process) ...")
        figures += worksheet_functions(quick)

        say("start-up ...")
        version = median_seconds(lambda: run_quietly([*csp, "--version"]), 5 if quick else 11)
        figures.append(Figure("csp --version (wall)", version, "s", 0.1))
        bundled = tmp / "bundled" / "csp_workbook.xlsm"
        bundled.parent.mkdir()
        shutil.copyfile(REPO / "csp_workbook.xlsm", bundled)
        startup = median_seconds(lambda: run_quietly([*csp, "refresh", str(bundled)]), 5 if quick else 11)
        figures.append(Figure("csp refresh on the bundled workbook (wall)", startup, "s", 0.3))

        say(f"making {ROLLUP_BOOKS} partnership books for the rollup ...")
        folder = rollup_books(tmp / "partnerships", ROLLUP_BOOKS)
        out = tmp / "overview.xlsx"
        say("csp rollup ...")
        seconds = median_seconds(lambda: run_quietly([*csp, "rollup", str(folder), "-o", str(out)]),
                                 1 if quick else 3)
        indicators = sum(1 for _ in _overview_rows(out))
        figures.append(Figure(f"csp rollup, {ROLLUP_BOOKS} books (wall)", seconds, "s", 5,
                              f"{indicators:,} indicators"))
    facts = machine()
    facts["load average (1 min) at start, at end"] = f"{load_before}, {_load()}"
    facts["plain Python, at start, at end (bench/run.py's python_speed)"] = f"{speed_before}, {python_speed()}"
    facts["Python build"] = _interpreter_build()
    return figures, facts


def large_book(tmp: Path, csp: list[str], command: float, memory: float, say) -> list[Figure]:
    """The whole command and its peak memory on a 50,000-indicator book, beside the 5,000 figures."""
    say(f"making a {LARGE:,}-indicator book (several minutes) ...")
    fresh = write_large_book(tmp / f"book_{LARGE}.xlsm", LARGE, seed=LARGE, name=f"Synthetic {LARGE}")
    stale = needing_refresh(fresh, tmp / f"stale_{LARGE}.xlsm")
    work = tmp / f"work_{LARGE}.xlsm"
    say(f"csp refresh (whole command) and its peak memory, {LARGE:,} indicators ...")
    shutil.copyfile(stale, work)
    started = time.perf_counter()
    big_memory = peak_memory_mb([*csp, "refresh", "-q", str(work)])
    seconds = time.perf_counter() - started
    return [
        Figure(f"csp refresh -q (whole command), {LARGE:,} indicators", seconds, "s"),
        Figure(f"csp refresh time, {LARGE:,} ÷ 5,000 indicators", seconds / command, "×", 11),
        Figure(f"peak memory of csp refresh, {LARGE:,} indicators", big_memory, "MB"),
        Figure(f"peak memory, {LARGE:,} ÷ 5,000 indicators", big_memory / memory, "×", 11),
    ]


def python_speed() -> str:
    """The speed of this interpreter on this machine at this moment: the time of one fixed piece of plain
    Python (a function called with a few arguments, attribute reads, comparisons, a list grown), per
    round.  Two runs on different machines, or hours apart, compare by this figure before by any other:
    these shared machines' speed moves by half, and so does every figure of the product's."""
    import timeit

    def step(a, b, c=None):  # the kind of work the one-cell judgement does, a few dozen bytecodes
        out = []
        if a is not None and b.real >= 0 and c is None:
            out.append(a.__class__ is str)
        return out

    rounds = 200_000
    best = min(timeit.repeat(lambda: step("15.59%", 0.152), number=rounds, repeat=5))
    return f"{best / rounds * 1e9:.0f} ns a round"


def _interpreter_build() -> str:
    """The options this Python was configured with that change its speed (profile-guided and link-time
    optimisation make the same bytecode run faster; a shared library, slower)."""
    import sysconfig

    options = sysconfig.get_config_var("CONFIG_ARGS") or ""
    names = ("--enable-optimizations", "--with-lto", "--enable-shared")
    found, absent = [n for n in names if n in options], [n for n in names if n not in options]
    return "; ".join(part for part in (f"configured with {', '.join(found)}" if found else "",
                                       f"without {', '.join(absent)}" if absent else "") if part)


def _load() -> str:
    """The machine's 1-minute load average: other work sharing the cores slows every figure."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def _overview_rows(out: Path):
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    return re.findall(rb"<row r=\"(\d+)\"", sheet)[1:]


# ---- reporting ----------------------------------------------------------------------------------

def table(figures: list[Figure]) -> str:
    rows = [("measure", "figure", "target", "result", "note")]
    rows += [(f.measure, f.shown(), f.target_text(), f.verdict, f.note) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


_WRITTEN_BY_HAND = "\n## This run, read"  # the page from here on is written by hand after a run, and kept


def write_doc(figures: list[Figure], facts: dict[str, str], command: str, seconds: float) -> None:
    machine_rows = "\n".join(f"| {k} | {v} |" for k, v in facts.items())
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    kept = old[old.index(_WRITTEN_BY_HAND):] if _WRITTEN_BY_HAND in old else ""
    DOC.write_text(textwrap.dedent(f"""\
        # Benchmarks

        Measured by `{command}` on {date.today().isoformat()} (the whole run took {seconds / 60:.1f} minutes).
        Every figure is a median over several runs on the machine below; PASS means at or under the
        target.  The books are synthetic (`bench/synth.py`): 9, 500 and 5,000 indicators over five
        reporting years, with the cells officers type (percentages, counts with thousands separators,
        rates per 1,000, "50% (62/124)", targets with reductions, placeholders, a few slips), written
        with `importer.write_new_book` and refreshed, so they carry all that a refresh regenerates (the
        Summary, the shown values of the Data formulas, the Trends sheet's chart per indicator); each
        timed refresh starts from a copy whose current quarter has been moved, so that it has work to
        do and writes the book.  The machine is shared: the load average before and after the run is
        recorded below, since other work on the two cores slows every figure.

        ## Machine

        | | |
        |---|---|
        {{machine_rows}}

        ## Results

        {{table}}

        ## What is measured

        * **refresh_book** is the library call behind `csp refresh` and the ribbon button; **openpyxl**
          is `load_workbook(path, keep_vba=True)` then `save`, the plain round trip a script would
          otherwise make of the same book.  The ratio is the figure that matters.
        * **csp refresh -q (whole command)** adds Python's start-up and the imports.
        * **floor prototype** (`bench/floor.py`) is the barest refresh of the same book, checked to write
          the same bytes as `csp refresh`, timed as a whole command (the ratio's target: at most 1.3 ×).
        * The four (the library call, openpyxl, the command and the floor prototype) are timed turn
          about, one of each a round, so that a busy moment on the machine falls on every ratio's two sides.
        * **--large** adds a 50,000-indicator book: the whole command and its peak memory as multiples of
          the 5,000-indicator figures (linear growth: at most 11 ×).  `python bench/scale.py` measures
          that growth on its own, at 500, 5,000 and 50,000 indicators.
        * **CSP_STATUS** is called as xlwings calls it (2-D lists), in a fresh Python process that does
          nothing else, as Excel's function server does nothing else.  One cell: `timeit`
          over many loops.  10,000 rows: one call with columns of floats, typed figures and
          placeholders, each call on figures and texts no call has seen (a new seed, and the caches
          of cells already read emptied first), as when an officer pastes a new quarter; the median
          of those calls, and in the note the same rows called again.
        * **Start-up** is the wall time of the installed `csp` command, with the package's bytecode
          compiled first, as installing it compiles it (these machines set `PYTHONDONTWRITEBYTECODE`,
          and an editable install compiles nothing: without that step every command would compile
          every module from its source).
        * **Peak memory** is `ru_maxrss` of the `csp refresh` child process.
        * **csp rollup** reads every book with one process per core and writes the overview .xlsx.

        Run `python bench/run.py --quick` for a faster, noisier check (it does not write this page).

        Timings on these shared machines move by half from one hour to the next; an instruction count
        moves by about 1%.  The machine's speed during the run is recorded above ("plain Python": one
        fixed piece of plain Python, timed at the start and at the end, `python_speed` in
        `bench/run.py`): two runs compare by it first.  `python bench/instructions.py` (it needs
        valgrind: `apt-get install valgrind`) counts the instructions of the worksheet functions'
        calls: one cell, the 10,000-row call, its column judgement alone and its reading of compact
        figures, each in a fresh process, about four minutes in all.  Compare code by these counts;
        the timed figures are the targets.
        """).replace("{machine_rows}", machine_rows).replace("{table}", table(figures)) + kept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats; print only, do not write the docs")
    parser.add_argument("--large", action="store_true",
                        help=f"also refresh a {LARGE:,}-indicator book (adds about a quarter of an hour)")
    args = parser.parse_args()
    started = time.perf_counter()
    figures, facts = run(args.quick, args.large)
    seconds = time.perf_counter() - started
    print()
    print("\n".join(f"{k}: {v}" for k, v in facts.items()))
    print()
    print(table(figures))
    missed = [f.measure for f in figures if f.verdict == "MISS"]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else "") + f" ({seconds:.0f} s)")
    if not args.quick:
        write_doc(figures, facts, "python bench/run.py" + (" --large" if args.large else ""), seconds)
        print(f"{DOC.relative_to(REPO)} written.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
