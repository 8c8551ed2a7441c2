"""Shared fixtures: the Derby seed summary (2011/12 Q1) and the partnership it describes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from csp_status.importer import import_legacy
from csp_status.workbook.legacy import read_legacy
from csp_status.core.model import Partnership

SEED_NAME = "derby_indicator_summary_2011q1.tsv"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed file: beside the repository in shared/data, else where CSP_SEED says."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / SEED_NAME
    if not path.is_file() and os.environ.get("CSP_SEED"):
        path = Path(os.environ["CSP_SEED"])
    if not path.is_file():
        pytest.skip(f"seed {SEED_NAME} not found; set CSP_SEED to its path")
    return path


@pytest.fixture
def seed_book(seed_path: Path) -> Partnership:
    """The seed read afresh for each test, so a test may change it."""
    return read_legacy(seed_path).partnership


@pytest.fixture(scope="session")
def imported(seed_path: Path, tmp_path_factory) -> Path:
    """The seed imported (and so refreshed) once per run; tests work on copies."""
    out = tmp_path_factory.mktemp("imported") / "x.xlsm"
    import_legacy(seed_path, out)
    return out


@pytest.fixture
def book(imported: Path, tmp_path: Path) -> Path:
    """A copy of the imported seed for one test to change."""
    path = tmp_path / "x.xlsm"
    shutil.copyfile(imported, path)
    return path
