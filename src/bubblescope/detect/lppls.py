"""LPPLS (log-periodic power law singularity) fits and the DS LPPLS Confidence/Trust indicators.

The Johansen–Ledoit–Sornette model of a bubble's expected log price,

    ln p(t) = A + |tc − t|^m (B + C1 cos(ω ln|tc − t|) + C2 sin(ω ln|tc − t|)),

is fitted with the Filimonov–Sornette (2013) slaving: (A, B, C1, C2) solve a linear least-squares
problem for each (tc, m, ω), and (tc, m, ω) are searched *inside bounds* by a grid followed by
bounded Levenberg–Marquardt polishing of the best grid points; the lowest SSR of all is kept.
Time is counted in trading days (observations), never calendar days; tc is reported both as
trading days after t2 and as a calendar date.

References
----------
Johansen, A., Ledoit, O. and Sornette, D. (2000). Crashes as critical points. International
Journal of Theoretical and Applied Finance 3(2), 219–255.
Filimonov, V. and Sornette, D. (2013). A stable and robust calibration scheme of the
log-periodic power law model. Physica A 392(17), 3698–3707.
Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. and Zhang, Q. (2015). Real-time
prediction and post-mortem analysis of the Shanghai 2015 stock market bubble and crash.
Journal of Investment Strategies 4(4), 77–95.

Examples
--------
>>> from bubblescope.data.bundled import load_bundled
>>> close = load_bundled("nasdaq")["close"]
>>> fit = lppls_fit(close, t2="2000-03-10", window=300, space=SearchSpace.stylised())
>>> fit.bubble
'positive'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._kernels import lppls as K
from bubblescope._typing import Float64Array, JSONDict, RngLike, SeriesLike
from bubblescope.charts import ChartSpec, Line, VLine, price_panel
from bubblescope.data.validate import validate_series
from bubblescope.detect._lppls_config import (
    OSCILLATION_FORMULAS,
    GridSpec,
    LPPLSFilter,
    OscillationFormula,
    SearchSpace,
    WindowSet,
    oscillations,
)
from bubblescope.detect._lppls_engine import fit_nested
from bubblescope.detect._lppls_indicators import (
    LPPLSIndicators,
    confidence_at_last,
    lppls_confidence,
)
from bubblescope.detect._lppls_time import index_to_date, locate
from bubblescope.errors import InputError
from bubblescope.parallel import as_generator
from bubblescope.result import ResultMixin

__all__ = [
    "OSCILLATION_FORMULAS",
    "FailedFit",
    "GridSpec",
    "LPPLSFilter",
    "LPPLSFit",
    "LPPLSIndicators",
    "SearchSpace",
    "WindowSet",
    "confidence_at_last",
    "lppls_confidence",
    "lppls_fit",
    "lppls_formula",
    "oscillations",
]

#: Fewest observations an LPPLS window may have (7 parameters plus room for residuals).
MIN_WINDOW = 20


def lppls_formula(
    t: float | Float64Array,
    tc: float,
    m: float,
    omega: float,
    a: float,
    b: float,
    c1: float,
    c2: float,
) -> Float64Array:
    """Evaluate the LPPLS log-price ``A + |tc−t|^m (B + C1 cos(ω ln|tc−t|) + C2 sin(ω ln|tc−t|))``.

    Examples
    --------
    >>> p = lppls_formula(0.0, 1300.2412888852296, 0.6087189222292106, 6.344318139503496,
    ...                   3034.166016949172, -16.041970137173486, 0.21878280136703082,
    ...                   -0.14789336333436504)
    >>> round(float(p[0]), 6)  # the lppls package's own test value
    1762.319659
    """
    tt = np.atleast_1d(np.asarray(t, dtype=np.float64))
    return np.asarray(
        K.lppls_path(np.ascontiguousarray(tt), tc, m, omega, a, b, c1, c2), dtype=np.float64
    )


@dataclass(frozen=True)
class FailedFit(ResultMixin):
    """A fit that produced no usable solution, with the reason (never silent zeros).

    Attributes
    ----------
    reason : str
    t1, t2 : date or int
        The window's ends.
    prices : pandas.Series
        The window's prices, the data it could not fit (empty when not given).
    """

    reason: str
    t1: object
    t2: object
    prices: pd.Series = field(
        default_factory=lambda: pd.Series(dtype=np.float64), repr=False, compare=False
    )

    ok = False

    def summary(self) -> str:
        """One-line description."""
        return f"LPPLS fit {_fmt(self.t1)} .. {_fmt(self.t2)} failed: {self.reason}"

    def to_frame(self) -> pd.DataFrame:
        """The window's prices (the data the fit could not describe)."""
        return pd.DataFrame({"price": self.prices})

    def to_dict(self) -> JSONDict:
        """Return a JSON-ready dict."""
        out: JSONDict = to_jsonable(
            {"ok": False, "reason": self.reason, "t1": self.t1, "t2": self.t2}
        )
        return out

    def chart_spec(
        self, *, name: str = "price", title: str | None = None, source: str = ""
    ) -> ChartSpec:
        """The window's prices (log scale), which no LPPLS path could describe, and why.

        Parameters are those of :meth:`LPPLSFit.chart_spec`.
        """
        return ChartSpec(
            title or f"{name}: LPPLS fit failed ({self.reason})",
            (price_panel(self.prices, name),),
            source=source,
        )


