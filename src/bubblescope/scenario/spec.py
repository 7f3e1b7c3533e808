"""Scenario definitions: the parameter registry, YAML loading and validation.

A scenario file is YAML with this shape::

    name: base
    description: one line on what the scenario explores
    extends: base            # optional: start from a preset (or another file) and override
    start_year: 2026         # first simulated year
    horizon_years: 10
    parameters:
      capex_start: {value: 650, unit: USD bn, source: DEP-14i}
      kappa: {value: 0.05, unit: "1", source: MOD-01}
      grid_additions: {value: 20, unit: GW, assumption: "why this number"}
    network:
      closure_firms: [OpenAI, CoreWeave]

An optional top-level ``capex_history`` maps earlier years to capex entries of the same form
(``2024: {value: 245, unit: USD bn, source: DEP-14g}``). Without it the historical vintages are
the DEP-14 capex path (2020 on), so the start year must fall within it; with it (consecutive
years ending two years before the start, possibly none) a scenario can start in any year, e.g. a
past boom. Every parameter names its provenance: ``source`` (a fact id of
:mod:`bubblescope.data.facts`) or ``assumption`` (the rationale, in words). With a ``source`` and
no ``value`` the fact's own number is read (its unit must match); with both, the value must occur
in the fact's text (:func:`bubblescope.economy.inputs.fact_part`), so a typo or a changed
fact is an error rather than a silent drift. Overrides from the command line (``--set
kappa=0.1``) become ``user`` inputs.

Validation raises :class:`~bubblescope.errors.InputError` naming the file and the field (unknown
field, wrong type, missing provenance, negative where a positive number is needed, a fraction
outside [0, 1]) and :class:`~bubblescope.errors.DataError` when a cited fact does not state the
value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from bubblescope.economy.inputs import Input, assumption, fact_number, fact_part, user_input
from bubblescope.economy.units import unit as unit_of
from bubblescope.errors import BubblescopeError, DataError, InputError

__all__ = [
    "PARAMETERS",
    "ParamInfo",
    "ScenarioSpec",
    "list_presets",
    "load_scenario",
]

Constraint = Literal["positive", "nonneg", "fraction", "open_fraction", "real", "count"]


@dataclass(frozen=True)
class ParamInfo:
    """What one model parameter means and which values are admissible.

    Attributes
    ----------
    unit : str
        The unit the model works in (values given in a compatible unit are converted).
    constraint : {"positive", "nonneg", "fraction", "open_fraction", "real", "count"}
        ``fraction`` is [0, 1] and ``open_fraction`` (0, 1) after conversion to the model unit;
        ``count`` a positive integer.
    description : str
        One line, with the equation symbol of :mod:`bubblescope.scenario.model`.
    """

    unit: str
    constraint: Constraint
    description: str


#: Every parameter of the model, in the order the summary prints them.
PARAMETERS: dict[str, ParamInfo] = {
    # capex plan and power
    "capex_base": ParamInfo("USD bn", "positive", "C_{-1}: big-5 capex the year before"),
    "capex_start": ParamInfo("USD bn", "positive", "K_0: planned big-5 capex in the first year"),
    "capex_plan_growth": ParamInfo("1", "real", "g_K: planned capex growth per year"),
    "compute_efficiency_gain": ParamInfo(
        "1", "fraction", "xi: cut in GPU spend per dollar of AI revenue (efficiency shock)"
    ),
    "post_bust_capex_cut": ParamInfo("1", "fraction", "c: cut of planned capex after a bust"),
    "cost_per_gw": ParamInfo("USD bn/GW", "positive", "k: all-in capex per GW of capacity"),
    "grid_additions": ParamInfo("GW", "positive", "G_0: GW of new grid connections per year"),
    "grid_growth": ParamInfo("1", "real", "g_G: growth per year of grid additions"),
    # fleet and lives
    "gpu_share": ParamInfo("1", "fraction", "s: short-lived (servers, GPUs) share of capex"),
    "gpu_book_life": ParamInfo("years", "positive", "L_book: book life of GPU servers"),
    "gpu_economic_life": ParamInfo("years", "positive", "L_econ: economic life of GPU servers"),
    "durable_life": ParamInfo("years", "positive", "L_dur: life of power plant and shells"),
    # revenue
    "ai_revenue_start": ParamInfo("USD bn/yr", "positive", "R_0: AI revenue in the first year"),
    "ai_revenue_growth": ParamInfo("1", "real", "mu_R: expected log growth of AI demand"),
    "revenue_growth_surprise": ParamInfo(
        "1", "real", "delta: realised minus expected log growth of AI demand"
    ),
    "ai_revenue_vol": ParamInfo("1", "nonneg", "sigma_R: volatility of AI revenue growth"),
    "ai_gross_margin": ParamInfo("1", "fraction", "m: cash margin on AI revenue"),
    # demand side (bubblescope.scenario.demand)
    "enterprise_revenue_share": ParamInfo(
        "1", "fraction", "w_E: enterprise share of AI revenue in the first year"
    ),
    "adoption_ceiling": ParamInfo("1", "fraction", "a_bar: share of US firms that ever adopt AI"),
    "adoption_surprise": ParamInfo(
        "1", "real", "alpha: log of realised over fitted diffusion rate of adoption"
    ),
    "adoption_vol": ParamInfo("1", "nonneg", "sigma_k: log spread of the diffusion rate by path"),
    "token_price_start": ParamInfo("USD", "positive", "p_0: price of a million output tokens"),
    "token_price_decline": ParamInfo("1", "fraction", "pi: fall per year of the token price"),
    "inference_cost_decline": ParamInfo(
        "1", "fraction", "gamma: fall per year of the inference cost per token"
    ),
    "token_price_elasticity": ParamInfo("1", "nonneg", "epsilon: price elasticity of token volume"),
    "efficiency_pass_through": ParamInfo(
        "1", "fraction", "phi: share of an efficiency shock's cost cut passed on in prices"
    ),
    "energy_per_query": ParamInfo("Wh", "positive", "energy of serving one typical query"),
    "tokens_per_query": ParamInfo("1", "positive", "output tokens of one typical query"),
    # funding
    "internal_cash_start": ParamInfo("USD bn", "nonneg", "CF_0: core cash flow for capex"),
    "internal_cash_growth": ParamInfo("1", "real", "g_CF: growth per year of core cash flow"),
    "debt_start": ParamInfo("USD bn", "nonneg", "D_{-1}: debt already drawn for AI capex"),
    "max_leverage": ParamInfo("x", "nonneg", "lambda: debt ceiling as a multiple of cash flow"),
    "debt_repayment": ParamInfo("1", "fraction", "r: share of debt repaid per year"),
    "equity_issuance_rate": ParamInfo("1", "fraction", "e: equity raisable per year / AI cap"),
    # prices
    "ai_wealth_per_10pct": ParamInfo("USD tn", "positive", "JPM: wealth lost in a 10% AI fall"),
    "price_vol": ParamInfo("1", "nonneg", "sigma_M: volatility of the valuation multiple"),
    "initial_overvaluation": ParamInfo("1", "nonneg", "omega = V_0/F_0 - 1: starting mispricing"),
    "discount_rate": ParamInfo("1", "positive", "i: discount rate of the DCF"),
    "terminal_growth": ParamInfo("1", "real", "g_inf: growth after the DCF horizon (< i)"),
    "dcf_horizon": ParamInfo("years", "count", "T_DCF: years of explicit growth in the DCF"),
    "crash_overshoot": ParamInfo("1", "fraction", "o: undershoot below fundamentals in a bust"),
    # herding sellers (Abreu-Brunnermeier)
    "kappa": ParamInfo("1", "fraction", "kappa: share of holders whose selling bursts the bubble"),
    "awareness_window": ParamInfo("years", "positive", "eta: window over which holders learn"),
    "sell_delay_mean": ParamInfo("years", "positive", "tau: mean delay from awareness to sale"),
    "gap_onset_rate": ParamInfo(
        "1/year", "nonneg", "lambda_g: onset hazard per unit of log revenue gap Gamma"
    ),
    "revenue_disappointment": ParamInfo("1", "fraction", "d: revenue shortfall that reveals it"),
    "crash_threshold": ParamInfo(
        "1", "open_fraction", "theta: fall that counts as a crash (base rate h_0, bust floor)"
    ),
    "n_holders": ParamInfo("1", "count", "N: holders per path (order statistics)"),
    # network and macro
    "closure_sensitivity": ParamInfo("1", "nonneg", "phi: funding cut per unit of price fall"),
    "network_buffer": ParamInfo("1", "nonneg", "cushion of assumed external assets (stress)"),
    "distress_threshold": ParamInfo("1", "fraction", "DebtRank equity loss that means distress"),
    "gdp": ParamInfo("USD tn", "positive", "Y: nominal US GDP"),
    "domestic_content": ParamInfo("1", "fraction", "a: domestic value added share of AI capex"),
    "wealth_gain": ParamInfo("USD tn", "positive", "JPM: household wealth gain in a year"),
    "spending_gain": ParamInfo("USD bn", "positive", "JPM: spending added by that gain"),
    "spending_gain_share": ParamInfo("1", "positive", "JPM: that spending as % of consumption"),
    "top10_consumption_share": ParamInfo("1", "fraction", "top-10% share of consumption"),
    "top10_wealth_effect_share": ParamInfo("1", "fraction", "top-10% share of the wealth effect"),
}

#: Demand-side parameters a scenario written before they existed may leave out: values under
#: which revenue and margin follow ai_revenue_growth and ai_gross_margin exactly as before
#: (no enterprise part, no price or cost drift, unit elasticity, an efficiency shock passed on
#: in full, so it moves neither the revenue nor the margin).
DEMAND_SIDE_OFF: dict[str, tuple[float, str]] = {
    "enterprise_revenue_share": (0.0, "1"),
    "adoption_ceiling": (1.0, "1"),
    "adoption_surprise": (0.0, "1"),
    "adoption_vol": (0.0, "1"),
    "token_price_start": (1.0, "USD"),
    "token_price_decline": (0.0, "1"),
    "inference_cost_decline": (0.0, "1"),
    "token_price_elasticity": (1.0, "1"),
    "efficiency_pass_through": (1.0, "1"),
    "energy_per_query": (1.0, "Wh"),
    "tokens_per_query": (1.0, "1"),
}

_ENTRY_KEYS = frozenset({"value", "unit", "source", "assumption"})
_TOP_KEYS = frozenset(
    {
        "name",
        "description",
        "extends",
        "start_year",
        "horizon_years",
        "capex_history",
        "parameters",
        "network",
    }
)
_NETWORK_KEYS = frozenset({"closure_firms"})
_PRESET_PACKAGE = "bubblescope.scenario.presets"


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scenario: every parameter as a sourced :class:`Input`.

    Attributes
    ----------
    name, description : str
    start_year : int
        First simulated (calendar) year.
    horizon_years : int
        Number of simulated years.
    params : dict of str to Input
        One entry per name of :data:`PARAMETERS`.
    closure_firms : tuple of str
        Firms of the financing network whose funding market closes in a bust.
    origin : str
        File or preset it was read from.
    overrides : tuple of str
        ``--set`` values applied, as ``name=value``.
    capex_history : tuple of (int, Input), optional
        Capex (USD bn) of each year before ``capex_base``'s, oldest first; ``None``: the DEP-14
        path of :func:`bubblescope.economy.depreciation.burry_capex`.
    """

    name: str
    description: str
    start_year: int
    horizon_years: int
    params: dict[str, Input]
    closure_firms: tuple[str, ...]
    origin: str = ""
    overrides: tuple[str, ...] = field(default=())
    capex_history: tuple[tuple[int, Input], ...] | None = None

    def value(self, name: str) -> float:
        """The parameter in the model's unit (see :data:`PARAMETERS`)."""
        return self.params[name].m_as(PARAMETERS[name].unit)

    def values(self) -> dict[str, float]:
        """All parameters in the model's units."""
        return {name: self.value(name) for name in PARAMETERS}

    @property
    def years(self) -> tuple[int, ...]:
        """Simulated calendar years."""
        return tuple(range(self.start_year, self.start_year + self.horizon_years))

    def with_overrides(self, settings: Mapping[str, float] | list[str]) -> ScenarioSpec:
        """Replace parameters by user values: ``{"kappa": 0.1}`` or ``["kappa=0.1"]``.

        Values are in the model's unit of each parameter (see :data:`PARAMETERS`).
        """
        pairs = _parse_settings(settings) if isinstance(settings, list) else dict(settings)
        params = dict(self.params)
        where = f"{self.origin} (--set)"
        for name, value in pairs.items():
            info = _param_info(name, where, f"--set {name}")
            item = user_input(name, float(value), info.unit)
            _check_constraint(name, item, info, where, f"--set {name}")
            params[name] = item
        return replace(
            self,
            params=params,
            overrides=self.overrides + tuple(f"{k}={v:g}" for k, v in pairs.items()),
        )

    def inputs_frame_rows(self) -> list[dict[str, Any]]:
        """One row per parameter: name, value, unit, kind, source and meaning."""
        return [
            {
                "parameter": name,
                "value": self.params[name].value,
                "unit": self.params[name].quantity.unit.symbol,
                "kind": self.params[name].kind,
                "source": self.params[name].source,
                "meaning": info.description,
            }
            for name, info in PARAMETERS.items()
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "name": self.name,
            "description": self.description,
            "origin": self.origin,
            "start_year": self.start_year,
            "horizon_years": self.horizon_years,
            "closure_firms": list(self.closure_firms),
            "overrides": list(self.overrides),
            "capex_history": None
            if self.capex_history is None
            else [
                {"year": y, "value": i.value, "kind": i.kind, "source": i.source}
                for y, i in self.capex_history
            ],
            "parameters": self.inputs_frame_rows(),
        }


