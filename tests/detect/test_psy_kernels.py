"""Kernel-level checks of the exact O(T^2) recursive ADF sweep.

References are independent computations: numpy ``lstsq`` per window (the exact solve the
issue asks for) and pyexuber's C++ core (``exuber.radf``).
"""

from __future__ import annotations

import numpy as np
import pytest

from bubblescope._kernels import psy as kernels
from bubblescope._kernels.psy import adf_window, design_matrix, end_stats, sweep, sweep_batch


def _lstsq_adf(y: np.ndarray, lag: int, i0: int, i1: int) -> float:
    """ADF t-ratio on regression rows i0..i1 by numpy lstsq on raw (uncentred) data."""
    z = design_matrix(y, lag)[i0 : i1 + 1]
    x = np.column_stack([np.ones(len(z)), z[:, lag], z[:, :lag]])
    d = z[:, lag + 1]
    beta, *_ = np.linalg.lstsq(x, d, rcond=None)
    res = d - x @ beta
    s2 = res @ res / (len(d) - x.shape[1])
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    cov = (vt.T / s**2) @ vt
    return float(beta[1] / np.sqrt(s2 * cov[1, 1]))


def _extreme_bubble(seed: int = 7, T: int = 900) -> np.ndarray:
    """Random walk with an AR root of 1.02 in levels for 750 steps (range ~6e7)."""
    e = np.random.default_rng(seed).standard_normal(T)
    y = np.empty(T)
    y[0] = 1.0
    for t in range(1, T):
        y[t] = (1.02 if 100 <= t < 850 else 1.0) * y[t - 1] + e[t]
    return y


@pytest.mark.parametrize("lag", [0, 1, 2])
def test_extreme_bubble_matches_per_window_lstsq(lag: int) -> None:
    # The level spans ~7 orders of magnitude and windows inside the bubble fit with R^2 ~ 1,
    # which is where raw prefix sums break down. Tolerance 1e-9 relative: lstsq itself loses
    # ~cond(X) * eps on these windows (we observe agreement near 5e-12).
    y = _extreme_bubble()
    assert np.ptp(y) / np.min(np.abs(y[y != 0])) > 1e6
    minw = 60
    z = design_matrix(y, lag)
    bsadf, badf = sweep(z, minw)
    for k in range(0, len(bsadf), 53):
        i1 = minw - 1 + k
        ref = [_lstsq_adf(y, lag, i0, i1) for i0 in range(i1 - minw + 2)]
        assert bsadf[k] == pytest.approx(max(ref), rel=1e-9, abs=1e-9)
        assert badf[k] == pytest.approx(ref[0], rel=1e-9, abs=1e-9)


def test_qr_fallback_equals_fast_path_on_well_conditioned_windows() -> None:
    y = np.cumsum(np.random.default_rng(3).standard_normal(120)) + 1e4
    for lag in (0, 2):
        z = design_matrix(y, lag)
        for i1 in (40, 80, 110):
            exact = [adf_window(z, i0, i1) for i0 in range(i1 - 25 + 2)]
            best, first = end_stats(z, i1, 25)
            assert best == pytest.approx(max(exact), abs=1e-11)
            assert first == pytest.approx(exact[0], abs=1e-11)


def test_kernel_matches_pyexuber_on_golden_series(shared_file) -> None:
    exuber = pytest.importorskip("exuber")
    y = np.loadtxt(shared_file("reference/pyexuber_golden/small_lag0_y.txt"))
    for lag in (0, 1, 2, 3):
        bsadf, badf = sweep(design_matrix(y, lag), 19)
        ref = exuber.radf(y, minw=19, lag=lag)
        np.testing.assert_allclose(bsadf, np.ravel(ref.bsadf), rtol=0, atol=1e-12)
        np.testing.assert_allclose(badf, np.ravel(ref.badf), rtol=0, atol=1e-12)


def test_batch_equals_single_series_sweep() -> None:
    ys = np.cumsum(np.random.default_rng(5).standard_normal((4, 80)), axis=1)
    bs, ba = sweep_batch(ys, 12, 1)
    for r in range(4):
        b, a = sweep(design_matrix(ys[r], 1), 12)
        np.testing.assert_array_equal(bs[r], b)
        np.testing.assert_array_equal(ba[r], a)


def test_threaded_and_serial_sweeps_are_identical() -> None:
    y = np.cumsum(np.random.default_rng(8).standard_normal(kernels.PARALLEL_MIN_ROWS + 50))
    z = design_matrix(y, 1)
    par = kernels._sweep_parallel(z, 40)
    ser = kernels._sweep_serial(z, 40)
    np.testing.assert_array_equal(par[0], ser[0])
    np.testing.assert_array_equal(par[1], ser[1])


@pytest.mark.parametrize("n_series", [1, 7, 33, 70])  # one lane tile, partial, and several tiles
def test_lag0_lane_batch_equals_per_series_end_stats(n_series: int) -> None:
    """The SIMD lane kernel behind Monte Carlo: identical to end_stats on each series alone.

    Mixes random walks, explosive stretches (where the pre-test must not drop a new maximum),
    a constant stretch and a huge-level series (the QR fallback)."""
    from bubblescope._kernels.psy import sweep_batch_serial

    rng = np.random.default_rng(11)
    T, minw = 90, 14
    ys = np.cumsum(rng.standard_normal((n_series, T)), axis=1)
    for r in range(0, n_series, 3):
        ys[r, 40:70] = ys[r, 40] * 1.06 ** np.arange(30) + 5.0
    if n_series > 2:
        ys[1, 10:30] = ys[1, 10]
        ys[2] = 1e6 * 1.15 ** np.arange(T)
    bs, ba = sweep_batch(ys, minw, 0)
    bs_serial, ba_serial = sweep_batch_serial(ys, minw, 0)
    np.testing.assert_array_equal(bs, bs_serial)
    np.testing.assert_array_equal(ba, ba_serial)
    for r in range(n_series):
        z = design_matrix(ys[r], 0)
        ref = np.array([end_stats(z, i1, minw) for i1 in range(minw - 1, z.shape[0])])
        np.testing.assert_array_equal(bs[r], ref[:, 0])
        np.testing.assert_array_equal(ba[r], ref[:, 1])
