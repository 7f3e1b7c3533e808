"""Crash-event detection: hand-computed cases and the NASDAQ's documented dot-com crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import Event, EventSpec, detect_events
from bubblescope.data.bundled import load_bundled
from bubblescope.errors import InputError


def monthly(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2000-01-31", periods=len(values), freq="ME"))


def test_one_crash_peak_trough_and_depth_by_hand() -> None:
    # peak 10 in month 3, first <= 8 in month 5, trough 5 in month 6: depth -50%
    ev = detect_events(monthly([8, 9, 10, 9, 8, 5, 6, 7]), EventSpec(0.2, 24))
    assert len(ev) == 1
    e = ev[0]
    assert (e.peak, e.crash_date, e.trough) == (
        pd.Timestamp("2000-03-31"),
        pd.Timestamp("2000-05-31"),
        pd.Timestamp("2000-06-30"),
    )
    assert e.depth == pytest.approx(-0.5)


def test_fall_slower_than_the_horizon_is_not_an_event() -> None:
    # 100 -> 79 over 30 months (1% a month down) with a 24-month horizon: no event; 36: one
    p = monthly(list(100 * 0.9922 ** np.arange(31)))
    assert detect_events(p, EventSpec(0.2, 24)) == ()
    assert len(detect_events(p, EventSpec(0.2, 36))) == 1


def test_rebound_separates_two_crashes_but_not_a_bear_market_rally() -> None:
    # 100 -> 70 -> 91 (+30%) -> 60 -> 100 (+67%) -> 75: one event with rebound 0.5, as the
    # +30% rally does not end the down phase; with rebound 0.25 the rally ends it
    p = monthly([100, 70, 91, 60, 100, 75])
    assert [e.peak.month for e in detect_events(p, EventSpec(0.2, 24, rebound=0.5))] == [1, 5]
    assert [e.peak.month for e in detect_events(p, EventSpec(0.2, 24, rebound=0.25))] == [1, 3, 5]


def test_event_round_trips_through_dict() -> None:
    e = detect_events(monthly([8, 10, 7, 9.0]), EventSpec(0.2, 24))[0]
    assert Event.from_dict(e.to_dict()) == e


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"drawdown": 1.5}, "drawdown must lie strictly between 0 and 1"),
        ({"horizon_months": 0}, "horizon_months must be a positive"),
        ({"rebound": -0.1}, "rebound must be positive"),
    ],
)
def test_bad_event_specs(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(InputError, match=match):
        EventSpec(**kwargs)  # type: ignore[arg-type]


def test_undated_or_bad_prices_are_rejected() -> None:
    with pytest.raises(InputError, match="dated prices"):
        detect_events(pd.Series([1.0, 2.0, 1.0]))
    with pytest.raises(InputError, match="non-positive|positive"):
        detect_events(monthly([1.0, -2.0, 1.0]))


def test_nasdaq_dot_com_crash_matches_provenance() -> None:
    # PROVENANCE.md section 4: peak 5,048.62 on 2000-03-10, trough 1,114.11 on 2002-10-09 (-77.9%)
    p = load_bundled("nasdaq")["close"]  # FRED NASDAQCOM, as shipped
    ev = {e.peak: e for e in detect_events(p, EventSpec.index())}
    e = ev[pd.Timestamp("2000-03-10")]
    assert e.peak_price == pytest.approx(5048.62)
    assert e.trough == pd.Timestamp("2002-10-09")
    assert e.trough_price == pytest.approx(1114.11)
    assert e.depth == pytest.approx(-0.779, abs=5e-4)
    assert pd.Timestamp("2007-10-31") in ev  # the 2008 crash is its own event
