"""Bubble detection on market data: PSY, real-time monitors, LPPLS, run-up crash odds, drawdowns.

Public names are re-exported lazily: ``from bubblescope.detect import psy`` imports the PSY
module (:mod:`~bubblescope.detect.exuberance`, and its numba kernels) only then. No submodule
is named like a function, so every public function re-exports: :func:`psy` and
:func:`psy_panel` live in :mod:`~bubblescope.detect.exuberance`, :func:`runup` in
:mod:`~bubblescope.detect.gsy`, :func:`drawdown` in :mod:`~bubblescope.detect.drawdowns` and
:func:`multiples` in :mod:`~bubblescope.detect.firm_multiples`.
"""

from __future__ import annotations

from bubblescope._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    # PSY (Phillips, Shi & Yu 2015)
    "psy": "exuberance",
    "psy_panel": "exuberance",
    "PSYResult": "exuberance",
    "PSYPanelResult": "exuberance",
    "PSYMonitor": "exuberance",
    "MonitorUpdate": "exuberance",
    "Episode": "exuberance",
    "EpisodeNow": "_datestamp",
    "episode_now": "_datestamp",
    "default_cv": "exuberance",
    "MonteCarloCV": "critical_values",
    "WildBootstrapCV": "critical_values",
    "PhillipsShiCV": "critical_values",
    "PanelSieveCV": "critical_values",
    "ResponseSurfaceCV": "critical_values",
    "PSYCriticalValues": "critical_values",
    # CUSUM monitoring (Homm & Breitung 2012)
    "cusum_monitor": "cusum",
    "CUSUMMonitor": "cusum",
    "CUSUMResult": "cusum",
    "CUSUMUpdate": "cusum",
    "CUSUMCV": "critical_values.cusum",
    # sequential monitors: WHL (2023), sign-based (HLZ 2020), Breitung-Diegel (2025)
    "whl_monitor": "whl",
    "WHLMonitor": "whl",
    "WHLUpdate": "whl",
    "sign_monitor": "sign_based",
    "SignMonitor": "sign_based",
    "SignUpdate": "sign_based",
    "sign_psy": "sign_based",
    "SignPSYResult": "sign_based",
    "SignPSYCV": "critical_values.sign",
    "bd_monitor": "breitung_diegel",
    "BDMonitor": "breitung_diegel",
    "BDUpdate": "breitung_diegel",
    "SequentialResult": "sequential",
    "SequentialCV": "critical_values.sequential",
    # LPPLS (Johansen–Ledoit–Sornette; Filimonov–Sornette 2013; Sornette et al. 2015)
    "lppls_fit": "lppls",
    "lppls_confidence": "lppls",
    "LPPLSFit": "lppls",
    "FailedFit": "lppls",
    "LPPLSIndicators": "lppls",
    "LPPLSFilter": "lppls",
    "SearchSpace": "lppls",
    "GridSpec": "lppls",
    "WindowSet": "lppls",
    "oscillations": "lppls",
    # Greenwood, Shleifer & You (2019) and drawdowns
    "runup": "gsy",
    "RunupResult": "gsy",
    "crash_probability": "gsy",
    "drawdown": "drawdowns",
    "DrawdownResult": "drawdowns",
    # point-in-time valuation multiples of one firm
    "multiples": "firm_multiples",
    "MultiplesResult": "firm_multiples",
    # bubble or adoption: PSY adjusted for fundamentals, factors and technology proxies
    "adjusted_psy": "adjusted",
    "AdjustedResult": "adjusted",
    # SV-ADF dating (Sarkar & Wells 2026, a non-peer-reviewed preprint)
    "svadf": "svadf_dating",
    "SVADFResult": "svadf_dating",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
