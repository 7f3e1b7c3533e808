"""The report's network numbers: the commitments total is the one the CLI and fact base show."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from bubblescope.cli.network import register
from bubblescope.economy.network import analyze_network, load_network
from bubblescope.report.model import Number
from bubblescope.report.sections.network import _network_numbers


def _total_number(numbers: list[Number]) -> Number:
    hits = [n for n in numbers if n.label.startswith("commitments, gross")]
    assert len(hits) == 1, [n.label for n in numbers]
    return hits[0]


def _cli(*args: str) -> str:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    result = CliRunner().invoke(app, ["network", "show", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_report_total_is_the_commitment_total_the_cli_shows() -> None:
    total = load_network().commitment_total()
    number = _total_number(_network_numbers(analyze_network(load_network())))
    assert number.label == "commitments, gross (binding deals, GW at the $/GW shown)"
    assert number.raw == total.total_usd_bn
    assert number.value == f"{total.total_usd_bn:,.1f} USD bn"
    # the source says what the total includes: stated deals, GW-only deals at the GW price,
    # and the non-binding deals left out
    assert total.label() in number.source
    assert "6 GW x 35 USD bn/GW" in number.source
    assert "non-binding left out: E03" in number.source

    cli = json.loads(_cli("--json"))["commitment_total"]
    assert cli["total_usd_bn"] == number.raw
    assert f"commitments: {number.value.removesuffix(' USD bn')} USD bn gross" in _cli()


def test_report_total_with_nonbinding_deals_says_so() -> None:
    net = load_network(include_nonbinding=True)
    number = _total_number(_network_numbers(analyze_network(net)))
    assert number.label == (
        "commitments, gross (all deals, non-binding included, GW at the $/GW shown)"
    )
    assert number.raw == net.commitment_total().total_usd_bn
    assert number.raw > load_network().commitment_total().total_usd_bn
    cli = json.loads(_cli("--json", "--include-nonbinding"))["commitment_total"]
    assert cli["total_usd_bn"] == number.raw
