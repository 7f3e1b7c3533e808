"""Date-stamping: episode rules against exuber's, and the statistical cases S5-S8 of
detection-methods.md §6(a) as seeded Monte Carlo (targets and tolerances from the spec)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.detect._datestamp import episodes_from_path, find_runs
from bubblescope.detect.critical_values import MonteCarloCV
from bubblescope.detect.exuberance import psy
from tests.reference import SharedFiles


@settings(max_examples=60, deadline=None)
@given(flags=st.lists(st.booleans(), min_size=1, max_size=60), dur=st.integers(0, 6))
def test_exuber_rule_equals_pyexuber_stamp(flags: list[bool], dur: int) -> None:
    pytest.importorskip("exuber")
    from exuber.datestamp import _stamp

    stat = np.where(flags, 1.0, -1.0)
    ref = [r for r in _stamp(np.flatnonzero(stat > 0)) if r[1] - r[0] >= dur]
    assert find_runs(stat, np.zeros_like(stat), min_duration=dur, rule="exuber") == ref


@settings(max_examples=60, deadline=None)
@given(flags=st.lists(st.booleans(), min_size=1, max_size=60), dur=st.integers(0, 6))
def test_psy_rule_invariants(flags: list[bool], dur: int) -> None:
    stat = np.where(flags, 1.0, -1.0)
    runs = find_runs(stat, np.zeros_like(stat), min_duration=dur, rule="psy")
    n = len(stat)
    covered = np.zeros(n, dtype=bool)
    for start, end in runs:
        assert stat[start] > 0  # starts at an exceedance
        assert end == n or end - start >= max(dur, 1)  # lasts min_duration unless cut by the end
        assert end == n or stat[end] < 0  # ends at the first point below after the search start
        covered[start:end] = True
    assert not np.any((stat > 0) & ~covered)  # every exceedance belongs to an episode


def test_psy_rule_bridges_dips_exuber_rule_drops_short_runs() -> None:
    stat = pd.Series([-1, 1, -1, 1, 1, -1, -1, -1, 1, 1, 1, 1, 1, -1], dtype=float)
    cv = np.zeros(len(stat))
    psy_eps = episodes_from_path(stat, cv, min_duration=3, rule="psy")
    assert [(e.start, e.end, e.duration) for e in psy_eps] == [(1, 5, 4), (8, 13, 5)]
    ex_eps = episodes_from_path(stat, cv, min_duration=3, rule="exuber")
    assert [(e.start, e.end, e.peak) for e in ex_eps] == [(8, 13, 8)]
    ongoing = episodes_from_path(stat.iloc[:11], cv[:11], min_duration=3, rule="psy")
    assert ongoing[-1].ongoing
    assert ongoing[-1].end is None


def _walks(T: int, n: int, seed: int) -> np.ndarray:
    return np.cumsum(np.random.default_rng(seed).standard_normal((n, T)), axis=1)


def test_S5_S7_size_and_false_alarms_T200() -> None:
    # 1,000 driftless random walks; critical values from a separate 2,000-rep MC, computed once.
    # s.e. of a rate p over 1,000 reps: sqrt(p(1-p)/1000).
    cv = MonteCarloCV(reps=2000, rng=77).compute(np.zeros(200), minw=26, lag=0)  # PSY window 27
    walks = _walks(200, 1000, 2024)
    reject = pointwise_any = pointwise_long = familywise_any = 0
    for y in walks:
        fam = psy(y, cv=cv)
        point = psy(y, cv=cv, stamping="pointwise", rule="exuber", min_duration=0)
        reject += bool(fam.reject)
        familywise_any += len(fam.episodes) > 0
        pointwise_any += len(point.episodes) > 0
        pointwise_long += any(e.duration >= 5 for e in point.episodes)  # round(log 200) = 5
    assert 0.035 <= reject / 1000 <= 0.065  # S5
    assert pointwise_any / 1000 == pytest.approx(0.42, abs=0.04)  # S7 pointwise
    assert pointwise_long / 1000 == pytest.approx(0.10, abs=0.04)  # S7 with a duration gate
    se = np.sqrt(0.05 * 0.95 / 1000)
    assert familywise_any / 1000 <= 0.05 + 2 * se  # S7 target for the default procedure


def test_S6_power_psy_single_bubble() -> None:
    exuber = pytest.importorskip("exuber")
    from exuber.sim import sim_psy1

    # n = 100, exuber convention, driftless MC CV; spec (500 reps): GSADF rejection 0.848.
    cv = MonteCarloCV(reps=2000, rng=9, drift=False, cache=False).compute(
        np.zeros(100), minw=19, lag=0
    )
    hits = 0
    for i in range(500):
        res = psy(sim_psy1(100, seed=1000 + i), window="exuber", cv=cv)
        hits += bool(res.reject)
    assert hits / 500 == pytest.approx(0.848, abs=0.05)
    assert exuber is not None


def _sp_dv(shared_file: SharedFiles) -> pd.Series:
    df = pd.read_csv(shared_file("reference/SP_DV.csv"), sep=";")
    code = df["Date"].to_numpy()
    year = np.floor(code).astype(int)
    month = np.rint((code - year) * 100).astype(int)
    dates = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    return pd.Series(df["price dividend ratio"].to_numpy(), index=dates, name="pd")


@pytest.mark.slow
def test_S8_sp500_episodes(shared_file: SharedFiles) -> None:
    # SP_DV.csv (2011 vintage) to 2010.12, lag 0, PSY window 36, pointwise SADF-type 95% CV
    # (1,000 MC reps), no duration gate; episodes from the spec's own run, +-2 months at run ends.
    s = _sp_dv(shared_file).loc[:"2010-12-01"]
    cv = MonteCarloCV(reps=1000, rng=36, cache=False).compute(s.to_numpy(), minw=35, lag=0)
    res = psy(s, window=36, cv=cv, stamping="pointwise", rule="exuber", min_duration=0)
    flagged = res.to_frame()["episode"]

    def covered(a: str, b: str) -> bool:
        lo = pd.Timestamp(a) + pd.DateOffset(months=2)
        hi = pd.Timestamp(b) - pd.DateOffset(months=2)
        return bool(flagged.loc[lo:hi].all()) if lo <= hi else bool(flagged.loc[a:b].any())

    for a, b in [
        ("1879-09", "1880-04"),
        ("1917-10", "1918-01"),
        ("1929-01", "1929-04"),
        ("1987-06", "1987-10"),
        ("1997-05", "2001-03"),
        ("2008-10", "2009-04"),
    ]:
        assert covered(a, b), (a, b)
    gated = psy(s, window=36, cv=cv, stamping="pointwise", rule="exuber", min_duration=7)
    long = [(e.start, e.end) for e in gated.episodes]
    assert len(long) == 2
    assert abs((long[0][0] - pd.Timestamp("1879-09-01")).days) < 62
    assert abs((long[1][1] - pd.Timestamp("2001-04-01")).days) < 62
