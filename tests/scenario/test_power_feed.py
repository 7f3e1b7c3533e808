"""Power feeds through (issue 15, Deliver 3): contracted GW, grid, US-China, local prices."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bubblescope.data.facts import load_factbase
from bubblescope.scenario import load_scenario, run_scenario
from bubblescope.scenario.power_feed import PowerFeedResult, power_feed


def power_feed_example() -> PowerFeedResult:
    """A small run for the result-contract test."""
    return power_feed(n_paths=300, rng=3)


@pytest.fixture(scope="module")
def result() -> PowerFeedResult:
    return power_feed(n_paths=600, rng=5)


def test_contracted_gw_are_the_facts(result: PowerFeedResult) -> None:
    fb = load_factbase()
    by_label = {c["label"]: c["gw"] for c in result.contracted}
    assert by_label["Stargate target"] == fb.value("CIR-28a", "GW") == 10.0
    assert by_label["Broadcom custom accelerators"] == fb.value("CIR-15", "GW") == 10.0
    assert by_label["AMD Instinct GPUs"] == fb.value("CIR-10", "GW") == 6.0
    # Nvidia's letter of intent: up to 100 USD bn released at 10 USD bn per GW
    assert by_label["Nvidia letter of intent"] == 100.0 / 10.0
    assert result.openai_total_gw == fb.value("OAI-01b", "GW") == 30.0
    assert result.contracted_gw == 36.0


def test_grid_and_plan_gw_recomputed_from_the_scenario(result: PowerFeedResult) -> None:
    for name in ("base", "power_bound"):
        v = load_scenario(name).values()
        t = np.arange(10)
        grid = np.cumsum(v["grid_additions"] * (1 + v["grid_growth"]) ** t)
        np.testing.assert_allclose(result.grid_gw[name], grid)
        plan = v["capex_start"] * (1 + v["capex_plan_growth"]) ** t / v["cost_per_gw"]
        np.testing.assert_allclose(result.planned_gw[name], np.cumsum(plan))
    # the tighter grid connects less and builds no more than the base on the median path
    assert result.grid_gw["power_bound"][-1] < result.grid_gw["base"][-1]
    assert result.built_gw["power_bound"][-1] <= result.built_gw["base"][-1]


def test_a_tighter_grid_serves_less_and_busts_more(result: PowerFeedResult) -> None:
    base, tight = result.runs["base"], result.runs["power_bound"]
    assert all(
        t <= b + 1e-12
        for t, b in zip(tight["capacity_share_median"], base["capacity_share_median"], strict=True)
    )
    assert tight["bust_odds"] >= base["bust_odds"]
    assert tight["served_before_bust"] < base["served_before_bust"] <= 1.0
    assert tight["grid_binding_before_bust"] > base["grid_binding_before_bust"]
    assert all(
        t >= b for t, b in zip(tight["grid_binding_share"], base["grid_binding_share"], strict=True)
    )


def test_served_before_bust_recomputed_from_the_paths(result: PowerFeedResult) -> None:
    from bubblescope.parallel import spawn_seeds

    seed = spawn_seeds(5, 1)[0]  # the seed power_feed(rng=5) gives both runs
    p = run_scenario("power_bound", n_paths=600, rng=seed).paths
    base = run_scenario("base", n_paths=600, rng=spawn_seeds(5, 1)[0]).paths
    # both runs share their random numbers: a tighter grid never brings a bust later
    assert (p["bust_time"] <= base["bust_time"] + 1e-12).all()
    assert result.runs["base"]["bust_odds"] == pytest.approx((base["bust_year"] >= 0).mean())
    live = (p["bust_year"][:, None] < 0) | (p["bust_year"][:, None] >= np.arange(10)[None, :])
    by_hand = p["capacity_share"][live].mean()
    assert result.runs["power_bound"]["served_before_bust"] == pytest.approx(by_hand)


def test_revenue_served_is_demand_times_capacity_share() -> None:
    p = run_scenario("power_bound", n_paths=300, rng=2).paths
    np.testing.assert_allclose(p["revenue"], p["demand"] * p["capacity_share"])
    assert (p["capacity_share"] <= 1.0).all()
    assert (p["capacity_share"][:, 0] == 1.0).all()
    assert (p["capacity_share"] < 1.0).any()


def test_us_china_and_household_prices_are_the_facts(result: PowerFeedResult) -> None:
    fb = load_factbase()
    rows = {(r["country"], r["series"], r["year"]): r for r in result.us_china}
    assert rows[("US", "data centres", 2030)]["twh"] == fb.value("ENE-07b", "TWh")
    assert rows[("China", "total", 2024)]["twh"] == 1000 * fb.value("ENE-12a", "PWh")
    # a TWh a year is 1000 / (365 x 24) GW of average load
    assert rows[("US", "data centres", 2024)]["avg_gw"] == pytest.approx(183e3 / (365 * 24))
    prices = [r["usd_per_mw_day"] for r in result.household["pjm_rto"]]
    assert prices == [28.92, 269.92, 329.17, 333.44]
    assert prices[1] / prices[0] > 9  # the "more than nine-fold" jump PJM reported
    zones = [z["usd_per_mw_day"] for z in result.household["pjm_zones"]]
    assert min(zones) > prices[1]  # the data-centre zones cleared above the rest of PJM
    assert result.household["wholesale_rise_pct"] == fb.value("HEP-01", "%")


def test_result_contract_and_text(result: PowerFeedResult) -> None:
    json.dumps(result.to_dict(), allow_nan=False)
    frame = result.to_frame()
    assert set(frame["panel"]) >= {"gw", "capacity_share_median", "us_china", "pjm"}
    text = result.summary()
    assert "36 GW" in text
    assert "~30 GW" in text
    assert "PJM" in text
    spec = result.chart_spec()
    assert len(spec.panels) == 4


def test_same_scenario_twice_is_refused() -> None:
    from bubblescope.errors import InputError

    with pytest.raises(InputError, match="two different scenarios"):
        power_feed("base", tight="base", n_paths=100, rng=1)


def test_china_grid_preset_scales_the_grid_by_the_sourced_additions(
    result: PowerFeedResult,
) -> None:
    fb = load_factbase()
    ratio = fb.value("PWR-02", "GW") / fb.value("PWR-03", "GW")  # China 2024 over US 2023
    china, base = load_scenario("china_grid"), load_scenario("base")
    assert china.value("grid_additions") == pytest.approx(
        base.value("grid_additions") * ratio, abs=1
    )
    added = {r["country"]: r["gw"] for r in result.us_china if r["series"] == "generation added"}
    assert added == {"US": 40.4, "China": 427.0}
    # on common random numbers China's grid never binds and never brings a bust earlier
    loose = run_scenario("china_grid", n_paths=400, rng=4).paths
    tight = run_scenario("base", n_paths=400, rng=4).paths
    assert not (loose["capex"] >= loose["power_cap"]).any()
    assert (loose["bust_time"] >= tight["bust_time"] - 1e-12).all()
