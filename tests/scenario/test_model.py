"""Properties of the scenario model on common random numbers, determinism and serial == parallel.

Monotonicity properties are exact, path by path: the same seed gives the same draws whatever
the parameters (the number of draws never depends on them), and the pre-bust dynamics do not
feed back into the herding clock, so they hold without tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.scenario import load_scenario, run_scenario
from bubblescope.scenario.model import simulate
from bubblescope.scenario.runner import model_inputs

SEED = 20251122
N = 1_000


def _paths(
    overrides: dict[str, float] | None = None, preset: str = "base", seed: int = SEED, n: int = N
) -> dict[str, np.ndarray]:
    spec = load_scenario(preset)
    if overrides:
        spec = spec.with_overrides(overrides)
    return simulate(model_inputs(spec), np.random.SeedSequence(seed), n)


def test_deterministic_for_a_seed() -> None:
    a = run_scenario("base", n_paths=1_500, rng=5, chunk_size=500)
    b = run_scenario("base", n_paths=1_500, rng=5, chunk_size=500)
    for key in a.paths:
        np.testing.assert_array_equal(a.paths[key], b.paths[key])
    c = run_scenario("base", n_paths=1_500, rng=6, chunk_size=500)
    assert not np.array_equal(a.paths["bust_time"], c.paths["bust_time"])


def test_serial_equals_two_processes_bit_for_bit() -> None:
    serial = run_scenario("funding_squeeze", n_paths=1_200, rng=11, chunk_size=300)
    pooled = run_scenario("funding_squeeze", n_paths=1_200, rng=11, chunk_size=300, n_jobs=2)
    assert serial.paths.keys() == pooled.paths.keys()
    for key in serial.paths:
        np.testing.assert_array_equal(serial.paths[key], pooled.paths[key])
    assert serial.to_dict() == pooled.to_dict()


@pytest.mark.parametrize("preset", ["base", "funding_squeeze", "power_bound"])
def test_capex_is_funded_by_the_three_sources_and_within_its_caps(preset: str) -> None:
    p = _paths(preset=preset)
    total = p["internal"] + p["debt"] + p["equity"]
    np.testing.assert_allclose(total, p["capex"], rtol=1e-12, atol=1e-9)  # rounding only
    for key in ("internal", "debt", "equity"):
        assert (p[key] >= -1e-9).all(), key
    assert (p["capex"] <= p["power_cap"] + 1e-9).all()
    assert (p["capex"] <= p["planned"] + 1e-9).all()
    assert (p["capex"] <= p["funding_cap"] + 1e-9).all()


@settings(max_examples=15, deadline=None)
@given(k1=st.floats(0.0, 0.9), dk=st.floats(0.01, 0.5))
def test_higher_kappa_busts_later_path_by_path(k1: float, dk: float) -> None:
    lo = _paths({"kappa": k1}, n=300)
    hi = _paths({"kappa": min(1.0, k1 + dk)}, n=300)
    assert (hi["bust_time"] >= lo["bust_time"]).all()
    assert np.mean(np.isfinite(hi["bust_time"])) <= np.mean(np.isfinite(lo["bust_time"]))


@pytest.mark.parametrize(
    ("name", "factor"),
    [("equity_issuance_rate", 3.0), ("internal_cash_start", 1.5), ("internal_cash_start", 1.05)],
)
def test_more_funding_means_a_later_or_no_bust(name: str, factor: float) -> None:
    base = load_scenario("funding_squeeze")
    lo = _paths(preset="funding_squeeze")
    hi = _paths({name: base.value(name) * factor}, preset="funding_squeeze")
    # path by path on common random numbers, hence first-order stochastic dominance
    assert (hi["bust_time"] >= lo["bust_time"]).all()
    grid = np.arange(0, 11)
    assert (
        np.array([np.mean(hi["bust_time"] <= t) for t in grid])
        <= np.array([np.mean(lo["bust_time"] <= t) for t in grid])
    ).all()
    assert np.mean(hi["funding_bust"]) < np.mean(lo["funding_bust"])


@pytest.mark.parametrize("factor", [0.9, 0.6, 0.3])
def test_tighter_power_means_less_capex(factor: float) -> None:
    spec = load_scenario("base")
    loose = _paths()
    tight = _paths({"grid_additions": spec.value("grid_additions") * factor})
    assert tight["capex"].sum(axis=1).mean() < loose["capex"].sum(axis=1).mean()
    # before either path busts, capex can only be lower
    pre = (
        np.arange(10)[None, :]
        < np.minimum(
            np.where(loose["bust_year"] < 0, 10, loose["bust_year"]),
            np.where(tight["bust_year"] < 0, 10, tight["bust_year"]),
        )[:, None]
    )
    assert (tight["capex"][pre] <= loose["capex"][pre] + 1e-9).all()


def test_legacy_only_after_a_bust_and_gpu_writeoff_bounded() -> None:
    p = _paths()
    busted = p["bust_year"] >= 0
    assert busted.any()
    assert (~busted).any()
    for key in ("gw_at_bust", "durable_nbv_at_bust", "gpu_book_nbv_at_bust", "gpu_writeoff"):
        assert np.isnan(p[key][~busted]).all()
        assert np.isfinite(p[key][busted]).all()
    # economic life (4 y) shorter than book life (6 y): a positive write-off, below book value
    assert (p["gpu_writeoff"][busted] > 0).all()
    assert (p["gpu_writeoff"][busted] < p["gpu_book_nbv_at_bust"][busted]).all()
    # equal lives write nothing off
    same = _paths({"gpu_economic_life": 6.0})
    np.testing.assert_allclose(same["gpu_writeoff"][busted], 0.0, atol=1e-9)


def test_gw_at_bust_is_cumulative_capex_over_cost_per_gw() -> None:
    spec = load_scenario("base")
    inputs = model_inputs(spec)
    p = simulate(inputs, np.random.SeedSequence(SEED), 200)
    busted = np.flatnonzero(p["bust_year"] >= 0)
    i = busted[0]
    b = int(p["bust_year"][i])
    expected = (inputs.hist_capex.sum() + p["capex"][i, : b + 1].sum()) / spec.value("cost_per_gw")
    assert p["gw_at_bust"][i] == pytest.approx(expected, rel=1e-12)


def test_depth_is_the_index_drawdown_and_busts_fall() -> None:
    p = _paths()
    busted = p["bust_year"] >= 0
    idx = p["bust_year"][busted].astype(int)
    rows = np.flatnonzero(busted)
    assert (p["price"][rows, idx + 1] < p["price"][rows, idx]).all()
    assert ((p["depth"] >= 0) & (p["depth"] < 1)).all()


def test_firms_in_default_come_from_the_network_stress() -> None:
    from bubblescope.economy.clearing import BufferAssumption, MarketClosure, stress
    from bubblescope.economy.network import load_network

    res = run_scenario("base", n_paths=400, rng=3, chunk_size=400)
    spec = res.spec
    i = int(np.flatnonzero(res.busted)[0])
    cut = np.ceil(round(res.paths["funding_cut"][i] * 20, 9)) / 20
    direct = stress(
        load_network(),
        [MarketClosure(spec.closure_firms, cut)],
        buffer=BufferAssumption(coverage=spec.value("network_buffer")),
    )
    f = direct.firms
    default = f["default_round"].notna()
    assert res.paths["firms_in_default"][i] == default.sum()
    assert (
        res.paths["firms_in_distress"][i]
        == (default | (f["debtrank_h"] >= spec.value("distress_threshold"))).sum()
    )
    assert (res.paths["firms_in_default"][~res.busted] == 0).all()
    assert (res.paths["firms_in_distress"] >= res.paths["firms_in_default"]).all()
    shares = res.distress()["firm_distress_share"]
    assert all(shares[k] >= v for k, v in res.firm_default_share.items())
