"""The bench's large-book route writes the very book the product's writer writes."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from synth import write_large_book, write_synthetic_book


def test_large_book_route_writes_the_bytes_write_new_book_writes(tmp_path: Path) -> None:
    for indicators, seed in ((1, 3), (37, 11)):
        ours = write_large_book(tmp_path / f"large_{seed}.xlsm", indicators, seed=seed, name="Route CSP")
        theirs = write_synthetic_book(tmp_path / f"product_{seed}.xlsm", indicators, seed=seed, name="Route CSP")
        assert ours.read_bytes() == theirs.read_bytes()


def test_large_book_route_is_deterministic(tmp_path: Path) -> None:
    first = write_large_book(tmp_path / "a.xlsm", 23, seed=5).read_bytes()
    assert write_large_book(tmp_path / "b.xlsm", 23, seed=5).read_bytes() == first
