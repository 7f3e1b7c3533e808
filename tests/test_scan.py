"""Universe scans: serial, process and Dask runs agree; failures stay per symbol."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect.exuberance import psy
from bubblescope.errors import DataError, InputError
from bubblescope.scan import ScanConfig, load_universe, scan
from bubblescope.settings import RunSettings
from tests.reference import SharedFiles

#: Daily closes as given (no weekly sampling, no lookback), 99 replications.
DAILY = RunSettings.preset("quick").with_changes(
    psy={"reps": 99, "frequency": "D", "lookback_years": None}
)
CONFIG = ScanConfig(analyses=("psy", "drawdown"), run=DAILY)


def _walk(seed: int, n: int = 240, drift: float = 0.0) -> pd.Series:
    rng = np.random.default_rng(seed)
    steps = rng.normal(drift, 0.02, n)
    return pd.Series(100 * np.exp(np.cumsum(steps)), index=pd.bdate_range("2010-01-01", periods=n))


@pytest.fixture
def universe() -> dict[str, pd.Series]:
    u = {f"S{i}": _walk(i) for i in range(4)}
    u["BUBBLE"] = _walk(99, drift=0.0)
    u["BUBBLE"].iloc[150:200] *= np.exp(np.cumsum(np.full(50, 0.03)))  # an explosive stretch
    u["BUBBLE"].iloc[200:] *= u["BUBBLE"].iloc[199] / u["BUBBLE"].iloc[200]
    return u


def _frame(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return result.to_frame().drop(columns="seconds")


def test_scan_metrics_come_from_the_psy_module(store_home: Path, universe) -> None:  # type: ignore[no-untyped-def]
    res = scan(universe, CONFIG)
    frame = res.to_frame()
    direct = psy(np.log(universe["BUBBLE"]), cv=None)
    assert frame.loc["BUBBLE", "psy_gsadf"] == pytest.approx(direct.gsadf, abs=1e-12)
    assert frame.loc["BUBBLE", "psy_gsadf_ratio"] == frame["psy_gsadf_ratio"].max()
    assert frame.loc["BUBBLE", "psy_reject"]
    assert (frame["max_drawdown"] <= 0).all()
    assert "BUBBLE" in res.summary()


def test_serial_and_process_pool_are_identical(store_home: Path, universe) -> None:  # type: ignore[no-untyped-def]
    serial = scan(universe, CONFIG)
    pooled = scan(universe, CONFIG, n_jobs=2)
    pd.testing.assert_frame_equal(_frame(serial), _frame(pooled))


def test_failures_are_per_analysis_and_per_symbol(store_home: Path, universe) -> None:  # type: ignore[no-untyped-def]
    universe["SHORT"] = _walk(5, n=12)
    res = scan(universe, ScanConfig(analyses=("psy", "runup"), run=DAILY))
    frame = res.to_frame()
    assert not frame.loc["SHORT", "ok"]
    assert "runup: InputError" in frame.loc["SHORT", "errors"]
    # the symbols with long enough data kept their PSY results
    assert frame.loc[["S0", "BUBBLE"], "psy_gsadf"].notna().all()
    assert {o.symbol for o in res.failures} >= {"SHORT"}


def test_bad_scan_inputs_raise() -> None:
    with pytest.raises(InputError, match="unknown or no analyses"):
        ScanConfig(analyses=("tea-leaves",))
    with pytest.raises(InputError, match="universe is empty"):
        scan({})
    with pytest.raises(DataError, match="does not exist"):
        load_universe("/nonexistent/universe.txt")


def test_rows_are_stored_as_they_finish(store_home: Path, universe) -> None:  # type: ignore[no-untyped-def]
    from bubblescope.data.store import load_dataset

    res = scan(universe, CONFIG, store=True)
    runs = load_dataset("runs")
    assert len(res.stored_runs) == len(universe)
    assert set(runs["symbol"]) == set(universe)
    stored = runs.set_index("symbol").loc["BUBBLE", "psy_gsadf"]
    assert stored == pytest.approx(res.to_frame().loc["BUBBLE", "psy_gsadf"])


def test_load_universe_from_a_symbol_list(tmp_path: Path, shared_file: SharedFiles) -> None:
    listing = tmp_path / "universe.csv"
    nvda, csco = shared_file("yahoo_dsturdy/NVDA.csv"), shared_file("yahoo_dsturdy/CSCO.csv")
    listing.write_text(f"symbol,path\nNVDA,{nvda}\nCSCO,{csco}\n")
    u = load_universe(listing)
    assert list(u) == ["NVDA", "CSCO"]
    assert u["NVDA"]["close"].index.is_monotonic_increasing


def test_dask_cluster_equals_serial_even_when_a_worker_dies(store_home: Path, universe) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    serial = scan(universe, CONFIG)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())
        done = threading.Event()
        killed = threading.Event()

        def kill_one_worker() -> None:
            time.sleep(0.5)
            if not done.is_set():
                os.kill(pids[0], signal.SIGKILL)
                killed.set()

        killer = threading.Thread(target=kill_one_worker)
        killer.start()
        result = scan(universe, CONFIG, executor=client.get_executor(), store=True)
        done.set()
        killer.join()
    assert killed.is_set(), "the scan finished before a worker could be killed"
    pd.testing.assert_frame_equal(_frame(serial), _frame(result))
    assert len(result.stored_runs) == len(universe)


def test_gauge_analysis_reads_per_stock_gauges(store_home: Path) -> None:
    idx = pd.bdate_range("2005-01-03", periods=260 * 8)
    flat = pd.Series(np.exp(np.linspace(0, 0.5, len(idx))), index=idx)
    surge = flat.copy()
    surge.iloc[-500:] *= np.exp(np.linspace(0, 1.5, 500))
    res = scan({"FLAT": flat, "SURGE": surge}, ScanConfig(analyses=("gauge",)))
    frame = res.to_frame()
    assert frame.loc["SURGE", "gauge_aggregate"] > frame.loc["FLAT", "gauge_aggregate"]
    assert frame.loc["SURGE", "gauge_aggregate"] == pytest.approx(100.0)
    assert frame["gauge_coverage"].tolist() == pytest.approx([1 / 7, 1 / 7])


def test_scan_reads_as_the_status_page_does(store_home: Path) -> None:
    """The standard run's PSY and GSY crash odds of a stock equal the status page's."""
    from bubblescope.data.catalog import load_series
    from bubblescope.settings import RunSettings
    from bubblescope.status.readings import crash_odds_reading, psy_reading, return_reading

    run = RunSettings.preset("standard").with_changes(psy={"reps": 99})
    nvda = load_series("NVDA")
    sp500 = load_series("SP500")
    res = scan({"NVDA": nvda}, ScanConfig(analyses=("psy", "runup"), run=run), market=sp500)
    row = res.to_frame().loc["NVDA"]
    close, market = nvda["close"], sp500["close"]
    psy_now = psy_reading(close, run, log=True)
    ret, net = return_reading(close, market, run, is_market=False)
    odds = crash_odds_reading(net, run, kind="stock", is_market=False)
    assert row["psy_last_bsadf"] == pytest.approx(psy_now.value, abs=1e-12)
    assert row["psy_cv"] == pytest.approx(psy_now.detail["gsadf_critical_value"], abs=1e-12)
    assert row["runup_raw_2y"] == pytest.approx(ret.value, abs=1e-12)
    assert row["runup_net_2y"] == pytest.approx(net, abs=1e-12)
    if odds.value is None:
        assert np.isnan(row["runup_crash_odds_now"])
    else:
        assert row["runup_crash_odds_now"] == pytest.approx(odds.value, abs=1e-12)


def test_net_run_up_is_the_raw_return_minus_the_markets(store_home: Path) -> None:
    """SMCI net of SPY, recomputed from the shipped Parquet: R - M, near -1 (-54% against +45%).

    The scan's ``runup_net_2y`` is GSY's difference definition (percentage points), not the
    relative return (1 + R) / (1 + M) - 1; its definition and the summary say so.
    """
    from bubblescope.data.bundled import shipped_dir
    from bubblescope.data.catalog import load_series

    prices = pd.read_parquet(shipped_dir() / "prices.parquet")
    last = prices[prices["symbol"] == "SMCI"]["date"].max()
    start = pd.Timestamp(last) - pd.DateOffset(months=24)

    def two_year(symbol: str) -> float:
        rows = prices[prices["symbol"] == symbol].sort_values("date")
        dates = pd.to_datetime(rows["date"])
        then = rows["close"][dates <= start].iloc[-1]
        now = rows["close"][dates <= pd.Timestamp(last)].iloc[-1]
        return float(now / then - 1.0)

    raw, market = two_year("SMCI"), two_year("SPY")
    res = scan(
        {"SMCI": load_series("SMCI")},
        ScanConfig(analyses=("runup",), run=RunSettings.preset("quick")),
        market=load_series("SPY"),
        market_name="SPY",
    )
    row = res.to_frame().loc["SMCI"]
    assert row["runup_raw_2y"] == pytest.approx(raw, abs=1e-12)
    assert row["runup_net_2y"] == pytest.approx(raw - market, abs=1e-12)
    assert row["runup_net_2y"] < raw < 0.0 < market  # a fall and a market gain: near -100
    assert row["runup_net_2y"] != pytest.approx((1.0 + raw) / (1.0 + market) - 1.0, abs=0.1)
    definition = res.to_dict()["definitions"]["runup_net_2y"]
    assert "minus the market's" in definition
    assert f"SMCI     raw {100 * raw:+7.1f}%  net {100 * (raw - market):+7.1f} pts" in (
        res.summary()
    )
    assert "minus SPY's 24-month return, in percentage points" in " ".join(res.summary().split())
