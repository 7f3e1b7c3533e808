"""Composite bubble gauge: ranking, aggregation, coverage, and the Shiller backtest."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from bubblescope.errors import InputError
from bubblescope.gauge import (
    CRITERIA,
    GaugeProxy,
    bubble_gauge,
    percentile_rank,
    shiller_proxies,
    stock_proxies,
)


def monthly(n: int) -> pd.DatetimeIndex:
    return pd.date_range("1900-01-01", periods=n, freq="MS")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=80))
def test_full_rank_matches_scipy_rankdata(values: list[float]) -> None:
    s = pd.Series(values, index=monthly(len(values)))
    expected = 100.0 * (rankdata(values, method="max") - 1) / (len(values) - 1)
    np.testing.assert_allclose(percentile_rank(s, ranking="full").to_numpy(), expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=3, max_size=60), st.data())
def test_expanding_rank_has_no_look_ahead(values: list[float], data: st.DataObject) -> None:
    s = pd.Series(values, index=monthly(len(values)))
    t = data.draw(st.integers(0, len(values) - 1))
    perturbed = s.copy()
    perturbed.iloc[t + 1 :] = data.draw(st.floats(-1e3, 1e3, allow_nan=False))
    a = percentile_rank(s, min_history=2).iloc[: t + 1]
    b = percentile_rank(perturbed, min_history=2).iloc[: t + 1]
    pd.testing.assert_series_equal(a, b)


def test_expanding_rank_reads_100_at_a_new_high() -> None:
    s = pd.Series([1.0, 3.0, 2.0, 4.0, 0.5], index=monthly(5))
    np.testing.assert_allclose(
        percentile_rank(s, min_history=2).to_numpy(), [np.nan, 100.0, 50.0, 100.0, 0.0]
    )


def _proxy(key: str, crit: str, values: list[float], higher: bool = True) -> GaugeProxy:
    return GaugeProxy(key, crit, pd.Series(values, index=monthly(len(values))), higher, "toy")


def test_aggregate_is_the_weighted_mean_of_available_criteria() -> None:
    a = _proxy("a", "sentiment", [1.0, 2.0, 3.0])
    b = _proxy("b", "leverage", [3.0, 2.0, 1.0])
    c = _proxy("c", "leverage", [1.0, 3.0, 2.0], higher=False)
    res = bubble_gauge([a, b, c], weights={"sentiment": 1.0, "leverage": 3.0}, ranking="full")
    last = res.criteria.iloc[-1]
    assert last["sentiment"] == pytest.approx(100.0)
    assert last["leverage"] == pytest.approx((0.0 + 50.0) / 2)
    assert res.aggregate.iloc[-1] == pytest.approx((1 * 100.0 + 3 * 25.0) / 4)
    assert res.coverage.iloc[-1] == pytest.approx(1.0)  # unlisted criteria get weight 0
    assert set(res.missing_criteria()) == set(CRITERIA) - {"sentiment", "leverage"}


def test_missing_criteria_reduce_coverage_not_the_reading() -> None:
    a = _proxy("a", "sentiment", [1.0, 2.0, 3.0])
    res = bubble_gauge([a], ranking="full")
    assert res.coverage.iloc[-1] == pytest.approx(1 / len(CRITERIA))
    assert res.aggregate.iloc[-1] == pytest.approx(100.0)
    assert "missing" in res.summary()


def test_bad_gauge_inputs_raise_named_errors() -> None:
    with pytest.raises(InputError, match="unknown criterion 'vibes'"):
        _proxy("a", "vibes", [1.0, 2.0])
    a = _proxy("a", "sentiment", [1.0, 2.0])
    with pytest.raises(InputError, match="duplicate proxy keys"):
        bubble_gauge([a, a])
    with pytest.raises(InputError, match="unknown criteria"):
        bubble_gauge([a], weights={"karma": 1.0})
    with pytest.raises(InputError, match="non-negative"):
        bubble_gauge([a], weights={"sentiment": -1.0})
    with pytest.raises(InputError, match="missing column"):
        shiller_proxies(pd.DataFrame({"P": [1.0]}, index=monthly(1)))


@pytest.fixture(scope="module")
def shiller() -> pd.DataFrame:
    from bubblescope.data.bundled import load_shiller

    return load_shiller()


def test_shiller_backtest_tops_in_1929_and_2000(shiller: pd.DataFrame) -> None:
    """Acceptance (issue 7): price/valuation components in their top decile in 1929 and 1999–2000.

    Point-in-time (expanding) ranks, Shiller 2026 vintage (the shipped table).
    """
    res = bubble_gauge(shiller_proxies(shiller))
    price = res.criteria["price_vs_traditional"]
    assert price.loc["1929-01":"1929-09"].max() >= 90
    assert price.loc["1999-01":"2000-03"].max() >= 90
    assert res.proxies["cape"].loc["1999-12"].iloc[0] == pytest.approx(100.0)
    # quiet years read low: CAPE in 1982 (CAPE ~7) is near the bottom of its history
    assert res.proxies["cape"].loc["1982-06"].iloc[0] < 10
    # three of seven criteria have Shiller proxies; the rest are reported as missing
    assert res.coverage.dropna().iloc[-1] == pytest.approx(3 / 7)
    assert set(res.missing_criteria()) == {
        "new_buyers",
        "sentiment",
        "leverage",
        "forward_purchases",
    }


def test_shiller_aggregate_recomputes_from_shown_components(shiller: pd.DataFrame) -> None:
    res = bubble_gauge(shiller_proxies(shiller))
    reading = res.reading("2000-01-31")
    crits = {k: v for k, v in reading["criteria"].items() if v is not None}
    expected = sum(res.weights[k] * v for k, v in crits.items()) / sum(
        res.weights[k] for k in crits
    )
    assert reading["aggregate"] == pytest.approx(expected)
    frame = res.to_frame()
    assert {"aggregate", "coverage", "proxy:cape", "criterion:monetary_policy"} <= set(frame)
    payload = res.to_dict()
    assert payload["weights"] == res.weights
    fig = res.plot()
    # the aggregate, then the criteria with data in a panel of their own
    assert len(fig.axes) == 2
    drawn = {line.get_label() for line in fig.axes[1].get_lines()}
    assert drawn >= {k for k in crits}


def test_stock_proxies_rank_momentum_against_own_history() -> None:
    idx = pd.bdate_range("2000-01-03", periods=260 * 8)
    price = np.exp(np.linspace(0.0, 1.0, len(idx)))
    price[-260 * 2 :] *= np.exp(np.linspace(0.0, 1.5, 260 * 2))  # a late surge
    frame = pd.DataFrame({"close": price, "volume": np.linspace(1e6, 5e6, len(idx))}, index=idx)
    proxies = stock_proxies(frame, name="TOY")
    assert {p.key for p in proxies} == {"momentum", "volume_growth"}
    res = bubble_gauge(proxies, min_history=60)
    last = res.reading(res.aggregate.dropna().index[-1])
    assert last["criteria"]["sentiment"] == pytest.approx(100.0)  # biggest 2-year gain ever
    assert last["coverage"] == pytest.approx(2 / 7)
    mom = next(p for p in proxies if p.key == "momentum").series.dropna()
    monthly = frame["close"].resample("ME").last()
    assert mom.iloc[-1] == pytest.approx(monthly.iloc[-1] / monthly.iloc[-25] - 1.0)


def test_stock_proxies_use_positive_earnings_only() -> None:
    idx = pd.bdate_range("2010-01-01", periods=600)
    frame = pd.Series(np.linspace(10.0, 20.0, len(idx)), index=idx, name="X")
    eps = pd.Series([1.0, -0.5], index=pd.to_datetime(["2010-01-31", "2011-06-30"]))
    pe = next(p for p in stock_proxies(frame, earnings=eps) if p.key == "pe").series
    assert pe.loc["2010-06-01"] == pytest.approx(frame.loc[:"2010-06-30"].iloc[-1] / 1.0)
    assert pe.loc["2011-07-01":].isna().all()


def test_a_gauge_without_enough_history_says_so() -> None:
    a = _proxy("a", "sentiment", [1.0, 2.0, 3.0])
    res = bubble_gauge([a], min_history=120)
    assert res.latest() is None
    assert "no reading yet" in res.summary()
    assert res.to_dict()["latest"] is None
    with pytest.raises(InputError, match="no gauge reading"):
        res.reading("1900-03-01")


# --- readings at a date: nothing later than the date may show up as "latest" -----------------


def _month_end_toy() -> tuple[pd.Series, pd.Series]:
    """Two toy proxies on month-end dates 1900-01 .. 1919-12 (a boom peaking in 1910-03)."""
    idx = pd.date_range("1900-01-31", periods=240, freq="ME")
    t = np.arange(240, dtype=float)
    boom = pd.Series(np.sin(t / 7.0) + np.exp(-(((t - 122) / 6.0) ** 2)) * 3.0, index=idx)
    rate = pd.Series(np.cos(t / 11.0), index=idx)
    return boom, rate


def _toy_gauge(ranking: str = "expanding"):  # type: ignore[no-untyped-def]
    boom, rate = _month_end_toy()
    proxies = [
        GaugeProxy("boom", "sentiment", boom, True, "toy boom"),
        GaugeProxy("rate", "monetary_policy", rate, False, "toy rate"),
    ]
    return bubble_gauge(proxies, ranking=ranking, min_history=24)  # type: ignore[arg-type]


def _expanding_pct(values: pd.Series, at: str) -> float:
    """Independent point-in-time percentile: scipy's max-rank among the values up to ``at``."""
    history = values.loc[:at].to_numpy()
    return float(100.0 * (rankdata(history, method="max")[-1] - 1) / (len(history) - 1))


