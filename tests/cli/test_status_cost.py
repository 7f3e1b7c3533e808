"""``bubblescope status`` estimates its work with the server's function, counting cache gaps only.

Issue 20 (Deliver 2): the CLI gets the server's estimate, refuses over the limit unless
``--yes``, and a warm cache (rows and records already computed for the data and settings) is
not refused for work it will not do.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bubblescope.cli import _common
from bubblescope.cli.main import app
from bubblescope.settings import RunSettings
from bubblescope.web.cost import DEFAULT_BUDGET_S, psy_cost, status_cost

ARGS = ["status", "NVDA", "--preset", "quick", "--no-log"]


@pytest.fixture
def empty_cache(store_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A results cache of its own, empty: the first status run here is cold."""
    folder = tmp_path / "results-cache"
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(folder))
    return folder


def _estimate(text: str) -> float:
    found = re.search(r"estimated ([\d,]+) s", " ".join(text.split()))
    assert found, text
    return float(found.group(1).replace(",", ""))


def test_a_cold_page_over_the_limit_needs_yes_and_a_warm_one_does_not(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunSettings.preset("quick")
    cold = status_cost(run, ["NVDA"])
    # NVDA's row (two PSY readings with their what-if searches, one simulation of critical
    # values) is at least its PSY work, and both indices' record backtests are still to do
    n = len(run.psy.sample(_nvda_close()))
    assert cold.seconds > psy_cost(n, run.psy.lag, run.psy.reps).seconds
    assert "1 series (0 cached)" in cold.basis
    assert "1 simulation(s) of critical values" in cold.basis
    assert "2 of two indices' record backtests" in cold.basis

    monkeypatch.setattr(_common, "COST_LIMIT_S", cold.seconds / 2)
    refused = CliRunner().invoke(app, ARGS)
    assert refused.exit_code == 2, refused.output
    assert "--yes" in refused.output
    assert _estimate(refused.output) == round(cold.seconds)  # the server's figure, named

    passed = CliRunner().invoke(app, [*ARGS, "--yes", "--json"])
    assert passed.exit_code == 0, passed.output
    assert [row["key"] for row in json.loads(passed.stdout)["rows"]] == ["NVDA"]

    warm = status_cost(run, ["NVDA"])  # the row and the records are now cached
    assert warm.seconds < cold.seconds
    assert warm.seconds == 0
    assert warm.basis == "status page: 1 series, every row and record cached"
    again = CliRunner().invoke(app, ARGS)  # same limit, no --yes: the warm page runs
    assert again.exit_code == 0, again.output
    assert _estimate(again.output) == 0

    # rows and records gone, NVDA's simulated critical values still on disk: only their
    # replications' sweeps drop out of the cold estimate
    shutil.rmtree(empty_cache)
    partial = status_cost(run, ["NVDA"])
    lag, reps = run.psy.lag, run.psy.reps
    simulation = psy_cost(n, lag, reps).seconds - psy_cost(n, lag, 0).seconds
    assert partial.seconds == pytest.approx(cold.seconds - simulation)
    assert "0 simulation(s) of critical values" in partial.basis


def test_the_standard_page_runs_cold_without_flags(empty_cache: Path) -> None:
    # README's first command runs `bubblescope overview` (the standard status page) with no
    # flags: its cold estimate must stay under the CLI's limit, the publication run's over it
    standard = status_cost(RunSettings.preset("standard"))
    publication = status_cost(RunSettings.preset("publication"))
    assert "11 series (0 cached)" in standard.basis
    assert 0 < standard.seconds <= _common.COST_LIMIT_S == DEFAULT_BUDGET_S
    assert publication.seconds > _common.COST_LIMIT_S
    refused = CliRunner().invoke(app, ["status", "--preset", "publication", "--no-log"])
    assert refused.exit_code == 2, refused.output
    assert _estimate(refused.output) == round(publication.seconds)
    assert "--yes" in refused.output


def _nvda_close() -> pd.Series:
    from bubblescope.data.catalog import load_series

    return load_series("NVDA")["close"].dropna()
