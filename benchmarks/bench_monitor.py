"""Benchmark: the streaming monitors over the NASDAQ daily 1971-2026, timed in one run.

Each monitor is set up on the first ten years of log closes (the backtest's training sample)
and then fed every later close one at a time, as a live feed would: PSY's monitor
(:class:`~bubblescope.detect.exuberance.PSYMonitor`, O(T) per observation: one backward sweep
over the window starts ending at the new point) against the Homm-Breitung CUSUM monitor
(:class:`~bubblescope.detect.cusum.CUSUMMonitor`, O(1): a running sum) and its
volatility-robust version (Astill et al. 2023, ``bandwidth=20``: O(H), a kernel over the last
21 differences), and the three monitors of issue 16's Deliver 1: Whitehouse-Harvey-Leybourne
(:class:`~bubblescope.detect.whl.WHLMonitor`, O(k + m + n): two short windows), the
sign-based monitor of Harvey-Leybourne-Zu (:class:`~bubblescope.detect.sign_based.SignMonitor`,
O(1): running cross products of the cumulated signs, recursively demeaned) and the
Breitung-Diegel wCUSUM (:class:`~bubblescope.detect.breitung_diegel.BDMonitor`, O(1): one
recursion). Critical values are
outside the timing (PSY gets a fixed threshold; the CUSUM constant is given, and its
simulation, 2,000 random walks, is timed on its own line, as are the sign-based and
Breitung-Diegel constants; WHL's boundaries are training maxima). Also timed: the CUSUM path of the
whole series at once (:func:`~bubblescope.detect.cusum.cusum_monitor`), and the largest
difference between the streamed and the batch CUSUM paths. PSY runs best of 3 (seconds each),
the CUSUM cells best of 5 (the box is shared). Numba compilation is excluded (a warm-up run).

Two tests of the issue are batch sweeps rather than streams, timed over the whole daily
series (its 13,900 closes at once) next to PSY's batch sweep
(:func:`~bubblescope.detect.exuberance.psy`, statistics only): the sign-based sPSY of
Harvey-Leybourne-Zu (:func:`~bubblescope.detect.sign_based.sign_psy`, statistics only, O(T^2))
and the SV-ADF dating of Sarkar & Wells (:func:`~bubblescope.detect.svadf_dating.svadf`, the
authors' rule on the closes in levels, O(T)). Their "vs PSY" compares with PSY's batch sweep.

Run: ``.venv/bin/python benchmarks/bench_monitor.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from bubblescope.data.catalog import load_series
from bubblescope.detect.breitung_diegel import BDMonitor, bd_monitor
from bubblescope.detect.critical_values.cusum import CUSUMCV
from bubblescope.detect.critical_values.sequential import SequentialCV
from bubblescope.detect.cusum import CUSUMMonitor, cusum_monitor, training_and_horizon
from bubblescope.detect.exuberance import PSYMonitor, psy
from bubblescope.detect.sign_based import SignMonitor, sign_monitor, sign_psy
from bubblescope.detect.svadf_dating import svadf
from bubblescope.detect.whl import WHLMonitor, whl_monitor

#: PSY alarm threshold during the timing (a family-wise 95% value of that order).
PSY_THRESHOLD = 2.0
#: CUSUM boundary constant during the timing (simulated on its own line).
CUSUM_B = 3.0
#: Sign-based and wCUSUM boundaries during the timing (simulated on their own lines).
SIGN_B = 2.5
BD_B = 1.45


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
    n, h = training_and_horizon(pd.DatetimeIndex(y.index), 10.0, 10.0)
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

    def stream(make: Callable[[], object]) -> object:
        mon = make()
        for v, d in zip(values, dates, strict=True):
            mon.append(float(v), date=d)  # type: ignore[attr-defined]
        return mon

    def whl() -> object:
        return stream(lambda: WHLMonitor(train))

    def sign() -> object:
        return stream(lambda: SignMonitor(train, horizon=h, critical=SIGN_B, demean=True))

    def bd() -> object:
        return stream(lambda: BDMonitor(train, horizon=h, critical=BD_B, demean=True))

    def sign_constant() -> object:
        return SequentialCV(reps=2000, rng=0, cache=False).compute(
            "sign", n=n, N=n + h, demean=True
        )

    def bd_constant() -> object:
        return SequentialCV(reps=2000, rng=0, cache=False).compute(
            "bd", n=n, horizon=h, detector="wcusum", cbar=2.1, demean=True
        )

    PSYMonitor(train.iloc[:300], threshold=PSY_THRESHOLD).append(1.0, date=dates[0])  # compile
    rows = [
        ("PSY monitor (stream)", best(psy_stream, 3), len(feed)),
        ("CUSUM monitor (stream)", best(cusum_stream, 5), len(feed)),
        ("robust CUSUM, H=20 (stream)", best(lambda: cusum_stream(20), 5), len(feed)),
        ("CUSUM path (batch)", best(cusum_batch, 5), len(feed)),
        ("CUSUM constant (2,000 walks)", best(cusum_constant, 3), 0),
        ("WHL monitor (stream)", best(whl, 3), len(feed)),
        ("sign-based monitor (stream)", best(sign, 3), len(feed)),
        ("BD wCUSUM monitor (stream)", best(bd, 3), len(feed)),
        ("sign constant (2,000 walks)", best(sign_constant, 1), 0),
        ("BD constant (2,000 walks)", best(bd_constant, 1), 0),
    ]
    sign_psy(y, cv=None)  # compile
    batch_rows = [
        ("PSY (batch, whole series)", best(lambda: psy(y, cv=None), 3), len(y)),
        ("sign-based sPSY (batch)", best(lambda: sign_psy(y, cv=None), 3), len(y)),
        ("SV-ADF dating (batch)", best(lambda: svadf(close), 3), len(y)),
    ]
    print(f"{'monitor':<30}{'seconds':>10}{'us / obs':>12}{'vs PSY':>10}")
    for group in (rows, batch_rows):
        psy_time = group[0][1]
        for name, sec, obs in group:
            per = f"{1e6 * sec / obs:.1f}" if obs else "-"
            ratio = f"{psy_time / sec:.1f}x" if obs else "-"
            print(f"{name:<30}{sec:>10.3f}{per:>12}{ratio:>10}")
    streamed = cusum_stream().result().statistic
    batch = cusum_monitor(y, train=n, horizon=h, critical=CUSUM_B, demean=True).statistic
    print(f"max |streamed - batch| CUSUM detector: {np.max(np.abs(streamed - batch)):.2e}")
    streamed = cusum_stream(20).result().statistic
    batch = cusum_monitor(
        y, train=n, horizon=h, critical=CUSUM_B, demean=True, bandwidth=20
    ).statistic
    print(f"max |streamed - batch| robust detector: {np.max(np.abs(streamed - batch)):.2e}")
    pairs = (
        ("WHL", whl(), whl_monitor(y, train=n)),
        ("sign-based", sign(), sign_monitor(y, train=n, horizon=h, critical=SIGN_B, demean=True)),
        ("BD wCUSUM", bd(), bd_monitor(y, train=n, horizon=h, critical=BD_B, demean=True)),
    )
    for label, mon, res in pairs:
        got = mon.result()  # type: ignore[attr-defined]
        gap = np.max(np.abs(got.statistic - res.statistic))
        first = res.first_alarm.date() if res.first_alarm is not None else "none"
        print(f"max |streamed - batch| {label}: {gap:.2e}; first alarm {first}")


if __name__ == "__main__":
    main()
