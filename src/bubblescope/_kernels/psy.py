"""Exact recursive ADF kernels (BADF, BSADF) in O(T^2) time and O(T) memory.

For every end row ``i1`` the window is grown *backwards* one regression row at a time
(``i0 = i1, i1-1, ..., 0``) while the window means and the centred cross-product matrix of
``[regressors | dependent]`` are updated with Welford's stable one-pass recurrences. Each
window's ADF t-ratio then comes from a square-root-free LDL' factor of that small ``q x q`` matrix
(``q = lag + 2``), in O(q^3), so a full BSADF sweep costs O(T^2 q^2) time and O(q^2) memory
per end point. No ``T x T`` matrix is ever stored (exubercore keeps one: O(T^2) memory).
Lags 0, 1 and 2 have the same recurrences written out in scalars (2-3x faster than the
general small-array path used for larger lags).

Centring makes the sums independent of the series' level, which removes the catastrophic
cancellation of raw prefix sums on series whose level spans many orders of magnitude. What is
left is the cancellation inside the Schur complement ``SSR = C_yy - C_yx C_xx^{-1} C_xy`` when a
window fits almost perfectly (explosive stretches), and near-collinear regressors. Each window
checks both pivots; if a pivot keeps less than ``_TOL_Y`` (resp. ``_TOL_X``) of its diagonal
the window is recomputed exactly by a Householder QR of its centred data (two-pass means).

For lag 0 a series' sweep runs 64 consecutive window ends side by side in SIMD lanes
(:func:`_ends_block_lag0`): every lane repeats :func:`_end_lag0`'s recurrences, so the numbers
are bitwise the same, and a division-free pre-test against each lane's running maximum leaves
the square root and division to the few windows that can raise it.

Layout of the regression matrix ``Z`` (one row per regression row ``t = i + 1 + lag``):
``[dy_{t-1}, ..., dy_{t-lag}, y_{t-1}, dy_t]``; the intercept is handled by centring. The
statistic is the t-ratio of the ``y_{t-1}`` coefficient with ``s^2 = SSR / (m - lag - 2)``.

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.
Welford, B.P. (1962). Note on a method for calculating corrected sums of squares and
products. Technometrics 4(3), 419-420.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bubblescope._numba import njit, njit_parallel, prange
from bubblescope._typing import Float64Array

__all__ = [
    "PARALLEL_MIN_ROWS",
    "adf_window",
    "design_matrix",
    "end_stats",
    "householder_tstat",
    "sweep",
    "sweep_batch",
    "sweep_batch_serial",
    "welford_add_row",
]


#: Fall back to an exact QR when the SSR keeps less than this fraction of C_yy.
_TOL_Y = 1e-3
#: Fall back when a regressor's LDL' pivot keeps less than this fraction of its variance.
_TOL_X = 1e-6


@njit
def design_matrix(y: Float64Array, lag: int) -> Float64Array:
    """Build the ADF regression matrix of a level series.

    Parameters
    ----------
    y : ndarray of float64, shape (T,)
        Level series.
    lag : int
        Number of lagged differences ``k >= 0``.

    Returns
    -------
    ndarray, shape (T - 1 - lag, lag + 2)
        Rows ``[dy_{t-1..t-k}, y_{t-1}, dy_t]`` for ``t = 1 + lag, ..., T - 1``.
    """
    n = y.shape[0] - 1 - lag
    q = lag + 2
    z = np.empty((n, q))
    for i in range(n):
        t = i + 1 + lag
        for j in range(lag):
            z[i, j] = y[t - 1 - j] - y[t - 2 - j]
        z[i, lag] = y[t - 1]
        z[i, lag + 1] = y[t] - y[t - 1]
    return z


@njit
def welford_add_row(
    z: Float64Array,
    i0: int,
    m: int,
    mean: Float64Array,
    mat: Float64Array,
    d: Float64Array,
    e: Float64Array,
) -> None:
    """Add row ``i0`` of ``z`` to running means and centred cross-products (Welford 1962).

    ``m`` is the number of rows including the new one; ``mat`` keeps the lower triangle of
    the centred cross-product matrix; ``d`` and ``e`` are scratch vectors of length ``q``.
    """
    inv = 1.0 / m
    q = z.shape[1]
    for a in range(q):
        d[a] = z[i0, a] - mean[a]
        mean[a] += d[a] * inv
        e[a] = z[i0, a] - mean[a]
    for a in range(q):
        da = d[a]
        for b in range(a + 1):
            mat[a, b] += da * e[b]


@njit
def householder_tstat(a: Float64Array) -> tuple[float, float]:
    """t-ratio and SSR of an OLS fit from a Householder QR, overwriting ``a``.

    ``a`` (m × q) holds the centred regressors with the tested one (``y_{t-1}``) in column
    ``q - 2`` and the centred dependent variable (``Δy_t``) in column ``q - 1``; the intercept is
    accounted for by the centring, so the residual degrees of freedom are ``m - q``.

    Returns
    -------
    (float, float)
        The t-ratio of column ``q - 2`` and the SSR; ``(nan, nan)`` when a regressor is constant
        on the window, ``(nan, 0.0)`` for a perfect fit.
    """
    m, q = a.shape
    diag = np.empty(q)
    for j in range(q):
        norm = 0.0
        for i in range(j, m):
            norm += a[i, j] * a[i, j]
        norm = np.sqrt(norm)
        if norm == 0.0:
            if j == q - 1:
                return np.nan, 0.0
            return np.nan, np.nan
        alpha = -norm if a[j, j] >= 0.0 else norm
        v0 = a[j, j] - alpha
        vnorm2 = v0 * v0 + norm * norm - a[j, j] * a[j, j]
        diag[j] = alpha
        if vnorm2 == 0.0:
            continue
        a[j, j] = v0
        for c in range(j + 1, q):
            dot = 0.0
            for i in range(j, m):
                dot += a[i, j] * a[i, c]
            f = 2.0 * dot / vnorm2
            for i in range(j, m):
                a[i, c] -= f * a[i, j]
    rll = diag[q - 2]
    rly = a[q - 2, q - 1]
    ryy = abs(diag[q - 1])
    if ryy == 0.0:
        return np.nan, 0.0
    sign = 1.0 if rll > 0.0 else -1.0
    return float(np.sqrt(m - q) * rly * sign / ryy), float(ryy * ryy)


@njit
def adf_window(z: Float64Array, i0: int, i1: int) -> float:
    """Exact ADF t-ratio on rows ``i0..i1`` by Householder QR of the centred window.

    This is the fallback for ill-conditioned windows and the reference of the fast path.
    Returns NaN when a regressor is constant on the window or the fit is perfect.
    """
    m = i1 - i0 + 1
    q = z.shape[1]
    dof = m - q
    if dof <= 0:
        return np.nan
    a = np.empty((m, q))
    for j in range(q):
        s = 0.0
        for i in range(m):
            s += z[i0 + i, j]
        mu = s / m
        for i in range(m):
            a[i, j] = z[i0 + i, j] - mu
    tstat, _ = householder_tstat(a)
    return float(tstat)


@njit
def _tstat_ldl(mat: Float64Array, low: Float64Array, diag: Float64Array, m: int) -> float:
    """ADF t-ratio from the centred cross-product matrix; NaN flags an ill-conditioned window.

    Uses the square-root-free LDL' factorisation of the lower triangle of ``mat``: with the
    regressor of interest last among the regressors, ``t = L[q-1,q-2] sqrt(dof D[q-2]/D[q-1])``
    (``D[q-1]`` is the SSR), which equals the Cholesky/QR expression.
    """
    q = mat.shape[0]
    for j in range(q):
        dj = mat[j, j]
        for k in range(j):
            dj -= low[j, k] * low[j, k] * diag[k]
        tol = _TOL_Y if j == q - 1 else _TOL_X
        if not dj > tol * mat[j, j]:
            return np.nan
        diag[j] = dj
        rd = 1.0 / dj
        for i in range(j + 1, q):
            r = mat[i, j]
            for k in range(j):
                r -= low[i, k] * low[j, k] * diag[k]
            low[i, j] = r * rd
    return float(low[q - 1, q - 2] * np.sqrt((m - q) * diag[q - 2] / diag[q - 1]))


@njit
def _end_lag0(z: Float64Array, i1: int, minw: int) -> tuple[float, float]:
    """Lag-0 specialisation of :func:`end_stats` (scalar recurrences)."""
    mx = 0.0
    my = 0.0
    cxx = 0.0
    cxy = 0.0
    cyy = 0.0
    best = -np.inf
    t = np.nan
    for i0 in range(i1, -1, -1):
        m = i1 - i0 + 1
        x = z[i0, 0]
        yv = z[i0, 1]
        dx = x - mx
        dy = yv - my
        inv = 1.0 / m
        mx += dx * inv
        my += dy * inv
        ex = x - mx
        ey = yv - my
        cxx += dx * ex
        cxy += dx * ey
        cyy += dy * ey
        if m >= minw:
            # cxx * SSR; the t-ratio is cxy sqrt((m - 2) / (cxx SSR)): one sqrt, one division
            num = cxx * cyy - cxy * cxy
            if cxx > 0.0 and num > _TOL_Y * cxx * cyy:
                t = cxy * np.sqrt((m - 2) / num)
            else:
                t = adf_window(z, i0, i1)
            if t > best:
                best = t
    return best, t


@njit
def _end_lag1(z: Float64Array, i1: int, minw: int) -> tuple[float, float]:
    """Lag-1 specialisation of :func:`end_stats`: the 3 x 3 LDL' written out in scalars."""
    m0 = m1 = m2 = 0.0
    c00 = c10 = c11 = c20 = c21 = c22 = 0.0
    best = -np.inf
    t = np.nan
    for i0 in range(i1, -1, -1):
        m = i1 - i0 + 1
        inv = 1.0 / m
        x0 = z[i0, 0]
        x1 = z[i0, 1]
        x2 = z[i0, 2]
        d0 = x0 - m0
        d1 = x1 - m1
        d2 = x2 - m2
        m0 += d0 * inv
        m1 += d1 * inv
        m2 += d2 * inv
        e0 = x0 - m0
        e1 = x1 - m1
        e2 = x2 - m2
        c00 += d0 * e0
        c10 += d1 * e0
        c11 += d1 * e1
        c20 += d2 * e0
        c21 += d2 * e1
        c22 += d2 * e2
        if m >= minw:
            t = np.nan
            if c00 > 0.0:
                l10 = c10 / c00
                l20 = c20 / c00
                p1 = c11 - c10 * l10
                if p1 > _TOL_X * c11:
                    r21 = c21 - c20 * l10
                    l21 = r21 / p1
                    p2 = c22 - c20 * l20 - l21 * r21
                    if p2 > _TOL_Y * c22:
                        t = l21 * np.sqrt((m - 3) * p1 / p2)
            if np.isnan(t):
                t = adf_window(z, i0, i1)
            if t > best:
                best = t
    return best, t


