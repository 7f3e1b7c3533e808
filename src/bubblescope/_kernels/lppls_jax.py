"""Optional JAX kernel of the nested-window LPPLS fits of many dates at once (GPU Confidence).

The JAX twin of :func:`bubblescope.detect._lppls_engine.fit_nested` for a batch of dates: every
date's log prices ``y`` (length N, t2 = N − 1) are fitted on the same nested windows ``y[s:]``,
with the same (tc, m, ω) grid and bounds, in one fused, jitted and vmapped program.

Algorithm (one date; vmapped over a batch of dates)
---------------------------------------------------
1. **Grid.** For each tc offset (a sequential ``lax.map``) the columns ``f, g, h`` of all
   ``n_m × n_ω`` candidates are built on the full series, and the 12 candidate-dependent sums
   (Σf, Σg, Σh, Σff, Σfg, Σfh, Σgg, Σgh, Σhh, Σyf, Σyg, Σyh) of *every* window come from one
   matrix product with the (W × N) window mask (the masked sums of ecosystem-and-style.md
   §2a). The profiled SSR is the centred 3×3 Cholesky solve of
   :func:`bubblescope._kernels.lppls._solve3` (same collinearity rule). Inadmissible offsets
   of a window get SSR ``inf``; the ``keep`` lowest SSRs per window are kept in the numba
   kernel's visiting order (tc, ω, m), and kept points adjacent to a better one are dropped as
   in ``fit_nested``.
2. **Polish.** Each kept candidate runs a fixed number ``n_iter`` of projected
   Levenberg–Marquardt iterations on the slaved residuals in the unit box of the bounds, with
   the exact variable-projection (Golub–Pereyra) Jacobian of the numba polish. Every
   iteration is two passes over the window's points, and each pass is one small matrix
   product: the Gram matrix of the columns it needs (``[1, f, g, h, y]`` for the SSR and
   (A, B, C1, C2) of a trial point; 14 columns, f, g, h, their closed-form derivatives and
   the residual, for ``J'r`` and ``J'J``, :func:`_normal_eq`). So f, g, h are evaluated once
   per pass and read once, rather than once per sum. The LM is the numba polish's
   (:func:`_polish`): a step is accepted only if the SSR falls (λ /= 4), otherwise λ *= 4;
   coordinates at a bound whose gradient points outward are frozen for the step; a candidate
   stops where numba's would. A fixed number of attempts (``lax.fori_loop``, stopped lanes
   frozen) keeps the program data-independent, which is what makes it fast on a GPU.
   Windows are polished in
   :data:`LENGTH_CLASSES` runs of similar length, each over the points of its own longest
   window only (the longest window's padding is not paid by the short ones). Together these
   made 252 dates of FCO windows 1.8× faster on an H100 than the first version (autodiff of
   the residual vector over all N points): 2.90 s against 5.25 s.
3. **Best per window**: the lowest-SSR candidate, with (A, B, C1, C2) in unscaled time as
   :func:`bubblescope._kernels.lppls.linear_params` reports them and the relative error
   mean |exp(residual) − 1|.

:func:`refit_rows_jax` runs the same polish on single windows of many series (the synthetic
series of DS LPPLS Trust), each row with its own window start, bounds and starting points.

Memory
------
The grid step holds about ``12 · n_m · n_ω · N`` float64 values per date and tc offset, and
the polish ``14 · W · keep · N`` per date (W windows), each a few times over; the dates per
call are chosen so that the larger stays under the budget of
:func:`bubblescope._kernels.psy_jax.default_max_bytes` (``BUBBLESCOPE_JAX_MAX_BYTES``, a quarter
of the GPU's memory, or 1 GiB on CPU).

Reproducibility
---------------
Dates are independent problems, but the number of dates per call changes how XLA blocks the
Gram products, so sums round differently in the last bits and the fixed number of LM steps can
carry that along flat directions of the SSR: a date fitted alone or in a batch agrees to about
1e-10 relative in SSR and a few thousandths of a trading day in tc (see
``tests/detect/test_lppls_jax.py``). Same inputs and batch give the same numbers.

References
----------
Filimonov, V. and Sornette, D. (2013). A stable and robust calibration scheme of the
log-periodic power law model. Physica A 392(17), 3698–3707.
Golub, G. and Pereyra, V. (1973). The differentiation of pseudo-inverses and nonlinear least
squares problems whose variables separate. SIAM J. Numer. Anal. 10(2), 413–432.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

import numpy as np

from bubblescope._kernels.psy_jax import default_max_bytes, import_jax
from bubblescope._typing import Float64Array, IntArray

__all__ = ["dates_per_call", "fit_dates_jax", "refit_rows_jax", "rows_per_call"]

#: As in the numba polish: stop when an accepted step gains less than this (relative SSR).
_TOL = 1e-9
#: As in the numba kernel: below this distance from tc, f = g = h = 0.
_TINY = 1e-9
#: As in the numba kernel: relative residual variance below which a column is dropped.
_COLLINEAR = 1e-12
#: Runs of windows of similar length whose polish uses only their own points.
LENGTH_CLASSES = 4
#: Columns of the polish's Gram matrix (see ``normal_eq`` in :func:`_compiled`).
_POLISH_COLUMNS = 14
#: Live float64 copies of the per-offset feature block assumed by the memory estimate.
_LIVE = 4


def _chol3(jnp: Any, a: tuple[Any, ...]) -> tuple[Any, ...]:
    """Cholesky factor of the centred 3×3 matrix ``a = (a11, a12, a13, a22, a23, a33)``.

    A column whose residual variance falls below :data:`_COLLINEAR` of its own is dropped
    (its row of ``L`` is zero and its flag False), as in
    :func:`bubblescope._kernels.lppls._solve3`. Returns ``(l00, l10, l20, l11, l21, l22,
    ok0, ok1, ok2)``.
    """
    a11, a12, a13, a22, a23, a33 = a
    ok0 = a11 > 0.0
    l00 = jnp.sqrt(jnp.where(ok0, a11, 1.0))
    l10 = jnp.where(ok0, a12 / l00, 0.0)
    l20 = jnp.where(ok0, a13 / l00, 0.0)
    d1 = a22 - l10 * l10
    ok1 = (d1 > _COLLINEAR * a22) & (d1 > 0.0)
    l11 = jnp.sqrt(jnp.where(ok1, d1, 1.0))
    l21 = jnp.where(ok1, (a23 - l20 * l10) / l11, 0.0)
    d2 = a33 - l20 * l20 - l21 * l21
    ok2 = (d2 > _COLLINEAR * a33) & (d2 > 0.0)
    l22 = jnp.sqrt(jnp.where(ok2, d2, 1.0))
    return l00, l10, l20, l11, l21, l22, ok0, ok1, ok2


def _forward3(jnp: Any, chol: tuple[Any, ...], r: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    """``z = L⁻¹ r`` with the dropped columns' entries zero (``chol`` from :func:`_chol3`)."""
    l00, l10, l20, l11, l21, l22, ok0, ok1, ok2 = chol
    z0 = jnp.where(ok0, r[0] / l00, 0.0)
    z1 = jnp.where(ok1, (r[1] - l10 * z0) / l11, 0.0)
    z2 = jnp.where(ok2, (r[2] - l20 * z0 - l21 * z1) / l22, 0.0)
    return z0, z1, z2


