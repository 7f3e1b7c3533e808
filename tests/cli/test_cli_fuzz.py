"""Property-based fuzz of the CLI's file inputs (issue 20): any file is an answer or a typed error.

Hypothesis writes price files a careless or hostile user could give: headers in any case or
missing, user text that looks like markup, dates that are impossible, unsorted, duplicated or not
dates, values that are NaN, infinite, zero, negative, huge or text, ragged rows, other
separators, and bytes that are not UTF-8. ``drawdown`` and ``data import`` must either succeed
(exit 0) or end in one line naming the problem with a typed error's exit code; never a
traceback. After a refused import, the store still lists what it held.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bubblescope.cli.main import app

#: Exit codes of the typed errors (bubblescope.errors), click's usage error (2), and success.
TYPED_EXITS = {0, 1, 2, 3, 4, 5, 6, 7}

_HEADERS = st.sampled_from(
    ["date", "Date", "DATE", "time", "", "[red]x", "[/x]", "close", "Close", "Adj Close", "é"]
)
_DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2020-02-30", "2020-13-45", "yesterday", "", "NaT", "1e10", "2020/01/03"]),
)
_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.sampled_from(["", "abc", "0", "-1", "1e308", "1,5", "[bold]1"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def nearly_good_files(draw: st.DrawFn) -> bytes:
    """A well-formed date,close file of 0-300 days, with up to three cells spoiled."""
    n = draw(st.integers(min_value=0, max_value=300))
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 1, 1)))
    steps = draw(st.lists(st.floats(-0.2, 0.2), min_size=n, max_size=n))
    level, rows = 100.0, []
    for i, step in enumerate(steps):
        level *= 1.0 + step
        rows.append([(start + timedelta(days=i)).isoformat(), repr(level)])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        if rows:
            i = draw(st.integers(min_value=0, max_value=len(rows) - 1))
            rows[i][draw(st.integers(0, 1))] = draw(st.one_of(_DATES, _VALUES))
    header = draw(st.sampled_from([["date", "close"], ["Date", "Adj Close"], ["date", "[/x]"]]))
    return "\n".join(",".join(row) for row in [header, *rows]).encode("utf-8")


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    """A CSV-like file: a header, then rows of a date and one or more values."""
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    n_values = draw(st.integers(min_value=0, max_value=2))
    header = [draw(_HEADERS)] + [draw(_HEADERS) for _ in range(n_values)]
    rows = draw(
        st.lists(
            st.lists(st.one_of(_DATES, _VALUES), min_size=0, max_size=n_values + 2),
            max_size=40,
        )
    )
    text = "\n".join(sep.join(row) for row in itertools.chain([header], rows))
    if draw(st.booleans()):
        return text.encode("utf-8")
    return text.encode("utf-8") + draw(st.binary(max_size=8))  # maybe not UTF-8 at the end


def _no_traceback(result: object, args: list[str]) -> None:
    exc = getattr(result, "exception", None)
    code = getattr(result, "exit_code", None)
    output = getattr(result, "output", "")
    assert exc is None or isinstance(exc, SystemExit), (args, repr(exc), output[-2000:])
    assert code in TYPED_EXITS, (args, code, output[-2000:])
    assert "Traceback" not in output, (args, output[-2000:])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    return tmp_path


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=st.one_of(nearly_good_files(), hostile_files()))
def test_any_price_file_is_an_answer_or_a_typed_error(home: Path, content: bytes) -> None:
    path = home / "prices.csv"
    path.write_bytes(content)
    runner = CliRunner()
    for args in (
        ["drawdown", str(path), "--json"],
        ["data", "import", str(path), "--symbol", "FUZZ"],
    ):
        _no_traceback(runner.invoke(app, args), args)
    listed = runner.invoke(app, ["data", "list", "--json"])
    _no_traceback(listed, ["data", "list"])
    assert listed.exit_code == 0, listed.output


def test_a_row_longer_than_its_header_is_a_data_error(home: Path) -> None:
    # pandas turns the surplus leading fields into an index; naming the line then raised an
    # untyped ValueError (found by the fuzz above)
    path = home / "ragged.csv"
    path.write_text("date,close\n2020-01-02,1,5\n2020-01-03,2\n")
    out = CliRunner().invoke(app, ["drawdown", str(path)])
    assert out.exit_code == 3, out.output
    assert "more fields than the header" in out.output


def test_dates_out_of_order_outside_pythons_years_are_named(home: Path) -> None:
    # '-72-01-01' parses (ISO 8601 allows signed years); naming it with .date() raised
    # NotImplementedError instead of the out-of-order DataError (found by the fuzz above)
    path = home / "years.csv"
    path.write_text("date,close\n2021-01-04,1\n-72-01-01,2\n2021-01-06,3\n")
    out = CliRunner().invoke(app, ["drawdown", str(path)])
    assert out.exit_code == 3, out.output
    assert "-072-01-01" in out.output
