"""The monitor signals (cusum, cusum_robust, whl, sign, bd_wcusum): restarted per period.

Each signal runs its monitor in consecutive periods, each trained on the last ``train_years``
before it: the tests recompute that schedule from its documented rule, check each period
against the batch monitor, the point-in-time property, the false-alarm rate per period under
a random walk, and that on the NASDAQ the alarm is no longer on almost all the time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest.signals import SignalConfig, build_signal
from bubblescope.detect.breitung_diegel import bd_monitor
from bubblescope.detect.critical_values.cusum import CUSUMCV
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.cusum import cusum_monitor
from bubblescope.detect.sign_based import sign_monitor
from bubblescope.detect.whl import whl_horizon, whl_monitor
from bubblescope.errors import InputError

MONITORS = ("cusum", "cusum_robust", "whl", "sign", "bd_wcusum")
CFG = SignalConfig(train_years=3.0, cusum_horizon_years=1.0, cusum_reps=300, cache=False)


def _prices(n: int = 420) -> pd.Series:
    """Weekly prices: a drifting walk, then 60 weeks of accelerating growth."""
    rng = np.random.default_rng(12)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    boom = np.r_[np.zeros(n - 60), np.cumsum(np.linspace(0.0, 0.03, 60))]
    return pd.Series(100 * np.exp(np.cumsum(0.002 + 0.03 * rng.standard_normal(n)) + boom), idx)


def _schedule(
    dates: pd.DatetimeIndex, cfg: SignalConfig, name: str
) -> list[tuple[int, int, int, int]]:
    """(training start, start, end, horizon) of each period by the documented rule, recomputed.

    The last period may end before its horizon (the data end).
    """
    years = pd.DateOffset(months=round(12 * (cfg.monitor_train_years or cfg.train_years)))
    out = []
    s = int(dates.searchsorted(dates[0] + years))
    while s < len(dates):
        lo = int(dates.searchsorted(dates[s] - years))
        if name == "whl":  # the horizon WHL's training maximum controls (k = 10)
            h = whl_horizon(s - lo - 10, cfg.cusum_level) + 9
        else:
            per_year = (s - lo - 1) / ((dates[s - 1] - dates[lo]).days / 365.25)
            h = round(cfg.cusum_horizon_years * per_year)
        out.append((lo, s, min(s + h, len(dates)), h))
        s += h
    return out


def _batch(name: str, y: pd.Series, n: int, h: int, cfg: SignalConfig) -> Any:
    if name in ("cusum", "cusum_robust"):
        return cusum_monitor(
            y, train=n, horizon=h, cv=CUSUMCV(reps=cfg.cusum_reps, rng=0, cache=False),
            demean=True, bandwidth=cfg.cusum_bandwidth if name == "cusum_robust" else None,
        )  # fmt: skip
    if name == "whl":
        return whl_monitor(y, train=n, level=cfg.cusum_level)
    cv = SequentialCV(reps=cfg.cusum_reps, rng=0, cache=False)
    if name == "sign":
        return sign_monitor(y, train=n, horizon=h, cv=cv, demean=True)
    return bd_monitor(y, train=n, horizon=h, cbar=cfg.bd_cbar, cv=cv, demean=True)


@pytest.mark.parametrize("name", MONITORS)
def test_each_period_is_the_batch_monitor_on_its_own_training_sample(name: str) -> None:
    prices = _prices()
    y = np.log(prices)
    dates = pd.DatetimeIndex(prices.index)
    (sig,) = build_signal(name, prices, CFG, frequency="W")
    periods = _schedule(dates, CFG, name)
    assert len(periods) >= 3
    assert sig.value.iloc[: periods[0][1]].isna().all()
    assert sig.alarm.iloc[: periods[0][1]].isna().all()
    assert periods[-1][2] == len(prices)
    assert sig.alarm.iloc[periods[0][1] :].notna().all()
    for lo, s, end, h in periods:
        ref = _batch(name, y.iloc[lo:end], s - lo, h, CFG)
        on = ref.alarms.to_numpy() if name.startswith("cusum") else ref.alarm
        ratio = ref.statistic / ref.boundary
        np.testing.assert_allclose(sig.value.iloc[s:end].to_numpy(), ratio, rtol=0, atol=1e-10)
        np.testing.assert_array_equal(sig.alarm.iloc[s:end].to_numpy() == 1.0, on)


@pytest.mark.parametrize("name", MONITORS)
def test_signal_is_point_in_time(name: str) -> None:
    """Truncating the prices (mid-period too) changes no value or alarm up to the cut."""
    prices = _prices()
    (full,) = build_signal(name, prices, CFG, frequency="W")
    assert full.name == name
    assert full.alarm.dropna().isin([0.0, 1.0]).all()
    for cut in (200, 275, 330):
        (part,) = build_signal(name, prices.iloc[:cut], CFG, frequency="W")
        pd.testing.assert_series_equal(full.value.iloc[:cut], part.value, check_names=False)
        pd.testing.assert_series_equal(full.alarm.iloc[:cut], part.alarm, check_names=False)


def test_monitor_train_years_sets_the_monitors_training_alone() -> None:
    """Set apart from PSY's ``train_years``, it is what the monitors train on; bad values fail."""
    prices = _prices()
    apart = SignalConfig(
        train_years=1.0, monitor_train_years=3.0, cusum_horizon_years=1.0, cusum_reps=300,
        cache=False,
    )  # fmt: skip
    for name in ("cusum", "whl"):
        (a,) = build_signal(name, prices, apart, frequency="W")
        (b,) = build_signal(name, prices, CFG, frequency="W")
        pd.testing.assert_series_equal(a.alarm, b.alarm)
        pd.testing.assert_series_equal(a.value, b.value)
    with pytest.raises(InputError, match="monitor_train_years"):
        SignalConfig(monitor_train_years=0.0)
    with pytest.raises(InputError, match="covers the whole history"):
        build_signal("sign", prices, SignalConfig(monitor_train_years=20.0), frequency="W")


