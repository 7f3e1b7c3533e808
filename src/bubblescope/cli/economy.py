"""``bubblescope depreciation|gpu|power|valuation``: the fundamentals models from sourced inputs.

Every command prints its result with the inputs and assumptions it rests on (``--json`` for the
machine-readable form) and can save its chart with ``--plot FILE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors
from bubblescope.errors import InputError
from bubblescope.result import Result

__all__ = ["register"]


_PLOT_OPTION = typer.Option(None, "--plot", help="Save the chart to this file (png, svg, pdf).")
_SEC_DIR_OPTION = typer.Option(
    None,
    "--sec-dir",
    envvar="BUBBLESCOPE_SEC_DIR",
    help="Folder with SEC companyfacts JSON (MSFT, GOOGL, NVDA) and the iXBRL extract "
    "(AMZN, META); env BUBBLESCOPE_SEC_DIR. Default: the filings in the local store, "
    "from `bubblescope data fetch MSFT --source sec`.",
)


#: Fleet groups (module-level: a call in a list-typed default trips B008).
_GROUPS_ARGUMENT = typer.Argument(..., help="TYPE=COUNT pairs, e.g. H100=1000000 B200=500000.")


def _show(result: Result, as_json: bool, plot: Path | None) -> None:
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        fig = result.plot()
        fig.savefig(plot)
    emit(
        result.to_dict(),
        as_json,
        lambda: console.print(result.summary(), markup=False, highlight=False),
    )


def _user(name: str, value: float, unit: str) -> Any:
    from bubblescope.economy.inputs import Input
    from bubblescope.economy.units import Q

    return Input(name, Q(value, unit), "user", "given on the command line")


# --------------------------------------------------------------------------------------------
depreciation_app = typer.Typer(
    help="Depreciation restatement: disclosed useful-life changes and Burry's $176B.",
    no_args_is_help=True,
)


@depreciation_app.command("disclosed")
@handle_errors
def depreciation_disclosed(
    entity: str = typer.Argument(..., help="MSFT, GOOGL, META or AMZN."),
    sec_dir: Path | None = _SEC_DIR_OPTION,
    share: float | None = typer.Option(None, help="Override the short-lived share of capex."),
    tax_rate: float | None = typer.Option(None, help="Override the tax rate (default 21%)."),
    full_year: bool = typer.Option(
        False, "--full-year", help="Full-year instead of half-year convention."
    ),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Reproduce a disclosed useful-life change (ASC 250) from filings and assumptions."""
    from bubblescope.economy.depreciation import disclosed_case

    result = disclosed_case(
        entity,
        sec_dir,
        share=None if share is None else _user("short-lived share", share, "1"),
        tax_rate=None if tax_rate is None else _user("tax rate τ", tax_rate, "1"),
        convention="full-year" if full_year else "half-year",
    )
    _show(result, as_json, plot)


