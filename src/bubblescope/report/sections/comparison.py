"""Dot-com vs AI boom: each series rebased to 100 at its own peak, on trading days from it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope.charts import ChartSpec, HLine, Line, Panel
from bubblescope.detect.drawdowns import drawdown
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["DOTCOM", "build"]

#: The dot-com cycle of the NASDAQ Composite (its peak is 2000-03-10).
DOTCOM = ("1995-01-01", "2002-12-31")
#: Trading days shown before and after each peak.
SPAN = 750
#: The lines drawn (colour, width); every series is in the table below the chart.
DRAWN = {
    "NASDAQ 1995–2002": ("#000000", 2.5),
    "AI basket": ("#D55E00", 2.5),
    "NVDA": ("#0072B2", 1.5),
}


def _ai_basket(ctx: ReportContext) -> pd.Series | None:
    """The status page's AI basket level (None when it cannot be built)."""
    from bubblescope.errors import BubblescopeError
    from bubblescope.status.watchlist import ai_basket, load_item

    run = ctx.settings.run
    try:
        return load_item(ai_basket(run), run)["close"]
    except BubblescopeError:
        return None


def _aligned(close: pd.Series, peak: Any) -> pd.Series:
    at = int(close.index.get_indexer(pd.Index([peak]))[0])
    lo, hi = max(0, at - SPAN), min(len(close), at + SPAN + 1)
    window = close.iloc[lo:hi]
    return pd.Series(100.0 * window.to_numpy() / close.iloc[at], index=range(lo - at, hi - at))


def build(ctx: ReportContext) -> Section:
    """Peak-aligned paths, with peak date, depth and days since peak from the drawdown engine."""
    series = {"NASDAQ 1995–2002": ctx.nasdaq.loc[DOTCOM[0] : DOTCOM[1]], **ctx.stored}
    basket = _ai_basket(ctx)
    if basket is not None:
        series["AI basket"] = basket
    lines: list[Line] = []
    numbers: list[Number] = []
    rows: list[tuple[str, ...]] = []
    data: dict[str, Any] = {}
    for name, close in series.items():
        key = "NASDAQ" if name.startswith("NASDAQ") else name
        source = f"bubblescope.detect.drawdown on {ctx.source_of(key)}"
        dd = drawdown(close, name=name)
        peak = pd.Timestamp(close.idxmax())  # type: ignore[arg-type]
        path = _aligned(close, peak)
        if name in DRAWN:
            style = DRAWN[name]
            lines.append(Line(list(path.index), path, name, color=style[0], width=style[1]))
        after = len(close.loc[peak:]) - 1
        since = dd.drawdown.loc[peak:]
        deepest = 100.0 * float(since.min())
        now = 100.0 * float(dd.drawdown.iloc[-1])
        data[name] = dd.to_dict()
        numbers.append(
            Number(
                f"{name}: now below its highest close ({close.index[-1].date()})",
                f"{now:.1f}%",
                source,
                raw=now,
            )
        )
        rows.append(
            (
                name,
                str(peak.date()),
                f"{float(close.loc[peak]):,.2f}",
                f"{now:.1f}%",
                f"{deepest:.1f}%",
                str(pd.Timestamp(since.idxmin()).date()),  # type: ignore[arg-type]
                str(after),
            )
        )
    notes = [
        "'Now' is the last close against the highest close (the status page's drawdown); "
        "'deepest since' is the lowest point after the peak, which for the dot-com NASDAQ "
        "is the October 2002 trough."
    ]
    spec = ChartSpec(
        "The dot-com NASDAQ, the AI basket and Nvidia, aligned on each one's peak (peak = 100)",
        (
            Panel(
                "rebased price (log scale)",
                "peak = 100",
                lines=tuple(lines),
                hlines=(HLine(100.0, "peak"),),
                logy=True,
            ),
        ),
        xlabel="trading days from the peak",
        source="bubblescope.detect.drawdown on the shipped daily closes (store rows win)",
    )
    return Section(
        key="comparison",
        title="Dot-com vs AI boom, aligned on their peaks",
        intro=(
            "Each series is rebased to 100 at its highest close and drawn against trading "
            "days from that peak, so the run-ups and what followed can be compared directly. "
            "The peak is each series' highest close; for a series still near its high the "
            "right-hand side is simply short. The chart draws the dot-com NASDAQ, the AI basket "
            "and Nvidia; the table gives every watched series."
        ),
        numbers=tuple(numbers),
        charts=(Chart(spec),),
        tables=(
            Table(
                "Peaks and drawdowns",
                (
                    "series",
                    "peak",
                    "peak close",
                    "now",
                    "deepest since",
                    "lowest on",
                    "trading days since peak",
                ),
                tuple(rows),
            ),
        ),
        notes=tuple(notes),
        data=data,
    )
