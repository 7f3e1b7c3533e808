"""The server's cost estimates against measured runs: LPPLS Confidence per date, the leaderboard.

:mod:`bubblescope.web.cost` estimates work from counts (fits, window points, observations) times
rates measured here and kept in ``src/bubblescope/web/cost_rates.yaml``. This script

1. times :func:`~bubblescope.detect.lppls.lppls_confidence` (one process, CPU seconds) on the
   shipped NASDAQ daily closes, a block of dates a month apart, for four nested window sets
   (the weekly backtest's 150 -> 25 in steps of 5 and of 1, 250 -> 60 step 5, and the FCO's
   750 -> 125 step 5), and fits ``seconds a date = fits x a + window points x b`` (least
   squares on the relative error);
2. times, per leaderboard history (cold caches, the histories in the leaderboard's order), the
   backtest of every signal but PSY and LPPLS (the monitors, run-ups, gauge and baselines),
   and fits ``seconds = a + observations x b`` (least squares on the relative error);
3. times the leaderboard of each history alone, cold, in the same order (together: the whole
   cold leaderboard), and prints its estimate beside it;
4. times the ``sign_psy`` signal's critical-value simulation (:meth:`~bubblescope.detect.
   critical_values.sign.SignPSYCV.suprema`, each recursively demeaned sign walk's supremum,
   CPU seconds of this process and its numba threads) for four (T, minw, walks), and fits
   ``seconds = walks x a + walks x windows x b`` (windows: those of at least minw of the
   T - 1 sign increments).

It prints each measurement next to the estimate from the rates on file, and with ``--write``
rewrites the rates file from this run's measurements (then the estimates printed are the new
ones). The peer is the estimate: a ratio above 1 means the estimate errs high.

Run: ``.venv/bin/python benchmarks/bench_cost.py [--preset standard] [--write]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

RATES = Path(__file__).resolve().parents[1] / "src" / "bubblescope" / "web" / "cost_rates.yaml"
#: (max_window, min_window, step, dates) of the LPPLS measurements.
LPPLS_SETS = ((150, 25, 5, 48), (150, 25, 1, 16), (250, 60, 5, 32), (750, 125, 5, 16))
#: (T, minw, walks) of the sPSY simulation measurements (minw = T / 10, sign_psy_r0's default).
SIGN_PSY_SETS = ((400, 40, 4000), (1000, 100, 2000), (2500, 250, 600), (5000, 500, 300))


def fresh_home() -> None:
    """Empty store and caches, so every measurement is cold."""
    home = tempfile.mkdtemp(prefix="bubblescope-bench-cost-")
    os.environ["BUBBLESCOPE_HOME"] = home
    os.environ["BUBBLESCOPE_RESULTS_CACHE"] = str(Path(home) / "results")


def measure_lppls() -> list[dict[str, Any]]:
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.lppls import WindowSet, lppls_confidence

    close = load_series("NASDAQ")["close"]
    lppls_confidence(close.iloc[-200:], [199], windows=WindowSet(60, 30, 10))  # numba loaded
    rows = []
    for max_w, min_w, step, dates in LPPLS_SETS:
        positions = list(range(len(close) - 1 - 21 * (dates - 1), len(close), 21))
        started = time.process_time()
        lppls_confidence(close, positions, windows=WindowSet(max_w, min_w, step), n_jobs=1)
        cpu = time.process_time() - started
        lengths = range(max_w, min_w - 1, -step)
        rows.append(
            {
                "max_window": max_w,
                "min_window": min_w,
                "step": step,
                "dates": dates,
                "fits_per_date": len(lengths),
                "points_per_date": sum(lengths),
                "cpu_s_per_date": round(cpu / dates, 5),
                "load": round(os.getloadavg()[0], 1),
            }
        )
    return rows


def fit_rates(measured: list[float], counts: list[tuple[float, float]]) -> tuple[float, float]:
    """``(a, b)`` with ``measured ~ a x first count + b x second count``, least relative error.

    Where the best pair has a negative member, the second count alone (its mean rate).
    """
    m = np.array(measured)
    design = np.array(counts, dtype=np.float64) / m[:, None]
    (a, b), *_ = np.linalg.lstsq(design, np.ones(len(m)), rcond=None)
    if a < 0 or b < 0:
        return 0.0, float(np.mean(m / design[:, 1] / m))
    return float(a), float(b)


def measure_leaderboard(preset: str) -> list[dict[str, Any]]:
    from bubblescope.backtest.run import backtest, backtest_universe
    from bubblescope.backtest.signals import ALL_SIGNALS
    from bubblescope.settings import RunSettings
    from bubblescope.status.records import leaderboard_histories, signal_config

    run = RunSettings.preset(preset)
    cfg = signal_config(run)
    rows = []
    for h in leaderboard_histories(run):
        others = [s for s in ALL_SIGNALS if s not in ("psy", "lppls") and s not in h.leave_out]
        options = {"signals": others, "config": cfg, "events": h.events, "shiller": h.shiller}
        started = time.perf_counter()
        if isinstance(h.prices, pd.Series):
            backtest(h.prices, market=h.market, name=h.key, rng=run.psy.seed, **options)
            n = len(h.prices)
        else:
            backtest_universe(h.prices, market=h.market, rng=run.psy.seed, **options)
            n = sum(len(p) for p in h.prices.values())
        rows.append(
            {
                "history": h.key,
                "preset": preset,
                "observations": n,
                "other_signals_s": round(time.perf_counter() - started, 3),
                "load": round(os.getloadavg()[0], 1),
            }
        )
    return rows


def measure_histories(preset: str) -> list[dict[str, Any]]:
    """Each history's leaderboard alone, cold, in the leaderboard's order (wall seconds)."""
    from bubblescope.backtest.leaderboard import leaderboard
    from bubblescope.settings import RunSettings
    from bubblescope.status.records import leaderboard_histories, signal_config

    run = RunSettings.preset(preset)
    rows = []
    for h in leaderboard_histories(run):
        started = time.perf_counter()
        leaderboard([h], config=signal_config(run), rng=run.psy.seed)
        rows.append(
            {
                "history": h.key,
                "preset": preset,
                "leaderboard_s": round(time.perf_counter() - started, 2),
                "load": round(os.getloadavg()[0], 1),
            }
        )
    return rows


def measure_sign_psy() -> list[dict[str, Any]]:
    from bubblescope.detect.critical_values.sign import SignPSYCV

    SignPSYCV(reps=10, rng=0, cache=False).suprema(60, minw=6, demean=True)  # numba loaded
    rows = []
    for T, minw, walks in SIGN_PSY_SETS:
        started = time.process_time()
        SignPSYCV(reps=walks, rng=0, cache=False).suprema(T, minw=minw, demean=True)
        rows.append(
            {
                "T": T,
                "minw": minw,
                "walks": walks,
                # windows of each length L >= minw among the T - 1 sign increments
                "windows_per_walk": sum(T - length for length in range(minw, T)),
                "cpu_s": round(time.process_time() - started, 4),
                "load": round(os.getloadavg()[0], 1),
            }
        )
    return rows


def write_rates(
    lppls: list[dict[str, Any]],
    board: list[dict[str, Any]],
    runs: list[dict[str, Any]],
    sign: list[dict[str, Any]],
) -> None:
    per_fit, per_point = fit_rates(
        [r["cpu_s_per_date"] for r in lppls],
        [(r["fits_per_date"], r["points_per_date"]) for r in lppls],
    )
    per_history, per_obs = fit_rates(
        [r["other_signals_s"] for r in board], [(1, r["observations"]) for r in board]
    )
    per_walk, per_window = fit_rates(
        [r["cpu_s"] for r in sign],
        [(r["walks"], r["walks"] * r["windows_per_walk"]) for r in sign],
    )
    doc = {
        "measured": f"{dt.date.today().isoformat()}, one process (LPPLS CPU time) on the shared "
        f"2-core machine, load {os.getloadavg()[0]:.1f}",
        "command": ".venv/bin/python benchmarks/bench_cost.py --write",
        "rates": {
            "lppls_seconds_per_fit": {
                "value": float(f"{per_fit:.3g}"),
                "unit": "s",
                "why": "fixed CPU seconds of each LPPLS Confidence window fit: least squares "
                "of lppls_measurements' seconds a date on fits and window points",
            },
            "lppls_seconds_per_window_point": {
                "value": float(f"{per_point:.3g}"),
                "unit": "s",
                "why": "CPU seconds of each point of an LPPLS Confidence window fit (the same "
                "least squares)",
            },
            "leaderboard_seconds_per_history": {
                "value": float(f"{per_history:.3g}"),
                "unit": "s",
                "why": "wall seconds of a leaderboard history's signals but PSY and LPPLS (the "
                "monitors, run-ups, gauge and baselines) on top of the per-observation rate: "
                "least squares of leaderboard_measurements on histories and observations",
            },
            "leaderboard_seconds_per_observation": {
                "value": float(f"{per_obs:.3g}"),
                "unit": "s",
                "why": "wall seconds per observation of the same signals (the same least squares)",
            },
            "sign_psy_seconds_per_walk": {
                "value": float(f"{per_walk:.3g}"),
                "unit": "s",
                "why": "fixed CPU seconds of each simulated sign walk of the sPSY critical "
                "values: least squares of sign_psy_measurements' seconds on walks and windows",
            },
            "sign_psy_seconds_per_window": {
                "value": float(f"{per_window:.3g}"),
                "unit": "s",
                "why": "CPU seconds per window of one sign walk's sPSY supremum (most windows "
                "are skipped; the same least squares)",
            },
        },
        "lppls_measurements": lppls,
        "leaderboard_measurements": board,
        "leaderboard_runs": runs,
        "sign_psy_measurements": sign,
    }
    header = (
        "# Measured rates of the cost estimates (bubblescope.web.cost); do not edit by hand.\n"
        "# Rewritten, with the measurements behind them, by the command below.\n"
    )
    RATES.write_text(header + yaml.safe_dump(doc, sort_keys=False, width=100), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="standard", help="run preset of the leaderboard")
    parser.add_argument("--write", action="store_true", help="rewrite the rates file")
    args = parser.parse_args()
    fresh_home()
    lppls = measure_lppls()
    board = measure_leaderboard(args.preset)
    fresh_home()
    runs = measure_histories(args.preset)
    sign = measure_sign_psy()
    if args.write:
        write_rates(lppls, board, runs, sign)
    from bubblescope.web import cost

    if args.write:
        import importlib

        importlib.reload(cost)
    print("LPPLS Confidence, one process: CPU seconds a date, measured and estimated")
    print(f"{'windows':>20s} {'fits':>5s} {'points':>7s} {'measured ms':>12s} {'estimate ms':>12s}")
    for r in lppls:
        est = cost.lppls_confidence_cost(1, r["max_window"], r["min_window"], r["step"]).seconds
        label = f"{r['max_window']}->{r['min_window']} step {r['step']}"
        print(
            f"{label:>20s} {r['fits_per_date']:5d} {r['points_per_date']:7d} "
            f"{1e3 * r['cpu_s_per_date']:12.1f} {1e3 * est:12.1f}  ratio "
            f"{est / r['cpu_s_per_date']:.2f}"
        )
    print("\nleaderboard histories: wall seconds of every signal but PSY and LPPLS")
    for r in board:
        est = (
            cost.LEADERBOARD_SECONDS_PER_HISTORY
            + r["observations"] * cost.LEADERBOARD_SECONDS_PER_OBSERVATION
        )
        print(
            f"{r['history']:>10s} {r['observations']:7d} obs {r['other_signals_s']:8.2f} s "
            f"measured {est:8.2f} s estimated  ratio {est / r['other_signals_s']:.2f}"
        )
    from bubblescope.settings import RunSettings

    print(f"\nleaderboard ({args.preset}), each history alone and cold: wall seconds")
    fresh_home()  # the estimate of a cold leaderboard
    run = RunSettings.preset(args.preset)
    total = 0.0
    for r in runs:
        est = cost.leaderboard_cost(run, [r["history"]]).seconds
        total += est
        print(
            f"{r['history']:>10s} {r['leaderboard_s']:8.1f} s measured {est:8.1f} s estimated"
            f"  ratio {est / r['leaderboard_s']:.2f} (load {r['load']})"
        )
    took = sum(r["leaderboard_s"] for r in runs)
    print(f"{'all':>10s} {took:8.1f} s measured {total:8.1f} s estimated  ratio {total / took:.2f}")
    print("\nsPSY critical values, recursively demeaned sign walks: CPU seconds")
    for r in sign:
        est = cost.sign_psy_simulation_seconds(r["walks"], r["T"], r["minw"])
        print(
            f"T={r['T']:5d} minw {r['minw']:4d} {r['walks']:4d} walks {r['cpu_s']:8.2f} s measured"
            f" {est:8.2f} s estimated  ratio {est / r['cpu_s']:.2f} (load {r['load']})"
        )


if __name__ == "__main__":
    main()
