"""Point-in-time signal builders: each value at date t uses data up to t only.

Every builder returns a :class:`Signal`: a ``value`` series (the statistic, probability or
score) and an ``alarm`` series (1.0 = warning, 0.0 = no warning, NaN = not available yet), both
on the price dates. How each stays free of look-ahead:

psy
    :class:`~bubblescope.detect.exuberance.PSYMonitor` on log prices. The training sample is
    the first ``train_years`` of data; the minimum window is resolved on it and the family-wise
    critical value (Phillips-Shi composite bootstrap, ``PhillipsShiCV(horizon=...)``, size
    controlled over ``psy_horizon_years`` of monitoring) is computed on it alone. Each later
    observation is appended in turn (BSADF equals recomputation on the truncated series). The
    signal is available from the last training date on.
cusum, cusum_robust, whl, sign, bd_wcusum
    The real-time monitors, restarted on a rolling schedule. Each controls its false-alarm
    rate over one monitoring period after a training sample taken to be free of bubbles; run
    for decades from one training sample, a monitor's rate is not controlled (and WHL's
    alarm, once raised, lasts until a crash is signalled). So monitoring runs in consecutive
    periods: the first starts ``monitor_train_years`` (default ``train_years``) after the
    first price; each is trained on the log prices of the last ``monitor_train_years`` before
    its start (its boundary re-estimated on
    them), monitored for its horizon, then the next one starts. An alarm is the monitor's
    state within its period and ends with its episode or with the period. Each period equals
    the batch monitor run on its training sample and horizon, and the chance of any false
    alarm in a period is the monitor's nominal ``1 - cusum_level``. Horizons: for the CUSUM,
    sign and Breitung-Diegel monitors ``cusum_horizon_years`` (counted in the training
    sample's observations per year; the default equals the training length, the design of
    Homm & Breitung's ``k = N/n = 2`` and Breitung & Diegel's ``T_m = T_0``); for WHL the
    horizon its training maximum controls at ``cusum_level`` (``h / (n_A + h) <= 5%`` with
    ``n_A`` training detectors: about six months after ten years of daily data).

    - ``cusum``: :class:`~bubblescope.detect.cusum.CUSUMMonitor` (Homm & Breitung 2012) with
      the training drift removed, boundary constant simulated for each period's training
      length and horizon (``cusum_reps`` walks, ``cusum_seed``); value the detector over its
      boundary (alarm above 1).
    - ``cusum_robust``: the same with the volatility-robust detector of Astill, Harvey,
      Leybourne, Taylor & Zu (2023): differences standardised by a one-sided kernel spot
      volatility over the last ``cusum_bandwidth + 1`` of them.
    - ``whl``: :class:`~bubblescope.detect.whl.WHLMonitor` (Whitehouse, Harvey & Leybourne
      2023): the alarm is the monitor's state (a bubble signalled and no crash since), the
      value the bubble detector over its training maximum.
    - ``sign``: :class:`~bubblescope.detect.sign_based.SignMonitor` (Harvey, Leybourne & Zu
      2020) with recursively demeaned signs (the index's drift); value the sign-based DF
      ratio over its boundary.
    - ``bd_wcusum``: :class:`~bubblescope.detect.breitung_diegel.BDMonitor` (Breitung &
      Diegel 2025), wCUSUM with ``bd_cbar``, training drift removed; value the detector over
      its boundary.
sign_psy
    The sign-based sPSY test of Harvey, Leybourne & Zu (2020) (:func:`~bubblescope.detect.
    sign_based.sign_psy`, recursively demeaned signs of Harvey, Leybourne, Tatlow & Zu 2025 for
    the index's drift) on a rolling restart, the monitors' convention rather than PSY's one
    training sample, for two reasons. The cumulated signs are measured from the sample's first
    observation and not re-based per window, so run from 1971 the statistic of a window in
    2020 would depend on fifty years of accumulated signs; and the sign-based null is exact
    for any volatility path, so a critical value simulated for one sample's length holds the
    chance of any false alarm in it at ``1 - cusum_level`` whatever the volatility, as each
    monitor's boundary does per period. The counts are fixed from the first
    ``monitor_train_years`` (default ``train_years``) of data: ``n`` observations, ``h`` =
    ``cusum_horizon_years`` of them at that sample's observations per year. Each period's
    sample holds the last ``n`` log prices before its start and the ``h`` it monitors (``N = n
    + h``, the same for every period, so one simulation serves all). The value at a date is
    the backward-sup sign-based DF ratio of the window ends up to it (windows of at least
    ``round(sign_psy_r0 N)`` rows, every start in the sample), over the sPSY critical value
    for ``N`` and that window at ``cusum_level`` (:class:`~bubblescope.detect.critical_values.
    sign.SignPSYCV`, ``cusum_reps`` sign walks, ``cusum_seed``, cached): the
    ``stamping="familywise"`` reading of :func:`sign_psy` on the period's sample, whose
    critical value bounds the chance of any exceedance at the ``N - minw`` window ends, so
    the rate over the ``h`` monitored ends is at most ``1 - cusum_level``. Every value uses
    the sample's prices up to its date only (the recursive demeaning too), and the counts
    come from the first years' dates alone. Signs do not change under any positive scaling
    of the increments: the signal is the same for any volatility path.
svadf
    The Sarkar & Wells (2026, non-peer-reviewed preprint) SV-ADF dating, their replication
    code's rule (:func:`~bubblescope.detect.svadf_dating.paper_dates`: the coefficient
    statistic ``tau (delta_hat - 1)`` of the recursive windows from the sample's first
    observation, origination after 60 windows above ``log(t)/10``, a 90-day bridge, collapse
    after 30 windows below ``log(t)/2``), on a rolling restart of its own. The first
    ``svadf_years`` of data (the paper dates four years of daily closes) fix the sample
    length ``N``, their count of observations, and are not monitored (on them the count is
    not yet known). Each sample then holds ``N`` observations, of which the first ``f =
    floor(0.1 (N - 1))`` regression rows are the first window (the paper's 10%): the ``f``
    prices before the period's start and the ``N - f`` it monitors; then the next starts.
    In ``svadf_transform`` units (the paper's price levels by default). The alarm is on from the
    date an origination is *confirmed* (its 60th window above) to the date its collapse is
    confirmed (the fall within the bridge, or the 30th window below), exclusive, and ends with
    its period; the value is the statistic over the origination threshold ``log(t)/10``. The
    paper's runs count trading days; with ``svadf_runs="calendar"`` (default) weekly and
    monthly data take the same spans in their own observations (60 and 30 trading days: 12
    and 6 weeks, 3 and 1 months at 21 trading days a month), with ``"paper"`` 60 and 30
    observations whatever the frequency (on monthly data five years above the threshold).
    ``svadf_rule="exuber"``: exuber's reading on the same samples (the forward ADF t-ratio from
    PSY's minimum window for ``N`` points, runs of ``round(log N)``, at most one episode a
    sample), alarmed the same way.
lppls
    DS LPPLS Confidence of positive bubbles (:func:`bubblescope.detect.lppls.lppls_confidence`,
    which fits windows ending at t2 only) on a coarse grid: t2 = the last observation on or
    before each calendar period end e (``lppls_grid``: "W" (Fridays), "M" or "Q"). The value is
    published on the first observation on or after e (only then is t2 known to be the period's
    last date) and held forward to the next publication. A trailing incomplete period is not
    evaluated, so truncating the data at t changes nothing up to t.
runup, crash_probability
    :func:`bubblescope.detect.gsy.runup` (month-end prices, trailing returns only) and the
    GSY logit :func:`~bubblescope.detect.gsy.crash_probability`. Month-end values are dated at
    calendar month ends and held forward, so a daily date only sees completed months. Without a
    market series the raw run-up stands in for the net run-up (an index measured against a flat
    market). Below a 50% run-up the logit is an extrapolation (it was fitted on run-ups of 50%
    to 200%).
gauge
    :func:`bubblescope.gauge.bubble_gauge` on :func:`~bubblescope.gauge.shiller_proxies` with
    expanding percentile ranks, dated at the Shiller observation dates (use month ends: P is a
    monthly average, known when the month closes) and held forward.
baseline_return
    Trailing ``return_years`` return: ``P_t / P_{t - 2y} - 1`` with ``P_{t - 2y}`` the last
    price on or before that date; alarm above ``return_threshold`` (100%).
baseline_cape
    Shiller CAPE held forward from its dates; alarm above ``cape_threshold`` (30).

References
----------
Phillips, P.C.B. and Shi, S. (2020). Real time monitoring of asset markets: bubbles and
crises. Handbook of Statistics 42, 61-80.
Harvey, D.I., Leybourne, S.J. and Zu, Y. (2020). Sign-based unit root tests for explosive
financial bubbles in the presence of deterministically time-varying volatility. Econometric
Theory 36(1), 122-169.
Sarkar, A. and Wells, M.T. (2026). Is there an AI bubble? Robust date-stamping for periods of
exuberance. arXiv:2604.12062 (preprint, not peer reviewed).
Sornette, D. et al. (2015). Real-time prediction and post-mortem analysis of the Shanghai 2015
stock market bubble and crash. Journal of Investment Strategies 4(4), 77-95.
Greenwood, R., Shleifer, A. and You, Y. (2019). Bubbles for Fama. JFE 131(1), 20-43.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblescope._typing import Float64Array, RngLike
from bubblescope.analyses.engines import ENGINES
from bubblescope.detect.exuberance import PSYMonitor, WindowSpecLike
from bubblescope.detect.lppls import GridSpec, WindowSet
from bubblescope.errors import InputError

if TYPE_CHECKING:
    from bubblescope.detect.critical_values.sign import SignPSYCV

__all__ = [
    "ALL_SIGNALS",
    "BASELINES",
    "SIGNAL_SOURCES",
    "Signal",
    "SignalConfig",
    "SignalKind",
    "build_signal",
]

SignalKind = Literal["alarm", "probability"]

#: Signal -> (the registry analysis it comes from, what it is), in display order: the signals
#: of the registry's entries (:attr:`bubblescope.analyses.base.Analysis.signals`), then the
#: simple baselines, which come from no analysis.
SIGNAL_SOURCES: dict[str, tuple[str | None, str]] = {
    **{col.name: (entry.name, col.label) for entry in ENGINES for col in entry.signals},
    "baseline_return": (None, "trailing two-year return above 100%"),
    "baseline_cape": (None, "Shiller CAPE above 30"),
}
#: Every signal name, in display order.
ALL_SIGNALS: tuple[str, ...] = tuple(SIGNAL_SOURCES)
#: The simple baselines every signal is compared with.
BASELINES: tuple[str, ...] = tuple(k for k, (source, _) in SIGNAL_SOURCES.items() if not source)

_GRID_FREQ = {"W": "W-FRI", "M": "ME", "Q": "QE"}


@dataclass(frozen=True)
class SignalConfig:
    """Settings of every signal (defaults: the brief's; change any of them per run).

    Attributes
    ----------
    train_years : float
        PSY training sample: the first ``train_years`` of data (window and critical value).
        The monitors' rolling training sample too, unless ``monitor_train_years`` is set.
    psy_lag, psy_window : int, {"psy", "exuber"} or int
        ADF lag and minimum window of the monitor.
    psy_horizon_years : float
        Monitoring horizon over which the family-wise critical value controls the chance of any
        false alarm (psymonitor's S&P example uses two years).
    psy_level : float
        Confidence level of the family-wise critical value.
    psy_reps : int
        Bootstrap replications of the critical value.
    psy_min_duration : int
        PSY rule: an alarm, once raised, is held at least this many observations.
    psy_log : bool
        Run PSY on log prices (default) or on price levels.
    monitor_train_years : float, optional
        The monitors' (``cusum``, ``cusum_robust``, ``whl``, ``sign``, ``bd_wcusum``) rolling
        training sample: each monitoring period is trained on the last ``monitor_train_years``
        before it, and the first starts that long after the first price. Default None:
        ``train_years`` (ten years by default), a long sample for boundaries that each paper
        estimates on a stretch it takes to be free of bubbles (none fixes it in years); WHL's
        period grows with it, about six months of daily data after ten years.
    cusum_horizon_years : float
        Monitoring period of the ``cusum``, ``cusum_robust``, ``sign`` and ``bd_wcusum``
        signals, after which they retrain and restart; their false-alarm rate per period is
        ``1 - cusum_level``. Default: the training length, the design of Homm & Breitung
        (``k = N/n = 2``, the default of :class:`~bubblescope.detect.cusum.CUSUMMonitor`) and
        of Breitung & Diegel (``T_m = T_0``). A longer period needs a higher boundary (less
        power early in it); a shorter one restarts more often (more periods, each at the same
        rate).
    cusum_level : float
        One minus each monitor's false-alarm rate per monitoring period (WHL: sets its
        period, the horizon its training maximum controls at this rate).
    cusum_bandwidth : int
        Kernel bandwidth of ``cusum_robust`` (Astill et al. 2023 recommend 20).
    bd_cbar : float
        wCUSUM weighting of the ``bd_wcusum`` signal (Breitung & Diegel calibrate 2.1).
    cusum_reps, cusum_seed : int
        Simulated random walks for the CUSUM boundary constant and their seed (its own, so
        the constant does not move with the PSY bootstrap's ``rng``).
    sign_psy_r0 : float
        Minimum window of the ``sign_psy`` signal as a fraction of each period's sample
        (HLZ's Table 1: 0.1), at least 3 rows; monitored dates before a window of that many
        rows has ended in their period have no value.
    svadf_years : float
        Years of data in each sample of the ``svadf`` signal: the count of observations in
        the first ``svadf_years`` (not monitored) fixes every sample's length (the paper
        dates four years of daily closes).
    svadf_transform : {"level", "log"}
        Date price levels (the paper's adjusted closes) or log prices.
    svadf_runs : {"calendar", "paper"}
        The origination (60) and collapse (30) runs of ``svadf``: trading days, converted to
        weekly, monthly, quarterly or annual observations (5, 21, 63, 252 trading days each;
        at least one), or that many observations at any frequency. Daily data: the same.
    svadf_rule : {"paper", "exuber"}
        The replication code's dating (default) or exuber's reading: the forward ADF t-ratio
        from PSY's minimum window (exuber's convention) for the sample's length, origination
        and collapse runs of ``round(log N)``, at most one episode a sample
        (``svadf_runs`` then does not apply).
    lppls_grid : {"W", "M", "Q"}
        Calendar period of the LPPLS t2 grid.
    lppls_windows : WindowSet, optional
        Nested windows; default by data frequency: daily 750->125 step 5 (FCO, 126 windows),
        weekly 150->25 step 1, monthly 36->20 step 1.
    lppls_gridspec : GridSpec, optional
        LPPLS grid and polish settings (default ``GridSpec()``).
    lppls_threshold : float
        Alarm when the positive-bubble Confidence reaches it.
    runup_threshold, runup_horizon, runup_prior_window
        GSY run-up: return above ``runup_threshold`` over ``runup_horizon`` months (raw and,
        with a market, net), prior filter over ``runup_prior_window`` months (None disables).
    crash_probability_threshold : float
        Alarm when the GSY crash probability reaches it (0.35 ~ a 100% net run-up).
    gauge_threshold, gauge_min_history
        Alarm when the expanding-rank gauge aggregate reaches this level (80: the aggregate
        reached it in about 5% of Shiller months 1881-2026, 90 almost never, a choice made
        looking at the whole history, so vary it); months of history before a proxy is ranked.
    return_years, return_threshold
        Baseline: trailing return over ``return_years`` above ``return_threshold`` (fraction).
    cape_threshold : float
        Baseline: CAPE above it.
    cache : bool
        Cache on disk the simulated critical values (keyed by sample and seed) and each LPPLS
        grid date's Confidence (keyed by its window's prices and the LPPLS settings).
    """

    train_years: float = 10.0
    psy_lag: int = 0
    psy_window: WindowSpecLike = "psy"
    psy_horizon_years: float = 2.0
    psy_level: float = 0.95
    psy_reps: int = 499
    psy_min_duration: int = 0
    psy_log: bool = True
    monitor_train_years: float | None = None
    cusum_horizon_years: float = 10.0
    cusum_level: float = 0.95
    cusum_bandwidth: int = 20
    cusum_reps: int = 2000
    cusum_seed: int = 0
    bd_cbar: float = 2.1
    sign_psy_r0: float = 0.1
    svadf_years: float = 4.0
    svadf_transform: Literal["level", "log"] = "level"
    svadf_runs: Literal["calendar", "paper"] = "calendar"
    svadf_rule: Literal["paper", "exuber"] = "paper"
    lppls_grid: Literal["W", "M", "Q"] = "M"
    lppls_windows: WindowSet | None = None
    lppls_gridspec: GridSpec | None = None
    lppls_threshold: float = 0.1
    runup_threshold: float = 1.0
    runup_horizon: int = 24
    runup_prior_window: int | None = 60
    crash_probability_threshold: float = 0.35
    gauge_threshold: float = 80.0
    gauge_min_history: int = 120
    return_years: float = 2.0
    return_threshold: float = 1.0
    cape_threshold: float = 30.0
    cache: bool = True

    def __post_init__(self) -> None:
        if self.lppls_grid not in _GRID_FREQ:
            raise InputError(
                f"lppls_grid must be one of {sorted(_GRID_FREQ)}, got {self.lppls_grid!r}"
            )
        if not self.train_years > 0 or not self.psy_horizon_years > 0:
            raise InputError("train_years and psy_horizon_years must be positive")
        if not 0.0 < self.psy_level < 1.0:
            raise InputError(f"psy_level must lie strictly between 0 and 1, got {self.psy_level}")
        if not self.return_years > 0:
            raise InputError(f"return_years must be positive, got {self.return_years}")
        if self.monitor_train_years is not None and not self.monitor_train_years > 0:
            raise InputError(
                f"monitor_train_years must be positive, got {self.monitor_train_years}"
            )
        if not 0.0 < self.sign_psy_r0 < 1.0:
            raise InputError(
                f"sign_psy_r0 must lie strictly between 0 and 1, got {self.sign_psy_r0}"
            )
        if not self.svadf_years > 0:
            raise InputError(f"svadf_years must be positive, got {self.svadf_years}")
        if self.svadf_transform not in ("level", "log"):
            raise InputError(
                f"svadf_transform must be 'level' or 'log', got {self.svadf_transform!r}"
            )
        if self.svadf_rule not in ("paper", "exuber"):
            raise InputError(f"svadf_rule must be 'paper' or 'exuber', got {self.svadf_rule!r}")
        if self.svadf_runs not in ("calendar", "paper"):
            raise InputError(f"svadf_runs must be 'calendar' or 'paper', got {self.svadf_runs!r}")
        if not self.cusum_horizon_years > 0:
            raise InputError(
                f"cusum_horizon_years must be positive, got {self.cusum_horizon_years}"
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = value.__dict__ if isinstance(value, (WindowSet, GridSpec)) else value
        return out


@dataclass(frozen=True)
class Signal:
    """One point-in-time signal on the price dates.

    Attributes
    ----------
    name : str
    kind : {"alarm", "probability"}
        ``probability``: ``value`` is a forecast probability (Brier-scored as is).
    value : pandas.Series
        Statistic, probability or score (NaN where not available).
    alarm : pandas.Series
        1.0 warning, 0.0 none, NaN not available.
    threshold : float or None
        The alarm rule's threshold on ``value`` (informative; ``alarm`` is what is scored).
    description : str
        How it was computed, including the evaluation grid.
    baseline : bool
    """

    name: str
    kind: SignalKind
    value: pd.Series = field(repr=False)
    alarm: pd.Series = field(repr=False)
    threshold: float | None
    description: str
    baseline: bool = False

    def info(self) -> dict[str, Any]:
        """The signal's metadata (no series)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "threshold": self.threshold,
            "description": self.description,
            "baseline": self.baseline,
        }


