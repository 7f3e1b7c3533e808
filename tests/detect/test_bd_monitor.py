"""Breitung & Diegel (2025) sequential detectors: CUSUM, mCUSUM and wCUSUM monitoring."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect._bd import Detector, crossing_constant, detector_path
from bubblescope.detect.breitung_diegel import BD_TABLE1, BDMonitor, bd_monitor, bd_table
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.errors import InputError

#: BD (2025) Table 5(i): rejection frequencies with T0 = Tm = 50, rho = 1.05 (10,000 reps),
#: by the bubble's start r_e in the monitoring period: (CUSUM, mCUSUM, wCUSUM).
TABLE5 = {
    1.0: (0.047, 0.046, 0.046),
    0.8: (0.177, 0.272, 0.290),
    0.6: (0.401, 0.508, 0.542),
    0.4: (0.609, 0.688, 0.701),
    0.2: (0.738, 0.797, 0.800),
}
#: The constants Table 5's code applies at 5%: 0.85 (Table 1), 1.96 (the normal quantile the
#: replication code uses for mCUSUM; Table 1 rounds it to 1.95) and wCUSUM's 1.25 (cbar 2.1).
TABLE5_CONSTANTS: tuple[tuple[Detector, float], ...] = (
    ("cusum", 0.85),
    ("mcusum", 1.96),
    ("wcusum", 1.25),
)


def _table5_paths(rng: np.random.Generator, reps: int, r_e: float) -> np.ndarray:
    """BD's DGP (``simSingleBubble.m``): a walk, explosive (rho 1.05) from ``te``, upward only.

    ``te = floor(50 r_e) + 50`` of 100 observations; the path is redrawn until the bubble's
    limit ``B0 + sum rho^-i u_i`` is positive ("only positive bubble realizations").
    """
    T, rho = 100, 1.05
    te = math.floor(50 * r_e) + 50
    out: list[np.ndarray] = []
    need = reps
    while need > 0:
        u = rng.standard_normal((2 * need, T))
        y = np.cumsum(u, axis=1)
        if te < T:
            x = y[:, te - 1] + u[:, te:] @ rho ** -np.arange(1.0, T - te + 1)
            y, u = y[x > 0], u[x > 0]
            for t in range(te, T):
                y[:, t] = rho * y[:, t - 1] + u[:, t]
        out.append(y[:need])
        need -= len(out[-1])
    return 1.0 + np.concatenate(out)


def _rejections(y: np.ndarray) -> list[float]:
    d = np.diff(y, axis=1)
    sigma = d[:, :49].std(axis=1, ddof=1, keepdims=True)
    return [
        float(
            (
                crossing_constant(detector_path(d[:, 49:] / sigma, 1.0, 50, det, 2.1), 50, det) > b
            ).mean()
        )
        for det, b in TABLE5_CONSTANTS
    ]


def _within(got: float, published: float, reps: int, paper_reps: int = 10_000) -> bool:
    se = math.sqrt(published * (1 - published) * (1 / reps + 1 / paper_reps))
    return abs(got - published) < 3.5 * se


def test_detectors_equal_their_formulas_by_loops() -> None:
    """BD eq. 15 and the section 4.2 wCUSUM (weights exp(cbar i/(Tm-1)) over the current one)."""
    y = np.cumsum(np.random.default_rng(4).standard_normal(80))
    n, h, cbar = 40, 40, 2.1
    d = np.diff(y)
    sigma = float(np.std(d[: n - 1], ddof=1))
    mon = d[n - 1 :]
    for det in ("cusum", "mcusum", "wcusum"):
        res = bd_monitor(y, train=n, detector=det, cbar=cbar, critical=1.0)
        for j in range(1, len(mon) + 1):
            if det == "wcusum":
                num = sum(math.exp(cbar * (i - 1) / (h - 1)) * mon[i - 1] for i in range(1, j + 1))
                want = num / math.exp(cbar * (j - 1) / (h - 1)) / (sigma * math.sqrt(h - 1))
            else:
                want = sum(mon[:j]) / (sigma * math.sqrt(h - 1))
            assert res.statistic[j - 1] == pytest.approx(want, rel=1e-12, abs=1e-12)
        bound = 1.0 + 2.0 * np.arange(1, len(mon) + 1) / h if det == "cusum" else np.ones(len(mon))
        np.testing.assert_allclose(res.boundary, bound, rtol=1e-15)


@pytest.mark.parametrize("detector", ["cusum", "mcusum", "wcusum"])
@pytest.mark.parametrize("demean", [False, True])
def test_streaming_equals_recomputation(detector: str, demean: bool) -> None:
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2001-01-01", periods=300)
    y = pd.Series(np.cumsum(0.001 + 0.02 * rng.standard_normal(300)), index=idx)
    batch = bd_monitor(y, train=120, horizon=100, detector=detector, demean=demean, critical=1.3)  # type: ignore[arg-type]
    mon = BDMonitor(y.iloc[:120], horizon=100, detector=detector, demean=demean, critical=1.3)  # type: ignore[arg-type]
    for date, v in y.iloc[120:].items():
        mon.append(float(v), date=date)
    res = mon.result()
    np.testing.assert_allclose(res.statistic, batch.statistic, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.boundary, batch.boundary, rtol=0, atol=1e-12)
    assert res.first_alarm == batch.first_alarm
    assert res.index.equals(batch.index)


def test_table5_three_entries_fast() -> None:
    """BD Table 5(i), r_e = 0.6 (all three detectors), from 2,000 replications of their DGP."""
    reps = 2000
    got = _rejections(_table5_paths(np.random.default_rng(11), reps, 0.6))
    for g, p in zip(got, TABLE5[0.6], strict=True):
        assert _within(g, p, reps), (got, TABLE5[0.6])


@pytest.mark.slow
@pytest.mark.parametrize("r_e", sorted(TABLE5))
def test_table5_reproduced(r_e: float) -> None:
    """BD Table 5(i), every row (size at r_e = 1), 10,000 replications."""
    reps = 10_000
    got = _rejections(_table5_paths(np.random.default_rng(int(r_e * 10)), reps, r_e))
    for g, p in zip(got, TABLE5[r_e], strict=True):
        assert _within(g, p, reps), (r_e, got, TABLE5[r_e])


@pytest.mark.parametrize("detector", ["cusum", "mcusum", "wcusum"])
def test_size_of_simulated_constants_on_fresh_walks(detector: str) -> None:
    """The simulated 95% constant (seed 0) crossed by about 5% of 4,000 fresh null walks."""
    kw = {"n": 60, "horizon": 60, "detector": detector, "cbar": 2.1, "demean": False}
    b = SequentialCV(reps=4000, rng=0, levels=(0.95,), cache=False).compute("bd", **kw)[0]
    fresh = SequentialCV(reps=4000, rng=99, cache=False).draws("bd", **kw)
    rate = float((fresh > b).mean())
    assert abs(rate - 0.05) < 3.5 * math.sqrt(0.05 * 0.95 * 2 / 4000), rate


@pytest.mark.slow
def test_mcusum_constant_is_the_brownian_maximum() -> None:
    """mCUSUM: P(max W > b) = 2 (1 - Phi(b)) (reflection), so 1.95 gives 5.1% (BD Table 1)."""
    draws = SequentialCV(reps=4000, rng=5, cache=False).draws(
        "bd", n=400, horizon=2000, detector="mcusum", cbar=0.0, demean=False
    )
    exact = 2.0 * (1.0 - 0.5 * (1.0 + math.erf(BD_TABLE1["mcusum"][1] / math.sqrt(2.0))))
    # a discrete walk of 2,000 steps crosses slightly less often than the Brownian motion
    assert abs(float((draws > 1.95).mean()) - exact) < 0.012


def test_power_grows_with_the_explosive_root() -> None:
    """Ordering under the alternative: more explosive, more detections (wCUSUM, table constant)."""
    rates = []
    for rho in (1.0, 1.02, 1.05):
        rng = np.random.default_rng(3)
        hits = 0
        for _ in range(300):
            e = rng.standard_normal(100)
            y = np.cumsum(e)
            for t in range(60, 100):
                y[t] = rho * y[t - 1] + e[t]
            hits += bd_monitor(y, train=50, critical="table").first_alarm is not None
        rates.append(hits / 300)
    assert rates[0] < 0.09 < rates[1] < rates[2]


def test_table_lookup_and_errors() -> None:
    assert bd_table("wcusum", 0.95, 2.1) == 1.25
    assert bd_table("mcusum", 0.99) == 2.57
    with pytest.raises(InputError, match="no wCUSUM constant"):
        bd_table("wcusum", 0.95, 2.5)
    y = np.cumsum(np.random.default_rng(0).standard_normal(60))
    with pytest.raises(InputError, match="at least 10"):
        BDMonitor(y[:5])
    with pytest.raises(InputError):
        BDMonitor(np.r_[y[:30], np.nan], critical=1.0)
    with pytest.raises(InputError, match="volatility is zero"):
        BDMonitor(np.arange(30.0), critical=1.0)
    with pytest.raises(InputError, match="drift removal"):
        BDMonitor(y[:30], critical="table", demean=True)
    with pytest.raises(InputError, match="at least 2"):
        BDMonitor(y[:30], horizon=1, critical=1.0)
    mon = BDMonitor(y[:30], critical=1.0)
    with pytest.raises(InputError, match="finite"):
        mon.append(float("inf"))


@pytest.mark.parametrize("shape", [(7,), (3, 40), (2, 3, 25), (0, 5), (4, 0)])
def test_wcusum_path_equals_scipy_lfilter(shape: tuple[int, ...]) -> None:
    # the wCUSUM's own recursive filter against scipy's lfilter, the peer it replaced: bitwise
    lfilter = pytest.importorskip("scipy.signal").lfilter
    d = np.random.default_rng(11).standard_normal(shape)
    for cbar, h in ((2.1, 50), (0.0, 10), (8.0, 1000)):
        phi = np.exp(-cbar / (h - 1.0))
        want = lfilter([1.0], [1.0, -phi], d, axis=-1) / (0.7 * np.sqrt(h - 1.0))
        got = detector_path(d, 0.7, h, "wcusum", cbar)
        assert got.shape == d.shape
        np.testing.assert_array_equal(got, want)
