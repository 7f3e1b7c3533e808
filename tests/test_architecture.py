"""Architecture: the import-linter contracts in pyproject.toml hold.

Arrows only point down (the layers contract) and no module imports another package's private
module (the private_modules contract). ``lint-imports`` runs in a subprocess because it
reconfigures logging and ``sys.path`` in the process that calls it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    code = (
        "import sys; from importlinter.cli import lint_imports;"
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