def _parse_settings(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for text in items:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f"--set {text!r} is not of the form NAME=VALUE", hint="e.g. --set kappa=0.1"
            )
        try:
            out[key.strip()] = float(raw)
        except ValueError:
            raise InputError(f"--set {key.strip()}: {raw!r} is not a number") from None
    return out


def _param_info(name: str, where: str, field_name: str) -> ParamInfo:
    if name not in PARAMETERS:
        import difflib

        close = difflib.get_close_matches(name, PARAMETERS, n=1)
        raise InputError(
            f"{where}: unknown field {field_name!r}",
            hint=f"did you mean {close[0]!r}?"
            if close
            else "see `bubblescope scenario show base` for the parameters",
        )
    return PARAMETERS[name]


def _check_constraint(name: str, item: Input, info: ParamInfo, where: str, field_name: str) -> None:
    v = item.m_as(info.unit)
    bad = {
        "positive": not v > 0,
        "nonneg": not v >= 0,
        "fraction": not 0.0 <= v <= 1.0,
        "open_fraction": not 0.0 < v < 1.0,
        "real": not math.isfinite(v),
        "count": not (v >= 1 and float(v).is_integer()),
    }[info.constraint]
    if bad:
        need = {
            "positive": "a positive number",
            "nonneg": "a number >= 0",
            "fraction": "a fraction in [0, 1] (in unit '1')",
            "open_fraction": "a fraction in (0, 1) (in unit '1')",
            "real": "a finite number",
            "count": "a whole number >= 1",
        }[info.constraint]
        raise InputError(f"{where}: field {field_name!r} must be {need}, got {v:g} {info.unit}")


