"""The lag-0 SIMD block kernel of the BSADF sweep against the per-end kernel and pyexuber.

``sweep`` runs lag 0 through :func:`bubblescope._kernels.psy._ends_block_lag0` (64 window ends
side by side, a division-free pre-test against each end's running maximum). Its claim is that
every number is bitwise the one of the per-end recursion :func:`end_stats`, which the
reference tests pin to pyexuber and per-window ``lstsq``; these tests check that claim on
series built to stress the pre-test (explosive stretches that keep raising the maximum), the
QR fallback (constant stretches, an exponential level over many orders of magnitude), ties
(integer-valued walks) and every block-boundary case, and check the T = 6,400 benchmark
series against pyexuber directly.
"""

from __future__ import annotations

import numpy as np
import pytest

from bubblescope._kernels import psy as kernels
from bubblescope._kernels.psy import design_matrix, sweep


def _series(kind: str, T: int, rng: np.random.Generator) -> np.ndarray:
    y = np.cumsum(rng.standard_normal(T))
    if kind == "explosive":
        n = T // 2 - T // 4
        y[T // 4 : T // 2] = y[T // 4] * 1.05 ** np.arange(n) + 3.0
    elif kind == "constant":
        y[T // 5 : T // 5 + max(3, T // 6)] = y[T // 5]
    elif kind == "exponential":
        y = 1e6 * 1.15 ** np.arange(T)
    elif kind == "integer":
        y = np.round(y)
    return y


def _per_end(z: np.ndarray, minw: int) -> tuple[np.ndarray, np.ndarray]:
    """BSADF and BADF from :func:`end_stats`, one end at a time (the exact per-end kernel)."""
    out = np.array([kernels.end_stats(z, i1, minw) for i1 in range(minw - 1, z.shape[0])])
    return out[:, 0], out[:, 1]


# T - 1 - minw + 1 ends: 63, 64, 65 and 129 straddle the 64-end blocks; minw 3 is the
# smallest window with a residual degree of freedom.
@pytest.mark.parametrize(("T", "minw"), [(12, 3), (73, 10), (74, 10), (75, 10), (138, 10)])
@pytest.mark.parametrize("kind", ["walk", "explosive", "constant", "exponential", "integer"])
def test_block_kernel_is_bitwise_the_per_end_kernel(T: int, minw: int, kind: str) -> None:
    y = _series(kind, T, np.random.default_rng(T + len(kind)))
    z = design_matrix(y, 0)
    ref_bsadf, ref_badf = _per_end(z, minw)
    for kernel in (kernels._sweep_lag0_serial, kernels._sweep_lag0_parallel):
        bsadf, badf = kernel(z, minw)
        np.testing.assert_array_equal(bsadf, ref_bsadf)
        np.testing.assert_array_equal(badf, ref_badf)


def test_block_kernel_takes_the_qr_fallback_where_the_per_end_kernel_does() -> None:
    # A level growing 15% a step fits almost perfectly in every window, so the pre-test must
    # send windows to the QR (the Welford SSR keeps < 1e-3 of C_yy there) and still agree.
    y = _series("exponential", 160, np.random.default_rng(0))
    z = design_matrix(y, 0)
    bsadf, badf = sweep(z, 20)
    direct = [kernels.adf_window(z, 0, i1) for i1 in range(19, z.shape[0])]
    np.testing.assert_array_equal(badf, direct)
    assert np.all(np.isfinite(bsadf))
    np.testing.assert_array_equal(bsadf, _per_end(z, 20)[0])


def test_long_series_threaded_sweep_matches_pyexuber() -> None:
    # The benchmark's T = 6,400 case (PSY's minimum window rule, r0 = 0.01 + 1.8 / sqrt(T)),
    # where sweep runs the threaded block kernel: every BSADF and BADF within 1e-10 of exuber's
    # C++ core (the two differ by rounding only: ~1e-13 observed).
    exuber = pytest.importorskip("exuber")
    T = 6400
    y = np.cumsum(np.random.default_rng(12345).standard_normal(T))
    minw = int(np.floor(T * (0.01 + 1.8 / np.sqrt(T))))
    z = design_matrix(y, 0)
    assert z.shape[0] >= kernels.PARALLEL_MIN_ROWS
    bsadf, badf = sweep(z, minw)
    ref = exuber.radf(y, minw=minw, lag=0)
    np.testing.assert_allclose(bsadf, np.ravel(ref.bsadf), rtol=0, atol=1e-10)
    np.testing.assert_allclose(badf, np.ravel(ref.badf), rtol=0, atol=1e-10)
    assert abs(bsadf.max() - float(np.ravel(ref.gsadf)[0])) <= 1e-10
