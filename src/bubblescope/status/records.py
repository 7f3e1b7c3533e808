"""Each signal's record: its backtest on the longest history that fits it.

Three histories, all shipped (and updated from the store when the user refreshes them):

``NASDAQ``
    The NASDAQ Composite, weekly closes 1971-2026; crash events are falls of 20% or more within
    24 months of a peak (:meth:`~bubblescope.backtest.EventSpec.index`). The run-up is measured
    net of the S&P 500.
``SP500``
    The S&P 500, weekly closes 1927-2026, same events, with Shiller's table for the CAPE
    baseline.
``FRENCH49``
    The 49 French industry portfolios, month-end total-return indices 1926-2025, pooled; events
    are falls of 40% within 24 months (GSY's crash size), run-ups net of the French market.
    GSY's crash-odds model was estimated on these portfolios.

Which record stands next to which reading (:func:`record_for`): an index row uses its own
history; a stock or basket row uses the NASDAQ's for PSY and LPPLS and the industries' for the
run-up flag and the crash odds. Records are cached on disk by data content and settings
(:mod:`bubblescope.cache`): a warm run reads them, any change of data or settings recomputes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblescope._typing import ProgressCallback
from bubblescope.settings import RunSettings

if TYPE_CHECKING:
    from bubblescope.backtest.result import BacktestResult

__all__ = [
    "HISTORIES",
    "Record",
    "cached_histories",
    "cached_nasdaq_backtest",
    "compute_records",
    "leaderboard_histories",
    "month_end_shiller",
    "nasdaq_backtest",
    "record_for",
    "signal_config",
]

#: History key -> (label, event description).
HISTORIES: dict[str, tuple[str, str]] = {
    "NASDAQ": ("NASDAQ Composite", "a fall of 20% or more within 24 months"),
    "SP500": ("S&P 500", "a fall of 20% or more within 24 months"),
    "FRENCH49": ("49 French industries, pooled", "a fall of 40% or more within 24 months"),
}

#: Status signal -> backtest signal whose record applies.
_BACKTEST_SIGNAL = {
    "psy_log": "psy",
    "psy_level": "psy",
    "lppls": "lppls",
    "return_24m": "runup",
    "crash_odds": "crash_probability",
    "valuation": "baseline_cape",
}


@dataclass(frozen=True)
class Record:
    """One signal's backtest record on one history.

    Attributes
    ----------
    signal : str
        The backtest signal (``psy``, ``lppls``, ``runup``, ``crash_probability``,
        ``baseline_cape``), with ``(levels)`` for PSY on price levels.
    history : str
        Which history, its span and frequency.
    events : str
        What counts as a crash.
    crashes, warned : int
        Crash events scored and how many the signal warned of (an alarm in the 24 months
        before the peak).
    hit_rate, false_alarms_per_year, lead_median_months : float or None
    """

    signal: str
    history: str
    events: str
    crashes: int
    warned: int
    hit_rate: float | None
    false_alarms_per_year: float | None
    lead_median_months: float | None

    def text(self) -> str:
        """Short form for a table cell."""
        if self.crashes == 0:
            return f"no crash scored ({self.history})"
        fa = "–" if self.false_alarms_per_year is None else f"{self.false_alarms_per_year:.2f}"
        return f"warned of {self.warned}/{self.crashes}, {fa} false alarms/yr ({self.history})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "signal": self.signal,
            "history": self.history,
            "events": self.events,
            "crashes": self.crashes,
            "warned": self.warned,
            "hit_rate": self.hit_rate,
            "false_alarms_per_year": self.false_alarms_per_year,
            "lead_median_months": self.lead_median_months,
            "text": self.text(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def signal_config(settings: RunSettings, *, log: bool = True) -> Any:
    """The backtest's :class:`~bubblescope.backtest.SignalConfig` implied by the run settings."""
    from bubblescope.backtest import SignalConfig
    from bubblescope.backtest.signals import default_windows
    from bubblescope.detect.lppls import WindowSet

    bs = settings.backtest
    base = default_windows(bs.frequency)
    return SignalConfig(
        train_years=bs.train_years,
        psy_lag=settings.psy.lag,
        psy_window=settings.psy.window,
        psy_level=settings.psy.level,
        psy_reps=bs.psy_reps,
        psy_log=log,
        lppls_grid=bs.lppls_grid,
        lppls_windows=WindowSet(base.max_window, base.min_window, bs.lppls_step),
        lppls_threshold=settings.lppls.alarm,
        runup_threshold=settings.runup.threshold,
        runup_horizon=settings.runup.horizon_months,
        crash_probability_threshold=settings.lights.crash_red,
    )


