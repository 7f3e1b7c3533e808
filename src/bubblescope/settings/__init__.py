"""The one standard run: the settings every surface uses, with named presets.

:class:`RunSettings` holds the frequency, windows, seeds, replications, thresholds and the data
(watchlist, baskets, indices) of a run; ``RunSettings.preset("standard")`` is what the overview,
the report, the dashboard, the status page, ``scan`` and the CLI commands use unless told
otherwise, so one series gives the same numbers on every surface. ``"quick"`` and
``"publication"`` change a few values. The presets live in ``presets.yaml`` next to this module,
one row per value with the reason for it; :meth:`RunSettings.reasons` returns those reasons.

Examples
--------
>>> s = RunSettings.preset("standard")
>>> s.psy.frequency, s.psy.reps, s.psy.seed
('W', 999, 20150401)
>>> RunSettings.preset("quick").psy.reps
199
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from bubblescope.errors import DataError, InputError

if TYPE_CHECKING:
    import pandas as pd

    from bubblescope.detect.critical_values import MonteCarloCV
    from bubblescope.detect.lppls import WindowSet

__all__ = [
    "PRESETS",
    "BacktestSettings",
    "DataSettings",
    "Frequency",
    "LPPLSSettings",
    "LightSettings",
    "PSYSettings",
    "RunSettings",
    "RunupSettings",
    "resample",
]

Frequency = Literal["D", "W", "M"]
#: Named presets.
PRESETS: tuple[str, ...] = ("standard", "quick", "publication")
_SCALES = ("short", "medium", "long")


def resample(close: pd.Series, frequency: Frequency) -> pd.Series:
    """Closes at ``frequency``, each dated at the trading day it was observed.

    ``"W"``: the last close of each week (weeks ending Friday); ``"M"``: of each month; ``"D"``:
    unchanged. Dating each value at its own trading day (not the period end) means a reading
    never carries a date after the data end.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["2026-07-30", "2026-07-31", "2026-08-03"])
    >>> resample(pd.Series([1.0, 2.0, 3.0], index=days), "W").index.strftime("%Y-%m-%d").tolist()
    ['2026-07-31', '2026-08-03']
    """
    import pandas as pd

    if frequency == "D":
        return close
    if frequency not in ("W", "M"):
        raise InputError(f"unknown frequency {frequency!r}", hint="use D, W or M")
    days = pd.DatetimeIndex(close.index)
    # period ordinals (increasing with the period); each period's last trading day in one
    # grouped pass, not a sub-series per period
    period = days.to_period("W-FRI" if frequency == "W" else "M").asi8
    last_day = pd.Series(days).groupby(period).last()
    out = pd.Series(
        close.groupby(period).last().to_numpy(),
        index=pd.DatetimeIndex(last_day.to_numpy(), name=close.index.name),
        name=close.name,
    )
    out.attrs = dict(close.attrs)
    return out


@dataclass(frozen=True)
class PSYSettings:
    """PSY settings of a run.

    Attributes
    ----------
    frequency : {"D", "W", "M"}
        Sampling of daily closes before the test (:func:`resample`).
    lookback_years : float or None
        Years tested for the "now" reading (None: the whole history).
    lag : int
    window : {"psy", "exuber"} or int
    reps, seed : int
        Monte Carlo replications and seed of the critical values.
    level : float
        Level of the family-wise critical value used for stamping.
    """

    frequency: Frequency = "W"
    lookback_years: float | None = 20.0
    lag: int = 0
    window: Literal["psy", "exuber"] | int = "psy"
    reps: int = 999
    seed: int = 20150401
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.frequency not in ("D", "W", "M"):
            raise InputError(f"psy.frequency must be D, W or M, got {self.frequency!r}")
        if self.reps < 50:
            raise InputError(f"psy.reps must be at least 50, got {self.reps}")
        if self.lookback_years is not None and not self.lookback_years > 0:
            raise InputError("psy.lookback_years must be positive or None")
        if not 0.0 < self.level < 1.0:
            raise InputError(f"psy.level must lie in (0, 1), got {self.level}")

    def cv(self) -> MonteCarloCV:
        """The critical-value method: Monte Carlo with :attr:`reps` and :attr:`seed`."""
        from bubblescope.detect.critical_values import MonteCarloCV

        return MonteCarloCV(reps=self.reps, rng=self.seed)

    def sample(self, close: pd.Series, *, positive: bool = False) -> pd.Series:
        """Closes resampled to :attr:`frequency` over the last :attr:`lookback_years`.

        Parameters
        ----------
        close : pandas.Series
            Daily closes with a DatetimeIndex.
        positive : bool
            Refuse a zero or negative close on any day of the sampled span, not only among the
            closes the sample keeps (:func:`bubblescope.data.validate.require_positive`): set
            it when the sample's logarithm is taken.

        Raises
        ------
        InputError
            With ``positive``, a non-positive close in the span, named with its date.
        """
        import pandas as pd

        from bubblescope.data.validate import require_positive

        daily = close.dropna()
        out = resample(daily, self.frequency)
        if self.lookback_years is not None and len(out):
            months = round(12 * self.lookback_years)
            start = out.index[-1] - pd.DateOffset(months=months)
            out = out.loc[out.index > start]
            daily = daily.loc[daily.index > start]
        if positive:
            require_positive(daily, "its logarithm needs positive prices")
        return out

    def describe(self) -> str:
        """One line for notes: what was tested and how."""
        freq = {"D": "daily", "W": "weekly", "M": "month-end"}[self.frequency]
        span = (
            "whole history"
            if self.lookback_years is None
            else f"last {self.lookback_years:g} years"
        )
        return (
            f"{freq} closes, {span}, lag {self.lag}, {self.window} minimum window, critical "
            f"values from {self.reps} Monte Carlo replications (seed {self.seed}), family-wise "
            f"{self.level:.0%} stamping"
        )


@dataclass(frozen=True)
class LPPLSSettings:
    """LPPLS settings: window scales, the 'since when' trace and the alarm level."""

    scales: tuple[str, ...] = _SCALES
    history_months: int = 6
    alarm: float = 0.1

    def __post_init__(self) -> None:
        unknown = [s for s in self.scales if s not in _SCALES]
        if unknown or not self.scales:
            raise InputError(f"lppls.scales must be among {_SCALES}, got {self.scales}")
        if self.history_months < 0:
            raise InputError("lppls.history_months must be non-negative")
        if not 0.0 < self.alarm <= 1.0:
            raise InputError(f"lppls.alarm must lie in (0, 1], got {self.alarm}")

    def windows(self) -> dict[str, WindowSet]:
        """Window set of each scale (trading days)."""
        from bubblescope.detect.lppls import WindowSet

        return {s: getattr(WindowSet, s)() for s in self.scales}


@dataclass(frozen=True)
class RunupSettings:
    """Greenwood–Shleifer–You run-up settings."""

    horizon_months: int = 24
    threshold: float = 1.0
    market: str = "SP500"
    model_sample: str = "1928-2014"


@dataclass(frozen=True)
class BacktestSettings:
    """Settings of the backtests that give each signal its record."""

    frequency: Literal["W", "M"] = "W"
    train_years: float = 10.0
    psy_reps: int = 199
    lppls_grid: Literal["W", "M", "Q"] = "M"
    lppls_step: int = 5


@dataclass(frozen=True)
class LightSettings:
    """Traffic-light thresholds of the status page (see presets.yaml for the reasons)."""

    psy_amber_level: float = 0.90
    lppls_amber: float = 0.0
    return_amber: float = 0.5
    crash_red: float = 0.35
    crash_amber: float = 0.2
    drawdown_amber: float = -0.10
    drawdown_red: float = -0.20
    valuation_amber: float = 75.0
    valuation_red: float = 90.0
    stale_days: int = 14


@dataclass(frozen=True)
class DataSettings:
    """Which data a run reads: the watchlist rows, the baskets and the indices."""

    leaders: tuple[str, ...] = ()
    ai_basket: tuple[str, ...] = ()
    dotcom_basket: tuple[str, ...] = ()
    indices: tuple[str, ...] = ("NASDAQ", "SP500")
    basket_rebalance: Literal["M", "Q"] = "Q"
    basket_min_share: float = 0.5
    alignment_lookback_years: float = 5.0
    dotcom_peak_window: tuple[str, str] = ("1998-01-01", "2001-12-31")

    def __post_init__(self) -> None:
        if self.basket_rebalance not in ("M", "Q"):
            raise InputError(f"data.basket_rebalance must be M or Q, got {self.basket_rebalance!r}")
        if not 0.0 < self.basket_min_share <= 1.0:
            raise InputError("data.basket_min_share must lie in (0, 1]")


@dataclass(frozen=True)
class RunSettings:
    """Every setting of a run, by analysis (build with :meth:`preset`)."""

    name: str = "standard"
    data: DataSettings = field(default_factory=DataSettings)
    psy: PSYSettings = field(default_factory=PSYSettings)
    lppls: LPPLSSettings = field(default_factory=LPPLSSettings)
    runup: RunupSettings = field(default_factory=RunupSettings)
    backtest: BacktestSettings = field(default_factory=BacktestSettings)
    lights: LightSettings = field(default_factory=LightSettings)

    @classmethod
    def preset(cls, name: str = "standard") -> RunSettings:
        """The named preset (``"standard"``, ``"quick"`` or ``"publication"``).

        Raises
        ------
        InputError
            For an unknown preset name.
        DataError
            When ``presets.yaml`` is malformed (names the entry).
        """
        if name not in PRESETS:
            raise InputError(f"unknown preset {name!r}", hint=f"choose one of {list(PRESETS)}")
        return _build(name)

    def with_changes(self, **sections: dict[str, Any]) -> RunSettings:
        """A copy with some values changed, e.g. ``with_changes(psy={"reps": 199})``.

        Raises
        ------
        InputError
            For an unknown section or field, or a value the section refuses.
        """
        out = self
        for section, values in sections.items():
            if section not in _SECTIONS:
                raise InputError(f"unknown settings section {section!r}")
            current = getattr(out, section)
            names = {f.name for f in fields(current)}
            unknown = sorted(set(values) - names)
            if unknown:
                raise InputError(
                    f"unknown {section} setting(s) {unknown}", hint=f"use {sorted(names)}"
                )
            out = replace(out, **{section: replace(current, **_coerce(section, values))})
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        out = asdict(self)
        for section in ("data", "lppls"):
            out[section] = {
                k: list(v) if isinstance(v, tuple) else v for k, v in out[section].items()
            }
        return out

    def fingerprint(self) -> str:
        """SHA-256 (16 hex digits) of the settings, for cache keys and the readings log."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @staticmethod
    def reasons(name: str = "standard") -> dict[str, str]:
        """``"section.field" -> why`` for every value the preset sets (standard's otherwise)."""
        raw = _presets()
        out = {
            f"{s}.{k}": str(v["why"])
            for s, body in raw["standard"].items()
            for k, v in body.items()
        }
        if name != "standard":
            out.update(
                {
                    f"{s}.{k}": str(v["why"])
                    for s, body in raw[name].items()
                    for k, v in body.items()
                }
            )
        return out


