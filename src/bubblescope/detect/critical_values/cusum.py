"""Boundary constants of the Homm-Breitung CUSUM monitor: their Table 8 or simulated.

The detector and the boundary are in :mod:`bubblescope.detect._cusum`. The constant ``b`` of
the boundary ``sqrt(t (b + log(t/n)))`` sets the false-alarm rate over a monitoring horizon:

* :data:`HB_TABLE8`: Homm and Breitung's own finite-sample constants (their Table 8(i),
  without drift estimation) for training lengths n = 20, 50, 100, levels 90/95/99% and
  horizons ``k = N/n`` = 2..10;
* :class:`CUSUMCV`: the ``level`` quantile of the crossing constant over simulated driftless
  Gaussian random walks of the actual ``n`` and ``N`` (the detector is invariant to the level
  and scale of the walk), in the fixed chunks and spawned seeds of the PSY critical values,
  cached on disk under every parameter that changes them; for HB's detector or the
  volatility-robust one of Astill, Harvey, Leybourne, Taylor & Zu (2023) (``bandwidth``).

References
----------
Homm, U. and Breitung, J. (2012). Testing for speculative bubbles in stock markets: a
comparison of alternative methods. Journal of Financial Econometrics 10(1), 198-231
(Table 8(i); transcribed from the paper by exuber's development branch, R/monitor_cusum.R,
``hb_cusum_finite_table``).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from bubblescope._kernels.monitor_null import (
    cusum_crossing_constants,
    robust_crossing_constants,
)
from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect._cusum import kernel_weights
from bubblescope.detect.critical_values import _cache
from bubblescope.detect.critical_values._cache import cache_key
from bubblescope.detect.critical_values._result import check_levels
from bubblescope.detect.critical_values._simulate import CHUNK_REPS, seed_identity
from bubblescope.errors import InputError
from bubblescope.parallel import map_chunks, resolve_jobs, spawn_seeds

__all__ = ["CUSUMCV", "HB_TABLE8", "HB_TABLE8_HORIZONS", "hb_table8"]

#: Horizon ratios ``k = N / n`` of Table 8's columns.
HB_TABLE8_HORIZONS: tuple[int, ...] = (2, 3, 4, 5, 6, 8, 10)
#: Homm & Breitung (2012) Table 8(i): ``b`` by (training length n, significance level alpha),
#: one value per horizon ratio of :data:`HB_TABLE8_HORIZONS`.
HB_TABLE8: dict[tuple[int, float], tuple[float, ...]] = {
    (100, 0.10): (0.92, 1.39, 1.62, 1.80, 1.92, 2.08, 2.19),
    (100, 0.05): (1.51, 2.14, 2.47, 2.73, 2.88, 3.20, 3.36),
    (100, 0.01): (2.86, 3.92, 4.57, 4.94, 5.30, 5.72, 6.02),
    (50, 0.10): (0.87, 1.31, 1.55, 1.70, 1.82, 1.97, 2.06),
    (50, 0.05): (1.43, 2.03, 2.34, 2.62, 2.80, 3.03, 3.12),
    (50, 0.01): (2.85, 3.87, 4.25, 4.77, 5.03, 5.47, 5.94),
    (20, 0.10): (0.81, 1.18, 1.43, 1.61, 1.75, 1.91, 2.02),
    (20, 0.05): (1.27, 1.96, 2.35, 2.53, 2.72, 3.00, 3.13),
    (20, 0.01): (2.61, 3.91, 4.49, 4.97, 5.16, 5.52, 5.74),
}


def hb_table8(n: int, k: int, level: float) -> float:
    """Table 8(i)'s ``b`` for exactly tabulated ``n``, ``k = N/n`` and ``level``.

    Raises
    ------
    InputError
        For a cell the table does not have (no interpolation: simulate with :class:`CUSUMCV`).
    """
    alpha = round(1.0 - level, 10)
    row = HB_TABLE8.get((n, alpha))
    if row is None or k not in HB_TABLE8_HORIZONS:
        raise InputError(
            f"Homm-Breitung Table 8 has no cell n={n}, k={k}, level={level}",
            hint="n in (20, 50, 100), k in (2, 3, 4, 5, 6, 8, 10), level 0.90/0.95/0.99; "
            "or simulate the constant with CUSUMCV",
        )
    return row[HB_TABLE8_HORIZONS.index(k)]


def _chunk(task: tuple[np.random.SeedSequence, int, int, int, bool, int | None]) -> Float64Array:
    """Crossing constants of one chunk of null random walks."""
    seed, reps, n, N, demean, bandwidth = task
    y = np.cumsum(np.random.default_rng(seed).standard_normal((reps, N)), axis=1)
    # one pass per walk (monitor_null), bitwise detector() and crossing_constant()
    mu = np.diff(y[:, :n], axis=1).mean(axis=1) if demean else np.zeros(reps)
    log_ratio = np.log(np.arange(n + 1, N + 1, dtype=np.float64) / n)
    constants: Float64Array
    if bandwidth is None:
        constants = cusum_crossing_constants(y, n, mu, log_ratio)
    else:
        weights = kernel_weights(bandwidth)
        constants = robust_crossing_constants(y, n, mu, weights, log_ratio)
    return constants


@dataclass(frozen=True)
class CUSUMCV:
    """Simulated boundary constants of the CUSUM monitor.

    Parameters
    ----------
    reps : int
        Replications (2,000 puts the 95% constant's MC s.e. near 0.05).
    rng : int, SeedSequence, Generator or None
        Seed; replications run in fixed chunks of 50 with spawned seeds, so the constants are
        identical for any ``n_jobs`` or executor.
    levels : tuple of float
        Confidence levels (one minus the false-alarm rate over the horizon).
    cache : bool
        Read and write the on-disk cache (only with a reproducible ``rng``).
    n_jobs, executor, progress
        Parallelism across chunks and a ``progress(done, total)`` callback. With neither
        ``n_jobs`` (None or 1) nor an executor the chunks run on this process's threads
        (:func:`~bubblescope.parallel.local_threads`).

    Examples
    --------
    >>> b = CUSUMCV(reps=200, rng=1, cache=False).compute(50, 100)
    >>> b.shape
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

    def draws(
        self, n: int, N: int, *, demean: bool = False, bandwidth: int | None = None
    ) -> Float64Array:
        """The crossing constant of each replication (``reps`` values).

        ``bandwidth``: None for HB's detector, ``H`` for the volatility-robust one.
        """
        if self.reps < 10:
            raise InputError(f"reps must be at least 10, got {self.reps}")
        if not 2 <= n < N:
            raise InputError(f"need 2 <= n < N, got n={n}, N={N}")
        if bandwidth is not None and not 1 <= bandwidth < n:
            raise InputError(f"need 1 <= bandwidth < n, got bandwidth={bandwidth}, n={n}")
        chunks = -(-self.reps // CHUNK_REPS)
        seeds = spawn_seeds(self.rng, chunks)
        sizes = [min(CHUNK_REPS, self.reps - i * CHUNK_REPS) for i in range(chunks)]
        tasks = [(s, m, n, N, demean, bandwidth) for s, m in zip(seeds, sizes, strict=True)]
        parts = map_chunks(
            _chunk, tasks, executor=self.executor, n_jobs=self.n_jobs,
            progress=self.progress, threaded=True,
        )  # fmt: skip
        return np.concatenate(parts)

    def compute(
        self, n: int, N: int, *, demean: bool = False, bandwidth: int | None = None
    ) -> Float64Array:
        """Boundary constants ``b`` at :attr:`levels` for ``n`` training and ``N`` total points."""
        levels = check_levels(self.levels)
        identity = seed_identity(self.rng)
        key: str | None = None
        if self.cache and identity is not None:
            key = cache_key(
                {
                    "kind": "cusum-hb",
                    "n": n,
                    "N": N,
                    "demean": demean,
                    "bandwidth": bandwidth,
                    "reps": self.reps,
                    "rng": identity,
                    "levels": list(levels),
                    "chunk": CHUNK_REPS,
                }
            )
            cached = _cache.load_array("cusum_cv", key, (len(levels),))
            if cached is not None:
                return cached
        b = np.quantile(self.draws(n, N, demean=demean, bandwidth=bandwidth), levels)
        if key is not None:
            _cache.save_array("cusum_cv", key, b)
        return np.asarray(b, dtype=np.float64)
