"""The depreciation cases as data: cases.yaml, its typed loader and the checks on each row."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from bubblescope.economy.depreciation import DISCLOSED_CHANGES, burry_capex, load_cases
from bubblescope.economy.depreciation.cases import InputRow
from bubblescope.errors import DataError, InputError

SHIPPED = yaml.safe_load(
    resources.files("bubblescope.economy.depreciation").joinpath("cases.yaml").read_text("utf-8")
)


def test_shipped_cases_load_with_every_number_sourced() -> None:
    cases = load_cases()
    assert DISCLOSED_CHANGES == ("MSFT", "GOOGL", "META", "AMZN") == tuple(cases.disclosed)
    rows = [cases.tax_rate, cases.burry.share, cases.burry.target, cases.burry.book_life]
    rows += list(cases.burry.capex.values())
    for case in cases.disclosed.values():
        rows += [case.share, *case.extra.values()]
    for row in rows:
        assert (row.fact is None) != (row.rationale is None), row
        item = row.build()  # a fact that no longer states its number fails here
        assert item.kind == ("assumption" if row.fact is None else "fact")
        if row.fact is not None:
            assert item.source.startswith(row.fact)


def test_shipped_cases_hold_the_published_numbers() -> None:
    cases = load_cases()
    effects = {e: dict(c.change().effects) for e, c in cases.disclosed.items()}
    # MSFT FY2023 +$3.7B (DEP-06); Alphabet -$3.9B / +$3.0B (DEP-07);
    # Meta 2025 -$2.9B (DEP-09); Amazon 2025 -$0.7B (DEP-08)
    assert effects == {
        "MSFT": {"operating_income": 3.7},
        "GOOGL": {"depreciation": -3.9, "net_income": 3.0},
        "META": {"depreciation": -2.9},
        "AMZN": {"operating_income": -0.7},
    }
    assert {e: c.fact for e, c in cases.disclosed.items()} == {
        "MSFT": "DEP-06",
        "GOOGL": "DEP-07",
        "META": "DEP-09",
        "AMZN": "DEP-08",
    }
    meta, amzn = cases.disclosed["META"], cases.disclosed["AMZN"]
    assert (meta.extra[2025].fact, amzn.extra[2025].fact) == ("CAP-02", "CAP-04")
    assert meta.share.value == pytest.approx(2 / 3, abs=0)
    assert meta.new_policy.changes == (
        (-math.inf, 4.0),
        (2022.25, 4.5),
        (2022.75, 5.0),
        (2025.0, 5.5),
    )
    assert cases.disclosed["MSFT"].years == (2019, 2020, 2021, 2022, 2023)
    burry = cases.burry
    assert (burry.window, burry.years[0], burry.years[-1]) == ((2026, 2028), 2020, 2028)
    assert (burry.share.fact, burry.target.fact, burry.target.value) == ("DEP-14", "DEP-01", None)
    capex = burry_capex()
    assert capex.entity == "MSFT+GOOGL+AMZN+META+ORCL"
    assert capex.capex == (150.0, 180.0, 200.0, 190.0, 245.0, 410.0, 650.0, 720.0, 760.0)
    assert cases.tax_rate.build().line() == (
        "tax rate τ = 0.21 [assumption: US federal statutory corporate rate since 2018 (TCJA); "
        "effective rates differ]"
    )


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the parsed file: the value at a dotted path (``None``: the key removed)."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for key in parents:
            node = node[int(key) if isinstance(node, list) or key.isdigit() else key]
        key: Any = int(last) if last.isdigit() else last
        if value is None:
            del node[key]
        else:
            node[key] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("disclosed.MSFT.year", None), r"disclosed\.MSFT: missing \['year'\]"),
        (_set("disclosed.MSFT.year", "2023"), r"disclosed\.MSFT\.year: expected a year"),
        (_set("disclosed.MSFT.colour", "blue"), r"disclosed\.MSFT: unknown \['colour'\]"),
        (
            _set("disclosed.GOOGL.share.fact", "DEP-07"),
            r"disclosed\.GOOGL\.share: needs either a fact id or a rationale",
        ),
        (_set("disclosed.GOOGL.share.value", None), r"disclosed\.GOOGL\.share: needs a value"),
        (
            _set("disclosed.META.capex.extra.2019.value", "15.1bn"),
            r"disclosed\.META\.capex\.extra\.2019: expected a finite number",
        ),
        (
            _set("disclosed.AMZN.new_policy.changes", [[2024.0, 6.0], [2020.0, 4.0]]),
            r"disclosed\.AMZN\.new_policy: life-policy change times must increase strictly",
        ),
        (
            _set("disclosed.AMZN.old_policy.life", -3.0),
            r"disclosed\.AMZN\.old_policy: useful life must be a positive number",
        ),
        (
            _set("disclosed.MSFT.capex.filing", "xbrl"),
            r"disclosed\.MSFT\.capex\.filing: expected companyfacts or ixbrl",
        ),
        (_set("disclosed.MSFT.effects", {}), r"disclosed\.MSFT\.effects: expected"),
        (_set("burry.window", [2028, 2026]), r"burry\.window: last year 2026 is before"),
        (_set("burry.capex.by_year.2024", None), None),  # a year less is still a valid file
        (_set("burry.capex.by_year.2025", float("nan")), r"burry\.capex\.by_year\.2025"),
        (_set("tax_rate.unit", None), r"tax_rate: missing \['unit'\]"),
        (_set("disclosed", []), r"disclosed: expected"),
    ],
)
def test_a_malformed_case_file_names_the_row(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str | None
) -> None:
    doc = copy.deepcopy(SHIPPED)
    change(doc)
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    if message is None:
        assert 2024 not in load_cases(path).burry.capex
        return
    with pytest.raises(DataError, match=rf"cases\.yaml: {message}"):
        load_cases(path)


def test_an_unreadable_case_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read the depreciation cases"):
        load_cases(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("disclosed: [unclosed", encoding="utf-8")
    with pytest.raises(DataError, match="bad.yaml: not valid YAML"):
        load_cases(bad)


def test_a_fact_row_is_checked_against_its_fact_when_built() -> None:
    row = InputRow("MSFT effect", 3.8, "USD bn", fact="DEP-06")
    with pytest.raises(DataError, match="fact DEP-06 does not state 3.8"):
        row.build()
    with pytest.raises(InputError, match="either a fact id or a rationale"):
        InputRow("no source", 1.0, "1")
