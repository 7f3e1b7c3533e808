"""Optional JAX kernel of the BADF and BSADF sequences of many series (GPU Monte Carlo).

The JAX twin of :func:`bubblescope._kernels.psy.sweep_batch`: for a batch of level series
(``reps x T``, float64) it returns the same BSADF and BADF sequences, with every (start, end)
window of a block of end rows evaluated at once, so XLA compiles one fused program of one
shape and the GPU sees millions of windows per launch.

Algorithm (one series; vmapped over the batch)
----------------------------------------------
The series is standardised (the ADF t-ratio is invariant to ``y -> a + b y`` with ``b > 0``) and
the regression matrix ``Z = [dy_{t-1..t-k}, y_{t-1}, dy_t]`` (``n x q`` with ``q = k + 2``) is
built as in :func:`bubblescope._kernels.psy.design_matrix`. End rows ``i1`` are taken in
blocks. For a block the rows are shifted by the block's last end row ``r``, ``D_i = Z_i - Z_r``
(rows after ``r`` set to zero), and one reverse cumulative sum of ``[D_i, D_i D_i']`` over ``i``
gives the suffix sums ``A_i``; every window's sums are then ``s = A_{i0} - A_{i1+1}`` and
``S`` likewise (the rectangle of all ``(i0, i1)`` pairs of the block, masked where
``i1 - i0 + 1 < minw``), and the centred cross-product matrix is ``C = S - s s' / m``. These are
the prefix sums of ecosystem-and-style.md §2a taken from the block's end and about a shifted
origin: the subtracted suffix ``A_{i1+1}`` covers fewer than ``block`` rows next to ``r``, and
``s`` is of the order of the window's spread rather than of the level, so the cancellation that
makes plain prefix sums of ``Z'Z`` fail on series with a wide level range stays small (blocks
are capped at :data:`MAX_BLOCK` end rows for this reason: 1e-11 relative error at 32 on a
bubble spanning 100x in level, 2e-10 at 64). Each window's t-ratio comes from the
square-root-free LDL' factor of ``C`` as in the numba kernel:
``t = L[q-1,q-2] sqrt((m - q) D[q-2] / D[q-1])``. Unlike the numba kernel there is no exact-QR
fallback for ill-conditioned windows (a data-dependent branch would break the fused program);
windows whose pivots are not positive give NaN and are skipped by the maximum. Under the
random-walk null such windows do not occur in practice.

Blocks of early end rows need few starts (``i0 <= i1 - minw + 1``), so the blocks are split
into at most :data:`GROUPS` runs and each run computes only the starts its own last end row
needs: the triangle of valid windows rather than the whole rectangle, to within 1/GROUPS.

Memory and the block size
-------------------------
End rows are processed in blocks of ``block_ends`` (a sequential ``lax.map`` over blocks), so
the working set is bounded by about ``batch * block_ends * n * (q + q(q+1)/2) * 8 * 4`` bytes
(four live float64 arrays of the window sums of the rectangle; XLA-CPU's measured temporary
memory is about half of that). By default ``block_ends`` is the largest block, at most
:data:`MAX_BLOCK`, that keeps this under a budget (:func:`default_max_bytes`): the environment
variable ``BUBBLESCOPE_JAX_MAX_BYTES`` if set, else a quarter of the GPU's memory limit as JAX
reports it, else :data:`DEFAULT_MAX_BYTES` (1 GiB, on CPU). Lower the budget (or the batch,
``MonteCarloCV(gpu_batch=...)``) when XLA reports an out-of-memory error or another process
shares the GPU. Example: T = 1,600, lag 2 and a batch of 1,000 series need about 0.72 GB per
end row, so a 16 GiB budget (about a quarter of what JAX may use on an 80 GB H100) gives
blocks of 24 end rows, 38 M (start, end) pairs per step.

References
----------
Phillips, P.C.B., Shi, S. and Yu, J. (2015). Testing for multiple bubbles: historical
episodes of exuberance and collapse in the S&P 500. International Economic Review 56(4),
1043-1078.
Bradbury, J. et al. (2018). JAX: composable transformations of Python+NumPy programs.
http://github.com/jax-ml/jax
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from bubblescope._typing import Float64Array, IntArray
from bubblescope.errors import BackendError, InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "GROUPS",
    "MAX_BLOCK",
    "block_ends_for",
    "default_max_bytes",
    "device_label",
    "has_gpu",
    "import_jax",
    "sweep_batch_jax",
    "sweep_batch_jax_checked",
]

#: Most end rows per block (accuracy: see the module docstring).
MAX_BLOCK = 32
#: Most runs of blocks, each computing only the window starts its end rows need.
GROUPS = 8
#: Default working-set budget of one kernel call in bytes (see the module docstring).
DEFAULT_MAX_BYTES = 1 << 30
#: Live float64 arrays of size ``batch * block * n * (q + q(q+1)/2)`` assumed per block.
_LIVE_ARRAYS = 4
_INSTALL_HINT = "pip install 'bubblescope[gpu]'"


def import_jax() -> Any:
    """Import jax with float64 enabled, or raise :class:`BackendError` with the install hint.

    ``jax_enable_x64`` is a process-wide JAX setting: the kernels need float64 (prefix-sum
    differences cancel digits), so it stays on for other JAX code in the same process.
    """
    try:
        import jax
    except ImportError as exc:
        raise BackendError(
            "the gpu backend needs jax, which is not installed", hint=_INSTALL_HINT
        ) from exc
    config: Any = jax.config
    config.update("jax_enable_x64", True)
    return jax


def has_gpu() -> bool:
    """True when jax is installed and sees at least one GPU device."""
    try:
        jax = import_jax()
    except BackendError:
        return False
    try:
        return any(d.platform == "gpu" for d in jax.devices())
    except RuntimeError:
        return False


def device_label() -> str:
    """The default JAX device in words, e.g. ``"jax gpu (NVIDIA H100 80GB HBM3)"``."""
    jax = import_jax()
    dev = jax.devices()[0]
    kind = getattr(dev, "device_kind", "") or ""
    return f"jax {dev.platform}" + (f" ({kind})" if kind and kind != dev.platform else "")


def default_max_bytes() -> int:
    """The kernel's working-set budget per call in bytes (see the module docstring)."""
    env = os.environ.get("BUBBLESCOPE_JAX_MAX_BYTES")
    if env:
        if not env.isdigit() or int(env) <= 0:
            raise InputError(
                f"BUBBLESCOPE_JAX_MAX_BYTES must be a positive number of bytes, got {env!r}",
                hint="e.g. BUBBLESCOPE_JAX_MAX_BYTES=8000000000 for 8 GB",
            )
        return int(env)
    dev = import_jax().devices()[0]
    if dev.platform == "gpu":
        stats = dev.memory_stats() or {}
        limit = int(stats.get("bytes_limit", 0))
        if limit > 0:
            return limit // 4
    return DEFAULT_MAX_BYTES


