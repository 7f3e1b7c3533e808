"""Simulated critical values of the sign-based sPWY and sPSY tests (Harvey, Leybourne & Zu 2020).

Under the null the signs of the differences are independent fair coin flips whatever the
volatility path (HLZ, Theorem 2), so the finite-sample null distribution of every sign-based
statistic is that of the signs of a driftless Gaussian random walk, for any volatility:
simulated once per sample size and minimum window, never bootstrapped per data set.
Replications run in the fixed chunks and spawned seeds of the PSY critical values (identical
for any ``n_jobs`` or executor) and are cached on disk under every parameter that changes
them. The result is a :class:`~bubblescope.detect.critical_values.PSYCriticalValues`: ``sadf``
holds the sPWY, ``gsadf`` (and ``familywise``) the sPSY critical values, ``badf`` and
``bsadf`` the pointwise sequences of the forward and backward sign-based DF paths.

The Monte Carlo error of a simulated quantile ``q_p`` is ``sqrt(p (1 - p) / reps) / f(q_p)``
with ``f`` the density of the statistic at ``q_p`` (:func:`quantile_standard_errors` estimates
``f`` from the spacing of the simulated quantiles).

References
----------
Harvey, D.I., Leybourne, S.J. and Zu, Y. (2020). Sign-based unit root tests for explosive
financial bubbles in the presence of deterministically time-varying volatility. Econometric
Theory 36(1), 122-169.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from bubblescope._typing import Float64Array, ProgressCallback, RngLike
from bubblescope.detect import _sign
from bubblescope.detect.critical_values import _cache
from bubblescope.detect.critical_values._result import (
    BSADFDefinition,
    PSYCriticalValues,
    check_levels,
    from_draws,
)
from bubblescope.detect.critical_values._simulate import CHUNK_REPS, seed_identity
from bubblescope.errors import InputError
from bubblescope.parallel import map_chunks, resolve_jobs, spawn_seeds

__all__ = ["SignPSYCV", "quantile_standard_errors", "sign_psy_chunk", "sign_sup_chunk"]

#: Method label of the simulated values.
METHOD = "sign-based Monte Carlo (HLZ 2020)"
#: Folder of the cached family-wise values (:meth:`SignPSYCV.familywise`).
_SUP_NAMESPACE = "sign_psy_sup"


def sign_psy_chunk(
    threaded: bool, task: tuple[np.random.SeedSequence, int, dict[str, Any]]
) -> tuple[Float64Array, Float64Array]:
    """``(badf, bsadf)`` of one chunk of null sign walks, one row per replication."""
    from bubblescope._kernels.sign_psy import sign_sweep_batch

    seed, reps, p = task
    bsadf, badf = sign_sweep_batch(_null_signs(seed, reps, p), p["minw"], threaded=threaded)
    return badf, bsadf


def _null_signs(seed: np.random.SeedSequence, reps: int, p: dict[str, Any]) -> Float64Array:
    """Sign increments of ``reps`` null random walks of ``p["T"]`` points (one per row)."""
    y = np.cumsum(np.random.default_rng(seed).standard_normal((reps, p["T"])), axis=1)
    return _sign.sign_increments(y, demean=p["demean"])


def sign_sup_chunk(
    threaded: bool, task: tuple[np.random.SeedSequence, int, dict[str, Any]]
) -> tuple[Float64Array, Float64Array]:
    """``(badf, spsy)`` of one chunk: the forward paths and the sPSY statistics.

    The walks of :func:`sign_psy_chunk`; each sPSY statistic is the supremum of the walk's
    backward path, found without that path.
    """
    from bubblescope._kernels.sign_psy import sign_sup_batch

    seed, reps, p = task
    spsy, badf = sign_sup_batch(_null_signs(seed, reps, p), p["minw"], threaded=threaded)
    return badf, spsy


@dataclass(frozen=True)
class SignPSYCV:
    """Simulated critical values of the sign-based DF statistics (sPWY, sPSY and their paths).

    Parameters
    ----------
    reps : int
        Null replications (at least 10; 2,000 puts the 95% sPSY value's Monte Carlo error near
        0.05 at T = 200).
    rng : int, SeedSequence, Generator or None
        Seed; chunks of 50 replications with spawned seeds.
    levels : tuple of float
        Confidence levels.
    bsadf_definition : {"sadf", "bsadf"}
        Pointwise sequence the backward path is stamped against: the quantile of the forward
        supremum up to each end (PSY's choice) or of the backward statistic itself (exuber's
        ``radf_sign_cv``); see :mod:`bubblescope.detect.critical_values._result`.
    cache : bool
        Read and write the on-disk cache (only with a reproducible ``rng``).
    n_jobs, executor, progress
        Parallelism across chunks and a ``progress(done, total)`` callback; in this process the
        chunks run on numba threads.

    Examples
    --------
    >>> cv = SignPSYCV(reps=100, rng=1, cache=False).compute(60, minw=6)
    >>> cv.gsadf.shape, cv.bsadf.shape
    ((3,), (54, 3))
    """

    reps: int = 2000
    rng: RngLike = 0
    levels: tuple[float, ...] = (0.90, 0.95, 0.99)
    bsadf_definition: BSADFDefinition = "sadf"
    cache: bool = True
    n_jobs: int | None = None
    executor: Executor | None = None
    progress: ProgressCallback | None = None

    def __post_init__(self) -> None:
        resolve_jobs(self.n_jobs)  # the one rule: 0 and below -1 are refused at once
        if self.reps < 10:
            raise InputError(f"reps must be at least 10, got {self.reps}")
        if self.bsadf_definition not in ("sadf", "bsadf"):
            raise InputError(
                f"bsadf_definition must be 'sadf' or 'bsadf', got {self.bsadf_definition!r}"
            )

    def draws(
        self, T: int, *, minw: int, demean: bool = False
    ) -> tuple[Float64Array, Float64Array]:
        """BADF and BSADF paths of every replication, each ``(reps, T - minw)``.

        Parameters
        ----------
        T : int
            Points of the series (``T - 1`` signs).
        minw : int
            Regression rows in the smallest window (``3 <= minw <= T - 1``).
        demean : bool
            Recursively demeaned signs (Harvey, Leybourne, Tatlow & Zu 2025).
        """
        parts = self._chunks(sign_psy_chunk, T, minw, demean)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def suprema(self, T: int, *, minw: int, demean: bool = False) -> Float64Array:
        """The sPSY statistic of every replication, ``(reps,)``: each walk's largest ratio.

        The same walks as :meth:`draws` and, bit for bit, the ``numpy.nanmax`` of each of its
        BSADF paths (NaN for a walk without a ratio), computed without the paths
        (:func:`bubblescope._kernels.sign_psy.sign_sup_batch`), many times faster.
        """
        return np.concatenate([p[1] for p in self._chunks(sign_sup_chunk, T, minw, demean)])

    def _chunks(self, chunk: Callable[..., Any], T: int, minw: int, demean: bool) -> list[Any]:
        """``chunk(threaded, (seed, reps, params))`` of each chunk of replications, in order."""
        if not 3 <= minw <= T - 1:
            raise InputError(
                f"the minimum window must hold 3 to T - 1 = {T - 1} regression rows, got {minw}"
            )
        chunks = -(-self.reps // CHUNK_REPS)
        seeds = spawn_seeds(self.rng, chunks)
        sizes = [min(CHUNK_REPS, self.reps - i * CHUNK_REPS) for i in range(chunks)]
        params = {"T": int(T), "minw": int(minw), "demean": bool(demean)}
        tasks = [(s, m, params) for s, m in zip(seeds, sizes, strict=True)]
        in_process = self.executor is None and resolve_jobs(self.n_jobs) == 1
        return map_chunks(
            partial(chunk, in_process), tasks, executor=self.executor, n_jobs=self.n_jobs,
            progress=self.progress,
        )  # fmt: skip

    def _key(self, T: int, minw: int, demean: bool, kind: str = "sign-psy") -> str | None:
        """The disk-cache key of :meth:`compute`, or of :meth:`familywise` (None: not cached)."""
        identity = seed_identity(self.rng)
        if not self.cache or identity is None:
            return None
        return _cache.cache_key(
            {
                "kind": kind,
                "T": int(T),
                "minw": int(minw),
                "demean": bool(demean),
                "reps": self.reps,
                "rng": identity,
                "levels": list(check_levels(self.levels)),
                "definition": self.bsadf_definition,
                "chunk": CHUNK_REPS,
                "undefined": "dropped",
            }
        )

    def is_cached(self, T: int, *, minw: int, demean: bool = False) -> bool:
        """Whether :meth:`compute` with these arguments would read the disk cache."""
        key = self._key(T, minw, demean)
        return key is not None and _cache.is_cached(key)

    def familywise(self, T: int, *, minw: int, demean: bool = False) -> Float64Array:
        """The sPSY critical values at :attr:`levels`, from the suprema alone (cached).

        Equal, bit for bit, to ``compute(T, minw=minw, demean=demean).gsadf`` (and
        ``.familywise``): the quantiles of :meth:`suprema` over the walks with a ratio, as
        :func:`~bubblescope.detect.critical_values._result.from_draws` takes them. For a
        caller that needs only the family-wise value (the ``sign_psy`` backtest signal), not
        the pointwise sequences.
        """
        levels = check_levels(self.levels)
        key = self._key(T, minw, demean, kind="sign-psy-sup")
        if key is not None:
            hit = _cache.load_array(_SUP_NAMESPACE, key, (len(levels),))
            if hit is not None:
                return hit
        sup = self.suprema(T, minw=minw, demean=demean)
        sup = sup[np.isfinite(sup)]
        values = (
            np.nanquantile(sup, np.asarray(levels)) if sup.size else np.full(len(levels), np.nan)
        )
        if key is not None:
            _cache.save_array(_SUP_NAMESPACE, key, values)
        return np.asarray(values, dtype=np.float64)

    def familywise_is_cached(self, T: int, *, minw: int, demean: bool = False) -> bool:
        """Whether :meth:`familywise` with these arguments would read the disk cache."""
        key = self._key(T, minw, demean, kind="sign-psy-sup")
        return key is not None and _cache.is_cached_array(_SUP_NAMESPACE, key)

    def compute(self, T: int, *, minw: int, demean: bool = False) -> PSYCriticalValues:
        """Critical values at :attr:`levels` for ``T`` points and ``minw`` rows (cached).

        With ``bsadf_definition="sadf"`` (the default) the backward paths are never simulated:
        the pointwise values need only the forward paths and the sPSY values each walk's
        supremum (:meth:`suprema`), the same numbers many times faster.
        """
        levels = check_levels(self.levels)
        key = self._key(T, minw, demean)
        if key is not None:
            hit = _cache.load(key)
            if hit is not None:
                return hit
        method = METHOD if not demean else f"{METHOD}, recursively demeaned signs"
        bsadf: Float64Array | None = None
        if self.bsadf_definition == "sadf":  # the pointwise values need only the forward paths
            parts = self._chunks(sign_sup_chunk, T, minw, demean)
            badf = np.concatenate([p[0] for p in parts])
            spsy: Float64Array | None = np.concatenate([p[1] for p in parts])
        else:
            badf, bsadf = self.draws(T, minw=minw, demean=demean)
            spsy = None
        cv = from_draws(
            badf, bsadf, levels=levels, definition=self.bsadf_definition,
            method=f"{method}, T = {T}, minimum window {minw} rows", horizon=badf.shape[1],
            undefined=True, suprema=spsy,
        )  # fmt: skip
        if key is not None:
            _cache.save(key, cv)
        return cv


def quantile_standard_errors(draws: Float64Array, levels: tuple[float, ...]) -> Float64Array:
    """Monte Carlo standard error of each simulated quantile of ``draws``.

    ``sqrt(p (1 - p) / n) / f(q_p)``: the density ``f`` at the quantile is estimated by the
    difference quotient ``2 h / (q_{p+h} - q_{p-h})`` of the empirical quantile function, with
    ``h = min(sqrt(sqrt(p (1 - p) / n)) / 2, p / 2, (1 - p) / 2)``.

    Examples
    --------
    >>> x = np.random.default_rng(0).standard_normal(100_000)
    >>> float(quantile_standard_errors(x, (0.5,))[0].round(4))  # sqrt(pi / 2 / n)
    0.004
    """
    x = np.asarray(draws, dtype=np.float64)
    n = len(x)
    out = []
    for p in check_levels(levels):
        se_p = float(np.sqrt(p * (1.0 - p) / n))
        h = min(0.5 * np.sqrt(se_p), p / 2.0, (1.0 - p) / 2.0)
        lo, hi = np.quantile(x, [p - h, p + h])
        out.append(se_p * float(hi - lo) / (2.0 * h))
    return np.asarray(out, dtype=np.float64)
