"""Benchmark: DS LPPLS Confidence over many dates, JAX backend vs numba, in the same run.

Times ``lppls_confidence(backend="gpu")`` (the JAX kernel on JAX's default device: the GPU when
there is one, else the CPU) and ``lppls_confidence(backend="cpu")`` (numba, dates mapped over
``--jobs`` processes) on the NASDAQ dot-com series of the ``lppls`` wheel, for the ``--dates``
consecutive trading days ending at ``--end``, FCO windows (750 → 125 step 5, 126 per date)
unless ``--step`` says otherwise. The JAX compile is timed separately (a first call on the
same number of dates, so the same compiled shape) and excluded from its run time. numba may be
timed on fewer dates (``--numba-dates``); its time for all dates is then extrapolated linearly
(dates are independent) and marked ``~``. The last line counts the dates where the two
backends' Confidence (and Trust, with ``--trust N``: N synthetic series per window) differ on
the dates both ran.

Target (issue #18): ten years of daily dates (2,520 × 126 ≈ 317,000 window fits) in at most
10 s on one H100 (26.4 s when the issue was filed). ``--dates 2520 --numba-dates 20 --end
2018-12-31`` needs a longer series than the dot-com file, so with a GPU the series is the
bundled NASDAQ composite (1999–2018).

Run: ``.venv/bin/python benchmarks/bench_lppls_gpu.py`` (options: ``--dates``,
``--numba-dates``, ``--end``, ``--step``, ``--jobs``; ``BUBBLESCOPE_JAX_MAX_BYTES`` sets the
kernel's memory budget per call, see :mod:`bubblescope._kernels.psy_jax`).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from bubblescope._kernels.psy_jax import device_label, has_gpu
from bubblescope.detect.lppls import LPPLSIndicators, WindowSet, lppls_confidence


def _series(gpu: bool) -> pd.Series:
    if gpu:
        from bubblescope.data.bundled import load_bundled

        return load_bundled("nasdaq")["close"]
    from lppls import data_loader

    df = data_loader.nasdaq_dotcom()
    return pd.Series(df["Adj Close"].to_numpy(), index=pd.to_datetime(df["Date"]))


def _run(
    s: pd.Series,
    dates: pd.DatetimeIndex,
    ws: WindowSet,
    backend: str,
    jobs: int | None,
    n_synthetic: int = 0,
) -> tuple[float, LPPLSIndicators]:
    t0 = time.perf_counter()
    out = lppls_confidence(
        s,
        dates=list(dates),
        windows=ws,
        backend=backend,  # type: ignore[arg-type]
        n_jobs=jobs,
        trust=n_synthetic > 0,
        n_synthetic=max(n_synthetic, 1),
        rng=1,
    )
    return time.perf_counter() - t0, out


def main() -> None:
    gpu = has_gpu()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dates", type=int, default=2520 if gpu else 4)
    p.add_argument("--numba-dates", type=int, default=20 if gpu else 4)
    p.add_argument("--end", default="2018-12-31" if gpu else "2000-03-10")
    p.add_argument("--step", type=int, default=5)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--trust", type=int, default=0, metavar="N_SYNTHETIC")
    a = p.parse_args()
    s = _series(gpu)
    ws = WindowSet(750, 125, a.step)
    idx = s.index[s.index <= pd.Timestamp(a.end)][-a.dates :]
    n_win = len(idx) * len(ws)
    print(f"device: {device_label()}; {len(idx)} dates x {len(ws)} windows = {n_win} fits")

    if a.trust:
        print(f"with Trust: {a.trust} synthetic series per window, refitted from 2 starts")
    t_first, _ = _run(s, idx, ws, "gpu", None, a.trust)
    t_jax, jax_out = _run(s, idx, ws, "gpu", None, a.trust)
    nd = min(a.numba_dates, len(idx))
    t_nb, nb_out = _run(s, idx[-nd:], ws, "cpu", a.jobs, a.trust)
    t_nb_all = t_nb * len(idx) / nd
    mark = "~" if nd < len(idx) else " "
    print(f"{'backend':<28}{'seconds':>12}{'windows/s':>14}")
    print(f"{'jax (first call, compile)':<28}{t_first:>12.2f}{'':>14}")
    print(f"{'jax':<28}{t_jax:>12.2f}{n_win / t_jax:>14.0f}")
    print(f"{'numba':<27}{mark}{t_nb_all:>12.2f}{n_win / t_nb_all:>14.0f}")
    cols = ["confidence_pos", "confidence_neg"] + (["trust_pos", "trust_neg"] if a.trust else [])
    a_ = jax_out.to_frame()[cols].iloc[-nd:].to_numpy()
    b_ = nb_out.to_frame()[cols].to_numpy()
    diff = np.abs(a_[:, :2] - b_[:, :2]) * len(ws)
    print(
        f"dates with different Confidence (of {nd}): {int((diff > 0.5).any(axis=1).sum())}; "
        f"largest difference {diff.max():.0f} window(s)"
    )
    if a.trust:
        gap = np.nan_to_num(np.abs(a_[:, 2:] - b_[:, 2:]))
        print(f"largest Trust difference (of {nd} dates): {gap.max():.3g}")


if __name__ == "__main__":
    main()