@njit
def _end_lag2(z: Float64Array, i1: int, minw: int) -> tuple[float, float]:
    """Lag-2 specialisation of :func:`end_stats`: the 4 x 4 LDL' written out in scalars."""
    m0 = m1 = m2 = m3 = 0.0
    c00 = c10 = c11 = c20 = c21 = c22 = c30 = c31 = c32 = c33 = 0.0
    best = -np.inf
    t = np.nan
    for i0 in range(i1, -1, -1):
        m = i1 - i0 + 1
        inv = 1.0 / m
        x0 = z[i0, 0]
        x1 = z[i0, 1]
        x2 = z[i0, 2]
        x3 = z[i0, 3]
        d0 = x0 - m0
        d1 = x1 - m1
        d2 = x2 - m2
        d3 = x3 - m3
        m0 += d0 * inv
        m1 += d1 * inv
        m2 += d2 * inv
        m3 += d3 * inv
        e0 = x0 - m0
        e1 = x1 - m1
        e2 = x2 - m2
        e3 = x3 - m3
        c00 += d0 * e0
        c10 += d1 * e0
        c11 += d1 * e1
        c20 += d2 * e0
        c21 += d2 * e1
        c22 += d2 * e2
        c30 += d3 * e0
        c31 += d3 * e1
        c32 += d3 * e2
        c33 += d3 * e3
        if m >= minw:
            t = np.nan
            if c00 > 0.0:
                l10 = c10 / c00
                l20 = c20 / c00
                l30 = c30 / c00
                p1 = c11 - l10 * c10
                if p1 > _TOL_X * c11:
                    r21 = c21 - l20 * c10
                    r31 = c31 - l30 * c10
                    l21 = r21 / p1
                    l31 = r31 / p1
                    p2 = c22 - l20 * c20 - l21 * r21
                    if p2 > _TOL_X * c22:
                        r32 = c32 - l30 * c20 - l31 * r21
                        l32 = r32 / p2
                        p3 = c33 - l30 * c30 - l31 * r31 - l32 * r32
                        if p3 > _TOL_Y * c33:
                            t = l32 * np.sqrt((m - 4) * p2 / p3)
            if np.isnan(t):
                t = adf_window(z, i0, i1)
            if t > best:
                best = t
    return best, t


