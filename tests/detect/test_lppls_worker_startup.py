"""A spawned LPPLS worker imports only what it computes with (issue 18, worker start-up).

:func:`bubblescope.parallel.map_chunks` pickles the worker function by reference, so each
spawned worker imports its module afresh; pandas there cost ~0.2 s CPU per worker. The public
aliases that need pandas are still there for whoever asks for them.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd

from bubblescope.detect._lppls_indicators import _run_dates


def test_the_worker_module_does_not_import_pandas() -> None:
    assert _run_dates.__module__ == "bubblescope.detect._lppls_dates"
    code = (
        "import sys, bubblescope.detect._lppls_dates\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pandas'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_the_public_aliases_still_name_pandas_types() -> None:
    from bubblescope.data import FrameLike, SeriesLike

    assert {pd.Series, pd.DataFrame} <= set(SeriesLike.__args__)
    assert {pd.Series, pd.DataFrame} <= set(FrameLike.__args__)
    assert any(getattr(a, "__origin__", None) is np.ndarray for a in SeriesLike.__args__)
    import bubblescope._typing as typing_module

    assert typing_module.SeriesLike is SeriesLike
