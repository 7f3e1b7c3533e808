"""The backtest signals of the WHL, sign-based and Breitung-Diegel monitors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest.signals import SignalConfig, build_signal
from bubblescope.detect.breitung_diegel import bd_monitor
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.cusum import training_and_horizon
from bubblescope.detect.sign_based import sign_monitor
from bubblescope.detect.whl import whl_monitor


def _prices(n: int = 420) -> pd.Series:
    """Weekly prices: a drifting walk, then 60 weeks of accelerating growth."""
    rng = np.random.default_rng(12)
    idx = pd.date_range("2000-01-07", periods=n, freq="W-FRI")
    boom = np.r_[np.zeros(n - 60), np.cumsum(np.linspace(0.0, 0.03, 60))]
    return pd.Series(100 * np.exp(np.cumsum(0.002 + 0.03 * rng.standard_normal(n)) + boom), idx)


CFG = SignalConfig(train_years=3.0, cusum_horizon_years=4.0, cusum_reps=300, cache=False)


@pytest.mark.parametrize("name", ["whl", "sign", "bd_wcusum"])
def test_signal_is_point_in_time(name: str) -> None:
    """Truncating the prices at a date changes no value or alarm up to that date."""
    prices = _prices()
    (full,) = build_signal(name, prices, CFG, frequency="W")
    (cut,) = build_signal(name, prices.iloc[:330], CFG, frequency="W")
    assert full.name == name
    pd.testing.assert_series_equal(full.value.iloc[:330], cut.value, check_names=False)
    pd.testing.assert_series_equal(full.alarm.iloc[:330], cut.alarm, check_names=False)
    assert full.alarm.iloc[:156].isna().all()  # nothing during the three training years
    assert full.alarm.dropna().isin([0.0, 1.0]).all()


def test_signals_equal_the_batch_monitors() -> None:
    prices = _prices()
    y = np.log(prices)
    n, h = training_and_horizon(pd.DatetimeIndex(prices.index), 3.0, 4.0)
    cv = SequentialCV(reps=300, rng=0, cache=False)
    refs = {
        "whl": whl_monitor(y, train=n),
        "sign": sign_monitor(y, train=n, horizon=h, cv=cv, demean=True),
        "bd_wcusum": bd_monitor(y, train=n, horizon=h, cv=cv, demean=True),
    }
    for name, ref in refs.items():
        (sig,) = build_signal(name, prices, CFG, frequency="W")
        np.testing.assert_array_equal(sig.alarm.dropna().to_numpy() == 1.0, ref.alarm)
        np.testing.assert_allclose(
            sig.value.dropna().to_numpy(), ref.statistic / ref.boundary, rtol=0, atol=1e-10
        )
    assert refs["bd_wcusum"].first_alarm is not None  # the boom is found
