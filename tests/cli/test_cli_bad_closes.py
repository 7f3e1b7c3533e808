"""A non-positive close inside a sampled period is refused, not sampled away (exit code 2).

Weekly and monthly samples keep each period's last close, so the check has to look at every
day of the file; the bad close here is a Thursday's, which neither sample would keep.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bubblescope.cli.main import app


@pytest.fixture
def bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    days = pd.bdate_range("2015-01-01", periods=1000)
    close = 100.0 + 0.1 * np.arange(days.shape[0])
    thursday = int(np.flatnonzero(days == pd.Timestamp("2016-12-01"))[0])
    close[thursday] = -5.0
    path = tmp_path / "bad.csv"
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": close}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("command", "need"),
    [
        (["backtest"], "a backtest needs positive prices"),
        (["backtest", "--freq", "M"], "a backtest needs positive prices"),
        (["psy", "--log"], "--log needs positive prices"),
    ],
    ids=["backtest weekly", "backtest monthly", "psy --log weekly"],
)
def test_a_thursdays_negative_close_is_refused(
    bad_file: Path, command: list[str], need: str
) -> None:
    out = CliRunner().invoke(app, [command[0], str(bad_file), *command[1:]])
    assert out.exit_code == 2, out.output
    assert "1 non-positive close(s), first -5 at 2016-12-01" in out.output
    assert need in out.output
    assert "Traceback" not in out.output
