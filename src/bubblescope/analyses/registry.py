"""The one registry of analyses: :data:`REGISTRY`, every analysis bubblescope exposes, in order.

The engines' entries come from :mod:`bubblescope.analyses.engines`; the composites built on them
(the status page, a scan, the backtest, the scenario Monte Carlo) are defined here, above the
modules they run. The front ends read this tuple: ``bubblescope run NAME`` and
``POST /api/analyses/NAME`` exist for every entry, the report builds a section for every entry
with a :attr:`~bubblescope.analyses.base.Analysis.report` position, and ``GET /api/analyses``
lists them all.

Composite settings carry ``run``, the :class:`~bubblescope.settings.RunSettings` preset whose
sections apply, so ``preset("quick")`` runs them on the quick run.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bubblescope.analyses.base import PRESET_NAMES, Analysis, setting
from bubblescope.analyses.engines import ENGINES
from bubblescope.errors import InputError, UnknownSymbolError
from bubblescope.settings import BacktestSettings, RunSettings

if TYPE_CHECKING:
    import pandas as pd

    from bubblescope.backtest.leaderboard import LeaderboardResult
    from bubblescope.backtest.result import BacktestResult
    from bubblescope.scan import ScanResult
    from bubblescope.scenario.breaks import BreaksResult
    from bubblescope.scenario.calibration import TelecomCalibrationResult
    from bubblescope.scenario.power_feed import PowerFeedResult
    from bubblescope.scenario.result import ScenarioResult
    from bubblescope.scenario.sensitivity import GlobalSensitivityResult
    from bubblescope.status.result import StatusResult

__all__ = [
    "BACKTEST",
    "BREAKS",
    "LEADERBOARD",
    "POWER_FEED",
    "REGISTRY",
    "SCAN",
    "SCENARIO",
    "SENSITIVITY",
    "STATUS",
    "TELECOM",
    "BacktestAnalysisSettings",
    "BreaksSettings",
    "LeaderboardSettings",
    "PowerFeedSettings",
    "ScanAnalysisSettings",
    "ScenarioSettings",
    "SensitivitySettings",
    "StatusSettings",
    "TelecomSettings",
    "backtest_inputs",
    "get",
    "names",
]

_SYMBOL = re.compile(r"[A-Za-z0-9._^-]{1,64}")


def _check_scenario_name(name: str) -> None:
    """Refuse text that cannot name a scenario preset (before any file is read)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        raise InputError(f"{name!r} is not a scenario preset name")


def _check_scenario_known(name: str) -> None:
    """Refuse a scenario preset that does not ship (the message lists those that do)."""
    from bubblescope.scenario import list_presets

    if name not in list_presets():
        raise UnknownSymbolError(f"no scenario preset {name!r}", hint=f"one of {list_presets()}")


def _check_preset(name: str) -> None:
    if name not in PRESET_NAMES:
        raise InputError(f"unknown preset {name!r}", hint=f"one of {list(PRESET_NAMES)}")


