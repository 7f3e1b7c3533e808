"""``bubblescope overview``: every engine once, on the data that ships with the installation."""

from __future__ import annotations

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors, progress_bar

__all__ = ["register"]

HELP = """A first look, offline: dot-com drawdowns, PSY exuberance (log prices and levels),
the LPPLS fit to the 2000 peak (NASDAQ and S&P 500 daily 1999–2018, shipped inside the `arch`
package), the sourced AI-economy fact base, the circular-financing loops and Sequoia's revenue
gap. The first run simulates and caches the PSY critical values (a few seconds).
"""


def register(app: typer.Typer) -> None:
    """Add the ``overview`` command to ``app``."""

    @app.command(
        "overview",
        help=HELP,
        short_help="Start here: every engine once, offline, on the installed data.",
    )
    @handle_errors
    def overview_command(
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.overview import run_overview

        with progress_bar("overview", enabled=not as_json) as progress:
            result = run_overview(progress=progress)
        emit(
            result.to_dict(),
            as_json,
            lambda: console.print(result.summary(), highlight=False, soft_wrap=True),
        )
