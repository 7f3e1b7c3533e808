"""The executor seam: serial, local processes, or a ``dask.distributed`` cluster.

Every parallel computation in bubblescope is split into independent chunks, each with its own
child of one :class:`numpy.random.SeedSequence`, and mapped through :func:`map_chunks`. Because
the chunking and the seeds depend only on the inputs (never on the number of workers), serial,
multi-process and Dask runs give bit-identical results.

Examples
--------
>>> from bubblescope.parallel import spawn_seeds, map_chunks
>>> seeds = spawn_seeds(42, 3)
>>> map_chunks(len, [[1], [1, 2], [1, 2, 3]])
[1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

import numpy as np

from bubblescope._typing import ProgressCallback, RngLike
from bubblescope.errors import BackendError, InputError

__all__ = [
    "as_generator",
    "as_seed_sequence",
    "dask_executor",
    "map_chunks",
    "resolve_jobs",
    "spawn_seeds",
]

#: Seconds :func:`dask_executor` waits for a scheduler before it gives up.
DASK_CONNECT_TIMEOUT_S = 10.0

T = TypeVar("T")
R = TypeVar("R")


def as_seed_sequence(rng: RngLike) -> np.random.SeedSequence:
    """Turn an ``rng`` argument into a :class:`numpy.random.SeedSequence`.

    Parameters
    ----------
    rng : int, Generator, SeedSequence or None
        ``None`` draws fresh OS entropy (not reproducible); a Generator contributes its
        bit generator's seed sequence, so passing the same Generator twice is reproducible only
        if it was freshly seeded.

    Returns
    -------
    numpy.random.SeedSequence
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        seq = rng.bit_generator.seed_seq
        if isinstance(seq, np.random.SeedSequence):
            return seq
        return np.random.SeedSequence(int(rng.integers(0, 2**63 - 1)))
    if rng is None or isinstance(rng, (int, np.integer)):
        if rng is not None and int(rng) < 0:
            raise InputError(f"rng seed must be non-negative, got {rng}")
        return np.random.SeedSequence(None if rng is None else int(rng))
    raise InputError(
        f"rng must be an int, numpy Generator, SeedSequence or None, got {type(rng).__name__}"
    )


def as_generator(rng: RngLike) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng`` (a Generator is passed through)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(as_seed_sequence(rng))


def spawn_seeds(rng: RngLike, n: int) -> list[np.random.SeedSequence]:
    """Spawn ``n`` independent child seed sequences from ``rng``.

    The children depend only on ``rng`` and their index, so chunk ``i`` draws the same numbers
    whichever worker runs it.
    """
    if n < 0:
        raise InputError(f"cannot spawn a negative number of seeds ({n})")
    return as_seed_sequence(rng).spawn(n)


def resolve_jobs(n_jobs: int | None) -> int:
    """The number of worker processes for ``n_jobs``: the one rule every command follows.

    Parameters
    ----------
    n_jobs : int or None
        ``None`` or 1: serial in this process; ``-1``: every core; ``k > 1``: ``k`` processes,
        clamped to the machine's cores (more processes than cores only add memory and
        start-up time: each spawned worker imports numpy, numba and pandas afresh).

    Returns
    -------
    int
        Workers, between 1 and ``os.cpu_count()``.

    Raises
    ------
    InputError
        ``0``, a value below ``-1`` or a non-integer, whatever the amount of work.
    """
    import os

    cores = os.cpu_count() or 1
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer):
        raise InputError(f"n_jobs must be an integer, got {n_jobs!r}")
    if n_jobs == 0 or n_jobs < -1:
        raise InputError(
            f"n_jobs must be a positive integer or -1 (every core), got {n_jobs}",
            hint=f"this machine has {cores} core(s)",
        )
    return cores if n_jobs == -1 else min(int(n_jobs), cores)


def map_chunks(
    func: Callable[[T], R],
    chunks: Iterable[T],
    *,
    executor: Executor | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
    on_result: Callable[[int, R], None] | None = None,
) -> list[R]:
    """Apply ``func`` to every chunk and return the results in chunk order.

    Parameters
    ----------
    func : callable
        A module-level function (it must pickle for process and Dask executors).
    chunks : iterable
        The work items.
    executor : concurrent.futures.Executor, optional
        Any executor: a ``ProcessPoolExecutor``, or ``distributed.Client.get_executor()``
        (see :func:`dask_executor`). Takes precedence over ``n_jobs``.
    n_jobs : int, optional
        ``None`` or 1 runs serially in this process; ``k > 1`` uses a local pool of ``k``
        spawned processes, at most one per core and per chunk; ``-1`` uses every core
        (see :func:`resolve_jobs`, which also refuses 0 and values below -1).
    progress : callable, optional
        ``progress(done, total)`` after each finished chunk.
    on_result : callable, optional
        ``on_result(i, result)`` as soon as chunk ``i`` finishes (completion order), e.g. to
        persist each result so that a crash later in the run loses nothing already finished.

    Returns
    -------
    list
        ``[func(c) for c in chunks]``, whatever ran them.
    """
    items: Sequence[T] = list(chunks)
    total = len(items)
    workers = resolve_jobs(n_jobs)
    if executor is None and (workers == 1 or total <= 1):
        out: list[R] = []
        for i, item in enumerate(items):
            out.append(func(item))
            if on_result is not None:
                on_result(i, out[-1])
            if progress is not None:
                progress(i + 1, total)
        return out
    own_pool = executor is None
    if executor is None:
        # spawn, not fork: forking a process whose numba kernels already started OpenMP
        # threads aborts ("fork() called from a process already using GNU OpenMP")
        executor = ProcessPoolExecutor(
            max_workers=min(workers, total), mp_context=get_context("spawn")
        )
    try:
        futures = [executor.submit(func, item) for item in items]
        results: list[Any] = [None] * total
        index = {id(f): i for i, f in enumerate(futures)}
        from concurrent.futures import as_completed

        for done, fut in enumerate(as_completed(futures), start=1):
            i = index[id(fut)]
            results[i] = fut.result()
            if on_result is not None:
                on_result(i, results[i])
            if progress is not None:
                progress(done, total)
        return results
    finally:
        if own_pool:
            executor.shutdown()


def dask_executor(address: str | None = None, *, n_workers: int = 2) -> Executor:
    """Return a ``concurrent.futures.Executor`` backed by a ``dask.distributed`` client.

    Parameters
    ----------
    address : str, optional
        Scheduler address (``tcp://host:8786``); ``None`` starts a ``LocalCluster``.
    n_workers : int
        Workers of the local cluster when ``address`` is None.

    Raises
    ------
    BackendError
        If the ``dask`` extra is not installed, or no scheduler answers at ``address`` within
        :data:`DASK_CONNECT_TIMEOUT_S` seconds.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BackendError(
            "dask.distributed is not installed", hint="pip install 'bubblescope[dask]'"
        ) from exc
    if address is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1)  # type: ignore[no-untyped-call]
        client = Client(cluster)  # type: ignore[no-untyped-call]
    else:
        try:
            client = Client(address, timeout=DASK_CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise BackendError(
                f"no dask scheduler answered at {address!r} within "
                f"{DASK_CONNECT_TIMEOUT_S:g} s ({type(exc).__name__}: {exc})",
                hint="check the address (tcp://host:8786) and that the scheduler is running, "
                "or use --dask local",
            ) from None
    executor: Executor = client.get_executor()  # type: ignore[no-untyped-call]
    return executor
