"""The section of an analysis with no hand-written builder, generated from its result.

Its intro is the registry entry's help, then the result's ``summary()`` as text; its chart is the
result's ``chart_spec()``; its data the result's ``to_dict()``. A result whose ``to_dict()`` lists
``inputs`` (name, value, unit, kind, source) gets them as a table, so their fact ids are cited in
the report's sources.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from bubblescope.analyses.base import PRESET_NAMES, Analysis
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Section, Table
from bubblescope.result import Result

__all__ = ["builder", "section"]

_INPUT_KEYS = ("name", "value", "unit", "kind", "source")


def _inputs_table(data: dict[str, Any]) -> tuple[Table, ...]:
    rows = data.get("inputs")
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and set(_INPUT_KEYS) <= set(r) for r in rows
    ):
        return ()
    return (
        Table(
            "Inputs (kind and source of every number)",
            ("input", "value", "kind", "source"),
            tuple(
                (
                    str(r["name"]),
                    f"{r['value']:,.10g} {r['unit']}",
                    str(r["kind"]),
                    str(r["source"]),
                )
                for r in rows
            ),
        ),
    )


def section(entry: Analysis[Any], result: Result) -> Section:
    """The report section of ``result``, an outcome of ``entry``."""
    data = result.to_dict()
    return Section(
        key=entry.name,
        title=entry.title,
        intro=entry.help,
        html=f'<pre class="summary">{html.escape(result.summary())}</pre>',
        charts=(Chart(result.chart_spec()),),
        tables=_inputs_table(data),
        data=data,
    )


def builder(entry: Analysis[Any]) -> Callable[[ReportContext], Section]:
    """A section builder: ``entry`` run with the report's preset (on the NASDAQ for a series)."""

    def build(ctx: ReportContext) -> Section:
        preset = ctx.settings.run.name if ctx.settings.run.name in PRESET_NAMES else "standard"
        data = ctx.frames["NASDAQ"] if entry.needs_series else None
        return section(entry, entry.run(data, entry.settings.preset(preset)))

    return build
