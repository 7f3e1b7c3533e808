"""The sequential CUSUM detectors of Breitung & Diegel (2025), vectorised.

After ``T0`` training observations, with ``d_1, d_2, ...`` the monitored first differences
(less the training mean difference when the drift is removed), ``sigma`` the standard
deviation of the training differences and ``Tm`` the monitoring horizon:

* CUSUM and mCUSUM: ``LBI_j = (d_1 + ... + d_j) / (sigma sqrt(Tm - 1))`` (BD eq. 15), against
  the linear boundary ``gamma (1 + 2 j / Tm)`` (Brown, Durbin & Evans 1975) or a constant;
* wCUSUM: ``phi_j = sum_{i<=j} exp(-cbar (j - i) / (Tm - 1)) d_i / (sigma sqrt(Tm - 1))``, the
  exponentially weighted sum divided by the current weight (BD section 4.2, an
  Ornstein-Uhlenbeck path in the limit), against a constant.

The normalisations ``sqrt(Tm - 1)`` and ``(Tm - 1)`` and the demeaned standard deviation
follow BD's replication code (maxcd/SequentialBubbleDetectors, ``BubbleCUSUMmonitoring.m``).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from bubblescope._kernels.recursive_filter import discounted_sums
from bubblescope._typing import Float64Array

__all__ = ["Detector", "crossing_constant", "detector_path", "shape"]

Detector = Literal["cusum", "mcusum", "wcusum"]


def detector_path(
    d: Float64Array, sigma: float, horizon: int, detector: Detector, cbar: float
) -> Float64Array:
    """The detector at each monitored difference ``d`` (last axis), dimensionless."""
    scale = sigma * np.sqrt(horizon - 1.0)
    if detector == "wcusum":
        phi = float(np.exp(-cbar / (horizon - 1.0)))
        rows = np.ascontiguousarray(d, dtype=np.float64).reshape(
            math.prod(d.shape[:-1]), d.shape[-1]
        )
        return np.asarray(discounted_sums(rows, phi).reshape(d.shape) / scale, dtype=np.float64)
    return np.asarray(np.cumsum(d, axis=-1) / scale, dtype=np.float64)


def shape(m: int, horizon: int, detector: Detector) -> Float64Array:
    """Boundary shape at monitored points ``j = 1..m``: ``1 + 2 j / Tm`` for CUSUM, else 1."""
    if detector == "cusum":
        return 1.0 + 2.0 * np.arange(1, m + 1, dtype=np.float64) / horizon
    return np.ones(m, dtype=np.float64)


def crossing_constant(path: Float64Array, horizon: int, detector: Detector) -> Float64Array:
    """Smallest boundary constant the path never crosses within the horizon."""
    m = min(path.shape[-1], horizon)
    return np.asarray((path[..., :m] / shape(m, horizon, detector)).max(axis=-1), dtype=np.float64)
