"""What an analysis will cost, estimated from its size before it runs, against the server's budget.

The estimate is in seconds of the reference machine (2 cores) and is an upper bound of the
work, not a promise of speed: it counts the regressions or fits the engine will do and
multiplies them by a rate measured once.

- **PSY** (Phillips, Shi and Yu 2015): a BSADF sweep over ``T`` points fits at most
  ``T (T + 1) / 2`` recursive ADF windows, each updating a ``q x q`` system with
  ``q = lag + 2`` (:mod:`bubblescope._kernels.psy`), and Monte Carlo critical values repeat the
  sweep ``reps`` times: ``(reps + 1) T (T + 1) / 2 q^2`` window updates. The rate
  :data:`PSY_SECONDS_PER_UPDATE` reproduces the issue's measurement (daily NASDAQ 2011-2018,
  ``T`` = 2,012, lag 12, 1,999 replications: 754 s on 2 cores, 0.95 ns per update; this
  machine's lag-0 sweeps ran at 1.2 ns).
- **LPPLS Confidence** (Demos and Sornette 2017): one fit per (date, window); a fit of the
  nested windows of 60-250 trading days took 2.0-3.6 ms here.
- **LPPLS fit**: linear in the window's length (the whole NASDAQ history, 13,914 points, took
  2.0 s here; 500 points 0.08 s warm).
- **Scenario Monte Carlo**: linear in paths (1.2e-5 to 3.2e-5 s a path here).

An analysis without a size to grow (the economy models, a drawdown) is not estimated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bubblescope.errors import InputError

__all__ = [
    "DEFAULT_BUDGET_S",
    "LPPLS_SECONDS_PER_FIT",
    "LPPLS_SECONDS_PER_POINT",
    "PSY_SECONDS_PER_UPDATE",
    "SCENARIO_SECONDS_PER_PATH",
    "CostEstimate",
    "CostLimitError",
    "check_budget",
    "has_estimate",
    "lppls_confidence_cost",
    "lppls_fit_cost",
    "psy_cost",
    "scenario_cost",
    "settings_cost",
]

#: Seconds per ADF window update and q^2 (see the module notes for the measurement).
PSY_SECONDS_PER_UPDATE = 1.2e-9
#: Seconds per LPPLS fit of one window (the slower of the two measurements, see the notes).
LPPLS_SECONDS_PER_FIT = 3.6e-3
#: Seconds per point of one LPPLS fit's window (13,914 points in 2.0 s, see the notes).
LPPLS_SECONDS_PER_POINT = 1.5e-4
#: Seconds per scenario path (the slower, cold measurement, see the notes).
SCENARIO_SECONDS_PER_PATH = 3.2e-5
#: Default budget of one analysis, seconds of the reference machine: the publication presets fit.
DEFAULT_BUDGET_S = 120.0


class CostLimitError(InputError):
    """The analysis's estimated cost exceeds the server's budget (the API answers 400)."""


@dataclass(frozen=True)
class CostEstimate:
    """Estimated cost of one analysis.

    Attributes
    ----------
    seconds : float
        Estimated seconds of the reference machine (an upper bound of the work).
    basis : str
        What was counted, e.g. ``"PSY: T=2,012, lag 12, 1,999 replications"``.
    hint : str
        How to make it cheaper.
    """

    seconds: float
    basis: str
    hint: str


def psy_cost(n: int, lag: int, reps: int) -> CostEstimate:
    """PSY on ``n`` points with ``lag`` lags and ``reps`` Monte Carlo replications."""
    updates = (reps + 1) * n * (n + 1) / 2 * (lag + 2) ** 2
    return CostEstimate(
        updates * PSY_SECONDS_PER_UPDATE,
        f"PSY: T={n:,}, lag {lag}, {reps:,} replications ({updates:.2g} window updates)",
        "use weekly or monthly closes, a shorter date window, a smaller lag or fewer reps",
    )


def lppls_confidence_cost(dates: int, max_window: int, min_window: int, step: int) -> CostEstimate:
    """LPPLS Confidence at ``dates`` dates over the nested windows ``min_window..max_window``."""
    windows = max(0, (max_window - min_window) // step + 1)
    fits = dates * windows
    return CostEstimate(
        fits * LPPLS_SECONDS_PER_FIT,
        f"LPPLS Confidence: {dates:,} dates x {windows:,} windows ({fits:,} fits)",
        "use fewer dates (a larger 'every'), a larger window step or a narrower window range",
    )


def lppls_fit_cost(n: int) -> CostEstimate:
    """One LPPLS fit of a window of ``n`` points."""
    return CostEstimate(
        n * LPPLS_SECONDS_PER_POINT,
        f"LPPLS fit: {n:,} points",
        "fit a shorter window",
    )


def scenario_cost(paths: int) -> CostEstimate:
    """The scenario Monte Carlo with ``paths`` paths."""
    return CostEstimate(
        paths * SCENARIO_SECONDS_PER_PATH,
        f"scenario Monte Carlo: {paths:,} paths",
        "use fewer paths",
    )


def has_estimate(settings_type: type[Any]) -> bool:
    """Whether analyses with settings of ``settings_type`` get a cost estimate."""
    from bubblescope.analyses.engines import (
        LPPLSConfidenceSettings,
        LPPLSFitSettings,
        PSYAnalysisSettings,
    )
    from bubblescope.analyses.registry import ScenarioSettings

    return issubclass(
        settings_type,
        (LPPLSConfidenceSettings, LPPLSFitSettings, PSYAnalysisSettings, ScenarioSettings),
    )


def settings_cost(settings: Any, data: Any = None) -> CostEstimate | None:
    """The cost of a registry analysis with ``settings`` on ``data`` (None: not estimated).

    ``data`` is the price frame the analysis reads (when it needs one).
    """
    from bubblescope.analyses.engines import (
        LPPLSConfidenceSettings,
        LPPLSFitSettings,
        PSYAnalysisSettings,
    )
    from bubblescope.analyses.registry import ScenarioSettings

    if isinstance(settings, LPPLSFitSettings) and data is not None:
        return lppls_fit_cost(settings.window_for(len(data)) or len(data))
    if isinstance(settings, PSYAnalysisSettings) and data is not None:
        n = len(settings.sample(data["close"]))
        return psy_cost(n, settings.lag, settings.reps)
    if isinstance(settings, LPPLSConfidenceSettings) and data is not None:
        eligible = max(0, len(data) - settings.max_window + 1)
        dates = min(settings.dates, -(-eligible // settings.every))
        return lppls_confidence_cost(dates, settings.max_window, settings.min_window, settings.step)
    if isinstance(settings, ScenarioSettings):
        return scenario_cost(settings.paths)
    return None


def check_budget(estimate: CostEstimate | None, budget_s: float) -> None:
    """Refuse an analysis whose estimate exceeds ``budget_s`` seconds.

    Raises
    ------
    CostLimitError
        Naming the estimate, what it counted and the budget.
    """
    if estimate is None or estimate.seconds <= budget_s:
        return
    raise CostLimitError(
        f"{estimate.basis}: estimated {estimate.seconds:,.0f} s of computation, over this "
        f"server's budget of {budget_s:,.0f} s per analysis",
        hint=estimate.hint,
    )
