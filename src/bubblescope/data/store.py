"""The embedded store: write-once Parquet files read through pyarrow or in-process DuckDB.

Why not a DuckDB database file? DuckDB lets one process hold a database file for writing and
locks every other process out, so the CLI could not import while the dashboard reads. Here every
import writes one new Parquet file and no file is ever changed (a compaction writes a new one
and then deletes those it replaces), so any number of processes can read while one writes
(``../shared/spec/ecosystem-and-style.md`` §2c). Price reads go through pyarrow when the
symbol's files agree on their column types (a DuckDB connection costs more than the read),
else, and for every other read, through a short-lived DuckDB connection.

Layout (under :func:`store_root`, i.e. ``$BUBBLESCOPE_HOME/store``)::

    SCHEMA_VERSION                      {"schema_version": 1}
    prices/symbol=NVDA/part-<vintage>-<hash>.parquet
    prices/symbol=NVDA/.compact.lock    while a compaction of NVDA runs
    fundamentals/symbol=MSFT/part-....parquet
    facts/ deals/ runs/ readings/       same Hive-style tree
    .tmp/                               files being written (never read)

Atomicity
    A file is written completely under ``.tmp/`` (same filesystem), flushed to disk, and then
    moved into place with :func:`os.replace`, which is atomic on POSIX and Windows. Readers list
    only ``part-*.parquet`` files inside dataset folders, so they never see a partial file; a
    writer killed mid-way leaves at most an orphan in ``.tmp/`` (removed by later imports once
    it is an hour old, or at once when the writer that named it is no longer running on this
    machine). Every failure of a write that the writer survives (an error, a full disk,
    Ctrl-C) removes its own temporary file.
Idempotence
    ``<hash>`` is a SHA-256 of the frame's content (columns, dtypes, index and values). Importing
    the same content again for the same dataset and symbol writes nothing.
Which vintage wins
    ``<vintage>`` is the import time in nanoseconds (also stored in the column ``_vintage``).
    ``prices`` keeps one row per (symbol, date): the row from the **newest import** wins, so
    importing a revised file (a later FRED vintage) overrides the overlapping dates and keeps the
    rest. ``fundamentals``, ``facts`` and ``deals`` are snapshots: the newest import for a symbol
    replaces the older ones as a whole. ``runs`` and ``readings`` (the status page's readings log)
    are append-only: every import is kept. Because a
    re-import of identical content writes nothing, its vintage stays that of its first import.
Compaction
    Every file a read opens costs it time (DuckDB opens and plans each), so a symbol imported one
    row a day would read ever slower. When a symbol's folder holds more than
    :data:`COMPACT_AFTER` files, the import that made it so folds them into one
    (:func:`compact`, also ``bubblescope data compact``). The compacted file holds exactly the
    rows a read returned before, each with the ``_vintage`` of the import that supplied it, so
    later imports still win or lose per date as before; rows no read could return (superseded
    dates of ``prices``, older ``fundamentals`` snapshots) are dropped. Its Parquet metadata
    (key ``bubblescope.compacted``) names the files it replaces and the ``(vintage, hash)`` of
    every import it holds, so re-importing any of them still writes nothing and still says
    whether a newer import stays current. It is named like any part,
    ``part-<newest vintage>-<hash of the replaced names>.parquet``, and becomes visible with one
    :func:`os.replace`; only then are the replaced files deleted. Readers skip every file a
    compacted file names as replaced, so a compaction killed between those steps leaves the
    data read exactly as before (the next compaction deletes the leftovers), and a reader whose
    file list went stale while the files were deleted lists again (up to ``_READ_TRIES``
    times). A lock file (``.compact.lock`` in the symbol's folder, naming its process) keeps two
    compactions of one symbol apart; imports need no lock, since a part imported during a
    compaction is not among those it replaces.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from bubblescope._config import data_home
from bubblescope._typing import ProgressCallback
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.data.frames import CANONICAL_COLUMNS, OPTIONAL_PRICE_COLUMNS, check_canonical
from bubblescope.errors import InputError, StoreError, UnknownSymbolError
from bubblescope.result import ResultMixin

__all__ = [
    "COMPACT_AFTER",
    "DATASETS",
    "SCHEMA_VERSION",
    "ImportResult",
    "compact",
    "import_frame",
    "list_datasets",
    "list_symbols",
    "load_dataset",
    "load_prices",
    "query",
    "store_root",
    "summary",
    "vintage_time",
]

#: Version of the on-disk layout; bumped when files written by an older version cannot be read.
SCHEMA_VERSION = 1

Semantics = Literal["series", "snapshot", "append"]
#: dataset -> how imports combine (see the module notes).
DATASETS: dict[str, Semantics] = {
    "prices": "series",
    "fundamentals": "snapshot",
    "facts": "snapshot",
    "deals": "snapshot",
    "runs": "append",
    "readings": "append",
}
#: Columns every ``prices`` file must carry.
_PRICE_REQUIRED = ("date", "close", "_vintage")

_SYMBOL = re.compile(r"^[A-Za-z0-9._^-]{1,64}$")
_PART = re.compile(r"^part-(\d{19})-([0-9a-f]{16})\.parquet$")
_ROW_GROUP = 100_000
_TMP_MAX_AGE_S = 3600.0
#: Files a symbol's folder may hold before an import compacts them into one. Reading ten years
#: of daily closes took 4 ms from one file, 22 ms from 21 and 86 ms from 101
#: (``benchmarks/bench_store.py``), about 0.8 ms a file, so a read stays within about 13 ms of
#: the one-file read, while a compaction (40-90 ms) comes once every 16 imports.
COMPACT_AFTER = 16
#: Parquet metadata key of a compacted file's manifest (see the module notes).
_MANIFEST_KEY = b"bubblescope.compacted"
_LOCK_NAME = ".compact.lock"
#: Times a read lists the files again when a compaction deleted some it had listed.
_READ_TRIES = 5

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ImportResult(ResultMixin):
    """What an import did.

    Attributes
    ----------
    dataset, symbol : str
    path : str
        The Parquet file holding the content (new or already present).
    rows : int
    written : bool
        False when identical content was already stored (nothing written).
    superseded_by : str or None
        When the content was already stored but a newer import of the symbol exists: when
        that import was made (``"2026-12-01 10:00 UTC"``). Its rows stay current (for prices,
        on the dates both cover), so re-importing older content does not bring it back.
    """

    dataset: str
    symbol: str
    path: str
    rows: int
    written: bool
    superseded_by: str | None = None

    def summary(self) -> str:
        """One line for humans."""
        verb = "imported" if self.written else "already stored (nothing written)"
        line = f"{self.dataset}/{self.symbol}: {self.rows} rows {verb} -> {self.path}"
        if self.superseded_by is not None:
            line += (
                f"; a newer import ({self.superseded_by}) stays current, so these rows are not "
                "the ones read where both cover"
            )
        return line

    def to_frame(self) -> pd.DataFrame:
        """The import as one row."""
        return pd.DataFrame([self.to_dict()])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "dataset": self.dataset,
            "symbol": self.symbol,
            "path": self.path,
            "rows": self.rows,
            "written": self.written,
            "superseded_by": self.superseded_by,
        }

    def chart_spec(self) -> ChartSpec:
        """The rows the symbol now has in the store from this content (one bar).

        An import has no series of its own to draw; the bar says how much it holds, and
        whether it was written or was already there.
        """
        verb = "written" if self.written else "already stored"
        return ChartSpec(
            f"Import of {self.dataset}/{self.symbol}",
            (
                Panel(
                    f"rows {verb}",
                    "rows",
                    bars=(Bar([self.symbol], [self.rows], f"rows {verb}"),),
                ),
            ),
            source=self.path,
            legend=False,
        )


def store_root() -> Path:
    """Return the store directory, ``data_home()/store`` (not created here)."""
    return data_home() / "store"


def _check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        raise InputError(f"unknown dataset {dataset!r}", hint=f"choose one of {list(DATASETS)}")


def _check_symbol(symbol: str) -> str:
    if not _SYMBOL.match(symbol):
        raise InputError(
            f"invalid symbol {symbol!r} for the store",
            hint="use letters, digits and . _ ^ - (at most 64 characters)",
        )
    return symbol


def _check_schema(root: Path) -> None:
    """Raise :class:`StoreError` if the store was written by an incompatible version."""
    marker = root / "SCHEMA_VERSION"
    if not marker.exists():
        return
    try:
        version = int(json.loads(marker.read_text(encoding="utf-8"))["schema_version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"store schema file {marker} is unreadable: {exc}",
            hint="restore it or move the store away",
        ) from exc
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"store at {root} has schema version {version}; this bubblescope reads "
            f"up to {SCHEMA_VERSION}",
            hint="upgrade bubblescope",
        )


def _write_schema(root: Path) -> None:
    marker = root / "SCHEMA_VERSION"
    if marker.exists():
        return
    tmp = root / ".tmp" / f"schema-{_writer_tag()}-{uuid.uuid4().hex}.json"
    try:
        tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", encoding="utf-8")
        os.replace(tmp, marker)
    finally:
        tmp.unlink(missing_ok=True)


def _content_hash(frame: pd.DataFrame) -> str:
    """SHA-256 (first 16 hex digits) of column names, dtypes, index and values."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def _writer_tag() -> str:
    """``<pid>.<host>`` naming this process in its temporary files (host: 8 hex digits)."""
    host = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
    return f"{os.getpid()}.{host}"


