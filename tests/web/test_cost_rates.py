"""Issue 18: the cost estimates' rates are measured data, and the estimates land near the runs.

``src/bubblescope/web/cost_rates.yaml`` keeps each rate with the measurements it was fitted to
(``benchmarks/bench_cost.py --write``). The tests hold the estimates to those recorded runs
within stated factors (no wall clock here), check that each estimate counts the work the
engine does, and that the leaderboard is estimated, refused over budget and free when cached.
"""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient

from bubblescope.analyses.registry import LeaderboardSettings
from bubblescope.backtest.events import EventSpec
from bubblescope.backtest.leaderboard import History, cached_histories, leaderboard
from bubblescope.backtest.signals import ALL_SIGNALS, SignalConfig
from bubblescope.detect.lppls import WindowSet, lppls_confidence
from bubblescope.errors import DataError
from bubblescope.settings import RunSettings
from bubblescope.status.records import leaderboard_histories, signal_config
from bubblescope.web import cost, create_app

RATES = yaml.safe_load(
    resources.files("bubblescope.web").joinpath("cost_rates.yaml").read_text(encoding="utf-8")
)
#: LPPLS: the two-rate line fits the four window sets within 1% when measured; 1.25 allows
#: for a re-measurement on a loaded machine without the test failing on noise.
LPPLS_FACTOR = 1.25
#: Leaderboard: its histories were estimated within 0.92-1.24 of the cold runs measured with
#: these rates (a backtest is more than its counted fits and sweeps); 1.5 says how close.
LEADERBOARD_FACTOR = 1.5


