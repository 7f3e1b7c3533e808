"""``bubblescope network show|cycles|stress`` through typer's test runner."""

from __future__ import annotations

import csv
import json
import re
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


# --- one total of commitments on every surface --------------------------------------------------

FACTBASE = Path(__file__).resolve().parents[2] / "src" / "bubblescope" / "data" / "factbase"
TOTAL = re.compile(r"commitments: ([\d,]+\.\d) USD bn")


def _recomputed_total() -> tuple[float, float, float]:
    """Binding deals of deals.csv read with the csv module: (stated USD bn, GW, total at GWC-01)."""
    with (FACTBASE / "facts.csv").open(encoding="utf-8", newline="") as handle:
        per_gw = next(float(r["value"]) for r in csv.DictReader(handle) if r["id"] == "GWC-01")
    with (FACTBASE / "deals.csv").open(encoding="utf-8", newline="") as handle:
        binding = [
            r for r in csv.DictReader(handle) if r["status"] not in {"loi", "lapsed", "term_sheet"}
        ]
    stated = sum(float(r["amount"]) for r in binding if r["unit"] == "USD bn")
    gw = sum(float(r["gw"]) for r in binding if r["unit"] == "GW")
    return stated, gw, stated + gw * per_gw


def test_fact_summary_and_network_print_the_same_total() -> None:
    """Issue: 1,049.6 in `facts summary` against 1,259.6 in `network show`."""
    from bubblescope.cli.facts import register as register_facts

    app = typer.Typer()
    register(app)
    register_facts(app)
    stated, gw, total = _recomputed_total()
    assert (round(stated, 1), gw) == (1049.6, 6.0)  # E06: AMD's 6 GW, the only binding GW deal
    facts_text = CliRunner().invoke(app, ["facts", "summary"]).output
    network_text = CliRunner().invoke(app, ["network", "show"]).output
    printed = [TOTAL.findall(facts_text), TOTAL.findall(network_text)]
    assert printed == [[f"{total:,.1f}"], [f"{total:,.1f}"]]
    for text in (facts_text, network_text):
        # the label says what is in it: the dollar-stated part, the GW part and its price
        assert f"{stated:,.1f} stated in USD bn" in " ".join(text.split())
        assert "6 GW x 35 USD bn/GW [GWC-01]" in " ".join(text.split())
        assert "non-binding left out: E03 (lapsed), E04 (lapsed), E10 (term_sheet)" in " ".join(
            text.split()
        )
    facts_json = json.loads(CliRunner().invoke(app, ["facts", "summary", "--json"]).output)
    network_json = json.loads(CliRunner().invoke(app, ["network", "show", "--json"]).output)
    assert facts_json["commitments"] == network_json["commitment_total"]
    assert facts_json["commitments"]["total_usd_bn"] == pytest.approx(total, abs=1e-9)


def test_network_total_follows_the_gw_price_and_the_nonbinding_switch(app: typer.Typer) -> None:
    stated, _, _ = _recomputed_total()
    text = CliRunner().invoke(app, ["network", "show", "--usd-bn-per-gw", "50"]).output
    assert TOTAL.findall(text) == [f"{stated + 6 * 50:,.1f}"]
    text = CliRunner().invoke(app, ["network", "show", "--include-nonbinding"]).output
    # + E03's lapsed $100B LOI, E04's 10 GW and E10's 10 GW at 35 USD bn/GW
    assert TOTAL.findall(text) == [f"{stated + 100 + (6 + 10 + 10) * 35:,.1f}"]
