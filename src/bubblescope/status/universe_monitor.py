"""A whole market each day: every signal's reading for the newest date, updated incrementally.

:func:`monitor_universe` reads each ticker's closes from the store
(:func:`bubblescope.data.store.load_prices`) and brings four readings up to the newest date:

PSY
    The streaming :class:`~bubblescope.detect.PSYMonitor` on log closes with a fixed minimum
    window (``psy_window`` points), so the BSADF at a date uses only data up to it and equals
    a batch :func:`~bubblescope.detect.psy` on the series cut there. An update appends only the
    new closes: O(T) work per new observation.
LPPLS Confidence
    DS LPPLS Confidence (positive and negative bubbles) of the newest date only, equal to
    :func:`~bubblescope.detect.lppls_confidence` on the closes up to it; earlier dates keep
    the readings they had. The tickers of a chunk share their grid scans
    (:func:`~bubblescope.detect.lppls.confidence_at_last`, bitwise equal to each
    ticker alone), about 40 ms less CPU a ticker than a scan each.
Run-up
    The return over the last ``runup_days`` trading days, ``P_t / P_{t-n} - 1``.
Drawdown
    The fall from the running peak, ``P_t / max_{s<=t} P_s - 1``, and the deepest so far; the
    peak and the deepest fall are carried in the state.

State and invalidation
    Each ticker's state is one file, ``<state_dir>/<TICKER>.state``: a JSON header (format,
    ticker, the settings' fingerprint, the number of closes processed, the content hash of
    those closes and dates, the SHA-256 of the payload) and the pickled payload (the monitor,
    the peak, the last readings). The next run uses the state only when the header matches
    the ticker and settings, the closes it processed are unchanged (same dates and values) and
    the payload's digest matches; otherwise the ticker is recomputed from scratch and the
    reason is reported (``settings changed``, ``history changed``, ``state corrupt: ...``).
    A state file is written atomically (temporary name, then rename). The digest catches a
    damaged file, not a forged one: like any pickle, keep the state folder private.
Errors
    A ticker that cannot be read (unknown to the store), has too little history for the PSY
    window, or holds a NaN or non-positive close becomes a failed row naming its typed error;
    the other tickers carry on. A reading that needs more history than a ticker has (LPPLS's
    longest window, the run-up's span) is NaN with its reason in ``notes``.
Parallelism
    Tickers are cut into chunks of :data:`CHUNK` in their sorted order (independent of the
    number of workers) and mapped through :func:`bubblescope.parallel.map_chunks`: serial, a
    local process pool or a Dask cluster give identical readings. Each chunk carries the
    caller's data home, so a worker reads the caller's store even when its (reused) pool was
    started under another ``$BUBBLESCOPE_HOME``.

References
----------
Phillips, P.C.B. and Shi, S. (2020). Real time monitoring of asset markets: bubbles and
crises. Handbook of Statistics 42, 61-80.
Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. and Zhang, Q. (2015). Real-time
prediction and post-mortem analysis of the Shanghai 2015 stock market bubble and crash. Journal
of Investment Strategies 4(4), 77-95.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import pickle
import resource
import sys
import time
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from bubblescope._config import data_home
from bubblescope._typing import ProgressCallback, RngLike
from bubblescope.cache import content_hash
from bubblescope.charts import Bar, ChartSpec, HLine, Panel
from bubblescope.errors import BubblescopeError, DataError, InputError, StoreError
from bubblescope.parallel import map_chunks
from bubblescope.result import ResultMixin

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from bubblescope.detect import PSYMonitor

__all__ = [
    "CHUNK",
    "READING_COLUMNS",
    "TickerReading",
    "UniverseMonitorResult",
    "UniverseSettings",
    "default_state_dir",
    "monitor_universe",
    "synthetic_universe",
]

#: Version of the state file's layout; a state of another version is recomputed.
STATE_FORMAT = 1
#: Tickers per task (fixed, so the chunks do not depend on the number of workers).
CHUNK = 16
#: Tickers the chart shows at most (the highest BSADF first).
CHART_TICKERS = 30
#: Columns of :meth:`UniverseMonitorResult.to_frame` (one row per ticker).
READING_COLUMNS: tuple[str, ...] = (
    "date",
    "close",
    "bsadf",
    "psy_alarm",
    "lppls_confidence_pos",
    "lppls_confidence_neg",
    "runup",
    "drawdown",
    "max_drawdown",
)
_MAGIC = b"bubblescope-universe-state\n"


@dataclass(frozen=True)
class UniverseSettings:
    """Settings of the universe monitor (all part of each ticker's state key).

    Attributes
    ----------
    psy_window : int
        PSY minimum window in points of log closes (trading days). Default 115: the PSY rule
        ``floor(T (0.01 + 1.8 / sqrt(T)))`` for ten years of trading days (T = 2,520), fixed
        so the window does not move as history grows.
    psy_lag : int
        Lagged differences in each ADF regression.
    psy_cv : float or None
        Constant BSADF critical value for the alarm (e.g. a family-wise value from
        ``PhillipsShiCV(horizon=...)``); None reports the statistics without an alarm.
    psy_min_duration : int
        PSY rule: once raised, an alarm is held at least this many trading days.
    lppls : bool
        Compute the LPPLS Confidence of the newest date (its cost dominates an update).
    lppls_max_window, lppls_min_window, lppls_step : int
        LPPLS nested windows in trading days (FCO: 750 down to 125 in steps of 5).
    runup_days : int
        Span of the run-up in trading days (504: two years, Greenwood, Shleifer and You 2019).
    """

    psy_window: int = 115
    psy_lag: int = 0
    psy_cv: float | None = None
    psy_min_duration: int = 0
    lppls: bool = True
    lppls_max_window: int = 750
    lppls_min_window: int = 125
    lppls_step: int = 5
    runup_days: int = 504

    def __post_init__(self) -> None:
        if self.psy_window < 2 * self.psy_lag + 4:
            raise InputError(
                f"psy_window must hold at least {2 * self.psy_lag + 4} points for lag "
                f"{self.psy_lag}, got {self.psy_window}"
            )
        if self.psy_lag < 0 or self.psy_min_duration < 0:
            raise InputError("psy_lag and psy_min_duration must be non-negative")
        if self.runup_days < 1:
            raise InputError(f"runup_days must be at least 1, got {self.runup_days}")
        if self.psy_cv is not None and not math.isfinite(self.psy_cv):
            raise InputError(f"psy_cv must be finite, got {self.psy_cv}")
        if self.lppls:
            self.windows()  # checks the window bounds now rather than in every worker

    def windows(self) -> Any:
        """The LPPLS :class:`~bubblescope.detect.WindowSet` of these settings."""
        from bubblescope.detect import WindowSet

        return WindowSet(self.lppls_max_window, self.lppls_min_window, self.lppls_step)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        return asdict(self)

    def fingerprint(self) -> str:
        """SHA-256 (16 hex digits) of the settings: part of every ticker's state key."""
        blob = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class TickerReading:
    """One ticker's readings at its newest date, or why it has none.

    Attributes
    ----------
    ticker : str
    ok : bool
        False when the ticker failed as a whole (``error`` says why).
    action : str
        ``"cold"`` (no state), ``"updated"`` (new closes appended to the state),
        ``"unchanged"`` (no new close), ``"recomputed"`` (state not usable: ``notes`` says
        why) or ``"failed"``.
    readings : dict
        :data:`READING_COLUMNS` (``date`` ISO, fractions for run-up and drawdown).
    appended : int
        Closes processed in this run (the whole history for a cold or recomputed ticker).
    notes : tuple of str
        Why a state was not used, and readings left NaN.
    error : str
        ``"ErrorType: message"`` for a failed ticker.
    seconds : float
        Wall time of this ticker in its worker.
    """

    ticker: str
    ok: bool
    action: str
    readings: dict[str, Any] = field(default_factory=dict)
    appended: int = 0
    notes: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        from bubblescope._json import to_jsonable

        out: dict[str, Any] = to_jsonable(asdict(self))
        return out


@dataclass
class _State:
    """What a ticker carries from one day to the next (pickled after the header)."""

    monitor: PSYMonitor
    peak: float
    max_drawdown: float
    readings: dict[str, Any]
    notes: tuple[str, ...] = ()


def default_state_dir() -> Path:
    """``$BUBBLESCOPE_HOME/monitor/universe``: where the monitor keeps its state files."""
    return data_home() / "monitor" / "universe"


def _history_hash(close: pd.Series) -> str:
    return content_hash(close)


def _read_state(path: Path, ticker: str, settings: UniverseSettings) -> tuple[Any, str]:
    """The header and payload of a state file, or ``(None, why it cannot be used)``."""
    if not path.is_file():
        return None, ""
    try:
        blob = path.read_bytes()
        if not blob.startswith(_MAGIC):
            return None, "state corrupt: not a universe-monitor state file"
        head, sep, payload = blob[len(_MAGIC) :].partition(b"\n")
        if not sep:
            return None, "state corrupt: no header"
        header = json.loads(head)
        if not isinstance(header, dict):
            return None, "state corrupt: the header is not a JSON object"
        if hashlib.sha256(payload).hexdigest() != header.get("digest"):
            return None, "state corrupt: the payload does not match its digest"
        if header.get("format") != STATE_FORMAT or header.get("ticker") != ticker:
            return None, "state of another format or ticker"
        if header.get("settings") != settings.fingerprint():
            return None, "settings changed"
        return (header, payload), ""
    except (OSError, ValueError) as exc:
        return None, f"state corrupt: {type(exc).__name__}: {exc}"


class _Pickler(pickle.Pickler):
    """Pickles numpy float64 scalars as Python floats (exact; 4x faster for the monitor's lists)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is np.float64:
            return float, (float(obj),)
        return NotImplemented


def _write_state(path: Path, header: dict[str, Any], state: _State) -> None:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    payload = buffer.getvalue()
    header = {**header, "digest": hashlib.sha256(payload).hexdigest()}
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(_MAGIC + json.dumps(header).encode() + b"\n" + payload)
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(
            f"cannot write the monitor state {path}: {exc}",
            hint="check free disk space and permissions of the state folder",
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _closes(ticker: str) -> pd.Series:
    """The ticker's stored closes, checked: no NaN, all positive."""
    from bubblescope.data.store import load_prices

    close = load_prices(ticker)["close"].astype(np.float64)
    bad = close[~np.isfinite(close.to_numpy())]
    if len(bad):
        raise DataError(
            f"{ticker}: {len(bad)} close(s) are NaN or infinite, first on "
            f"{pd.Timestamp(bad.index[0]).date()}",
            hint="re-import the ticker's prices with the gaps filled or the rows removed",
        )
    low = close[close.to_numpy() <= 0.0]
    if len(low):
        raise DataError(
            f"{ticker}: {len(low)} close(s) are not positive, first on "
            f"{pd.Timestamp(low.index[0]).date()} ({float(low.iloc[0])})",
            hint="the monitor reads log prices: import positive closes",
        )
    return close.rename(ticker)


def _lppls_batch(
    closes: dict[str, pd.Series], settings: UniverseSettings
) -> dict[str, tuple[float, float, str]]:
    """LPPLS Confidence (positive, negative) at each ticker's last close, or NaN and why.

    The tickers with enough history share their grid scans
    (:func:`~bubblescope.detect.lppls.confidence_at_last`, bitwise equal to
    :func:`~bubblescope.detect.lppls_confidence` at the last close of each).
    """
    need = settings.lppls_max_window
    out: dict[str, tuple[float, float, str]] = {}
    fit: list[str] = []
    for ticker, close in closes.items():
        if not settings.lppls:
            out[ticker] = (math.nan, math.nan, "")
        elif len(close) < need:
            out[ticker] = (math.nan, math.nan, f"LPPLS needs {need} closes, has {len(close)}")
        else:
            fit.append(ticker)
    if fit:
        from bubblescope.detect.lppls import confidence_at_last

        logps = [np.log(closes[t].to_numpy()[-need:]) for t in fit]
        for ticker, (pos, neg) in zip(
            fit, confidence_at_last(logps, settings.windows()), strict=True
        ):
            out[ticker] = (pos, neg, "")
    return out


def _reading(
    close: pd.Series,
    state: _State,
    update: Any,
    settings: UniverseSettings,
    lppls: tuple[float, float, str],
) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    n = settings.runup_days
    runup = math.nan
    if len(close) > n:
        runup = float(close.iloc[-1]) / float(close.iloc[-1 - n]) - 1.0
    else:
        notes.append(f"run-up needs {n + 1} closes, has {len(close)}")
    pos, neg, why = lppls
    if why:
        notes.append(why)
    last = float(close.iloc[-1])
    readings = {
        "date": pd.Timestamp(close.index[-1]).date().isoformat(),
        "close": last,
        "bsadf": update[0],
        "psy_alarm": update[1] if settings.psy_cv is not None else None,
        "lppls_confidence_pos": pos,
        "lppls_confidence_neg": neg,
        "runup": runup,
        "drawdown": last / state.peak - 1.0,
        "max_drawdown": state.max_drawdown,
    }
    return readings, notes


def _cold(close: pd.Series, settings: UniverseSettings) -> tuple[_State, tuple[float, bool]]:
    from bubblescope.detect import PSYMonitor

    if len(close) < settings.psy_window:
        raise InputError(
            f"{close.name}: {len(close)} closes, fewer than the PSY window of "
            f"{settings.psy_window}",
            hint="monitor it once it has that much history, or lower psy_window",
        )
    logs = np.log(close.to_numpy())
    monitor = PSYMonitor(
        logs,
        lag=settings.psy_lag,
        window=settings.psy_window,
        threshold=settings.psy_cv,
        min_duration=settings.psy_min_duration,
    )
    p = close.to_numpy()
    peak = np.maximum.accumulate(p)
    state = _State(monitor, float(peak[-1]), float(np.min(p / peak - 1.0)), {})
    return state, (float(monitor.bsadf.iloc[-1]), bool(monitor.alarms.iloc[-1]))


@dataclass
class _Pending:
    """A ticker brought up to date except for its LPPLS reading (computed per chunk)."""

    ticker: str
    close: pd.Series
    state: _State
    stats: tuple[float, bool]
    action: str
    notes: list[str]
    appended: int
    seconds: float


def _advance(ticker: str, settings: UniverseSettings, state_dir: Path) -> TickerReading | _Pending:
    """Read the ticker and its state, append the new closes: its final row when unchanged."""
    start = time.perf_counter()
    path = state_dir / f"{ticker}.state"
    close = _closes(ticker)
    found, why = _read_state(path, ticker, settings)
    state: _State | None = None
    processed = 0
    if found is not None:
        header, payload = found
        processed = int(header["n"])
        if processed > len(close) or _history_hash(close.iloc[:processed]) != header["hash"]:
            why = "history changed"
        else:
            try:
                state = pickle.loads(payload)
            except Exception as exc:  # a digest-checked payload that still fails to load
                why = f"state corrupt: {type(exc).__name__}: {exc}"
    notes: list[str] = [f"recomputed: {why}"] if why else []
    if state is not None and processed == len(close):
        return TickerReading(
            ticker,
            True,
            "unchanged",
            state.readings,
            0,
            tuple(notes + list(state.notes)),
            "",
            time.perf_counter() - start,
        )
    if state is not None:
        new = close.iloc[processed:]
        logs = np.log(new.to_numpy())
        update: Any = None
        for value in logs:
            update = state.monitor.append(float(value))
        for price in new.to_numpy():
            state.peak = max(state.peak, float(price))
            state.max_drawdown = min(state.max_drawdown, float(price) / state.peak - 1.0)
        stats = (update.bsadf, update.alarm)
        action, appended = "updated", len(new)
    else:
        state, stats = _cold(close, settings)
        action, appended = ("recomputed" if why else "cold"), len(close)
    return _Pending(
        ticker, close, state, stats, action, notes, appended, time.perf_counter() - start
    )


def _finish(
    pending: _Pending,
    lppls: tuple[float, float, str],
    settings: UniverseSettings,
    state_dir: Path,
) -> TickerReading:
    """Complete a ticker's readings with its LPPLS reading and write its state."""
    start = time.perf_counter()
    state, close = pending.state, pending.close
    readings, more = _reading(close, state, pending.stats, settings, lppls)
    notes = pending.notes + more
    state.readings = readings
    state.notes = tuple(n for n in notes if not n.startswith("recomputed: "))
    header = {
        "format": STATE_FORMAT,
        "ticker": pending.ticker,
        "settings": settings.fingerprint(),
        "n": len(close),
        "hash": _history_hash(close),
        "last_date": readings["date"],
    }
    _write_state(state_dir / f"{pending.ticker}.state", header, state)
    seconds = pending.seconds + time.perf_counter() - start
    return TickerReading(
        pending.ticker, True, pending.action, readings, pending.appended, tuple(notes), "", seconds
    )


@dataclass(frozen=True)
class _Chunk:
    tickers: tuple[str, ...]
    settings: UniverseSettings
    state_dir: str
    #: The caller's data home: a reused pool's workers may have started under another one.
    home: str


@dataclass(frozen=True)
class _ChunkResult:
    readings: tuple[TickerReading, ...]
    peak_rss_mb: float


def _peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB.

    On Linux the high-water mark of this process's own memory (``VmHWM`` in
    ``/proc/self/status``). ``ru_maxrss`` would not do for a spawned worker: Linux carries
    the pre-exec RSS into it, so a worker would report at least its parent's size at the
    spawn (a parent holding 5,000 tickers' prices made every worker read ~900 MiB). Elsewhere
    ``ru_maxrss`` (KiB on Linux, B on macOS).
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def _run_chunk(chunk: _Chunk) -> _ChunkResult:
    """Worker: update every ticker of a chunk; one ticker's error never stops the others.

    Each ticker is first brought up to date but for LPPLS (:func:`_advance`); the LPPLS
    readings of the chunk's tickers are then computed together (:func:`_lppls_batch`), and
    each ticker is finished (:func:`_finish`). Should the shared LPPLS run fail, each ticker's
    LPPLS reading is computed alone, so only the ticker at fault fails.
    """
    before = os.environ.get("BUBBLESCOPE_HOME")
    os.environ["BUBBLESCOPE_HOME"] = chunk.home
    try:
        first = {
            ticker: _guarded(ticker, _advance, ticker, chunk.settings, Path(chunk.state_dir))
            for ticker in chunk.tickers
        }
        pending = {t: r for t, r in first.items() if isinstance(r, _Pending)}
        lppls_start = time.perf_counter()
        closes = {t: p.close for t, p in pending.items()}
        try:
            lppls = _lppls_batch(closes, chunk.settings)
        except Exception:  # one ticker at fault: find it, and keep the others
            lppls = {}
        share = (time.perf_counter() - lppls_start) / max(len(pending), 1)
        out: list[TickerReading] = []
        for ticker, row in first.items():
            if not isinstance(row, _Pending):
                out.append(row)
                continue
            row.seconds += share
            out.append(cast(TickerReading, _guarded(ticker, _finish_one, row, lppls, chunk)))
    finally:
        if before is None:
            os.environ.pop("BUBBLESCOPE_HOME", None)
        else:
            os.environ["BUBBLESCOPE_HOME"] = before
    return _ChunkResult(tuple(out), _peak_rss_mb())


def _finish_one(
    pending: _Pending, lppls: dict[str, tuple[float, float, str]], chunk: _Chunk
) -> TickerReading:
    """:func:`_finish` with the chunk's LPPLS reading, or the ticker's own when it has none."""
    reading = lppls.get(pending.ticker)
    if reading is None:
        reading = _lppls_batch({pending.ticker: pending.close}, chunk.settings)[pending.ticker]
    return _finish(pending, reading, chunk.settings, Path(chunk.state_dir))


def _guarded(ticker: str, step: Any, *args: Any) -> TickerReading | _Pending:
    """``step(*args)``, or the ticker's failed row: an error never reaches the other tickers."""
    start = time.perf_counter()
    try:
        result: TickerReading | _Pending = step(*args)
        return result
    except BubblescopeError as exc:
        error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a bug: keep the other tickers, report it loudly
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        error = f"InternalError: {detail}"
    seconds = time.perf_counter() - start
    return TickerReading(ticker, False, "failed", error=error, seconds=seconds)


@dataclass(frozen=True)
class UniverseMonitorResult(ResultMixin):
    """One day's update of a universe: each ticker's readings at its newest date.

    Attributes
    ----------
    readings : tuple of TickerReading
        In the order the tickers were given.
    settings : UniverseSettings
    state_dir : str
        Folder of the tickers' state files.
    seconds : float
        Wall time of the whole update (s).
    peak_rss_mb : float
        Largest peak resident memory of a process that ran tickers (MiB): the workers', or
        this process's when serial.
    stored : str
        Path of the store file holding this run's readings (dataset ``runs``, symbol
        ``universe-monitor``); empty when not stored.
    unstored : str
        Why the readings could not be stored (the update itself still counts).
    """

    readings: tuple[TickerReading, ...]
    settings: UniverseSettings
    state_dir: str
    seconds: float
    peak_rss_mb: float
    stored: str = ""
    unstored: str = ""

    def counts(self) -> dict[str, int]:
        """Tickers per action (cold, updated, unchanged, recomputed, failed)."""
        out = {a: 0 for a in ("cold", "updated", "unchanged", "recomputed", "failed")}
        for r in self.readings:
            out[r.action] += 1
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per ticker.

        Columns :data:`READING_COLUMNS`, ``action``, ``appended``, ``notes`` and ``error``.
        """
        rows = [
            {
                "ticker": r.ticker,
                **{c: r.readings.get(c) for c in READING_COLUMNS},
                "action": r.action,
                "appended": r.appended,
                "notes": "; ".join(r.notes),
                "error": r.error,
            }
            for r in self.readings
        ]
        columns = ["ticker", *READING_COLUMNS, "action", "appended", "notes", "error"]
        frame = pd.DataFrame(rows, columns=columns)
        numeric = [c for c in READING_COLUMNS if c not in ("date", "psy_alarm")]
        frame[numeric] = frame[numeric].astype(np.float64)
        return frame.set_index("ticker")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, counts, timing and every ticker's readings."""
        from bubblescope._json import to_jsonable

        out: dict[str, Any] = to_jsonable(
            {
                "settings": {**self.settings.to_dict(), "fingerprint": self.settings.fingerprint()},
                "counts": self.counts(),
                "seconds": self.seconds,
                "peak_rss_mb": self.peak_rss_mb,
                "state_dir": self.state_dir,
                "stored": self.stored,
                "unstored": self.unstored,
                "tickers": [r.to_dict() for r in self.readings],
            }
        )
        return out

    def summary(self) -> str:
        """Counts, the tickers in alarm or with the highest BSADF, and every failure."""
        counts = self.counts()
        lines = [
            f"Universe monitor: {len(self.readings)} ticker(s) in {self.seconds:.1f} s "
            f"(peak memory per worker {self.peak_rss_mb:.0f} MiB)",
            "  " + ", ".join(f"{k} {v}" for k, v in counts.items()),
        ]
        ok = [r for r in self.readings if r.ok]
        top = sorted(ok, key=lambda r: -_num(r.readings.get("bsadf")))[:10]
        if top:
            lines.append(
                f"  {'ticker':<10} {'date':<10} {'BSADF':>7} {'alarm':>5} {'LPPLS+':>7} "
                f"{'LPPLS-':>7} {'run-up':>7} {'drawdown':>8}"
            )
            for r in top:
                g = r.readings
                alarm = "-" if g.get("psy_alarm") is None else ("yes" if g["psy_alarm"] else "no")
                lines.append(
                    f"  {r.ticker:<10} {g['date']:<10} {_num(g['bsadf']):>7.2f} {alarm:>5} "
                    f"{_num(g['lppls_confidence_pos']):>7.2f} "
                    f"{_num(g['lppls_confidence_neg']):>7.2f} {_num(g['runup']):>7.1%} "
                    f"{_num(g['drawdown']):>8.1%}"
                )
        for r in self.readings:
            if not r.ok:
                lines.append(f"  failed {r.ticker}: {r.error}")
            elif r.action == "recomputed":
                lines.append(f"  {r.ticker}: {r.notes[0]}")
        if self.stored:
            lines.append(f"  readings stored: {self.stored}")
        if self.unstored:
            lines.append(f"  readings not stored: {self.unstored}")
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """Bars across the tickers, highest BSADF first (at most :data:`CHART_TICKERS`).

        Panels: BSADF (with the alarm's critical value), LPPLS Confidence of positive bubbles,
        and the drawdown from the peak.
        """
        frame = self.to_frame()
        frame = frame[frame["action"] != "failed"].sort_values("bsadf", ascending=False)
        shown = len(frame)
        frame = frame.iloc[:CHART_TICKERS]
        order = list(frame.index)
        cv = self.settings.psy_cv
        panels = (
            Panel(
                "PSY BSADF (log closes)",
                ylabel="BSADF",
                bars=(Bar(order, frame["bsadf"].to_numpy(), "BSADF"),),
                hlines=() if cv is None else (HLine(cv, "critical value"),),
            ),
            Panel(
                "LPPLS Confidence, positive bubbles",
                ylabel="share of windows",
                bars=(Bar(order, frame["lppls_confidence_pos"].to_numpy(), "Confidence"),),
            ),
            Panel(
                "Drawdown from the peak",
                ylabel="%",
                bars=(Bar(order, 100.0 * frame["drawdown"].to_numpy(), "drawdown"),),
            ),
        )
        title = "Universe monitor: newest readings"
        if shown > len(frame):
            title += f" (the {len(frame)} highest BSADF of {shown} tickers)"
        return ChartSpec(
            title,
            panels,
            source="bubblescope.status.universe_monitor",
            legend=False,
        )


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)