@depreciation_app.command("table")
@handle_errors
def depreciation_table(
    sec_dir: Path | None = _SEC_DIR_OPTION,
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """All disclosed changes (MSFT, GOOGL, META, AMZN): model vs filing, implied shares."""
    from bubblescope.economy.depreciation import disclosed_all

    _show(disclosed_all(sec_dir), as_json, plot)


@depreciation_app.command("burry")
@handle_errors
def depreciation_burry(
    economic_life: float | None = typer.Option(
        None, help="Economic life in years (default: the life implied by $176B)."
    ),
    book_life: float | None = typer.Option(
        None, help="Book life in years (default: the case's 6 years, DEP-06..09)."
    ),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Burry's understated depreciation 2026-28 on the §3.5 assumption set, with implied life."""
    from bubblescope.economy.depreciation import burry_case

    _show(burry_case(economic_life, book_life=book_life), as_json, plot)


# --------------------------------------------------------------------------------------------
gpu_app = typer.Typer(
    help="GPU unit economics: cash cost, margins by age, payback, life.", no_args_is_help=True
)


@gpu_app.command("cost")
@handle_errors
def gpu_cost(
    power_kw: float | None = typer.Option(
        None, help="Wall power per GPU, kW (default: H100 1.275, GPU-10)."
    ),
    pue: float | None = typer.Option(None, help="Power usage effectiveness (default 1.3)."),
    price: float | None = typer.Option(None, help="Electricity, USD per kWh (default 0.08)."),
    colo: float | None = typer.Option(None, help="Colocation, USD per kW-month (default 200)."),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Cash cost per GPU-hour: power × PUE × $/kWh + colocation $/kW-month."""
    from bubblescope.economy.gpu import cash_cost, default_costs, generation

    defaults = default_costs()
    result = cash_cost(
        generation("H100").power if power_kw is None else _user("wall power", power_kw, "kW/GPU"),
        defaults["pue"] if pue is None else _user("PUE", pue, "1"),
        defaults["electricity_price"]
        if price is None
        else _user("electricity price", price, "USD/kWh"),
        defaults["colocation_rate"]
        if colo is None
        else _user("colocation rate", colo, "USD/kW-month"),
    )
    _show(result, as_json, plot)


@gpu_app.command("economics")
@handle_errors
def gpu_economics_cmd(
    generation: str | None = typer.Argument(None, help="H100 or A100 (default: the standard's)."),
    bought: float | None = typer.Option(
        None, help="Purchase time, decimal year (default: launch)."
    ),
    rule: str | None = typer.Option(
        None, help="Economic-life rule: cash or npv (default: the standard preset's)."
    ),
    horizon: int | None = typer.Option(
        None, help="Years of age to model (default: the standard preset's)."
    ),
    utilisation: float | None = typer.Option(None, help="Share of hours rented."),
    discount_rate: float | None = typer.Option(None, help="Annual discount rate."),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Margin by age, payback and economic life of one GPU generation."""
    from bubblescope.analyses.engines import GPUSettings
    from bubblescope.economy.gpu import gpu_economics

    standard = GPUSettings.preset("standard")
    generation = generation or standard.generation
    rule = rule or standard.rule
    horizon = standard.horizon if horizon is None else horizon

    if rule not in ("cash", "npv"):
        raise InputError(f"unknown life rule {rule!r}", hint="cash or npv")
    result = gpu_economics(
        generation,
        purchase_time=bought,
        horizon=horizon,
        rule=rule,  # type: ignore[arg-type]
        utilisation=None if utilisation is None else _user("utilisation", utilisation, "1"),
        discount_rate=None if discount_rate is None else _user("discount rate", discount_rate, "1"),
    )
    _show(result, as_json, plot)


@gpu_app.command("readings")
@handle_errors
def gpu_readings(
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Bernstein's (cash margin) and Burry's (capital recovery) readings side by side."""
    from bubblescope.economy.gpu import bernstein_vs_burry

    _show(bernstein_vs_burry(), as_json, plot)


# --------------------------------------------------------------------------------------------
power_app = typer.Typer(
    help="Power: training runs, fleets, capex → GW, grid outlooks.", no_args_is_help=True
)


@power_app.command("training")
@handle_errors
def power_training(
    gwh: float | None = typer.Option(None, help="Training energy, GWh (default GPT-4, ENE-01)."),
    days: float | None = typer.Option(None, help="Duration, days (default 98)."),
    name: str = typer.Option("GPT-4 training", help="Label."),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Daily draw of a training run and the households whose daily use it equals."""
    from bubblescope.economy.power import training_energy

    result = training_energy(
        None if gwh is None else _user("training energy", gwh, "GWh"),
        None if days is None else _user("duration", days, "day"),
        name=name,
    )
    _show(result, as_json, plot)


@power_app.command("fleet")
@handle_errors
def power_fleet(
    groups: list[str] = _GROUPS_ARGUMENT,
    utilisation: float | None = typer.Option(None, help="Average load share (default 0.7)."),
    pue: float | None = typer.Option(None, help="Power usage effectiveness (default 1.2)."),
    overhead: float | None = typer.Option(
        None, help="Node wall power per board watt (default 1.0; 1.82 for a DGX H100)."
    ),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """GW and TWh of installed accelerators."""
    from bubblescope.economy.power import fleet_power

    pairs: list[tuple[str, float]] = []
    for item in groups:
        kind, sep, count = item.partition("=")
        try:
            number = float(count)
        except ValueError:
            number = float("nan")
        if not sep or not number >= 0:
            raise InputError(f"cannot read fleet group {item!r}", hint="write TYPE=COUNT")
        pairs.append((kind, number))
    result = fleet_power(
        pairs,
        utilisation=None if utilisation is None else _user("utilisation", utilisation, "1"),
        pue=None if pue is None else _user("PUE", pue, "1"),
        node_overhead=None if overhead is None else _user("node overhead", overhead, "1"),
    )
    _show(result, as_json, plot)


@power_app.command("capex")
@handle_errors
def power_capex(
    usd_bn: float = typer.Argument(..., help="Capex, USD bn."),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """GW of data-centre capacity a capex budget buys at the sourced costs per GW."""
    from bubblescope.economy.power import capex_to_gw

    _show(capex_to_gw(usd_bn), as_json, plot)


@power_app.command("grid")
@handle_errors
def power_grid(
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Data-centre demand (IEA, LBNL) against the EIA outlook for US consumption."""
    from bubblescope.economy.power import grid_comparison

    _show(grid_comparison(), as_json, plot)


# --------------------------------------------------------------------------------------------
valuation_app = typer.Typer(
    help="Valuation: multiples, reverse DCF, Sequoia's gap, Nadella.", no_args_is_help=True
)


@valuation_app.command("sequoia")
@handle_errors
def valuation_sequoia(
    year: int | None = typer.Option(
        None,
        help="2023 ($200B question) or 2024 ($600B question) (default: the standard preset's).",
    ),
    run_rate: float | None = typer.Option(None, help="Own GPU/capex run-rate, USD bn a year."),
    ai_revenue: float | None = typer.Option(None, help="AI revenue to compare, USD bn a year."),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Revenue needed to pay for GPU spending (run-rate × 2 × 2) and the gap."""
    from bubblescope.analyses.engines import SequoiaSettings
    from bubblescope.economy.valuation import sequoia_2023, sequoia_2024, sequoia_gap

    year = SequoiaSettings.preset("standard").year if year is None else year

    if run_rate is not None:
        result = sequoia_gap(run_rate, ai_revenue=ai_revenue)
    elif year == 2023:
        result = sequoia_2023()
    elif year == 2024:
        result = sequoia_2024()
    else:
        raise InputError(f"no Sequoia essay for {year}", hint="2023 or 2024, or --run-rate")
    _show(result, as_json, plot)


@valuation_app.command("reverse-dcf")
@handle_errors
def valuation_reverse_dcf(
    price: float = typer.Option(..., help="Market value to explain, USD bn."),
    fcf: float = typer.Option(..., help="Latest free cash flow, USD bn."),
    rate: float | None = typer.Option(None, help="Discount rate, fraction (default 0.09)."),
    horizon: int = typer.Option(10, help="Years of explicit growth."),
    terminal: float | None = typer.Option(None, help="Terminal growth, fraction (default 0.03)."),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """FCF growth a price implies (Mauboussin-Rappaport reverse DCF)."""
    from bubblescope.economy.valuation import reverse_dcf

    _show(
        reverse_dcf(price, fcf, discount_rate=rate, horizon=horizon, terminal_growth=terminal),
        as_json,
        plot,
    )


@valuation_app.command("multiples")
@handle_errors
def valuation_multiples(
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """P/E, P/S and market cap / GDP now against the 2000 peak."""
    from bubblescope.economy.valuation import history_multiples

    _show(history_multiples(), as_json, plot)


@valuation_app.command("nadella")
@handle_errors
def valuation_nadella(
    growth: float | None = typer.Option(
        None, help="Observed real GDP growth, % (default: US H1-2025, 1.2%)."
    ),
    plot: Path | None = _PLOT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Nadella's test: real GDP growth against his 10% (world) and 5-7% (developed)."""
    from bubblescope.economy.valuation import nadella_test

    _show(nadella_test(growth), as_json, plot)


def register(app: typer.Typer) -> None:
    """Add the ``depreciation``, ``gpu``, ``power`` and ``valuation`` groups to ``app``."""
    app.add_typer(depreciation_app, name="depreciation")
    app.add_typer(gpu_app, name="gpu")
    app.add_typer(power_app, name="power")
    app.add_typer(valuation_app, name="valuation")
