"""The composite bubble gauge with its components (needs Shiller's monthly data)."""

from __future__ import annotations

import pandas as pd

from bubblescope.errors import InputError
from bubblescope.gauge import CRITERIA, bubble_gauge, shiller_proxies
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build", "read_shiller"]

INTRO = ("A transparent gauge in the spirit of Dalio's bubble indicator: each criterion is "
         "measured by named proxies, each proxy is ranked against its own history (0 = lowest "
         "ever, 100 = bubbliest), and the aggregate is the weighted mean of the criteria that "
         "have data; uncovered weight is reported, never filled.")


def read_shiller(path: object) -> pd.DataFrame:
    """Read a tidy Shiller monthly CSV (``date, P, E, CPI, GS10, CAPE``) indexed by date."""
    try:
        frame = pd.read_csv(str(path), parse_dates=["date"])
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the Shiller file {path}: {exc}",
                         hint="pass a CSV with columns date, P, E, CPI, GS10, CAPE") from exc
    return frame.set_index("date")


def build(ctx: ReportContext) -> Section:
    """Latest reading, criteria and proxies over time, or how to supply the data."""
    if ctx.shiller is None:
        return Section(key="gauge", title="Bubble gauge", intro=INTRO,
                       notes=("The gauge's built-in proxies come from Shiller's monthly data, "
                              "which is not bundled; run `bubblescope report --shiller "
                              "shiller_monthly.csv` (columns date, P, E, CPI, GS10, CAPE) to "
                              "include it.",))
    res = bubble_gauge(shiller_proxies(read_shiller(ctx.shiller)))
    latest = res.reading(res.aggregate.dropna().index[-1])
    src = f"bubblescope.gauge on Shiller monthly data ({ctx.shiller.name})"
    numbers = [Number(f"aggregate reading, {latest['date'].date()}",
                      f"{latest['aggregate']:.1f} / 100", src, raw=latest["aggregate"]),
               Number("weight covered by data", f"{100 * latest['coverage']:.0f}%", src,
                      raw=100 * latest["coverage"])]
    rows = tuple((label, f"{res.weights[c]:g}",
                  "missing" if latest["criteria"][c] is None
                  else f"{latest['criteria'][c]:.1f}") for c, label in CRITERIA.items())
    proxies = tuple((k, "missing" if v is None else f"{v:.1f}", res.sources.get(k, ""))
                    for k, v in latest["proxies"].items())
    return Section(
        key="gauge", title="Bubble gauge", intro=INTRO, numbers=tuple(numbers),
        charts=(Chart(res.chart_spec()),),
        tables=(Table("Criteria (latest reading)", ("criterion", "weight", "percentile"), rows),
                Table("Proxies (latest reading)", ("proxy", "percentile", "source"), proxies)),
        notes=(f"Missing criteria: {', '.join(res.missing_criteria()) or 'none'}; ranking "
               f"{res.ranking} (point-in-time).",),
        data=res.to_dict(),
    )
