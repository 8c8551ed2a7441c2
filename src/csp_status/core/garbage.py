"""Garbage collection kept out of the way of work that makes many small objects at once.

A refresh, or a worksheet function over a whole column, makes hundreds of thousands of small
objects and frees them in batches; none is a cycle that needs collecting early.  With Python's
default thresholds the collector would walk everything the process holds (in Excel's function
server: every cell read so far) again and again while they are made.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["steady_garbage_collection"]

_depth = 0


@contextlib.contextmanager
def steady_garbage_collection() -> Iterator[None]:
    """What exists before is frozen (never walked) and the youngest generation is collected rarely,
    until the outermost such block ends; then the collector is as it was."""
    global _depth
    if _depth:
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        gc.set_threshold(*thresholds)
        gc.unfreeze()
