r"""Power feeds through: contracted GW against grid additions, and what a shortfall does.

Issue 15, Deliver 3. Deployable capacity limits the revenue that can be served: capex is capped
by grid connections, :math:`C_t \le k G_0 (1+g_G)^t`, revenue served is demand times
:math:`u_t`, the capacity built over the capacity the plan (and so the price) assumes, and the
shortfall widens the cash-flow gap that the holders see (the bust hazard of
:mod:`bubblescope.scenario.model`). This module puts that next to the evidence:

* the GW contracted in the fact base (OpenAI's ~30 GW of commitments, OAI-01b; itemised,
  Stargate 10 GW, CIR-28a, Broadcom 10 GW, CIR-15, AMD 6 GW, CIR-10, and Nvidia's letter of
  intent, 100 USD bn at 10 USD bn per GW, CIR-08 / CIR-08a) against the scenario's cumulative
  grid connections, the GW its capex plan buys and the GW it builds (median path);
* the IEA's base case for data-centre electricity in the US and China (ENE-07a-d) as average
  GW, the two countries' total consumption (ENE-11b, ENE-12a) and the generation capacity each
  added in a year (PWR-02, PWR-03; the ``china_grid`` preset scales the grid by their ratio);
* the local cost: PJM capacity prices by delivery year (HEP-02..04a, the Dominion and BGE zones
  of the 2025/26 auction, HEP-03a/b), Bloomberg's up-to-267% rise in wholesale power near data
  centres (HEP-01) and BGE's residential bill (HEP-05);
* the scenario and a tighter-grid preset on common random numbers: the share of demand that
  can be served, how often the grid binds, and the bust odds.

A GW of average load is a TWh a year over the hours of a year (8,760 in the unit registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import RngLike
from bubblescope.charts import Bar, ChartSpec, Line, Panel, Points
from bubblescope.result import ResultMixin
from bubblescope.scenario.spec import ScenarioSpec, load_scenario

__all__ = ["PowerFeedResult", "power_feed"]

#: GW contracted (label, fact ids): a GW fact, or USD bn over USD bn per GW.
CONTRACTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Stargate target", ("CIR-28a",)),
    ("Broadcom custom accelerators", ("CIR-15",)),
    ("AMD Instinct GPUs", ("CIR-10",)),
    ("Nvidia letter of intent", ("CIR-08", "CIR-08a")),
)
#: The year the GW-denominated deals run to (Broadcom's to end-2029, CIR-15).
DEALS_END = 2029
#: OpenAI's stated total commitments (overlapping the itemised deals).
OPENAI_TOTAL = "OAI-01b"
#: IEA base case, data-centre electricity: (country, 2024 fact, 2030 fact).
IEA_DC = (("US", "ENE-07a", "ENE-07b"), ("China", "ENE-07c", "ENE-07d"))
#: Total electricity consumption in 2024: US (TWh) and China (PWh).
TOTAL_US, TOTAL_CHINA = "ENE-11b", "ENE-12a"
#: Generation capacity added in a year: (country, year, fact), GW nameplate.
ADDITIONS = (("US", 2023, "PWR-03"), ("China", 2024, "PWR-02"))
#: PJM capacity prices (USD per MW-day) by the delivery year's first calendar year.
PJM_RTO = ((2024, "HEP-02"), (2025, "HEP-03"), (2026, "HEP-04"), (2027, "HEP-04a"))
PJM_ZONES = (("Dominion (N. Virginia)", "HEP-03a"), ("BGE (Baltimore)", "HEP-03b"))
HOUSEHOLD = ("HEP-01", "HEP-05")


def _hours_per_year() -> float:
    from bubblescope.economy.units import Q

    return float(Q(1.0, "year").m_as("h"))


@dataclass(frozen=True)
class PowerFeedResult(ResultMixin):
    """Contracted GW, grid additions, the US-China comparison and local prices.

    Attributes
    ----------
    scenario, tight : str
        The scenario and the tighter-grid preset it is compared with.
    years : tuple of int
        Simulated calendar years.
    grid_gw, planned_gw, built_gw : dict of str to list of float
        Per scenario (``scenario`` and ``tight``): cumulative GW of grid connections, of the
        capex plan and built (median path) from the start year.
    contracted : list of dict
        ``label``, ``gw``, ``facts``: GW contracted in the deals.
    openai_total_gw : float
        OpenAI's stated commitments (OAI-01b), overlapping the itemised deals.
    runs : dict of str to dict
        Per scenario: ``bust_odds``, ``bust_share`` (cumulative by year),
        ``capacity_share_median`` (:math:`u_t`, median by year over the paths not yet busted,
        NaN once all have), ``served_before_bust`` and ``grid_binding_before_bust`` (mean of
        :math:`u_t` and share of path-years in which the grid caps capex, before each path's
        bust), ``grid_binding_share`` (share of paths in which the grid caps capex, by year,
        busted or not), ``n_paths``.
    us_china : list of dict
        ``country``, ``series``, ``year``, ``twh``, ``avg_gw``, ``fact``: IEA data-centre
        electricity (``data centres``), the two totals (``total``), and the generation capacity
        added in a year (``generation added``, ``gw``; ``twh`` and ``avg_gw`` None).
    household : dict
        ``pjm_rto`` (year, USD per MW-day, fact), ``pjm_zones`` (zone, price, fact),
        ``wholesale_rise_pct`` and ``bge_bill_rise_usd_month`` with their facts.
    """

    scenario: str
    tight: str
    years: tuple[int, ...]
    grid_gw: dict[str, list[float]]
    planned_gw: dict[str, list[float]]
    built_gw: dict[str, list[float]]
    contracted: list[dict[str, Any]]
    openai_total_gw: float
    runs: dict[str, dict[str, Any]]
    us_china: list[dict[str, Any]]
    household: dict[str, Any]

    @property
    def contracted_gw(self) -> float:
        """Sum of the itemised deals (GW)."""
        return float(sum(c["gw"] for c in self.contracted))

    def _by(self, country: str, year: int, series: str = "data centres") -> dict[str, Any]:
        return next(
            r
            for r in self.us_china
            if r["country"] == country and r["year"] == year and r["series"] == series
        )

    def summary(self) -> str:
        """Contracted GW against the grid, the tighter grid's odds, US-China, local prices."""
        s, t = self.scenario, self.tight
        end = max(0, min(DEALS_END, self.years[-1]) - self.years[0])  # deals run to end-2029
        base, tight = self.runs[s], self.runs[t]
        us24, us30 = self._by("US", 2024), self._by("US", 2030)
        cn24, cn30 = self._by("China", 2024), self._by("China", 2030)
        us_tot, cn_tot = self._by("US", 2024, "total"), self._by("China", 2024, "total")
        us_add, cn_add = (
            self._by("US", 2023, "generation added"),
            self._by("China", 2024, "generation added"),
        )
        rto = self.household["pjm_rto"]
        zones = ", ".join(
            f"{z['zone']} {z['usd_per_mw_day']:.0f}" for z in self.household["pjm_zones"]
        )
        return "\n".join(
            [
                f"Power feeds through (scenario {s} against {t})",
                f"Contracted: the itemised deals total {self.contracted_gw:.0f} GW ("
                + ", ".join(f"{c['label']} {c['gw']:.0f}" for c in self.contracted)
                + f"); OpenAI states ~{self.openai_total_gw:.0f} GW in all (OAI-01b).",
                f"Grid: {s} connects {self.grid_gw[s][end]:.0f} GW from {self.years[0]} to "
                f"{self.years[end]} ({t}: {self.grid_gw[t][end]:.0f} GW) while the big-5 capex "
                f"plan buys {self.planned_gw[s][end]:.0f} GW; the IEA's base case adds "
                f"{us30['avg_gw'] - us24['avg_gw']:.0f} GW of average US data-centre load "
                "2024-2030. OpenAI's contracts alone would take "
                f"{self.openai_total_gw / self.grid_gw[s][end]:.0%} of the grid's additions.",
                "Served: before a bust the capacity built serves on average "
                f"{base['served_before_bust']:.0%} of demand ({t}: "
                f"{tight['served_before_bust']:.0%}) and the grid caps capex in "
                f"{base['grid_binding_before_bust']:.0%} of path-years ({t}: "
                f"{tight['grid_binding_before_bust']:.0%}). The shortfall widens the gap holders "
                f"watch: bust odds {base['bust_odds']:.0%} against {tight['bust_odds']:.0%} "
                "on the same random numbers.",
                f"US and China (IEA base case): data centres {us24['twh']:.0f} -> "
                f"{us30['twh']:.0f} TWh (US) and {cn24['twh']:.0f} -> {cn30['twh']:.0f} TWh "
                f"(China), 2024 -> 2030; total consumption in 2024 {us_tot['twh']:,.0f} TWh "
                f"(US) against {cn_tot['twh']:,.0f} TWh (China, "
                f"{cn_tot['twh'] / us_tot['twh']:.1f}x); generation capacity added "
                f"{us_add['gw']:.1f} GW (US, 2023) against {cn_add['gw']:.0f} GW (China, 2024), "
                f"{cn_add['gw'] / us_add['gw']:.1f}x (preset china_grid scales the grid by it).",
                "Local cost: PJM capacity prices "
                + " -> ".join(f"{r['usd_per_mw_day']:.0f}" for r in rto)
                + f" USD/MW-day for {rto[0]['year']}/{rto[0]['year'] % 100 + 1:02d} to "
                f"{rto[-1]['year']}/{rto[-1]['year'] % 100 + 1:02d} ({zones} in the "
                "2025/26 data-centre zones); wholesale power up to "
                f"{self.household['wholesale_rise_pct']:.0f}% above five years earlier near "
                f"data centres (Bloomberg); BGE's average residential bill "
                f"+{self.household['bge_bill_rise_usd_month']:.0f} USD a month.",
            ]
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per charted value: panel, series, year, value, unit."""
        rows: list[dict[str, Any]] = []
        for name in (self.scenario, self.tight):
            for key, series in (
                ("grid_gw", "grid connections"),
                ("planned_gw", "capex plan"),
                ("built_gw", "built (median)"),
            ):
                values = getattr(self, key)[name]
                rows += [
                    {
                        "panel": "gw",
                        "series": f"{series}, {name}",
                        "year": y,
                        "value": v,
                        "unit": "GW",
                    }
                    for y, v in zip(self.years, values, strict=True)
                ]
            run = self.runs[name]
            for key, unit in (
                ("capacity_share_median", "1"),
                ("grid_binding_share", "1"),
                ("bust_share", "1"),
            ):
                rows += [
                    {"panel": key, "series": name, "year": y, "value": v, "unit": unit}
                    for y, v in zip(self.years, run[key], strict=True)
                ]
        rows += [
            {
                "panel": "us_china",
                "series": f"{r['country']} {r['series']}",
                "year": r["year"],
                "value": r["twh"] if r["twh"] is not None else r["gw"],
                "unit": "TWh" if r["twh"] is not None else "GW",
            }
            for r in self.us_china
        ]
        rows += [
            {
                "panel": "pjm",
                "series": "PJM capacity price",
                "year": r["year"],
                "value": r["usd_per_mw_day"],
                "unit": "USD/MW-day",
            }
            for r in self.household["pjm_rto"]
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "scenario": self.scenario,
                "tight": self.tight,
                "years": list(self.years),
                "grid_gw": self.grid_gw,
                "planned_gw": self.planned_gw,
                "built_gw": self.built_gw,
                "contracted": self.contracted,
                "contracted_gw": self.contracted_gw,
                "openai_total_gw": self.openai_total_gw,
                "runs": self.runs,
                "us_china": self.us_china,
                "household": self.household,
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """GW contracted vs the grid, demand served, US vs China, PJM capacity prices."""
        s, t = self.scenario, self.tight
        x = list(self.years)
        us = [r for r in self.us_china if r["country"] == "US" and r["series"] == "data centres"]
        cn = [r for r in self.us_china if r["country"] == "China" and r["series"] == "data centres"]
        rto = self.household["pjm_rto"]
        zones = self.household["pjm_zones"]
        deals_end = min(DEALS_END, self.years[-1])
        return ChartSpec(
            "Power feeds through: contracted GW against the grid, and who pays",
            (
                Panel(
                    f"GW from {self.years[0]}, cumulative: grid connections against the plan "
                    "and the deals",
                    "GW",
                    lines=(
                        Line(x, self.grid_gw[s], f"grid connections ({s})", color="#0072B2"),
                        Line(
                            x,
                            self.grid_gw[t],
                            f"grid connections ({t})",
                            color="#0072B2",
                            dash="dot",
                        ),
                        Line(x, self.planned_gw[s], "big-5 capex plan", color="#D55E00"),
                        Line(x, self.built_gw[s], f"built, median ({s})", color="#009E73"),
                        Line(
                            x, self.built_gw[t], f"built, median ({t})", color="#009E73", dash="dot"
                        ),
                    ),
                    points=(
                        Points(
                            [deals_end] * 2,
                            [self.contracted_gw, self.openai_total_gw],
                            "GW contracted by the end of 2029: itemised deals, OpenAI's total",
                            symbol="diamond",
                            color="#CC79A7",
                            size=11.0,
                            hover=(
                                f"itemised deals {self.contracted_gw:.0f} GW",
                                f"OpenAI total ~{self.openai_total_gw:.0f} GW",
                            ),
                        ),
                    ),
                ),
                Panel(
                    "Share of demand the capacity built can serve (median before a bust) and "
                    "paths busted",
                    "share",
                    lines=(
                        Line(
                            x,
                            self.runs[s]["capacity_share_median"],
                            f"served ({s})",
                            color="#009E73",
                        ),
                        Line(
                            x,
                            self.runs[t]["capacity_share_median"],
                            f"served ({t})",
                            color="#009E73",
                            dash="dot",
                        ),
                        Line(x, self.runs[s]["bust_share"], f"busted ({s})", color="#D55E00"),
                        Line(
                            x,
                            self.runs[t]["bust_share"],
                            f"busted ({t})",
                            color="#D55E00",
                            dash="dot",
                        ),
                    ),
                    yrange=(0.0, 1.0),
                ),
                Panel(
                    "Data-centre electricity, IEA base case: US against China",
                    "TWh a year",
                    lines=(
                        Line(
                            [r["year"] for r in us],
                            [r["twh"] for r in us],
                            "US data centres",
                            color="#0072B2",
                        ),
                        Line(
                            [r["year"] for r in cn],
                            [r["twh"] for r in cn],
                            "China data centres",
                            color="#E69F00",
                        ),
                    ),
                ),
                Panel(
                    "Near the clusters: PJM capacity price paid through household bills",
                    "USD per MW-day",
                    bars=(
                        Bar(
                            [r["year"] for r in rto],
                            [r["usd_per_mw_day"] for r in rto],
                            "PJM capacity price (delivery year from June)",
                            color="#999999",
                        ),
                    ),
                    points=(
                        Points(
                            [rto[1]["year"]] * len(zones),
                            [z["usd_per_mw_day"] for z in zones],
                            "2025/26 data-centre zones: Dominion, BGE",
                            symbol="diamond",
                            color="#D55E00",
                            size=10.0,
                            hover=tuple(z["zone"] for z in zones),
                        ),
                    ),
                ),
            ),
            xlabel="year",
            source="bubblescope.scenario.power_feed: facts OAI-01b, CIR-08/08a/10/15/28a, "
            "ENE-07a-d, ENE-11b, ENE-12a, HEP-01..05; the scenario Monte Carlo on common "
            "random numbers",
            notes=(
                "Wholesale power near data centres up to "
                f"{self.household['wholesale_rise_pct']:.0f}% "
                "above five years earlier (Bloomberg, HEP-01); BGE's residential bill "
                f"+{self.household['bge_bill_rise_usd_month']:.0f} USD a month (HEP-05).",
            ),
        )


def _gw_of(ids: tuple[str, ...]) -> float:
    from bubblescope.data.facts import load_factbase

    fb = load_factbase()
    if len(ids) == 1:
        return fb.value(ids[0], "GW")
    return fb.value(ids[0], "USD bn") / fb.value(ids[1], "USD bn/GW")


def power_feed(
    scenario: ScenarioSpec | str | Path = "base",
    *,
    tight: ScenarioSpec | str | Path = "power_bound",
    n_paths: int = 2_000,
    rng: RngLike = None,
) -> PowerFeedResult:
    """Contracted GW against grid additions and the scenario's power shortfall.

    Parameters
    ----------
    scenario, tight : ScenarioSpec, str or Path
        The scenario and a tighter-grid one to compare, run on the same random numbers.
    n_paths : int
        Paths per run.
    rng : int, Generator, SeedSequence or None
        Randomness; both runs use the same seed.

    Examples
    --------
    >>> res = power_feed(n_paths=300, rng=1)
    >>> res.contracted_gw, res.openai_total_gw
    (36.0, 30.0)
    >>> res.runs["power_bound"]["bust_odds"] >= res.runs["base"]["bust_odds"]
    True
    """
    from bubblescope.data.facts import load_factbase
    from bubblescope.parallel import spawn_seeds
    from bubblescope.scenario.runner import run_scenario

    seed = spawn_seeds(rng, 1)[0]
    specs = {}
    for item in (scenario, tight):
        spec = item if isinstance(item, ScenarioSpec) else load_scenario(item)
        specs[spec.name] = spec
    if len(specs) < 2:
        from bubblescope.errors import InputError

        raise InputError("power_feed needs two different scenarios (scenario and tight)")
    grid, planned, built, runs = {}, {}, {}, {}
    years: tuple[int, ...] = ()
    for name, spec in specs.items():
        # a fresh copy each run: spawning children advances a SeedSequence, and both runs must
        # draw the same random numbers
        same = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
        res = run_scenario(spec, n_paths=n_paths, rng=same)
        v = spec.values()
        t = np.arange(spec.horizon_years, dtype=np.float64)
        years = spec.years
        per_gw = v["cost_per_gw"]
        grid[name] = np.cumsum(v["grid_additions"] * (1.0 + v["grid_growth"]) ** t).tolist()
        plan = v["capex_start"] * (1.0 + v["capex_plan_growth"]) ** t  # K_t before a bust
        plan = plan * (1.0 - v["gpu_share"] * v["compute_efficiency_gain"])
        planned[name] = np.cumsum(plan / per_gw).tolist()
        built[name] = (np.median(np.cumsum(res.paths["capex"], axis=1), axis=0) / per_gw).tolist()
        p = res.paths
        # before its bust a path's plan is the one the price assumes; after it the plan is cut
        sim_years = np.arange(spec.horizon_years)[None, :]
        live = np.asarray((p["bust_year"][:, None] < 0) | (p["bust_year"][:, None] >= sim_years))
        binds = np.asarray(p["capex"] >= p["power_cap"] * (1.0 - 1e-12))
        share = np.where(live, p["capacity_share"], np.nan)
        alive = np.asarray(live.any(axis=0), dtype=bool)
        runs[name] = {
            "n_paths": n_paths,
            "bust_odds": float(res.busted.mean()),
            "bust_share": res.bust_share_by_year().tolist(),
            "capacity_share_median": [
                float(np.median(share[live[:, i], i])) if alive[i] else float("nan")
                for i in range(spec.horizon_years)
            ],
            "served_before_bust": float(share[live].mean()),
            "grid_binding_before_bust": float(binds[live].mean()),
            "grid_binding_share": binds.mean(axis=0).tolist(),
        }
    fb = load_factbase()
    hours = _hours_per_year()
    us_china: list[dict[str, Any]] = []
    for country, f24, f30 in IEA_DC:
        for year, fid in ((2024, f24), (2030, f30)):
            twh = fb.value(fid, "TWh")
            us_china.append(
                {
                    "country": country,
                    "series": "data centres",
                    "year": year,
                    "twh": twh,
                    "avg_gw": 1e3 * twh / hours,
                    "fact": fid,
                }
            )
    for country, fid, unit in (("US", TOTAL_US, "TWh"), ("China", TOTAL_CHINA, "PWh")):
        twh = fb.value(fid, unit) * (1e3 if unit == "PWh" else 1.0)
        us_china.append(
            {
                "country": country,
                "series": "total",
                "year": 2024,
                "twh": twh,
                "avg_gw": 1e3 * twh / hours,
                "fact": fid,
            }
        )
    for country, year, fid in ADDITIONS:
        us_china.append(
            {
                "country": country,
                "series": "generation added",
                "year": year,
                "twh": None,
                "avg_gw": None,
                "gw": fb.value(fid, "GW"),
                "fact": fid,
            }
        )
    names = list(specs)
    return PowerFeedResult(
        scenario=names[0],
        tight=names[1],
        years=years,
        grid_gw=grid,
        planned_gw=planned,
        built_gw=built,
        contracted=[
            {"label": label, "gw": _gw_of(ids), "facts": list(ids)} for label, ids in CONTRACTED
        ],
        openai_total_gw=fb.value(OPENAI_TOTAL, "GW"),
        runs=runs,
        us_china=us_china,
        household={
            "pjm_rto": [
                {"year": y, "usd_per_mw_day": fb.value(f, "USD"), "fact": f} for y, f in PJM_RTO
            ],
            "pjm_zones": [
                {"zone": z, "usd_per_mw_day": fb.value(f, "USD"), "fact": f} for z, f in PJM_ZONES
            ],
            "wholesale_rise_pct": fb.value(HOUSEHOLD[0], "%"),
            "bge_bill_rise_usd_month": fb.value(HOUSEHOLD[1], "USD"),
            "facts": list(HOUSEHOLD),
        },
    )
