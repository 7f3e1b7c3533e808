"""What could break it, what would survive (:mod:`bubblescope.scenario.breaks`).

The triggers must point at real parameters, presets and data; the legacy at a bust is
recomputed from the paths by hand (straight-line, half-year convention); the holders' exposure
is summed from the deal list; a stress equal to the scenario's own values changes nothing on
common random numbers.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bubblescope.data.catalog import load_series
from bubblescope.data.facts import load_factbase
from bubblescope.errors import InputError
from bubblescope.scenario import list_presets, load_scenario, run_scenario
from bubblescope.scenario.breaks import (
    BreaksResult,
    Trigger,
    gpu_vintages_at_bust,
    holders,
    legacy_at_bust,
    load_triggers,
    what_breaks,
)
from bubblescope.scenario.runner import model_inputs
from bubblescope.scenario.spec import PARAMETERS


def breaks_example() -> BreaksResult:
    """A small run for the result contract (tests/test_result_contract.py)."""
    return what_breaks("base", n_paths=200, rng=1)


@cache
def _run() -> object:
    return run_scenario("base", n_paths=400, rng=5)


def test_the_seeds_triggers_map_to_parameters_presets_and_real_data() -> None:
    triggers = load_triggers()
    assert {t.key for t in triggers} == {
        "lab_funding_gap",
        "power_shortfall",
        "price_war",
        "export_controls",
        "credit_event",
        "rate_shock",
    }
    spec = load_scenario("base")
    fb = load_factbase()
    for t in triggers:
        assert t.stress, t.key
        for name, value in t.stress.items():
            assert name in PARAMETERS, (t.key, name)
            assert name in spec.params, (t.key, name)
            assert value != spec.value(name), (t.key, name, "the stress moves nothing")
            assert t.reasons[name].strip()
        assert t.preset is None or t.preset in list_presets()
        for ind in t.indicators:
            assert math.isfinite(ind.value), (t.key, ind.ref)
            assert ind.as_of, (t.key, ind.ref)
            if ind.kind == "fact":
                fact = fb.get(ind.ref)
                assert ind.value == fact.value
                assert ind.as_of == fact.as_of
            else:
                close = load_series(ind.ref)["close"].dropna()
                assert ind.value == float(close.iloc[-1])
                assert ind.as_of == close.index[-1].date().isoformat()


def test_a_trigger_yaml_names_the_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text(
        "x:\n  name: X\n  stress:\n    kapa: {end: low}\n  indicators:\n"
        "    - {series: TNX, why: y}\n"
    )
    with pytest.raises(InputError, match="kapa"):
        load_triggers(bad)
    bad.write_text(
        "x:\n  name: X\n  stress:\n    kappa: {end: low}\n  indicators:\n"
        "    - {fact: NOPE-1, why: y}\n"
    )
    with pytest.raises(InputError, match="NOPE-1"):
        load_triggers(bad)
    bad.write_text(
        "x:\n  name: X\n  stress:\n    cost_per_gw: {end: high}\n  indicators:\n"
        "    - {series: TNX, why: y}\n"
    )
    with pytest.raises(InputError, match="cost_per_gw.end"):
        load_triggers(bad)


def _by_hand_nbv(cost: float, vintage: int, year: int, life: float) -> float:
    """Straight line from mid-year ``vintage``: value left at the end of ``year``."""
    if year < vintage:
        return 0.0
    age = year - vintage + 0.5
    return cost * max(0.0, 1.0 - age / life)


def test_legacy_is_recomputed_from_the_paths_by_hand() -> None:
    res = _run()
    spec = res.spec
    inputs = model_inputs(spec)
    paths = res.paths
    h = inputs.hist_capex.size
    s = spec.value("gpu_share")
    table = legacy_at_bust(res)
    econ = gpu_vintages_at_bust(inputs, paths["capex"], paths["bust_year"])
    book = gpu_vintages_at_bust(inputs, paths["capex"], paths["bust_year"], life="book")
    busted = np.flatnonzero(paths["bust_year"] >= 0)
    assert len(table) == busted.size > 50
    T = len(spec.years)
    for row, i in enumerate(busted[:40]):
        b = int(paths["bust_year"][i])
        costs = [*inputs.hist_capex, *paths["capex"][i]]
        years = list(range(spec.start_year - h, spec.start_year + T))
        end = spec.start_year + b
        gw = sum(costs[: h + b + 1]) / spec.value("cost_per_gw")
        shells = sum(
            _by_hand_nbv((1 - s) * c, y, end, spec.value("durable_life"))
            for c, y in zip(costs, years, strict=True)
        )
        vint_econ = [
            _by_hand_nbv(s * c, y, end, spec.value("gpu_economic_life"))
            for c, y in zip(costs, years, strict=True)
        ]
        vint_book = [
            _by_hand_nbv(s * c, y, end, spec.value("gpu_book_life"))
            for c, y in zip(costs, years, strict=True)
        ]
        np.testing.assert_allclose(econ[i], vint_econ, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(book[i], vint_book, rtol=1e-9, atol=1e-9)
        got = table.iloc[row]
        assert got["bust_year"] == end
        assert got["gw"] == pytest.approx(gw, rel=1e-12)
        assert got["shells_nbv"] == pytest.approx(shells, rel=1e-9)
        assert got["gpu_book_nbv"] == pytest.approx(sum(vint_book), rel=1e-9)
        assert got["gpu_econ_nbv"] == pytest.approx(sum(vint_econ), rel=1e-9)
        if b + 1 < T:
            rent = paths["revenue"][i, b + 1] / gw
            assert got["rent_per_gw"] == pytest.approx(rent, rel=1e-12)
            payback = spec.value("cost_per_gw") / (spec.value("ai_gross_margin") * rent)
            assert got["payback_years"] == pytest.approx(payback, rel=1e-12)
        else:
            assert math.isnan(got["rent_per_gw"])
    no_bust = np.flatnonzero(paths["bust_year"] < 0)
    assert np.isnan(econ[no_bust]).all()


def test_holders_exposure_is_summed_from_the_deal_list() -> None:
    frame = holders(_run())
    deals = resources.files("bubblescope.data.factbase") / "deals.csv"
    with deals.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    oracle = sum(
        float(r["amount"])
        for r in rows
        if r["payer"] in ("OpenAI", "Anthropic")
        and r["payee"] == "Oracle"
        and r["type"] in ("compute_purchase", "chip_purchase")
        and r["amount"]
    )
    assert frame.loc["Oracle", "owed_by_labs"] == pytest.approx(oracle)
    assert frame["owed_by_labs"].is_monotonic_decreasing
    assert ((frame["default_given_bust"] >= 0) & (frame["distress_given_bust"] <= 1)).all()


def test_a_stress_at_the_scenarios_own_values_changes_nothing() -> None:
    spec = load_scenario("base")
    same = Trigger(
        key="same",
        name="Same",
        seed="",
        stress={"discount_rate": spec.value("discount_rate")},
        reasons={"discount_rate": "the base value"},
        preset=None,
        indicators=load_triggers()[-1].indicators,
    )
    power = next(t for t in load_triggers() if t.key == "power_shortfall")
    res = what_breaks(spec, n_paths=300, rng=11, triggers=(same, power))
    for key in ("bust_odds", "mean_years_to_bust", "median_bust_year", "median_depth"):
        assert res.outcomes["same"][key] == res.base[key], key
    assert res.outcomes["same"]["bust_odds_se"] == 0.0
    # fewer grid connections cap revenue served against the plan: busts come sooner
    assert res.outcomes["power_shortfall"]["bust_odds"] >= res.base["bust_odds"]
    base_years = res.base["mean_years_to_bust"]
    assert res.outcomes["power_shortfall"]["mean_years_to_bust"] < base_years
    assert "Same" in res.notes[-1]


def test_docstring_examples_run() -> None:
    import doctest

    import bubblescope.scenario.breaks as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
