"""Real-time monitoring of bubbles and crashes (Whitehouse, Harvey & Leybourne 2023).

Two self-normalised detectors of the first differences ``d_t = y_t - y_{t-1}``, each computed
on a short window ending at the latest observation ``e``:

* the bubble detector ``A(e, k)``, a linearly up-weighted sum of the last ``k`` differences
  ``A = sum_{i=1..k} i d_{e-k+i} / sqrt(sum_{i=1..k} (i d_{e-k+i})^2)``: large when the
  recent differences are positive and growing, as in an explosive regime;
* the crash detector ``S(e, m, n)``, the product of the summed differences over ``m``
  observations and over the ``n`` after them, over the root of the product of the residual
  sum of squares of the OLS regression of ``d_t`` on a constant and ``y_{t-1}`` over the
  ``m`` window and the sum of squared differences over the ``n`` window: strongly negative
  when a run of rises is followed by falls, as when an explosive regime collapses. (The
  regression takes the explosive dynamics out of the ``m`` window's scale.)

Both are invariant to the scale of the differences, so a level of volatility cancels. A
training sample taken to be free of bubbles gives the boundaries: the largest ``A`` and the
smallest ``S`` over it. Monitoring signals a bubble at the first ``A`` above the training
maximum, counting only windows that lie wholly after the training sample (the first ``k - 1``
monitored points are not tested); once a bubble is signalled, it signals the crash at the
first later ``S`` below the training minimum, and bubble monitoring resumes once ``A``'s window
lies wholly after the crash. The alarm state is "inside a signalled bubble".

False-alarm rate: under the null (a random walk whose differences are stationary) the training
and monitoring detectors form one stationary sequence, so the chance that one of ``h``
monitored detectors exceeds the maximum of the ``n_A`` training ones is close to
``h / (n_A + h)`` (the exchangeability argument of Astill et al. 2018 for their
training-maximum rule, which WHL adopt): the monitor sets ``h`` from the nominal rate or
reports the rate of a given ``h``.

Provenance of the definitions (labelled): the paper's full text was not available to this
implementation. The detectors and rules follow two independent public implementations written
from it: the GTBpy package (Mohammad-ebr/GTBpy, ``WHL``: the detectors, the training
maximum/minimum, the two stages, the defaults ``k = m = 10``, ``n = 2`` that its documentation
says the authors suggest) and a replication of the paper's housing application
(``bubble_detector.py``/``crash_detector.py`` of a public repository that reproduces WHL's
2000-Q1 bubble and 2006-Q2 crash on the OECD US price-to-rent ratio: the regression residuals
in ``S``'s scale and monitoring from ``T* + k``). Where the two differ (GTBpy scales ``S`` by
the raw ``m``-window differences), the replication of the published dates is followed. The
rate formula is Astill et al.'s argument, not a number from WHL's tables. Each new observation
costs ``O(k + m + n)``.

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
from bubblescope.detect.sequential import (
    Feed,
    SequentialResult,
    fmt_label,
    path_result,
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


def _bubble(d: Float64Array, w: Float64Array) -> Float64Array:
    """``A`` of each window (last axis: the ``k`` differences, oldest first); 0 where all zero."""
    wd = d * w
    den = np.sqrt((wd * wd).sum(axis=-1))
    out: Float64Array = np.divide(wd.sum(axis=-1), den, out=np.zeros_like(den), where=den > 0.0)
    return out


def _crash(before: Float64Array, lag: Float64Array, after: Float64Array) -> Float64Array:
    """``S`` of each window: ``before``/``lag`` the ``m`` differences and their lagged levels.

    The ``m`` window's scale is the residual sum of squares of ``d`` on a constant and the
    lagged level (centred sums; a constant level leaves the constant only).
    """
    dc = before - before.mean(axis=-1, keepdims=True)
    xc = lag - lag.mean(axis=-1, keepdims=True)
    sxx = (xc * xc).sum(axis=-1)
    sxd = (xc * dc).sum(axis=-1)
    fit = np.divide(sxd * sxd, sxx, out=np.zeros_like(sxx), where=sxx > 0.0)
    ssr = np.maximum((dc * dc).sum(axis=-1) - fit, 0.0)
    den = np.sqrt(ssr * (after * after).sum(axis=-1))
    num = before.sum(axis=-1) * after.sum(axis=-1)
    out: Float64Array = np.divide(num, den, out=np.zeros_like(den), where=den > 0.0)
    return out


def whl_detectors(y: Float64Array, k: int, m: int, n: int) -> tuple[Float64Array, Float64Array]:
    """``A(e, k)`` and ``S(e, m, n)`` for every end point ``e`` of a series.

    Parameters
    ----------
    y : ndarray, shape (T,)
        Levels (log prices).
    k, m, n : int
        Bubble window; crash windows before and after.

    Returns
    -------
    (ndarray, ndarray)
        Each of shape ``(T,)``, NaN before the first full window. A window without movement
        (all differences zero, as on market holidays carried forward) gives 0: no evidence
        either way.
    """
    y = np.asarray(y, dtype=np.float64)
    d = np.diff(y)
    T = len(y)
    a = np.full(T, np.nan)
    s = np.full(T, np.nan)
    if len(d) >= k:
        a[k:] = _bubble(sliding_window_view(d, k), np.arange(1, k + 1, dtype=np.float64))
    if len(d) >= m + n:
        win = sliding_window_view(d, m + n)
        lag = sliding_window_view(y[:-1], m + n)[:, :m]
        s[m + n :] = _crash(win[:, :m], lag, win[:, m:])
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


def _horizon(n_stats: int, k: int, level: float, horizon: int | None) -> tuple[int, float]:
    """Monitored observations of the horizon and the false-alarm rate over them.

    The first ``k - 1`` monitored observations are not tested (their ``A`` windows reach into
    training), so ``horizon`` monitored observations hold ``horizon - k + 1`` tested detectors.
    """
    tested = whl_horizon(n_stats, level) if horizon is None else int(horizon) - k + 1
    if tested < 1:
        raise InputError(
            f"a horizon of {horizon} monitored observations tests no bubble detector (the first "
            f"k - 1 = {k - 1} are not tested)",
            hint=f"use a horizon of at least {k} observations",
        )
    return tested + k - 1, tested / (n_stats + tested)


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
        Monitored observations over which the rate is reported (overrides ``level``); the
        first ``k - 1`` of them are not tested, so the rate is ``h / (n_A + h)`` with
        ``h = horizon - k + 1`` and ``n_A`` the training detectors.
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
    (21, 250)
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
        self.horizon, self.false_alarm_rate = _horizon(self.n_stats, k, level, horizon)
        self._feed = Feed(train)
        width = max(k, m + n)
        self._d: deque[float] = deque(np.diff(values)[-width:].tolist(), maxlen=width)
        self._lag: deque[float] = deque(values[-width - 1 : -1].tolist(), maxlen=width)
        self._last = float(values[-1])
        self._w = np.arange(1, k + 1, dtype=np.float64)
        self._a: list[float] = []
        self._s: list[float] = []
        self._alarm: list[bool] = []
        self._crashes: list[Any] = []
        self._in_bubble = False
        self._armed_at = k - 1  # first monitored position whose A window is after training

    def _detectors(self) -> tuple[float, float]:
        """``A`` and ``S`` of the latest windows, as :func:`_bubble` and :func:`_crash`.

        Plain floats: a few dozen operations, cheaper than numpy's per-call overhead.
        """
        d = list(self._d)
        wd = [(i + 1) * v for i, v in enumerate(d[-self.k :])]
        den_a = math.sqrt(math.fsum(v * v for v in wd))
        a = math.fsum(wd) / den_a if den_a > 0.0 else 0.0
        mn = self.m + self.n
        before, after = d[-mn : -self.n], d[-self.n :]
        lag = list(self._lag)[-mn : -self.n]
        mean_d, mean_x = math.fsum(before) / self.m, math.fsum(lag) / self.m
        dc = [v - mean_d for v in before]
        xc = [v - mean_x for v in lag]
        sxx = math.fsum(v * v for v in xc)
        sxd = math.fsum(u * v for u, v in zip(xc, dc, strict=True))
        fit = sxd * sxd / sxx if sxx > 0.0 else 0.0
        ssr = max(math.fsum(v * v for v in dc) - fit, 0.0)
        den_s = math.sqrt(ssr * math.fsum(v * v for v in after))
        s = math.fsum(before) * math.fsum(after) / den_s if den_s > 0.0 else 0.0
        return a, s

    def append(self, value: float, date: Any = None) -> WHLUpdate:
        """Add one observation; return both detectors and the alarm state."""
        x, label = self._feed.check(value, date)
        self._d.append(x - self._last)
        self._lag.append(self._last)
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
        """The path so far as a :class:`~bubblescope.detect.sequential.SequentialResult`."""
        return path_result(
            self._feed.index(),
            self._feed.n_train,
            self._feed.train_labels,
            self._a,
            self.a_max,
            alarm=np.asarray(self._alarm, dtype=bool),
            name=self.name,
            title=_TITLE,
            method="whl",
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
    h, rate = _horizon(n_stats, k, level, horizon)
    a_all, s_all = whl_detectors(values, k, m, n)
    a, c = a_all[n_tr:], s_all[n_tr:]
    alarm = np.zeros(len(a), dtype=bool)
    crashes: list[Any] = []
    in_bubble, armed_at = False, k - 1
    for i in range(len(a)):
        if in_bubble:
            if c[i] < s_min:
                in_bubble = False
                crashes.append(s.index[n_tr + i])
                armed_at = i + k
        elif i >= armed_at and a[i] > a_max:
            in_bubble = True
        alarm[i] = in_bubble
    return path_result(
        s.index[n_tr:],
        n_tr,
        (s.index[0], s.index[n_tr - 1]),
        a,
        a_max,
        alarm=alarm,
        name=label,
        title=_TITLE,
        method="whl",
        horizon=h,
        false_alarm_rate=rate,
        critical=f"training maximum of A ({n_stats} training detectors)",
        params={"k": k, "m": m, "n": n},
        crash_statistic=np.asarray(c, dtype=np.float64),
        crash_boundary=s_min,
        crashes=tuple(crashes),
    )
