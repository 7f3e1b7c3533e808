"""Sign-based real-time monitoring robust to time-varying volatility (Harvey, Leybourne & Zu 2020).

HLZ replace a series by the cumulated sign of its first differences,
``C_t = sum_{j<=t} sign(y_j - y_{j-1})``, and apply the right-tailed Dickey-Fuller machinery
of Phillips, Wu & Yu (2011) to ``C``: signs carry no magnitude, so the null distribution does
not depend on the volatility path at all (their Theorem 2: exact invariance, no bootstrap),
while a bubble's run of rises still makes ``C`` explosive. Their sPWY statistic is the
supremum over ``r2 in [r0, 1]`` of the no-intercept DF t-ratio on ``C`` over ``[0, r2]``.

As a monitor: after a training sample of ``n`` points, the DF ratio of the window ending at
each new observation is compared with one constant, the ``level`` quantile of the supremum of
the null path over the monitoring horizon (``N = n + horizon``). That constant is the sPWY
critical value with ``r0 = n / N``, so the chance of any false alarm within the horizon is
``1 - level``, whatever the volatility: sequential application of HLZ's one-shot test whose
size is the whole monitoring period's. The constant is simulated for the actual ``n`` and ``N``
(:class:`~bubblescope.detect.critical_values.sequential.SequentialCV`, seeded and cached) or
given. ``demean=True`` uses the recursively demeaned signs of Harvey, Leybourne, Tatlow & Zu
(2025) (their s-bar statistic), which tolerates a drift (a non-zero median of the
differences) that would otherwise make ``C`` trend upward; its constant is simulated for it.

Each new observation costs O(1): running sums of the regression's cross products. Definitions
as exuber's development branch implements them (``R/radf_sign.R``, ``gls_dfstat_grid``: the
no-intercept ratio with the residual variance on ``L - 1`` degrees of freedom, ``sign(0) =
0``); the paper's own text was not available here. The check that they are HLZ's: the
simulated sPWY critical values for ``r0 = 0.1`` match HLZ's Table 1 (2.410, 2.734, 3.248 at
10/5/1%, as quoted by exuber's ``radf_sign_cv`` documentation) within Monte Carlo error.

References
----------
Harvey, D.I., Leybourne, S.J. and Zu, Y. (2020). Sign-based unit root tests for explosive
financial bubbles in the presence of deterministically time-varying volatility. Econometric
Theory 36(1), 122-169.
Harvey, D.I., Leybourne, S.J., Tatlow, D. and Zu, Y. (2025). Unit root tests for explosive
financial bubbles in the presence of deterministic level shifts. Oxford Bulletin of Economics
and Statistics 87(5), 879-901.
Phillips, P.C.B., Wu, Y. and Yu, J. (2011). Explosive behavior in the 1990s NASDAQ: when did
exuberance escalate asset values? International Economic Review 52(1), 201-226.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from bubblescope._typing import SeriesLike
from bubblescope.detect._sign import df_path, sign_increments
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.sequential import (
    Feed,
    SequentialResult,
    path_result,
    split_training,
    training_sample,
)
from bubblescope.errors import InputError

__all__ = ["MIN_TRAIN", "SignMonitor", "SignUpdate", "sign_monitor"]

#: Fewest training points (HLZ's r0 = 0.1 of 100 observations is 10).
MIN_TRAIN = 10

Critical = Literal["simulated"] | float


def _title(demean: bool) -> str:
    variant = "recursively demeaned signs, HLTZ 2025" if demean else "HLZ 2020"
    return f"Sign-based DF monitor ({variant})"


def _resolve(
    critical: Critical, cv: SequentialCV | None, n: int, N: int, level: float, demean: bool
) -> tuple[float, str]:
    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    if isinstance(critical, (int, float)) and not isinstance(critical, bool):
        if not math.isfinite(critical):
            raise InputError(f"critical value must be finite, got {critical}")
        return float(critical), "given constant"
    if critical != "simulated":
        raise InputError(f"unknown critical {critical!r}", hint="use 'simulated' or a number")
    base = cv if cv is not None else SequentialCV()
    sim = SequentialCV(
        reps=base.reps, rng=base.rng, levels=(level,), cache=base.cache, n_jobs=base.n_jobs,
        executor=base.executor, progress=base.progress,
    )  # fmt: skip
    value = float(sim.compute("sign", n=n, N=N, demean=demean)[0])
    return (
        value,
        f"sPWY constant simulated for r0 = {n}/{N} ({sim.reps} sign walks, seed {sim.rng})",
    )


def _check_training(values: np.ndarray, demean: bool, label: str) -> tuple[float, float, float]:
    """Running sums ``Sxx, Sxy, Syy`` at the end of training (typed error if degenerate)."""
    dc = sign_increments(values, demean=demean)
    _, sxx, ssr = df_path(dc, len(values))
    if not (sxx[-1] > 0.0 and ssr[-1] > 0.0):
        raise InputError(
            f"{label}: the training sample's volatility is zero (no price change, or no "
            "variation in the signs of the changes)",
            hint="the sign-based DF ratio divides by the variation of the cumulated signs",
        )
    c = np.concatenate([[0.0], np.cumsum(dc)])
    lag = c[:-1]
    return float(np.sum(lag * lag)), float(np.sum(lag * dc)), float(np.sum(dc * dc))


@dataclass(frozen=True)
class SignUpdate:
    """State after one appended observation.

    Attributes
    ----------
    date : Timestamp or int
    statistic, boundary : float
        Sign-based DF ratio and the constant boundary.
    alarm : bool
        The ratio is above the boundary.
    """

    date: Any
    statistic: float
    boundary: float
    alarm: bool


class SignMonitor:
    """HLZ sign-based monitoring with O(1) work per new observation.

    Parameters
    ----------
    history : SeriesLike
        Training sample free of bubbles (at least :data:`MIN_TRAIN` points; log prices).
    horizon : int, optional
        Monitored observations over which the false-alarm rate is ``1 - level`` (default: as
        many as the training sample, ``r0 = 0.5``). Monitoring may run past it with the same
        boundary.
    level : float
        One minus the false-alarm rate over the horizon.
    critical : "simulated" or float
        The boundary: simulated for this ``n`` and horizon (``cv``), or a number.
    cv : SequentialCV, optional
        Simulation settings (default 2,000 walks, seed 0, cached).
    demean : bool
        Recursively demeaned signs (HLTZ 2025), for a series with drift.
    name : str, optional

    Raises
    ------
    InputError
        Training sample too short, with NaN/inf, or with zero volatility (no sign variation);
        a bad level or constant; a non-finite or out-of-order appended value.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(1).standard_normal(60))
    >>> mon = SignMonitor(y[:40], critical=2.5)
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
        cv: SequentialCV | None = None,
        demean: bool = False,
        name: str | None = None,
    ) -> None:
        train = training_sample(history, name, MIN_TRAIN, "sign-based monitoring (training)")
        self.name = str(name or train.name or "series")
        values = train.to_numpy()
        n = len(values)
        self.horizon = n if horizon is None else int(horizon)
        if self.horizon < 1:
            raise InputError(f"horizon must be at least 1 observation, got {horizon}")
        self.level = float(level)
        self.demean = bool(demean)
        self._sxx, self._sxy, self._syy = _check_training(values, self.demean, self.name)
        self.boundary, self.critical = _resolve(
            critical, cv, n, n + self.horizon, self.level, self.demean
        )
        dy = np.diff(values)
        self._c = float(np.sum(sign_increments(values, demean=self.demean)))
        self._ssum = float(np.sum(np.sign(dy)))  # running sum of raw signs (for demeaning)
        self._rows = n - 1
        self._last = float(values[-1])
        self._feed = Feed(train)
        self._stat: list[float] = []

    def append(self, value: float, date: Any = None) -> SignUpdate:
        """Add one observation; return the DF ratio, the boundary and the alarm state."""
        x, label = self._feed.check(value, date)
        s = float(np.sign(x - self._last))
        self._ssum += s
        self._rows += 1
        dc = s - self._ssum / self._rows if self.demean else s
        self._sxx += self._c * self._c
        self._sxy += self._c * dc
        self._syy += dc * dc
        self._c += dc
        ssr = self._syy - self._sxy * self._sxy / self._sxx
        stat = self._sxy / math.sqrt(ssr / (self._rows - 1) * self._sxx)
        self._last = x
        self._feed.labels.append(label)
        self._stat.append(stat)
        return SignUpdate(label, stat, self.boundary, stat > self.boundary)

    def result(self) -> SequentialResult:
        """The path so far as a :class:`~bubblescope.detect.sequential.SequentialResult`."""
        return path_result(
            self._feed.index(),
            self._feed.n_train,
            self._feed.train_labels,
            self._stat,
            self.boundary,
            name=self.name,
            title=_title(self.demean),
            method="sign-demeaned" if self.demean else "sign",
            horizon=self.horizon,
            false_alarm_rate=1.0 - self.level,
            critical=self.critical,
            params={"demean": self.demean},
        )


