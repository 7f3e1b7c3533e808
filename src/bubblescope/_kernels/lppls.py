"""LPPLS kernels: profiled (slaved) SSR, a nested-window grid search and bounded polishing.

The JLS log-periodic power law singularity model in the Filimonov–Sornette (2013) form is

    ln p(t) = A + B f + C1 g + C2 h,
    f = |tc − t|^m,  g = f cos(ω ln|tc − t|),  h = f sin(ω ln|tc − t|).

For fixed nonlinear parameters (tc, m, ω) the linear ones (A, B, C1, C2) solve the 4×4 normal
equations; the kernels solve the equivalent 3×3 system of the *centred* sums (the intercept
drops out), by a Cholesky factorisation that skips a column whose residual variance after the
earlier columns is below ``1e-12`` of its own (an unidentified column, e.g. f ≈ constant as
m → 0). The profiled SSR is then ``Syy − ‖L⁻¹ r‖²``.

Inside the kernels time is rescaled, ``u = |tc − t| / S`` with ``S`` the window length, so the
sums stay O(1) for m up to 2; this changes (B, C1, C2) by known factors but not the SSR.

Nested windows sharing the right end t2 share f, g, h for every candidate (tc, m, ω) with tc
measured from t2, so one backward pass of suffix sums gives the normal equations of *all*
windows at once (:func:`grid_nested`).

ln, the power and the oscillations are computed by :mod:`bubblescope._kernels.elementary`
(within 1 ulp of the C library, the C library itself outside their domains), so the loops over
the points run in vector registers. The polish's running sums (the normal equations, Jᵀr and
JᵀJ) are compiled to be reordered into vector partial sums (:func:`bubblescope._numba.njit_sums`):
equal to the in-order sums within rounding, the same bits on every call on one machine.

All functions take plain float64 arrays; time is in trading days (observation index).

References
----------
Filimonov, V. and Sornette, D. (2013). A stable and robust calibration scheme of the
log-periodic power law model. Physica A 392(17), 3698–3707.
"""

from __future__ import annotations

import math

import numpy as np

from bubblescope._kernels.elementary import (
    EXP_LIMIT,
    TRIG_LIMIT,
    exp_fast,
    log_fast,
    log_in_domain,
    sincos_fast,
)
from bubblescope._numba import njit, njit_ieee, njit_nogil, njit_sums
from bubblescope._typing import Float64Array, IntArray

__all__ = [
    "fit_batch",
    "grid_nested",
    "grid_nested_dates",
    "linear_fit",
    "linear_params",
    "lppls_path",
    "polish",
    "polish_outputs",
    "polish_warm",
    "polish_windows",
    "profiled_ssr",
]

#: Below this distance (trading days) from tc, f = g = h = 0 (their limit for m > 0).
_TINY = 1e-9
#: A column whose residual variance after the earlier ones is below this fraction of its own is
#: treated as unidentified and dropped from the solve.
_COLLINEAR = 1e-12


@njit_ieee
def _factor3(
    n: float,
    sf: float,
    sg: float,
    sh: float,
    sff: float,
    sfg: float,
    sfh: float,
    sgg: float,
    sgh: float,
    shh: float,
) -> tuple[float, float, float, float, float, float]:
    """Cholesky factor (l00, l10, l20, l11, l21, l22) of the centred 3×3 system of f, g, h.

    A pivot that is not positive (or, after the first, collinear to within ``_COLLINEAR``)
    leaves its column zero, which drops that regressor.
    """
    a11 = sff - sf * sf / n
    a12 = sfg - sf * sg / n
    a13 = sfh - sf * sh / n
    a22 = sgg - sg * sg / n
    a23 = sgh - sg * sh / n
    a33 = shh - sh * sh / n
    l00 = 0.0
    l10 = 0.0
    l20 = 0.0
    l11 = 0.0
    l21 = 0.0
    l22 = 0.0
    if a11 > 0.0:
        l00 = math.sqrt(a11)
        l10 = a12 / l00
        l20 = a13 / l00
    d1 = a22 - l10 * l10
    if d1 > _COLLINEAR * a22 and d1 > 0.0:
        l11 = math.sqrt(d1)
        l21 = (a23 - l20 * l10) / l11
    d2 = a33 - l20 * l20 - l21 * l21
    if d2 > _COLLINEAR * a33 and d2 > 0.0:
        l22 = math.sqrt(d2)
    return l00, l10, l20, l11, l21, l22


@njit_ieee
def _forward3(
    l00: float,
    l10: float,
    l20: float,
    l11: float,
    l21: float,
    l22: float,
    r1: float,
    r2: float,
    r3: float,
    ryy: float,
) -> tuple[float, float, float, float]:
    """SSR (floored at 0) and ``z = L⁻¹ r`` for the factor of :func:`_factor3`.

    ``r`` is the centred right-hand side, ``ryy`` the centred sum of squares of y; a dropped
    (zero) pivot gives a zero ``z``.
    """
    z0 = 0.0
    z1 = 0.0
    z2 = 0.0
    if l00 > 0.0:
        z0 = r1 / l00
    if l11 > 0.0:
        z1 = (r2 - l10 * z0) / l11
    if l22 > 0.0:
        z2 = (r3 - l20 * z0 - l21 * z1) / l22
    ssr = ryy - z0 * z0 - z1 * z1 - z2 * z2
    if ssr < 0.0:
        ssr = 0.0
    return ssr, z0, z1, z2


@njit
def _keep_best(
    best_ssr: Float64Array, best_par: Float64Array, ssr: float, off: float, m: float, om: float
) -> None:
    """Insert (``ssr``; ``off``, ``m``, ``om``) into one window's ascending kept list, in place."""
    keep = best_ssr.shape[0]
    if ssr < best_ssr[keep - 1]:
        j = keep - 1
        while j > 0 and best_ssr[j - 1] > ssr:
            best_ssr[j] = best_ssr[j - 1]
            best_par[j, 0] = best_par[j - 1, 0]
            best_par[j, 1] = best_par[j - 1, 1]
            best_par[j, 2] = best_par[j - 1, 2]
            j -= 1
        best_ssr[j] = ssr
        best_par[j, 0] = off
        best_par[j, 1] = m
        best_par[j, 2] = om


