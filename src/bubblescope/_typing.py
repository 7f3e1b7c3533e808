"""Shared type aliases.

:data:`SeriesLike` and :data:`FrameLike` are public (``from bubblescope.data import
SeriesLike, FrameLike``): they name what :func:`bubblescope.data.validate.validate_series` and
:func:`~bubblescope.data.validate.validate_panel`, the one gate of every analysis, accept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

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