def _writer_gone(name: str) -> bool:
    """Whether the writer named in a temporary file's name is a dead process of this host.

    Temporary names end ``-<pid>.<host>-<uuid>.<ext>``. A writer on another host (a store on a
    network drive) or a name of another shape is never judged gone: only age removes those.
    """
    parts = name.rsplit("-", 2)
    return len(parts) == 3 and _tag_gone(parts[1])


def _tag_gone(tag: str) -> bool:
    """Whether ``<pid>.<host>`` (see :func:`_writer_tag`) names a dead process of this host."""
    pid_text, _, host = tag.partition(".")
    if not pid_text.isdigit() or host != _writer_tag().partition(".")[2]:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive but not ours (EPERM), or the platform cannot tell
        return False
    return False


def _clean_tmp(tmp_dir: Path) -> None:
    """Remove orphans of killed writers: at once when the writer is dead, else after an hour."""
    now = time.time()
    for orphan in tmp_dir.glob("*"):
        with contextlib.suppress(OSError):
            if _writer_gone(orphan.name) or now - orphan.stat().st_mtime > _TMP_MAX_AGE_S:
                orphan.unlink()


def _to_table_frame(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Prepare a frame for writing: prices get a ``date`` column and no ``symbol`` column."""
    if dataset == "prices":
        check_canonical(frame)
        out = frame.reset_index()
        out["date"] = pd.to_datetime(out["date"]).astype("datetime64[us]")
        keep = ["date", *[c for c in CANONICAL_COLUMNS if c in out.columns and c != "symbol"]]
        return out[keep]
    out = frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex))
    if "symbol" in out.columns:
        out = out.drop(columns="symbol")
    return out


def import_frame(
    frame: pd.DataFrame,
    dataset: str = "prices",
    *,
    symbol: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Store ``frame`` as one new immutable Parquet file (atomic, idempotent).

    Parameters
    ----------
    frame : pandas.DataFrame
        For ``prices`` a canonical price frame (see :mod:`bubblescope.data.frames`); for other
        datasets any frame with string column names.
    dataset : {"prices", "fundamentals", "facts", "deals", "runs"}
    symbol : str, optional
        Partition key; defaults to the frame's single ``symbol`` (or ``ticker``) value. Price
        symbols are upper-cased.
    progress : callable, optional
        ``progress(rows_written, total_rows)`` after each row group.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        Unknown dataset, bad symbol, or a price frame that is not canonical.
    StoreError
        When the store cannot be written.
    """
    _check_dataset(dataset)
    if frame.empty:
        raise InputError(f"nothing to import for {symbol or 'the store'}: the frame is empty")
    if symbol is None:
        label = next((c for c in ("symbol", "ticker") if c in frame.columns), None)
        if label is None or frame[label].nunique() != 1:
            raise InputError(
                "cannot tell the symbol to store the frame under",
                hint="pass symbol=... (or a frame with one 'symbol'/'ticker' value)",
            )
        symbol = str(frame[label].iloc[0])
    if dataset == "prices":
        symbol = symbol.upper()
    _check_symbol(symbol)
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = store_root()
    _check_schema(root)
    table_frame = _to_table_frame(frame, dataset)
    try:
        content = _content_hash(table_frame)
        table = pa.Table.from_pandas(table_frame.assign(_vintage=np.int64(0)), preserve_index=False)
    except (TypeError, ValueError, pa.ArrowException) as exc:
        raise InputError(
            f"cannot store {dataset}/{symbol}: a column holds values Parquet "
            f"cannot represent ({exc})",
            hint="use plain numbers, strings, booleans and dates",
        ) from exc
    folder = root / dataset / f"symbol={symbol}"
    held = _stored_imports(folder).get(content)
    if held is not None:
        return ImportResult(
            dataset,
            symbol,
            str(held[1]),
            len(table_frame),
            False,
            _newer_import(folder, held[0], DATASETS[dataset]),
        )
    vintage = time.time_ns()
    tmp_dir = root / ".tmp"
    tmp = tmp_dir / f"{dataset}-{symbol}-{_writer_tag()}-{uuid.uuid4().hex}.parquet"
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        _write_schema(root)
        _clean_tmp(tmp_dir)
        folder.mkdir(parents=True, exist_ok=True)
        table = table.set_column(
            table.schema.get_field_index("_vintage"),
            "_vintage",
            pa.array(np.full(table.num_rows, vintage, dtype=np.int64)),
        )
        total = table.num_rows
        with pq.ParquetWriter(tmp, table.schema, compression="zstd") as writer:
            for offset in range(0, total, _ROW_GROUP):
                writer.write_table(table.slice(offset, _ROW_GROUP))
                if progress is not None:
                    progress(min(offset + _ROW_GROUP, total), total)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        final = folder / f"part-{vintage:019d}-{content}.parquet"
        os.replace(tmp, final)
    except OSError as exc:
        raise StoreError(
            f"cannot write {dataset}/{symbol} to the store at {root}: {exc}",
            hint="check free disk space and permissions",
        ) from exc
    finally:  # on success the file was moved away; on any failure it must not stay behind
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    if len(_folder_parts(folder)) > COMPACT_AFTER:
        with contextlib.suppress(StoreError):  # the import stands; a read names a bad file
            final = _compact_folder(dataset, folder) or final
    return ImportResult(dataset, symbol, str(final), len(table_frame), True)


def _folder_parts(folder: Path) -> list[Path]:
    """The part files in one symbol's folder (replaced ones included), by name."""
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.iterdir() if _PART.match(f.name))


