"""Readers that turn the real-history files into backtest inputs (the package ships no data).

Each takes a path (e.g. under the project's ``shared/data`` folder) and returns what
:func:`bubblescope.backtest.backtest` consumes. Monthly data are dated at the **end** of their
month: Shiller's P is the average of the month's daily closes and French's returns run to the
month's last day, so neither is known before the month closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from bubblescope.data.sources import load_file
from bubblescope.data.validate import require_positive
from bubblescope.errors import DataError
from bubblescope.settings import resample

__all__ = [
    "ERAS",
    "load_french",
    "load_nasdaq",
    "load_shiller",
    "load_universe",
    "to_monthly",
    "to_weekly",
]

#: The dot-com and AI eras compared side by side (inclusive dates).
ERAS: dict[str, tuple[str, str]] = {
    "dot-com": ("1995-01-01", "2003-12-31"),
    "AI": ("2017-01-01", "2026-12-31"),
}


def load_nasdaq(path: str | Path) -> pd.Series:
    """NASDAQ Composite daily closes from a FRED-style file (``date,NASDAQCOM[,source]``)."""
    frame = load_file(path, value_col="NASDAQCOM", symbol="NASDAQCOM")
    return frame["close"].rename("NASDAQCOM")


def _check_sampleable(prices: pd.Series, sampling: str) -> pd.DatetimeIndex:
    """The dates of ``prices``, after refusing closes a backtest sampler cannot take.

    Raises
    ------
    DataError
        Without a DatetimeIndex.
    InputError
        A zero or negative close on any day, including the days the sample drops
        (:func:`bubblescope.data.validate.require_positive`).
    """
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise DataError(f"{sampling} sampling needs a DatetimeIndex")
    require_positive(prices, "a backtest needs positive prices")
    return prices.index


def to_weekly(prices: pd.Series) -> pd.Series:
    """Last close of each week (weeks ending Friday), dated at the last trading day.

    Closes without a DatetimeIndex or with a non-positive day are refused
    (:func:`_check_sampleable`).
    """
    _check_sampleable(prices, "weekly")
    # each week's last trading day and last close in one grouped pass (bubblescope.settings)
    out = resample(prices, "W")
    return pd.Series(out.to_numpy(), index=out.index.rename(None), name=prices.name)


def to_monthly(prices: pd.Series) -> pd.Series:
    """Last close of each month, dated at the calendar month end (known once it closes).

    Closes without a DatetimeIndex or with a non-positive day are refused
    (:func:`_check_sampleable`).
    """
    days = _check_sampleable(prices, "monthly")
    out = prices.groupby(days.to_period("M")).last()
    ends = pd.PeriodIndex(out.index).to_timestamp(how="end").normalize()
    return pd.Series(out.to_numpy(), index=pd.DatetimeIndex(ends, name="date"), name=prices.name)


def _month_end(index: pd.Index) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(
        pd.DatetimeIndex(index).to_period("M").to_timestamp(how="end").normalize(), name="date"
    )


def load_shiller(path: str | Path) -> pd.DataFrame:
    """Shiller's monthly tidy CSV (``date,P,D,E,CPI,GS10,CAPE,...``) dated at month ends."""
    try:
        frame = pd.read_csv(path, parse_dates=["date"], index_col="date")
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the Shiller file {path}: {exc}") from exc
    missing = sorted({"P", "E", "CPI", "GS10", "CAPE"} - set(frame.columns))
    if missing:
        raise DataError(f"{path}: missing Shiller column(s) {missing}")
    frame.index = _month_end(frame.index)
    return frame


def load_french(path: str | Path) -> tuple[pd.DataFrame, pd.Series]:
    """Ken French 49 industries: month-end total-return indices and the market index.

    Returns
    -------
    prices : pandas.DataFrame
        ``prod(1 + r)`` per industry (NaN before an industry's first month).
    market : pandas.Series
        The capitalisation-weighted market built from the same file.
    """
    from bubblescope.detect.industries import read_french_industries

    data = read_french_industries(path)
    market = pd.Series(
        np.exp(np.log1p(data.market).cumsum()), index=data.market.index, name="market"
    )
    return data.prices(), market


def load_universe(folder: str | Path, symbols: Sequence[str] | None = None) -> dict[str, pd.Series]:
    """Yahoo-style ``Date,Close`` files of a folder (one per symbol) as close series."""
    root = Path(folder)
    files = sorted(p for p in root.glob("*.csv") if not p.name.startswith("_"))
    if symbols is not None:
        wanted = {s.upper() for s in symbols}
        files = [p for p in files if p.stem.upper() in wanted]
    if not files:
        raise DataError(f"no symbol files found in {root}")
    return {
        p.stem.upper(): load_file(p, symbol=p.stem.upper())["close"].rename(p.stem.upper())
        for p in files
    }
