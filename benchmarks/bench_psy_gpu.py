"""Benchmark: PSY Monte Carlo critical values with the JAX backend vs the numba backend.

Times ``MonteCarloCV(backend="gpu")`` (the JAX kernel on JAX's default device: the GPU when
there is one, else the CPU) and ``MonteCarloCV(backend="cpu")`` (numba threads on every core)
in the same run, on the PSY null (random walk with drift), PSY minimum window, ``cache=False``.
The JAX compile (first call of each shape) is timed separately and excluded from the run time.
numba may be timed on fewer replications (``--numba-reps``); its time for the full count is
then extrapolated linearly (the work is linear in replications) and marked ``~``. The last
line is the largest absolute difference between the two backends' critical values at the
replications both ran (same seeds, same draws: it should be about 1e-12).

Defaults: with a GPU, 50,000 reps at T = 1,600 (numba on 2,000, extrapolated); without one,
400 reps at T = 200. Target (issue #18): the 50,000 reps at T = 1,600, lag 0, in at most 3 s
on one H100 (8.8 s when the issue was filed).

Run: ``.venv/bin/python benchmarks/bench_psy_gpu.py`` (options: ``--reps``, ``--T``, ``--lag``,
``--numba-reps``, ``--gpu-batch``; ``BUBBLESCOPE_JAX_MAX_BYTES`` sets the kernel's memory
budget per call, see :mod:`bubblescope._kernels.psy_jax`).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bubblescope._kernels.psy_jax import device_label, has_gpu
from bubblescope.detect._psy_window import resolve_window
from bubblescope.detect.critical_values import MonteCarloCV


def _cv(backend: str, reps: int, T: int, lag: int, minw: int, batch: int) -> tuple[float, object]:
    mc = MonteCarloCV(reps=reps, rng=2015, cache=False, backend=backend, gpu_batch=batch)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    cv = mc.compute(np.zeros(T), minw=minw, lag=lag)
    return time.perf_counter() - t0, cv


def main() -> None:
    gpu = has_gpu()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=50_000 if gpu else 400)
    p.add_argument("--T", type=int, default=1600 if gpu else 200)
    p.add_argument("--lag", type=int, default=0)
    p.add_argument("--numba-reps", type=int, default=None)
    p.add_argument("--gpu-batch", type=int, default=1000)
    a = p.parse_args()
    numba_reps = a.numba_reps or (min(a.reps, 2000) if gpu else a.reps)
    minw = resolve_window("psy", a.T, a.lag).rows
    n_ends = a.T - 1 - a.lag - minw + 1
    windows = n_ends * (n_ends + 1) // 2  # per replication
    batch = min(a.gpu_batch, a.reps)

    # warm-ups: numba compile (tiny run), JAX compile of the exact shapes used below
    _cv("cpu", 10, 60, a.lag, 15, batch)
    t_compile, _ = _cv("gpu", batch, a.T, a.lag, minw, batch)
    if numba_reps < batch:
        _cv("gpu", numba_reps, a.T, a.lag, minw, batch)

    t_jax, cv_jax = _cv("gpu", a.reps, a.T, a.lag, minw, batch)
    t_nb, cv_nb = _cv("cpu", numba_reps, a.T, a.lag, minw, batch)
    cv_jax_common = (
        cv_jax if numba_reps == a.reps else _cv("gpu", numba_reps, a.T, a.lag, minw, batch)[1]
    )
    diff = max(
        float(np.max(np.abs(getattr(cv_jax_common, k) - getattr(cv_nb, k))))
        for k in ("sadf", "gsadf", "badf", "bsadf")
    )
    t_nb_full = t_nb * a.reps / numba_reps

    print(
        f"PSY Monte Carlo critical values: T = {a.T}, lag {a.lag}, minw {minw} rows, "
        f"{windows:,} ADF windows per replication, reps = {a.reps:,}"
    )
    print(f"JAX device: {device_label()}; JAX compile + first batch of {batch}: {t_compile:.2f} s")
    print(
        f"{'backend':<28}{'reps timed':>12}{'seconds':>10}{'windows/s':>12}{'s for all reps':>16}"
    )
    for name, reps, t, full in (
        (f"jax ({device_label()})", a.reps, t_jax, f"{t_jax:.2f}"),
        (
            "numba (all cores)",
            numba_reps,
            t_nb,
            ("~" if numba_reps != a.reps else "") + f"{t_nb_full:.2f}",
        ),
    ):
        print(f"{name:<28}{reps:>12,}{t:>10.2f}{reps * windows / t:>12.3g}{full:>16}")
    print(f"GSADF 90/95/99% (jax): {np.round(cv_jax.gsadf, 3).tolist()}")  # type: ignore[attr-defined]
    print(f"max |cv_jax - cv_numba| at {numba_reps:,} reps: {diff:.2e}")


if __name__ == "__main__":
    main()