def _alarm_from(value: pd.Series, threshold: float) -> pd.Series:
    out = (value >= threshold).astype(np.float64)
    return out.where(value.notna())


def _years_to_offset(years: float) -> pd.DateOffset:
    return pd.DateOffset(months=round(12 * years))


def _held(values: pd.Series, dates: pd.DatetimeIndex) -> pd.Series:
    """Value at each date = the last value dated on or before it (NaN before the first)."""
    s = values.dropna().sort_index()
    out = s.reindex(dates, method="ffill") if len(s) else pd.Series(np.nan, index=dates)
    return pd.Series(out.to_numpy(dtype=np.float64), index=dates)


def psy_signal(
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    rng: RngLike = None,
    n_jobs: int | None = None,
    executor: Executor | None = None,
) -> Signal:
    """PSY BSADF alarm with a family-wise critical value fitted on the training sample."""
    from bubblescope.detect.critical_values import PhillipsShiCV

    dates = _dated(prices)
    y = prices.to_numpy(dtype=np.float64)
    if cfg.psy_log:
        y = np.log(y)
    train_end = dates[0] + _years_to_offset(cfg.train_years)
    n_train = int(dates.searchsorted(train_end, side="left"))
    if n_train >= len(y):
        raise InputError(
            f"PSY: the {cfg.train_years}-year training sample covers the whole "
            "history; nothing is left to monitor",
            hint="use a longer history or a shorter train_years",
        )
    train = pd.Series(y[:n_train], index=dates[:n_train])
    probe = PSYMonitor(train, lag=cfg.psy_lag, window=cfg.psy_window)
    span_years = (dates[n_train - 1] - dates[0]).days / 365.25
    per_year = (n_train - 1) / span_years if span_years > 0 else 1.0
    horizon = min(n_train, probe.window.points + round(cfg.psy_horizon_years * per_year) - 1)
    cv = PhillipsShiCV(
        reps=cfg.psy_reps,
        rng=rng,
        horizon=horizon,
        levels=(cfg.psy_level,),
        n_jobs=n_jobs,
        executor=executor,
        cache=cfg.cache,
    )
    crit = cv.compute(train.to_numpy(), minw=probe.window.rows, lag=cfg.psy_lag)
    threshold = float(crit.familywise[0])
    monitor = PSYMonitor(
        train,
        lag=cfg.psy_lag,
        window=cfg.psy_window,
        threshold=threshold,
        min_duration=cfg.psy_min_duration,
    )
    for i in range(n_train, len(y)):
        monitor.append(float(y[i]), date=dates[i])
    valid = dates >= dates[n_train - 1]
    value = monitor.bsadf.reindex(dates).where(valid)
    alarm = monitor.alarms.astype(np.float64).reindex(dates).where(valid)
    return Signal(
        "psy",
        "alarm",
        value.astype(np.float64),
        alarm.astype(np.float64),
        threshold,
        f"PSY BSADF on {'log prices' if cfg.psy_log else 'price levels'}, streaming monitor; "
        f"training {dates[0].date()}.."
        f"{dates[n_train - 1].date()} ({n_train} obs, window {probe.window.points}); "
        f"family-wise {cfg.psy_level:.0%} critical value {threshold:.3f} (Phillips-Shi "
        f"bootstrap, {cfg.psy_reps} reps, horizon {horizon} obs)",
    )


