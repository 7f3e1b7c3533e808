"""``bubblescope monitor`` end to end on a small synthetic store."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bubblescope.cli.monitor import register
from bubblescope.data.store import import_frame
from bubblescope.status.universe_monitor import synthetic_universe


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_monitor_cli_updates_incrementally_and_reports_bad_tickers(
    store_home: Path, tmp_path: Path
) -> None:
    u = synthetic_universe(2, 300, rng=5)
    for frame in u.values():
        import_frame(frame.iloc[:-1])
    args = ["--tickers", "SYN00000,SYN00001,NOPE", "--psy-window", "40", "--no-lppls"]
    args += ["--runup-days", "100", "--state-dir", str(tmp_path / "state"), "--json"]
    first = json.loads(CliRunner().invoke(_app(), args).output)
    assert first["counts"] == {
        "cold": 2, "updated": 0, "unchanged": 0, "recomputed": 0, "failed": 1
    }  # fmt: skip
    rows = {r["ticker"]: r for r in first["tickers"]}
    assert rows["NOPE"]["error"].startswith("UnknownSymbolError")
    for frame in u.values():
        import_frame(frame)
    res = CliRunner().invoke(_app(), args[:-1])
    assert res.exit_code == 0, res.output
    assert "cold 0, updated 2, unchanged 0, recomputed 0, failed 1" in res.output
    assert "failed NOPE: UnknownSymbolError" in res.output
    again = json.loads(CliRunner().invoke(_app(), args).output)
    after = {r["ticker"]: r["readings"] for r in again["tickers"]}
    assert after["SYN00000"]["date"] == u["SYN00000"].index[-1].date().isoformat()
    assert again["counts"]["unchanged"] == 2


def test_monitor_cli_exits_1_when_every_ticker_fails(store_home: Path) -> None:
    res = CliRunner().invoke(_app(), ["--tickers", "NOPE", "--no-store"])
    assert res.exit_code == 1
    assert "every ticker failed (1)" in res.output


def test_monitor_cli_empty_store_is_one_line_error(store_home: Path) -> None:
    res = CliRunner().invoke(_app(), [])
    assert res.exit_code == 2
    assert res.output.strip().startswith("error: no tickers to monitor: the store has no prices")
