"""The LPPLS fitting engine on plain arrays: nested-window grid, polish, derived quantities.

Shared by :func:`bubblescope.detect.lppls.lppls_fit` (one window) and the DS LPPLS indicators
(126 nested windows per date). Time is the observation index (trading days); the windows all
end at t2 = N − 1 of the array they are given.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from bubblescope._kernels import lppls as K
from bubblescope._typing import Float64Array
from bubblescope.detect._lppls_config import (
    GridSpec,
    LPPLSFilter,
    OscillationFormula,
    SearchSpace,
    oscillations,
)

__all__ = [
    "NestedFits",
    "fit_nested",
    "fit_nested_dates",
    "fit_nested_dates_jax",
    "trust_fractions",
    "trust_fractions_jax",
]

#: Host memory for the synthetic series of one batch of Trust refits (dates are grouped).
_TRUST_HOST_BYTES = 1 << 30
#: What the polish kernels return: best (W, 4), ends (W, K, 4), counts (3,).
_Polished: TypeAlias = tuple[Float64Array, Float64Array, npt.NDArray[np.int64]]
#: A parameter within this fraction of its search range from a bound is "at the boundary".
BOUNDARY_TOL = 1e-6


@dataclass(frozen=True)
class NestedFits:
    """Best fit of every nested window (arrays of shape (W,)); tc is an absolute index.

    ``candidates`` (W, K, 3) are the polished starting points (absolute tc; NaN tc where
    none); ``ends`` (W, K, 4), when the numba path filled it, is where each candidate's
    polish ended ``[tc, m, ω, SSR]``: the warm starts of the next date (:func:`fit_nested`'s
    ``previous``). ``counts`` are :func:`bubblescope._kernels.lppls.polish_warm`'s counts
    (cold, warm kept, warm fallen back to cold).
    """

    starts: np.ndarray
    t2: int
    tc: Float64Array
    m: Float64Array
    omega: Float64Array
    ssr: Float64Array
    a: Float64Array
    b: Float64Array
    c1: Float64Array
    c2: Float64Array
    relative_error: Float64Array
    lo: Float64Array
    hi: Float64Array
    candidates: Float64Array
    ends: Float64Array | None = None
    counts: tuple[int, int, int] = (0, 0, 0)

    @classmethod
    def from_rows(
        cls,
        starts: np.ndarray,
        t2: int,
        rows: Float64Array,
        lo: Float64Array,
        hi: Float64Array,
        candidates: Float64Array,
    ) -> NestedFits:
        """From ``(W, 9)`` rows ``[tc, m, ω, SSR, A, B, C1, C2, relative error]``."""
        cols = [rows[:, j].copy() for j in range(9)]
        tc, m, omega, ssr, a, b, c1, c2, rel = cols
        return cls(starts, t2, tc, m, omega, ssr, a, b, c1, c2, rel, lo, hi, candidates)

    @property
    def dt(self) -> Float64Array:
        """t2 − t1 per window (trading days)."""
        return (self.t2 - self.starts).astype(np.float64)

    @property
    def c(self) -> Float64Array:
        """|C| = √(C1² + C2²)."""
        return np.hypot(self.c1, self.c2)

    @property
    def damping(self) -> Float64Array:
        """m|B| / (ω|C|)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.m * np.abs(self.b) / (self.omega * self.c)

    def oscillations(self, formula: OscillationFormula = "ln_ratio_2pi") -> Float64Array:
        """Oscillation count per window."""
        return oscillations(
            self.omega, self.tc, self.starts.astype(np.float64), float(self.t2), formula
        )

    def at_boundary(self) -> np.ndarray:
        """Boolean (W, 3): (tc, m, ω) at a bound of the search space."""
        theta = np.column_stack([self.tc, self.m, self.omega])
        span = np.maximum(self.hi - self.lo, 1e-300)
        return (np.abs(theta - self.lo) <= BOUNDARY_TOL * span) | (
            np.abs(self.hi - theta) <= BOUNDARY_TOL * span
        )

    def passes(self, flt: LPPLSFilter) -> np.ndarray:
        """Which windows satisfy ``flt``."""
        return flt.passes(
            m=self.m,
            omega=self.omega,
            tc_offset=self.tc - self.t2,
            dt=self.dt,
            n_oscillations=self.oscillations(flt.oscillation_formula),
            damping=self.damping,
            relative_error=self.relative_error,
        )


