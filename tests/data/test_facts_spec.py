"""Round-trip of the bundled fact base against the research notes it was built from.

The spec files (``../shared/spec/facts.csv`` and ``edges.csv``, siblings of the shared data folder;
copied verbatim to ``tests/results/spec``, kept current by tests/test_reference_copies.py) are the
reference: every spec row must be present with the same figure, unit meaning, date, entity, source
(title and reference, which name the primary source or say how a figure was derived) and grade, and
every deal edge with the same parties, amount and source.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from bubblescope.data.facts import load_factbase
from tests.reference import SPEC, SharedFiles

# Independent statement of how the research notes' free-text units map to the vocabulary:
# first matching prefix wins (the spec's unit often continues with a qualifier in brackets).
UNIT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("USD bn revenue/yr", "USD bn/yr"),
    ("USD bn/yr", "USD bn/yr"),
    ("USD bn", "USD bn"),
    ("USD tn", "USD tn"),
    ("USD mn", "USD mn"),
    ("USD per GPU-hour", "USD/GPU-hour"),
    ("percentile", "percentile"),
    ("% ", "%"),
    ("pp ", "pp"),
    ("bp", "bp"),
    ("GWh/day", "GWh/day"),
    ("GWh ", "GWh"),
    ("GW ", "GW"),
    ("TWh", "TWh"),
    ("MWh", "MWh"),
    ("Wh", "Wh"),
    ("billion kWh", "TWh"),
    ("trillion kWh", "PWh"),
    ("kW", "kW"),
    ("million", "million"),
    ("years", "years"),
    ("ratio", "x"),
    ("multiple of", "x"),
    ("qualitative", "qualitative"),
    ("phases", "qualitative"),
)
EXACT_UNITS = {"%": "%", "W": "W", "x": "x", "GW": "GW", "GWh": "GWh", "pp": "pp"}
FORMULA_UNITS = {
    "model parameters",
    "thresholds",
    "degree vs threshold",
    "fixed point",
    "recovery rates",
    "relative equity loss",
}
# Party names the bundled deals normalise (an AWS contract is a contract with Amazon).
PARTY_ALIASES = {"Amazon (AWS)": "Amazon", "market (NVDA sale)": "market"}


def expected_unit(raw: str) -> str:
    raw = raw.strip()
    if raw in EXACT_UNITS:
        return EXACT_UNITS[raw]
    if raw in FORMULA_UNITS:
        return "formula"
    for prefix, unit in UNIT_PREFIXES:
        if raw.startswith(prefix):
            return unit
    raise AssertionError(f"test has no unit rule for {raw!r}")


def expected_grade(note: str) -> str:
    markers = set(re.findall(r"\[([^\]]+)\]", note))
    if "C" in markers:
        return "conflicting"
    if "U" in markers or any("from memory" in m for m in markers):
        return "unverified"
    if "D" in markers:
        return "derived"
    if "V" in markers:
        return "verified"
    assert markers & {"V-secondary", "S"}, note
    return "secondary"


@pytest.fixture(scope="module")
def spec_dir() -> Path:
    return SPEC


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_spec_has_the_documented_row_counts(spec_dir: Path) -> None:
    # ai-economy-facts.md: "facts.csv: 134 rows"; §2.3: 29 money-flow edges.
    assert len(_rows(spec_dir / "facts.csv")) == 134
    assert len(_rows(spec_dir / "edges.csv")) == 29


def test_every_spec_fact_round_trips(spec_dir: Path) -> None:
    base = load_factbase()
    for row in _rows(spec_dir / "facts.csv"):
        fact = base.get(row["id"])
        raw = row["value"].strip()
        try:
            number: float | None = float(raw)
        except ValueError:
            number = None
        if number is not None:
            assert fact.value == number, row["id"]
            assert fact.value_text == "", row["id"]
        else:
            assert fact.value is None, row["id"]
            assert fact.value_text == ("" if raw == "n/a" else raw), row["id"]
        assert fact.unit == expected_unit(row["unit"]), row["id"]
        assert fact.topic == row["topic"], row["id"]
        assert fact.as_of == row["as_of_date"].strip(), row["id"]
        assert fact.entity == row["entity"].strip(), row["id"]
        assert fact.source_title == row["source_title"].strip(), row["id"]
        assert fact.source_ref == row["source_url_or_ref"].strip(), row["id"]
        assert fact.grade == expected_grade(row["note"]), row["id"]
        assert fact.parent == "", row["id"]


def test_descriptions_and_notes_are_rewritten_not_copied(spec_dir: Path) -> None:
    base = load_factbase()
    for row in _rows(spec_dir / "facts.csv"):
        fact = base.get(row["id"])
        assert fact.description.casefold() != row["quantity"].strip().casefold(), row["id"]
        spec_note = re.sub(r"^(\[[^\]]+\])+\s*", "", row["note"]).strip()
        if len(spec_note) > 25:
            assert spec_note not in fact.note, row["id"]


def test_every_conflict_marked_row_sits_in_a_conflict_group(spec_dir: Path) -> None:
    base = load_factbase()
    for row in _rows(spec_dir / "facts.csv"):
        if "[C]" in row["note"]:
            assert base.get(row["id"]).conflict_group, row["id"]


def test_every_spec_edge_round_trips(spec_dir: Path) -> None:
    deals = {d.id: d for d in load_factbase().deals}
    edges = _rows(spec_dir / "edges.csv")
    spec_ids = {e["edge_id"] for e in edges}
    assert spec_ids <= set(deals)
    # additions beyond the spec are our own estimates, graded and documented as such
    for extra in set(deals) - spec_ids:
        assert deals[extra].grade == "derived", extra
        assert deals[extra].fact_ids, extra
    for edge in edges:
        deal = deals[edge["edge_id"]]
        assert deal.payer == PARTY_ALIASES.get(edge["payer"], edge["payer"]), deal.id
        assert deal.payee == PARTY_ALIASES.get(edge["payee"], edge["payee"]), deal.id
        assert deal.date == edge["date"].strip(), deal.id
        assert deal.source_title == edge["source_title"].strip(), deal.id
        assert deal.source_ref == edge["source_url"].strip(), deal.id
        if edge["amount_usd_bn"].strip():
            assert deal.amount == float(edge["amount_usd_bn"]), deal.id
            assert deal.unit == "USD bn", deal.id
        else:
            # stated in GW only: the capacity must appear in the spec's note
            assert deal.amount is None, deal.id
            assert deal.unit == "GW", deal.id
            assert deal.gw is not None
            assert f"{deal.gw:g} GW" in edge["amount_note"], deal.id
        assert ("LOI" in edge["type"]) == (deal.status in {"loi", "lapsed"}), deal.id


def _number_forms(value: float) -> set[str]:
    forms = {f"{value:g}", f"{value:,g}"}
    if value == int(value):
        forms.add(f"{int(value):,}")
    return forms


def test_split_rows_carry_numbers_printed_in_the_spec(spec_dir: Path) -> None:
    """Every single-number row split out of a spec row shows up in that row's text; the DEP-14
    capex path comes from the narrative's section 3.5 instead."""
    spec = {r["id"]: r for r in _rows(spec_dir / "facts.csv")}
    narrative = (spec_dir / "ai-economy-facts.md").read_text(encoding="utf-8")
    checked = 0
    for fact in load_factbase().facts:
        if not fact.parent or fact.value is None:
            continue
        if fact.id in {f"DEP-14{letter}" for letter in "cdefghijk"}:
            assert f"{fact.as_of} {fact.value:g}" in narrative, fact.id
        elif fact.id == "DEP-14l":
            assert f"{fact.value:g}% of capex in servers" in narrative
        else:
            row = spec[fact.parent]
            text = " ".join((row["quantity"], row["value"], row["unit"], row["note"]))
            assert any(form in text for form in _number_forms(fact.value)), fact.id
            assert fact.source_ref in {
                row["source_url_or_ref"].strip(),
                spec["OAI-10"]["source_url_or_ref"],
            }, fact.id
        checked += 1
    assert checked > 100