@njit
def _solve3(
    n: float,
    sf: float,
    sg: float,
    sh: float,
    sff: float,
    sfg: float,
    sfh: float,
    sgg: float,
    sgh: float,
    shh: float,
    sy: float,
    syf: float,
    syg: float,
    syh: float,
    syy: float,
) -> tuple[float, float, float, float, float]:
    """Profiled SSR and (A, B, C1, C2) from raw sums, via the centred 3×3 system."""
    l00, l10, l20, l11, l21, l22 = _factor3(n, sf, sg, sh, sff, sfg, sfh, sgg, sgh, shh)
    ssr, z0, z1, z2 = _forward3(
        l00, l10, l20, l11, l21, l22,
        syf - sy * sf / n, syg - sy * sg / n, syh - sy * sh / n, syy - sy * sy / n,
    )  # fmt: skip
    c2 = z2 / l22 if l22 > 0.0 else 0.0
    c1 = (z1 - l21 * c2) / l11 if l11 > 0.0 else 0.0
    b = (z0 - l10 * c1 - l20 * c2) / l00 if l00 > 0.0 else 0.0
    a = (sy - b * sf - c1 * sg - c2 * sh) / n
    return ssr, a, b, c1, c2


@njit_ieee
def _basis_rows(
    t: Float64Array, tc: float, m: float, omega: float, scale: float, buf: Float64Array
) -> int:
    """Fill ``buf`` (shape (5, n)) with f, g, h, ln(d/S) and 1/(tc − t) at every point.

    Points within ``_TINY`` of tc (or with a NaN distance) get zeros in every row. The
    transcendental functions are those of :mod:`bubblescope._kernels.elementary`, so the loops
    run in vector registers; returns how many domain checks failed (zero exactly when every
    point is inside the functions' domains; otherwise the rows are to be redone by
    :func:`_basis_rows_exact`).

    Two loops, ln(d/S) and 1/(tc − t) first, then the power and the oscillations from the
    stored logarithm: the values of one loop over both, at half its cost (one loop holds more
    constants than the vector registers take).
    """
    outside = 0
    n = t.shape[0]
    for i in range(n):
        dd = tc - t[i]
        d = abs(dd)
        near = not d > _TINY
        u = d / scale
        lu = log_fast(u)
        outside += 0 if (near or log_in_domain(u)) else 1
        buf[3, i] = 0.0 if near else lu
        buf[4, i] = 0.0 if near else 1.0 / dd
    for i in range(n):
        near = not abs(tc - t[i]) > _TINY
        lu = buf[3, i]
        x = m * lu
        phase = omega * lu
        f = exp_fast(x)
        sin_p, cos_p = sincos_fast(phase)
        ok = abs(x) <= EXP_LIMIT and abs(phase) <= TRIG_LIMIT
        outside += 0 if (near or ok) else 1
        buf[0, i] = 0.0 if near else f
        buf[1, i] = 0.0 if near else f * cos_p
        buf[2, i] = 0.0 if near else f * sin_p
    return outside


@njit
def _basis_rows_exact(
    t: Float64Array, tc: float, m: float, omega: float, scale: float, buf: Float64Array
) -> None:
    """Redo, by the C library's functions, the rows :func:`_basis_rows` left outside its domains."""
    for i in range(t.shape[0]):
        dd = tc - t[i]
        d = abs(dd)
        if not d > _TINY:
            continue
        u = d / scale
        lu = math.log(u)
        x = m * lu
        phase = omega * lu
        if log_in_domain(u) and abs(x) <= EXP_LIMIT and abs(phase) <= TRIG_LIMIT:
            continue
        f = math.exp(x)
        buf[0, i] = f
        buf[1, i] = f * math.cos(phase)
        buf[2, i] = f * math.sin(phase)
        buf[3, i] = lu
        buf[4, i] = 1.0 / dd


@njit
def _residuals_buf(
    t: Float64Array,
    y: Float64Array,
    tc: float,
    m: float,
    omega: float,
    scale: float,
    out: Float64Array,
    buf: Float64Array,
    sums: Float64Array,
) -> float:
    """Write the residuals of the slaved fit at (tc, m, ω) into ``out``; return the SSR.

    ``buf`` (shape (5, n)) receives f, g, h, ln(d/S) and sign(tc − t)/d (:func:`_basis_rows`),
    so the transcendental functions run once; ``sums`` (shape (14,)) receives Σf, Σg, Σh, Σff,
    Σfg, Σfh, Σgg, Σgh, Σhh, n and the scaled (A, B, C1, C2).
    """
    n = t.shape[0]
    if _basis_rows(t, tc, m, omega, scale, buf) > 0:
        _basis_rows_exact(t, tc, m, omega, scale, buf)
    sf, sg, sh, sff, sfg, sfh, sgg, sgh, shh, sy, syf, syg, syh, syy = _design_sums(buf, y)
    _, a, b, c1, c2 = _solve3(
        float(n), sf, sg, sh, sff, sfg, sfh, sgg, sgh, shh, sy, syf, syg, syh, syy
    )
    sums[0] = sf
    sums[1] = sg
    sums[2] = sh
    sums[3] = sff
    sums[4] = sfg
    sums[5] = sfh
    sums[6] = sgg
    sums[7] = sgh
    sums[8] = shh
    sums[9] = float(n)
    sums[10] = a
    sums[11] = b
    sums[12] = c1
    sums[13] = c2
    for i in range(n):
        out[i] = y[i] - (a + b * buf[0, i] + c1 * buf[1, i] + c2 * buf[2, i])
    return _sum_squares(out)


@njit_sums
def _design_sums(
    buf: Float64Array, y: Float64Array
) -> tuple[
    float, float, float, float, float, float, float, float, float, float, float, float, float,
    float,
]:  # fmt: skip
    """Σf, Σg, Σh, Σff, Σfg, Σfh, Σgg, Σgh, Σhh, Σy, Σyf, Σyg, Σyh, Σyy of ``buf``'s rows."""
    sf = sg = sh = sff = sfg = sfh = sgg = sgh = shh = 0.0
    sy = syf = syg = syh = syy = 0.0
    for i in range(y.shape[0]):
        f = buf[0, i]
        g = buf[1, i]
        h = buf[2, i]
        yi = y[i]
        sf += f
        sg += g
        sh += h
        sff += f * f
        sfg += f * g
        sfh += f * h
        sgg += g * g
        sgh += g * h
        shh += h * h
        sy += yi
        syf += yi * f
        syg += yi * g
        syh += yi * h
        syy += yi * yi
    return sf, sg, sh, sff, sfg, sfh, sgg, sgh, shh, sy, syf, syg, syh, syy


@njit_sums
def _sum_squares(x: Float64Array) -> float:
    """Σx²."""
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i] * x[i]
    return total


