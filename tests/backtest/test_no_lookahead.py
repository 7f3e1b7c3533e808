"""No look-ahead: changing (or dropping) the data after date t leaves every signal at or before t
unchanged. Covers every signal type (PSY, LPPLS, run-up and crash probability net of a market,
gauge, both baselines) on short synthetic series with cheap settings; prices, market and the
Shiller frame are all perturbed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.backtest import ALL_SIGNALS, backtest
from tests.backtest.conftest import CHEAP, SMALL_EVENTS, shiller_like, weekly_prices


def _signals(prices: pd.Series, shiller: pd.DataFrame, market: pd.Series) -> pd.DataFrame:
    res = backtest(
        prices,
        shiller=shiller,
        market=market,
        config=CHEAP,
        events=SMALL_EVENTS,
        rng=7,
        strict=True,
    )
    assert list(res.values.columns) == list(ALL_SIGNALS)
    return pd.concat([res.values.add_prefix("v:"), res.alarms.add_prefix("a:")], axis=1)


BASE_P = weekly_prices(3)
BASE_S = shiller_like(3)
BASE_M = weekly_prices(4)  # market for the net-of-market run-up
BASE = _signals(BASE_P, BASE_S, BASE_M)


@settings(max_examples=50, deadline=None)
@given(
    cut=st.integers(min_value=20, max_value=len(BASE_P) - 2),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    scale=st.floats(min_value=0.05, max_value=0.8),
)
def test_signals_up_to_t_ignore_later_data(cut: int, seed: int, scale: float) -> None:
    t = BASE_P.index[cut]
    rng = np.random.default_rng(seed)
    p = BASE_P.copy()
    later = p.index > t
    p[later] = p[later] * np.exp(scale * rng.standard_normal(int(later.sum())))
    sh = BASE_S.copy()
    s_later = sh.index > t
    for col in sh.columns:
        sh.loc[s_later, col] = sh.loc[s_later, col] * np.exp(
            scale * rng.standard_normal(int(s_later.sum()))
        )
    m = BASE_M.copy()
    m[later] = m[later] * np.exp(scale * rng.standard_normal(int(later.sum())))
    perturbed = _signals(p, sh, m)
    pd.testing.assert_frame_equal(perturbed.loc[:t], BASE.loc[:t])
    assert not perturbed.loc[later].equals(BASE.loc[later])  # the perturbation did bite


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(min_value=90, max_value=len(BASE_P) - 2))
def test_truncating_after_t_changes_nothing_up_to_t(cut: int) -> None:
    # also catches schedule look-ahead: e.g. evaluating LPPLS on "the last date of the month"
    # needs the next date; the grid publishes on the first date on or after the month end
    t = BASE_P.index[cut]
    truncated = _signals(BASE_P.loc[:t], BASE_S.loc[:t], BASE_M.loc[:t])
    pd.testing.assert_frame_equal(truncated, BASE.loc[:t])


def test_lppls_schedule_publishes_once_the_period_has_closed() -> None:
    from bubblescope.backtest.signals import lppls_grid_dates

    days = pd.bdate_range("2000-08-01", "2000-10-10")
    t2, published = lppls_grid_dates(days, "M", 1)
    # 2000-08-31 is a Thursday: known that day; 2000-09-30 is a Saturday: t2 Friday 09-29,
    # known only on Monday 10-02; October is still open on 10-10 and is not evaluated
    assert list(t2) == [pd.Timestamp("2000-08-31"), pd.Timestamp("2000-09-29")]
    assert list(published) == [pd.Timestamp("2000-08-31"), pd.Timestamp("2000-10-02")]
