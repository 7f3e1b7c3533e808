"""numba shim: ``njit`` compiles unless ``BUBBLESCOPE_DISABLE_NUMBA`` is set.

With the switch set, the decorated functions run as plain Python, which is slow but lets
coverage and debuggers see inside the kernels (the pattern of ``arch.compat.numba``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bubblescope._config import numba_disabled

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["njit", "njit_ieee", "njit_nogil", "njit_parallel", "prange"]

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

else:
    import numba

    prange = numba.prange

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


def njit_ieee(func: F) -> F:
    """``njit(error_model="numpy")`` with the decorated function's type kept.

    Division follows IEEE 754 (x/0 is ±inf or NaN) instead of raising ``ZeroDivisionError``,
    so the compiled code has no zero-divisor branch and loops of quotients and square roots
    can run in vector registers. Use it only where every divisor is known to be nonzero, so
    the results are those of ``njit``.
    """
    compiled: F = njit(error_model="numpy")(func)
    return compiled
