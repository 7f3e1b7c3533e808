"""Real-time monitoring of bubbles and crashes (Whitehouse, Harvey & Leybourne 2023).

Two self-normalised detectors of the first differences ``d_j = y_j - y_{j-1}``, each computed
on a short window ending at the latest observation ``e``:

* the bubble detector, a linearly up-weighted sum of the last ``k`` differences
  ``A_e = sum_{i=1..k} i d_{e-k+i} / sqrt(sum_{i=1..k} (i d_{e-k+i})^2)``: large when the
  recent differences are positive and growing, as in an explosive regime;
* the crash detector, the product of the mean difference over ``m`` observations and over the
  ``n`` observations after them, ``S_e = (sum_{m part} d)(sum_{n part} d) /
  sqrt(sum_{m part} d^2 sum_{n part} d^2)``: strongly negative when a run of rises is followed
  by falls, as when an explosive regime collapses.

Both are invariant to the scale of the differences within their window, so a level of
volatility cancels. A training sample taken to be free of bubbles gives the boundaries: the
largest ``A`` and the smallest ``S`` over it. Monitoring signals a bubble at the first ``A_e``
above the training maximum; once a bubble is signalled, it signals the crash at the first
``S_e`` below the training minimum, and bubble monitoring resumes once ``A``'s window lies
wholly after the crash. The alarm state is "inside a signalled bubble".

False-alarm rate: under the null (a random walk whose differences are stationary) the training
and monitoring detectors form one stationary sequence, so the chance that one of ``h``
monitored detectors exceeds the maximum of the ``n_A`` training ones is close to
``h / (n_A + h)`` (the exchangeability argument of Astill et al. 2018 for their
training-maximum rule, which WHL adopt): the monitor sets ``h`` from the nominal rate or
reports the rate of a given ``h``.

Provenance of the definitions (labelled): the paper's full text was not available to this
implementation. The two detectors, the training maximum/minimum rule, the two-stage sequence
and the defaults ``k = 10, m = 10, n = 2`` follow the description of WHL's procedure in the
documentation of the GTBpy package (Mohammad-ebr/GTBpy, ``WHL``, README section 3) and the
published abstracts of WHL (2023) and Astill et al. (2018); the rate formula is Astill et
al.'s argument, not a number from WHL's tables. Each new observation costs ``O(k + m + n)``.

References
----------
Whitehouse, E.J., Harvey, D.I. and Leybourne, S.J. (2023). Real-time monitoring of bubbles
and crashes. Oxford Bulletin of Economics and Statistics 85(3), 482-513.
Astill, S., Harvey, D.I., Leybourne, S.J., Sollis, R. and Taylor, A.M.R. (2018). Real-time
monitoring for explosive financial bubbles. Journal of Time Series Analysis 39(6), 863-891.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from bubblescope._typing import Float64Array, SeriesLike
from bubblescope.detect._sequential import (
    Feed,
    SequentialResult,
    fmt_label,
    split_training,
    training_sample,
)
from bubblescope.errors import InputError

__all__ = ["WHLMonitor", "WHLUpdate", "whl_detectors", "whl_horizon", "whl_monitor"]

_TITLE = "Bubble and crash monitor (Whitehouse, Harvey & Leybourne 2023)"


def _check_windows(k: int, m: int, n: int) -> None:
    for label, v in (("k", k), ("m", m), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise InputError(f"{label} must be a positive integer, got {v!r}")
    if k < 2:
        raise InputError(f"the bubble window k must be at least 2, got {k}")


def whl_detectors(y: Float64Array, k: int, m: int, n: int) -> tuple[Float64Array, Float64Array]:
    """``A_e`` and ``S_e`` for every end point ``e`` of a series (NaN before the first window).

    Parameters
    ----------
    y : ndarray, shape (T,)
        Levels (log prices).
    k, m, n : int
        Bubble window; crash windows before and after.

    Returns
    -------
    (ndarray, ndarray)
        Each of shape ``(T,)``. A window whose differences are all zero (no price change, as on
        market holidays carried forward) gives 0: no movement, no evidence either way.
    """
    d = np.diff(np.asarray(y, dtype=np.float64))
    T = len(d) + 1
    a = np.full(T, np.nan)
    s = np.full(T, np.nan)
    w = np.arange(1, k + 1, dtype=np.float64)
    if len(d) >= k:
        win = sliding_window_view(d, k) * w
        den = np.sqrt((win * win).sum(axis=1))
        a[k:] = np.divide(win.sum(axis=1), den, out=np.zeros_like(den), where=den > 0.0)
    if len(d) >= m + n:
        win = sliding_window_view(d, m + n)
        before, after = win[:, :m], win[:, m:]
        den = np.sqrt((before * before).sum(axis=1) * (after * after).sum(axis=1))
        num = before.sum(axis=1) * after.sum(axis=1)
        s[m + n :] = np.divide(num, den, out=np.zeros_like(den), where=den > 0.0)
    return a, s


def whl_horizon(n_stats: int, level: float) -> int:
    """Monitored detectors ``h`` with false-alarm rate ``h / (n_stats + h)`` at most ``1 - level``.

    Raises
    ------
    InputError
        A level outside (0, 1), or a training sample too short for one monitored detector.
    """
    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    h = math.floor(n_stats * (1.0 - level) / level + 1e-9)
    if h < 1:
        raise InputError(
            f"{n_stats} training detectors allow no monitored observation at a false-alarm "
            f"rate of {1 - level:.1%}",
            hint="use a longer training sample or a lower level",
        )
    return h


def _training_bounds(
    values: Float64Array, k: int, m: int, n: int, label: str
) -> tuple[float, float, int]:
    """Training maximum of ``A``, minimum of ``S`` and the number of training ``A`` values."""
    if not np.any(np.diff(values) != 0.0):
        raise InputError(
            f"{label}: the training sample's volatility is zero (the series is constant)",
            hint="the WHL detectors are ratios of sums of differences to their root sum of squares",
        )
    a, s = whl_detectors(values, k, m, n)
    a_tr = a[k:]
    return float(a_tr.max()), float(s[m + n :].min()), len(a_tr)


class WHLUpdate:
    """State after one appended observation of :class:`WHLMonitor`.

    Attributes
    ----------
    date : Timestamp or int
    bubble_statistic, crash_statistic : float
        ``A`` and ``S`` at the new observation.
    alarm : bool
        Inside a signalled bubble.
    crash : bool
        A crash was signalled at this observation.
    """

    __slots__ = ("alarm", "bubble_statistic", "crash", "crash_statistic", "date")

    def __init__(self, date: Any, a: float, s: float, alarm: bool, crash: bool) -> None:
        self.date = date
        self.bubble_statistic = a
        self.crash_statistic = s
        self.alarm = alarm
        self.crash = crash

    def __repr__(self) -> str:
        return (
            f"WHLUpdate(date={fmt_label(self.date)}, A={self.bubble_statistic:.3f}, "
            f"S={self.crash_statistic:.3f}, alarm={self.alarm}, crash={self.crash})"
        )


class WHLMonitor:
    """WHL bubble-then-crash monitoring with O(k + m + n) work per new observation.

    Parameters
    ----------
    history : SeriesLike
        The training sample, taken to be free of bubbles (log prices); it needs at least
        ``max(k, m + n) + 1`` points, and many more for a useful horizon (the false-alarm rate
        over ``h`` monitored points is about ``h / (len - k + h)``).
    k : int
        Bubble-detector window (WHL's default 10).
    m, n : int
        Crash-detector windows: ``m`` differences before, ``n`` after (defaults 10 and 2).
    level : float
        One minus the nominal false-alarm rate; sets the horizon when ``horizon`` is None.
    horizon : int, optional
        Monitored observations over which the rate is reported (overrides ``level``).
    name : str, optional

    Raises
    ------
    InputError
        Training sample too short, with NaN/inf, or constant (zero volatility); bad windows or
        level; a non-finite or out-of-order appended value.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(1).standard_normal(260))
    >>> mon = WHLMonitor(y[:250])
    >>> mon.horizon, mon.append(float(y[250])).date
    (12, 250)
    """

    def __init__(
        self,
        history: SeriesLike,
        *,
        k: int = 10,
        m: int = 10,
        n: int = 2,
        level: float = 0.95,
        horizon: int | None = None,
        name: str | None = None,
    ) -> None:
        _check_windows(k, m, n)
        train = training_sample(history, name, max(k, m + n) + 1, "WHL monitoring (training)")
        self.name = str(name or train.name or "series")
        values = train.to_numpy()
        self.k, self.m, self.n = k, m, n
        self.a_max, self.s_min, self.n_stats = _training_bounds(values, k, m, n, self.name)
        self.horizon = whl_horizon(self.n_stats, level) if horizon is None else int(horizon)
        if self.horizon < 1:
            raise InputError(f"horizon must be at least 1 observation, got {horizon}")
        self.false_alarm_rate = self.horizon / (self.n_stats + self.horizon)
        self._feed = Feed(train)
        width = max(k, m + n)
        self._d: deque[float] = deque(np.diff(values)[-width:].tolist(), maxlen=width)
        self._last = float(values[-1])
        self._w = np.arange(1, k + 1, dtype=np.float64)
        self._a: list[float] = []
        self._s: list[float] = []
        self._alarm: list[bool] = []
        self._crashes: list[Any] = []
        self._in_bubble = False
        self._armed_at = 0  # monitored position from which a bubble may be signalled

    def _detectors(self) -> tuple[float, float]:
        d = np.fromiter(self._d, dtype=np.float64)
        wa = d[-self.k :] * self._w
        den_a = math.sqrt(float(np.dot(wa, wa)))
        before, after = d[-(self.m + self.n) : -self.n], d[-self.n :]
        den_s = math.sqrt(float(np.dot(before, before)) * float(np.dot(after, after)))
        a = float(wa.sum()) / den_a if den_a > 0.0 else 0.0
        s = float(before.sum()) * float(after.sum()) / den_s if den_s > 0.0 else 0.0
        return a, s

    def append(self, value: float, date: Any = None) -> WHLUpdate:
        """Add one observation; return both detectors and the alarm state."""
        x, label = self._feed.check(value, date)
        self._d.append(x - self._last)
        a, s = self._detectors()
        self._last = x
        pos = len(self._a)
        crash = False
        if self._in_bubble:
            if s < self.s_min:
                self._in_bubble, crash = False, True
                self._crashes.append(label)
                self._armed_at = pos + self.k
        elif pos >= self._armed_at and a > self.a_max:
            self._in_bubble = True
        self._feed.labels.append(label)
        self._a.append(a)
        self._s.append(s)
        self._alarm.append(self._in_bubble)
        return WHLUpdate(label, a, s, self._in_bubble, crash)

    def result(self) -> SequentialResult:
        """The path so far as a :class:`~bubblescope.detect._sequential.SequentialResult`."""
        m = len(self._a)
        return SequentialResult(
            name=self.name,
            title=_TITLE,
            method="whl",
            index=self._feed.index(),
            statistic=np.asarray(self._a, dtype=np.float64),
            boundary=np.full(m, self.a_max),
            alarm=np.asarray(self._alarm, dtype=bool),
            n_train=self._feed.n_train,
            train_start=self._feed.train_labels[0],
            train_end=self._feed.train_labels[1],
            horizon=self.horizon,
            false_alarm_rate=self.false_alarm_rate,
            critical=f"training maximum of A ({self.n_stats} training detectors)",
            params={"k": self.k, "m": self.m, "n": self.n},
            crash_statistic=np.asarray(self._s, dtype=np.float64),
            crash_boundary=self.s_min,
            crashes=tuple(self._crashes),
        )


def whl_monitor(
    data: SeriesLike,
    *,
    train: int | float = 0.5,
    k: int = 10,
    m: int = 10,
    n: int = 2,
    level: float = 0.95,
    horizon: int | None = None,
    name: str | None = None,
) -> SequentialResult:
    """WHL monitoring of a whole series at once (equal to :class:`WHLMonitor` fed the series).

    Parameters
    ----------
    data : SeriesLike
        The series (log prices).
    train : int or float
        Training points, or a fraction of the sample in (0, 1).
    k, m, n, level, horizon, name
        As for :class:`WHLMonitor`.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(0).standard_normal(400))
    >>> res = whl_monitor(y, train=300)
    >>> res.method, res.n_train
    ('whl', 300)
    """
    _check_windows(k, m, n)
    width = max(k, m + n)
    s, n_tr = split_training(data, train, width + 1, name, "WHL monitoring")
    label = str(name or s.name or "series")
    values = s.to_numpy()
    a_max, s_min, n_stats = _training_bounds(values[:n_tr], k, m, n, label)
    h = whl_horizon(n_stats, level) if horizon is None else int(horizon)
    if h < 1:
        raise InputError(f"horizon must be at least 1 observation, got {horizon}")
    a_all, s_all = whl_detectors(values, k, m, n)
    a, c = a_all[n_tr:], s_all[n_tr:]
    alarm = np.zeros(len(a), dtype=bool)
    crashes: list[Any] = []
    in_bubble, armed_at = False, 0
    for i in range(len(a)):
        if in_bubble:
            if c[i] < s_min:
                in_bubble = False
                crashes.append(s.index[n_tr + i])
                armed_at = i + k
        elif i >= armed_at and a[i] > a_max:
            in_bubble = True
        alarm[i] = in_bubble
    return SequentialResult(
        name=label,
        title=_TITLE,
        method="whl",
        index=s.index[n_tr:],
        statistic=np.asarray(a, dtype=np.float64),
        boundary=np.full(len(a), a_max),
        alarm=alarm,
        n_train=n_tr,
        train_start=s.index[0],
        train_end=s.index[n_tr - 1],
        horizon=h,
        false_alarm_rate=h / (n_stats + h),
        critical=f"training maximum of A ({n_stats} training detectors)",
        params={"k": k, "m": m, "n": n},
        crash_statistic=np.asarray(c, dtype=np.float64),
        crash_boundary=s_min,
        crashes=tuple(crashes),
    )
