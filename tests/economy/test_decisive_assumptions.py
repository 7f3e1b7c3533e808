"""Which assumptions decide a default (decisive_assumptions) and the CLI's --decisive/--as-debt.

When OpenAI pays nothing, Oracle's default rests on clearing the run-rate year: Oracle's only
debt is its chip order from Nvidia (E02, 40 over 2025-2026, 20 a year), which the run-rate year
sets against nothing from OpenAI. In calendar 2027 that order is paid off, Oracle owes nothing
and cannot default, while OpenAI's 60 a year to Oracle (E01) has just begun. CoreWeave does
not default in the run-rate year: its only debt, its Nvidia GPU purchases (E30, 2023-2025),
ends before the year of the network's reference date and is settled. Only clearing calendar
2025, a year before the reference date in which E30 was still due, puts it in default.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.economy.assumptions import load_assumptions
from bubblescope.economy.clearing import PaymentShock, decisive_assumptions, stress
from bubblescope.economy.network import DEBT_TYPES, load_network


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return decisive_assumptions([PaymentShock("OpenAI", 0.0)])


def test_base_row_is_the_stress(table: pd.DataFrame) -> None:
    f = stress(load_network(), [PaymentShock("OpenAI", 0.0)]).firms
    base = table.iloc[0]
    assert base["assumption"] == "base"
    assert base["defaults"] == ", ".join(
        sorted(str(n) for n in f.index[f["default_round"].notna()])
    )
    assert not base["decides"]


def test_alternatives_come_from_the_yaml_rows(table: pd.DataFrame) -> None:
    rows = load_assumptions("network")
    values = set(zip(table["assumption"], table["value"], strict=True))
    assert ("gw_price", rows.input("gw_price_high").m_as("USD bn/GW")) in values
    for key in ("schedule_years_low", "schedule_years_high"):
        assert ("schedule_years", rows.input(key).m_as("year")) in values
    for key in ("buffer_low", "buffer_high"):
        assert ("buffer_coverage", rows.input(key).m_as("1")) in values
    assert table["why"].map(bool).all()


def test_the_run_rate_year_decides_oracles_default(table: pd.DataFrame) -> None:
    net = load_network()
    (e02,) = [c for c in net.commitments if c.id == "E02"]
    assert e02.schedule.end < 2027  # the chip order is paid off before 2027
    row = table[(table["assumption"] == "one year of obligations") & (table["value"] == 2027)]
    assert "Oracle" in row["leaving"].iloc[0].split(", ")
    assert bool(row["decides"].iloc[0])
    # CoreWeave: its only debt (E30) is settled in the run-rate year, so no assumption of the
    # run-rate year puts it in default; a calendar year within E30's schedule, before the
    # reference year, would clear E30 as due
    debts = [c for c in net.commitments if c.payer == "CoreWeave" and c.type in DEBT_TYPES]
    assert [c.id for c in debts] == ["E30"]
    (e30,) = debts
    assert net.reference_year is not None
    assert e30.schedule.end < net.reference_year
    assert net.treatment(e30, run_rate=True) == "settled"
    assert "CoreWeave" not in table.iloc[0]["defaults"].split(", ")
    entering = {
        (a, v): set(filter(None, str(x).split(", ")))
        for a, v, x in zip(table["assumption"], table["value"], table["entering"], strict=True)
    }
    for (assumption, value), names in entering.items():
        if "CoreWeave" in names:
            assert assumption == "one year of obligations", assumption
            assert e30.schedule.start <= value <= e30.schedule.end
    assert any("CoreWeave" in names for names in entering.values())
    # the treatment of funding no longer decides a default: SoftBank's funding due this year is
    # the February 2026 round alone (E20; E18 is paid in), within its sourced cash (SBG-01 at
    # SBG-03), so clearing funding as debts leaves it standing
    funding = table[table["assumption"] == "treatment of funding"].iloc[0]
    assert not bool(funding["decides"])
    assert "E18" not in funding["why"]
    softbank = stress(net, [PaymentShock("OpenAI", 0.0)]).firms.loc["SoftBank"]
    assert softbank["external_basis"] == "balance sheet"
    assert softbank["funding_due"] <= softbank["liquid_assets"] + softbank["received"]


def _app() -> typer.Typer:
    from bubblescope.cli.network import register

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def test_cli_firms_lists_every_item_with_its_source() -> None:
    from bubblescope.data.financials import FINANCIAL_ITEMS

    out = CliRunner().invoke(_app(), ["network", "firms", "--json"])
    assert out.exit_code == 0, out.output
    firms = {f["name"]: f for f in json.loads(out.output)["firms"]}
    msft = {v["item"]: v for v in firms["Microsoft"]["values"]}
    assert list(msft) == list(FINANCIAL_ITEMS)
    assert msft["cash_and_securities"]["accn"] == "0001193125-26-027207"
    amd = {v["item"]: v for v in firms["AMD"]["values"]}
    assert amd["cash_and_securities"]["value_usd_bn"] is None
    assert "no SEC filings of AMD" in amd["cash_and_securities"]["reason"]
    assert firms["OpenAI"]["values"][0]["fact_id"] == "OAI-06"


def test_cli_as_debt_and_decisive() -> None:
    app = _app()
    runner = CliRunner()
    out = runner.invoke(
        app, ["network", "stress", "--shock", "OpenAI=0.5", "--as-debt", "E21", "--json"]
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    (e21,) = [c for c in payload["commitments"] if c["id"] == "E21"]
    assert e21["treatment"] == "debt"
    out = runner.invoke(app, ["network", "stress", "--shock", "OpenAI=0", "--decisive"])
    assert out.exit_code == 0, out.output
    assert "one year of obligations = 2027" in out.output
    bad = runner.invoke(app, ["network", "stress", "--as-debt", "E99"])
    assert bad.exit_code != 0
