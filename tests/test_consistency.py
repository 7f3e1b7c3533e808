"""One standard run: a series reads the same on every surface.

The overview, the report's JSON, the API and ``bubblescope status --json`` must give identical
readings for NVDA and the NASDAQ when run with the same preset (here "quick", to keep the
module fast; every surface takes a preset name).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bubblescope.cli.main import app

PRESET = "quick"
SERIES = ("NVDA", "NASDAQ")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("consistency-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("BUBBLESCOPE_HOME", str(path))
    mp.setenv("BUBBLESCOPE_TODAY", "2026-12-06")
    yield path
    mp.undo()


def _readings(status: dict[str, Any]) -> dict[str, Any]:
    rows = {row["key"]: row for row in status["rows"]}
    return {
        key: (rows[key]["readings"], rows[key]["records"], rows[key]["last_date"]) for key in SERIES
    }


@pytest.fixture(scope="module")
def surfaces(home: Path) -> dict[str, dict[str, Any]]:
    from fastapi.testclient import TestClient

    from bubblescope.web.app import create_app

    runner = CliRunner()
    out: dict[str, dict[str, Any]] = {}
    cli = runner.invoke(app, ["status", "--json", "--preset", PRESET])
    assert cli.exit_code == 0, cli.output
    out["cli status --json"] = json.loads(cli.stdout)  # the cost estimate goes to stderr
    overview = runner.invoke(app, ["overview", "--json", "--preset", PRESET])
    assert overview.exit_code == 0, overview.output
    out["overview --json"] = json.loads(overview.output)["status"]
    report = runner.invoke(
        app, ["report", "--json", "--preset", PRESET, "--out", str(home / "report.html")]
    )
    assert report.exit_code == 0, report.output
    sections = {s["key"]: s for s in json.loads(report.output)["sections"]}
    out["report JSON"] = sections["status"]["data"]
    with TestClient(create_app()) as client:
        response = client.get("/api/status", params={"preset": PRESET})
        assert response.status_code == 200, response.text
        out["GET /api/status"] = response.json()["status"]
    return out


def test_every_surface_gives_identical_readings(surfaces: dict[str, dict[str, Any]]) -> None:
    reference = _readings(surfaces["cli status --json"])
    for name, status in surfaces.items():
        assert _readings(status) == reference, name
    nvda = reference["NVDA"][0]
    assert set(nvda) == {
        "psy_log",
        "psy_level",
        "lppls",
        "return_24m",
        "crash_odds",
        "drawdown",
        "valuation",
    }
    assert all(r["light"] in {"red", "amber", "green", "grey"} for r in nvda.values())


def test_the_report_opens_on_the_status_table(
    surfaces: dict[str, dict[str, Any]], home: Path
) -> None:
    html = (home / "report.html").read_text(encoding="utf-8")
    first = html.index("<section id=")
    assert html[first:].startswith('<section id="status">')
    assert html.index('class="status-table"') < html.index('<section id="psy">')
    status = surfaces["report JSON"]
    # every row states its last price date; the shipped data are more than 14 days old on
    # 2026-12-06, so every surface warns
    assert all(row["last_date"] for row in status["rows"])
    assert any("refresh with `bubblescope data update`" in w for w in status["warnings"])
    assert "refresh with `bubblescope data update`" in html


def test_readings_are_logged_once_per_content(
    surfaces: dict[str, dict[str, Any]], home: Path
) -> None:
    from bubblescope.status import load_readings

    log = load_readings()
    # four surfaces ran the same readings on the same day: one logged run
    assert log["run_hash"].nunique() == 1
    keys = set(zip(log["series"], log["signal"], strict=True))
    assert ("NVDA", "psy_log") in keys
    assert ("NASDAQ", "drawdown") in keys
    cli = CliRunner().invoke(app, ["readings", "--json", "--series", "nvda"])
    assert cli.exit_code == 0, cli.output
    rows = json.loads(cli.output)["readings"]
    assert {r["series"] for r in rows} == {"NVDA"}
    assert len(rows) == 7
