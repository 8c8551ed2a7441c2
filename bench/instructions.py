"""Instructions the worksheet functions execute, counted by valgrind (a figure the machine's load does not move).

    python bench/instructions.py                  # every measure below
    python bench/instructions.py column compacts  # the ones named

Timings on these shared machines move by half from one minute to the next; an instruction count moves
by about 1%.  Each measure runs in a fresh process under ``valgrind --tool=callgrind``, twice: once
with the measured work and once with only what comes before it (imports, the arguments made, the
first call's imports), and the figure is the difference, per call.  ``PYTHONHASHSEED=0`` and one
BLAS thread keep two runs alike.  The measures:

* ``cell``: ``CSP_STATUS`` of one cell, as the timed one-cell figure calls it (per call, 2,000 calls);
* ``column``: ``CSP_STATUS`` over the 10,000 rows of the timed array call (seed 2, never seen);
* ``decide``: the column road of that call, ``decide_columns`` on the same cells;
* ``compacts``: ``read_compacts`` over the distinct texts of its value and target columns, as that road
  reads them (no decimals, no reductions).

It needs valgrind (``apt-get install valgrind``) and compiles the package's bytecode first.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

MEASURES = ("cell", "column", "decide", "compacts")
_CALLS = {"cell": 2_000, "column": 1, "decide": 1, "compacts": 1}


def _child(measure: str, calls: int) -> None:
    """Make the arguments of ``measure``, then run it ``calls`` times (none: only what comes before)."""
    sys.path[:0] = [str(HERE), str(REPO / "udfs")]
    import csp_udfs
    import run

    from csp_status.core import parse
    from csp_status.core.columns import decide_columns
    from csp_status.core.compact import read_compacts

    csp_udfs.CSP_STATUS(*run.udf_arguments(100, seed=1))  # the first call's imports, as in the timed figure
    actual, target, polarity = run.udf_arguments(10_000, seed=2)
    parse.forget_readings()
    if measure == "cell":
        cell = ([["15.59%"]], [["15.2%"]], [["Lower is better"]])
        work = lambda: csp_udfs.CSP_STATUS(*cell)  # noqa: E731
    elif measure == "column":
        work = lambda: csp_udfs.CSP_STATUS(actual, target, polarity)  # noqa: E731
    elif measure == "decide":
        columns = {"value": [c for (c,) in actual], "target": [c for (c,) in target],
                   "polarity": [c for (c,) in polarity]}
        work = lambda: decide_columns(10_000, fields=("status",), **columns)  # noqa: E731
    else:
        texts = [c for (c,) in actual + target if c.__class__ is str]
        distinct = list(dict.fromkeys(texts))
        work = lambda: read_compacts(distinct, every_field=False)  # noqa: E731
    for _ in range(calls):
        work()


def count(measure: str, calls: int) -> int:
    """Instructions of one process running ``measure`` ``calls`` times, start to end."""
    env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, __file__,
             "--child", measure, str(calls)],
            env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind gave no count for {measure}:\n{done.stderr[-2000:]}")
    return int(found[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measures", nargs="*", metavar="measure", help=f"any of {', '.join(MEASURES)} (default: all)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return 0
    unknown = [name for name in args.measures if name not in MEASURES]
    if unknown:
        parser.error(f"no such measure: {', '.join(unknown)} (the measures: {', '.join(MEASURES)})")
    import compileall

    for tree in ("src", "udfs"):
        compileall.compile_dir(REPO / tree, quiet=1)
    for measure in args.measures or MEASURES:
        calls = _CALLS[measure]
        used = (count(measure, calls) - count(measure, 0)) / calls
        shown = f"{used / 1e3:,.1f} k" if used < 1e6 else f"{used / 1e6:,.1f} M"
        print(f"{measure:<10} {shown:>10} instructions per call", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
