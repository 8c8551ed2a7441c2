"""The Data sheet's calculated columns: one table gives each column's formula and its shown value.

Each :class:`Column` names the expression it calls and the columns of its own row it reads, by
header.  From that one entry come both the formula text written into the sheet (short, reading
named columns of the same row, so sorting and filtering the sheet keep it right) and the Python
that works out the value Excel will show (written by the refresh as the cell's cached value, for
readers without Excel).  The ``CSP_*`` expressions call the worksheet functions' own rules; the
few sheet expressions (a row's key, a look-up, the current quarter's cell) carry their Excel text
and its Python meaning side by side.

Columns other than ``Key`` calculate on the reporting year's rows only; on other rows they show "".
The helper columns (everything but Value now, Status, Gap and Trend) are grouped, so officers can
fold them away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from csp_status.core import functions
from csp_status.core.errors import CspError
from csp_status.core.model import QUARTERS, year_label
from csp_status.workbook.cells import col_letter

__all__ = ["Column", "COLUMNS", "FORMULA_HEADERS", "SHOWN_HEADERS", "RowContext", "formulas", "shown_values",
           "shown_values_of_rows",
           "concat_text", "formula_parts", "is_ours", "ADD_IN_MISSING", "ADD_IN_MISSING_FORMULA"]

INPUTS = ("Ref", "Year", "Outturn", "Target", *QUARTERS, *(f"{q} commentary" for q in QUARTERS))
_QUARTER_RANGE = (INPUTS.index("Q1") + 1, INPUTS.index("Q4") + 1)


@dataclass(frozen=True)
class RowContext:
    """What a row's formulas can see, for working out their values in Python.

    ``cell_at(row, header)`` gives an input cell of the Data sheet as a worksheet function receives
    it (numbers as numbers, text as text, blank as None); ``indicator(row, header)`` a cell of the
    Indicators sheet; ``indicator_row(ref)`` the Indicators row of a ref (0 when none, as MATCH in
    IFERROR); ``key_row(key)`` the Data row holding a Key (0 when none).  ``reporting_year`` is the
    Settings cell as typed.
    """

    row: int
    cell_at: Callable[[int, str], object]
    reporting_year: str
    quarter: int
    indicator_row: Callable[[str], int]
    indicator: Callable[[int, str], object]
    key_row: Callable[[str], int]

    def cell(self, header: str) -> object:
        return self.cell_at(self.row, header)


@dataclass(frozen=True)
class _Expression:
    """A sheet expression: its formula text from the argument references, and its Python value."""

    text: Callable[..., str]
    value: Callable[..., object]
    column: Callable[..., list[object]] | None = None  # the values of many rows at once, by the same rule



@dataclass(frozen=True)
class Column:
    header: str
    expression: str
    arguments: tuple[str, ...]
    every_row: bool = False  # else: the reporting year's rows only ("" elsewhere)
    helper: bool = True


def concat_text(value: object) -> str:
    """A cell as Excel's & operator makes it text: numbers to 15 significant digits, blank ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    return str(value)


def _blank(value: object) -> bool:
    return value is None or value == ""


def _pick(value: object) -> object:
    """IF(x="","",x): a blank stays blank (a bare reference to a blank cell would show 0)."""
    return "" if _blank(value) else value


def _last_year_key(ref: object, year: object) -> str | None:
    """Ref & "|" & last year, as the Last year row formula builds it (None where Excel would fail)."""
    text = concat_text(year)
    try:
        start = int(text[:4])
    except ValueError:
        return None
    return f"{concat_text(ref)}|{year_label(start - 1)}"


# The Indicators sheet's columns, in sheet order (the layout's): its cells are read by column letter.
INDICATOR_HEADERS = (
    "Ref", "Description", "Polarity", "Unit", "Tolerance", "Tolerance kind", "Trend basis",
    "Comparator", "Population", "Notes",
)


