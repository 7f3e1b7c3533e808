"""The full global sensitivity of the base scenario: bubblescope serial and on 2 processes, and
SALib's own ProblemSpec pipeline (its ``evaluate(nprocs=...)``) as the peer, in one run.

Every row of the Saltelli sample (``N (D + 2)`` rows for first-order and total indices, D = 20
parameters of ``scenario/ranges.yaml``) is one Monte Carlo run of ``--paths`` paths on common
random numbers. bubblescope maps chunks of rows through ``bubblescope.parallel.map_chunks``;
the peer evaluates the same model function on the same sample with SALib's ProblemSpec.
The table gives wall seconds, evaluations per second and whether each run's total indices
equal the serial run's (bubblescope's runs must be identical; SALib's peer shares the sample
but not our seeds for the bootstrap, so only its point estimates are compared).

Run::

    .venv/bin/python benchmarks/bench_scenario_sensitivity.py [--n 64] [--paths 400] [--n-jobs 2]
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=64, help="SALib's N (a power of 2)")
    parser.add_argument("--paths", type=int, default=400)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=64)
    args = parser.parse_args()

    from SALib import ProblemSpec

    from bubblescope.scenario import load_scenario
    from bubblescope.scenario.base_rate import spell_depths
    from bubblescope.scenario.runner import model_inputs
    from bubblescope.scenario.sensitivity import (
        OUTPUTS,
        _scenario_outputs,
        _seeds,
        load_ranges,
        scenario_sensitivity,
    )

    scenario_sensitivity("base", method="morris", n=2, n_paths=50, rng=0)  # warm imports
    rows = []
    results = {}
    for label, jobs in (("serial", None), (f"{args.n_jobs} processes", args.n_jobs)):
        t = time.perf_counter()
        res = scenario_sensitivity(
            "base", n=args.n, n_paths=args.paths, rng=1, chunk_size=args.chunk_size, n_jobs=jobs
        )
        secs = time.perf_counter() - t
        results[label] = res
        rows.append((f"bubblescope {label}", secs, res.n_evaluations))

    ranges = load_ranges()
    names = tuple(ranges)
    sample_seed, _, model_seed = _seeds(1)
    func = partial(
        _scenario_outputs,
        model_inputs(load_scenario("base")),
        names,
        model_seed,
        args.paths,
        spell_depths(),
    )
    sp = ProblemSpec(
        {
            "names": list(names),
            "bounds": [[ranges[k].low, ranges[k].high] for k in names],
            "outputs": list(OUTPUTS),
        }
    )
    t = time.perf_counter()
    sp.sample_sobol(args.n, calc_second_order=False, seed=sample_seed)
    sp.evaluate(func, nprocs=args.n_jobs)
    sp.analyze_sobol(calc_second_order=False, seed=1)
    secs = time.perf_counter() - t
    rows.append((f"SALib ProblemSpec nprocs={args.n_jobs}", secs, len(sp.samples)))

    serial = results["serial"]
    same = {
        label: all(
            np.array_equal(r.indices[o]["ST"], serial.indices[o]["ST"], equal_nan=True)
            for o in OUTPUTS
        )
        for label, r in results.items()
    }
    peer_same = all(
        np.allclose(np.asarray(sp.analysis[o]["ST"]), serial.indices[o]["ST"], equal_nan=True)
        for o in OUTPUTS
    )
    print(
        f"Sobol sensitivity of scenario 'base': N = {args.n}, {len(names)} parameters, "
        f"{args.paths} paths per evaluation"
    )
    print(f"{'run':<30} {'seconds':>9} {'evals':>7} {'evals/s':>9}  ST equal to serial")
    for (label, secs, n_eval), flag in zip(rows, [*same.values(), peer_same], strict=True):
        print(f"{label:<30} {secs:>9.2f} {n_eval:>7,} {n_eval / secs:>9,.0f}  {flag}")
    print(serial.summary())


if __name__ == "__main__":
    main()