def _solve3(jnp: Any, n: Any, s: list[Any], sy: Any, syy: Any) -> tuple[Any, ...]:
    """Vectorised :func:`bubblescope._kernels.lppls._solve3`: ``(ssr, A, B, C1, C2)``.

    ``s`` holds Σf, Σg, Σh, Σff, Σfg, Σfh, Σgg, Σgh, Σhh, Σyf, Σyg, Σyh.
    """
    sf, sg, sh, sff, sfg, sfh, sgg, sgh, shh, syf, syg, syh = s
    chol = _chol3(
        jnp,
        (
            sff - sf * sf / n,
            sfg - sf * sg / n,
            sfh - sf * sh / n,
            sgg - sg * sg / n,
            sgh - sg * sh / n,
            shh - sh * sh / n,
        ),
    )
    l00, l10, l20, l11, l21, l22, ok0, ok1, ok2 = chol
    z0, z1, z2 = _forward3(jnp, chol, (syf - sy * sf / n, syg - sy * sg / n, syh - sy * sh / n))
    ssr = jnp.maximum(syy - sy * sy / n - z0 * z0 - z1 * z1 - z2 * z2, 0.0)
    c2 = jnp.where(ok2, z2 / l22, 0.0)
    c1 = jnp.where(ok1, (z1 - l21 * c2) / l11, 0.0)
    b = jnp.where(ok0, (z0 - l10 * c1 - l20 * c2) / l00, 0.0)
    a = (sy - b * sf - c1 * sg - c2 * sh) / n
    return ssr, a, b, c1, c2


