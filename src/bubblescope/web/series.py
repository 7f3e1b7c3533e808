"""Which series the API may analyse: shipped data, uploads and the local store (never paths).

The API does not hand user text to :func:`~bubblescope.data.sources.resolve_series`, which
would also open files by path; names are matched against the three known places only.
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pandas as pd

from bubblescope.errors import BubblescopeError, InputError, UnknownSymbolError

__all__ = ["SeriesRegistry", "window", "window_frame"]


class SeriesRegistry:
    """Shipped series, uploaded series (in memory) and stored series, by name.

    Parameters
    ----------
    max_uploads : int
        Uploaded series kept (oldest dropped first).
    """

    def __init__(self, max_uploads: int = 20) -> None:
        self._uploads: OrderedDict[str, pd.DataFrame] = OrderedDict()
        self._max = max_uploads
        self._lock = threading.Lock()

    @classmethod
    def pinned(cls, name: str, frame: pd.DataFrame) -> SeriesRegistry:
        """A registry in which ``name`` is ``frame`` (what an analysis process is handed)."""
        reg = cls(max_uploads=1)
        reg._uploads[name] = frame
        return reg

    def names(self) -> list[dict[str, str]]:
        """Every analysable series with its kind (shipped, store, shipped+store, upload)."""
        from bubblescope.data.catalog import series_names

        out = series_names()
        with self._lock:
            out += [{"name": n, "kind": "upload"} for n in self._uploads]
        return out

    def load(self, name: str) -> pd.DataFrame:
        """The canonical price frame of ``name`` (stored rows win over shipped ones per date).

        Raises
        ------
        UnknownSymbolError
            When ``name`` is neither shipped, uploaded nor stored.
        """
        from bubblescope.data.catalog import load_series

        with self._lock:
            if name in self._uploads:
                return self._uploads[name]
        try:
            return load_series(name)
        except UnknownSymbolError:
            raise UnknownSymbolError(
                f"unknown series {name!r}",
                hint="list them with GET /api/series; upload a CSV or import it into the store",
            ) from None

    def add_upload(self, content: bytes, filename: str) -> tuple[str, pd.DataFrame]:
        """Parse an uploaded CSV into a canonical frame and register it under a new name.

        Raises
        ------
        InputError
            When the file cannot be parsed as a price series (the message says why).
        """
        from bubblescope.data.sources import load_file

        suffix = ".parquet" if filename.lower().endswith(".parquet") else ".csv"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(content)
            try:
                frame = load_file(path)
            except BubblescopeError as exc:
                reason = str(exc).replace(str(path), filename)
                raise InputError(f"cannot use the uploaded file {filename!r}: {reason}") from exc
            except (ValueError, TypeError, KeyError, IndexError, UnicodeError) as exc:
                raise InputError(
                    f"cannot parse the uploaded file {filename!r}: {exc}",
                    hint="upload a CSV with a date column and a price column",
                ) from exc
        name = f"upload-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self._uploads[name] = frame
            while len(self._uploads) > self._max:
                self._uploads.popitem(last=False)
        return name, frame


def window_frame(frame: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """The rows of ``frame`` between ``start`` and ``end`` (inclusive; None = open)."""
    rows = frame.loc[pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None]
    if rows.empty:
        raise InputError(f"no observations between {start or 'the start'} and {end or 'the end'}")
    return rows


def window(frame: pd.DataFrame, start: Any, end: Any) -> pd.Series:
    """Closes of ``frame`` between ``start`` and ``end`` (inclusive; None = open)."""
    return window_frame(frame, start, end)["close"].astype("float64")