@njit
def _jacobian(
    buf: Float64Array,
    sums: Float64Array,
    r: Float64Array,
    m: float,
    omega: float,
    span: Float64Array,
    jac: Float64Array,
) -> None:
    """Exact (Golub–Pereyra) Jacobian of the slaved residuals, in the unit box, into ``jac``.

    ``jac`` has shape (3, n), one row per column of the Jacobian (tc, m, ω), so the loops
    over the points store contiguously and run in vector registers.

    With X the design (1, f, g, h), β its least-squares coefficients, D_j = ∂X/∂θ_j and P the
    projection on X's columns, column j is

        ∂r/∂θ_j = −[(I − P) D_j β + X (XᵀX)⁻¹ D_jᵀ r] · span_j,

    both solves done with the same centred 3×3 factorisation. The column derivatives use
    ∂ln(d/S)/∂tc = 1/(tc − t): ∂f/∂m = ln(d/S) f, ∂g/∂ω = −ln(d/S) h, ∂h/∂ω = ln(d/S) g,
    ∂f/∂tc = m f/(tc − t), ∂g/∂tc = (m g − ω h)/(tc − t), ∂h/∂tc = (m h + ω g)/(tc − t).
    """
    n = buf.shape[1]
    b = sums[11]
    c1 = sums[12]
    c2 = sums[13]
    # the unprojected columns D_j β (no running sums here, so the loop runs in vector registers)
    for i in range(n):
        f = buf[0, i]
        g = buf[1, i]
        h = buf[2, i]
        lu = buf[3, i]
        inv = buf[4, i]
        q = b * f + c1 * g + c2 * h
        osc = c2 * g - c1 * h
        jac[0, i] = (m * q + omega * osc) * inv
        jac[1, i] = lu * q
        jac[2, i] = lu * osc
    u00, u01, u02, u10, u11, u12, u21, u22 = _derivative_sums(buf, r, m, omega)
    s0, s1, s2 = _column_sums(buf, jac)
    # per column, the projection coefficients (p) and (XᵀX)⁻¹ D_jᵀ r (z)
    p0 = _solve_design(sums, s0[0], s0[1], s0[2], s0[3], s0[4])[1:]
    p1 = _solve_design(sums, s1[0], s1[1], s1[2], s1[3], s1[4])[1:]
    p2 = _solve_design(sums, s2[0], s2[1], s2[2], s2[3], s2[4])[1:]
    z0 = _solve_design(sums, 0.0, u00, u01, u02, 0.0)[1:]
    z1 = _solve_design(sums, 0.0, u10, u11, u12, 0.0)[1:]
    z2 = _solve_design(sums, 0.0, 0.0, u21, u22, 0.0)[1:]
    span0 = span[0]
    span1 = span[1]
    span2 = span[2]
    for i in range(n):
        f = buf[0, i]
        g = buf[1, i]
        h = buf[2, i]
        jac[0, i] = _project_column(jac[0, i], p0, z0, f, g, h, span0)
        jac[1, i] = _project_column(jac[1, i], p1, z1, f, g, h, span1)
        jac[2, i] = _project_column(jac[2, i], p2, z2, f, g, h, span2)


@njit_sums
def _derivative_sums(
    buf: Float64Array, r: Float64Array, m: float, omega: float
) -> tuple[float, float, float, float, float, float, float, float]:
    """D_jᵀ r for :func:`_jacobian`: the f, g, h derivatives against r, j = tc, m, ω.

    Returns (u_00, u_01, u_02, u_10, u_11, u_12, u_21, u_22), u_jk the sum of r times the
    derivative of the k-th of (f, g, h) by the j-th of (tc, m, ω) (∂f/∂ω = 0).
    """
    u00 = u01 = u02 = u10 = u11 = u12 = u21 = u22 = 0.0
    for i in range(r.shape[0]):
        f = buf[0, i]
        g = buf[1, i]
        h = buf[2, i]
        lu = buf[3, i]
        inv = buf[4, i]
        ri = r[i]
        u00 += ri * m * f * inv
        u01 += ri * (m * g - omega * h) * inv
        u02 += ri * (m * h + omega * g) * inv
        u10 += ri * lu * f
        u11 += ri * lu * g
        u12 += ri * lu * h
        u21 -= ri * lu * h
        u22 += ri * lu * g
    return u00, u01, u02, u10, u11, u12, u21, u22


@njit_sums
def _column_sums(
    buf: Float64Array, jac: Float64Array
) -> tuple[
    tuple[float, float, float, float, float],
    tuple[float, float, float, float, float],
    tuple[float, float, float, float, float],
]:
    """Each unprojected Jacobian row's (Σv, Σvf, Σvg, Σvh, Σv²), for :func:`_jacobian`."""
    a0 = af0 = ag0 = ah0 = aa0 = 0.0
    a1 = af1 = ag1 = ah1 = aa1 = 0.0
    a2 = af2 = ag2 = ah2 = aa2 = 0.0
    for i in range(jac.shape[1]):
        f = buf[0, i]
        g = buf[1, i]
        h = buf[2, i]
        v0 = jac[0, i]
        v1 = jac[1, i]
        v2 = jac[2, i]
        a0 += v0
        af0 += v0 * f
        ag0 += v0 * g
        ah0 += v0 * h
        aa0 += v0 * v0
        a1 += v1
        af1 += v1 * f
        ag1 += v1 * g
        ah1 += v1 * h
        aa1 += v1 * v1
        a2 += v2
        af2 += v2 * f
        ag2 += v2 * g
        ah2 += v2 * h
        aa2 += v2 * v2
    return (a0, af0, ag0, ah0, aa0), (a1, af1, ag1, ah1, aa1), (a2, af2, ag2, ah2, aa2)


@njit
def _project_column(
    v: float,
    p: tuple[float, float, float, float],
    z: tuple[float, float, float, float],
    f: float,
    g: float,
    h: float,
    span: float,
) -> float:
    """``−[(I − P) D_j β + X (XᵀX)⁻¹ D_jᵀ r]`` at one point, scaled to the unit box.

    ``v`` is the point's D_j β, ``p`` the coefficients of its projection on (1, f, g, h) and
    ``z`` those of (XᵀX)⁻¹ D_jᵀ r (see :func:`_jacobian`).
    """
    proj = p[0] + p[1] * f + p[2] * g + p[3] * h
    second = z[0] + z[1] * f + z[2] * g + z[3] * h
    return -(v - proj + second) * span


@njit
def _solve_design(
    sums: Float64Array, sy: float, syf: float, syg: float, syh: float, syy: float
) -> tuple[float, float, float, float, float]:
    """:func:`_solve3` on the design sums ``sums`` (as :func:`_residuals_buf` writes them)."""
    solved: tuple[float, float, float, float, float] = _solve3(
        sums[9], sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8],
        sy, syf, syg, syh, syy,
    )  # fmt: skip
    return solved


@njit
def _residuals(
    t: Float64Array,
    y: Float64Array,
    tc: float,
    m: float,
    omega: float,
    scale: float,
    out: Float64Array,
) -> float:
    """:func:`_residuals_buf` with its own scratch buffer."""
    buf = np.empty((5, t.shape[0]))
    sums = np.empty(14)
    ssr: float = _residuals_buf(t, y, tc, m, omega, scale, out, buf, sums)
    return ssr


