"""``psy`` estimates its work before it starts and refuses it over the limit without --yes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bubblescope.cli._common import COST_LIMIT_S, check_cost
from bubblescope.cli.main import app
from bubblescope.detect.exuberance import psy_cost_seconds
from bubblescope.errors import InputError


def test_a_billion_replications_are_refused_with_the_estimate() -> None:
    out = CliRunner().invoke(app, ["psy", "nasdaq", "--cv", "mc", "--reps", "1000000000"])
    assert out.exit_code == 2, out.output
    assert "1,000,000,000 replications" in out.output
    assert "estimated" in out.output
    assert "--yes" in out.output


def test_a_long_daily_history_with_many_reps_is_refused() -> None:
    # the NASDAQ's daily closes since 1971 (~14,000 points) with 499 replications
    out = CliRunner().invoke(
        app, ["psy", "nasdaq", "--freq", "D", "--start", "1971", "--cv", "mc", "--reps", "499"]
    )
    assert out.exit_code == 2, out.output
    assert "over the limit" in out.output


def test_the_default_run_is_under_the_limit_and_unchanged() -> None:
    out = CliRunner().invoke(app, ["psy", "nasdaq", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["gsadf"] is not None


def test_yes_lets_work_over_the_limit_through() -> None:
    check_cost(10 * COST_LIMIT_S, "PSY: T=1", "smaller", yes=True)
    with pytest.raises(InputError, match="over the limit"):
        check_cost(10 * COST_LIMIT_S, "PSY: T=1", "smaller", yes=False)


def test_the_estimate_grows_as_the_work_does() -> None:
    base = psy_cost_seconds(1000, 0, 0)
    # windows grow with n(n+1)/2, the system with (lag+2)^2, the sweeps with reps+1
    assert psy_cost_seconds(2000, 0, 0) / base == pytest.approx(2000 * 2001 / (1000 * 1001))
    assert psy_cost_seconds(1000, 2, 0) / base == pytest.approx(4.0)
    assert psy_cost_seconds(1000, 0, 99) / base == pytest.approx(100.0)


def test_scan_refuses_replications_over_the_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    import pandas as pd

    folder = tmp_path / "universe"
    folder.mkdir()
    idx = pd.bdate_range("2010-01-01", periods=600)
    for i in range(2):
        close = 100 * np.exp(np.cumsum(np.random.default_rng(i).normal(0, 0.02, 600)))
        pd.DataFrame({"date": idx, "close": close}).to_csv(folder / f"S{i}.csv", index=False)
    out = CliRunner().invoke(app, ["scan", str(folder), "--analyses", "psy", "--reps", "100000000"])
    assert out.exit_code == 2, out.output
    assert "scan PSY: 2 symbol(s)" in out.output
    assert "--yes" in out.output


def test_backtest_refuses_replications_over_the_limit() -> None:
    out = CliRunner().invoke(app, ["backtest", "nasdaq", "--reps", "100000000"])
    assert out.exit_code == 2, out.output
    assert "backtest: PSY" in out.output
    assert "100,000,000 replications" in out.output


def test_a_huge_series_without_replications_is_refused_quickly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the 10 M rows ran over 300 s with no guard; 250,000 hourly closes tested as
    # given (--freq D keeps them) cost about 150 s for one BSADF sweep: refused before it
    import time

    import numpy as np
    import pandas as pd

    n = 250_000
    idx = pd.date_range("1960-01-01", periods=n, freq="h")
    close = 100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.001, n)))
    path = tmp_path / "hourly.csv"
    pd.DataFrame({"date": idx, "close": close}).to_csv(path, index=False)
    started = time.monotonic()
    out = CliRunner().invoke(
        app, ["psy", str(path), "--freq", "D", "--start", "1960-01-01", "--cv", "none"]
    )
    assert out.exit_code == 2, out.output
    assert f"T={n:,}" in out.output
    assert f"estimated {psy_cost_seconds(n, 0, 0):,.0f} s" in " ".join(out.output.split())
    assert time.monotonic() - started < 60


def test_lppls_confidence_is_refused_with_the_servers_estimate() -> None:
    from bubblescope.data.bundled import load_bundled
    from bubblescope.web.cost import lppls_confidence_cost

    close = load_bundled("nasdaq")["close"]
    dates = int((close.index >= "2000-01-01").sum())
    expected = lppls_confidence_cost(dates, 750, 125, 5)
    out = CliRunner().invoke(app, ["lppls", "confidence", "nasdaq", "--start", "2000-01-01"])
    assert out.exit_code == 2, out.output
    text = " ".join(out.output.split())
    assert f"{dates:,} dates x 126 windows" in text
    assert f"estimated {expected.seconds:,.0f} s" in text
    trust = CliRunner().invoke(
        app, ["lppls", "confidence", "nasdaq", "--start", "2026-01-01", "--trust"]
    )
    assert trust.exit_code == 2, trust.output  # a few dates, but 101 fits a window
    assert "with Trust (100 synthetic series a window)" in " ".join(trust.output.split())
