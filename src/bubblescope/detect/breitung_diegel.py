"""Sequential bubble detectors of Breitung & Diegel (2025): CUSUM, mCUSUM and wCUSUM monitoring.

Breitung & Diegel derive the locally best invariant (LBI) test against an explosive
alternative: it is the standardised sum of the first differences. Monitored after a training
sample of ``T0`` observations over a horizon of ``Tm`` (fixed in advance), with ``sigma`` the
standard deviation of the training differences:

* **CUSUM**: ``LBI_j = (d_1 + ... + d_j) / (sigma sqrt(Tm - 1))`` against the linear boundary
  ``gamma (1 + 2 j / Tm)`` (Brown, Durbin & Evans 1975);
* **mCUSUM**: the same detector against a constant boundary ``b`` (the running maximum of a
  Brownian motion on [0, 1]: ``b = 1.95`` at 5%), more powerful against explosive paths, which
  grow fastest at the end;
* **wCUSUM**: the differences weighted by ``exp(cbar j / Tm)`` and divided by the current
  weight, ``phi_j = sum_{i<=j} exp(-cbar (j - i) / (Tm - 1)) d_i / (sigma sqrt(Tm - 1))``, an
  Ornstein-Uhlenbeck path in the limit, against a constant ``gamma_cbar`` (BD section 4.2;
  ``cbar = 2.1`` with 5% constant 1.25 is their calibration for 50% power at ``rho = 1.02``).

A bubble is signalled at the first monitored point whose detector is above its boundary; the
alarm state is the detector above the boundary. Each new observation costs O(1).

Constants: Table 1 of the paper (CUSUM ``gamma`` and the mCUSUM ``b``, asymptotic, 1,000,000
replications) and, for wCUSUM monitoring, the table of the replication code
(``Table5_Monitoring.m``, by ``cbar`` and level; the paper quotes its 1.25 for ``cbar = 2.1``
at 5%); or simulated for the actual ``T0`` and ``Tm``
(:class:`~bubblescope.detect.critical_values.sequential.SequentialCV`, seeded and cached).
``demean=True`` removes the training sample's mean difference (a drift) from every monitored
difference, with simulated constants. The normalisations ``sqrt(Tm - 1)`` and the demeaned
standard deviation follow the replication code (``BubbleCUSUMmonitoring.m``).

References
----------
Breitung, J. and Diegel, M. (2025). Sequential detector statistics for speculative bubbles.
Journal of Time Series Analysis (working paper of May 2025 and replication files:
github.com/maxcd/SequentialBubbleDetectors).
Brown, R.L., Durbin, J. and Evans, J.M. (1975). Techniques for testing the constancy of
regression relationships over time. JRSS B 37(2), 149-192.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from bubblescope._typing import SeriesLike
from bubblescope.detect._bd import Detector, detector_path, shape
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.sequential import (
    Feed,
    SequentialResult,
    path_result,
    split_training,
    training_sample,
)
from bubblescope.errors import InputError

__all__ = [
    "BD_LEVELS",
    "BD_TABLE1",
    "BD_WCUSUM_MONITORING",
    "MIN_TRAIN",
    "BDMonitor",
    "BDUpdate",
    "bd_monitor",
    "bd_table",
]

#: Fewest training points (the standard deviation of fewer than 9 differences is too noisy).
MIN_TRAIN = 10
#: Levels (one minus the false-alarm rate) of the tables' columns.
BD_LEVELS: tuple[float, ...] = (0.90, 0.95, 0.975, 0.99, 0.995)
#: BD (2025) Table 1: one-sided asymptotic constants, CUSUM ``gamma`` and mCUSUM ``b``.
BD_TABLE1: dict[str, tuple[float, ...]] = {
    "cusum": (0.74, 0.85, 0.95, 1.06, 1.14),
    "mcusum": (1.64, 1.95, 2.24, 2.57, 2.80),
}
#: wCUSUM monitoring constants by ``cbar`` (replication code ``Table5_Monitoring.m``).
BD_WCUSUM_MONITORING: dict[float, tuple[float, ...]] = {
    0.0: (1.62, 1.95, 2.25, 2.62, 2.88),
    1.0: (1.28, 1.50, 1.69, 1.93, 2.08),
    2.0: (1.10, 1.26, 1.41, 1.59, 1.71),
    2.1: (1.09, 1.25, 1.39, 1.57, 1.69),
    3.0: (0.98, 1.12, 1.24, 1.38, 1.48),
    4.0: (0.90, 1.01, 1.12, 1.24, 1.33),
    5.0: (0.84, 0.94, 1.03, 1.14, 1.22),
    6.0: (0.79, 0.88, 0.96, 1.06, 1.14),
    8.0: (0.72, 0.80, 0.87, 0.95, 1.00),
}
DETECTORS: tuple[Detector, ...] = ("cusum", "mcusum", "wcusum")
_NAMES = {"cusum": "CUSUM", "mcusum": "mCUSUM", "wcusum": "wCUSUM"}

Critical = Literal["simulated", "table"] | float


def bd_table(detector: Detector, level: float, cbar: float = 2.1) -> float:
    """The published constant for ``detector`` at ``level`` (and ``cbar`` for wCUSUM).

    Raises
    ------
    InputError
        A level or ``cbar`` the tables do not have (simulate with :class:`SequentialCV`).
    """
    col = next((i for i, v in enumerate(BD_LEVELS) if abs(v - level) < 1e-9), None)
    row = BD_WCUSUM_MONITORING.get(round(cbar, 6)) if detector == "wcusum" else BD_TABLE1[detector]
    if col is None or row is None:
        raise InputError(
            f"Breitung-Diegel's tables have no {_NAMES[detector]} constant for level={level}"
            + (f", cbar={cbar}" if detector == "wcusum" else ""),
            hint=f"levels {BD_LEVELS}; wCUSUM cbar in {sorted(BD_WCUSUM_MONITORING)}; "
            "or critical='simulated'",
        )
    return row[col]


def _check(detector: str, cbar: float, horizon: int) -> Detector:
    if detector not in DETECTORS:
        raise InputError(f"unknown detector {detector!r}", hint=f"one of {DETECTORS}")
    if not (math.isfinite(cbar) and cbar >= 0.0):
        raise InputError(f"cbar must be finite and non-negative, got {cbar}")
    if horizon < 2:
        raise InputError(f"the monitoring horizon must be at least 2 observations, got {horizon}")
    return detector


def _resolve(
    critical: Critical,
    cv: SequentialCV | None,
    *,
    n: int,
    horizon: int,
    detector: Detector,
    cbar: float,
    level: float,
    demean: bool,
) -> tuple[float, str]:
    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    if isinstance(critical, (int, float)) and not isinstance(critical, bool):
        if not math.isfinite(critical):
            raise InputError(f"boundary constant must be finite, got {critical}")
        return float(critical), "given constant"
    if critical == "table":
        if demean:
            raise InputError(
                "Breitung-Diegel's tables are for the detectors without drift removal",
                hint="use critical='simulated' with demean=True",
            )
        where = "Table 1" if detector != "wcusum" else "replication code, wCUSUM monitoring"
        return bd_table(detector, level, cbar), f"Breitung-Diegel (2025) {where}"
    if critical != "simulated":
        raise InputError(
            f"unknown critical {critical!r}", hint="use 'simulated', 'table' or a number"
        )
    base = cv if cv is not None else SequentialCV()
    sim = SequentialCV(
        reps=base.reps, rng=base.rng, levels=(level,), cache=base.cache, n_jobs=base.n_jobs,
        executor=base.executor, progress=base.progress,
    )  # fmt: skip
    value = sim.compute(
        "bd", n=n, horizon=horizon, detector=detector, cbar=float(cbar), demean=demean
    )
    return float(value[0]), f"simulated ({sim.reps} random walks, seed {sim.rng})"


def _training(values: np.ndarray, demean: bool, label: str) -> tuple[float, float]:
    """Standard deviation (ddof 1) and mean of the training differences."""
    d = np.diff(values)
    sigma = float(d.std(ddof=1))
    if not sigma > 0.0:
        raise InputError(
            f"{label}: the training sample's volatility is zero (its differences are constant)",
            hint="the Breitung-Diegel detectors divide by the training standard deviation",
        )
    return sigma, float(d.mean()) if demean else 0.0


def _title(detector: Detector, cbar: float) -> str:
    extra = f", cbar={cbar:g}" if detector == "wcusum" else ""
    return f"{_NAMES[detector]} monitor (Breitung & Diegel 2025{extra})"


@dataclass(frozen=True)
class BDUpdate:
    """State after one appended observation.

    Attributes
    ----------
    date : Timestamp or int
    statistic, boundary : float
        Detector and boundary at the new observation.
    alarm : bool
        The detector is above the boundary.
    """

    date: Any
    statistic: float
    boundary: float
    alarm: bool


class BDMonitor:
    """Breitung-Diegel sequential monitoring with O(1) work per new observation.

    Parameters
    ----------
    history : SeriesLike
        Training sample free of bubbles (at least :data:`MIN_TRAIN` points; log prices).
    horizon : int, optional
        Monitoring horizon ``Tm`` (default: as many as the training sample, BD's design).
        Monitoring may run past it; the boundary keeps its shape.
    detector : {"wcusum", "mcusum", "cusum"}
    cbar : float
        wCUSUM weighting (BD: 2.1 for monitoring); ignored by the others.
    level : float
        One minus the false-alarm rate over the horizon.
    critical : {"simulated", "table"} or float
        Simulated for this ``T0`` and ``Tm`` (``cv``), BD's tables, or a number.
    cv : SequentialCV, optional
    demean : bool
        Remove the training mean difference (drift) from every monitored difference.
    name : str, optional

    Raises
    ------
    InputError
        Training sample too short, with NaN/inf, or with zero volatility; a horizon under 2,
        a bad detector, ``cbar``, level or constant; a table cell that does not exist.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(1).standard_normal(100))
    >>> mon = BDMonitor(y[:50], critical="table")
    >>> mon.boundary_constant
    1.25
    """

    def __init__(
        self,
        history: SeriesLike,
        *,
        horizon: int | None = None,
        detector: Detector = "wcusum",
        cbar: float = 2.1,
        level: float = 0.95,
        critical: Critical = "simulated",
        cv: SequentialCV | None = None,
        demean: bool = False,
        name: str | None = None,
    ) -> None:
        train = training_sample(history, name, MIN_TRAIN, "Breitung-Diegel monitoring (training)")
        self.name = str(name or train.name or "series")
        values = train.to_numpy()
        n = len(values)
        self.horizon = n if horizon is None else int(horizon)
        self.detector = _check(detector, float(cbar), self.horizon)
        self.cbar = float(cbar)
        self.level = float(level)
        self.demean = bool(demean)
        self.sigma, self._mu = _training(values, self.demean, self.name)
        self.boundary_constant, self.critical = _resolve(
            critical, cv, n=n, horizon=self.horizon, detector=self.detector, cbar=self.cbar,
            level=self.level, demean=self.demean,
        )  # fmt: skip
        self._scale = self.sigma * math.sqrt(self.horizon - 1.0)
        self._phi = math.exp(-self.cbar / (self.horizon - 1.0))
        self._state = 0.0
        self._last = float(values[-1])
        self._feed = Feed(train)
        self._stat: list[float] = []
        self._bound: list[float] = []

    def append(self, value: float, date: Any = None) -> BDUpdate:
        """Add one observation; return the detector, the boundary and the alarm state."""
        x, label = self._feed.check(value, date)
        d = x - self._last - self._mu
        if self.detector == "wcusum":
            self._state = self._phi * self._state + d
        else:
            self._state += d
        stat = self._state / self._scale
        j = len(self._stat) + 1
        bound = self.boundary_constant * (
            1.0 + 2.0 * j / self.horizon if self.detector == "cusum" else 1.0
        )
        self._last = x
        self._feed.labels.append(label)
        self._stat.append(stat)
        self._bound.append(bound)
        return BDUpdate(label, stat, bound, stat > bound)

    def result(self) -> SequentialResult:
        """The path so far as a :class:`~bubblescope.detect.sequential.SequentialResult`."""
        return path_result(
            self._feed.index(),
            self._feed.n_train,
            self._feed.train_labels,
            self._stat,
            self._bound,
            name=self.name,
            title=_title(self.detector, self.cbar),
            method=f"bd-{self.detector}",
            horizon=self.horizon,
            false_alarm_rate=1.0 - self.level,
            critical=f"{self.critical}, constant {self.boundary_constant:.3f}",
            params={"detector": self.detector, "cbar": self.cbar, "demean": self.demean},
        )


def bd_monitor(
    data: SeriesLike,
    *,
    train: int | float = 0.5,
    horizon: int | None = None,
    detector: Detector = "wcusum",
    cbar: float = 2.1,
    level: float = 0.95,
    critical: Critical = "simulated",
    cv: SequentialCV | None = None,
    demean: bool = False,
    name: str | None = None,
) -> SequentialResult:
    """Breitung-Diegel monitoring of a whole series at once (equal to :class:`BDMonitor`).

    Parameters
    ----------
    data : SeriesLike
        The series (log prices).
    train : int or float
        Training points ``T0``, or a fraction of the sample in (0, 1).
    horizon : int, optional
        ``Tm``; default: the rest of the sample.
    detector, cbar, level, critical, cv, demean, name
        As for :class:`BDMonitor`.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(0).standard_normal(100))
    >>> float(bd_monitor(y, train=50, detector="mcusum", critical="table").boundary[0])
    1.95
    """
    s, n = split_training(data, train, MIN_TRAIN, name, "Breitung-Diegel monitoring")
    label = str(name or s.name or "series")
    values = s.to_numpy()
    h = len(values) - n if horizon is None else int(horizon)
    det = _check(detector, float(cbar), h)
    sigma, mu = _training(values[:n], demean, label)
    b, how = _resolve(
        critical, cv, n=n, horizon=h, detector=det, cbar=float(cbar), level=float(level),
        demean=bool(demean),
    )  # fmt: skip
    d = np.diff(values)[n - 1 :] - mu
    stat = detector_path(d, sigma, h, det, float(cbar))
    bound = b * shape(len(d), h, det)
    return path_result(
        s.index[n:],
        n,
        (s.index[0], s.index[n - 1]),
        stat,
        bound,
        name=label,
        title=_title(det, float(cbar)),
        method=f"bd-{det}",
        horizon=h,
        false_alarm_rate=1.0 - float(level),
        critical=f"{how}, constant {b:.3f}",
        params={"detector": det, "cbar": float(cbar), "demean": bool(demean)},
    )
