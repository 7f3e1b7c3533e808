"""Checked physical and monetary quantities for the economy models, on a pint unit registry.

A :class:`Quantity` is a float64 magnitude with a :class:`Unit`. The units are pint definitions
(``units.txt`` next to this module: US dollars, watts, hours and counted items such as GPUs or
households, with the prefixes and scale words the facts use), read into a
:class:`pint.UnitRegistry` of those units only, so ``GWh`` and ``kWh`` convert, ``USD/kW-month``
and ``USD/kWh`` convert (both are money per energy), and adding a ``GW`` to a ``TWh`` raises
:class:`~bubblescope.errors.UnitError` instead of producing a number. A unit keeps the symbol it
was written with (``"USD bn"``), so results print the fact base's units.

pint is imported on the first unit looked up, not with this module; each symbol is parsed once
and each conversion factor computed once.

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

import functools
import math
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from bubblescope.errors import UnitError

if TYPE_CHECKING:
    import pint

__all__ = ["BASES", "Q", "Quantity", "Unit", "as_quantity", "unit"]

#: Base units, in the order of :attr:`Unit.dims`; ``_DIMENSIONS`` are their pint dimensions.
BASES: tuple[str, ...] = ("USD", "W", "h", "item", "m")
_DIMENSIONS = ("[currency]", "[power]", "[time]", "[item]", "[length]")

Dims = tuple[int, int, int, int, int]

_JOINED = re.compile(r"([A-Za-z]\w*)-([A-Za-z]\w*)")
_HINT = "a unit of bubblescope/economy/units.txt, e.g. USD bn, GWh, kW/GPU, USD/kW-month, %"


_REGISTRY_LOCK = threading.Lock()


def _registry() -> pint.UnitRegistry[float]:
    """The one registry, built once under a lock.

    Threads of the web server that look up their first unit at the same time would each build
    a registry, and pint refuses to compare units of two registries (a 500 on the dashboard).
    """
    with _REGISTRY_LOCK:
        return _build_registry()


@functools.cache
def _build_registry() -> pint.UnitRegistry[float]:
    from importlib import resources

    import pint

    registry: pint.UnitRegistry[float] = pint.UnitRegistry(None)
    with resources.as_file(resources.files("bubblescope.economy").joinpath("units.txt")) as path:
        registry.load_definitions(str(path))
    return registry


def _expression(symbol: str) -> str:
    """A unit as the facts write it, as a pint expression: ``kW-month`` -> ``(kW*month)``."""
    text = symbol.replace(" per ", "/")
    return _JOINED.sub(r"(\1*\2)", text)


@functools.cache
def _parse(symbol: str) -> pint.Unit:
    registry = _registry()
    if not symbol.strip():
        raise UnitError("unknown unit ''", hint=_HINT)
    try:
        return registry.parse_units(_expression(symbol))
    except Exception:  # pint's parser: UndefinedUnitError, AssertionError, TokenError ...
        raise UnitError(f"unknown unit {symbol!r}", hint=_HINT) from None


@functools.cache
def _base(pint_unit: pint.Unit) -> tuple[float, Dims]:
    """Magnitude of one ``pint_unit`` in base units, and its exponents of :data:`BASES`."""
    factor, _ = _registry().get_root_units(pint_unit)
    exponents = pint_unit.dimensionality
    money, power, time, items, length = (int(cast(int, exponents.get(d, 0))) for d in _DIMENSIONS)
    return float(cast(float, factor)), (money, power, time, items, length)


@functools.cache
def _factor(source: pint.Unit, target: pint.Unit) -> float:
    """What a magnitude in ``source`` is multiplied by to be in ``target`` (pint's factor)."""
    return float(_registry().convert(1.0, source, target))


@dataclass(frozen=True)
class Unit:
    """A unit: the symbol it was written with and its pint unit.

    Parameters
    ----------
    symbol : str
        How the unit prints (``"GWh"``, ``"USD/kW-month"``).
    pint_unit : pint.Unit
        The unit in bubblescope's pint registry.
    """

    symbol: str
    pint_unit: pint.Unit = field(repr=False)

    def __mul__(self, other: Unit) -> Unit:
        return Unit(f"{self.symbol}·{other.symbol}", self.pint_unit * other.pint_unit)

    def __truediv__(self, other: Unit) -> Unit:
        return Unit(f"{self.symbol}/({other.symbol})", self.pint_unit / other.pint_unit)

    @property
    def scale(self) -> float:
        """Magnitude of one of this unit in base units (USD, W, h, item, m)."""
        return _base(self.pint_unit)[0]

    @property
    def dims(self) -> Dims:
        """Exponents of the base units (USD, W, h, item, m)."""
        return _base(self.pint_unit)[1]

    @property
    def dimensionless(self) -> bool:
        """Whether all dimension exponents are zero."""
        return not any(self.dims)

    def describe_dims(self) -> str:
        """Dimension as text, e.g. ``USD·W^-1·h^-1``."""
        parts = [b if e == 1 else f"{b}^{e}" for b, e in zip(BASES, self.dims, strict=True) if e]
        return "·".join(parts) or "dimensionless"


@functools.cache
def _unit(symbol: str) -> Unit:
    return Unit(symbol, _parse(symbol))


def unit(symbol: str | Unit) -> Unit:
    """Look up a unit by symbol (any pint expression of the registry's units).

    Raises
    ------
    UnitError
        For a symbol the registry does not know.
    """
    if isinstance(symbol, Unit):
        return symbol
    return _unit(symbol)


def _check(a: Unit, b: Unit, verb: str, joiner: str) -> None:
    if a.dims != b.dims:
        raise UnitError(
            f"cannot {verb} {a.symbol} ({a.describe_dims()}) {joiner} "
            f"{b.symbol} ({b.describe_dims()})"
        )


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

    def m_as(self, target: str | Unit) -> float:
        """Magnitude in ``target`` (a float).

        Raises
        ------
        UnitError
            When ``target`` has another dimension.
        """
        tgt = unit(target)
        _check(self.unit, tgt, "convert", "to")
        return self.value * _factor(self.unit.pint_unit, tgt.pint_unit)

    def to(self, target: str | Unit) -> Quantity:
        """The same quantity expressed in ``target``."""
        tgt = unit(target)
        return Quantity(self.m_as(tgt), tgt)

    def _other(self, other: Quantity, op: str) -> float:
        """``other``'s magnitude in this quantity's unit, checked to share its dimension."""
        _check(self.unit, other.unit, op, "and")
        return other.value * _factor(other.unit.pint_unit, self.unit.pint_unit)

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + self._other(other, "add"), self.unit)

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity(self.value - self._other(other, "subtract"), self.unit)

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
        return self.value < self._other(other, "compare")

    def __le__(self, other: Quantity) -> bool:
        return self.value <= self._other(other, "compare")

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