def _entry(name: str, raw: Any, where: str, field_name: str = "") -> Input:
    field_name = field_name or f"parameters.{name}"
    info = _param_info(name, where, field_name)
    if not isinstance(raw, Mapping):
        raise InputError(
            f"{where}: field {field_name!r} must be a mapping with 'value', "
            f"'unit' and 'source' or 'assumption', got {type(raw).__name__}"
        )
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise InputError(
            f"{where}: unknown field '{field_name}.{unknown[0]}'",
            hint="allowed: value, unit, source, assumption",
        )
    source, rationale = raw.get("source"), raw.get("assumption")
    if (source is None) == (rationale is None):
        raise InputError(
            f"{where}: field {field_name!r} needs exactly one of 'source' (a fact "
            "id) or 'assumption' (a rationale)",
            hint="say where the number comes from",
        )
    unit = raw.get("unit", info.unit)
    if not isinstance(unit, str):
        raise InputError(f"{where}: field '{field_name}.unit' must be a string, got {unit!r}")
    try:
        unit_of(unit).dims  # noqa: B018 - validates the symbol
    except BubblescopeError as exc:
        raise InputError(f"{where}: field '{field_name}.unit': {exc.message}") from None
    value = raw.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise InputError(
            f"{where}: field '{field_name}.value' must be a number, got "
            f"{value!r} ({type(value).__name__})"
        )
    try:
        if rationale is not None:
            if not isinstance(rationale, str) or not rationale.strip():
                raise InputError(
                    f"{where}: field '{field_name}.assumption' must be a non-empty rationale"
                )
            if value is None:
                raise InputError(
                    f"{where}: field '{field_name}.value' is required with an assumption"
                )
            item = assumption(name, float(value), unit, rationale.strip())
        else:
            if not isinstance(source, str):
                raise InputError(f"{where}: field '{field_name}.source' must be a fact id")
            item = (
                fact_number(source, unit, name=name)
                if value is None
                else fact_part(source, float(value), unit, name=name)
            )
        item.m_as(info.unit)
    except DataError as exc:
        raise DataError(f"{where}: field {field_name!r}: {exc.message}", hint=exc.hint) from None
    except InputError as exc:
        if exc.message.startswith(where):
            raise
        raise InputError(f"{where}: field {field_name!r}: {exc.message}", hint=exc.hint) from None
    _check_constraint(name, item, info, where, field_name)
    return item


