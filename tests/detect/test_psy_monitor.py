"""Streaming monitor: every value as of t equals a recomputation on the series truncated at t."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect._datestamp import find_runs
from bubblescope.detect._psy_monitor import PSYMonitor
from bubblescope.detect.exuberance import psy
from bubblescope.errors import InputError


def _bubbly(T: int, seed: int) -> np.ndarray:
    e = np.random.default_rng(seed).standard_normal(T)
    y = np.empty(T)
    y[0] = 100.0
    for t in range(1, T):
        y[t] = (1.06 if T // 2 <= t < T // 2 + 20 else 1.0) * y[t - 1] + e[t]
    return y


@pytest.mark.parametrize("lag", [0, 2])
def test_monitor_equals_recompute_on_truncated_series(lag: int) -> None:
    y = _bubbly(140, 3)
    idx = pd.date_range("2010-01-01", periods=140, freq="MS")
    s = pd.Series(y, index=idx)
    mon = PSYMonitor(s.iloc[:50], lag=lag, window=22, threshold=1.0, min_duration=3)
    for t in range(50, 140):
        up = mon.append(float(y[t]), date=idx[t])
        ref = psy(s.iloc[: t + 1], lag=lag, window=22, cv=None)
        assert up.date == idx[t]
        assert up.bsadf == pytest.approx(ref.bsadf.iloc[-1], abs=1e-12)
        assert up.badf == pytest.approx(ref.badf.iloc[-1], abs=1e-12)
    full = psy(s, lag=lag, window=22, cv=None)
    np.testing.assert_allclose(mon.bsadf.to_numpy(), full.bsadf.to_numpy(), atol=1e-12)
    assert mon.bsadf.index.equals(full.bsadf.index)
    # Alarms follow the PSY episode rule applied to the path seen so far.
    runs = find_runs(full.bsadf.to_numpy(), np.full(len(full.bsadf), 1.0), min_duration=3)
    expected = np.zeros(len(full.bsadf), dtype=bool)
    for a, b in runs:
        expected[a:b] = True
    np.testing.assert_array_equal(mon.alarms.to_numpy(), expected)
    assert expected.any()


def test_monitor_rejects_bad_updates() -> None:
    idx = pd.date_range("2010-01-01", periods=60, freq="MS")
    mon = PSYMonitor(pd.Series(_bubbly(60, 1), index=idx))
    with pytest.raises(InputError, match="pass date="):
        mon.append(1.0)
    with pytest.raises(InputError, match="not after the last date"):
        mon.append(1.0, date="2010-02-01")
    with pytest.raises(InputError, match="must be finite"):
        mon.append(float("nan"), date="2020-01-01")
