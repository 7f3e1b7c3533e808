"""Store compaction: the same rows and vintages after, crash-safe, safe beside readers (issue 18).

The invariant every test checks: what a read returns (values, dtypes, index, the vintage it
reports) is the same before a compaction, after it, and after one killed between its steps.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from bubblescope.data import store
from bubblescope.data.frames import canonical_frame
from bubblescope.errors import StoreError, UnknownSymbolError

DATES = pd.bdate_range("2020-01-01", periods=60)


def _prices(symbol: str, first: int, values: list[float], volume: bool = False) -> pd.DataFrame:
    dates = DATES[first : first + len(values)]
    extra = {"volume": np.arange(len(values), dtype=np.float64) + 100.0} if volume else None
    return canonical_frame(
        dates, values, symbol=symbol, source=f"src{first}", adjusted=False, extra=extra
    )


def _folder(home: Path, dataset: str, symbol: str) -> Path:
    return home / "store" / dataset / f"symbol={symbol}"


def _daily_history(monkeypatch: pytest.MonkeyPatch, symbol: str = "AAA", days: int = 12) -> None:
    """A 30-day series with volume, then one-row daily imports, one a revision of a past date."""
    monkeypatch.setattr(store, "COMPACT_AFTER", 1_000)  # compact only when a test says so
    store.import_frame(_prices(symbol, 0, list(np.linspace(1.0, 2.0, 30)), volume=True))
    for day in range(days):
        store.import_frame(_prices(symbol, 30 + day, [3.0 + day]))
    store.import_frame(_prices(symbol, 5, [42.0]))  # a revised close for a past date


def _reads(symbol: str = "AAA") -> dict[str, pd.DataFrame]:
    return {
        "load_prices": store.load_prices(symbol),
        "load_dataset": store.load_dataset("prices", symbol)
        .sort_values("date")
        .reset_index(drop=True),
        "query": store.query(f"SELECT * FROM prices WHERE symbol = '{symbol}' ORDER BY date"),
        "summary": store.summary().drop(columns="source"),  # any_value: any import's label
    }


def _assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for key, frame in before.items():
        pd.testing.assert_frame_equal(after[key], frame, check_exact=True, obj=key)
    assert after["load_prices"].attrs == before["load_prices"].attrs


def test_compaction_keeps_exactly_the_rows_dtypes_index_and_vintage(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _daily_history(monkeypatch)
    before = _reads()
    assert len(before["load_prices"]) == 42
    assert before["load_prices"].loc[DATES[5], "close"] == 42.0  # the revision won
    assert before["load_prices"]["volume"].notna().sum() == 29  # the revision has none
    result = store.compact("prices")
    assert result.to_dict("records") == [
        {
            "dataset": "prices",
            "symbol": "AAA",
            "files_before": 14,
            "files_after": 1,
            "rows": 42,
            "outcome": "compacted",
        }
    ]
    (only,) = _folder(store_home, "prices", "AAA").glob("part-*.parquet")
    _assert_same(before, _reads())
    # each row kept the vintage of the import that supplied it
    kept = pq.read_table(only).to_pandas().set_index("date")["_vintage"]
    assert kept.nunique() == 14  # every import still supplies a row
    assert kept[DATES[5]] == kept.max()  # the revised date holds its newest vintage only
    assert store.compact("prices")["outcome"].tolist() == ["one file already"]


def test_snapshot_and_append_datasets_read_the_same_after(store_home: Path) -> None:
    for k in range(4):
        snapshot = pd.DataFrame({"concept": ["Revenues", "Assets"][: 1 + k % 2], "value": k})
        store.import_frame(snapshot.astype({"value": np.float64}), "fundamentals", symbol="MSFT")
        store.import_frame(pd.DataFrame({"run": [f"r{k}", f"s{k}"], "n": k}), "runs", symbol="psy")
    fundamentals = store.load_dataset("fundamentals", "MSFT")
    runs = store.load_dataset("runs", "psy")
    assert fundamentals["value"].tolist() == [3.0, 3.0]  # newest snapshot only
    assert runs["run"].tolist() == ["r0", "s0", "r1", "s1", "r2", "s2", "r3", "s3"]
    result = store.compact().set_index("dataset")
    assert result.loc["fundamentals", "rows"] == 2
    assert result.loc["runs", "rows"] == 8
    pd.testing.assert_frame_equal(store.load_dataset("fundamentals", "MSFT"), fundamentals)
    pd.testing.assert_frame_equal(store.load_dataset("runs", "psy"), runs)  # order too
    assert store.list_datasets().set_index("dataset").loc[
        ["fundamentals", "runs"], "files"
    ].tolist() == [1, 1]


def test_vintage_rules_and_reimports_behave_as_before_after_compaction(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _daily_history(monkeypatch)
    first = _prices("AAA", 0, list(np.linspace(1.0, 2.0, 30)), volume=True)
    newest = _prices("AAA", 5, [42.0])
    before = (store.import_frame(first), store.import_frame(newest))
    (compacted,) = store.compact("prices", "aaa")["outcome"].tolist()
    assert compacted == "compacted"
    (only,) = _folder(store_home, "prices", "AAA").glob("part-*.parquet")
    for again, old in zip(
        (store.import_frame(first), store.import_frame(newest)), before, strict=True
    ):
        assert not again.written  # every import the compacted file holds is still known
        assert again.superseded_by == old.superseded_by
        assert again.path == str(only)
    assert before[0].superseded_by is not None
    assert before[1].superseded_by is None
    # a later revision of a compacted date still wins, and only on its date
    store.import_frame(_prices("AAA", 6, [7.0]))
    read = store.load_prices("AAA")
    assert read.loc[DATES[6], "close"] == 7.0
    assert read.loc[DATES[5], "close"] == 42.0
    assert len(read) == 42


def test_imports_compact_a_symbol_past_the_threshold(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "COMPACT_AFTER", 4)
    results = [store.import_frame(_prices("DAY", k, [1.0 + k])) for k in range(5)]
    assert all(r.written for r in results)
    files = sorted(_folder(store_home, "prices", "DAY").glob("part-*.parquet"))
    assert [Path(results[-1].path)] == files  # the fifth file tipped it: one file holds all
    assert store.load_prices("DAY")["close"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    store.import_frame(_prices("DAY", 5, [6.0]))
    assert len(list(_folder(store_home, "prices", "DAY").glob("part-*.parquet"))) == 2
    assert not (_folder(store_home, "prices", "DAY") / ".compact.lock").exists()


def _fail_at(step: str, failure: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise failure

    fail.__name__ = step
    return fail


@pytest.mark.parametrize(
    ("step", "failure", "visible"),
    [
        ("_write_compacted", OSError(errno.ENOSPC, "No space left on device"), 0),
        ("_write_compacted", KeyboardInterrupt(), 0),
        ("_remove_replaced", KeyboardInterrupt(), 1),
    ],
    ids=["disk-full-while-writing", "ctrl-c-while-writing", "ctrl-c-after-the-swap"],
)
def test_a_compaction_failing_between_steps_loses_and_duplicates_nothing(
    store_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    failure: BaseException,
    visible: int,
) -> None:
    _daily_history(monkeypatch)
    folder = _folder(store_home, "prices", "AAA")
    parts = sorted(folder.glob("part-*.parquet"))
    before = _reads()
    with monkeypatch.context() as patch:
        patch.setattr(store, step, _fail_at(step, failure))
        with pytest.raises((StoreError, type(failure))):
            store.compact("prices", "AAA")
    # the old parts are all there; the compacted file is there only once it was moved in
    assert len(list(folder.glob("part-*.parquet"))) == len(parts) + visible
    assert set(parts) <= set(folder.glob("part-*.parquet"))
    assert not list((store_home / "store" / ".tmp").glob("compact-*"))
    assert not (folder / ".compact.lock").exists()
    _assert_same(before, _reads())  # readers skip the replaced parts: no row twice
    assert store.compact("prices", "AAA")["files_after"].tolist() == [1]
    assert len(list(folder.glob("part-*.parquet"))) == 1  # leftovers gone
    _assert_same(before, _reads())


KILLED_COMPACTION = textwrap.dedent("""
    import os, signal
    from bubblescope.data import store
    store.{step} = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
    store.compact("prices", "AAA")