def _indicator_column(header: str) -> _Expression:
    """The Indicators sheet's cell in the column ``header`` of a row, as text ("" for row 0: no such ref)."""
    letter = col_letter(INDICATOR_HEADERS.index(header) + 1)
    return _Expression(
        text=lambda row: f'IF({row}=0,"",INDEX(Indicators!${letter}:${letter},{row})&"")',
        value=lambda ctx, row: "" if not row else concat_text(ctx.indicator(int(row), header)),
    )


def _udf(name: str, rule: Callable[..., object]) -> _Expression:
    def shown(result: object) -> object:  # what the cell shows: a message for a bad argument, "" for none
        if isinstance(result, CspError):
            return functions.error_text(result)
        return "" if result is None else getattr(result, "value", result)

    def value(ctx: RowContext, *args: object) -> object:
        try:
            return shown(rule(*args))
        except CspError as err:
            return shown(err)

    by_column = getattr(rule, "column", None)  # the rule's column form, where it has one (core.functions)
    column = None if by_column is None else (lambda rows, *cells: [shown(found) for found in by_column(rows, *cells)])
    return _Expression(text=lambda *refs: f"IFERROR({name}({','.join(refs)}),{ADD_IN_MISSING})", value=value,
                       column=column)


_Q1, _Q4 = (col_letter(c) for c in _QUARTER_RANGE)

# What a CSP_* cell shows when its function cannot run (Excel answers #NAME? without the add-in;
# LibreOffice, which cannot run Python, #VALUE!): in Excel a message that says what to do, and
# elsewhere "" - the blank Excel shows there.  LibreOffice recalculates exactly the cells whose
# cached result is "" when it opens a book (it keeps only non-empty cached results), so without
# this they would all read #VALUE!.  The test for Excel must not be volatile (INFO() is, and
# would make LibreOffice recalculate every cell): Excel answers POWER(0,0) with #NUM! (Microsoft's
# notes on the standard, MS-OI29500 2.1.1018), LibreOffice and other programs with 1.  Python
# never takes this branch: the functions give a value or a message, never an error.
ADD_IN_MISSING = "AddInMissing"
ADD_IN_MISSING_FORMULA = (
    'IF(ISERROR(POWER(0,0)),'
    '"#CSP! Excel cannot run the CSP functions: install the xlwings add-in (see the Excel setup guide)","")'
)

EXPRESSIONS: Mapping[str, _Expression] = {
    "key": _Expression(
        text=lambda ref, year: f'{ref}&"|"&{year}',
        value=lambda ctx, ref, year: f"{concat_text(ref)}|{concat_text(year)}",
    ),
    "indicator row": _Expression(
        text=lambda ref: f"IFERROR(MATCH({ref},Indicators!$A:$A,0),0)",
        value=lambda ctx, ref: ctx.indicator_row(concat_text(ref)),
    ),
    "last year row": _Expression(
        text=lambda ref, year, key: (
            f'IFERROR(MATCH({ref}&"|"&(LEFT({year},4)-1)&"/"&RIGHT(LEFT({year},4),2),{key},0),0)'
        ),
        value=lambda ctx, ref, year, key: ctx.key_row(k) if (k := _last_year_key(ref, year)) else 0,
    ),
    "reporting quarter": _Expression(
        text=lambda year: f"IF({year}=ReportingYear,CurrentQuarter,0)",
        value=lambda ctx, year: ctx.quarter if _is_reporting_year(ctx, year) else 0,
    ),
    "current quarter": _Expression(
        text=lambda q: f'IF(INDEX(${_Q1}{{r}}:${_Q4}{{r}},{q})="","",INDEX(${_Q1}{{r}}:${_Q4}{{r}},{q}))',
        value=lambda ctx, q: _pick(ctx.cell(QUARTERS[q - 1])),
    ),
    "previous quarter": _Expression(  # blank in the first quarter, and on other years' rows (0)
        text=lambda q: f'IF({q}>1,IF(INDEX(${_Q1}{{r}}:${_Q4}{{r}},{q}-1)="","",INDEX(${_Q1}{{r}}:${_Q4}{{r}},{q}-1)),"")',
        value=lambda ctx, q: _pick(ctx.cell(QUARTERS[q - 2])) if q > 1 else "",
    ),
    "last year outturn": _Expression(
        text=lambda row: f'IF({row}=0,"",IF(INDEX($C:$C,{row})="","",INDEX($C:$C,{row})))',
        value=lambda ctx, row: "" if not row else _pick(ctx.cell_at(int(row), "Outturn")),
    ),
    "last year same quarter": _Expression(
        text=lambda row, q: f'IF({row}=0,"",IF(INDEX(${_Q1}:${_Q4},{row},{q})="","",INDEX(${_Q1}:${_Q4},{row},{q})))',
        value=lambda ctx, row, q: "" if not row else _pick(ctx.cell_at(int(row), QUARTERS[q - 1])),
    ),
    "polarity": _indicator_column("Polarity"),
    "unit": _indicator_column("Unit"),
    "tolerance": _indicator_column("Tolerance"),
    "tolerance kind": _indicator_column("Tolerance kind"),
    "trend basis": _indicator_column("Trend basis"),
    "CSP_PREVIOUS": _udf("CSP_PREVIOUS", functions.csp_previous),
    "CSP_VALUE": _udf("CSP_VALUE", functions.csp_value),
    "CSP_STATUS": _udf("CSP_STATUS", functions.csp_status),
    "CSP_GAP": _udf("CSP_GAP", functions.csp_gap),
    "CSP_TREND": _udf("CSP_TREND", functions.csp_trend),
}

