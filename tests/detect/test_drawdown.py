"""Drawdown curve, maximum drawdown and episode table."""

from __future__ import annotations

import itertools
import json

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data.bundled import load_bundled
from bubblescope.detect.drawdowns import drawdown, drawdown_curve, max_drawdown
from bubblescope.errors import InputError

matplotlib.use("Agg")


def test_nasdaq_dotcom_episode() -> None:
    # NASDAQ Composite closes: record 5,048.62 on 2000-03-10, low 1,114.11 on 2002-10-09
    # (Nasdaq/press records); first close above the 2000 record on 2015-04-23 (5,056.06),
    # widely reported as the first record close in 15 years.
    res = drawdown(load_bundled("nasdaq").loc["1999":"2018"], top=3)
    ep = res.episodes.iloc[0]
    assert ep.peak == pd.Timestamp("2000-03-10")
    assert ep.trough == pd.Timestamp("2002-10-09")
    assert ep.recovery == pd.Timestamp("2015-04-23")
    assert ep.peak_price == pytest.approx(5048.62, abs=0.01)
    assert ep.trough_price == pytest.approx(1114.11, abs=0.01)
    assert ep.depth_pct == pytest.approx(100 * (1114.11 / 5048.62 - 1), abs=1e-3)
    assert round(ep.depth_pct, 1) == -77.9
    assert res.max_drawdown == pytest.approx(ep.depth_pct / 100)
    # the second-worst episode (Q4 2018) had not recovered by the end of the data
    assert pd.isna(res.episodes.iloc[1].recovery)
    payload = json.dumps(res.to_dict(), allow_nan=False)
    assert '"recovery": null' in payload
    assert "2000-03-10" in res.summary()


def _brute_max_drawdown(p: np.ndarray) -> float:
    worst = 0.0
    for i in range(len(p)):
        for j in range(i, len(p)):
            worst = min(worst, p[j] / p[i] - 1.0)
    return worst


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1e4, allow_nan=False), min_size=2, max_size=40))
def test_properties_against_brute_force(values: list[float]) -> None:
    p = np.asarray(values)
    dd = drawdown_curve(p)
    assert (dd <= 0).all()
    assert max_drawdown(p) == pytest.approx(_brute_max_drawdown(p), abs=1e-12)
    res = drawdown(pd.Series(p), top=100)
    assert res.n_episodes == len(res.episodes)
    # deepest first; episodes disjoint in time
    depths = res.episodes["depth_pct"].to_numpy()
    assert (np.diff(depths) >= 0).all()
    spans = sorted(zip(res.episodes.peak, res.episodes.underwater_periods, strict=True))
    for (a, la), (b, _) in itertools.pairwise(spans):
        assert a + la <= b
    if res.n_episodes:
        assert res.episodes["depth_pct"].min() == pytest.approx(100 * max_drawdown(p))


def test_hand_made_path_dates_and_durations() -> None:
    idx = pd.date_range("2020-01-31", periods=8, freq="ME")
    p = pd.Series([100, 120, 60, 90, 130, 117, 110, 140.0], index=idx, name="x")
    res = drawdown(p)
    first, second = res.episodes.iloc[0], res.episodes.iloc[1]
    assert (first.peak, first.trough, first.recovery) == (idx[1], idx[2], idx[4])
    assert first.depth_pct == pytest.approx(-50.0)
    assert (first.decline_periods, first.recovery_periods, first.underwater_periods) == (1, 2, 3)
    assert first.decline_days == (idx[2] - idx[1]).days
    assert (second.peak, second.trough, second.recovery) == (idx[4], idx[6], idx[7])
    assert second.depth_pct == pytest.approx(100 * (110 / 130 - 1))
    frame = res.to_frame()
    assert list(frame.columns) == ["price", "running_peak", "drawdown"]
    assert frame.index.equals(idx)
    fig = res.plot()
    assert type(fig).__name__ == "Figure"


def test_monotone_series_has_no_episode() -> None:
    res = drawdown([1.0, 2.0, 3.0])
    assert res.max_drawdown == 0.0
    assert res.n_episodes == 0
    assert "Maximum drawdown: 0.0%" in res.summary()


@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        ([1.0, np.nan, 2.0], {}, "NaN"),
        ([1.0, -2.0, 3.0], {}, "non-positive"),
        ([1.0], {}, "too short"),
        (
            pd.Series(
                [1.0, 2.0, 3.0], index=pd.to_datetime(["2020-01-03", "2020-01-01", "2020-01-02"])
            ),
            {},
            "not sorted",
        ),
        ([1.0, 2.0], {"top": 0}, "top must be a positive integer"),
    ],
)
def test_bad_input(data: object, kwargs: dict[str, int], match: str) -> None:
    with pytest.raises(InputError, match=match):
        drawdown(data, **kwargs)
