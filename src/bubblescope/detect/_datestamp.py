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

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array
from bubblescope.errors import InputError

__all__ = ["Episode", "EpisodeRule", "episodes_from_path", "find_runs"]

EpisodeRule = Literal["psy", "exuber"]


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
