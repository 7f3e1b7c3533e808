"""Point-in-time valuation multiples of one firm: market capitalisation, trailing P/E and P/S.

At every price date ``t`` the multiples use only filings made on or before ``t``:

market capitalisation
    ``close(t) × shares(t)``, where ``shares(t)`` is the latest ``shares_outstanding`` filed on
    or before ``t`` (the cover-page count, see :mod:`bubblescope.data.fundamentals`) times the
    split factor that puts it on today's share basis
    (:func:`~bubblescope.data.fundamentals.split_factors`).
trailing P/E
    market capitalisation / trailing-twelve-month net income known at ``t`` (the sum of the
    last four reported quarters); missing, with the reason, when that income is zero or
    negative (a negative P/E has no meaning as a multiple).
trailing P/S
    market capitalisation / trailing-twelve-month revenue known at ``t``.

Prices: the shipped and Yahoo closes are split- **and dividend-adjusted** (yfinance
``auto_adjust``). Split adjustment puts past prices on today's share basis, which the split
factor matches, so splits cancel. Dividend adjustment scales each past close down by the
dividends paid since, so past market caps (and P/E, P/S) come out **below** what the market
paid then, by the cumulative dividend yield since ``t``: a fraction of a percent for NVIDIA,
10-40% for early Microsoft. Pass closes adjusted for splits only to avoid it.

Market capitalisation counts every share class at the price of the class given (Alphabet's
class A price for all its classes).

References
----------
Shiller, R. J. (2015). *Irrational Exuberance*, 3rd ed. (trailing earnings multiples as a
valuation gauge).
U.S. Securities and Exchange Commission, EDGAR XBRL financial data (the filings behind each
value).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope.charts import ChartSpec, Line, Marker, Panel
from bubblescope.data.fundamentals import split_factors, trailing_table
from bubblescope.data.validate import validate_series
from bubblescope.errors import DataError, InputError
from bubblescope.result import ResultMixin

__all__ = ["Basis", "MultiplesReading", "MultiplesResult", "multiples"]

Frequency = Literal["daily", "monthly"]

#: The fundamentals items the multiples rest on -> the frame column with their filing date.
_FILED: dict[str, str] = {
    "shares_outstanding": "shares_filed",
    "net_income": "net_income_filed",
    "revenue": "revenue_filed",
}


@dataclass(frozen=True)
class Basis:
    """One input of a multiple: an item's figure and the filing it comes from.

    Attributes
    ----------
    item : str
        ``net_income``, ``revenue`` (trailing twelve months, USD) or ``shares_outstanding``.
    value : float
        The figure (USD, or shares as reported, before split adjustment).
    fiscal_year, fiscal_period : int, str
        The latest quarter it includes (``2026``, ``"Q2"``).
    end : pandas.Timestamp
        End of that quarter (the cover date for shares).
    form, filed, accn : str, pandas.Timestamp, str
        The filing that completed it.
    """

    item: str
    value: float
    fiscal_year: int
    fiscal_period: str
    end: pd.Timestamp
    form: str
    filed: pd.Timestamp
    accn: str

    def label(self) -> str:
        """``"FY2026 Q2 (10-Q filed 2025-08-27)"``."""
        return f"FY{self.fiscal_year} {self.fiscal_period} ({self.form} filed {self.filed.date()})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        out: dict[str, Any] = to_jsonable(
            {
                "item": self.item,
                "value": self.value,
                "fiscal_year": self.fiscal_year,
                "fiscal_period": self.fiscal_period,
                "end": self.end,
                "form": self.form,
                "filed": self.filed,
                "accn": self.accn,
            }
        )
        return out


@dataclass(frozen=True)
class MultiplesReading:
    """The multiples at one date and what they rest on.

    Attributes
    ----------
    date : pandas.Timestamp
    close : float
        Adjusted close (see the module notes).
    shares : float
        Shares on today's basis.
    market_cap : float
        USD.
    pe, ps : float or None
        Trailing P/E and P/S; None when not defined (see ``notes``).
    split_factor : float
        Factor applied to the filed share count.
    bases : dict of str to Basis
        ``shares_outstanding``, ``net_income``, ``revenue`` (absent when none was filed yet).
    notes : tuple of str
        Why a multiple is missing.
    """

    date: pd.Timestamp
    close: float
    shares: float
    market_cap: float
    pe: float | None
    ps: float | None
    split_factor: float
    bases: dict[str, Basis]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (None for missing values)."""
        out: dict[str, Any] = to_jsonable(
            {
                "date": self.date,
                "close": self.close,
                "shares": self.shares,
                "market_cap": self.market_cap,
                "pe": self.pe,
                "ps": self.ps,
                "split_factor": self.split_factor,
                "bases": {k: v.to_dict() for k, v in self.bases.items()},
                "notes": list(self.notes),
            }
        )
        return out


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class MultiplesResult(ResultMixin):
    """Market capitalisation, trailing P/E and P/S of one firm over time.

    Attributes
    ----------
    symbol : str
    frame : pandas.DataFrame
        By price date: ``close``, ``shares`` (today's basis), ``market_cap`` (USD),
        ``ttm_net_income``, ``ttm_revenue`` (USD), ``pe``, ``ps`` (NaN where undefined), and the
        filing dates they rest on (``shares_filed``, ``net_income_filed``, ``revenue_filed``).
    bases : dict of str to pandas.DataFrame
        :func:`~bubblescope.data.fundamentals.trailing_table` of each item, by filing date.
    splits : pandas.Series
        Split factor of each filed share count (by filing date).
    frequency : str
        ``"daily"`` (every price date) or ``"monthly"`` (the last price date of each month).
    source : str
        Where prices and fundamentals come from.
    """

    symbol: str
    frame: pd.DataFrame
    bases: dict[str, pd.DataFrame]
    splits: pd.Series
    frequency: str
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def _basis(self, item: str, filed: pd.Timestamp) -> Basis | None:
        if pd.isna(filed):
            return None
        table = self.bases[item]
        position = int(pd.DatetimeIndex(table.index).searchsorted(filed))
        rec: dict[Hashable, Any] = table.iloc[position].to_dict()
        return Basis(
            item=item,
            value=float(rec["value"]),
            fiscal_year=int(rec["fiscal_year"]),
            fiscal_period=str(rec["fiscal_period"]),
            end=pd.Timestamp(rec["end"]),
            form=str(rec["form"]),
            filed=pd.Timestamp(filed),
            accn=str(rec["accn"]),
        )

    def latest(self) -> MultiplesReading:
        """The most recent multiples, with the fiscal periods and filings they rest on."""
        date = self.frame.index[-1]
        row = self.frame.iloc[-1]
        bases = {
            item: basis
            for item, column in _FILED.items()
            if (basis := self._basis(item, row[column])) is not None
        }
        notes = []
        income = bases.get("net_income")
        if income is None:
            notes.append("P/E: no four consecutive quarters of net income filed yet")
        elif not np.isfinite(income.value):
            notes.append(
                f"P/E: the last four quarters known ({income.label()}) are not consecutive"
            )
        elif income.value <= 0:
            notes.append(
                f"P/E: trailing net income is not positive (USD {income.value / 1e9:,.2f} bn, "
                f"{income.label()}), so the P/E is not defined"
            )
        revenue = bases.get("revenue")
        if revenue is None or not np.isfinite(revenue.value) or revenue.value <= 0:
            notes.append("P/S: no positive trailing revenue known at this date")
        return MultiplesReading(
            date=pd.Timestamp(date),
            close=float(row["close"]),
            shares=float(row["shares"]),
            market_cap=float(row["market_cap"]),
            pe=_finite(float(row["pe"])),
            ps=_finite(float(row["ps"])),
            split_factor=float(row["split_factor"]),
            bases=bases,
            notes=tuple(notes),
        )

    def percentile_now(self) -> dict[str, float | None]:
        """Where the latest P/E and P/S sit in their own history, in percent (0-100).

        ``100 · (number of values ≤ latest − 1) / (count − 1)`` over every defined value of the
        series (the highest ever is 100, the lowest 0); None when the latest value is undefined
        or there is no history.
        """
        out: dict[str, float | None] = {}
        for col in ("pe", "ps"):
            values = self.frame[col].to_numpy(dtype=np.float64)
            now = values[-1]
            history = values[np.isfinite(values)]
            if not np.isfinite(now) or len(history) < 2:
                out[col] = None
                continue
            out[col] = 100.0 * float(np.count_nonzero(history <= now) - 1) / (len(history) - 1)
        return out

    def summary(self) -> str:
        """A text summary: the latest multiples, what they rest on, and their percentiles."""
        reading = self.latest()
        pct = self.percentile_now()
        first = self.frame.index[0].date()

        def shown(value: float | None, key: str) -> str:
            if value is None:
                return "n/a"
            rank = pct[key]
            where = "" if rank is None else f" (percentile {rank:.0f} since {first})"
            return f"{value:,.1f}x{where}"

        lines = [
            f"{self.symbol} valuation multiples ({self.frequency}, point in time) as of "
            f"{reading.date.date()}",
            f"  close {reading.close:,.2f}; shares {reading.shares / 1e9:,.3f} bn (today's "
            f"basis); market cap USD {reading.market_cap / 1e9:,.1f} bn",
            f"  trailing P/E {shown(reading.pe, 'pe')}",
            f"  trailing P/S {shown(reading.ps, 'ps')}",
        ]
        for basis in reading.bases.values():
            unit = "bn shares" if basis.item == "shares_outstanding" else "USD bn TTM"
            lines.append(f"  {basis.item}: {basis.value / 1e9:,.2f} {unit}, {basis.label()}")
        lines += [f"  note: {n}" for n in (*reading.notes, *self.notes)]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The multiples by date (see :attr:`frame`)."""
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON fields: latest reading, percentiles, splits, notes and the series."""
        splits = self.splits[self.splits != self.splits.shift(-1)]
        out: dict[str, Any] = to_jsonable(
            {
                "symbol": self.symbol,
                "frequency": self.frequency,
                "source": self.source,
                "latest": self.latest().to_dict(),
                "percentile_now": self.percentile_now(),
                "split_factors": [
                    {"filed": date, "factor": float(factor)} for date, factor in splits.items()
                ],
                "notes": list(self.notes),
                "series": self.frame.reset_index().to_dict(orient="records"),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Market capitalisation (log scale), trailing P/E and trailing P/S over time."""
        x = list(self.frame.index)
        reading = self.latest()
        cap = Panel(
            f"{self.symbol} market capitalisation",
            ylabel="USD bn",
            lines=(Line(x, self.frame["market_cap"].to_numpy() / 1e9, "market cap"),),
            logy=True,
        )
        pe_markers = (
            (Marker(reading.date, reading.pe, f"{reading.pe:,.1f}x"),)
            if reading.pe is not None
            else ()
        )
        ps_markers = (
            (Marker(reading.date, reading.ps, f"{reading.ps:,.1f}x"),)
            if reading.ps is not None
            else ()
        )
        pe = Panel(
            "Trailing P/E (TTM net income; missing where it is not positive)",
            ylabel="x",
            lines=(Line(x, self.frame["pe"].to_numpy(), "P/E", color="#D55E00"),),
            markers=pe_markers,
        )
        ps = Panel(
            "Trailing P/S (TTM revenue)",
            ylabel="x",
            lines=(Line(x, self.frame["ps"].to_numpy(), "P/S", color="#009E73"),),
            markers=ps_markers,
        )
        return ChartSpec(
            f"{self.symbol}: point-in-time valuation multiples ({self.frequency})",
            (cap, pe, ps),
            source=self.source,
            notes=self.notes,
        )


def _as_of(table: pd.DataFrame, dates: pd.DatetimeIndex) -> npt.NDArray[np.intp]:
    """Row of ``table`` (indexed by filing date) in force at each date, -1 before the first."""
    return np.asarray(
        pd.DatetimeIndex(table.index).searchsorted(dates, side="right") - 1, dtype=np.intp
    )


def multiples(
    prices: pd.Series | pd.DataFrame,
    fundamentals: pd.DataFrame,
    symbol: str,
    *,
    frequency: Frequency = "daily",
) -> MultiplesResult:
    """Point-in-time market capitalisation, trailing P/E and P/S of ``symbol``.

    Parameters
    ----------
    prices : pandas.Series or canonical price frame
        Closes indexed by date (e.g. ``load_bundled("NVDA")["close"]``); split- and
        dividend-adjusted closes are expected (see the module notes for what dividend
        adjustment does to past market caps).
    fundamentals : pandas.DataFrame
        A fundamentals table (:data:`bubblescope.data.fundamentals.COLUMNS`), e.g.
        :func:`bubblescope.data.bundled.load_fundamentals`; rows of other symbols are ignored.
    symbol : str
        Ticker in the ``symbol`` column.
    frequency : {"daily", "monthly"}
        Every price date, or the last price date of each month.

    Returns
    -------
    MultiplesResult
        From the first price date with a filed share count on.

    Raises
    ------
    InputError
        For unusable prices or an unknown frequency.
    DataError
        When ``fundamentals`` holds no share count for ``symbol`` filed before the last price.

    Examples
    --------
    >>> from bubblescope.data.bundled import load_bundled, load_fundamentals
    >>> result = multiples(load_bundled("NVDA")["close"], load_fundamentals("NVDA"), "NVDA")
    >>> reading = result.latest()
    >>> reading.bases["net_income"].fiscal_period in {"Q1", "Q2", "Q3", "Q4"}
    True
    """
    if frequency not in ("daily", "monthly"):
        raise InputError(f"frequency must be 'daily' or 'monthly', got {frequency!r}")
    close = validate_series(
        prices, min_points=1, nonconstant=False, allow_mixed_frequency=True, name=symbol
    ).series
    if not isinstance(close.index, pd.DatetimeIndex):
        raise InputError(f"{symbol}: multiples need prices indexed by date")
    if frequency == "monthly":
        close = close.groupby(close.index.to_period("M")).tail(1)
    bases = {item: trailing_table(fundamentals, symbol, item) for item in _FILED}
    shares = bases["shares_outstanding"]
    if shares.empty:
        raise DataError(
            f"no shares_outstanding filings for {symbol!r} in the fundamentals table",
            hint="multiples need the SEC fundamentals of the firm (load_fundamentals())",
        )
    factors = split_factors(shares["value"])
    dates = pd.DatetimeIndex(close.index)
    at_shares = _as_of(shares, dates)
    keep = at_shares >= 0
    if not keep.any():
        raise DataError(
            f"{symbol}: every price is older than the first filed share count "
            f"({shares.index[0].date()})"
        )
    close, dates, at_shares = close[keep], dates[keep], at_shares[keep]
    share_count = shares["value"].to_numpy(dtype=np.float64)[at_shares]
    factor = factors.to_numpy(dtype=np.float64)[at_shares]
    market_cap = close.to_numpy(dtype=np.float64) * share_count * factor
    data: dict[str, Any] = {
        "close": close.to_numpy(dtype=np.float64),
        "shares": share_count * factor,
        "split_factor": factor,
        "market_cap": market_cap,
    }
    filed: dict[str, Any] = {"shares_filed": shares.index.to_numpy()[at_shares]}
    for item in ("net_income", "revenue"):
        table = bases[item]
        at = _as_of(table, dates)
        values = np.full(len(dates), np.nan)
        stamps = np.full(len(dates), np.datetime64("NaT"), dtype="datetime64[ns]")
        if not table.empty:
            known = at >= 0
            values[known] = table["value"].to_numpy(dtype=np.float64)[at[known]]
            stamps[known] = table.index.to_numpy(dtype="datetime64[ns]")[at[known]]
        data[f"ttm_{item}"] = values
        filed[f"{item}_filed"] = stamps
    income, revenue = data["ttm_net_income"], data["ttm_revenue"]
    with np.errstate(divide="ignore", invalid="ignore"):
        data["pe"] = np.where(income > 0, market_cap / income, np.nan)
        data["ps"] = np.where(revenue > 0, market_cap / revenue, np.nan)
    frame = pd.DataFrame({**data, **filed}, index=dates.rename("date"))
    notes = []
    if (income <= 0).any():
        notes.append(
            f"P/E left out on {int((income <= 0).sum())} date(s) with non-positive trailing "
            "net income"
        )
    vintage = getattr(prices, "attrs", {}).get("vintage") or getattr(fundamentals, "attrs", {}).get(
        "vintage"
    )
    source = "SEC EDGAR filings (10-K/10-Q) and adjusted closes" + (
        f" ({vintage})" if vintage else ""
    )
    return MultiplesResult(
        symbol=symbol,
        frame=frame,
        bases=bases,
        splits=factors,
        frequency=frequency,
        source=source,
        notes=tuple(notes),
    )