def _bounds(starts: np.ndarray, t2: int, space: SearchSpace) -> tuple[Float64Array, Float64Array]:
    dt = (t2 - starts).astype(np.float64)
    lo = np.column_stack(
        [t2 + space.tc[0] * dt, np.full(dt.shape, space.m[0]), np.full(dt.shape, space.omega[0])]
    )
    hi = np.column_stack(
        [t2 + space.tc[1] * dt, np.full(dt.shape, space.m[1]), np.full(dt.shape, space.omega[1])]
    )
    return lo, hi


def _drop_neighbours(cand: Float64Array, steps: Float64Array) -> None:
    """Blank (NaN tc) kept grid points adjacent to a better one: same basin, polished once."""
    for j in range(1, cand.shape[1]):
        for i in range(j):
            near = np.all(np.abs(cand[:, j, :] - cand[:, i, :]) <= 1.01 * steps, axis=1)
            cand[near & np.isfinite(cand[:, i, 0]), j, 0] = np.nan


def fit_nested(
    y: Float64Array,
    starts: np.ndarray,
    space: SearchSpace,
    grid: GridSpec,
    extra_starts: Float64Array | None = None,
    previous: NestedFits | None = None,
    shift: int = 0,
) -> NestedFits:
    """Fit every window ``y[s:]`` (s in ``starts``, increasing) by grid scan + bounded LM.

    With ``previous`` (the fits of the same windows ``shift`` observations earlier) the polish
    is warm-started: a grid cell kept today that was also kept on the earlier date starts
    from where that date's polish of the cell ended, moved ``shift`` observations left
    (:func:`_warm_starts`), and falls back to its cold start wherever the warm result is
    worse than the cold start's SSR (:func:`bubblescope._kernels.lppls.polish_warm`). The
    grid, the kept cells and the choice of each window's best candidate are the cold path's.
    The polish ends are not converged minima (a fifth of cold polishes stop at
    ``grid.max_iter``), so where a polish ends depends on where it started: on consecutive
    NASDAQ dates the warm path's best SSR differs from the cold path's by up to ~4% in about
    a sixth of windows, either way, and Confidence differs on most dates
    (``benchmarks/bench_lppls_dates.py``). :func:`~bubblescope.detect.lppls.lppls_confidence`
    therefore keeps the cold polish; the warm path is there to measure.

    Parameters
    ----------
    y : ndarray, shape (N,)
        Log prices; t2 = N − 1.
    starts : ndarray of int
        Window starts, strictly increasing.
    space : SearchSpace
        Bounds of (tc, m, ω).
    grid : GridSpec
        Grid resolution and number of polished candidates.
    extra_starts : ndarray, shape (W, R, 3), optional
        Further starting points (absolute tc) per window, e.g. random draws.
    previous : NestedFits, optional
        Fits of the same windows on an earlier date of the same series (same ``starts``,
        same length N), with ``ends``.
    shift : int
        How many observations later this date's t2 is than ``previous``'s (≥ 1).

    Returns
    -------
    NestedFits
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    t2 = y.shape[0] - 1
    offsets, m_grid, w_grid = _grid_axes(starts, t2, space, grid)
    best_ssr, best_par = K.grid_nested(
        y, starts, offsets, m_grid, w_grid, -space.tc[0], space.tc[1], grid.keep
    )
    return _polish_grid(y, starts, space, grid, best_ssr, best_par, extra_starts, previous, shift)


def fit_nested_dates(
    ys: Float64Array, starts: np.ndarray, space: SearchSpace, grid: GridSpec, threads: int = 1
) -> list[NestedFits]:
    """:func:`fit_nested` of many dates, the grid scan shared (each date's fits equal to it).

    The grid scan runs once for all dates (:func:`bubblescope._kernels.lppls.grid_nested_dates`,
    bitwise equal per date to :func:`bubblescope._kernels.lppls.grid_nested`); each date is
    then polished as in :func:`fit_nested`.

    Parameters
    ----------
    ys : ndarray, shape (D, N)
        Log prices per date; every date's t2 = N − 1.
    starts, space, grid :
        As in :func:`fit_nested`.
    threads : int
        Threads sharing the grid scan (:func:`_grid_scan`) and each date's windows in the
        polish (:func:`_polish_on_threads`), both bitwise equal to the serial run; 1 runs
        everything on this thread.

    Returns
    -------
    list of NestedFits
        One per date.
    """
    ys = np.ascontiguousarray(ys, dtype=np.float64)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    best_ssr, best_par = _grid_scan(ys, starts, space, grid, threads)
    return [
        _polish_grid(np.ascontiguousarray(y), starts, space, grid, bs, bp, threads=threads)
        for y, bs, bp in zip(ys, best_ssr, best_par, strict=True)
    ]


def _polish_grid(
    y: Float64Array,
    starts: np.ndarray,
    space: SearchSpace,
    grid: GridSpec,
    best_ssr: Float64Array,
    best_par: Float64Array,
    extra_starts: Float64Array | None = None,
    previous: NestedFits | None = None,
    shift: int = 0,
    threads: int = 1,
) -> NestedFits:
    """The polish and derived quantities of :func:`fit_nested` from its grid scan's output.

    ``threads`` > 1 polishes the windows on that many threads (:func:`_polish_on_threads`,
    bitwise equal).
    """
    n = y.shape[0]
    t2 = n - 1
    offsets, m_grid, w_grid = _grid_axes(starts, t2, space, grid)
    cand = best_par.copy()
    cand[~np.isfinite(best_ssr), 0] = np.nan
    _drop_neighbours(
        cand,
        np.array(
            [
                offsets[1] - offsets[0] if grid.n_tc > 1 else 0.0,
                m_grid[1] - m_grid[0] if grid.n_m > 1 else 0.0,
                w_grid[1] - w_grid[0] if grid.n_omega > 1 else 0.0,
            ]
        ),
    )
    cand[:, :, 0] += t2
    lo, hi = _bounds(starts, t2, space)
    # windows whose tc interval holds no grid offset start from the interval's midpoint
    empty = ~np.isfinite(best_ssr[:, 0])
    if empty.any():
        mid = 0.5 * (lo[empty] + hi[empty])
        cand[empty, 0, :] = mid
    if extra_starts is not None:
        cand = np.concatenate([cand, extra_starts], axis=1)
    cand = np.ascontiguousarray(cand)
    lo_c, hi_c = np.ascontiguousarray(lo), np.ascontiguousarray(hi)
    warm = _warm_starts(cand, starts, t2, previous, shift)
    args = (y, starts, cand, warm, lo_c, hi_c, grid.max_iter)
    if threads > 1:
        best, ends, tally = _polish_on_threads(threads, args)
    else:
        best, ends, tally = K.polish_warm(*args)
    w = starts.shape[0]
    lin = np.empty((w, 5))
    rel = np.empty(w)
    t_all = np.arange(n, dtype=np.float64)
    for k in range(w):
        s = int(starts[k])
        t = t_all[s:]
        lin[k], resid = K.linear_fit(t, y[s:], best[k, 0], best[k, 1], best[k, 2])
        rel[k] = float(np.mean(np.abs(np.expm1(resid))))
    rows = np.column_stack([best[:, :3], lin[:, 4], lin[:, :4], rel])
    fits = NestedFits.from_rows(starts, t2, rows, lo, hi, cand)
    return replace(fits, ends=ends, counts=(int(tally[0]), int(tally[1]), int(tally[2])))


def _grid_scan(
    ys: Float64Array, starts: np.ndarray, space: SearchSpace, grid: GridSpec, threads: int
) -> tuple[Float64Array, Float64Array]:
    """:func:`bubblescope._kernels.lppls.grid_nested_dates` of ``ys``, on ``threads`` threads.

    With more than one thread the tc offsets are split into that many consecutive parts,
    scanned at once (the kernel releases the GIL), and the parts' kept lists merged
    (:func:`_merge_kept`): bitwise the one-thread scan.
    """
    offsets, m_grid, w_grid = _grid_axes(starts, ys.shape[1] - 1, space, grid)
    rest = (m_grid, w_grid, -space.tc[0], space.tc[1], grid.keep)
    parts = [np.ascontiguousarray(p) for p in np.array_split(offsets, threads) if p.size]
    if len(parts) < 2:
        return K.grid_nested_dates(ys, starts, offsets, *rest)
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        found = list(pool.map(lambda part: K.grid_nested_dates(ys, starts, part, *rest), parts))
    return _merge_kept(found, grid.keep)


def _merge_kept(
    parts: list[tuple[Float64Array, Float64Array]], keep: int
) -> tuple[Float64Array, Float64Array]:
    """The kept lists of a whole grid scan from those of its consecutive parts, in order.

    A scan keeps, per date and window, the first ``keep`` grid points in ascending SSR with
    ties in scan order; so does a stable sort of the parts' lists laid end to end in scan
    order (``inf`` pads, whose parameters are zero in every part, sort last in order).
    """
    ssr = np.concatenate([p[0] for p in parts], axis=-1)
    par = np.concatenate([p[1] for p in parts], axis=-2)
    order = np.argsort(ssr, axis=-1, kind="stable")[..., :keep]
    return (
        np.take_along_axis(ssr, order, axis=-1),
        np.take_along_axis(par, order[..., None], axis=-2),
    )


def _polish_on_threads(threads: int, args: tuple[Any, ...]) -> _Polished:
    """:func:`bubblescope._kernels.lppls.polish_warm` with its windows shared by threads.

    Each window is one task for a pool of ``threads`` threads, handed out as threads come
    free, longest window first: how long a window takes depends on how many LM iterations
    its candidates need, so a fixed split leaves one thread idle (on a NASDAQ date the two
    halves of the alternate-longest-shortest split took 72 and 145 ms). The kernel
    (:func:`bubblescope._kernels.lppls.polish_windows`) releases the GIL and writes only
    its window's rows, so the result is bitwise the serial polish.
    """
    y, starts, cand, warm, lo, hi, max_iter = args
    n_win = starts.shape[0]
    best, ends, counts = K.polish_outputs(n_win, cand.shape[1])

    def window(k: int) -> None:
        ks = np.array([k], dtype=np.int64)
        K.polish_windows(ks, y, starts, cand, warm, lo, hi, max_iter, best, ends, counts)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(window, range(n_win)))
    return best, ends, counts.sum(axis=0)


def _warm_starts(
    cand: Float64Array,
    starts: np.ndarray,
    t2: int,
    previous: NestedFits | None,
    shift: int,
) -> Float64Array:
    """Warm starting points per candidate (all NaN: a cold polish).

    Candidate ``c`` of window ``k`` gets a warm start when ``previous`` kept the very same
    grid cell (equal (tc, m, ω) starting point: the grid is the same on every date of equal
    window set and length) for that window; the start is where that cell's polish ended,
    tc moved ``shift`` observations left (the same calendar time in today's index). NaN tc
    elsewhere. ``previous`` is ignored (cold) when its windows or length differ, it has no
    ``ends``, or ``shift`` < 1.
    """
    warm = np.full(cand.shape, np.nan)
    if (
        previous is None
        or previous.ends is None
        or shift < 1
        or previous.t2 != t2
        or not np.array_equal(previous.starts, starts)
    ):
        return warm
    prev = previous.candidates
    for j in range(cand.shape[1]):
        for i in range(prev.shape[1]):
            same = np.all(cand[:, j, :] == prev[:, i, :], axis=1)
            ends = previous.ends[:, i, :3]
            ok = same & np.isfinite(ends[:, 0])
            warm[ok, j, :] = ends[ok]
    warm[:, :, 0] -= shift
    return np.ascontiguousarray(warm)


def _grid_axes(
    starts: np.ndarray, t2: int, space: SearchSpace, grid: GridSpec
) -> tuple[Float64Array, Float64Array, Float64Array]:
    """The tc-offset, m and ω grids of :func:`fit_nested` (tc offsets from the longest window)."""
    dt_max = float(t2 - starts[0])
    offsets = np.linspace(space.tc[0] * dt_max, space.tc[1] * dt_max, grid.n_tc)
    m_grid = np.linspace(space.m[0], space.m[1], grid.n_m)
    w_grid = np.linspace(space.omega[0], space.omega[1], grid.n_omega)
    return offsets, m_grid, w_grid


def fit_nested_dates_jax(
    ys: Float64Array,
    starts: np.ndarray,
    space: SearchSpace,
    grid: GridSpec,
    n_iter: int | None = None,
    batch: int | None = None,
) -> list[NestedFits]:
    """:func:`fit_nested` for many dates at once on the default JAX device.

    Same grid, kept candidates and bounds as :func:`fit_nested`; the polish is a fixed
    ``n_iter`` projected LM iterations per candidate (default ``2 * grid.max_iter``: each
    iteration tries one damping, where the numba polish retries until a step is accepted).

    Parameters
    ----------
    ys : ndarray, shape (D, N)
        Log prices per date; every date's t2 = N − 1.
    starts : ndarray of int
        Window starts, strictly increasing.
    space, grid :
        As in :func:`fit_nested` (``grid.n_random`` random starts are not supported here).
    n_iter : int, optional
        LM iterations per candidate.
    batch : int, optional
        Dates per kernel call (see :func:`bubblescope._kernels.lppls_jax.fit_dates_jax`).

    Returns
    -------
    list of NestedFits
        One per date.
    """
    from bubblescope._kernels.lppls_jax import fit_dates_jax

    ys = np.ascontiguousarray(ys, dtype=np.float64)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    t2 = ys.shape[1] - 1
    offsets, m_grid, w_grid = _grid_axes(starts, t2, space, grid)
    fits, cands = fit_dates_jax(
        ys,
        starts,
        offsets,
        m_grid,
        w_grid,
        space.tc,
        space.m,
        space.omega,
        grid.keep,
        2 * grid.max_iter if n_iter is None else n_iter,
        grid.max_iter,
        batch,
    )
    lo, hi = _bounds(starts, t2, space)
    return [
        NestedFits.from_rows(starts, t2, f, lo, hi, c) for f, c in zip(fits, cands, strict=True)
    ]


def _trust_series(
    y: Float64Array, fits: NestedFits, n_synthetic: int, seed: np.random.SeedSequence
) -> list[tuple[int, Float64Array, Float64Array]]:
    """Per window: its first point, its synthetic series and their LM starting points.

    Each window's ``n_synthetic`` series are its fitted LPPLS path plus residuals resampled
    with replacement (Sornette et al. 2015), drawn from the window's own spawned seed; the
    starting points are the window's best fit and its best grid candidate.
    """
    n = y.shape[0]
    t_all = np.arange(n, dtype=np.float64)
    out = []
    for k, child in enumerate(seed.spawn(fits.starts.shape[0])):
        s = int(fits.starts[k])
        path = K.lppls_path(
            t_all[s:],
            fits.tc[k],
            fits.m[k],
            fits.omega[k],
            fits.a[k],
            fits.b[k],
            fits.c1[k],
            fits.c2[k],
        )
        resid = y[s:] - path
        idx = np.random.default_rng(child).integers(0, resid.shape[0], size=(n_synthetic, n - s))
        cand = [np.array([fits.tc[k], fits.m[k], fits.omega[k]])]
        cand += [c for c in fits.candidates[k] if np.isfinite(c[0])][:1]
        out.append((s, np.ascontiguousarray(path[None, :] + resid[idx]), np.array(cand)))
    return out


def _trust_outcome(
    out: Float64Array, fits: NestedFits, start: int, flt: LPPLSFilter
) -> tuple[float, float]:
    """Fractions of one window's refitted synthetic series passing ``flt`` with B < 0, B > 0."""
    m, om, tc = out[:, 1], out[:, 2], out[:, 0]
    b = out[:, 5]
    c = np.hypot(out[:, 6], out[:, 7])
    with np.errstate(divide="ignore", invalid="ignore"):
        damping = m * np.abs(b) / (om * c)
    ok = flt.passes(
        m=m,
        omega=om,
        tc_offset=tc - fits.t2,
        dt=np.full(m.shape, float(fits.t2 - start)),
        n_oscillations=oscillations(om, tc, float(start), float(fits.t2), flt.oscillation_formula),
        damping=damping,
        relative_error=out[:, 8],
    )
    return float(np.mean(ok & (b < 0))), float(np.mean(ok & (b > 0)))


def trust_fractions(
    y: Float64Array,
    fits: NestedFits,
    flt: LPPLSFilter,
    n_synthetic: int,
    seed: np.random.SeedSequence,
    grid: GridSpec,
) -> tuple[Float64Array, Float64Array]:
    """Per window, the fraction of synthetic series (fit + resampled residuals) passing ``flt``.

    Each synthetic series is refitted on its window by bounded LM (numba,
    :func:`bubblescope._kernels.lppls.fit_batch`) from the points of :func:`_trust_series`.

    Returns
    -------
    positive, negative : ndarray, shape (W,)
        Fractions passing with B < 0 and with B > 0.
    """
    t_all = np.arange(y.shape[0], dtype=np.float64)
    frac = []
    for k, (s, ys, cand) in enumerate(_trust_series(y, fits, n_synthetic, seed)):
        out = K.fit_batch(
            t_all[s:], ys, np.ascontiguousarray(cand), fits.lo[k], fits.hi[k], grid.max_iter
        )
        frac.append(_trust_outcome(out, fits, s, flt))
    pos, neg = np.asarray(frac).T
    return pos.copy(), neg.copy()


def trust_fractions_jax(
    ys: list[Float64Array],
    fits: list[NestedFits],
    flt: LPPLSFilter,
    n_synthetic: int,
    seeds: list[np.random.SeedSequence],
    grid: GridSpec,
    n_iter: int | None = None,
) -> list[tuple[Float64Array, Float64Array]]:
    """:func:`trust_fractions` of many dates, the refits on the default JAX device.

    The synthetic series and starting points are the numba path's (same seeds, drawn on the
    host); every series of every window of every date is refitted in large batches by
    :func:`bubblescope._kernels.lppls_jax.refit_rows_jax`, ``n_iter`` projected LM
    iterations (default ``2 * grid.max_iter``) from each starting point.

    Returns
    -------
    list of (positive, negative)
        One pair of (W,) arrays per date.
    """
    n = ys[0].shape[0]
    per_date = max(f.starts.shape[0] for f in fits) * n_synthetic * n * 8
    step = max(1, _TRUST_HOST_BYTES // max(per_date, 1))
    out: list[tuple[Float64Array, Float64Array]] = []
    for first in range(0, len(ys), step):
        part = slice(first, first + step)
        out += _trust_group_jax(ys[part], fits[part], flt, n_synthetic, seeds[part], grid, n_iter)
    return out


def _trust_group_jax(
    ys: list[Float64Array],
    fits: list[NestedFits],
    flt: LPPLSFilter,
    n_synthetic: int,
    seeds: list[np.random.SeedSequence],
    grid: GridSpec,
    n_iter: int | None,
) -> list[tuple[Float64Array, Float64Array]]:
    """:func:`trust_fractions_jax` of a group of dates small enough to hold on the host."""
    from bubblescope._kernels.lppls_jax import refit_rows_jax

    n = ys[0].shape[0]
    rows, starts, cands, lo, hi, owner = [], [], [], [], [], []
    for d, (y, f, seed) in enumerate(zip(ys, fits, seeds, strict=True)):
        for k, (s, syn, cand) in enumerate(_trust_series(y, f, n_synthetic, seed)):
            pad = np.empty((syn.shape[0], n))
            pad[:, s:] = syn
            pad[:, :s] = syn[:, :1]  # ignored by the fit (before the window)
            rows.append(pad)
            starts.append(np.full(syn.shape[0], s))
            two = np.vstack([cand, cand[:1]])[:2]  # a lone start is polished twice
            cands.append(np.repeat(two[None], syn.shape[0], axis=0))
            lo.append(np.repeat(f.lo[k][None], syn.shape[0], axis=0))
            hi.append(np.repeat(f.hi[k][None], syn.shape[0], axis=0))
            owner.append((d, k, s, syn.shape[0]))
    out = refit_rows_jax(
        np.concatenate(rows),
        np.concatenate(starts),
        np.concatenate(cands),
        np.concatenate(lo),
        np.concatenate(hi),
        2 * grid.max_iter if n_iter is None else n_iter,
        grid.max_iter,
    )
    frac = [np.empty((f.starts.shape[0], 2)) for f in fits]
    first = 0
    for d, k, s, count in owner:
        frac[d][k] = _trust_outcome(out[first : first + count], fits[d], s, flt)
        first += count
    return [(f[:, 0].copy(), f[:, 1].copy()) for f in frac]