def test_coreweave_gpu_spend_recomputes_from_epoch_data(shared_file: SharedFiles) -> None:
    """CIR-29 (derived): Epoch AI units owned at end-2025 times Epoch's price geomeans."""
    import csv

    folder = "epoch_ai/ai-chip-counts"
    rows = list(
        csv.DictReader(
            shared_file(
                f"{folder}/owners_csv_export/coreweave/coreweave_owners_cumulative_by_chip.csv"
            )
            .read_text(encoding="utf-8")
            .splitlines()
        )
    )
    units = {
        r["Chip type"]: float(r["Number of Units"])
        for r in rows
        if r["Name"].endswith("through Q4 2025")
    }
    with shared_file(f"{folder}/data_inputs/Nvidia_annual_prices.csv").open(encoding="utf-8") as f:
        prices = {r[0]: r for r in csv.reader(f)}
    h100_2024 = float(prices["2024"][6].strip("$").replace(",", ""))
    blackwell_2025 = float(prices["2025"][10].strip("$").replace(",", ""))
    spend = (
        units["H100/H200"] * h100_2024 + (units["B200"] + units["B300"]) * blackwell_2025
    ) / 1e9
    assert load_factbase().value("CIR-29", "USD bn") == pytest.approx(spend, abs=0.05)
