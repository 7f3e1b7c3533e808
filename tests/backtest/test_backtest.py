"""Backtest runs: seeds, serial/process/Dask identity, stored-state scoring, result API."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import (
    BacktestResult,
    Event,
    EventSpec,
    SignalConfig,
    backtest,
    backtest_universe,
    parse_signals,
    score,
)
from bubblescope.backtest.histories import to_weekly
from bubblescope.charts import Y_PAD, panel_yrange, to_plotly
from bubblescope.data.bundled import load_bundled, load_shiller
from bubblescope.detect.exuberance import psy
from bubblescope.errors import InputError
from bubblescope.status.records import month_end_shiller
from tests.backtest.conftest import CHEAP, SMALL_EVENTS, weekly_prices


def run(prices: pd.Series, shiller: pd.DataFrame, rng: int = 0, **kw: object) -> BacktestResult:
    return backtest(prices, shiller=shiller, config=CHEAP, events=SMALL_EVENTS, rng=rng, **kw)  # type: ignore[arg-type]


def assert_same(a: BacktestResult, b: BacktestResult) -> None:
    pd.testing.assert_frame_equal(a.values, b.values)
    pd.testing.assert_frame_equal(a.alarms, b.alarms)
    pd.testing.assert_frame_equal(a.scores.table, b.scores.table)
    assert a.events == b.events
    assert a.signals == b.signals


def test_deterministic_for_a_seed(prices: pd.Series, shiller: pd.DataFrame) -> None:
    a, b = run(prices, shiller, rng=5), run(prices, shiller, rng=5)
    assert_same(a, b)
    other = run(prices, shiller, rng=6)
    # only the PSY bootstrap draws: another seed moves its critical value
    assert other.signals[0]["threshold"] != a.signals[0]["threshold"]
    pd.testing.assert_frame_equal(other.values.drop(columns="psy"), a.values.drop(columns="psy"))


@pytest.mark.slow
def test_one_history_serial_and_process_pool_are_identical(
    prices: pd.Series, shiller: pd.DataFrame
) -> None:
    # n_jobs=2 spreads the PSY bootstrap chunks, the LPPLS dates and the CUSUM, sign-based and
    # Breitung-Diegel boundary simulations (CHEAP: uncached) over two processes
    assert_same(run(prices, shiller, n_jobs=None), run(prices, shiller, n_jobs=2))


def test_universe_serial_and_process_pool_are_identical(shiller: pd.DataFrame) -> None:
    uni = {f"S{i}": weekly_prices(i) for i in range(3)}
    u1 = backtest_universe(uni, config=CHEAP, events=SMALL_EVENTS, shiller=shiller, rng=1)
    u2 = backtest_universe(uni, config=CHEAP, events=SMALL_EVENTS, shiller=shiller, rng=1, n_jobs=2)
    pd.testing.assert_frame_equal(u1.to_frame(), u2.to_frame())
    pd.testing.assert_frame_equal(u1.pooled, u2.pooled)
    for sym in uni:
        assert_same(u1.results[sym], u2.results[sym])


@pytest.mark.cluster
def test_dask_local_cluster_is_identical(shiller: pd.DataFrame) -> None:
    distributed = pytest.importorskip("distributed")
    uni = {f"S{i}": weekly_prices(i) for i in range(3)}
    serial = backtest_universe(uni, config=CHEAP, events=SMALL_EVENTS, shiller=shiller, rng=1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        dask = backtest_universe(
            uni,
            config=CHEAP,
            events=SMALL_EVENTS,
            shiller=shiller,
            rng=1,
            executor=client.get_executor(),
        )
    pd.testing.assert_frame_equal(serial.to_frame(), dask.to_frame())
    for sym in uni:
        assert_same(serial.results[sym], dask.results[sym])


def test_scores_recompute_from_stored_signals_and_events(
    prices: pd.Series, shiller: pd.DataFrame
) -> None:
    res = run(prices, shiller)
    again = res.score()
    pd.testing.assert_frame_equal(again.table, res.scores.table)
    pd.testing.assert_frame_equal(again.leads, res.scores.leads)
    # from the exported frame and the JSON event list alone
    frame = res.to_frame()
    payload = json.loads(json.dumps(res.to_dict()))
    events = [Event.from_dict(e) for e in payload["events"]]
    alarms = frame.filter(like="alarm:").rename(columns=lambda c: c.split(":", 1)[1])
    probs = frame[["value:crash_probability"]].rename(columns=lambda c: c.split(":", 1)[1])
    spec = EventSpec(
        **{
            k: payload["event_spec"][k]
            for k in ("drawdown", "horizon_months", "rebound", "warning_months")
        }
    )
    rebuilt = score(
        alarms,
        events,
        spec,
        probabilities=probs,
        kinds={s["name"]: s["kind"] for s in payload["signals"]},
        baselines=[s["name"] for s in payload["signals"] if s["baseline"]],
    )
    pd.testing.assert_frame_equal(rebuilt.table, res.scores.table)
    # another event definition rescoring the same stored series
    assert res.score(EventSpec(0.3, 6)).table.shape == res.scores.table.shape


def test_psy_signal_equals_psy_on_the_truncated_series(
    prices: pd.Series, shiller: pd.DataFrame
) -> None:
    res = run(prices, shiller)
    b = res.values["psy"].dropna()
    # the monitor's window comes from the 1-year training sample (52 weeks + the first Friday)
    window = int(res.signals[0]["description"].split("window ")[1].split(")")[0])
    ref = psy(np.log(prices), window=window, cv=None).bsadf
    np.testing.assert_allclose(b.to_numpy(), ref.loc[b.index].to_numpy(), rtol=0, atol=1e-9)
    thr = res.signals[0]["threshold"]
    np.testing.assert_array_equal(res.alarms["psy"].dropna().to_numpy() > 0.5, b.to_numpy() > thr)


def test_result_api(prices: pd.Series, shiller: pd.DataFrame) -> None:
    import matplotlib.figure

    res = run(prices, shiller)
    text = res.summary()
    assert "latest readings" in text
    assert "baseline_cape (b" in text
    assert json.loads(json.dumps(res.to_dict()))["observations"] == len(prices)
    assert set(res.to_frame().columns) >= {"price", "value:psy", "alarm:lppls"}
    assert isinstance(res.plot(), matplotlib.figure.Figure)
    eras = res.eras({"early": ("2000-01-01", "2000-12-31"), "late": ("2002-01-01", "2003-12-31")})
    assert eras.index.get_level_values("era").unique().tolist() == ["early", "late"]


def test_chart_spec_price_on_its_own_log_range_events_as_lines_alarms_as_spans(
    prices: pd.Series, shiller: pd.DataFrame
) -> None:
    res = run(prices, shiller)
    assert res.events  # the layout below is about them
    spec = res.chart_spec()
    price, *strips = spec.panels
    # price: log axis, range from its own data, padded by at most Y_PAD of its log span
    assert price.logy
    lo, hi = panel_yrange(price)  # type: ignore[misc]
    p_lo, p_hi = float(prices.min()), float(prices.max())
    assert lo < p_lo
    assert hi > p_hi
    assert np.log10(hi / lo) <= (1 + 2 * Y_PAD) * np.log10(p_hi / p_lo) + 1e-12
    layout = to_plotly(spec)["layout"]
    assert layout["yaxis"]["type"] == "log"
    assert 10 ** layout["yaxis"]["range"][1] == pytest.approx(hi)
    # every crash peak is a vertical line across every panel, labelled once, on the price
    peaks = [e.peak for e in res.events]
    for panel in spec.panels:
        assert [v.x for v in panel.vlines] == peaks
    assert all(v.label for v in price.vlines)
    assert not any(v.label for s in strips for v in s.vlines)
    # one strip per signal: distinct short titles, no axis title to collide with its neighbours
    assert len(strips) == len(res.signals)
    titles = [s.title for s in strips]
    assert len(set(titles)) == len(titles)
    assert all(len(t) <= 60 and not s.ylabel for t, s in zip(titles, strips, strict=True))
    assert all(t.startswith(info["name"]) for t, info in zip(titles, res.signals, strict=True))
    # a strip is shaded on exactly the dates its alarm is on
    dates = prices.index
    for info, strip in zip(res.signals, strips, strict=True):
        on = (res.alarms[info["name"]] > 0.5).to_numpy()
        closed = np.zeros(len(dates), dtype=bool)
        half_open = np.zeros(len(dates), dtype=bool)
        for band in strip.bands:
            closed |= (dates >= band.start) & (dates <= band.end)
            half_open |= (dates >= band.start) & (dates < band.end)
        assert (closed | ~on).all(), info["name"]
        assert not (half_open & ~on).any(), info["name"]
        if info["threshold"] is not None:
            assert [h.y for h in strip.hlines] == [pytest.approx(info["threshold"])]


def test_missing_inputs_are_reported_or_raised(prices: pd.Series) -> None:
    res = backtest(prices, signals="runup,gauge", config=CHEAP, events=SMALL_EVENTS)
    assert "gauge" in res.skipped
    assert "needs Shiller" in res.skipped["gauge"]
    with pytest.raises(InputError, match="needs Shiller monthly data"):
        backtest(prices, signals="gauge", config=CHEAP, strict=True)
    with pytest.raises(InputError, match="training sample covers the whole history"):
        backtest(prices, signals="psy", config=SignalConfig(train_years=10), strict=True)
    with pytest.raises(InputError, match="unknown signal 'nope'"):
        parse_signals("psy,nope")
    with pytest.raises(InputError, match="DatetimeIndex"):
        backtest(pd.Series(np.linspace(1, 2, 50)), signals="baseline_return")


def test_parse_signals_groups() -> None:
    assert parse_signals("runup") == ("runup", "crash_probability")
    assert parse_signals(["baseline", "psy"]) == ("baseline_return", "baseline_cape", "psy")


def test_nasdaq_weekly_psy_family_wise_alarm_precedes_the_2000_peak() -> None:
    """NASDAQ 1995-2003 weekly: the family-wise PSY alarm fires before 2000-03-10.

    Training sample 1995-1997; Phillips-Shi bootstrap on it only. On price levels the 95%
    family-wise value over a two-year horizon is crossed from December 1999; on log prices the
    BSADF peaks at 2.20 on 2000-03-10, under the two-year value (2.37) but over the one-year one.
    """
    nq = to_weekly(load_bundled("nasdaq")["close"])  # FRED NASDAQCOM, as shipped
    w = nq.loc["1995":"2003"]
    peak = pd.Timestamp("2000-03-10")
    for cfg in (
        SignalConfig(train_years=3, psy_log=False, psy_reps=199, cache=False),
        SignalConfig(train_years=3, psy_horizon_years=1, psy_reps=199, cache=False),
    ):
        res = backtest(w, signals="psy", config=cfg, rng=0, strict=True)
        on = res.alarms["psy"][res.alarms["psy"] > 0.5].index
        assert len(on), cfg
        assert on[0] < peak, cfg
        assert res.scores.leads.loc["psy", peak] > 0


def test_shiller_sp500_gauge_and_cape_on_1929_and_2000() -> None:
    sh = month_end_shiller(load_shiller())  # the shipped table, dated at month ends
    res = backtest(
        sh["P"].rename("SP500"),
        signals="runup,gauge,baseline",
        shiller=sh,
        events=EventSpec.index(),
    )
    peaks = [e.peak for e in res.events]
    assert pd.Timestamp("1929-09-30") in peaks
    assert pd.Timestamp("2000-08-31") in peaks
    # CAPE > 30 (PROVENANCE: 32.6 in 1929-09, max 44.2 in 1999-12) warns before both peaks
    leads = res.scores.leads.loc["baseline_cape"]
    assert leads[pd.Timestamp("1929-09-30")] >= 0
    assert leads[pd.Timestamp("2000-08-31")] > 0


def test_lppls_grid_without_enough_history_is_a_typed_error() -> None:
    from bubblescope.backtest.signals import lppls_grid_dates

    dates = pd.date_range("2020-01-03", periods=140, freq="W-FRI")
    with pytest.raises(InputError, match="needs.*140 observations in all"):
        lppls_grid_dates(dates, "M", 150)
