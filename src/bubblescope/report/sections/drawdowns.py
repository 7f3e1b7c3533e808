"""Run-ups (Greenwood–Shleifer–You) and drawdowns of every series."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope.charts import ChartSpec, Line, Panel
from bubblescope.detect.drawdown import drawdown
from bubblescope.detect.runup import runup
from bubblescope.errors import InputError
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build"]


def _day(value: Any) -> str:
    """A date as YYYY-MM-DD, or "not yet" for a missing (unrecovered) one."""
    return "not yet" if pd.isna(value) else str(pd.Timestamp(value).date())


def build(ctx: ReportContext) -> Section:
    """Drawdown curves, worst episodes and GSY run-up flags."""
    lines: list[Line] = []
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
        curve = dd.to_frame()["drawdown"] * 100.0
        lines.append(Line(curve.index, curve, name))
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
    spec = ChartSpec(
        "Drawdown from the running peak",
        (Panel("drawdown", "% below running peak", lines=tuple(lines)),),
        source="bubblescope.detect.drawdown; NASDAQ: arch bundled data",
    )
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
        charts=(Chart(spec),),
        tables=(
            Table(
                "Deepest drawdowns", ("series", "peak", "trough", "depth", "recovered"), tuple(rows)
            ),
        ),
        notes=tuple(notes),
        data=data,
    )
