"""What one registry entry is: :class:`Analysis`, its settings' fields, and the hooks it offers.

An :class:`Analysis` names an analysis, its settings dataclass (with ``preset(name)`` for
``"standard"``, ``"quick"`` and ``"publication"``), its run function ``run(data, settings)`` and
the result types that run returns. The front ends read everything else from it: the CLI builds
a command and the API a request model from :func:`setting_fields`, the report places a section
at :attr:`Analysis.report`, the scan takes a column from :attr:`Analysis.scan`, the backtest and
the status page take their signal lists from :attr:`Analysis.signals` and
:attr:`Analysis.status`.

A settings field's ``metadata`` may hold ``help`` (one line for ``--help`` and the API schema)
and bounds ``ge``, ``gt``, ``le``, ``lt``, ``min_length`` and ``max_length``, which the front
ends enforce before a run (:func:`setting` writes them).

Nothing here imports an engine: the run functions import theirs when called, so reading the
registry (``bubblescope --help``) stays fast.
"""

from __future__ import annotations

import dataclasses
import importlib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, TypeVar, Union

from bubblescope.errors import InputError
from bubblescope.settings import PRESETS

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

    from bubblescope.result import Result
    from bubblescope.settings import RunSettings

__all__ = [
    "PRESET_NAMES",
    "Analysis",
    "Column",
    "Group",
    "PresetName",
    "ScanHook",
    "ScanInput",
    "SettingField",
    "Settings",
    "coerce",
    "members",
    "setting",
    "setting_fields",
]

#: The named presets of every settings dataclass.
PresetName = Literal["standard", "quick", "publication"]
PRESET_NAMES: tuple[str, ...] = PRESETS
#: Where an analysis sits: bubble detection on prices, the AI economy, or a composite of others.
Group = Literal["detect", "economy", "composite"]


class Settings(Protocol):
    """A frozen settings dataclass with named presets."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @classmethod
    def preset(cls, name: str = "standard") -> Self:
        """The settings of preset ``name`` (``"standard"``, ``"quick"`` or ``"publication"``)."""
        ...


S = TypeVar("S", bound=Settings)


def setting(
    default: Any,
    help: str,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> Any:
    """A settings field with its help line and the bounds the front ends check."""
    bounds = {
        "ge": ge,
        "gt": gt,
        "le": le,
        "lt": lt,
        "min_length": min_length,
        "max_length": max_length,
    }
    meta = {"help": help, **{k: v for k, v in bounds.items() if v is not None}}
    if isinstance(default, (list, dict, set)):
        raise TypeError("settings are frozen: give a tuple, not a mutable default")
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class SettingField:
    """One field of a settings dataclass as the front ends see it.

    Attributes
    ----------
    name : str
    annotation : Any
        The field's resolved type (``int``, ``float | None``, ``Literal["log", "level"]`` ...).
    help : str
    bounds : dict
        ``ge``, ``gt``, ``le``, ``lt``, ``min_length`` and ``max_length`` where the field has
        them.
    """

    name: str
    annotation: Any
    help: str
    bounds: Mapping[str, float]


def setting_fields(settings: type[Any]) -> tuple[SettingField, ...]:
    """The fields of a settings dataclass, their resolved types, help and bounds."""
    hints = typing.get_type_hints(settings)
    return tuple(
        SettingField(
            f.name,
            hints[f.name],
            str(f.metadata.get("help", "")),
            {k: v for k, v in f.metadata.items() if k != "help"},
        )
        for f in dataclasses.fields(settings)
    )


def members(annotation: Any) -> tuple[Any, ...]:
    """The members of a union (``X | None``, ``Literal[...] | int``), or the type itself."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _coerce_one(text: str, annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if annotation is type(None):
        if text.strip().lower() in ("none", "null", ""):
            return None
        raise ValueError("not none")
    if origin is Literal:
        for choice in typing.get_args(annotation):
            if text == str(choice):
                return choice
        raise ValueError(f"not one of {list(typing.get_args(annotation))}")
    if origin is tuple:
        (item, *_rest) = typing.get_args(annotation)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        return tuple(coerce(p, item) for p in parts)
    if annotation is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise ValueError("not a boolean")
    if annotation in (int, float, str):
        return annotation(text)
    raise ValueError(f"cannot read {annotation!r} from text")


def coerce(text: str, annotation: Any) -> Any:
    """``text`` (from a command line) as a value of ``annotation``.

    Unions try each member in turn (``none`` reads as None); tuples read comma-separated items.

    Examples
    --------
    >>> from typing import Literal
    >>> coerce("none", float | None), coerce("2.5", float | None)
    (None, 2.5)
    >>> coerce("40", Literal["psy", "exuber"] | int), coerce("psy,lppls", tuple[str, ...])
    (40, ('psy', 'lppls'))
    """
    errors = []
    for member in sorted(members(annotation), key=lambda m: m is str):  # text last
        try:
            return _coerce_one(text, member)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise InputError(f"cannot read {text!r}: {'; '.join(errors)}")


def _check_bounds(name: str, value: Any, bounds: Mapping[str, float]) -> None:
    if value is None:
        return
    if "min_length" in bounds and len(value) < bounds["min_length"]:
        raise InputError(f"{name}: at least {bounds['min_length']:g} items, got {len(value)}")
    if "max_length" in bounds and len(value) > bounds["max_length"]:
        raise InputError(f"{name}: at most {bounds['max_length']:g} items, got {len(value)}")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    for key, words in (("ge", "at least"), ("gt", "above"), ("le", "at most"), ("lt", "below")):
        if key not in bounds:
            continue
        bound = bounds[key]
        ok = {"ge": value >= bound, "gt": value > bound, "le": value <= bound, "lt": value < bound}
        if not ok[key]:
            raise InputError(f"{name} must be {words} {bound:g}, got {value}")