def _stored_imports(folder: Path) -> dict[str, tuple[int, Path]]:
    """Content hash -> (vintage, file holding it) of every import a symbol's folder holds.

    A part holds the import its name says; a compacted file also holds every import its
    manifest lists. A file that vanished or cannot be read holds nothing to find here.
    """
    import pyarrow.parquet as pq

    found: dict[str, tuple[int, Path]] = {}
    parts = _folder_parts(folder)
    for file in parts:
        if m := _PART.match(file.name):
            found[m.group(2)] = (int(m.group(1)), file)
    for file in parts:
        try:
            manifest = _manifest(pq.read_schema(file))
        except Exception:  # pyarrow raises many types; a read names the file
            continue
        if manifest is not None:
            found.update({h: (v, file) for v, h in manifest.imports})
    return found


def _newer_import(folder: Path, own: int, semantics: Semantics) -> str | None:
    """When a later import than the vintage ``own`` exists in ``folder``, its time; else None.

    Append-only datasets keep every import, so nothing supersedes anything there. A compacted
    file is named by the newest import it holds, so the names tell.
    """
    if semantics == "append":
        return None
    vintages = [int(m.group(1)) for f in _folder_parts(folder) if (m := _PART.match(f.name))]
    newest = max(vintages, default=0)
    return vintage_time(newest) if newest > own else None


