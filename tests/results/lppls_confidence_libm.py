"""Produce lppls_confidence_libm.json: DS LPPLS Confidence with the C library's exp/log/sin/cos.

Up to commit ``COMMIT`` the LPPLS kernels called the C library (``math.exp`` etc.) for every
point of every fit; after it they use :mod:`bubblescope._kernels.elementary`, within 1 ulp of
it. This script checks ``COMMIT`` out into a temporary git worktree and runs *that* package's
``lppls_confidence`` (FCO windows, default grid) on the shipped NASDAQ Composite (FRED
NASDAQCOM, ``load_bundled("nasdaq")``) at ``DATES``: the last 12 trading days to the dot-com
peak of 2000-03-10 and 12 dates spread over 1987-2026. Run from the repository root:

    .venv/bin/python tests/results/lppls_confidence_libm.py \
        > tests/results/lppls_confidence_libm.json
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

COMMIT = "3fb18ef"
DATES = [
    "2000-02-24", "2000-02-25", "2000-02-28", "2000-02-29", "2000-03-01", "2000-03-02",
    "2000-03-03", "2000-03-06", "2000-03-07", "2000-03-08", "2000-03-09", "2000-03-10",
    "1987-08-26", "1990-07-16", "1994-02-02", "1998-07-20", "2002-10-09", "2007-10-31",
    "2011-04-29", "2015-07-20", "2018-08-29", "2020-02-19", "2021-11-19", "2024-07-10",
]  # fmt: skip
RUN = """
import json, sys
import pandas as pd
from bubblescope.data.bundled import load_bundled
from bubblescope.detect.lppls import lppls_confidence
close = load_bundled("nasdaq")["close"]
dates = [pd.Timestamp(d) for d in json.loads(sys.argv[1])]
frame = lppls_confidence(close, dates=dates).frame
cols = ["confidence_pos", "confidence_neg", "tc_median_pos"]
print(json.dumps({c: [None if v != v else float(v) for v in frame[c]] for c in cols}))
"""


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(root)]
        add = [*git, "worktree", "add", "--detach", str(tree), COMMIT]
        subprocess.run(add, check=True, capture_output=True)
        try:
            done = subprocess.run(
                [sys.executable, "-c", RUN, json.dumps(DATES)],
                env={"PYTHONPATH": str(tree / "src"), "BUBBLESCOPE_HOME": tmp},
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            subprocess.run(
                [*git, "worktree", "remove", "--force", str(tree)], check=True, capture_output=True
            )
    values = json.loads(done.stdout)
    full = subprocess.run(
        ["git", "-C", str(root), "rev-parse", COMMIT], check=True, capture_output=True, text=True
    ).stdout.strip()
    out = {
        "source": f"bubblescope {full}: lppls_confidence, C-library exp/log/sin/cos",
        "series": "load_bundled('nasdaq')['close'] (FRED NASDAQCOM)",
        "dates": DATES,
        **values,
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
