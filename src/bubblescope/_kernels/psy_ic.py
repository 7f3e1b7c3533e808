"""Recursive ADF kernels with the lag chosen per window by AIC or BIC.

For every window of regression rows ``[i0, i1]`` and every candidate lag ``k = 0..K``
(``K = max_lag``) the ADF regression

    dy_t = a + b y_{t-1} + sum_{i=1..k} psi_i dy_{t-i} + e_t

is fitted by OLS on the **same** ``n = i1 - i0 + 1`` regression rows (a common effective sample,
as Ng & Perron 2001 recommend): the rows come from :func:`bubblescope._kernels.psy.design_matrix`
with ``lag = K``, so the first ``K + 1`` points of y in each window serve as initial conditions
for every candidate lag. The lag minimising

    IC(k) = n log(SSR_k / n) + p_k c,   p_k = k + 2 (intercept, b, k lagged differences),
    c = 2 (AIC) or log(n) (BIC)

is selected (ties go to the smaller lag) and the window's statistic is the t-ratio of ``b`` in
that regression, with ``s^2 = SSR_k / (n - k - 2)``: the degrees of freedom of the *selected*
lag. (psymonitor's ``ADF()`` instead fits each lag on its own sample, ``n = t - k - 1`` rows,
and uses ``dof = t - adflag - 2`` of the *maximum* lag for every candidate: bug 4 of
detection-methods.md §2.3, which this module does not copy.) With ``K = 0`` the statistic is
the fixed lag-0 ADF.

Implementation: as in :mod:`bubblescope._kernels.psy`, each end row ``i1`` grows its window
backwards one row at a time and keeps the centred cross-product matrix of
``[dy_{t-1..t-K}, y_{t-1}, dy_t]`` by Welford's recurrences. For each window and candidate lag
the ``(k + 2) x (k + 2)`` sub-matrix is factored (square-root-free LDL'), giving both the SSR and
the t-ratio; an ill-conditioned pivot falls back to a Householder QR of the centred window.
That is O(T^2) windows times K + 1 small solves, O(T^2 K^4) flops in all, in O(K^2) memory per
end row, single-threaded: 0.25 s for T = 1,000 and K = 6 (0.12 s for K = 3) on one CPU core,
about five times the fixed lag-K kernel, so fine on a CPU for T up to ~1,000 (a Monte Carlo of
this procedure multiplies that by the replications).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.
Ng, S. and Perron, P. (2001). Lag length selection and the construction of unit root tests
with good size and power. Econometrica 69(6), 1519-1554.
Phillips, P.C.B., Shi, S. and Caspi, I. (2018). psymonitor: Real Time Monitoring of Asset
Markets (R package), function ``ADF``.
"""

from __future__ import annotations

import numpy as np

from bubblescope._kernels.psy import design_matrix, householder_tstat, welford_add_row
from bubblescope._numba import njit, njit_parallel, prange
from bubblescope._typing import Float64Array

__all__ = ["AIC", "BIC", "adf_ic_window", "sweep_ic", "sweep_ic_batch"]


#: Criterion codes accepted by the kernels.
AIC = 0
BIC = 1

#: Fall back to an exact QR when the SSR keeps less than this fraction of C_yy.
_TOL_Y = 1e-3
#: Fall back when a regressor's LDL' pivot keeps less than this fraction of its variance.
_TOL_X = 1e-6


@njit
def _col(j: int, k: int, max_lag: int) -> int:
    """Column of the lag-``max_lag`` design matrix holding regressor ``j`` of the lag-``k`` fit."""
    if j < k:
        return j
    return max_lag + (j - k)


@njit
def _qr_stats(z: Float64Array, k: int, max_lag: int, i0: int, i1: int) -> tuple[float, float]:
    """t-ratio and SSR of the lag-``k`` fit on rows ``i0..i1`` by Householder QR (centred).

    Returns ``(nan, nan)`` when a regressor is constant on the window; ``(nan, 0.0)`` for a
    perfect fit.
    """
    m = i1 - i0 + 1
    q = k + 2
    a = np.empty((m, q))
    for j in range(q):
        c = _col(j, k, max_lag)
        s = 0.0
        for i in range(m):
            s += z[i0 + i, c]
        mu = s / m
        for i in range(m):
            a[i, j] = z[i0 + i, c] - mu
    tstat, ssr = householder_tstat(a)
    return float(tstat), float(ssr)