def _sample(close: pd.Series, frequency: str) -> pd.Series:
    from bubblescope.backtest.histories import to_monthly, to_weekly

    return to_weekly(close) if frequency == "W" else to_monthly(close)


def _span(index: pd.Index, frequency: str) -> str:
    freq = "weekly" if frequency == "W" else "monthly"
    return f"{pd.Timestamp(index[0]).year}-{pd.Timestamp(index[-1]).year}, {freq}"


def _table_rows(
    table: pd.DataFrame, history: str, events: str, suffix: str = ""
) -> list[dict[str, Any]]:
    rows = []
    for name, r in table.iterrows():
        rows.append(
            Record(
                signal=f"{name}{suffix}",
                history=history,
                events=events,
                crashes=int(r["events"]),
                warned=int(r["hits"]),
                hit_rate=_num(r["hit_rate"]),
                false_alarms_per_year=_num(r["false_alarms_per_year"]),
                lead_median_months=_num(r["lead_median_months"]),
            ).to_dict()
        )
    return rows


def _index_backtests(
    key: str, close: pd.Series, market: pd.Series | None, shiller: pd.DataFrame | None,
    settings: RunSettings,
) -> tuple[Any, Any]:  # fmt: skip
    """The index's backtest on log prices (all signals) and of PSY on levels."""
    from bubblescope.backtest import EventSpec, backtest

    bs = settings.backtest
    prices = _sample(close, bs.frequency)
    mkt = None if market is None else _sample(market, bs.frequency)
    signals = ["psy", "lppls", "runup", "crash_probability"]
    if shiller is not None:
        signals.append("baseline_cape")
    seed, events = settings.psy.seed, EventSpec.index()
    main = backtest(
        prices, signals=signals, config=signal_config(settings), shiller=shiller, events=events,
        market=mkt, name=key, rng=seed,
    )  # fmt: skip
    levels = backtest(
        prices, signals=["psy"], config=signal_config(settings, log=False), events=events,
        market=mkt, name=key, rng=seed,
    )  # fmt: skip
    return main, levels


def nasdaq_backtest(settings: RunSettings) -> Any:
    """The NASDAQ Composite's backtest behind its records (a :class:`BacktestResult`)."""
    from bubblescope.data.catalog import load_series

    nasdaq = load_series("NASDAQ")["close"]
    sp500 = load_series("SP500")["close"]
    return _index_backtests("NASDAQ", nasdaq, sp500, None, settings)[0]


def _index_records(
    key: str, close: pd.Series, market: pd.Series | None, shiller: pd.DataFrame | None,
    settings: RunSettings,
) -> list[dict[str, Any]]:  # fmt: skip
    main, levels = _index_backtests(key, close, market, shiller, settings)
    label, events = HISTORIES[key]
    history = f"{label} {_span(main.prices.index, settings.backtest.frequency)}"
    return _table_rows(main.scores.table, history, events) + _table_rows(
        levels.scores.table, history, events, " (levels)"
    )