def _restarted(
    prices: pd.Series,
    cfg: SignalConfig,
    start: Callable[[pd.Series, int], tuple[Any, int]],
    read: Callable[[Any], tuple[Float64Array, npt.NDArray[np.bool_]]],
) -> tuple[pd.Series, pd.Series, str]:
    """Run a monitor on log prices in consecutive periods, each retrained on the last years.

    Period ``j`` starts at observation ``s_j`` (``s_0``: the first date ``years`` after the
    first price, ``years`` the monitors' training years). Its training sample is every log
    price dated in ``[date(s_j) - years, date(s_j))``; ``start(train, h)`` builds the
    monitor on it, with ``h`` the observations in ``cusum_horizon_years`` at the training
    sample's observations per year, and returns it with the horizon it controls (WHL's comes
    from its level). The monitor is fed ``s_j .. s_j + horizon - 1``; then the next period
    starts. The schedule and each
    monitor use data before the period's start, and within a period the monitor only appends,
    so the values up to any date do not depend on later prices.

    Returns
    -------
    value, alarm : pandas.Series
        ``read(monitor)``'s detector over its boundary and alarm state on the price dates (NaN
        before the first period); an alarm ends with its episode or with its period.
    schedule : str
        The periods, for the signal's description.
    """
    dates = _dated(prices)
    y = np.log(prices.to_numpy(dtype=np.float64))
    years = cfg.monitor_train_years or cfg.train_years
    offset = _years_to_offset(years)
    first = int(dates.searchsorted(dates[0] + offset, side="left"))
    if first >= len(y):
        raise InputError(
            f"the monitors' {years:g}-year training sample covers the whole history; "
            "nothing is left to monitor",
            hint="use a longer history or shorter monitor_train_years (or train_years)",
        )
    value = np.full(len(y), np.nan)
    alarm = np.full(len(y), np.nan)
    trained: list[int] = []
    horizons: list[int] = []
    s = first
    while s < len(y):
        lo = int(dates.searchsorted(dates[s] - offset, side="left"))
        span = (dates[s - 1] - dates[lo]).days / 365.25
        per_year = (s - lo - 1) / span if span > 0 else 1.0
        train = pd.Series(y[lo:s], index=dates[lo:s])
        monitor, h = start(train, max(1, round(cfg.cusum_horizon_years * per_year)))
        end = min(s + h, len(y))
        for i in range(s, end):
            monitor.append(float(y[i]), date=dates[i])
        ratio, on = read(monitor)
        value[s:end] = ratio
        alarm[s:end] = on
        trained.append(s - lo)
        horizons.append(h)
        s = end
    schedule = (
        f"{len(trained)} monitoring periods from {dates[first].date()}, each trained on the "
        f"last {years:g} years ({_span(trained)} obs) and monitored for "
        f"{_span(horizons)} obs, then restarted"
    )
    return pd.Series(value, index=dates), pd.Series(alarm, index=dates), schedule


