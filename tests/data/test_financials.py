"""Firm financials: balance sheets recomputed from the raw SEC files, and bad filings.

The recomputations read the SEC companyfacts JSON (tests/results/trimmed/sec_xbrl: SEC's
documents cut to the concepts bubblescope reads, values unchanged) and the inline-XBRL facts file
with plain ``json``/``csv`` code, independent of bubblescope's parsers, and compare with
:func:`bubblescope.data.financials.firm_financials` on the shipped data (exact to the dollar:
both are the filed integers).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import pandas as pd
import pytest

from bubblescope.data.financials import (
    FINANCIAL_ITEMS,
    FiledValue,
    MissingValue,
    SourcedValue,
    check_units,
    financials_from_companyfacts,
    financials_from_fundamentals,
    firm_financials,
    lab_financials,
)
from bubblescope.data.sec import parse_companyfacts
from bubblescope.errors import DataError, UnitError
from tests.reference import TRIMMED

SEC_DIR = TRIMMED / "sec_xbrl"
JSON = {
    "MSFT": "MSFT_companyfacts_CIK0000789019_trimmed.json.gz",
    "NVDA": "NVDA_companyfacts_CIK0001045810_trimmed.json.gz",
    "GOOGL": "GOOGL_companyfacts_CIK0001652044_trimmed.json.gz",
}
IXBRL = SEC_DIR / "ixbrl_10k_facts_AMZN_META_GOOGL_NVDA_ORCL.csv.gz"
NAMES = {
    "MSFT": "Microsoft",
    "NVDA": "Nvidia",
    "GOOGL": "Alphabet",
    "AMZN": "Amazon",
    "META": "Meta",
    "ORCL": "Oracle",
}


# --- independent readers of the raw files --------------------------------------------------------


def _raw(ticker: str) -> dict[str, Any]:
    with gzip.open(SEC_DIR / JSON[ticker], "rt", encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


def _instant(doc: dict[str, Any], concept: str, end: str) -> float:
    """The one USD value of an instant concept at ``end`` in 10-K/10-Q filings (all agree)."""
    facts = doc["facts"]["us-gaap"].get(concept, {}).get("units", {}).get("USD", [])
    vals = {
        f["val"]
        for f in facts
        if f["end"] == end and "start" not in f and f["form"] in ("10-K", "10-Q")
    }
    assert len(vals) <= 1, f"{concept} at {end}: {vals}"
    return float(vals.pop()) if vals else 0.0


def _annual_flow(doc: dict[str, Any], concept: str, end: str) -> float:
    """The latest-filed 10-K value of a flow over the fiscal year ending ``end``."""
    facts = [
        f
        for f in doc["facts"]["us-gaap"][concept]["units"]["USD"]
        if f["end"] == end and f["form"] == "10-K" and f.get("fp") == "FY"
    ]
    facts = [f for f in facts if (pd.Timestamp(f["end"]) - pd.Timestamp(f["start"])).days > 350]
    return float(max(facts, key=lambda f: (f["filed"], f["accn"]))["val"])


def _ixbrl(company: str, concept: str, end: str) -> float:
    """A dimensionless instant fact of the inline-XBRL file (one value per date)."""
    with gzip.open(IXBRL, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    vals = {
        float(r["value"])
        for r in rows
        if r["company"] == company
        and r["concept"] == f"us-gaap:{concept}"
        and r["period_end"] == end
        and r["instant"] in ("True", "true", "1")
    }
    assert len(vals) == 1, f"{company} {concept} at {end}: {vals}"
    return vals.pop()


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    return firm_financials([(n, t) for t, n in NAMES.items()])


def _filed(shipped: dict[str, Any], ticker: str, item: str, end: str) -> float:
    v = shipped[NAMES[ticker]].get(item)
    assert isinstance(v, FiledValue), v
    assert v.end == end
    return float(v.value_usd_bn) * 1e9


# --- recomputed from the raw SEC files -----------------------------------------------------------


def test_microsoft_balance_sheet_at_its_latest_10q(shipped: dict[str, Any]) -> None:
    """Microsoft's 10-Q for the quarter to 2025-12-31 (FY2026 Q2): cash and equivalents plus
    short-term investments; long-term debt plus its current portion; lease liabilities; RPO."""
    doc, end = _raw("MSFT"), "2025-12-31"
    cash = _instant(doc, "CashAndCashEquivalentsAtCarryingValue", end) + _instant(
        doc, "ShortTermInvestments", end
    )
    assert _filed(shipped, "MSFT", "cash_and_securities", end) == cash == 89_462e6
    debt = (
        _instant(doc, "LongTermDebtNoncurrent", end)
        + _instant(doc, "LongTermDebtCurrent", end)
        + _instant(doc, "CommercialPaper", end)
    )
    assert _filed(shipped, "MSFT", "debt", end) == pytest.approx(debt, abs=0.5)
    for item, concept in (
        ("stockholders_equity", "StockholdersEquity"),
        ("operating_lease_liability", "OperatingLeaseLiability"),
        ("finance_lease_liability", "FinanceLeaseLiability"),
        ("remaining_performance_obligations", "RevenueRemainingPerformanceObligation"),
    ):
        assert _filed(shipped, "MSFT", item, end) == _instant(doc, concept, end)
    msft = shipped["Microsoft"]
    assert msft.get("cash_and_securities").accn == "0001193125-26-027207"
    assert msft.get("cash_and_securities").form == "10-Q"


def test_microsoft_free_cash_flow_is_its_10k_cash_flow_less_capex(shipped: dict[str, Any]) -> None:
    doc, end = _raw("MSFT"), "2025-06-30"
    ocf = _annual_flow(doc, "NetCashProvidedByUsedInOperatingActivities", end)
    capex = _annual_flow(doc, "PaymentsToAcquirePropertyPlantAndEquipment", end)
    assert _filed(shipped, "MSFT", "operating_cash_flow", end) == ocf
    assert _filed(shipped, "MSFT", "capex", end) == capex
    assert _filed(shipped, "MSFT", "free_cash_flow", end) == pytest.approx(ocf - capex, abs=0.5)
    assert shipped["Microsoft"].get("free_cash_flow").period == "FY2025"


def test_alphabet_nvidia_amazon_meta_oracle_recomputed(shipped: dict[str, Any]) -> None:
    """Alphabet's FY2025 10-K, NVIDIA's 10-Q to 2026-04-26, Amazon's and Meta's FY2024 10-Ks,
    Oracle's 10-Q to 2024-08-31 (the only Oracle filing in the shared data)."""
    g, end = _raw("GOOGL"), "2025-12-31"
    assert _filed(shipped, "GOOGL", "cash_and_securities", end) == _instant(
        g, "CashCashEquivalentsAndShortTermInvestments", end
    )
    assert _filed(shipped, "GOOGL", "remaining_performance_obligations", end) == _instant(
        g, "RevenueRemainingPerformanceObligation", end
    )
    g_debt = sum(
        _instant(g, c, end)
        for c in ("LongTermDebtNoncurrent", "LongTermDebtCurrent", "CommercialPaper")
    )
    assert _filed(shipped, "GOOGL", "debt", end) == pytest.approx(g_debt, abs=0.5)
    n, n_end = _raw("NVDA"), "2026-04-26"
    n_debt = _instant(n, "LongTermDebtNoncurrent", n_end) + _instant(
        n, "LongTermDebtCurrent", n_end
    )
    assert _filed(shipped, "NVDA", "debt", n_end) == pytest.approx(n_debt, abs=0.5)
    assert _filed(shipped, "NVDA", "operating_lease_liability", n_end) == _instant(
        n, "OperatingLeaseLiability", n_end
    )
    a_end = "2024-12-31"
    a_cash = _ixbrl("AMZN", "CashAndCashEquivalentsAtCarryingValue", a_end) + _ixbrl(
        "AMZN", "MarketableSecuritiesCurrent", a_end
    )
    assert _filed(shipped, "AMZN", "cash_and_securities", a_end) == pytest.approx(a_cash, abs=0.5)
    assert _filed(shipped, "AMZN", "operating_lease_liability", a_end) == _ixbrl(
        "AMZN", "OperatingLeaseLiability", a_end
    )
    assert _filed(shipped, "META", "finance_lease_liability", a_end) == _ixbrl(
        "META", "FinanceLeaseLiability", a_end
    )
    # Oracle's RPO in its filing (USD 99.1 bn at 2024-08-31) is older than the sourced
    # USD 455 bn at 2025-08-31 (fact CIR-02), which therefore wins, labelled as a fact.
    assert _ixbrl("ORCL", "RevenueRemainingPerformanceObligation", "2024-08-31") == 99.1e9
    rpo = shipped["Oracle"].get("remaining_performance_obligations")
    assert isinstance(rpo, SourcedValue)
    assert (rpo.fact_id, rpo.value_usd_bn) == ("CIR-02", 455.0)
    # Oracle tags its debt as notes: non-current notes and loans plus current notes payable
    o_end = "2024-08-31"
    o_debt = _ixbrl("ORCL", "LongTermNotesAndLoans", o_end) + _ixbrl(
        "ORCL", "NotesPayableCurrent", o_end
    )
    assert _filed(shipped, "ORCL", "debt", o_end) == pytest.approx(o_debt, abs=0.5)
    o_cash = _ixbrl("ORCL", "CashAndCashEquivalentsAtCarryingValue", o_end) + _ixbrl(
        "ORCL", "AvailableForSaleSecuritiesDebtSecuritiesCurrent", o_end
    )
    assert _filed(shipped, "ORCL", "cash_and_securities", o_end) == pytest.approx(o_cash, abs=0.5)


