"""The Homm-Breitung CUSUM detector and its boundary, vectorised over replications.

Positions are 0-based: the training sample is ``y[0..n-1]`` (HB's ``T*`` = ``n`` points) and
monitoring covers ``y[i]``, ``i = n .. N-1`` (HB's ``t = i + 1 = n+1 .. N``). With
``d_j = y[j] - y[j-1] - mu`` (``mu`` = 0, or the training sample's mean difference when the
drift is removed),

``S_i = (y[i] - y[n-1] - mu (i - n + 1)) / sigma_i``,
``sigma_i^2 = (d_1^2 + ... + d_i^2) / i``  (all differences up to ``y[i]``; HB eq. 26),

and the boundary is ``sqrt(t) sqrt(b + log(t / n))`` with ``t = i + 1`` (HB eq. 29). The
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

__all__ = ["boundary", "crossing_constant", "detector"]


def detector(y: Float64Array, n: int, *, demean: bool) -> tuple[Float64Array, Float64Array]:
    """CUSUM detector ``S`` and volatility ``sigma`` at every monitored point.

    Parameters
    ----------
    y : ndarray, shape (N,) or (reps, N)
        Levels (log prices for a bubble in the growth rate).
    n : int
        Training points (``2 <= n < N``).
    demean : bool
        Remove the training sample's mean difference (a drift) from every difference.

    Returns
    -------
    (ndarray, ndarray)
        ``S`` and ``sigma``, each of shape ``(..., N - n)``, for ``y[n], ..., y[N-1]``.
    """
    dy = np.diff(y, axis=-1)
    mu = dy[..., : n - 1].mean(axis=-1, keepdims=True) if demean else np.zeros((*dy.shape[:-1], 1))
    d = dy - mu
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
