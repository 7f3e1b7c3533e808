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

The direction of each effect, which neither index has (:math:`S_{Ti}` and :math:`\mu^*_i` are
non-negative), is the **one-at-a-time swing** of a tornado diagram: with every other parameter at
the preset's value :math:`x^0`, the output at the low and at the high end of parameter
:math:`i`'s range, :math:`Y(x^0_{\sim i}, \ell_i)` and :math:`Y(x^0_{\sim i}, h_i)`, and the
signed swing :math:`\Delta_i = Y(h_i) - Y(\ell_i)` in the output's unit (Eschenbach 1992),
on the same common random numbers as the indices (:math:`2D + 1` further evaluations). It is
chosen over Morris's signed :math:`\mu_i` because it exists for both methods (Sobol has no
signed index), is in the output's own unit rather than per unit of a scaled range, and is exact
for a single draw of the paths, so its sign is the model's response and not an average of
effects of both signs over the grid; it is local (the other parameters at the preset), so the
charts name both it and the global index.

The evaluations run through :func:`bubblescope.parallel.map_chunks` in chunks of rows, and
every random number comes from one ``rng``: the sampler's and the bootstrap's seeds and the
model's seed are drawn from its :class:`~numpy.random.SeedSequence`, so a seed gives the same
indices serially, in processes and on a Dask cluster.

