"""On-disk cache of simulated critical values, keyed by every parameter that affects them.

Simulated PSY critical values are ``.npz`` files under ``psy_cv``; small arrays of other
simulations (the CUSUM boundary constants) are JSON files under their own folder
(:func:`load_array`, :func:`save_array`). The cache only saves time, so it never fails a run:
an entry that cannot be read (truncated, not a zip file, missing arrays) is deleted and
recomputed, and a home that is read-only or full only means nothing is remembered. Each
folder is bounded: after each write the least recently used entries (a hit refreshes an
entry's modification time) are evicted until the folder holds at most
``BUBBLESCOPE_CV_CACHE_MB`` megabytes (default :data:`DEFAULT_MAX_MB`; ``0`` keeps nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bubblescope._config import cache_dir
from bubblescope._disk_lru import bound_from_env, evict, touch
from bubblescope.detect.critical_values._result import PSYCriticalValues

__all__ = [
    "DEFAULT_MAX_MB",
    "cache_key",
    "is_cached_array",
    "load",
    "load_array",
    "max_bytes",
    "save",
    "save_array",
]

_ARRAYS = ("adf", "sadf", "gsadf", "badf", "bsadf", "familywise")
#: Bump when the simulation changes in a way that changes its numbers.
_VERSION = 1
#: Default bound of the folder in megabytes (an entry for T = 5,000 is about 0.3 MB).
DEFAULT_MAX_MB = 256.0
_ENTRY = re.compile(r"^[0-9a-f]{64}\.(npz|json)$")


def cache_key(params: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``params`` (plus the cache format version)."""
    blob = json.dumps({**params, "version": _VERSION}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _folder() -> Path:
    return cache_dir() / "psy_cv"


def _path(key: str) -> Path:
    return _folder() / f"{key}.npz"


def max_bytes() -> int:
    """The folder's bound in bytes, from ``BUBBLESCOPE_CV_CACHE_MB``.

    An unreadable or negative value gives :data:`DEFAULT_MAX_MB`.
    """
    return bound_from_env("BUBBLESCOPE_CV_CACHE_MB", DEFAULT_MAX_MB)


def is_cached(key: str) -> bool:
    """Whether an entry is stored under ``key`` (:func:`load` may still find it unreadable)."""
    return _path(key).is_file()


def load(key: str) -> PSYCriticalValues | None:
    """The cached critical values under ``key``, or None (missing or unreadable).

    An unreadable entry is deleted, so the next run writes a good one instead of failing on it
    again; a hit refreshes the entry's modification time (its place in the LRU order).
    """
    path = _path(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta"]))
            arrays = {name: np.asarray(f[name], dtype=np.float64) for name in _ARRAYS}
        cv = PSYCriticalValues(
            levels=tuple(meta["levels"]),
            horizon=int(meta["horizon"]),
            method=str(meta["method"]),
            reps=int(meta["reps"]),
            bsadf_definition=meta["bsadf_definition"],
            **arrays,
        )
    except Exception:  # BadZipFile, EOFError, OSError, ValueError, KeyError ...: all mean "bad"
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    touch(path)
    return cv


def save(key: str, cv: PSYCriticalValues) -> None:
    """Write ``cv`` under ``key`` atomically (temporary name, then rename), then evict.

    Best effort: when the folder cannot be written (read-only home, full disk) nothing is
    stored, no temporary file is left, and no error is raised.
    """
    path = _path(key)
    meta = {
        "levels": list(cv.levels),
        "horizon": cv.horizon,
        "method": cv.method,
        "reps": cv.reps,
        "bsadf_definition": cv.bsadf_definition,
    }
    if max_bytes() == 0:
        return
    tmp = path.with_name(f".{key}.{os.getpid()}.{uuid.uuid4().hex}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, meta=np.asarray(json.dumps(meta)), **{n: getattr(cv, n) for n in _ARRAYS})
        tmp.replace(path)
    except OSError:
        return
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    _evict(path.parent, keep=path)


def _evict(folder: Path, keep: Path) -> None:
    """Delete least recently used entries until the folder fits :func:`max_bytes`.

    ``keep`` (the entry just written) goes last, and only when it alone exceeds the bound.
    Temporary files of writers that died more than an hour ago are removed too.
    """
    evict([folder], max_bytes(), is_entry=lambda name: bool(_ENTRY.match(name)), keep=keep)


def is_cached_array(namespace: str, key: str) -> bool:
    """Whether :func:`load_array` finds an entry under ``namespace/key`` (it may be unreadable)."""
    return (cache_dir() / namespace / f"{key}.json").is_file()


def load_array(namespace: str, key: str, shape: tuple[int, ...]) -> npt.NDArray[np.float64] | None:
    """The float64 array cached under ``namespace/key`` with ``shape``, or None.

    An unreadable entry, or one of another shape, is deleted; a hit refreshes its place in
    the LRU order.
    """
    path = cache_dir() / namespace / f"{key}.json"
    if not path.is_file():
        return None
    try:
        values = np.asarray(json.loads(path.read_text(encoding="utf-8"))["b"], dtype=np.float64)
        if values.shape != shape:
            raise ValueError(f"shape {values.shape}, expected {shape}")
    except Exception:  # OSError, ValueError, KeyError, TypeError: all mean "bad"
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    touch(path)
    return values


def save_array(namespace: str, key: str, values: npt.ArrayLike) -> None:
    """Cache ``values`` under ``namespace/key`` (best effort and bounded, as :func:`save`)."""
    if max_bytes() == 0:
        return
    path = cache_dir() / namespace / f"{key}.json"
    tmp = path.with_name(f".{key}.{os.getpid()}.{uuid.uuid4().hex}.tmp.json")
    payload = {"b": [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    _evict(path.parent, keep=path)