@njit
def _ldl_stats(
    mat: Float64Array, k: int, max_lag: int, low: Float64Array, diag: Float64Array, m: int
) -> tuple[float, float]:
    """t-ratio and SSR of the lag-``k`` fit from the full centred cross-product matrix.

    ``mat`` holds (lower triangle) the centred cross products of all ``max_lag + 2`` columns;
    the lag-``k`` sub-matrix is factored in place in ``low``/``diag``. NaN t flags an
    ill-conditioned window (the caller then uses :func:`_qr_stats`).
    """
    q = k + 2
    for j in range(q):
        cj = _col(j, k, max_lag)
        ajj = mat[cj, cj]
        dj = ajj
        for i in range(j):
            dj -= low[j, i] * low[j, i] * diag[i]
        tol = _TOL_Y if j == q - 1 else _TOL_X
        if not dj > tol * ajj:
            return np.nan, np.nan
        diag[j] = dj
        rd = 1.0 / dj
        for r in range(j + 1, q):
            cr = _col(r, k, max_lag)
            v = mat[cr, cj]
            for i in range(j):
                v -= low[r, i] * low[j, i] * diag[i]
            low[r, j] = v * rd
    ssr = diag[q - 1]
    return float(low[q - 1, q - 2] * np.sqrt((m - q) * diag[q - 2] / ssr)), float(ssr)


@njit
def _select(
    z: Float64Array,
    mat: Float64Array,
    low: Float64Array,
    diag: Float64Array,
    i0: int,
    i1: int,
    max_lag: int,
    criterion: int,
) -> tuple[float, int]:
    """ADF t-ratio of the IC-selected lag on rows ``i0..i1`` and that lag."""
    m = i1 - i0 + 1
    pen = 2.0 if criterion == AIC else np.log(m)
    best_ic = np.inf
    best_t = np.nan
    best_k = -1
    for k in range(max_lag + 1):
        t, ssr = _ldl_stats(mat, k, max_lag, low, diag, m)
        if np.isnan(t):
            t, ssr = _qr_stats(z, k, max_lag, i0, i1)
        if np.isnan(ssr):
            continue
        ic = -np.inf if ssr <= 0.0 else m * np.log(ssr / m)
        ic += (k + 2) * pen
        if ic < best_ic:
            best_ic = ic
            best_t = t
            best_k = k
    return best_t, best_k


@njit
def adf_ic_window(
    z: Float64Array, i0: int, i1: int, max_lag: int, criterion: int
) -> tuple[float, int]:
    """ADF t-ratio with the IC-selected lag on regression rows ``i0..i1`` (computed afresh).

    Parameters
    ----------
    z : ndarray, shape (n, max_lag + 2)
        ``design_matrix(y, max_lag)``.
    i0, i1 : int
        First and last regression row of the window (``i1 - i0 + 1 > max_lag + 2``).
    max_lag : int
        Largest candidate lag ``K``.
    criterion : int
        :data:`AIC` or :data:`BIC`.

    Returns
    -------
    (float, int)
        The t-ratio (NaN for a degenerate window) and the selected lag (-1 if none could be fitted).
    """
    q = max_lag + 2
    m = i1 - i0 + 1
    mean = np.zeros(q)
    for a in range(q):
        s = 0.0
        for i in range(i0, i1 + 1):
            s += z[i, a]
        mean[a] = s / m
    mat = np.zeros((q, q))
    for i in range(i0, i1 + 1):
        for a in range(q):
            da = z[i, a] - mean[a]
            for b in range(a + 1):
                mat[a, b] += da * (z[i, b] - mean[b])
    low = np.zeros((q, q))
    diag = np.zeros(q)
    t, k = _select(z, mat, low, diag, i0, i1, max_lag, criterion)
    return float(t), int(k)