@njit
def end_stats(z: Float64Array, i1: int, minw: int) -> tuple[float, float]:
    """BSADF and BADF for the window end row ``i1``.

    Parameters
    ----------
    z : ndarray, shape (n, q)
        Regression matrix from :func:`design_matrix`.
    i1 : int
        Last regression row of every window (``i1 >= minw - 1``).
    minw : int
        Minimum window in regression rows (``minw > q``).

    Returns
    -------
    (float, float)
        ``max_{i0 <= i1 - minw + 1} ADF(i0, i1)`` and ``ADF(0, i1)``.
    """
    q = z.shape[1]
    if q == 2:
        best0, first0 = _end_lag0(z, i1, minw)
        return float(best0), float(first0)
    if q == 3:
        best1, first1 = _end_lag1(z, i1, minw)
        return float(best1), float(first1)
    if q == 4:
        best2, first2 = _end_lag2(z, i1, minw)
        return float(best2), float(first2)
    mean = np.zeros(q)
    mat = np.zeros((q, q))
    low = np.zeros((q, q))
    diag = np.zeros(q)
    d = np.empty(q)
    e = np.empty(q)
    best = -np.inf
    t = np.nan
    for i0 in range(i1, -1, -1):
        m = i1 - i0 + 1
        welford_add_row(z, i0, m, mean, mat, d, e)
        if m >= minw:
            t = _tstat_ldl(mat, low, diag, m)
            if np.isnan(t):
                t = adf_window(z, i0, i1)
            if t > best:
                best = t
    return best, t


