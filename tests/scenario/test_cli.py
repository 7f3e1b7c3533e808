"""``bubblescope scenario run|list|show|sensitivity`` through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.scenario import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def _root() -> None:
        """Test root."""

    register(application)
    return application


def test_list_and_show(app: typer.Typer) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["scenario", "list", "--json"])
    assert out.exit_code == 0, out.output
    names = {p["name"] for p in json.loads(out.output)["presets"]}
    assert {"base", "funding_squeeze", "power_bound"} <= names
    out = runner.invoke(app, ["scenario", "show", "power_bound", "--json"])
    assert out.exit_code == 0, out.output
    rows = {r["parameter"]: r for r in json.loads(out.output)["parameters"]}
    assert rows["grid_additions"]["value"] == 8
    assert rows["kappa"]["source"].startswith("MOD-01")
    out = runner.invoke(app, ["scenario", "show", "base"])
    assert "kappa = 0.05" in out.output


def test_run_json_with_overrides_is_reproducible(app: typer.Typer) -> None:
    runner = CliRunner()
    args = [
        "scenario",
        "run",
        "base",
        "--paths",
        "400",
        "--seed",
        "3",
        "--chunk-size",
        "200",
        "--set",
        "kappa=0.2",
        "--json",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    payload = json.loads(first.output)
    assert payload["n_paths"] == 400
    assert payload["scenario"]["overrides"] == ["kappa=0.2"]
    assert runner.invoke(app, args).output == first.output


def test_run_human_and_plot(app: typer.Typer, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    out = CliRunner().invoke(
        app,
        [
            "scenario",
            "run",
            "power_bound",
            "--paths",
            "300",
            "--seed",
            "1",
            "--plot",
            str(tmp_path / "s.png"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "Bust within the horizon" in out.output
    assert (tmp_path / "s.png").stat().st_size > 0


def test_errors_are_one_line(app: typer.Typer, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["scenario", "run", "nope"])
    assert out.exit_code == 2
    assert "no scenario preset or file named 'nope'" in out.output
    out = runner.invoke(app, ["scenario", "run", "base", "--set", "kapa=1"])
    assert out.exit_code == 2
    assert "unknown field '--set kapa'" in out.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: base\nparameters:\n  kappa: {value: 0.1}\n", encoding="utf-8")
    out = runner.invoke(app, ["scenario", "show", str(bad)])
    assert out.exit_code == 2
    assert "field 'parameters.kappa' needs exactly one of 'source'" in out.output


def test_sensitivity_json_is_reproducible_and_bad_method_is_named(app: typer.Typer) -> None:
    pytest.importorskip("SALib")
    runner = CliRunner()
    args = ["scenario", "sensitivity", "base", "--method", "morris", "--n", "3"]
    args += ["--paths", "80", "--seed", "4", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    payload = json.loads(first.output)
    assert payload["method"] == "morris"
    assert set(payload["top_drivers"]) == {"bust_odds", "years_to_bust", "depth"}
    assert runner.invoke(app, args).output == first.output
    bad = runner.invoke(app, ["scenario", "sensitivity", "--method", "fast"])
    assert bad.exit_code != 0
    assert "sobol or morris" in bad.output
