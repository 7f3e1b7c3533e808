"""Depreciation restatement: Burry's claim that hyperscalers understate depreciation."""

from __future__ import annotations

from bubblescope.economy.depreciation import burry_case
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build"]


def build(ctx: ReportContext) -> Section:
    """Book vs economic depreciation of the big-5 capex path and the implied economic life."""
    res = burry_case()
    src = "bubblescope.economy.depreciation.burry_case; target DEP-01, short-lived share DEP-14"
    numbers = [
        Number(
            f"understated depreciation {res.window[0]}–{res.window[1]}"
            if res.window
            else "understated depreciation",
            f"{res.total():,.1f} USD bn pre-tax",
            src,
            raw=res.total(),
        )
    ]
    if res.implied_life is not None:
        numbers.append(
            Number(
                "economic life implied by that figure",
                f"{res.implied_life:.2f} years",
                src,
                raw=res.implied_life,
            )
        )
    inputs = tuple((i.name, str(i.quantity), i.kind, i.source) for i in res.inputs)
    return Section(
        key="depreciation",
        title="Depreciation restatement",
        intro=(
            "Servers and network gear are depreciated over 5.5–6 years on the books. If "
            "their economic life is shorter, earnings are overstated. This section restates "
            "the big-5 capex path at the economic life that reproduces Burry's $176B "
            "understatement for 2026–28 and shows the gap year by year."
        ),
        numbers=tuple(numbers),
        charts=(Chart(res.chart_spec()),),
        tables=(
            Table(
                "Inputs (kind and source of every assumption)",
                ("input", "value", "kind", "source"),
                inputs,
            ),
        ),
        notes=res.notes,
        data=res.to_dict(),
    )
