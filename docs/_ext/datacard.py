"""Sphinx directives that render the shipped data from the package itself.

``.. bubblescope-datacard::``
    The shipped dataset's card (:func:`bubblescope.data.bundled.load_datacard`): its version,
    the date of its last prices, and one row per file and source with its span and rows,
    followed by each source's URL, terms and adjustments.
``.. bubblescope-factbase::``
    The fact base (:func:`bubblescope.data.facts.load_factbase`): facts per topic counted by
    grade.

The pages therefore show what the installed package ships, never a copy that can go stale.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx


def frame_table(frame: pd.DataFrame) -> nodes.table:
    """A docutils table of ``frame``'s columns and rows, every cell as plain text."""
    table = nodes.table()
    group = nodes.tgroup(cols=len(frame.columns))
    table += group
    for _ in frame.columns:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row([str(c) for c in frame.columns])
    body = nodes.tbody()
    group += body
    for values in frame.itertuples(index=False):
        body += _row([_cell(v) for v in values])
    return table


def _cell(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


class DataCardDirective(Directive):
    """Render the shipped dataset's card."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """The card's version line, its table of files and sources, and each source's terms."""
        from bubblescope.data.bundled import load_datacard

        card = load_datacard()
        out: list[nodes.Node] = [
            nodes.paragraph(
                text=(
                    f"Shipped data version {card.version}, prices to {card.prices_as_of}; "
                    f"built by {card.built_by}."
                )
            ),
            frame_table(card.to_frame()),
        ]
        sources = nodes.bullet_list()
        for file in card.files.values():
            for src in file.sources:
                item = nodes.list_item()
                para = nodes.paragraph()
                para += nodes.strong(text=f"{file.name}: {src.name}. ")
                para += nodes.Text("Source: ")
                para += nodes.reference(text=src.url, refuri=src.url)
                para += nodes.Text(f". Copy: {src.origin}. Terms: {src.terms} ")
                para += nodes.Text(f"Adjustments: {src.adjustments}")
                item += para
                sources += item
        out.append(sources)
        return out


class FactBaseDirective(Directive):
    """Render the fact base's facts per topic by grade."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """A count line and the table of facts per topic and grade."""
        from bubblescope.data.facts import load_factbase

        base = load_factbase()
        facts = base.facts_frame()
        counts = pd.crosstab(facts["topic"], facts["grade"])
        counts["all"] = counts.sum(axis=1)
        frame = counts.reset_index().rename(columns={"topic": "topic"})
        frame.columns = [str(c) for c in frame.columns]
        frame = frame.astype({c: int for c in frame.columns if c != "topic"})
        total = len(facts)
        deals = len(base.deals_frame())
        intro = nodes.paragraph(
            text=f"{total} facts in {len(counts)} topics and {deals} deals, by grade:"
        )
        return [intro, frame_table(frame)]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("bubblescope-datacard", DataCardDirective)
    app.add_directive("bubblescope-factbase", FactBaseDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
