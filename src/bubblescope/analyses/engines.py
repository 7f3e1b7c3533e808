"""Registry entries of the engines: bubble detection on prices, the gauge, the AI economy.

These entries sit below the scan, the backtest and the status page, which read their hooks
(:data:`ENGINES`' scan columns, backtest signals and status columns); the composites built on
them (scan, backtest, scenario, status page) are entries of :mod:`bubblescope.analyses.registry`.

Settings: PSY, run-ups and the backtest reuse the sections of
:class:`~bubblescope.settings.RunSettings` (``presets.yaml`` gives their "quick" and
"publication" values). The other analyses have no variants to trade speed for precision: their
three presets are equal.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from bubblescope.analyses.base import PRESET_NAMES, Analysis, Column, ScanHook, ScanInput, setting
from bubblescope.errors import InputError
from bubblescope.settings import PSYSettings, RunSettings, RunupSettings

if TYPE_CHECKING:
    import pandas as pd

    from bubblescope.detect.adjusted import AdjustedResult
    from bubblescope.detect.cusum import CUSUMResult
    from bubblescope.detect.drawdowns import DrawdownResult
    from bubblescope.detect.exuberance import PSYResult
    from bubblescope.detect.firm_multiples import MultiplesResult
    from bubblescope.detect.gsy import RunupResult
    from bubblescope.detect.lppls import FailedFit, LPPLSFit, LPPLSIndicators
    from bubblescope.detect.sequential import SequentialResult
    from bubblescope.detect.sign_based import SignPSYResult
    from bubblescope.detect.svadf_dating import SVADFResult
    from bubblescope.economy.clearing import StressResult
    from bubblescope.economy.depreciation.flattered import FlatteredResult
    from bubblescope.economy.depreciation.restatement import RestatementResult
    from bubblescope.economy.firms.runway import RunwayResult
    from bubblescope.economy.firms.view import FirmsResult
    from bubblescope.economy.gpu import GPUEconomics
    from bubblescope.economy.network import NetworkResult
    from bubblescope.economy.power import GridComparison
    from bubblescope.economy.valuation import SequoiaGap
    from bubblescope.economy.water import WaterResult
    from bubblescope.gauge import GaugeResult

__all__ = [
    "ADJUSTED",
    "BD_MONITOR",
    "CUSUM",
    "DRAWDOWN",
    "ENGINES",
    "FIRMS",
    "FLATTERED",
    "GAUGE",
    "LPPLS_CONFIDENCE",
    "MARKET_GAUGE",
    "PSY",
    "RUNUP",
    "SIGN_MONITOR",
    "SIGN_PSY",
    "STRESS",
    "SVADF",
    "WATER",
    "WHL",
    "AdjustedSettings",
    "BDMonitorSettings",
    "CUSUMSettings",
    "DepreciationSettings",
    "DrawdownSettings",
    "FirmsSettings",
    "FlatteredSettings",
    "GPUSettings",
    "LPPLSConfidenceSettings",
    "LPPLSFitSettings",
    "MarketGaugeSettings",
    "MultiplesSettings",
    "NetworkSettings",
    "NoSettings",
    "PSYAnalysisSettings",
    "RunupAnalysisSettings",
    "SVADFSettings",
    "SequoiaSettings",
    "SignMonitorSettings",
    "StockGaugeSettings",
    "StressSettings",
    "WHLSettings",
    "WaterSettings",
    "closes",
]

T = TypeVar("T")

#: Series names: shipped names, uploads or store symbols (never paths).
_NAME = r"^[A-Za-z0-9._^-]{1,64}$"


def closes(data: pd.Series | pd.DataFrame | None, analysis: str) -> pd.Series:
    """The closes of ``data`` (a Series or a price frame with ``close``) as floats."""
    import pandas as pd

    if data is None:
        raise InputError(f"{analysis} needs a price series")
    if isinstance(data, pd.DataFrame):
        if "close" not in data.columns:
            raise InputError(f"{analysis}: the price frame has no 'close' column")
        close = data["close"].rename(str(data.attrs.get("symbol") or "close"))
    else:
        close = data
    return close.astype("float64").dropna()


def _no_variants(cls: type[T], name: str) -> T:
    """The one setting of an analysis without variants, whatever the preset's name."""
    if name not in PRESET_NAMES:
        raise InputError(f"unknown preset {name!r}", hint=f"one of {list(PRESET_NAMES)}")
    return cls()


# --- PSY ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RunPSYSettings(PSYSettings):
    """The run's PSY settings (:class:`~bubblescope.settings.PSYSettings`) with their bounds."""

    frequency: Literal["D", "W", "M"] = setting(
        PSYSettings.frequency, "sampling of daily closes: D, W (last close of a week) or M"
    )
    lookback_years: float | None = setting(
        PSYSettings.lookback_years, "years tested, counted back from the last date (none: all)",
        gt=0.0, le=200.0,
    )  # fmt: skip
    lag: int = setting(PSYSettings.lag, "lagged differences in each ADF regression", ge=0, le=12)
    window: Literal["psy", "exuber"] | int = setting(
        PSYSettings.window, "minimum window: psy, exuber or a number of points"
    )
    reps: int = setting(
        PSYSettings.reps, "Monte Carlo replications of the critical values", ge=50, le=20_000
    )
    seed: int = setting(PSYSettings.seed, "seed of the critical values", ge=0, le=2**32 - 1)
    level: float = setting(
        PSYSettings.level, "level of the family-wise critical value", gt=0.0, lt=1.0
    )


@dataclass(frozen=True)
class PSYAnalysisSettings(_RunPSYSettings):
    """PSY settings of the run (:class:`~bubblescope.settings.PSYSettings`) plus the transform."""

    transform: Literal["log", "level"] = setting(
        "log", "test log prices (super-exponential growth) or levels (exponential growth)"
    )

    @classmethod
    def from_run(cls, run: RunSettings) -> PSYAnalysisSettings:
        """The PSY section of ``run``."""
        return cls(**dataclasses.asdict(run.psy))

    @classmethod
    def preset(cls, name: str = "standard") -> PSYAnalysisSettings:
        """``RunSettings.preset(name).psy``, on log prices."""
        return cls.from_run(RunSettings.preset(name))


def run_psy(data: pd.Series | pd.DataFrame | None, s: PSYAnalysisSettings) -> PSYResult:
    """PSY on the run's sample of the closes: weekly closes of the last 20 years by default."""
    import numpy as np

    from bubblescope.data.validate import validate_series
    from bubblescope.detect.exuberance import psy

    close = closes(data, "PSY")
    name = str(close.name) if close.name is not None else "series"
    purpose = "PSY on log prices" if s.transform == "log" else "PSY on levels"
    sample = s.sample(close, positive=s.transform == "log")
    prices = validate_series(sample, min_points=3, name=name, purpose=purpose).series
    y = np.log(prices) if s.transform == "log" else prices
    return psy(y, lag=s.lag, window=s.window, cv=s.cv(), level=s.level, name=name)


def _psy_scan(inp: ScanInput) -> dict[str, Any]:
    s = PSYAnalysisSettings.from_run(inp.run)
    close = inp.close
    if inp.window is not None:  # the trailing observations as given: no resampling, no lookback
        close = close.iloc[-inp.window :]
        s = dataclasses.replace(s, frequency="D", lookback_years=None)
    res = run_psy(close, s)
    cv = res.critical_value("gsadf")
    last = res.episodes[-1] if res.episodes else None
    now = res.now
    return {
        "psy_n": len(res.y),
        "psy_gsadf": res.gsadf,
        "psy_cv": cv,
        "psy_gsadf_ratio": res.gsadf / cv if cv > 0 else float("nan"),
        "psy_reject": res.reject,
        "psy_last_bsadf": float(res.bsadf.iloc[-1]),
        "psy_episodes": len(res.episodes),
        "psy_ongoing": bool(last is not None and last.ongoing),
        "psy_last_bsadf_cv": None if now is None else now.critical_value,
        "psy_now": None if now is None else now.state,
    }


