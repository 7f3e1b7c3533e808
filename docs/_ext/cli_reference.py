"""``.. bubblescope-cli::``: the command-line reference, generated from the typer app.

Typer builds the click command tree of :data:`bubblescope.cli.main.app` (typer vendors its
own click, which sphinx-click does not recognise, so this walks the tree itself): one section
per command with its help, usage, arguments and options, subcommands nested in their group.
Rich markup in help texts is rendered as plain text.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from rich.text import Text
from sphinx.application import Sphinx


def _plain(markup: str) -> str:
    return Text.from_markup(markup).plain.replace("\b\n", "").replace("\b", "")


def _help_nodes(text: str) -> list[nodes.Node]:
    """Help paragraphs; indented or ``$``-prefixed blocks (examples) stay literal."""
    out: list[nodes.Node] = []
    for block in _plain(text).strip().split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if any(line.startswith((" ", "$")) for line in lines):
            out.append(nodes.literal_block(text="\n".join(lines)))
        else:
            out.append(nodes.paragraph(text=" ".join(line.strip() for line in lines)))
    return out


def _param_item(param: Any) -> nodes.definition_list_item:
    names = ", ".join([*param.opts, *param.secondary_opts])
    if param.param_type_name == "argument":
        names = (param.metavar or param.name or "").upper()
    item = nodes.definition_list_item()
    term = nodes.term()
    term += nodes.literal(text=names)
    item += term
    definition = nodes.definition()
    text = _plain(param.help or "")
    notes = []
    if param.required:
        notes.append("required")
    default = param.default
    if not param.required and default not in (None, False, (), []) and not callable(default):
        notes.append(f"default: {default}")
    if notes:
        text = f"{text} ({'; '.join(notes)})" if text else "; ".join(notes).capitalize()
    definition += nodes.paragraph(text=text)
    item += definition
    return item


def _section(command: Any, ctx: Any, path: list[str], context_type: Any) -> nodes.section:
    name = " ".join(path)
    section = nodes.section(
        ids=[nodes.make_id("cli " + name)], names=[nodes.fully_normalize_name(name)]
    )
    section += nodes.title(text=name)
    section.extend(_help_nodes(command.help or command.short_help or ""))
    usage = " ".join(command.collect_usage_pieces(ctx))
    section += nodes.literal_block(text=f"{name} {usage}")
    params = [p for p in command.params if not getattr(p, "hidden", False)]
    if params:
        listing = nodes.definition_list()
        for param in params:
            listing += _param_item(param)
        section += listing
    if hasattr(command, "list_commands"):
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            if child is None or getattr(child, "hidden", False):
                continue
            child_ctx = context_type(child, info_name=sub, parent=ctx)
            section += _section(child, child_ctx, [*path, sub], context_type)
    return section


class CLIReference(Directive):
    """Render every ``bubblescope`` command."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """The sections of every command, below the page's own title."""
        import typer.main

        from bubblescope.cli.main import app

        root = typer.main.get_command(app)
        context_type = type(root.make_context("bubblescope", [], resilient_parsing=True))
        ctx = context_type(root, info_name="bubblescope")
        top = _section(root, ctx, ["bubblescope"], context_type)
        # the root's own title duplicates the page title: hand back its contents
        return list(top.children[1:])


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("bubblescope-cli", CLIReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