def _part_files(dataset: str, symbol: str | None = None) -> list[Path]:
    """Committed Parquet files of a dataset (optionally one symbol), oldest vintage first.

    Every read lists files through here, so the store's schema version is checked on every
    read (a store written by a newer bubblescope raises :class:`StoreError`).
    """
    _check_schema(store_root())
    base = store_root() / dataset
    if not base.is_dir():
        return []
    folders = (
        [base / f"symbol={symbol}"]
        if symbol is not None
        else sorted(p for p in base.glob("symbol=*") if p.is_dir())
    )
    files = [
        f for folder in folders if folder.is_dir() for f in folder.iterdir() if _PART.match(f.name)
    ]
    return sorted(files, key=lambda f: f.name)


class _VanishedError(Exception):
    """A file listed for a read was deleted (by a compaction) before the read opened it."""


def _retrying(read: Callable[[], _T]) -> _T:
    """Run ``read``, which lists the files itself, again when a listed file vanished."""
    for _ in range(_READ_TRIES - 1):
        with contextlib.suppress(_VanishedError):
            return read()
    try:
        return read()
    except _VanishedError as exc:
        raise StoreError(
            f"the store's files changed under {_READ_TRIES} reads in a row ({exc} vanished)",
            hint="retry: another process is compacting the store",
        ) from exc


@dataclass(frozen=True, slots=True)
class _Manifest:
    """What a compacted file replaces (file names) and holds (``(vintage, hash)`` imports)."""

    replaces: tuple[str, ...]
    imports: tuple[tuple[int, str], ...]


