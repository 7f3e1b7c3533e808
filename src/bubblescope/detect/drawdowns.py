"""Drawdowns of a price series: the underwater curve, the maximum drawdown, the worst episodes.

Definitions (all on the validated price ``P``, any frequency)
-------------------------------------------------------------
drawdown
    ``D_t = P_t / max_{s <= t} P_s - 1``, a fraction in ``(-1, 0]``; 0 at a running high.
maximum drawdown
    ``min_t D_t`` (negative), the deepest fall from a previous high.
episode
    A maximal spell under water: it opens at a running high (the *peak*, the last date with
    ``D = 0`` before the fall), its *trough* is the date of its lowest ``D``, and it closes on the
    *recovery* date, the first date with ``P_t >= P_peak`` after the trough (NaT while the
    series has not recovered by its last date). Episodes are disjoint, so ranking them by depth
    gives the distinct worst falls rather than many overlapping views of one crash.

Examples
--------
>>> import pandas as pd
>>> p = pd.Series([100.0, 120.0, 60.0, 90.0, 130.0, 117.0],
...               index=pd.date_range("2020-01-31", periods=6, freq="ME"))
>>> res = drawdown(p)
>>> round(res.max_drawdown, 3)
-0.5
>>> res.episodes[["peak", "trough", "recovery", "depth_pct"]].iloc[0].tolist()[:2]
[Timestamp('2020-02-29 00:00:00'), Timestamp('2020-03-31 00:00:00')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict, SeriesLike
from bubblescope.charts import PALETTE, Band, ChartSpec, Line, Panel
from bubblescope.data.validate import validate_series
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = ["DrawdownResult", "drawdown", "drawdown_curve", "max_drawdown"]

_EPISODE_COLUMNS = (
    "peak",
    "trough",
    "recovery",
    "peak_price",
    "trough_price",
    "depth_pct",
    "decline_periods",
    "recovery_periods",
    "underwater_periods",
    "decline_days",
    "underwater_days",
)


def drawdown_curve(prices: Float64Array) -> Float64Array:
    """Return ``P_t / max_{s<=t} P_s - 1`` for a positive float64 array.

    Parameters
    ----------
    prices : numpy.ndarray
        Strictly positive prices, one-dimensional.

    Returns
    -------
    numpy.ndarray
        Drawdown fractions, ``<= 0``.
    """
    p = np.asarray(prices, dtype=np.float64)
    out: Float64Array = p / np.maximum.accumulate(p) - 1.0
    return out


def max_drawdown(prices: Float64Array) -> float:
    """Return the maximum drawdown (a negative fraction; 0.0 for a never-falling series).

    Parameters
    ----------
    prices : numpy.ndarray
        Strictly positive prices, one-dimensional, at least one value.

    Returns
    -------
    float
    """
    p = np.asarray(prices, dtype=np.float64)
    if p.size == 0:
        return 0.0
    return float(np.min(drawdown_curve(p)))


def _episode_bounds(dd: Float64Array) -> list[tuple[int, int, int | None]]:
    """(peak, trough, recovery-or-None) positions of every under-water spell."""
    under = dd < 0.0
    if not under.any():
        return []
    edges = np.diff(np.concatenate(([0], under.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)  # first under-water position
    ends = np.flatnonzero(edges == -1)  # first position back at a high (or len)
    bounds: list[tuple[int, int, int | None]] = []
    n = len(dd)
    for s, e in zip(starts, ends, strict=True):
        trough = int(s + np.argmin(dd[s:e]))
        bounds.append((int(s - 1), trough, int(e) if e < n else None))
    return bounds


@dataclass(frozen=True, eq=False)
class DrawdownResult(ResultMixin):
    """Drawdown curve and worst episodes of one price series.

    Attributes
    ----------
    name : str
        Series name.
    prices : pandas.Series
        The validated prices.
    drawdown : pandas.Series
        ``P_t / running max - 1`` (fractions, ``<= 0``), indexed like ``prices``.
    max_drawdown : float
        Most negative value of ``drawdown``.
    episodes : pandas.DataFrame
        The ``top`` deepest disjoint episodes, deepest first, with columns ``peak``, ``trough``,
        ``recovery`` (NaT if not recovered), ``peak_price``, ``trough_price``, ``depth_pct``
        (negative, percent), ``decline_periods`` (peak to trough), ``recovery_periods`` (trough
        to recovery, ``<NA>`` if not recovered), ``underwater_periods`` (peak to recovery, or to the
        last observation), and the same spans in calendar days where the index holds dates.
    n_episodes : int
        Number of under-water spells in the whole series (before keeping the ``top``).
    """

    name: str
    prices: pd.Series
    drawdown: pd.Series
    max_drawdown: float
    episodes: pd.DataFrame
    n_episodes: int

    def summary(self) -> str:
        """Return a plain-text table of the worst episodes."""
        lines = [
            f"Drawdowns of {self.name}: {len(self.prices)} points, "
            f"{_fmt_date(self.prices.index[0])} to {_fmt_date(self.prices.index[-1])}",
            f"Maximum drawdown: {100.0 * self.max_drawdown:.1f}%  "
            f"({self.n_episodes} under-water spell(s))",
        ]
        if len(self.episodes):
            lines.append(
                f"{'peak':>12} {'price':>11} {'trough':>12} {'price':>11} {'depth':>7} "
                f"{'recovery':>12} {'periods down':>13}"
            )
            for row in self.episodes.itertuples(index=False):
                recovered = isinstance(row.recovery, pd.Timestamp)
                rec = _fmt_date(row.recovery) if recovered else "not yet"
                lines.append(
                    f"{_fmt_date(row.peak):>12} {row.peak_price:>11,.2f} "
                    f"{_fmt_date(row.trough):>12} {row.trough_price:>11,.2f} "
                    f"{row.depth_pct:>6.1f}% {rec:>12} {row.decline_periods:>13d}"
                )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return prices, running peak and drawdown, indexed by the input's dates."""
        return pd.DataFrame(
            {
                "price": self.prices,
                "running_peak": self.prices.cummax(),
                "drawdown": self.drawdown,
            }
        )

    def to_dict(self) -> JSONDict:
        """Return a JSON-ready dict (what ``--json`` emits)."""
        episodes = [
            {k: to_jsonable(v) for k, v in rec.items()}
            for rec in self.episodes.to_dict(orient="records")
        ]
        return {
            "name": self.name,
            "n_points": len(self.prices),
            "start": to_jsonable(self.prices.index[0]),
            "end": to_jsonable(self.prices.index[-1]),
            "max_drawdown": self.max_drawdown,
            "max_drawdown_pct": 100.0 * self.max_drawdown,
            "n_episodes": self.n_episodes,
            "episodes": episodes,
        }

    def chart_spec(
        self,
        *,
        source: str = "",
        yrange: tuple[float, float] | None = None,
        color: str = PALETTE[0],
    ) -> ChartSpec:
        """The drawdown curve with the deepest episode and the current one shaded.

        The deepest episode (peak to trough) is shaded vermilion and, when the series is under
        water on its last date, the current episode (running peak to last date) grey; the
        panel's title gives both depths.

        Parameters
        ----------
        source : str
            Where the prices come from (default: the series name).
        yrange : (float, float), optional
            The y range in percent, e.g. one range shared by several series' charts.
        color : str
            The curve's colour.
        """
        curve = 100.0 * self.drawdown
        last = float(curve.iloc[-1])
        bands, facts = [], []
        if len(self.episodes):
            worst = self.episodes.iloc[0]
            bands.append(Band(worst["peak"], worst["trough"], color="#D55E00", opacity=0.18))
            facts.append(
                f"deepest {worst['depth_pct']:.0f}% "
                f"({_day(worst['peak'])} to {_day(worst['trough'])})"
            )
        if last < 0:
            start = curve.index[curve.to_numpy() >= 0][-1]
            if not (bands and start == bands[0].start):
                bands.append(Band(start, curve.index[-1], color="#999999", opacity=0.25))
            facts.append(f"latest {last:.0f}%")
        return ChartSpec(
            f"{self.name}: drawdown from the running peak",
            (
                Panel(
                    "; ".join(facts) or "never below its running peak",
                    "% below running peak",
                    lines=(Line(curve.index, curve, self.name, color=color),),
                    bands=tuple(bands),
                    yrange=yrange,
                ),
            ),
            source=f"bubblescope.detect.drawdown on {source or self.name}. Vermilion: deepest "
            "episode, peak to trough; grey: current episode",
            legend=False,
        )


