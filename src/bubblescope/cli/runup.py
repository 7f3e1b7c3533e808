"""``bubblescope runup`` and ``bubblescope drawdown``: GSY run-up crash odds and drawdown tables."""

from __future__ import annotations

from typing import Literal, cast

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit_with_data, handle_errors

__all__ = ["register"]

RUNUP_HELP = """Greenwood–Shleifer–You run-ups: flag 24-month returns above the threshold (raw and,
with --market, net of the market), group them into episodes, label crashes (a 40% drawdown
within the next 24 months) and give the crash probability of the model fitted on the Ken French
49 industries. Daily or weekly prices are reduced to month-end prices first. An episode whose
crash window runs past the end of the data is open, neither a crash nor a non-crash: it prints as
"open (window ends YYYY-MM)" (JSON: crash null, censored and open true) and is left out of the
crash share.

SERIES is a shipped series (a ticker such as NVDA, nasdaq, sp500), a CSV/Parquet file, or a
symbol in the store (stored rows win over shipped ones per date).
Example: `bubblescope runup nasdaq --market sp500 --threshold 0.5`.
"""

DRAWDOWN_HELP = """Drawdown table: the maximum drawdown and the worst peak-to-trough episodes
(peak, trough, recovery date, depth, durations).

SERIES is a shipped series (a ticker such as NVDA, nasdaq, sp500), a CSV/Parquet file, or a
symbol in the store (stored rows win over shipped ones per date).
Example: `bubblescope drawdown nasdaq --top 3`.
"""


def register(app: typer.Typer) -> None:
    """Add the ``runup`` and ``drawdown`` commands to ``app``."""

    @app.command(
        "runup",
        help=RUNUP_HELP,
        short_help="Greenwood–Shleifer–You run-ups, crash labels and crash probability.",
    )
    @handle_errors
    def runup_command(
        series: str = typer.Argument(..., help="Bundled name, file path, or stored symbol."),
        threshold: float | None = typer.Option(
            None, help="Run-up size as a fraction (1.0 = 100%; default: the standard preset's)."
        ),
        horizon: int | None = typer.Option(
            None, help="Run-up and crash window, in months (default: the standard preset's)."
        ),
        market: str | None = typer.Option(
            None,
            help="Market series (name, file or symbol) for the net-of-market condition "
            "(default: the standard preset's, SP500; 'none' for raw run-ups only).",
        ),
        anchor: str | None = typer.Option(
            None, help="Drawdown anchor: 'peak' or 'runup' (default: the standard preset's)."
        ),
        prior_window: int | None = typer.Option(
            None,
            help="Months of the prior-return filter (>= 50% raw); 0 disables it (default: the "
            "standard preset's).",
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.engines import RunupAnalysisSettings
        from bubblescope.data.sources import resolve_series
        from bubblescope.detect.gsy import runup

        standard = RunupAnalysisSettings.preset("standard")
        market = standard.market if market is None else market
        frame = resolve_series(series)
        market_frame = resolve_series(market) if market and market != "none" else None
        result = runup(
            frame,
            market_frame,
            threshold=standard.threshold if threshold is None else threshold,
            horizon=standard.horizon_months if horizon is None else horizon,
            crash_drawdown=standard.crash_drawdown,
            anchor=cast("Literal['peak', 'runup']", anchor or standard.anchor),  # runup() checks
            prior_window=standard.prior_window if prior_window is None else prior_window or None,
        )
        emit_with_data(
            result.to_dict(),
            as_json,
            lambda: console.print(result.summary(), highlight=False),
            frame,
        )

    @app.command(
        "drawdown",
        help=DRAWDOWN_HELP,
        short_help="Maximum drawdown and the worst peak-to-trough episodes.",
    )
    @handle_errors
    def drawdown_command(
        series: str = typer.Argument(..., help="Bundled name, file path, or stored symbol."),
        top: int | None = typer.Option(
            None, help="Number of episodes to list, deepest first (default: the standard preset's)."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.engines import DrawdownSettings
        from bubblescope.data.sources import resolve_series
        from bubblescope.detect.drawdowns import drawdown

        frame = resolve_series(series)
        result = drawdown(
            frame, top=DrawdownSettings.preset("standard").top if top is None else top
        )
        emit_with_data(
            result.to_dict(),
            as_json,
            lambda: console.print(result.summary(), highlight=False),
            frame,
        )
