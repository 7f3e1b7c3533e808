"""One chart spec, two renderers: the plotly dict and the matplotlib figure agree in content."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from bubblescope import charts as charts_module
from bubblescope.charts import (
    PALETTE,
    Y_PAD,
    Band,
    Bar,
    ChartSpec,
    HLine,
    Line,
    Marker,
    Panel,
    Points,
    Text,
    VLine,
    log_ticks,
    panel_yrange,
    render_matplotlib,
    tick_text,
    to_plotly,
)
from bubblescope.detect.drawdowns import drawdown
from bubblescope.economy._network_plot import label_box, network_chart_spec, network_layout
from bubblescope.economy.network import (
    DEFAULT_GROUPS,
    FinancingNetwork,
    load_network,
    network_from_rows,
)
from bubblescope.report.sections.drawdowns import drawdown_charts


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


# --- layout decisions shared by both renderers -------------------------------------------------


def _dates(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2000-01-07", periods=n, freq="W-FRI")


def _prices(n: int = 300, seed: int = 0) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    return np.asarray(1000 * np.exp(np.cumsum(0.01 + 0.03 * rng.standard_normal(n))))


@pytest.mark.parametrize("logy", [False, True])
def test_yrange_covers_the_data_with_a_small_pad(logy: bool) -> None:
    y = _prices()
    panel = Panel(
        "p", lines=(Line(_dates(len(y)), y, "p"),), hlines=(HLine(1200.0, "h"),), logy=logy
    )
    lo, hi = panel_yrange(panel)  # type: ignore[misc]
    data_lo, data_hi = min(y.min(), 1200.0), max(y.max(), 1200.0)
    assert lo < data_lo
    assert hi > data_hi
    if logy:  # padded by Y_PAD of the log span on each side, never by decades
        span = np.log10(data_hi / data_lo)
        assert np.log10(data_lo / lo) == pytest.approx(Y_PAD * span)
        assert np.log10(hi / data_hi) == pytest.approx(Y_PAD * span)
    else:
        assert (data_lo - lo) == pytest.approx(Y_PAD * (data_hi - data_lo))
        assert (hi - data_hi) == pytest.approx(Y_PAD * (data_hi - data_lo))


def test_yrange_bars_start_at_zero_and_explicit_range_wins() -> None:
    bars = Panel("b", bars=(Bar(["a", "b"], [3.0, 5.0], "x"), Bar(["a", "b"], [1.0, 2.0], "y")))
    lo, hi = panel_yrange(bars)  # type: ignore[misc]
    assert lo == 0.0  # bars stand on the axis
    assert hi > 5.0
    floating = Panel("w", bars=(Bar(["a", "b"], [-2.0, 4.0], "w", base=[10.0, 8.0]),))
    lo, hi = panel_yrange(floating)  # type: ignore[misc]
    assert 0.0 < lo < 8.0  # floating bars: bases and tops count, zero does not
    assert hi > 12.0
    assert panel_yrange(replace(bars, yrange=(0.0, 1.0))) == (0.0, 1.0)
    assert panel_yrange(Panel("empty")) is None
    flat = panel_yrange(Panel("f", lines=(Line([1, 2], [0.0, 0.0], "f"),)))
    assert flat is not None
    assert flat[0] < 0.0 < flat[1]
    two_axes = Panel(
        "t",
        lines=(Line([1, 2], [1.0, 2.0], "a"), Line([1, 2], [100.0, 300.0], "b", secondary=True)),
    )
    assert panel_yrange(two_axes)[1] < 100  # type: ignore[index]
    assert panel_yrange(two_axes, secondary=True)[0] > 2  # type: ignore[index]


@pytest.mark.parametrize(
    ("lo", "hi"), [(1.0, 8.0), (1100.0, 8100.0), (20.0, 400.0), (0.5, 2e5), (1e-3, 1e9)]
)
@pytest.mark.parametrize("max_ticks", [2, 4, 8])
def test_log_ticks_lie_in_the_range_and_respect_the_budget(
    lo: float, hi: float, max_ticks: int
) -> None:
    ticks = log_ticks(lo, hi, max_ticks)
    assert ticks is not None
    assert all(lo <= t <= hi for t in ticks)
    assert 1 <= len(ticks) <= max_ticks
    assert ticks == sorted(set(ticks))
    mantissas = {round(t / 10 ** np.floor(np.log10(t)), 6) for t in ticks}
    assert mantissas <= {1.0, 1.5, 2.0, 3.0, 5.0, 7.0}
    # a bigger budget never gives fewer ticks
    assert len(log_ticks(lo, hi, max_ticks + 4) or []) >= len(ticks)


def test_log_ticks_leave_narrow_ranges_to_the_renderer() -> None:
    assert log_ticks(2500.0, 2900.0) is None
    assert log_ticks(5.0, 1.0) is None


@pytest.mark.parametrize("value", [0.25, 1.0, 7.0, 1500.0, 2e4, 3e6, 7.5e9, -2000.0])
def test_tick_text_reads_back_as_the_value(value: float) -> None:
    text = tick_text(value)
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}.get(text[-1], 1.0)
    number = float(text[:-1]) if scale != 1.0 else float(text)
    assert number * scale == pytest.approx(value)
    assert len(text) <= 5


def _stacked(n_strips: int, strip_height: float = 0.36) -> ChartSpec:
    x = _dates(300)
    price = Panel(
        "price", "price (log scale)", lines=(Line(x, _prices(), "p"),), logy=True, height=1.4
    )
    strips = tuple(
        Panel(
            f"s{i}",
            "probability",
            lines=(Line(x, np.linspace(0, 1, 300), f"s{i}"),),
            height=strip_height,
        )
        for i in range(n_strips)
    )
    return ChartSpec("stack", (price, *strips), source="test", legend=False)


def test_plotly_height_grows_with_panels_and_domains_keep_their_gaps() -> None:
    heights = [to_plotly(_stacked(k))["layout"]["height"] for k in range(4)]
    assert heights == sorted(heights)
    assert len(set(heights)) == 4
    fig = to_plotly(_stacked(5))
    layout = fig["layout"]
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    domains = [layout[k]["domain"] for k in sorted(k for k in layout if k.startswith("yaxis"))]
    domains.sort(key=lambda d: -d[1])
    for upper, lower in itertools.pairwise(domains):
        assert (upper[0] - lower[1]) * plot_px >= 30  # room for the lower panel's title
    for d in domains:
        assert (d[1] - d[0]) * plot_px >= 60  # no panel squeezed to a line
    assert not layout["showlegend"]


def test_plotly_axis_ranges_and_log_ticks_come_from_the_spec() -> None:
    spec = _stacked(2)
    layout = to_plotly(spec)["layout"]
    lo, hi = panel_yrange(spec.panels[0])  # type: ignore[misc]
    top = layout["yaxis"]
    assert top["type"] == "log"
    assert top["range"] == pytest.approx([np.log10(lo), np.log10(hi)])
    assert all(lo <= t <= hi for t in top["tickvals"])
    assert top["ticktext"] == [tick_text(t) for t in top["tickvals"]]
    assert layout["yaxis3"]["range"] == pytest.approx(list(panel_yrange(spec.panels[1])))  # type: ignore[arg-type]


def test_a_long_axis_title_moves_into_a_short_panel_title() -> None:
    spec = _stacked(1, strip_height=0.3)
    layout = to_plotly(spec)["layout"]
    assert layout["yaxis"]["title"]["text"] == "price (log scale)"  # tall panel keeps it
    assert layout["yaxis3"]["title"]["text"] == ""
    titles = [a["text"] for a in layout["annotations"] if a.get("yref") == "paper"]
    assert any("s0" in t and "probability" in t for t in titles)
    fig = render_matplotlib(spec)
    assert fig.axes[1].get_ylabel() == ""
    assert "probability" in fig.axes[1].get_title(loc="left")


def test_legend_and_source_sit_below_the_x_axis_in_that_order() -> None:
    fig = to_plotly(_spec())
    layout = fig["layout"]
    source = next(a for a in layout["annotations"] if a["text"].startswith("Source"))
    assert layout["legend"]["y"] < source["y"] < 0
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    below_px = -layout["legend"]["y"] * plot_px
    assert below_px < layout["margin"]["b"]  # the legend starts inside the bottom margin


def test_category_labels_wrap_to_their_share_of_the_width_or_slant() -> None:
    long = ["data-centre run-rate", "÷ (1 − end-user gross margin) = revenue required", "gap"]
    wrapped = to_plotly(ChartSpec("w", (Panel("p", bars=(Bar(long, [1.0, 2.0, 3.0], "b"),)),)))
    axis = wrapped["layout"]["xaxis"]
    assert axis["tickangle"] == 0
    assert [t.replace("<br>", " ") for t in axis["ticktext"]] == long
    assert max(len(line) for t in axis["ticktext"] for line in t.split("<br>")) < 30
    many = [f"Firmname{i:02d}" for i in range(14)]
    slanted = to_plotly(ChartSpec("s", (Panel("p", bars=(Bar(many, np.ones(14), "b"),)),)))
    assert slanted["layout"]["xaxis"]["tickangle"] != 0
    assert slanted["layout"]["margin"]["b"] > wrapped["layout"]["margin"]["b"] - 40


def test_vlines_are_drawn_by_both_renderers_with_labels_inside_the_panel() -> None:
    x = _dates(100)
    panel = Panel(
        "p",
        lines=(Line(x, np.arange(100.0), "p"),),
        vlines=(VLine(x[10], "early"), VLine(x[95], "late")),
    )
    layout = to_plotly(ChartSpec("v", (panel,)))["layout"]
    assert sum(s["type"] == "line" and s["x0"] == s["x1"] for s in layout["shapes"]) == 2
    anchors = {
        a["text"]: a["xanchor"] for a in layout["annotations"] if a["text"] in {"early", "late"}
    }
    assert anchors == {"early": "left", "late": "right"}  # the late label turns inwards
    fig = render_matplotlib(ChartSpec("v", (panel,)))
    texts = {t.get_text(): t.get_horizontalalignment() for t in fig.axes[0].texts}
    assert texts == anchors


def test_matplotlib_groups_bars_and_keeps_legends_off_the_data() -> None:
    cats = ["a", "b", "c"]
    spec = ChartSpec(
        "g", (Panel("p", bars=(Bar(cats, [1.0, 2.0, 3.0], "x"), Bar(cats, [3.0, 2.0, 1.0], "y"))),)
    )
    fig = render_matplotlib(spec)
    ax = fig.axes[0]
    rects = sorted((p for p in ax.patches if isinstance(p, Rectangle)), key=lambda r: r.get_x())
    for left, right in itertools.pairwise(rects):
        assert left.get_x() + left.get_width() <= right.get_x() + 1e-9  # side by side
    fig.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    assert (
        legend.get_window_extent().x0 >= ax.get_window_extent().x1
    )  # right of the axes, not over the bars
    assert ax.get_ylim() == pytest.approx(panel_yrange(spec.panels[0]))


def test_matplotlib_log_axis_uses_the_shared_ticks() -> None:
    spec = _stacked(1)
    fig = render_matplotlib(spec)
    ax = fig.axes[0]
    lo, hi = panel_yrange(spec.panels[0])  # type: ignore[misc]
    assert ax.get_ylim() == pytest.approx((lo, hi))
    plotly_ticks = to_plotly(spec)["layout"]["yaxis"]["tickvals"]
    assert list(ax.get_yticks()) == pytest.approx(plotly_ticks)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == [tick_text(t) for t in plotly_ticks]


# --- diagrams: points, texts, arrows, an equal-aspect panel without axes ------------------------


def _diagram() -> ChartSpec:
    return ChartSpec(
        "diagram",
        (
            Panel(
                "a ring",
                lines=(
                    Line(
                        [0.0, 0.5, 1.0],
                        [0.0, 0.3, 0.0],
                        "edge",
                        "#D55E00",
                        4.0,
                        legend=False,
                        arrow=True,
                        hover="A → B",
                        opacity=0.75,
                    ),
                    Line((), (), "key", "#D55E00", 3.0),
                ),
                points=(
                    Points(
                        [0.0, 1.0],
                        [0.0, 0.0],
                        "firms",
                        "square",
                        ("#333333", "#BBBBBB"),
                        hover=("A", "B"),
                    ),
                ),
                texts=(Text(1.05, 0.0, "B", anchor="left", size=12, background=True),),
                yrange=(-1.0, 1.0),
                aspect="equal",
                axes=False,
            ),
        ),
        xrange=(-1.0, 2.0),
    )


def test_diagram_elements_in_plotly() -> None:
    fig = to_plotly(_diagram())
    json.dumps(fig, allow_nan=False)
    edge, key, firms = fig["data"]
    assert (edge["showlegend"], edge["opacity"], edge["text"]) == (False, 0.75, "A → B")
    assert (key["x"], key["name"]) == ([None], "key")  # a legend key without points
    assert firms["mode"] == "markers"
    assert firms["marker"]["symbol"] == "square"
    assert firms["marker"]["color"] == ["#333333", "#BBBBBB"]
    assert firms["text"] == ["A", "B"]
    layout = fig["layout"]
    arrow = next(a for a in layout["annotations"] if a.get("axref") == "x")
    assert (arrow["x"], arrow["y"], arrow["ax"], arrow["ay"]) == (1.0, 0.0, 0.5, 0.3)
    label = next(a for a in layout["annotations"] if a["text"] == "B")
    assert (label["xanchor"], label["showarrow"], label["font"]["size"]) == ("left", False, 12)
    assert "bgcolor" in label
    assert layout["yaxis"]["scaleanchor"] == "x"
    assert layout["xaxis"]["range"] == [-1.0, 2.0]
    assert layout["yaxis"]["visible"] is layout["xaxis"]["visible"] is False
    assert layout["showlegend"]  # the key and the points; the edge is left out


def test_diagram_elements_in_matplotlib() -> None:
    fig = render_matplotlib(_diagram())
    ax = fig.axes[0]
    assert not ax.axison
    assert ax.get_aspect() == 1.0
    assert ax.get_xlim() == pytest.approx((-1.0, 2.0))
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 1
    assert arrows[0].xy == (1.0, 0.0)
    assert [t.get_text() for t in ax.texts if t not in arrows] == ["B"]
    assert len(ax.collections) == 1  # the points
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names == ["key", "firms"]


# --- the financing network's chart: fixed layout, labels that do not collide --------------------


def _ring_network(n: int) -> FinancingNetwork:
    """A hub paying ``n`` firms with realistic name lengths, which pay each other in a ring."""
    names = [
        f"{w}{i}" for i, w in enumerate(["Anthropic", "CoreWeave", "Nebius", "Microsoft"] * n)
    ][:n]
    rows = [
        {"id": f"H{i}", "payer": "Hub", "payee": f, "amount": 10.0 + i, "type": "compute_purchase"}
        for i, f in enumerate(names)
    ]
    rows += [
        {
            "id": f"R{i}",
            "payer": f,
            "payee": names[(i + 1) % n],
            "amount": 1.0 + i,
            "type": "equity_investment",
        }
        for i, f in enumerate(names)
    ]
    return network_from_rows(rows)


def _label_boxes(spec: dict[str, Any]) -> dict[str, tuple[float, float, float, float]]:
    ppu = spec["px_per_unit"]
    return {
        n["id"]: label_box(n["label_x"], n["label_y"], n["id"], n["label_anchor"], 12, ppu)
        for n in spec["nodes"]
    }


def _disjoint(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.parametrize("network", ["factbase", 8, 16])
def test_network_labels_do_not_collide_at_the_nominal_scale(network: str | int) -> None:
    net = load_network() if network == "factbase" else _ring_network(int(network))
    spec = network_layout(net)
    ppu = spec["px_per_unit"]
    boxes = _label_boxes(spec)
    node_r = 9 / ppu
    markers = {
        n["id"]: (n["x"] - node_r, n["y"] - node_r, n["x"] + node_r, n["y"] + node_r)
        for n in spec["nodes"]
    }
    for a, b in itertools.combinations(boxes, 2):
        assert _disjoint(boxes[a], boxes[b]), (a, b)
    for name, box in boxes.items():
        for other, marker in markers.items():
            assert _disjoint(box, marker), (name, other)
    edge_boxes = [
        label_box(e["label_x"], e["label_y"], e["label"], "center", 10, ppu)
        for e in spec["edges"]
        if e["label"]
    ]
    assert edge_boxes  # the biggest deals are labelled
    for box in edge_boxes:
        assert all(_disjoint(box, b) for b in (*boxes.values(), *markers.values()))
    for first, second in itertools.combinations(edge_boxes, 2):
        assert _disjoint(first, second)
    # everything drawn lies inside the square the renderers show
    ext = spec["extent"]
    assert all(abs(v) <= ext for b in (*boxes.values(), *edge_boxes) for v in b)


def test_network_layout_groups_roles_and_routes_edges_between_their_nodes() -> None:
    net = load_network()
    spec = network_layout(net)
    nodes = {n["id"]: n for n in spec["nodes"]}
    hubs = [n for n in spec["nodes"] if n["hub"]]
    assert len(hubs) == 1
    assert (hubs[0]["x"], hubs[0]["y"]) == (0.0, 0.0)
    for role, members in DEFAULT_GROUPS.items():
        for name in members:
            if name in nodes:
                assert nodes[name]["role"] == role
    # each role occupies one arc of the ring: consecutive ring positions change role at most
    # once per role
    ring = sorted(
        (n for n in spec["nodes"] if not n["hub"]), key=lambda n: -np.arctan2(n["y"], n["x"])
    )
    changes = sum(a["role"] != b["role"] for a, b in itertools.pairwise([*ring, ring[0]]))
    assert changes <= len({n["role"] for n in ring})
    for e in spec["edges"]:
        start, end = np.array(e["path"][0]), np.array(e["path"][-1])
        dist = {
            name: (np.hypot(*(start - (n["x"], n["y"]))), np.hypot(*(end - (n["x"], n["y"]))))
            for name, n in nodes.items()
        }
        assert min(dist, key=lambda k: dist[k][0]) == e["source"]
        assert min(dist, key=lambda k: dist[k][1]) == e["target"]
    # a deal and its reverse (or a repeated deal) take different routes
    mids = [tuple(np.round(e["path"][len(e["path"]) // 2], 6)) for e in spec["edges"]]
    assert len(set(mids)) == len(mids)


def test_network_figures_draw_the_spec_at_its_scale() -> None:
    net = load_network()
    spec = network_layout(net)
    fig = to_plotly(network_chart_spec(net))
    layout = fig["layout"]
    assert layout["yaxis"]["scaleanchor"] == "x"
    assert layout["xaxis"]["visible"] is layout["yaxis"]["visible"] is False
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    span = layout["yaxis"]["range"][1] - layout["yaxis"]["range"][0]
    assert plot_px / span == pytest.approx(spec["px_per_unit"], rel=1e-3)  # height in whole px
    edges = [t for t in fig["data"] if t.get("showlegend") is False]
    assert len(edges) == len(spec["edges"])
    arrows = [a for a in layout["annotations"] if a.get("showarrow") and a.get("axref") == "x"]
    assert len(arrows) == len(spec["edges"])
    legend = [t["name"] for t in fig["data"] if t.get("showlegend") is not False]
    assert legend == [k.replace("_", " ") for k in spec["legend"]] + [
        r[0] for r in spec["roles"].values()
    ]
    labels = {
        a["text"]: a["xanchor"]
        for a in layout["annotations"]
        if a["text"] in {n["id"] for n in spec["nodes"]}
    }
    assert labels == {n["id"]: n["label_anchor"] for n in spec["nodes"]}
    mpl = render_matplotlib(network_chart_spec(net))
    texts = {t.get_text() for t in mpl.axes[0].texts}
    assert {n["id"] for n in spec["nodes"]} <= texts
    assert {e["label"] for e in spec["edges"] if e["label"]} <= texts


# --- drawdowns: small multiples on one y range ---------------------------------------------------


def test_drawdown_small_multiples_share_a_range_that_holds_every_curve() -> None:
    x = pd.bdate_range("2020-01-01", periods=400)
    deep = pd.Series(_prices(400, seed=1)[::-1], index=x)  # falls to its end: under water now
    shallow = pd.Series(_prices(400, seed=2), index=x)
    results = {
        n: (drawdown(s, name=n), f"{n} source")
        for n, s in {"deep": deep, "shallow": shallow}.items()
    }
    charts = drawdown_charts(results)
    assert len(charts) == len(results)
    ranges = {c.spec.panels[0].yrange for c in charts}  # type: ignore[union-attr]
    assert len(ranges) == 1
    lo, hi = ranges.pop()  # type: ignore[misc]
    for (dd, _), chart in zip(results.values(), charts, strict=True):
        curve = 100 * dd.drawdown
        assert lo <= curve.min()
        assert hi >= 0.0
        assert lo >= 100 * min(r.max_drawdown for r, _ in results.values()) * (1 + 2 * Y_PAD)
        panel = chart.spec.panels[0]  # type: ignore[union-attr]
        worst = dd.episodes.iloc[0]
        assert (panel.bands[0].start, panel.bands[0].end) == (worst["peak"], worst["trough"])
        assert len(panel.lines) == 1
        assert chart.spec.source.startswith("bubblescope.detect.drawdown on")  # type: ignore[union-attr]
    # the series under water on its last date has its current episode named in the title
    assert "latest" in charts[0].spec.panels[0].title  # type: ignore[union-attr]


def test_close_vline_labels_are_stacked_in_rows_that_do_not_collide() -> None:
    x = pd.date_range("1971-01-01", "2026-01-01", freq="MS")
    peaks = [
        pd.Timestamp(f"{y}-06-01")
        for y in (1973, 1980, 1981, 1983, 1987, 1989, 1998, 2000, 2007, 2018, 2020, 2021, 2025)
    ]
    panel = Panel(
        "p",
        lines=(Line(x, np.linspace(1, 2, len(x)), "p"),),
        vlines=tuple(VLine(p, f"{p:%Y-%m} -30%") for p in peaks),
        height=1.4,
    )
    spec = ChartSpec("v", (panel,))
    layout = to_plotly(spec)["layout"]
    labels = [a for a in layout["annotations"] if a["text"].endswith("-30%")]
    assert 0 < len(labels) <= len(peaks)
    assert len({a["yshift"] for a in labels}) > 1  # close peaks went to further rows
    width = 600 - 90  # the nominal plot width the rows are laid out for
    span = (x[-1] - x[0]).days
    rows: dict[float, list[tuple[float, float]]] = {}
    for a in labels:
        at = (pd.Timestamp(a["x"]) - x[0]).days / span * width + a["xshift"]
        w = len(a["text"]) * 5.6
        rows.setdefault(a["yshift"], []).append(
            (at, at + w) if a["xanchor"] == "left" else (at - w, at)
        )
    for spans in rows.values():
        for (a0, a1), (b0, b1) in itertools.combinations(spans, 2):
            assert a1 <= b0 or b1 <= a0
    fig = render_matplotlib(spec)
    assert len(fig.axes[0].texts) == len(labels)  # the same labels in both renderers


def test_lines_past_the_palette_stay_distinguishable() -> None:
    x = list(range(5))
    n = len(PALETTE) + 3
    spec = ChartSpec(
        "many", (Panel("p", lines=tuple(Line(x, np.arange(5.0) + i, f"l{i}") for i in range(n))),)
    )
    styles = [(t["line"]["color"], t["line"]["dash"]) for t in to_plotly(spec)["data"]]
    assert len(set(styles)) == n
    fig = render_matplotlib(spec)
    mpl_styles = [(line.get_color(), line.get_linestyle()) for line in fig.axes[0].get_lines()]
    assert len(set(mpl_styles)) == n


def test_bars_left_out_of_the_legend_are_keyed_once() -> None:
    """A series repeated in each panel (legend=False after the first) appears once."""
    panels = tuple(
        Panel(f"lab {i}", bars=(Bar(["a", "b"], [1.0, 2.0], "payments", legend=i == 0),))
        for i in range(2)
    )
    spec = ChartSpec("repeated", panels)
    traces = to_plotly(spec)["data"]
    assert [t.get("showlegend", True) for t in traces] == [True, False]
    fig = render_matplotlib(spec)
    labels = [label for ax in fig.axes for label in ax.get_legend_handles_labels()[1]]
    assert labels.count("payments") == 1


def _tornado() -> ChartSpec:
    """A tornado: two panels in different units, three rows of low and high bars from a centre."""
    rows = ["first row", "second", "third"]
    panels = tuple(
        Panel(
            f"out {k}",
            bars=(
                Bar([-3.0 * s, 1.0 * s, -0.5 * s], rows, "low", base=[c] * 3, legend=k == 0,
                    orientation="h"),
                Bar([2.0 * s, -0.5 * s, 0.25 * s], rows, "high", base=[c] * 3, legend=k == 0,
                    orientation="h"),
            ),
            vlines=(VLine(c),),
            xlabel=f"unit {k}",
        )
        for k, (c, s) in enumerate(((10.0, 1.0), (0.5, 0.01)))
    )  # fmt: skip
    return ChartSpec("tornado", panels)


def test_horizontal_bars_in_plotly_have_their_own_value_axis_per_panel() -> None:
    spec = _tornado()
    fig = to_plotly(spec)
    json.dumps(fig, allow_nan=False)
    traces = fig["data"]
    assert [t["orientation"] for t in traces] == ["h"] * 4
    # lengths on x, categories on y, the base where each bar starts
    assert traces[0]["x"] == [-3.0, 1.0, -0.5]
    assert traces[0]["y"] == [
        "first row",
        "second",
        "third",
    ]
    assert traces[0]["base"] == [10.0] * 3
    layout = fig["layout"]
    for i, panel in enumerate(spec.panels):
        yname = "yaxis" + ("" if i == 0 else str(2 * i + 1))
        xaxis = layout[f"xaxis{i + 2}"]
        # each panel on its own x axis, anchored to its y axis and ranged from its own bars
        assert {traces[2 * i]["xaxis"], traces[2 * i + 1]["xaxis"]} == {f"x{i + 2}"}
        assert xaxis["anchor"] == "y" + yname[5:]
        assert xaxis["title"]["text"] == panel.xlabel
        lo, hi = xaxis["range"]
        ends = [b + v for bar in panel.bars for b, v in zip(bar.base or [], bar.x, strict=True)]
        assert lo < min(ends)
        assert hi > max(ends)
        assert hi - lo == pytest.approx((max(ends) - min(ends)) * (1 + 2 * Y_PAD))
        # the first category on top: a reversed categorical range
        assert layout[yname]["type"] == "category"
        assert layout[yname]["range"] == [2.5, -0.5]
        # the centre line is drawn on the panel's own axis
        centre = [s for s in layout["shapes"] if s["xref"] == f"x{i + 2}"]
        assert [s["x0"] for s in centre] == [panel.vlines[0].x]
    # no vertical panel: the shared x axis is hidden; the gap under the first panel holds its
    # own x ticks and title
    assert layout["xaxis"]["visible"] is False
    top, bottom = layout["yaxis"]["domain"], layout["yaxis3"]["domain"]
    gap_px = (top[0] - bottom[1]) * (
        layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    )
    assert gap_px == pytest.approx(36 + 24 + 26)
    # vertical charts are unchanged: no orientation key, the shared axis
    plain = to_plotly(ChartSpec("v", (Panel("p", bars=(Bar(["a"], [1.0], "b"),)),)))
    assert "orientation" not in plain["data"][0]
    assert plain["data"][0]["xaxis"] == "x"
    assert not any(k.startswith("xaxis") and k != "xaxis" for k in plain["layout"])


def test_horizontal_bars_in_matplotlib_float_from_their_base_top_row_first() -> None:
    spec = _tornado()
    fig = render_matplotlib(spec)
    assert len(fig.axes) == 2
    for ax, panel in zip(fig.axes, spec.panels, strict=True):
        rects = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert len(rects) == 6
        # each bar runs from the centre to centre + length, in the panel's own x units
        for bar, group in zip(panel.bars, (rects[:3], rects[3:]), strict=True):
            for rect, base, length in zip(group, bar.base or [], bar.x, strict=True):
                assert rect.get_x() == pytest.approx(base)
                assert rect.get_width() == pytest.approx(length)
        # the first category on top (an inverted y axis), low and high side by side in a row
        lo, hi = ax.get_ylim()
        assert lo > hi
        assert [t.get_text() for t in ax.get_yticklabels()] == ["first row", "second", "third"]
        low0, high0 = rects[0], rects[3]
        assert low0.get_y() + low0.get_height() <= high0.get_y() + 1e-9
        assert low0.get_y() < 0.0 < high0.get_y() + high0.get_height()
        assert ax.get_xlabel() == panel.xlabel
    # not shared: each panel keeps its own value range
    assert fig.axes[0].get_xlim() != fig.axes[1].get_xlim()
    labels = [label for ax in fig.axes for label in ax.get_legend_handles_labels()[1]]
    assert sorted(labels) == ["high", "low"]


def test_a_tornado_under_vertical_panels_leaves_them_the_shared_x_axis() -> None:
    line = Panel("prices", lines=(Line([1.0, 2.0, 3.0], [1.0, 2.0, 1.5], "p"),))
    spec = ChartSpec("mixed", (line, _tornado().panels[0]), xlabel="year")
    layout = to_plotly(spec)["layout"]
    # the shared axis is drawn under the line panel, with its ticks and title in the gap below
    assert layout["xaxis"]["anchor"] == "y"
    assert layout["xaxis"].get("visible", True)
    assert layout["xaxis3"]["anchor"] == "y3"  # the tornado (panel 1) on its own
    top, bottom = layout["yaxis"]["domain"], layout["yaxis3"]["domain"]
    gap_px = (top[0] - bottom[1]) * (
        layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    )
    assert gap_px == pytest.approx(36 + 24 + 26)
    fig = render_matplotlib(spec)
    assert [ax.get_xlabel() for ax in fig.axes] == ["year", "unit 0"]


def _iso_one_by_one(values: Any) -> list[Any]:
    """The x values as written before the vectorised path: each timestamp's isoformat."""
    return [
        pd.Timestamp(v).isoformat()
        if isinstance(v, (pd.Timestamp, np.datetime64))
        else (v.item() if isinstance(v, np.generic) else v)
        for v in values
    ]


