"""The registry of analyses, and the front ends generated from it.

Every entry: a unique name usable as a command and a URL, presets that resolve, settings that
are JSON-ready and refuse unknown or out-of-bounds values, result types that import. The scan's
columns, the backtest's signals and the status page's columns read the registry and keep their
names and order. Every entry has a ``bubblescope run`` command with an option per setting and a
``POST /api/analyses/NAME`` endpoint with a request model per settings; every entry with a report
position has a section in the report.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import time
from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bubblescope.analyses import ENGINES, REGISTRY, coerce, get, names
from bubblescope.analyses.base import PRESET_NAMES, Analysis
from bubblescope.cli.main import app
from bubblescope.errors import InputError, UnknownSymbolError

ENTRIES = [pytest.param(entry, id=entry.name) for entry in REGISTRY]


def test_names_are_unique_commands_and_paths() -> None:
    assert len(set(names())) == len(REGISTRY)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", name) for name in names())
    assert names()[: len(ENGINES)] == tuple(e.name for e in ENGINES)
    assert get("water").title == "Data-centre water"
    with pytest.raises(UnknownSymbolError, match="no analysis 'nope'"):
        get("nope")


@pytest.mark.parametrize("entry", ENTRIES)
def test_presets_resolve_to_json_ready_settings(entry: Analysis[Any]) -> None:
    for preset in PRESET_NAMES:
        settings = entry.settings.preset(preset)
        assert isinstance(settings, entry.settings)
        assert dataclasses.is_dataclass(settings)
        assert entry.configure(preset) == settings
        json.dumps(entry.defaults(preset), allow_nan=False)
    with pytest.raises(InputError, match="unknown preset"):
        entry.configure("fast")
    with pytest.raises(InputError, match="has no setting"):
        entry.configure("standard", {"no_such_setting": 1})
    assert entry.result_types(), entry.name
    for f in entry.fields():
        assert f.help, f"{entry.name}.{f.name} has no help line"


def test_variants_and_bounds() -> None:
    psy = get("psy")
    assert psy.configure("quick").reps < psy.configure("standard").reps
    assert psy.configure("publication").reps > psy.configure("standard").reps
    assert get("scenario").configure("quick").paths < get("scenario").configure("standard").paths
    assert get("water").configure("quick") == get("water").configure("publication")
    with pytest.raises(InputError, match="reps must be at most 20000"):
        psy.configure("standard", {"reps": 10**6})
    with pytest.raises(InputError, match="pue must be at least 1"):
        get("water").configure("standard", {"pue": 0.9})
    with pytest.raises(InputError, match="at most 20 items"):
        get("stress").configure("standard", {"shocks": ("OpenAI=0.1",) * 21})


def test_coerce_reads_command_line_text() -> None:
    assert coerce("none", float | None) is None
    assert coerce("0.5", float | None) == 0.5
    assert coerce("40", Literal["psy", "exuber"] | int) == 40
    assert coerce("exuber", Literal["psy", "exuber"] | int) == "exuber"
    assert coerce("2023", Literal[2023, 2024]) == 2023
    assert coerce("yes", bool) is True
    assert coerce("a, b", tuple[str, ...]) == ("a", "b")
    with pytest.raises(InputError, match="cannot read 'x'"):
        coerce("x", int)


def test_scan_backtest_and_status_read_the_registry() -> None:
    from bubblescope.backtest import ALL_SIGNALS, BASELINES, SIGNAL_SOURCES
    from bubblescope.scan import ANALYSES
    from bubblescope.status import SIGNALS

    assert list(ANALYSES) == [e.name for e in ENGINES if e.scan is not None]
    assert list(ANALYSES) == ["psy", "runup", "drawdown", "gauge"]
    assert ALL_SIGNALS == (
        "psy",
        "cusum",
        "cusum_robust",
        "whl",
        "sign",
        "sign_psy",
        "bd_wcusum",
        "lppls",
        "runup",
        "crash_probability",
        "gauge",
        "svadf",
        "baseline_return",
        "baseline_cape",
    )
    assert BASELINES == ("baseline_return", "baseline_cape")
    assert SIGNAL_SOURCES["crash_probability"][0] == "runup"
    assert SIGNAL_SOURCES["gauge"][0] == "gauge-market"
    assert SIGNALS == {
        "psy_log": "PSY (log)",
        "psy_level": "PSY (levels)",
        "lppls": "LPPLS Confidence",
        "return_24m": "Run-up (24 months)",
        "crash_odds": "GSY crash odds",
        "drawdown": "Drawdown now",
        "valuation": "Valuation",
    }


def test_report_has_a_section_per_flagged_entry() -> None:
    from bubblescope.report.sections import EXTRA, HANDWRITTEN, SECTIONS

    keys = [key for key, _ in SECTIONS]
    flagged = [e for e in REGISTRY if e.report is not None]
    assert set(HANDWRITTEN) <= {e.name for e in flagged}, "a hand-written builder without entry"
    expected = {HANDWRITTEN.get(e.name, (e.name, None))[0] for e in flagged}
    assert set(keys) == expected | {key for _, key, _ in EXTRA}
    assert keys == [
        "status",
        "psy",
        "svadf",
        "psy-adjusted",
        "lppls",
        "comparison",
        "drawdowns",
        "backtest",
        "network",
        "firms",
        "runway",
        "depreciation",
        "flattered",
        "gpu",
        "power",
        "water",
        "valuation",
        "scenario-sensitivity",
        "scenario-breaks",
        "scenario-power",
        "scenario-telecom",
        "gauge",
    ]


def test_cli_has_a_generated_command_per_entry() -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["run", "--help"])
    assert listing.exit_code == 0, listing.output
    for entry in REGISTRY:
        assert entry.name in listing.output
        out = runner.invoke(app, ["run", entry.name, "--help"])
        assert out.exit_code == 0, out.output
        for f in entry.fields():
            assert "--" + f.name.replace("_", "-") in out.output, (entry.name, f.name)


def test_the_top_level_help_builds_no_registry_command() -> None:
    """``bubblescope --help`` lists ``run`` without importing the registry, numpy or pandas."""
    code = (
        "import sys\n"
        "from bubblescope.cli.main import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('bubblescope.analyses')))\n"
        "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert " run " in out.stdout
    assert out.stdout.strip().splitlines()[-2:] == ["[]", "[]"]


def test_cli_run_errors_are_one_line() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["run", "water", "--set", "nope=1"])
    assert out.exit_code == 2
    assert "not NAME=VALUE for a setting of water" in out.output
    out = runner.invoke(app, ["run", "drawdown", "no-such-series"])
    assert out.exit_code == 3
    assert "unknown series" in out.output


def test_cli_run_series_analysis_equals_the_engine() -> None:
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.drawdowns import drawdown

    out = CliRunner().invoke(app, ["run", "drawdown", "NVDA", "--top", "2", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    engine = drawdown(load_series("NVDA")["close"].rename("NVDA"), top=2, name="NVDA")
    assert payload["result"] == json.loads(json.dumps(engine.to_dict()))
    assert payload["settings"] == {"top": 2}
    assert payload["data"]["last_date"] == "2026-08-03"


@pytest.fixture(scope="module")
def client() -> TestClient:
    from bubblescope.web import create_app

    return TestClient(create_app(), raise_server_exceptions=False)


def test_api_has_a_generated_endpoint_per_entry(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    listing = client.get("/api/analyses").json()["analyses"]
    assert [a["name"] for a in listing] == list(names())
    for entry, item in zip(REGISTRY, listing, strict=True):
        route = paths[f"/api/analyses/{entry.name}"]["post"]
        assert "analyses" in route["tags"]
        assert ("slow" in route["tags"]) == entry.slow
        assert (f"/api/analyses/{entry.name}/job" in paths) == entry.slow
        fields = set(item["schema"]["properties"])
        assert {f.name for f in entry.fields()} | {"preset"} <= fields
        assert ("series" in fields) == entry.needs_series
        assert item["presets"]["standard"] == entry.defaults("standard")


def test_api_errors_are_typed(client: TestClient) -> None:
    r = client.post("/api/analyses/water", json={"bogus": 1})
    assert r.status_code == 422
    assert r.json()["error"] == "ValidationError"
    r = client.post("/api/analyses/stress", json={"shocks": ["Nobody=0.5"]})
    assert r.status_code == 400
    assert "unknown firm" in r.json()["message"]
    r = client.post("/api/analyses/drawdown", json={"series": "NOPE"})
    assert r.status_code == 404


def test_api_fields_left_out_take_the_named_preset(client: TestClient) -> None:
    r = client.post("/api/analyses/scenario/job", json={"preset": "quick", "seed": 3})
    assert r.status_code == 202
    job = r.json()
    for _ in range(600):
        state = client.get(f"/api/jobs/{job['id']}").json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state["status"] == "done", state
    assert state["result"]["settings"] == {"scenario": "base", "paths": 2000, "seed": 3}


def test_cli_run_exits_1_when_every_symbol_of_a_scan_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pandas as pd

    import bubblescope.data.catalog as catalog

    def five_days(symbol: str) -> pd.Series:
        dates = pd.bdate_range("2024-01-01", periods=5)
        return pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=dates, name=symbol)

    monkeypatch.setattr(catalog, "load_series", five_days)
    out = CliRunner().invoke(app, ["run", "scan", "--analyses", "psy", "--symbols", "A,B"])
    assert out.exit_code == 1, out.output
    assert "every part of the run failed" in out.output
    ok = CliRunner().invoke(app, ["run", "scan", "--analyses", "drawdown", "--symbols", "A"])
    assert ok.exit_code == 0, ok.output


def test_cli_run_refuses_impossible_dates() -> None:
    out = CliRunner().invoke(app, ["run", "drawdown", "NVDA", "--start", "2020-02-30"])
    assert out.exit_code == 2
    assert "is not a date" in out.output


def test_list_settings_have_their_least_length(client: TestClient) -> None:
    entry = get("runway")
    with pytest.raises(InputError, match="at least 1 items"):
        entry.configure("standard", {"scenarios": ()})
    r = client.post("/api/analyses/runway", json={"scenarios": []})
    assert r.status_code == 422, r.text


def test_a_denormal_water_load_factor_is_refused_and_its_chart_draws() -> None:
    from bubblescope.charts import to_plotly
    from bubblescope.economy.water import water_use

    with pytest.raises(InputError, match="load_factor must be at least 0.01"):
        get("water").configure("standard", {"load_factor": 1e-323})
    tiny = water_use(load_factor=1e-323)  # the engine itself stays defined; its log axis draws
    assert to_plotly(tiny.chart_spec())["layout"]