@njit
def profiled_ssr(t: Float64Array, y: Float64Array, tc: float, m: float, omega: float) -> float:
    """Return min over (A, B, C1, C2) of the SSR of ``y`` at fixed (tc, m, ω).

    Parameters
    ----------
    t : ndarray
        Times (trading days), any origin.
    y : ndarray
        Log prices.
    tc, m, omega : float
        Critical time (same units as ``t``), exponent, angular log-frequency.

    Returns
    -------
    float
        The slaved sum of squared residuals (log-price units squared).
    """
    scale = max(abs(tc - t[0]), abs(tc - t[-1]), 1.0)
    out = np.empty(t.shape[0])
    ssr: float = _residuals(t, y, tc, m, omega, scale, out)
    return ssr


@njit
def linear_params(
    t: Float64Array, y: Float64Array, tc: float, m: float, omega: float
) -> Float64Array:
    """Return ``[A, B, C1, C2, SSR]`` of the slaved fit at (tc, m, ω), in unscaled time.

    The solve runs in scaled time ``u = |tc − t|/S``; with ``φ0 = ω ln S`` the unscaled
    parameters are ``B = S^−m B_s``, ``C1 = S^−m (C1_s cos φ0 − C2_s sin φ0)``,
    ``C2 = S^−m (C1_s sin φ0 + C2_s cos φ0)`` (FS2013 eq. 17, rescaled).
    """
    params: Float64Array = linear_fit(t, y, tc, m, omega)[0]
    return params


@njit
def linear_fit(
    t: Float64Array, y: Float64Array, tc: float, m: float, omega: float
) -> tuple[Float64Array, Float64Array]:
    """:func:`linear_params` and the fit's residuals ``y − fitted`` (log-price units).

    The residuals are those of the solve in scaled time, equal to ``y`` less
    :func:`lppls_path` at the unscaled parameters within rounding.
    """
    scale = max(abs(tc - t[0]), abs(tc - t[-1]), 1.0)
    out = np.empty(t.shape[0])
    buf = np.empty((5, t.shape[0]))
    sums = np.empty(14)
    ssr = _residuals_buf(t, y, tc, m, omega, scale, out, buf, sums)
    a, bs, c1s, c2s = sums[10], sums[11], sums[12], sums[13]
    k = math.exp(-m * math.log(scale))
    phi0 = omega * math.log(scale)
    res = np.empty(5)
    res[0] = a
    res[1] = k * bs
    res[2] = k * (c1s * math.cos(phi0) - c2s * math.sin(phi0))
    res[3] = k * (c1s * math.sin(phi0) + c2s * math.cos(phi0))
    res[4] = ssr
    return res, out


@njit
def lppls_path(
    t: Float64Array, tc: float, m: float, omega: float, a: float, b: float, c1: float, c2: float
) -> Float64Array:
    """Evaluate ``A + |tc−t|^m (B + C1 cos(ω ln|tc−t|) + C2 sin(ω ln|tc−t|))`` at ``t``."""
    out = np.empty(t.shape[0])
    for i in range(t.shape[0]):
        d = abs(tc - t[i])
        if d > _TINY:
            ld = math.log(d)
            out[i] = a + math.exp(m * ld) * (
                b + c1 * math.cos(omega * ld) + c2 * math.sin(omega * ld)
            )
        else:
            out[i] = a
    return out


@njit
def _grid_buffers(
    starts: IntArray, t2: float, n: int, n_m: int
) -> tuple[Float64Array, Float64Array, np.ndarray, Float64Array, Float64Array, Float64Array]:
    """Window spans ``dts = t2 − starts`` and the row buffers of the grid kernels.

    ``lu``, ``zero``, ``fm`` (``n_m`` rows) for :func:`_power_rows`, ``cw``, ``sw`` for
    :func:`_trig_rows`; each row of length ``n``.
    """
    dts = np.empty(starts.shape[0])
    for k in range(starts.shape[0]):
        dts[k] = t2 - starts[k]
    lu = np.empty(n)
    zero = np.empty(n, dtype=np.bool_)
    fm = np.empty((n_m, n))
    cw = np.empty(n)
    sw = np.empty(n)
    return dts, lu, zero, fm, cw, sw


@njit
def _admitted(off: float, dts: Float64Array, tc_lo_frac: float, tc_hi_frac: float) -> bool:
    """Whether any window (span ``dts``) admits the tc offset ``off`` (trading days)."""
    any_ok = False
    for k in range(dts.shape[0]):
        if -tc_lo_frac * dts[k] <= off <= tc_hi_frac * dts[k]:
            any_ok = True
            break
    return any_ok


@njit
def _power_rows(
    tc: float,
    first: int,
    scale: float,
    m_grid: Float64Array,
    lu: Float64Array,
    zero: np.ndarray,
    fm: Float64Array,
) -> None:
    """Fill ``lu = log(|tc − i|/scale)``, ``zero`` (i at tc) and ``fm = |tc − i|^m/scale^m``.

    For i from ``first`` to the end of the rows; ``fm`` has one row per exponent in ``m_grid``
    and is 0 where ``zero``. In place. The logarithms and powers are those of
    :mod:`bubblescope._kernels.elementary` (:func:`_log_row`, :func:`_power_row`).
    """
    _log_row(tc, first, scale, lu, zero)
    for im in range(m_grid.shape[0]):
        _power_row(m_grid[im], first, lu, zero, fm[im])


@njit_ieee
def _log_row(tc: float, first: int, scale: float, lu: Float64Array, zero: np.ndarray) -> None:
    """``lu`` and ``zero`` of :func:`_power_rows`; the C library's log outside the fast domain."""
    outside = 0
    for i in range(first, lu.shape[0]):
        d = abs(tc - i)
        near = not d > _TINY
        u = d / scale
        lu[i] = 0.0 if near else log_fast(u)
        zero[i] = near
        outside += 0 if (near or log_in_domain(u)) else 1
    if outside > 0:
        for i in range(first, lu.shape[0]):
            u = abs(tc - i) / scale
            if not zero[i] and not log_in_domain(u):
                lu[i] = math.log(u)


@njit_ieee
def _power_row(m: float, first: int, lu: Float64Array, zero: np.ndarray, row: Float64Array) -> None:
    """``row = exp(m·lu)`` (0 where ``zero``) from ``first`` on; math.exp beyond ``EXP_LIMIT``."""
    outside = 0
    for i in range(first, lu.shape[0]):
        x = m * lu[i]
        row[i] = 0.0 if zero[i] else exp_fast(x)
        outside += 0 if (zero[i] or abs(x) <= EXP_LIMIT) else 1
    if outside > 0:
        for i in range(first, lu.shape[0]):
            x = m * lu[i]
            if not zero[i] and not abs(x) <= EXP_LIMIT:
                row[i] = math.exp(x)


