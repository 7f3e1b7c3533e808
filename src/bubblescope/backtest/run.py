"""Run the backtest: build every signal point in time, detect the events, score them.

One history (:func:`backtest`) or a universe of symbols (:func:`backtest_universe`, one task
per symbol mapped by :func:`bubblescope.parallel.map_chunks`, each with its own spawned seed,
so serial, process-pool and Dask runs give identical results).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback, RngLike
from bubblescope.backtest.events import EventSpec, detect_events
from bubblescope.backtest.result import BacktestResult, _iso
from bubblescope.backtest.scoring import score
from bubblescope.backtest.signal_cache import build_signal_cached, signal_cached
from bubblescope.backtest.signals import ALL_SIGNALS, BASELINES, Signal, SignalConfig, build_signal
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.data.validate import validate_series
from bubblescope.errors import BubblescopeError, InputError
from bubblescope.parallel import as_seed_sequence, map_chunks, spawn_seeds
from bubblescope.result import ResultMixin

__all__ = [
    "UniverseBacktest",
    "backtest",
    "backtest_universe",
    "cached_signals",
    "parse_signals",
]

_GROUPS = {"runup": ("runup", "crash_probability"), "baseline": BASELINES, "all": ALL_SIGNALS}


def parse_signals(text: str | Sequence[str]) -> tuple[str, ...]:
    """Expand signal names (``runup`` adds ``crash_probability``; ``baseline``: both baselines).

    Examples
    --------
    >>> parse_signals("psy,runup,baseline")
    ('psy', 'runup', 'crash_probability', 'baseline_return', 'baseline_cape')
    """
    items = [s.strip().lower() for s in (text.split(",") if isinstance(text, str) else text)]
    out: list[str] = []
    for item in items:
        if not item:
            continue
        names = _GROUPS.get(item, (item,))
        for n in names:
            if n not in ALL_SIGNALS:
                raise InputError(
                    f"unknown signal {item!r}",
                    hint=f"choose from {sorted(set(ALL_SIGNALS) | set(_GROUPS))}",
                )
            if n not in out:
                out.append(n)
    if not out:
        raise InputError("no signals selected", hint=f"choose from {list(ALL_SIGNALS)}")
    return tuple(out)


def _close(data: pd.Series | pd.DataFrame, name: str, *, trim: bool = False) -> pd.Series:
    """The close prices as float64; with ``trim``, leading and trailing NaN cut off.

    Interior NaN are kept, so validation refuses them as every other engine does; ``trim``
    only removes the dates before a symbol was listed or after it stopped trading.
    """
    if isinstance(data, pd.DataFrame):
        if "close" not in data.columns:
            raise InputError(f"{name}: the frame has no 'close' column")
        data = data["close"]
    close = pd.Series(data, dtype=np.float64).rename(name)
    if trim:
        finite = np.flatnonzero(close.notna().to_numpy())
        close = close.iloc[finite[0] : finite[-1] + 1] if len(finite) else close.iloc[:0]
    return close


def _inputs(
    prices: pd.Series | pd.DataFrame,
    market: pd.Series | pd.DataFrame | None,
    name: str | None,
) -> tuple[str, pd.Series, str | None, pd.Series | None]:
    """The label, validated prices, their frequency code and the market closes of a backtest."""
    label = name or (prices.name if isinstance(prices, pd.Series) and prices.name else "series")
    v = validate_series(
        _close(prices, str(label)), min_points=3, name=str(label), purpose="a backtest"
    )
    if not isinstance(v.series.index, pd.DatetimeIndex):
        raise InputError("the backtest needs dated prices (a DatetimeIndex)")
    mkt = None if market is None else _close(market, "market").dropna()
    return str(label), v.series, v.report.frequency, mkt


def cached_signals(
    prices: pd.Series | pd.DataFrame,
    signals: str | Sequence[str] = ALL_SIGNALS,
    *,
    config: SignalConfig | None = None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | pd.DataFrame | None = None,
    name: str | None = None,
    rng: RngLike = 0,
) -> tuple[str, ...]:
    """The signals that :func:`backtest` with ``cache=True`` would read instead of building.

    Parameters as :func:`backtest` takes them (a cost estimate leaves these signals out).

    Returns
    -------
    tuple of str
        Names among ``signals``, in their order.

    Raises
    ------
    InputError
        Bad prices or unknown signals, as :func:`backtest` raises them.
    """
    _, series, freq, mkt = _inputs(prices, market, name)
    wanted = parse_signals(signals)
    held = {
        sig
        for sig in wanted
        if signal_cached(
            sig,
            series,
            config or SignalConfig(),
            frequency=freq,
            shiller=shiller,
            market=mkt,
            rng=rng,
        )
    }
    return tuple(sig for sig in wanted if sig in held)


def backtest(
    prices: pd.Series | pd.DataFrame,
    *,
    signals: str | Sequence[str] = ALL_SIGNALS,
    config: SignalConfig | None = None,
    events: EventSpec | None = None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | pd.DataFrame | None = None,
    name: str | None = None,
    rng: RngLike = 0,
    n_jobs: int | None = None,
    executor: Executor | None = None,
    strict: bool = False,
    cache: bool = False,
) -> BacktestResult:
    """Backtest early-warning signals on one price history.

    Parameters
    ----------
    prices : pandas.Series or canonical price frame
        Positive prices with a DatetimeIndex (daily, weekly or monthly).
    signals : str or sequence of str
        Names from :data:`~bubblescope.backtest.signals.ALL_SIGNALS` or the groups ``runup``,
        ``baseline``, ``all`` (see :func:`parse_signals`).
    config : SignalConfig, optional
    events : EventSpec, optional
        Default :meth:`EventSpec.index` (20% within 24 months).
    shiller : pandas.DataFrame, optional
        Shiller monthly frame for ``gauge`` and ``baseline_cape`` (see
        :func:`bubblescope.backtest.histories.load_shiller`).
    market : pandas.Series or frame, optional
        Market prices for the net-of-market run-up.
    name : str, optional
    rng : int, SeedSequence, Generator or None
        Seed of the PSY bootstrap (default 0: reproducible).
    n_jobs, executor
        Parallelism of the PSY bootstrap, the LPPLS dates and the sequential monitors'
        boundary simulations (results do not depend on it).
    strict : bool
        Raise when a signal cannot be computed on this history (default: record it in
        ``skipped`` and carry on).

    Returns
    -------
    BacktestResult

    Raises
    ------
    InputError
        Bad prices (too short, non-positive, NaN anywhere, unsorted), unknown signals, no
        signal computable on this history (the message gives each signal's reason), or with
        ``strict`` a signal that cannot be computed.
    cache : bool
        Keep each built signal in the results cache and read it back when the prices, settings,
        seed, market and Shiller's table are unchanged (:mod:`bubblescope.backtest.signal_cache`;
        ``BUBBLESCOPE_NO_CACHE=1`` turns it off). The result is the same either way.
    """
    cfg = config or SignalConfig()
    spec = events or EventSpec.index()
    label, series, freq, mkt = _inputs(prices, market, name)
    wanted = parse_signals(signals)
    built: dict[str, Signal] = {}
    skipped: dict[str, str] = {}
    for sig in wanted:
        if sig in built or sig in skipped:
            continue
        try:
            for s in (build_signal_cached if cache else build_signal)(
                sig,
                series,
                cfg,
                frequency=freq,
                shiller=shiller,
                market=mkt,
                rng=rng,
                n_jobs=n_jobs,
                executor=executor,
            ):
                if s.name in wanted:
                    built[s.name] = s
        except BubblescopeError as exc:
            if strict:
                raise
            skipped[sig] = f"{type(exc).__name__}: {exc}"
            if sig == "runup":
                skipped.setdefault("crash_probability", skipped[sig])
    order = [s for s in wanted if s in built]
    if not order:
        reasons = "; ".join(f"{sig}: {why}" for sig, why in skipped.items())
        raise InputError(
            f"{label}: none of the {len(wanted)} signal(s) could be computed ({reasons})",
            hint="use a longer history, or choose signals that fit it with --signals",
        )
    values = pd.DataFrame({s: built[s].value for s in order}, index=series.index)
    alarms = pd.DataFrame({s: built[s].alarm for s in order}, index=series.index)
    infos = tuple(built[s].info() for s in order)
    evs = detect_events(series, spec)
    prob = [s for s in order if built[s].kind == "probability"]
    scores = score(
        alarms,
        evs,
        spec,
        probabilities=values[prob],
        kinds={s: built[s].kind for s in order},
        baselines=[s for s in order if built[s].baseline],
    )
    seed = as_seed_sequence(rng) if not isinstance(rng, np.random.Generator) else None
    settings = {
        "signals": cfg.to_dict(),
        "frequency": freq,
        "seed": None if seed is None else str(seed.entropy),
    }
    return BacktestResult(
        str(label), series, values, alarms, infos, evs, spec, scores, skipped, settings
    )


@dataclass(frozen=True)
class _Task:
    symbol: str
    close: pd.Series
    signals: tuple[str, ...]
    config: SignalConfig
    events: EventSpec
    shiller: pd.DataFrame | None
    market: pd.Series | None
    seed: np.random.SeedSequence


def _run_task(task: _Task) -> tuple[str, BacktestResult | None, str | None, float]:
    """Worker: one symbol's backtest (module level so process and Dask executors pickle it)."""
    start = time.perf_counter()
    try:
        res = backtest(
            task.close,
            signals=task.signals,
            config=task.config,
            events=task.events,
            shiller=task.shiller,
            market=task.market,
            name=task.symbol,
            rng=task.seed,
        )
    except BubblescopeError as exc:
        return task.symbol, None, f"{type(exc).__name__}: {exc}", time.perf_counter() - start
    return task.symbol, res, None, time.perf_counter() - start


