"""Scores against hand-computed values on a constructed alarm series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import Event, EventSpec, score
from bubblescope.errors import InputError

DATES = pd.date_range("2000-01-31", "2009-12-31", freq="ME")
SPEC = EventSpec(0.2, horizon_months=12, warning_months=12)
# scored: window [2004-01-31, 2005-01-31]; unscored: its window starts before coverage (2001-01)
EVENTS = (
    Event(
        pd.Timestamp("2001-06-30"),
        1.0,
        pd.Timestamp("2001-08-31"),
        pd.Timestamp("2001-09-30"),
        0.7,
        -0.3,
    ),
    Event(
        pd.Timestamp("2005-01-31"),
        1.0,
        pd.Timestamp("2005-03-31"),
        pd.Timestamp("2005-06-30"),
        0.6,
        -0.4,
    ),
)


def alarms() -> pd.DataFrame:
    a = pd.Series(0.0, index=DATES)
    a[:"2000-12-31"] = np.nan
    for d in ("2002-01-31", "2002-02-28", "2004-06-30", "2004-07-31", "2004-08-31", "2009-06-30"):
        a[d] = 1.0
    base = pd.Series(0.0, index=DATES)
    base[:"2000-12-31"] = np.nan
    prob = pd.Series(0.5, index=DATES)
    prob[:"2000-12-31"] = np.nan
    return pd.DataFrame(
        {"sig": a, "base": base, "prob": (prob > 0.6).astype(float).where(prob.notna())}
    )


def test_scores_by_hand() -> None:
    al = alarms()
    probs = pd.DataFrame({"prob": pd.Series(0.5, index=DATES).where(al["prob"].notna())})
    s = score(
        al, EVENTS, SPEC, probabilities=probs, kinds={"prob": "probability"}, baselines=["base"]
    )
    row = s.table.loc["sig"]
    assert row["first_date"] == pd.Timestamp("2001-01-31")
    assert (row["events"], row["hits"], row["hit_rate"]) == (1, 1, 1.0)
    lead = (pd.Timestamp("2005-01-31") - pd.Timestamp("2004-06-30")).days / 30.4375
    assert row["lead_median_months"] == pytest.approx(lead)
    assert s.leads.loc["sig", pd.Timestamp("2005-01-31")] == pytest.approx(lead)
    assert s.unscored["sig"] == [pd.Timestamp("2001-06-30")]
    # episodes: 2002-01..02 false, 2004-06..08 true, 2009-06 unresolved (after 2007-12-31)
    assert (row["alarm_episodes"], row["false_alarms"], row["precision"]) == (2, 1, 0.5)
    years = (pd.Timestamp("2007-12-31") - pd.Timestamp("2001-01-31")).days / 365.25
    assert row["false_alarms_per_year"] == pytest.approx(1 / years)
    # resolved dates 2001-01..2007-12 (84); pre-crash dates 2004-01..2005-01 (13) plus the
    # covered part of the unscored event's window, 2001-01..2001-06 (6): 19
    assert row["date_precision"] == pytest.approx(3 / 5)
    assert row["date_recall"] == pytest.approx(3 / 19)
    # wrong dates: 2 false-alarm dates + 16 silent pre-crash dates
    assert row["brier"] == pytest.approx(18 / 84)
    base_rate = 19 / 84
    assert row["brier_climatology"] == pytest.approx(base_rate * (1 - base_rate))
    assert row["brier_skill"] == pytest.approx(1 - (18 / 84) / (base_rate * (1 - base_rate)))
    assert s.table.loc["prob", "brier"] == pytest.approx(0.25)
    assert s.table.loc["prob", "kind"] == "probability"
    # versus the (silent) baseline
    assert row["hit_rate_vs_baseline"] == pytest.approx(1.0)
    assert row["false_alarms_per_year_vs_baseline"] == pytest.approx(1 / years)
    assert row["brier_vs_baseline"] == pytest.approx(18 / 84 - 19 / 84)
    assert bool(s.table.loc["base", "baseline"])
    assert not bool(row["baseline"])


def test_an_unavailable_signal_scores_nothing() -> None:
    s = score(pd.DataFrame({"x": np.nan}, index=DATES), EVENTS, SPEC)
    assert s.table.loc["x", "events"] == 0
    assert np.isnan(s.table.loc["x", "hit_rate"])


def test_bad_score_inputs() -> None:
    with pytest.raises(InputError, match="sorted DatetimeIndex"):
        score(pd.DataFrame({"x": [1.0, 0.0]}), EVENTS, SPEC)
    with pytest.raises(InputError, match="baseline column"):
        score(alarms(), EVENTS, SPEC, baselines=["nope"])
