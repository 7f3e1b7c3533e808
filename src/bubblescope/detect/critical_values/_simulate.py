"""Shared machinery of the simulated critical values: chunking, seeding, caching."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import numpy as np

from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect.critical_values import _cache
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    from_draws,
)
from bubblescope.errors import InputError
from bubblescope.parallel import as_seed_sequence, map_chunks, spawn_seeds

__all__ = ["CHUNK_REPS", "batch_kernel", "run_simulation", "seed_identity"]

#: Replications per chunk. Fixed (never derived from the worker count), so that every
#: replication gets the same seed whatever runs it: serial and parallel runs are identical.
CHUNK_REPS = 50


def batch_kernel(
    threaded: bool,
) -> Callable[[Float64Array, int, int], tuple[Float64Array, Float64Array]]:
    """The multi-threaded batch kernel in this process, the single-threaded one in workers."""
    from bubblescope._kernels.psy import sweep_batch, sweep_batch_serial

    kernel: Callable[[Float64Array, int, int], tuple[Float64Array, Float64Array]] = (
        sweep_batch if threaded else sweep_batch_serial
    )
    return kernel


def seed_identity(rng: RngLike) -> dict[str, Any] | None:
    """A cache identity for ``rng``, or None when it is not reproducible (None, a Generator)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return None
    seq = as_seed_sequence(rng)
    return {"entropy": str(seq.entropy), "spawn_key": list(seq.spawn_key)}


def run_simulation(
    chunk_func: Callable[[Any], tuple[Float64Array, Float64Array]],
    make_task: Callable[[np.random.SeedSequence, int, bool], Any],
    *,
    reps: int,
    rng: RngLike,
    levels: tuple[float, ...],
    definition: BSADFDefinition,
    method: str,
    horizon: int,
    params: dict[str, Any],
    cache: bool,
    executor: Executor | None,
    n_jobs: int | None,
    progress: ProgressCallback | None,
    label: str | None = None,
    group: int | None = None,
) -> PSYCriticalValues:
    """Run ``reps`` replications in fixed chunks, take quantiles, and cache the result.

    ``chunk_func(task)`` returns ``(badf, bsadf)`` arrays of shape ``(reps_in_chunk, n_ends)``;
    ``make_task(seed, n, threaded)`` builds the picklable task of one chunk; ``threaded`` says
    whether the chunk runs in this process (numba threads) or in a worker (one thread each).
    Local process pools come from :func:`bubblescope.parallel.map_chunks` (``spawn`` start
    method: forking a process whose numba thread pool is running is unsafe).

    ``label`` (default ``method``) is the result's method label; it is not part of the cache
    key, so a backend that gives the same numbers (the JAX kernel) shares the cache entry, and
    the label records what computed the stored values. With ``group`` set, the chunks run
    ``group`` at a time (``n_jobs`` is not used): ``chunk_func`` then receives a list of
    tasks and returns their results concatenated, one accelerator call per group, serially
    in this process or on ``executor`` (the gpu backend passes a two-thread pool, so the host
    draws one group while the accelerator computes another); the seed and the draws of every
    chunk are unchanged.
    """
    if reps < 10:
        raise InputError(f"reps must be at least 10, got {reps}")
    identity = seed_identity(rng)
    key = None
    if cache and identity is not None:
        key = _cache.cache_key(
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
        hit = _cache.load(key)
        if hit is not None:
            return hit
    n_chunks = -(-reps // CHUNK_REPS)
    seeds = spawn_seeds(rng, n_chunks)
    sizes = [min(CHUNK_REPS, reps - i * CHUNK_REPS) for i in range(n_chunks)]
    in_process = executor is None and (n_jobs is None or n_jobs == 1 or n_chunks == 1)
    tasks = [make_task(s, n, in_process) for s, n in zip(seeds, sizes, strict=True)]
    if group is not None:
        groups = [tasks[i : i + group] for i in range(0, n_chunks, group)]
        parts = map_chunks(chunk_func, groups, executor=executor, progress=progress)
    else:
        parts = map_chunks(
            chunk_func,
            tasks,
            executor=executor,
            n_jobs=None if in_process else n_jobs,
            progress=progress,
        )
    badf = np.concatenate([p[0] for p in parts])
    bsadf = np.concatenate([p[1] for p in parts])
    cv = from_draws(
        badf,
        bsadf,
        levels=levels,
        definition=definition,
        method=method if label is None else label,
        horizon=horizon,
    )
    if key is not None:
        _cache.save(key, cv)
    return cv
