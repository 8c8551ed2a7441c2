"""pandas tables for analysts: a book's statuses, and any table of messy cells judged at once.

Both go through the one judgement (:func:`csp_status.core.judgement.judge`) that the Summary, the
Data sheet and the worksheet functions use, so a notebook gets the statuses the board sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from csp_status.core.judgement import Evaluation, IndicatorCells, evaluate, judge
from csp_status.core.vocabulary import Status, Trend
from csp_status.workbook.book_read import read_book

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["statuses", "evaluate_table", "evaluations_table"]

_NUMBERS = ("value", "target", "gap", "previous")
_STATUSES = [status.value for status in Status]
_TRENDS = [trend.value for trend in Trend]


def statuses(path: str | Path) -> "pd.DataFrame":
    """Each indicator of a master workbook for its reporting period, one row per indicator.

    Columns as ``csp status --format json``: ref, description, period, unit, value, value_text,
    target, target_text, status, gap, gap_text, trend, previous, previous_period, notes, interval.
    Figures are floats (NaN where there is none; percentages as fractions), status and trend are
    categoricals in their natural order.  The book is only read.
    """
    return evaluations_table(evaluate(read_book(Path(path)).partnership))


def evaluations_table(evaluations: list[Evaluation]) -> "pd.DataFrame":
    """Judgements as a typed pandas table (see :func:`statuses`)."""
    import pandas as pd

    frame = pd.DataFrame([e.as_row() for e in evaluations])
    if frame.empty:
        frame = pd.DataFrame(columns=list(Evaluation.__dataclass_fields__))
    for column in _NUMBERS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["status"] = pd.Categorical(frame["status"], categories=_STATUSES, ordered=True)
    frame["trend"] = pd.Categorical(frame["trend"], categories=_TRENDS)
    return frame


def evaluate_table(
    frame: "pd.DataFrame",
    *,
    value: str = "value",
    target: str | None = "target",
    polarity: Any = "polarity",
    unit: Any = None,
    tolerance: Any = None,
    tolerance_kind: Any = None,
    last_outturn: str | None = None,
    previous: str | None = None,
    population: Any = None,
    notes: bool = True,
) -> "pd.DataFrame":
    """Judge every row of a table of cells as typed ("15.59%", "13,102", "Awaited", "7.1% (1.5%)").

    Each keyword names a column of ``frame``; ``polarity``, ``unit``, ``tolerance``,
    ``tolerance_kind`` and ``population`` may instead be one value for every row (``polarity="lower"``).
    ``last_outturn`` is last year's figure (a target typed only as a reduction applies to it) and
    ``previous`` the figure the direction of travel compares with.  Returns a table with the
    frame's index: value, target, status, gap, trend, notes (as :func:`statuses`).  A polarity,
    unit or tolerance that cannot be read raises :class:`~csp_status.CellError` naming the row.
    With ``notes=False`` the table has no notes column and is judged as whole columns at once (the
    worksheet functions' road, many times faster on a large table; the same statuses, gaps and trends).
    """
    import pandas as pd

    from csp_status.core.errors import CellError

    def column(spec: Any, *, named: bool = True) -> list[Any]:
        if spec is None:
            return [None] * len(frame)
        if isinstance(spec, str) and spec in frame.columns:
            return [None if _missing(v) else v for v in frame[spec].tolist()]
        if named and isinstance(spec, str):
            raise KeyError(f"no column {spec!r} in the table (it has {', '.join(map(str, frame.columns))})")
        return [spec] * len(frame)

    if not notes:
        return _typed(_by_columns(frame, column(value), column(target), column(polarity, named=False),
                                  column(unit, named=False), column(tolerance, named=False),
                                  column(tolerance_kind, named=False), column(last_outturn), column(previous)))
    cells = zip(column(value), column(target), column(polarity, named=False), column(unit, named=False),
                column(tolerance, named=False), column(tolerance_kind, named=False), column(last_outturn),
                column(previous), column(population, named=False))
    rows = []
    for index, (v, t, p, u, tol, kind, base, before, pop) in zip(frame.index, cells):
        try:
            judged = judge(IndicatorCells(value=v, target=t, polarity=p, unit=u, tolerance=tol, tolerance_kind=kind,
                                          baseline=base, previous=before, population=pop))
        except CellError as err:
            raise CellError(err.text, f"{err.expected} (row {index!r})") from None
        rows.append({"value": judged.value, "target": judged.target, "status": judged.status.value,
                     "gap": judged.gap, "trend": judged.trend.value if judged.trend else None,
                     "notes": "; ".join(judged.notes)})
    return _typed(pd.DataFrame(rows, index=frame.index, columns=["value", "target", "status", "gap", "trend", "notes"]))


def _by_columns(frame: "pd.DataFrame", *columns: list[Any]) -> "pd.DataFrame":
    """The table judged as whole columns (``core.columns``); a row whose settings cannot be read raises."""
    import pandas as pd

    from csp_status.core.columns import decide_columns
    from csp_status.core.errors import CellError

    names = ("value", "target", "polarity", "unit", "tolerance", "tolerance_kind", "baseline", "previous")
    found = decide_columns(len(frame), fields=("value", "target", "status", "gap", "trend"),
                           **dict(zip(names, columns)))
    for index, status in zip(frame.index, found["status"]):
        if isinstance(status, CellError):
            raise CellError(status.text, f"{status.expected} (row {index!r})")
    return pd.DataFrame(found, index=frame.index)


def _typed(out: "pd.DataFrame") -> "pd.DataFrame":
    """The judged table's columns as numbers and ordered categories."""
    import pandas as pd

    for name in ("value", "target", "gap"):
        out[name] = pd.to_numeric(out[name], errors="coerce").astype(float)
    out["status"] = pd.Categorical(out["status"], categories=_STATUSES, ordered=True)
    out["trend"] = pd.Categorical(out["trend"], categories=_TRENDS)
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)
