"""The store fails safe: no orphaned temp files, damage contained, read-only queries (issue 20)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from bubblescope.cli.main import app
from bubblescope.data import store
from bubblescope.data.frames import canonical_frame
from bubblescope.errors import InputError, StoreError


def _prices(symbol: str, n: int = 3) -> pd.DataFrame:
    return canonical_frame(
        pd.date_range("2020-01-01", periods=n),
        np.linspace(1.0, 2.0, n),
        symbol=symbol,
        source="test",
        adjusted=False,
    )


def _tmp_files(home: Path) -> list[Path]:
    tmp = home / "store" / ".tmp"
    return sorted(tmp.iterdir()) if tmp.is_dir() else []


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt(), RuntimeError("bug")],
    ids=["disk-full", "ctrl-c", "bug"],
)
def test_a_failed_write_leaves_no_temp_file(
    store_home: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    store.import_frame(_prices("FIRST"))

    def fail(self: Any, table: Any, *args: Any, **kwargs: Any) -> None:
        raise failure

    monkeypatch.setattr(pq.ParquetWriter, "write_table", fail)
    with pytest.raises((StoreError, type(failure))):
        store.import_frame(_prices("SECOND"))
    assert _tmp_files(store_home) == []
    assert store.list_symbols() == ["FIRST"]


def test_a_failing_progress_callback_leaves_no_temp_file(store_home: Path) -> None:
    def progress(done: int, total: int) -> None:
        raise ValueError("the display broke")

    with pytest.raises(ValueError, match="display broke"):
        store.import_frame(_prices("AAA"), progress=progress)
    assert _tmp_files(store_home) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_dead_writers_young_orphan_goes_at_the_next_import(store_home: Path) -> None:
    store.import_frame(_prices("AAA"))
    tag = store._writer_tag().partition(".")[2]
    tmp = store_home / "store" / ".tmp"
    dead = tmp / f"prices-BRK-B-{_dead_pid()}.{tag}-0123abcd.parquet"
    dead.write_bytes(b"partial")
    alive = tmp / f"prices-X-{os.getppid()}.{tag}-4567cdef.parquet"
    alive.write_bytes(b"partial")
    other_host = tmp / f"prices-X-{_dead_pid()}.ffffffff-89abcdef.parquet"
    other_host.write_bytes(b"partial")
    store.import_frame(_prices("BBB"))
    assert not dead.exists()
    assert alive.exists()  # a running writer's file
    assert other_host.exists()  # cannot tell whether a writer on another machine is alive


_KILLED_WRITER = """
import numpy as np, pandas as pd
from bubblescope.data import store
from bubblescope.data.frames import canonical_frame
n = 3_000_000
frame = canonical_frame(pd.date_range("2000-01-01", periods=n, freq="min"),
                        np.linspace(1.0, 2.0, n), symbol="BIG", source="test", adjusted=False)
