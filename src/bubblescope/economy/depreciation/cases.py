"""The published depreciation cases as data: ``cases.yaml`` next to this module, read and checked.

:func:`load_cases` reads the file into typed records: the tax rate, the disclosed useful-life
changes (:class:`DisclosedCase`) and Burry's claim (:class:`BurryCase`). Every number is an
:class:`InputRow` that names its fact-base id or the rationale of the assumption; rows become
:class:`~bubblescope.economy.inputs.Input` objects only when a model runs (:meth:`InputRow.build`),
so reading the cases does not load the fact base, and a fact that no longer states its number
is an error then. A malformed file raises a :class:`~bubblescope.errors.DataError` that names
the row.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from bubblescope.economy.depreciation.schedule import LifePolicy
from bubblescope.economy.inputs import Input, assumption, fact_number, fact_part
from bubblescope.errors import DataError, InputError

__all__ = [
    "DISCLOSED_CHANGES",
    "BurryCase",
    "Cases",
    "DisclosedCase",
    "DisclosedChange",
    "InputRow",
    "load_cases",
]

Filing = Literal["companyfacts", "ixbrl"]


@dataclass(frozen=True)
class InputRow:
    """One number of the case file: value, unit and its fact id or rationale.

    Exactly one of ``fact`` and ``rationale`` is set; ``value`` is ``None`` only for a fact
    whose own single value is read.
    """

    name: str
    value: float | None
    unit: str
    fact: str | None = None
    rationale: str | None = None

    def __post_init__(self) -> None:
        if (self.fact is None) == (self.rationale is None):
            raise InputError(f"{self.name}: give either a fact id or a rationale")
        if self.value is None and self.fact is None:
            raise InputError(f"{self.name}: an assumption needs a value")

    def build(self) -> Input:
        """The model input: a checked fact (part), or a labelled assumption."""
        if self.value is None:  # a fact's own value (__post_init__: an assumption has one)
            return fact_number(str(self.fact), self.unit, name=self.name)
        if self.fact is not None:
            return fact_part(self.fact, self.value, self.unit, name=self.name)
        return assumption(self.name, self.value, self.unit, str(self.rationale))


@dataclass(frozen=True)
class DisclosedChange:
    """A published useful-life change and its disclosed earnings effect."""

    entity: str
    fact_id: str
    year: int
    old_policy: LifePolicy
    new_policy: LifePolicy
    effects: Mapping[str, float]
    description: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "entity": self.entity,
            "fact": self.fact_id,
            "year": self.year,
            "old_policy": self.old_policy.label,
            "new_policy": self.new_policy.label,
            "effects_usd_bn": dict(self.effects),
            "description": self.description,
        }


@dataclass(frozen=True)
class DisclosedCase:
    """A disclosed useful-life change with what reproducing it needs.

    Attributes
    ----------
    entity, fact, year, description : str, str, int, str
        The firm, the fact that states the change, the fiscal year of its disclosed effect.
    old_policy, new_policy : LifePolicy
        Lives without and with the change.
    effects : mapping of str to float
        Disclosed effect by item (``"operating_income"``, ``"depreciation"``, ``"net_income"``),
        USD bn.
    filing : {"companyfacts", "ixbrl"}
        Which SEC extract holds the firm's capex.
    years : tuple of int
        Fiscal years of capex read from the filings.
    share : InputRow
        Short-lived share of capex.
    extra : mapping of int to InputRow
        Capex of years the filings lack, USD.
    """

    entity: str
    fact: str
    year: int
    description: str
    old_policy: LifePolicy
    new_policy: LifePolicy
    effects: Mapping[str, float]
    filing: Filing
    years: tuple[int, ...]
    share: InputRow
    extra: Mapping[int, InputRow]

    def change(self) -> DisclosedChange:
        """The change, each disclosed effect checked against the case's fact."""
        effects = {
            item: fact_part(self.fact, value, "USD bn", name="disclosed").value
            for item, value in self.effects.items()
        }
        return DisclosedChange(
            self.entity,
            self.fact,
            self.year,
            self.old_policy,
            self.new_policy,
            effects,
            self.description,
        )


