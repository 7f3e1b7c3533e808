"""One ``--jobs`` rule clamped to the cores, and a typed error for an unreachable scheduler."""

from __future__ import annotations

import os
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

    class Recording(parallel.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: Any) -> None:
            made.append(max_workers)
            super().__init__(max_workers=1, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recording)
    assert map_chunks(len, [[1], [1, 2], [1, 2, 3]], n_jobs=1000) == [1, 2, 3]
    assert made == [min(CORES, 3)]


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


def test_unreachable_dask_scheduler_is_a_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "DASK_CONNECT_TIMEOUT_S", 0.5)
    with pytest.raises(BackendError, match="tcp://127.0.0.1:1"):
        parallel.dask_executor("tcp://127.0.0.1:1")
