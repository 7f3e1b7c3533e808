"""Time the exact Eisenberg–Noe clearing kernel against two peers on the same inputs.

Peers (no maintained Eisenberg–Noe package exists on PyPI, see ecosystem-and-style.md §2k):
* ``scipy.optimize.linprog`` (HiGHS) maximising Σp subject to the EN constraints, one LP per
  scenario — the textbook characterisation (Eisenberg & Noe 2001, Lemma 4);
* Picard iteration ``p ← min(p̄, e + Πᵀp)`` from ``p̄`` in numpy, vectorised over scenarios,
  run until the largest change is below 1e-12 (it converges to the greatest fixed point, but
  only geometrically).

Run: ``.venv/bin/python benchmarks/network_clearing.py``
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import linprog

from bubblescope._kernels.clearing import clear_batch


def network(n: int, s: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    liab = rng.uniform(0, 10, (n, n)) * (rng.uniform(size=(n, n)) < min(1.0, 5 / n))
    np.fill_diagonal(liab, 0.0)
    ext = rng.uniform(0, 3, (s, n))
    return liab, ext


def picard(liab: np.ndarray, ext: np.ndarray) -> tuple[np.ndarray, int]:
    pbar = liab.sum(axis=1)
    rel = np.divide(liab, pbar[:, None], out=np.zeros_like(liab), where=pbar[:, None] > 0)
    p = np.tile(pbar, (ext.shape[0], 1))
    for it in range(1, 1_000_000):
        new = np.minimum(pbar, np.maximum(0.0, ext + p @ rel))
        if np.abs(new - p).max() < 1e-12:
            return new, it
        p = new
    return p, it


def lp(liab: np.ndarray, ext: np.ndarray) -> np.ndarray:
    pbar = liab.sum(axis=1)
    rel = np.divide(liab, pbar[:, None], out=np.zeros_like(liab), where=pbar[:, None] > 0)
    n = liab.shape[0]
    out = np.empty_like(ext)
    a = np.eye(n) - rel.T
    bounds = list(zip(np.zeros(n), pbar, strict=True))
    for k, e in enumerate(ext):
        out[k] = linprog(-np.ones(n), A_ub=a, b_ub=e, bounds=bounds, method="highs").x
    return out


def timed(func, *args):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = func(*args)
    return out, time.perf_counter() - t0


def main() -> None:
    warm_l, warm_e = network(5, 2)
    clear_batch(warm_l, warm_e, np.tile(warm_l.sum(axis=1), (2, 1)))  # compile / load cache
    print(
        f"{'n':>5}{'scen':>6}{'bubblescope s':>15}{'Picard s':>11}{'iters':>7}"
        f"{'LP s':>9}{'max|Δ| Picard':>15}{'max|Δ| LP':>11}"
    )
    for n, s, do_lp in ((10, 1000, True), (50, 1000, True), (200, 200, True), (500, 50, False)):
        liab, ext = network(n, s)
        cap = np.tile(liab.sum(axis=1), (s, 1))
        (p, _), t_bs = timed(clear_batch, liab, ext, cap)
        (p_pic, iters), t_pic = timed(picard, liab, ext)
        if do_lp:
            p_lp, t_lp = timed(lp, liab, ext)
            d_lp = f"{np.abs(p - p_lp).max():11.1e}"
            t_lp_s = f"{t_lp:9.3f}"
        else:
            d_lp, t_lp_s = f"{'-':>11}", f"{'-':>9}"
        print(
            f"{n:>5}{s:>6}{t_bs:>15.4f}{t_pic:>11.3f}{iters:>7}{t_lp_s}"
            f"{np.abs(p - p_pic).max():>15.1e}{d_lp}"
        )


if __name__ == "__main__":
    main()
