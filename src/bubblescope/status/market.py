"""The market-level view of the status page.

* **The gauge** (:mod:`bubblescope.gauge` on Shiller's shipped table): the aggregate percentile
  of the covered criteria, its coverage, and Dalio's own reading of how far the US market had
  gone toward a 1929/2000-style bubble (fact DAL-05, ~80%). The two are different scales (ours is
  a percentile of each proxy's own history; Dalio's is his indicator's share of the way to a
  full bubble) and are shown side by side, not equated.
* **The AI leaders' share of the S&P 500's value and of its two-year gain**: their market
  capitalisations (price × shares outstanding from the shipped SEC filings, via
  :func:`bubblescope.detect.firm_multiples.multiples`) against the index's value, the S&P 500's
  level scaled to its total market value of fact MAC-10 (an assumption: the index divisor is
  taken as constant, which holds to a few percent over a few years). The gain uses today's share
  counts for both dates (buybacks and issuance over two years are a few percent). Next to it,
  the sourced readings MAC-05 (30 AI stocks, 44% of the index) and MAC-04a (75% of its return).
* **The AI basket against the dot-com basket**, each aligned at the start of its run-up: the
  lowest close in the ``alignment_lookback_years`` before its reference date (today for the AI
  basket; the dot-com basket's peak, searched in ``dotcom_peak_window``). Both are the
  equal-weighted, quarterly-rebalanced baskets of the watchlist, rebased to 100 at their start.
  Where today sits on the dot-com path: the dot-com basket's gain at the same number of trading
  days, how many trading days later its peak came and how far it then fell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from bubblescope.charts import ChartSpec, HLine, Line, Panel
from bubblescope.errors import DataError
from bubblescope.settings import RunSettings

__all__ = [
    "Alignment",
    "GaugeView",
    "IndexShare",
    "alignment",
    "alignment_chart",
    "gauge_view",
    "index_share",
]

#: Fact giving the S&P 500's total market value at a date (scales the index level into USD).
INDEX_CAP_FACT = "MAC-10"
#: Sourced readings of the AI names' weight shown next to the computed one.
AI_WEIGHT_FACTS = ("MAC-05", "MAC-04a")


@dataclass(frozen=True)
class GaugeView:
    """The gauge now, its coverage, and Dalio's reading (fact DAL-05)."""

    as_of: str
    aggregate: float
    coverage: float
    missing: tuple[str, ...]
    criteria: dict[str, float | None]
    dalio: float | None
    dalio_as_of: str
    history_percentile_2000: float | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "as_of": self.as_of,
            "aggregate": self.aggregate,
            "coverage": self.coverage,
            "missing_criteria": list(self.missing),
            "criteria": self.criteria,
            "dalio_fact": "DAL-05",
            "dalio": self.dalio,
            "dalio_as_of": self.dalio_as_of,
            "aggregate_march_2000": self.history_percentile_2000,
            "text": self.text,
        }


def gauge_view() -> GaugeView:
    """The composite gauge on Shiller's shipped table, next to fact DAL-05."""
    from bubblescope.data.bundled import load_shiller
    from bubblescope.data.facts import load_factbase
    from bubblescope.gauge import bubble_gauge, shiller_proxies

    res = bubble_gauge(shiller_proxies(load_shiller()))
    latest = res.latest()
    if latest is None:
        raise DataError("the gauge has no reading: Shiller's table is too short to rank")
    at2000 = res.aggregate.loc[:"2000-03-31"].dropna()
    fb = load_factbase()
    dalio = fb.get("DAL-05") if "DAL-05" in fb else None
    missing = tuple(res.missing_criteria())
    agg, cov = float(latest["aggregate"]), float(latest["coverage"])
    text = (
        f"Gauge {agg:.0f} (percentile of own history, {cov:.0%} of the weight covered; "
        f"March 2000: {float(at2000.iloc[-1]):.0f})"
        + (
            f"; Dalio put the US market ~{dalio.value:.0f}% of the way to a 1929/2000-style "
            f"bubble ({dalio.as_of}, DAL-05)"
            if dalio is not None and dalio.value is not None
            else ""
        )
    )
    return GaugeView(
        as_of=str(pd.Timestamp(latest["date"]).date()),
        aggregate=agg,
        coverage=cov,
        missing=missing,
        criteria={k: (None if v is None else float(v)) for k, v in latest["criteria"].items()},
        dalio=None if dalio is None else dalio.value,
        dalio_as_of="" if dalio is None else dalio.as_of,
        history_percentile_2000=float(at2000.iloc[-1]) if len(at2000) else None,
        text=text,
    )


