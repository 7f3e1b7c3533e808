"""numba shim: ``njit`` compiles unless ``BUBBLESCOPE_DISABLE_NUMBA`` is set.

With the switch set, the decorated functions run as plain Python, which is slow but lets
coverage and debuggers see inside the kernels (the pattern of ``arch.compat.numba``).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar

from bubblescope._config import numba_disabled

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "bits_to_float",
    "float_to_bits",
    "fma",
    "njit",
    "njit_ieee",
    "njit_inline",
    "njit_nogil",
    "njit_nogil_ieee",
    "njit_parallel",
    "njit_sums",
    "prange",
]

prange: Any
if numba_disabled():
    prange = range

    def njit(*args: Any, **kwargs: Any) -> Any:
        """Return the function unchanged (numba disabled)."""
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]

        def wrap(func: F) -> F:
            return func

        return wrap

    def float_to_bits(x: float) -> int:
        """Return the IEEE 754 bits of the float64 ``x`` as a signed 64-bit integer."""
        bits: int = struct.unpack("<q", struct.pack("<d", x))[0]
        return bits

    def bits_to_float(bits: int) -> float:
        """Return the float64 whose IEEE 754 bits are the signed 64-bit integer ``bits``."""
        x: float = struct.unpack("<d", struct.pack("<q", bits))[0]
        return x

    def fma(a: float, b: float, c: float) -> float:
        """Return ``a * b + c`` rounded once (exact rationals, then one rounding)."""
        if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
            return a * b + c
        return float(Fraction(a) * Fraction(b) + Fraction(c))

else:
    import numba
    from llvmlite import ir
    from numba.core import types
    from numba.extending import intrinsic

    prange = numba.prange

    @intrinsic
    def float_to_bits(typingctx: Any, x: Any) -> Any:
        """Return the IEEE 754 bits of the float64 ``x`` as an int64 (a bit cast, no code).

        A compiler intrinsic, so loops that use it still run in vector registers.
        """
        if x != types.float64:
            return None

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.bitcast(args[0], ir.IntType(64))

        return types.int64(types.float64), codegen

    @intrinsic
    def fma(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
        """Return ``a * b + c`` rounded once (IEEE 754 fused multiply-add, ``llvm.fma``).

        One instruction where the CPU has it (x86 since 2013, every 64-bit ARM), the C
        library's ``fma`` elsewhere: the same correctly rounded value on every machine.
        """
        if not (a == types.float64 and b == types.float64 and c == types.float64):
            return None

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            double = ir.DoubleType()
            fn = builder.module.declare_intrinsic(
                "llvm.fma", [double], ir.FunctionType(double, [double, double, double])
            )
            return builder.call(fn, args)

        return types.float64(types.float64, types.float64, types.float64), codegen

    @intrinsic
    def bits_to_float(typingctx: Any, bits: Any) -> Any:
        """Return the float64 whose IEEE 754 bits are the int64 ``bits`` (a bit cast)."""
        if bits != types.int64:
            return None

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.bitcast(args[0], ir.DoubleType())

        return types.float64(types.int64), codegen

    def njit(*args: Any, **kwargs: Any) -> Any:
        """Compile with ``numba.njit`` (``cache=True`` unless given)."""
        kwargs.setdefault("cache", True)
        if len(args) == 1 and callable(args[0]) and len(kwargs) == 1:
            return numba.njit(cache=kwargs["cache"])(args[0])
        return numba.njit(*args, **kwargs)


def njit_parallel(func: F) -> F:
    """``njit(parallel=True)`` with the decorated function's type kept (loops over ``prange``)."""
    compiled: F = njit(parallel=True)(func)
    return compiled


def njit_nogil(func: F) -> F:
    """``njit(nogil=True)`` with the decorated function's type kept.

    The compiled function releases the GIL while it runs, so Python threads run it at once.
    """
    compiled: F = njit(nogil=True)(func)
    return compiled


def njit_nogil_ieee(func: F) -> F:
    """``njit(nogil=True, error_model="numpy")``: :func:`njit_nogil` with IEEE division.

    For kernels run on threads whose divisions may meet a zero (x/0 is ±inf or NaN, as in
    NumPy, instead of raising ``ZeroDivisionError``).
    """
    compiled: F = njit(nogil=True, error_model="numpy")(func)
    return compiled


def njit_ieee(func: F) -> F:
    """``njit(error_model="numpy")`` with the decorated function's type kept.

    Division follows IEEE 754 (x/0 is ±inf or NaN) instead of raising ``ZeroDivisionError``,
    so the compiled code has no zero-divisor branch and loops of quotients and square roots
    can run in vector registers. Use it only where every divisor is known to be nonzero, so
    the results are those of ``njit``.
    """
    compiled: F = njit(error_model="numpy")(func)
    return compiled


def njit_inline(func: F) -> F:
    """``njit(error_model="numpy", inline="always")`` for small element-wise functions.

    The function is inlined into its callers' code, so a loop that calls it can run in vector
    registers; division follows IEEE 754 as in :func:`njit_ieee`.
    """
    compiled: F = njit(error_model="numpy", inline="always")(func)
    return compiled


def njit_sums(func: F) -> F:
    """``njit`` for loops of running sums, which the compiler may then reorder.

    Compiled with ``fastmath={"reassoc"}`` (and IEEE division, as :func:`njit_ieee`): the
    compiler may split each running sum into partial sums and add them at the end, so the
    loop runs in vector registers (a fourth of the time, or less). A sum then differs from
    the in-order one within its rounding error, and in the last bits between CPUs of
    different vector widths; on one machine every call, thread and process gives the same
    bits. Only for functions of sums and products: a function they call inline
    (:func:`njit_inline`) would be reordered too, so the elementary functions stay out.
    """
    compiled: F = njit(error_model="numpy", fastmath={"reassoc"})(func)
    return compiled
