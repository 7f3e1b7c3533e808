"""A backtest as exact JSON, so the results cache can keep it: the whole result round-trips.

:func:`result_to_json` writes everything a :class:`~bubblescope.backtest.BacktestResult` stores
(prices, signal values and alarms with their dtypes, events, the event definition, skipped
signals, settings) as JSON that :func:`result_from_json` reads back into an equal result: floats
are written in their shortest round-trip form (NaN and infinities by name), dates as integer
nanoseconds, and the scores are recomputed from the stored series exactly as
:func:`~bubblescope.backtest.backtest` computes them.

:func:`bubblescope.status.records.cached_nasdaq_backtest` keeps the report's NASDAQ backtest
in the results cache (:mod:`bubblescope.cache`) this way. :func:`signal_to_json` and
:func:`signal_from_json` do the same for one built :class:`~bubblescope.backtest.signals.Signal`
on known dates, which :mod:`bubblescope.backtest.signal_cache` keeps per signal.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bubblescope.backtest.events import Event, EventSpec
from bubblescope.backtest.result import BacktestResult
from bubblescope.backtest.scoring import score
from bubblescope.backtest.signals import Signal

__all__ = ["result_from_json", "result_to_json", "signal_from_json", "signal_to_json"]

#: Non-finite floats by name (JSON has no NaN or infinity).
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _float_out(x: float) -> float | str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _float_in(x: float | str) -> float:
    return _NONFINITE[x] if isinstance(x, str) else float(x)


def _stamp_out(stamp: pd.Timestamp) -> list[Any]:
    return [stamp.as_unit("ns").value, stamp.unit]


def _stamp_in(data: list[Any]) -> pd.Timestamp:
    return pd.Timestamp(int(data[0]), unit="ns").as_unit(data[1])


def _index_out(index: pd.Index) -> dict[str, Any]:
    dates = pd.DatetimeIndex(index)
    if dates.tz is not None:
        raise ValueError("a cached backtest needs tz-naive dates")
    return {
        "ns": dates.as_unit("ns").asi8.tolist(),
        "name": dates.name,
        "freq": dates.freqstr,
        "unit": str(dates.dtype),
    }


def _index_in(data: dict[str, Any]) -> pd.DatetimeIndex:
    values = np.asarray(data["ns"], dtype=np.int64).view("datetime64[ns]")
    dates = pd.DatetimeIndex(values, name=data["name"]).astype(data["unit"])
    return pd.DatetimeIndex(dates, freq=data["freq"])


def _column_out(values: pd.Series) -> dict[str, Any]:
    dtype = str(values.dtype)
    if values.dtype == np.float64:
        data: list[Any] = [_float_out(v) for v in values.to_numpy().tolist()]
    elif values.dtype in (np.bool_, np.int64):
        data = values.to_numpy().tolist()
    else:
        raise ValueError(f"a cached backtest cannot store a {dtype} column")
    return {"dtype": dtype, "data": data}


def _column_in(data: dict[str, Any]) -> np.ndarray:
    if data["dtype"] == "float64":
        return np.array([_float_in(v) for v in data["data"]], dtype=np.float64)
    return np.array(data["data"], dtype=data["dtype"])


def _frame_out(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "index": _index_out(frame.index),
        "columns": [str(c) for c in frame.columns],
        "data": [_column_out(frame[c]) for c in frame.columns],
    }


def _frame_in(data: dict[str, Any]) -> pd.DataFrame:
    index = _index_in(data["index"])
    return pd.DataFrame(
        {c: _column_in(col) for c, col in zip(data["columns"], data["data"], strict=True)},
        index=index,
        columns=list(data["columns"]),
    )


def result_to_json(result: BacktestResult) -> dict[str, Any]:
    """Everything ``result`` stores, as JSON (inverse :func:`result_from_json`; see the module).

    Raises
    ------
    ValueError
        When a series has a dtype other than float64, int64 or bool, or time-zone dates.
    """
    return {
        "name": result.name,
        "prices": {
            "name": None if result.prices.name is None else str(result.prices.name),
            "index": _index_out(result.prices.index),
            "data": _column_out(result.prices),
        },
        "values": _frame_out(result.values),
        "alarms": _frame_out(result.alarms),
        "signals": [dict(s) for s in result.signals],
        "events": [
            [
                _stamp_out(e.peak),
                _float_out(e.peak_price),
                _stamp_out(e.crash_date),
                _stamp_out(e.trough),
                _float_out(e.trough_price),
                _float_out(e.depth),
            ]
            for e in result.events
        ],
        "event_spec": result.event_spec.to_dict(),
        "skipped": dict(result.skipped),
        "settings": result.settings,
    }


def result_from_json(data: dict[str, Any]) -> BacktestResult:
    """The :class:`~bubblescope.backtest.BacktestResult` that :func:`result_to_json` wrote.

    The scores are recomputed from the stored alarms, probabilities and events with the
    arguments :func:`~bubblescope.backtest.backtest` uses, so they equal the original's.
    """
    p = data["prices"]
    prices = pd.Series(_column_in(p["data"]), index=_index_in(p["index"]), name=p["name"])
    values = _frame_in(data["values"])
    alarms = _frame_in(data["alarms"])
    signals = tuple(dict(s) for s in data["signals"])
    events = tuple(
        Event(
            _stamp_in(peak),
            _float_in(peak_price),
            _stamp_in(crash),
            _stamp_in(trough),
            _float_in(trough_price),
            _float_in(depth),
        )
        for peak, peak_price, crash, trough, trough_price, depth in data["events"]
    )
    spec = EventSpec(**data["event_spec"])
    order = [s["name"] for s in signals]
    scores = score(
        alarms,
        events,
        spec,
        probabilities=values[[s["name"] for s in signals if s["kind"] == "probability"]],
        kinds={s["name"]: s["kind"] for s in signals},
        baselines=[s for s, info in zip(order, signals, strict=True) if info["baseline"]],
    )
    return BacktestResult(
        str(data["name"]),
        prices,
        values,
        alarms,
        signals,
        events,
        spec,
        scores,
        dict(data["skipped"]),
        dict(data["settings"]),
    )


def signal_to_json(signal: Signal, dates: pd.DatetimeIndex) -> dict[str, Any]:
    """One signal on ``dates`` as JSON (inverse :func:`signal_from_json`).

    The value and alarm are written on ``dates`` (a date the signal lacks is NaN, as
    :func:`~bubblescope.backtest.backtest` aligns them), so only the columns are stored.

    Raises
    ------
    ValueError
        When the value or alarm is not float64.
    """
    return {
        "name": signal.name,
        "kind": signal.kind,
        "value": _column_out(signal.value.reindex(dates)),
        "alarm": _column_out(signal.alarm.reindex(dates)),
        "threshold": None if signal.threshold is None else _float_out(signal.threshold),
        "description": signal.description,
        "baseline": signal.baseline,
    }


def signal_from_json(data: dict[str, Any], dates: pd.DatetimeIndex) -> Signal:
    """The :class:`~bubblescope.backtest.signals.Signal` that :func:`signal_to_json` wrote."""
    threshold = data["threshold"]
    return Signal(
        name=str(data["name"]),
        kind=data["kind"],
        value=pd.Series(_column_in(data["value"]), index=dates),
        alarm=pd.Series(_column_in(data["alarm"]), index=dates),
        threshold=None if threshold is None else _float_in(threshold),
        description=str(data["description"]),
        baseline=bool(data["baseline"]),
    )
