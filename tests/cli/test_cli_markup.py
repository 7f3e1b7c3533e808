"""User text prints as written: rich markup is never read from it (issue 20)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bubblescope.cli.main import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    return tmp_path


def _walk_csv(path: Path, column: str, gap: bool = False) -> Path:
    idx = pd.date_range("2000-01-07", periods=120, freq="W-FRI")
    close = np.exp(np.cumsum(np.random.default_rng(0).normal(0.0, 0.03, 120)))
    frame = pd.DataFrame({"date": idx, column: close})
    if gap:
        frame.loc[5, column] = np.nan
    frame.to_csv(path, index=False)
    return path


def test_column_named_like_a_closing_tag_does_not_crash_the_import(home: Path) -> None:
    # the note about the dropped row names the value column "[/x]": as markup it raised
    # MarkupError after the import had committed
    path = _walk_csv(home / "[red]evil.csv", "[/x]", gap=True)
    runner = CliRunner()
    out = runner.invoke(app, ["data", "import", str(path), "--symbol", "EVIL"])
    assert out.exit_code == 0, out.output
    assert "no [/x] value" in out.output
    listed = runner.invoke(app, ["data", "list"])
    assert listed.exit_code == 0, listed.output
    assert "file:[red]evil.csv" in listed.output


def test_file_name_in_brackets_is_printed_as_written(home: Path) -> None:
    path = _walk_csv(home / "[bold]walk.csv", "close")
    out = CliRunner().invoke(app, ["psy", str(path), "--cv", "none"])
    assert out.exit_code == 0, out.output
    assert "[bold]walk.csv" in out.output


def test_the_backend_label_in_brackets_is_printed(home: Path) -> None:
    # the critical values' method names its backend as "[jax cpu]": as markup it vanished
    pytest.importorskip("jax")
    out = CliRunner().invoke(
        app, ["psy", "nasdaq", "--freq", "M", "--start", "2015", "--cv", "mc", "--reps", "50",
              "--backend", "gpu"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Monte Carlo (drift) [jax " in out.output
