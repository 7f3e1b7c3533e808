r"""Which assumption decides the answer: global sensitivity of the scenario model (SALib).

The scenario model (:mod:`bubblescope.scenario.model`) maps :math:`D` parameters
:math:`x = (x_1, \dots, x_D)`, each varied uniformly over its stated range (``ranges.yaml``
beside this module: low, high, unit and the reason for the range), to three outputs, each a
Monte Carlo average over ``n_paths`` paths that share one seed for every :math:`x` (common
random numbers, so the outputs are smooth in :math:`x` and differences are not noise):

``bust_odds``
    share of paths that bust within the horizon :math:`T`;
``years_to_bust``
    :math:`E[\min(t_{bust}, T)]`, the mean time to a bust in years, :math:`T` without one;
``depth``
    mean peak-to-trough fall of the AI index over the paths that bust (0 if none does).

Two methods of SALib (Herman and Usher 2017; Iwanaga, Usher and Herman 2022):

* ``"sobol"``: Saltelli's scheme on a scrambled Sobol' sequence, :math:`N (2D + 2)`
  evaluations; for each output the first-order index :math:`S_i = V[E(Y|x_i)] / V(Y)` (the
  share of the output's variance that :math:`x_i` explains alone) and the total index
  :math:`S_{Ti} = E[V(Y|x_{\sim i})] / V(Y)` (alone and through interactions), with bootstrap
  95% intervals (Saltelli 2002; Saltelli et al. 2010).
* ``"morris"``: elementary effects on ``N`` trajectories of :math:`D + 1` points on a 4-level
  grid; :math:`\mu^*_i` the mean absolute elementary effect (in output units per unit of the
  range scaled to [0, 1]) and :math:`\sigma_i` their standard deviation (Morris 1991; Campolongo,
  Cariboni and Saltelli 2007). Cheaper, for screening.

The evaluations run through :func:`bubblescope.parallel.map_chunks` in chunks of rows, and
every random number comes from one ``rng``: the sampler's and the bootstrap's seeds and the
model's seed are drawn from its :class:`~numpy.random.SeedSequence`, so a seed gives the same
indices serially, in processes and on a Dask cluster.

References
----------
Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software* 22(10), 1509-1518.
Herman, J. and Usher, W. (2017). SALib: An open-source Python library for sensitivity
analysis. *Journal of Open Source Software* 2(9), 97.
Iwanaga, T., Usher, W. and Herman, J. (2022). Toward SALib 2.0. *Socio-Environmental Systems
Modelling* 4, 18155.
Ishigami, T. and Homma, T. (1990). An importance quantification technique in uncertainty
analysis for computer models. *ISUMA '90*, 398-403.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2), 161-174.
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
*Computer Physics Communications* 145(2), 280-297.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. *Computer
Physics Communications* 181(2), 259-270.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict, ProgressCallback, RngLike
from bubblescope.charts import PALETTE, Bar, ChartSpec, Panel
from bubblescope.errors import BackendError, InputError
from bubblescope.parallel import as_seed_sequence, map_chunks
from bubblescope.result import ResultMixin
from bubblescope.scenario.base_rate import spell_depths
from bubblescope.scenario.model import ModelInputs, simulate
from bubblescope.scenario.pricing import priced_growth
from bubblescope.scenario.spec import PARAMETERS, ScenarioSpec, _check_constraint, load_scenario

__all__ = [
    "OUTPUTS",
    "GlobalSensitivityResult",
    "ParamRange",
    "global_sensitivity",
    "ishigami",
    "ishigami_indices",
    "load_ranges",
    "scenario_sensitivity",
]

Method = Literal["sobol", "morris"]

#: Parameters a chart shows (the rest are in to_frame() and to_dict()).
_CHARTED = 5

#: The scenario outputs analysed, with their units.
OUTPUTS: dict[str, str] = {
    "bust_odds": "share of paths",
    "years_to_bust": "years",
    "depth": "fraction of the index",
}

_RANGE_KEYS = frozenset({"low", "high", "unit", "why"})
_STATS = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "sigma"),
}


@dataclass(frozen=True)
class ParamRange:
    """The range a parameter is varied over, in the model's unit, and why."""

    name: str
    low: float
    high: float
    why: str


