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


# --- extreme levels (issue 20): rescaled like batch PSY, or a typed error ------------------------


@pytest.mark.parametrize("scale", [1e155, 1e300])
def test_monitor_on_extreme_levels_equals_the_unscaled_and_the_batch_test(scale: float) -> None:
    # Before, the sums of squares overflowed: BSADF NaN, no alarm, no error.
    y = _bubbly(120, 5)
    plain = PSYMonitor(y[:50], window=22, threshold=1.0)
    big = PSYMonitor(y[:50] * scale, window=22, threshold=1.0)
    for t in range(50, 120):
        a, b = plain.append(float(y[t])), big.append(float(y[t] * scale))
        assert np.isfinite(b.bsadf)
        assert b.bsadf == pytest.approx(a.bsadf, rel=1e-12, abs=1e-12)
        assert b.badf == pytest.approx(a.badf, rel=1e-12, abs=1e-12)
        assert b.alarm == a.alarm
    full = psy(y * scale, window=22, cv=None)
    np.testing.assert_allclose(big.bsadf.to_numpy(), full.bsadf.to_numpy(), rtol=1e-12, atol=1e-12)
    assert big.alarms.any()  # the explosive stretch is still found


def test_monitor_on_extreme_levels_equals_recomputation_as_values_grow() -> None:
    # a training sample near 1e155, then a run-up by a factor of a million: the monitor keeps
    # its training scale, the batch test on each truncated series takes its own
    rng = np.random.default_rng(11)
    head = 1e155 * (1.0 + np.cumsum(rng.normal(0, 0.01, 40)))
    tail = head[-1] * np.exp(np.cumsum(np.full(30, np.log(1e6) / 30) + rng.normal(0, 0.01, 30)))
    y = np.concatenate([head, tail])
    mon = PSYMonitor(y[:40], window=20)
    for t in range(40, 70):
        up = mon.append(float(y[t]))
        ref = psy(y[: t + 1], window=20, cv=None)
        assert np.isfinite(up.bsadf)
        assert up.bsadf == pytest.approx(ref.bsadf.iloc[-1], rel=1e-12, abs=1e-12)
        assert up.badf == pytest.approx(ref.badf.iloc[-1], rel=1e-12, abs=1e-12)


def test_monitor_refuses_what_cannot_be_finite_and_booleans() -> None:
    y = _bubbly(60, 2)
    with pytest.raises(InputError, match="boolean"):
        PSYMonitor(y[:50] > 100)
    with pytest.raises(InputError, match="boolean"):
        PSYMonitor(list(y[:50] > 100))
    mon = PSYMonitor(y[:50], window=22)
    with pytest.raises(InputError, match="number"):
        mon.append(True)
    # a run-up by 1e6.7 a step: the regressions break down at the same point as batch PSY's
    rng = np.random.default_rng(11)
    head = 1.0 + np.cumsum(rng.normal(0, 0.01, 40))
    z = np.concatenate([head, head[-1] * np.exp(np.cumsum(np.full(30, np.log(1e200) / 30)))])
    psy(z[:47], window=20, cv=None)
    with pytest.raises(InputError, match="not finite"):
        psy(z[:48], window=20, cv=None)
    with pytest.raises(InputError, match="not finite"):
        PSYMonitor(z[:48], window=20)
    run = PSYMonitor(z[:40], window=20)
    for t in range(40, 47):
        run.append(float(z[t]))
    before = run.bsadf.copy()
    with pytest.raises(InputError, match="not finite"):
        run.append(float(z[47]))
    pd.testing.assert_series_equal(run.bsadf, before)  # a refused value leaves no trace
    assert run.append(float(z[46])).bsadf == pytest.approx(
        PSYMonitor(np.append(z[:47], z[46]), window=20).bsadf.iloc[-1], rel=1e-12
    )