def _span(counts: list[int]) -> str:
    lo, hi = min(counts), max(counts)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _range(values: list[float], spec: str) -> str:
    lo, hi = format(min(values), spec), format(max(values), spec)
    return lo if lo == hi else f"{lo}..{hi}"


def cusum_signal(
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    robust: bool = False,
    n_jobs: int | None = None,
    executor: Executor | None = None,
) -> Signal:
    """Homm-Breitung (or the volatility-robust) CUSUM over its boundary, restarted per period.

    ``n_jobs``, ``executor``: parallelism of the boundary simulations (the same constants for
    any).
    """
    from bubblescope.detect.critical_values.cusum import CUSUMCV
    from bubblescope.detect.cusum import CUSUMMonitor, CUSUMResult

    cv = CUSUMCV(
        reps=cfg.cusum_reps, rng=cfg.cusum_seed, cache=cfg.cache, n_jobs=n_jobs, executor=executor
    )
    constants: dict[tuple[int, int], float] = {}
    name = str(prices.name or "series")

    def start(train: pd.Series, h: int) -> tuple[CUSUMMonitor, int]:
        key = (len(train), h)
        mon = CUSUMMonitor(
            train, horizon=h, level=cfg.cusum_level, critical=constants.get(key, "simulated"),
            cv=cv, demean=True, bandwidth=cfg.cusum_bandwidth if robust else None, name=name,
        )  # fmt: skip
        constants[key] = mon.b
        return mon, h

    def read(mon: CUSUMMonitor) -> tuple[Float64Array, npt.NDArray[np.bool_]]:
        res: CUSUMResult = mon.result()
        return res.statistic / res.boundary, res.statistic > res.boundary

    value, alarm, schedule = _restarted(prices, cfg, start, read)
    b = list(constants.values())
    return Signal(
        "cusum_robust" if robust else "cusum",
        "alarm",
        value,
        alarm,
        1.0,
        f"{'Volatility-robust (kernel H=' + str(cfg.cusum_bandwidth) + ') ' if robust else ''}"
        f"Homm-Breitung CUSUM on log prices, training drift removed, streaming monitor; "
        f"{schedule}; boundary constant b = {_range(b, '.3f')} (simulated, "
        f"{cfg.cusum_reps} random walks, seed {cfg.cusum_seed}), "
        f"{1 - cfg.cusum_level:.0%} false-alarm rate per period",
    )


