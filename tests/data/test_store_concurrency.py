"""Crash safety and concurrent access of the store, with real processes.

The store's claim (see bubblescope.data.store): a writer killed at any point leaves no partial
file where readers look, and readers in other processes see either the state before or after
each import, never a torn one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from bubblescope.data import store
from bubblescope.data.frames import canonical_frame
from bubblescope.errors import UnknownSymbolError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

BIG_WRITER = textwrap.dedent("""
    import numpy as np, pandas as pd
    from bubblescope.data import store
    from bubblescope.data.frames import canonical_frame
    n = 4_000_000
    rng = np.random.default_rng(0)
    frame = canonical_frame(pd.date_range("1990-01-01", periods=n, freq="min"),
                            1.0 + rng.random(n), symbol="BIG", source="test", adjusted=False,
                            extra={"open": 1.0 + rng.random(n), "volume": rng.random(n)})
    store.import_frame(frame)
    print("finished", flush=True)
""")

STREAM_WRITER = textwrap.dedent("""
    import sys, time
    import pandas as pd
    from bubblescope.data import store
    from bubblescope.data.frames import canonical_frame
    dates = pd.date_range("2000-01-01", periods=20_000, freq="h")
    for k in range(1, int(sys.argv[1]) + 1):
        store.import_frame(canonical_frame(dates, [float(k)] * len(dates), symbol="W",
                                           source=f"import-{k}", adjusted=False))
        time.sleep(0.1)
""")


def _good_prices() -> pd.DataFrame:
    return canonical_frame(
        pd.date_range("2020-01-01", periods=3),
        [1.0, 2.0, 3.0],
        symbol="GOOD",
        source="test",
        adjusted=False,
    )


def test_killed_import_leaves_the_store_intact(store_home: Path) -> None:
    store.import_frame(_good_prices())
    tmp_dir = store_home / "store" / ".tmp"
    child = subprocess.Popen(
        [sys.executable, "-c", BIG_WRITER],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not any(tmp_dir.glob("prices-BIG-*.parquet")):
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.001)
        child.send_signal(signal.SIGKILL)  # mid-write: the temporary file is being filled
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    # The write was really interrupted: its temporary file is still there, never renamed.
    assert list(tmp_dir.glob("prices-BIG-*.parquet"))
    assert not (store_home / "store" / "prices" / "symbol=BIG").exists() or not any(
        (store_home / "store" / "prices" / "symbol=BIG").glob("*.parquet")
    )
    # The store is intact and readable; the orphan is invisible to readers.
    assert store.list_symbols() == ["GOOD"]
    assert store.load_prices("GOOD")["close"].tolist() == [1.0, 2.0, 3.0]
    assert store.query("SELECT count(*) AS n FROM prices")["n"].tolist() == [3]
    with pytest.raises(UnknownSymbolError, match="no prices for 'BIG'"):
        store.load_prices("BIG")
    # ... and still writable.
    assert store.import_frame(_good_prices().assign(symbol="AFTER")).written
    assert store.list_symbols() == ["AFTER", "GOOD"]
    for orphan in tmp_dir.glob("prices-BIG-*.parquet"):  # ~100 MB; pytest keeps tmp dirs
        orphan.unlink()


def test_reader_process_queries_while_a_writer_imports(store_home: Path) -> None:
    n_imports = 12
    writer = subprocess.Popen(
        [sys.executable, "-c", STREAM_WRITER, str(n_imports)],
        env=os.environ.copy(),
        stderr=subprocess.PIPE,
    )
    seen: list[float] = []
    reads = 0
    try:
        deadline = time.monotonic() + 120
        while writer.poll() is None:
            assert time.monotonic() < deadline, "writer did not finish"
            try:
                frame = store.load_prices("W")
            except UnknownSymbolError:
                continue
            reads += 1
            # Every read is one whole import: 20,000 rows, all from the same vintage.
            assert len(frame) == 20_000
            assert frame["close"].nunique() == 1
            assert frame["source"].nunique() == 1
            assert frame["source"].iloc[0] == f"import-{int(frame['close'].iloc[0])}"
            counts = store.query("SELECT count(*) AS n, count(DISTINCT close) AS k FROM prices")
            assert counts["n"].tolist() == [20_000]
            assert counts["k"].tolist() == [1]
            seen.append(float(frame["close"].iloc[0]))
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
    assert writer.returncode == 0, writer.stderr.read().decode() if writer.stderr else ""
    # Reads happened while imports were landing, and they only ever moved forward.
    assert len(set(seen)) >= 2
    assert seen == sorted(seen)
    assert store.load_prices("W")["close"].iloc[0] == float(n_imports)
    assert reads >= 2