""")


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
@pytest.mark.parametrize("step", ["_write_compacted", "_remove_replaced"])
def test_a_compaction_killed_between_steps_leaves_the_reads_unchanged(
    store_home: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    _daily_history(monkeypatch)
    folder = _folder(store_home, "prices", "AAA")
    before = _reads()
    child = subprocess.run(
        [sys.executable, "-c", KILLED_COMPACTION.format(step=step)],
        env=os.environ.copy(),
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert (folder / ".compact.lock").exists()  # the dead process could not release it
    _assert_same(before, _reads())
    # the next compaction takes the dead process's lock over and finishes the job
    assert store.compact("prices", "AAA")["outcome"].tolist() == ["compacted"]
    assert len(list(folder.glob("part-*.parquet"))) == 1
    assert not (folder / ".compact.lock").exists()
    _assert_same(before, _reads())


def test_a_live_compaction_lock_is_respected(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _daily_history(monkeypatch, days=2)
    folder = _folder(store_home, "prices", "AAA")
    (folder / ".compact.lock").write_text(store._writer_tag())  # held by this live process
    result = store.compact("prices", "AAA")
    assert result["outcome"].tolist() == ["skipped: another process is compacting it"]
    assert result["files_after"].tolist() == [4]


def test_a_malformed_manifest_is_named(store_home: Path) -> None:
    store.import_frame(_prices("AAA", 0, [1.0, 2.0]))
    (part,) = _folder(store_home, "prices", "AAA").glob("part-*.parquet")
    table = pq.read_table(part)
    for manifest in (b"{not json", json.dumps({"replaces": ["../../etc"], "imports": []}).encode()):
        pq.write_table(table.replace_schema_metadata({b"bubblescope.compacted": manifest}), part)
        with pytest.raises(StoreError, match=rf"{part} \(malformed compaction manifest"):
            store.load_prices("AAA")
    with pytest.raises(UnknownSymbolError, match=r"nothing stored for 'ZZZ'"):
        store.compact("prices", "ZZZ")


@pytest.mark.parametrize("compacted", [False, True], ids=["14-files", "compacted"])
def test_the_pyarrow_read_matches_the_duckdb_read(
    store_home: Path, monkeypatch: pytest.MonkeyPatch, compacted: bool
) -> None:
    _daily_history(monkeypatch)  # volume in one import, a revision, one-row days
    store.import_frame(
        canonical_frame(
            DATES[40:43],
            [5.0, 6.0, 7.0],
            symbol="AAA",
            source="other",
            adjusted=True,
            extra={"open": [4.5, 5.5, 6.5]},
        )
    )
    if compacted:
        store.compact("prices", "AAA")
        store.import_frame(_prices("AAA", 43, [8.0]))  # the compacted file beside a new part
    files = store._check_files(store._part_files("prices", "AAA"), store._PRICE_REQUIRED)
    assert len(files) == (2 if compacted else 15)
    fast = store._read_arrow(files)
    assert fast is not None
    duck = store._run(store._view_sql("prices", files) + " ORDER BY date", files, "AAA")
    duck = duck.drop(columns="symbol")
    assert sorted(fast.columns) == sorted(duck.columns)
    pd.testing.assert_frame_equal(fast[duck.columns], duck, check_exact=True)


def test_files_that_disagree_on_a_type_are_read_through_duckdb(store_home: Path) -> None:
    store.import_frame(_prices("MIX", 0, [1.5, 2.5]))
    folder = _folder(store_home, "prices", "MIX")
    foreign = pd.DataFrame(
        {"date": DATES[2:4].astype("datetime64[us]"), "close": [3, 4], "_vintage": [1, 1]}
    )
    foreign.to_parquet(folder / "part-0000000000000000001-00000000000000aa.parquet")
    files = store._part_files("prices", "MIX")
    assert store._read_arrow(files) is None  # int64 and double closes: pyarrow declines
    read = store.load_prices("MIX")
    assert read["close"].tolist() == [1.5, 2.5, 3.0, 4.0]
    assert read["close"].dtype == np.float64


READER = textwrap.dedent("""
    import sys
    from bubblescope.data import store
    from bubblescope.errors import UnknownSymbolError
    seen = 0
    while True:
        try:
            frame = store.load_prices("LIVE")
        except UnknownSymbolError:
            continue
        n = len(frame)
        assert n >= seen, (n, seen)  # never a row lost
        assert frame.index.is_unique  # never a row twice
        assert frame["close"].tolist() == [float(k) for k in range(n)], frame
        seen = n
        if n == int(sys.argv[1]):
            print("reads ok", flush=True)
            break
""")


def test_a_reader_process_sees_whole_states_while_imports_compact(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "COMPACT_AFTER", 3)  # compact every few imports
    days = 40
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(days)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for day in range(days):
            store.import_frame(_prices("LIVE", day, [float(day)]))
            time.sleep(0.01)
        out, err = reader.communicate(timeout=120)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert reader.returncode == 0, err.decode()
    assert out.decode().strip() == "reads ok"
    assert len(list(_folder(store_home, "prices", "LIVE").glob("part-*.parquet"))) <= 4


def test_union_of_columns_survives_as_the_same_types(store_home: Path) -> None:
    store.import_frame(pd.DataFrame({"run": ["a"], "n": [1]}), "runs", symbol="mix")
    store.import_frame(pd.DataFrame({"run": ["b"], "x": [0.5]}), "runs", symbol="mix")
    store.import_frame(pd.DataFrame({"run": ["c"], "n": [3]}), "runs", symbol="mix")
    before = store.load_dataset("runs", "mix")
    store.compact("runs", "mix")
    pd.testing.assert_frame_equal(store.load_dataset("runs", "mix"), before, check_exact=True)
