"""Renderer-neutral chart specifications: one spec, two renderers.

A result object describes its figure once, as a :class:`ChartSpec` of panels holding lines,
bars, shaded bands, horizontal and vertical reference lines, markers, point series and text
labels (a panel with ``aspect="equal"`` and ``axes=False`` is a diagram, e.g. a network).
:func:`render_matplotlib` turns the spec into a matplotlib Figure (``plot()``, static SVG/PDF
reports) and :func:`to_plotly` into a plotly.js figure dict (interactive HTML report and
dashboard), so the two outputs cannot disagree. Plotly itself is not imported: the dict is what
plotly.js consumes.

Both renderers share the layout decisions that keep a chart readable at its rendered size:
each panel's y range comes from its data (:func:`panel_yrange`), log axes get 1-2-5 ticks
written in plain numbers (:func:`log_ticks`), long titles and category labels are wrapped, and
a y-axis title too long for a short panel moves into the panel's title. The plotly figure has
an explicit pixel height that grows with the panels, so stacked panels are never squeezed into
a fixed box.

Examples
--------
>>> spec = ChartSpec("demo", (Panel("prices", lines=(Line([1, 2, 3], [1.0, 2.0, 4.0], "p"),)),))
>>> to_plotly(spec)["data"][0]["name"]
'p'
>>> panel_yrange(spec.panels[0])
(0.88, 4.12)
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "PANEL_PX",
    "SYMBOLS",
    "Band",
    "Bar",
    "ChartSpec",
    "HLine",
    "Line",
    "Marker",
    "Panel",
    "Points",
    "Text",
    "VLine",
    "log_ticks",
    "panel_xrange",
    "panel_yrange",
    "price_panel",
    "render_matplotlib",
    "tick_text",
    "to_plotly",
]

#: x or y values: a list, a numpy array or a pandas Index/Series.
Values = Sequence[Any] | npt.NDArray[Any] | pd.Index | pd.Series

#: Colour-blind-safe palette (Okabe–Ito) used when an element names no colour; the yellow, hard
#: to read on white, comes last.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)

#: Share of the data span added above and below a panel's data (log span on log axes).
Y_PAD = 0.04

#: Plot height in pixels of a panel of height 1.0 in :func:`to_plotly` (a diagram drawn at a
#: fixed scale sets its panel's height from it).
PANEL_PX = 250

# Pixel model of the plotly figure. The narrowest width a chart is shown at is a report cell
# of a side-by-side pair (about 640 px); titles, legends and category labels are laid out for
# it, so they also fit the wider full-width charts.
_NOMINAL_WIDTH_PX = 600
#: The range of a log axis: positive normal floats (smaller ones have no finite log range).
_TINY, _HUGE = float(np.finfo(np.float64).tiny), float(np.finfo(np.float64).max)
_MIN_PANEL_PX = 70
_MAX_PANELS_PX = 820  # taller stacks are scaled down to this (panels keep _MIN_PANEL_PX)
_GAP_PX = 36  # between stacked panels: the next panel's title sits in it
_TITLE_LINE_PX = 24
_TICKS_PX = 24  # x tick labels (one line)
_TICK_LINE_PX = 15  # each further line of a wrapped category label
_XTITLE_PX = 26
_SOURCE_PX = 18
_LEGEND_ROW_PX = 21
_CHAR_PX = {10: 5.6, 12: 6.8, 14: 7.8, 17: 9.4}  # mean glyph width by font size (Open Sans)
_ROW_LABEL_CHARS = 16  # a category label of horizontal bars wraps at this many characters


@dataclass(frozen=True)
class Line:
    """A line (or step) series.

    ``legend=False`` keeps the line out of the legend; a line without points is a legend key
    only. ``arrow`` draws an arrowhead at the last point (an edge of a diagram), ``hover`` is
    the text an interactive renderer shows over the line, and ``opacity`` lets crossing lines
    show through each other.
    """

    x: Values
    y: Values
    name: str
    color: str | None = None
    width: float = 1.5
    dash: Literal["solid", "dash", "dot"] = "solid"
    secondary: bool = False
    legend: bool = True
    arrow: bool = False
    hover: str = ""
    opacity: float = 1.0


@dataclass(frozen=True)
class Bar:
    """Vertical bars (``base`` lets bars float, as in a waterfall), or horizontal ones.

    Several bars in one panel are drawn side by side at each x (grouped). ``legend=False``
    leaves them out of the legend (a series repeated in several panels is keyed once).
    ``orientation="h"`` draws horizontal bars, as plotly does: ``x`` holds their lengths,
    ``y`` their categories (the first on top) and ``base`` where they start on the x axis (a
    tornado). A panel of horizontal bars has its own x axis, titled by its ``xlabel``.
    """

    x: Values
    y: Values
    name: str
    color: str | None = None
    base: Values | None = None
    legend: bool = True
    orientation: Literal["v", "h"] = "v"


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
class VLine:
    """A vertical reference line across a panel, e.g. a crash peak.

    ``label`` (optional) is written at the top of the panel beside the line; labels of close
    lines are stacked in rows, and one that finds no room is left out (the line stays).
    """

    x: Any
    label: str = ""
    color: str = "#000000"
    dash: Literal["solid", "dash", "dot"] = "dot"


@dataclass(frozen=True)
class Marker:
    """An annotated point, e.g. a peak or a critical time tc."""

    x: Any
    y: float
    text: str
    color: str = "#000000"


#: Marker symbols of :class:`Points` (plotly names) and their matplotlib markers.
SYMBOLS: dict[str, str] = {
    "circle": "o",
    "square": "s",
    "diamond": "D",
    "triangle-up": "^",
    "x": "X",
}


@dataclass(frozen=True)
class Points:
    """A series of point markers, e.g. the nodes of a network (one legend entry).

    ``color`` is one colour or one per point; ``size`` is the marker's diameter in pixels;
    ``hover`` holds the text an interactive renderer shows over each point.
    """

    x: Values
    y: Values
    name: str
    symbol: Literal["circle", "square", "diamond", "triangle-up", "x"] = "circle"
    color: str | tuple[str, ...] = "#333333"
    size: float = 14.0
    hover: tuple[str, ...] = ()


@dataclass(frozen=True)
class Text:
    """A text label placed at a data point, without a marker or arrow.

    ``anchor`` says which end of the text sits at ``x`` (``"left"``: the text runs to the
    right of it); the text is centred on ``y``. ``size`` is the font size in pixels; with
    ``background`` the text is drawn on a white box that hides what lies under it.
    """

    x: float
    y: float
    text: str
    anchor: Literal["left", "center", "right"] = "center"
    size: int = 10
    color: str = "#333333"
    background: bool = False


@dataclass(frozen=True)
class Panel:
    """One stacked panel sharing the chart's x axis.

    ``yrange`` fixes the y range (data units, e.g. ``(0, 1)`` for a probability); by default
    it is derived from the panel's data by :func:`panel_yrange`. ``aspect="equal"`` draws one
    unit of x as long as one unit of y, and ``axes=False`` leaves out the axis lines, ticks
    and grid: with both, a panel is a diagram (a network's ring). A panel of horizontal bars
    (:class:`Bar` with ``orientation="h"``; it holds no other series but vertical lines) does
    not share the chart's x axis: it has its own, ranged by :func:`panel_xrange` and titled
    ``xlabel``, and its categories run down the y axis.
    """

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
    vlines: tuple[VLine, ...] = ()
    yrange: tuple[float, float] | None = None
    points: tuple[Points, ...] = ()
    texts: tuple[Text, ...] = ()
    aspect: Literal["auto", "equal"] = "auto"
    axes: bool = True
    xlabel: str = ""

    @property
    def horizontal(self) -> bool:
        """Whether the panel holds horizontal bars (and so its own x axis)."""
        return any(bar.orientation == "h" for bar in self.bars)


@dataclass(frozen=True)
class ChartSpec:
    """A figure: a title, stacked panels, and the source line printed under it.

    ``legend=False`` leaves the legend out (for charts whose panel titles already name every
    series). ``xrange`` fixes the shared x range (data units); by default the renderers fit it
    to the data. ``xlabel`` and ``xrange`` are the shared axis's, which panels of horizontal
    bars do not use.
    """

    title: str
    panels: tuple[Panel, ...]
    xlabel: str = ""
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    legend: bool = True
    xrange: tuple[float, float] | None = None


def price_panel(
    close: pd.Series,
    name: str,
    *,
    lines: tuple[Line, ...] = (),
    vlines: tuple[VLine, ...] = (),
) -> Panel:
    """Closes on a log axis, in black, with any further ``lines`` and ``vlines`` over them.

    The price panel that LPPLS fits, the Confidence indicator and a series' own chart share.
    """
    return Panel(
        "price (log scale)",
        lines=(Line(close.index, close, name, color="#000000", width=1.0), *lines),
        vlines=vlines,
        logy=True,
    )


def _xs(values: Values) -> list[Any]:
    """JSON-ready x values: a timestamp as its ISO text, a NumPy scalar as a Python one.

    Naive datetimes at whole seconds (daily closes) are written in one vectorised call, the
    same text as ``pd.Timestamp.isoformat``; any other value one by one.
    """
    if (
        isinstance(values, (pd.DatetimeIndex, pd.Series, np.ndarray))
        and isinstance(values.dtype, np.dtype)
        and values.dtype.kind == "M"
    ):
        stamps = np.asarray(values)
        seconds = stamps.astype("M8[s]")
        # NaT never equals itself, so a NaT (as a fraction of a second) keeps the slow path
        if stamps.size and bool(np.all(seconds == stamps)):
            text: list[Any] = np.datetime_as_string(seconds, unit="s").tolist()
            return text
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


def _finite(values: Values | float) -> npt.NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64)).ravel()
    return arr[np.isfinite(arr)]


def panel_yrange(panel: Panel, *, secondary: bool = False) -> tuple[float, float] | None:
    """The y range a panel is drawn with, in data units (``None``: nothing to draw).

    ``panel.yrange`` when given; otherwise the span of the finite values of the panel's lines
    (primary or ``secondary`` axis), bars (their bases and tops, and zero for bars standing on
    the axis), reference lines, markers, points and texts, widened by :data:`Y_PAD` of that
    span on each side (of the log span on a log axis, where only positive values count). Bars
    standing on the axis start exactly at zero when they are all non-negative (floating bars
    are padded like lines). A single value is widened to a visible range.

    Parameters
    ----------
    panel : Panel
    secondary : bool
        The range of the right-hand axis (lines with ``secondary=True``).

    Returns
    -------
    (float, float) or None
    """
    if panel.yrange is not None and not secondary:
        return (float(panel.yrange[0]), float(panel.yrange[1]))
    parts = [_finite(line.y) for line in panel.lines if line.secondary == secondary]
    floor: float | None = None
    if not secondary:
        for bar in panel.bars:
            if bar.orientation == "h":
                continue
            top = np.asarray(bar.y, dtype=np.float64)
            base = np.zeros_like(top) if bar.base is None else np.asarray(bar.base, np.float64)
            parts += [_finite(base), _finite(base + top)]
        parts += [_finite([h.y for h in panel.hlines]), _finite([m.y for m in panel.markers])]
        parts += [_finite(pt.y) for pt in panel.points] + [_finite([t.y for t in panel.texts])]
        if any(bar.base is None and bar.orientation == "v" for bar in panel.bars):
            floor = 0.0
    values = np.concatenate(parts) if parts else np.empty(0)
    if panel.logy:
        values = values[values >= _TINY]
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    if panel.logy:
        span = math.log10(hi / lo) or 0.5
        pad = 10.0 ** (Y_PAD * span)
        return (max(lo / pad, _TINY), min(hi * pad, _HUGE))
    span = hi - lo or max(abs(hi) * 0.2, 1.0)
    lo_pad = lo if floor is not None and lo >= floor else lo - Y_PAD * span
    hi_pad = hi if floor is not None and hi <= floor else hi + Y_PAD * span
    if lo == hi:
        lo_pad, hi_pad = min(lo_pad, lo - span / 2), max(hi_pad, hi + span / 2)
    return (lo_pad, hi_pad)


def panel_xrange(panel: Panel) -> tuple[float, float] | None:
    """The value range of a panel of horizontal bars (``None``: no horizontal bars).

    The span of the bars' bases and ends and of the panel's vertical lines, widened by
    :data:`Y_PAD` of it on each side; bars standing on zero (no ``base``) start exactly there
    when they are all non-negative, as :func:`panel_yrange` does for vertical bars.
    """
    bars = [bar for bar in panel.bars if bar.orientation == "h"]
    if not bars:
        return None
    parts = [_finite([v.x for v in panel.vlines if isinstance(v.x, (int, float))])]
    for bar in bars:
        length = np.asarray(bar.x, dtype=np.float64)
        base = np.zeros_like(length) if bar.base is None else np.asarray(bar.base, np.float64)
        parts += [_finite(base), _finite(base + length)]
    values = np.concatenate(parts)
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo or max(abs(hi) * 0.2, 1.0)
    floor = any(bar.base is None for bar in bars)
    return (
        lo if floor and lo >= 0.0 else lo - Y_PAD * span,
        hi if floor and hi <= 0.0 else hi + Y_PAD * span,
    )


def tick_text(value: float) -> str:
    """A tick label in plain digits with k/M/B suffixes (``2000 -> '2k'``, ``0.5 -> '0.5'``)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def log_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float] | None:
    """Readable tick values for a log axis over ``[lo, hi]`` (``None``: use linear-style ticks).

    The densest of the mantissa sequences 1-1.5-2-3-5-7, 1-2-3-5, 1-2-5, 1-3 and 1 (then every
    2nd, 3rd … decade) with at most ``max_ticks`` values inside the range. A range too narrow
    to hold two values of the densest sequence returns ``None``: the renderer's own ticks read
    better there.
    """
    if not (0 < lo < hi) or max_ticks < 2:
        return None
    k0, k1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    levels = [
        [m * 10.0**k for k in range(k0, k1 + 1) for m in mantissas]
        for mantissas in ((1, 1.5, 2, 3, 5, 7), (1, 2, 3, 5), (1, 2, 5), (1, 3), (1,))
    ]
    levels += [
        [10.0**k for k in range(k0, k1 + 1) if k % step == 0] for step in range(2, k1 - k0 + 2)
    ]
    inside = [[t for t in level if lo <= t <= hi] for level in levels]
    if len(inside[0]) < 2:
        return None
    return next((ticks for ticks in inside if 1 <= len(ticks) <= max_ticks), inside[-1])


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 8), break_long_words=False, break_on_hyphens=False) or [
        ""
    ]


