"""Trading-day time for LPPLS: locating t1/t2 in a series and mapping tc to a calendar date."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bubblescope.errors import InputError

__all__ = ["index_to_date", "locate"]


def locate(index: pd.Index, when: object, *, side: str, what: str) -> int:
    """Position of ``when`` in ``index``: an int position, or a date.

    For a date, ``side="right"`` gives the last observation on or before it (t2) and
    ``side="left"`` the first on or after it (t1).
    """
    n = len(index)
    if isinstance(when, (int, np.integer)) and not isinstance(when, bool):
        pos = int(when)
        if pos < 0:
            pos += n
        if not 0 <= pos < n:
            raise InputError(f"{what} position {when} is outside the series (0..{n - 1})")
        return pos
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(
            f"{what}={when!r} is a date but the series has no dates",
            hint="pass a pandas Series with a DatetimeIndex, or an integer position",
        )
    try:
        ts = pd.Timestamp(when)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read {what}={when!r} as a date") from exc
    if side == "right":
        pos = int(index.searchsorted(ts, side="right")) - 1
        if pos < 0:
            raise InputError(f"{what}={ts.date()} is before the first date {index[0].date()}")
    else:
        pos = int(index.searchsorted(ts, side="left"))
        if pos >= n:
            raise InputError(f"{what}={ts.date()} is after the last date {index[-1].date()}")
    return pos


def index_to_date(index: pd.Index, position: float) -> pd.Timestamp | None:
    """Calendar date of a (fractional) trading-day position.

    Inside the sample the nearest observation's date; beyond its end the last date plus
    that many business days (weekdays; holidays are not known); before its start, the first
    date minus business days. ``None`` when the index has no dates or ``position`` is not finite.
    """
    if not isinstance(index, pd.DatetimeIndex) or not math.isfinite(position):
        return None
    k = round(position)
    n = len(index)
    if 0 <= k < n:
        return pd.Timestamp(index[k])
    if k >= n:
        return pd.Timestamp(index[-1]) + pd.offsets.BDay(k - (n - 1))
    return pd.Timestamp(index[0]) - pd.offsets.BDay(-k)
