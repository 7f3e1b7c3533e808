"""Scenario Monte Carlo of the AI capex system (capex, funding, power, fleet, herding, bust).

The model is stated in :mod:`bubblescope.scenario.model`; scenarios are YAML files validated by
:mod:`bubblescope.scenario.spec` (presets ship in ``bubblescope/scenario/presets``); runs are
chunked and seeded by :func:`run_scenario`, which clears busts through the financing network
(:mod:`bubblescope.economy.clearing`). The bust odds move with the evidence: the index is
valued by DCF (:mod:`bubblescope.scenario.pricing`) and falls back to the historical base
rate (:mod:`bubblescope.scenario.base_rate`) when nothing is mispriced;
:func:`scenario_sensitivity` says which assumption decides the answer (Sobol or Morris);
:func:`what_breaks` runs the triggers the seeds name against a scenario and says what a bust
would leave and who would hold it; :func:`calibrate_telecom` runs the model on the telecom boom
of 1996-2003 and says whether its bands cover what happened.

Examples
--------
>>> from bubblescope.scenario import run_scenario
>>> res = run_scenario("base", n_paths=1_000, rng=7)
>>> print(res.summary())  # doctest: +SKIP
"""

from bubblescope.scenario.breaks import BreaksResult, what_breaks
from bubblescope.scenario.calibration import TelecomCalibrationResult, calibrate_telecom
from bubblescope.scenario.macro import furman_reference, jpm_wealth_inputs, wealth_effect
from bubblescope.scenario.result import ScenarioResult
from bubblescope.scenario.runner import run_scenario
from bubblescope.scenario.sensitivity import GlobalSensitivityResult, scenario_sensitivity
from bubblescope.scenario.spec import PARAMETERS, ScenarioSpec, list_presets, load_scenario

__all__ = [
    "PARAMETERS",
    "BreaksResult",
    "GlobalSensitivityResult",
    "ScenarioResult",
    "ScenarioSpec",
    "TelecomCalibrationResult",
    "calibrate_telecom",
    "furman_reference",
    "jpm_wealth_inputs",
    "list_presets",
    "load_scenario",
    "run_scenario",
    "scenario_sensitivity",
    "wealth_effect",
    "what_breaks",
]
