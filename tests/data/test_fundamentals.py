"""SEC fundamentals: schema, published values, fiscal labels, derived quarters, point in time.

Inputs: SEC companyfacts JSON of MSFT, NVDA and GOOGL cut to the concepts bubblescope reads, and
the inline-XBRL facts file (tests/results/trimmed/sec_xbrl; origins in tests/results/README.md).
The tables made from them are the shipped fundamentals (last test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.data import fundamentals as F
from bubblescope.data.sec import annual_series, parse_companyfacts
from bubblescope.errors import DataError, InputError
from tests.reference import TRIMMED

SEC_DIR = TRIMMED / "sec_xbrl"
FILES = {
    "MSFT": "MSFT_companyfacts_CIK0000789019_trimmed.json.gz",
    "NVDA": "NVDA_companyfacts_CIK0001045810_trimmed.json.gz",
    "GOOGL": "GOOGL_companyfacts_CIK0001652044_trimmed.json.gz",
}
IXBRL = "ixbrl_10k_facts_AMZN_META_GOOGL_NVDA_ORCL.csv.gz"


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {t: parse_companyfacts(SEC_DIR / name, ticker=t) for t, name in FILES.items()}


@pytest.fixture(scope="module")
def tidy(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {t: F.fundamentals_from_companyfacts(f, source=FILES[t]) for t, f in raw.items()}


@pytest.fixture(scope="module")
def ixbrl() -> pd.DataFrame:
    return F.fundamentals_from_ixbrl(pd.read_csv(SEC_DIR / IXBRL))


def _one(frame: pd.DataFrame, **where: object) -> pd.Series:
    rows = frame
    for col, value in where.items():
        rows = rows[rows[col] == value]
    assert len(rows) == 1, f"{len(rows)} rows match {where}"
    return rows.iloc[0]


def _bn(value: float) -> float:
    return round(value / 1e9, 2)


# --- schema --------------------------------------------------------------------------------------


def test_both_inputs_give_the_documented_schema(
    tidy: dict[str, pd.DataFrame], ixbrl: pd.DataFrame
) -> None:
    for frame in (*tidy.values(), ixbrl):
        assert tuple(frame.columns) == F.COLUMNS
        assert frame["value"].dtype == np.float64
        assert frame["fiscal_year"].dtype == np.int64
        assert frame["derived"].dtype == bool
        for col in ("start", "end", "filed"):
            assert frame[col].dtype.kind == "M"
        assert set(frame["period"]) <= {"FY", "Q"}
        assert set(frame["fiscal_period"]) <= {"FY", "Q1", "Q2", "Q3", "Q4"}
        assert set(frame["item"]) <= set(F.ITEMS)
        assert set(frame["unit"]) == {"USD", "shares"}
        assert (frame["unit"] == "shares").eq(frame["item"] == "shares_outstanding").all()
        instants = frame["item"].isin(F.INSTANT_ITEMS)
        assert frame.loc[instants, "start"].isna().all()
        assert frame.loc[~instants, "start"].notna().all()
        assert (frame["period"] == "FY").eq(frame["fiscal_period"] == "FY").all()
        keys = ["symbol", "item", "period", "fiscal_year", "fiscal_period"]
        assert not frame.duplicated(keys).any()
    assert set(tidy["NVDA"]["symbol"]) == {"NVDA"}
    assert set(ixbrl["symbol"]) == {"AMZN", "META", "GOOGL", "NVDA", "ORCL"}


# --- published values (PROVENANCE.md §10) -------------------------------------------------------


def test_published_capex_and_revenue(tidy: dict[str, pd.DataFrame], ixbrl: pd.DataFrame) -> None:
    fy = ixbrl[ixbrl["period"] == "FY"]
    assert _bn(_one(fy, symbol="AMZN", item="capex", fiscal_year=2024)["value"]) == 83.00
    assert _bn(_one(fy, symbol="META", item="capex", fiscal_year=2024)["value"]) == 37.26
    assert _bn(_one(fy, symbol="GOOGL", item="capex", fiscal_year=2024)["value"]) == 52.54
    assert _bn(_one(fy, symbol="AMZN", item="revenue", fiscal_year=2024)["value"]) == 637.96
    assert _bn(_one(fy, symbol="NVDA", item="revenue", fiscal_year=2025)["value"]) == 130.50
    amzn = _one(fy, symbol="AMZN", item="capex", fiscal_year=2024)
    assert (amzn["tag"], amzn["form"], amzn["accn"]) == (
        "PaymentsToAcquireProductiveAssets",
        "10-K",
        "",
    )
    assert amzn["filed"] == pd.Timestamp("2025-02-07")

    msft = tidy["MSFT"][tidy["MSFT"]["period"] == "FY"]
    assert _bn(_one(msft, item="capex", fiscal_year=2024)["value"]) == 44.48
    assert _bn(_one(msft, item="capex", fiscal_year=2025)["value"]) == 64.55
    assert _one(msft, item="capex", fiscal_year=2025)["end"] == pd.Timestamp("2025-06-30")
    nvda = tidy["NVDA"][tidy["NVDA"]["period"] == "FY"]
    assert _bn(_one(nvda, item="revenue", fiscal_year=2025)["value"]) == 130.50
    googl = tidy["GOOGL"][tidy["GOOGL"]["period"] == "FY"]
    assert _bn(_one(googl, item="capex", fiscal_year=2024)["value"]) == 52.54


@pytest.mark.parametrize("ticker", sorted(FILES))
@pytest.mark.parametrize("item", ["revenue", "capex", "net_income", "operating_income"])
def test_annual_values_equal_annual_series(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame], ticker: str, item: str
) -> None:
    """FY rows follow annual_series: same years, values, tags and filings."""
    expected = annual_series(raw[ticker], item).reset_index()
    got = tidy[ticker]
    got = got[(got["item"] == item) & (got["period"] == "FY")].reset_index(drop=True)
    assert len(got) == len(expected) > 0
    assert got["fiscal_year"].tolist() == expected["fiscal_year"].tolist()
    assert got["end"].tolist() == expected["period_end"].tolist()
    np.testing.assert_array_equal(got["value"].to_numpy(), expected["value"].to_numpy())
    assert got["tag"].tolist() == expected["tag"].tolist()
    assert got["accn"].tolist() == expected["accn"].tolist()


# --- fiscal calendar ----------------------------------------------------------------------------


def test_fiscal_labels_of_january_and_june_year_ends(tidy: dict[str, pd.DataFrame]) -> None:
    nvda = tidy["NVDA"][(tidy["NVDA"]["item"] == "revenue")]
    assert _one(nvda, period="FY", fiscal_year=2025)["end"] == pd.Timestamp("2025-01-26")
    q1 = _one(nvda, period="Q", fiscal_year=2026, fiscal_period="Q1")
    assert (q1["start"], q1["end"]) == (pd.Timestamp("2025-01-27"), pd.Timestamp("2025-04-27"))
    assert _one(nvda, period="Q", fiscal_year=2025, fiscal_period="Q4")["end"] == pd.Timestamp(
        "2025-01-26"
    )
    msft = tidy["MSFT"][(tidy["MSFT"]["item"] == "revenue")]
    q2 = _one(msft, period="Q", fiscal_year=2026, fiscal_period="Q2")
    assert q2["end"] == pd.Timestamp("2025-12-31")
    assert _one(msft, period="Q", fiscal_year=2025, fiscal_period="Q4")["end"] == pd.Timestamp(
        "2025-06-30"
    )


@pytest.mark.parametrize("ticker", sorted(FILES))
def test_quarter_labels_match_the_filers_own_fiscal_period(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame], ticker: str
) -> None:
    """A 10-Q value for the filing's own period carries the filer's fp (Q1-Q3).

    NVIDIA's two 10-Qs of 2010 declare the wrong fp (Q2, Q3): the quarter to 2010-05-02 was its
    first quarter of fiscal 2011 (NVIDIA press release of 2010-05-13).
    """
    facts = raw[ticker]
    fp = facts.drop_duplicates("accn").set_index("accn")["fp"].astype(object)
    flows = facts[facts["start"].notna() & ((facts["end"] - facts["start"]).dt.days <= 380)]
    period_end = flows.groupby("accn")["end"].max()
    rows = tidy[ticker]
    rows = rows[(rows["period"] == "Q") & (rows["form"] == "10-Q")]
    own = rows[rows["end"].to_numpy() == rows["accn"].map(period_end).to_numpy()]
    assert len(own) > 100
    wrong_fp = {"0001045810-10-000018": "Q1", "0001045810-10-000029": "Q2"}
    expected = own["accn"].map(lambda a: wrong_fp.get(a, fp[a]))
    assert (own["fiscal_period"] == expected).all()


# --- quarters ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ticker", sorted(FILES))
def test_derived_fourth_quarter_completes_the_year_of_its_10k(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame], ticker: str
) -> None:
    facts = raw[ticker]
    rows = tidy[ticker]
    q = rows[(rows["period"] == "Q") & rows["item"].isin(["revenue", "net_income", "capex"])]
    derived = q[q["derived"] & (q["fiscal_period"] == "Q4")]
    assert len(derived) >= 10
    for _, row in derived.iterrows():
        year = q[(q["item"] == row["item"]) & (q["fiscal_year"] == row["fiscal_year"])]
        assert len(year) == 4
        full = facts[
            (facts["accn"] == row["accn"])
            & facts["concept"].isin(row["tag"].split("+"))
            & (facts["end"] == row["end"])
            & ((facts["end"] - facts["start"]).dt.days > 350)
        ]
        assert row["form"] == "10-K"
        assert np.isclose(year["value"].sum(), full["value"].iloc[0], rtol=1e-12)


def test_cash_flow_quarters_come_from_year_to_date_values(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame]
) -> None:
    """MSFT reports capex year to date in 10-Qs: Q2 = H1 - Q1, recomputed from the raw facts."""
    facts = raw["MSFT"]
    capex = facts[facts["concept"] == "PaymentsToAcquirePropertyPlantAndEquipment"]
    first = capex.sort_values("filed").drop_duplicates(["start", "end"])

    def fact(start: str, end: str) -> float:
        return float(_one(first, start=pd.Timestamp(start), end=pd.Timestamp(end))["value"])

    rows = tidy["MSFT"][(tidy["MSFT"]["item"] == "capex") & (tidy["MSFT"]["period"] == "Q")]
    q1 = _one(rows, fiscal_year=2025, fiscal_period="Q1")
    q2 = _one(rows, fiscal_year=2025, fiscal_period="Q2")
    assert q2["value"] == fact("2024-07-01", "2024-12-31") - fact("2024-07-01", "2024-09-30")
    assert q1["value"] == fact("2024-07-01", "2024-09-30")
    assert (q2["start"], q2["end"]) == (pd.Timestamp("2024-10-01"), pd.Timestamp("2024-12-31"))
    assert q2["filed"] == pd.Timestamp("2025-01-29")


@pytest.mark.parametrize("ticker", sorted(FILES))
def test_quarters_are_as_first_reported(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame], ticker: str
) -> None:
    """A reported quarter's filing holds that fact, and no earlier filing reported the period."""
    facts = raw[ticker]
    rows = tidy[ticker]
    rows = rows[(rows["period"] == "Q") & ~rows["derived"] & (rows["item"] == "revenue")]
    for _, row in rows.iterrows():
        same = facts[
            (facts["concept"] == row["tag"])
            & (facts["start"] == row["start"])
            & (facts["end"] == row["end"])
        ]
        assert row["value"] in same.loc[same["accn"] == row["accn"], "value"].tolist()
        assert same["filed"].min() == row["filed"]