def load_ranges(path: str | Path | None = None) -> dict[str, ParamRange]:
    """Read and check the parameter ranges (default: ``ranges.yaml`` shipped with the package).

    Raises
    ------
    InputError
        Not a mapping, an unknown parameter or key, a missing ``why``, a unit that does not
        convert to the model's, ``low >= high`` or a bound outside the parameter's admissible
        values; the message names the file and the field.
    """
    import yaml  # type: ignore[import-untyped,unused-ignore]

    from bubblescope.economy.inputs import user_input
    from bubblescope.errors import BubblescopeError

    if path is None:
        text = (resources.files("bubblescope.scenario") / "ranges.yaml").read_text("utf-8")
        where = "ranges.yaml"
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    doc = yaml.safe_load(text)
    if not isinstance(doc, Mapping) or not doc:
        raise InputError(f"{where}: ranges must be a non-empty YAML mapping")
    out: dict[str, ParamRange] = {}
    for name, raw in doc.items():
        key = str(name)
        if key not in PARAMETERS:
            raise InputError(f"{where}: unknown field {key!r}", hint="a scenario parameter name")
        if not isinstance(raw, Mapping) or set(raw) != _RANGE_KEYS:
            raise InputError(
                f"{where}: field {key!r} must have exactly low, high, unit and why, got "
                f"{sorted(raw) if isinstance(raw, Mapping) else type(raw).__name__}"
            )
        if not isinstance(raw["why"], str) or not raw["why"].strip():
            raise InputError(f"{where}: field '{key}.why' must be a non-empty reason")
        info = PARAMETERS[key]
        bounds = []
        for end in ("low", "high"):
            value = raw[end]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"{where}: field '{key}.{end}' must be a number, got {value!r}")
            try:
                item = user_input(key, float(value), str(raw["unit"]))
                item.m_as(info.unit)
            except BubblescopeError as exc:
                raise InputError(f"{where}: field '{key}.unit': {exc.message}") from None
            _check_constraint(key, item, info, where, f"{key}.{end}")
            bounds.append(item.m_as(info.unit))
        if not bounds[0] < bounds[1]:
            raise InputError(f"{where}: field {key!r}: low must be below high, got {bounds}")
        out[key] = ParamRange(key, bounds[0], bounds[1], raw["why"].strip())
    return out


