"""Benchmark: the LPPLS kernels' own exp, log, sin and cos against the C library's.

Times, in the same run and in numba loops of the same shape:

* each function alone over 100,000 values (exp on [-30, 1], log on e^[-30, 1], sin and cos
  on [-500, 10]: the ranges of m ln(d/S) and ω ln(d/S) in the FCO search space), by
  :mod:`bubblescope._kernels.elementary` and by ``math`` (the C library), with the largest
  difference in units of the last place (ulp) of the C library's value;
* one row of the LPPLS residual basis (f, g, h, ln(d/S), 1/(tc − t) at n = 450 points) by
  :func:`bubblescope._kernels.lppls._basis_rows` and by the same loop written with ``math``
  (the kernels' code before the switch); g and h cross zero, so their differences are given in
  ulps of the amplitude f;
* one residual evaluation (:func:`bubblescope._kernels.lppls._residuals_buf`) and one Jacobian
  (:func:`bubblescope._kernels.lppls._jacobian`), for the split of a polish step.

Best of 5, nanoseconds per value or per point; numba compilation excluded (a warm-up call).
The box's load average is printed, as the box is shared.

Run: ``.venv/bin/python benchmarks/bench_elementary.py``.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable

import numba
import numpy as np

from bubblescope._kernels import lppls as K
from bubblescope._kernels.elementary import exp_fast, log_fast, sincos_fast

N_VALUES = 100_000
N_POINTS = 450
REPEATS = 5


@numba.njit(error_model="numpy")
def _exp_ours(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(x.shape[0]):
        out[i] = exp_fast(x[i])


@numba.njit
def _exp_libm(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(x.shape[0]):
        out[i] = math.exp(x[i])


@numba.njit(error_model="numpy")
def _log_ours(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(x.shape[0]):
        out[i] = log_fast(x[i])


@numba.njit
def _log_libm(x: np.ndarray, out: np.ndarray) -> None:
    for i in range(x.shape[0]):
        out[i] = math.log(x[i])


@numba.njit(error_model="numpy")
def _sincos_ours(x: np.ndarray, out: np.ndarray, out2: np.ndarray) -> None:
    for i in range(x.shape[0]):
        out[i], out2[i] = sincos_fast(x[i])


@numba.njit
def _sincos_libm(x: np.ndarray, out: np.ndarray, out2: np.ndarray) -> None:
    for i in range(x.shape[0]):
        out[i] = math.sin(x[i])
        out2[i] = math.cos(x[i])


@numba.njit
def _basis_libm(
    t: np.ndarray, tc: float, m: float, omega: float, scale: float, buf: np.ndarray
) -> None:
    for i in range(t.shape[0]):
        dd = tc - t[i]
        d = abs(dd)
        if d > 1e-9:
            lu = math.log(d / scale)
            f = math.exp(m * lu)
            buf[0, i] = f
            buf[1, i] = f * math.cos(omega * lu)
            buf[2, i] = f * math.sin(omega * lu)
            buf[3, i] = lu
            buf[4, i] = 1.0 / dd
        else:
            buf[:, i] = 0.0


@numba.njit
def _repeat_basis(
    fn: Callable[..., object], reps: int, t: np.ndarray, buf: np.ndarray, par: np.ndarray
) -> None:
    for _ in range(reps):
        fn(t, par[0], par[1], par[2], par[3], buf)


@numba.njit
def _repeat_residuals(
    reps: int, t: np.ndarray, y: np.ndarray, par: np.ndarray, out: np.ndarray,
    buf: np.ndarray, sums: np.ndarray,
) -> float:  # fmt: skip
    ssr = 0.0
    for _ in range(reps):
        ssr += K._residuals_buf(t, y, par[0], par[1], par[2], par[3], out, buf, sums)
    return ssr


@numba.njit
def _repeat_jacobian(
    reps: int, buf: np.ndarray, sums: np.ndarray, r: np.ndarray, par: np.ndarray,
    span: np.ndarray, jac: np.ndarray,
) -> None:  # fmt: skip
    for _ in range(reps):
        K._jacobian(buf, sums, r, par[1], par[2], span, jac)


def _best(fn: Callable[[], object], per: int) -> float:
    """Best of ``REPEATS`` timings of ``fn``, in nanoseconds per value."""
    fn()
    best = math.inf
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / per * 1e9


def _ulps(got: np.ndarray, ref: np.ndarray) -> float:
    return float(np.max(np.abs(got - ref) / np.spacing(np.abs(ref))))


def main() -> None:
    rng = np.random.default_rng(0)
    rows: list[tuple[str, float, float, str]] = []
    a, b = np.empty(N_VALUES), np.empty(N_VALUES)
    a2, b2 = np.empty(N_VALUES), np.empty(N_VALUES)

    x = rng.uniform(-30.0, 1.0, N_VALUES)
    ours = _best(lambda: _exp_ours(x, a), N_VALUES)
    libm = _best(lambda: _exp_libm(x, b), N_VALUES)
    rows.append(("exp", ours, libm, f"{_ulps(a, b):.0f} ulp"))

    x = np.exp(rng.uniform(-30.0, 1.0, N_VALUES))
    ours = _best(lambda: _log_ours(x, a), N_VALUES)
    libm = _best(lambda: _log_libm(x, b), N_VALUES)
    rows.append(("log", ours, libm, f"{_ulps(a, b):.0f} ulp"))

    x = rng.uniform(-500.0, 10.0, N_VALUES)
    ours = _best(lambda: _sincos_ours(x, a, a2), N_VALUES)
    libm = _best(lambda: _sincos_libm(x, b, b2), N_VALUES)
    rows.append(("sin and cos", ours, libm, f"{max(_ulps(a, b), _ulps(a2, b2)):.0f} ulp"))

    n = N_POINTS
    t = np.arange(n, dtype=np.float64)
    par = np.array([n + 20.3, 0.5, 8.0, float(n - 1)])  # tc, m, omega, scale
    buf, buf_libm = np.empty((5, n)), np.empty((5, n))
    reps = 20_000
    ours = _best(lambda: _repeat_basis(K._basis_rows, reps, t, buf, par), reps * n)
    libm = _best(lambda: _repeat_basis(_basis_libm, reps, t, buf_libm, par), reps * n)
    # g and h cross zero, so their differences are measured in ulps of the amplitude f
    worst = float(np.max(np.abs(buf[:3] - buf_libm[:3]) / np.spacing(buf_libm[0])))
    rows.append((f"LPPLS basis row (n = {n})", ours, libm, f"f, g, h: {worst:.0f} ulp of f"))

    y = np.cumsum(rng.normal(0.0, 0.01, n)) + 5.0
    out, sums = np.empty(n), np.empty(14)
    jac, span = np.empty((3, n)), np.array([100.0, 0.8, 10.0])
    res = _best(lambda: _repeat_residuals(reps, t, y, par, out, buf, sums), reps * n)
    jcb = _best(lambda: _repeat_jacobian(reps, buf, sums, out, par, span, jac), reps * n)

    load = os.getloadavg()[0]
    print(f"ns per value (per point for the LPPLS rows), best of {REPEATS}; load {load:.1f}")
    print(f"{'':28s}{'ours':>8s}{'C library':>11s}{'speed-up':>10s}  largest difference")
    for name, o, c, note in rows:
        print(f"{name:28s}{o:8.2f}{c:11.2f}{c / o:9.2f}x  {note}")
    print(f"{'residual evaluation':28s}{res:8.2f}  (basis row + the sums and residuals)")
    print(f"{'Jacobian':28s}{jcb:8.2f}  (no transcendental functions)")


if __name__ == "__main__":
    main()
