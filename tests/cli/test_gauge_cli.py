"""``bubblescope gauge market|stock``."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.gauge import register
from tests.reference import SharedFiles


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def test_market_gauge_reading_at_a_date(app: typer.Typer, shared_file: SharedFiles) -> None:
    path = shared_file("shiller/shiller_monthly_tidy.csv")  # Shiller's table as a CSV file
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


def _cape_point_in_time_percentile(path: Path, month: str) -> float:
    """CAPE's percentile among all CAPE values up to ``month`` (first of the month), by hand."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["CAPE"] and r["date"] <= f"{month}-01"]
    history = [float(r["CAPE"]) for r in rows]
    now = history[-1]
    return 100.0 * (sum(v <= now for v in history) - 1) / (len(history) - 1)


def test_market_gauge_at_a_date_shows_that_date_only(
    app: typer.Typer, shared_file: SharedFiles
) -> None:
    """Issue: `gauge market --at 2000-03` printed the 2026 reading as "latest".

    The command reads the shipped table; the percentile is recomputed by hand from the tidy CSV
    it was built from (byte for byte the shared file, tests/reference.py).
    """
    path = shared_file("shiller/shiller_monthly_tidy.csv")
    runner = CliRunner()
    text = runner.invoke(app, ["gauge", "market", "shiller", "--at", "2000-03"])
    assert text.exit_code == 0, text.output
    assert "latest" not in text.output.lower()
    assert "reading as of 2000-03-01 (requested 2000-03)" in text.output
    assert max(re.findall(r"\d{4}-\d{2}-\d{2}", text.output)) == "2000-03-01"
    payload = json.loads(
        runner.invoke(app, ["gauge", "market", "shiller", "--at", "2000-03", "--json"]).output
    )
    assert "latest" not in payload
    assert payload["at"]["date"] == "2000-03-01"
    cape = _cape_point_in_time_percentile(path, "2000-03")
    assert payload["at"]["proxies"]["cape"] == pytest.approx(cape)
    assert re.search(rf"^\s+cape\s+{cape:.1f}\s", text.output, re.MULTILINE)
    assert f"aggregate {payload['at']['aggregate']:.1f}" in text.output
    assert max(payload["aggregate"])[:10] == "2000-03-01"  # history stops at the reading
    # without --at the latest reading is labelled as the latest, with its own date
    latest = runner.invoke(app, ["gauge", "market", "shiller"])
    assert "latest reading, as of 2026-" in latest.output


def test_market_gauge_weights_and_errors(app: typer.Typer, shared_file: SharedFiles) -> None:
    path = str(shared_file("shiller/shiller_monthly_tidy.csv"))
    runner = CliRunner()
    res = runner.invoke(app, ["gauge", "market", path, "--weight", "monetary_policy=0", "--json"])
    assert json.loads(res.output)["weights"]["monetary_policy"] == 0.0
    bad = runner.invoke(app, ["gauge", "market", path, "--weight", "karma=1"])
    assert bad.exit_code == 2
    assert "unknown criteria" in bad.output
    bad = runner.invoke(app, ["gauge", "market", path, "--ranking", "psychic"])
    assert "ranking must be" in bad.output
    bad = runner.invoke(app, ["gauge", "market", path, "--at", "soon"])
    assert bad.exit_code == 2
    assert "'soon' is not a date" in bad.output
    bad = runner.invoke(app, ["gauge", "market", path, "--at", "1850-01"])
    assert "no gauge reading at or before 1850-01" in bad.output


def test_stock_gauge_on_a_price_file(app: typer.Typer, shared_file: SharedFiles) -> None:
    res = CliRunner().invoke(
        app, ["gauge", "stock", str(shared_file("yahoo_dsturdy/CSCO.csv")), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert "momentum" in json.loads(res.output)["sources"]


def test_gauge_market_reads_the_shipped_table_by_name(app: typer.Typer, store_home: Path) -> None:
    from bubblescope.data.bundled import load_shiller
    from bubblescope.gauge import bubble_gauge, shiller_proxies

    res = CliRunner().invoke(app, ["gauge", "market", "shiller", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    expected = bubble_gauge(shiller_proxies(load_shiller())).latest()
    assert expected is not None
    assert payload["latest"]["aggregate"] == pytest.approx(expected["aggregate"], abs=0)
