r"""What could break the AI boom, and what a bust would leave behind.

Two parts, both read from a scenario run (:func:`bubblescope.scenario.run_scenario`):

**Triggers.** The triggers the seeds name (a lab funding gap, a power shortfall, a price war
or efficiency shock, export controls and rare earths, a credit event at a leveraged builder,
a rate shock) are listed in ``scenario/triggers.yaml``. Each names the model parameters that
represent it, moved to the adverse end of their stated range (``scenario/ranges.yaml``) or to
a stated value, a preset that explores it, and indicators a user can watch: a series read at
its latest close or a fact read at its value and date. :func:`what_breaks` reruns the scenario
with each trigger's stress on the same random numbers (the same seed and chunk size) and
reports the bust odds, the median bust year and the median depth next to the scenario's own.

**Legacy at a bust.** On each busted path, at the end of the bust year :math:`b`:

* GW installed, :math:`\mathrm{GW}_b = \sum_{v \le b} C_v / k` (historical vintages included);
* shells and power plant: the durable net book value
  :math:`(1-s) \sum_{v} C_v (1 - \sum_{y \le b} d^{dur}_{v,y})`;
* GPUs by vintage: each vintage's net book value :math:`s C_v (1 - \sum_{y \le b} d_{v,y})` on
  the book life and on the economic life (:math:`d` the per-unit straight-line depreciation
  of :func:`bubblescope.economy.depreciation.depreciation_matrix`);
* post-bust compute rent: AI revenue served per GW installed in the year after the bust,
  :math:`R_{b+1} / \mathrm{GW}_b` (USD bn per GW-year), and the years a GW's all-in cost
  :math:`k` takes to pay back from its cash margin, :math:`k / (m R_{b+1} / \mathrm{GW}_b)`
  (paths busting in the last year have no year after and are left out);
* who is left holding them: the builders the labs owe compute and chip payments to in the
  financing network (:mod:`bubblescope.economy.network`), with their filed liquid assets, debt
  and equity, and the share of busted paths in which each defaults in the network stress.

References
----------
Perez, C. (2002). *Technological Revolutions and Financial Capital*. Edward Elgar (the
installation period's bust leaves the infrastructure the deployment period uses).
Abreu, D. and Brunnermeier, M. K. (2003). Bubbles and crashes. *Econometrica* 71(1), 173-204.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict, RngLike
from bubblescope.errors import DataError, InputError
from bubblescope.result import ResultMixin
from bubblescope.scenario.spec import PARAMETERS, ScenarioSpec, list_presets, load_scenario

if TYPE_CHECKING:
    from bubblescope.charts import ChartSpec
    from bubblescope.scenario.model import ModelInputs
    from bubblescope.scenario.result import ScenarioResult

__all__ = [
    "BreaksResult",
    "Indicator",
    "Trigger",
    "gpu_vintages_at_bust",
    "holders",
    "legacy_at_bust",
    "load_triggers",
    "what_breaks",
]

_TRIGGER_KEYS = frozenset({"name", "seed", "stress", "preset", "indicators"})
_LABS = ("OpenAI", "Anthropic")
#: Shares of a vintage depreciated to within this of one are fully depreciated (the
#: cumulated per-year shares of a straight line do not sum to exactly one in floating point).
_ROUNDING = 1e-9


@dataclass(frozen=True)
class Indicator:
    """Something a user can watch, read from the data.

    Attributes
    ----------
    kind : {"series", "fact"}
    ref : str
        The series symbol or the fact id.
    why : str
        What it tells about the trigger.
    value : float
        The series' latest close or the fact's value.
    unit : str
    as_of : str
        The date of the close, or the fact's as-of date.
    source : str
        The series' vintage and source, or the fact's source title and URL.
    """

    kind: Literal["series", "fact"]
    ref: str
    why: str
    value: float
    unit: str
    as_of: str
    source: str

    def label(self) -> str:
        """``REF: value unit (as of)``."""
        return f"{self.ref} {self.value:,.4g} {self.unit} ({self.as_of})"


@dataclass(frozen=True)
class Trigger:
    """A trigger of the seeds, its place in the model and what to watch.

    Attributes
    ----------
    key, name, seed : str
        Identifier, title and what the seeds say.
    stress : dict of str to float
        Model parameters (names of :data:`~bubblescope.scenario.spec.PARAMETERS`) and the
        adverse values that represent the trigger, in the model's units.
    reasons : dict of str to str
        Why each value: the range's reason or the stated assumption.
    preset : str or None
        A scenario preset that explores it.
    indicators : tuple of Indicator
    """

    key: str
    name: str
    seed: str
    stress: dict[str, float]
    reasons: dict[str, str]
    preset: str | None
    indicators: tuple[Indicator, ...]


def _indicator(raw: Any, where: str) -> Indicator:
    if not isinstance(raw, Mapping) or len(set(raw) & {"series", "fact"}) != 1:
        raise InputError(f"{where}: an indicator needs exactly one of 'series' or 'fact'")
    if set(raw) - {"series", "fact", "why"} or not str(raw.get("why", "")).strip():
        raise InputError(f"{where}: an indicator has only 'series' or 'fact' and a 'why'")
    why = str(raw["why"]).strip()
    if "series" in raw:
        from bubblescope.data.catalog import load_series

        symbol = str(raw["series"])
        frame = load_series(symbol)
        close = frame["close"].dropna()
        if close.empty:
            raise DataError(f"{where}: series {symbol!r} has no close")
        unit = "%" if frame.attrs.get("rate") else "USD"
        return Indicator(
            "series",
            symbol,
            why,
            float(close.iloc[-1]),
            unit,
            pd.Timestamp(close.index[-1]).date().isoformat(),
            f"{frame.attrs.get('source_name', '')} ({frame.attrs.get('vintage', '')})",
        )
    from bubblescope.data.facts import load_factbase

    fact_id = str(raw["fact"])
    fb = load_factbase()
    if fact_id not in fb:
        raise InputError(f"{where}: unknown fact {fact_id!r}")
    fact = fb.get(fact_id)
    if fact.value is None:
        raise DataError(f"{where}: fact {fact_id!r} states no single number")
    return Indicator(
        "fact",
        fact_id,
        why,
        float(fact.value),
        fact.unit,
        fact.as_of,
        f"{fact.source_title} {fact.source_ref}",
    )


def _stress(name: str, raw: Any, where: str) -> tuple[float, str]:
    from bubblescope.economy.inputs import user_input
    from bubblescope.scenario.sensitivity import load_ranges

    if name not in PARAMETERS:
        raise InputError(f"{where}: unknown parameter {name!r}", hint="a scenario parameter")
    if not isinstance(raw, Mapping):
        raise InputError(f"{where}: field {name!r} must be a mapping")
    if set(raw) == {"end"}:
        ranges = load_ranges()
        if name not in ranges or raw["end"] not in ("low", "high"):
            raise InputError(
                f"{where}: field '{name}.end' must be low or high of a range in ranges.yaml"
            )
        rng = ranges[name]
        return (rng.low if raw["end"] == "low" else rng.high), rng.why
    if set(raw) != {"value", "unit", "why"} or not str(raw["why"]).strip():
        raise InputError(f"{where}: field {name!r} needs 'end', or 'value', 'unit' and 'why'")
    value = user_input(name, float(raw["value"]), str(raw["unit"])).m_as(PARAMETERS[name].unit)
    return value, str(raw["why"]).strip()


def load_triggers(path: str | Path | None = None) -> tuple[Trigger, ...]:
    """Read the triggers (default: ``triggers.yaml`` shipped with the package), indicators read.

    Raises
    ------
    InputError
        The file cannot be read or is not valid YAML; an unknown field, parameter, preset or
        fact, or an end without a range; the message names the file and the field.
    DataError
        A series without a close or a fact without a number.
    """
    from bubblescope import _yaml

    if path is None:
        text = (resources.files("bubblescope.scenario") / "triggers.yaml").read_text("utf-8")
        doc, where = _yaml.safe_load(text), "triggers.yaml"
    else:
        doc, where = _yaml.load_file(path), str(path)
    if not isinstance(doc, Mapping) or not doc:
        raise InputError(f"{where}: triggers must be a non-empty YAML mapping")
    out = []
    for key, raw in doc.items():
        at = f"{where}: {key}"
        if not isinstance(raw, Mapping) or set(raw) - _TRIGGER_KEYS:
            extra = sorted(set(raw) - _TRIGGER_KEYS) if isinstance(raw, Mapping) else []
            raise InputError(f"{at}: unknown field {extra[0] if extra else key!r}")
        stress_raw = raw.get("stress") or {}
        if not isinstance(stress_raw, Mapping) or not stress_raw:
            raise InputError(f"{at}: field 'stress' must name at least one parameter")
        stress, reasons = {}, {}
        for name, spec in stress_raw.items():
            stress[str(name)], reasons[str(name)] = _stress(str(name), spec, f"{at}.stress")
        preset = raw.get("preset")
        if preset is not None and preset not in list_presets():
            raise InputError(f"{at}: unknown preset {preset!r}", hint=f"one of {list_presets()}")
        indicators = raw.get("indicators") or []
        if not isinstance(indicators, list) or not indicators:
            raise InputError(f"{at}: field 'indicators' must be a non-empty list")
        out.append(
            Trigger(
                key=str(key),
                name=str(raw.get("name", key)),
                seed=" ".join(str(raw.get("seed", "")).split()),
                stress=stress,
                reasons=reasons,
                preset=preset,
                indicators=tuple(_indicator(i, f"{at}.indicators") for i in indicators),
            )
        )
    return tuple(out)


def gpu_vintages_at_bust(
    inputs: ModelInputs, capex: Float64Array, bust_year: Float64Array, *, life: str = "econ"
) -> Float64Array:
    """Net book value of each GPU vintage at the end of each path's bust year (USD bn).

    Parameters
    ----------
    inputs : ModelInputs
        The run's model inputs (historical vintages and depreciation matrices).
    capex : ndarray, shape (n, T)
        Simulated capex per path and year (USD bn).
    bust_year : ndarray, shape (n,)
        Index of the bust year, -1 without a bust.
    life : {"econ", "book"}
        Depreciate on the economic or the book life.

    Returns
    -------
    ndarray, shape (n, n_hist + T)
        Vintages oldest first; NaN rows for paths without a bust, zero for vintages bought
        after the bust year.
    """
    n = capex.shape[0]
    h = inputs.hist_capex.size
    share = inputs.p["gpu_share"]
    vintages = share * np.concatenate([np.broadcast_to(inputs.hist_capex, (n, h)), capex], axis=1)
    dep = inputs.dep_gpu_econ if life == "econ" else inputs.dep_gpu_book
    cum = np.cumsum(dep, axis=1)  # (vintage, year): share depreciated by the end of the year
    out = np.full(vintages.shape, np.nan)
    for i in np.flatnonzero(bust_year >= 0):
        col = h + int(bust_year[i])
        left = np.where(cum[:, col] < 1.0 - _ROUNDING, 1.0 - cum[:, col], 0.0)
        left[col + 1 :] = 0.0
        out[i] = vintages[i] * left
    return out


def legacy_at_bust(result: ScenarioResult) -> pd.DataFrame:
    """Per busted path: GW, shells, GPU value, post-bust rent and payback (see module doc).

    Columns: ``bust_year`` (calendar), ``gw`` (GW installed), ``shells_nbv`` (USD bn),
    ``gpu_book_nbv``, ``gpu_econ_nbv`` (USD bn), ``rent_per_gw`` (USD bn per GW-year, NaN for
    a bust in the last year) and ``payback_years``.
    """
    from bubblescope.scenario.runner import model_inputs

    paths = result.paths
    busted = result.busted
    inputs = model_inputs(result.spec)
    econ = gpu_vintages_at_bust(inputs, paths["capex"], paths["bust_year"])[busted]
    b = paths["bust_year"][busted].astype(np.int64)
    T = paths["revenue"].shape[1]
    nxt = np.minimum(b + 1, T - 1)
    rows = np.flatnonzero(busted)
    gw = paths["gw_at_bust"][busted]
    rent = np.where(b + 1 < T, paths["revenue"][rows, nxt] / gw, np.nan)
    cost = inputs.p["cost_per_gw"]
    margin = inputs.p["ai_gross_margin"]
    return pd.DataFrame(
        {
            "bust_year": result.spec.start_year + b,
            "gw": gw,
            "shells_nbv": paths["durable_nbv_at_bust"][busted],
            "gpu_book_nbv": paths["gpu_book_nbv_at_bust"][busted],
            "gpu_econ_nbv": econ.sum(axis=1),
            "rent_per_gw": rent,
            "payback_years": cost / (margin * rent),
        }
    )


def holders(result: ScenarioResult) -> pd.DataFrame:
    """Builders the labs owe compute and chip payments to, with their balance sheets.

    Columns: ``owed_by_labs`` (USD bn, the binding compute and chip purchases of OpenAI and
    Anthropic), ``liquid_assets``, ``debt``, ``equity`` (USD bn, from the filings; NaN where not
    sourced), ``default_given_bust`` and ``distress_given_bust`` (share of busted paths in which
    the firm defaults, or is in distress, in the network stress) and ``source`` (where the
    balance sheet comes from).
    """
    from bubblescope.economy.network import DEBT_TYPES, load_network

    network = load_network()
    owed: dict[str, float] = {}
    for c in network.commitments:
        if c.payer in _LABS and c.type in DEBT_TYPES and c.payee not in _LABS:
            owed[c.payee] = owed.get(c.payee, 0.0) + c.amount_usd_bn
    odds = float(result.busted.mean())
    rows = []
    for name, amount in sorted(owed.items(), key=lambda kv: -kv[1]):
        firm = network.firm(name)
        share = result.firm_default_share.get(name, 0.0)
        distress = result.firm_distress_share.get(name, 0.0)
        rows.append(
            {
                "firm": name,
                "owed_by_labs": amount,
                "liquid_assets": firm.liquid_assets,
                "debt": firm.debt,
                "equity": firm.equity,
                "default_given_bust": share / odds if odds > 0 else 0.0,
                "distress_given_bust": distress / odds if odds > 0 else 0.0,
                "source": "; ".join(f"{k}: {v}" for k, v in firm.sources) or "not sourced",
            }
        )
    return (
        pd.DataFrame(rows)
        .set_index("firm")
        .astype({"liquid_assets": float, "debt": float, "equity": float})
    )


def _outcome(res: ScenarioResult, base: ScenarioResult | None = None) -> dict[str, float | None]:
    r"""Bust odds, mean years to a bust (capped at the horizon), median bust year and depth.

    With ``base`` (a run on the same random numbers), ``bust_odds_se`` is the standard error
    of the paired difference in bust odds, :math:`\mathrm{sd}(x_i - y_i) / \sqrt{n}`.
    """
    horizon = float(len(res.years))
    se = None
    if base is not None:
        diff = res.busted.astype(np.float64) - base.busted.astype(np.float64)
        se = float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else None
    return {
        "bust_odds": float(res.busted.mean()),
        "bust_odds_se": se,
        "mean_years_to_bust": float(np.minimum(res.paths["bust_time"], horizon).mean()),
        "median_bust_year": res.median_bust_year(),
        "median_depth": res.depth_quantiles()["p50"],
        **{f"median_{k}": v for k, v in res.legacy().items()},
    }


@dataclass(frozen=True, eq=False)
class BreaksResult(ResultMixin):
    """What could break the boom (triggers) and what a bust would leave (legacy).

    Attributes
    ----------
    spec : ScenarioSpec
        The scenario the triggers stress.
    n_paths : int
        Paths per run (each trigger's run shares the scenario's random numbers).
    base : dict
        The scenario's bust odds, median bust year and median depth.
    triggers : tuple of Trigger
    outcomes : dict of str to dict
        Per trigger key: the same outcomes with the trigger's stress applied.
    presets : dict of str to dict
        Per preset a trigger names: its outcomes on the same random numbers.
    legacy : DataFrame
        :func:`legacy_at_bust` of the scenario's run.
    vintages : DataFrame
        Per GPU vintage (calendar year) with value left: the median, over the paths that bust
        in the median bust year, of its book and economic net book value at the end of that
        year (USD bn).
    holders : DataFrame
        :func:`holders` of the scenario's run.
    """

    spec: ScenarioSpec
    n_paths: int
    base: dict[str, float | None]
    triggers: tuple[Trigger, ...]
    outcomes: dict[str, dict[str, float | None]]
    presets: dict[str, dict[str, float | None]]
    legacy: pd.DataFrame
    vintages: pd.DataFrame
    holders: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """One row per trigger: parameters, preset, outcomes and indicators."""
        rows = []
        for t in self.triggers:
            o = self.outcomes[t.key]
            rows.append(
                {
                    "trigger": t.name,
                    "parameters": ", ".join(f"{k}={v:g}" for k, v in t.stress.items()),
                    "preset": t.preset,
                    **o,
                    "bust_odds_change": float(o["bust_odds"] or 0.0)
                    - float(self.base["bust_odds"] or 0.0),
                    "indicators": "; ".join(i.label() for i in t.indicators),
                }
            )
        return pd.DataFrame(rows)

    def legacy_medians(self) -> dict[str, float | None]:
        """Median over busted paths of each legacy column (rent: paths with a year after)."""
        out: dict[str, float | None] = {}
        for col in ("gw", "shells_nbv", "gpu_book_nbv", "gpu_econ_nbv", "rent_per_gw"):
            values = self.legacy[col].to_numpy(dtype=np.float64)
            finite = values[np.isfinite(values)]
            out[col] = float(np.median(finite)) if finite.size else None
        payback = self.legacy["payback_years"].to_numpy(dtype=np.float64)
        finite = payback[np.isfinite(payback)]
        out["payback_years"] = float(np.median(finite)) if finite.size else None
        return out

    def to_dict(self) -> JSONDict:
        """JSON-ready: outcomes, triggers with stress and indicators, legacy and holders."""
        out: JSONDict = to_jsonable(
            {
                "scenario": self.spec.name,
                "n_paths": self.n_paths,
                "base": self.base,
                "triggers": [
                    {
                        "key": t.key,
                        "name": t.name,
                        "seed": t.seed,
                        "stress": [
                            {
                                "parameter": k,
                                "value": v,
                                "unit": PARAMETERS[k].unit,
                                "base": self.spec.value(k),
                                "why": t.reasons[k],
                            }
                            for k, v in t.stress.items()
                        ],
                        "preset": t.preset,
                        "indicators": [
                            {
                                "kind": i.kind,
                                "ref": i.ref,
                                "why": i.why,
                                "value": i.value,
                                "unit": i.unit,
                                "as_of": i.as_of,
                                "source": i.source,
                            }
                            for i in t.indicators
                        ],
                        "outcome": self.outcomes[t.key],
                    }
                    for t in self.triggers
                ],
                "presets": self.presets,
                "legacy_median": self.legacy_medians(),
                "gpu_vintages": self.vintages.reset_index().to_dict(orient="records"),
                "holders": self.holders.reset_index().to_dict(orient="records"),
                "notes": list(self.notes),
            }
        )
        return out

    def summary(self) -> str:
        """Plain text: each trigger's effect and indicators, then the legacy and its holders."""
        b = self.base
        lines = [
            f"What could break it, what would survive: scenario {self.spec.name!r}, "
            f"{self.n_paths:,} paths per run on common random numbers",
            f"  scenario as given: bust odds {b['bust_odds']:.0%}, "
            f"{b['mean_years_to_bust']:.2f} years to a bust on average (capped at the horizon), "
            f"median bust year {b['median_bust_year'] or 'beyond the horizon'}",
        ]
        for t in self.triggers:
            o = self.outcomes[t.key]
            d_years = float(o["mean_years_to_bust"] or 0) - float(b["mean_years_to_bust"] or 0)
            lines.append(
                f"  {t.name}: bust odds {o['bust_odds']:.0%} "
                f"({float(o['bust_odds'] or 0) - float(b['bust_odds'] or 0):+.0%}), "
                f"{o['mean_years_to_bust']:.2f} years to a bust on average "
                f"({d_years:+.2f}); " + ", ".join(f"{k}={v:g}" for k, v in t.stress.items())
            )
            if t.preset:
                p = self.presets[t.preset]
                lines.append(
                    f"      preset {t.preset}: bust odds {p['bust_odds']:.0%}, "
                    f"{p['mean_years_to_bust']:.2f} years to a bust on average"
                )
            lines.append("      watch: " + "; ".join(i.label() for i in t.indicators))
        m = self.legacy_medians()

        def fmt(v: float | None, spec: str) -> str:
            return "n/a" if v is None else format(v, spec)

        lines.append(
            f"  left at a bust (median over busted paths): {fmt(m['gw'], ',.0f')} GW installed, "
            f"shells and power plant {fmt(m['shells_nbv'], ',.0f')} USD bn, GPUs "
            f"{fmt(m['gpu_econ_nbv'], ',.0f')} USD bn at economic value "
            f"({fmt(m['gpu_book_nbv'], ',.0f')} on the books); compute rent the year after "
            f"{fmt(m['rent_per_gw'], ',.1f')} USD bn per GW-year, a GW pays back in "
            f"{fmt(m['payback_years'], '.1f')} years"
        )
        if not self.vintages.empty:
            lines.append(
                f"  GPUs left by vintage at a bust in {self.base['median_bust_year']} "
                "(economic / book value, USD bn): "
                + ", ".join(
                    f"{y} {r['gpu_econ_nbv']:,.0f}/{r['gpu_book_nbv']:,.0f}"
                    for y, r in self.vintages.iterrows()
                )
            )
        for firm, r in self.holders.iterrows():
            liquid = "n/a" if pd.isna(r["liquid_assets"]) else f"{r['liquid_assets']:,.0f}"
            debt = "n/a" if pd.isna(r["debt"]) else f"{r['debt']:,.0f}"
            lines.append(
                f"  holder {firm}: owed {r['owed_by_labs']:,.0f} USD bn by the labs, liquid "
                f"{liquid}, debt {debt}, defaults in {r['default_given_bust']:.0%} and is in "
                f"distress in {r['distress_given_bust']:.0%} of busts"
            )
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """Per trigger against the scenario: bust odds, years to a bust, what a bust leaves."""
        from bubblescope.charts import Bar, ChartSpec, HLine, Panel

        names = ["Scenario as given", *(t.name for t in self.triggers)]
        rows = [self.base, *(self.outcomes[t.key] for t in self.triggers)]

        def col(key: str, scale: float = 1.0) -> list[float]:
            values = (r[key] for r in rows)
            return [float("nan") if v is None else scale * float(v) for v in values]

        return ChartSpec(
            f"What could break it, what would survive (scenario {self.spec.name}, each "
            "trigger's stress on the same random numbers)",
            (
                Panel(
                    "Bust odds within the horizon",
                    "% of paths",
                    bars=(Bar(names, col("bust_odds", 100.0), "bust odds", color="#D55E00"),),
                    hlines=(HLine(100.0 * float(self.base["bust_odds"] or 0.0), "as given"),),
                    yrange=(0.0, 100.0),
                ),
                Panel(
                    "Years to a bust on average (no bust counts as the horizon)",
                    "years",
                    bars=(Bar(names, col("mean_years_to_bust"), "years", color="#0072B2"),),
                ),
                Panel(
                    "Left at a bust (median over busted paths)",
                    "USD bn",
                    bars=(
                        Bar(
                            names,
                            col("median_durable_nbv_at_bust"),
                            "shells and power plant",
                            color="#009E73",
                        ),
                        Bar(
                            names,
                            col("median_gpu_book_nbv_at_bust"),
                            "GPUs on the books",
                            color="#BBBBBB",
                        ),
                        Bar(names, col("median_gpu_writeoff"), "GPU write-off", color="#CC79A7"),
                    ),
                ),
            ),
            source="bubblescope.scenario.breaks: scenario/triggers.yaml, ranges.yaml, the "
            "scenario Monte Carlo and the financing network's filed balance sheets",
            notes=self.notes,
        )


