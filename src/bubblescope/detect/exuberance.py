"""PSY exuberance tests: ADF, SADF, GSADF, BADF/BSADF paths, critical values and episodes.

:func:`psy` tests one series (:class:`PSYResult`); :func:`psy_panel` tests every column of a
panel and their mean BSADF path, the panel GSADF (:class:`PSYPanelResult`). The statistics are
exact OLS t-ratios (float64), computed by the O(T^2)-time, O(T)-memory kernel of
:mod:`bubblescope._kernels.psy`; they equal exuber/pyexuber's to ~1e-13.

Conventions (state them; they change GSADF in the second decimal)
---------------------------------------------------------------
* ``window="psy"`` (default): minimum window ``floor(T (0.01 + 1.8/sqrt T))`` points of y
  (PSY 2015, psymonitor). ``window="exuber"``: the same number of regression rows, i.e. one
  (plus ``lag``) more point (exuber's ``radf`` default). An int: points of y.
* Critical values come from a method object (``cv=MonteCarloCV(...)``, ``WildBootstrapCV``,
  ``PhillipsShiCV``, ``ResponseSurfaceCV``); the default ``"auto"`` uses the response surface
  where it applies (no simulation at call time); ``cv=None`` skips them.
* ``stamping="familywise"`` (default) compares the BSADF path with one constant critical
  value, the quantile of its maximum (GSADF) under the null, so that on a random walk *any*
  false episode occurs with probability ``1 - level``. ``stamping="pointwise"`` uses the PSY
  sequence (quantile of the SADF on ``[0, r2]``), which flags a false episode in 42-49% of
  random walks (detection-methods.md §1.8).
* ``lag_selection="aic"``/``"bic"``: the lag of every window is chosen from ``0..max_lag`` by
  ``n log(SSR/n) + p c`` (``c = 2`` or ``log n``, ``p = k + 2`` coefficients) on a common
  effective sample per window (see :mod:`bubblescope._kernels.psy_ic`); windows are laid out
  as for the fixed lag ``max_lag``. Only ``cv=None`` or precomputed critical values apply.
* ``rule="psy"``: an episode's end is searched from ``min_duration = round(delta log T)``
  observations after its start; ``rule="exuber"``: runs shorter than ``min_duration`` are
  dropped.

References
----------
Phillips, P.C.B., Wu, Y. and Yu, J. (2011). Explosive behavior in the 1990s Nasdaq: when did
exuberance escalate asset values? International Economic Review 52(1), 201-226.
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.

Examples
--------
>>> import numpy as np
>>> from bubblescope.detect import psy
>>> y = np.cumsum(np.random.default_rng(0).standard_normal(120))
>>> res = psy(y, cv=None)
>>> round(res.gsadf, 6) == round(float(res.bsadf.max()), 6)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._kernels.psy import design_matrix, sweep
from bubblescope._kernels.psy_ic import AIC, BIC, sweep_ic
from bubblescope._typing import Float64Array, FrameLike, SeriesLike
from bubblescope.charts import Band, ChartSpec, HLine, Line, Panel
from bubblescope.data.validate import validate_panel, validate_series
from bubblescope.detect._datestamp import (
    Episode,
    EpisodeNow,
    EpisodeRule,
    episode_now,
    episodes_from_path,
    path_frame,
)
from bubblescope.detect._psy_monitor import MonitorUpdate, PSYMonitor
from bubblescope.detect._psy_window import (
    WindowSpec,
    WindowSpecLike,
    resolve_window,
)
from bubblescope.detect._psy_window import (
    min_duration as default_min_duration,
)
from bubblescope.detect.critical_values import (
    Backend,
    CriticalValueMethod,
    LagSelection,
    MonteCarloCV,
    PSYCriticalValues,
    ResponseSurfaceCV,
)
from bubblescope.detect.critical_values.montecarlo import resolve_backend
from bubblescope.detect.critical_values.panel import PanelCriticalValues, PanelSieveCV
from bubblescope.detect.explosive_root import episode_root
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "FALLBACK_CV",
    "Episode",
    "LagSelection",
    "MonitorUpdate",
    "PSYMonitor",
    "PSYPanelResult",
    "PSYResult",
    "Stamping",
    "WindowSpecLike",
    "cv_cached",
    "default_cv",
    "psy",
    "psy_cost_seconds",
    "psy_panel",
]

Stamping = Literal["familywise", "pointwise"]

#: Critical values used by ``cv="auto"`` where the response surface does not apply: 1,000
#: Monte Carlo replications under the PSY null with a fixed seed (reproducible, and cached on
#: disk after the first call for each T, window and lag).
FALLBACK_CV = MonteCarloCV(reps=1000, rng=20150401)

#: Seconds per recursive ADF window update and per ``q^2`` (``q = lag + 2`` regressors) on the
#: reference machine (2 cores). Measured for issue 20: daily NASDAQ 2011-2018 (T = 2,012),
#: lag 12, 1,999 Monte Carlo replications took 754 s (0.95 ns an update); lag-0 sweeps ran at
#: 1.2 ns, the rate kept so that the estimate bounds both.
PSY_SECONDS_PER_UPDATE = 1.2e-9


def psy_cost_seconds(n: int, lag: int, reps: int = 0) -> float:
    """Estimated seconds of a PSY test before it runs (an upper bound of the work).

    A BSADF sweep over ``n`` points fits at most ``n (n + 1) / 2`` recursive ADF windows, each
    updating a ``q x q`` system with ``q = lag + 2``; simulated critical values repeat the
    sweep ``reps`` times.

    Parameters
    ----------
    n : int
        Observations tested.
    lag : int
        ADF lag (the largest candidate when the lag is selected by AIC or BIC).
    reps : int
        Simulated replications (0 for the response surface or no critical values).

    Returns
    -------
    float
        ``(reps + 1) n (n + 1) / 2 q^2`` updates times :data:`PSY_SECONDS_PER_UPDATE`.

    Examples
    --------
    >>> round(psy_cost_seconds(2012, 12, 1999))  # the issue's request that took 754 s
    953
    """
    updates = (reps + 1) * n * (n + 1) / 2 * (lag + 2) ** 2
    return updates * PSY_SECONDS_PER_UPDATE


def cv_cached(n: int, *, lag: int, window: WindowSpecLike, cv: MonteCarloCV) -> bool:
    """Whether :func:`psy` on ``n`` points would read ``cv``'s critical values from disk.

    A cost estimate leaves such a test's ``reps`` sweeps out (see :func:`psy_cost_seconds`).

    Parameters
    ----------
    n : int
        Points tested.
    lag : int
    window : {"psy", "exuber"} or int
        The minimum window, as :func:`psy` takes it.
    cv : MonteCarloCV

    Returns
    -------
    bool
        False also when the window does not fit ``n`` points (:func:`psy` refuses that).
    """
    try:
        spec = resolve_window(window, n, lag)
    except InputError:
        return False
    return cv.is_cached(n, minw=spec.rows, lag=lag)


def default_cv(window: WindowSpec, lag: int) -> CriticalValueMethod:
    """Return what ``cv="auto"`` uses.

    The response surface (no simulation at call time) for the default windows and lags 0-2,
    else :data:`FALLBACK_CV`.
    """
    if window.convention in ("psy", "exuber") and lag <= 2:
        return ResponseSurfaceCV()
    return FALLBACK_CV


@dataclass(frozen=True)
class PSYResult(ResultMixin):
    """Result of :func:`psy` on one series.

    Attributes
    ----------
    name : str
        Series name.
    y : pandas.Series
        The validated input (index: the input's dates, or a RangeIndex).
    lag : int
        Lagged differences in every ADF regression; with AIC/BIC selection the maximum lag
        (which also fixes the window layout).
    window : WindowSpec
        Minimum window (convention, points of y, regression rows).
    adf, sadf, gsadf : float
        Full-sample ADF, SADF (sup BADF) and GSADF (sup BSADF) statistics.
    badf, bsadf : pandas.Series
        Forward (``ADF_0^{r2}``) and backward-sup ADF paths, indexed by window-end date.
    cv : PSYCriticalValues or None
        Critical values (None when ``cv=None`` was passed).
    level : float
        Confidence level used for stamping and ``reject``.
    stamping : {"familywise", "pointwise"}
        Which critical value the BSADF path is compared with.
    rule : {"psy", "exuber"}
        Episode rule.
    min_duration : int
        Minimum duration (observations) of the episode rule.
    episodes : tuple of Episode
        Explosive episodes (empty without critical values).
    lag_selection : {"fixed", "aic", "bic"}
        How each window's lag was chosen.
    badf_lag, bsadf_lag : pandas.Series or None
        With AIC/BIC selection: the lag selected in the forward window ``[0, r2]`` and in the
        window attaining the BSADF, indexed like ``badf``/``bsadf`` (None for a fixed lag).
    """

    name: str
    y: pd.Series
    lag: int
    window: WindowSpec
    adf: float
    sadf: float
    gsadf: float
    badf: pd.Series
    bsadf: pd.Series
    cv: PSYCriticalValues | None
    level: float
    stamping: Stamping
    rule: EpisodeRule
    min_duration: int
    episodes: tuple[Episode, ...]
    lag_selection: LagSelection = "fixed"
    badf_lag: pd.Series | None = None
    bsadf_lag: pd.Series | None = None

    @property
    def threshold(self) -> pd.Series:
        """Critical value the BSADF path is compared with (NaN without critical values)."""
        return pd.Series(
            _threshold(self.cv, self.level, self.stamping, len(self.bsadf)),
            index=self.bsadf.index,
            name="threshold",
        )

    def critical_value(self, statistic: Literal["adf", "sadf", "gsadf"]) -> float:
        """Critical value of a full-sample statistic at ``level`` (NaN without cv)."""
        if self.cv is None:
            return float("nan")
        return float(getattr(self.cv, statistic)[self.cv.level_index(self.level)])

    @property
    def reject(self) -> bool | None:
        """Whether GSADF exceeds its critical value at ``level`` (None without cv)."""
        if self.cv is None:
            return None
        return bool(self.gsadf > self.critical_value("gsadf"))

    @property
    def now(self) -> EpisodeNow | None:
        """The reading at the last date (:func:`~bubblescope.detect.episode_now`).

        "explosive now" only while the last BSADF is above its critical value; an episode the
        rule holds open inside its minimum duration with BSADF back below reads "episode not
        confirmed" (the dating in ``episodes`` is unchanged). None without critical values.
        """
        if self.cv is None:
            return None
        return episode_now(self.bsadf, self.threshold, self.episodes)

    def summary(self) -> str:
        """Plain-text report of the statistics, critical values, episodes and the reading now."""
        w = self.window
        lag = (
            f"lag {self.lag}"
            if self.lag_selection == "fixed"
            else f"lag 0-{self.lag} by {self.lag_selection.upper()} per window"
        )
        lines = [
            f"PSY exuberance test: {self.name}",
            f"  observations {len(self.y)}, {lag}, minimum window {w.points} points "
            f"({w.rows} regression rows, convention {w.convention!r})",
        ]
        if self.badf_lag is not None and self.bsadf_lag is not None:
            peak = int(np.argmax(self.bsadf.to_numpy()))
            lines.append(
                f"  selected lag: {int(self.bsadf_lag.iloc[peak])} at the BSADF peak, "
                f"{int(self.badf_lag.iloc[-1])} in the full sample"
            )
        levels = self.cv.levels if self.cv is not None else ()
        head = "  statistic      value" + "".join(f"   {lv:>6.0%}" for lv in levels)
        lines.append(head)
        for stat in ("adf", "sadf", "gsadf"):
            row = f"  {stat.upper():<9} {getattr(self, stat):>10.4f}"
            if self.cv is not None:
                row += "".join(f"   {v:>6.3f}" for v in getattr(self.cv, stat))
            lines.append(row)
        if self.cv is None:
            lines.append("  no critical values (cv=None): no episodes stamped")
        else:
            lines.append(
                f"  critical values: {self.cv.method}, {self.cv.reps} reps; stamping "
                f"{self.stamping} at {self.level:.0%}, rule {self.rule!r}, minimum duration "
                f"{self.min_duration}"
            )
            lines.append(f"  episodes: {len(self.episodes)}")
            for ep in self.episodes:
                d = ep.to_dict()
                end = "ongoing" if ep.ongoing else d["end"]
                lines.append(
                    f"    {d['start']} -> {end}  peak {d['peak']} (BSADF {ep.peak_stat:.3f}), "
                    f"{ep.duration} obs"
                )
                root = episode_root(self.y, ep)
                if root is not None:
                    lines.append(f"      {root.describe()}")
            now = self.now
            if now is not None:
                end = self.bsadf.index[-1]
                last = end.date() if isinstance(end, pd.Timestamp) else end
                lines.append(f"  now ({last}): {now.sentence('BSADF')}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per input date: y, BADF, BSADF, critical values and the episode flag."""
        lags = None
        if self.badf_lag is not None and self.bsadf_lag is not None:
            lags = (self.badf_lag, self.bsadf_lag)
        return path_frame(
            self.y, self.badf, self.bsadf, cv=self.cv, level=self.level,
            threshold=self.threshold, episodes=self.episodes, lags=lags,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (what ``--json`` and the web API emit)."""
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "n": len(self.y),
                "lag": self.lag,
                "lag_selection": self.lag_selection,
                "max_lag": None if self.lag_selection == "fixed" else self.lag,
                "selected_lag": None
                if self.badf_lag is None or self.bsadf_lag is None
                else {
                    "adf": int(self.badf_lag.iloc[-1]),
                    "gsadf": int(self.bsadf_lag.iloc[int(np.argmax(self.bsadf.to_numpy()))]),
                },
                "window": {
                    "convention": self.window.convention,
                    "points": self.window.points,
                    "rows": self.window.rows,
                },
                "adf": self.adf,
                "sadf": self.sadf,
                "gsadf": self.gsadf,
                "reject": self.reject,
                "level": self.level,
                "stamping": self.stamping,
                "rule": self.rule,
                "min_duration": self.min_duration,
                "critical_values": None if self.cv is None else self.cv.to_dict(),
                "episodes": [ep.to_dict() for ep in self.episodes],
                "now": None if self.now is None else self.now.to_dict(),
                "bsadf_peak": {
                    "date": _jsonable_label(self.bsadf.idxmax()),
                    "value": float(self.bsadf.max()),
                },
            }
        )
        return out

    def chart_spec(self, *, title: str | None = None, source: str = "") -> ChartSpec:
        """The tested series with its episodes shaded, above BSADF and its critical value.

        Parameters
        ----------
        title : str, optional
            The chart's title (default: the series, GSADF, lag and minimum window).
        source : str
            The source line printed under the chart.
        """
        frame = self.to_frame()
        last = frame.index[-1]
        bands = tuple(
            Band(ep.start, last if ep.end is None else ep.end, "episode") for ep in self.episodes
        )
        crit = (
            (
                Line(
                    frame.index,
                    frame["threshold"],
                    f"{self.level:.0%} {self.stamping} CV",
                    color="#D55E00",
                    dash="dash",
                ),
            )
            if self.cv is not None
            else ()
        )
        if title is None:
            lag = f"lag {self.lag}"
            if self.lag_selection != "fixed":
                lag = f"{self.lag_selection.upper()} lag <= {self.lag}"
            title = f"{self.name}: PSY, GSADF {self.gsadf:.3f}, {lag}, window {self.window.points}"
        return ChartSpec(
            title,
            (
                Panel(
                    self.name,
                    lines=(Line(frame.index, frame["y"], self.name, color="#000000", width=1.0),),
                    bands=bands,
                ),
                Panel(
                    "BSADF",
                    "statistic",
                    lines=(Line(frame.index, frame["bsadf"], "BSADF", color="#0072B2"), *crit),
                    bands=bands,
                    height=0.8,
                ),
            ),
            source=source,
        )


@dataclass(frozen=True)
class PSYPanelResult(ResultMixin):
    """Result of :func:`psy_panel`: one :class:`PSYResult` per column plus the panel.

    Attributes
    ----------
    results : dict of str to PSYResult
        Per-column results.
    bsadf_panel : pandas.Series
        Cross-sectional mean of the BSADF paths (Pavlidis et al. 2016).
    gsadf_panel : float
        Supremum of ``bsadf_panel``.
    """

    results: dict[str, PSYResult]
    bsadf_panel: pd.Series
    gsadf_panel: float
    panel_cv: PanelCriticalValues | None = None
    level: float = 0.95
    panel_episodes: tuple[Episode, ...] = ()

    @property
    def panel_reject(self) -> bool | None:
        """Whether the panel GSADF exceeds its critical value at ``level`` (None without cv)."""
        if self.panel_cv is None:
            return None
        i = list(self.panel_cv.levels).index(self.level)
        return bool(self.gsadf_panel > self.panel_cv.gsadf_panel[i])

    def summary(self) -> str:
        """Per-column statistics and the panel GSADF."""
        lines = [f"PSY panel: {len(self.results)} series, panel GSADF {self.gsadf_panel:.4f}"]
        if self.panel_cv is not None:
            lines.append(
                f"  panel sieve bootstrap ({self.panel_cv.reps} reps) critical values: "
                + ", ".join(
                    f"{lv:.0%} {v:.3f}"
                    for lv, v in zip(self.panel_cv.levels, self.panel_cv.gsadf_panel, strict=True)
                )
                + f"; panel episodes: {len(self.panel_episodes)}"
            )
        for name, r in self.results.items():
            lines.append(f"  {name:<16} GSADF {r.gsadf:>8.4f}  episodes {len(r.episodes)}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """BSADF of each column and the panel mean, indexed by date."""
        frame = pd.DataFrame({name: r.bsadf for name, r in self.results.items()})
        frame["panel"] = self.bsadf_panel
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result."""
        out: dict[str, Any] = to_jsonable(
            {
                "gsadf_panel": self.gsadf_panel,
                "panel_reject": self.panel_reject,
                "panel_critical_values": None if self.panel_cv is None else self.panel_cv.to_dict(),
                "panel_episodes": [ep.to_dict() for ep in self.panel_episodes],
                "series": {name: r.to_dict() for name, r in self.results.items()},
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """BSADF of every column and their panel mean, with the panel's critical value."""
        last = self.bsadf_panel.index[-1]
        hlines: tuple[HLine, ...] = ()
        if self.panel_cv is not None:
            i = list(self.panel_cv.levels).index(self.level)
            hlines = (
                HLine(float(self.panel_cv.gsadf_panel[i]), f"{self.level:.0%} panel GSADF CV"),
            )
        return ChartSpec(
            f"PSY panel: {len(self.results)} series, panel GSADF {self.gsadf_panel:.3f}",
            (
                Panel(
                    "BSADF of each series and the panel mean",
                    "statistic",
                    lines=(
                        *(
                            Line(r.bsadf.index, r.bsadf.to_numpy(), name, width=0.8)
                            for name, r in self.results.items()
                        ),
                        Line(
                            self.bsadf_panel.index,
                            self.bsadf_panel.to_numpy(),
                            "panel",
                            color="#000000",
                            width=1.5,
                        ),
                    ),
                    bands=tuple(
                        Band(ep.start, last if ep.end is None else ep.end, "panel episode")
                        for ep in self.panel_episodes
                    ),
                    hlines=hlines,
                ),
            ),
        )


def _jsonable_label(x: Any) -> Any:
    if isinstance(x, pd.Timestamp):
        return x.isoformat()
    return x.item() if isinstance(x, np.generic) else x


def _threshold(
    cv: PSYCriticalValues | None, level: float, stamping: Stamping, n: int
) -> np.ndarray:
    if cv is None:
        return np.full(n, np.nan)
    i = cv.level_index(level)
    if stamping == "familywise":
        return np.full(n, cv.familywise[i])
    if stamping == "pointwise":
        return np.asarray(cv.bsadf[:, i], dtype=np.float64)
    raise InputError(f"unknown stamping {stamping!r}", hint="use 'familywise' or 'pointwise'")


def _check_lag(lag: int, name: str = "lag") -> int:
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 0:
        raise InputError(f"{name} must be a non-negative integer, got {lag!r}")
    return int(lag)


def _check_lag_selection(
    lag: int,
    lag_selection: str,
    max_lag: int | None,
    cv: object,
    panel_cv: object,
) -> int:
    """Validate the lag arguments; return the lag that lays out the windows."""
    lag = _check_lag(lag)
    if lag_selection == "fixed":
        simulated = getattr(cv, "lag_selection", "fixed")
        if simulated != "fixed":
            raise InputError(
                f"cv simulates lag_selection={simulated!r}, but the statistics use a fixed lag",
                hint=f"pass lag_selection={simulated!r} with max_lag, or a fixed-lag cv",
            )
        if max_lag is not None:
            raise InputError(
                f"max_lag={max_lag!r} applies only with lag_selection 'aic' or 'bic'",
                hint="pass lag_selection='aic' or 'bic', or drop max_lag",
            )
        return lag
    if lag_selection not in ("aic", "bic"):
        raise InputError(
            f"unknown lag_selection {lag_selection!r}", hint="use 'fixed', 'aic' or 'bic'"
        )
    if max_lag is None:
        raise InputError(
            f"lag_selection={lag_selection!r} needs max_lag, the largest candidate lag",
            hint="e.g. max_lag=6 (psymonitor's S&P 500 vignette uses BIC with 6)",
        )
    max_lag = _check_lag(max_lag, "max_lag")
    if lag not in (0, max_lag):
        raise InputError(
            f"lag={lag} conflicts with lag_selection={lag_selection!r}, max_lag={max_lag}: "
            "the lag is chosen per window",
            hint="leave lag at 0 or set it equal to max_lag",
        )
    if (
        cv is not None
        and not isinstance(cv, PSYCriticalValues)
        and getattr(cv, "lag_selection", "fixed") != lag_selection
    ):
        raise InputError(
            f"cv={cv!r} simulates fixed-lag ADF regressions and does not apply to "
            f"lag_selection={lag_selection!r}",
            hint=f"pass e.g. cv=MonteCarloCV(lag_selection={lag_selection!r}) (likewise "
            "WildBootstrapCV, PhillipsShiCV), cv=None (statistics only) or PSYCriticalValues "
            "simulated with the same procedure",
        )
    if isinstance(panel_cv, PanelSieveCV):
        raise InputError(
            f"panel_cv={panel_cv!r} simulates fixed-lag ADF regressions and does not apply to "
            f"lag_selection={lag_selection!r}",
            hint="pass panel_cv=None or precomputed PanelCriticalValues",
        )
    return max_lag


def _power_of_two_scaled(values: Float64Array) -> Float64Array:
    """Return ``values`` times the power of two that brings ``max|values|`` into [0.5, 1).

    ADF t-statistics are invariant to the scale of the series (the intercept, the slope's
    standard error and the residuals all scale together), and multiplying by a power of two is
    exact in binary floating point, so the statistics are unchanged while the sums of squares
    in the regressions can no longer overflow (levels near 1e155 and beyond) or underflow.
    """
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    if peak == 0.0 or not np.isfinite(peak):
        return values
    _, exponent = np.frexp(peak)
    return np.ascontiguousarray(np.ldexp(values, -int(exponent)))


def _refuse_boolean(y: object, name: str) -> None:
    """Raise for boolean input, which would otherwise be read silently as 0.0 and 1.0."""
    dtypes: list[Any] = []
    if isinstance(y, pd.DataFrame):
        dtypes = list(y.dtypes)
    elif hasattr(y, "dtype"):
        dtypes = [y.dtype]
    elif isinstance(y, list | tuple) and y and all(isinstance(v, bool | np.bool_) for v in y):
        dtypes = [np.dtype(bool)]
    if any(pd.api.types.is_bool_dtype(d) for d in dtypes):
        raise InputError(
            f"{name}: got boolean values; PSY tests a price (or log price) series",
            hint="pass the numeric prices, e.g. series.astype(float) if 0/1 is really meant",
        )


def _refuse_non_finite(name: str, adf: float, sadf: float, gsadf: float) -> None:
    """Raise when a statistic is NaN or infinite instead of reporting "no rejection"."""
    if not (np.isfinite(adf) and np.isfinite(sadf) and np.isfinite(gsadf)):
        raise InputError(
            f"{name}: the PSY statistics are not finite (ADF={adf}, SADF={sadf}, "
            f"GSADF={gsadf}); the series' values span too wide a range for the regressions",
            hint="test the log of the prices, or a series whose level spans a narrower range",
        )


def _gpu_statistics(
    values: Float64Array, window: WindowSpecLike, lag: int
) -> list[tuple[Float64Array, Float64Array]]:
    """BSADF and BADF of every column of ``values`` (T, N) in one JAX call.

    A column with a window the JAX kernel could not evaluate (non-positive LDL' pivots, e.g. a
    constant stretch) is recomputed by the exact numba kernel, so no window is silently left
    out of its statistics.
    """
    from bubblescope._kernels.psy_jax import sweep_batch_jax_checked

    spec = resolve_window(window, values.shape[0], lag)
    values = np.column_stack([_power_of_two_scaled(values[:, j]) for j in range(values.shape[1])])
    bsadf, badf, invalid = sweep_batch_jax_checked(np.ascontiguousarray(values.T), spec.rows, lag)
    out = []
    for j in range(values.shape[1]):
        if invalid[j] > 0:
            out.append(sweep(design_matrix(np.ascontiguousarray(values[:, j]), lag), spec.rows))
        else:
            out.append((bsadf[j], badf[j]))
    return out


def _psy_one(
    s: pd.Series,
    name: str,
    lag: int,
    window: WindowSpecLike,
    cv: CriticalValueMethod | PSYCriticalValues | str | None,
    level: float,
    stamping: Stamping,
    rule: EpisodeRule,
    min_duration: int | None,
    delta: float,
    lag_selection: LagSelection = "fixed",
    stats: tuple[Float64Array, Float64Array] | None = None,
) -> PSYResult:
    values = _power_of_two_scaled(np.ascontiguousarray(s.to_numpy(dtype=np.float64)))
    T = len(values)
    spec = resolve_window(window, T, lag)
    ends = s.index[spec.points - 1 :]
    badf_lag: pd.Series | None = None
    bsadf_lag: pd.Series | None = None
    if stats is not None:  # computed for all columns at once (the gpu backend)
        bsadf_v, badf_v = stats
    elif lag_selection == "fixed" or lag == 0:
        # one candidate lag: nothing to select, and the fixed-lag kernel is exact and faster
        bsadf_v, badf_v = sweep(design_matrix(values, lag), spec.rows)
        if lag_selection != "fixed":
            badf_lag = pd.Series(0, index=ends, name="badf_lag")
            bsadf_lag = pd.Series(0, index=ends, name="bsadf_lag")
    else:
        crit = AIC if lag_selection == "aic" else BIC
        bsadf_v, badf_v, kb, ka = sweep_ic(design_matrix(values, lag), spec.rows, lag, crit)
        badf_lag = pd.Series(ka, index=ends, name="badf_lag")
        bsadf_lag = pd.Series(kb, index=ends, name="bsadf_lag")
    bsadf = pd.Series(bsadf_v, index=ends, name="bsadf")
    badf = pd.Series(badf_v, index=ends, name="badf")
    if isinstance(cv, str):
        if cv != "auto":
            raise InputError(f"unknown cv {cv!r}", hint="pass 'auto', None or a method object")
        cv = default_cv(spec, lag)
    if cv is None or isinstance(cv, PSYCriticalValues):
        cvs = cv
    else:
        cvs = cv.compute(values, minw=spec.rows, lag=lag)
    if cvs is not None and cvs.badf.shape[0] != len(ends):
        raise InputError(
            f"critical values cover {cvs.badf.shape[0]} window ends, the series has {len(ends)}"
        )
    _refuse_non_finite(name, float(badf_v[-1]), float(np.max(badf_v)), float(np.max(bsadf_v)))
    dur = default_min_duration(T, delta) if min_duration is None else int(min_duration)
    episodes: tuple[Episode, ...] = ()
    if cvs is not None:
        thr = _threshold(cvs, level, stamping, len(ends))
        episodes = episodes_from_path(bsadf, thr, min_duration=dur, rule=rule)
    return PSYResult(
        name=name,
        y=s,
        lag=lag,
        window=spec,
        adf=float(badf_v[-1]),
        sadf=float(np.max(badf_v)),
        gsadf=float(np.max(bsadf_v)),
        badf=badf,
        bsadf=bsadf,
        cv=cvs,
        level=level,
        stamping=stamping,
        rule=rule,
        min_duration=dur,
        episodes=episodes,
        lag_selection=lag_selection,
        badf_lag=badf_lag,
        bsadf_lag=bsadf_lag,
    )


def _check_options(
    lag: int,
    lag_selection: LagSelection,
    max_lag: int | None,
    cv: object,
    panel_cv: object,
    level: float,
    stamping: Stamping,
    rule: EpisodeRule,
    backend: Backend,
) -> tuple[int, bool]:
    """Validate the settings shared by :func:`psy` and :func:`psy_panel`.

    Returns the lag that lays out the windows and whether the gpu backend computes the
    statistics.
    """
    lag = _check_lag_selection(lag, lag_selection, max_lag, cv, panel_cv)
    use_gpu = resolve_backend(backend) == "gpu"
    if use_gpu and lag_selection != "fixed":
        raise InputError(
            f"the gpu backend computes fixed-lag statistics, not lag_selection {lag_selection!r}",
            hint="use backend='cpu' with lag_selection 'aic' or 'bic'",
        )
    if not 0.0 < level < 1.0:
        raise InputError(f"level must lie strictly between 0 and 1, got {level}")
    if stamping not in ("familywise", "pointwise"):
        raise InputError(f"unknown stamping {stamping!r}", hint="use 'familywise' or 'pointwise'")
    if rule not in ("psy", "exuber"):
        raise InputError(f"unknown episode rule {rule!r}", hint="use 'psy' or 'exuber'")
    return lag, use_gpu


def _purpose(lag: int, lag_selection: LagSelection) -> str:
    return f"PSY with lag {lag}" if lag_selection == "fixed" else f"PSY with max_lag {lag}"


def psy(
    y: SeriesLike,
    lag: int = 0,
    window: WindowSpecLike = "psy",
    cv: CriticalValueMethod | PSYCriticalValues | Literal["auto"] | None = "auto",
    *,
    level: float = 0.95,
    stamping: Stamping = "familywise",
    rule: EpisodeRule = "psy",
    min_duration: int | None = None,
    delta: float = 1.0,
    name: str | None = None,
    lag_selection: LagSelection = "fixed",
    max_lag: int | None = None,
    backend: Backend = "cpu",
) -> PSYResult:
    """Run the PSY recursive right-tailed ADF tests on one series and date-stamp its episodes.

    Parameters
    ----------
    y : SeriesLike
        Level series (prices or price/dividend ratios, in their own units; take logs first if
        you want log prices): a pandas Series, a one-column DataFrame, a 1-d array or
        sequence. A DataFrame or 2-d array with several columns raises: test those with
        :func:`psy_panel`.
    lag : int
        Fixed number of lagged differences in each ADF regression (PSY recommend a small one).
        With ``lag_selection`` "aic"/"bic" leave it at 0 or set it equal to ``max_lag``.
    window : {"psy", "exuber"} or int
        Minimum window convention (see the module docstring); an int is a number of points.
    cv : "auto", critical-value method, PSYCriticalValues, or None
        E.g. ``MonteCarloCV(reps=2000, rng=0)``, ``WildBootstrapCV(...)``,
        ``PhillipsShiCV(horizon=...)``, ``ResponseSurfaceCV()``, or critical values computed
        once beforehand (for many series of one length). ``"auto"`` (default): see
        :func:`default_cv`.
    level : float
        Confidence level for stamping and the test decision (must be one of the cv levels).
    stamping : {"familywise", "pointwise"}
        Compare BSADF with the family-wise constant (default) or the pointwise PSY sequence.
    rule : {"psy", "exuber"}
        Episode rule (PSY termination search or exuber's minimum-duration filter).
    min_duration : int, optional
        Minimum duration in observations; default ``round(delta log T)``.
    delta : float
        PSY's frequency-dependent duration constant.
    name : str, optional
        Series name for messages and output.
    lag_selection : {"fixed", "aic", "bic"}
        "fixed" (default): every window uses ``lag``. "aic"/"bic": each window's lag is chosen
        from ``0..max_lag`` by ``n log(SSR/n) + (k + 2) c`` with ``c = 2`` (AIC) or ``log n``
        (BIC) on a common sample of ``n`` regression rows, the window's first ``max_lag + 1``
        points serving as initial conditions (psymonitor's ``IC = 1/2`` with ``adflag =
        max_lag``, except that psymonitor fits each lag on its own sample and uses the maximum
        lag's degrees of freedom for all). Windows are laid out as for the fixed lag
        ``max_lag``. Critical values must simulate the same procedure:
        ``MonteCarloCV(lag_selection="bic")`` (likewise ``WildBootstrapCV``,
        ``PhillipsShiCV``), precomputed :class:`PSYCriticalValues`, or ``cv=None``. Cost
        grows like ``T^2 max_lag^4``; fine for T up to ~1,000.
    max_lag : int, optional
        Largest candidate lag; required with "aic"/"bic", not allowed with "fixed".
    backend : {"cpu", "gpu", "auto"}
        Kernel of the statistics. ``"cpu"`` (default): numba, exact (conditioning guard with
        a QR fallback per window). ``"gpu"``: the JAX kernel
        (:mod:`bubblescope._kernels.psy_jax`) on JAX's default device, worth it for many
        series of one length (:func:`psy_panel`); equal to the cpu statistics to about 1e-12
        relative on ordinary series and 1e-9 on a level spanning a factor of 1e6; a series
        with a window the JAX kernel cannot evaluate (non-positive pivots) is recomputed with
        numba. Fixed lag only. ``"auto"``: ``"gpu"`` when jax sees a GPU. Critical-value
        methods have their own ``backend``.

    Returns
    -------
    PSYResult

    Raises
    ------
    InputError
        Several columns (use :func:`psy_panel`), too short for the window, NaN/inf, constant
        series, unsorted or duplicated dates, a lag too large for the window, an unknown
        option, the gpu backend with ``lag_selection`` "aic"/"bic".
    BackendError
        ``backend="gpu"`` without jax installed.
    """
    lag, use_gpu = _check_options(
        lag, lag_selection, max_lag, cv, None, level, stamping, rule, backend
    )
    _refuse_boolean(y, name or "psy")
    shape: tuple[int, ...] = tuple(getattr(y, "shape", ()))
    if len(shape) == 2 and shape[1] > 1:
        raise InputError(
            f"{name or 'psy'}: psy tests one series, got {shape[1]} columns",
            hint="use psy_panel() for several series, or pass one column (e.g. frame['close'])",
        )
    v = validate_series(
        y,
        min_points=2 * lag + 4,
        positive=False,
        nonconstant=True,
        name=name,
        purpose=_purpose(lag, lag_selection),
    )
    label = str(v.series.name) if v.series.name is not None else "series"
    stats = None
    if use_gpu:
        stats = _gpu_statistics(v.series.to_numpy(dtype=np.float64)[:, None], window, lag)[0]
    return _psy_one(
        v.series,
        label,
        lag,
        window,
        cv,
        level,
        stamping,
        rule,
        min_duration,
        delta,
        lag_selection,
        stats,
    )


def psy_panel(
    frame: FrameLike,
    lag: int = 0,
    window: WindowSpecLike = "psy",
    cv: CriticalValueMethod | PSYCriticalValues | Literal["auto"] | None = "auto",
    *,
    panel_cv: PanelSieveCV | PanelCriticalValues | None = None,
    level: float = 0.95,
    stamping: Stamping = "familywise",
    rule: EpisodeRule = "psy",
    min_duration: int | None = None,
    delta: float = 1.0,
    name: str | None = None,
    lag_selection: LagSelection = "fixed",
    max_lag: int | None = None,
    backend: Backend = "cpu",
) -> PSYPanelResult:
    """Run :func:`psy` on every column of a panel, and the panel GSADF of their mean BSADF.

    Each column gets its own :class:`PSYResult` (its statistics, critical values from ``cv``
    and episodes, exactly as :func:`psy` on that column). The panel statistic is the
    cross-sectional mean of the BSADF paths and its supremum, the panel GSADF (Pavlidis et al.
    2016); with ``panel_cv`` its episodes are stamped against the family-wise (panel GSADF)
    critical value with the same ``rule``.

    Parameters
    ----------
    frame : FrameLike
        One column per series, all on one index and of one length (no leading or trailing
        NaN): a pandas DataFrame or a 2-d array ``(T, N)``. A one-column frame is a panel of
        one series (:func:`psy` on it gives the same column result).
    lag, window, cv, level, stamping, rule, min_duration, delta, lag_selection, max_lag
        As in :func:`psy`, applied to every column.
    panel_cv : PanelSieveCV or PanelCriticalValues, optional
        Critical values of the panel statistics; panel episodes are then stamped against the
        family-wise (panel GSADF) value with the same rule.
    name : str, optional
        Panel name for messages (default ``"panel"``).
    backend : {"cpu", "gpu", "auto"}
        As in :func:`psy`; ``"gpu"`` computes every column in one call of the JAX kernel.

    Returns
    -------
    PSYPanelResult

    Raises
    ------
    InputError
        As :func:`psy` for any column, ragged columns, a ``level`` missing from the panel
        critical values.
    BackendError
        ``backend="gpu"`` without jax installed.

    References
    ----------
    Pavlidis, E., Yusupova, A., Paya, I., Peel, D., Martínez-García, E., Mack, A. and
    Grossman, V. (2016). Episodes of exuberance in housing markets: in search of the smoking
    gun. Journal of Real Estate Finance and Economics 53(4), 419-449.
    """
    lag, use_gpu = _check_options(
        lag, lag_selection, max_lag, cv, panel_cv, level, stamping, rule, backend
    )
    _refuse_boolean(frame, name or "panel")
    panel = validate_panel(
        frame,
        min_points=2 * lag + 4,
        positive=False,
        allow_ragged=False,
        name=name or "panel",
        purpose=_purpose(lag, lag_selection),
    )
    stats = _gpu_statistics(panel.values, window, lag) if use_gpu else None
    results = {
        str(col): _psy_one(
            panel.frame[col],
            str(col),
            lag,
            window,
            cv,
            level,
            stamping,
            rule,
            min_duration,
            delta,
            lag_selection,
            None if stats is None else stats[j],
        )
        for j, col in enumerate(panel.frame.columns)
    }
    bsadf_panel = pd.concat([r.bsadf for r in results.values()], axis=1).mean(axis=1)
    bsadf_panel.name = "bsadf_panel"
    first = next(iter(results.values()))
    pcv = panel_cv
    if isinstance(pcv, PanelSieveCV):
        pcv = pcv.compute(panel.values, minw=first.window.rows, lag=lag)
    panel_eps: tuple[Episode, ...] = ()
    if pcv is not None:
        if level not in pcv.levels:
            raise InputError(f"level {level} not among the panel critical values {pcv.levels}")
        thr = np.full(len(bsadf_panel), pcv.gsadf_panel[list(pcv.levels).index(level)])
        panel_eps = episodes_from_path(bsadf_panel, thr, min_duration=first.min_duration, rule=rule)
    return PSYPanelResult(results, bsadf_panel, float(bsadf_panel.max()), pcv, level, panel_eps)
