"""The universe monitor: incremental updates equal a recomputation from scratch.

Every signal's reading after day-by-day updates is compared with a cold run on the same store
(PSY, run-up and drawdown to 1e-10; the LPPLS Confidence of the new date exactly), and with
independent batch computations (``psy`` on the cut series, ``drawdown_curve``, the run-up by
division). State is invalidated by a revised close, by changed settings and by a corrupt
file; bad tickers fail one by one. Small LPPLS windows keep the fits fast.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.data.store import import_frame, load_dataset
from bubblescope.detect import lppls_confidence, psy
from bubblescope.detect.drawdowns import drawdown_curve
from bubblescope.errors import InputError
from bubblescope.status.universe_monitor import (
    READING_COLUMNS,
    UniverseSettings,
    monitor_universe,
    synthetic_universe,
)

SETTINGS = UniverseSettings(
    psy_window=40,
    psy_cv=1.5,
    psy_min_duration=3,
    lppls_max_window=160,
    lppls_min_window=100,
    lppls_step=30,
    runup_days=120,
)
DAYS = 320
EXACT = ("date", "close", "psy_alarm", "lppls_confidence_pos", "lppls_confidence_neg")
CLOSE = ("bsadf", "runup", "drawdown", "max_drawdown")


@pytest.fixture
def universe(store_home: Path) -> dict[str, pd.DataFrame]:
    """Four synthetic tickers (one with an explosive episode), all but the last 3 days stored."""
    u = synthetic_universe(4, DAYS, rng=7, explosive_share=0.25)
    for frame in u.values():
        import_frame(frame.iloc[:-3])
    return u


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Readings equal: exact where the brief says so, else to 1e-10."""
    assert list(a.index) == list(b.index)
    for col in EXACT:
        assert a[col].tolist() == b[col].tolist(), col
    for col in CLOSE:
        np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-10, atol=1e-10)


def test_day_by_day_updates_equal_a_cold_run(
    universe: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    first = monitor_universe(list(universe), SETTINGS, state_dir=state)
    assert {r.action for r in first.readings} == {"cold"}
    import_frame(universe["SYN00000"].iloc[:-2])  # one ticker gets one day, the rest none
    one = monitor_universe(list(universe), SETTINGS, state_dir=state)
    assert [r.action for r in one.readings] == ["updated", "unchanged", "unchanged", "unchanged"]
    assert one.readings[0].appended == 1
    for frame in universe.values():  # two days at once for three tickers, one for the first
        import_frame(frame)
    day = monitor_universe(list(universe), SETTINGS, state_dir=state)
    assert [r.appended for r in day.readings] == [2, 3, 3, 3]
    assert {r.action for r in day.readings} == {"updated"}
    cold = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "fresh")
    assert {r.action for r in cold.readings} == {"cold"}
    _assert_same(day.to_frame(), cold.to_frame())
    again = monitor_universe(list(universe), SETTINGS, state_dir=state)
    assert {r.action for r in again.readings} == {"unchanged"}
    _assert_same(again.to_frame(), cold.to_frame())


