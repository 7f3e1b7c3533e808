"""Reading one ticker after N daily one-row imports: the store before and after compaction.

A monitor imports each ticker's newest close every day, one Parquet file each time; every file
a read opens costs it time. For N daily imports onto ten years of daily closes (2,520 rows) this
times ``store.load_prices`` over the N + 1 files as they are (compaction off), after
``store.compact``, and with the imports compacting on their own (``COMPACT_AFTER``), against
pandas reading the same rows (``pd.read_parquet`` of the same files, concatenated, and of the
one compacted file). The peer resolves no vintages and checks nothing, so the ratio is the price
of those guarantees. Also timed: one ``compact`` and the mean one-row import with automatic
compaction, against ``DataFrame.to_parquet`` of the row.

Run: ``.venv/bin/python benchmarks/bench_store.py [--imports 20 100 250] [--repeat 7]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

HISTORY = 2_520


def best_of(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def read_all(files: list[Path]) -> pd.DataFrame:
    """The peer's read of several files: each with pandas, concatenated."""
    return pd.concat([pd.read_parquet(f) for f in files])


def write_row(frame: pd.DataFrame, folder: Path) -> None:
    """The peer's import: one new Parquet file."""
    frame.to_parquet(folder / f"{time.time_ns()}.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--imports", type=int, nargs="+", default=[20, 100, 250])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ["BUBBLESCOPE_HOME"] = tempfile.mkdtemp(prefix="bubblescope-bench-store-")

    from bubblescope.data import store
    from bubblescope.data.frames import canonical_frame

    dates = pd.bdate_range("2015-01-01", periods=HISTORY + max(args.imports))
    closes = 100.0 * np.exp(np.cumsum(np.random.default_rng(0).normal(0.0, 0.01, len(dates))))

    def day(symbol: str, k: int) -> pd.DataFrame:
        return canonical_frame(
            dates[k : k + 1], closes[k : k + 1], symbol=symbol, source="bench", adjusted=False
        )

    def history(symbol: str) -> None:
        store.import_frame(
            canonical_frame(
                dates[:HISTORY], closes[:HISTORY], symbol=symbol, source="bench", adjusted=False
            )
        )

    def files(symbol: str) -> list[Path]:
        return sorted((store.store_root() / "prices" / f"symbol={symbol}").glob("part-*"))

    rows: list[tuple[str, float, float]] = []
    automatic = store.COMPACT_AFTER
    for n in args.imports:
        plain, auto = f"PLAIN{n}", f"AUTO{n}"
        store.COMPACT_AFTER = 10**9
        history(plain)
        for k in range(HISTORY, HISTORY + n):
            store.import_frame(day(plain, k))
        parts = files(plain)
        rows.append(
            (
                f"read after {n} imports, {len(parts)} files",
                best_of(partial(store.load_prices, plain), args.repeat),
                best_of(
                    partial(read_all, parts),
                    args.repeat,
                ),
            )
        )
        started = time.perf_counter()
        store.compact("prices", plain)
        compact_s = time.perf_counter() - started
        (one,) = files(plain)
        rows.append(
            (
                "  after compact, 1 file",
                best_of(partial(store.load_prices, plain), args.repeat),
                best_of(partial(pd.read_parquet, one), args.repeat),
            )
        )
        store.COMPACT_AFTER = automatic
        history(auto)
        daily = [day(auto, k) for k in range(HISTORY, HISTORY + n)]
        started = time.perf_counter()
        for frame in daily:
            store.import_frame(frame)
        import_s = (time.perf_counter() - started) / n
        kept = files(auto)
        rows.append(
            (
                f"  imports compacting at >{automatic}, {len(kept)} file(s)",
                best_of(partial(store.load_prices, auto), args.repeat),
                best_of(
                    partial(read_all, kept),
                    args.repeat,
                ),
            )
        )
        scratch = Path(tempfile.mkdtemp(prefix="bubblescope-peer-"))
        rows.append(
            (
                "  one-row import, mean (auto compaction)",
                import_s,
                best_of(
                    partial(write_row, day(auto, 0), scratch),
                    args.repeat,
                ),
            )
        )
        rows.append((f"  compact {len(parts)} files", compact_s, float("nan")))
    print(f"one ticker: {HISTORY:,} daily closes, then N one-row daily imports")
    print(f"{'task':46s} {'bubblescope ms':>15s} {'pandas ms':>10s} {'ratio':>6s}")
    for task, ours, peer in rows:
        ratio = f"{ours / peer:6.1f}" if peer == peer else f"{'-':>6s}"
        peer_ms = f"{1e3 * peer:10.2f}" if peer == peer else f"{'-':>10s}"
        print(f"{task:46s} {1e3 * ours:15.2f} {peer_ms} {ratio}")


if __name__ == "__main__":
    main()
