"""Sign-based BADF/BSADF sweep (HLZ 2020 sPWY/sPSY) in O(T^2) time and O(T) memory.

The regression of every window is the no-intercept Dickey-Fuller regression of ``dC_j`` on
``C_{j-1}`` (``C_0 = 0``, the cumulated signs measured from the first observation, as in
:mod:`bubblescope.detect._sign`), so a window's cross products are differences of three prefix
sums: ``Sxx = sum C_{j-1}^2``, ``Sxy = sum C_{j-1} dC_j``, ``Syy = sum dC_j^2`` over its rows.
The prefix sums take O(T) memory; each of the O(T^2) windows then costs O(1), most are
skipped before the square root, and blocks of starts that cannot hold the maximum are skipped
whole (see :func:`_end`). With raw signs
(``dC`` in {-1, 0, 1}) every sum is an integer below ``T^3``, exact in float64 for any series
shorter than 200,000 observations, so the statistics depend on nothing but the signs.

Layout (exuber's ``bsadf``/``badf``): with ``n1`` regression rows and a minimum window of
``minw`` rows, entry ``k`` belongs to the window end row ``minw + k`` (1-based), i.e. the end
point ``y[minw + k]``; ``badf[k]`` is the window starting at the first row, ``bsadf[k]`` the
largest statistic over every start that leaves at least ``minw`` rows. A window whose ``Sxx``
or residual sum of squares is not positive has no statistic (NaN in ``badf``, skipped in
``bsadf``; NaN when no window of that end has one).
"""

from __future__ import annotations

import numpy as np

from bubblescope._numba import njit, njit_parallel, prange
from bubblescope._typing import Float64Array

__all__ = ["PARALLEL_MIN_ROWS", "sign_sup_batch", "sign_sweep", "sign_sweep_batch"]

#: One series of at least this many differences shares its window ends among numba threads.
PARALLEL_MIN_ROWS = 2000
#: One minus the relative slack of the "might beat the running maximum" pre-test.
_RELAX = 1.0 - 1e-9
#: The pre-test runs only where ``Syy Sxx - Sxy^2`` keeps more than this of ``Syy Sxx``.
_WELL = 1e-6
#: Window starts per block of the block pre-test.
_BLOCK = 32
#: Consecutive window ends one thread sweeps (each seeded by the one before).
_ENDS_PER_TASK = 64


@njit
def _prefix(dc: Float64Array) -> tuple[Float64Array, Float64Array, Float64Array]:
    """Prefix sums of ``C_{j-1}^2``, ``C_{j-1} dC_j`` and ``dC_j^2`` (length ``n1 + 1``)."""
    n1 = dc.shape[0]
    pxx = np.zeros(n1 + 1)
    pxy = np.zeros(n1 + 1)
    pyy = np.zeros(n1 + 1)
    c = 0.0
    for j in range(n1):
        pxx[j + 1] = pxx[j] + c * c
        pxy[j + 1] = pxy[j] + c * dc[j]
        pyy[j + 1] = pyy[j] + dc[j] * dc[j]
        c += dc[j]
    return pxx, pxy, pyy


