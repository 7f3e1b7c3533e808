"""``bubblescope overview``: today's answer, then every engine once, on the shipped data."""

from __future__ import annotations

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors, progress_bar
from bubblescope.cli.status import PRESET_OPTION

__all__ = ["register"]

HELP = """A first look, offline: the status page (is the AI boom a bubble? every watched
series now, next to each signal's record), then the deepest falls of the NASDAQ and the
S&P 500, PSY on the dot-com boom (log prices and levels), the LPPLS fit to the 2000 peak, the
sourced AI-economy fact base, the circular-financing loops and Sequoia's revenue gap. Runs on
the data that ships with bubblescope (your imports and `data update` win per date). The
first run simulates and caches critical values and backtest records (under a minute on two
cores); later runs take seconds.
"""


def register(app: typer.Typer) -> None:
    """Add the ``overview`` command to ``app``."""

    @app.command(
        "overview",
        help=HELP,
        short_help="Start here: today's answer and every engine once, offline.",
    )
    @handle_errors
    def overview_command(preset: str = PRESET_OPTION, as_json: bool = JSON_OPTION) -> None:
        from bubblescope.cli.status import render_status
        from bubblescope.overview import run_overview
        from bubblescope.settings import RunSettings

        settings = RunSettings.preset(preset)
        with progress_bar("overview", enabled=not as_json) as progress:
            result = run_overview(settings, progress=progress)

        def render() -> None:
            for part in render_status(result.status):
                console.print(part, highlight=False)
            console.print()
            for i, sec in enumerate(result.sections, start=1):
                console.print(f"{i}. {sec.title}", style="bold", highlight=False)
                for line in sec.lines:
                    console.print(f"   {line}", highlight=False, soft_wrap=True)
                console.print()

        emit(result.to_dict(), as_json, render)
