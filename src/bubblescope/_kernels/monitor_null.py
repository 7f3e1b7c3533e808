"""One pass per null random walk for the sequential monitors' boundary simulations.

The boundary constants of the Homm-Breitung CUSUM and of the sign-based DF monitor are
quantiles, over simulated random walks, of each walk's largest detector value
(:mod:`bubblescope.detect.critical_values.cusum`, :mod:`~bubblescope.detect.critical_values.
sequential`). The vectorised definitions (:func:`bubblescope.detect._cusum.detector` with
:func:`~bubblescope.detect._cusum.crossing_constant`, and :func:`bubblescope.detect._sign.
df_path`) build a dozen arrays of the walks' size; these kernels walk each path once with the
same operations in the same order (running sums where those use ``cumsum``), so their values
are bitwise the definitions' (tested), at a fraction of the memory traffic. They release the
GIL, so the simulation's chunks run on threads at once.
"""

from __future__ import annotations

import math

import numpy as np

from bubblescope._numba import njit_inline, njit_nogil_ieee
from bubblescope._typing import Float64Array

__all__ = ["cusum_crossing_constants", "robust_crossing_constants", "sign_df_sups"]


@njit_inline
def _crossing(best: float, s: float, t: float, log_ratio: float) -> float:
    """The running ``max (s^2 / t - log(t / n))`` after one more point (only where s > 0)."""
    return max(best, s * s / t - log_ratio) if s > 0.0 else best


@njit_nogil_ieee
def cusum_crossing_constants(
    y: Float64Array, n: int, mu: Float64Array, log_ratio: Float64Array
) -> Float64Array:
    """Homm-Breitung crossing constant ``max (S_t^2 / t - log(t / n))`` of each walk.

    Parameters
    ----------
    y : ndarray, shape (R, N)
        Walks (levels).
    n : int
        Training points (2 <= n < N).
    mu : ndarray, shape (R,)
        Each walk's drift removed from its differences (the training mean difference, or 0).
    log_ratio : ndarray, shape (N - n,)
        ``log(t / n)`` for ``t = n+1 .. N`` (computed by the caller, as the definition does).

    Returns
    -------
    ndarray, shape (R,)
        The constant over the points with ``S_t > 0`` (``-inf`` where there is none).
    """
    reps, size = y.shape
    out = np.empty(reps)
    for r in range(reps):
        ss = 0.0
        best = -np.inf
        m = mu[r]
        for j in range(size - 1):
            d = (y[r, j + 1] - y[r, j]) - m
            ss += d * d
            if j >= n - 1:
                k = j - (n - 1)
                sigma = math.sqrt(ss / float(n + k))
                s = (y[r, n + k] - y[r, n - 1] - m * float(k + 1)) / sigma
                best = _crossing(best, s, float(n + 1 + k), log_ratio[k])
        out[r] = best
    return out


@njit_nogil_ieee
def robust_crossing_constants(
    y: Float64Array, n: int, mu: Float64Array, weights: Float64Array, log_ratio: Float64Array
) -> Float64Array:
    """Crossing constant of the volatility-robust CUSUM (Astill et al. 2023) of each walk.

    The detector ``S_t`` is the running sum of each monitored difference over its spot
    volatility, the square root of the kernel-weighted mean of the last ``H + 1`` squared
    differences (:func:`bubblescope.detect._cusum.detector` with a bandwidth ``H``); the
    constant is ``max (S_t^2 / t - log(t / n))`` as in :func:`cusum_crossing_constants`.

    Parameters
    ----------
    y : ndarray, shape (R, N)
        Walks (levels).
    n : int
        Training points (n > H).
    mu : ndarray, shape (R,)
        Each walk's drift removed from its differences (or 0).
    weights : ndarray, shape (H + 1,)
        Kernel weights, lag 0 first (:func:`bubblescope.detect._cusum.kernel_weights`).
    log_ratio : ndarray, shape (N - n,)
        ``log(t / n)`` for ``t = n+1 .. N``.

    Returns
    -------
    ndarray, shape (R,)
        The constant over the points with ``S_t > 0`` (``-inf`` where there is none).
    """
    reps, size = y.shape
    out = np.empty(reps)
    d = np.empty(size - 1)
    for r in range(reps):
        m = mu[r]
        for j in range(size - 1):
            d[j] = (y[r, j + 1] - y[r, j]) - m
        total = 0.0
        best = -np.inf
        for k in range(size - n):
            var = 0.0
            for lag in range(weights.shape[0]):
                q = d[n - 1 - lag + k]
                var += weights[lag] * (q * q)
            total += d[n - 1 + k] / math.sqrt(var)
            best = _crossing(best, total, float(n + 1 + k), log_ratio[k])
        out[r] = best
    return out


@njit_nogil_ieee
def sign_df_sups(y: Float64Array, n: int, demean: bool) -> Float64Array:
    """Largest sign-based DF t-ratio of each walk after its last training point.

    The ratio of :func:`bubblescope.detect._sign.df_path` on
    :func:`~bubblescope.detect._sign.sign_increments` of ``y``, at ``t = n .. N-1`` (the
    first monitored point on), NaN ratios skipped.

    Parameters
    ----------
    y : ndarray, shape (R, N)
        Walks (levels).
    n : int
        Training points (n >= 2).
    demean : bool
        Recursively demeaned signs (Harvey, Leybourne, Tatlow & Zu 2025).

    Returns
    -------
    ndarray, shape (R,)
        The largest ratio (dimensionless; NaN where no ratio is defined).
    """
    reps, size = y.shape
    out = np.empty(reps)
    for r in range(reps):
        cum_sign = 0.0
        c = 0.0
        sxx = sxy = syy = 0.0
        best = np.nan
        for j in range(size - 1):
            diff = y[r, j + 1] - y[r, j]
            s = 1.0 if diff > 0.0 else (-1.0 if diff < 0.0 else (0.0 if diff == 0.0 else diff))
            if demean:
                cum_sign += s
                dc = s - cum_sign / float(j + 1)
            else:
                dc = s
            lag = c
            sxx += lag * lag
            sxy += lag * dc
            syy += dc * dc
            c += dc
            k = j - (n - 2)
            if k >= 1:
                ssr = syy - sxy * sxy / sxx
                stat = sxy / math.sqrt(ssr / (float(n - 1 + k) - 1.0) * sxx)
                defined = sxx > 0.0 and ssr > 0.0 and not math.isnan(stat)
                if defined and (math.isnan(best) or stat > best):
                    best = stat
        out[r] = best
    return out