@njit
def _sweep_into(
    z: Float64Array, minw: int, k: int, bsadf: Float64Array, badf: Float64Array
) -> None:
    b, a = end_stats(z, minw - 1 + k, minw)
    bsadf[k] = b
    badf[k] = a


@njit_parallel
def _sweep_parallel(z: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    L = z.shape[0] - minw + 1
    bsadf = np.empty(L)
    badf = np.empty(L)
    for k in prange(L):
        _sweep_into(z, minw, k, bsadf, badf)
    return bsadf, badf


@njit
def _sweep_serial(z: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    L = z.shape[0] - minw + 1
    bsadf = np.empty(L)
    badf = np.empty(L)
    for k in range(L):
        _sweep_into(z, minw, k, bsadf, badf)
    return bsadf, badf


#: Below this many regression rows one thread is faster than waking the numba thread pool.
PARALLEL_MIN_ROWS = 2000


def sweep(z: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    """BSADF and BADF sequences of one series (parallel over window ends for long series).

    Returns two arrays of length ``n - minw + 1``; entry ``k`` belongs to end row
    ``minw - 1 + k`` (exuber's ``bsadf``/``badf`` layout). Lag 0 (``z`` with two columns) runs
    blocks of ends in SIMD lanes (:func:`_ends_block_lag0`), other lags one end at a time
    (:func:`end_stats`); every path, serial or threaded, gives the numbers of
    :func:`end_stats` bit for bit, in ``O(n)`` memory.
    """
    parallel = z.shape[0] >= PARALLEL_MIN_ROWS
    if z.shape[1] == 2:
        kernel = _sweep_lag0_parallel if parallel else _sweep_lag0_serial
    else:
        kernel = _sweep_parallel if parallel else _sweep_serial
    bsadf, badf = kernel(z, minw)
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)


#: Most series per lane tile of the lag-0 batch kernel (a tile's running sums stay in L1).
_TILE_MAX = 32
#: Relative slack of the division-free "might beat the running maximum" pre-test; far above
#: the few-ulp rounding of either side, so every window that can win is computed exactly.
_RELAX = 1e-9


@njit
def _lanes_lag0(
    xs: Float64Array,
    ys: Float64Array,
    zs: Float64Array,
    i1: int,
    minw: int,
    st: Float64Array,
    first: Float64Array,
    flag: Any,
) -> None:
    """:func:`_end_lag0` for one end row ``i1`` of ``W`` series at once (one series per lane).

    ``xs``/``ys`` (shape ``(n, W)``) hold the two design columns lane-minor, so each window
    step is one vectorisable pass over the lanes. The arithmetic of every lane is that of
    :func:`_end_lag0`, operation for operation, so the results are bitwise identical. The
    t-ratio ``t = cxy sqrt((m - 2) / num)`` costs a division and a square root; the pass
    instead tests ``sign(t) t^2 num = cxy |cxy| (m - 2)`` against ``s num`` with ``s`` the
    lane's running ``sign(best) best^2`` lowered by ``_RELAX``, and only flagged lanes (a
    possible new maximum, an ill-conditioned window, or the full window ``i0 = 0``) compute
    ``t`` (or the QR fallback) exactly. On return ``st[6]`` is the BSADF and ``first`` the
    BADF of each lane. ``st`` is scratch of shape ``(7, W)``, ``flag`` a boolean ``(W,)``.
    """
    w = xs.shape[1]
    for r in range(w):
        for j in range(5):
            st[j, r] = 0.0
        st[5, r] = -np.inf
        st[6, r] = -np.inf
    for i0 in range(i1, -1, -1):
        m = i1 - i0 + 1
        inv = 1.0 / m
        xrow = xs[i0]
        yrow = ys[i0]
        if m < minw:
            for r in range(w):
                x = xrow[r]
                yv = yrow[r]
                dx = x - st[0, r]
                dy = yv - st[1, r]
                mx = st[0, r] + dx * inv
                my = st[1, r] + dy * inv
                st[0, r] = mx
                st[1, r] = my
                ex = x - mx
                ey = yv - my
                st[2, r] += dx * ex
                st[3, r] += dx * ey
                st[4, r] += dy * ey
            continue
        mm2 = float(m - 2)
        nflag = 0
        for r in range(w):
            x = xrow[r]
            yv = yrow[r]
            dx = x - st[0, r]
            dy = yv - st[1, r]
            mx = st[0, r] + dx * inv
            my = st[1, r] + dy * inv
            st[0, r] = mx
            st[1, r] = my
            ex = x - mx
            ey = yv - my
            cxx = st[2, r] + dx * ex
            cxy = st[3, r] + dx * ey
            cyy = st[4, r] + dy * ey
            st[2, r] = cxx
            st[3, r] = cxy
            st[4, r] = cyy
            num = cxx * cyy - cxy * cxy
            bad = not ((cxx > 0.0) & (num > _TOL_Y * cxx * cyy))
            fl = bad | ((cxy * abs(cxy) * mm2) > st[5, r] * num)
            flag[r] = fl
            nflag += int(fl)
        if nflag == 0 and i0 != 0:
            continue
        for r in range(w):
            if not flag[r] and i0 != 0:
                continue
            cxx = st[2, r]
            cxy = st[3, r]
            cyy = st[4, r]
            num = cxx * cyy - cxy * cxy
            if cxx > 0.0 and num > _TOL_Y * cxx * cyy:
                t = cxy * np.sqrt((m - 2) / num)
            else:
                t = adf_window(zs[r], i0, i1)
            if t > st[6, r]:
                st[6, r] = t
                s = t * abs(t)
                st[5, r] = s - abs(s) * _RELAX
            if i0 == 0:
                first[r] = t


@njit
def _lag0_layout(ys: Float64Array) -> tuple[Float64Array, Float64Array, Float64Array]:
    """Lane-tiled lag-0 design of the rows of ``ys``: ``zs`` (per series) and ``xs``/``ys``.

    The series are split into ``nt = ceil(R / _TILE_MAX)`` tiles of equal width ``W``; the
    last tile is padded with copies of the last series (computed, then discarded).
    """
    reps, T = ys.shape
    n = T - 1
    nt = -(-reps // _TILE_MAX)
    w = -(-reps // nt)
    zs = np.empty((nt * w, n, 2))
    xt = np.empty((nt, n, w))
    yt = np.empty((nt, n, w))
    for r in range(nt * w):
        zs[r] = design_matrix(ys[min(r, reps - 1)], 0)
        tl = r // w
        lane = r % w
        for i in range(n):
            xt[tl, i, lane] = zs[r, i, 0]
            yt[tl, i, lane] = zs[r, i, 1]
    return zs, xt, yt


@njit
def _lag0_job(
    zs: Float64Array,
    xt: Float64Array,
    yt: Float64Array,
    minw: int,
    job: int,
    bsadf: Float64Array,
    badf: Float64Array,
) -> None:
    """One end of one lane tile, written into ``bsadf``/``badf``.

    Jobs ``0, 1, 2, 3, ...`` take the ends ``0, L-1, 1, L-2, ...`` (a window's cost grows
    with its end), so numba's equal contiguous blocks of jobs carry equal work.
    """
    nt, _, w = xt.shape
    L = bsadf.shape[1]
    p = job // nt
    k = p // 2 if p % 2 == 0 else L - 1 - p // 2
    tl = job % nt
    st = np.empty((7, w))
    first = np.empty(w)
    flag = np.empty(w, dtype=np.bool_)
    _lanes_lag0(xt[tl], yt[tl], zs[tl * w : (tl + 1) * w], minw - 1 + k, minw, st, first, flag)
    for lane in range(w):
        r = tl * w + lane
        if r < bsadf.shape[0]:
            bsadf[r, k] = st[6, lane]
            badf[r, k] = first[lane]


@njit_parallel
def _batch_lag0_parallel(ys: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    reps, T = ys.shape
    L = T - minw
    zs, xt, yt = _lag0_layout(ys)
    bsadf = np.empty((reps, L))
    badf = np.empty((reps, L))
    for job in prange(L * xt.shape[0]):
        _lag0_job(zs, xt, yt, minw, job, bsadf, badf)
    return bsadf, badf


@njit
def _batch_lag0_serial(ys: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    reps, T = ys.shape
    L = T - minw
    zs, xt, yt = _lag0_layout(ys)
    bsadf = np.empty((reps, L))
    badf = np.empty((reps, L))
    for job in range(L * xt.shape[0]):
        _lag0_job(zs, xt, yt, minw, job, bsadf, badf)
    return bsadf, badf


#: Window ends per block of the single-series lag-0 kernel (one end per SIMD lane).
_ENDS_BLOCK = 64
#: ``_TOL_Y`` raised by ``_RELAX`` for the pre-test, which forms ``cxx cyy`` once: a window it
#: passes as well conditioned passes :func:`_end_lag0`'s test too (the two products differ by
#: a few ulp).
_TOL_Y_SCREEN = _TOL_Y * (1.0 + _RELAX)


@njit
def _ends_block_lag0(
    x: Float64Array,
    y: Float64Array,
    z: Float64Array,
    e0: int,
    w: int,
    minw: int,
    bsadf: Float64Array,
    badf: Float64Array,
) -> None:
    """:func:`_end_lag0` for the ``w`` consecutive end rows ``e0, ..., e0 + w - 1`` at once.

    Lane ``r`` owns the end ``e0 + r``. All lanes grow their windows backwards in step: at
    step ``s`` every window has ``m = s + 1`` rows and lane ``r`` adds row ``e0 + r - s``, so
    one step reads the contiguous slice ``x[e0 - s : e0 - s + w]`` (and of ``y``), shares one
    ``1 / m``, and is one vectorisable pass over the lanes. Each lane repeats the operations of
    :func:`_end_lag0` in the same order, so its numbers are bitwise those of
    :func:`_end_lag0`. The running maximum is division-free as in :func:`_lanes_lag0`: a
    window whose ``cxy |cxy| (m - 2)`` does not exceed ``num`` times the lane's
    ``sign(best) best^2`` (lowered by ``_RELAX``) cannot beat the maximum, and only the other
    windows (and ill-conditioned ones, which take the QR fallback) compute ``t``. Once lane 0
    has reached row 0 the remaining ``r`` steps of lane ``r`` run scalar. Results go to
    ``bsadf[e0 - minw + 1 + r]`` and ``badf[...]``; scratch is ``O(w)``.
    """
    mx = np.zeros(w)
    my = np.zeros(w)
    cxx = np.zeros(w)
    cxy = np.zeros(w)
    cyy = np.zeros(w)
    sb = np.full(w, -np.inf)
    best = np.full(w, -np.inf)
    first = np.full(w, np.nan)
    flag = np.zeros(w, dtype=np.bool_)
    lanes = np.empty(w, dtype=np.int64)
    for s in range(e0 + 1):
        m = s + 1
        base = e0 - s
        inv = 1.0 / m
        xrow = x[base : base + w]
        yrow = y[base : base + w]
        if m < minw:
            for r in range(w):
                xv = xrow[r]
                yv = yrow[r]
                dx = xv - mx[r]
                dy = yv - my[r]
                mxr = mx[r] + dx * inv
                myr = my[r] + dy * inv
                mx[r] = mxr
                my[r] = myr
                ex = xv - mxr
                ey = yv - myr
                cxx[r] += dx * ex
                cxy[r] += dx * ey
                cyy[r] += dy * ey
            continue
        mm2 = float(m - 2)
        anyf = False
        for r in range(w):
            xv = xrow[r]
            yv = yrow[r]
            dx = xv - mx[r]
            dy = yv - my[r]
            mxr = mx[r] + dx * inv
            myr = my[r] + dy * inv
            mx[r] = mxr
            my[r] = myr
            ex = xv - mxr
            ey = yv - myr
            a = cxx[r] + dx * ex
            b = cxy[r] + dx * ey
            c = cyy[r] + dy * ey
            cxx[r] = a
            cxy[r] = b
            cyy[r] = c
            ac = a * c
            num = ac - b * b
            fl = (not num > _TOL_Y_SCREEN * ac) | (b * abs(b) * mm2 > sb[r] * num)
            anyf |= fl
        if not anyf and base != 0:
            continue
        for r in range(w):
            a = cxx[r]
            b = cxy[r]
            c = cyy[r]
            ac = a * c
            num = ac - b * b
            flag[r] = (not num > _TOL_Y_SCREEN * ac) | (b * abs(b) * mm2 > sb[r] * num)
        flag[0] |= base == 0
        nflag = 0
        for r in range(w):
            lanes[nflag] = r
            nflag += int(flag[r])
        for j in range(nflag):
            r = lanes[j]
            a = cxx[r]
            b = cxy[r]
            c = cyy[r]
            num = a * c - b * b
            if a > 0.0 and num > _TOL_Y * a * c:
                t = b * np.sqrt((m - 2) / num)
            else:
                t = adf_window(z, base + r, e0 + r)
            if t > best[r]:
                best[r] = t
                sq = t * abs(t)
                sb[r] = sq - abs(sq) * _RELAX
            if base + r == 0:
                first[r] = t
    for r in range(1, w):
        i1 = e0 + r
        mxr = mx[r]
        myr = my[r]
        a = cxx[r]
        b = cxy[r]
        c = cyy[r]
        bst = best[r]
        sbr = sb[r]
        t = np.nan
        for i0 in range(r - 1, -1, -1):
            m = i1 - i0 + 1
            xv = x[i0]
            yv = y[i0]
            dx = xv - mxr
            dy = yv - myr
            inv = 1.0 / m
            mxr += dx * inv
            myr += dy * inv
            ex = xv - mxr
            ey = yv - myr
            a += dx * ex
            b += dx * ey
            c += dy * ey
            num = a * c - b * b
            good = a > 0.0 and num > _TOL_Y * a * c
            if good and i0 != 0 and b * abs(b) * (m - 2) <= sbr * num:
                continue
            t = b * np.sqrt((m - 2) / num) if good else adf_window(z, i0, i1)
            if t > bst:
                bst = t
                sq = t * abs(t)
                sbr = sq - abs(sq) * _RELAX
        best[r] = bst
        first[r] = t
    k0 = e0 - minw + 1
    for r in range(w):
        bsadf[k0 + r] = best[r]
        badf[k0 + r] = first[r]


@njit
def _ends_job_lag0(
    x: Float64Array,
    y: Float64Array,
    z: Float64Array,
    minw: int,
    job: int,
    bsadf: Float64Array,
    badf: Float64Array,
) -> None:
    """Block of ends number ``job`` in the order ``0, nb-1, 1, nb-2, ...`` (balanced threads)."""
    L = bsadf.shape[0]
    nb = -(-L // _ENDS_BLOCK)
    p = job // 2 if job % 2 == 0 else nb - 1 - job // 2
    k0 = p * _ENDS_BLOCK
    w = min(_ENDS_BLOCK, L - k0)
    _ends_block_lag0(x, y, z, minw - 1 + k0, w, minw, bsadf, badf)


@njit_parallel
def _sweep_lag0_parallel(z: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    L = z.shape[0] - minw + 1
    x = np.ascontiguousarray(z[:, 0])
    y = np.ascontiguousarray(z[:, 1])
    bsadf = np.empty(L)
    badf = np.empty(L)
    for job in prange(-(-L // _ENDS_BLOCK)):
        _ends_job_lag0(x, y, z, minw, job, bsadf, badf)
    return bsadf, badf


@njit
def _sweep_lag0_serial(z: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    L = z.shape[0] - minw + 1
    x = np.ascontiguousarray(z[:, 0])
    y = np.ascontiguousarray(z[:, 1])
    bsadf = np.empty(L)
    badf = np.empty(L)
    for job in range(-(-L // _ENDS_BLOCK)):
        _ends_job_lag0(x, y, z, minw, job, bsadf, badf)
    return bsadf, badf


@njit
def _batch_row(
    ys: Float64Array, r: int, minw: int, lag: int, bsadf: Float64Array, badf: Float64Array
) -> None:
    z = design_matrix(ys[r], lag)
    for k in range(bsadf.shape[1]):
        b, a = end_stats(z, minw - 1 + k, minw)
        bsadf[r, k] = b
        badf[r, k] = a


@njit_parallel
def _batch_parallel(ys: Float64Array, minw: int, lag: int) -> tuple[Float64Array, Float64Array]:
    reps, T = ys.shape
    L = T - 1 - lag - minw + 1
    bsadf = np.empty((reps, L))
    badf = np.empty((reps, L))
    for r in prange(reps):
        _batch_row(ys, r, minw, lag, bsadf, badf)
    return bsadf, badf


@njit
def _batch_serial(ys: Float64Array, minw: int, lag: int) -> tuple[Float64Array, Float64Array]:
    reps, T = ys.shape
    L = T - 1 - lag - minw + 1
    bsadf = np.empty((reps, L))
    badf = np.empty((reps, L))
    for r in range(reps):
        _batch_row(ys, r, minw, lag, bsadf, badf)
    return bsadf, badf


def sweep_batch(ys: Float64Array, minw: int, lag: int) -> tuple[Float64Array, Float64Array]:
    """BSADF and BADF sequences of many level series (rows of ``ys``), on numba threads.

    Used by the Monte Carlo and bootstrap critical values. Lag 0 runs up to ``_TILE_MAX``
    series side by side in SIMD lanes (:func:`_lanes_lag0`), threads taking (end, tile)
    pairs; other lags give each thread whole series. Either way every series' numbers are
    computed by the same operations whatever the thread count, tiling or batch (identical
    to :func:`end_stats` on that series alone).

    Returns
    -------
    (ndarray, ndarray), each of shape ``(R, T - 1 - lag - minw + 1)``
        BSADF and BADF of each row.
    """
    if lag == 0:
        bsadf, badf = _batch_lag0_parallel(ys, minw)
    else:
        bsadf, badf = _batch_parallel(ys, minw, lag)
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)


def sweep_batch_serial(ys: Float64Array, minw: int, lag: int) -> tuple[Float64Array, Float64Array]:
    """Single-threaded :func:`sweep_batch` (for worker processes; identical results)."""
    if lag == 0:
        bsadf, badf = _batch_lag0_serial(ys, minw)
    else:
        bsadf, badf = _batch_serial(ys, minw, lag)
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)
