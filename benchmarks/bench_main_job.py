"""Time README command 1, the main job: ``bubblescope overview`` then ``bubblescope report``.

Usage::

    .venv/bin/python benchmarks/bench_main_job.py [--preset standard] [--runs 2]

Runs both commands as a new user would (the installed console script, in fresh processes, on
the shipped data, no network) in an empty ``BUBBLESCOPE_HOME``: the first run is cold (it
simulates critical values and backtests each signal's record, then caches them), the later
runs are warm (what a user meets the next time). Also times ``bubblescope status`` alone.
Prints one table of wall-clock seconds. The acceptance target of the status-page issue: the
warm main job under 60 s on 2 cores.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="standard")
    parser.add_argument("--runs", type=int, default=2, help="runs in the same home (1 cold)")
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("bubblescope")
    home = tempfile.mkdtemp(prefix="bench-main-job-")
    out = Path(home) / "report.html"
    env = {**os.environ, "BUBBLESCOPE_HOME": home, "COLUMNS": "160"}
    env.pop("BUBBLESCOPE_RESULTS_CACHE", None)
    rows = []
    for i in range(args.runs):
        overview = _run([str(exe), "overview", "--preset", args.preset], env)
        report = _run([str(exe), "report", "--preset", args.preset, "--out", str(out)], env)
        status = _run([str(exe), "status", "--preset", args.preset], env)
        rows.append(("cold" if i == 0 else f"warm {i}", overview, report, status))
    print(f"README command 1 (overview + report), preset {args.preset!r}, {os.cpu_count()} CPUs")
    print(f"{'run':<8} {'overview s':>11} {'report s':>9} {'main job s':>11} {'status s':>9}")
    for name, overview, report, status in rows:
        print(f"{name:<8} {overview:11.1f} {report:9.1f} {overview + report:11.1f} {status:9.1f}")


if __name__ == "__main__":
    main()
