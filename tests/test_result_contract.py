"""The result contract: every result type of the package passes one parametrised test.

:data:`EXAMPLES` holds one small example per result class (several where a class draws a
different chart in another state), built from small synthetic data or the shipped data; the
economy's examples are those of ``tests/economy/test_result_charts.py``, which also checks
their charts in detail. The
contract test checks each against :class:`bubblescope.result.Result`: ``summary()`` is text,
``to_frame()`` a DataFrame, ``to_dict()`` strict JSON that round-trips, ``chart_spec()`` a
:class:`~bubblescope.charts.ChartSpec` with data, ``plot()`` its matplotlib Figure, its plotly
figure JSON, and ``_repr_html_()`` HTML. The coverage test walks every module of the package
and fails when a class with ``summary`` and ``to_dict`` has no example, so a new result cannot
be left off the contract. Every analysis of the registry (:data:`bubblescope.analyses.REGISTRY`)
names result types that have examples here, and runs on a small input (:data:`SMALL_RUNS`) to
a result of those types.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest

import bubblescope
from bubblescope.charts import Bar, ChartSpec, to_plotly
from bubblescope.economy.depreciation.flattered import flattered
from bubblescope.economy.firms.view import firms_view
from bubblescope.result import Result
from tests.economy.test_result_charts import EXAMPLES as ECONOMY_EXAMPLES
from tests.scenario.test_breaks import breaks_example
from tests.scenario.test_power_feed import power_feed_example
from tests.scenario.test_telecom_calibration import telecom_example

matplotlib.use("Agg")

Factory = Callable[[], Any]


# --- small inputs ------------------------------------------------------------------------------


def _walk(n: int, seed: int, freq: str = "W-FRI", start: str = "2000-01-07") -> pd.Series:
    """A drifting log random walk (positive prices) with dates."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=n, freq=freq)
    return pd.Series(100 * np.exp(np.cumsum(0.01 + 0.04 * rng.standard_normal(n))), index=idx)


