"""Chart spec of the financing network and its matplotlib renderer.

:func:`network_chart_spec` returns plain data (nodes with positions, edges with width and
colour) so that any renderer — matplotlib here, plotly in the report/dashboard — draws the
same picture. Positions come from a shell layout (the firms with the largest gross flows in the
middle, the rest on a circle in node order), so they are deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bubblescope._typing import JSONDict

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from bubblescope.economy.network import FinancingNetwork

__all__ = ["TYPE_COLOURS", "network_chart_spec", "render_matplotlib"]

#: Colour per commitment type (colour-blind-safe Okabe–Ito palette).
TYPE_COLOURS: dict[str, str] = {
    "compute_purchase": "#0072B2",
    "chip_purchase": "#009E73",
    "backstop": "#56B4E9",
    "equity_investment": "#D55E00",
    "warrant": "#CC79A7",
    "equity_to_customer": "#E69F00",
    "loan": "#F0E442",
    "share_sale": "#999999",
}


def network_chart_spec(
    network: FinancingNetwork, *, max_width: float = 8.0, hubs: int = 2
) -> JSONDict:
    """Nodes, edges and positions of ``network`` for any renderer.

    Parameters
    ----------
    network : FinancingNetwork
    max_width : float
        Line width (points) of the largest edge; widths scale linearly with the amount.
    hubs : int
        How many of the largest firms (gross flow in + out) sit on the inner shell.

    Returns
    -------
    dict
        ``{"nodes": [{"id", "x", "y", "listed", "external"}], "edges": [{"source", "target",
        "id", "type", "amount_usd_bn", "width", "colour", "binding"}], "legend": {type:
        colour}, "title": str}``.
    """
    import networkx as nx

    gross = dict.fromkeys(network.names, 0.0)
    for c in network.commitments:
        gross[c.payer] += c.amount_usd_bn
        gross[c.payee] += c.amount_usd_bn
    ranked = sorted(network.names, key=lambda n: (-gross[n], n))
    inner = ranked[: max(0, min(hubs, len(ranked) - 2))]
    outer = [n for n in network.names if n not in inner]
    shells = [inner, outer] if inner else [outer]
    pos = nx.shell_layout(nx.empty_graph(network.names), shells, scale=1.0) if outer else {}
    biggest = max((c.amount_usd_bn for c in network.commitments), default=1.0) or 1.0
    nodes = [
        {
            "id": f.name,
            "x": float(pos[f.name][0]),
            "y": float(pos[f.name][1]),
            "listed": f.ticker is not None,
            "external": f.external,
        }
        for f in network.firms
    ]
    edges = [
        {
            "source": c.payer,
            "target": c.payee,
            "id": c.id,
            "type": c.type,
            "amount_usd_bn": c.amount_usd_bn,
            "width": max(0.5, max_width * c.amount_usd_bn / biggest),
            "colour": TYPE_COLOURS.get(c.type, "#000000"),
            "binding": c.binding,
        }
        for c in network.commitments
    ]
    used = {c.type for c in network.commitments}
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": {t: col for t, col in TYPE_COLOURS.items() if t in used},
        "title": f"Financing network ({network.origin}), USD bn",
    }


def render_matplotlib(spec: JSONDict) -> Figure:
    """Draw a :func:`network_chart_spec` with matplotlib and return the figure."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(9, 7))
    ax = fig.add_subplot()
    pos: dict[str, tuple[float, float]] = {n["id"]: (n["x"], n["y"]) for n in spec["nodes"]}
    pair_count: dict[tuple[str, str], int] = {}
    for e in spec["edges"]:
        key = (e["source"], e["target"])
        k = pair_count.get(key, 0)
        pair_count[key] = k + 1
        style: Any = "arc3,rad=" + f"{0.12 + 0.08 * k:.2f}"
        ax.annotate(
            "",
            xy=pos[e["target"]],
            xytext=pos[e["source"]],
            arrowprops={
                "arrowstyle": "-|>",
                "color": e["colour"],
                "lw": e["width"],
                "connectionstyle": style,
                "shrinkA": 14,
                "shrinkB": 14,
                "linestyle": "-" if e["binding"] else "--",
                "alpha": 0.8,
            },
        )
    for n in spec["nodes"]:
        ax.scatter(
            [n["x"]],
            [n["y"]],
            s=700,
            color="white",
            edgecolors="black" if n["listed"] else "grey",
            zorder=3,
        )
        ax.text(n["x"], n["y"], n["id"], ha="center", va="center", fontsize=8, zorder=4)
    handles = [
        Line2D([0], [0], color=c, lw=3, label=t.replace("_", " "))
        for t, c in spec["legend"].items()
    ]
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    ax.set_title(spec["title"])
    ax.set_axis_off()
    ax.margins(0.12)
    return fig
