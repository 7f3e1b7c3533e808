"""Valuation: then vs now multiples, Sequoia's revenue gap and Nadella's growth test."""

from __future__ import annotations

from bubblescope.economy.valuation import history_multiples, nadella_test, sequoia_2024
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build"]


def build(ctx: ReportContext) -> Section:
    """Multiples table, the $600B question, and the growth benchmark."""
    multiples = history_multiples()
    gap = sequoia_2024()
    growth = nadella_test()
    src = "bubblescope.economy.valuation"
    numbers = [
        Number(
            "revenue AI must earn (Sequoia, June 2024)",
            f"{gap.required_revenue:,.0f} USD bn/yr",
            f"{src}.sequoia_2024; VAL-08",
            raw=gap.required_revenue,
        )
    ]
    if gap.gap is not None:
        numbers.append(
            Number(
                "gap to assumed AI revenue",
                f"{gap.gap:,.0f} USD bn/yr",
                f"{src}.sequoia_2024; VAL-08",
                raw=gap.gap,
            )
        )
    g = growth.to_frame()
    numbers.append(
        Number(
            "observed US real GDP growth vs Nadella's 10% benchmark",
            f"{g['observed_pct'].iloc[0]:.1f}% vs {g['threshold_pct'].iloc[0]:.0f}%",
            f"{src}.nadella_test; MAC-02, VAL-09",
            raw=float(g["observed_pct"].iloc[0]),
        )
    )
    m = multiples.to_frame()
    rows = tuple(
        (str(label), str(r["kind"]), f"{r['value']:,.2f}", str(r.get("source", "")))
        for label, r in m.iterrows()
    )
    inputs = tuple((i.name, str(i.quantity), i.kind, i.source) for i in gap.inputs)
    return Section(
        key="valuation",
        title="Valuation: then and now",
        intro=(
            "Multiples of the dot-com leaders next to today's AI leaders, Sequoia's "
            "'$600B question' (the revenue the data-centre build-out must eventually earn), "
            "and Nadella's benchmark that real growth must show up in the economy."
        ),
        numbers=tuple(numbers),
        charts=(Chart(gap.chart_spec()),),
        tables=(
            Table(
                "Multiples, then and now", ("company, date", "multiple", "value", "source"), rows
            ),
            Table("Sequoia inputs", ("input", "value", "kind", "source"), inputs),
        ),
        data={
            "multiples": multiples.to_dict(),
            "sequoia": gap.to_dict(),
            "nadella": growth.to_dict(),
        },
    )
