"""Simulated boundary constants of the sign-based and Breitung-Diegel monitors.

Each constant is the ``level`` quantile, over null replications, of the smallest constant a
replication's detector path never crosses within the monitoring horizon; so the chance of any
false alarm within the horizon is ``1 - level``. Replications run in the fixed chunks and
spawned seeds of the PSY critical values (identical for any ``n_jobs`` or executor) and are
cached on disk under every parameter that changes them.

* ``sign``: the sign-based DF path of Harvey, Leybourne & Zu (2020)
  (:mod:`bubblescope.detect._sign`) on random signs, the exact null whatever the volatility
  (signs of a driftless Gaussian walk); its constant is the sPWY critical value with
  ``r0 = n / N``.
* ``bd``: the Breitung-Diegel (2025) detectors (:mod:`bubblescope.detect._bd`) on Gaussian
  random walks with the training standard deviation estimated, as in monitoring.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from bubblescope._kernels.monitor_null import sign_df_sups
from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect import _bd
from bubblescope.detect.critical_values import _cache
from bubblescope.detect.critical_values._cache import cache_key
from bubblescope.detect.critical_values._result import check_levels
from bubblescope.detect.critical_values._simulate import CHUNK_REPS, seed_identity
from bubblescope.errors import InputError
from bubblescope.parallel import map_chunks, resolve_jobs, spawn_seeds

__all__ = ["SequentialCV", "bd_chunk", "sign_chunk"]


def sign_chunk(task: tuple[np.random.SeedSequence, int, dict[str, Any]]) -> Float64Array:
    """Sup of the sign-based DF path over the monitoring points of one chunk of null walks."""
    seed, reps, p = task
    y = np.cumsum(np.random.default_rng(seed).standard_normal((reps, p["N"])), axis=1)
    sups: Float64Array = sign_df_sups(y, p["n"], p["demean"])
    return sups


def bd_chunk(task: tuple[np.random.SeedSequence, int, dict[str, Any]]) -> Float64Array:
    """Crossing constants of a Breitung-Diegel detector on one chunk of null walks."""
    seed, reps, p = task
    n, h = p["n"], p["horizon"]
    d = np.random.default_rng(seed).standard_normal((reps, n - 1 + h))
    train = d[:, : n - 1]
    sigma = train.std(axis=1, ddof=1, keepdims=True)
    mon = d[:, n - 1 :] - (train.mean(axis=1, keepdims=True) if p["demean"] else 0.0)
    path = _bd.detector_path(mon / sigma, 1.0, h, p["detector"], p["cbar"])
    return _bd.crossing_constant(path, h, p["detector"])


_CHUNKS = {"sign": sign_chunk, "bd": bd_chunk}


@dataclass(frozen=True)
class SequentialCV:
    """Simulated boundary constants of the sequential monitors.

    Parameters
    ----------
    reps : int
        Null replications (2,000 puts the 95% constant's Monte Carlo error near 2%).
    rng : int, SeedSequence, Generator or None
        Seed; chunks of 50 with spawned seeds.
    levels : tuple of float
        One minus the false-alarm rate over the horizon.
    cache : bool
        Read and write the on-disk cache (only with a reproducible ``rng``).
    n_jobs, executor, progress
        Parallelism across chunks and a ``progress(done, total)`` callback. With neither
        ``n_jobs`` (None or 1) nor an executor the chunks run on this process's threads
        (:func:`~bubblescope.parallel.local_threads`).

    Examples
    --------
    >>> cv = SequentialCV(reps=100, rng=1, cache=False)
    >>> cv.compute("bd", n=50, horizon=50, detector="mcusum", cbar=0.0, demean=False).shape
    (3,)
    """

    reps: int = 2000
    rng: RngLike = 0
    levels: tuple[float, ...] = (0.90, 0.95, 0.99)
    cache: bool = True
    n_jobs: int | None = None
    executor: Executor | None = None
    progress: ProgressCallback | None = None

    def __post_init__(self) -> None:
        resolve_jobs(self.n_jobs)  # the one rule: 0 and below -1 are refused at once

    def draws(self, kind: str, **params: Any) -> Float64Array:
        """The crossing constant of each replication (``reps`` values)."""
        if kind not in _CHUNKS:
            raise InputError(f"unknown monitor {kind!r}", hint=f"one of {sorted(_CHUNKS)}")
        if self.reps < 10:
            raise InputError(f"reps must be at least 10, got {self.reps}")
        chunks = -(-self.reps // CHUNK_REPS)
        seeds = spawn_seeds(self.rng, chunks)
        sizes = [min(CHUNK_REPS, self.reps - i * CHUNK_REPS) for i in range(chunks)]
        tasks = [(s, m, params) for s, m in zip(seeds, sizes, strict=True)]
        parts = map_chunks(
            _CHUNKS[kind], tasks, executor=self.executor, n_jobs=self.n_jobs,
            progress=self.progress, threaded=True,
        )  # fmt: skip
        return np.concatenate(parts)

    def compute(self, kind: str, **params: Any) -> Float64Array:
        """Boundary constants at :attr:`levels` for monitor ``kind`` (``"sign"`` or ``"bd"``).

        ``sign`` takes ``n`` (training points), ``N`` (training plus horizon) and ``demean``;
        ``bd`` takes ``n``, ``horizon``, ``detector``, ``cbar`` and ``demean``.
        """
        levels = check_levels(self.levels)
        identity = seed_identity(self.rng)
        key: str | None = None
        if self.cache and identity is not None:
            key = cache_key(
                {
                    "kind": f"sequential-{kind}",
                    **params,
                    "reps": self.reps,
                    "rng": identity,
                    "levels": list(levels),
                    "chunk": CHUNK_REPS,
                }
            )
            cached = _cache.load_array("sequential_cv", key, (len(levels),))
            if cached is not None:
                return cached
        b = np.quantile(self.draws(kind, **params), levels)
        if key is not None:
            _cache.save_array("sequential_cv", key, b)
        return np.asarray(b, dtype=np.float64)
