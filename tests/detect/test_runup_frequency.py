"""runup counts months: finer data is sampled to month ends, coarser data refused (issue 20)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect import runup
from bubblescope.errors import InputError


def _boom_and_bust(index: pd.DatetimeIndex) -> pd.Series:
    """Flat, then +4% a month for two years, then halved: one crash episode in month units."""
    months = (index.year - index[0].year) * 12 + (index.month - index[0].month)
    m = np.asarray(months, dtype=np.float64)
    level = np.where(m < 12, 1.0, 1.04 ** np.minimum(m - 11, 24))
    level = np.where(m >= 36, level[m < 36].max() * 0.5, level)
    return pd.Series(level, index=index, name="A")


def test_intraday_bars_give_the_month_end_answer() -> None:
    monthly = pd.date_range("2000-01-31", "2004-12-31", freq="ME")
    # four-hourly bars: irregular to the validator, sub-monthly, so month ends are taken
    bars = pd.date_range("2000-01-01", "2004-12-31 20:00", freq="4h")
    from_bars = runup(_boom_and_bust(bars), prior_window=None)
    from_months = runup(_boom_and_bust(monthly), prior_window=None)
    assert from_bars.to_dict()["settings"]["frequency"] == "M"
    assert len(from_months.episodes) == 1
    pd.testing.assert_frame_equal(
        from_bars.episodes.reset_index(drop=True), from_months.episodes.reset_index(drop=True)
    )


def test_minute_bars_over_days_are_too_short_not_two_years() -> None:
    # 5,000 minute bars are under four days: after month-end sampling far too short for a
    # 24-month run-up, where they used to be read as 5,000 "months" with zero episodes
    idx = pd.date_range("2020-01-01", periods=5000, freq="min")
    with pytest.raises(InputError, match="too short"):
        runup(pd.Series(np.exp(np.linspace(0.0, 3.0, 5000)), index=idx))


@pytest.mark.parametrize(("freq", "word"), [("QE", "quarterly"), ("YE", "annual")])
def test_coarser_than_monthly_is_refused(freq: str, word: str) -> None:
    idx = pd.date_range("1950-03-31", periods=120, freq=freq)
    prices = pd.Series(np.exp(np.linspace(0.0, 4.0, 120)), index=idx)
    with pytest.raises(InputError, match=word):
        runup(prices)


def test_quarterly_with_monthly_false_counts_quarters() -> None:
    idx = pd.date_range("1950-03-31", periods=60, freq="QE")
    prices = pd.Series(np.exp(np.linspace(0.0, 4.0, 60)), index=idx)
    res = runup(prices, horizon=8, prior_window=None, monthly=False)
    assert res.to_dict()["settings"]["frequency"] == "Q"
