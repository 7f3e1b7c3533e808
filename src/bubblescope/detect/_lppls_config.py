"""LPPLS configuration objects: search space, grid, window sets, filters, oscillation formulas.

References
----------
Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. and Zhang, Q. (2015). Real-time
prediction and post-mortem analysis of the Shanghai 2015 stock market bubble and crash.
Journal of Investment Strategies 4(4), 77–95 (Table 1: search space and filter conditions).
Shu, M. and Zhu, W. (2019). Real-time prediction of Bitcoin bubble crashes. arXiv:1905.09647.
Filimonov, V. and Sornette, D. (2013). Physica A 392(17), 3698–3707 (stylised bounds, eq. 4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.errors import InputError

__all__ = [
    "OSCILLATION_FORMULAS",
    "GridSpec",
    "LPPLSFilter",
    "OscillationFormula",
    "SearchSpace",
    "WindowSet",
    "oscillations",
]

OscillationFormula = Literal["ln_ratio_2pi", "sornette2015_printed", "half_periods"]

#: The named oscillation-count formulas (tc, t1, t2 in trading days; ω angular log-frequency).
OSCILLATION_FORMULAS: dict[str, str] = {
    "ln_ratio_2pi": "(ω/2π)·ln|(tc−t1)/(tc−t2)|: full periods between t1 and t2 (lppls, "
    "Fantazzini's bubble); the default",
    "sornette2015_printed": "(ω/2)·ln|(tc−t1)/(t2−t1)|: as printed in Sornette et al. (2015) "
    "Table 1 (almost never ≥ 2.5; lppls issue #12)",
    "half_periods": "(ω/π)·ln|(tc−t1)/(tc−t2)|: half-periods, Shu & Zhu (2019)",
}


def oscillations(
    omega: float | Float64Array,
    tc: float | Float64Array,
    t1: float | Float64Array,
    t2: float | Float64Array,
    formula: OscillationFormula = "ln_ratio_2pi",
) -> Float64Array:
    """Number of log-periodic oscillations of a fit between t1 and t2.

    Parameters
    ----------
    omega : float or ndarray
        Angular log-frequency ω.
    tc, t1, t2 : float or ndarray
        Critical time and window ends, same time unit (trading days).
    formula : {"ln_ratio_2pi", "sornette2015_printed", "half_periods"}
        See :data:`OSCILLATION_FORMULAS`.

    Returns
    -------
    ndarray
        The count (NaN where the logarithm's argument is zero or undefined).

    Examples
    --------
    >>> float(oscillations(2 * np.pi, 200.0, 0.0, 100.0))  # lppls's test value, ln 2
    0.6931471805599453
    """
    w = np.asarray(omega, dtype=np.float64)
    c = np.asarray(tc, dtype=np.float64)
    a = np.asarray(t1, dtype=np.float64)
    b = np.asarray(t2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if formula == "ln_ratio_2pi":
            out = w / (2 * np.pi) * np.log(np.abs((c - a) / (c - b)))
        elif formula == "half_periods":
            out = w / np.pi * np.log(np.abs((c - a) / (c - b)))
        elif formula == "sornette2015_printed":
            out = w / 2 * np.log(np.abs((c - a) / (b - a)))
        else:
            raise InputError(
                f"unknown oscillation formula {formula!r}",
                hint=f"choose one of {sorted(OSCILLATION_FORMULAS)}",
            )
    return np.where(np.isfinite(out), out, np.nan)


def _check_range(name: str, lo: float, hi: float, floor: float = -math.inf) -> None:
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi or lo < floor:
        raise InputError(
            f"{name} bounds must be finite with {floor} <= low <= high, got ({lo}, {hi})"
        )


@dataclass(frozen=True)
class SearchSpace:
    """Bounds of the nonlinear parameters searched by the fitter.

    Attributes
    ----------
    tc : (float, float)
        tc − t2 as fractions of dt = t2 − t1: tc ∈ [t2 + tc[0]·dt, t2 + tc[1]·dt].
    m : (float, float)
        Power-law exponent.
    omega : (float, float)
        Angular log-frequency.
    """

    tc: tuple[float, float] = (-0.2, 0.2)
    m: tuple[float, float] = (0.01, 2.0)
    omega: tuple[float, float] = (1.0, 50.0)

    def __post_init__(self) -> None:
        _check_range("tc", *self.tc)
        _check_range("m", *self.m, floor=1e-6)
        _check_range("omega", *self.omega, floor=0.0)

    @classmethod
    def fco(cls) -> SearchSpace:
        """Sornette et al. (2015) Table 1 search space.

        The table prints m ∈ [0, 2]; at m = 0 the power-law column equals the constant and the
        model is not identified, so the lower end here is 0.01 (filter 1's lower limit).
        """
        return cls()

    @classmethod
    def stylised(cls) -> SearchSpace:
        """Filimonov & Sornette (2013) eq. 4 style: m ∈ [0.1, 0.9], ω ∈ [2, 25], tc ± 0.2 dt."""
        return cls(tc=(-0.2, 0.2), m=(0.1, 0.9), omega=(2.0, 25.0))

    def to_dict(self) -> dict[str, list[float]]:
        """Return a JSON-ready dict."""
        return {"tc": list(self.tc), "m": list(self.m), "omega": list(self.omega)}


@dataclass(frozen=True)
class GridSpec:
    """Size of the (tc, m, ω) grid scanned before polishing, and how many candidates to polish.

    Attributes
    ----------
    n_tc : int
        tc − t2 values, evenly spaced over the search interval of the *longest* window
        (shorter windows use the subset inside their own interval).
    n_m, n_omega : int
        Evenly spaced m and ω values over their bounds.
    keep : int
        Lowest-SSR grid points per window that are polished (bounded LM); the best is kept.
    n_random : int
        Extra uniformly random starts per single fit (drawn from ``rng``).
    max_iter : int
        Iteration cap of each polish.
    """

    n_tc: int = 31
    n_m: int = 8
    n_omega: int = 33
    keep: int = 4
    n_random: int = 0
    max_iter: int = 50

    def __post_init__(self) -> None:
        for name in ("n_tc", "n_m", "n_omega", "keep", "max_iter"):
            if getattr(self, name) < 1:
                raise InputError(f"GridSpec.{name} must be at least 1, got {getattr(self, name)}")
        if self.n_random < 0:
            raise InputError(f"GridSpec.n_random must be >= 0, got {self.n_random}")


@dataclass(frozen=True)
class WindowSet:
    """Nested fitting windows sharing their right end t2.

    Window lengths are counted in observations (trading days) from ``max_window`` down to
    ``min_window`` in steps of ``step``; dt = t2 − t1 = length − 1. The default is the FCO
    set, 750 → 125 in steps of 5: 126 windows (Sornette et al. 2015).

    Attributes
    ----------
    max_window, min_window, step : int
    """

    max_window: int = 750
    min_window: int = 125
    step: int = 5

    def __post_init__(self) -> None:
        if self.min_window < 20:
            raise InputError(f"min_window must be at least 20 observations, got {self.min_window}")
        if self.max_window < self.min_window:
            raise InputError(
                f"max_window ({self.max_window}) is shorter than min_window ({self.min_window})"
            )
        if self.step < 1:
            raise InputError(f"window step must be a positive integer, got {self.step}")

    @property
    def lengths(self) -> np.ndarray:
        """Window lengths (observations), longest first."""
        return np.arange(self.max_window, self.min_window - 1, -self.step, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.lengths.shape[0])

    @classmethod
    def fco(cls) -> WindowSet:
        """750 → 125 trading days in steps of 5 (126 windows), Sornette et al. (2015)."""
        return cls()

    @classmethod
    def short(cls) -> WindowSet:
        """Short scale, 183 → 40 trading days in steps of 3 (48 windows).

        The short, medium and long ranges (40–183, 365–730 and 730–1460 days) are those of the
        multi-scale DS LPPLS Confidence of Demirer, Demos, Gupta and Sornette (2019) as the
        open LPPLS-APPLIANCE project (github.com/sabato96/LPPLS-APPLIANCE) reports them; they
        are not checked against the paper itself. The steps are bubblescope's choice.
        """
        return cls(183, 40, 3)

    @classmethod
    def medium(cls) -> WindowSet:
        """Medium scale, 730 → 365 trading days in steps of 5 (74 windows); see :meth:`short`."""
        return cls(730, 365, 5)

    @classmethod
    def long(cls) -> WindowSet:
        """Long scale, 1460 → 730 trading days in steps of 10 (74 windows); see :meth:`short`."""
        return cls(1460, 730, 10)

    @classmethod
    def parse(cls, text: str) -> WindowSet:
        """Parse ``"750:125:5"``, ``"fco"``, ``"short"``, ``"medium"`` or ``"long"``."""
        named = {"fco": cls.fco, "short": cls.short, "medium": cls.medium, "long": cls.long}
        key = text.strip().lower()
        if key in named:
            return named[key]()
        parts = key.split(":")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            nums = []
        if len(nums) != 3:
            raise InputError(
                f"cannot read window set {text!r}",
                hint="write MAX:MIN:STEP in trading days (e.g. 750:125:5) or fco/short/medium/long",
            )
        return cls(nums[0], nums[1], nums[2])

    def to_dict(self) -> dict[str, int]:
        """Return a JSON-ready dict."""
        return {
            "max_window": self.max_window,
            "min_window": self.min_window,
            "step": self.step,
            "n_windows": len(self),
        }


@dataclass(frozen=True)
class LPPLSFilter:
    """Qualification conditions of a fit (Sornette et al. 2015, Table 1).

    Attributes
    ----------
    m, omega : (float, float)
        Closed intervals the exponent and the angular log-frequency must lie in.
    tc : (float, float)
        tc − t2 as fractions of dt: tc ∈ [t2 + tc[0]·dt, t2 + tc[1]·dt].
    min_oscillations : float
        Lower limit of the oscillation count (formula ``oscillation_formula``).
    min_damping : float
        Lower limit of m|B| / (ω|C|).
    max_relative_error : float or None
        Upper limit of the relative error, read as the mean over the window of
        |p − p̂| / p̂ in price units (the table prints ``(p_t − p̂_t)/p̂_t`` without saying how it
        is aggregated); ``None`` drops the condition.
    oscillation_formula : str
        One of :data:`OSCILLATION_FORMULAS`.
    """

    m: tuple[float, float] = (0.01, 1.2)
    omega: tuple[float, float] = (2.0, 25.0)
    tc: tuple[float, float] = (-0.05, 0.1)
    min_oscillations: float = 2.5
    min_damping: float = 0.8
    max_relative_error: float | None = 0.05
    oscillation_formula: OscillationFormula = "ln_ratio_2pi"

    def __post_init__(self) -> None:
        if self.oscillation_formula not in OSCILLATION_FORMULAS:
            raise InputError(
                f"unknown oscillation formula {self.oscillation_formula!r}",
                hint=f"choose one of {sorted(OSCILLATION_FORMULAS)}",
            )
        _check_range("filter m", *self.m)
        _check_range("filter omega", *self.omega)
        _check_range("filter tc", *self.tc)

    @classmethod
    def fco_confidence(cls) -> LPPLSFilter:
        """Filter condition 1 (DS LPPLS Confidence), Sornette et al. (2015) Table 1."""
        return cls()

    @classmethod
    def fco_trust(cls) -> LPPLSFilter:
        """Filter condition 2 (DS LPPLS Trust), Sornette et al. (2015) Table 1."""
        return cls(m=(0.01, 0.99), min_damping=1.0, max_relative_error=0.2)

    def passes(
        self,
        *,
        m: Float64Array,
        omega: Float64Array,
        tc_offset: Float64Array,
        dt: Float64Array,
        n_oscillations: Float64Array,
        damping: Float64Array,
        relative_error: Float64Array,
    ) -> np.ndarray:
        """Vectorised test of the conditions (NaN anywhere fails).

        ``tc_offset`` is tc − t2 and ``dt`` is t2 − t1, both in trading days.
        """
        ok = (m >= self.m[0]) & (m <= self.m[1])
        ok &= (omega >= self.omega[0]) & (omega <= self.omega[1])
        ok &= (tc_offset >= self.tc[0] * dt) & (tc_offset <= self.tc[1] * dt)
        ok &= np.nan_to_num(n_oscillations, nan=-np.inf) >= self.min_oscillations
        ok &= np.nan_to_num(damping, nan=-np.inf) >= self.min_damping
        if self.max_relative_error is not None:
            ok &= np.nan_to_num(relative_error, nan=np.inf) <= self.max_relative_error
        return np.asarray(ok, dtype=bool)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {
            "m": list(self.m),
            "omega": list(self.omega),
            "tc": list(self.tc),
            "min_oscillations": self.min_oscillations,
            "min_damping": self.min_damping,
            "max_relative_error": self.max_relative_error,
            "oscillation_formula": self.oscillation_formula,
        }
