"""Explosive root of a dated episode: exuber's numbers, OLS, coverage, PSY summary, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect import psy
from bubblescope.detect.explosive_root import (
    ExplosiveRoot,
    episode_root,
    explosive_root,
    root_interval,
)
from bubblescope.errors import InputError


def _ar(T: int, rho: float, seed: int, y0: float = 1.0) -> np.ndarray:
    e = np.random.default_rng(seed).standard_normal(T)
    y = np.empty(T)
    y[0] = y0
    for t in range(1, T):
        y[t] = rho * y[t - 1] + e[t]
    return y


def test_interval_and_doubling_time_reproduce_exubers_root_inference_vignette() -> None:
    """exuber (development branch) vignette "root-inference": rho 1.041945, se 0.006318027,
    n = 17 give the normal CI 1.029562-1.054328, doubling 16.86941 (13.10209-23.79234) and
    the Cauchy CI 0.5007196-1.5831701 (values printed to 7 significant digits)."""
    rho, se, n = 1.041945, 0.006318027, 17
    lo, hi = root_interval(rho, se, n)
    assert lo == pytest.approx(1.029562, abs=2e-6)
    assert hi == pytest.approx(1.054328, abs=2e-6)
    root = ExplosiveRoot(0, 17, n, rho, se, 0.95, "normal", (lo, hi), None)
    assert root.doubling == pytest.approx(16.86941, abs=2e-4)
    assert root.doubling_ci[0] == pytest.approx(13.10209, abs=2e-4)
    assert root.doubling_ci[1] == pytest.approx(23.79234, abs=5e-4)
    clo, chi = root_interval(rho, se, n, kind="cauchy")
    # rho is printed to 6 decimals; the Cauchy half-width moves ~0.2 per unit of rho^n
    assert clo == pytest.approx(0.5007196, abs=2e-4)
    assert chi == pytest.approx(1.5831701, abs=2e-4)


def test_estimate_equals_a_least_squares_fit_without_intercept() -> None:
    y = _ar(60, 1.04, 3, y0=5.0)
    s = pd.Series(y)
    r = explosive_root(s, 10, 49)
    lagged, now = y[10:49], y[11:50]
    coef, ssr, *_ = np.linalg.lstsq(lagged[:, None], now, rcond=None)
    assert r.rho == pytest.approx(float(coef[0]), abs=1e-12)
    sigma2 = float(ssr[0]) / (len(now) - 1)
    assert r.se == pytest.approx(math.sqrt(sigma2 / float(lagged @ lagged)), rel=1e-10)
    assert r.n == 39
    assert r.t_stat == pytest.approx((r.rho - 1) / r.se)
    assert r.doubling == pytest.approx(math.log(2) / math.log(r.rho))


def test_normal_interval_covers_the_true_root_near_its_level() -> None:
    """Guo, Sun & Wang (2019): the t-ratio is asymptotically normal; at T = 150 exuber
    reports about 90% coverage of the 95% interval (finite-sample undercoverage)."""
    covered = 0
    reps = 500
    for seed in range(reps):
        r = explosive_root(pd.Series(_ar(150, 1.03, seed)))
        covered += r.ci[0] <= 1.03 <= r.ci[1]
    rate = covered / reps
    assert 0.82 < rate < 0.99


def test_psy_summary_shows_each_episodes_root_and_doubling_time_in_months() -> None:
    y = np.concatenate([_ar(150, 1.0, 5, y0=50.0), np.zeros(50)])
    e = np.random.default_rng(6).standard_normal(50)
    for t in range(150, 200):
        y[t] = 1.03 * y[t - 1] + e[t - 150]
    s = pd.Series(y, index=pd.date_range("2000-01-07", periods=200, freq="W-FRI"), name="boom")
    res = psy(s)
    assert res.episodes
    ep = res.episodes[-1]
    root = episode_root(res.y, ep)
    assert root is not None
    assert ep.ongoing
    direct = explosive_root(res.y, ep.start, res.y.index[-1])
    assert root.rho == direct.rho
    assert root.rho > 1.0
    assert root.days_per_obs == pytest.approx(7.0)
    months = root.doubling * 7.0 / (365.25 / 12)
    assert f"doubles every {months:.1f} months" in res.summary()
    assert root.describe() in res.summary()
    data = root.to_dict()
    assert data["doubling_months"] == pytest.approx(months)
    assert data["start"] == str(ep.start.date())


def test_a_root_at_or_below_one_has_no_doubling_time() -> None:
    r = explosive_root(pd.Series(_ar(80, 0.9, 2, y0=3.0)))
    assert r.rho < 1.0
    assert math.isinf(r.doubling)
    assert "no doubling time" in r.describe()
    assert r.to_dict()["doubling_obs"] is None


def test_bad_input_gives_typed_errors() -> None:
    with pytest.raises(InputError, match="at least 3"):
        explosive_root(pd.Series([1.0, 2.0]))
    with pytest.raises(InputError, match="NaN"):
        explosive_root(pd.Series([1.0, np.nan, 2.0, 3.0]))
    with pytest.raises(InputError, match="all zero"):
        explosive_root(pd.Series([0.0, 0.0, 0.0, 1.0]))
    with pytest.raises(InputError, match="level"):
        root_interval(1.02, 0.01, 10, level=1.0)
