"""Streaming PSY monitor: append one observation, get the new BSADF and alarm in O(T).

Each update adds one regression row and runs one backward sweep over the window starts that
end at the new point (:func:`bubblescope._kernels.psy.end_stats`), so the BSADF as of date t
uses only data up to t and equals a full recomputation on the series truncated at t.

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles. IER 56(4).
Phillips, P.C.B. and Shi, S. (2020). Real time monitoring of asset markets: bubbles and
crises. Handbook of Statistics 42, 61-80.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._kernels.psy import design_matrix, end_stats, sweep
from bubblescope._typing import SeriesLike
from bubblescope.data.validate import validate_series
from bubblescope.detect._psy_window import WindowSpecLike, resolve_window
from bubblescope.errors import InputError

__all__ = ["MonitorUpdate", "PSYMonitor"]


@dataclass(frozen=True)
class MonitorUpdate:
    """State after one appended observation.

    Attributes
    ----------
    date : Timestamp or int
        Label of the new observation.
    bsadf, badf : float
        Backward-sup and forward ADF statistics ending at it.
    alarm : bool
        Whether an episode is in progress (PSY rule with the monitor's threshold).
    """

    date: Any
    bsadf: float
    badf: float
    alarm: bool


class PSYMonitor:
    """Real-time PSY date-stamping with O(T) work per new observation.

    Parameters
    ----------
    history : SeriesLike
        The training sample (validated; at least one minimum window long).
    lag : int
        Lagged differences in each ADF regression.
    window : {"psy", "exuber"} or int
        Minimum window, resolved once on the training sample's length and then kept fixed.
    threshold : float, optional
        Constant critical value for alarms, e.g. a family-wise value from
        ``PhillipsShiCV(horizon=...)``; None computes statistics only.
    min_duration : int
        PSY rule: once raised, an alarm is held for at least this many observations and then
        lifted at the first BSADF below ``threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(1).standard_normal(80))
    >>> mon = PSYMonitor(y[:60], threshold=2.0)
    >>> update = mon.append(float(y[60]))
    >>> update.date
    60
    """

    def __init__(
        self,
        history: SeriesLike,
        *,
        lag: int = 0,
        window: WindowSpecLike = "psy",
        threshold: float | None = None,
        min_duration: int = 0,
    ) -> None:
        if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
            raise InputError(f"lag must be a non-negative integer, got {lag!r}")
        if min_duration < 0:
            raise InputError(f"min_duration must be >= 0, got {min_duration}")
        v = validate_series(
            history,
            min_points=2 * lag + 4,
            positive=False,
            purpose=f"PSY monitoring with lag {lag}",
        )
        values = v.values
        self.lag = lag
        self.window = resolve_window(window, len(values), lag)
        self.threshold = None if threshold is None else float(threshold)
        self.min_duration = int(min_duration)
        self._labels: list[Any] = list(v.index)
        self._dated = isinstance(v.index, pd.DatetimeIndex)
        self._y = list(values)
        z = design_matrix(values, lag)
        self._z = np.empty((max(2 * len(z), 64), lag + 2))
        self._z[: len(z)] = z
        self._n = len(z)
        bsadf, badf = sweep(z, self.window.rows)
        self._bsadf = list(bsadf)
        self._badf = list(badf)
        self._alarm: list[bool] = []
        self._start: int | None = None
        for b in self._bsadf:
            self._step_alarm(b)

    def _step_alarm(self, stat: float) -> bool:
        k = len(self._alarm)
        if self.threshold is None:
            on = False
        elif self._start is None:
            on = stat > self.threshold
            if on:
                self._start = k
        elif k - self._start < max(self.min_duration, 1) or not stat < self.threshold:
            on = True
        else:
            self._start = None
            on = stat > self.threshold
            if on:
                self._start = k
        self._alarm.append(on)
        return on

    def append(self, value: float, date: Any = None) -> MonitorUpdate:
        """Add one observation; return its BSADF, BADF and the alarm state."""
        x = float(value)
        if not math.isfinite(x):
            raise InputError(f"appended value must be finite, got {value!r}")
        if self._dated:
            if date is None:
                raise InputError("this monitor has dated history: pass date= with each value")
            label: Any = pd.Timestamp(date)
            if label <= self._labels[-1]:
                raise InputError(
                    f"date {label.date()} is not after the last date {self._labels[-1].date()}"
                )
        else:
            label = len(self._labels) if date is None else date
        self._y.append(x)
        t = len(self._y) - 1
        lag = self.lag
        if self._n == self._z.shape[0]:
            grown = np.empty((2 * self._z.shape[0], lag + 2))
            grown[: self._n] = self._z[: self._n]
            self._z = grown
        row = self._z[self._n]
        for j in range(lag):
            row[j] = self._y[t - 1 - j] - self._y[t - 2 - j]
        row[lag] = self._y[t - 1]
        row[lag + 1] = x - self._y[t - 1]
        self._n += 1
        b, a = end_stats(self._z[: self._n], self._n - 1, self.window.rows)
        self._labels.append(label)
        self._bsadf.append(float(b))
        self._badf.append(float(a))
        return MonitorUpdate(label, float(b), float(a), self._step_alarm(float(b)))

    def _index(self) -> pd.Index:
        labels = self._labels[self.window.points - 1 :]
        return pd.DatetimeIndex(labels) if self._dated else pd.Index(labels)

    @property
    def bsadf(self) -> pd.Series:
        """BSADF path so far, indexed by window-end label."""
        return pd.Series(self._bsadf, index=self._index(), name="bsadf")

    @property
    def alarms(self) -> pd.Series:
        """Alarm state so far, indexed by window-end label."""
        return pd.Series(self._alarm, index=self._index(), name="alarm")
