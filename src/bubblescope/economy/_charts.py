"""The chart most economy results draw: one panel of one bar series over named categories."""

from __future__ import annotations

from typing import Any

from bubblescope.charts import Bar, ChartSpec, Panel, Values

__all__ = ["bar_chart"]


def bar_chart(
    title: str,
    panel: str,
    ylabel: str,
    categories: Values,
    values: Values,
    *,
    source: str,
    name: str = "",
    color: str = "#0072B2",
    **panel_options: Any,
) -> ChartSpec:
    """``values`` as bars over ``categories`` under ``panel``'s title.

    ``name`` is the bars' legend entry; without one the chart has no legend (the panel title
    says what the bars are). ``panel_options`` go to the :class:`~bubblescope.charts.Panel`
    (``hlines``, ``logy``, ``height`` ...).
    """
    return ChartSpec(
        title,
        (
            Panel(
                panel,
                ylabel,
                bars=(Bar([str(c) for c in categories], values, name or panel, color=color),),
                **panel_options,
            ),
        ),
        source=source,
        legend=bool(name),
    )
