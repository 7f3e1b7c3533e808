"""What an analysis will cost, estimated from its size before it runs, against the server's budget.

The estimate is in seconds of the reference machine (2 cores) and is an upper bound of the
work, not a promise of speed: it counts the regressions or fits the engine will do and
multiplies them by a rate measured once.

- **PSY** (Phillips, Shi and Yu 2015): a BSADF sweep over ``T`` points fits at most
  ``T (T + 1) / 2`` recursive ADF windows, each updating a ``q x q`` system with
  ``q = lag + 2`` (:mod:`bubblescope._kernels.psy`), and Monte Carlo critical values repeat the
  sweep ``reps`` times: ``(reps + 1) T (T + 1) / 2 q^2`` window updates. The rate
  :data:`PSY_SECONDS_PER_UPDATE` reproduces the issue's measurement (daily NASDAQ 2011-2018,
  ``T`` = 2,012, lag 12, 1,999 replications: 754 s on 2 cores, 0.95 ns per update; this
  machine's lag-0 sweeps ran at 1.2 ns).
- **LPPLS Confidence** (Demos and Sornette 2017): one fit per (date, window), each a fixed
  cost plus one linear in its window's length. The two rates, :data:`LPPLS_SECONDS_PER_FIT`
  and :data:`LPPLS_SECONDS_PER_WINDOW_POINT`, are data: ``cost_rates.yaml`` next to this
  module holds them with the measurements they were fitted to (CPU seconds a date of
  ``lppls_confidence`` in one process, on NASDAQ dates a month apart, for the nested windows
  150-25 step 5 and step 1, 250-60 step 5 and 750-125 step 5) and the command that measures
  and rewrites them, ``benchmarks/bench_cost.py --write``. They are CPU seconds: a run in one
  process spreads its dates over numba's threads (every core), so on the 2-core machine it
  takes about half the estimate in wall time, which stays an upper bound. They carry no
  margin: the rates before them (0.41 ms a fit plus 4.7 us a point, 1.2 times a fit from
  before dates shared one grid scan and before the polish kernels were sped up) erred high by
  about two at 150-25.
- **LPPLS fit**: linear in the window's length (the whole NASDAQ history, 13,914 points, took
  2.0 s here; 500 points 0.08 s warm).
- **Scenario Monte Carlo**: linear in paths (1.2e-5 to 3.2e-5 s a path here).
- **Scan**: one PSY sweep per symbol, and the Monte Carlo critical values once per distinct
  sample length (they are cached by length); the run-ups, drawdowns and gauge are negligible.
- **Backtest**: the PSY monitor's critical values on the training sample (``reps`` sweeps of
  its length) and one sweep of the whole history, plus LPPLS Confidence at each grid date
  over the nested windows, plus the ``sign_psy`` signal's critical-value simulation when its
  disk cache lacks it: ``reps`` sign walks of ``T`` points, each an sPSY sweep over the
  ``(T - minw)(T - minw + 1) / 2`` windows of at least ``minw`` rows, at the measured rates
  :data:`SIGN_PSY_SECONDS_PER_WALK` and :data:`SIGN_PSY_SECONDS_PER_WINDOW` (CPU seconds,
  ``cost_rates.yaml``; NASDAQ daily: 2,000 walks of 5,043 points took 103 CPU s). A signal
  the results cache holds costs nothing. The CLI's ``scan`` and ``backtest`` refuse with the
  same estimates.
- **Leaderboard** (:mod:`bubblescope.backtest.leaderboard`): every history whose rows are not
  cached costs, per price series (the 49 industries: each member), the backtest estimate of its
  PSY and LPPLS signals, plus :data:`LEADERBOARD_SECONDS_PER_HISTORY` and
  :data:`LEADERBOARD_SECONDS_PER_OBSERVATION` per observation for all the other signals (the
  monitors, run-ups, gauge and baselines; measured and kept with the LPPLS rates). A history
  whose rows are cached costs nothing. ``cost_rates.yaml`` also keeps each history's cold
  leaderboard as measured with them (standard run: 9.3, 15.2 and 7.5 s for the NASDAQ, the
  S&P 500 and the 49 industries, estimated at 10.1, 15.6 and 7.0 s).
- **Status page**: every watched series' two PSY readings (log and level, critical values once
  per length) with the what-if search (two bisections of 32 sweeps at most), its LPPLS
  readings (each window scale: the last date, and the month ends of the trace whose
  Confidence the results cache lacks, :func:`bubblescope.status.readings.lppls_pending`), and
  the NASDAQ's and the S&P 500's record backtests (all signals, and PSY on levels). Only what
  the caches do not hold for the current data and settings is counted: a cached row, record
  or set of critical values costs nothing, so a warm page is not refused for work it will not
  do. The standard run was estimated at 101 s and took 85 s cold (79 s of CPU, one process,
  2-core machine at load 1.5), with the LPPLS rates before the present ones.

An analysis without a size to grow (the economy models, a drawdown) is not estimated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bubblescope.errors import DataError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from bubblescope.settings import RunSettings

__all__ = [
    "DEFAULT_BUDGET_S",
    "LEADERBOARD_SECONDS_PER_HISTORY",
    "LEADERBOARD_SECONDS_PER_OBSERVATION",
    "LPPLS_SECONDS_PER_FIT",
    "LPPLS_SECONDS_PER_POINT",
    "LPPLS_SECONDS_PER_WINDOW_POINT",
    "PSY_SECONDS_PER_UPDATE",
    "SCENARIO_SECONDS_PER_PATH",
    "STATUS_WHAT_IF_SWEEPS",
    "CostEstimate",
    "CostLimitError",
    "backtest_cost",
    "backtest_prices_cost",
    "check_budget",
    "has_estimate",
    "leaderboard_cost",
    "lppls_confidence_cost",
    "lppls_fit_cost",
    "psy_cost",
    "scan_cost",
    "scenario_cost",
    "settings_cost",
    "status_cost",
    "status_preset_cost",
]

#: Seconds per ADF window update and q^2 (see the module notes for the measurement; one rate
#: with :func:`bubblescope.detect.exuberance.psy_cost_seconds`).
PSY_SECONDS_PER_UPDATE = 1.2e-9
#: PSY sweeps without critical values of one status reading's what-if search: two bisections,
#: each of its two end points and 30 steps (:mod:`bubblescope.status.readings`).
STATUS_WHAT_IF_SWEEPS = 64


def _measured_rates() -> dict[str, float]:
    """The rates of ``cost_rates.yaml`` (see the module notes), by name.

    Raises
    ------
    DataError
        When the file is missing or a rate is not a positive number.
    """
    from importlib import resources

    import yaml

    from bubblescope import _yaml

    source = resources.files("bubblescope.web").joinpath("cost_rates.yaml")
    try:
        rows = _yaml.safe_load(source.read_text(encoding="utf-8"))["rates"]
        rates = {str(name): float(row["value"]) for name, row in rows.items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(
            f"the cost rates file {source} is unreadable: {type(exc).__name__}: {exc}",
            hint="restore it, or measure it again with benchmarks/bench_cost.py --write",
        ) from exc
    bad = [name for name, value in rates.items() if not value >= 0.0]
    if bad:
        raise DataError(f"the cost rates file {source} has negative or NaN rates: {bad}")
    return rates


_RATES = _measured_rates()
#: Fixed CPU seconds of each LPPLS Confidence fit (measured, ``cost_rates.yaml``).
LPPLS_SECONDS_PER_FIT = _RATES["lppls_seconds_per_fit"]
#: CPU seconds per point of each LPPLS Confidence fit's window (measured, ``cost_rates.yaml``).
LPPLS_SECONDS_PER_WINDOW_POINT = _RATES["lppls_seconds_per_window_point"]
#: Seconds of a leaderboard history's signals other than PSY and LPPLS, on top of those per
#: observation (measured, ``cost_rates.yaml``).
LEADERBOARD_SECONDS_PER_HISTORY = _RATES["leaderboard_seconds_per_history"]
#: Seconds per observation of a leaderboard history's signals other than PSY and LPPLS
#: (measured, ``cost_rates.yaml``).
LEADERBOARD_SECONDS_PER_OBSERVATION = _RATES["leaderboard_seconds_per_observation"]
#: CPU seconds of each simulated sign walk of the sPSY critical values, on top of those per
#: window (measured, ``cost_rates.yaml``).
SIGN_PSY_SECONDS_PER_WALK = _RATES["sign_psy_seconds_per_walk"]
#: CPU seconds per window of one simulated sign walk's sPSY sweep (measured, ``cost_rates.yaml``).
SIGN_PSY_SECONDS_PER_WINDOW = _RATES["sign_psy_seconds_per_window"]
#: Seconds per point of one LPPLS fit's window (13,914 points in 2.0 s, see the notes).
LPPLS_SECONDS_PER_POINT = 1.5e-4
#: Seconds per scenario path (the slower, cold measurement, see the notes).
SCENARIO_SECONDS_PER_PATH = 3.2e-5
#: Default budget of one analysis, seconds of the reference machine: the publication presets fit.
DEFAULT_BUDGET_S = 120.0


class CostLimitError(InputError):
    """The analysis's estimated cost exceeds the server's budget (the API answers 400)."""


@dataclass(frozen=True)
class CostEstimate:
    """Estimated cost of one analysis.

    Attributes
    ----------
    seconds : float
        Estimated seconds of the reference machine (an upper bound of the work).
    basis : str
        What was counted, e.g. ``"PSY: T=2,012, lag 12, 1,999 replications"``.
    hint : str
        How to make it cheaper.
    """

    seconds: float
    basis: str
    hint: str


def _sweeps(n: int, lag: int, sweeps: int) -> float:
    """Seconds of ``sweeps`` BSADF sweeps over ``n`` points with ``lag`` lags."""
    return sweeps * n * (n + 1) / 2 * (lag + 2) ** 2 * PSY_SECONDS_PER_UPDATE


def _window_points(max_window: int, min_window: int, step: int) -> tuple[int, int]:
    """The nested windows ``max_window, max_window - step, ...`` down to ``min_window``.

    Returns their count and their total length (points).
    """
    lengths = range(max_window, min_window - 1, -step)
    return len(lengths), sum(lengths)


def _lppls_seconds(fits: int, points: int) -> float:
    """Seconds of ``fits`` LPPLS Confidence fits of ``points`` points in all."""
    return fits * LPPLS_SECONDS_PER_FIT + points * LPPLS_SECONDS_PER_WINDOW_POINT


def psy_cost(n: int, lag: int, reps: int) -> CostEstimate:
    """PSY on ``n`` points with ``lag`` lags and ``reps`` Monte Carlo replications."""
    updates = (reps + 1) * n * (n + 1) / 2 * (lag + 2) ** 2
    return CostEstimate(
        updates * PSY_SECONDS_PER_UPDATE,
        f"PSY: T={n:,}, lag {lag}, {reps:,} replications ({updates:.2g} window updates)",
        "use weekly or monthly closes, a shorter date window, a smaller lag or fewer reps",
    )


def scan_cost(lengths: Sequence[int], lag: int, reps: int) -> CostEstimate:
    """A scan's PSY on samples of ``lengths`` points (one a symbol).

    Every symbol sweeps its sample once; the critical values are simulated once per distinct
    length (``reps`` sweeps), as the scan caches them by length.
    """
    seconds = sum(_sweeps(n, lag, 1) for n in lengths) + sum(
        _sweeps(n, lag, reps) for n in set(lengths)
    )
    return CostEstimate(
        seconds,
        f"scan PSY: {len(lengths):,} symbol(s), up to T={max(lengths, default=0):,}, lag {lag}, "
        f"{reps:,} replications",
        "use fewer symbols, a shorter window or fewer reps",
    )


def sign_psy_windows(T: int, minw: int) -> int:
    """Windows of an sPSY sweep over ``T`` points: those of at least ``minw`` rows."""
    m = max(0, T - minw)
    return m * (m + 1) // 2


def sign_psy_simulation_seconds(reps: int, T: int, minw: int) -> float:
    """CPU seconds of ``reps`` simulated sign walks of ``T`` points (minimum window ``minw``)."""
    return reps * (
        SIGN_PSY_SECONDS_PER_WALK + sign_psy_windows(T, minw) * SIGN_PSY_SECONDS_PER_WINDOW
    )


def backtest_cost(
    n: int,
    n_train: int | None,
    lag: int,
    reps: int,
    lppls_fits: int = 0,
    lppls_points: int = 0,
    sign_psy: tuple[int, int, int] | None = None,
) -> CostEstimate:
    """A backtest on ``n`` prices.

    Parameters
    ----------
    n : int
        Prices after resampling.
    n_train : int or None
        The PSY monitor's training sample (None: no PSY signal).
    lag, reps : int
        The PSY monitor's lag and Monte Carlo replications.
    lppls_fits, lppls_points : int
        LPPLS fits of the LPPLS signal, grid dates times windows, and their total length in
        points (0: no LPPLS signal).
    sign_psy : (reps, T, minw), optional
        The ``sign_psy`` signal's critical-value simulation still to run (None: none).
    """
    psy_s = 0.0 if n_train is None else _sweeps(n_train, lag, reps) + _sweeps(n, lag, 1)
    parts = (
        [] if n_train is None else [f"PSY T={n:,} ({n_train:,} training), {reps:,} replications"]
    )
    if lppls_fits:
        parts.append(f"{lppls_fits:,} LPPLS fits")
    sign_s = 0.0
    if sign_psy is not None:
        sign_s = sign_psy_simulation_seconds(*sign_psy)
        parts.append(f"sPSY critical value: {sign_psy[0]:,} sign walks of T={sign_psy[1]:,}")
    return CostEstimate(
        psy_s + _lppls_seconds(lppls_fits, lppls_points) + sign_s,
        f"backtest: {', '.join(parts) or f'T={n:,}'}",
        "use monthly closes, a coarser LPPLS grid or step, a shorter training sample or fewer reps",
    )


def backtest_prices_cost(
    prices: pd.Series, signals: Iterable[str], *, train_years: float, lag: int, reps: int,
    lppls_grid: str, lppls_windows: Any, config: Any = None,
) -> CostEstimate:  # fmt: skip
    """:func:`backtest_cost` of ``signals`` on resampled ``prices`` (the CLI and the server).

    ``lppls_windows`` is the LPPLS signal's :class:`~bubblescope.detect.lppls.WindowSet`;
    ``config``, the backtest's :class:`~bubblescope.backtest.signals.SignalConfig`, sizes the
    ``sign_psy`` signal's critical-value simulation (counted unless its disk cache holds it)
    and, with ``config.cache``, leaves out the LPPLS grid dates whose Confidence the results
    cache holds (:mod:`bubblescope.backtest.lppls_memo`).
    """
    import numpy as np
    import pandas as pd

    from bubblescope.backtest.lppls_memo import date_keys, pending_dates
    from bubblescope.backtest.signals import lppls_grid_dates

    wanted = set(signals)
    n = len(prices)
    n_train = None
    if "psy" in wanted and n:
        end = prices.index[0] + pd.DateOffset(months=round(12 * train_years))
        n_train = min(n, int(prices.index.searchsorted(end, side="left")))
    fits = points = 0
    if "lppls" in wanted and n:
        w = lppls_windows
        t2, _ = lppls_grid_dates(pd.DatetimeIndex(prices.index), lppls_grid, w.max_window)
        count, length = _window_points(w.max_window, w.min_window, w.step)
        todo = len(t2)
        if config is not None and config.cache:  # grid dates already in the results cache
            keys = date_keys(
                prices.to_numpy(dtype=np.float64),
                pd.DatetimeIndex(prices.index).get_indexer(t2).tolist(),
                w,
                config.lppls_gridspec,
            )
            todo = pending_dates(keys)
        fits, points = todo * count, todo * length
    return backtest_cost(
        n, n_train, lag, reps, fits, points, _sign_psy_pending(prices, wanted, config)
    )


def _sign_psy_pending(
    prices: pd.Series, wanted: set[str], config: Any
) -> tuple[int, int, int] | None:
    """(reps, T, minw) of the ``sign_psy`` simulation a backtest would run, None if none."""
    from bubblescope.backtest.signals import sign_psy_simulation

    if "sign_psy" not in wanted or config is None or not len(prices):
        return None
    try:
        cv, size, minw = sign_psy_simulation(prices, config)
    except InputError:  # the signal will be skipped with this reason: no simulation
        return None
    if cv.familywise_is_cached(size, minw=minw, demean=True):
        return None
    return cv.reps, size, minw


def status_cost(run: RunSettings, symbols: Sequence[str] | None = None) -> CostEstimate:
    """The status page of ``run``: the work its cache does not hold (see the module notes).

    The same estimate for the server and ``bubblescope status``. A row whose price readings
    are cached for its data and settings (:func:`bubblescope.status.run.cached_row`), critical
    values simulated for a sample length (:func:`bubblescope.detect.exuberance.cv_cached`) and
    an index whose records are cached (:func:`bubblescope.status.records.cached_histories`)
    cost nothing, so a warm page is estimated at zero and a cold one in full. It reads every
    watched series (about a second).

    Parameters
    ----------
    run : RunSettings
    symbols : sequence of str, optional
        The series watched instead of the default watchlist (as :func:`run_status` takes them).
    """
    from bubblescope.backtest.histories import to_monthly, to_weekly
    from bubblescope.backtest.signals import default_windows
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.exuberance import cv_cached
    from bubblescope.detect.lppls import WindowSet
    from bubblescope.errors import BubblescopeError
    from bubblescope.status.readings import lppls_pending
    from bubblescope.status.records import cached_histories
    from bubblescope.status.run import cached_row
    from bubblescope.status.watchlist import default_watchlist, watchlist

    ps, ls, bs = run.psy, run.lppls, run.backtest
    items = default_watchlist(run) if symbols is None else watchlist(list(symbols), run)
    try:
        market: pd.Series | None = load_series(run.runup.market)["close"]
    except BubblescopeError:
        market = None
    lengths: list[int] = []
    lppls_fits = lppls_points = cached = 0
    for item in items:
        try:
            close, hit = cached_row(item, run, market)
        except BubblescopeError:
            continue  # the row will show its error
        if hit:
            cached += 1
            continue
        lengths.append(len(ps.sample(close)))
        scales = ls.windows()
        for scale, dates in lppls_pending(close, run).items():
            w = scales[scale]
            count, length = _window_points(w.max_window, w.min_window, w.step)
            lppls_fits += dates * count
            lppls_points += dates * length
    cv = ps.cv()
    simulated = [
        n for n in set(lengths) if not cv_cached(n, lag=ps.lag, window=ps.window, cv=cv)
    ]  # critical values on disk for a length cost nothing
    seconds = sum(_sweeps(n, ps.lag, 2 + STATUS_WHAT_IF_SWEEPS) for n in lengths)
    seconds += sum(_sweeps(n, ps.lag, ps.reps) for n in simulated)
    seconds += _lppls_seconds(lppls_fits, lppls_points)
    base = default_windows(bs.frequency)
    windows = WindowSet(base.max_window, base.min_window, bs.lppls_step)
    try:
        records_cached = cached_histories(run)
    except BubblescopeError:
        records_cached = frozenset()  # the page will say it has no records
    backtests = [key for key in ("NASDAQ", "SP500") if key not in records_cached]
    for key in backtests:
        try:
            close = load_series(key)["close"].dropna()
        except BubblescopeError:
            continue
        prices = to_weekly(close) if bs.frequency == "W" else to_monthly(close)
        for signals in (("psy", "lppls"), ("psy",)):  # all signals, and PSY on levels
            seconds += backtest_prices_cost(
                prices,
                signals,
                train_years=bs.train_years,
                lag=ps.lag,
                reps=bs.psy_reps,
                lppls_grid=bs.lppls_grid,
                lppls_windows=windows,
            ).seconds
    if not lengths and not backtests:
        return CostEstimate(
            seconds, f"status page: {len(items)} series, every row and record cached", ""
        )
    return CostEstimate(
        seconds,
        f"status page: {len(items)} series ({cached} cached), {len(lengths)} to compute "
        f"(PSY, {len(simulated)} simulation(s) of critical values with {ps.reps:,} "
        f"replications, {lppls_fits:,} LPPLS fits), and {len(backtests)} of two indices' "
        "record backtests",
        "use the quick run",
    )


def leaderboard_cost(
    run: RunSettings, keys: Sequence[str], industry_lppls: bool = False
) -> CostEstimate:
    """The leaderboard of ``run`` on the histories ``keys``: what its cache does not hold.

    Per history not cached, each of its price series (a universe's members) costs the
    backtest estimate of its PSY and LPPLS signals (:func:`backtest_prices_cost`, with the
    leaderboard's signal settings); its other signals cost
    :data:`LEADERBOARD_SECONDS_PER_HISTORY` plus :data:`LEADERBOARD_SECONDS_PER_OBSERVATION`
    an observation. It loads the histories (about a second).

    Parameters
    ----------
    run : RunSettings
    keys : sequence of str
        History keys (``NASDAQ``, ``SP500``, ``FRENCH49``).
    industry_lppls : bool
        LPPLS scored on the 49 industries too (see
        :func:`bubblescope.status.records.leaderboard_histories`).
    """
    import pandas as pd

    from bubblescope.backtest.leaderboard import cached_histories
    from bubblescope.backtest.signals import ALL_SIGNALS
    from bubblescope.status.records import leaderboard_histories, signal_config

    histories = leaderboard_histories(run, tuple(keys), industry_lppls)
    cfg = signal_config(run)
    cached = cached_histories(histories, config=cfg, rng=run.psy.seed)
    seconds = 0.0
    series = observations = 0
    for h in histories:
        if h.key in cached:
            continue
        seconds += LEADERBOARD_SECONDS_PER_HISTORY
        wanted = [s for s in ALL_SIGNALS if s not in h.leave_out]
        members = [h.prices] if isinstance(h.prices, pd.Series) else list(h.prices.values())
        for prices in members:
            seconds += backtest_prices_cost(
                prices,
                wanted,
                train_years=cfg.train_years,
                lag=cfg.psy_lag,
                reps=cfg.psy_reps,
                lppls_grid=cfg.lppls_grid,
                lppls_windows=cfg.lppls_windows,
            ).seconds
            series += 1
            observations += len(prices)
    seconds += observations * LEADERBOARD_SECONDS_PER_OBSERVATION
    return CostEstimate(
        seconds,
        f"leaderboard: {len(histories)} histories ({len(cached)} cached), {series} price "
        f"series and {observations:,} observations to backtest with {len(ALL_SIGNALS)} signals",
        "score fewer histories or use the quick run",
    )


def status_preset_cost(preset: str) -> CostEstimate:
    """:func:`status_cost` of the run named ``preset`` (standard, quick or publication)."""
    from bubblescope.settings import RunSettings

    return status_cost(RunSettings.preset(preset))


def lppls_confidence_cost(dates: int, max_window: int, min_window: int, step: int) -> CostEstimate:
    """LPPLS Confidence at ``dates`` dates over the nested windows ``min_window..max_window``."""
    windows, points = _window_points(max_window, min_window, step)
    fits = dates * windows
    return CostEstimate(
        _lppls_seconds(fits, dates * points),
        f"LPPLS Confidence: {dates:,} dates x {windows:,} windows ({fits:,} fits)",
        "use fewer dates (a larger 'every'), a larger window step or a narrower window range",
    )


def lppls_fit_cost(n: int) -> CostEstimate:
    """One LPPLS fit of a window of ``n`` points."""
    return CostEstimate(
        n * LPPLS_SECONDS_PER_POINT,
        f"LPPLS fit: {n:,} points",
        "fit a shorter window",
    )


def scenario_cost(paths: int) -> CostEstimate:
    """The scenario Monte Carlo with ``paths`` paths."""
    return CostEstimate(
        paths * SCENARIO_SECONDS_PER_PATH,
        f"scenario Monte Carlo: {paths:,} paths",
        "use fewer paths",
    )


def has_estimate(settings_type: type[Any]) -> bool:
    """Whether analyses with settings of ``settings_type`` get a cost estimate."""
    from bubblescope.analyses.engines import (
        LPPLSConfidenceSettings,
        LPPLSFitSettings,
        PSYAnalysisSettings,
    )
    from bubblescope.analyses.registry import (
        BacktestAnalysisSettings,
        LeaderboardSettings,
        ScanAnalysisSettings,
        ScenarioSettings,
        StatusSettings,
    )

    return issubclass(
        settings_type,
        (
            BacktestAnalysisSettings,
            LeaderboardSettings,
            LPPLSConfidenceSettings,
            LPPLSFitSettings,
            PSYAnalysisSettings,
            ScanAnalysisSettings,
            ScenarioSettings,
            StatusSettings,
        ),
    )


def settings_cost(settings: Any, data: Any = None) -> CostEstimate | None:
    """The cost of a registry analysis with ``settings`` on ``data`` (None: not estimated).

    ``data`` is the price frame the analysis reads (when it needs one).
    """
    from bubblescope.analyses.engines import (
        LPPLSConfidenceSettings,
        LPPLSFitSettings,
        PSYAnalysisSettings,
    )
    from bubblescope.analyses.registry import (
        BacktestAnalysisSettings,
        LeaderboardSettings,
        ScanAnalysisSettings,
        ScenarioSettings,
        StatusSettings,
    )
    from bubblescope.settings import RunSettings

    if isinstance(settings, ScanAnalysisSettings):
        return _scan_settings_cost(settings, RunSettings.preset(settings.run))
    if isinstance(settings, BacktestAnalysisSettings) and data is not None:
        return _backtest_settings_cost(settings, data)
    if isinstance(settings, StatusSettings):
        return status_cost(RunSettings.preset(settings.run))
    if isinstance(settings, LeaderboardSettings):
        return leaderboard_cost(
            RunSettings.preset(settings.run), settings.histories, settings.industry_lppls
        )
    if isinstance(settings, LPPLSFitSettings) and data is not None:
        return lppls_fit_cost(settings.window_for(len(data)) or len(data))
    if isinstance(settings, PSYAnalysisSettings) and data is not None:
        n = len(settings.sample(data["close"]))
        return psy_cost(n, settings.lag, settings.reps)
    if isinstance(settings, LPPLSConfidenceSettings) and data is not None:
        eligible = max(0, len(data) - settings.max_window + 1)
        dates = min(settings.dates, -(-eligible // settings.every))
        return lppls_confidence_cost(dates, settings.max_window, settings.min_window, settings.step)
    if isinstance(settings, ScenarioSettings):
        return scenario_cost(settings.paths)
    return None


def _scan_settings_cost(s: Any, run: RunSettings) -> CostEstimate:
    """The registry scan's cost: its symbols' PSY samples (loaded to count them).

    A symbol that does not load costs nothing (the scan reports it); a loader may give the
    closes as a frame or as the series itself, as the scan takes them.
    """
    import pandas as pd

    from bubblescope.data.catalog import load_series
    from bubblescope.errors import BubblescopeError

    if "psy" not in s.analyses:
        return scan_cost([], run.psy.lag, 0)
    lengths = []
    for symbol in s.symbols or run.data.leaders:
        try:
            loaded = load_series(symbol)
        except BubblescopeError:
            continue
        close = loaded["close"] if isinstance(loaded, pd.DataFrame) else loaded
        lengths.append(min(s.window, len(close)) if s.window else len(run.psy.sample(close)))
    return scan_cost(lengths, run.psy.lag, run.psy.reps)


def _backtest_settings_cost(s: Any, data: Any) -> CostEstimate:
    """The registry backtest's cost on ``data``: its PSY and LPPLS signals the cache lacks.

    Sampled and configured as its run does (:func:`bubblescope.analyses.registry.backtest_inputs`);
    a signal the results cache holds for them costs nothing.
    """
    from bubblescope.analyses.registry import backtest_inputs
    from bubblescope.backtest import cached_signals, parse_signals
    from bubblescope.settings import RunSettings

    inputs = backtest_inputs(data, s)
    cfg = inputs["config"]
    held = cached_signals(
        inputs["prices"],
        inputs["signals"],
        config=cfg,
        shiller=inputs["shiller"],
        name=inputs["name"],
        rng=inputs["rng"],
    )
    return backtest_prices_cost(
        inputs["prices"],
        [sig for sig in parse_signals(s.signals) if sig not in held],
        train_years=cfg.train_years,
        lag=RunSettings.preset(s.run).psy.lag,
        reps=cfg.psy_reps,
        lppls_grid=cfg.lppls_grid,
        lppls_windows=cfg.lppls_windows,
        config=cfg,
    )


def check_budget(estimate: CostEstimate | None, budget_s: float) -> None:
    """Refuse an analysis whose estimate exceeds ``budget_s`` seconds.

    Raises
    ------
    CostLimitError
        Naming the estimate, what it counted and the budget.
    """
    if estimate is None or estimate.seconds <= budget_s:
        return
    raise CostLimitError(
        f"{estimate.basis}: estimated {estimate.seconds:,.0f} s of computation, over this "
        f"server's budget of {budget_s:,.0f} s per analysis",
        hint=estimate.hint,
    )
