"""``--start``/``--end`` are checked as dates in every command that takes them (issue 20)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bubblescope.cli._common import parse_date
from bubblescope.cli.main import app
from bubblescope.errors import InputError

BAD = ["2020-13-45", "2020-02-30", "yesterday", "20200101x"]
COMMANDS = [
    ["psy", "nasdaq"],
    ["lppls", "fit", "nasdaq"],
    ["lppls", "confidence", "nasdaq"],
    ["data", "fetch", "NVDA"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("option", ["--start", "--end"])
@pytest.mark.parametrize("value", BAD)
def test_bad_dates_are_usage_errors_not_tracebacks(
    command: list[str], option: str, value: str
) -> None:
    out = CliRunner().invoke(app, [*command, option, value])
    assert out.exit_code == 2, out.output
    assert isinstance(out.exception, SystemExit)  # not a DateParseError traceback
    assert "is not a date" in out.output
    assert value in out.output


@pytest.mark.parametrize("value", ["2020", "2020-02", "2020-02-29", "2020-02-29T16:00"])
def test_calendar_dates_pass_unchanged(value: str) -> None:
    assert parse_date(value, "--start") == value


@pytest.mark.parametrize("value", BAD)
def test_parse_date_raises_a_typed_error(value: str) -> None:
    with pytest.raises(InputError, match="--end"):
        parse_date(value, "--end")
