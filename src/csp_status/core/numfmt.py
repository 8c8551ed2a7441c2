"""Showing a spreadsheet number the way its number format shows it (the common formats)."""

from __future__ import annotations

import re

__all__ = ["format_number", "format_decimals", "format_general"]

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].', re.ASCII)


def format_decimals(number_format: str) -> int | None:
    """How many decimal places a format shows ('0.00%' -> 2), None for General."""
    section = _QUOTED.sub("", number_format.split(";")[0])
    if section.strip().lower() in ("general", ""):
        return None
    if "." not in section:
        return 0
    return len(re.match(r"[0#?]*", section.split(".", 1)[1], re.ASCII).group(0))


def format_number(value: float, number_format: str = "General") -> str:
    """'0.00%' shows 0.0775 as '7.75%'; '#,##0' shows 13102 as '13,102'; General shows it plainly.

    Formats beyond percentages, thousands and fixed decimals (dates, fractions, scientific) fall
    back to General, so the number is never lost, only shown plainly.
    """
    sections = number_format.split(";")
    section = sections[1] if value < 0 and len(sections) > 1 else sections[0]
    bare = _QUOTED.sub("", section).strip()
    if bare.lower() in ("general", "", "@") or any(ch in bare.lower() for ch in "dmyhse/?"):
        return format_general(value)
    decimals = format_decimals(section) or 0
    shown = abs(value) * 100 if "%" in bare else abs(value)
    body = f"{shown:,.{decimals}f}" if "," in bare else f"{shown:.{decimals}f}"
    sign = "-" if value < 0 and len(sections) == 1 and float(body.replace(",", "")) != 0 else ""
    return f"{sign}{body}{'%' if '%' in bare else ''}"


def format_general(value: float) -> str:
    """A number as Excel's General format shows it: whole numbers plainly, else ten significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"
