"""exp, log, sin and cos in plain float64 arithmetic, so that loops over them vectorise.

The LPPLS kernels evaluate ``ln u``, ``u^m``, ``cos(ω ln u)`` and ``sin(ω ln u)`` at every point
of every trial fit. Through the C library each call is a scalar function call, and these four
take 85% of a residual evaluation. The functions here are straight-line code of additions,
multiplications, fused multiply-adds, one division and bit casts, inlined into the caller, so
the compiler runs a loop of them four or eight points at a time.

Each is the textbook method (Muller 2016, ch. 11; Cody and Waite 1980):

* **exp**: ``x = k ln 2 + r`` with ``|r| <= ln 2 / 2`` (``ln 2`` split in two, the first part
  exact times any ``|k| < 2**21``), ``e^r`` by its Taylor polynomial to degree 13 (truncation
  below 1e-17 relative), times ``2**k`` built in the exponent bits.
* **log**: ``x = 2**e (1 + f)`` with ``1 + f`` in ``[√2/2, √2)``; ``ln(1 + f) = 2 atanh(s)``,
  ``s = f / (2 + f)``, ``|s| <= 0.1716``, by the atanh series to ``s**21``.
* **sin, cos**: ``x = k π/2 + r`` with ``π/2`` split in three (the first two parts exact times
  any ``|k| < 2**20``) and the reduced argument kept as a double-double ``r + rr``; sin and cos
  of ``r + rr`` by their Taylor polynomials to degree 19 and 20 with the first-order tail
  correction; the quadrant ``k mod 4`` picks and signs them.

Every polynomial is evaluated by Horner's rule with one fused multiply-add a step
(:func:`bubblescope._numba.fma`).

Accuracy: within 1 unit in the last place (ulp) of the C library's values on their domains
(``tests/detect/test_elementary.py`` measures it on 200,000 points per domain). Results do
not depend on the vector width or the machine: every operation, the fused multiply-adds
included, is an IEEE 754 correctly rounded one, the code has no reductions, and numba fuses no
other multiply-adds without ``fastmath``, so a vector loop gives the values of a scalar one
(tested).

The functions are inlined where they are called, and numba's on-disk cache keys a compiled
function by its own file only: after editing this module, delete the ``__pycache__`` entries
of the modules that call it (``lppls``), or they keep the old code.

Domains: :func:`exp_fast` for ``|x| <= EXP_LIMIT``, :func:`log_fast` for normal positive
finite ``x`` (:func:`log_in_domain`), :func:`sincos_fast` for ``|x| <= TRIG_LIMIT``. Outside them
(and for NaN) the results are meaningless, so callers test the domain and use ``math`` there.

References
----------
Cody, W. J. and Waite, W. (1980). *Software Manual for the Elementary Functions*.
Prentice-Hall.
Muller, J.-M. (2016). *Elementary Functions: Algorithms and Implementation*, 3rd ed.
Birkhäuser.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from bubblescope._numba import bits_to_float, float_to_bits, fma, njit_inline

__all__ = [
    "EXP_LIMIT",
    "TRIG_LIMIT",
    "exp_fast",
    "log_fast",
    "log_in_domain",
    "sincos_fast",
]

#: π and ln 2 to 70 significant digits, from which every reduction constant is rounded.
_PI = Fraction("3.141592653589793238462643383279502884197169399375105820974944592307816")
_LN2 = Fraction("0.6931471805599453094172321214581765680755001343602552541206800094933936")

#: |x| up to which :func:`exp_fast` is valid (2**k stays a normal number).
EXP_LIMIT = 700.0
#: |x| up to which :func:`sincos_fast` is valid (|k| < 2**20, so k·π/2's first parts are exact).
TRIG_LIMIT = 1.0e5


def _leading(value: Fraction, bits: int) -> tuple[float, Fraction]:
    """Split ``value`` (> 0) into its leading ``bits`` significant bits (a float) and the rest."""
    unit = Fraction(2) ** (math.floor(math.log2(value)) - bits + 1)
    head = math.floor(value / unit) * unit
    return float(head), value - head


_LN2_HI, _ln2_rest = _leading(_LN2, 32)
_LN2_LO = float(_ln2_rest)
_INV_LN2 = float(1 / _LN2)
_PIO2_1, _pio2_rest = _leading(_PI / 2, 33)
_PIO2_2, _pio2_rest = _leading(_pio2_rest, 33)
_PIO2_3 = float(_pio2_rest)
_TWO_OVER_PI = float(2 / _PI)
_SQRT2 = math.sqrt(2.0)
#: Adding 1.5·2**52 rounds a float of magnitude below 2**51 to the nearest integer.
_ROUNDER = 6755399441055744.0
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)
_LARGEST = float(np.finfo(np.float64).max)

# Polynomial coefficients, highest degree first (for :func:`_horner`), each the float nearest
# the exact rational.
# e^r = Σ_{k=0}^{13} r^k / k!
_EXP_POLY = tuple(float(Fraction(1, math.factorial(k))) for k in range(13, -1, -1))
# sin r = r + r³ (S1 + r² (S2 + …)), S_j = (−1)^j / (2j+1)!; the Horner part is S2..S9
_S1 = float(Fraction(-1, 6))
_SIN_POLY = tuple(float(Fraction((-1) ** j, math.factorial(2 * j + 1))) for j in range(9, 1, -1))
# cos r = 1 − r²/2 + r⁴ (C2 + r² (C3 + …)), C_j = (−1)^j / (2j)!; the Horner part is C2..C10
_COS_POLY = tuple(float(Fraction((-1) ** j, math.factorial(2 * j))) for j in range(10, 1, -1))
# ln(1 + f) = f − f²/2 + s (f²/2 + R), R = Σ_{k=1}^{10} 2/(2k+1) s^(2k) = s² (G1 + s² (G2 + …))
_LOG_POLY = tuple(float(Fraction(2, 2 * k + 1)) for k in range(10, 0, -1))


@njit_inline
def _horner(x: float, coeffs: tuple[float, ...]) -> float:
    """Σ coeffs[k] x^(K−k) by Horner's rule, the highest-degree coefficient first.

    Each step is one fused multiply-add (:func:`bubblescope._numba.fma`, rounded once): half
    the operations of a multiply and an add, and the same value on every machine.
    """
    p = coeffs[0]
    for k in range(1, len(coeffs)):
        p = fma(p, x, coeffs[k])
    return p


@njit_inline
def exp_fast(x: float) -> float:
    """Return e**x to within 1 ulp, for ``|x| <= EXP_LIMIT``."""
    k = (x * _INV_LN2 + _ROUNDER) - _ROUNDER
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = _horner(r, _EXP_POLY)
    return p * bits_to_float((int(k) + 1023) << 52)


@njit_inline
def log_in_domain(x: float) -> bool:
    """Whether :func:`log_fast` is valid at ``x``: a normal, positive, finite float."""
    return _SMALLEST_NORMAL <= x <= _LARGEST


@njit_inline
def log_fast(x: float) -> float:
    """Return ln x to within 1 ulp, for normal positive finite ``x``."""
    ix = float_to_bits(x)
    e = (ix >> 52) - 1023
    mant = bits_to_float((ix & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000)
    big = mant > _SQRT2
    mant = 0.5 * mant if big else mant
    e = e + 1 if big else e
    f = mant - 1.0
    s = f / (2.0 + f)
    z = s * s
    big_r = _horner(z, _LOG_POLY) * z
    hfsq = 0.5 * f * f
    dk = float(e)
    return dk * _LN2_HI - ((hfsq - (s * (hfsq + big_r) + dk * _LN2_LO)) - f)


@njit_inline
def sincos_fast(x: float) -> tuple[float, float]:
    """Return (sin x, cos x), each to within 1 ulp, for ``|x| <= TRIG_LIMIT``."""
    k = (x * _TWO_OVER_PI + _ROUNDER) - _ROUNDER
    a = x - k * _PIO2_1
    nb = -(k * _PIO2_2)
    # r + rr = a + nb exactly (Knuth's two-sum), then the third part of k·π/2
    r = a + nb
    bp = r - a
    rr = ((a - (r - bp)) + (nb - bp)) - k * _PIO2_3
    z = r * r
    v = z * r
    ps = _horner(z, _SIN_POLY)
    sin_r = r - ((z * (0.5 * rr - v * ps) - rr) - v * _S1)
    pc = _horner(z, _COS_POLY)
    hz = 0.5 * z
    w = 1.0 - hz
    cos_r = w + (((1.0 - w) - hz) + (z * z * pc - r * rr))
    q = int(k) & 3
    odd = (q & 1) == 1
    sin_x = cos_r if odd else sin_r
    cos_x = sin_r if odd else cos_r
    sin_x = -sin_x if (q & 2) == 2 else sin_x
    cos_x = -cos_x if ((q + 1) & 2) == 2 else cos_x
    return sin_x, cos_x
