"""``bubblescope backtest``: each signal as knowable on each date, scored against crashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, cast

import typer

from bubblescope.cli._common import (
    JSON_OPTION,
    YES_OPTION,
    check_cost,
    console,
    emit_with_data,
    handle_errors,
    jobs_callback,
)

__all__ = ["register"]

HELP = """Early-warning backtest of one price history: build each signal point in time (PSY
family-wise alarm, LPPLS Confidence, GSY run-up and crash probability, Shiller gauge, and the
baselines "2-year return > 100%" and "CAPE > 30"), find the crash events (a fall of
--event-drawdown within --horizon months of a peak) and score hit rate, lead time, false alarms
per year, precision/recall and the Brier score, each against the baselines.

SERIES is a shipped series (a ticker such as NVDA, nasdaq, sp500), a CSV/Parquet file, or a
symbol in the store (stored rows win over shipped ones per date).
The gauge and the CAPE baseline use Shiller's table: --shiller shiller (the shipped one) or a
CSV. PSY training, replications, seed and the LPPLS grid default to the standard run's.
Each built signal is kept in the results cache, keyed by the prices, settings and seed: a rerun
on unchanged data reads it back (BUBBLESCOPE_NO_CACHE=1 recomputes).
Example: `bubblescope backtest NASDAQCOM.csv --signals psy,runup,baseline --freq W`.
"""

_FREQ = {"D": None, "W": "W", "M": "M"}


def _shiller(spec: str) -> Any:
    """Shiller's table dated at month ends: the shipped one for 'shiller', else a CSV."""
    from bubblescope.backtest.histories import load_shiller

    if spec.strip().lower() == "shiller" and not Path(spec).is_file():
        from bubblescope.data.bundled import load_shiller as shipped
        from bubblescope.status.records import month_end_shiller

        return month_end_shiller(shipped())
    return load_shiller(spec)


def _check_backtest_cost(
    prices: Any, cfg: Any, signals: tuple[str, ...], frequency: str, yes: bool
) -> None:
    """Estimate the PSY and LPPLS signals' work before it starts (see :func:`check_cost`).

    The server's estimate (:func:`bubblescope.web.cost.backtest_prices_cost`): the PSY
    monitor's critical values on the training sample and one sweep of the whole history, and
    LPPLS Confidence at each grid date over the nested windows. ``signals`` are those the
    results cache does not hold (:func:`bubblescope.backtest.cached_signals`), so a repeated
    run is estimated at what it recomputes.
    """
    from bubblescope.backtest.signals import default_windows
    from bubblescope.web.cost import backtest_prices_cost

    estimate = backtest_prices_cost(
        prices,
        signals,
        train_years=cfg.train_years,
        lag=cfg.psy_lag,
        reps=cfg.psy_reps,
        lppls_grid=cfg.lppls_grid,
        lppls_windows=cfg.lppls_windows or default_windows(frequency),
        config=cfg,
    )
    check_cost(
        estimate.seconds,
        estimate.basis,
        "use weekly or monthly closes (--freq), a coarser --lppls-grid, a shorter "
        "--train-years or fewer --reps",
        yes,
    )


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
        signals: str | None = typer.Option(
            None,
            help="Comma list: psy, lppls, runup (adds crash_probability), gauge, baseline "
            "(both baselines), or single names; 'all' for every signal (default: the preset's).",
        ),
        event_drawdown: float | None = typer.Option(
            None, help="Crash size as a fraction (default: the preset's)."
        ),
        horizon: int | None = typer.Option(
            None, help="Months within which the fall must happen (default: the preset's)."
        ),
        warning: int | None = typer.Option(
            None, help="Pre-peak warning window, in months (default: the preset's)."
        ),
        freq: str | None = typer.Option(
            None, help="Resample first: D (as is), W (weekly) or M (default: the preset's)."
        ),
        shiller: str | None = typer.Option(
            None, help="Shiller's table for the gauge and CAPE: 'shiller' (shipped) or a CSV."
        ),
        market: str | None = typer.Option(None, help="Market series for the net run-up."),
        preset: str = typer.Option("standard", help="Run settings: standard, quick, publication."),
        train_years: float | None = typer.Option(
            None, help="PSY training sample, in years (default: the preset's)."
        ),
        lppls_grid: str | None = typer.Option(
            None, help="LPPLS evaluation grid: W, M or Q (default: the preset's)."
        ),
        reps: int | None = typer.Option(
            None, help="Bootstrap replications of the PSY critical value (default: the preset's)."
        ),
        seed: int | None = typer.Option(None, help="Seed of the PSY bootstrap (default: preset)."),
        n_jobs: int = typer.Option(
            1,
            help="Processes for the PSY bootstrap, the LPPLS dates and the monitors' boundary "
            "simulations, at most one per core (-1: all).",
            callback=jobs_callback,
        ),
        yes: bool = YES_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.registry import BacktestAnalysisSettings
        from bubblescope.backtest import (
            EventSpec,
            SignalConfig,
            backtest,
            cached_signals,
            parse_signals,
        )
        from bubblescope.backtest.histories import to_monthly, to_weekly
        from bubblescope.data.sources import resolve_series
        from bubblescope.errors import InputError

        standard = BacktestAnalysisSettings.preset(preset)
        signals = standard.signals if signals is None else signals
        event_drawdown = standard.event_drawdown if event_drawdown is None else event_drawdown
        horizon = standard.horizon_months if horizon is None else horizon
        warning = standard.warning_months if warning is None else warning
        key = (freq or standard.frequency).strip().upper()
        if key not in _FREQ:
            raise InputError(f"unknown frequency {freq!r}", hint="use D, W or M")
        frame = resolve_series(series)
        prices = frame["close"].rename(series)
        if key == "W":
            prices = to_weekly(prices)
        elif key == "M":
            prices = to_monthly(prices)
        market_close = resolve_series(market)["close"] if market else None
        from bubblescope.settings import RunSettings

        run = RunSettings.preset(preset)
        cfg = SignalConfig(
            train_years=run.backtest.train_years if train_years is None else train_years,
            psy_reps=run.backtest.psy_reps if reps is None else reps,
            lppls_grid=cast(
                "Literal['W', 'M', 'Q']", (lppls_grid or run.backtest.lppls_grid).upper()
            ),
        )
        shiller_frame = _shiller(shiller) if shiller else None
        rng = run.psy.seed if seed is None else seed
        held = cached_signals(
            prices,
            signals,
            config=cfg,
            shiller=shiller_frame,
            market=market_close,
            name=series,
            rng=rng,
        )
        to_build = tuple(s for s in parse_signals(signals) if s not in held)
        _check_backtest_cost(prices, cfg, to_build, key, yes)
        result = backtest(
            prices,
            signals=signals,
            config=cfg,
            events=EventSpec(event_drawdown, horizon, warning_months=warning),
            shiller=shiller_frame,
            market=market_close,
            name=series,
            rng=rng,
            n_jobs=None if n_jobs == 1 else n_jobs,
            cache=True,
        )
        emit_with_data(
            result.to_dict(),
            as_json,
            lambda: console.print(result.summary(), highlight=False),
            frame,
        )
