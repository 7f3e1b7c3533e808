"""The one exception hierarchy of bubblescope.

Every failure a user can cause or meet is one of these types, with a message that names the
problem and, where there is one, the fix. The CLI prints ``str(error)`` as one line and exits
with :attr:`BubblescopeError.exit_code`; the web API maps the same types to 4xx/5xx responses.

Hierarchy
---------
``BubblescopeError``
    ``InputError``         bad arguments or series (too short, NaN, non-positive, unsorted ...)
        ``UnitError``      quantities in incompatible or unknown units
    ``DataError``          a file or dataset is malformed, missing or inconsistent
        ``UnknownSymbolError``  a symbol/entity/fact id that nothing knows
    ``StoreError``         the embedded store cannot be read or written
    ``SourceError``        a live source (Yahoo, FRED, SEC) failed: names the symbol and cause
    ``ConvergenceError``   an optimiser or fixed-point iteration did not converge
    ``BackendError``       an optional backend (JAX/GPU, dask) is requested but unavailable
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BubblescopeError",
    "ConvergenceError",
    "DataError",
    "InputError",
    "SourceError",
    "StoreError",
    "UnitError",
    "UnknownSymbolError",
]


class BubblescopeError(Exception):
    """Base class of every error bubblescope raises on purpose.

    Parameters
    ----------
    message : str
        What went wrong, naming the offending value or row.
    hint : str, optional
        How to fix it; appended to the message as ``" (hint: ...)"``.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} (hint: {hint})")


class InputError(BubblescopeError, ValueError):
    """An argument or input series is unusable for the requested method."""

    exit_code = 2


class UnitError(InputError):
    """Quantities are in incompatible or unknown units."""


class DataError(BubblescopeError):
    """A file or dataset is malformed, missing or internally inconsistent."""

    exit_code = 3


class UnknownSymbolError(DataError, KeyError):
    """A symbol, entity or fact id that no loaded dataset knows."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return Exception.__str__(self)


class StoreError(BubblescopeError):
    """The embedded store cannot be read or written."""

    exit_code = 4


class SourceError(BubblescopeError):
    """A live data source failed (timeout, HTTP error, empty or malformed payload)."""

    exit_code = 5


class ConvergenceError(BubblescopeError):
    """An optimiser or fixed-point iteration did not converge."""

    exit_code = 6


class BackendError(BubblescopeError):
    """An optional backend (JAX on a GPU, dask.distributed) is requested but unavailable."""

    exit_code = 7
