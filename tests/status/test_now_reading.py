"""One reading *now* on every surface: the status table's PSY cell and the adjusted verdicts.

A constructed weekly log-price path (a random walk, six weeks of 6% growth, then a fall back)
makes PSY (Phillips, Shi and Yu 2015) date an episode that its minimum duration holds open at
the last date while the last BSADF is far below its critical value: both surfaces must read
"episode not confirmed" (amber, no "since"), not "explosive now". The same path without the
fall ends above the critical value and reads "explosive now" (red) on both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.data.bundled import load_fundamentals
from bubblescope.detect.adjusted import adjusted_psy, meaning
from bubblescope.settings import RunSettings
from bubblescope.status.adoption import adoption_row
from bubblescope.status.readings import psy_reading, return_reading
from bubblescope.status.result import adoption_lines, status_table_html

SETTINGS = RunSettings.preset("standard").with_changes(psy={"reps": 199})
RUN, GROWTH = 6, 0.06


def _daily(fall_back: bool) -> pd.Series:
    """Business-day closes whose Friday closes are the constructed weekly path."""
    rng = np.random.default_rng(3)
    n = 300
    steps = rng.normal(0.0, 0.02, n)
    k = 3 if fall_back else 0
    steps[n - RUN - k : n - k] = GROWTH
    if fall_back:
        steps[n - k] = -GROWTH * RUN
    weeks = pd.date_range("2020-01-03", periods=n, freq="W-FRI")
    weekly = pd.Series(100.0 * np.exp(np.cumsum(steps)), index=weeks)
    days = pd.bdate_range(weeks[0], weeks[-1])
    return weekly.reindex(days).ffill()


@pytest.mark.parametrize(
    ("fall_back", "state", "light"),
    [(True, "episode not confirmed", "amber"), (False, "explosive now", "red")],
)
def test_status_cell_and_adjusted_verdict_read_the_same(
    fall_back: bool, state: str, light: str
) -> None:
    close = _daily(fall_back)
    reading = psy_reading(close, SETTINGS, log=True)
    ps = SETTINGS.psy
    res = adjusted_psy(
        close, "X", sample=ps.sample, cv=ps.cv(), lag=ps.lag, window=ps.window, level=ps.level
    )
    raw = res.raw
    # the same test: the same last BSADF and critical value on both surfaces
    assert raw.bsadf_now == reading.value
    assert raw.critical_value == reading.detail["critical_value"]
    assert raw.result is not None
    # PSY's dating holds the episode open in both cases (the rule is unchanged)
    assert raw.result.episodes[-1].ongoing
    assert raw.verdict == state
    assert reading.detail["now"]["state"] == state
    assert reading.light == light
    start = str(raw.result.episodes[-1].start.date())
    if fall_back:
        assert reading.value is not None
        assert reading.value < reading.detail["critical_value"]
        assert reading.since is None
        assert f"episode from {start} not confirmed" in reading.text
        assert "explosive now" not in raw.describe()
        assert "not yet confirmed" in raw.describe()
        sentence = meaning(raw, raw, "X")
        assert f"an episode began on {start}, not yet confirmed" in sentence
    else:
        assert reading.since == start
        assert f"episode since {start}" in reading.text


def test_the_table_html_shows_the_unconfirmed_episode_in_the_cell() -> None:
    reading = psy_reading(_daily(True), SETTINGS, log=True).to_dict()
    data = {
        "signals": {"psy_log": "PSY (log)"},
        "rows": [
            {
                "key": "X", "label": "X", "kind": "stock", "error": None, "last_date": "2025-09-26",
                "readings": {"psy_log": reading}, "records": {},
            }
        ],
        "warnings": [], "market_notes": [], "synthesis": [],
    }  # fmt: skip
    page = status_table_html(data)
    assert 'class="light-amber"' in page
    assert "not confirmed" in page
    assert "<small>since" not in page


def test_the_adoption_row_reads_the_unconfirmed_episode_as_the_table_does() -> None:
    close = _daily(True)
    readings = {
        r.signal: r.to_dict()
        for r in (psy_reading(close, SETTINGS, log=True), psy_reading(close, SETTINGS, log=False))
    }
    row = adoption_row(
        "X", close, readings, SETTINGS, fundamentals=load_fundamentals(), factors={},
        proxies={}, proxy_note="",
    )  # fmt: skip
    raw = row.verdicts["price"]
    assert raw["bsadf"] == readings["psy_log"]["value"]
    assert raw["verdict"] == readings["psy_log"]["detail"]["now"]["state"]
    assert raw["verdict"] == "episode not confirmed"
    assert "explosive now" not in adoption_lines([{"key": "X", "adoption": row.to_dict()}])[0]
    assert row.doubling is not None
    assert row.doubling["test"] == "log"  # the open episode, not the ended one on levels
    assert row.doubling["confirmed"] is False
    assert "unconfirmed PSY episode on log" in row.doubling_text


def test_the_terminal_cells_say_unconfirmed_and_print_the_net_runup_in_points() -> None:
    from bubblescope.cli.status import _compact

    assert _compact(psy_reading(_daily(True), SETTINGS, log=True)).endswith("\nunconf.")
    assert "unconf" not in _compact(psy_reading(_daily(False), SETTINGS, log=True))
    close = _daily(False)
    market = close.iloc[::-1].set_axis(close.index)  # any other path: a nonzero net run-up
    reading, net = return_reading(close, market, SETTINGS, is_market=False)
    assert net is not None
    assert _compact(reading).endswith(f"\nn{100.0 * net:+.0f}pts")