@dataclass(frozen=True, eq=False)
class GlobalSensitivityResult(ResultMixin):
    """Global sensitivity indices of several outputs to several parameters.

    Attributes
    ----------
    method : {"sobol", "morris"}
    label : str
        What was analysed (a scenario name, or a test function).
    names : tuple of str
        The parameters, in sampling order.
    bounds : ndarray, shape (D, 2)
        Their ranges.
    outputs : tuple of str
        The outputs analysed.
    indices : dict of str to dict of str to ndarray
        ``indices[output][stat]``, shape (D,): ``S1, S1_conf, ST, ST_conf`` (Sobol) or
        ``mu_star, mu_star_conf, sigma`` (Morris); ``_conf`` are half-widths of 95% bootstrap
        intervals.
    n_base, n_evaluations : int
        SALib's ``N`` and the number of model evaluations.
    n_paths : int or None
        Monte Carlo paths per evaluation (None for a deterministic function).
    why : dict of str to str
        The reason for each range.
    """

    method: Method
    label: str
    names: tuple[str, ...]
    bounds: Float64Array
    outputs: tuple[str, ...]
    indices: dict[str, dict[str, Float64Array]]
    n_base: int
    n_evaluations: int
    n_paths: int | None = None
    why: dict[str, str] | None = None

    @property
    def key_stat(self) -> str:
        """The index that ranks parameters: ``ST`` (Sobol) or ``mu_star`` (Morris)."""
        return "ST" if self.method == "sobol" else "mu_star"

    def ranking(self, output: str) -> list[tuple[str, float]]:
        """Parameters by decreasing key index for one output."""
        values = self.indices[output][self.key_stat]
        order = np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
        return [(self.names[i], float(values[i])) for i in order]

    def top_drivers(self, output: str, k: int = 3) -> list[str]:
        """The ``k`` parameters with the largest key index for ``output``."""
        return [name for name, _ in self.ranking(output)[:k]]

    def to_frame(self) -> pd.DataFrame:
        """One row per (output, parameter): the indices and the range."""
        rows = []
        for out in self.outputs:
            for i, name in enumerate(self.names):
                row: dict[str, Any] = {"output": out, "parameter": name}
                row.update({s: float(self.indices[out][s][i]) for s in _STATS[self.method]})
                row.update(low=float(self.bounds[i, 0]), high=float(self.bounds[i, 1]))
                rows.append(row)
        return pd.DataFrame(rows).set_index(["output", "parameter"])

    def summary(self) -> str:
        """Method, size and the top drivers of each output."""
        stat = self.key_stat
        lines = [
            f"Global sensitivity ({self.method.capitalize()}, N = {self.n_base}, "
            f"{self.n_evaluations:,} evaluations"
            + (f" of {self.n_paths:,} paths each" if self.n_paths else "")
            + f") of {self.label} over {len(self.names)} parameters' ranges",
        ]
        for out in self.outputs:
            conf = self.indices[out][f"{stat}_conf"]
            top = self.ranking(out)[:3]
            lines.append(
                f"  {out}: top drivers "
                + ", ".join(
                    f"{name} ({stat} {value:.2f} ± {conf[self.names.index(name)]:.2f})"
                    for name, value in top
                )
            )
        return "\n".join(lines)

    def to_dict(self) -> JSONDict:
        """JSON-ready: the indices per output and parameter, the ranges and their reasons."""
        out: JSONDict = to_jsonable(
            {
                "method": self.method,
                "label": self.label,
                "n_base": self.n_base,
                "n_evaluations": self.n_evaluations,
                "n_paths": self.n_paths,
                "parameters": {
                    name: {
                        "low": float(self.bounds[i, 0]),
                        "high": float(self.bounds[i, 1]),
                        "why": (self.why or {}).get(name, ""),
                    }
                    for i, name in enumerate(self.names)
                },
                "indices": {
                    o: {
                        name: {s: _finite(self.indices[o][s][i]) for s in _STATS[self.method]}
                        for i, name in enumerate(self.names)
                    }
                    for o in self.outputs
                },
                "top_drivers": {o: self.top_drivers(o) for o in self.outputs},
            }
        )
        return out

    def charted(self, k: int = _CHARTED) -> list[str]:
        """The ``k`` parameters that move some output most, largest first.

        Each parameter scores its key index as a share of the largest for the same output,
        taking its best output, so a driver of the depth alone is charted too.
        """
        score = dict.fromkeys(self.names, 0.0)
        for out in self.outputs:
            values = np.nan_to_num(self.indices[out][self.key_stat], nan=0.0)
            top = float(values.max())
            if top > 0:
                for name, value in zip(self.names, values, strict=True):
                    score[name] = max(score[name], float(value) / top)
        return sorted(self.names, key=lambda name: -score[name])[:k]

    def chart_spec(self) -> ChartSpec:
        """A panel per output: the charted parameters' key index (and S1 for Sobol)."""
        stat = self.key_stat
        order = self.charted()
        at = [self.names.index(name) for name in order]
        labels = [name.replace("_", " ") for name in order]  # wraps at the spaces
        panels = []
        for i, out in enumerate(self.outputs):
            bars = [Bar(labels, self.indices[out][stat][at], stat, color=PALETTE[i])]
            if self.method == "sobol":
                bars.append(Bar(labels, self.indices[out]["S1"][at], "S1", color="#999999"))
            unit = "share of variance" if self.method == "sobol" else OUTPUTS.get(out, "")
            panels.append(Panel(f"{out}: {stat}", unit, bars=tuple(bars)))
        what = (
            "total (ST) and first-order (S1) Sobol indices"
            if self.method == "sobol"
            else "Morris mu*, the mean absolute effect of moving a parameter across its range"
        )
        return ChartSpec(
            f"Which assumption decides the answer: {self.label}",
            tuple(panels),
            xlabel=f"the {len(order)} parameters that move an output most, largest first",
            source=f"{what}; bubblescope.scenario.sensitivity (SALib), ranges: "
            "scenario/ranges.yaml",
            legend=self.method == "sobol",
        )


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _seeds(rng: RngLike) -> tuple[int, int, np.random.SeedSequence]:
    """Sampler seed, bootstrap seed and the model's seed, all from one ``rng``."""
    ss = as_seed_sequence(rng)
    state = ss.generate_state(3, dtype=np.uint32)
    return int(state[0]), int(state[1]), np.random.SeedSequence(int(state[2]))