References
----------
Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software* 22(10), 1509-1518.
Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity analysis.
*Interfaces* 22(6), 40-46.
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
from bubblescope.charts import PALETTE, Bar, ChartSpec, Panel, VLine
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
#: Drivers the summary names per output (the tornado's top rows).
_NAMED = 3

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
        The file cannot be read or is not valid YAML; not a mapping, an unknown parameter or
        key, a missing ``why``, a unit that does not convert to the model's, ``low >= high`` or
        a bound outside the parameter's admissible values; the message names the file and the
        field.
    """
    from bubblescope import _yaml
    from bubblescope.economy.inputs import user_input
    from bubblescope.errors import BubblescopeError

    if path is None:
        text = (resources.files("bubblescope.scenario") / "ranges.yaml").read_text("utf-8")
        doc, where = _yaml.safe_load(text), "ranges.yaml"
    else:
        doc, where = _yaml.load_file(path), str(path)
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
    centre : ndarray, shape (D,) or None
        The preset's value of each parameter (None: no one-at-a-time swings were run).
    at_centre : dict of str to float or None
        Each output at ``centre``.
    ends : dict of str to ndarray, shape (D, 2), or None
        ``ends[output][i]``: the output with parameter ``i`` at the low and at the high end of
        its range and the others at ``centre``, on the indices' common random numbers.
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
    centre: Float64Array | None = None
    at_centre: dict[str, float] | None = None
    ends: dict[str, Float64Array] | None = None

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

    def swing(self, output: str) -> Float64Array:
        """Signed swing of ``output`` per parameter, high end minus low end, shape (D,).

        Raises
        ------
        InputError
            The result has no one-at-a-time runs (``global_sensitivity`` without ``centre``).
        """
        if self.ends is None:
            raise InputError(f"{self.label}: no one-at-a-time swings were run (pass centre=)")
        ends = self.ends[output]
        return np.asarray(ends[:, 1] - ends[:, 0], dtype=np.float64)

    def tornado(self, output: str, k: int = _CHARTED) -> list[tuple[str, float]]:
        """The ``k`` parameters with the largest absolute swing of ``output``, largest first.

        Each with its signed swing; ties keep the sampling order.
        """
        values = self.swing(output)
        order = np.argsort(-np.abs(np.nan_to_num(values, nan=0.0)), kind="stable")[:k]
        return [(self.names[i], float(values[i])) for i in order]

    def to_frame(self) -> pd.DataFrame:
        """One row per (output, parameter): the indices and the range.

        With the one-at-a-time runs, also the output at each end of the range and the swing.
        """
        rows = []
        for out in self.outputs:
            for i, name in enumerate(self.names):
                row: dict[str, Any] = {"output": out, "parameter": name}
                row.update({s: float(self.indices[out][s][i]) for s in _STATS[self.method]})
                row.update(low=float(self.bounds[i, 0]), high=float(self.bounds[i, 1]))
                if self.ends is not None:
                    at_low, at_high = (float(v) for v in self.ends[out][i])
                    row.update(at_low=at_low, at_high=at_high, swing=at_high - at_low)
                rows.append(row)
        return pd.DataFrame(rows).set_index(["output", "parameter"])

    def summary(self) -> str:
        """Method, size and the top drivers of each output."""
        stat = self.key_stat
        lines = [
            f"Global sensitivity ({self.method.capitalize()}, N = {self.n_base}, "
            f"{self.n_evaluations:,} evaluations"
            + ("" if self.ends is None else f" + {2 * len(self.names) + 1} one at a time")
            + (f" of {self.n_paths:,} paths each" if self.n_paths else "")
            + f") of {self.label} over {len(self.names)} parameters' ranges",
        ]
        if self.ends is not None:
            lines.append(
                "  top drivers by swing (output with the parameter at the high end of its range "
                "less at the low end, the others at the preset, common random numbers):"
            )
        for out in self.outputs:
            conf = self.indices[out][f"{stat}_conf"]
            ranked = ", ".join(
                f"{name} {value:.2f} ± {conf[self.names.index(name)]:.2f}"
                for name, value in self.ranking(out)[:3]
            )
            if self.ends is None or self.at_centre is None:
                lines.append(f"  {out}: top drivers by {stat}: {ranked}")
                continue
            swings = ", ".join(f"{name} {value:+.3g}" for name, value in self.tornado(out, _NAMED))
            lines.append(
                f"  {out} ({OUTPUTS.get(out, '')}; {self.at_centre[out]:.3g} at the preset): "
                f"{swings}\n    over the whole box by {stat}: {ranked}"
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
                "swings": None
                if self.ends is None or self.centre is None or self.at_centre is None
                else {
                    o: {
                        "at_preset": _finite(self.at_centre[o]),
                        "parameters": {
                            name: {
                                "preset": float(self.centre[i]),
                                "at_low": _finite(self.ends[o][i, 0]),
                                "at_high": _finite(self.ends[o][i, 1]),
                                "swing": _finite(self.ends[o][i, 1] - self.ends[o][i, 0]),
                            }
                            for i, name in enumerate(self.names)
                        },
                        "top": [name for name, _ in self.tornado(o, _NAMED)],
                    }
                    for o in self.outputs
                },
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """A tornado per output: its ``k`` largest swings, largest on top, in its own unit.

        Each row is a parameter; its two bars start at the output's value at the preset and
        end at its value with the parameter at the low (blue) and at the high (orange) end of
        its range. Without one-at-a-time runs (``global_sensitivity`` without ``centre``) each
        row is the output's key index instead (with S1 beside ST for Sobol), largest on top.
        """
        stat = self.key_stat
        panels = []
        for i, out in enumerate(self.outputs):
            unit = OUTPUTS.get(out, "")
            if self.ends is not None and self.at_centre is not None:
                rows = [name for name, _ in self.tornado(out)]
                at = [self.names.index(name) for name in rows]
                labels = [name.replace("_", " ") for name in rows]  # wraps at the spaces
                centre = float(self.at_centre[out])
                ends = self.ends[out][at]
                bars: tuple[Bar, ...] = tuple(
                    Bar(
                        ends[:, j] - centre,
                        labels,
                        f"{end} end of the range",
                        color=PALETTE[j],
                        base=np.full(len(rows), centre),
                        legend=i == 0,
                        orientation="h",
                    )
                    for j, end in enumerate(("low", "high"))
                )
                panels.append(
                    Panel(
                        f"{out}: {centre:.3g} at the preset",
                        bars=bars,
                        vlines=(VLine(centre, color="#666666", dash="solid"),),
                        xlabel=unit,
                    )
                )
                continue
            rows = [name for name, _ in self.ranking(out)[:_CHARTED]]
            at = [self.names.index(name) for name in rows]
            labels = [name.replace("_", " ") for name in rows]
            shown = [(stat, PALETTE[i])] + ([("S1", "#999999")] if self.method == "sobol" else [])
            bars = tuple(
                Bar(self.indices[out][s][at], labels, s, color=c, orientation="h") for s, c in shown
            )
            what = "share of variance" if self.method == "sobol" else unit
            panels.append(Panel(f"{out}: {stat}", bars=bars, xlabel=what))
        if self.ends is not None:
            what = (
                "the output with one parameter at an end of its range (scenario/ranges.yaml), "
                "the others at the preset, on common random numbers"
            )
        elif self.method == "sobol":
            what = "total (ST) and first-order (S1) Sobol indices"
        else:
            what = "Morris mu*, the mean absolute effect of moving a parameter across its range"
        return ChartSpec(
            f"Which assumption decides the answer: {self.label}",
            tuple(panels),
            source=f"{what}; bubblescope.scenario.sensitivity (SALib)",
            legend=self.ends is not None or self.method == "sobol",
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
    centre: Sequence[float] | Float64Array | None = None,
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
    centre : sequence of float, optional
        A point of the box (a preset): ``func`` is also evaluated there and with each
        parameter in turn at its low and its high end and the others at ``centre``
        (:math:`2D + 1` rows, in the same chunks), giving the result's signed swings.

    Raises
    ------
    BackendError
        SALib is not installed (``pip install 'bubblescope[sensitivity]'``).
    InputError
        A bad method, ``n``, ``chunk_size``, bounds or ``centre``.
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
    oat = np.empty((0, len(names)))
    if centre is not None:
        mid = np.asarray(centre, dtype=np.float64)
        if mid.shape != (len(names),) or not np.isfinite(mid).all():
            raise InputError(f"centre must hold one finite value per name, got shape {mid.shape}")
        oat = np.repeat(mid[None, :], 2 * len(names) + 1, axis=0)
        d = np.arange(len(names))
        oat[1 + d, d], oat[1 + len(names) + d, d] = box[:, 0], box[:, 1]
    problem = {"num_vars": len(names), "names": list(names), "bounds": box.tolist()}
    sample_seed, boot_seed, _ = _seeds(rng)
    if method == "sobol":
        x = sobol_sample.sample(problem, n, calc_second_order=False, seed=sample_seed)
    else:
        x = morris_sample.sample(problem, n, num_levels=4, seed=sample_seed)
    n_sampled = len(x)
    x = np.ascontiguousarray(np.vstack([x, oat]), dtype=np.float64)
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
    x, y, y_oat = x[:n_sampled], y[:n_sampled], y[n_sampled:]
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
        n_evaluations=n_sampled,
        n_paths=n_paths,
        why=dict(why) if why else None,
        centre=None if centre is None else oat[0].copy(),
        at_centre=None
        if centre is None
        else {o: float(y_oat[0, j]) for j, o in enumerate(outputs)},
        ends=None
        if centre is None
        else {
            o: np.column_stack([y_oat[1 : 1 + len(names), j], y_oat[1 + len(names) :, j]])
            for j, o in enumerate(outputs)
        },
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

    Also runs the :math:`2D + 1` one-at-a-time evaluations of the tornado (the preset, and each
    parameter at each end of its range with the others at the preset) in the same chunks, on
    the same common random numbers: the result's ``swing``, ``tornado`` and chart.

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
    preset = [spec.value(k) for k in names]
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
        centre=preset,
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