def whl_signal(prices: pd.Series, cfg: SignalConfig) -> Signal:
    """WHL's state (bubble signalled, no crash since), restarted per period."""
    from bubblescope.detect.sequential import SequentialResult
    from bubblescope.detect.whl import WHLMonitor

    name = str(prices.name or "series")
    rates: list[float] = []

    def start(train: pd.Series, h: int) -> tuple[WHLMonitor, int]:
        del h  # WHL's horizon is the one its training maximum controls at cusum_level
        mon = WHLMonitor(train, level=cfg.cusum_level, name=name)
        rates.append(mon.false_alarm_rate)
        return mon, mon.horizon

    def read(mon: WHLMonitor) -> tuple[Float64Array, npt.NDArray[np.bool_]]:
        res: SequentialResult = mon.result()
        return res.statistic / mon.a_max, res.alarm

    value, alarm, schedule = _restarted(prices, cfg, start, read)
    return Signal(
        "whl",
        "alarm",
        value,
        alarm,
        1.0,
        f"Whitehouse-Harvey-Leybourne bubble-then-crash monitor on log prices (k=10, m=10, "
        f"n=2), streaming; {schedule}; boundaries: the training maximum of A and minimum of "
        f"S; false-alarm rate {_range(rates, '.1%')} per period (its horizon "
        f"is set by the {1 - cfg.cusum_level:.0%} rate)",
    )


def _sequential_signal(
    prices: pd.Series,
    cfg: SignalConfig,
    which: str,
    *,
    n_jobs: int | None = None,
    executor: Executor | None = None,
) -> Signal:
    """The sign-based or Breitung-Diegel monitor's detector over its boundary, per period.

    ``n_jobs``, ``executor``: parallelism of the boundary simulations (the same constants for
    any).
    """
    from bubblescope.detect.breitung_diegel import BDMonitor
    from bubblescope.detect.critical_values.sequential import SequentialCV
    from bubblescope.detect.sequential import SequentialResult
    from bubblescope.detect.sign_based import SignMonitor

    cv = SequentialCV(
        reps=cfg.cusum_reps, rng=cfg.cusum_seed, cache=cfg.cache, n_jobs=n_jobs, executor=executor
    )
    name = str(prices.name or "series")
    constants: dict[tuple[int, int], float] = {}

    def start(train: pd.Series, h: int) -> tuple[SignMonitor | BDMonitor, int]:
        h = h if which == "sign" else max(h, 2)
        key = (len(train), h)
        critical: float | Literal["simulated"] = constants.get(key, "simulated")
        mon: SignMonitor | BDMonitor
        if which == "sign":
            mon = SignMonitor(
                train, horizon=h, level=cfg.cusum_level, critical=critical, cv=cv, demean=True,
                name=name,
            )  # fmt: skip
        else:
            mon = BDMonitor(
                train, horizon=h, detector="wcusum", cbar=cfg.bd_cbar, level=cfg.cusum_level,
                critical=critical, cv=cv, demean=True, name=name,
            )  # fmt: skip
        constants[key] = mon.boundary if isinstance(mon, SignMonitor) else mon.boundary_constant
        return mon, h

    def read(mon: SignMonitor | BDMonitor) -> tuple[Float64Array, npt.NDArray[np.bool_]]:
        res: SequentialResult = mon.result()
        return res.statistic / res.boundary, res.alarm

    value, alarm, schedule = _restarted(prices, cfg, start, read)
    what = (
        "Sign-based DF monitor (HLZ 2020, recursively demeaned signs)"
        if which == "sign"
        else f"Breitung-Diegel wCUSUM monitor (cbar={cfg.bd_cbar:g}, training drift removed)"
    )
    c = list(constants.values())
    return Signal(
        which,
        "alarm",
        value,
        alarm,
        1.0,
        f"{what} on log prices, streaming; {schedule}; boundary {_range(c, '.3f')} "
        f"(simulated, {cfg.cusum_reps} random walks, seed {cfg.cusum_seed}), "
        f"{1 - cfg.cusum_level:.0%} false-alarm rate per period",
    )


def _fixed_periods(total: int, n: int, h: int, begin: int) -> list[tuple[int, int, int]]:
    """``(lo, start, end)`` of consecutive periods: ``n`` prior points, then ``h`` monitored.

    The first starts at observation ``begin``; each sample is ``lo = start - n`` to ``end =
    min(start + h, total)`` (the last may be cut short by the data's end).
    """
    return [(s - n, s, min(s + h, total)) for s in range(begin, total, h)]


