"""LPPLS Confidence over many dates: one thread, two threads and two processes, in one run.

Issue #18 measured ``lppls confidence`` over 752 days only ~1.3x faster with ``--jobs 2``. This
script runs the same dates on one thread (``numba.set_num_threads(1)``), on this process's
threads (``n_jobs`` None: numba's thread count, two here; the numba kernels release the GIL)
and on two worker processes (``n_jobs=2``: a fresh spawned pool) in one run, and prints for
each the wall time, the CPU time of this process and of its worker processes
(``RUSAGE_CHILDREN``), and the box's load average. The CPU columns separate what a
parallel run adds (for processes: spawning the workers, their imports and numba cache loads,
pickling the dates) from what the machine gives it: ``CPU efficiency`` is the serial CPU time
over the parallel run's total, and ``2 x efficiency`` the speed-up two otherwise idle cores
would give. On a shared box the wall-time ratio falls short of that bound by the cores other
jobs hold. The frames are compared for equality (the blocking never changes a result).

Data: a seeded lognormal random walk (``default_rng(0)``, 1 % daily volatility), 750
observations before the first date; default 60 dates, FCO windows (750 -> 125, step 5).

Run: ``.venv/bin/python benchmarks/bench_lppls_jobs.py [--dates N]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numba
import numpy as np
import pandas as pd


def _children_cpu() -> float:
    """CPU of the exited workers; the reusable pools are shut first so that theirs counts."""
    from bubblescope.parallel import shutdown_pools

    shutdown_pools()
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dates", type=int, default=60, help="t2 dates (daily)")
    args = parser.parse_args()

    from bubblescope.detect.lppls import lppls_confidence

    need = 750
    n = need - 1 + args.dates
    rng = np.random.default_rng(0)
    close = pd.Series(
        np.exp(3.0 + np.cumsum(0.01 * rng.standard_normal(n))),
        index=pd.bdate_range("2015-01-01", periods=n),
    )
    dates = list(close.index[need - 1 :])
    lppls_confidence(close, dates=dates[:1])  # numba cache load outside the timing

    rows = []
    frames = []
    runs = (("1 thread", 1), ("2 threads (n_jobs None)", None), ("2 processes (n_jobs=2)", 2))
    threads = numba.get_num_threads()
    for label, jobs in runs:
        numba.set_num_threads(1 if jobs == 1 else threads)
        load = os.getloadavg()[0]
        kids, cpu, t0 = _children_cpu(), time.process_time(), time.perf_counter()
        frames.append(lppls_confidence(close, dates=dates, n_jobs=jobs).frame)
        wall = time.perf_counter() - t0
        rows.append((label, wall, time.process_time() - cpu, _children_cpu() - kids, load))

    print(f"LPPLS Confidence, {len(dates)} daily dates, 126 windows each")
    print(
        f"{'run':>26}{'wall (s)':>10}{'main CPU':>10}{'worker CPU':>12}{'total CPU':>11}"
        f"{'load avg':>10}{'speed-up':>10}{'2 x eff.':>10}"
    )
    serial_cpu = rows[0][2] + rows[0][3]
    for label, wall, cpu, kids, load in rows:
        eff = serial_cpu / (cpu + kids)
        print(
            f"{label:>26}{wall:>10.2f}{cpu:>10.2f}{kids:>12.2f}{cpu + kids:>11.2f}"
            f"{load:>10.1f}{rows[0][1] / wall:>9.2f}x{2 * eff:>9.2f}x"
        )
    same = all(frames[0].equals(f) for f in frames[1:])
    print(f"one-thread, two-thread and two-process frames identical: {same}")


if __name__ == "__main__":
    main()
