"""``bubblescope facts``: browse the sourced AI-economy fact base and the deal edge list."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.table import Table

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors
from bubblescope.data.facts import GRADES, Deal, Fact, FactBase, load_factbase

__all__ = ["register", "summary"]

HELP = """Browse the sourced AI-economy fact base (figures with unit, date, source and grade).

Grades: verified (checked against a primary document), secondary (secondary reports only),
derived (own calculation from stated inputs), unverified, conflicting (sources disagree; see
`bubblescope facts conflicts`). Try `bubblescope facts search oracle` or
`bubblescope facts show CIR-01`.
"""

#: The ``search`` words (a module-level default: a call in a list-typed default trips B008).
_WORDS_ARGUMENT = typer.Argument(..., help="Words that must all appear (any case).")

_GRADE_STYLE = {
    "verified": "green",
    "secondary": "cyan",
    "derived": "magenta",
    "unverified": "yellow",
    "conflicting": "red",
}


def summary(path: str | None = None) -> str:
    """Text overview of the fact base: counts by topic and grade, deals and conflict groups.

    Parameters
    ----------
    path : str, optional
        Fact-base folder; ``None`` uses the one bundled with bubblescope.
    """
    return load_factbase(path).summary()


def _fact_table(facts: Sequence[Fact], title: str) -> Table:
    table = Table(title=title)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold", max_width=18)
    table.add_column("as of", overflow="fold", max_width=10)
    table.add_column("grade", no_wrap=True)
    table.add_column("description", overflow="fold", ratio=1)
    for fact in facts:
        table.add_row(
            fact.id,
            fact.display_value,
            fact.as_of,
            f"[{_GRADE_STYLE[fact.grade]}]{fact.grade}[/]",
            fact.description,
        )
    return table


def _conflict_table(members: Sequence[Fact]) -> Table:
    table = Table(title=f"{members[0].conflict_group} (kept side by side)")
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold", max_width=18)
    table.add_column("as of", overflow="fold", max_width=10)
    table.add_column("source", overflow="fold", ratio=1)
    table.add_column("note", overflow="fold", ratio=2)
    for fact in members:
        table.add_row(fact.id, fact.display_value, fact.as_of, fact.source_title, fact.note)
    return table


def _deal_table(deals: Sequence[Deal], title: str) -> Table:
    table = Table(title=title)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("payer → payee", overflow="fold")
    table.add_column("USD bn", justify="right", no_wrap=True)
    table.add_column("GW", justify="right", no_wrap=True)
    table.add_column("type", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("date", overflow="fold")
    for deal in deals:
        table.add_row(
            deal.id,
            f"{deal.payer} → {deal.payee}",
            "" if deal.amount is None else f"{deal.amount:g}",
            "" if deal.gw is None else f"{deal.gw:g}",
            deal.type,
            deal.status,
            deal.date,
        )
    return table


def _render_fact(base: FactBase, fact: Fact) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows = [
        ("id", fact.id),
        ("description", fact.description),
        ("value", fact.display_value),
        ("as of", fact.as_of),
        ("entity", fact.entity),
        ("topic", fact.topic),
        ("grade", f"[{_GRADE_STYLE[fact.grade]}]{fact.grade}[/]"),
        ("source", fact.source_title),
        ("reference", fact.source_ref),
    ]
    if fact.note:
        rows.append(("note", fact.note))
    if fact.parent:
        rows.append(("split from", fact.parent))
    for label, text in rows:
        table.add_row(label, text)
    console.print(table)
    if fact.conflict_group:
        members = next(g for g in base.conflicts() if g[0].conflict_group == fact.conflict_group)
        console.print(_conflict_table(members))
    deals = [d for d in base.deals if fact.id in d.fact_ids]
    if deals:
        console.print(_deal_table(deals, "deals documented by this fact"))


def register(app: typer.Typer) -> None:
    """Add the ``facts`` command group to ``app``."""
    group = typer.Typer(name="facts", help=HELP, no_args_is_help=True, rich_markup_mode="rich")

    @group.command("list")
    @handle_errors
    def list_facts(
        topic: str | None = typer.Option(
            None, "--topic", "-t", help="Only this topic, e.g. capex, circular, energy."
        ),
        grade: str | None = typer.Option(
            None, "--grade", "-g", help=f"Only this grade: {', '.join(GRADES)}."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """List facts (id, value with unit, as-of date, grade, description)."""
        base = load_factbase()
        facts = list(base.facts)
        if topic is not None:
            facts = [f for f in facts if f in base.by_topic(topic)]
        if grade is not None:
            facts = [f for f in facts if f in base.by_grade(grade)]
        emit(
            {"count": len(facts), "facts": [f.to_dict() for f in facts]},
            as_json,
            lambda: console.print(_fact_table(facts, f"{len(facts)} facts")),
        )

    @group.command("show")
    @handle_errors
    def show(
        fact_id: str = typer.Argument(..., help="Fact id, e.g. CIR-01 (case-insensitive)."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Show one fact in full: value, date, entity, source, grade, note, conflicts, deals."""
        base = load_factbase()
        fact = base.get(fact_id)
        conflict = (
            [
                m.id
                for m in next(
                    g for g in base.conflicts() if g[0].conflict_group == fact.conflict_group
                )
            ]
            if fact.conflict_group
            else []
        )
        payload = {
            **fact.to_dict(),
            "conflicts_with": [i for i in conflict if i != fact.id],
            "deals": [d.id for d in base.deals if fact.id in d.fact_ids],
        }
        emit(payload, as_json, lambda: _render_fact(base, fact))

    @group.command("search")
    @handle_errors
    def search(
        words: list[str] = _WORDS_ARGUMENT,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Find facts whose text (description, entity, source, note, ...) holds every word."""
        text = " ".join(words)
        facts = load_factbase().search(text)
        emit(
            {"query": text, "count": len(facts), "facts": [f.to_dict() for f in facts]},
            as_json,
            lambda: console.print(_fact_table(facts, f"{len(facts)} facts matching {text!r}")),
        )

    @group.command("conflicts")
    @handle_errors
    def conflicts(as_json: bool = JSON_OPTION) -> None:
        """Show the groups of facts whose sources disagree, side by side."""
        groups = load_factbase().conflicts()
        payload = {
            "count": len(groups),
            "groups": [
                {"group": g[0].conflict_group, "facts": [f.to_dict() for f in g]} for g in groups
            ],
        }

        def render() -> None:
            for members in groups:
                console.print(_conflict_table(members))

        emit(payload, as_json, render)

    @group.command("deals")
    @handle_errors
    def deals(
        entity: str | None = typer.Option(
            None, "--entity", "-e", help="Only deals this party pays or receives in."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """List the deal edges of the AI financing network (USD bn, or GW if only that is given)."""
        base = load_factbase()
        rows = list(base.deals) if entity is None else base.deals_of(entity)
        emit(
            {"count": len(rows), "deals": [d.to_dict() for d in rows]},
            as_json,
            lambda: console.print(_deal_table(rows, f"{len(rows)} deals")),
        )

    @group.command("summary")
    @handle_errors
    def summary_command(as_json: bool = JSON_OPTION) -> None:
        """Counts by topic and grade, the total of commitments and the conflict groups."""
        base = load_factbase()
        by_grade = {g: len(base.by_grade(g)) for g in GRADES}
        payload = {
            "facts": len(base.facts),
            "deals": len(base.deals),
            "by_topic": {t: len(base.by_topic(t)) for t in base.topics()},
            "by_grade": by_grade,
            "conflict_groups": {g[0].conflict_group: [f.id for f in g] for g in base.conflicts()},
            "commitments": base.commitment_total().to_dict(),
        }
        emit(payload, as_json, lambda: typer.echo(base.summary()))

    app.add_typer(group)
