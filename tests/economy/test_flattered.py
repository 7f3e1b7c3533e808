"""Who is flattered, firm by firm (issue 14, Deliver 5): Burry's per-firm figures and the P/E.

What is checked, and against what:

* the reproduction of DEP-02 (Oracle +26.9%) and DEP-03 (Meta +20.8%) within stated
  tolerances, and the five firms' understatement against Burry's $176B (DEP-01);
* the P/E at book and restated, recomputed by independent code from the raw shipped Parquet
  (pandas on the files, its own straight-line schedule), for the firms whose capex, earnings
  and shares are all filed (MSFT, GOOGL);
* properties: a longer economic life lowers the overstatement, more capex raises it;
* provenance and typed errors: filed capex carries its accession, a firm without capex or
  earnings is a DataError naming it;
* the rows copied from 10-Ks the shipped data lack: each names its accession and EDGAR URL,
  the figure its reason quotes from the filing is its value, and every row not read in its
  filing is listed by the result (summary and JSON), recounted from the YAML by PyYAML.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.economy.depreciation.flattered import (
    FIRMS,
    UNVERIFIED,
    FlatteredResult,
    flattered,
    overstatement,
)
from bubblescope.economy.depreciation.schedule import CapexVintages
from bubblescope.errors import DataError, InputError

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "bubblescope" / "data" / "shipped"
YAML = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "bubblescope"
    / "economy"
    / "assumptions"
    / "flattered.yaml"
)


@pytest.fixture(scope="module")
def result() -> FlatteredResult:
    return flattered()


def test_oracle_reproduces_dep02_within_two_points(result: FlatteredResult) -> None:
    """Oracle's 2026-28 overstatement is Burry's 26.9% to within 2 percentage points.

    Tolerance: Burry's capex and earnings paths are undisclosed (DEP-01 note); ours holds
    Oracle's FY2026 capex guide (CAP-05) flat and its FY2025 net income flat, and uses the
    economic life implied by the $176B aggregate. The model gives 25.9%.
    """
    orcl = result.firm("ORCL")
    assert orcl.published is not None
    assert orcl.published.source.startswith("DEP-02")
    assert abs(orcl.overstated * 100.0 - orcl.published.m_as("%")) < 2.0


def test_meta_reproduces_dep03_within_seven_points(result: FlatteredResult) -> None:
    """Meta's overstatement is 14.2% against Burry's 20.8%: within 7 points, and below it.

    The gap: on Meta's filed 2024 net income held flat (62.4 bn a year) and its 2026 guide
    held flat, an understatement of ~29 bn over 2026-28 is 14%; Burry's 20.8% needs either
    ~45 bn of understatement or lower earnings. No capex growth up to 20% a year closes it
    (checked below), so the gap is in his undisclosed earnings path or life, not our capex.
    """
    meta = result.firm("META")
    assert meta.published is not None
    published = meta.published.m_as("%")
    assert published - 7.0 < meta.overstated * 100.0 < published
    faster = flattered(assumptions={"capex_growth": 0.2}).firm("META")
    assert faster.overstated * 100.0 < published


def test_five_firms_add_up_to_burrys_176bn_within_ten_percent(result: FlatteredResult) -> None:
    """Each firm's filed capex path at the life behind $176B sums back to it within 10%.

    The life is solved on the DEP-14 round-number path; the firms' own paths (filings plus
    2026 guides held) differ from it, which is the gap (the model gives ~167 bn).
    """
    total = sum(float(f.understated.sum()) for f in result.firms)
    assert abs(total - 176.0) / 176.0 < 0.10


def _straight_line(capex: dict[int, float], life: float, year: int) -> float:
    """Independent half-year straight line: charge in [year, year+1) of every vintage."""
    out = 0.0
    for vintage, cost in capex.items():
        start, end = vintage + 0.5, vintage + 0.5 + life
        overlap = max(0.0, min(end, year + 1.0) - max(start, float(year)))
        out += cost / life * overlap
    return out


@pytest.mark.parametrize("ticker", FIRMS)
def test_pe_recomputed_from_the_raw_parquet(result: FlatteredResult, ticker: str) -> None:
    """P/E at book and restated from the shipped files read by pandas alone.

    Where the shipped filings lack a number (Oracle's annual capex and net income, Meta's
    share count and early capex) the test reads flattered.yaml's row with PyYAML.
    """
    rows = yaml.safe_load(YAML.read_text())
    key = ticker.lower()
    prices = pd.read_parquet(SHIPPED / "prices.parquet")
    closes = prices[prices["symbol"] == ticker].sort_values("date")
    close = float(closes["close"].iloc[-1])
    fund = pd.read_parquet(SHIPPED / "fundamentals.parquet")
    mine = fund[fund["symbol"] == ticker]
    shares = mine[mine["item"] == "shares_outstanding"].sort_values(["end", "filed"])
    n_shares = (
        float(shares["value"].iloc[-1]) if len(shares) else rows[f"shares_{key}"]["value"] * 1e9
    )
    annual = mine[mine["period"] == "FY"].sort_values("filed")
    ni = annual[annual["item"] == "net_income"].sort_values("end")
    net_income = (
        float(ni["value"].iloc[-1]) / 1e9 if len(ni) else rows[f"net_income_{key}"]["value"]
    )
    capex_rows = annual[annual["item"] == "capex"].drop_duplicates("fiscal_year", keep="last")
    capex = {
        int(y): float(v) / 1e9
        for y, v in zip(capex_rows["fiscal_year"], capex_rows["value"], strict=True)
    }
    for row in rows[f"capex_{key}"]:
        capex.setdefault(int(row["at"]), float(row["value"]))
    short = {y: c * 0.60 for y, c in capex.items()}  # DEP-14's 60% short-lived share
    book_life = float(rows[f"book_life_{key}"]["value"])
    firm = result.firm(ticker)
    econ_life = firm.economic_life
    understated = _straight_line(short, econ_life, 2026) - _straight_line(short, book_life, 2026)
    market_value = close * n_shares / 1e9
    assert firm.pe_book == pytest.approx(market_value / net_income, rel=1e-9)
    restated = net_income - (1.0 - 0.21) * understated  # cases.yaml's tax rate
    assert firm.pe_restated == pytest.approx(market_value / restated, rel=1e-9)
    assert firm.pe_book is not None
    assert firm.pe_restated is not None
    assert firm.pe_restated > firm.pe_book


def test_economic_life_is_the_one_behind_176bn(result: FlatteredResult) -> None:
    from bubblescope.economy.depreciation import burry_case

    assert result.economic_life.value == pytest.approx(burry_case().implied_life)
    assert "DEP-01" in result.economic_life.source


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.floats(0.0, 50.0), min_size=10, max_size=10),
    lives=st.tuples(st.floats(1.5, 5.5), st.floats(0.05, 3.0)),
    book=st.floats(5.5, 8.0),
)
def test_longer_life_lowers_overstatement(
    steps: list[float], lives: tuple[float, float], book: float
) -> None:
    """For a non-decreasing capex path the economic charge is a trailing mean of capex over
    the life, so a longer life averages in older, smaller vintages: less understatement."""
    path = np.cumsum([1.0, *steps[1:]])
    capex = CapexVintages("X", tuple(range(2019, 2029)), tuple(float(c) for c in path), ())
    short, longer = lives[0], lives[0] + lives[1]
    earnings = [1e4, 1e4, 1e4]
    o_short, *_ = overstatement(capex, 0.6, book, short, earnings, (2026, 2028), 0.21)
    o_long, *_ = overstatement(capex, 0.6, book, longer, earnings, (2026, 2028), 0.21)
    assert o_long <= o_short + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    base=st.lists(st.floats(0.0, 100.0), min_size=10, max_size=10),
    year=st.integers(2026, 2028),
    extra=st.floats(0.5, 100.0),
    life=st.floats(1.5, 5.0),
)
def test_more_capex_raises_overstatement(
    base: list[float], year: int, extra: float, life: float
) -> None:
    """Capex added in a window year is charged faster at the shorter economic life."""
    years = tuple(range(2019, 2029))
    earnings = [1e4, 1e4, 1e4]
    before = CapexVintages("X", years, tuple(base), ())
    more = list(base)
    more[years.index(year)] += extra
    after = CapexVintages("X", years, tuple(more), ())
    o0, *_ = overstatement(before, 0.6, 6.0, life, earnings, (2026, 2028), 0.21)
    o1, *_ = overstatement(after, 0.6, 6.0, life, earnings, (2026, 2028), 0.21)
    assert o1 > o0


def test_real_firms_obey_both_properties(result: FlatteredResult) -> None:
    longer = flattered(economic_life=result.economic_life.value + 1.0)
    more = flattered(assumptions={"capex_growth": 0.15})
    for ticker in FIRMS:
        base = result.firm(ticker).overstated
        assert longer.firm(ticker).overstated < base
        assert more.firm(ticker).overstated > base


def test_filed_capex_names_its_accession(result: FlatteredResult) -> None:
    msft = result.firm("MSFT")
    filed = [i for i in msft.inputs if i.kind == "filing" and "capex" in i.name]
    assert filed
    assert all("accn" in i.source for i in filed)
    orcl_rows = [i for i in result.firm("ORCL").inputs if "capex FY2025" in i.name]
    assert orcl_rows[0].kind == "fact"
    assert orcl_rows[0].source.startswith("CAP-05")


def test_missing_capex_or_earnings_is_a_named_data_error() -> None:
    fund = pd.read_parquet(SHIPPED / "fundamentals.parquet")
    no_income = fund[~((fund["symbol"] == "MSFT") & (fund["item"] == "net_income"))]
    with pytest.raises(DataError, match="MSFT: net_income"):
        flattered(firms=("MSFT",), fundamentals=no_income)
    no_capex = fund[~((fund["symbol"] == "GOOGL") & (fund["item"] == "capex"))]
    with pytest.raises(DataError, match=r"GOOGL: capex of fiscal years \[2019, 2020"):
        flattered(firms=("GOOGL",), fundamentals=no_capex)


def test_bad_inputs_are_input_errors() -> None:
    with pytest.raises(InputError, match="economic life"):
        flattered(economic_life=0.0)
    with pytest.raises(InputError, match="NVDA"):
        flattered(firms=("NVDA",))


def test_result_is_json_and_lists_the_earnings_path(result: FlatteredResult) -> None:
    import json

    out = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    names = {i["name"] for i in out["inputs"]}
    assert "net-income growth a year after the latest filed year" in names
    assert "Earnings path" in result.summary()
    assert len(out["firms"]) == len(FIRMS)
    assert all(not math.isnan(r["overstated_pct"]) for r in out["firms"])


def test_server_depreciation_at_book_stays_within_the_filed_da(result: FlatteredResult) -> None:
    """The model's book charge of the short-lived share against each firm's filed D&A.

    D&A (the fundamentals' ``depreciation``) also covers buildings, land improvements and
    intangibles, so the servers alone should not exceed it. Meta 0.88, Microsoft 0.55, Amazon
    0.61; Alphabet 1.02: DEP-14's aggregate 60% share at Alphabet's 6-year life over-explains
    its 2025 D&A by ~2%, inside the 5% allowed here. Oracle files no annual D&A in the shipped
    extract, and says so instead of a zero.
    """
    fund = pd.read_parquet(SHIPPED / "fundamentals.parquet")
    for firm in result.firms:
        rows = fund[
            (fund["symbol"] == firm.ticker)
            & (fund["item"] == "depreciation")
            & (fund["period"] == "FY")
        ]
        if rows.empty:
            assert firm.filed_depreciation is None
            assert firm.servers_book is None
            assert "no annual D&A filed" in result.summary()
            continue
        latest = rows.sort_values(["end", "filed"]).iloc[-1]
        assert firm.filed_depreciation is not None
        assert firm.filed_depreciation.m_as("USD bn") == pytest.approx(latest["value"] / 1e9)
        assert firm.servers_book is not None
        assert 0.3 < firm.servers_book / (latest["value"] / 1e9) < 1.05


def test_implied_earnings_give_burrys_figure_back(result: FlatteredResult) -> None:
    """The flat net income at which our understatement gives Burry's figure, checked by
    recomputing the overstatement by hand from it and the result's understatement.

    Oracle's is 12.1 bn a year against the 12.443 bn of its FY2025 row (within 5%; the row
    is listed as not verified against the 10-K): the 1-point gap of DEP-02 is earnings.
    Meta's is 45.0 bn against 62.4 bn filed for 2024: DEP-03 needs Meta to earn about 28% less
    than it filed, or a larger understatement.
    """
    for ticker, ratio_lo, ratio_hi in (("ORCL", 0.95, 1.05), ("META", 0.6, 0.8)):
        firm = result.firm(ticker)
        assert firm.published is not None
        assert firm.implied_earnings is not None
        assert ratio_lo < firm.implied_earnings / firm.reported[0] < ratio_hi
        after_tax = (1.0 - result.tax_rate.m_as("1")) * firm.understated
        flat = np.full(3, firm.implied_earnings)
        back = flat.sum() / (flat - after_tax).sum() - 1.0
        assert back == pytest.approx(firm.published.m_as("1"), rel=1e-12)
    assert result.firm("MSFT").implied_earnings is None


def _filed_rows() -> list[dict[str, object]]:
    """flattered.yaml's rows that quote a 10-K (a ``why`` naming a 10-K), read by PyYAML."""
    rows = yaml.safe_load(YAML.read_text())
    every = [r for v in rows.values() for r in (v if isinstance(v, list) else [v])]
    return [r for r in every if "10-K" in str(r.get("why", ""))]


