"""``bubblescope monitor``: a whole market each day, updated incrementally from the store."""

from __future__ import annotations

import typer

from bubblescope.cli._common import (
    DASK_OPTION,
    JOBS_OPTION,
    JSON_OPTION,
    console,
    emit,
    err_console,
    handle_errors,
    progress_bar,
)

__all__ = ["register"]

MONITOR_HELP = """Bring every stored ticker's readings to its newest date: PSY (BSADF and alarm on
log closes, streamed), the LPPLS Confidence of the newest date, the run-up and the drawdown.
Each ticker keeps a state file; the next run processes only the new closes. A revised close,
changed settings or a corrupt state file recomputes that ticker from scratch and says why. A bad
ticker (unknown, too short, a NaN close) is reported on its own line; the others carry on. The
readings are appended to the store's runs (symbol universe-monitor). Work runs serially, on
local processes (--jobs) or on a Dask cluster (--dask); results are identical.
Example: `bubblescope monitor --tickers NVDA,MSFT --psy-cv 2.0 --jobs 2`.
"""


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` command to ``app``."""

    @app.command(
        "monitor",
        help=MONITOR_HELP,
        short_help="Update a universe's readings to the newest date, incrementally (store).",
    )
    @handle_errors
    def monitor_command(
        tickers: str | None = typer.Option(
            None, help="Comma-separated store symbols (default: every symbol with prices)."
        ),
        psy_window: int = typer.Option(
            115, help="PSY minimum window in trading days (fixed, so history can grow)."
        ),
        psy_cv: float | None = typer.Option(
            None, help="BSADF critical value for the alarm (default: statistics only)."
        ),
        lppls: bool = typer.Option(
            True, help="Compute the LPPLS Confidence of the newest date (most of the cost)."
        ),
        runup_days: int = typer.Option(504, help="Run-up span in trading days (two years)."),
        state_dir: str | None = typer.Option(
            None, help="Folder of the state files (default: $BUBBLESCOPE_HOME/monitor/universe)."
        ),
        jobs: int = JOBS_OPTION,
        dask: str | None = DASK_OPTION,
        store: bool = typer.Option(True, help="Append the readings to the store's runs."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.parallel import dask_executor
        from bubblescope.status.universe_monitor import UniverseSettings, monitor_universe

        settings = UniverseSettings(
            psy_window=psy_window, psy_cv=psy_cv, lppls=lppls, runup_days=runup_days
        )
        names = tickers.split(",") if tickers else None
        executor = None
        if dask:
            executor = dask_executor(None if dask == "local" else dask)
        with progress_bar("monitoring", enabled=not as_json) as progress:
            result = monitor_universe(
                names,
                settings,
                state_dir=state_dir,
                executor=executor,
                n_jobs=jobs,
                progress=progress,
                store=store,
            )
        emit(result.to_dict(), as_json, lambda: console.print(result.summary(), highlight=False))
        if all(not r.ok for r in result.readings):
            err_console.print(
                f"error: every ticker failed ({len(result.readings)}); the reasons are above",
                style="red",
                highlight=False,
            )
            raise typer.Exit(code=1)
