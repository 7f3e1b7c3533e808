"""Data layer: validation, loaders, the embedded store and the sourced fact base.

:data:`SeriesLike` (one series) and :data:`FrameLike` (several series on one index) name the
inputs the analyses accept: what :func:`~bubblescope.data.validate.validate_series` and
:func:`~bubblescope.data.validate.validate_panel` take.
"""

from bubblescope._typing import FrameLike, SeriesLike

__all__ = ["FrameLike", "SeriesLike"]
