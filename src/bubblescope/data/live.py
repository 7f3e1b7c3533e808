"""Live sources (network): Yahoo via yfinance, FRED series CSV, SEC companyfacts.

Every adapter returns the same frames as the file loaders (the canonical price frame; the tidy
companyfacts frame for SEC) and turns every failure into a
:class:`~bubblescope.errors.SourceError` naming the symbol and the cause. Downloads time out and
are retried with exponential backoff (:mod:`bubblescope.data.http`), so a dead source fails
instead of hanging.

yfinance is optional: the ``app`` extra (everything the CLI, report and dashboard use) and the
``sources`` extra install it (:data:`YFINANCE_HINT`). It is imported only inside
:func:`_yahoo_history`, the one function that talks to it; tests replace that function with a
stored snapshot, since yfinance's curl_cffi transport cannot be replayed by HTTP recorders.
"""

from __future__ import annotations

import io
from typing import Any, Literal

import pandas as pd

from bubblescope.data import http
from bubblescope.data.frames import canonical_frame
from bubblescope.data.sources import parse_table
from bubblescope.errors import DataError, InputError, SourceError

__all__ = ["LIVE_SOURCES", "YFINANCE_HINT", "fetch", "fetch_fred", "fetch_yahoo"]

LiveSource = Literal["yahoo", "fred", "sec"]
#: Names accepted by :func:`fetch`.
LIVE_SOURCES: tuple[str, ...] = ("yahoo", "fred", "sec")

_FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"

#: How to get yfinance: the extra a user of bubblescope's front ends installs, or just yfinance.
YFINANCE_HINT = (
    "pip install 'bubblescope[app]' (CLI, report and dashboard) or 'bubblescope[sources]' "
    "(yfinance only); in a source checkout: pip install -e '.[app]'"
)


def _yahoo_history(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
    """Ask yfinance for daily bars (the adapter boundary that tests replace).

    Returns yfinance's ``Ticker.history(auto_adjust=True)`` frame: a tz-aware ``Date`` index and
    ``Open, High, Low, Close, Volume`` columns (plus ``Dividends``, ``Stock Splits``).
    """
    try:
        import yfinance as yf
    except ImportError as exc:
        raise SourceError(
            f"Yahoo download of {symbol} needs the optional package yfinance, which could not "
            f"be imported ({exc})",
            hint=YFINANCE_HINT,
        ) from exc
    history: pd.DataFrame = yf.Ticker(symbol).history(
        start=start,
        end=end,
        period=None if start else "max",
        interval="1d",
        auto_adjust=True,
        timeout=timeout,
    )
    return history


def fetch_yahoo(
    symbol: str,
    *,
    start: str | None = None,
    end: str | None = None,
    timeout: float = http.DEFAULT_TIMEOUT_S,
    retries: int = 2,
    backoff: float = 1.0,
) -> pd.DataFrame:
    """Download daily split- and dividend-adjusted bars from Yahoo Finance (network).

    Parameters
    ----------
    symbol : str
        Yahoo ticker (``NVDA``, ``^GSPC``).
    start, end : str, optional
        ISO dates; by default the whole history.
    timeout, retries, backoff : float, int, float
        Per-attempt timeout (s) and retry policy (see :func:`bubblescope.data.http.get`).

    Returns
    -------
    pandas.DataFrame
        Canonical frame, ``source="yahoo"``, ``adjusted=True`` (yfinance ``auto_adjust``).

    Raises
    ------
    SourceError
        yfinance missing, every attempt failed, or Yahoo returned no rows for ``symbol``.
    """
    raw = http.retry_call(
        lambda: _yahoo_history(symbol, start, end, timeout),
        what=f"Yahoo prices for {symbol}",
        retries=retries,
        backoff=backoff,
        give_up_on=(SourceError,),
    )
    if raw is None or raw.empty or "Close" not in raw.columns:
        raise SourceError(
            f"Yahoo returned no prices for {symbol!r}",
            hint="check the ticker (indices need a caret, e.g. ^GSPC)",
        )
    index = pd.DatetimeIndex(raw.index)
    if index.tz is not None:  # keep the exchange's calendar date, not UTC
        index = index.tz_localize(None)
    extra = {
        name.lower(): raw[name].to_numpy(dtype="float64")
        for name in ("Open", "High", "Low", "Volume")
        if name in raw.columns
    }
    clean = raw["Close"].notna().to_numpy()
    try:
        return canonical_frame(
            index.normalize()[clean],
            raw["Close"].to_numpy()[clean],
            symbol=symbol.upper(),
            source="yahoo",
            adjusted=True,
            extra={k: v[clean] for k, v in extra.items()},
        )
    except DataError as exc:
        raise SourceError(f"Yahoo prices for {symbol} are malformed: {exc}") from exc


def fetch_fred(
    series_id: str, *, start: str | None = None, end: str | None = None, **http_kwargs: Any
) -> pd.DataFrame:
    """Download a FRED series as CSV (``fredgraph.csv``; no API key needed) (network).

    Parameters
    ----------
    series_id : str
        FRED id (``NASDAQCOM``, ``SP500``, ``DGS10``).
    start, end : str, optional
        ISO dates (FRED's ``cosd``/``coed``).
    **http_kwargs
        Passed to :func:`bubblescope.data.http.get`.

    Returns
    -------
    pandas.DataFrame
        Canonical frame, ``source="fred"``; holidays (blank or ``.``) are dropped and listed in
        ``attrs["notes"]``.

    Raises
    ------
    SourceError
        Download failure, or a payload that is not the series' CSV.
    """
    sid = series_id.strip().upper()
    params = {"id": sid}
    if start:
        params["cosd"] = str(start)
    if end:
        params["coed"] = str(end)
    text = http.get_text(_FRED_URL, what=f"FRED series {sid}", params=params, **http_kwargs)
    header = text.lstrip().split("\n", 1)[0]
    if sid not in header.upper().split(","):
        raise SourceError(
            f"FRED returned no CSV for series {sid} (first line: {header[:80]!r})",
            hint="check the series id on fred.stlouisfed.org",
        )
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    try:
        return parse_table(table, origin=f"FRED {sid}", format="fred", symbol=sid, source="fred")
    except DataError as exc:
        raise SourceError(f"FRED series {sid} is malformed: {exc}") from exc


def fetch(
    symbol: str, source: str = "yahoo", *, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """Fetch ``symbol`` from a live source (network).

    Parameters
    ----------
    symbol : str
        Ticker (Yahoo, SEC) or series id (FRED).
    source : {"yahoo", "fred", "sec"}
    start, end : str, optional
        ISO dates (prices only).

    Returns
    -------
    pandas.DataFrame
        A canonical price frame (``yahoo``, ``fred``) or the tidy companyfacts frame (``sec``).
    """
    if source == "yahoo":
        return fetch_yahoo(symbol, start=start, end=end)
    if source == "fred":
        return fetch_fred(symbol, start=start, end=end)
    if source == "sec":
        from bubblescope.data.sec import fetch_companyfacts

        return fetch_companyfacts(symbol)
    raise InputError(f"unknown live source {source!r}", hint=f"choose one of {list(LIVE_SOURCES)}")
