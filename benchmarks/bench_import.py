"""Time ``import bubblescope`` and ``bubblescope --help`` now and at an earlier revision.

Usage::

    .venv/bin/python benchmarks/bench_import.py [--base 880bcaf] [--runs 15]

The earlier revision is checked out into a temporary git worktree and both trees run in the
same processes' environment (this virtualenv, ``PYTHONPATH`` pointing at each tree's ``src``),
interleaved run by run so machine load hits both alike. Each run is a fresh interpreter:
``python -c "import bubblescope"`` and ``python -c "from bubblescope.cli.main import app;
app(['--help'])"`` (what the console script runs). Prints the median and the best of each, in
milliseconds. The analysis-contract issue requires neither to grow.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = {
    "import bubblescope": "import bubblescope",
    "bubblescope --help": (
        "import sys\n"
        "from bubblescope.cli.main import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
    ),
}


def _time(code: str, src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        capture_output=True,
        cwd=tempfile.gettempdir(),
    )
    return 1000.0 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="880bcaf", help="earlier revision to compare with")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(base_tree), args.base],
            check=True,
            capture_output=True,
        )
        try:
            trees = {args.base: base_tree / "src", "HEAD (working tree)": REPO / "src"}
            times: dict[tuple[str, str], list[float]] = {}
            for name, code in CASES.items():
                for tree in trees.values():
                    _time(code, tree)  # warm the file cache and __pycache__
                for _ in range(args.runs):
                    for label, tree in trees.items():
                        times.setdefault((name, label), []).append(_time(code, tree))
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_tree)],
                check=True,
                capture_output=True,
            )
    print(f"{'case':<22} {'tree':<22} {'median ms':>10} {'best ms':>9}  ({args.runs} runs)")
    for (name, label), values in times.items():
        print(f"{name:<22} {label:<22} {statistics.median(values):10.1f} {min(values):9.1f}")


if __name__ == "__main__":
    main()
