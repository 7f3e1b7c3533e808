"""Minimum-window and minimum-duration conventions of the PSY procedure.

Two conventions are in use and differ by one observation (detection-methods.md §1.4):

``"psy"``
    Phillips, Shi & Yu (2015) and psymonitor: the smallest window holds
    ``floor(T (0.01 + 1.8 / sqrt(T)))`` *points of y*, i.e. that minus ``1 + lag`` regression rows.
``"exuber"``
    exuber/pyexuber: the same number counts *regression rows*, so the window holds
    ``rows + 1 + lag`` points of y.

An explicit integer is a number of points of y (the PSY reading).

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from bubblescope.errors import InputError

__all__ = ["WindowSpec", "WindowSpecLike", "min_duration", "psy_min_window", "resolve_window"]

WindowSpecLike = Literal["psy", "exuber"] | int


def psy_min_window(T: int) -> int:
    """PSY's rule-of-thumb minimum window ``floor(T (0.01 + 1.8 / sqrt(T)))``.

    Examples
    --------
    >>> [psy_min_window(t) for t in (100, 200, 400, 1680)]
    [19, 27, 40, 90]
    """
    return math.floor(T * (0.01 + 1.8 / math.sqrt(T)))


def min_duration(T: int, delta: float = 1.0) -> int:
    """PSY's minimum bubble duration ``round(delta * log(T))`` in observations."""
    return round(delta * math.log(T))


@dataclass(frozen=True)
class WindowSpec:
    """A resolved minimum window.

    Attributes
    ----------
    convention : str
        ``"psy"``, ``"exuber"`` or ``"points"`` (explicit integer).
    points : int
        Points of y in the smallest window.
    rows : int
        Regression rows in the smallest window (``points - 1 - lag``).
    """

    convention: str
    points: int
    rows: int


def resolve_window(window: WindowSpecLike, T: int, lag: int) -> WindowSpec:
    """Turn a window argument into points and regression rows, checking it fits ``T``.

    Raises
    ------
    InputError
        Unknown convention, a window too small for ``lag`` or longer than the series.
    """
    if isinstance(window, bool) or not isinstance(window, (str, int)):
        raise InputError(f"window must be 'psy', 'exuber' or an int, got {window!r}")
    convention: str
    if isinstance(window, str):
        if window == "psy":
            points = psy_min_window(T)
        elif window == "exuber":
            points = psy_min_window(T) + 1 + lag
        else:
            raise InputError(
                f"unknown window convention {window!r}",
                hint="use 'psy' (points of y), 'exuber' (regression rows) or an int",
            )
        convention = window
    else:
        points = int(window)
        convention = "points"
    rows = points - 1 - lag
    if rows < lag + 3:
        raise InputError(
            f"lag {lag} is too large for a minimum window of {points} points: each window needs "
            f"at least {2 * lag + 4} points",
            hint="use a smaller lag or a larger window",
        )
    if points > T:
        raise InputError(
            f"series of {T} points is too short for a minimum window of {points} points",
            hint="use a longer sample or a smaller window",
        )
    return WindowSpec(convention, points, rows)