@njit_ieee
def _trig_rows(om: float, first: int, lu: Float64Array, cw: Float64Array, sw: Float64Array) -> None:
    """Fill ``cw = cos(ω·lu)`` and ``sw = sin(ω·lu)`` from ``first`` on, in place.

    By :func:`~bubblescope._kernels.elementary.sincos_fast`; the C library's beyond
    ``TRIG_LIMIT``.
    """
    outside = 0
    for i in range(first, lu.shape[0]):
        phase = om * lu[i]
        sin_p, cos_p = sincos_fast(phase)
        cw[i] = cos_p
        sw[i] = sin_p
        outside += 0 if abs(phase) <= TRIG_LIMIT else 1
    if outside > 0:
        for i in range(first, lu.shape[0]):
            phase = om * lu[i]
            if not abs(phase) <= TRIG_LIMIT:
                cw[i] = math.cos(phase)
                sw[i] = math.sin(phase)


@njit
def grid_nested(
    y: Float64Array,
    starts: IntArray,
    tc_offsets: Float64Array,
    m_grid: Float64Array,
    w_grid: Float64Array,
    tc_lo_frac: float,
    tc_hi_frac: float,
    keep: int,
) -> tuple[Float64Array, Float64Array]:
    """Grid-search (tc, m, ω) for every nested window ``y[s:]`` at once.

    Parameters
    ----------
    y : ndarray, shape (N,)
        Log prices; time is the index 0..N−1, so the shared right end is t2 = N − 1.
    starts : ndarray of int, shape (W,)
        Window starts t1, strictly increasing (longest window first).
    tc_offsets : ndarray
        Candidate tc − t2 (trading days). A window with dt = t2 − t1 uses only the offsets in
        ``[−tc_lo_frac·dt, tc_hi_frac·dt]``.
    m_grid, w_grid : ndarray
        Candidate exponents and angular log-frequencies.
    tc_lo_frac, tc_hi_frac : float
        The tc search interval per window as fractions of its dt.
    keep : int
        How many lowest-SSR candidates to return per window.

    Returns
    -------
    best_ssr : ndarray, shape (W, keep)
        Ascending SSR of the kept candidates (``inf`` where fewer were admissible).
    best_par : ndarray, shape (W, keep, 3)
        Their (tc − t2, m, ω).
    """
    n = y.shape[0]
    n_win = starts.shape[0]
    t2 = float(n - 1)
    scale = float(n)
    ymean = 0.0
    for i in range(n):
        ymean += y[i]
    ymean /= n
    yc = y - ymean
    # suffix sums of 1, y, y² at each window start
    suf_y = np.zeros(n_win)
    suf_yy = np.zeros(n_win)
    acc_y = 0.0
    acc_yy = 0.0
    w = n_win - 1
    for i in range(n - 1, -1, -1):
        acc_y += yc[i]
        acc_yy += yc[i] * yc[i]
        while w >= 0 and starts[w] == i:
            suf_y[w] = acc_y
            suf_yy[w] = acc_yy
            w -= 1
    best_ssr = np.full((n_win, keep), np.inf)
    best_par = np.zeros((n_win, keep, 3))
    dts, lu, zero, fm, cw, sw = _grid_buffers(starts, t2, n, m_grid.shape[0])
    first = starts[0]
    for io in range(tc_offsets.shape[0]):
        off = tc_offsets[io]
        if not _admitted(off, dts, tc_lo_frac, tc_hi_frac):
            continue
        _power_rows(t2 + off, first, scale, m_grid, lu, zero, fm)
        for iw in range(w_grid.shape[0]):
            om = w_grid[iw]
            _trig_rows(om, first, lu, cw, sw)
            for im in range(m_grid.shape[0]):
                sf = sg = sh = sff = sfg = sfh = sgg = sgh = shh = 0.0
                syf = syg = syh = 0.0
                k = n_win - 1
                for i in range(n - 1, first - 1, -1):
                    f = fm[im, i]
                    g = f * cw[i]
                    h = f * sw[i]
                    yi = yc[i]
                    sf += f
                    sg += g
                    sh += h
                    sff += f * f
                    sfg += f * g
                    sfh += f * h
                    sgg += g * g
                    sgh += g * h
                    shh += h * h
                    syf += yi * f
                    syg += yi * g
                    syh += yi * h
                    while k >= 0 and starts[k] == i:
                        if -tc_lo_frac * dts[k] <= off <= tc_hi_frac * dts[k]:
                            ssr = _solve3(
                                float(n - i),
                                sf,
                                sg,
                                sh,
                                sff,
                                sfg,
                                sfh,
                                sgg,
                                sgh,
                                shh,
                                suf_y[k],
                                syf,
                                syg,
                                syh,
                                suf_yy[k],
                            )[0]
                            _keep_best(best_ssr[k], best_par[k], ssr, off, m_grid[im], om)
                        k -= 1
    return best_ssr, best_par


