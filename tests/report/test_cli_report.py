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
    result = CliRunner().invoke(_app(), ["report", "--out", str(out), "--reps", "60", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["html"] == str(out)
    assert payload["pdf"] is None
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert {s["key"] for s in payload["sections"]} >= {"psy", "lppls", "network"}
    assert payload["settings"]["psy_reps"] == 60


def test_report_rejects_absurd_reps(store_home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["report", "--reps", "3"])
    assert result.exit_code != 0
    assert "reps" in result.output


def test_unknown_symbol_is_one_line_error(store_home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["report", "--out", str(tmp_path / "r.html"), "--symbol", "NOPE", "--reps", "60"]
    )
    assert result.exit_code != 0
    assert "no prices for 'NOPE'" in result.output
