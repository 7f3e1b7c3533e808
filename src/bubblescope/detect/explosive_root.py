"""The explosive root of a dated episode: estimate, confidence interval and doubling time.

PSY says whether and when a series was explosive; this says how fast. Over the episode's
observations ``y_s..y_e`` the no-intercept AR(1) ``y_t = rho y_{t-1} + e_t`` is fitted by OLS
(``Delta y_t`` on ``y_{t-1}``, ``n = e - s`` differences, ``sigma^2 = SSR / (n - 1)``), the
model of Phillips & Magdalinos (2007) without the intercept that would add a deterministic
explosive component. The interval follows the development branch of R's exuber
(``rootstamp()`` in R/rootstamp.R, which consolidated its earlier ``explosive_root()`` and
``root_ci()``, 2026):

* ``"normal"`` (default): ``rho +/- z se``. Guo, Sun & Wang (2019) show the OLS t-ratio of a
  moderately explosive root is asymptotically standard normal (with drift, and under weak
  dependence with a HAC s.e.), so the textbook Wald interval is valid here for a different
  reason than in the stationary case.
* ``"cauchy"``: ``rho +/- q (rho^2 - 1) / rho^n`` with ``q`` the standard Cauchy quantile, from
  the fixed explosive root's Cauchy limit (White 1958; Phillips & Magdalinos 2007, eq. 27).

The doubling time ``log 2 / log rho`` is the number of observations over which the series'
explosive component doubles at the estimated root; its interval maps the root's interval
through this decreasing function (infinite where the root's bound is at or below one). On log
prices it is the doubling time of the log price.

References
----------
Guo, G., Sun, Y. and Wang, S. (2019). Testing for moderate explosiveness. The Econometrics
Journal 22(3), 279-303.
Phillips, P.C.B. and Magdalinos, T. (2007). Limit theory for moderate deviations from a unit
root. Journal of Econometrics 136(1), 115-130.
Vasilopoulos, K., Pavlidis, E. and Martinez-Garcia, E. exuber: Econometric analysis of
explosive time series, R package, development branch (2026), R/rootstamp.R.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope.detect._datestamp import Episode
from bubblescope.errors import InputError

__all__ = ["ExplosiveRoot", "episode_root", "explosive_root", "root_interval"]

Interval = Literal["normal", "cauchy"]

#: Average days in a calendar month (365.25 / 12), to state doubling times in months.
_DAYS_PER_MONTH = 365.25 / 12


def _doubling(rho: float) -> float:
    """``log 2 / log rho`` observations, infinite for a root at or below one."""
    return math.log(2.0) / math.log(rho) if rho > 1.0 else math.inf


def root_interval(
    rho: float, se: float, n: int, *, level: float = 0.95, kind: Interval = "normal"
) -> tuple[float, float]:
    """Confidence interval of the root from its estimate, s.e. and number of differences.

    Parameters
    ----------
    rho, se : float
        OLS estimate and standard error.
    n : int
        Differences in the regression (the Cauchy interval's ``rho^n``).
    level : float
        Confidence level.
    kind : {"normal", "cauchy"}
        Guo-Sun-Wang normal interval or Phillips-Magdalinos fixed-root Cauchy interval.
    """
    from scipy import stats

    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    tail = 1.0 - (1.0 - level) / 2.0
    if kind == "normal":
        half = float(stats.norm.ppf(tail)) * se
    elif kind == "cauchy":
        half = float(stats.cauchy.ppf(tail)) * (rho * rho - 1.0) / rho**n
    else:
        raise InputError(f"unknown interval {kind!r}", hint="use 'normal' or 'cauchy'")
    return rho - abs(half), rho + abs(half)


@dataclass(frozen=True)
class ExplosiveRoot:
    """The root of one episode.

    Attributes
    ----------
    start, end : Timestamp or int
        First and last observation of the fitted sub-sample (inclusive).
    n : int
        Differences in the regression.
    rho, se : float
        OLS root and its standard error.
    level : float
    kind : {"normal", "cauchy"}
    ci : (float, float)
        Confidence interval of the root.
    days_per_obs : float or None
        Median spacing of the dates in days (None without dates).
    """

    start: Any
    end: Any
    n: int
    rho: float
    se: float
    level: float
    kind: Interval
    ci: tuple[float, float]
    days_per_obs: float | None

    @property
    def t_stat(self) -> float:
        """``(rho - 1) / se``."""
        return (self.rho - 1.0) / self.se

    @property
    def doubling(self) -> float:
        """Doubling time in observations (infinite for a root at or below one)."""
        return _doubling(self.rho)

    @property
    def doubling_ci(self) -> tuple[float, float]:
        """Doubling time at the upper and the lower bound of the root's interval."""
        return _doubling(self.ci[1]), _doubling(self.ci[0])

    def months(self, obs: float) -> float | None:
        """``obs`` observations in calendar months (None without dates)."""
        if self.days_per_obs is None:
            return None
        return obs * self.days_per_obs / _DAYS_PER_MONTH

    def describe(self) -> str:
        """One line: the root, its interval and the doubling time."""
        lo, hi = self.ci
        dlo, dhi = self.doubling_ci
        text = (
            f"root {self.rho:.4f} ({self.level:.0%} CI {lo:.4f}-{hi:.4f}, {self.kind}, "
            f"{self.n} differences)"
        )
        if not math.isfinite(self.doubling):
            return text + ": not explosive, no doubling time"
        unit = "obs"
        d, a, b = self.doubling, dlo, dhi
        if self.days_per_obs is not None:
            unit = "months"
            d, a, b = (obs * self.days_per_obs / _DAYS_PER_MONTH for obs in (d, dlo, dhi))
        upper = f"{b:.1f}" if math.isfinite(b) else "never"
        return text + f"; the tested series doubles every {d:.1f} {unit} (CI {a:.1f} to {upper})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (an infinite doubling time is None)."""

        def num(x: float) -> float | None:
            return x if math.isfinite(x) else None

        def label(x: Any) -> Any:
            return str(x.date()) if isinstance(x, pd.Timestamp) else int(x)

        months = self.months(self.doubling)
        return {
            "start": label(self.start),
            "end": label(self.end),
            "n": self.n,
            "rho": self.rho,
            "se": self.se,
            "level": self.level,
            "interval": self.kind,
            "rho_ci": [self.ci[0], self.ci[1]],
            "doubling_obs": num(self.doubling),
            "doubling_obs_ci": [num(x) for x in self.doubling_ci],
            "doubling_months": None if months is None else num(months),
        }


def explosive_root(
    y: pd.Series,
    start: Any = None,
    end: Any = None,
    *,
    level: float = 0.95,
    kind: Interval = "normal",
) -> ExplosiveRoot:
    """Fit the no-intercept AR(1) on ``y`` from ``start`` to ``end`` (labels, inclusive).

    Parameters
    ----------
    y : pandas.Series
        The series (as tested: log prices or prices), float64, without NaN.
    start, end : label, optional
        First and last observation (default: the whole series).
    level, kind
        As for :func:`root_interval`.

    Raises
    ------
    InputError
        Fewer than three observations, non-finite values, or a sub-sample of zeros.

    Examples
    --------
    >>> import pandas as pd
    >>> r = explosive_root(pd.Series([1.0, 1.1, 1.2, 1.35, 1.5, 1.62]))
    >>> round(r.rho, 4)
    1.1
    """
    part = y.loc[start:end] if (start is not None or end is not None) else y
    values = part.to_numpy(dtype=np.float64)
    if len(values) < 3:
        raise InputError(
            f"an explosive root needs at least 3 observations, got {len(values)}",
            hint="date a longer episode (min_duration) or pass a wider start..end",
        )
    if not np.isfinite(values).all():
        raise InputError("the series has NaN or infinite values inside the episode")
    lagged = values[:-1]
    dy = np.diff(values)
    sxx = float(lagged @ lagged)
    if not sxx > 0.0:
        raise InputError("the episode's lagged values are all zero: the root is not identified")
    beta = float(lagged @ dy) / sxx
    n = len(dy)
    resid = dy - beta * lagged
    se = math.sqrt(float(resid @ resid) / (n - 1) / sxx)
    rho = 1.0 + beta
    days = None
    if isinstance(part.index, pd.DatetimeIndex) and len(part.index) > 1:
        days = float(np.median(np.diff(part.index.to_numpy()) / np.timedelta64(1, "D")))
    return ExplosiveRoot(
        start=part.index[0],
        end=part.index[-1],
        n=n,
        rho=rho,
        se=se,
        level=level,
        kind=kind,
        ci=root_interval(rho, se, n, level=level, kind=kind),
        days_per_obs=days,
    )


def episode_root(
    y: pd.Series, episode: Episode, *, level: float = 0.95, kind: Interval = "normal"
) -> ExplosiveRoot | None:
    """The root over a PSY episode's observations, or None where it is not identified.

    The episode runs from its start to the observation before its (exclusive) end, or to the
    last observation while it is ongoing. None: fewer than three observations, or lagged
    values that are all zero.
    """
    i = int(y.index.get_indexer(pd.Index([episode.start]))[0])
    j = len(y) if episode.end is None else int(y.index.get_indexer(pd.Index([episode.end]))[0])
    if j - i < 3:
        return None
    try:
        return explosive_root(y, y.index[i], y.index[j - 1], level=level, kind=kind)
    except InputError:
        return None
