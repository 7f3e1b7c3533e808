"""The circular financing network of the AI build-out and one stress scenario."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope._typing import JSONDict
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.economy.network import NetworkResult, analyze_network, load_network
from bubblescope.economy.stress import PaymentShock, StressResult, stress
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build", "network_figure", "stress_chart"]


def network_figure(spec: JSONDict) -> dict[str, Any]:
    """Plotly figure of :meth:`NetworkResult.chart_spec`, drawn at the spec's nominal scale.

    Edges are the spec's curved paths (hover: deal id, parties, amount, type) with an arrowhead
    at the payee; amounts are written where the spec placed them; nodes carry their role's
    symbol and their label beside them. The axes share one scale, and the figure's height puts
    ``px_per_unit`` pixels on the ring radius, the scale the labels were fitted at. The legend
    (deal types, then firm roles) sits to the right of the ring.
    """
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for e in spec["edges"]:
        xs, ys = [p[0] for p in e["path"]], [p[1] for p in e["path"]]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "line": {
                    "color": e["colour"],
                    "width": max(1.0, 1.4 * e["width"]),
                    "dash": "solid" if e["binding"] else "dash",
                },
                "opacity": 0.75,
                "showlegend": False,
                "hoverinfo": "text",
                "text": f"{e['id']}: {e['source']} → {e['target']}, "
                f"{e['amount_usd_bn']:,.1f} USD bn ({e['type'].replace('_', ' ')})",
            }
        )
        annotations.append(
            {
                "x": xs[-1],
                "y": ys[-1],
                "ax": xs[-2],
                "ay": ys[-2],
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.3,
                "arrowwidth": 1.5,
                "arrowcolor": e["colour"],
                "text": "",
            }
        )
        if e["label"]:
            annotations.append(
                {
                    "x": e["label_x"],
                    "y": e["label_y"],
                    "xref": "x",
                    "yref": "y",
                    "text": e["label"],
                    "showarrow": False,
                    "font": {"size": 10, "color": "#333333"},
                    "bgcolor": "rgba(255,255,255,0.8)",
                    "borderpad": 0,
                }
            )
    for kind, colour in spec["legend"].items():
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [None],
                "name": kind.replace("_", " "),
                "line": {"color": colour, "width": 3},
                "legendgroup": "deals",
                "legendgrouptitle": {"text": "deal (arrow: money flows)"},
            }
        )
    for role, (text, symbol) in spec["roles"].items():
        members = [n for n in spec["nodes"] if n["role"] == role]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": text,
                "x": [n["x"] for n in members],
                "y": [n["y"] for n in members],
                "text": [n["id"] for n in members],
                "hoverinfo": "text",
                "marker": {
                    "size": 14,
                    "symbol": symbol,
                    "color": ["#BBBBBB" if n["external"] else "#333333" for n in members],
                    "line": {"color": "white", "width": 1},
                },
                "legendgroup": "firms",
                "legendgrouptitle": {"text": "firm"},
            }
        )
    annotations.extend(
        {
            "x": n["label_x"],
            "y": n["label_y"],
            "xref": "x",
            "yref": "y",
            "text": n["id"],
            "showarrow": False,
            "xanchor": n["label_anchor"],
            "yanchor": "middle",
            "font": {"size": 12},
            "bgcolor": "rgba(255,255,255,0.75)",
            "borderpad": 0,
        }
        for n in spec["nodes"]
    )
    ext = spec["extent"]
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "range": [-ext, ext]}
    margin = {"t": 50, "b": 30, "l": 10, "r": 10}
    return {
        "data": data,
        "layout": {
            "title": {"text": spec["title"]},
            "xaxis": hidden,
            "yaxis": {**hidden, "scaleanchor": "x", "scaleratio": 1},
            "annotations": annotations,
            "showlegend": True,
            "legend": {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"},
            "hovermode": "closest",
            "height": round(2 * ext * spec["px_per_unit"]) + margin["t"] + margin["b"],
            "margin": margin,
        },
    }


def stress_chart(result: StressResult) -> ChartSpec:
    """Receipts due vs received and equity loss by firm (USD bn per year)."""
    f = result.to_frame()
    firms = [str(i) for i in f.index]
    title = "; ".join(s.label for s in result.scenarios) or "no shock"
    return ChartSpec(
        f"Stress: {title}",
        (
            Panel(
                "USD bn per year",
                "USD bn",
                bars=(
                    Bar(firms, f["due_in"], "receipts due", color="#BBBBBB"),
                    Bar(firms, f["received"], "received", color="#0072B2"),
                    Bar(firms, f["equity_loss"], "equity loss", color="#D55E00"),
                ),
            ),
        ),
        source="bubblescope.economy.stress on the fact-base financing network",
    )


def _network_numbers(res: NetworkResult) -> list[Number]:
    net = res.network
    total = net.commitment_total()
    deals = "all deals, non-binding included" if total.nonbinding_included else "binding deals"
    src = (
        f"bubblescope.economy.network on the fact-base deal edges; GW priced by "
        f"{net.gw_price.source}"
    )
    return [
        Number("firms in the network", str(len(net.firms)), src, raw=float(len(net.firms))),
        Number(
            "binding commitments", str(len(net.commitments)), src, raw=float(len(net.commitments))
        ),
        Number(
            f"commitments, gross ({deals}, GW at the $/GW shown)",
            f"{total.total_usd_bn:,.1f} USD bn",
            f"{src}; {total.label()}",
            raw=total.total_usd_bn,
        ),
        Number("financing loops", str(len(res.cycles)), src, raw=float(len(res.cycles))),
        Number(
            "price of a gigawatt of AI capacity",
            f"{net.gw_price.usd_bn_per_gw:g} USD bn/GW",
            net.gw_price.source,
            raw=net.gw_price.usd_bn_per_gw,
        ),
    ]


def build(ctx: ReportContext) -> Section:
    """Network loops and a payment-shock stress test."""
    s = ctx.settings
    net = load_network()
    res = analyze_network(net)
    shocked = stress(net, [PaymentShock(s.shock_firm, s.shock_fraction)])
    f = shocked.to_frame()
    n_default = int(f["default_round"].notna().sum())
    shortfall = float(f["shortfall"].sum())
    src = "bubblescope.economy.stress (Eisenberg–Noe clearing) on the fact-base network"
    numbers = [
        *_network_numbers(res),
        Number("firms in default after the shock", str(n_default), src, raw=float(n_default)),
        Number("total shortfall", f"{shortfall:,.2f} USD bn per year", src, raw=shortfall),
        Number("DebtRank R", f"{shocked.debtrank:.3f}", src, raw=shocked.debtrank),
    ]
    loops = tuple(
        (
            c.label,
            f"{c.bottleneck:,.2f}",
            f"{c.total:,.1f}",
            ", ".join("+".join(e) for e in c.edge_ids),
        )
        for c in res.cycles[:10]
    )
    firms = tuple(
        (
            str(name),
            f"{r['due']:.2f}",
            f"{r['paid']:.2f}",
            f"{r['received']:.2f}",
            f"{r['equity_loss']:.2f}",
            "-" if pd.isna(r["default_round"]) else f"round {int(r['default_round'])}",
        )
        for name, r in f.iterrows()
    )
    return Section(
        key="network",
        title="The financing network and a stress scenario",
        intro=(
            "Deals between AI labs, cloud providers and chip makers form loops in which money "
            "sent out comes back as revenue. The network is built from the fact base's deal "
            "edges; the stress test clears one year of obligations after a shock "
            "(Eisenberg–Noe) and counts who defaults in which round."
        ),
        numbers=tuple(numbers),
        charts=(
            Chart(
                plotly_figure=network_figure(res.chart_spec()),
                matplotlib_figure=res.plot,
                caption="Edge width = amount",
            ),
            Chart(stress_chart(shocked)),
        ),
        tables=(
            Table(
                "Largest loops (USD bn; edge ids from the fact base)",
                ("loop", "smallest edge", "sum of edges", "edges"),
                loops,
            ),
            Table(
                f"Stress scenario: {shocked.scenarios[0].label}",
                ("firm", "due", "paid", "received", "equity loss", "default"),
                firms,
            ),
        ),
        notes=tuple(f"note: {w}" for w in net.warnings()),
        data={"network": res.to_dict(), "stress": shocked.to_dict()},
    )