def _text_px(text: str, size: int) -> float:
    return len(text) * _CHAR_PX[size]


def _categories(panel: Panel, *, horizontal: bool = False) -> list[str]:
    """The panel's bar categories in order of first appearance (empty for numeric/date x).

    With ``horizontal``, those of its horizontal bars (their y); otherwise its vertical bars'.
    """
    seen: dict[str, None] = {}
    for bar in panel.bars:
        if (bar.orientation == "h") != horizontal:
            continue
        for v in bar.y if horizontal else bar.x:
            if not isinstance(v, str):
                return []
            seen[v] = None
    return list(seen)


def _category_labels(categories: list[str], width_chars: int) -> tuple[list[list[str]], bool]:
    """Category labels wrapped to ``width_chars`` a line, and whether they must be slanted.

    Labels are slanted (and not wrapped) when a single word is longer than a line.
    """
    wrapped = [_wrap(c, width_chars) for c in categories]
    if any(len(line) > width_chars for lines in wrapped for line in lines):
        return [[c] for c in categories], True
    return wrapped, False


def _panels_px(panels: Sequence[Panel]) -> list[float]:
    """Plot height of each panel: 250 px per unit of height, the stack capped at 820 px."""
    wanted = [PANEL_PX * p.height for p in panels]
    scale = min(1.0, _MAX_PANELS_PX / sum(wanted)) if wanted else 1.0
    return [max(_MIN_PANEL_PX, w * scale) for w in wanted]