def _int_field(doc: Mapping[str, Any], key: str, where: str, default: int | None) -> int:
    raw = doc.get(key, default)
    if raw is None:
        raise InputError(f"{where}: field {key!r} is required")
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise InputError(f"{where}: field {key!r} must be a positive integer, got {raw!r}")
    return raw


def _capex_history(
    doc: Mapping[str, Any], where: str, start_year: int, parent: ScenarioSpec | None
) -> tuple[tuple[int, Input], ...] | None:
    """The ``capex_history`` field: each year's capex entry, oldest first (None if absent)."""
    if "capex_history" not in doc:
        return parent.capex_history if parent else None
    raw = doc["capex_history"] or {}
    if not isinstance(raw, Mapping):
        raise InputError(f"{where}: field 'capex_history' must map years to capex entries")
    items: list[tuple[int, Input]] = []
    for year, entry in raw.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise InputError(f"{where}: field 'capex_history' keys must be years, got {year!r}")
        items.append((year, _entry("capex_base", entry, where, f"capex_history.{year}")))
    items.sort(key=lambda item: item[0])
    want = list(range(start_year - 1 - len(items), start_year - 1))
    if [y for y, _ in items] != want:
        raise InputError(
            f"{where}: field 'capex_history' must give consecutive years ending at "
            f"{start_year - 2} (capex_base is {start_year - 1}), got {[y for y, _ in items]}"
        )
    return tuple(items)