@njit_nogil
def grid_nested_dates(
    ys: Float64Array,
    starts: IntArray,
    tc_offsets: Float64Array,
    m_grid: Float64Array,
    w_grid: Float64Array,
    tc_lo_frac: float,
    tc_hi_frac: float,
    keep: int,
) -> tuple[Float64Array, Float64Array]:
    """:func:`grid_nested` of many dates at once, each date's result bitwise equal to it.

    The columns f, g, h depend only on the distance to t2 (time is the index and the scale is
    the array length N), so for every grid point their sums over each nested window, and the
    Cholesky factor of the centred 3×3 system, are the same on every date. They are computed
    once per grid point and window; only the sums against each date's centred log prices and
    the profiled SSR are computed per date. Every quantity is the same expression, summed in
    the same order, as in :func:`grid_nested` and :func:`_solve3`.

    A window's kept list is the first ``keep`` of its grid points in ascending SSR, ties in
    scan order (tc offset, then ω, then m), so the lists of a split of ``tc_offsets`` into
    consecutive parts merge into the whole scan's by a stable sort (the kernel releases the
    GIL, so parts can run on threads).

    Parameters
    ----------
    ys : ndarray, shape (D, N)
        Log prices, one row per date; every row's t2 = N − 1.
    starts, tc_offsets, m_grid, w_grid, tc_lo_frac, tc_hi_frac, keep :
        As in :func:`grid_nested`.

    Returns
    -------
    best_ssr : ndarray, shape (D, W, keep)
    best_par : ndarray, shape (D, W, keep, 3)
        Per date, :func:`grid_nested`'s outputs.
    """
    n_dates = ys.shape[0]
    n = ys.shape[1]
    n_win = starts.shape[0]
    t2 = float(n - 1)
    scale = float(n)
    # centred prices, (N, D) so each step of the backward pass reads one row
    yc = np.empty((n, n_dates))
    suf_y = np.zeros((n_win, n_dates))
    suf_yy = np.zeros((n_win, n_dates))
    for d in range(n_dates):
        ymean = 0.0
        for i in range(n):
            ymean += ys[d, i]
        ymean /= n
        for i in range(n):
            yc[i, d] = ys[d, i] - ymean
        acc_y = 0.0
        acc_yy = 0.0
        w = n_win - 1
        for i in range(n - 1, -1, -1):
            acc_y += yc[i, d]
            acc_yy += yc[i, d] * yc[i, d]
            while w >= 0 and starts[w] == i:
                suf_y[w, d] = acc_y
                suf_yy[w, d] = acc_yy
                w -= 1
    best_ssr = np.full((n_dates, n_win, keep), np.inf)
    best_par = np.zeros((n_dates, n_win, keep, 3))
    dts, lu, zero, fm, cw, sw = _grid_buffers(starts, t2, n, m_grid.shape[0])
    syf = np.empty(n_dates)
    syg = np.empty(n_dates)
    syh = np.empty(n_dates)
    # per grid point, the admitted windows' sums, factors and right-hand sides, in scan order
    admitted = np.empty(n_win, dtype=np.int64)
    sums = np.empty((10, n_win))
    chol = np.empty((6, n_win))
    rhs = np.empty((n_dates, 5, n_win))
    ssr = np.empty(n_win)
    first = starts[0]
    for io in range(tc_offsets.shape[0]):
        off = tc_offsets[io]
        if not _admitted(off, dts, tc_lo_frac, tc_hi_frac):
            continue
        _power_rows(t2 + off, first, scale, m_grid, lu, zero, fm)
        for iw in range(w_grid.shape[0]):
            om = w_grid[iw]
            _trig_rows(om, first, lu, cw, sw)
            for im in range(m_grid.shape[0]):
                sf = sg = sh = sff = sfg = sfh = sgg = sgh = shh = 0.0
                syf[:] = 0.0
                syg[:] = 0.0
                syh[:] = 0.0
                k = n_win - 1
                cnt = 0
                for i in range(n - 1, first - 1, -1):
                    f = fm[im, i]
                    g = f * cw[i]
                    h = f * sw[i]
                    sf += f
                    sg += g
                    sh += h
                    sff += f * f
                    sfg += f * g
                    sfh += f * h
                    sgg += g * g
                    sgh += g * h
                    shh += h * h
                    for dd in range(n_dates):
                        yi = yc[i, dd]
                        syf[dd] += yi * f
                        syg[dd] += yi * g
                        syh[dd] += yi * h
                    while k >= 0 and starts[k] == i:
                        if -tc_lo_frac * dts[k] <= off <= tc_hi_frac * dts[k]:
                            admitted[cnt] = k
                            _record_window(
                                cnt, float(n - i), sf, sg, sh, sff, sfg, sfh, sgg, sgh, shh, sums
                            )
                            for dd in range(n_dates):
                                rhs[dd, 0, cnt] = suf_y[k, dd]
                                rhs[dd, 1, cnt] = suf_yy[k, dd]
                                rhs[dd, 2, cnt] = syf[dd]
                                rhs[dd, 3, cnt] = syg[dd]
                                rhs[dd, 4, cnt] = syh[dd]
                            cnt += 1
                        k -= 1
                _factor_windows(cnt, sums, chol)
                for dd in range(n_dates):
                    _ssr_windows(cnt, sums, chol, rhs[dd], ssr)
                    for j in range(cnt):
                        kj = admitted[j]
                        _keep_best(best_ssr[dd, kj], best_par[dd, kj], ssr[j], off, m_grid[im], om)
    return best_ssr, best_par


@njit
def _record_window(
    j: int,
    n: float,
    sf: float,
    sg: float,
    sh: float,
    sff: float,
    sfg: float,
    sfh: float,
    sgg: float,
    sgh: float,
    shh: float,
    sums: Float64Array,
) -> None:
    """Write one window's count and sums of f, g, h into column ``j`` of ``sums``."""
    sums[0, j] = n
    sums[1, j] = sf
    sums[2, j] = sg
    sums[3, j] = sh
    sums[4, j] = sff
    sums[5, j] = sfg
    sums[6, j] = sfh
    sums[7, j] = sgg
    sums[8, j] = sgh
    sums[9, j] = shh


@njit_ieee
def _factor_windows(cnt: int, sums: Float64Array, chol: Float64Array) -> None:
    """:func:`_factor3` of the first ``cnt`` columns of ``sums`` into those of ``chol``.

    ``sums`` rows: n, Σf, Σg, Σh, Σff, Σfg, Σfh, Σgg, Σgh, Σhh; ``chol`` rows: l00, l10,
    l20, l11, l21, l22. The columns are independent, so the compiler runs several at once in
    vector registers; square roots and quotients are correctly rounded there as in scalar
    code, so every column is bitwise :func:`_factor3`'s.
    """
    for j in range(cnt):
        l00, l10, l20, l11, l21, l22 = _factor3(
            sums[0, j], sums[1, j], sums[2, j], sums[3, j], sums[4, j],
            sums[5, j], sums[6, j], sums[7, j], sums[8, j], sums[9, j],
        )  # fmt: skip
        chol[0, j] = l00
        chol[1, j] = l10
        chol[2, j] = l20
        chol[3, j] = l11
        chol[4, j] = l21
        chol[5, j] = l22


@njit_ieee
def _ssr_windows(
    cnt: int, sums: Float64Array, chol: Float64Array, rhs: Float64Array, out: Float64Array
) -> None:
    """Profiled SSR (:func:`_forward3`, as in :func:`_solve3`) of the first ``cnt`` windows.

    ``rhs`` rows: Σy, Σy², Σyf, Σyg, Σyh of one date per window; ``sums`` and ``chol`` as in
    :func:`_factor_windows`. Written into ``out[:cnt]``, each bitwise :func:`_solve3`'s SSR.
    """
    for j in range(cnt):
        n = sums[0, j]
        sy = rhs[0, j]
        out[j] = _forward3(
            chol[0, j], chol[1, j], chol[2, j], chol[3, j], chol[4, j], chol[5, j],
            rhs[2, j] - sy * sums[1, j] / n, rhs[3, j] - sy * sums[2, j] / n,
            rhs[4, j] - sy * sums[3, j] / n, rhs[1, j] - sy * sy / n,
        )[0]  # fmt: skip


@njit
def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else (hi if x > hi else x)


