"""A transparent composite bubble gauge in the spirit of Dalio's bubble indicator.

Dalio (2021) scores six criteria — (1) prices high relative to traditional measures,
(2) prices discounting unsustainable conditions, (3) new buyers entering, (4) broadly bullish
sentiment, (5) purchases financed by high leverage, (6) extended forward purchases — and his 2018
checklist adds (7) stimulative monetary policy. Each criterion here is measured by named,
sourced proxies; each proxy is ranked against its own history as a percentile (0 = lowest ever,
100 = highest ever, oriented so that 100 is the bubbliest reading); the criteria average their
proxies and the aggregate is the weighted mean of the criteria that have data. Missing criteria are
reported with the share of the total weight they leave uncovered, never filled.

Ranking is point-in-time by default (``ranking="expanding"``): the percentile at date t uses only
observations up to t, so a backtest reads what an analyst could have read then. ``"full"`` ranks
against the whole sample (hindsight; useful for describing history).

Built-in proxies from Shiller's monthly data (R. J. Shiller, *Irrational Exuberance* data,
columns as in :func:`bubblescope.data.sources` Shiller loader: ``P, E, CPI, GS10, CAPE`` and
optionally ``excess_CAPE_yield``):

=========================  ========================================  ========================
criterion                  proxy                                     bubblier when
=========================  ========================================  ========================
price_vs_traditional       CAPE (Shiller P/E10)                      higher
price_vs_traditional       trailing P/E (P / 12-month E)             higher
unsustainable_growth       excess CAPE yield (1/CAPE − real 10y)     lower
monetary_policy            real 10-year yield (GS10 − CPI inflation)  lower
=========================  ========================================  ========================

The other criteria (new buyers, sentiment, leverage, forward purchases) take user-supplied
series through ``extra`` (e.g. margin debt / market cap for leverage, AAII bull–bear spread for
sentiment, RPO/backlog growth for forward purchases), each with its own orientation and source.

References
----------
Dalio, R. (2021-02-22). "Are We In A Stock Market Bubble?" Bridgewater/LinkedIn.
Dalio, R. (2018). *Principles for Navigating Big Debt Crises*, Part 1 (bubble checklist).
Shiller, R. J. (2015). *Irrational Exuberance*, 3rd ed.; online data (ie_data.xls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope.charts import ChartSpec, HLine, Line, Panel
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "STOCK_MIN_HISTORY",
    "GaugeProxy",
    "GaugeResult",
    "bubble_gauge",
    "percentile_rank",
    "shiller_proxies",
    "stock_proxies",
]

#: Dalio's criteria (1)–(6) plus the monetary-policy item of his 2018 checklist.
CRITERIA: dict[str, str] = {
    "price_vs_traditional": "Prices high relative to traditional measures",
    "unsustainable_growth": "Prices discounting unsustainable growth",
    "new_buyers": "New buyers entering the market",
    "sentiment": "Broadly bullish sentiment",
    "leverage": "Purchases financed by high leverage",
    "forward_purchases": "Extended forward purchases (capex, backlog, inventory)",
    "monetary_policy": "Stimulative monetary policy",
}

#: Equal weights: Dalio publishes no weights, so none is privileged (an assumption, shown).
DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(CRITERIA, 1.0)

Ranking = Literal["expanding", "full"]

#: Months of history a per-series (stock) proxy needs before it is ranked: five years, where the
#: market gauge's Shiller proxies need ten (``bubble_gauge``'s default).
STOCK_MIN_HISTORY = 60


@dataclass(frozen=True)
class GaugeProxy:
    """One measured proxy of a criterion.

    Attributes
    ----------
    key : str
        Short identifier (``"cape"``).
    criterion : str
        One of :data:`CRITERIA`.
    series : pandas.Series
        The raw proxy values, indexed by date.
    higher_is_bubblier : bool
        Orientation: False means low values are the bubbly ones (e.g. yields).
    source : str
        Where the data comes from and how the proxy is computed.
    unit : str
        Unit of the raw values.
    """

    key: str
    criterion: str
    series: pd.Series
    higher_is_bubblier: bool
    source: str
    unit: str = ""

    def __post_init__(self) -> None:
        if self.criterion not in CRITERIA:
            raise InputError(
                f"proxy {self.key!r}: unknown criterion {self.criterion!r}",
                hint=f"choose one of {sorted(CRITERIA)}",
            )
        if not isinstance(self.series.index, pd.DatetimeIndex):
            raise InputError(f"proxy {self.key!r}: series needs a DatetimeIndex")
        if not self.series.index.is_monotonic_increasing or self.series.index.has_duplicates:
            raise InputError(f"proxy {self.key!r}: dates must be sorted and unique")
        if np.isinf(self.series.to_numpy(dtype=np.float64)).any():
            raise InputError(f"proxy {self.key!r}: infinite values")


def percentile_rank(
    series: pd.Series, *, ranking: Ranking = "expanding", min_history: int = 120
) -> pd.Series:
    """Rank each value against its own history, in percent (0–100).

    Parameters
    ----------
    series : pandas.Series
        Values; NaN are skipped (they neither get a rank nor count as history).
    ranking : {"expanding", "full"}
        ``"expanding"``: the value at t is ranked among the values up to and including t
        (point-in-time; no look-ahead). ``"full"``: ranked among all values.
    min_history : int
        Expanding ranks need at least this many observations (earlier ranks are NaN).

    Returns
    -------
    pandas.Series
        Percentile = 100 · (number of values ≤ current − 1) / (count − 1); the highest value seen
        so far is 100 and the lowest is 0.
    """
    values = series.to_numpy(dtype=np.float64)
    out = np.full(values.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(values))
    if len(ok) < 2:
        return pd.Series(out, index=series.index, name=series.name)
    clean = values[ok]
    if ranking == "full":
        order = np.sort(clean)
        le = np.searchsorted(order, clean, side="right")
        out[ok] = 100.0 * (le - 1) / (len(clean) - 1)
    elif ranking == "expanding":
        ranks = np.full(clean.shape, np.nan)
        for i in range(max(min_history, 2) - 1, len(clean)):
            history = clean[: i + 1]
            ranks[i] = 100.0 * (np.count_nonzero(history <= clean[i]) - 1) / i
        out[ok] = ranks
    else:
        raise InputError(f"ranking must be 'expanding' or 'full', got {ranking!r}")
    return pd.Series(out, index=series.index, name=series.name)


def shiller_proxies(data: pd.DataFrame, *, inflation_months: int = 12) -> list[GaugeProxy]:
    """Build the Shiller-data proxies (CAPE, trailing P/E, excess CAPE yield, real 10y yield).

    Parameters
    ----------
    data : pandas.DataFrame
        Monthly rows with a DatetimeIndex and columns ``P`` (index level), ``E`` (12-month
        earnings), ``CPI``, ``GS10`` (10-year yield, %), ``CAPE``; ``excess_CAPE_yield``
        (a fraction, as Shiller publishes it) is used when present, else computed as
        ``1/CAPE − (GS10/100 − trailing inflation)``.
    inflation_months : int
        Window of the trailing CPI inflation used for the real yield.

    Returns
    -------
    list of GaugeProxy
    """
    required = {"P", "E", "CPI", "GS10", "CAPE"}
    missing = sorted(required - set(data.columns))
    if missing:
        raise InputError(
            f"Shiller data is missing column(s) {missing}",
            hint="load ie_data.xls or the tidy CSV with bubblescope.data.sources",
        )
    if not isinstance(data.index, pd.DatetimeIndex):
        raise InputError("Shiller data needs a DatetimeIndex (monthly dates)")
    frame = data.sort_index()
    cpi = frame["CPI"].astype(float)
    inflation = cpi / cpi.shift(inflation_months) - 1.0
    real_yield = frame["GS10"].astype(float) / 100.0 - inflation
    if "excess_CAPE_yield" in frame.columns:
        ecy = frame["excess_CAPE_yield"].astype(float)
        ecy_source = "Shiller's excess CAPE yield (1/CAPE minus the real 10-year yield)"
    else:
        ecy = 1.0 / frame["CAPE"].astype(float) - real_yield
        ecy_source = "1/CAPE minus (GS10 − trailing CPI inflation), after Shiller's ECY"
    pe = frame["P"].astype(float) / frame["E"].astype(float)
    src = "Shiller monthly data (ie_data.xls)"
    return [
        GaugeProxy(
            "cape",
            "price_vs_traditional",
            frame["CAPE"].astype(float),
            True,
            f"{src}: cyclically adjusted P/E (real price / 10-year real earnings)",
            "x",
        ),
        GaugeProxy(
            "pe_trailing",
            "price_vs_traditional",
            pe,
            True,
            f"{src}: S&P composite price / trailing 12-month earnings",
            "x",
        ),
        GaugeProxy(
            "excess_cape_yield",
            "unsustainable_growth",
            ecy,
            False,
            f"{src}: {ecy_source}; low = equities priced for growth bonds do not need",
            "fraction",
        ),
        GaugeProxy(
            "real_10y_yield",
            "monetary_policy",
            real_yield,
            False,
            f"{src}: GS10 minus {inflation_months}-month CPI inflation; low = easy money",
            "fraction",
        ),
    ]


def _month_end(series: pd.Series) -> pd.Series:
    out = series.resample("ME").last().dropna()
    out.index = pd.DatetimeIndex(out.index).to_period("M").to_timestamp()
    return out


def stock_proxies(
    prices: pd.DataFrame | pd.Series,
    *,
    earnings: pd.Series | None = None,
    horizon_months: int = 24,
    name: str | None = None,
) -> list[GaugeProxy]:
    """Per-stock proxies from a price history (month-end values).

    =====================  ==================================================  ============
    criterion              proxy                                               bubblier when
    =====================  ==================================================  ============
    sentiment              trailing ``horizon_months`` return (momentum as a    higher
                           revealed-bullishness proxy; GSY's run-up measure)
    new_buyers             12-month growth of average daily volume (needs a     higher
                           ``volume`` column)
    price_vs_traditional   price / trailing 12-month earnings per share          higher
                           (needs ``earnings``)
    =====================  ==================================================  ============

    Parameters
    ----------
    prices : canonical price frame or Series
        Daily (or any) prices with a DatetimeIndex; a ``volume`` column is used when present.
    earnings : pandas.Series, optional
        Trailing 12-month EPS by date (e.g. from SEC filings), forward-filled to month ends.
    horizon_months : int
        Momentum horizon.
    name : str, optional
        Label for sources and messages.

    Returns
    -------
    list of GaugeProxy
        Criteria without data are simply absent (and show up as missing coverage).
    """
    from bubblescope.data.validate import validate_series

    label = name or (str(prices.name) if isinstance(prices, pd.Series) else "stock")
    close = validate_series(prices, min_points=2, name=label).series
    if not isinstance(close.index, pd.DatetimeIndex):
        raise InputError(f"{label}: stock proxies need dates (a DatetimeIndex)")
    monthly = _month_end(close)
    momentum = monthly / monthly.shift(horizon_months) - 1.0
    out = [
        GaugeProxy(
            "momentum",
            "sentiment",
            momentum,
            True,
            f"{label}: trailing {horizon_months}-month price return (month-end)",
            "fraction",
        )
    ]
    if isinstance(prices, pd.DataFrame) and "volume" in prices.columns:
        volume = prices["volume"].astype(float)
        if volume.notna().any() and (volume.dropna() > 0).any():
            avg = volume.resample("ME").mean()
            avg.index = pd.DatetimeIndex(avg.index).to_period("M").to_timestamp()
            growth = (avg / avg.shift(12) - 1.0).replace([np.inf, -np.inf], np.nan)
            out.append(
                GaugeProxy(
                    "volume_growth",
                    "new_buyers",
                    growth,
                    True,
                    f"{label}: 12-month growth of average daily volume",
                    "fraction",
                )
            )
    if earnings is not None:
        eps = earnings.astype(float).sort_index()
        eps.index = pd.DatetimeIndex(eps.index).to_period("M").to_timestamp()
        eps = eps[~eps.index.duplicated(keep="last")].reindex(monthly.index, method="ffill")
        pe = (monthly / eps).where(eps > 0)
        out.append(
            GaugeProxy(
                "pe",
                "price_vs_traditional",
                pe,
                True,
                f"{label}: price / trailing 12-month EPS (P/E < 0 left out)",
                "x",
            )
        )
    return out


@dataclass(frozen=True)
class GaugeResult(ResultMixin):
    """Readings of the composite gauge over time.

    Attributes
    ----------
    proxies : pandas.DataFrame
        Percentile (0–100, oriented: 100 = bubbliest) of every proxy, by date.
    criteria : pandas.DataFrame
        Mean proxy percentile per criterion, by date (NaN where the criterion has no data).
    aggregate : pandas.Series
        Weighted mean of the available criteria, by date.
    coverage : pandas.Series
        Share (0–1) of the total weight carried by criteria with data, by date.
    weights : dict
        The weight of every criterion (shown, never hidden).
    sources : dict
        Proxy key → source description.
    ranking : str
        ``"expanding"`` (point-in-time) or ``"full"``.
    """

    proxies: pd.DataFrame
    criteria: pd.DataFrame
    aggregate: pd.Series
    coverage: pd.Series
    weights: dict[str, float]
    sources: dict[str, str]
    ranking: str
    proxy_criteria: dict[str, str] = field(default_factory=dict)

    def reading(self, date: str | pd.Timestamp) -> dict[str, Any]:
        """The gauge as of ``date``: the last reading at or before it.

        Parameters
        ----------
        date : str or Timestamp
            A timestamp, or a date string of any resolution; a string names a period and means
            its end, so ``"2000-03"`` is the reading of March 2000 whether the data are dated
            at month starts or month ends, and ``"2000"`` the last reading of 2000.

        Returns
        -------
        dict
            ``date`` (the date of the reading, at or before ``date``), ``aggregate``,
            ``coverage`` and the ``criteria`` and ``proxies`` percentiles there.

        Raises
        ------
        InputError
            ``date`` is not a date, or no reading exists at or before it.
        """
        cutoff = _period_end(date)
        sub = self.aggregate.loc[:cutoff].dropna()
        if sub.empty:
            raise InputError(
                f"no gauge reading at or before {date}",
                hint=f"readings start {self.aggregate.dropna().index.min().date()}"
                if self.aggregate.notna().any()
                else "no proxy has enough history to be ranked (see min_history)",
            )
        at = sub.index[-1]
        return {
            "date": at,
            "aggregate": float(sub.iloc[-1]),
            "coverage": float(self.coverage.loc[at]),
            "criteria": {k: _nan_to_none(v) for k, v in self.criteria.loc[at].items()},
            "proxies": {k: _nan_to_none(v) for k, v in self.proxies.loc[at].items()},
        }

    def missing_criteria(self) -> list[str]:
        """Criteria with no proxy at all (their weight is the uncovered share)."""
        return [c for c in CRITERIA if self.criteria[c].isna().all()]

    def latest(self) -> dict[str, Any] | None:
        """The most recent reading, or None while no proxy has enough history to be ranked."""
        valid = self.aggregate.dropna()
        return None if valid.empty else self.reading(valid.index[-1])

    def summary(self, at: str | pd.Timestamp | None = None) -> str:
        """A text summary of one reading: components, weights, coverage and what is missing.

        Parameters
        ----------
        at : str or Timestamp, optional
            Show the reading as of this date (see :meth:`reading`); the text names the date of
            that reading and the date asked for, and shows nothing of later dates. By default
            the latest reading, labelled as such with its date.
        """
        shown = self.latest() if at is None else self.reading(at)
        if shown is None:
            return (
                f"Bubble gauge ({self.ranking} ranking): no reading yet — no proxy has "
                "enough history to be ranked against (see min_history)"
            )
        day = shown["date"].date()
        if at is None:
            which = f"latest reading, as of {day}"
        else:
            which = f"reading as of {day} (requested {at})"
        if self.ranking == "full":
            ranks = (
                "full-sample percentile ranks against every date to "
                f"{self.aggregate.index[-1].date()}, hindsight; 100 = most extreme in the sample"
            )
        else:
            ranks = (
                "expanding (point-in-time) percentile ranks, each date against its own past; "
                "100 = most extreme so far"
            )
        lines = [
            f"Bubble gauge: {ranks}",
            f"{which}: aggregate {shown['aggregate']:.1f} "
            f"(coverage {shown['coverage']:.0%} of the weight)",
            f"criterion                      weight  reading on {day}",
        ]
        for crit, label in CRITERIA.items():
            value = shown["criteria"][crit]
            text = "missing" if value is None else f"{value:6.1f}"
            lines.append(f"  {crit:<28} {self.weights[crit]:5.2f}  {text}   {label}")
        lines.append(f"proxies on {day}:")
        for key, src in self.sources.items():
            value = shown["proxies"].get(key)
            text = "n/a" if value is None else f"{value:5.1f}"
            lines.append(f"  {key:<20} {text}  {src}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Proxies, criteria, aggregate and coverage side by side, by date."""
        out = pd.concat(
            [
                self.proxies.add_prefix("proxy:"),
                self.criteria.add_prefix("criterion:"),
                self.aggregate.rename("aggregate"),
                self.coverage.rename("coverage"),
            ],
            axis=1,
        )
        out.index.name = "date"
        return out

    def to_dict(self, at: str | pd.Timestamp | None = None) -> dict[str, Any]:
        """JSON-ready: weights, sources, one reading and the aggregate history.

        Parameters
        ----------
        at : str or Timestamp, optional
            Give the reading as of this date under ``"at"`` (with the date asked for under
            ``"requested_at"``) and the aggregate history up to that reading only; there is no
            ``"latest"`` key then. By default the latest reading is under ``"latest"``.
        """
        out: dict[str, Any] = {
            "ranking": self.ranking,
            "weights": self.weights,
            "sources": self.sources,
            "proxy_criteria": self.proxy_criteria,
            "missing_criteria": self.missing_criteria(),
        }
        if at is None:
            out["latest"] = self.latest()
            out["aggregate"] = self.aggregate.dropna()
        else:
            reading = self.reading(at)
            out["requested_at"] = str(at)
            out["at"] = reading
            out["aggregate"] = self.aggregate.loc[: reading["date"]].dropna()
        strict: dict[str, Any] = to_jsonable(out)
        return strict

    def chart_spec(self) -> ChartSpec:
        """The renderer-neutral chart: the aggregate, then its criteria in a panel of their own.

        The criteria get their own panel (not drawn over the aggregate) so the aggregate stays
        readable; with one criterion only, that panel would repeat the aggregate and is left out.
        """
        criteria = [c for c in self.criteria.columns if self.criteria[c].notna().any()]
        panels = [
            Panel(
                "Bubble gauge: aggregate percentile of own history (100 = most extreme)",
                ylabel="percentile",
                lines=(
                    Line(
                        list(self.aggregate.index),
                        self.aggregate.to_numpy(),
                        "aggregate",
                        color="#000000",
                        width=1.5,
                    ),
                ),
                hlines=(HLine(90.0, "90th percentile"),),
                yrange=(0.0, 100.0),
            )
        ]
        if len(criteria) > 1:
            panels.append(
                Panel(
                    "criteria",
                    ylabel="percentile",
                    lines=tuple(
                        Line(list(self.criteria.index), self.criteria[c].to_numpy(), c, width=0.8)
                        for c in criteria
                    ),
                    yrange=(0.0, 100.0),
                )
            )
        return ChartSpec(
            f"Composite bubble gauge ({self.ranking} ranking)",
            tuple(panels),
            source="; ".join(sorted(set(self.sources.values()))),
        )


def _period_end(date: str | pd.Timestamp) -> pd.Timestamp:
    """The last instant of the period a date string names (a timestamp is kept as it is)."""
    if not isinstance(date, str):
        return pd.Timestamp(date)
    text = date.strip()
    try:
        end = pd.Period(text).end_time if text else None
    except ValueError:  # pandas' DateParseError included
        end = None
    if end is None:
        raise InputError(
            f"{date!r} is not a date", hint="use YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2000-03"
        )
    return end


def _nan_to_none(value: Any) -> float | None:
    f = float(value)
    return None if np.isnan(f) else f


def bubble_gauge(
    proxies: list[GaugeProxy],
    *,
    weights: dict[str, float] | None = None,
    ranking: Ranking = "expanding",
    min_history: int = 120,
) -> GaugeResult:
    """Combine proxies into criterion readings and a weighted aggregate.

    Parameters
    ----------
    proxies : list of GaugeProxy
        E.g. :func:`shiller_proxies` plus any user-supplied ones.
    weights : dict, optional
        Criterion → weight (non-negative; default :data:`DEFAULT_WEIGHTS`, equal).
    ranking : {"expanding", "full"}
        Point-in-time or full-sample percentiles (see :func:`percentile_rank`).
    min_history : int
        Observations a proxy needs before its expanding rank is defined (default 120 = ten
        years of monthly data).

    Returns
    -------
    GaugeResult

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.date_range("2000-01-01", periods=5, freq="MS")
    >>> p = GaugeProxy("x", "sentiment", pd.Series([1.0, 2, 3, 4, 5], index=idx), True, "toy")
    >>> float(bubble_gauge([p], ranking="full").aggregate.iloc[-1])
    100.0
    """
    if not proxies:
        raise InputError("bubble_gauge needs at least one proxy")
    keys = [p.key for p in proxies]
    if len(set(keys)) != len(keys):
        raise InputError(f"duplicate proxy keys: {sorted({k for k in keys if keys.count(k) > 1})}")
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(w) - set(CRITERIA))
    if unknown:
        raise InputError(f"weights for unknown criteria {unknown}", hint=f"use {sorted(CRITERIA)}")
    for crit in CRITERIA:
        w.setdefault(crit, 0.0)
    if any(not np.isfinite(v) or v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise InputError(f"weights must be finite, non-negative and not all zero: {w}")

    ranked: dict[str, pd.Series] = {}
    for p in proxies:
        oriented = p.series.astype(float) if p.higher_is_bubblier else -p.series.astype(float)
        ranked[p.key] = percentile_rank(oriented, ranking=ranking, min_history=min_history)
    proxy_frame = pd.DataFrame(ranked).sort_index()
    criteria = pd.DataFrame(index=proxy_frame.index)
    for crit in CRITERIA:
        cols = [p.key for p in proxies if p.criterion == crit]
        criteria[crit] = proxy_frame[cols].mean(axis=1, skipna=True) if cols else np.nan
    weight_vec = np.array([w[c] for c in CRITERIA])
    values = criteria.to_numpy(dtype=np.float64)
    available = ~np.isnan(values)
    covered = (available * weight_vec).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        aggregate = np.where(
            covered > 0, np.nansum(np.nan_to_num(values) * weight_vec, axis=1) / covered, np.nan
        )
    total = weight_vec.sum()
    return GaugeResult(
        proxies=proxy_frame,
        criteria=criteria,
        aggregate=pd.Series(aggregate, index=proxy_frame.index, name="aggregate"),
        coverage=pd.Series(covered / total, index=proxy_frame.index, name="coverage"),
        weights=w,
        sources={p.key: p.source for p in proxies},
        ranking=ranking,
        proxy_criteria={p.key: p.criterion for p in proxies},
    )
