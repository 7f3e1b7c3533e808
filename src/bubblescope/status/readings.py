"""Each signal's reading *now*, with its traffic light and since when it has held.

Every function takes a series' daily closes (and the run settings) and returns one
:class:`Reading`. The lights follow ``RunSettings.lights`` (see ``settings/presets.yaml`` for the
reason behind each threshold): red is the signal's alarm, amber a weaker warning, green no
warning, grey not available (the note says why).

psy_log, psy_level
    PSY (Phillips, Shi and Yu 2015) on weekly closes of the last 20 years (``RunSettings.psy``):
    the last BSADF against the family-wise critical value, read by
    :func:`bubblescope.detect.episode_now`: red while BSADF is above it ("explosive now"),
    amber when BSADF exceeds the 90% value or when PSY's dating holds an episode open that the
    last BSADF no longer confirms (an exceedance within the minimum duration, now back below
    the critical value). ``since`` is the start of the episode in alarm. The
    ``what_if`` price is the close at the last date at which the reading would flip.
lppls
    DS LPPLS Confidence of a positive bubble (Sornette et al. 2015) at the last date on the
    short, medium and long window scales (Demirer et al. 2019); the light follows the largest;
    ``since`` traces month-end readings back ``history_months``. The spread of the critical
    time is the 10th-90th percentile of tc over the qualifying windows.
return_24m
    The two-year return ``P_t / P_{t-24m} - 1`` (``P_{t-24m}``: the last close on or before
    that date), raw and net of the market (S&P 500; the difference of the two returns, printed
    in percentage points by :func:`net_points`); the GSY run-up flag is raw and net both at
    or above 100% (Greenwood, Shleifer and You 2019, applied at the last date rather than at a
    month end).
crash_odds
    GSY's crash probability from the net run-up (the logit of
    :func:`bubblescope.detect.gsy.crash_probability`, fitted on the 49 French industry
    portfolios): defined from a 50% net run-up; for a single stock it carries the caveat that
    the model was estimated on industry portfolios.
drawdown
    The current fall from the running peak (not the deepest one); ``since`` is the peak.
valuation
    Valuation against the series' own history (see :mod:`bubblescope.status.valuation`).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles. IER 56(4).
Sornette, D. et al. (2015). Real-time prediction and post-mortem analysis of the Shanghai 2015
stock market bubble and crash. Journal of Investment Strategies 4(4), 77-95.
Demirer, R., Demos, G., Gupta, R. and Sornette, D. (2019). On the predictability of stock
market bubbles: evidence from LPPLS confidence multiscale indicators. Quantitative Finance
19(5), 843-858.
Greenwood, R., Shleifer, A. and You, Y. (2019). Bubbles for Fama. JFE 131(1), 20-43.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array
from bubblescope.detect import episode_now
from bubblescope.detect.gsy import MODEL_FROM, trailing_return
from bubblescope.errors import BubblescopeError, InputError
from bubblescope.settings import RunSettings

if TYPE_CHECKING:
    from bubblescope.detect.lppls import WindowSet

__all__ = [
    "LIGHTS",
    "READINGS_FORMAT",
    "Light",
    "Reading",
    "crash_odds_reading",
    "drawdown_reading",
    "grey",
    "lppls_pending",
    "lppls_reading",
    "lppls_trace_dates",
    "lppls_trace_keys",
    "net_points",
    "psy_reading",
    "return_reading",
]

Light = Literal["red", "amber", "green", "grey"]
#: Version of the readings' fields and wording (part of the status row's cache key: bump it on a
#: change, or a warm home shows the old text).
READINGS_FORMAT = 2
#: Light -> severity (for counting and sorting).
LIGHTS: dict[str, int] = {"grey": -1, "green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Reading:
    """One signal's reading on one series now.

    Attributes
    ----------
    signal : str
        ``psy_log``, ``psy_level``, ``lppls``, ``return_24m``, ``crash_odds``, ``drawdown`` or
        ``valuation``.
    label : str
        Column heading.
    value : float or None
        The headline number (None when not available).
    text : str
        The cell as shown.
    light : {"red", "amber", "green", "grey"}
    since : str or None
        ISO date since which the light has held (``since_bound`` "on or before" when the
        trace reaches its start).
    detail : dict
        JSON-ready numbers behind the cell.
    note : str
        Caveat, or why the reading is grey.
    what_if : str
        What would change the reading (a price level), when it can be computed.
    """

    signal: str
    label: str
    value: float | None
    text: str
    light: Light
    since: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    what_if: str = ""
    since_bound: str = ""

    @property
    def alarm(self) -> bool:
        """Whether the reading is in alarm (red)."""
        return self.light == "red"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "signal": self.signal,
            "label": self.label,
            "value": self.value,
            "text": self.text,
            "light": self.light,
            "since": self.since,
            "since_bound": self.since_bound,
            "detail": self.detail,
            "note": self.note,
            "what_if": self.what_if,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reading:
        """Inverse of :meth:`to_dict` (for the results cache)."""
        return cls(**data)


def grey(signal: str, label: str, why: str) -> Reading:
    """A reading that is not available, saying why."""
    return Reading(signal, label, None, "n/a", "grey", note=why)


def _day(value: Any) -> str:
    return str(pd.Timestamp(value).date())


def _bisect(
    f: Callable[[float], float], lo: float, hi: float, target: float, *, steps: int = 30
) -> float | None:
    """The x in [lo, hi] where increasing ``f`` crosses ``target`` (None if it does not)."""
    flo, fhi = f(lo), f(hi)
    if not (np.isfinite(flo) and np.isfinite(fhi)) or (flo - target) * (fhi - target) > 0:
        return None
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        fmid = f(mid)
        if (fmid - target) * (flo - target) > 0:
            lo, flo = mid, fmid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --- PSY --------------------------------------------------------------------------------------


def psy_reading(
    close: pd.Series, settings: RunSettings, *, log: bool, rate: bool = False
) -> Reading:
    """PSY now on log prices (``log=True``) or levels: BSADF against its critical value."""
    from bubblescope.detect.exuberance import psy

    signal, label = ("psy_log", "PSY (log)") if log else ("psy_level", "PSY (levels)")
    if rate and log:
        return grey(signal, label, "a yield is not a price: PSY on its log is not defined")
    ps = settings.psy
    try:
        sample = ps.sample(close, positive=log)
        y = np.log(sample) if log else sample
        res = psy(y, lag=ps.lag, window=ps.window, cv=ps.cv(), level=ps.level, name=label)
    except InputError as exc:
        return grey(signal, label, f"not tested: {exc}")
    assert res.cv is not None
    cv = res.cv
    crit = float(cv.familywise[cv.level_index(ps.level)])
    amber_level = settings.lights.psy_amber_level
    crit_amber = (
        float(cv.familywise[cv.level_index(amber_level)])
        if any(abs(lv - amber_level) < 1e-12 for lv in cv.levels)
        else float("nan")
    )
    reading = episode_now(res.bsadf, res.threshold, res.episodes)
    now = reading.stat
    light: Light = (
        "red"
        if reading.explosive
        else ("amber" if now > crit_amber or reading.state == "episode not confirmed" else "green")
    )
    since = reading.since if reading.explosive else None
    last_episode = res.episodes[-1].to_dict() if res.episodes else None
    text = f"BSADF {now:.2f} vs {crit:.2f}"
    if reading.clause():
        text += f"; {reading.clause()}"
    detail = {
        "bsadf": now,
        "critical_value": crit,
        "now": reading.to_dict(),
        "critical_value_amber": crit_amber if np.isfinite(crit_amber) else None,
        "gsadf": float(res.gsadf),
        "gsadf_critical_value": res.critical_value("gsadf"),
        "first": _day(sample.index[0]),
        "last": _day(sample.index[-1]),
        "n": len(sample),
        "last_episode": last_episode,
        "episodes": len(res.episodes),
    }
    what_if = _psy_what_if(sample, log=log, settings=settings, crit=crit, now=now)
    return Reading(signal, label, now, text, light, since, detail, what_if=what_if)


def _psy_what_if(
    sample: pd.Series, *, log: bool, settings: RunSettings, crit: float, now: float
) -> str:
    """The close at the last date at which BSADF would cross its critical value."""
    from bubblescope.detect.exuberance import psy

    ps = settings.psy
    prices = sample.to_numpy(dtype=np.float64)
    values = np.log(prices) if log else prices.copy()  # the series the reading tested
    price = float(prices[-1])

    def bsadf_at(p: float) -> float:
        values[-1] = np.log(p) if log else p
        res = psy(values, lag=ps.lag, window=ps.window, cv=None)
        return float(res.bsadf.to_numpy()[-1])

    if now > crit:
        level = _bisect(bsadf_at, price * 0.5, price, crit)
        verb, where = "falls below", "below"
    else:
        level = _bisect(bsadf_at, price, price * 1.5, crit)
        verb, where = "rises above", "above"
    values[-1] = np.log(price) if log else price
    if level is None:
        return f"no close within ±50% of the last ({price:,.2f}) moves BSADF across {crit:.2f}"
    change = level / price - 1.0
    return (
        f"BSADF {verb} its critical value with a close {where} {level:,.2f} "
        f"({change:+.1%}) at the last date"
    )


# --- LPPLS ------------------------------------------------------------------------------------


def _month_end_dates(index: pd.DatetimeIndex, months: int) -> list[pd.Timestamp]:
    """The last date, and the last trading day of each of the ``months`` months before it."""
    last = index[-1]
    out = [last]
    period = last.to_period("M")
    for k in range(1, months + 1):
        sub = index[index.to_period("M") == period - k]
        if len(sub):
            out.append(sub[-1])
    return sorted(out)


def _tc_date(index: pd.DatetimeIndex, offset: float) -> str:
    """Calendar date ``offset`` trading days (business days) after the last date."""
    day = index[-1] + pd.offsets.BDay(round(offset))
    return _day(day)


def lppls_trace_dates(close: pd.Series, settings: RunSettings) -> dict[str, list[pd.Timestamp]]:
    """The dates the LPPLS reading computes on each window scale long enough for the series.

    The month ends of the ``since`` trace (``history_months`` back) that hold the scale's
    longest window, and the last date; in order, the last date last.
    """
    close = close.dropna()
    index = pd.DatetimeIndex(close.index)
    dates = _month_end_dates(index, settings.lppls.history_months)
    return {
        scale: [d for d in dates if int(index.searchsorted(d)) + 1 >= windows.max_window]
        for scale, windows in settings.lppls.windows().items()
        if len(close) >= windows.max_window
    }


def lppls_trace_keys(close: pd.Series, dates: list[pd.Timestamp], windows: WindowSet) -> list[str]:
    """Results-cache keys of the trace dates' Confidence on ``windows`` (window prices, settings).

    The same keys as the backtest's LPPLS grid dates (:mod:`bubblescope.backtest.lppls_memo`):
    a date's Confidence depends only on the prices of its longest window and the window and
    grid settings, so a date computed once, by either, is read back by both.
    """
    from bubblescope.backtest.lppls_memo import date_keys

    close = close.dropna()
    positions = pd.DatetimeIndex(close.index).get_indexer(pd.DatetimeIndex(dates)).tolist()
    return date_keys(close.to_numpy(dtype=np.float64), positions, windows, None)


def lppls_pending(close: pd.Series, settings: RunSettings) -> dict[str, int]:
    """How many dates :func:`lppls_reading` would compute on each scale long enough.

    The last date always, and the earlier trace dates whose Confidence the results cache lacks
    (:func:`lppls_trace_keys`): what a cost estimate counts.
    """
    from bubblescope.backtest.lppls_memo import pending_dates

    windows = settings.lppls.windows()
    return {
        scale: 1 + pending_dates(lppls_trace_keys(close, dates[:-1], windows[scale]))
        for scale, dates in lppls_trace_dates(close, settings).items()
    }


def _lppls_scale(
    close: pd.Series, dates: list[pd.Timestamp], windows: WindowSet
) -> tuple[pd.Series, pd.Series]:
    """One scale's indicator row at the last date and its Confidence on every trace date.

    The earlier dates' Confidence goes through the results cache
    (:func:`bubblescope.backtest.lppls_memo.confidence_by_date`); those missing there are
    computed together in one run, and the last date's value is its row's.
    """
    from bubblescope.backtest.lppls_memo import confidence_by_date
    from bubblescope.detect.lppls import lppls_confidence

    row = lppls_confidence(close, dates[-1:], windows=windows).to_frame().iloc[-1]
    last = len(dates) - 1

    def confidence(at: list[int]) -> Float64Array:
        earlier = [i for i in at if i < last]
        found = dict.fromkeys(at, float(row["confidence_pos"]))
        if earlier:
            frame = lppls_confidence(close, [dates[i] for i in earlier], windows=windows)
            values = frame.to_frame()["confidence_pos"].to_numpy(dtype=np.float64)
            found.update(zip(earlier, values.tolist(), strict=True))
        return np.array([found[i] for i in at], dtype=np.float64)

    values = confidence_by_date(lppls_trace_keys(close, dates, windows), confidence)
    return row, pd.Series(values, index=pd.DatetimeIndex(dates))


def lppls_reading(close: pd.Series, settings: RunSettings) -> Reading:
    """DS LPPLS Confidence now on each window scale, the spread of tc, and since when.

    The last date is computed in full (its tc spread is shown); the Confidence of each earlier
    date of the ``since`` trace is kept in the results cache under its window's prices
    (:func:`lppls_trace_keys`), so a series extended by new days recomputes only the dates
    whose windows changed: the new last date, not the month ends before it.
    """
    signal, label = "lppls", "LPPLS Confidence"
    ls = settings.lppls
    close = close.dropna()
    index = pd.DatetimeIndex(close.index)
    scales: dict[str, dict[str, Any]] = {}
    history: dict[str, pd.Series] = {}
    trace_dates = lppls_trace_dates(close, settings)
    for scale, windows in ls.windows().items():
        if scale not in trace_dates:
            scales[scale] = {
                "confidence": None,
                "windows": f"{windows.max_window}-{windows.min_window}",
                "note": f"needs {windows.max_window} trading days, has {len(close)}",
            }
            continue
        row, history[scale] = _lppls_scale(close, trace_dates[scale], windows)
        lo, hi = row["tc_q10_pos"], row["tc_q90_pos"]
        scales[scale] = {
            "confidence": float(row["confidence_pos"]),
            "confidence_neg": float(row["confidence_neg"]),
            "windows": f"{windows.max_window}-{windows.min_window}",
            "tc_median": _tc_date(index, row["tc_median_pos"])
            if np.isfinite(row["tc_median_pos"])
            else None,
            "tc_spread": [_tc_date(index, lo), _tc_date(index, hi)]
            if np.isfinite(lo) and np.isfinite(hi)
            else None,
        }
    done = {k: v for k, v in scales.items() if v["confidence"] is not None}
    if not done:
        why = "; ".join(f"{k}: {v['note']}" for k, v in scales.items())
        return grey(signal, label, f"too short for every window scale ({why})")
    best_scale = max(done, key=lambda k: float(done[k]["confidence"]))
    now = float(done[best_scale]["confidence"])
    lights = settings.lights
    light: Light = "red" if now >= ls.alarm else ("amber" if now > lights.lppls_amber else "green")
    trace = pd.concat(history, axis=1).max(axis=1)
    since, bound = _since(trace, lambda v: _lppls_light(v, settings) == light)
    cells = [
        f"{k[0].upper()} {v['confidence']:.2f}"
        if v["confidence"] is not None
        else f"{k[0].upper()} –"
        for k, v in scales.items()
    ]
    text = " / ".join(cells)
    spread = done[best_scale].get("tc_spread")
    if now > 0 and spread:
        text += f"; tc {spread[0]} to {spread[1]}"
    detail = {"scales": scales, "largest_scale": best_scale, "alarm": ls.alarm}
    return Reading(
        signal, label, now, text, light, since if light != "green" else None, detail,
        since_bound=bound if light != "green" else "",
    )  # fmt: skip


def _lppls_light(value: float, settings: RunSettings) -> Light:
    if value >= settings.lppls.alarm:
        return "red"
    return "amber" if value > settings.lights.lppls_amber else "green"


def _since(trace: pd.Series, holds: Callable[[float], bool]) -> tuple[str | None, str]:
    """Start of the trailing run of ``trace`` where ``holds`` is true, and its bound.

    Returns ``(date, "on or before")`` when the run reaches the trace's start.
    """
    values = trace.dropna()
    if values.empty or not holds(float(values.iloc[-1])):
        return None, ""
    start = len(values) - 1
    while start > 0 and holds(float(values.iloc[start - 1])):
        start -= 1
    return _day(values.index[start]), "on or before" if start == 0 else ""


# --- returns, crash odds, drawdown -------------------------------------------------------------


def net_points(net: float) -> str:
    """The net-of-market run-up as text, in percentage points: ``"-99.5 pts"``.

    GSY's net run-up (``net="difference"`` in :mod:`bubblescope.detect.gsy`) is the raw return
    minus the market's over the same months: a difference of two returns, not a return, so it
    is printed in points (one decimal, as ``bubblescope scan`` prints it) and can fall below
    -100.

    Parameters
    ----------
    net : float
        The difference of the two returns, as a fraction (0.51 is 51 points).
    """
    return f"{100.0 * net:+.1f} pts"


def return_reading(
    close: pd.Series, market: pd.Series | None, settings: RunSettings, *, is_market: bool
) -> tuple[Reading, float | None]:
    """The 24-month return, raw and net of the market, with the GSY run-up flag.

    Returns the reading and the net run-up (None when not defined) for the crash odds.
    """
    signal, label = "return_24m", "Run-up (24 months)"
    rs = settings.runup
    raw = trailing_return(close, rs.horizon_months)
    if raw.dropna().empty:
        return grey(signal, label, f"needs {rs.horizon_months} months of history"), None
    now = float(raw.iloc[-1])
    net: float | None = None
    mret = pd.Series(dtype=np.float64)
    if market is not None and not is_market:
        mret = trailing_return(market, rs.horizon_months)
        m_now = float(cast(float, mret.asof(raw.index[-1])))
        net = now - m_now if np.isfinite(m_now) else None
    flag = now >= rs.threshold and (net is None or net >= rs.threshold)
    if is_market:
        flag = now >= rs.threshold
    light: Light = "red" if flag else ("amber" if now >= settings.lights.return_amber else "green")
    text = f"{now:+.0%}"
    if net is not None:
        text += f" (net {net_points(net)})"
    text += "; GSY run-up" if flag else ""
    if light == "green":
        since, bound = None, ""
    else:
        # the light of every date: red needs raw and net at the threshold, amber the raw
        # return at the amber level without red; "since" is the start of today's light
        both = (
            raw
            if net is None
            else pd.concat([raw, raw - mret.reindex(raw.index, method="ffill")], axis=1).min(axis=1)
        )
        red = (both >= rs.threshold).astype(np.float64)
        amber = (raw >= settings.lights.return_amber).astype(np.float64)
        level = pd.Series(np.where(red > 0, 2.0, amber), index=raw.index).where(raw.notna())
        since, bound = _since(level, lambda v: v == LIGHTS[light])
    base_date = raw.index[-1] - pd.DateOffset(months=rs.horizon_months)
    price_then = float(close.loc[:base_date].iloc[-1])
    price_now = float(close.iloc[-1])
    doubling = price_then * (1.0 + rs.threshold)
    what_if = (
        f"the run-up flag needs a close of {doubling:,.2f} ({doubling / price_now - 1:+.1%}) "
        f"against {price_then:,.2f} on {_day(close.loc[:base_date].index[-1])}"
        if not flag
        else f"the raw run-up ends below {doubling:,.2f} ({doubling / price_now - 1:+.1%})"
    )
    detail = {
        "raw": now,
        "net": net,
        "market": rs.market if not is_market else None,
        "threshold": rs.threshold,
        "runup": flag,
        "base_date": _day(close.loc[:base_date].index[-1]),
        "base_close": price_then,
    }
    return Reading(
        signal, label, now, text, light, since, detail, what_if=what_if, since_bound=bound
    ), net


def crash_odds_reading(
    net: float | None, settings: RunSettings, *, kind: str, is_market: bool
) -> Reading:
    """GSY crash probability from the net two-year run-up (industry-portfolio model)."""
    from bubblescope.detect.gsy import crash_probability

    signal, label = "crash_odds", "GSY crash odds"
    if is_market:
        return grey(signal, label, "the market itself has no net-of-market run-up")
    if net is None:
        return grey(signal, label, "needs a net-of-market two-year return")
    low = MODEL_FROM
    scope = (
        "GSY's logit was estimated on the 49 French industry portfolios; for a single stock it "
        "is indicative only (single stocks crash more often)"
        if kind == "stock"
        else "GSY's logit, estimated on the 49 French industry portfolios"
    )
    if net < low:
        return Reading(
            signal,
            label,
            None,
            f"below the model's range (net {net_points(net)})",
            "green",
            detail={"net": net, "model_from": low},
            note=f"the model describes net run-ups from {net_points(low)}; {scope}",
        )
    try:
        prob = float(crash_probability(net, sample=settings.runup.model_sample))  # type: ignore[arg-type]
    except BubblescopeError as exc:
        return grey(signal, label, str(exc))
    lights = settings.lights
    light: Light = (
        "red" if prob >= lights.crash_red else ("amber" if prob >= lights.crash_amber else "green")
    )
    beyond = 2.0  # the largest net run-up in GSY's fitted range (a fraction)
    note = scope + (
        f"; a net run-up above {net_points(beyond)} is beyond the fitted range"
        if net > beyond
        else ""
    )
    return Reading(
        signal,
        label,
        prob,
        f"{prob:.0%}",
        light,
        detail={"net": net, "sample": settings.runup.model_sample},
        note=note,
    )


def drawdown_reading(close: pd.Series, settings: RunSettings) -> Reading:
    """The current fall from the running peak, since the peak."""
    signal, label = "drawdown", "Drawdown now"
    values = close.dropna()
    peak_pos = int(np.argmax(values.to_numpy()))
    peak = float(values.iloc[peak_pos])
    now = float(values.iloc[-1]) / peak - 1.0
    lights = settings.lights
    light: Light = (
        "red"
        if now <= lights.drawdown_red
        else ("amber" if now <= lights.drawdown_amber else "green")
    )
    peak_day = _day(values.index[peak_pos])
    text = "at its peak" if now == 0.0 else f"{now:.1%} from the peak"
    last = float(values.iloc[-1])
    lines = [
        (lights.drawdown_amber, "a correction"),
        (lights.drawdown_red, "a bear market"),
    ]
    below = [
        f"{name} ({cut:.0%}) below {peak * (1 + cut):,.2f} ({peak * (1 + cut) / last - 1:+.1%})"
        for cut, name in lines
        if peak * (1 + cut) < last
    ]
    above = [
        f"out of {name} above {peak * (1 + cut):,.2f} ({peak * (1 + cut) / last - 1:+.1%})"
        for cut, name in reversed(lines)
        if peak * (1 + cut) >= last
    ]
    what_if = ", ".join(below) if below else above[0]
    return Reading(
        signal,
        label,
        now,
        text,
        light,
        peak_day if now < 0 else None,
        {"peak": peak, "peak_date": peak_day, "last": last},
        what_if=what_if,
    )
