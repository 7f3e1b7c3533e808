"""``basket_index`` against an independent holdings-based recomputation, on synthetic closes.

The reference buys equal values of the members listed at the close of each period's first
trading day and holds the units (a day without a trade keeps the last price) until the next
period's first day; the basket starts at 100 in the first period with at least ``min_share``
of the members listed. Synthetic members list at different dates and miss days at random, so
the member count changes between periods and forward filling matters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.errors import InputError
from bubblescope.status.watchlist import basket_index


def _holdings(closes: pd.DataFrame, rebalance: str, min_share: float) -> pd.Series:
    px = closes.sort_index().ffill().to_numpy()
    days = pd.DatetimeIndex(closes.index)
    key = np.asarray(days.year * 12 + days.month - 1)
    if rebalance == "Q":
        key = np.asarray(days.year * 4 + (days.month - 1) // 3)
    first_day = np.r_[True, key[1:] != key[:-1]]
    start = next(i for i in np.flatnonzero(first_day) if np.isfinite(px[i]).mean() >= min_share)
    level = np.empty(len(px) - start)
    units = np.zeros(px.shape[1])
    for k, i in enumerate(range(start, len(px))):
        level[k] = 100.0 if k == 0 else float(np.sum(units * np.nan_to_num(px[i])))
        if first_day[i]:
            listed = np.isfinite(px[i])
            units = np.where(listed, level[k] / listed.sum() / np.where(listed, px[i], 1.0), 0.0)
    return pd.Series(level, index=days[start:])


def _closes(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2019-11-15", periods=800)
    logp = np.cumsum(rng.normal(0.0, 0.02, (len(days), 7)), axis=0)
    closes = pd.DataFrame(50.0 * np.exp(logp), index=days, columns=list("abcdefg"))
    for j, listed_at in enumerate(rng.integers(0, 500, 7)):
        closes.iloc[:listed_at, j] = np.nan
    return closes.mask(rng.random(closes.shape) < 0.03)


@pytest.mark.parametrize("rebalance", ["Q", "M"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_basket_equals_holdings(rebalance: str, seed: int) -> None:
    closes = _closes(seed)
    got = basket_index(closes, rebalance=rebalance, min_share=0.4)  # type: ignore[arg-type]
    want = _holdings(closes, rebalance, 0.4)
    assert got.index.equals(want.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    counts = got.attrs["members_listed"]
    periods = pd.DatetimeIndex(got.index).to_period(rebalance)
    assert list(counts) == [str(p) for p in periods.unique()]
    ffilled = closes.ffill()
    all_periods = pd.DatetimeIndex(closes.index).to_period(rebalance)
    for p, n in counts.items():
        first = ffilled.loc[all_periods == pd.Period(p)].iloc[0]
        assert n == int(first.notna().sum())


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_min_share_outside_unit_interval_is_refused(share: float) -> None:
    closes = _closes(1)
    with pytest.raises(InputError, match="min_share"):
        basket_index(closes, min_share=share)


def test_no_rows_is_refused() -> None:
    empty = pd.DataFrame({"a": []}, index=pd.DatetimeIndex([]), dtype=float)
    with pytest.raises(InputError, match="no period has"):
        basket_index(empty)
