"""Time a universe scan (PSY + GSY run-up, daily prices) on the 62-ticker shared universe.

Usage::

    .venv/bin/python benchmarks/bench_scan.py [--data ../shared/data/yahoo_dsturdy] [--reps 499]

Prints one table: the full scan serially and on 2 local processes (critical values cached
after the first run, as a user's second scan would find them), and the PSY statistic alone for
every symbol's trailing window with bubblescope vs pyexuber (the peer), in the same run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "yahoo_dsturdy"),
    )
    parser.add_argument("--reps", type=int, default=499)
    parser.add_argument("--window", type=int, default=1260)
    args = parser.parse_args()
    os.environ.setdefault("BUBBLESCOPE_HOME", tempfile.mkdtemp(prefix="bench-scan-"))

    from bubblescope.detect.exuberance import psy
    from bubblescope.scan import ScanConfig, load_universe, scan

    universe = load_universe(args.data)
    market = universe.pop("SPY")
    from bubblescope.settings import RunSettings

    run = RunSettings.preset("standard").with_changes(psy={"reps": args.reps})
    config = ScanConfig(window=args.window, run=run)
    rows: list[tuple[str, float, str]] = []

    t = time.perf_counter()
    first = scan(universe, config, market=market, market_name="SPY")
    rows.append(("scan, serial, cold (critical values simulated)", time.perf_counter() - t, ""))
    t = time.perf_counter()
    scan(universe, config, market=market, market_name="SPY")
    rows.append(("scan, serial, warm cache", time.perf_counter() - t, ""))
    t = time.perf_counter()
    pooled = scan(universe, config, market=market, market_name="SPY", n_jobs=2)
    rows.append(("scan, 2 processes, warm cache", time.perf_counter() - t, ""))
    same = (
        first.to_frame().drop(columns="seconds").equals(pooled.to_frame().drop(columns="seconds"))
    )

    windows = []
    for frame in universe.values():
        close = frame["close"].dropna().iloc[-args.window :]
        if (close > 0).all() and len(close) > 60:
            windows.append(np.log(close.to_numpy()))
    psy(windows[0], cv=None)  # JIT warm-up
    t = time.perf_counter()
    ours = [psy(w, cv=None, window="exuber").gsadf for w in windows]
    rows.append(
        (f"PSY statistics only, {len(windows)} windows: bubblescope", time.perf_counter() - t, "")
    )
    try:
        import exuber

        t = time.perf_counter()
        theirs = [float(np.asarray(exuber.radf(w).gsadf).ravel()[0]) for w in windows]
        rows.append(
            (
                f"PSY statistics only, {len(windows)} windows: pyexuber",
                time.perf_counter() - t,
                f"max |diff| {np.max(np.abs(np.subtract(ours, theirs))):.1e}",
            )
        )
    except ImportError:
        rows.append(("pyexuber", float("nan"), "not installed"))

    print(
        f"universe: {len(universe)} symbols + SPY as market; window {args.window}; "
        f"MC reps {args.reps}; cpu count {os.cpu_count()}"
    )
    print(f"{'case':<58} {'seconds':>9}  note")
    for name, secs, note in rows:
        print(f"{name:<58} {secs:9.2f}  {note}")
    print(
        f"serial and 2-process results identical: {same}; "
        f"failed analyses: {sum(len(o.errors) for o in first.outcomes)}"
    )


if __name__ == "__main__":
    main()