def sign_psy_simulation(prices: pd.Series, cfg: SignalConfig) -> tuple[SignPSYCV, int, int]:
    """The critical-value simulation of the ``sign_psy`` signal: the simulator, T and minw.

    Each monitoring period holds the ``n`` observations of the first training years and the
    ``h`` of the horizon; the family-wise value is simulated once for ``T = n + h`` points and a
    minimum window of ``sign_psy_r0 * T`` rows, from each walk's supremum alone
    (:meth:`~bubblescope.detect.critical_values.sign.SignPSYCV.familywise`; the cost estimate
    asks whether it is cached).

    Raises
    ------
    InputError
        When the training sample covers the whole history or the minimum window is unusable.
    """
    n, h, minw = _sign_psy_design(_dated(prices), cfg)
    return _sign_psy_cv(cfg), n + h, minw


def _sign_psy_design(dates: pd.DatetimeIndex, cfg: SignalConfig) -> tuple[int, int, int]:
    """Training and horizon observations of each ``sign_psy`` period, and its minimum window."""
    years = cfg.monitor_train_years or cfg.train_years
    n = int(dates.searchsorted(dates[0] + _years_to_offset(years), side="left"))
    if n >= len(dates):
        raise InputError(
            f"sign_psy: the {years:g}-year training sample covers the whole history; nothing "
            "is left to monitor",
            hint="use a longer history or shorter monitor_train_years (or train_years)",
        )
    span = (dates[n - 1] - dates[0]).days / 365.25
    per_year = (n - 1) / span if span > 0 else 1.0
    h = max(1, round(cfg.cusum_horizon_years * per_year))
    size = n + h
    minw = round(cfg.sign_psy_r0 * size)
    if not 3 <= minw <= size - 1:
        raise InputError(
            f"sign_psy: a minimum window of {minw} rows (sign_psy_r0 = {cfg.sign_psy_r0:g} of "
            f"{size} observations) must hold 3 to {size - 1} rows",
            hint="change sign_psy_r0, or the training and horizon years",
        )
    return n, h, minw


def _sign_psy_cv(cfg: SignalConfig) -> SignPSYCV:
    from bubblescope.detect.critical_values.sign import SignPSYCV

    return SignPSYCV(
        reps=cfg.cusum_reps, rng=cfg.cusum_seed, levels=(cfg.cusum_level,), cache=cfg.cache
    )


def sign_psy_signal(prices: pd.Series, cfg: SignalConfig) -> Signal:
    """HLZ's sPSY backward path over its family-wise critical value, restarted per period."""
    from bubblescope.detect.sign_based import sign_psy

    dates = _dated(prices)
    y = np.log(prices.to_numpy(dtype=np.float64))
    years = cfg.monitor_train_years or cfg.train_years
    n, h, minw = _sign_psy_design(dates, cfg)
    size = n + h
    cv = _sign_psy_cv(cfg)
    crit = float(cv.familywise(size, minw=minw, demean=True)[0])
    if not math.isfinite(crit):
        raise InputError(
            f"sign_psy: no simulated sPSY critical value for {size} observations and a "
            f"{minw}-row window (no simulated sign walk has a DF ratio in any window)",
            hint="use longer training and horizon years",
        )
    name = str(prices.name or "series")
    stat = np.full(len(y), np.nan)
    periods = _fixed_periods(len(y), n, h, n)
    for lo, s, end in periods:
        if end - lo <= minw:  # no window end of the minimum window yet
            continue
        sample = pd.Series(y[lo:end], index=dates[lo:end])
        # r0 = minw / length: the period's minimum window, however many of its points exist yet
        res = sign_psy(sample, r0=minw / len(sample), cv=None, demean=True, name=name)
        path = res.bsadf.to_numpy(dtype=np.float64)  # window ends lo + minw .. end - 1
        first = max(s, lo + minw)
        stat[first:end] = path[first - lo - minw :]
    known = ~np.isnan(stat)
    alarm = np.where(known, (stat > crit).astype(np.float64), np.nan)
    return Signal(
        "sign_psy",
        "alarm",
        pd.Series(stat / crit, index=dates),
        pd.Series(alarm, index=dates),
        1.0,
        f"Sign-based sPSY backward path (HLZ 2020, recursively demeaned signs) on log prices; "
        f"{len(periods)} periods from {dates[n].date()}, each on the last {n} obs (the count "
        f"in the first {years:g} years) and the {h} it monitors, minimum window {minw} rows; "
        f"sPSY critical value {crit:.3f} for {size} obs (simulated, {cfg.cusum_reps} sign "
        f"walks, seed {cfg.cusum_seed}), at most {1 - cfg.cusum_level:.0%} false-alarm rate "
        "per period",
    )


#: Trading days in one observation of each sampling frequency (``svadf_runs="calendar"``).
_TRADING_DAYS = {"W": 5, "M": 21, "Q": 63, "A": 252}


