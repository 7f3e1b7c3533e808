"""``bubblescope data import|list|show|fetch`` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.data import register
from bubblescope.data import live
from bubblescope.data.frames import canonical_frame

FRED_FILE = "fred/NASDAQCOM_1971-2025_iandonaldson.csv"


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


def test_import_then_list_then_show(app: typer.Typer, store_home: Path, shared_data: Path) -> None:
    code, out, _ = _invoke(app, "data", "import", str(shared_data / FRED_FILE), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["symbol"] == "NASDAQCOM"
    assert payload["rows"] == 13_705
    assert payload["written"] is True
    assert payload["notes"][0].startswith("dropped 475 row(s)")
    again = json.loads(_invoke(app, "data", "import", str(shared_data / FRED_FILE), "--json")[1])
    assert again["written"] is False

    code, out, _ = _invoke(app, "data", "list", "--json")
    assert code == 0
    listing = json.loads(out)
    assert listing["symbols"][0]["symbol"] == "NASDAQCOM"
    assert listing["symbols"][0]["rows"] == 13_705

    code, out, _ = _invoke(app, "data", "show", "nasdaqcom", "--tail", "2", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["max_close"] == 20_173.89  # PROVENANCE.md §4: 2024-12-16
    assert shown["max_date"] == "2024-12-16"
    assert [row["date"] for row in shown["tail"]] == ["2025-06-11", "2025-06-12"]

    code, out, _ = _invoke(app, "data", "show", "NASDAQCOM", "--tail", "3")
    assert code == 0
    assert "peak close 20,173.89 on 2024-12-16" in out
    assert "2025-06-12" in out


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
    # arch's NASDAQ 1999-2018: the record close of that span was 8,109.69 on 2018-08-29.
    assert payload["max_date"] == "2018-08-29"
    assert round(payload["max_close"], 2) == 8109.69
    assert (payload["first"], payload["last"], payload["rows"]) == (
        "1999-01-04",
        "2018-12-31",
        5_031,
    )
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
            return pd.DataFrame({"ticker": ["MSFT"], "concept": ["Revenues"], "value": [1.0]})
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
    assert json.loads(out)["symbol"] == "NVDA"
    code, out, _ = _invoke(app, "data", "fetch", "msft", "--source", "sec", "--json")
    assert code == 0
    assert json.loads(out)["dataset"] == "fundamentals"
    assert calls == [("nvda", "yahoo", "2024-01-01"), ("msft", "sec", None)]
    listing = json.loads(_invoke(app, "data", "list", "--dataset", "fundamentals", "--json")[1])
    assert listing["symbols"] == [{"symbol": "MSFT", "rows": 1}]


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


def test_annual_from_a_file_and_from_the_store(
    app: typer.Typer, store_home: Path, shared_data: Path
) -> None:
    from bubblescope.data import store
    from bubblescope.data.sec import parse_companyfacts

    path = shared_data / "sec_xbrl" / "MSFT_companyfacts_CIK0000789019.json.gz"
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
