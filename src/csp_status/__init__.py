"""CSP Status: RAG statuses, targets and trends for Community Safety Partnership indicators.

The Python API for analysts (each name is documented, with an example, in docs/api.md)::

    import csp_status as csp
    csp.statuses("csp_workbook.xlsm")          # a pandas table, one row per indicator
    csp.evaluate_table(df, value="Q1", target="Target", polarity="lower")
    csp.parse_cell("50% (62/124)")             # Reading(value=0.5, numerator=62.0, …)

Names are loaded when first used, so ``import csp_status`` (and ``csp --version``) stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.2.0"

_WHERE = {
    # tables
    "statuses": "csp_status.tables",
    "evaluate_table": "csp_status.tables",
    # the judgement and its parts
    "judge": "csp_status.core.judgement",
    "IndicatorCells": "csp_status.core.judgement",
    "Evaluation": "csp_status.core.judgement",
    "parse_cell": "csp_status.core.parse",
    "Reading": "csp_status.core.parse",
    # books
    "read_book": "csp_status.workbook.book_read",
    "refresh_book": "csp_status.refresh",
    "import_legacy": "csp_status.importer",
    "write_report": "csp_status.outputs.report",
    "rollup": "csp_status.outputs.rollup",
    # the closed vocabularies
    "Status": "csp_status.core.vocabulary",
    "Polarity": "csp_status.core.vocabulary",
    "Trend": "csp_status.core.vocabulary",
    "TrendBasis": "csp_status.core.vocabulary",
    "ToleranceKind": "csp_status.core.vocabulary",
    "Unit": "csp_status.core.vocabulary",
    "Placeholder": "csp_status.core.vocabulary",
    # errors
    "CspError": "csp_status.core.errors",
    "CellError": "csp_status.core.errors",
    "BookError": "csp_status.core.errors",
    "BuildError": "csp_status.core.errors",
    "ReportError": "csp_status.core.errors",
}

__all__ = ["__version__", *_WHERE]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'csp_status' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
