"""The first-order recursive filter ``s_j = d_j + phi s_(j-1)`` along rows, as a numba kernel.

It is ``scipy.signal.lfilter([1], [1, -phi], d, axis=-1)`` in the same operations (bitwise
equal, tested), kept here so that the Breitung-Diegel wCUSUM (:mod:`bubblescope.detect._bd`)
does not import ``scipy.signal`` (0.7 s) for one loop.
"""

from __future__ import annotations

import numpy as np

from bubblescope._numba import njit
from bubblescope._typing import Float64Array

__all__ = ["discounted_sums"]


@njit
def discounted_sums(rows: Float64Array, phi: float) -> Float64Array:
    """Exponentially discounted running sums along each row.

    Parameters
    ----------
    rows : ndarray, shape (R, n)
        Values d_0 .. d_(n-1) per row (any units).
    phi : float
        Discount factor per step (dimensionless).

    Returns
    -------
    ndarray, shape (R, n)
        ``s_0 = d_0`` and ``s_j = d_j + phi s_(j-1)``, in the units of ``rows``.
    """
    out = np.empty_like(rows)
    for r in range(rows.shape[0]):
        acc = 0.0
        for j in range(rows.shape[1]):
            acc = rows[r, j] + phi * acc
            out[r, j] = acc
    return out
