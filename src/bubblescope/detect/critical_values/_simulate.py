"""Shared machinery of the simulated critical values: chunking, seeding, caching."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np

from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect.critical_values import _cache
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    from_draws,
)
from bubblescope.errors import InputError
from bubblescope.parallel import as_seed_sequence, map_chunks, resolve_jobs, spawn_seeds

__all__ = [
    "CHUNK_REPS",
    "Backend",
    "LagSelection",
    "SimulationSettings",
    "chunk_statistics",
    "method_label",
    "resolve_backend",
    "run_simulation",
    "seed_identity",
    "simulation_key",
]

#: Replications per chunk. Fixed (never derived from the worker count), so that every
#: replication gets the same seed whatever runs it: serial and parallel runs are identical.
CHUNK_REPS = 50


#: Chunks per kernel call when the cpu backend runs in this process (1,000 replications:
#: large enough that call overheads vanish, small enough for a useful progress bar).
CPU_GROUP = 20
#: Groups of chunks in flight with the gpu backend (host draws overlap accelerator work).
GPU_IN_FLIGHT = 2

#: ``"cpu"``: the numba kernel; ``"gpu"``: the JAX kernel on JAX's default device;
#: ``"auto"``: ``"gpu"`` when jax is installed and sees a GPU, else ``"cpu"``.
Backend = Literal["auto", "cpu", "gpu"]

#: Lag of every ADF regression: fixed, or selected per window from ``0..lag`` by AIC or BIC.
LagSelection = Literal["fixed", "aic", "bic"]

#: ``draw(task)``: the level series of one chunk, ``(rows, T)`` float64 (a module-level
#: function, so that tasks pickle for process pools).
Draw = Callable[[Any], Float64Array]
#: ``(badf, bsadf)`` of one chunk's rows, each ``(rows, n_ends)``.
Stats = tuple[Float64Array, Float64Array]


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


def _kernel(
    kind: str, ys: Float64Array, minw: int, lag: int, batch: int, criterion: int | None
) -> Stats:
    """BADF and BSADF of the rows of ``ys``: numba threads, one numba thread, or JAX.

    With ``criterion`` (:data:`bubblescope._kernels.psy_ic.AIC` or ``BIC``) every window's lag
    is selected from ``0..lag`` (numba only).
    """
    if criterion is not None:
        from bubblescope._kernels.psy_ic import sweep_ic_batch

        bsadf, badf = sweep_ic_batch(ys, minw, lag, criterion, threaded=kind == "threads")
        return badf, bsadf
    if kind == "jax":
        from bubblescope._kernels.psy_jax import sweep_batch_jax

        n = ys.shape[0]
        if n < batch:  # pad to the compiled shape
            ys = np.concatenate([ys, np.repeat(ys[:1], batch - n, axis=0)])
        bsadf, badf = sweep_batch_jax(ys, minw, lag)
        return badf[:n], bsadf[:n]
    from bubblescope._kernels.psy import sweep_batch, sweep_batch_serial

    bsadf, badf = (sweep_batch if kind == "threads" else sweep_batch_serial)(ys, minw, lag)
    return badf, bsadf


def _run_chunks(
    draw: Draw,
    minw: int,
    lag: int,
    criterion: int | None,
    kind: str,
    batch: int,
    tasks: list[Any],
) -> list[Stats]:
    """Draw every chunk of ``tasks``, run them in one kernel call, split the result back."""
    ys = [draw(t) for t in tasks]
    badf, bsadf = _kernel(kind, np.concatenate(ys), minw, lag, batch, criterion)
    cuts = np.cumsum([len(y) for y in ys])[:-1]
    return list(zip(np.split(badf, cuts), np.split(bsadf, cuts), strict=True))


def _criterion(lag_selection: str) -> int | None:
    """The psy_ic criterion code of ``lag_selection`` (None for a fixed lag)."""
    if lag_selection == "fixed":
        return None
    from bubblescope._kernels.psy_ic import AIC, BIC

    if lag_selection == "aic":
        return AIC
    if lag_selection == "bic":
        return BIC
    raise InputError(f"unknown lag_selection {lag_selection!r}", hint="use 'fixed', 'aic' or 'bic'")


def chunk_statistics(
    draw: Draw,
    tasks: list[Any],
    *,
    minw: int,
    lag: int,
    backend: str,
    gpu_batch: int,
    executor: Executor | None,
    n_jobs: int | None,
    progress: ProgressCallback | None,
    rows_per_rep: int = 1,
    lag_selection: str = "fixed",
) -> tuple[list[Stats], str | None]:
    """``(badf, bsadf)`` of every chunk's drawn series, on the chosen backend.

    * ``backend`` resolving to ``"gpu"``: chunks are grouped into JAX calls of
      ``gpu_batch`` rows (whole chunks), :data:`GPU_IN_FLIGHT` groups at a time on threads of
      this process, so the host draws one group while the device computes another
      (``executor`` and ``n_jobs`` are not used: one device, called from this process).
    * cpu in this process (no ``executor``, ``n_jobs`` None or 1): :data:`CPU_GROUP` chunks
      per call of the multi-threaded numba kernel.
    * cpu on ``executor`` or a pool of ``n_jobs`` spawned processes: one chunk per task,
      single-threaded numba in each worker.

    Every chunk's draws come from its own task whatever runs it, and each series' statistics
    from the same per-series operations, so the results are identical across ``n_jobs``,
    executors and grouping (and equal to floating-point summation order across backends).

    ``rows_per_rep`` is the number of series a replication draws (a panel's columns): JAX
    calls are padded to ``gpu_batch`` replications' rows, so one shape compiles.
    ``lag_selection`` "aic"/"bic" selects every window's lag from ``0..lag`` as
    :func:`bubblescope.detect.exuberance.psy` does
    (:func:`bubblescope._kernels.psy_ic.sweep_ic_batch`; cpu backend only).

    Returns
    -------
    (list, str or None)
        One ``(badf, bsadf)`` per task, in task order; the JAX device in words for the gpu
        backend, else None.
    """
    criterion = _criterion(lag_selection)
    if resolve_backend(backend) == "gpu":
        from bubblescope._kernels.psy_jax import device_label

        if criterion is not None:
            raise InputError(
                f"the gpu backend simulates fixed-lag regressions, not lag_selection "
                f"{lag_selection!r}",
                hint="use backend='cpu' for the AIC/BIC procedure",
            )

        per = max(1, gpu_batch // CHUNK_REPS)
        groups = [tasks[i : i + per] for i in range(0, len(tasks), per)]
        batch = min(per, len(tasks)) * CHUNK_REPS * rows_per_rep
        func = partial(_run_chunks, draw, minw, lag, None, "jax", batch)
        with ThreadPoolExecutor(max_workers=GPU_IN_FLIGHT) as pool:
            parts = map_chunks(func, groups, executor=pool, progress=progress)
        return [c for part in parts for c in part], device_label()
    if executor is None and (resolve_jobs(n_jobs) == 1 or len(tasks) == 1):
        groups = [tasks[i : i + CPU_GROUP] for i in range(0, len(tasks), CPU_GROUP)]
        parts = map_chunks(
            partial(_run_chunks, draw, minw, lag, criterion, "threads", 0),
            groups,
            progress=progress,
        )
        return [c for part in parts for c in part], None
    single = map_chunks(
        partial(_run_chunks, draw, minw, lag, criterion, "serial", 0),
        [[t] for t in tasks],
        executor=executor,
        n_jobs=n_jobs,
        progress=progress,
    )
    return [part[0] for part in single], None


def seed_identity(rng: RngLike) -> dict[str, Any] | None:
    """A cache identity for ``rng``, or None when it is not reproducible (None, a Generator)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return None
    seq = as_seed_sequence(rng)
    return {"entropy": str(seq.entropy), "spawn_key": list(seq.spawn_key)}


def method_label(method: str, lag_selection: str, lag: int) -> str:
    """The method's label, naming the lag selection when the lag is selected."""
    if _criterion(lag_selection) is None:
        return method
    return f"{method}, {lag_selection.upper()} lag 0..{lag}"


def simulation_key(
    params: dict[str, Any], *, reps: int, rng: RngLike, levels: tuple[float, ...],
    definition: BSADFDefinition, method: str, lag_selection: str,
) -> str | None:  # fmt: skip
    """The disk-cache key of a simulation (None: its seed is not reproducible, nothing cached).

    ``method`` is the label with the lag selection already appended (as :func:`run_simulation`
    does); ``params`` are the method's own (series length, window, lag, ...).
    """
    identity = seed_identity(rng)
    if identity is None:
        return None
    if _criterion(lag_selection) is not None:
        params = {**params, "lag_selection": lag_selection}
    return _cache.cache_key(
        {
            **params,
            "reps": reps,
            "rng": identity,
            "levels": list(levels),
            "definition": definition,
            "method": method,
            "chunk": CHUNK_REPS,
        }
    )


def run_simulation(
    draw: Draw,
    make_task: Callable[[np.random.SeedSequence, int], Any],
    *,
    reps: int,
    rng: RngLike,
    minw: int,
    lag: int,
    levels: tuple[float, ...],
    definition: BSADFDefinition,
    method: str,
    horizon: int,
    params: dict[str, Any],
    cache: bool,
    executor: Executor | None,
    n_jobs: int | None,
    progress: ProgressCallback | None,
    backend: str = "cpu",
    gpu_batch: int = 1000,
    lag_selection: str = "fixed",
) -> PSYCriticalValues:
    """Run ``reps`` replications in fixed chunks, take quantiles, and cache the result.

    ``make_task(seed, n)`` builds the picklable task of one chunk of ``n`` replications and
    ``draw(task)`` its ``(n, T)`` level series; :func:`chunk_statistics` runs them on the
    backend. Local process pools come from :func:`bubblescope.parallel.map_chunks` (``spawn``
    start method: forking a process whose numba thread pool is running is unsafe).

    The backend is not part of the cache key: the JAX kernel gives the same numbers to
    floating-point summation order, so it shares the cache entry, and the result's method
    label (``"... [jax gpu (...)]"`` when JAX computed it) records what computed the stored
    values. With ``lag_selection`` "aic"/"bic" every window's lag is selected from
    ``0..lag``; the method label says so and the cache key includes it.
    """
    if reps < 10:
        raise InputError(f"reps must be at least 10, got {reps}")
    resolve_backend(backend)  # a bad backend is an error even when the cache could answer
    resolve_jobs(n_jobs)  # and so is a bad n_jobs (0, below -1), whatever the work
    method = method_label(method, lag_selection, lag)
    key = None
    if cache:
        key = simulation_key(
            params, reps=reps, rng=rng, levels=levels, definition=definition, method=method,
            lag_selection=lag_selection,
        )  # fmt: skip
    if key is not None:
        hit = _cache.load(key)
        if hit is not None:
            return hit
    n_chunks = -(-reps // CHUNK_REPS)
    seeds = spawn_seeds(rng, n_chunks)
    sizes = [min(CHUNK_REPS, reps - i * CHUNK_REPS) for i in range(n_chunks)]
    tasks = [make_task(s, n) for s, n in zip(seeds, sizes, strict=True)]
    parts, device = chunk_statistics(
        draw,
        tasks,
        minw=minw,
        lag=lag,
        backend=backend,
        gpu_batch=gpu_batch,
        executor=executor,
        n_jobs=n_jobs,
        progress=progress,
        lag_selection=lag_selection,
    )
    cv = from_draws(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        levels=levels,
        definition=definition,
        method=method if device is None else f"{method} [{device}]",
        horizon=horizon,
    )
    if key is not None:
        _cache.save(key, cv)
    return cv


@dataclass(frozen=True, kw_only=True)
class SimulationSettings:
    """How a simulated critical-value method runs: the fields its classes share.

    Keyword-only, after each class's own fields; see
    :class:`~bubblescope.detect.critical_values.MonteCarloCV` for their meaning.
    """

    n_jobs: int | None = None
    executor: Executor | None = None
    cache: bool = True
    progress: ProgressCallback | None = None
    backend: Backend = "cpu"
    gpu_batch: int = 1000
    lag_selection: LagSelection = "fixed"

    def __post_init__(self) -> None:
        resolve_jobs(self.n_jobs)  # the one rule: 0 and below -1 are refused at once

    def _is_cached(
        self, *, reps: int, rng: RngLike, lag: int, levels: tuple[float, ...],
        definition: BSADFDefinition, method: str, params: dict[str, Any],
    ) -> bool:  # fmt: skip
        """Whether :meth:`_simulate` with these arguments would read the disk cache."""
        if not self.cache:
            return False
        key = simulation_key(
            params, reps=reps, rng=rng, levels=levels, definition=definition,
            method=method_label(method, self.lag_selection, lag), lag_selection=self.lag_selection,
        )  # fmt: skip
        return key is not None and _cache.is_cached(key)

    def _simulate(
        self,
        draw: Draw,
        make_task: Callable[[np.random.SeedSequence, int], Any],
        *,
        reps: int,
        rng: RngLike,
        minw: int,
        lag: int,
        levels: tuple[float, ...],
        definition: BSADFDefinition,
        method: str,
        horizon: int,
        params: dict[str, Any],
    ) -> PSYCriticalValues:
        """:func:`run_simulation` with these settings."""
        return run_simulation(
            draw,
            make_task,
            reps=reps,
            rng=rng,
            minw=minw,
            lag=lag,
            levels=levels,
            definition=definition,
            method=method,
            horizon=horizon,
            params=params,
            cache=self.cache,
            executor=self.executor,
            n_jobs=self.n_jobs,
            progress=self.progress,
            backend=self.backend,
            gpu_batch=self.gpu_batch,
            lag_selection=self.lag_selection,
        )
