#!/usr/bin/env bash
# Set up the environment (core + test extras) and run the default test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m slow`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export BUBBLESCOPE_HOME="${BUBBLESCOPE_HOME:-$(mktemp -d)}"
exec .venv/bin/python -m pytest -n 2 "$@"
