"""Scenario YAML validation: presets load with provenance; bad files name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubblescope.errors import DataError, InputError
from bubblescope.scenario import PARAMETERS, list_presets, load_scenario


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "my_scenario.yaml"
    path.write_text("extends: base\n" + body, encoding="utf-8")
    return path


def test_presets_ship_and_every_parameter_is_sourced_or_an_assumption() -> None:
    assert {"base", "funding_squeeze", "power_bound"} <= set(list_presets())
    for name in list_presets():
        spec = load_scenario(name)
        assert set(spec.params) == set(PARAMETERS)
        for key, item in spec.params.items():
            assert item.kind in ("fact", "assumption"), key
            assert item.source.strip(), key


def test_sourced_parameters_read_the_fact_base() -> None:
    from bubblescope.data.facts import load_factbase

    spec = load_scenario("base")
    fb = load_factbase()
    assert spec.value("capex_start") == fb.value("DEP-14i", unit="USD bn")
    assert spec.value("cost_per_gw") == fb.value("GWC-03", unit="USD bn/GW")
    assert spec.value("top10_consumption_share") == pytest.approx(
        fb.value("MAC-06b", unit="%") / 100
    )
    assert spec.params["kappa"].source.startswith("MOD-01")
    # GSY's crash: a 40% drawdown (MOD-02), the base rate's threshold
    assert spec.value("crash_threshold") == pytest.approx(0.4)
    assert spec.params["crash_threshold"].source.startswith("MOD-02")


def test_extends_overrides_only_what_it_names() -> None:
    base, power = load_scenario("base"), load_scenario("power_bound")
    assert power.value("grid_additions") < base.value("grid_additions")
    assert power.value("kappa") == base.value("kappa")


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("bogus: 1\n", r"my_scenario\.yaml: unknown field 'bogus'"),
        (
            "parameters:\n  kapa: {value: 0.1, unit: '1', assumption: x}\n",
            r"my_scenario\.yaml: unknown field 'parameters\.kapa'.*did you mean 'kappa'",
        ),
        (
            "parameters:\n  kappa: {value: 0.1, unit: '1', asumption: x}\n",
            r"unknown field 'parameters\.kappa\.asumption'",
        ),
        (
            "parameters:\n  kappa: {value: 0.1, unit: '1'}\n",
            r"my_scenario\.yaml: field 'parameters\.kappa' needs exactly one of 'source'",
        ),
        (
            "parameters:\n  kappa: {value: 0.1, unit: '1', source: MOD-01, assumption: x}\n",
            r"field 'parameters\.kappa' needs exactly one of",
        ),
        (
            "parameters:\n  kappa: {value: high, unit: '1', assumption: x}\n",
            r"field 'parameters\.kappa\.value' must be a number, got 'high'",
        ),
        ("parameters:\n  kappa: 0.1\n", r"field 'parameters\.kappa' must be a mapping"),
        (
            "parameters:\n  grid_additions: {value: -3, unit: GW, assumption: x}\n",
            r"field 'parameters\.grid_additions' must be a positive number, got -3",
        ),
        (
            "parameters:\n  kappa: {value: 1.5, unit: '1', assumption: x}\n",
            r"field 'parameters\.kappa' must be a fraction in \[0, 1\]",
        ),
        (
            "parameters:\n  n_holders: {value: 10.5, unit: '1', assumption: x}\n",
            r"field 'parameters\.n_holders' must be a whole number",
        ),
        (
            "parameters:\n  grid_additions: {value: 15, unit: USD bn, assumption: x}\n",
            r"field 'parameters\.grid_additions'.*",
        ),
        (
            "parameters:\n  grid_additions: {value: 15, unit: furlongs, assumption: x}\n",
            r"field 'parameters\.grid_additions\.unit'",
        ),
        (
            "parameters:\n  onset_rate: {value: 0.15, unit: 1/year, assumption: x}\n",
            r"unknown field 'parameters\.onset_rate'",
        ),
        (
            "parameters:\n  crash_threshold: {value: 0, unit: '%', assumption: x}\n",
            r"field 'parameters\.crash_threshold' must be a fraction in \(0, 1\)",
        ),
        (
            "parameters:\n  dcf_horizon: {value: 10, unit: USD bn, assumption: x}\n",
            r"field 'parameters\.dcf_horizon'.*",
        ),
        (
            "parameters:\n  dcf_horizon: {value: 7.5, unit: years, assumption: x}\n",
            r"field 'parameters\.dcf_horizon' must be a whole number",
        ),
        (
            "parameters:\n  gap_onset_rate: {value: -1, unit: 1/year, assumption: x}\n",
            r"field 'parameters\.gap_onset_rate' must be a number >= 0",
        ),
        (
            "parameters:\n  discount_rate: {value: 9, unit: GW, assumption: x}\n",
            r"field 'parameters\.discount_rate'",
        ),
        ("horizon_years: 0\n", r"field 'horizon_years' must be a positive integer"),
        (
            "network:\n  closure_firms: [Enron]\n",
            r"field 'network\.closure_firms': unknown firm 'Enron'",
        ),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, body: str, pattern: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InputError, match=pattern):
        load_scenario(path)


def test_start_year_outside_the_historical_vintages_is_named(tmp_path: Path) -> None:
    from bubblescope.scenario.runner import model_inputs

    spec = load_scenario(_write(tmp_path, "start_year: 2040\n"))
    with pytest.raises(InputError, match=r"my_scenario\.yaml: field 'start_year' must be in"):
        model_inputs(spec)


def test_a_value_the_cited_fact_does_not_state_is_a_data_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "parameters:\n  kappa: {value: 0.07, unit: '1', source: MOD-01}\n")
    with pytest.raises(
        DataError,
        match=r"my_scenario\.yaml: field 'parameters\.kappa': fact "
        r"MOD-01 does not state 0\.07",
    ):
        load_scenario(path)


def test_missing_parameters_without_extends_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text(
        "start_year: 2026\nhorizon_years: 5\nparameters:\n"
        "  kappa: {value: 0.05, unit: '1', source: MOD-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"bare\.yaml: missing field 'parameters\.capex_base'"):
        load_scenario(path)


def test_malformed_yaml_and_unknown_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("parameters: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.yaml: not valid YAML"):
        load_scenario(path)
    with pytest.raises(InputError, match="no scenario preset or file named 'nope'"):
        load_scenario("nope")


def test_overrides_are_user_inputs_and_checked() -> None:
    spec = load_scenario("base").with_overrides(["kappa=0.2"])
    assert spec.value("kappa") == 0.2
    assert spec.params["kappa"].kind == "user"
    with pytest.raises(InputError, match=r"unknown field '--set kapa'"):
        load_scenario("base").with_overrides(["kapa=0.2"])
    with pytest.raises(InputError, match=r"'--set kappa' must be a fraction"):
        load_scenario("base").with_overrides({"kappa": 2.0})
    with pytest.raises(InputError, match="not of the form NAME=VALUE"):
        load_scenario("base").with_overrides(["kappa"])