def _legend_entries(spec: ChartSpec) -> list[str]:
    if not spec.legend:
        return []
    return [
        n
        for p in spec.panels
        for n in (
            *(x.name for x in p.lines if x.legend),
            *(b.name for b in p.bars if b.legend),
            *(s.name for s in p.points),
        )
    ]


def _legend_rows(names: Sequence[str], width_px: float) -> int:
    rows, used = 0, width_px
    for name in names:
        item = 46 + _text_px(name, 12)
        if used + item > width_px:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _ends(values: Values) -> list[Any]:
    """The first and last of ``values`` (none if empty)."""
    arr = np.asarray(values)
    return [arr[0], arr[-1]] if arr.size else []


def _x_fraction(panel: Panel, x: Any) -> float | None:
    """Where ``x`` lies between the panel's first and last line x (None if not numeric/dates)."""
    xs = [v for line in panel.lines for v in _ends(line.x)]
    if not xs:
        return None
    try:
        if isinstance(x, (pd.Timestamp, np.datetime64, str)) or isinstance(
            xs[0], (pd.Timestamp, np.datetime64)
        ):
            nums = [float(pd.Timestamp(v).value) for v in xs]
            pos = float(pd.Timestamp(x).value)
        else:
            nums, pos = [float(v) for v in xs], float(x)
    except (TypeError, ValueError):
        return None
    lo, hi = min(nums), max(nums)
    return None if hi <= lo else (pos - lo) / (hi - lo)


