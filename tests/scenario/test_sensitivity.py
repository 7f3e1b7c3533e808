"""Global sensitivity (issue 15, Deliver 4): checked on functions with known indices, seeded,
identical whatever runs it, and consistent with what the scenario model can and cannot move.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("SALib")

from bubblescope.charts import to_plotly
from bubblescope.errors import InputError
from bubblescope.scenario.sensitivity import (
    OUTPUTS,
    global_sensitivity,
    ishigami,
    ishigami_indices,
    load_ranges,
    scenario_sensitivity,
)

PI = np.pi


def _linear(rows: np.ndarray) -> np.ndarray:
    return np.asarray(rows @ np.array([3.0, -1.0, 0.0]))


def test_ishigami_sobol_indices_match_the_closed_form_within_the_bootstrap_interval() -> None:
    res = global_sensitivity(
        ishigami, ["x1", "x2", "x3"], [(-PI, PI)] * 3, outputs=("y",), n=1024, rng=3
    )
    exact = ishigami_indices()
    # the published values (Ishigami and Homma 1990; SALib's docs): S1 0.3139, 0.4424, 0
    np.testing.assert_allclose(exact["S1"], [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(exact["ST"], [0.5576, 0.4424, 0.2437], atol=1e-4)
    est = res.indices["y"]
    for stat in ("S1", "ST"):
        assert (np.abs(est[stat] - exact[stat]) <= est[f"{stat}_conf"]).all(), stat
    assert res.top_drivers("y", 2) == ["x1", "x2"]
    assert res.n_evaluations == 1024 * (3 + 2)


def test_morris_on_a_linear_function_gives_its_slopes_times_the_ranges() -> None:
    res = global_sensitivity(
        _linear, ["a", "b", "c"], [(0.0, 2.0), (0.0, 4.0), (1.0, 5.0)], outputs=("y",),
        method="morris", n=10, rng=1,
    )  # fmt: skip
    np.testing.assert_allclose(res.indices["y"]["mu_star"], [6.0, 4.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(res.indices["y"]["sigma"], 0.0, atol=1e-9)


def test_reproducible_for_a_seed_and_identical_in_processes() -> None:
    a = scenario_sensitivity("base", method="morris", n=4, n_paths=120, rng=7, chunk_size=16)
    b = scenario_sensitivity(
        "base", method="morris", n=4, n_paths=120, rng=7, chunk_size=16, n_jobs=2
    )
    c = scenario_sensitivity("base", method="morris", n=4, n_paths=120, rng=8, chunk_size=16)
    assert a.to_dict() == b.to_dict()
    assert a.to_dict() != c.to_dict()
    json.dumps(a.to_dict(), allow_nan=False)


@pytest.mark.cluster
def test_identical_on_a_dask_local_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    serial = scenario_sensitivity("base", n=8, n_paths=100, rng=5, chunk_size=32)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = scenario_sensitivity(
            "base", n=8, n_paths=100, rng=5, chunk_size=32, executor=client.get_executor()
        )
    assert serial.to_dict() == on_dask.to_dict()


def test_a_parameter_that_only_shapes_the_fall_has_no_effect_on_the_odds() -> None:
    """crash_overshoot sets the trough, never the bust: its elementary effects on the odds
    and the time to a bust are exactly zero, while it moves the depth."""
    res = scenario_sensitivity("base", method="morris", n=6, n_paths=200, rng=2)
    i = res.names.index("crash_overshoot")
    assert res.indices["bust_odds"]["mu_star"][i] == 0.0
    assert res.indices["years_to_bust"]["mu_star"][i] == 0.0
    assert res.indices["depth"]["mu_star"][i] > 0.0
    # the mispricing inputs do move the odds
    for name in ("initial_overvaluation", "revenue_growth_surprise"):
        assert res.indices["bust_odds"]["mu_star"][res.names.index(name)] > 0.0
    spec = res.chart_spec()
    assert len(spec.panels) == len(OUTPUTS)
    charted = res.charted()
    assert len(charted) == min(5, len(res.names))
    for panel, out in zip(spec.panels, OUTPUTS, strict=True):
        # every output's top driver is charted, its bar the panel's tallest
        top = res.top_drivers(out, 1)[0]
        assert top in charted
        heights = dict(zip(panel.bars[0].x, panel.bars[0].y, strict=True))
        assert heights[top.replace("_", " ")] == max(heights.values())
    assert to_plotly(spec)["data"]
    assert "top drivers" in res.summary()


def test_shipped_ranges_are_inside_each_parameters_admissible_values() -> None:
    from bubblescope.scenario import PARAMETERS, load_scenario

    ranges = load_ranges()
    base = load_scenario("base")
    for name, r in ranges.items():
        assert name in PARAMETERS
        assert r.low < r.high
        assert r.why
        # the base case lies inside every range
        assert r.low <= base.value(name) <= r.high, name


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("kapa: {low: 0.01, high: 0.2, unit: '1', why: x}\n", r"unknown field 'kapa'"),
        ("kappa: {low: 0.01, high: 1.5, unit: '1', why: x}\n", r"field 'kappa\.high' must be a"),
        ("kappa: {low: 0.2, high: 0.1, unit: '1', why: x}\n", r"field 'kappa': low must be below"),
        ("grid_additions: {low: 8, high: 20, unit: USD bn, why: x}\n", r"field 'grid_additions"),
        ("kappa: {low: 0.01, high: 0.2, unit: '1'}\n", r"field 'kappa' must have exactly"),
        ("kappa: {low: x, high: 0.2, unit: '1', why: y}\n", r"field 'kappa\.low' must be a number"),
    ],
)
def test_bad_ranges_name_the_field(tmp_path: Path, body: str, pattern: str) -> None:
    path = tmp_path / "ranges.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=pattern):
        load_ranges(path)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(InputError, match="power of 2"):
        global_sensitivity(ishigami, ["a", "b", "c"], [(-PI, PI)] * 3, outputs=("y",), n=10)
    with pytest.raises(InputError, match="method"):
        global_sensitivity(
            ishigami,
            ["a", "b", "c"],
            [(-PI, PI)] * 3,
            outputs=("y",),
            method="fast",  # type: ignore[arg-type]
        )
    with pytest.raises(InputError, match="low < high"):
        global_sensitivity(ishigami, ["a", "b", "c"], [(PI, -PI)] * 3, outputs=("y",))
