"""Time the economy's units: the hand-written registry (an earlier revision) against pint (now).

Usage::

    .venv/bin/python benchmarks/bench_units.py [--base d40b651] [--runs 7]

The earlier revision (default ``d40b651``, the last with the hand-written ``economy/units.py``)
is checked out into a temporary git worktree; both trees run in this virtualenv with
``PYTHONPATH`` pointing at each tree's ``src``, interleaved run by run. Every run is a fresh
interpreter that times, in process:

* ``import bubblescope.economy.units``;
* the first conversion, numpy and pandas already imported as in any model run (pint is imported
  and its registry built on the first unit looked up);
* a thousand conversions and a thousand unit-checked products (warm);
* ``gpu_economics("H100")`` and ``grid_comparison()``, first call (fact base and assumption
  files read) and a second call (warm).

Prints the median of each in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, time
t = time.perf_counter
out = {}
t0 = t()
import bubblescope.economy.units as units
out["import bubblescope.economy.units"] = t() - t0
import numpy, pandas  # loaded by every model anyway: not pint's cost
t0 = t()
units.Q(42.4, "GWh").m_as("MWh")
out["first conversion (cold)"] = t() - t0
pairs = [("GWh", "MWh"), ("USD/kW-month", "USD/kWh"), ("TWh/year", "GW"), ("USD bn", "USD tn"),
         ("%", "1"), ("kWh/day/household", "W/GPU")]
qs = [units.Q(1.5, a) for a, _ in pairs]
t0 = t()
for k in range(1000):
    q = qs[k % len(qs)]
    q.m_as(pairs[k % len(pairs)][1])
out["1000 conversions (warm)"] = t() - t0
gwh, day = units.Q(42.4, "GWh"), units.Q(98.0, "day")
t0 = t()
for _ in range(1000):
    (gwh / day).m_as("MW")
out["1000 divisions + conversion"] = t() - t0
from bubblescope.economy.gpu import gpu_economics
from bubblescope.economy.power import grid_comparison
for name, fn in (("gpu_economics('H100')", lambda: gpu_economics("H100")),
                 ("grid_comparison()", grid_comparison)):
    t0 = t()
    fn()
    out[f"{name} first call"] = t() - t0
    t0 = t()
    fn()
    out[f"{name} second call"] = t() - t0
print(json.dumps(out))
"""


def _run(src: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.setdefault("BUBBLESCOPE_HOME", tempfile.mkdtemp(prefix="bench-units-home-"))
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    return {k: 1000.0 * v for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="d40b651", help="revision with the earlier registry")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-units-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(base_tree), args.base],
            check=True,
            capture_output=True,
        )
        try:
            trees = {f"{args.base} (hand-written)": base_tree / "src", "now (pint)": REPO / "src"}
            for tree in trees.values():
                _run(tree)  # warm the file cache and __pycache__
            times: dict[str, dict[str, list[float]]] = {label: {} for label in trees}
            for _ in range(args.runs):
                for label, tree in trees.items():
                    for case, ms in _run(tree).items():
                        times[label].setdefault(case, []).append(ms)
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_tree)],
                check=True,
                capture_output=True,
            )
    labels = list(trees)
    print(
        f"{'case (median ms, ' + str(args.runs) + ' runs)':<40}"
        + "".join(f"{x:>26}" for x in labels)
    )
    for case in times[labels[0]]:
        cells = "".join(f"{statistics.median(times[label][case]):>26.2f}" for label in labels)
        print(f"{case:<40}{cells}")


if __name__ == "__main__":
    main()