@pytest.mark.parametrize(
    "values",
    [
        pd.bdate_range("1971-02-05", periods=3000),
        pd.date_range("2026-01-02 09:30", periods=50, freq="37s"),
        pd.DatetimeIndex(["2026-01-02", "NaT", "2026-01-05"]),
        pd.date_range("2026-01-02", periods=5, freq="250ms"),
        pd.date_range("2026-01-02", periods=4, tz="US/Eastern"),
        pd.Series(pd.bdate_range("2000-01-03", periods=10)),
        pd.bdate_range("2000-01-03", periods=10).to_numpy(),
        np.array(["2026-01-02T00:00:00", "2026-01-02T00:00:01"], dtype="M8[ns]"),
        np.array(["2026-01-02T00:00:00", "2026-01-02T00:00:00.5"], dtype="M8[ns]"),
        pd.DatetimeIndex([]),
        np.arange(5.0),
        ["a", "b"],
    ],
    ids=lambda v: type(v).__name__,
)
def test_chart_x_values_are_each_values_iso_text(values: Any) -> None:
    got = charts_module._xs(values)
    assert got == _iso_one_by_one(values)
    assert all(type(g) is type(w) for g, w in zip(got, _iso_one_by_one(values), strict=True))
    json.dumps([g for g in got if g is not pd.NaT])
