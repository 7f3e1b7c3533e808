"""LPPLS over many dates: the shared grid scan and the warm-started polish against the cold path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope._kernels import lppls as K
from bubblescope.detect._lppls_engine import _grid_axes, fit_nested, fit_nested_dates
from bubblescope.detect.lppls import (
    GridSpec,
    LPPLSFilter,
    SearchSpace,
    WindowSet,
    lppls_confidence,
    lppls_formula,
)

#: Small window set so the cold one-date path stays quick: 300 -> 100 in steps of 10.
WINDOWS = WindowSet(300, 100, 10)
SPACE = SearchSpace.fco()
GRID = GridSpec()
FIELDS = ("tc", "m", "omega", "ssr", "a", "b", "c1", "c2", "relative_error", "candidates")


def _prices(n: int = 340) -> pd.Series:
    """An LPPLS run-up to tc = n + 10 with 1 % lognormal noise (seeded), business days."""
    rng = np.random.default_rng(7)
    t = np.arange(n, dtype=np.float64)
    logp = lppls_formula(t, n + 10.0, 0.5, 10.0, 5.0, -0.05, 0.001, 0.0)
    return pd.Series(
        np.exp(logp + 0.01 * rng.standard_normal(n)),
        index=pd.bdate_range("2020-01-01", periods=n),
    )


def _windows(prices: pd.Series, ends: range) -> tuple[np.ndarray, np.ndarray]:
    need = WINDOWS.max_window
    logp = np.log(prices.to_numpy())
    ys = np.stack([logp[e - need + 1 : e + 1] for e in ends])
    return ys, (need - WINDOWS.lengths).astype(np.int64)


def test_shared_grid_scan_is_bitwise_the_one_date_scan() -> None:
    ys, starts = _windows(_prices(), range(299, 339, 4))
    off, m_grid, w_grid = _grid_axes(starts, ys.shape[1] - 1, SPACE, GRID)
    args = (starts, off, m_grid, w_grid, -SPACE.tc[0], SPACE.tc[1], GRID.keep)
    best_ssr, best_par = K.grid_nested_dates(ys, *args)
    for d, y in enumerate(ys):
        one_ssr, one_par = K.grid_nested(np.ascontiguousarray(y), *args)
        np.testing.assert_array_equal(best_ssr[d], one_ssr)
        np.testing.assert_array_equal(best_par[d], one_par)
    # the scan found something: every window kept finite candidates
    assert np.isfinite(best_ssr[:, :, 0]).all()


def _design_sums(f: np.ndarray, g: np.ndarray, h: np.ndarray) -> list[float]:
    return [float(f.size), f.sum(), g.sum(), h.sum(), f @ f, f @ g, f @ h, g @ g, g @ h, h @ h]


def test_batched_window_solves_are_bitwise_the_scalar_solve() -> None:
    """The grid scan's vectorised factor and SSR equal :func:`_solve3`'s, column by column.

    37 columns (not a multiple of any vector width) of real f, g, h sums, with degenerate
    ones mixed in: a constant f (zero first pivot), g = 2f (collinear second) and h = f + g
    (collinear third), so every branch of the factorisation runs in some vector lane.
    """
    rng = np.random.default_rng(3)
    cols, rows = [], []
    for j in range(37):
        n = int(rng.integers(20, 200))
        u = rng.uniform(0.01, 1.0, n)
        f = u ** rng.uniform(0.1, 0.9)
        g = f * np.cos(rng.uniform(2, 25) * np.log(u))
        h = f * np.sin(rng.uniform(2, 25) * np.log(u))
        if j % 4 == 1:
            f = np.ones(n)
        elif j % 4 == 2:
            g = 2.0 * f
        elif j % 4 == 3:
            h = f + g
        y = rng.standard_normal(n).cumsum()
        cols.append(_design_sums(f, g, h))
        rows.append([y.sum(), y @ y, y @ f, y @ g, y @ h])
    sums = np.ascontiguousarray(np.array(cols).T)
    rhs = np.ascontiguousarray(np.array(rows).T)
    chol = np.empty((6, 37))
    ssr = np.empty(37)
    K._factor_windows(37, sums, chol)
    K._ssr_windows(37, sums, chol, rhs, ssr)
    dropped = 0
    for j in range(37):
        assert tuple(chol[:, j]) == K._factor3(*sums[:, j])
        sy, syy, syf, syg, syh = rhs[:, j]
        assert ssr[j] == K._solve3(*sums[:, j], sy, syf, syg, syh, syy)[0]
        dropped += int(np.count_nonzero(chol[[0, 3, 5], j] == 0.0))
    # each degenerate column dropped its one pivot (f, g or h) and no other column dropped
    # any, so the zero branches were compared too
    assert dropped == 27


def test_confidence_over_dates_equals_the_cold_one_date_path() -> None:
    """Every date's Confidence equals the cold path's, recomputed here from fit_nested."""
    prices = _prices()
    ends = range(299, 340, 3)
    res = lppls_confidence(prices, dates=list(ends), windows=WINDOWS)
    ys, starts = _windows(prices, ends)
    flt = LPPLSFilter.fco_confidence()
    shared = fit_nested_dates(ys, starts, SPACE, GRID)
    for d, y in enumerate(ys):
        cold = fit_nested(y, starts, SPACE, GRID)
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(shared[d], name), getattr(cold, name))
        ok = cold.passes(flt)
        row = res.frame.iloc[d]
        assert row["confidence_pos"] == np.mean(ok & (cold.b < 0))
        assert row["confidence_neg"] == np.mean(ok & (cold.b > 0))
    # the run-up is found on some dates, so equality is not between two zeros
    assert res.frame["confidence_pos"].max() > 0


def test_blocks_and_workers_do_not_change_the_result() -> None:
    prices = _prices()
    dates = list(range(299, 340))
    one_by_one = pd.concat(
        [lppls_confidence(prices, dates=[d], windows=WINDOWS).frame for d in dates[::8]]
    )
    together = lppls_confidence(prices, dates=dates, windows=WINDOWS, n_jobs=2).frame
    pd.testing.assert_frame_equal(together.iloc[::8], one_by_one)


def test_cold_polish_keeps_the_best_of_every_candidate() -> None:
    """polish_warm without warm starts = min over K.polish of each candidate (first on ties)."""
    ys, starts = _windows(_prices(), range(339, 340))
    fits = fit_nested(ys[0], starts, SPACE, GRID)
    t_all = np.arange(ys.shape[1], dtype=np.float64)
    assert fits.ends is not None
    assert fits.counts[1] == fits.counts[2] == 0
    for k, s in enumerate(starts):
        best = np.full(4, np.inf)
        for c, start in enumerate(fits.candidates[k]):
            if np.isnan(start[0]):
                continue
            res = K.polish(t_all[s:], ys[0][s:], start, fits.lo[k], fits.hi[k], GRID.max_iter, 1e-9)
            np.testing.assert_array_equal(fits.ends[k, c], res[:4])
            if res[3] < best[3]:
                best = res[:4]
        assert (fits.tc[k], fits.m[k], fits.omega[k]) == tuple(best[:3])


@pytest.mark.parametrize("shift", [1, 5])
def test_warm_start_never_ends_above_the_cold_start(shift: int) -> None:
    """The fallback rule: a kept warm result is at most the SSR at the cell's cold start."""
    prices = _prices()
    ys, starts = _windows(prices, range(339 - shift, 340, shift))
    before = fit_nested(ys[0], starts, SPACE, GRID)
    warm = fit_nested(ys[1], starts, SPACE, GRID, previous=before, shift=shift)
    cold_kept = int(np.isfinite(warm.candidates[:, :, 0]).sum())
    assert sum(warm.counts) == cold_kept
    assert warm.counts[1] > 0  # cells kept on both dates were warm-started
    assert warm.ends is not None
    t_all = np.arange(ys.shape[1], dtype=np.float64)
    for k, s in enumerate(starts):
        for c, start in enumerate(warm.candidates[k]):
            if np.isnan(start[0]):
                continue
            lo, hi = warm.lo[k], warm.hi[k]
            cold_start = lo + np.clip((start - lo) / (hi - lo), 0.0, 1.0) * (hi - lo)
            at_start = K.profiled_ssr(t_all[s:], ys[1][s:], *cold_start)
            # 1e-9: profiled_ssr rescales time differently from polish (same SSR up to rounding)
            assert warm.ends[k, c, 3] <= at_start * (1 + 1e-9)
    # the grid and its kept cells are the cold path's
    cold = fit_nested(ys[1], starts, SPACE, GRID)
    np.testing.assert_array_equal(warm.candidates, cold.candidates)


