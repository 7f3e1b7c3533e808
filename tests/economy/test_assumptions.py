"""The economy's assumption files: the shipped rows, the typed loader's checks, overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bubblescope.economy.assumptions import (
    AssumptionRow,
    assumptions_for,
    load_assumptions,
    shipped_models,
)
from bubblescope.economy.inputs import assumption
from bubblescope.errors import DataError, InputError, UnitError

# what a rationale must not cite (the fact base's own rule: tests/data/test_facts.py)
INTERNAL = re.compile(
    r"this report|research notes?|working notes|ai-economy-facts|detection-methods|PROVENANCE",
    re.IGNORECASE,
)


@pytest.mark.parametrize("model", shipped_models())
def test_every_shipped_row_is_a_fact_or_a_labelled_assumption(model: str) -> None:
    a = load_assumptions(model)
    assert len(a) > 0
    for key in a:
        row = a.rows[key]
        rows = (row,) if isinstance(row, AssumptionRow) else row
        built = (a.input(key),) if isinstance(row, AssumptionRow) else [i for _, i in a.series(key)]
        for r, item in zip(rows, built, strict=True):
            assert (r.fact is None) != (r.why is None), r
            assert item.name == r.name
            if r.fact is not None:
                assert item.kind == "fact"
                assert item.source.startswith(r.fact)
            else:
                assert item.kind == "assumption"
                assert item.source == r.why
                assert not INTERNAL.search(r.why or ""), f"{model}.yaml {key}: {r.why}"


def test_the_shipped_models() -> None:
    assert {"gpu"} <= set(shipped_models())
    with pytest.raises(DataError, match="no assumption file for model 'gpus'"):
        load_assumptions("gpus")


def _user_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pue: {name: PUE, value: 1.3, why: w}", r"pue: missing \['unit'\]"),
        ("pue: {name: PUE, value: 1.3, unit: '1'}", r"pue: needs exactly one of fact"),
        ("pue: {name: PUE, value: 1.3, unit: '1', why: w, fact: GPU-10}", r"pue: needs exactly"),
        ("pue: {name: PUE, unit: '1', why: w}", r"pue: an assumption \(why\) needs a value"),
        ("pue: {name: PUE, value: 1.3x, unit: '1', why: w}", r"pue: value must be a finite"),
        ("pue: {name: PUE, value: .nan, unit: '1', why: w}", r"pue: value must be a finite"),
        ("pue: {name: PUE, value: 1.3, unit: '1', why: w, colour: red}", r"pue: unknown field"),
        ("pue: {name: '', value: 1.3, unit: '1', why: w}", r"pue: name must be text"),
        ("pue: [1.3]", r"pue\[0\]: expected a mapping"),
        ("PUE: {name: PUE, value: 1.3, unit: '1', why: w}", r"PUE: a row key must be"),
        ("pue: {name: PUE, value: 1.3, unit: furlong, why: w}", r"pue: unknown unit 'furlong'"),
        ("book_life: {name: b, unit: years, fact: DEP-99}", r"book_life: unknown fact id 'DEP-99'"),
        ("book_life: {name: b, value: 7, unit: years, fact: DEP-06}", r"book_life: fact DEP-06 "),
        ("book_life: {name: b, value: 6, unit: years, fact: DEP-06b}", r"repeats fact DEP-06b"),
        ("book_life: {name: b, unit: year, fact: DEP-06b}", r"book_life: fact DEP-06b is in"),
        ("h100_rents: [{name: r, value: 2, unit: USD/GPU-h, why: w}]", r"h100_rents\[0\]: .*at"),
        (
            "h100_rents: [{name: r, at: 2024, value: 2, unit: USD/GPU-h, why: w},"
            " {name: r, at: 2023, value: 2, unit: USD/GPU-h, why: w}]",
            r"h100_rents: times \(at\) must increase strictly",
        ),
        ("h100_rents: []", r"h100_rents: a series needs at least one row"),
        ("colour: {name: c, value: 1, unit: '1', why: w}", r"colour: not a row of gpu.yaml"),
        ("pue: {name: PUE, value: 1.3, unit: kW, why: w}", r"pue: cannot convert kW"),
        (
            "h100_rents: {name: r, value: 2, unit: USD/GPU-h, why: w}",
            r"h100_rents: is a series in gpu.yaml",
        ),
        ("pue: {name: PUE, value: 1.3", r"not valid YAML"),
        ("[1, 2]", r"the file: expected a mapping"),
    ],
)
def test_a_malformed_row_is_a_data_error_naming_the_file_and_the_row(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(DataError, match=rf"^mine\.yaml: (.* )?{message}"):
        load_assumptions("gpu", _user_file(tmp_path, text))


def test_an_unreadable_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read the assumption file"):
        load_assumptions("gpu", tmp_path / "missing.yaml")


def test_a_user_file_replaces_only_its_rows(tmp_path: Path) -> None:
    path = _user_file(
        tmp_path,
        "pue: {name: PUE, value: 1.5, unit: '1', why: my colocation site}\n"
        "h100_rents:\n"
        "  - {name: rent, at: 2023.0, value: 3.0, unit: USD/GPU-hour, why: my contract}\n"
        "  - {name: rent, at: 2025.0, value: 2.0, unit: USD/GPU-hour, why: my contract}\n",
    )
    mine, shipped = load_assumptions("gpu", path), load_assumptions("gpu")
    assert mine.input("pue").line() == "PUE = 1.5 [assumption: my colocation site]"
    assert [t for t, _ in mine.series("h100_rents")] == [2023.0, 2025.0]
    assert mine.input("electricity_price") is shipped.input("electricity_price")
    assert mine.where == "mine.yaml over gpu.yaml"
    assert shipped.input("pue").value == 1.3  # the shipped set is unchanged


def test_overrides_replace_rows_with_user_inputs() -> None:
    shipped = load_assumptions("gpu")
    a = shipped.override({"pue": 1.5, "electricity_price": assumption("p", 0.1, "USD/MWh", "t")})
    assert a.input("pue").line() == "PUE = 1.5 [user: given by the user]"
    assert a.input("electricity_price").m_as("USD/kWh") == pytest.approx(1e-4)
    assert a.input("colocation_rate") is shipped.input("colocation_rate")
    rents = a.override({"h100_rents": [(2024.0, 2.0), (2025.0, 1.5)]}).series("h100_rents")
    assert [(t, i.m_as("USD/GPU-h"), i.kind) for t, i in rents] == [
        (2024.0, 2.0, "user"),
        (2025.0, 1.5, "user"),
    ]
    assert shipped.override({}) is shipped
    assert assumptions_for("gpu", a) is a
    assert assumptions_for("gpu", {"pue": 1.5}).input("pue").value == 1.5


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"puee": 1.5}, InputError, "has no row 'puee' to override"),
        ({"pue": assumption("p", 1.5, "kW", "t")}, UnitError, "cannot convert kW"),
        ({"pue": "high"}, InputError, "'pue' is a single row"),
        ({"h100_rents": 2.0}, InputError, "'h100_rents' is a series"),
        ({"h100_rents": [(2025.0, 2.0), (2024.0, 1.0)]}, InputError, "increase strictly"),
    ],
)
def test_bad_overrides_raise(overrides: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        load_assumptions("gpu").override(overrides)  # type: ignore[arg-type]


def test_a_set_of_another_model_is_refused_and_rows_are_typed() -> None:
    a = load_assumptions("gpu")
    with pytest.raises(InputError, match="assumptions of 'gpu' given to the 'power' model"):
        assumptions_for("power", a)
    with pytest.raises(InputError, match="is a series"):
        a.input("h100_rents")
    with pytest.raises(InputError, match="is a single row"):
        a.series("pue")
    with pytest.raises(InputError, match="has no row 'nope'"):
        a.input("nope")
    assert a.at("h100_price") == 2023.0
    assert len(a.all_inputs()) == sum(
        1 if isinstance(r, AssumptionRow) else len(r) for r in a.rows.values()
    )
