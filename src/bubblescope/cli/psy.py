"""``bubblescope psy``: PSY exuberance test, critical values and date-stamped episodes."""

from __future__ import annotations

from typing import Any, cast

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

__all__ = ["register"]

HELP = """Phillips-Shi-Yu (2015) exuberance test: ADF, SADF, GSADF, the BSADF path and the
date-stamped explosive episodes of one series.

SERIES is a shipped series (a ticker such as NVDA, nasdaq, sp500), a CSV/Parquet file, or a
symbol in the store. Daily closes are resampled with --freq (default: the standard run's
weekly closes, each dated at its trading day) over the preset's last 20 years unless --start
is given, the sample the status page reads. Critical values: --cv mc (default: Monte Carlo
under the PSY null with the standard run's replications and seed, cached on disk, so the
numbers equal the status page's and the report's), auto (the response surface where it
applies, else Monte Carlo), rs (response surface), wild (Harvey et al. 2016 wild bootstrap),
ps (Phillips-Shi 2020 bootstrap; --horizon sets the family-wise window), none (statistics
only).
--lag-selection aic|bic --max-lag K chooses each window's lag from 0..K (psymonitor's IC
option, on a common sample per window); --cv mc, wild and ps then simulate the same
selection (about five times the fixed-lag cost), and auto/rs do not apply.
By default episodes are stamped against the family-wise critical value (false-alarm rate
1 - level on a random walk); --stamping pointwise uses PSY's pointwise sequence.

Examples:

  bubblescope psy NVDA --log
  bubblescope psy sp500 --start 1995-01-01 --end 2002-12-31 --log --lag 1 --freq M
  bubblescope psy prices.csv --window exuber --cv ps --horizon 40 --reps 499 --json
  bubblescope psy sp500 --log --lag-selection bic --max-lag 6 --cv none
  bubblescope psy sp500 --log --lag-selection bic --max-lag 2 --cv mc --reps 499
"""


def _window(text: str) -> Any:
    from bubblescope.errors import InputError

    if text in ("psy", "exuber"):
        return text
    try:
        return int(text)
    except ValueError:
        raise InputError(
            f"--window must be 'psy', 'exuber' or a number of points, got {text!r}"
        ) from None


