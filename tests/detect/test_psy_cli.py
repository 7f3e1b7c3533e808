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
            "--freq",
            "D",
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


def test_psy_command_default_is_the_standard_run(store_home: Path) -> None:
    """Default: weekly log closes of the last 20 years, the preset's Monte Carlo values."""
    from bubblescope.data.bundled import load_bundled
    from bubblescope.settings import RunSettings

    out = CliRunner().invoke(_app(), ["psy", "nasdaq", "--log", "--json", "--reps", "199"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    standard = RunSettings.preset("standard").psy
    assert payload["critical_values"]["method"].startswith("Monte Carlo")
    assert payload["critical_values"]["reps"] == 199
    assert payload["sample"]["frequency"] == "W"
    # Independent sampling: the last close of each week, dated at its own trading day,
    # over the 240 months before the last date.
    close = load_bundled("nasdaq")["close"]
    weeks = close.groupby(close.index.to_period("W-FRI"))
    weekly = pd.Series([g.iloc[-1] for _, g in weeks], index=[g.index[-1] for _, g in weeks])
    cutoff = weekly.index[-1] - pd.DateOffset(months=round(12 * standard.lookback_years))
    weekly = weekly[weekly.index > cutoff]
    assert payload["n"] == len(weekly)
    assert payload["sample"]["first_date"] == str(weekly.index[0].date())
    exuber = pytest.importorskip("exuber")
    ref = exuber.radf(np.log(weekly.to_numpy()), minw=payload["window"]["rows"])
    assert payload["gsadf"] == pytest.approx(float(np.ravel(ref.gsadf)[0]), abs=1e-9)


def test_psy_command_freq_option(store_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_TODAY", "2026-12-06")
    runner = CliRunner()
    monthly = runner.invoke(
        _app(), ["psy", "sp500", "--freq", "M", "--start", "1990-01-01", "--cv", "none", "--json"]
    )
    assert monthly.exit_code == 0, monthly.output
    payload = json.loads(monthly.output)
    assert payload["sample"]["frequency"] == "M"
    assert payload["sample"]["first_date"] == "1990-01-31"
    assert payload["data"]["stale"].startswith("prices end 2026-08-21")
    bad = runner.invoke(_app(), ["psy", "sp500", "--freq", "Q"])
    assert bad.exit_code == 2
    assert "--freq must be D, W or M" in bad.output


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
