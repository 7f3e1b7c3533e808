"""``bubblescope report`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bubblescope.cli.report import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def test_report_command_writes_html_and_json(store_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        _app(), ["report", "--out", str(out), "--preset", "quick", "--reps", "60", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["html"] == str(out)
    assert payload["pdf"] is None
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert payload["sections"][0]["key"] == "status"
    assert {s["key"] for s in payload["sections"]} >= {"psy", "lppls", "network"}
    assert payload["settings"]["run"]["psy"]["reps"] == 60
    assert payload["settings"]["run"]["name"] == "quick"


def test_report_rejects_absurd_reps(store_home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["report", "--reps", "3"])
    assert result.exit_code != 0
    assert "reps" in result.output


def test_unknown_symbol_fails_its_row_and_the_report_builds(
    store_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        _app(),
        ["report", "--out", str(out), "--symbol", "NOPE", "--symbol", "NVDA", "--preset", "quick"],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "not computed: unknown series &#x27;NOPE&#x27;" in html
