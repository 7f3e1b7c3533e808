"""A scan keeps rows it cannot store, and exits non-zero when every symbol fails (issue 20)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from bubblescope.cli.main import app
from bubblescope.scan import ScanConfig, scan


def _walk(seed: int, n: int) -> pd.Series:
    steps = np.random.default_rng(seed).normal(0.0, 0.02, n)
    return pd.Series(100 * np.exp(np.cumsum(steps)), index=pd.bdate_range("2010-01-01", periods=n))


def _folder(tmp_path: Path, lengths: dict[str, int]) -> Path:
    folder = tmp_path / "universe"
    folder.mkdir()
    for i, (symbol, n) in enumerate(lengths.items()):
        s = _walk(i, n)
        pd.DataFrame({"date": s.index, "close": s.to_numpy()}).to_csv(
            folder / f"{symbol}.csv", index=False
        )
    return folder


def test_rows_that_cannot_be_stored_are_kept(store_home: Path) -> None:
    store_home.mkdir(parents=True)
    (store_home / "store").write_text("a file where the store folder should be")
    universe = {"AAA": _walk(1, 300), "BBB": _walk(2, 300)}
    res = scan(universe, ScanConfig(analyses=("drawdown",)), store=True)
    assert [o.symbol for o in res.outcomes] == ["AAA", "BBB"]
    assert all(o.ok and "max_drawdown" in o.metrics for o in res.outcomes)
    assert sorted(res.unstored) == ["AAA", "BBB"]
    assert "StoreError" in res.unstored["AAA"]
    assert res.stored_runs == ()
    assert "not stored: 2 row(s)" in res.summary()
    assert res.to_dict()["unstored"] == res.unstored


def test_scan_exits_non_zero_when_every_symbol_fails(store_home: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"AAA": 6, "BBB": 7})  # far too short for PSY
    out = CliRunner().invoke(app, ["scan", str(folder), "--analyses", "psy"])
    assert out.exit_code == 1, out.output
    assert "every symbol failed (2)" in out.output
    assert "AAA psy failed" in out.output


def test_scan_exits_zero_when_one_symbol_completes(store_home: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"AAA": 6, "BBB": 300})
    out = CliRunner().invoke(app, ["scan", str(folder), "--analyses", "drawdown,psy"])
    assert out.exit_code == 0, out.output
    assert "AAA psy failed" in out.output
