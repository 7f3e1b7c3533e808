"""A report built once per module on the embedded data plus one synthetic stored series."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.data import store
from bubblescope.data.frames import canonical_frame
from bubblescope.report import Report, ReportContext, ReportSettings, build_report
from bubblescope.settings import RunSettings

#: Small settings so the module builds in seconds: the quick preset with monthly PSY (99
#: replications), short LPPLS windows only and a quarterly LPPLS grid in the backtest.
FAST_RUN = RunSettings.preset("quick").with_changes(
    psy={"frequency": "M", "reps": 99},
    lppls={"scales": ("short",), "history_months": 1},
    backtest={"lppls_grid": "Q", "psy_reps": 99},
)
FAST = ReportSettings(run=FAST_RUN, lppls_every=40)
#: The report's watchlist in these tests: a shipped stock, the synthetic stored one, an index.
WATCH = ("NVDA", "AIX", "nasdaq")


def ai_like_prices(n: int = 700, seed: int = 3) -> pd.DataFrame:
    """A synthetic 'AI stock': a fast geometric random walk with a peak, then a fall."""
    rng = np.random.default_rng(seed)
    drift = np.r_[np.full(n - 150, 0.004), np.full(150, -0.003)]
    close = 20.0 * np.exp(np.cumsum(drift + 0.02 * rng.standard_normal(n)))
    dates = pd.bdate_range("2023-01-02", periods=n)
    return canonical_frame(dates, close, symbol="AIX", source="synthetic", adjusted=True)


@pytest.fixture(scope="module")
def report_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("BUBBLESCOPE_HOME", str(home))
    store.import_frame(ai_like_prices(), "prices")
    yield home
    mp.undo()


@pytest.fixture(scope="module")
def progress_calls() -> list[tuple[int, int]]:
    return []


@pytest.fixture(scope="module")
def built(report_home: Path, progress_calls: list[tuple[int, int]]) -> Report:
    ctx = ReportContext(settings=FAST, symbols=WATCH)
    return build_report(ctx, progress=lambda done, total: progress_calls.append((done, total)))
