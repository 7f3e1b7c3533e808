"""PSY's reading *now* on the result, the scan and ``bubblescope psy``, as on the status page.

PSY's dating (Phillips, Shi and Yu 2015) holds an episode open for ``min_duration``
observations after its first exceedance. A constructed weekly log-price path (a random walk,
six weeks of 6% growth, then a fall back) ends with such an episode open while its last BSADF
is far below the critical value: ``PSYResult.summary``/``to_dict``, the scan's ``psy_now`` and
the CLI must read "episode not confirmed", as the status page does, and keep the dating's
``psy_ongoing``. The same path without the fall ends above and reads "explosive now".
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.analyses.engines import PSYAnalysisSettings, run_psy
from bubblescope.cli.psy import register
from bubblescope.scan import ScanConfig, scan
from bubblescope.settings import RunSettings
from bubblescope.status.readings import psy_reading

SETTINGS = RunSettings.preset("standard").with_changes(psy={"reps": 199})
RUN, GROWTH = 6, 0.06


def _daily(fall_back: bool) -> pd.Series:
    """Business-day closes whose Friday closes are the constructed weekly path."""
    rng = np.random.default_rng(3)
    n = 300
    steps = rng.normal(0.0, 0.02, n)
    k = 3 if fall_back else 0
    steps[n - RUN - k : n - k] = GROWTH
    if fall_back:
        steps[n - k] = -GROWTH * RUN
    weeks = pd.date_range("2020-01-03", periods=n, freq="W-FRI")
    weekly = pd.Series(100.0 * np.exp(np.cumsum(steps)), index=weeks, name="close")
    days = pd.bdate_range(weeks[0], weeks[-1])
    return weekly.reindex(days).ffill()


@pytest.mark.parametrize(
    ("fall_back", "state"), [(True, "episode not confirmed"), (False, "explosive now")]
)
def test_result_scan_and_status_page_read_the_same(
    fall_back: bool, state: str, store_home: Path
) -> None:
    close = _daily(fall_back)
    res = run_psy(close, PSYAnalysisSettings.from_run(SETTINGS))
    last, crit = float(res.bsadf.iloc[-1]), float(res.threshold.iloc[-1])
    # the dating holds the episode open in both cases; only the last comparison differs
    assert res.episodes[-1].ongoing
    assert (last > crit) == (not fall_back)
    start = str(res.episodes[-1].start.date())

    summary = res.summary()
    now = res.to_dict()["now"]
    assert now["state"] == state
    assert now["stat"] == last
    assert now["critical_value"] == crit
    assert json.loads(json.dumps(now)) == now
    if fall_back:
        assert f"an episode began on {start}, not yet confirmed: BSADF" in summary
        assert "explosive now" not in summary
        assert now["start"] == start
    else:
        assert f"explosive now: BSADF is above its critical value ({last:.2f} vs {crit:.2f})" in (
            summary
        )
        assert f"episode since {start}" in summary

    table = scan({"X": close}, ScanConfig(analyses=("psy",), run=SETTINGS))
    row = table.to_frame().loc["X"]
    assert row["psy_ongoing"]  # the dating's column, unchanged
    assert row["psy_now"] == state
    assert row["psy_last_bsadf"] == last
    assert row["psy_last_bsadf_cv"] == crit
    assert set(table.definitions) >= {"psy_ongoing", "psy_now", "psy_last_bsadf_cv"}
    top = next(line for line in table.summary().splitlines() if line.startswith("  X "))
    assert top.rstrip().endswith(state)
    assert "ongoing" not in top

    reading = psy_reading(close, SETTINGS, log=True)
    assert reading.detail["now"]["state"] == row["psy_now"]
    assert reading.value == row["psy_last_bsadf"]


def test_psy_command_prints_the_reading_now(tmp_path: Path, store_home: Path) -> None:
    close = _daily(True)
    path = tmp_path / "x.csv"
    close.rename_axis("date").to_frame().to_csv(path)
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test root (forces the group layout)."""

    out = CliRunner().invoke(app, ["psy", str(path), "--log", "--reps", "199"])
    assert out.exit_code == 0, out.output
    res = run_psy(close, PSYAnalysisSettings.from_run(SETTINGS))
    start = str(res.episodes[-1].start.date())
    line = next(x for x in out.output.splitlines() if x.strip().startswith("now ("))
    assert f"an episode began on {start}, not yet confirmed" in line
    assert f"({res.bsadf.iloc[-1]:.2f} vs {res.threshold.iloc[-1]:.2f})" in line
