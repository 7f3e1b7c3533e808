"""Shared parts of the sequential monitors: the result object and the dated feed.

The monitors of :mod:`bubblescope.detect.whl`, :mod:`bubblescope.detect.sign_based` and
:mod:`bubblescope.detect.breitung_diegel` each turn a training sample and a stream of later
observations into a detector path, a boundary and an alarm state. :class:`SequentialResult`
holds that path under the result contract (:mod:`bubblescope.result`); :class:`Feed` keeps the
labels of a stream (dated or positional) and rejects non-finite or out-of-order values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from bubblescope._typing import Float64Array, SeriesLike
from bubblescope.charts import Band, ChartSpec, Line, Panel, VLine
from bubblescope.data.validate import validate_series
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "Feed",
    "SequentialResult",
    "fmt_label",
    "path_result",
    "split_training",
    "training_sample",
]


def fmt_label(label: Any) -> str:
    """A date as ``YYYY-MM-DD``, anything else as ``str``."""
    return str(label.date()) if isinstance(label, pd.Timestamp) else str(label)


def training_sample(
    history: SeriesLike, name: str | None, min_points: int, purpose: str
) -> pd.Series:
    """The validated float64 training sample (typed errors for short, NaN or inf input)."""
    v = validate_series(
        history, min_points=min_points, positive=False, nonconstant=False, name=name,
        purpose=purpose,
    )  # fmt: skip
    return v.series.astype(np.float64)


def split_training(
    data: SeriesLike, train: int | float, min_train: int, name: str | None, purpose: str
) -> tuple[pd.Series, int]:
    """The validated whole series and the training length ``n`` (a count or a fraction)."""
    s = training_sample(data, name, min_train + 1, purpose)
    label = str(name or s.name or "series")
    T = len(s)
    if isinstance(train, float) and not isinstance(train, bool):
        if not 0.0 < train < 1.0:
            raise InputError(f"a training fraction must lie in (0, 1), got {train}")
        n = round(train * T)
    else:
        n = int(train)
    if n < min_train:
        raise InputError(
            f"{label}: the training sample has {n} points; {purpose} needs at least {min_train}",
            hint="use a longer series or a larger train",
        )
    if n >= T:
        raise InputError(
            f"{label}: the {n}-point training sample leaves nothing to monitor ({T} points)"
        )
    return s, n


class Feed:
    """Labels of a monitored stream after a training sample.

    Parameters
    ----------
    train : pandas.Series
        The training sample; a DatetimeIndex makes the stream dated (each appended value then
        needs a later ``date``), any other index numbers the stream on from ``len(train)``.
    """

    def __init__(self, train: pd.Series) -> None:
        self.dated = isinstance(train.index, pd.DatetimeIndex)
        self.n_train = len(train)
        self.train_labels = (train.index[0], train.index[-1])
        self.labels: list[Any] = []

    def check(self, value: float, date: Any) -> tuple[float, Any]:
        """The value as a finite float and its label (not yet recorded)."""
        x = float(value)
        if not math.isfinite(x):
            raise InputError(f"appended value must be finite, got {value!r}")
        last = self.labels[-1] if self.labels else self.train_labels[1]
        if self.dated:
            if date is None:
                raise InputError("this monitor has dated history: pass date= with each value")
            label: Any = pd.Timestamp(date)
            if label <= last:
                raise InputError(f"date {label.date()} is not after the last date {last.date()}")
            return x, label
        return x, self.n_train + len(self.labels) if date is None else date

    def index(self) -> pd.Index:
        """The recorded labels as an index."""
        return pd.DatetimeIndex(self.labels) if self.dated else pd.Index(self.labels)


@dataclass(frozen=True)
class SequentialResult(ResultMixin):
    """A sequential monitor's detector path, its boundary and its alarm state.

    Attributes
    ----------
    name : str
        The monitored series.
    title : str
        The monitor and its reference, e.g. ``"Sign-based monitor (Harvey, Leybourne & Zu
        2020)"``.
    method : str
        Short key (``"whl"``, ``"sign"``, ``"bd-wcusum"``, ...).
    index : pandas.Index
        Labels of the monitored observations (after the training sample).
    statistic, boundary : ndarray
        Detector and boundary at each monitored observation (dimensionless).
    alarm : ndarray of bool
        Alarm state at each monitored observation (the monitor's own rule: for most, the
        detector above its boundary; for WHL, inside a detected bubble until a crash).
    n_train : int
        Training observations.
    train_start, train_end : Timestamp or int
        First and last training labels.
    horizon : int
        Monitored observations over which the false-alarm rate is ``false_alarm_rate``.
    false_alarm_rate : float
        Chance of any alarm within the horizon under the null (no bubble), fraction.
    critical : str
        Where the boundary comes from.
    params : dict
        The monitor's settings (JSON scalars).
    crash_statistic : ndarray, optional
        WHL's crash detector at each monitored observation (None for other monitors).
    crash_boundary : float, optional
        WHL's crash boundary (the training minimum of the crash detector).
    crashes : tuple
        Labels at which a crash was detected (WHL).
    """

    name: str
    title: str
    method: str
    index: pd.Index
    statistic: Float64Array
    boundary: Float64Array
    alarm: np.ndarray
    n_train: int
    train_start: Any
    train_end: Any
    horizon: int
    false_alarm_rate: float
    critical: str
    params: dict[str, Any] = field(default_factory=dict)
    crash_statistic: Float64Array | None = None
    crash_boundary: float | None = None
    crashes: tuple[Any, ...] = ()

    @property
    def alarms(self) -> pd.Series:
        """Alarm state per monitored observation."""
        return pd.Series(self.alarm.astype(bool), index=self.index, name="alarm")

    @property
    def episodes(self) -> list[tuple[Any, Any]]:
        """(first, last) label of each run of consecutive alarms."""
        flag = np.r_[False, self.alarm.astype(bool), False]
        starts = np.flatnonzero(~flag[:-1] & flag[1:])
        ends = np.flatnonzero(flag[:-1] & ~flag[1:]) - 1
        return [(self.index[int(a)], self.index[int(b)]) for a, b in zip(starts, ends, strict=True)]

    @property
    def first_alarm(self) -> Any:
        """Label of the first alarm (the detection date), or None."""
        hit = np.flatnonzero(self.alarm)
        return self.index[int(hit[0])] if len(hit) else None

    def summary(self) -> str:
        """Training sample, boundary, false-alarm rate, first alarm and the latest reading."""
        m = len(self.statistic)
        settings = ", ".join(f"{k}={v}" for k, v in self.params.items())
        lines = [
            f"{self.title}: {self.name}",
            f"  training {fmt_label(self.train_start)}..{fmt_label(self.train_end)} "
            f"({self.n_train} obs), monitored {m} obs; {settings}",
            f"  boundary: {self.critical}; false-alarm rate {self.false_alarm_rate:.1%} over "
            f"{self.horizon} monitored obs",
        ]
        if m > self.horizon:
            lines.append(
                f"  monitoring ran {m - self.horizon} obs past the horizon, where the "
                "false-alarm rate is no longer held at that level"
            )
        first = self.first_alarm
        if first is None:
            lines.append("  no alarm: no explosive episode detected")
        else:
            i = int(np.flatnonzero(self.alarm)[0])
            lines.append(
                f"  first alarm {fmt_label(first)} ({i + 1} obs after training): detector "
                f"{self.statistic[i]:.3f} vs boundary {self.boundary[i]:.3f}; "
                f"{len(self.episodes)} alarm episodes, {int(self.alarm.sum())} obs in alarm"
            )
        if self.crash_statistic is not None:
            lines.append(
                "  crashes detected: " + (", ".join(fmt_label(c) for c in self.crashes) or "none")
            )
        if m:
            state = "alarm" if self.alarm[-1] else "no alarm"
            lines.append(
                f"  latest {fmt_label(self.index[-1])}: detector {self.statistic[-1]:.3f}, "
                f"boundary {self.boundary[-1]:.3f} ({state})"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Detector, boundary and alarm (and WHL's crash detector) per monitored observation."""
        cols: dict[str, Any] = {
            "statistic": self.statistic,
            "boundary": self.boundary,
            "alarm": self.alarm.astype(bool),
        }
        if self.crash_statistic is not None:
            cols["crash_statistic"] = self.crash_statistic
        return pd.DataFrame(cols, index=self.index)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (dates as ISO strings)."""
        first = self.first_alarm
        return {
            "name": self.name,
            "title": self.title,
            "method": self.method,
            "params": dict(self.params),
            "n_train": self.n_train,
            "train_start": fmt_label(self.train_start),
            "train_end": fmt_label(self.train_end),
            "horizon": self.horizon,
            "false_alarm_rate": self.false_alarm_rate,
            "critical": self.critical,
            "first_alarm": None if first is None else fmt_label(first),
            "index": [fmt_label(x) for x in self.index],
            "statistic": [float(x) for x in self.statistic],
            "boundary": [float(x) for x in self.boundary],
            "alarm": [bool(x) for x in self.alarm],
            "episodes": [[fmt_label(a), fmt_label(b)] for a, b in self.episodes],
            "crash_statistic": None
            if self.crash_statistic is None
            else [float(x) for x in self.crash_statistic],
            "crash_boundary": self.crash_boundary,
            "crashes": [fmt_label(c) for c in self.crashes],
        }

    def chart_spec(self) -> ChartSpec:
        """The detector against its boundary; the first alarm (and crashes) marked."""
        first = self.first_alarm
        vlines = [] if first is None else [VLine(first, "first alarm")]
        vlines += [VLine(c, "crash detected") for c in self.crashes]
        panels = [
            Panel(
                "no alarm" if first is None else f"first alarm {fmt_label(first)}",
                "detector",
                lines=(
                    Line(self.index, self.statistic, "detector", color="#0072B2"),
                    Line(self.index, self.boundary, "boundary", color="#D55E00", dash="dash"),
                ),
                vlines=tuple(vlines),
                bands=tuple(
                    Band(a, b, "alarm" if k == 0 else "", color="#CC79A7", opacity=0.2)
                    for k, (a, b) in enumerate(self.episodes)
                ),
            )
        ]
        if self.crash_statistic is not None and self.crash_boundary is not None:
            panels.append(
                Panel(
                    f"crash detector ({len(self.crashes)} crashes)",
                    "crash detector",
                    lines=(
                        Line(self.index, self.crash_statistic, "crash detector", color="#009E73"),
                        Line(
                            self.index,
                            np.full(len(self.index), self.crash_boundary),
                            "crash boundary (training minimum)",
                            color="#D55E00",
                            dash="dash",
                        ),
                    ),
                )
            )
        return ChartSpec(
            f"{self.name}: {self.title}",
            tuple(panels),
            source=f"bubblescope.detect ({self.method}) on {self.name}; training "
            f"{fmt_label(self.train_start)}..{fmt_label(self.train_end)}; {self.critical}",
        )


def path_result(
    index: pd.Index,
    n_train: int,
    train_labels: tuple[Any, Any],
    statistic: ArrayLike,
    boundary: ArrayLike,
    *,
    alarm: np.ndarray | None = None,
    **fields: Any,
) -> SequentialResult:
    """A monitor's path as a :class:`SequentialResult` (the part every monitor shares).

    Parameters
    ----------
    index : pandas.Index
        Labels of the monitored observations.
    n_train : int
        Training observations.
    train_labels : tuple
        First and last training labels.
    statistic : array_like
        Detector at each monitored observation (dimensionless).
    boundary : array_like or float
        Boundary at each monitored observation, or one boundary for all of them.
    alarm : ndarray of bool, optional
        The monitor's own alarm state; default: the detector above its boundary.
    **fields
        The rest of :class:`SequentialResult` (name, title, method, horizon,
        false_alarm_rate, critical, params and WHL's crash fields).
    """
    stat = np.asarray(statistic, dtype=np.float64)
    bound = np.asarray(boundary, dtype=np.float64)
    if bound.ndim == 0:
        bound = np.full(len(stat), float(bound))
    return SequentialResult(
        index=index,
        statistic=stat,
        boundary=bound,
        alarm=stat > bound if alarm is None else alarm,
        n_train=n_train,
        train_start=train_labels[0],
        train_end=train_labels[1],
        **fields,
    )
