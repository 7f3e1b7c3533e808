"""SEC companyfacts: tidy parsing, tag chains, vintages, and the live fetch (mocked).

The filers' documents are SEC companyfacts JSON cut to the concepts bubblescope reads
(tests/results/trimmed/sec_xbrl; every tag-chain series is the full document's, see
tests/results/README.md).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import respx

from bubblescope.data import http, sec
from bubblescope.errors import DataError, InputError, SourceError, UnknownSymbolError
from tests.reference import TRIMMED

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
MSFT_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK0000789019.json"
TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"
SEC_DIR = TRIMMED / "sec_xbrl"
FILES = {
    "MSFT": "MSFT_companyfacts_CIK0000789019_trimmed.json.gz",
    "NVDA": "NVDA_companyfacts_CIK0001045810_trimmed.json.gz",
    "GOOGL": "GOOGL_companyfacts_CIK0001652044_trimmed.json.gz",
}


def _facts(ticker: str) -> pd.DataFrame:
    return sec.parse_companyfacts(SEC_DIR / FILES[ticker], ticker=ticker)


@pytest.fixture(scope="module")
def msft() -> pd.DataFrame:
    return _facts("MSFT")


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "_sleep", lambda seconds: None)


# --- parsing -----------------------------------------------------------------------------------


def test_parse_matches_the_json_fact_count_and_types(msft: pd.DataFrame) -> None:
    with gzip.open(SEC_DIR / FILES["MSFT"]) as fh:
        doc = json.load(fh)
    n_facts = sum(
        len(rows)
        for concepts in doc["facts"].values()
        for body in concepts.values()
        for rows in body["units"].values()
    )
    assert len(msft) == n_facts
    assert tuple(msft.columns) == sec.FACT_COLUMNS
    assert msft["cik"].unique().tolist() == [789019]
    assert msft["value"].dtype == np.float64
    assert msft["end"].dtype.kind == "M"
    assert msft["start"].isna().any()  # instants have no start
    assert set(msft["taxonomy"].unique()) == {"dei", "us-gaap"}


def test_parse_rejects_a_foreign_document(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(DataError, match=r"x.json: not an SEC companyfacts document"):
        sec.parse_companyfacts(path)


def test_parse_rejects_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "cut.json.gz"
    path.write_bytes(gzip.compress(b'{"cik": 1, "facts": {')[:-5])
    with pytest.raises(DataError, match=r"cut.json.gz: not a readable companyfacts JSON file"):
        sec.parse_companyfacts(path)


def test_parse_missing_file() -> None:
    with pytest.raises(DataError, match="companyfacts file not found: .*nope.json"):
        sec.parse_companyfacts("nope.json")


def test_parse_fact_without_value() -> None:
    units = {"USD": [{"end": "2024-12-31"}]}
    doc = {"cik": 1, "facts": {"us-gaap": {"Revenues": {"units": units}}}}
    with pytest.raises(DataError, match=r"us-gaap:Revenues \[USD\] lacks 'val'"):
        sec.parse_companyfacts(doc)


# --- annual series ----------------------------------------------------------------------------


def test_msft_capex_matches_provenance(msft: pd.DataFrame) -> None:
    # PROVENANCE.md §10: MSFT capex 44.48 bn for the fiscal year to 2024-06 and 64.55 bn to
    # 2025-06, tag PaymentsToAcquirePropertyPlantAndEquipment. The exact figures in the 10-K filed
    # 2025-07-30 (accession 0000950170-25-100235) are USD 44,477 m and 64,551 m.
    capex = sec.annual_series(msft, "capex")
    fy24, fy25 = capex.loc["2024-06-30"], capex.loc["2025-06-30"]
    assert fy24["value"] == 44_477_000_000.0
    assert fy25["value"] == 64_551_000_000.0
    assert (fy24["fiscal_year"], fy25["fiscal_year"]) == (2024, 2025)
    assert set(capex["tag"]) == {"PaymentsToAcquirePropertyPlantAndEquipment"}
    assert fy25["accn"] == "0000950170-25-100235"
    # Cross-check against the independently derived CSV (SEC's calendar-aligned frames; its
    # MSFT capex rows with an annual frame, tests/results/README.md).
    csv = pd.read_csv(SEC_DIR / "companyfacts_key_concepts_MSFT_capex.csv")
    framed = csv[
        (csv["ticker"] == "MSFT")
        & (csv["concept"] == "PaymentsToAcquirePropertyPlantAndEquipment")
        & csv["frame"].isin(["CY2024", "CY2025"])
    ].set_index("frame")["val"]
    assert framed["CY2024"] == fy24["value"]
    assert framed["CY2025"] == fy25["value"]


def test_annual_rows_are_full_years_one_per_period_end(msft: pd.DataFrame) -> None:
    capex = sec.annual_series(msft, "capex")
    assert capex.index.is_unique
    assert capex.index.is_monotonic_increasing
    days = (capex.index - pd.DatetimeIndex(capex["start"])).days
    assert days.min() >= 350
    assert days.max() <= 380
    assert set(capex["form"]) <= set(sec.ANNUAL_FORMS)
    # 18 fiscal years, 2008 ... 2025, without a gap.
    assert capex["fiscal_year"].tolist() == list(range(2008, 2026))


def test_latest_filing_wins(msft: pd.DataFrame) -> None:
    # FY2023 capex is reported in the FY2023, FY2024 and FY2025 10-Ks; the newest filing wins.
    raw = msft[
        (msft["concept"] == "PaymentsToAcquirePropertyPlantAndEquipment")
        & (msft["end"] == "2023-06-30")
        & (msft["fp"] == "FY")
        & ((msft["end"] - msft["start"]).dt.days > 350)
    ]
    assert raw["accn"].nunique() >= 2
    row = sec.annual_series(msft, "capex").loc["2023-06-30"]
    assert row["filed"] == raw["filed"].max()


def test_latest_vintage_replaces_a_restated_value() -> None:
    def fact(val: float, filed: str, accn: str) -> dict[str, object]:
        return {
            "start": "2023-01-01",
            "end": "2023-12-31",
            "val": val,
            "fy": 2023,
            "fp": "FY",
            "form": "10-K",
            "filed": filed,
            "accn": accn,
        }

    doc = {
        "cik": 7,
        "facts": {
            "us-gaap": {
                "Revenues": {
                    "units": {
                        "USD": [
                            fact(100.0, "2024-02-01", "a-1"),
                            fact(90.0, "2025-02-01", "a-2"),
                            fact(95.0, "2024-06-01", "a-3"),
                        ]
                    }
                }
            }
        },
    }
    row = sec.annual_series(sec.parse_companyfacts(doc), "revenue").iloc[0]
    assert (row["value"], row["accn"]) == (90.0, "a-2")


def test_nvda_capex_tag_switch() -> None:
    # PROVENANCE.md §10: NVDA moved capex from PaymentsToAcquirePropertyPlantAndEquipment to
    # PaymentsToAcquireProductiveAssets. NVIDIA's FY2025 10-K reports purchases of PP&E and
    # intangible assets of USD 3,236 m; FY2012 (year to 2012-01-29) USD 138.7 m.
    capex = sec.annual_series(_facts("NVDA"), "capex")
    early, late = capex.loc["2012-01-29"], capex.loc["2025-01-26"]
    assert early["tag"] == "PaymentsToAcquirePropertyPlantAndEquipment"
    assert early["value"] == 138_735_000.0
    assert early["fiscal_year"] == 2012
    assert late["tag"] == "PaymentsToAcquireProductiveAssets"
    assert late["value"] == 3_236_000_000.0
    assert late["fiscal_year"] == 2025
    assert set(capex["tag"]) == set(sec.TAG_CHAINS["capex"])


def test_googl_revenue_tag_switch() -> None:
    # PROVENANCE.md §10: GOOGL revenue sits under Revenues in some years and under
    # RevenueFromContractWithCustomerExcludingAssessedTax in others. Published totals:
    # 2021 USD 257,637 m, 2022 USD 282,836 m, 2024 USD 350,018 m.
    revenue = sec.annual_series(_facts("GOOGL"), "revenue")
    assert revenue.loc["2021-12-31", "value"] == 257_637_000_000.0
    assert revenue.loc["2022-12-31", "tag"] == "RevenueFromContractWithCustomerExcludingAssessedTax"
    assert revenue.loc["2022-12-31", "value"] == 282_836_000_000.0
    assert revenue.loc["2024-12-31", "tag"] == "Revenues"
    assert revenue.loc["2024-12-31", "value"] == 350_018_000_000.0


def test_googl_ppe_net_moves_to_the_finance_lease_tag() -> None:
    # PROVENANCE.md §10: GOOGL PP&E net moved to the ...AndFinanceLeaseRightOfUseAsset... tag in
    # 2024; the chain keeps the plain tag while it exists and falls back afterwards.
    ppe = sec.annual_series(_facts("GOOGL"), "ppe_net")
    assert ppe.loc["2024-12-31", "tag"] == "PropertyPlantAndEquipmentNet"
    assert ppe.loc["2025-12-31", "tag"].startswith("PropertyPlantAndEquipmentAndFinanceLease")
    assert ppe["start"].isna().all()


@pytest.mark.parametrize("item", sorted(sec.TAG_CHAINS))
def test_every_item_resolves_for_msft(msft: pd.DataFrame, item: str) -> None:
    series = sec.annual_series(msft, item)
    assert len(series) >= 10
    assert set(series["tag"]) <= set(sec.TAG_CHAINS[item])
    assert series["value"].notna().all()


def test_unknown_item_and_custom_chain(msft: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="unknown fundamentals item 'capx'"):
        sec.annual_series(msft, "capx")
    rnd = sec.annual_series(msft, "rnd", tags=["ResearchAndDevelopmentExpense"])
    assert rnd.loc["2025-06-30", "tag"] == "ResearchAndDevelopmentExpense"
    assert sec.annual_series(msft, "none", tags=["NoSuchTag"]).empty


# --- live fetch (respx: no network) ------------------------------------------------------------


@respx.mock
def test_fetch_companyfacts_by_ticker(no_sleep: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_SEC_USER_AGENT", "Jane Doe jane@example.org")
    respx.get(TICKERS_URL).mock(
        return_value=httpx.Response(
            200, text=(FIXTURES / "company_tickers_trimmed.json").read_text()
        )
    )
    route = respx.get(MSFT_URL).mock(
        return_value=httpx.Response(
            200, text=(FIXTURES / "companyfacts_CIK0000789019_trimmed.json").read_text()
        )
    )
    facts = sec.fetch_companyfacts("msft")
    assert route.calls.last.request.headers["User-Agent"] == "Jane Doe jane@example.org"
    assert facts["ticker"].unique().tolist() == ["MSFT"]
    capex = sec.annual_series(facts, "capex")
    assert capex.loc["2025-06-30", "value"] == 64_551_000_000.0


@respx.mock
def test_fetch_retries_a_503(no_sleep: None) -> None:
    body = (FIXTURES / "companyfacts_CIK0000789019_trimmed.json").read_text()
    route = respx.get(MSFT_URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, text=body)]
    )
    facts = sec.fetch_companyfacts("CIK0000789019")
    assert route.call_count == 2
    assert facts["ticker"].iloc[0] == "CIK0000789019"


@respx.mock
def test_fetch_timeout_is_a_source_error_naming_the_cik(no_sleep: None) -> None:
    respx.get(MSFT_URL).mock(side_effect=httpx.ConnectTimeout("no route"))
    with pytest.raises(SourceError, match=r"SEC companyfacts for CIK0000789019 .* timed out"):
        sec.fetch_companyfacts(789019, retries=2)


@respx.mock
def test_fetch_unknown_ticker(no_sleep: None) -> None:
    respx.get(TICKERS_URL).mock(
        return_value=httpx.Response(
            200, text=(FIXTURES / "company_tickers_trimmed.json").read_text()
        )
    )
    with pytest.raises(UnknownSymbolError, match="SEC lists no company with ticker 'ZZZZ'"):
        sec.fetch_companyfacts("ZZZZ")


@respx.mock
def test_fetch_foreign_payload(no_sleep: None) -> None:
    respx.get(MSFT_URL).mock(return_value=httpx.Response(200, json={"error": "rate"}))
    with pytest.raises(SourceError, match="CIK0000789019 .* unexpected payload"):
        sec.fetch_companyfacts("789019")


def test_a_filer_without_facts_gives_an_empty_series() -> None:
    facts = sec.parse_companyfacts({"cik": 1, "facts": {}})
    assert facts.empty
    series = sec.annual_series(facts, "capex")
    assert series.empty
    assert series.index.name == "period_end"
    assert list(series.columns)[:4] == ["fiscal_year", "start", "value", "tag"]
