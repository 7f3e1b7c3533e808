"""``bubblescope report``: the whole analysis as one self-contained HTML file (or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors, progress_bar

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    @handle_errors
    def report_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
            "report.html"
        ),
        pdf: Annotated[
            bool,
            typer.Option("--pdf", help="Also write a PDF next to the HTML (needs WeasyPrint)."),
        ] = False,
        shiller: Annotated[
            Path | None,
            typer.Option(
                "--shiller",
                help="Your own Shiller monthly CSV (date, P, E, CPI, GS10, CAPE) for the "
                "market gauge (default: the shipped table).",
            ),
        ] = None,
        symbol: Annotated[
            list[str] | None,
            typer.Option(
                "--symbol",
                help="Watch this series instead of the default watchlist (repeatable: "
                "tickers, nasdaq, sp500, AI_BASKET).",
            ),
        ] = None,
        preset: Annotated[
            str, typer.Option("--preset", help="Run settings: standard, quick or publication.")
        ] = "standard",
        reps: Annotated[
            int | None,
            typer.Option(
                "--reps",
                min=50,
                max=100_000,
                help="Monte Carlo replications of the PSY critical values (default: the preset's).",
            ),
        ] = None,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Run every analysis and write one self-contained HTML report, opening on the status page.

        Runs offline on the data that ships with bubblescope (your imports and `data update`
        win per date) and the fact base, with the standard run's settings unless told otherwise.
        """
        from bubblescope.report import (
            ReportContext,
            ReportSettings,
            build_report,
            write_html,
            write_pdf,
        )
        from bubblescope.settings import RunSettings

        run = RunSettings.preset(preset)
        if reps is not None:
            run = run.with_changes(psy={"reps": reps})
        ctx = ReportContext(
            settings=ReportSettings(run=run),
            shiller=shiller,
            symbols=tuple(symbol) if symbol else None,
        )
        with progress_bar("building report", enabled=not as_json) as progress:
            report = build_report(ctx, progress=progress)
        html = write_html(report, out)
        pdf_path = write_pdf(report, out.with_suffix(".pdf")) if pdf else None
        payload = {
            "html": str(html),
            "pdf": None if pdf_path is None else str(pdf_path),
            **report.to_dict(),
        }

        def render() -> None:
            from rich.text import Text

            written = Text.assemble("report written to ", (str(html), "bold"))
            if pdf_path:
                written.append_text(Text.assemble(" and ", (str(pdf_path), "bold")))
            console.print(written)
            for section in report.sections:
                console.print(
                    f"  {section.title}: {len(section.numbers)} numbers, "
                    f"{len(section.charts)} charts"
                )

        emit(payload, as_json, render)
