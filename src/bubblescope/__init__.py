"""bubblescope: measure speculative bubbles and stress-test the economy behind them.

Subpackages
-----------
``bubblescope.data``     validation, loaders (files, bundled, live), the embedded store, facts
``bubblescope.detect``   PSY exuberance tests, LPPLS, run-up crash odds
``bubblescope.economy``  financing network, depreciation, GPU economics, power, valuation

``import bubblescope`` stays light: numba kernels, plotting and optional extras load on use.
"""

from __future__ import annotations

from bubblescope.errors import (
    BubblescopeError,
    DataError,
    InputError,
    SourceError,
    StoreError,
)

__version__ = "0.1.0"

__all__ = [
    "BubblescopeError",
    "DataError",
    "InputError",
    "SourceError",
    "StoreError",
    "__version__",
]
