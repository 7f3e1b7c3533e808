"""LPPLS Confidence on threads of this process is bitwise the one-thread run (issue 18).

Each window is polished by the same kernel body whichever thread runs it; only the schedule
changes. The grid scan is split into consecutive tc-offset parts whose kept lists are merged.
Compared here field by field, bitwise, on noisy LPPLS paths (cold starts and warm starts from
the previous date), on grids whose scores tie and windows that admit fewer grid points than
they keep, and through ``lppls_confidence``: one date with ``n_jobs=2`` (its windows on two
threads), and many dates on numba's thread count (blocks of dates on threads) against one
thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numba
import numpy as np
import pandas as pd
import pytest

from bubblescope._kernels import lppls as K
from bubblescope.detect import _lppls_indicators
from bubblescope.detect._lppls_engine import (
    NestedFits,
    _grid_axes,
    _grid_scan,
    _polish_grid,
    fit_nested,
    fit_nested_dates,
)
from bubblescope.detect.lppls import (
    GridSpec,
    SearchSpace,
    WindowSet,
    lppls_confidence,
    lppls_formula,
)
from bubblescope.parallel import local_threads

WINDOWS = WindowSet(300, 100, 10)
SPACE = SearchSpace.fco()
GRID = GridSpec()
FIELDS = ("tc", "m", "omega", "ssr", "a", "b", "c1", "c2", "relative_error", "ends")


def _prices(noise: float, seed: int, n: int = 340) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    logp = lppls_formula(t, n + 10.0, 0.5, 10.0, 5.0, -0.05, 0.001, 0.0)
    return pd.Series(
        np.exp(logp + noise * rng.standard_normal(n)),
        index=pd.bdate_range("2020-01-01", periods=n),
    )


def _ys(prices: pd.Series, ends: list[int]) -> tuple[np.ndarray, np.ndarray]:
    need = WINDOWS.max_window
    logp = np.log(prices.to_numpy())
    ys = np.stack([logp[e - need + 1 : e + 1] for e in ends])
    return ys, (need - WINDOWS.lengths).astype(np.int64)


def _assert_bitwise(a: NestedFits, b: NestedFits) -> None:
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.counts == b.counts


@pytest.mark.parametrize(("noise", "seed"), [(0.01, 7), (0.05, 11)])
def test_threaded_polish_is_bitwise_the_serial_polish(noise: float, seed: int) -> None:
    ys, starts = _ys(_prices(noise, seed), [299, 318, 339])
    serial = fit_nested_dates(ys, starts, SPACE, GRID)
    threaded = fit_nested_dates(ys, starts, SPACE, GRID, threads=2)
    for a, b in zip(serial, threaded, strict=True):
        _assert_bitwise(a, b)
    # something was polished: more candidates than windows, every window fitted
    assert sum(f.counts[0] for f in serial) > len(starts)
    assert all(np.isfinite(f.ssr).all() for f in serial)


def test_threaded_warm_polish_is_bitwise_the_serial_warm_polish() -> None:
    ys, starts = _ys(_prices(0.02, 3), [338, 339])
    previous = fit_nested(ys[0], starts, SPACE, GRID)
    y = np.ascontiguousarray(ys[1])
    off, m_grid, w_grid = _grid_axes(starts, y.shape[0] - 1, SPACE, GRID)
    bs, bp = K.grid_nested(y, starts, off, m_grid, w_grid, -SPACE.tc[0], SPACE.tc[1], GRID.keep)
    runs = [
        _polish_grid(y, starts, SPACE, GRID, bs, bp, previous=previous, shift=1, threads=k)
        for k in (1, 2)
    ]
    _assert_bitwise(*runs)
    assert runs[0].counts[1] > 0  # warm starts were kept, so the warm branch ran


def test_one_date_on_two_jobs_runs_threads_and_equals_serial() -> None:
    prices = _prices(0.01, 7)
    before = numba.get_num_threads()
    serial = lppls_confidence(prices, windows=WINDOWS, dates=[prices.index[-1]])
    threaded = lppls_confidence(prices, windows=WINDOWS, dates=[prices.index[-1]], n_jobs=2)
    pd.testing.assert_frame_equal(serial.frame, threaded.frame, check_exact=True)
    assert numba.get_num_threads() == before


@pytest.mark.parametrize("threads", [2, 3, 7])
@pytest.mark.parametrize("kind", ["noisy", "flat", "coarse"])
def test_threaded_grid_scan_is_bitwise_the_serial_scan(threads: int, kind: str) -> None:
    prices = _prices(0.03, 5)
    grid = GRID
    if kind == "flat":
        # constant prices: every grid point scores 0, so the kept lists are decided by ties
        prices = pd.Series(np.full(prices.shape[0], 100.0), index=prices.index)
    elif kind == "coarse":
        # three tc offsets: the short windows admit fewer grid points than they keep (inf)
        grid = GridSpec(n_tc=3, n_m=2, n_omega=2, keep=8)
    ys, starts = _ys(prices, [299, 339])
    off, m_grid, w_grid = _grid_axes(starts, ys.shape[1] - 1, SPACE, grid)
    one = K.grid_nested_dates(ys, starts, off, m_grid, w_grid, -SPACE.tc[0], SPACE.tc[1], grid.keep)
    split = _grid_scan(ys, starts, SPACE, grid, threads)
    np.testing.assert_array_equal(split[0], one[0])
    np.testing.assert_array_equal(split[1], one[1])
    if kind == "flat":
        assert (one[0][np.isfinite(one[0])] == 0.0).all()
    if kind == "coarse":
        assert np.isinf(one[0]).any()
        assert np.isfinite(one[0]).any()


@pytest.fixture
def numba_threads() -> Iterator[None]:
    """Restore numba's thread count after the test."""
    if numba.config.NUMBA_NUM_THREADS < 2:  # type: ignore[attr-defined]
        pytest.skip("numba runs on one thread here (NUMBA_NUM_THREADS)")
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


@pytest.mark.usefixtures("numba_threads")
@pytest.mark.parametrize("n_dates", [1, 40])
def test_dates_on_numba_threads_equal_one_thread(
    n_dates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = _prices(0.02, 13)
    dates = list(prices.index[-n_dates:])
    seen: set[int] = set()
    run_dates = _lppls_indicators._run_dates

    def spy(tasks: list[object], threads: int = 1) -> list[tuple[float, ...]]:
        seen.add(threading.get_ident() if threads == 1 else -threads)
        return run_dates(tasks, threads=threads)  # type: ignore[arg-type]

    monkeypatch.setattr(_lppls_indicators, "_run_dates", spy)
    numba.set_num_threads(1)
    assert local_threads() == 1
    one = lppls_confidence(prices, windows=WINDOWS, dates=dates)
    assert seen == {threading.get_ident()}  # one thread: this one
    seen.clear()
    numba.set_num_threads(2)
    assert local_threads() == 2
    two = lppls_confidence(prices, windows=WINDOWS, dates=dates)
    pd.testing.assert_frame_equal(one.frame, two.frame, check_exact=True)
    if n_dates == 1:
        assert seen == {-2}  # one block: its grid scan and windows on two threads
    else:
        assert len(seen) == 2  # blocks of dates on two threads other than this one
        assert threading.get_ident() not in seen
