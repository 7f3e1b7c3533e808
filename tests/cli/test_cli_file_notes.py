"""What reading a price file changed is said beside the analysis, not only at ``data import``.

A file's blank closes are dropped (holidays, gaps) and a newest-first file is reversed
(:func:`bubblescope.data.sources.load_file`); an analysis command run on the file names each
change under its ``data:`` line and in the JSON payload's ``data.notes``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bubblescope.cli.main import app

DAYS = pd.bdate_range("2015-01-01", periods=400)


def _write(path: Path, blank: str | None = None, newest_first: bool = False) -> Path:
    close = (100.0 * np.exp(0.001 * np.arange(DAYS.shape[0]))).round(4).astype(object)
    if blank is not None:
        close[DAYS.get_loc(pd.Timestamp(blank))] = ""
    frame = pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "close": close})
    frame = frame.iloc[::-1] if newest_first else frame
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))


def _psy(path: Path, *extra: str) -> str:
    out = CliRunner().invoke(app, ["psy", str(path), "--freq", "D", "--reps", "50", *extra])
    assert out.exit_code == 0, out.output
    return out.output


def test_a_dropped_blank_close_is_noted_in_text_and_json(tmp_path: Path) -> None:
    path = _write(tmp_path / "gap.csv", blank="2015-06-03")
    note = "dropped 1 row(s) with no close value (holidays/gaps): 2015-06-03"
    text = _psy(path)
    assert f"data: file gap.csv; 2015-01-01 to {DAYS[-1].date()}\nnote: {note}" in text
    assert json.loads(_psy(path, "--json"))["data"]["notes"] == [note]


def test_a_reversed_file_is_noted_and_a_clean_file_has_no_note(tmp_path: Path) -> None:
    reversed_notes = json.loads(_psy(_write(tmp_path / "rev.csv", newest_first=True), "--json"))
    assert len(reversed_notes["data"]["notes"]) == 1
    assert "newest-first" in reversed_notes["data"]["notes"][0]
    clean = tmp_path / "clean.csv"
    assert json.loads(_psy(_write(clean), "--json"))["data"]["notes"] == []
    assert "note:" not in _psy(clean)