@njit
def _end_stats_ic(
    z: Float64Array, i1: int, minw: int, max_lag: int, criterion: int
) -> tuple[float, float, int, int]:
    """BSADF, BADF and their selected lags for the window end row ``i1``."""
    q = max_lag + 2
    mean = np.zeros(q)
    mat = np.zeros((q, q))
    low = np.zeros((q, q))
    diag = np.zeros(q)
    d = np.empty(q)
    e = np.empty(q)
    best = -np.inf
    best_k = -1
    t = np.nan
    k = -1
    for i0 in range(i1, -1, -1):
        m = i1 - i0 + 1
        welford_add_row(z, i0, m, mean, mat, d, e)
        if m >= minw:
            t, k = _select(z, mat, low, diag, i0, i1, max_lag, criterion)
            if t > best:
                best = t
                best_k = k
    return best, t, best_k, k


@njit
def sweep_ic(
    z: Float64Array, minw: int, max_lag: int, criterion: int
) -> tuple[Float64Array, Float64Array, np.ndarray, np.ndarray]:
    """BSADF and BADF sequences with per-window AIC/BIC lag selection.

    Parameters
    ----------
    z : ndarray, shape (n, max_lag + 2)
        ``design_matrix(y, max_lag)``.
    minw : int
        Minimum window in regression rows (``minw > max_lag + 2``).
    max_lag : int
        Largest candidate lag ``K``.
    criterion : int
        :data:`AIC` or :data:`BIC`.

    Returns
    -------
    bsadf, badf : ndarray of float64, shape (n - minw + 1,)
        Entry ``j`` belongs to end row ``minw - 1 + j`` (the layout of
        :func:`bubblescope._kernels.psy.sweep`).
    bsadf_lag, badf_lag : ndarray of int64, shape (n - minw + 1,)
        Lag selected in the window attaining the BSADF, and in the forward window ``[0, i1]``.
    """
    L = z.shape[0] - minw + 1
    bsadf = np.empty(L)
    badf = np.empty(L)
    bsadf_lag = np.empty(L, dtype=np.int64)
    badf_lag = np.empty(L, dtype=np.int64)
    for j in range(L):
        b, a, kb, ka = _end_stats_ic(z, minw - 1 + j, minw, max_lag, criterion)
        bsadf[j] = b
        badf[j] = a
        bsadf_lag[j] = kb
        badf_lag[j] = ka
    return bsadf, badf, bsadf_lag, badf_lag


@njit
def _ic_row(
    ys: Float64Array,
    r: int,
    minw: int,
    max_lag: int,
    criterion: int,
    bsadf: Float64Array,
    badf: Float64Array,
) -> None:
    z = design_matrix(ys[r], max_lag)
    for j in range(bsadf.shape[1]):
        b, a, _, _ = _end_stats_ic(z, minw - 1 + j, minw, max_lag, criterion)
        bsadf[r, j] = b
        badf[r, j] = a


@njit_parallel
def _ic_batch_parallel(
    ys: Float64Array, minw: int, max_lag: int, criterion: int
) -> tuple[Float64Array, Float64Array]:
    reps, T = ys.shape
    L = T - 1 - max_lag - minw + 1
    bsadf = np.empty((reps, L))
    badf = np.empty((reps, L))
    for r in prange(reps):
        _ic_row(ys, r, minw, max_lag, criterion, bsadf, badf)
    return bsadf, badf


@njit
def _ic_batch_serial(
    ys: Float64Array, minw: int, max_lag: int, criterion: int
) -> tuple[Float64Array, Float64Array]:
    reps, T = ys.shape
    L = T - 1 - max_lag - minw + 1
    bsadf = np.empty((reps, L))
    badf = np.empty((reps, L))
    for r in range(reps):
        _ic_row(ys, r, minw, max_lag, criterion, bsadf, badf)
    return bsadf, badf


def sweep_ic_batch(
    ys: Float64Array, minw: int, max_lag: int, criterion: int, *, threaded: bool = True
) -> tuple[Float64Array, Float64Array]:
    """BSADF and BADF sequences with AIC/BIC lag selection of many level series (rows of ``ys``).

    The simulation counterpart of :func:`sweep_ic` (used by the critical values of the
    lag-selection procedure): series on numba threads (``threaded``) or one after another,
    each computed by the same operations either way.

    Returns
    -------
    (ndarray, ndarray), each of shape ``(R, T - 1 - max_lag - minw + 1)``
    """
    kernel = _ic_batch_parallel if threaded else _ic_batch_serial
    bsadf, badf = kernel(np.ascontiguousarray(ys, dtype=np.float64), minw, max_lag, criterion)
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)
