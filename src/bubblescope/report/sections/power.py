"""Power demand: data-centre electricity projections against the grid's own growth."""

from __future__ import annotations

from bubblescope.economy.power import grid_comparison
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build"]


def build(ctx: ReportContext) -> Section:
    """Projections (IEA, LBNL, EIA) and the data-centre share of US demand growth."""
    res = grid_comparison()
    f = res.to_frame()
    src = "bubblescope.economy.power.grid_comparison; projections ENE-06..ENE-11"
    numbers = [
        Number(
            f"{name}: {int(r['end_year'])} demand",
            f"{r['end_twh']:,.0f} TWh ({100 * r['cagr']:.1f}%/yr)",
            src,
            raw=float(r["end_twh"]),
        )
        for name, r in f.iterrows()
        if r["kind"] == "data centres"
    ]
    grid = res.grid[0].label
    for p in res.data_centres:
        if p.label.startswith("US"):
            share = res.dc_share_of_growth(p.label, grid)
            numbers.append(
                Number(
                    f"{p.label}: share of the TWh {grid} adds per year",
                    f"{100 * share:.0f}%",
                    src,
                    raw=100 * share,
                )
            )
    rows = tuple(
        (
            str(n),
            str(r["kind"]),
            f"{int(r['start_year'])}: {r['start_twh']:,.0f}",
            f"{int(r['end_year'])}: {r['end_twh']:,.0f}",
            f"{100 * r['cagr']:.1f}%",
            f"{r['end_average_gw']:,.1f}",
        )
        for n, r in f.iterrows()
    )
    inputs = tuple((i.name, str(i.quantity), i.kind, i.source) for i in res.inputs)
    return Section(
        key="power",
        title="Power demand",
        intro=(
            "How much electricity the AI build-out needs, from published projections, and "
            "how that compares with the growth of total US demand: the TWh data centres add "
            "each year as a share of what the whole grid adds."
        ),
        numbers=tuple(numbers),
        charts=(Chart(res.chart_spec()),),
        tables=(
            Table(
                "Projections (TWh; average GW at the end year)",
                ("series", "kind", "start", "end", "growth", "average GW"),
                rows,
            ),
            Table("Inputs", ("input", "value", "kind", "source"), inputs),
        ),
        data=res.to_dict(),
    )
