"""SV-ADF dating (Sarkar & Wells 2026, arXiv:2604.12062, a non-peer-reviewed preprint).

References:

* the paper's dates for the twelve AI-exposed stocks of its Figures 7 and 8, read from the
  figures in the authors' replication repository (github.com/AbirS2026/SVADF-Bubble, commit
  a6dc2f7, ``figures/six_stock_bubbles_tech.pdf`` and ``figures/chip_ai_6stock_bubbles.pdf``:
  the "Origination - Mon YYYY" and "Collapse - Mon-YYYY" labels of each panel, drawn as text
  in the PDFs), on the samples of the scripts that draw them;
* the thresholds recomputed from their formulas, both statistics against least squares;
* both dating rules against loops written from their descriptions (the replication code's, and
  exuber's ``datestamp(option = "svadf")``);
* exuber's validation of its reading (development-branch commit 40e8f74: a 60/40/40 boom and
  bust dated with 100% detection and a mean absolute origination error of 4.95 over 20
  replications; 8 false alarms in 60 random walks of 150 points).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.detect import psy, svadf
from bubblescope.detect.svadf_dating import (
    coefficient_path,
    exuber_dates,
    paper_dates,
    svadf_thresholds,
)
from bubblescope.errors import InputError

# --- the paper's figures ------------------------------------------------------------------------

#: (ticker, first date, end date exclusive, origination month, collapse month or None): the
#: labels of Figures 7 and 8. The figures label the first episode of each sample; the collapse
#: month is the collapse date's month, or the next month from its 15th day on.
PAPER_FIGURES = (
    ("GOOGL", "2022-01-01", "2026-02-01", "2025-10", None),
    ("META", "2022-03-01", "2026-01-01", "2024-01", "2024-05"),
    ("TSLA", "2018-01-01", "2022-01-01", "2020-06", "2021-03"),
    ("AAPL", "2022-01-01", "2026-02-01", None, None),
    ("MSFT", "2022-01-01", "2026-03-01", None, None),
    ("AMZN", "2022-01-01", "2026-02-01", None, None),
    ("NVDA", "2022-01-01", "2026-01-01", "2024-01", "2024-08"),
    ("ASML", "2018-06-01", "2026-01-01", "2020-12", "2021-03"),
    ("MU", "2022-01-01", "2026-03-01", "2025-10", None),
    ("TSM", "2022-01-01", "2026-01-01", "2025-09", None),
    ("AVGO", "2022-01-01", "2026-01-01", "2023-12", "2024-03"),
    ("PLTR", "2022-01-01", "2026-01-01", "2024-09", "2025-03"),
)


def _collapse_month(day: pd.Timestamp) -> str:
    """The figures' collapse label: the month, or the next one from the 15th on."""
    month = day.to_period("M")
    return str(month if day.day < 15 else month + 1)


@pytest.mark.parametrize(
    ("ticker", "first", "end", "origination", "collapse"),
    PAPER_FIGURES,
    ids=[row[0] for row in PAPER_FIGURES],
)
def test_paper_figures_7_and_8_are_reproduced(
    ticker: str, first: str, end: str, origination: str | None, collapse: str | None
) -> None:
    """Daily adjusted closes in levels, the paper's settings (the defaults), its samples.

    The shipped closes are Yahoo adjusted closes of a later vintage (to 2026-08-03); later
    dividends rescale a whole sample, which leaves the statistic unchanged. Precision: the
    figures' month labels.
    """
    from bubblescope.data.catalog import load_series

    close = load_series(ticker)["close"]
    sample = close[(close.index >= first) & (close.index < end)].dropna()
    res = svadf(sample, name=ticker)
    if origination is None:
        assert res.origination is None
        return
    assert str(res.origination.to_period("M")) == origination
    got = None if res.collapse is None else _collapse_month(res.collapse)
    assert got == collapse


# --- thresholds and statistics -------------------------------------------------------------------


