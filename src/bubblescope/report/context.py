"""What every section builder reads: the run settings, the status page, the data, the facts.

The report runs on the data that ships with bubblescope (the NASDAQ Composite from 1971, the
watchlist's daily closes to 2026-08-03, Shiller's table), with anything the user imported or
updated winning per date, and on the fact base. Nothing here downloads anything. The settings
are the standard run (:class:`bubblescope.settings.RunSettings`) unless told otherwise, so the
report prints the same numbers as the overview, the dashboard and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblescope.errors import BubblescopeError, InputError
from bubblescope.settings import RunSettings

if TYPE_CHECKING:
    from bubblescope.data.facts import FactBase
    from bubblescope.status.result import StatusResult

__all__ = ["ReportContext", "ReportSettings"]


def _standard() -> RunSettings:
    return RunSettings.preset("standard")


def _confidence(name: str) -> Any:
    """A setting of the registry's standard LPPLS Confidence trace."""
    from bubblescope.analyses.engines import LPPLSConfidenceSettings

    return getattr(LPPLSConfidenceSettings.preset("standard"), name)


def _shock() -> Any:
    """The registry's standard stress scenario: its first payment shock."""
    from bubblescope.analyses.engines import StressSettings
    from bubblescope.economy.clearing import parse_shock

    return parse_shock(StressSettings.preset("standard").shocks[0])


@dataclass(frozen=True)
class ReportSettings:
    """The run settings plus the few choices only the report makes; all printed in it.

    Attributes
    ----------
    run : RunSettings
        The standard run (or another preset): frequencies, seeds, replications, windows,
        thresholds and the watchlist.
    lppls_max_window, lppls_min_window, lppls_step : int
        Nested LPPLS windows (trading days) of the dot-com Confidence trace (default: the
        registry's standard LPPLS Confidence, :mod:`bubblescope.analyses`).
    lppls_every : int
        That trace is computed at every ``lppls_every``-th trading day of 2000 (the same).
    shock_firm, shock_fraction : str, float
        The stress scenario: ``shock_firm`` pays ``shock_fraction`` of its obligations (default:
        the registry's standard stress test).
    """

    run: RunSettings = field(default_factory=_standard)
    lppls_max_window: int = field(default_factory=lambda: int(_confidence("max_window")))
    lppls_min_window: int = field(default_factory=lambda: int(_confidence("min_window")))
    lppls_step: int = field(default_factory=lambda: int(_confidence("step")))
    lppls_every: int = field(default_factory=lambda: int(_confidence("every")))
    shock_firm: str = field(default_factory=lambda: str(_shock().firm))
    shock_fraction: float = field(default_factory=lambda: float(_shock().fraction))

    def __post_init__(self) -> None:
        if not 0.0 <= self.shock_fraction <= 1.0:
            raise InputError(f"shock_fraction must lie in [0, 1], got {self.shock_fraction}")
        if self.lppls_every < 1 or self.lppls_step < 1:
            raise InputError("lppls_every and lppls_step must be at least 1")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings (the run's fingerprint included)."""
        return {
            "run": {**self.run.to_dict(), "fingerprint": self.run.fingerprint()},
            "lppls_dotcom_windows": [self.lppls_max_window, self.lppls_min_window, self.lppls_step],
            "lppls_every": self.lppls_every,
            "shock_firm": self.shock_firm,
            "shock_fraction": self.shock_fraction,
        }


@dataclass
class ReportContext:
    """Inputs shared by the section builders (loaded lazily, once).

    Parameters
    ----------
    settings : ReportSettings
    shiller : Path, optional
        Your own Shiller monthly CSV for the market gauge (default: the shipped table).
    symbols : sequence of str, optional
        Watch these instead of the default watchlist (the AI leaders, the AI basket and the
        indices).
    """

    settings: ReportSettings = field(default_factory=ReportSettings)
    shiller: Path | None = None
    symbols: tuple[str, ...] | None = None

    @cached_property
    def status(self) -> StatusResult:
        """The status page of this run (the report opens on it)."""
        from bubblescope.status import run_status

        return run_status(self.settings.run, symbols=self.symbols)

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Daily price frames: the NASDAQ Composite first, then every watched stock."""
        from bubblescope.data.catalog import load_series

        out = {"NASDAQ": load_series("NASDAQ")}
        for row in self.status.rows:
            if row.kind == "stock" and row.error is None:
                try:
                    out[row.key] = load_series(row.key)
                except BubblescopeError:
                    continue
        return out

    @cached_property
    def nasdaq(self) -> pd.Series:
        """Daily NASDAQ Composite closes, 1971 to the latest date."""
        close = self.frames["NASDAQ"]["close"].astype("float64")
        close.name = "NASDAQ Composite"
        return close

    @cached_property
    def stored(self) -> dict[str, pd.Series]:
        """Daily closes of the watched stocks, by symbol."""
        out: dict[str, pd.Series] = {}
        for symbol, frame in self.frames.items():
            if symbol != "NASDAQ":
                close = frame["close"].astype("float64")
                close.name = symbol
                out[symbol] = close
        return out

    @cached_property
    def factbase(self) -> FactBase:
        """The fact base shipped with the package."""
        from bubblescope.data.facts import load_factbase

        return load_factbase()

    @cached_property
    def shiller_table(self) -> pd.DataFrame:
        """Shiller's monthly table: the user's file when given, else the shipped one."""
        if self.shiller is not None:
            from bubblescope.data.shiller import load_shiller_table

            return load_shiller_table(self.shiller)
        from bubblescope.data.bundled import load_shiller

        return load_shiller()

    def all_series(self) -> dict[str, pd.Series]:
        """NASDAQ first, then the watched stocks."""
        return {"NASDAQ": self.nasdaq, **self.stored}

    def source_of(self, name: str) -> str:
        """A one-line source for a series used in the report: what, which data, which dates."""
        frame = self.frames.get(name)
        if frame is None:
            return name
        vintage = frame.attrs.get("vintage", "")
        return f"{name} daily close, {vintage}, {frame.index[0].date()} to {frame.index[-1].date()}"
