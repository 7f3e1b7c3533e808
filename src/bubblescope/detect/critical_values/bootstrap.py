"""Bootstrap critical values: HLST wild bootstrap and the Phillips-Shi composite bootstrap.

References
----------
Harvey, D.I., Leybourne, S.J., Sollis, R. and Taylor, A.M.R. (2016). Tests for explosive
financial bubbles in the presence of non-stationary volatility. Journal of Empirical Finance
38(B), 548-574.
Phillips, P.C.B. and Shi, S. (2020). Real time monitoring of asset markets: bubbles and
crises. In Handbook of Statistics 42, 61-80.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bubblescope._typing import Float64Array, RngLike
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    check_levels,
)
from bubblescope.detect.critical_values._simulate import SimulationSettings
from bubblescope.errors import InputError

__all__ = ["Multiplier", "PhillipsShiCV", "WildBootstrapCV"]

Multiplier = Literal["normal", "rademacher"]


def _draw_multipliers(rng: np.random.Generator, kind: str, shape: tuple[int, int]) -> Float64Array:
    if kind == "normal":
        return rng.standard_normal(shape)
    if kind == "rademacher":
        return rng.integers(0, 2, size=shape).astype(np.float64) * 2.0 - 1.0
    raise InputError(f"unknown multiplier {kind!r}", hint="use 'normal' or 'rademacher'")


def _digest(y: Float64Array) -> str:
    return hashlib.sha256(np.ascontiguousarray(y, dtype=np.float64).tobytes()).hexdigest()


_WBTask = tuple[np.random.SeedSequence, int, Float64Array, str]


def _wb_draw(task: _WBTask) -> Float64Array:
    """Wild-bootstrap level series of one chunk: ``y*_0 = 0``, ``dy*_t = w_t dy_t``."""
    seed, reps, dy, kind = task
    w = _draw_multipliers(np.random.default_rng(seed), kind, (reps, len(dy)))
    ys = np.zeros((reps, len(dy) + 1))
    ys[:, 1:] = np.cumsum(w * dy, axis=1)
    return ys


@dataclass(frozen=True)
class WildBootstrapCV(SimulationSettings):
    """Harvey-Leybourne-Sollis-Taylor (2016) wild bootstrap.

    Replicates are ``y*_t = sum_{s<=t} w_s dy_s`` (``y*_0 = 0``) with i.i.d. multipliers
    ``w`` (standard normal or Rademacher), which keeps the data's (possibly time-varying)
    volatility under a unit-root null. Parameters as in
    :class:`~bubblescope.detect.critical_values.MonteCarloCV` (``backend``, ``gpu_batch`` and
    ``lag_selection`` included: the replicates are drawn on the host either way), plus
    ``multiplier``.
    """

    reps: int = 500
    rng: RngLike = None
    multiplier: Multiplier = "normal"
    levels: tuple[float, ...] = (0.90, 0.95, 0.99)
    bsadf_definition: BSADFDefinition = "sadf"

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for the level series ``y``."""
        dy = np.diff(np.asarray(y, dtype=np.float64))
        kind = self.multiplier
        _draw_multipliers(np.random.default_rng(0), kind, (1, 1))

        def make_task(seed: np.random.SeedSequence, n: int) -> _WBTask:
            return (seed, n, dy, kind)

        return self._simulate(
            _wb_draw,
            make_task,
            reps=self.reps,
            rng=self.rng,
            minw=minw,
            lag=lag,
            levels=check_levels(self.levels),
            definition=self.bsadf_definition,
            method=f"wild bootstrap (HLST, {kind})",
            horizon=len(y),
            params={"kind": "wb", "data": _digest(y), "mult": kind, "minw": minw, "lag": lag},
        )


_PSTask = tuple[np.random.SeedSequence, int, Float64Array, Float64Array, Float64Array, float, int]


