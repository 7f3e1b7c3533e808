"""Scores of stored alarm series against an event list: a pure function, no hidden state.

Definitions (``w`` = ``EventSpec.warning_months``, ``H`` = ``EventSpec.horizon_months``)
------------------------------------------------------------------------------------------
pre-peak window
    ``[peak - w, peak]`` of each event; a date in it is a "pre-crash" date (``y_t = 1``).
coverage
    From the signal's first available date. An event is scored for a signal only when its
    whole pre-peak window is covered.
hit, hit rate, lead time
    A scored event is hit when the alarm is on at some date of its pre-peak window; hit rate =
    hits / scored events; lead time = peak - first alarm date in the window (months of 30.4375
    days; distribution: median, min, max, and every event's value in ``leads``).
alarm episodes, false alarms per year, precision
    Maximal runs of consecutive alarm dates. An episode is true when it overlaps some event's
    pre-peak window; otherwise false, unless it ends within ``w + H`` months of the last date
    (an event could still follow: unresolved, left out). False alarms per year = false
    episodes / resolved covered years; precision = true / (true + false) episodes.
date precision and recall
    Over resolved dates (at least ``w + H`` months before the last date, so every ``y_t`` is
    known): P(pre-crash | alarm) and P(alarm | pre-crash).
Brier score
    Mean of ``(f_t - y_t)^2`` over resolved dates, with ``f_t`` the probability of a
    probabilistic signal or the 0/1 alarm of the others; ``brier_climatology`` is the same for
    the constant in-sample base rate, and ``brier_skill = 1 - brier / brier_climatology``.
versus baselines
    ``*_vs_baseline`` columns: the signal's hit rate minus the best baseline hit rate, its false
    alarms per year minus the lowest baseline's, and its Brier score minus the lowest baseline's.

References
----------
Brier, G.W. (1950). Verification of forecasts expressed in terms of probability. Monthly
Weather Review 78(1), 1-3.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bubblescope.backtest.events import Event, EventSpec
from bubblescope.errors import InputError

__all__ = ["SCORE_COLUMNS", "Scores", "score"]

_MONTH_DAYS = 30.4375

#: Columns of :attr:`Scores.table`.
SCORE_COLUMNS: tuple[str, ...] = (
    "kind",
    "baseline",
    "first_date",
    "events",
    "hits",
    "hit_rate",
    "lead_median_months",
    "lead_min_months",
    "lead_max_months",
    "alarm_episodes",
    "false_alarms",
    "false_alarms_per_year",
    "precision",
    "date_precision",
    "date_recall",
    "alarm_share",
    "brier",
    "brier_climatology",
    "brier_skill",
    "hit_rate_vs_baseline",
    "false_alarms_per_year_vs_baseline",
    "brier_vs_baseline",
)


@dataclass(frozen=True)
class Scores:
    """Scores per signal and lead times per (signal, event).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per signal, columns :data:`SCORE_COLUMNS`.
    leads : pandas.DataFrame
        Lead time in months, one row per signal and one column per event peak. NaN means the
        event was missed, or not scored for that signal (its window is not covered; those are
        listed in ``unscored``).
    unscored : dict
        Signal -> event peaks outside its coverage.
    """

    table: pd.DataFrame
    leads: pd.DataFrame
    unscored: dict[str, list[pd.Timestamp]]


def _episodes(on: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) positions of runs of True."""
    padded = np.r_[False, on, False].astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _score_one(
    dates: pd.DatetimeIndex,
    alarm: np.ndarray,
    forecast: np.ndarray,
    windows: list[tuple[pd.Timestamp, pd.Timestamp]],
    resolved_end: pd.Timestamp,
) -> tuple[dict[str, float | int | pd.Timestamp | None], list[float | None]]:
    valid = np.isfinite(alarm)
    row: dict[str, float | int | pd.Timestamp | None] = {c: np.nan for c in SCORE_COLUMNS[2:]}
    leads: list[float | None] = [None] * len(windows)
    if not valid.any():
        row.update(first_date=None, events=0, hits=0, alarm_episodes=0, false_alarms=0)
        return row, leads
    first = dates[int(np.argmax(valid))]
    on = valid & (alarm > 0.5)
    y = np.zeros(len(dates), dtype=bool)
    hits = scored = 0
    lead_list: list[float] = []
    for k, (ws, peak) in enumerate(windows):
        i0 = int(dates.searchsorted(ws, side="left"))
        i1 = int(dates.searchsorted(peak, side="right"))
        y[i0:i1] = True
        if ws < first:
            continue
        scored += 1
        idx = np.flatnonzero(on[i0:i1])
        if len(idx):
            hits += 1
            lead = (peak - dates[i0 + int(idx[0])]).days / _MONTH_DAYS
            lead_list.append(lead)
            leads[k] = lead
        else:
            leads[k] = np.nan
    true = false = 0
    for s, e in _episodes(on):
        overlaps = any(ws <= dates[e] and peak >= dates[s] for ws, peak in windows)
        if overlaps:
            true += 1
        elif dates[e] <= resolved_end:
            false += 1
    resolved = valid & (dates <= resolved_end)
    years = (resolved_end - first).days / 365.25
    row.update(
        first_date=first,
        events=scored,
        hits=hits,
        hit_rate=hits / scored if scored else np.nan,
        lead_median_months=float(np.median(lead_list)) if lead_list else np.nan,
        lead_min_months=float(np.min(lead_list)) if lead_list else np.nan,
        lead_max_months=float(np.max(lead_list)) if lead_list else np.nan,
        alarm_episodes=true + false,
        false_alarms=false,
        false_alarms_per_year=false / years if years > 0 else np.nan,
        precision=true / (true + false) if true + false else np.nan,
        alarm_share=float(on[valid].mean()),
    )
    if resolved.any():
        a_r, y_r = on[resolved], y[resolved]
        row["date_precision"] = float((a_r & y_r).sum() / a_r.sum()) if a_r.any() else np.nan
        row["date_recall"] = float((a_r & y_r).sum() / y_r.sum()) if y_r.any() else np.nan
        f_ok = resolved & np.isfinite(forecast)
        if f_ok.any():
            f, yy = forecast[f_ok], y[f_ok].astype(np.float64)
            brier = float(np.mean((f - yy) ** 2))
            ref = float(np.mean((yy.mean() - yy) ** 2))
            row.update(
                brier=brier,
                brier_climatology=ref,
                brier_skill=1.0 - brier / ref if ref > 0 else np.nan,
            )
    return row, leads


