"""The readings log: every status run's readings, on the record, in the store.

Each run appends one Parquet file to the store's ``readings`` dataset (append-only, never
rewritten): one row per (series, signal) with the reading's value, light and since-date, the
run's date, the data's last date and vintage, the settings' fingerprint, and a SHA-256 content
hash of the run's readings. Like the fingerprints the ETH Financial Crisis Observatory publishes
for its forecasts, the hash lets anyone check later that a reading was made before the outcome.
:func:`load_readings` returns the log; :func:`score_readings` scores one signal's logged alarms
against the crashes that followed, with the backtest's scoring rules.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from bubblescope.backtest import EventSpec, Scores
    from bubblescope.status.result import StatusResult

__all__ = [
    "LOG_COLUMNS",
    "append_readings",
    "load_readings",
    "logged_alarms",
    "readings_hash",
    "score_readings",
]

#: Columns of the readings log.
LOG_COLUMNS: tuple[str, ...] = (
    "run_hash",
    "measured",
    "settings",
    "series",
    "signal",
    "value",
    "light",
    "since",
    "last_date",
    "vintage",
)


def _frame(result: StatusResult) -> pd.DataFrame:
    rows = [
        {
            "measured": result.today,
            "settings": str(result.settings.get("fingerprint", "")),
            "series": row.key,
            "signal": r.signal,
            "value": r.value,
            "light": r.light,
            "since": r.since,
            "last_date": row.last_date,
            "vintage": row.vintage,
        }
        for row in result.rows
        for r in row.readings
    ]
    return pd.DataFrame.from_records(rows)


def readings_hash(result: StatusResult) -> str:
    """SHA-256 of the run's readings (series, signal, value, light, since, data date, vintage)."""
    frame = _frame(result)
    text = json.dumps(frame.to_dict(orient="records"), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def append_readings(result: StatusResult) -> str:
    """Append the run's readings to the store's log; returns the run's content hash.

    Appending the same readings again writes nothing (the store is idempotent).

    Raises
    ------
    StoreError
        When the store cannot be written.
    """
    from bubblescope.data import store

    digest = readings_hash(result)
    frame = _frame(result)
    if frame.empty:
        return digest
    frame.insert(0, "run_hash", digest)
    frame["value"] = frame["value"].astype("float64")
    store.import_frame(frame[list(LOG_COLUMNS)], "readings", symbol="status")
    return digest


def load_readings() -> pd.DataFrame:
    """Every logged reading, oldest run first (empty frame with :data:`LOG_COLUMNS` if none)."""
    from bubblescope.data import store

    frame = store.load_dataset("readings")
    if frame.empty:
        return pd.DataFrame(columns=list(LOG_COLUMNS))
    return frame.sort_values(["_vintage", "series", "signal"], kind="stable")[
        [*LOG_COLUMNS, "_vintage"]
    ].reset_index(drop=True)


def logged_alarms(log: pd.DataFrame, series: str, signal: str) -> pd.Series:
    """One signal's logged readings of one series as an alarm series by data date.

    1.0 where the reading was red, 0.0 where it was amber or green; a grey reading (not
    available) is left out. When several runs read the same data date, the last one counts.

    Raises
    ------
    InputError
        When the log has no reading of ``signal`` on ``series``.
    """
    from bubblescope.errors import InputError

    rows = log[(log["series"] == series.upper()) & (log["signal"] == signal)]
    rows = rows[rows["light"] != "grey"]
    if rows.empty:
        raise InputError(f"the readings log has no {signal} reading of {series}")
    dates = pd.DatetimeIndex(pd.to_datetime(rows["last_date"]), name="date")
    alarm = pd.Series((rows["light"] == "red").to_numpy(dtype="float64"), index=dates)
    return alarm[~alarm.index.duplicated(keep="last")].sort_index().rename(signal)


def score_readings(
    log: pd.DataFrame, series: str, signal: str, prices: pd.Series, spec: EventSpec | None = None
) -> Scores:
    """Score a signal's logged alarms against the crashes in ``prices`` that followed them.

    Each logged alarm holds from its data date until the next logged reading (what a reader
    of the status page would have seen); the crash events and the scoring are the backtest's
    (:func:`bubblescope.backtest.detect_events`, :func:`bubblescope.backtest.score`). Dates
    before the first logged reading are not scored.

    Parameters
    ----------
    log : pandas.DataFrame
        :func:`load_readings` output.
    series, signal : str
        E.g. ``"NVDA"``, ``"psy_log"``.
    prices : pandas.Series
        Daily closes of the series to date (they must reach past the readings to score them).
    spec : EventSpec, optional
        Crash events; default a 20% fall within 24 months (``EventSpec.index()``).

    Returns
    -------
    Scores
    """
    from bubblescope.backtest import EventSpec, detect_events, score

    spec = spec or EventSpec.index()
    alarm = logged_alarms(log, series, signal)
    on_prices = alarm.reindex(prices.index, method="ffill")
    events = detect_events(prices, spec)
    return score(on_prices.to_frame(signal), events, spec)
