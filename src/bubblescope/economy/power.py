"""Power demand of AI compute: fleets to GW and TWh, capex to GW, training runs to households.

* **Fleet.** IT power = Σ count × board power × node overhead; facility power = IT × PUE; annual
  energy = facility power × utilisation × 8760 h.
* **Capex → GW.** GW = capex / (USD bn per GW), with the sourced costs per GW (Epoch AI 38,
  Bernstein 35, OpenAI ≥ 40; facts GPU-13a, GPU-13b, OAI-01a).
* **Training runs.** Average draw = energy / duration; household equivalents = daily energy /
  (household kWh per day), for each stated household basis. GPT-4: 42.4 GWh over 98 days
  (ENE-01, ENE-02) is 0.43 GWh a day, the *daily* use of ~28,500 homes at 15.2 kWh/day.
* **Grid.** Data-centre projections (IEA, LBNL) against total-consumption outlooks (EIA): growth
  rates, increments per year and the data-centre share of demand growth.

The default inputs are the rows of ``economy/assumptions/power.yaml``
(:mod:`bubblescope.economy.assumptions`); every function that reads them takes ``assumptions=``
(a set loaded from a file, or ``{row key: Input or number}``).

References
----------
IEA (2025), *Energy and AI* [ENE-01, ENE-06, ENE-07]. Shehabi et al. (LBNL, 2024), *2024 United
States Data Center Energy Usage Report* [ENE-08, ENE-09]. EIA, *Short-Term Energy Outlook*
(Feb-2026) [ENE-11].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.economy._charts import bar_chart
from bubblescope.economy.assumptions import AssumptionSet, AssumptionsLike, assumptions_for
from bubblescope.economy.inputs import Input, format_inputs, inputs_to_dicts
from bubblescope.economy.units import Q, Quantity
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "AcceleratorGroup",
    "CapexPower",
    "FleetPower",
    "GridComparison",
    "Projection",
    "TrainingEnergy",
    "accelerator_types",
    "capex_to_gw",
    "fleet_power",
    "grid_comparison",
    "household_bases",
    "training_energy",
]


# --------------------------------------------------------------------------------------------
# Fleet
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AcceleratorGroup:
    """A group of identical installed accelerators.

    Attributes
    ----------
    name : str
    count : Input
        Number of accelerators (unit ``GPU``/``item``).
    board_power : Input
        Board power per accelerator (``W/GPU`` or ``kW/GPU``).
    utilisation : Input
        Average load as a share of board power (fraction).
    pue : Input
        Power usage effectiveness (≥ 1).
    node_overhead : Input
        Wall power of the server per watt of accelerator board power (1 = boards only; ~1.82 for
        a DGX H100: 10.2 kW per 8 × 700 W, GPU-07/GPU-08).
    """

    name: str
    count: Input
    board_power: Input
    utilisation: Input
    pue: Input
    node_overhead: Input

    def __post_init__(self) -> None:
        if self.count.m_as("item") < 0:
            raise InputError(f"{self.name}: accelerator count must be >= 0")
        if self.board_power.m_as("W/GPU") <= 0:
            raise InputError(f"{self.name}: board power must be > 0")
        if not 0.0 <= self.utilisation.m_as("1") <= 1.0:
            raise InputError(f"{self.name}: utilisation must be within [0, 1]")
        if self.pue.m_as("1") < 1.0:
            raise InputError(f"{self.name}: PUE must be >= 1, got {self.pue.m_as('1')}")
        if self.node_overhead.m_as("1") < 1.0:
            raise InputError(f"{self.name}: node overhead must be >= 1")

    @property
    def it_power(self) -> Quantity:
        """IT (server) power at full board power."""
        return (self.count.quantity * self.board_power.quantity * self.node_overhead.m_as("1")).to(
            "GW"
        )

    @property
    def facility_power(self) -> Quantity:
        """Grid connection needed: IT power × PUE."""
        return (self.it_power * self.pue.m_as("1")).to("GW")

    @property
    def annual_energy(self) -> Quantity:
        """Facility power × utilisation × one year."""
        return (self.facility_power * self.utilisation.m_as("1") * Q(1.0, "year")).to("TWh")

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input."""
        return (self.count, self.board_power, self.utilisation, self.pue, self.node_overhead)


