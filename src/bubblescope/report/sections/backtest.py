"""How much is a warning worth? Each signal's backtest record, and the NASDAQ's history.

The records are the status page's (:mod:`bubblescope.status.records`): every signal recomputed
as it was knowable on each date of the NASDAQ Composite (1971 on, weekly), the S&P 500 (1927
on, weekly) and the 49 French industries (1926 on, monthly), scored against the crashes that
followed. The chart is the NASDAQ's backtest with the same settings, read from the results
cache while its data and settings are unchanged
(:func:`bubblescope.status.records.cached_nasdaq_backtest`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table
from bubblescope.status import SIGNALS
from bubblescope.status.records import HISTORIES, cached_nasdaq_backtest

__all__ = ["INTRO", "build"]

INTRO = (
    "How much is a warning worth? Each early-warning signal was recomputed as it was "
    "knowable on every date of three long histories and scored against the crashes that "
    "followed: the hit rate is the share of crashes it warned of in the two years before the "
    "peak, false alarms are alarm spells that no crash followed, and the lead time is how long "
    "before the peak the first warning came. With a handful of crashes per index, a record is "
    "a small-sample guide, not a probability. The status page shows each record next to "
    "today's reading of the same signal."
)


def _fmt(value: Any, spec: str) -> str:
    return "–" if value is None or pd.isna(value) else format(value, spec)


def build(ctx: ReportContext) -> Section:
    """The records table of every history and the NASDAQ's early-warning chart."""
    run = ctx.settings.run
    seen: dict[tuple[str, str], Any] = {}
    for row in ctx.status.rows:
        for sig, rec in row.records.items():
            seen.setdefault((rec.history, sig), rec)
    rows: list[tuple[str, ...]] = []
    numbers: list[Number] = []
    for (history, sig), rec in sorted(
        seen.items(), key=lambda kv: (kv[0][0], list(SIGNALS).index(kv[0][1]))
    ):
        rows.append(
            (
                history,
                SIGNALS[sig],
                rec.signal,
                f"{rec.warned} of {rec.crashes}",
                _fmt(rec.hit_rate, ".0%"),
                _fmt(rec.false_alarms_per_year, ".2f"),
                _fmt(rec.lead_median_months, ".0f"),
            )
        )
        if history.startswith(HISTORIES["NASDAQ"][0]):
            numbers.append(
                Number(
                    f"{SIGNALS[sig]}: crashes warned of ({history})",
                    f"{rec.warned} of {rec.crashes}",
                    "bubblescope.backtest via bubblescope.status.records",
                    raw=rec.hit_rate,
                )
            )
    result = cached_nasdaq_backtest(run)
    events = ", ".join(f"{e.peak.date()} ({e.depth:.0%})" for e in result.events) or "none"
    bs = run.backtest
    notes = [
        f"Settings: {'weekly' if bs.frequency == 'W' else 'month-end'} closes; PSY monitor "
        f"trained on the first {bs.train_years:g} years with {bs.psy_reps} bootstrap "
        f"replications (seed {run.psy.seed}); LPPLS Confidence at every "
        f"{ {'W': 'week', 'M': 'month', 'Q': 'quarter'}[bs.lppls_grid] } end with nested "
        f"windows in steps of {bs.lppls_step}; run-up and crash odds as GSY.",
        f"NASDAQ crash events (a fall of 20% or more within 24 months of the peak): {events}.",
        *(f"{k}: skipped on the NASDAQ ({v})." for k, v in result.skipped.items()),
    ]
    return Section(
        key="backtest",
        title="Early-warning signals: their record",
        intro=INTRO,
        numbers=tuple(numbers),
        charts=(Chart(result.chart_spec(), caption="bubblescope.backtest on the NASDAQ"),),
        tables=(
            Table(
                "Each signal's record",
                (
                    "history",
                    "reading",
                    "backtest signal",
                    "crashes warned of",
                    "hit rate",
                    "false alarms / yr",
                    "median lead (months)",
                ),
                tuple(rows),
            ),
        ),
        notes=tuple(notes),
        data={"records": [rec.to_dict() for rec in seen.values()], "nasdaq": result.to_dict()},
    )