def svadf_signal(prices: pd.Series, cfg: SignalConfig, *, frequency: str | None) -> Signal:
    """SV-ADF's confirmed episodes (the paper's or exuber's rule), restarted per sample."""
    from bubblescope.detect.svadf_dating import (
        PAPER_DEFAULTS,
        REFERENCE,
        coefficient_path,
        exuber_dates,
        paper_dates,
        svadf,
        svadf_thresholds,
    )

    dates = _dated(prices)
    y = prices.to_numpy(dtype=np.float64)
    if cfg.svadf_transform == "log":
        y = np.log(y)
    size = int(dates.searchsorted(dates[0] + _years_to_offset(cfg.svadf_years), side="left"))
    if size >= len(y):
        raise InputError(
            f"svadf: the first {cfg.svadf_years:g} years, which fix the sample length, cover "
            "the whole history; nothing is left to monitor",
            hint="use a longer history or a shorter svadf_years",
        )
    name = str(prices.name or "series")
    bridge = float(PAPER_DEFAULTS["bridge"])
    if cfg.svadf_rule == "exuber":
        # exuber's minimum window and runs for a sample of `size` points (only the count enters)
        ref = svadf(pd.Series(y[:size], index=dates[:size]), rule="exuber", name=name)
        first = size - len(ref.stat)  # sample position of the first window end
        orun, crun = ref.origination_run, ref.collapse_run
    else:
        first = max(math.floor(PAPER_DEFAULTS["min_fraction"] * (size - 1)), 2)
        days = _TRADING_DAYS.get(frequency or "D", 1) if cfg.svadf_runs == "calendar" else 1
        orun = max(1, round(PAPER_DEFAULTS["origination_run"] / days))
        crun = max(1, round(PAPER_DEFAULTS["collapse_run"] / days))
    value = np.full(len(y), np.nan)
    alarm = np.full(len(y), np.nan)
    periods = _fixed_periods(len(y), first, size - first, size)
    for lo, s, end in periods:
        if cfg.svadf_rule == "exuber":
            res = svadf(
                pd.Series(y[lo:end], index=dates[lo:end]), rule="exuber", window=first + 1,
                origination_run=orun, collapse_run=crun, name=name,
            )  # fmt: skip
            stat, t = res.stat.to_numpy(dtype=np.float64), res.t.to_numpy(dtype=np.float64)
            found = exuber_dates(stat, t, origination_run=orun, collapse_run=crun)
        else:
            stat = coefficient_path(y[lo:end], first)
            t = np.arange(first, first + len(stat), dtype=np.float64)
            clock = ((dates[s:end] - dates[s]) / pd.Timedelta(days=1)).to_numpy(np.float64)
            # A trailing NaN window that never crosses anything: paper_dates searches a bridge
            # only up to its sample's next-to-last window, and the last one known must count
            found = paper_dates(
                np.r_[stat, np.nan], np.r_[t, t[-1] + 1.0], np.r_[clock, np.inf],
                origination_run=orun, collapse_run=crun, bridge=bridge,
            )  # fmt: skip
        on = np.zeros(len(stat))
        for start, stop, how in found:  # on from the confirmations, off once confirmed
            if stop is None:
                off = len(stat)
            elif how is not None and how.startswith("bridge"):
                off = stop
            else:
                off = stop + crun - 1
            on[start + orun - 1 : off] = 1.0
        value[s:end] = stat / svadf_thresholds(t)[0]
        alarm[s:end] = on
    rule = (
        f"exuber's reading (ADF t-ratio from a {first + 1}-point window, one episode a sample)"
        if cfg.svadf_rule == "exuber"
        else "the replication code's rule"
    )
    collapse = (
        f"(below log(t)/10 within {bridge:g} days, or the last of {crun} windows below log(t)/2)"
        if cfg.svadf_rule == "paper"
        else f"(the last of {crun} windows below log(t)/2)"
    )
    return Signal(
        "svadf",
        "alarm",
        pd.Series(value, index=dates),
        pd.Series(alarm, index=dates),
        1.0,
        f"SV-ADF dating ({REFERENCE}, non-peer-reviewed preprint), {rule} on "
        f"{'log prices' if cfg.svadf_transform == 'log' else 'price levels'}; "
        f"{len(periods)} samples of {size} obs (the count in the first {cfg.svadf_years:g} "
        f"years) from {dates[size].date()}, first window end at obs {first + 1}, "
        f"{size - first} obs monitored each, then restarted; alarm from the last of {orun} "
        f"windows above log(t)/10 (origination confirmed) to the collapse {collapse}; value: "
        "the statistic over log(t)/10",
    )


def default_windows(frequency: str | None) -> WindowSet:
    """LPPLS windows for the data frequency (FCO's 750->125 trading days, rescaled)."""
    if frequency == "W":
        return WindowSet(150, 25, 1)
    if frequency in ("M", "Q", "A"):
        return WindowSet(36, 20, 1)
    return WindowSet()


