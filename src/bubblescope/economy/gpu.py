"""GPU unit economics: cash cost per GPU-hour, rental price paths, margins by age, payback, life.

Per GPU-hour cash cost (facts GPU-10..12):

* electricity = wall power per GPU (kW) × PUE × price (USD/kWh);
* colocation  = wall power per GPU (kW) × colocation rate (USD/kW-month) / 730 h.

The rental price of a generation is a path through sourced observations (GPU-01..05),
log-linearly interpolated in calendar time, flat before the first observation and declining at a
stated annual rate after the last (default: RBC's 2025 H100 change, GPU-06a). A GPU bought in year
``p`` is ``age = t - p`` years old at time ``t``.

The default inputs are the rows of ``economy/assumptions/gpu.yaml``
(:mod:`bubblescope.economy.assumptions`); every function that reads them takes ``assumptions=``
(a set loaded from a file, or ``{row key: Input or number}``).

Annual contribution margin at age ``a`` = 8760 h × (utilisation × (price − electricity) −
colocation): power is paid when the GPU works, space and power capacity always. Economic life is
read with a rule the user picks:

``"cash"``
    retire at the first age whose margin is negative (Bernstein: run while cash-positive);
``"npv"``
    retire at the age that maximises the NPV of margins plus the resale value (if any).

:func:`bernstein_vs_burry` puts the two readings side by side on the same inputs: Bernstein
asks whether an old GPU still covers its *cash* cost; Burry asks whether it earns back its
*purchase price* within the book life (payback, NPV, full-cost break-even price).

References
----------
Bernstein Research (2025-11-17), via Investing.com, "Can you really run a GPU for 6 years?"
[DEP-12].
E. Cheah, "$2 H100s: How the GPU bubble burst", Latent Space (2024) [GPU-01, GPU-04].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array
from bubblescope.charts import PALETTE, Bar, ChartSpec, HLine, Line, Panel
from bubblescope.economy._charts import bar_chart
from bubblescope.economy.assumptions import AssumptionsLike, assumptions_for
from bubblescope.economy.inputs import Input, format_inputs, inputs_to_dicts
from bubblescope.economy.units import Q
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "CashCost",
    "GPUEconomics",
    "Generation",
    "LifeRule",
    "Readings",
    "RentalObservation",
    "bernstein_vs_burry",
    "cash_cost",
    "default_costs",
    "generation",
    "generation_names",
    "gpu_economics",
]

LifeRule = Literal["cash", "npv"]
_COSTS = ("pue", "electricity_price", "colocation_rate")


def _hours_per_year() -> float:
    return Q(1.0, "year").m_as("h")


# --------------------------------------------------------------------------------------------
# Cash cost per GPU-hour
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CashCost(ResultMixin):
    """Cash running cost of one GPU, USD per GPU-hour.

    Attributes
    ----------
    electricity, colocation : float
        USD per GPU-hour.
    inputs : tuple of Input
        Wall power, PUE, electricity price, colocation rate.
    """

    electricity: float
    colocation: float
    inputs: tuple[Input, ...]

    @property
    def total(self) -> float:
        """Electricity plus colocation, USD per GPU-hour."""
        return self.electricity + self.colocation

    def summary(self) -> str:
        """Text with the inputs."""
        return (
            f"cash cost {self.total:.3f} USD/GPU-h = electricity {self.electricity:.3f} "
            f"+ colocation {self.colocation:.3f}\n{format_inputs(self.inputs)}"
        )

    def to_frame(self) -> pd.DataFrame:
        """USD per GPU-hour by part of the cost (electricity, colocation, total)."""
        return pd.DataFrame(
            {"usd_per_gpu_hour": [self.electricity, self.colocation, self.total]},
            index=pd.Index(["electricity", "colocation", "total"], name="cost"),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "electricity_usd_per_gpu_hour": self.electricity,
                "colocation_usd_per_gpu_hour": self.colocation,
                "total_usd_per_gpu_hour": self.total,
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Electricity, colocation and their total, USD per GPU-hour."""
        f = self.to_frame()
        return bar_chart(
            f"Cash cost of a GPU: {self.total:.2f} USD per GPU-hour",
            "USD per GPU-hour",
            "USD/GPU-h",
            f.index,
            f["usd_per_gpu_hour"],
            source="bubblescope.economy.gpu.cash_cost (each input's source: summary())",
        )


