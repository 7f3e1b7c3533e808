"""``data update`` for the network firms without shipped filings: AMD, Broadcom, CoreWeave, Nebius.

SEC is replayed with respx from small companyfacts documents in SEC's JSON layout
(``fixtures/sec/*_synthetic.json``: the filers' CIKs, calendars, forms and concepts with made-up
values; see the fixtures README). Each value the financials reader returns after the update is
recomputed from the raw JSON with plain ``json`` code, independent of bubblescope's parsers:
a balance-sheet item at the latest period end any annual or quarterly report gives (the annual
report's value where one reports that date), its parts summed; a cash flow from the latest annual
report; the period named by SEC's own ``fy``/``fp`` fields of that fact.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from bubblescope.data import store
from bubblescope.data.financials import (
    FiledValue,
    MissingValue,
    check_units,
    financials_from_companyfacts,
    firm_financials,
)
from bubblescope.data.sec import parse_companyfacts
from bubblescope.data.universe import SEC_CIK
from bubblescope.data.update import update_universe
from bubblescope.errors import UnitError

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
SEC_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
#: ticker -> the network's name of the firm
FIRMS = {"AMD": "AMD", "AVGO": "Broadcom", "CRWV": "CoreWeave", "NBIS": "Nebius"}
FORMS = ("10-K", "10-Q", "20-F")
ANNUAL = ("10-K", "20-F")

_CASH = ("CashAndCashEquivalentsAtCarryingValue",)
_DEBT = ("LongTermDebtNoncurrent", "LongTermDebtCurrent")
_OP_LEASES = ("OperatingLeaseLiabilityCurrent", "OperatingLeaseLiabilityNoncurrent")
_RPO = ("RevenueRemainingPerformanceObligation",)
_EQUITY = ("StockholdersEquity",)
_OCF = ("NetCashProvidedByUsedInOperatingActivities",)
_CAPEX = ("PaymentsToAcquirePropertyPlantAndEquipment",)
#: ticker -> item -> the concepts the fixture reports for it (summed)
PARTS: dict[str, dict[str, tuple[str, ...]]] = {
    "AMD": {
        "cash_and_securities": (*_CASH, "ShortTermInvestments"),
        "debt": _DEBT,
        "operating_lease_liability": _OP_LEASES,
        "remaining_performance_obligations": _RPO,
        "stockholders_equity": _EQUITY,
        "operating_cash_flow": _OCF,
        "capex": _CAPEX,
    },
    "AVGO": {
        "cash_and_securities": _CASH,
        "debt": _DEBT,
        "operating_lease_liability": ("OperatingLeaseLiability",),
        "remaining_performance_obligations": _RPO,
        "stockholders_equity": _EQUITY,
        "operating_cash_flow": _OCF,
        "capex": _CAPEX,
    },
    "CRWV": {
        "cash_and_securities": (*_CASH, "MarketableSecuritiesCurrent"),
        "debt": _DEBT,
        "operating_lease_liability": _OP_LEASES,
        "finance_lease_liability": (
            "FinanceLeaseLiabilityCurrent",
            "FinanceLeaseLiabilityNoncurrent",
        ),
        "remaining_performance_obligations": _RPO,
        "stockholders_equity": _EQUITY,
        "operating_cash_flow": _OCF,
        "capex": _CAPEX,
    },
    "NBIS": {
        "cash_and_securities": (*_CASH, "ShortTermInvestments"),
        "debt": ("LongTermDebtNoncurrent",),
        "operating_lease_liability": _OP_LEASES,
        "stockholders_equity": _EQUITY,
        "operating_cash_flow": _OCF,
        "capex": _CAPEX,
    },
}
FLOWS = ("operating_cash_flow", "capex")
#: ticker -> items the fixture does not report: labelled gaps, and the tag each names
GAPS = {
    "AMD": {"leases_not_commenced": "LesseeLeaseNotYetCommencedCurrentAmount"},
    "AVGO": {"finance_lease_liability": "FinanceLeaseLiability"},
    "CRWV": {"leases_not_commenced": "LesseeLeaseNotYetCommencedCurrentAmount"},
    "NBIS": {"remaining_performance_obligations": "RevenueRemainingPerformanceObligation"},
}


def _doc(ticker: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (FIXTURES / f"companyfacts_CIK{SEC_CIK[ticker]:010d}_synthetic.json").read_text()
    )
    return doc


def _facts(doc: dict[str, Any], concept: str, taxonomy: str = "us-gaap") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = doc["facts"][taxonomy][concept]["units"]["USD"]
    return [f for f in rows if f["form"] in FORMS]


def _expected(doc: dict[str, Any], item: str, concepts: tuple[str, ...], taxonomy: str) -> Any:
    """(value USD, form, period label, end, accn) recomputed from the raw JSON."""
    parts = [_facts(doc, c, taxonomy) for c in concepts]
    if item in FLOWS:
        annual = [f for f in parts[0] if f["form"] in ANNUAL and f["fp"] == "FY"]
        last = max(annual, key=lambda f: f["end"])
        same = ("start", "end", "accn")
        value = sum(
            next(f["val"] for f in p if all(f.get(k) == last[k] for k in same)) for p in parts
        )
        return value, last["form"], f"FY{last['fy']}", last["end"], last["accn"]
    end = min(max(f["end"] for f in p) for p in parts)
    at_end = [f for f in parts[0] if f["end"] == end]
    annual = [f for f in at_end if f["form"] in ANNUAL]
    chosen = annual[0] if annual else min(at_end, key=lambda f: f["filed"])
    value = sum(
        next(f["val"] for f in p if f["end"] == end and f["accn"] == chosen["accn"]) for p in parts
    )
    period = f"FY{chosen['fy']}" if chosen["fp"] == "FY" else f"FY{chosen['fy']} {chosen['fp']}"
    return value, chosen["form"], period, end, chosen["accn"]


def _mock_sec(mock: respx.MockRouter, docs: dict[str, dict[str, Any]] | None = None) -> None:
    for ticker in FIRMS:
        body = (docs or {}).get(ticker) or _doc(ticker)
        mock.get(SEC_URL.format(cik=SEC_CIK[ticker])).mock(
            return_value=httpx.Response(200, json=body)
        )


def _update() -> Any:
    with respx.mock(assert_all_called=True) as mock:
        _mock_sec(mock)
        return update_universe(list(FIRMS), sources=("fundamentals",))


def test_the_four_firms_have_their_sec_ciks() -> None:
    """The CIKs in the EDGAR paths of each filer's own reports (see universe.SEC_CIK)."""
    assert {t: SEC_CIK[t] for t in FIRMS} == {
        "AMD": 2488,
        "AVGO": 1730168,
        "CRWV": 1769628,
        "NBIS": 1513845,
    }
    for ticker in FIRMS:
        assert _doc(ticker)["cik"] == SEC_CIK[ticker]


