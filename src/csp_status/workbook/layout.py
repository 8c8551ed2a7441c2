"""The master workbook's anatomy: sheet names, headers, defined names, formula columns, styles.

One place for the layout, shared by the writer (new books), the reader and the refresh.
"""

from __future__ import annotations

from typing import ClassVar

from csp_status.core.vocabulary import Status
from csp_status.workbook import data_columns

__all__ = [
    "SUMMARY", "TRENDS", "INDICATORS", "DATA", "SETTINGS", "CONFIG", "SHEETS", "SHEET_NUMBERS",
    "INDICATOR_HEADERS", "DATA_INPUT_HEADERS", "DATA_FORMULA_HEADERS", "DATA_HEADERS",
    "SETTING_LABELS", "DEFINED_NAMES", "STYLE_LABELS", "Style", "data_formulas", "XLWINGS_CONF",
    "STATUS_COLOURS",
]

SUMMARY = "Summary"
TRENDS = "Trends"
INDICATORS = "Indicators"
DATA = "Data"
SETTINGS = "Settings"
CONFIG = "xlwings.conf"
SHEETS = (SUMMARY, TRENDS, INDICATORS, DATA, SETTINGS, CONFIG)  # in tab order
# Each sheet's part number (xl/worksheets/sheetN.xml) and VBA code name (SheetN).
SHEET_NUMBERS = {SUMMARY: 1, INDICATORS: 2, DATA: 3, SETTINGS: 4, CONFIG: 5, TRENDS: 6}

INDICATOR_HEADERS = data_columns.INDICATOR_HEADERS  # the Indicators sheet's columns (the Data formulas read them)
DATA_INPUT_HEADERS = data_columns.INPUTS
DATA_FORMULA_HEADERS = data_columns.FORMULA_HEADERS  # the calculated columns (see data_columns)
DATA_HEADERS = DATA_INPUT_HEADERS + DATA_FORMULA_HEADERS

# Settings: label in column A, value in column B, from row 3; each value has a defined name.
SETTING_LABELS = {
    "partnership": "Partnership",
    "reporting_year": "Reporting year",
    "current_quarter": "Current quarter",
    "population": "Population (for per 1,000 rates)",
}
SETTING_FIRST_ROW = 3
DEFINED_NAMES = {
    "ReportingYear": "reporting_year",
    "CurrentQuarter": "current_quarter",
    "Population": "population",
}

STYLE_LEGEND_HEADING = "Summary styles (format these cells to restyle the Summary)"
# A new book's status colours (fill, font) as "RRGGBB": its Settings legend, and so its Summary,
# starts with these; the board pack shows whatever the legend cells are formatted with since.
STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    Status.GREEN: ("C6EFCE", "006100"),
    Status.AMBER: ("FFEB9C", "9C5700"),
    Status.RED: ("FFC7CE", "9C0006"),
    Status.NO_TARGET: ("D9D9D9", "000000"),
    Status.AWAITED: ("DDEBF7", "000000"),
    Status.CHECK: ("E4DFEC", "000000"),
}


class Style:
    """Cell style indices of the styles part every new book is written with."""

    DEFAULT = 0
    TITLE = 1
    GROUP = 2
    HEADER = 3
    TEXT = 4
    GREEN = 5
    AMBER = 6
    RED = 7
    NO_TARGET = 8
    AWAITED = 9
    CHECK = 10
    INPUT = 11
    CALCULATED = 12
    PERCENT = 13
    LABEL = 14
    PERCENT_FINE = 15

    # each label of the Settings legend and its style in a new book; the statuses' are added below
    BY_LABEL: ClassVar[dict[str, int]] = {"Title": TITLE, "Group header": GROUP, "Column header": HEADER, "Text": TEXT}

    @classmethod
    def of(cls, status: Status) -> int:
        """A status's style in a new book: the one of its own name (``Style.NO_TARGET`` for NO TARGET)."""
        return getattr(cls, status.name)


Style.BY_LABEL.update({status.value: Style.of(status) for status in Status})
# The Summary is styled like these labelled cells of the Settings sheet: officers restyle the
# Summary by formatting them (a fill per status, fonts for the headers).
STYLE_LABELS = tuple(Style.BY_LABEL)


def data_formulas(r: int) -> dict[str, str]:
    """The formula of each calculated column on Data row r (text without '='): see ``data_columns``."""
    return data_columns.formulas(r)


# The xlwings settings sheet: keys in column A, values in column B.
XLWINGS_CONF = (
    ("UDF Modules", "csp_udfs"),
)
