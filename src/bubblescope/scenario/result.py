"""The result of a scenario Monte Carlo: bust timing and depth, distress, macro, legacy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict
from bubblescope.charts import ChartSpec, Line, Panel
from bubblescope.result import ResultMixin
from bubblescope.scenario.base_rate import BaseRate
from bubblescope.scenario.macro import WealthEffect, furman_reference, wealth_effect
from bubblescope.scenario.pricing import PricedGrowth
from bubblescope.scenario.spec import ScenarioSpec

__all__ = ["DEMAND_KEYS", "ScenarioResult"]

#: Per-year demand-side paths of :func:`bubblescope.scenario.model.simulate` (medians in
#: :meth:`ScenarioResult.to_frame`).
DEMAND_KEYS = ("enterprise_revenue", "consumer_revenue", "adoption", "api_margin", "gross_margin")


def _q(values: Float64Array, q: float) -> float | None:
    finite = values[np.isfinite(values)]
    return float(np.quantile(finite, q)) if finite.size else None


@dataclass(frozen=True, eq=False)
class ScenarioResult(ResultMixin):
    """Paths and summaries of one scenario run (see :mod:`bubblescope.scenario.model`).

    Attributes
    ----------
    spec : ScenarioSpec
        The scenario with every input's provenance.
    n_paths, chunk_size : int
        Paths simulated and paths per chunk (the chunk size is part of the random stream).
    paths : dict of str to ndarray
        Per-path arrays from :func:`~bubblescope.scenario.model.simulate` plus
        ``funding_cut`` (NaN without a bust), ``firms_in_default`` and ``firms_in_distress``
        (network stress).
    firm_default_share, firm_distress_share : dict of str to float
        Share of all paths in which each firm of the network defaults / is in distress
        (default, or a DebtRank equity loss of at least ``distress_threshold``).
    defaults_by_cut, distressed_by_cut : dict of float to tuple of str
        Firms in default / in distress at each funding-cut level that occurred.
    revenue_per_capex : float
        AI revenue a year needed per dollar of capex a year: Sequoia's 1/s × 1/(1 − m) from
        :func:`bubblescope.economy.valuation.sequoia_gap` (NaN when not computed).
    pricing : PricedGrowth or None
        The index's DCF value, market value and the growth its price implies (reverse DCF).
    base_rate : BaseRate or None
        The historical crash rate :math:`h_0` the bust odds fall to without a gap.
    """

    spec: ScenarioSpec
    n_paths: int
    chunk_size: int
    paths: dict[str, Float64Array]
    firm_default_share: dict[str, float]
    firm_distress_share: dict[str, float] = field(default_factory=dict)
    defaults_by_cut: dict[float, tuple[str, ...]] = field(default_factory=dict)
    distressed_by_cut: dict[float, tuple[str, ...]] = field(default_factory=dict)
    revenue_per_capex: float = float("nan")
    pricing: PricedGrowth | None = None
    base_rate: BaseRate | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """Simulated calendar years."""
        return self.spec.years

    @property
    def busted(self) -> np.ndarray:
        """Boolean mask of paths with a bust within the horizon."""
        return np.asarray(self.paths["bust_year"] >= 0)

    def bust_share_by_year(self) -> Float64Array:
        """Share of paths that have busted by the end of each year (cumulative)."""
        year = self.paths["bust_year"]
        return np.array([float(np.mean((year >= 0) & (year <= t))) for t in range(len(self.years))])

    def bust_causes(self) -> dict[str, float]:
        """Share of all paths busted by each mechanism (herding on the gap, funding, base rate)."""
        return {
            key: float(np.mean(self.paths[f"{key}_bust"]))
            for key in ("herding", "funding", "base_rate")
        }

    def median_bust_year(self) -> int | None:
        """Calendar year of the median bust over all paths (None: beyond the horizon)."""
        med = float(np.median(self.paths["bust_time"]))
        return None if not np.isfinite(med) else self.spec.start_year + int(np.floor(med))

    def depth_quantiles(self) -> dict[str, float | None]:
        """Quantiles (10/50/90%) of the index's peak-to-trough fall over busted paths."""
        depth = self.paths["depth"][self.busted]
        return {f"p{int(q * 100)}": _q(depth, q) for q in (0.1, 0.5, 0.9)}

    def legacy(self) -> dict[str, float | None]:
        """Medians over busted paths, at the bust: GW installed, durable and GPU values (USD bn)."""
        return {
            key: _q(self.paths[key], 0.5)
            for key in ("gw_at_bust", "durable_nbv_at_bust", "gpu_book_nbv_at_bust", "gpu_writeoff")
        }

    def gpu_life_context(self) -> dict[str, float | None]:
        """The scenario's GPU lives next to the rental-path estimate of :mod:`economy.gpu`.

        ``h100_economic_life_rental_path`` is the cash-rule economic life of an H100 from
        :func:`bubblescope.economy.gpu.gpu_economics` (None if it outlives the model horizon);
        when it is at least the book life, a bust writes off nothing beyond normal depreciation.
        """
        from bubblescope.economy.gpu import gpu_economics

        return {
            "book_life": self.spec.value("gpu_book_life"),
            "economic_life": self.spec.value("gpu_economic_life"),
            "h100_economic_life_rental_path": gpu_economics("H100").economic_life,
        }

    def distress(self) -> dict[str, Any]:
        """Firms in default and in distress: means, share of paths with any, per-firm shares."""
        default = self.paths["firms_in_default"]
        distress = self.paths["firms_in_distress"]

        def ranked(shares: dict[str, float]) -> dict[str, float]:
            return dict(sorted(shares.items(), key=lambda kv: -kv[1]))

        return {
            "mean_firms_in_default": float(default.mean()),
            "share_paths_with_default": float(np.mean(default > 0)),
            "mean_firms_in_distress": float(distress.mean()),
            "share_paths_with_distress": float(np.mean(distress > 0)),
            "firm_default_share": ranked(self.firm_default_share),
            "firm_distress_share": ranked(self.firm_distress_share),
        }

    def wealth_effect_at(self, fall: float) -> WealthEffect:
        """Spending response to a fall in AI stocks, with this scenario's calibration."""
        v = self.spec.values()
        return wealth_effect(
            fall,
            wealth_gain=v["wealth_gain"],
            spending_gain=v["spending_gain"],
            spending_gain_share=v["spending_gain_share"],
            ai_wealth_per_10pct=v["ai_wealth_per_10pct"],
            top10_consumption_share=v["top10_consumption_share"],
            top10_wealth_effect_share=v["top10_wealth_effect_share"],
        )

    def macro(self) -> dict[str, Any]:
        """AI investment's contribution to GDP growth and the wealth effect of the median bust."""
        depth = self.depth_quantiles()["p50"]
        gdp = self.paths["gdp_contribution_pp"]
        return {
            "furman_h1_2025": furman_reference().to_dict(),
            "gdp_contribution_pp_first_year_median": float(np.median(gdp[:, 0])),
            "gdp_contribution_pp_bust_year_median": _q(
                gdp[self.busted, self.paths["bust_year"][self.busted].astype(int)], 0.5
            ),
            "jpm_10pct_fall": self.wealth_effect_at(0.1).to_dict(),
            "median_bust_wealth_effect": (
                self.wealth_effect_at(depth).to_dict() if depth is not None else None
            ),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per year: medians and bands of capex, funding, power, prices, macro, busts."""
        p = self.paths
        med = {
            k: np.median(p[k], axis=0)
            for k in (
                "capex",
                "planned",
                "internal",
                "debt",
                "equity",
                "revenue",
                "gdp_contribution_pp",
                "spending_effect",
            )
        }
        price = p["price"][:, 1:]
        return pd.DataFrame(
            {
                "capex_median": med["capex"],
                "capex_mean": p["capex"].mean(axis=0),
                "planned_median": med["planned"],
                "power_cap": p["power_cap"][0],
                "internal_mean": p["internal"].mean(axis=0),
                "debt_mean": p["debt"].mean(axis=0),
                "equity_mean": p["equity"].mean(axis=0),
                "power_binding_share": np.mean(p["capex"] >= p["power_cap"] * (1 - 1e-12), axis=0),
                "ai_revenue_median": med["revenue"],
                "ai_demand_median": np.median(p["demand"], axis=0),
                "priced_revenue": p["priced_revenue"][0],
                "gap_median_before_bust": [_q(p["gap"][:, t], 0.5) for t in range(len(self.years))],
                "revenue_required_median": self.revenue_per_capex * med["capex"],
                **{f"{key}_median": np.median(p[key], axis=0) for key in DEMAND_KEYS if key in p},
                "index_p10": np.quantile(price, 0.1, axis=0),
                "index_median": np.median(price, axis=0),
                "index_p90": np.quantile(price, 0.9, axis=0),
                "bust_share_cumulative": self.bust_share_by_year(),
                "gdp_contribution_pp_median": med["gdp_contribution_pp"],
                "spending_effect_median": med["spending_effect"],
            },
            index=pd.Index(self.years, name="year"),
        )

    def _demand_lines(self, frame: pd.DataFrame) -> list[str]:
        """Enterprise vs consumer/API revenue, adoption and the cash margin (medians)."""
        if not all(f"{key}_median" in frame for key in DEMAND_KEYS):
            return []
        first, last = frame.iloc[0], frame.iloc[-1]
        return [
            f"Demand side: enterprise {first['enterprise_revenue_median']:,.0f} -> "
            f"{last['enterprise_revenue_median']:,.0f} USD bn (US firms using AI "
            f"{first['adoption_median']:.1%} -> {last['adoption_median']:.1%}), consumer/API "
            f"{first['consumer_revenue_median']:,.0f} -> "
            f"{last['consumer_revenue_median']:,.0f} USD bn, {self.years[0]} -> "
            f"{self.years[-1]}; token gross margin {first['api_margin_median']:.0%} -> "
            f"{last['api_margin_median']:.0%}, cash margin on AI revenue "
            f"{first['gross_margin_median']:.0%} -> {last['gross_margin_median']:.0%} (medians)"
        ]

    def summary(self) -> str:
        """Headline numbers and the inputs they rest on."""
        share = self.bust_share_by_year()
        year = self.median_bust_year()
        dq = self.depth_quantiles()
        leg = self.legacy()
        dist = self.distress()
        mac = self.macro()
        furman = mac["furman_h1_2025"]
        frame = self.to_frame()
        bust_we = mac["median_bust_wealth_effect"]
        lives = self.gpu_life_context()

        def pct(x: float | None) -> str:
            return "n/a" if x is None else f"{x:.0%}"

        def num(x: float | None, unit: str) -> str:
            return "n/a" if x is None else f"{x:,.0f} {unit}"

        top = [(k, v) for k, v in dist["firm_distress_share"].items() if v > 0][:5]
        lines = [
            f"Scenario {self.spec.name!r} ({self.spec.origin}): {self.n_paths:,} paths, "
            f"{self.years[0]}-{self.years[-1]}"
            + (f"; overrides {', '.join(self.spec.overrides)}" if self.spec.overrides else ""),
            f"Bust within the horizon: {pct(float(share[-1]))} of paths "
            f"(by {self.years[min(2, len(self.years) - 1)]}: "
            f"{pct(float(share[min(2, len(share) - 1)]))}); median bust year: "
            f"{year if year is not None else 'beyond ' + str(self.years[-1])}; "
            f"{pct(float(np.mean(self.paths['funding_bust'])))} of paths bust on funding",
            *self._valuation_lines(float(share[-1])),
            f"Revenue: AI revenue {frame['ai_revenue_median'].iloc[0]:,.0f} USD bn in "
            f"{self.years[0]} against {frame['revenue_required_median'].iloc[0]:,.0f} USD bn "
            f"that Sequoia's rule requires for the year's GPU spend (x{self.revenue_per_capex:g} "
            f"of capex: x4 on its GPU share); {frame['ai_revenue_median'].iloc[-1]:,.0f} vs "
            f"{frame['revenue_required_median'].iloc[-1]:,.0f} in {self.years[-1]} (medians)",
            *self._demand_lines(frame),
            f"Depth (peak-to-trough of the AI index, busted paths): median {pct(dq['p50'])}, "
            f"10-90%: {pct(dq['p10'])}-{pct(dq['p90'])}",
            f"Network stress: mean {dist['mean_firms_in_default']:.1f} firms in default, "
            f"{dist['mean_firms_in_distress']:.1f} in distress; most often distressed: "
            + (", ".join(f"{k} {v:.0%}" for k, v in top) or "none"),
            (
                f"Legacy at the bust (medians): {num(leg['gw_at_bust'], 'GW')} installed, durable "
                f"plant and shells {num(leg['durable_nbv_at_bust'], 'USD bn')} vs GPU book value "
                f"{num(leg['gpu_book_nbv_at_bust'], 'USD bn')}, of which written off "
                f"{num(leg['gpu_writeoff'], 'USD bn')}"
            )
            if self.busted.any()
            else "Legacy: no path busts within the horizon",
            f"GPU lives: book {lives['book_life']:g} y, economic {lives['economic_life']:g} y "
            f"in this scenario; the H100 rental path of economy.gpu gives "
            + (
                "more than its horizon"
                if lives["h100_economic_life_rental_path"] is None
                else f"{lives['h100_economic_life_rental_path']:g} y"
            ),
            f"GDP: AI capex adds {mac['gdp_contribution_pp_first_year_median']:.2f} pp in "
            f"{self.years[0]} (median); H1-2025 reference {furman['ai_contribution_pp']:.2f} pp, "
            f"ex-AI growth {furman['ex_ai_growth_pct']:.2f}% (Furman: "
            f"{furman['published_ex_ai_growth_pct']:g}%)",
            f"Wealth effect: a 10% fall costs {mac['jpm_10pct_fall']['spending_loss_usd_bn']:.0f} "
            "USD bn of spending (JPMorgan ~95)"
            + (
                f"; the median bust costs {bust_we['spending_loss_usd_bn']:,.0f} USD bn "
                f"({bust_we['top10_spending_cut']:.1%} of the top 10%'s spending)"
                if bust_we
                else ""
            ),
        ]
        return "\n".join(lines)

    def _gap_at_bust(self) -> float | None:
        """Median log revenue gap in the bust year over busted paths (None without a bust)."""
        rows = np.flatnonzero(self.busted)
        years = self.paths["bust_year"][rows].astype(int)
        return _q(self.paths["gap"][rows, years], 0.5)

    def _valuation_lines(self, bust_share: float) -> list[str]:
        """The priced path, the base rate and the bust's mechanisms, for the summary."""
        lines = []
        if self.pricing is not None:
            pg = self.pricing
            lines.append(
                f"Valuation: the AI index at {pg.market_value:,.0f} USD bn is "
                f"{pg.market_value / pg.fundamental_value - 1:.0%} above its DCF value at the "
                f"expected revenue growth of {pg.expected_growth:.1%} a year; its price implies "
                f"{pg.implied_growth:.1%} a year (reverse DCF)"
                + (
                    f"; median revenue gap at the bust {gap:.2f} (log)"
                    if (gap := self._gap_at_bust()) is not None
                    else ""
                )
            )
        causes = self.bust_causes()
        mech = (
            f"herding on the gap {causes['herding']:.0%}, funding failure "
            f"{causes['funding']:.0%}, base-rate crash {causes['base_rate']:.0%} of paths"
        )
        if self.base_rate is not None:
            br = self.base_rate
            lines.append(
                f"Base rate: {len(br.crashes)} S&P 500 falls of {br.threshold:.0%} or more in "
                f"{br.years:.1f} years ({br.first[:4]}-{br.last[:4]}), h0 = {br.rate:.3f} a year, "
                f"so {br.odds(len(self.years)):.0%} over {len(self.years)} years with nothing "
                f"mispriced, against {bust_share:.0%} here ({mech})"
            )
        else:
            lines.append(f"Bust mechanisms: {mech}")
        return lines

    def to_dict(self) -> JSONDict:
        """JSON-ready: scenario with provenance, headline numbers and the yearly table."""
        frame = self.to_frame()
        out: JSONDict = to_jsonable(
            {
                "scenario": self.spec.to_dict(),
                "n_paths": self.n_paths,
                "chunk_size": self.chunk_size,
                "bust": {
                    "share_by_year": dict(
                        zip(map(str, self.years), self.bust_share_by_year().tolist(), strict=True)
                    ),
                    "median_year": self.median_bust_year(),
                    "funding_share": float(np.mean(self.paths["funding_bust"])),
                    "causes": self.bust_causes(),
                    "depth": self.depth_quantiles(),
                },
                "valuation": self.pricing.to_dict() if self.pricing else None,
                "base_rate": self.base_rate.to_dict() if self.base_rate else None,
                "distress": self.distress(),
                "defaults_by_cut": {f"{k:.2f}": list(v) for k, v in self.defaults_by_cut.items()},
                "distressed_by_cut": {
                    f"{k:.2f}": list(v) for k, v in self.distressed_by_cut.items()
                },
                "legacy": {**self.legacy(), "gpu_lives": self.gpu_life_context()},
                "macro": self.macro(),
                "yearly": frame.reset_index().to_dict(orient="records"),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Index band, bust share, revenue vs the priced path, capex vs plan and power, GDP."""
        f = self.to_frame()
        x = list(self.years)
        furman = furman_reference()
        return ChartSpec(
            title=f"AI capex scenario {self.spec.name!r} ({self.n_paths:,} paths)",
            panels=(
                Panel(
                    "AI equity index (end of year, start = 1)",
                    "index",
                    lines=(
                        Line(x, f["index_p10"].tolist(), "10th percentile", dash="dot"),
                        Line(x, f["index_median"].tolist(), "index (median)"),
                        Line(x, f["index_p90"].tolist(), "90th percentile", dash="dot"),
                    ),
                ),
                Panel(
                    "Share of paths busted (cumulative), %",
                    "% of paths",
                    lines=(Line(x, (100.0 * f["bust_share_cumulative"]).tolist(), "busted"),),
                    yrange=(0.0, 100.0),
                ),
                Panel(
                    "AI revenue against the path the price implies, USD bn a year",
                    "USD bn/yr",
                    lines=(
                        Line(x, f["priced_revenue"].tolist(), "priced (reverse DCF)", dash="dash"),
                        Line(x, f["ai_demand_median"].tolist(), "demand (median)", dash="dot"),
                        Line(x, f["ai_revenue_median"].tolist(), "served (median)"),
                        *(
                            Line(x, f[f"{key}_median"].tolist(), f"{label} (median)", color)
                            for key, label, color in (
                                ("enterprise_revenue", "enterprise adoption", "#009E73"),
                                ("consumer_revenue", "consumer and API tokens", "#CC79A7"),
                            )
                            if f"{key}_median" in f
                        ),
                    ),
                ),
                Panel(
                    "Capex, USD bn",
                    "USD bn",
                    # capex follows the plan until funding or power binds: the plan is a wide
                    # grey line under the narrower capex line, so both show where they coincide;
                    # the dashed and dotted lines are drawn over them, capex showing in the gaps
                    lines=(
                        Line(
                            x, f["planned_median"].tolist(), "plan (median)", "#AAAAAA", width=7.0
                        ),
                        Line(x, f["capex_median"].tolist(), "capex (median)", "#D55E00", width=3.0),
                        Line(x, f["power_cap"].tolist(), "power cap", "#009E73", dash="dash"),
                        *(
                            Line(x, f[f"{key}_mean"].tolist(), f"{key} (mean)", color, dash="dot")
                            for key, color in (
                                ("internal", "#0072B2"),
                                ("debt", "#CC79A7"),
                                ("equity", "#E69F00"),
                            )
                        ),
                    ),
                ),
                Panel(
                    "AI capex contribution to GDP growth, pp",
                    "pp",
                    lines=(
                        Line(
                            x,
                            f["gdp_contribution_pp_median"].tolist(),
                            "GDP contribution (median)",
                            "#0072B2",
                            width=2.0,
                        ),
                        # Furman's H1-2025 reading as a line of the legend in both renderers
                        Line(
                            x,
                            [furman.ai_contribution_pp] * len(x),
                            f"H1 2025 (Furman, MAC-01/02): {furman.ai_contribution_pp:.1f} pp",
                            "#666666",
                            width=1.0,
                            dash="dash",
                        ),
                    ),
                ),
            ),
            xlabel="year",
            source="bubblescope.scenario; inputs: " + self.spec.origin,
            notes=(
                "Model and inputs: bubblescope.scenario.model; every input's source in "
                "to_dict()['scenario']['parameters'].",
            ),
        )
