"""``update_universe`` offline: FRED and SEC replayed with respx, yfinance by a snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pandas as pd
import pytest
import respx

from bubblescope.data import http, live, store
from bubblescope.data.update import update_universe
from bubblescope.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
SEC_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
SNAPSHOTS = {
    "NVDA": "NVDA_history_2025-10-23_2025-11-05.csv",
    "^GSPC": "GSPC_history_2025-10-23_2025-11-05.csv",
    "YHOO": "YHOO_history_1999-12-27_2000-01-07.csv",
}


def _snapshot(symbol: str) -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "yahoo" / SNAPSHOTS[symbol])
    index = pd.DatetimeIndex(pd.to_datetime(raw.pop("Date"), utc=True), name="Date")
    return raw.set_index(index.tz_convert("America/New_York"))


@pytest.fixture
def yahoo(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace yfinance: snapshots for known tickers, no rows for unknown ones, MSFT times out."""
    calls: list[str] = []

    def history(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
        calls.append(symbol)
        if symbol == "MSFT":
            raise TimeoutError("read timed out")
        return _snapshot(symbol) if symbol in SNAPSHOTS else pd.DataFrame()

    monkeypatch.setattr(live, "_yahoo_history", history)
    monkeypatch.setattr(http, "_sleep", lambda seconds: None)
    return calls


def _sec(mock: respx.MockRouter) -> None:
    for cik in (1045810, 789019):
        body = (FIXTURES / "sec" / f"companyfacts_CIK{cik:010d}_trimmed.json").read_text()
        mock.get(SEC_URL.format(cik=cik)).mock(return_value=httpx.Response(200, text=body))
    # Alphabet: a malformed response (valid JSON, not a companyfacts document)
    mock.get(SEC_URL.format(cik=1652044)).mock(
        return_value=httpx.Response(200, json={"error": "not found"})
    )


def _store_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "store").rglob("*") if p.is_file())


def test_one_failure_never_stops_the_others(store_home: Path, yahoo: list[str]) -> None:
    progress: list[tuple[int, int]] = []
    fred = (FIXTURES / "fred" / "fredgraph_NASDAQCOM_2000-02-17_2000-03-14.csv").read_text()
    with respx.mock(assert_all_called=True) as mock:
        mock.get(FRED_URL).mock(return_value=httpx.Response(200, text=fred))
        _sec(mock)
        result = update_universe(
            ["nasdaq", "^GSPC", "nvda", "MSFT", "GOOGL", "ZZZZ", "YHOO"],
            progress=lambda done, total: progress.append((done, total)),
        )
    assert progress == [(i, 7) for i in range(1, 8)]
    assert yahoo == ["^GSPC", "NVDA", "MSFT", "MSFT", "MSFT", "GOOGL", "ZZZZ", "YHOO"]
    steps = {(e.symbol, e.dataset): e for e in result.entries}
    assert list(steps) == [
        ("NASDAQ", "prices"),
        ("SP500", "prices"),
        ("NVDA", "prices"),
        ("NVDA", "fundamentals"),
        ("MSFT", "prices"),
        ("MSFT", "fundamentals"),
        ("GOOGL", "prices"),
        ("GOOGL", "fundamentals"),
        ("ZZZZ", "prices"),
        ("YHOO", "prices"),
    ]
    failed = {key: e.error for key, e in steps.items() if not e.ok}
    assert set(failed) == {
        ("MSFT", "prices"),
        ("GOOGL", "prices"),
        ("GOOGL", "fundamentals"),
        ("ZZZZ", "prices"),
    }
    assert (
        "Yahoo prices for MSFT failed after 3 attempt(s): TimeoutError"
        in failed[("MSFT", "prices")]
    )
    assert "Yahoo returned no prices for 'ZZZZ'" in failed[("ZZZZ", "prices")]
    assert "SEC companyfacts for CIK0001652044" in failed[("GOOGL", "fundamentals")]

    # what landed, under the canonical symbols
    assert store.list_symbols("prices") == ["NASDAQ", "NVDA", "SP500", "YHOO"]
    assert store.list_symbols("fundamentals") == ["MSFT", "NVDA"]
    nasdaq = store.load_prices("NASDAQ")
    assert nasdaq["close"].max() == 5048.62  # PROVENANCE.md §4: the 2000-03-10 peak
    assert nasdaq["close"].idxmax() == pd.Timestamp("2000-03-10")
    assert set(nasdaq["source"]) == {"fred"}
    assert store.load_prices("SP500").loc["2025-10-29", "close"] == pytest.approx(6890.589844)
    nvda = steps[("NVDA", "prices")]
    assert (nvda.rows, nvda.first, nvda.last) == (
        10,
        pd.Timestamp("2025-10-23"),
        pd.Timestamp("2025-11-05"),
    )
    assert nvda.new_rows == 0  # the shipped closes already hold these dates
    assert steps[("YHOO", "prices")].new_rows == 10  # outside the store and the shipped data

    fundamentals = store.load_dataset("fundamentals", "NVDA")
    annual = fundamentals[(fundamentals["item"] == "revenue") & (fundamentals["period"] == "FY")]
    assert annual.set_index("fiscal_year").loc[2025, "value"] == 130_497_000_000.0
    assert set(fundamentals["source"]) == {SEC_URL.format(cik=1045810)}
    assert steps[("NVDA", "fundamentals")].new_rows == 0  # same periods as the shipped table
    msft = steps[("MSFT", "fundamentals")]
    assert msft.ok
    assert msft.rows == len(store.load_dataset("fundamentals", "MSFT"))

    # no partial file: one committed file per successful step, nothing left in .tmp
    files = _store_files(store_home)
    parts = [f for f in files if f.name.startswith("part-")]
    assert len(parts) == len(result.succeeded) == 6
    assert not [f for f in files if ".tmp" in f.parts]

    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert (payload["succeeded"], payload["failed"]) == (6, 4)
    assert "FAILED  ZZZZ" in result.summary()


def test_an_identical_update_writes_nothing(store_home: Path, yahoo: list[str]) -> None:
    first = update_universe(["NVDA"], sources=("prices",))
    again = update_universe(["NVDA"], sources=("prices",))
    assert first.entries[0].written
    assert not again.entries[0].written
    assert again.entries[0].ok
    assert len([f for f in _store_files(store_home) if f.name.startswith("part-")]) == 1


def test_a_network_failure_of_sec_is_a_failed_step(store_home: Path, yahoo: list[str]) -> None:
    with respx.mock() as mock:
        mock.get(SEC_URL.format(cik=1045810)).mock(side_effect=httpx.ConnectError("refused"))
        result = update_universe(["NVDA"], sources=("fundamentals",))
    (entry,) = result.entries
    assert not entry.ok
    assert "connection failed: ConnectError: refused" in entry.error
    assert not result.any_ok
    assert store.list_symbols("fundamentals") == []


def test_bad_requests_are_input_errors(store_home: Path) -> None:
    with pytest.raises(InputError, match="unknown or no datasets"):
        update_universe(["NVDA"], sources=("quotes",))
    with pytest.raises(InputError, match="no SEC fundamentals ship for SPY"):
        update_universe(["SPY"], sources=("fundamentals",))
    with pytest.raises(InputError, match="empty symbol"):
        update_universe([" "])