def block_ends_for(batch: int, T: int, lag: int, n_ends: int, max_bytes: int | None) -> int:
    """The number of end rows per block that keeps one block under ``max_bytes``.

    Parameters
    ----------
    batch : int
        Series per kernel call.
    T : int
        Series length (points).
    lag : int
        ADF lag ``k``.
    n_ends : int
        Number of end rows (the length of the output sequences).
    max_bytes : int or None
        Budget in bytes; None means :func:`default_max_bytes`.
    """
    if max_bytes is None:
        max_bytes = default_max_bytes()
    q = lag + 2
    n = T - 1 - lag
    per_end = batch * n * (q + q * (q + 1) // 2) * 8 * _LIVE_ARRAYS
    return int(max(1, min(n_ends, MAX_BLOCK, max_bytes // max(per_end, 1))))


def _design(jnp: Any, y: Any, lag: int) -> Any:
    """Rows ``[dy_{t-1..t-k}, y_{t-1}, dy_t]``, ``t = 1 + lag .. T - 1`` (as ``design_matrix``)."""
    T = y.shape[0]
    dy = y[1:] - y[:-1]
    cols = [dy[lag - 1 - j : T - 2 - j] for j in range(lag)]
    cols.append(y[lag : T - 1])
    cols.append(dy[lag:])
    return jnp.stack(cols, axis=1)


def _tstat(jnp: Any, c: list[list[Any]], m: Any, q: int) -> Any:
    """ADF t-ratio from the lower triangle ``c[a][b]`` (a >= b) by LDL', elementwise."""
    low: list[list[Any]] = [[None] * q for _ in range(q)]
    diag: list[Any] = [None] * q
    ok = jnp.ones_like(m, dtype=bool)
    for j in range(q):
        dj = c[j][j]
        for k in range(j):
            dj = dj - low[j][k] * low[j][k] * diag[k]
        ok = ok & (dj > 0.0)
        diag[j] = jnp.where(dj > 0.0, dj, 1.0)
        for i in range(j + 1, q):
            r = c[i][j]
            for k in range(j):
                r = r - low[i][k] * low[j][k] * diag[k]
            low[i][j] = r / diag[j]
    t = low[q - 1][q - 2] * jnp.sqrt((m - q) * diag[q - 2] / diag[q - 1])
    return jnp.where(ok, t, jnp.nan)


def _groups(n_blocks: int, block: int, minw: int, n: int) -> list[tuple[int, int, int]]:
    """Split blocks of end rows into at most :data:`GROUPS` runs ``(first, count, starts)``.

    ``starts`` is the number of window starts the run needs: every end row ``i1`` of the run
    has its valid starts in ``[0, i1 - minw + 1]``, so the run computes ``starts`` columns
    rather than all ``n`` (the triangle of valid windows instead of the whole rectangle).
    """
    runs = np.array_split(np.arange(n_blocks), min(GROUPS, n_blocks))
    out = []
    for run in runs:
        last_end = min(minw - 1 + (int(run[-1]) + 1) * block - 1, n - 1)
        out.append((int(run[0]), len(run), last_end - minw + 2))
    return out


@lru_cache(maxsize=32)
def _compiled(T: int, minw: int, lag: int, block: int) -> Callable[[Any], tuple[Any, Any, Any]]:
    """The jitted, vmapped kernel for one ``(T, minw, lag, block)``."""
    jax = import_jax()
    jnp = jax.numpy
    q = lag + 2
    n = T - 1 - lag
    n_ends = n - minw + 1
    n_blocks = -(-n_ends // block)
    rows = jnp.arange(n)
    pairs = [(a, b) for a in range(q) for b in range(a + 1)]
    runs = _groups(n_blocks, block, minw, n)

    def one_series(y: Any) -> tuple[Any, Any, Any]:
        sd = jnp.std(y)
        y = (y - jnp.mean(y)) / jnp.where(sd > 0.0, sd, 1.0)
        z = _design(jnp, y, lag)

        def one_block(b: Any, n_starts: int) -> tuple[Any, Any, Any]:
            raw = minw - 1 + b * block + jnp.arange(block)
            i1 = jnp.minimum(raw, n - 1)  # the last block repeats the last end row
            ref = i1[-1]
            d = jnp.where((rows <= ref)[:, None], z - z[ref], 0.0)
            cols = [d[:, a] for a in range(q)] + [d[:, a] * d[:, bb] for a, bb in pairs]
            acc = jnp.flip(jnp.cumsum(jnp.flip(jnp.stack(cols, axis=1), 0), axis=0), 0)
            acc = jnp.concatenate([acc, jnp.zeros((1, acc.shape[1]))], axis=0)
            win = acc[None, :n_starts, :] - acc[i1 + 1][:, None, :]
            s = win[:, :, :q]
            ss = win[:, :, q:]
            m = (i1[:, None] - rows[None, :n_starts] + 1).astype(jnp.float64)
            mm = jnp.maximum(m, 1.0)
            c: list[list[Any]] = [[None] * q for _ in range(q)]
            for p, (a, bb) in enumerate(pairs):
                c[a][bb] = ss[:, :, p] - s[:, :, a] * s[:, :, bb] / mm
            t = _tstat(jnp, c, mm, q)
            inside = m >= minw
            valid = inside & ~jnp.isnan(t)
            bsadf = jnp.max(jnp.where(valid, t, -jnp.inf), axis=1)
            invalid = jnp.sum(inside & jnp.isnan(t) & (raw < n)[:, None])
            return bsadf, t[:, 0], invalid

        parts = [
            jax.lax.map(lambda b, ns=n_starts: one_block(b, ns), jnp.arange(first, first + count))
            for first, count, n_starts in runs
        ]
        bsadf = jnp.concatenate([p[0].reshape(-1) for p in parts])
        badf = jnp.concatenate([p[1].reshape(-1) for p in parts])
        invalid = sum(jnp.sum(p[2]) for p in parts)
        return bsadf[:n_ends], badf[:n_ends], invalid

    fn: Callable[[Any], tuple[Any, Any, Any]] = jax.jit(jax.vmap(one_series))
    return fn


def sweep_batch_jax_checked(
    ys: Float64Array,
    minw: int,
    lag: int,
    *,
    block_ends: int | None = None,
    max_bytes: int | None = None,
) -> tuple[Float64Array, Float64Array, IntArray]:
    """:func:`sweep_batch_jax` plus, per series, the number of windows it could not evaluate.

    A window whose LDL' pivots are not positive (an ill-conditioned window, which the numba
    kernel would solve by its exact QR fallback) gives NaN and is left out of the BSADF
    maximum; a caller that must be exact recomputes the series with a positive count on the
    CPU (:func:`~bubblescope.detect.exuberance.psy` and
    :func:`~bubblescope.detect.exuberance.psy_panel` do).

    Returns
    -------
    (ndarray, ndarray, ndarray of int64)
        BSADF, BADF (as :func:`sweep_batch_jax`) and the count per series.
    """
    jax = import_jax()
    reps, T = ys.shape
    n_ends = T - 1 - lag - minw + 1
    block = (
        block_ends if block_ends is not None else block_ends_for(reps, T, lag, n_ends, max_bytes)
    )
    fn = _compiled(T, minw, lag, int(max(1, min(block, n_ends))))
    bsadf, badf, invalid = fn(jax.numpy.asarray(np.ascontiguousarray(ys, dtype=np.float64)))
    return (
        np.asarray(bsadf, dtype=np.float64),
        np.asarray(badf, dtype=np.float64),
        np.asarray(invalid, dtype=np.int64),
    )


def sweep_batch_jax(
    ys: Float64Array,
    minw: int,
    lag: int,
    *,
    block_ends: int | None = None,
    max_bytes: int | None = None,
) -> tuple[Float64Array, Float64Array]:
    """BSADF and BADF sequences of many level series on the default JAX device.

    Parameters
    ----------
    ys : ndarray of float64, shape (reps, T)
        Level series, one per row.
    minw : int
        Minimum window in regression rows (``minw > lag + 2``).
    lag : int
        ADF lag ``k >= 0``.
    block_ends : int, optional
        End rows per block (at most :data:`MAX_BLOCK` is advised); default from
        :func:`block_ends_for` and ``max_bytes``.
    max_bytes : int, optional
        Working-set budget in bytes when ``block_ends`` is not given.

    Returns
    -------
    (ndarray, ndarray), each of shape (reps, T - 1 - lag - minw + 1)
        BSADF and BADF; entry ``k`` belongs to end row ``minw - 1 + k`` (as
        :func:`bubblescope._kernels.psy.sweep_batch`, to about 1e-12 on random walks and
        1e-9 on a series whose level spans a factor of 1e6).

    Raises
    ------
    BackendError
        When jax is not installed.
    """
    bsadf, badf, _ = sweep_batch_jax_checked(
        ys, minw, lag, block_ends=block_ends, max_bytes=max_bytes
    )
    return bsadf, badf