def cash_cost(
    power: Input, pue: Input, electricity_price: Input, colocation_rate: Input
) -> CashCost:
    """Per GPU-hour cash cost from wall power, PUE, USD/kWh and USD/kW-month.

    Parameters
    ----------
    power : Input
        Wall power per GPU (``kW/GPU`` or ``W/GPU``; an 8-GPU node's power divided by 8).
    pue : Input
        Power usage effectiveness (dimensionless, ≥ 1).
    electricity_price : Input
        USD per kWh (or any money-per-energy unit).
    colocation_rate : Input
        USD per kW-month of IT load (any money-per-energy unit: kW-month = 730 kWh).

    Raises
    ------
    UnitError
        An input in the wrong dimension.
    InputError
        PUE below 1 or a negative price.

    Examples
    --------
    >>> from bubblescope.economy.inputs import assumption as a
    >>> c = cash_cost(a("power", 1.275, "kW/GPU", "GPU-10"), a("PUE", 1.2, "1", "GPU-10"),
    ...               a("price", 0.06, "USD/kWh", "GPU-10"),
    ...               a("colo", 150, "USD/kW-month", "GPU-11"))
    >>> round(c.electricity, 2), round(c.colocation, 2)
    (0.09, 0.26)
    """
    kw = power.m_as("kW/GPU")
    p = pue.m_as("1")
    if p < 1.0:
        raise InputError(f"PUE must be >= 1, got {p}")
    price = electricity_price.m_as("USD/kWh")
    colo = colocation_rate.m_as("USD/kWh")  # USD per kW-month = USD per 730 kWh
    if kw <= 0 or price < 0 or colo < 0:
        raise InputError(
            "power must be > 0 and prices >= 0 "
            f"(got {kw} kW, {price} USD/kWh, {colo} USD/kWh colocation)"
        )
    return CashCost(kw * p * price, kw * colo, (power, pue, electricity_price, colocation_rate))


def default_costs(*, assumptions: AssumptionsLike = None) -> dict[str, Input]:
    """Central cost inputs: midpoints of the ranges behind GPU-10 and GPU-11 (``gpu.yaml``).

    Returns ``{"pue": ..., "electricity_price": ..., "colocation_rate": ...}``.
    """
    a = assumptions_for("gpu", assumptions)
    return {key: a.input(key) for key in _COSTS}


# --------------------------------------------------------------------------------------------
# Generations and rental paths
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RentalObservation:
    """One observed rental price: calendar time (decimal year) and an Input in USD/GPU-hour."""

    time: float
    price: Input


