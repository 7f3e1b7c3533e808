"""``trailing_table`` against a direct recomputation: for each filing date, take every row filed
by then, keep each quarter's latest-ending report (the later filing on a tie), and sum the last
four quarters when they are consecutive.

The reference below is written the plain way (one pandas selection per filing date); the
package's single pass over the sorted rows must give the same table, value for value, on every
shipped firm and item and on random filings with restatements, shared filing dates, NaN values
and missing period ends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data import fundamentals as F
from bubblescope.data.bundled import load_fundamentals


def reference_table(frame: pd.DataFrame, symbol: str, item: str) -> pd.DataFrame:
    rows = frame[(frame["symbol"] == symbol) & (frame["item"] == item) & (frame["period"] == "Q")]
    rows = rows[rows["filed"].notna()].sort_values(["filed", "end"], kind="stable")
    out = []
    for day in pd.DatetimeIndex(rows["filed"].unique()):
        known = rows[rows["filed"] <= day].sort_values("end", kind="stable")
        known = known.drop_duplicates(["fiscal_year", "fiscal_period"], keep="last")
        latest = known.iloc[-1]
        if item in F.FLOW_ITEMS:
            window = known.iloc[-4:]
            days = np.diff(window["end"].to_numpy().astype("datetime64[D]")).astype(np.int64)
            ok = len(window) == 4 and bool(np.all((days >= 80) & (days <= 100)))
            value = float(window["value"].sum()) if ok else np.nan
            newest = window.sort_values("filed", kind="stable").iloc[-1]
        else:
            value, newest = float(latest["value"]), latest
        out.append(
            {
                "filed": day,
                "value": value,
                "fiscal_year": int(latest["fiscal_year"]),
                "fiscal_period": str(latest["fiscal_period"]),
                "end": latest["end"],
                "form": str(newest["form"]),
                "accn": str(newest["accn"]),
            }
        )
    return pd.DataFrame.from_records(out).set_index("filed") if out else pd.DataFrame()


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert np.array_equal(got["value"].to_numpy(), want["value"].to_numpy(), equal_nan=True)


@pytest.mark.parametrize("item", F.ITEMS)
def test_every_shipped_firm_and_item(item: str) -> None:
    frame = load_fundamentals()
    for symbol in sorted(frame["symbol"].unique()):
        want = reference_table(frame, symbol, item)
        got = F.trailing_table(frame, symbol, item)
        if want.empty:
            assert got.empty
            continue
        assert_same_table(got, want)


_DAY = pd.Timestamp("2020-01-01")


@st.composite
def filings(draw: st.DrawFn) -> pd.DataFrame:
    """Quarterly rows of one item: quarters ~91 days apart, each filed once or restated, some
    filed on a date shared with other quarters (an annual report restating several)."""
    n = draw(st.integers(1, 14))
    rows = []
    for q in range(n):
        end = _DAY + pd.Timedelta(days=91 * q + draw(st.integers(-15, 15)))
        for copy in range(draw(st.integers(1, 3))):
            lag = draw(st.integers(20, 400))
            rows.append(
                {
                    "symbol": "X",
                    "item": draw(st.sampled_from(["revenue", "debt"])),
                    "period": "Q",
                    "fiscal_year": 2020 + q // 4,
                    "fiscal_period": f"Q{q % 4 + 1}",
                    "end": pd.NaT if draw(st.integers(0, 30)) == 0 else end,
                    "value": np.nan
                    if draw(st.integers(0, 20)) == 0
                    else float(draw(st.integers(-50, 10_000))) / 7.0,
                    "form": "10-Q" if copy == 0 else "10-Q/A",
                    "filed": end + pd.Timedelta(days=lag)
                    if draw(st.booleans())
                    else _DAY + pd.Timedelta(days=182 * draw(st.integers(1, 8))),  # batch filing
                    "accn": f"{q}-{copy}",
                }
            )
    frame = pd.DataFrame(rows)
    for column in F.COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame.sample(frac=1.0, random_state=draw(st.integers(0, 1000)))


@settings(max_examples=150, deadline=None)
@given(filings())
def test_random_filings_with_restatements(frame: pd.DataFrame) -> None:
    for item in ("revenue", "debt"):
        want = reference_table(frame, "X", item)
        got = F.trailing_table(frame, "X", item)
        if want.empty:
            assert got.empty
            continue
        assert_same_table(got, want)
