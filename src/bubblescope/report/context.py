"""What every section builder reads: the data, the settings and the fact base.

The default report runs on embedded data only: arch's bundled NASDAQ (dot-com), the fact
base shipped with the package, and whatever price series the local store holds (AI stocks a
user imported or fetched). Nothing here downloads anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from bubblescope.errors import InputError

if TYPE_CHECKING:
    from bubblescope.data.facts import FactBase

__all__ = ["IMPORT_HINT", "ReportContext", "ReportSettings"]


@dataclass(frozen=True)
class ReportSettings:
    """Settings that keep the default report fast; every one is printed in the report.

    Attributes
    ----------
    psy_frequency : str
        pandas offset alias the daily prices are resampled to (last close) before PSY.
    psy_reps : int
        Monte Carlo replications for the PSY critical values.
    psy_seed : int
        Seed of those replications (critical values are cached on disk per size).
    lppls_max_window, lppls_min_window, lppls_step : int
        Nested LPPLS windows in trading days for the DS LPPLS Confidence indicator.
    lppls_every : int
        Confidence is computed at every ``lppls_every``-th trading day.
    max_store_symbols : int
        Most stored series analysed (the first ones in alphabetical order).
    shock_firm, shock_fraction : str, float
        The stress scenario: ``shock_firm`` pays ``shock_fraction`` of its obligations.
    backtest_frequency : {"W", "M"}
        The early-warning backtest runs on weekly (Friday) or month-end closes.
    backtest_train_years : float
        PSY training sample of the backtest, years (the bundled NASDAQ starts in 1999).
    backtest_psy_reps : int
        Bootstrap replications of the backtest's family-wise PSY critical value.
    backtest_lppls_grid : {"W", "M", "Q", "off"}
        Calendar grid of the backtest's LPPLS Confidence ("off": LPPLS is not backtested).
    backtest_lppls_step : int
        Step between the nested LPPLS window lengths (observations; coarser is faster).
    """

    psy_frequency: str = "W-FRI"
    psy_reps: int = 499
    psy_seed: int = 20150401
    lppls_max_window: int = 250
    lppls_min_window: int = 60
    lppls_step: int = 10
    lppls_every: int = 10
    max_store_symbols: int = 3
    shock_firm: str = "OpenAI"
    shock_fraction: float = 0.5
    backtest_frequency: str = "W"
    backtest_train_years: float = 5.0
    backtest_psy_reps: int = 199
    backtest_lppls_grid: str = "M"
    backtest_lppls_step: int = 5

    def __post_init__(self) -> None:
        if self.psy_reps < 50:
            raise InputError(f"psy_reps must be at least 50, got {self.psy_reps}")
        if not 0.0 <= self.shock_fraction <= 1.0:
            raise InputError(f"shock_fraction must lie in [0, 1], got {self.shock_fraction}")
        if self.max_store_symbols < 0:
            raise InputError("max_store_symbols must be non-negative")
        if self.backtest_frequency not in ("W", "M"):
            raise InputError(
                f"backtest_frequency must be 'W' or 'M', got {self.backtest_frequency!r}"
            )
        if self.backtest_lppls_grid not in ("W", "M", "Q", "off"):
            raise InputError(
                "backtest_lppls_grid must be 'W', 'M', 'Q' or 'off', "
                f"got {self.backtest_lppls_grid!r}"
            )
        if self.backtest_psy_reps < 50 or self.backtest_lppls_step < 1:
            raise InputError("backtest_psy_reps must be >= 50 and backtest_lppls_step >= 1")


@dataclass
class ReportContext:
    """Inputs shared by the section builders (loaded lazily, once).

    Parameters
    ----------
    settings : ReportSettings
    shiller : Path, optional
        Shiller monthly CSV (columns ``date, P, E, CPI, GS10, CAPE``) for the bubble gauge.
    symbols : sequence of str, optional
        Stored symbols to analyse; default: what the store holds (up to
        ``settings.max_store_symbols``).
    """

    settings: ReportSettings = field(default_factory=ReportSettings)
    shiller: Path | None = None
    symbols: tuple[str, ...] | None = None

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Canonical price frames: NASDAQ (bundled), then the stored series, by symbol."""
        from bubblescope.data import store
        from bubblescope.data.bundled import load_bundled

        wanted = (
            list(self.symbols)
            if self.symbols is not None
            else store.list_symbols("prices")[: self.settings.max_store_symbols]
        )
        out = {"NASDAQ": load_bundled("nasdaq")}
        for symbol in wanted:
            out[symbol.upper()] = store.load_prices(symbol)
        return out

    @cached_property
    def nasdaq(self) -> pd.Series:
        """Daily NASDAQ Composite closes, 1999–2018 (arch's bundled copy)."""
        close = self.frames["NASDAQ"]["close"].astype("float64")
        close.name = "NASDAQ Composite"
        return close

    @cached_property
    def stored(self) -> dict[str, pd.Series]:
        """Daily closes of the stored series to analyse, by symbol (may be empty)."""
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

    def all_series(self) -> dict[str, pd.Series]:
        """NASDAQ first, then the stored series."""
        return {"NASDAQ": self.nasdaq, **self.stored}

    def source_of(self, name: str) -> str:
        """A one-line source for a series name used in the report."""
        if name == "NASDAQ":
            return "NASDAQ Composite daily close, arch bundled data (arch.data.nasdaq)"
        return f"{name} daily close from the local store ($BUBBLESCOPE_HOME/store)"


#: The command that fills the store with an AI stock (shown when the store is empty).
IMPORT_HINT = (
    "`bubblescope data import NVDA.csv` (a Yahoo CSV) or `bubblescope data fetch NVDA` (network)"
)
