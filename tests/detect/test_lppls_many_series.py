"""LPPLS Confidence at the last date of many series sharing grid scans equals each alone."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from bubblescope.detect._lppls_indicators import _MAX_BLOCK
from bubblescope.detect.lppls import (
    WindowSet,
    confidence_at_last,
    lppls_confidence,
    lppls_formula,
)
from bubblescope.errors import InputError

#: Small window set so each one-series run stays quick: 300 -> 100 in steps of 20.
WINDOWS = WindowSet(300, 100, 20)


def _series(count: int) -> list[np.ndarray]:
    """Prices of LPPLS run-ups (critical times, exponents and noise varied) and random walks."""
    rng = np.random.default_rng(11)
    t = np.arange(330, dtype=np.float64)
    out = []
    for i in range(count):
        if i % 3 == 2:
            logp = np.log(100.0) + np.cumsum(0.02 * rng.standard_normal(t.shape[0]))
        else:
            tc = 330.0 + 5.0 + 4.0 * (i % 5)
            logp = lppls_formula(t, tc, 0.3 + 0.05 * (i % 7), 9.0, 5.0, -0.05, 0.001, 0.0)
            logp = logp + 0.01 * (1 + i % 4) * rng.standard_normal(t.shape[0])
        out.append(np.exp(logp))
    return out


def test_many_series_equal_each_series_alone() -> None:
    prices = _series(_MAX_BLOCK + 3)  # two blocks: 16 and 3 series
    got = confidence_at_last([np.log(p) for p in prices], WINDOWS)
    alone = [lppls_confidence(p, [len(p) - 1], windows=WINDOWS).to_frame().iloc[-1] for p in prices]
    assert got == [(row["confidence_pos"], row["confidence_neg"]) for row in alone]
    assert sum(pos > 0 for pos, _ in got) >= 5  # the run-ups qualify: the test can fail


def test_one_thread_and_every_thread_give_the_same_confidence() -> None:
    if numba.config.NUMBA_NUM_THREADS < 2:  # type: ignore[attr-defined]
        pytest.skip("numba runs on one thread here (NUMBA_NUM_THREADS)")
    logps = [np.log(p) for p in _series(2 * _MAX_BLOCK + 1)]  # three blocks for the threads
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = confidence_at_last(logps, WINDOWS)
        numba.set_num_threads(2)
        two = confidence_at_last(logps, WINDOWS)
    finally:
        numba.set_num_threads(before)
    assert one == two


def test_only_the_last_window_is_used() -> None:
    p = _series(1)[0]
    longer = np.concatenate([np.full(50, np.nan), np.log(p)])  # NaN before the longest window
    assert confidence_at_last([longer], WINDOWS) == confidence_at_last([np.log(p)], WINDOWS)


@pytest.mark.parametrize(
    ("logp", "words"),
    [(np.zeros(299), "299 observations"), (np.r_[np.zeros(299), np.inf], "NaN or infinite")],
)
def test_bad_series_are_named(logp: np.ndarray, words: str) -> None:
    with pytest.raises(InputError, match=words):
        confidence_at_last([np.zeros(300), logp], WINDOWS)