def test_reading_at_a_month_is_the_one_of_that_month() -> None:
    res = _toy_gauge()
    boom, rate = _month_end_toy()
    reading = res.reading("1910-03")  # month-end data: "1910-03" means March 1910, not Feb
    assert reading["date"] == pd.Timestamp("1910-03-31")
    expected = {
        "sentiment": _expanding_pct(boom, "1910-03-31"),
        "monetary_policy": _expanding_pct(-rate, "1910-03-31"),
    }
    assert reading["criteria"]["sentiment"] == pytest.approx(expected["sentiment"])
    assert reading["criteria"]["monetary_policy"] == pytest.approx(expected["monetary_policy"])
    assert reading["aggregate"] == pytest.approx(sum(expected.values()) / 2)


def test_summary_at_a_date_shows_that_reading_and_no_later_latest() -> None:
    res = _toy_gauge()
    at = res.reading("1910-03")
    text = res.summary(at="1910-03")
    assert "latest" not in text.lower()
    assert f"reading as of 1910-03-31 (requested 1910-03): aggregate {at['aggregate']:.1f}" in text
    assert f"{at['criteria']['sentiment']:6.1f}" in text
    shown_dates = re.findall(r"\d{4}-\d{2}-\d{2}", text)
    assert shown_dates
    assert max(shown_dates) <= "1910-03-31"
    # without a date the summary says it is the latest reading, and which date that is
    assert "latest reading, as of 1919-12-31" in res.summary()


