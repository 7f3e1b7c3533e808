"""Least-recently-used bounds for the on-disk caches.

Each cache marks a use by refreshing the entry's modification time (:func:`touch`, on every
hit), so the oldest modification time is the least recently used entry; access times are not
used, as most file systems are mounted ``relatime`` or ``noatime``. :func:`evict` deletes the
least recently used entries until the entries hold at most a bound, and removes temporary
files that writers which died left behind.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["TMP_MAX_AGE_S", "bound_from_env", "evict", "touch"]

#: A temporary file older than this (seconds) belongs to a writer that died.
TMP_MAX_AGE_S = 3600.0


def bound_from_env(variable: str, default_mb: float) -> int:
    """The bound in bytes given in megabytes by environment ``variable``.

    An unset, unreadable, infinite or negative value gives ``default_mb``; ``0`` keeps
    nothing.
    """
    text = os.environ.get(variable, "")
    try:
        mb = float(text) if text else default_mb
    except ValueError:
        mb = default_mb
    if not math.isfinite(mb) or mb < 0:
        mb = default_mb
    return int(mb * 1024 * 1024)


def touch(path: Path) -> None:
    """Mark ``path`` as just used (best effort: a read-only home keeps the old order)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def evict(
    folders: Iterable[Path],
    bound: int,
    *,
    is_entry: Callable[[str], bool],
    keep: Path | None = None,
) -> int:
    """Delete the least recently used entries of ``folders`` until they hold ``bound`` bytes.

    Parameters
    ----------
    folders : iterable of Path
        Folders whose files (not sub-folders) are counted together; a missing one is empty.
    bound : int
        Bytes the entries may hold after the call.
    is_entry : callable
        Whether a file name is a cache entry; other files are left alone, except temporary
        files (``.tmp`` in the name) older than :data:`TMP_MAX_AGE_S`, which are deleted.
    keep : Path, optional
        The entry just written: deleted last, and only when it alone exceeds ``bound``.

    Returns
    -------
    int
        Bytes the remaining entries hold.
    """
    now = time.time()
    entries: list[tuple[float, int, Path]] = []
    for folder in folders:
        with contextlib.suppress(OSError):
            for item in folder.iterdir():
                with contextlib.suppress(OSError):
                    if not item.is_file():
                        continue
                    st = item.stat()
                    if is_entry(item.name):
                        entries.append((st.st_mtime, st.st_size, item))
                    elif ".tmp" in item.name and now - st.st_mtime > TMP_MAX_AGE_S:
                        item.unlink()
    total = sum(size for _, size, _ in entries)
    entries.sort(key=lambda e: (e[2] == keep, e[0]))
    for _, size, item in entries:
        if total <= bound:
            break
        with contextlib.suppress(OSError):
            item.unlink()
            total -= size
    return total
