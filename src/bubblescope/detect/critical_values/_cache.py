"""On-disk cache of simulated critical values, keyed by every parameter that affects them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from bubblescope._config import cache_dir
from bubblescope.detect.critical_values._result import PSYCriticalValues

__all__ = ["cache_key", "load", "save"]

_ARRAYS = ("adf", "sadf", "gsadf", "badf", "bsadf", "familywise")
#: Bump when the simulation changes in a way that changes its numbers.
_VERSION = 1


def cache_key(params: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``params`` (plus the cache format version)."""
    blob = json.dumps({**params, "version": _VERSION}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / "psy_cv" / f"{key}.npz"


def load(key: str) -> PSYCriticalValues | None:
    """The cached critical values under ``key``, or None (missing or unreadable)."""
    path = _path(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            arrays = {name: np.asarray(f[name], dtype=np.float64) for name in _ARRAYS}
    except (OSError, ValueError, KeyError):
        return None
    return PSYCriticalValues(
        levels=tuple(meta["levels"]),
        horizon=int(meta["horizon"]),
        method=str(meta["method"]),
        reps=int(meta["reps"]),
        bsadf_definition=meta["bsadf_definition"],
        **arrays,
    )


def save(key: str, cv: PSYCriticalValues) -> None:
    """Write ``cv`` under ``key`` atomically (write to a temporary name, then rename)."""
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "levels": list(cv.levels),
        "horizon": cv.horizon,
        "method": cv.method,
        "reps": cv.reps,
        "bsadf_definition": cv.bsadf_definition,
    }
    tmp = path.with_suffix(f".{np.random.default_rng().integers(1 << 62)}.tmp.npz")
    np.savez(tmp, meta=np.asarray(json.dumps(meta)), **{n: getattr(cv, n) for n in _ARRAYS})
    tmp.replace(path)
