"""``bubblescope backtest``: each signal as knowable on each date, scored against crashes."""

from __future__ import annotations

from typing import Literal, cast

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit_with_data, handle_errors

__all__ = ["register"]

HELP = """Early-warning backtest of one price history: build each signal point in time (PSY
family-wise alarm, LPPLS Confidence, GSY run-up and crash probability, Shiller gauge, and the
baselines "2-year return > 100%" and "CAPE > 30"), find the crash events (a fall of
--event-drawdown within --horizon months of a peak) and score hit rate, lead time, false alarms
per year, precision/recall and the Brier score, each against the baselines.

SERIES is a shipped series (a ticker such as NVDA, nasdaq, sp500), a CSV/Parquet file, or a
symbol in the store (stored rows win over shipped ones per date).
The gauge and the CAPE baseline need --shiller (Shiller's monthly tidy CSV).
Example: `bubblescope backtest NASDAQCOM.csv --signals psy,runup,baseline --freq W`.
"""

_FREQ = {"D": None, "W": "W", "M": "M"}


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` command to ``app``."""

    @app.command(
        "backtest",
        help=HELP,
        short_help="Point-in-time backtest of every bubble signal against crashes.",
    )
    @handle_errors
    def backtest_command(
        series: str = typer.Argument(..., help="Bundled name, file path, or stored symbol."),
        signals: str = typer.Option(
            "psy,lppls,runup,gauge,baseline",
            help="Comma list: psy, lppls, runup (adds crash_probability), gauge, baseline "
            "(both baselines), or single names; 'all' for every signal.",
        ),
        event_drawdown: float = typer.Option(0.2, help="Crash size as a fraction (0.2 = 20%)."),
        horizon: int = typer.Option(24, help="Months within which the fall must happen."),
        warning: int = typer.Option(24, help="Pre-peak warning window, in months."),
        freq: str = typer.Option("D", help="Resample first: D (as is), W (weekly) or M."),
        shiller: str | None = typer.Option(None, help="Shiller monthly tidy CSV (gauge, CAPE)."),
        market: str | None = typer.Option(None, help="Market series for the net run-up."),
        train_years: float = typer.Option(10.0, help="PSY training sample, in years."),
        lppls_grid: str = typer.Option("M", help="LPPLS evaluation grid: W, M or Q."),
        reps: int = typer.Option(499, help="Bootstrap replications of the PSY critical value."),
        seed: int = typer.Option(0, help="Seed of the PSY bootstrap."),
        n_jobs: int = typer.Option(1, help="Processes for the PSY bootstrap and LPPLS dates."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.backtest import EventSpec, SignalConfig, backtest
        from bubblescope.backtest.histories import load_shiller, to_monthly, to_weekly
        from bubblescope.data.sources import resolve_series
        from bubblescope.errors import InputError

        key = freq.strip().upper()
        if key not in _FREQ:
            raise InputError(f"unknown frequency {freq!r}", hint="use D, W or M")
        frame = resolve_series(series)
        prices = frame["close"].rename(series)
        if key == "W":
            prices = to_weekly(prices)
        elif key == "M":
            prices = to_monthly(prices)
        market_close = resolve_series(market)["close"] if market else None
        cfg = SignalConfig(
            train_years=train_years,
            psy_reps=reps,
            lppls_grid=cast("Literal['W', 'M', 'Q']", lppls_grid.upper()),
        )
        result = backtest(
            prices,
            signals=signals,
            config=cfg,
            events=EventSpec(event_drawdown, horizon, warning_months=warning),
            shiller=load_shiller(shiller) if shiller else None,
            market=market_close,
            name=series,
            rng=seed,
            n_jobs=None if n_jobs == 1 else n_jobs,
        )
        emit_with_data(
            result.to_dict(),
            as_json,
            lambda: console.print(result.summary(), highlight=False),
            frame,
        )
