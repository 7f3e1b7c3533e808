"""Every economy result follows the result contract; its chart_spec has data and renders twice."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
import pytest

from bubblescope.charts import ChartSpec, Panel, render_matplotlib, to_plotly
from bubblescope.result import Result

matplotlib.use("Agg")


def _cash_cost() -> Any:
    from bubblescope.economy.gpu import cash_cost, default_costs, generation

    c = default_costs()
    return cash_cost(
        generation("H100").power, c["pue"], c["electricity_price"], c["colocation_rate"]
    )


def _gpu() -> Any:
    from bubblescope.economy.gpu import gpu_economics

    return gpu_economics("H100")


def _readings() -> Any:
    from bubblescope.economy.gpu import bernstein_vs_burry

    return bernstein_vs_burry()


def _fleet() -> Any:
    from bubblescope.economy.power import fleet_power

    return fleet_power([("H100", 1_000_000), ("B200", 500_000)])


def _capex_power() -> Any:
    from bubblescope.economy.power import capex_to_gw

    return capex_to_gw(400.0)


def _training() -> Any:
    from bubblescope.economy.power import training_energy

    return training_energy()


def _grid() -> Any:
    from bubblescope.economy.power import grid_comparison

    return grid_comparison()


def _multiples() -> Any:
    from bubblescope.economy.valuation import history_multiples

    return history_multiples()


def _reverse_dcf() -> Any:
    from bubblescope.economy.valuation import reverse_dcf

    return reverse_dcf(4000.0, 60.0, label="toy mega-cap")


def _sequoia() -> Any:
    from bubblescope.economy.valuation import sequoia_2024

    return sequoia_2024()


def _nadella() -> Any:
    from bubblescope.economy.valuation import nadella_test

    return nadella_test()


def _estimate_change() -> Any:
    from bubblescope.economy.depreciation import (
        CapexVintages,
        DisclosedChange,
        LifePolicy,
        change_of_estimate,
    )
    from bubblescope.economy.inputs import assumption

    old = LifePolicy.constant(4.0)
    new = LifePolicy(((-math.inf, 4.0), (2023.0, 6.0)), label="4→6 yrs (2023)")
    disclosed = DisclosedChange("Toy", "DEP-06", 2023, old, new, {"depreciation": -1.0}, "toy")
    return change_of_estimate(
        CapexVintages("Toy", (2019, 2020, 2021, 2022), (10.0, 12.0, 15.0, 20.0)),
        assumption("short-lived share", 0.4, "1", "toy"),
        old,
        new,
        list(range(2019, 2025)),
        assumption("tax", 0.21, "1", "toy"),
        disclosed=disclosed,
    )


def _restatement() -> Any:
    from bubblescope.economy.depreciation import burry_case

    return burry_case()


def _disclosed_table() -> Any:
    from bubblescope.economy.depreciation import DisclosedTable

    return DisclosedTable((_estimate_change(),))


def _network() -> Any:
    from bubblescope.economy.network import analyze_network, load_network

    return analyze_network(load_network())


def _stress() -> Any:
    from bubblescope.economy.clearing import PaymentShock, stress
    from bubblescope.economy.network import load_network

    return stress(load_network(), [PaymentShock("OpenAI", 0.5)])


def _sensitivity() -> Any:
    from bubblescope.economy.clearing import PaymentShock, sensitivity
    from bubblescope.economy.network import load_network

    return sensitivity(load_network(), [PaymentShock("OpenAI", 0.5)], n_draws=20, rng=0)


def _runway() -> Any:
    from bubblescope.economy.firms.runway import runway

    return runway()


EXAMPLES: dict[str, Callable[[], Any]] = {
    "gpu.CashCost": _cash_cost,
    "gpu.GPUEconomics": _gpu,
    "gpu.Readings": _readings,
    "power.FleetPower": _fleet,
    "power.CapexPower": _capex_power,
    "power.TrainingEnergy": _training,
    "power.GridComparison": _grid,
    "valuation.MultiplesTable": _multiples,
    "valuation.ReverseDCFResult": _reverse_dcf,
    "valuation.SequoiaGap": _sequoia,
    "valuation.NadellaTest": _nadella,
    "depreciation.restatement.EstimateChangeResult": _estimate_change,
    "depreciation.restatement.RestatementResult": _restatement,
    "depreciation.published.DisclosedTable": _disclosed_table,
    "network.NetworkResult": _network,
    "clearing.StressResult": _stress,
    "clearing.SensitivityResult": _sensitivity,
    "firms.runway.RunwayResult": _runway,
}


def _panel_has_data(panel: Panel) -> bool:
    series = (*panel.lines, *panel.bars, *panel.points)
    return any(np.isfinite(np.asarray(s.y, dtype=float)).any() for s in series if len(s.y))


@pytest.mark.parametrize("name", EXAMPLES)
def test_economy_result_follows_the_contract(name: str) -> None:
    from matplotlib.figure import Figure

    res = EXAMPLES[name]()
    assert f"{type(res).__module__}.{type(res).__qualname__}" == f"bubblescope.economy.{name}"
    assert isinstance(res, Result)
    data = res.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert res.summary().strip()
    assert not res.to_frame().empty
    assert res._repr_html_().startswith("<pre>")
    spec = res.chart_spec()
    assert isinstance(spec, ChartSpec)
    assert spec.title
    assert spec.source
    assert spec.panels
    assert all(_panel_has_data(p) for p in spec.panels), name
    figure = to_plotly(spec)
    json.dumps(figure, allow_nan=False)
    assert figure["data"]
    drawn = render_matplotlib(spec)
    assert len(drawn.axes) >= len(spec.panels)
    plotted = res.plot()
    assert isinstance(plotted, Figure)
    assert [a.get_title(loc="left") for a in plotted.axes[: len(spec.panels)]] == [
        a.get_title(loc="left") for a in drawn.axes[: len(spec.panels)]
    ]


def test_report_and_dashboard_draw_the_results_chart_spec() -> None:
    """The charts the report and the API show are the results' own specs."""
    from fastapi.testclient import TestClient

    from bubblescope.web.app import create_app

    with TestClient(create_app()) as client:
        for path, example in (
            ("/api/gpu", _gpu),
            ("/api/power", _grid),
            ("/api/network", _network),
            ("/api/depreciation", _restatement),
        ):
            body = client.get(path).json()
            assert body["chart"] == json.loads(json.dumps(to_plotly(example().chart_spec()))), path
        body = client.post("/api/stress", json={"shocks": [{"firm": "OpenAI", "fraction": 0.5}]})
        assert body.json()["chart"] == json.loads(json.dumps(to_plotly(_stress().chart_spec())))


def test_network_chart_is_a_diagram_at_the_layout_scale() -> None:
    from bubblescope.charts import PANEL_PX
    from bubblescope.economy import network_layout

    res = _network()
    layout = network_layout(res.network)
    (panel,) = res.chart_spec().panels
    assert (panel.aspect, panel.axes) == ("equal", False)
    ext = layout["extent"]
    assert panel.yrange == (-ext, ext)
    assert panel.height * PANEL_PX == pytest.approx(2 * ext * layout["px_per_unit"])
    edges = [line for line in panel.lines if not line.legend]
    assert all(line.arrow for line in edges)
    assert {line.name for line in panel.lines if line.legend} == {
        k.replace("_", " ") for k in layout["legend"]
    }
    assert {t.text for t in panel.texts} >= {n["id"] for n in layout["nodes"]}
    dashed = {e["id"] for e in layout["edges"] if not e["binding"]}
    assert {line.name for line in edges if line.dash == "dash"} == dashed
