"""Shared fixtures: files of ../shared/data rebuilt from the repository (``shared_file``), and
the real folder itself for the few tests that still need it (skipped with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reference import SharedFiles

# rich wraps CLI tables at the terminal width; make CLI output independent of the terminal
os.environ["COLUMNS"] = "160"
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[1]


def _shared_data_dir() -> Path:
    env = os.environ.get("BUBBLESCOPE_SHARED_DATA")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "data"


SHARED_DATA = _shared_data_dir()

# Backtest records and status rows are cached by data and settings: share one results cache
# across the run (and its xdist workers) so each is computed once, while every test keeps its
# own empty store.
if "BUBBLESCOPE_RESULTS_CACHE" not in os.environ:
    import tempfile

    _run_home = os.environ.get("BUBBLESCOPE_HOME") or tempfile.mkdtemp(prefix="bubblescope-")
    os.environ["BUBBLESCOPE_RESULTS_CACHE"] = str(Path(_run_home) / "results-cache")


@pytest.fixture(scope="session")
def shared_file(tmp_path_factory: pytest.TempPathFactory) -> SharedFiles:
    """``shared_file("fred/X.csv")``: a file byte for byte ``../shared/data/fred/X.csv``.

    Made from the copies in tests/results/shared_data or rebuilt from the shipped dataset, and
    checked against the original's SHA-256 (see tests/reference.py); never skips.
    """
    return SharedFiles(tmp_path_factory.mktemp("shared-data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Root of the shared real-data folder; skips the test when it is not there."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared real data not found at {SHARED_DATA} (set BUBBLESCOPE_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def store_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty BUBBLESCOPE_HOME for tests that touch the store."""
    home = tmp_path / "bubblescope-home"
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(home))
    return home
