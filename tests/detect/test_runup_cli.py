"""``bubblescope runup`` and ``bubblescope drawdown`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import typer
from typer.testing import CliRunner

from bubblescope.cli.runup import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_drawdown_json_bundled() -> None:
    res = CliRunner().invoke(_app(), ["drawdown", "nasdaq", "--top", "1", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    ep = payload["episodes"][0]
    # NASDAQ record close 2000-03-10, low 2002-10-09 (see test_drawdown)
    assert (ep["peak"], ep["trough"]) == ("2000-03-10", "2002-10-09")
    assert round(ep["depth_pct"], 1) == -77.9


def test_runup_file_with_market(tmp_path: Path) -> None:
    idx = pd.date_range("2000-01-31", periods=76, freq="ME")
    values = np.r_[np.ones(12), 1.03 ** np.arange(1, 25), 1.03**24 * np.r_[1.0, 0.5, [0.5] * 38]]
    asset, market = tmp_path / "asset.csv", tmp_path / "market.csv"
    pd.DataFrame({"date": idx, "close": values}).to_csv(asset, index=False)
    pd.DataFrame({"date": idx, "close": np.ones(76)}).to_csv(market, index=False)
    args = ["runup", str(asset), "--market", str(market), "--prior-window", "0"]
    res = CliRunner().invoke(_app(), [*args, "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["n_episodes"] == 1
    assert payload["episodes"][0]["start"] == "2002-12-31"
    assert payload["episodes"][0]["crash"] is True
    text = CliRunner().invoke(_app(), args)
    assert "1 episode(s), 1 crash(es)" in text.output


def test_errors_are_one_line_with_exit_code() -> None:
    res = CliRunner().invoke(_app(), ["runup", "nasdaq", "--threshold", "-2"])
    assert res.exit_code == 2
    assert "threshold must be" in res.output
    res = CliRunner().invoke(_app(), ["drawdown", "no-such-series"])
    assert res.exit_code == 3
    assert "unknown series" in res.output


def test_runup_open_episode_is_not_printed_as_no(tmp_path: Path) -> None:
    # 3%/month for 24 months after 12 flat ones: run-up at 2002-12; the data end in 2003-10,
    # 14 months before its 24-month crash window closes (2004-12), with no fall so far
    idx = pd.date_range("2000-01-31", periods=46, freq="ME")
    values = np.r_[np.ones(12), 1.03 ** np.arange(1, 25), [1.03**24] * 10]
    asset, market = tmp_path / "asset.csv", tmp_path / "market.csv"
    pd.DataFrame({"date": idx, "close": values}).to_csv(asset, index=False)
    pd.DataFrame({"date": idx, "close": np.ones(46)}).to_csv(market, index=False)
    args = ["runup", str(asset), "--market", str(market), "--prior-window", "0"]
    text = CliRunner().invoke(_app(), args)
    assert text.exit_code == 0, text.output
    row = next(line for line in text.output.splitlines() if "2002-12-31" in line)
    assert row.rstrip().endswith("open (window ends 2004-12)")
    assert " no" not in row
    assert "1 open" in text.output
    payload = json.loads(CliRunner().invoke(_app(), [*args, "--json"]).output)
    episode = payload["episodes"][0]
    assert (episode["crash"], episode["censored"], episode["open"]) == (None, True, True)
    assert (payload["n_crashes"], payload["n_open"], payload["crash_share"]) == (0, 1, None)
