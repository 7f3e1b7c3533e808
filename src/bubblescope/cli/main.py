"""The ``bubblescope`` command line.

Each command group lives in its own module under :mod:`bubblescope.cli` and exposes
``register(app)``; this module only assembles them. Heavy imports happen inside the commands,
so ``bubblescope --help`` is instant.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "build_app", "run", "version_line"]

#: Modules under bubblescope.cli that add commands, in --help order.
COMMAND_MODULES: tuple[str, ...] = (
    "status",
    "overview",
    "report",
    "serve",
    "psy",
    "data",
    "facts",
    "lppls",
    "runup",
    "network",
    "economy",
    "gauge",
    "scan",
    "monitor",
    "scenario",
    "backtest",
    "run",
)

HELP = """Measure speculative bubbles and stress-test the economy behind them.

Start with `bubblescope status` (is the AI boom a bubble? one screen, offline, on the data
that ships with bubblescope) or `bubblescope overview` (every engine once). Every command
takes --json for scripting and --help for details.
"""


def version_line() -> str:
    """The package and shipped-data versions, as ``bubblescope --version`` prints them.

    The package follows semantic versioning (``MAJOR.MINOR.PATCH``); the shipped dataset is
    versioned by the month of its last prices and a build number (``YYYY.MM.N``, its data
    card's ``version``). Reads the card only when called, so ``bubblescope --help`` stays fast.
    """
    from bubblescope import __version__
    from bubblescope.data.bundled import load_datacard

    card = load_datacard()
    return f"bubblescope {__version__} (shipped data {card.version}, prices to {card.prices_as_of})"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


def build_app() -> typer.Typer:
    """Assemble the CLI from :data:`COMMAND_MODULES`."""
    application = typer.Typer(
        name="bubblescope",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode="rich",
    )

    @application.callback()
    def _root(
        version: bool = typer.Option(
            False,
            "--version",
            help="Print the package and shipped-data versions and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ) -> None:
        """Measure speculative bubbles and stress-test the economy behind them."""

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"bubblescope.cli.{name}")
        module.register(application)
    return application


app = build_app()


def run() -> None:
    """Console-script entry point."""
    app()