def test_shipped_nasdaq_dotcom_sample_equals_the_cold_path() -> None:
    """FCO windows on four shipped NASDAQ dates of the dot-com run-up: shared = cold, exactly."""
    from bubblescope.data.bundled import load_bundled

    close = load_bundled("NASDAQ")["close"].loc[:"2000-03-10"]
    ends = range(len(close) - 1 - 3 * 21, len(close), 21)
    res = lppls_confidence(close, dates=[close.index[e] for e in ends])
    logp = np.log(close.to_numpy())
    starts = (750 - WindowSet.fco().lengths).astype(np.int64)
    flt = LPPLSFilter.fco_confidence()
    for d, e in enumerate(ends):
        cold = fit_nested(logp[e - 749 : e + 1], starts, SPACE, GRID)
        ok = cold.passes(flt)
        assert res.frame["confidence_pos"].iloc[d] == np.mean(ok & (cold.b < 0))
        assert res.frame["confidence_neg"].iloc[d] == np.mean(ok & (cold.b > 0))
        pos = ok & (cold.b < 0)
        if pos.any():
            assert res.frame["tc_median_pos"].iloc[d] == np.median(cold.tc[pos] - cold.t2)
    assert res.frame["confidence_pos"].iloc[-1] >= 0.10  # S11: the bubble is seen at the peak
