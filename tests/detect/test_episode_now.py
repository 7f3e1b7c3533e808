"""The reading now of a dated statistic path: "explosive now" only while above the critical value.

PSY's rule (Phillips, Shi and Yu 2015) holds an episode open for ``min_duration`` observations
after its first exceedance; :func:`episode_now` must not read such an episode as explosive once
the statistic is back below its critical value, and must leave the dating itself unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.detect import episode_now
from bubblescope.detect._datestamp import Episode, EpisodeNow, EpisodeRule, episodes_from_path
from bubblescope.errors import InputError

N, MIN_DURATION = 50, 5
CV = np.full(N, 1.0)


def _path(above: list[int]) -> pd.Series:
    stat = np.zeros(N)
    stat[above] = 2.0
    return pd.Series(stat, index=pd.date_range("2026-01-02", periods=N, freq="W-FRI"))


def _read(above: list[int], rule: EpisodeRule = "psy") -> tuple[EpisodeNow, tuple[Episode, ...]]:
    stat = _path(above)
    eps = episodes_from_path(stat, CV, min_duration=MIN_DURATION, rule=rule)
    return episode_now(stat, CV, eps), eps


def test_one_exceedance_inside_the_minimum_duration_then_below_is_not_confirmed() -> None:
    now, eps = _read([N - 3])
    # the dating rule is untouched: PSY still holds the episode open to the sample end
    assert len(eps) == 1
    assert eps[0].ongoing
    assert now.state == "episode not confirmed"
    assert not now.explosive
    assert now.since == str(_path([]).index[N - 3].date())
    sentence = now.sentence()
    assert "not yet confirmed" in sentence
    assert "explosive now" not in sentence
    assert f"began on {now.since}" in sentence


def test_above_at_the_last_observation_is_explosive_now() -> None:
    now, _ = _read([N - 3, N - 1])
    assert now.state == "explosive now"
    assert now.explosive
    assert now.stat == 2.0
    assert now.critical_value == 1.0
    assert now.since == str(_path([]).index[N - 3].date())


def test_an_ended_episode_is_earlier_and_none_is_not_explosive() -> None:
    now, eps = _read([10, 11, 12])
    assert eps
    assert not any(e.ongoing for e in eps)
    assert now.state == "explosive earlier"
    assert now.since is None
    now, eps = _read([])
    assert not eps
    assert now.state == "not explosive"


def test_explosive_now_is_exactly_the_last_statistic_above_its_critical_value() -> None:
    """Invariant over both rules and random paths: the state agrees with stat[-1] > cv[-1]."""
    rng = np.random.default_rng(2015)
    rules: tuple[EpisodeRule, ...] = ("psy", "exuber")
    for _ in range(200):
        stat = pd.Series(rng.normal(0.8, 0.5, N))
        for rule in rules:
            eps = episodes_from_path(stat, CV, min_duration=MIN_DURATION, rule=rule)
            now = episode_now(stat, CV, eps)
            assert now.explosive == bool(stat.iloc[-1] > CV[-1])
            assert (now.state == "episode not confirmed") == (
                any(e.ongoing for e in eps) and not stat.iloc[-1] > CV[-1]
            )


def test_bad_paths_are_refused() -> None:
    with pytest.raises(InputError, match="differ"):
        episode_now(np.zeros(3), np.zeros(4), ())
    with pytest.raises(InputError, match="empty"):
        episode_now(np.zeros(0), np.zeros(0), ())