def _store_readings(result_rows: pd.DataFrame) -> tuple[str, str]:
    from bubblescope.data.store import import_frame

    try:
        stored = import_frame(result_rows, "runs", symbol="universe-monitor")
    except BubblescopeError as exc:
        return "", f"{type(exc).__name__}: {exc}"
    return stored.path, ""


def monitor_universe(
    tickers: Sequence[str] | None = None,
    settings: UniverseSettings | None = None,
    *,
    state_dir: str | Path | None = None,
    executor: Executor | None = None,
    n_jobs: int | None = None,
    progress: ProgressCallback | None = None,
    store: bool = True,
    chunk: int = CHUNK,
) -> UniverseMonitorResult:
    """Bring every ticker's PSY, LPPLS Confidence, run-up and drawdown to its newest date.

    Parameters
    ----------
    tickers : sequence of str, optional
        Store symbols (case-insensitive); default every symbol with prices in the store.
    settings : UniverseSettings, optional
        Default ``UniverseSettings()``.
    state_dir : str or Path, optional
        Folder of the state files; default :func:`default_state_dir`.
    executor, n_jobs : optional
        As in :func:`bubblescope.parallel.map_chunks`; results are identical either way.
    progress : callable, optional
        ``progress(done, total)`` over chunks of tickers.
    store : bool
        Append this run's readings to the store (dataset ``runs``, symbol
        ``universe-monitor``).
    chunk : int
        Tickers per task (default :data:`CHUNK`); the readings do not depend on it.

    Returns
    -------
    UniverseMonitorResult

    Raises
    ------
    InputError
        No tickers (an empty store, or an empty list).

    Examples
    --------
    >>> from bubblescope.status.universe_monitor import monitor_universe
    >>> result = monitor_universe(["NVDA", "MSFT"], n_jobs=2)  # doctest: +SKIP
    >>> result.to_frame()[["date", "bsadf", "lppls_confidence_pos"]]  # doctest: +SKIP
    """
    from bubblescope.data.store import list_symbols

    start = time.perf_counter()
    settings = settings or UniverseSettings()
    in_store = list_symbols("prices")
    names = in_store if tickers is None else [t.strip().upper() for t in tickers]
    names = list(dict.fromkeys(n for n in names if n))
    if not names:
        raise InputError(
            "no tickers to monitor: the store has no prices"
            if tickers is None
            else "no tickers to monitor: the list is empty",
            hint="import prices with `bubblescope data import FILE`, or name the tickers",
        )
    if chunk < 1:
        raise InputError(f"chunk must be at least 1 ticker, got {chunk}")
    folder = Path(state_dir) if state_dir is not None else default_state_dir()
    known = set(in_store)
    todo = [n for n in names if n in known]
    chunks = [
        _Chunk(tuple(todo[i : i + chunk]), settings, str(folder), str(data_home()))
        for i in range(0, len(todo), chunk)
    ]
    parts = map_chunks(_run_chunk, chunks, executor=executor, n_jobs=n_jobs, progress=progress)
    done = {r.ticker: r for part in parts for r in part.readings}
    readings = tuple(
        done[n]
        if n in done
        else TickerReading(
            n,
            False,
            "failed",
            error=f"UnknownSymbolError: no prices for {n!r} in the store "
            f"({len(known)} symbols stored)",
        )
        for n in names
    )
    peak = max((part.peak_rss_mb for part in parts), default=_peak_rss_mb())
    result = UniverseMonitorResult(
        readings, settings, str(folder), time.perf_counter() - start, peak
    )
    if not store:
        return result
    rows = result.to_frame().reset_index()
    rows["settings"] = settings.fingerprint()
    stored, unstored = _store_readings(rows)
    return UniverseMonitorResult(
        readings,
        settings,
        str(folder),
        time.perf_counter() - start,
        peak,
        stored,
        unstored,
    )