def _manifest(schema: Any) -> _Manifest | None:
    """A file's compaction manifest (None for a plain import).

    Raises
    ------
    ValueError
        When the manifest is there but malformed.
    """
    raw = (schema.metadata or {}).get(_MANIFEST_KEY)
    if raw is None:
        return None
    try:
        doc = json.loads(raw)
        replaces = tuple(str(name) for name in doc["replaces"])
        imports = tuple((int(v), str(h)) for v, h in doc["imports"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    if not all(_PART.match(name) for name in replaces) or not all(
        re.fullmatch(r"[0-9a-f]{16}", h) for _, h in imports
    ):
        raise ValueError("names a file or an import hash of the wrong form")
    return _Manifest(replaces, imports)


def _split_files(files: list[Path], required: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    """The store files a read uses, and ``"<file> (<why>)"`` for each corrupt or foreign one.

    Files that a compacted file replaces are in neither list (see the module notes).

    Raises
    ------
    _VanishedError
        When a listed file no longer exists.
    """
    import pyarrow.parquet as pq

    good: list[Path] = []
    bad: list[tuple[Path, str]] = []
    replaced: set[Path] = set()
    for file in files:
        try:
            schema = pq.read_schema(file)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for bad files
            if not file.exists():
                raise _VanishedError(str(file)) from exc
            bad.append((file, f"{type(exc).__name__}: {exc}"))
            continue
        missing = [c for c in required if c not in schema.names]
        if missing:
            bad.append((file, f"foreign file: lacks column(s) {missing}"))
            continue
        try:
            manifest = _manifest(schema)
        except ValueError as exc:
            bad.append((file, f"malformed compaction manifest: {exc}"))
            continue
        good.append(file)
        if manifest is not None:
            replaced.update(file.parent / name for name in manifest.replaces)
    return (
        [f for f in good if f not in replaced],
        [f"{f} ({why})" for f, why in bad if f not in replaced],
    )


def _check_files(files: list[Path], required: tuple[str, ...]) -> list[Path]:
    """The files a read uses; :class:`StoreError` naming each that is not a store file."""
    good, bad = _split_files(files, required)
    if bad:
        raise StoreError(
            "corrupt or foreign file(s) in the store: " + "; ".join(bad),
            hint="move the named file(s) out of the store; other data is unaffected",
        )
    return good


def _sql_list(files: list[Path]) -> str:
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def _view_sql(dataset: str, files: list[Path]) -> str:
    """SELECT giving the dataset's current rows (vintage rules applied) over ``files``."""
    source = (
        f"read_parquet({_sql_list(files)}, hive_partitioning=true, union_by_name=true, "
        f"hive_types={{'symbol': VARCHAR}})"
    )
    semantics = DATASETS[dataset]
    one_file_per_symbol = len({f.parent for f in files}) == len(files)
    if semantics != "append" and one_file_per_symbol:
        return f"SELECT * FROM {source}"  # nothing to choose between: skip the window
    if semantics == "series":
        return (
            f"SELECT * EXCLUDE (_rn) FROM (SELECT *, row_number() OVER (PARTITION BY symbol, "
            f"date ORDER BY _vintage DESC) AS _rn FROM {source}) WHERE _rn = 1"
        )
    if semantics == "snapshot":
        return (
            f"SELECT * EXCLUDE (_newest) FROM (SELECT *, max(_vintage) OVER (PARTITION BY "
            f"symbol) AS _newest FROM {source}) WHERE _vintage = _newest"
        )
    return f"SELECT * FROM {source}"


@contextlib.contextmanager
def _connect() -> Iterator[Any]:
    import duckdb

    con = duckdb.connect()
    try:
        yield con
    finally:
        con.close()


def _one_line(exc: BaseException) -> str:
    """DuckDB messages span lines (with a caret diagram); errors print as one line."""
    return " ".join(str(exc).split())


def _fetch(con: Any, sql: str) -> pd.DataFrame:
    """Run ``sql`` and convert through Arrow (several times faster than ``.df()`` on strings)."""
    result: pd.DataFrame = con.sql(sql).to_arrow_table().to_pandas()
    return result


def _run(sql: str, files: list[Path], what: str) -> pd.DataFrame:
    import duckdb

    try:
        with _connect() as con:
            return _fetch(con, sql)
    except duckdb.Error as exc:
        _vanished(files, exc)
        _check_files(files, ())
        raise StoreError(f"store query on {what} failed: {_one_line(exc)}") from exc


def _vanished(files: list[Path], exc: BaseException) -> None:
    """Raise :class:`_VanishedError` from ``exc`` when one of ``files`` no longer exists."""
    gone = next((f for f in files if not f.exists()), None)
    if gone is not None:
        raise _VanishedError(str(gone)) from exc


def _read_arrow(files: list[Path]) -> pd.DataFrame | None:
    """Price files' current rows by date through pyarrow: the newest vintage per date.

    A DuckDB connection costs more than reading a few small files, and a daily monitor reads
    thousands of symbols. The same rows and column types as :func:`_run` over the same files
    (``tests/data/test_store_compaction.py`` compares them); None when the files disagree on
    a column's type, which DuckDB's ``union_by_name`` reconciles.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for file in files:
        try:
            tables.append(pq.read_table(file))
        except (OSError, pa.ArrowException) as exc:
            _vanished([file], exc)
            raise StoreError(
                f"corrupt or foreign file(s) in the store: {file} ({type(exc).__name__}: {exc})",
                hint="move the named file(s) out of the store; other data is unaffected",
            ) from exc
    try:  # pandas writes large strings, DuckDB (a compaction) plain ones: one kind for all
        table = pa.concat_tables([_plain_strings(t) for t in tables], promote_options="default")
    except pa.ArrowException:
        return None
    table = table.sort_by([("date", "ascending"), ("_vintage", "descending")])
    if len(tables) > 1:
        dates = table["date"].to_numpy()
        first = np.ones(len(dates), dtype=bool)
        first[1:] = dates[1:] != dates[:-1]
        table = table.filter(pa.array(first))
    rows: pd.DataFrame = table.to_pandas(ignore_metadata=True)
    return rows


def _plain_strings(table: Any) -> Any:
    """``table`` with its ``large_string`` and ``string_view`` columns cast to ``string``."""
    import pyarrow as pa

    wide = (pa.large_string(), pa.string_view())
    schema = pa.schema(
        [f.with_type(pa.string()) if f.type in wide else f for f in table.schema],
        metadata=table.schema.metadata,
    )
    return table if schema.equals(table.schema) else table.cast(schema)


def load_dataset(dataset: str, symbol: str | None = None) -> pd.DataFrame:
    """Return a dataset's current rows (vintage rules applied), optionally for one symbol.

    Raises
    ------
    StoreError
        Naming any corrupt or foreign file among those read.
    """
    _check_dataset(dataset)
    _check_schema(store_root())

    def read() -> pd.DataFrame:
        files = _part_files(dataset, symbol)
        if not files:
            return pd.DataFrame()
        files = _check_files(files, ("_vintage",))
        return _run(_view_sql(dataset, files), files, dataset)

    return _retrying(read)


def load_prices(symbol: str) -> pd.DataFrame:
    """Return a stored price series as a canonical frame (newest vintage per date).

    ``attrs["vintage"]`` names the newest import that supplied rows (``"store import
    2026-12-01 10:00 UTC"``) and ``attrs["last_date"]`` the last date.

    Raises
    ------
    UnknownSymbolError
        When the store has no prices for ``symbol``; the message lists what it has.
    StoreError
        When one of the symbol's files is corrupt or foreign (files of other symbols are not
        read, so they cannot break this read).
    """
    key = symbol.upper()

    def read() -> pd.DataFrame | None:
        files = _part_files("prices", key) if _SYMBOL.match(key) else []
        if not files:
            return None
        files = _check_files(files, _PRICE_REQUIRED)
        fast = _read_arrow(files)
        if fast is not None:
            return fast
        return _run(_view_sql("prices", files) + " ORDER BY date", files, f"prices/{key}")

    rows = _retrying(read)
    if rows is None:
        available = list_symbols("prices")
        raise UnknownSymbolError(
            f"no prices for {symbol!r} in the store ({', '.join(available) or 'store is empty'})",
            hint="import it with `bubblescope data import FILE`",
        )
    newest = int(rows.pop("_vintage").max())
    frame = rows.set_index(pd.DatetimeIndex(rows.pop("date"), name="date"))
    frame["adjusted"] = frame["adjusted"].astype(bool) if "adjusted" in frame else False
    frame["source"] = frame["source"].astype(str) if "source" in frame else "store"
    frame["symbol"] = key
    optional = [c for c in OPTIONAL_PRICE_COLUMNS if c in frame.columns and frame[c].notna().any()]
    frame = frame[["close", *optional, "symbol", "source", "adjusted"]]
    frame = frame.astype({c: np.float64 for c in ("close", *optional)})
    check_canonical(frame)
    frame.attrs.update(vintage=f"store import {vintage_time(newest)}", last_date=frame.index[-1])
    return frame


def vintage_time(vintage: int) -> str:
    """An import vintage (nanoseconds since the epoch) as ``YYYY-MM-DD HH:MM UTC``."""
    return pd.Timestamp(vintage, unit="ns", tz="UTC").strftime("%Y-%m-%d %H:%M UTC")


def list_datasets() -> pd.DataFrame:
    """One row per dataset: ``dataset``, ``semantics``, ``symbols``, ``files``."""
    rows = []
    for name, semantics in DATASETS.items():
        files = _part_files(name)
        rows.append(
            {
                "dataset": name,
                "semantics": semantics,
                "symbols": len({f.parent.name for f in files}),
                "files": len(files),
            }
        )
    return pd.DataFrame(rows)


def list_symbols(dataset: str = "prices") -> list[str]:
    """Sorted symbols that have at least one committed file in ``dataset``."""
    _check_dataset(dataset)
    return sorted({f.parent.name.removeprefix("symbol=") for f in _part_files(dataset)})


def summary(dataset: str = "prices") -> pd.DataFrame:
    """Per-symbol row counts (and first/last date for prices) of a dataset's current rows.

    A corrupt or foreign file does not hide the rest of the store: it is left out and named
    in ``attrs["corrupt"]`` (a list of ``"<file> (<why>)"``, empty when all files are good);
    the symbols it belongs to are counted from their readable files.
    """
    _check_dataset(dataset)
    return _retrying(lambda: _summary(dataset))


def _summary(dataset: str) -> pd.DataFrame:
    files, corrupt = _split_files(
        _part_files(dataset), _PRICE_REQUIRED if dataset == "prices" else ("_vintage",)
    )
    if not files:
        empty = pd.DataFrame(columns=["symbol", "rows"])
        empty.attrs["corrupt"] = corrupt
        return empty
    extra = (
        ", min(date) AS first, max(date) AS last, any_value(source) AS source"
        if dataset == "prices"
        else ""
    )
    sql = (
        f"SELECT symbol, count(*) AS rows{extra} FROM ({_view_sql(dataset, files)}) "
        f"GROUP BY symbol ORDER BY symbol"
    )
    out = _run(sql, files, dataset)
    out.attrs["corrupt"] = corrupt
    return out


def _read_only_statement(sql: str) -> None:
    """Raise :class:`InputError` unless ``sql`` is exactly one SELECT (or EXPLAIN) statement."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise StoreError(f"store query failed: {_one_line(exc)}") from exc
    if len(statements) != 1:
        raise InputError(
            f"store.query runs one SELECT statement, got {len(statements)}",
            hint="run each query in its own call",
        )
    kind = statements[0].type
    if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
        raise InputError(
            f"store.query is read-only: a {kind.name} statement is not allowed",
            hint="write a SELECT over prices, fundamentals, facts, deals, runs or readings",
        )


def query(sql: str) -> pd.DataFrame:
    """Run one read-only SELECT over the store's datasets, each a view of its current rows.

    Three locks keep it read-only: the statement must be a single SELECT (or EXPLAIN); the
    connection may touch no file but the store's own Parquet files (DuckDB's
    ``allowed_paths`` with ``enable_external_access = false``, so ``read_csv('/etc/passwd')``,
    ``COPY ... TO``, ``ATTACH`` and extension installs fail); and its configuration is locked
    (``lock_configuration``) before the SQL runs. The in-memory connection lives for this call
    only, so nothing the SQL creates persists.

    Parameters
    ----------
    sql : str
        DuckDB SQL naming ``prices``, ``fundamentals``, ``facts``, ``deals`` or ``runs``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InputError
        For anything but one SELECT or EXPLAIN statement (``COPY``, ``CREATE``, ``ATTACH``,
        ``SET``, several statements).
    StoreError
        On a SQL error (reading a file outside the store included), a query on an empty
        dataset, or a corrupt/foreign file (named).
    """
    _read_only_statement(sql)
    _check_schema(store_root())
    return _retrying(lambda: _query(sql))


def _query(sql: str) -> pd.DataFrame:
    import duckdb

    views: dict[str, list[Path]] = {}
    for name in DATASETS:
        files = _part_files(name)
        if files:
            views[name] = _check_files(
                files, _PRICE_REQUIRED if name == "prices" else ("_vintage",)
            )
    all_files = [f for files in views.values() for f in files]
    try:
        with _connect() as con:
            con.execute(f"SET allowed_paths = {_sql_list(all_files)}")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            for name, files in views.items():
                con.execute(f"CREATE TEMP VIEW {name} AS {_view_sql(name, files)}")
            return _fetch(con, sql)
    except duckdb.CatalogException as exc:
        raise StoreError(
            f"store query failed: {_one_line(exc)}",
            hint="a dataset with no imports has no view; import data first",
        ) from exc
    except duckdb.PermissionException as exc:
        raise StoreError(
            f"store query refused: {_one_line(exc)}",
            hint="store.query reads only the store's datasets; load other files yourself",
        ) from exc
    except duckdb.Error as exc:
        _vanished(all_files, exc)
        _check_files(all_files, ())
        raise StoreError(f"store query failed: {_one_line(exc)}") from exc


def _lock_stale(lock: Path) -> bool:
    """Whether a compaction lock was left by a dead process (or is over an hour old)."""
    try:
        tag = lock.read_text(encoding="utf-8")
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return True  # released meanwhile: the next try takes it
    except OSError:
        return False
    return _tag_gone(tag) or age > _TMP_MAX_AGE_S


@contextlib.contextmanager
def _compaction_lock(folder: Path) -> Iterator[bool]:
    """Hold a symbol folder's compaction lock; yields False while another process holds it.

    The lock is a file created exclusively (``O_EXCL``) holding ``<pid>.<host>``; a lock whose
    process is dead, or that is over an hour old, is taken over.
    """
    lock = folder / _LOCK_NAME
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if not _lock_stale(lock):
                break
            with contextlib.suppress(OSError):
                lock.unlink()
            continue
        try:
            os.write(fd, _writer_tag().encode())
        finally:
            os.close(fd)
        try:
            yield True
        finally:
            with contextlib.suppress(OSError):
                lock.unlink()
        return
    yield False


def _held_imports(files: list[Path]) -> list[tuple[int, str]]:
    """``(vintage, hash)`` of every import ``files`` hold, oldest first."""
    import pyarrow.parquet as pq

    held: list[tuple[int, str]] = []
    for file in files:
        manifest = _manifest(pq.read_schema(file))
        if manifest is not None:
            held.extend(manifest.imports)
        elif m := _PART.match(file.name):
            held.append((int(m.group(1)), m.group(2)))
    return sorted(set(held))


def _compacted_sql(dataset: str, files: list[Path]) -> str:
    """SELECT of one symbol's current rows over ``files``, without the ``symbol`` column.

    Each row keeps its ``_vintage``. ``prices`` come by date; a snapshot's and an append-only
    dataset's rows keep the order a read gives them (files by vintage, rows as imported).
    """
    source = (
        f"read_parquet({_sql_list(files)}, hive_partitioning=true, union_by_name=true, "
        f"hive_types={{'symbol': VARCHAR}})"
    )
    semantics = DATASETS[dataset]
    if semantics == "series":
        return f"SELECT * EXCLUDE (symbol) FROM ({_view_sql(dataset, files)}) ORDER BY date"
    if semantics == "snapshot":
        return (
            f"SELECT * EXCLUDE (symbol) FROM {source} "
            f"WHERE _vintage = (SELECT max(_vintage) FROM {source})"
        )
    return f"SELECT * EXCLUDE (symbol) FROM {source}"


def _write_compacted(table: Any, tmp: Path) -> None:
    """Write ``table`` to ``tmp`` in row groups and flush it to disk."""
    import pyarrow.parquet as pq

    with pq.ParquetWriter(tmp, table.schema, compression="zstd") as writer:
        for offset in range(0, table.num_rows, _ROW_GROUP):
            writer.write_table(table.slice(offset, _ROW_GROUP))
    with tmp.open("rb+") as handle:
        os.fsync(handle.fileno())


def _remove_replaced(files: list[Path]) -> None:
    """Delete files a compacted file has replaced (readers already skip them)."""
    for file in files:
        with contextlib.suppress(OSError):  # a later compaction deletes what is left
            file.unlink(missing_ok=True)


def _compact_folder(dataset: str, folder: Path) -> Path | None:
    """Fold one symbol's files into one (see the module notes).

    Returns
    -------
    Path or None
        The compacted file (also when only the leftovers of a killed compaction were
        deleted); None when there was nothing to fold (one file) or another process holds the
        folder's compaction lock.

    Raises
    ------
    StoreError
        Naming a corrupt or foreign file among the symbol's files, or when the compacted
        file cannot be written (nothing is changed then).
    """
    import duckdb

    with _compaction_lock(folder) as held:
        if not held:
            return None
        listed = _folder_parts(folder)
        files = _check_files(listed, _PRICE_REQUIRED if dataset == "prices" else ("_vintage",))
        if len(files) < 2:  # at most leftovers of a compaction killed before it deleted them
            leftovers = [f for f in listed if f not in files]
            _remove_replaced(leftovers)
            return files[0] if leftovers else None
        imports = _held_imports(files)
        replaces = sorted(f.name for f in listed)
        name_hash = hashlib.sha256(json.dumps(replaces).encode()).hexdigest()[:16]
        final = folder / f"part-{imports[-1][0]:019d}-{name_hash}.parquet"
        manifest = json.dumps({"replaces": replaces, "imports": imports}).encode()
        tmp = store_root() / ".tmp" / f"compact-{folder.name}-{_writer_tag()}-{uuid.uuid4().hex}"
        try:
            with _connect() as con:
                table = con.sql(_compacted_sql(dataset, files)).to_arrow_table()
            table = table.replace_schema_metadata({_MANIFEST_KEY: manifest})
            tmp.parent.mkdir(parents=True, exist_ok=True)
            _write_compacted(table, tmp)
            os.replace(tmp, final)
        except (OSError, duckdb.Error) as exc:
            raise StoreError(
                f"cannot compact {dataset}/{folder.name}: {_one_line(exc)}",
                hint="check free disk space and permissions; the store is unchanged",
            ) from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        _remove_replaced(listed)
        return final


def compact(dataset: str | None = None, symbol: str | None = None) -> pd.DataFrame:
    """Fold each symbol's files into one file, keeping exactly the rows reads return.

    Imports compact a symbol on their own once it has more than :data:`COMPACT_AFTER` files;
    this does it now, for a store written by many small imports. Safe while other processes
    read or import (see the module notes).

    Parameters
    ----------
    dataset : str, optional
        One of :data:`DATASETS`; all of them when None.
    symbol : str, optional
        One symbol (price symbols are upper-cased); every symbol when None.

    Returns
    -------
    pandas.DataFrame
        One row per symbol: ``dataset``, ``symbol``, ``files_before``, ``files_after``,
        ``rows`` (held in its files after) and ``outcome`` (``compacted``, ``one file
        already`` or ``skipped: another process is compacting it``).

    Raises
    ------
    InputError
        An unknown dataset or a malformed symbol.
    UnknownSymbolError
        When ``symbol`` has no files in the dataset(s).
    StoreError
        Naming a corrupt or foreign file, or when a compacted file cannot be written.
    """
    import pyarrow.parquet as pq

    names = list(DATASETS) if dataset is None else [dataset]
    for name in names:
        _check_dataset(name)
    _check_schema(store_root())
    folders: list[tuple[str, Path]] = []
    for name in names:
        base = store_root() / name
        if symbol is None:
            found = sorted(p for p in base.glob("symbol=*") if p.is_dir()) if base.is_dir() else []
        else:
            key = _check_symbol(symbol.upper() if name == "prices" else symbol)
            found = [base / f"symbol={key}"] if _folder_parts(base / f"symbol={key}") else []
        folders.extend((name, folder) for folder in found)
    if symbol is not None and not folders:
        raise UnknownSymbolError(
            f"nothing stored for {symbol!r} in {dataset or 'any dataset'}",
            hint="see `bubblescope data list`",
        )
    rows = []
    for name, folder in folders:
        before = len(
            _check_files(_folder_parts(folder), _PRICE_REQUIRED if name == "prices" else ())
        )
        done = _compact_folder(name, folder)
        after = _check_files(_folder_parts(folder), ())
        outcome = (
            "compacted"
            if done is not None
            else "one file already"
            if before <= 1
            else "skipped: another process is compacting it"
        )
        rows.append(
            {
                "dataset": name,
                "symbol": folder.name.removeprefix("symbol="),
                "files_before": before,
                "files_after": len(after),
                "rows": sum(pq.ParquetFile(f).metadata.num_rows for f in after),
                "outcome": outcome,
            }
        )
    return pd.DataFrame(
        rows, columns=["dataset", "symbol", "files_before", "files_after", "rows", "outcome"]
    )