# --- instants ------------------------------------------------------------------------------------


def test_cash_debt_and_depreciation_sums(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame]
) -> None:
    def raw_value(ticker: str, concept: str, end: str, *, start: str | None = None) -> float:
        facts = raw[ticker]
        rows = facts[(facts["concept"] == concept) & (facts["end"] == pd.Timestamp(end))]
        if start is not None:
            rows = rows[rows["start"] == pd.Timestamp(start)]
        return float(rows.sort_values("filed")["value"].iloc[-1])

    msft = tidy["MSFT"]
    cash = _one(msft, item="cash_and_securities", period="FY", fiscal_year=2025)
    expected = raw_value("MSFT", "CashAndCashEquivalentsAtCarryingValue", "2025-06-30") + raw_value(
        "MSFT", "ShortTermInvestments", "2025-06-30"
    )
    assert cash["value"] == pytest.approx(expected, rel=1e-12)
    dep = _one(msft, item="depreciation", period="FY", fiscal_year=2024)
    parts = (
        "Depreciation",
        "AmortizationOfIntangibleAssets",
        "FinanceLeaseRightOfUseAssetAmortization",
    )
    assert dep["tag"] == "+".join(parts)
    assert dep["value"] == sum(
        raw_value("MSFT", p, "2024-06-30", start="2023-07-01") for p in parts
    )
    assert _bn(dep["value"]) == 21.80
    nvda_debt = _one(tidy["NVDA"], item="debt", period="FY", fiscal_year=2025)
    assert nvda_debt["value"] == raw_value(
        "NVDA", "LongTermDebtNoncurrent", "2025-01-26"
    ) + raw_value("NVDA", "LongTermDebtCurrent", "2025-01-26")
    assert _bn(nvda_debt["value"]) == 8.46