PSY: Analysis[PSYAnalysisSettings] = Analysis(
    name="psy",
    title="PSY exuberance test",
    help="Phillips-Shi-Yu (2015) GSADF test and BSADF path on the run's sample of a series "
    "(weekly closes of the last 20 years by default), Monte Carlo critical values and "
    "date-stamped explosive episodes.",
    settings=PSYAnalysisSettings,
    run=run_psy,
    results=("bubblescope.detect.exuberance.PSYResult",),
    group="detect",
    needs_series=True,
    report=20,
    scan=ScanHook(
        "GSADF on log prices (trailing window), 95% critical value, the reading now",
        _psy_scan,
        "psy_gsadf_ratio",
        "GSADF / 95% critical value (log prices)",
        "ratio",
        line=(1.0, "critical value"),
        definitions=(
            (
                "psy_ongoing",
                "PSY's dating holds an episode open at the last date: it stays open for "
                "min_duration observations after its first exceedance, even when the last "
                "BSADF is back below its critical value (see psy_now)",
            ),
            (
                "psy_last_bsadf_cv",
                "the critical value the last BSADF (psy_last_bsadf) is compared with "
                "(t-statistic units)",
            ),
            (
                "psy_now",
                "the reading at the last date, as on the status page "
                "(bubblescope.detect.episode_now): 'explosive now' only while psy_last_bsadf "
                "> psy_last_bsadf_cv; 'episode not confirmed' when the dating holds an "
                "episode open but BSADF is back below; 'explosive earlier'; 'not explosive'",
            ),
        ),
    ),
    signals=(Column("psy", "PSY BSADF alarm: streaming monitor, family-wise critical value"),),
    status=(Column("psy_log", "PSY (log)"), Column("psy_level", "PSY (levels)")),
)