def test_readings_equal_independent_batch_computations(
    universe: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    monitor_universe(list(universe), SETTINGS, state_dir=state)
    for frame in universe.values():
        import_frame(frame)
    got = monitor_universe(list(universe), SETTINGS, state_dir=state).to_frame()
    assert list(got.columns[: len(READING_COLUMNS)]) == list(READING_COLUMNS)
    for ticker, frame in universe.items():
        p = frame["close"].to_numpy()
        row = got.loc[ticker]
        batch = psy(np.log(p), window=SETTINGS.psy_window, cv=None)
        assert row["bsadf"] == pytest.approx(batch.bsadf.iloc[-1], rel=1e-10, abs=1e-10)
        dd = drawdown_curve(p)
        assert row["drawdown"] == pytest.approx(dd[-1], abs=1e-12)
        assert row["max_drawdown"] == pytest.approx(dd.min(), abs=1e-12)
        assert row["runup"] == pytest.approx(p[-1] / p[-1 - SETTINGS.runup_days] - 1, rel=1e-12)
        conf = lppls_confidence(p, [len(p) - 1], windows=SETTINGS.windows()).to_frame()
        assert row["lppls_confidence_pos"] == conf["confidence_pos"].iloc[-1]
        assert row["date"] == frame.index[-1].date().isoformat()
    alarms = got["psy_alarm"].tolist()
    assert all(isinstance(a, bool) for a in alarms)


def test_the_explosive_ticker_raises_the_alarm_on_its_episode(store_home: Path) -> None:
    u = synthetic_universe(2, 600, rng=3, explosive_share=0.5)
    close = u["SYN00000"]["close"]
    log = np.log(close.to_numpy())
    jump = int(np.argmax(log[60:] - log[:-60])) + 60  # the end of the steepest 60-day rise
    for name, frame in u.items():
        import_frame(frame.iloc[: jump + 1] if name == "SYN00000" else frame)
    settings = UniverseSettings(psy_window=60, psy_cv=2.0, lppls=False, runup_days=60)
    frame = monitor_universe(list(u), settings, store=False).to_frame()
    assert bool(frame.loc["SYN00000", "psy_alarm"])
    assert frame.loc["SYN00000", "bsadf"] > frame.loc["SYN00001", "bsadf"]


def test_a_revised_close_recomputes_that_ticker(
    universe: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    monitor_universe(list(universe), SETTINGS, state_dir=state)
    revised = universe["SYN00002"].iloc[:-3].copy()
    revised.iloc[100, revised.columns.get_loc("close")] *= 1 + 1e-9
    import_frame(revised.iloc[[100]])  # a later vintage of one old date wins
    res = monitor_universe(list(universe), SETTINGS, state_dir=state)
    actions = {r.ticker: (r.action, r.notes) for r in res.readings}
    assert actions["SYN00002"] == ("recomputed", ("recomputed: history changed",))
    assert actions["SYN00001"][0] == "unchanged"
    cold = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "fresh")
    _assert_same(res.to_frame(), cold.to_frame())


@pytest.mark.parametrize(
    "change",
    [{"psy_window": 41}, {"psy_cv": 1.6}, {"lppls_step": 20}, {"runup_days": 100}],
)
def test_changed_settings_recompute(
    universe: dict[str, pd.DataFrame], tmp_path: Path, change: dict[str, object]
) -> None:
    state = tmp_path / "state"
    monitor_universe(list(universe), SETTINGS, state_dir=state)
    changed = UniverseSettings(**{**SETTINGS.to_dict(), **change})
    res = monitor_universe(list(universe), changed, state_dir=state)
    assert {r.action for r in res.readings} == {"recomputed"}
    assert {r.notes[0] for r in res.readings} == {"recomputed: settings changed"}
    cold = monitor_universe(list(universe), changed, state_dir=tmp_path / "fresh")
    _assert_same(res.to_frame(), cold.to_frame())


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda b: b[:-7] + bytes(7), "the payload does not match its digest"),
        (lambda b: b[: len(b) // 2], "the payload does not match its digest"),
        (lambda b: b"garbage", "not a universe-monitor state file"),
        (lambda b: b.replace(b'"n": ', b'"n": x', 1), "JSONDecodeError"),
    ],
)
def test_a_corrupt_state_is_reported_and_recomputed(
    universe: dict[str, pd.DataFrame], tmp_path: Path, damage: object, why: str
) -> None:
    state = tmp_path / "state"
    monitor_universe(list(universe), SETTINGS, state_dir=state)
    path = state / "SYN00001.state"
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    for frame in universe.values():
        import_frame(frame)
    res = monitor_universe(list(universe), SETTINGS, state_dir=state)
    row = {r.ticker: r for r in res.readings}["SYN00001"]
    assert row.action == "recomputed"
    assert row.notes[0].startswith("recomputed: state corrupt")
    assert why in row.notes[0]
    assert "SYN00001: recomputed: state corrupt" in res.summary()
    cold = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "fresh")
    _assert_same(res.to_frame(), cold.to_frame())
    assert monitor_universe(["SYN00001"], SETTINGS, state_dir=state).readings[0].action == (
        "unchanged"
    )


