"""Shared type aliases.

:data:`SeriesLike` and :data:`FrameLike` are public (``from bubblescope.data import
SeriesLike, FrameLike``): they name what :func:`bubblescope.data.validate.validate_series` and
:func:`~bubblescope.data.validate.validate_panel`, the one gate of every analysis, accept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

Float64Array: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Anything :func:`numpy.random.default_rng` accepts, as in SPEC 7.
RngLike: TypeAlias = int | np.random.Generator | np.random.SeedSequence | None

#: ``progress(done, total)``: called by long computations; the library never imports a progress bar.
ProgressCallback: TypeAlias = Callable[[int, int], None]

JSONDict: TypeAlias = dict[str, Any]


class SupportsToNumpy(Protocol):
    """A column of another data-frame library (e.g. a polars Series) with ``.to_numpy()``."""

    def to_numpy(self) -> npt.NDArray[Any]: ...


if TYPE_CHECKING:
    import pandas as pd

    #: One series: a pandas Series (its DatetimeIndex is kept through to the outputs), a one-column
    #: DataFrame or one with a ``close`` column (a canonical price frame), a numeric 1-d array (or a
    #: 2-d array with one column or row), a sequence of numbers, or an object with ``.to_numpy()``.
    SeriesLike: TypeAlias = (
        pd.Series | pd.DataFrame | npt.NDArray[Any] | Sequence[float] | SupportsToNumpy
    )

    #: Several series on one index, one column each: a pandas DataFrame (or a Series, one column), a
    #: numeric 2-d array ``(T, N)``, a sequence of rows, or an object with ``.to_numpy()``.
    FrameLike: TypeAlias = (
        pd.DataFrame | pd.Series | npt.NDArray[Any] | Sequence[Sequence[float]] | SupportsToNumpy
    )

else:

    def __getattr__(name: str) -> Any:
        """Build :data:`SeriesLike` and :data:`FrameLike` on first use (they need pandas).

        Type checkers read the aliases above; at run time they are made only when a module asks
        for them, so a spawned worker that imports only the array aliases never imports pandas
        (~0.2 s CPU per worker).
        """
        if name not in ("SeriesLike", "FrameLike"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import pandas as pd

        aliases = {
            "SeriesLike": pd.Series
            | pd.DataFrame
            | npt.NDArray[Any]
            | Sequence[float]
            | SupportsToNumpy,
            "FrameLike": pd.DataFrame
            | pd.Series
            | npt.NDArray[Any]
            | Sequence[Sequence[float]]
            | SupportsToNumpy,
        }
        globals().update(aliases)
        return aliases[name]
