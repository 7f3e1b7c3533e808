"""Monte Carlo critical values under the PSY null (a random walk with a negligible drift).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078 (null DGP ``y_t = d T^-eta + y_{t-1} + e_t``, d = eta = 1; Table 1).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    check_levels,
)
from bubblescope.detect.critical_values._simulate import batch_kernel, run_simulation

__all__ = ["MonteCarloCV"]

_Task = tuple[np.random.SeedSequence, int, int, int, int, float, bool]


def _mc_chunk(task: _Task) -> tuple[Float64Array, Float64Array]:
    seed, reps, T, minw, lag, drift, threaded = task
    eps = np.random.default_rng(seed).standard_normal((reps, T))
    ys = np.cumsum(eps + drift, axis=1)
    bsadf, badf = batch_kernel(threaded)(ys, minw, lag)
    return badf, bsadf


@dataclass(frozen=True)
class MonteCarloCV:
    """Monte Carlo critical values: simulate the null, compute the statistics, take quantiles.

    The critical values depend only on the sample size, window and lag, so they are cached on
    disk (under ``bubblescope._config.cache_dir()``) keyed by every parameter, whenever ``rng``
    is reproducible (an int or a SeedSequence).

    Parameters
    ----------
    reps : int
        Replications (PSY use 2,000; the 95% quantile then has an MC s.e. of about 0.02).
    rng : int, SeedSequence, Generator or None
        Seed. Replications are split in fixed chunks of 50, each with its own spawned seed,
        so the result is identical for any ``n_jobs`` or executor.
    drift : bool
        Simulate ``y_t = d T^-eta + y_{t-1} + e_t`` (PSY, psymonitor) rather than a driftless
        random walk (exuber's ``radf_mc_cv``). The difference is at MC-noise level.
    d, eta : float
        Drift constants (PSY: d = eta = 1).
    levels : tuple of float
        Confidence levels.
    bsadf_definition : {"sadf", "bsadf"}
        Pointwise BSADF critical value: quantile of ``cummax(BADF)`` (PSY/exuber, default) or
        of ``BSADF_{r2}`` itself; see :mod:`bubblescope.detect.critical_values._result`.
    n_jobs, executor
        Parallelism across chunks (see :func:`bubblescope.parallel.map_chunks`); within a
        chunk the numba kernel also uses every core.
    cache : bool
        Read and write the on-disk cache.
    progress : callable, optional
        ``progress(done, total)`` over chunks.

    Examples
    --------
    >>> import numpy as np
    >>> cv = MonteCarloCV(reps=200, rng=1, cache=False).compute(np.zeros(60), minw=15, lag=0)
    >>> cv.gsadf.shape
    (3,)
    """

    reps: int = 2000
    rng: RngLike = None
    drift: bool = True
    d: float = 1.0
    eta: float = 1.0
    levels: tuple[float, ...] = (0.90, 0.95, 0.99)
    bsadf_definition: BSADFDefinition = "sadf"
    n_jobs: int | None = None
    executor: Executor | None = None
    cache: bool = True
    progress: ProgressCallback | None = None

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for a series of ``len(y)`` points (its values are not used)."""
        T = len(y)
        drift = self.d * T ** (-self.eta) if self.drift else 0.0
        levels = check_levels(self.levels)

        def make_task(seed: np.random.SeedSequence, n: int, threaded: bool) -> _Task:
            return (seed, n, T, minw, lag, drift, threaded)

        return run_simulation(
            _mc_chunk,
            make_task,
            reps=self.reps,
            rng=self.rng,
            levels=levels,
            definition=self.bsadf_definition,
            method="Monte Carlo" + (" (drift)" if self.drift else ""),
            horizon=T,
            params={"kind": "mc", "T": T, "minw": minw, "lag": lag, "drift": drift},
            cache=self.cache,
            executor=self.executor,
            n_jobs=self.n_jobs,
            progress=self.progress,
        )
