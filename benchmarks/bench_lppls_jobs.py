"""LPPLS Confidence over many dates: one process against ``n_jobs=2``, and where the time goes.

Issue #18 measured ``lppls confidence`` over 752 days only ~1.3x faster with ``--jobs 2``. This
script runs the same dates serially and with two worker processes in one run and prints, for
each, the wall time, the CPU time of this process and of its worker processes
(``RUSAGE_CHILDREN``), and the box's load average. The CPU columns separate what bubblescope
adds to a parallel run (spawning the workers, their imports and numba cache loads, pickling the
dates) from what the machine gives it: ``CPU efficiency`` is the serial CPU time over the
parallel run's total, and ``2 x efficiency`` the speed-up two otherwise idle cores would give.
On a shared box the wall-time ratio falls short of that bound by the cores other jobs hold.
The two frames are compared for equality (the chunking never depends on the worker count).

Data: a seeded lognormal random walk (``default_rng(0)``, 1 % daily volatility), 750
observations before the first date; default 60 dates, FCO windows (750 -> 125, step 5).

Run: ``.venv/bin/python benchmarks/bench_lppls_jobs.py [--dates N]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

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
    for jobs in (1, 2):
        load = os.getloadavg()[0]
        kids, cpu, t0 = _children_cpu(), time.process_time(), time.perf_counter()
        frames.append(lppls_confidence(close, dates=dates, n_jobs=jobs).frame)
        wall = time.perf_counter() - t0
        rows.append((jobs, wall, time.process_time() - cpu, _children_cpu() - kids, load))

    print(f"LPPLS Confidence, {len(dates)} daily dates, 126 windows each")
    print(
        f"{'n_jobs':>6}{'wall (s)':>10}{'main CPU':>10}{'worker CPU':>12}{'total CPU':>11}"
        f"{'load avg':>10}"
    )
    for jobs, wall, cpu, kids, load in rows:
        print(f"{jobs:>6}{wall:>10.2f}{cpu:>10.2f}{kids:>12.2f}{cpu + kids:>11.2f}{load:>10.1f}")
    serial_cpu = rows[0][2] + rows[0][3]
    par_cpu = rows[1][2] + rows[1][3]
    eff = serial_cpu / par_cpu
    print(
        f"wall speed-up {rows[0][1] / rows[1][1]:.2f}x; CPU efficiency {eff:.2f} "
        f"(overhead {par_cpu - serial_cpu:.2f} CPU s for two workers); "
        f"2 x efficiency = {2 * eff:.2f}x on two idle cores"
    )
    same = frames[0].equals(frames[1])
    print(f"serial and 2-process frames identical: {same}")


if __name__ == "__main__":
    main()
