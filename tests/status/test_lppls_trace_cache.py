"""The status page's LPPLS ``since`` trace reads its month ends back from the results cache.

A month end's Confidence depends only on its longest window's prices and the settings, so a
series extended by new days (a daily ``bubblescope data update``) recomputes only its new last
date on each scale, and the reading equals one computed with the cache off. The cost estimate
counts the same dates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bubblescope.detect.lppls as lppls_module
from bubblescope.detect.lppls import lppls_formula
from bubblescope.settings import RunSettings
from bubblescope.status.readings import Reading, lppls_pending, lppls_reading

#: One short scale (183 -> 40 trading days) and three month ends back: quick, still a trace.
SETTINGS = RunSettings.preset("standard").with_changes(
    lppls={"scales": ["short"], "history_months": 3}
)


def _prices() -> pd.Series:
    """An LPPLS run-up with 1% noise (seeded), business days, the last one 2021-06-30."""
    days = pd.bdate_range(end="2021-06-30", periods=320)
    t = np.arange(days.shape[0], dtype=np.float64)
    logp = lppls_formula(t, days.shape[0] + 15.0, 0.5, 9.0, 5.0, -0.04, 0.002, 0.001)
    noise = 0.01 * np.random.default_rng(11).standard_normal(days.shape[0])
    return pd.Series(np.exp(logp + noise), index=days, name="X")


@pytest.fixture(autouse=True)
def results_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "results"
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(folder))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[pd.Timestamp]:
    """The dates ``lppls_confidence`` is asked to compute, in the order asked."""
    asked: list[pd.Timestamp] = []
    original = lppls_module.lppls_confidence

    def spy(prices: pd.Series, dates: list[pd.Timestamp], **kwargs: object) -> object:
        asked.extend(pd.Timestamp(d) for d in dates)
        return original(prices, dates, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lppls_module, "lppls_confidence", spy)
    return asked


def _uncached(close: pd.Series, monkeypatch: pytest.MonkeyPatch) -> Reading:
    with monkeypatch.context() as m:
        m.setenv("BUBBLESCOPE_NO_CACHE", "1")
        return lppls_reading(close, SETTINGS)


def test_a_cached_trace_gives_the_uncached_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    close = _prices()
    assert lppls_pending(close, SETTINGS) == {"short": 4}  # the last date and 3 month ends
    first = lppls_reading(close, SETTINGS)
    assert first == _uncached(close, monkeypatch)
    assert lppls_pending(close, SETTINGS) == {"short": 1}  # only the last date is recomputed
    assert lppls_reading(close, SETTINGS) == first


def test_a_new_day_recomputes_only_the_new_last_date(
    computed: list[pd.Timestamp], monkeypatch: pytest.MonkeyPatch
) -> None:
    close = _prices()
    lppls_reading(close, SETTINGS)
    assert computed == [
        pd.Timestamp("2021-06-30"),
        pd.Timestamp("2021-03-31"),
        pd.Timestamp("2021-04-30"),
        pd.Timestamp("2021-05-31"),
    ]
    # one more day, in the next month: June 30 turns from the last date into a month end of
    # the trace, and was kept when it was the last date
    longer = pd.concat(
        [close, pd.Series([close.iloc[-1] * 1.01], index=[pd.Timestamp("2021-07-01")])]
    )
    computed.clear()
    assert lppls_pending(longer, SETTINGS) == {"short": 1}
    again = lppls_reading(longer, SETTINGS)
    assert computed == [pd.Timestamp("2021-07-01")]
    assert again == _uncached(longer, monkeypatch)
    # June 30's Confidence (0.56, read back) is what holds the red light since then
    assert (again.light, again.since) == ("red", "2021-06-30")


def test_a_revised_price_recomputes_the_dates_whose_window_holds_it(
    computed: list[pd.Timestamp],
) -> None:
    close = _prices()
    lppls_reading(close, SETTINGS)
    revised = close.copy()
    revised.loc["2021-04-15"] *= 1.02  # inside the windows ending April 30 and later
    computed.clear()
    assert lppls_pending(revised, SETTINGS) == {"short": 3}
    lppls_reading(revised, SETTINGS)
    assert sorted(computed) == [
        pd.Timestamp("2021-04-30"),
        pd.Timestamp("2021-05-31"),
        pd.Timestamp("2021-06-30"),
    ]


def test_cached_and_fresh_dates_land_on_their_own_dates() -> None:
    """GOOGL's short-scale trace (distinct nonzero month ends) equals one direct computation.

    Half the month ends are cached first (a reading of the series cut at an earlier month
    end), so the trace mixes values read back and values computed; a value on the wrong date
    would show, as the trace's Confidence differs from month to month.
    """
    from bubblescope.data.catalog import load_series
    from bubblescope.status.readings import _lppls_scale, lppls_trace_dates

    run = SETTINGS.with_changes(lppls={"history_months": 12})
    windows = run.lppls.windows()["short"]
    close = load_series("GOOGL")["close"].dropna()
    dates = lppls_trace_dates(close, run)["short"]
    direct = lppls_module.lppls_confidence(close, dates, windows=windows).frame
    expected = direct["confidence_pos"].to_numpy()
    assert len(set(expected.tolist())) >= 3  # zero and at least two distinct nonzero values
    lppls_reading(close.loc[: dates[6]], run)  # caches the month ends up to the seventh
    assert lppls_pending(close, run) == {"short": 1 + len(dates) - 1 - 7}
    _, trace = _lppls_scale(close, dates, windows)
    np.testing.assert_array_equal(trace.to_numpy(), expected)
    assert list(trace.index) == dates
