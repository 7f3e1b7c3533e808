"""Run a scenario: chunk the paths, simulate them (serial, processes or Dask), stress the network.

Paths are simulated in chunks of ``chunk_size``; chunk ``i`` draws from the ``i``-th seed of
:func:`bubblescope.parallel.spawn_seeds`, so serial, process-pool and Dask runs of the same seed
and chunk size return identical numbers. The financing-network stress runs once per distinct
funding-cut level (cuts are rounded up to a 5% grid) in the calling process.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.economy.clearing import BufferAssumption, MarketClosure, stress
from bubblescope.economy.depreciation import LifePolicy, burry_capex, depreciation_matrix
from bubblescope.economy.power import capex_to_gw
from bubblescope.economy.valuation import sequoia_gap
from bubblescope.errors import InputError
from bubblescope.parallel import map_chunks, spawn_seeds
from bubblescope.scenario.base_rate import base_crash_rate
from bubblescope.scenario.demand import decimal_year, fit_logistic, inference_cost_per_mtok
from bubblescope.scenario.model import ModelInputs, simulate
from bubblescope.scenario.pricing import priced_growth
from bubblescope.scenario.result import ScenarioResult
from bubblescope.scenario.spec import ScenarioSpec, load_scenario

__all__ = ["CUT_GRID", "model_inputs", "run_scenario"]

#: Funding-cut levels cleared through the network (a path's cut is rounded up to the grid).
CUT_GRID: Float64Array = np.linspace(0.0, 1.0, 21)


def model_inputs(spec: ScenarioSpec) -> ModelInputs:
    """Translate a scenario into the plain arrays of :func:`~bubblescope.scenario.model.simulate`.

    Historical vintages are the scenario's ``capex_history`` when it gives one, else the DEP-14
    capex path of :func:`bubblescope.economy.depreciation.burry_capex` before the year
    preceding the start; then ``capex_base`` for that year.
    """
    if spec.capex_history is not None:
        first = spec.start_year - 1 - len(spec.capex_history)
        hist = [item.m_as("USD bn") for _, item in spec.capex_history]
    else:
        path = burry_capex()
        first = path.years[0]
        if not first < spec.start_year <= path.years[-1] + 1:
            raise InputError(
                f"{spec.origin}: field 'start_year' must be in {first + 1}.."
                f"{path.years[-1] + 1} (the historical capex vintages), "
                f"got {spec.start_year}",
                hint="or give the earlier vintages in 'capex_history'",
            )
        hist = [c for y, c in zip(path.years, path.capex, strict=True) if y < spec.start_year - 1]
    hist.append(spec.value("capex_base"))
    all_years = list(range(first, spec.start_year + spec.horizon_years))
    ones = np.ones(len(all_years))

    def per_unit(life: float) -> Float64Array:
        return depreciation_matrix(ones, all_years, all_years, LifePolicy.constant(life))

    gw = capex_to_gw(1.0, costs=[spec.params["cost_per_gw"]]).gigawatts()
    valuation = priced_growth(spec)
    return ModelInputs(
        p=spec.values(),
        n_years=spec.horizon_years,
        gw_per_usd_bn=float(next(iter(gw.values()))),
        hist_capex=np.asarray(hist, dtype=np.float64),
        dep_gpu_book=per_unit(spec.value("gpu_book_life")),
        dep_gpu_econ=per_unit(spec.value("gpu_economic_life")),
        dep_durable=per_unit(spec.value("durable_life")),
        implied_growth=valuation.implied_growth,
        base_rate=base_crash_rate(spec.value("crash_threshold")).rate,
        **_demand_inputs(spec),
    )


#: The Census BTOS readings the enterprise adoption curve runs through (original question).
ADOPTION_FACTS = ("ADO-01a", "ADO-02")


def _demand_inputs(spec: ScenarioSpec) -> dict[str, float]:
    """The adoption curve's start and rate and the first year's token cost over price.

    The logistic curve is fitted through :data:`ADOPTION_FACTS` under ``adoption_ceiling``
    (:func:`bubblescope.scenario.demand.fit_logistic`) and read in the middle of the first
    year. The inference cost of a million tokens is the H100's rent then
    (:func:`bubblescope.economy.gpu.generation`) over the tokens a GPU serves in an hour at
    ``energy_per_query`` and ``tokens_per_query``
    (:func:`bubblescope.scenario.demand.inference_cost_per_mtok`).
    """
    from bubblescope.data.facts import load_factbase
    from bubblescope.economy.gpu import generation

    for name in ("token_price_decline", "inference_cost_decline"):
        if spec.value(name) >= 1.0:
            raise InputError(
                f"{spec.origin}: field 'parameters.{name}' must be below 100% a year "
                f"(a price or cost that vanishes), got {spec.value(name):g}"
            )
    if spec.value("efficiency_pass_through") * spec.value("compute_efficiency_gain") >= 1.0:
        raise InputError(
            f"{spec.origin}: fields 'parameters.efficiency_pass_through' and "
            "'parameters.compute_efficiency_gain' would pass on a shock that makes tokens free"
        )
    facts = load_factbase()
    readings = [facts.get(fid) for fid in ADOPTION_FACTS]
    first, second = ((decimal_year(f.as_of), facts.value(f.id, "%") / 100.0) for f in readings)
    try:
        curve = fit_logistic(first, second, spec.value("adoption_ceiling"))
    except InputError as exc:
        raise InputError(f"{spec.origin}: {exc.message}", hint=exc.hint) from None
    mid_start = decimal_year(str(spec.start_year))
    h100 = generation("H100")
    cost = inference_cost_per_mtok(
        float(h100.price_at(mid_start)[0]),
        h100.power.m_as("kW/GPU"),
        spec.value("energy_per_query"),
        spec.value("tokens_per_query"),
    )
    return {
        "adoption_start": float(curve.share(mid_start)),
        "adoption_rate": curve.rate,
        "api_cost_ratio": cost / spec.value("token_price_start"),
    }


@dataclass(frozen=True)
class _Chunk:
    inputs: ModelInputs
    seed: np.random.SeedSequence
    size: int


def _run_chunk(chunk: _Chunk) -> dict[str, Float64Array]:
    return simulate(chunk.inputs, chunk.seed, chunk.size)


@dataclass(frozen=True)
class _Distress:
    """Per-path counts and per-firm shares of default and of distress."""

    n_default: Float64Array
    n_distress: Float64Array
    default_share: dict[str, float]
    distress_share: dict[str, float]
    defaults_by_cut: dict[float, tuple[str, ...]]
    distressed_by_cut: dict[float, tuple[str, ...]]


def _distress(spec: ScenarioSpec, cuts: Float64Array) -> _Distress:
    """Firms in default and in distress per path, from the network stress at each path's cut.

    In default: the clearing vector pays less than is due. In distress: in default, or a
    DebtRank relative equity loss ``h`` of at least ``distress_threshold``.
    """
    from bubblescope.economy.network import load_network

    network = load_network()
    buffer = BufferAssumption(coverage=spec.value("network_buffer"))
    threshold = spec.value("distress_threshold")
    grid = np.ceil(np.round(np.clip(np.nan_to_num(cuts), 0.0, 1.0) * 20.0, 9))
    level = np.where(np.isnan(cuts), -1, grid.astype(np.int64))
    firms = [n for n in network.names if not network.firm(n).external]
    out = _Distress(
        np.zeros(cuts.size),
        np.zeros(cuts.size),
        dict.fromkeys(firms, 0.0),
        dict.fromkeys(firms, 0.0),
        {},
        {},
    )
    for k in np.unique(level[level >= 0]):
        cut = float(CUT_GRID[k])
        frame = stress(network, [MarketClosure(spec.closure_firms, cut)], buffer=buffer).firms
        default = frame["default_round"].notna().to_numpy()
        distress = default | (frame["debtrank_h"].to_numpy() >= threshold)
        mask = level == k
        share = float(mask.sum()) / cuts.size
        for flags, counts, shares, by_cut in (
            (default, out.n_default, out.default_share, out.defaults_by_cut),
            (distress, out.n_distress, out.distress_share, out.distressed_by_cut),
        ):
            names = tuple(str(n) for n in frame.index[flags])
            by_cut[cut] = names
            counts[mask] = len(names)
            for name in names:
                shares[name] += share
    return out


def run_scenario(
    scenario: ScenarioSpec | str | Path = "base",
    *,
    n_paths: int = 10_000,
    rng: RngLike = None,
    overrides: Mapping[str, float] | None = None,
    chunk_size: int = 2_000,
    n_jobs: int | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> ScenarioResult:
    """Monte Carlo of the AI capex system for one scenario.

    Parameters
    ----------
    scenario : ScenarioSpec, str or Path
        A validated spec, a preset name (see :func:`~bubblescope.scenario.list_presets`) or a
        YAML file.
    n_paths : int
        Number of paths (>= 1).
    rng : int, Generator, SeedSequence or None
        Randomness (``None``: fresh entropy, not reproducible).
    overrides : mapping, optional
        Parameter values in model units (``{"kappa": 0.1}``), recorded as user inputs.
    chunk_size : int
        Paths per work item; part of the random stream, keep it fixed to reproduce a run.
    n_jobs, executor, progress
        Passed to :func:`bubblescope.parallel.map_chunks` (processes or a Dask executor).

    Returns
    -------
    ScenarioResult

    Examples
    --------
    >>> res = run_scenario("base", n_paths=500, rng=1)
    >>> res.n_paths, res.years[0], len(res.years)
    (500, 2026, 10)
    >>> bool((res.paths["capex"] <= res.paths["power_cap"]).all())
    True
    """
    spec = scenario if isinstance(scenario, ScenarioSpec) else load_scenario(scenario)
    if overrides:
        spec = spec.with_overrides(overrides)
    if isinstance(n_paths, bool) or not isinstance(n_paths, int) or n_paths < 1:
        raise InputError(f"n_paths must be a positive integer, got {n_paths!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    inputs = model_inputs(spec)
    n_chunks = math.ceil(n_paths / chunk_size)
    seeds = spawn_seeds(rng, n_chunks)
    chunks = [
        _Chunk(inputs, seed, min(chunk_size, n_paths - i * chunk_size))
        for i, seed in enumerate(seeds)
    ]
    parts = map_chunks(_run_chunk, chunks, executor=executor, n_jobs=n_jobs, progress=progress)
    paths = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    cuts = np.where(
        paths["bust_year"] >= 0,
        np.minimum(1.0, spec.value("closure_sensitivity") * paths["depth"]),
        np.nan,
    )
    dist = _distress(spec, cuts)
    paths["funding_cut"] = cuts
    paths["firms_in_default"] = dist.n_default
    paths["firms_in_distress"] = dist.n_distress
    # Sequoia's rule (x4 with its defaults) applies to the GPU spend it was defined on, the
    # GPU share of each capex dollar, not to capex as a whole
    required = (
        spec.value("gpu_share")
        * sequoia_gap(1.0, margin=spec.params["ai_gross_margin"]).required_revenue
    )
    return ScenarioResult(
        spec=spec,
        n_paths=n_paths,
        chunk_size=chunk_size,
        paths=paths,
        firm_default_share=dist.default_share,
        firm_distress_share=dist.distress_share,
        defaults_by_cut=dist.defaults_by_cut,
        distressed_by_cut=dist.distressed_by_cut,
        revenue_per_capex=required,
        pricing=priced_growth(spec),
        base_rate=base_crash_rate(spec.value("crash_threshold")),
    )
