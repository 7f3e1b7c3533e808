"""The embedded store: round trips, idempotence, vintages, and damage that must stay contained."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.data import store
from bubblescope.data.frames import canonical_frame
from bubblescope.data.sources import load_file
from bubblescope.errors import InputError, StoreError, UnknownSymbolError
from tests.reference import TRIMMED, SharedFiles


def _prices(symbol: str, values: list[float], start: str = "2020-01-01") -> pd.DataFrame:
    return canonical_frame(
        pd.date_range(start, periods=len(values)),
        values,
        symbol=symbol,
        source="test",
        adjusted=False,
    )


def test_round_trip_keeps_values_dates_and_labels(
    store_home: Path, shared_file: SharedFiles
) -> None:
    original = load_file(shared_file("backtrader_datas/yhoo-1996-2015.csv"), symbol="YHOO")
    result = store.import_frame(original)
    assert result.written
    assert result.rows == 4_965
    assert Path(result.path).parent == store_home / "store" / "prices" / "symbol=YHOO"
    loaded = store.load_prices("yhoo")
    pd.testing.assert_frame_equal(
        loaded, original, check_dtype=False, check_index_type=False, check_freq=False
    )
    assert loaded["close"].dtype == np.float64
    assert json.loads((store_home / "store" / "SCHEMA_VERSION").read_text()) == {
        "schema_version": store.SCHEMA_VERSION
    }


def test_reimport_writes_nothing(store_home: Path) -> None:
    frame = _prices("AAA", [1.0, 2.0, 3.0])
    first = store.import_frame(frame)
    again = store.import_frame(frame.copy())
    assert not again.written
    assert again.path == first.path
    assert len(list((store_home / "store" / "prices" / "symbol=AAA").iterdir())) == 1
    assert len(store.load_prices("AAA")) == 3


def test_newer_vintage_wins_per_date_and_matches_the_combined_file(
    store_home: Path, shared_file: SharedFiles
) -> None:
    # PROVENANCE.md §4: the combined NASDAQ file takes the older FRED vintage before 2021-04-14
    # and the newer one from then on (they differ on 12 dates, e.g. 2021-05-14). Importing the
    # two vintages in time order must reproduce it exactly.
    store.import_frame(load_file(shared_file("fred/NASDAQCOM_1971-2025_iandonaldson.csv")))
    store.import_frame(load_file(shared_file("fred/NASDAQCOM_2021-2026_xinyuliu.csv")))
    merged = store.load_prices("NASDAQCOM")
    combined = pd.read_csv(
        shared_file("fred/NASDAQCOM_daily_1971-2026_combined.csv"), parse_dates=["date"]
    )
    assert len(merged) == len(combined) == 13_914
    np.testing.assert_array_equal(merged.index.to_numpy(), combined["date"].to_numpy())
    np.testing.assert_array_equal(merged["close"].to_numpy(), combined["NASDAQCOM"].to_numpy())
    assert merged.loc["2021-05-14", "close"] == 13_429.98


def test_snapshot_and_append_datasets(store_home: Path) -> None:
    old = pd.DataFrame({"concept": ["Revenues", "Assets"], "value": [1.0, 2.0]})
    new = pd.DataFrame({"concept": ["Revenues"], "value": [3.0]})
    store.import_frame(old, "fundamentals", symbol="MSFT")
    store.import_frame(new, "fundamentals", symbol="MSFT")
    current = store.load_dataset("fundamentals", "MSFT")
    assert current["value"].tolist() == [3.0]  # the newest snapshot replaces the older one
    store.import_frame(pd.DataFrame({"run": ["a"], "stat": [1.5]}), "runs", symbol="psy")
    store.import_frame(pd.DataFrame({"run": ["b"], "stat": [2.5]}), "runs", symbol="psy")
    assert sorted(store.load_dataset("runs")["run"]) == ["a", "b"]  # append-only
    listing = store.list_datasets().set_index("dataset")
    assert listing.loc["fundamentals", "files"] == 2
    assert listing.loc["runs", "symbols"] == 1


def test_query_sees_current_rows(store_home: Path) -> None:
    store.import_frame(_prices("AAA", [1.0, 2.0, 3.0]))
    store.import_frame(_prices("AAA", [9.0], start="2020-01-03"))
    store.import_frame(_prices("BBB", [5.0, 6.0]))
    result = store.query(
        "SELECT symbol, sum(close) AS s FROM prices GROUP BY symbol ORDER BY symbol"
    )
    assert result["symbol"].tolist() == ["AAA", "BBB"]
    assert result["s"].tolist() == [12.0, 11.0]
    assert store.list_symbols() == ["AAA", "BBB"]
    summary = store.summary().set_index("symbol")
    assert summary.loc["AAA", "rows"] == 3


def test_query_errors_are_store_errors(store_home: Path) -> None:
    with pytest.raises(StoreError, match=r"store query failed: .*prices.*import data first"):
        store.query("SELECT * FROM prices")
    store.import_frame(_prices("AAA", [1.0]))
    with pytest.raises(StoreError, match=r"store query failed: .*nosuchcol"):
        store.query("SELECT nosuchcol FROM prices")


def test_bad_arguments(store_home: Path) -> None:
    with pytest.raises(InputError, match=r"unknown dataset 'quotes'"):
        store.import_frame(_prices("AAA", [1.0]), "quotes")
    with pytest.raises(InputError, match=r"invalid symbol 'A/B' for the store"):
        store.import_frame(_prices("A/B", [1.0]))
    with pytest.raises(InputError, match=r"cannot tell the symbol"):
        store.import_frame(pd.DataFrame({"x": [1]}), "runs")
    with pytest.raises(InputError, match=r"nothing to import for AAA: the frame is empty"):
        store.import_frame(_prices("AAA", [1.0]).iloc[:0], symbol="AAA")


def test_unknown_symbol_lists_the_store(store_home: Path) -> None:
    with pytest.raises(
        UnknownSymbolError,
        match=r"no prices for 'NVDA' in the store "
        r"\(store is empty\)",
    ):
        store.load_prices("NVDA")
    store.import_frame(_prices("AAA", [1.0]))
    with pytest.raises(UnknownSymbolError, match=r"no prices for 'NVDA' in the store \(AAA\)"):
        store.load_prices("NVDA")


def test_corrupt_file_is_named_and_contained(store_home: Path) -> None:
    store.import_frame(_prices("GOOD", [1.0, 2.0]))
    bad_dir = store_home / "store" / "prices" / "symbol=BAD"
    bad_dir.mkdir(parents=True)
    bad = bad_dir / "part-0000000000000000001-0123456789abcdef.parquet"
    bad.write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(
        StoreError,
        match=rf"corrupt or foreign file\(s\) in the store: "
        rf"{bad}.*move the named file",
    ):
        store.load_prices("BAD")
    with pytest.raises(StoreError, match=rf"{bad}"):
        store.query("SELECT count(*) FROM prices")
    # Unrelated reads do not touch the damaged partition.
    assert store.load_prices("GOOD")["close"].tolist() == [1.0, 2.0]
    assert store.list_symbols() == ["BAD", "GOOD"]


def test_foreign_parquet_is_named(store_home: Path) -> None:
    folder = store_home / "store" / "prices" / "symbol=ALIEN"
    folder.mkdir(parents=True)
    alien = folder / "part-0000000000000000001-fedcba9876543210.parquet"
    pd.DataFrame({"x": [1, 2]}).to_parquet(alien)
    with pytest.raises(
        StoreError,
        match=r"ALIEN.*foreign file: lacks column\(s\) "
        r"\['date', 'close', '_vintage'\]",
    ):
        store.load_prices("ALIEN")


def test_files_not_named_like_parts_are_ignored(store_home: Path) -> None:
    store.import_frame(_prices("AAA", [1.0]))
    folder = store_home / "store" / "prices" / "symbol=AAA"
    (folder / "notes.txt").write_text("mine")
    (folder / "copy.parquet").write_bytes(b"junk")
    assert store.load_prices("AAA")["close"].tolist() == [1.0]


def test_newer_schema_and_broken_schema_file(store_home: Path) -> None:
    store.import_frame(_prices("AAA", [1.0]))
    marker = store_home / "store" / "SCHEMA_VERSION"
    marker.write_text('{"schema_version": 99}')
    with pytest.raises(StoreError, match=r"schema version 99; this bubblescope reads up to 1"):
        store.load_dataset("prices")
    marker.write_text("{")
    with pytest.raises(StoreError, match=r"store schema file .*SCHEMA_VERSION is unreadable"):
        store.import_frame(_prices("BBB", [1.0]))


def test_progress_reports_rows(store_home: Path) -> None:
    seen: list[tuple[int, int]] = []
    frame = canonical_frame(
        pd.date_range("2020-01-01", periods=250_000, freq="min"),
        np.linspace(1.0, 2.0, 250_000),
        symbol="AAA",
        source="test",
        adjusted=False,
    )
    store.import_frame(frame, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(100_000, 250_000), (200_000, 250_000), (250_000, 250_000)]


def test_fundamentals_round_trip_through_the_store(store_home: Path) -> None:
    from bubblescope.data.sec import annual_series, parse_companyfacts

    # Microsoft's companyfacts cut to the concepts bubblescope reads (tests/results/README.md)
    facts = parse_companyfacts(
        TRIMMED / "sec_xbrl" / "MSFT_companyfacts_CIK0000789019_trimmed.json.gz", ticker="MSFT"
    )
    store.import_frame(facts, "fundamentals")
    back = store.load_dataset("fundamentals", "MSFT")
    assert len(back) == len(facts)
    pd.testing.assert_frame_equal(
        annual_series(back, "capex"), annual_series(facts, "capex"), check_dtype=False
    )


def test_old_orphans_are_cleaned_young_ones_kept(store_home: Path) -> None:
    store.import_frame(_prices("AAA", [1.0]))
    tmp_dir = store_home / "store" / ".tmp"
    old, young = tmp_dir / "prices-X-1-old.parquet", tmp_dir / "prices-X-2-young.parquet"
    old.write_bytes(b"partial")
    young.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    store.import_frame(_prices("BBB", [1.0]))
    assert not old.exists()  # a killed writer's leftover
    assert young.exists()  # may belong to a writer still running


def test_unstorable_values_are_an_input_error(store_home: Path) -> None:
    with pytest.raises(
        InputError,
        match=r"cannot store runs/psy: a column holds values Parquet "
        r"cannot represent",
    ):
        store.import_frame(pd.DataFrame({"cfg": [{"a": 1}, [1, 2]]}), "runs", symbol="psy")
    assert store.list_symbols("runs") == []