# The calculated columns, in sheet order after the inputs: what officers read first, then helpers.
# Reporting quarter is the current quarter on the reporting year's rows and 0 on others: the other
# columns calculate where it is not 0 (IF($AD5,...,"")), so none repeats the test of the year.
COLUMNS: tuple[Column, ...] = (
    Column("Value now", "CSP_VALUE", ("Current", "Unit"), helper=False),
    Column("Status", "CSP_STATUS", ("Current", "Target", "Polarity", "Tolerance", "Tolerance kind", "Unit",
                                    "Last year outturn"), helper=False),
    Column("Gap", "CSP_GAP", ("Current", "Target", "Unit", "Last year outturn"), helper=False),
    Column("Trend", "CSP_TREND", ("Current", "Previous", "Polarity", "Unit"), helper=False),
    Column("Current", "current quarter", ("Reporting quarter",)),
    Column("Previous", "CSP_PREVIOUS", ("Previous quarter", "Last year outturn", "Last year same quarter",
                                        "Trend basis")),
    Column("Polarity", "polarity", ("Indicator row",)),
    Column("Unit", "unit", ("Indicator row",)),
    Column("Tolerance", "tolerance", ("Indicator row",)),
    Column("Tolerance kind", "tolerance kind", ("Indicator row",)),
    Column("Trend basis", "trend basis", ("Indicator row",)),
    Column("Previous quarter", "previous quarter", ("Reporting quarter",), every_row=True),
    Column("Last year outturn", "last year outturn", ("Last year row",)),
    Column("Last year same quarter", "last year same quarter", ("Last year row", "Reporting quarter")),
    Column("Indicator row", "indicator row", ("Ref",)),
    Column("Last year row", "last year row", ("Ref", "Year", "Key")),
    Column("Key", "key", ("Ref", "Year"), every_row=True),
    Column("Reporting quarter", "reporting quarter", ("Year",), every_row=True),
)
FORMULA_HEADERS = tuple(column.header for column in COLUMNS)
SHOWN_HEADERS = tuple(column.header for column in COLUMNS if not column.helper)
_BY_HEADER = {column.header: column for column in COLUMNS}
_OTHER_YEARS = {column.header: "" for column in COLUMNS if not column.every_row}  # what they show on other rows
_LETTERS = {header: col_letter(i + 1) for i, header in enumerate(INPUTS + FORMULA_HEADERS)}
_GATE = "Reporting quarter"


def _is_reporting_year(ctx: RowContext, year: object) -> bool:
    """Year = ReportingYear, as Excel compares text: without regard to case."""
    return concat_text(year).lower() == ctx.reporting_year.lower()


