"""Run-ups (Greenwood–Shleifer–You) and drawdowns of every series."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope.charts import PALETTE, Y_PAD
from bubblescope.detect.drawdowns import DrawdownResult, drawdown
from bubblescope.detect.gsy import runup
from bubblescope.errors import InputError
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build", "drawdown_charts"]


def _day(value: Any) -> str:
    """A date as YYYY-MM-DD, or "not yet" for a missing (unrecovered) one."""
    return "not yet" if pd.isna(value) else str(pd.Timestamp(value).date())


def drawdown_charts(results: dict[str, tuple[DrawdownResult, str]]) -> tuple[Chart, ...]:
    """Small multiples: one drawdown chart per series, all on the same y range.

    Each chart is the series' :meth:`~bubblescope.detect.drawdowns.DrawdownResult.chart_spec`;
    the shared range runs from the deepest drawdown of all series to zero, so the charts
    compare at a glance.

    Parameters
    ----------
    results : dict
        Series name -> (its drawdown result, the source line of its prices).
    """
    deepest = min((100.0 * dd.max_drawdown for dd, _ in results.values()), default=0.0) or -1.0
    yrange = (deepest * (1 + Y_PAD), -Y_PAD * deepest)
    return tuple(
        Chart(dd.chart_spec(source=source, yrange=yrange, color=PALETTE[i % len(PALETTE)]))
        for i, (dd, source) in enumerate(results.values())
    )


def build(ctx: ReportContext) -> Section:
    """Drawdown curves, worst episodes and GSY run-up flags."""
    drawn: dict[str, tuple[DrawdownResult, str]] = {}
    numbers: list[Number] = []
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    data: dict[str, Any] = {}
    for name, close in ctx.all_series().items():
        dd = drawdown(close, name=name)
        try:
            ru = runup(close, name=name)
        except InputError as exc:  # e.g. a stored series shorter than the run-up horizon
            ru = None
            notes.append(f"{name}: no run-up analysis ({exc}).")
        data[name] = {"drawdown": dd.to_dict(), "runup": None if ru is None else ru.to_dict()}
        source = f"bubblescope.detect.drawdown/runup on {ctx.source_of(name)}"
        drawn[name] = (dd, ctx.source_of(name))
        numbers.append(
            Number(
                f"{name}: maximum drawdown",
                f"{100 * dd.max_drawdown:.1f}%",
                source,
                raw=100 * dd.max_drawdown,
            )
        )
        rows.extend(
            (
                name,
                _day(ep["peak"]),
                _day(ep["trough"]),
                f"{ep['depth_pct']:.1f}%",
                _day(ep["recovery"]),
            )
            for ep in dd.episodes.head(3).to_dict(orient="records")
        )
        if ru is None:
            continue
        st = ru.settings
        numbers.append(
            Number(
                f"{name}: GSY run-up episodes", str(ru.n_episodes), source, raw=float(ru.n_episodes)
            )
        )
        notes.append(
            f"{name}: {ru.n_episodes} run-up episode(s) ({st['horizon']}-month return "
            f"above {100 * st['threshold']:.0f}%), {ru.n_crashes} followed by a crash "
            f"(fall of {100 * st['crash_drawdown']:.0f}% or more)."
        )
    charts = drawdown_charts(drawn)
    return Section(
        key="drawdowns",
        title="Run-ups and drawdowns",
        intro=(
            "Drawdown is the fall from the running peak. Greenwood, Shleifer and You (2019) "
            "flag a run-up when prices double within two years and call it a crash when a "
            "40% drawdown follows within two years; their rule is applied to month-end "
            "prices."
        ),
        numbers=tuple(numbers),
        charts=charts,
        side_by_side=len(charts) > 1,
        tables=(
            Table(
                "Deepest drawdowns", ("series", "peak", "trough", "depth", "recovered"), tuple(rows)
            ),
        ),
        notes=tuple(notes),
        data=data,
    )