def test_update_fetches_and_stores_their_companyfacts(store_home: Path) -> None:
    result = _update()
    assert [(e.symbol, e.dataset, e.ok) for e in result.entries] == [
        (t, "fundamentals", True) for t in FIRMS
    ]
    assert [e.source for e in result.entries] == [f"sec CIK{SEC_CIK[t]:010d}" for t in FIRMS]
    assert store.list_symbols("fundamentals") == sorted(FIRMS)
    for entry in result.entries:
        table = store.load_dataset("fundamentals", entry.symbol)
        assert entry.rows == len(table) > 0
        assert entry.new_rows == entry.rows  # nothing shipped for them before
        assert set(table["source"]) == {SEC_URL.format(cik=SEC_CIK[entry.symbol])}
        assert set(table["unit"]) <= {"USD", "shares"}


@pytest.mark.parametrize("ticker", list(FIRMS))
def test_each_stored_value_carries_its_filing(store_home: Path, ticker: str) -> None:
    _update()
    name = FIRMS[ticker]
    firm = firm_financials([(name, ticker)])[name]
    doc = _doc(ticker)
    for item, concepts in PARTS[ticker].items():
        value, form, period, end, accn = _expected(doc, item, concepts, "us-gaap")
        got = firm.get(item)
        assert isinstance(got, FiledValue), (item, got)
        assert got.value_usd_bn == pytest.approx(value / 1e9, rel=1e-12), item
        assert (got.form, got.period, got.end, got.accn) == (form, period, end, accn), item
        assert got.tag == "+".join(concepts), item
    for item, tag in GAPS[ticker].items():
        gap = firm.get(item)
        assert isinstance(gap, MissingValue), (item, gap)
        assert tag in gap.reason
        assert firm.value(item) is None  # never 0


def test_nebius_20f_in_usd_keeps_its_yandex_rub_years_out() -> None:
    """The RUB facts of the FY2022 20-F are older than the USD ones: they pass the unit check
    and are never converted or summed; the 20-F's USD values are the ones read."""
    doc = _doc("NBIS")
    rub = doc["facts"]["us-gaap"]["CashAndCashEquivalentsAtCarryingValue"]["units"]["RUB"]
    assert [f["end"] for f in rub] == ["2022-12-31"]
    facts = parse_companyfacts(doc, ticker="NBIS")
    check_units(facts)
    firm = financials_from_companyfacts(facts, name="Nebius")
    cash = firm.get("cash_and_securities")
    assert isinstance(cash, FiledValue)
    assert (cash.form, cash.end) == ("20-F", "2025-12-31")
    assert cash.value_usd_bn * 1e9 != pytest.approx(rub[0]["val"])