def _solve_3x3(jnp: Any, mat: Any, rhs: Any) -> Any:
    """Solve one 3×3 system by Cramer's rule (no LAPACK call per tiny system)."""

    def det(c0: Any, c1: Any, c2: Any) -> Any:
        return (
            c0[0] * (c1[1] * c2[2] - c1[2] * c2[1])
            - c1[0] * (c0[1] * c2[2] - c0[2] * c2[1])
            + c2[0] * (c0[1] * c1[2] - c0[2] * c1[1])
        )

    a0, a1, a2 = mat[:, 0], mat[:, 1], mat[:, 2]
    d = det(a0, a1, a2)
    return jnp.stack([det(rhs, a1, a2), det(a0, rhs, a2), det(a0, a1, rhs)]) / d


def _columns(jnp: Any, t: Any, tc: Any, m: Any, omega: Any, scale: Any) -> tuple[Any, ...]:
    """f, g, h at times ``t`` in scaled time (zero within ``_TINY`` of tc)."""
    d = jnp.abs(tc - t)
    ok = d > _TINY
    lu = jnp.log(jnp.where(ok, d, 1.0) / scale)
    f = jnp.where(ok, jnp.exp(m * lu), 0.0)
    return f, f * jnp.cos(omega * lu), f * jnp.sin(omega * lu)


def _basis(jnp: Any, theta: Any, tt: Any, scale: Any) -> tuple[Any, ...]:
    """``ln|tc − t|/scale``, f, g, h and ``1/(tc − t)`` at times ``tt`` (zero near tc)."""
    dd = theta[0] - tt
    ok = jnp.abs(dd) > _TINY
    lu = jnp.log(jnp.where(ok, jnp.abs(dd), 1.0) / scale)
    f = jnp.where(ok, jnp.exp(theta[1] * lu), 0.0)
    arg = theta[2] * lu
    return lu, f, f * jnp.cos(arg), f * jnp.sin(arg), jnp.where(ok, 1.0 / dd, 0.0)


def _gram(jnp: Any, cols: list[Any], wmask: Any) -> Any:
    """All pairwise sums of the masked columns: one small matrix product per window."""
    x = jnp.stack(cols, axis=-1) * wmask[:, None]
    return x.T @ x


def _profile(jnp: Any, theta: Any, tt: Any, yc: Any, wmask: Any, scale: Any) -> tuple[Any, ...]:
    """``(ssr, A, B, C1, C2)`` of the slaved linear fit of one window at θ, from sums."""
    _, f, g, h, _ = _basis(jnp, theta, tt, scale)
    G = _gram(jnp, [jnp.ones_like(f), f, g, h, yc], wmask)
    s = [G[0, 1], G[0, 2], G[0, 3], G[1, 1], G[1, 2], G[1, 3]]
    s += [G[2, 2], G[2, 3], G[3, 3], G[4, 1], G[4, 2], G[4, 3]]
    return _solve3(jnp, G[0, 0], s, G[0, 4], G[4, 4])


