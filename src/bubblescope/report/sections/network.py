"""The circular financing network of the AI build-out and one stress scenario."""

from __future__ import annotations

import pandas as pd

from bubblescope.economy.clearing import PaymentShock, stress
from bubblescope.economy.network import NetworkResult, analyze_network, load_network
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Chart, Number, Section, Table

__all__ = ["build"]


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


def _bn(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _pct(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:.0%}"


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
            f"{r['liquid_assets']:.2f}"
            + (" (assumed)" if r["external_basis"] == "assumed" else ""),
            f"{r['exposure_to_shocked']:.2f}",
            f"{r['due']:.2f}",
            f"{r['paid']:.2f}",
            f"{r['received']:.2f}",
            _pct(r["shortfall_share"]),
            f"{r['equity_loss']:.2f}",
            "-" if pd.isna(r["default_round"]) else f"round {int(r['default_round'])}",
        )
        for name, r in f.iterrows()
    )
    sheets = tuple(
        (
            firm.name,
            *(_bn(getattr(firm, item)) for item in ("liquid_assets", "debt", "backlog", "equity")),
            "; ".join(f"{item}: {src}" for item, src in firm.sources) or "not sourced",
        )
        for firm in net.firms
        if not firm.external
    )
    kinds = tuple(
        (str(label), ", ".join(str(i) for i in group.index), str(group["treatment_note"].iloc[0]))
        for label, group in shocked.commitments.groupby("label", sort=True)
    )
    return Section(
        key="network",
        title="The financing network and a stress scenario",
        intro=(
            "Deals between AI labs, cloud providers and chip makers form loops in which money "
            "sent out comes back as revenue. The network is built from the fact base's deal "
            "edges and the firms' filed balance sheets; the stress test clears one year of debts "
            "(compute and chip purchases) after a shock (Eisenberg–Noe) against each firm's "
            "liquid assets and counts who defaults in which round. Equity, warrants, backstops "
            "and share sales keep their own stated treatment; every assumption is listed."
        ),
        numbers=tuple(numbers),
        charts=(
            Chart(res.chart_spec(), caption="Edge width = amount"),
            Chart(shocked.chart_spec()),
        ),
        tables=(
            Table(
                "Largest loops (USD bn; edge ids from the fact base)",
                ("loop", "smallest edge", "sum of edges", "edges"),
                loops,
            ),
            Table(
                "Firms as they stand (USD bn; each value with its filing or fact)",
                ("firm", "liquid assets", "debt", "backlog (RPO)", "equity", "sources"),
                sheets,
            ),
            Table("Commitments by kind", ("kind", "commitments", "treatment"), kinds),
            Table(
                f"Stress scenario: {shocked.scenarios[0].label} (USD bn per year)",
                (
                    "firm",
                    "liquid assets",
                    "exposure to the shocked firm",
                    "debts due",
                    "paid",
                    "received",
                    "shortfall / liquid assets",
                    "equity loss",
                    "default",
                ),
                firms,
            ),
        ),
        notes=(
            *(f"note: {w}" for w in net.warnings()),
            *(f"assumption: {a.label}" for a in shocked.assumptions),
        ),
        data={"network": res.to_dict(), "stress": shocked.to_dict()},
    )
