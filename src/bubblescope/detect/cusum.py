"""Real-time CUSUM monitoring for an emerging explosive episode (Homm & Breitung 2012).

A training sample ``y_1..y_n`` is taken to be free of exuberance. From then on the detector

``S_t = (y_t - y_n) / sigma_t``,  ``sigma_t^2 = (1/(t-1)) sum_{j=2..t} (y_j - y_{j-1})^2``

(HB eq. 26: the variance of all differences up to t, re-estimated as data arrive) is compared
with the boundary ``sqrt(t) sqrt(b + log(t/n))`` (HB eq. 29, after Chu, Stinchcombe & White
1996); the first crossing signals an explosive episode. Under a random walk the detector
behaves like a Brownian motion started at ``n``, so the chance of any false alarm over a
monitoring horizon ``N`` depends only on ``b``, ``n`` and ``k = N/n``: ``b`` comes from HB's
Table 8 or is simulated for the actual ``n`` and ``N``
(:mod:`bubblescope.detect.critical_values.cusum`).

:class:`CUSUMMonitor` appends one observation at a time with O(1) work (a running sum of squared
differences); :func:`cusum_monitor` computes the whole path at once, equal to the monitor's to
floating-point summation order. ``bandwidth=H`` gives the volatility-robust monitor of
Astill, Harvey, Leybourne, Taylor & Zu (2023): every difference standardised by a one-sided
Gaussian kernel estimate of its spot variance over the last ``H + 1`` differences (their eq.
6-7, as exuber's development branch implements it), the same boundary, O(H) work per
observation; its constants are simulated for that detector. ``demean=True`` removes the
training sample's mean difference (a drift) from every difference, with its own simulated
constants: log prices of a stock index drift upward, and the driftless detector then crosses
any boundary of this shape eventually.

References
----------
Homm, U. and Breitung, J. (2012). Testing for speculative bubbles in stock markets: a
comparison of alternative methods. Journal of Financial Econometrics 10(1), 198-231.
Chu, C.-S. J., Stinchcombe, M. and White, H. (1996). Monitoring structural change.
Econometrica 64(5), 1045-1065.
Astill, S., Harvey, D.I., Leybourne, S.J., Taylor, A.M.R. and Zu, Y. (2023). CUSUM-based
monitoring for explosive episodes in financial data in the presence of time-varying
volatility. Journal of Financial Econometrics 21(1), 187-227.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array, SeriesLike
from bubblescope.charts import ChartSpec, Line, Panel, VLine
from bubblescope.data.validate import validate_series
from bubblescope.detect._cusum import boundary as boundary_path
from bubblescope.detect._cusum import detector, kernel_weights
from bubblescope.detect.critical_values.cusum import CUSUMCV, hb_table8
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "MIN_TRAIN",
    "CUSUMMonitor",
    "CUSUMResult",
    "CUSUMUpdate",
    "cusum_monitor",
    "training_and_horizon",
]

#: Fewest training points (HB tabulate n >= 20; below 10 the variance estimate is too noisy).
MIN_TRAIN = 10

Critical = Literal["simulated", "table"] | float


def _fmt(label: Any) -> str:
    return str(label.date()) if isinstance(label, pd.Timestamp) else str(label)


def _resolve_b(
    critical: Critical,
    cv: CUSUMCV | None,
    n: int,
    N: int,
    level: float,
    demean: bool,
    bandwidth: int | None,
) -> tuple[float, str]:
    """The boundary constant and how it was obtained."""
    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    if isinstance(critical, (int, float)) and not isinstance(critical, bool):
        if not math.isfinite(critical):
            raise InputError(f"boundary constant must be finite, got {critical}")
        return float(critical), "given"
    if critical == "table":
        if bandwidth is not None:
            raise InputError(
                "Homm-Breitung Table 8(i) is for their detector, not the volatility-robust one",
                hint="use critical='simulated' with a bandwidth",
            )
        if demean:
            raise InputError(
                "Homm-Breitung Table 8(i) is for the detector without drift removal",
                hint="use critical='simulated' with demean=True",
            )
        if (N % n) != 0:
            raise InputError(f"Table 8 needs N/n to be an integer, got N={N}, n={n}")
        return hb_table8(n, N // n, level), "Homm-Breitung (2012) Table 8(i)"
    if critical == "simulated":
        sim = cv if cv is not None else CUSUMCV()
        sim = CUSUMCV(
            reps=sim.reps,
            rng=sim.rng,
            levels=(level,),
            cache=sim.cache,
            n_jobs=sim.n_jobs,
            executor=sim.executor,
            progress=sim.progress,
        )
        b = float(sim.compute(n, N, demean=demean, bandwidth=bandwidth)[0])
        return b, f"simulated ({sim.reps} random walks, seed {sim.rng})"
    raise InputError(f"unknown critical {critical!r}", hint="use 'simulated', 'table' or a number")


def _check_bandwidth(bandwidth: int | None, n: int) -> None:
    if bandwidth is None:
        return
    if isinstance(bandwidth, bool) or not isinstance(bandwidth, int) or bandwidth < 1:
        raise InputError(f"bandwidth must be a positive integer, got {bandwidth!r}")
    if bandwidth >= n:
        raise InputError(
            f"the kernel bandwidth ({bandwidth}) needs a longer training sample ({n} points)",
            hint="use a training sample longer than the bandwidth",
        )


def _training(history: SeriesLike, name: str | None, demean: bool) -> tuple[pd.Series, float]:
    """The validated training sample and its mean difference (0 unless ``demean``)."""
    v = validate_series(
        history,
        min_points=MIN_TRAIN,
        positive=False,
        nonconstant=False,
        name=name,
        purpose="CUSUM monitoring (training sample)",
    )
    s = v.series.astype(np.float64)
    label = str(name or s.name or "series")
    dy = np.diff(s.to_numpy())
    mu = float(dy.mean()) if demean else 0.0
    if not float(np.sum((dy - mu) ** 2)) > 0.0:
        raise InputError(
            f"{label}: the training sample's volatility is zero "
            + ("(its differences are constant)" if demean else "(the series is constant)"),
            hint="the CUSUM detector divides by the standard deviation of the differences",
        )
    return s, mu


@dataclass(frozen=True)
class CUSUMUpdate:
    """State after one appended observation.

    Attributes
    ----------
    date : Timestamp or int
        Label of the observation.
    statistic, boundary : float
        Detector ``S_t`` and boundary at ``t``.
    alarm : bool
        Whether the detector is above the boundary at ``t``.
    first_alarm : bool
        Whether ``t`` is the monitor's first crossing (HB's detection date).
    """

    date: Any
    statistic: float
    boundary: float
    alarm: bool
    first_alarm: bool


@dataclass(frozen=True)
class CUSUMResult(ResultMixin):
    """CUSUM detector path, its boundary and the first crossing.

    Attributes
    ----------
    name : str
    index : pandas.Index
        Labels of the monitored observations (after the training sample).
    statistic, boundary : ndarray
        Detector and boundary at each monitored observation.
    n_train : int
        Training points ``n``.
    train_start, train_end : Timestamp or int
        First and last training labels.
    horizon : int
        Monitored observations over which the false-alarm rate is ``1 - level``.
    b : float
        Boundary constant.
    level : float
        ``1 -`` the false-alarm rate over the horizon.
    method : str
        Where ``b`` comes from.
    demean : bool
        Whether the training drift was removed.
    bandwidth : int or None
        Kernel bandwidth of the volatility-robust detector (None: HB's running variance).
    """

    name: str
    index: pd.Index
    statistic: Float64Array
    boundary: Float64Array
    n_train: int
    train_start: Any
    train_end: Any
    horizon: int
    b: float
    level: float
    method: str
    demean: bool
    bandwidth: int | None = None

    @property
    def alarms(self) -> pd.Series:
        """Detector above the boundary, per monitored observation."""
        return pd.Series(self.statistic > self.boundary, index=self.index, name="alarm")

    @property
    def first_alarm(self) -> Any:
        """Label of the first crossing (HB's detection date), or None."""
        hit = np.flatnonzero(self.statistic > self.boundary)
        return self.index[int(hit[0])] if len(hit) else None

    def summary(self) -> str:
        """Training sample, boundary constant, first crossing and the latest reading."""
        m = len(self.statistic)
        lines = [
            f"{self._title()}: {self.name}",
            f"  training {_fmt(self.train_start)}..{_fmt(self.train_end)} ({self.n_train} obs"
            + (", drift removed" if self.demean else "")
            + f"), monitored {m} obs",
            f"  boundary sqrt(t (b + log(t/n))), b = {self.b:.3f} ({self.method}): "
            f"false-alarm rate {1 - self.level:.0%} over {self.horizon} monitored obs",
        ]
        hit = np.flatnonzero(self.statistic > self.boundary)
        if not len(hit):
            lines.append("  no crossing: no explosive episode detected")
        else:
            i = int(hit[0])
            lines.append(
                f"  first crossing {_fmt(self.index[i])} ({i + 1} obs after training): "
                f"S = {self.statistic[i]:.3f} > boundary {self.boundary[i]:.3f}"
            )
        if m:
            state = "above" if self.statistic[-1] > self.boundary[-1] else "below"
            lines.append(
                f"  latest {_fmt(self.index[-1])}: S = {self.statistic[-1]:.3f}, "
                f"boundary {self.boundary[-1]:.3f} ({state})"
            )
        return "\n".join(lines)

    def _title(self) -> str:
        if self.bandwidth is None:
            return "CUSUM monitor (Homm & Breitung 2012)"
        return f"Volatility-robust CUSUM monitor (Astill et al. 2023, kernel H={self.bandwidth})"

    def to_frame(self) -> pd.DataFrame:
        """Detector, boundary and alarm per monitored observation."""
        return pd.DataFrame(
            {
                "statistic": self.statistic,
                "boundary": self.boundary,
                "alarm": self.statistic > self.boundary,
            },
            index=self.index,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (dates as ISO strings)."""
        first = self.first_alarm
        return {
            "name": self.name,
            "method": "cusum" if self.bandwidth is None else "cusum-volatility-robust",
            "bandwidth": self.bandwidth,
            "n_train": self.n_train,
            "train_start": _fmt(self.train_start),
            "train_end": _fmt(self.train_end),
            "horizon": self.horizon,
            "b": self.b,
            "level": self.level,
            "critical": self.method,
            "demean": self.demean,
            "first_alarm": None if first is None else _fmt(first),
            "index": [_fmt(x) for x in self.index],
            "statistic": [float(x) for x in self.statistic],
            "boundary": [float(x) for x in self.boundary],
        }

    def chart_spec(self) -> ChartSpec:
        """The detector against its boundary, the first crossing marked."""
        first = self.first_alarm
        return ChartSpec(
            f"{self.name}: {self._title()}",
            (
                Panel(
                    "no crossing" if first is None else f"first crossing {_fmt(first)}",
                    "standardised CUSUM",
                    lines=(
                        Line(self.index, self.statistic, "detector S_t", color="#0072B2"),
                        Line(
                            self.index,
                            self.boundary,
                            f"boundary (b = {self.b:.2f}, {self.level:.0%})",
                            color="#D55E00",
                            dash="dash",
                        ),
                    ),
                    vlines=() if first is None else (VLine(first, "first crossing"),),
                ),
            ),
            source=f"bubblescope.detect.cusum_monitor on {self.name}; training "
            f"{_fmt(self.train_start)}..{_fmt(self.train_end)}; b: {self.method}",
        )


class CUSUMMonitor:
    """Homm-Breitung CUSUM monitoring with O(1) work per new observation.

    Parameters
    ----------
    history : SeriesLike
        The training sample, taken to be free of exuberance (at least :data:`MIN_TRAIN`
        points; log prices for a bubble in the growth rate).
    horizon : int, optional
        Monitored observations over which the false-alarm rate is ``1 - level``
        (default: as many as the training sample, HB's ``k = 2``). Monitoring may run past
        it; the boundary keeps its shape there.
    level : float
        One minus the false-alarm rate over the horizon.
    critical : {"simulated", "table"} or float
        The boundary constant ``b``: simulated for this ``n`` and horizon (``cv``), HB's
        Table 8(i) (n in 20/50/100, horizon a multiple 1..9 of n in the table), or a number.
    cv : CUSUMCV, optional
        Simulation settings (default ``CUSUMCV()``: 2,000 walks, seed 0, cached).
    demean : bool
        Remove the training sample's mean difference (drift) from every difference.
    bandwidth : int, optional
        The volatility-robust detector (Astill et al. 2023) with this kernel bandwidth
        (their recommended 20); None: HB's detector. O(bandwidth) work per observation.
    name : str, optional

    Raises
    ------
    InputError
        Training sample too short (or not longer than the bandwidth), with NaN/inf, or with
        zero volatility; a bad level or constant; a Table 8 cell that does not exist; an
        appended value whose spot volatility is zero.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(1).standard_normal(60))
    >>> mon = CUSUMMonitor(y[:40], critical=2.0)
    >>> mon.append(float(y[40])).date
    40
    """

    def __init__(
        self,
        history: SeriesLike,
        *,
        horizon: int | None = None,
        level: float = 0.95,
        critical: Critical = "simulated",
        cv: CUSUMCV | None = None,
        demean: bool = False,
        bandwidth: int | None = None,
        name: str | None = None,
    ) -> None:
        train, mu = _training(history, name, demean)
        n = len(train)
        _check_bandwidth(bandwidth, n)
        h = n if horizon is None else int(horizon)
        if h < 1:
            raise InputError(f"horizon must be at least 1 observation, got {horizon}")
        self.name = str(name or train.name or "series")
        self.n_train = n
        self.horizon = h
        self.level = float(level)
        self.demean = bool(demean)
        self.bandwidth = bandwidth
        self.b, self.method = _resolve_b(critical, cv, n, n + h, self.level, self.demean, bandwidth)
        self._mu = mu
        values = train.to_numpy()
        dy = np.diff(values) - mu
        self._ss = float(np.cumsum(dy * dy)[-1])
        self._w = None if bandwidth is None else kernel_weights(bandwidth)
        self._recent: deque[float] = (
            deque((float(v * v) for v in dy[::-1][:bandwidth]), maxlen=bandwidth + 1)
            if bandwidth is not None
            else deque()
        )
        self._sv = 0.0
        self._ref = float(values[-1])
        self._last = float(values[-1])
        self._dated = isinstance(train.index, pd.DatetimeIndex)
        self._train_labels = (train.index[0], train.index[-1])
        self._labels: list[Any] = []
        self._stat: list[float] = []
        self._bound: list[float] = []
        self._first: int | None = None

    def append(self, value: float, date: Any = None) -> CUSUMUpdate:
        """Add one observation; return the detector, the boundary and the alarm state."""
        x = float(value)
        if not math.isfinite(x):
            raise InputError(f"appended value must be finite, got {value!r}")
        last_label = self._labels[-1] if self._labels else self._train_labels[1]
        if self._dated:
            if date is None:
                raise InputError("this monitor has dated history: pass date= with each value")
            label: Any = pd.Timestamp(date)
            if label <= last_label:
                raise InputError(
                    f"date {label.date()} is not after the last date {last_label.date()}"
                )
        else:
            label = self.n_train + len(self._labels) if date is None else date
        d = x - self._last - self._mu
        k = len(self._labels) + 1  # monitored observations so far
        i = self.n_train - 1 + k  # 0-based position
        if self._w is None:
            self._ss += d * d
            s = (x - self._ref - self._mu * k) / math.sqrt(self._ss / i)
        else:
            self._recent.appendleft(d * d)
            spot = math.sqrt(sum(w * q for w, q in zip(self._w, self._recent, strict=True)))
            if not spot > 0.0:
                self._recent.popleft()
                raise InputError(
                    f"{self.name}: zero spot volatility at {label}: the last "
                    f"{len(self._w)} differences are all equal"
                )
            self._sv += d / spot
            s = self._sv
        self._last = x
        t = float(i + 1)
        bound = math.sqrt(t * (self.b + math.log(t / self.n_train)))
        alarm = s > bound
        first = alarm and self._first is None
        if first:
            self._first = k - 1
        self._labels.append(label)
        self._stat.append(s)
        self._bound.append(bound)
        return CUSUMUpdate(label, s, bound, alarm, first)

    def result(self) -> CUSUMResult:
        """The path so far as a :class:`CUSUMResult`."""
        index = pd.DatetimeIndex(self._labels) if self._dated else pd.Index(self._labels)
        return CUSUMResult(
            name=self.name,
            index=index,
            statistic=np.asarray(self._stat, dtype=np.float64),
            boundary=np.asarray(self._bound, dtype=np.float64),
            n_train=self.n_train,
            train_start=self._train_labels[0],
            train_end=self._train_labels[1],
            horizon=self.horizon,
            b=self.b,
            level=self.level,
            method=self.method,
            demean=self.demean,
            bandwidth=self.bandwidth,
        )


def cusum_monitor(
    data: SeriesLike,
    *,
    train: int | float = 0.5,
    horizon: int | None = None,
    level: float = 0.95,
    critical: Critical = "simulated",
    cv: CUSUMCV | None = None,
    demean: bool = False,
    bandwidth: int | None = None,
    name: str | None = None,
) -> CUSUMResult:
    """Homm-Breitung CUSUM monitoring of a whole series at once.

    Parameters
    ----------
    data : SeriesLike
        The series (log prices for a bubble in the growth rate).
    train : int or float
        Training points ``n``, or a fraction of the sample in (0, 1) (rounded).
    horizon : int, optional
        Monitored observations over which the false-alarm rate is ``1 - level`` (default:
        the rest of the sample).
    level, critical, cv, demean, bandwidth, name
        As for :class:`CUSUMMonitor`.

    Returns
    -------
    CUSUMResult
        Equal to :class:`CUSUMMonitor` fed the same observations, to floating-point order.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(0).standard_normal(200))
    >>> res = cusum_monitor(y, train=100, critical="table")
    >>> res.b
    1.51
    """
    v = validate_series(
        data, min_points=MIN_TRAIN + 1, positive=False, nonconstant=False, name=name,
        purpose="CUSUM monitoring",
    )  # fmt: skip
    s = v.series.astype(np.float64)
    label = str(name or s.name or "series")
    T = len(s)
    if isinstance(train, float) and not isinstance(train, bool):
        if not 0.0 < train < 1.0:
            raise InputError(f"a training fraction must lie in (0, 1), got {train}")
        n = round(train * T)
    else:
        n = int(train)
    if n < MIN_TRAIN:
        raise InputError(
            f"{label}: the training sample has {n} points; CUSUM monitoring needs at least "
            f"{MIN_TRAIN}",
            hint="use a longer series or a larger train",
        )
    if n >= T:
        raise InputError(
            f"{label}: the {n}-point training sample leaves nothing to monitor ({T} points)"
        )
    train_s, _ = _training(s.iloc[:n], label, demean)
    _check_bandwidth(bandwidth, n)
    h = T - n if horizon is None else int(horizon)
    if h < 1:
        raise InputError(f"horizon must be at least 1 observation, got {horizon}")
    b, method = _resolve_b(critical, cv, n, n + h, float(level), demean, bandwidth)
    values: Float64Array = np.asarray(s.to_numpy(), dtype=np.float64)
    stat, sigma = detector(values, n, demean=demean, bandwidth=bandwidth)
    if not np.all(sigma > 0.0):
        where = s.index[n + int(np.argmin(sigma > 0.0))]
        raise InputError(
            f"{label}: zero spot volatility at {_fmt(where)}: the last {bandwidth} + 1 "
            "differences are all equal"
        )
    return CUSUMResult(
        name=label,
        index=s.index[n:],
        statistic=np.asarray(stat, dtype=np.float64),
        boundary=boundary_path(n, T, b),
        n_train=n,
        train_start=train_s.index[0],
        train_end=train_s.index[-1],
        horizon=h,
        b=b,
        level=float(level),
        method=method,
        demean=bool(demean),
        bandwidth=bandwidth,
    )


def training_and_horizon(
    dates: pd.DatetimeIndex, train_years: float, horizon_years: float
) -> tuple[int, int]:
    """Training points in the first ``train_years`` and monitored points in ``horizon_years``.

    Both come from the training dates alone (observations per year over the training span),
    so the monitor set up at the end of training does not depend on later data.

    Raises
    ------
    InputError
        Non-positive years, or a training sample that covers the whole series.
    """
    if not train_years > 0 or not horizon_years > 0:
        raise InputError("train_years and horizon_years must be positive")
    end = dates[0] + pd.DateOffset(months=round(12 * train_years))
    n = int(dates.searchsorted(end, side="left"))
    if n >= len(dates):
        raise InputError(
            f"the {train_years}-year training sample covers the whole history; nothing is "
            "left to monitor",
            hint="use a longer history or a shorter training sample",
        )
    span = (dates[n - 1] - dates[0]).days / 365.25
    per_year = (n - 1) / span if span > 0 else 1.0
    return n, max(1, round(horizon_years * per_year))
