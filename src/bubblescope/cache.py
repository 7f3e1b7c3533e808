"""Results cache: JSON results on disk, keyed by the data and settings that produced them.

A key is the SHA-256 of everything a result depends on: a namespace, the content hash of each
input series (:func:`content_hash`, so importing or updating data invalidates it), the settings'
fingerprint and bubblescope's version. Entries are written atomically (temporary name, then
rename), so concurrent runs never read half a file. The cache is best effort: an unreadable
entry is deleted and recomputed, and a home that cannot be written (read-only, full) only
means the value is not remembered; no temporary file is left behind either way.
``BUBBLESCOPE_NO_CACHE=1`` bypasses the cache; ``BUBBLESCOPE_RESULTS_CACHE`` moves it from
``$BUBBLESCOPE_HOME/cache/results`` to another folder (the test suite shares one per run).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from bubblescope._config import cache_dir
from bubblescope._json import to_jsonable

__all__ = ["cached_json", "content_hash", "is_cached", "result_key"]

#: Bump when a cached result's meaning changes without its inputs changing.
FORMAT = 1


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


def _path(namespace: str, key: str) -> Path:
    root = os.environ.get("BUBBLESCOPE_RESULTS_CACHE")
    base = Path(root) if root else cache_dir() / "results"
    return base / namespace / f"{key}.json"


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
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                path.unlink()
    value = to_jsonable(compute())
    if disabled:
        return value
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(value, allow_nan=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still computes; it only cannot remember
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return value