def test_thresholds_are_log_t_over_10_and_over_2() -> None:
    t = np.array([2, 10, 100, 1234, 50_000])
    orig, coll = svadf_thresholds(t)
    for k, tk in enumerate(t):
        assert orig[k] == pytest.approx(math.log(tk) / 10, rel=1e-15)
        assert coll[k] == pytest.approx(math.log(tk) / 2, rel=1e-15)
    assert np.all(coll > orig)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(x)), x])
    return float(np.linalg.lstsq(design, y, rcond=None)[0][1])


@pytest.mark.parametrize("level", [0.0, 1e8])
def test_coefficient_statistic_against_least_squares(level: float) -> None:
    """tau (delta_hat - 1) by lstsq; at a level of 1e8 the reference regresses the exact
    difference from the level, so the recursion must not lose digits to it."""
    y = level + np.cumsum(np.random.default_rng(5).standard_normal(301))
    exact = y - level  # exact: y lies within a factor 2 of the level (Sterbenz)
    path = coefficient_path(y, 20)
    for tau in (20, 150, 300):
        ref = tau * (_slope(exact[:tau], exact[1 : tau + 1]) - 1)
        assert path[tau - 20] == pytest.approx(ref, rel=1e-8, abs=1e-9)


def test_paper_windows_and_thresholds() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(301))
    res = svadf(y)
    frame = res.to_frame().dropna(subset=["stat"])
    assert frame.index[0] == 30  # floor(0.1 n), n = 300 regression rows
    for pos, row in frame.iterrows():
        # the window ending at position tau holds tau regression rows: t = tau
        assert row["t"] == pos
        assert row["origination_threshold"] == pytest.approx(math.log(pos) / 10, rel=1e-15)
        assert row["collapse_threshold"] == pytest.approx(math.log(pos) / 2, rel=1e-15)


def _ols_adf(y: np.ndarray) -> float:
    """ADF t-ratio, lag 0 with an intercept, by least squares."""
    dy = np.diff(y)
    x = np.column_stack([np.ones(len(dy)), y[:-1]])
    beta, ssr, _, _ = np.linalg.lstsq(x, dy, rcond=None)
    cov = float(ssr[0]) / (len(dy) - 2) * np.linalg.inv(x.T @ x)
    return float(beta[1] / math.sqrt(cov[1, 1]))


def test_exuber_statistic_is_the_forward_recursive_adf() -> None:
    y = 50 + np.cumsum(np.random.default_rng(4).standard_normal(120))
    res = svadf(y, rule="exuber", window=30)
    np.testing.assert_array_equal(res.stat.to_numpy(), psy(y, window=30, cv=None).badf)
    for end in (29, 60, 119):
        assert res.stat.loc[end] == pytest.approx(_ols_adf(y[: end + 1]), rel=1e-9)
        assert res.t.loc[end] == end + 1


# --- the dating rules ----------------------------------------------------------------------------


def _all(stat: np.ndarray, t: np.ndarray, lo: int, hi: int, divisor: float, above: bool) -> bool:
    """Every point in ``lo..hi-1`` above (or below) ``log(t) / divisor``."""
    for k in range(lo, hi):
        bound = math.log(t[k]) / divisor
        if (stat[k] <= bound) if above else (stat[k] >= bound):
            return False
    return True


def _paper_loop(
    stat: np.ndarray, t: np.ndarray, clock: np.ndarray, m: int, r: int, bridge: float
) -> list[tuple[int, int | None]]:
    """The replication code's episode loop, point by point."""
    n = len(stat)
    out: list[tuple[int, int | None]] = []
    i = 0
    while i < n:
        start = next((j for j in range(i, n - m + 1) if _all(stat, t, j, j + m, 10, True)), None)
        if start is None:
            break
        after = next((k for k in range(n) if clock[k] >= clock[start] + bridge), n - 1)
        end = next((k for k in range(start + 1, after) if _all(stat, t, k, k + 1, 10, False)), None)
        if end is None:
            end = next(
                (j for j in range(after, n - r + 1) if _all(stat, t, j, j + r, 2, False)), None
            )
        out.append((start, end))
        if end is None:
            break
        i = end + 1
    return out