@dataclass(frozen=True)
class LPPLSFit(ResultMixin):
    """One LPPLS calibration on the window [t1, t2].

    Attributes
    ----------
    tc : float
        Critical time as trading days after t2 (negative: before t2).
    tc_date : pandas.Timestamp or None
        tc as a calendar date (nearest observation inside the sample, business days beyond).
    m, omega : float
        Exponent and angular log-frequency.
    a, b, c1, c2 : float
        Linear parameters (time in trading days, log prices).
    ssr : float
        Sum of squared log-price residuals.
    residuals, fitted : ndarray
        Log-price residuals and fitted log prices over the window.
    at_boundary : tuple of str
        Names of the nonlinear parameters (``"tc"``, ``"m"``, ``"omega"``) that ended on a bound
        of the search space: such a fit is a boundary solution, not an interior minimum.
    space : SearchSpace
        The bounds searched.
    index : pandas.Index
        The window's dates (or positions).
    t1_pos, t2_pos : int
        Window ends as positions in the input series.
    tc_pos : float
        tc as a (fractional) position in the input series.
    """

    tc: float
    tc_date: pd.Timestamp | None
    m: float
    omega: float
    a: float
    b: float
    c1: float
    c2: float
    ssr: float
    residuals: Float64Array = field(repr=False)
    fitted: Float64Array = field(repr=False)
    at_boundary: tuple[str, ...]
    space: SearchSpace
    index: pd.Index = field(repr=False)
    t1_pos: int
    t2_pos: int
    tc_pos: float

    ok = True

    @property
    def dt(self) -> int:
        """Window span t2 − t1 in trading days."""
        return self.t2_pos - self.t1_pos

    @property
    def n_obs(self) -> int:
        """Observations in the window."""
        return self.dt + 1

    @property
    def c(self) -> float:
        """Amplitude |C| = √(C1² + C2²)."""
        return math.hypot(self.c1, self.c2)

    @property
    def phi(self) -> float:
        """Phase φ with C1 = C cos φ, C2 = C sin φ (radians)."""
        return math.atan2(self.c2, self.c1)

    @property
    def damping(self) -> float:
        """m|B| / (ω|C|) (≥ 1 for a non-negative hazard rate)."""
        denom = self.omega * self.c
        return math.inf if denom == 0 else self.m * abs(self.b) / denom

    @property
    def oscillations(self) -> float:
        """Oscillations between t1 and t2, (ω/2π)·ln|(tc−t1)/(tc−t2)|."""
        return self.oscillations_by("ln_ratio_2pi")

    def oscillations_by(self, formula: OscillationFormula) -> float:
        """Oscillation count by a named formula (see :data:`OSCILLATION_FORMULAS`)."""
        return float(oscillations(self.omega, self.tc + self.dt, 0.0, float(self.dt), formula))

    @property
    def relative_error(self) -> float:
        """Mean of |p − p̂| / p̂ over the window (price units)."""
        return float(np.mean(np.abs(np.expm1(self.residuals))))

    @property
    def bubble(self) -> str:
        """``"positive"`` (B < 0, super-exponential rise), ``"negative"`` (B > 0) or ``"none"``."""
        return "positive" if self.b < 0 else ("negative" if self.b > 0 else "none")

    @property
    def is_boundary(self) -> bool:
        """Whether any nonlinear parameter ended on a bound."""
        return bool(self.at_boundary)

    def passes(self, flt: LPPLSFilter | None = None) -> bool:
        """Whether the fit satisfies ``flt`` (default: filter condition 1)."""
        f = flt or LPPLSFilter.fco_confidence()
        one = np.ones(1)
        return bool(
            f.passes(
                m=one * self.m,
                omega=one * self.omega,
                tc_offset=one * self.tc,
                dt=one * self.dt,
                n_oscillations=one * self.oscillations_by(f.oscillation_formula),
                damping=one * self.damping,
                relative_error=one * self.relative_error,
            )[0]
        )

    def to_dict(self) -> JSONDict:
        """Return a JSON-ready dict (parameters, derived quantities, flags; no arrays)."""
        out: JSONDict = to_jsonable(
            {
                "ok": True,
                "t1": self.index[0],
                "t2": self.index[-1],
                "n_obs": self.n_obs,
                "tc_days_after_t2": self.tc,
                "tc_date": self.tc_date,
                "m": self.m,
                "omega": self.omega,
                "A": self.a,
                "B": self.b,
                "C1": self.c1,
                "C2": self.c2,
                "C": self.c,
                "phi": self.phi,
                "damping": self.damping,
                "oscillations": self.oscillations,
                "relative_error": self.relative_error,
                "ssr": self.ssr,
                "bubble": self.bubble,
                "at_boundary": list(self.at_boundary),
                "passes_filter1": self.passes(),
                "search_space": self.space.to_dict(),
            }
        )
        return out

    def to_frame(self) -> pd.DataFrame:
        """Window observations: price, fitted price, log price, fitted log price, residual."""
        logp = self.fitted + self.residuals
        return pd.DataFrame(
            {
                "price": np.exp(logp),
                "fitted_price": np.exp(self.fitted),
                "log_price": logp,
                "fitted_log_price": self.fitted,
                "residual": self.residuals,
            },
            index=self.index,
        )

    def summary(self) -> str:
        """Text summary of the fit."""
        when = f" ({self.tc_date.date()})" if self.tc_date is not None else ""
        flags = ", ".join(self.at_boundary) if self.at_boundary else "none"
        lines = [
            f"LPPLS fit  {_fmt(self.index[0])} .. {_fmt(self.index[-1])}  ({self.n_obs} obs)",
            f"  tc      = t2 {self.tc:+.1f} trading days{when}",
            f"  m       = {self.m:.4f}     omega = {self.omega:.4f}",
            f"  A, B    = {self.a:.4f}, {self.b:.4g}   C = {self.c:.4g}  phi = {self.phi:.3f}",
            f"  damping = {self.damping:.3f}   oscillations = {self.oscillations:.2f}   "
            f"rel. error = {self.relative_error:.4f}",
            f"  SSR     = {self.ssr:.6g}   bubble: {self.bubble}",
            f"  at search bound: {flags}   passes filter 1: {self.passes()}",
        ]
        return "\n".join(lines)

    def path(self) -> pd.Series:
        """The fitted LPPLS price path from t1, extended past t2 to tc when tc lies ahead.

        Indexed by the window's dates and then business days (positions for undated input).
        """
        horizon = max(self.tc, 0.0)
        t_ext = np.arange(0.0, self.dt + math.floor(horizon) + 1.0)
        path = np.exp(
            lppls_formula(
                t_ext, self.tc + self.dt, self.m, self.omega, self.a, self.b, self.c1, self.c2
            )
        )
        if isinstance(self.index, pd.DatetimeIndex):
            extra = pd.bdate_range(self.index[-1], periods=len(t_ext) - self.n_obs + 1)[1:]
            x_ext: pd.Index = self.index.append(extra)
        else:
            x_ext = pd.RangeIndex(self.t1_pos, self.t1_pos + len(t_ext))
        return pd.Series(path, index=x_ext, name="lppls_path")

    def lines(self) -> tuple[Line, VLine]:
        """The fitted path (to tc) and tc itself, as drawn over a price panel."""
        path = self.path()
        when = f" (tc {self.tc_date.date()})" if self.tc_date is not None else ""
        tc_x: Any = self.tc_date if self.tc_date is not None else self.tc_pos
        return (
            Line(path.index, path, f"LPPLS fit{when}", color="#D55E00", width=2.0),
            VLine(tc_x, "tc", color="#D55E00", dash="dash"),
        )

    def chart_spec(
        self, *, name: str = "price", title: str | None = None, source: str = ""
    ) -> ChartSpec:
        """The price (log scale), the fitted LPPLS path extended to tc, and tc.

        Parameters
        ----------
        name : str
            What the prices are (the legend of the price line).
        title : str, optional
            The chart's title (default: ``name`` and the fit's m, ω and tc).
        source : str
            The source line printed under the chart.
        """
        path, tc = self.lines()
        return ChartSpec(
            title
            or f"{name}: LPPLS fit (m {self.m:.2f}, ω {self.omega:.2f}, tc = t2 {self.tc:+.0f} "
            "trading days)",
            (price_panel(self.to_frame()["price"], name, lines=(path,), vlines=(tc,)),),
            source=source,
        )