def test_filed_rows_name_accession_and_url_and_quote_their_value() -> None:
    """Every row copied from a 10-K names its accession and EDGAR URL, and the figure it
    quotes from the filing (USD m as the cash-flow statement prints it, USD as XBRL gives it,
    or the cover's class counts) is its value: a typo in the number or the quote fails here."""
    rows = _filed_rows()
    assert {"ORCL capex FY2019", "AMZN capex 2021", "META shares outstanding (class A and B)"} <= {
        str(r["name"]) for r in rows
    }
    for row in rows:
        why = " ".join(str(row["why"]).split())
        assert re.search(r"\b\d{10}-\d{2}-\d{6}\b", why), row["name"]
        assert "https://www.sec.gov/Archives/edgar/data/" in why, row["name"]
        value = float(str(row["value"]))
        quoted = [float(m.replace(",", "")) for m in re.findall(r"\d{1,3}(?:,\d{3})+", why)]
        if row["unit"] == "USD bn":
            in_usd = [value * 1e3, value * 1e9]  # USD m, USD
            assert any(q == pytest.approx(v, rel=1e-12) for q in quoted for v in in_usd), (
                row["name"],
                quoted,
            )
        else:
            assert row["unit"] == "bn"
            assert sum(q for q in quoted if q > 1e8) == pytest.approx(value * 1e9), row["name"]


def test_rows_not_read_in_their_filing_are_listed(result: FlatteredResult) -> None:
    """The result lists exactly the model's inputs whose row says it was not checked against
    its filing, recounted from the YAML (only rows the window uses reach the inputs)."""
    unchecked = {str(r["name"]) for r in _filed_rows() if str(r["why"]).startswith(UNVERIFIED)}
    assert unchecked, "the YAML states which filed rows were not checked"
    used = {i.name for i in result.inputs}
    listed = {i.name for i in result.unverified}
    assert listed == unchecked & used
    summary = result.summary()
    assert f"Not verified against the filing ({len(listed)} rows" in summary
    assert all(name in summary for name in listed)
    out = result.to_dict()
    assert {i["name"] for i in out["unverified_inputs"]} == listed
    checked = flattered(assumptions={"net_income_orcl": result.firm("ORCL").reported[0]}).unverified
    assert "ORCL net income FY2025" not in {i.name for i in checked}
