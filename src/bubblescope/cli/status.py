"""``bubblescope status`` and ``bubblescope readings``: the answer now, and its record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblescope.cli._common import (
    JSON_OPTION,
    YES_OPTION,
    check_cost,
    console,
    emit,
    handle_errors,
    progress_bar,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from bubblescope.status.readings import Reading
    from bubblescope.status.result import StatusResult

__all__ = ["PRESET_OPTION", "register", "render_status"]

HELP = """Is the AI boom a bubble? One screen: for each watched series (the AI leaders, an AI
basket, the NASDAQ and the S&P 500) a traffic light per signal with the reading and since
when: PSY on log prices and on levels, LPPLS Confidence (short/medium/long windows), the
two-year return with the GSY run-up flag and crash odds, the drawdown from the peak, and
valuation against the series' own history; under it each signal's backtest record, the
market view and a synthesis that counts signals. Runs offline on the shipped data (your
imports and `data update` win per date). Every run is appended to the readings log
(`bubblescope readings`). The work is estimated first, counting only what the cache does not
hold for the data and settings; over 120 s (the publication run, cold) it needs `--yes`.
"""

PRESET_OPTION = typer.Option(
    "standard", "--preset", help="Run settings: standard, quick or publication."
)
_STYLE = {"red": "bold red", "amber": "yellow", "green": "green", "grey": "dim"}
_DOT = {"red": "●", "amber": "◐", "green": "○", "grey": "·"}
#: Short column heads and what each compact cell shows (printed under the table).
_HEADS = {
    "psy_log": "PSY log",
    "psy_level": "PSY lvl",
    "lppls": "LPPLS",
    "return_24m": "Run-up",
    "crash_odds": "Crash",
    "drawdown": "Drawdn",
    "valuation": "Value",
}
_KEY = (
    "PSY: last BSADF over its 95% critical value (weekly closes, 20 years; log prices and "
    "levels); unconf.: an episode began, but the BSADF has fallen back below that value. "
    "LPPLS: the largest Confidence now and its window scale (Short, Medium, Long). Run-up: "
    "24-month return, n = net of the S&P 500 in percentage points (pts). Crash: GSY crash odds. "
    "Drawdn: fall from the peak. Value: trailing P/E (or P/S, CAPE) and p = its percentile of "
    "own history. "
    "`--json` or the report give every detail."
)


def _compact(r: Reading) -> str:
    """A terminal-width cell: the reading's number(s) only.

    Short enough (``n+188pts``, ``unconf.``) for the table to fit an 80-column terminal
    without breaking a cell (see :func:`render_status`).
    """
    d = r.detail
    if r.light == "grey" or r.value is None:
        return "n/a" if r.light == "grey" else "–"
    if r.signal in ("psy_log", "psy_level"):
        unconfirmed = d.get("now", {}).get("state") == "episode not confirmed"
        return f"{r.value:.2f}\n/{d['critical_value']:.2f}" + ("\nunconf." if unconfirmed else "")
    if r.signal == "lppls":
        best = d.get("largest_scale", "")
        return f"{r.value:.2f} {best[:1].upper()}"
    if r.signal == "return_24m":
        net = d.get("net")
        return f"{r.value:+.0%}" + ("" if net is None else f"\nn{100.0 * net:+.0f}pts")
    if r.signal == "crash_odds":
        return f"{r.value:.0%}"
    if r.signal == "drawdown":
        return f"{r.value:+.1%}"
    if r.signal == "valuation":
        if d.get("measure") == "CAPE":
            return f"CAPE {d['value']:.0f}\np{r.value:.0f}"
        ratio = ("P/E", d.get("pe")) if d.get("pe") is not None else ("P/S", d.get("ps"))
        return f"{ratio[0]} {ratio[1]:.0f}\np{r.value:.0f}"
    return r.text


def render_status(result: StatusResult) -> list[RenderableType]:
    """Rich renderables of the status page: the table, records, market, synthesis."""
    from rich.table import Table
    from rich.text import Text

    from bubblescope.status.result import SIGNALS

    out: list[RenderableType] = []
    title = "Is the AI boom a bubble? Readings now" + (
        f" (prices to {result.data_end})" if result.data_end else ""
    )
    from rich import box

    # no edge columns and no padding outside the first and last column: with the widest cells
    # (5 to 9 characters with the light's dot) the table is 79 columns wide, so at 80 columns
    # rich breaks no cell over two lines
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        expand=False,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("series", overflow="fold")
    for sig in SIGNALS:
        table.add_column(_HEADS[sig], overflow="fold")
    for i, row in enumerate(result.rows):
        label = Text(row.key.replace("_BASKET", "").replace("SP500", "S&P500"), style="bold")
        label.append(f"\n{row.last_date[2:7] if row.last_date else '?'}", style="dim")
        if row.error:
            table.add_row(label, Text(f"not computed: {row.error}", style="red"))
            continue
        cells: list[Text] = []
        for sig in SIGNALS:
            r = row.reading(sig)
            if r is None:
                cells.append(Text("–", style="dim"))
                continue
            cell = Text(f"{_DOT[r.light]} {_compact(r)}", style=_STYLE[r.light])
            if r.since:
                cell.append(f"\n{r.since[2:7]}", style="dim")
            cells.append(cell)
        table.add_row(label, *cells, end_section=i < len(result.rows) - 1)
    out.append(table)
    out.append(
        Text(
            "● alarm  ◐ warning  ○ quiet  · not available. Under a series: the month of its last "
            "price (YY-MM); under a reading: the month since which its light has held.",
            style="dim",
        )
    )
    out.append(Text(_KEY, style="dim"))
    baskets = {r.label: r.weighting for r in result.rows if r.weighting}
    for name, weighting in baskets.items():
        out.append(Text(f"{name}: {weighting}", style="dim"))
    out += [Text(f"warning: {w}", style="yellow") for w in result.warnings]
    out += _records_table(result)
    adoption = result.adoption_lines()
    if adoption:
        out.append(
            Text("Bubble or adoption? PSY on the price and on the price adjusted", style="bold")
        )
        out += [Text(f"  {line}") for line in adoption]
    market = result.market_lines()
    if market:
        out.append(Text("Market", style="bold"))
        out += [Text(f"  {line}") for line in market]
    out.append(Text("What the signals say", style="bold"))
    out += [Text(f"  {line}") for line in result.synthesis]
    return out


def _records_table(result: StatusResult) -> list[RenderableType]:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    seen: dict[tuple[str, str], Any] = {}
    for row in result.rows:
        for sig, rec in row.records.items():
            seen.setdefault((sig, rec.history), rec)
    table = Table(
        title="Each signal's record in the backtests",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("signal")
    table.add_column("history")
    table.add_column("warned", justify="right")
    table.add_column("false/yr", justify="right")
    table.add_column("lead (m)", justify="right")
    for (sig, _), rec in sorted(seen.items(), key=lambda kv: list(_HEADS).index(kv[0][0])):
        table.add_row(
            _HEADS[sig],
            rec.history.replace(" Composite", "").replace(", pooled", ""),
            f"{rec.warned}/{rec.crashes}",
            "–" if rec.false_alarms_per_year is None else f"{rec.false_alarms_per_year:.2f}",
            "–" if rec.lead_median_months is None else f"{rec.lead_median_months:.0f}",
        )
    crashes = sorted({f"{rec.history.split(' 1')[0]}: {rec.events}" for rec in seen.values()})
    note = Text(
        "warned: crashes with an alarm in the 24 months before their peak; false/yr: alarm "
        "spells no crash followed, per year; lead: median months from the first alarm to the "
        "peak. A crash is " + "; ".join(crashes) + ".",
        style="dim",
    )
    return [table, note]


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
        yes: bool = YES_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.settings import RunSettings
        from bubblescope.status import run_status
        from bubblescope.web.cost import status_cost

        settings = RunSettings.preset(preset)
        estimate = status_cost(settings, symbols or None)  # the server's estimate
        check_cost(estimate.seconds, estimate.basis, estimate.hint, yes, announce_s=0.0)
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
