"""A one-line progress bar for long runs over many books (``csp rollup``), drawn on a terminal only.

Written to the stream it is given (the command line gives stderr), redrawn at most ten times a
second, and silent when the stream is not a terminal (a log file, a pipe, a CI job), so that
scripted runs get only the summary.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Call it with (done, total, path) after each item; ``close()`` ends the line."""

    def __init__(self, stream: TextIO, *, what: str = "books", width: int = 28, interval: float = 0.1) -> None:
        self.stream = stream
        self.what = what
        self.width = width
        self.interval = interval
        self.started = time.perf_counter()
        self._last_drawn = 0.0
        self._drawn = False
        try:
            self.enabled = stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False

    def __call__(self, done: int, total: int, path: Path | None = None) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last_drawn < self.interval:
            return
        self._last_drawn = now
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        name = path.name if path is not None else ""
        if len(name) > 30:
            name = name[:29] + "…"
        line = f"[{bar}] {done:,}/{total:,} {self.what}  {now - self.started:5.1f} s  {name}"
        self.stream.write("\r" + line.ljust(90)[:120])
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * 120 + "\r")
            self.stream.flush()
            self._drawn = False
