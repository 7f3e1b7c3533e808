"""Issue 20: the scan, the backtest and the status page are estimated before they are queued.

Each estimate is checked against an independent count of the work (sweeps, grid dates,
windows), refused with a 400 naming it over the server's budget, and the CLI's ``scan`` and
``backtest`` give the same figure.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bubblescope.analyses.registry import (
    BacktestAnalysisSettings,
    ScanAnalysisSettings,
    StatusSettings,
)
from bubblescope.backtest.histories import to_weekly
from bubblescope.data.bundled import load_bundled
from bubblescope.data.catalog import load_series
from bubblescope.detect.lppls import WindowSet
from bubblescope.settings import RunSettings
from bubblescope.web import create_app
from bubblescope.web.cost import (
    DEFAULT_BUDGET_S,
    backtest_prices_cost,
    lppls_confidence_cost,
    psy_cost,
    scan_cost,
    settings_cost,
)


def _estimate(message: str) -> str:
    """The "estimated N s" figure of a refusal."""
    found = re.search(r"estimated ([\d,]+) s", message)
    assert found, message
    return found.group(1)


@pytest.fixture
def cold(store_home: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty caches (a fresh home, results cache): the status page's estimate counts it all."""
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results-cache"))


@pytest.fixture
def tight(store_home: Any, cold: None) -> Any:
    with TestClient(create_app(budget_s=1e-3), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    ("name", "body", "basis"),
    [("scan", {}, "scan PSY: 8 symbol(s)"),
     ("backtest", {"series": "nasdaq"}, "backtest: PSY T="),
     ("status", {}, "status page: 11 series")],
)  # fmt: skip
def test_composites_are_refused_over_the_budget_before_queueing(
    tight: TestClient, name: str, body: dict[str, Any], basis: str
) -> None:
    for path in (f"/api/analyses/{name}", f"/api/analyses/{name}/job"):
        r = tight.post(path, json=body)
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "CostLimitError"
        assert basis in r.json()["message"]
        assert "budget of 0 s" in r.json()["message"]
    assert tight.app.state.jobs.pending == 0  # nothing was queued


def test_a_backtest_over_the_default_budget_is_refused_with_its_estimate(
    client: TestClient,
) -> None:
    body = {"series": "nasdaq", "lppls_grid": "W", "lppls_step": 1}
    settings = dataclasses.replace(BacktestAnalysisSettings.preset(), lppls_grid="W", lppls_step=1)
    estimate = settings_cost(settings, load_bundled("nasdaq"))
    assert estimate is not None
    assert estimate.seconds > DEFAULT_BUDGET_S
    r = client.post("/api/analyses/backtest", json=body)
    assert r.status_code == 400, r.text
    assert _estimate(r.json()["message"]) == f"{estimate.seconds:,.0f}"
    assert "LPPLS fits" in r.json()["message"]


def test_the_backtest_estimate_counts_its_sweeps_and_fits() -> None:
    prices = to_weekly(load_bundled("nasdaq")["close"])
    n = len(prices)
    windows = WindowSet(150, 25, 5)
    options = {"train_years": 10.0, "lag": 0, "reps": 199, "lppls_windows": windows}
    psy_only = backtest_prices_cost(prices, ["psy"], lppls_grid="M", **options).seconds
    n_train = int((prices.index < prices.index[0] + pd.DateOffset(years=10)).sum())
    # the critical values' reps sweeps on the training sample, one sweep of the whole history
    expected = psy_cost(n_train, 0, 199).seconds - psy_cost(n_train, 0, 0).seconds
    assert psy_only == pytest.approx(expected + psy_cost(n, 0, 0).seconds)
    # LPPLS: one date a month end once the longest window fits, every window at each
    month_ends = (
        pd.Series(prices.index, index=prices.index).groupby(prices.index.to_period("M")).last()
    )
    dates = int((prices.index.searchsorted(month_ends) >= 149).sum())
    lppls_only = backtest_prices_cost(prices, ["lppls"], lppls_grid="M", **options).seconds
    assert lppls_only == pytest.approx(lppls_confidence_cost(dates, 150, 25, 5).seconds, rel=0.01)
    both = backtest_prices_cost(prices, ["psy", "lppls", "runup"], lppls_grid="M", **options)
    assert both.seconds == pytest.approx(psy_only + lppls_only)
    quarterly = backtest_prices_cost(prices, ["lppls"], lppls_grid="Q", **options).seconds
    assert quarterly == pytest.approx(lppls_only / 3, rel=0.02)


def test_the_scan_estimate_simulates_once_per_length() -> None:
    run = RunSettings.preset("standard")
    symbols = ("NVDA", "MSFT", "nasdaq")
    estimate = settings_cost(ScanAnalysisSettings(symbols=symbols), None)
    assert estimate is not None
    lengths = [len(run.psy.sample(load_series(s)["close"])) for s in symbols]
    sweeps = sum(psy_cost(n, 0, 0).seconds for n in lengths)
    simulations = sum(
        psy_cost(n, 0, run.psy.reps).seconds - psy_cost(n, 0, 0).seconds for n in set(lengths)
    )
    assert estimate.seconds == pytest.approx(sweeps + simulations)
    assert len(set(lengths)) < len(lengths)  # two share a length: simulated once
    no_psy = settings_cost(ScanAnalysisSettings(symbols=symbols, analyses=("runup",)), None)
    assert no_psy is not None
    assert no_psy.seconds == 0
    assert scan_cost([500, 500], 0, 99).seconds == pytest.approx(
        scan_cost([500], 0, 99).seconds + psy_cost(500, 0, 0).seconds
    )


def test_the_status_estimate_grows_with_the_run(cold: None) -> None:
    quick, standard, publication = (
        settings_cost(StatusSettings(run=name), None)  # type: ignore[arg-type]
        for name in ("quick", "standard", "publication")
    )
    assert quick is not None
    assert standard is not None
    assert publication is not None
    assert 0 < quick.seconds < standard.seconds <= DEFAULT_BUDGET_S
    # A cold publication status page (4,999 replications, a year of LPPLS readings, step-1
    # record backtests) is over the default budget: a server refuses it unless given more.
    assert publication.seconds > DEFAULT_BUDGET_S


def test_the_cli_gives_the_servers_backtest_estimate(client: TestClient) -> None:
    out = CliRunner().invoke(_cli(), ["backtest", "nasdaq", "--lppls-grid", "W"])
    assert out.exit_code == 2, out.output
    assert "LPPLS fits" in out.output
    assert "--yes" in out.output
    # the CLI's LPPLS windows on weekly closes: 150 down to 25 weeks in steps of 1
    body = {"series": "nasdaq", "lppls_grid": "W", "lppls_step": 1}
    r = client.post("/api/analyses/backtest", json=body)
    assert r.status_code == 400
    assert _estimate(" ".join(out.output.split())) == _estimate(r.json()["message"])


def _cli() -> Any:
    from bubblescope.cli.main import app

    return app


def test_the_status_endpoints_are_refused_over_the_budget(tight: TestClient) -> None:
    for r in (tight.get("/api/status"), tight.post("/api/jobs/status?preset=quick")):
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "CostLimitError"
        assert "status page: 11 series" in r.json()["message"]
    assert tight.app.state.jobs.pending == 0  # nothing was queued, no place kept
