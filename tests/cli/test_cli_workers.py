"""One ``--jobs`` rule clamped to the cores, and a typed error for an unreachable scheduler."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from typer.testing import CliRunner

import bubblescope.parallel as parallel
from bubblescope.cli.main import app
from bubblescope.errors import BackendError, InputError
from bubblescope.parallel import map_chunks, resolve_jobs

CORES = os.cpu_count() or 1


@pytest.mark.parametrize("bad", [0, -2, -100])
def test_zero_and_below_minus_one_are_refused(bad: int) -> None:
    with pytest.raises(InputError, match="n_jobs"):
        resolve_jobs(bad)


def test_refused_even_when_the_work_fits_one_chunk() -> None:
    # the serial shortcut for a single chunk used to skip the check
    with pytest.raises(InputError, match="n_jobs"):
        map_chunks(len, [[1, 2]], n_jobs=0)


@pytest.mark.parametrize(("asked", "expected"), [(None, 1), (1, 1), (-1, CORES), (1000, CORES)])
def test_workers_are_clamped_to_the_cores(asked: int | None, expected: int) -> None:
    assert resolve_jobs(asked) == expected


def test_a_pool_never_exceeds_the_cores_or_the_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    running = 0
    peak = 0

    class Recording(ThreadPoolExecutor):
        def __init__(self, max_workers: int, **_: Any) -> None:
            made.append(max_workers)
            super().__init__(max_workers=max_workers)

        def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            fut = super().submit(fn, *args, **kwargs)

            def finished(_: Future[Any]) -> None:
                nonlocal running
                running -= 1

            fut.add_done_callback(finished)
            return fut

    parallel.shutdown_pools()
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recording)
    try:
        assert map_chunks(len, [[1], [1, 2], [1, 2, 3]], n_jobs=1000) == [1, 2, 3]
        assert map_chunks(len, [[1]] * 7, n_jobs=1000) == [1] * 7
    finally:
        parallel.shutdown_pools()
    # one pool of one worker per core, reused by the second call; never more chunks in flight
    # than the first call has chunks or than there are cores
    assert made == [CORES]
    assert peak <= min(CORES, 7)


def _pid(_: int) -> int:
    return os.getpid()


def _slow_pid(_: int) -> int:
    """The worker's pid after 0.3 s: a busy worker makes the pool start its second one.

    (A process pool starts a worker only when none is idle, so quick tasks can all land on
    the first and leave the second to be started by a later call.)
    """
    time.sleep(0.3)
    return os.getpid()


def test_a_second_call_reuses_the_workers_and_shutdown_ends_them() -> None:
    parallel.shutdown_pools()
    first = set(map_chunks(_slow_pid, range(4), n_jobs=2))
    second = set(map_chunks(_slow_pid, range(4), n_jobs=2))
    assert os.getpid() not in first
    # the same processes answer the second call: no worker was spawned for it
    assert second <= first
    assert len(first) <= min(CORES, 2)
    parallel.shutdown_pools()
    for pid in first:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    # a fresh pool after the shutdown
    assert set(map_chunks(_pid, range(2), n_jobs=2)).isdisjoint(first)
    parallel.shutdown_pools()


def _fail_on_two(i: int) -> int:
    if i == 2:
        raise ValueError("chunk 2")
    return i


def test_an_error_in_a_chunk_leaves_the_pool_usable() -> None:
    with pytest.raises(ValueError, match="chunk 2"):
        map_chunks(_fail_on_two, range(6), n_jobs=2)
    assert map_chunks(_fail_on_two, [0, 1, 3], n_jobs=2) == [0, 1, 3]
    parallel.shutdown_pools()


@pytest.mark.parametrize(
    "command",
    [
        ["psy", "nasdaq", "--jobs", "0"],
        ["lppls", "confidence", "nasdaq", "--jobs", "-5"],
        ["scan", "--jobs", "0"],
        ["backtest", "nasdaq", "--n-jobs", "0"],
    ],
    ids=lambda c: c[0] + (" " + c[1] if c[0] == "lppls" else ""),
)
def test_cli_refuses_bad_jobs_before_any_work(command: list[str]) -> None:
    out = CliRunner().invoke(app, command)
    assert out.exit_code == 2, out.output
    assert "positive integer or -1" in out.output


@pytest.mark.parametrize("bad", ["0", "-3", "two"])
@pytest.mark.parametrize("command", ["run", "sensitivity"])
def test_scenario_refuses_bad_jobs_as_a_usage_error(
    command: str, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scenario run|sensitivity --jobs`` is checked while parsing, as ``scan``'s is."""
    import bubblescope.scenario as scenario
    import bubblescope.scenario.sensitivity as sensitivity

    def no_work(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the command started work on a bad --jobs")

    monkeypatch.setattr(scenario, "run_scenario", no_work)
    monkeypatch.setattr(sensitivity, "scenario_sensitivity", no_work)
    out = CliRunner().invoke(app, ["scenario", command, "base", "--jobs", bad])
    text = " ".join(out.output.replace("│", " ").split())
    assert out.exit_code == 2, out.output
    assert f"Usage: bubblescope scenario {command}" in text
    assert "Invalid value for '--jobs'" in text
    assert ("positive integer or -1" if bad != "two" else "valid integer") in text


def test_unreachable_dask_scheduler_is_a_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "DASK_CONNECT_TIMEOUT_S", 0.5)
    with pytest.raises(BackendError, match="tcp://127.0.0.1:1"):
        parallel.dask_executor("tcp://127.0.0.1:1")


def _square(i: int) -> int:
    return i * i


def _map_in_child(queue: Any) -> None:
    queue.put(map_chunks(_square, range(4), n_jobs=2))


def test_a_forked_child_makes_its_own_pool() -> None:
    """A child forked while the parent holds a pool makes its own, and shuts it at exit.

    Without the fork hook the child would submit to the parent's pool and wait forever;
    without the exit finalizer it would wait forever at exit for its own pool's workers.
    """
    import multiprocessing

    map_chunks(_pid, range(2), n_jobs=2)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_map_in_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=120) == [0, 1, 4, 9]
    finally:
        child.join(60)
        if child.is_alive():
            child.kill()
        parallel.shutdown_pools()
    assert child.exitcode == 0


def _home(_: int) -> str:
    return os.environ.get("BUBBLESCOPE_HOME", "")


def test_workers_see_the_callers_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """A kept pool spawned under another data home is replaced, so workers read the caller's."""
    parallel.shutdown_pools()
    try:
        for home in (tmp_path / "a", tmp_path / "b", tmp_path / "a"):
            monkeypatch.setenv("BUBBLESCOPE_HOME", str(home))
            assert set(map_chunks(_home, range(3), n_jobs=2)) == {str(home)}
        first = set(map_chunks(_slow_pid, range(4), n_jobs=2))
        # the same environment again: the pool is kept
        assert set(map_chunks(_slow_pid, range(4), n_jobs=2)) <= first
    finally:
        parallel.shutdown_pools()
