"""The status page's "Bubble or adoption?" section: the same numbers as the table and PSY itself.

A number shown in two places must be the same number: the raw verdict's BSADF is the "PSY (log)"
column's reading, the raw verdict is red exactly when that column is, and the doubling time of
a levels episode is the one ``PSYResult.summary()`` prints for PSY on levels. The text, the HTML
and the CLI print the same lines.
"""

from __future__ import annotations

import dataclasses
import functools
import html
from typing import Any

import pytest

from bubblescope.analyses.engines import PSYAnalysisSettings, run_psy
from bubblescope.data.bundled import load_bundled, load_fundamentals
from bubblescope.detect.adjusted import technology_proxies
from bubblescope.detect.explosive_root import episode_root
from bubblescope.settings import RunSettings
from bubblescope.status.adoption import AdoptionRow, adoption_row, doubling_sentence
from bubblescope.status.readings import psy_reading
from bubblescope.status.result import adoption_groups, adoption_lines, status_table_html

SETTINGS = RunSettings.preset("standard").with_changes(psy={"reps": 199})


@functools.cache
def _row(key: str) -> tuple[AdoptionRow, dict[str, dict[str, Any]]]:
    close = load_bundled(key)["close"]
    readings = {
        r.signal: r.to_dict()
        for r in (
            psy_reading(close, SETTINGS, log=True),
            psy_reading(close, SETTINGS, log=False),
        )
    }
    fundamentals = load_fundamentals()
    proxies, note = technology_proxies(fundamentals)
    row = adoption_row(
        key, close, readings, SETTINGS, fundamentals=fundamentals,
        factors={"SP500": load_bundled("SP500")["close"]}, proxies=proxies, proxy_note=note,
    )  # fmt: skip
    return row, readings


@pytest.mark.parametrize("key", ["NVDA", "TSM"])
def test_raw_verdicts_are_the_tables_psy_readings(key: str) -> None:
    row, readings = _row(key)
    for test, signal in (("price", "psy_log"), ("price_level", "psy_level")):
        raw, reading = row.verdicts[test], readings[signal]
        assert raw["bsadf"] == reading["value"]
        assert raw["critical_value"] == reading["detail"]["critical_value"]
        assert (raw["verdict"] == "explosive now") == (reading["light"] == "red")


def test_nvda_has_its_ratios_tested_and_a_sentence() -> None:
    row, _ = _row("NVDA")
    for key in ("pe", "ps", "factors", "technology", "pe_level", "ps_level"):
        assert row.verdicts[key]["bsadf"] is not None, key
    assert "price-to-sales" in row.sentence
    assert row.sentence.startswith(("NVDA", "Neither NVDA"))


def test_doubling_time_of_a_levels_episode_is_psy_summarys() -> None:
    row, _ = _row("TSM")
    assert row.doubling is not None
    assert row.doubling["test"] == "levels"
    s = dataclasses.replace(PSYAnalysisSettings.from_run(SETTINGS), transform="level")
    levels = run_psy(load_bundled("TSM"), s)
    episode = levels.episodes[-1]
    assert str(episode.start.date()) == row.doubling["start"]
    root = episode_root(levels.y, episode, level=SETTINGS.psy.level)
    assert root is not None
    months = root.months(root.doubling)
    assert months == pytest.approx(row.doubling["months"], rel=1e-12)
    assert f"every {months:.1f} months" in row.doubling_text
    assert f"doubles every {months:.1f} months" in levels.summary()


def test_text_html_and_json_show_the_same_lines() -> None:
    row, _ = _row("NVDA")
    data = {
        "signals": {},
        "rows": [
            {"key": "NVDA", "label": "NVIDIA", "kind": "stock", "error": "not under test",
             "adoption": row.to_dict()},
        ],
        "warnings": [],
        "market_notes": [],
        "synthesis": [],
    }  # fmt: skip
    (group,) = adoption_groups(data["rows"])
    assert group[2] == row.sentence
    assert group[3] == row.doubling_text
    assert [line.strip() for line in adoption_lines(data["rows"])] == group
    shown = status_table_html(data)
    assert "<br>".join(html.escape(line) for line in group) in shown
    assert AdoptionRow.from_dict(row.to_dict()) == row


def test_doubling_sentence_says_never_for_an_open_interval() -> None:
    text = doubling_sentence(
        "X",
        {"test": "levels", "start": "2026-01-02", "end": None, "n": 9, "rho": 1.01,
         "months": 16.0, "months_ci": [7.5, None]},
    )  # fmt: skip
    assert text == (
        "X's price doubles every 16.0 months in this episode (95% CI 7.5 months to never; PSY "
        "episode on levels, since 2026-01-02, 9 weekly closes)."
    )


def test_doubling_sentence_says_when_an_episode_is_too_young() -> None:
    text = doubling_sentence(
        "X",
        {"test": "levels", "start": "2026-07-24", "end": None, "n": 2, "rho": None,
         "rho_ci": None, "months": None, "months_ci": [None, None]},
    )  # fmt: skip
    assert text == (
        "X's current PSY episode on levels, since 2026-07-24 has 2 weekly close(s), too few "
        "for a doubling time."
    )
