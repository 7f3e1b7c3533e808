"""The composite bubble gauge with its components: per series, and for the market with Shiller data.

Per-series gauges use :func:`~bubblescope.gauge.stock_proxies` (momentum, volume growth) on
the bundled NASDAQ and the stored series; the market gauge uses
:func:`~bubblescope.gauge.shiller_proxies` when a Shiller table is given (``--shiller``).
"""

from __future__ import annotations

from typing import Any

from bubblescope.gauge import (
    CRITERIA,
    STOCK_MIN_HISTORY,
    GaugeResult,
    bubble_gauge,
    shiller_proxies,
    stock_proxies,
)
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["MIN_HISTORY", "build"]

INTRO = (
    "A transparent gauge in the spirit of Dalio's bubble indicator: each criterion is "
    "measured by named proxies, each proxy is ranked against its own history (0 = lowest "
    "ever, 100 = bubbliest, point-in-time), and the aggregate is the weighted mean of the "
    "criteria that have data; the weight left uncovered is reported, never filled."
)

#: Months of history a per-series proxy needs before it is ranked (as `bubblescope gauge stock`).
MIN_HISTORY = STOCK_MIN_HISTORY


def _present(
    label: str, res: GaugeResult, source: str
) -> tuple[list[Number], Chart, Table, dict[str, Any]]:
    latest = res.reading(res.aggregate.dropna().index[-1])
    numbers = [
        Number(
            f"{label}: gauge reading, {latest['date'].date()}",
            f"{latest['aggregate']:.1f} / 100",
            source,
            raw=latest["aggregate"],
        ),
        Number(
            f"{label}: weight covered by data",
            f"{100 * latest['coverage']:.0f}%",
            source,
            raw=100 * latest["coverage"],
        ),
    ]
    rows = []
    for crit, text in CRITERIA.items():
        value = latest["criteria"][crit]
        proxies = ", ".join(
            f"{k} {v:.1f}"
            for k, v in latest["proxies"].items()
            if v is not None and res.proxy_criteria.get(k) == crit
        )
        rows.append(
            (
                text,
                f"{res.weights[crit]:g}",
                "missing" if value is None else f"{value:.1f}",
                proxies,
            )
        )
    table = Table(
        f"{label}: components (latest reading)",
        ("criterion", "weight", "percentile", "proxies"),
        tuple(rows),
    )
    return numbers, Chart(res.chart_spec(), caption=f"{label}: {source}"), table, res.to_dict()


def build(ctx: ReportContext) -> Section:
    """Gauges for every series (and the market when Shiller data is given)."""
    numbers: list[Number] = []
    charts: list[Chart] = []
    tables: list[Table] = []
    data: dict[str, Any] = {}
    notes: list[str] = []
    res = bubble_gauge(shiller_proxies(ctx.shiller_table))
    shiller_source = (
        f"your Shiller file {ctx.shiller.name}"
        if ctx.shiller is not None
        else f"Shiller's table as shipped ({ctx.shiller_table.attrs.get('vintage', '')})"
    )
    parts = _present("US market", res, f"bubblescope.gauge on {shiller_source}")
    numbers += parts[0]
    charts.append(parts[1])
    tables.append(parts[2])
    data["market"] = parts[3]
    for name, frame in ctx.frames.items():
        res = bubble_gauge(stock_proxies(frame, name=name), min_history=MIN_HISTORY)
        if res.aggregate.dropna().empty:
            notes.append(
                f"{name}: too short for a gauge reading (each proxy needs "
                f"{MIN_HISTORY} months of history before it is ranked)."
            )
            continue
        parts = _present(name, res, f"bubblescope.gauge (stock proxies) on {ctx.source_of(name)}")
        numbers += parts[0]
        charts.append(parts[1])
        tables.append(parts[2])
        data[name] = parts[3]
    notes.append(
        f"Per-series gauges: momentum (24-month return) and 12-month volume growth, "
        f"ranked once {MIN_HISTORY} months of history exist; criteria without a proxy "
        f"are missing, and their weight is the uncovered share."
    )
    return Section(
        key="gauge",
        title="Bubble gauge and its components",
        intro=INTRO,
        numbers=tuple(numbers),
        charts=tuple(charts),
        tables=tuple(tables),
        notes=tuple(notes),
        data=data,
    )