def test_a_filing_in_another_currency_fails_its_step(store_home: Path) -> None:
    """Nebius's companyfacts with its latest cash in EUR: a unit error naming the currency and
    the filing, nothing stored for Nebius, the other firms go on."""
    doc = _doc("NBIS")
    cash = doc["facts"]["us-gaap"]["CashAndCashEquivalentsAtCarryingValue"]["units"]
    latest = copy.deepcopy(max(cash["USD"], key=lambda f: f["end"]))
    cash["EUR"] = [{**latest, "end": "2026-06-30", "accn": "0001104659-26-070001"}]
    with pytest.raises(UnitError, match="reported in EUR"):
        check_units(parse_companyfacts(doc, ticker="NBIS"))
    with respx.mock(assert_all_called=True) as mock:
        _mock_sec(mock, {"NBIS": doc})
        result = update_universe(list(FIRMS), sources=("fundamentals",))
    failed = {e.symbol: e.error for e in result.failed}
    assert list(failed) == ["NBIS"]
    assert "cash_and_securities (CashAndCashEquivalentsAtCarryingValue" in failed["NBIS"]
    assert "2026-06-30" in failed["NBIS"]
    assert "0001104659-26-070001" in failed["NBIS"]
    assert store.list_symbols("fundamentals") == ["AMD", "AVGO", "CRWV"]
    nebius = firm_financials([("Nebius", "NBIS")])["Nebius"]
    assert all(isinstance(v, MissingValue) for v in nebius.values)


def test_an_ifrs_full_20f_is_read_from_its_ifrs_concepts() -> None:
    """A 20-F under ifrs-full: cash + current investments, borrowings, IFRS 16 lease
    liabilities (read as finance leases; the operating-lease item is a labelled gap), operating
    cash flow and purchases of property, plant and equipment."""
    doc = json.loads((FIXTURES / "companyfacts_ifrs_full_20F_synthetic.json").read_text())
    firm = financials_from_companyfacts(parse_companyfacts(doc, ticker="IFRS"))
    parts = {
        "cash_and_securities": ("CashAndCashEquivalents", "CurrentInvestments"),
        "debt": (
            "NoncurrentPortionOfNoncurrentBorrowings",
            "CurrentBorrowingsAndCurrentPortionOfNoncurrentBorrowings",
        ),
        "finance_lease_liability": ("LeaseLiabilities",),
        "stockholders_equity": ("EquityAttributableToOwnersOfParent",),
        "operating_cash_flow": ("CashFlowsFromUsedInOperatingActivities",),
        "capex": ("PurchaseOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities",),
    }
    for item, concepts in parts.items():
        value, form, period, end, accn = _expected(doc, item, concepts, "ifrs-full")
        got = firm.get(item)
        assert isinstance(got, FiledValue), (item, got)
        assert got.value_usd_bn == pytest.approx(value / 1e9, rel=1e-12), item
        assert (got.form, got.period, got.end, got.accn) == (form, period, end, accn), item
    fcf = firm.get("free_cash_flow")
    assert isinstance(fcf, FiledValue)
    assert fcf.value_usd_bn == pytest.approx(1.3 - 0.9)
    gap = firm.get("operating_lease_liability")
    assert isinstance(gap, MissingValue)
    assert "OperatingLeaseLiability" in gap.reason


def test_an_ifrs_filer_in_euro_is_a_unit_error() -> None:
    doc = json.loads((FIXTURES / "companyfacts_ifrs_full_20F_synthetic.json").read_text())
    for concept in doc["facts"]["ifrs-full"].values():
        concept["units"] = {"EUR": concept["units"]["USD"]}
    with pytest.raises(UnitError, match="is reported in EUR, not USD"):
        financials_from_companyfacts(parse_companyfacts(doc, ticker="IFRS"))


def test_the_firms_view_shows_the_fallback_offline_and_the_filings_once_fetched(
    store_home: Path,
) -> None:
    """Offline (empty store, nothing shipped): n/a naming `data update TICKER`; after the
    update: filed values, each linked to its EDGAR filing index under the firm's CIK."""
    from bubblescope.economy.firms.view import firms_view

    before = {f["name"]: f for f in firms_view().balance_sheets()}
    for ticker, name in FIRMS.items():
        fallback = before[name]["fallback"]
        assert f"`bubblescope data update {ticker} --no-prices` fetches it" in fallback
        assert f"CIK {SEC_CIK[ticker]}" in fallback
        assert all(v["value_usd_bn"] is None for v in before[name]["values"])
    _update()
    after = {f["name"]: f for f in firms_view().balance_sheets()}
    for ticker, name in FIRMS.items():
        sheet = after[name]
        assert sheet["fallback"] is None
        filed = [v for v in sheet["values"] if v["value_usd_bn"] is not None]
        assert len(filed) >= len(PARTS[ticker])
        for v in filed:
            accn = v["accn"].replace("-", "")
            urls = [link["url"] for link in v["links"]]
            assert f"https://www.sec.gov/Archives/edgar/data/{SEC_CIK[ticker]}/{accn}/" in urls
