r"""SV-ADF date-stamping: a recursive Dickey-Fuller path against two sample-size thresholds.

Sarkar and Wells (2026) date bubbles in prices that move under persistent, time-varying
(stochastic) volatility. **Their paper is a non-peer-reviewed preprint** (arXiv:2604.12062);
every output of this module says so. No critical values are simulated: the statistic is compared
with an origination threshold :math:`\log(t)/10` and a collapse threshold :math:`\log(t)/2`,
:math:`t` the sample size of the recursive window (their Section 5.1: approximations of their
calibration exercise, 1,000 replications per sample size, under the null for origination and
under the explosive alternative for collapse).

Two readings are offered (``rule=``):

``"paper"`` (default): the authors' replication code
    (github.com/AbirS2026/SVADF-Bubble, ``Recursive SV-ADF Date stamps Tech.R`` and ``...
    Semis.R``, the code of the paper's Figures 7 and 8). The statistic is the coefficient form
    :math:`\mathrm{DF}_\delta(\tau) = \tau(\hat\delta_\tau - 1)`, :math:`\hat\delta_\tau` the
    slope of :math:`y_j` on :math:`y_{j-1}` with an intercept over the first :math:`\tau`
    regression rows, for :math:`\tau` from :math:`\lfloor r_0 n \rfloor` (:math:`r_0 = 0.1`)
    to :math:`n` (:math:`n + 1` observations), on price *levels*, with :math:`t = \tau`.
    Origination: the first window of a run of ``origination_run`` (60) consecutive windows
    above :math:`\log(t)/10`. Collapse: within a bridge of ``bridge`` (90) calendar days after
    the origination, the first window back below :math:`\log(t)/10`; after the bridge, the first
    window of a run of ``collapse_run`` (30) windows below :math:`\log(t)/2` (the code's screen
    :math:`\mathrm{DF}_\delta < \log t` is implied). The search then resumes for the next
    episode. The code's grid :math:`s = r_0, r_0 + 1/n, \dots` repeats or skips a window where
    floating point rounds :math:`ns` down, often stops one observation short of the end, and
    puts :math:`t = ns`; here every window end is taken once with :math:`t = \tau`. On the
    twelve stocks of Figures 7 and 8 the dates are the same to the day.
``"exuber"``: the development branch of R's exuber (``datestamp(option = "svadf")``)
    The statistic is the forward recursive ADF *t-ratio* (``badf`` of
    :func:`~bubblescope.detect.psy`, PSY's minimum window, ``lag``), :math:`t` the window's
    number of observations. Origination: the first run of ``origination_run`` window ends above
    :math:`\log(t)/10`; collapse: the first run of ``collapse_run`` window ends after it below
    :math:`\log(t)/2`; both default to ``round(log T)`` (exuber's ``psy_ds``); at most one
    episode. There is no bridge, so an episode lasts only while the statistic stays above the
    higher collapse threshold: on the shipped daily log closes of NVDA, GOOGL, TSLA and TSM
    (last five years and whole history) half the runs date an episode of one to five trading
    days and half none.

References
----------
Sarkar, A. and Wells, M.T. (2026). Is there an AI bubble? Robust date-stamping for periods of
exuberance. arXiv:2604.12062 (preprint, not peer reviewed); replication code
github.com/AbirS2026/SVADF-Bubble.
Phillips, P.C.B., Wu, Y. and Yu, J. (2011). Explosive behavior in the 1990s Nasdaq: when did
exuberance escalate asset values? International Economic Review 52(1), 201-226.
Vasilopoulos, K., Pavlidis, E. and Martínez-García, E. exuber: Econometric analysis of
explosive time series (R package, development branch, ``R/svadf.R``).

Examples
--------
>>> import numpy as np
>>> from bubblescope.detect import svadf
>>> rng = np.random.default_rng(1)
>>> calm = 100 + np.cumsum(rng.standard_normal(60))
>>> boom = calm[-1] * 1.04 ** np.arange(1, 41) + np.cumsum(rng.standard_normal(40))
>>> bust = boom[-1] - np.cumsum(np.abs(rng.normal(3.0, 1.0, 40)))
>>> y = np.r_[calm, boom, bust]  # the boom starts at 60, the bust at 100
>>> res = svadf(y, origination_run=5, collapse_run=5, bridge=10)
>>> int(res.origination), int(res.collapse)
(63, 107)
>>> res = svadf(y, rule="exuber", window="exuber")
>>> int(res.origination), int(res.collapse)
(63, 116)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, SeriesLike
from bubblescope.charts import Band, ChartSpec, Line, Panel
from bubblescope.data.validate import validate_series
from bubblescope.detect._datestamp import Episode, episode_flags, find_runs
from bubblescope.detect._psy_window import WindowSpecLike
from bubblescope.detect._psy_window import min_duration as default_min_duration
from bubblescope.detect.exuberance import psy
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "CAVEAT",
    "COLLAPSE_DIVISOR",
    "ORIGINATION_DIVISOR",
    "PAPER_DEFAULTS",
    "REFERENCE",
    "Rule",
    "SVADFResult",
    "coefficient_path",
    "exuber_dates",
    "paper_dates",
    "svadf",
    "svadf_thresholds",
]

Rule = Literal["paper", "exuber"]

#: Origination threshold ``log(t) / ORIGINATION_DIVISOR`` (Sarkar & Wells 2026, Section 5.1:
#: their null calibration, 1,000 replications per sample size, approximated by log(n)/10).
ORIGINATION_DIVISOR = 10.0
#: Collapse threshold ``log(t) / COLLAPSE_DIVISOR`` (Sarkar & Wells 2026, Section 5.1: the same
#: exercise under the explosive alternative, averaged over drawn nuisance parameters).
COLLAPSE_DIVISOR = 2.0
#: The settings of the paper's empirical dating (Figures 7 and 8; ``common_settings`` of the
#: replication code): first window 10% of the sample, origination after 60 windows above, a
#: 90-calendar-day bridge, collapse confirmed by 30 windows below.
PAPER_DEFAULTS: dict[str, float] = {
    "min_fraction": 0.1,
    "origination_run": 60,
    "collapse_run": 30,
    "bridge": 90,
}
#: The source, as every output names it.
REFERENCE = "Sarkar & Wells (2026), arXiv:2604.12062"
#: The caveat every output carries.
CAVEAT = "Sarkar & Wells (2026) is a non-peer-reviewed preprint"
_STATISTIC = {"paper": "tau (delta_hat - 1)", "exuber": "ADF t-ratio"}
_READING = {
    "paper": "the authors' replication code",
    "exuber": "exuber's development branch, datestamp option 'svadf'",
}


def svadf_thresholds(t: Float64Array | float) -> tuple[Float64Array, Float64Array]:
    """Origination and collapse thresholds for recursive windows of sample size ``t``.

    Parameters
    ----------
    t : float or ndarray
        Sample size of each recursive window (``>= 2``).

    Returns
    -------
    origination, collapse : ndarray
        ``log(t) / 10`` and ``log(t) / 2`` (units of the statistic), float64.

    Raises
    ------
    InputError
        A window of sample size under 2.

    Examples
    --------
    >>> o, c = svadf_thresholds(100)
    >>> round(float(o[0]), 4), round(float(c[0]), 4)
    (0.4605, 2.3026)
    """
    tt = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if tt.size and not np.all(tt >= 2):
        raise InputError(f"SV-ADF windows need a sample size of at least 2, got {tt.min():g}")
    logt = np.log(tt)
    return logt / ORIGINATION_DIVISOR, logt / COLLAPSE_DIVISOR


def coefficient_path(y: Float64Array, first: int) -> Float64Array:
    """The coefficient statistic ``tau (delta_hat_tau - 1)`` for ``tau = first .. n``.

    ``delta_hat_tau`` is the least-squares slope, with an intercept, of ``y[1..tau]`` on
    ``y[0..tau-1]``; ``n = len(y) - 1``. The slope does not change when a constant is taken
    from the series, so the series is first taken from its first value, then the centred
    co-moments are updated one row at a time (Welford; no prefix sums, so a level far from zero
    costs no digits).

    Parameters
    ----------
    y : ndarray
        The series (float64, finite).
    first : int
        Regression rows in the first window (``2 <= first <= n``).

    Returns
    -------
    ndarray
        ``n - first + 1`` values; NaN where the lagged level is constant over the window.
    """
    x = np.asarray(y, dtype=np.float64)
    x = x - x[0]
    n = len(x) - 1
    out = np.full(n - first + 1, np.nan)
    mx = my = cxx = cxy = 0.0
    for k in range(1, n + 1):
        xk, yk = x[k - 1], x[k]
        dx = xk - mx
        mx += dx / k
        my += (yk - my) / k
        cxx += dx * (xk - mx)
        cxy += dx * (yk - my)
        if k >= first and cxx > 0.0:
            out[k - first] = k * (cxy / cxx - 1.0)
    return out


def exuber_dates(
    stat: Float64Array, t: Float64Array, *, origination_run: int, collapse_run: int
) -> list[tuple[int, int | None, str | None]]:
    """Dating as exuber reads it: one origination and collapse at most (positions into ``stat``).

    The origination starts the first run of ``origination_run`` values above ``log(t)/10``;
    the collapse starts the first run of ``collapse_run`` values after it below ``log(t)/2``.

    Returns
    -------
    list of (start, end, how)
        ``end`` None (and ``how`` None) without a collapse; empty without an origination.
    """
    orig, coll = svadf_thresholds(t)
    up = find_runs(stat, orig, min_duration=origination_run, rule="exuber")
    if not up:
        return []
    start = up[0][0]
    rest = slice(start + 1, None)
    down = find_runs(-stat[rest], -coll[rest], min_duration=collapse_run, rule="exuber")
    if not down:
        return [(start, None, None)]
    return [(start, start + 1 + down[0][0], f"{collapse_run} below log(t)/2")]


def paper_dates(
    stat: Float64Array,
    t: Float64Array,
    clock: Float64Array,
    *,
    origination_run: int,
    collapse_run: int,
    bridge: float,
) -> list[tuple[int, int | None, str | None]]:
    """The replication code's dating: every episode, with the bridge after each origination.

    Parameters
    ----------
    stat, t : ndarray
        The statistic and the window sample sizes.
    clock : ndarray
        Each window end's time in the unit of ``bridge`` (days, or positions), increasing.
    origination_run, collapse_run : int
        Windows above ``log(t)/10`` to originate; below ``log(t)/2`` to confirm a collapse.
    bridge : float
        Length of the bridge after an origination, in ``clock`` units.

    Returns
    -------
    list of (start, end, how)
        Positions into ``stat``; ``end`` None when the last episode has not collapsed; ``how``
        says which collapse rule dated it.
    """
    orig, coll = svadf_thresholds(t)
    below = stat < coll
    n = len(stat)
    out: list[tuple[int, int | None, str | None]] = []
    i = 0
    while i < n:
        up = find_runs(stat[i:], orig[i:], min_duration=origination_run, rule="exuber")
        if not up:
            break
        start = i + up[0][0]
        after = int(np.searchsorted(clock, clock[start] + bridge, side="left"))
        bridge_end = min(after, n - 1)
        fall = np.flatnonzero(stat[start + 1 : bridge_end] < orig[start + 1 : bridge_end])
        end: int | None = None
        if fall.size:
            end, how = start + 1 + int(fall[0]), "bridge: below log(t)/10"
        else:
            how = f"{collapse_run} below log(t)/2"
            for j in range(bridge_end, n - collapse_run + 1):
                if below[j : j + collapse_run].all():
                    end = j
                    break
        if end is None:
            out.append((start, None, None))
            break
        out.append((start, end, how))
        i = end + 1
    return out


@dataclass(frozen=True)
class SVADFResult(ResultMixin):
    """Result of :func:`svadf`: the statistic path, its two thresholds and the episodes.

    Attributes
    ----------
    name : str
        Series name.
    y : pandas.Series
        The validated input (index: the input's dates, or a RangeIndex).
    rule : {"paper", "exuber"}
        Which reading dated it (see the module notes).
    stat : pandas.Series
        The statistic at each window end (``tau (delta_hat - 1)`` or the ADF t-ratio),
        indexed by the window end's label.
    t : pandas.Series
        Sample size of each window, as the thresholds use it, indexed like ``stat``.
    origination_run, collapse_run : int
        Windows a crossing must last to originate and to confirm a collapse.
    bridge : float or None
        The bridge after an origination (calendar days for dated input, else observations);
        None under ``rule="exuber"``.
    episodes : tuple of Episode
        Origination (``start``) to collapse (``end``, exclusive; None while ongoing), peak at
        the highest statistic inside.
    collapse_rules : tuple of str or None
        Which collapse rule dated each episode (None while ongoing).
    """

    name: str
    y: pd.Series
    rule: Rule
    stat: pd.Series
    t: pd.Series
    origination_run: int
    collapse_run: int
    bridge: float | None
    episodes: tuple[Episode, ...]
    collapse_rules: tuple[str | None, ...]

    @property
    def origination_threshold(self) -> pd.Series:
        """``log(t) / 10`` at each window end."""
        return pd.Series(
            svadf_thresholds(self.t.to_numpy())[0], index=self.stat.index, name="origination"
        )

    @property
    def collapse_threshold(self) -> pd.Series:
        """``log(t) / 2`` at each window end."""
        return pd.Series(
            svadf_thresholds(self.t.to_numpy())[1], index=self.stat.index, name="collapse"
        )

    @property
    def origination(self) -> Any:
        """Label of the first episode's origination (None if none)."""
        return self.episodes[0].start if self.episodes else None

    @property
    def collapse(self) -> Any:
        """Label of the first episode's collapse (None if none, or still ongoing)."""
        return self.episodes[0].end if self.episodes else None

    def reading(self) -> str:
        """The reading at the last window end, one sentence."""
        last = float(self.stat.iloc[-1])
        o = float(self.origination_threshold.iloc[-1])
        c = float(self.collapse_threshold.iloc[-1])
        nums = f"statistic {last:.2f}; origination {o:.2f}, collapse {c:.2f}"
        if not self.episodes:
            return f"no episode originated ({nums})"
        d = self.episodes[-1].to_dict()
        if self.episodes[-1].ongoing:
            return f"episode since {d['start']} has not collapsed ({nums})"
        return f"last episode collapsed on {d['end']} ({nums})"

    def summary(self) -> str:
        """Plain-text report: the sample, the rule, the episodes and the reading now."""
        first_t = float(self.t.iloc[0])
        lines = [
            f"SV-ADF dating: {self.name} ({REFERENCE}; non-peer-reviewed preprint)",
            f"  observations {len(self.y)}, first window of sample size t = {first_t:g}; "
            f"rule {self.rule!r} ({_READING[self.rule]})",
            f"  statistic {_STATISTIC[self.rule]}; origination after {self.origination_run} "
            f"windows above log(t)/{ORIGINATION_DIVISOR:g}; collapse after "
            f"{self.collapse_run} below log(t)/{COLLAPSE_DIVISOR:g}"
            + (
                ""
                if self.bridge is None
                else f", or back below log(t)/{ORIGINATION_DIVISOR:g} within a bridge of "
                f"{self.bridge:g} {self._bridge_unit()}"
            ),
            f"  episodes: {len(self.episodes)}",
        ]
        for ep, how in zip(self.episodes, self.collapse_rules, strict=True):
            d = ep.to_dict()
            end = "not collapsed (ongoing)" if ep.ongoing else f"collapse {d['end']} ({how})"
            lines.append(
                f"    origination {d['start']} -> {end}; peak {d['peak']} "
                f"(statistic {ep.peak_stat:.3f}), {ep.duration} obs"
            )
        end_label = self.stat.index[-1]
        last = end_label.date() if isinstance(end_label, pd.Timestamp) else end_label
        lines.append(f"  now ({last}): {self.reading()}")
        lines.append(f"  caveat: {CAVEAT}")
        return "\n".join(lines)

    def _bridge_unit(self) -> str:
        return "calendar days" if isinstance(self.y.index, pd.DatetimeIndex) else "observations"

    def to_frame(self) -> pd.DataFrame:
        """One row per input date: y, statistic, window size, both thresholds, episode flag."""
        frame = pd.DataFrame({"y": self.y})
        frame["stat"] = self.stat
        frame["t"] = self.t
        frame["origination_threshold"] = self.origination_threshold
        frame["collapse_threshold"] = self.collapse_threshold
        frame["episode"] = episode_flags(self.y.index, self.episodes)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (what ``--json`` and the web API emit)."""
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "n": len(self.y),
                "rule": self.rule,
                "statistic": _STATISTIC[self.rule],
                "first_window": float(self.t.iloc[0]),
                "origination_run": self.origination_run,
                "collapse_run": self.collapse_run,
                "bridge": self.bridge,
                "bridge_unit": None if self.bridge is None else self._bridge_unit(),
                "thresholds": {
                    "origination": f"log(t)/{ORIGINATION_DIVISOR:g}",
                    "collapse": f"log(t)/{COLLAPSE_DIVISOR:g}",
                },
                "episodes": [
                    {**ep.to_dict(), "collapse_rule": how}
                    for ep, how in zip(self.episodes, self.collapse_rules, strict=True)
                ],
                "last": {
                    "stat": float(self.stat.iloc[-1]),
                    "origination_threshold": float(self.origination_threshold.iloc[-1]),
                    "collapse_threshold": float(self.collapse_threshold.iloc[-1]),
                    "sentence": self.reading(),
                },
                "reference": REFERENCE,
                "peer_reviewed": False,
                "caveat": CAVEAT,
            }
        )
        return out

    def chart_spec(self, *, title: str | None = None, source: str = "") -> ChartSpec:
        """The series with its episodes shaded, above the statistic and its two thresholds.

        Parameters
        ----------
        title : str, optional
            The chart's title (default: the series, the rule and the episode count).
        source : str
            The source line printed under the chart.
        """
        frame = self.to_frame()
        last = frame.index[-1]
        bands = tuple(
            Band(ep.start, last if ep.end is None else ep.end, "episode") for ep in self.episodes
        )
        if title is None:
            title = (
                f"{self.name}: SV-ADF dating (preprint), rule {self.rule!r}, "
                f"{len(self.episodes)} episode(s)"
            )
        return ChartSpec(
            title,
            (
                Panel(
                    self.name,
                    lines=(Line(frame.index, frame["y"], self.name, color="#000000", width=1.0),),
                    bands=bands,
                ),
                Panel(
                    f"SV-ADF statistic ({_STATISTIC[self.rule]}) and its thresholds",
                    "statistic",
                    lines=(
                        Line(frame.index, frame["stat"], "statistic", color="#0072B2"),
                        Line(
                            frame.index,
                            frame["origination_threshold"],
                            f"origination log(t)/{ORIGINATION_DIVISOR:g}",
                            color="#009E73",
                            dash="dash",
                        ),
                        Line(
                            frame.index,
                            frame["collapse_threshold"],
                            f"collapse log(t)/{COLLAPSE_DIVISOR:g}",
                            color="#D55E00",
                            dash="dash",
                        ),
                    ),
                    bands=bands,
                    height=0.8,
                ),
            ),
            source=source or f"{REFERENCE} (non-peer-reviewed preprint)",
        )


def _count(value: int | None, name: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _only_for(rule: Rule, options: dict[str, Any], wanted: Rule) -> None:
    given = [k for k, v in options.items() if v is not None]
    if rule != wanted and given:
        raise InputError(
            f"{', '.join(given)} applies only to rule {wanted!r}, not {rule!r}",
            hint=f"drop it, or pass rule={wanted!r}",
        )


def svadf(
    y: SeriesLike,
    *,
    rule: Rule = "paper",
    origination_run: int | None = None,
    collapse_run: int | None = None,
    min_fraction: float | None = None,
    bridge: float | None = None,
    lag: int | None = None,
    window: WindowSpecLike | None = None,
    name: str | None = None,
) -> SVADFResult:
    """Date bubbles with the SV-ADF thresholds of Sarkar & Wells (2026, a preprint).

    Parameters
    ----------
    y : SeriesLike
        The series in the units to test: the paper dates daily adjusted closes in levels. A
        pandas Series (dates kept), a one-column DataFrame, a 1-d array or sequence.
    rule : {"paper", "exuber"}
        The authors' replication code (default) or exuber's reading (module notes).
    origination_run, collapse_run : int, optional
        Windows a crossing must last: paper 60 and 30, exuber ``round(log T)`` for both.
    min_fraction : float, optional
        ``rule="paper"``: the first window as a fraction of the regression rows (0.1).
    bridge : float, optional
        ``rule="paper"``: calendar days (dated input) or observations (undated) after an
        origination during which a fall below ``log(t)/10`` is its collapse (90).
    lag, window : optional
        ``rule="exuber"``: the ADF lag (0) and PSY's minimum window ("psy").
    name : str, optional
        Series name for messages and output.

    Returns
    -------
    SVADFResult

    Raises
    ------
    InputError
        Too short, NaN or inf, a constant series, unsorted or duplicated dates, several
        columns; an unknown rule, an option of the other rule, a non-positive run or bridge,
        ``min_fraction`` outside (0, 1).

    References
    ----------
    Sarkar, A. and Wells, M.T. (2026). Is there an AI bubble? Robust date-stamping for periods
    of exuberance. arXiv:2604.12062 (preprint, not peer reviewed), Section 5.1.
    """
    if rule not in ("paper", "exuber"):
        raise InputError(f"unknown rule {rule!r}", hint="use 'paper' or 'exuber'")
    _only_for(rule, {"min_fraction": min_fraction, "bridge": bridge}, "paper")
    _only_for(rule, {"lag": lag, "window": window}, "exuber")
    if rule == "exuber":
        return _exuber(y, origination_run, collapse_run, lag or 0, window or "psy", name)
    frac = PAPER_DEFAULTS["min_fraction"] if min_fraction is None else min_fraction
    if not (isinstance(frac, (int, float)) and 0.0 < frac < 1.0):
        raise InputError(f"min_fraction must lie strictly between 0 and 1, got {frac!r}")
    span = PAPER_DEFAULTS["bridge"] if bridge is None else bridge
    if not (isinstance(span, (int, float)) and math.isfinite(span) and span > 0):
        raise InputError(f"bridge must be a positive number, got {span!r}")
    orun = _count(origination_run, "origination_run", int(PAPER_DEFAULTS["origination_run"]))
    crun = _count(collapse_run, "collapse_run", int(PAPER_DEFAULTS["collapse_run"]))
    v = validate_series(
        y, min_points=4, positive=False, nonconstant=True, name=name, purpose="SV-ADF dating"
    )
    s = v.series
    label = str(s.name) if s.name is not None else "series"
    n = len(s) - 1
    first = max(math.floor(frac * n), 2)
    values = coefficient_path(s.to_numpy(dtype=np.float64), first)
    if not np.all(np.isfinite(values)):
        raise InputError(
            f"{label}: the lagged level is constant over the first {first} rows",
            hint="start the sample later, or raise min_fraction",
        )
    ends = s.index[first:]
    t = np.arange(first, n + 1, dtype=np.float64)
    if isinstance(s.index, pd.DatetimeIndex):
        clock = ((ends - ends[0]) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
    else:
        clock = np.arange(first, n + 1, dtype=np.float64)
    dates = paper_dates(
        values, t, clock, origination_run=orun, collapse_run=crun, bridge=float(span)
    )
    return _result(s, label, "paper", values, t, orun, crun, float(span), dates)


def _exuber(
    y: SeriesLike,
    origination_run: int | None,
    collapse_run: int | None,
    lag: int,
    window: WindowSpecLike,
    name: str | None,
) -> SVADFResult:
    """The reading of exuber: the forward recursive ADF t-ratio of :func:`psy`, one episode."""
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 0:
        raise InputError(f"lag must be a non-negative integer, got {lag!r}")
    v = validate_series(
        y,
        min_points=2 * int(lag) + 4,
        positive=False,
        nonconstant=True,
        name=name,
        purpose=f"SV-ADF dating with lag {lag}",
    )
    res = psy(v.series, lag=int(lag), window=window, cv=None, name=name)
    values = res.badf.to_numpy(dtype=np.float64)
    T = len(res.y)
    t = np.arange(T - len(values) + 1, T + 1, dtype=np.float64)
    dur = default_min_duration(T)
    orun = _count(origination_run, "origination_run", max(dur, 1))
    crun = _count(collapse_run, "collapse_run", max(dur, 1))
    dates = exuber_dates(values, t, origination_run=orun, collapse_run=crun)
    return _result(res.y, res.name, "exuber", values, t, orun, crun, None, dates)


def _result(
    s: pd.Series,
    label: str,
    rule: Rule,
    values: Float64Array,
    t: Float64Array,
    orun: int,
    crun: int,
    bridge: float | None,
    dates: list[tuple[int, int | None, str | None]],
) -> SVADFResult:
    ends = s.index[len(s) - len(values) :]
    episodes = []
    for start, end, _ in dates:
        stop = len(values) if end is None else end
        peak = start + int(np.argmax(values[start:stop]))
        episodes.append(
            Episode(
                start=ends[start],
                peak=ends[peak],
                end=None if end is None else ends[end],
                duration=stop - start,
                ongoing=end is None,
                peak_stat=float(values[peak]),
            )
        )
    return SVADFResult(
        name=label,
        y=s,
        rule=rule,
        stat=pd.Series(values, index=ends, name="stat"),
        t=pd.Series(t, index=ends, name="t"),
        origination_run=orun,
        collapse_run=crun,
        bridge=bridge,
        episodes=tuple(episodes),
        collapse_rules=tuple(how for _, _, how in dates),
    )
