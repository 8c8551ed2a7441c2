"""The ``csp`` command line: a thin shell over the library (the only module that prints or exits).

Imports are made inside the commands, so ``csp --version`` and ``csp --help`` answer at once.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Sequence

from csp_status import __version__
from csp_status.core.errors import CspError

DEFAULT_BOOK = "csp_workbook.xlsm"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except CspError as err:
        print(f"Error: {' '.join(str(err).splitlines())}", file=sys.stderr)  # one line, whatever the text
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the workbook is unchanged.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `head`) stopped early: nothing more to say, and no traceback
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csp",
        description="CSP Status: RAG statuses, targets and trends for a Community Safety Partnership's "
        "indicator summary, in its master workbook.",
    )
    parser.add_argument("--version", action="version", version=f"csp {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    p = sub.add_parser("refresh", help="regenerate the Summary tab and print the status table",
                       description="Regenerate the Summary tab of a master workbook (and the shown values of "
                       "its CSP_* formulas), then print the status table. Nothing else in the book changes.")
    p.add_argument("book", nargs="?", default=DEFAULT_BOOK, help=f"the master workbook (default: {DEFAULT_BOOK})")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(run=_refresh)

    p = sub.add_parser("status", help="print each indicator's status, value, target, gap, trend and notes",
                       description="Print each indicator's status without changing the workbook.")
    p.add_argument("book", nargs="?", default=DEFAULT_BOOK, help=f"the master workbook (default: {DEFAULT_BOOK})")
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table", help="output format")
    p.set_defaults(run=_status)

    p = sub.add_parser("import", help="read a legacy indicator summary into a new master workbook",
                       description="Read a partnership's existing 'Overview – Indicator Summary' "
                       "(.tsv, .csv or .xlsx) into a new master workbook, then refresh it.")
    p.add_argument("legacy", help="the legacy summary file")
    p.add_argument("-o", "--output", help="the new master workbook (.xlsm); required unless --show-layout")
    p.add_argument("--force", action="store_true", help="replace the output if it exists")
    p.add_argument("--show-layout", action="store_true",
                   help="print how each column of the file is read (role, period, how sure, why); "
                   "write nothing")
    p.add_argument("--sheet", help="the workbook's sheet that holds the summary (default: the first that is one)")
    p.add_argument("--layout", metavar="MAPPING",
                   help="the roles of the file's columns as an officer set them: a master workbook made from this "
                   "summary (its Layout sheet, corrected) or a .tsv/.csv headed Column and Role")
    p.set_defaults(run=_import, import_parser=p)

    p = sub.add_parser("report", help="write the board pack: one HTML file with charts (and a PDF)",
                       description="Write the board pack for a master workbook: one self-contained HTML file "
                       "(the Summary with RAG statuses, a trend chart per indicator, commentary and data notes) "
                       "that opens in any browser without a network and prints on A4 landscape. "
                       "The workbook is only read.")
    p.add_argument("book", nargs="?", default=DEFAULT_BOOK, help=f"the master workbook (default: {DEFAULT_BOOK})")
    p.add_argument("-o", "--output", default="board_pack.html", help="the HTML file (default: board_pack.html)")
    p.add_argument("--pdf", action="store_true",
                   help="also write a PDF beside it (same name, .pdf), printed by Chromium")
    p.add_argument("--force", action="store_true",
                   help="replace the output even if it is not a board pack made earlier")
    p.set_defaults(run=_report)

    p = sub.add_parser("rollup", help="gather every partnership's book in a folder into one overview .xlsx",
                       description="Read every master workbook (.xlsm, .xlsx) in a folder, in parallel, judge "
                       "each indicator as 'csp status' does, and write one overview workbook: a row per "
                       "partnership and indicator, status counts per partnership, and the books that could "
                       "not be read. A book that cannot be read is reported and left out.")
    p.add_argument("folder", help="the folder holding the partnerships' workbooks")
    p.add_argument("-o", "--output", required=True, help="the overview workbook to write (.xlsx)")
    p.add_argument("--workers", type=int, default=None, help="processes to read with (default: one per core)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors and unreadable books")
    p.add_argument("--force", action="store_true",
                   help="replace the output even if it is not an overview made earlier")
    p.set_defaults(run=_rollup)

    p = sub.add_parser("build", help="build csp_workbook.xlsm from its text sources",
                       description="Build the bundled workbook from the VBA, ribbon and data sources, "
                       "byte for byte the same on every run.")
    p.add_argument("-o", "--output", default=DEFAULT_BOOK, help=f"where to write it (default: {DEFAULT_BOOK})")
    p.add_argument("--check", action="store_true", help="fail when the existing file differs from a fresh build")
    p.add_argument("--force", action="store_true",
                   help="replace the output even if it holds other figures than the bundled book")
    p.set_defaults(run=_build)
    return parser


def _refresh(args: argparse.Namespace) -> int:
    from csp_status.refresh import refresh_book

    result = refresh_book(Path(args.book))
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if not args.quiet:
        print(_table(result.evaluations))
        state = "refreshed" if result.changed else "already up to date"
        print(f"\n{args.book}: Summary {state} for {result.evaluations[0].period if result.evaluations else 'no indicators'}.")
    return 0


def _status(args: argparse.Namespace) -> int:
    from csp_status.core.judgement import evaluate
    from csp_status.workbook.book_read import read_book

    evaluations = evaluate(read_book(Path(args.book)).partnership)
    if args.format == "json":
        import json

        print(json.dumps([_finite(e.as_row()) for e in evaluations], indent=2, ensure_ascii=False, allow_nan=False))
    elif args.format == "csv":
        import csv

        fields = ["ref", "description", "period", "value", "value_text", "target", "target_text", "status",
                  "gap", "gap_text", "trend", "previous", "previous_period", "notes"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for e in evaluations:
            writer.writerow({key: _csv_cell(value) for key, value in _finite(e.as_row()).items()})
    else:
        print(_table(evaluations))
    return 0


def _import(args: argparse.Namespace) -> int:
    corrections = None
    if args.layout:
        from csp_status.workbook.layout_sheets import read_corrections

        corrections = read_corrections(Path(args.layout))
    if args.show_layout:
        return _show_layout(Path(args.legacy), corrections, args.sheet)
    if not args.output:
        args.import_parser.error("the following arguments are required: -o/--output")
    from csp_status.importer import import_legacy

    result = import_legacy(Path(args.legacy), Path(args.output), overwrite=args.force, corrections=corrections,
                           sheet=args.sheet, layout=Path(args.layout) if args.layout else None)
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    print(_table(result.refresh.evaluations))
    print(f"\n{args.output}: made from {args.legacy} with {len(result.refresh.evaluations)} indicators.")
    return 0


def _show_layout(path: Path, corrections=None, sheet: str | None = None) -> int:
    from csp_status.importer import summary_layout

    layout = summary_layout(path, corrections, sheet)
    headers = ("Column", "Header", "Role", "Period", "Confidence", "Reason")
    rows = [(c.letter, c.header, c.role.value + (" (current)" if c.current else ""),
             c.period.label if c.period else "", f"{c.confidence:.2f}", c.reason) for c in layout.columns]
    widths = [min(max(len(r[i]) for r in [headers, *rows]), 48) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_fit(c, w).ljust(w) if i < len(cells) - 1 else c
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print("\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]))
    current = next((c for c in layout.columns if c.index == layout.current_column), None)
    print(f"\n{layout.source}: header on row{'s' if len(layout.header_rows) > 1 else ''} "
          f"{', '.join(map(str, layout.header_rows))}; {len(layout.data_rows)} indicator rows, "
          f"refs from the {layout.ref_source.value}.")
    if current is not None:
        print(f"Current period: {layout.current_period or 'not named'} (column {current.letter}).")
    else:
        print("Current period: none (no value column).")
    for note in layout.notes:
        print(f"Note: {note}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from csp_status.outputs.report import write_report

    html = Path(args.output)
    pdf = html.with_suffix(".pdf") if args.pdf else None
    result = write_report(Path(args.book), html, pdf, force=args.force)
    period = result.evaluations[0].period if result.evaluations else "no indicators"
    print(f"{html}: board pack for {period}, {len(result.evaluations)} indicators.")
    if result.pdf:
        print(f"{result.pdf}: the same, as a PDF.")
    return 0


def _rollup(args: argparse.Namespace) -> int:
    from csp_status.outputs.rollup import rollup
    from csp_status.progress import ProgressBar

    bar = ProgressBar(sys.stderr, what="books")
    bar.enabled = bar.enabled and not args.quiet
    try:
        result = rollup(Path(args.folder), Path(args.output), workers=args.workers, progress=bar, force=args.force)
    finally:
        bar.close()
    for book in result.problems:
        print(f"Skipped {book.path.name}: {book.problem}", file=sys.stderr)
    if not args.quiet:
        print(f"{args.output}: {len(result.books)} books read, {len(result.problems)} skipped, "
              f"{result.indicators:,} indicators, {result.seconds:.1f} s.")
    return 0 if result.books else 1


def _build(args: argparse.Namespace) -> int:
    from csp_status.bundled import build_workbook, check_workbook

    if args.check:
        check_workbook(Path(args.output))
        print(f"{args.output}: the same as a fresh build.")
        return 0
    changed = build_workbook(Path(args.output), force=args.force)
    print(f"{args.output}: {'built' if changed else 'already up to date'}.")
    return 0


def _finite(value: object) -> object:
    """JSON has no infinity or NaN: a number too large to hold is null (its text says what it is)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _csv_cell(value: object) -> object:
    """Text a spreadsheet would take for a formula, kept as text by a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _table(evaluations) -> str:
    headers = ("Ref", "Status", "Value", "Target", "Gap to target", "Trend")
    rows = [
        (e.ref, e.status.value, e.value_text, e.target_text, e.gap_text,
         f"{e.trend.arrow} {e.trend.value}" if e.trend else "")
        for e in evaluations
    ]
    widths = [min(max(len(str(r[i])) for r in [headers, *rows]), 34) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_fit(str(c), w).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
