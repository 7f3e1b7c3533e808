"""Today's readings of every early-warning signal next to that signal's backtest record.

The record is :func:`bubblescope.backtest.backtest` on the bundled NASDAQ Composite
(1999–2018, weekly or month-end closes, crash events of 20% or more within 24 months); the
readings are each signal's value and alarm on the last date of every stored series (the AI
stocks of the local store, backtested the same way with single-stock events of 40% or more),
or, with an empty store, on the last bundled date. Settings are
:class:`~bubblescope.report.context.ReportSettings` ``backtest_*`` fields and are printed in the
section.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import pandas as pd

from bubblescope.backtest import BacktestResult, EventSpec, SignalConfig, backtest
from bubblescope.backtest.histories import load_shiller, to_monthly, to_weekly
from bubblescope.backtest.signals import default_windows
from bubblescope.detect._lppls_config import WindowSet
from bubblescope.errors import BubblescopeError
from bubblescope.report.context import IMPORT_HINT, ReportContext, ReportSettings
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["backtest_config", "backtest_signals", "build", "resample"]

INTRO = (
    "How much is a warning worth? Each early-warning signal was recomputed as it was "
    "knowable on every date of the NASDAQ Composite's 1999–2018 history and scored against "
    "the crashes that followed: the hit rate is the share of crashes it warned of in the two "
    "years before the peak, false alarms are alarm spells that no crash followed, the lead "
    "time is how long before the peak the first warning came, and the Brier score is the mean "
    "squared error of the signal read as a forecast (lower is better). Today's readings of the "
    "same signals stand next to that record; with two or three crashes in the sample, the "
    "record is a small-sample guide, not a probability."
)


_GRID_WORD = {"W": "weekly", "M": "monthly", "Q": "quarterly", "off": "no"}


def backtest_config(settings: ReportSettings) -> SignalConfig:
    """The signal settings of the report's backtest (coarse LPPLS windows, shorter PSY training).

    LPPLS uses the default nested windows of the data frequency
    (:func:`bubblescope.backtest.signals.default_windows`) with ``backtest_lppls_step``.
    """
    base = default_windows(settings.backtest_frequency)
    grid = "M" if settings.backtest_lppls_grid == "off" else settings.backtest_lppls_grid
    return SignalConfig(
        train_years=settings.backtest_train_years,
        psy_reps=settings.backtest_psy_reps,
        lppls_grid=cast(Literal["W", "M", "Q"], grid),  # validated by ReportSettings
        lppls_windows=WindowSet(base.max_window, base.min_window, settings.backtest_lppls_step),
    )


def backtest_signals(settings: ReportSettings, *, shiller: bool) -> tuple[str, ...]:
    """Signals the report backtests (the gauge and the CAPE baseline need Shiller data)."""
    names = ["psy", "lppls", "runup", "crash_probability"]
    if settings.backtest_lppls_grid == "off":
        names.remove("lppls")
    if shiller:
        names.append("gauge")
    names.append("baseline_return")
    if shiller:
        names.append("baseline_cape")
    return tuple(names)


def resample(close: pd.Series, frequency: str) -> pd.Series:
    """Weekly (Friday, dated at the last trading day) or month-end closes."""
    return to_weekly(close) if frequency == "W" else to_monthly(close)


def _fmt(value: Any, spec: str, empty: str = "–") -> str:
    return empty if value is None or pd.isna(value) else format(value, spec)


def _reading(res: BacktestResult | None, signal: str, why: str | None) -> str:
    if res is None:
        return f"n/a ({why})" if why else "n/a"
    if signal in res.skipped:
        return "n/a (skipped; see notes)"
    if signal not in res.values.columns:
        return "n/a (skipped; see notes)"
    row = res.latest().loc[signal]
    if pd.isna(row["alarm"]):
        return "n/a (not yet available)"
    state = "ALARM" if row["alarm"] > 0.5 else "quiet"
    return f"{state} ({_fmt(row['value'], '.3g')})"


def build(ctx: ReportContext) -> Section:
    """The NASDAQ record of every signal and its latest reading on each series."""
    s = ctx.settings
    cfg = backtest_config(s)
    notes: list[str] = []
    shiller = None
    if ctx.shiller is not None:
        try:
            shiller = load_shiller(ctx.shiller)
        except BubblescopeError as exc:
            notes.append(f"Shiller data not used in the backtest: {exc}")
    signals = backtest_signals(s, shiller=shiller is not None)
    freq_word = "weekly" if s.backtest_frequency == "W" else "month-end"
    record = backtest(
        resample(ctx.nasdaq, s.backtest_frequency),
        signals=signals,
        config=cfg,
        events=EventSpec.index(),
        shiller=shiller,
        name="NASDAQ",
        rng=s.psy_seed,
    )
    windows = cfg.lppls_windows or default_windows(s.backtest_frequency)
    readings: dict[str, BacktestResult | None] = {}
    failed: dict[str, str] = {}
    for name, close in ctx.stored.items():
        prices = resample(close, s.backtest_frequency)
        own = signals
        if "lppls" in signals and len(prices) < windows.max_window:
            own = tuple(x for x in signals if x != "lppls")
            notes.append(
                f"{name}: lppls skipped ({len(prices)} {freq_word} closes; the longest LPPLS "
                f"window needs {windows.max_window})."
            )
        try:
            readings[name] = backtest(
                prices,
                signals=own,
                config=cfg,
                events=EventSpec.stock(),
                shiller=shiller,
                name=name,
                rng=s.psy_seed,
            )
        except BubblescopeError as exc:
            readings[name], failed[name] = None, str(exc)
            notes.append(f"{name}: no backtest ({exc}).")
    labelled: dict[str, tuple[BacktestResult | None, str]] = {}
    for name, res in readings.items():
        when = "" if res is None else f", {res.values.index[-1].date()}"
        labelled[name] = (res, f"{name} today (stored{when})")
    if not readings:
        last = record.values.index[-1].date()
        labelled["NASDAQ"] = (record, f"NASDAQ, latest bundled date ({last})")
        notes.append(
            "No AI stock is in the local store, so the readings shown are the NASDAQ's on its "
            f"last bundled date; add one with {IMPORT_HINT}."
        )
    source = f"bubblescope.backtest ({freq_word}) on {ctx.source_of('NASDAQ')}"
    table = record.scores.table
    numbers: list[Number] = []
    record_rows: list[tuple[str, ...]] = []
    reading_rows: list[tuple[str, ...]] = []
    for signal in signals:
        if signal not in table.index:
            record_rows.append((signal, *("–",) * 6, "skipped: " + record.skipped.get(signal, "")))
            continue
        r: dict[Any, Any] = table.loc[signal].to_dict()
        hits = f"{int(r['hits'])} of {int(r['events'])}"
        cells = (
            hits,
            _fmt(r["hit_rate"], ".0%"),
            _fmt(r["false_alarms_per_year"], ".2f"),
            _fmt(r["lead_median_months"], ".1f"),
            _fmt(r["brier"], ".3f"),
            _fmt(r["brier_skill"], "+.2f"),
        )
        record_rows.append((signal + (" (baseline)" if r["baseline"] else ""), *cells, ""))
        numbers.append(
            Number(
                f"{signal}: crashes warned of (NASDAQ 1999–2018)",
                hits,
                source,
                raw=None if pd.isna(r["hit_rate"]) else float(r["hit_rate"]),
            )
        )
        reading_rows.append(
            (
                signal,
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                *(_reading(res, signal, failed.get(n)) for n, (res, _) in labelled.items()),
            )
        )
    for name, (res, label) in labelled.items():
        if res is None:
            continue
        latest = res.latest()
        on = [str(k) for k, a in latest["alarm"].items() if not pd.isna(a) and a > 0.5]
        numbers.append(
            Number(
                f"{label}: signals in alarm",
                f"{len(on)} of {latest['alarm'].notna().sum()}"
                + (f" ({', '.join(on)})" if on else ""),
                f"bubblescope.backtest ({freq_word}) on {ctx.source_of(name)}",
                raw=float(len(on)),
            )
        )
    spec = EventSpec.index()
    events = ", ".join(f"{e.peak.date()} ({e.depth:.0%})" for e in record.events) or "none"
    notes += [
        f"Settings: {freq_word} closes; PSY trained on the first {s.backtest_train_years:g} "
        f"years with {s.backtest_psy_reps} bootstrap replications (seed {s.psy_seed}); "
        + (
            "LPPLS not backtested (backtest_lppls_grid='off')"
            if s.backtest_lppls_grid == "off"
            else f"LPPLS Confidence on a {_GRID_WORD[s.backtest_lppls_grid]} grid with windows "
            f"{windows.max_window}→{windows.min_window} step {windows.step} observations"
        )
        + "; other signals at their bubblescope.backtest defaults.",
        f"NASDAQ crash events (a fall of {spec.drawdown:.0%} or more within "
        f"{spec.horizon_months} months of the peak; warning window {spec.warning_months} "
        f"months): {events}. An event is scored only for signals that cover its whole warning "
        "window, so the March 2000 peak (the data start in 1999) is scored by none.",
    ]
    if readings:
        notes.append(
            "Stored series are backtested the same way with single-stock events "
            f"(a fall of {EventSpec.stock().drawdown:.0%} or more); their own records are in "
            "the JSON output."
        )
    if shiller is None:
        notes.append(
            "The bubble gauge and the CAPE baseline need Shiller's monthly table: run "
            "`bubblescope report --shiller shiller.csv` to backtest them too."
        )
    notes += [f"{k}: skipped on NASDAQ ({v})." for k, v in record.skipped.items()]
    notes += [
        f"{name}: {k} skipped ({v})."
        for name, res in readings.items()
        if res is not None
        for k, v in res.skipped.items()
    ]
    heads = tuple(label for _, label in labelled.values())
    return Section(
        key="backtest",
        title="Early-warning signals: the latest readings and their record",
        intro=INTRO,
        numbers=tuple(numbers),
        charts=(Chart(record.chart_spec(), caption=source),),
        tables=(
            Table(
                "Today's readings next to each signal's NASDAQ record",
                (
                    "signal",
                    "hit rate",
                    "false alarms / yr",
                    "median lead (months)",
                    "Brier",
                    *heads,
                ),
                tuple(reading_rows),
            ),
            Table(
                f"Record on the NASDAQ Composite 1999–2018 ({freq_word})",
                (
                    "signal",
                    "crashes warned",
                    "hit rate",
                    "false alarms / yr",
                    "median lead (months)",
                    "Brier",
                    "Brier skill",
                    "note",
                ),
                tuple(record_rows),
            ),
        ),
        notes=tuple(notes),
        data={
            "record": record.to_dict(),
            "readings": {n: None if r is None else r.to_dict() for n, r in readings.items()},
        },
    )