@dataclass(frozen=True)
class Alignment:
    """The AI and dot-com baskets aligned at the start of their run-ups.

    Attributes
    ----------
    ai, dotcom : pandas.Series
        Each basket rebased to 100 at its start, indexed by trading days from the start.
    ai_start, dotcom_start, dotcom_peak, ai_last : str
        ISO dates.
    ai_gain, dotcom_gain_same_age, dotcom_peak_gain : float
        Multiples of the start level (x).
    days : int
        Trading days since the AI basket's start.
    days_to_dotcom_peak : int
        Trading days from the same age to the dot-com basket's peak (negative if past it).
    dotcom_fall : float
        The dot-com basket's fall from its peak to its lowest close in the following 3 years.
    text : str
    """

    ai: pd.Series = field(repr=False)
    dotcom: pd.Series = field(repr=False)
    ai_start: str
    dotcom_start: str
    dotcom_peak: str
    ai_last: str
    ai_gain: float
    dotcom_gain_same_age: float
    dotcom_peak_gain: float
    days: int
    days_to_dotcom_peak: int
    dotcom_fall: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the paths as lists of [day, level])."""
        return {
            "ai_start": self.ai_start,
            "dotcom_start": self.dotcom_start,
            "dotcom_peak": self.dotcom_peak,
            "ai_last": self.ai_last,
            "ai_gain": self.ai_gain,
            "dotcom_gain_same_age": self.dotcom_gain_same_age,
            "dotcom_peak_gain": self.dotcom_peak_gain,
            "days": self.days,
            "days_to_dotcom_peak": self.days_to_dotcom_peak,
            "dotcom_fall": self.dotcom_fall,
            "text": self.text,
        }


def _start(level: pd.Series, reference: pd.Timestamp, years: float) -> pd.Timestamp:
    window = level.loc[reference - pd.DateOffset(months=round(12 * years)) : reference]
    return pd.Timestamp(window.index[int(np.argmin(window.to_numpy()))])


def _rebased(level: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    path = level.loc[start:end]
    return pd.Series(
        100.0 * path.to_numpy() / float(path.iloc[0]), index=np.arange(len(path)), name=level.name
    )


def alignment(ai: pd.Series, dotcom: pd.Series, settings: RunSettings) -> Alignment:
    """Align the two basket levels at the start of their run-ups (see the module notes)."""
    data = settings.data
    lo, hi = data.dotcom_peak_window
    span = dotcom.loc[lo:hi]
    peak = pd.Timestamp(span.index[int(np.argmax(span.to_numpy()))])
    years = data.alignment_lookback_years
    ai_last = pd.Timestamp(ai.index[-1])
    ai_start = _start(ai, ai_last, years)
    dc_start = _start(dotcom, peak, years)
    ai_path = _rebased(ai, ai_start, ai_last)
    after = dotcom.loc[peak : peak + pd.DateOffset(years=3)]
    dc_path = _rebased(
        dotcom, dc_start, pd.Timestamp(after.index[int(np.argmin(after.to_numpy()))])
    )
    days = len(ai_path) - 1
    peak_day = len(dotcom.loc[dc_start:peak]) - 1
    same_age = float(dc_path.iloc[min(days, len(dc_path) - 1)]) / 100.0
    ai_gain = float(ai_path.iloc[-1]) / 100.0
    peak_gain = float(dc_path.iloc[peak_day]) / 100.0
    fall = float(after.min() / dotcom.loc[peak] - 1.0)
    to_peak = peak_day - days
    where = (
        f"its peak came {to_peak} trading days (about {to_peak / 252:.1f} years) later, at "
        f"x{peak_gain:.1f}, before a {fall:.0%} fall"
        if to_peak > 0
        else f"it had peaked {-to_peak} trading days earlier, at x{peak_gain:.1f}"
    )
    text = (
        f"AI basket x{ai_gain:.1f} in {days} trading days since {ai_start.date()}; the dot-com "
        f"basket was x{same_age:.1f} at the same age (start {dc_start.date()}) and {where}"
    )
    return Alignment(
        ai=ai_path,
        dotcom=dc_path,
        ai_start=str(ai_start.date()),
        dotcom_start=str(dc_start.date()),
        dotcom_peak=str(peak.date()),
        ai_last=str(ai_last.date()),
        ai_gain=ai_gain,
        dotcom_gain_same_age=same_age,
        dotcom_peak_gain=peak_gain,
        days=days,
        days_to_dotcom_peak=to_peak,
        dotcom_fall=fall,
        text=text,
    )


def alignment_chart(al: Alignment, source: str) -> ChartSpec:
    """Both baskets from the start of their run-ups (log scale), today's age marked."""
    return ChartSpec(
        "AI basket vs dot-com basket, aligned at the start of each run-up (start = 100)",
        (
            Panel(
                "rebased level (log scale)",
                "start = 100",
                lines=(
                    Line(
                        list(al.dotcom.index),
                        al.dotcom.to_numpy(),
                        f"dot-com basket from {al.dotcom_start} (peak {al.dotcom_peak})",
                        color="#888888",
                        width=1.5,
                    ),
                    Line(
                        list(al.ai.index),
                        al.ai.to_numpy(),
                        f"AI basket from {al.ai_start} (to {al.ai_last})",
                        color="#D55E00",
                        width=2.0,
                    ),
                ),
                hlines=(HLine(100.0, "start"),),
                logy=True,
            ),
        ),
        xlabel="trading days from the start of the run-up",
        source=source,
    )


