"""Date-stamping: turn a BSADF path and its critical values into episodes.

Two episode rules are offered (detection-methods.md §1.3):

``"psy"``
    Phillips, Shi & Yu (2015): an episode starts at the first exceedance; the search for its
    end starts ``min_duration`` observations later and stops at the first point below the
    critical value. Dips inside the minimum duration are ignored.
``"exuber"``
    exuber's ``datestamp(min_duration=)``: runs of consecutive exceedances, dropping runs
    shorter than ``min_duration``; dips are not bridged.

Positions are indices into the statistic's own array; ``end`` is the first non-exceeding
position after the episode (exclusive), or ``None`` when the episode runs to the sample end.

The rules date episodes after the fact. Under ``"psy"`` an exceedance within the last
``min_duration`` observations is an ongoing episode even when the statistic is back below its
critical value at the last date, so a reading *now* must not call every ongoing episode
"explosive now": :func:`episode_now` is the one real-time reading every surface prints
("explosive now" only while the last statistic is above its critical value, "episode not
confirmed" when an ongoing episode's statistic has fallen back below it).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array
from bubblescope.errors import InputError

if TYPE_CHECKING:
    from bubblescope.detect.critical_values import PSYCriticalValues

__all__ = [
    "Episode",
    "EpisodeNow",
    "EpisodeRule",
    "NowState",
    "episode_flags",
    "episode_now",
    "episodes_from_path",
    "find_runs",
    "path_frame",
]

EpisodeRule = Literal["psy", "exuber"]
#: The real-time reading of a dated statistic path (see :func:`episode_now`).
NowState = Literal["explosive now", "episode not confirmed", "explosive earlier", "not explosive"]


@dataclass(frozen=True)
class Episode:
    """One explosive episode.

    Attributes
    ----------
    start, peak : Timestamp or int
        Label (date) of the first exceedance and of the highest statistic inside the episode.
    end : Timestamp, int or None
        Label of the first point after the episode (exclusive); None if still ongoing.
    duration : int
        Observations in the episode (``end - start`` in positions).
    ongoing : bool
        True when the episode reaches the last observation.
    peak_stat : float
        The statistic at ``peak``.
    """

    start: Any
    peak: Any
    end: Any
    duration: int
    ongoing: bool
    peak_stat: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "start": _label(self.start),
            "peak": _label(self.peak),
            "end": _label(self.end),
            "duration": self.duration,
            "ongoing": self.ongoing,
            "peak_stat": self.peak_stat,
        }


def _label(x: Any) -> Any:
    if isinstance(x, pd.Timestamp):
        return x.date().isoformat() if x == x.normalize() else x.isoformat()
    if isinstance(x, np.integer):
        return int(x)
    return x


def find_runs(
    stat: Float64Array, cv: Float64Array, *, min_duration: int, rule: EpisodeRule = "psy"
) -> list[tuple[int, int]]:
    """Positions ``(start, end)`` (end exclusive, ``len(stat)`` when ongoing) of episodes.

    Parameters
    ----------
    stat, cv : ndarray
        The statistic path and its critical value at each position (same length).
    min_duration : int
        Minimum duration in observations (``>= 0``).
    rule : {"psy", "exuber"}
        The episode rule (see the module docstring).
    """
    if stat.shape != cv.shape:
        raise InputError(f"statistic ({stat.shape}) and critical values ({cv.shape}) differ")
    if min_duration < 0:
        raise InputError(f"min_duration must be >= 0, got {min_duration}")
    above = stat > cv
    n = len(stat)
    runs: list[tuple[int, int]] = []
    if rule == "exuber":
        i = 0
        while i < n:
            if above[i]:
                j = i
                while j < n and above[j]:
                    j += 1
                if j - i >= min_duration:
                    runs.append((i, j))
                i = j
            else:
                i += 1
        return runs
    if rule != "psy":
        raise InputError(f"unknown episode rule {rule!r}", hint="use 'psy' or 'exuber'")
    i = 0
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i + max(min_duration, 1)
        while j < n and not (stat[j] < cv[j]):
            j += 1
        runs.append((i, min(j, n)))
        i = j
    return runs


def episodes_from_path(
    stat: pd.Series, cv: Float64Array, *, min_duration: int, rule: EpisodeRule = "psy"
) -> tuple[Episode, ...]:
    """Episodes of a labelled statistic path (labels are the Series index)."""
    values = stat.to_numpy(dtype=np.float64)
    labels = stat.index
    out = []
    for start, end in find_runs(values, cv, min_duration=min_duration, rule=rule):
        peak = start + int(np.argmax(values[start:end]))
        ongoing = end >= len(values)
        out.append(
            Episode(
                start=labels[start],
                peak=labels[peak],
                end=None if ongoing else labels[end],
                duration=end - start,
                ongoing=ongoing,
                peak_stat=float(values[peak]),
            )
        )
    return tuple(out)


def episode_flags(index: pd.Index, episodes: tuple[Episode, ...]) -> pd.Series:
    """True on every label of ``index`` inside an episode (start included, end excluded).

    An ongoing episode (``end`` None) runs to the last label. The ``episode`` column of the
    dating results' ``to_frame``.
    """
    flag = pd.Series(False, index=index)
    pos = {label: k for k, label in enumerate(index)}
    for ep in episodes:
        stop = len(index) if ep.end is None else pos[ep.end]
        flag.iloc[pos[ep.start] : stop] = True
    return flag


def path_frame(
    y: pd.Series,
    badf: pd.Series,
    bsadf: pd.Series,
    *,
    cv: PSYCriticalValues | None,
    level: float,
    threshold: pd.Series,
    episodes: tuple[Episode, ...],
    lags: tuple[pd.Series, pd.Series] | None = None,
) -> pd.DataFrame:
    """One row per input date: y, the BADF and BSADF paths, their critical values and episodes.

    The ``to_frame`` of the PSY and sign-based PSY results: ``y``, ``badf``, ``bsadf``, the
    lags each window chose (``lags``: BADF's and BSADF's, where selected by an information
    criterion), ``badf_cv`` and ``bsadf_cv`` at ``level`` where critical values were simulated,
    the dating ``threshold`` and the ``episode`` flag (:func:`episode_flags`).
    """
    frame = pd.DataFrame({"y": y})
    frame["badf"] = badf
    frame["bsadf"] = bsadf
    if lags is not None:
        frame["badf_lag"] = lags[0].astype("Int64")
        frame["bsadf_lag"] = lags[1].astype("Int64")
    if cv is not None:
        i = cv.level_index(level)
        frame["badf_cv"] = pd.Series(cv.badf[:, i], index=bsadf.index)
        frame["bsadf_cv"] = pd.Series(cv.bsadf[:, i], index=bsadf.index)
    frame["threshold"] = threshold
    frame["episode"] = episode_flags(y.index, episodes)
    return frame


@dataclass(frozen=True)
class EpisodeNow:
    """The reading *now* of a statistic path and its dated episodes.

    Attributes
    ----------
    state : {"explosive now", "episode not confirmed", "explosive earlier", "not explosive"}
        "explosive now": the last statistic is above its critical value. "episode not
        confirmed": the episode rule holds an episode open at the last date (an exceedance
        within the minimum duration) but the last statistic is at or below its critical value.
        "explosive earlier": episodes, none open at the last date. "not explosive": none.
    stat, critical_value : float
        The last statistic and its critical value (the statistic's units, e.g. a BSADF
        t-statistic).
    start : Timestamp, int or None
        Label of the first exceedance of the episode open at the last date (None if none).
    """

    state: NowState
    stat: float
    critical_value: float
    start: Any = None

    @property
    def explosive(self) -> bool:
        """True only when the last statistic is above its critical value."""
        return self.state == "explosive now"

    @property
    def since(self) -> str | None:
        """Start of the open episode as text (``YYYY-MM-DD`` for a date), None if none."""
        return None if self.start is None else str(_label(self.start))

    def clause(self) -> str:
        """The clause after the numbers: "episode since DATE", "episode from DATE not confirmed".

        Empty when no episode is open at the last date.
        """
        if self.state == "explosive now" and self.since is not None:
            return f"episode since {self.since}"
        if self.state == "episode not confirmed":
            return f"episode from {self.since} not confirmed"
        return ""

    def sentence(self, what: str = "the statistic") -> str:
        """The reading as a sentence, naming ``what`` was tested.

        E.g. "an episode began on 2026-11-13, not yet confirmed: the statistic has fallen back
        below its critical value (-0.32 vs 2.36)".
        """
        nums = f"({self.stat:.2f} vs {self.critical_value:.2f})"
        if self.state == "explosive now":
            since = "" if self.since is None else f", episode since {self.since}"
            return f"explosive now: {what} is above its critical value {nums}{since}"
        if self.state == "episode not confirmed":
            return (
                f"an episode began on {self.since}, not yet confirmed: {what} has fallen back "
                f"below its critical value {nums}"
            )
        if self.state == "explosive earlier":
            return f"explosive earlier, not now: {what} is below its critical value {nums}"
        return f"not explosive: {what} is below its critical value {nums}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "state": self.state,
            "stat": self.stat,
            "critical_value": self.critical_value,
            "start": self.since,
            "sentence": self.sentence(),
        }


def episode_now(
    stat: pd.Series | Float64Array, cv: pd.Series | Float64Array, episodes: Sequence[Episode]
) -> EpisodeNow:
    """Read a dated statistic path at its last observation.

    Parameters
    ----------
    stat, cv : Series or ndarray
        The statistic path (e.g. BSADF) and its critical value at each observation; only the
        last values are read.
    episodes : sequence of Episode
        The episodes dated on that path (:func:`episodes_from_path`, either rule).

    Returns
    -------
    EpisodeNow
        "explosive now" exactly when the last statistic exceeds its critical value (the
        comparison that starts an episode); an episode the rule holds open while the last
        statistic is not above it is "episode not confirmed". The dating itself is unchanged.

    Raises
    ------
    InputError
        Empty paths, or paths of different lengths.

    References
    ----------
    Phillips, P.C.B., Shi, S. and Yu, J. (2015), IER 56(4), 1043-1078: origination at the first
    exceedance, termination searched from ``min_duration`` observations later.
    """
    s = np.asarray(stat, dtype=np.float64)
    c = np.asarray(cv, dtype=np.float64)
    if s.shape != c.shape:
        raise InputError(f"statistic ({s.shape}) and critical values ({c.shape}) differ")
    if not len(s):
        raise InputError("an empty statistic path has no reading now")
    last, crit = float(s[-1]), float(c[-1])
    open_ = [ep for ep in episodes if ep.ongoing]
    start = open_[-1].start if open_ else None
    state: NowState
    if last > crit:
        state = "explosive now"
    elif open_:
        state = "episode not confirmed"
    else:
        state = "explosive earlier" if episodes else "not explosive"
    return EpisodeNow(state, last, crit, start)