@pytest.fixture
def cold(store_home: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty caches: a leaderboard estimate counts every history."""
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results-cache"))


def test_every_rate_is_measured_and_names_its_command() -> None:
    assert RATES["command"] == ".venv/bin/python benchmarks/bench_cost.py --write"
    for name, row in RATES["rates"].items():
        assert row["value"] > 0, name
        assert row["unit"] == "s"
        assert "least squares" in row["why"]
    assert RATES["rates"]["lppls_seconds_per_fit"]["value"] == cost.LPPLS_SECONDS_PER_FIT
    assert (
        RATES["rates"]["lppls_seconds_per_window_point"]["value"]
        == cost.LPPLS_SECONDS_PER_WINDOW_POINT
    )


@pytest.mark.parametrize(
    "row", RATES["lppls_measurements"], ids=lambda r: f"{r['max_window']}-{r['min_window']}"
)
def test_the_lppls_estimate_is_within_its_factor_of_each_measured_date(row: dict[str, Any]) -> None:
    estimate = cost.lppls_confidence_cost(1, row["max_window"], row["min_window"], row["step"])
    ratio = estimate.seconds / row["cpu_s_per_date"]
    assert 1 / LPPLS_FACTOR < ratio < LPPLS_FACTOR
    # the counts the rates multiply are the ones recorded with the measurement
    windows = range(row["max_window"], row["min_window"] - 1, -row["step"])
    assert (len(windows), sum(windows)) == (row["fits_per_date"], row["points_per_date"])
    assert f"{len(windows):,} windows" in estimate.basis


def test_the_lppls_estimate_counts_the_fits_the_engine_makes() -> None:
    t = pd.Series(range(300), dtype=float)
    prices = 100.0 * (1.0 + 0.001 * t) + (t % 7)
    windows = WindowSet(60, 30, 10)
    result = lppls_confidence(prices, [250, 270, 299], windows=windows, n_jobs=1)
    assert len(result.frame) == 3
    estimate = cost.lppls_confidence_cost(3, 60, 30, 10)
    assert estimate.basis == "LPPLS Confidence: 3 dates x 4 windows (12 fits)"
    assert windows.lengths.tolist() == [60, 50, 40, 30]  # what the engine fits a date
    assert estimate.seconds == pytest.approx(
        12 * cost.LPPLS_SECONDS_PER_FIT
        + 3 * (60 + 50 + 40 + 30) * cost.LPPLS_SECONDS_PER_WINDOW_POINT
    )


def test_the_leaderboard_estimate_is_within_its_factor_of_the_recorded_runs(cold: None) -> None:
    runs = RATES["leaderboard_runs"]
    run = RunSettings.preset(runs[0]["preset"])
    estimates = [cost.leaderboard_cost(run, [r["history"]]).seconds for r in runs]
    for r, est in zip(runs, estimates, strict=True):
        assert 1 / LEADERBOARD_FACTOR < est / r["leaderboard_s"] < LEADERBOARD_FACTOR, r
    total = cost.leaderboard_cost(run, [r["history"] for r in runs]).seconds
    assert total == pytest.approx(sum(estimates))
    measured = sum(r["leaderboard_s"] for r in runs)
    assert 1 / LEADERBOARD_FACTOR < total / measured < LEADERBOARD_FACTOR


def test_the_leaderboard_estimate_counts_its_parts(cold: None) -> None:
    run = RunSettings.preset("quick")
    cfg = signal_config(run)
    nasdaq, french = leaderboard_histories(run, ("NASDAQ", "FRENCH49"))

    def backtest_part(prices: pd.Series, signals: list[str]) -> float:
        return cost.backtest_prices_cost(
            prices, signals, train_years=cfg.train_years, lag=cfg.psy_lag, reps=cfg.psy_reps,
            lppls_grid=cfg.lppls_grid, lppls_windows=cfg.lppls_windows,
        ).seconds  # fmt: skip

    assert isinstance(nasdaq.prices, pd.Series)
    one = cost.leaderboard_cost(run, ["NASDAQ"])
    assert one.seconds == pytest.approx(
        backtest_part(nasdaq.prices, list(ALL_SIGNALS))
        + cost.LEADERBOARD_SECONDS_PER_HISTORY
        + len(nasdaq.prices) * cost.LEADERBOARD_SECONDS_PER_OBSERVATION
    )
    assert backtest_part(nasdaq.prices, ["lppls"]) > 0  # LPPLS is counted on an index
    # the industries: each member's PSY, no LPPLS (left out there), one per-history cost
    assert not isinstance(french.prices, pd.Series)
    members = list(french.prices.values())
    universe = cost.leaderboard_cost(run, ["FRENCH49"])
    assert universe.seconds == pytest.approx(
        sum(backtest_part(p, ["psy"]) for p in members)
        + cost.LEADERBOARD_SECONDS_PER_HISTORY
        + sum(len(p) for p in members) * cost.LEADERBOARD_SECONDS_PER_OBSERVATION
    )
    assert f"{len(members)} price series" in universe.basis
    # asked for, LPPLS on the industries is run and counted, member by member
    with_lppls = cost.leaderboard_cost(run, ["FRENCH49"], industry_lppls=True)
    assert with_lppls.seconds == pytest.approx(
        universe.seconds + sum(backtest_part(p, ["lppls"]) for p in members)
    )
    assert not leaderboard_histories(run, ("FRENCH49",), industry_lppls=True)[0].leave_out
    assert "lppls" in french.leave_out
    publication = cost.leaderboard_cost(RunSettings.preset("publication"), ["NASDAQ"])
    assert publication.seconds > one.seconds  # finer LPPLS steps, more replications


def test_a_cached_history_costs_nothing(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    dates = pd.date_range("2000-01-07", periods=400, freq="W-FRI")
    prices = pd.Series(100.0 * 1.002 ** np.arange(400.0), index=dates, name="close")
    tiny = History("TINY", "a tiny history", prices, EventSpec.index())
    signals = ["runup", "baseline_return"]
    assert cached_histories([tiny], signals=signals) == frozenset()
    leaderboard([tiny], signals=signals)
    assert cached_histories([tiny], signals=signals) == {"TINY"}
    assert cached_histories([tiny], signals=["runup"]) == frozenset()  # other signals
    changed = History("TINY", "a tiny history", prices * 1.01, EventSpec.index())
    assert cached_histories([changed], signals=signals) == frozenset()  # other prices
    assert cached_histories([tiny], config=SignalConfig(train_years=5), signals=signals) == (
        frozenset()
    )
    # the estimate skips what the cache holds
    monkeypatch.setattr(
        "bubblescope.backtest.leaderboard.cached_histories",
        lambda histories, **_: frozenset(h.key for h in histories),
    )
    warm = cost.leaderboard_cost(RunSettings.preset("standard"), ["NASDAQ", "SP500"])
    assert warm.seconds == 0
    assert "2 histories (2 cached), 0 price series" in warm.basis


def test_the_leaderboard_is_refused_over_the_budget(store_home: Any, cold: None) -> None:
    assert cost.has_estimate(LeaderboardSettings)
    estimate = cost.settings_cost(LeaderboardSettings(histories=("NASDAQ",)))
    assert estimate is not None
    assert estimate.seconds > 1
    with TestClient(create_app(budget_s=1.0), raise_server_exceptions=False) as client:
        r = client.post("/api/analyses/leaderboard", json={"histories": ["NASDAQ"]})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "CostLimitError"
    assert f"estimated {estimate.seconds:,.0f} s" in r.json()["message"]
    assert "leaderboard: 1 histories (0 cached)" in r.json()["message"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("rates: [1, 2]", "AttributeError"),
        ("rates:\n  lppls_seconds_per_fit: {value: fast}", "ValueError"),
        ("nothing: here", "KeyError"),
        ("rates:\n  lppls_seconds_per_fit: {value: -1.0}", "negative or NaN"),
    ],
)
def test_a_malformed_rates_file_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    (tmp_path / "cost_rates.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(resources, "files", lambda _package: tmp_path)
    with pytest.raises(DataError, match=rf"cost rates file .*cost_rates.yaml.*{problem}"):
        cost._measured_rates()


def test_bubblescope_run_refuses_the_leaderboard_over_the_limit_without_yes(
    cold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from bubblescope.cli import _common
    from bubblescope.cli.main import app

    estimate = cost.settings_cost(LeaderboardSettings(histories=("SP500",)))
    assert estimate is not None
    monkeypatch.setattr(_common, "COST_LIMIT_S", estimate.seconds / 2)
    args = ["run", "leaderboard", "--histories", "SP500"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 2, out.output
    assert f"estimated {estimate.seconds:,.0f} s of computation, over the limit" in out.output
    assert "--yes" in out.output
    ran: list[Any] = []
    monkeypatch.setattr(
        "bubblescope.backtest.leaderboard.leaderboard",
        lambda histories, **_: ran.append([h.key for h in histories]) or _Done(),
    )
    out = CliRunner().invoke(app, [*args, "--yes"])
    assert out.exit_code == 0, out.output
    assert ran == [["SP500"]]
    assert f"estimated {estimate.seconds:,.0f} s of computation: leaderboard" in out.output


class _Done:
    """A stand-in result: the refusal, not the leaderboard, is under test."""

    def to_dict(self) -> dict[str, str]:
        return {"done": "yes"}

    def summary(self) -> str:
        return "done"


#: sPSY simulation: the two-rate line (a walk, a window) fits the measured simulations; 1.5
#: allows for a re-measurement on a loaded machine.
SIGN_PSY_FACTOR = 1.5


@pytest.mark.parametrize("row", RATES["sign_psy_measurements"], ids=lambda r: f"T{r['T']}")
def test_the_sign_psy_estimate_is_within_its_factor_of_each_measured_simulation(
    row: dict[str, Any],
) -> None:
    estimate = cost.sign_psy_simulation_seconds(row["walks"], row["T"], row["minw"])
    assert 1 / SIGN_PSY_FACTOR < estimate / row["cpu_s"] < SIGN_PSY_FACTOR
    assert row["windows_per_walk"] == cost.sign_psy_windows(row["T"], row["minw"])


def test_sign_psy_windows_are_every_window_of_at_least_minw_sign_increments() -> None:
    for T, minw in ((10, 3), (40, 4), (61, 6), (5, 4)):
        increments = T - 1
        brute = sum(
            1
            for start in range(increments)
            for end in range(start + 1, increments + 1)
            if end - start >= minw
        )
        assert cost.sign_psy_windows(T, minw) == brute


def test_the_backtest_estimate_counts_the_sign_psy_simulation_until_it_is_cached(
    store_home: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bubblescope.backtest.signals import build_signal
    from bubblescope.detect.critical_values.sign import SignPSYCV

    dates = pd.date_range("2000-01-07", periods=300, freq="W-FRI")
    walk = np.cumsum(np.random.default_rng(4).standard_normal(300)) * 0.02
    prices = pd.Series(100.0 * np.exp(walk), index=dates, name="close")
    cfg = SignalConfig(train_years=2.0, cusum_horizon_years=1.0, cusum_reps=60)

    def estimate(signals: list[str], config: SignalConfig = cfg) -> cost.CostEstimate:
        return cost.backtest_prices_cost(
            prices, signals, train_years=config.train_years, lag=config.psy_lag,
            reps=config.psy_reps, lppls_grid=config.lppls_grid,
            lppls_windows=WindowSet(150, 25, 5), config=config,
        )  # fmt: skip

    simulated: list[tuple[int, int, int]] = []
    real = SignPSYCV.familywise

    def spy(self: SignPSYCV, T: int, *, minw: int, demean: bool = False) -> Any:
        if not self.familywise_is_cached(T, minw=minw, demean=demean):
            simulated.append((self.reps, T, minw))
        return real(self, T, minw=minw, demean=demean)

    monkeypatch.setattr(SignPSYCV, "familywise", spy)
    cold = estimate(["sign_psy"])
    assert "sPSY critical value: 60 sign walks" in cold.basis
    build_signal("sign_psy", prices, cfg, frequency="W")
    assert len(simulated) == 1  # what the signal simulated is what the estimate counted
    assert cold.seconds == pytest.approx(cost.sign_psy_simulation_seconds(*simulated[0]))
    warm = estimate(["sign_psy"])  # now on disk: nothing left to simulate
    assert warm.seconds == 0
    assert "sPSY" not in warm.basis
    uncached = dataclasses.replace(cfg, cache=False)
    assert estimate(["sign_psy"], uncached).seconds == cold.seconds
    assert estimate(["runup"]).seconds == 0  # only asked-for signals are counted
    too_long = dataclasses.replace(cfg, train_years=30.0)  # the signal is skipped: no work
    assert estimate(["sign_psy"], too_long).seconds == 0
