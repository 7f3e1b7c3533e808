"""Built backtest signals kept in the results cache, keyed by data vintage and settings.

A backtest rebuilds every signal from the prices; on an unchanged series with unchanged
settings that work (PSY's bootstrap and monitor, LPPLS Confidence at every grid date, the
monitors' restarts, ...) gives the same signal again. :func:`build_signal_cached` keeps each
built signal in :mod:`bubblescope.cache` under a key of everything it can depend on:

- the signal's name;
- the content hash of the validated prices (dates and values), so any revision, appended day
  or import changes it, and the data frequency read from them;
- the whole :class:`~bubblescope.backtest.signals.SignalConfig` (every signal's settings);
- the seed, an int;
- the content hashes of the market series and of Shiller's table, where given;
- bubblescope's version and the cache format (:func:`bubblescope.cache.result_key`).

Each input goes into every signal's key, whether that signal reads it or not: a change of
market only costs a rebuild, never a stale signal. A seed given as None, a Generator or a
:class:`numpy.random.SeedSequence` is never cached: None draws fresh entropy, and the other two
move on as they are used (a reused sequence spawns new children), so the same object does not
give the same signal twice. Parallelism (``n_jobs``, an executor) is left
out: results do not depend on it (tested for PSY and LPPLS). A signal that cannot be built
raises as before and nothing is stored. The cached signal equals the built one exactly
(float64 written in shortest round-trip form, :func:`~bubblescope.backtest.cached.signal_to_json`).
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._typing import RngLike
from bubblescope.backtest.cached import signal_from_json, signal_to_json
from bubblescope.backtest.signals import Signal, SignalConfig, build_signal
from bubblescope.cache import cached_json, content_hash, is_cached, result_key

__all__ = ["build_signal_cached", "signal_cached", "signal_key"]

#: Results-cache namespace of built signals.
NAMESPACE = "backtest-signal"

#: Names that build the same signals (``build_signal`` gives the run-up and the crash
#: probability together), stored under one key.
_SAME_BUILD = {"crash_probability": "runup"}


def _seed_parts(rng: RngLike) -> list[Any] | None:
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return ["int", int(rng)]
    return None


def signal_key(
    name: str,
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    frequency: str | None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | None = None,
    rng: RngLike = None,
) -> str | None:
    """Results-cache key of one built signal, or None unless its seed is an int.

    Parameters
    ----------
    name : str
        The name :func:`~bubblescope.backtest.signals.build_signal` takes (``runup`` and
        ``crash_probability`` share a key: each builds both).
    prices, cfg, frequency, shiller, market, rng
        As :func:`~bubblescope.backtest.signals.build_signal` takes them.

    Returns
    -------
    str or None
    """
    seed = _seed_parts(rng)
    if seed is None:
        return None
    return result_key(
        NAMESPACE,
        _SAME_BUILD.get(name, name),
        content_hash(prices),
        frequency,
        cfg.to_dict(),
        seed,
        None if market is None else content_hash(market),
        None if shiller is None else content_hash(shiller),
    )


def signal_cached(
    name: str,
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    frequency: str | None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | None = None,
    rng: RngLike = None,
) -> bool:
    """Whether :func:`build_signal_cached` would read this signal instead of building it."""
    key = signal_key(
        name, prices, cfg, frequency=frequency, shiller=shiller, market=market, rng=rng
    )
    return key is not None and is_cached(NAMESPACE, key)


def build_signal_cached(
    name: str,
    prices: pd.Series,
    cfg: SignalConfig,
    *,
    frequency: str | None,
    shiller: pd.DataFrame | None = None,
    market: pd.Series | None = None,
    rng: RngLike = None,
    n_jobs: int | None = None,
    executor: Executor | None = None,
) -> list[Signal]:
    """:func:`~bubblescope.backtest.signals.build_signal`, read from the cache when unchanged.

    Parameters and errors as :func:`~bubblescope.backtest.signals.build_signal`; ``prices``
    must carry a DatetimeIndex (the signals are stored on its dates).

    Returns
    -------
    list of Signal
        Equal to what :func:`~bubblescope.backtest.signals.build_signal` returns, whether read
        or built (a build is stored and read back, so both paths give the same objects).
    """

    def build() -> list[Signal]:
        return build_signal(
            name,
            prices,
            cfg,
            frequency=frequency,
            shiller=shiller,
            market=market,
            rng=rng,
            n_jobs=n_jobs,
            executor=executor,
        )

    key = signal_key(
        name, prices, cfg, frequency=frequency, shiller=shiller, market=market, rng=rng
    )
    if key is None:
        return build()
    dates = pd.DatetimeIndex(prices.index)
    stored = cached_json(NAMESPACE, key, lambda: [signal_to_json(s, dates) for s in build()])
    return [signal_from_json(data, dates) for data in stored]
