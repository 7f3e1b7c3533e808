"""Data layer timings: validated file loading and the Parquet+DuckDB store vs plain pandas/pyarrow.

The peer does strictly less work (no per-cell validation, no content hash, no atomic rename, no
vintage resolution), so the ratio is the price of those guarantees.

Run: ``.venv/bin/python benchmarks/bench_data.py [--shared ../shared/data]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd


def best_of(func: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
    args = parser.parse_args()
    os.environ["BUBBLESCOPE_HOME"] = tempfile.mkdtemp(prefix="bubblescope-bench-")

    from bubblescope.data import store
    from bubblescope.data.frames import canonical_frame
    from bubblescope.data.sources import load_file

    rows: list[tuple[str, float, float]] = []
    fred = args.shared / "fred" / "NASDAQCOM_1971-2025_iandonaldson.csv"
    if fred.is_file():
        rows.append(
            (
                "load FRED CSV, 14,180 lines",
                best_of(lambda: load_file(fred)),
                best_of(lambda: pd.read_csv(fred, parse_dates=["observation_date"])),
            )
        )
    scratch = Path(tempfile.mkdtemp(prefix="bubblescope-peer-"))
    for n in (13_914, 1_000_000):
        frame = canonical_frame(
            pd.date_range("1990-01-01", periods=n, freq="min"),
            1.0 + np.random.default_rng(0).random(n),
            symbol=f"S{n}",
            source="bench",
            adjusted=False,
        )
        bumps = iter(range(1, 100))

        def write_store(f: pd.DataFrame = frame, bump: Iterator[int] = bumps) -> None:
            # a different vintage each time, so nothing is skipped as a re-import
            store.import_frame(f.assign(close=f["close"] + next(bump)))

        def write_peer(f: pd.DataFrame = frame) -> None:
            f.to_parquet(scratch / f"{time.time_ns()}.parquet")

        rows.append((f"import {n:,} rows", best_of(write_store), best_of(write_peer)))
        single = scratch / f"single-{n}.parquet"
        frame.to_parquet(single)
        rows.append(
            (
                f"load {n:,} rows (3 vintages merged)",
                best_of(lambda s=f"S{n}": store.load_prices(s)),
                best_of(lambda p=single: pd.read_parquet(p)),
            )
        )
    print(f"{'task':40s} {'bubblescope s':>14s} {'pandas/pyarrow s':>17s} {'ratio':>7s}")
    for task, ours, peer in rows:
        print(f"{task:40s} {ours:14.4f} {peer:17.4f} {ours / peer:7.1f}")


if __name__ == "__main__":
    main()
