"""The models answer overridden assumptions the way the economics says (hypothesis).

Each test overrides rows of the model's assumption file through ``assumptions=`` and checks the
sign of the response: dearer power lowers a GPU's margin, a higher PUE draws more power, a longer
economic life shrinks the depreciation restatement, and so on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.economy.depreciation import burry_case
from bubblescope.economy.gpu import gpu_economics
from bubblescope.economy.power import capex_to_gw, fleet_power, training_energy
from bubblescope.economy.valuation import reverse_dcf, sequoia_gap

FAST = settings(max_examples=25, deadline=None)


def _two(lo: float, hi: float) -> st.SearchStrategy[tuple[float, float]]:
    """Two values in [lo, hi], the first clearly below the second."""
    return (
        st.tuples(st.floats(lo, hi), st.floats(lo, hi))
        .filter(lambda p: p[1] - p[0] > 1e-3 * (hi - lo))
        .map(lambda p: (p[0], p[1]))
    )


@FAST
@given(prices=_two(0.0, 0.5), gen=st.sampled_from(["H100", "A100"]))
def test_dearer_electricity_lowers_the_gpu_margin(prices: tuple[float, float], gen: str) -> None:
    cheap, dear = (gpu_economics(gen, assumptions={"electricity_price": p}) for p in prices)
    assert dear.cost.total > cheap.cost.total
    assert (dear.margin < cheap.margin).all()
    assert dear.full_cost_price > cheap.full_cost_price


@FAST
@given(pues=_two(1.0, 2.0))
def test_a_higher_pue_costs_a_gpu_more_and_draws_more_power(pues: tuple[float, float]) -> None:
    low, high = (gpu_economics("H100", assumptions={"pue": p}) for p in pues)
    assert high.cost.electricity > low.cost.electricity
    assert (high.margin < low.margin).all()
    fleets = [fleet_power([("H100", 1e6), ("B200", 2e5)], assumptions={"pue": p}) for p in pues]
    assert fleets[1].facility_power.m_as("GW") > fleets[0].facility_power.m_as("GW")
    assert fleets[1].annual_energy.m_as("TWh") > fleets[0].annual_energy.m_as("TWh")


@FAST
@given(rates=_two(0.0, 0.3))
def test_a_higher_discount_rate_lowers_the_npv_of_a_gpu(rates: tuple[float, float]) -> None:
    low, high = (gpu_economics("H100", assumptions={"discount_rate": r}) for r in rates)
    # margins are positive early on, so every retirement after the first year is worth less
    assert (high.npv_by_retirement()[1:4] < low.npv_by_retirement()[1:4]).all()


@FAST
@given(lives=_two(2.0, 6.0))
def test_a_longer_economic_life_shrinks_the_restatement(lives: tuple[float, float]) -> None:
    short, long = (burry_case(economic_life=life) for life in lives)
    assert long.total() < short.total()
    assert short.implied_life == long.implied_life  # the claim's implied life does not move


@FAST
@given(costs=_two(10.0, 100.0))
def test_a_dearer_gigawatt_buys_fewer(costs: tuple[float, float]) -> None:
    cheap, dear = (
        capex_to_gw(500.0, assumptions={"epoch_cost_per_gw": c}).gigawatts() for c in costs
    )
    key = "Epoch AI all-in cost per GW"
    assert dear[key] < cheap[key]


@FAST
@given(uses=_two(5.0, 40.0))
def test_hungrier_households_are_fewer_for_the_same_run(uses: tuple[float, float]) -> None:
    light, heavy = (training_energy(assumptions={"household_us": u}).households() for u in uses)
    assert heavy["US household"] < light["US household"]


@FAST
@given(shares=_two(0.1, 1.0), margins=_two(0.0, 0.9))
def test_sequoias_requirement_falls_with_the_gpu_share_and_rises_with_the_margin(
    shares: tuple[float, float], margins: tuple[float, float]
) -> None:
    by_share = [sequoia_gap(100.0, assumptions={"gpu_share": s}).required_revenue for s in shares]
    assert by_share[1] < by_share[0]
    by_margin = [
        sequoia_gap(100.0, assumptions={"end_user_margin": 100.0 * m}).required_revenue
        for m in margins
    ]
    assert by_margin[1] > by_margin[0]


@FAST
@given(rates=_two(0.06, 0.15))
def test_a_higher_discount_rate_asks_for_more_growth(rates: tuple[float, float]) -> None:
    low, high = (
        reverse_dcf(1000.0, 20.0, assumptions={"discount_rate": r}).implied_growth for r in rates
    )
    assert high > low


def test_a_user_file_moves_the_model_like_an_override(tmp_path: Path) -> None:
    from bubblescope.economy.assumptions import load_assumptions

    path = tmp_path / "gpu.yaml"
    path.write_text(
        "electricity_price: {name: my power price, value: 0.2, unit: USD/kWh, why: my tariff}\n",
        encoding="utf-8",
    )
    mine = gpu_economics("H100", assumptions=load_assumptions("gpu", path))
    same = gpu_economics("H100", assumptions={"electricity_price": 0.2})
    shipped = gpu_economics("H100")
    np.testing.assert_allclose(mine.margin, same.margin, rtol=1e-15)
    assert (mine.margin < shipped.margin).all()
    assert "my power price = 0.2 USD/kWh [assumption: my tariff]" in mine.summary()
    # an explicit Input argument still wins over the set
    costs = {"electricity_price": mine.cost.inputs[2]}
    assert gpu_economics("H100", costs=costs).cost.total == pytest.approx(mine.cost.total)