@dataclass(frozen=True)
class Column:
    """A reading an analysis gives another surface: a backtest signal or a status-page column.

    Attributes
    ----------
    name : str
        The key it is known by there (``"psy"``, ``"crash_probability"``, ``"psy_log"``).
    label : str
        What it is, in a few words (the status page's column heading, the signal's description).
    """

    name: str
    label: str


@dataclass(frozen=True)
class ScanInput:
    """What the scan hands each analysis for one symbol.

    Attributes
    ----------
    close : pandas.Series
        Daily closes, named by the symbol.
    volume : pandas.Series or None
    market : pandas.Series or None
        The market's closes for net-of-market readings.
    run : RunSettings
        The run whose settings apply.
    window : int or None
        PSY on the trailing ``window`` observations as given instead of the run's sample.
    """

    close: pd.Series
    volume: pd.Series | None
    market: pd.Series | None
    run: RunSettings
    window: int | None


@dataclass(frozen=True)
class ScanHook:
    """An analysis as a column of :func:`bubblescope.scan.scan`.

    Attributes
    ----------
    describe : str
        What the scan reports for it.
    metrics : callable
        ``metrics(ScanInput) -> dict`` of flat, JSON-ready readings (module level, so it
        pickles to worker processes).
    column, title, ylabel : str
        The metric the scan's chart draws, the panel's title and y label.
    scale : float
        Factor onto the chart's unit (100 for a fraction shown in %).
    line : (float, str) or None
        A reference line on the panel: its value and label.
    definitions : tuple of (str, str)
        ``(metric, definition)`` pairs: how a metric is computed and in what unit, where its
        name alone could mislead (the scan's ``definitions`` and its summary show them).
    """

    describe: str
    metrics: Callable[[ScanInput], dict[str, Any]]
    column: str
    title: str
    ylabel: str
    scale: float = 1.0
    line: tuple[float, str] | None = None
    definitions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Analysis(Generic[S]):
    """One registry entry: an analysis, its settings with presets, its run and its result.

    Attributes
    ----------
    name : str
        Key of the analysis: its CLI command (``bubblescope run NAME``) and its endpoint
        (``POST /api/analyses/NAME``).
    title : str
        Heading (report section, API listing).
    help : str
        One paragraph: what it computes and from what.
    settings : type
        A frozen dataclass with ``preset(name)``; its fields are what a user may set.
    run : callable
        ``run(data, settings) -> Result``: ``data`` is a price series (a Series of closes or a
        price frame with ``close`` and maybe ``volume``) when :attr:`needs_series`, else None.
    results : tuple of str
        Qualified names of the result types ``run`` returns (several where a run can end in
        another type, e.g. an LPPLS fit or a FailedFit); :meth:`result_types` imports them.
    group : {"detect", "economy", "composite"}
    needs_series : bool
    slow : bool
        A run takes more than a few seconds (Monte Carlo, many fits, many series): the API
        tags its endpoint ``slow`` and offers it as a background job too.
    report : int or None
        Position of its section in the report (None: not in the report).
    scan : ScanHook or None
        Its column in a scan.
    signals : tuple of Column
        The backtest signals it gives.
    status : tuple of Column
        The status page's columns it gives.
    """

    name: str
    title: str
    help: str
    settings: type[S]
    run: Callable[[pd.Series | pd.DataFrame | None, S], Result]
    results: tuple[str, ...]
    group: Group
    needs_series: bool = False
    slow: bool = False
    report: int | None = None
    scan: ScanHook | None = None
    signals: tuple[Column, ...] = ()
    status: tuple[Column, ...] = ()

    def result_types(self) -> tuple[type, ...]:
        """The classes named by :attr:`results` (imports their modules)."""
        out = []
        for qualname in self.results:
            module, _, name = qualname.rpartition(".")
            out.append(getattr(importlib.import_module(module), name))
        return tuple(out)

    def fields(self) -> tuple[SettingField, ...]:
        """The settings' fields (see :func:`setting_fields`)."""
        return setting_fields(self.settings)

    def configure(self, preset: str = "standard", values: Mapping[str, Any] | None = None) -> S:
        """The preset's settings with ``values`` changed (checked against the fields' bounds).

        Raises
        ------
        InputError
            For an unknown preset or setting, a value out of bounds, or one the settings
            refuse.
        """
        if preset not in PRESET_NAMES:
            raise InputError(f"unknown preset {preset!r}", hint=f"one of {list(PRESET_NAMES)}")
        base = self.settings.preset(preset)
        if not values:
            return base
        known = {f.name: f for f in self.fields()}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise InputError(
                f"{self.name} has no setting(s) {unknown}", hint=f"settings: {sorted(known)}"
            )
        for key, value in values.items():
            _check_bounds(key, value, known[key].bounds)
        try:
            return dataclasses.replace(base, **values)
        except TypeError as exc:
            raise InputError(f"{self.name}: {exc}") from None

    def defaults(self, preset: str = "standard") -> dict[str, Any]:
        """The preset's values by field (JSON-ready: tuples become lists)."""
        values = dataclasses.asdict(self.configure(preset))
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
