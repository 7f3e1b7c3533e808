"""The report's backtest section: a second build reads the NASDAQ backtest from the cache.

Both builds must give the same section (numbers, tables, notes, data and chart) as the uncached
path, and the backtest must run once: the warm report does not recompute it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bubblescope._json import to_jsonable
from bubblescope.charts import to_plotly
from bubblescope.report import ReportContext
from bubblescope.report.model import Section
from bubblescope.report.sections import backtest as backtest_section
from bubblescope.settings import RunSettings
from bubblescope.status import records
from tests.report.conftest import FAST


def _content(section: Section) -> dict[str, Any]:
    return {
        "numbers": section.numbers,
        "tables": section.tables,
        "notes": section.notes,
        "data": section.data,
        "charts": [to_jsonable(to_plotly(c.spec)) for c in section.charts if c.spec is not None],
    }


def test_second_build_reads_the_backtest_from_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    real = records.nasdaq_backtest
    calls: list[RunSettings] = []

    def counted(settings: RunSettings) -> Any:
        calls.append(settings)
        return real(settings)

    monkeypatch.setattr(records, "nasdaq_backtest", counted)
    ctx = ReportContext(settings=FAST, symbols=("nasdaq",))
    cold = backtest_section.build(ctx)
    warm = backtest_section.build(ctx)
    assert calls == [FAST.run]
    monkeypatch.setenv("BUBBLESCOPE_NO_CACHE", "1")
    uncached = backtest_section.build(ctx)
    assert len(calls) == 2
    assert _content(cold) == _content(uncached)
    assert _content(warm) == _content(uncached)
    assert warm.charts[0].spec is not None
