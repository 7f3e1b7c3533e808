"""The fact-base API and its schema validation (malformed files are written to tmp folders)."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubblescope.data.facts import (
    DEAL_STATUSES,
    DEAL_TYPES,
    GRADES,
    UNITS,
    Fact,
    get_fact,
    load_factbase,
)
from bubblescope.errors import DataError, InputError, UnitError, UnknownSymbolError

BASE = load_factbase()
PACKAGE = resources.files("bubblescope.data").joinpath("factbase")


def _table(name: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(PACKAGE.joinpath(name).read_text(encoding="utf-8")))
    return list(reader.fieldnames or ()), list(reader)


def _write(folder: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def copy_base(tmp_path: Path) -> Path:
    """A tmp folder holding an exact copy of the bundled fact base."""
    for name in ("facts.csv", "deals.csv"):
        header, rows = _table(name)
        _write(tmp_path, name, header, rows)
    return tmp_path


def _mutate(folder: Path, name: str, row_id: str, **changes: str) -> None:
    header, rows = _table(name)
    for row in rows:
        if row["id"] == row_id:
            row.update(changes)
    _write(folder, name, header, rows)


def test_copy_of_the_bundled_files_loads_identically(copy_base: Path) -> None:
    assert load_factbase(copy_base) == BASE


def test_default_is_cached() -> None:
    assert load_factbase() is load_factbase()


# --- schema validation: each failure names file, row and field ------------------------------


# CIR-01 is the 8th line of facts.csv (header + DAL-01..06 come first).
@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"grade": "solid"}, r"facts\.csv, row 8 \(CIR-01\), field 'grade': unknown value 'solid'"),
        ({"unit": "USD billions"}, r"row 8 \(CIR-01\), field 'unit': unknown value 'USD billions'"),
        ({"source_ref": ""}, r"row 8 \(CIR-01\), field 'source_ref': is empty"),
        ({"source_title": " "}, r"row 8 \(CIR-01\), field 'source_title': is empty"),
        ({"as_of": "2025-13-01"}, r"row 8 \(CIR-01\), field 'as_of': '2025-13-01' is not a date"),
        ({"as_of": "Sept 2025"}, r"field 'as_of': 'Sept 2025' is not a date or period"),
        ({"as_of": "2025-02-30"}, r"field 'as_of': '2025-02-30' is not a date"),
        ({"value": "about 300"}, r"field 'value': 'about 300' is not a number"),
        ({"value": "inf"}, r"field 'value': 'inf' is not finite"),
        ({"value_text": "300-310"}, r"field 'value_text': given together with a numeric value"),
        ({"value": ""}, r"field 'value': is empty and value_text is empty too"),
        ({"id": "cir 1"}, r"field 'id': 'cir 1' is not a fact id"),
        ({"parent": "ZZZ-99"}, r"field 'parent': names unknown fact 'ZZZ-99'"),
    ],
)
def test_malformed_fact_rows_raise_dataerror_naming_row_and_field(
    copy_base: Path, changes: dict[str, str], pattern: str
) -> None:
    _mutate(copy_base, "facts.csv", "CIR-01", **changes)
    with pytest.raises(DataError, match=pattern):
        load_factbase(copy_base)


def test_duplicate_fact_id_names_both_rows(copy_base: Path) -> None:
    _mutate(copy_base, "facts.csv", "CIR-01a", id="CIR-01")
    with pytest.raises(
        DataError,
        match=r"row 9 \(CIR-01\), field 'id': duplicate id 'CIR-01' "
        r"\(first on row 8\)",
    ):
        load_factbase(copy_base)


def test_duplicate_id_is_case_insensitive(copy_base: Path) -> None:
    _mutate(copy_base, "deals.csv", "E02", id="e01")
    with pytest.raises(DataError, match=r"deals\.csv, row 3 \(e01\), field 'id': duplicate"):
        load_factbase(copy_base)


@pytest.mark.parametrize(
    ("deal_id", "changes", "pattern"),
    [
        ("E01", {"type": "gift"}, r"row 2 \(E01\), field 'type': unknown value 'gift'"),
        ("E01", {"status": "rumoured"}, r"field 'status': unknown value 'rumoured'"),
        ("E01", {"grade": "V"}, r"field 'grade': unknown value 'V'"),
        ("E01", {"amount": ""}, r"field 'amount': is empty for a deal in 'USD bn'"),
        ("E01", {"amount": "-3"}, r"field 'amount': must be positive, got -3"),
        ("E01", {"unit": "EUR bn"}, r"field 'unit': unknown value 'EUR bn'"),
        ("E01", {"payee": "OpenAI"}, r"field 'payee': equals the payer 'OpenAI'"),
        ("E01", {"date": "2025/09/10"}, r"field 'date': '2025/09/10' is not a date"),
        ("E01", {"fact_ids": "CIR-01;NOPE-1"}, r"field 'fact_ids': names unknown fact\(s\) NOPE-1"),
        ("E04", {"gw": ""}, r"row 5 \(E04\), field 'gw': a deal in 'GW' needs"),
        ("E04", {"amount": "350"}, r"field 'gw': a deal in 'GW' needs an empty amount"),
        ("E02", {"source_ref": ""}, r"row 3 \(E02\), field 'source_ref': is empty"),
    ],
)
def test_malformed_deal_rows_raise_dataerror(
    copy_base: Path, deal_id: str, changes: dict[str, str], pattern: str
) -> None:
    _mutate(copy_base, "deals.csv", deal_id, **changes)
    with pytest.raises(DataError, match=pattern):
        load_factbase(copy_base)


def test_wrong_header_names_missing_and_unexpected_columns(copy_base: Path) -> None:
    header, rows = _table("facts.csv")
    renamed = ["grading" if c == "grade" else c for c in header]
    for row in rows:
        row["grading"] = row.pop("grade")
    _write(copy_base, "facts.csv", renamed, rows)
    with pytest.raises(
        DataError,
        match=r"facts\.csv: header does not match.*missing grade; "
        r"unexpected grading",
    ):
        load_factbase(copy_base)


def test_row_with_too_many_cells(copy_base: Path) -> None:
    text = (copy_base / "deals.csv").read_text(encoding="utf-8").splitlines()
    text[3] += ",surplus"
    (copy_base / "deals.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"deals\.csv, row 4: more cells than columns"):
        load_factbase(copy_base)


def test_missing_file_and_folder(copy_base: Path, tmp_path: Path) -> None:
    (copy_base / "deals.csv").unlink()
    with pytest.raises(DataError, match=r"fact-base file not found: .*deals\.csv"):
        load_factbase(copy_base)
    with pytest.raises(DataError, match="fact-base folder not found"):
        load_factbase(tmp_path / "nowhere")


def test_empty_file_is_rejected(copy_base: Path) -> None:
    header, _ = _table("deals.csv")
    _write(copy_base, "deals.csv", header, [])
    with pytest.raises(DataError, match=r"deals\.csv: no rows"):
        load_factbase(copy_base)


def test_non_utf8_file_is_rejected(copy_base: Path) -> None:
    (copy_base / "facts.csv").write_bytes(b"id,topic\n\xff\xfe,x\n")
    with pytest.raises(DataError, match="is not UTF-8 text"):
        load_factbase(copy_base)


# --- lookups ---------------------------------------------------------------------------------


def test_get_is_case_insensitive_and_module_helper_agrees() -> None:
    assert get_fact("cir-01") is BASE.get("CIR-01")
    # figure from the research notes: WSJ-reported OpenAI->Oracle contract, USD 300bn
    assert BASE.value("CIR-01", unit="USD bn") == 300.0


def test_unknown_id_suggests_close_matches() -> None:
    with pytest.raises(UnknownSymbolError, match=r"unknown fact id 'CIR-1'.*did you mean .*CIR-"):
        BASE.get("CIR-1")
    with pytest.raises(UnknownSymbolError, match=r"unknown fact id 'zzzzzz'.*facts list"):
        BASE.get("zzzzzz")


def test_value_checks_unit_and_refuses_ranges() -> None:
    with pytest.raises(UnitError, match=r"fact CIR-01 is in 'USD bn', not 'USD tn'"):
        BASE.value("CIR-01", unit="USD tn")
    with pytest.raises(
        InputError,
        match=r"fact ENE-09 has no single numeric value "
        r"\(reads '325-580'\)",
    ):
        BASE.value("ENE-09")


def test_search_requires_every_word() -> None:
    hits = BASE.search("Oracle capex")
    assert {f.id for f in hits} >= {"CIR-04", "CAP-05"}
    for fact in hits:
        text = " ".join((fact.description, fact.note, fact.entity, fact.source_title)).casefold()
        assert "oracle" in text or "oracle" in fact.id.casefold()
    with pytest.raises(InputError, match="empty search text"):
        BASE.search("   ")


@given(st.sampled_from(BASE.facts))
def test_search_by_id_and_lookup_are_consistent(fact: Fact) -> None:
    assert fact in BASE.search(fact.id)
    assert BASE.get(fact.id.lower()) is fact
    assert fact.id in BASE
    assert fact in BASE.by_topic(fact.topic)
    assert fact in BASE.by_grade(fact.grade)


def test_by_topic_and_by_grade_reject_unknown_names() -> None:
    with pytest.raises(UnknownSymbolError, match=r"unknown topic 'crypto'.*known topics: .*capex"):
        BASE.by_topic("crypto")
    with pytest.raises(InputError, match=r"unknown grade 'great'.*verified"):
        BASE.by_grade("great")


def test_vocabularies_cover_every_row() -> None:
    assert {f.unit for f in BASE.facts} <= set(UNITS)
    assert {f.grade for f in BASE.facts} <= set(GRADES)
    assert {d.type for d in BASE.deals} <= set(DEAL_TYPES)
    assert {d.status for d in BASE.deals} <= DEAL_STATUSES


# --- conflicts and the $/GW conversion facts -------------------------------------------------


def test_conflicts_are_kept_side_by_side() -> None:
    groups = {g[0].conflict_group: {f.id for f in g} for g in BASE.conflicts()}
    # §12 of the research notes: these pairs disagree and must both stay in the base
    assert groups["openai-2024-loss"] == {"OAI-04", "OAI-07", "OAI-07a"}
    assert (BASE.value("OAI-04"), BASE.value("OAI-07a")) == (5.0, 8.78)
    assert {BASE.value(i) for i in ("ENE-11a", "ENE-11b")} == {4097.0, 4110.0}
    assert {"ENE-11a", "ENE-11b"} <= groups["eia-2024-consumption"]
    assert groups["nvidia-openai-investment"] == {"CIR-08", "CIR-09"}
    assert groups["msft-openai-stake"] == {"CIR-13", "CIR-13a"}
    assert BASE.value("CIR-13") == 27.0
    assert BASE.value("CIR-13a") == 32.5
    assert {BASE.value(i) for i in groups["goldman-dc-power-growth"]} == {160.0, 165.0, 220.0}
    for members in BASE.conflicts():
        assert len({m.conflict_group for m in members}) == 1
        assert len({m.id for m in members}) == len(members)


def test_conversion_facts_for_gw_denominated_deals_exist() -> None:
    per_gw = {f.id: f for f in BASE.by_topic("gw_cost")}
    assert {f.unit for f in per_gw.values()} == {"USD bn/GW"}
    # ai-economy-facts.md §2.2 "Per GW" table and §10 item 8
    assert BASE.value("GPU-13a", unit="USD bn/GW") == 38.0
    assert BASE.value("GPU-13b", unit="USD bn/GW") == 35.0
    assert BASE.value("OAI-01a", unit="USD bn/GW") == 40.0
    assert BASE.value("GWC-03", unit="USD bn/GW") == 50.0
    assert per_gw["GWC-02"].value_text == "50-60"
    gw_only = {d.id: d.gw for d in BASE.deals if d.amount is None}
    assert gw_only == {"E04": 10.0, "E06": 6.0, "E10": 10.0}


# Phrases that point at our own working documents instead of a primary source: the compiled
# research notes and their file names, "this report", section numbers of those notes.
INTERNAL_DOCUMENT = re.compile(
    r"this report|research notes?|working notes|ai-economy-facts|detection-methods"
    r"|ecosystem-and-style|design\.md|\b(?:facts|edges|deals)\.csv\b"
    r"|\b(?:the|our|bubblescope) spec(?:ification)?\b|\bspec(?:ification)? (?:§|section)"
    r"|§\s*\d|\bsection \d+\.",
    re.IGNORECASE,
)


def _cited_text(row: dict[str, str]) -> dict[str, str]:
    return {k: row[k] for k in ("description", "source_title", "source_ref", "note")}


@pytest.mark.parametrize("name", ["facts.csv", "deals.csv"])
def test_no_row_cites_an_internal_document(name: str) -> None:
    _, rows = _table(name)
    offending = [
        f"{row['id']}.{field}: {text!r}"
        for row in rows
        for field, text in _cited_text(row).items()
        if INTERNAL_DOCUMENT.search(text)
    ]
    assert offending == []


@pytest.mark.parametrize(
    "text",
    [
        "This report, section 3.5 (capex path assumption)",
        "bubblescope spec ai-economy-facts.md §2.2",
        "Attributed to Huang in the research notes",
        "Closes the loop of ai-economy-facts.md §2.3",
        "see edges.csv",
    ],
)
def test_internal_document_pattern_catches_the_old_citations(text: str) -> None:
    assert INTERNAL_DOCUMENT.search(text)


def test_primary_sources_that_mention_a_spec_sheet_are_not_internal() -> None:
    # a vendor's spec sheet quoted by a third party is a real source, not our notes
    assert not INTERNAL_DOCUMENT.search(BASE.get("GPU-08").source_title)


def test_own_derivations_say_how_and_from_what() -> None:
    """A 'Derived:' source is an own calculation: it is graded derived, points at no URL of
    its own and names the fact ids (or the dataset URL) it starts from."""
    ids = {f.id for f in BASE.facts}
    rows = [*BASE.facts, *BASE.deals]
    derived = [r for r in rows if r.source_title.startswith("Derived:")]
    assert {r.id for r in derived} >= {"DEP-14", "GWC-03", "CIR-29", "E30"}
    for row in derived:
        assert row.source_ref == "derived", row.id
        assert row.grade in ("derived", "conflicting"), row.id
        named = set(re.findall(r"[A-Z]{2,4}-\d{2}[a-z]?", row.source_title))
        assert named <= ids, row.id
        assert named or "https://" in row.source_title, row.id


def test_split_rows_keep_their_parents_source() -> None:
    for fact in BASE.facts:
        if fact.parent and fact.conflict_group == "":
            parent = BASE.get(fact.parent)
            assert fact.source_ref == parent.source_ref, fact.id


def test_deals_of_entity() -> None:
    nvidia_out = [d for d in BASE.deals_of("nvidia") if d.payer == "Nvidia"]
    assert {d.id for d in nvidia_out} >= {"E03", "E05", "E13", "E14", "E17", "E25"}
    with pytest.raises(UnknownSymbolError, match=r"no deal involves 'Enron'.*known parties"):
        BASE.deals_of("Enron")


# --- frames, dicts, summary ------------------------------------------------------------------


def test_frames_mirror_the_rows() -> None:
    facts = BASE.facts_frame()
    assert list(facts.index) == [f.id for f in BASE.facts]
    assert facts["value"].dtype == "float64"
    assert facts.loc["CIR-12", "value"] == BASE.value("CIR-12")
    assert facts["value"].isna().sum() == sum(f.value is None for f in BASE.facts)
    deals = BASE.deals_frame()
    assert list(deals.index) == [d.id for d in BASE.deals]
    assert deals["amount"].sum() == pytest.approx(sum(d.amount or 0.0 for d in BASE.deals))
    assert deals.loc["E04", "fact_ids"] == "CIR-08;GWC-01"


def test_to_dict_round_trips_through_the_dataclass() -> None:
    fact = BASE.get("ENE-09")
    assert type(fact)(**fact.to_dict()) == fact
    deal = BASE.deals[0]
    data = deal.to_dict()
    assert isinstance(data["fact_ids"], list)
    data["fact_ids"] = tuple(data["fact_ids"])
    assert type(deal)(**data) == deal
    payload = BASE.to_dict()
    assert len(payload["facts"]) == len(BASE.facts)
    assert len(payload["deals"]) == len(BASE.deals)


def test_summary_counts_match_the_rows() -> None:
    text = BASE.summary()
    assert f"{len(BASE.facts)} facts" in text
    assert f"{len(BASE.deals)} deal edges" in text
    assert f"secondary {len(BASE.by_grade('secondary'))}" in text
    assert f"{len(BASE.conflicts())} groups" in text
    assert "msft-openai-stake: CIR-13 27 % vs CIR-13a 32.5 %" in text


def test_summary_states_the_commitment_total_and_what_it_includes(copy_base: Path) -> None:
    total = BASE.commitment_total()
    # the fourth line (the one `bubblescope overview` shows last) is the total's label
    assert BASE.summary().splitlines()[3].strip() == total.label()
    binding = [d for d in BASE.deals if d.status not in {"loi", "lapsed", "term_sheet"}]
    assert total.stated_usd_bn == pytest.approx(sum(d.amount or 0.0 for d in binding))
    assert total.gw == sum(d.gw or 0.0 for d in binding if d.amount is None)
    assert total.usd_bn_per_gw == BASE.value("GWC-01")
    assert {i for i, _ in total.left_out} == {d.id for d in BASE.deals} - {d.id for d in binding}
    # a fact base without the $/GW fact cannot price GW deals and says so
    header, rows = _table("facts.csv")
    _write(copy_base, "facts.csv", header, [r for r in rows if r["id"] != "GWC-01"])
    _mutate(copy_base, "deals.csv", "E04", fact_ids="CIR-08")
    assert "stated only in GW are not priced (no GWC-01 fact" in load_factbase(copy_base).summary()


def test_commitment_total_needs_a_positive_price() -> None:
    with pytest.raises(InputError, match="usd_bn_per_gw must be a positive number"):
        BASE.commitment_total(0.0)
    with pytest.raises(InputError, match="usd_bn_per_gw must be a positive number"):
        BASE.commitment_total(float("nan"))


def test_factbase_is_immutable() -> None:
    with pytest.raises(AttributeError):
        BASE.facts = ()  # type: ignore[misc]
