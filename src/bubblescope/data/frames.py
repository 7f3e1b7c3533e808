"""The canonical price frame every loader returns.

Layout
------
index
    ``DatetimeIndex`` named ``date``: tz-naive, sorted, unique.
``close``
    float64, the price analyses use.
``open``, ``high``, ``low``, ``volume``
    optional float64 columns, present when the source has them.
``symbol``, ``source``
    strings: what the series is and where it came from (``"arch:nasdaq"``, ``"file:x.csv"``,
    ``"yahoo"``, ``"fred"`` ...).
``adjusted``
    bool: whether ``close`` is adjusted for splits and dividends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblescope.errors import DataError

__all__ = ["CANONICAL_COLUMNS", "OPTIONAL_PRICE_COLUMNS", "canonical_frame", "check_canonical"]

OPTIONAL_PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "volume")
CANONICAL_COLUMNS: tuple[str, ...] = (
    "close",
    *OPTIONAL_PRICE_COLUMNS,
    "symbol",
    "source",
    "adjusted",
)


def canonical_frame(
    dates: pd.Index | np.ndarray | list[object],
    close: np.ndarray | pd.Series | list[float],
    *,
    symbol: str,
    source: str,
    adjusted: bool,
    extra: dict[str, np.ndarray | pd.Series] | None = None,
) -> pd.DataFrame:
    """Build a canonical price frame.

    Parameters
    ----------
    dates : array-like of dates
    close : array-like of float
    symbol, source : str
    adjusted : bool
    extra : dict, optional
        Optional price columns (``open``, ``high``, ``low``, ``volume``).

    Returns
    -------
    pandas.DataFrame
        Sorted by date. Duplicate or unparseable dates raise :class:`DataError`, since a
        loader that meets them is reading a malformed file.
    """
    try:
        index = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates)), name="date")
    except (TypeError, ValueError) as exc:
        raise DataError(f"{source}: cannot parse dates for {symbol}: {exc}") from exc
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    data: dict[str, object] = {"close": np.asarray(close, dtype=np.float64)}
    for col in OPTIONAL_PRICE_COLUMNS:
        if extra and col in extra:
            data[col] = np.asarray(extra[col], dtype=np.float64)
    frame = pd.DataFrame(data, index=index)
    frame["symbol"] = symbol
    frame["source"] = source
    frame["adjusted"] = bool(adjusted)
    frame = frame.sort_index(kind="stable")
    check_canonical(frame)
    return frame


def check_canonical(frame: pd.DataFrame) -> None:
    """Raise :class:`DataError` unless ``frame`` has the canonical layout."""
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError("price frame: index must be a DatetimeIndex")
    if frame.index.hasnans:
        raise DataError("price frame: missing dates (NaT) in the index")
    if frame.index.has_duplicates:
        first = frame.index[frame.index.duplicated()][0]
        raise DataError(f"price frame: duplicated date {first.date()}")
    if not frame.index.is_monotonic_increasing:
        raise DataError("price frame: dates are not sorted")
    missing = [c for c in ("close", "symbol", "source", "adjusted") if c not in frame.columns]
    if missing:
        raise DataError(f"price frame: missing column(s) {missing}")
