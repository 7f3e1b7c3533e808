"""Point-in-time market cap, P/E and P/S, recomputed from the raw filings and the raw closes.

Closes: the shipped NVDA series (byte for byte the Yahoo file it was built from). Filings:
NVIDIA's SEC companyfacts cut to the concepts bubblescope reads (tests/results/trimmed/sec_xbrl).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.charts import ChartSpec
from bubblescope.data.bundled import load_bundled
from bubblescope.data.fundamentals import COLUMNS, fundamentals_from_companyfacts
from bubblescope.data.sec import parse_companyfacts
from bubblescope.detect.firm_multiples import MultiplesResult, multiples
from bubblescope.errors import DataError, InputError
from tests.reference import TRIMMED

FACTS_CSV = Path(__file__).resolve().parents[2] / "src/bubblescope/data/factbase/facts.csv"
NVDA_JSON = TRIMMED / "sec_xbrl" / "NVDA_companyfacts_CIK0001045810_trimmed.json.gz"
#: NVIDIA's splits after 2009, with their effective dates (NVIDIA press releases).
NVDA_SPLITS = ((pd.Timestamp("2021-07-20"), 4.0), (pd.Timestamp("2024-06-10"), 10.0))


@pytest.fixture(scope="module")
def closes() -> pd.Series:
    raw = load_bundled("NVDA")
    return pd.Series(
        raw["close"].to_numpy(dtype=np.float64),
        index=pd.DatetimeIndex(raw.index, name="date"),
        name="NVDA",
    )


@pytest.fixture(scope="module")
def doc() -> dict:  # type: ignore[type-arg]
    with gzip.open(NVDA_JSON, "rt", encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def table(doc: dict) -> pd.DataFrame:  # type: ignore[type-arg]
    return fundamentals_from_companyfacts(parse_companyfacts(doc, ticker="NVDA"), source="t")


@pytest.fixture(scope="module")
def result(closes: pd.Series, table: pd.DataFrame) -> MultiplesResult:
    return multiples(closes, table, "NVDA")


def _plain_recompute(doc: dict, closes: pd.Series, day: str) -> tuple[float, float]:  # type: ignore[type-arg]
    """Market cap and trailing P/E at ``day`` with plain pandas from the raw JSON and CSV."""
    t = pd.Timestamp(day)
    income = pd.DataFrame(doc["facts"]["us-gaap"]["NetIncomeLoss"]["units"]["USD"])
    for col in ("start", "end", "filed"):
        income[col] = pd.to_datetime(income[col])
    income = income[income["form"].isin(["10-K", "10-Q"]) & (income["filed"] <= t)]
    days = (income["end"] - income["start"]).dt.days
    quarters = income[days.between(80, 100)].set_index("end")["val"]
    quarters = quarters[~quarters.index.duplicated()]
    years = income[days.between(350, 380)]
    fourth = {  # Q4 = FY - (Q1 + Q2 + Q3)
        row.end: row.val - quarters[(quarters.index > row.start) & (quarters.index < row.end)].sum()
        for row in years.itertuples()
        if row.end not in quarters.index
    }
    merged = pd.concat([quarters, pd.Series(fourth, dtype=float)])
    merged = merged[~merged.index.duplicated()].sort_index()
    ttm = float(merged.iloc[-4:].sum())
    cover = pd.DataFrame(
        doc["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"]
    )
    cover["filed"] = pd.to_datetime(cover["filed"])
    cover["end"] = pd.to_datetime(cover["end"])
    latest = cover[cover["filed"] <= t].sort_values("filed").iloc[-1]
    factor = np.prod([r for d, r in NVDA_SPLITS if d > latest["end"]])
    cap = float(closes.loc[t]) * float(latest["val"]) * float(factor)
    return cap, cap / ttm


@pytest.mark.parametrize(
    "day", ["2019-12-02", "2021-06-01", "2023-05-31", "2024-03-01", "2025-10-29"]
)
def test_market_cap_and_pe_match_a_plain_recomputation(
    result: MultiplesResult,
    doc: dict,
    closes: pd.Series,
    day: str,  # type: ignore[type-arg]
) -> None:
    cap, pe = _plain_recompute(doc, closes, day)
    row = result.frame.loc[day]
    assert row["market_cap"] == pytest.approx(cap, rel=1e-12)
    assert row["pe"] == pytest.approx(pe, rel=1e-12)


def test_nvidia_at_its_5tn_close_matches_the_factbase(result: MultiplesResult) -> None:
    """VAL-01: ~5.05 tn (intraday 5.13 tn) on 2025-10-29; VAL-02: trailing P/E ~58-60."""
    with FACTS_CSV.open(encoding="utf-8") as handle:
        facts = {row["id"]: row for row in csv.DictReader(handle)}
    assert facts["VAL-01"]["value"] == "5.05"
    assert facts["VAL-02"]["value_text"] == "~58-60"
    row = result.frame.loc["2025-10-29"]
    assert row["market_cap"] / 1e12 == pytest.approx(5.05, rel=0.02)
    assert 57.5 <= row["pe"] <= 60.5
    # TTM diluted EPS 3.51 (VAL-02) times ~24.5 bn diluted shares: ~86 bn of net income
    assert row["ttm_net_income"] / 1e9 == pytest.approx(3.51 * 24.6, rel=0.01)


def test_only_filings_up_to_each_date_are_used(
    result: MultiplesResult, closes: pd.Series, table: pd.DataFrame
) -> None:
    for day in ("2020-06-01", "2024-09-03", "2025-10-29"):
        cut = table[table["filed"] <= day]
        again = multiples(closes.loc[:day], cut, "NVDA").frame.iloc[-1]
        expected = result.frame.loc[day]
        for col in ("shares", "ttm_net_income", "ttm_revenue"):
            # shares before a later split are restated only by the factor: compare filed counts
            if col == "shares":
                assert again[col] / again["split_factor"] == pytest.approx(
                    expected[col] / expected["split_factor"]
                )
            else:
                assert again[col] == expected[col]
        assert expected["net_income_filed"] <= pd.Timestamp(day)


def test_latest_names_the_periods_and_filings(result: MultiplesResult) -> None:
    reading = result.latest()
    assert reading.date == result.frame.index[-1]
    income = reading.bases["net_income"]
    assert income.filed <= reading.date
    assert (income.fiscal_year, income.fiscal_period, income.form) == (2027, "Q1", "10-Q")
    assert income.label() == "FY2027 Q1 (10-Q filed 2026-05-20)"
    assert reading.pe == pytest.approx(reading.market_cap / income.value)
    assert reading.notes == ()
    payload = reading.to_dict()
    assert payload["bases"]["shares_outstanding"]["end"] == "2026-05-15"


def test_percentile_now_against_its_own_history(result: MultiplesResult) -> None:
    pct = result.percentile_now()
    for col in ("pe", "ps"):
        history = result.frame[col].dropna()
        now = result.frame[col].iloc[-1]
        rank = (history < now).sum() + (history == now).sum() - 1
        assert pct[col] == pytest.approx(100 * rank / (len(history) - 1))
        assert 0.0 <= pct[col] <= 100.0
    frame = result.frame.copy()
    frame.iloc[-1, frame.columns.get_loc("pe")] = frame["pe"].max() * 2
    frame.iloc[-1, frame.columns.get_loc("ps")] = frame["ps"].min() / 2
    moved = MultiplesResult(
        result.symbol, frame, result.bases, result.splits, result.frequency
    ).percentile_now()
    assert moved == {"pe": 100.0, "ps": 0.0}


def _synthetic(net_income: float) -> pd.DataFrame:
    ends = pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"])
    rows = []
    for i, end in enumerate(ends):
        filed = end + pd.Timedelta(days=30)
        base = {
            "symbol": "ZZZ",
            "period": "Q",
            "fiscal_year": 2024,
            "fiscal_period": f"Q{i + 1}",
            "form": "10-Q",
            "filed": filed,
            "accn": f"a{i}",
            "derived": False,
            "source": "t",
            "start": end - pd.Timedelta(days=90),
            "end": end,
            "unit": "USD",
        }
        rows.append({**base, "item": "net_income", "value": net_income, "tag": "NetIncomeLoss"})
        rows.append({**base, "item": "revenue", "value": 50.0, "tag": "Revenues"})
        rows.append(
            {
                **base,
                "item": "shares_outstanding",
                "start": pd.NaT,
                "end": filed,
                "value": 10.0,
                "unit": "shares",
                "tag": "EntityCommonStockSharesOutstanding",
            }
        )
    return pd.DataFrame(rows)[list(COLUMNS)]


def test_non_positive_earnings_give_no_pe_and_a_reason() -> None:
    prices = pd.Series([100.0, 110.0], index=pd.to_datetime(["2025-02-03", "2025-02-04"]))
    loss = multiples(prices, _synthetic(-5.0), "ZZZ")
    assert loss.frame["pe"].isna().all()
    assert loss.frame["ps"].iloc[-1] == pytest.approx(110.0 * 10 / 200.0)
    reading = loss.latest()
    assert reading.pe is None
    assert "trailing net income is not positive" in reading.notes[0]
    assert "P/E left out on 2 date(s)" in loss.notes[0]
    text = json.dumps(loss.to_dict(), allow_nan=False)
    assert json.loads(text)["latest"]["pe"] is None
    assert loss.percentile_now()["pe"] is None
    profit = multiples(prices, _synthetic(5.0), "ZZZ").latest()
    assert profit.pe == pytest.approx(110.0 * 10 / 20.0)


def test_monthly_frequency_and_the_result_protocol(
    closes: pd.Series, table: pd.DataFrame, result: MultiplesResult
) -> None:
    table_dates = result.frame.index
    monthly = multiples(closes, table, "NVDA", frequency="monthly")
    last_days = table_dates.to_series().groupby(table_dates.to_period("M")).max()
    assert list(monthly.frame.index) == list(last_days)
    np.testing.assert_array_equal(
        monthly.frame["pe"].to_numpy(), result.frame.loc[monthly.frame.index, "pe"].to_numpy()
    )
    spec = monthly.chart_spec()
    assert isinstance(spec, ChartSpec)
    assert len(spec.panels) == 3
    assert spec.panels[0].logy
    figure = monthly.plot()
    assert len(figure.axes) >= 3
    assert "NVDA valuation multiples (monthly" in monthly.summary()
    assert monthly._repr_html_().startswith("<pre>")
    payload = json.loads(json.dumps(monthly.to_dict(), allow_nan=False))
    assert payload["split_factors"][0]["factor"] == 40.0
    assert len(payload["series"]) == len(monthly.frame)
    assert monthly.to_frame().equals(monthly.frame)


def test_errors(closes: pd.Series) -> None:
    table = _synthetic(1.0)
    with pytest.raises(InputError, match="frequency"):
        multiples(closes, table, "ZZZ", frequency="weekly")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no shares_outstanding filings for 'NVDA'"):
        multiples(closes, table, "NVDA")
    with pytest.raises(DataError, match="older than the first filed share count"):
        multiples(closes.loc[:"2020-01-01"], table, "ZZZ")
    with pytest.raises(InputError):
        multiples(-closes, table, "ZZZ")


def test_shipped_data_give_the_same_multiples(result: MultiplesResult) -> None:
    from bubblescope.data.bundled import load_fundamentals

    shipped = multiples(load_bundled("NVDA")["close"], load_fundamentals("NVDA"), "NVDA")
    assert shipped.frame.index[0] == result.frame.index[0]
    row, ref = shipped.frame.loc["2025-10-29"], result.frame.loc["2025-10-29"]
    assert row["ttm_net_income"] == ref["ttm_net_income"]
    assert row["market_cap"] == pytest.approx(ref["market_cap"], rel=1e-5)  # closes at %.6g
