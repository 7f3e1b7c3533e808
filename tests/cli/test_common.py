"""CLI plumbing: JSON conversion and one-line typed errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import typer
from typer.testing import CliRunner

from bubblescope.cli._common import JSON_OPTION, emit, handle_errors, to_jsonable
from bubblescope.cli.main import app
from bubblescope.errors import InputError


def test_to_jsonable_maps_nan_to_null_and_dates_to_iso() -> None:
    payload = {
        "x": np.float64("nan"),
        "d": pd.Timestamp("2000-03-10"),
        "a": np.arange(2),
        "b": np.bool_(True),
    }
    assert to_jsonable(payload) == {"x": None, "d": "2000-03-10", "a": [0, 1], "b": True}
    json.dumps(to_jsonable(payload), allow_nan=False)


def test_handle_errors_prints_one_line_and_exits_with_the_code() -> None:
    sub = typer.Typer()

    @sub.command()
    @handle_errors
    def fail(as_json: bool = JSON_OPTION) -> None:
        raise InputError("series too short", hint="use more data")

    @sub.command()
    @handle_errors
    def ok(as_json: bool = JSON_OPTION) -> None:
        emit({"v": 1.5}, as_json, lambda: typer.echo("human"))

    runner = CliRunner()
    res = runner.invoke(sub, ["fail"])
    assert res.exit_code == InputError.exit_code
    assert res.output.strip() == "error: series too short (hint: use more data)"
    assert json.loads(runner.invoke(sub, ["ok", "--json"]).output) == {"v": 1.5}
    assert runner.invoke(sub, ["ok"]).output.strip() == "human"


def test_root_help_works() -> None:
    res = CliRunner().invoke(app, ["--help"])
    assert res.exit_code == 0
    assert "bubblescope overview" in res.output