def _ps_draw(task: _PSTask) -> Float64Array:
    """Level series of one chunk from the fitted AR null with wild-resampled residuals."""
    seed, reps, psi, resid, dy_init, y0, horizon = task
    rng = np.random.default_rng(seed)
    p = len(psi)
    n_diff = horizon - 1
    draw = rng.integers(0, len(resid), size=(reps, n_diff - p))
    w = rng.standard_normal((reps, n_diff - p))
    dyb = np.empty((reps, n_diff))
    dyb[:, :p] = dy_init
    for t in range(p, n_diff):
        ar = np.zeros(reps)
        for j in range(p):
            ar += psi[j] * dyb[:, t - 1 - j]
        dyb[:, t] = ar + w[:, t - p] * resid[draw[:, t - p]]
    ys = np.empty((reps, horizon))
    ys[:, 0] = y0
    ys[:, 1:] = y0 + np.cumsum(dyb, axis=1)
    return ys


@dataclass(frozen=True)
class PhillipsShiCV(SimulationSettings):
    """Phillips-Shi (2020) composite wild bootstrap with a family-wise constant critical value.

    The null model ``dy_t = a + sum_j psi_j dy_{t-j} + e_t`` (``ar_lag`` lags, default the test's
    lag) is fitted by OLS on the whole sample; replicates of ``horizon`` points are built from
    it with residuals resampled with replacement and multiplied by N(0, 1) draws (without the
    intercept, as in exuber and psymonitor). The ``familywise`` critical value is the quantile
    of the maximum BSADF over each replicate: comparing the BSADF path with it bounds the
    probability of any false alarm within ``horizon`` points. With ``horizon`` equal to the
    sample size (the default) it is the bootstrap GSADF critical value. The pointwise
    sequences are set to the constant SADF (BADF) and family-wise (BSADF) values, as exuber
    does; ``adf``, ``sadf``, ``gsadf`` refer to a ``horizon``-point sample.

    psymonitor's S&P application uses ``horizon = 24 + window - 1`` for monthly data (two years).
    ``n_jobs``, ``executor``, ``cache``, ``progress``, ``backend``, ``gpu_batch`` and
    ``lag_selection`` are as in :class:`~bubblescope.detect.critical_values.MonteCarloCV`
    (with "aic"/"bic", ``ar_lag`` defaults to the largest candidate lag).
    """

    reps: int = 499
    rng: RngLike = None
    horizon: int | None = None
    ar_lag: int | None = None
    levels: tuple[float, ...] = (0.90, 0.95, 0.99)

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for the level series ``y``."""
        y = np.asarray(y, dtype=np.float64)
        T = len(y)
        horizon = T if self.horizon is None else int(self.horizon)
        p = lag if self.ar_lag is None else int(self.ar_lag)
        if not minw + 1 + lag <= horizon <= T:
            raise InputError(
                f"horizon must lie between the minimum window ({minw + 1 + lag} points) and the "
                f"sample size ({T}), got {horizon}"
            )
        if p < 0 or p + 3 > T - 1:
            raise InputError(f"ar_lag {p} is too large for {T} points")
        dy = np.diff(y)
        target = dy[p:]
        cols = [np.ones(len(target))] + [dy[p - j : len(dy) - j] for j in range(1, p + 1)]
        x = np.column_stack(cols)
        beta, *_ = np.linalg.lstsq(x, target, rcond=None)
        resid = target - x @ beta
        psi = np.asarray(beta[1:], dtype=np.float64)
        dy_init = dy[:p].copy()
        y0 = float(y[0])

        def make_task(seed: np.random.SeedSequence, n: int) -> _PSTask:
            return (seed, n, psi, resid, dy_init, y0, horizon)

        cv = self._simulate(
            _ps_draw,
            make_task,
            reps=self.reps,
            rng=self.rng,
            minw=minw,
            lag=lag,
            levels=check_levels(self.levels),
            definition="sadf",
            method=f"Phillips-Shi bootstrap (horizon {horizon})",
            horizon=horizon,
            params={
                "kind": "ps",
                "data": _digest(y),
                "h": horizon,
                "p": p,
                "minw": minw,
                "lag": lag,
            },
        )
        n_ends = T - 1 - lag - minw + 1
        return dataclasses.replace(
            cv,
            badf=np.tile(cv.sadf, (n_ends, 1)),
            bsadf=np.tile(cv.familywise, (n_ends, 1)),
        )
