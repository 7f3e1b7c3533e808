"""DS LPPLS Confidence and Trust: window sets, filters, S11, determinism, serial = parallel."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblescope.cli._common import to_jsonable
from bubblescope.detect.lppls import (
    LPPLSFilter,
    LPPLSIndicators,
    WindowSet,
    lppls_confidence,
    lppls_formula,
)
from bubblescope.errors import InputError


def nasdaq_dotcom() -> pd.Series:
    """The lppls wheel's nasdaq_dotcom.csv (Adj Close), the data S11 was computed on."""
    dl = pytest.importorskip("lppls.data_loader")
    df = dl.nasdaq_dotcom()
    return pd.Series(df["Adj Close"].to_numpy(), index=pd.to_datetime(df["Date"]), name="NASDAQ")


def test_fco_window_set_and_filters_follow_table_1() -> None:
    ws = WindowSet.fco()
    # Sornette et al. (2015): 750 -> 125 trading days in steps of 5 = 126 windows
    assert len(ws) == 126
    assert ws.lengths[0] == 750
    assert ws.lengths[-1] == 125
    assert WindowSet.parse("750:125:5") == ws
    f1, f2 = LPPLSFilter.fco_confidence(), LPPLSFilter.fco_trust()
    assert (f1.m, f1.omega, f1.tc, f1.min_oscillations, f1.min_damping, f1.max_relative_error) == (
        (0.01, 1.2),
        (2.0, 25.0),
        (-0.05, 0.1),
        2.5,
        0.8,
        0.05,
    )
    assert (f2.m, f2.min_damping, f2.max_relative_error) == ((0.01, 0.99), 1.0, 0.2)
    with pytest.raises(InputError, match="cannot read window set"):
        WindowSet.parse("750-125")
    with pytest.raises(InputError, match="shorter than min_window"):
        WindowSet(100, 200, 5)


@pytest.fixture(scope="module")
def s11() -> LPPLSIndicators:
    return lppls_confidence(nasdaq_dotcom(), dates=["1999-09-10", "2000-03-10"])


def test_s11_confidence_dotcom_peak_and_before(s11: LPPLSIndicators) -> None:
    f = s11.to_frame()
    # detection-methods.md S11: >= 0.10 at the 2000-03-10 peak, <= 0.05 six months earlier
    assert f.loc["2000-03-10", "confidence_pos"] >= 0.10
    assert f.loc["1999-09-10", "confidence_pos"] <= 0.05


def test_confidence_is_a_fraction_of_all_windows(s11: LPPLSIndicators) -> None:
    f = s11.to_frame()
    counts = f[["confidence_pos", "confidence_neg"]].to_numpy() * 126
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    assert ((f["confidence_pos"] + f["confidence_neg"]) <= 1.0).all()
    assert f["trust_pos"].isna().all()
    d = json.loads(json.dumps(to_jsonable(s11.to_dict())))
    assert d["windows"]["n_windows"] == 126
    assert [r["t2"] for r in d["rows"]] == ["1999-09-10", "2000-03-10"]
    assert "peak confidence_pos" in s11.summary()
    assert "trust not computed" in s11.summary()
    import matplotlib

    matplotlib.use("Agg")
    assert len(s11.plot().axes) == 2


def _synthetic_bubble() -> pd.Series:
    n = 320
    t = np.arange(float(n))
    logp = lppls_formula(t, n - 1 + 12.0, 0.5, 12.0, 6.0, -0.04, 0.0015, -0.001)
    noise = 0.008 * np.random.default_rng(11).standard_normal(n)
    return pd.Series(np.exp(logp + noise), index=pd.bdate_range("2010-01-04", periods=n))


def test_trust_reproducible_and_serial_equals_parallel() -> None:
    prices = _synthetic_bubble()
    kw = {
        "dates": [prices.index[-30], prices.index[-1]],
        "windows": WindowSet(200, 125, 25),
        "trust": True,
        "n_synthetic": 12,
        "rng": 5,
    }
    serial = lppls_confidence(prices, **kw).to_frame()
    again = lppls_confidence(prices, **kw).to_frame()
    parallel = lppls_confidence(prices, n_jobs=2, **kw).to_frame()
    pd.testing.assert_frame_equal(serial, again)
    pd.testing.assert_frame_equal(serial, parallel)
    assert serial[["trust_pos", "trust_neg"]].notna().all().all()
    assert (
        ((serial[["trust_pos", "trust_neg"]] >= 0) & (serial[["trust_pos", "trust_neg"]] <= 1))
        .all()
        .all()
    )
    # a clean synthetic positive bubble (tc = t2 + 12, m 0.5, ω 12, damping 1.4, 5 oscillations
    # over the longest window): every window qualifies with B < 0 at the last date
    assert serial["confidence_pos"].iloc[-1] == 1.0
    assert serial["confidence_neg"].iloc[-1] == 0.0


def test_indicator_input_errors() -> None:
    prices = _synthetic_bubble()
    with pytest.raises(InputError, match="the longest window needs 200"):
        lppls_confidence(prices, dates=[prices.index[50]], windows=WindowSet(200, 100, 25))
    with pytest.raises(InputError, match="too short"):
        lppls_confidence(prices)  # 320 observations < 750
    with pytest.raises(InputError, match="n_synthetic"):
        lppls_confidence(
            prices,
            dates=[prices.index[-1]],
            windows=WindowSet(200, 100, 25),
            trust=True,
            n_synthetic=0,
        )
    bad = prices.copy()
    bad.iloc[5] = 0.0
    with pytest.raises(InputError, match="non-positive"):
        lppls_confidence(bad, windows=WindowSet(200, 100, 25))