def _normal_eq(
    jnp: Any,
    theta: Any,
    beta: tuple[Any, ...],
    tt: Any,
    yc: Any,
    wmask: Any,
    span_k: Any,
    scale: Any,
) -> tuple[Any, Any]:
    """Gradient ``J'r`` and ``J'J`` of the slaved residuals in unit-box coordinates.

    ``J`` is the exact variable-projection Jacobian (Golub and Pereyra 1973) from
    closed-form derivatives of f, g, h: with ``v_k = (∂X/∂θ_k) β`` and
    ``w_k = (∂X/∂θ_k)' r``, ``J_k = −(P⊥ v_k + X (X'X)⁻¹ w_k)``, so
    ``J'r = −V'r`` and ``J'J = V'P⊥V + W'(X'X)⁻¹W`` (the cross terms vanish).
    """
    a, b, c1, c2 = beta
    lu, f, g, h, inv = _basis(jnp, theta, tt, scale)
    m, om = theta[1], theta[2]
    u = b * f + c1 * g + c2 * h
    w = c2 * g - c1 * h
    r = yc - a - u
    # ∂/∂tc, ∂/∂m, ∂/∂ω of (B f + C1 g + C2 h), scaled to the unit box
    v = [span_k[0] * inv * (m * u + om * w), span_k[1] * lu * u, span_k[2] * lu * w]
    one = jnp.ones_like(f)
    G = _gram(jnp, [one, f, g, h, r, *v, f * inv, g * inv, h * inv, f * lu, g * lu, h * lu], wmask)
    n = G[0, 0]
    chol = _chol3(
        jnp,
        tuple(
            G[i, j] - G[0, i] * G[0, j] / n
            for i, j in ((1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3))
        ),
    )
    # P⊥ part: centred V'V minus its projection on the centred f, g, h
    pv = [
        _forward3(jnp, chol, tuple(G[5 + k, i] - G[0, 5 + k] * G[0, i] / n for i in (1, 2, 3)))
        for k in range(3)
    ]
    # W = (∂X/∂θ)' r per parameter (the constant column's derivative is zero)
    rf, rg, rh = G[4, 8], G[4, 9], G[4, 10]
    rfl, rgl, rhl = G[4, 11], G[4, 12], G[4, 13]
    wcols = [
        (m * rf, m * rg - om * rh, m * rh + om * rg),
        (rfl, rgl, rhl),
        (jnp.zeros_like(rfl), -rhl, rgl),
    ]
    pw = [_forward3(jnp, chol, tuple(span_k[k] * x for x in wcols[k])) for k in range(3)]
    jtj = jnp.stack(
        [
            jnp.stack(
                [
                    G[5 + k, 5 + j]
                    - G[0, 5 + k] * G[0, 5 + j] / n
                    - sum(pv[k][i] * pv[j][i] for i in range(3))
                    + sum(pw[k][i] * pw[j][i] for i in range(3))
                    for j in range(3)
                ]
            )
            for k in range(3)
        ]
    )
    grad = -jnp.stack([G[4, 5 + k] for k in range(3)])
    return grad, jtj


def _polish(
    jnp: Any,
    lax: Any,
    n_iter: int,
    max_accepted: int,
    p0: Any,
    tt: Any,
    yc: Any,
    wmask: Any,
    lo_k: Any,
    span_k: Any,
    scale: Any,
) -> tuple[Any, Any]:
    """Projected LM from unit-box ``p0``, as :func:`bubblescope._kernels.lppls.polish`.

    Each of the ``n_iter`` attempts solves ``(J'J + λ diag J'J) step = −J'r`` on the free
    coordinates and accepts the clipped step if the SSR falls (λ /= 4, at least 1e-9), else
    λ *= 4. A lane stops (its state frozen) where the numba polish stops: after
    ``max_accepted`` accepted steps, an accepted step gaining less than :data:`_TOL`
    relative, or a rejection that takes λ to 1e12. The fixed attempt count keeps the program
    data-independent; the numba loop's attempts beyond ``n_iter`` are the only difference.
    Returns the final point and its SSR.
    """

    def prof(p: Any) -> tuple[Any, ...]:
        return _profile(jnp, lo_k + p * span_k, tt, yc, wmask, scale)

    def body(_: Any, state: tuple[Any, ...]) -> tuple[Any, ...]:
        p, ssr, lam, beta, accepted, done = state
        g, jtj = _normal_eq(jnp, lo_k + p * span_k, beta, tt, yc, wmask, span_k, scale)
        free = (span_k > 0) & ~((p <= 0.0) & (g > 0)) & ~((p >= 1.0) & (g < 0))
        both = free[:, None] & free[None, :]
        diag = jnp.where(free, lam * jnp.maximum(jnp.diag(jtj), 1e-12), 1.0)
        mat = jnp.where(both, jtj, 0.0) + jnp.diag(diag)
        rhs = jnp.where(free, -g, 0.0)
        step = _solve_3x3(jnp, mat, rhs)
        step = jnp.where(jnp.isfinite(step), step, 0.0)
        pt = jnp.clip(p + step, 0.0, 1.0)
        trial = prof(pt)
        acc = (trial[0] < ssr) & ~done
        gain = (ssr - trial[0]) / jnp.maximum(ssr, 1e-300)
        count = accepted + acc.astype(accepted.dtype)
        rejected = ~done & ~acc
        stop = (acc & ((gain < _TOL) | (count >= max_accepted))) | (rejected & (lam * 4.0 >= 1e12))
        return (
            jnp.where(acc, pt, p),
            jnp.where(acc, trial[0], ssr),
            jnp.where(acc, jnp.maximum(lam / 4.0, 1e-9), jnp.where(rejected, lam * 4.0, lam)),
            tuple(jnp.where(acc, x, y) for x, y in zip(trial[1:], beta, strict=True)),
            count,
            done | stop,
        )

    first = prof(p0)
    init = (p0, first[0], jnp.asarray(1e-3), first[1:], jnp.asarray(0), jnp.asarray(False))
    p, ssr, *_ = lax.fori_loop(0, n_iter, body, init)
    return p, ssr