def _exuber_loop(stat: np.ndarray, t: np.ndarray, m: int, r: int) -> list[tuple[int, int | None]]:
    """exuber's rule, point by point: the first long-enough run above, then below."""

    def first_run(flags: list[bool], need: int, offset: int) -> int | None:
        run = 0
        for k, flag in enumerate(flags):
            run = run + 1 if flag else 0
            if run >= need:
                return offset + k - need + 1
        return None

    above = [stat[k] > math.log(t[k]) / 10 for k in range(len(stat))]
    start = first_run(above, m, 0)
    if start is None:
        return []
    below = [stat[k] < math.log(t[k]) / 2 for k in range(start + 1, len(stat))]
    return [(start, first_run(below, r, start + 1))]


def _random_path(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A statistic wandering across both thresholds, window sizes, and a clock with gaps."""
    rng = np.random.default_rng(seed)
    t = np.arange(20, 20 + n, dtype=np.float64)
    lo, hi = np.log(t) / 10, np.log(t) / 2
    stat = rng.choice([-1.0, 0.5, 1.5, 2.5], size=n) * (lo + hi) / 2 + rng.normal(0, 0.3, n)
    clock = np.cumsum(rng.integers(1, 4, size=n)).astype(np.float64)
    return stat, t, clock


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    m=st.integers(1, 6),
    r=st.integers(1, 6),
    bridge=st.integers(1, 30),
)
def test_paper_rule_equals_its_loop(seed: int, n: int, m: int, r: int, bridge: int) -> None:
    stat, t, clock = _random_path(seed, n)
    got = paper_dates(stat, t, clock, origination_run=m, collapse_run=r, bridge=bridge)
    assert [(a, b) for a, b, _ in got] == _paper_loop(stat, t, clock, m, r, bridge)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 80), m=st.integers(1, 6))
def test_exuber_rule_equals_its_loop(seed: int, n: int, m: int) -> None:
    stat, t, _ = _random_path(seed, n)
    got = exuber_dates(stat, t, origination_run=m, collapse_run=m)
    assert [(a, b) for a, b, _ in got] == _exuber_loop(stat, t, m, m)


def test_episodes_are_ordered_and_flagged() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        idx = pd.bdate_range("2020-01-01", periods=600)
        res = svadf(pd.Series(100 + np.cumsum(rng.standard_normal(600)), index=idx),
                    origination_run=10, collapse_run=10, bridge=20)  # fmt: skip
        previous = None
        for ep in res.episodes:
            assert previous is None or ep.start > previous
            assert ep.end is None or ep.end > ep.start
            previous = ep.end
        assert res.to_frame()["episode"].sum() == sum(ep.duration for ep in res.episodes)


def _boom_and_bust(rng: np.random.Generator) -> np.ndarray:
    """exuber's test design: 60 random-walk points, 40 of a 1.04 root, a 40-point collapse."""
    walk = 100 + np.cumsum(rng.standard_normal(60))
    boom = walk[-1] * 1.04 ** np.arange(1, 41) + np.cumsum(rng.standard_normal(40))
    bust = boom[-1] - np.cumsum(np.abs(rng.normal(3.0, 1.0, 40)))
    return np.r_[walk, boom, bust]


@pytest.mark.parametrize("rule", ["paper", "exuber"])
def test_boom_then_bust_is_dated_near_the_truth(rule: str) -> None:
    """exuber's design (boom from point 60, bust from 100), 200 replications, both rules.

    exuber reports 100% detection and a mean absolute origination error of 4.95 over 20
    replications for its reading. The paper's rule runs with runs of 5 and a bridge of 10
    points (its 60, 30 and 90 days are for four years of daily data).
    """
    rng = np.random.default_rng(20260818)
    errors = []
    for _ in range(200):
        y = _boom_and_bust(rng)
        if rule == "paper":
            res = svadf(y, origination_run=5, collapse_run=5, bridge=10)
        else:
            res = svadf(y, rule="exuber", window="exuber")
        assert res.origination is not None
        errors.append(res.origination - 60)
        assert res.collapse is None or res.collapse > res.origination
    e = np.abs(np.array(errors))
    assert e.mean() < 8.0
    assert np.mean(e < 20) > 0.9  # exuber's own acceptance: |start - 60| < 20


@pytest.mark.slow
def test_exuber_false_alarms_on_random_walks_match_exuber() -> None:
    """2,000 random walks of 150 points (exuber's window and runs of 5), lag 0.

    exuber's validation found 8 episodes in 60 walks (13.3%, s.e. 4.4%); the share here must
    agree within 3 joint standard errors and stay below exuber's test bound of 20%.
    """
    rng = np.random.default_rng(150)
    reps = 2000
    hits = sum(
        svadf(
            np.cumsum(rng.standard_normal(150)), rule="exuber", window="exuber",
            origination_run=5, collapse_run=5,
        ).origination is not None
        for _ in range(reps)
    )  # fmt: skip
    rate = hits / reps
    peer = 8 / 60
    se = math.sqrt(rate * (1 - rate) / reps + peer * (1 - peer) / 60)
    assert abs(rate - peer) < 3 * se
    assert rate < 0.20


# --- input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["paper", "exuber"])
@pytest.mark.parametrize(
    ("y", "match"),
    [
        (np.array([1.0, 3.0, 2.0]), "too short for SV-ADF"),
        (np.r_[np.cumsum(np.ones(50)), np.nan, np.ones(10)], "NaN|missing|finite"),
        (np.r_[np.cumsum(np.ones(50)), np.inf, np.ones(10)], "inf|finite"),
        (np.ones(100), "constant"),
    ],
)
def test_bad_series_raise_input_errors(y: np.ndarray, match: str, rule: str) -> None:
    with pytest.raises(InputError, match=match):
        svadf(y, rule=rule)  # type: ignore[arg-type]


def test_bad_options_raise_input_errors() -> None:
    y = np.cumsum(np.random.default_rng(0).standard_normal(100))
    cases = [
        ({"rule": "pwy"}, "unknown rule"),
        ({"origination_run": 0}, "origination_run"),
        ({"collapse_run": -2}, "collapse_run"),
        ({"bridge": 0}, "bridge"),
        ({"min_fraction": 1.0}, "min_fraction"),
        ({"rule": "exuber", "bridge": 90}, "bridge applies only to rule 'paper'"),
        ({"lag": 1}, "lag applies only to rule 'exuber'"),
        ({"rule": "exuber", "lag": -1}, "lag"),
        ({"rule": "exuber", "window": 500}, "window"),
    ]
    for kwargs, match in cases:
        with pytest.raises(InputError, match=match):
            svadf(y, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="constant over the first"):
        svadf(np.r_[np.ones(30), np.cumsum(np.ones(70))])
    with pytest.raises(InputError, match="at least 2"):
        svadf_thresholds(1)


def test_registry_refuses_non_positive_prices_for_logs() -> None:
    from bubblescope.analyses.engines import SVADF

    idx = pd.bdate_range("2020-01-01", periods=300)
    prices = pd.Series(np.linspace(-5.0, 50.0, 300), index=idx, name="X")
    settings_ = SVADF.configure("standard", {"lookback_years": None, "transform": "log"})
    with pytest.raises(InputError, match="positive"):
        SVADF.run(prices, settings_)


def test_result_names_the_preprint() -> None:
    res = svadf(_boom_and_bust(np.random.default_rng(11)), origination_run=5, bridge=10.0)
    assert "non-peer-reviewed preprint" in res.summary()
    data = res.to_dict()
    assert data["peer_reviewed"] is False
    assert "2604.12062" in data["reference"]
    assert data["episodes"][0]["start"] == res.origination