def test_alphabet_leases_not_yet_commenced_come_from_its_extension_tags() -> None:
    """Alphabet tags leases signed but not commenced with its own concepts (goog:), which
    companyfacts omits; the inline-XBRL 10-K gives USD 0.773 + 6.5 bn at 2024-12-31."""
    from bubblescope.data.bundled import load_fundamentals

    rows = load_fundamentals("GOOGL")
    row = rows[(rows["item"] == "leases_not_commenced") & (rows["period"] == "FY")].iloc[0]
    assert row["value"] == pytest.approx(0.773e9 + 6.5e9)
    assert row["form"] == "10-K"


# --- private labs and gaps -----------------------------------------------------------------------


def test_private_labs_come_from_graded_facts() -> None:
    from bubblescope.data.facts import load_factbase

    fb = load_factbase()
    oai = lab_financials("OpenAI", fb)
    rev = oai.get("revenue")
    assert isinstance(rev, SourcedValue)
    assert rev.value_usd_bn == fb.value("OAI-06")
    assert rev.grade == fb.get("OAI-06").grade
    assert isinstance(oai.get("cash_burn"), MissingValue)
    for lab in ("Anthropic", "xAI"):
        items = lab_financials(lab, fb)
        assert any(isinstance(v, SourcedValue) for v in items.values)
        for v in items.values:
            if isinstance(v, SourcedValue):
                assert v.source_ref.startswith("http")


