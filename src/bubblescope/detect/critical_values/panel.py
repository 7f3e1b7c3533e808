"""Panel sieve bootstrap critical values of the panel BSADF/GSADF (Pavlidis et al. 2016).

Each series' differences follow a fitted AR(lag + 1) with intercept; a replicate resamples the
residuals at the *same* time indices for every series (keeping cross-sectional dependence),
centres them, rebuilds each series by the AR recursion, and averages the series' BSADF paths.

References
----------
Pavlidis, E., Yusupova, A., Paya, I., Peel, D., Martinez-Garcia, E., Mack, A. and Grossman, V.
(2016). Episodes of exuberance in housing markets: in search of the smoking gun. Journal of
Real Estate Finance and Economics 53(4), 419-449.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.charts import ChartSpec
from bubblescope.detect.critical_values._result import by_window_end, check_levels, levels_chart
from bubblescope.detect.critical_values._simulate import (
    CHUNK_REPS,
    Backend,
    chunk_statistics,
)
from bubblescope.errors import InputError
from bubblescope.parallel import resolve_jobs, spawn_seeds
from bubblescope.result import ResultMixin

__all__ = ["PanelCriticalValues", "PanelSieveCV"]


@dataclass(frozen=True)
class PanelCriticalValues(ResultMixin):
    """Critical values of the panel statistics.

    Attributes
    ----------
    levels : tuple of float
    bsadf_panel : ndarray, shape (n_ends, n_levels)
        Pointwise quantiles of the panel BSADF.
    gsadf_panel : ndarray, shape (n_levels,)
        Quantiles of the panel GSADF (also the family-wise constant for the panel BSADF path).
    reps : int
    """

    levels: tuple[float, ...]
    bsadf_panel: Float64Array
    gsadf_panel: Float64Array
    reps: int

    def summary(self) -> str:
        """The panel GSADF critical value of each level."""
        return f"Panel sieve bootstrap critical values ({self.reps} replications): " + ", ".join(
            f"{level:.0%} {value:.3f}"
            for level, value in zip(self.levels, self.gsadf_panel, strict=True)
        )

    def to_frame(self) -> pd.DataFrame:
        """The pointwise panel BSADF critical values, one row per window end and level."""
        return by_window_end(self.levels, bsadf_panel=self.bsadf_panel)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        out: dict[str, Any] = to_jsonable(
            {
                "method": "panel sieve bootstrap",
                "reps": self.reps,
                "levels": list(self.levels),
                "gsadf_panel": self.gsadf_panel.tolist(),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """The pointwise panel BSADF critical value of each level by window end, and GSADF's.

        The panel GSADF's critical value is the family-wise constant (see
        :func:`~bubblescope.detect.critical_values._result.levels_chart`).
        """
        return levels_chart(
            f"Panel PSY critical values (sieve bootstrap, {self.reps} replications)",
            "panel BSADF critical values and the panel GSADF's",
            self.levels,
            self.bsadf_panel,
            self.gsadf_panel,
            "GSADF",
        )


_Task = tuple[
    np.random.SeedSequence, int, Float64Array, Float64Array, Float64Array, Float64Array, int
]


def _sieve_draw(task: _Task) -> Float64Array:
    """Level series of one chunk, ``(N * reps, T)``, series by series (series-major rows).

    Every series of a replicate resamples the same time indices of the AR residuals, which
    keeps the cross-sectional dependence of the panel.
    """
    seed, reps, y0, coef, resid, init, lag = task
    rng = np.random.default_rng(seed)
    nres, nser = resid.shape
    p = lag + 1
    T = nres + p + 1
    idx = rng.integers(0, nres, size=(reps, nres))
    out = np.empty((nser, reps, T))
    for j in range(nser):
        res = resid[idx, j]
        x = coef[j, 0] + res - res.mean(axis=1, keepdims=True)
        dy = np.empty((reps, nres + p))
        dy[:, :p] = init[j][::-1]  # init is in reverse time order
        for t in range(nres):
            acc = x[:, t].copy()
            for k in range(p):
                acc += coef[j, 1 + k] * dy[:, p + t - 1 - k]
            dy[:, p + t] = acc
        out[j, :, 0] = y0[j]
        out[j, :, 1:] = y0[j] + np.cumsum(dy, axis=1)
    return out.reshape(nser * reps, T)


@dataclass(frozen=True)
class PanelSieveCV:
    """Panel sieve bootstrap (Pavlidis et al. 2016), as exuber's ``radf_sb_cv``.

    Parameters
    ----------
    reps : int
        Bootstrap replications.
    rng : int, SeedSequence, Generator or None
        Seed; chunks of 50 replications get their own spawned seeds (identical results for any
        ``n_jobs``).
    levels : tuple of float
    n_jobs, executor, progress, backend, gpu_batch
        As in :class:`~bubblescope.detect.critical_values.MonteCarloCV` (``gpu_batch``
        counts replications; each draws ``N`` series).
    """

    reps: int = 500
    rng: RngLike = None
    levels: tuple[float, ...] = (0.90, 0.95, 0.99)
    n_jobs: int | None = None
    executor: Executor | None = None
    progress: ProgressCallback | None = None
    backend: Backend = "cpu"
    gpu_batch: int = 1000

    def __post_init__(self) -> None:
        resolve_jobs(self.n_jobs)  # the one rule: 0 and below -1 are refused at once

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PanelCriticalValues:
        """Critical values for the ``(T, N)`` panel ``y`` (no missing values)."""
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 2 or y.shape[1] < 2 or not np.isfinite(y).all():
            raise InputError("the panel sieve bootstrap needs a finite (T, N >= 2) panel")
        if self.reps < 10:
            raise InputError(f"reps must be at least 10, got {self.reps}")
        levels = check_levels(self.levels)
        T, nser = y.shape
        p = lag + 1
        nres = T - 2 - lag
        coef = np.empty((nser, p + 1))
        resid = np.empty((nres, nser))
        init = np.empty((nser, p))
        for j in range(nser):
            dy = np.diff(y[:, j])
            target = dy[p:]
            design = np.column_stack(
                [np.ones(nres)] + [dy[p - k : len(dy) - k] for k in range(1, p + 1)]
            )
            beta, *_ = np.linalg.lstsq(design, target, rcond=None)
            coef[j] = beta
            resid[:, j] = target - design @ beta
            init[j] = dy[:p][::-1]
        n_chunks = -(-self.reps // CHUNK_REPS)
        sizes = [min(CHUNK_REPS, self.reps - i * CHUNK_REPS) for i in range(n_chunks)]
        tasks = [
            (s, n, y[0].copy(), coef, resid, init, lag)
            for s, n in zip(spawn_seeds(self.rng, n_chunks), sizes, strict=True)
        ]
        stats, _ = chunk_statistics(
            _sieve_draw,
            tasks,
            minw=minw,
            lag=lag,
            backend=self.backend,
            gpu_batch=self.gpu_batch,
            executor=self.executor,
            n_jobs=self.n_jobs,
            progress=self.progress,
            rows_per_rep=nser,
        )
        # the panel statistic: the cross-sectional mean BSADF of each replicate
        parts = [bsadf.reshape(nser, -1, bsadf.shape[1]).sum(axis=0) / nser for _, bsadf in stats]
        panel = np.concatenate(parts)
        lv = np.asarray(levels)
        return PanelCriticalValues(
            levels=levels,
            bsadf_panel=np.quantile(panel, lv, axis=0).T.copy(),
            gsadf_panel=np.quantile(panel.max(axis=1), lv),
            reps=self.reps,
        )
