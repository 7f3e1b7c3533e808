"""File loaders: the real files agree with their provenance; every bad input is typed.

The real files are those of the shared data folder, byte for byte: copies in tests/results or
rebuilt from the shipped dataset (the ``shared_file`` fixture, tests/reference.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data import store
from bubblescope.data.bundled import load_bundled
from bubblescope.data.frames import canonical_frame
from bubblescope.data.sources import detect_format, load_file, resolve_series
from bubblescope.errors import DataError, InputError, UnknownSymbolError
from tests.reference import SharedFiles


def _csv(tmp_path: Path, text: str, name: str = "series.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- acceptance on the shared real files ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NASDAQCOM_daily_1971-2026_combined.csv", "NASDAQCOM_1971-2025_iandonaldson.csv"]
)
def test_nasdaq_dotcom_peak_and_trough(shared_file: SharedFiles, name: str) -> None:
    # PROVENANCE.md §4: peak 5,048.62 on 2000-03-10, trough 1,114.11 on 2002-10-09.
    frame = load_file(shared_file(f"fred/{name}"))
    dotcom = frame.loc["1995":"2003", "close"]
    assert dotcom.idxmax() == pd.Timestamp("2000-03-10")
    assert dotcom.max() == 5048.62
    assert frame.loc["2002-10-09", "close"] == 1114.11
    assert frame.attrs["format"] == "fred"
    assert frame["symbol"].iloc[0] == "NASDAQCOM"


def test_fred_holidays_are_dropped_and_reported(shared_file: SharedFiles) -> None:
    # PROVENANCE.md §4: 14,180 rows of which 475 blank holidays.
    frame = load_file(shared_file("fred/NASDAQCOM_1971-2025_iandonaldson.csv"))
    assert len(frame) == 14_180 - 475
    assert frame.attrs["notes"][0].startswith("dropped 475 row(s) with no NASDAQCOM value")
    assert "1971-02-15" in frame.attrs["notes"][0]


def test_shiller_cape_peak(shared_file: SharedFiles) -> None:
    # PROVENANCE.md §1: CAPE maximum 44.20 in 1999-12; CAPE is blank for the first 10 years.
    frame = load_file(shared_file("shiller/shiller_monthly_tidy.csv"), value_col="CAPE")
    assert frame.attrs["format"] == "shiller"
    assert frame["close"].idxmax() == pd.Timestamp("1999-12-01")
    assert round(frame["close"].max(), 1) == 44.2
    assert frame.attrs["notes"][0].startswith("dropped 120 row(s)")
    price = load_file(shared_file("shiller/shiller_monthly_tidy.csv"))
    assert price["symbol"].iloc[0] == "SHILLER_P"
    assert len(price) == 1_865


def test_shiller_float_date_codes(shared_file: SharedFiles) -> None:
    # reference/SP_DV.csv: ';'-separated, Shiller codes 1871.01 ... 2011.03 (1,683 rows); line 11
    # is '1871.1', i.e. October 1871 with price 82.93.
    frame = load_file(shared_file("reference/SP_DV.csv"))
    assert frame.attrs["format"] == "shiller"
    assert len(frame) == 1_683
    assert frame.index[0] == pd.Timestamp("1871-01-01")
    assert frame.index[-1] == pd.Timestamp("2011-03-01")
    assert frame.loc["1871-10-01", "close"] == 82.93
    assert (frame.index.day == 1).all()


def test_shiller_codes_october_and_bad_month(tmp_path: Path) -> None:
    good = _csv(tmp_path, "Date,P\n2025.09,1\n2025.1,2\n2025.11,3\n2025.12,4\n")
    frame = load_file(good)
    assert list(frame.index.month) == [9, 10, 11, 12]
    bad = _csv(tmp_path, "Date,P\n2025.09,1\n2025.13,2\n", "bad.csv")
    with pytest.raises(DataError, match=r"bad.csv: line 3, column 'Date': '2025.13' has month 13"):
        load_file(bad)


def test_yahoo_file_with_adj_close(shared_file: SharedFiles) -> None:
    # PROVENANCE.md §6: 4,965 rows; peak 118.75 on 2000-01-03; 2001 low 4.06; Adj Close = Close.
    frame = load_file(shared_file("backtrader_datas/yhoo-1996-2015.csv"), symbol="YHOO")
    assert frame.attrs["format"] == "yahoo"
    assert len(frame) == 4_965
    assert bool(frame["adjusted"].iloc[0]) is True
    assert frame["close"].idxmax() == pd.Timestamp("2000-01-03")
    assert frame["close"].max() == 118.75
    assert round(frame.loc["2001", "close"].min(), 2) == 4.06
    assert frame.loc["2000-01-03", "open"] == pytest.approx(110.730453, rel=1e-12)
    assert {"open", "high", "low", "volume"} <= set(frame.columns)


def test_adj_close_rescales_the_bar(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2020-01-02,10,12,8,11,5.5,100\n2020-01-03,11,13,9,12,6,200\n",
    )
    frame = load_file(path)
    assert frame["close"].tolist() == [5.5, 6.0]
    assert frame["open"].tolist() == [5.0, 5.5]
    assert frame["high"].tolist() == [6.0, 6.5]
    assert frame["volume"].tolist() == [100.0, 200.0]
    assert "scaled by Adj Close / Close" in frame.attrs["notes"][0]


def test_dsturdy_date_close_file(shared_file: SharedFiles) -> None:
    # PROVENANCE.md §3: NVDA 2024-06-18 = 135.36 (split- and dividend-adjusted), first 1999-01-22.
    frame = load_file(shared_file("yahoo_dsturdy/NVDA.csv"), adjusted=True)
    assert frame["symbol"].iloc[0] == "NVDA"
    assert round(frame.loc["2024-06-18", "close"], 2) == 135.36
    assert frame.index[0] == pd.Timestamp("1999-01-22")
    assert bool(frame["adjusted"].iloc[0]) is True
    assert list(frame.columns) == ["close", "symbol", "source", "adjusted"]


def test_newest_first_file_is_reversed(shared_file: SharedFiles) -> None:
    # PROVENANCE.md §7: ML4T rows are newest-first; JAVA has 1,275 valid rows, then literal 'nan'.
    frame = load_file(shared_file("ml4t/JAVA.csv"))
    assert frame.index.is_monotonic_increasing
    assert len(frame) == 1_275
    assert frame.index[0] == pd.Timestamp("2005-01-03")
    assert "rows were newest-first; reversed to oldest-first" in frame.attrs["notes"]


def test_generic_with_named_columns_and_format_override(tmp_path: Path) -> None:
    path = _csv(tmp_path, "when,a,b\n2020-01-02,1,10\n2020-01-03,2,20\n")
    with pytest.raises(DataError, match=r"no date column .* columns are \['when', 'a', 'b'\]"):
        load_file(path)
    frame = load_file(path, date_col="when", value_col="b", symbol="B")
    assert frame["close"].tolist() == [10.0, 20.0]
    assert frame["symbol"].iloc[0] == "B"
    with pytest.raises(DataError, match=r"no column 'c'; columns are"):
        load_file(path, date_col="when", value_col="c")
    fred_like = _csv(tmp_path, "DATE,SP500\n2020-01-02,1\n", "sp.csv")
    assert load_file(fred_like, format="generic", value_col="SP500")["close"].iloc[0] == 1.0


def test_parquet_round_trip(tmp_path: Path) -> None:
    original = canonical_frame(
        pd.date_range("2020-01-01", periods=5),
        [1.5, 2.0, 2.5, 3.0, 1e-3],
        symbol="X",
        source="test",
        adjusted=False,
    )
    path = tmp_path / "x.parquet"
    original[["close"]].to_parquet(path)
    assert detect_format(path) == "parquet"
    frame = load_file(path, symbol="X")
    np.testing.assert_array_equal(frame["close"].to_numpy(), original["close"].to_numpy())
    assert frame.index.equals(original.index)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=40,
    ),
    start=st.dates(
        min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-01-01").date()
    ),
)
def test_csv_round_trip_is_exact(
    tmp_path_factory: pytest.TempPathFactory, values: list[float], start: object
) -> None:
    # Property: any positive float64 written with repr() comes back bit-identical, on its date.
    dates = pd.date_range(pd.Timestamp(start), periods=len(values), freq="D")
    path = tmp_path_factory.mktemp("rt") / "v.csv"
    path.write_text(
        "date,value\n" + "".join(f"{d.date()},{v!r}\n" for d, v in zip(dates, values, strict=True))
    )
    frame = load_file(path, format="generic")
    np.testing.assert_array_equal(frame["close"].to_numpy(), np.asarray(values))
    assert frame.index.equals(pd.DatetimeIndex(dates, name="date"))


# --- every bad-input class: type AND message ------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"file not found: .*nope.csv \(hint: check the path\)"):
        load_file(tmp_path / "nope.csv")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"empty.csv: file is empty"):
        load_file(_csv(tmp_path, "", "empty.csv"))


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"h.csv: no data rows"):
        load_file(_csv(tmp_path, "Date,Close\n", "h.csv"))


def test_no_date_column(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no date column .*hint: name it with --date-col"):
        load_file(_csv(tmp_path, "x,y\n1,2\n"))


def test_unparseable_date_names_line_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,1\nnot-a-date,2\n")
    with pytest.raises(DataError, match=r"line 3, column 'Date': cannot parse date 'not-a-date'"):
        load_file(path)


def test_duplicated_dates_name_the_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,1\n2020-01-03,2\n2020-01-03,3\n")
    with pytest.raises(DataError, match=r"duplicated date 2020-01-03 on lines 3, 4"):
        load_file(path)


def test_unsorted_dates_name_the_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,1\n2020-01-06,2\n2020-01-03,3\n")
    with pytest.raises(
        DataError,
        match=r"dates out of order: line 4 \(2020-01-03\) comes after "
        r"line 3 \(2020-01-06\).*sort the file by date",
    ):
        load_file(path)


def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,1\n2020-01-03,abc\n")
    with pytest.raises(DataError, match=r"line 3, column 'Close': 'abc' is not a number"):
        load_file(path)


def test_infinite_value(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,inf\n")
    with pytest.raises(DataError, match=r"line 2, column 'Close': infinite value 'inf'"):
        load_file(path)


def test_all_values_missing(tmp_path: Path) -> None:
    path = _csv(tmp_path, "observation_date,SP500\n2020-01-02,.\n2020-01-03,\n")
    with pytest.raises(DataError, match=r"column 'SP500' has no numeric values"):
        load_file(path)


def test_excel_and_garbage_files(tmp_path: Path) -> None:
    xls = tmp_path / "ie_data.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataError, match=r"ie_data.xls: Excel workbooks are not read"):
        load_file(xls)
    pq = tmp_path / "broken.parquet"
    pq.write_bytes(b"PAR1 not really")
    with pytest.raises(DataError, match=r"broken.parquet: not a readable Parquet file"):
        load_file(pq)


def test_unknown_format() -> None:
    with pytest.raises(InputError, match=r"unknown file format 'xml'"):
        load_file("whatever.csv", format="xml")


# --- resolve_series ---------------------------------------------------------------------------


def test_resolve_bundled_and_file(tmp_path: Path) -> None:
    nasdaq = resolve_series("^IXIC", start="2000-01-01", end="2000-12-31")
    assert nasdaq.attrs["last_date"] == nasdaq.index[-1]
    assert nasdaq["close"].idxmax() == pd.Timestamp("2000-03-10")
    assert nasdaq.index[0] >= pd.Timestamp("2000-01-01")
    assert nasdaq.index[-1] <= pd.Timestamp("2000-12-31")
    path = _csv(tmp_path, "date,a,b\n2020-01-02,1,10\n2020-01-03,2,20\n")
    assert resolve_series(str(path), column="b")["close"].tolist() == [10.0, 20.0]
    volume = resolve_series("sp500", column="volume")
    np.testing.assert_array_equal(
        volume["close"].to_numpy(), load_bundled("sp500")["volume"].dropna().to_numpy()
    )


def test_resolve_store_symbol(store_home: Path) -> None:
    frame = canonical_frame(
        pd.date_range("2020-01-01", periods=3),
        [1.0, 2.0, 3.0],
        symbol="ABC",
        source="test",
        adjusted=False,
    )
    store.import_frame(frame)
    assert resolve_series("abc")["close"].tolist() == [1.0, 2.0, 3.0]


def test_resolve_unknown_symbol_lists_what_exists(store_home: Path) -> None:
    frame = canonical_frame(
        pd.date_range("2020-01-01", periods=3),
        [1.0, 2.0, 3.0],
        symbol="ABC",
        source="test",
        adjusted=False,
    )
    store.import_frame(frame)
    with pytest.raises(
        UnknownSymbolError,
        match=r"unknown series 'ZZZ': not in the shipped data \(nasdaq, sp500 and 62 "
        r"tickers; `bubblescope data list`\) and not in the store \(ABC\)",
    ):
        resolve_series("ZZZ")


def test_stored_rows_win_over_shipped_rows_per_date(store_home: Path) -> None:
    shipped = load_bundled("NVDA")
    day = shipped.index[-10]
    revised = canonical_frame(
        [day, shipped.index[-1] + pd.Timedelta(days=3)],
        [1234.5, 999.0],
        symbol="NVDA",
        source="yahoo",
        adjusted=True,
    )
    store.import_frame(revised)
    frame = resolve_series("nvda")
    assert frame.loc[day, "close"] == 1234.5
    assert frame.loc[shipped.index[-11], "close"] == shipped.loc[shipped.index[-11], "close"]
    assert frame.index[-1] == shipped.index[-1] + pd.Timedelta(days=3)
    assert frame.attrs["last_date"] == frame.index[-1]
    assert frame.attrs["vintage"].startswith("shipped ")
    assert "+ store import" in frame.attrs["vintage"]
    assert frame.loc[day, "source"] == "yahoo"
    assert len(frame) == len(shipped) + 1


def test_resolve_bad_column_and_empty_range() -> None:
    with pytest.raises(InputError, match=r"series 'nasdaq' has no numeric column 'foo'"):
        resolve_series("nasdaq", column="foo")
    with pytest.raises(InputError, match=r"series 'nasdaq' has no rows between 2030-01-01"):
        resolve_series("nasdaq", start="2030-01-01")


def test_parquet_errors_name_rows_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame(
        {"date": pd.to_datetime(["2020-01-02", "2020-01-03"]), "close": ["1.5", "oops"]}
    ).to_parquet(path)
    with pytest.raises(
        DataError,
        match=r"p.parquet: row 2, column 'close': 'oops' is not a "
        r"number",
    ):
        load_file(path)
    dup = tmp_path / "d.parquet"
    pd.DataFrame(
        {"date": pd.to_datetime(["2020-01-02", "2020-01-02"]), "close": [1.0, 2.0]}
    ).to_parquet(dup)
    with pytest.raises(DataError, match=r"duplicated date 2020-01-02 on rows 1, 2"):
        load_file(dup)


def test_utc_offsets_keep_the_local_trading_date(tmp_path: Path) -> None:
    # yfinance CSVs carry the exchange's offset, which changes with daylight saving time.
    path = _csv(
        tmp_path,
        "Date,Close\n2024-03-08 00:00:00-05:00,1\n"
        "2024-03-11 00:00:00-04:00,2\n2024-03-12T09:30:00Z,3\n",
    )
    frame = load_file(path)
    assert list(frame.index) == [
        pd.Timestamp("2024-03-08"),
        pd.Timestamp("2024-03-11"),
        pd.Timestamp("2024-03-12 09:30"),
    ]
    fixtures = Path(__file__).parent / "fixtures" / "yahoo"
    yahoo = load_file(fixtures / "YHOO_history_1999-12-27_2000-01-07.csv")
    assert yahoo.index[0] == pd.Timestamp("1999-12-27")
    assert yahoo.loc["2000-01-03", "close"] == 118.75


def test_shiller_resolves_to_the_shipped_monthly_price() -> None:
    from bubblescope.data.bundled import load_shiller

    frame = resolve_series("Shiller")
    table = load_shiller()
    assert frame.index[0] == pd.Timestamp("1871-01-01")
    np.testing.assert_array_equal(frame["close"].to_numpy(), table["P"].dropna().to_numpy())
    assert frame.attrs["vintage"].startswith("shipped ")


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_semicolon_file_reads_like_the_plain_one(tmp_path: Path, suffix: str) -> None:
    import bz2
    import gzip
    import lzma

    text = b"date;close\n2020-01-02;1.5\n2020-01-03;2.5\n2020-01-06;3.0\n"
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
    path = tmp_path / f"prices.csv{suffix}"
    with opener(path, "wb") as handle:
        handle.write(text)
    plain = tmp_path / "prices.csv"
    plain.write_bytes(text)
    # the separator is guessed from the decompressed header, not the compressed bytes
    assert (
        load_file(path)["close"].tolist() == load_file(plain)["close"].tolist() == [1.5, 2.5, 3.0]
    )
