"""The executor seam: serial, local processes, or a ``dask.distributed`` cluster.

Every parallel computation in bubblescope is split into independent chunks, each with its own
child of one :class:`numpy.random.SeedSequence`, and mapped through :func:`map_chunks`. Because
the chunking and the seeds depend only on the inputs (never on the number of workers), serial,
multi-process and Dask runs give bit-identical results.

Work that runs in this process (``n_jobs`` None or 1) may still use its threads: numba's
``parallel`` kernels, the LPPLS engine, whose kernels release the GIL, and the chunks of a
``map_chunks(..., threaded=True)`` call (NumPy work, which releases the GIL in its array
loops), on :func:`local_threads` threads.

A pool's workers share the cores: each runs numba on ``cores // k`` threads (at least one).
The local process pool of ``n_jobs = k`` is made once and reused by every later call with the
same ``k`` (a multi-call run, e.g. a backtest or a universe update, pays each worker's start-up
of ~0.85 s CPU once, not per call); :func:`shutdown_pools` closes the pools, as does the
interpreter's exit.

Examples
--------
>>> from bubblescope.parallel import spawn_seeds, map_chunks
>>> seeds = spawn_seeds(42, 3)
>>> map_chunks(len, [[1], [1, 2], [1, 2, 3]])
[1, 2, 3]
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from multiprocessing.util import Finalize
from typing import Any, TypeVar

import numpy as np

from bubblescope._typing import ProgressCallback, RngLike
from bubblescope.errors import BackendError, InputError

__all__ = [
    "as_generator",
    "as_seed_sequence",
    "dask_executor",
    "local_threads",
    "map_chunks",
    "resolve_jobs",
    "shutdown_pools",
    "spawn_seeds",
]

#: Seconds :func:`dask_executor` waits for a scheduler before it gives up.
DASK_CONNECT_TIMEOUT_S = 10.0

T = TypeVar("T")
R = TypeVar("R")

#: Priority of the exit finalizer that shuts the pools (run before children are joined).
_EXIT_PRIORITY = 100
#: The reusable local pools, by number of workers (see :func:`_pool`), each with the
#: environment and working directory its workers were spawned with.
_POOLS: dict[int, tuple[object, Executor]] = {}
#: Calls running on each pool (by ``id``); a replaced pool is shut when its last call ends.
_USERS: dict[int, int] = {}
_POOLS_LOCK = threading.Lock()


def _spawn_state() -> object:
    """What a spawned worker inherits once and keeps: the environment and working directory."""
    return (tuple(sorted(os.environ.items())), os.getcwd())


def _pool(workers: int) -> Executor:
    """The process pool of ``workers`` workers, made on first use and kept for later calls.

    Workers are spawned on demand (one per chunk in flight, up to ``workers``), not all at
    once. Thread-safe: concurrent callers share the pool. A pool whose workers were spawned
    under another environment or working directory (e.g. another ``BUBBLESCOPE_HOME``) is
    replaced, so workers always see the caller's; call :func:`_release` when done.
    """
    state = _spawn_state()
    retired: Executor | None = None
    with _POOLS_LOCK:
        kept = _POOLS.get(workers)
        if kept is not None and kept[0] != state:
            del _POOLS[workers]
            if _USERS.get(id(kept[1]), 0) == 0:
                retired = kept[1]
            kept = None
        if kept is None:
            # spawn, not fork: forking a process whose numba kernels already started OpenMP
            # threads aborts ("fork() called from a process already using GNU OpenMP")
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("spawn"),
                initializer=_share_cores,
                initargs=(max(1, (os.cpu_count() or 1) // workers),),
            )
            if not _POOLS:
                # inside a multiprocessing child (an analysis process of the server), exit
                # joins the child's own children before the pools' threads stop them:
                # a finalizer shuts the pools first (the main process does it at exit too)
                Finalize(None, shutdown_pools, exitpriority=_EXIT_PRIORITY)
            kept = (state, pool)
            _POOLS[workers] = kept
        _USERS[id(kept[1])] = _USERS.get(id(kept[1]), 0) + 1
    if retired is not None:
        retired.shutdown(wait=False)
    return kept[1]


def _share_cores(threads: int) -> None:
    """Start a pool worker on ``threads`` numba threads: the workers share the cores.

    Without it each of ``k`` workers would run its numba kernels, and the LPPLS dates it is
    given (:func:`local_threads`), on every core: ``k`` times as many threads as cores.
    """
    from bubblescope._config import numba_disabled

    if numba_disabled():
        return
    import numba

    most: int = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    numba.set_num_threads(min(threads, most))


def _release(pool: Executor, broken: bool = False) -> None:
    """End a call on ``pool``; shut it if it was replaced (or is broken) and no call uses it."""
    with _POOLS_LOCK:
        left = _USERS.pop(id(pool), 1) - 1
        if left:
            _USERS[id(pool)] = left
        if broken:
            for workers, (_, kept) in list(_POOLS.items()):
                if kept is pool:
                    del _POOLS[workers]
        current = any(kept is pool for _, kept in _POOLS.values())
    if broken:
        pool.shutdown(wait=False, cancel_futures=True)
    elif not current and not left:
        pool.shutdown(wait=False)


def shutdown_pools() -> None:
    """Close the reusable local process pools and wait for their workers to exit.

    Called at interpreter exit; call it earlier to free the workers' memory (a long-lived
    server, a test that replaces the executor). The next parallel call makes a fresh pool.
    """
    with _POOLS_LOCK:
        pools = [pool for _, pool in _POOLS.values()]
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _forget_pools() -> None:
    """In a forked child: drop the parent's pools (their workers and threads are the parent's).

    Without this a child that maps chunks would submit to a pool whose manager thread runs
    only in the parent, and wait forever.
    """
    global _POOLS_LOCK
    _POOLS_LOCK = threading.Lock()
    _POOLS.clear()
    _USERS.clear()


atexit.register(shutdown_pools)
os.register_at_fork(after_in_child=_forget_pools)


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
        start-up time: each spawned worker imports numpy and numba and loads its numba kernels
        afresh, ~0.85 s CPU, once per pool).

    Returns
    -------
    int
        Workers, between 1 and ``os.cpu_count()``.

    Raises
    ------
    InputError
        ``0``, a value below ``-1`` or a non-integer, whatever the amount of work.
    """
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


