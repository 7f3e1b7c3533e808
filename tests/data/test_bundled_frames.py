"""The shipped dataset, its data card, and the canonical frame."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bubblescope.data import bundled
from bubblescope.data.bundled import (
    load_bundled,
    load_datacard,
    load_french49,
    load_fundamentals,
    load_shiller,
    shipped_dir,
)
from bubblescope.data.frames import canonical_frame, check_canonical
from bubblescope.data.universe import universe
from bubblescope.errors import DataError, UnknownSymbolError
from tests.reference import SharedFiles, rebuilt_from_shipped


def test_shipped_nasdaq_has_the_dotcom_peak_and_the_long_history() -> None:
    # PROVENANCE.md §4: FRED NASDAQCOM from 1971-02-05; dot-com peak 5,048.62 on 2000-03-10,
    # 1,114.11 on 2002-10-09; 20,173.89 on 2024-12-16.
    frame = load_bundled("nasdaq")
    assert frame.index[0] == pd.Timestamp("1971-02-05")
    assert frame.index[-1] >= pd.Timestamp("2026-04-14")
    dotcom = frame.loc["1999":"2002", "close"]
    assert dotcom.idxmax() == pd.Timestamp("2000-03-10")
    assert dotcom.max() == pytest.approx(5048.62, abs=0.01)
    assert frame.loc["2002-10-09", "close"] == pytest.approx(1114.11, abs=0.01)
    assert frame.loc["2024-12-16", "close"] == pytest.approx(20173.89, abs=0.01)
    check_canonical(frame)
    assert set(frame["symbol"]) == {"NASDAQ"}
    assert frame.attrs["vintage"] == f"shipped {load_datacard().version}"


def test_shipped_sp500_peaks() -> None:
    # PROVENANCE.md §5: GSPC peaked at 1,527.46 on 2000-03-24 and was 6,144.15 on 2025-02-19.
    frame = load_bundled("^GSPC")
    close = frame.loc[:"2002", "close"]
    assert close.idxmax() == pd.Timestamp("2000-03-24")
    assert close.max() == pytest.approx(1527.46, abs=0.01)
    assert frame.loc["2025-02-19", "close"] == pytest.approx(6144.15, abs=0.01)
    assert frame.index[0] == pd.Timestamp("1927-12-30")
    # Yahoo records no volume before 1950: missing, not zero
    assert frame.loc[:"1949", "volume"].isna().all()


def test_known_ticker_values() -> None:
    # PROVENANCE.md §3: NVDA 2024-06-18 = 135.36 (adjusted); every ticker ends on 2026-08-03.
    nvda = load_bundled("nvda")
    assert nvda.loc["2024-06-18", "close"] == pytest.approx(135.36, abs=0.01)
    assert nvda.index[-1] == pd.Timestamp("2026-08-03")
    csco = load_bundled("CSCO")["close"]
    assert csco.loc[:"2001"].idxmax() == pd.Timestamp("2000-03-27")


def test_shipped_prices_rebuild_the_shared_files_byte_for_byte(tmp_path: Path) -> None:
    """Every Yahoo ticker file, the combined FRED NASDAQ file and Shiller's tidy CSV of the shared
    data folder, rebuilt from the shipped dataset, have the originals' SHA-256 (recorded in
    tests/results/shared_data/SHA256SUMS): the shipped values are those files' values."""
    files = SharedFiles(tmp_path)
    rebuilt = [rel for rel in files.sums if rebuilt_from_shipped(rel)]
    # PROVENANCE.md §3: 62 ticker files; and the FRED NASDAQ and Shiller files
    assert sum(rel.startswith("yahoo_dsturdy/") for rel in rebuilt) == 62
    assert len(rebuilt) == 64
    for rel in rebuilt:
        files(rel)  # raises unless the bytes hash to the original's SHA-256
    raw = pd.read_csv(tmp_path / "fred" / "NASDAQCOM_daily_1971-2026_combined.csv")
    np.testing.assert_array_equal(load_bundled("nasdaq")["close"].to_numpy(), raw["NASDAQCOM"])
    shiller = pd.read_csv(tmp_path / "shiller" / "shiller_monthly_tidy.csv")
    np.testing.assert_array_equal(load_shiller()["CAPE"].to_numpy(), shiller["CAPE"].to_numpy())


def test_french_panel_equals_the_original_file(shared_file: SharedFiles) -> None:
    from bubblescope.detect.industries import french_industries, read_french_industries

    shipped = french_industries(load_french49())
    original = read_french_industries(
        shared_file("ken_french/49_Industry_Portfolios_monthly_1926-2025.csv")
    )
    for panel in ("returns", "n_firms", "firm_size"):
        pd.testing.assert_frame_equal(
            getattr(shipped, panel), getattr(original, panel), check_names=False
        )
    pd.testing.assert_series_equal(shipped.market, original.market)