# --- the status page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusSettings:
    """The status page's run (its preset's settings decide everything else)."""

    run: Literal["standard", "quick", "publication"] = setting(
        "standard", "the run: standard, quick or publication"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> StatusSettings:
        """The status page of run ``name``."""
        _check_preset(name)
        return cls(run=name)  # type: ignore[arg-type]  # checked above


def run_status_page(data: pd.Series | pd.DataFrame | None, s: StatusSettings) -> StatusResult:
    """Every watched series now, next to each signal's backtest record."""
    from bubblescope.status import run_status

    return run_status(RunSettings.preset(s.run))


STATUS: Analysis[StatusSettings] = Analysis(
    name="status",
    title="Status now",
    help="Is the AI boom a bubble? Every watched series read now (PSY, LPPLS, run-up, crash "
    "odds, drawdown, valuation) next to each signal's record, the market view and a synthesis.",
    settings=StatusSettings,
    run=run_status_page,
    results=("bubblescope.status.result.StatusResult",),
    group="composite",
    slow=True,
    report=10,
)


# --- a scan of many series ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScanAnalysisSettings:
    """A scan of shipped or stored series."""

    run: Literal["standard", "quick", "publication"] = setting(
        "standard", "the run whose PSY and run-up settings apply"
    )
    analyses: tuple[str, ...] = setting(
        ("psy", "runup"), "analyses with a scan column: psy, runup, drawdown, gauge", max_length=4
    )
    symbols: tuple[str, ...] = setting(
        (), "series to scan (none: the run's AI leaders)", max_length=50
    )
    window: int | None = setting(
        None, "PSY on the trailing observations (none: the run's sample)", ge=30, le=10_000
    )
    market: str | None = setting(
        None,
        "market series for net-of-market run-ups (none: the run's, SP500, as in `bubblescope "
        "scan` and on the status page; '' for no net run-up)",
    )

    def __post_init__(self) -> None:
        bad = [s for s in (*self.symbols, self.market) if s and not _SYMBOL.fullmatch(s)]
        if bad:
            raise InputError(f"not series names: {bad}")

    @classmethod
    def preset(cls, name: str = "standard") -> ScanAnalysisSettings:
        """A scan on run ``name``."""
        _check_preset(name)
        return cls(run=name)  # type: ignore[arg-type]  # checked above


def run_scan(data: pd.Series | pd.DataFrame | None, s: ScanAnalysisSettings) -> ScanResult:
    """The scan's analyses on every symbol (the run's AI leaders unless ``symbols``)."""
    from bubblescope.data.catalog import load_series
    from bubblescope.scan import ScanConfig, scan

    run = RunSettings.preset(s.run)
    universe = {symbol: load_series(symbol) for symbol in s.symbols or run.data.leaders}
    name = run.runup.market if s.market is None else s.market
    market = load_series(name) if name else None
    config = ScanConfig(analyses=s.analyses, run=run, window=s.window)
    return scan(universe, config, market=market, market_name=name or None)


SCAN: Analysis[ScanAnalysisSettings] = Analysis(
    name="scan",
    title="Scan of many series",
    help="PSY, GSY run-ups, drawdowns and the gauge for each series of a universe (the AI "
    "leaders by default), one row per symbol; a failing symbol keeps its error.",
    settings=ScanAnalysisSettings,
    run=run_scan,
    results=("bubblescope.scan.ScanResult",),
    group="composite",
    slow=True,
)


# --- the backtest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BacktestAnalysisSettings(BacktestSettings):
    """The run's backtest section (:class:`~bubblescope.settings.BacktestSettings`) plus events."""

    frequency: Literal["W", "M"] = setting(BacktestSettings.frequency, "weekly or monthly closes")
    train_years: float = setting(
        BacktestSettings.train_years, "years of the PSY monitor's training sample", ge=1, le=50
    )
    psy_reps: int = setting(
        BacktestSettings.psy_reps, "bootstrap replications of PSY's critical value", ge=50,
        le=5000,
    )  # fmt: skip
    lppls_grid: Literal["W", "M", "Q"] = setting(
        BacktestSettings.lppls_grid, "LPPLS Confidence at every week, month or quarter end"
    )
    lppls_step: int = setting(
        BacktestSettings.lppls_step, "step between nested LPPLS windows", ge=1, le=25
    )
    run: Literal["standard", "quick", "publication"] = setting(
        "standard", "the run whose PSY, LPPLS and run-up settings apply"
    )
    signals: str = setting(
        "psy,lppls,runup,gauge,baseline", "comma list of signals, groups runup/baseline, or all"
    )
    event_drawdown: float = setting(0.2, "crash size, a fraction", gt=0.0, lt=1.0)
    horizon_months: int = setting(24, "months within which the fall must happen", ge=1, le=120)
    warning_months: int = setting(24, "pre-peak warning window, months", ge=1, le=120)

    @classmethod
    def preset(cls, name: str = "standard") -> BacktestAnalysisSettings:
        """``RunSettings.preset(name).backtest`` with crashes of 20% within 24 months."""
        run = RunSettings.preset(name)
        return cls(**dataclasses.asdict(run.backtest), run=name)  # type: ignore[arg-type]


def backtest_inputs(
    data: pd.Series | pd.DataFrame | None, s: BacktestAnalysisSettings
) -> dict[str, Any]:
    """The keyword arguments :func:`run_backtest` gives :func:`~bubblescope.backtest.backtest`.

    The closes resampled to ``s.frequency``, the signal configuration of ``s.run``'s preset
    with ``s``'s changes, the events, Shiller's shipped table at month ends, the name and the
    seed (the cost estimate reads the same, to leave out what the results cache holds).
    """
    from bubblescope.analyses.engines import closes
    from bubblescope.backtest import EventSpec, SignalConfig
    from bubblescope.backtest.histories import to_monthly, to_weekly
    from bubblescope.backtest.signals import default_windows
    from bubblescope.data.bundled import load_shiller
    from bubblescope.detect.lppls import WindowSet
    from bubblescope.status.records import month_end_shiller

    close = closes(data, "the backtest")
    prices = to_weekly(close) if s.frequency == "W" else to_monthly(close)
    run = RunSettings.preset(s.run)
    base = default_windows(s.frequency)
    config = SignalConfig(
        train_years=s.train_years,
        psy_lag=run.psy.lag,
        psy_window=run.psy.window,
        psy_level=run.psy.level,
        psy_reps=s.psy_reps,
        lppls_grid=s.lppls_grid,
        lppls_windows=WindowSet(base.max_window, base.min_window, s.lppls_step),
        lppls_threshold=run.lppls.alarm,
        runup_threshold=run.runup.threshold,
        runup_horizon=run.runup.horizon_months,
        crash_probability_threshold=run.lights.crash_red,
    )
    return {
        "prices": prices,
        "signals": s.signals,
        "config": config,
        "events": EventSpec(s.event_drawdown, s.horizon_months, warning_months=s.warning_months),
        "shiller": month_end_shiller(load_shiller()),
        "name": str(close.name),
        "rng": run.psy.seed,
    }


def run_backtest(
    data: pd.Series | pd.DataFrame | None, s: BacktestAnalysisSettings
) -> BacktestResult:
    """Every signal as knowable on each date, scored against the crashes of the series.

    Each built signal is kept in the results cache (``backtest(cache=True)``), so an unchanged
    series with unchanged settings is read back, not recomputed.
    """
    from bubblescope.backtest import backtest

    return backtest(**backtest_inputs(data, s), cache=True)


BACKTEST: Analysis[BacktestAnalysisSettings] = Analysis(
    name="backtest",
    title="Backtest of the signals",
    help="Each signal as it was knowable on each date (PSY monitor, LPPLS Confidence, GSY "
    "run-up and crash odds, the gauge, two baselines), scored against the series' crashes.",
    settings=BacktestAnalysisSettings,
    run=run_backtest,
    results=("bubblescope.backtest.result.BacktestResult",),
    group="composite",
    needs_series=True,
    slow=True,
    report=60,
)


@dataclass(frozen=True)
class LeaderboardSettings:
    """The leaderboard: every backtest signal on the long histories."""

    run: Literal["standard", "quick", "publication"] = setting(
        "standard", "the run whose PSY, LPPLS, run-up and backtest settings apply"
    )
    histories: tuple[str, ...] = setting(
        ("NASDAQ", "SP500", "FRENCH49"), "histories: NASDAQ, SP500, FRENCH49", max_length=3
    )
    industry_lppls: bool = setting(
        False, "also score LPPLS on the 49 French industries (minutes the first time; cached)"
    )

    def __post_init__(self) -> None:
        bad = [h for h in self.histories if h not in ("NASDAQ", "SP500", "FRENCH49")]
        if bad or not self.histories:
            raise InputError(
                f"unknown or no histories {bad}", hint="choose from NASDAQ, SP500, FRENCH49"
            )

    @classmethod
    def preset(cls, name: str = "standard") -> LeaderboardSettings:
        """The three histories under the run preset ``name``."""
        _check_preset(name)
        return cls(run=name)  # type: ignore[arg-type]


def run_leaderboard(
    data: pd.Series | pd.DataFrame | None, s: LeaderboardSettings
) -> LeaderboardResult:
    """Every backtest signal's record on the NASDAQ, the S&P 500 and the French industries."""
    from bubblescope.backtest.leaderboard import leaderboard
    from bubblescope.status.records import leaderboard_histories, signal_config

    run = RunSettings.preset(s.run)
    return leaderboard(
        leaderboard_histories(run, s.histories, s.industry_lppls),
        config=signal_config(run),
        rng=run.psy.seed,
    )


LEADERBOARD: Analysis[LeaderboardSettings] = Analysis(
    name="leaderboard",
    title="Leaderboard of the signals",
    help="Every backtest signal (the registry's signals and the baselines) scored on the NASDAQ "
    "1971-, the S&P 500 1927- and the 49 French industries 1926-: crashes warned of, false "
    "alarms per year and median lead, in one table and chart; each history cached.",
    settings=LeaderboardSettings,
    run=run_leaderboard,
    results=("bubblescope.backtest.leaderboard.LeaderboardResult",),
    group="composite",
    slow=True,
)


# --- the scenario Monte Carlo ------------------------------------------------------------------

#: Paths by preset: the engine's default, the dashboard's quick look, a tenth of the standard
#: error for publication.
_SCENARIO_PATHS = {"standard": 10_000, "quick": 2_000, "publication": 100_000}


@dataclass(frozen=True)
class ScenarioSettings:
    """A scenario Monte Carlo run."""

    scenario: str = setting("base", "scenario preset (bubblescope scenario list)")
    paths: int = setting(_SCENARIO_PATHS["standard"], "Monte Carlo paths", ge=100, le=100_000)
    seed: int = setting(20260101, "random seed (reproducible)", ge=0, le=2**32 - 1)

    def __post_init__(self) -> None:
        _check_scenario_name(self.scenario)

    @classmethod
    def preset(cls, name: str = "standard") -> ScenarioSettings:
        """The base scenario with the preset's number of paths."""
        _check_preset(name)
        return cls(paths=_SCENARIO_PATHS[name])


def run_scenario_mc(data: pd.Series | pd.DataFrame | None, s: ScenarioSettings) -> ScenarioResult:
    """Monte Carlo of the AI capex system for one scenario preset."""
    from bubblescope.scenario import run_scenario

    _check_scenario_known(s.scenario)
    return run_scenario(s.scenario, n_paths=s.paths, rng=s.seed)


SCENARIO: Analysis[ScenarioSettings] = Analysis(
    name="scenario",
    title="Scenario Monte Carlo",
    help="Monte Carlo of the AI capex system: capex against funding and power, AI revenue served "
    "against the path the DCF price implies, the GPU fleet by vintage; the revenue gap, herding "
    "sellers and funding failure set the bust, which falls to the S&P 500's historical crash "
    "rate without a gap; bust odds, timing and depth, defaults, macro effects.",
    settings=ScenarioSettings,
    run=run_scenario_mc,
    results=("bubblescope.scenario.result.ScenarioResult",),
    group="composite",
    slow=True,
)


# --- which assumption decides the scenario's answer --------------------------------------------

#: (method, base sample, paths per evaluation) by preset: Morris screening ranks the drivers
#: for the report and the dashboard in seconds; Sobol's variance shares for publication.
_SENSITIVITY: dict[str, tuple[Literal["sobol", "morris"], int, int]] = {
    "standard": ("morris", 16, 400),
    "quick": ("morris", 8, 200),
    "publication": ("sobol", 256, 1000),
}


@dataclass(frozen=True)
class SensitivitySettings:
    """A global sensitivity analysis of a scenario preset over its parameters' stated ranges."""

    scenario: str = setting("base", "scenario preset (bubblescope scenario list)")
    method: Literal["sobol", "morris"] = setting(
        _SENSITIVITY["standard"][0], "sobol (variance shares) or morris (elementary effects)"
    )
    n: int = setting(
        _SENSITIVITY["standard"][1],
        "base sample: Sobol N (N(2k+2) runs) or Morris trajectories (r(k+1) runs)",
        ge=4,
        le=4096,
    )
    paths: int = setting(_SENSITIVITY["standard"][2], "Monte Carlo paths per run", ge=50, le=20_000)
    seed: int = setting(20260101, "random seed (reproducible)", ge=0, le=2**32 - 1)

    def __post_init__(self) -> None:
        _check_scenario_name(self.scenario)

    @classmethod
    def preset(cls, name: str = "standard") -> SensitivitySettings:
        """The base scenario with the preset's method, sample and paths."""
        _check_preset(name)
        method, n, paths = _SENSITIVITY[name]
        return cls(method=method, n=n, paths=paths)


def run_sensitivity(
    data: pd.Series | pd.DataFrame | None, s: SensitivitySettings
) -> GlobalSensitivityResult:
    """Sobol or Morris indices of the bust odds, time to bust and depth."""
    from bubblescope.scenario.sensitivity import scenario_sensitivity

    _check_scenario_known(s.scenario)
    return scenario_sensitivity(s.scenario, method=s.method, n=s.n, n_paths=s.paths, rng=s.seed)


SENSITIVITY: Analysis[SensitivitySettings] = Analysis(
    name="scenario-sensitivity",
    title="Which assumptions decide the scenario",
    help="Global sensitivity of the scenario Monte Carlo (Morris screening, or Sobol for "
    "publication) over every parameter's stated range: which assumptions move the bust odds, "
    "the time to a bust and its depth, as a tornado with the top drivers named.",
    settings=SensitivitySettings,
    run=run_sensitivity,
    results=("bubblescope.scenario.sensitivity.GlobalSensitivityResult",),
    group="composite",
    slow=True,
    report=115,
)


# --- what could break it, what would survive ---------------------------------------------------

#: Paths per run (the scenario and one run per trigger and per preset a trigger names).
_BREAKS_PATHS = {"standard": 2_000, "quick": 500, "publication": 20_000}


@dataclass(frozen=True)
class BreaksSettings:
    """The triggers of the seeds run against a scenario preset, and the legacy of its busts."""

    scenario: str = setting("base", "scenario preset (bubblescope scenario list)")
    paths: int = setting(_BREAKS_PATHS["standard"], "Monte Carlo paths per run", ge=100,
                         le=100_000)  # fmt: skip
    seed: int = setting(20260101, "random seed shared by every run", ge=0, le=2**32 - 1)

    def __post_init__(self) -> None:
        _check_scenario_name(self.scenario)

    @classmethod
    def preset(cls, name: str = "standard") -> BreaksSettings:
        """The base scenario with the preset's number of paths per run."""
        _check_preset(name)
        return cls(paths=_BREAKS_PATHS[name])


def run_breaks(data: pd.Series | pd.DataFrame | None, s: BreaksSettings) -> BreaksResult:
    """Each trigger's stress on common random numbers, and what a bust leaves and to whom."""
    from bubblescope.scenario.breaks import what_breaks

    _check_scenario_known(s.scenario)
    return what_breaks(s.scenario, n_paths=s.paths, rng=s.seed)


BREAKS: Analysis[BreaksSettings] = Analysis(
    name="scenario-breaks",
    title="What could break it, what would survive",
    help="The triggers the seeds name (lab funding gap, power shortfall, price war or "
    "efficiency shock, export controls and rare earths, a credit event at a leveraged builder, "
    "a rate shock), each as the scenario parameters it moves and the indicators to watch at "
    "their latest values, run on common random numbers; and what a bust leaves: GW, shells, "
    "GPUs by vintage, compute rent after it, and the builders left holding them.",
    settings=BreaksSettings,
    run=run_breaks,
    results=("bubblescope.scenario.breaks.BreaksResult",),
    group="composite",
    slow=True,
    report=118,
)

# --- power feeds through: contracted GW against the grid ---------------------------------------

#: Paths per run (the scenario and the tighter-grid preset).
_POWER_PATHS = {"standard": 2_000, "quick": 500, "publication": 20_000}


@dataclass(frozen=True)
class PowerFeedSettings:
    """A scenario against a tighter-grid preset, with the contracted GW and local prices."""

    scenario: str = setting("base", "scenario preset (bubblescope scenario list)")
    tight: str = setting("power_bound", "tighter-grid preset to compare with")
    paths: int = setting(_POWER_PATHS["standard"], "Monte Carlo paths per run", ge=100,
                         le=100_000)  # fmt: skip
    seed: int = setting(20260101, "random seed shared by both runs", ge=0, le=2**32 - 1)

    def __post_init__(self) -> None:
        _check_scenario_name(self.scenario)
        _check_scenario_name(self.tight)

    @classmethod
    def preset(cls, name: str = "standard") -> PowerFeedSettings:
        """The base scenario against power_bound with the preset's number of paths."""
        _check_preset(name)
        return cls(paths=_POWER_PATHS[name])


def run_power_feed(data: pd.Series | pd.DataFrame | None, s: PowerFeedSettings) -> PowerFeedResult:
    """Contracted GW against grid additions, the served share and bust odds, local prices."""
    from bubblescope.scenario.power_feed import power_feed

    _check_scenario_known(s.scenario)
    _check_scenario_known(s.tight)
    return power_feed(s.scenario, tight=s.tight, n_paths=s.paths, rng=s.seed)


POWER_FEED: Analysis[PowerFeedSettings] = Analysis(
    name="scenario-power",
    title="Power feeds through: contracted GW against the grid",
    help="The GW contracted in the deals (OpenAI ~30 GW, Stargate 10, Broadcom 10, AMD 6, "
    "Nvidia 10) against the scenario's grid connections and capex plan; the share of demand "
    "the capacity built can serve and the bust odds against a tighter grid on the same random "
    "numbers; US against China data-centre electricity (IEA); and the local cost: PJM capacity "
    "prices and household bills near the data-centre clusters.",
    settings=PowerFeedSettings,
    run=run_power_feed,
    results=("bubblescope.scenario.power_feed.PowerFeedResult",),
    group="composite",
    report=118,
)

# --- calibrated on the last boom: telecom 1996-2003 --------------------------------------------

#: Monte Carlo paths of the telecom preset by run preset.
_TELECOM_PATHS = {"standard": 4_000, "quick": 1_000, "publication": 20_000}


@dataclass(frozen=True)
class TelecomSettings:
    """The scenario model run on the telecom boom and compared with what happened."""

    scenario: str = setting("telecom_1996", "scenario preset that replays the telecom boom")
    paths: int = setting(_TELECOM_PATHS["standard"], "Monte Carlo paths", ge=100, le=100_000)
    seed: int = setting(20260101, "random seed (reproducible)", ge=0, le=2**32 - 1)

    def __post_init__(self) -> None:
        _check_scenario_name(self.scenario)

    @classmethod
    def preset(cls, name: str = "standard") -> TelecomSettings:
        """The telecom preset with the run preset's number of paths."""
        _check_preset(name)
        return cls(paths=_TELECOM_PATHS[name])


def run_telecom(
    data: pd.Series | pd.DataFrame | None, s: TelecomSettings
) -> TelecomCalibrationResult:
    """The model's bust year, depth and capex collapse against the telecom bust's."""
    from bubblescope.scenario.calibration import calibrate_telecom

    _check_scenario_known(s.scenario)
    return calibrate_telecom(s.scenario, n_paths=s.paths, rng=s.seed)


TELECOM: Analysis[TelecomSettings] = Analysis(
    name="scenario-telecom",
    title="Calibrated on the last boom: telecom 1996-2003",
    help="The scenario model run on the telecom boom from sourced facts (capex, revenue, the "
    "1996 overvaluation): do its 10-90% bands cover the NASDAQ's March 2000 peak, its -78% fall "
    "and the capex collapse of 2001-02? Where it misses, it says so; and what survived the bust "
    "(fibre lit later at a fraction of its cost).",
    settings=TelecomSettings,
    run=run_telecom,
    results=("bubblescope.scenario.calibration.TelecomCalibrationResult",),
    group="composite",
    slow=True,
    report=119,
)

#: Every analysis, in order: the engines, then the composites built on them.
REGISTRY: tuple[Analysis[Any], ...] = (
    *ENGINES,
    STATUS,
    SCAN,
    BACKTEST,
    LEADERBOARD,
    SCENARIO,
    SENSITIVITY,
    BREAKS,
    POWER_FEED,
    TELECOM,
)


def names() -> tuple[str, ...]:
    """The registry's names, in order."""
    return tuple(entry.name for entry in REGISTRY)


def get(name: str) -> Analysis[Any]:
    """The entry called ``name``.

    Raises
    ------
    UnknownSymbolError
        When no entry has that name (the message lists them).
    """
    for entry in REGISTRY:
        if entry.name == name:
            return entry
    raise UnknownSymbolError(f"no analysis {name!r}", hint=f"one of {list(names())}")
