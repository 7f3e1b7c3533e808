"""Paths per second of the scenario Monte Carlo, serial vs 2 local processes.

Times :func:`bubblescope.scenario.run_scenario` on a preset for 10,000 and 100,000 paths (chunks
of 2,000 paths, seeded), serially and with ``--n-jobs`` processes, and checks that both runs
return identical paths. The network stress (one clearing per distinct funding-cut level, in the
calling process) is included in the wall time.

No peer exists: no published package simulates this model (AI capex funding, power, GPU
vintages, Abreu-Brunnermeier sellers, financing-network stress), so the table compares
bubblescope with itself (serial vs processes).

Run::

    .venv/bin/python benchmarks/bench_scenario.py [--preset base] [--n-jobs 2]
        [--paths 10000 100000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="base")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--paths", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--chunk-size", type=int, default=2_000)
    args = parser.parse_args()

    from bubblescope.scenario import run_scenario

    run_scenario(args.preset, n_paths=200, rng=0)  # warm imports and the fact base
    rows = []
    for n in args.paths:
        times = {}
        results = {}
        for label, jobs in (("serial", None), (f"{args.n_jobs} processes", args.n_jobs)):
            t = time.perf_counter()
            results[label] = run_scenario(
                args.preset, n_paths=n, rng=1, chunk_size=args.chunk_size, n_jobs=jobs
            )
            times[label] = time.perf_counter() - t
        a, b = results.values()
        same = all(np.array_equal(a.paths[k], b.paths[k], equal_nan=True) for k in a.paths)
        for label, secs in times.items():
            rows.append((n, label, secs, n / secs, same))
    print(f"scenario {args.preset!r}, chunk size {args.chunk_size}")
    print(f"{'paths':>9} {'run':<14} {'seconds':>9} {'paths/s':>11}  identical")
    for n, label, secs, rate, same in rows:
        print(f"{n:>9,} {label:<14} {secs:>9.2f} {rate:>11,.0f}  {same}")
    print("peer: none exists for this model (see the module docstring)")


if __name__ == "__main__":
    main()
