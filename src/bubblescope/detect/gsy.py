"""Greenwood–Shleifer–You (2019) run-ups, crash labels and crash odds.

Definitions (monthly data; every horizon is in periods of the data after any resampling)
-----------------------------------------------------------------------------------------
GSY's wording (JFE 2019, as summarised in spec/detection-methods.md §4): a run-up is "an
industry's two-year value-weighted return exceeding 100%, both raw and net of the market"; a
crash is "a 40% drawdown within the two years after" the run-up. This module makes each choice
explicit:

raw run-up
    ``R_t = P_t / P_{t-H} - 1`` with ``H = horizon`` (24 months).
net run-up (``net="difference"``, default)
    ``R_t - M_t``, the asset's cumulative return minus the market's cumulative return over the
    same ``H`` periods (percentage points of return). ``net="relative"`` uses
    ``(1 + R_t) / (1 + M_t) - 1``, the cumulative return measured in units of the market.
run-up flag
    ``R_t > threshold`` and ``net_t > threshold`` (strict), and, unless disabled, the prior
    filter ``P_t / P_{t-prior_window} - 1 >= prior_return`` (60 months, 50%: "≥ 50% raw return
    over the prior five years", CXO Advisory's summary of GSY [UNVERIFIED against the JFE
    text]) and, when firm counts are given, at least ``min_firms`` firms. Without a market the
    flag uses the raw condition only (reported as ``net_of_market = False``).
episode (de-duplication)
    The first flagged period starts an episode; flagged periods in the following
    ``crash_horizon`` periods belong to it; the next flagged period after that window starts a
    new one. So one long boom can yield one episode per two years of flags, never one per month.
crash label
    ``anchor="peak"`` (default): the maximum drawdown within the window ``[t, t + crash_horizon]``
    (measured from the running peak, which starts at the run-up date's price) is at least
    ``crash_drawdown`` (40%). ``anchor="runup"``: the lowest price in the window is at least
    40% below the price at the run-up date. The GSY anchoring is [UNVERIFIED]; the peak anchor
    is the spec's S12 reading ("max drawdown within the next 24 months") and, on the French
    49 industries, gives a crash share close to GSY's 53% (0.45 against 0.31 for the run-up
    anchor). A window cut short by the end of the data is ``censored``: its crash label is
    True if 40% was already lost, else missing. Such an *open* episode is neither a crash nor a
    non-crash: it is left out of ``n_crashes`` and of both sides of ``crash_share``, printed as
    "open (window ends YYYY-MM)" and emitted as ``crash: null, open: true`` in JSON.
characteristics (at the run-up date t)
    ``volatility``: standard deviation of log returns over ``(t-H, t]`` (annualised for dated
    data, per period otherwise); ``volatility_change``: minus the same over ``(t-2H, t-H]``;
    ``acceleration``: ``R_{t-H→t} - R_{t-H→t-H/2}``, the two-year return minus the first-year
    return (the GSY working-paper definition as paraphrased by the *bubblefacto* replication's
    README [UNVERIFIED against the JFE text]); ``firm_growth``: ``n_t / n_{t-H} - 1`` from a
    firm-count series (a *proxy* for new listings and issuance, hence young firms: GSY measure
    firm age and issuance from CRSP/Compustat, which the French file lacks); ``turnover``,
    ``turnover_change`` and ``issuance`` when the user supplies them.

Daily, weekly, intraday or irregular sub-monthly prices are reduced to month-end prices before
anything is computed (when ``monthly=True``), so ``horizon=24`` means 24 months whatever the
input frequency; quarterly or annual prices are refused rather than read as months.

Reproduction on the Ken French 49 industries (tests/detect/test_runup_french.py)
---------------------------------------------------------------------------------
GSY use 48 SIC industries built from CRSP and the CRSP value-weighted market, January 1926 to
March 2014. We use French's 49 value-weighted industries, a market built from the same file
(see :mod:`bubblescope.detect._runup_french`), and skip industry-months with fewer than 10
firms (French's 1920s–30s portfolios can hold one or two firms). With the defaults above,
run-up dates 1928-01 to 2014-03:

==========================================  ==================  ===================
quantity                                    GSY (2019)          this module
==========================================  ==================  ===================
run-ups at 100% (raw and net)               40                  42
of which crashed                            21 (53%)            19 (45%)
crash share, net run-up ≥ 50 / 100 / 150%   ≈ 20 / 53 / 80%     23 / 45 / 78%
crashes with a month ≤ −20%                 17 of 21            14 of 19
==========================================  ==================  ===================

Through the end of the data (run-up dates to 2023-05, the last full crash window): 48 run-ups,
20 crashes. The shipped logit (:func:`crash_probability`) gives 23 / 38 / 57% at net run-ups of
50 / 100 / 150% (1928–2014) and 23 / 35 / 50% (1928–2023): a smooth curve in the run-up size at
its crossing, lower at the top than GSY's conditional shares "≥ 150%", which average over bigger
run-ups and rest on about 20 episodes.

References
----------
Greenwood, R., Shleifer, A. and You, Y. (2019), "Bubbles for Fama", Journal of Financial
Economics 131(1):20–43, doi:10.1016/j.jfineco.2018.09.002.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, FrameLike, JSONDict, SeriesLike
from bubblescope.charts import ChartSpec, HLine, Line, Panel, VLine
from bubblescope.data.validate import validate_series
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "MODEL_FROM",
    "MODEL_TERMS",
    "RunupResult",
    "crash_probability",
    "runup",
    "trailing_return",
]

_PERIODS_PER_YEAR = {"D": 252.0, "W": 52.0, "M": 12.0, "Q": 4.0, "A": 1.0}
_PERIOD_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "A": "year"}

#: Most series :meth:`RunupResult.chart_spec` draws (one panel each).
MAX_PANELS = 6

#: Smallest net run-up the crash model describes: it was fitted on episodes crossing 50%..200%.
MODEL_FROM = 0.5

#: Characteristic terms of the shipped "full" crash model, besides ``net_runup``.
MODEL_TERMS: tuple[str, ...] = ("volatility", "volatility_change", "acceleration", "firm_growth")

EPISODE_COLUMNS: tuple[str, ...] = (
    "series",
    "start",
    "raw_runup",
    "net_runup",
    "crash",
    "drawdown",
    "peak",
    "trough",
    "crash_date",
    "window_end",
    "censored",
    "worst_period_return",
    "volatility",
    "volatility_change",
    "acceleration",
    "firm_growth",
    "turnover",
    "turnover_change",
    "issuance",
    "crash_probability",
)


@dataclass(frozen=True, eq=False)
class RunupResult(ResultMixin):
    """Run-up flags, episodes and crash labels for one or several price series.

    Attributes
    ----------
    raw_runup, net_runup : pandas.DataFrame
        Trailing ``horizon``-period cumulative return and its net-of-market version (fractions;
        ``net_runup`` is NaN without a market), one column per series, indexed by the dates
        used (month-ends for resampled input).
    flags : pandas.DataFrame
        Boolean run-up flags (the full condition, before de-duplication).
    episodes : pandas.DataFrame
        One row per episode (columns in :data:`EPISODE_COLUMNS`): ``start`` (run-up date),
        ``raw_runup``/``net_runup`` there, ``crash`` (True/False, ``<NA>`` when the episode is
        open: censored and not yet crashed), ``drawdown`` (deepest fall in the window so far,
        negative fraction, by the chosen anchor), ``peak``/``trough``/``crash_date`` (first
        date the fall reached the crash size), ``window_end`` (the date ``crash_horizon``
        periods after the run-up date; for a censored episode it lies beyond the last
        observation, extrapolated at the data's frequency; a period number for undated data),
        ``censored`` (the window runs past the end of the data), ``worst_period_return``
        (lowest single-period return in the window), the characteristics, and
        ``crash_probability`` from the shipped model (NaN unless monthly data, ``horizon = 24``
        and a market were used).
    settings : dict
        Every definition choice used (threshold, horizons, anchor, net definition, filters).
    """

    raw_runup: pd.DataFrame
    net_runup: pd.DataFrame
    flags: pd.DataFrame
    episodes: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_episodes(self) -> int:
        """Number of episodes."""
        return len(self.episodes)

    @property
    def n_crashes(self) -> int:
        """Number of episodes labelled as crashes.

        A censored episode whose fall already reached the crash size counts; an open one (no
        crash yet, window past the end of the data) does not.
        """
        return int((self.episodes["crash"] == True).sum())  # noqa: E712  (nullable boolean)

    @property
    def n_open(self) -> int:
        """Number of open episodes: censored and not yet crashed, so the label is unknown."""
        return int(self.episodes["crash"].isna().sum())

    @property
    def crash_share(self) -> float:
        """Crashes over episodes with a decided label (NaN when there are none).

        Open episodes are left out of the numerator and the denominator: they are neither
        crashes nor non-crashes yet.
        """
        decided = self.n_episodes - self.n_open
        return float(self.n_crashes / decided) if decided else float("nan")

    def summary(self) -> str:
        """Return a plain-text report of the settings and the episodes table."""
        s = self.settings
        net = "raw and net of market" if s["net_of_market"] else "raw only (no market given)"
        decided = self.n_episodes - self.n_open
        counts = f"{self.n_episodes} episode(s), {self.n_crashes} crash(es)"
        if self.n_episodes:
            counts += f", {decided - self.n_crashes} without a crash"
        if self.n_open:
            counts += f", {self.n_open} open (crash window runs past the end of the data)"
        if decided:
            counts += f"; crash share {100 * self.crash_share:.0f}% of the {decided} decided"
        elif self.n_episodes:
            counts += "; no episode decided yet"
        lines = [
            f"GSY run-ups: {s['horizon']}-period return > {100 * s['threshold']:.0f}% ({net}); "
            f"crash = drawdown >= {100 * s['crash_drawdown']:.0f}% within "
            f"{s['crash_horizon']} periods (anchor: {s['anchor']})",
            counts,
        ]
        if self.n_episodes:
            lines.append(
                f"{'series':<10} {'start':>10} {'raw':>7} {'net':>7} {'drawdown':>9} "
                f"{'P(crash)':>9}  crash"
            )
            lines.extend(
                f"{r['series']!s:<10} {to_jsonable(r['start'])!s:>10} "
                f"{_pct(r['raw_runup']):>7} {_pct(r['net_runup']):>7} "
                f"{_pct(r['drawdown']):>9} {_pct(r['crash_probability']):>9}  "
                f"{_crash_label(r['crash'], r['window_end'], s['frequency'])}"
                for r in self.episodes.to_dict(orient="records")
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return raw/net run-ups and flags indexed by date.

        One series gives columns ``raw_runup``, ``net_runup``, ``flag``; several give a column
        MultiIndex ``(field, series)``.
        """
        parts = {"raw_runup": self.raw_runup, "net_runup": self.net_runup, "flag": self.flags}
        if self.raw_runup.shape[1] == 1:
            return pd.DataFrame({k: v.iloc[:, 0] for k, v in parts.items()})
        return pd.concat(parts, axis=1)

    def to_dict(self) -> JSONDict:
        """Return a JSON-ready dict: settings, counts, episodes, and per-series flag counts.

        An open episode has ``crash: null``, ``censored: true`` and ``open: true``; ``n_open``
        counts them and ``crash_share`` leaves them out (``null`` when nothing is decided).
        """
        episodes = [
            {**{k: to_jsonable(v) for k, v in rec.items()}, "open": _is_open(rec["crash"])}
            for rec in self.episodes.to_dict(orient="records")
        ]
        return {
            "settings": dict(self.settings),
            "n_episodes": self.n_episodes,
            "n_crashes": self.n_crashes,
            "n_open": self.n_open,
            "crash_share": to_jsonable(self.crash_share),
            "flagged_periods": {str(c): int(self.flags[c].sum()) for c in self.flags.columns},
            "episodes": episodes,
        }

    def chart_spec(self, *, source: str = "") -> ChartSpec:
        """Each series' trailing return (and net of the market) against the run-up threshold.

        One panel per series, the first :data:`MAX_PANELS`; each run-up's start is a vertical
        line: vermilion when a crash followed, green when none did, grey dotted while open.

        Parameters
        ----------
        source : str
            Where the prices come from (the start of the source line under the chart).
        """
        s = self.settings
        unit = _PERIOD_NAMES.get(s["frequency"] or "", "period")
        names = list(self.raw_runup.columns)
        shown = names[:MAX_PANELS]
        panels = []
        for col in shown:
            lines = [Line(self.raw_runup.index, 100.0 * self.raw_runup[col], "trailing return")]
            if s["net_of_market"]:
                lines.append(
                    Line(self.net_runup.index, 100.0 * self.net_runup[col], "net of market")
                )
            starts = self.episodes[self.episodes["series"] == col].to_dict(orient="records")
            panels.append(
                Panel(
                    "trailing return" if len(shown) == 1 else str(col),
                    "%",
                    lines=tuple(lines),
                    hlines=(HLine(100.0 * s["threshold"], "run-up threshold"),),
                    vlines=tuple(_start_line(r["start"], r["crash"]) for r in starts),
                )
            )
        more = f"; the first {MAX_PANELS} of {len(names)} series" if len(names) > MAX_PANELS else ""
        return ChartSpec(
            f"{', '.join(map(str, shown))}: {s['horizon']}-{unit} return (GSY run-ups)",
            tuple(panels),
            source=(f"{source}. " if source else "")
            + "Run-up starts: vermilion, a crash followed; green, none did; grey dotted, open"
            + more,
        )


def _pct(x: Any) -> str:
    return "-" if x is None or pd.isna(x) else f"{100 * float(x):.0f}%"


def _start_line(start: Any, crash: Any) -> VLine:
    """The vertical line at a run-up's start, coloured by what followed."""
    if _is_open(crash):
        return VLine(start, color="#999999", dash="dot")
    return VLine(start, color="#D55E00" if crash else "#009E73", dash="solid")


def _is_open(crash: Any) -> bool:
    """True for an undecided crash label (``<NA>`` in the frame, None in its records)."""
    return crash is None or crash is pd.NA


def _crash_label(crash: Any, window_end: Any, frequency: str | None) -> str:
    """``yes``, ``no`` or ``open (window ends ...)`` for the summary table."""
    if not _is_open(crash):
        return "yes" if crash else "no"
    if isinstance(window_end, pd.Timestamp):
        shown = window_end.strftime("%Y-%m" if frequency in ("M", "Q", "A") else "%Y-%m-%d")
        return f"open (window ends {shown})"
    return f"open (window ends at period {window_end})"


def _window_end(dates: pd.Index, t: int, hc: int, freq: str | None) -> Any:
    """Date (or position label) ``hc`` periods after position ``t``, past the data if need be.

    Monthly, quarterly and annual windows are counted in calendar months from the run-up date
    (month-ends stay month-ends); daily windows in business days and weekly ones in weeks from
    the last observation; other dated data at their median spacing.
    """
    end = t + hc
    if end < len(dates):
        return dates[end]
    if not isinstance(dates, pd.DatetimeIndex):
        return dates[t] + hc
    start, last, beyond = dates[t], dates[-1], end - (len(dates) - 1)
    months = {"M": 1, "Q": 3, "A": 12}.get(freq or "")
    if months is not None:
        step = months * hc
        offset = pd.offsets.MonthEnd(step) if start.is_month_end else pd.DateOffset(months=step)
        return start + offset
    if freq == "D":
        return last + pd.offsets.BDay(beyond)
    if freq == "W":
        return last + pd.DateOffset(weeks=beyond)
    return last + beyond * pd.Timedelta(np.median(np.diff(dates.asi8)))


# ---------------------------------------------------------------------------------------------
# input handling


def _as_frame(data: Any, label: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        if "close" in data.columns:
            name = str(data["symbol"].iloc[0]) if "symbol" in data.columns and len(data) else label
            return data[["close"]].rename(columns={"close": name})
        return data
    if isinstance(data, pd.Series):
        return data.to_frame(name=str(data.name) if data.name is not None else label)
    arr = np.asarray(data, dtype=object)
    if arr.ndim == 1:
        return pd.DataFrame({label: data})
    if arr.ndim == 2:
        return pd.DataFrame(data)
    raise InputError(f"{label}: expected a series or a 2-d table, got shape {arr.shape}")


def _to_month_end(series: pd.Series) -> pd.Series:
    idx = series.index
    assert isinstance(idx, pd.DatetimeIndex)
    out = series.groupby(idx.to_period("M")).last()
    periods = pd.PeriodIndex(out.index)
    out.index = pd.DatetimeIndex(periods.to_timestamp(how="end").normalize(), name="date")
    return out


_FREQUENCY_NAMES = {"Q": "quarterly", "A": "annual"}
_SUB_MONTHLY_DAYS = 26.0  # the shortest gap the validator still calls monthly


def _monthly_or_refuse(s: pd.Series, freq: str | None, label: str) -> tuple[pd.Series, str]:
    """Month-end values of a monthly or finer series; refuse a coarser one.

    Daily, weekly and monthly data, and irregular or intraday data whose median gap is under a
    month (minute bars, a ragged daily record), are reduced to month-end values. Quarterly,
    annual or irregular data with a longer median gap would have to be interpolated to give
    months, which would invent run-ups, so they raise.
    """
    assert isinstance(s.index, pd.DatetimeIndex)
    if freq in ("D", "W", "M"):
        return _to_month_end(s), "M"
    gaps_days = np.diff(s.index.asi8) / 86_400e9
    median_gap = float(np.median(gaps_days)) if len(gaps_days) else float("nan")
    if freq is None and median_gap < _SUB_MONTHLY_DAYS:
        return _to_month_end(s), "M"
    shown = _FREQUENCY_NAMES.get(freq or "", f"irregular (median gap {median_gap:.0f} days)")
    raise InputError(
        f"{label}: {shown} data; runup counts its horizon and windows in months and "
        "will not invent monthly prices between coarser observations",
        hint="pass monthly or finer prices, or monthly=False to count horizon, "
        "crash_horizon and prior_window in the data's own periods",
    )


def _prepare(
    data: Any, label: str, kind: str, monthly: bool, min_points: int
) -> tuple[dict[str, pd.Series], str | None]:
    """Validate each column; return month-end (or as-is) price series and the frequency."""
    frame = _as_frame(data, label)
    out: dict[str, pd.Series] = {}
    freq: str | None = None
    for col in frame.columns:
        s = frame[col]
        try:
            s = s.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{label}[{col}]: values are not numeric") from exc
        finite = np.flatnonzero(np.isfinite(s.to_numpy()))
        if len(finite) == 0:
            raise InputError(f"{label}[{col}]: no finite values")
        s = s.iloc[finite[0] : finite[-1] + 1]  # leading/trailing NaN: series not yet listed
        if kind == "return":
            vr = validate_series(
                s, min_points=2, positive=False, nonconstant=False, name=f"{label}[{col}]"
            )
            r = vr.values
            if (r <= -1.0).any():
                raise InputError(
                    f"{label}[{col}]: a return of -100% or less; cannot compound "
                    "it into a price index"
                )
            s = pd.Series(np.exp(np.cumsum(np.log1p(r))), index=vr.index, name=col)
        v = validate_series(s, min_points=2, nonconstant=False, name=f"{label}[{col}]")
        s, f = v.series, v.report.frequency
        if monthly and isinstance(s.index, pd.DatetimeIndex):
            s, f = _monthly_or_refuse(s, f, f"{label}[{col}]")
        if len(s) < min_points:
            raise InputError(
                f"{label}[{col}]: {len(s)} point(s) after month-end sampling is too short for a "
                f"{min_points - 1}-period run-up; at least {min_points} are needed",
                hint="use a longer history or a shorter horizon",
            )
        out[str(col)] = s
        freq = f if freq is None else freq
    return out, freq


def _aligned(
    extra: Any, name: str, columns: list[str], index: pd.Index, monthly: bool
) -> dict[str, Float64Array] | None:
    """Align a characteristic (Series for one asset, DataFrame by column) onto ``index``."""
    if extra is None:
        return None
    frame = extra.to_frame(name=columns[0]) if isinstance(extra, pd.Series) else extra
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name}: pass a pandas Series or DataFrame with dates")
    if isinstance(extra, pd.Series) and len(columns) > 1:
        raise InputError(
            f"{name}: one Series given for {len(columns)} assets; pass a "
            "DataFrame with one column per asset"
        )
    out: dict[str, Float64Array] = {}
    for col in columns:
        if col not in frame.columns:
            raise InputError(f"{name}: no column {col!r}", hint=f"columns: {list(frame.columns)}")
        s = frame[col].astype(np.float64)
        if monthly and isinstance(s.index, pd.DatetimeIndex):
            s = _to_month_end(s.dropna())
        out[col] = np.asarray(s.reindex(index).to_numpy(), dtype=np.float64)
    return out


# ---------------------------------------------------------------------------------------------
# the labelling core (plain arrays)


def _trailing_return(logp: Float64Array, h: int) -> Float64Array:
    out = np.full(logp.shape, np.nan)
    if h < len(logp):
        out[h:] = np.expm1(logp[h:] - logp[:-h])
    return out


def _trailing_vol(logp: Float64Array, h: int, end: int) -> float:
    """Std (ddof=1) of the h log returns ending at position ``end``."""
    lo = end - h
    if lo < 0 or h < 2:
        return float("nan")
    rets = np.diff(logp[lo : end + 1])
    if not np.isfinite(rets).all():
        return float("nan")
    return float(np.std(rets, ddof=1))


def _crash_window(p: Float64Array, t: int, hc: int, anchor: str) -> tuple[Float64Array, int, int]:
    """Drawdown path over [t, t+hc] (clipped) and the positions of its peak and trough."""
    window = p[t : t + hc + 1]
    if anchor == "peak":
        running = np.maximum.accumulate(window)
        path = window / running - 1.0
    else:
        path = window / window[0] - 1.0
    trough = int(np.argmin(path))
    peak = int(np.argmax(window[: trough + 1])) if anchor == "peak" else 0
    return path, t + peak, t + trough


def _column_episodes(
    p: Float64Array,
    flags: npt.NDArray[np.bool_],
    raw: Float64Array,
    net: Float64Array,
    *,
    h: int,
    hc: int,
    crash_dd: float,
    anchor: str,
) -> list[dict[str, Any]]:
    """Episodes of one series (positions; dates are attached by the caller)."""
    logp = np.log(p)
    n = len(p)
    rows: list[dict[str, Any]] = []
    next_allowed = 0
    for flagged in np.flatnonzero(flags):
        t = int(flagged)
        if t < next_allowed:
            continue
        next_allowed = t + hc
        path, peak, trough = _crash_window(p, t, hc, anchor)
        depth = float(path[trough - t])
        hit = np.flatnonzero(path <= -crash_dd)
        censored = t + hc > n - 1
        crash: bool | None = bool(hit.size) if (hit.size or not censored) else None
        window_rets = np.expm1(np.diff(logp[t : t + hc + 1]))
        vol = _trailing_vol(logp, h, t)
        vol_before = _trailing_vol(logp, h, t - h)
        half = t - h + h // 2
        first_part = float(np.expm1(logp[half] - logp[t - h])) if t - h >= 0 else float("nan")
        rows.append(
            {
                "pos": t,
                "raw_runup": float(raw[t]),
                "net_runup": float(net[t]),
                "crash": crash,
                "drawdown": depth,
                "peak_pos": peak,
                "trough_pos": trough,
                "crash_pos": t + int(hit[0]) if hit.size else None,
                "censored": censored,
                "worst_period_return": float(window_rets.min()) if window_rets.size else np.nan,
                "volatility": vol,
                "volatility_change": vol - vol_before,
                "acceleration": float(raw[t]) - first_part,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# public API


def runup(
    prices: SeriesLike | FrameLike,
    market: SeriesLike | None = None,
    *,
    threshold: float = 1.0,
    horizon: int = 24,
    crash_drawdown: float = 0.40,
    crash_horizon: int | None = None,
    anchor: Literal["peak", "runup"] = "peak",
    net: Literal["difference", "relative"] = "difference",
    prior_window: int | None = 60,
    prior_return: float = 0.5,
    n_firms: pd.Series | pd.DataFrame | None = None,
    min_firms: int | None = None,
    turnover: pd.Series | pd.DataFrame | None = None,
    issuance: pd.Series | pd.DataFrame | None = None,
    kind: Literal["price", "return"] = "price",
    monthly: bool = True,
    crash_model: bool = True,
    name: str | None = None,
) -> RunupResult:
    """Flag GSY run-ups, group them into episodes and label the crashes.

    Parameters
    ----------
    prices : SeriesLike or FrameLike
        A pandas Series, DataFrame (one column per asset), canonical price frame or array of
        prices (or simple returns as fractions with ``kind="return"``), any frequency. Leading
        and trailing NaN per column are allowed (an asset listed later); every column passes
        :func:`bubblescope.data.validate.validate_series`.
    market : SeriesLike, optional
        The market price (or return) series for the net-of-market condition.
    threshold : float
        Run-up size as a fraction (1.0 = 100%), applied to raw and net returns.
    horizon : int
        Run-up window in periods (24 months).
    crash_drawdown : float
        Crash size as a positive fraction (0.40).
    crash_horizon : int, optional
        Periods after the run-up date searched for the crash (default ``horizon``).
    anchor : {"peak", "runup"}
        Drawdown measured from the running peak in the window, or from the run-up date's price.
    net : {"difference", "relative"}
        ``R - M`` or ``(1 + R) / (1 + M) - 1``.
    prior_window : int or None
        Periods of the prior-return filter (60); None disables it.
    prior_return : float
        Minimum raw return over ``prior_window`` (0.5).
    n_firms : Series or DataFrame, optional
        Number of firms per asset and period: gives ``firm_growth`` and enables ``min_firms``.
    min_firms : int, optional
        Flag only when the asset has at least this many firms (needs ``n_firms``).
    turnover, issuance : Series or DataFrame, optional
        User-supplied characteristics, reported at the run-up date (turnover also as the
        change over ``horizon``).
    kind : {"price", "return"}
        What ``prices`` and ``market`` hold.
    monthly : bool
        Reduce daily, weekly, intraday or irregular sub-monthly input to month-end values first
        and refuse quarterly or annual input (default True); False counts every period in the
        data's own frequency.
    crash_model : bool
        Add the shipped model's ``crash_probability`` to each episode (where it applies).
    name : str, optional
        Label for an unnamed single series.

    Returns
    -------
    RunupResult

    Raises
    ------
    InputError
        Bad settings, a series too short for ``horizon`` (+1 points), NaN/inf inside a series,
        non-positive prices, unsorted or duplicated dates, returns at or below -100%, a market
        that does not cover the assets' dates, ``min_firms`` without ``n_firms``, quarterly,
        annual or other coarser-than-monthly dates with ``monthly=True``.

    References
    ----------
    Greenwood, Shleifer and You (2019), "Bubbles for Fama", JFE 131(1):20–43.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.date_range("2000-01-31", periods=60, freq="ME")
    >>> asset = pd.Series(np.r_[np.full(12, 1.0), 1.0 * 1.04 ** np.arange(1, 25),
    ...                         np.full(24, 0.5)], index=idx, name="A")
    >>> market = pd.Series(np.ones(60), index=idx)
    >>> res = runup(asset, market, prior_window=None)
    >>> ep = res.episodes.iloc[0]
    >>> str(ep.start.date()), bool(ep.crash)  # 1.04**18 > 2 after 18 months; then -50%
    ('2002-06-30', True)
    """
    _check_settings(
        threshold,
        horizon,
        crash_drawdown,
        crash_horizon,
        anchor,
        net,
        prior_window,
        prior_return,
        min_firms,
        n_firms,
        kind,
    )
    hc = horizon if crash_horizon is None else crash_horizon
    label = name or "series"
    series, freq = _prepare(prices, label, kind, monthly, horizon + 1)
    index = series[next(iter(series))].index
    for s in series.values():
        index = index.union(s.index)
    columns = list(series)
    mkt: pd.Series | None = None
    if market is not None:
        m_series, _ = _prepare(market, "market", kind, monthly, horizon + 1)
        if len(m_series) != 1:
            raise InputError(f"market: expected one series, got {len(m_series)} columns")
        mkt = next(iter(m_series.values()))
        uncovered = index.difference(mkt.index)
        if len(uncovered):
            raise InputError(
                f"market: does not cover {len(uncovered)} of the assets' dates, first "
                f"{uncovered[0]}",
                hint="pass a market series over the same dates (same frequency)",
            )
    firms = _aligned(n_firms, "n_firms", columns, index, monthly)
    turn = _aligned(turnover, "turnover", columns, index, monthly)
    issue = _aligned(issuance, "issuance", columns, index, monthly)

    raw_cols: dict[str, Float64Array] = {}
    net_cols: dict[str, Float64Array] = {}
    flag_cols: dict[str, npt.NDArray[np.bool_]] = {}
    rows: list[dict[str, Any]] = []
    periods_per_year = (
        _PERIODS_PER_YEAR.get(freq or "", 1.0) if isinstance(index, pd.DatetimeIndex) else 1.0
    )
    for col in columns:
        s = series[col]
        p = s.to_numpy(dtype=np.float64)
        logp = np.log(p)
        raw = _trailing_return(logp, horizon)
        if mkt is not None:
            mraw = _trailing_return(np.log(mkt.reindex(s.index).to_numpy()), horizon)
            netr = raw - mraw if net == "difference" else (1.0 + raw) / (1.0 + mraw) - 1.0
            cond = (raw > threshold) & (netr > threshold)
        else:
            netr = np.full(len(p), np.nan)
            cond = raw > threshold
        if prior_window is not None:
            prior = _trailing_return(logp, prior_window)
            cond &= np.nan_to_num(prior, nan=-np.inf) >= prior_return
        pos = index.get_indexer(s.index)
        nf = firms[col][pos] if firms is not None else None
        if min_firms is not None and nf is not None:
            cond &= np.nan_to_num(nf, nan=-np.inf) >= min_firms
        cond = cond & np.isfinite(raw)
        for r in _column_episodes(
            p, cond, raw, netr, h=horizon, hc=hc, crash_dd=crash_drawdown, anchor=anchor
        ):
            t = r.pop("pos")
            dates = s.index
            rows.append(
                {
                    "series": col,
                    "start": dates[t],
                    "raw_runup": r["raw_runup"],
                    "net_runup": r["net_runup"],
                    "crash": r["crash"],
                    "drawdown": r["drawdown"],
                    "peak": dates[r["peak_pos"]],
                    "trough": dates[r["trough_pos"]],
                    "crash_date": dates[r["crash_pos"]] if r["crash_pos"] is not None else None,
                    "window_end": _window_end(dates, t, hc, freq),
                    "censored": r["censored"],
                    "worst_period_return": r["worst_period_return"],
                    "volatility": r["volatility"] * np.sqrt(periods_per_year),
                    "volatility_change": r["volatility_change"] * np.sqrt(periods_per_year),
                    "acceleration": r["acceleration"],
                    "firm_growth": _change(nf, t, horizon, ratio=True),
                    "turnover": turn[col][pos][t] if turn is not None else np.nan,
                    "turnover_change": _change(
                        turn[col][pos] if turn is not None else None, t, horizon, ratio=False
                    ),
                    "issuance": issue[col][pos][t] if issue is not None else np.nan,
                }
            )
        raw_cols[col] = np.asarray(pd.Series(raw, index=s.index).reindex(index), dtype=np.float64)
        net_cols[col] = np.asarray(pd.Series(netr, index=s.index).reindex(index), dtype=np.float64)
        flag_cols[col] = (
            pd.Series(cond, index=s.index).reindex(index, fill_value=False).to_numpy(dtype=bool)
        )

    episodes = pd.DataFrame(rows, columns=[c for c in EPISODE_COLUMNS if c != "crash_probability"])
    episodes["crash"] = episodes["crash"].astype("boolean")
    episodes["crash_probability"] = np.nan
    model_applies = (
        crash_model
        and mkt is not None
        and freq == "M"
        and horizon == 24
        and hc == 24
        and net == "difference"
    )
    if model_applies and len(episodes):
        episodes["crash_probability"] = crash_probability(
            episodes["net_runup"].to_numpy(dtype=np.float64)
        )
    settings: dict[str, Any] = {
        "threshold": threshold,
        "horizon": horizon,
        "crash_drawdown": crash_drawdown,
        "crash_horizon": hc,
        "anchor": anchor,
        "net": net,
        "net_of_market": mkt is not None,
        "prior_window": prior_window,
        "prior_return": prior_return if prior_window is not None else None,
        "min_firms": min_firms,
        "frequency": freq,
        "resampled_to_month_end": bool(monthly and freq == "M"),
        "episode_rule": "first flagged period starts an episode; the next may start "
        "crash_horizon periods later",
        "model": "net" if model_applies else None,
    }
    return RunupResult(
        raw_runup=pd.DataFrame(raw_cols, index=index),
        net_runup=pd.DataFrame(net_cols, index=index),
        flags=pd.DataFrame(flag_cols, index=index),
        episodes=episodes,
        settings=settings,
    )


def _change(values: Float64Array | None, t: int, h: int, *, ratio: bool) -> float:
    if values is None or t - h < 0:
        return float("nan")
    now, before = float(values[t]), float(values[t - h])
    if ratio:
        return now / before - 1.0 if before > 0 else float("nan")
    return now - before


def _check_settings(
    threshold: float,
    horizon: int,
    crash_drawdown: float,
    crash_horizon: int | None,
    anchor: str,
    net: str,
    prior_window: int | None,
    prior_return: float,
    min_firms: int | None,
    n_firms: pd.Series | pd.DataFrame | None,
    kind: str,
) -> None:
    def _posint(v: Any, what: str) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InputError(f"{what} must be a positive integer number of periods, got {v!r}")

    _posint(horizon, "horizon")
    if crash_horizon is not None:
        _posint(crash_horizon, "crash_horizon")
    if prior_window is not None:
        _posint(prior_window, "prior_window")
    if not np.isfinite(threshold) or threshold <= -1.0:
        raise InputError(
            f"threshold must be a return above -100% (fraction), got {threshold!r}",
            hint="1.0 means a 100% run-up",
        )
    if not (0.0 < crash_drawdown < 1.0):
        raise InputError(
            f"crash_drawdown must be a fraction in (0, 1), got {crash_drawdown!r}",
            hint="0.4 means a 40% drawdown",
        )
    if not np.isfinite(prior_return):
        raise InputError(f"prior_return must be finite, got {prior_return!r}")
    if anchor not in ("peak", "runup"):
        raise InputError(f"anchor must be 'peak' or 'runup', got {anchor!r}")
    if net not in ("difference", "relative"):
        raise InputError(f"net must be 'difference' or 'relative', got {net!r}")
    if kind not in ("price", "return"):
        raise InputError(f"kind must be 'price' or 'return', got {kind!r}")
    if min_firms is not None and n_firms is None:
        raise InputError("min_firms needs n_firms (the number of firms per period)")


def crash_probability(
    net_runup: float | npt.ArrayLike,
    *,
    sample: Literal["1928-2014", "1928-2025"] = "1928-2014",
    **characteristics: float | npt.ArrayLike,
) -> Any:
    """Probability that a run-up crashes (≥ 40% drawdown within 24 months), from the shipped logit.

    The model was fitted by ``python -m bubblescope.detect.simulation.fit_runup_model`` on run-up
    episodes of the Ken French 49 value-weighted industry portfolios (see
    :mod:`bubblescope.detect._runup_coefficients` for the sample, data file, and standard
    errors). Each observation is an episode at which the net run-up first crossed one of the
    thresholds 50%, 75%, …, 200%, so ``net_runup`` is read as "the asset's net-of-market
    two-year return has just reached this size".

    Parameters
    ----------
    net_runup : float or array-like
        Net-of-market 24-month return as a fraction (1.0 = 100%), ``R_asset - R_market``.
    sample : {"1928-2014", "1928-2025"}
        GSY's sample period, or the French data through 2025 (episodes through 2023-05).
    **characteristics
        Pass all of ``volatility`` (annualised std of monthly log returns, fraction),
        ``volatility_change``, ``acceleration`` and ``firm_growth`` (see :func:`runup`) to use
        the model with characteristics; none to use the run-up-only model.

    Returns
    -------
    float or numpy.ndarray
        Probabilities in (0, 1), shaped like the broadcast inputs.

    Raises
    ------
    InputError
        Non-finite input, an unknown characteristic, or only some of them.

    Examples
    --------
    >>> p = crash_probability([0.5, 1.0, 1.5])
    >>> bool(p[0] < p[1] < p[2])
    True
    """
    from bubblescope.detect._runup_coefficients import MODELS
    from bubblescope.detect._runup_logit import logistic

    unknown = sorted(set(characteristics) - set(MODEL_TERMS))
    if unknown:
        raise InputError(f"unknown characteristic(s) {unknown}", hint=f"use {MODEL_TERMS}")
    if characteristics and set(characteristics) != set(MODEL_TERMS):
        missing = sorted(set(MODEL_TERMS) - set(characteristics))
        raise InputError(f"the characteristics model needs all of {MODEL_TERMS}; missing {missing}")
    key = ("full" if characteristics else "net") + "_" + sample.replace("-", "_")
    if key not in MODELS:
        raise InputError(f"unknown sample {sample!r}", hint="use '1928-2014' or '1928-2025'")
    model = MODELS[key]
    values = [np.asarray(net_runup, dtype=np.float64)]
    values += [np.asarray(characteristics[t], dtype=np.float64) for t in model["terms"][2:]]
    arrays = np.broadcast_arrays(*values)
    if not all(np.isfinite(a).all() for a in arrays):
        raise InputError("crash_probability: inputs must be finite")
    params = np.asarray(model["params"], dtype=np.float64)
    z = params[0] + sum(params[i + 1] * a for i, a in enumerate(arrays))
    prob = logistic(np.atleast_1d(np.asarray(z, dtype=np.float64))).reshape(arrays[0].shape)
    return float(prob) if prob.ndim == 0 else prob


def trailing_return(close: pd.Series, months: int) -> pd.Series:
    """``P_t / P_{t - months} - 1`` at every date of a daily (or any) price series.

    ``P_{t - months}`` is the last close on or before the calendar date ``months`` earlier;
    NaN until that much history exists. This is GSY's two-year return read at every date
    rather than at month ends, what the status page and ``scan`` report as the run-up now.

    Examples
    --------
    >>> days = pd.to_datetime(["2020-01-31", "2021-01-29", "2022-01-31"])
    >>> trailing_return(pd.Series([1.0, 2.0, 4.0], index=days), 24).tolist()[-1]
    3.0
    """
    close = close.dropna()
    index = pd.DatetimeIndex(close.index)
    back = index - pd.DateOffset(months=months)
    pos = index.searchsorted(back, side="right") - 1
    values = close.to_numpy(dtype=np.float64)
    base = np.where(pos >= 0, values[np.clip(pos, 0, None)], np.nan)
    return pd.Series(values / base - 1.0, index=index, name=f"return_{months}m")