def _vline_anchor(panel: Panel, v: VLine) -> Literal["left", "right"]:
    """Labels of lines in the right fifth of a panel go to their left, so they stay inside."""
    frac = _x_fraction(panel, v.x)
    return "right" if frac is not None and frac > 0.8 else "left"


def _vline_rows(panel: Panel, px: float) -> list[int | None]:
    """Text row (0 = top) of each vertical line's label; ``None``: no label, or no room.

    Labels are placed left to right, each in the first row where it clears the labels already
    there at the nominal plot width; a panel holds one row per 45 px of height (at most four),
    and a label that fits in none is left out (its line is still drawn).
    """
    width = _NOMINAL_WIDTH_PX - 90  # the plot area between the y-axis margins
    rows = max(1, min(4, int(px / 45)))
    placed: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
    out: list[int | None] = [None] * len(panel.vlines)
    order = sorted(
        (i for i, v in enumerate(panel.vlines) if v.label),
        key=lambda i: _x_fraction(panel, panel.vlines[i].x) or 0.0,
    )
    for i in order:
        v = panel.vlines[i]
        frac = _x_fraction(panel, v.x)
        if frac is None:
            out[i] = 0
            continue
        w = _text_px(v.label, 10)
        at = frac * width
        span = (at + 3, at + 3 + w) if _vline_anchor(panel, v) == "left" else (at - 3 - w, at - 3)
        for row, taken in enumerate(placed):
            if all(span[1] + 4 <= a or b + 4 <= span[0] for a, b in taken):
                taken.append(span)
                out[i] = row
                break
    return out


def _line_style(line: Line, i: int) -> tuple[str, Literal["solid", "dash", "dot"]]:
    """Colour and dash of the ``i``-th line of a chart.

    A line without a colour takes the next palette colour; once the palette has come round,
    solid lines are drawn dotted so that no two lines look the same.
    """
    if line.color is not None:
        return line.color, line.dash
    dash = "dot" if i >= len(PALETTE) and line.dash == "solid" else line.dash
    return PALETTE[i % len(PALETTE)], dash


_PLOTLY_DASH = {"solid": "solid", "dash": "dash", "dot": "dot"}
_HIDDEN_AXIS = {"visible": False, "showgrid": False, "zeroline": False}


