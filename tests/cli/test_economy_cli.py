import json

import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.economy import register
from tests.reference import TRIMMED


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def _json(app, args):
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_sequoia_json(app) -> None:
    # VAL-07 / VAL-08: $200B and $600B exactly; gap ~$500B
    assert (
        _json(app, ["valuation", "sequoia", "--year", "2023"])["required_revenue_usd_bn"] == 200.0
    )
    d = _json(app, ["valuation", "sequoia", "--year", "2024"])
    assert d["required_revenue_usd_bn"] == 600.0
    assert d["gap_usd_bn"] == 500.0


def test_reverse_dcf_and_errors(app) -> None:
    d = _json(
        app,
        [
            "valuation",
            "reverse-dcf",
            "--price",
            "208",
            "--fcf",
            "10",
            "--rate",
            "0.09",
            "--terminal",
            "0.04",
            "--horizon",
            "5",
        ],
    )
    assert d["implied_growth"] == pytest.approx(0.04, abs=1e-6)  # Gordon: 10*1.04/0.05 = 208
    bad = CliRunner().invoke(
        app, ["valuation", "reverse-dcf", "--price", "1e12", "--fcf", "1", "--horizon", "1"]
    )
    assert bad.exit_code == 6  # ConvergenceError
    assert "no FCF growth" in bad.output


def test_depreciation_commands(app) -> None:
    # SEC filings cut to the concepts bubblescope reads (tests/results/trimmed/sec_xbrl)
    sec_dir = str(TRIMMED / "sec_xbrl")
    d = _json(app, ["depreciation", "disclosed", "MSFT", "--sec-dir", sec_dir])
    row = d["comparison"]["items"]["operating_income"]
    assert row["disclosed_usd_bn"] == 3.7  # DEP-06
    assert abs(row["relative_error"]) <= 0.25
    rows = _json(app, ["depreciation", "table", "--sec-dir", sec_dir])["rows"]
    assert {r["entity"] for r in rows} == {"MSFT", "GOOGL", "META", "AMZN"}
    assert all(abs(r["relative_error"]) <= 0.25 for r in rows)
    b = _json(app, ["depreciation", "burry"])
    assert b["understated_total_usd_bn"] == pytest.approx(176.0)  # DEP-01
    human = CliRunner().invoke(app, ["depreciation", "burry"])
    assert "Inputs and assumptions" in human.output
    missing = CliRunner().invoke(app, ["depreciation", "disclosed", "ORCL", "--sec-dir", "."])
    assert missing.exit_code == 2
    assert "no disclosed useful-life change" in missing.output


def test_power_and_gpu_commands(app, tmp_path) -> None:
    t = _json(app, ["power", "training"])
    assert round(t["gwh_per_day"], 2) == 0.43  # ENE-02
    f = _json(app, ["power", "fleet", "H100=1000000"])
    assert f["facility_gw"] == pytest.approx(0.84)
    bad = CliRunner().invoke(app, ["power", "fleet", "H100"])
    assert bad.exit_code == 2
    assert "write TYPE=COUNT" in bad.output
    c = _json(app, ["gpu", "cost", "--pue", "1.2", "--price", "0.06", "--colo", "150"])
    assert round(c["electricity_usd_per_gpu_hour"], 2) == 0.09  # GPU-10 low end
    out = tmp_path / "readings.png"
    r = CliRunner().invoke(app, ["gpu", "readings", "--plot", str(out)])
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 0
    g = _json(app, ["gpu", "economics", "A100", "--rule", "npv"])
    assert g["rule"] == "npv"
    assert _json(app, ["power", "grid"])["projections"][0]["series"] == "World DC (IEA)"
    assert _json(app, ["power", "capex", "380"])["gw"][
        "Epoch AI all-in cost per GW"
    ] == pytest.approx(10.0)
    assert _json(app, ["valuation", "nadella", "--growth", "6"])["passed"] is True
    assert len(_json(app, ["valuation", "multiples"])["multiples"]) >= 10
