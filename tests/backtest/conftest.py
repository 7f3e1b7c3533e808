"""Small synthetic inputs with cheap signal settings (every signal type runs in < 1 s)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import EventSpec, SignalConfig
from bubblescope.detect.lppls import GridSpec, WindowSet

#: Cheap settings covering every signal: 1-year PSY training, 20 bootstrap reps, 3 LPPLS
#: windows on a tiny grid, 12-month run-ups, a 24-month gauge history, 1-year return baseline,
#: 1-year SV-ADF samples, 200 simulated walks for the monitors' boundaries and sPSY's value.
CHEAP = SignalConfig(
    train_years=1.0,
    psy_reps=20,
    cusum_reps=200,
    cache=False,
    lppls_windows=WindowSet(40, 20, 10),
    lppls_gridspec=GridSpec(n_tc=5, n_m=3, n_omega=5, keep=1, max_iter=10),
    runup_horizon=12,
    runup_prior_window=None,
    gauge_min_history=24,
    return_years=1.0,
    svadf_years=1.0,
)
SMALL_EVENTS = EventSpec(0.10, 6, warning_months=6)


def weekly_prices(seed: int, n: int = 160) -> pd.Series:
    """A drifting log random walk on Fridays from 2000-01-07."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    return pd.Series(
        100 * np.exp(np.cumsum(0.01 + 0.04 * rng.standard_normal(n))), index=idx, name=f"S{seed}"
    )


def shiller_like(seed: int) -> pd.DataFrame:
    """Monthly month-end frame with the columns the gauge and CAPE baseline read."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("1995-01-31", "2004-12-31", freq="ME")
    m = len(idx)
    return pd.DataFrame(
        {
            "P": 100 * np.exp(np.cumsum(0.01 * rng.standard_normal(m))),
            "E": 5 + rng.random(m),
            "CPI": np.linspace(100, 150, m),
            "GS10": 4 + rng.random(m),
            "CAPE": 20 + 15 * rng.random(m),
        },
        index=idx,
    )


@pytest.fixture
def prices() -> pd.Series:
    return weekly_prices(0)


@pytest.fixture
def shiller() -> pd.DataFrame:
    return shiller_like(0)
