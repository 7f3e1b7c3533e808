import pytest

from bubblescope.economy.inputs import assumption
from bubblescope.economy.power import (
    capex_to_gw,
    fleet_power,
    grid_comparison,
    training_energy,
)
from bubblescope.errors import InputError, UnitError


def test_gpt4_households() -> None:
    # ENE-02 [D]: 42.4 GWh / 98 days = 0.43 GWh/day = ~28,500 households at 15.2 kWh/day,
    # ~15,000 US households, ~43,000 EU households (ai-economy-facts.md §7)
    res = training_energy()
    assert round(res.per_day.m_as("GWh/day"), 2) == 0.43
    hh = list(res.households().values())
    assert hh[0] == pytest.approx(28_500, rel=0.01)
    assert hh[1] == pytest.approx(15_000, rel=0.01)
    assert hh[2] == pytest.approx(43_000, rel=0.01)
    assert "DAILY" in res.summary()


def test_fleet_power_by_hand() -> None:
    # 1M H100 at 700 W (GPU-07), PUE 1.2, utilisation 0.7 -> 0.84 GW, 0.84*0.7*8.76 TWh
    res = fleet_power([("H100", 1_000_000)])
    assert res.facility_power.m_as("GW") == pytest.approx(0.84)
    assert res.annual_energy.m_as("TWh") == pytest.approx(0.84 * 0.7 * 8.76)
    with pytest.raises(InputError, match="unknown accelerator type 'TPU'"):
        fleet_power([("TPU", 10)])
    with pytest.raises(UnitError):
        fleet_power([("H100", 1)], pue=assumption("pue", 1.2, "kW", "wrong"))


def test_capex_to_gw_uses_sourced_costs() -> None:
    res = capex_to_gw(380.0)  # CAP-06: >$380B big-4 2025
    gw = res.gigawatts()
    assert gw["Epoch AI all-in cost per GW"] == pytest.approx(10.0)  # 380 / 38 (GPU-13a)
    assert gw["Bernstein cost per GW"] == pytest.approx(380 / 35)  # GPU-13b
    with pytest.raises(InputError, match="capex must be >= 0"):
        capex_to_gw(-1.0)


def test_grid_comparison_matches_published_statements() -> None:
    res = grid_comparison()
    frame = res.to_frame()
    # ENE-06 note: world data-centre use grows "about 15% a year" 2024-2030
    assert frame.loc["World DC (IEA)", "cagr"] == pytest.approx(0.15, abs=0.01)
    # ENE-07 note: US data centres are "about half" of US demand growth
    share = res.dc_share_of_growth("US DC (IEA)", "US total (EIA STEO)")
    assert 0.4 <= share <= 0.6


def test_power_bad_input_and_plots() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with pytest.raises(InputError, match="must be positive"):
        training_energy(assumption("e", 0.0, "GWh", "t"))
    for res in (
        training_energy(),
        grid_comparison(),
        capex_to_gw(100.0),
        fleet_power([("B200", 10)]),
    ):
        assert isinstance(res.plot(), Figure)
        assert isinstance(res.to_dict(), dict)
