"""Homm-Breitung CUSUM monitor: formula, streaming, size, Table 8, power and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect.critical_values.cusum import CUSUMCV, HB_TABLE8, hb_table8
from bubblescope.detect.cusum import CUSUMMonitor, cusum_monitor
from bubblescope.errors import InputError


def _walk(T: int, seed: int) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).standard_normal(T))


def _bubble(T: int, start: int, rho: float, seed: int) -> np.ndarray:
    """Random walk, explosive AR(1) with root ``rho`` from ``start`` on."""
    e = np.random.default_rng(seed).standard_normal(T)
    y = np.empty(T)
    y[0] = 20.0 + e[0]
    for t in range(1, T):
        y[t] = (rho if t >= start else 1.0) * y[t - 1] + e[t]
    return y


def test_detector_equals_a_loop_over_homm_breitung_eq_26_and_29() -> None:
    y = _walk(80, 1)
    n, b = 40, 2.3
    res = cusum_monitor(y, train=n, critical=b)
    for k, t in enumerate(range(n + 1, 81)):  # HB's 1-based t
        dy = np.diff(y[:t])
        sigma = math.sqrt(float(np.sum(dy**2)) / (t - 1))
        assert res.statistic[k] == pytest.approx((y[t - 1] - y[n - 1]) / sigma, abs=1e-12)
        bound = math.sqrt(b + math.log(t / n)) * math.sqrt(t)
        assert res.boundary[k] == pytest.approx(bound, abs=1e-12)


@pytest.mark.parametrize("demean", [False, True])
def test_streaming_equals_recomputation_on_the_truncated_series(demean: bool) -> None:
    y = _bubble(160, 110, 1.03, 4) + 0.05 * np.arange(160)
    idx = pd.date_range("2000-01-07", periods=160, freq="W-FRI")
    s = pd.Series(y, index=idx, name="toy")
    mon = CUSUMMonitor(s.iloc[:60], horizon=100, critical=2.0, demean=demean)
    for t in range(60, 160):
        up = mon.append(float(y[t]), date=idx[t])
        ref = cusum_monitor(s.iloc[: t + 1], train=60, horizon=100, critical=2.0, demean=demean)
        assert up.date == idx[t]
        assert abs(up.statistic - ref.statistic[-1]) < 1e-10
        assert abs(up.boundary - ref.boundary[-1]) < 1e-10
        assert up.alarm == bool(ref.alarms.iloc[-1])
        assert up.first_alarm == (ref.first_alarm == idx[t])
    full = cusum_monitor(s, train=60, critical=2.0, demean=demean)
    got = mon.result()
    np.testing.assert_allclose(got.statistic, full.statistic, rtol=0, atol=1e-10)
    assert got.index.equals(full.index)
    assert got.first_alarm == full.first_alarm
    assert full.first_alarm is not None
    assert full.first_alarm > idx[110]


def test_streaming_is_constant_work_per_observation() -> None:
    """The monitor keeps O(1) state: no array of past values grows with the stream."""
    mon = CUSUMMonitor(_walk(50, 2), critical=2.0)
    for v in _walk(500, 3):
        mon.append(float(v))
    assert not any(isinstance(v, np.ndarray) and v.size > 1 for v in vars(mon).values())


def test_table8_constants_give_the_papers_false_alarm_rates() -> None:
    """Homm & Breitung (2012) Table 8(i): the tabulated b has size alpha (4,000 null walks)."""
    reps = 4000
    cells = [(100, 2, 0.05), (100, 10, 0.05), (50, 4, 0.10), (20, 2, 0.01), (100, 5, 0.01)]
    for n, k, alpha in cells:
        b = hb_table8(n, k, 1 - alpha)
        draws = CUSUMCV(reps=reps, rng=100 + n + k, cache=False).draws(n, n * k)
        rate = float(np.mean(draws > b))
        se = math.sqrt(alpha * (1 - alpha) / reps)
        assert abs(rate - alpha) < 3.5 * se, (n, k, alpha, rate)


def test_simulated_constants_reproduce_table8() -> None:
    """The seeded simulation lands on Table 8's b within its Monte Carlo error."""
    draws = CUSUMCV(reps=10_000, rng=7, cache=False).draws(100, 300)
    for alpha, col_b in ((0.10, HB_TABLE8[100, 0.10][1]), (0.05, HB_TABLE8[100, 0.05][1])):
        q = float(np.quantile(draws, 1 - alpha))
        # bootstrap s.e. of the quantile
        boot = np.random.default_rng(0).choice(draws, size=(200, draws.size))
        se = float(np.std(np.quantile(boot, 1 - alpha, axis=1)))
        assert abs(q - col_b) < 3.5 * se + 0.02, (alpha, q, col_b, se)


