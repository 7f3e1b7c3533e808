"""LPPLS Confidence of the backtest's grid dates, each kept in the results cache on its own.

DS LPPLS Confidence at a date t2 depends on the ``max_window`` prices ending at t2 and on the
windows and grid settings, nothing else (no Trust, so no random draw:
:func:`~bubblescope.detect.lppls.lppls_confidence` gives every date the same fixed seed). A
grid date's Confidence is therefore stored under the SHA-256 of those prices' float64 bytes
and the settings (:func:`bubblescope.cache.result_key` adds the version): a history with one
more day, or a revised price outside a date's window, reuses every date whose window is
unchanged and computes only the rest, exactly as a cold run would (tested value for value).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bubblescope.cache import cached_json, is_cached, result_key
from bubblescope.detect.lppls import GridSpec, WindowSet

__all__ = ["confidence_by_date", "date_keys", "pending_dates"]

#: Results-cache namespace of one grid date's Confidence.
NAMESPACE = "lppls-date"


def date_keys(
    prices: npt.NDArray[np.float64],
    positions: Sequence[int],
    windows: WindowSet,
    grid: GridSpec | None,
) -> list[str]:
    """The results-cache key of each grid date's Confidence.

    Parameters
    ----------
    prices : numpy.ndarray
        The validated prices (float64), whole history.
    positions : sequence of int
        The grid dates' positions in ``prices`` (each at least ``max_window - 1``).
    windows, grid
        The LPPLS windows and grid of the signal (None: the default grid).
    """
    settings = {"windows": windows.__dict__, "grid": (grid or GridSpec()).__dict__}
    need = windows.max_window
    values = np.ascontiguousarray(prices, dtype=np.float64)
    return [
        result_key(
            NAMESPACE, hashlib.sha256(values[p - need + 1 : p + 1].tobytes()).hexdigest(), settings
        )
        for p in positions
    ]


def _out(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _in(x: Any) -> float:
    return math.nan if x is None else float(x)


def confidence_by_date(
    keys: Sequence[str], compute: Callable[[list[int]], npt.NDArray[np.float64]]
) -> npt.NDArray[np.float64]:
    """Each date's Confidence: read where cached, ``compute`` (on the indices) for the rest.

    Parameters
    ----------
    keys : sequence of str
        :func:`date_keys` of the dates.
    compute : callable
        Confidence of the dates at the given indices of ``keys``, in their order (one call, so
        the missing dates share one LPPLS run).

    Returns
    -------
    numpy.ndarray
        float64, one value a date (a computed value is stored and read back the same).
    """
    out = np.full(len(keys), np.nan)
    missing = [i for i, k in enumerate(keys) if not is_cached(NAMESPACE, k)]
    fresh: dict[int, float] = (
        dict(zip(missing, compute(missing).tolist(), strict=True)) if missing else {}
    )

    def value_of(i: int) -> Callable[[], float | None]:
        # computed with the missing dates, or (an entry that turns out unreadable) alone
        return lambda: _out(fresh[i] if i in fresh else float(compute([i])[0]))

    for i, key in enumerate(keys):
        out[i] = _in(cached_json(NAMESPACE, key, value_of(i)))
    return out


def pending_dates(keys: Sequence[str]) -> int:
    """How many of the dates :func:`confidence_by_date` would compute (the cost estimate)."""
    return sum(not is_cached(NAMESPACE, k) for k in keys)
