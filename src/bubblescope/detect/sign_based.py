"""Sign-based tests and monitoring robust to time-varying volatility (Harvey, Leybourne & Zu 2020).

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

The batch tests (:func:`sign_psy`) take every window ``[r1, r2]`` of at least ``r0 T``
regression rows: sPWY is the supremum of the windows that start at the first observation, sPSY
(HLZ's sign-based Phillips-Shi-Yu statistic) the supremum over ``r2`` of the backward supremum
over ``r1``; the backward path against its critical value sequence dates the episodes, as
Phillips, Shi & Yu (2015) date with BSADF (HLZ's own dating section was not available here).
The regression has no intercept and ``C`` is measured from the first observation in every
window, not re-based at ``r1``. A consequence: a run of rises that starts with ``C`` far below
zero reads as a return towards the start, not as explosive.

The monitor costs O(1) per new observation (running sums of the regression's cross products),
the batch tests O(T^2) in O(T) memory (:mod:`bubblescope._kernels.sign_psy`). Definitions as
exuber's development branch implements them (``R/radf_sign.R``, ``gls_dfstat_grid``: the
no-intercept ratio with the residual variance on ``L - 1`` degrees of freedom, ``sign(0) =
0``); the paper's own text was not available here. The check that they are HLZ's: simulated
critical values for ``r0 = 0.1`` match HLZ's Table 1 within Monte Carlo error, the asymptotic
sPWY values (2.410, 2.734, 3.248 at 10/5/1%, quoted by exuber's ``radf_sign_cv``
documentation) and the T = 200 values (sPWY 2.405, 2.735, 3.434; sPSY 3.469, 3.901, 4.957,
quoted by exuber's development tests); re-basing ``C`` at each window's start would give a 1%
sPSY value near 4.70 at T = 200, far outside that error.

References
----------
Harvey, D.I., Leybourne, S.J. and Zu, Y. (2020). Sign-based unit root tests for explosive
financial bubbles in the presence of deterministically time-varying volatility. Econometric
Theory 36(1), 122-169.
Harvey, D.I., Leybourne, S.J., Tatlow, B.S. and Zu, Y. (2025). Unit root tests for explosive
financial bubbles in the presence of deterministic level shifts. Oxford Bulletin of Economics
and Statistics 87(5), 879-901.
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical episodes
of exuberance and collapse in the S&P 500. International Economic Review 56(4), 1043-1078.
Phillips, P.C.B., Wu, Y. and Yu, J. (2011). Explosive behavior in the 1990s NASDAQ: when did
exuberance escalate asset values? International Economic Review 52(1), 201-226.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import SeriesLike
from bubblescope.charts import Band, ChartSpec, Line, Panel
from bubblescope.data.validate import validate_series
from bubblescope.detect._datestamp import (
    Episode,
    EpisodeNow,
    EpisodeRule,
    episode_now,
    episodes_from_path,
    path_frame,
)
from bubblescope.detect._psy_window import min_duration as psy_min_duration
from bubblescope.detect._sign import df_path, sign_increments
from bubblescope.detect.critical_values import PSYCriticalValues
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.critical_values.sign import SignPSYCV
from bubblescope.detect.sequential import (
    Feed,
    SequentialResult,
    fmt_label,
    path_result,
    split_training,
    training_sample,
)
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "HLZ_R0",
    "MIN_TRAIN",
    "SignMonitor",
    "SignPSYResult",
    "SignUpdate",
    "sign_monitor",
    "sign_psy",
]

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


# --- the sPWY / sPSY tests and their date-stamping (HLZ 2020, Section 3-4) ----------------------

#: HLZ's minimum window fraction in their Table 1 (the smallest window holds ``r0 T`` rows).
HLZ_R0 = 0.1

Stamping = Literal["pointwise", "familywise"]

#: Default critical values: 2,000 simulated sign walks, seed 0, cached.
_DEFAULT_CV = SignPSYCV()


@dataclass(frozen=True)
class SignPSYResult(ResultMixin):
    """Result of :func:`sign_psy`: the sign-based sPWY and sPSY tests and their dating.

    Attributes
    ----------
    name : str
        Series name.
    y : pandas.Series
        The validated input (dates or a RangeIndex).
    demean : bool
        Recursively demeaned signs (the s-bar statistics of HLTZ 2025).
    r0 : float
        Minimum window as a fraction of the sample.
    minw : int
        Regression rows in the smallest window (``round(r0 T)``).
    signs : tuple of int
        Rises, falls and unchanged values among the ``T - 1`` differences.
    sdf, spwy, spsy : float
        Full-sample sign-based DF ratio, its forward supremum (sPWY) and the double supremum
        over window ends and starts (sPSY); dimensionless t-ratios.
    badf, bsadf : pandas.Series
        Forward (window ``[0, r2]``) and backward-supremum sign-based DF paths by window end.
    cv : PSYCriticalValues or None
        Simulated critical values (``sadf``: sPWY, ``gsadf``: sPSY, ``bsadf``: the pointwise
        sequence of the backward path); None: no test verdict and no dating.
    level : float
        Confidence level of ``reject`` and of the dating.
    stamping : {"pointwise", "familywise"}
        The backward path against the pointwise sequence, or against the sPSY critical value
        (a constant that holds the chance of any false episode at ``1 - level``).
    rule : {"psy", "exuber"}
        Episode rule (:mod:`bubblescope.detect._datestamp`).
    min_duration : int
        Minimum episode duration in observations.
    episodes : tuple of Episode
        Dated explosive episodes.
    """

    name: str
    y: pd.Series
    demean: bool
    r0: float
    minw: int
    signs: tuple[int, int, int]
    sdf: float
    spwy: float
    spsy: float
    badf: pd.Series
    bsadf: pd.Series
    cv: PSYCriticalValues | None
    level: float
    stamping: Stamping
    rule: EpisodeRule
    min_duration: int
    episodes: tuple[Episode, ...]

    @property
    def title(self) -> str:
        """The test and its reference."""
        return (
            "Sign-based PSY test (s-bar, HLTZ 2025)"
            if self.demean
            else "Sign-based PSY test (HLZ 2020)"
        )

    @property
    def threshold(self) -> pd.Series:
        """Critical value the backward path is compared with (NaN without critical values)."""
        m = len(self.bsadf)
        if self.cv is None:
            values = np.full(m, np.nan)
        else:
            i = self.cv.level_index(self.level)
            values = (
                self.cv.bsadf[:, i]
                if self.stamping == "pointwise"
                else np.full(m, float(self.cv.gsadf[i]))
            )
        return pd.Series(values, index=self.bsadf.index, name="threshold")

    def critical_value(self, statistic: Literal["sdf", "spwy", "spsy"]) -> float:
        """Critical value of a full-sample statistic at ``level`` (NaN without cv)."""
        if self.cv is None:
            return float("nan")
        field = {"sdf": "adf", "spwy": "sadf", "spsy": "gsadf"}[statistic]
        return float(getattr(self.cv, field)[self.cv.level_index(self.level)])

    @property
    def reject(self) -> bool | None:
        """Whether sPSY exceeds its critical value at ``level`` (None without cv)."""
        if self.cv is None:
            return None
        return bool(self.spsy > self.critical_value("spsy"))

    @property
    def now(self) -> EpisodeNow | None:
        """The reading at the last date (:func:`~bubblescope.detect.episode_now`)."""
        if self.cv is None:
            return None
        return episode_now(self.bsadf, self.threshold, self.episodes)

    def summary(self) -> str:
        """The statistics against their critical values, the episodes and the reading now."""
        up, down, flat = self.signs
        lines = [
            f"{self.title}: {self.name}",
            f"  observations {len(self.y)} ({up} rises, {down} falls, {flat} unchanged); "
            f"minimum window {self.minw} regression rows (r0 = {self.r0:g})",
        ]
        levels = self.cv.levels if self.cv is not None else ()
        lines.append("  statistic      value" + "".join(f"   {lv:>6.0%}" for lv in levels))
        for label, stat, field in (
            ("sDF", self.sdf, "adf"),
            ("sPWY", self.spwy, "sadf"),
            ("sPSY", self.spsy, "gsadf"),
        ):
            row = f"  {label:<9} {stat:>10.4f}"
            if self.cv is not None:
                row += "".join(f"   {v:>6.3f}" for v in getattr(self.cv, field))
            lines.append(row)
        if self.cv is None:
            lines.append("  no critical values (cv=None): no verdict, no episodes dated")
            return "\n".join(lines)
        verdict = "rejects" if self.reject else "does not reject"
        lines.append(
            f"  sPSY {verdict} the null of no explosive episode at the {1 - self.level:.0%} "
            "level, whatever the volatility path"
        )
        lines.append(
            f"  critical values: {self.cv.method}, {self.cv.reps} reps; stamping "
            f"{self.stamping} at {self.level:.0%}, rule {self.rule!r}, minimum duration "
            f"{self.min_duration}"
        )
        lines.append(f"  episodes: {len(self.episodes)}")
        for ep in self.episodes:
            d = ep.to_dict()
            end = "ongoing" if ep.ongoing else d["end"]
            lines.append(
                f"    {d['start']} -> {end}  peak {d['peak']} (backward sDF "
                f"{ep.peak_stat:.3f}), {ep.duration} obs"
            )
        now = self.now
        if now is not None:
            lines.append(
                f"  now ({fmt_label(self.bsadf.index[-1])}): {now.sentence('backward sDF')}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per input date: y, both paths, their critical values and the episode flag."""
        return path_frame(
            self.y, self.badf, self.bsadf, cv=self.cv, level=self.level,
            threshold=self.threshold, episodes=self.episodes,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result."""
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "title": self.title,
                "n": len(self.y),
                "demean": self.demean,
                "r0": self.r0,
                "minw": self.minw,
                "signs": {
                    "rises": self.signs[0],
                    "falls": self.signs[1],
                    "unchanged": self.signs[2],
                },
                "sdf": self.sdf,
                "spwy": self.spwy,
                "spsy": self.spsy,
                "critical": {k: self.critical_value(k) for k in ("sdf", "spwy", "spsy")},
                "reject": self.reject,
                "level": self.level,
                "stamping": self.stamping,
                "rule": self.rule,
                "min_duration": self.min_duration,
                "critical_values": None if self.cv is None else self.cv.to_dict(),
                "episodes": [ep.to_dict() for ep in self.episodes],
                "now": None if self.now is None else self.now.to_dict(),
                "index": [fmt_label(x) for x in self.bsadf.index],
                "badf": self.badf.to_numpy(),
                "bsadf": self.bsadf.to_numpy(),
                "threshold": self.threshold.to_numpy(),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """The series with its episodes shaded, above the backward path and its critical value."""
        frame = self.to_frame()
        last = frame.index[-1]
        bands = tuple(
            Band(ep.start, last if ep.end is None else ep.end, "episode") for ep in self.episodes
        )
        crit = (
            ()
            if self.cv is None
            else (
                Line(
                    frame.index,
                    frame["threshold"],
                    f"{self.level:.0%} {self.stamping} CV",
                    color="#D55E00",
                    dash="dash",
                ),
            )
        )
        return ChartSpec(
            f"{self.name}: {self.title}, sPSY {self.spsy:.3f}, window {self.minw}",
            (
                Panel(
                    self.name,
                    lines=(Line(frame.index, frame["y"], self.name, color="#000000", width=1.0),),
                    bands=bands,
                ),
                Panel(
                    "backward sup sign-based DF",
                    "statistic",
                    lines=(
                        Line(frame.index, frame["bsadf"], "backward sDF", color="#0072B2"),
                        *crit,
                    ),
                    bands=bands,
                    height=0.8,
                ),
            ),
            source=f"bubblescope.detect.sign_based.sign_psy on {self.name}"
            + ("" if self.cv is None else f"; {self.cv.method}, {self.cv.reps} reps"),
        )


def _min_rows(r0: float, T: int, label: str) -> int:
    """``round(r0 T)`` regression rows, checked to leave a window of 3 to ``T - 1`` rows."""
    if not 0.0 < r0 < 1.0:
        raise InputError(f"r0 must lie strictly between 0 and 1, got {r0}")
    minw = round(r0 * T)
    if minw < 3:
        raise InputError(
            f"{label}: {T} observations are too short for r0 = {r0:g}: the smallest window "
            f"would hold {minw} regression row(s), the DF ratio needs at least 3",
            hint=f"use at least {math.ceil(2.5 / r0)} observations or a larger r0",
        )
    if minw > T - 1:
        raise InputError(f"{label}: r0 = {r0:g} leaves no window in {T} observations")
    return minw


def sign_psy(
    data: SeriesLike,
    *,
    r0: float = HLZ_R0,
    cv: SignPSYCV | PSYCriticalValues | None = _DEFAULT_CV,
    level: float = 0.95,
    demean: bool = False,
    stamping: Stamping = "pointwise",
    rule: EpisodeRule = "psy",
    min_duration: int | None = None,
    name: str | None = None,
) -> SignPSYResult:
    """The sign-based sPWY and sPSY tests of HLZ (2020) and their date-stamping.

    Every window ``[r1, r2]`` (at least ``r0 T`` regression rows) gets the no-intercept DF
    ratio of ``dC_j`` on ``C_{j-1}``, ``C`` the cumulated signs of the differences
    (:mod:`bubblescope.detect._sign`). sPWY is the supremum over ``r2`` of the windows that
    start at the first observation; sPSY the supremum over ``r2`` of the backward supremum
    over ``r1``. The backward path against its critical value sequence dates the episodes (as
    PSY 2015 date with BSADF). Only the signs of the differences enter, so every number here
    is exactly the same for any positive rescaling of the differences (any volatility path),
    and for log prices or levels alike. O(T^2) work and O(T) memory
    (:mod:`bubblescope._kernels.sign_psy`).

    Parameters
    ----------
    data : SeriesLike
        The series (log prices or prices: the same signs).
    r0 : float
        Minimum window as a fraction of the ``T`` observations (HLZ's Table 1: 0.1).
    cv : SignPSYCV, PSYCriticalValues or None
        How to get critical values: simulated for this ``T`` and window (default
        ``SignPSYCV()``: 2,000 sign walks, seed 0, cached; ``level`` is added to its levels),
        given, or None (statistics only).
    level : float
        Confidence level of the verdict and of the dating.
    demean : bool
        Recursively demeaned signs (the s-bar statistics of HLTZ 2025), which tolerate a
        drift (a non-zero median of the differences).
    stamping : {"pointwise", "familywise"}
        Compare the backward path with its pointwise critical value sequence, or with the
        sPSY critical value (the chance of any false episode is then ``1 - level``).
    rule : {"psy", "exuber"}
        Episode rule.
    min_duration : int, optional
        Minimum episode duration (default PSY's ``round(log T)``).
    name : str, optional

    Returns
    -------
    SignPSYResult

    Raises
    ------
    InputError
        Too short for ``r0``, NaN or inf, no sign at all (no difference is non-zero) or no
        window with a ratio, a critical value set of another shape, or a bad level, stamping
        or rule.

    References
    ----------
    Harvey, D.I., Leybourne, S.J. and Zu, Y. (2020). Econometric Theory 36(1), 122-169.
    Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles. IER 56(4).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.cumsum(np.random.default_rng(0).standard_normal(120))
    >>> res = sign_psy(y, cv=None)
    >>> res.minw, len(res.bsadf), bool(res.spsy >= res.spwy)
    (12, 108, True)
    """
    label = str(name or getattr(data, "name", None) or "series")
    purpose = f"the sign-based PSY test (r0 = {r0:g})"
    s = validate_series(
        data, min_points=4, positive=False, nonconstant=False, name=label, purpose=purpose
    ).series.astype(np.float64)
    T = len(s)
    minw = _min_rows(float(r0), T, label)
    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    if stamping not in ("pointwise", "familywise"):
        raise InputError(f"unknown stamping {stamping!r}", hint="use 'pointwise' or 'familywise'")
    if rule not in ("psy", "exuber"):
        raise InputError(f"unknown episode rule {rule!r}", hint="use 'psy' or 'exuber'")
    values = np.asarray(s.to_numpy(), dtype=np.float64)
    raw = np.sign(np.diff(values))
    if not np.any(raw):
        raise InputError(
            f"{label}: no difference is non-zero, so there are no signs to test",
            hint="the sign-based test needs a series that moves",
        )
    from bubblescope._kernels.sign_psy import sign_sweep

    bsadf, badf = sign_sweep(sign_increments(values, demean=demean), minw)
    if not np.any(np.isfinite(bsadf)):
        raise InputError(
            f"{label}: no window of {minw} or more rows has a sign-based DF ratio (the lagged "
            "cumulated signs are all zero, or fit the changes exactly)",
            hint="the series needs more rises and falls, or a larger r0",
        )
    ends = s.index[minw:]
    crit: PSYCriticalValues | None = cv if not isinstance(cv, SignPSYCV) else None
    if isinstance(cv, SignPSYCV):  # simulate the requested level too
        levels = (
            cv.levels if any(abs(x - level) < 1e-12 for x in cv.levels) else (*cv.levels, level)
        )
        sim = dataclasses.replace(cv, levels=tuple(sorted(levels)))
        crit = sim.compute(T, minw=minw, demean=demean)
    if crit is not None and crit.bsadf.shape[0] != len(bsadf):
        raise InputError(
            f"the critical values cover {crit.bsadf.shape[0]} window ends, the series {len(bsadf)}",
            hint="simulate them for this T and r0 (SignPSYCV().compute(T, minw=...))",
        )
    finite = badf[np.isfinite(badf)]
    bs = pd.Series(bsadf, index=ends, name="bsadf")
    res = SignPSYResult(
        name=label,
        y=s.rename(label),
        demean=bool(demean),
        r0=float(r0),
        minw=minw,
        signs=(int(np.sum(raw > 0)), int(np.sum(raw < 0)), int(np.sum(raw == 0))),
        sdf=float(badf[-1]),
        spwy=float(finite.max()) if len(finite) else float("nan"),
        spsy=float(np.nanmax(bsadf)),
        badf=pd.Series(badf, index=ends, name="badf"),
        bsadf=bs,
        cv=crit,
        level=float(level),
        stamping=stamping,
        rule=rule,
        min_duration=psy_min_duration(T) if min_duration is None else int(min_duration),
        episodes=(),
    )
    if crit is None:
        return res
    crit.level_index(level)  # a level the given critical values lack: a typed error
    episodes = episodes_from_path(
        bs, res.threshold.to_numpy(), min_duration=res.min_duration, rule=rule
    )
    return dataclasses.replace(res, episodes=episodes)
