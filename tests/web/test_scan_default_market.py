"""The scan's net run-up reads the same from the CLI, the API and the status page.

GSY's net run-up (Greenwood, Shleifer and You 2019) is the raw two-year return minus the
market's; the CLI's ``scan`` and the API's ``/api/analyses/scan`` must use the same market
(the run's, SP500, as on the status page) when none is given, and so print the same number;
the status page prints it in percentage points, as the scan does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bubblescope.analyses.registry import ScanAnalysisSettings
from bubblescope.cli.main import app
from bubblescope.data.bundled import load_bundled
from bubblescope.detect.gsy import trailing_return
from bubblescope.settings import RunSettings
from bubblescope.status.readings import net_points, return_reading


def _net(outcomes: list[dict[str, object]], symbol: str) -> float:
    (row,) = [o for o in outcomes if o["symbol"] == symbol]
    metrics = row["metrics"]
    assert isinstance(metrics, dict)
    return float(metrics["runup_net_2y"])


def test_cli_and_api_scan_give_the_same_net_runup(client: TestClient, tmp_path: Path) -> None:
    assert ScanAnalysisSettings().market is None  # none given: the run's market
    r = client.post("/api/analyses/scan", json={"analyses": ["runup"], "symbols": ["NVDA"]})
    assert r.status_code == 200, r.text
    body = r.json()
    api_net = _net(body["result"]["outcomes"], "NVDA")
    assert body["result"]["market"] == RunSettings.preset("standard").runup.market

    listing = tmp_path / "universe.txt"
    listing.write_text("NVDA\n")
    out = CliRunner().invoke(app, ["scan", str(listing), "--analyses", "runup", "--json"])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)
    assert cli["market"] == body["result"]["market"]
    assert _net(cli["outcomes"], "NVDA") == api_net

    # and both are raw minus the market's 24-month return, recomputed here
    close, market = load_bundled("NVDA")["close"], load_bundled("SP500")["close"]
    raw = trailing_return(close, 24)
    market_then = cast(float, trailing_return(market, 24).asof(raw.index[-1]))
    assert api_net == pytest.approx(float(raw.iloc[-1]) - float(market_then), abs=1e-12)

    # the status page prints that same number, in points as the scan does
    reading, net = return_reading(close, market, RunSettings.preset("standard"), is_market=False)
    assert net == api_net
    assert f"(net {net_points(api_net)})" in reading.text
    assert f"net {100.0 * api_net:+.1f} pts" in reading.text


def test_an_empty_market_still_means_no_net_runup(client: TestClient) -> None:
    r = client.post(
        "/api/analyses/scan", json={"analyses": ["runup"], "symbols": ["NVDA"], "market": ""}
    )
    assert r.status_code == 200, r.text
    assert r.json()["result"]["market"] is None
