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
from bubblescope.economy.inputs import (
    Input,
    assumption,
    fact_number,
    fact_part,
    format_inputs,
    inputs_to_dicts,
)
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


_BOARD_POWER = {"H100": 700, "A100": 400, "B200": 1000, "MI300X": 750}


def fleet_power(
    groups: Sequence[tuple[str, float]] | Sequence[AcceleratorGroup],
    *,
    utilisation: Input | None = None,
    pue: Input | None = None,
    node_overhead: Input | None = None,
) -> FleetPower:
    """Power and energy of installed accelerators.

    Parameters
    ----------
    groups : sequence
        :class:`AcceleratorGroup` objects, or ``(type, count)`` pairs with ``type`` one of H100,
        A100, B200, MI300X (board power from GPU-07).
    utilisation, pue, node_overhead : Input, optional
        Shared defaults for ``(type, count)`` pairs: assumptions 0.7, 1.2 (hyperscale,
        ai-economy-facts.md §7) and 1.0 (boards only).
    """
    if not groups:
        raise InputError("fleet needs at least one accelerator group")
    util = utilisation or assumption(
        "utilisation", 0.7, "1", "average load share of board power (illustrative)"
    )
    p = pue or assumption("PUE", 1.2, "1", "hyperscale PUE ~1.1-1.2 (ai-economy-facts.md §7)")
    over = node_overhead or assumption(
        "node overhead", 1.0, "1", "boards only; 1.82 adds the DGX H100 server (GPU-08)"
    )
    built: list[AcceleratorGroup] = []
    for item in groups:
        if isinstance(item, AcceleratorGroup):
            built.append(item)
            continue
        kind, count = item
        key = kind.upper()
        if key not in _BOARD_POWER:
            raise InputError(
                f"unknown accelerator type {kind!r}",
                hint=f"choose one of {sorted(_BOARD_POWER)} or pass an AcceleratorGroup",
            )
        power = fact_part("GPU-07", _BOARD_POWER[key], "W/GPU", name=f"{key} board power")
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


def capex_to_gw(capex: Input | float, costs: Sequence[Input] | None = None) -> CapexPower:
    """GW of data-centre capacity a capex budget buys (``capex`` in USD bn if a float)."""
    cap = (
        capex
        if isinstance(capex, Input)
        else Input("capex", Q(capex, "USD bn"), "user", "given by the user")
    )
    if cap.m_as("USD bn") < 0:
        raise InputError(f"capex must be >= 0, got {cap.quantity}")
    basis = (
        tuple(costs)
        if costs
        else (
            fact_number("GPU-13a", "USD bn/GW", name="Epoch AI all-in cost per GW"),
            fact_number("GPU-13b", "USD bn/GW", name="Bernstein cost per GW"),
            fact_number("OAI-01a", "USD bn/GW", name="OpenAI (Altman) cost per GW, lower bound"),
        )
    )
    if any(c.m_as("USD bn/GW") <= 0 for c in basis):
        raise InputError("costs per GW must be positive")
    return CapexPower(cap, basis)


# --------------------------------------------------------------------------------------------
# Training runs and households
# --------------------------------------------------------------------------------------------
def household_bases() -> tuple[Input, ...]:
    """Household electricity use per day: advanced-economy (ENE-02), US and EU bases."""
    return (
        fact_part(
            "ENE-02", 15.2, "kWh/day/household", name="advanced-economy household (ENE-02 basis)"
        ),
        assumption(
            "US household",
            28.8,
            "kWh/day/household",
            "about 10,500 kWh a year per US home (EIA), as in ai-economy-facts.md §7",
        ),
        assumption(
            "EU household",
            10.0,
            "kWh/day/household",
            "about 3,650 kWh a year per EU home, as in ai-economy-facts.md §7",
        ),
    )


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
) -> TrainingEnergy:
    """Daily draw and household equivalents of a training run (default: GPT-4, ENE-01/02).

    Examples
    --------
    >>> {k: round(v, -2) for k, v in training_energy().households().items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'advanced-economy household (ENE-02 basis)': 28500.0, 'US household': 15000.0,
     'EU household': 43300.0}
    """
    e = energy or fact_number("ENE-01", "GWh", name="GPT-4 training electricity (IEA)")
    d = duration or fact_part("ENE-02", 98, "day", name="GPT-4 training duration (~14 weeks)")
    if e.m_as("GWh") <= 0 or d.m_as("day") <= 0:
        raise InputError("training energy and duration must be positive")
    return TrainingEnergy(name, e, d, tuple(bases) if bases else household_bases())


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
                "end_average_gw": p.end.m_as("TWh") * 1e3 / 8760.0,
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


def _proj(label: str, fid0: str, y0: int, v0: float, fid1: str, y1: int, v1: float) -> Projection:
    return Projection(
        label,
        y0,
        fact_part(fid0, v0, "TWh", name=f"{label} {y0}"),
        y1,
        fact_part(fid1, v1, "TWh", name=f"{label} {y1}"),
    )


def grid_comparison() -> GridComparison:
    """IEA and LBNL data-centre projections against the EIA US outlook (facts ENE-06..11)."""
    dcs = (
        _proj("World DC (IEA)", "ENE-06", 2024, 415, "ENE-06", 2030, 945),
        _proj("US DC (IEA)", "ENE-07", 2024, 183, "ENE-07", 2030, 426),
        _proj("US DC (LBNL low)", "ENE-08", 2023, 176, "ENE-09", 2028, 325),
        _proj("US DC (LBNL high)", "ENE-08", 2023, 176, "ENE-09", 2028, 580),
    )
    grid = (_proj("US total (EIA STEO)", "ENE-11", 2024, 4110, "ENE-11", 2027, 4372),)
    if not np.isfinite([p.cagr for p in dcs]).all():
        raise InputError("projection with a non-positive start value")
    return GridComparison(dcs, grid)
