"""The report's building blocks: numbers with sources, tables, charts and sections.

A section builder (see :mod:`bubblescope.report.sections`) calls an engine, reads its result
objects and returns a :class:`Section`; renderers (HTML, PDF) only lay sections out. Every
:class:`Number` carries the source it came from: a fact id of the fact base (linked to the
sources table) or a description of the data and engine that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bubblescope.charts import ChartSpec, render_matplotlib, to_plotly

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FACT_ID", "Chart", "Number", "Section", "Table", "fact_ids_in"]

#: Pattern of a fact-base id (``DEP-01``, ``CAP-05b``, ``GWC-01``).
FACT_ID = re.compile(r"\b[A-Z]{2,4}-\d{2}[a-z]?\b")


def fact_ids_in(text: str) -> list[str]:
    """Fact-base ids mentioned in ``text``, in order of first appearance."""
    seen: list[str] = []
    for match in FACT_ID.findall(text or ""):
        if match not in seen:
            seen.append(match)
    return seen


@dataclass(frozen=True)
class Number:
    """One reported number: a label, its formatted value and where it comes from.

    Attributes
    ----------
    label : str
        What the number is, in plain words.
    value : str
        The formatted value with its unit.
    source : str
        A fact id (``"DEP-01"``) or a description of the data and engine behind it.
    raw : float or None
        The unformatted value (tests compare it with the engine's own result).
    """

    label: str
    value: str
    source: str
    raw: float | None = None

    @property
    def fact_ids(self) -> list[str]:
        """Fact-base ids named in :attr:`source`."""
        return fact_ids_in(self.source)


@dataclass(frozen=True)
class Table:
    """A small table: column names and rows of already formatted cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A figure drawn by two renderers from one description.

    Either ``spec`` (a :class:`~bubblescope.charts.ChartSpec`, rendered by
    :func:`~bubblescope.charts.to_plotly` and :func:`~bubblescope.charts.render_matplotlib`)
    or a pre-built plotly figure dict plus a matplotlib factory, for figures that are not
    x-y panels (the financing network).
    """

    spec: ChartSpec | None = None
    plotly_figure: dict[str, Any] | None = None
    matplotlib_figure: Callable[[], Figure] | None = None
    caption: str = ""

    def plotly(self) -> dict[str, Any]:
        """The plotly.js figure dict."""
        if self.spec is not None:
            return to_plotly(self.spec)
        if self.plotly_figure is None:
            raise ValueError("a Chart needs a spec or a plotly figure")
        return self.plotly_figure

    def matplotlib(self) -> Figure:
        """The matplotlib Figure (for the PDF)."""
        if self.spec is not None:
            return render_matplotlib(self.spec)
        if self.matplotlib_figure is None:
            raise ValueError("a Chart needs a spec or a matplotlib factory")
        return self.matplotlib_figure()


@dataclass(frozen=True)
class Section:
    """One titled part of the report.

    Attributes
    ----------
    key : str
        Anchor id (``"psy"``).
    title : str
    intro : str
        Plain-language paragraph: what the section shows and how to read it.
    numbers : tuple of Number
        Headline numbers with their sources.
    charts : tuple of Chart
        Charts; ``side_by_side`` lays them out in two columns.
    tables : tuple of Table
    notes : tuple of str
        Settings and caveats.
    side_by_side : bool
    data : dict
        JSON-ready payload (the engines' ``to_dict()``), emitted by ``--json``.
    html : str
        A block of trusted, already escaped HTML shown after the intro (the status table,
        rendered by :func:`bubblescope.status.status_table_html`).
    """

    key: str
    title: str
    intro: str
    numbers: tuple[Number, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    side_by_side: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    html: str = ""

    def fact_ids(self) -> list[str]:
        """Every fact id the section's numbers, tables and notes cite."""
        texts: Sequence[str] = [
            *(n.source for n in self.numbers),
            *(cell for t in self.tables for row in t.rows for cell in row),
            *self.notes,
        ]
        out: list[str] = []
        for text in texts:
            for fid in fact_ids_in(text):
                if fid not in out:
                    out.append(fid)
        return out
