"""The leaderboard: its rows are each history's backtest scores, cached until an input changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import UniverseBacktest, backtest, backtest_universe
from bubblescope.backtest import leaderboard as lb
from bubblescope.backtest.leaderboard import COLUMNS, History, leaderboard
from bubblescope.errors import InputError
from tests.backtest.conftest import CHEAP, SMALL_EVENTS, shiller_like, weekly_prices

SIGNALS = ["runup", "crash_probability", "baseline_return", "baseline_cape", "gauge"]


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)


def _histories() -> list[History]:
    return [
        History(
            "A", "A, weekly", weekly_prices(0, 400), SMALL_EVENTS, market=weekly_prices(9, 400)
        ),
        History("B", "B, weekly", weekly_prices(1, 400), SMALL_EVENTS, shiller=shiller_like(2)),
        History(
            "U", "universe", {"x": weekly_prices(3, 400), "y": weekly_prices(4, 400)},
            SMALL_EVENTS, leave_out={"gauge": "not on the universe"},
        ),
    ]  # fmt: skip


def _expect(table: pd.DataFrame, signal: str) -> list[float | None]:
    r = table.loc[signal]
    return [None if pd.isna(r[c]) else float(r[c]) for c in COLUMNS]


def _pooled_with_shares(u: UniverseBacktest) -> pd.DataFrame:
    """The universe's pooled scores with the members' mean share of dates in alarm."""
    table = u.pooled.copy()
    shares = [r.scores.table["alarm_share"] for r in u.results.values()]
    table["alarm_share"] = pd.concat(shares, axis=1).mean(axis=1)
    return table


def test_rows_are_each_historys_backtest_scores() -> None:
    hs = _histories()
    res = leaderboard(hs, config=CHEAP, signals=SIGNALS, rng=5)
    got = res.to_frame()
    a = backtest(hs[0].prices, signals=SIGNALS, config=CHEAP, events=SMALL_EVENTS,
                 market=hs[0].market, name="A", rng=5)  # fmt: skip
    b = backtest(hs[1].prices, signals=SIGNALS, config=CHEAP, events=SMALL_EVENTS,
                 shiller=hs[1].shiller, name="B", rng=5)  # fmt: skip
    u = backtest_universe(hs[2].prices, signals=[s for s in SIGNALS if s != "gauge"],
                          config=CHEAP, events=SMALL_EVENTS, rng=5)  # fmt: skip
    pooled = _pooled_with_shares(u)
    for key, table in (("A", a.scores.table), ("B", b.scores.table), ("U", pooled)):
        for signal in table.index:
            row = got.loc[(key, signal)]
            want = _expect(table, str(signal))
            have = [None if pd.isna(row[c]) else float(row[c]) for c in COLUMNS]
            assert have == pytest.approx(want, nan_ok=True), (key, signal)
    # a history without Shiller's table cannot score the CAPE baseline: skipped with the reason
    assert "baseline_cape" in res.skipped["A"]
    assert ("B", "baseline_cape") in got.index
    assert res.skipped["U"]["gauge"] == "not on the universe"
    assert "not scored" in res.summary()


def test_signals_are_read_when_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from bubblescope.backtest import signals

    monkeypatch.setattr(signals, "ALL_SIGNALS", ("baseline_return", "runup"))
    res = leaderboard(_histories()[:1], config=CHEAP)
    assert res.signals == ("baseline_return", "runup")
    assert set(res.table["signal"]) <= {"baseline_return", "runup"}


def test_a_warm_run_reads_the_cache_and_a_change_recomputes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hs = _histories()
    first = leaderboard(hs, config=CHEAP, signals=SIGNALS, rng=5)
    calls: list[str] = []
    real = lb._score_history

    def counting(h: History, *args: object) -> object:
        calls.append(h.key)
        return real(h, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(lb, "_score_history", counting)
    again = leaderboard(hs, config=CHEAP, signals=SIGNALS, rng=5)
    assert calls == []
    pd.testing.assert_frame_equal(again.table, first.table)
    assert again.to_dict() == first.to_dict()
    changed = hs[0].prices.copy()
    changed.iloc[-1] *= 1.01
    hs[0] = History("A", "A, weekly", changed, SMALL_EVENTS, market=hs[0].market)
    leaderboard(hs, config=CHEAP, signals=SIGNALS, rng=5)
    assert calls == ["A"]


def test_bad_input_gives_typed_errors() -> None:
    hs = _histories()
    with pytest.raises(InputError, match="at least one history"):
        leaderboard([], config=CHEAP)
    with pytest.raises(InputError, match="unique"):
        leaderboard([hs[0], hs[0]], config=CHEAP)
    with pytest.raises(InputError, match="unknown signal"):
        leaderboard(hs, config=CHEAP, signals=["psy", "nope"])


def test_chart_has_a_bar_per_history_and_signal() -> None:
    res = leaderboard(_histories(), config=CHEAP, signals=SIGNALS, rng=5)
    spec = res.chart_spec()
    assert [b.name for b in spec.panels[0].bars] == ["A, weekly", "B, weekly", "universe"]
    hit = spec.panels[0].bars[1]
    b = res.to_frame().loc["B"]
    for signal, value in zip(hit.x, hit.y, strict=True):
        expected = b["hit_rate"].get(signal)
        assert (np.isnan(value) and (expected is None or pd.isna(expected))) or value == expected


@pytest.mark.slow
def test_nasdaq_rows_equal_the_status_records() -> None:
    """A number shown twice is one number: the leaderboard's NASDAQ rows are the records'."""
    from bubblescope.settings import RunSettings
    from bubblescope.status.records import leaderboard_histories, nasdaq_backtest, signal_config

    run = RunSettings.preset("quick")
    records = nasdaq_backtest(run).scores.table
    res = leaderboard(
        leaderboard_histories(run, ("NASDAQ",)),
        config=signal_config(run),
        signals=["psy", "lppls", "runup", "crash_probability"],
        rng=run.psy.seed,
    )
    got = res.to_frame().loc["NASDAQ"]
    for signal in records.index:
        have = [None if pd.isna(got.loc[signal, c]) else float(got.loc[signal, c]) for c in COLUMNS]
        assert have == pytest.approx(_expect(records, str(signal)), nan_ok=True), signal