@dataclass(frozen=True)
class Generation:
    """A GPU generation: power, price, launch and observed rental prices.

    Attributes
    ----------
    name : str
    launch : float
        Decimal year of volume availability (default purchase time).
    power : Input
        Wall power per GPU.
    purchase_price : Input
        USD per GPU (server share included where the source says so).
    observations : tuple of RentalObservation
        Sorted by time.
    decline : Input
        Annual change in rental price after the last observation (fraction, e.g. -0.22).
    """

    name: str
    launch: float
    power: Input
    purchase_price: Input
    observations: tuple[RentalObservation, ...]
    decline: Input

    def __post_init__(self) -> None:
        if not self.observations:
            raise InputError(f"{self.name}: need at least one rental observation")
        times = [o.time for o in self.observations]
        if sorted(times) != times or len(set(times)) != len(times):
            raise InputError(
                f"{self.name}: rental observations must have strictly increasing times, got {times}"
            )
        if any(o.price.m_as("USD/GPU-h") <= 0 for o in self.observations):
            raise InputError(f"{self.name}: rental prices must be positive")
        if self.decline.m_as("1") <= -1.0:
            raise InputError(f"{self.name}: annual decline must be above -100%")

    def price_at(self, t: Float64Array | float) -> Float64Array:
        """Rental price (USD/GPU-hour) at calendar times ``t``."""
        times = np.array([o.time for o in self.observations])
        logp = np.log([o.price.m_as("USD/GPU-h") for o in self.observations])
        tt = np.atleast_1d(np.asarray(t, dtype=np.float64))
        inside = np.exp(np.interp(tt, times, logp))
        after = np.exp(logp[-1]) * (1.0 + self.decline.m_as("1")) ** np.maximum(tt - times[-1], 0.0)
        return np.where(tt > times[-1], after, inside)

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input of the generation."""
        return (
            self.power,
            self.purchase_price,
            *(o.price for o in self.observations),
            self.decline,
        )


def generation_names(*, assumptions: AssumptionsLike = None) -> tuple[str, ...]:
    """Names of the built-in generations: those with rows ``<name>_rents`` in ``gpu.yaml``."""
    a = assumptions_for("gpu", assumptions)
    return tuple(k.removesuffix("_rents").upper() for k in a if k.endswith("_rents"))


def generation(name: str, *, assumptions: AssumptionsLike = None) -> Generation:
    """Built-in generation (``"H100"``, ``"A100"``) with sourced inputs.

    Its rows in ``gpu.yaml``: ``<name>_power``, ``<name>_price`` (whose time is the launch, the
    default purchase time), the series ``<name>_rents`` and the shared ``rent_decline``.
    """
    a = assumptions_for("gpu", assumptions)
    key, known = name.upper(), generation_names(assumptions=a)
    if key not in known:
        raise InputError(
            f"unknown GPU generation {name!r}",
            hint=f"choose {' or '.join(known)}, or build a Generation with your own observations",
        )
    row = key.lower()
    return Generation(
        key,
        a.at(f"{row}_price"),
        a.input(f"{row}_power"),
        a.input(f"{row}_price"),
        tuple(RentalObservation(t, price) for t, price in a.series(f"{row}_rents")),
        a.input("rent_decline"),
    )


# --------------------------------------------------------------------------------------------
# Economics by age
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GPUEconomics(ResultMixin):
    """Margins of one GPU by year of age, with payback and economic life.

    Attributes
    ----------
    generation : Generation
    purchase_time : float
    ages : ndarray
        Start of each year of age (0, 1, ...).
    price : ndarray
        Rental price at mid-year, USD/GPU-hour.
    cost : CashCost
    margin : ndarray
        Annual contribution margin, USD per GPU-year.
    utilisation, discount_rate, book_life : Input
    rule : {"cash", "npv"}
    resale : ndarray or None
        Resale value at the start of each age, USD (for the NPV rule).
    """

    generation: Generation
    purchase_time: float
    ages: Float64Array
    price: Float64Array
    cost: CashCost
    margin: Float64Array
    utilisation: Input
    discount_rate: Input
    book_life: Input
    rule: LifeRule
    resale: Float64Array | None = None

    @property
    def purchase(self) -> float:
        """Purchase price, USD per GPU."""
        return self.generation.purchase_price.m_as("USD/GPU")

    def _discount(self) -> Float64Array:
        r = self.discount_rate.m_as("1")
        return np.asarray((1.0 + r) ** -(self.ages + 0.5), dtype=np.float64)

    def npv_by_retirement(self) -> Float64Array:
        """NPV (USD) of buying and retiring after 0, 1, ..., n years (incl. resale if given)."""
        r = self.discount_rate.m_as("1")
        cum = np.concatenate([[0.0], np.cumsum(self.margin * self._discount())])
        n = np.arange(len(cum), dtype=np.float64)
        resale = np.zeros_like(cum) if self.resale is None else np.append(self.resale, 0.0)
        return np.asarray(cum + resale * (1.0 + r) ** -n - self.purchase, dtype=np.float64)

    @property
    def cash_life(self) -> float | None:
        """Years until the first negative annual margin (None: not within the horizon)."""
        neg = np.flatnonzero(self.margin < 0)
        return float(self.ages[neg[0]]) if neg.size else None

    @property
    def npv_life(self) -> float:
        """Retirement age maximising :meth:`npv_by_retirement`."""
        return float(np.argmax(self.npv_by_retirement()))

    @property
    def economic_life(self) -> float | None:
        """Life under the chosen rule."""
        return self.cash_life if self.rule == "cash" else self.npv_life

    @property
    def payback_years(self) -> float | None:
        """Years until cumulative (undiscounted) margins repay the purchase price."""
        cum = np.concatenate([[0.0], np.cumsum(self.margin)])
        hit = np.flatnonzero(cum >= self.purchase)
        if not hit.size:
            return None
        k = int(hit[0])
        return float(k - 1 + (self.purchase - cum[k - 1]) / self.margin[k - 1])

    @property
    def full_cost_price(self) -> float:
        """Rent per GPU-hour that covers cash cost plus straight-line capex over the book life."""
        hours = _hours_per_year() * self.utilisation.m_as("1") * self.book_life.m_as("year")
        u = self.utilisation.m_as("1")
        per_hour_sold = (self.cost.electricity * u + self.cost.colocation) / u
        return self.purchase / hours + per_hour_sold

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input."""
        return (
            *self.generation.inputs,
            *self.cost.inputs[1:],
            self.utilisation,
            self.discount_rate,
            self.book_life,
        )

    def to_frame(self) -> pd.DataFrame:
        """By year of age: calendar mid-year, price, margin, cumulative and NPV."""
        return pd.DataFrame(
            {
                "calendar_mid_year": self.purchase_time + self.ages + 0.5,
                "price_usd_per_gpu_hour": self.price,
                "cash_cost_usd_per_gpu_hour": self.cost.total,
                "annual_margin_usd": self.margin,
                "cumulative_margin_usd": np.cumsum(self.margin),
                "npv_if_retired_after_usd": self.npv_by_retirement()[1:],
            },
            index=pd.Index(self.ages.astype(np.int64), name="age_years"),
        )

    def summary(self) -> str:
        """Headline figures and inputs."""
        life = self.economic_life
        lines = [
            f"{self.generation.name} bought {self.purchase_time:g}: cash cost "
            f"{self.cost.total:.2f} USD/GPU-h; full-cost break-even rent "
            f"{self.full_cost_price:.2f} USD/GPU-h over a {self.book_life.value:g}-yr book life",
            f"payback: {_fmt_years(self.payback_years)}; economic life ({self.rule} rule): "
            f"{_fmt_years(life)}",
            self.to_frame().round(2).to_string(),
            format_inputs(self.inputs),
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "generation": self.generation.name,
                "purchase_time": self.purchase_time,
                "rule": self.rule,
                "economic_life_years": self.economic_life,
                "cash_life_years": self.cash_life,
                "npv_life_years": self.npv_life,
                "payback_years": self.payback_years,
                "full_cost_price_usd_per_gpu_hour": self.full_cost_price,
                "cash_cost": self.cost.to_dict(),
                "by_age": self.to_frame().reset_index().to_dict(orient="records"),
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Rent vs cash cost by age, and the annual margin."""
        frame = self.to_frame()
        ages = [int(a) for a in frame.index]
        return ChartSpec(
            f"{self.generation.name} bought in {self.purchase_time:g}: rent vs cash cost by age",
            (
                Panel(
                    "USD per GPU-hour",
                    "USD/GPU-h",
                    lines=(
                        Line(ages, frame["price_usd_per_gpu_hour"], "rent", color="#0072B2"),
                        Line(
                            ages,
                            frame["cash_cost_usd_per_gpu_hour"],
                            "cash cost",
                            color="#D55E00",
                            dash="dash",
                        ),
                    ),
                ),
                Panel(
                    "annual margin",
                    "USD per GPU",
                    bars=(Bar(ages, frame["annual_margin_usd"], "annual margin", color="#009E73"),),
                    height=0.6,
                ),
            ),
            xlabel="age (years)",
            source="bubblescope.economy.gpu; rents from the fact base (GPU-01..06)",
        )


def _fmt_years(value: float | None) -> str:
    return "beyond horizon" if value is None else f"{value:.1f} yrs"


def gpu_economics(
    gen: Generation | str,
    *,
    purchase_time: float | None = None,
    horizon: int = 10,
    utilisation: Input | None = None,
    discount_rate: Input | None = None,
    book_life: Input | None = None,
    costs: dict[str, Input] | None = None,
    rule: LifeRule = "cash",
    resale: Sequence[float] | None = None,
    assumptions: AssumptionsLike = None,
) -> GPUEconomics:
    """Margins by age, payback and economic life of one GPU.

    Parameters
    ----------
    gen : Generation or str
        A generation, or ``"H100"``/``"A100"``.
    purchase_time : float, optional
        Decimal year bought (default: launch).
    horizon : int
        Years of age to model.
    utilisation : Input, optional
        Share of hours rented (default assumption 0.8).
    discount_rate : Input, optional
        Annual rate for NPV (default assumption 10%).
    book_life : Input, optional
        Book life for the full-cost price (default 6 years, DEP-06b).
    costs : dict, optional
        ``pue``, ``electricity_price``, ``colocation_rate`` Inputs (default :func:`default_costs`).
    rule : {"cash", "npv"}
        How to read the economic life.
    resale : sequence of float, optional
        Resale value (USD) at the start of each year of age, for the NPV rule.
    assumptions : AssumptionSet or mapping, optional
        The defaults in force (``gpu.yaml``): a set from
        :func:`~bubblescope.economy.assumptions.load_assumptions`, or ``{row key: Input or
        number}`` overriding some rows. The explicit arguments above win over it.
    """
    if rule not in ("cash", "npv"):
        raise InputError(f"unknown life rule {rule!r}", hint="cash or npv")
    if horizon < 1:
        raise InputError(f"horizon must be at least 1 year, got {horizon}")
    a = assumptions_for("gpu", assumptions)
    g = generation(gen, assumptions=a) if isinstance(gen, str) else gen
    util = utilisation or a.input("utilisation")
    u = util.m_as("1")
    if not 0.0 < u <= 1.0:
        raise InputError(f"utilisation must be in (0, 1], got {u}")
    rate = discount_rate or a.input("discount_rate")
    life = book_life or a.input("book_life")
    c = {**default_costs(assumptions=a), **(costs or {})}
    cost = cash_cost(g.power, c["pue"], c["electricity_price"], c["colocation_rate"])
    bought = g.launch if purchase_time is None else float(purchase_time)
    ages = np.arange(horizon, dtype=np.float64)
    price = g.price_at(bought + ages + 0.5)
    margin = _hours_per_year() * (u * (price - cost.electricity) - cost.colocation)
    resale_arr = None
    if resale is not None:
        resale_arr = np.asarray(resale, dtype=np.float64)
        if resale_arr.shape != (horizon,) or not np.isfinite(resale_arr).all():
            raise InputError(f"resale needs {horizon} finite values, one per year of age")
    return GPUEconomics(g, bought, ages, price, cost, margin, util, rate, life, rule, resale_arr)


# --------------------------------------------------------------------------------------------
# Bernstein vs Burry
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Readings(ResultMixin):
    """Bernstein's and Burry's readings of the same GPU economics, side by side."""

    results: tuple[GPUEconomics, ...]
    product_cycle: Input

    def to_frame(self) -> pd.DataFrame:
        """One row per generation and purchase cohort: the cash and capital-recovery views."""
        rows = []
        for res in self.results:
            npv_book = res.npv_by_retirement()[min(int(res.book_life.m_as("year")), len(res.ages))]
            rows.append(
                {
                    "gpu": f"{res.generation.name} bought {res.purchase_time:g}",
                    "cash_cost_usd_per_gpu_hour": res.cost.total,
                    "rent_year1_usd_per_gpu_hour": float(res.price[0]),
                    "bernstein_cash_life_years": res.cash_life,
                    "burry_payback_years": res.payback_years,
                    "burry_full_cost_price_usd_per_gpu_hour": res.full_cost_price,
                    "burry_npv_over_book_life_usd": float(npv_book),
                }
            )
        return pd.DataFrame(rows).set_index("gpu")

    def summary(self) -> str:
        """Both readings in words, the table, and the inputs."""
        lines = [
            "Bernstein: keep a GPU while rent covers its cash cost (power + colocation).",
            "Burry: a GPU must repay its purchase price within its book life; "
            f"product cycle {self.product_cycle.value:g} yrs "
            f"[{self.product_cycle.source}].",
            _short(self.to_frame()).round(2).to_string(),
            "(cash life NaN: still cash-positive at the end of the horizon; payback NaN: "
            "never repaid within it)",
        ]
        lines.extend(
            format_inputs(res.inputs, f"Inputs ({res.generation.name})") for res in self.results
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "table": self.to_frame().reset_index().to_dict(orient="records"),
                "product_cycle_years": self.product_cycle.value,
                "generations": [r.to_dict() for r in self.results],
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Annual margin by age of each cohort, against each generation's straight-line capex.

        Bernstein keeps a GPU while its margin is above zero; Burry asks that it stay above the
        purchase price spread over the book life. A generation has one colour, its cohorts
        bought at launch solid and bought later dashed.
        """
        names = list(dict.fromkeys(r.generation.name for r in self.results))
        colour = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}
        first: dict[str, float] = {}
        lines = []
        for res in self.results:
            name = res.generation.name
            launch = first.setdefault(name, res.purchase_time) == res.purchase_time
            lines.append(
                Line(
                    res.ages + 0.5,
                    res.margin / 1e3,
                    f"{name} bought {res.purchase_time:g}",
                    color=colour[name],
                    dash="solid" if launch else "dash",
                )
            )
        capex = {
            r.generation.name: r.purchase / 1e3 / r.book_life.m_as("year") for r in self.results
        }
        return ChartSpec(
            "Bernstein (margin > 0) vs Burry (margin > capex recovery)",
            (
                Panel(
                    "annual cash margin by age; dotted: purchase price over the book life",
                    "USD thousand per GPU",
                    lines=tuple(lines),
                    hlines=(
                        *(
                            HLine(v, f"{n} straight-line capex per year", colour[n], "dot")
                            for n, v in capex.items()
                        ),
                        HLine(0.0, "zero margin", "#000000", "solid"),
                    ),
                ),
            ),
            xlabel="age (years)",
            source="bubblescope.economy.gpu.bernstein_vs_burry; rents GPU-01..06, "
            f"product cycle {self.product_cycle.value:g} yrs ({self.product_cycle.source})",
        )