def test_bad_tickers_fail_one_by_one(universe: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    short = synthetic_universe(1, 30, rng=1)["SYN00000"].assign(symbol="SHORT")
    import_frame(short, symbol="SHORT")
    holed = universe["SYN00003"].iloc[:-3].assign(symbol="HOLED")
    holed.iloc[50, holed.columns.get_loc("close")] = math.nan
    import_frame(holed, symbol="HOLED")
    brief = universe["SYN00003"].iloc[:-3].iloc[:110].assign(symbol="BRIEF")
    import_frame(brief, symbol="BRIEF")
    tickers = ["nope", "SHORT", "SYN00000", "HOLED", "BRIEF", "SYN00001"]
    res = monitor_universe(tickers, SETTINGS, state_dir=tmp_path / "state")
    rows = {r.ticker: r for r in res.readings}
    assert [r.ticker for r in res.readings] == [t.upper() for t in tickers]
    assert (
        rows["NOPE"].error
        == "UnknownSymbolError: no prices for 'NOPE' in the store (7 symbols stored)"
    )
    assert rows["SHORT"].error.startswith("InputError: SHORT: 30 closes, fewer than the PSY")
    assert rows["HOLED"].error.startswith("DataError: HOLED: 1 close(s) are NaN")
    assert not any(rows[t].ok for t in ("NOPE", "SHORT", "HOLED"))
    assert rows["SYN00000"].ok
    assert rows["SYN00001"].ok
    assert rows["BRIEF"].ok  # PSY runs; LPPLS and the run-up need more history, said so
    frame = res.to_frame()
    assert math.isnan(frame.loc["BRIEF", "lppls_confidence_pos"])
    assert math.isnan(frame.loc["BRIEF", "runup"])
    assert rows["BRIEF"].notes == (
        "run-up needs 121 closes, has 110",
        "LPPLS needs 160 closes, has 110",
    )
    assert res.counts() == {"cold": 3, "updated": 0, "unchanged": 0, "recomputed": 0, "failed": 3}
    assert not (tmp_path / "state" / "NOPE.state").exists()
    again = monitor_universe(["BRIEF"], SETTINGS, state_dir=tmp_path / "state")
    assert again.readings[0].action == "unchanged"
    assert again.readings[0].notes == rows["BRIEF"].notes


def test_a_failing_shared_lppls_run_fails_only_the_ticker_at_fault(
    universe: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bubblescope.detect import lppls as lppls_module

    expected = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "a").to_frame()
    shared = lppls_module.confidence_at_last
    stored = universe["SYN00002"]["close"].to_numpy()[:-3]  # the fixture stores all but 3 days
    cut = np.log(stored[-SETTINGS.lppls_max_window :])

    def fails_on_one(logps: list[np.ndarray], windows: object) -> list[tuple[float, float]]:
        if any(np.array_equal(x, cut) for x in logps):
            raise RuntimeError("boom")
        return shared(logps, windows)  # type: ignore[arg-type]

    monkeypatch.setattr(lppls_module, "confidence_at_last", fails_on_one)
    res = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "b")
    rows = {r.ticker: r for r in res.readings}
    assert not rows["SYN00002"].ok
    assert rows["SYN00002"].error == "InternalError: RuntimeError: boom"
    others = [t for t in universe if t != "SYN00002"]
    assert all(rows[t].ok for t in others)
    _assert_same(res.to_frame().loc[others], expected.loc[others])


def _worker_peak(_: int) -> tuple[int, float]:
    from bubblescope.status import universe_monitor

    return os.getpid(), universe_monitor._peak_rss_mb()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's VmHWM")
def test_a_workers_peak_memory_is_its_own_not_its_parents() -> None:
    """Linux carries a process's RSS across exec into ``ru_maxrss``: a spawned worker would
    report at least its parent's size. The peak read is the worker's own high-water mark."""
    from bubblescope import parallel

    parallel.shutdown_pools()  # a fresh worker, spawned while the parent is large
    held = np.ones(80_000_000)  # 610 MiB in the parent
    try:
        peaks = parallel.map_chunks(_worker_peak, [0, 1], n_jobs=2)
    finally:
        parallel.shutdown_pools()
    assert held.sum() == 80_000_000
    for pid, peak in peaks:
        assert pid != os.getpid()  # ran in a worker
        assert 0 < peak < 450  # the worker's imports, far below the parent's 610 MiB