def synthetic_universe(
    n_tickers: int,
    n_days: int,
    *,
    rng: RngLike = 0,
    explosive_share: float = 0.1,
    start: str = "2016-12-05",
) -> dict[str, pd.DataFrame]:
    """Synthetic daily closes for benchmarks and examples: random walks, some explosive.

    Each ticker's log close is a Gaussian random walk (daily drift 0.0003, volatility 0.02,
    from 100). A share ``explosive_share`` of the tickers also has one explosive episode: over
    a random span of 60-150 trading days the log price follows
    ``x_t = 1.01 x_{t-1} + 0.01 + e_t`` above its level at the start (an AR root of 1.01),
    then falls back by 60% of the gain.

    Parameters
    ----------
    n_tickers, n_days : int
        Tickers (named ``SYN00000``, ``SYN00001``, ...) and business days of history.
    rng : int, Generator, SeedSequence or None
        Seed; ticker ``i`` draws from child ``i``, so a ticker's path does not depend on
        ``n_tickers``.
    explosive_share : float
        Share of the tickers with an explosive episode (every ``round(1 / share)``-th one).
    start : str
        First date.

    Returns
    -------
    dict
        Ticker -> canonical price frame (source ``synthetic``).
    """
    from bubblescope.data.frames import canonical_frame
    from bubblescope.parallel import spawn_seeds

    if n_tickers < 1 or n_days < 2:
        raise InputError(f"need at least 1 ticker and 2 days, got {n_tickers} and {n_days}")
    if not 0.0 <= explosive_share <= 1.0:
        raise InputError(f"explosive_share must be in [0, 1], got {explosive_share}")
    every = round(1.0 / explosive_share) if explosive_share > 0 else 0
    dates = pd.bdate_range(start, periods=n_days)
    out: dict[str, pd.DataFrame] = {}
    for i, seed in enumerate(spawn_seeds(rng, n_tickers)):
        gen = np.random.default_rng(seed)
        logp = math.log(100.0) + np.cumsum(0.0003 + 0.02 * gen.standard_normal(n_days))
        if every and i % every == 0 and n_days > 300:
            span = int(gen.integers(60, 151))
            at = int(gen.integers(0, n_days - span))
            x = np.empty(span)
            level = 0.0
            for k, e in enumerate(0.01 * gen.standard_normal(span)):
                level = 1.01 * level + 0.01 + e
                x[k] = level
            bump = np.concatenate([x, np.full(n_days - at - span, 0.4 * x[-1])])
            logp[at:] += bump
        name = f"SYN{i:05d}"
        out[name] = canonical_frame(
            dates, np.exp(logp), symbol=name, source="synthetic", adjusted=True
        )
    return out