def _day(value: Any) -> str:
    """A date as YYYY-MM-DD, or "not yet" for a missing (unrecovered) one."""
    return "not yet" if pd.isna(value) else str(pd.Timestamp(value).date())


def _fmt_date(x: Any) -> str:
    if isinstance(x, pd.Timestamp):
        return str(x.date())
    return str(x)


def drawdown(data: SeriesLike, *, top: int = 5, name: str | None = None) -> DrawdownResult:
    """Compute the drawdown curve, maximum drawdown and the ``top`` worst episodes.

    Parameters
    ----------
    data : SeriesLike
        Strictly positive prices of any frequency: a pandas Series, a canonical price frame
        (uses ``close``) or an array-like. It passes through
        :func:`bubblescope.data.validate.validate_series` (no repair).
    top : int
        How many episodes to keep (deepest first); at least 1.
    name : str, optional
        Label in the output (default: the series name, or the frame's ``symbol``).

    Returns
    -------
    DrawdownResult

    Raises
    ------
    InputError
        Bad ``top``; or a series that is too short (< 2 points), has NaN/inf, non-positive
        values, unsorted or duplicated dates.

    References
    ----------
    Magdon-Ismail, M. and Atiya, A. (2004), "Maximum drawdown", Risk 17(10):99–102.

    Examples
    --------
    >>> from bubblescope.data.bundled import load_bundled
    >>> res = drawdown(load_bundled("nasdaq"), top=1)
    >>> ep = res.episodes.iloc[0]
    >>> str(ep.peak.date()), str(ep.trough.date()), round(float(ep.depth_pct), 1)
    ('2000-03-10', '2002-10-09', -77.9)
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise InputError(f"top must be a positive integer, got {top!r}")
    if name is None and isinstance(data, pd.DataFrame) and "symbol" in data.columns and len(data):
        name = str(data["symbol"].iloc[0])
    v = validate_series(
        data, min_points=2, nonconstant=False, name=name, purpose="a drawdown table"
    )
    prices = v.series
    label = str(prices.name)
    p = v.values
    dd = drawdown_curve(p)
    index = prices.index
    has_dates = isinstance(index, pd.DatetimeIndex)
    rows: list[dict[str, Any]] = []
    for peak, trough, rec in _episode_bounds(dd):
        last = rec if rec is not None else len(p) - 1
        rows.append(
            {
                "peak": index[peak],
                "trough": index[trough],
                "recovery": index[rec] if rec is not None else pd.NaT,
                "peak_price": float(p[peak]),
                "trough_price": float(p[trough]),
                "depth_pct": 100.0 * float(dd[trough]),
                "decline_periods": trough - peak,
                "recovery_periods": (rec - trough) if rec is not None else pd.NA,
                "underwater_periods": last - peak,
                "decline_days": (index[trough] - index[peak]).days if has_dates else None,
                "underwater_days": (index[last] - index[peak]).days if has_dates else None,
            }
        )
    table = pd.DataFrame(rows, columns=list(_EPISODE_COLUMNS))
    n_episodes = len(table)
    if n_episodes:
        order = np.argsort(table["depth_pct"].to_numpy(), kind="stable")[:top]
        table = table.iloc[order].reset_index(drop=True)
    table = table.astype({"recovery_periods": "Int64"})
    return DrawdownResult(
        name=label,
        prices=prices,
        drawdown=pd.Series(dd, index=index, name="drawdown"),
        max_drawdown=float(dd.min()),
        episodes=table,
        n_episodes=n_episodes,
    )
