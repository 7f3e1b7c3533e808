"""Layout and chart spec of the financing network.

:func:`network_layout` returns plain data — nodes with positions and label placements, edges
as curved paths with width, colour and (where it fits) an amount label — and
:func:`network_chart_spec` turns it into a :class:`~bubblescope.charts.ChartSpec` (edges as
lines with arrowheads, nodes as points, labels as texts, on one equal-aspect panel without
axes), so matplotlib and plotly draw the same picture.

The layout is fixed, not simulated: the firm with the largest gross flow sits in the middle and
the others on a ring, grouped by role (AI labs, clouds, chip makers, investors, then anything
else) with a free slot between groups, turned half a slot so no node sits at the very top or
bottom. Each ring label is beside its node on the side away from the centre (right of a node
on the right half, left on the left half), so labels on one side are stacked as their nodes
are and labels near the top or bottom run apart. Edges bend to the left of their direction,
so a deal and its reverse do not overlap; repeated deals between the same pair bend further.
An amount is written on an edge only where its label box clears every node, node label and
earlier (larger) amount at the scale of ``px_per_unit`` pixels per ring radius.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from bubblescope._typing import JSONDict
from bubblescope.charts import PANEL_PX, ChartSpec, Line, Panel, Points, Text

if TYPE_CHECKING:
    from bubblescope.economy.network import FinancingNetwork

__all__ = [
    "ROLE_LABELS",
    "ROLE_SYMBOLS",
    "TYPE_COLOURS",
    "label_box",
    "network_chart_spec",
    "network_layout",
]

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

#: Legend text per firm role, in ring order (roles from ``DEFAULT_GROUPS``; "other" for the rest).
ROLE_LABELS: dict[str, str] = {
    "labs": "AI lab",
    "clouds": "cloud / compute provider",
    "chipmakers": "chip maker",
    "investors": "investor",
    "other": "other",
}

#: Marker per firm role (:class:`~bubblescope.charts.Points` symbols).
ROLE_SYMBOLS: dict[str, Literal["circle", "square", "diamond", "triangle-up", "x"]] = {
    "labs": "circle",
    "clouds": "square",
    "chipmakers": "diamond",
    "investors": "triangle-up",
    "other": "x",
}

# Nominal text metrics (pixels) of the renderers' small fonts, for label boxes.
_NODE_FONT_PX = 12
_EDGE_FONT_PX = 10
_CHAR_W = 0.6  # mean glyph width as a share of the font size
_NODE_R_PX = 9
_LABEL_GAP_PX = 5
_PATH_POINTS = 24

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in ring units


def label_box(
    x: float, y: float, text: str, anchor: str, font_px: float, px_per_unit: float
) -> Box:
    """Estimated box of a one-line label anchored at ``(x, y)`` (ring units).

    ``anchor`` is ``"left"`` (text runs right of the point), ``"right"`` or ``"center"``; the
    text is vertically centred on ``y``.
    """
    w = len(text) * _CHAR_W * font_px / px_per_unit
    h = 1.2 * font_px / px_per_unit
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[anchor]
    return (x0, y - h / 2, x0 + w, y + h / 2)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _roles(network: FinancingNetwork) -> dict[str, str]:
    from bubblescope.economy.network import DEFAULT_GROUPS

    role: dict[str, str] = {}
    for group, members in DEFAULT_GROUPS.items():
        for name in members:
            role.setdefault(name, group)
    return {n: role.get(n, "other") for n in network.names}


def _positions(
    names: list[str], roles: dict[str, str], hubs: list[str]
) -> dict[str, tuple[float, float]]:
    """Hubs in the middle (on a small inner ring when several), the rest on the unit ring."""
    pos: dict[str, tuple[float, float]] = {}
    for k, name in enumerate(hubs):
        if len(hubs) == 1:
            pos[name] = (0.0, 0.0)
        else:
            a = math.pi / 2 - 2 * math.pi * k / len(hubs)
            pos[name] = (0.3 * math.cos(a), 0.3 * math.sin(a))
    slots: list[str | None] = []
    for role in ROLE_LABELS:
        members = [n for n in names if roles[n] == role and n not in hubs]
        if members:
            slots += [*members, None]
    if not slots:
        return pos
    step = 2 * math.pi / len(slots)
    for k, slot in enumerate(slots):
        if slot is not None:
            # half a slot off the vertical, so no label sits on the ring's top or bottom
            a = math.pi / 2 - step * (k + 0.5)
            pos[slot] = (math.cos(a), math.sin(a))
    return pos


def _node_label(x: float, y: float, *, hub: bool, px_per_unit: float) -> tuple[float, float, str]:
    """Label point and anchor: above a hub; beside a ring node, on the side away from the centre.

    A ring label starts one node radius and a gap to the right of a node on the right half
    (to the left on the left half) and is centred on the node's height, so it never covers its
    own marker and two labels on one side are as far apart vertically as their nodes.
    """
    off = (_NODE_R_PX + _LABEL_GAP_PX) / px_per_unit
    if hub:
        return x, y + off + 0.6 * _NODE_FONT_PX / px_per_unit, "center"
    return (x + off, y, "left") if x >= 0 else (x - off, y, "right")


def _curve(
    p0: tuple[float, float], p1: tuple[float, float], bend: float, trim: float
) -> list[list[float]]:
    """Quadratic curve from ``p0`` to ``p1`` bulging ``bend`` × length to the left of travel.

    Both ends are trimmed by ``trim`` (ring units) so arrows start and stop at the node's edge.
    """
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 - bend * dy, (y0 + y1) / 2 + bend * dx
    pts = []
    for i in range(_PATH_POINTS + 1):
        t = i / _PATH_POINTS
        u = 1 - t
        pts.append(
            [u * u * x0 + 2 * u * t * cx + t * t * x1, u * u * y0 + 2 * u * t * cy + t * t * y1]
        )
    keep = [
        p
        for p in pts
        if math.hypot(p[0] - x0, p[1] - y0) >= trim and math.hypot(p[0] - x1, p[1] - y1) >= trim
    ]
    return keep if len(keep) >= 2 else [pts[0], pts[-1]]


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _place_nodes(
    network: FinancingNetwork,
    pos: dict[str, tuple[float, float]],
    roles: dict[str, str],
    centre: list[str],
    px_per_unit: float,
) -> tuple[list[dict[str, Any]], list[Box]]:
    """Node records with their label placement, and the boxes of their markers and labels."""
    nodes = []
    boxes: list[Box] = []
    half = _NODE_R_PX / px_per_unit
    for f in network.firms:
        x, y = pos[f.name]
        lx, ly, anchor = _node_label(x, y, hub=f.name in centre, px_per_unit=px_per_unit)
        nodes.append(
            {
                "id": f.name,
                "x": x,
                "y": y,
                "listed": f.ticker is not None,
                "external": f.external,
                "role": roles[f.name],
                "hub": f.name in centre,
                "label_x": lx,
                "label_y": ly,
                "label_anchor": anchor,
            }
        )
        boxes += [
            (x - half, y - half, x + half, y + half),
            label_box(lx, ly, f.name, anchor, _NODE_FONT_PX, px_per_unit),
        ]
    return nodes, boxes


def network_layout(
    network: FinancingNetwork,
    *,
    max_width: float = 8.0,
    hubs: int = 1,
    px_per_unit: float = 190.0,
) -> JSONDict:
    """Nodes, edges and their placement (what :func:`network_chart_spec` draws).

    Parameters
    ----------
    network : FinancingNetwork
    max_width : float
        Line width (points) of the largest edge; widths scale linearly with the amount.
    hubs : int
        How many of the largest firms (gross flow in + out) sit in the middle of the ring.
    px_per_unit : float
        Pixels per ring radius the labels are fitted at (text has a fixed size, so renderers draw
        the ring at this scale). Raised in steps of 15% while node labels or markers would
        overlap (a network with many firms gets a larger ring); the value used is returned.

    Returns
    -------
    dict
        ``{"nodes": [{"id", "x", "y", "listed", "external", "role", "hub", "label_x",
        "label_y", "label_anchor"}], "edges": [{"source", "target", "id", "type",
        "amount_usd_bn", "width", "colour", "binding", "path", "label", "label_x",
        "label_y"}], "legend": {type: colour}, "roles": {role: (text, symbol)}, "title": str,
        "extent": half-width of the square that holds the ring and its labels (ring units),
        "px_per_unit": float}``. ``path`` is the edge's curve as ``[[x, y], …]``; ``label``
        is the amount (USD bn), or ``""`` where it does not fit.
    """
    gross = dict.fromkeys(network.names, 0.0)
    for c in network.commitments:
        gross[c.payer] += c.amount_usd_bn
        gross[c.payee] += c.amount_usd_bn
    ranked = sorted(network.names, key=lambda n: (-gross[n], n))
    centre = ranked[: max(0, min(hubs, len(ranked) - 2))]
    roles = _roles(network)
    pos = _positions(list(network.names), roles, centre)
    for _ in range(12):
        nodes, obstacles = _place_nodes(network, pos, roles, centre, px_per_unit)
        if all(not _overlaps(a, b) for i, a in enumerate(obstacles) for b in obstacles[i + 1 :]):
            break
        px_per_unit *= 1.15  # text keeps its size: a larger ring makes room for it
    node_half = _NODE_R_PX / px_per_unit
    biggest = max((c.amount_usd_bn for c in network.commitments), default=1.0) or 1.0
    seen: dict[tuple[str, str], int] = {}
    edges: list[dict[str, Any]] = []
    for c in network.commitments:
        k = seen.get((c.payer, c.payee), 0)
        seen[(c.payer, c.payee)] = k + 1
        path = _curve(pos[c.payer], pos[c.payee], 0.1 + 0.12 * k, 1.6 * node_half)
        edges.append(
            {
                "source": c.payer,
                "target": c.payee,
                "id": c.id,
                "type": c.type,
                "amount_usd_bn": c.amount_usd_bn,
                "width": max(0.5, max_width * c.amount_usd_bn / biggest),
                "colour": TYPE_COLOURS.get(c.type, "#000000"),
                "binding": c.binding,
                "path": path,
                "label": "",
                "label_x": None,
                "label_y": None,
            }
        )
    for e in sorted(edges, key=lambda e: -float(e["amount_usd_bn"])):
        text = _amount(float(e["amount_usd_bn"]))
        path = e["path"]
        for t in (0.5, 0.4, 0.6, 0.3, 0.7):
            x, y = path[round(t * (len(path) - 1))]
            box = label_box(x, y, text, "center", _EDGE_FONT_PX, px_per_unit)
            if not any(_overlaps(box, o) for o in obstacles):
                e.update(label=text, label_x=x, label_y=y)
                obstacles.append(box)
                break
    extent = max(
        [1.0]
        + [abs(v) for b in obstacles for v in b]
        + [abs(v) for e in edges for p in e["path"] for v in p]
    )
    used = {c.type for c in network.commitments}
    present = {roles[n] for n in network.names if n not in centre} | {roles[n] for n in centre}
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": {t: col for t, col in TYPE_COLOURS.items() if t in used},
        "roles": {r: (ROLE_LABELS[r], ROLE_SYMBOLS[r]) for r in ROLE_LABELS if r in present},
        "title": f"Financing network ({network.origin}), USD bn",
        "extent": extent + 0.04,
        "px_per_unit": px_per_unit,
    }


#: Node colours: firms inside the network, and external ones (the market).
_NODE_COLOUR, _EXTERNAL_COLOUR = "#333333", "#BBBBBB"


def network_chart_spec(network: FinancingNetwork, **options: Any) -> ChartSpec:
    """The network drawn from its :func:`network_layout` (``options`` are passed on to it).

    One panel without axes, one unit of x as long as one of y, tall enough to put the
    layout's ``px_per_unit`` pixels on the ring radius (the scale its labels were fitted at):
    each edge a line along its curve with an arrowhead at the payee, dashed when not binding,
    its width the amount (hover: deal id, parties, amount and type); a legend key per deal
    type and a point series per firm role; amounts and firm names as texts on white.
    """
    layout = network_layout(network, **options)
    edges = tuple(
        Line(
            [p[0] for p in e["path"]],
            [p[1] for p in e["path"]],
            str(e["id"]),
            color=e["colour"],
            width=max(1.0, 1.4 * e["width"]),
            dash="solid" if e["binding"] else "dash",
            legend=False,
            arrow=True,
            hover=f"{e['id']}: {e['source']} → {e['target']}, "
            f"{e['amount_usd_bn']:,.1f} USD bn ({e['type'].replace('_', ' ')})",
            opacity=0.75,
        )
        for e in layout["edges"]
    )
    keys = tuple(
        Line((), (), kind.replace("_", " "), color=colour, width=3.0)
        for kind, colour in layout["legend"].items()
    )
    roles = []
    for role, (text, symbol) in layout["roles"].items():
        members = [n for n in layout["nodes"] if n["role"] == role]
        roles.append(
            Points(
                [n["x"] for n in members],
                [n["y"] for n in members],
                text,
                symbol=symbol,
                color=tuple(_EXTERNAL_COLOUR if n["external"] else _NODE_COLOUR for n in members),
                hover=tuple(n["id"] for n in members),
            )
        )
    amounts = tuple(
        Text(e["label_x"], e["label_y"], e["label"], size=_EDGE_FONT_PX, background=True)
        for e in layout["edges"]
        if e["label"]
    )
    names = tuple(
        Text(
            n["label_x"],
            n["label_y"],
            n["id"],
            anchor=n["label_anchor"],
            size=_NODE_FONT_PX,
            background=True,
        )
        for n in layout["nodes"]
    )
    ext = float(layout["extent"])
    return ChartSpec(
        layout["title"],
        (
            Panel(
                "arrow: money flows; width: amount; dashed: not binding",
                lines=(*edges, *keys),
                points=tuple(roles),
                texts=(*amounts, *names),
                yrange=(-ext, ext),
                height=2 * ext * float(layout["px_per_unit"]) / PANEL_PX,
                aspect="equal",
                axes=False,
            ),
        ),
        source=f"bubblescope.economy.network; deals: {network.origin}",
        xrange=(-ext, ext),
    )
