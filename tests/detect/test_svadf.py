"""SV-ADF dating (Sarkar & Wells 2026, arXiv:2604.12062, a non-peer-reviewed preprint).

References: the thresholds recomputed from their formulas; the BADF path against OLS by
``numpy.linalg.lstsq``; the dating rule against a loop written from exuber's description
(``datestamp(option = "svadf")``, ``R/radf-methods.R``); exuber's own validation of the rule
(commit 40e8f74 of the development branch: a 60/40/40 bubble-and-collapse design dated with 100%
detection and a mean absolute origination error of 4.95 periods over 20 replications, and 8 false
alarms in 60 random walks of 150 points).

The paper's empirical dates (AI-exposed stocks) are not compared: its text could not be read
beyond the abstract here, so neither its sample, its frequency nor its dated episodes are known.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.detect import psy, svadf
from bubblescope.detect.svadf_dating import svadf_dates, svadf_thresholds
from bubblescope.errors import InputError


def _ols_adf(y: np.ndarray) -> float:
    """ADF t-ratio, lag 0 with an intercept, by least squares."""
    dy = np.diff(y)
    x = np.column_stack([np.ones(len(dy)), y[:-1]])
    beta, ssr, _, _ = np.linalg.lstsq(x, dy, rcond=None)
    s2 = float(ssr[0]) / (len(dy) - 2)
    cov = s2 * np.linalg.inv(x.T @ x)
    return float(beta[1] / math.sqrt(cov[1, 1]))


def _brute_force(
    badf: np.ndarray, t: np.ndarray, min_duration: int
) -> tuple[int, int | None] | None:
    """The dating rule written out point by point (exuber's description of it)."""
    n = len(badf)
    need = max(min_duration, 1)
    start = None
    run = 0
    for i in range(n):
        run = run + 1 if badf[i] > math.log(t[i]) / 10 else 0
        if run == 1:
            first = i
        # a run counts once it is long enough, whether or not it continues
        if run >= need:
            start = first
            break
    if start is None:
        return None
    run = 0
    for i in range(start + 1, n):
        run = run + 1 if badf[i] < math.log(t[i]) / 2 else 0
        if run == 1:
            first = i
        if run >= need:
            return start, first
    return start, None


def _boom_and_bust(rng: np.random.Generator) -> np.ndarray:
    """exuber's test design: 60 random-walk points, 40 of a 1.04 root, a 40-point collapse."""
    walk = 100 + np.cumsum(rng.standard_normal(60))
    boom = walk[-1] * 1.04 ** np.arange(1, 41) + np.cumsum(rng.standard_normal(40))
    bust = boom[-1] - np.cumsum(np.abs(rng.normal(3.0, 1.0, 40)))
    return np.r_[walk, boom, bust]


# --- thresholds and statistic ------------------------------------------------------------------


def test_thresholds_are_log_t_over_10_and_over_2() -> None:
    t = np.array([2, 10, 100, 1234, 50_000])
    orig, coll = svadf_thresholds(t)
    for k, tk in enumerate(t):
        assert orig[k] == pytest.approx(math.log(tk) / 10, rel=1e-15)
        assert coll[k] == pytest.approx(math.log(tk) / 2, rel=1e-15)
    assert np.all(coll > orig)


def test_frame_thresholds_use_the_window_size() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(90))
    res = svadf(y)
    frame = res.to_frame().dropna(subset=["badf"])
    for pos, row in frame.iterrows():
        t = int(pos) + 1  # a window [0, pos] holds pos + 1 points
        assert row["t"] == t
        assert row["origination_threshold"] == pytest.approx(math.log(t) / 10, rel=1e-15)
        assert row["collapse_threshold"] == pytest.approx(math.log(t) / 2, rel=1e-15)


def test_badf_is_the_forward_recursive_adf() -> None:
    y = 50 + np.cumsum(np.random.default_rng(4).standard_normal(120))
    res = svadf(y, window=30)
    pd.testing.assert_series_equal(res.badf, psy(y, window=30, cv=None).badf)
    for end in (29, 60, 119):
        assert res.badf.loc[end] == pytest.approx(_ols_adf(y[: end + 1]), rel=1e-9)


