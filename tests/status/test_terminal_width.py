"""The status page in a terminal: its tables fit 80 columns without breaking a cell.

Rich wraps a cell over two lines when the table's natural width exceeds the console's, e.g.
``n+51.2 pts`` became ``n+51.2`` over ``pts``. The rows below carry the widest readings of the
shipped data (the AI basket's +230% run-up, 188 points net of the S&P 500; ORCL's -57.8%
drawdown; the S&P 500's CAPE) and the widest forms a cell can take (an unconfirmed PSY episode,
a grey reading, a missing one), so a column that grows past 80 columns in all shows up here.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bubblescope.cli.status import render_status
from bubblescope.status.readings import Light, Reading
from bubblescope.status.records import HISTORIES, Record
from bubblescope.status.result import SIGNALS, StatusResult, StatusRow


def _psy(signal: str, value: float, light: Light, *, unconfirmed: bool = False) -> Reading:
    state = "episode not confirmed" if unconfirmed else "explosive now"
    detail = {"critical_value": 2.37, "now": {"state": state}}
    return Reading(signal, signal, value, "", light, "2025-05-02", detail)


def _row(key: str, *, wide: bool) -> StatusRow:
    """A row of readings; ``wide`` takes the widest form of each cell."""
    valuation: dict[str, Any] = (
        {"measure": "CAPE", "value": 40.2} if wide else {"measure": "P/E", "pe": 31.4, "ps": 9.0}
    )
    readings = (
        _psy("psy_log", -0.63, "amber", unconfirmed=wide),
        _psy("psy_level", 5.24, "red"),
        Reading("lppls", "LPPLS", 0.41, "", "red", "2026-05-01", {"largest_scale": "long"}),
        Reading(
            "return_24m", "Run-up", 2.30 if wide else 0.93, "", "red", "2026-04-03",
            {"net": 1.883 if wide else -0.224},
        ),
        Reading("crash_odds", "Crash", None, "", "grey") if wide
        else Reading("crash_odds", "Crash", 0.70, "", "red", "2026-06-05"),
        Reading("drawdown", "Drawdown", -0.578, "", "red", "2025-09-05"),
        Reading("valuation", "Value", 99.0, "", "red", "2026-08-21", valuation),
    )  # fmt: skip
    records = {
        "return_24m": Record(
            "runup", f"{HISTORIES['FRENCH49'][0]} 1926-2025, monthly", "", 273, 63, 0.23, 0.01,
            11.0,
        ),
        "psy_log": Record("psy", "NASDAQ Composite 1971-2026, weekly", "", 10, 3, 0.3, 0.12, 13.0),
    }  # fmt: skip
    return StatusRow(key, key, "stock", last_date="2026-08-21", readings=readings, records=records)


def _result() -> StatusResult:
    rows = (
        _row("NVDA", wide=False),
        _row("AI_BASKET", wide=True),
        _row("NASDAQ", wide=False),
        _row("SP500", wide=True),
        StatusRow("MSFT", "MSFT", "stock", last_date="2026-08-21"),  # no readings: "–"
    )
    return StatusResult(rows, None, None, None, (), (), {}, "2026-12-06")


def _cells(table: Table) -> list[str]:
    """The plain text of every cell, headers included."""
    out = []
    for column in table.columns:
        out.append(str(column.header))
        out += [c.plain if isinstance(c, Text) else str(c) for c in column.cells]
    return out


def _shown(result: StatusResult, width: int) -> tuple[list[Table], list[str]]:
    parts = render_status(result)
    tables = [p for p in parts if isinstance(p, Table)]
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    for table in tables:
        console.print(table)
    return tables, [line.rstrip() for line in console.export_text().splitlines()]


@pytest.mark.parametrize("width", [80, 120])
def test_no_cell_is_broken_over_two_lines(width: int) -> None:
    tables, lines = _shown(_result(), width)
    assert len(tables) == 2  # the readings and the records
    assert len(tables[0].columns) == 1 + len(SIGNALS)
    assert max(map(len, lines)) <= width
    for table in tables:
        for cell in _cells(table):
            for part in cell.splitlines():
                assert any(part in line for line in lines), (width, part)


def test_the_widest_cells_are_shown_whole() -> None:
    """The cells that wrapped before, in the form the key under the table explains."""
    _, lines = _shown(_result(), 80)
    text = "\n".join(lines)
    for whole in ("n+188pts", "n-22pts", "unconf.", "● CAPE 40", "● P/E 31", "· n/a"):
        assert whole in text, whole
    assert "49 French industries 1926-2025, monthly" in text


def test_the_table_is_as_wide_at_120_columns_as_at_80() -> None:
    """It fits 80 columns at its natural width, so a wider terminal draws the same table."""
    assert _shown(_result(), 80)[1] == _shown(_result(), 120)[1]