def global_sensitivity(
    func: Callable[[Float64Array], Float64Array],
    names: Sequence[str],
    bounds: Sequence[tuple[float, float]] | Float64Array,
    *,
    outputs: Sequence[str],
    method: Method = "sobol",
    n: int = 64,
    rng: RngLike = None,
    chunk_size: int = 64,
    executor: Executor | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
    label: str = "a model",
    n_paths: int | None = None,
    why: Mapping[str, str] | None = None,
) -> GlobalSensitivityResult:
    """Sobol or Morris indices of ``func`` over a box, evaluated through the parallel seam.

    Parameters
    ----------
    func : callable
        A picklable function of a ``(k, D)`` array of parameter rows returning ``(k, m)``
        outputs (``m = len(outputs)``), or ``(k,)`` when ``m = 1``.
    names, bounds : sequences
        Parameter names and their ``(low, high)`` ranges.
    outputs : sequence of str
        Names of the ``m`` outputs.
    method : {"sobol", "morris"}
    n : int
        SALib's ``N``: base samples (Sobol, a power of 2) or trajectories (Morris).
    rng : int, Generator, SeedSequence or None
        Seeds the sampler and the bootstrap intervals.
    chunk_size : int
        Rows per work item of :func:`bubblescope.parallel.map_chunks`.
    executor, n_jobs, progress
        As in :func:`~bubblescope.parallel.map_chunks`.

    Raises
    ------
    BackendError
        SALib is not installed (``pip install 'bubblescope[sensitivity]'``).
    InputError
        A bad method, ``n``, ``chunk_size`` or bounds.
    """
    try:
        from SALib.analyze import morris as morris_analyze  # type: ignore[import-untyped,unused-ignore]
        from SALib.analyze import sobol as sobol_analyze  # type: ignore[import-untyped,unused-ignore]
        from SALib.sample import morris as morris_sample  # type: ignore[import-untyped,unused-ignore]
        from SALib.sample import sobol as sobol_sample  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BackendError(
            "SALib is not installed", hint="pip install 'bubblescope[sensitivity]'"
        ) from exc
    if method not in _STATS:
        raise InputError(f"method must be 'sobol' or 'morris', got {method!r}")
    for what, value in (("n", n), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise InputError(f"{what} must be an integer >= 2, got {value!r}")
    if method == "sobol" and n & (n - 1):
        raise InputError(f"n must be a power of 2 for Sobol' sampling, got {n}")
    box = np.asarray(bounds, dtype=np.float64)
    if box.shape != (len(names), 2) or not (box[:, 0] < box[:, 1]).all():
        raise InputError("bounds must be one (low, high) pair with low < high per name")
    problem = {"num_vars": len(names), "names": list(names), "bounds": box.tolist()}
    sample_seed, boot_seed, _ = _seeds(rng)
    if method == "sobol":
        x = sobol_sample.sample(problem, n, calc_second_order=False, seed=sample_seed)
    else:
        x = morris_sample.sample(problem, n, num_levels=4, seed=sample_seed)
    x = np.ascontiguousarray(x, dtype=np.float64)
    chunks = [x[i : i + chunk_size] for i in range(0, len(x), chunk_size)]
    parts = map_chunks(func, chunks, executor=executor, n_jobs=n_jobs, progress=progress)
    y = np.concatenate(
        [
            np.asarray(p, dtype=np.float64).reshape(len(c), -1)
            for p, c in zip(parts, chunks, strict=True)
        ]
    )
    if y.shape[1] != len(outputs):
        raise InputError(f"func returned {y.shape[1]} outputs for {len(outputs)} names")
    indices: dict[str, dict[str, Float64Array]] = {}
    for j, out in enumerate(outputs):
        if method == "sobol":
            res = sobol_analyze.analyze(
                problem, y[:, j], calc_second_order=False, num_resamples=200, seed=boot_seed
            )
        else:
            res = morris_analyze.analyze(
                problem, x, y[:, j], num_resamples=200, num_levels=4, seed=boot_seed
            )
        indices[out] = {s: np.asarray(res[s], dtype=np.float64) for s in _STATS[method]}
    return GlobalSensitivityResult(
        method=method,
        label=label,
        names=tuple(names),
        bounds=box,
        outputs=tuple(outputs),
        indices=indices,
        n_base=n,
        n_evaluations=len(x),
        n_paths=n_paths,
        why=dict(why) if why else None,
    )


def _scenario_outputs(
    base: ModelInputs,
    names: tuple[str, ...],
    seed: np.random.SeedSequence,
    n_paths: int,
    spells: tuple[Float64Array, float],
    rows: Float64Array,
) -> Float64Array:
    """The three outputs for each parameter row, on common random numbers.

    ``spells`` is :func:`~bubblescope.scenario.base_rate.spell_depths`, read once by the caller
    so that workers count crashes without loading data.
    """
    depths, years = spells
    out = np.empty((len(rows), len(OUTPUTS)))
    horizon = float(base.n_years)
    for k, row in enumerate(rows):
        p = {**base.p, **dict(zip(names, (float(v) for v in row), strict=True))}
        inputs = replace(
            base,
            p=p,
            implied_growth=priced_growth(p).implied_growth,
            base_rate=float(np.count_nonzero(depths >= p["crash_threshold"])) / years,
        )
        paths = simulate(inputs, seed, n_paths)
        busted = paths["bust_year"] >= 0
        out[k] = (
            float(busted.mean()),
            float(np.minimum(paths["bust_time"], horizon).mean()),
            float(paths["depth"][busted].mean()) if busted.any() else 0.0,
        )
    return out


def scenario_sensitivity(
    scenario: ScenarioSpec | str | Path = "base",
    *,
    method: Method = "sobol",
    n: int = 64,
    n_paths: int = 400,
    rng: RngLike = None,
    ranges: Mapping[str, ParamRange] | str | Path | None = None,
    chunk_size: int = 64,
    executor: Executor | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> GlobalSensitivityResult:
    """Sobol or Morris sensitivity of a scenario's bust odds, time to bust and depth.

    Parameters
    ----------
    scenario : ScenarioSpec, str or Path
        The scenario whose other parameters stay at their values.
    method, n, chunk_size, executor, n_jobs, progress
        As in :func:`global_sensitivity`.
    n_paths : int
        Monte Carlo paths per evaluation (one seed for all, common random numbers).
    rng : int, Generator, SeedSequence or None
        Seeds the sampler, the bootstrap and the model's paths.
    ranges : mapping, path or None
        :func:`load_ranges` output, or a ranges YAML file (default: the shipped ranges).

    Examples
    --------
    >>> res = scenario_sensitivity("base", method="morris", n=4, n_paths=100, rng=1)
    >>> res.n_evaluations == 4 * (len(res.names) + 1)
    True
    """
    spec = scenario if isinstance(scenario, ScenarioSpec) else load_scenario(scenario)
    table = ranges if isinstance(ranges, Mapping) else load_ranges(ranges)
    if isinstance(n_paths, bool) or not isinstance(n_paths, int) or n_paths < 1:
        raise InputError(f"n_paths must be a positive integer, got {n_paths!r}")
    from bubblescope.scenario.runner import model_inputs

    names = tuple(table)
    _, _, model_seed = _seeds(rng)
    func = partial(
        _scenario_outputs, model_inputs(spec), names, model_seed, n_paths, spell_depths()
    )
    return global_sensitivity(
        func,
        names,
        [(table[k].low, table[k].high) for k in names],
        outputs=tuple(OUTPUTS),
        method=method,
        n=n,
        rng=rng,
        chunk_size=chunk_size,
        executor=executor,
        n_jobs=n_jobs,
        progress=progress,
        label=f"scenario {spec.name!r}",
        n_paths=n_paths,
        why={k: table[k].why for k in names},
    )


def ishigami(rows: Float64Array, a: float = 7.0, b: float = 0.1) -> Float64Array:
    r"""The Ishigami function, :math:`\sin x_1 + a \sin^2 x_2 + b x_3^4 \sin x_1`, row-wise.

    On :math:`[-\pi, \pi]^3` its Sobol indices are known in closed form (Ishigami and Homma
    1990): with :math:`V = a^2/8 + b\pi^4/5 + b^2\pi^8/18 + 1/2`, :math:`S_1 = (1 + b\pi^4/5)^2
    / (2V)`, :math:`S_2 = a^2 / (8V)`, :math:`S_3 = 0`, :math:`S_{T3} = 8 b^2 \pi^8 / (225 V)`.
    """
    x = np.asarray(rows, dtype=np.float64)
    return np.asarray(
        np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0]),
        dtype=np.float64,
    )


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, Float64Array]:
    """Closed-form first-order and total Sobol indices of :func:`ishigami`."""
    pi4 = math.pi**4
    v1 = 0.5 * (1.0 + b * pi4 / 5.0) ** 2
    v2 = a**2 / 8.0
    v13 = b**2 * math.pi**8 * (1.0 / 18.0 - 1.0 / 50.0)
    v = v1 + v2 + v13
    return {
        "S1": np.array([v1 / v, v2 / v, 0.0]),
        "ST": np.array([(v1 + v13) / v, v2 / v, v13 / v]),
    }
