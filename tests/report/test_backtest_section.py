"""The backtest section: each record equals bubblescope.backtest with the documented settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from bubblescope.backtest import BacktestResult, EventSpec, SignalConfig, backtest
from bubblescope.data.bundled import load_bundled
from bubblescope.detect.lppls import WindowSet
from bubblescope.report import Report, render_html
from bubblescope.report.sections import SECTIONS
from tests.report.conftest import FAST

#: The FAST run's backtest settings written out: weekly closes (the last of each week, dated
#: at its trading day), PSY trained on 10 years with 99 replications at the run's seed,
#: quarterly LPPLS with weekly windows 150->25 in steps of 5, run-up net of the S&P 500.
CONFIG = SignalConfig(
    train_years=10.0,
    psy_reps=99,
    lppls_grid="Q",
    lppls_windows=WindowSet(150, 25, 5),
    crash_probability_threshold=0.35,
)
SIGNALS = ("psy", "lppls", "runup", "crash_probability")


def _weekly(close: pd.Series) -> pd.Series:
    groups = close.groupby(close.index.to_period("W-FRI"))
    return pd.Series(
        [g.iloc[-1] for _, g in groups], index=pd.DatetimeIndex([g.index[-1] for _, g in groups])
    )


@pytest.fixture(scope="module")
def nasdaq_record() -> BacktestResult:
    return backtest(
        _weekly(load_bundled("nasdaq")["close"]),
        signals=SIGNALS,
        config=CONFIG,
        events=EventSpec.index(),
        market=_weekly(load_bundled("sp500")["close"]),
        name="NASDAQ",
        rng=FAST.run.psy.seed,
    )


def test_section_is_registered_and_rendered(built: Report) -> None:
    assert "backtest" in [k for k, _ in SECTIONS]
    html = render_html(built)
    sec = built.section("backtest")
    assert '<section id="backtest">' in html
    for text in (sec.title, sec.tables[0].title, *sec.tables[0].columns, *sec.tables[0].rows[0]):
        assert str(escape(text)) in html


def test_nasdaq_records_equal_the_backtest_modules_scores(
    built: Report, nasdaq_record: BacktestResult
) -> None:
    table = nasdaq_record.scores.table
    sec = built.section("backtest")
    assert sec.data["nasdaq"]["scores"] == nasdaq_record.to_dict()["scores"]
    rows = [r for r in sec.tables[0].rows if r[0].startswith("NASDAQ Composite 1971-2026")]
    by_signal = {r[2]: r for r in rows}
    assert {"psy", "lppls"} <= set(by_signal)
    for name in ("psy", "lppls"):
        t = table.loc[name]
        assert by_signal[name][3] == f"{int(t['hits'])} of {int(t['events'])}"
        assert by_signal[name][4] == f"{t['hit_rate']:.0%}"
        assert by_signal[name][5] == f"{t['false_alarms_per_year']:.2f}"
    # the stock rows (NVDA, AIX) take their run-up record from the French industries
    assert any(r[0].startswith("49 French industries") for r in sec.tables[0].rows)


def test_status_cells_carry_the_same_records(built: Report, nasdaq_record: BacktestResult) -> None:
    status = built.section("status").data
    nasdaq = next(r for r in status["rows"] if r["key"] == "NASDAQ")
    rec = nasdaq["records"]["psy_log"]
    t = nasdaq_record.scores.table.loc["psy"]
    assert (rec["warned"], rec["crashes"]) == (int(t["hits"]), int(t["events"]))
    assert rec["false_alarms_per_year"] == pytest.approx(t["false_alarms_per_year"], abs=0)
    events = [e.peak.date() for e in nasdaq_record.events]
    # the dot-com peak is one of the NASDAQ's crash events (a fall of 20% within 24 months)
    assert pd.Timestamp("2000-03-10").date() in events
    assert np.isfinite(rec["lead_median_months"] or np.nan) or rec["warned"] == 0


def test_records_are_cached_and_follow_the_settings(report_home: Path) -> None:
    from bubblescope.status.records import compute_records

    first = compute_records(FAST.run)
    again = compute_records(FAST.run)
    assert first == again
    changed = compute_records(FAST.run.with_changes(backtest={"train_years": 20.0}))
    assert changed["NASDAQ"]["psy"] != first["NASDAQ"]["psy"]
