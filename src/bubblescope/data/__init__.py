"""Data layer: validation, loaders, the embedded store and the sourced fact base.

:data:`SeriesLike` (one series) and :data:`FrameLike` (several series on one index) name the
inputs the analyses accept: what :func:`~bubblescope.data.validate.validate_series` and
:func:`~bubblescope.data.validate.validate_panel` take. They are read from
:mod:`bubblescope._typing` on first use, so importing a submodule such as the fact base does not
import pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bubblescope._typing import FrameLike, SeriesLike

__all__ = ["FrameLike", "SeriesLike"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from bubblescope import _typing

        return getattr(_typing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