def test_every_universe_symbol_loads_and_the_card_covers_it() -> None:
    card = load_datacard()
    prices = card.files["prices.parquet"]
    covered = {s for src in prices.sources for s in src.symbols}
    assert covered == set(universe())
    for symbol in universe():
        frame = load_bundled(symbol)
        source = card.source_of(symbol)
        assert str(frame.index[-1].date()) <= source.last
        assert str(frame.index[0].date()) >= source.first
    assert sum(src.rows for src in prices.sources) == prices.rows


def test_card_hashes_match_the_files() -> None:
    card = load_datacard()
    for name, entry in card.files.items():
        digest = hashlib.sha256((shipped_dir() / name).read_bytes()).hexdigest()
        assert digest == entry.sha256, name
    assert set(load_fundamentals()["symbol"]) <= set(universe())


@pytest.mark.parametrize("symbol", ["NVDA", "msft", "ORCL", "TSLA", ""])
def test_one_symbols_fundamentals_are_the_whole_tables_rows_of_it(symbol: str) -> None:
    whole = load_fundamentals()
    want = whole[whole["symbol"] == symbol.upper()].reset_index(drop=True)
    got = load_fundamentals(symbol)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs["vintage"] == whole.attrs["vintage"]
    assert (len(got) > 0) == (symbol.upper() in set(whole["symbol"]))
    got.loc[:, "value"] = -1.0  # the caller's own copy: the next read is unchanged
    pd.testing.assert_frame_equal(load_fundamentals(symbol), want)


def test_unknown_shipped_name_is_typed() -> None:
    with pytest.raises(UnknownSymbolError, match=r"unknown shipped series 'dow'"):
        load_bundled("dow")


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the shipped folder, used instead of the installed one."""
    copy = tmp_path / "shipped"
    shutil.copytree(shipped_dir(), copy)
    monkeypatch.setenv("BUBBLESCOPE_SHIPPED_DIR", str(copy))
    bundled._card_at.cache_clear()
    bundled._verified_table.cache_clear()
    bundled._grouped_prices.cache_clear()
    bundled._grouped_fundamentals.cache_clear()
    yield copy
    bundled._card_at.cache_clear()
    bundled._verified_table.cache_clear()
    bundled._grouped_prices.cache_clear()
    bundled._grouped_fundamentals.cache_clear()


def test_damaged_file_is_a_typed_error(shipped_copy: Path) -> None:
    path = shipped_copy / "prices.parquet"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"prices.parquet does not match its data card"):
        load_bundled("NVDA")


def test_missing_file_is_a_typed_error(shipped_copy: Path) -> None:
    (shipped_copy / "shiller.parquet").unlink()
    with pytest.raises(DataError, match=r"shiller.parquet is missing or unreadable"):
        load_shiller()


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "version: [unclosed\n" + text,
        lambda text: text.replace("sha256:", "sha_256:", 1),
        lambda text: "just a string\n",
    ],
)
def test_corrupt_data_card_is_a_typed_error(shipped_copy: Path, damage) -> None:  # type: ignore[no-untyped-def]
    card = shipped_copy / "datacard.yaml"
    card.write_text(damage(card.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError, match=r"data card .* (unreadable|corrupt)"):
        load_datacard()


def test_missing_data_card_is_a_typed_error(shipped_copy: Path) -> None:
    (shipped_copy / "datacard.yaml").unlink()
    with pytest.raises(DataError, match=r"data card .* is missing"):
        load_bundled("NVDA")


def test_card_is_plain_yaml_with_a_version() -> None:
    raw = yaml.safe_load((shipped_dir() / "datacard.yaml").read_text(encoding="utf-8"))
    assert raw["version"] == load_datacard().version
    assert raw["prices_as_of"] == "2026-08-21"


def test_canonical_frame_sorts_and_rejects_duplicates() -> None:
    frame = canonical_frame(
        ["2020-01-02", "2020-01-01"], [2.0, 1.0], symbol="X", source="test", adjusted=False
    )
    assert list(frame["close"]) == [1.0, 2.0]
    with pytest.raises(DataError, match="duplicated date 2020-01-01"):
        canonical_frame(
            ["2020-01-01", "2020-01-01"], [1.0, 2.0], symbol="X", source="test", adjusted=False
        )
    with pytest.raises(DataError, match="cannot parse dates"):
        canonical_frame(["not a date"], [1.0], symbol="X", source="test", adjusted=False)
