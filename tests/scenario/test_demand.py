"""The demand side (issue 15, Deliver 2): adoption, tokens, margins and the efficiency shock.

Property tests run on common random numbers (the same seed, so the same draws path by path):
more adoption never brings a bust earlier, a steeper token-price fall never raises the gross
margin, a tighter grid never brings a bust later.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data.facts import load_factbase
from bubblescope.economy.gpu import generation
from bubblescope.errors import InputError
from bubblescope.scenario import load_scenario, run_scenario
from bubblescope.scenario.demand import (
    api_margin,
    decimal_year,
    fit_logistic,
    inference_cost_per_mtok,
)
from bubblescope.scenario.model import simulate
from bubblescope.scenario.runner import ADOPTION_FACTS, model_inputs

N = 1_500
SEED = 11


def _paths(overrides: dict[str, float], preset: str = "base") -> dict[str, np.ndarray]:
    spec = load_scenario(preset).with_overrides(overrides)
    return simulate(model_inputs(spec), np.random.SeedSequence(SEED), N)


def test_adoption_curve_runs_through_the_census_readings() -> None:
    facts = load_factbase()
    (t1, a1), (t2, a2) = (
        (decimal_year(facts.get(f).as_of), facts.value(f, "%") / 100.0) for f in ADOPTION_FACTS
    )
    spec = load_scenario("base")
    curve = fit_logistic((t1, a1), (t2, a2), spec.value("adoption_ceiling"))
    np.testing.assert_allclose(curve.share(np.array([t1, t2])), [0.037, 0.10], rtol=1e-12)
    inputs = model_inputs(spec)
    # the model starts from the curve in the middle of 2026 and rises towards the ceiling
    assert inputs.adoption_start == pytest.approx(float(curve.share(2026.5)))
    assert 0.10 < inputs.adoption_start < spec.value("adoption_ceiling")
    p = _paths({"adoption_vol": 0.0})
    expected = curve.share(2026.5 + np.arange(10.0))
    np.testing.assert_allclose(p["adoption"], np.broadcast_to(expected, (N, 10)), rtol=1e-9)


def test_token_cost_is_the_h100_rent_over_the_tokens_a_gpu_hour_serves() -> None:
    spec = load_scenario("base")
    h100 = generation("H100")
    rent = float(h100.price_at(2026.5)[0])
    tokens_per_hour = 1275.0 / 0.3 * 500.0  # W / (Wh per query) x tokens per query
    by_hand = rent / tokens_per_hour * 1e6
    assert inference_cost_per_mtok(rent, 1.275, 0.3, 500.0) == pytest.approx(by_hand)
    assert model_inputs(spec).api_cost_ratio == pytest.approx(by_hand / 10.0)


def test_price_decline_is_recomputed_from_openai_list_prices() -> None:
    facts = load_factbase()
    years = decimal_year("2025-08-07") - decimal_year("2023-03-14")
    fall = 1.0 - (facts.value("TOK-02", "USD") / facts.value("TOK-01", "USD")) ** (1.0 / years)
    assert round(100 * fall) == facts.value("TOK-03", "%")
    assert load_scenario("base").value("token_price_decline") == pytest.approx(0.53)


def test_sequoia_rule_applies_to_gpu_spend_not_all_capex() -> None:
    res = run_scenario("base", n_paths=200, rng=1)
    facts = load_factbase()
    rule = facts.value("VAL-07", "USD bn/yr") / facts.value("VAL-07a", "USD bn/yr")  # 200 / 50
    assert res.revenue_per_capex == pytest.approx(rule * res.spec.value("gpu_share"))


def test_split_adds_up_and_margin_starts_at_the_sourced_margin() -> None:
    p = _paths({})
    np.testing.assert_allclose(p["enterprise_revenue"] + p["consumer_revenue"], p["revenue"])
    np.testing.assert_allclose(p["gross_margin"][:, 0], 0.5)
    # base case: price and cost per token fall together, so the margin holds
    np.testing.assert_allclose(p["gross_margin"], 0.5, atol=1e-12)


@settings(max_examples=8, deadline=None)
@given(st.floats(-0.5, 0.4), st.floats(0.02, 0.3))
def test_more_adoption_never_brings_a_bust_earlier(alpha: float, step: float) -> None:
    slow = _paths({"adoption_surprise": alpha})
    fast = _paths({"adoption_surprise": alpha + step})
    assert (fast["enterprise_revenue"] >= slow["enterprise_revenue"] * (1 - 1e-12)).all()
    assert (fast["bust_time"] >= slow["bust_time"] - 1e-12).all()
    assert fast["bust_year"].__ge__(0).mean() <= slow["bust_year"].__ge__(0).mean()


def test_more_revenue_or_adoption_lowers_the_bust_odds() -> None:
    def odds(overrides: dict[str, float]) -> float:
        return float((_paths(overrides)["bust_year"] >= 0).mean())

    assert odds({"adoption_surprise": 0.5}) < odds({}) < odds({"adoption_surprise": -0.5})
    assert odds({"revenue_growth_surprise": 0.05}) < odds({})


@settings(max_examples=8, deadline=None)
@given(st.floats(0.35, 0.65), st.floats(0.01, 0.1))
def test_steeper_token_price_fall_lowers_the_gross_margin(pi: float, step: float) -> None:
    gentle = _paths({"token_price_decline": pi})
    steep = _paths({"token_price_decline": pi + step})
    assert (steep["api_margin"][:, 1:] < gentle["api_margin"][:, 1:]).all()
    assert (steep["gross_margin"] <= gentle["gross_margin"] + 1e-12).all()
    assert (steep["bust_time"] <= gentle["bust_time"] + 1e-12).all()


def test_api_margin_by_hand() -> None:
    years = np.arange(4.0)
    m = api_margin(
        0.2, years, price_decline=0.5, cost_decline=0.4, efficiency_gain=0.5, pass_through=0.5
    )
    ratio = [0.2, 0.2 * 1.2 * 0.5 / 0.75, 0.2 * 1.44 * 0.5 / 0.75, 0.2 * 1.728 * 0.5 / 0.75]
    np.testing.assert_allclose(m, 1.0 - np.array(ratio))


@settings(max_examples=6, deadline=None)
@given(st.floats(9.0, 25.0), st.floats(0.1, 0.5))
def test_tighter_grid_brings_busts_earlier(grid: float, cut: float) -> None:
    loose = _paths({"grid_additions": grid})
    tight = _paths({"grid_additions": grid * (1.0 - cut)})
    assert (tight["bust_time"] <= loose["bust_time"] + 1e-12).all()
    assert tight["revenue"].sum() <= loose["revenue"].sum()


def test_efficiency_shock_acts_through_demand_and_its_sign_follows_the_elasticity() -> None:
    """Unit elasticity: revenue unchanged, margin up, smaller plan, so fewer busts; an
    inelastic token demand (0.5) loses consumer revenue and busts more."""
    odds = {}
    for eps in (0.5, 1.0, 1.5):
        base = _paths({"token_price_elasticity": eps})
        shock = _paths({"token_price_elasticity": eps}, preset="efficiency_shock")
        odds[eps] = ((shock["bust_year"] >= 0).mean(), (base["bust_year"] >= 0).mean())
        assert shock["capex"].mean() < base["capex"].mean()
        if eps == 1.0:
            np.testing.assert_allclose(shock["demand"], base["demand"])
            assert (shock["gross_margin"][:, 1:] > base["gross_margin"][:, 1:]).all()
            assert (shock["bust_time"] >= base["bust_time"] - 1e-12).all()
    assert odds[1.0][0] < odds[1.0][1]
    assert odds[1.5][0] < odds[1.5][1]
    assert odds[0.5][0] > odds[0.5][1]


def test_a_scenario_without_the_demand_fields_keeps_the_old_demand(tmp_path: Path) -> None:
    """An older full scenario file loads with the demand side off: demand is log-normal."""
    base = load_scenario("base")
    new = {
        "enterprise_revenue_share",
        "adoption_ceiling",
        "adoption_surprise",
        "adoption_vol",
        "token_price_start",
        "token_price_decline",
        "inference_cost_decline",
        "token_price_elasticity",
        "efficiency_pass_through",
        "energy_per_query",
        "tokens_per_query",
    }
    lines = ["name: old\nstart_year: 2026\nhorizon_years: 10\nparameters:"]
    for name, item in base.params.items():
        if name not in new:
            unit = item.quantity.unit.symbol
            lines.append(
                f"  {name}: {{value: {item.value!r}, unit: '{unit}', assumption: as base}}"
            )
    lines.append("network:\n  closure_firms: [OpenAI]")
    path = tmp_path / "old.yaml"
    path.write_text("\n".join(lines))
    p = simulate(model_inputs(load_scenario(path)), np.random.SeedSequence(SEED), 400)
    np.testing.assert_allclose(p["gross_margin"], base.value("ai_gross_margin"))
    np.testing.assert_allclose(p["consumer_revenue"], p["revenue"])
    g = base.value("ai_revenue_growth")
    sigma = base.value("ai_revenue_vol")
    log_steps = np.diff(np.log(p["demand"]), axis=1)
    assert abs(log_steps.mean() - (g - 0.5 * sigma**2)) < 4 * sigma / math.sqrt(log_steps.size)


@pytest.mark.parametrize(
    ("entry", "pattern"),
    [
        ("token_price_declin: {value: 0.5, unit: '1', assumption: x}", "unknown field"),
        ("energy_per_query: {value: 0.3, unit: USD, assumption: x}", "energy_per_query"),
        ("token_price_decline: {value: 1.5, unit: '1', assumption: x}", "token_price_decline"),
        ("adoption_ceiling: {value: 0.05, unit: '1', assumption: x}", "adoption_ceiling"),
        ("token_price_decline: {value: 1, unit: '1', assumption: x}", "token_price_decline"),
        (
            "inference_cost_decline: {value: 100, unit: '%', assumption: x}",
            "inference_cost_decline",
        ),
        (
            "efficiency_pass_through: {value: 1, unit: '1', assumption: x}\n"
            "  compute_efficiency_gain: {value: 1, unit: '1', assumption: x}",
            "efficiency_pass_through",
        ),
    ],
)
def test_bad_demand_fields_name_the_field(tmp_path: Path, entry: str, pattern: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: base\nparameters:\n  {entry}\n")
    with pytest.raises((InputError,), match=pattern):
        model_inputs(load_scenario(path))