def _reference(header: str, r: str, *, whole_column: bool = False) -> str:
    letter = _LETTERS[header]
    return f"${letter}:${letter}" if whole_column else f"${letter}{r}"


def _templates(r: str) -> dict[str, str]:
    """Each calculated column's formula on row ``r`` (given as text)."""
    out = {}
    for column in COLUMNS:
        # Last year row looks up the whole Key column; every other argument is a cell of row r
        refs = [_reference(a, r, whole_column=a == "Key" and column.header == "Last year row")
                for a in column.arguments]
        inner = EXPRESSIONS[column.expression].text(*refs).replace("{r}", r)
        out[column.header] = inner if column.every_row else f'IF({_reference(_GATE, r)},{inner},"")'
    return out


_ROW = "\x00"  # stands for the row number in the templates (no formula holds it)
_TEMPLATES = _templates(_ROW)


def formulas(r: int) -> dict[str, str]:
    """Each calculated column's formula on Data row ``r`` (text without '=')."""
    row = str(r)
    return {header: template.replace(_ROW, row) for header, template in _TEMPLATES.items()}


def formula_parts(header: str) -> list[str]:
    """A calculated column's formula cut where the row number goes (joined with a row's number: its formula)."""
    return _TEMPLATES[header].split(_ROW)


# The formulas of books written before the Reporting quarter column (CSP Status 0.1): each column
# tested the year itself and read CurrentQuarter.  They calculate what today's do, so a refresh
# keeps them and writes their shown values; a book written now has today's.
FORMER_TEMPLATES: Mapping[str, str] = {
    "Value now": 'IF($B{r}=ReportingYear,IFERROR(CSP_VALUE($Q{r},$T{r}),AddInMissing),"")',
    "Status": 'IF($B{r}=ReportingYear,IFERROR(CSP_STATUS($Q{r},$D{r},$S{r},$U{r},$V{r},$T{r},$Y{r}),AddInMissing),"")',
    "Gap": 'IF($B{r}=ReportingYear,IFERROR(CSP_GAP($Q{r},$D{r},$T{r},$Y{r}),AddInMissing),"")',
    "Trend": 'IF($B{r}=ReportingYear,IFERROR(CSP_TREND($Q{r},$R{r},$S{r},$T{r}),AddInMissing),"")',
    "Current": 'IF($B{r}=ReportingYear,IF(INDEX($E{r}:$H{r},CurrentQuarter)="","",INDEX($E{r}:$H{r},CurrentQuarter)),"")',
    "Previous": 'IF($B{r}=ReportingYear,IFERROR(CSP_PREVIOUS($X{r},$Y{r},$Z{r},$W{r}),AddInMissing),"")',
    "Polarity": 'IF($B{r}=ReportingYear,IF($AA{r}=0,"",INDEX(Indicators!$C:$C,$AA{r})&""),"")',
    "Unit": 'IF($B{r}=ReportingYear,IF($AA{r}=0,"",INDEX(Indicators!$D:$D,$AA{r})&""),"")',
    "Tolerance": 'IF($B{r}=ReportingYear,IF($AA{r}=0,"",INDEX(Indicators!$E:$E,$AA{r})&""),"")',
    "Tolerance kind": 'IF($B{r}=ReportingYear,IF($AA{r}=0,"",INDEX(Indicators!$F:$F,$AA{r})&""),"")',
    "Trend basis": 'IF($B{r}=ReportingYear,IF($AA{r}=0,"",INDEX(Indicators!$G:$G,$AA{r})&""),"")',
    "Previous quarter": 'IF($B{r}=ReportingYear,IF(CurrentQuarter=1,"",IF(INDEX($E{r}:$H{r},CurrentQuarter-1)="","",'
                        'INDEX($E{r}:$H{r},CurrentQuarter-1))),"")',
    "Last year outturn": 'IF($B{r}=ReportingYear,IF($AB{r}=0,"",IF(INDEX($C:$C,$AB{r})="","",INDEX($C:$C,$AB{r}))),"")',
    "Last year same quarter": 'IF($B{r}=ReportingYear,IF($AB{r}=0,"",IF(INDEX($E:$H,$AB{r},CurrentQuarter)="","",'
                              'INDEX($E:$H,$AB{r},CurrentQuarter))),"")',
    "Indicator row": 'IF($B{r}=ReportingYear,IFERROR(MATCH($A{r},Indicators!$A:$A,0),0),"")',
    "Last year row": 'IF($B{r}=ReportingYear,IFERROR(MATCH($A{r}&"|"&(LEFT($B{r},4)-1)&"/"&RIGHT(LEFT($B{r},4),2),'
                     '$AC:$AC,0),0),"")',
    "Key": '$A{r}&"|"&$B{r}',
}