def test_readings_are_stored(universe: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    res = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "state")
    runs = load_dataset("runs")
    stored = runs[runs["symbol"] == "universe-monitor"].set_index("ticker")
    assert res.stored
    assert not res.unstored
    np.testing.assert_array_equal(stored.loc[list(universe), "bsadf"], res.to_frame()["bsadf"])
    assert set(stored["settings"]) == {SETTINGS.fingerprint()}


def test_settings_and_inputs_are_checked(store_home: Path) -> None:
    with pytest.raises(InputError, match="psy_window must hold at least 4"):
        UniverseSettings(psy_window=3)
    with pytest.raises(InputError, match="min_window"):
        UniverseSettings(lppls_min_window=5)
    with pytest.raises(InputError, match="the store has no prices"):
        monitor_universe()
    with pytest.raises(InputError, match="the list is empty"):
        monitor_universe([" "])
    with pytest.raises(InputError, match="chunk must be at least 1"):
        monitor_universe(["NVDA"], chunk=0)


def test_the_default_window_is_the_psy_rule_for_ten_years() -> None:
    t = 2520
    assert UniverseSettings().psy_window == math.floor(t * (0.01 + 1.8 / math.sqrt(t)))


def test_two_processes_equal_serial(
    universe: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool updates states written here, one ticker per task so both workers run some.

    Then the same (reused) pool serves a caller in another data home: it reads that store.
    """
    for name in ("a", "b"):
        monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / name, store=False)
    for frame in universe.values():
        import_frame(frame)
    serial = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "a", store=False)
    pool = monitor_universe(
        list(universe), SETTINGS, state_dir=tmp_path / "b", n_jobs=2, store=False, chunk=1
    )
    assert {r.action for r in pool.readings} == {"updated"}
    pd.testing.assert_frame_equal(serial.to_frame(), pool.to_frame())
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "other-home"))
    other = synthetic_universe(2, DAYS, rng=8)
    for name, frame in other.items():
        import_frame(frame.assign(symbol=f"X{name}"))
    names = [f"X{n}" for n in other]
    moved = monitor_universe(names, SETTINGS, state_dir=tmp_path / "c", n_jobs=2, chunk=1)
    assert [r.ok for r in moved.readings] == [True, True], moved.summary()
    here = monitor_universe(names, SETTINGS, state_dir=tmp_path / "d", store=False)
    pd.testing.assert_frame_equal(here.to_frame(), moved.to_frame())


@pytest.mark.cluster
def test_dask_cluster_equals_serial(universe: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    serial = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "a", store=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        cold = monitor_universe(
            list(universe),
            SETTINGS,
            state_dir=tmp_path / "b",
            executor=executor,
            store=False,
            chunk=1,
        )
        for frame in universe.values():
            import_frame(frame)
        day = monitor_universe(
            list(universe),
            SETTINGS,
            state_dir=tmp_path / "b",
            executor=executor,
            store=False,
            chunk=1,
        )
    pd.testing.assert_frame_equal(serial.to_frame(), cold.to_frame())
    again = monitor_universe(list(universe), SETTINGS, state_dir=tmp_path / "a", store=False)
    assert {r.action for r in day.readings} == {"updated"}
    pd.testing.assert_frame_equal(again.to_frame(), day.to_frame())


def test_the_chart_shows_the_highest_bsadf_first_and_at_most_30() -> None:
    from bubblescope.status.universe_monitor import TickerReading, UniverseMonitorResult

    rng = np.random.default_rng(0)
    stats = rng.standard_normal(35)
    ok = [
        TickerReading(
            f"T{i:02d}",
            True,
            "updated",
            {c: 0.0 for c in READING_COLUMNS} | {"date": "2026-12-04", "bsadf": float(b)},
        )
        for i, b in enumerate(stats)
    ]
    readings = (*ok, TickerReading("BAD", False, "failed", error="DataError: x"))
    spec = UniverseMonitorResult(readings, SETTINGS, "state", 1.0, 1.0).chart_spec()
    bars = spec.panels[0].bars[0]
    assert list(bars.x) == [f"T{i:02d}" for i in np.argsort(-stats)[:30]]
    assert spec.title.endswith("(the 30 highest BSADF of 35 tickers)")
    assert spec.panels[0].hlines[0].y == SETTINGS.psy_cv