def test_to_dict_at_a_date_has_no_latest_and_stops_there() -> None:
    res = _toy_gauge()
    payload = res.to_dict(at="1910-03")
    assert "latest" not in payload
    assert payload["at"]["date"] == "1910-03-31"
    assert payload["requested_at"] == "1910-03"
    assert list(payload["aggregate"])[-1] == str(pd.Timestamp("1910-03-31"))
    expected = res.aggregate.loc[:"1910-03"].dropna()
    assert payload["aggregate"] == {str(day): value for day, value in expected.items()}
    assert res.to_dict()["latest"]["date"] == "1919-12-31"


def test_full_ranking_at_a_date_is_flagged_as_hindsight() -> None:
    text = _toy_gauge("full").summary(at="1910-03")
    assert "hindsight" in text
    assert "1919-12-31" in text  # the sample the ranks were taken against is named


def test_reading_at_a_date_after_the_data_names_both_dates() -> None:
    res = _toy_gauge()
    text = res.summary(at="1935-06")
    assert "as of 1919-12-31" in text
    assert "requested 1935-06" in text


def test_reading_at_a_bad_date_is_an_input_error() -> None:
    res = _toy_gauge()
    with pytest.raises(InputError, match="'soon' is not a date"):
        res.reading("soon")
    with pytest.raises(InputError, match="no gauge reading at or before 1890-01"):
        res.summary(at="1890-01")