# --- the dating rule ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    min_duration=st.integers(0, 6),
)
def test_dating_rule_equals_a_brute_force_loop(seed: int, n: int, min_duration: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(20, 20 + n, dtype=np.float64)
    # values around both thresholds so that runs start and stop often
    lo, hi = np.log(t) / 10, np.log(t) / 2
    badf = rng.choice([-1.0, 0.5, 1.0, 1.5], size=n) * (lo + hi) / 2 + rng.normal(0, 0.2, n)
    assert svadf_dates(badf, t, min_duration=min_duration) == _brute_force(badf, t, min_duration)


def test_collapse_never_precedes_origination() -> None:
    rng = np.random.default_rng(3)
    for _ in range(40):
        res = svadf(np.cumsum(rng.standard_normal(150)), min_duration=2)
        if res.episode is not None and res.episode.end is not None:
            assert res.episode.end > res.episode.start
            frame = res.to_frame()
            assert frame["episode"].sum() == res.episode.duration


def test_bubble_then_collapse_is_dated_near_the_truth() -> None:
    """exuber's design (bubble from point 60, collapse from 100), 200 replications.

    exuber reports 100% detection and a mean absolute origination error of 4.95 over 20
    replications; the collapse is dated late (its 20.25): BADF's window is anchored at the
    first point, which dilutes a fall.
    """
    rng = np.random.default_rng(20260818)
    orig, coll = [], []
    for _ in range(200):
        res = svadf(_boom_and_bust(rng), window="exuber")
        assert res.episode is not None
        orig.append(res.origination - 60)
        coll.append(res.collapse - 100 if res.collapse is not None else 40)
    o, c = np.array(orig), np.array(coll)
    assert np.mean(np.abs(o)) < 8.0
    assert np.mean(np.abs(o) < 20) > 0.9  # exuber's own acceptance: |start - 60| < 20
    assert 0 <= np.median(c) <= 30  # dated after the fall starts, within its 40 points


@pytest.mark.slow
def test_false_alarm_rate_on_random_walks_matches_exuber() -> None:
    """2,000 random walks of 150 points (exuber's window and min_duration 5), lag 0.

    exuber's validation found 8 episodes in 60 walks (13.3%, s.e. 4.4%). Measured here: the
    share of walks with an episode, which must agree within 3 joint standard errors and stay
    below exuber's test bound of 20%.
    """
    rng = np.random.default_rng(150)
    reps = 2000
    hits = sum(
        svadf(np.cumsum(rng.standard_normal(150)), window="exuber", min_duration=5).episode
        is not None
        for _ in range(reps)
    )
    rate = hits / reps
    peer = 8 / 60
    se = math.sqrt(rate * (1 - rate) / reps + peer * (1 - peer) / 60)
    assert abs(rate - peer) < 3 * se
    assert rate < 0.20


# --- input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.array([1.0, 3.0, 2.0]), "too short for SV-ADF"),
        (np.r_[np.cumsum(np.ones(50)), np.nan, np.ones(10)], "NaN|missing|finite"),
        (np.r_[np.cumsum(np.ones(50)), np.inf, np.ones(10)], "inf|finite"),
        (np.ones(100), "constant"),
    ],
)
def test_bad_series_raise_input_errors(y: np.ndarray, match: str) -> None:
    with pytest.raises(InputError, match=match):
        svadf(y)


def test_bad_options_raise_input_errors() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(100))
    with pytest.raises(InputError, match="lag"):
        svadf(y, lag=-1)
    with pytest.raises(InputError, match="window"):
        svadf(y, window=500)
    with pytest.raises(InputError, match="min_duration"):
        svadf(y, min_duration=-1)
    with pytest.raises(InputError, match="delta"):
        svadf(y, delta=0.0)
    with pytest.raises(InputError, match="at least 2"):
        svadf_thresholds(1)
    with pytest.raises(InputError, match="differ"):
        svadf_dates(np.zeros(3), np.arange(2, 6, dtype=float), min_duration=1)


def test_registry_refuses_non_positive_prices_for_logs() -> None:
    from bubblescope.analyses.engines import SVADF

    idx = pd.bdate_range("2020-01-01", periods=300)
    prices = pd.Series(np.linspace(-5.0, 50.0, 300), index=idx, name="X")
    with pytest.raises(InputError, match="positive"):
        SVADF.run(prices, SVADF.configure("standard", {"lookback_years": None}))


def test_result_names_the_preprint() -> None:
    rng = np.random.default_rng(11)
    res = svadf(_boom_and_bust(rng), name="boom")
    assert "non-peer-reviewed preprint" in res.summary()
    data = res.to_dict()
    assert data["peer_reviewed"] is False
    assert "2604.12062" in data["reference"]
    assert data["episode"]["start"] == res.origination
