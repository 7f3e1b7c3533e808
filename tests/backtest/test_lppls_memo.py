"""LPPLS Confidence per grid date in the results cache: a longer history reuses what it can.

The ``lppls`` signal with ``cache`` on must equal the signal computed cold, value for value,
whether its grid dates are all new, partly cached (a history with more days) or invalidated
by a revised price; and it must compute exactly the grid dates whose window changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest.signals import Signal, lppls_grid_dates, lppls_signal
from bubblescope.detect import lppls as lppls_api
from bubblescope.detect.lppls import GridSpec
from bubblescope.web import cost
from tests.backtest.conftest import CHEAP, weekly_prices

PRICES = weekly_prices(11, n=420)
WARM = dataclasses.replace(CHEAP, cache=True)
NEED = CHEAP.lppls_windows.max_window if CHEAP.lppls_windows else 0


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[pd.Timestamp]]:
    """A fresh results cache; the t2 dates of every LPPLS Confidence run are recorded."""
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    runs: list[list[pd.Timestamp]] = []
    real: Callable[..., Any] = lppls_api.lppls_confidence

    def counted(prices: pd.Series, *args: Any, **kwargs: Any) -> Any:
        result = real(prices, *args, **kwargs)
        runs.append(list(result.frame.index))
        return result

    monkeypatch.setattr(lppls_api, "lppls_confidence", counted)
    return runs


def _signal(prices: pd.Series, cfg: Any = WARM) -> Signal:
    return lppls_signal(prices, cfg, frequency="W")


def assert_same_signal(got: Signal, want: Signal) -> None:
    pd.testing.assert_series_equal(got.value, want.value, check_exact=True)
    pd.testing.assert_series_equal(got.alarm, want.alarm, check_exact=True)
    assert got.description == want.description


def _grid(prices: pd.Series) -> list[pd.Timestamp]:
    t2, _ = lppls_grid_dates(pd.DatetimeIndex(prices.index), "M", NEED)
    return list(t2)


def test_a_longer_history_computes_only_its_new_grid_dates(
    computed: list[list[pd.Timestamp]],
) -> None:
    shorter = PRICES.iloc[:-30]
    assert_same_signal(_signal(shorter), _signal(shorter, CHEAP))
    computed.clear()
    full = _signal(PRICES)
    new = sorted(set(_grid(PRICES)) - set(_grid(shorter)))
    assert len(new) >= 5
    assert computed == [new]  # one run, over the new grid dates only
    assert full.value.notna().sum() > 0
    assert_same_signal(full, _signal(PRICES, CHEAP))
    computed.clear()
    assert_same_signal(_signal(PRICES), full)  # all read back
    assert computed == []


def test_a_revised_price_recomputes_the_dates_whose_window_holds_it(
    computed: list[list[pd.Timestamp]],
) -> None:
    _signal(PRICES)
    revised = PRICES.copy()
    k = 300
    revised.iloc[k] *= 1.0 + 1e-12
    computed.clear()
    got = _signal(revised)
    positions = pd.DatetimeIndex(PRICES.index).get_indexer(_grid(PRICES))
    holding = [PRICES.index[p] for p in positions if p - NEED + 1 <= k <= p]
    assert computed == [holding]
    assert_same_signal(got, _signal(revised, CHEAP))


def test_other_settings_share_nothing_and_no_cache_stores_nothing(
    computed: list[list[pd.Timestamp]], tmp_path: Path
) -> None:
    _signal(PRICES)
    finer = dataclasses.replace(
        WARM, lppls_gridspec=GridSpec(n_tc=6, n_m=3, n_omega=5, keep=1, max_iter=10)
    )
    computed.clear()
    _signal(PRICES, finer)
    assert computed == [_grid(PRICES)]
    stored = len(list((tmp_path / "cache" / "lppls-date").glob("*.json")))
    assert stored == 2 * len(_grid(PRICES))
    _signal(weekly_prices(12, n=420), CHEAP)
    assert len(list((tmp_path / "cache" / "lppls-date").glob("*.json"))) == stored


def test_the_estimate_counts_only_the_grid_dates_left_to_compute(
    computed: list[list[pd.Timestamp]],
) -> None:
    windows = CHEAP.lppls_windows
    assert windows is not None

    def fits(cfg: Any) -> float:
        return cost.backtest_prices_cost(
            PRICES, ["lppls"], train_years=1.0, lag=0, reps=10, lppls_grid="M",
            lppls_windows=windows, config=cfg,
        ).seconds  # fmt: skip

    per_date = cost.backtest_cost(0, None, 0, 0, len(windows), int(windows.lengths.sum())).seconds
    assert fits(WARM) == pytest.approx(len(_grid(PRICES)) * per_date)
    _signal(PRICES.iloc[:-30])
    new = len(set(_grid(PRICES)) - set(_grid(PRICES.iloc[:-30])))
    assert fits(WARM) == pytest.approx(new * per_date)
    assert fits(CHEAP) == pytest.approx(len(_grid(PRICES)) * per_date)  # cache off: all
    assert np.isfinite(per_date)
    assert per_date > 0
