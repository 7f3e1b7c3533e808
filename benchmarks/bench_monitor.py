"""Benchmark: the streaming monitors over the NASDAQ daily 1971-2026, timed in one run.

Each monitor is set up on the first ten years of log closes (the backtest's training sample)
and then fed every later close one at a time, as a live feed would: PSY's monitor
(:class:`~bubblescope.detect.exuberance.PSYMonitor`, O(T) per observation: one backward sweep
over the window starts ending at the new point) against the Homm-Breitung CUSUM monitor
(:class:`~bubblescope.detect.cusum.CUSUMMonitor`, O(1): a running sum) and its
volatility-robust version (Astill et al. 2023, ``bandwidth=20``: O(H), a kernel over the last
21 differences). Critical values are
outside the timing (PSY gets a fixed threshold; the CUSUM constant is given, and its
simulation, 2,000 random walks, is timed on its own line). Also timed: the CUSUM path of the
whole series at once (:func:`~bubblescope.detect.cusum.cusum_monitor`), and the largest
difference between the streamed and the batch CUSUM paths. PSY runs best of 3 (seconds each),
the CUSUM cells best of 5 (the box is shared). Numba compilation is excluded (a warm-up run).

Run: ``.venv/bin/python benchmarks/bench_monitor.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from bubblescope.data.catalog import load_series
from bubblescope.detect.critical_values.cusum import CUSUMCV
from bubblescope.detect.cusum import CUSUMMonitor, cusum_monitor, training_and_horizon
from bubblescope.detect.exuberance import PSYMonitor

#: PSY alarm threshold during the timing (a family-wise 95% value of that order).
PSY_THRESHOLD = 2.0
#: CUSUM boundary constant during the timing (simulated on its own line).
CUSUM_B = 3.0


def best(func: Callable[[], object], repeats: int) -> float:
    """Smallest wall time of ``repeats`` calls, seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    close = load_series("nasdaq")["close"].astype("float64").dropna()
    y = pd.Series(np.log(close.to_numpy()), index=close.index)
    n, h = training_and_horizon(y.index, 10.0, 10.0)
    train, feed = y.iloc[:n], y.iloc[n:]
    values, dates = feed.to_numpy(), feed.index
    print(
        f"NASDAQ daily {y.index[0].date()}..{y.index[-1].date()}: {len(y)} closes, training "
        f"{n}, streamed {len(feed)}"
    )

    def psy_stream() -> None:
        mon = PSYMonitor(train, threshold=PSY_THRESHOLD)
        for v, d in zip(values, dates, strict=True):
            mon.append(float(v), date=d)

    def cusum_stream(bandwidth: int | None = None) -> CUSUMMonitor:
        mon = CUSUMMonitor(train, horizon=h, critical=CUSUM_B, demean=True, bandwidth=bandwidth)
        for v, d in zip(values, dates, strict=True):
            mon.append(float(v), date=d)
        return mon

    def cusum_batch() -> object:
        return cusum_monitor(y, train=n, horizon=h, critical=CUSUM_B, demean=True)

    def cusum_constant() -> object:
        return CUSUMCV(reps=2000, rng=0, cache=False).compute(n, n + h, demean=True)

    PSYMonitor(train.iloc[:300], threshold=PSY_THRESHOLD).append(1.0, date=dates[0])  # compile
    rows = [
        ("PSY monitor (stream)", best(psy_stream, 3), len(feed)),
        ("CUSUM monitor (stream)", best(cusum_stream, 5), len(feed)),
        ("robust CUSUM, H=20 (stream)", best(lambda: cusum_stream(20), 5), len(feed)),
        ("CUSUM path (batch)", best(cusum_batch, 5), len(feed)),
        ("CUSUM constant (2,000 walks)", best(cusum_constant, 3), 0),
    ]
    print(f"{'monitor':<30}{'seconds':>10}{'us / obs':>12}{'vs PSY':>10}")
    psy_time = rows[0][1]
    for name, sec, obs in rows:
        per = f"{1e6 * sec / obs:.1f}" if obs else "-"
        ratio = f"{psy_time / sec:.0f}x" if obs else "-"
        print(f"{name:<30}{sec:>10.3f}{per:>12}{ratio:>10}")
    streamed = cusum_stream().result().statistic
    batch = cusum_monitor(y, train=n, horizon=h, critical=CUSUM_B, demean=True).statistic
    print(f"max |streamed - batch| CUSUM detector: {np.max(np.abs(streamed - batch)):.2e}")
    streamed = cusum_stream(20).result().statistic
    batch = cusum_monitor(
        y, train=n, horizon=h, critical=CUSUM_B, demean=True, bandwidth=20
    ).statistic
    print(f"max |streamed - batch| robust detector: {np.max(np.abs(streamed - batch)):.2e}")


if __name__ == "__main__":
    main()
