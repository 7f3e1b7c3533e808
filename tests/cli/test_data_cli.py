"""``bubblescope data import|list|show|fetch`` through typer's runner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.data import register
from bubblescope.data import live
from bubblescope.data.frames import canonical_frame
from bubblescope.data.fundamentals import fundamentals_from_companyfacts
from bubblescope.data.sec import parse_companyfacts
from tests.reference import TRIMMED, SharedFiles

FRED_FILE = "fred/NASDAQCOM_1971-2025_iandonaldson.csv"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
SEC_FIXTURE = FIXTURES / "sec" / "companyfacts_CIK0000789019_trimmed.json"


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()

    @application.callback()
    def _root() -> None:
        """Test root."""

    register(application)
    return application


def _invoke(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_then_list_then_show(
    app: typer.Typer, store_home: Path, shared_file: SharedFiles
) -> None:
    fred = str(shared_file(FRED_FILE))
    code, out, _ = _invoke(app, "data", "import", fred, "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["symbol"] == "NASDAQ"  # NASDAQCOM is an alias of the shipped NASDAQ
    assert payload["rows"] == 13_705
    assert payload["written"] is True
    assert payload["notes"][0].startswith("dropped 475 row(s)")
    again = json.loads(_invoke(app, "data", "import", fred, "--json")[1])
    assert again["written"] is False

    code, out, _ = _invoke(app, "data", "list", "--json")
    assert code == 0
    listing = json.loads(out)["store"]
    assert listing["symbols"][0]["symbol"] == "NASDAQ"
    assert listing["symbols"][0]["rows"] == 13_705

    # `show nasdaq` would overlay the file on the shipped NASDAQ: show it under its own name
    code, out, _ = _invoke(app, "data", "import", fred, "--symbol", "FRED_IXIC", "--json")
    assert code == 0
    code, out, _ = _invoke(app, "data", "show", "fred_ixic", "--tail", "2", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["max_close"] == 20_173.89  # PROVENANCE.md §4: 2024-12-16
    assert shown["max_date"] == "2024-12-16"
    assert [row["date"] for row in shown["tail"]] == ["2025-06-11", "2025-06-12"]

    code, out, _ = _invoke(app, "data", "show", "FRED_IXIC", "--tail", "3")
    assert code == 0
    assert "peak close 20,173.89 on 2024-12-16" in out
    assert "2025-06-12" in out


def test_import_of_an_alias_overlays_the_shipped_series(
    app: typer.Typer, store_home: Path, tmp_path: Path
) -> None:
    """A FRED NASDAQCOM file is stored as NASDAQ; its rows win over the shipped ones per date."""
    from bubblescope.data import store
    from bubblescope.data.bundled import load_bundled
    from bubblescope.data.sources import resolve_series

    bundled = load_bundled("NASDAQ")
    shipped = bundled["close"]
    days = shipped.loc["2024-12-09":"2024-12-13"]
    assert len(days) == 5
    changed = days.index[2]
    values = days.copy()
    values[changed] = 12_345.67  # deliberately not the shipped close
    path = tmp_path / "NASDAQCOM.csv"
    lines = [f"{d.date()},{v:.2f}" for d, v in values.items()]
    path.write_text("observation_date,NASDAQCOM\n" + "\n".join(lines) + "\n")

    code, out, _ = _invoke(app, "data", "import", str(path))
    assert code == 0, out
    assert "prices/NASDAQ: 5 rows imported" in out
    assert (
        "note: stored as NASDAQ (alias of the shipped NASDAQ Composite); its rows win over the "
        "shipped ones per date" in " ".join(out.split())
    )
    assert store.list_symbols("prices") == ["NASDAQ"]

    frame = resolve_series("nasdaq")
    assert frame.loc[changed, "close"] == 12_345.67
    others = frame.index.isin(shipped.index) & (frame.index != changed)
    assert (frame.loc[others, "close"] == shipped[frame.index[others]]).all()
    assert len(frame) == len(shipped)
    assert set(frame["symbol"]) == {"NASDAQ"}
    assert frame.loc[changed, "source"] == "file:NASDAQCOM.csv"
    vintage = frame.attrs["vintage"]
    assert vintage.startswith(f"{bundled.attrs['vintage']} + store import ")

    code, out, _ = _invoke(app, "data", "show", "nasdaq", "--json", "--tail", "0")
    assert code == 0
    assert json.loads(out)["rows"] == len(shipped)
    code, out, _ = _invoke(app, "data", "show", "NASDAQCOM", "--json", "--tail", "0")
    assert json.loads(out)["symbol"] == "NASDAQ"


def test_import_with_columns_and_human_output(
    app: typer.Typer, store_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "capex.csv"
    path.write_text("when,a,b\n2020-01-02,1,10\n2020-01-03,2,.\n2020-01-06,3,30\n")
    code, out, _ = _invoke(
        app,
        "data",
        "import",
        str(path),
        "--date-col",
        "when",
        "--value-col",
        "b",
        "--symbol",
        "CAPEX",
        "--format",
        "generic",
    )
    assert code == 0
    assert "prices/CAPEX: 2 rows imported" in out
    assert "note: dropped 1 row(s) with no b value" in out


def test_show_bundled_without_store(app: typer.Typer, store_home: Path) -> None:
    code, out, _ = _invoke(app, "data", "show", "nasdaq", "--json", "--tail", "0")
    assert code == 0
    payload = json.loads(out)
    assert payload["symbol"] == "NASDAQ"
    # whatever range ships, it spans the dot-com peak of 5,048.62 (2000-03-10)
    assert payload["first"] <= "2000-03-10" <= payload["last"]
    assert payload["max_close"] >= 5048.62
    assert payload["rows"] > 2_500
    assert payload["tail"] == []


def test_errors_are_one_line_with_exit_codes(
    app: typer.Typer, store_home: Path, tmp_path: Path
) -> None:
    code, _, err = _invoke(app, "data", "show", "ZZZ")
    assert code == 3
    assert err.startswith("error: unknown series 'ZZZ'")
    assert err.count("\n") == 1
    code, _, err = _invoke(app, "data", "import", str(tmp_path / "missing.csv"))
    assert code == 3
    assert "file not found" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Close\n2020-01-02,1\n2020-01-02,2\n")
    code, _, err = _invoke(app, "data", "import", str(bad))
    assert code == 3
    assert "duplicated date 2020-01-02 on lines 2, 3" in err
    code, _, err = _invoke(app, "data", "list", "--dataset", "quotes")
    assert code == 2
    assert "unknown dataset 'quotes'" in err


def test_fetch_stores_prices_and_fundamentals(
    app: typer.Typer, store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str, str | None]] = []

    def fake_fetch(
        symbol: str, source: str = "yahoo", *, start: str | None = None, end: str | None = None
    ) -> pd.DataFrame:
        calls.append((symbol, source, start))
        if source == "sec":
            return parse_companyfacts(SEC_FIXTURE)
        return canonical_frame(
            pd.date_range("2024-01-02", periods=3),
            [1.0, 2.0, 3.0],
            symbol=symbol.upper(),
            source=source,
            adjusted=True,
        )

    monkeypatch.setattr(live, "fetch", fake_fetch)
    code, out, _ = _invoke(app, "data", "fetch", "nvda", "--start", "2024-01-01", "--json")
    assert code == 0
    fetched = json.loads(out)
    assert (fetched["symbol"], fetched["notes"]) == ("NVDA", [])
    code, out, _ = _invoke(app, "data", "fetch", "^gspc", "--json")
    assert code == 0
    fetched = json.loads(out)
    assert fetched["symbol"] == "SP500"
    assert fetched["notes"] == [
        "stored as SP500 (alias of the shipped S&P 500); its rows win over the shipped ones "
        "per date"
    ]
    code, out, _ = _invoke(app, "data", "fetch", "msft", "--source", "sec", "--json")
    assert code == 0
    stored = json.loads(out)
    assert stored["dataset"] == "fundamentals"
    assert calls == [
        ("nvda", "yahoo", "2024-01-01"),
        ("^gspc", "yahoo", None),
        ("msft", "sec", None),
    ]
    listing = json.loads(_invoke(app, "data", "list", "--dataset", "fundamentals", "--json")[1])
    assert listing["store"]["symbols"] == [{"symbol": "MSFT", "rows": stored["rows"]}]
    # stored as the fundamentals table: MSFT capex FY2025 (to 2025-06-30), 64.55 bn
    code, out, _ = _invoke(app, "data", "annual", "MSFT", "--json")
    assert code == 0
    years = {row["fiscal_year"]: row["value"] for row in json.loads(out)["years"]}
    assert years[2025] == 64_551_000_000.0


def test_fetch_failure_is_a_source_error(
    app: typer.Typer, store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dead(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
        raise TimeoutError("timed out")

    monkeypatch.setattr(live, "_yahoo_history", dead)
    monkeypatch.setattr("bubblescope.data.http._sleep", lambda seconds: None)
    code, _, err = _invoke(app, "data", "fetch", "NVDA")
    assert code == 5
    assert "Yahoo prices for NVDA failed after 3 attempt(s): TimeoutError: timed out" in err


def test_annual_from_a_file_and_from_the_store(app: typer.Typer, store_home: Path) -> None:
    from bubblescope.data import store

    # Microsoft's companyfacts cut to the concepts bubblescope reads (tests/results/README.md)
    path = TRIMMED / "sec_xbrl" / "MSFT_companyfacts_CIK0000789019_trimmed.json.gz"
    code, out, _ = _invoke(app, "data", "annual", str(path), "--item", "capex", "--json")
    assert code == 0
    years = {row["fiscal_year"]: row for row in json.loads(out)["years"]}
    # PROVENANCE.md §10: MSFT capex 44.48 bn (FY to 2024-06) and 64.55 bn (FY to 2025-06).
    assert years[2024]["value"] == 44_477_000_000.0
    assert years[2025]["value"] == 64_551_000_000.0
    assert years[2025]["tag"] == "PaymentsToAcquirePropertyPlantAndEquipment"

    code, _, err = _invoke(app, "data", "annual", "MSFT")
    assert code == 3
    assert "no SEC companyfacts for 'MSFT' in the store (none stored)" in err
    store.import_frame(parse_companyfacts(path, ticker="MSFT"), "fundamentals")
    code, out, _ = _invoke(app, "data", "annual", "msft", "--item", "revenue")
    assert code == 0
    assert "MSFT revenue" in out
    code, out, _ = _invoke(app, "data", "annual", "msft", "--item", "revenue", "--json")
    last = json.loads(out)["years"][-1]
    # Microsoft FY2025 (to 2025-06-30) revenue: USD 281,724 m, as published in its 10-K.
    assert (last["fiscal_year"], last["value"]) == (2025, 281_724_000_000.0)
    assert last["tag"] == "RevenueFromContractWithCustomerExcludingAssessedTax"
    code, _, err = _invoke(app, "data", "annual", "MSFT", "--item", "capx")
    assert code == 2
    assert "unknown fundamentals item 'capx'" in err

    # the fundamentals table (what `data fetch --source sec` and `data update` store) gives the
    # same annual values, and its other items
    facts = parse_companyfacts(path, ticker="MSFT")
    store.import_frame(fundamentals_from_companyfacts(facts, source="t"), "fundamentals")
    code, out, _ = _invoke(app, "data", "annual", "msft", "--item", "revenue", "--json")
    assert json.loads(out)["years"][-1] == last
    code, out, _ = _invoke(app, "data", "annual", "msft", "--item", "capex", "--json")
    assert {r["fiscal_year"]: r["value"] for r in json.loads(out)["years"]}[
        2024
    ] == 44_477_000_000.0
    code, out, _ = _invoke(app, "data", "annual", "msft", "--item", "debt")
    assert code == 0
    assert "MSFT debt" in out
    code, _, err = _invoke(app, "data", "annual", "MSFT", "--item", "capx")
    assert code == 2
    assert "unknown fundamentals item 'capx'" in err


# --- the shipped data card -----------------------------------------------------------------------


def test_list_prints_the_data_card_then_the_store(app: typer.Typer, store_home: Path) -> None:
    from bubblescope.data.bundled import load_datacard

    card = load_datacard()
    code, out, _ = _invoke(app, "data", "list")
    assert code == 0
    assert out.index("prices.parquet") < out.index("fundamentals.parquet") < out.index("store:")
    assert f"shipped data {card.version}" in out
    assert "https://fred.stlouisfed.org/series/NASDAQCOM" in out
    assert "terms / licence" in out
    assert "public-domain" in out  # the SEC row's terms
    nasdaq = card.source_of("NASDAQ")
    assert nasdaq.first in out
    assert "prices: nothing stored yet" in out
    code, out, _ = _invoke(app, "data", "list", "--json")
    payload = json.loads(out)
    assert payload["shipped"] == json.loads(json.dumps(card.to_dict()))
    assert set(payload["shipped"]["files"]) >= {"prices.parquet", "fundamentals.parquet"}
    assert payload["store"]["symbols"] == []


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from bubblescope.data import bundled

    folder = tmp_path / "shipped"
    shutil.copytree(bundled.shipped_dir(), folder)
    monkeypatch.setenv("BUBBLESCOPE_SHIPPED_DIR", str(folder))
    bundled._card_at.cache_clear()
    yield folder
    bundled._card_at.cache_clear()


def test_a_broken_data_card_is_one_line_data_error(
    app: typer.Typer, store_home: Path, shipped_copy: Path
) -> None:
    from bubblescope.data import bundled

    card = shipped_copy / "datacard.yaml"
    card.write_text("version: [unclosed\nfiles: {\n", encoding="utf-8")
    code, out, err = _invoke(app, "data", "list")
    assert code == 3
    assert out == ""
    assert err.startswith(f"error: the shipped data card {card} is unreadable")
    assert err.count("\n") == 1
    card.write_text("version: '1'\nfiles: {}\n", encoding="utf-8")
    bundled._card_at.cache_clear()
    code, _, err = _invoke(app, "data", "list", "--json")
    assert code == 3
    assert "the shipped data card is corrupt" in err
    card.unlink()
    bundled._card_at.cache_clear()
    code, _, err = _invoke(app, "data", "list")
    assert code == 3
    assert f"the shipped data card {card} is missing" in err
    assert err.count("\n") == 1


# --- data update ---------------------------------------------------------------------------------


def _snapshot(name: str) -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "yahoo" / name)
    index = pd.DatetimeIndex(pd.to_datetime(raw.pop("Date"), utc=True), name="Date")
    return raw.set_index(index.tz_convert("America/New_York"))


def test_update_stores_what_it_can_and_tables_the_failures(
    app: typer.Typer, store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def history(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
        if symbol == "NVDA":
            return _snapshot("NVDA_history_2025-10-23_2025-11-05.csv")
        return pd.DataFrame()  # what yfinance gives for an unknown ticker

    monkeypatch.setattr(live, "_yahoo_history", history)
    code, out, _ = _invoke(app, "data", "update", "nvda", "zzzz", "--no-fundamentals")
    assert code == 0
    assert "1 of 2 step(s) stored, 1 failed" in out
    assert "1 failed step(s)" in out
    assert "Yahoo returned no prices for 'ZZZZ'" in out
    code, out, _ = _invoke(app, "data", "update", "ZZZZ", "--no-fundamentals", "--json")
    assert code == 5
    payload = json.loads(out)
    assert (payload["succeeded"], payload["failed"]) == (0, 1)
    assert payload["entries"][0]["error"].startswith("Yahoo returned no prices for 'ZZZZ'")
    code, _, err = _invoke(app, "data", "update", "NVDA", "--no-prices", "--no-fundamentals")
    assert code == 2
    assert "unknown or no datasets" in err


def test_compact_folds_imports_and_reads_the_same(
    app: typer.Typer, store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bubblescope.data import store

    monkeypatch.setattr(store, "COMPACT_AFTER", 1_000)
    dates = pd.bdate_range("2024-01-01", periods=6)
    for k in range(6):
        store.import_frame(
            canonical_frame(dates[k : k + 1], [1.0 + k], symbol="DAY", source="t", adjusted=False)
        )
    before = store.load_prices("DAY")
    code, out, _ = _invoke(app, "data", "compact", "--json")
    assert code == 0
    (row,) = json.loads(out)["symbols"]
    assert (row["symbol"], row["files_before"], row["files_after"], row["rows"]) == (
        "DAY",
        6,
        1,
        6,
    )
    pd.testing.assert_frame_equal(store.load_prices("DAY"), before)
    code, out, _ = _invoke(app, "data", "compact")
    assert code == 0
    assert "1 symbol(s): 1 file(s) before, 1 after (1 already one file)" in out
    code, _, err = _invoke(app, "data", "compact", "NOPE")
    assert code == 3
    assert "nothing stored for 'NOPE'" in err


def test_compact_help_names_the_threshold_the_store_uses(app: typer.Typer) -> None:
    from bubblescope.data import store

    code, out, _ = _invoke(app, "data", "compact", "--help")
    assert code == 0
    assert f"more than {store.COMPACT_AFTER} files" in " ".join(out.split())
