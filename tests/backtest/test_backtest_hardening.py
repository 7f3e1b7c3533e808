"""The backtest reports why each signal failed and refuses NaN prices (issue 20)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import backtest, backtest_universe
from bubblescope.errors import InputError

from .conftest import CHEAP, SMALL_EVENTS, weekly_prices


def test_every_signal_failing_names_each_reason_instead_of_a_key_error() -> None:
    # 30 weeks: too short for a one-year PSY training window and for a 12-month run-up
    short = weekly_prices(1, n=30)
    with pytest.raises(InputError) as info:
        backtest(short, signals=["psy", "runup"], config=CHEAP, events=SMALL_EVENTS)
    message = str(info.value)
    assert "could be computed" in message
    assert "psy:" in message
    assert "runup:" in message


def test_universe_records_the_per_signal_reasons_as_the_symbol_failure() -> None:
    good = weekly_prices(2)
    out = backtest_universe(
        {"ok": good, "short": weekly_prices(3, n=30)},
        signals=["psy"],
        config=CHEAP,
        events=SMALL_EVENTS,
    )
    assert list(out.results) == ["ok"]
    assert "psy:" in out.failures["short"]


def test_nan_inside_the_prices_is_refused() -> None:
    prices = weekly_prices(4)
    prices.iloc[50] = np.nan
    with pytest.raises(InputError, match="NaN"):
        backtest(prices, signals=["psy"], config=CHEAP, events=SMALL_EVENTS)


def test_nan_before_listing_is_trimmed_in_a_universe_but_not_inside() -> None:
    prices = weekly_prices(5)
    listed_later = pd.concat([pd.Series(np.nan, index=prices.index[:10]), prices.iloc[10:]])
    gap = prices.copy()
    gap.iloc[80] = np.nan
    out = backtest_universe(
        {"later": listed_later, "gap": gap}, signals=["psy"], config=CHEAP, events=SMALL_EVENTS
    )
    assert out.results["later"].prices.index[0] == prices.index[10]
    assert "NaN" in out.failures["gap"]
