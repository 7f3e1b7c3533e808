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

import warnings
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array
from bubblescope.charts import PALETTE, ChartSpec, HLine, Line, Panel
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "BSADFDefinition",
    "CriticalValueMethod",
    "PSYCriticalValues",
    "by_window_end",
    "from_draws",
    "levels_chart",
]

BSADFDefinition = Literal["sadf", "bsadf"]


@dataclass(frozen=True)
class PSYCriticalValues(ResultMixin):
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

    def summary(self) -> str:
        """The full-sample and family-wise critical values by level, and how they were made."""
        lines = [
            f"PSY critical values: {self.method}, {self.reps} replications; BSADF compared "
            f"with the {self.bsadf_definition!r} sequence; family-wise over {self.horizon} points",
            "  level        ADF     SADF    GSADF  family-wise",
        ]
        for i, level in enumerate(self.levels):
            lines.append(
                f"  {level:>5.0%}  {self.adf[i]:>8.3f} {self.sadf[i]:>8.3f} "
                f"{self.gsadf[i]:>8.3f} {self.familywise[i]:>12.3f}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The pointwise BADF and BSADF critical values, one row per window end and level."""
        return by_window_end(self.levels, badf=self.badf, bsadf=self.bsadf)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the full-sample and family-wise values)."""
        out: dict[str, Any] = to_jsonable(
            {
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
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """The pointwise BSADF critical value of each level by window end, and the family-wise one.

        See :func:`levels_chart`.
        """
        return levels_chart(
            f"PSY critical values ({self.method}, {self.reps} replications)",
            f"BSADF critical values ({self.bsadf_definition!r} sequence) and the family-wise "
            "constant",
            self.levels,
            self.bsadf,
            self.familywise,
            "family-wise",
        )


def by_window_end(levels: tuple[float, ...], **columns: Float64Array) -> pd.DataFrame:
    """Critical-value arrays of shape ``(n_ends, n_levels)`` as a frame by (window end, level)."""
    n_ends = next(iter(columns.values())).shape[0]
    return pd.DataFrame(
        {
            "window_end": np.repeat(np.arange(1, n_ends + 1), len(levels)),
            "level": np.tile(np.asarray(levels, dtype=np.float64), n_ends),
            **{name: values.ravel() for name, values in columns.items()},
        }
    ).set_index(["window_end", "level"])


def levels_chart(
    title: str,
    panel_title: str,
    levels: tuple[float, ...],
    pointwise: Float64Array,
    constant: Float64Array,
    constant_name: str,
) -> ChartSpec:
    """Each level's pointwise critical values by window end, its constant one dashed.

    Critical values have no dates of their own: the x axis counts window ends from the first
    (the minimum window). A level's line and its constant share a colour.
    """
    x = np.arange(1, pointwise.shape[0] + 1)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(levels))]
    return ChartSpec(
        title,
        (
            Panel(
                panel_title,
                "statistic",
                lines=tuple(
                    Line(x, pointwise[:, i], f"{level:.0%} pointwise", color=colour)
                    for i, (level, colour) in enumerate(zip(levels, colours, strict=True))
                ),
                hlines=tuple(
                    HLine(float(constant[i]), f"{level:.0%} {constant_name}", color=colour)
                    for i, (level, colour) in enumerate(zip(levels, colours, strict=True))
                ),
            ),
        ),
        xlabel="window end (1 = the minimum window)",
    )


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
    bsadf: Float64Array | None,
    *,
    levels: tuple[float, ...],
    definition: BSADFDefinition,
    method: str,
    horizon: int,
    undefined: bool = False,
    suprema: Float64Array | None = None,
) -> PSYCriticalValues:
    """Quantiles of simulated BADF/BSADF paths (one row per replication).

    ``undefined``: a path may hold NaN where a window has no statistic (the sign-based DF
    ratio of a window whose lagged cumulated signs are all zero). Each supremum is then taken
    over the defined values, as the sample's statistics are (:func:`numpy.nanmax`), a
    replication with no defined value at all is dropped, and each quantile is taken over the
    replications defined there (NaN only where none is). Without NaN this gives the same
    numbers as the default.

    ``suprema``: each replication's supremum of its BSADF path, given instead of the paths
    (``bsadf=None``; with ``definition="sadf"`` the pointwise sequence needs only ``badf``).
    It must equal the paths' (``nanmax`` with ``undefined``, else ``max``); the numbers are
    then the same as from the paths.
    """
    if bsadf is None:
        if suprema is None or definition != "sadf":
            raise InputError("without the BSADF paths, give suprema and definition='sadf'")
    elif suprema is not None:
        raise InputError("give the BSADF paths or their suprema, not both")
    if definition not in ("sadf", "bsadf"):
        raise InputError(f"bsadf_definition must be 'sadf' or 'bsadf', got {definition!r}")
    lv = np.asarray(levels)
    quantile, top, accumulate = np.quantile, np.max, np.maximum.accumulate
    if undefined:
        quantile, top, accumulate = np.nanquantile, np.nanmax, np.fmax.accumulate
    with warnings.catch_warnings():  # an all-NaN column has no quantile: NaN, said above
        warnings.simplefilter("ignore", RuntimeWarning)
        gsadf = top(bsadf, axis=1) if bsadf is not None else np.asarray(suprema)
        if undefined:  # a replication whose every window lacks a statistic is dropped
            keep = np.isfinite(gsadf)
            badf, gsadf = badf[keep], gsadf[keep]
            bsadf = None if bsadf is None else bsadf[keep]
        path = accumulate(badf, axis=1) if bsadf is None or definition == "sadf" else bsadf
        return PSYCriticalValues(
            levels=levels,
            adf=quantile(badf[:, -1], lv),
            sadf=quantile(top(badf, axis=1), lv),
            gsadf=quantile(gsadf, lv),
            badf=quantile(badf, lv, axis=0).T.copy(),
            bsadf=quantile(path, lv, axis=0).T.copy(),
            familywise=quantile(gsadf, lv),
            horizon=horizon,
            method=method,
            reps=badf.shape[0],
            bsadf_definition=definition,
        )