@dataclass(frozen=True)
class IndexShare:
    """The AI leaders' share of the S&P 500's value now and of its gain over two years.

    Attributes
    ----------
    members : tuple of str
        Leaders with SEC share counts (the others are listed in ``missing``).
    as_of, then : str
        The common last price date, and the date ``months`` earlier.
    months : int
    leaders_cap, index_cap : float
        USD trillions at ``as_of``.
    share_value, share_gain : float or None
        Fractions (0-1): of the index's value, and of its change in value since ``then``.
    missing : tuple of str
        Leaders without shipped share counts, with the reason.
    text : str
    """

    members: tuple[str, ...]
    as_of: str
    then: str
    months: int
    leaders_cap: float
    index_cap: float
    share_value: float
    share_gain: float | None
    missing: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "members": list(self.members),
            "as_of": self.as_of,
            "then": self.then,
            "months": self.months,
            "leaders_cap_usd_tn": self.leaders_cap,
            "index_cap_usd_tn": self.index_cap,
            "share_value": self.share_value,
            "share_gain": self.share_gain,
            "missing": list(self.missing),
            "index_cap_fact": INDEX_CAP_FACT,
            "text": self.text,
        }


def index_share(settings: RunSettings) -> IndexShare:
    """The AI leaders' share of the S&P 500's value and of its two-year gain (module notes)."""
    from bubblescope.data.bundled import load_fundamentals
    from bubblescope.data.catalog import load_series
    from bubblescope.data.facts import load_factbase
    from bubblescope.detect.firm_multiples import multiples
    from bubblescope.errors import BubblescopeError

    fb = load_factbase()
    anchor = fb.get(INDEX_CAP_FACT)
    if anchor.value is None:
        raise DataError(f"fact {INDEX_CAP_FACT} has no value")
    index = load_series("SP500")["close"]
    months = settings.runup.horizon_months
    closes: dict[str, pd.Series] = {}
    shares: dict[str, float] = {}
    missing: list[str] = []
    for symbol in settings.data.leaders:
        funds = load_fundamentals(symbol)
        if funds.empty:
            missing.append(f"{symbol} (no SEC filings ship)")
            continue
        close = load_series(symbol)["close"]
        try:
            latest = multiples(close, funds, symbol).latest()
        except BubblescopeError as exc:
            missing.append(f"{symbol} ({exc.message})")
            continue
        closes[symbol] = close
        shares[symbol] = latest.shares
    if not closes:
        raise DataError("no AI leader has shipped share counts")
    now = min(min(c.index[-1] for c in closes.values()), index.index[-1])
    then = now - pd.DateOffset(months=months)

    def price(series: pd.Series, at: pd.Timestamp) -> float:
        return float(cast(float, series.asof(at)))

    scale = float(anchor.value) / price(index, pd.Timestamp(anchor.as_of))

    def caps(at: pd.Timestamp) -> tuple[float, float]:
        leaders = sum(price(c, at) * shares[s] for s, c in closes.items()) / 1e12
        return leaders, scale * price(index, at)

    lead_now, idx_now = caps(now)
    lead_then, idx_then = caps(then)
    share_value = lead_now / idx_now
    gain = idx_now - idx_then
    share_gain = (lead_now - lead_then) / gain if gain > 0 else None
    sourced = [fb.get(fid) for fid in AI_WEIGHT_FACTS if fid in fb]
    text = (
        f"{', '.join(closes)} are worth ${lead_now:,.1f}T, {share_value:.0%} of the S&P 500's "
        f"${idx_now:,.1f}T on {now.date()}"
        + (
            f", and made {share_gain:.0%} of its ${gain:,.1f}T gain over {months} months"
            if share_gain is not None
            else f"; the index lost value over {months} months"
        )
        + f" (index value scaled from {INDEX_CAP_FACT})"
        + "".join(f"; {f.id}: {f.description}, {f.display_value} ({f.as_of})" for f in sourced)
    )
    return IndexShare(
        members=tuple(closes),
        as_of=str(now.date()),
        then=str(pd.Timestamp(then).date()),
        months=months,
        leaders_cap=lead_now,
        index_cap=idx_now,
        share_value=share_value,
        share_gain=share_gain,
        missing=tuple(missing),
        text=text,
    )
