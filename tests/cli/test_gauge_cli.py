"""``bubblescope gauge market|stock``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.gauge import register


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def test_market_gauge_reading_at_a_date(app: typer.Typer, shared_data: Path) -> None:
    path = shared_data / "shiller" / "shiller_monthly_tidy.csv"
    res = CliRunner().invoke(app, ["gauge", "market", str(path), "--at", "2000-01", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["at"]["date"] == "2000-01-01"
    assert payload["at"]["criteria"]["price_vs_traditional"] >= 90
    assert payload["missing_criteria"] == [
        "new_buyers",
        "sentiment",
        "leverage",
        "forward_purchases",
    ]


def test_market_gauge_weights_and_errors(app: typer.Typer, shared_data: Path) -> None:
    path = str(shared_data / "shiller" / "shiller_monthly_tidy.csv")
    runner = CliRunner()
    res = runner.invoke(app, ["gauge", "market", path, "--weight", "monetary_policy=0", "--json"])
    assert json.loads(res.output)["weights"]["monetary_policy"] == 0.0
    bad = runner.invoke(app, ["gauge", "market", path, "--weight", "karma=1"])
    assert bad.exit_code == 2
    assert "unknown criteria" in bad.output
    bad = runner.invoke(app, ["gauge", "market", path, "--ranking", "psychic"])
    assert "ranking must be" in bad.output


def test_stock_gauge_on_a_price_file(app: typer.Typer, shared_data: Path) -> None:
    res = CliRunner().invoke(
        app, ["gauge", "stock", str(shared_data / "yahoo_dsturdy" / "CSCO.csv"), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert "momentum" in json.loads(res.output)["sources"]
