"""Sourced inputs for the economy models: facts, filings, labelled assumptions, user values.

Every number an economy model takes by default is an :class:`Input`: a checked
:class:`~bubblescope.economy.units.Quantity` plus where it came from. ``kind`` is one of

``fact``
    read from the fact base (:mod:`bubblescope.data.facts`); ``source`` is the fact id and title.
``filing``
    read from an SEC filing (XBRL); ``source`` names the company, tag and fiscal year.
``assumption``
    a labelled assumption with its rationale (never a bare literal).
``user``
    a value the caller passed in.

Results print their inputs with :func:`format_inputs`, so every headline number comes with the
list of what it rests on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from bubblescope.economy.units import Q, Quantity
from bubblescope.economy.units import unit as unit_of
from bubblescope.errors import DataError, InputError

__all__ = [
    "Input",
    "InputKind",
    "assumption",
    "fact_number",
    "fact_part",
    "format_inputs",
    "inputs_to_dicts",
    "user_input",
]

InputKind = Literal["fact", "filing", "assumption", "user"]

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Input:
    """One input of a model, with its provenance.

    Parameters
    ----------
    name : str
        What the input is (``"server share of capex"``).
    quantity : Quantity
        Value and unit.
    kind : {"fact", "filing", "assumption", "user"}
        Where it comes from.
    source : str
        Fact id and title, filing reference, or the assumption's rationale.
    """

    name: str
    quantity: Quantity
    kind: InputKind
    source: str

    def __post_init__(self) -> None:
        if not math.isfinite(self.quantity.value):
            raise InputError(
                f"input {self.name!r} is not a finite number ({self.quantity.value})",
                hint="pass a finite value",
            )

    @property
    def value(self) -> float:
        """Magnitude in the input's own unit."""
        return self.quantity.value

    def m_as(self, target: str) -> float:
        """Magnitude in ``target`` (checked, see :meth:`Quantity.m_as`)."""
        return self.quantity.m_as(target)

    def line(self) -> str:
        """One printable line: ``name = value unit [kind: source]``."""
        return f"{self.name} = {self.quantity} [{self.kind}: {self.source}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "name": self.name,
            **self.quantity.to_dict(),
            "kind": self.kind,
            "source": self.source,
        }


def assumption(name: str, value: float, unit: str, rationale: str) -> Input:
    """A labelled assumption: value, unit and the reason for it."""
    return Input(name, Q(value, unit), "assumption", rationale)


def user_input(name: str, value: float, unit: str) -> Input:
    """A value the caller supplied."""
    return Input(name, Q(value, unit), "user", "given by the user")


def _get_fact(fact_id: str) -> Any:
    from bubblescope.data.facts import get_fact

    return get_fact(fact_id)


def _fact_label(fact: Any) -> str:
    grade = getattr(fact, "grade", None)
    grade_text = f" {grade}" if grade else ""
    return f"{fact.id}{grade_text} {fact.source_title}"


def fact_number(fact_id: str, unit: str, *, name: str | None = None) -> Input:
    """Read a fact with a single numeric value, checking its unit.

    Parameters
    ----------
    fact_id : str
        Id in the fact base (e.g. ``"ENE-01"``).
    unit : str
        The fact's unit as the fact base writes it (``"GWh"``, ``"USD/GPU-hour"``); it must also
        be a unit of :mod:`~bubblescope.economy.units`.
    name : str, optional
        Label of the input; defaults to the fact's description.

    Raises
    ------
    UnitError
        When the fact is in another unit.
    InputError
        When the fact has no single numeric value (use :func:`fact_part`).
    """
    from bubblescope.data.facts import load_factbase

    quantity_unit = unit_of(unit)
    value = load_factbase().value(fact_id, unit=unit)
    fact = _get_fact(fact_id)
    return Input(
        name or fact.description, Quantity(value, quantity_unit), "fact", _fact_label(fact)
    )


def _numbers_in(text: str) -> set[float]:
    return {float(m) for m in _NUMBER.findall(str(text).replace(",", ""))}


def fact_part(fact_id: str, value: float, unit: str, *, name: str) -> Input:
    """One number out of a compound fact (``"H100 700 / A100 400 / ..."``), checked to be there.

    The value is stated by the caller, and this function verifies that the number occurs in the
    fact's value text or note, so a typo or a changed fact is an error rather than a silent drift.

    Raises
    ------
    DataError
        When ``value`` does not occur in the fact's text.
    """
    fact = _get_fact(fact_id)
    haystack = " ".join(
        str(getattr(fact, f, "") or "")
        for f in ("value_text", "note", "description", "source_title")
    )
    numbers = _numbers_in(haystack)
    if fact.value is not None:
        numbers.add(abs(float(fact.value)))
    if abs(float(value)) not in numbers:
        raise DataError(
            f"fact {fact_id} does not state {value:g} ({fact.value_text!r})",
            hint="check the fact base or pass the value as an assumption",
        )
    return Input(name, Q(value, unit), "fact", _fact_label(fact))


def format_inputs(inputs: Iterable[Input], title: str = "Inputs and assumptions") -> str:
    """Lines listing each input with its provenance."""
    lines = [f"{title}:"]
    lines.extend(f"  - {item.line()}" for item in inputs)
    return "\n".join(lines)


def inputs_to_dicts(inputs: Iterable[Input]) -> list[dict[str, Any]]:
    """JSON-ready list of inputs."""
    return [item.to_dict() for item in inputs]
