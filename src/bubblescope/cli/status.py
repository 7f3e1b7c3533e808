"""``bubblescope status`` and ``bubblescope readings``: the answer now, and its record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors, progress_bar

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bubblescope.status.result import StatusResult

__all__ = ["PRESET_OPTION", "register", "render_status"]

HELP = """Is the AI boom a bubble? One screen: for each watched series (the AI leaders, an AI
basket, the NASDAQ and the S&P 500) a traffic light per signal with the reading and since
when: PSY on log prices and on levels, LPPLS Confidence (short/medium/long windows), the
two-year return with the GSY run-up flag and crash odds, the drawdown from the peak, and
valuation against the series' own history; under it each signal's backtest record, the
market view and a synthesis that counts signals. Runs offline on the shipped data (your
imports and `data update` win per date). Every run is appended to the readings log
(`bubblescope readings`).
"""

PRESET_OPTION = typer.Option(
    "standard", "--preset", help="Run settings: standard, quick or publication."
)
_STYLE = {"red": "bold red", "amber": "yellow", "green": "green", "grey": "dim"}
_DOT = {"red": "●", "amber": "◐", "green": "○", "grey": "·"}


def render_status(result: StatusResult) -> list[RenderableType]:
    """Rich renderables of the status page: the table, records, market, synthesis."""
    from rich.table import Table
    from rich.text import Text

    from bubblescope.status.result import SIGNALS

    out: list[RenderableType] = []
    title = "Is the AI boom a bubble? Readings now" + (
        f" (prices to {result.data_end})" if result.data_end else ""
    )
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("series", no_wrap=True)
    for head in SIGNALS.values():
        table.add_column(head, overflow="fold", max_width=24)
    for row in result.rows:
        label = Text(row.label, style="bold")
        label.append(f"\n{row.kind}, to {row.last_date or '?'}", style="dim")
        if row.error:
            table.add_row(label, Text(f"not computed: {row.error}", style="red"))
            continue
        cells: list[Text] = []
        for sig in SIGNALS:
            r = row.reading(sig)
            if r is None:
                cells.append(Text("–", style="dim"))
                continue
            cell = Text(f"{_DOT[r.light]} ", style=_STYLE[r.light])
            cell.append(r.text.split("; episode since")[0], style=_STYLE[r.light])
            if r.since:
                cell.append(f"\nsince {r.since}", style="dim")
            cells.append(cell)
        table.add_row(label, *cells)
    out.append(table)
    out.append(Text("● alarm  ◐ warning  ○ quiet  · not available", style="dim"))
    baskets = {r.label: r.weighting for r in result.rows if r.weighting}
    for name, weighting in baskets.items():
        out.append(Text(f"{name}: {weighting}", style="dim"))
    out += [Text(f"warning: {w}", style="yellow") for w in result.warnings]
    out.append(_records_table(result))
    market = result.market_lines()
    if market:
        out.append(Text("Market", style="bold"))
        out += [Text(f"  {line}") for line in market]
    out.append(Text("What the signals say", style="bold"))
    out += [Text(f"  {line}") for line in result.synthesis]
    return out


def _records_table(result: StatusResult) -> RenderableType:
    from rich.table import Table

    from bubblescope.status.result import SIGNALS

    seen: dict[tuple[str, str], Any] = {}
    for row in result.rows:
        for sig, rec in row.records.items():
            seen.setdefault((sig, rec.history), rec)
    table = Table(title="Each signal's record (backtest: crashes warned of, false alarms)")
    table.add_column("signal")
    table.add_column("history")
    table.add_column("crash =")
    table.add_column("warned", justify="right")
    table.add_column("false alarms / yr", justify="right")
    table.add_column("median lead (months)", justify="right")
    for (sig, _), rec in sorted(seen.items(), key=lambda kv: list(SIGNALS).index(kv[0][0])):
        table.add_row(
            SIGNALS[sig],
            rec.history,
            rec.events,
            f"{rec.warned}/{rec.crashes}",
            "–" if rec.false_alarms_per_year is None else f"{rec.false_alarms_per_year:.2f}",
            "–" if rec.lead_median_months is None else f"{rec.lead_median_months:.0f}",
        )
    return table


def register(app: typer.Typer) -> None:
    """Add the ``status`` and ``readings`` commands to ``app``."""

    @app.command("status", help=HELP, short_help="The answer now: one screen of readings.")
    @handle_errors
    def status_command(
        symbols: Annotated[
            list[str] | None,
            typer.Argument(help="Watch these instead (tickers, nasdaq, sp500, AI_BASKET)."),
        ] = None,
        preset: str = PRESET_OPTION,
        log: bool = typer.Option(True, "--log/--no-log", help="Append to the readings log."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.settings import RunSettings
        from bubblescope.status import run_status

        settings = RunSettings.preset(preset)
        with progress_bar("status", enabled=not as_json) as progress:
            result = run_status(settings, symbols=symbols or None, progress=progress, log=log)

        def render() -> None:
            for part in render_status(result):
                console.print(part, highlight=False)

        emit(result.to_dict(), as_json, render)

    @app.command("readings", short_help="The readings log: every status run, on the record.")
    @handle_errors
    def readings_command(
        series: str | None = typer.Option(None, "--series", help="Only this series."),
        last: int = typer.Option(20, "--last", help="Most recent runs shown."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """List logged readings: run hash, date, series, signal, value, light, since."""
        from rich.table import Table

        from bubblescope.status import load_readings

        frame = load_readings()
        if series is not None:
            frame = frame[frame["series"] == series.upper()]
        runs = list(dict.fromkeys(frame["run_hash"]))[-last:] if len(frame) else []
        frame = frame[frame["run_hash"].isin(runs)]
        rows = [
            {str(k): v for k, v in rec.items()}
            for rec in frame.drop(columns="_vintage").to_dict(orient="records")
        ]

        def render() -> None:
            if not rows:
                console.print("no readings logged yet: run `bubblescope status`")
                return
            table = Table(title=f"Readings log ({len(runs)} run(s))")
            for col in ("run", "measured", "series", "signal", "value", "light", "since"):
                table.add_column(col)
            for r in rows:
                value = r["value"]
                table.add_row(
                    str(r["run_hash"])[:12],
                    str(r["measured"]),
                    str(r["series"]),
                    str(r["signal"]),
                    "" if value is None or value != value else f"{value:.4g}",
                    str(r["light"]),
                    str(r["since"] or ""),
                )
            console.print(table)

        emit({"readings": rows}, as_json, render)
