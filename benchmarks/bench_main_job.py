"""Time README command 1, the main job: ``bubblescope overview`` then ``bubblescope report``.

Usage::

    .venv/bin/python benchmarks/bench_main_job.py [--preset standard] [--runs 2]
        [--home DIR] [--baseline-src DIR] [--new-day]

Runs both commands as a new user would (the installed console script, in fresh processes, on
the shipped data, no network) in an empty ``BUBBLESCOPE_HOME``: the first run is cold (it
simulates critical values and backtests each signal's record, then caches them), the later
runs are warm (what a user meets the next time). Also times ``bubblescope status`` alone.
Prints one table of wall-clock seconds. The acceptance targets: the warm main job under 60 s
(status-page issue) and the warm report under 20 s (issue 18), on 2 cores.

``--home DIR`` runs in that home instead of a new one (a home filled by an earlier run makes
every run warm). ``--new-day`` then stores one more business day of every shipped series (the
last close again, so nothing else moves) and times the main job once more: a user's next day
after ``bubblescope data update``, whose changed prices miss every cached row and record.

``--baseline-src DIR`` also times another version of bubblescope, e.g. the commit before a
speed-up (``git archive REV src | tar -x -C DIR``; it is put first on ``PYTHONPATH``), run by
run after this tree's in the same home, so both meet the same load on a shared machine; it
writes into the same results cache, so compare the warm runs only. To compare a new day,
run the script once per version, each in its own new home (``PYTHONPATH=DIR`` for the
other version).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def _job(exe: Path, preset: str, out: Path, env: dict[str, str]) -> tuple[float, float, float]:
    overview = _run([str(exe), "overview", "--preset", preset], env)
    report = _run([str(exe), "report", "--preset", preset, "--out", str(out)], env)
    status = _run([str(exe), "status", "--preset", preset], env)
    return overview, report, status


def _store_new_day(home: str) -> str:
    """Store one more business day (the last close repeated) for every shipped series."""
    os.environ["BUBBLESCOPE_HOME"] = home
    import pandas as pd

    from bubblescope.data.bundled import bundled_symbols, load_bundled
    from bubblescope.data.frames import canonical_frame
    from bubblescope.data.store import import_frame

    days = []
    for symbol in bundled_symbols():
        last = load_bundled(symbol)["close"].dropna()
        day = last.index[-1] + pd.offsets.BDay(1)
        row = canonical_frame(
            [day], [float(last.iloc[-1])], symbol=symbol, source="bench new day", adjusted=True
        )
        import_frame(row, symbol=symbol)
        days.append(day)
    return f"{len(days)} series, one more day each ({min(days).date()} to {max(days).date()})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="standard")
    parser.add_argument("--runs", type=int, default=2, help="runs in the same home (1 cold)")
    parser.add_argument("--home", help="run in this home (default: a new, empty one)")
    parser.add_argument("--baseline-src", help="also time this bubblescope source tree")
    parser.add_argument(
        "--new-day", action="store_true", help="then one more day of prices, and a run on it"
    )
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("bubblescope")
    home = args.home or tempfile.mkdtemp(prefix="bench-main-job-")
    out = Path(home) / "report.html"
    env = {**os.environ, "BUBBLESCOPE_HOME": home, "COLUMNS": "160"}
    env.pop("BUBBLESCOPE_RESULTS_CACHE", None)
    env.pop("BUBBLESCOPE_NO_CACHE", None)
    variants = [("this tree", env)]
    if args.baseline_src:
        src = str(Path(args.baseline_src).resolve())
        path = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        variants.append(("baseline", {**env, "PYTHONPATH": path}))
    rows = []
    for i in range(args.runs):
        run = "cold" if i == 0 and not args.home else f"warm {i + (1 if args.home else 0)}"
        for label, variant_env in variants:
            rows.append((run, label, *_job(exe, args.preset, out, variant_env)))
    added = ""
    if args.new_day:
        added = _store_new_day(home)
        for label, variant_env in variants:
            rows.append(("new day", label, *_job(exe, args.preset, out, variant_env)))
    print(f"README command 1 (overview + report), preset {args.preset!r}, {os.cpu_count()} CPUs")
    if args.baseline_src:
        print(f"baseline: {args.baseline_src}")
    if added:
        print(f"new day: {added}")
    head = f"{'run':<8} {'code':<10} {'overview s':>11} {'report s':>9}"
    print(f"{head} {'main job s':>11} {'status s':>9}")
    for name, label, overview, report, status in rows:
        print(
            f"{name:<8} {label:<10} {overview:11.1f} {report:9.1f} {overview + report:11.1f}"
            f" {status:9.1f}"
        )


if __name__ == "__main__":
    main()
