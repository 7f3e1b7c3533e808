"""The in-house exp, log, sin and cos of the LPPLS kernels: accuracy, determinism, fallbacks."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from bubblescope._kernels import lppls as K
from bubblescope._kernels.elementary import (
    EXP_LIMIT,
    TRIG_LIMIT,
    exp_fast,
    log_fast,
    log_in_domain,
    sincos_fast,
)
from bubblescope._numba import fma, njit_ieee
from bubblescope._typing import Float64Array
from bubblescope.data.bundled import load_bundled
from bubblescope.detect.lppls import lppls_confidence
from tests.reference import RESULTS


@njit_ieee
def _map_exp(x: Float64Array, out: Float64Array) -> None:
    for i in range(x.shape[0]):
        out[i] = exp_fast(x[i])


@njit_ieee
def _map_log(x: Float64Array, out: Float64Array) -> None:
    for i in range(x.shape[0]):
        out[i] = log_fast(x[i])


@njit_ieee
def _map_sincos(x: Float64Array, sin_out: Float64Array, cos_out: Float64Array) -> None:
    for i in range(x.shape[0]):
        sin_out[i], cos_out[i] = sincos_fast(x[i])


def _ulps(got: Float64Array, ref: Float64Array) -> float:
    """Largest error in units of the last place of the reference value."""
    return float(np.max(np.abs(got - ref) / np.spacing(np.abs(ref))))


def _libm(fn: object, x: Float64Array) -> Float64Array:
    """The C library's value at every point (``math``, not NumPy's own vector code)."""
    return np.array([fn(v) for v in x])  # type: ignore[operator]


N_POINTS = 200_000


@pytest.mark.parametrize(("lo", "hi"), [(-30.0, 1.0), (-EXP_LIMIT, EXP_LIMIT), (-1e-9, 1e-9)])
def test_exp_is_within_one_ulp_of_the_c_library(lo: float, hi: float) -> None:
    x = np.random.default_rng(1).uniform(lo, hi, N_POINTS)
    got = np.empty_like(x)
    _map_exp(x, got)
    assert _ulps(got, _libm(math.exp, x)) <= 1.0


@pytest.mark.parametrize(("lo", "hi"), [(-30.0, 1.0), (-700.0, 700.0), (-1e-7, 1e-7)])
def test_log_is_within_one_ulp_of_the_c_library(lo: float, hi: float) -> None:
    x = np.exp(np.random.default_rng(2).uniform(lo, hi, N_POINTS))
    got = np.empty_like(x)
    _map_log(x, got)
    assert _ulps(got, _libm(math.log, x)) <= 1.0


@pytest.mark.parametrize(("lo", "hi"), [(-500.0, 10.0), (-TRIG_LIMIT, TRIG_LIMIT), (-1.0, 1.0)])
def test_sin_and_cos_are_within_one_ulp_of_the_c_library(lo: float, hi: float) -> None:
    x = np.random.default_rng(3).uniform(lo, hi, N_POINTS)
    sin_got, cos_got = np.empty_like(x), np.empty_like(x)
    _map_sincos(x, sin_got, cos_got)
    assert _ulps(sin_got, _libm(math.sin, x)) <= 1.0
    assert _ulps(cos_got, _libm(math.cos, x)) <= 1.0


def test_sin_and_cos_near_multiples_of_half_pi_keep_their_relative_accuracy() -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(-60_000, 60_000, N_POINTS) * (math.pi / 2) + rng.uniform(-1e-3, 1e-3, N_POINTS)
    sin_got, cos_got = np.empty_like(x), np.empty_like(x)
    _map_sincos(x, sin_got, cos_got)
    assert _ulps(sin_got, _libm(math.sin, x)) <= 1.0
    assert _ulps(cos_got, _libm(math.cos, x)) <= 1.0


def test_exact_values_at_zero_and_one() -> None:
    assert exp_fast(0.0) == 1.0
    assert log_fast(1.0) == 0.0
    assert sincos_fast(0.0) == (0.0, 1.0)


def test_log_domain_is_the_normal_positive_finite_floats() -> None:
    tiny = float(np.finfo(np.float64).tiny)
    for x in (tiny, 1.0, 1e308):
        assert log_in_domain(x)
    for x in (0.0, tiny / 2, -1.0, math.inf, math.nan):
        assert not log_in_domain(x)


def test_the_vector_loop_equals_the_value_at_each_point_alone() -> None:
    """No fused multiply-add or vector-only rounding: a row equals its points one at a time."""
    n = 61
    t = np.arange(n, dtype=np.float64)
    whole = np.empty((5, n))
    assert K._basis_rows(t, n + 7.3, 0.37, 9.1, float(n), whole) == 0
    for i in range(n):
        alone = np.empty((5, 1))
        K._basis_rows(t[i : i + 1], n + 7.3, 0.37, 9.1, float(n), alone)
        np.testing.assert_array_equal(alone[:, 0], whole[:, i])


def _basis_reference(
    t: Float64Array, tc: float, m: float, omega: float, scale: float
) -> Float64Array:
    """f, g, h, ln(d/S) and 1/(tc − t) by the C library, for comparison."""
    d = np.abs(tc - t)
    d[~(d > 1e-9)] = scale  # points at tc (zero there): any value the C library takes
    lu = _libm(math.log, d / scale)
    f = _libm(math.exp, m * lu)
    return np.vstack(
        [f, f * _libm(math.cos, omega * lu), f * _libm(math.sin, omega * lu), lu, 1.0 / (tc - t)]
    )


@pytest.mark.parametrize(
    ("tc", "m", "omega"),
    [
        (470.3, 0.5, 8.0),  # inside every domain
        (470.3, 0.5, 4.0e5),  # ω ln(d/S) beyond TRIG_LIMIT at every point
        (449.0, 0.9, 8.0),  # one point at tc (zeros there)
        (449.0 + 2e-9, 0.9, 8.0),  # one point 2e-9 days from tc: ln(d/S) = -26
        (math.nan, 0.5, 8.0),  # no distance: zeros everywhere, as before
    ],
)
def test_residual_basis_matches_the_c_library_in_and_out_of_the_fast_domain(
    tc: float, m: float, omega: float
) -> None:
    n = 450
    t = np.arange(n, dtype=np.float64)
    scale = float(n - 1)
    buf = np.empty((5, n))
    out = np.empty(n)
    sums = np.empty(14)
    y = np.log(np.linspace(100.0, 180.0, n))
    K._residuals_buf(t, y, tc, m, omega, scale, out, buf, sums)
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = _basis_reference(t, tc, m, omega, scale)
    near = ~(np.abs(tc - t) > 1e-9)
    ref[:, near] = 0.0
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(buf[3:], ref[3:], rtol=eps, atol=0.0)
    # f: 1 ulp of exp plus m times ln's ulp; g, h: also the phase's ulp, ω|ln(d/S)| radians
    f = ref[0]
    phase = np.where(near, 0.0, np.abs(omega * ref[3]))
    bound = 2 * eps * (np.abs(ref[:3]) + f * (1.0 + m * np.abs(ref[3]) + phase))
    assert np.all(np.abs(buf[:3] - ref[:3]) <= bound)


def test_grid_rows_fall_back_to_the_c_library_beyond_the_fast_domains() -> None:
    n = 40
    lu = np.linspace(-3.0, 0.1, n)
    cw, sw = np.empty(n), np.empty(n)
    K._trig_rows(5.0e5, 0, lu, cw, sw)
    phase = 5.0e5 * lu
    out = np.abs(phase) > TRIG_LIMIT
    assert out.any()
    assert (~out).any()
    for got, fn in ((cw, math.cos), (sw, math.sin)):
        np.testing.assert_array_equal(got[out], _libm(fn, phase[out]))
        np.testing.assert_allclose(got[~out], _libm(fn, phase[~out]), rtol=2.3e-16)
    row = np.empty(n)
    K._power_row(400.0, 0, lu, np.zeros(n, dtype=np.bool_), row)
    big = np.abs(400.0 * lu) > EXP_LIMIT
    assert big.any()
    assert (~big).any()
    np.testing.assert_array_equal(row[big], _libm(math.exp, 400.0 * lu[big]))
    np.testing.assert_allclose(row[~big], _libm(math.exp, 400.0 * lu[~big]), rtol=2.3e-16)


def test_confidence_equals_that_of_the_c_library_kernels_on_nasdaq_dates() -> None:
    """The switch from the C library's functions changed no Confidence on 24 NASDAQ dates.

    ``lppls_confidence_libm.json`` holds the Confidence of the package before the switch (its
    script checks that commit out and runs it), when the polish also summed in order. The fits
    move within the polish's tolerance, so the median tc of the qualifying windows may move a
    little: by at most 0.072 trading days on 870 NASDAQ dates (the sums' order depends on the
    CPU's vector width, hence the margin).
    """
    ref = json.loads((RESULTS / "lppls_confidence_libm.json").read_text())
    close = load_bundled("nasdaq")["close"]
    frame = lppls_confidence(close, dates=[pd.Timestamp(d) for d in ref["dates"]]).frame
    for col in ("confidence_pos", "confidence_neg"):
        np.testing.assert_array_equal(frame[col].to_numpy(), np.array(ref[col], dtype=float))
    tc_ref = np.array([np.nan if v is None else v for v in ref["tc_median_pos"]])
    np.testing.assert_allclose(frame["tc_median_pos"].to_numpy(), tc_ref, rtol=0, atol=0.1)


@njit_ieee
def _map_fma(a: Float64Array, b: Float64Array, c: Float64Array, out: Float64Array) -> None:
    for i in range(a.shape[0]):
        out[i] = fma(a[i], b[i], c[i])


def test_fma_rounds_once() -> None:
    # the fused multiply-add of the polynomials against exact rational arithmetic, rounded once;
    # c = -a*b rounded makes the product's rounding error the whole result
    rng = np.random.default_rng(8)
    a = rng.uniform(-2.0, 2.0, 5000)
    b = rng.uniform(-2.0, 2.0, 5000)
    c = np.where(np.arange(5000) % 2 == 0, -(a * b), rng.uniform(-1.0, 1.0, 5000))
    got = np.empty(5000)
    _map_fma(a, b, c, got)
    want = np.array(
        [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c, strict=True)]
    )
    np.testing.assert_array_equal(got, want)
    assert (got != a * b + c).sum() > 2000  # unfused, most would differ
