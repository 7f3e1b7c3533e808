"""The firms as they stand: balance sheets, exposures, runway and restated P/E, each linked.

The section is the ``firms`` registry entry's result: its tables (every number linked to its
SEC filing's index or to its fact's source) as the section's HTML, its chart and the charts of
its runway and restated-P/E parts, and its notes. The stress takes the report's shock (the one
the network section shows), so the two sections agree.
"""

from __future__ import annotations

from bubblescope.analyses.engines import FIRMS, FirmsSettings, run_firms
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Section, fact_ids_in

__all__ = ["build"]


def build(ctx: ReportContext) -> Section:
    """Balance sheets, the report's stress per firm, runway and restated P/E."""
    s = ctx.settings
    settings = FirmsSettings(shocks=(f"{s.shock_firm}={s.shock_fraction!r}",))
    res = run_firms(None, settings)
    data = res.to_dict()
    cited = [
        fid
        for firm in data["firms"]
        for v in firm["values"]
        for link in v["links"]
        for fid in fact_ids_in(link["text"])
    ]
    cited += [
        fid
        for part in (data["runway"]["short_year"], data["flattered"]["firms"])
        for row in part
        for link in row["links"]
        for fid in fact_ids_in(link["text"])
    ]
    facts = list(dict.fromkeys(cited))
    return Section(
        key=FIRMS.name,
        title=FIRMS.title,
        intro=FIRMS.help,
        html=res.to_html(),
        charts=(
            Chart(res.chart_spec()),
            Chart(res.runway.chart_spec()),
            Chart(res.flattered.chart_spec()),
        ),
        notes=(f"Facts behind the sourced values: {', '.join(facts)}.",) if facts else (),
        data=data,
    )