def register(app: typer.Typer) -> None:
    """Add the ``psy`` command to ``app``."""

    @app.command("psy", help=HELP)
    @handle_errors
    def psy_command(
        series: str = typer.Argument(..., help="Shipped series, file path, or stored symbol."),
        freq: str | None = typer.Option(
            None,
            "--freq",
            help="Sampling of daily closes: D, W (last close of each week) or M "
            "(default: the preset's, W).",
        ),
        preset: str = typer.Option(
            "standard", "--preset", help="Defaults from this run: standard, quick, publication."
        ),
        lag: int | None = typer.Option(
            None,
            "--lag",
            help="Lagged differences in each ADF regression (default: the preset's).",
        ),
        lag_selection: str = typer.Option(
            "fixed",
            "--lag-selection",
            help="fixed (every window uses --lag), aic or bic (each window's lag chosen from "
            "0..--max-lag).",
        ),
        max_lag: int | None = typer.Option(
            None, "--max-lag", help="Largest candidate lag for --lag-selection aic/bic."
        ),
        window: str | None = typer.Option(
            None,
            "--window",
            help="Minimum window: 'psy' (floor(T(0.01+1.8/sqrt T)) points), "
            "'exuber' (that many regression rows) or a number of points (default: the "
            "preset's).",
        ),
        cv: str = typer.Option(
            "mc", "--cv", help="Critical values: mc (default), auto, rs, wild, ps or none."
        ),
        level: float | None = typer.Option(
            None, "--level", help="Confidence level (default: the preset's)."
        ),
        horizon: int | None = typer.Option(
            None,
            "--horizon",
            help="--cv ps: points over which the family-wise critical value "
            "controls false alarms (default: the whole sample).",
        ),
        reps: int | None = typer.Option(
            None, "--reps", help="Replications of the critical values (default: the preset's)."
        ),
        seed: int | None = typer.Option(
            None, "--seed", help="Seed (default: the preset's; results are reproducible)."
        ),
        stamping: str = typer.Option(
            "familywise", "--stamping", help="familywise (default) or pointwise."
        ),
        rule: str = typer.Option("psy", "--rule", help="Episode rule: psy or exuber."),
        min_duration: int | None = typer.Option(
            None, "--min-duration", help="Minimum episode length (default round(log T))."
        ),
        log: bool = typer.Option(False, "--log", help="Analyse log prices."),
        column: str | None = typer.Option(None, "--column", help="Value column of a file."),
        start: str | None = typer.Option(
            None, "--start", help="First date to use (YYYY-MM-DD).", callback=date_callback
        ),
        end: str | None = typer.Option(
            None, "--end", help="Last date to use (YYYY-MM-DD).", callback=date_callback
        ),
        jobs: int | None = typer.Option(
            None,
            "--jobs",
            help="Worker processes, at most one per core; -1: every core (default: one "
            "process, numba threads on every core).",
            callback=jobs_callback,
        ),
        backend: str = typer.Option(
            "cpu",
            "--backend",
            help="--cv mc, wild or ps: cpu (numba), gpu (JAX, needs bubblescope[gpu]) or "
            "auto (gpu when JAX sees one).",
        ),
        yes: bool = YES_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from dataclasses import replace

        import numpy as np

        from bubblescope.data.sources import resolve_series
        from bubblescope.data.validate import require_positive
        from bubblescope.detect.critical_values import (
            MonteCarloCV,
            PhillipsShiCV,
            ResponseSurfaceCV,
            WildBootstrapCV,
        )
        from bubblescope.detect.exuberance import FALLBACK_CV, psy, psy_cost_seconds
        from bubblescope.errors import InputError
        from bubblescope.settings import Frequency, RunSettings, resample

        standard = RunSettings.preset(preset).psy
        lag = standard.lag if lag is None else lag
        level = standard.level if level is None else level
        window = str(standard.window) if window is None else window
        reps = standard.reps if reps is None else reps
        seed = standard.seed if seed is None else seed
        frequency = (freq or standard.frequency).upper()
        if frequency not in ("D", "W", "M"):
            raise InputError(f"--freq must be D, W or M, got {freq!r}")
        levels = tuple(sorted({0.90, 0.95, 0.99, round(level, 6)}))
        if lag_selection != "fixed" and cv in ("auto", "rs"):
            raise InputError(
                f"--cv {cv} (the response surface) covers fixed-lag regressions; it does not "
                f"apply to --lag-selection {lag_selection}",
                hint="use --cv mc, wild or ps (they simulate the selection too) or --cv none",
            )
        if backend != "cpu" and cv not in ("mc", "wild", "ps"):
            raise InputError(
                f"--backend {backend} applies to simulated critical values, not --cv {cv}",
                hint="use --cv mc, wild or ps with --backend, or drop --backend",
            )
        if cv in ("auto", "rs") and level not in (0.90, 0.95, 0.99):
            raise InputError(
                f"--cv {cv} covers levels 0.90, 0.95, 0.99, got {level}",
                hint="use --cv mc for other levels",
            )
        frame = resolve_series(series, column=column, start=start, end=end)
        if log:  # on every day: sampling would drop a bad close that does not end its period
            require_positive(frame["close"].rename(series), "--log needs positive prices")
        sampler = replace(standard, frequency=cast(Frequency, frequency))
        if start is None:
            close = sampler.sample(frame["close"]).rename(series)
        else:
            close = resample(frame["close"], sampler.frequency).rename(series)
        if log:
            close = np.log(close)
        top_lag = lag if lag_selection == "fixed" or max_lag is None else max(lag, max_lag)
        if cv in ("mc", "wild", "ps"):
            sim_reps = reps
        elif cv == "auto" and (top_lag > 2 or lag_selection != "fixed"):
            sim_reps = FALLBACK_CV.reps  # what cv="auto" simulates outside the response surface
        else:
            sim_reps = 0
        check_cost(
            psy_cost_seconds(len(close), top_lag, sim_reps),
            f"PSY: T={len(close):,}, lag {top_lag}, {sim_reps:,} replications",
            "use weekly or monthly closes (--freq), a shorter --start/--end window, a smaller "
            "lag or fewer --reps",
            yes,
        )
        with progress_bar("critical values", enabled=not as_json) as progress:
            method: Any
            if cv == "auto":
                method = "auto"
            elif cv == "none":
                method = None
            elif cv == "rs":
                method = ResponseSurfaceCV(levels=levels)
            elif cv in ("mc", "wild", "ps"):
                sim: dict[str, Any] = {
                    "reps": reps,
                    "rng": seed,
                    "levels": levels,
                    "n_jobs": jobs,
                    "progress": progress,
                    "backend": backend,
                    "lag_selection": lag_selection,
                }
                if cv == "mc":
                    method = MonteCarloCV(**sim)
                elif cv == "wild":
                    method = WildBootstrapCV(**sim)
                else:
                    method = PhillipsShiCV(horizon=horizon, **sim)
            else:
                raise InputError(f"unknown --cv {cv!r}", hint="use auto, rs, mc, wild, ps or none")
            result = psy(
                close,
                lag=lag,
                window=_window(window),
                cv=method,
                level=level,
                stamping=stamping,  # type: ignore[arg-type]  # psy() validates it
                rule=rule,  # type: ignore[arg-type]
                min_duration=min_duration,
                lag_selection=lag_selection,  # type: ignore[arg-type]  # psy() validates it
                max_lag=max_lag,
            )

        def render() -> None:
            console.print(result.summary(), highlight=False)
            console.print(
                f"tested {frequency} closes {close.index[0].date()} to {close.index[-1].date()}",
                highlight=False,
            )

        payload = {
            **result.to_dict(),
            "sample": {
                "frequency": frequency,
                "first_date": close.index[0],
                "last_date": close.index[-1],
            },
        }
        emit_with_data(payload, as_json, render, frame)