def score(
    alarms: pd.DataFrame,
    events: Sequence[Event],
    spec: EventSpec,
    *,
    probabilities: pd.DataFrame | None = None,
    kinds: Mapping[str, str] | None = None,
    baselines: Sequence[str] = (),
) -> Scores:
    """Score every alarm column against the events.

    Parameters
    ----------
    alarms : pandas.DataFrame
        One column per signal on the price dates (DatetimeIndex, ending at the last price
        date): 1.0 alarm, 0.0 none, NaN not available.
    events : sequence of Event
    spec : EventSpec
        Gives the pre-peak window and the horizon that decides what is resolved.
    probabilities : pandas.DataFrame, optional
        Forecast probabilities of the probabilistic signals (same index); other signals are
        Brier-scored on their 0/1 alarm.
    kinds : mapping, optional
        Signal -> "alarm" or "probability" (reported; default "alarm").
    baselines : sequence of str
        Columns that are baselines (the ``*_vs_baseline`` reference).

    Returns
    -------
    Scores

    Raises
    ------
    InputError
        Undated or unsorted alarms, or a baseline that is not a column.
    """
    if not isinstance(alarms.index, pd.DatetimeIndex) or not alarms.index.is_monotonic_increasing:
        raise InputError("alarms need a sorted DatetimeIndex")
    missing = [b for b in baselines if b not in alarms.columns]
    if missing:
        raise InputError(f"baseline column(s) {missing} are not among the alarms")
    dates = alarms.index
    resolved_end = dates[-1] - pd.DateOffset(months=spec.warning_months + spec.horizon_months)
    windows = [(ev.warning_start(spec), ev.peak) for ev in events]
    kinds = dict(kinds or {})
    rows: dict[str, dict[str, object]] = {}
    leads: dict[str, list[float | None]] = {}
    unscored: dict[str, list[pd.Timestamp]] = {}
    for name in alarms.columns:
        a = alarms[name].to_numpy(dtype=np.float64)
        if probabilities is not None and name in probabilities.columns:
            f = probabilities[name].to_numpy(dtype=np.float64)
        else:
            f = np.where(np.isfinite(a), (a > 0.5).astype(np.float64), np.nan)
        scored, lead = _score_one(dates, a, f, windows, resolved_end)
        row: dict[str, object] = dict(scored)
        row["kind"] = kinds.get(name, "alarm")
        row["baseline"] = name in baselines
        rows[name] = row
        leads[name] = lead
        unscored[name] = [ev.peak for ev, v in zip(events, lead, strict=True) if v is None]
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(SCORE_COLUMNS))
    if baselines:
        base = table.loc[list(baselines)]
        table["hit_rate_vs_baseline"] = table["hit_rate"] - base["hit_rate"].max()
        table["false_alarms_per_year_vs_baseline"] = (
            table["false_alarms_per_year"] - base["false_alarms_per_year"].min()
        )
        table["brier_vs_baseline"] = table["brier"] - base["brier"].min()
    lead_frame = pd.DataFrame(
        {name: [np.nan if v is None else v for v in vals] for name, vals in leads.items()},
        index=pd.DatetimeIndex([ev.peak for ev in events], name="peak"),
    ).T
    return Scores(table, lead_frame, unscored)
