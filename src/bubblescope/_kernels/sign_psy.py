"""Sign-based BADF/BSADF sweep (HLZ 2020 sPWY/sPSY) in O(T^2) time and O(T) memory.

The regression of every window is the no-intercept Dickey-Fuller regression of ``dC_j`` on
``C_{j-1}`` (``C_0 = 0``, the cumulated signs measured from the first observation, as in
:mod:`bubblescope.detect._sign`), so a window's cross products are differences of three prefix
sums: ``Sxx = sum C_{j-1}^2``, ``Sxy = sum C_{j-1} dC_j``, ``Syy = sum dC_j^2`` over its rows.
The prefix sums take O(T) memory; each of the O(T^2) windows then costs O(1), and most are
skipped before the square root (see :func:`_end`). With raw signs
(``dC`` in {-1, 0, 1}) every sum is an integer below ``T^3``, exact in float64 for any series
shorter than 200,000 observations, so the statistics depend on nothing but the signs.

Layout (exuber's ``bsadf``/``badf``): with ``n1`` regression rows and a minimum window of
``minw`` rows, entry ``k`` belongs to the window end row ``minw + k`` (1-based), i.e. the end
point ``y[minw + k]``; ``badf[k]`` is the window starting at the first row, ``bsadf[k]`` the
largest statistic over every start that leaves at least ``minw`` rows. A window whose ``Sxx``
or residual sum of squares is not positive has no statistic (NaN in ``badf``, skipped in
``bsadf``; NaN when no window of that end has one).
"""

from __future__ import annotations

import numpy as np

from bubblescope._numba import njit, njit_parallel, prange
from bubblescope._typing import Float64Array

__all__ = ["PARALLEL_MIN_ROWS", "sign_sweep", "sign_sweep_batch"]

#: One series of at least this many differences shares its window ends among numba threads.
PARALLEL_MIN_ROWS = 2000
#: One minus the relative slack of the "might beat the running maximum" pre-test.
_RELAX = 1.0 - 1e-9
#: The pre-test runs only where ``Syy Sxx - Sxy^2`` keeps more than this of ``Syy Sxx``.
_WELL = 1e-6


@njit
def _prefix(dc: Float64Array) -> tuple[Float64Array, Float64Array, Float64Array]:
    """Prefix sums of ``C_{j-1}^2``, ``C_{j-1} dC_j`` and ``dC_j^2`` (length ``n1 + 1``)."""
    n1 = dc.shape[0]
    pxx = np.zeros(n1 + 1)
    pxy = np.zeros(n1 + 1)
    pyy = np.zeros(n1 + 1)
    c = 0.0
    for j in range(n1):
        pxx[j + 1] = pxx[j] + c * c
        pxy[j + 1] = pxy[j] + c * dc[j]
        pyy[j + 1] = pyy[j] + dc[j] * dc[j]
        c += dc[j]
    return pxx, pxy, pyy


@njit
def _end(
    pxx: Float64Array, pxy: Float64Array, pyy: Float64Array, b: int, minw: int
) -> tuple[float, float]:
    """Backward supremum and forward ratio of the windows ending at row ``b`` (1-based).

    A window whose ratio cannot beat the running maximum is skipped before any division or
    square root: a non-positive ``Sxy`` once the maximum is not negative, or, for a positive
    one, ``Sxy^2 (L - 1) <= best^2 (Syy Sxx - Sxy^2) (1 - 1e-9)`` (``SSR Sxx`` written without
    a division), tried only where ``Syy Sxx - Sxy^2`` keeps more than ``1e-6`` of ``Syy Sxx``,
    so its rounding stays far below the slack. Every window that can win is computed in full,
    so the maximum is bitwise that of computing them all.
    """
    best = -np.inf
    first = np.nan
    for a in range(0, b - minw + 1):
        sxx = pxx[b] - pxx[a]
        if not sxx > 0.0:
            continue
        sxy = pxy[b] - pxy[a]
        if a > 0 and best >= 0.0 and sxy <= 0.0:
            continue
        syy = pyy[b] - pyy[a]
        rows = b - a - 1
        if a > 0 and best > 0.0:
            q = syy * sxx
            g = q - sxy * sxy  # SSR Sxx without a division
            if g > _WELL * q and sxy * sxy * rows <= best * best * g * _RELAX:
                continue
        ssr = syy - sxy * sxy / sxx
        if not ssr > 0.0:
            continue
        t = sxy / np.sqrt(ssr / rows * sxx)
        if a == 0:
            first = t
        if t > best:
            best = t
    return (best if best > -np.inf else np.nan), first


