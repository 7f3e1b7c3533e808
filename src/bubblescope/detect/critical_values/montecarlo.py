"""Monte Carlo critical values under the PSY null (a random walk with a negligible drift).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078 (null DGP ``y_t = d T^-eta + y_{t-1} + e_t``, d = eta = 1; Table 1).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np

from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    check_levels,
)
from bubblescope.detect.critical_values._simulate import (
    CHUNK_REPS,
    batch_kernel,
    run_simulation,
)
from bubblescope.errors import InputError

__all__ = ["Backend", "MonteCarloCV", "resolve_backend"]

#: ``"cpu"``: the numba kernel; ``"gpu"``: the JAX kernel on JAX's default device;
#: ``"auto"``: ``"gpu"`` when jax is installed and sees a GPU, else ``"cpu"``.
Backend = Literal["auto", "cpu", "gpu"]

_Task = tuple[np.random.SeedSequence, int, int, int, int, float, bool]

#: Groups of chunks in flight with the gpu backend (host draws overlap accelerator work).
GPU_IN_FLIGHT = 2

#: Chunks per kernel call when the cpu backend runs in this process (1,000 replications:
#: large enough that call overheads vanish, small enough for a useful progress bar).
CPU_GROUP = 20


def _draw(task: _Task) -> Float64Array:
    """The null random walks of one chunk, drawn on the host from the chunk's own seed."""
    seed, reps, T, _, _, drift, _ = task
    eps = np.random.default_rng(seed).standard_normal((reps, T))
    return np.cumsum(eps + drift, axis=1)


def _mc_chunk(task: _Task) -> tuple[Float64Array, Float64Array]:
    _, _, _, minw, lag, _, threaded = task
    bsadf, badf = batch_kernel(threaded)(_draw(task), minw, lag)
    return badf, bsadf


def _mc_group_cpu(tasks: list[_Task]) -> tuple[Float64Array, Float64Array]:
    """Several chunks in one call of the threaded numba kernel (each chunk's draws unchanged).

    One call per group rather than per chunk lets the lag-0 kernel fill whole SIMD tiles and
    keeps the numba threads busy across chunk boundaries; every series is computed by the
    same operations as in :func:`_mc_chunk`, so the numbers are identical.
    """
    _, _, _, minw, lag, _, _ = tasks[0]
    bsadf, badf = batch_kernel(True)(np.concatenate([_draw(t) for t in tasks]), minw, lag)
    return badf, bsadf


def _mc_group_jax(tasks: list[_Task], *, batch: int) -> tuple[Float64Array, Float64Array]:
    """Several chunks in one JAX call, padded to ``batch`` rows so XLA compiles one shape."""
    from bubblescope._kernels.psy_jax import sweep_batch_jax

    _, _, _, minw, lag, _, _ = tasks[0]
    ys = np.concatenate([_draw(t) for t in tasks])
    n = ys.shape[0]
    if n < batch:
        ys = np.concatenate([ys, np.repeat(ys[:1], batch - n, axis=0)])
    bsadf, badf = sweep_batch_jax(ys, minw, lag)
    return badf[:n], bsadf[:n]


def resolve_backend(backend: str) -> Literal["cpu", "gpu"]:
    """Map ``"auto"``/``"cpu"``/``"gpu"`` to the backend that will run.

    Raises
    ------
    InputError
        For any other value.
    BackendError
        For ``"gpu"`` when jax is not installed (with the install hint).
    """
    if backend == "cpu":
        return "cpu"
    if backend == "gpu":
        from bubblescope._kernels.psy_jax import import_jax

        import_jax()
        return "gpu"
    if backend == "auto":
        from bubblescope._kernels.psy_jax import has_gpu

        return "gpu" if has_gpu() else "cpu"
    raise InputError(f"unknown backend {backend!r}", hint="use backend='auto', 'cpu' or 'gpu'")


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
    backend: Backend = "cpu"
    gpu_batch: int = 1000

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for a series of ``len(y)`` points (its values are not used)."""
        T = len(y)
        drift = self.d * T ** (-self.eta) if self.drift else 0.0
        levels = check_levels(self.levels)

        def make_task(seed: np.random.SeedSequence, n: int, threaded: bool) -> _Task:
            return (seed, n, T, minw, lag, drift, threaded)

        method = "Monte Carlo" + (" (drift)" if self.drift else "")
        chunk_func: Callable[[Any], tuple[Float64Array, Float64Array]] = _mc_chunk
        label = None
        group = None
        n_chunks = -(-self.reps // CHUNK_REPS)
        run = partial(
            run_simulation,
            make_task=make_task,
            reps=self.reps,
            rng=self.rng,
            levels=levels,
            definition=self.bsadf_definition,
            method=method,
            horizon=T,
            params={"kind": "mc", "T": T, "minw": minw, "lag": lag, "drift": drift},
            cache=self.cache,
            n_jobs=self.n_jobs,
            progress=self.progress,
        )
        if resolve_backend(self.backend) == "gpu":
            from bubblescope._kernels.psy_jax import device_label

            group = max(1, min(self.gpu_batch // CHUNK_REPS, n_chunks))
            label = f"{method} [{device_label()}]"
            # two groups in flight: the host draws one while the accelerator computes the other
            with ThreadPoolExecutor(max_workers=GPU_IN_FLIGHT) as pool:
                return run(
                    partial(_mc_group_jax, batch=group * CHUNK_REPS),
                    executor=pool,
                    label=label,
                    group=group,
                )
        if self.executor is None and self.n_jobs in (None, 1):
            group = min(CPU_GROUP, n_chunks)
            chunk_func = _mc_group_cpu
        return run(chunk_func, executor=self.executor, label=label, group=group)