def test_share_counts_come_from_the_cover_or_the_balance_sheet(
    tidy: dict[str, pd.DataFrame],
) -> None:
    nvda = tidy["NVDA"][tidy["NVDA"]["item"] == "shares_outstanding"]
    row = _one(nvda, period="Q", fiscal_year=2026, fiscal_period="Q2")
    assert (row["end"], row["value"], row["tag"]) == (
        pd.Timestamp("2025-08-22"),
        24.3e9,
        "EntityCommonStockSharesOutstanding",
    )
    # Alphabet's cover counts carry a class dimension (not in companyfacts): balance sheet.
    googl = tidy["GOOGL"][tidy["GOOGL"]["item"] == "shares_outstanding"]
    assert set(googl["tag"]) == {"CommonStockSharesOutstanding"}
    assert _one(googl, period="FY", fiscal_year=2024)["value"] == 12_211_000_000.0


def test_share_classes_of_one_filing_are_summed() -> None:
    doc = {
        "cik": 1652044,
        "facts": {
            "dei": {
                "EntityCommonStockSharesOutstanding": {
                    "units": {
                        "shares": [
                            {"end": "2025-01-28", "val": 5_800_000_000, "accn": "a1",
                             "fy": 2024, "fp": "FY", "form": "10-K", "filed": "2025-02-05"},
                            {"end": "2025-01-28", "val": 860_000_000, "accn": "a1",
                             "fy": 2024, "fp": "FY", "form": "10-K", "filed": "2025-02-05"},
                            {"end": "2025-01-28", "val": 5_500_000_000, "accn": "a1",
                             "fy": 2024, "fp": "FY", "form": "10-K", "filed": "2025-02-05"},
                        ]
                    }
                }
            },
            "us-gaap": {
                "NetIncomeLoss": {
                    "units": {
                        "USD": [
                            {"start": "2024-01-01", "end": "2024-12-31", "val": 1.0e11,
                             "accn": "a1", "fy": 2024, "fp": "FY", "form": "10-K",
                             "filed": "2025-02-05"},
                        ]
                    }
                }
            },
        },
    }  # fmt: skip
    frame = F.fundamentals_from_companyfacts(parse_companyfacts(doc, ticker="GOOGL"), source="t")
    shares = frame[frame["item"] == "shares_outstanding"]
    assert shares["value"].tolist() == [12_160_000_000.0, 12_160_000_000.0]
    assert set(shares["fiscal_period"]) == {"FY", "Q4"}
    assert _one(frame, item="net_income")["fiscal_year"] == 2024


