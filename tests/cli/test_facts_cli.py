"""``bubblescope facts``: list, show, search, conflicts, deals, summary (human and --json)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bubblescope.cli.facts import register, summary
from bubblescope.data.facts import load_factbase
from bubblescope.errors import DataError, InputError

BASE = load_factbase()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)
    return application


def run(app: typer.Typer, *args: str) -> Any:
    result = CliRunner().invoke(app, ["facts", *args], env={"COLUMNS": "160"})
    return result


def run_json(app: typer.Typer, *args: str) -> Any:
    result = run(app, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_list_json_carries_every_fact(app: typer.Typer) -> None:
    payload = run_json(app, "list")
    assert payload["count"] == len(BASE.facts)
    assert [f["id"] for f in payload["facts"]] == [f.id for f in BASE.facts]
    assert payload["facts"][0] == BASE.facts[0].to_dict()


def test_list_filters_by_topic_and_grade(app: typer.Typer) -> None:
    payload = run_json(app, "list", "--topic", "capex", "--grade", "derived")
    assert payload["count"] >= 1
    assert {(f["topic"], f["grade"]) for f in payload["facts"]} == {("capex", "derived")}
    assert payload["count"] == sum(f.topic == "capex" and f.grade == "derived" for f in BASE.facts)


def test_list_human_table(app: typer.Typer) -> None:
    result = run(app, "list", "--topic", "gw_cost")
    assert result.exit_code == 0
    assert "7 facts" in result.output
    assert "38 USD bn/GW" in result.output
    assert "DAL-01" not in result.output


def test_list_rejects_unknown_topic_and_grade(app: typer.Typer) -> None:
    result = run(app, "list", "--topic", "crypto")
    assert result.exit_code == DataError.exit_code
    assert "error: unknown topic 'crypto'" in result.output
    result = run(app, "list", "--grade", "solid")
    assert result.exit_code == InputError.exit_code
    assert "error: unknown grade 'solid'" in result.output


def test_show_json_and_links(app: typer.Typer) -> None:
    payload = run_json(app, "show", "cir-13")
    assert payload["id"] == "CIR-13"
    assert payload["value"] == 27.0
    assert payload["conflicts_with"] == ["CIR-13a"]
    assert payload["deals"] == ["E09"]


def test_show_human_names_source_and_conflict(app: typer.Typer) -> None:
    result = run(app, "show", "OAI-10")
    assert result.exit_code == 0
    assert "The Register / Windows Central" in result.output
    assert "openai-q3-2025-loss (kept side by side)" in result.output
    assert "OAI-10a" in result.output


def test_show_unknown_id_is_one_line_error(app: typer.Typer) -> None:
    result = run(app, "show", "CIR-99")
    assert result.exit_code == DataError.exit_code
    assert result.output.startswith("error: unknown fact id 'CIR-99'")
    assert "did you mean" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_search_joins_words(app: typer.Typer) -> None:
    payload = run_json(app, "search", "AMD", "warrant")
    assert payload["query"] == "AMD warrant"
    assert [f["id"] for f in payload["facts"]] == [f.id for f in BASE.search("amd warrant")]
    assert "CIR-11" in [f["id"] for f in payload["facts"]]


def test_conflicts_json_lists_groups(app: typer.Typer) -> None:
    payload = run_json(app, "conflicts")
    groups = {g["group"]: [f["id"] for f in g["facts"]] for g in payload["groups"]}
    assert payload["count"] == len(BASE.conflicts())
    assert groups["openai-2024-loss"] == ["OAI-04", "OAI-07", "OAI-07a"]
    assert groups["goldman-dc-power-growth"] == ["ENE-10", "ENE-10a", "ENE-10b"]


def test_deals_filter_by_entity(app: typer.Typer) -> None:
    payload = run_json(app, "deals", "--entity", "amd")
    assert [d["id"] for d in payload["deals"]] == ["E06", "E07"]
    e06 = payload["deals"][0]
    assert e06["amount"] is None
    assert e06["gw"] == 6.0
    result = run(app, "deals")
    assert result.exit_code == 0
    assert "OpenAI → Oracle" in result.output
    assert f"{len(BASE.deals)} deals" in result.output
    result = run(app, "deals", "--entity", "Enron")
    assert result.exit_code == DataError.exit_code
    assert "no deal involves 'Enron'" in result.output


def test_summary_command_and_function_agree(app: typer.Typer) -> None:
    result = run(app, "summary")
    assert result.exit_code == 0
    assert result.output.strip() == summary().strip()
    payload = run_json(app, "summary")
    assert payload["facts"] == len(BASE.facts)
    assert sum(payload["by_topic"].values()) == len(BASE.facts)
    assert sum(payload["by_grade"].values()) == len(BASE.facts)
    assert payload["conflict_groups"]["msft-openai-stake"] == ["CIR-13", "CIR-13a"]


def test_help_explains_the_grades(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["facts", "--help"])
    assert result.exit_code == 0
    for word in ("verified", "secondary", "derived", "unverified", "conflicting", "show"):
        assert word in result.output
