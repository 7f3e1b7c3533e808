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
                help="Shiller monthly CSV (date, P, E, CPI, GS10, CAPE) for the bubble gauge.",
            ),
        ] = None,
        symbol: Annotated[
            list[str] | None,
            typer.Option(
                "--symbol",
                help="Stored symbol to analyse (repeatable; default: what the store "
                "holds, up to 3).",
            ),
        ] = None,
        reps: Annotated[
            int,
            typer.Option(
                "--reps",
                min=50,
                max=100_000,
                help="Monte Carlo replications for the PSY critical values.",
            ),
        ] = 499,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Run every analysis on the embedded data and write one self-contained HTML report.

        Uses the bundled dot-com NASDAQ, the fact base and whatever the local store holds
        (e.g. AI-stock prices from `bubblescope data import`); no network needed.
        """
        from bubblescope.report import (
            ReportContext,
            ReportSettings,
            build_report,
            write_html,
            write_pdf,
        )

        ctx = ReportContext(
            settings=ReportSettings(psy_reps=reps),
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
            console.print(
                f"report written to [bold]{html}[/bold]"
                + (f" and [bold]{pdf_path}[/bold]" if pdf_path else "")
            )
            for section in report.sections:
                console.print(
                    f"  {section.title}: {len(section.numbers)} numbers, "
                    f"{len(section.charts)} charts"
                )

        emit(payload, as_json, render)
