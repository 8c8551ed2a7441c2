"""Colours read from a workbook's cell styles: every way Excel writes one, checked against LibreOffice."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from libreoffice import inspect_book, requires_libreoffice
from openpyxl.styles import Color, Font, PatternFill

from csp_status.core.errors import BookError
from csp_status.workbook.colours import style_colours, tinted
from csp_status.workbook.package import Package

# (fill, font colour) of rows 1.. of the sheet "S", as openpyxl writes them; openpyxl also writes
# its own theme part (Office 2007's colours: accent1 4F81BD, accent6 F79646), which must be used
CASES = [
    (Color(rgb="FF00B050"), Color(rgb="FF375623")),
    (Color(theme=4), Color(theme=1)),  # accent1 and dk1 (theme 1 is dk1: Excel swaps the first pairs)
    (Color(theme=9, tint=0.5999938962981048), Color(theme=0)),  # accent6 lighter 60%; lt1
    (Color(theme=4, tint=-0.249977111117893), Color(theme=9, tint=-0.499984740745262)),
    (Color(indexed=43), Color(indexed=10)),
    (Color(indexed=64), Color(auto=True)),  # system foreground; automatic text
    (None, Color(rgb="FF9C0006")),  # no fill
]
EXPECTED = [
    ("#00B050", "#375623"),
    ("#4F81BD", "#000000"),
    ("#FCD5B5", "#FFFFFF"),
    ("#376092", "#984807"),
    ("#FFFF99", "#FF0000"),
    ("#000000", None),
    (None, "#9C0006"),
]


@pytest.fixture(scope="module")
def styled(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("colours") / "styled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row, (fill, ink) in enumerate(CASES, 1):
        cell = ws.cell(row, 1, f"case {row}")
        if fill is not None:
            cell.fill = PatternFill("solid", fgColor=fill)
        cell.font = Font(bold=True, color=ink)
    wb.save(path)
    return path


def colours_of(path: Path, rows: int) -> list[tuple[str | None, str | None]]:
    with Package(path) as package:
        styles = package.cell_styles("S")
        found = style_colours(package, {f"case {r}": styles.get((r, 1), 0) for r in range(1, rows + 1)})
    return [found[f"case {r}"] for r in range(1, rows + 1)]


def test_style_colours_reads_every_way_a_colour_is_written(styled):
    assert colours_of(styled, len(CASES)) == EXPECTED


@requires_libreoffice
def test_style_colours_agree_with_libreoffice(styled):
    refs = [f"S!A{r}" for r in range(1, len(CASES) + 1)]
    cells = inspect_book(styled, cells=refs)["cells"]
    got = [(cells[ref]["fill"], cells[ref]["ink"]) for ref in refs]
    # LibreOffice shows automatic text as no colour of its own, as style_colours does
    assert got == colours_of(styled, len(CASES))


def edited(book: Path, out: Path, edit) -> Path:
    """A copy of the book with each part passed through edit(name, data) (None leaves the part out)."""
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = edit(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info, data)
    return out


def test_style_colours_use_the_books_own_indexed_palette(styled, tmp_path):
    palette = "".join(f'<rgbColor rgb="FF{n:02X}{n:02X}{n:02X}"/>' for n in range(64))

    def own_palette(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        data = re.sub(rb"<colors>.*</colors>", b"", data)  # openpyxl writes the legacy palette
        return data.replace(b"</styleSheet>", f"<colors><indexedColors>{palette}</indexedColors></colors>"
                                              "</styleSheet>".encode())

    book = edited(styled, tmp_path / "palette.xlsx", own_palette)
    assert colours_of(book, 5)[4] == ("#2B2B2B", "#0A0A0A")  # indexed 43 and 10 of the book's palette


def test_style_colours_without_a_theme_part_use_office_default_theme(styled, tmp_path):
    book = edited(styled, tmp_path / "no_theme.xlsx", lambda name, data: None if name.startswith("xl/theme/") else data)
    # Office 2013-2022's accent1 is 4472C4
    assert colours_of(book, 2)[1] == ("#4472C4", "#000000")


def test_style_colours_of_a_style_the_book_does_not_have(styled):
    with Package(styled) as package:
        assert style_colours(package, {"GREEN": 999, "RED": -1}) == {"GREEN": (None, None), "RED": (None, None)}


def test_style_colours_refuse_a_styles_part_with_entities(styled, tmp_path):
    book = edited(styled, tmp_path / "entity.xlsx",
                  lambda name, data: b'<!DOCTYPE s [<!ENTITY e "x">]>' + data if name == "xl/styles.xml" else data)
    with Package(book) as package, pytest.raises(BookError, match="styles.xml.*declares a DTD"):
        style_colours(package, {"GREEN": 1})


@pytest.mark.parametrize("base, tint, excel", [
    ("4472C4", 0.7999816888943144, "D9E1F2"),  # Blue, Accent 1, Lighter 80%
    ("4472C4", 0.3999755851924192, "8EA9DB"),  # Lighter 40%
    ("4472C4", -0.249977111117893, "2F5597"),  # Darker 25%
    ("70AD47", 0.7999816888943144, "E2EFDA"),  # Green, Accent 6, Lighter 80%
    ("70AD47", 0.5999938962981048, "C6E0B4"),  # Lighter 60%
    ("FFC000", -0.499984740745262, "806000"),  # Gold, Accent 4, Darker 50%
    ("000000", 0.0, "000000"),
    ("FFFFFF", -0.0499893185216834, "F2F2F2"),  # White, Background 1, Darker 5%
])
def test_tinted_within_a_shade_of_excels_palette(base, tint, excel):
    # Excel rounds in its own HLS scale, so its palette differs by a unit or two in a channel
    got = tinted(base, tint)
    assert all(abs(int(got[i:i + 2], 16) - int(excel[i:i + 2], 16)) <= 2 for i in (0, 2, 4)), got
