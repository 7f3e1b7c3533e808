"""Benchmark: bubblescope PSY vs pyexuber (exuber's C++ core) in the same run.

Times GSADF (lag 0 at T = 200, 800, 1600, 6400; lags 1 and 2 at T = 1600, 3200; best of 5
after a warm-up, numba compile excluded; best-of because the benchmark box is shared), for
bubblescope both single-threaded and with numba threads, for lag 0 also the exact per-end
kernel that lags 1 and up use (the lag-0 path before the SIMD block kernel: the "before" of
issue #18, timed in the same run), the extra peak memory of one call (VmHWM minus VmRSS
before the call, in a fresh child process per cell), and 2,000-rep Monte Carlo critical
values at T = 400 and 1600 (bubblescope: one process, numba threads on every core; pyexuber:
its serial ``radf_mc_cv`` loop). The MC table also gives bubblescope's process
CPU time (all threads): on a busy shared box, wall time over CPU time shows how many cores
the run actually got.
Inputs: ``np.cumsum(default_rng(12345).standard_normal(T))``.

Run: ``.venv/bin/python benchmarks/bench_psy.py`` (add ``--no-mc`` to skip the Monte Carlo).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

CHILD = r"""
import json, sys, time
import numpy as np
T, lag, tool = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024.0
    return float("nan")

from bubblescope._numba import njit  # noqa: F401  (import cost outside the measurement)
if tool == "bubblescope":
    from bubblescope._kernels.psy import design_matrix, sweep
    minw = int(np.floor(T * (0.01 + 1.8 / np.sqrt(T))))
    def run(y):
        return sweep(design_matrix(y, lag), minw)[0].max()
elif tool == "bubblescope-1thread":
    from bubblescope._kernels.psy import _sweep_lag0_serial, _sweep_serial, design_matrix
    minw = int(np.floor(T * (0.01 + 1.8 / np.sqrt(T))))
    serial = _sweep_lag0_serial if lag == 0 else _sweep_serial
    def run(y):
        return serial(design_matrix(y, lag), minw)[0].max()
elif tool == "bubblescope-per-end":
    from bubblescope._kernels.psy import (
        PARALLEL_MIN_ROWS, _sweep_parallel, _sweep_serial, design_matrix
    )
    minw = int(np.floor(T * (0.01 + 1.8 / np.sqrt(T))))
    per_end = _sweep_parallel if T - 1 - lag >= PARALLEL_MIN_ROWS else _sweep_serial
    def run(y):
        return per_end(design_matrix(y, lag), minw)[0].max()
else:
    import exuber
    minw = int(np.floor(T * (0.01 + 1.8 / np.sqrt(T))))
    def run(y):
        return float(np.ravel(exuber.radf(y, minw=minw, lag=lag).gsadf)[0])
run(np.cumsum(np.random.default_rng(0).standard_normal(700)))  # warm-up (both kernel paths)
y = np.cumsum(np.random.default_rng(12345).standard_normal(T))
before = rss("VmRSS")
times = []
for _ in range(5):
    t = time.perf_counter(); g = run(y); times.append(time.perf_counter() - t)
print(json.dumps({"times": times, "gsadf": float(g), "mem": rss("VmHWM") - before}))
"""


def cell(T: int, lag: int, tool: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(T), str(lag), tool],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return {"time": min(res["times"]), "gsadf": res["gsadf"], "mem": res["mem"]}


def statistics_table() -> None:
    print(
        f"{'case':<18}{'bubblescope':>13}{'1 thread':>12}{'per-end':>12}{'pyexuber':>12}"
        f"{'speed-up':>10}{'peak MB (bs)':>14}{'peak MB (px)':>14}{'|dGSADF|':>11}"
    )
    for lag, sizes in ((0, (200, 800, 1600, 6400)), (1, (1600, 3200)), (2, (1600, 3200))):
        for T in sizes:
            a, b = cell(T, lag, "bubblescope"), cell(T, lag, "pyexuber")
            one = cell(T, lag, "bubblescope-1thread")
            per_end = f"{'-':>12}"
            if lag == 0:
                per_end = f"{cell(T, lag, 'bubblescope-per-end')['time'] * 1e3:>9.1f} ms"
            print(
                f"{f'GSADF lag {lag} T={T}':<18}{a['time'] * 1e3:>10.1f} ms"
                f"{one['time'] * 1e3:>9.1f} ms{per_end}"
                f"{b['time'] * 1e3:>9.1f} ms{b['time'] / a['time']:>9.1f}x"
                f"{a['mem']:>14.1f}{b['mem']:>14.1f}{abs(a['gsadf'] - b['gsadf']):>11.1e}",
                flush=True,
            )


def monte_carlo_table() -> None:
    import numpy as np
    from exuber.cv import radf_mc_cv

    from bubblescope.detect.critical_values import MonteCarloCV

    MonteCarloCV(reps=20, rng=0, cache=False).compute(np.zeros(700), minw=15, lag=0)  # JIT
    print(
        f"\n{'2,000-rep MC CVs':<18}{'bubblescope':>13}{'bs CPU':>10}{'pyexuber':>12}"
        f"{'speed-up':>10}{'GSADF95 bs':>12}{'GSADF95 px':>12}"
    )
    for T in (400, 1600):
        minw = int(np.floor(T * (0.01 + 1.8 / np.sqrt(T))))
        t, cpu = time.perf_counter(), time.process_time()
        ours = MonteCarloCV(reps=2000, rng=1, drift=False, cache=False).compute(
            np.zeros(T), minw=minw, lag=0
        )
        t_ours, cpu_ours = time.perf_counter() - t, time.process_time() - cpu
        t = time.perf_counter()
        ref = radf_mc_cv(T, minw=minw, nrep=2000, seed=1)
        t_ref = time.perf_counter() - t
        print(
            f"{f'T={T}':<18}{t_ours:>11.2f} s{cpu_ours:>8.2f} s{t_ref:>10.2f} s"
            f"{t_ref / t_ours:>9.1f}x"
            f"{ours.gsadf[1]:>12.3f}{float(np.ravel(ref.gsadf_cv)[1]):>12.3f}",
            flush=True,
        )


if __name__ == "__main__":
    statistics_table()
    if "--no-mc" not in sys.argv:
        monte_carlo_table()
