"""Response-surface critical values: against the simulated grid, an independent off-grid Monte
Carlo run, and PSY (2015) Table 1."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from bubblescope.detect._psy_window import psy_min_window
from bubblescope.detect.critical_values import MonteCarloCV, ResponseSurfaceCV
from bubblescope.detect.exuberance import psy
from bubblescope.errors import InputError

TABLE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "bubblescope"
    / "detect"
    / "critical_values"
    / "simulation"
    / "psy_quantiles.csv"
)


def _rs(T: int, lag: int = 0, convention: str = "psy") -> object:
    minw = psy_min_window(T) - 1 - lag if convention == "psy" else psy_min_window(T)
    return ResponseSurfaceCV().compute(np.zeros(T), minw=minw, lag=lag)


def test_surface_reproduces_the_simulated_grid() -> None:
    # 3 coefficients per key over 6-7 grid points, so the residuals should look like MC noise of
    # a 2,000-rep quantile (s.e. ~0.03-0.04 at 90/95%, ~0.08 at 99%); a wrong functional form
    # would leave systematic residuals far larger than that.
    with open(TABLE) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 342
    resid: dict[bool, list[float]] = {False: [], True: []}
    for r in rows:
        cv = _rs(int(r["T"]), int(r["lag"]), r["convention"])
        i = (0.90, 0.95, 0.99).index(float(r["level"]))
        resid[i == 2].append(float(getattr(cv, r["statistic"])[i]) - float(r["quantile"]))
    body, tail = np.array(resid[False]), np.array(resid[True])
    assert np.sqrt(np.mean(body**2)) < 0.05
    assert np.max(np.abs(body)) < 0.15
    assert np.sqrt(np.mean(tail**2)) < 0.1
    assert np.max(np.abs(tail)) < 0.3


@pytest.mark.parametrize(
    ("T", "sadf95", "gsadf95"),
    [
        (100, 1.30, 2.00),
        (200, 1.40, 2.08),
        (400, 1.49, 2.20),
        (800, 1.53, 2.34),
        (1600, 1.57, 2.41),
    ],
)
def test_surface_matches_psy_table1(T: int, sadf95: float, gsadf95: float) -> None:
    cv = _rs(T)
    assert cv.gsadf[1] == pytest.approx(gsadf95, abs=0.06)  # type: ignore[attr-defined]
    assert cv.sadf[1] == pytest.approx(sadf95, abs=0.08)  # type: ignore[attr-defined]


def test_surface_off_grid_agrees_with_fresh_monte_carlo() -> None:
    # T = 300 is not on the grid; an independent 3,000-rep MC (other seeds) has s.e. ~0.025.
    T = 300
    mc = MonteCarloCV(reps=3000, rng=424242, cache=False).compute(
        np.zeros(T), minw=psy_min_window(T) - 1, lag=0
    )
    cv = _rs(T)
    np.testing.assert_allclose(cv.gsadf[:2], mc.gsadf[:2], atol=0.08)  # type: ignore[attr-defined]
    np.testing.assert_allclose(cv.sadf[:2], mc.sadf[:2], atol=0.08)  # type: ignore[attr-defined]


def test_surface_in_psy_and_its_limits() -> None:
    y = np.cumsum(np.random.default_rng(12345).standard_normal(5000))
    res = psy(y, cv=ResponseSurfaceCV())
    assert "extrapolated" in res.cv.method  # type: ignore[union-attr]
    assert res.cv.bsadf.shape == (len(res.bsadf), 3)  # type: ignore[union-attr]
    with pytest.raises(InputError, match="default windows only"):
        psy(y[:300], window=50, cv=ResponseSurfaceCV())
    with pytest.raises(InputError, match="covers lags 0-2"):
        psy(y[:300], lag=3, cv=ResponseSurfaceCV())
    with pytest.raises(InputError, match="covers levels"):
        psy(y[:300], cv=ResponseSurfaceCV(levels=(0.975,)))


def test_auto_default_picks_surface_or_monte_carlo(store_home: Path) -> None:
    y = np.cumsum(np.random.default_rng(3).standard_normal(120))
    auto = psy(y)
    assert auto.cv is not None
    assert auto.cv.method == "response surface"
    custom = psy(y, window=30)
    assert custom.cv is not None
    assert custom.cv.method.startswith("Monte Carlo")
    assert custom.cv.reps == 1000
    assert len(list((store_home / "cache" / "psy_cv").glob("*.npz"))) == 1
