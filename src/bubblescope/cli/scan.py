"""``bubblescope scan``: PSY, run-up and drawdown readings for a universe of symbols."""

from __future__ import annotations

from typing import Any

import typer

from bubblescope.cli._common import (
    DASK_OPTION,
    JOBS_OPTION,
    JSON_OPTION,
    YES_OPTION,
    check_cost,
    console,
    emit,
    err_console,
    handle_errors,
    progress_bar,
)

__all__ = ["register"]

SCAN_HELP = """Scan a universe: per symbol, PSY exuberance on log prices (trailing window), the GSY
run-up and its crash probability, and drawdowns. One failing analysis is reported for its symbol
without losing the others.

UNIVERSE is a folder of price files (one symbol per file), or a file listing symbols or paths
(one per line, or CSV columns symbol[,path]). Work runs serially, on local processes (--jobs),
or on a Dask cluster (--dask tcp://host:8786, or --dask local); results are identical.
Example: `bubblescope scan prices/ --market SPY --jobs 2`.
"""


def _check_psy_cost(members: dict[str, Any], window: int | None, run: Any, yes: bool) -> None:
    """Estimate the scan's PSY work before it starts (see :func:`check_cost`).

    The server's estimate (:func:`bubblescope.web.cost.scan_cost`): every symbol sweeps its
    sample once; the Monte Carlo critical values are simulated once per distinct sample length
    (they are cached by length), ``reps`` sweeps each.
    """
    from bubblescope.web.cost import scan_cost

    lengths = [
        min(window, len(frame)) if window else len(run.psy.sample(frame["close"]))
        for frame in members.values()
    ]
    estimate = scan_cost(lengths, run.psy.lag, run.psy.reps)
    check_cost(
        estimate.seconds,
        estimate.basis,
        "use fewer symbols, a shorter --window or fewer --reps",
        yes,
    )


def register(app: typer.Typer) -> None:
    """Add the ``scan`` command to ``app``."""

    @app.command(
        "scan",
        help=SCAN_HELP,
        short_help="PSY, run-up and drawdown readings for a universe (serial, processes, Dask).",
    )
    @handle_errors
    def scan_command(
        universe: str = typer.Argument(..., help="Folder of price files, or a symbol list."),
        market: str | None = typer.Option(
            None,
            help="Market series for net-of-market run-ups: a symbol of the universe, a "
            "shipped series, a file or a stored symbol (default: the preset's, SP500, as on "
            "the status page; '' for none).",
        ),
        analyses: str | None = typer.Option(
            None,
            help="Comma-separated: psy, runup, drawdown, gauge (default: the preset's, "
            "`bubblescope run scan --help`).",
        ),
        window: int = typer.Option(
            0,
            help="PSY on the trailing N observations as given (0 = the preset's sampling: "
            "weekly closes of the last 20 years).",
        ),
        preset: str = typer.Option("standard", help="Run settings: standard, quick, publication."),
        reps: int | None = typer.Option(
            None, help="Monte Carlo replications of the PSY critical values (default: preset)."
        ),
        symbols: str | None = typer.Option(None, help="Comma-separated subset of the universe."),
        jobs: int = JOBS_OPTION,
        dask: str | None = DASK_OPTION,
        store: bool = typer.Option(False, help="Append each finished row to the store's runs."),
        yes: bool = YES_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.registry import ScanAnalysisSettings
        from bubblescope.data.sources import resolve_series
        from bubblescope.parallel import dask_executor
        from bubblescope.scan import ScanConfig, load_universe, scan
        from bubblescope.settings import RunSettings

        if analyses is None:
            analyses = ",".join(ScanAnalysisSettings.preset(preset).analyses)
        run = RunSettings.preset(preset)
        if reps is not None:
            run = run.with_changes(psy={"reps": reps})
        config = ScanConfig(
            analyses=tuple(a.strip() for a in analyses.split(",") if a.strip()),
            run=run,
            window=window or None,
        )
        wanted = [s.strip() for s in symbols.split(",")] if symbols else None
        members = load_universe(universe, wanted)
        market_frame = None
        if market is None:  # the status page's market, so the net run-ups read the same
            market = run.runup.market
            market_frame = resolve_series(market)
        elif market:
            key = market.upper()
            market_frame = members.pop(key) if key in members else resolve_series(market)
        if "psy" in config.analyses:
            _check_psy_cost(members, config.window, run, yes)
        executor = None
        if dask:
            executor = dask_executor(None if dask == "local" else dask)
        with progress_bar("scanning", enabled=not as_json) as progress:
            result = scan(
                members,
                config,
                market=market_frame,
                market_name=market or None,
                executor=executor,
                n_jobs=jobs,
                progress=progress,
                store=store,
            )
        emit(result.to_dict(), as_json, lambda: console.print(result.summary(), highlight=False))
        if result.all_failed:
            err_console.print(
                f"error: every symbol failed ({len(result.outcomes)}); the reasons are above",
                style="red",
                highlight=False,
            )
            raise typer.Exit(code=1)
