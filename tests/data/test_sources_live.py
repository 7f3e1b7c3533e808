"""Live adapters without the network: respx for FRED, a stored snapshot for yfinance."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pandas as pd
import pytest
import respx

from bubblescope.data import http, live
from bubblescope.errors import InputError, SourceError

FIXTURES = Path(__file__).parent / "fixtures"
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "_sleep", lambda seconds: None)


def _fred_body() -> str:
    return (FIXTURES / "fred" / "fredgraph_NASDAQCOM_2000-02-17_2000-03-14.csv").read_text()


def _yahoo_snapshot() -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "yahoo" / "YHOO_history_1999-12-27_2000-01-07.csv")
    index = pd.DatetimeIndex(pd.to_datetime(raw.pop("Date"), utc=True), name="Date")
    return raw.set_index(index.tz_convert("America/New_York"))


# --- FRED --------------------------------------------------------------------------------------


@respx.mock
def test_fred_csv_parsed_with_holidays_reported() -> None:
    route = respx.get(FRED_URL).mock(return_value=httpx.Response(200, text=_fred_body()))
    frame = live.fetch_fred("nasdaqcom", start="2000-02-17", end="2000-03-14")
    request = route.calls.last.request
    assert request.url.params["id"] == "NASDAQCOM"
    assert request.url.params["cosd"] == "2000-02-17"
    assert frame["close"].idxmax() == pd.Timestamp("2000-03-10")
    assert frame["close"].max() == 5048.62
    assert frame["source"].iloc[0] == "fred"
    assert pd.Timestamp("2000-02-21") not in frame.index
    assert frame.attrs["notes"][0].startswith("dropped 1 row(s) with no NASDAQCOM value")


@respx.mock
def test_fred_retries_503() -> None:
    route = respx.get(FRED_URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, text=_fred_body())]
    )
    assert len(live.fetch_fred("NASDAQCOM")) == 18
    assert route.call_count == 2


@respx.mock
def test_fred_timeout_names_the_series() -> None:
    respx.get(FRED_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(
        SourceError,
        match=r"FRED series NASDAQCOM .* failed after 4 attempt\(s\)"
        r": timed out",
    ):
        live.fetch_fred("NASDAQCOM")


@respx.mock
def test_fred_unknown_series_and_html_page() -> None:
    respx.get(FRED_URL).mock(return_value=httpx.Response(404))
    with pytest.raises(SourceError, match=r"FRED series NOPE .* HTTP 404"):
        live.fetch_fred("NOPE")
    respx.get(FRED_URL).mock(return_value=httpx.Response(200, text="<!DOCTYPE html><html>"))
    with pytest.raises(SourceError, match=r"FRED returned no CSV for series SP500"):
        live.fetch_fred("SP500")


@respx.mock
def test_fred_malformed_payload() -> None:
    respx.get(FRED_URL).mock(
        return_value=httpx.Response(200, text="observation_date,SP500\n2020-01-02,12x\n")
    )
    with pytest.raises(SourceError, match=r"FRED series SP500 is malformed: .*'12x' is not a"):
        live.fetch_fred("SP500")


# --- Yahoo (adapter boundary replaced by a stored snapshot) -----------------------------------


def test_yahoo_snapshot_becomes_canonical(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str | None, str | None, float]] = []

    def fake(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
        calls.append((symbol, start, end, timeout))
        return _yahoo_snapshot()

    monkeypatch.setattr(live, "_yahoo_history", fake)
    frame = live.fetch_yahoo("yhoo", start="1999-12-27", timeout=7.0)
    assert calls == [("yhoo", "1999-12-27", None, 7.0)]
    # Exchange calendar dates survive (no shift to the previous day by a UTC conversion).
    assert frame.index[0] == pd.Timestamp("1999-12-27")
    assert frame.loc["2000-01-03", "close"] == 118.75
    assert frame["symbol"].iloc[0] == "YHOO"
    assert bool(frame["adjusted"].iloc[0]) is True
    assert {"open", "high", "low", "volume"} <= set(frame.columns)


def test_yahoo_errors_are_retried_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[int] = []

    def flaky(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("reset by peer")
        return _yahoo_snapshot()

    monkeypatch.setattr(live, "_yahoo_history", flaky)
    assert len(live.fetch_yahoo("YHOO", retries=2)) == 10

    def dead(symbol: str, start: str | None, end: str | None, timeout: float) -> pd.DataFrame:
        raise TimeoutError("curl: (28) Operation timed out")

    monkeypatch.setattr(live, "_yahoo_history", dead)
    with pytest.raises(
        SourceError,
        match=r"Yahoo prices for NVDA failed after 2 attempt\(s\): "
        r"TimeoutError: curl: \(28\)",
    ):
        live.fetch_yahoo("NVDA", retries=1)


def test_yahoo_empty_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "_yahoo_history", lambda *args: pd.DataFrame())
    with pytest.raises(SourceError, match=r"Yahoo returned no prices for 'ZZZZ'"):
        live.fetch_yahoo("ZZZZ")


def test_yahoo_without_yfinance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yfinance", None)  # import yfinance -> ImportError
    with pytest.raises(SourceError, match=r"needs the optional package yfinance") as info:
        live.fetch_yahoo("NVDA")
    # the hint names the extras that install it: the front ends' one, and yfinance alone
    assert "pip install 'bubblescope[app]'" in str(info.value)
    assert "'bubblescope[sources]'" in str(info.value)


def test_data_fetch_yahoo_without_yfinance_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, store_home: Path
) -> None:
    """Issue: `bubblescope data fetch NVDA --source yahoo` failed when the README's extra was
    installed; without yfinance the command must say which extra brings it."""
    from typer.testing import CliRunner

    from bubblescope.cli.main import build_app

    monkeypatch.setitem(sys.modules, "yfinance", None)
    result = CliRunner().invoke(build_app(), ["data", "fetch", "NVDA", "--source", "yahoo"])
    assert result.exit_code == 5  # SourceError's exit code
    text = " ".join(result.output.split())
    assert "Yahoo download of NVDA needs the optional package yfinance" in text
    assert "pip install 'bubblescope[app]'" in text
    assert "Traceback" not in result.output


def test_app_extra_brings_what_the_front_ends_import() -> None:
    """The `app` extra holds report + web + sources; `test` (and so `dev`) install yfinance."""
    import tomllib

    extras = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    )["project"]["optional-dependencies"]

    def names(extra: str) -> set[str]:
        out: set[str] = set()
        for requirement in extras[extra]:
            name = requirement.split(">")[0].split("[")[0].strip()
            if name == "bubblescope":  # a self-reference: bubblescope[a,b]
                for inner in requirement.split("[")[1].rstrip("]").split(","):
                    out |= names(inner.strip())
            else:
                out.add(name)
        return out

    front_ends = {"matplotlib", "jinja2", "plotly", "weasyprint", "fastapi", "uvicorn"}
    assert front_ends | {"python-multipart", "yfinance"} <= names("app")
    assert names("report") | names("web") | names("sources") == names("app")
    assert "yfinance" in names("test")
    assert "bubblescope[test]" in extras["dev"]


def test_fetch_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "_yahoo_history", lambda *args: _yahoo_snapshot())
    assert live.fetch("YHOO", "yahoo")["close"].iloc[-1] == 101.8125
    with pytest.raises(InputError, match=r"unknown live source 'bloomberg'"):
        live.fetch("X", "bloomberg")