@pytest.mark.parametrize("demean", [False, True])
def test_size_under_the_null_equals_the_nominal_false_alarm_rate(demean: bool) -> None:
    """2,000 random walks (with a drift when it is removed) through the public monitor."""
    n, h, reps, alpha = 100, 200, 2000, 0.05
    cv = CUSUMCV(reps=20_000, rng=11, levels=(1 - alpha,), cache=False)
    b = float(cv.compute(n, n + h, demean=demean)[0])
    rng = np.random.default_rng(12)
    alarms = 0
    for _ in range(reps):
        y = np.cumsum(rng.standard_normal(n + h) + (0.3 if demean else 0.0))
        res = cusum_monitor(y, train=n, critical=b, demean=demean)
        alarms += res.first_alarm is not None
    rate = alarms / reps
    se = math.sqrt(alpha * (1 - alpha) / reps)
    assert abs(rate - alpha) < 3.0 * se, rate


def test_power_rises_with_the_explosive_root() -> None:
    """Explosive AR(1) from the middle of the monitoring period: power above size, rising in rho.

    Homm's own table of the monitor's power (dissertation, Table 1.6: Evans bubbles) leaves the
    monitoring design undocumented, so this checks the ordering rather than table entries; the
    Evans alternative itself is in test_cusum_evans.py.
    """
    n, T, reps = 100, 200, 1000
    b = hb_table8(100, 2, 0.95)
    power = []
    for rho in (1.0, 1.02, 1.05):
        hits = sum(
            cusum_monitor(_bubble(T, 150, rho, s), train=n, critical=b).first_alarm is not None
            for s in range(reps)
        )
        power.append(hits / reps)
    assert power[0] < 0.08
    assert power[0] < power[1] < power[2]
    assert power[2] > 0.5


def test_simulated_constants_are_seeded_and_cached() -> None:
    a = CUSUMCV(reps=200, rng=5).compute(30, 90)
    b = CUSUMCV(reps=200, rng=5).compute(30, 90)
    c = CUSUMCV(reps=200, rng=6, cache=False).compute(30, 90)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.all(np.diff(a) > 0)
    serial = CUSUMCV(reps=200, rng=5, cache=False).draws(30, 90)
    chunked = CUSUMCV(reps=200, rng=5, cache=False, n_jobs=1).draws(30, 90)
    np.testing.assert_array_equal(serial, chunked)


def test_draws_on_threads_equal_those_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bubblescope.parallel.local_threads", lambda: 1)
    one = [CUSUMCV(reps=300, rng=9, cache=False).draws(40, 120, demean=True, bandwidth=b)
           for b in (None, 5)]  # fmt: skip
    monkeypatch.setattr("bubblescope.parallel.local_threads", lambda: 2)
    two = [CUSUMCV(reps=300, rng=9, cache=False).draws(40, 120, demean=True, bandwidth=b)
           for b in (None, 5)]  # fmt: skip
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


def test_bad_input_gives_typed_errors() -> None:
    y = _walk(100, 3)
    with pytest.raises(InputError, match="at least 10"):
        cusum_monitor(y, train=5, critical=2.0)
    with pytest.raises(InputError, match="at least"):
        CUSUMMonitor(y[:5], critical=2.0)
    with pytest.raises(InputError, match="leaves nothing to monitor"):
        cusum_monitor(y, train=100, critical=2.0)
    bad = y.copy()
    bad[20] = np.nan
    with pytest.raises(InputError, match="NaN"):
        cusum_monitor(bad, train=50, critical=2.0)
    with pytest.raises(InputError, match="volatility is zero"):
        CUSUMMonitor(np.full(30, 4.0), critical=2.0)
    with pytest.raises(InputError, match="volatility is zero"):
        CUSUMMonitor(np.arange(30.0), critical=2.0, demean=True)
    with pytest.raises(InputError, match="Table 8 has no cell"):
        cusum_monitor(y[:80], train=40, critical="table")
    with pytest.raises(InputError, match="drift removal"):
        cusum_monitor(y, train=50, critical="table", demean=True)
    with pytest.raises(InputError, match="level"):
        cusum_monitor(y, train=50, level=1.5)
    mon = CUSUMMonitor(
        pd.Series(y[:40], index=pd.date_range("2020-01-01", periods=40)), critical=2.0
    )
    with pytest.raises(InputError, match="pass date="):
        mon.append(1.0)
    with pytest.raises(InputError, match="not after the last date"):
        mon.append(1.0, date="2020-01-05")
    with pytest.raises(InputError, match="must be finite"):
        mon.append(float("nan"), date="2021-01-01")


def test_engine_flags_the_dotcom_run_up_on_the_nasdaq_before_its_peak() -> None:
    """NASDAQ daily 1971-2026, training 1971-1981, drift removed: the first crossing falls in
    the 1999-2000 run-up, before the 10 March 2000 peak."""
    from bubblescope.analyses.engines import CUSUMSettings, run_cusum
    from bubblescope.data.catalog import load_series

    res = run_cusum(load_series("nasdaq"), CUSUMSettings.preset("quick"))
    assert res.n_train > 2000
    first = res.first_alarm
    assert first is not None
    assert pd.Timestamp("1998-01-01") <= first < pd.Timestamp("2000-03-10")
    assert res.alarms.loc[: pd.Timestamp("1998-01-01")].sum() == 0
