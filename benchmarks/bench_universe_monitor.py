"""Time the universe monitor: a cold first run, then one day's incremental update.

Usage::

    .venv/bin/python benchmarks/bench_universe_monitor.py [--tickers 5000] [--days 2520]

The universe is synthetic (:func:`bubblescope.status.universe_monitor.synthetic_universe`:
seeded random walks, one in ten with an explosive episode), ``--days`` business days each, all
but the last day imported into a fresh store. The script then times, in one run:

1. the cold first run on ``--jobs`` processes (every ticker from scratch: the PSY sweep over
   the whole history, the LPPLS Confidence of the last date, run-up, drawdown); this is also
   what a monitor without state would pay every day (the baseline);
2. the same cold run without LPPLS (PSY, run-up and drawdown only);
3. the last day imported, then the incremental update serially and on ``--jobs`` processes
   (each from a copy of the same cold state), and serially without LPPLS (``--no-serial``
   skips the serial update with LPPLS, the longest row, and its comparison);
4. the update's readings against a cold run on the updated store (largest BSADF, run-up and
   drawdown difference; LPPLS Confidence compared exactly), on ``--check`` tickers.

Each row gives the wall time, seconds per ticker, the linear extrapolation to ``--target``
tickers (tickers are independent, so the work is linear in their number; the per-process
start-up of a pool is counted once), the CPU seconds of this process and the pool's workers
(what the row costs on an idle machine, whatever the load), the peak resident memory of the
processes that ran tickers (each one's own high-water mark, ``VmHWM`` on Linux) and the 1-minute
load average when the row finished: other work on a shared machine slows every row.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the pools' workers).

    The reusable worker pools are shut first: ``RUSAGE_CHILDREN`` counts only exited workers.
    """
    import resource

    from bubblescope.parallel import shutdown_pools

    shutdown_pools()

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=2520)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--target", type=int, default=5000)
    parser.add_argument("--check", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-serial", action="store_true", help="skip the serial update")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-universe-"))
    os.environ["BUBBLESCOPE_HOME"] = str(home)

    import numpy as np

    from bubblescope.data.store import import_frame
    from bubblescope.status.universe_monitor import (
        UniverseSettings,
        monitor_universe,
        synthetic_universe,
    )

    rows: list[tuple[str, float, float, float, float]] = []
    clock = [_cpu_s()]

    def start() -> None:
        clock[0] = _cpu_s()

    def row(name: str, seconds: float, peak: float) -> None:
        now = _cpu_s()
        rows.append((name, seconds, now - clock[0], peak, os.getloadavg()[0]))
        clock[0] = now
        print(f"  {name}: {seconds:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)

    t = time.perf_counter()
    universe = synthetic_universe(args.tickers, args.days, rng=args.seed)
    for frame in universe.values():
        import_frame(frame.iloc[:-1])
    print(
        f"store: {args.tickers} tickers x {args.days - 1} days imported in "
        f"{time.perf_counter() - t:.0f} s",
        flush=True,
    )
    names = list(universe)
    settings = UniverseSettings()
    cold_dir = home / "state-cold"

    start()
    res = monitor_universe(names, settings, state_dir=cold_dir, n_jobs=args.jobs, store=False)
    row(f"cold first run, {args.jobs} processes", res.seconds, res.peak_rss_mb)
    state_mb = sum(p.stat().st_size for p in cold_dir.iterdir()) / 2**20
    no_lppls = UniverseSettings(lppls=False)
    psy_dir = home / "s-psy"
    start()
    res = monitor_universe(names, no_lppls, state_dir=psy_dir, n_jobs=args.jobs, store=False)
    row(f"cold first run without LPPLS, {args.jobs} processes", res.seconds, 0.0)
    for frame in universe.values():
        import_frame(frame)

    serial_dir, pool_dir = home / "s-serial", home / "s-pool"
    shutil.copytree(cold_dir, pool_dir)
    if not args.no_serial:
        shutil.copytree(cold_dir, serial_dir)
        start()
        serial = monitor_universe(names, settings, state_dir=serial_dir, store=False)
        assert {r.action for r in serial.readings} == {"updated"}
        row("one day's update, serial", serial.seconds, serial.peak_rss_mb)
    start()
    pool = monitor_universe(names, settings, state_dir=pool_dir, n_jobs=args.jobs, store=False)
    assert {r.action for r in pool.readings} == {"updated"}
    row(f"one day's update, {args.jobs} processes", pool.seconds, pool.peak_rss_mb)
    if args.no_serial:
        serial = pool
    same_pool = serial.to_frame().equals(pool.to_frame())

    start()
    quick = monitor_universe(names, no_lppls, state_dir=psy_dir, store=False)
    assert {r.action for r in quick.readings} == {"updated"}
    row("update without LPPLS (PSY, run-up, drawdown), serial", quick.seconds, 0.0)

    check = names[: args.check]
    recomputed = monitor_universe(check, settings, state_dir=home / "s-fresh", store=False)
    for r in (*res.readings, *serial.readings, *pool.readings, *recomputed.readings):
        if not r.ok:
            print(f"  FAILED {r.ticker} ({r.action}): {r.error}")
    fresh = recomputed.to_frame()
    got = serial.to_frame().loc[check]
    diffs = {
        c: float(np.max(np.abs(got[c].to_numpy() - fresh[c].to_numpy())))
        for c in ("bsadf", "runup", "drawdown", "max_drawdown")
    }
    lppls_same = got["lppls_confidence_pos"].equals(fresh["lppls_confidence_pos"]) and got[
        "lppls_confidence_neg"
    ].equals(fresh["lppls_confidence_neg"])

    n, target = args.tickers, args.target
    print()
    print(
        f"Universe monitor: {n} synthetic tickers x {args.days} trading days, extrapolated "
        f"linearly to {target} (cores: {os.cpu_count()})"
    )
    print(
        f"{'run':<56} {'wall s':>8} {'s/ticker':>9} {f'{target} tickers':>14} "
        f"{'CPU s':>8} {'peak MiB':>9} {'load':>5}"
    )
    for name, seconds, cpu, peak, load in rows:
        per = seconds / n
        print(
            f"{name:<56} {seconds:>8.1f} {per:>9.4f} {per * target / 60:>11.1f} min "
            f"{cpu:>8.1f} {peak or float('nan'):>9.0f} {load:>5.1f}"
        )
    cold_s, update_s = rows[0][1], pool.seconds
    print(f"state on disk: {state_mb:.1f} MiB for {n} tickers ({state_mb / n * 1024:.0f} KiB each)")
    print(
        f"baseline (recompute every ticker each day) / incremental update, {args.jobs} "
        f"processes: {cold_s / update_s:.2f}x"
    )
    if not args.no_serial:
        print(f"serial == {args.jobs} processes, every reading: {same_pool}")
    print(
        f"update vs cold recomputation on {len(check)} tickers: max |diff| "
        + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
        + f"; LPPLS Confidence identical: {lppls_same}"
    )
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
