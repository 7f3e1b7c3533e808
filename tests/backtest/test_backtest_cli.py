"""``bubblescope backtest`` through typer's CliRunner on the shipped series and on a real file
(the shared FRED file, rebuilt byte for byte from the shipped NASDAQ: tests/reference.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli import _common
from bubblescope.cli.backtest import register
from tests.reference import SharedFiles


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.command("noop", hidden=True)
    def _noop() -> None:  # a second command keeps typer in multi-command mode
        """Nothing."""

    return a


def test_backtest_json_on_nasdaq_weekly(store_home: Path) -> None:
    # the shipped NASDAQ and Shiller table by name (the empty store overlays nothing)
    out = CliRunner().invoke(
        app(),
        [
            "backtest",
            "nasdaq",
            "--signals",
            "psy,runup,baseline",
            "--freq",
            "W",
            "--reps",
            "49",
            "--shiller",
            "shiller",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["event_spec"]["drawdown"] == 0.2
    assert "2000-03-10" in [e["peak"] for e in payload["events"]]
    assert set(payload["scores"]) == {
        "psy",
        "runup",
        "crash_probability",
        "baseline_return",
        "baseline_cape",
    }
    assert payload["scores"]["baseline_cape"]["baseline"] is True


def test_backtest_text_and_errors(shared_file: SharedFiles) -> None:
    f = shared_file("fred/NASDAQCOM_daily_1971-2026_combined.csv")
    out = CliRunner().invoke(
        app(),
        [
            "backtest",
            str(f),
            "--signals",
            "baseline_return",
            "--freq",
            "M",
            "--event-drawdown",
            "0.3",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "events: >= 30% fall" in out.stdout
    bad = CliRunner().invoke(app(), ["backtest", str(f), "--freq", "X"])
    assert bad.exit_code != 0
    assert "unknown frequency 'X'" in bad.output
    bad = CliRunner().invoke(app(), ["backtest", str(f), "--event-drawdown", "2"])
    assert "drawdown must lie strictly between 0 and 1" in bad.output


def test_a_rerun_reads_its_signals_back_and_is_estimated_at_nothing(
    store_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    monkeypatch.setattr(_common, "COST_LIMIT_S", 1e-6)  # any work left to do is refused
    args = ["backtest", "nasdaq", "--signals", "psy,runup", "--freq", "W", "--reps", "49"]
    refused = CliRunner().invoke(app(), [*args, "--json"])
    assert refused.exit_code != 0
    assert "over the limit" in refused.output
    first = CliRunner().invoke(app(), [*args, "--json", "--yes"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(app(), [*args, "--json"])  # all cached: nothing to refuse
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == json.loads(first.stdout)
    other_seed = CliRunner().invoke(app(), [*args, "--json", "--seed", "1"])
    assert "over the limit" in other_seed.output  # a new seed is new work
    monkeypatch.setenv("BUBBLESCOPE_NO_CACHE", "1")
    assert "over the limit" in CliRunner().invoke(app(), [*args, "--json"]).output
    uncached = CliRunner().invoke(app(), [*args, "--json", "--yes"])
    assert json.loads(uncached.stdout) == json.loads(first.stdout)
