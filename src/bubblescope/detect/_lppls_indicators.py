"""DS LPPLS Confidence and Trust over a range of dates (Sornette et al. 2015).

For each "present" date t2, every window of a :class:`WindowSet` ending at t2 is fitted (grid
over (tc, m, ω) shared by all windows, then bounded LM polishing). Then

* **Confidence** = (number of windows whose fit passes filter 1 with B < 0) / (number of
  windows) for positive bubbles, and likewise with B > 0 for negative bubbles. The denominator
  is *all* windows, as in FCO's definition (the ``lppls`` package divides by same-sign fits).
* **Trust** = median over windows of the fraction of ``n_synthetic`` synthetic series (the
  window's fitted LPPLS path plus its residuals resampled with replacement) whose refits pass
  filter 2 with the same sign of B. Refits start from the window's fit and best grid point.

Dates are independent, each with its own child seed. They run in blocks of consecutive dates
whose grid scan is shared (:func:`bubblescope.detect._lppls_engine.fit_nested_dates`, bitwise
equal per date to the one-date scan), on threads of this process or mapped on worker processes
or an executor by :func:`bubblescope.parallel.map_chunks`, so serial and parallel runs, and
any blocking, give identical results.

References
----------
Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. and Zhang, Q. (2015). Real-time
prediction and post-mortem analysis of the Shanghai 2015 stock market bubble and crash.
Journal of Investment Strategies 4(4), 77–95.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict, ProgressCallback, RngLike, SeriesLike
from bubblescope.charts import ChartSpec, Line, Panel, VLine, price_panel
from bubblescope.data.validate import validate_series
from bubblescope.detect._lppls_config import GridSpec, LPPLSFilter, SearchSpace, WindowSet
from bubblescope.detect._lppls_dates import _DateTask, _indicators, _run_dates
from bubblescope.detect._lppls_engine import fit_nested_dates_jax, trust_fractions_jax
from bubblescope.detect._lppls_time import locate
from bubblescope.errors import InputError
from bubblescope.parallel import local_threads, map_chunks, resolve_jobs, spawn_seeds
from bubblescope.result import ResultMixin

if TYPE_CHECKING:
    from bubblescope.detect.lppls import LPPLSFit

__all__ = ["COLUMNS", "LPPLSIndicators", "confidence_at_last", "lppls_confidence"]

Backend = Literal["cpu", "gpu", "auto"]
#: Label of the default (numba) backend in :attr:`LPPLSIndicators.device`.
CPU_DEVICE = "numba cpu"

#: Columns of :meth:`LPPLSIndicators.to_frame`.
COLUMNS: tuple[str, ...] = (
    "confidence_pos",
    "confidence_neg",
    "trust_pos",
    "trust_neg",
    "tc_median_pos",
    "tc_median_neg",
    "tc_q10_pos",
    "tc_q90_pos",
)
#: Most dates per block sharing one grid scan (the shared scan costs ~12 ms a date at 16, ~55
#: ms alone; larger blocks gain little and balance worse across workers).
_MAX_BLOCK = 16
#: Blocks per worker slot when an executor of unknown size maps them.
_EXECUTOR_SLOTS = 8


def _blocks(tasks: list[_DateTask], slots: int) -> list[list[_DateTask]]:
    """Consecutive blocks of at most :data:`_MAX_BLOCK` dates, a multiple of ``slots`` of them.

    Sizes differ by at most one date, so ``slots`` workers get equal work (a block of dates
    costs the same whatever its dates: every date fits the same windows). The blocking never
    changes a result (each date's fits are bitwise those of a one-date block).
    """
    rounds = -(-len(tasks) // (slots * _MAX_BLOCK))
    n_blocks = min(len(tasks), slots * rounds)
    bounds = np.linspace(0, len(tasks), n_blocks + 1).round().astype(int)
    return [tasks[a:b] for a, b in pairwise(bounds)]


def _run_dates_cpu(
    tasks: list[_DateTask],
    n_jobs: int | None,
    executor: Executor | None,
    progress: ProgressCallback | None,
) -> list[tuple[float, ...]]:
    """Rows of all dates by the numba engine: on this process's threads or mapped.

    With an executor, or ``n_jobs`` > 1 worker processes, the blocks of dates are mapped by
    :func:`bubblescope.parallel.map_chunks` (one thread each). Otherwise they run on
    :func:`bubblescope.parallel.local_threads` threads of this process (the numba kernels
    release the GIL), handed out as threads come free. A single block (one date) shares its
    grid scan and its windows among the threads (or among the ``n_jobs`` workers' worth of
    threads) instead.
    """
    workers = resolve_jobs(n_jobs)
    threads = local_threads() if executor is None and workers == 1 else workers
    blocks = _blocks(tasks, _EXECUTOR_SLOTS if executor is not None else threads)
    if executor is None and len(blocks) == 1:
        rows = _run_dates(blocks[0], threads=threads)
        if progress is not None:
            progress(len(rows), len(tasks))
        return rows
    done = 0

    def report(_: int, rows: list[tuple[float, ...]]) -> None:
        nonlocal done
        done += len(rows)
        if progress is not None:
            progress(done, len(tasks))

    out = map_chunks(
        _run_dates, blocks, executor=executor, n_jobs=n_jobs, on_result=report, threaded=True
    )
    return [row for rows in out for row in rows]


@dataclass(frozen=True)
class LPPLSIndicators(ResultMixin):
    """DS LPPLS Confidence and Trust by date.

    Attributes
    ----------
    frame : pandas.DataFrame
        Indexed by t2 (dates or positions); columns :data:`COLUMNS`. ``tc_median_*`` is the
        median tc − t2 (trading days) of the qualifying windows, ``tc_q10_pos`` and
        ``tc_q90_pos`` the 10th and 90th percentiles of tc − t2 over the qualifying
        positive-bubble windows (NaN when none qualifies); Trust columns are NaN when Trust
        was not computed.
    prices : pandas.Series
        The input prices (for plotting).
    windows : WindowSet
    filter, trust_filter : LPPLSFilter
    space : SearchSpace
    n_synthetic : int
        Synthetic series per window for Trust (0 when not computed).
    device : str
        Where the window fits ran: ``"numba cpu"`` or the JAX device, e.g. ``"jax gpu (NVIDIA
        H100 80GB HBM3)"``.
    """

    frame: pd.DataFrame
    prices: pd.Series = field(repr=False)
    windows: WindowSet
    filter: LPPLSFilter
    trust_filter: LPPLSFilter
    space: SearchSpace
    n_synthetic: int
    device: str = CPU_DEVICE

    def to_frame(self) -> pd.DataFrame:
        """The indicators by date (a copy)."""
        return self.frame.copy()

    def to_dict(self) -> JSONDict:
        """Return a JSON-ready dict: settings and one record per date."""
        out: JSONDict = to_jsonable(
            {
                "windows": self.windows.to_dict(),
                "filter": self.filter.to_dict(),
                "trust_filter": self.trust_filter.to_dict(),
                "search_space": self.space.to_dict(),
                "n_synthetic": self.n_synthetic,
                "device": self.device,
                "rows": self.frame.reset_index().rename(columns={"index": "t2"}).to_dict("records"),
            }
        )
        return out

    def summary(self) -> str:
        """Text summary: settings, the last date and the peaks."""
        f = self.frame
        lines = [
            f"DS LPPLS indicators: {len(f)} date(s), {len(self.windows)} windows "
            f"({self.windows.max_window}->{self.windows.min_window} step {self.windows.step})",
        ]
        if len(f):
            last = f.iloc[-1]
            trust = (
                f"trust +{last['trust_pos']:.3f} / -{last['trust_neg']:.3f}"
                if self.n_synthetic
                else "trust not computed"
            )
            lines.append(
                f"  last t2 {_fmt(f.index[-1])}: confidence +{last['confidence_pos']:.3f} / "
                f"-{last['confidence_neg']:.3f}, {trust}"
            )
            for col in ("confidence_pos", "confidence_neg"):
                k = int(np.nanargmax(f[col].to_numpy()))
                lines.append(f"  peak {col}: {f[col].iloc[k]:.3f} at {_fmt(f.index[k])}")
        return "\n".join(lines)

    def chart_spec(
        self,
        *,
        fit: LPPLSFit | None = None,
        name: str = "price",
        title: str | None = None,
        source: str = "",
    ) -> ChartSpec:
        """Price (log scale) above positive and negative Confidence (and Trust when computed).

        Parameters
        ----------
        fit : LPPLSFit, optional
            A single fit drawn over the prices (its path to tc and tc); the price panel then
            spans its window too.
        name : str
            What the prices are (the legend of the price line).
        title : str, optional
            The chart's title (default: ``name``, and the fit when one is drawn).
        source : str
            The source line printed under the chart.
        """
        f = self.frame
        lo, hi = (
            (f.index[0], f.index[-1]) if len(f) else (self.prices.index[0], self.prices.index[-1])
        )
        lines: tuple[Line, ...] = ()
        vlines: tuple[VLine, ...] = ()
        if fit is not None:
            path, tc = fit.lines()
            lines, vlines = (path,), (tc,)
            lo, hi = min(lo, fit.index[0]), max(hi, fit.index[-1])
        trust = (
            (
                Line(
                    f.index, f["trust_pos"], "trust, positive bubble", color="#CC79A7", dash="dot"
                ),
                Line(
                    f.index, f["trust_neg"], "trust, negative bubble", color="#009E73", dash="dot"
                ),
            )
            if f["trust_pos"].notna().any()
            else ()
        )
        return ChartSpec(
            title
            or f"{name}: " + ("LPPLS fit and " if fit is not None else "") + "DS LPPLS Confidence",
            (
                price_panel(self.prices.loc[lo:hi], name, lines=lines, vlines=vlines),
                Panel(
                    "Confidence",
                    "share of windows",
                    yrange=(0.0, 1.0),
                    lines=(
                        Line(
                            f.index,
                            f["confidence_pos"],
                            "confidence, positive bubble",
                            color="#CC79A7",
                        ),
                        Line(
                            f.index,
                            f["confidence_neg"],
                            "confidence, negative bubble",
                            color="#009E73",
                        ),
                        *trust,
                    ),
                    height=0.7,
                ),
            ),
            source=source,
        )


def _fmt(x: object) -> str:
    return str(x.date()) if isinstance(x, pd.Timestamp) else str(x)


def lppls_confidence(
    prices: SeriesLike,
    dates: Iterable[object] | None = None,
    *,
    windows: WindowSet | None = None,
    filter: LPPLSFilter | None = None,
    trust_filter: LPPLSFilter | None = None,
    trust: bool = False,
    n_synthetic: int = 100,
    space: SearchSpace | None = None,
    grid: GridSpec | None = None,
    rng: RngLike = None,
    n_jobs: int | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
    backend: Backend = "cpu",
) -> LPPLSIndicators:
    """DS LPPLS Confidence (and optionally Trust) for positive and negative bubbles.

    Parameters
    ----------
    prices : SeriesLike
        Positive prices, one per trading day, no gaps.
    dates : iterable of date-like or int, optional
        The t2 values (a date means the last observation on or before it; an int a position,
        ``0 .. len(prices) - 1``, negative positions refused). Default: every observation with
        at least ``windows.max_window`` observations up to it.
    windows : WindowSet, optional
        Nested windows per date; default 750 → 125 in steps of 5 (126 windows).
    filter : LPPLSFilter, optional
        Qualification for Confidence; default :meth:`LPPLSFilter.fco_confidence`.
    trust_filter : LPPLSFilter, optional
        Qualification for Trust; default :meth:`LPPLSFilter.fco_trust`.
    trust : bool
        Compute Trust (refits ``n_synthetic`` series per window: about 100× the cost of
        Confidence).
    n_synthetic : int
        Synthetic series per window for Trust (100 in Sornette et al. 2015).
    space : SearchSpace, optional
        Search bounds; default :meth:`SearchSpace.fco`.
    grid : GridSpec, optional
        Grid and polishing settings; default ``GridSpec()``.
    rng : int, Generator, SeedSequence or None
        Seeds the Trust resampling (one child per date).
    n_jobs, executor : optional
        Parallelism over dates (``backend="cpu"``), as in
        :func:`bubblescope.parallel.map_chunks`: worker processes or an executor. With
        neither (``n_jobs`` None or 1) the dates run in this process on
        :func:`~bubblescope.parallel.local_threads` threads (numba's thread count: every
        core unless ``NUMBA_NUM_THREADS`` says fewer), as the PSY simulations do. The
        result is the same bit for bit whatever runs it.
    progress : callable, optional
        ``progress(done, total)`` over dates, called as each block (``backend="cpu"``) or
        batch (``backend="gpu"``) of dates finishes.
    backend : {"cpu", "gpu", "auto"}
        ``"cpu"``: numba, dates mapped over ``n_jobs``/``executor``. ``"gpu"``: every date's
        windows are fitted in large batches by the JAX kernel
        (:func:`bubblescope._kernels.lppls_jax.fit_dates_jax`) on JAX's default device (a GPU
        if present, else the CPU); same grid and bounds, polished by a fixed number
        (``2 * grid.max_iter``) of LM iterations, so SSRs agree with numba to about 1e-7
        relative. With ``trust`` the synthetic series are drawn on the host exactly as for
        the cpu backend and refitted in large batches by
        :func:`bubblescope._kernels.lppls_jax.refit_rows_jax`, which runs numba's LM with
        its stopping rules, so Trust equals the cpu backend's up to floating-point ties at a
        filter bound (the tests find every window's pass count identical).
        ``"auto"``: ``"gpu"`` when JAX sees a GPU, else ``"cpu"``.

    Returns
    -------
    LPPLSIndicators

    Raises
    ------
    InputError
        Bad prices, a negative or out-of-range date position, a date with fewer than
        ``windows.max_window`` observations up to it, ``n_synthetic < 1`` with ``trust``,
        ``n_jobs`` 0 or below -1 (whatever the backend, :func:`~bubblescope.parallel.resolve_jobs`),
        or an unknown ``backend``.
    BackendError
        ``backend="gpu"`` without jax installed.
    """
    windows = windows or WindowSet()
    flt = filter or LPPLSFilter.fco_confidence()
    tflt = trust_filter or LPPLSFilter.fco_trust()
    space = space or SearchSpace.fco()
    grid = grid or GridSpec()
    resolve_jobs(n_jobs)
    use_gpu = _use_gpu(backend)
    if trust and n_synthetic < 1:
        raise InputError(f"n_synthetic must be at least 1 for Trust, got {n_synthetic}")
    vs = validate_series(
        prices,
        min_points=windows.max_window,
        name="prices",
        purpose=f"LPPLS windows of {windows.max_window} observations",
    )
    index = vs.index
    logp = np.log(vs.values)
    need = windows.max_window
    if dates is None:
        positions = list(range(need - 1, len(logp)))
    else:
        given = list(dates)
        for d in given:
            if isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d < 0:
                raise InputError(
                    f"date position {d} is negative; an integer date is a position counted "
                    f"from the first observation (0..{len(logp) - 1})",
                    hint=f"for the last observation pass {len(logp) - 1} or its date",
                )
        positions = sorted({locate(index, d, side="right", what="date") for d in given})
        if not positions:
            raise InputError("no dates given")
        short = [p for p in positions if p + 1 < need]
        if short:
            raise InputError(
                f"date {_fmt(index[short[0]])} has {short[0] + 1} observations up to it; the "
                f"longest window needs {need}",
                hint="pick later dates or a smaller WindowSet.max_window",
            )
    starts = (need - windows.lengths).astype(np.int64)
    seeds = (
        spawn_seeds(rng, len(positions)) if trust else [np.random.SeedSequence(0)] * len(positions)
    )
    tasks = [
        _DateTask(
            np.ascontiguousarray(logp[p - need + 1 : p + 1]),
            starts,
            space,
            grid,
            flt,
            tflt if trust else None,
            n_synthetic,
            s,
        )
        for p, s in zip(positions, seeds, strict=True)
    ]
    device = CPU_DEVICE
    if use_gpu:
        rows, device = _run_dates_gpu(tasks, progress)
    else:
        rows = _run_dates_cpu(tasks, n_jobs, executor, progress)
    frame = pd.DataFrame(rows, columns=list(COLUMNS), index=index[positions])
    frame.index.name = "t2"
    return LPPLSIndicators(
        frame=frame,
        prices=vs.series,
        windows=windows,
        filter=flt,
        trust_filter=tflt,
        space=space,
        n_synthetic=n_synthetic if trust else 0,
        device=device,
    )


def confidence_at_last(
    logps: list[Float64Array], windows: WindowSet | None = None
) -> list[tuple[float, float]]:
    """DS LPPLS Confidence (positive, negative) at the last observation of many series.

    The series' windows share the grid scan in blocks of :data:`_MAX_BLOCK`, as consecutive
    dates of one series do in :func:`lppls_confidence`: the scan's power and trigonometric
    rows depend only on the distance to t2, not on the prices, so any series of the same
    window set can share them. Each series' result is bitwise that of
    ``lppls_confidence(prices, [len(prices) - 1], windows=windows)`` with the default filter,
    search space and grid (tested): the universe monitor's newest-date update for a chunk of
    tickers. The blocks run on this process's threads, as in :func:`lppls_confidence` (one
    in a pool worker that has one).

    Parameters
    ----------
    logps : list of ndarray
        Log prices of each series, finite, each at least ``windows.max_window`` long (only
        the last ``max_window`` are used).
    windows : WindowSet, optional
        Default 750 → 125 in steps of 5.

    Returns
    -------
    list of (float, float)
        (confidence_pos, confidence_neg) per series, in order.

    Raises
    ------
    InputError
        A series shorter than the longest window, or holding a NaN or infinite value.
    """
    windows = windows or WindowSet()
    need = windows.max_window
    starts = (need - windows.lengths).astype(np.int64)
    space, grid, flt = SearchSpace.fco(), GridSpec(), LPPLSFilter.fco_confidence()
    tasks = []
    for i, logp in enumerate(logps):
        y = np.ascontiguousarray(np.asarray(logp, dtype=np.float64)[-need:])
        if y.shape[0] < need:
            raise InputError(
                f"series {i} has {y.shape[0]} observations; the longest window needs {need}"
            )
        if not np.all(np.isfinite(y)):
            raise InputError(f"series {i} holds a NaN or infinite log price in its last {need}")
        tasks.append(_DateTask(y, starts, space, grid, flt, None, 0, np.random.SeedSequence(0)))
    rows = _run_dates_cpu(tasks, None, None, None)
    return [(row[0], row[1]) for row in rows]


def _use_gpu(backend: str) -> bool:
    """Resolve ``backend`` to whether the JAX kernel runs."""
    if backend == "cpu":
        return False
    if backend == "gpu":
        from bubblescope._kernels.psy_jax import import_jax

        import_jax()
        return True
    if backend == "auto":
        from bubblescope._kernels.psy_jax import has_gpu

        return has_gpu()
    raise InputError(f"unknown backend {backend!r}", hint="choose one of 'cpu', 'gpu' or 'auto'")


def _run_dates_gpu(
    tasks: list[_DateTask], progress: ProgressCallback | None
) -> tuple[list[tuple[float, ...]], str]:
    """Confidence rows of all dates through the JAX kernel, in batches of dates."""
    from bubblescope._kernels.lppls_jax import dates_per_call
    from bubblescope._kernels.psy_jax import device_label

    first = tasks[0]
    ys = np.stack([t.y for t in tasks])
    batch = min(
        len(tasks),
        dates_per_call(
            ys.shape[1], first.grid.n_m, first.grid.n_omega, len(first.starts), first.grid.keep
        ),
    )
    # whole kernel batches per progress step, so progress costs no extra compiled shape
    step = batch * max(1, -(-len(tasks) // (batch * 20)))
    rows: list[tuple[float, ...]] = []
    for lo in range(0, len(tasks), step):
        fits = fit_nested_dates_jax(
            ys[lo : lo + step], first.starts, first.space, first.grid, batch=batch
        )
        chunk = tasks[lo : lo + step]
        trusts: list[tuple[Float64Array, Float64Array] | None] = [None] * len(chunk)
        if first.trust_flt is not None:
            trusts = list(
                trust_fractions_jax(
                    [t.y for t in chunk],
                    fits,
                    first.trust_flt,
                    first.n_synthetic,
                    [t.seed for t in chunk],
                    first.grid,
                )
            )
        rows += [_indicators(f, t, tr) for f, t, tr in zip(fits, chunk, trusts, strict=True)]
        if progress is not None:
            progress(len(rows), len(tasks))
    return rows, device_label()