@njit
def _sweep_one(dc: Float64Array, minw: int, bsadf: Float64Array, badf: Float64Array) -> None:
    """Fill ``bsadf`` and ``badf`` (length ``n1 - minw + 1``) for one increment series."""
    pxx, pxy, pyy = _prefix(dc)
    for b in range(minw, dc.shape[0] + 1):
        bsadf[b - minw], badf[b - minw] = _end(pxx, pxy, pyy, b, minw)


@njit_parallel
def _sweep_ends_parallel(dc: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    """One long series, its window ends shared among numba threads (same numbers)."""
    pxx, pxy, pyy = _prefix(dc)
    m = dc.shape[0] - minw + 1
    bsadf = np.empty(m)
    badf = np.empty(m)
    for k in prange(m):
        bsadf[k], badf[k] = _end(pxx, pxy, pyy, k + minw, minw)
    return bsadf, badf


@njit
def _sign_sweep(dc: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    m = dc.shape[0] - minw + 1
    bsadf = np.empty(m)
    badf = np.empty(m)
    _sweep_one(dc, minw, bsadf, badf)
    return bsadf, badf


@njit_parallel
def _batch_parallel(dcs: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    r, n1 = dcs.shape
    bsadf = np.empty((r, n1 - minw + 1))
    badf = np.empty((r, n1 - minw + 1))
    for i in prange(r):
        _sweep_one(dcs[i], minw, bsadf[i], badf[i])
    return bsadf, badf


@njit
def _batch_serial(dcs: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    r, n1 = dcs.shape
    bsadf = np.empty((r, n1 - minw + 1))
    badf = np.empty((r, n1 - minw + 1))
    for i in range(r):
        _sweep_one(dcs[i], minw, bsadf[i], badf[i])
    return bsadf, badf


def sign_sweep(dc: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    """Backward-sup (BSADF) and forward (BADF) sign-based DF sequences of one series.

    Parameters
    ----------
    dc : ndarray, shape (n1,)
        Increments of the cumulated (optionally demeaned) sign series
        (:func:`bubblescope.detect._sign.sign_increments`).
    minw : int
        Regression rows in the smallest window (at least 2, at most ``n1``).

    Returns
    -------
    (ndarray, ndarray), each of shape ``(n1 - minw + 1,)``
        BSADF and BADF by window end (see the module docstring for the layout).
    """
    arr = np.ascontiguousarray(dc, dtype=np.float64)
    kernel = _sweep_ends_parallel if arr.shape[0] >= PARALLEL_MIN_ROWS else _sign_sweep
    bsadf, badf = kernel(arr, int(minw))
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)


def sign_sweep_batch(
    dcs: Float64Array, minw: int, *, threaded: bool = True
) -> tuple[Float64Array, Float64Array]:
    """:func:`sign_sweep` of every row of ``dcs`` (numba threads over rows, or one thread).

    Each row's numbers come from the same operations as :func:`sign_sweep` on that row alone,
    whatever the threading.
    """
    arr = np.ascontiguousarray(dcs, dtype=np.float64)
    kernel = _batch_parallel if threaded else _batch_serial
    bsadf, badf = kernel(arr, int(minw))
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)
