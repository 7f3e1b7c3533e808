"""Start-up of the spawned workers of ``n_jobs=2``: a fresh pool against the reused pool.

Issue #18 (Deliver 1: what serialises a 2-process run). Each call maps two tiny one-date LPPLS
blocks (two windows of 130 and 120 points, ~10 ms of work each) over ``n_jobs=2``, so the
workers' CPU is almost all start-up: the interpreter, the imports of the worker's module
(:mod:`bubblescope.detect._lppls_dates`: numpy, numba, the engine; no pandas), numba's
one-time initialisation and its cache loads.

* **fresh pool**: :func:`bubblescope.parallel.shutdown_pools` before the call, so two workers
  are spawned (what every call paid before the pool was kept);
* **reused pool**: ``--calls`` further calls on the pool the first call made.

Worker CPU is ``RUSAGE_CHILDREN`` after the pool is shut (it counts only exited processes).
The import row runs the worker module's import in a fresh interpreter and says whether
pandas came with it. The box is shared: the load average is printed with each row.

Run: ``.venv/bin/python benchmarks/bench_worker_startup.py [--repeats 3] [--calls 5]``
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3, help="fresh-pool runs")
    parser.add_argument("--calls", type=int, default=5, help="calls on one reused pool")
    args = parser.parse_args()

    import numpy as np

    from bubblescope.detect._lppls_config import GridSpec, LPPLSFilter, SearchSpace
    from bubblescope.detect._lppls_dates import _DateTask, _run_dates
    from bubblescope.parallel import map_chunks, shutdown_pools

    y = np.log(np.linspace(1.0, 2.0, 130) + 0.01 * np.sin(np.arange(130.0)))
    task = _DateTask(
        y,
        np.array([0, 10], dtype=np.int64),
        SearchSpace.fco(),
        GridSpec(),
        LPPLSFilter.fco_confidence(),
        None,
        0,
        np.random.SeedSequence(0),
    )
    blocks = [[task], [task]]
    serial = np.array(map_chunks(_run_dates, blocks))

    def equal(rows: list[list[tuple[float, ...]]]) -> bool:
        return bool(np.array_equal(np.array(rows), serial, equal_nan=True))

    code = (
        "import sys, time; c = time.process_time(); import bubblescope.detect._lppls_dates; "
        "print(time.process_time() - c, 'pandas' in sys.modules)"
    )
    load = os.getloadavg()[0]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imp, pandas = out.stdout.split()

    rows = []
    same = True
    for _ in range(args.repeats):
        shutdown_pools()
        load = os.getloadavg()[0]
        k0, w0 = _children_cpu(), time.perf_counter()
        same &= equal(map_chunks(_run_dates, blocks, n_jobs=2))
        wall = time.perf_counter() - w0
        shutdown_pools()
        rows.append(("fresh pool (2 workers spawned)", wall, _children_cpu() - k0, load))

    map_chunks(_run_dates, blocks, n_jobs=2)
    load = os.getloadavg()[0]
    k0, w0 = _children_cpu(), time.perf_counter()
    for _ in range(args.calls):
        same &= equal(map_chunks(_run_dates, blocks, n_jobs=2))
    wall = (time.perf_counter() - w0) / args.calls
    shutdown_pools()
    # the workers' whole life ran the first call too: subtract a fresh pool's mean
    fresh = float(np.mean([r[2] for r in rows]))
    reused = (_children_cpu() - k0 - fresh) / args.calls
    rows.append((f"reused pool (per call, {args.calls} calls)", wall, reused, load))

    print(f"worker module import in a fresh interpreter: {float(imp):.3f} CPU s, pandas: {pandas}")
    print(f"{'n_jobs=2, two tiny blocks':40s}{'wall s':>8s}{'worker CPU s':>14s}{'load':>6s}")
    for name, wall, cpu, ld in rows:
        print(f"{name:40s}{wall:8.2f}{cpu:14.2f}{ld:6.1f}")
    print(f"per spawned worker: {fresh / 2:.2f} CPU s; results equal the serial run: {same}")


if __name__ == "__main__":
    main()
