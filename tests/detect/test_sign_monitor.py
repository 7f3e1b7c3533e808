"""Sign-based monitoring robust to time-varying volatility (Harvey, Leybourne & Zu 2020)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect._sign import df_path, sign_increments
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.sign_based import SignMonitor, sign_monitor
from bubblescope.errors import InputError

#: HLZ (2020) Table 1, asymptotic sPWY critical values for r0 = 0.1 at 10/5/1% (as quoted by
#: exuber's development branch, ``radf_sign_cv``'s documentation).
HLZ_TABLE1_SPWY = {0.10: 2.410, 0.05: 2.734, 0.01: 3.248}


def test_df_path_equals_ols_by_lstsq() -> None:
    """No-intercept OLS of dC on C_{t-1} over [0, t], t-ratio on t - 1 degrees of freedom."""
    y = np.cumsum(np.random.default_rng(2).standard_normal(60))
    for demean in (False, True):
        s = np.sign(np.diff(y))
        dc = s - np.cumsum(s) / np.arange(1, 60) if demean else s
        c = np.r_[0.0, np.cumsum(dc)]
        stat, _, _ = df_path(sign_increments(y, demean=demean), 20)
        for t in range(19, 60):
            x, z = c[:t], dc[:t]  # rows j = 1..t
            beta = float(x @ z / (x @ x))
            resid = z - beta * x
            se = math.sqrt(resid @ resid / (t - 1) / (x @ x))
            assert stat[t - 19] == pytest.approx(beta / se, rel=1e-10)


def test_demeaned_signs_equal_a_loop() -> None:
    """HLTZ 2025: dC~_i = s_i - mean(s_1..s_i)."""
    y = np.cumsum(np.random.default_rng(3).standard_normal(30))
    s = np.sign(np.diff(y))
    want = [s[i] - s[: i + 1].mean() for i in range(len(s))]
    np.testing.assert_allclose(sign_increments(y, demean=True), want, rtol=1e-14)


@pytest.mark.parametrize("demean", [False, True])
def test_streaming_equals_recomputation(demean: bool) -> None:
    rng = np.random.default_rng(8)
    idx = pd.bdate_range("2003-01-01", periods=400)
    y = pd.Series(np.cumsum(0.0005 + 0.01 * rng.standard_normal(400)), index=idx)
    batch = sign_monitor(y, train=150, demean=demean, critical=2.2)
    mon = SignMonitor(y.iloc[:150], horizon=250, demean=demean, critical=2.2)
    for date, v in y.iloc[150:].items():
        mon.append(float(v), date=date)
    res = mon.result()
    np.testing.assert_allclose(res.statistic, batch.statistic, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(res.alarm, batch.alarm)
    assert res.index.equals(batch.index)


def test_exactly_invariant_to_a_volatility_path() -> None:
    """HLZ Theorem 2: scaling the differences by any positive path leaves the detector as is."""
    rng = np.random.default_rng(4)
    d = rng.standard_normal(300)
    vol = np.exp(np.linspace(0.0, 3.0, 300)) * (1.0 + 4.0 * (np.arange(300) > 200))
    a = sign_monitor(np.cumsum(d), train=100, critical=2.0)
    b = sign_monitor(np.cumsum(d * vol), train=100, critical=2.0)
    np.testing.assert_array_equal(a.statistic, b.statistic)


def _exceed(reps: int, seed: int) -> dict[float, float]:
    draws = SequentialCV(reps=reps, rng=seed, cache=False).draws(
        "sign", n=100, N=1000, demean=False
    )
    return {alpha: float((draws > cv).mean()) for alpha, cv in HLZ_TABLE1_SPWY.items()}


def _close(rate: float, alpha: float, reps: int) -> bool:
    # Monte Carlo error of the rate, plus 1.5 points for T = 1000 against HLZ's T = infinity
    return abs(rate - alpha) < 3.5 * math.sqrt(alpha * (1 - alpha) / reps) + 0.015 * alpha / 0.1


def test_hlz_table1_spwy_fast() -> None:
    """2,000 sign walks of T = 1000: P(sPWY > HLZ's 5% value) is 5% within MC error."""
    got = _exceed(2000, 1)
    assert _close(got[0.05], 0.05, 2000), got


@pytest.mark.slow
def test_hlz_table1_spwy() -> None:
    """HLZ (2020) Table 1, sPWY with r0 = 0.1: all three critical values, 10,000 walks."""
    got = _exceed(10_000, 2)
    for alpha, rate in got.items():
        assert _close(rate, alpha, 10_000), got


def _size(reps: int, seed: int, break_: bool) -> float:
    """False alarms within the horizon of 2,000-walk simulated constants, on fresh walks."""
    cv = SequentialCV(reps=2000, rng=0)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        e = rng.standard_normal(240)
        if break_:
            e[120:] *= 5.0  # a fivefold volatility jump at the start of monitoring
        hits += int(sign_monitor(np.cumsum(e), train=120, cv=cv).first_alarm is not None)
    return hits / reps


def test_size_under_a_volatility_jump_fast() -> None:
    rate = _size(400, 5, break_=True)
    assert abs(rate - 0.05) < 3.5 * math.sqrt(0.05 * 0.95 / 400) + 0.02, rate


@pytest.mark.slow
@pytest.mark.parametrize("break_", [False, True])
def test_size_equals_nominal(break_: bool) -> None:
    """2,000 null walks (one with a fivefold volatility jump): rate 5% within MC error."""
    rate = _size(2000, 6, break_)
    assert abs(rate - 0.05) < 3.5 * math.sqrt(0.05 * 0.95 * (1 / 2000 + 1 / 2000)), rate


def test_power_grows_with_the_explosive_root() -> None:
    """No HLZ power table was available here: an ordering test against explosive roots."""
    cv = SequentialCV(reps=2000, rng=0)
    rates = []
    for rho in (1.0, 1.03, 1.08):
        rng = np.random.default_rng(9)
        hits = 0
        for _ in range(200):
            e = rng.standard_normal(200)
            y = 20.0 + np.cumsum(e)
            base = y[139] - 2.0
            for t in range(140, 200):
                y[t] = base + rho * (y[t - 1] - base) + e[t]
            hits += int(sign_monitor(y, train=100, cv=cv).first_alarm is not None)
        rates.append(hits / 200)
    assert rates[0] < rates[1] < rates[2]
    assert rates[2] > 0.5


def test_bad_input_gives_typed_errors() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(100))
    with pytest.raises(InputError, match="at least 10"):
        SignMonitor(y[:5], critical=2.0)
    with pytest.raises(InputError):
        SignMonitor(np.r_[y[:40], np.inf], critical=2.0)
    with pytest.raises(InputError, match="volatility is zero"):
        SignMonitor(np.full(40, 3.0), critical=2.0)
    with pytest.raises(InputError, match="level"):
        SignMonitor(y[:40], level=1.5)
    mon = SignMonitor(y[:40], critical=2.0)
    with pytest.raises(InputError, match="finite"):
        mon.append(float("nan"))
    with pytest.raises(InputError, match="training sample has"):
        sign_monitor(y, train=5, critical=2.0)


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("sign", {"n": 40, "N": 160, "demean": True}),
        ("bd", {"n": 40, "horizon": 80, "detector": "wcusum", "cbar": 0.5, "demean": True}),
    ],
)
def test_draws_on_threads_equal_those_on_one_thread(
    kind: str, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bubblescope.parallel.local_threads", lambda: 1)
    one = SequentialCV(reps=300, rng=3, cache=False).draws(kind, **params)
    monkeypatch.setattr("bubblescope.parallel.local_threads", lambda: 2)
    two = SequentialCV(reps=300, rng=3, cache=False).draws(kind, **params)
    np.testing.assert_array_equal(one, two)
    assert np.isfinite(one).sum() > 250  # real draws, not a shared constant
