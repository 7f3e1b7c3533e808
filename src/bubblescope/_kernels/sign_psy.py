"""Sign-based BADF/BSADF sweep (HLZ 2020 sPWY/sPSY) in O(T^2) time and O(T) memory.

The regression of every window is the no-intercept Dickey-Fuller regression of ``dC_j`` on
``C_{j-1}`` (``C_0 = 0``, the cumulated signs measured from the first observation, as in
:mod:`bubblescope.detect._sign`), so a window's cross products are differences of three prefix
sums: ``Sxx = sum C_{j-1}^2``, ``Sxy = sum C_{j-1} dC_j``, ``Syy = sum dC_j^2`` over its rows.
The prefix sums take O(T) memory; each of the O(T^2) windows then costs O(1). With raw signs
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

__all__ = ["sign_sweep", "sign_sweep_batch"]


@njit
def _sweep_one(dc: Float64Array, minw: int, bsadf: Float64Array, badf: Float64Array) -> None:
    """Fill ``bsadf`` and ``badf`` (length ``n1 - minw + 1``) for one increment series."""
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
    for b in range(minw, n1 + 1):
        best = -np.inf
        first = np.nan
        for a in range(0, b - minw + 1):
            sxx = pxx[b] - pxx[a]
            if not sxx > 0.0:
                continue
            sxy = pxy[b] - pxy[a]
            ssr = pyy[b] - pyy[a] - sxy * sxy / sxx
            if not ssr > 0.0:
                continue
            t = sxy / np.sqrt(ssr / (b - a - 1) * sxx)
            if a == 0:
                first = t
            if t > best:
                best = t
        badf[b - minw] = first
        bsadf[b - minw] = best if best > -np.inf else np.nan


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
    bsadf, badf = _sign_sweep(np.ascontiguousarray(dc, dtype=np.float64), int(minw))
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
