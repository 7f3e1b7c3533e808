"""Critical values of the PSY statistics, chosen by a method object (scipy style).

``psy(y, cv=MonteCarloCV(reps=2000, rng=0))``, ``cv=WildBootstrapCV(...)``,
``cv=ResponseSurfaceCV()`` (any T, no simulation) or ``cv=PhillipsShiCV(horizon=...)``.
Every method returns :class:`PSYCriticalValues`; see its module for the BSADF critical-value
subtlety and the family-wise constant. Panels: ``PanelSieveCV`` (``psy_panel(..., panel_cv=)``).
"""

from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    CriticalValueMethod,
    PSYCriticalValues,
)
from bubblescope.detect.critical_values._simulate import Backend, LagSelection
from bubblescope.detect.critical_values.bootstrap import PhillipsShiCV, WildBootstrapCV
from bubblescope.detect.critical_values.montecarlo import MonteCarloCV
from bubblescope.detect.critical_values.panel import PanelCriticalValues, PanelSieveCV
from bubblescope.detect.critical_values.response_surface import ResponseSurfaceCV

__all__ = [
    "BSADFDefinition",
    "Backend",
    "CriticalValueMethod",
    "LagSelection",
    "MonteCarloCV",
    "PSYCriticalValues",
    "PanelCriticalValues",
    "PanelSieveCV",
    "PhillipsShiCV",
    "ResponseSurfaceCV",
    "WildBootstrapCV",
]
