"""The efficiency-shock preset (issue 15, Deliver 2): less GPU spend per dollar of revenue.

Its facts are checked against their inputs (EFF-03 from EFF-01 and EFF-02, EFF-04 against the
shipped NVDA closes); on common random numbers, a larger efficiency gain lowers the capex plan
by the stated factor and capex in every year before a bust, and leaves demand unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.data.catalog import load_series
from bubblescope.data.facts import load_factbase
from bubblescope.scenario import ScenarioResult, load_scenario, run_scenario


def test_the_shock_facts_agree_with_their_inputs_and_the_price_data() -> None:
    fb = load_factbase()
    cut = 100.0 * (1.0 - fb.value("EFF-01") / fb.value("EFF-02"))
    assert round(cut) == fb.value("EFF-03")
    close = load_series("NVDA")["close"]
    fall = 100.0 * (close[pd.Timestamp("2025-01-27")] / close[pd.Timestamp("2025-01-24")] - 1.0)
    assert round(fall) == fb.value("EFF-04")
    for fact_id in ("EFF-01", "EFF-02", "EFF-04"):
        assert fb.get(fact_id).source_ref.startswith("https://")


def test_the_preset_sets_the_gain_and_the_base_has_none() -> None:
    base = load_scenario("base")
    shock = load_scenario("efficiency_shock")
    assert base.value("compute_efficiency_gain") == 0.0
    assert 0.0 < shock.value("compute_efficiency_gain") <= 1.0
    assert "EFF-03" in shock.params["compute_efficiency_gain"].source
    changed = {k for k in base.params if base.value(k) != shock.value(k)}
    assert changed == {"compute_efficiency_gain"}


def _before_busts(*runs: ScenarioResult) -> np.ndarray:
    """Paths and years up to and including the bust year in every run (the plan is cut after)."""
    masks = []
    for res in runs:
        year = res.paths["bust_year"]
        t = np.arange(res.paths["capex"].shape[1])
        masks.append((year < 0)[:, None] | (t[None, :] <= year[:, None]))
    return np.logical_and.reduce(masks)


@settings(max_examples=8, deadline=None)
@given(
    low=st.floats(0.0, 0.9),
    step=st.floats(0.05, 0.5),
    seed=st.integers(0, 2**16),
)
def test_a_larger_efficiency_gain_lowers_capex(low: float, step: float, seed: int) -> None:
    high = min(1.0, low + step)
    a = run_scenario("base", n_paths=200, rng=seed, overrides={"compute_efficiency_gain": low})
    b = run_scenario("base", n_paths=200, rng=seed, overrides={"compute_efficiency_gain": high})
    s = a.spec.value("gpu_share")
    both = _before_busts(a, b)
    assert both.any()
    ratio = (1.0 - s * high) / (1.0 - s * low)
    np.testing.assert_allclose(b.paths["planned"][both], ratio * a.paths["planned"][both])
    assert (b.paths["capex"][both] <= a.paths["capex"][both] * (1.0 + 1e-12)).all()
    assert b.paths["capex"][both].sum() < a.paths["capex"][both].sum()
    np.testing.assert_array_equal(b.paths["demand"], a.paths["demand"])


def test_the_preset_lowers_mean_capex_against_the_base() -> None:
    a = run_scenario("base", n_paths=1000, rng=3)
    b = run_scenario("efficiency_shock", n_paths=1000, rng=3)
    assert b.paths["capex"].mean() < a.paths["capex"].mean()
    assert b.paths["capex"][:, 0].mean() == pytest.approx(
        a.paths["capex"][:, 0].mean()
        * (1.0 - a.spec.value("gpu_share") * b.spec.value("compute_efficiency_gain"))
    )
