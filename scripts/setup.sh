#!/usr/bin/env bash
# Create .venv (if missing) and install bubblescope with the extras named in $1 (default: none).
# Usage: bash scripts/setup.sh            # core only
#        bash scripts/setup.sh test       # core + test peers (pyexuber, lppls, hypothesis ...)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python3 -m venv .venv 2>/dev/null || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install --quiet -e ".[${extras}]"
else
  .venv/bin/python -m pip install --quiet -e .
fi
