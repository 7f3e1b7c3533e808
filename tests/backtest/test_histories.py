"""Real histories: French industries with their market, the yahoo_dsturdy universe, eras.

The readers get the shared data folder's files, byte for byte: rebuilt from the shipped dataset
(NASDAQ, Yahoo closes) or the committed copy (French's file); see tests/reference.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import EventSpec, SignalConfig, backtest_universe
from bubblescope.backtest.histories import (
    load_french,
    load_nasdaq,
    load_universe,
    to_monthly,
    to_weekly,
)
from bubblescope.errors import DataError, InputError
from tests.reference import SharedFiles

FAST = SignalConfig(psy_reps=49, cache=False)


@pytest.mark.parametrize("sample", [to_weekly, to_monthly])
def test_a_bad_close_inside_a_period_is_refused_not_sampled_away(sample: object) -> None:
    days = pd.bdate_range("2020-01-01", periods=60)
    close = pd.Series(100.0 + np.arange(60.0), index=days, name="x")
    close.iloc[[21, 40]] = [-5.0, 0.0]  # a Thursday: the week and the month keep Friday 31st
    assert days[21].day_name() == "Thursday"
    with pytest.raises(InputError, match=r"x: 2 non-positive close\(s\), first -5 at 2020-01-30"):
        sample(close)  # type: ignore[operator]
    assert (sample(close.abs() + 1.0) > 0).all()  # type: ignore[operator]


def test_weekly_sampling_equals_a_week_by_week_reference() -> None:
    """Each week's last close (NaN skipped) dated at its last trading day, names as given."""
    rng = np.random.default_rng(9)
    days = pd.bdate_range("2019-12-18", "2021-02-10", name="date")
    close = pd.Series(rng.lognormal(size=len(days)), index=days, name="x")
    close.iloc[rng.choice(len(days), 25, replace=False)] = np.nan
    close.iloc[-1] = np.nan  # the last week's value comes from an earlier day
    want_days, want_values = [], []
    for week in sorted(set(days.to_period("W-FRI"))):
        rows = close[days.to_period("W-FRI") == week]
        want_days.append(rows.index[-1])
        want_values.append(rows.dropna().iloc[-1] if rows.notna().any() else np.nan)
    want = pd.Series(want_values, index=pd.DatetimeIndex(want_days), name="x")
    pd.testing.assert_series_equal(to_weekly(close), want)


def test_weekly_sampling_keeps_the_last_trading_day(shared_file: SharedFiles) -> None:
    nq = load_nasdaq(shared_file("fred/NASDAQCOM_daily_1971-2026_combined.csv"))
    w = to_weekly(nq)
    # PROVENANCE: 5,048.62 on Friday 2000-03-10, the dot-com peak
    assert w[pd.Timestamp("2000-03-10")] == pytest.approx(5048.62)
    assert w.index.is_monotonic_increasing
    assert set(w.index).issubset(set(nq.index))


def test_french_industries_dot_com_crash(shared_file: SharedFiles) -> None:
    prices, market = load_french(
        shared_file("ken_french/49_Industry_Portfolios_monthly_1926-2025.csv")
    )
    assert prices.shape[1] == 49
    uni = backtest_universe(
        {c: prices[c] for c in ("Chips", "Hardw")},
        signals="runup,baseline_return",
        market=market,
        config=FAST,
    )
    assert not uni.failures
    chips = uni.results["Chips"]
    peaks = [e.peak for e in chips.events]
    assert any(pd.Timestamp("2000-01-31") <= p <= pd.Timestamp("2000-12-31") for p in peaks)
    assert uni.pooled.loc["runup", "events"] == sum(
        r.scores.table.loc["runup", "events"] for r in uni.results.values()
    )


def test_universe_csco_peak_and_eras_side_by_side(shared_file: SharedFiles) -> None:
    symbols = ["CSCO", "NVDA", "CRWV"]
    folder = shared_file.folder("yahoo_dsturdy", [f"{s}.csv" for s in symbols])
    uni_data = load_universe(folder, symbols)
    uni = backtest_universe(
        uni_data, signals="psy,runup,baseline_return", config=FAST, events=EventSpec.stock()
    )
    # PROVENANCE: CSCO peaked on 2000-03-27 and fell 89% to its 2002 low; the +50% rally off
    # the April 2001 low ends the first down phase (EventSpec.rebound), so this event's trough
    # is the 2001 low and the rest of the fall is a later event
    csco = {e.peak: e for e in uni.results["CSCO"].events}
    first = csco[pd.Timestamp("2000-03-27")]
    assert first.trough.year == 2001
    assert first.depth < -0.8
    assert any(first.peak < p < pd.Timestamp("2002-10-31") for p in csco)
    # CRWV (listed 2025-03) is too short for a 10-year PSY training sample or a run-up
    assert "psy" in uni.results["CRWV"].skipped
    eras = uni.eras().loc["NVDA"]
    assert set(eras.index.get_level_values("era")) == {"dot-com", "AI"}
    assert eras.loc[("AI", "baseline_return"), "max_value"] > 1.0


def test_missing_files_are_data_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no symbol files"):
        load_universe(tmp_path)