def _summary(jnp: Any, theta: Any, t: Any, yc: Any, wm: Any, s0: Any, t2: float, ymean: Any) -> Any:
    """``[tc, m, ω, SSR, A, B, C1, C2, relative error]`` of the window masked by ``wm``.

    (A, B, C1, C2) in unscaled time as :func:`bubblescope._kernels.lppls.linear_params`
    reports them (A shifted back by ``ymean``); ``s0`` is the window's first point.
    """
    tc, m, om = theta[0], theta[1], theta[2]
    scale = jnp.maximum(jnp.maximum(jnp.abs(tc - s0), jnp.abs(tc - t2)), 1.0)
    _, a, bs, c1s, c2s = _profile(jnp, theta, t, yc, wm, scale)
    _, f, g, h, _ = _basis(jnp, theta, t, scale)
    r = wm * (yc - (a + bs * f + c1s * g + c2s * h))
    kk = jnp.exp(-m * jnp.log(scale))
    phi0 = om * jnp.log(scale)
    rel = (wm * jnp.abs(jnp.expm1(r))).sum() / wm.sum()
    return jnp.stack(
        [
            tc,
            m,
            om,
            r @ r,
            a + ymean,
            kk * bs,
            kk * (c1s * jnp.cos(phi0) - c2s * jnp.sin(phi0)),
            kk * (c1s * jnp.sin(phi0) + c2s * jnp.cos(phi0)),
            rel,
        ]
    )


