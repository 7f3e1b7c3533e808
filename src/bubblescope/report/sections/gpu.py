"""GPU economics: how long a GPU earns its keep (Bernstein's cash rule vs Burry's payback)."""

from __future__ import annotations

from bubblescope.economy.gpu import bernstein_vs_burry, gpu_economics
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build"]


def _years(value: float | None) -> str:
    return "beyond the horizon" if value is None or value != value else f"{value:.1f} years"


def build(ctx: ReportContext) -> Section:
    """H100 bought in 2023: rent vs cash cost by age; cohorts under both rules."""
    h100 = gpu_economics("H100")
    src = "bubblescope.economy.gpu.gpu_economics('H100'); rents GPU-01..03, power GPU-10"
    cash = float(h100.to_dict()["cash_cost"]["total_usd_per_gpu_hour"])
    numbers = [
        Number("H100 cash cost (power + colocation)", f"{cash:.2f} USD/GPU-h", src, raw=cash),
        Number(
            "H100 full-cost break-even rent over the book life",
            f"{h100.full_cost_price:.2f} USD/GPU-h",
            src,
            raw=h100.full_cost_price,
        ),
        Number("H100 (2023) payback", _years(h100.payback_years), src, raw=h100.payback_years),
        Number(
            "H100 (2023) economic life, cash rule",
            _years(h100.economic_life),
            src,
            raw=h100.economic_life,
        ),
    ]
    cohorts = bernstein_vs_burry()
    cf = cohorts.to_frame()
    rows = tuple(
        (
            str(name),
            f"{r['cash_cost_usd_per_gpu_hour']:.2f}",
            f"{r['rent_year1_usd_per_gpu_hour']:.2f}",
            _years(r["bernstein_cash_life_years"]),
            _years(r["burry_payback_years"]),
            f"{r['burry_npv_over_book_life_usd']:,.0f}",
        )
        for name, r in cf.iterrows()
    )
    inputs = tuple((i.name, str(i.quantity), i.kind, i.source) for i in h100.inputs)
    return Section(
        key="gpu",
        title="GPU economics",
        intro=(
            "Bernstein argues a GPU stays in service while its rent covers the cash cost of "
            "running it (power and colocation); Burry argues it must repay its purchase "
            "price within its book life, against a two-to-three-year product cycle. Both "
            "rules are applied to the same rents and costs, for cohorts bought at launch "
            "and bought today."
        ),
        numbers=tuple(numbers),
        charts=(Chart(h100.chart_spec()),),
        tables=(
            Table(
                "Cohorts under both rules (USD/GPU-h; NPV in USD per GPU)",
                (
                    "cohort",
                    "cash cost",
                    "rent, year 1",
                    "Bernstein cash life",
                    "Burry payback",
                    "NPV over book life",
                ),
                rows,
            ),
            Table("Inputs (H100)", ("input", "value", "kind", "source"), inputs),
        ),
        data={"h100_2023": h100.to_dict(), "cohorts": cohorts.to_dict()},
    )