# --- iXBRL ---------------------------------------------------------------------------------------


def test_ixbrl_filings_take_form_and_date_from_the_file_name(ixbrl: pd.DataFrame) -> None:
    assert set(ixbrl["accn"]) == {""}
    orcl = ixbrl[ixbrl["symbol"] == "ORCL"]
    assert set(orcl["form"]) == {"10-Q"}
    assert orcl["filed"].isna().all()  # "Oracle.10-Q.html" carries no date
    revenue = _one(orcl, item="revenue", fiscal_year=2025)  # Oracle's year ends 31 May
    assert (revenue["fiscal_period"], revenue["start"]) == ("Q1", pd.Timestamp("2024-06-01"))
    cash = _one(orcl, item="cash_and_securities", fiscal_period="Q4")
    assert (cash["fiscal_year"], cash["end"]) == (2024, pd.Timestamp("2024-05-31"))
    meta = ixbrl[ixbrl["symbol"] == "META"]
    assert set(meta["form"]) == {"10-K"}
    assert set(meta["filed"]) == {pd.Timestamp("2025-01-30")}


def test_ixbrl_errors() -> None:
    with pytest.raises(InputError, match="lack column"):
        F.fundamentals_from_ixbrl(pd.DataFrame({"company": ["X"]}))
    rows = pd.DataFrame(
        {
            "company": ["X"],
            "concept": ["us-gaap:Revenues"],
            "period_start": ["2024-01-01"],
            "period_end": ["2024-12-31"],
            "instant": [0],
            "value": [1.0],
            "unit": ["usd"],
            "decimals": [-6],
            "source": ["repo:x-8-k-2025-01-01.html"],
        }
    )
    with pytest.raises(DataError, match="cannot tell the form"):
        F.fundamentals_from_ixbrl(rows)
    assert F.fundamentals_from_ixbrl(rows.iloc[:0]).columns.tolist() == list(F.COLUMNS)


