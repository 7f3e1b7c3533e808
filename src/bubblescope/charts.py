"""Renderer-neutral chart specifications: one spec, two renderers.

A result object describes its figure once, as a :class:`ChartSpec` of panels holding lines,
bars, shaded bands, horizontal reference lines and markers. :func:`render_matplotlib` turns the
spec into a matplotlib Figure (``plot()``, static SVG/PDF reports) and :func:`to_plotly` into a
plotly.js figure dict (interactive HTML report and dashboard), so the two outputs cannot disagree.
Plotly itself is not imported: the dict is what plotly.js consumes.

Examples
--------
>>> spec = ChartSpec("demo", (Panel("prices", lines=(Line([1, 2, 3], [1.0, 2.0, 4.0], "p"),)),))
>>> to_plotly(spec)["data"][0]["name"]
'p'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "Band",
    "Bar",
    "ChartSpec",
    "HLine",
    "Line",
    "Marker",
    "Panel",
    "render_matplotlib",
    "to_plotly",
]

#: x or y values: a list, a numpy array or a pandas Index/Series.
Values = Sequence[Any] | npt.NDArray[Any] | pd.Index | pd.Series

#: Colour-blind-safe palette (Okabe–Ito) used when an element names no colour.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


@dataclass(frozen=True)
class Line:
    """A line (or step) series."""

    x: Values
    y: Values
    name: str
    color: str | None = None
    width: float = 1.5
    dash: Literal["solid", "dash", "dot"] = "solid"
    secondary: bool = False


@dataclass(frozen=True)
class Bar:
    """Vertical bars (``base`` lets bars float, as in a waterfall)."""

    x: Values
    y: Values
    name: str
    color: str | None = None
    base: Values | None = None


@dataclass(frozen=True)
class Band:
    """A shaded x-interval, e.g. a date-stamped bubble episode."""

    start: Any
    end: Any
    label: str = ""
    color: str = "#E69F00"
    opacity: float = 0.25


@dataclass(frozen=True)
class HLine:
    """A horizontal reference line, e.g. a critical value."""

    y: float
    name: str
    color: str = "#666666"
    dash: Literal["solid", "dash", "dot"] = "dash"


@dataclass(frozen=True)
class Marker:
    """An annotated point, e.g. a peak or a critical time tc."""

    x: Any
    y: float
    text: str
    color: str = "#000000"


@dataclass(frozen=True)
class Panel:
    """One stacked panel sharing the chart's x axis."""

    title: str
    ylabel: str = ""
    lines: tuple[Line, ...] = ()
    bars: tuple[Bar, ...] = ()
    bands: tuple[Band, ...] = ()
    hlines: tuple[HLine, ...] = ()
    markers: tuple[Marker, ...] = ()
    logy: bool = False
    secondary_ylabel: str = ""
    height: float = 1.0


@dataclass(frozen=True)
class ChartSpec:
    """A figure: a title, stacked panels, and the source line printed under it."""

    title: str
    panels: tuple[Panel, ...]
    xlabel: str = ""
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def _xs(values: Values) -> list[Any]:
    out = []
    for v in values:
        if isinstance(v, (pd.Timestamp, np.datetime64)):
            out.append(pd.Timestamp(v).isoformat())
        elif isinstance(v, np.generic):
            out.append(v.item())
        else:
            out.append(v)
    return out


def _ys(values: Values) -> list[float | None]:
    arr = np.asarray(values, dtype=np.float64)
    return [None if not np.isfinite(v) else float(v) for v in arr]


_PLOTLY_DASH = {"solid": "solid", "dash": "dash", "dot": "dot"}


