"""``bubblescope scan`` end to end on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer
from typer.testing import CliRunner

from bubblescope.cli.scan import register
from tests.reference import SharedFiles


def test_scan_cli_reports_partial_failures_as_json(
    tmp_path: Path, shared_file: SharedFiles, store_home: Path
) -> None:
    folder = tmp_path / "universe"
    folder.mkdir()
    for sym in ("NVDA", "SPY", "IRX"):  # the Yahoo files the shipped closes were built from
        shutil.copy(shared_file(f"yahoo_dsturdy/{sym}.csv"), folder / f"{sym}.csv")
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(app, [str(folder), "--market", "SPY", "--reps", "99", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    rows = {o["symbol"]: o for o in payload["outcomes"]}
    assert set(rows) == {"NVDA", "IRX"}  # the market is not scanned
    assert rows["NVDA"]["ok"]
    # ^IRX (T-bill yield) is <= 0 on 7 days of 2020 (PROVENANCE.md §3): its run-up needs logs
    assert "non-positive" in rows["IRX"]["errors"]["runup"]
    # the standard run's 20-year weekly PSY sample includes those days: no log, a clear error
    assert "non-positive" in rows["IRX"]["errors"]["psy"]


def test_scan_cli_unknown_folder_is_one_line_error(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(app, [str(tmp_path / "missing")])
    assert res.exit_code == 3
    assert res.output.startswith("error: universe")


def test_scan_cli_nets_run_ups_against_the_status_pages_market(
    tmp_path: Path, store_home: Path
) -> None:
    """Without --market the scan's net run-up is the status page's (SP500), to the last bit."""
    from bubblescope.data.catalog import load_series
    from bubblescope.settings import RunSettings
    from bubblescope.status.readings import return_reading

    listing = tmp_path / "universe.txt"
    listing.write_text("SMCI\n")
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(
        app, [str(listing), "--analyses", "runup", "--preset", "quick", "--json"]
    )
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    run = RunSettings.preset("quick")
    assert payload["market"] == run.runup.market
    reading, net = return_reading(
        load_series("SMCI")["close"],
        load_series(run.runup.market)["close"],
        run,
        is_market=False,
    )
    metrics = payload["outcomes"][0]["metrics"]
    assert metrics["runup_net_2y"] == net
    assert metrics["runup_raw_2y"] == reading.value
    none = CliRunner().invoke(app, [str(listing), "--analyses", "runup", "--market", "", "--json"])
    assert json.loads(none.output)["outcomes"][0]["metrics"]["runup_net_2y"] is None