def test_the_boom_is_still_found() -> None:
    """The last 60 weeks' accelerating growth raises the CUSUM and wCUSUM alarms."""
    prices = _prices()
    for name in ("cusum", "bd_wcusum"):
        (sig,) = build_signal(name, prices, CFG, frequency="W")
        assert sig.alarm.iloc[-60:].max() == 1.0
        assert sig.alarm.iloc[:-60].mean() < 0.1


def _walks(count: int, seed: int) -> list[pd.Series]:
    """Gaussian random walks in logs, month starts 1700-2249 (exactly 12 per year)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("1700-01-01", "2249-12-01", freq="MS")
    return [
        pd.Series(np.exp(0.05 * np.cumsum(rng.standard_normal(len(idx)))), idx)
        for _ in range(count)
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", MONITORS)
def test_false_alarm_rate_per_period_is_nominal_under_a_random_walk(name: str) -> None:
    """Share of monitoring periods with an alarm under the null = the nominal rate.

    CUSUM, sign and wCUSUM: two-year training, two-year periods, 5% (about 2,200 periods over
    eight walks). WHL: ten-year training, whose maximum controls 5 detectors at 5/115 = 4.35%
    (about 2,300 periods over five walks). Tolerance: 3.5 standard errors of the binomial share
    plus, for the simulated boundaries, of the 95% quantile of ``cusum_reps`` walks. Measured
    (seed 7): cusum 5.7%, cusum_robust 5.2%, sign 4.6%, bd_wcusum 5.0% of 2,192 periods; WHL
    5.5% of 2,310, 2.8 standard errors above its 4.35%, which is an approximation (the
    exchangeability argument for a training maximum of serially dependent detectors).
    """
    whl = name == "whl"
    cfg = SignalConfig(
        train_years=10.0 if whl else 2.0, cusum_horizon_years=2.0, cusum_reps=2000, cache=False
    )
    hit: list[bool] = []
    for prices in _walks(5 if whl else 8, seed=7):
        (sig,) = build_signal(name, prices, cfg, frequency="M")
        for _, s, end, h in _schedule(pd.DatetimeIndex(prices.index), cfg, name):
            if end - s == h:  # full periods only
                hit.append(bool(sig.alarm.iloc[s:end].max() == 1.0))
    nominal = 5 / 115 if whl else 1 - cfg.cusum_level
    se = np.sqrt(nominal * (1 - nominal) / len(hit))
    if not whl:
        se = np.hypot(se, np.sqrt(nominal * (1 - nominal) / cfg.cusum_reps))
    assert len(hit) > 2000
    assert abs(np.mean(hit) - nominal) < 3.5 * se, (np.mean(hit), nominal, len(hit))


def test_nasdaq_alarm_is_no_longer_on_almost_all_the_time() -> None:
    """NASDAQ weekly 1971-2026: run from one 1971-81 training sample, WHL was in alarm on 99.5%
    of dates (one episode, from 1982 on); restarted every period, each monitor is in alarm on
    under a fifth of them, and WHL's alarm starts and ends more than once."""
    from bubblescope.backtest.histories import to_weekly
    from bubblescope.data.catalog import load_series

    close = to_weekly(load_series("NASDAQ")["close"])
    cfg = SignalConfig(cusum_reps=500)
    for name in ("cusum", "cusum_robust", "whl"):
        (sig,) = build_signal(name, close, cfg, frequency="W")
        alarm = sig.alarm.dropna()
        assert alarm.index[0].year == 1981
        assert alarm.mean() < 0.2, (name, alarm.mean())
    episodes = int(((alarm == 1.0) & (alarm.shift(fill_value=0.0) == 0.0)).sum())
    assert episodes >= 2  # WHL's
