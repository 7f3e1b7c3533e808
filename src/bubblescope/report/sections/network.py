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
    """Plotly figure of :meth:`NetworkResult.chart_spec` (nodes, edges and layout as given)."""
    pos = {n["id"]: (n["x"], n["y"]) for n in spec["nodes"]}
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for e in spec["edges"]:
        (x0, y0), (x1, y1) = pos[e["source"]], pos[e["target"]]
        annotations.append(
            {
                "x": x1,
                "y": y1,
                "ax": x0,
                "ay": y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1,
                "arrowwidth": max(0.8, e["width"] / 2),
                "arrowcolor": e["colour"],
                "opacity": 0.7,
                "text": "",
                "hovertext": f"{e['id']}: {e['source']} → {e['target']}, "
                f"{e['amount_usd_bn']:,.1f} USD bn ({e['type']})",
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
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "firms",
            "x": [n["x"] for n in spec["nodes"]],
            "y": [n["y"] for n in spec["nodes"]],
            "text": [n["id"] for n in spec["nodes"]],
            "textposition": "top center",
            "marker": {
                "size": 14,
                "color": ["#BBBBBB" if n["external"] else "#0072B2" for n in spec["nodes"]],
            },
            "hoverinfo": "text",
        }
    )
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return {
        "data": data,
        "layout": {
            "title": {"text": spec["title"]},
            "xaxis": hidden,
            "yaxis": hidden,
            "annotations": annotations,
            "showlegend": True,
            "legend": {"orientation": "h"},
            "margin": {"t": 60, "b": 30, "l": 20, "r": 20},
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
    total = sum(c.amount_usd_bn for c in net.commitments)
    src = (
        f"bubblescope.economy.network on the fact-base deal edges; GW priced by "
        f"{net.gw_price.source}"
    )
    return [
        Number("firms in the network", str(len(net.firms)), src, raw=float(len(net.firms))),
        Number(
            "binding commitments", str(len(net.commitments)), src, raw=float(len(net.commitments))
        ),
        Number("commitments, total", f"{total:,.1f} USD bn", src, raw=total),
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
