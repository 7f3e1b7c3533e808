"""The one result contract every analysis returns.

A result is a frozen dataclass with

``summary()``
    The text a person reads.
``to_frame()``
    A tidy pandas DataFrame (indexed by the input's dates where there are dates).
``to_dict()``
    Strictly JSON-serialisable data (no NaN, no numpy or pandas types): what ``--json``, the
    report's JSON and the API emit.
``chart_spec()``
    The only description of its figure, a renderer-neutral :class:`~bubblescope.charts.ChartSpec`
    (the report and the dashboard render it with plotly.js, ``plot()`` with matplotlib).
``plot()``
    ``render_matplotlib(self.chart_spec())``.
``_repr_html_()``
    Rich display in Jupyter: the summary, escaped, in a ``<pre>``.

:class:`Result` is the :class:`typing.Protocol` the contract test checks every registered result
type against; :class:`ResultMixin` supplies ``plot()`` and ``_repr_html_()`` from ``summary()`` and
``chart_spec()`` so a result class writes only what is its own.

Examples
--------
>>> from dataclasses import dataclass
>>> import pandas as pd
>>> from bubblescope.charts import ChartSpec, Line, Panel
>>> @dataclass(frozen=True)
... class Demo(ResultMixin):
...     x: tuple[float, ...]
...     def summary(self) -> str:
...         return f"{len(self.x)} points"
...     def to_frame(self) -> pd.DataFrame:
...         return pd.DataFrame({"x": self.x})
...     def to_dict(self) -> dict[str, object]:
...         return {"x": list(self.x)}
...     def chart_spec(self) -> ChartSpec:
...         return ChartSpec("demo", (Panel("x", lines=(Line(range(len(self.x)), self.x, "x"),)),))
>>> isinstance(Demo((1.0, 2.0)), Result)
True
>>> Demo((1.0, 2.0))._repr_html_()
'<pre>2 points</pre>'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from bubblescope.charts import ChartSpec

__all__ = ["Result", "ResultMixin"]


@runtime_checkable
class Result(Protocol):
    """What every analysis result provides (see the module notes)."""

    def summary(self) -> str:
        """The text a person reads."""
        ...

    def to_frame(self) -> pd.DataFrame:
        """A tidy frame of the result."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Strictly JSON-serialisable data."""
        ...

    def chart_spec(self) -> ChartSpec:
        """The renderer-neutral description of the result's figure."""
        ...

    def plot(self) -> Figure:
        """The figure rendered by matplotlib."""
        ...

    def _repr_html_(self) -> str:
        """Rich display in notebooks."""
        ...


class _Described(Protocol):
    def summary(self) -> str: ...

    def chart_spec(self) -> ChartSpec: ...


class ResultMixin:
    """``plot()`` and ``_repr_html_()`` derived from ``chart_spec()`` and ``summary()``."""

    __slots__ = ()

    def plot(self: _Described) -> Figure:
        """The figure of ``chart_spec()``, rendered by matplotlib."""
        from bubblescope.charts import render_matplotlib

        return render_matplotlib(self.chart_spec())

    def _repr_html_(self: _Described) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"
