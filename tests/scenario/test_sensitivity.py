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


def test_swings_of_a_linear_function_are_its_slopes_times_the_ranges_with_their_sign() -> None:
    res = global_sensitivity(
        _linear, ["a", "b", "c"], [(0.0, 2.0), (0.0, 4.0), (1.0, 5.0)], outputs=("y",),
        method="morris", n=4, rng=1, centre=[1.0, 3.0, 2.0],
    )  # fmt: skip
    np.testing.assert_allclose(res.swing("y"), [6.0, -4.0, 0.0], atol=1e-12)
    assert res.at_centre == {"y": 3.0 * 1.0 - 3.0}  # y = 3a - b at the centre
    assert res.ends is not None
    np.testing.assert_allclose(res.ends["y"], [[-3.0, 3.0], [3.0, -1.0], [0.0, 0.0]], atol=1e-12)
    assert res.tornado("y", 2) == [("a", pytest.approx(6.0)), ("b", pytest.approx(-4.0))]
    # the one-at-a-time rows are not SALib's sample: the indices are those of a run without them
    plain = global_sensitivity(
        _linear, ["a", "b", "c"], [(0.0, 2.0), (0.0, 4.0), (1.0, 5.0)], outputs=("y",),
        method="morris", n=4, rng=1,
    )  # fmt: skip
    assert res.n_evaluations == plain.n_evaluations == 4 * 4
    for stat, values in plain.indices["y"].items():
        np.testing.assert_array_equal(res.indices["y"][stat], values)
    with pytest.raises(InputError, match="centre"):
        global_sensitivity(_linear, ["a", "b", "c"], [(0.0, 1.0)] * 3, outputs=("y",),
                           method="morris", n=4, centre=[0.5, 0.5])  # fmt: skip


def test_reproducible_for_a_seed_and_identical_in_processes() -> None:
    a = scenario_sensitivity("base", method="morris", n=4, n_paths=120, rng=7, chunk_size=16)
    b = scenario_sensitivity(
        "base", method="morris", n=4, n_paths=120, rng=7, chunk_size=16, n_jobs=2
    )
    c = scenario_sensitivity("base", method="morris", n=4, n_paths=120, rng=8, chunk_size=16)
    assert a.to_dict() == b.to_dict()
    assert a.ends is not None
    assert b.ends is not None
    for out in OUTPUTS:  # the swings too, bit for bit, serially and in 2 processes
        np.testing.assert_array_equal(a.ends[out], b.ends[out])
    assert a.to_dict()["swings"] is not None
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
    # ... and its one-at-a-time swing on the odds is exactly zero too (common random numbers)
    assert res.swing("bust_odds")[i] == 0.0
    # the signs agree with the economics: a larger initial mispricing raises the odds of a
    # bust, revenue growing faster than priced lowers them
    assert res.swing("bust_odds")[res.names.index("initial_overvaluation")] > 0.0
    assert res.swing("bust_odds")[res.names.index("revenue_growth_surprise")] < 0.0
    spec = res.chart_spec()
    assert len(spec.panels) == len(OUTPUTS)
    assert res.ends is not None
    assert res.at_centre is not None
    lines = res.summary().splitlines()
    for panel, out in zip(spec.panels, OUTPUTS, strict=True):
        low, high = panel.bars
        rows = [label.replace(" ", "_") for label in low.y]
        assert rows == [name for name, _ in res.tornado(out)]
        # the rows sorted by the size of the swing, largest on top
        swings = np.abs(res.swing(out)[[res.names.index(name) for name in rows]])
        assert (np.diff(swings) <= 0).all()
        assert swings[0] == np.abs(res.swing(out)).max()
        # each bar runs from the output at the preset to its value at one end of the range
        for bar, end in ((low, 0), (high, 1)):
            np.testing.assert_allclose(bar.base, res.at_centre[out])
            np.testing.assert_allclose(
                np.asarray(bar.base) + np.asarray(bar.x),
                [res.ends[out][res.names.index(name), end] for name in rows],
            )
        # the summary names the chart's top rows, in its order, with the signed swing
        line = next(text for text in lines if text.strip().startswith(f"{out} ("))
        named = line.split(": ", 1)[1].split(", ")
        assert [item.split(" ")[0] for item in named] == rows[:3]
        for item, name in zip(named, rows, strict=False):
            value = res.swing(out)[res.names.index(name)]
            assert item == f"{name} {value:+.3g}"
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
