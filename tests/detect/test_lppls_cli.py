"""The ``bubblescope lppls`` commands, driven through typer's CliRunner on a CSV file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.lppls import register
from bubblescope.detect.lppls import lppls_formula


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


@pytest.fixture
def bubble_csv(tmp_path: Path) -> Path:
    n = 320
    t = np.arange(float(n))
    logp = lppls_formula(t, n - 1 + 12.0, 0.5, 12.0, 6.0, -0.04, 0.0015, -0.001)
    noise = 0.008 * np.random.default_rng(11).standard_normal(n)
    frame = pd.DataFrame(
        {
            "Date": pd.bdate_range("2010-01-04", periods=n).strftime("%Y-%m-%d"),
            "Close": np.exp(logp + noise),
        }
    )
    path = tmp_path / "bubble.csv"
    frame.to_csv(path, index=False)
    return path


def test_fit_json(app: typer.Typer, bubble_csv: Path) -> None:
    out = CliRunner().invoke(
        app, ["lppls", "fit", str(bubble_csv), "--window", "250", "--space", "stylised", "--json"]
    )
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    # the series was generated with tc = t2 + 12 trading days, m = 0.5, ω = 12
    assert abs(d["tc_days_after_t2"] - 12) <= 4
    assert d["n_obs"] == 250
    assert d["bubble"] == "positive"


def test_fit_human_and_errors(app: typer.Typer, bubble_csv: Path) -> None:
    out = CliRunner().invoke(
        app, ["lppls", "fit", str(bubble_csv), "--end", "2010-06-30", "--start", "2010-01-04"]
    )
    assert out.exit_code == 0, out.output
    assert "tc      = t2" in out.output
    bad = CliRunner().invoke(app, ["lppls", "fit", str(bubble_csv), "--space", "weird"])
    assert bad.exit_code != 0
    assert "unknown search space" in bad.output
    short = CliRunner().invoke(app, ["lppls", "fit", str(bubble_csv), "--window", "5000"])
    assert short.exit_code != 0
    assert "longer than" in short.output


def test_confidence_json_range(app: typer.Typer, bubble_csv: Path) -> None:
    out = CliRunner().invoke(
        app,
        [
            "lppls",
            "confidence",
            str(bubble_csv),
            "--windows",
            "200:125:25",
            "--start",
            "2011-03-07",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert d["windows"]["n_windows"] == 4
    assert d["rows"][-1]["t2"] == "2011-03-25"
    assert len(d["rows"]) == 15
    assert d["rows"][-1]["confidence_pos"] == 1.0
    bad = CliRunner().invoke(app, ["lppls", "confidence", str(bubble_csv)])
    assert bad.exit_code != 0
    assert "too short" in bad.output


def test_confidence_backend_option(app: typer.Typer, bubble_csv: Path) -> None:
    args = ["lppls", "confidence", str(bubble_csv), "--windows", "200:125:25", "--json"]
    bad = CliRunner().invoke(app, [*args, "--backend", "tpu"])
    assert bad.exit_code == 2
    assert "unknown backend 'tpu'" in bad.output
    pytest.importorskip("jax")
    cpu = json.loads(CliRunner().invoke(app, [*args, "--backend", "cpu"]).output)
    gpu = json.loads(CliRunner().invoke(app, [*args, "--backend", "gpu"]).output)
    # JAX (on whatever device it has) qualifies the same windows as numba
    assert gpu["rows"][-1]["confidence_pos"] == cpu["rows"][-1]["confidence_pos"]
