"""The economy models' default assumptions, as data: one YAML file per model in this folder.

Every number an economy model uses by default is a row of ``<model>.yaml`` next to this module
(``gpu.yaml``, ``power.yaml`` ...). :func:`load_assumptions` reads a file once and checks every
row; a model reads its set with :func:`assumptions_for`, which also applies the caller's
overrides. Model code holds no numeric assumption literal (a test scans it for them).

Row format
----------
A file is a YAML mapping from row keys (lower-case identifiers: what code and overrides use) to
rows. A key may also hold a list of rows, a *series* (rental prices over time, a projection's
start and end)::

    pue:
      name: PUE                    # label printed with every result (Input.name)
      value: 1.3                   # the number, in ``unit``
      unit: "1"                    # a unit of bubblescope.economy.units ("1": dimensionless)
      why: >-                      # a labelled assumption: the reason for the number
        midpoint of the 1.2-1.4 PUE range behind GPU-10
    epoch_cost_per_gw:
      name: Epoch AI all-in cost per GW
      unit: USD bn/GW              # the fact's own unit
      fact: GPU-13a                # a fact id: the fact's single value is read, not repeated
    h100_board_power:
      name: H100 board power
      value: 700                   # one number of a compound fact ("H100 700 / A100 400 / ..."),
      unit: W/GPU
      fact: GPU-07                 # checked to occur in the fact's text
    h100_rents:                    # a series: every row has ``at``, strictly increasing
      - {name: H100 rent at launch, at: 2023.0, value: 4.70, unit: USD/GPU-hour, fact: GPU-01}
      - {name: H100 rent at the 2023 peak, at: 2023.5, unit: USD/GPU-hour, fact: GPU-01}

Fields:

``name``
    What the number is (text).
``unit``
    Its unit (text, a unit of :mod:`~bubblescope.economy.units`).
``fact`` or ``why`` (exactly one)
    ``fact``: an id of the fact base (:mod:`bubblescope.data.facts`). ``why``: the rationale of
    an assumption, naming its primary source or fact ids (never an internal working note).
``value``
    A finite number. Required with ``why``. With ``fact``, left out to read the fact's own single
    value (:func:`~bubblescope.economy.inputs.fact_number`: ``unit`` must be the fact's unit);
    given only for a number the fact states in its text besides that value
    (:func:`~bubblescope.economy.inputs.fact_part` checks it is there). A row that repeats the
    fact's single value is an error.
``at``
    The calendar time the number refers to, a decimal year (required in a series, optional
    elsewhere).

Loading and overriding
----------------------
``load_assumptions("gpu")`` reads the shipped ``gpu.yaml`` once (cached) and builds every row
into an :class:`~bubblescope.economy.inputs.Input`: a malformed row, an unknown fact id or unit,
or a number its fact does not state raises :class:`~bubblescope.errors.DataError` naming the file
and the row. ``load_assumptions("gpu", path)`` reads a file of the same form whose rows replace
the shipped ones. A model that reads a set takes ``assumptions=``: such a set, or a mapping
``{key: Input or float}`` (a float becomes a ``user`` input in the row's unit; a series takes
``[(at, Input or float), ...]``). A model's explicit Input arguments (``pue=``) still win.

Examples
--------
>>> gpu = load_assumptions("gpu")
>>> pue = gpu.input("pue")
>>> pue.value, pue.kind
(1.3, 'assumption')
>>> print(gpu.input("electricity_price").line())
electricity price = 0.08 USD/kWh [assumption: midpoint of the $0.06-0.10/kWh range behind GPU-10]
>>> gpu.override({"pue": 1.5}).input("pue").line()
'PUE = 1.5 [user: given by the user]'
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

from bubblescope.economy.inputs import Input, assumption, fact_number, fact_part, user_input
from bubblescope.errors import BubblescopeError, DataError, InputError

__all__ = [
    "AssumptionRow",
    "AssumptionSet",
    "AssumptionsLike",
    "OverrideValue",
    "Series",
    "assumptions_for",
    "load_assumptions",
    "shipped_models",
]

#: A series: (calendar time, input) pairs in time order.
Series: TypeAlias = tuple[tuple[float, Input], ...]
#: What an override may give for one row: an Input, a number in the row's unit, or a series.
OverrideValue: TypeAlias = "Input | float | Sequence[tuple[float, Input | float]]"
#: What a model's ``assumptions=`` accepts.
AssumptionsLike: TypeAlias = "AssumptionSet | Mapping[str, OverrideValue] | None"

_KEY = re.compile(r"[a-z][a-z0-9_]*")
_SCIENTIFIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_FIELDS = frozenset({"name", "value", "unit", "fact", "why", "at"})
_HINT = "see the row format in the docstring of bubblescope.economy.assumptions"


@dataclass(frozen=True)
class AssumptionRow:
    """One row of an assumption file.

    Attributes
    ----------
    key : str
        Row key (a list's rows share their key).
    name : str
        Label of the number.
    unit : str
        Unit of ``value`` (and of the fact it is read from).
    value : float or None
        The number; ``None`` for a fact whose own single value is read.
    fact : str or None
        Fact id, or ``None`` for an assumption.
    why : str or None
        Rationale of an assumption, or ``None`` for a fact.
    at : float or None
        Calendar time (decimal year) the number refers to.
    """

    key: str
    name: str
    unit: str
    value: float | None = None
    fact: str | None = None
    why: str | None = None
    at: float | None = None

    def build(self) -> Input:
        """The model input: the fact (or the part of it) checked, or the labelled assumption."""
        if self.fact is not None:
            if self.value is None:
                return fact_number(self.fact, self.unit, name=self.name)
            return fact_part(self.fact, self.value, self.unit, name=self.name)
        if self.value is None or self.why is None:
            raise InputError(f"row {self.key!r}: an assumption needs a value and a rationale")
        return assumption(self.name, self.value, self.unit, self.why)


Row: TypeAlias = AssumptionRow | tuple[AssumptionRow, ...]
Built: TypeAlias = Input | Series


@dataclass(frozen=True)
class AssumptionSet:
    """A model's assumption set: the rows of its file and the inputs they give.

    Attributes
    ----------
    model : str
        Model name (the file's stem: ``"gpu"``).
    where : str
        Where the rows come from (file name, ``"+ overrides"`` appended when overridden).
    rows : mapping of str to AssumptionRow or tuple of AssumptionRow
        The file's rows by key (a tuple for a series).
    inputs : mapping of str to Input or Series
        The value in force for each key (a row built, or an override).
    """

    model: str
    where: str
    rows: Mapping[str, Row]
    inputs: Mapping[str, Built]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __contains__(self, key: object) -> bool:
        return key in self.rows

    def __len__(self) -> int:
        return len(self.rows)

    def _get(self, key: str) -> Built:
        try:
            return self.inputs[key]
        except KeyError:
            raise InputError(
                f"{self.where} has no row {key!r}", hint=f"rows: {', '.join(self.rows)}"
            ) from None

    def input(self, key: str) -> Input:
        """The input in force for ``key`` (a single row)."""
        item = self._get(key)
        if not isinstance(item, Input):
            raise InputError(f"{self.where}: {key!r} is a series", hint="use .series(key)")
        return item

    def series(self, key: str) -> Series:
        """The ``(at, input)`` pairs in force for ``key`` (a series)."""
        item = self._get(key)
        if isinstance(item, Input):
            raise InputError(f"{self.where}: {key!r} is a single row", hint="use .input(key)")
        return item

    def row(self, key: str) -> AssumptionRow:
        """The file's row for ``key`` (a single row)."""
        row = self.rows.get(key)
        if not isinstance(row, AssumptionRow):
            raise InputError(f"{self.where}: {key!r} is not a single row")
        return row

    def at(self, key: str) -> float:
        """The calendar time (``at``, a decimal year) of a single row."""
        row = self.rows.get(key)
        if not isinstance(row, AssumptionRow) or row.at is None:
            raise InputError(f"{self.where}: {key!r} is not a single row with a time (at)")
        return row.at

    def all_inputs(self) -> tuple[Input, ...]:
        """Every input in force, in file order (a series' inputs in time order)."""
        out: list[Input] = []
        for item in self.inputs.values():
            out.extend([item] if isinstance(item, Input) else [i for _, i in item])
        return tuple(out)

    def override(self, overrides: Mapping[str, OverrideValue]) -> AssumptionSet:
        """A copy with some values replaced.

        Parameters
        ----------
        overrides : mapping
            ``{key: Input or float}`` for a single row (a float is a ``user`` input in the row's
            unit), ``{key: [(at, Input or float), ...]}`` for a series.

        Raises
        ------
        InputError
            An unknown key, a series given for a row or the reverse, times not increasing.
        UnitError
            An Input in another dimension than the row's unit.
        """
        if not overrides:
            return self
        inputs = dict(self.inputs)
        for key, given in overrides.items():
            row = self.rows.get(key)
            if row is None:
                raise InputError(
                    f"{self.where} has no row {key!r} to override",
                    hint=f"rows: {', '.join(self.rows)}",
                )
            inputs[key] = _override(self.where, key, row, given)
        return AssumptionSet(self.model, f"{self.where} + overrides", self.rows, inputs)


def _as_input(given: Input | float, row: AssumptionRow) -> Input:
    if isinstance(given, Input):
        given.m_as(row.unit)  # UnitError when the dimension differs
        return given
    if isinstance(given, bool) or not isinstance(given, int | float):
        raise InputError(f"override of {row.key!r} must be an Input or a number, got {given!r}")
    return user_input(row.name, float(given), row.unit)


def _override(where: str, key: str, row: Row, given: OverrideValue) -> Built:
    if isinstance(row, AssumptionRow):
        if not isinstance(given, Input | int | float):
            raise InputError(f"{where}: {key!r} is a single row; give an Input or a number")
        return _as_input(given, row)
    if isinstance(given, Input | int | float) or not given:
        raise InputError(f"{where}: {key!r} is a series; give [(at, Input or number), ...]")
    pairs: list[tuple[float, Input]] = []
    for at, item in given:
        pairs.append((float(at), _as_input(item, row[0])))
    times = [t for t, _ in pairs]
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise InputError(f"{where}: override of {key!r}: times must increase strictly")
    return tuple(pairs)


class _Reader:
    """Typed access to a parsed file, each error naming the file and the row."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, row: str, problem: str) -> DataError:
        return DataError(f"{self.where}: {row}: {problem}", hint=_HINT)

    def text(self, raw: Mapping[str, Any], field: str, row: str) -> str:
        value = raw[field]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(row, f"{field} must be text, got {value!r}")
        return " ".join(value.split())

    def number(self, raw: Mapping[str, Any], field: str, row: str) -> float | None:
        if field not in raw:
            return None
        value = raw[field]
        if isinstance(value, str) and _SCIENTIFIC.fullmatch(value.strip()):
            value = float(value)  # PyYAML (YAML 1.1) reads 1.0e11, without a sign, as text
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(row, f"{field} must be a finite number, got {value!r}")
        return float(value)

    def row(self, key: str, raw: Any, label: str) -> AssumptionRow:
        if not isinstance(raw, Mapping):
            raise self.fail(
                label, f"expected a mapping with name, unit, value, fact or why, got {raw!r}"
            )
        unknown = sorted(set(raw) - _FIELDS)
        if unknown:
            raise self.fail(label, f"unknown field(s) {unknown}")
        missing = sorted({"name", "unit"} - set(raw))
        if missing:
            raise self.fail(label, f"missing {missing}")
        if ("fact" in raw) == ("why" in raw):
            raise self.fail(label, "needs exactly one of fact (a fact id) and why (a rationale)")
        value = self.number(raw, "value", label)
        if "why" in raw and value is None:
            raise self.fail(label, "an assumption (why) needs a value")
        return AssumptionRow(
            key,
            self.text(raw, "name", label),
            self.text(raw, "unit", label),
            value,
            self.text(raw, "fact", label) if "fact" in raw else None,
            self.text(raw, "why", label) if "why" in raw else None,
            self.number(raw, "at", label),
        )

    def entry(self, key: Any, raw: Any) -> Row:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise self.fail(str(key), "a row key must be a lower-case identifier")
        if not isinstance(raw, list):
            return self.row(key, raw, key)
        if not raw:
            raise self.fail(key, "a series needs at least one row")
        rows = tuple(self.row(key, r, f"{key}[{k}]") for k, r in enumerate(raw))
        times = [_time(r) for r in rows]
        for k, t in enumerate(times):
            if math.isnan(t):
                raise self.fail(f"{key}[{k}]", "a row of a series needs at (a decimal year)")
        if any(b <= a for a, b in itertools.pairwise(times)):
            raise self.fail(key, f"times (at) must increase strictly, got {times}")
        return rows

    def build(self, label: str, row: AssumptionRow) -> Input:
        if row.fact is not None and row.value is not None:
            self.check_not_repeated(label, row)
        try:
            return row.build()
        except BubblescopeError as exc:
            raise self.fail(label, exc.message) from None

    def check_not_repeated(self, label: str, row: AssumptionRow) -> None:
        from bubblescope.data.facts import get_fact

        try:
            fact = get_fact(str(row.fact))
        except BubblescopeError as exc:
            raise self.fail(label, exc.message) from None
        if fact.value is not None and fact.unit == row.unit and fact.value == row.value:
            raise self.fail(
                label,
                f"value {row.value:g} repeats fact {fact.id}'s own value: leave value out",
            )


def _time(row: AssumptionRow) -> float:
    return math.nan if row.at is None else row.at


def _built(reader: _Reader, key: str, row: Row) -> Built:
    if isinstance(row, AssumptionRow):
        return reader.build(key, row)
    return tuple((_time(r), reader.build(f"{key}[{k}]", r)) for k, r in enumerate(row))


def _parse(text: str, model: str, where: str) -> AssumptionSet:
    import yaml

    from bubblescope import _yaml

    try:
        raw = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{where}: not valid YAML: {exc}") from None
    reader = _Reader(where)
    if not isinstance(raw, dict) or not raw:
        raise reader.fail("the file", "expected a mapping of row keys to rows")
    rows = {str(k): reader.entry(k, v) for k, v in raw.items()}
    inputs = {k: _built(reader, k, r) for k, r in rows.items()}
    return AssumptionSet(model, where, rows, inputs)


def shipped_models() -> tuple[str, ...]:
    """Names of the models with a shipped assumption file, sorted."""
    folder = resources.files(__name__)
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


@functools.cache
def _shipped(model: str) -> AssumptionSet:
    if model not in shipped_models():
        raise DataError(
            f"no assumption file for model {model!r}",
            hint=f"shipped: {', '.join(shipped_models())}",
        )
    name = f"{model}.yaml"
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return _parse(text, model, name)


def load_assumptions(model: str, path: str | Path | None = None) -> AssumptionSet:
    """A model's assumption set: the shipped file, or the shipped rows replaced by a file's.

    Parameters
    ----------
    model : str
        Model name, the stem of a shipped file (``"gpu"``, ``"power"`` ...).
    path : str or Path, optional
        A YAML file in the same row format whose rows replace the shipped rows of the same key
        (each must exist in the shipped file, in the same dimension).

    Raises
    ------
    DataError
        No such model, an unreadable file, or a malformed row (the message names the file and
        the row).
    """
    shipped = _shipped(model)
    if path is None:
        return shipped
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read the assumption file {p}: {exc}") from None
    given = _parse(text, model, p.name)
    reader = _Reader(p.name)
    for key, row in given.rows.items():
        base = shipped.rows.get(key)
        if base is None:
            raise reader.fail(key, f"not a row of {model}.yaml (rows: {', '.join(shipped.rows)})")
        if isinstance(base, AssumptionRow) != isinstance(row, AssumptionRow):
            kind = "a single row" if isinstance(base, AssumptionRow) else "a series"
            raise reader.fail(key, f"is {kind} in {model}.yaml")
        unit = base.unit if isinstance(base, AssumptionRow) else base[0].unit
        built = given.inputs[key]
        for item in [built] if isinstance(built, Input) else [i for _, i in built]:
            _check_unit(reader, key, item, unit)
    return AssumptionSet(
        model,
        f"{p.name} over {model}.yaml",
        {**shipped.rows, **given.rows},
        {**shipped.inputs, **given.inputs},
    )


def _check_unit(reader: _Reader, key: str, item: Input, unit: str) -> None:
    try:
        item.m_as(unit)
    except BubblescopeError as exc:
        raise reader.fail(key, exc.message) from None


def assumptions_for(model: str, given: AssumptionsLike = None) -> AssumptionSet:
    """The set a model runs on: the shipped one, a set the caller loaded, or overrides of it.

    Raises
    ------
    InputError
        A set of another model, or a bad override (see :meth:`AssumptionSet.override`).
    """
    if given is None:
        return load_assumptions(model)
    if isinstance(given, AssumptionSet):
        if given.model != model:
            raise InputError(f"assumptions of {given.model!r} given to the {model!r} model")
        return given
    return load_assumptions(model).override(given)
