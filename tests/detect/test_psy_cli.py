"""``bubblescope psy`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.psy import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test root (forces the group layout)."""

    return app


def test_psy_command_json_on_csv_file(tmp_path: Path, store_home: Path) -> None:
    # T5's series (numpy default_rng(12345) random walk, T = 200) with dates, read back from CSV.
    y = np.cumsum(np.random.default_rng(12345).standard_normal(200)) + 100
    path = tmp_path / "walk.csv"
    pd.DataFrame({"date": pd.date_range("2000-01-03", periods=200, freq="B"), "close": y}).to_csv(
        path, index=False
    )
    out = CliRunner().invoke(
        _app(),
        [
            "psy",
            str(path),
            "--window",
            "27",
            "--cv",
            "mc",
            "--reps",
            "100",
            "--seed",
            "1",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["gsadf"] == pytest.approx(0.8535467966, abs=1e-9)
    assert payload["window"]["points"] == 27
    assert payload["critical_values"]["reps"] == 100
    assert len(list((store_home / "cache" / "psy_cv").glob("*.npz"))) == 1


def test_psy_command_human_output_and_errors(tmp_path: Path, store_home: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        _app(),
        [
            "psy",
            "sp500",
            "--start",
            "1999-01-01",
            "--end",
            "1999-12-31",
            "--log",
            "--reps",
            "50",
            "--cv",
            "wild",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "GSADF" in out.output
    assert "wild bootstrap" in out.output
    bad = runner.invoke(_app(), ["psy", "sp500", "--cv", "magic"])
    assert bad.exit_code == 2
    assert "unknown --cv 'magic'" in bad.output
    bad = runner.invoke(_app(), ["psy", "sp500", "--window", "weekly"])
    assert bad.exit_code == 2
    assert "--window must be" in bad.output


def test_psy_command_default_uses_the_response_surface(store_home: Path) -> None:
    out = CliRunner().invoke(_app(), ["psy", "nasdaq", "--log", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["critical_values"]["method"].startswith("response surface")
    assert payload["n"] == 5031  # arch's NASDAQ 1999-2018, daily
    exuber = pytest.importorskip("exuber")
    from bubblescope.data.bundled import load_bundled

    logp = np.log(load_bundled("nasdaq")["close"].to_numpy())
    ref = exuber.radf(logp, minw=payload["window"]["rows"])
    assert payload["gsadf"] == pytest.approx(float(np.ravel(ref.gsadf)[0]), abs=1e-9)


def test_psy_command_backend_option(tmp_path: Path, store_home: Path) -> None:
    y = np.cumsum(np.random.default_rng(5).standard_normal(120)) + 100
    path = tmp_path / "walk.csv"
    pd.DataFrame({"date": pd.date_range("2001-01-01", periods=120, freq="B"), "close": y}).to_csv(
        path, index=False
    )
    runner = CliRunner()
    rs = runner.invoke(_app(), ["psy", str(path), "--cv", "rs", "--backend", "gpu"])
    assert rs.exit_code != 0
    assert "--backend gpu applies to simulated critical values, not --cv rs" in rs.output
    bad = runner.invoke(
        _app(), ["psy", str(path), "--cv", "wild", "--reps", "20", "--backend", "tpu"]
    )
    assert bad.exit_code != 0
    assert "unknown backend 'tpu'" in bad.output
