import pytest

from bubblescope.economy.units import Q, as_quantity, unit
from bubblescope.errors import InputError, UnitError


def test_energy_conversion_and_derived_units() -> None:
    assert Q(42.4, "GWh").m_as("MWh") == pytest.approx(42_400.0)
    # colocation priced per kW-month is money per energy: 730 h per month (GPU-11 convention)
    assert Q(150.0, "USD/kW-month").m_as("USD/kWh") == pytest.approx(150.0 / 730.0)
    rate = Q(42.4, "GWh") / Q(98.0, "day")
    assert rate.m_as("GWh/day") == pytest.approx(42.4 / 98.0)
    assert rate.m_as("MW") == pytest.approx(42.4e3 / (98 * 24))


def test_mismatched_units_raise_unit_error() -> None:
    with pytest.raises(UnitError, match="cannot add GW"):
        Q(1.0, "GW") + Q(1.0, "TWh")
    with pytest.raises(UnitError, match="cannot convert USD bn"):
        Q(1.0, "USD bn").m_as("GW")
    with pytest.raises(UnitError, match="must be in kWh"):
        as_quantity(Q(3.0, "kW"), "kWh", name="energy")
    with pytest.raises(UnitError, match="unknown unit 'furlong'"):
        unit("furlong")
    assert issubclass(UnitError, InputError)


def test_arithmetic_and_comparison() -> None:
    total = Q(1.0, "TWh") + Q(500.0, "GWh")
    assert total.m_as("TWh") == pytest.approx(1.5)
    assert Q(1.0, "kW") < Q(2000.0, "W")
    assert (Q(2.0, "kW") * Q(3.0, "h")).m_as("kWh") == pytest.approx(6.0)
    assert Q(50.0, "%").m_as("1") == pytest.approx(0.5)
    assert as_quantity(2.5, "USD/kWh", name="price").unit.symbol == "USD/kWh"
    assert Q(1.0, "USD bn").to_dict() == {"value": 1.0, "unit": "USD bn"}


def test_non_finite_inputs_are_rejected() -> None:
    from bubblescope.economy.inputs import assumption, user_input
    from bubblescope.economy.valuation import reverse_dcf

    with pytest.raises(InputError, match="'price' is not a finite number"):
        reverse_dcf(float("nan"), 10.0)
    with pytest.raises(InputError, match="not a finite number"):
        assumption("share", float("inf"), "1", "t")
    assert user_input("x", 1.0, "GW").m_as("MW") == pytest.approx(1000.0)