def sign_monitor(
    data: SeriesLike,
    *,
    train: int | float = 0.5,
    horizon: int | None = None,
    level: float = 0.95,
    critical: Critical = "simulated",
    cv: SequentialCV | None = None,
    demean: bool = False,
    name: str | None = None,
) -> SequentialResult:
    """Sign-based monitoring of a whole series at once (equal to :class:`SignMonitor`).

    Parameters
    ----------
    data : SeriesLike
        The series (log prices).
    train : int or float
        Training points, or a fraction of the sample in (0, 1).
    horizon : int, optional
        Default: the rest of the sample.
    level, critical, cv, demean, name
        As for :class:`SignMonitor`.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(0).standard_normal(200))
    >>> sign_monitor(y, train=100, critical=2.5).horizon
    100
    """
    s, n = split_training(data, train, MIN_TRAIN, name, "sign-based monitoring")
    label = str(name or s.name or "series")
    values = s.to_numpy()
    _check_training(values[:n], demean, label)
    h = len(values) - n if horizon is None else int(horizon)
    if h < 1:
        raise InputError(f"horizon must be at least 1 observation, got {horizon}")
    boundary, how = _resolve(critical, cv, n, n + h, float(level), demean)
    stat, _, _ = df_path(sign_increments(values, demean=demean), n)
    return path_result(
        s.index[n:],
        n,
        (s.index[0], s.index[n - 1]),
        stat[1:],
        boundary,
        name=label,
        title=_title(demean),
        method="sign-demeaned" if demean else "sign",
        horizon=h,
        false_alarm_rate=1.0 - float(level),
        critical=how,
        params={"demean": bool(demean)},
    )
