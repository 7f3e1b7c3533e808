r"""SV-ADF date-stamping: the forward recursive ADF against two sample-size thresholds.

Sarkar and Wells (2026) date a bubble's origination and collapse when prices move under
persistent, time-varying (stochastic) volatility. **Their paper is a non-peer-reviewed preprint**
(arXiv:2604.12062); every output of this module says so.

The procedure, as the development branch of R's exuber implements it
(``datestamp(option = "svadf")``, August 2026) and as this module follows it:

* The statistic is the forward recursive ADF path :math:`\mathrm{BADF}_t`, the ADF t-ratio on
  ``y[0..t-1]`` for every window end (``badf`` of :func:`~bubblescope.detect.psy`). Per exuber's
  reading of the paper's proof appendix (eqs. A.13-A.14), the paper's "feasible" variance
  estimator is the window's ordinary OLS residual variance, so the SV-ADF statistic *is* that
  ADF t-ratio; what is new is how it is compared.
* Origination threshold :math:`\log(t)/10` and collapse threshold :math:`\log(t)/2`, with
  :math:`t` the number of observations in the window ``[0, t-1]`` (Sarkar and Wells 2026,
  Section 5.1, "Threshold Selection Insights": the approximations of their calibration exercise,
  1,000 replications per sample size under the null for origination and under the explosive
  alternative for collapse). No critical values are simulated.
* Origination: the start of the first run of at least ``min_duration`` consecutive window ends
  with BADF above its origination threshold. Collapse: the start of the first run of at least
  ``min_duration`` consecutive window ends *after the origination* with BADF below its collapse
  threshold. At most one origination/collapse pair per series (the paper's procedure, and
  exuber's). Without a collapse the episode is ongoing.

Because :math:`\log(t)/2 > \log(t)/10`, an episode lasts only while BADF stays above the
higher collapse threshold once it has crossed the origination one (their Remark 1, as exuber
cites it, calibrates the two separately: a unit-root-based threshold suits collapse, not
origination). On the shipped daily log closes of NVDA, GOOGL, TSLA and TSM (the last five
years and the whole history) half the runs date an episode, of one to five trading days, and
half date none: BADF crosses :math:`\log(t)/10` but hardly reaches :math:`\log(t)/2`. The
summary says when the collapse follows the origination at once.
``min_duration`` defaults to PSY's ``round(log T)`` (exuber's ``psy_ds``), in place of the
calendar-month persistence the paper asks of daily data (as exuber reports it).

*Labelled*: the paper's text could not be read here beyond its abstract; the thresholds, the
statistic and the dating rule follow exuber's implementation and its stated reading of the
paper's Section 5.1, not a check against the paper.

References
----------
Sarkar, A. and Wells, M.T. (2026). Is there an AI bubble? Robust date-stamping for periods of
exuberance. arXiv:2604.12062 (preprint, not peer reviewed).
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
>>> res = svadf(np.r_[calm, boom, bust], window="exuber", name="boom")
>>> int(res.origination), int(res.collapse)  # the boom starts at 60, the bust at 100
(63, 116)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, SeriesLike
from bubblescope.charts import Band, ChartSpec, Line, Panel
from bubblescope.data.validate import validate_series
from bubblescope.detect._datestamp import Episode, find_runs
from bubblescope.detect._psy_window import WindowSpec, WindowSpecLike
from bubblescope.detect._psy_window import min_duration as default_min_duration
from bubblescope.detect.exuberance import psy
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "CAVEAT",
    "COLLAPSE_DIVISOR",
    "ORIGINATION_DIVISOR",
    "REFERENCE",
    "SVADFResult",
    "svadf",
    "svadf_dates",
    "svadf_thresholds",
]

#: Origination threshold ``log(t) / ORIGINATION_DIVISOR`` (Sarkar & Wells 2026, Section 5.1:
#: their null calibration, 1,000 replications per sample size, approximated by log(n)/10).
ORIGINATION_DIVISOR = 10.0
#: Collapse threshold ``log(t) / COLLAPSE_DIVISOR`` (Sarkar & Wells 2026, Section 5.1: the same
#: exercise under the explosive alternative, averaged over drawn nuisance parameters).
COLLAPSE_DIVISOR = 2.0
#: The source, as every output names it.
REFERENCE = "Sarkar & Wells (2026), arXiv:2604.12062"
#: The caveat every output carries.
CAVEAT = (
    "Sarkar & Wells (2026) is a non-peer-reviewed preprint; thresholds and dating rule as "
    "exuber's development branch reads it (datestamp option 'svadf')"
)


def svadf_thresholds(t: Float64Array | int) -> tuple[Float64Array, Float64Array]:
    """Origination and collapse thresholds for windows of ``t`` observations.

    Parameters
    ----------
    t : int or ndarray
        Observations in each recursive window ``[0, t-1]`` (``>= 2``).

    Returns
    -------
    origination, collapse : ndarray
        ``log(t) / 10`` and ``log(t) / 2`` (ADF t-ratio units), float64.

    Raises
    ------
    InputError
        A window of fewer than two observations.

    Examples
    --------
    >>> o, c = svadf_thresholds(100)
    >>> round(float(o[0]), 4), round(float(c[0]), 4)
    (0.4605, 2.3026)
    """
    tt = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if tt.size and not np.all(tt >= 2):
        raise InputError(f"SV-ADF windows need at least 2 observations, got {tt.min():g}")
    logt = np.log(tt)
    return logt / ORIGINATION_DIVISOR, logt / COLLAPSE_DIVISOR


def svadf_dates(
    badf: Float64Array, t: Float64Array, *, min_duration: int
) -> tuple[int, int | None] | None:
    """The origination and collapse positions of one BADF path (the SV-ADF dating rule).

    Parameters
    ----------
    badf : ndarray
        Forward recursive ADF t-ratios, one per window end.
    t : ndarray
        Observations in each of those windows (same length).
    min_duration : int
        Consecutive window ends a crossing must last to count (``>= 0``; 0 and 1 are alike).

    Returns
    -------
    tuple or None
        ``(start, end)``: positions into ``badf`` of the origination and of the collapse (the
        first position of the first qualifying run below the collapse threshold after the
        origination), ``end`` None when none follows. None when nothing originates.

    Raises
    ------
    InputError
        Paths of different lengths, a negative ``min_duration``, windows under 2 points.
    """
    b = np.asarray(badf, dtype=np.float64)
    tt = np.asarray(t, dtype=np.float64)
    if b.shape != tt.shape or b.ndim != 1:
        raise InputError(f"BADF ({b.shape}) and window sizes ({tt.shape}) differ")
    if min_duration < 0:
        raise InputError(f"min_duration must be >= 0, got {min_duration}")
    orig, coll = svadf_thresholds(tt)
    up = find_runs(b, orig, min_duration=min_duration, rule="exuber")
    if not up:
        return None
    start = up[0][0]
    rest = slice(start + 1, None)
    down = find_runs(-b[rest], -coll[rest], min_duration=min_duration, rule="exuber")
    return start, (start + 1 + down[0][0]) if down else None


@dataclass(frozen=True)
class SVADFResult(ResultMixin):
    """Result of :func:`svadf`: the BADF path, its two thresholds and the dated episode.

    Attributes
    ----------
    name : str
        Series name.
    y : pandas.Series
        The validated input (index: the input's dates, or a RangeIndex).
    lag : int
        Lagged differences in every ADF regression.
    window : WindowSpec
        Minimum window (convention, points of y, regression rows).
    badf : pandas.Series
        Forward recursive ADF t-ratios, indexed by window-end label.
    t : pandas.Series
        Observations in each window ``[0, end]``, indexed like ``badf``.
    min_duration : int
        Consecutive window ends a threshold crossing must last.
    episode : Episode or None
        The origination-to-collapse episode (``end`` exclusive: the collapse date), peak at
        the highest BADF inside it; None when nothing originates.
    """

    name: str
    y: pd.Series
    lag: int
    window: WindowSpec
    badf: pd.Series
    t: pd.Series
    min_duration: int
    episode: Episode | None

    @property
    def origination_threshold(self) -> pd.Series:
        """``log(t) / 10`` at each window end."""
        return pd.Series(
            svadf_thresholds(self.t.to_numpy())[0], index=self.badf.index, name="origination"
        )

    @property
    def collapse_threshold(self) -> pd.Series:
        """``log(t) / 2`` at each window end."""
        return pd.Series(
            svadf_thresholds(self.t.to_numpy())[1], index=self.badf.index, name="collapse"
        )

    @property
    def origination(self) -> Any:
        """Label of the origination (None if none)."""
        return None if self.episode is None else self.episode.start

    @property
    def collapse(self) -> Any:
        """Label of the collapse (None if none, or the episode is ongoing)."""
        return None if self.episode is None else self.episode.end

    def _collapsed_at_once(self) -> bool:
        """Whether the collapse is the window end right after the origination."""
        ep = self.episode
        return ep is not None and not ep.ongoing and ep.duration == 1

    def reading(self) -> str:
        """The reading at the last window end, one sentence."""
        last = float(self.badf.iloc[-1])
        o = float(self.origination_threshold.iloc[-1])
        c = float(self.collapse_threshold.iloc[-1])
        nums = f"BADF {last:.2f}; origination {o:.2f}, collapse {c:.2f}"
        if self.episode is None:
            return f"no episode originated ({nums})"
        d = self.episode.to_dict()
        if self.episode.ongoing:
            return f"episode since {d['start']} has not collapsed ({nums})"
        return (
            f"episode {d['start']} -> {d['end']} collapsed; at most one is dated per series "
            f"({nums})"
        )

    def summary(self) -> str:
        """Plain-text report: the sample, the thresholds, the episode and the reading now."""
        w = self.window
        lines = [
            f"SV-ADF dating: {self.name} ({REFERENCE}; non-peer-reviewed preprint)",
            f"  observations {len(self.y)}, lag {self.lag}, minimum window {w.points} points "
            f"({w.rows} regression rows, convention {w.convention!r})",
            "  statistic: forward recursive ADF (BADF) on [first obs, t]; origination when it "
            f"exceeds log(t)/{ORIGINATION_DIVISOR:g}, collapse when it falls below "
            f"log(t)/{COLLAPSE_DIVISOR:g}, each for {self.min_duration} consecutive window ends",
        ]
        ep = self.episode
        if ep is None:
            lines.append("  episode: none (BADF never stayed above the origination threshold)")
        else:
            d = ep.to_dict()
            end = "not collapsed (ongoing)" if ep.ongoing else f"collapse {d['end']}"
            lines.append(
                f"  episode: origination {d['start']} -> {end}; peak {d['peak']} "
                f"(BADF {ep.peak_stat:.3f}), {ep.duration} obs"
            )
            if self._collapsed_at_once():
                lines.append(
                    "  note: BADF never reached the collapse threshold after originating, so the "
                    "collapse is dated at the next window end (the rule as exuber reads it)"
                )
        end_label = self.badf.index[-1]
        last = end_label.date() if isinstance(end_label, pd.Timestamp) else end_label
        lines.append(f"  now ({last}): {self.reading()}")
        lines.append(f"  caveat: {CAVEAT}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per input date: y, BADF, window size, both thresholds and the episode flag."""
        frame = pd.DataFrame({"y": self.y})
        frame["badf"] = self.badf
        frame["t"] = self.t.astype("Int64")
        frame["origination_threshold"] = self.origination_threshold
        frame["collapse_threshold"] = self.collapse_threshold
        flag = pd.Series(False, index=self.y.index)
        if self.episode is not None:
            pos = {label: k for k, label in enumerate(self.y.index)}
            stop = len(self.y) if self.episode.end is None else pos[self.episode.end]
            flag.iloc[pos[self.episode.start] : stop] = True
        frame["episode"] = flag
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (what ``--json`` and the web API emit)."""
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "n": len(self.y),
                "lag": self.lag,
                "window": {
                    "convention": self.window.convention,
                    "points": self.window.points,
                    "rows": self.window.rows,
                },
                "min_duration": self.min_duration,
                "thresholds": {
                    "origination": f"log(t)/{ORIGINATION_DIVISOR:g}",
                    "collapse": f"log(t)/{COLLAPSE_DIVISOR:g}",
                },
                "episode": None if self.episode is None else self.episode.to_dict(),
                "last": {
                    "badf": float(self.badf.iloc[-1]),
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
        """The series with its episode shaded, above BADF and its two thresholds.

        Parameters
        ----------
        title : str, optional
            The chart's title (default: the series and the episode's dates).
        source : str
            The source line printed under the chart.
        """
        frame = self.to_frame()
        ep = self.episode
        bands: tuple[Band, ...] = ()
        if ep is not None:
            bands = (Band(ep.start, frame.index[-1] if ep.end is None else ep.end, "episode"),)
        if title is None:
            dated = "no episode"
            if ep is not None:
                d = ep.to_dict()
                dated = f"{d['start']} -> {'ongoing' if ep.ongoing else d['end']}"
            title = f"{self.name}: SV-ADF dating (preprint), {dated}"
        return ChartSpec(
            title,
            (
                Panel(
                    self.name,
                    lines=(Line(frame.index, frame["y"], self.name, color="#000000", width=1.0),),
                    bands=bands,
                ),
                Panel(
                    "BADF and the SV-ADF thresholds",
                    "t-statistic",
                    lines=(
                        Line(frame.index, frame["badf"], "BADF", color="#0072B2"),
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


def svadf(
    y: SeriesLike,
    lag: int = 0,
    window: WindowSpecLike = "psy",
    *,
    min_duration: int | None = None,
    delta: float = 1.0,
    name: str | None = None,
) -> SVADFResult:
    """Date one episode with the SV-ADF thresholds of Sarkar & Wells (2026, preprint).

    Parameters
    ----------
    y : SeriesLike
        Level series, as :func:`~bubblescope.detect.psy` takes it (take logs first to test log
        prices): a pandas Series, a one-column DataFrame, a 1-d array or sequence.
    lag : int
        Lagged differences in each ADF regression (exuber's SV-ADF examples use 0).
    window : {"psy", "exuber"} or int
        Minimum window of the recursion (see :mod:`~bubblescope.detect.exuberance`).
    min_duration : int, optional
        Consecutive window ends a crossing of either threshold must last; default
        ``round(delta log T)`` (exuber's ``psy_ds``).
    delta : float
        Frequency constant of the default ``min_duration``.
    name : str, optional
        Series name for messages and output.

    Returns
    -------
    SVADFResult

    Raises
    ------
    InputError
        Too short for the lag or the window, NaN or inf, a constant series, unsorted or
        duplicated dates, several columns (as :func:`~bubblescope.detect.psy`); a negative
        ``lag`` or ``min_duration``, a non-positive ``delta``.

    References
    ----------
    Sarkar, A. and Wells, M.T. (2026). Is there an AI bubble? Robust date-stamping for periods
    of exuberance. arXiv:2604.12062 (preprint, not peer reviewed), Section 5.1.
    """
    if min_duration is not None and (
        isinstance(min_duration, bool)
        or not isinstance(min_duration, (int, np.integer))
        or min_duration < 0
    ):
        raise InputError(f"min_duration must be a non-negative integer, got {min_duration!r}")
    if not (isinstance(delta, (int, float)) and math.isfinite(delta) and delta > 0):
        raise InputError(f"delta must be a positive number, got {delta!r}")
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
    first_end = len(res.y) - len(values)
    t = np.arange(first_end + 1, len(res.y) + 1, dtype=np.float64)
    dur = default_min_duration(len(res.y), delta) if min_duration is None else int(min_duration)
    dates = svadf_dates(values, t, min_duration=dur)
    episode = None
    if dates is not None:
        start, end = dates
        stop = len(values) if end is None else end
        peak = start + int(np.argmax(values[start:stop]))
        labels = res.badf.index
        episode = Episode(
            start=labels[start],
            peak=labels[peak],
            end=None if end is None else labels[end],
            duration=stop - start,
            ongoing=end is None,
            peak_stat=float(values[peak]),
        )
    return SVADFResult(
        name=res.name,
        y=res.y,
        lag=res.lag,
        window=res.window,
        badf=res.badf,
        t=pd.Series(t.astype(np.int64), index=res.badf.index, name="t"),
        min_duration=dur,
        episode=episode,
    )