def list_presets() -> list[str]:
    """Names of the scenario presets shipped with the package."""
    root = resources.files(_PRESET_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def _read_text(name_or_path: str | Path) -> tuple[str, str]:
    text_name = str(name_or_path)
    if text_name in list_presets():
        res = resources.files(_PRESET_PACKAGE) / f"{text_name}.yaml"
        return res.read_text(encoding="utf-8"), f"preset {text_name!r}"
    path = Path(name_or_path)
    if not path.is_file():
        raise InputError(
            f"no scenario preset or file named {text_name!r}",
            hint=f"presets: {', '.join(list_presets())}",
        )
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the scenario file {path}: {exc}") from None


def load_scenario(name_or_path: str | Path, *, _depth: int = 0) -> ScenarioSpec:
    """Read and validate a scenario preset (by name) or YAML file.

    Parameters
    ----------
    name_or_path : str or Path
        A preset name of :func:`list_presets` or a path to a YAML file.

    Raises
    ------
    InputError
        Malformed YAML or an invalid field (the message names the file and the field).
    DataError
        A cited fact does not state the given value.
    """
    import yaml  # type: ignore[import-untyped,unused-ignore]

    from bubblescope import _yaml

    text, where = _read_text(name_or_path)
    try:
        doc = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML: {_yaml.describe(exc)}") from None
    if not isinstance(doc, Mapping):
        raise InputError(f"{where}: a scenario must be a YAML mapping")
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise InputError(
            f"{where}: unknown field {unknown[0]!r}",
            hint=f"allowed: {', '.join(sorted(_TOP_KEYS))}",
        )
    parent: ScenarioSpec | None = None
    if "extends" in doc:
        if _depth > 4:
            raise InputError(f"{where}: field 'extends' nests too deeply (a cycle?)")
        parent = load_scenario(str(doc["extends"]), _depth=_depth + 1)
    raw_params = doc.get("parameters") or {}
    if not isinstance(raw_params, Mapping):
        raise InputError(f"{where}: field 'parameters' must be a mapping")
    params = dict(parent.params) if parent else {}
    for name, raw in raw_params.items():
        params[str(name)] = _entry(str(name), raw, where)
    for name, (value, unit) in DEMAND_SIDE_OFF.items():
        params.setdefault(
            name,
            assumption(
                name,
                value,
                unit,
                "not given: the demand side's neutral value (added after this file was "
                "written), so demand follows ai_revenue_growth as before",
            ),
        )
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise InputError(
            f"{where}: missing field 'parameters.{missing[0]}'"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            hint="give it, or start from a preset with 'extends: base'",
        )
    net = doc.get("network") or {}
    if not isinstance(net, Mapping) or set(net) - _NETWORK_KEYS:
        raise InputError(f"{where}: field 'network' may only contain 'closure_firms'")
    firms_raw = net.get("closure_firms", list(parent.closure_firms) if parent else None)
    if (
        not isinstance(firms_raw, list)
        or not firms_raw
        or not all(isinstance(f, str) for f in firms_raw)
    ):
        raise InputError(
            f"{where}: field 'network.closure_firms' must be a non-empty list of firm names"
        )
    from bubblescope.economy.network import load_network

    network = load_network()
    for firm in firms_raw:
        if firm not in network.names:
            raise InputError(
                f"{where}: field 'network.closure_firms': unknown firm {firm!r}",
                hint=f"firms: {', '.join(network.names)}",
            )
    name = doc.get("name", parent.name if parent else Path(str(name_or_path)).stem)
    description = doc.get("description", parent.description if parent else "")
    for key, val in (("name", name), ("description", description)):
        if not isinstance(val, str):
            raise InputError(f"{where}: field {key!r} must be a string, got {val!r}")
    start_year = _int_field(doc, "start_year", where, parent.start_year if parent else None)
    return ScenarioSpec(
        name=name,
        description=description,
        start_year=start_year,
        horizon_years=_int_field(
            doc, "horizon_years", where, parent.horizon_years if parent else None
        ),
        params=params,
        closure_firms=tuple(firms_raw),
        origin=where,
        capex_history=_capex_history(doc, where, start_year, parent),
    )
