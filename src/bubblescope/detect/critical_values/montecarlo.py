"""Monte Carlo critical values under the PSY null (a random walk with a negligible drift).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078 (null DGP ``y_t = d T^-eta + y_{t-1} + e_t``, d = eta = 1; Table 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bubblescope._typing import Float64Array, RngLike
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    check_levels,
)
from bubblescope.detect.critical_values._simulate import (
    Backend,
    SimulationSettings,
    resolve_backend,
)

__all__ = ["Backend", "MonteCarloCV", "resolve_backend"]

_Task = tuple[np.random.SeedSequence, int, int, float]


def _draw(task: _Task) -> Float64Array:
    """The null random walks of one chunk, drawn on the host from the chunk's own seed."""
    seed, reps, T, drift = task
    eps = np.random.default_rng(seed).standard_normal((reps, T))
    return np.cumsum(eps + drift, axis=1)


@dataclass(frozen=True)
class MonteCarloCV(SimulationSettings):
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
        ``progress(done, total)`` over chunks (over groups of chunks with the gpu backend).
    backend : {"cpu", "gpu", "auto"}
        ``"cpu"`` (default): the numba kernel. ``"gpu"``: the JAX kernel
        (:mod:`bubblescope._kernels.psy_jax`) on JAX's default device, a GPU when there is one,
        else the CPU; needs ``pip install 'bubblescope[gpu]'``. ``"auto"``: ``"gpu"`` when jax
        sees a GPU, else ``"cpu"``. The random draws are the same numpy draws from the same
        spawned seeds (made on the host, then transferred), so both backends give the same
        critical values to about 1e-12 (floating-point summation order only); the on-disk cache
        is shared. The result's ``method`` names the JAX device, e.g.
        ``"Monte Carlo (drift) [jax gpu (NVIDIA H100 80GB HBM3)]"``. ``n_jobs`` and
        ``executor`` are not used by the gpu backend (one device, called from this process).
    gpu_batch : int
        Replications per JAX call (rounded down to whole chunks of 50). Larger batches mean
        fewer launches; the kernel's memory per call is bounded separately (see
        :func:`bubblescope._kernels.psy_jax.block_ends_for`).
    lag_selection : {"fixed", "aic", "bic"}
        ``"fixed"`` (default): every regression uses ``lag``. ``"aic"``/``"bic"``: every
        window's lag is selected from ``0..lag`` as :func:`bubblescope.detect.exuberance.psy` does
        with ``max_lag=lag`` (cpu backend only; about five times the fixed-lag cost).

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

    def _drift(self, T: int) -> float:
        return self.d * T ** (-self.eta) if self.drift else 0.0

    def _method(self) -> str:
        return "Monte Carlo" + (" (drift)" if self.drift else "")

    def _params(self, T: int, minw: int, lag: int) -> dict[str, Any]:
        """The simulation's own part of its cache key."""
        return {"kind": "mc", "T": T, "minw": minw, "lag": lag, "drift": self._drift(T)}

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for a series of ``len(y)`` points (its values are not used)."""
        T = len(y)
        drift = self._drift(T)

        def make_task(seed: np.random.SeedSequence, n: int) -> _Task:
            return (seed, n, T, drift)

        return self._simulate(
            _draw,
            make_task,
            reps=self.reps,
            rng=self.rng,
            minw=minw,
            lag=lag,
            levels=check_levels(self.levels),
            definition=self.bsadf_definition,
            method=self._method(),
            horizon=T,
            params=self._params(T, minw, lag),
        )

    def is_cached(self, T: int, *, minw: int, lag: int) -> bool:
        """Whether :meth:`compute` for a series of ``T`` points would read the disk cache.

        Parameters
        ----------
        T : int
            Points of the series.
        minw, lag : int
            As :meth:`compute` takes them (``minw`` in regression rows).

        Returns
        -------
        bool
            False also when the seed is not reproducible (``rng`` None or a generator) or
            ``cache`` is off: such a run always simulates.
        """
        return self._is_cached(
            reps=self.reps, rng=self.rng, lag=lag, levels=check_levels(self.levels),
            definition=self.bsadf_definition, method=self._method(),
            params=self._params(T, minw, lag),
        )  # fmt: skip