@njit
def _block_min(pxy: Float64Array) -> Float64Array:
    """Smallest ``pxy[a]`` of each block of :data:`_BLOCK` consecutive starts ``a``."""
    n = pxy.shape[0]
    out = np.empty((n + _BLOCK - 1) // _BLOCK)
    for k in range(out.shape[0]):
        lo = k * _BLOCK
        low = pxy[lo]
        for i in range(lo + 1, min(lo + _BLOCK, n)):
            low = min(low, pxy[i])
        out[k] = low
    return out


@njit
def _ratio(pxx: Float64Array, pxy: Float64Array, pyy: Float64Array, a: int, b: int) -> float:
    """The DF ratio of the window of rows ``a + 1 .. b``; NaN when it has none."""
    sxx = pxx[b] - pxx[a]
    if not sxx > 0.0:
        return np.nan
    sxy = pxy[b] - pxy[a]
    ssr = pyy[b] - pyy[a] - sxy * sxy / sxx
    if not ssr > 0.0:
        return np.nan
    return float(sxy / np.sqrt(ssr / (b - a - 1) * sxx))


@njit
def _beat(
    pxx: Float64Array,
    pxy: Float64Array,
    pyy: Float64Array,
    bmin: Float64Array,
    b: int,
    minw: int,
    seed: int,
    best: float,
) -> tuple[float, float, int]:
    """The larger of ``best`` and every ratio of the windows ending at row ``b``.

    Returns that maximum, the forward ratio (the window from the first row) and the start of
    the window that set the maximum (``seed`` when none beat ``best``). The forward window and
    the window starting at ``seed`` (the previous end's best start, ``-1`` for none) are
    computed first, so the running maximum starts near its final value. Then each block of
    :data:`_BLOCK` starts is skipped whole when no window in it can beat the maximum: ``Sxy``
    of every window in it is at most ``U = pxy[b] - min pxy`` over the block, and ``Sxx`` and
    ``Syy`` at least their values for the block's last start (the prefix sums of squares
    never decrease, and rounding a difference is monotone, so these bound the very values the
    windows would compute), so the test below with ``U``, those lower bounds and the block's
    most rows holds for every window in it. A window is skipped before any division or square
    root when its ratio cannot beat the running maximum: a non-positive ``Sxy`` once the
    maximum is not negative, or, for a positive one, ``Sxy^2 (L - 1) <= best^2 (Syy Sxx -
    Sxy^2) (1 - 1e-9)`` (``SSR Sxx`` written without a division), tried only where ``Syy Sxx
    - Sxy^2`` keeps more than ``1e-6`` of ``Syy Sxx`` (for a block, of the largest ``Syy Sxx``
    in it), so its rounding stays far below the slack. Every window that can win is computed
    in full, so the maximum is bitwise that of computing them all, in any order.
    """
    last = b - minw
    first = _ratio(pxx, pxy, pyy, 0, b)
    arg = seed
    if first > best:
        best, arg = first, 0
    if 0 < seed <= last:
        t = _ratio(pxx, pxy, pyy, seed, b)
        if t > best:
            best, arg = t, seed
    a0 = 1
    while a0 <= last:
        k = a0 // _BLOCK
        a1 = min((k + 1) * _BLOCK - 1, last)
        if best >= 0.0:
            u = pxy[b] - bmin[k]
            if u <= 0.0:
                a0 = a1 + 1
                continue
            if best > 0.0:
                g = (pyy[b] - pyy[a1]) * (pxx[b] - pxx[a1]) - u * u
                top = (pyy[b] - pyy[a0]) * (pxx[b] - pxx[a0])
                if g > _WELL * top and u * u * (b - a0 - 1) <= best * best * g * _RELAX:
                    a0 = a1 + 1
                    continue
        for a in range(a0, a1 + 1):
            sxx = pxx[b] - pxx[a]
            if not sxx > 0.0:
                continue
            sxy = pxy[b] - pxy[a]
            if best >= 0.0 and sxy <= 0.0:
                continue
            syy = pyy[b] - pyy[a]
            rows = b - a - 1
            if best > 0.0:
                q = syy * sxx
                g = q - sxy * sxy  # SSR Sxx without a division
                if g > _WELL * q and sxy * sxy * rows <= best * best * g * _RELAX:
                    continue
            ssr = syy - sxy * sxy / sxx
            if not ssr > 0.0:
                continue
            t = sxy / np.sqrt(ssr / rows * sxx)
            if t > best:
                best, arg = t, a
        a0 = a1 + 1
    return best, first, arg


@njit
def _end(
    pxx: Float64Array,
    pxy: Float64Array,
    pyy: Float64Array,
    bmin: Float64Array,
    b: int,
    minw: int,
    seed: int,
) -> tuple[float, float, int]:
    """Backward supremum (NaN when no window has a ratio), forward ratio and best start."""
    best, first, arg = _beat(pxx, pxy, pyy, bmin, b, minw, seed, -np.inf)
    return (best if best > -np.inf else np.nan), first, arg


@njit
def _sup_one(dc: Float64Array, minw: int, badf: Float64Array) -> float:
    """The largest ratio over every window of one series (NaN when none has one).

    The running maximum is carried from end to end, so an end none of whose windows beats
    the largest so far costs little more than its block tests. ``badf`` (length
    ``n1 - minw + 1``) receives the forward path on the way.
    """
    pxx, pxy, pyy = _prefix(dc)
    bmin = _block_min(pxy)
    best = -np.inf
    seed = -1
    for b in range(minw, dc.shape[0] + 1):
        best, badf[b - minw], seed = _beat(pxx, pxy, pyy, bmin, b, minw, seed, best)
    return best if best > -np.inf else np.nan


@njit_parallel
def _sup_batch_parallel(dcs: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    r, n1 = dcs.shape
    out = np.empty(r)
    badf = np.empty((r, n1 - minw + 1))
    for i in prange(r):
        out[i] = _sup_one(dcs[i], minw, badf[i])
    return out, badf


@njit
def _sup_batch_serial(dcs: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    r, n1 = dcs.shape
    out = np.empty(r)
    badf = np.empty((r, n1 - minw + 1))
    for i in range(r):
        out[i] = _sup_one(dcs[i], minw, badf[i])
    return out, badf


@njit
def _sweep_range(
    pxx: Float64Array,
    pxy: Float64Array,
    pyy: Float64Array,
    bmin: Float64Array,
    minw: int,
    lo: int,
    hi: int,
    bsadf: Float64Array,
    badf: Float64Array,
) -> None:
    """Entries ``lo .. hi - 1`` of the paths, each end seeded with the previous end's best."""
    seed = -1
    for k in range(lo, hi):
        bsadf[k], badf[k], seed = _end(pxx, pxy, pyy, bmin, k + minw, minw, seed)


@njit
def _sweep_one(dc: Float64Array, minw: int, bsadf: Float64Array, badf: Float64Array) -> None:
    """Fill ``bsadf`` and ``badf`` (length ``n1 - minw + 1``) for one increment series."""
    pxx, pxy, pyy = _prefix(dc)
    _sweep_range(pxx, pxy, pyy, _block_min(pxy), minw, 0, bsadf.shape[0], bsadf, badf)


@njit_parallel
def _sweep_ends_parallel(dc: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    """One long series, runs of :data:`_ENDS_PER_TASK` window ends shared among numba threads."""
    pxx, pxy, pyy = _prefix(dc)
    bmin = _block_min(pxy)
    m = dc.shape[0] - minw + 1
    bsadf = np.empty(m)
    badf = np.empty(m)
    tasks = (m + _ENDS_PER_TASK - 1) // _ENDS_PER_TASK
    for i in prange(tasks):
        lo = i * _ENDS_PER_TASK
        _sweep_range(pxx, pxy, pyy, bmin, minw, lo, min(lo + _ENDS_PER_TASK, m), bsadf, badf)
    return bsadf, badf


@njit
def _sign_sweep(dc: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    m = dc.shape[0] - minw + 1
    bsadf = np.empty(m)
    badf = np.empty(m)
    _sweep_one(dc, minw, bsadf, badf)
    return bsadf, badf


@njit_parallel
def _batch_parallel(dcs: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    r, n1 = dcs.shape
    bsadf = np.empty((r, n1 - minw + 1))
    badf = np.empty((r, n1 - minw + 1))
    for i in prange(r):
        _sweep_one(dcs[i], minw, bsadf[i], badf[i])
    return bsadf, badf


@njit
def _batch_serial(dcs: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    r, n1 = dcs.shape
    bsadf = np.empty((r, n1 - minw + 1))
    badf = np.empty((r, n1 - minw + 1))
    for i in range(r):
        _sweep_one(dcs[i], minw, bsadf[i], badf[i])
    return bsadf, badf


def sign_sweep(dc: Float64Array, minw: int) -> tuple[Float64Array, Float64Array]:
    """Backward-sup (BSADF) and forward (BADF) sign-based DF sequences of one series.

    Parameters
    ----------
    dc : ndarray, shape (n1,)
        Increments of the cumulated (optionally demeaned) sign series
        (:func:`bubblescope.detect._sign.sign_increments`).
    minw : int
        Regression rows in the smallest window (at least 2, at most ``n1``).

    Returns
    -------
    (ndarray, ndarray), each of shape ``(n1 - minw + 1,)``
        BSADF and BADF by window end (see the module docstring for the layout).
    """
    arr = np.ascontiguousarray(dc, dtype=np.float64)
    kernel = _sweep_ends_parallel if arr.shape[0] >= PARALLEL_MIN_ROWS else _sign_sweep
    bsadf, badf = kernel(arr, int(minw))
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)


def sign_sweep_batch(
    dcs: Float64Array, minw: int, *, threaded: bool = True
) -> tuple[Float64Array, Float64Array]:
    """:func:`sign_sweep` of every row of ``dcs`` (numba threads over rows, or one thread).

    Each row's numbers come from the same operations as :func:`sign_sweep` on that row alone,
    whatever the threading.
    """
    arr = np.ascontiguousarray(dcs, dtype=np.float64)
    kernel = _batch_parallel if threaded else _batch_serial
    bsadf, badf = kernel(arr, int(minw))
    return np.asarray(bsadf, dtype=np.float64), np.asarray(badf, dtype=np.float64)


def sign_sup_batch(
    dcs: Float64Array, minw: int, *, threaded: bool = True
) -> tuple[Float64Array, Float64Array]:
    """The sPSY statistic and the forward (BADF) path of every row of ``dcs``.

    The statistic is each row's largest ratio over every window: equal, bit for bit, to
    ``numpy.nanmax`` of the row's :func:`sign_sweep` BSADF path (NaN where no window has a
    ratio), found without the path: the running maximum is carried across window ends, so
    most ends are skipped by their block tests (many times faster than the paths). The
    forward path is :func:`sign_sweep`'s BADF, bit for bit.

    Parameters
    ----------
    dcs : ndarray, shape (r, n1)
        Increments of the cumulated sign series, one series per row.
    minw : int
        Regression rows in the smallest window (at least 2, at most ``n1``).
    threaded : bool
        Rows on numba threads (the same numbers either way).

    Returns
    -------
    (ndarray, ndarray) of shapes ``(r,)`` and ``(r, n1 - minw + 1)``
    """
    arr = np.ascontiguousarray(dcs, dtype=np.float64)
    kernel = _sup_batch_parallel if threaded else _sup_batch_serial
    sup, badf = kernel(arr, int(minw))
    return np.asarray(sup, dtype=np.float64), np.asarray(badf, dtype=np.float64)