@njit
def polish(
    t: Float64Array,
    y: Float64Array,
    start: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    max_iter: int = 60,
    tol: float = 1e-12,
) -> Float64Array:
    """Bounded Levenberg–Marquardt on the slaved residuals over (tc, m, ω).

    A projected LM on the variable-projection problem (exact analytic Jacobian, see
    :func:`_jacobian`): parameters are
    mapped to [0, 1] by their
    bounds; a coordinate at a bound whose gradient points outward is frozen for that step;
    steps are clipped to the box and accepted only if the SSR falls.

    Parameters
    ----------
    t, y : ndarray
        Window times (trading days) and log prices.
    start : ndarray, shape (3,)
        Starting (tc, m, ω), inside the bounds.
    lo, hi : ndarray, shape (3,)
        Bounds of (tc, m, ω).
    max_iter : int
        Iteration cap.
    tol : float
        Stop when an accepted step lowers the SSR by less than ``tol`` relative.

    Returns
    -------
    ndarray, shape (5,)
        ``[tc, m, ω, SSR, iterations]``.
    """
    n = t.shape[0]
    scale = max(float(t[-1] - t[0]), 1.0)
    span = np.empty(3)
    p = np.empty(3)
    for j in range(3):
        span[j] = hi[j] - lo[j]
        p[j] = _clip((start[j] - lo[j]) / span[j], 0.0, 1.0) if span[j] > 0 else 0.0
    theta = np.empty(3)
    trial = np.empty(3)
    r = np.empty(n)
    rt = np.empty(n)
    jac = np.empty((3, n))
    buf = np.empty((5, n))
    sums = np.empty(14)
    trial_buf = np.empty((5, n))
    trial_sums = np.empty(14)
    for j in range(3):
        theta[j] = lo[j] + p[j] * span[j]
    ssr = _residuals_buf(t, y, theta[0], theta[1], theta[2], scale, r, buf, sums)
    lam = 1e-3
    it = 0
    jtj = np.empty((3, 3))
    g = np.empty(3)
    step = np.empty(3)
    converged = False
    while it < max_iter and not converged:
        it += 1
        _jacobian(buf, sums, r, theta[1], theta[2], span, jac)
        g0, g1, g2, s00, s01, s02, s11, s12, s22 = _normal_sums(jac, r)
        g[0] = g0
        g[1] = g1
        g[2] = g2
        jtj[0, 0] = s00
        jtj[0, 1] = jtj[1, 0] = s01
        jtj[0, 2] = jtj[2, 0] = s02
        jtj[1, 1] = s11
        jtj[1, 2] = jtj[2, 1] = s12
        jtj[2, 2] = s22
        free = np.ones(3, dtype=np.bool_)
        for j in range(3):
            # descent direction is -g; frozen if it leaves the box
            if span[j] <= 0 or (p[j] <= 0.0 and g[j] > 0) or (p[j] >= 1.0 and g[j] < 0):
                free[j] = False
        improved = False
        while lam < 1e12:
            # solve (JᵀJ + λ diag) step = −g on the free coordinates (3×3 Gauss elimination)
            mat = np.zeros((3, 4))
            for a in range(3):
                if not free[a]:
                    mat[a, a] = 1.0
                    continue
                for b in range(3):
                    if free[b]:
                        mat[a, b] = jtj[a, b]
                mat[a, a] += lam * max(jtj[a, a], 1e-12)
                mat[a, 3] = -g[a]
            ok = True
            for c in range(3):
                piv = c
                for a in range(c + 1, 3):
                    if abs(mat[a, c]) > abs(mat[piv, c]):
                        piv = a
                if abs(mat[piv, c]) < 1e-300:
                    ok = False
                    break
                if piv != c:
                    for b in range(4):
                        tmp = mat[c, b]
                        mat[c, b] = mat[piv, b]
                        mat[piv, b] = tmp
                for a in range(c + 1, 3):
                    fac = mat[a, c] / mat[c, c]
                    for b in range(c, 4):
                        mat[a, b] -= fac * mat[c, b]
            if not ok:
                lam *= 10.0
                continue
            for c in range(2, -1, -1):
                s = mat[c, 3]
                for b in range(c + 1, 3):
                    s -= mat[c, b] * step[b]
                step[c] = s / mat[c, c]
            for j in range(3):
                trial[j] = lo[j] + _clip(p[j] + step[j], 0.0, 1.0) * span[j]
            new = _residuals_buf(
                t, y, trial[0], trial[1], trial[2], scale, rt, trial_buf, trial_sums
            )
            if new < ssr:
                rel = (ssr - new) / max(ssr, 1e-300)
                for j in range(3):
                    p[j] = _clip(p[j] + step[j], 0.0, 1.0)
                    theta[j] = trial[j]
                # the trial's buffers become the current ones (swapped, not copied)
                r, rt = rt, r
                buf, trial_buf = trial_buf, buf
                sums, trial_sums = trial_sums, sums
                ssr = new
                lam = max(lam / 4.0, 1e-9)
                improved = True
                if rel < tol:
                    converged = True
                break
            lam *= 4.0
        if not improved:
            break
    out = np.empty(5)
    out[0] = theta[0]
    out[1] = theta[1]
    out[2] = theta[2]
    out[3] = ssr
    out[4] = float(it)
    return out


@njit_sums
def _normal_sums(
    jac: Float64Array, r: Float64Array
) -> tuple[float, float, float, float, float, float, float, float, float]:
    """Jᵀr and the upper triangle of JᵀJ for :func:`polish`, ``jac`` of shape (3, n).

    Returns (Σj0 r, Σj1 r, Σj2 r, Σj0², Σj0 j1, Σj0 j2, Σj1², Σj1 j2, Σj2²).
    """
    g0 = g1 = g2 = 0.0
    s00 = s01 = s02 = s11 = s12 = s22 = 0.0
    for i in range(r.shape[0]):
        j0 = jac[0, i]
        j1 = jac[1, i]
        j2 = jac[2, i]
        ri = r[i]
        g0 += j0 * ri
        g1 += j1 * ri
        g2 += j2 * ri
        s00 += j0 * j0
        s01 += j0 * j1
        s02 += j0 * j2
        s11 += j1 * j1
        s12 += j1 * j2
        s22 += j2 * j2
    return g0, g1, g2, s00, s01, s02, s11, s12, s22


@njit
def _start_ssr(
    t: Float64Array, y: Float64Array, start: Float64Array, lo: Float64Array, hi: Float64Array
) -> float:
    """The SSR :func:`polish` starts from at ``start`` (clipped into the box, same scale)."""
    scale = max(float(t[-1] - t[0]), 1.0)
    theta = np.empty(3)
    for j in range(3):
        span = hi[j] - lo[j]
        p = _clip((start[j] - lo[j]) / span, 0.0, 1.0) if span > 0 else 0.0
        theta[j] = lo[j] + p * span
    out = np.empty(t.shape[0])
    ssr: float = _residuals(t, y, theta[0], theta[1], theta[2], scale, out)
    return ssr


