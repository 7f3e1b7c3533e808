import numpy as np
import pytest

from bubblescope.economy.gpu import (
    Generation,
    RentalObservation,
    bernstein_vs_burry,
    cash_cost,
    generation,
    gpu_economics,
)
from bubblescope.economy.inputs import assumption
from bubblescope.errors import InputError, UnitError


def _a(name, value, unit):
    return assumption(name, value, unit, "test")


@pytest.mark.parametrize(
    ("kw", "elec_range", "colo_range"),
    [
        # GPU-10 / GPU-11 [D]: H100 1.275 kW -> electricity 0.09-0.18, colocation 0.26-0.44
        (1.275, (0.09, 0.18), (0.26, 0.44)),
        # GPU-12 [D]: A100 0.81 kW -> electricity 0.06-0.11, colocation 0.17-0.28
        (0.81, (0.06, 0.11), (0.17, 0.28)),
    ],
)
def test_cash_cost_reproduces_published_ranges(kw, elec_range, colo_range) -> None:
    low = cash_cost(
        _a("p", kw, "kW/GPU"),
        _a("pue", 1.2, "1"),
        _a("e", 0.06, "USD/kWh"),
        _a("c", 150, "USD/kW-month"),
    )
    high = cash_cost(
        _a("p", kw, "kW/GPU"),
        _a("pue", 1.4, "1"),
        _a("e", 0.10, "USD/kWh"),
        _a("c", 250, "USD/kW-month"),
    )
    assert (round(low.electricity, 2), round(high.electricity, 2)) == elec_range
    assert (round(low.colocation, 2), round(high.colocation, 2)) == colo_range


def test_cash_cost_units_and_bounds() -> None:
    with pytest.raises(UnitError, match="must be in kW/GPU|cannot convert"):
        cash_cost(
            _a("p", 1.0, "kWh"),
            _a("pue", 1.2, "1"),
            _a("e", 0.06, "USD/kWh"),
            _a("c", 150, "USD/kW-month"),
        )
    with pytest.raises(InputError, match="PUE must be >= 1"):
        cash_cost(
            _a("p", 1.0, "kW/GPU"),
            _a("pue", 0.9, "1"),
            _a("e", 0.06, "USD/kWh"),
            _a("c", 150, "USD/kW-month"),
        )


def test_h100_cash_cost_far_below_rent() -> None:
    # ai-economy-facts.md §3.4: H100 cash cost ~$0.3-0.6/hr vs rents ~$1.7-2.5
    res = gpu_economics("H100")
    assert 0.3 <= res.cost.total <= 0.6
    assert res.generation.price_at(2025.8)[0] == pytest.approx(1.70)


def test_price_path_passes_through_observations_and_declines_after() -> None:
    gen = generation("H100")
    for obs in gen.observations:
        assert gen.price_at(obs.time)[0] == pytest.approx(obs.price.m_as("USD/GPU-h"))
    last = gen.observations[-1]
    # GPU-06: -22% a year after the last observation
    assert gen.price_at(last.time + 1.0)[0] == pytest.approx(0.78 * last.price.value)


def _toy(prices, decline=-0.5):
    obs = tuple(
        RentalObservation(2020.0 + k, _a(f"p{k}", p, "USD/GPU-hour")) for k, p in enumerate(prices)
    )
    return Generation(
        "toy",
        2020.0,
        _a("power", 1.0, "kW/GPU"),
        _a("cost", 10_000, "USD/GPU"),
        obs,
        _a("decline", decline, "1"),
    )


def test_cash_life_payback_and_npv_by_hand() -> None:
    zero = {
        "pue": _a("pue", 1.0, "1"),
        "electricity_price": _a("e", 0.0, "USD/kWh"),
        "colocation_rate": _a("c", 73.0, "USD/kW-month"),
    }  # 0.1 USD per GPU-hour
    gen = _toy([1.1, 1.1, 1.1], decline=-0.95)
    res = gpu_economics(
        gen, horizon=6, utilisation=_a("u", 1.0, "1"), costs=zero, discount_rate=_a("r", 0.0, "1")
    )
    # mid-year prices: ages 0, 1 -> 1.1; age 2 (2022.5) -> 1.1 * 0.05**0.5 = 0.246 > 0.1;
    # age 3 -> 1.1 * 0.05**1.5 = 0.012 < 0.1, the first negative margin
    assert res.margin[0] == pytest.approx(8760.0)  # (1.1 - 0.1) * 8760
    assert res.margin[2] == pytest.approx((1.1 * 0.05**0.5 - 0.1) * 8760)
    assert res.payback_years == pytest.approx(10_000 / 8760.0)
    assert res.cash_life == 3.0
    assert res.npv_life == 3.0
    with_resale = gpu_economics(
        gen,
        horizon=6,
        utilisation=_a("u", 1.0, "1"),
        costs=zero,
        discount_rate=_a("r", 0.0, "1"),
        rule="npv",
        resale=[10_000, 20_000, 0, 0, 0, 0],
    )
    # selling after one year for 20,000 beats running: 8760 + 20000 > 2 * 8760
    assert with_resale.economic_life == 1.0


def test_bernstein_vs_burry_side_by_side() -> None:
    res = bernstein_vs_burry()
    frame = res.to_frame()
    assert list(frame.index) == [
        "H100 bought 2023",
        "H100 bought 2026.2",
        "A100 bought 2020.5",
        "A100 bought 2026.4",
    ]
    # Bernstein (DEP-12): a five-year-old A100 is still cash-profitable
    a100 = res.results[2]
    assert a100.margin[5] > 0
    # Burry: full-cost price exceeds the cash cost by the capex recovery
    for r in res.results:
        assert r.full_cost_price > r.cost.total
    assert "Bernstein" in res.summary()
    assert "Burry" in res.summary()
    d = res.to_dict()
    assert d["table"][0]["gpu"] == "H100 bought 2023"
    with pytest.raises(InputError, match="unknown cohort"):
        bernstein_vs_burry(cohorts=("someday",))


def test_gpu_bad_inputs() -> None:
    with pytest.raises(InputError, match="unknown GPU generation 'V100'"):
        generation("V100")
    with pytest.raises(InputError, match="unknown life rule"):
        gpu_economics("H100", rule="never")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="strictly increasing"):
        _toy([1.0, 1.0]).__class__(
            "t",
            2020.0,
            _a("p", 1, "kW/GPU"),
            _a("c", 1, "USD/GPU"),
            tuple(reversed(_toy([1.0, 2.0]).observations)),
            _a("d", -0.1, "1"),
        )
    with pytest.raises(InputError, match="utilisation must be in"):
        gpu_economics("H100", utilisation=_a("u", 0.0, "1"))


def test_plot_returns_figure() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    assert isinstance(gpu_economics("A100").plot(), Figure)
    assert isinstance(bernstein_vs_burry().plot(), Figure)
    assert np.isfinite(gpu_economics("H100").npv_by_retirement()).all()
