"""The leaderboard: every backtest signal's record on the long histories, in one table and chart.

Each signal of :data:`bubblescope.backtest.signals.ALL_SIGNALS` (read when the leaderboard runs,
so a signal added to the registry joins without an edit here) is backtested as it was knowable
on each date (:func:`~bubblescope.backtest.backtest`) on each history, and scored against that
history's crashes (:mod:`bubblescope.backtest.scoring`): crashes warned of (an alarm in the
warning window before the peak), false alarms per year (alarm spells no crash followed) and the
median lead from the first alarm to the peak. A history that cannot run a signal (the gauge and
the CAPE baseline need Shiller's table; a monitor needs its training years) lists it as skipped
with the reason. A universe (the 49 French industries) is scored pooled over its members
(:func:`~bubblescope.backtest.backtest_universe`).

Each history's rows are cached on disk (:mod:`bubblescope.cache`) by the content of its prices
and inputs, the signal configuration, the signals and the seed: a warm run reads them, any
change recomputes that history alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback
from bubblescope.backtest.events import EventSpec
from bubblescope.backtest.signals import SignalConfig
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.errors import BubblescopeError, InputError
from bubblescope.result import ResultMixin

__all__ = ["COLUMNS", "History", "LeaderboardResult", "cached_histories", "leaderboard"]

#: The columns of the leaderboard's table (per history and signal).
COLUMNS: tuple[str, ...] = (
    "events",
    "hits",
    "hit_rate",
    "false_alarms_per_year",
    "lead_median_months",
    "alarm_share",
)
#: Version of the cached rows' fields (part of the cache key: bump it when they change).
_FORMAT = 3
_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")


@dataclass(frozen=True)
class History:
    """One history to score every signal on.

    Attributes
    ----------
    key : str
        Short key (``NASDAQ``, ``SP500``, ``FRENCH49``).
    label : str
        Name, span and frequency, e.g. "NASDAQ Composite 1971-2026, weekly".
    prices : pandas.Series or mapping of str to pandas.Series
        One price history, or a universe scored pooled.
    events : EventSpec
        What counts as a crash.
    market : pandas.Series, optional
        Market prices for net-of-market run-ups.
    shiller : pandas.DataFrame, optional
        Shiller's monthly table (the gauge and the CAPE baseline).
    leave_out : dict of str to str
        Signals not run on this history and why (e.g. LPPLS on 49 industries, for its cost).
    """

    key: str
    label: str
    prices: pd.Series | Mapping[str, pd.Series]
    events: EventSpec
    market: pd.Series | None = None
    shiller: pd.DataFrame | None = None
    leave_out: dict[str, str] = field(default_factory=dict)


def _num(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _rows(table: pd.DataFrame, signals: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for name in signals:
        if name not in table.index:
            continue
        r = table.loc[name]
        row: dict[str, Any] = {"signal": name, **{c: _num(r.get(c)) for c in COLUMNS}}
        for count in ("events", "hits"):
            row[count] = None if row[count] is None else int(row[count])
        out.append(row)
    return out


def _score_history(
    h: History, signals: Sequence[str], config: SignalConfig, rng: int
) -> dict[str, Any]:
    """One history's rows and skipped signals (JSON-ready, for the cache)."""
    from bubblescope.backtest.run import backtest, backtest_universe

    wanted = [s for s in signals if s not in h.leave_out]
    skipped = {s: h.leave_out[s] for s in signals if s in h.leave_out}
    if isinstance(h.prices, pd.Series):
        res = backtest(
            h.prices, signals=wanted, config=config, events=h.events, shiller=h.shiller,
            market=h.market, name=h.key, rng=rng,
        )  # fmt: skip
        table = res.scores.table
        skipped.update(res.skipped)
    else:
        uni = backtest_universe(
            h.prices, signals=wanted, config=config, events=h.events, shiller=h.shiller,
            market=h.market, rng=rng,
        )  # fmt: skip
        table = uni.pooled.copy()
        shares = pd.DataFrame({k: r.scores.table["alarm_share"] for k, r in uni.results.items()})
        table["alarm_share"] = shares.mean(axis=1).reindex(table.index)
        for sig in wanted:
            reasons = {r.skipped[sig] for r in uni.results.values() if sig in r.skipped}
            if sig not in table.index and reasons:
                skipped[sig] = sorted(reasons)[0]
        if uni.failures:
            skipped.update({f"member {k}": v for k, v in uni.failures.items()})
    return {"rows": _rows(table, signals), "skipped": skipped}


