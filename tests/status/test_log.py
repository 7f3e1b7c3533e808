"""The readings log: on the record in the store, hashed, and scorable by the backtest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.errors import InputError
from bubblescope.status import (
    StatusResult,
    StatusRow,
    append_readings,
    load_readings,
    logged_alarms,
    readings_hash,
    score_readings,
)
from bubblescope.status.readings import Reading


def _result(day: str, light: str, value: float) -> StatusResult:
    reading = Reading("psy_log", "PSY (log)", value, f"BSADF {value}", light)  # type: ignore[arg-type]
    row = StatusRow("XYZ", "XYZ", "stock", last_date=day, vintage="test", readings=(reading,))
    return StatusResult(
        rows=(row,),
        gauge=None,
        alignment=None,
        index_share=None,
        market_notes=(),
        synthesis=(),
        settings={"name": "standard", "fingerprint": "f" * 16},
        today=day,
    )


def test_log_round_trip_and_hash(store_home: Path) -> None:
    first = _result("2024-01-05", "green", 0.5)
    second = _result("2024-06-07", "red", 3.1)
    h1 = append_readings(first)
    assert append_readings(first) == h1  # the same readings again write nothing new
    h2 = append_readings(second)
    assert h1 != h2
    assert readings_hash(second) == h2
    log = load_readings()
    assert list(log["run_hash"]) == [h1, h2]
    assert list(log["light"]) == ["green", "red"]
    alarm = logged_alarms(log, "xyz", "psy_log")
    assert alarm.to_dict() == {pd.Timestamp("2024-01-05"): 0.0, pd.Timestamp("2024-06-07"): 1.0}
    with pytest.raises(InputError, match="no lppls reading of XYZ"):
        logged_alarms(log, "XYZ", "lppls")


def test_logged_alarm_before_a_crash_is_a_hit(store_home: Path) -> None:
    days = pd.bdate_range("2022-01-03", periods=1000)
    path = np.r_[np.linspace(100.0, 300.0, 600), np.linspace(300.0, 150.0, 400)]
    prices = pd.Series(path, index=days)
    peak = days[599]
    warned = days[599 - 130]  # about six months before the peak
    append_readings(_result(str(days[10].date()), "green", 0.2))
    append_readings(_result(str(warned.date()), "red", 3.0))
    scores = score_readings(load_readings(), "XYZ", "psy_log", prices)
    row = scores.table.loc["psy_log"]
    assert (row["events"], row["hits"]) == (1, 1)
    lead = (peak - warned).days / 30.4375
    assert scores.leads.loc["psy_log"].iloc[0] == pytest.approx(lead)
    # the same prices with only a quiet reading: the crash was missed
    quiet = load_readings()
    quiet = quiet[quiet["light"] == "green"]
    missed = score_readings(quiet, "XYZ", "psy_log", prices).table.loc["psy_log"]
    assert (missed["events"], missed["hits"]) == (1, 0)
