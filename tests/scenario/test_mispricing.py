"""Bust odds move with the evidence (issue 15, Deliver 1 and its acceptance properties).

Every comparison runs on common random numbers: the same seed gives the same draws whatever
the parameters (their number never depends on them), so where the model is monotone the
properties hold path by path, without tolerance. The base-rate check is statistical: a
binomial share against the closed form ``1 - exp(-h0 T)``, within four standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.economy.valuation import dcf_value
from bubblescope.scenario import load_scenario, run_scenario
from bubblescope.scenario.base_rate import base_crash_rate, spell_depths
from bubblescope.scenario.model import simulate
from bubblescope.scenario.pricing import priced_growth
from bubblescope.scenario.runner import model_inputs

SEED = 20261206
N = 600

# Nothing mispriced, revenue exactly on the priced path, capacity and funding never binding.
NO_GAP = {
    "initial_overvaluation": 0.0,
    "ai_revenue_vol": 0.0,
    "revenue_growth_surprise": 0.0,
    "adoption_vol": 0.0,  # adoption on its fitted curve: demand meets the expected path
    "grid_additions": 1_000.0,
    "internal_cash_start": 5_000.0,
}


def _paths(
    overrides: dict[str, float] | None = None, preset: str = "base", n: int = N, seed: int = SEED
) -> dict[str, np.ndarray]:
    spec = load_scenario(preset)
    if overrides:
        spec = spec.with_overrides(overrides)
    return simulate(model_inputs(spec), np.random.SeedSequence(seed), n)


def _busts_by(p: dict[str, np.ndarray], years: int = 10) -> np.ndarray:
    return np.array([np.mean(p["bust_time"] < t) for t in range(1, years + 1)])


def test_bust_share_moves_with_initial_overvaluation() -> None:
    """The issue's reproduction: 4,000 paths, seed 1, overvaluation 0, 0.5 and 1.0.

    Before the fix every setting gave the same ~93% (an exogenous onset clock); the shares
    must now rise with the overvaluation, each step by more than four binomial standard errors.
    """
    shares = [
        run_scenario(
            "base", n_paths=4_000, rng=1, overrides={"initial_overvaluation": w}
        ).busted.mean()
        for w in (0.0, 0.5, 1.0)
    ]
    se = math.sqrt(0.25 / 4_000)
    assert shares[1] - shares[0] > 4 * se
    assert shares[2] - shares[1] > 4 * se


@settings(max_examples=12, deadline=None)
@given(w=st.floats(0.0, 1.5), dw=st.floats(0.05, 1.0))
def test_more_overvaluation_busts_earlier_path_by_path(w: float, dw: float) -> None:
    lo = _paths({"initial_overvaluation": w}, n=300)
    hi = _paths({"initial_overvaluation": w + dw}, n=300)
    assert (hi["bust_time"] <= lo["bust_time"]).all()
    both = np.isfinite(hi["gap"]) & np.isfinite(lo["gap"])  # NaN after a path's bust
    assert (hi["gap"][both] >= lo["gap"][both]).all()  # the priced path is steeper
    assert (np.isfinite(hi["gap"]) <= np.isfinite(lo["gap"])).all()  # and busts no later
    assert (_busts_by(hi) >= _busts_by(lo)).all()


@settings(max_examples=12, deadline=None)
@given(d=st.floats(-0.2, 0.2), dd=st.floats(0.02, 0.3))
def test_faster_realised_revenue_busts_later_path_by_path(d: float, dd: float) -> None:
    slow = _paths({"revenue_growth_surprise": d}, n=300)
    fast = _paths({"revenue_growth_surprise": d + dd}, n=300)
    assert (fast["bust_time"] >= slow["bust_time"]).all()
    assert (_busts_by(fast) <= _busts_by(slow)).all()


def test_realised_revenue_growth_lowers_the_bust_odds() -> None:
    shares = [
        np.mean(_paths({"revenue_growth_surprise": d}, n=2_000)["bust_year"] >= 0)
        for d in (-0.1, 0.0, 0.1)
    ]
    se = math.sqrt(0.25 / 2_000)
    assert shares[0] - shares[1] > 4 * se
    assert shares[1] - shares[2] > 4 * se


@pytest.mark.parametrize(
    ("preset", "name", "factor"),
    [
        ("base", "grid_additions", 0.6),
        ("base", "grid_growth", 0.0),
        ("base", "internal_cash_start", 0.7),
        ("base", "max_leverage", 0.3),
        ("funding_squeeze", "equity_issuance_rate", 0.0),
        ("funding_squeeze", "internal_cash_start", 0.9),
    ],
)
def test_tighter_funding_or_power_busts_earlier(preset: str, name: str, factor: float) -> None:
    spec = load_scenario(preset)
    loose = _paths(preset=preset)
    tight = _paths({name: spec.value(name) * factor}, preset=preset)
    assert (tight["bust_time"] <= loose["bust_time"]).all()
    assert (_busts_by(tight) >= _busts_by(loose)).all()
    # strictly earlier on average: the constraint reaches the bust through revenue served
    # (power, funding) or through a funding failure once the gap is public
    horizon = 10.0
    assert np.mean(np.minimum(tight["bust_time"], horizon)) < np.mean(
        np.minimum(loose["bust_time"], horizon)
    )


def test_power_shortfall_caps_revenue_served_and_widens_the_gap() -> None:
    loose = _paths()
    tight = _paths({"grid_additions": 6.0})
    assert (loose["revenue"] <= loose["demand"] * (1 + 1e-12)).all()
    pre = np.arange(10)[None, :] <= np.where(tight["bust_year"] < 0, 9, tight["bust_year"])[:, None]
    assert (tight["revenue"][pre] < tight["demand"][pre]).any()
    assert (tight["gap"][pre] >= loose["gap"][pre]).all()
    assert np.isnan(tight["gap"][~pre]).all()


def test_without_a_gap_the_bust_odds_are_the_historical_base_rate() -> None:
    n = 20_000
    res = run_scenario("base", n_paths=n, rng=SEED, overrides=NO_GAP, chunk_size=5_000)
    p = res.paths
    last = np.where(p["bust_year"] < 0, 9, p["bust_year"])
    before = np.arange(10)[None, :] <= last[:, None]  # after a bust the plan is cut
    np.testing.assert_allclose(p["gap"][before], 0.0, atol=1e-9)
    assert not np.isfinite(p["onset_time"]).any()
    h0 = base_crash_rate(res.spec.value("crash_threshold")).rate
    horizon = len(res.years)
    expected = 1.0 - math.exp(-h0 * horizon)
    se = math.sqrt(expected * (1.0 - expected) / n)
    assert abs(res.busted.mean() - expected) < 4 * se
    assert (p["base_rate_bust"] == res.busted).all()
    # year by year the cumulative share follows 1 - exp(-h0 t)
    by_year = 1.0 - np.exp(-h0 * np.arange(1, horizon + 1))
    assert np.max(np.abs(res.bust_share_by_year() - by_year)) < 4 * se
    assert res.summary().count("Base rate:") == 1


def test_no_gap_no_onset_even_when_any_shortfall_would_reveal_it() -> None:
    p = _paths({**NO_GAP, "revenue_disappointment": 0.0}, n=2_000)
    assert not np.isfinite(p["onset_time"]).any()
    assert (p["bust_year"] >= 0).sum() == p["base_rate_bust"].sum()


def test_base_rate_counts_the_sp500_crashes_since_1927() -> None:
    """Peaks of the four S&P 500 falls of 40% or more: 1929, 1973, 2000 and 2007.

    An independent recount with a plain loop over the closes (running high, deepest fall
    before the high is regained) must give the same spells and the same rate.
    """
    from bubblescope.data.catalog import load_series

    br = base_crash_rate(0.4)
    assert [c[0] for c in br.crashes] == ["1929-09-16", "1973-01-11", "2000-03-24", "2007-10-09"]
    # published depths: -86% (1929-32), -48% (1973-74), -49% (2000-02), -57% (2007-09)
    np.testing.assert_allclose([c[2] for c in br.crashes], [0.86, 0.48, 0.49, 0.57], atol=0.01)
    close = load_series("sp500")["close"]
    peak, worst, count = close.iloc[0], 0.0, 0
    for price in close.to_numpy():
        if price >= peak:
            count += worst >= 0.4
            peak, worst = price, 0.0
        else:
            worst = max(worst, 1.0 - price / peak)
    count += worst >= 0.4
    years = (close.index[-1] - close.index[0]) / pd.Timedelta(days=365.25)
    assert br.rate == pytest.approx(count / years, rel=1e-12)
    assert base_crash_rate(0.2).rate > br.rate > base_crash_rate(0.5).rate
    depths, span = spell_depths()  # what sensitivity workers count with
    for theta in (0.2, 0.3, 0.4, 0.5):
        assert np.count_nonzero(depths >= theta) / span == base_crash_rate(theta).rate


def test_priced_growth_is_the_reverse_dcf_of_the_overvalued_price() -> None:
    spec = load_scenario("base")
    pg = priced_growth(spec)
    v = spec.values()
    horizon = int(v["dcf_horizon"])
    args = (v["discount_rate"], horizon, v["terminal_growth"])
    assert pg.fcf0 == pytest.approx(v["ai_gross_margin"] * v["ai_revenue_start"])
    assert pg.fundamental_value == pytest.approx(dcf_value(pg.fcf0, pg.expected_growth, *args))
    assert dcf_value(pg.fcf0, pg.implied_growth, *args) == pytest.approx(
        (1.0 + v["initial_overvaluation"]) * pg.fundamental_value, rel=1e-9
    )
    assert pg.implied_growth > pg.expected_growth
    fair = priced_growth(spec.with_overrides({"initial_overvaluation": 0.0}))
    assert fair.implied_growth == pytest.approx(fair.expected_growth, abs=1e-9)
    p = _paths(n=50)
    np.testing.assert_allclose(
        p["priced_revenue"][0],
        v["ai_revenue_start"] * (1.0 + pg.implied_growth) ** np.arange(10),
        rtol=1e-12,
    )


def test_bad_valuation_inputs_name_the_fields() -> None:
    from bubblescope.errors import InputError

    spec = load_scenario("base")
    with pytest.raises(InputError, match=r"'parameters\.terminal_growth'.*'parameters\.discount"):
        model_inputs(spec.with_overrides({"terminal_growth": 0.1}))
    with pytest.raises(InputError, match=r"'parameters\.initial_overvaluation'"):
        model_inputs(spec.with_overrides({"initial_overvaluation": 1e9}))
    with pytest.raises(InputError, match=r"--set crash_threshold.*fraction in \(0, 1\)"):
        spec.with_overrides({"crash_threshold": 1.0})
