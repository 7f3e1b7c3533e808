"""Issue 20: one ``n_jobs`` rule through the Python API, whatever the amount of work.

``bubblescope.parallel.resolve_jobs`` refuses 0, values below -1 and non-integers with an
``InputError`` and clamps the rest to the cores. Before, a critical-value simulator whose work
fitted one chunk (or whose answer was cached) and LPPLS Confidence on the gpu backend took
``n_jobs=0`` silently; here every public function that takes ``n_jobs`` is called with work
that small and must refuse it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

import bubblescope.parallel as parallel
from bubblescope.detect.critical_values import (
    MonteCarloCV,
    PanelSieveCV,
    PhillipsShiCV,
    WildBootstrapCV,
)
from bubblescope.detect.critical_values.cusum import CUSUMCV
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.lppls import WindowSet, lppls_confidence
from bubblescope.errors import InputError
from bubblescope.scan import ScanConfig, scan
from bubblescope.scenario import run_scenario

CORES = os.cpu_count() or 1
BAD = [0, -2, 1.5, True]


def _prices(n: int = 80) -> pd.Series:
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2020-01-01", periods=n)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=days, name="close")


CONSTRUCTORS: dict[str, Callable[[Any], object]] = {
    "MonteCarloCV": lambda j: MonteCarloCV(reps=50, rng=0, n_jobs=j),
    "WildBootstrapCV": lambda j: WildBootstrapCV(reps=50, rng=0, n_jobs=j),
    "PhillipsShiCV": lambda j: PhillipsShiCV(reps=50, rng=0, n_jobs=j),
    "CUSUMCV": lambda j: CUSUMCV(reps=50, rng=0, n_jobs=j),
    "PanelSieveCV": lambda j: PanelSieveCV(reps=50, rng=0, n_jobs=j),
    "SequentialCV": lambda j: SequentialCV(reps=50, rng=0, n_jobs=j),
}


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_critical_value_methods_refuse_bad_jobs_when_made(name: str, bad: Any) -> None:
    # refused before any work: before, one chunk of replications or a cached answer took 0
    with pytest.raises(InputError, match="n_jobs"):
        CONSTRUCTORS[name](bad)
    CONSTRUCTORS[name](-1)  # every core is allowed


@pytest.mark.parametrize("backend", ["cpu", "gpu"])
@pytest.mark.parametrize("bad", [0, -2])
def test_lppls_confidence_on_one_date_refuses_bad_jobs(bad: int, backend: str) -> None:
    close = _prices()
    with pytest.raises(InputError, match="n_jobs"):
        lppls_confidence(
            close, dates=[close.index[-1]], windows=WindowSet(60, 50, 5), n_jobs=bad,
            backend=backend,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.mark.parametrize("bad", [0, -2])
def test_scan_of_one_symbol_refuses_bad_jobs(bad: int) -> None:
    frame = _prices(300).to_frame()
    with pytest.raises(InputError, match="n_jobs"):
        scan({"ONE": frame}, ScanConfig(analyses=("drawdown",)), n_jobs=bad)


@pytest.mark.parametrize("bad", [0, -2])
def test_scenario_of_one_chunk_refuses_bad_jobs(bad: int) -> None:
    with pytest.raises(InputError, match="n_jobs"):
        run_scenario("base", n_paths=10, rng=0, n_jobs=bad)


def test_many_jobs_are_clamped_to_the_cores_and_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """``n_jobs=1000`` asks for one pool of a worker per core (reused later), same answer."""
    made: list[int] = []

    class Recording(ThreadPoolExecutor):
        def __init__(self, max_workers: int, **_: Any) -> None:
            made.append(max_workers)
            super().__init__(max_workers=1)

    serial = run_scenario("base", n_paths=40, rng=3, chunk_size=10)
    parallel.shutdown_pools()
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recording)
    try:
        wide = run_scenario("base", n_paths=40, rng=3, chunk_size=10, n_jobs=1000)
    finally:
        parallel.shutdown_pools()
    assert made == [CORES]
    for key, values in serial.paths.items():
        np.testing.assert_array_equal(values, wide.paths[key])
