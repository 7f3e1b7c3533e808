"""The worker side of DS LPPLS Confidence: one block of dates, from prices to indicator rows.

Kept free of pandas (and of everything but numpy, numba and the LPPLS engine) because
:func:`bubblescope.parallel.map_chunks` pickles :func:`_run_dates` by reference: each spawned
worker imports this module, and a pandas import there costs ~0.2 s CPU per worker for nothing.
:mod:`bubblescope.detect._lppls_indicators` builds the tasks and the result frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.detect._lppls_config import GridSpec, LPPLSFilter, SearchSpace
from bubblescope.detect._lppls_engine import NestedFits, fit_nested_dates, trust_fractions

#: Quantiles of tc − t2 among the qualifying positive-bubble windows (the spread of tc).
TC_QUANTILES: tuple[float, float] = (0.1, 0.9)


@dataclass(frozen=True)
class _DateTask:
    y: Float64Array
    starts: np.ndarray
    space: SearchSpace
    grid: GridSpec
    flt: LPPLSFilter
    trust_flt: LPPLSFilter | None
    n_synthetic: int
    seed: np.random.SeedSequence


def _run_dates(tasks: list[_DateTask], threads: int = 1) -> list[tuple[float, ...]]:
    """Indicators of a block of t2 sharing one grid scan (module level: executors pickle it).

    ``threads``: threads sharing the grid scan and each date's windows in the polish
    (bitwise equal).
    """
    first = tasks[0]
    ys = np.stack([t.y for t in tasks])
    fits = fit_nested_dates(ys, first.starts, first.space, first.grid, threads=threads)
    return [_indicators(f, t) for f, t in zip(fits, tasks, strict=True)]


def _indicators(
    fits: NestedFits,
    task: _DateTask,
    trust: tuple[Float64Array, Float64Array] | None = None,
) -> tuple[float, ...]:
    """Confidence (and Trust) of one t2 from its window fits.

    ``trust``: the per-window Trust fractions when already computed (the gpu backend); else
    they are computed here (numba) when the task asks for Trust.
    """
    ok = fits.passes(task.flt)
    w = float(task.starts.shape[0])
    pos = ok & (fits.b < 0)
    neg = ok & (fits.b > 0)
    offset = fits.tc - fits.t2
    tc_pos = float(np.median(offset[pos])) if pos.any() else np.nan
    tc_neg = float(np.median(offset[neg])) if neg.any() else np.nan
    lo, hi = np.quantile(offset[pos], TC_QUANTILES) if pos.any() else (np.nan, np.nan)
    trust_pos = trust_neg = np.nan
    if trust is None and task.trust_flt is not None:
        trust = trust_fractions(
            task.y, fits, task.trust_flt, task.n_synthetic, task.seed, task.grid
        )
    if trust is not None:
        fp, fn = trust
        trust_pos = float(np.median(fp))
        trust_neg = float(np.median(fn))
    return (
        float(pos.sum()) / w,
        float(neg.sum()) / w,
        trust_pos,
        trust_neg,
        tc_pos,
        tc_neg,
        float(lo),
        float(hi),
    )
