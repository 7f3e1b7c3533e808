"""The overview opens on the status page and reports the engines' own numbers, offline."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bubblescope.cli.main import app
from bubblescope.overview import run_overview
from bubblescope.settings import RunSettings

#: A cheap run: two rows only matter here, but the overview always reads the whole watchlist.
QUICK = RunSettings.preset("quick").with_changes(
    psy={"reps": 99}, lppls={"scales": ("short",), "history_months": 0}
)


def test_overview_sections_and_published_numbers(store_home: Path) -> None:
    calls: list[tuple[int, int]] = []
    ov = run_overview(QUICK, progress=lambda d, t: calls.append((d, t)))
    keys = [s.key for s in ov.sections]
    assert keys == ["drawdowns", "psy", "lppls", "facts", "network", "sequoia"]
    assert calls[-1] == (7, 7)
    text = ov.summary()
    assert text.startswith("Is the AI boom a bubble?")
    # PROVENANCE.md §4: 5,048.62 on 2000-03-10 to 1,114.11 on 2002-10-09 = -77.9%,
    # recovered on 2015-04-23 (first close above the 2000 record)
    assert "peak 2000-03-10 → trough 2002-10-09: -77.9% (recovered 2015-04-23)" in text
    # The S&P 500 from 1927: the 1929-32 crash, -86.2% (1929-09-16 to 1932-06-01, Yahoo ^GSPC)
    assert "SP500   peak 1929-09-16 → trough 1932-06-01: -86.2%" in text
    # Sequoia (Cahn 2023, 2024): $200B and $600B
    assert "AI revenue needed $200B" in text
    assert "AI revenue needed $600B" in text
    # loops named by the deal edges
    assert "Nvidia → OpenAI → Oracle → Nvidia" in text
    assert "AMD → OpenAI → AMD" in text
    psy = next(s for s in ov.sections if s.key == "psy").data
    assert set(psy) == {"log prices", "levels"}
    # the dot-com NASDAQ is explosive in logs (PSY 2011's finding for the 1990s NASDAQ)
    assert psy["log prices"]["reject"] is True
    assert {r.key for r in ov.status.rows} >= {"NVDA", "AI_BASKET", "NASDAQ", "SP500"}
    json.dumps(ov.to_dict(), allow_nan=False, default=str)


def test_overview_cli_json_and_text(store_home: Path) -> None:
    res = CliRunner().invoke(app, ["overview", "--json", "--preset", "quick"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["status"]["rows"][0]["key"] == "NVDA"
    assert payload["sections"][0]["key"] == "drawdowns"
    text = CliRunner().invoke(app, ["overview", "--preset", "quick"])
    assert text.exit_code == 0, text.output
    assert text.output.index("Readings now") < text.output.index("deepest falls")
    assert "refresh with `bubblescope data update`" in text.output
