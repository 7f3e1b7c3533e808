"""DS LPPLS Confidence over consecutive daily dates: cold, shared-grid, warm-start, lppls, 2 cores.

Issue #18 (Deliver 1). One run times, on the same consecutive daily t2 of the NASDAQ (the lppls
wheel's ``nasdaq_dotcom.csv``, Adj Close, dates ending 2000-03-10; FCO windows 750 -> 125 step
5, 126 windows a date):

* **cold**: every date on its own, :func:`~bubblescope.detect._lppls_engine.fit_nested` (one
  grid scan per date, every kept grid cell polished from its grid point): the engine before
  the shared scan, with the same kernels;
* **shared grid**: :func:`~bubblescope.detect.lppls.lppls_confidence` on one thread
  (``numba.set_num_threads(1)``, as every row above the parallel ones), blocks of dates sharing
  one grid scan (bitwise equal per date to the cold scan);
* **warm start** (an experiment, not used by ``lppls_confidence``): each date's kept grid cells
  polished from where the previous date's polish of the same cell ended, falling back to the
  cold start where the warm result is above the cold start's SSR. The table reports how far
  its best SSR per window lands from the cold path's and on how many dates Confidence differs;
* **lppls** 0.6.24 (the peer): ``LPPLS._func_compute_nested_fits`` (125 windows 750 -> 130,
  ``max_searches=25``) on ``--peer-dates`` of the dates, per-date CPU extrapolated;
* **shared grid, 2 threads**: ``n_jobs`` None on numba's thread count (two here): the blocks
  of dates on two threads of this process (the numba kernels release the GIL); wall time and
  the CPU time of both threads;
* **shared grid, n_jobs=2**: two worker processes (a fresh pool): wall time and the CPU of this
  process and its workers (read once the pool is shut down: ``RUSAGE_CHILDREN`` counts only
  processes that have exited).
* **one date**: ``lppls_confidence`` on the last date alone, on one thread and on two (one
  date is one block, so its grid scan and its windows' polish share the two threads; bitwise
  equal), ``--repeats`` times each; wall and CPU per date against the peer's CPU per date.

CPU time is the single-core figure (the box is shared: the load average is printed with each
row). The 10-year line extrapolates: the per-date CPU time of the two-thread run times 2,520
daily dates, over two cores; it says so.

Run: ``.venv/bin/python benchmarks/bench_lppls_dates.py [--dates 30] [--peer-dates 1]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dates", type=int, default=30, help="consecutive daily t2")
    parser.add_argument("--peer-dates", type=int, default=1, help="dates timed for lppls")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the one-date rows")
    args = parser.parse_args()

    # pandas here, not at the top: spawned workers re-import this script as their main module
    import lppls.data_loader as dl
    import numba
    import pandas as pd
    from lppls import lppls as peer

    from bubblescope.detect._lppls_engine import NestedFits, fit_nested
    from bubblescope.detect.lppls import (
        GridSpec,
        LPPLSFilter,
        SearchSpace,
        WindowSet,
        lppls_confidence,
    )
    from bubblescope.parallel import shutdown_pools

    df = dl.nasdaq_dotcom()
    close = pd.Series(df["Adj Close"].to_numpy(), index=pd.to_datetime(df["Date"]))
    close = close.loc[:"2000-03-10"]
    logp = np.log(close.to_numpy())
    need = 750
    ends = list(range(len(close) - args.dates, len(close)))
    ys = [np.ascontiguousarray(logp[e - need + 1 : e + 1]) for e in ends]
    starts = (need - WindowSet.fco().lengths).astype(np.int64)
    space, grid, flt = SearchSpace.fco(), GridSpec(), LPPLSFilter.fco_confidence()
    dates = [close.index[e] for e in ends]

    # numba cache loads outside the timings; one thread until the parallel rows
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    lppls_confidence(close, dates=dates[:2])
    fit_nested(ys[0], starts, space, grid)
    np.random.seed(0)  # noqa: NPY002 - lppls draws from the global state
    t = np.arange(need, dtype=np.float64)
    peer.LPPLS(observations=np.array([t[-200:], ys[0][-200:]])).fit(5)

    rows = []

    def conf(fits: NestedFits) -> tuple[float, float]:
        ok = fits.passes(flt)
        return float(np.mean(ok & (fits.b < 0))), float(np.mean(ok & (fits.b > 0)))

    load = _load()
    c0, w0 = time.process_time(), time.perf_counter()
    cold = [fit_nested(y, starts, space, grid) for y in ys]
    cold_conf = [conf(f) for f in cold]
    rows.append(
        ("cold, one date at a time", time.perf_counter() - w0, time.process_time() - c0, load)
    )

    load = _load()
    c0, w0 = time.process_time(), time.perf_counter()
    shared = lppls_confidence(close, dates=dates).frame
    rows.append(
        ("shared grid (lppls_confidence)", time.perf_counter() - w0, time.process_time() - c0, load)
    )
    shared_conf = list(zip(shared["confidence_pos"], shared["confidence_neg"], strict=True))

    load = _load()
    c0, w0 = time.process_time(), time.perf_counter()
    warm, prev = [], None
    for y in ys:
        prev = fit_nested(y, starts, space, grid, previous=prev, shift=1)
        warm.append(prev)
    rows.append(
        ("warm start (experiment)", time.perf_counter() - w0, time.process_time() - c0, load)
    )
    excess = np.concatenate([(w.ssr - c.ssr) / c.ssr for w, c in zip(warm, cold, strict=True)])
    counts = np.sum([w.counts for w in warm[1:]], axis=0)
    warm_diff = sum(conf(w) != cc for w, cc in zip(warm, cold_conf, strict=True))

    n_peer = max(1, min(args.peer_dates, len(ys)))
    load = _load()
    c0, w0 = time.process_time(), time.perf_counter()
    for y in ys[-n_peer:]:
        model = peer.LPPLS(observations=np.array([t, y]))
        np.random.seed(0)  # noqa: NPY002
        model._func_compute_nested_fits((np.array([t, y]), need, 0, 125, 5, 5, 25))
    peer_wall, peer_cpu = time.perf_counter() - w0, time.process_time() - c0
    scale = len(ys) / n_peer
    rows.append(
        (
            f"lppls 0.6.24 ({n_peer} date(s), x{scale:.0f})",
            peer_wall * scale,
            peer_cpu * scale,
            load,
        )
    )

    numba.set_num_threads(threads)
    load = _load()
    c0, w0 = time.process_time(), time.perf_counter()
    par = lppls_confidence(close, dates=dates).frame
    par_wall = time.perf_counter() - w0
    par_cpu = time.process_time() - c0
    rows.append((f"shared grid, {threads} threads (n_jobs None)", par_wall, par_cpu, load))

    shutdown_pools()
    load = _load()
    k0, c0, w0 = _children_cpu(), time.process_time(), time.perf_counter()
    procs = lppls_confidence(close, dates=dates, n_jobs=2).frame
    procs_wall = time.perf_counter() - w0
    shutdown_pools()
    procs_cpu = time.process_time() - c0 + _children_cpu() - k0
    rows.append(("shared grid, n_jobs=2 (CPU: main + workers)", procs_wall, procs_cpu, load))

    one: list[tuple[str, float, float, float, bool]] = []
    last = lppls_confidence(close, dates=dates[-1:]).frame
    for label, n_threads in (("one date, 1 thread", 1), (f"one date, {threads} threads", threads)):
        numba.set_num_threads(n_threads)
        load = _load()
        c0, w0 = time.process_time(), time.perf_counter()
        frames = [lppls_confidence(close, dates=dates[-1:]).frame for _ in range(args.repeats)]
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        same = all(f.equals(last) for f in frames)
        one.append((label, wall / args.repeats, cpu / args.repeats, load, same))

    cold_cpu, peer_cpu_all = rows[0][2], rows[3][2]
    print(f"DS LPPLS Confidence, NASDAQ, {len(ys)} daily t2 {dates[0].date()}..{dates[-1].date()}")
    print(
        f"{'path':46s}{'wall s':>8s}{'CPU s':>8s}{'CPU ms/date':>12s}{'vs cold':>9s}"
        f"{'vs lppls':>9s}{'load':>6s}"
    )
    for name, wall, cpu, ld in rows:
        print(
            f"{name:46s}{wall:8.2f}{cpu:8.2f}{1e3 * cpu / len(ys):12.1f}"
            f"{cold_cpu / cpu:8.2f}x{peer_cpu_all / cpu:8.1f}x{ld:6.1f}"
        )
    peer_date = peer_cpu_all / len(ys)
    print(
        f"{'one date (x' + str(args.repeats) + ')':46s}{'wall ms':>8s}{'CPU ms':>8s}"
        f"{'lppls CPU/our wall':>20s}{'lppls CPU/our CPU':>19s}{'load':>6s}{'equal':>7s}"
    )
    for name, wall, cpu, ld, eq in one:
        print(
            f"{name:46s}{1e3 * wall:8.0f}{1e3 * cpu:8.0f}{peer_date / wall:19.1f}x"
            f"{peer_date / cpu:18.1f}x{ld:6.1f}{eq!s:>7s}"
        )
    same = shared_conf == cold_conf
    print(f"shared-grid Confidence equals the cold path's on every date: {same}")
    print(
        f"threaded and n_jobs=2 frames equal the one-thread frame: "
        f"{par.equals(shared) and procs.equals(shared)}"
    )
    print(
        f"warm start: {int(counts[1])} warm starts kept, {int(counts[2])} fell back, "
        f"{int(counts[0])} cells new (cold); best SSR vs cold: worst {excess.max():+.2e} "
        f"relative, better by >1e-9 in {np.mean(excess < -1e-9):.1%} of windows, worse by "
        f">1e-9 in {np.mean(excess > 1e-9):.1%}; Confidence differs on {warm_diff} of "
        f"{len(ys)} dates"
    )
    serial_wall = rows[1][1]
    per_date = par_cpu / len(ys)
    print(
        f"wall speed-up on this box: {threads} threads {serial_wall / par_wall:.2f}x, 2 processes "
        f"{serial_wall / procs_wall:.2f}x (spawning and loading two workers: "
        f"{procs_cpu - rows[1][2]:+.2f} CPU s over the serial run; threads "
        f"{par_cpu - rows[1][2]:+.2f})"
    )
    for label, n_dates in (("10 years", 2520), ("752 dates", 752)):
        wall2 = per_date * n_dates / 2
        print(
            f"{label} of daily Confidence, EXTRAPOLATED from {len(ys)} dates: "
            f"{per_date:.3f} CPU s x {n_dates} / 2 cores = {wall2:.0f} s ({wall2 / 60:.1f} min) "
            f"on two idle cores; cold path {cold_cpu / len(ys) * n_dates / 2:.0f} s"
        )


if __name__ == "__main__":
    main()