def _content(h: History) -> list[Any]:
    from bubblescope.cache import content_hash

    prices = (
        [content_hash(h.prices)]
        if isinstance(h.prices, pd.Series)
        else [[k, content_hash(v)] for k, v in h.prices.items()]
    )
    return [
        h.key,
        prices,
        None if h.market is None else content_hash(h.market),
        None if h.shiller is None else content_hash(h.shiller),
        h.events.to_dict(),
        sorted(h.leave_out),
    ]


@dataclass(frozen=True)
class LeaderboardResult(ResultMixin):
    """Every signal's record on every history.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (history, signal): :data:`COLUMNS` (crashes scored, warned of, the share
        warned, false alarms per year, median lead in months, share of dates in alarm, a
        universe's the mean over its members; None where undefined).
    histories : dict of str to str
        History key -> its label (name, span, frequency).
    events : dict of str to str
        History key -> what counts as a crash.
    skipped : dict of str to dict
        History key -> {signal: why it was not scored there}.
    signals : tuple of str
        The signals asked for, in display order.
    """

    table: pd.DataFrame
    histories: dict[str, str]
    events: dict[str, str]
    skipped: dict[str, dict[str, str]]
    signals: tuple[str, ...]

    def summary(self) -> str:
        """The table: one block per history, one line per signal."""
        lines = ["Leaderboard: every signal's record on the long histories"]
        for key, label in self.histories.items():
            lines.append(f"  {label} (a crash: {self.events[key]})")
            lines.append(
                f"    {'signal':<20} {'warned':>9} {'hit rate':>9} {'false/yr':>9} {'lead (m)':>9}"
                f" {'in alarm':>9}"
            )
            part = self.table[self.table["history"] == key]
            for _, r in part.iterrows():
                warned = f"{_int(r['hits'])}/{_int(r['events'])}"
                lines.append(
                    f"    {r['signal']:<20} {warned:>9} {_fmt(r['hit_rate'], '.0%'):>9} "
                    f"{_fmt(r['false_alarms_per_year'], '.2f'):>9} "
                    f"{_fmt(r['lead_median_months'], '.0f'):>9} {_fmt(r['alarm_share'], '.0%'):>9}"
                )
            for sig, why in self.skipped.get(key, {}).items():
                lines.append(f"    {sig:<20} not scored: {why}")
        lines.append(
            "  warned: crashes with an alarm in the warning window before their peak; false/yr: "
            "alarm spells no crash followed, per year; lead: median months from the first alarm "
            "to the peak; in alarm: share of dates in alarm (a universe: the members' mean). A "
            "signal that stays in alarm warns of every crash with no false alarm spell: read "
            "its hit rate with its share in alarm."
        )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The table indexed by (history, signal)."""
        return self.table.set_index(["history", "signal"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the rows, the histories, the crash definitions and what was skipped."""
        out: dict[str, Any] = to_jsonable(
            {
                "signals": list(self.signals),
                "histories": self.histories,
                "events": self.events,
                "rows": self.table.to_dict(orient="records"),
                "skipped": self.skipped,
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Share of crashes warned of, false alarms per year and share in alarm, by signal."""
        signals = [s for s in self.signals if s in set(self.table["signal"])]
        hit_bars, fa_bars, share_bars = [], [], []
        for i, (key, label) in enumerate(self.histories.items()):
            part = self.table[self.table["history"] == key].set_index("signal")
            colour = _COLOURS[i % len(_COLOURS)]
            hits = [_nan(part["hit_rate"].get(s)) for s in signals]
            fas = [_nan(part["false_alarms_per_year"].get(s)) for s in signals]
            hit_bars.append(Bar(signals, hits, label, color=colour))
            fa_bars.append(Bar(signals, fas, label, color=colour, legend=False))
            shares = [_nan(part["alarm_share"].get(s)) for s in signals]
            share_bars.append(Bar(signals, shares, label, color=colour, legend=False))
        return ChartSpec(
            "Leaderboard: each signal's record on the long histories",
            (
                Panel("share of crashes warned of", "share", bars=tuple(hit_bars)),
                Panel("false alarms per year", "per year", bars=tuple(fa_bars), height=0.8),
                Panel(
                    "share of dates in alarm (near 1: always on, its hits say little)",
                    "share",
                    bars=tuple(share_bars),
                    height=0.8,
                ),
            ),
            source="bubblescope.backtest.leaderboard on the shipped histories; no bar: a zero, "
            "or the signal was not scored on that history (the summary's table tells which)",
        )


def _int(x: Any) -> str:
    return "–" if x is None or pd.isna(x) else str(int(x))


def _fmt(x: Any, spec: str) -> str:
    return "–" if x is None or pd.isna(x) else format(float(x), spec)


def _nan(x: Any) -> float:
    return math.nan if x is None or pd.isna(x) else float(x)


def leaderboard(
    histories: Sequence[History],
    *,
    config: SignalConfig | None = None,
    signals: Sequence[str] | None = None,
    rng: int = 0,
    progress: ProgressCallback | None = None,
) -> LeaderboardResult:
    """Score every backtest signal on every history, one table.

    Parameters
    ----------
    histories : sequence of History
        E.g. the NASDAQ 1971-, the S&P 500 1927- and the French industries 1926-.
    config : SignalConfig, optional
        The signals' settings (default :class:`SignalConfig`).
    signals : sequence of str, optional
        Default: every signal of :data:`bubblescope.backtest.signals.ALL_SIGNALS`, read now.
    rng : int
        Seed of the PSY bootstrap (the same for every history, as in the status records).
    progress : callable, optional
        ``progress(done, total)`` per history.

    Returns
    -------
    LeaderboardResult

    Raises
    ------
    InputError
        No histories, two with one key, or an unknown signal. A history on which no signal can
        be computed keeps its reason under ``skipped``.
    """
    from bubblescope.backtest import signals as signal_module
    from bubblescope.cache import cached_json

    if not histories:
        raise InputError("the leaderboard needs at least one history")
    keys = [h.key for h in histories]
    if len(set(keys)) != len(keys):
        raise InputError(f"history keys must be unique, got {keys}")
    names = tuple(signals) if signals is not None else tuple(signal_module.ALL_SIGNALS)
    unknown = [s for s in names if s not in signal_module.ALL_SIGNALS]
    if unknown:
        raise InputError(
            f"unknown signal(s) {unknown}", hint=f"one of {list(signal_module.ALL_SIGNALS)}"
        )
    cfg = config or SignalConfig()
    rows: list[dict[str, Any]] = []
    skipped: dict[str, dict[str, str]] = {}
    for i, h in enumerate(histories):
        key = _cache_key(h, cfg, names, rng)

        def compute(h: History = h) -> dict[str, Any]:
            try:
                return _score_history(h, names, cfg, rng)
            except BubblescopeError as exc:
                return {"rows": [], "skipped": {"all": str(exc)}}

        data = cached_json("leaderboard", key, compute)
        rows += [{"history": h.key, **r} for r in data["rows"]]
        skipped[h.key] = dict(data["skipped"])
        if progress is not None:
            progress(i + 1, len(histories))
    table = pd.DataFrame(rows, columns=["history", "signal", *COLUMNS])
    return LeaderboardResult(
        table=table,
        histories={h.key: h.label for h in histories},
        events={h.key: _event_text(h.events) for h in histories},
        skipped=skipped,
        signals=names,
    )


def _cache_key(h: History, cfg: SignalConfig, names: Sequence[str], rng: int) -> str:
    """The key of one history's cached rows (see the module notes)."""
    from bubblescope.cache import result_key

    return result_key("leaderboard", _FORMAT, _content(h), cfg.to_dict(), list(names), rng)


def cached_histories(
    histories: Sequence[History],
    *,
    config: SignalConfig | None = None,
    signals: Sequence[str] | None = None,
    rng: int = 0,
) -> frozenset[str]:
    """Keys of the histories whose rows :func:`leaderboard` would read from its cache.

    The same arguments as :func:`leaderboard`; its cost estimate
    (:func:`bubblescope.web.cost.leaderboard_cost`) counts only the other histories.
    """
    from bubblescope.backtest import signals as signal_module
    from bubblescope.cache import is_cached

    names = tuple(signals) if signals is not None else tuple(signal_module.ALL_SIGNALS)
    cfg = config or SignalConfig()
    return frozenset(
        h.key for h in histories if is_cached("leaderboard", _cache_key(h, cfg, names, rng))
    )


def _event_text(spec: EventSpec) -> str:
    return (
        f"a fall of {spec.drawdown:.0%} or more within {spec.horizon_months} months, warned "
        f"within {spec.warning_months} months before the peak"
    )
