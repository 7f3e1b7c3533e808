"""Shared type aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

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