def _fmt(x: object) -> str:
    return str(x.date()) if isinstance(x, pd.Timestamp) else str(x)


def lppls_fit(
    prices: SeriesLike,
    t1: object = None,
    t2: object = None,
    *,
    window: int | None = None,
    space: SearchSpace | None = None,
    grid: GridSpec | None = None,
    rng: RngLike = None,
) -> LPPLSFit | FailedFit:
    """Fit the LPPLS model to one window of prices (best of a grid plus bounded polishing).

    Parameters
    ----------
    prices : SeriesLike
        Positive prices (not logs), one per trading day, without gaps; validated by
        :func:`~bubblescope.data.validate.validate_series`.
    t1, t2 : int, date-like or None
        Window ends: an integer position, or a date (t2: last observation on or before it;
        t1: first on or after it). Default t2 is the last observation; default t1 is
        ``t2 − window + 1`` when ``window`` is given, else the first observation.
    window : int, optional
        Window length in observations (used only when ``t1`` is None).
    space : SearchSpace, optional
        Bounds of (tc, m, ω); default :meth:`SearchSpace.fco` (Sornette et al. 2015 Table 1).
    grid : GridSpec, optional
        Grid resolution and polishing; default ``GridSpec(n_tc=41, n_m=12, n_omega=50, keep=6,
        n_random=4)`` (finer than the indicator's, since it runs once).
    rng : int, Generator, SeedSequence or None
        Seeds the ``grid.n_random`` extra uniformly drawn starts.

    Returns
    -------
    LPPLSFit or FailedFit
        ``FailedFit`` with the reason when no finite solution was found.

    Raises
    ------
    InputError
        Non-positive, non-finite or unsorted input; a window shorter than 20 observations or
        reaching outside the data.
    """
    vs = validate_series(prices, min_points=MIN_WINDOW, name="prices", purpose="an LPPLS fit")
    index = vs.index
    values = vs.values
    n = values.shape[0]
    i2 = n - 1 if t2 is None else locate(index, t2, side="right", what="t2")
    if t1 is None:
        if window is None:
            i1 = 0
        else:
            if window < MIN_WINDOW:
                raise InputError(
                    f"window={window} is too short; an LPPLS fit needs at least "
                    f"{MIN_WINDOW} observations"
                )
            i1 = i2 - window + 1
            if i1 < 0:
                raise InputError(
                    f"window={window} is longer than the {i2 + 1} observations up to t2",
                    hint="use a shorter window or a later t2",
                )
    else:
        i1 = locate(index, t1, side="left", what="t1")
    if i2 - i1 + 1 < MIN_WINDOW:
        raise InputError(
            f"the window {_fmt(index[i1])} .. {_fmt(index[i2])} has {i2 - i1 + 1} observations; "
            f"an LPPLS fit needs at least {MIN_WINDOW}"
        )
    space = space or SearchSpace.fco()
    grid = grid or GridSpec(n_tc=41, n_m=12, n_omega=50, keep=6, n_random=4)
    y = np.log(values[i1 : i2 + 1])
    dt = float(i2 - i1)
    extra = None
    if grid.n_random:
        gen = as_generator(rng)
        lo = np.array([dt + space.tc[0] * dt, space.m[0], space.omega[0]])
        hi = np.array([dt + space.tc[1] * dt, space.m[1], space.omega[1]])
        extra = (lo + (hi - lo) * gen.random((grid.n_random, 3)))[None, :, :]
    fits = fit_nested(y, np.array([0], dtype=np.int64), space, grid, extra)
    if not (np.isfinite(fits.ssr[0]) and np.isfinite(fits.b[0]) and np.isfinite(fits.tc[0])):
        return FailedFit(
            "no finite least-squares solution in the search space",
            index[i1],
            index[i2],
            pd.Series(values[i1 : i2 + 1], index=index[i1 : i2 + 1]),
        )
    tc_local = float(fits.tc[0])
    flags = tuple(
        name for name, hit in zip(("tc", "m", "omega"), fits.at_boundary()[0], strict=True) if hit
    )
    t = np.arange(y.shape[0], dtype=np.float64)
    fitted = K.lppls_path(
        t, tc_local, fits.m[0], fits.omega[0], fits.a[0], fits.b[0], fits.c1[0], fits.c2[0]
    )
    tc_pos = i1 + tc_local
    return LPPLSFit(
        tc=tc_local - dt,
        tc_date=index_to_date(index, tc_pos),
        m=float(fits.m[0]),
        omega=float(fits.omega[0]),
        a=float(fits.a[0]),
        b=float(fits.b[0]),
        c1=float(fits.c1[0]),
        c2=float(fits.c2[0]),
        ssr=float(fits.ssr[0]),
        residuals=y - fitted,
        fitted=fitted,
        at_boundary=flags,
        space=space,
        index=index[i1 : i2 + 1],
        t1_pos=i1,
        t2_pos=i2,
        tc_pos=tc_pos,
    )
