"""The scenario Monte Carlo behind the API: presets with their sources, validated runs.

Overrides are validated by the scenario spec itself
(:meth:`bubblescope.scenario.ScenarioSpec.with_overrides`): an unknown parameter or a value
outside its admissible range is an :class:`~bubblescope.errors.InputError` (a 400) whose
message starts with the request field, ``overrides.<name>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bubblescope._typing import ProgressCallback
from bubblescope.errors import InputError
from bubblescope.web.analyses import result_payload
from bubblescope.web.schemas import ScenarioRequest

if TYPE_CHECKING:
    from bubblescope.scenario import ScenarioResult, ScenarioSpec

__all__ = ["KEY_PARAMETERS", "headline", "preset_catalogue", "scenario_api", "scenario_spec"]

#: Parameters the dashboard offers for editing (all others keep the preset's sourced value).
KEY_PARAMETERS = (
    "initial_overvaluation",
    "revenue_growth_surprise",
    "kappa",
    "equity_issuance_rate",
    "max_leverage",
    "grid_additions",
    "grid_growth",
    "ai_revenue_growth",
)


def preset_catalogue() -> dict[str, Any]:
    """Every preset with each parameter's value in the model's unit, its constraint and source.

    Returns
    -------
    dict
        ``{"presets": [...], "key_parameters": [...]}``; each preset is
        :meth:`ScenarioSpec.to_dict` with ``model_value``, ``model_unit`` and ``constraint``
        added to every parameter row.
    """
    from bubblescope.scenario import PARAMETERS, list_presets, load_scenario

    presets = []
    for name in list_presets():
        spec = load_scenario(name)
        doc = spec.to_dict()
        for row in doc["parameters"]:
            info = PARAMETERS[row["parameter"]]
            row.update(
                model_value=spec.value(row["parameter"]),
                model_unit=info.unit,
                constraint=info.constraint,
            )
        presets.append(doc)
    return {"presets": presets, "key_parameters": list(KEY_PARAMETERS)}


def scenario_spec(req: ScenarioRequest) -> ScenarioSpec:
    """The preset of ``req`` with its overrides applied, validated.

    Raises
    ------
    InputError
        Unknown preset (field ``preset``), or an unknown or inadmissible override (field
        ``overrides.<name>``).
    """
    from bubblescope.scenario import list_presets, load_scenario

    presets = list_presets()
    if req.preset not in presets:
        raise InputError(
            f"preset: no scenario preset named {req.preset!r}",
            hint=f"presets: {', '.join(presets)}",
        )
    spec = load_scenario(req.preset)
    for name, value in req.overrides.items():
        try:
            spec = spec.with_overrides({name: value})
        except InputError as exc:
            raise InputError(f"overrides.{name}: {exc.message}", hint=exc.hint) from None
    return spec


def headline(res: ScenarioResult) -> dict[str, Any]:
    """The dashboard's headline numbers of a run.

    Returns
    -------
    dict
        ``bust_share`` (share of paths busted by the last simulated year), ``by_year`` (that
        year), ``median_bust_year`` (None: beyond the horizon), ``median_depth`` (median
        peak-to-trough fall of the AI index over busted paths, a fraction; None without a
        bust), ``n_paths``, ``base_rate_odds`` (the bust odds over the horizon at the
        historical base rate alone, what the bust share falls to without a gap),
        ``implied_growth`` and ``expected_growth`` (the revenue growth a year the starting
        price implies by reverse DCF, and the one its DCF value discounts).
    """
    br, pg = res.base_rate, res.pricing
    return {
        "bust_share": float(res.bust_share_by_year()[-1]),
        "by_year": res.years[-1],
        "median_bust_year": res.median_bust_year(),
        "median_depth": res.depth_quantiles()["p50"],
        "n_paths": res.n_paths,
        "base_rate_odds": br.odds(len(res.years)) if br is not None else None,
        "implied_growth": pg.implied_growth if pg is not None else None,
        "expected_growth": pg.expected_growth if pg is not None else None,
    }


def scenario_api(
    req: ScenarioRequest,
    progress: ProgressCallback | None = None,
    *,
    spec: ScenarioSpec | None = None,
) -> dict[str, Any]:
    """Run the Monte Carlo of ``req``: result, headline numbers, summary and chart.

    ``spec`` is ``scenario_spec(req)`` when the caller has already validated it.
    """
    from bubblescope.scenario import run_scenario

    spec = scenario_spec(req) if spec is None else spec
    res = run_scenario(spec, n_paths=req.paths, rng=req.seed, progress=progress)
    return result_payload(res, headline=headline(res))