@dataclass(frozen=True)
class BurryCase:
    """Burry's understated-depreciation claim on the DEP-14 assumption set.

    Attributes
    ----------
    entity : str
        The aggregate the capex path belongs to.
    capex : mapping of int to InputRow
        Capex by fiscal year, each read from its fact.
    share, target, book_life : InputRow
        Short-lived share of capex, the claimed understatement over the window, the book life.
    years : tuple of int
        Fiscal years reported.
    window : (int, int)
        Inclusive years the claim sums.
    """

    entity: str
    capex: Mapping[int, InputRow]
    share: InputRow
    target: InputRow
    book_life: InputRow
    years: tuple[int, ...]
    window: tuple[int, int]


@dataclass(frozen=True)
class Cases:
    """Everything in the case file."""

    tax_rate: InputRow
    disclosed: Mapping[str, DisclosedCase]
    burry: BurryCase


_CASE_KEYS = (
    "fact",
    "year",
    "description",
    "old_policy",
    "new_policy",
    "effects",
    "capex",
    "share",
)


class _Reader:
    """Typed access to the parsed YAML, each error naming the file and the row."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, row: str, problem: str) -> DataError:
        return DataError(
            f"{self.where}: {row}: {problem}",
            hint="see the notes at the top of cases.yaml for the form of each row",
        )

    def mapping(
        self, value: Any, row: str, keys: Collection[str], optional: Collection[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(row, "expected a mapping")
        missing = sorted(set(keys) - set(value))
        unknown = sorted(set(value) - set(keys) - set(optional))
        if missing:
            raise self.fail(row, f"missing {missing}")
        if unknown:
            raise self.fail(row, f"unknown {unknown}")
        return value

    def text(self, value: Any, row: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(row, f"expected text, got {value!r}")
        return value

    def number(self, value: Any, row: str) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(row, f"expected a finite number, got {value!r}")
        return float(value)

    def year(self, value: Any, row: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(row, f"expected a year, got {value!r}")
        return value

    def span(self, value: Any, row: str) -> tuple[int, int]:
        if not isinstance(value, list) or len(value) != 2:
            raise self.fail(row, f"expected [first year, last year], got {value!r}")
        first, last = self.year(value[0], row), self.year(value[1], row)
        if last < first:
            raise self.fail(row, f"last year {last} is before the first {first}")
        return first, last

    def input(self, value: Any, row: str, *, value_optional: bool = False) -> InputRow:
        raw = self.mapping(value, row, {"name", "unit"}, {"value", "fact", "rationale"})
        if ("fact" in raw) == ("rationale" in raw):
            raise self.fail(row, "needs either a fact id or a rationale")
        if "value" not in raw and not ("fact" in raw and value_optional):
            raise self.fail(row, "needs a value")
        return InputRow(
            self.text(raw["name"], row),
            self.number(raw["value"], row) if "value" in raw else None,
            self.text(raw["unit"], row),
            self.text(raw["fact"], row) if "fact" in raw else None,
            self.text(raw["rationale"], row) if "rationale" in raw else None,
        )

    def policy(self, value: Any, row: str) -> LifePolicy:
        raw = self.mapping(value, row, {"label", "life", "changes"})
        changes = raw["changes"]
        if not isinstance(changes, list) or not all(
            isinstance(c, list) and len(c) == 2 for c in changes
        ):
            raise self.fail(row, "changes must be [effective time, life] pairs")
        pairs = [(-math.inf, self.number(raw["life"], row))]
        pairs += [(self.number(t, row), self.number(life, row)) for t, life in changes]
        try:
            return LifePolicy(tuple(pairs), label=self.text(raw["label"], row))
        except InputError as exc:
            raise self.fail(row, str(exc)) from exc

    def disclosed(self, entity: str, value: Any) -> DisclosedCase:
        row = f"disclosed.{entity}"
        raw = self.mapping(
            value,
            row,
            _CASE_KEYS,
        )
        capex = self.mapping(raw["capex"], f"{row}.capex", {"filing", "years"}, {"extra"})
        if capex["filing"] not in ("companyfacts", "ixbrl"):
            raise self.fail(f"{row}.capex.filing", "expected companyfacts or ixbrl")
        first, last = self.span(capex["years"], f"{row}.capex.years")
        extra = capex.get("extra") or {}
        if not isinstance(extra, dict):
            raise self.fail(f"{row}.capex.extra", "expected {year: row}")
        effects = raw["effects"]
        if not isinstance(effects, dict) or not effects:
            raise self.fail(f"{row}.effects", "expected {item: USD bn}")
        return DisclosedCase(
            entity,
            self.text(raw["fact"], f"{row}.fact"),
            self.year(raw["year"], f"{row}.year"),
            self.text(raw["description"], f"{row}.description"),
            self.policy(raw["old_policy"], f"{row}.old_policy"),
            self.policy(raw["new_policy"], f"{row}.new_policy"),
            {
                self.text(k, f"{row}.effects"): self.number(v, f"{row}.effects.{k}")
                for k, v in effects.items()
            },
            capex["filing"],
            tuple(range(first, last + 1)),
            self.input(raw["share"], f"{row}.share"),
            {
                self.year(y, f"{row}.capex.extra"): self.input(r, f"{row}.capex.extra.{y}")
                for y, r in extra.items()
            },
        )

    def burry(self, value: Any) -> BurryCase:
        row = "burry"
        raw = self.mapping(
            value, row, {"entity", "capex", "share", "target", "book_life", "years", "window"}
        )
        capex = self.mapping(raw["capex"], f"{row}.capex", {"name", "unit", "by_year"})
        by_year = capex["by_year"]
        if not isinstance(by_year, dict) or not by_year:
            raise self.fail(f"{row}.capex.by_year", "expected {year: fact id}")
        name = self.text(capex["name"], f"{row}.capex.name")
        rows = {
            self.year(y, f"{row}.capex.by_year"): InputRow(
                name.format(year=y),
                None,
                self.text(capex["unit"], f"{row}.capex.unit"),
                fact=self.text(fid, f"{row}.capex.by_year.{y}"),
            )
            for y, fid in by_year.items()
        }
        first, last = self.span(raw["years"], f"{row}.years")
        return BurryCase(
            self.text(raw["entity"], f"{row}.entity"),
            rows,
            self.input(raw["share"], f"{row}.share"),
            self.input(raw["target"], f"{row}.target", value_optional=True),
            self.input(raw["book_life"], f"{row}.book_life"),
            tuple(range(first, last + 1)),
            self.span(raw["window"], f"{row}.window"),
        )


def _parse(text: str, where: str) -> Cases:
    import yaml

    from bubblescope import _yaml

    try:
        raw = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{where}: not valid YAML: {exc}") from exc
    read = _Reader(where)
    doc = read.mapping(raw, "the file", {"tax_rate", "disclosed", "burry"})
    disclosed = doc["disclosed"]
    if not isinstance(disclosed, dict) or not disclosed:
        raise read.fail("disclosed", "expected {ticker: case}")
    return Cases(
        read.input(doc["tax_rate"], "tax_rate"),
        {str(k): read.disclosed(str(k), v) for k, v in disclosed.items()},
        read.burry(doc["burry"]),
    )


@functools.cache
def _shipped() -> Cases:
    path = resources.files("bubblescope.economy.depreciation").joinpath("cases.yaml")
    return _parse(path.read_text(encoding="utf-8"), "cases.yaml")


def load_cases(path: str | Path | None = None) -> Cases:
    """The published cases: the shipped ``cases.yaml``, or a file of the same form.

    Raises
    ------
    DataError
        When the file cannot be read or a row is malformed (the message names the row).
    """
    if path is None:
        return _shipped()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read the depreciation cases {p}: {exc}") from exc
    return _parse(text, p.name)


#: Tickers with a disclosed useful-life change, in the case file's order (MSFT, GOOGL, META,
#: AMZN).
DISCLOSED_CHANGES: tuple[str, ...] = tuple(load_cases().disclosed)