def is_ours(header: str, text: str | None, r: int) -> bool:
    """Whether ``text`` is the formula the column ``header`` has on row ``r`` in a book written now or before."""
    if text is None:
        return False
    row = str(r)
    if text == _TEMPLATES[header].replace(_ROW, row):
        return True
    former = FORMER_TEMPLATES.get(header)
    return former is not None and text == former.replace("{r}", row)


def _in_order(columns: tuple[Column, ...]) -> tuple[tuple[str, Callable[..., object], tuple[str, ...]], ...]:
    """The columns as steps (header, value, arguments), each after the columns it reads."""
    order: list[Column] = []

    def visit(column: Column) -> None:
        if column not in order:
            for argument in column.arguments:
                if argument in _BY_HEADER:
                    visit(_BY_HEADER[argument])
            order.append(column)

    for column in columns:
        visit(column)
    return tuple((c.header, EXPRESSIONS[c.expression].value, c.arguments) for c in order if c.header != _GATE)


_STEPS = _in_order(COLUMNS)
_EVERY_ROW_STEPS = tuple(step for step in _STEPS if _BY_HEADER[step[0]].every_row)
# the columns a table of rows works out a column at a time (shown_values_of_rows); none is read by another
_BY_COLUMN = tuple((c.header, EXPRESSIONS[c.expression].column, c.arguments) for c in COLUMNS
                   if EXPRESSIONS[c.expression].column is not None and not c.every_row)
assert not {a for c in COLUMNS for a in c.arguments} & {header for header, _, _ in _BY_COLUMN}
_ROW_STEPS = tuple(step for step in _STEPS if step[0] not in {header for header, _, _ in _BY_COLUMN})


def shown_values(ctx: RowContext) -> dict[str, object]:
    """Each calculated column's value on the context's row, as Excel will calculate it."""
    return _row_values(ctx, _STEPS)


def shown_values_of_rows(contexts: list[RowContext]) -> list[dict[str, object]]:
    """:func:`shown_values` for many rows: the same values, the CSP columns worked out a column at a
    time by the worksheet functions' column forms (the one judgement over whole columns)."""
    rows = [_row_values(ctx, _ROW_STEPS) for ctx in contexts]
    live = [(ctx, values) for ctx, values in zip(contexts, rows) if values[_GATE]]
    for header, column, arguments in _BY_COLUMN if live else ():
        cells = [[values[a] if a in values else ctx.cell(a) for ctx, values in live] for a in arguments]
        for (_, values), found in zip(live, column(len(live), *cells)):
            values[header] = found
    return rows


def _row_values(ctx: RowContext, steps: tuple[tuple[str, Callable[..., object], tuple[str, ...]], ...]
                ) -> dict[str, object]:
    gate = _BY_HEADER[_GATE]
    values: dict[str, object] = {_GATE: EXPRESSIONS[gate.expression].value(ctx, *map(ctx.cell, gate.arguments))}
    if not values[_GATE]:  # not the reporting year: only the columns of every row calculate
        values.update(_OTHER_YEARS)
        steps = _EVERY_ROW_STEPS
    for header, value, arguments in steps:
        values[header] = value(ctx, *[values[a] if a in values else ctx.cell(a) for a in arguments])
    return values
