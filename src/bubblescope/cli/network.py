"""``bubblescope network``: the circular-financing graph, its loops and stress tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors

__all__ = ["register"]

_FILE = typer.Option(
    None,
    "--file",
    "-f",
    help="Commitments CSV/YAML with the fact-base deal fields (default: the shipped fact base).",
)
_NONBINDING = typer.Option(
    False, "--include-nonbinding", help="Keep non-binding deals (LOI, term sheet, lapsed)."
)
_GW = typer.Option(
    None, "--usd-bn-per-gw", help="USD bn per GW for GW-stated deals (default: fact GWC-01, 35)."
)

_PLOT = typer.Option(None, "--plot", help="Write the network figure to this file (png/svg/pdf).")
_SHOCK = typer.Option(
    [],
    "--shock",
    help="FIRM=FRACTION: the firm pays that fraction of its "
    'obligations, e.g. "OpenAI=0.5" (repeatable).',
)
_WITHDRAW = typer.Option(
    [], "--withdraw", help="Investor whose equity commitments vanish (repeatable)."
)
_CLOSE = typer.Option(
    [], "--close-market", help="Firm whose external funding is cut to zero (repeatable)."
)
_AS_DEBT = typer.Option(
    [],
    "--as-debt",
    help="Commitment id to clear as a debt instead of its kind's treatment (repeatable).",
)


def _load(file: Path | None, include_nonbinding: bool, usd_bn_per_gw: float | None) -> Any:
    from bubblescope.economy.network import GWPrice, load_network

    price = None if usd_bn_per_gw is None else GWPrice(usd_bn_per_gw, "--usd-bn-per-gw")
    return load_network(file, include_nonbinding=include_nonbinding, gw_price=price)


def register(app: typer.Typer) -> None:
    """Add the ``network`` command group to ``app``."""
    group = typer.Typer(
        help="Circular AI financing: the deal graph, its loops, stress tests.", no_args_is_help=True
    )

    @group.command("show")
    @handle_errors
    def show(
        file: Path | None = _FILE,
        include_nonbinding: bool = _NONBINDING,
        usd_bn_per_gw: float | None = _GW,
        plot: Path | None = _PLOT,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Firms, commitments, loops, vendor financing and customer concentration."""
        from bubblescope.economy.network import analyze_network

        result = analyze_network(_load(file, include_nonbinding, usd_bn_per_gw))
        if plot is not None:
            result.plot().savefig(plot)
        emit(result.to_dict(), as_json, lambda: console.print(result.summary(), markup=False))

    @group.command("cycles")
    @handle_errors
    def cycles(
        file: Path | None = _FILE,
        include_nonbinding: bool = _NONBINDING,
        usd_bn_per_gw: float | None = _GW,
        max_length: int | None = typer.Option(
            None, "--max-length", help="Longest loop to list (firms)."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Simple loops of money, with the amount that goes round and the source deal ids."""
        net = _load(file, include_nonbinding, usd_bn_per_gw)
        found = net.cycles(max_length=max_length)
        payload = {"cycles": [c.to_dict() for c in found], "unit": "USD bn"}

        def render() -> None:
            for c in found:
                ids = ", ".join("+".join(e) for e in c.edge_ids)
                console.print(
                    f"{c.label}: {c.bottleneck:,.2f} round, {c.total:,.1f} total [{ids}]",
                    markup=False,
                )

        emit(payload, as_json, render)

    @group.command("firms")
    @handle_errors
    def firms(
        include_nonbinding: bool = _NONBINDING,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Each firm's balance sheet, backlog and cash flow with its filing or graded fact.

        A value carries its filing (form, period, accession) or fact id; a gap says why.
        """
        from bubblescope.data.financials import firm_financials
        from bubblescope.economy.network import LISTED_TICKERS, load_network

        net = load_network(include_nonbinding=include_nonbinding)
        names = [(f.name, LISTED_TICKERS.get(f.name)) for f in net.firms if not f.external]
        found = firm_financials(names)
        payload = {"unit": "USD bn", "firms": [f.to_dict() for f in found.values()]}

        def render() -> None:
            for firm in found.values():
                console.print(f"{firm.name} ({firm.ticker or 'private'})", markup=False)
                for v in firm.values:
                    value = "-" if v.value_usd_bn is None else f"{v.value_usd_bn:,.2f}"
                    console.print(f"  {v.item:<34}{value:>12}  {v.label}", markup=False)

        emit(payload, as_json, render)

    @group.command("stress")
    @handle_errors
    def stress_cmd(
        shock: list[str] = _SHOCK,
        withdraw: list[str] = _WITHDRAW,
        close_market: list[str] = _CLOSE,
        alpha: float | None = typer.Option(
            None,
            "--alpha",
            help="Rogers–Veraart recovery on external assets (default: the standard preset's).",
        ),
        beta: float | None = typer.Option(
            None,
            "--beta",
            help="Rogers–Veraart recovery on receipts (default: the standard preset's).",
        ),
        year: int | None = typer.Option(
            None, "--year", help="Calendar year to clear (default: run-rate)."
        ),
        sweep: int = typer.Option(
            0, "--sweep", help="Also sweep the assumed cash buffers over N draws."
        ),
        seed: int = typer.Option(0, "--seed", help="Seed of the sweep."),
        as_debt: list[str] = _AS_DEBT,
        decisive: bool = typer.Option(
            False,
            "--decisive",
            help="Also rerun with each assumption moved alone: which ones decide a default.",
        ),
        file: Path | None = _FILE,
        include_nonbinding: bool = _NONBINDING,
        usd_bn_per_gw: float | None = _GW,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Clear a year of obligations after a shock (Eisenberg–Noe / Rogers–Veraart).

        Without --shock, --withdraw or --close-market: the standard preset's shocks.
        """
        from bubblescope.analyses.engines import StressSettings
        from bubblescope.economy.clearing import (
            InvestorWithdrawal,
            MarketClosure,
            Scenario,
            decisive_assumptions,
            parse_shock,
            sensitivity,
            stress,
        )

        standard = StressSettings.preset("standard")
        alpha = standard.alpha if alpha is None else alpha
        beta = standard.beta if beta is None else beta
        if not (shock or withdraw or close_market):
            shock = list(standard.shocks)
        net = _load(file, include_nonbinding, usd_bn_per_gw)
        if as_debt:
            net = net.as_debt(*as_debt)
        scenarios: list[Scenario] = [parse_shock(s) for s in shock]
        scenarios += [InvestorWithdrawal(w) for w in withdraw]
        if close_market:
            scenarios.append(MarketClosure(tuple(close_market)))
        result = stress(net, scenarios, alpha=alpha, beta=beta, year=year)
        payload = result.to_dict()
        sens = None
        if sweep > 0:
            sens = sensitivity(
                net, scenarios, n_draws=sweep, rng=seed, alpha=alpha, beta=beta, year=year
            )
            payload["sensitivity"] = sens.to_dict()
        import pandas as pd

        decides = None
        if decisive:
            decides = decisive_assumptions(
                scenarios, network=net, year=year, alpha=alpha, beta=beta
            )
            payload["decisive_assumptions"] = decides.to_dict(orient="records")

        def render() -> None:
            console.print(result.summary(), markup=False)
            if sens is not None:
                console.print(sens.summary(), markup=False)
            if decides is not None:
                console.print("Each assumption moved alone (defaults entering / leaving):")
                for r in decides.to_dict(orient="records"):
                    v = r["value"]
                    value = "" if v is None or pd.isna(v) else f" = {float(v):g}"
                    console.print(
                        f"  {r['assumption']}{value}: in default {r['defaults'] or '-'}"
                        f" (+{r['entering'] or '-'} / -{r['leaving'] or '-'})",
                        markup=False,
                    )

        emit(payload, as_json, render)

    app.add_typer(group, name="network")
