"""One chart spec, two renderers: the plotly dict and the matplotlib figure agree in content."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from bubblescope.charts import (
    Band,
    Bar,
    ChartSpec,
    HLine,
    Line,
    Marker,
    Panel,
    render_matplotlib,
    to_plotly,
)


def _spec() -> ChartSpec:
    dates = pd.date_range("2000-01-01", periods=4, freq="MS")
    top = Panel(
        "price",
        ylabel="log price",
        lines=(
            Line(list(dates), [1.0, 2.0, np.nan, 3.0], "close"),
            Line(list(dates), [5.0, 4.0, 3.0, 2.0], "volume", secondary=True),
        ),
        bands=(Band(dates[1], dates[2], "episode"),),
        markers=(Marker(dates[3], 3.0, "peak"),),
        logy=True,
    )
    bottom = Panel(
        "statistic",
        lines=(Line(list(dates), [0.1, 0.5, 1.5, 2.5], "BSADF"),),
        bars=(Bar(list(dates[:2]), [1.0, -2.0], "bars", base=[0.0, 1.0]),),
        hlines=(HLine(1.9, "95% CV"),),
        height=0.5,
    )
    return ChartSpec("demo", (top, bottom), source="test")


def test_plotly_dict_has_every_element_and_is_valid_json() -> None:
    fig = to_plotly(_spec())
    json.dumps(fig, allow_nan=False)
    assert [t["name"] for t in fig["data"]] == ["close", "volume", "BSADF", "bars"]
    assert fig["data"][0]["y"][2] is None  # NaN -> gap
    assert fig["data"][1]["yaxis"] == "y2"
    assert fig["data"][2]["yaxis"] == "y3"
    kinds = sorted(s["type"] for s in fig["layout"]["shapes"])
    assert kinds == ["line", "rect"]
    assert fig["layout"]["yaxis"]["type"] == "log"
    top, bottom = fig["layout"]["yaxis"]["domain"], fig["layout"]["yaxis3"]["domain"]
    assert bottom[1] < top[0]  # stacked, not overlapping
    assert (top[1] - top[0]) > (bottom[1] - bottom[0])  # heights 1.0 vs 0.5
    peak = next(a for a in fig["layout"]["annotations"] if a["text"] == "peak")
    assert peak["y"] == np.log10(3.0)  # plotly wants log10(y) for annotations on a log axis


def test_matplotlib_figure_has_one_axis_per_panel_plus_twin() -> None:
    fig = render_matplotlib(_spec())
    assert len(fig.axes) == 3  # two panels + the secondary axis of the first
    assert fig.axes[0].get_yscale() == "log"
    labels = fig.axes[1].get_legend_handles_labels()[1]
    assert "95% CV" in labels
    assert "BSADF" in labels
