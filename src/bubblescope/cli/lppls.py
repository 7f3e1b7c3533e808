"""``bubblescope lppls``: LPPLS fits and the DS LPPLS Confidence/Trust indicators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bubblescope.cli._common import (
    JSON_OPTION,
    YES_OPTION,
    check_cost,
    console,
    date_callback,
    emit_with_data,
    handle_errors,
    jobs_callback,
    progress_bar,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]

HELP = """Log-periodic power law singularity (LPPLS) bubble diagnostics, in trading days.

SERIES is a shipped series (a ticker such as NVDA, nasdaq, sp500), a CSV/Parquet file, or a
symbol in the store (stored rows win over shipped ones per date).
Examples:

  bubblescope lppls fit prices.csv --end 2000-03-10 --window 750 --space stylised
  bubblescope lppls confidence prices.csv --start 2000-01-03 --end 2000-03-10 --jobs 2
"""

FIT_HELP = (
    "Fit the LPPLS model to one window [--start, --end] (or the --window observations ending at "
    "--end): grid over (tc, m, omega) inside the search space, then bounded polishing; the "
    "lowest SSR wins. Reports tc (trading days after the window end, and as a date), m, omega, "
    "the linear parameters, damping, oscillations, relative error, and which parameters ended "
    "on a bound (a boundary fit is not an interior minimum; filter 1 usually rejects it)."
)

CONF_HELP = (
    "DS LPPLS Confidence (fraction of ALL nested windows whose fit passes Sornette et al. 2015 "
    "filter 1) for positive (B < 0) and negative (B > 0) bubbles, for every trading day from "
    "--start to --end (default: only the last day). --trust adds DS LPPLS Trust (100 synthetic "
    "series per window; about 100x slower). Needs --windows' longest window of history before "
    "each day."
)


def _load(series: str, end: str | None) -> pd.Series:
    """The ``close`` column of SERIES up to ``end``."""
    from bubblescope.data.sources import resolve_series

    close: pd.Series = resolve_series(series, end=end)["close"]
    return close


def register(app: typer.Typer) -> None:
    """Add the ``lppls`` command group (``fit``, ``confidence``) to ``app``."""
    lppls_app = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode="rich")

    @lppls_app.command("fit", help=FIT_HELP)
    @handle_errors
    def fit_command(
        series: str = typer.Argument(..., help="Bundled name, file path, or stored symbol."),
        start: str | None = typer.Option(
            None, "--start", help="Window start t1 (date).", callback=date_callback
        ),
        end: str | None = typer.Option(
            None, "--end", help="Window end t2 (date; default: last).", callback=date_callback
        ),
        window: int | None = typer.Option(
            None,
            "--window",
            help="Window length in trading days ending at --end (used when --start is not "
            "given; default: the standard preset's, or all data when shorter).",
        ),
        space: str = typer.Option(
            "fco",
            "--space",
            help="Search space: 'fco' (Sornette et al. "
            "2015 Table 1) or 'stylised' (m in [0.1, 0.9], omega in "
            "[2, 25]).",
        ),
        seed: int = typer.Option(0, "--seed", help="Seed of the extra random starts."),
        yes: bool = YES_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.engines import LPPLSFitSettings
        from bubblescope.detect.lppls import SearchSpace, lppls_fit
        from bubblescope.errors import InputError
        from bubblescope.web.cost import lppls_fit_cost

        spaces = {"fco": SearchSpace.fco, "stylised": SearchSpace.stylised}
        if space not in spaces:
            raise InputError(f"unknown search space {space!r}", hint="use 'fco' or 'stylised'")
        close = _load(series, end)
        if window is None:
            window = LPPLSFitSettings.preset("standard").window_for(len(close))
        n = len(close.loc[start:]) if start else min(window or len(close), len(close))
        fit_cost = lppls_fit_cost(n)  # the server's estimate
        check_cost(fit_cost.seconds, fit_cost.basis, "fit a shorter window (--window)", yes)
        fit = lppls_fit(close, t1=start, t2=end, window=window, space=spaces[space](), rng=seed)
        emit_with_data(
            fit.to_dict(), as_json, lambda: console.print(fit.summary(), highlight=False), close
        )

    @lppls_app.command("confidence", help=CONF_HELP)
    @handle_errors
    def confidence_command(
        series: str = typer.Argument(..., help="Bundled name, file path, or stored symbol."),
        start: str | None = typer.Option(
            None, "--start", help="First t2 date (default: --end).", callback=date_callback
        ),
        end: str | None = typer.Option(
            None, "--end", help="Last t2 date (default: last day).", callback=date_callback
        ),
        windows: str = typer.Option(
            "750:125:5",
            "--windows",
            help="Nested windows MAX:MIN:STEP in trading days, or fco/short/medium/long.",
        ),
        trust: bool = typer.Option(False, "--trust", help="Also compute DS LPPLS Trust."),
        n_synthetic: int = typer.Option(
            100, "--n-synthetic", help="Synthetic series per window for Trust."
        ),
        no_relative_error: bool = typer.Option(
            False, "--no-relative-error", help="Drop filter 1's relative-error condition."
        ),
        jobs: int = typer.Option(
            1,
            "--jobs",
            help="Worker processes over dates, at most one per core (-1: all); 1 runs in "
            "this process on numba's threads (every core unless NUMBA_NUM_THREADS says less).",
            callback=jobs_callback,
        ),
        seed: int = typer.Option(0, "--seed", help="Seed of the Trust resampling."),
        backend: str = typer.Option(
            "cpu",
            "--backend",
            help="cpu (numba), gpu (JAX on its device; needs the gpu extra) or auto.",
        ),
        yes: bool = YES_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        import dataclasses

        import pandas as pd
        from rich.table import Table

        from bubblescope.detect.lppls import LPPLSFilter, WindowSet, lppls_confidence
        from bubblescope.web.cost import lppls_confidence_cost

        ws = WindowSet.parse(windows)
        flt = LPPLSFilter.fco_confidence()
        if no_relative_error:
            flt = dataclasses.replace(flt, max_relative_error=None)
        close = _load(series, end)
        index = close.index
        lo = index[-1] if start is None else max(index[0], pd.Timestamp(start))
        dates = list(index[index >= lo])
        estimate = lppls_confidence_cost(len(dates), ws.max_window, ws.min_window, ws.step)
        seconds, basis = estimate.seconds, estimate.basis  # the server's estimate
        if trust:  # each window also fits its n_synthetic resampled series
            seconds *= 1 + n_synthetic
            basis += f", with Trust ({n_synthetic:,} synthetic series a window)"
        hint = "use a later --start, a larger --windows step or a narrower window range"
        check_cost(seconds, basis, hint + (", or fewer --n-synthetic" if trust else ""), yes)
        with progress_bar("LPPLS confidence", enabled=not as_json) as progress:
            result = lppls_confidence(
                close,
                dates=dates,
                windows=ws,
                filter=flt,
                trust=trust,
                n_synthetic=n_synthetic,
                rng=seed,
                n_jobs=jobs,
                progress=progress,
                backend=backend,  # type: ignore[arg-type]  # lppls_confidence validates it
            )

        def render() -> None:
            console.print(result.summary(), highlight=False)
            frame = result.to_frame().tail(20)
            table = Table(title="last dates" if len(result.frame) > 20 else None)
            for col in ["t2", *frame.columns]:
                table.add_column(col)
            for when, row in frame.iterrows():
                label = str(when.date()) if isinstance(when, pd.Timestamp) else str(when)
                table.add_row(label, *[f"{v:.3f}" for v in row.to_numpy()])
            console.print(table)

        emit_with_data(result.to_dict(), as_json, render, close)

    app.add_typer(lppls_app, name="lppls")