def _french_records(settings: RunSettings) -> list[dict[str, Any]]:
    from bubblescope.backtest import EventSpec, backtest_universe
    from bubblescope.data.bundled import load_french49
    from bubblescope.detect.industries import french_industries

    data = french_industries(load_french49())
    prices = data.prices()
    market = pd.Series(
        np.exp(np.log1p(data.market).cumsum()), index=data.market.index, name="market"
    )
    universe = {str(c): prices[c].dropna() for c in prices.columns}
    res = backtest_universe(
        universe,
        signals=["runup", "crash_probability"],
        config=signal_config(settings),
        events=EventSpec.stock(),
        market=market,
        rng=settings.psy.seed,
    )
    label, events = HISTORIES["FRENCH49"]
    history = f"{label} {_span(prices.index, 'M')}"
    return _table_rows(res.pooled, history, events)


def leaderboard_histories(
    settings: RunSettings, keys: tuple[str, ...] = tuple(HISTORIES), industry_lppls: bool = False
) -> list[Any]:
    """The records' histories as :class:`~bubblescope.backtest.leaderboard.History` objects.

    The same prices, markets, Shiller table and crash definitions as :func:`compute_records`, so
    the leaderboard's rows and the records agree where both score a signal. LPPLS is left out
    on the 49 industries unless ``industry_lppls``: 49 nested-window scans of monthly data
    (about 1,040 dates each; estimated at 8 minutes the first time in the standard run, 38 in
    the publication run), for a model fitted to single markets.
    """
    from bubblescope.backtest import EventSpec
    from bubblescope.backtest.leaderboard import History
    from bubblescope.data.bundled import load_french49, load_shiller
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.industries import french_industries

    freq = settings.backtest.frequency
    out: list[Any] = []
    for key in keys:
        if key not in HISTORIES:
            from bubblescope.errors import InputError

            raise InputError(f"unknown history {key!r}", hint=f"one of {list(HISTORIES)}")
        label, _ = HISTORIES[key]
        if key == "FRENCH49":
            data = french_industries(load_french49())
            prices = data.prices()
            market = pd.Series(
                np.exp(np.log1p(data.market).cumsum()), index=data.market.index, name="market"
            )
            universe = {str(c): prices[c].dropna() for c in prices.columns}
            out.append(
                History(
                    key, f"{label} {_span(prices.index, 'M')}", universe, EventSpec.stock(),
                    market=market,
                    leave_out={}
                    if industry_lppls
                    else {
                        "lppls": "not run on the 49 industries by default (49 nested-window "
                        "scans of ~1,040 monthly dates, minutes of work); the setting "
                        "industry_lppls runs it"
                    },
                )
            )  # fmt: skip
            continue
        close = _sample(load_series(key)["close"], freq)
        sp500 = load_series("SP500")["close"]
        net = _sample(sp500, freq) if key == "NASDAQ" else None
        shiller = month_end_shiller(load_shiller()) if key == "SP500" else None
        out.append(
            History(
                key, f"{label} {_span(close.index, freq)}", close, EventSpec.index(),
                market=net, shiller=shiller,
            )
        )  # fmt: skip
    return out


def compute_records(
    settings: RunSettings, *, progress: ProgressCallback | None = None
) -> dict[str, dict[str, Record]]:
    """Every history's records, ``{history: {signal: Record}}`` (cached on disk).

    Failures of one history (e.g. a damaged file) leave it out; the caller shows "no record".
    """
    from bubblescope.cache import cached_json

    nasdaq, sp500, shiller = _index_inputs()
    keys = _record_keys(settings, nasdaq, sp500, shiller)
    jobs = {
        "NASDAQ": lambda: _index_records("NASDAQ", nasdaq, sp500, None, settings),
        "SP500": lambda: _index_records("SP500", sp500, None, shiller, settings),
        "FRENCH49": lambda: _french_records(settings),
    }
    out: dict[str, dict[str, Record]] = {}
    for i, (key, compute) in enumerate(jobs.items()):
        rows = cached_json("records", keys[key], compute)
        out[key] = {row["signal"]: Record.from_dict(row) for row in rows}
        if progress is not None:
            progress(i + 1, len(jobs))
    return out


