"""Crash events: explicit, configurable definitions and their detection on a price history.

An event is a bull-market peak followed by a fall of at least ``drawdown`` (a fraction) that is
reached within ``horizon_months`` of the peak. Peaks and troughs alternate as in Lunde and
Timmermann's (2004) dating rule: after a fall of ``drawdown`` from the running peak the market
is "down" and the running trough is tracked until the price rises ``rebound`` above it (50% by
default, so that the sharp bear-market rallies of 2000-2002 do not split one crash into five);
the search for the next peak starts from that trough. So separate crashes inside one long
recovery (1929 and 1937) are separate events, while one bear market is one event.

Defaults follow the backtest brief: a 20% fall within 24 months for broad indices
(:meth:`EventSpec.index`), 40% for single stocks and industries (:meth:`EventSpec.stock`, the
Greenwood-Shleifer-You crash size). ``warning_months`` is the pre-peak window in which an
alarm counts as a warning of the event.

References
----------
Lunde, A. and Timmermann, A. (2004). Duration dependence in stock prices: an analysis of bull
and bear markets. Journal of Business & Economic Statistics 22(3), 253-273.
Greenwood, R., Shleifer, A. and You, Y. (2019). Bubbles for Fama. JFE 131(1), 20-43.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope.data.validate import validate_series
from bubblescope.errors import InputError

__all__ = ["Event", "EventSpec", "detect_events"]


@dataclass(frozen=True)
class EventSpec:
    """What counts as a crash event, and how early a warning may come.

    Attributes
    ----------
    drawdown : float
        Minimum fall from the peak, a fraction in (0, 1) (0.20 = 20%).
    horizon_months : int
        The fall must reach ``drawdown`` within this many calendar months of the peak.
    rebound : float
        Rise from the running trough that ends a down phase (fraction, default 0.5).
    warning_months : int
        Length of the pre-peak window ``[peak - warning_months, peak]`` in which an alarm is a
        warning of the event (default 24 months).
    """

    drawdown: float = 0.20
    horizon_months: int = 24
    rebound: float = 0.5
    warning_months: int = 24

    def __post_init__(self) -> None:
        if not 0.0 < self.drawdown < 1.0:
            raise InputError(
                f"event drawdown must lie strictly between 0 and 1, got {self.drawdown}",
                hint="write 20% as 0.2",
            )
        if not self.rebound > 0.0:
            raise InputError(f"event rebound must be positive, got {self.rebound}")
        for name in ("horizon_months", "warning_months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"{name} must be a positive number of months, got {value!r}")

    @classmethod
    def index(cls) -> EventSpec:
        """Broad index: a 20% fall within 24 months."""
        return cls(0.20, 24)

    @classmethod
    def stock(cls) -> EventSpec:
        """Single stock or industry: a 40% fall within 24 months (GSY's crash size)."""
        return cls(0.40, 24)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        return {
            "drawdown": self.drawdown,
            "horizon_months": self.horizon_months,
            "rebound": self.rebound,
            "warning_months": self.warning_months,
        }


@dataclass(frozen=True)
class Event:
    """One crash event.

    Attributes
    ----------
    peak : Timestamp
        Date of the peak price (the event date that lead times are measured to).
    peak_price : float
    crash_date : Timestamp
        First date the price was ``drawdown`` below the peak.
    trough : Timestamp
        Lowest price of the down phase (before a ``rebound`` rise or the end of the data).
    trough_price : float
    depth : float
        ``trough_price / peak_price - 1`` (negative fraction).
    """

    peak: pd.Timestamp
    peak_price: float
    crash_date: pd.Timestamp
    trough: pd.Timestamp
    trough_price: float
    depth: float

    def warning_start(self, spec: EventSpec) -> pd.Timestamp:
        """First date of the pre-peak warning window."""
        return self.peak - pd.DateOffset(months=spec.warning_months)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record (ISO dates)."""
        return {
            "peak": self.peak.date().isoformat(),
            "peak_price": self.peak_price,
            "crash_date": self.crash_date.date().isoformat(),
            "trough": self.trough.date().isoformat(),
            "trough_price": self.trough_price,
            "depth": self.depth,
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Event:
        """Inverse of :meth:`to_dict`."""
        return cls(
            pd.Timestamp(record["peak"]),
            float(record["peak_price"]),
            pd.Timestamp(record["crash_date"]),
            pd.Timestamp(record["trough"]),
            float(record["trough_price"]),
            float(record["depth"]),
        )


def detect_events(prices: pd.Series, spec: EventSpec | None = None) -> tuple[Event, ...]:
    """Find every crash event of ``spec`` in a dated price history.

    Parameters
    ----------
    prices : pandas.Series
        Positive prices with a DatetimeIndex (any frequency).
    spec : EventSpec, optional
        Default :meth:`EventSpec.index`.

    Returns
    -------
    tuple of Event
        In date order.

    Raises
    ------
    InputError
        Undated, non-positive, non-finite or unsorted prices.

    Examples
    --------
    >>> idx = pd.date_range("2000-01-31", periods=6, freq="ME")
    >>> ev = detect_events(pd.Series([1.0, 2.0, 1.5, 1.2, 1.5, 2.5], index=idx))
    >>> str(ev[0].peak.date()), round(ev[0].depth, 2)
    ('2000-02-29', -0.4)
    """
    spec = spec or EventSpec.index()
    v = validate_series(
        prices, min_points=2, nonconstant=False, name="prices", purpose="event detection"
    )
    if not isinstance(v.index, pd.DatetimeIndex):
        raise InputError("event detection needs dated prices (a DatetimeIndex)")
    p = v.values
    dates = v.index
    fall = 1.0 - spec.drawdown
    rise = 1.0 + spec.rebound
    events: list[Event] = []
    i_peak = 0
    down = False
    i_trough = 0
    pending: tuple[int, int] | None = None  # (peak, crash) of a qualifying fall
    for i in range(1, len(p)):
        if not down:
            if p[i] > p[i_peak]:
                i_peak = i
            elif p[i] <= fall * p[i_peak]:
                down = True
                i_trough = i
                deadline = dates[i_peak] + pd.DateOffset(months=spec.horizon_months)
                pending = (i_peak, i) if dates[i] <= deadline else None
        else:
            if p[i] < p[i_trough]:
                i_trough = i
            elif p[i] >= rise * p[i_trough]:
                if pending is not None:
                    events.append(_event(p, dates, pending, i_trough))
                down = False
                pending = None
                i_peak = i_trough + int(np.argmax(p[i_trough : i + 1]))
    if down and pending is not None:
        events.append(_event(p, dates, pending, i_trough))
    return tuple(events)


def _event(
    p: np.ndarray, dates: pd.DatetimeIndex, pending: tuple[int, int], i_trough: int
) -> Event:
    i_peak, i_crash = pending
    return Event(
        dates[i_peak],
        float(p[i_peak]),
        dates[i_crash],
        dates[i_trough],
        float(p[i_trough]),
        float(p[i_trough] / p[i_peak] - 1.0),
    )