def test_a_listed_firm_without_filings_is_missing_never_zero() -> None:
    got = firm_financials([("CoreWeave", "CRWV")])["CoreWeave"]
    assert [v.item for v in got.values] == list(FINANCIAL_ITEMS)
    assert all(isinstance(v, MissingValue) for v in got.values)
    assert got.liquid_assets is None
    with pytest.raises(DataError, match="CoreWeave: cash_and_securities"):
        got.require("cash_and_securities")


# --- bad filings ---------------------------------------------------------------------------------


def _fact(
    end: str, val: float, *, form: str = "10-K", filed: str = "2025-02-01", start: str = ""
) -> dict[str, Any]:
    f: dict[str, Any] = {
        "end": end,
        "val": val,
        "accn": f"acc-{filed}",
        "fy": 2024,
        "fp": "FY" if form.startswith("10-K") else "Q3",
        "form": form,
        "filed": filed,
    }
    if start:
        f["start"] = start
    return f


def _doc(concepts: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    return {"cik": 1, "facts": {"us-gaap": {c: {"units": u} for c, u in concepts.items()}}}


def _year(cash: list[dict[str, Any]], unit: str = "USD") -> dict[str, Any]:
    return _doc(
        {
            "CashCashEquivalentsAndShortTermInvestments": {unit: cash},
            "NetCashProvidedByUsedInOperatingActivities": {
                "USD": [_fact("2024-12-31", 50e9, start="2024-01-01")]
            },
        }
    )


def test_a_missing_tag_is_a_labelled_gap_that_require_refuses() -> None:
    doc = _year([_fact("2024-12-31", 10e9)])
    got = financials_from_companyfacts(parse_companyfacts(doc, ticker="TEST"), name="Test")
    assert got.value("cash_and_securities") == 10.0
    rpo = got.get("remaining_performance_obligations")
    assert isinstance(rpo, MissingValue)
    assert "RevenueRemainingPerformanceObligation" in rpo.reason
    assert got.value("remaining_performance_obligations") is None
    fcf = got.get("free_cash_flow")
    assert isinstance(fcf, MissingValue)
    assert "capex" in fcf.reason
    with pytest.raises(DataError, match="remaining_performance_obligations"):
        got.require("remaining_performance_obligations")


def test_a_filing_in_another_currency_is_a_unit_error() -> None:
    doc = _year([_fact("2024-12-31", 4.0e12)], unit="JPY")
    with pytest.raises(UnitError, match="JPY"):
        financials_from_companyfacts(parse_companyfacts(doc, ticker="9984"))


def test_a_money_item_tagged_in_shares_is_a_unit_error() -> None:
    doc = _year([_fact("2024-12-31", 1.0e9)], unit="shares")
    with pytest.raises(UnitError, match="tagged in shares"):
        check_units(parse_companyfacts(doc, ticker="TEST"))


def test_a_fundamentals_row_in_another_unit_is_a_unit_error() -> None:
    from bubblescope.data.bundled import load_fundamentals

    frame = load_fundamentals("MSFT").copy()
    frame.loc[frame["item"] == "debt", "unit"] = "EUR"
    with pytest.raises(UnitError, match="MSFT: debt"):
        financials_from_fundamentals(frame, "MSFT")


def test_a_restated_balance_keeps_the_last_filing_and_shows_the_first() -> None:
    """The 10-K reports cash of 10 bn at 2024-12-31; a 10-K/A restates it to 9 bn."""
    doc = _year([_fact("2024-12-31", 10e9), _fact("2024-12-31", 9e9, filed="2025-05-01")])
    doc["facts"]["us-gaap"]["CashCashEquivalentsAndShortTermInvestments"]["units"]["USD"][1][
        "form"
    ] = "10-K/A"
    got = financials_from_companyfacts(parse_companyfacts(doc, ticker="TEST"))
    cash = got.get("cash_and_securities")
    assert isinstance(cash, FiledValue)
    assert cash.value_usd_bn == 9.0
    assert cash.restated_from_usd_bn == 10.0
    assert cash.filed == "2025-05-01"
    assert cash.to_dict()["restated"] is True


def test_records_are_strict_json(shipped: dict[str, Any]) -> None:
    text = json.dumps([r for f in shipped.values() for r in f.records()], allow_nan=False)
    assert "Microsoft" in text


def test_filings_in_the_store_win_over_the_shipped_ones(store_home: object) -> None:
    """`data update` / `data fetch --source sec` put a fundamentals table in the store; the
    reader prefers it (imported data wins over shipped data), value by value with its filing."""
    from bubblescope.data.fundamentals import fundamentals_from_companyfacts
    from bubblescope.data.store import import_frame

    doc = _year([_fact("2024-12-31", 12e9)])
    table = fundamentals_from_companyfacts(parse_companyfacts(doc, ticker="CRWV"), source="live")
    import_frame(table, "fundamentals", symbol="CRWV")
    got = firm_financials([("CoreWeave", "CRWV")])["CoreWeave"]
    cash = got.get("cash_and_securities")
    assert isinstance(cash, FiledValue)
    assert cash.value_usd_bn == 12.0
    assert cash.source == "live"
    assert isinstance(got.get("debt"), MissingValue)


def test_committed_funding_of_a_lab_sums_its_binding_equity_deals() -> None:
    """OpenAI's committed funding, recomputed from deals.csv with the csv module: the binding
    (not lapsed, LOI or term-sheet) equity and loan deals paid to OpenAI, in USD bn."""
    from importlib import resources

    text = resources.files("bubblescope.data").joinpath("factbase/deals.csv").read_text("utf-8")
    rows = [
        r
        for r in csv.DictReader(io.StringIO(text))
        if r["payee"] == "OpenAI"
        and r["type"] in ("equity_investment", "loan")
        and r["status"] not in ("lapsed", "loi", "term_sheet")
    ]
    got = lab_financials("OpenAI").get("committed_funding")
    assert isinstance(got, SourcedValue)
    assert got.value_usd_bn == pytest.approx(sum(float(r["amount"]) for r in rows))
    assert got.fact_id == "+".join(r["id"] for r in rows)
    assert got.label.startswith("deals ")
    assert isinstance(lab_financials("xAI").get("committed_funding"), MissingValue)


def test_a_table_read_again_is_remembered_and_any_change_is_read_afresh() -> None:
    from bubblescope.data import financials as fin
    from bubblescope.data.bundled import load_fundamentals

    frame = load_fundamentals("MSFT")
    first = financials_from_fundamentals(frame, "MSFT", name="Microsoft")
    again = financials_from_fundamentals(load_fundamentals("MSFT"), "MSFT", name="Microsoft")
    assert again is first  # the same content: read once
    assert first == fin._financials(frame, "MSFT", "Microsoft")  # what a fresh read gives
    assert financials_from_fundamentals(frame, "MSFT").name == "MSFT"  # the name is in the key
    changed = frame.copy()
    cash = changed.index[changed["item"] == "cash_and_securities"]
    changed.loc[cash, "value"] *= 2.0
    doubled = financials_from_fundamentals(changed, "MSFT", name="Microsoft")
    assert doubled == fin._financials(changed, "MSFT", "Microsoft")
    assert doubled.value("cash_and_securities") == 2.0 * first.value("cash_and_securities")
    changed.loc[changed["item"] == "debt", "unit"] = "EUR"
    for _ in range(2):  # an error is raised each time, never remembered
        with pytest.raises(UnitError, match="MSFT: debt"):
            financials_from_fundamentals(changed, "MSFT")
    for k in range(fin._READ_SIZE + 5):  # the memory stays bounded
        financials_from_fundamentals(frame, "MSFT", name=f"firm {k}")
    assert len(fin._READ) <= fin._READ_SIZE