def _boom(n: int = 160) -> pd.Series:
    """Weekly prices that run up, accelerate and crash: PSY stamps an episode in them."""
    base = _walk(n, 1)
    growth = np.concatenate([np.zeros(n // 2), np.cumsum(np.linspace(0.0, 0.08, n // 4))])
    crash = np.full(n - len(growth), growth[-1] - 0.9)
    return base * np.exp(np.concatenate([growth, crash]))


def _lppls_prices(n: int = 160) -> pd.Series:
    """A noisy LPPLS path on business days, tc just after the last one."""
    from bubblescope.detect.lppls import lppls_formula

    t = np.arange(n, dtype=np.float64)
    logp = lppls_formula(t, n + 10.0, 0.5, 8.0, 6.0, -0.05, 0.005, 0.003)
    noise = 0.002 * np.random.default_rng(3).standard_normal(n)
    return pd.Series(np.exp(logp + noise), index=pd.bdate_range("2021-01-04", periods=n))


# --- detect ------------------------------------------------------------------------------------


def _psy() -> Any:
    from bubblescope.detect.exuberance import psy

    return psy(np.log(_boom()), name="log boom")


def _psy_panel() -> Any:
    from bubblescope.detect.critical_values import PanelSieveCV
    from bubblescope.detect.exuberance import psy_panel

    frame = pd.DataFrame({f"s{i}": np.log(_walk(100, i)) for i in range(3)})
    return psy_panel(frame, cv=None, panel_cv=PanelSieveCV(reps=20, rng=0))


def _psy_cv() -> Any:
    return _psy().cv


def _panel_cv() -> Any:
    return _psy_panel().panel_cv


def _lppls_fit() -> Any:
    from bubblescope.detect.lppls import GridSpec, lppls_fit

    grid = GridSpec(n_tc=9, n_m=5, n_omega=9, keep=2, n_random=0)
    return lppls_fit(_lppls_prices(), grid=grid)


def _failed_fit() -> Any:
    from bubblescope.detect.lppls import FailedFit

    prices = _lppls_prices()
    return FailedFit("no finite least-squares solution", prices.index[0], prices.index[-1], prices)


def _lppls_indicators() -> Any:
    from bubblescope.detect.lppls import GridSpec, WindowSet, lppls_confidence

    prices = _lppls_prices()
    return lppls_confidence(
        prices,
        list(prices.index[-3:]),
        windows=WindowSet(120, 60, 20),
        grid=GridSpec(n_tc=5, n_m=3, n_omega=5, keep=1, max_iter=10),
    )


def _runup() -> Any:
    from bubblescope.detect.gsy import runup

    return runup(_boom(400), horizon=12, crash_drawdown=0.3, name="boom")


def _drawdown() -> Any:
    from bubblescope.detect.drawdowns import drawdown

    return drawdown(_boom(), name="boom")


def _cusum() -> Any:
    from bubblescope.detect.cusum import cusum_monitor

    return cusum_monitor(np.log(_boom(200)), train=100, critical="table", name="boom")


def _whl() -> Any:
    from bubblescope.detect.whl import whl_monitor

    return whl_monitor(np.log(_boom(200)), train=90, horizon=110, name="boom")


def _sign_monitor() -> Any:
    from bubblescope.detect.sign_based import sign_monitor

    return sign_monitor(np.log(_boom(200)), train=100, critical=2.5, demean=True, name="boom")


def _sign_psy() -> Any:
    from bubblescope.detect.critical_values.sign import SignPSYCV
    from bubblescope.detect.sign_based import sign_psy

    return sign_psy(np.log(_boom(200)), cv=SignPSYCV(reps=100, cache=False), name="boom")


def _bd_monitor() -> Any:
    from bubblescope.detect.breitung_diegel import bd_monitor

    return bd_monitor(np.log(_boom(200)), train=100, critical="table", name="boom")


def _multiples() -> Any:
    from bubblescope.data.bundled import load_bundled, load_fundamentals
    from bubblescope.detect.firm_multiples import multiples

    close = load_bundled("NVDA")["close"].loc["2022":]
    return multiples(close, load_fundamentals("NVDA"), "NVDA", frequency="monthly")


def _adjusted() -> Any:
    from bubblescope.data.bundled import load_bundled, load_fundamentals
    from bubblescope.detect.adjusted import adjusted_psy
    from bubblescope.detect.critical_values import MonteCarloCV

    close = load_bundled("NVDA")["close"].loc["2019":]
    return adjusted_psy(
        close,
        "NVDA",
        fundamentals=load_fundamentals("NVDA"),
        factors={"SP500": load_bundled("SP500")["close"]},
        sample=lambda s: s.resample("ME").last().dropna(),
        cv=MonteCarloCV(reps=99, rng=0),
    )


def _svadf() -> Any:
    from bubblescope.detect.svadf_dating import svadf

    return svadf(_boom(), origination_run=5, collapse_run=5, bridge=30, name="boom")


def _svadf_exuber() -> Any:
    from bubblescope.detect.svadf_dating import svadf

    return svadf(np.log(_boom()), rule="exuber", name="log boom")


def _svadf_none() -> Any:
    from bubblescope.detect.svadf_dating import svadf

    return svadf(_walk(120, 5), origination_run=200, name="walk")


# --- composites --------------------------------------------------------------------------------


def _gauge() -> Any:
    from bubblescope.gauge import GaugeProxy, bubble_gauge

    idx = pd.date_range("2000-01-31", periods=60, freq="ME")
    walk = _walk(60, 4, freq="ME", start="2000-01-31").to_numpy()
    proxies = [
        GaugeProxy("momentum", "unsustainable_growth", pd.Series(walk, index=idx), True, "toy"),
        GaugeProxy("buyers", "new_buyers", pd.Series(walk[::-1], index=idx), True, "toy"),
    ]
    return bubble_gauge(proxies, min_history=12)


def _scan() -> Any:
    from bubblescope.scan import ScanConfig, scan

    universe = {f"S{i}": _walk(400, i, freq="B") for i in range(3)}
    return scan(universe, ScanConfig(analyses=("psy", "drawdown"), window=120))


def _backtest() -> Any:
    from bubblescope.backtest import backtest
    from tests.backtest.conftest import CHEAP, SMALL_EVENTS, weekly_prices

    return backtest(weekly_prices(0), signals="runup", config=CHEAP, events=SMALL_EVENTS)


def _leaderboard() -> Any:
    from bubblescope.backtest.leaderboard import History, leaderboard
    from tests.backtest.conftest import CHEAP, SMALL_EVENTS, weekly_prices

    history = History("A", "A, weekly", weekly_prices(0, 300), SMALL_EVENTS)
    return leaderboard([history], config=CHEAP, signals=["runup", "baseline_return"])


def _universe_backtest() -> Any:
    from bubblescope.backtest import backtest_universe
    from tests.backtest.conftest import CHEAP, SMALL_EVENTS, weekly_prices

    return backtest_universe(
        {"A": weekly_prices(0), "B": weekly_prices(1)},
        signals="runup",
        config=CHEAP,
        events=SMALL_EVENTS,
    )


def _scenario() -> Any:
    from bubblescope.scenario import run_scenario

    return run_scenario("base", n_paths=200, rng=0)


def _sensitivity() -> Any:
    from bubblescope.scenario.sensitivity import scenario_sensitivity

    return scenario_sensitivity("base", method="morris", n=4, n_paths=100, rng=0)


def _status(*, aligned: bool = True) -> Any:
    from bubblescope.status.market import Alignment
    from bubblescope.status.readings import Reading
    from bubblescope.status.records import Record
    from bubblescope.status.result import StatusResult, StatusRow

    path = pd.Series(100.0 * np.exp(np.linspace(0.0, 1.0, 50)))
    alignment = Alignment(
        ai=path,
        dotcom=1.2 * path,
        ai_start="2023-01-03",
        dotcom_start="1997-01-02",
        dotcom_peak="2000-03-10",
        ai_last="2023-03-14",
        ai_gain=2.7,
        dotcom_gain_same_age=3.3,
        dotcom_peak_gain=3.3,
        days=49,
        days_to_dotcom_peak=0,
        dotcom_fall=-0.78,
        text="AI basket x2.7 in 49 trading days",
    )
    record = Record("psy", "NASDAQ 1971-", "a fall of 20%", 5, 3, 0.6, 0.2, 9.0)
    row = StatusRow(
        "NVDA",
        "Nvidia",
        "stock",
        first_date="2020-01-02",
        last_date="2023-03-14",
        vintage="synthetic",
        readings=(
            Reading("psy_log", "PSY (log)", 2.1, "BSADF 2.1 > 1.9", "red", since="2023-01-06"),
            Reading("drawdown", "Drawdown now", -0.05, "-5%", "green"),
            Reading("valuation", "Valuation", None, "n/a", "grey", note="no filings"),
        ),
        records={"psy_log": record},
    )
    return StatusResult(
        rows=(row,),
        gauge=None,
        alignment=alignment if aligned else None,
        index_share=None,
        market_notes=(),
        synthesis=("1 of 2 signals in alarm",),
        settings={"name": "standard", "fingerprint": "0"},
        today="2023-03-15",
    )


def _overview() -> Any:
    from bubblescope.overview import Overview, Section

    section = Section("drawdowns", "Drawdowns", ("NASDAQ -5%",), {"NASDAQ": -0.05})
    return Overview(_status(), (section,))


def _water() -> Any:
    from bubblescope.economy.water import water_use

    return water_use()


def _water_indirect() -> Any:
    from bubblescope.economy.water import water_use

    return water_use(indirect=True, cooling="evaporative")


# --- data --------------------------------------------------------------------------------------


def _universe_monitor() -> Any:
    from bubblescope.status.universe_monitor import (
        TickerReading,
        UniverseMonitorResult,
        UniverseSettings,
    )

    def row(date: str, bsadf: float, conf: float, runup: float, dd: float) -> dict[str, Any]:
        return {
            "date": date,
            "close": 100.0,
            "bsadf": bsadf,
            "psy_alarm": bsadf > 1.5,
            "lppls_confidence_pos": conf,
            "lppls_confidence_neg": 0.0,
            "runup": runup,
            "drawdown": dd,
            "max_drawdown": dd - 0.1,
        }

    readings = (
        TickerReading("AAA", True, "updated", row("2026-12-04", 2.1, 0.4, 1.2, 0.0), 1),
        TickerReading(
            "BBB",
            True,
            "recomputed",
            row("2026-12-04", -0.3, float("nan"), float("nan"), -0.2),
            800,
            ("recomputed: history changed", "LPPLS needs 750 closes, has 700"),
        ),
        TickerReading("CCC", False, "failed", error="UnknownSymbolError: no prices for 'CCC'"),
    )
    return UniverseMonitorResult(readings, UniverseSettings(psy_cv=1.5), "state", 1.0, 300.0)


def _import_result() -> Any:
    from bubblescope.data.store import ImportResult

    return ImportResult("prices", "ABC", "store/prices/ABC/part-1.parquet", 250, True)


def _update_result() -> Any:
    from bubblescope.data.update import UpdateEntry, UpdateResult

    return UpdateResult(
        (
            UpdateEntry(
                "NVDA",
                "prices",
                "yahoo",
                True,
                rows=250,
                first=pd.Timestamp("2025-01-02"),
                last=pd.Timestamp("2025-12-31"),
                new_rows=20,
                written=True,
            ),
            UpdateEntry("XYZ", "prices", "yahoo", False, error="SourceError: no data"),
        )
    )


def _data_card() -> Any:
    from bubblescope.data.bundled import load_datacard

    return load_datacard()


def _factbase() -> Any:
    from bubblescope.data.facts import load_factbase

    return load_factbase()


#: Every result type: its qualified name -> example factories (id, factory).
EXAMPLES: dict[str, tuple[tuple[str, Factory], ...]] = {
    "bubblescope.detect.exuberance.PSYResult": (("psy", _psy),),
    "bubblescope.detect.exuberance.PSYPanelResult": (("psy-panel", _psy_panel),),
    "bubblescope.detect.critical_values._result.PSYCriticalValues": (("psy-cv", _psy_cv),),
    "bubblescope.detect.critical_values.panel.PanelCriticalValues": (("panel-cv", _panel_cv),),
    "bubblescope.detect.lppls.LPPLSFit": (("lppls-fit", _lppls_fit),),
    "bubblescope.detect.lppls.FailedFit": (("lppls-failed", _failed_fit),),
    "bubblescope.detect._lppls_indicators.LPPLSIndicators": (
        ("lppls-confidence", _lppls_indicators),
    ),
    "bubblescope.detect.gsy.RunupResult": (("runup", _runup),),
    "bubblescope.detect.drawdowns.DrawdownResult": (("drawdown", _drawdown),),
    "bubblescope.detect.cusum.CUSUMResult": (("cusum", _cusum),),
    "bubblescope.detect.sign_based.SignPSYResult": (("sign-psy", _sign_psy),),
    "bubblescope.detect.sequential.SequentialResult": (
        ("whl", _whl),
        ("sign-monitor", _sign_monitor),
        ("bd-monitor", _bd_monitor),
    ),
    "bubblescope.detect.firm_multiples.MultiplesResult": (("multiples", _multiples),),
    "bubblescope.detect.adjusted.AdjustedResult": (("psy-adjusted", _adjusted),),
    "bubblescope.detect.svadf_dating.SVADFResult": (
        ("svadf", _svadf),
        ("svadf-exuber", _svadf_exuber),
        ("svadf-none", _svadf_none),
    ),
    "bubblescope.gauge.GaugeResult": (("gauge", _gauge),),
    "bubblescope.scan.ScanResult": (("scan", _scan),),
    "bubblescope.backtest.result.BacktestResult": (("backtest", _backtest),),
    "bubblescope.backtest.run.UniverseBacktest": (("universe-backtest", _universe_backtest),),
    "bubblescope.backtest.leaderboard.LeaderboardResult": (("leaderboard", _leaderboard),),
    "bubblescope.scenario.result.ScenarioResult": (("scenario", _scenario),),
    "bubblescope.scenario.sensitivity.GlobalSensitivityResult": (
        ("scenario-sensitivity", _sensitivity),
    ),
    "bubblescope.scenario.breaks.BreaksResult": (("scenario-breaks", breaks_example),),
    "bubblescope.scenario.power_feed.PowerFeedResult": (("scenario-power", power_feed_example),),
    "bubblescope.scenario.calibration.TelecomCalibrationResult": (
        ("scenario-telecom", telecom_example),
    ),
    "bubblescope.status.universe_monitor.UniverseMonitorResult": (
        ("universe-monitor", _universe_monitor),
    ),
    "bubblescope.status.result.StatusResult": (
        ("status", _status),
        ("status-unaligned", lambda: _status(aligned=False)),
    ),
    "bubblescope.overview.Overview": (("overview", _overview),),
    "bubblescope.data.store.ImportResult": (("import", _import_result),),
    "bubblescope.data.update.UpdateResult": (("update", _update_result),),
    "bubblescope.data.bundled.DataCard": (("data-card", _data_card),),
    "bubblescope.data.facts.FactBase": (("factbase", _factbase),),
    "bubblescope.economy.depreciation.flattered.FlatteredResult": (("flattered", flattered),),
    "bubblescope.economy.firms.view.FirmsResult": (
        ("firms", firms_view),
        ("firms-oracle-shocked", lambda: firms_view(("Oracle=0",), year=2027)),
    ),
    "bubblescope.economy.water.WaterResult": (
        ("water", _water),
        ("water-indirect", _water_indirect),
    ),
    **{
        f"bubblescope.economy.{name}": ((name.rsplit(".", 1)[-1], factory),)
        for name, factory in ECONOMY_EXAMPLES.items()
    },
}

#: Classes with ``summary`` and ``to_dict`` that are not results, and why.
NOT_RESULTS: dict[str, str] = {
    "bubblescope.result.Result": "the protocol itself",
    "bubblescope.cli.economy._Result": "a typing protocol of the CLI's economy commands",
}


def _params() -> list[Any]:
    return [
        pytest.param(qualname, factory, id=name)
        for qualname, examples in EXAMPLES.items()
        for name, factory in examples
    ]


def _has_data(spec: ChartSpec) -> bool:
    values = [
        item.x if isinstance(item, Bar) and item.orientation == "h" else item.y  # bar lengths
        for panel in spec.panels
        for item in (*panel.lines, *panel.bars)
    ]
    return any(
        len(np.atleast_1d(v)) > 0 and np.isfinite(np.asarray(v, dtype=float)).any() for v in values
    )


@pytest.mark.parametrize(("qualname", "factory"), _params())
def test_result_follows_the_contract(qualname: str, factory: Factory) -> None:
    from matplotlib.figure import Figure

    res = factory()
    assert f"{type(res).__module__}.{type(res).__qualname__}" == qualname
    assert isinstance(res, Result)
    text = res.summary()
    assert isinstance(text, str)
    assert text.strip()
    assert isinstance(res.to_frame(), pd.DataFrame)
    data = res.to_dict()
    encoded = json.dumps(data, allow_nan=False)
    assert json.loads(encoded) == data
    spec = res.chart_spec()
    assert isinstance(spec, ChartSpec)
    assert spec.panels
    assert _has_data(spec), "the chart has no data"
    fig = res.plot()
    try:
        assert isinstance(fig, Figure)
        assert len(fig.axes) >= len(spec.panels)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
    json.dumps(to_plotly(spec), allow_nan=False)
    page = res._repr_html_()
    assert isinstance(page, str)
    assert page.lstrip().startswith("<")


def _walk_classes() -> dict[str, type]:
    """Every class defined in the package with ``summary`` and ``to_dict`` methods."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(bubblescope.__path__, "bubblescope."):
        try:
            module = importlib.import_module(info.name)
        except ImportError as exc:  # an optional extra that is not installed (e.g. jax)
            if exc.name is None or exc.name.split(".")[0] == "bubblescope":
                raise
            continue
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and obj.__module__ == module.__name__
                and callable(getattr(obj, "summary", None))
                and callable(getattr(obj, "to_dict", None))
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def test_every_result_type_has_an_example() -> None:
    classes = _walk_classes()
    missing = sorted(set(classes) - set(EXAMPLES) - set(NOT_RESULTS))
    assert not missing, f"result types without an example in EXAMPLES: {missing}"
    gone = sorted(set(EXAMPLES) - set(classes))
    assert not gone, f"EXAMPLES names classes that no longer exist: {gone}"


# --- every analysis of the registry --------------------------------------------------------------


def _small_runs() -> dict[str, tuple[Factory, dict[str, Any]]]:
    """Registry name -> (its data, settings changed from the quick preset) for a small run."""
    from bubblescope.data.catalog import load_series
    from tests.backtest.conftest import weekly_prices

    def nvda() -> Any:
        return load_series("NVDA")

    def none() -> None:
        return None

    return {
        "psy": (_boom, {"lookback_years": None}),
        "cusum": (lambda: _boom(200), {"train_years": 1.5, "horizon_years": 2.0}),
        "whl": (lambda: _boom(200), {"train_years": 1.5}),
        "sign-monitor": (
            lambda: _boom(200),
            {"train_years": 1.5, "horizon_years": 2.0, "reps": 100},
        ),
        "bd-monitor": (
            lambda: _boom(200),
            {"train_years": 1.5, "horizon_years": 2.0, "reps": 100},
        ),
        "sign-psy": (lambda: _boom(200), {"lookback_years": None, "reps": 100}),
        "lppls": (_lppls_prices, {"window": None}),
        "lppls-confidence": (
            _lppls_prices,
            {"max_window": 120, "min_window": 60, "step": 30, "every": 20, "dates": 2},
        ),
        "runup": (lambda: _boom(400), {"market": ""}),
        "drawdown": (_boom, {}),
        "gauge": (nvda, {}),
        "gauge-market": (none, {}),
        "multiples": (none, {}),
        "gpu": (none, {}),
        "power": (none, {}),
        "water": (none, {"cooling": "closed_loop"}),
        "valuation": (none, {}),
        "depreciation": (none, {}),
        "flattered": (none, {"earnings_growth": 0.05}),
        "network": (none, {}),
        "stress": (none, {"shocks": ("OpenAI=0.5", "Oracle=0.9")}),
        "runway": (none, {"scenarios": ("mid",)}),
        "firms": (none, {"shocks": ("OpenAI=0",)}),
        "scan": (none, {"analyses": ("drawdown",), "symbols": ("NVDA", "MSFT")}),
        "backtest": (lambda: weekly_prices(0, 600), {"signals": "runup,baseline_return"}),
        "scenario": (none, {"paths": 200}),
        "scenario-sensitivity": (none, {"n": 4, "paths": 50}),
        "scenario-breaks": (none, {"paths": 200}),
        "scenario-power": (none, {"paths": 200}),
        "scenario-telecom": (none, {"paths": 200}),
        "psy-adjusted": (none, {"symbol": "NVDA", "frequency": "M", "levels": False}),
        "svadf": (_boom, {"lookback_years": None}),
    }


#: Registry entries not run here, and why.
NOT_RUN: dict[str, str] = {
    "status": "backtests every signal on a century of data (minutes); tests/test_consistency.py "
    "runs it on every surface",
    "leaderboard": "backtests every signal on three long histories (minutes cold); "
    "tests/backtest/test_leaderboard.py runs the same function on small histories",
}


def test_every_registered_result_type_has_an_example() -> None:
    from bubblescope.analyses import REGISTRY

    for entry in REGISTRY:
        missing = [name for name in entry.results if name not in EXAMPLES]
        assert not missing, f"{entry.name}: result types without an example: {missing}"


def test_every_registered_analysis_runs_to_its_result() -> None:
    from bubblescope.analyses import REGISTRY

    runs = _small_runs()
    names = {entry.name for entry in REGISTRY}
    assert set(runs) | set(NOT_RUN) == names, "give every registry entry a small run"
    for entry in REGISTRY:
        if entry.name in NOT_RUN:
            continue
        data, changes = runs[entry.name]
        res = entry.run(data(), entry.configure("quick", changes))
        assert isinstance(res, Result), entry.name
        assert isinstance(res, entry.result_types()), (entry.name, type(res))
        json.dumps(res.to_dict(), allow_nan=False)
