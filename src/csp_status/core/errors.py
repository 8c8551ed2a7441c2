"""The project's exception types: one base, a few subclasses that also inherit a builtin."""

from __future__ import annotations

__all__ = ["CspError", "CellError", "BookError", "NotASummaryError", "BuildError", "ReportError"]


class CspError(Exception):
    """Base of every error the product reports to a user (the CLI prints these without a traceback)."""


class CellError(CspError, ValueError):
    """A cell's text cannot be read; the message quotes the text and says what was expected."""

    def __init__(self, text: str, expected: str, *, where: str | None = None) -> None:
        self.text = text
        self.expected = expected
        self.where = where
        super().__init__(self._message())

    def _message(self) -> str:
        shown = text_preview(self.text)
        msg = f"cannot read {shown}: expected {self.expected}"
        return f"{self.where}: {msg}" if self.where else msg

    def at(self, where: str) -> "CellError":
        """The same error, told where the cell is (``sheet 'Data' cell J7``)."""
        return CellError(self.text, self.expected, where=where)


class BookError(CspError, OSError):
    """A workbook (or legacy sheet) cannot be read or written; the message names the file."""


class NotASummaryError(BookError):
    """A sheet that is readable but holds no performance table (a cover, a chart sheet, a letter):
    another sheet of the same workbook may hold the summary."""


class BuildError(CspError):
    """The workbook cannot be assembled from its text sources, or differs from them (--check)."""


class ReportError(CspError):
    """The board pack cannot be written (no Chromium for the PDF, a folder that cannot be written)."""


def text_preview(text: str, limit: int = 60) -> str:
    """Quote a cell's text for a message, shortened and with control characters made visible."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)