@dataclass(frozen=True)
class FleetPower(ResultMixin):
    """Power and energy of a fleet of accelerator groups."""

    groups: tuple[AcceleratorGroup, ...]

    @property
    def facility_power(self) -> Quantity:
        """Total facility power, GW."""
        return Q(sum(g.facility_power.m_as("GW") for g in self.groups), "GW")

    @property
    def annual_energy(self) -> Quantity:
        """Total annual energy, TWh."""
        return Q(sum(g.annual_energy.m_as("TWh") for g in self.groups), "TWh")

    def to_frame(self) -> pd.DataFrame:
        """One row per group."""
        return pd.DataFrame(
            [
                {
                    "group": g.name,
                    "count": g.count.m_as("item"),
                    "board_power_w": g.board_power.m_as("W/GPU"),
                    "utilisation": g.utilisation.m_as("1"),
                    "pue": g.pue.m_as("1"),
                    "it_gw": g.it_power.m_as("GW"),
                    "facility_gw": g.facility_power.m_as("GW"),
                    "twh_per_year": g.annual_energy.m_as("TWh"),
                }
                for g in self.groups
            ]
        ).set_index("group")

    def summary(self) -> str:
        """Totals, table and inputs."""
        inputs = [i for g in self.groups for i in g.inputs]
        return "\n".join(
            [
                f"Fleet: {self.facility_power.m_as('GW'):.3f} GW facility power, "
                f"{self.annual_energy.m_as('TWh'):.2f} TWh a year",
                self.to_frame().round(4).to_string(),
                format_inputs(inputs),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "facility_gw": self.facility_power.m_as("GW"),
                "twh_per_year": self.annual_energy.m_as("TWh"),
                "groups": self.to_frame().reset_index().to_dict(orient="records"),
                "inputs": inputs_to_dicts(i for g in self.groups for i in g.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Facility power by accelerator group, GW."""
        frame = self.to_frame()
        return bar_chart(
            f"Installed accelerators: {self.facility_power.m_as('GW'):.2f} GW facility power, "
            f"{self.annual_energy.m_as('TWh'):.1f} TWh a year",
            "facility power by group",
            "GW",
            frame.index,
            frame["facility_gw"],
            source="bubblescope.economy.power.fleet_power (each input's source: summary())",
        )


_BOARD_POWER = "_board_power"


def accelerator_types(*, assumptions: AssumptionsLike = None) -> tuple[str, ...]:
    """Accelerator types with a board power in ``power.yaml`` (rows ``<type>_board_power``)."""
    a = assumptions_for("power", assumptions)
    return tuple(k.removesuffix(_BOARD_POWER).upper() for k in a if k.endswith(_BOARD_POWER))


def fleet_power(
    groups: Sequence[tuple[str, float]] | Sequence[AcceleratorGroup],
    *,
    utilisation: Input | None = None,
    pue: Input | None = None,
    node_overhead: Input | None = None,
    assumptions: AssumptionsLike = None,
) -> FleetPower:
    """Power and energy of installed accelerators.

    Parameters
    ----------
    groups : sequence
        :class:`AcceleratorGroup` objects, or ``(type, count)`` pairs with ``type`` one of
        :func:`accelerator_types` (H100, A100, B200, MI300X; board power from GPU-07).
    utilisation, pue, node_overhead : Input, optional
        Shared defaults for ``(type, count)`` pairs (``power.yaml``: 0.7, a hyperscale PUE of
        1.2, and 1.0 for boards only).
    assumptions : AssumptionSet or mapping, optional
        The defaults in force (``power.yaml``): a set from
        :func:`~bubblescope.economy.assumptions.load_assumptions`, or ``{row key: Input or
        number}`` overriding some rows. The explicit arguments above win over it.
    """
    if not groups:
        raise InputError("fleet needs at least one accelerator group")
    a = assumptions_for("power", assumptions)
    util = utilisation or a.input("utilisation")
    p = pue or a.input("pue")
    over = node_overhead or a.input("node_overhead")
    known = accelerator_types(assumptions=a)
    built: list[AcceleratorGroup] = []
    for item in groups:
        if isinstance(item, AcceleratorGroup):
            built.append(item)
            continue
        kind, count = item
        key = kind.upper()
        if key not in known:
            raise InputError(
                f"unknown accelerator type {kind!r}",
                hint=f"choose one of {sorted(known)} or pass an AcceleratorGroup",
            )
        power = a.input(f"{key.lower()}{_BOARD_POWER}")
        built.append(
            AcceleratorGroup(
                key,
                Input(f"{key} count", Q(count, "GPU"), "user", "given by the user"),
                power,
                util,
                p,
                over,
            )
        )
    return FleetPower(tuple(built))


# --------------------------------------------------------------------------------------------
# Capex to GW
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CapexPower(ResultMixin):
    """Capacity bought by a capex budget at each sourced cost per GW."""

    capex: Input
    costs: tuple[Input, ...]

    def gigawatts(self) -> dict[str, float]:
        """GW per cost basis (keyed by the basis' name)."""
        return {c.name: self.capex.m_as("USD bn") / c.m_as("USD bn/GW") for c in self.costs}

    def to_frame(self) -> pd.DataFrame:
        """One row per cost basis."""
        return pd.DataFrame(
            [
                {
                    "basis": c.name,
                    "usd_bn_per_gw": c.m_as("USD bn/GW"),
                    "gw": self.capex.m_as("USD bn") / c.m_as("USD bn/GW"),
                    "source": c.source,
                }
                for c in self.costs
            ]
        ).set_index("basis")

    def summary(self) -> str:
        """Table and inputs."""
        return "\n".join(
            [
                f"Capex {self.capex.quantity} buys:",
                self.to_frame()[["usd_bn_per_gw", "gw"]].round(2).to_string(),
                format_inputs((self.capex, *self.costs)),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "capex_usd_bn": self.capex.m_as("USD bn"),
                "gw": self.gigawatts(),
                "inputs": inputs_to_dicts((self.capex, *self.costs)),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """GW bought at each cost basis."""
        frame = self.to_frame()
        return bar_chart(
            f"Capacity bought by {self.capex.quantity}",
            "GW at each cost per GW",
            "GW",
            frame.index,
            frame["gw"],
            source="bubblescope.economy.power.capex_to_gw; "
            + "; ".join(f"{c.name}: {c.source}" for c in self.costs),
        )


_COSTS_PER_GW = ("epoch_cost_per_gw", "bernstein_cost_per_gw", "openai_cost_per_gw")


def capex_to_gw(
    capex: Input | float,
    costs: Sequence[Input] | None = None,
    *,
    assumptions: AssumptionsLike = None,
) -> CapexPower:
    """GW of data-centre capacity a capex budget buys (``capex`` in USD bn if a float).

    The default costs per GW are Epoch AI's, Bernstein's and OpenAI's (``power.yaml``; facts
    GPU-13a, GPU-13b, OAI-01a); ``assumptions=`` overrides them as in :func:`fleet_power`.
    """
    cap = (
        capex
        if isinstance(capex, Input)
        else Input("capex", Q(capex, "USD bn"), "user", "given by the user")
    )
    if cap.m_as("USD bn") < 0:
        raise InputError(f"capex must be >= 0, got {cap.quantity}")
    if costs:
        basis = tuple(costs)
    else:
        a = assumptions_for("power", assumptions)
        basis = tuple(a.input(key) for key in _COSTS_PER_GW)
    if any(c.m_as("USD bn/GW") <= 0 for c in basis):
        raise InputError("costs per GW must be positive")
    return CapexPower(cap, basis)


# --------------------------------------------------------------------------------------------
# Training runs and households
# --------------------------------------------------------------------------------------------
_HOUSEHOLDS = ("household_advanced", "household_us", "household_eu")


def household_bases(*, assumptions: AssumptionsLike = None) -> tuple[Input, ...]:
    """Household electricity use per day: advanced-economy (ENE-02), US and EU bases."""
    a = assumptions_for("power", assumptions)
    return tuple(a.input(key) for key in _HOUSEHOLDS)


@dataclass(frozen=True)
class TrainingEnergy(ResultMixin):
    """Energy of a training run, its average draw and household equivalents."""

    name: str
    energy: Input
    duration: Input
    bases: tuple[Input, ...]

    @property
    def per_day(self) -> Quantity:
        """Average energy per day (GWh/day)."""
        return (self.energy.quantity / self.duration.quantity).to("GWh/day")

    @property
    def average_power(self) -> Quantity:
        """Average draw (MW)."""
        return self.per_day.to("MW")

    def households(self) -> dict[str, float]:
        """Households whose *daily* use equals the run's daily energy, per basis."""
        return {b.name: (self.per_day / b.quantity).m_as("household") for b in self.bases}

    def to_frame(self) -> pd.DataFrame:
        """One row per household basis."""
        return pd.DataFrame(
            [
                {
                    "basis": b.name,
                    "kwh_per_day": b.m_as("kWh/day/household"),
                    "households": (self.per_day / b.quantity).m_as("household"),
                }
                for b in self.bases
            ]
        ).set_index("basis")

    def summary(self) -> str:
        """Headline and the caveat about what the comparison means."""
        return "\n".join(
            [
                f"{self.name}: {self.energy.quantity} over {self.duration.quantity} = "
                f"{self.per_day.m_as('GWh/day'):.3f} GWh/day "
                f"({self.average_power.m_as('MW'):.1f} MW average)",
                "Equals the DAILY use of this many households (not their use over the whole run):",
                self.to_frame().round(1).to_string(),
                format_inputs((self.energy, self.duration, *self.bases)),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "gwh_per_day": self.per_day.m_as("GWh/day"),
                "average_mw": self.average_power.m_as("MW"),
                "households": self.households(),
                "inputs": inputs_to_dicts((self.energy, self.duration, *self.bases)),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Households whose daily use equals the run's daily energy, by household basis."""
        frame = self.to_frame()
        return bar_chart(
            f"{self.name}: {self.per_day.m_as('GWh/day'):.2f} GWh a day",
            "households with the same daily use",
            "households",
            frame.index,
            frame["households"],
            source=f"bubblescope.economy.power.training_energy; {self.energy.source}",
        )


def training_energy(
    energy: Input | None = None,
    duration: Input | None = None,
    *,
    name: str = "GPT-4 training",
    bases: Sequence[Input] | None = None,
    assumptions: AssumptionsLike = None,
) -> TrainingEnergy:
    """Daily draw and household equivalents of a training run (default: GPT-4, ENE-01/02).

    The defaults (GPT-4's energy and duration, the household bases) are rows of ``power.yaml``;
    ``assumptions=`` overrides them as in :func:`fleet_power`.

    Examples
    --------
    >>> {k: round(v, -2) for k, v in training_energy().households().items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'advanced-economy household (ENE-02 basis)': 28500.0, 'US household': 15000.0,
     'EU household': 43300.0}
    """
    a = assumptions_for("power", assumptions)
    e = energy or a.input("gpt4_energy")
    d = duration or a.input("gpt4_duration")
    if e.m_as("GWh") <= 0 or d.m_as("day") <= 0:
        raise InputError("training energy and duration must be positive")
    return TrainingEnergy(name, e, d, tuple(bases) if bases else household_bases(assumptions=a))


# --------------------------------------------------------------------------------------------
# Grid projections
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Projection:
    """Electricity use in two years, from one source."""

    label: str
    start_year: int
    start: Input
    end_year: int
    end: Input

    @property
    def cagr(self) -> float:
        """Compound annual growth rate (fraction)."""
        ratio = self.end.m_as("TWh") / self.start.m_as("TWh")
        return float(ratio ** (1.0 / (self.end_year - self.start_year)) - 1.0)

    @property
    def increment_per_year(self) -> float:
        """Average TWh added per year."""
        return (self.end.m_as("TWh") - self.start.m_as("TWh")) / (self.end_year - self.start_year)


@dataclass(frozen=True)
class GridComparison(ResultMixin):
    """Data-centre demand projections against total electricity outlooks."""

    data_centres: tuple[Projection, ...]
    grid: tuple[Projection, ...]

    def dc_share_of_growth(self, dc_label: str, grid_label: str) -> float:
        """Data-centre TWh added per year as a share of total TWh added per year."""
        dc = {p.label: p for p in self.data_centres}[dc_label]
        total = {p.label: p for p in self.grid}[grid_label]
        return dc.increment_per_year / total.increment_per_year

    def to_frame(self) -> pd.DataFrame:
        """One row per projection."""
        rows = [
            {
                "series": p.label,
                "kind": kind,
                "start_year": p.start_year,
                "start_twh": p.start.m_as("TWh"),
                "end_year": p.end_year,
                "end_twh": p.end.m_as("TWh"),
                "cagr": p.cagr,
                "twh_added_per_year": p.increment_per_year,
                "end_average_gw": Q(p.end.m_as("TWh"), "TWh/year").m_as("GW"),
            }
            for kind, group in (("data centres", self.data_centres), ("total", self.grid))
            for p in group
        ]
        return pd.DataFrame(rows).set_index("series")

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input."""
        return tuple(i for p in (*self.data_centres, *self.grid) for i in (p.start, p.end))

    def summary(self) -> str:
        """Table, US data-centre share of demand growth, inputs."""
        lines = [self.to_frame().round(3).to_string()]
        us_dc = [p.label for p in self.data_centres if p.label.startswith("US")]
        us_grid = [p.label for p in self.grid if p.label.startswith("US")]
        lines.extend(
            f"{dc} adds {self.dc_share_of_growth(dc, g):.0%} of the TWh per year that {g} adds"
            for dc in us_dc
            for g in us_grid
        )
        lines.append(format_inputs(self.inputs))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "projections": self.to_frame().reset_index().to_dict(orient="records"),
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Start vs end demand of every projection, and the TWh each adds per year."""
        f = self.to_frame()
        names = [str(n) for n in f.index]
        return ChartSpec(
            "Electricity demand projections, start vs end year",
            (
                Panel(
                    "TWh per year",
                    "TWh",
                    bars=(
                        Bar(names, f["start_twh"], "start year", color="#56B4E9"),
                        Bar(names, f["end_twh"], "end year", color="#0072B2"),
                    ),
                ),
                Panel(
                    "TWh added per year",
                    "TWh/yr",
                    bars=(Bar(names, f["twh_added_per_year"], "added per year", color="#D55E00"),),
                    height=0.6,
                ),
            ),
            source="IEA Energy and AI; LBNL 2024; EIA STEO (fact base ENE-06..ENE-11)",
        )


#: The projections grid_comparison sets side by side: (label, series key in power.yaml).
_DATA_CENTRES = (
    ("World DC (IEA)", "world_dc_iea"),
    ("US DC (IEA)", "us_dc_iea"),
    ("US DC (LBNL low)", "us_dc_lbnl_low"),
    ("US DC (LBNL high)", "us_dc_lbnl_high"),
)
_GRID = (("US total (EIA STEO)", "us_total_eia"),)


def _projection(label: str, a: AssumptionSet, key: str) -> Projection:
    series = a.series(key)
    if len(series) != 2:
        raise InputError(f"{a.where}: projection {key!r} needs a start and an end row")
    (y0, start), (y1, end) = series
    return Projection(label, int(y0), start, int(y1), end)


def grid_comparison(*, assumptions: AssumptionsLike = None) -> GridComparison:
    """IEA and LBNL data-centre projections against the EIA US outlook (facts ENE-06..11).

    Each projection is a series of ``power.yaml`` (its start and end year); ``assumptions=``
    overrides them as in :func:`fleet_power`.
    """
    a = assumptions_for("power", assumptions)
    dcs = tuple(_projection(label, a, key) for label, key in _DATA_CENTRES)
    grid = tuple(_projection(label, a, key) for label, key in _GRID)
    if not np.isfinite([p.cagr for p in dcs]).all():
        raise InputError("projection with a non-positive start value")
    return GridComparison(dcs, grid)