def to_plotly(spec: ChartSpec) -> dict[str, Any]:
    """Convert a spec into a plotly.js figure dict (``{"data": [...], "layout": {...}}``).

    Panels become vertically stacked y axes sharing one x axis; bands become shaded shapes,
    horizontal and vertical lines become line shapes, markers, texts and line arrowheads become
    annotations, points become marker traces. The layout
    has an explicit pixel height (panels of height 1.0 get 250 px, stacked panels are 36 px
    apart), each y axis has the data-derived range of :func:`panel_yrange`, log axes carry the
    ticks of :func:`log_ticks`, and the title, category labels, source line and legend are
    placed in a bottom margin sized for a 600 px wide chart.
    """
    n = len(spec.panels)
    panel_px = _panels_px(spec.panels)
    # the shared x axis sits under the last panel that uses it (not one of horizontal bars)
    shared = max((i for i, p in enumerate(spec.panels) if not p.horizontal), default=n - 1)
    title_lines = _wrap(spec.title, int(_NOMINAL_WIDTH_PX / _CHAR_PX[17]))
    margin_t = 16 + _TITLE_LINE_PX * len(title_lines) + 24
    categories = _categories(spec.panels[shared]) if spec.panels else []
    width_chars = int(_NOMINAL_WIDTH_PX / max(len(categories), 1) / _CHAR_PX[12]) - 1
    wrapped, slanted = _category_labels(categories, width_chars)
    if slanted:  # a 30 degree slant: half the label's length goes down
        ticks_px = _TICKS_PX + 0.5 * max(_text_px(c, 12) for c in categories)
    else:
        ticks_px = _TICKS_PX + _TICK_LINE_PX * (max(map(len, wrapped), default=1) - 1)
    # the x ticks and title under each panel: the shared axis's, or a horizontal panel's own
    under_px = [_own_axis_px(p) for p in spec.panels]
    if spec.panels and not spec.panels[shared].horizontal:
        under_px[shared] = ticks_px + (_XTITLE_PX if spec.xlabel else 0)
    gap_px = [_GAP_PX + px for px in under_px[:-1]]
    plot_px = sum(panel_px) + sum(gap_px) or float(PANEL_PX)
    axis_px = under_px[-1] if spec.panels else ticks_px + (_XTITLE_PX if spec.xlabel else 0)
    source = _wrap(f"Source: {spec.source}", int(_NOMINAL_WIDTH_PX / _CHAR_PX[10]))
    source_px = (_SOURCE_PX + 14 * (len(source) - 1)) if spec.source else 0
    legend = _legend_entries(spec)
    legend_px = _LEGEND_ROW_PX * _legend_rows(legend, _NOMINAL_WIDTH_PX)
    margin_b = axis_px + source_px + legend_px + 12
    layout: dict[str, Any] = {
        "title": {
            "text": "<br>".join(title_lines),
            "x": 0.5,
            "xanchor": "center",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            # plotly lifts a title of several lines by about 12 px: pad it back down
            "pad": {"t": 14 if len(title_lines) == 1 else 26},
        },
        "height": round(plot_px + margin_t + margin_b),
        "showlegend": bool(legend),
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -(axis_px + source_px) / plot_px,
            "yanchor": "top",
        },
        "shapes": [],
        "annotations": [],
        "margin": {"t": margin_t, "b": margin_b, "l": 60, "r": 30},
        "xaxis": {
            "title": {"text": spec.xlabel},
            "anchor": "y" + _axis_suffix(shared, n),
            "automargin": False,
        },
    }
    if spec.xrange is not None:
        layout["xaxis"]["range"] = list(spec.xrange)
    if spec.panels and (
        not any(p.axes for p in spec.panels) or all(p.horizontal for p in spec.panels)
    ):
        layout["xaxis"].update(_HIDDEN_AXIS)
    if categories:
        layout["xaxis"].update(
            {
                "tickmode": "array",
                "tickvals": categories,
                "ticktext": ["<br>".join(w) for w in wrapped],
                "tickangle": -30 if slanted else 0,
            }
        )
    data: list[dict[str, Any]] = []
    top_px = 0.0
    colour_i = 0
    for i, panel in enumerate(spec.panels):
        px = panel_px[i]
        domain = [max(0.0, 1.0 - (top_px + px) / plot_px), 1.0 - top_px / plot_px]
        top_px += px + (gap_px[i] if i < n - 1 else 0.0)
        xref = f"x{i + 2}" if panel.horizontal else "x"
        yname = "yaxis" + _axis_suffix(i, n)
        yref = "y" + _axis_suffix(i, n)
        y2name = "yaxis" + str(2 * i + 2)
        y2ref = "y" + str(2 * i + 2)
        title = f"<b>{panel.title}</b>"
        ylabel = panel.ylabel
        if ylabel and _text_px(ylabel, 14) + 10 > px:
            title, ylabel = f"{title}  ({ylabel})", ""
        layout[yname] = _plotly_yaxis(panel, px, ylabel, domain=domain)
        if panel.horizontal:
            rows = _categories(panel, horizontal=True)
            layout[yname] = {
                "title": {"text": ylabel},
                "type": "category",
                "domain": domain,
                "automargin": True,
                "range": [len(rows) - 0.5, -0.5],  # the first category on top
                "tickmode": "array",
                "tickvals": rows,
                "ticktext": ["<br>".join(_wrap(r, _ROW_LABEL_CHARS)) for r in rows],
            }
            layout["xaxis" + xref[1:]] = {
                "title": {"text": panel.xlabel, "standoff": 4},  # in the gap sized for it
                "anchor": yref,
                "domain": [0.0, 1.0],
                "automargin": False,
                "zeroline": False,
                **({"range": list(xr)} if (xr := panel_xrange(panel)) is not None else {}),
            }
        if panel.aspect == "equal":
            layout[yname].update(scaleanchor="x", scaleratio=1)
        if not panel.axes:
            layout[yname].update(_HIDDEN_AXIS)
        if any(line.secondary for line in panel.lines):
            layout[y2name] = {
                **_plotly_yaxis(panel, px, panel.secondary_ylabel, secondary=True),
                "overlaying": yref,
                "side": "right",
            }
            layout["margin"]["r"] = 60
        layout["annotations"].append(
            {
                "text": title,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": domain[1],
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
        for line in panel.lines:
            colour, dash = _line_style(line, colour_i)
            colour_i += 1
            xs, ys = _xs(line.x), _ys(line.y)
            line_trace: dict[str, Any] = {
                "type": "scatter",
                "mode": "lines",
                "name": line.name,
                "x": xs or [None],  # a line without points still gets its legend key
                "y": ys or [None],
                "xaxis": xref,
                "yaxis": y2ref if line.secondary else yref,
                "line": {"color": colour, "width": line.width, "dash": _PLOTLY_DASH[dash]},
            }
            if not line.legend:
                line_trace["showlegend"] = False
            if line.opacity != 1.0:
                line_trace["opacity"] = line.opacity
            if line.hover:
                line_trace.update(text=line.hover, hoverinfo="text")
            data.append(line_trace)
            if line.arrow and len(xs) >= 2:
                layout["annotations"].append(
                    {
                        "x": xs[-1],
                        "y": _annotation_y(panel, ys[-1]),
                        "ax": xs[-2],
                        "ay": _annotation_y(panel, ys[-2]),
                        "xref": xref,
                        "yref": yref,
                        "axref": xref,
                        "ayref": yref,
                        "showarrow": True,
                        "arrowhead": 2,
                        "arrowsize": 1.3,
                        "arrowwidth": 1.5,
                        "arrowcolor": colour,
                        "text": "",
                    }
                )
        data.extend(
            {
                "type": "scatter",
                "mode": "markers",
                "name": pts.name,
                "x": _xs(pts.x),
                "y": _ys(pts.y),
                "xaxis": xref,
                "yaxis": yref,
                "marker": {
                    "size": pts.size,
                    "symbol": pts.symbol,
                    "color": pts.color if isinstance(pts.color, str) else list(pts.color),
                    "line": {"color": "white", "width": 1},
                },
                **({"text": list(pts.hover), "hoverinfo": "text"} if pts.hover else {}),
            }
            for pts in panel.points
        )
        for bar in panel.bars:
            colour = bar.color or PALETTE[colour_i % len(PALETTE)]
            colour_i += 1
            horizontal = bar.orientation == "h"
            trace: dict[str, Any] = {
                "type": "bar",
                "name": bar.name,
                "x": _ys(bar.x) if horizontal else _xs(bar.x),
                "y": _xs(bar.y) if horizontal else _ys(bar.y),
                "xaxis": xref,
                "yaxis": yref,
                "marker": {"color": colour},
            }
            if horizontal:
                trace["orientation"] = "h"
            if bar.base is not None:
                trace["base"] = _ys(bar.base)
            if not bar.legend:
                trace["showlegend"] = False
            data.append(trace)
        for band in panel.bands:
            layout["shapes"].append(
                {
                    "type": "rect",
                    "xref": xref,
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
                    "xref": f"{xref} domain",
                    "yref": yref,
                    "x0": 0,
                    "x1": 1,
                    "y0": h.y,
                    "y1": h.y,
                    "line": {"color": h.color, "dash": _PLOTLY_DASH[h.dash], "width": 1},
                    "name": h.name,
                }
            )
        for v, row in zip(panel.vlines, _vline_rows(panel, px), strict=True):
            x = _xs([v.x])[0]
            layout["shapes"].append(
                {
                    "type": "line",
                    "xref": xref,
                    "yref": f"{yref} domain",
                    "x0": x,
                    "x1": x,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": v.color, "dash": _PLOTLY_DASH[v.dash], "width": 1.2},
                }
            )
            if row is not None:
                anchor = _vline_anchor(panel, v)
                layout["annotations"].append(
                    {
                        "text": v.label,
                        "x": x,
                        "y": 1,
                        "xref": xref,
                        "yref": f"{yref} domain",
                        "xanchor": anchor,
                        "yanchor": "top",
                        "xshift": 3 if anchor == "left" else -3,
                        "yshift": -14 * row,
                        "showarrow": False,
                        "font": {"size": 10, "color": v.color},
                    }
                )
        for m in panel.markers:
            layout["annotations"].append(
                {
                    "x": _xs([m.x])[0],
                    "y": _annotation_y(panel, m.y),
                    "xref": xref,
                    "yref": yref,
                    "text": m.text,
                    "showarrow": True,
                    "arrowcolor": m.color,
                    "ax": 0,
                    "ay": -24,
                    "font": {"color": m.color, "size": 10},
                }
            )
        for t in panel.texts:
            layout["annotations"].append(
                {
                    "x": t.x,
                    "y": _annotation_y(panel, t.y),
                    "xref": xref,
                    "yref": yref,
                    "text": t.text,
                    "showarrow": False,
                    "xanchor": t.anchor,
                    "yanchor": "middle",
                    "font": {"size": t.size, "color": t.color},
                    **(
                        {"bgcolor": "rgba(255,255,255,0.8)", "borderpad": 0} if t.background else {}
                    ),
                }
            )
    if spec.source:
        layout["annotations"].append(
            {
                "text": "<br>".join(source),
                "align": "left",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -axis_px / plot_px,
                "showarrow": False,
                "font": {"size": 10},
                "xanchor": "left",
                "yanchor": "top",
            }
        )
    return {"data": data, "layout": layout}


def _annotation_y(panel: Panel, y: float | None) -> float | None:
    """Where plotly places an annotation at ``y``: log10 of the value on a log axis."""
    if y is None:
        return None
    return float(np.log10(y)) if panel.logy and y > 0 else float(y)


def _plotly_yaxis(
    panel: Panel,
    px: float,
    title: str,
    *,
    domain: list[float] | None = None,
    secondary: bool = False,
) -> dict[str, Any]:
    """One y axis: type, data-derived range, tick density for its pixel height, title."""
    axis: dict[str, Any] = {
        "title": {"text": title},
        "type": "log" if panel.logy and not secondary else "linear",
        "automargin": True,
        "nticks": max(3, min(8, int(px / 40))),
    }
    if domain is not None:
        axis["domain"] = domain
    rng = panel_yrange(panel, secondary=secondary)
    if rng is None:
        return axis
    if axis["type"] == "log":
        axis["range"] = [math.log10(rng[0]), math.log10(rng[1])]
        ticks = log_ticks(*rng, max_ticks=max(2, int(px / 50)))
        if ticks is not None:
            axis.update(tickmode="array", tickvals=ticks, ticktext=[tick_text(t) for t in ticks])
    else:
        axis["range"] = list(rng)
    return axis


def _own_axis_px(panel: Panel) -> float:
    """Height of a panel's own x axis (ticks and title) under it: 0 but for horizontal bars."""
    if not panel.horizontal:
        return 0.0
    return _TICKS_PX + (_XTITLE_PX if panel.xlabel else 0)


def _axis_suffix(i: int, n: int) -> str:
    return "" if i == 0 else str(2 * i + 1)


def _bar_positions(
    panel: Panel, categories: list[str], *, horizontal: bool = False
) -> tuple[list[npt.NDArray[np.float64] | list[Any]], float | None]:
    """Positions of each bar series, grouped side by side, and the bar width.

    Categories sit at 0, 1, …; numeric x keep their values and share their smallest spacing;
    other x (dates) are drawn as given (width ``None``: matplotlib's default). With
    ``horizontal``, the positions of the horizontal bars' categories (their y) on the y axis.
    """
    bars = [bar for bar in panel.bars if (bar.orientation == "h") == horizontal]
    k = len(bars)
    if categories:
        where = {c: j for j, c in enumerate(categories)}
        centres = [
            np.array([where[v] for v in (bar.y if horizontal else bar.x)], dtype=np.float64)
            for bar in bars
        ]
        spacing = 1.0
    else:
        try:
            centres = [np.asarray(bar.x, dtype=np.float64) for bar in bars]
        except (TypeError, ValueError):
            return [list(bar.x) for bar in bars], None
        steps = np.diff(np.unique(np.concatenate(centres)))
        spacing = float(steps.min()) if steps.size else 1.0
    width = 0.8 * spacing / k
    return [c + (j - (k - 1) / 2) * width for j, c in enumerate(centres)], width


def _mpl_log_axis(ax: Axes, rng: tuple[float, float], px: float) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    ticks = log_ticks(*rng, max_ticks=max(2, int(px / 50)))
    if ticks is None:
        from matplotlib.ticker import MaxNLocator

        ticks = [t for t in MaxNLocator(4).tick_values(*rng) if rng[0] <= t <= rng[1]]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tick_text(v)))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _mpl_horizontal_bars(ax: Axes, panel: Panel, colour_i: int) -> None:
    """Draw a panel's horizontal bars on its own x axis (:func:`panel_xrange`).

    Categories run down the y axis, the first on top; several series are grouped in each row.
    """
    rows = _categories(panel, horizontal=True)
    bars = [bar for bar in panel.bars if bar.orientation == "h"]
    positions, height = _bar_positions(panel, rows, horizontal=True)
    for j, (bar, pos) in enumerate(zip(bars, positions, strict=True)):
        ax.barh(
            pos,
            np.asarray(bar.x, dtype=float),
            height=0.8 if height is None else height,
            left=None if bar.base is None else np.asarray(bar.base, dtype=float),
            color=bar.color or PALETTE[(colour_i + j) % len(PALETTE)],
            label=bar.name if bar.legend else "_nolegend_",
        )
    ax.set_yticks(range(len(rows)), ["\n".join(_wrap(r, _ROW_LABEL_CHARS)) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    rng = panel_xrange(panel)
    if rng is not None:
        ax.set_xlim(*rng)
    ax.set_xlabel(panel.xlabel)


def render_matplotlib(spec: ChartSpec, *, width: float = 10.0) -> Figure:
    """Render a spec with matplotlib and return the Figure (never shown).

    Legends sit to the right of their panel (never over the data), grouped bars stand side by
    side, y ranges and log ticks match :func:`to_plotly`'s, and date axes use concise labels.
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    heights = [p.height for p in spec.panels] or [1.0]
    fig = Figure(figsize=(width, 2.6 * sum(heights) + 0.8))
    own = [p.horizontal for p in spec.panels]  # panels with their own x axis
    axes = fig.subplots(
        len(heights), 1, sharex=not any(own), squeeze=False, gridspec_kw={"height_ratios": heights}
    )[:, 0]
    shared = [ax for ax, is_own in zip(axes, own, strict=False) if not is_own]
    for ax in shared[1:] if any(own) else []:
        ax.sharex(shared[0])
    colour_i = 0
    dates = False
    chars = int(width * 72 / 7.5)  # characters of a 10 pt line across the figure
    # the plotly pixel heights set the log tick density, so both renderers pick the same ticks
    for ax, panel, px in zip(axes, spec.panels, _panels_px(spec.panels), strict=False):
        twin = None
        categories = _categories(panel)
        for band in panel.bands:
            ax.axvspan(
                band.start,
                band.end,
                color=band.color,
                alpha=band.opacity,
                lw=0,
                label=band.label or None,
            )
        if panel.horizontal:
            _mpl_horizontal_bars(ax, panel, colour_i)
            colour_i += sum(bar.orientation == "h" for bar in panel.bars)
        vertical = [bar for bar in panel.bars if bar.orientation == "v"]
        positions, bar_width = _bar_positions(panel, categories) if vertical else ([], None)
        for bar, pos in zip(vertical, positions, strict=True):
            colour = bar.color or PALETTE[colour_i % len(PALETTE)]
            colour_i += 1
            ax.bar(
                pos,
                np.asarray(bar.y, dtype=float),
                **({} if bar_width is None else {"width": bar_width}),
                color=colour,
                label=bar.name if bar.legend else "_nolegend_",
                bottom=None if bar.base is None else np.asarray(bar.base, dtype=float),
            )
        if categories:
            # 10 pt labels (about 5.5 pt a character) across an axes 0.8 of the figure wide
            labels, slanted = _category_labels(
                categories, int(0.8 * width * 72 / 5.5 / len(categories)) - 1
            )
            ax.set_xticks(
                range(len(categories)),
                ["\n".join(lines) for lines in labels],
                rotation=30 if slanted else 0,
                ha="right" if slanted else "center",
                rotation_mode="anchor",
            )
        for line in panel.lines:
            colour, dash = _line_style(line, colour_i)
            colour_i += 1
            dates = dates or any(
                isinstance(v, (pd.Timestamp, np.datetime64)) for v in _ends(line.x)
            )
            target = ax
            if line.secondary:
                twin = twin or ax.twinx()
                target = twin
            xs, ys = list(line.x), np.asarray(line.y, dtype=float)
            target.plot(
                xs,
                ys,
                color=colour,
                lw=line.width,
                ls={"solid": "-", "dash": "--", "dot": ":"}[dash],
                label=line.name if line.legend else "_nolegend_",
                alpha=line.opacity,
                solid_capstyle="butt",
            )
            if line.arrow and len(xs) >= 2:
                target.annotate(
                    "",
                    xy=(xs[-1], ys[-1]),
                    xytext=(xs[-2], ys[-2]),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2},
                )
        for pts in panel.points:
            ax.scatter(
                list(pts.x),
                np.asarray(pts.y, dtype=float),
                s=(0.75 * pts.size) ** 2,  # area in pt², the diameter given in px
                marker=SYMBOLS[pts.symbol],
                c=[pts.color] if isinstance(pts.color, str) else list(pts.color),
                edgecolors="white",
                label=pts.name,
                zorder=4,
            )
        for t in panel.texts:
            ax.text(
                t.x,
                t.y,
                t.text,
                ha=t.anchor,
                va="center",
                fontsize=0.75 * t.size,  # px to pt
                color=t.color,
                zorder=6,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}
                if t.background
                else None,
            )
        for h in panel.hlines:
            ax.axhline(
                h.y,
                color=h.color,
                ls={"solid": "-", "dash": "--", "dot": ":"}[h.dash],
                lw=1,
                label=h.name,
            )
        for v, row in zip(panel.vlines, _vline_rows(panel, px), strict=True):
            ax.axvline(
                v.x, color=v.color, ls={"solid": "-", "dash": "--", "dot": ":"}[v.dash], lw=1
            )
            if row is not None:
                anchor = _vline_anchor(panel, v)
                ax.annotate(
                    v.label,
                    (ax.xaxis.convert_units(v.x), 0.98),
                    xycoords=ax.get_xaxis_transform(),
                    xytext=(3 if anchor == "left" else -3, -9 * row),
                    textcoords="offset points",
                    ha=anchor,
                    va="top",
                    fontsize=7,
                    color=v.color,
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
        if not panel.bars:
            ax.set_xmargin(0)  # lines run edge to edge, as in plotly
        if panel.aspect == "equal":
            ax.set_aspect("equal")
        if not panel.axes:
            ax.set_axis_off()
        rng = panel_yrange(panel)
        if rng is not None:
            ax.set_ylim(*rng)
            if panel.logy:
                _mpl_log_axis(ax, rng, px)
        if twin is not None:
            rng2 = panel_yrange(panel, secondary=True)
            if rng2 is not None:
                twin.set_ylim(*rng2)
        title, ylabel = panel.title, panel.ylabel
        if ylabel and len(ylabel) * 7 > 72 * 2.6 * panel.height:
            title, ylabel = f"{title}  ({ylabel})", ""
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylabel(ylabel)
        if twin is not None:
            twin.set_ylabel(panel.secondary_ylabel)
        handles, labels = ax.get_legend_handles_labels()
        if twin is not None:
            h2, l2 = twin.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        if handles and spec.legend:
            ax.legend(
                handles,
                labels,
                fontsize=7,
                loc="upper left",
                bbox_to_anchor=(1.06 if twin is not None else 1.005, 1.0),
                borderaxespad=0,
                frameon=False,
            )
    if shared and spec.xrange is not None:
        shared[-1].set_xlim(*spec.xrange)
    if shared and dates:
        locator = mdates.AutoDateLocator(maxticks=10)  # type: ignore[no-untyped-call]
        shared[-1].xaxis.set_major_locator(locator)
        shared[-1].xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
        )
    if shared:
        shared[-1].set_xlabel(spec.xlabel)
    fig.suptitle("\n".join(_wrap(spec.title, int(chars * 0.75))))
    if spec.source:
        fig.text(
            0.01,
            0.005,
            "\n".join(_wrap(f"Source: {spec.source}", int(chars * 1.4))),
            fontsize=7,
            ha="left",
            va="bottom",
        )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