def what_breaks(
    scenario: ScenarioSpec | str | Path = "base",
    *,
    n_paths: int = 2_000,
    rng: RngLike = None,
    triggers: tuple[Trigger, ...] | None = None,
) -> BreaksResult:
    """Each trigger's effect on the bust, and the legacy a bust leaves (see the module doc).

    Parameters
    ----------
    scenario : ScenarioSpec, str or Path
        The scenario the triggers stress (default the base preset).
    n_paths : int
        Paths per run; every run uses the same seed and chunk size (common random numbers).
    rng : int, Generator, SeedSequence or None
        The seed shared by the runs (an int reproduces them).
    triggers : tuple of Trigger, optional
        Default :func:`load_triggers`.

    Returns
    -------
    BreaksResult

    Examples
    --------
    >>> res = what_breaks("base", n_paths=300, rng=3)
    >>> [t.key for t in res.triggers][:2]
    ['lab_funding_gap', 'power_shortfall']
    >>> bool(res.outcomes["power_shortfall"]["bust_odds"] >= res.base["bust_odds"])
    True
    """
    from bubblescope.parallel import as_seed_sequence
    from bubblescope.scenario.runner import model_inputs, run_scenario

    spec = scenario if isinstance(scenario, ScenarioSpec) else load_scenario(scenario)
    root = as_seed_sequence(rng)

    def seed() -> np.random.SeedSequence:
        # a fresh copy per run: spawning advances a SeedSequence, a copy starts where it did
        return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key)

    trig = load_triggers() if triggers is None else triggers
    res = run_scenario(spec, n_paths=n_paths, rng=seed())
    outcomes = {
        t.key: _outcome(
            run_scenario(spec.with_overrides(t.stress), n_paths=n_paths, rng=seed()), res
        )
        for t in trig
    }
    presets = {
        name: _outcome(run_scenario(name, n_paths=n_paths, rng=seed()), res)
        for name in sorted({t.preset for t in trig if t.preset})
    }
    base = _outcome(res)
    inputs = model_inputs(spec)
    start = spec.start_year - inputs.hist_capex.size
    year = res.median_bust_year()
    that_year = res.paths["bust_year"] == (year - spec.start_year if year is not None else -2)
    vint = {}
    for life in ("book", "econ"):
        nbv = gpu_vintages_at_bust(inputs, res.paths["capex"], res.paths["bust_year"], life=life)
        vint[f"gpu_{life}_nbv"] = (
            np.median(nbv[that_year], axis=0) if that_year.any() else np.full(nbv.shape[1], np.nan)
        )
    vintages = pd.DataFrame(vint, index=pd.Index(range(start, start + nbv.shape[1]), name="year"))
    vintages = vintages[(vintages > 0).any(axis=1)]
    notes: tuple[str, ...] = (
        "Each trigger moves only its parameters, on the same random numbers as the scenario: "
        "the differences are the trigger's, not Monte Carlo noise.",
        "Holders are the firms the labs owe compute and chip purchases to in the fact base's "
        "deals; their default share is from the network stress at each bust's funding cut.",
    )
    weak = [
        t.name
        for t in trig
        if abs(float(outcomes[t.key]["bust_odds"] or 0.0) - float(base["bust_odds"] or 0.0))
        < 2.0 * float(outcomes[t.key]["bust_odds_se"] or 0.0)
        or outcomes[t.key]["bust_odds"] == base["bust_odds"]
    ]
    if weak:
        notes += (
            "Within two paired standard errors of the scenario's bust odds (the model carries "
            "these triggers only through the parameters named): " + ", ".join(weak) + ".",
        )
    return BreaksResult(
        spec=spec,
        n_paths=n_paths,
        base=base,
        triggers=trig,
        outcomes=outcomes,
        presets=presets,
        legacy=legacy_at_bust(res),
        vintages=vintages,
        holders=holders(res),
        notes=notes,
    )
