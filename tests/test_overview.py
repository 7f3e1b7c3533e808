"""The overview runs offline on installed data and reports the engines' own numbers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bubblescope.cli.main import app
from bubblescope.overview import run_overview


def test_overview_sections_and_published_numbers(store_home: Path) -> None:
    calls: list[tuple[int, int]] = []
    ov = run_overview(progress=lambda d, t: calls.append((d, t)))
    keys = [s.key for s in ov.sections]
    assert keys == ["drawdowns", "psy", "lppls", "facts", "network", "sequoia"]
    assert calls[-1] == (6, 6)
    text = ov.summary()
    # PROVENANCE.md §4: 5,048.62 on 2000-03-10 to 1,114.11 on 2002-10-09 = -77.9%
    assert "peak 2000-03-10 → trough 2002-10-09: -77.9%" in text
    # Sequoia (Cahn 2023, 2024): $200B and $600B
    assert "AI revenue needed $200B" in text
    assert "AI revenue needed $600B" in text
    # loops named in ai-economy-facts.md §2.3
    assert "Nvidia → OpenAI → Oracle → Nvidia" in text
    assert "AMD → OpenAI → AMD" in text
    psy = next(s for s in ov.sections if s.key == "psy").data
    assert set(psy) == {"log prices", "levels"}
    json.dumps(ov.to_dict(), default=str)


def test_overview_cli_json(store_home: Path) -> None:
    res = CliRunner().invoke(app, ["overview", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["sections"][0]["key"] == "drawdowns"