def lppls_grid_dates(
    dates: pd.DatetimeIndex, grid: str, min_obs: int
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """The LPPLS schedule: t2 dates and their publication dates.

    For each calendar period end e up to the last date: t2 is the last date on or before e (at
    least ``min_obs`` observations in) and the publication date the first date on or after e,
    when the period is known to be complete.

    Publishing only once e has passed keeps the schedule free of look-ahead too: whether a date
    is the last of its month is not known on that date (the next one might still be in it).
    """
    ends = pd.date_range(dates[0], dates[-1], freq=_GRID_FREQ[grid])
    t2 = dates.searchsorted(ends, side="right") - 1
    pub = dates.searchsorted(ends, side="left")
    keep = t2 >= min_obs - 1
    t2, pub = t2[keep], pub[keep]
    if len(t2) == 0:
        raise InputError(
            f"no {grid} LPPLS date has the {min_obs} observations the longest window needs "
            f"({len(dates)} observations in all)",
            hint="use a longer history or shorter LPPLS windows",
        )
    first = np.r_[True, t2[1:] != t2[:-1]]
    return dates[t2[first]], dates[pub[first]]


def lppls_signal(
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    frequency: str | None,
    n_jobs: int | None = None,
    executor: Executor | None = None,
) -> Signal:
    """DS LPPLS Confidence (positive bubbles) on a calendar grid, held forward.

    With ``cfg.cache`` each grid date's Confidence is kept in the results cache under its
    window's prices and the settings (:mod:`bubblescope.backtest.lppls_memo`), so a history
    extended by new days computes only the grid dates it did not have.
    """
    from bubblescope.backtest.lppls_memo import confidence_by_date, date_keys
    from bubblescope.detect.lppls import lppls_confidence

    dates = _dated(prices)
    windows = cfg.lppls_windows or default_windows(frequency)
    t2, published = lppls_grid_dates(dates, cfg.lppls_grid, windows.max_window)
    if len(t2) == 0:
        raise InputError(
            f"LPPLS: no grid date has the {windows.max_window} observations the "
            "longest window needs",
            hint="use a longer history or smaller windows",
        )
    positions = dates.get_indexer(t2)

    def confidence(at: list[int]) -> Float64Array:
        ind = lppls_confidence(
            prices,
            dates=[int(positions[i]) for i in at],
            windows=windows,
            grid=cfg.lppls_gridspec,
            n_jobs=n_jobs,
            executor=executor,
        )
        return ind.frame["confidence_pos"].to_numpy(dtype=np.float64)

    if cfg.cache:  # each grid date's Confidence kept on its own: a new day reuses the others
        keys = date_keys(
            prices.to_numpy(dtype=np.float64), positions.tolist(), windows, cfg.lppls_gridspec
        )
        values = confidence_by_date(keys, confidence)
    else:
        values = confidence(list(range(len(t2))))
    conf = pd.Series(values, index=published)
    value = _held(conf, dates)
    return Signal(
        "lppls",
        "alarm",
        value,
        _alarm_from(value, cfg.lppls_threshold),
        cfg.lppls_threshold,
        f"DS LPPLS Confidence (B<0), windows {windows.max_window}->{windows.min_window} step "
        f"{windows.step} ({len(windows)}), t2 = last date of each of {len(t2)} "
        f"{cfg.lppls_grid}-periods, published on the first date on or after the period end "
        "and held forward",
    )


def runup_signals(
    prices: pd.Series, cfg: SignalConfig, *, market: pd.Series | None = None
) -> tuple[Signal, Signal]:
    """GSY run-up flag and crash probability from completed months, held forward."""
    from bubblescope.detect.gsy import crash_probability, runup

    dates = _dated(prices)
    res = runup(
        prices.rename("series"),
        market,
        threshold=cfg.runup_threshold,
        horizon=cfg.runup_horizon,
        prior_window=cfg.runup_prior_window,
        crash_model=False,
    )
    frame = res.to_frame()
    raw = frame["raw_runup"].astype(np.float64)
    defined = raw.notna()
    flag = frame["flag"].astype(np.float64).where(defined)
    net = frame["net_runup"].astype(np.float64) if market is not None else raw
    prob = pd.Series(np.nan, index=frame.index)
    ok = net.notna().to_numpy()
    prob[ok] = crash_probability(net.to_numpy()[ok])
    flag_v = _held(flag, dates)
    prob_v = _held(prob, dates)
    net_text = "net of the market" if market is not None else "raw (no market: raw as net)"
    prior = (
        f", prior {cfg.runup_prior_window}-month return >= 50%" if cfg.runup_prior_window else ""
    )
    return (
        Signal(
            "runup",
            "alarm",
            flag_v,
            flag_v.copy(),
            cfg.runup_threshold,
            f"GSY run-up: {cfg.runup_horizon}-month return > {cfg.runup_threshold:.0%} "
            f"({net_text}){prior}; month-end values held forward",
        ),
        Signal(
            "crash_probability",
            "probability",
            prob_v,
            _alarm_from(prob_v, cfg.crash_probability_threshold),
            cfg.crash_probability_threshold,
            f"GSY logit crash probability of the {net_text} run-up; month-end values held "
            "forward; extrapolated below a 50% run-up",
        ),
    )


def gauge_signal(dates: pd.DatetimeIndex, shiller: pd.DataFrame, cfg: SignalConfig) -> Signal:
    """Composite gauge (expanding percentile ranks of the Shiller proxies), held forward."""
    from bubblescope.gauge import bubble_gauge, shiller_proxies

    g = bubble_gauge(
        shiller_proxies(shiller), ranking="expanding", min_history=cfg.gauge_min_history
    )
    value = _held(g.aggregate, dates)
    return Signal(
        "gauge",
        "alarm",
        value,
        _alarm_from(value, cfg.gauge_threshold),
        cfg.gauge_threshold,
        "Dalio-style bubble gauge, expanding percentile ranks of Shiller proxies "
        f"(>= {cfg.gauge_min_history} months of history), held forward",
    )


def return_baseline(prices: pd.Series, cfg: SignalConfig) -> Signal:
    """Baseline: trailing ``return_years`` return above ``return_threshold``."""
    dates = _dated(prices)
    p = prices.to_numpy(dtype=np.float64)
    back = dates - _years_to_offset(cfg.return_years)
    pos = dates.searchsorted(back, side="right") - 1
    value = np.full(len(p), np.nan)
    ok = pos >= 0
    value[ok] = p[ok] / p[pos[ok]] - 1.0
    v = pd.Series(value, index=dates)
    return Signal(
        "baseline_return",
        "alarm",
        v,
        _alarm_from(v, np.nextafter(cfg.return_threshold, np.inf)),
        cfg.return_threshold,
        f"trailing {cfg.return_years:g}-year return > {cfg.return_threshold:.0%}",
        baseline=True,
    )


def cape_baseline(dates: pd.DatetimeIndex, shiller: pd.DataFrame, cfg: SignalConfig) -> Signal:
    """Baseline: Shiller CAPE above ``cape_threshold``, held forward."""
    if "CAPE" not in shiller.columns:
        raise InputError("the CAPE baseline needs a Shiller frame with a CAPE column")
    value = _held(shiller["CAPE"].astype(np.float64), dates)
    return Signal(
        "baseline_cape",
        "alarm",
        value,
        _alarm_from(value, np.nextafter(cfg.cape_threshold, np.inf)),
        cfg.cape_threshold,
        f"Shiller CAPE > {cfg.cape_threshold:g}, held forward",
        baseline=True,
    )


def _dated(prices: pd.Series) -> pd.DatetimeIndex:
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise InputError("the backtest needs dated prices (a DatetimeIndex)")
    return prices.index


def build_signal(
    name: str,
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    frequency: str | None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | None = None,
    rng: RngLike = None,
    n_jobs: int | None = None,
    executor: Executor | None = None,
) -> list[Signal]:
    """Build one named signal (``runup`` also gives ``crash_probability``).

    Parameters
    ----------
    name : str
        One of :data:`ALL_SIGNALS`.
    prices : pandas.Series
        Validated positive prices with a DatetimeIndex.
    cfg : SignalConfig
    frequency : str or None
        Data frequency code from validation ("D", "W", "M", ...).
    shiller : pandas.DataFrame, optional
        Shiller monthly frame (``gauge``, ``baseline_cape``).
    market : pandas.Series, optional
        Market prices for the net-of-market run-up.
    rng, n_jobs, executor
        Seed of the PSY bootstrap; parallelism of the PSY bootstrap, the LPPLS dates and the
        CUSUM, sign-based and Breitung-Diegel boundary simulations (results do not depend on
        it).

    Returns
    -------
    list of Signal

    Raises
    ------
    InputError
        Unknown name, missing Shiller data, or a history too short for the signal.
    """
    if name == "psy":
        return [psy_signal(prices, cfg, rng=rng, n_jobs=n_jobs, executor=executor)]
    if name in ("cusum", "cusum_robust"):
        robust = name == "cusum_robust"
        return [cusum_signal(prices, cfg, robust=robust, n_jobs=n_jobs, executor=executor)]
    if name == "whl":
        return [whl_signal(prices, cfg)]
    if name in ("sign", "bd_wcusum"):
        return [_sequential_signal(prices, cfg, name, n_jobs=n_jobs, executor=executor)]
    if name == "sign_psy":
        return [sign_psy_signal(prices, cfg)]
    if name == "svadf":
        return [svadf_signal(prices, cfg, frequency=frequency)]
    if name == "lppls":
        return [lppls_signal(prices, cfg, frequency=frequency, n_jobs=n_jobs, executor=executor)]
    if name in ("runup", "crash_probability"):
        return list(runup_signals(prices, cfg, market=market))
    if name == "baseline_return":
        return [return_baseline(prices, cfg)]
    if name in ("gauge", "baseline_cape"):
        if shiller is None:
            raise InputError(
                f"signal {name!r} needs Shiller monthly data",
                hint="pass shiller= (see bubblescope.backtest.histories)",
            )
        dates = _dated(prices)
        if name == "gauge":
            return [gauge_signal(dates, shiller, cfg)]
        return [cape_baseline(dates, shiller, cfg)]
    raise InputError(f"unknown signal {name!r}", hint=f"choose from {list(ALL_SIGNALS)}")