@njit_nogil
def polish_outputs(n_win: int, n_cand: int) -> tuple[Float64Array, Float64Array, IntArray]:
    """Empty outputs of :func:`polish_windows` for ``n_win`` windows of ``n_cand`` candidates.

    ``best`` (W, 4) all ``inf``, ``ends`` (W, K, 4) all NaN, ``counts`` (W, 3) zero.
    """
    best = np.full((n_win, 4), np.inf)
    ends = np.full((n_win, n_cand, 4), np.nan)
    counts = np.zeros((n_win, 3), dtype=np.int64)
    return best, ends, counts


@njit_nogil
def polish_windows(
    ks: IntArray,
    y: Float64Array,
    starts: IntArray,
    cand: Float64Array,
    warm: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    max_iter: int,
    best: Float64Array,
    ends: Float64Array,
    counts: IntArray,
) -> None:
    """Polish the windows ``ks`` of :func:`polish_warm`, writing only their rows, in place.

    The outputs are :func:`polish_outputs`' arrays; a window's rows depend on nothing but its
    own inputs, so windows polished by different calls (on different threads: the kernel
    releases the GIL) give the rows one call over every window gives.
    """
    t_all = np.arange(y.shape[0]).astype(np.float64)
    for k in ks:
        _polish_window(k, t_all, y, starts, cand, warm, lo, hi, max_iter, best, ends, counts)


@njit_nogil
def polish_warm(
    y: Float64Array,
    starts: IntArray,
    cand: Float64Array,
    warm: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    max_iter: int,
) -> tuple[Float64Array, Float64Array, IntArray]:
    """Polish every kept candidate of every nested window; return each window's best.

    A candidate may start from a nearby earlier solution (a warm start).

    For candidate ``c`` of window ``k`` with a finite warm start ``warm[k, c]`` (the point
    where the same grid cell's polish ended on an earlier date), the warm polish's result is
    kept when its SSR is at most the SSR at the cold start ``cand[k, c]``, which is all the
    cold polish guarantees (LM only accepts steps that lower the SSR). Otherwise the warm
    start is *worse* and the candidate is polished from its cold start, as in
    without warm starts. Each window keeps its lowest-SSR candidate (the first on ties).

    Parameters
    ----------
    y : ndarray, shape (N,)
        Log prices; time is the index, t2 = N − 1.
    starts : ndarray of int, shape (W,)
        Window starts.
    cand : ndarray, shape (W, K, 3)
        Cold starting (tc, m, ω) per window (absolute tc); rows with NaN tc are skipped.
    warm : ndarray, shape (W, K, 3)
        Warm starting (tc, m, ω) per candidate (absolute tc); NaN tc where there is none
        (all NaN: the cold polish).
    lo, hi : ndarray, shape (W, 3)
        Bounds per window.
    max_iter : int
        LM iteration cap.

    Returns
    -------
    best : ndarray, shape (W, 4)
        Best ``[tc, m, ω, SSR]`` per window (SSR ``inf`` when no candidate was given).
    ends : ndarray, shape (W, K, 4)
        Where each candidate's polish ended (NaN rows for skipped candidates).
    counts : ndarray of int, shape (3,)
        Candidates polished cold without a warm start, warm starts kept, warm starts that
        fell back to the cold start.
    """
    n_win = starts.shape[0]
    best, ends, counts = polish_outputs(n_win, cand.shape[1])
    polish_windows(np.arange(n_win), y, starts, cand, warm, lo, hi, max_iter, best, ends, counts)
    return best, ends, counts.sum(axis=0)


@njit
def _polish_window(
    k: int,
    t_all: Float64Array,
    y: Float64Array,
    starts: IntArray,
    cand: Float64Array,
    warm: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    max_iter: int,
    out: Float64Array,
    ends: Float64Array,
    counts: IntArray,
) -> None:
    """Polish window ``k``'s candidates; write its rows of ``out``, ``ends`` and ``counts``.

    The body of :func:`polish_windows`' loop over windows (the parameters and outputs of
    :func:`polish_warm`).
    """
    s = starts[k]
    t = t_all[s:]
    yy = y[s:]
    for c in range(cand.shape[1]):
        if np.isnan(cand[k, c, 0]):
            continue
        if np.isnan(warm[k, c, 0]):
            res = polish(t, yy, cand[k, c], lo[k], hi[k], max_iter, 1e-9)
            counts[k, 0] += 1
        else:
            res = polish(t, yy, warm[k, c], lo[k], hi[k], max_iter, 1e-9)
            if res[3] <= _start_ssr(t, yy, cand[k, c], lo[k], hi[k]):
                counts[k, 1] += 1
            else:
                res = polish(t, yy, cand[k, c], lo[k], hi[k], max_iter, 1e-9)
                counts[k, 2] += 1
        ends[k, c, :] = res[:4]
        if res[3] < out[k, 3]:
            out[k, 0] = res[0]
            out[k, 1] = res[1]
            out[k, 2] = res[2]
            out[k, 3] = res[3]


@njit
def fit_batch(
    t: Float64Array,
    ys: Float64Array,
    cand: Float64Array,
    lo: Float64Array,
    hi: Float64Array,
    max_iter: int,
) -> Float64Array:
    """Fit many series on the same time axis from the same starting points.

    Used for the synthetic series of DS LPPLS Trust: every row of ``ys`` is polished from each
    row of ``cand`` and the lowest SSR is kept.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Times (trading days).
    ys : ndarray, shape (R, n)
        Log-price series.
    cand : ndarray, shape (K, 3)
        Starting (tc, m, ω).
    lo, hi : ndarray, shape (3,)
        Bounds of (tc, m, ω).
    max_iter : int
        LM iteration cap.

    Returns
    -------
    ndarray, shape (R, 9)
        ``[tc, m, ω, SSR, A, B, C1, C2, relative error]`` per series, with the relative
        error the mean of |exp(residual) − 1| (|p − p̂|/p̂ in price units).
    """
    n_rep = ys.shape[0]
    n = t.shape[0]
    out = np.empty((n_rep, 9))
    for r in range(n_rep):
        y = np.ascontiguousarray(ys[r])
        best = np.full(4, np.inf)
        for c in range(cand.shape[0]):
            res = polish(t, y, cand[c], lo, hi, max_iter, 1e-9)
            if res[3] < best[3]:
                best[:] = res[:4]
        lin = linear_params(t, y, best[0], best[1], best[2])
        path = lppls_path(t, best[0], best[1], best[2], lin[0], lin[1], lin[2], lin[3])
        rel = 0.0
        for i in range(n):
            rel += abs(math.exp(y[i] - path[i]) - 1.0)
        out[r, 0] = best[0]
        out[r, 1] = best[1]
        out[r, 2] = best[2]
        out[r, 3] = lin[4]
        out[r, 4] = lin[0]
        out[r, 5] = lin[1]
        out[r, 6] = lin[2]
        out[r, 7] = lin[3]
        out[r, 8] = rel / n
    return out