def to_plotly(spec: ChartSpec) -> dict[str, Any]:
    """Convert a spec into a plotly.js figure dict (``{"data": [...], "layout": {...}}``).

    Panels become vertically stacked y axes sharing one x axis; bands become shaded shapes,
    horizontal lines become line shapes, markers become annotations.
    """
    n = len(spec.panels)
    total = sum(p.height for p in spec.panels) or 1.0
    gap = 0.06 if n > 1 else 0.0
    usable = 1.0 - gap * (n - 1)
    layout: dict[str, Any] = {
        "title": {"text": spec.title},
        "showlegend": True,
        "legend": {"orientation": "h"},
        "shapes": [],
        "annotations": [],
        "margin": {"t": 60, "b": 60, "l": 60, "r": 60},
        "xaxis": {"title": {"text": spec.xlabel}, "anchor": f"y{_axis_suffix(n - 1, n)}"},
    }
    data: list[dict[str, Any]] = []
    top = 1.0
    colour_i = 0
    for i, panel in enumerate(spec.panels):
        height = usable * panel.height / total
        domain = [max(0.0, top - height), top]
        top = domain[0] - gap
        yname = "yaxis" + ("" if i == 0 else str(2 * i + 1))
        yref = "y" + ("" if i == 0 else str(2 * i + 1))
        y2name = "yaxis" + str(2 * i + 2)
        y2ref = "y" + str(2 * i + 2)
        layout[yname] = {
            "domain": domain,
            "title": {"text": panel.ylabel},
            "type": "log" if panel.logy else "linear",
        }
        if any(line.secondary for line in panel.lines):
            layout[y2name] = {
                "overlaying": yref,
                "side": "right",
                "title": {"text": panel.secondary_ylabel},
            }
        layout["annotations"].append(
            {
                "text": f"<b>{panel.title}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": domain[1],
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        for line in panel.lines:
            colour = line.color or PALETTE[colour_i % len(PALETTE)]
            colour_i += 1
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": line.name,
                    "x": _xs(line.x),
                    "y": _ys(line.y),
                    "xaxis": "x",
                    "yaxis": y2ref if line.secondary else yref,
                    "line": {"color": colour, "width": line.width, "dash": _PLOTLY_DASH[line.dash]},
                }
            )
        for bar in panel.bars:
            colour = bar.color or PALETTE[colour_i % len(PALETTE)]
            colour_i += 1
            trace: dict[str, Any] = {
                "type": "bar",
                "name": bar.name,
                "x": _xs(bar.x),
                "y": _ys(bar.y),
                "xaxis": "x",
                "yaxis": yref,
                "marker": {"color": colour},
            }
            if bar.base is not None:
                trace["base"] = _ys(bar.base)
            data.append(trace)
        for band in panel.bands:
            layout["shapes"].append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": f"{yref} domain",
                    "x0": _xs([band.start])[0],
                    "x1": _xs([band.end])[0],
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": band.color,
                    "opacity": band.opacity,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        for h in panel.hlines:
            layout["shapes"].append(
                {
                    "type": "line",
                    "xref": "x domain",
                    "yref": yref,
                    "x0": 0,
                    "x1": 1,
                    "y0": h.y,
                    "y1": h.y,
                    "line": {"color": h.color, "dash": _PLOTLY_DASH[h.dash]},
                    "name": h.name,
                }
            )
        for m in panel.markers:
            # plotly places annotations on a log axis at log10 of the data value
            y_pos = float(np.log10(m.y)) if panel.logy and m.y > 0 else float(m.y)
            layout["annotations"].append(
                {
                    "x": _xs([m.x])[0],
                    "y": y_pos,
                    "xref": "x",
                    "yref": yref,
                    "text": m.text,
                    "showarrow": True,
                    "arrowcolor": m.color,
                    "font": {"color": m.color},
                }
            )
    if spec.source:
        layout["annotations"].append(
            {
                "text": f"Source: {spec.source}",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.12,
                "showarrow": False,
                "font": {"size": 10},
                "xanchor": "left",
            }
        )
    return {"data": data, "layout": layout}


def _axis_suffix(i: int, n: int) -> str:
    return "" if i == 0 else str(2 * i + 1)


def render_matplotlib(spec: ChartSpec, *, width: float = 10.0) -> Figure:
    """Render a spec with matplotlib and return the Figure (never shown)."""
    from matplotlib.figure import Figure

    heights = [p.height for p in spec.panels] or [1.0]
    fig = Figure(figsize=(width, 2.6 * sum(heights) + 0.8))
    axes = fig.subplots(
        len(heights), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": heights}
    )[:, 0]
    colour_i = 0
    for ax, panel in zip(axes, spec.panels, strict=False):
        twin = None
        for band in panel.bands:
            ax.axvspan(
                band.start,
                band.end,
                color=band.color,
                alpha=band.opacity,
                lw=0,
                label=band.label or None,
            )
        for bar in panel.bars:
            colour = bar.color or PALETTE[colour_i % len(PALETTE)]
            colour_i += 1
            ax.bar(
                list(bar.x),
                np.asarray(bar.y, dtype=float),
                color=colour,
                label=bar.name,
                bottom=None if bar.base is None else np.asarray(bar.base, dtype=float),
            )
        for line in panel.lines:
            colour = line.color or PALETTE[colour_i % len(PALETTE)]
            colour_i += 1
            target = ax
            if line.secondary:
                twin = twin or ax.twinx()
                target = twin
            target.plot(
                list(line.x),
                np.asarray(line.y, dtype=float),
                color=colour,
                lw=line.width,
                ls={"solid": "-", "dash": "--", "dot": ":"}[line.dash],
                label=line.name,
            )
        for h in panel.hlines:
            ax.axhline(
                h.y,
                color=h.color,
                ls={"solid": "-", "dash": "--", "dot": ":"}[h.dash],
                lw=1,
                label=h.name,
            )
        for m in panel.markers:
            ax.annotate(
                m.text,
                (m.x, m.y),
                color=m.color,
                fontsize=8,
                xytext=(5, 5),
                textcoords="offset points",
            )
            ax.plot([m.x], [m.y], "o", color=m.color, ms=4)
        if panel.logy:
            ax.set_yscale("log")
        ax.set_title(panel.title, loc="left", fontsize=10)
        ax.set_ylabel(panel.ylabel)
        if twin is not None:
            twin.set_ylabel(panel.secondary_ylabel)
        handles, labels = ax.get_legend_handles_labels()
        if twin is not None:
            h2, l2 = twin.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        if handles:
            ax.legend(handles, labels, fontsize=7, loc="best")
    axes[-1].set_xlabel(spec.xlabel)
    fig.suptitle(spec.title)
    if spec.source:
        fig.text(0.01, 0.005, f"Source: {spec.source}", fontsize=7, ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig
