"""Built signals in the results cache: read back equal to a fresh build, rebuilt on any change.

``backtest(cache=True)`` must give exactly what ``backtest()`` computes, on a miss and on a hit;
a signal is rebuilt when one price, one setting, the seed, the market or Shiller's table
changes, and read back otherwise (counted by how often each signal is built).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bubblescope.backtest import ALL_SIGNALS, backtest, cached_signals, signal_cache
from bubblescope.backtest.signals import Signal
from bubblescope.errors import InputError
from tests.backtest.conftest import CHEAP, SMALL_EVENTS, shiller_like, weekly_prices
from tests.backtest.test_cached import assert_same

PRICES = weekly_prices(7, n=420)
MARKET = weekly_prices(8, n=420)
SHILLER = shiller_like(1)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """A fresh cache folder; every signal build is recorded (and done for real)."""
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    calls: list[str] = []
    real: Callable[..., list[Signal]] = signal_cache.build_signal

    def counted(name: str, *args: Any, **kwargs: Any) -> list[Signal]:
        calls.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(signal_cache, "build_signal", counted)
    return calls


def _run(prices: pd.Series = PRICES, **changes: Any) -> Any:
    kwargs: dict[str, Any] = {
        "signals": "all",
        "config": CHEAP,
        "shiller": SHILLER,
        "events": SMALL_EVENTS,
        "market": MARKET,
        "name": "S7",
        "rng": 11,
        "cache": True,
    }
    kwargs.update(changes)
    return backtest(prices, **kwargs)


def test_miss_and_hit_equal_the_uncached_backtest(builds: list[str]) -> None:
    fresh = _run(cache=False)
    assert not builds  # the uncached path never touches the cache
    assert cached_signals(PRICES, "all", config=CHEAP, shiller=SHILLER, market=MARKET, rng=11) == ()
    miss = _run()
    built = list(builds)
    hit = _run()
    assert builds == built  # read back: no signal built again
    assert set(built) == set(ALL_SIGNALS) - {"crash_probability"}  # built with the run-up
    assert fresh.values.isna().to_numpy().any()  # NaN survives the round trip as NaN
    assert_same(miss, fresh)
    assert_same(hit, fresh)
    held = cached_signals(PRICES, "all", config=CHEAP, shiller=SHILLER, market=MARKET, rng=11)
    assert held == tuple(s for s in ALL_SIGNALS if s in fresh.values.columns)


@pytest.mark.parametrize(
    "change",
    [
        lambda: {"config": dataclasses.replace(CHEAP, psy_level=0.9)},
        lambda: {"config": dataclasses.replace(CHEAP, lppls_threshold=0.2)},
        lambda: {"rng": 12},
        lambda: {"market": weekly_prices(9, n=420)},
        lambda: {"shiller": shiller_like(2)},
    ],
    ids=["setting", "lppls-setting", "seed", "market", "shiller"],
)
def test_any_changed_input_rebuilds_every_signal(
    builds: list[str], change: Callable[[], dict[str, Any]]
) -> None:
    _run()
    first = len(builds)
    changed = _run(**change())
    assert len(builds) == 2 * first  # every signal rebuilt, none read from the old entries
    assert_same(changed, _run(cache=False, **change()))
    _run(**change())
    assert len(builds) == 2 * first  # the changed inputs are now cached in turn


def test_one_changed_price_or_an_appended_day_rebuilds(builds: list[str]) -> None:
    _run(signals="psy,runup")
    nudged = PRICES.copy()
    nudged.iloc[200] *= 1.0 + 1e-12
    _run(nudged, signals="psy,runup")
    _run(PRICES.iloc[:-1], signals="psy,runup")
    _run(PRICES, signals="psy,runup")
    assert builds == ["psy", "runup"] * 3


def test_parallelism_and_the_name_share_an_entry(builds: list[str]) -> None:
    _run(signals="psy,lppls")
    _run(signals="psy,lppls", n_jobs=2, name="another label")
    assert builds == ["psy", "lppls"]


def test_unreproducible_seeds_and_no_cache_setting_always_build(
    builds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(signals="psy", rng=np.random.default_rng(3))
    _run(signals="psy", rng=None)
    seq = np.random.SeedSequence(3)
    _run(signals="psy", rng=seq)
    _run(signals="psy", rng=seq)  # spawned children already: not the same seed any more
    assert builds == ["psy"] * 4
    assert signal_cache.signal_key("psy", PRICES, CHEAP, frequency="W", rng=None) is None
    monkeypatch.setenv("BUBBLESCOPE_NO_CACHE", "1")
    _run(signals="psy")
    _run(signals="psy")
    assert builds == ["psy"] * 6


def test_a_signal_that_cannot_be_built_is_not_stored(builds: list[str], tmp_path: Path) -> None:
    short = PRICES.iloc[:30]
    with pytest.raises(InputError):
        _run(short, signals="psy", strict=True)
    with pytest.raises(InputError):
        _run(short, signals="psy", strict=True)
    assert builds == ["psy", "psy"]
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_crash_probability_alone_reads_the_runup_entry(builds: list[str]) -> None:
    both = _run(signals="runup")
    alone = _run(signals="crash_probability")
    assert builds == ["runup"]
    pd.testing.assert_series_equal(
        alone.values["crash_probability"], both.values["crash_probability"]
    )
