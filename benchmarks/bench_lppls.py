"""LPPLS benchmark: bubblescope vs the ``lppls`` package (0.6.24) on the dot-com NASDAQ.

1. One t2 (2000-03-10), one core: bubblescope's DS LPPLS Confidence over 126 windows
   (750 -> 125 step 5, FCO search space) vs lppls's nested computation
   (``LPPLS._func_compute_nested_fits``: 125 windows 750 -> 130 step 5, ``max_searches=25``),
   both on log prices with trading-day time. Also: on the 125 common windows, the share where
   bubblescope's SSR is <= the slaved SSR at lppls's (tc, m, omega), overall and among lppls
   fits that lie inside the FCO search space.
2. One year of daily t2 (252 dates to 2000-03-10) with ``n_jobs=2``.

Data: ``lppls/data/nasdaq_dotcom.csv`` (Adj Close), shipped in the lppls wheel.

Run: ``.venv/bin/python benchmarks/bench_lppls.py [--dates N]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dates", type=int, default=252, help="t2 dates for the 2-core run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import lppls.data_loader as dl
    from lppls import lppls as peer

    from bubblescope._kernels.lppls import profiled_ssr
    from bubblescope.detect._lppls_engine import fit_nested
    from bubblescope.detect.lppls import GridSpec, SearchSpace, WindowSet, lppls_confidence

    df = dl.nasdaq_dotcom()
    close = pd.Series(df["Adj Close"].to_numpy(), index=pd.to_datetime(df["Date"]))
    close = close.loc[:"2000-03-10"]
    y = np.log(close.iloc[-750:].to_numpy())
    t = np.arange(750.0)
    ws = WindowSet.fco()
    starts = (750 - ws.lengths).astype(np.int64)

    # warm-up (numba compile/cache load) for both
    lppls_confidence(close, dates=[close.index[-1]])
    np.random.seed(0)  # noqa: NPY002 - lppls draws from the global state
    peer.LPPLS(observations=np.array([t[-200:], y[-200:]])).fit(5)

    ours, ours_cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        lppls_confidence(close, dates=[close.index[-1]])
        ours.append(time.perf_counter() - t0)
        ours_cpu.append(time.process_time() - c0)
    fits = fit_nested(y, starts, SearchSpace.fco(), GridSpec())

    model = peer.LPPLS(observations=np.array([t, y]))
    np.random.seed(0)  # noqa: NPY002
    t0, c0 = time.perf_counter(), time.process_time()
    res = model._func_compute_nested_fits((np.array([t, y]), 750, 0, 125, 5, 5, 25))
    theirs_time = time.perf_counter() - t0
    theirs_cpu = time.process_time() - c0

    n_common = len(res["res"])
    better = failed = inside = better_inside = 0
    space = SearchSpace.fco()
    for k, r in enumerate(res["res"]):
        s = int(starts[k])
        dt = 749 - s
        if r["tc"] == 0 and r["m"] == 0:
            failed += 1
            better += 1
            continue
        ssr_peer = profiled_ssr(t[s:], y[s:], r["tc"], r["m"], r["w"])
        ok = fits.ssr[k] <= ssr_peer * (1 + 1e-8)
        better += ok
        if (
            space.m[0] <= r["m"] <= space.m[1]
            and space.omega[0] <= r["w"] <= space.omega[1]
            and abs(r["tc"] - 749) <= 0.2 * dt
        ):
            inside += 1
            better_inside += ok

    print("LPPLS, NASDAQ (lppls nasdaq_dotcom.csv), t2 = 2000-03-10, 1 core")
    print(f"{'':46s}{'wall (s)':>10s}{'CPU (s)':>10s}")
    print(
        f"{'bubblescope confidence, 126 windows (median)':46s}{np.median(ours):10.3f}"
        f"{np.median(ours_cpu):10.3f}"
    )
    print(
        f"{'lppls _func_compute_nested_fits, 125 windows':46s}{theirs_time:10.3f}{theirs_cpu:10.3f}"
    )
    print(
        f"speed-up: {theirs_time / np.median(ours):.1f}x wall, "
        f"{theirs_cpu / np.median(ours_cpu):.1f}x CPU (the box is shared; CPU time is the "
        "fairer single-core figure)"
    )
    print(
        f"windows where bubblescope SSR <= lppls SSR: {better}/{n_common} "
        f"({better / n_common:.1%}; {failed} lppls fits failed outright)"
    )
    if inside:
        print(
            f"  among lppls fits inside the FCO search space: {better_inside}/{inside} "
            f"({better_inside / inside:.1%})"
        )
    outside = n_common - failed - inside
    print(f"  lppls fits outside the FCO search space (m, omega or tc): {outside}")

    if args.dates <= 0:
        return
    dates = close.index[-args.dates :]
    t0 = time.perf_counter()
    out = lppls_confidence(close, dates=dates, n_jobs=2)
    wall = time.perf_counter() - t0
    print(
        f"\nbubblescope confidence, {len(dates)} daily t2 "
        f"({dates[0].date()}..{dates[-1].date()}), 2 processes: {wall:.1f} s "
        f"({wall / len(dates):.3f} s per date)"
    )
    print(
        f"  peak confidence_pos {out.frame['confidence_pos'].max():.3f} "
        f"on {out.frame['confidence_pos'].idxmax().date()}"
    )


if __name__ == "__main__":
    main()
