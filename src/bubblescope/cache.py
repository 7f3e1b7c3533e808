"""Results cache: JSON results on disk, keyed by the data and settings that produced them.

A key is the SHA-256 of everything a result depends on: a namespace, the content hash of each
input series (:func:`content_hash`, so importing or updating data invalidates it), the settings'
fingerprint and bubblescope's version. Entries are written atomically (temporary name, then
rename), so concurrent runs never read half a file. The cache is best effort: an unreadable
entry is deleted and recomputed, and a home that cannot be written (read-only, full) only
means the value is not remembered; no temporary file is left behind either way.
``BUBBLESCOPE_NO_CACHE=1`` bypasses the cache; ``BUBBLESCOPE_RESULTS_CACHE`` moves it from
``$BUBBLESCOPE_HOME/cache/results`` to another folder (the test suite shares one per run).

The cache is bounded: its entries, all namespaces together, hold at most
``BUBBLESCOPE_RESULTS_CACHE_MB`` megabytes (default :data:`DEFAULT_MAX_MB`; ``0`` keeps
nothing). A hit refreshes an entry's modification time, and the least recently used entries
are evicted first (entries of an older bubblescope version, whose keys no run asks for any
more, go this way). A process sweeps the folder at its first write and then each time it has
written :data:`SWEEP_FRACTION` of the bound, so a run that stores many small entries (the
LPPLS dates of a backtest) does not list the folder at every write; the bound is exceeded by
at most that much between two sweeps.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from bubblescope._config import cache_dir
from bubblescope._disk_lru import bound_from_env, evict, touch
from bubblescope._json import to_jsonable

__all__ = [
    "DEFAULT_MAX_MB",
    "SWEEP_FRACTION",
    "cached_json",
    "content_hash",
    "is_cached",
    "max_bytes",
    "result_key",
]

#: Bump when a cached result's meaning changes without its inputs changing.
FORMAT = 1
#: Default bound of the results cache in megabytes (a daily NASDAQ backtest of every signal
#: stores about 4 MB; the README's first run about 8 MB).
DEFAULT_MAX_MB = 512.0
#: Fraction of the bound a process writes between two sweeps of the folder.
SWEEP_FRACTION = 1 / 32
_ENTRY = re.compile(r"^[0-9a-f]{64}\.json$")
_SWEEP_LOCK = threading.Lock()
#: Bytes this process has written since its last sweep (None: it has not swept yet).
_unswept: int | None = None


def content_hash(data: pd.Series | pd.DataFrame) -> str:
    """SHA-256 (16 hex digits) of a series' or frame's index and values."""
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(data, index=True).to_numpy().tobytes())
    if isinstance(data, pd.DataFrame):
        digest.update(json.dumps([str(c) for c in data.columns]).encode())
    return digest.hexdigest()[:16]


def result_key(namespace: str, *parts: Any) -> str:
    """Cache key of a result: namespace, inputs' hashes and settings, version."""
    from bubblescope import __version__

    blob = json.dumps(
        {"ns": namespace, "parts": to_jsonable(list(parts)), "v": __version__, "f": FORMAT},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _base() -> Path:
    root = os.environ.get("BUBBLESCOPE_RESULTS_CACHE")
    return Path(root) if root else cache_dir() / "results"


def _path(namespace: str, key: str) -> Path:
    return _base() / namespace / f"{key}.json"


def max_bytes() -> int:
    """The cache's bound in bytes, from ``BUBBLESCOPE_RESULTS_CACHE_MB``.

    An unreadable or negative value gives :data:`DEFAULT_MAX_MB`.
    """
    return bound_from_env("BUBBLESCOPE_RESULTS_CACHE_MB", DEFAULT_MAX_MB)


def _written(path: Path, size: int, bound: int) -> None:
    """Count ``size`` bytes just written to ``path``; sweep the cache when it is time."""
    global _unswept
    with _SWEEP_LOCK:
        due = _unswept is None or _unswept + size >= bound * SWEEP_FRACTION
        _unswept = 0 if due else (_unswept or 0) + size
    if due:
        base = _base()
        with contextlib.suppress(OSError):
            folders = [item for item in base.iterdir() if item.is_dir()]
            evict(folders, bound, is_entry=lambda name: bool(_ENTRY.match(name)), keep=path)


def _disabled() -> bool:
    return os.environ.get("BUBBLESCOPE_NO_CACHE", "").lower() in {"1", "true", "yes"}


def is_cached(namespace: str, key: str) -> bool:
    """Whether :func:`cached_json` would read ``key`` instead of computing it.

    An entry that turns out unreadable is recomputed by :func:`cached_json`; this only looks
    for the file, so a cost estimate built on it can err low by one such entry.
    """
    return not _disabled() and _path(namespace, key).is_file()


def cached_json(namespace: str, key: str, compute: Callable[[], Any]) -> Any:
    """The cached JSON value under ``key``, or ``compute()`` stored under it.

    ``compute`` must return JSON-ready data (:func:`bubblescope._json.to_jsonable` is applied,
    so what is returned on a miss equals what a later hit returns).
    """
    path = _path(namespace, key)
    disabled = _disabled()
    if not disabled and path.is_file():
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                path.unlink()
        else:
            touch(path)
            return value
    value = to_jsonable(compute())
    bound = max_bytes()
    if disabled or bound == 0:
        return value
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(value, allow_nan=False)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return value  # a read-only home still computes; it only cannot remember
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    _written(path, len(text.encode()), bound)
    return value
