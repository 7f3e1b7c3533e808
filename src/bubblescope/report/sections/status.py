"""The report's first screen: the status page (is the AI boom a bubble, and since when)."""

from __future__ import annotations

from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table
from bubblescope.status import SIGNALS, status_table_html

__all__ = ["INTRO", "build"]

INTRO = (
    "One row per watched series, one traffic light per signal: red is the signal's alarm, "
    "amber a weaker warning, green quiet, grey not available. Each cell gives the reading now "
    "and since when it has held; under it, that signal's record in the backtest on the "
    "longest history that fits (NASDAQ Composite 1971 on, S&P 500 1927 on, the 49 French "
    "industries 1926 on): how many crashes it warned of and how many false alarms it raised. "
    "Hover a cell for the detail and what would change it. The synthesis below counts "
    "signals; it does not turn them into a probability."
)


def build(ctx: ReportContext) -> Section:
    """The status table, the market view, the synthesis and the records."""
    status = ctx.status
    data = status.to_dict()
    numbers = [
        Number(
            f"{row.label}: signals in alarm",
            f"{len(row.alarms)} of {sum(r.light != 'grey' for r in row.readings)}",
            f"bubblescope.status on {row.vintage}, to {row.last_date}",
            raw=float(len(row.alarms)),
        )
        for row in status.rows
        if row.error is None
    ]
    if status.gauge is not None:
        numbers.append(
            Number(
                "Composite gauge (percentile of own history)",
                f"{status.gauge.aggregate:.0f} ({status.gauge.coverage:.0%} covered)",
                "bubblescope.gauge on Shiller's table; Dalio's reading DAL-05",
                raw=status.gauge.aggregate,
            )
        )
    charts = (
        (Chart(status.chart_spec(), caption=status.alignment.text),)
        if status.alignment is not None
        else ()
    )
    seen: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in status.rows:
        for sig, rec in row.records.items():
            seen.setdefault(
                (sig, rec.history),
                (
                    SIGNALS[sig],
                    rec.history,
                    rec.events,
                    f"{rec.warned} of {rec.crashes}",
                    "–" if rec.hit_rate is None else f"{rec.hit_rate:.0%}",
                    "–"
                    if rec.false_alarms_per_year is None
                    else f"{rec.false_alarms_per_year:.2f}",
                    "–" if rec.lead_median_months is None else f"{rec.lead_median_months:.0f}",
                ),
            )
    order = list(SIGNALS)
    records = Table(
        "Each signal's record in the backtests",
        (
            "signal",
            "history",
            "crash =",
            "crashes warned of",
            "hit rate",
            "false alarms / yr",
            "median lead (months)",
        ),
        tuple(v for _, v in sorted(seen.items(), key=lambda kv: order.index(kv[0][0]))),
    )
    notes = [
        *(f"{r.label}: {r.weighting}." for r in status.rows if r.weighting),
        f"Settings: the '{status.settings['name']}' run (fingerprint "
        f"{status.settings['fingerprint']}); PSY on {ctx.settings.run.psy.describe()}; data "
        f"age measured on {status.today}.",
    ]
    return Section(
        key="status",
        title="Is the AI boom a bubble? The readings now",
        intro=INTRO,
        numbers=tuple(numbers),
        charts=charts,
        tables=(records,),
        notes=tuple(notes),
        data=data,
        html=status_table_html(data),
    )
