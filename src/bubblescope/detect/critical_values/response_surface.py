"""Critical values for any T without simulating at call time: a fitted response surface.

The ADF, SADF and GSADF null quantiles (90/95/99%) were simulated on a grid of sample sizes
(T = 50 ... 1,600, and 3,200 for lag 0; lags 0-2; both window conventions; 2,000 replications
each under the PSY null) and regressed on ``[1, log T, T^-1/2]``; the script is
``simulation/simulate_response_surface.py`` and the simulated quantiles are in
``simulation/psy_quantiles.csv``. Values beyond the largest simulated T are extrapolations
(flagged in ``method``).

Pointwise sequences follow PSY's stated rule: the BADF critical value at window end ``r2`` is
the ADF value for a sample of ``floor(r2 T)`` points and the BSADF one the SADF value for that
sample size (each at the default window of that size, an approximation of the SADF-type
sequence with the fixed minimum window). The family-wise value is the GSADF one.

References
----------
MacKinnon, J.G. (2010). Critical values for cointegration tests. Queen's Economics Department
Working Paper 1227 (the response-surface approach, as used by ``arch``).
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles. IER 56(4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.detect._psy_window import psy_min_window
from bubblescope.detect.critical_values._result import PSYCriticalValues, check_levels
from bubblescope.errors import InputError

__all__ = ["ResponseSurfaceCV"]

_LEVELS = (0.90, 0.95, 0.99)


def _surface(lag: int, convention: str, stat: str, level: float, T: np.ndarray) -> np.ndarray:
    from bubblescope.detect.critical_values._response_surface_coefs import COEFS, T_MIN

    b0, b1, b2 = COEFS[f"{lag}|{convention}|{stat}|{level:.2f}"]
    t = np.maximum(np.asarray(T, dtype=np.float64), T_MIN)
    out: np.ndarray = b0 + b1 * np.log(t) + b2 / np.sqrt(t)
    return out


@dataclass(frozen=True)
class ResponseSurfaceCV:
    """Response-surface critical values (no simulation at call time).

    Parameters
    ----------
    levels : tuple of float
        A subset of ``(0.90, 0.95, 0.99)``.

    Notes
    -----
    Available for lags 0-2 and the two default windows (``window="psy"`` or ``"exuber"``);
    other windows need :class:`~bubblescope.detect.critical_values.MonteCarloCV`.
    """

    levels: tuple[float, ...] = _LEVELS

    def compute(self, y: Float64Array, *, minw: int, lag: int) -> PSYCriticalValues:
        """Critical values for a series of ``len(y)`` points with ``minw`` rows and ``lag``."""
        from bubblescope.detect.critical_values._response_surface_coefs import REPS, T_MAX

        levels = check_levels(self.levels)
        if any(all(abs(lv - ref) > 1e-12 for ref in _LEVELS) for lv in levels):
            raise InputError(f"the response surface covers levels {_LEVELS}, got {levels}")
        if lag not in T_MAX:
            raise InputError(
                f"the response surface covers lags 0-2, got {lag}",
                hint="use MonteCarloCV for larger lags",
            )
        T = len(y)
        if minw == psy_min_window(T) - 1 - lag:
            convention = "psy"
        elif minw == psy_min_window(T):
            convention = "exuber"
        else:
            raise InputError(
                f"the response surface covers the default windows only ('psy' or 'exuber'); "
                f"{minw} regression rows is neither at T = {T}",
                hint="use MonteCarloCV for a custom window",
            )
        ends = np.arange(minw + lag + 1, T + 1, dtype=np.float64)  # sample size at each end

        def at(stat: str, t: np.ndarray) -> np.ndarray:
            return np.column_stack([_surface(lag, convention, stat, lv, t) for lv in levels])

        full = np.array([float(T)])
        gsadf = at("gsadf", full)[0]
        method = "response surface"
        if T_MAX[lag] < T:
            method += f" (extrapolated beyond T = {T_MAX[lag]})"
        return PSYCriticalValues(
            levels=levels,
            adf=at("adf", full)[0],
            sadf=at("sadf", full)[0],
            gsadf=gsadf,
            badf=at("adf", ends),
            bsadf=at("sadf", ends),
            familywise=gsadf.copy(),
            horizon=T,
            method=method,
            reps=REPS,
            bsadf_definition="sadf",
        )

    @staticmethod
    def fitted_range(lag: int) -> tuple[int, int]:
        """Smallest and largest simulated T for ``lag``."""
        from bubblescope.detect.critical_values._response_surface_coefs import T_MAX, T_MIN

        return T_MIN, T_MAX[lag]
