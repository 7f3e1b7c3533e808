"""The cached backtest: read back equal to the computed one, recomputed on any change of input.

A cache hit must return what the uncached path computes (every stored series, event and
score, the JSON and the chart); its key must move with one changed data point or one changed
setting, and stay put for unchanged inputs (counted by how often the backtest runs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope._json import to_jsonable
from bubblescope.backtest import BacktestResult, backtest
from bubblescope.backtest.cached import result_from_json, result_to_json
from bubblescope.charts import to_plotly
from bubblescope.data import catalog
from bubblescope.settings import RunSettings
from bubblescope.status import records
from bubblescope.status.records import cached_nasdaq_backtest
from tests.backtest.conftest import CHEAP, SMALL_EVENTS, shiller_like, weekly_prices

#: The report tests' small run: quick preset, monthly PSY with 99 replications, a quarterly
#: LPPLS grid in the backtest.
FAST_RUN = RunSettings.preset("quick").with_changes(
    psy={"frequency": "M", "reps": 99},
    lppls={"scales": ("short",), "history_months": 1},
    backtest={"lppls_grid": "Q", "psy_reps": 99},
)


def assert_same(got: BacktestResult, want: BacktestResult) -> None:
    """Every stored field, the scores, the JSON and the chart are equal."""
    pd.testing.assert_series_equal(got.prices, want.prices)
    assert got.prices.index.freq == want.prices.index.freq
    pd.testing.assert_frame_equal(got.values, want.values)
    pd.testing.assert_frame_equal(got.alarms, want.alarms)
    pd.testing.assert_frame_equal(got.scores.table, want.scores.table)
    pd.testing.assert_frame_equal(got.scores.leads, want.scores.leads)
    assert got.scores.unscored == want.scores.unscored
    assert got.events == want.events
    assert got.event_spec == want.event_spec
    assert got.signals == want.signals
    assert got.skipped == want.skipped
    assert got.settings == want.settings
    assert got.to_dict() == want.to_dict()
    assert to_jsonable(to_plotly(got.chart_spec())) == to_jsonable(to_plotly(want.chart_spec()))


def _round_trip(result: BacktestResult) -> BacktestResult:
    return result_from_json(json.loads(json.dumps(result_to_json(result), allow_nan=False)))


def test_round_trip_of_every_signal_is_exact() -> None:
    prices = weekly_prices(7, n=420)
    market = weekly_prices(8, n=420)
    res = backtest(
        prices,
        signals="all",
        config=CHEAP,
        shiller=shiller_like(1),
        events=SMALL_EVENTS,
        market=market,
        name="S7",
        rng=11,
    )
    assert res.values.isna().to_numpy().any()  # NaN survives as NaN, not as a number
    assert res.events  # events and their scores are part of what is compared
    assert_same(_round_trip(res), res)


def test_non_finite_values_and_second_units_survive() -> None:
    res = backtest(
        weekly_prices(3, n=200), signals="runup", config=CHEAP, events=SMALL_EVENTS, name="S3"
    )
    values = res.values.copy()
    values.iloc[5, 0], values.iloc[6, 0] = np.inf, -np.inf
    prices = res.prices.copy()
    prices.index = pd.DatetimeIndex(prices.index.as_unit("s"), freq=prices.index.freq)
    values.index = prices.index
    alarms = res.alarms.set_axis(prices.index)
    odd = BacktestResult(
        res.name, prices, values, alarms, res.signals, res.events, res.event_spec,
        res.scores, res.skipped, res.settings,
    )  # fmt: skip
    back = _round_trip(odd)
    assert back.values.iloc[5, 0] == np.inf
    assert back.values.iloc[6, 0] == -np.inf
    assert back.prices.index.dtype == np.dtype("datetime64[s]")
    pd.testing.assert_frame_equal(back.values, odd.values)


@pytest.fixture(scope="module")
def nasdaq_fast() -> BacktestResult:
    """The uncached NASDAQ backtest of the small run (computed once for the module)."""
    return records.nasdaq_backtest(FAST_RUN)


@pytest.fixture
def counted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, nasdaq_fast: BacktestResult
) -> list[RunSettings]:
    """A fresh cache folder; each computation is recorded (and answers the real result)."""
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    calls: list[RunSettings] = []

    def compute(settings: RunSettings) -> BacktestResult:
        calls.append(settings)
        return nasdaq_fast

    monkeypatch.setattr(records, "nasdaq_backtest", compute)
    return calls


def test_hit_and_miss_equal_the_uncached_backtest(
    counted: list[RunSettings], nasdaq_fast: BacktestResult
) -> None:
    miss = cached_nasdaq_backtest(FAST_RUN)
    hit = cached_nasdaq_backtest(FAST_RUN)
    assert len(counted) == 1  # the unchanged input was read back, not recomputed
    assert_same(miss, nasdaq_fast)
    assert_same(hit, nasdaq_fast)


def test_no_cache_setting_recomputes(
    counted: list[RunSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    cached_nasdaq_backtest(FAST_RUN)
    monkeypatch.setenv("BUBBLESCOPE_NO_CACHE", "1")
    cached_nasdaq_backtest(FAST_RUN)
    assert len(counted) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"psy": {"seed": 8}},
        {"psy": {"lag": 1}},
        {"psy": {"level": 0.9}},
        {"backtest": {"psy_reps": 199}},
        {"backtest": {"lppls_step": 10}},
        {"backtest": {"lppls_grid": "M"}},
        {"backtest": {"frequency": "M"}},
        {"backtest": {"train_years": 12}},
        {"lppls": {"alarm": 0.2}},
        {"runup": {"threshold": 0.9}},
        {"lights": {"crash_red": 0.4}},
    ],
    ids=lambda c: ".".join([*c, *next(iter(c.values()))]),
)
def test_one_changed_setting_recomputes(
    counted: list[RunSettings], change: dict[str, dict[str, object]]
) -> None:
    cached_nasdaq_backtest(FAST_RUN)
    changed = FAST_RUN.with_changes(**change)
    assert changed.fingerprint() != FAST_RUN.fingerprint()
    cached_nasdaq_backtest(changed)
    cached_nasdaq_backtest(changed)
    assert counted == [FAST_RUN, changed]


@pytest.mark.parametrize("symbol", ["NASDAQ", "SP500"])
def test_one_changed_data_point_recomputes(
    counted: list[RunSettings], monkeypatch: pytest.MonkeyPatch, symbol: str
) -> None:
    cached_nasdaq_backtest(FAST_RUN)
    real: Callable[..., pd.DataFrame] = catalog.load_series

    def nudged(name: str, *args: object, **kwargs: object) -> pd.DataFrame:
        frame = real(name, *args, **kwargs).copy()
        if name == symbol:
            frame.iloc[len(frame) // 2, frame.columns.get_loc("close")] *= 1.0 + 1e-9
        return frame

    monkeypatch.setattr(catalog, "load_series", nudged)
    cached_nasdaq_backtest(FAST_RUN)
    cached_nasdaq_backtest(FAST_RUN)
    assert len(counted) == 2
