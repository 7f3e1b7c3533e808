"""The critical values of the PSY statistics, whatever method produced them.

The BSADF critical-value subtlety (detection-methods.md §1.5(d))
-----------------------------------------------------------------
PSY (2015) and exuber compare ``BSADF_{r2}`` with the quantile of the *SADF* statistic on
``[0, r2]``, i.e. of ``cummax(BADF)`` up to ``r2`` (``bsadf_definition="sadf"``, the default
here). The literal null quantile of ``BSADF_{r2}`` itself (``bsadf_definition="bsadf"``) is
much lower late in the sample (95%: ~0.6 against ~1.4 at T = 100), because the ADF regression
is not time-reversal symmetric; stamping against it flags far more episodes. Both are offered.

Neither pointwise sequence controls the chance of *any* false episode over the sample (S7:
42-49% on random walks). ``familywise`` is the quantile of the maximum BSADF over the horizon
(the GSADF distribution when the horizon is the whole sample), the Phillips-Shi (2020)
constant critical value, which does.

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles. IER 56(4).
Phillips, P.C.B. and Shi, S. (2020). Real time monitoring of asset markets: bubbles and
crises. Handbook of Statistics 42, 61-80.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.errors import InputError

__all__ = ["BSADFDefinition", "CriticalValueMethod", "PSYCriticalValues", "from_draws"]

BSADFDefinition = Literal["sadf", "bsadf"]


@dataclass(frozen=True)
class PSYCriticalValues:
    """Critical values at several levels.

    Attributes
    ----------
    levels : tuple of float
        Confidence levels, e.g. ``(0.90, 0.95, 0.99)``.
    adf, sadf, gsadf : ndarray, shape (n_levels,)
        Critical values of the full-sample statistics.
    badf, bsadf : ndarray, shape (n_ends, n_levels)
        Pointwise critical values of the BADF and BSADF paths (one row per window end);
        ``bsadf`` follows ``bsadf_definition``.
    familywise : ndarray, shape (n_levels,)
        Constant critical value of the BSADF path controlling the family-wise false-alarm
        rate over ``horizon`` points.
    horizon : int
        Points of y over which ``familywise`` controls the false-alarm rate.
    method : str
        How they were obtained.
    reps : int
        Replications behind them.
    bsadf_definition : {"sadf", "bsadf"}
        See the module docstring.
    """

    levels: tuple[float, ...]
    adf: Float64Array
    sadf: Float64Array
    gsadf: Float64Array
    badf: Float64Array
    bsadf: Float64Array
    familywise: Float64Array
    horizon: int
    method: str
    reps: int
    bsadf_definition: BSADFDefinition

    def level_index(self, level: float) -> int:
        """Column of ``level`` (raises InputError when it was not computed)."""
        for i, lv in enumerate(self.levels):
            if abs(lv - level) < 1e-12:
                return i
        raise InputError(
            f"level {level} not among the computed critical values {self.levels}",
            hint="pass levels=(..., level) to the critical-value method",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the full-sample and family-wise values)."""
        return {
            "method": self.method,
            "reps": self.reps,
            "levels": list(self.levels),
            "adf": self.adf.tolist(),
            "sadf": self.sadf.tolist(),
            "gsadf": self.gsadf.tolist(),
            "familywise": self.familywise.tolist(),
            "horizon": self.horizon,
            "bsadf_definition": self.bsadf_definition,
        }


class CriticalValueMethod(Protocol):
    """What ``psy(cv=...)`` accepts: an object that computes critical values for a series."""

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for level series ``y`` with ``minw`` regression rows and ``lag``."""
        ...


def check_levels(levels: tuple[float, ...]) -> tuple[float, ...]:
    """Validate confidence levels (each strictly between 0 and 1)."""
    out = tuple(float(x) for x in levels)
    if not out or any(not 0.0 < x < 1.0 for x in out):
        raise InputError(f"levels must lie strictly between 0 and 1, got {levels}")
    return out


def from_draws(
    badf: Float64Array,
    bsadf: Float64Array,
    *,
    levels: tuple[float, ...],
    definition: BSADFDefinition,
    method: str,
    horizon: int,
) -> PSYCriticalValues:
    """Quantiles of simulated BADF/BSADF paths (one row per replication)."""
    if definition not in ("sadf", "bsadf"):
        raise InputError(f"bsadf_definition must be 'sadf' or 'bsadf', got {definition!r}")
    lv = np.asarray(levels)
    gsadf = bsadf.max(axis=1)
    path = np.maximum.accumulate(badf, axis=1) if definition == "sadf" else bsadf
    return PSYCriticalValues(
        levels=levels,
        adf=np.quantile(badf[:, -1], lv),
        sadf=np.quantile(badf.max(axis=1), lv),
        gsadf=np.quantile(gsadf, lv),
        badf=np.quantile(badf, lv, axis=0).T.copy(),
        bsadf=np.quantile(path, lv, axis=0).T.copy(),
        familywise=np.quantile(gsadf, lv),
        horizon=horizon,
        method=method,
        reps=badf.shape[0],
        bsadf_definition=definition,
    )