def local_threads() -> int:
    """How many threads a computation in this process may use: numba's thread count.

    The numba kernels run on :func:`numba.get_num_threads` threads (every core unless
    ``NUMBA_NUM_THREADS`` or :func:`numba.set_num_threads` says fewer), and work that runs its
    own threads in this process (``n_jobs`` None or 1) uses as many. With numba disabled,
    every core.
    """
    from bubblescope._config import numba_disabled

    if numba_disabled():
        return os.cpu_count() or 1
    import numba

    threads: int = numba.get_num_threads()
    return threads


def map_chunks(
    func: Callable[[T], R],
    chunks: Iterable[T],
    *,
    executor: Executor | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
    on_result: Callable[[int, R], None] | None = None,
    threaded: bool = False,
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
        ``None`` or 1 runs serially in this process; ``k > 1`` uses the local pool of ``k``
        spawned processes (at most one per core, and at most one chunk in flight per worker
        and per chunk), kept for later calls with the same ``k`` (see :func:`shutdown_pools`);
        ``-1`` uses every core (see :func:`resolve_jobs`, which also refuses 0 and values
        below -1).
    progress : callable, optional
        ``progress(done, total)`` after each finished chunk.
    on_result : callable, optional
        ``on_result(i, result)`` as soon as chunk ``i`` finishes (completion order), e.g. to
        persist each result so that a crash later in the run loses nothing already finished.
    threaded : bool
        Run the chunks that would run serially in this process (no executor, ``n_jobs`` None
        or 1) on :func:`local_threads` threads instead. For chunks that spend their time in
        NumPy calls, which release the GIL (random draws, cumulative sums, element-wise
        maths), and share no mutable state; each result still depends only on its chunk.

    Returns
    -------
    list
        ``[func(c) for c in chunks]``, whatever ran them.
    """
    items: Sequence[T] = list(chunks)
    total = len(items)
    workers = resolve_jobs(n_jobs)
    threads = local_threads() if threaded and executor is None and workers == 1 else 1
    if threads > 1 and total > 1:
        with ThreadPoolExecutor(max_workers=min(threads, total)) as local:
            return _run_on(local, func, items, total, total, on_result, progress)
    if executor is None and (workers == 1 or total <= 1):
        out: list[R] = []
        for i, item in enumerate(items):
            out.append(func(item))
            if on_result is not None:
                on_result(i, out[-1])
            if progress is not None:
                progress(i + 1, total)
        return out
    if executor is not None:
        return _run_on(executor, func, items, total, total, on_result, progress)
    pool = _pool(workers)
    broken = False
    try:
        return _run_on(pool, func, items, min(workers, total), total, on_result, progress)
    except BrokenProcessPool:
        broken = True
        raise
    finally:
        _release(pool, broken)


def _run_on(
    executor: Executor,
    func: Callable[[T], R],
    items: Sequence[T],
    in_flight: int,
    total: int,
    on_result: Callable[[int, R], None] | None,
    progress: ProgressCallback | None,
) -> list[R]:
    """Run ``items`` on ``executor``, at most ``in_flight`` at a time, results in chunk order.

    On an error the chunks not yet started are cancelled (a reused pool must not go on with
    the work of a failed call).
    """
    results: list[Any] = [None] * total
    pending: dict[Future[R], int] = {}
    queue = iter(enumerate(items))
    done = 0
    try:
        for i, item in queue:
            pending[executor.submit(func, item)] = i
            if len(pending) >= in_flight:
                break
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = pending.pop(fut)
                results[i] = fut.result()
                done += 1
                if on_result is not None:
                    on_result(i, results[i])
                if progress is not None:
                    progress(done, total)
                nxt = next(queue, None)
                if nxt is not None:
                    pending[executor.submit(func, nxt[1])] = nxt[0]
        return results
    finally:
        for fut in pending:
            fut.cancel()


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
