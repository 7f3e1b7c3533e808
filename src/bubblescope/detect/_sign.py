"""The sign-based Dickey-Fuller path of Harvey, Leybourne & Zu (2020), vectorised.

With ``s_j = sign(y_j - y_{j-1})`` (0 for no change) the cumulated sign is ``C_0 = 0``,
``C_t = s_1 + ... + s_t``; the recursively demeaned variant (Harvey, Leybourne, Tatlow & Zu
2025) is ``C~_t = sum_{i<=t} (s_i - (s_1 + ... + s_i) / i)``. The Dickey-Fuller t-ratio of the
no-intercept regression of ``dC_j`` on ``C_{j-1}`` over ``j = 1..t``,

``DF_t = Sxy / sqrt(sigma^2 Sxx)``, ``Sxx = sum C_{j-1}^2``, ``Sxy = sum C_{j-1} dC_j``,
``sigma^2 = (sum dC_j^2 - Sxy^2 / Sxx) / (t - 1)``,

is HLZ's sPWY sequence when taken over the expanding windows that start at the first
observation (as exuber's development branch computes it, ``R/radf_sign.R`` with
``gls_dfstat_grid``). The signs of a series are unchanged by any pattern of volatility, so the
null distribution of the path is that of random signs whatever the volatility.
"""

from __future__ import annotations

import numpy as np

from bubblescope._typing import Float64Array

__all__ = ["df_path", "sign_increments"]


def sign_increments(y: Float64Array, *, demean: bool) -> Float64Array:
    """Increments ``dC`` of the cumulated (optionally recursively demeaned) sign series.

    ``y`` of shape ``(..., T)`` gives shape ``(..., T - 1)``.
    """
    s = np.sign(np.diff(y, axis=-1))
    if not demean:
        return np.asarray(s, dtype=np.float64)
    count = np.arange(1, s.shape[-1] + 1, dtype=np.float64)
    return np.asarray(s - np.cumsum(s, axis=-1) / count, dtype=np.float64)


def df_path(dc: Float64Array, n: int) -> tuple[Float64Array, Float64Array, Float64Array]:
    """The no-intercept DF t-ratio on ``C`` over ``[0, t]`` for ``t = n-1 .. T-1``.

    Parameters
    ----------
    dc : ndarray, shape (..., T - 1)
        Increments of the cumulated sign series (``C_0 = 0``).
    n : int
        Training points: the first ratio returned is the one at the last training point.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        The ratios, ``Sxx`` and the residual sum of squares, each of shape ``(..., T - n + 1)``
        (NaN ratios where ``Sxx`` or the residual variance is zero).
    """
    c = np.cumsum(dc, axis=-1)
    lag = np.concatenate([np.zeros((*dc.shape[:-1], 1)), c[..., :-1]], axis=-1)
    sxx = np.cumsum(lag * lag, axis=-1)[..., n - 2 :]
    sxy = np.cumsum(lag * dc, axis=-1)[..., n - 2 :]
    syy = np.cumsum(dc * dc, axis=-1)[..., n - 2 :]
    rows = np.arange(n - 1, dc.shape[-1] + 1, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssr = syy - sxy * sxy / sxx
        stat = sxy / np.sqrt(ssr / (rows - 1.0) * sxx)
    ok = (sxx > 0.0) & (ssr > 0.0)
    return np.where(ok, stat, np.nan), sxx, ssr
