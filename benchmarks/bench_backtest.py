"""Time the whole NASDAQ Composite daily backtest (1971-2026, every signal) on 2 cores.

Stages: PSY (Phillips-Shi family-wise critical value on the 10-year training sample, then the
streaming monitor over ~11,400 appended days), DS LPPLS Confidence on a monthly t2 grid (126
FCO windows per date; ``--n-jobs 1`` runs the dates on this process's numba threads, ``k > 1``
spreads them over ``k`` processes), then every other signal of
:data:`bubblescope.backtest.signals.ALL_SIGNALS`: the sequential monitors (HB CUSUM, robust
CUSUM, WHL, sign-based, Breitung-Diegel wCUSUM, each restarted on its rolling schedule), the
sign-based sPSY test (its critical value simulated for the 20-year period: 2,000 sign walks,
uncached here) and the SV-ADF dating (four-year samples), GSY run-up and crash probability, the
Shiller gauge and the two baselines; then event detection and scoring. Each stage builds its
signal through the results cache (``backtest.signal_cache``) in a fresh temporary folder, so it
is cold and includes writing the entry; the row ``warm rerun`` then times the whole
``backtest(cache=True)`` on the unchanged series, every signal read back (what a user's second
run costs), and checks it against the cold build.

Each stage prints its wall time, its CPU time (this process and its worker processes) and the
load average when it started: the box is shared, and CPU time is what two idle cores would
need to share.

Peer in the same run: the naive point-in-time PSY, i.e. exuber's C++ ``radf`` (pyexuber)
recomputed on the series truncated at each date, timed on ``--naive-dates`` evenly spaced dates
and extrapolated to every monitored date (stated as such in the table).

Run::

    .venv/bin/python benchmarks/bench_backtest.py [--data ../shared/data] [--n-jobs 2]
        [--lppls-grid M] [--max-lppls-dates N]

``--max-lppls-dates`` keeps only the last N grid dates' worth of history for LPPLS (timing a
subset; the table then extrapolates to the full grid and says so). ``--append-day`` times a
daily rerun instead (:func:`append_day`): the backtest after one more day, with the critical
values and each LPPLS grid date's Confidence cached, against the cold run it must equal.
``--monitor-threads`` times the four restarted monitors' boundary simulations on one thread
and on this process's threads (:func:`monitor_threads`), whose signals must be equal.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--lppls-grid", default="M")
    parser.add_argument("--max-lppls-dates", type=int, default=0)
    parser.add_argument("--naive-dates", type=int, default=20)
    parser.add_argument(
        "--universe",
        action="store_true",
        help="instead: time the 62-ticker universe (psy, runup, baselines)",
    )
    parser.add_argument(
        "--monitor-threads",
        action="store_true",
        help="instead: time the sequential monitors' boundary simulations on 1 and on the "
        "local threads",
    )
    parser.add_argument(
        "--append-day",
        action="store_true",
        help="instead: time a daily rerun, the backtest after one more day (see append_day)",
    )
    args = parser.parse_args()
    if args.universe:
        universe(Path(args.data), args.n_jobs)
        return
    if args.append_day:
        append_day(Path(args.data), args.n_jobs, args.lppls_grid)
        return
    if args.monitor_threads:
        monitor_threads(Path(args.data))
        return

    from bubblescope.backtest import EventSpec, SignalConfig, backtest, detect_events, score
    from bubblescope.backtest.histories import load_shiller
    from bubblescope.backtest.signal_cache import build_signal_cached
    from bubblescope.backtest.signals import ALL_SIGNALS, default_windows, lppls_grid_dates

    os.environ["BUBBLESCOPE_RESULTS_CACHE"] = tempfile.mkdtemp(prefix="bench-backtest-")
    os.environ.pop("BUBBLESCOPE_NO_CACHE", None)
    data = Path(args.data)
    prices, freq = _nasdaq(data)
    shiller = load_shiller(data / "shiller" / "shiller_monthly_tidy.csv")
    cfg = SignalConfig(lppls_grid=args.lppls_grid, cache=False)
    rows: list[tuple[str, float, str]] = []
    cpu: dict[str, tuple[float, float]] = {}
    built = {}

    def stage(name: str, note: str = "", series=prices) -> None:  # type: ignore[no-untyped-def]
        load = os.getloadavg()[0]
        t, c = time.perf_counter(), _cpu()
        for s in build_signal_cached(
            name, series, cfg, frequency=freq, shiller=shiller, rng=0, n_jobs=args.n_jobs
        ):
            built[s.name] = s
        rows.append((name, time.perf_counter() - t, note))
        cpu[name] = (_cpu() - c, load)

    total0 = time.perf_counter()
    stage("psy", "499-rep Phillips-Shi CV + streaming monitor")
    grid, _ = lppls_grid_dates(prices.index, args.lppls_grid, default_windows("D").max_window)
    if args.max_lppls_dates and args.max_lppls_dates < len(grid):
        first = grid[-args.max_lppls_dates]
        start = prices.index.searchsorted(first) - default_windows("D").max_window + 1
        sub = prices.iloc[start:]
        stage("lppls", f"SUBSET: {args.max_lppls_dates} of {len(grid)} grid dates", sub)
        name, secs, note = rows[-1]
        rows[-1] = (name, secs, note)
        rows.append(
            (
                "lppls (extrapolated)",
                secs * len(grid) / args.max_lppls_dates,
                f"to all {len(grid)} grid dates",
            )
        )
    else:
        stage("lppls", f"{len(grid)} {args.lppls_grid}-grid dates x 126 windows")
    notes = {
        "runup": "runup + crash probability",
        "cusum": "HB CUSUM, rolling restart",
        "sign_psy": "sPSY family-wise CV (2,000 sign walks) + sweeps",
        "svadf": "SV-ADF paper rule, 4-year samples",
    }
    for name in ALL_SIGNALS:  # every other signal of the registry, and the baselines
        if name not in built:
            stage(name, notes.get(name, ""))
    t = time.perf_counter()
    spec = EventSpec.index()
    events = detect_events(prices, spec)
    import pandas as pd

    alarms = pd.DataFrame({k: s.alarm for k, s in built.items() if len(s.alarm) == len(prices)})
    probs = pd.DataFrame({k: s.value for k, s in built.items() if s.kind == "probability"})
    scores = score(
        alarms,
        events,
        spec,
        probabilities=probs,
        baselines=[k for k, s in built.items() if s.baseline and k in alarms],
    )
    rows.append(("events + scoring", time.perf_counter() - t, f"{len(events)} events"))
    total = time.perf_counter() - total0
    warm = None
    if not (args.max_lppls_dates and args.max_lppls_dates < len(grid)):
        t = time.perf_counter()
        rerun = backtest(
            prices, signals="all", config=cfg, shiller=shiller, rng=0, n_jobs=args.n_jobs,
            cache=True,
        )  # fmt: skip
        warm = time.perf_counter() - t
        same = all(
            rerun.values[k].equals(s.value.reindex(prices.index))
            and rerun.alarms[k].equals(s.alarm.reindex(prices.index))
            for k, s in built.items()
        )

    import exuber

    y = np.log(prices.to_numpy())
    n_train = int(prices.index.searchsorted(prices.index[0] + pd.DateOffset(years=10)))
    ends = np.linspace(n_train, len(y) - 1, args.naive_dates).astype(int)
    minw = int(np.floor(n_train * (0.01 + 1.8 / np.sqrt(n_train))))
    exuber.radf(y[: n_train + 10], minw=minw, lag=0)  # warm-up
    t = time.perf_counter()
    for e in ends:
        exuber.radf(y[: e + 1], minw=minw, lag=0)
    naive = (time.perf_counter() - t) / len(ends) * (len(y) - n_train)

    print(
        f"NASDAQ daily {prices.index[0].date()}..{prices.index[-1].date()} ({len(prices)} obs),"
        f" n_jobs={args.n_jobs}"
    )
    print(f"{'stage':<24}{'seconds':>10}{'CPU s':>9}{'load':>6}  note")
    for name, secs, note in rows:
        c, ld = cpu.get(name, (np.nan, np.nan))
        print(f"{name:<24}{secs:>10.1f}{c:>9.1f}{ld:>6.1f}  {note}")
    if "lppls" in cpu and args.max_lppls_dates and args.max_lppls_dates < len(grid):
        per = cpu["lppls"][0] / args.max_lppls_dates
        print(
            f"lppls CPU (main + workers) {per:.3f} s a grid date; all {len(grid)} dates on two "
            f"idle cores: {per * len(grid) / 2:.0f} s (EXTRAPOLATED; an upper bound, as the "
            "workers' fixed start-up is scaled with the dates)"
        )
    print(f"{'total (measured)':<24}{total:>10.1f}")
    if warm is not None:
        print(
            f"{'warm rerun':<24}{warm:>10.1f}  backtest(cache=True) on the unchanged series: "
            f"every signal read from the results cache (identical to the cold build: {same})"
        )
    print()
    cols = [
        "events",
        "hits",
        "hit_rate",
        "lead_median_months",
        "false_alarms_per_year",
        "precision",
        "brier",
        "brier_skill",
    ]
    print(scores.table[cols].to_string(float_format=lambda v: f"{v:.3g}"))
    print(
        f"{'peer: naive PSY':<24}{naive:>10.1f}  pyexuber radf on every truncated series "
        f"(extrapolated from {len(ends)} dates)"
    )


def append_day(data: Path, n_jobs: int, lppls_grid: str) -> None:
    """Time a daily rerun: every signal after one more day of NASDAQ prices, caches on.

    In a fresh home and results cache, the backtest of every signal on the history less its
    last day (cold: critical values simulated, every LPPLS grid date fitted), then on the whole
    history, as a user's next day meets it: each signal's key changed with the new day, so each
    is rebuilt, but the critical values (same training samples) and each LPPLS grid date's
    Confidence (same windows) are read back. Then, in another fresh home, the whole history
    cold, the baseline it must equal (every value and alarm).
    """
    from bubblescope.backtest import SignalConfig, backtest
    from bubblescope.backtest.histories import load_nasdaq, load_shiller

    prices = load_nasdaq(data / "fred" / "NASDAQCOM_daily_1971-2026_combined.csv")
    shiller = load_shiller(data / "shiller" / "shiller_monthly_tidy.csv")
    cfg = SignalConfig(lppls_grid=lppls_grid)  # cache on: critical values and LPPLS dates

    def run(series, label: str):  # type: ignore[no-untyped-def]
        load = os.getloadavg()[0]
        started = time.perf_counter()
        res = backtest(
            series, signals="all", config=cfg, shiller=shiller, rng=0, n_jobs=n_jobs, cache=True
        )
        rows.append((label, time.perf_counter() - started, load))
        return res

    rows: list[tuple[str, float, float]] = []
    _fresh_home()
    run(prices.iloc[:-1], f"history to {prices.index[-2].date()}, cold")
    appended = run(prices, f"{prices.index[-1].date()} appended (caches warm)")
    _fresh_home()
    cold = run(prices, f"history to {prices.index[-1].date()}, cold (the baseline)")
    same = appended.values.equals(cold.values) and appended.alarms.equals(cold.alarms)
    print(f"NASDAQ daily, every signal, n_jobs={n_jobs}, LPPLS grid {lppls_grid}")
    print(f"{'run':<44}{'seconds':>9}{'load':>6}")
    for label, secs, load in rows:
        print(f"{label:<44}{secs:>9.1f}{load:>6.1f}")
    print(f"the appended run equals the cold baseline (every value and alarm): {same}")


def monitor_threads(data: Path) -> None:
    """Time the four restarted monitors cold, their simulations on one thread, then on all.

    HB CUSUM, the volatility-robust CUSUM, the sign-based and the Breitung-Diegel monitors each
    simulate their boundary constant (2,000 walks) for every new training size, with the
    critical-value cache off; ``n_jobs`` None, so the chunks run in this process: first on one
    thread (``local_threads`` held at 1, as before the chunks went on threads), then on
    :func:`bubblescope.parallel.local_threads` threads. The signals must be identical.
    """
    from contextlib import nullcontext
    from unittest import mock

    from bubblescope.backtest import SignalConfig
    from bubblescope.backtest.signal_cache import build_signal_cached
    from bubblescope.parallel import local_threads

    prices, freq = _nasdaq(data)
    cfg = SignalConfig(cache=False)
    names = ("cusum", "cusum_robust", "sign", "bd_wcusum")
    build_signal_cached("whl", prices, cfg, frequency=freq, rng=0)  # imports outside the timing
    threads = local_threads()
    print(f"NASDAQ daily monitors, boundary simulations cold; local threads: {threads}")
    print(f"{'signal':<14}{'1 thread s':>12}{f'{threads} threads s':>14}{'speed-up':>10}  equal")
    totals = [0.0, 0.0]
    for name in names:
        timed = []
        for one in (True, False):
            os.environ["BUBBLESCOPE_RESULTS_CACHE"] = tempfile.mkdtemp(prefix="bench-mon-")
            one_thread = mock.patch("bubblescope.parallel.local_threads", return_value=1)
            with one_thread if one else nullcontext():
                started = time.perf_counter()
                (sig,) = build_signal_cached(name, prices, cfg, frequency=freq, rng=0)
                timed.append((time.perf_counter() - started, sig))
        (t1, a), (tn, b) = timed
        totals[0] += t1
        totals[1] += tn
        same = a.value.equals(b.value) and a.alarm.equals(b.alarm)
        print(f"{name:<14}{t1:>12.2f}{tn:>14.2f}{t1 / tn:>9.2f}x  {same}")
    print(f"{'total':<14}{totals[0]:>12.2f}{totals[1]:>14.2f}{totals[0] / totals[1]:>9.2f}x")
    print(f"load average {os.getloadavg()[0]:.1f}")


def _nasdaq(data: Path):  # type: ignore[no-untyped-def]
    """The NASDAQ daily closes, validated as a backtest reads them, and their frequency."""
    from bubblescope.backtest.histories import load_nasdaq
    from bubblescope.data.validate import validate_series

    checked = validate_series(
        load_nasdaq(data / "fred" / "NASDAQCOM_daily_1971-2026_combined.csv"),
        min_points=3,
        name="nasdaq",
        purpose="a backtest",
    )
    return checked.series, checked.report.frequency


def _fresh_home() -> None:
    """A new, empty BUBBLESCOPE_HOME and results cache (cold critical values and signals)."""
    home = tempfile.mkdtemp(prefix="bench-backtest-home-")
    os.environ["BUBBLESCOPE_HOME"] = home
    os.environ["BUBBLESCOPE_RESULTS_CACHE"] = str(Path(home) / "results")


def _cpu() -> float:
    """CPU seconds of this process and its worker processes, live and finished.

    The reusable worker pools stay up (as in a backtest, every stage shares them): live
    workers are read with psutil, exited ones through ``RUSAGE_CHILDREN``.
    """
    import psutil

    own = resource.getrusage(resource.RUSAGE_SELF)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # exited since the listing: counted in RUSAGE_CHILDREN now
            continue
        live += times.user + times.system
    return own.ru_utime + own.ru_stime + done.ru_utime + done.ru_stime + live


def universe(data: Path, n_jobs: int) -> None:
    """Time the yahoo_dsturdy universe backtest (one task per symbol, 40% events)."""
    from bubblescope.backtest import EventSpec, backtest_universe
    from bubblescope.backtest.histories import load_shiller, load_universe

    uni = load_universe(data / "yahoo_dsturdy")
    shiller = load_shiller(data / "shiller" / "shiller_monthly_tidy.csv")
    t = time.perf_counter()
    res = backtest_universe(
        uni, signals="psy,runup,baseline", events=EventSpec.stock(), shiller=shiller, n_jobs=n_jobs
    )
    secs = time.perf_counter() - t
    print(
        f"universe: {len(uni)} symbols, n_jobs={n_jobs}: {secs:.1f} s ({len(res.failures)} failed)"
    )
    print(res.summary())
    print(
        res.eras().xs("AI", level="era").groupby(level="signal")["alarm_share"].mean().to_string()
    )


if __name__ == "__main__":
    main()