def _length_classes(starts: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """Split the windows into at most :data:`LENGTH_CLASSES` runs ``(first, stop, start)``.

    The polish of a window of a run only looks at the points from ``start`` (the run's
    longest window's first point) on, so short windows do not pay for the longest one's
    padding.
    """
    runs = np.array_split(np.arange(len(starts)), min(LENGTH_CLASSES, len(starts)))
    return [(int(r[0]), int(r[-1]) + 1, int(starts[r[0]])) for r in runs]


@lru_cache(maxsize=8)
def _compiled(
    n: int,
    starts: tuple[int, ...],
    offsets: tuple[float, ...],
    m_grid: tuple[float, ...],
    w_grid: tuple[float, ...],
    tc_frac: tuple[float, float],
    space_m: tuple[float, float],
    space_w: tuple[float, float],
    keep: int,
    n_iter: int,
    max_accepted: int,
) -> Any:
    """Build and jit the batched fit for one problem shape (cached per shape and settings)."""
    jax = import_jax()
    jnp = jax.numpy
    lax = jax.lax
    t2 = float(n - 1)
    t = jnp.arange(n, dtype=jnp.float64)
    st = jnp.asarray(starts, dtype=jnp.int64)
    dts = t2 - st.astype(jnp.float64)
    nwin = jnp.asarray(n - st, dtype=jnp.float64)
    mask = (t[None, :] >= st[:, None].astype(jnp.float64)).astype(jnp.float64)  # (W, n)
    offs = jnp.asarray(offsets)
    mg = jnp.asarray(m_grid)
    wg = jnp.asarray(w_grid)
    n_w, n_m = len(w_grid), len(m_grid)
    lo = jnp.stack(
        [t2 + tc_frac[0] * dts, jnp.full(dts.shape, space_m[0]), jnp.full(dts.shape, space_w[0])],
        axis=1,
    )
    hi = jnp.stack(
        [t2 + tc_frac[1] * dts, jnp.full(dts.shape, space_m[1]), jnp.full(dts.shape, space_w[1])],
        axis=1,
    )
    span = hi - lo
    steps = jnp.asarray(
        [
            offsets[1] - offsets[0] if len(offsets) > 1 else 0.0,
            m_grid[1] - m_grid[0] if n_m > 1 else 0.0,
            w_grid[1] - w_grid[0] if n_w > 1 else 0.0,
        ]
    )
    scale_grid = float(n)

    def grid(yc: Any) -> tuple[Any, Any]:
        sy = mask @ yc
        syy = mask @ (yc * yc)

        def one_offset(off: Any) -> Any:
            f, g, h = _columns(
                jnp, t[None, None, :], t2 + off, mg[None, :, None], wg[:, None, None], scale_grid
            )
            f = jnp.broadcast_to(f, g.shape)
            feats = jnp.stack(
                [f, g, h, f * f, f * g, f * h, g * g, g * h, h * h, yc * f, yc * g, yc * h]
            )  # (12, n_w, n_m, n)
            sums = jnp.einsum("kn,cwmn->ckwm", mask, feats)  # (12, W, n_w, n_m)
            nn = nwin[:, None, None]
            ssr = _solve3(jnp, nn, list(sums), sy[:, None, None], syy[:, None, None])[0]
            admissible = (tc_frac[0] * dts <= off) & (off <= tc_frac[1] * dts)
            return jnp.where(admissible[:, None, None], ssr, jnp.inf)

        ssr = lax.map(one_offset, offs)  # (n_tc, W, n_w, n_m)
        flat = jnp.moveaxis(ssr, 1, 0).reshape(ssr.shape[1], -1)
        neg, idx = lax.top_k(-flat, keep)
        io = idx // (n_w * n_m)
        iw = (idx // n_m) % n_w
        im = idx % n_m
        par = jnp.stack([offs[io], mg[im], wg[iw]], axis=-1)  # (W, keep, 3)
        return -neg, par

    def final(p: Any, yc: Any, ymean: Any, k: Any) -> Any:
        """(tc, m, ω, SSR, A, B, C1, C2, relative error) of window ``k`` at unit-box ``p``."""
        s0 = st[k].astype(jnp.float64)
        return _summary(jnp, lo[k] + p * span[k], t, yc, mask[k], s0, t2, ymean)

    polish = partial(_polish, jnp, lax, n_iter, max_accepted)

    scales = jnp.maximum(dts, 1.0)
    win_idx = jnp.arange(len(starts))
    classes = _length_classes(starts)

    def one_date(y: Any) -> tuple[Any, Any]:
        ymean = y.mean()
        yc = y - ymean
        best_ssr, par = grid(yc)
        cand = par.at[:, :, 0].set(jnp.where(jnp.isfinite(best_ssr), par[:, :, 0], jnp.nan))
        for j in range(1, keep):
            for i in range(j):
                near = jnp.all(jnp.abs(cand[:, j, :] - cand[:, i, :]) <= 1.01 * steps, axis=1)
                drop = near & jnp.isfinite(cand[:, i, 0])
                cand = cand.at[:, j, 0].set(jnp.where(drop, jnp.nan, cand[:, j, 0]))
        cand = cand.at[:, :, 0].add(t2)
        empty = ~jnp.isfinite(best_ssr[:, 0])
        mid = 0.5 * (lo + hi)
        cand = cand.at[:, 0, :].set(jnp.where(empty[:, None], mid, cand[:, 0, :]))
        valid = jnp.isfinite(cand[:, :, 0])
        start = jnp.where(valid[:, :, None], cand, mid[:, None, :])
        safe_span = jnp.where(span > 0, span, 1.0)
        p0 = jnp.where(
            span[:, None, :] > 0,
            jnp.clip((start - lo[:, None, :]) / safe_span[:, None, :], 0, 1),
            0,
        )
        pol = jax.vmap(  # windows
            jax.vmap(polish, in_axes=(0, None, None, None, None, None, None)),  # candidates
            in_axes=(0, None, None, 0, 0, 0, 0),
        )
        # windows of a class share the points from the class's longest window on
        parts = [
            pol(
                p0[a:b],
                t[s0:],
                yc[s0:],
                mask[a:b, s0:],
                lo[a:b],
                span[a:b],
                scales[a:b],
            )
            for a, b, s0 in classes
        ]
        p = jnp.concatenate([x[0] for x in parts])
        ssr = jnp.concatenate([x[1] for x in parts])
        ssr = jnp.where(valid, ssr, jnp.inf)
        best = jnp.argmin(ssr, axis=1)
        pb = jnp.take_along_axis(p, best[:, None, None], axis=1)[:, 0, :]
        out = jax.vmap(final, in_axes=(0, None, None, 0))(pb, yc, ymean, win_idx)
        return out, cand

    return jax.jit(jax.vmap(one_date))


def dates_per_call(
    n: int, n_m: int, n_omega: int, n_windows: int, keep: int, max_bytes: int | None = None
) -> int:
    """Dates per kernel call that keep the working set under ``max_bytes``.

    The larger of two per-date footprints counts: the grid's features of one tc offset
    (``12 · n_m · n_ω · n`` values) and the polish's columns of every window and candidate
    (``n_windows · keep · n · 14`` values at most), each held a few times over.

    Parameters
    ----------
    n : int
        Observations per date (the longest window).
    n_m, n_omega : int
        Grid sizes of m and ω.
    n_windows : int
        Windows per date.
    keep : int
        Candidates polished per window.
    max_bytes : int or None
        Budget in bytes; None means :func:`bubblescope._kernels.psy_jax.default_max_bytes`.
    """
    if max_bytes is None:
        max_bytes = default_max_bytes()
    per_date = max(12 * n_m * n_omega, _POLISH_COLUMNS * n_windows * keep) * n * 8 * _LIVE
    return int(max(1, min(4096, max_bytes // max(per_date, 1))))


def fit_dates_jax(
    ys: Float64Array,
    starts: IntArray,
    offsets: Float64Array,
    m_grid: Float64Array,
    w_grid: Float64Array,
    tc_frac: tuple[float, float],
    m_bounds: tuple[float, float],
    w_bounds: tuple[float, float],
    keep: int,
    n_iter: int,
    max_accepted: int,
    batch: int | None = None,
) -> tuple[Float64Array, Float64Array]:
    """Best LPPLS fit of every nested window of every date, on the default JAX device.

    Parameters
    ----------
    ys : ndarray, shape (D, N)
        Log prices per date; t2 = N − 1 (trading days are the index).
    starts : ndarray of int, shape (W,)
        Window starts, strictly increasing.
    offsets, m_grid, w_grid : ndarray
        Grid of tc − t2 (trading days), m and ω, as in
        :func:`bubblescope._kernels.lppls.grid_nested`.
    tc_frac : tuple of float
        tc bounds as fractions of dt = t2 − t1 (``SearchSpace.tc``).
    m_bounds, w_bounds : tuple of float
        Bounds of m and ω.
    keep : int
        Grid candidates polished per window.
    n_iter : int
        LM attempts per candidate (see :func:`_polish`).
    max_accepted : int
        Accepted LM steps after which a candidate stops (the numba polish's ``max_iter``).
    batch : int, optional
        Dates per kernel call (a shorter last call is padded to this size, so one shape
        compiles); default the smaller of ``D`` and :func:`dates_per_call`.

    Returns
    -------
    fits : ndarray, shape (D, W, 9)
        ``[tc, m, ω, SSR, A, B, C1, C2, relative error]`` per window (absolute tc).
    candidates : ndarray, shape (D, W, keep, 3)
        The polished grid starting points (absolute tc; NaN tc where dropped).
    """
    jax = import_jax()
    ys = np.ascontiguousarray(ys, dtype=np.float64)
    d, n = ys.shape
    fn = _compiled(
        n,
        tuple(int(s) for s in starts),
        tuple(float(x) for x in offsets),
        tuple(float(x) for x in m_grid),
        tuple(float(x) for x in w_grid),
        (float(tc_frac[0]), float(tc_frac[1])),
        (float(m_bounds[0]), float(m_bounds[1])),
        (float(w_bounds[0]), float(w_bounds[1])),
        int(keep),
        int(n_iter),
        int(max_accepted),
    )
    b = max(1, batch or min(d, dates_per_call(n, len(m_grid), len(w_grid), len(starts), keep)))
    fits = np.empty((d, len(starts), 9))
    cands = np.empty((d, len(starts), keep, 3))
    for lo in range(0, d, b):
        chunk = ys[lo : lo + b]
        k = chunk.shape[0]
        if k < b:
            chunk = np.concatenate([chunk, np.repeat(chunk[-1:], b - k, axis=0)])
        out, cand = fn(jax.numpy.asarray(chunk))
        fits[lo : lo + k] = np.asarray(out)[:k]
        cands[lo : lo + k] = np.asarray(cand)[:k]
    return fits, cands


@lru_cache(maxsize=8)
def _compiled_refit(n: int, n_iter: int, max_accepted: int) -> Any:
    """Build and jit the batched refit of single windows (one shape per length and n_iter)."""
    jax = import_jax()
    jnp = jax.numpy
    t = jnp.arange(n, dtype=jnp.float64)
    t2 = float(n - 1)
    polish = jax.vmap(
        partial(_polish, jnp, jax.lax, n_iter, max_accepted),
        in_axes=(0, None, None, None, None, None, None),
    )

    def one_row(y: Any, s0: Any, cand: Any, lo_r: Any, hi_r: Any) -> Any:
        wm = (t >= s0).astype(jnp.float64)
        ymean = (y * wm).sum() / wm.sum()
        yc = (y - ymean) * wm
        span_r = hi_r - lo_r
        safe = jnp.where(span_r > 0, span_r, 1.0)
        p0 = jnp.where(span_r > 0, jnp.clip((cand - lo_r) / safe, 0.0, 1.0), 0.0)
        p, ssr = polish(p0, t, yc, wm, lo_r, span_r, jnp.maximum(t2 - s0, 1.0))
        return _summary(jnp, lo_r + p[jnp.argmin(ssr)] * span_r, t, yc, wm, s0, t2, ymean)

    return jax.jit(jax.vmap(one_row))


def rows_per_call(n: int, n_starts: int, max_bytes: int | None = None) -> int:
    """Rows per :func:`refit_rows_jax` call that keep the polish's columns under ``max_bytes``."""
    if max_bytes is None:
        max_bytes = default_max_bytes()
    per_row = _POLISH_COLUMNS * n_starts * n * 8 * _LIVE
    return int(max(1, min(1 << 16, max_bytes // max(per_row, 1))))


def refit_rows_jax(
    ys: Float64Array,
    starts: IntArray,
    cands: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    n_iter: int,
    max_accepted: int,
    batch: int | None = None,
) -> Float64Array:
    """Refit every row on its own window from a few starting points, on the default JAX device.

    The GPU counterpart of :func:`bubblescope._kernels.lppls.fit_batch` for the synthetic
    series of DS LPPLS Trust: row ``r`` is fitted on points ``starts[r] .. N − 1`` (earlier
    points are ignored), by ``n_iter`` projected LM iterations from each of its starting
    points, and the lower-SSR end is kept.

    Parameters
    ----------
    ys : ndarray, shape (R, N)
        Log prices; t2 = N − 1 for every row.
    starts : ndarray of int, shape (R,)
        First point of each row's window.
    cands : ndarray, shape (R, S, 3)
        Starting (tc, m, ω) per row (absolute tc).
    lo, hi : ndarray, shape (R, 3)
        Bounds of (tc, m, ω) per row.
    n_iter : int
        LM attempts per starting point (see :func:`_polish`).
    max_accepted : int
        Accepted LM steps after which a start stops (the numba polish's ``max_iter``).
    batch : int, optional
        Rows per kernel call (the last call is padded to it); default :func:`rows_per_call`.

    Returns
    -------
    ndarray, shape (R, 9)
        ``[tc, m, ω, SSR, A, B, C1, C2, relative error]`` per row, as ``fit_batch``.
    """
    jax = import_jax()
    jnp = jax.numpy
    ys = np.ascontiguousarray(ys, dtype=np.float64)
    r, n = ys.shape
    fn = _compiled_refit(n, int(n_iter), int(max_accepted))
    b = max(1, min(r, batch or rows_per_call(n, cands.shape[1])))
    out = np.empty((r, 9))
    args = [ys, np.asarray(starts, dtype=np.float64), cands, lo, hi]
    for first in range(0, r, b):
        chunk = [np.asarray(a[first : first + b], dtype=np.float64) for a in args]
        k = chunk[0].shape[0]
        if k < b:  # pad to the compiled shape
            chunk = [np.concatenate([c, np.repeat(c[-1:], b - k, axis=0)]) for c in chunk]
        out[first : first + k] = np.asarray(fn(*(jnp.asarray(c) for c in chunk)))[:k]
    return out
