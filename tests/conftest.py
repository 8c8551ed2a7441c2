"""Shared fixtures: the Derby seed summary (2011/12 Q1) and the partnership it describes."""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

import pytest

import bookedit

from csp_status.core.model import Partnership
from csp_status.importer import import_legacy
from csp_status.refresh import refresh_book
from csp_status.workbook.legacy import read_legacy

SEED_NAME = "derby_indicator_summary_2011q1.tsv"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The seed the package ships (src/csp_status/data), or the file CSP_SEED names."""
    path = Path(os.environ.get("CSP_SEED") or resources.files("csp_status").joinpath("data", SEED_NAME))
    assert path.is_file(), f"seed {SEED_NAME} not found at {path}"
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Under CI a skipped test fails the run: a test that did not run proves nothing."""
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("CI") and skipped and exitstatus == 0:
        terminalreporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped under CI; install what they need (see .ci/run)", red=True
        )
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


@pytest.fixture(scope="session")
def edited(imported, tmp_path_factory) -> tuple[Path, bytes]:
    """The adversarial tests' book: the seed with PM2's Q1 typed as 7.75% (a refresh must rewrite it), and the refreshed bytes."""
    folder = tmp_path_factory.mktemp("edited")
    book = folder / "x.xlsm"
    shutil.copyfile(imported, book)
    bookedit.set_cell(book, "Data", f"E{bookedit.find_row(book, 'Data', A='CNP PM2', B='2011/12')}", "7.75%")
    done = folder / "done.xlsm"
    shutil.copyfile(book, done)
    refresh_book(done)
    return book, done.read_bytes()
