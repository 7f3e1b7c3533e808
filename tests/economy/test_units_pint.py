"""economy.units on pint: the domain units as definitions, the facts' spellings, lazy import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bubblescope.economy.units import BASES, Q, unit
from bubblescope.errors import UnitError


def test_the_calendar_is_the_models_not_pints_default() -> None:
    # a 365-day year and the 730-hour month of colocation pricing (GPU-11), not pint's Julian
    # year of 365.25 days
    assert Q(1.0, "year").m_as("h") == 8760.0
    assert Q(1.0, "month").m_as("h") == pytest.approx(730.0, rel=1e-15)
    assert Q(1.0, "TWh/year").m_as("GW") == pytest.approx(1e3 / 8760.0, rel=1e-15)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("USD per GPU-hour", "USD/GPU-h"),
        ("USD/GPU-hour", "USD/(GPU*h)"),
        ("USD bn/yr", "USD bn/year"),
        ("USD bn", "billion USD"),
        ("billion kWh", "TWh"),
        ("trillion kWh", "PWh"),
        ("years", "year"),
        ("households", "household"),
        ("pp", "%"),
        ("x", "1"),
        ("fraction", "ratio"),
    ],
)
def test_the_fact_bases_spellings_are_pint_expressions(a: str, b: str) -> None:
    assert Q(2.5, a).m_as(b) == pytest.approx(2.5, rel=1e-15)
    assert unit(a).symbol == a  # a quantity prints the unit it was written in


def test_compound_units_follow_from_the_definitions() -> None:
    assert Q(150.0, "USD/kW-month").m_as("USD/MWh") == pytest.approx(150e3 / 730.0)
    assert unit("USD/kW-month").dims == unit("USD/kWh").dims == (1, -1, -1, 0, 0)
    assert unit("kWh/day/household").describe_dims() == "W·item^-1"
    assert len(BASES) == len(unit("1").dims) == 5
    # water volumes: the exact definitions (inch 25.4 mm, gallon 231 in^3, acre 43,560 ft^2)
    assert Q(1.0, "gal").m_as("L") == pytest.approx(231 * 2.54**3 / 1000, rel=1e-15)
    assert Q(1.0, "acre-ft").m_as("L") == pytest.approx(43_560 * 12**3 * 2.54**3 / 1000, rel=1e-15)
    assert Q(1.0, "mn gal/day").m_as("L/yr") == pytest.approx(1e6 * 365 * 3.785411784, rel=1e-15)
    assert unit("L/kWh").describe_dims() == "W^-1·h^-1·m^3"
    assert (Q(35.0, "USD bn/GW") * Q(2.0, "GW")).m_as("USD tn") == pytest.approx(0.07)


@pytest.mark.parametrize("symbol", ["", "furlong", "kW-", "GW**", "USD bn/(GW"])
def test_unknown_or_malformed_units_are_unit_errors(symbol: str) -> None:
    with pytest.raises(UnitError, match="unknown unit"):
        unit(symbol)


def test_importing_the_units_does_not_import_pint() -> None:
    code = (
        "import sys, bubblescope.economy, bubblescope.economy.units as u;"
        "before = 'pint' in sys.modules; u.Q(1.0, 'GWh').m_as('MWh');"
        "print(before, 'pint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
