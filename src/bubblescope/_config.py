"""Environment switches and default locations.

``BUBBLESCOPE_HOME``
    Root of the embedded store and caches (default: the platform's user data directory).
``BUBBLESCOPE_DISABLE_NUMBA``
    ``1``/``true`` runs kernels as plain Python (slow; for coverage and debugging), as arch does.
``BUBBLESCOPE_TODAY``
    ``YYYY-MM-DD``: the date outputs measure data age against (default: the system date), so
    a reading can be reproduced as it was made on a given day.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cache_dir", "data_home", "numba_disabled", "today"]


def numba_disabled() -> bool:
    """Return whether ``BUBBLESCOPE_DISABLE_NUMBA`` asks for the pure-Python kernels."""
    return os.environ.get("BUBBLESCOPE_DISABLE_NUMBA", "").lower() in {"1", "true", "yes"}


def data_home() -> Path:
    """Return the store root: ``$BUBBLESCOPE_HOME`` or the platform user data directory.

    The directory is not created here; writers create what they write.
    """
    env = os.environ.get("BUBBLESCOPE_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("bubblescope", appauthor=False))


def cache_dir() -> Path:
    """Return the cache directory (simulated critical values, downloads): ``data_home()/cache``."""
    return data_home() / "cache"


def today() -> pd.Timestamp:
    """Return today's date (midnight): ``$BUBBLESCOPE_TODAY`` or the system date.

    Raises
    ------
    InputError
        When ``BUBBLESCOPE_TODAY`` is not a ``YYYY-MM-DD`` date.
    """
    import pandas as pd

    env = os.environ.get("BUBBLESCOPE_TODAY")
    if not env:
        return pd.Timestamp.today().normalize()
    try:
        return pd.Timestamp(pd.to_datetime(env, format="%Y-%m-%d"))
    except ValueError as exc:
        from bubblescope.errors import InputError

        raise InputError(f"BUBBLESCOPE_TODAY={env!r} is not a YYYY-MM-DD date") from exc
