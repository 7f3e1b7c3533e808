"""Series that ship inside installed dependencies (nothing is copied into bubblescope).

``nasdaq``
    NASDAQ Composite daily OHLCV, 1999-01-04 to 2018-12-31 (5,031 rows), from
    ``arch/data/nasdaq/nasdaq.csv.gz`` in the installed ``arch`` package (Yahoo Finance data).
``sp500``
    S&P 500 daily OHLCV, same dates, from ``arch/data/sp500/sp500.csv.gz``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from bubblescope.data.frames import canonical_frame
from bubblescope.errors import DataError, UnknownSymbolError

__all__ = ["BUNDLED", "load_bundled"]

#: name -> (arch sub-package, file, description)
BUNDLED: dict[str, tuple[str, str, str]] = {
    "nasdaq": (
        "arch.data.nasdaq",
        "nasdaq.csv.gz",
        "NASDAQ Composite daily OHLCV 1999-2018 (shipped in the arch package)",
    ),
    "sp500": (
        "arch.data.sp500",
        "sp500.csv.gz",
        "S&P 500 daily OHLCV 1999-2018 (shipped in the arch package)",
    ),
}


def load_bundled(name: str) -> pd.DataFrame:
    """Load a bundled series as a canonical price frame.

    Parameters
    ----------
    name : {"nasdaq", "sp500"}

    Returns
    -------
    pandas.DataFrame
        Canonical frame (``close`` is the unadjusted index close; indices pay no dividends, so
        ``adjusted`` is True).

    Examples
    --------
    >>> dotcom = load_bundled("nasdaq").loc[:"2002", "close"]
    >>> str(dotcom.idxmax().date()), round(float(dotcom.max()), 2)
    ('2000-03-10', 5048.62)
    """
    key = name.lower()
    if key not in BUNDLED:
        raise UnknownSymbolError(
            f"unknown bundled series {name!r}", hint=f"choose one of {sorted(BUNDLED)}"
        )
    package, filename, _ = BUNDLED[key]
    try:
        path = resources.files(package).joinpath(filename)
        with resources.as_file(path) as real:
            raw = pd.read_csv(real, compression="gzip")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise DataError(
            f"bundled series {name!r} needs the 'arch' package's data ({package}/{filename})",
            hint="pip install arch",
        ) from exc
    dates = pd.DatetimeIndex(pd.to_datetime(raw["Date"], format="%m/%d/%Y"))
    return canonical_frame(
        dates,
        raw["Close"].to_numpy(),
        symbol=key.upper() if key != "sp500" else "SP500",
        source=f"arch:{key}",
        adjusted=True,
        extra={
            "open": raw["Open"].to_numpy(),
            "high": raw["High"].to_numpy(),
            "low": raw["Low"].to_numpy(),
            "volume": raw["Volume"].to_numpy(),
        },
    )