store.import_frame(frame, progress=lambda done, total: print("wrote", done, flush=True))
"""


def test_a_writer_killed_mid_import_leaves_nothing_after_the_next_import(
    store_home: Path,
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("wrote")  # mid-way through the row groups
    proc.kill()
    proc.wait()
    assert len(_tmp_files(store_home)) == 1  # the killed writer's partial file
    store.import_frame(_prices("NEXT"))
    assert _tmp_files(store_home) == []
    assert store.list_symbols() == ["NEXT"]


def _corrupt_store(home: Path) -> Path:
    store.import_frame(_prices("GOOD"))
    bad_dir = home / "store" / "prices" / "symbol=BAD"
    bad_dir.mkdir(parents=True)
    bad = bad_dir / "part-0000000000000000001-0123456789abcdef.parquet"
    bad.write_bytes(b"PAR1 truncated PAR1")
    return bad


def test_a_corrupt_file_does_not_hide_the_rest_of_the_store(store_home: Path) -> None:
    bad = _corrupt_store(store_home)
    held = store.summary("prices")
    assert held["symbol"].tolist() == ["GOOD"]
    assert held.loc[0, "rows"] == 3
    assert len(held.attrs["corrupt"]) == 1
    assert str(bad) in held.attrs["corrupt"][0]


def test_data_list_reports_the_corrupt_file_and_lists_the_rest(store_home: Path) -> None:
    bad = _corrupt_store(store_home)
    out = CliRunner().invoke(app, ["data", "list"])
    assert out.exit_code == 0, out.output
    assert "GOOD" in out.output
    assert bad.name in out.output
    as_json = CliRunner().invoke(app, ["data", "list", "--json"])
    assert as_json.exit_code == 0
    assert "corrupt" in as_json.stdout


@pytest.mark.parametrize(
    "read",
    [
        lambda: store.load_prices("AAA"),
        lambda: store.summary("prices"),
        lambda: store.list_symbols("prices"),
        lambda: store.list_datasets(),
        lambda: store.load_dataset("prices"),
        lambda: store.query("SELECT count(*) FROM prices"),
    ],
    ids=["load_prices", "summary", "list_symbols", "list_datasets", "load_dataset", "query"],
)
def test_every_read_checks_the_schema_version(store_home: Path, read: Any) -> None:
    store.import_frame(_prices("AAA"))
    (store_home / "store" / "SCHEMA_VERSION").write_text('{"schema_version": 99}')
    with pytest.raises(StoreError, match="schema version 99"):
        read()


def test_query_still_answers_selects(store_home: Path) -> None:
    store.import_frame(_prices("AAA"))
    out = store.query("SELECT symbol, max(close) AS top FROM prices GROUP BY symbol")
    assert out.to_dict(orient="records") == [{"symbol": "AAA", "top": 2.0}]


def test_query_cannot_copy_to_a_file(store_home: Path, tmp_path: Path) -> None:
    store.import_frame(_prices("AAA"))
    for target in (tmp_path / "leak.csv", store_home / "store" / "leak.csv"):
        with pytest.raises(InputError, match="read-only"):
            store.query(f"COPY (SELECT * FROM prices) TO '{target}'")
        assert not target.exists()
    part = store._part_files("prices", "AAA")[0]
    with pytest.raises(InputError, match="read-only"):
        store.query(f"COPY (SELECT 1 AS x) TO '{part}' (FORMAT parquet)")
    assert store.load_prices("AAA")["close"].tolist() == [1.0, 1.5, 2.0]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
    ],
)
def test_query_cannot_read_files_outside_the_store(store_home: Path, sql: str) -> None:
    store.import_frame(_prices("AAA"))
    with pytest.raises(StoreError, match="refused"):
        store.query(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "ATTACH '/tmp/x.db'",
        "SET enable_external_access = true",
        "CREATE TABLE t AS SELECT 1",
        "SELECT 1; COPY (SELECT 1) TO '/tmp/x.csv'",
        "INSTALL httpfs",
    ],
)
def test_query_refuses_every_statement_but_a_select(store_home: Path, sql: str) -> None:
    store.import_frame(_prices("AAA"))
    with pytest.raises(InputError):
        store.query(sql)


@pytest.mark.slow
def test_twenty_writers_killed_at_random_points_leave_no_orphan(store_home: Path) -> None:
    """Issue 20's acceptance: 20 kills mid-import, then one import start: no temp file left."""
    rng = np.random.default_rng(20)
    orphans_seen = 0
    for _ in range(20):
        proc = subprocess.Popen(
            [sys.executable, "-c", _KILLED_WRITER], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        for _ in range(int(rng.integers(1, 4))):  # after 1 to 3 row groups
            if not proc.stdout.readline():
                break
        proc.kill()
        proc.wait()
        proc.stdout.close()
        orphans_seen += len(_tmp_files(store_home))
    assert orphans_seen > 0  # the kills did land mid-write
    store.import_frame(_prices("NEXT"))
    assert _tmp_files(store_home) == []
    committed = store.list_symbols()
    assert "NEXT" in committed
    if "BIG" in committed:  # a writer that finished before its kill committed whole
        assert len(store.load_prices("BIG")) == 3_000_000


def test_reimporting_older_content_says_the_newer_import_stays_current(store_home: Path) -> None:
    old = _prices("REV", 3)
    new = old.assign(close=old["close"] * 1.1)
    store.import_frame(old)
    store.import_frame(new)
    again = store.import_frame(old)
    assert not again.written
    assert again.superseded_by is not None
    assert "a newer import" in again.summary()
    # and it is true: the newer rows are the ones read
    np.testing.assert_allclose(store.load_prices("REV")["close"], new["close"])
    newest = store.import_frame(new)
    assert newest.superseded_by is None
