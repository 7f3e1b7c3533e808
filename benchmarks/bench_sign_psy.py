"""Benchmark: the sign-based sPSY sweep (HLZ 2020) on the NASDAQ, against two references.

For the NASDAQ log closes (monthly, weekly and daily since 1971, and 200 weekly closes), one
full sign-based sweep (every window of at least ``r0 T`` rows, r0 = 0.1) by
:func:`bubblescope._kernels.sign_psy.sign_sweep` (numba, prefix sums, O(T^2) time and O(T)
memory) is timed against:

* a whole-grid numpy version, the way exuber's development branch computes it
  (``gls_dfstat_grid``: ``T x T`` matrices of window sums, then a row maximum), written here
  from that description; it needs about five ``T x T`` float64 matrices, so it is skipped
  where they would pass 2 GB;
* PSY's own BSADF sweep at lag 0 (:func:`bubblescope._kernels.psy.sweep`, with an intercept:
  centred Welford updates) on the same log closes and window, for scale.

The two sign-based versions must agree (the largest difference is printed). Also timed: the
critical values of the default :class:`~bubblescope.detect.critical_values.sign.SignPSYCV`
(2,000 sign walks) for each length. Best of 3 (seconds, the box is shared); numba compilation
excluded (a warm-up run).

Run: ``.venv/bin/python benchmarks/bench_sign_psy.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from bubblescope._kernels.psy import sweep
from bubblescope._kernels.sign_psy import sign_sweep
from bubblescope.data.catalog import load_series
from bubblescope.detect._sign import sign_increments
from bubblescope.detect.critical_values.sign import SignPSYCV
from bubblescope.settings import resample

#: Largest whole-grid numpy run (bytes of its five T x T matrices).
GRID_MAX_BYTES = 2e9


def best(func: Callable[[], object], repeats: int = 3) -> float:
    """Smallest wall time of ``repeats`` calls, seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return min(times)


def grid(dc: np.ndarray, minw: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window's ratio on a ``T x T`` grid of prefix-sum differences; row maxima."""
    c = np.r_[0.0, np.cumsum(dc)][:-1]
    pxx = np.r_[0.0, np.cumsum(c * c)]
    pxy = np.r_[0.0, np.cumsum(c * dc)]
    pyy = np.r_[0.0, np.cumsum(dc * dc)]
    n1 = len(dc)
    ends = np.arange(minw, n1 + 1)[:, None]
    starts = np.arange(0, n1)[None, :]
    rows = ends - starts
    valid = rows >= minw
    sxx = np.where(valid, pxx[ends] - pxx[starts], np.nan)
    sxy = pxy[ends] - pxy[starts]
    with np.errstate(divide="ignore", invalid="ignore"):
        ssr = pyy[ends] - pyy[starts] - sxy * sxy / sxx
        t = sxy / np.sqrt(ssr / (rows - 1) * sxx)
    t = np.where(valid & (sxx > 0) & (ssr > 0), t, -np.inf)
    bsadf = t.max(axis=1)
    return np.where(np.isfinite(bsadf), bsadf, np.nan), t[:, 0]


def main() -> None:
    close = load_series("nasdaq")["close"]
    cases = {
        "weekly, last 200": np.log(resample(close, "W").to_numpy())[-200:],
        "monthly 1971-2026": np.log(resample(close, "M").to_numpy()),
        "weekly 1971-2026": np.log(resample(close, "W").to_numpy()),
        "daily 1971-2026": np.log(close.to_numpy()),
    }
    warm = sign_increments(cases["weekly, last 200"], demean=False)
    sign_sweep(warm, 20)
    sweep(np.column_stack([cases["weekly, last 200"][:-1], np.diff(cases["weekly, last 200"])]), 20)
    print(f"{'NASDAQ log closes':<20} {'T':>6} {'sign sweep':>11} {'numpy grid':>11} "
          f"{'max diff':>9} {'PSY sweep':>10} {'2,000-walk CVs':>15}")  # fmt: skip
    for label, y in cases.items():
        T = len(y)
        minw = round(0.1 * T)
        dc = sign_increments(y, demean=False)
        ours = best(lambda dc=dc, minw=minw: sign_sweep(dc, minw))
        z = np.column_stack([y[:-1], np.diff(y)])
        psy_s = best(lambda z=z, minw=minw: sweep(z, minw), 1 if T > 5000 else 3)
        if 5 * 8.0 * T * T <= GRID_MAX_BYTES:
            peer = best(lambda dc=dc, minw=minw: grid(dc, minw), 1 if T > 2000 else 3)
            a, b = sign_sweep(dc, minw), grid(dc, minw)
            diff = max(float(np.nanmax(np.abs(a[0] - b[0]))), float(np.nanmax(np.abs(a[1] - b[1]))))
            peer_s, diff_s = f"{peer:11.4f}", f"{diff:9.1e}"
        else:
            peer_s, diff_s = f"{'> 2 GB':>11}", f"{'':>9}"
        if T <= 3000:
            t0 = time.perf_counter()
            SignPSYCV(cache=False).compute(T, minw=minw)
            cv_s = f"{time.perf_counter() - t0:15.2f}"
        else:
            cv_s = f"{'(skipped)':>15}"
        print(f"{label:<20} {T:>6} {ours:11.4f} {peer_s} {diff_s} {psy_s:10.4f} {cv_s}")


if __name__ == "__main__":
    main()
