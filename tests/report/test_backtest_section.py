"""The backtest section: records equal bubblescope.backtest's own scores, readings are labelled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from bubblescope.backtest import BacktestResult, EventSpec, SignalConfig, backtest
from bubblescope.backtest.histories import to_monthly, to_weekly
from bubblescope.data.bundled import load_bundled
from bubblescope.data.store import load_prices
from bubblescope.detect._lppls_config import WindowSet
from bubblescope.report import Report, ReportContext, ReportSettings, render_html
from bubblescope.report.sections import SECTIONS
from bubblescope.report.sections import backtest as section
from tests.report.conftest import FAST

#: The report's backtest settings written out (FAST: weekly closes, quarterly LPPLS grid,
#: weekly default windows 150->25 in steps of 5, PSY trained on 5 years with 199 replications).
CONFIG = SignalConfig(
    train_years=5.0, psy_reps=199, lppls_grid="Q", lppls_windows=WindowSet(150, 25, 5)
)
SIGNALS = ("psy", "lppls", "runup", "crash_probability", "baseline_return")


@pytest.fixture(scope="module")
def nasdaq_record() -> BacktestResult:
    weekly = to_weekly(load_bundled("nasdaq")["close"].astype("float64"))
    return backtest(
        weekly,
        signals=SIGNALS,
        config=CONFIG,
        events=EventSpec.index(),
        name="NASDAQ",
        rng=FAST.psy_seed,
    )


def test_section_is_registered_and_rendered(built: Report) -> None:
    assert "backtest" in [k for k, _ in SECTIONS]
    html = render_html(built)
    sec = built.section("backtest")
    assert '<section id="backtest">' in html
    for text in (sec.title, sec.tables[0].title, *sec.tables[0].columns, *sec.tables[0].rows[0]):
        assert str(escape(text)) in html


def test_record_equals_the_backtest_modules_scores(
    built: Report, nasdaq_record: BacktestResult
) -> None:
    res = nasdaq_record
    sec = built.section("backtest")
    expected = res.to_dict()
    assert sec.data["record"]["scores"] == expected["scores"]
    assert sec.data["record"]["events"] == expected["events"]
    table = res.scores.table
    rows = {r[0]: r for r in sec.tables[0].rows}
    assert list(rows) == list(SIGNALS)
    for name in SIGNALS:
        t = table.loc[name]
        hit, fa, lead, brier = rows[name][1:5]
        assert hit == f"{t['hit_rate']:.0%}"
        assert fa == f"{t['false_alarms_per_year']:.2f}"
        assert lead == (
            "–" if pd.isna(t["lead_median_months"]) else f"{t['lead_median_months']:.1f}"
        )
        assert brier == f"{t['brier']:.3f}"
    numbers = {n.label: n for n in sec.numbers}
    for name in SIGNALS:
        number = numbers[f"{name}: crashes warned of (NASDAQ 1999–2018)"]
        assert number.raw == table.loc[name, "hit_rate"]
        assert number.value == f"{table.loc[name, 'hits']} of {table.loc[name, 'events']}"


def test_stored_ai_stock_reading_equals_its_own_backtest(built: Report, report_home: Path) -> None:
    """The synthetic AIX of the store: readings on its last weekly date, single-stock events."""
    weekly = to_weekly(load_prices("AIX")["close"].astype("float64"))
    res = backtest(
        weekly,
        signals=[s for s in SIGNALS if s != "lppls"],
        config=CONFIG,
        events=EventSpec.stock(),
        name="AIX",
        rng=FAST.psy_seed,
    )
    sec = built.section("backtest")
    heads = sec.tables[0].columns[5:]
    assert heads == (f"AIX today (stored, {weekly.index[-1].date()})",)
    latest = res.latest()
    for row in sec.tables[0].rows:
        reading = row[5]
        if row[0] in res.skipped or row[0] == "lppls":
            assert reading == "n/a (skipped; see notes)"
            assert any(note.startswith(f"AIX: {row[0]} skipped") for note in sec.notes)
            continue
        alarm, value = latest.loc[row[0], "alarm"], latest.loc[row[0], "value"]
        assert reading == f"{'ALARM' if alarm > 0.5 else 'quiet'} ({value:.3g})"
    # 700 business days are too short for PSY's 5-year training sample and (140 weeks) for
    # the 150-week LPPLS window.
    assert "psy" in res.skipped
    assert len(weekly) < 150
    assert sec.data["readings"]["AIX"]["latest"] == res.to_dict()["latest"]


def test_empty_store_reads_the_last_bundled_date(store_home: Path) -> None:
    settings = ReportSettings(backtest_frequency="M", backtest_lppls_grid="off")
    sec = section.build(ReportContext(settings=settings))
    monthly = to_monthly(load_bundled("nasdaq")["close"].astype("float64"))
    res = backtest(
        monthly,
        signals=("psy", "runup", "crash_probability", "baseline_return"),
        config=SignalConfig(train_years=5.0, psy_reps=199),
        events=EventSpec.index(),
        name="NASDAQ",
        rng=settings.psy_seed,
    )
    assert sec.tables[0].columns[5:] == (
        f"NASDAQ, latest bundled date ({monthly.index[-1].date()})",
    )
    assert [r[0] for r in sec.tables[0].rows] == [
        "psy",
        "runup",
        "crash_probability",
        "baseline_return",
    ]
    assert sec.data["record"]["scores"] == res.to_dict()["scores"]
    assert any("No AI stock is in the local store" in n for n in sec.notes)
    assert any("LPPLS not backtested" in n for n in sec.notes)
    assert any("month-end closes" in n for n in sec.notes)
