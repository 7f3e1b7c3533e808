"""Benchmark: PSY statistics of many series at once, JAX backend vs numba, in the same run.

Times ``psy_panel(frame, cv=None, backend="gpu")`` (every column in one call of the JAX kernel
on JAX's default device) against ``backend="cpu"`` (the numba kernel column by column, on the
same columns) for ``--series`` random walks of ``--T`` points, lag ``--lag``, PSY minimum
window. The JAX compile (a first call of the same shape) is timed separately. numba may be
timed on fewer columns (``--numba-series``) and extrapolated linearly (columns are
independent; marked ``~``). The last line is the largest relative difference of GSADF between
the two on the columns both ran.

Defaults: with a GPU, 2,000 series of T = 1,600 (numba on 100); without, 20 of T = 400.

Run: ``.venv/bin/python benchmarks/bench_psy_many.py`` (options: ``--series``, ``--T``,
``--lag``, ``--numba-series``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from bubblescope._kernels.psy_jax import device_label, has_gpu
from bubblescope.detect.exuberance import PSYPanelResult, psy_panel


def _run(frame: pd.DataFrame, lag: int, backend: str) -> tuple[float, PSYPanelResult]:
    t0 = time.perf_counter()
    out = psy_panel(frame, lag=lag, cv=None, backend=backend)  # type: ignore[arg-type]
    return time.perf_counter() - t0, out


def main() -> None:
    gpu = has_gpu()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--series", type=int, default=2000 if gpu else 20)
    p.add_argument("--T", type=int, default=1600 if gpu else 400)
    p.add_argument("--lag", type=int, default=0)
    p.add_argument("--numba-series", type=int, default=None)
    a = p.parse_args()
    n_nb = min(a.series, a.numba_series or (100 if gpu else a.series))
    rng = np.random.default_rng(0)
    walks = np.cumsum(rng.standard_normal((a.T, a.series)), axis=0) + 100.0
    frame = pd.DataFrame(walks, index=pd.date_range("1990-01-01", periods=a.T, freq="B"))
    frame.columns = [f"s{j}" for j in range(a.series)]

    _run(frame.iloc[:, :2], a.lag, "cpu")  # numba compile
    t_first, _ = _run(frame, a.lag, "gpu")
    t_jax, jax_out = _run(frame, a.lag, "gpu")
    t_nb, nb_out = _run(frame.iloc[:, :n_nb], a.lag, "cpu")
    t_nb_all = t_nb * a.series / n_nb
    mark = "~" if n_nb < a.series else " "
    print(f"device: {device_label()}; {a.series} series x T = {a.T}, lag {a.lag}, cv=None")
    print(f"{'backend':<28}{'series timed':>14}{'seconds':>10}{'s for all':>12}")
    print(f"{'jax (first call, compile)':<28}{a.series:>14}{t_first:>10.2f}{t_first:>12.2f}")
    print(f"{'jax':<28}{a.series:>14}{t_jax:>10.2f}{t_jax:>12.2f}")
    print(f"{'numba (all cores)':<28}{n_nb:>14}{t_nb:>10.2f}{mark:>1}{t_nb_all:>11.2f}")
    diff = max(
        abs(jax_out.results[c].gsadf - nb_out.results[c].gsadf)
        / max(1.0, abs(nb_out.results[c].gsadf))
        for c in nb_out.results
    )
    print(f"max relative GSADF difference on {n_nb} series: {diff:.2e}")


if __name__ == "__main__":
    main()
