"""``bubblescope network show|cycles|stress`` through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.network import register

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def _root() -> None:
        """Test root."""

    register(application)
    return application


def test_cycles_json(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["network", "cycles", "--json"])
    assert result.exit_code == 0, result.output
    loops = {c["loop"]: c for c in json.loads(result.output)["cycles"]}
    assert loops["Nvidia → OpenAI → Oracle → Nvidia"]["edge_ids"] == [["E05"], ["E01"], ["E02"]]
    assert loops["AMD → OpenAI → AMD"]["bottleneck_usd_bn"] == 34.0


def test_cycles_text_and_gw_price(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["network", "cycles", "--usd-bn-per-gw", "50", "--max-length", "2"]
    )
    assert result.exit_code == 0, result.output
    # 6 GW x 50 = 300 on OpenAI -> AMD, plus the 34 warrant
    assert "AMD → OpenAI → AMD: 34.00 round, 334.0 total [E07, E06]" in result.output
    assert "Oracle" not in result.output  # three-firm loops are cut by --max-length 2


def test_show_plot_and_json(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "net.png"
    result = CliRunner().invoke(app, ["network", "show", "--json", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["dropped_nonbinding"] == ["E03", "E04", "E10"]
    assert out.stat().st_size > 0
    text = CliRunner().invoke(app, ["network", "show", "--include-nonbinding"])
    assert "30 commitments" in text.output  # 27 binding + E03, E04, E10


def test_stress_json(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app,
        [
            "network",
            "stress",
            "--shock",
            "OpenAI=0.5",
            "--alpha",
            "0.8",
            "--beta",
            "0.9",
            "--sweep",
            "10",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["model"] == "Rogers-Veraart"
    firms = {f["firm"]: f for f in payload["firms"]}
    assert firms["OpenAI"]["default_round"] == 0
    assert payload["sensitivity"]["n_draws"] == 10


def test_stress_text_with_withdrawal_and_closure(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["network", "stress", "--withdraw", "Nvidia", "--close-market", "OpenAI"]
    )
    assert result.exit_code == 0, result.output
    assert "Nvidia withdraws equity" in result.output
    assert "funding market closes for OpenAI" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--shock", "Foo=0.5"], 3, "unknown firm 'Foo'"),
        (["--shock", "OpenAI"], 2, "not of the form FIRM=FRACTION"),
        (["--shock", "OpenAI=2"], 2, "must be in [0, 1]"),
        (["--alpha", "-1"], 2, "alpha must be in [0, 1]"),
    ],
)
def test_stress_bad_input(app: typer.Typer, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(app, ["network", "stress", *args])
    assert result.exit_code == code
    assert message in result.output
