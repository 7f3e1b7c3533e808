"""Bubble detection on market data: PSY exuberance tests, LPPLS, run-up crash odds, drawdowns.

Public names are re-exported lazily: ``from bubblescope.detect import PSYResult`` imports the
PSY module (and its numba kernels) only then. The functions named like their modules are not
re-exported (a submodule import would shadow them): use ``from bubblescope.detect.psy import psy``,
``...runup import runup`` and ``...drawdown import drawdown``.
"""

from __future__ import annotations

from bubblescope._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    # PSY (Phillips, Shi & Yu 2015)
    "PSYResult": "psy",
    "PSYPanelResult": "psy",
    "PSYMonitor": "psy",
    "MonitorUpdate": "psy",
    "Episode": "psy",
    "default_cv": "psy",
    "MonteCarloCV": "critical_values",
    "WildBootstrapCV": "critical_values",
    "PhillipsShiCV": "critical_values",
    "PanelSieveCV": "critical_values",
    "ResponseSurfaceCV": "critical_values",
    "PSYCriticalValues": "critical_values",
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
    "RunupResult": "runup",
    "crash_probability": "runup",
    "DrawdownResult": "drawdown",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
