"""The validation gate: every bad-input class raises InputError naming the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data.validate import infer_frequency, validate_panel, validate_series
from bubblescope.errors import InputError


def daily(n: int, start: str = "2020-01-01") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n)


def test_clean_series_passes_unchanged() -> None:
    s = pd.Series(np.linspace(1.0, 2.0, 50), index=daily(50), name="px")
    v = validate_series(s, min_points=50)
    pd.testing.assert_series_equal(v.series, s)
    assert v.report.actions == ()
    assert v.report.frequency == "D"
    assert v.values.dtype == np.float64


def test_numpy_and_list_inputs_get_a_range_index() -> None:
    v = validate_series([1.0, 2.0, 3.0])
    assert isinstance(v.index, pd.RangeIndex)
    assert v.report.frequency is None
    v2 = validate_series(np.array([[1.0], [2.0], [4.0]]))
    assert list(v2.values) == [1.0, 2.0, 4.0]


def test_frame_with_close_column_uses_close() -> None:
    frame = pd.DataFrame({"open": [9.0, 9.0], "close": [1.0, 2.0]}, index=daily(2))
    assert list(validate_series(frame).values) == [1.0, 2.0]


def test_frame_with_many_columns_and_no_close_is_rejected() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 3.0]})
    with pytest.raises(InputError, match="2 columns and no 'close'"):
        validate_series(frame)


def test_two_dimensional_array_is_rejected() -> None:
    with pytest.raises(InputError, match=r"shape \(3, 2\)"):
        validate_series(np.ones((3, 2)))


def test_non_numeric_values_are_named() -> None:
    with pytest.raises(InputError, match="not numeric.*'abc'"):
        validate_series(pd.Series([1.0, "abc", 3.0], dtype=object))


def test_too_short_names_needed_and_got() -> None:
    with pytest.raises(InputError, match=r"3 point\(s\) is too short for GSADF; at least 20"):
        validate_series([1.0, 2.0, 3.0], min_points=20, purpose="GSADF")


def test_nan_is_rejected_with_its_date() -> None:
    s = pd.Series([1.0, np.nan, 3.0, 4.0], index=daily(4))
    with pytest.raises(InputError, match=r"1 NaN and 0 infinite value\(s\), first at 2020-01-02"):
        validate_series(s)


def test_inf_is_rejected() -> None:
    with pytest.raises(InputError, match=r"0 NaN and 1 infinite"):
        validate_series([1.0, np.inf, 2.0])


def test_nan_repair_drops_and_reports() -> None:
    s = pd.Series([1.0, np.nan, 3.0, np.inf, 5.0], index=daily(5))
    v = validate_series(s, repair=True)
    assert list(v.values) == [1.0, 3.0, 5.0]
    assert v.report.actions == ("dropped 2 NaN/inf value(s)",)
    assert (v.report.n_input, v.report.n_output) == (5, 3)


@pytest.mark.parametrize("bad", [0.0, -1.5])
def test_non_positive_prices_are_rejected_even_with_repair(bad: float) -> None:
    s = pd.Series([1.0, 2.0, bad, 4.0], index=daily(4))
    for repair in (False, True):
        with pytest.raises(InputError, match=r"1 non-positive value\(s\).*2020-01-03.*logarithms"):
            validate_series(s, repair=repair)


def test_non_positive_allowed_when_not_taking_logs() -> None:
    v = validate_series([-1.0, 0.0, 2.0], positive=False)
    assert v.values[0] == -1.0


def test_constant_series_is_rejected() -> None:
    with pytest.raises(InputError, match="constant"):
        validate_series([5.0] * 30)


def test_unsorted_dates_are_rejected_with_position() -> None:
    idx = pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-02"])
    with pytest.raises(InputError, match="not sorted.*2020-01-02 after 2020-01-03"):
        validate_series(pd.Series([1.0, 2.0, 3.0], index=idx))


def test_unsorted_dates_repair_sorts() -> None:
    idx = pd.to_datetime(["2020-01-03", "2020-01-01", "2020-01-02"])
    v = validate_series(pd.Series([3.0, 1.0, 2.0], index=idx), repair=True)
    assert list(v.values) == [1.0, 2.0, 3.0]
    assert v.index.is_monotonic_increasing


def test_duplicated_dates_are_rejected() -> None:
    idx = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-02"])
    with pytest.raises(InputError, match=r"1 duplicated date\(s\), first 2020-01-02"):
        validate_series(pd.Series([1.0, 2.0, 3.0], index=idx))


def test_duplicated_dates_repair_keeps_last() -> None:
    idx = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-02"])
    v = validate_series(pd.Series([1.0, 2.0, 3.0], index=idx), repair=True)
    assert list(v.values) == [1.0, 3.0]
    assert "kept the last value" in v.report.actions[0]


def test_missing_dates_are_rejected() -> None:
    idx = pd.DatetimeIndex(["2020-01-01", None, "2020-01-03"])
    with pytest.raises(InputError, match=r"missing date\(s\) \(NaT\)"):
        validate_series(pd.Series([1.0, 2.0, 3.0], index=idx))


def test_mixed_frequencies_are_rejected_and_repaired() -> None:
    monthly = pd.date_range("2000-01-01", periods=24, freq="MS")
    days = pd.bdate_range("2002-01-07", periods=60)
    idx = monthly.append(days)
    s = pd.Series(np.linspace(1, 2, len(idx)), index=idx)
    with pytest.raises(InputError, match="mixed frequencies.*daily/monthly"):
        validate_series(s)
    v = validate_series(s, repair=True)
    assert v.report.frequency == "M"
    assert "resampled mixed daily/monthly data to monthly" in v.report.actions[0]
    assert len(v.series) == 24 + 3  # Jan–Mar 2002 from the daily tail


def test_daily_series_with_a_market_closure_is_not_mixed() -> None:
    idx = pd.bdate_range("2001-08-01", "2001-10-31")
    idx = idx[(idx < "2001-09-11") | (idx > "2001-09-14")]  # the 9/11 closure
    v = validate_series(pd.Series(np.linspace(1, 2, len(idx)), index=idx))
    assert v.report.frequency == "D"


def test_string_dates_in_the_index_are_parsed() -> None:
    s = pd.Series([1.0, 2.0], index=["2020-01-01", "2020-01-02"])
    assert isinstance(validate_series(s).index, pd.DatetimeIndex)


def test_garbage_index_is_rejected() -> None:
    s = pd.Series([1.0, 2.0], index=["a", "b"])
    with pytest.raises(InputError, match="neither dates nor integer positions"):
        validate_series(s)


def test_infer_frequency_classifies_weekly() -> None:
    freq, counts = infer_frequency(pd.date_range("2020-01-03", periods=30, freq="W-FRI"))
    assert freq == "W"
    assert counts["W"] == 29


def test_panel_accepts_ragged_columns_and_rejects_interior_nan() -> None:
    frame = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [np.nan, np.nan, 1.0, 2.0, 3.0]}, index=daily(5)
    )
    p = validate_panel(frame, min_points=3)
    assert p.values.shape == (5, 2)
    frame.iloc[3, 0] = np.nan
    with pytest.raises(InputError, match=r"1 row\(s\) with NaN/inf inside the data"):
        validate_panel(frame)
    repaired = validate_panel(frame, repair=True)
    assert len(repaired.frame) == 4


def test_panel_column_too_short_is_named() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [np.nan, np.nan, 1.0, 2.0]})
    with pytest.raises(InputError, match=r"panel\[b\]: 2 point\(s\) is too short"):
        validate_panel(frame, min_points=3)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(min_value=0.01, max_value=1e6, allow_nan=False), min_size=3, max_size=60),
    st.randoms(use_true_random=False),
)
def test_repair_is_idempotent_and_output_is_clean(values: list[float], rnd: object) -> None:
    idx = daily(len(values))
    order = list(range(len(values)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    s = pd.Series(values, index=idx).iloc[order]
    try:
        v = validate_series(s, repair=True, nonconstant=False)
    except InputError:
        return
    assert v.index.is_monotonic_increasing
    assert not v.index.has_duplicates
    assert np.isfinite(v.values).all()
    again = validate_series(v.series, repair=True, nonconstant=False)
    assert again.report.actions == ()
    pd.testing.assert_series_equal(again.series, v.series)