def test_companyfacts_input_errors(raw: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(InputError, match="lacks column"):
        F.fundamentals_from_companyfacts(pd.DataFrame({"ticker": ["X"]}), source="t")
    both = pd.concat([raw["MSFT"].head(5), raw["NVDA"].head(5)])
    with pytest.raises(InputError, match="holds 2 filers"):
        F.fundamentals_from_companyfacts(both, source="t")


# --- trailing twelve months ----------------------------------------------------------------------


def test_nvda_trailing_net_income_at_the_5tn_close(
    raw: dict[str, pd.DataFrame], tidy: dict[str, pd.DataFrame]
) -> None:
    """TTM known on 2025-10-29 = the four quarters to 2025-07-27, from the raw facts."""
    facts = raw["NVDA"]
    ni = facts[(facts["concept"] == "NetIncomeLoss") & (facts["filed"] <= "2025-10-29")]
    days = (ni["end"] - ni["start"]).dt.days
    three = ni[days.between(80, 100)].drop_duplicates(["start", "end"]).set_index("end")["value"]
    fy2025 = ni[days.between(350, 380) & (ni["end"] == "2025-01-26")]["value"].iloc[0]
    nine = ni[days.between(260, 285) & (ni["end"] == "2024-10-27")]["value"].iloc[0]
    expected = (
        three[pd.Timestamp("2024-10-27")]
        + (fy2025 - nine)
        + three[pd.Timestamp("2025-04-27")]
        + three[pd.Timestamp("2025-07-27")]
    )
    ttm = F.trailing_twelve_months(tidy["NVDA"], "NVDA", "net_income")
    assert ttm.loc[:"2025-10-29"].iloc[-1] == pytest.approx(expected, rel=1e-12)
    assert ttm.loc[:"2025-10-29"].index[-1] == pd.Timestamp("2025-08-27")
    # NVIDIA's FY2025 revenue, complete at its 10-K of 2025-02-26.
    revenue = F.trailing_twelve_months(tidy["NVDA"], "NVDA", "revenue")
    assert _bn(revenue.loc["2025-02-26"]) == 130.50
    table = F.trailing_table(tidy["NVDA"], "NVDA", "revenue")
    assert tuple(table.loc["2025-02-26", ["fiscal_year", "fiscal_period", "form"]]) == (
        2025,
        "Q4",
        "10-K",
    )


@pytest.mark.parametrize("item", ["net_income", "capex", "shares_outstanding", "debt"])
def test_trailing_values_use_no_later_filing(tidy: dict[str, pd.DataFrame], item: str) -> None:
    frame = tidy["MSFT"]
    full = F.trailing_twelve_months(frame, "MSFT", item)
    assert full.index.is_monotonic_increasing
    assert not full.index.has_duplicates
    for day in full.index[::7]:
        cut = frame[frame["filed"] <= day]
        again = F.trailing_twelve_months(cut, "MSFT", item)
        assert again.index[-1] == day
        np.testing.assert_equal(again.iloc[-1], full.loc[day])


def test_trailing_errors(tidy: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(InputError, match="unknown fundamentals item 'eps'"):
        F.trailing_twelve_months(tidy["MSFT"], "MSFT", "eps")
    with pytest.raises(InputError, match="lacks column"):
        F.trailing_twelve_months(pd.DataFrame({"symbol": ["MSFT"]}), "MSFT", "revenue")
    assert F.trailing_twelve_months(tidy["MSFT"], "ZZZ", "revenue").empty


# --- splits --------------------------------------------------------------------------------------


def _split_dates(factors: pd.Series) -> list[tuple[str, float]]:
    ratio = factors / factors.shift(-1)
    hits = ratio[ratio.round(6) != 1.0].dropna()
    return [(str(d.date()), float(r)) for d, r in hits.items()]


def test_splits_of_nvidia_and_alphabet(tidy: dict[str, pd.DataFrame]) -> None:
    """NVDA 4:1 (July 2021) and 10:1 (June 2024); GOOGL 20:1 (July 2022); MSFT none."""
    nvda = F.trailing_twelve_months(tidy["NVDA"], "NVDA", "shares_outstanding")
    factors = F.split_factors(nvda)
    # the last count filed before each split, and the ratio to the next count
    assert _split_dates(factors) == [("2021-05-26", 4.0), ("2024-05-29", 10.0)]
    assert factors.iloc[0] == 40.0
    assert factors.iloc[-1] == 1.0
    googl = F.trailing_twelve_months(tidy["GOOGL"], "GOOGL", "shares_outstanding")
    assert _split_dates(F.split_factors(googl)) == [("2022-04-27", 20.0)]
    msft = F.trailing_twelve_months(tidy["MSFT"], "MSFT", "shares_outstanding")
    assert (F.split_factors(msft) == 1.0).all()


def test_split_heuristic_limits() -> None:
    dates = pd.to_datetime(["2020-01-01", "2020-04-01", "2021-06-01", "2021-09-01", "2021-12-01"])
    shares = pd.Series([100.0, 195.0, 390.0, 39.5, 52.0], index=dates)
    # x1.95 within 5% of 2 -> split; x2 after 14 months -> too far apart; /9.87 -> reverse 1:10;
    # x1.32 -> no ratio within 5%
    assert F.split_factors(shares).tolist() == [0.2, 0.1, 0.1, 1.0, 1.0]
    with pytest.raises(InputError, match="sorted and unique"):
        F.split_factors(shares.iloc[::-1])
    with pytest.raises(InputError, match="positive"):
        F.split_factors(shares * 0)
    with pytest.raises(InputError, match="DatetimeIndex"):
        F.split_factors(pd.Series([1.0, 2.0]))


# --- the shipped table ---------------------------------------------------------------------------


@pytest.mark.parametrize("ticker", sorted(FILES))
def test_shipped_fundamentals_are_the_tables_of_the_filings(
    tidy: dict[str, pd.DataFrame], ticker: str
) -> None:
    """The shipped fundamentals of a companyfacts filer are what this code makes of its filings
    (scripts/build_dataset.py); a change to the code or the data that splits them fails here."""
    from bubblescope.data.bundled import load_fundamentals

    keys = ["item", "period", "fiscal_year", "fiscal_period", "end"]
    made = tidy[ticker].drop(columns="source").sort_values(keys, ignore_index=True)
    rows = load_fundamentals(ticker)
    own = rows["source"].str.startswith("sec companyfacts")
    shipped = rows[own].drop(columns="source").sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(made, shipped)
    # the rest comes from inline XBRL, only for items the companyfacts cannot carry
    assert not set(rows.loc[~own, "item"]) & set(made["item"])


def test_forward_dated_facts_do_not_shift_nvidias_fiscal_quarters() -> None:
    """NVIDIA's fiscal 2014 quarters, as published (revenue, USD): Q1 954.7 mn (to 2013-04-28),
    Q4 1,144.2 mn (to 2014-01-26). A share-repurchase fact running past its filing date once
    moved the fiscal calendar and labelled the fourth quarter Q1, dropping Q1-Q3."""
    from bubblescope.data.bundled import load_fundamentals

    rows = load_fundamentals("NVDA")
    q = rows[(rows["item"] == "revenue") & (rows["period"] == "Q") & (rows["fiscal_year"] == 2014)]
    by_quarter = q.set_index("fiscal_period")
    assert list(by_quarter.index) == ["Q1", "Q2", "Q3", "Q4"]
    assert by_quarter.loc["Q1", "end"] == pd.Timestamp("2013-04-28")
    assert by_quarter.loc["Q1", "value"] == pytest.approx(954.739e6, rel=1e-6)
    assert by_quarter.loc["Q4", "end"] == pd.Timestamp("2014-01-26")
    assert by_quarter.loc["Q4", "value"] == pytest.approx(1144.218e6, rel=1e-6)
