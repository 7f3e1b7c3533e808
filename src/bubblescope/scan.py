"""Scan a universe of price series: PSY exuberance, GSY run-ups and drawdowns per symbol.

The analyses a scan can run are the registry entries with a scan column
(:attr:`bubblescope.analyses.base.Analysis.scan`: PSY, GSY run-ups, drawdowns and the stock
gauge, in registry order); each column's metrics run the entry's own analysis. One task per
symbol runs the chosen analyses and returns a flat, JSON-ready summary row. Tasks go
through :func:`bubblescope.parallel.map_chunks`, so they run serially, on a local process pool,
or on a ``dask.distributed`` cluster (``executor=dask_executor(address)``) with identical
results: every analysis here is deterministic given its settings (the PSY Monte Carlo critical
values use a fixed seed and are cached on disk by their parameters), and each task's seed is a
child of one ``SeedSequence`` indexed by the symbol's position.

A failing symbol (too short, bad data) becomes a failed row naming the error; the others keep
their results. With ``store=True`` each finished row is written to the store's ``runs``
dataset as soon as it arrives, so a crash later in the scan loses nothing already finished.

Settings (:class:`ScanConfig`)
    The standard run (:class:`bubblescope.settings.RunSettings`) unless told otherwise, so a
    symbol scanned here reads as it does on the status page: PSY on log prices of its weekly
    closes over the last 20 years (``window``: the trailing observations instead), lag 0, PSY
    minimum window, the run's Monte Carlo critical values, family-wise stamping at 95%.
    ``psy_now`` is the status page's reading at the last date
    (:func:`bubblescope.detect.episode_now`: "explosive now" only while the last BSADF is above
    its critical value, "episode not confirmed" when the dating holds an episode open with
    BSADF back below); ``psy_ongoing`` is the dating's flag (an episode stays open for
    ``min_duration`` observations after its first exceedance) and the summary prints
    ``psy_now``.
    Run-ups: GSY's episodes on month-end prices (24-month return above 100%, raw and, with
    ``market``, net of the market), and the run-up now (the two-year return at the last
    date) with GSY's crash odds at that net run-up, the status page's numbers.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback, RngLike
from bubblescope.analyses.base import ScanHook, ScanInput
from bubblescope.analyses.engines import ENGINES
from bubblescope.charts import Bar, ChartSpec, HLine, Panel
from bubblescope.errors import BubblescopeError, DataError, InputError
from bubblescope.parallel import map_chunks, spawn_seeds
from bubblescope.result import ResultMixin
from bubblescope.settings import RunSettings

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["ANALYSES", "ScanConfig", "ScanResult", "SymbolOutcome", "load_universe", "scan"]

#: The registry's scan columns by analysis name, in registry order.
_HOOKS: dict[str, ScanHook] = {e.name: e.scan for e in ENGINES if e.scan is not None}
#: Analyses a scan can run, with what each reports.
ANALYSES: dict[str, str] = {name: hook.describe for name, hook in _HOOKS.items()}


def _standard() -> RunSettings:
    return RunSettings.preset("standard")


@dataclass(frozen=True)
class ScanConfig:
    """Settings of a scan (all shown in the result).

    Attributes
    ----------
    analyses : tuple of str
        Keys of :data:`ANALYSES`.
    run : RunSettings
        The run whose PSY, run-up and threshold settings apply (default: the standard run).
    window : int or None
        PSY sample: the trailing ``window`` observations of the input as given; None (the
        default) samples as the run does (weekly closes of the last 20 years).
    """

    analyses: tuple[str, ...] = ("psy", "runup")
    run: RunSettings = field(default_factory=_standard)
    window: int | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.analyses) - set(ANALYSES))
        if unknown or not self.analyses:
            raise InputError(
                f"unknown or no analyses {unknown or list(self.analyses)}",
                hint=f"choose from {sorted(ANALYSES)}",
            )
        if self.window is not None and self.window < 30:
            raise InputError(f"scan window must be at least 30 observations, got {self.window}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        return {
            "analyses": list(self.analyses),
            "window": self.window,
            "run": {**self.run.to_dict(), "fingerprint": self.run.fingerprint()},
        }


@dataclass(frozen=True)
class SymbolOutcome:
    """The scan row of one symbol: flat metrics and, per failed analysis, its error.

    ``ok`` is True when every analysis ran; an analysis that fails (e.g. a history too short
    for a 24-month run-up) records ``"ErrorType: message"`` under its name in ``errors`` and the
    symbol keeps the metrics of the analyses that ran.
    """

    symbol: str
    ok: bool
    metrics: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass(frozen=True)
class ScanResult(ResultMixin):
    """All rows of a scan, in universe order, plus the settings used."""

    outcomes: tuple[SymbolOutcome, ...]
    config: ScanConfig
    market: str | None = None
    stored_runs: tuple[str, ...] = field(default_factory=tuple)
    #: Symbol -> why its row could not be written to the store (``store=True``); the row
    #: itself is kept in ``outcomes``.
    unstored: dict[str, str] = field(default_factory=dict)

    @property
    def failures(self) -> list[SymbolOutcome]:
        """Rows that failed, with their error."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def all_failed(self) -> bool:
        """Whether no symbol completed its analyses (the CLI then exits non-zero)."""
        return all(not o.ok for o in self.outcomes)

    @property
    def definitions(self) -> dict[str, str]:
        """Metric -> how it is computed and its unit, for the analyses that ran.

        E.g. ``runup_net_2y`` is GSY's net of market, the raw 24-month return minus the
        market's (a difference of two returns, so it can fall below -1).
        """
        return {m: d for a in self.config.analyses for m, d in _HOOKS[a].definitions}

    def to_frame(self) -> pd.DataFrame:
        """One row per symbol: the metrics, ``ok`` and the error (if any)."""
        rows = [
            {
                "symbol": o.symbol,
                "ok": o.ok,
                **o.metrics,
                "errors": "; ".join(f"{k}: {v}" for k, v in o.errors.items()) or None,
                "seconds": o.seconds,
            }
            for o in self.outcomes
        ]
        return pd.DataFrame(rows).set_index("symbol")

    def summary(self) -> str:
        """A text table of the most exuberant symbols and the failures."""
        frame = self.to_frame()
        ok = frame
        n_ok = int(frame["ok"].sum())
        lines = [
            f"Scan of {len(frame)} symbols ({n_ok} complete, {len(frame) - n_ok} with a failed "
            f"analysis); "
            f"analyses: {', '.join(self.config.analyses)}; PSY on "
            + (
                f"the trailing {self.config.window} observations"
                if self.config.window
                else self.config.run.psy.describe()
            )
        ]
        if "psy_gsadf_ratio" in ok:
            lines.append("most exuberant (GSADF / 95% critical value):")
            top = ok.dropna(subset=["psy_gsadf_ratio"])
            top = top.sort_values("psy_gsadf_ratio", ascending=False).head(10)
            for sym, row in top.iterrows():
                now = row.get("psy_now")
                flag = now if now in ("explosive now", "episode not confirmed") else ""
                lines.append(
                    f"  {sym:<8} GSADF {row['psy_gsadf']:7.2f}  cv {row['psy_cv']:5.2f}  "
                    f"ratio {row['psy_gsadf_ratio']:5.2f}  {flag}"
                )
        if "runup_raw_2y" in ok:
            lines.extend(self._runup_lines(ok))
        if "runup_flag_now" in ok:
            runups = ok[ok["runup_flag_now"].astype("boolean").fillna(False).astype(bool)]
            lines.append(f"in a GSY run-up now: {', '.join(runups.index) or 'none'}")
            odds = ok["runup_crash_odds_now"].dropna().sort_values(ascending=False)
            if len(odds):
                lines.append(
                    "GSY crash odds at today's net run-up (industry-portfolio model; indicative "
                    "for single stocks): "
                    + ", ".join(f"{sym} {p:.0%}" for sym, p in odds.head(10).items())
                )
        for o in self.failures:
            for analysis, error in o.errors.items():
                lines.append(f"  {o.symbol} {analysis} failed: {error}")
        if self.unstored:
            first = next(iter(self.unstored.values()))
            lines.append(
                f"not stored: {len(self.unstored)} row(s) could not be written to the store "
                f"(kept here): {first}"
            )
        return "\n".join(lines)

    def _runup_lines(self, frame: pd.DataFrame) -> list[str]:
        """The 24-month run-up now, raw and net of the market, with what "net" means."""
        market = self.market
        lines = [
            f"24-month run-up now: raw return, and net of {market} (GSY: raw minus {market}'s "
            "24-month return, in percentage points; a difference of two returns, not a return, "
            "so it can fall below -100)"
            if market
            else "24-month run-up now: raw return (no market given, so no net run-up)"
        ]
        raw = frame["runup_raw_2y"].astype("float64")
        net = frame["runup_net_2y"].astype("float64")
        for sym in raw.dropna().index:
            net_text = f"{100.0 * net[sym]:+7.1f} pts" if np.isfinite(net[sym]) else "no market"
            lines.append(f"  {sym:<8} raw {100.0 * raw[sym]:+7.1f}%  net {net_text}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, one entry per symbol and the metrics' definitions."""
        out: dict[str, Any] = to_jsonable(
            {
                "config": self.config.to_dict(),
                "market": self.market,
                "definitions": self.definitions,
                "outcomes": [o.to_dict() for o in self.outcomes],
                "stored_runs": list(self.stored_runs),
                "unstored": dict(self.unstored),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """One panel of bars across the symbols per analysis that ran.

        PSY: GSADF relative to its 95% critical value (above 1 rejects); run-up: the trailing
        24-month return against GSY's doubling; drawdown: the fall from the running peak now;
        gauge: the latest aggregate percentile. The panels share the x axis, so every panel
        lists the symbols in one order: highest first on the first panel's metric.
        """
        frame = self.to_frame()
        panels: list[Panel] = []
        order: list[str] = []
        for analysis in self.config.analyses:
            hook = _HOOKS[analysis]
            if hook.column not in frame:
                continue
            values = hook.scale * frame[hook.column].astype("float64")
            order = order or list(values.sort_values(ascending=False).index)
            panels.append(
                Panel(
                    hook.title,
                    ylabel=hook.ylabel,
                    bars=(Bar(order, values.reindex(order).to_numpy(), hook.title),),
                    hlines=() if hook.line is None else (HLine(*hook.line),),
                )
            )
        return ChartSpec(
            "Exuberance scan",
            tuple(panels),
            source=f"{', '.join(self.config.analyses)} via bubblescope.scan",
            legend=False,
        )


@dataclass(frozen=True)
class _Task:
    symbol: str
    close: pd.Series
    volume: pd.Series | None
    market: pd.Series | None
    config: ScanConfig
    seed: np.random.SeedSequence


def _run_task(task: _Task) -> SymbolOutcome:
    """Worker: run every analysis for one symbol (module level so it pickles)."""
    start = time.perf_counter()
    metrics: dict[str, Any] = {}
    errors: dict[str, str] = {}
    data = ScanInput(task.close, task.volume, task.market, task.config.run, task.config.window)
    for analysis in task.config.analyses:
        try:
            metrics.update(_HOOKS[analysis].metrics(data))
        except BubblescopeError as exc:
            errors[analysis] = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bug: keep the other analyses and symbols, report it loudly
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            errors[analysis] = f"InternalError: unexpected {detail}"
    return SymbolOutcome(task.symbol, not errors, metrics, errors, time.perf_counter() - start)


def _close_series(symbol: str, data: pd.DataFrame | pd.Series) -> pd.Series:
    if isinstance(data, pd.DataFrame):
        if "close" not in data.columns:
            raise InputError(f"{symbol}: frame has no 'close' column")
        series = data["close"]
    else:
        series = data
    return series.astype(float).dropna().rename(symbol)


def _volume_series(data: pd.DataFrame | pd.Series) -> pd.Series | None:
    if isinstance(data, pd.DataFrame) and "volume" in data.columns:
        return data["volume"].astype(float)
    return None


def scan(
    universe: Mapping[str, pd.DataFrame | pd.Series],
    config: ScanConfig | None = None,
    *,
    market: pd.DataFrame | pd.Series | None = None,
    market_name: str | None = None,
    executor: Executor | None = None,
    n_jobs: int | None = None,
    rng: RngLike = 0,
    progress: ProgressCallback | None = None,
    store: bool = False,
) -> ScanResult:
    """Run the configured analyses on every symbol of ``universe``.

    Parameters
    ----------
    universe : mapping of symbol -> canonical price frame or close Series
        Daily (or any frequency) prices with a DatetimeIndex.
    config : ScanConfig, optional
    market : frame or Series, optional
        Market prices for the net-of-market run-up (e.g. SPY).
    market_name : str, optional
        Label of the market in the result.
    executor : concurrent.futures.Executor, optional
        E.g. :func:`bubblescope.parallel.dask_executor`; overrides ``n_jobs``.
    n_jobs : int, optional
        Local processes (None/1 = serial).
    rng : int, Generator, SeedSequence or None
        Root seed; task ``i`` gets child ``i`` (no analysis here draws from it today, but
        stochastic analyses added later stay reproducible).
    progress : callable, optional
        ``progress(done, total)`` per finished symbol.
    store : bool
        Append every finished row to the store's ``runs`` dataset as it arrives. A row that
        cannot be written (a read-only or full store) is kept in the result and named in
        :attr:`ScanResult.unstored`; the scan carries on.

    Returns
    -------
    ScanResult
        Rows in universe order, identical for serial, process and Dask runs.
    """
    cfg = config or ScanConfig()
    if not universe:
        raise InputError("the universe is empty")
    market_close = None if market is None else _close_series(market_name or "market", market)
    symbols = list(universe)
    seeds = spawn_seeds(rng, len(symbols))
    tasks = [
        _Task(
            sym,
            _close_series(sym, universe[sym]),
            _volume_series(universe[sym]),
            market_close,
            cfg,
            seed,
        )
        for sym, seed in zip(symbols, seeds, strict=True)
    ]
    run_id = f"scan-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    stored: list[str] = []
    unstored: dict[str, str] = {}

    def persist(_: int, outcome: SymbolOutcome) -> None:
        from bubblescope.data.store import import_frame

        row = pd.DataFrame([{**_flat(outcome), "run_id": run_id}])
        try:
            stored.append(import_frame(row, "runs", symbol=outcome.symbol).path)
        except BubblescopeError as exc:  # StoreError (read-only, full) or a bad symbol
            unstored[outcome.symbol] = f"{type(exc).__name__}: {exc}"

    outcomes = map_chunks(
        _run_task,
        tasks,
        executor=executor,
        n_jobs=n_jobs,
        progress=progress,
        on_result=persist if store else None,
    )
    return ScanResult(tuple(outcomes), cfg, market_name, tuple(stored), unstored)


def _flat(outcome: SymbolOutcome) -> dict[str, Any]:
    errors = "; ".join(f"{k}: {v}" for k, v in outcome.errors.items()) or None
    return {
        "symbol": outcome.symbol,
        "ok": outcome.ok,
        "errors": errors,
        "seconds": outcome.seconds,
        **outcome.metrics,
    }


def load_universe(
    path: str | Path, symbols: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Load a universe: a folder of price files, or a text/CSV file listing symbols or files.

    Parameters
    ----------
    path : str or Path
        * a directory: every ``*.csv``/``*.parquet`` inside is one symbol (file stem);
        * a file with one entry per line (or a ``symbol`` column, optionally ``path``): each
          entry is resolved by :func:`bubblescope.data.sources.resolve_series` (a bundled name,
          a file path, or a symbol in the store).
    symbols : sequence of str, optional
        Keep only these symbols.

    Returns
    -------
    dict
        symbol -> canonical price frame.
    """
    from bubblescope.data.sources import load_file, resolve_series

    root = Path(path)
    if not root.exists():
        raise DataError(f"universe {root} does not exist")
    if root.is_dir():
        files = {
            p.stem.upper(): p
            for p in sorted(root.iterdir())
            if p.suffix in {".csv", ".parquet"} and not p.name.startswith("_")
        }
        if not files:
            raise DataError(f"universe folder {root} holds no .csv or .parquet files")
        entries = [(sym, str(f)) for sym, f in files.items()]
    else:
        entries = _universe_entries(root)
    if symbols is not None:
        wanted = [s.upper() for s in symbols]
        known = {sym for sym, _ in entries}
        missing = sorted(set(wanted) - known)
        if missing:
            raise DataError(f"symbols not in the universe {root}: {missing}")
        lookup = dict(entries)
        entries = [(s, lookup[s]) for s in wanted]
    universe: dict[str, pd.DataFrame] = {}
    for sym, spec in entries:
        is_file = Path(spec).is_file()
        universe[sym] = load_file(spec, symbol=sym) if is_file else resolve_series(spec)
    return universe


def _universe_entries(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8").strip().splitlines()
    if not text:
        raise DataError(f"universe file {path} is empty")
    header = [h.strip().lower() for h in text[0].split(",")]
    entries: list[tuple[str, str]] = []
    if "symbol" in header:
        frame = pd.read_csv(path)
        frame.columns = [c.strip().lower() for c in frame.columns]
        for _, row in frame.iterrows():
            sym = str(row["symbol"]).strip().upper()
            spec = str(row["path"]) if "path" in frame and pd.notna(row["path"]) else sym
            if "path" in frame and pd.notna(row["path"]) and not Path(spec).is_absolute():
                spec = str(path.parent / spec)
            entries.append((sym, spec))
    else:
        for line in text:
            item = line.strip()
            if item and not item.startswith("#"):
                entries.append((Path(item).stem.upper() if "/" in item else item.upper(), item))
    return entries
