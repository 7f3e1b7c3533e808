"""Whitehouse, Harvey & Leybourne (2023): real-time monitoring of bubbles and crashes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect.whl import WHLMonitor, whl_detectors, whl_horizon, whl_monitor
from bubblescope.errors import InputError


def _bubble_and_crash(seed: int) -> np.ndarray:
    """400 walk steps; 60 explosive ones (rho 1.06 on the excess over the walk's level less 2),
    then 40 falling steps."""
    e = np.random.default_rng(seed).standard_normal(500)
    y = np.cumsum(e)
    base = y[399] - 2.0
    for t in range(400, 500):
        if t < 460:
            y[t] = base + 1.06 * (y[t - 1] - base) + e[t]
        else:
            y[t] = y[t - 1] - 4.0 + e[t]
    return y


def test_detectors_equal_the_formulas_by_loops() -> None:
    """A by its sum; S with the m window's scale from an OLS fit of d_t on (1, y_{t-1})."""
    y = np.cumsum(np.random.default_rng(1).standard_normal(40))
    k, m, n = 10, 10, 2
    a, s = whl_detectors(y, k, m, n)
    d = np.diff(y)  # d[t - 1] = y[t] - y[t - 1]
    for e in range(k, 40):
        w = [i * d[e - k + i - 1] for i in range(1, k + 1)]
        assert a[e] == pytest.approx(sum(w) / math.sqrt(sum(x * x for x in w)), rel=1e-12)
    for e in range(m + n, 40):
        ts = range(e - n - m + 1, e - n + 1)  # the m differences d_t, t = e-n-m+1 .. e-n
        before = np.array([y[t] - y[t - 1] for t in ts])
        design = np.array([[1.0, y[t - 1]] for t in ts])
        coef = np.linalg.lstsq(design, before, rcond=None)[0]
        ssr = float(np.sum((before - design @ coef) ** 2))
        after = np.array([y[t] - y[t - 1] for t in range(e - n + 1, e + 1)])
        want = before.sum() * after.sum() / math.sqrt(ssr * float(np.sum(after**2)))
        assert s[e] == pytest.approx(want, rel=1e-9)
    assert np.isnan(a[:k]).all()
    assert np.isnan(s[: m + n]).all()


def test_streaming_equals_recomputation_through_a_bubble_and_crash() -> None:
    y = pd.Series(_bubble_and_crash(3), index=pd.bdate_range("1990-01-01", periods=500))
    batch = whl_monitor(y, train=300)
    mon = WHLMonitor(y.iloc[:300])
    for date, v in y.iloc[300:].items():
        mon.append(float(v), date=date)
    res = mon.result()
    np.testing.assert_allclose(res.statistic, batch.statistic, rtol=0, atol=1e-10)
    assert res.crash_statistic is not None
    assert batch.crash_statistic is not None
    np.testing.assert_allclose(res.crash_statistic, batch.crash_statistic, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(res.alarm, batch.alarm)
    assert res.crashes == batch.crashes
    assert res.boundary[0] == batch.boundary[0]
    assert res.crash_boundary == batch.crash_boundary


def test_bubble_then_crash_are_signalled_in_order() -> None:
    """Most paths: the bubble signalled inside the explosive stretch, the crash just after the
    peak (15 of these 20 seeded paths; an upward excess of 2 at rho 1.06 is a mild bubble).

    Training ends 20 points before the bubble, so a false alarm first has a chance of about
    20 / (370 + 20) = 5%.
    """
    good = 0
    for seed in range(20):
        res = whl_monitor(_bubble_and_crash(seed), train=380, horizon=120)
        first = res.first_alarm
        ok = first is not None and 400 <= first < 460
        good += bool(ok and any(460 <= c < 470 for c in res.crashes))
    assert good >= 12


def _null_rate(reps: int, seed: int, n: int, vol_break: bool) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    hits, nominal = 0, 0.0
    for _ in range(reps):
        e = rng.standard_normal(n + 40)
        if vol_break:
            e[n // 2 :] *= 3.0
        res = whl_monitor(np.cumsum(e), train=n)
        hits += int(res.alarm[: res.horizon].any())
        nominal = res.false_alarm_rate
    return hits / reps, nominal


def test_size_fast() -> None:
    rate, nominal = _null_rate(500, 0, 400, vol_break=False)
    assert abs(rate - nominal) < 3.5 * math.sqrt(nominal * (1 - nominal) / 500)


@pytest.mark.slow
@pytest.mark.parametrize("vol_break", [False, True])
def test_size_equals_the_training_max_rate(vol_break: bool) -> None:
    """2,000 walks: the rate h / (n_A + h) (a tripling of volatility mid-training as well)."""
    rate, nominal = _null_rate(2000, 1, 500, vol_break)
    assert abs(rate - nominal) < 3.5 * math.sqrt(nominal * (1 - nominal) / 2000), (rate, nominal)


def test_power_grows_with_the_explosive_root() -> None:
    """No size/power table of WHL (2023) was available: an ordering test instead."""
    rates = []
    for rho in (1.0, 1.03, 1.08):
        rng = np.random.default_rng(5)
        hits = 0
        for _ in range(200):
            e = rng.standard_normal(360)
            y = 20.0 + np.cumsum(e)
            for t in range(320, 360):
                y[t] = rho * (y[t - 1] - 20.0) + 20.0 + e[t]
            hits += int(whl_monitor(y, train=320, horizon=40).first_alarm is not None)
        rates.append(hits / 200)
    assert rates[0] < rates[1] < rates[2]
    assert rates[2] > 0.5


def test_horizon_from_level() -> None:
    assert whl_horizon(490, 0.95) == 25  # 25 / 515 = 4.85% <= 5% < 26 / 516
    mon = WHLMonitor(np.cumsum(np.random.default_rng(2).standard_normal(500)))
    assert mon.horizon == 25 + 9  # the first k - 1 = 9 monitored points are not tested
    assert mon.false_alarm_rate == pytest.approx(25 / 515)
    with pytest.raises(InputError, match="allow no monitored"):
        whl_horizon(10, 0.95)


def test_bad_input_gives_typed_errors() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(300))
    with pytest.raises(InputError):
        WHLMonitor(y[:8])
    with pytest.raises(InputError):
        WHLMonitor(np.r_[y[:250], np.nan])
    with pytest.raises(InputError, match="volatility is zero"):
        WHLMonitor(np.full(300, 4.0))
    mon = WHLMonitor(y[:250])
    with pytest.raises(InputError, match="finite"):
        mon.append(float("nan"))
    with pytest.raises(InputError, match="positive integer"):
        WHLMonitor(y[:250], k=0)


def test_a_window_without_movement_reads_zero() -> None:
    """Unchanged closes (holidays carried forward) give 0, not 0/0, in both paths."""
    y = np.cumsum(np.random.default_rng(0).standard_normal(300))
    flat = np.r_[y[:260], np.full(15, y[259]), y[260:285]]
    batch = whl_monitor(flat, train=250)
    assert batch.statistic[10 + 9] == 0.0  # the 10th unchanged close after the 10th monitored
    mon = WHLMonitor(flat[:250])
    for v in flat[250:]:
        mon.append(float(v))
    np.testing.assert_allclose(mon.result().statistic, batch.statistic, rtol=0, atol=1e-10)


def test_an_alarm_episode_runs_from_the_bubble_signal_to_the_day_before_the_crash() -> None:
    res = whl_monitor(_bubble_and_crash(3), train=380, horizon=120)
    assert res.crashes
    first, last = res.episodes[0]
    assert first == res.first_alarm
    assert last == res.crashes[0] - 1
    assert int(res.alarm.sum()) == sum(b - a + 1 for a, b in res.episodes)
