"""``bubblescope --version``, the version scheme and the changelog."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

import bubblescope
from bubblescope.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def _card_version() -> tuple[str, str]:
    card = yaml.safe_load((ROOT / "src/bubblescope/data/shipped/datacard.yaml").read_text())
    return str(card["version"]), str(card["prices_as_of"])


def test_version_prints_the_package_and_the_shipped_data_versions() -> None:
    out = CliRunner().invoke(app, ["--version"])
    assert out.exit_code == 0, out.output
    data_version, prices_as_of = _card_version()
    assert out.output.strip() == (
        f"bubblescope {bubblescope.__version__} "
        f"(shipped data {data_version}, prices to {prices_as_of})"
    )


def test_the_versions_follow_their_schemes() -> None:
    assert SEMVER.match(bubblescope.__version__), bubblescope.__version__
    data_version, prices_as_of = _card_version()
    year, month, build = data_version.split(".")
    assert (year, month) == tuple(prices_as_of.split("-")[:2])
    assert 1 <= int(month) <= 12
    assert int(build) >= 1


def test_the_changelog_has_a_section_for_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert bubblescope.__version__ in headings


def test_help_does_not_read_the_data_card() -> None:
    code = (
        "import sys\n"
        "from bubblescope.cli.main import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('bubblescope.data.bundled' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--version" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "False"