_SECTIONS: dict[str, type] = {
    "data": DataSettings,
    "psy": PSYSettings,
    "lppls": LPPLSSettings,
    "runup": RunupSettings,
    "backtest": BacktestSettings,
    "lights": LightSettings,
}


def _coerce(section: str, values: dict[str, Any]) -> dict[str, Any]:
    """YAML lists become tuples (the dataclasses are hashable and frozen)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


@functools.cache
def _presets() -> dict[str, Any]:
    import yaml

    from bubblescope import _yaml

    path = resources.files("bubblescope.settings").joinpath("presets.yaml")
    try:
        raw = _yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read the run presets {path}: {exc}") from exc
    return _validated(raw, str(path))


def _validated(raw: Any, where: str) -> dict[str, Any]:
    """The presets document when every row is ``{value, why}`` in a known section."""
    if not isinstance(raw, dict) or set(raw) != set(PRESETS):
        raise DataError(f"{where}: expected the presets {list(PRESETS)}")
    for name, body in raw.items():
        if body is not None and not isinstance(body, dict):
            raise DataError(f"{where}: preset {name!r} is not a mapping")
        for section, rows in (body or {}).items():
            if section not in _SECTIONS or not isinstance(rows, dict):
                raise DataError(f"{where}: preset {name!r} has an unknown section {section!r}")
            for key, row in rows.items():
                if not isinstance(row, dict) or set(row) != {"value", "why"} or not row["why"]:
                    raise DataError(f"{where}: {name}.{section}.{key} needs a value and a reason")
    return dict(raw)


@functools.cache
def _build(name: str) -> RunSettings:
    raw = _presets()
    settings = RunSettings(name=name)
    for layer in ("standard", name) if name != "standard" else ("standard",):
        for section, rows in (raw[layer] or {}).items():
            values = {k: row["value"] for k, row in rows.items()}
            try:
                settings = settings.with_changes(**{section: values})
            except (InputError, TypeError) as exc:
                raise DataError(
                    f"presets.yaml: preset {layer!r}, section {section!r}: {exc}"
                ) from exc
    return replace(settings, name=name)
