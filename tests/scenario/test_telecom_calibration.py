"""The telecom 1996-2003 calibration (issue 15, Deliver 5) and the scenario field it needs.

``capex_history`` lets a scenario start before the DEP-14 capex path (2020 on): its entries
replace those vintages, and a malformed one is an error naming the field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bubblescope.errors import InputError
from bubblescope.scenario import load_scenario
from bubblescope.scenario.runner import model_inputs


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text("extends: base\n" + body, encoding="utf-8")
    return path


def test_capex_history_replaces_the_dep14_vintages(tmp_path: Path) -> None:
    spec = load_scenario(
        _write(
            tmp_path,
            "start_year: 1998\ncapex_history:\n"
            "  1995: {value: 30, unit: USD bn, assumption: a test vintage}\n"
            "  1996: {value: 35, unit: USD bn, assumption: a test vintage}\n",
        )
    )
    inputs = model_inputs(spec)
    # the given vintages, then capex_base for the year before the start
    np.testing.assert_array_equal(inputs.hist_capex, [30.0, 35.0, spec.value("capex_base")])
    # depreciation runs over every vintage year and every simulated year
    assert inputs.dep_durable.shape == (3 + spec.horizon_years,) * 2


def test_without_capex_history_a_start_before_the_dep14_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="start_year"):
        model_inputs(load_scenario(_write(tmp_path, "start_year: 1996\n")))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("capex_history: [1, 2]\n", "capex_history"),
        ("capex_history:\n  1990: {value: 1, unit: USD bn, assumption: x}\n", "ending at 2024"),
        ("capex_history:\n  2024: {value: 1, unit: USD bn}\n", "capex_history.2024"),
        ("capex_history:\n  2024: {value: -1, unit: USD bn, assumption: x}\n", "2024"),
    ],
)
def test_a_bad_capex_history_names_the_field(tmp_path: Path, body: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        load_scenario(_write(tmp_path, body))
