"""The Homm-Breitung CUSUM detector and its boundary, vectorised over replications.

Positions are 0-based: the training sample is ``y[0..n-1]`` (HB's ``T*`` = ``n`` points) and
monitoring covers ``y[i]``, ``i = n .. N-1`` (HB's ``t = i + 1 = n+1 .. N``). With
``d_j = y[j] - y[j-1] - mu`` (``mu`` = 0, or the training sample's mean difference when the
drift is removed),

``S_i = (y[i] - y[n-1] - mu (i - n + 1)) / sigma_i``,
``sigma_i^2 = (d_1^2 + ... + d_i^2) / i``  (all differences up to ``y[i]``; HB eq. 26),

and the boundary is ``sqrt(t) sqrt(b + log(t / n))`` with ``t = i + 1`` (HB eq. 29).

The volatility-robust detector of Astill, Harvey, Leybourne, Taylor & Zu (2023) standardises
each difference by its own one-sided kernel estimate of the spot variance,

``SV_i = sum_{j=n..i} d_j / sigma_j``,  ``sigma_j^2 = sum_{s=0..H} w_s d_{j-s}^2``,
``w_s = K(s/H) / sum_r K(r/H)``, ``K`` the Gaussian density,

(their eq. 6-7 as implemented in exuber's development branch, R/monitor_cusum.R,
``type = "kernel"``), with the same boundary (their Corollary 1). The
detector crosses it exactly when ``S_i > 0`` and ``S_i^2 / t - log(t / n) > b``, so the
crossing constant of a path is ``max_i`` of that left-hand side (``-inf`` where ``S_i <= 0``):
its ``1 - alpha`` quantile under the null is the ``b`` with false-alarm rate ``alpha``.

References
----------
Homm, U. and Breitung, J. (2012). Testing for speculative bubbles in stock markets: a
comparison of alternative methods. Journal of Financial Econometrics 10(1), 198-231.
Chu, C.-S. J., Stinchcombe, M. and White, H. (1996). Monitoring structural change.
Econometrica 64(5), 1045-1065.
"""

from __future__ import annotations

import numpy as np

from bubblescope._typing import Float64Array

__all__ = ["boundary", "crossing_constant", "detector", "kernel_weights"]


def kernel_weights(bandwidth: int) -> Float64Array:
    """``w_s = K(s/H) / sum_r K(r/H)``, ``s = 0..H``, Gaussian ``K`` (lag 0 first)."""
    u = np.arange(bandwidth + 1, dtype=np.float64) / bandwidth
    k = np.exp(-0.5 * u * u)
    return np.asarray(k / k.sum(), dtype=np.float64)


def detector(
    y: Float64Array, n: int, *, demean: bool, bandwidth: int | None = None
) -> tuple[Float64Array, Float64Array]:
    """CUSUM detector ``S`` and volatility ``sigma`` at every monitored point.

    Parameters
    ----------
    y : ndarray, shape (N,) or (reps, N)
        Levels (log prices for a bubble in the growth rate).
    n : int
        Training points (``2 <= n < N``).
    demean : bool
        Remove the training sample's mean difference (a drift) from every difference.
    bandwidth : int, optional
        None: HB's running variance. ``H``: the volatility-robust detector with a one-sided
        Gaussian kernel over the last ``H + 1`` differences (needs ``n > H``).

    Returns
    -------
    (ndarray, ndarray)
        ``S`` and ``sigma``, each of shape ``(..., N - n)``, for ``y[n], ..., y[N-1]``:
        ``sigma`` is the running (HB) or spot (kernel) volatility of the latest difference.
    """
    dy = np.diff(y, axis=-1)
    mu = dy[..., : n - 1].mean(axis=-1, keepdims=True) if demean else np.zeros((*dy.shape[:-1], 1))
    d = dy - mu
    if bandwidth is not None:
        w = kernel_weights(bandwidth)
        sq = d * d
        m = dy.shape[-1] - (n - 1)
        var = np.zeros((*dy.shape[:-1], m))
        for lag_s, weight in enumerate(w):
            var += weight * sq[..., n - 1 - lag_s : n - 1 - lag_s + m]
        spot = np.sqrt(var)
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero spot: the caller's error
            return np.cumsum(d[..., n - 1 :] / spot, axis=-1), spot
    count = np.arange(n, y.shape[-1], dtype=np.float64)
    sigma = np.sqrt(np.cumsum(d * d, axis=-1)[..., n - 1 :] / count)
    steps = np.arange(1, y.shape[-1] - n + 1, dtype=np.float64)
    s = (y[..., n:] - y[..., n - 1 : n] - mu * steps) / sigma
    return s, sigma


def boundary(n: int, N: int, b: float) -> Float64Array:
    """``sqrt(t (b + log(t / n)))`` for ``t = n+1 .. N`` (HB eq. 29)."""
    t = np.arange(n + 1, N + 1, dtype=np.float64)
    return np.sqrt(t * (b + np.log(t / n)))


def crossing_constant(s: Float64Array, n: int) -> Float64Array:
    """Smallest ``b`` whose boundary the path ``s`` never crosses: ``max (s^2/t - log(t/n))``.

    Taken over the points with ``s > 0`` (``-inf`` for a path that never rises above zero).
    """
    t = np.arange(n + 1, n + 1 + s.shape[-1], dtype=np.float64)
    excess = np.where(s > 0, s * s / t - np.log(t / n), -np.inf)
    return np.asarray(excess.max(axis=-1), dtype=np.float64)