@dataclass(frozen=True, eq=False)
class UniverseBacktest(ResultMixin):
    """Backtests of many symbols and their pooled scores.

    Attributes
    ----------
    results : dict
        Symbol -> BacktestResult (universe order).
    failures : dict
        Symbol -> why its backtest failed (e.g. a history too short).
    pooled : pandas.DataFrame
        Per signal: scored events, hits and pooled hit rate, false alarms and pooled false
        alarms per year (summed over symbols), median lead time over all hits.
    seconds : dict
        Symbol -> wall-clock seconds of its task.
    """

    results: dict[str, BacktestResult] = field(repr=False)
    failures: dict[str, str]
    pooled: pd.DataFrame
    seconds: dict[str, float] = field(repr=False, default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Every symbol's score table stacked, indexed by (symbol, signal)."""
        if not self.results:
            return pd.DataFrame()
        return pd.concat(
            {s: r.scores.table for s, r in self.results.items()}, names=["symbol", "signal"]
        )

    def eras(self, eras: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
        """Every symbol's era table (default: dot-com and AI eras), indexed by symbol first."""
        if not self.results:
            return pd.DataFrame()
        return pd.concat({s: r.eras(eras) for s, r in self.results.items()}, names=["symbol"])

    def summary(self) -> str:
        """Text: pooled scores per signal and the failures."""
        lines = [
            f"Universe backtest: {len(self.results)} symbol(s), {len(self.failures)} failed",
            f"{'signal':<18}{'events':>8}{'hits':>6}{'hit rate':>10}"
            f"{'false/yr':>10}{'lead (mo)':>11}",
        ]
        for name, row in self.pooled.iterrows():
            lines.append(
                f"{name!s:<18}{int(row['events']):>8}{int(row['hits']):>6}"
                f"{row['hit_rate']:>10.2f}{row['false_alarms_per_year']:>10.2f}"
                f"{row['lead_median_months']:>11.1f}"
            )
        for sym, why in self.failures.items():
            lines.append(f"  failed {sym}: {why}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pooled scores, per-symbol results and failures."""
        out: dict[str, Any] = to_jsonable(
            {
                "pooled": {
                    n: {c: _iso(v) for c, v in r.items()} for n, r in self.pooled.iterrows()
                },
                "symbols": {s: r.to_dict() for s, r in self.results.items()},
                "failures": dict(self.failures),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Bars: pooled hit rate and false alarms per year per signal."""
        names = [str(n) for n in self.pooled.index]
        return ChartSpec(
            "Universe backtest: pooled record per signal",
            (
                Panel(
                    "hit rate (events warned in their pre-peak window)",
                    "fraction",
                    bars=(Bar(names, self.pooled["hit_rate"].to_numpy(), "hit rate"),),
                ),
                Panel(
                    "false alarms per year",
                    "per year",
                    bars=(
                        Bar(names, self.pooled["false_alarms_per_year"].to_numpy(), "false alarms"),
                    ),
                ),
            ),
        )


def _pooled(results: Mapping[str, BacktestResult]) -> pd.DataFrame:
    """Sum events, hits and false alarms over symbols; pool covered years and lead times."""
    acc: dict[str, dict[str, float]] = {}
    leads: dict[str, list[float]] = {}
    for res in results.values():
        spec = res.event_spec
        end = res.prices.index[-1] - pd.DateOffset(months=spec.warning_months + spec.horizon_months)
        for name, r in res.scores.table.iterrows():
            a = acc.setdefault(
                str(name), {"events": 0.0, "hits": 0.0, "false_alarms": 0.0, "years": 0.0}
            )
            a["events"] += float(r["events"])
            a["hits"] += float(r["hits"])
            a["false_alarms"] += float(r["false_alarms"])
            if r["first_date"] is not None and not pd.isna(r["first_date"]):
                a["years"] += max(0.0, (end - r["first_date"]).days / 365.25)
        for name, row in res.scores.leads.iterrows():
            leads.setdefault(str(name), []).extend(row.dropna().tolist())
    out = pd.DataFrame.from_dict(acc, orient="index")
    if out.empty:
        return pd.DataFrame(
            columns=[
                "events",
                "hits",
                "hit_rate",
                "false_alarms",
                "false_alarms_per_year",
                "lead_median_months",
            ]
        )
    frame = out[["events", "hits"]].copy()
    frame["hit_rate"] = out["hits"] / out["events"].where(out["events"] > 0)
    frame["false_alarms"] = out["false_alarms"]
    frame["false_alarms_per_year"] = out["false_alarms"] / out["years"].where(out["years"] > 0)
    frame["lead_median_months"] = [
        float(np.median(leads[n])) if leads.get(n) else np.nan for n in frame.index
    ]
    return frame


def backtest_universe(
    universe: Mapping[str, pd.Series | pd.DataFrame],
    *,
    signals: str | Sequence[str] = ALL_SIGNALS,
    config: SignalConfig | None = None,
    events: EventSpec | None = None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | pd.DataFrame | None = None,
    rng: RngLike = 0,
    n_jobs: int | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> UniverseBacktest:
    """Backtest every symbol of ``universe`` (one task per symbol).

    Parameters
    ----------
    universe : mapping of symbol -> price Series or canonical frame
    signals, config, events, shiller, market
        As in :func:`backtest`; ``events`` defaults to :meth:`EventSpec.stock` (40%).
    rng : seed
        Root seed; symbol ``i`` gets child ``i`` of :func:`bubblescope.parallel.spawn_seeds`.
    n_jobs, executor
        Parallelism over symbols (each task runs serially inside).
    progress : callable, optional
        ``progress(done, total)`` per finished symbol.

    Returns
    -------
    UniverseBacktest
        Identical for serial, process-pool and Dask runs.
    """
    if not universe:
        raise InputError("the universe is empty")
    cfg = config or SignalConfig()
    spec = events or EventSpec.stock()
    wanted = parse_signals(signals)
    mkt = None if market is None else _close(market, "market").dropna()
    seeds = spawn_seeds(rng, len(universe))
    tasks = [
        _Task(str(sym), _close(data, str(sym), trim=True), wanted, cfg, spec, shiller, mkt, seed)
        for (sym, data), seed in zip(universe.items(), seeds, strict=True)
    ]
    outs = map_chunks(_run_task, tasks, executor=executor, n_jobs=n_jobs, progress=progress)
    results = {s: r for s, r, _, _ in outs if r is not None}
    failures = {s: e for s, _, e, _ in outs if e is not None}
    return UniverseBacktest(results, failures, _pooled(results), {s: t for s, _, _, t in outs})
