"""How ``lppls_confidence`` reads its ``dates``: integer positions, dates, and bad ones.

Issue #20: ``lppls_confidence(y, [-1])`` used to fit the last observation silently, Python
style, although everywhere else an integer date is a position counted from the first
observation. A negative position is now an :class:`InputError` naming the position and the
valid range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect.lppls import WindowSet, lppls_confidence, lppls_formula
from bubblescope.errors import InputError

WINDOWS = WindowSet(200, 100, 25)


def _prices() -> pd.Series:
    """A noisy LPPLS bubble (tc 12 days after the last of 320 observations)."""
    n = 320
    t = np.arange(float(n))
    logp = lppls_formula(t, n - 1 + 12.0, 0.5, 12.0, 6.0, -0.04, 0.0015, -0.001)
    noise = 0.008 * np.random.default_rng(11).standard_normal(n)
    return pd.Series(np.exp(logp + noise), index=pd.bdate_range("2010-01-04", periods=n))


@pytest.mark.parametrize("bad", [-1, np.int64(-3), -320])
def test_negative_date_position_is_refused(bad: int) -> None:
    with pytest.raises(InputError, match=rf"date position {int(bad)} is negative.*0\.\.319"):
        lppls_confidence(_prices(), dates=[bad], windows=WINDOWS)


def test_last_position_and_last_date_give_the_same_row() -> None:
    prices = _prices()
    by_position = lppls_confidence(prices, dates=[len(prices) - 1], windows=WINDOWS).frame
    by_date = lppls_confidence(prices, dates=[prices.index[-1]], windows=WINDOWS).frame
    pd.testing.assert_frame_equal(by_position, by_date)
    assert by_position.index[0] == prices.index[-1]


def test_position_past_the_end_is_refused() -> None:
    prices = _prices()
    with pytest.raises(InputError, match="outside the series"):
        lppls_confidence(prices, dates=[len(prices)], windows=WINDOWS)