def _index_inputs() -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """The NASDAQ's and the S&P 500's closes and Shiller's month-end table."""
    from bubblescope.data.bundled import load_shiller
    from bubblescope.data.catalog import load_series

    nasdaq = load_series("NASDAQ")["close"]
    sp500 = load_series("SP500")["close"]
    return nasdaq, sp500, month_end_shiller(load_shiller())


def _record_keys(
    settings: RunSettings, nasdaq: pd.Series, sp500: pd.Series, shiller: pd.DataFrame
) -> dict[str, str]:
    """Each history's cache key: its inputs' content hashes and the settings."""
    from bubblescope.cache import content_hash, result_key
    from bubblescope.data.bundled import load_french49

    hashes = {
        "NASDAQ": [content_hash(nasdaq), content_hash(sp500)],
        "SP500": [content_hash(sp500), content_hash(shiller)],
        "FRENCH49": [content_hash(load_french49())],
    }
    config = _config_dict(settings)
    return {
        key: result_key("records", key, parts, settings.backtest, config)
        for key, parts in hashes.items()
    }


def cached_histories(settings: RunSettings) -> frozenset[str]:
    """The histories whose records :func:`compute_records` would read from the cache.

    Parameters
    ----------
    settings : RunSettings

    Returns
    -------
    frozenset of str
        Keys of :data:`HISTORIES` cached for the current data and ``settings``.
    """
    from bubblescope.cache import is_cached

    keys = _record_keys(settings, *_index_inputs())
    return frozenset(key for key, cache_key in keys.items() if is_cached("records", cache_key))


def _config_dict(settings: RunSettings) -> dict[str, Any]:
    cfg: dict[str, Any] = signal_config(settings).to_dict()
    return cfg


def month_end_shiller(table: pd.DataFrame) -> pd.DataFrame:
    """Shiller's table dated at month ends (P is a monthly average, known once the month ends)."""
    out = table.copy()
    out.index = pd.DatetimeIndex(
        pd.DatetimeIndex(out.index).to_period("M").to_timestamp(how="end").normalize(),
        name="date",
    )
    return out


def record_for(
    records: Mapping[str, Mapping[str, Record]], signal: str, *, kind: str, key: str
) -> Record | None:
    """The record that stands next to ``signal`` on a row of ``kind`` (see the module notes)."""
    name = _BACKTEST_SIGNAL.get(signal)
    if name is None:
        return None
    if signal == "psy_level":
        name = "psy (levels)"
    if kind == "index" and key in records:
        history = key
    elif signal in ("return_24m", "crash_odds"):
        history = "FRENCH49"
    else:
        history = "NASDAQ"
    if signal == "valuation" and history != "SP500":
        return None
    return records.get(history, {}).get(name)


def cached_nasdaq_backtest(settings: RunSettings) -> BacktestResult:
    """The NASDAQ Composite's backtest behind its records, read from the cache when unchanged.

    Equal to :func:`nasdaq_backtest` (``BUBBLESCOPE_NO_CACHE=1`` computes it afresh); the
    result round-trips through :func:`bubblescope.backtest.cached.result_to_json`. The key
    holds the content hash of the NASDAQ and S&P 500 closes, the settings' fingerprint and the
    signal configuration they imply (:mod:`bubblescope.cache`).

    Parameters
    ----------
    settings : RunSettings

    Returns
    -------
    BacktestResult
    """
    from bubblescope.backtest.cached import result_from_json, result_to_json
    from bubblescope.cache import cached_json, content_hash, result_key
    from bubblescope.data.catalog import load_series

    nasdaq = load_series("NASDAQ")["close"]
    sp500 = load_series("SP500")["close"]
    key = result_key(
        "nasdaq-backtest",
        [content_hash(nasdaq), content_hash(sp500)],
        settings.fingerprint(),
        _config_dict(settings),
    )
    data = cached_json("backtest", key, lambda: result_to_json(nasdaq_backtest(settings)))
    return result_from_json(data)
