#!/usr/bin/env bash
# Build the documentation site and check it: HTML with warnings as errors (the API reference,
# the CLI reference, the data pages and the gallery, whose examples run on the shipped data),
# the pages' doctests, every internal link of the built site (offline: no link leaves it), and
# the index, the gallery page and the concept pages in headless Chromium (figures drawn, every
# formula typeset by the MathJax copied into the site, none left as raw TeX; screenshots in
# test-artifacts/docs; skipped with the reason when Chromium or Playwright is missing).
# Usage: bash scripts/build_docs.sh [OUTPUT_DIR]     (default docs/_build)
# Set BUBBLESCOPE_DOCS_SETUP=0 to skip installing the docs extra into .venv.
# Offline (no network, loopback only: the cluster example's Dask workers talk over 127.0.0.1):
#   unshare -rn sh -c 'ip link set lo up && BUBBLESCOPE_DOCS_SETUP=0 bash scripts/build_docs.sh'
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/_build}"
if [ "${BUBBLESCOPE_DOCS_SETUP:-1}" != 0 ]; then
  bash scripts/setup.sh docs
fi
export BUBBLESCOPE_HOME="${BUBBLESCOPE_HOME:-$(mktemp -d)}"
export MPLBACKEND=Agg
.venv/bin/python -m sphinx -W --keep-going -q -b html docs "$out/html"
.venv/bin/python -m sphinx -W --keep-going -q -b doctest docs "$out/doctest"
.venv/bin/python scripts/check_docs_links.py "$out/html"
status=0
.venv/bin/python scripts/check_docs_browser.py "$out/html" test-artifacts/docs || status=$?
if [ "$status" -eq 2 ]; then
  echo "browser check of the docs skipped (see above)"
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi
