"""Streaming PSY monitor: append one observation, get the new BSADF and alarm in O(T).

Each update adds one regression row and runs one backward sweep over the window starts that
end at the new point (:func:`bubblescope._kernels.psy.end_stats`), so the BSADF as of date t
uses only data up to t and equals a full recomputation on the series truncated at t.

Like the batch test, the monitor regresses the series times a power of two (exact in binary
floating point, and ADF t-statistics do not depend on the series' scale), chosen once from the
training sample's largest value and applied to every appended one, so levels near 1e155 and
beyond do not overflow the sums of squares. Statistics that are still not finite (values that
span too wide a range for float64 regressions) are refused with an ``InputError``, as batch
PSY does, and a refused value leaves the monitor as it was.

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


def _exponent(peak: float) -> int:
    """The power of two that brings ``peak`` into [0.5, 1) (0 for zero or non-finite)."""
    if peak == 0.0 or not math.isfinite(peak):
        return 0
    return -math.frexp(peak)[1]


def _refuse_boolean(y: object) -> None:
    """Raise for boolean input, which would otherwise be read silently as 0.0 and 1.0."""
    dtype = getattr(y, "dtype", None)
    flags = (
        isinstance(y, list | tuple) and bool(y) and all(isinstance(v, bool | np.bool_) for v in y)
    )
    if flags or (dtype is not None and pd.api.types.is_bool_dtype(dtype)):
        raise InputError(
            "got boolean values; PSY monitors a price (or log price) series",
            hint="pass the numeric prices, e.g. series.astype(float) if 0/1 is really meant",
        )


def _check_finite(bsadf: float, badf: float, at: Any) -> None:
    """Refuse a non-finite statistic instead of reporting it as "no alarm"."""
    if not (math.isfinite(bsadf) and math.isfinite(badf)):
        raise InputError(
            f"the PSY statistics at {at} are not finite (BSADF={bsadf}, BADF={badf}); the "
            "series' values span too wide a range for the regressions",
            hint="monitor the log of the prices, or a series whose level spans a narrower range",
        )


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
        _refuse_boolean(history)
        #: Power of two the stored values are multiplied by (exact; see the module notes).
        self._exp = _exponent(float(np.max(np.abs(v.values))))
        values = np.ldexp(v.values, self._exp)
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
        for b, a, at in zip(bsadf, badf, v.index[self.window.points - 1 :], strict=True):
            _check_finite(float(b), float(a), at)
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
        if isinstance(value, bool | np.bool_):
            raise InputError(f"appended value must be a number, got {value!r}")
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
        self._y.append(math.ldexp(x, self._exp))
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
        row[lag + 1] = self._y[t] - self._y[t - 1]
        self._n += 1
        b, a = end_stats(self._z[: self._n], self._n - 1, self.window.rows)
        try:
            _check_finite(float(b), float(a), label)
        except InputError:
            self._n -= 1  # the monitor stays as it was before this value
            self._y.pop()
            raise
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