# --- CUSUM monitoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CUSUMSettings:
    """Homm-Breitung CUSUM monitoring of a price series (presets differ in replications)."""

    train_years: float = setting(
        10.0, "training sample: the first years of the series", gt=0.0, le=100.0
    )
    horizon_years: float = setting(
        10.0, "monitoring years over which the false-alarm rate is 1 - level", gt=0.0, le=100.0
    )
    level: float = setting(0.95, "one minus the false-alarm rate over the horizon", gt=0.0, lt=1.0)
    demean: bool = setting(True, "remove the training sample's drift from every difference")
    bandwidth: int = setting(
        0,
        "kernel bandwidth of the volatility-robust detector (Astill et al. 2023 recommend 20); "
        "0: Homm-Breitung's running variance",
        ge=0,
        le=250,
    )
    reps: int = setting(
        2000, "simulated random walks for the boundary constant", ge=100, le=100_000
    )
    seed: int = setting(0, "seed of the simulated boundary constant", ge=0, le=2**32 - 1)
    transform: Literal["log", "level"] = setting(
        "log", "monitor log prices (explosive growth rate) or levels"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> CUSUMSettings:
        """``quick``: 500 walks; ``standard``: 2,000; ``publication``: 10,000."""
        reps = {"quick": 500, "standard": 2000, "publication": 10_000}
        if name not in reps:
            raise InputError(f"unknown preset {name!r}", hint=f"one of {list(PRESET_NAMES)}")
        return cls(reps=reps[name])


def run_cusum(data: pd.Series | pd.DataFrame | None, s: CUSUMSettings) -> CUSUMResult:
    """CUSUM monitoring after the first ``train_years`` of the closes."""
    import numpy as np
    import pandas as pd

    from bubblescope.data.validate import validate_series
    from bubblescope.detect.critical_values.cusum import CUSUMCV
    from bubblescope.detect.cusum import cusum_monitor, training_and_horizon

    close = closes(data, "CUSUM")
    name = str(close.name) if close.name is not None else "series"
    prices = validate_series(
        close, min_points=3, positive=s.transform == "log", name=name, purpose="CUSUM"
    ).series
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise InputError("CUSUM monitoring needs dated prices (a DatetimeIndex)")
    n, h = training_and_horizon(prices.index, s.train_years, s.horizon_years)
    y = np.log(prices) if s.transform == "log" else prices
    return cusum_monitor(
        y,
        train=n,
        horizon=h,
        level=s.level,
        cv=CUSUMCV(reps=s.reps, rng=s.seed),
        demean=s.demean,
        bandwidth=s.bandwidth or None,
        name=name,
    )


CUSUM: Analysis[CUSUMSettings] = Analysis(
    name="cusum",
    title="CUSUM bubble monitor",
    help="Homm-Breitung (2012) real-time CUSUM monitor: the standardised sum of returns since "
    "a training sample against a boundary whose constant is simulated for the monitoring "
    "horizon, and the first date it is crossed; with a bandwidth, the volatility-robust "
    "version of Astill et al. (2023).",
    settings=CUSUMSettings,
    run=run_cusum,
    results=("bubblescope.detect.cusum.CUSUMResult",),
    group="detect",
    needs_series=True,
    slow=True,  # simulates its boundary constant (up to 100,000 walks): the API queues it
    signals=(
        Column("cusum", "Homm-Breitung CUSUM above its boundary (drift removed)"),
        Column("cusum_robust", "volatility-robust CUSUM (Astill et al. 2023) above its boundary"),
    ),
)


# --- Sequential monitors (WHL, sign-based, Breitung-Diegel) -------------------------------------


def _monitored(
    data: pd.Series | pd.DataFrame | None, analysis: str, transform: str, train_years: float,
    horizon_years: float,
) -> tuple[pd.Series, int, int, str]:  # fmt: skip
    """Log (or level) closes, training points, monitored points in the horizon, and the name."""
    import numpy as np
    import pandas as pd

    from bubblescope.data.validate import validate_series
    from bubblescope.detect.cusum import training_and_horizon

    close = closes(data, analysis)
    name = str(close.name) if close.name is not None else "series"
    prices = validate_series(
        close, min_points=3, positive=transform == "log", name=name, purpose=analysis
    ).series
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise InputError(f"{analysis} needs dated prices (a DatetimeIndex)")
    n, h = training_and_horizon(prices.index, train_years, horizon_years)
    return (np.log(prices) if transform == "log" else prices), n, h, name


@dataclass(frozen=True)
class WHLSettings:
    """Whitehouse-Harvey-Leybourne bubble and crash monitoring (presets equal: no simulation)."""

    train_years: float = setting(
        10.0, "training sample: the first years of the series", gt=0.0, le=100.0
    )
    k: int = setting(10, "bubble-detector window (observations)", ge=2, le=250)
    m: int = setting(10, "crash detector: differences before the latest n", ge=1, le=250)
    n: int = setting(2, "crash detector: latest differences", ge=1, le=250)
    level: float = setting(0.95, "one minus the false-alarm rate; sets the horizon", gt=0.0, lt=1.0)
    transform: Literal["log", "level"] = setting(
        "log", "monitor log prices (explosive growth rate) or levels"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> WHLSettings:
        """The same monitor for every preset."""
        return _no_variants(cls, name)


def run_whl(data: pd.Series | pd.DataFrame | None, s: WHLSettings) -> SequentialResult:
    """WHL monitoring after the first ``train_years`` of the closes."""
    from bubblescope.detect.whl import whl_monitor

    y, n, _, name = _monitored(data, "WHL monitoring", s.transform, s.train_years, 1.0)
    return whl_monitor(y, train=n, k=s.k, m=s.m, n=s.n, level=s.level, name=name)


WHL: Analysis[WHLSettings] = Analysis(
    name="whl",
    title="Bubble and crash monitor (WHL)",
    help="Whitehouse, Harvey & Leybourne (2023) real-time monitoring: a bubble is signalled "
    "when the weighted sum of the last k returns, over its root sum of squares, exceeds its "
    "training maximum, and its crash when the product of the mean return before and after "
    "falls below its training minimum; the false-alarm rate is h / (training detectors + h) "
    "over h monitored days.",
    settings=WHLSettings,
    run=run_whl,
    results=("bubblescope.detect.sequential.SequentialResult",),
    group="detect",
    needs_series=True,
    signals=(Column("whl", "WHL bubble signalled, no crash signalled since"),),
)


@dataclass(frozen=True)
class SignMonitorSettings:
    """Sign-based (HLZ 2020) monitoring (presets differ in replications)."""

    train_years: float = setting(
        10.0, "training sample: the first years of the series", gt=0.0, le=100.0
    )
    horizon_years: float = setting(
        10.0, "monitoring years over which the false-alarm rate is 1 - level", gt=0.0, le=100.0
    )
    level: float = setting(0.95, "one minus the false-alarm rate over the horizon", gt=0.0, lt=1.0)
    demean: bool = setting(True, "recursively demeaned signs (HLTZ 2025), for a series with drift")
    reps: int = setting(2000, "simulated sign walks for the boundary", ge=100, le=100_000)
    seed: int = setting(0, "seed of the simulated boundary", ge=0, le=2**32 - 1)
    transform: Literal["log", "level"] = setting(
        "log", "monitor log prices (explosive growth rate) or levels"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> SignMonitorSettings:
        """``quick``: 500 walks; ``standard``: 2,000; ``publication``: 10,000."""
        reps = {"quick": 500, "standard": 2000, "publication": 10_000}
        if name not in reps:
            raise InputError(f"unknown preset {name!r}", hint=f"one of {list(PRESET_NAMES)}")
        return cls(reps=reps[name])


def run_sign_monitor(
    data: pd.Series | pd.DataFrame | None, s: SignMonitorSettings
) -> SequentialResult:
    """Sign-based monitoring after the first ``train_years`` of the closes."""
    from bubblescope.detect.critical_values.sequential import SequentialCV
    from bubblescope.detect.sign_based import sign_monitor

    y, n, h, name = _monitored(
        data, "sign-based monitoring", s.transform, s.train_years, s.horizon_years
    )
    return sign_monitor(
        y, train=n, horizon=h, level=s.level, cv=SequentialCV(reps=s.reps, rng=s.seed),
        demean=s.demean, name=name,
    )  # fmt: skip


SIGN_MONITOR: Analysis[SignMonitorSettings] = Analysis(
    name="sign-monitor",
    title="Sign-based bubble monitor (HLZ)",
    help="Harvey, Leybourne & Zu (2020) sign-based monitoring: the Dickey-Fuller ratio of the "
    "cumulated signs of the returns (exactly invariant to any volatility path) against its "
    "simulated sPWY boundary for the monitoring horizon; recursively demeaned signs (Harvey, "
    "Leybourne, Tatlow & Zu 2025) for an index that drifts up.",
    settings=SignMonitorSettings,
    run=run_sign_monitor,
    results=("bubblescope.detect.sequential.SequentialResult",),
    group="detect",
    needs_series=True,
    slow=True,  # simulates its boundary (up to 100,000 walks): the API queues it
    signals=(Column("sign", "sign-based DF (HLZ 2020) above its boundary"),),
)


@dataclass(frozen=True)
class SignPSYSettings:
    """Sign-based sPSY test (HLZ 2020) on the run's sample (presets differ in replications)."""

    frequency: Literal["D", "W", "M"] = setting(
        "W", "sampling of daily closes: D, W (last close of a week) or M"
    )
    lookback_years: float | None = setting(
        20.0, "years tested, counted back from the last date (none: all)", gt=0.0, le=200.0
    )
    r0: float = setting(
        0.1, "minimum window as a fraction of the sample (HLZ's Table 1: 0.1)", gt=0.0, lt=1.0
    )
    demean: bool = setting(True, "recursively demeaned signs (HLTZ 2025), for a series with drift")
    stamping: Literal["pointwise", "familywise"] = setting(
        "pointwise",
        "date against the pointwise critical values, or against the sPSY one (family-wise)",
    )
    level: float = setting(0.95, "confidence level of the test and the dating", gt=0.0, lt=1.0)
    reps: int = setting(2000, "simulated sign walks for the critical values", ge=100, le=100_000)
    seed: int = setting(0, "seed of the simulated critical values", ge=0, le=2**32 - 1)

    @classmethod
    def preset(cls, name: str = "standard") -> SignPSYSettings:
        """``quick``: 500 walks; ``standard``: 2,000; ``publication``: 10,000."""
        reps = {"quick": 500, "standard": 2000, "publication": 10_000}
        if name not in reps:
            raise InputError(f"unknown preset {name!r}", hint=f"one of {list(PRESET_NAMES)}")
        return cls(reps=reps[name])


def run_sign_psy(data: pd.Series | pd.DataFrame | None, s: SignPSYSettings) -> SignPSYResult:
    """The sign-based sPSY test on log closes (weekly, last 20 years by default)."""
    import numpy as np

    from bubblescope.data.validate import validate_series
    from bubblescope.detect.critical_values.sign import SignPSYCV
    from bubblescope.detect.sign_based import sign_psy

    close = closes(data, "the sign-based PSY test")
    name = str(close.name) if close.name is not None else "series"
    sampler = PSYSettings(frequency=s.frequency, lookback_years=s.lookback_years)
    sample = sampler.sample(close, positive=True)
    prices = validate_series(
        sample, min_points=3, name=name, purpose="the sign-based PSY test"
    ).series
    return sign_psy(
        np.log(prices), r0=s.r0, cv=SignPSYCV(reps=s.reps, rng=s.seed), level=s.level,
        demean=s.demean, stamping=s.stamping, name=name,
    )  # fmt: skip


SIGN_PSY: Analysis[SignPSYSettings] = Analysis(
    name="sign-psy",
    title="Sign-based PSY test (HLZ)",
    help="Harvey, Leybourne & Zu (2020) sign-based sPSY test: the PSY double supremum of the "
    "Dickey-Fuller ratio of the cumulated signs of the returns (exactly invariant to any "
    "volatility path), its simulated critical values, and episodes dated with the backward "
    "path; recursively demeaned signs (Harvey, Leybourne, Tatlow & Zu 2025) for an index that "
    "drifts up.",
    settings=SignPSYSettings,
    run=run_sign_psy,
    results=("bubblescope.detect.sign_based.SignPSYResult",),
    group="detect",
    needs_series=True,
    slow=True,  # simulates its critical values (up to 100,000 walks): the API queues it
    signals=(Column("sign_psy", "sign-based sPSY (HLZ 2020) above its critical value"),),
)


@dataclass(frozen=True)
class BDMonitorSettings:
    """Breitung-Diegel (2025) sequential monitoring (presets differ in replications)."""

    train_years: float = setting(
        10.0, "training sample: the first years of the series", gt=0.0, le=100.0
    )
    horizon_years: float = setting(
        10.0, "monitoring years over which the false-alarm rate is 1 - level", gt=0.0, le=100.0
    )
    detector: Literal["wcusum", "mcusum", "cusum"] = setting(
        "wcusum", "wCUSUM (weighted), mCUSUM (constant boundary) or CUSUM (linear boundary)"
    )
    cbar: float = setting(2.1, "wCUSUM weighting (BD calibrate 2.1)", ge=0.0, le=20.0)
    level: float = setting(0.95, "one minus the false-alarm rate over the horizon", gt=0.0, lt=1.0)
    demean: bool = setting(True, "remove the training sample's drift from every difference")
    reps: int = setting(2000, "simulated random walks for the boundary", ge=100, le=100_000)
    seed: int = setting(0, "seed of the simulated boundary", ge=0, le=2**32 - 1)
    transform: Literal["log", "level"] = setting(
        "log", "monitor log prices (explosive growth rate) or levels"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> BDMonitorSettings:
        """``quick``: 500 walks; ``standard``: 2,000; ``publication``: 10,000."""
        reps = {"quick": 500, "standard": 2000, "publication": 10_000}
        if name not in reps:
            raise InputError(f"unknown preset {name!r}", hint=f"one of {list(PRESET_NAMES)}")
        return cls(reps=reps[name])


def run_bd_monitor(data: pd.Series | pd.DataFrame | None, s: BDMonitorSettings) -> SequentialResult:
    """Breitung-Diegel monitoring after the first ``train_years`` of the closes."""
    from bubblescope.detect.breitung_diegel import bd_monitor
    from bubblescope.detect.critical_values.sequential import SequentialCV

    y, n, h, name = _monitored(
        data, "Breitung-Diegel monitoring", s.transform, s.train_years, s.horizon_years
    )
    return bd_monitor(
        y, train=n, horizon=max(h, 2), detector=s.detector, cbar=s.cbar, level=s.level,
        cv=SequentialCV(reps=s.reps, rng=s.seed), demean=s.demean, name=name,
    )  # fmt: skip


BD_MONITOR: Analysis[BDMonitorSettings] = Analysis(
    name="bd-monitor",
    title="Sequential bubble detector (Breitung-Diegel)",
    help="Breitung & Diegel (2025) sequential detectors: the standardised sum of returns since "
    "a training sample (mCUSUM, constant boundary; CUSUM, linear boundary) or its "
    "exponentially weighted version (wCUSUM), against a boundary simulated for the monitoring "
    "horizon, and the first date it is crossed.",
    settings=BDMonitorSettings,
    run=run_bd_monitor,
    results=("bubblescope.detect.sequential.SequentialResult",),
    group="detect",
    needs_series=True,
    slow=True,  # simulates its boundary (up to 100,000 walks): the API queues it
    signals=(Column("bd_wcusum", "Breitung-Diegel wCUSUM above its boundary (drift removed)"),),
)


# --- LPPLS ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LPPLSFitSettings:
    """One LPPLS fit (equal presets: one fit has no precision to trade)."""

    window: int | None = setting(
        750,
        "trading days ending at the last date, FCO's longest window (none, or more than the "
        "series has: the whole series)",
        ge=30,
        le=20_000,
    )
    space: Literal["fco", "stylised"] = setting(
        "fco", "search space: fco (Sornette et al. 2015) or stylised"
    )
    seed: int = setting(0, "seed of the extra random starts", ge=0, le=2**32 - 1)

    @classmethod
    def preset(cls, name: str = "standard") -> LPPLSFitSettings:
        """The same fit for every preset."""
        return _no_variants(cls, name)

    def window_for(self, n: int) -> int | None:
        """The window to fit in a series of ``n`` observations (None: all of them)."""
        return None if self.window is None or self.window >= n else self.window


def run_lppls_fit(
    data: pd.Series | pd.DataFrame | None, s: LPPLSFitSettings
) -> LPPLSFit | FailedFit:
    """The LPPLS fit of the last ``window`` trading days (best of a grid, then polished)."""
    from bubblescope.detect.lppls import SearchSpace, lppls_fit

    close = closes(data, "LPPLS")
    space = SearchSpace.fco() if s.space == "fco" else SearchSpace.stylised()
    return lppls_fit(close, window=s.window_for(len(close)), space=space, rng=s.seed)


@dataclass(frozen=True)
class LPPLSConfidenceSettings:
    """DS LPPLS Confidence over the last dates (equal presets; the windows set the cost)."""

    max_window: int = setting(250, "longest window, trading days", ge=40, le=1500)
    min_window: int = setting(60, "shortest window, trading days", ge=20, le=1500)
    step: int = setting(10, "step between nested windows, trading days", ge=1, le=100)
    every: int = setting(10, "every n-th trading day, counted back from the last", ge=1, le=250)
    dates: int = setting(200, "most dates, the latest ones", ge=1, le=2000)

    def __post_init__(self) -> None:
        if self.min_window > self.max_window:
            raise InputError(
                f"min_window ({self.min_window}) exceeds max_window ({self.max_window})"
            )

    @classmethod
    def preset(cls, name: str = "standard") -> LPPLSConfidenceSettings:
        """The same windows for every preset."""
        return _no_variants(cls, name)


def run_lppls_confidence(
    data: pd.Series | pd.DataFrame | None, s: LPPLSConfidenceSettings
) -> LPPLSIndicators:
    """Confidence at every ``every``-th of the last dates that have ``max_window`` days before."""
    from bubblescope.detect.lppls import WindowSet, lppls_confidence

    close = closes(data, "LPPLS Confidence")
    ends = range(len(close) - 1, s.max_window - 2, -s.every)
    dates = [close.index[i] for i in ends][: s.dates][::-1]
    if not dates:
        raise InputError(
            f"{len(close)} observations: no date has the {s.max_window} the longest window needs",
            hint="use a longer series or a shorter max_window",
        )
    windows = WindowSet(s.max_window, s.min_window, s.step)
    return lppls_confidence(close, dates, windows=windows)


LPPLS_FIT: Analysis[LPPLSFitSettings] = Analysis(
    name="lppls",
    title="LPPLS fit",
    help="One log-periodic power law singularity fit of the last trading days: critical time, "
    "exponent m, log-frequency omega, and whether the fit passes Sornette et al.'s filter.",
    settings=LPPLSFitSettings,
    run=run_lppls_fit,
    results=("bubblescope.detect.lppls.LPPLSFit", "bubblescope.detect.lppls.FailedFit"),
    group="detect",
    needs_series=True,
)

LPPLS_CONFIDENCE: Analysis[LPPLSConfidenceSettings] = Analysis(
    name="lppls-confidence",
    title="LPPLS Confidence",
    help="DS LPPLS Confidence: the share of nested windows whose fit qualifies as a positive "
    "(or negative) bubble, at every n-th of the last trading days.",
    settings=LPPLSConfidenceSettings,
    run=run_lppls_confidence,
    results=("bubblescope.detect._lppls_indicators.LPPLSIndicators",),
    group="detect",
    needs_series=True,
    slow=True,
    report=30,
    signals=(Column("lppls", "DS LPPLS Confidence of positive bubbles on a calendar grid"),),
    status=(Column("lppls", "LPPLS Confidence"),),
)


# --- run-ups and drawdowns --------------------------------------------------------------------


@dataclass(frozen=True)
class RunupAnalysisSettings(RunupSettings):
    """The run-up section of the run (:class:`~bubblescope.settings.RunupSettings`), crashes."""

    horizon_months: int = setting(
        RunupSettings.horizon_months, "run-up and crash window, months", ge=2, le=120
    )
    threshold: float = setting(
        RunupSettings.threshold, "run-up size, a fraction (1.0 = 100%)", gt=0.0, le=20.0
    )
    market: str = setting(
        RunupSettings.market, "market series for the net-of-market condition ('' for none)"
    )
    model_sample: str = setting(RunupSettings.model_sample, "sample of GSY's crash-odds logit")
    crash_drawdown: float = setting(0.4, "crash size, a fraction", gt=0.0, lt=1.0)
    prior_window: int | None = setting(
        60, "months of the prior-return filter (none: off)", ge=1, le=240
    )
    anchor: Literal["peak", "runup"] = setting(
        "peak", "drawdown from the running peak or from the run-up date"
    )

    def __post_init__(self) -> None:
        import re

        if self.market and not re.fullmatch(_NAME, self.market):
            raise InputError(f"market {self.market!r} is not a series name")

    @classmethod
    def from_run(cls, run: RunSettings) -> RunupAnalysisSettings:
        """The run-up section of ``run``."""
        return cls(**dataclasses.asdict(run.runup))

    @classmethod
    def preset(cls, name: str = "standard") -> RunupAnalysisSettings:
        """``RunSettings.preset(name).runup`` with GSY's crash definition."""
        return cls.from_run(RunSettings.preset(name))


def runup_on(close: pd.Series, market: pd.Series | None, s: RunupAnalysisSettings) -> RunupResult:
    """GSY run-ups of ``close``, net of ``market`` from the date both exist."""
    from bubblescope.detect.gsy import runup

    if market is not None:  # the net-of-market condition needs the market on every date
        close = close.loc[max(close.index[0], market.index[0]) :]
        market = market.loc[: close.index[-1]]
    return runup(
        close, market, threshold=s.threshold, horizon=s.horizon_months,
        crash_drawdown=s.crash_drawdown, anchor=s.anchor, prior_window=s.prior_window,
        name=str(close.name),
    )  # fmt: skip


def run_runup(data: pd.Series | pd.DataFrame | None, s: RunupAnalysisSettings) -> RunupResult:
    """GSY run-ups on month-end prices, net of ``s.market`` (a shipped or stored series)."""
    from bubblescope.data.catalog import load_series

    market = load_series(s.market)["close"].astype("float64") if s.market else None
    return runup_on(closes(data, "GSY run-up"), market, s)


def _runup_scan(inp: ScanInput) -> dict[str, Any]:
    import numpy as np

    from bubblescope.detect.gsy import MODEL_FROM, crash_probability, trailing_return

    s = dataclasses.replace(RunupAnalysisSettings.from_run(inp.run), market="")
    raw_now = trailing_return(inp.close, s.horizon_months)
    net_now = float("nan")
    if inp.market is not None:
        market_now = trailing_return(inp.market, s.horizon_months).asof(inp.close.index[-1])
        net_now = float(raw_now.iloc[-1]) - float(cast(float, market_now))
    res = runup_on(inp.close, inp.market, s)
    flags = res.flags.iloc[:, 0]
    odds = float("nan")
    if np.isfinite(net_now) and net_now >= MODEL_FROM:
        odds = float(crash_probability(net_now, sample=s.model_sample))  # type: ignore[arg-type]
    latest_prob = float("nan")
    if len(res.episodes) and "crash_probability" in res.episodes:
        latest_prob = float(res.episodes["crash_probability"].iloc[-1])
    return {
        "runup_raw_2y": float(raw_now.iloc[-1]),
        "runup_net_2y": net_now,
        "runup_flag_now": bool(flags.iloc[-1]) if len(flags) else False,
        "runup_crash_odds_now": odds,
        "runup_episodes": res.n_episodes,
        "runup_crashes": res.n_crashes,
        "runup_open": res.n_open,
        "runup_latest_episode_crash_probability": latest_prob,
    }


RUNUP: Analysis[RunupAnalysisSettings] = Analysis(
    name="runup",
    title="GSY run-ups",
    help="Greenwood-Shleifer-You (2019) run-ups: 24-month returns above 100% raw and net of "
    "the market, grouped into episodes, the crashes that followed and GSY's crash odds.",
    settings=RunupAnalysisSettings,
    run=run_runup,
    results=("bubblescope.detect.gsy.RunupResult",),
    group="detect",
    needs_series=True,
    scan=ScanHook(
        "GSY 24-month run-up (raw and net of market), crash probability of the latest run-up",
        _runup_scan,
        "runup_raw_2y",
        "24-month return now",
        "%",
        scale=100.0,
        line=(100.0, "GSY run-up (doubling)"),
        definitions=(
            (
                "runup_raw_2y",
                "R = P_t / P_b - 1, the return from the close b on or before the date 24 "
                "months before the last close t to that close (a fraction: -0.5 is -50%)",
            ),
            (
                "runup_net_2y",
                "R - M, GSY's net of market: the raw 24-month return minus the market's "
                "over the same 24 months (a difference of two fractions, in return points: "
                "not a return, so it nears or passes -1 when the stock fell while the market "
                "rose: -0.54 - 0.45 = -0.99); null without a market",
            ),
            (
                "runup_crash_odds_now",
                "GSY's crash probability at runup_net_2y (their logit on industry portfolios; "
                "indicative for one stock); null below the model's range or without a market",
            ),
        ),
    ),
    signals=(
        Column("runup", "GSY run-up flag from completed months"),
        Column("crash_probability", "GSY logit crash probability of the run-up"),
    ),
    status=(Column("return_24m", "Run-up (24 months)"), Column("crash_odds", "GSY crash odds")),
)


@dataclass(frozen=True)
class DrawdownSettings:
    """Drawdown table settings (equal presets)."""

    top: int = setting(5, "episodes to list, deepest first", ge=1, le=50)

    @classmethod
    def preset(cls, name: str = "standard") -> DrawdownSettings:
        """The same table for every preset."""
        return _no_variants(cls, name)


def run_drawdown(data: pd.Series | pd.DataFrame | None, s: DrawdownSettings) -> DrawdownResult:
    """The drawdown curve and the deepest peak-to-trough episodes."""
    from bubblescope.detect.drawdowns import drawdown

    close = closes(data, "drawdown")
    return drawdown(close, top=s.top, name=str(close.name))


def _drawdown_scan(inp: ScanInput) -> dict[str, Any]:
    import numpy as np

    from bubblescope.detect.drawdowns import drawdown_curve, max_drawdown

    values = inp.close.to_numpy(dtype=np.float64)
    return {
        "max_drawdown": max_drawdown(values),
        "current_drawdown": float(drawdown_curve(values)[-1]),
    }


DRAWDOWN: Analysis[DrawdownSettings] = Analysis(
    name="drawdown",
    title="Drawdowns",
    help="The fall from the running peak at every date, the maximum drawdown and the deepest "
    "episodes with their peak, trough and recovery.",
    settings=DrawdownSettings,
    run=run_drawdown,
    results=("bubblescope.detect.drawdowns.DrawdownResult",),
    group="detect",
    needs_series=True,
    report=50,
    scan=ScanHook(
        "maximum drawdown and current drawdown from the running peak",
        _drawdown_scan,
        "current_drawdown",
        "drawdown from the running peak now",
        "%",
        scale=100.0,
    ),
    status=(Column("drawdown", "Drawdown now"),),
)


# --- the gauge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockGaugeSettings:
    """Per-stock gauge settings (equal presets)."""

    horizon_months: int = setting(24, "momentum horizon, months", ge=1, le=120)

    @classmethod
    def preset(cls, name: str = "standard") -> StockGaugeSettings:
        """The same gauge for every preset."""
        return _no_variants(cls, name)


def run_stock_gauge(data: pd.Series | pd.DataFrame | None, s: StockGaugeSettings) -> GaugeResult:
    """The gauge of one stock from its prices (and volume, where the frame has it)."""
    import pandas as pd

    from bubblescope.gauge import STOCK_MIN_HISTORY, bubble_gauge, stock_proxies

    close = closes(data, "the gauge")
    prices: pd.Series | pd.DataFrame = close
    if isinstance(data, pd.DataFrame) and "volume" in data.columns:
        prices = pd.DataFrame({"close": close, "volume": data["volume"].reindex(close.index)})
    res = bubble_gauge(
        stock_proxies(prices, horizon_months=s.horizon_months, name=str(close.name)),
        min_history=STOCK_MIN_HISTORY,
    )
    if res.aggregate.dropna().empty:
        raise InputError(
            f"{close.name}: too little history for a gauge reading",
            hint=f"each proxy needs {STOCK_MIN_HISTORY} months of history",
        )
    return res


def _gauge_scan(inp: ScanInput) -> dict[str, Any]:
    import pandas as pd

    data: pd.Series | pd.DataFrame = inp.close
    if inp.volume is not None:
        data = pd.DataFrame({"close": inp.close, "volume": inp.volume.reindex(inp.close.index)})
    res = run_stock_gauge(data, StockGaugeSettings())
    latest = res.reading(res.aggregate.dropna().index[-1])
    return {
        "gauge_aggregate": latest["aggregate"],
        "gauge_coverage": latest["coverage"],
        "gauge_date": str(latest["date"].date()),
    }


GAUGE: Analysis[StockGaugeSettings] = Analysis(
    name="gauge",
    title="Bubble gauge of a stock",
    help="Dalio-style gauge of one stock from its prices and volume: momentum as the sentiment "
    "proxy, volume growth as the new-buyers proxy, each ranked against its own history.",
    settings=StockGaugeSettings,
    run=run_stock_gauge,
    results=("bubblescope.gauge.GaugeResult",),
    group="detect",
    needs_series=True,
    scan=ScanHook(
        "per-stock bubble gauge from prices and volume (momentum, volume growth)",
        _gauge_scan,
        "gauge_aggregate",
        "gauge: aggregate percentile now",
        "percentile",
    ),
)


@dataclass(frozen=True)
class MarketGaugeSettings:
    """Market gauge settings (equal presets)."""

    ranking: Literal["expanding", "full"] = setting(
        "expanding", "percentiles point in time (expanding) or over the full sample"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> MarketGaugeSettings:
        """The same gauge for every preset."""
        return _no_variants(cls, name)


def run_market_gauge(data: pd.Series | pd.DataFrame | None, s: MarketGaugeSettings) -> GaugeResult:
    """The market gauge from the shipped Shiller table (CAPE, P/E, excess CAPE yield, rates)."""
    from bubblescope.data.bundled import load_shiller
    from bubblescope.gauge import bubble_gauge, shiller_proxies

    return bubble_gauge(shiller_proxies(load_shiller()), ranking=s.ranking)


MARKET_GAUGE: Analysis[MarketGaugeSettings] = Analysis(
    name="gauge-market",
    title="Bubble gauge of the market",
    help="Dalio's bubble criteria measured on Shiller's monthly data (CAPE, trailing P/E, the "
    "excess CAPE yield, the real 10-year yield), each ranked against its own history.",
    settings=MarketGaugeSettings,
    run=run_market_gauge,
    results=("bubblescope.gauge.GaugeResult",),
    group="detect",
    report=120,
    signals=(Column("gauge", "Shiller-proxy bubble gauge with expanding percentile ranks"),),
)


# --- valuation multiples ----------------------------------------------------------------------


@dataclass(frozen=True)
class MultiplesSettings:
    """Point-in-time multiples settings (equal presets)."""

    symbol: str = setting("NVDA", "a firm with SEC fundamentals (NVDA, MSFT, GOOGL, AMZN, META)")
    frequency: Literal["daily", "monthly"] = setting("monthly", "daily or month-end multiples")

    def __post_init__(self) -> None:
        import re

        if not re.fullmatch(_NAME, self.symbol):
            raise InputError(f"{self.symbol!r} is not a symbol")

    @classmethod
    def preset(cls, name: str = "standard") -> MultiplesSettings:
        """The same multiples for every preset."""
        return _no_variants(cls, name)


def run_multiples(data: pd.Series | pd.DataFrame | None, s: MultiplesSettings) -> MultiplesResult:
    """Market cap, trailing P/E and P/S of ``s.symbol`` from its prices and its SEC filings."""
    from bubblescope.data.bundled import load_fundamentals
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.firm_multiples import multiples

    symbol = s.symbol.upper()
    return multiples(
        load_series(symbol)["close"], load_fundamentals(symbol), symbol, frequency=s.frequency
    )


MULTIPLES: Analysis[MultiplesSettings] = Analysis(
    name="multiples",
    title="Valuation multiples of a firm",
    help="Point-in-time market capitalisation, trailing P/E and P/S of one firm from its prices "
    "and the SEC filings known at each date.",
    settings=MultiplesSettings,
    run=run_multiples,
    results=("bubblescope.detect.firm_multiples.MultiplesResult",),
    group="detect",
    status=(Column("valuation", "Valuation"),),
)


# --- bubble or adoption? ----------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustedSettings(_RunPSYSettings):
    """Fundamentals-adjusted PSY: the firm, the factors, and the run's PSY settings."""

    symbol: str = setting("NVDA", "a ticker (P/E and P/S need SEC fundamentals: NVDA, MSFT, GOOGL)")
    factors: tuple[str, ...] = setting(
        ("SP500", "XLK"), "market and industry series the price is netted of", max_length=5
    )
    levels: bool = setting(True, "also test the price, its P/E and P/S in levels")

    def __post_init__(self) -> None:
        import re

        for name in (self.symbol, *self.factors):
            if not re.fullmatch(_NAME, name):
                raise InputError(f"{name!r} is not a symbol")

    @classmethod
    def preset(cls, name: str = "standard") -> AdjustedSettings:
        """The run's PSY section of ``name`` (replications and sampling), for NVDA."""
        return cls(**dataclasses.asdict(RunSettings.preset(name).psy))


def run_adjusted(data: pd.Series | pd.DataFrame | None, s: AdjustedSettings) -> AdjustedResult:
    """PSY on ``s.symbol``'s price, its P/E and P/S, net of factors and of AI proxies."""
    from bubblescope.data.bundled import load_fundamentals
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.adjusted import adjusted_psy, technology_proxies

    symbol = s.symbol.upper()
    fundamentals = load_fundamentals()
    proxies, note = technology_proxies(fundamentals)
    return adjusted_psy(
        load_series(symbol)["close"],
        symbol,
        fundamentals=fundamentals,
        factors={f: load_series(f)["close"] for f in s.factors},
        proxies=proxies,
        proxy_note=note,
        sample=s.sample,
        sampling=s.describe(),
        lag=s.lag,
        window=s.window,
        cv=s.cv(),
        level=s.level,
        levels=s.levels,
    )


ADJUSTED: Analysis[AdjustedSettings] = Analysis(
    name="psy-adjusted",
    title="Bubble or adoption? PSY adjusted for fundamentals",
    help="PSY on a firm's log price next to PSY on its log P/E and P/S from the SEC filings "
    "(as the Dallas Fed tests price-to-rent), on the price net of market and industry factors "
    "(Basele, Phillips & Shi 2025) and net of the AI economy's technology proxies (Chen et al. "
    "2026), with a plain sentence on what each difference means.",
    settings=AdjustedSettings,
    run=run_adjusted,
    results=("bubblescope.detect.adjusted.AdjustedResult",),
    group="detect",
    report=25,
)


# --- SV-ADF dating (Sarkar & Wells 2026, preprint) --------------------------------------------


@dataclass(frozen=True)
class SVADFSettings:
    """SV-ADF dating of a price series (presets equal: nothing is simulated)."""

    rule: Literal["paper", "exuber"] = setting(
        "paper", "the authors' replication code (paper) or exuber's reading (exuber)"
    )
    frequency: Literal["D", "W", "M"] = setting(
        "D", "sampling of daily closes: D, W (last close of a week) or M"
    )
    lookback_years: float | None = setting(
        4.0, "years tested, counted back from the last date (none: all)", gt=0.0, le=200.0
    )
    transform: Literal["level", "log"] = setting(
        "level", "date price levels (the paper's adjusted closes) or log prices"
    )
    origination_run: int | None = setting(
        None,
        "windows above log(t)/10 that originate an episode (none: 60; exuber: round(log T))",
        ge=1,
        le=10_000,
    )
    collapse_run: int | None = setting(
        None,
        "windows below log(t)/2 that confirm a collapse (none: 30; exuber: round(log T))",
        ge=1,
        le=10_000,
    )
    bridge: float | None = setting(
        None,
        "paper: calendar days after an origination in which a fall below log(t)/10 is its "
        "collapse (none: 90)",
        gt=0.0,
        le=3650.0,
    )

    @classmethod
    def preset(cls, name: str = "standard") -> SVADFSettings:
        """The same dating for every preset."""
        return _no_variants(cls, name)


def run_svadf(data: pd.Series | pd.DataFrame | None, s: SVADFSettings) -> SVADFResult:
    """SV-ADF dating of the closes: daily closes of the last four years, in levels, by default."""
    import numpy as np

    from bubblescope.data.validate import validate_series
    from bubblescope.detect.svadf_dating import svadf

    close = closes(data, "SV-ADF")
    name = str(close.name) if close.name is not None else "series"
    sampler = PSYSettings(frequency=s.frequency, lookback_years=s.lookback_years)
    sample = sampler.sample(close, positive=s.transform == "log")
    prices = validate_series(
        sample, min_points=3, positive=s.transform == "log", name=name, purpose="SV-ADF dating"
    ).series
    y = np.log(prices) if s.transform == "log" else prices
    return svadf(
        y, rule=s.rule, origination_run=s.origination_run, collapse_run=s.collapse_run,
        bridge=s.bridge, name=name,
    )  # fmt: skip


SVADF: Analysis[SVADFSettings] = Analysis(
    name="svadf",
    title="SV-ADF dating (Sarkar & Wells 2026, preprint)",
    help="Sarkar & Wells (2026, arXiv:2604.12062, a non-peer-reviewed preprint) as their "
    "replication code dates the AI stocks: the recursive Dickey-Fuller coefficient statistic "
    "against an origination threshold log(t)/10 and a collapse threshold log(t)/2 (t the "
    "window's sample size), with a 90-day bridge after each origination; no critical values "
    "are simulated. Daily closes of the last four years, in levels, by default.",
    settings=SVADFSettings,
    run=run_svadf,
    results=("bubblescope.detect.svadf_dating.SVADFResult",),
    group="detect",
    needs_series=True,
    report=22,
    signals=(Column("svadf", "SV-ADF episode confirmed, collapse not yet (preprint)"),),
)


# --- the AI economy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoSettings:
    """An analysis with nothing to set."""

    @classmethod
    def preset(cls, name: str = "standard") -> NoSettings:
        """Nothing, for every preset."""
        return _no_variants(cls, name)


@dataclass(frozen=True)
class GPUSettings:
    """GPU unit economics settings (equal presets)."""

    generation: Literal["H100", "A100"] = setting("H100", "GPU generation")
    purchase_time: float | None = setting(
        None, "purchase time, decimal year (none: launch)", ge=2015.0, le=2035.0
    )
    rule: Literal["cash", "npv"] = setting("cash", "economic-life rule: cash margin or NPV")
    horizon: int = setting(10, "years of age modelled", ge=2, le=30)

    @classmethod
    def preset(cls, name: str = "standard") -> GPUSettings:
        """The same cohort for every preset."""
        return _no_variants(cls, name)


def run_gpu(data: pd.Series | pd.DataFrame | None, s: GPUSettings) -> GPUEconomics:
    """Margins by age, payback and economic life of one GPU cohort."""
    from bubblescope.economy.gpu import gpu_economics

    return gpu_economics(
        s.generation, purchase_time=s.purchase_time, horizon=s.horizon, rule=s.rule
    )


def run_power(data: pd.Series | pd.DataFrame | None, s: NoSettings) -> GridComparison:
    """Data-centre electricity projections against the growth of total US demand."""
    from bubblescope.economy.power import grid_comparison

    return grid_comparison()


@dataclass(frozen=True)
class SequoiaSettings:
    """Sequoia's revenue gap settings (equal presets)."""

    year: Literal[2023, 2024] = setting(
        2024, "the essay: 2023 ($200B question) or 2024 ($600B question)"
    )

    @classmethod
    def preset(cls, name: str = "standard") -> SequoiaSettings:
        """The same essay for every preset."""
        return _no_variants(cls, name)


def run_sequoia(data: pd.Series | pd.DataFrame | None, s: SequoiaSettings) -> SequoiaGap:
    """The revenue AI must earn to pay for the GPU spending of Sequoia's essay, and the gap."""
    from bubblescope.economy.valuation import sequoia_2023, sequoia_2024

    return sequoia_2023() if s.year == 2023 else sequoia_2024()


@dataclass(frozen=True)
class DepreciationSettings:
    """Burry's depreciation case settings (equal presets)."""

    economic_life: float | None = setting(
        None, "economic life, years (none: the life implied by $176B)", gt=0.5, le=30.0
    )
    book_life: float | None = setting(
        None, "book life, years (none: the case's 6 years)", gt=0.5, le=30.0
    )

    @classmethod
    def preset(cls, name: str = "standard") -> DepreciationSettings:
        """The same case for every preset."""
        return _no_variants(cls, name)


def run_depreciation(
    data: pd.Series | pd.DataFrame | None, s: DepreciationSettings
) -> RestatementResult:
    """Book against economic depreciation of the big-5 capex path (Burry's $176B)."""
    from bubblescope.economy.depreciation import burry_case

    return burry_case(s.economic_life, book_life=s.book_life)


@dataclass(frozen=True)
class FlatteredSettings:
    """Who-is-flattered settings (equal presets: the model is a closed form)."""

    economic_life: float | None = setting(
        None, "economic server life, years (none: the life implied by $176B)", gt=0.5, le=7.0
    )
    earnings_growth: float | None = setting(
        None, "net-income growth a year (none: flattered.yaml's, held flat)", gt=-0.5, le=1.0
    )
    capex_growth: float | None = setting(
        None, "capex growth a year after 2026 (none: flattered.yaml's, held)", gt=-0.5, le=1.0
    )

    @classmethod
    def preset(cls, name: str = "standard") -> FlatteredSettings:
        """The same case for every preset."""
        return _no_variants(cls, name)


def run_flattered(data: pd.Series | pd.DataFrame | None, s: FlatteredSettings) -> FlatteredResult:
    """Each hyperscaler's earnings overstatement 2026-28 and P/E at book and restated lives."""
    from bubblescope.economy.depreciation.flattered import flattered

    given = {"earnings_growth": s.earnings_growth, "capex_growth": s.capex_growth}
    return flattered(s.economic_life, assumptions={k: v for k, v in given.items() if v is not None})


@dataclass(frozen=True)
class NetworkSettings:
    """Financing network settings (equal presets)."""

    include_nonbinding: bool = setting(False, "keep non-binding deals (LOI, term sheet, lapsed)")

    @classmethod
    def preset(cls, name: str = "standard") -> NetworkSettings:
        """The same network for every preset."""
        return _no_variants(cls, name)


def run_network(data: pd.Series | pd.DataFrame | None, s: NetworkSettings) -> NetworkResult:
    """The fact base's financing network: firms, commitments, loops, concentration."""
    from bubblescope.economy.network import analyze_network, load_network

    return analyze_network(load_network(include_nonbinding=s.include_nonbinding))


@dataclass(frozen=True)
class StressSettings:
    """Stress-test settings (equal presets)."""

    shocks: tuple[str, ...] = setting(
        ("OpenAI=0.5",), "FIRM=FRACTION: the firm pays that fraction of its obligations",
        max_length=20,
    )  # fmt: skip
    alpha: float = setting(1.0, "Rogers-Veraart recovery on external assets", ge=0.0, le=1.0)
    beta: float = setting(1.0, "Rogers-Veraart recovery on receipts", ge=0.0, le=1.0)
    year: int | None = setting(
        None, "calendar year to clear (none: the run-rate)", ge=2020, le=2040
    )

    @classmethod
    def preset(cls, name: str = "standard") -> StressSettings:
        """The same scenario for every preset."""
        return _no_variants(cls, name)


def run_stress(data: pd.Series | pd.DataFrame | None, s: StressSettings) -> StressResult:
    """Clear a year of the network's obligations after the payment shocks."""
    from bubblescope.economy.clearing import parse_shock, stress
    from bubblescope.economy.network import load_network

    net = load_network()
    shocks = [parse_shock(text) for text in s.shocks]
    unknown = sorted({shock.firm for shock in shocks} - set(net.names))
    if unknown:
        raise InputError(f"unknown firm(s) {unknown}", hint=f"choose from {list(net.names)}")
    return stress(net, shocks, alpha=s.alpha, beta=s.beta, year=s.year)


@dataclass(frozen=True)
class RunwaySettings:
    """Runway settings (equal presets: the model is a closed form)."""

    scenarios: tuple[Literal["low", "mid", "high"], ...] = setting(
        ("low", "mid", "high"), "revenue growth scenarios (network.yaml rows runway_growth_*)",
        min_length=1, max_length=3,
    )  # fmt: skip

    @classmethod
    def preset(cls, name: str = "standard") -> RunwaySettings:
        """The same model for every preset."""
        return _no_variants(cls, name)


def run_runway(data: pd.Series | pd.DataFrame | None, s: RunwaySettings) -> RunwayResult:
    """Each lab's contracted payments against revenue paths and committed funding."""
    from bubblescope.economy.firms.runway import runway

    return runway(scenarios=s.scenarios)


@dataclass(frozen=True)
class FirmsSettings:
    """Firms-view settings (equal presets: the stress and its parts are closed forms)."""

    shocks: tuple[str, ...] = setting(
        ("OpenAI=0.5",), "FIRM=FRACTION: the firm pays that fraction of its obligations",
        max_length=20,
    )  # fmt: skip
    year: int | None = setting(
        None, "calendar year the stress clears (none: the run-rate)", ge=2020, le=2040
    )

    @classmethod
    def preset(cls, name: str = "standard") -> FirmsSettings:
        """The same view for every preset."""
        return _no_variants(cls, name)


def run_firms(data: pd.Series | pd.DataFrame | None, s: FirmsSettings) -> FirmsResult:
    """Balance sheets, a stress's exposures, the labs' runway and the restated P/E, linked."""
    from bubblescope.economy.firms.view import firms_view

    return firms_view(s.shocks, year=s.year)


@dataclass(frozen=True)
class WaterSettings:
    """Data-centre water settings (equal presets: the model is a closed form)."""

    cooling: Literal["site", "evaporative", "us_average", "microsoft_fleet", "closed_loop"] = (
        setting("site", "cool every site this way (site: as its sources say)")
    )
    pue: float | None = setting(
        None, "PUE, facility / IT energy (none: the US 2023 average, WAT-05)", ge=1.0, le=3.0
    )
    load_factor: float | None = setting(
        None, "average draw as a share of stated power (none: water.yaml's)", ge=0.01, le=1.0
    )
    indirect: bool = setting(False, "also count the power plants' water (WAT-27)")
    site_mw: float | None = setting(
        None, "give every site this power, MW (none: each its sourced one)", gt=0.0, le=100_000.0
    )

    @classmethod
    def preset(cls, name: str = "standard") -> WaterSettings:
        """The same model for every preset."""
        return _no_variants(cls, name)


def run_water(data: pd.Series | pd.DataFrame | None, s: WaterSettings) -> WaterResult:
    """Cooling water per site against local supply, and per MWh by cooling type."""
    from bubblescope.economy.water import water_use

    return water_use(
        cooling=s.cooling,
        pue=s.pue,
        load_factor=s.load_factor,
        indirect=s.indirect,
        site_mw=s.site_mw,
    )


GPU: Analysis[GPUSettings] = Analysis(
    name="gpu",
    title="GPU economics",
    help="How long a GPU earns its keep: rent against cash cost by age, payback and economic "
    "life (Bernstein's cash rule or an NPV rule) of one GPU cohort.",
    settings=GPUSettings,
    run=run_gpu,
    results=("bubblescope.economy.gpu.GPUEconomics",),
    group="economy",
    report=90,
)
POWER: Analysis[NoSettings] = Analysis(
    name="power",
    title="Power demand",
    help="Data-centre electricity projections (IEA, LBNL) against the EIA outlook for total US "
    "demand: the share of the grid's growth data centres take.",
    settings=NoSettings,
    run=run_power,
    results=("bubblescope.economy.power.GridComparison",),
    group="economy",
    report=100,
)
WATER: Analysis[WaterSettings] = Analysis(
    name="water",
    title="Data-centre water",
    help="Cooling water of a sourced AI site in each dry region of the build-out (Mesa, "
    "Arizona, Nevada, Texas) against the region's supply, and litres per MWh of data-centre "
    "electricity by cooling type; every number a fact-base row or a labelled assumption.",
    settings=WaterSettings,
    run=run_water,
    results=("bubblescope.economy.water.WaterResult",),
    group="economy",
    report=105,
)
VALUATION: Analysis[SequoiaSettings] = Analysis(
    name="valuation",
    title="Valuation: Sequoia's revenue gap",
    help="The revenue AI must earn to pay for the GPU spending (run-rate x 2 for the data "
    "centre x 2 for the margin, Sequoia 2023/2024) and the gap to AI revenue.",
    settings=SequoiaSettings,
    run=run_sequoia,
    results=("bubblescope.economy.valuation.SequoiaGap",),
    group="economy",
    report=110,
)
DEPRECIATION: Analysis[DepreciationSettings] = Analysis(
    name="depreciation",
    title="Depreciation restatement",
    help="Burry's case: the big-5 capex path depreciated over its economic rather than its "
    "book life, the understatement 2026-28 and the economic life that gives $176B.",
    settings=DepreciationSettings,
    run=run_depreciation,
    results=("bubblescope.economy.depreciation.restatement.RestatementResult",),
    group="economy",
    report=80,
)
FLATTERED: Analysis[FlatteredSettings] = Analysis(
    name="flattered",
    title="Who is flattered, firm by firm",
    help="Burry's per-firm earnings overstatement 2026-28 (Oracle 26.9%, Meta 20.8%) rebuilt "
    "from each hyperscaler's filed capex at its book server life and at the life behind $176B, "
    "and each one's P/E at book and at restated depreciation.",
    settings=FlatteredSettings,
    run=run_flattered,
    results=("bubblescope.economy.depreciation.flattered.FlatteredResult",),
    group="economy",
    report=85,
)
NETWORK: Analysis[NetworkSettings] = Analysis(
    name="network",
    title="Financing network",
    help="The AI deals of the fact base as a graph: firms, commitments, loops of money, vendor "
    "financing and customer concentration.",
    settings=NetworkSettings,
    run=run_network,
    results=("bubblescope.economy.network.NetworkResult",),
    group="economy",
    report=70,
)
RUNWAY: Analysis[RunwaySettings] = Analysis(
    name="runway",
    title="Runway of the AI labs",
    help="Each lab's contracted compute payments per year against its sourced revenue run-rate "
    "grown in three scenarios and its committed funding: the year the money runs short and the "
    "new money each year needs, next to OpenAI's >$1.4T of commitments.",
    settings=RunwaySettings,
    run=run_runway,
    results=("bubblescope.economy.firms.runway.RunwayResult",),
    group="economy",
    report=75,
)
FIRMS: Analysis[FirmsSettings] = Analysis(
    name="firms",
    title="Firms as they stand",
    help="Each firm's balance sheet (cash and securities, debt, leases, leases not yet "
    "commenced, RPO, operating cash flow, capex, free cash flow) with its SEC filing or graded "
    "fact, its exposure, payments due and shortfall when a firm pays part of its obligations "
    "(USD bn and share of liquid assets), the labs' runway and the restated P/E.",
    settings=FirmsSettings,
    run=run_firms,
    results=("bubblescope.economy.firms.view.FirmsResult",),
    group="economy",
    report=72,
)
STRESS: Analysis[StressSettings] = Analysis(
    name="stress",
    title="Stress test of the financing network",
    help="One year of the network's debts (compute and chip purchases) cleared after payment "
    "shocks (Eisenberg-Noe / Rogers-Veraart) on the firms' filed liquid assets: who defaults, "
    "the losses and their spread; equity, warrants and backstops by their stated treatment.",
    settings=StressSettings,
    run=run_stress,
    results=("bubblescope.economy.clearing.StressResult",),
    group="economy",
)

#: Entries on the engines, in registry order (their signals and columns keep this order).
ENGINES: tuple[Analysis[Any], ...] = (
    PSY,
    CUSUM,
    WHL,
    SIGN_MONITOR,
    SIGN_PSY,
    BD_MONITOR,
    LPPLS_FIT,
    LPPLS_CONFIDENCE,
    RUNUP,
    DRAWDOWN,
    GAUGE,
    MARKET_GAUGE,
    MULTIPLES,
    ADJUSTED,
    SVADF,
    GPU,
    POWER,
    WATER,
    VALUATION,
    DEPRECIATION,
    NETWORK,
    STRESS,
    RUNWAY,
    FLATTERED,
    FIRMS,
)
