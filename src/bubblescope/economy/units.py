"""Checked physical and monetary quantities for the economy models.

A :class:`Quantity` is a float64 magnitude with a :class:`Unit`. Every unit is a scale factor onto
four base dimensions (US dollars, watts, hours, counted items such as GPUs or households), so
``GWh`` and ``kWh`` convert, ``USD/kW-month`` and ``USD/kWh`` convert (both are money per energy),
and adding a ``GW`` to a ``TWh`` raises :class:`~bubblescope.errors.UnitError` instead of
producing a number. The registry is deliberately small: the units the AI-economy facts use.

Examples
--------
>>> from bubblescope.economy.units import Q
>>> daily = Q(42.4, "GWh") / Q(98, "day")
>>> round(daily.m_as("GWh/day"), 3)
0.433
>>> round((daily / Q(15.2, "kWh/day/household")).m_as("household"))
28464
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bubblescope.errors import UnitError

__all__ = ["BASES", "UNITS", "Q", "Quantity", "Unit", "as_quantity", "unit"]

#: Base dimensions, in the order of :attr:`Unit.dims`.
BASES: tuple[str, ...] = ("USD", "W", "h", "item")

Dims = tuple[int, int, int, int]

_HOURS_PER_MONTH = 730.0  # 8760 h / 12, the convention of colocation pricing (GPU-11)


@dataclass(frozen=True)
class Unit:
    """A unit: a symbol, its scale onto the base units and its dimension exponents.

    Parameters
    ----------
    symbol : str
        How the unit prints (``"GWh"``, ``"USD/kW-month"``).
    scale : float
        Magnitude of one of this unit in base units (USD, W, h, item).
    dims : tuple of int
        Exponents of (USD, W, h, item).
    """

    symbol: str
    scale: float
    dims: Dims

    def __mul__(self, other: Unit) -> Unit:
        dims = tuple(a + b for a, b in zip(self.dims, other.dims, strict=True))
        return Unit(f"{self.symbol}·{other.symbol}", self.scale * other.scale, dims)  # type: ignore[arg-type]

    def __truediv__(self, other: Unit) -> Unit:
        dims = tuple(a - b for a, b in zip(self.dims, other.dims, strict=True))
        return Unit(f"{self.symbol}/({other.symbol})", self.scale / other.scale, dims)  # type: ignore[arg-type]

    @property
    def dimensionless(self) -> bool:
        """Whether all dimension exponents are zero."""
        return not any(self.dims)

    def describe_dims(self) -> str:
        """Dimension as text, e.g. ``USD·W^-1·h^-1``."""
        parts = [b if e == 1 else f"{b}^{e}" for b, e in zip(BASES, self.dims, strict=True) if e]
        return "·".join(parts) or "dimensionless"


def _u(symbol: str, scale: float, dims: Dims) -> Unit:
    return Unit(symbol, scale, dims)


_MONEY: Dims = (1, 0, 0, 0)
_POWER: Dims = (0, 1, 0, 0)
_TIME: Dims = (0, 0, 1, 0)
_ENERGY: Dims = (0, 1, 1, 0)
_NONE: Dims = (0, 0, 0, 0)

#: The registry: symbol -> unit. Aliases map to the same scale and dimension.
UNITS: dict[str, Unit] = {}


def _register(unit_: Unit, *aliases: str) -> None:
    for name in (unit_.symbol, *aliases):
        UNITS[name] = unit_


for _sym, _scale in (("USD", 1.0), ("USD mn", 1e6), ("USD bn", 1e9), ("USD tn", 1e12)):
    _register(_u(_sym, _scale, _MONEY))
for _sym, _scale in (("W", 1.0), ("kW", 1e3), ("MW", 1e6), ("GW", 1e9)):
    _register(_u(_sym, _scale, _POWER))
for _sym, _scale in (("Wh", 1.0), ("kWh", 1e3), ("MWh", 1e6), ("GWh", 1e9), ("TWh", 1e12)):
    _register(_u(_sym, _scale, _ENERGY))
_register(_u("billion kWh", 1e12, _ENERGY))
_register(_u("trillion kWh", 1e15, _ENERGY), "PWh")
for _sym, _scale in (
    ("h", 1.0),
    ("day", 24.0),
    ("week", 168.0),
    ("month", _HOURS_PER_MONTH),
    ("year", 8760.0),
):
    _register(_u(_sym, _scale, _TIME))
UNITS["years"] = UNITS["year"]
_register(_u("1", 1.0, _NONE), "fraction", "ratio")
_register(_u("x", 1.0, _NONE))
_register(_u("%", 0.01, _NONE))
_register(_u("pp", 0.01, _NONE))
_register(_u("item", 1.0, (0, 0, 0, 1)), "GPU", "household", "households")
# Derived units the fact base uses.
_register(_u("USD/kWh", 1.0 / 1e3, (1, -1, -1, 0)))
_register(_u("USD/MWh", 1.0 / 1e6, (1, -1, -1, 0)))
_register(_u("USD/kW-month", 1.0 / (1e3 * _HOURS_PER_MONTH), (1, -1, -1, 0)))
_register(_u("USD/GPU-h", 1.0, (1, 0, -1, -1)), "USD per GPU-hour", "USD/GPU-hour")
_register(_u("USD/GPU", 1.0, (1, 0, 0, -1)))
_register(_u("USD bn/GW", 1.0, (1, -1, 0, 0)))
_register(_u("kW/GPU", 1e3, (0, 1, 0, -1)))
_register(_u("W/GPU", 1.0, (0, 1, 0, -1)))
_register(_u("GWh/day", 1e9 / 24.0, _POWER))
_register(_u("TWh/year", 1e12 / 8760.0, _POWER))
_register(_u("kWh/day/household", 1e3 / 24.0, (0, 1, 0, -1)))
_register(_u("kWh/year/household", 1e3 / 8760.0, (0, 1, 0, -1)))
_register(_u("USD bn/year", 1e9 / 8760.0, (1, 0, -1, 0)), "USD bn/yr")
_register(_u("1/year", 1.0 / 8760.0, (0, 0, -1, 0)))


def unit(symbol: str | Unit) -> Unit:
    """Look up a unit by symbol.

    Raises
    ------
    UnitError
        For a symbol the registry does not know.
    """
    if isinstance(symbol, Unit):
        return symbol
    try:
        return UNITS[symbol]
    except KeyError:
        raise UnitError(f"unknown unit {symbol!r}", hint=f"use one of {sorted(UNITS)}") from None


@dataclass(frozen=True)
class Quantity:
    """A float64 magnitude with a unit; arithmetic checks dimensions.

    Parameters
    ----------
    value : float
        Magnitude in ``unit``.
    unit : Unit
        The unit (see :func:`unit`).
    """

    value: float
    unit: Unit

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", float(self.value))

    def _in_base(self) -> float:
        return self.value * self.unit.scale

    def m_as(self, target: str | Unit) -> float:
        """Magnitude in ``target`` (a float).

        Raises
        ------
        UnitError
            When ``target`` has another dimension.
        """
        tgt = unit(target)
        if tgt.dims != self.unit.dims:
            raise UnitError(
                f"cannot convert {self.unit.symbol} ({self.unit.describe_dims()}) to "
                f"{tgt.symbol} ({tgt.describe_dims()})"
            )
        return self._in_base() / tgt.scale

    def to(self, target: str | Unit) -> Quantity:
        """The same quantity expressed in ``target``."""
        tgt = unit(target)
        return Quantity(self.m_as(tgt), tgt)

    def _same_dims(self, other: Quantity, op: str) -> None:
        if self.unit.dims != other.unit.dims:
            raise UnitError(
                f"cannot {op} {self.unit.symbol} ({self.unit.describe_dims()}) and "
                f"{other.unit.symbol} ({other.unit.describe_dims()})"
            )

    def __add__(self, other: Quantity) -> Quantity:
        self._same_dims(other, "add")
        return Quantity(self.value + other.m_as(self.unit), self.unit)

    def __sub__(self, other: Quantity) -> Quantity:
        self._same_dims(other, "subtract")
        return Quantity(self.value - other.m_as(self.unit), self.unit)

    def __neg__(self) -> Quantity:
        return Quantity(-self.value, self.unit)

    def __mul__(self, other: Quantity | float) -> Quantity:
        if isinstance(other, Quantity):
            return Quantity(self.value * other.value, self.unit * other.unit)
        return Quantity(self.value * float(other), self.unit)

    __rmul__ = __mul__

    def __truediv__(self, other: Quantity | float) -> Quantity:
        if isinstance(other, Quantity):
            return Quantity(self.value / other.value, self.unit / other.unit)
        return Quantity(self.value / float(other), self.unit)

    def __lt__(self, other: Quantity) -> bool:
        self._same_dims(other, "compare")
        return self._in_base() < other._in_base()

    def __le__(self, other: Quantity) -> bool:
        self._same_dims(other, "compare")
        return self._in_base() <= other._in_base()

    def __gt__(self, other: Quantity) -> bool:
        return other < self

    def __ge__(self, other: Quantity) -> bool:
        return other <= self

    def __str__(self) -> str:
        suffix = "" if self.unit.symbol == "1" else f" {self.unit.symbol}"
        return f"{self.value:,.6g}{suffix}"

    def to_dict(self) -> dict[str, Any]:
        """``{"value": float, "unit": str}`` (JSON-ready; non-finite values become None)."""
        return {
            "value": self.value if math.isfinite(self.value) else None,
            "unit": self.unit.symbol,
        }


def Q(value: float, symbol: str | Unit) -> Quantity:
    """Build a :class:`Quantity` from a magnitude and a unit symbol."""
    return Quantity(float(value), unit(symbol))


def as_quantity(value: Quantity | float, expected: str, *, name: str) -> Quantity:
    """Check that ``value`` has the dimension of ``expected``; plain floats are taken in it.

    Parameters
    ----------
    value : Quantity or float
        A quantity, or a bare number meant in the ``expected`` unit.
    expected : str
        Unit symbol whose dimension ``value`` must have.
    name : str
        Parameter name, used in the error message.

    Raises
    ------
    UnitError
        When a quantity's dimension differs from ``expected``'s.
    """
    target = unit(expected)
    if isinstance(value, Quantity):
        if value.unit.dims != target.dims:
            raise UnitError(
                f"{name} must be in {target.symbol} ({target.describe_dims()}), got "
                f"{value.unit.symbol} ({value.unit.describe_dims()})"
            )
        return value.to(target)
    return Quantity(float(value), target)
