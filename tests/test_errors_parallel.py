"""Error hierarchy and the executor seam."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bubblescope import errors
from bubblescope.parallel import (
    as_generator,
    as_seed_sequence,
    local_threads,
    map_chunks,
    spawn_seeds,
)


def test_every_error_is_a_bubblescope_error_with_a_distinct_exit_code() -> None:
    leaf_types = [
        errors.InputError,
        errors.DataError,
        errors.StoreError,
        errors.SourceError,
        errors.ConvergenceError,
        errors.BackendError,
    ]
    assert all(issubclass(t, errors.BubblescopeError) for t in leaf_types)
    assert len({t.exit_code for t in leaf_types}) == len(leaf_types)
    assert issubclass(errors.UnitError, errors.InputError)
    assert issubclass(errors.UnknownSymbolError, errors.DataError)


def test_hint_is_appended_to_the_message() -> None:
    exc = errors.InputError("too short", hint="use more data")
    assert str(exc) == "too short (hint: use more data)"
    assert exc.message == "too short"


def test_unknown_symbol_error_prints_without_quotes() -> None:
    assert str(errors.UnknownSymbolError("no such symbol 'XYZ'")) == "no such symbol 'XYZ'"


def _draw(seed: np.random.SeedSequence) -> float:
    return float(np.random.default_rng(seed).standard_normal(1000).sum())


def test_serial_threaded_and_process_runs_are_identical() -> None:
    seeds = spawn_seeds(123, 4)
    serial = map_chunks(_draw, seeds)
    with ThreadPoolExecutor(2) as pool:
        threaded = map_chunks(_draw, seeds, executor=pool)
    processes = map_chunks(_draw, seeds, n_jobs=2)
    assert serial == threaded == processes
    assert len(set(serial)) == 4


def test_threaded_chunks_run_at_once_on_the_local_threads_and_match_serial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeds = spawn_seeds(321, 6)
    serial = map_chunks(_draw, seeds)
    monkeypatch.setattr("bubblescope.parallel.local_threads", lambda: 2)
    assert map_chunks(_draw, seeds, threaded=True) == serial
    # two chunks that each wait for the other finish only if they run at the same time
    both = threading.Barrier(2, timeout=30)
    ran = map_chunks(lambda i: (both.wait(), threading.get_ident())[1], [0, 1], threaded=True)
    assert ran[0] != ran[1]
    assert threading.get_ident() not in ran
    # with one local thread, n_jobs > 1 or an executor, threaded changes nothing
    monkeypatch.setattr("bubblescope.parallel.local_threads", lambda: 1)
    here = map_chunks(lambda i: threading.get_ident(), [0, 1, 2], threaded=True)
    assert here == [threading.get_ident()] * 3
    assert map_chunks(_draw, seeds, n_jobs=2, threaded=True) == serial


def _threads(_: int) -> int:
    return local_threads()


def test_pool_workers_share_the_cores() -> None:
    cores = os.cpu_count() or 1
    if cores < 2:
        pytest.skip("one core: every worker runs on one thread anyway")
    before = local_threads()
    # each of two workers runs numba (and the LPPLS dates) on half the cores, not all of them
    assert map_chunks(_threads, [0, 1, 2, 3], n_jobs=2) == [max(1, cores // 2)] * 4
    assert local_threads() == before  # this process keeps its own


def test_progress_is_reported_for_every_chunk() -> None:
    calls: list[tuple[int, int]] = []
    map_chunks(len, [[1], [2, 3]], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]


def test_seed_helpers_are_reproducible_and_validate() -> None:
    assert as_generator(7).random() == as_generator(7).random()
    gen = np.random.default_rng(5)
    assert as_generator(gen) is gen
    assert as_seed_sequence(np.random.default_rng(5)).entropy == 5
    with pytest.raises(errors.InputError, match="non-negative"):
        as_seed_sequence(-1)
    with pytest.raises(errors.InputError, match="rng must be"):
        as_seed_sequence("seed")  # type: ignore[arg-type]
    with pytest.raises(errors.InputError, match="n_jobs"):
        map_chunks(len, [[1], [2]], n_jobs=-3)