def _short(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names short enough for a terminal."""
    return frame.rename(
        columns={
            "cash_cost_usd_per_gpu_hour": "cash $/h",
            "rent_year1_usd_per_gpu_hour": "rent $/h",
            "bernstein_cash_life_years": "B'stein life",
            "burry_payback_years": "payback yrs",
            "burry_full_cost_price_usd_per_gpu_hour": "full-cost $/h",
            "burry_npv_over_book_life_usd": "NPV book life $",
        }
    )


def bernstein_vs_burry(
    generations: Sequence[str | Generation] = ("H100", "A100"),
    *,
    cohorts: Sequence[str] = ("launch", "latest"),
    assumptions: AssumptionsLike = None,
    **kwargs: Any,
) -> Readings:
    """Bernstein's and Burry's readings on the same inputs.

    Parameters
    ----------
    generations : sequence
        Generations (names or objects).
    cohorts : sequence of {"launch", "latest"}
        Purchase times to show: at launch (an old GPU today) and at the latest rental
        observation (a GPU bought at today's prices).
    assumptions : AssumptionSet or mapping, optional
        The defaults in force (``gpu.yaml``; see :func:`gpu_economics`), the product cycle too.
    **kwargs
        Passed to :func:`gpu_economics` (utilisation, discount_rate, costs, horizon ...).
    """
    unknown = set(cohorts) - {"launch", "latest"}
    if unknown or not cohorts:
        raise InputError(f"unknown cohort(s) {sorted(unknown)}", hint="launch and/or latest")
    a = assumptions_for("gpu", assumptions)
    gens = [generation(g, assumptions=a) if isinstance(g, str) else g for g in generations]
    results = tuple(
        gpu_economics(
            g,
            purchase_time=g.launch if c == "launch" else g.observations[-1].time,
            assumptions=a,
            **kwargs,
        )
        for g in gens
        for c in cohorts
    )
    cycle = a.input("product_cycle")
    if not results:
        raise InputError("need at least one GPU generation")
    return Readings(results, cycle)
