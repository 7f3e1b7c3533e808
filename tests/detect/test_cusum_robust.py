"""Volatility-robust CUSUM monitor (Astill, Harvey, Leybourne, Taylor & Zu 2023)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect._cusum import crossing_constant, detector
from bubblescope.detect.critical_values.cusum import CUSUMCV
from bubblescope.detect.cusum import CUSUMMonitor, cusum_monitor
from bubblescope.errors import InputError

H = 20


def _bubble(T: int, start: int, rho: float, seed: int) -> np.ndarray:
    e = np.random.default_rng(seed).standard_normal(T)
    y = np.empty(T)
    y[0] = 20.0 + e[0]
    for t in range(1, T):
        y[t] = (rho if t >= start else 1.0) * y[t - 1] + e[t]
    return y


def test_detector_equals_a_loop_over_the_kernel_spot_variance() -> None:
    """AHLTZ eq. 6-7 as exuber's test recomputes them: Gaussian weights K(s/H), s = 0..H."""
    y = np.cumsum(np.random.default_rng(2).standard_normal(100))
    n = 50
    res = cusum_monitor(y, train=n, bandwidth=H, critical=2.0)
    dy = np.diff(y)
    w = np.array([math.exp(-0.5 * (s / H) ** 2) for s in range(H + 1)])
    w /= w.sum()
    total = 0.0
    for k, i in enumerate(range(n, 100)):
        j = i - 1  # dy index of y[i] - y[i-1]
        spot2 = sum(w[s] * dy[j - s] ** 2 for s in range(H + 1))
        total += dy[j] / math.sqrt(spot2)
        assert res.statistic[k] == pytest.approx(total, abs=1e-12)


@pytest.mark.parametrize("demean", [False, True])
def test_streaming_equals_recomputation_on_the_truncated_series(demean: bool) -> None:
    y = _bubble(180, 130, 1.03, 4) + 0.05 * np.arange(180)
    idx = pd.date_range("2000-01-03", periods=180, freq="B")
    s = pd.Series(y, index=idx)
    mon = CUSUMMonitor(s.iloc[:60], horizon=120, critical=2.0, demean=demean, bandwidth=H)
    for t in range(60, 180):
        up = mon.append(float(y[t]), date=idx[t])
        ref = cusum_monitor(
            s.iloc[: t + 1], train=60, horizon=120, critical=2.0, demean=demean, bandwidth=H
        )
        assert abs(up.statistic - ref.statistic[-1]) < 1e-10
        assert abs(up.boundary - ref.boundary[-1]) < 1e-10
        assert up.alarm == bool(ref.alarms.iloc[-1])
    full = cusum_monitor(s, train=60, critical=2.0, demean=demean, bandwidth=H)
    np.testing.assert_allclose(mon.result().statistic, full.statistic, rtol=0, atol=1e-10)
    assert mon.result().first_alarm == full.first_alarm
    assert full.first_alarm is not None
    assert full.first_alarm > idx[130]
    assert "Volatility-robust" in full.summary()


def test_size_under_the_null_equals_the_nominal_false_alarm_rate() -> None:
    """2,000 homoskedastic random walks through the public monitor, constant from 20,000."""
    n, h, reps, alpha = 100, 200, 2000, 0.05
    cv = CUSUMCV(reps=20_000, rng=21, levels=(1 - alpha,), cache=False)
    b = float(cv.compute(n, n + h, bandwidth=H)[0])
    rng = np.random.default_rng(22)
    alarms = sum(
        cusum_monitor(
            np.cumsum(rng.standard_normal(n + h)), train=n, critical=b, bandwidth=H
        ).first_alarm
        is not None
        for _ in range(reps)
    )
    se = math.sqrt(alpha * (1 - alpha) / reps)
    assert abs(alarms / reps - alpha) < 3.0 * se


def test_a_volatility_shift_inflates_hbs_false_alarms_but_not_the_robust_ones() -> None:
    """AHLTZ's point: volatility tripling mid-monitoring pushes HB's false-alarm rate far
    above 5%, the kernel-standardised detector's stays near it (4,000 null walks)."""
    n, N, reps = 100, 300, 4000
    b_hb = float(CUSUMCV(reps=20_000, rng=1, levels=(0.95,), cache=False).compute(n, N)[0])
    b_v = float(
        CUSUMCV(reps=20_000, rng=1, levels=(0.95,), cache=False).compute(n, N, bandwidth=H)[0]
    )
    vol = np.r_[np.ones(150), 3.0 * np.ones(150)]
    y = np.cumsum(np.random.default_rng(5).standard_normal((reps, N)) * vol, axis=1)
    hb = float(np.mean(crossing_constant(detector(y, n, demean=False)[0], n) > b_hb))
    robust = float(
        np.mean(crossing_constant(detector(y, n, demean=False, bandwidth=H)[0], n) > b_v)
    )
    assert hb > 0.12
    assert robust < 0.08


def test_power_rises_with_the_explosive_root() -> None:
    """AHLTZ's own power table could not be obtained: this checks the ordering."""
    n, T, reps = 100, 200, 600
    b = float(CUSUMCV(reps=5000, rng=3, levels=(0.95,), cache=False).compute(n, T, bandwidth=H)[0])
    power = [
        sum(
            cusum_monitor(_bubble(T, 150, rho, s), train=n, critical=b, bandwidth=H).first_alarm
            is not None
            for s in range(reps)
        )
        / reps
        for rho in (1.0, 1.02, 1.05)
    ]
    assert power[0] < 0.08
    assert power[0] < power[1] < power[2]
    assert power[2] > 0.5


def test_bad_input_gives_typed_errors() -> None:
    y = np.cumsum(np.random.default_rng(3).standard_normal(120))
    with pytest.raises(InputError, match="longer training sample"):
        cusum_monitor(y, train=20, bandwidth=20, critical=2.0)
    with pytest.raises(InputError, match="positive integer"):
        CUSUMMonitor(y[:50], bandwidth=0, critical=2.0)
    with pytest.raises(InputError, match="not the volatility-robust"):
        cusum_monitor(y[:100], train=50, bandwidth=H, critical="table")
    flat = np.concatenate([y[:60], np.full(30, y[59])])
    with pytest.raises(InputError, match="zero spot volatility"):
        cusum_monitor(flat, train=50, bandwidth=H, critical=2.0)
    mon = CUSUMMonitor(y[:50], bandwidth=H, critical=2.0)
    for _ in range(H):
        mon.append(float(y[49]))
    with pytest.raises(InputError, match="zero spot volatility"):
        mon.append(float(y[49]))
