"""``bubblescope data``: import, list, show, fetch and update series and SEC fundamentals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from bubblescope.cli._common import (
    JSON_OPTION,
    console,
    date_callback,
    emit,
    emit_with_data,
    err_console,
    handle_errors,
    progress_bar,
)

if TYPE_CHECKING:
    import pandas as pd

    from bubblescope.data.bundled import DataCard
    from bubblescope.data.update import UpdateResult

__all__ = ["register"]

HELP = """Load price series into the local store and look at them.

The store lives in $BUBBLESCOPE_HOME/store (or your platform's data folder).
Files can be FRED, Yahoo, Shiller or any date,value CSV, or Parquet. Examples:

  bubblescope data import NASDAQCOM.csv        (stored as NASDAQ, over the shipped rows)
  bubblescope data list                        (the shipped data card, then the store)
  bubblescope data show nasdaq --tail 5
  bubblescope data fetch NVDA --source yahoo   (network; pip install 'bubblescope[app]')
  bubblescope data update                      (network: the whole shipped universe)
  bubblescope data update NVDA MSFT --no-prices
  bubblescope data annual MSFT --item capex    (after `data fetch MSFT --source sec`)
  bubblescope data compact                     (one file per symbol: faster reads)
"""


def _frame_rows(frame: Any, tail: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = frame.tail(tail).reset_index().to_dict(orient="records")
    return rows


def _print_table(title: str, records: list[dict[str, Any]]) -> None:
    from bubblescope.cli._common import to_jsonable

    table = Table(title=title)
    if not records:
        console.print(f"{title}: nothing stored yet")
        return
    for key in records[0]:
        table.add_column(str(key))
    for row in records:
        table.add_row(*[_cell(to_jsonable(v)) for v in row.values()])
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def _symbols_cell(symbols: tuple[str, ...]) -> str:
    if not symbols:
        return ""
    shown = ", ".join(symbols[:8])
    more = f", ... ({len(symbols)} symbols)" if len(symbols) > 8 else ""
    return f"\nsymbols: {shown}{more}"


def _print_card(card: DataCard) -> None:
    """The shipped data card: per file, each source's URL, terms, range and adjustments."""
    console.print(
        Text.assemble(
            (f"shipped data {card.version}", "bold"),
            f" (prices to {card.prices_as_of}); built by {card.built_by}",
        ),
        highlight=False,
    )
    for file in card.files.values():
        table = Table(
            title=f"{file.name}: {file.description} ({file.rows:,} rows)",
            title_justify="left",
            show_lines=True,
        )
        table.add_column("source", ratio=3, overflow="fold")
        table.add_column("first .. last", no_wrap=True)
        table.add_column("terms / licence", ratio=2, overflow="fold")
        table.add_column("adjustments", ratio=3, overflow="fold")
        for src in file.sources:
            table.add_row(
                f"{src.name}\n{src.url}\ncopy: {src.origin}{_symbols_cell(src.symbols)}",
                f"{src.first} ..\n{src.last}",
                src.terms,
                src.adjustments,
            )
        console.print(table)


def _under_shipped_symbol(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` under the shipped symbol its symbol is an alias of, and a note saying so.

    ``NASDAQCOM`` or ``^IXIC`` become ``NASDAQ``, so the import overlays the shipped series
    per date under one name; other symbols are left as they are.
    """
    from bubblescope.data.universe import NAMES, canonical_symbol

    symbol = str(frame["symbol"].iloc[0]).upper()
    canonical = canonical_symbol(symbol) or symbol
    if canonical == symbol:
        return frame, []
    note = (
        f"stored as {canonical} (alias of the shipped {NAMES[canonical]}); its rows win over "
        "the shipped ones per date"
    )
    return frame.assign(symbol=canonical), [note]


def _stored_annual(stored: pd.DataFrame, item: str) -> pd.DataFrame:
    """FY rows of ``item`` from a stored fundamentals table, shaped as ``annual_series``.

    Stores written before the fundamentals table hold raw companyfacts rows; those still go
    through :func:`bubblescope.data.sec.annual_series`.
    """
    import pandas as pd

    from bubblescope.data.fundamentals import COLUMNS, ITEMS
    from bubblescope.data.sec import annual_series
    from bubblescope.errors import InputError

    if not set(COLUMNS) <= set(stored.columns):
        return annual_series(stored, item)
    if item not in ITEMS:
        raise InputError(
            f"unknown fundamentals item {item!r}", hint=f"choose one of {', '.join(ITEMS)}"
        )
    rows = stored[(stored["item"] == item) & (stored["period"] == "FY")].sort_values("end")
    return rows.set_index(pd.DatetimeIndex(rows["end"], name="period_end"))


def _print_failures(result: UpdateResult) -> None:
    table = Table(title=f"{len(result.failed)} failed step(s)", title_justify="left")
    for column in ("symbol", "dataset", "source", "error"):
        table.add_column(column, overflow="fold")
    for entry in result.failed:
        table.add_row(entry.symbol, entry.dataset, entry.source, entry.error)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to ``app``."""
    data_app = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode="rich")

    @data_app.command("import")
    @handle_errors
    def import_cmd(
        file: Annotated[Path, typer.Argument(help="CSV or Parquet file to import.")],
        symbol: str | None = typer.Option(
            None,
            "--symbol",
            help="Store the series under this symbol (default: FRED id, Shiller column or file "
            "name); an alias of a shipped series (NASDAQCOM, ^GSPC) is stored under the shipped "
            "symbol (NASDAQ, SP500), its rows winning over the shipped ones per date.",
        ),
        fmt: str = typer.Option(
            "auto", "--format", help="auto, yahoo, fred, shiller, generic or parquet."
        ),
        date_col: str | None = typer.Option(None, "--date-col", help="Column holding dates."),
        value_col: str | None = typer.Option(
            None, "--value-col", help="Column holding the values to analyse (becomes 'close')."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Import a price file into the store (atomic; re-importing the same file is a no-op)."""
        from bubblescope.data import store
        from bubblescope.data.sources import load_file

        with progress_bar(f"importing {file.name}", enabled=not as_json) as progress:
            frame = load_file(
                file, format=fmt, symbol=symbol, date_col=date_col, value_col=value_col
            )
            frame, shipped = _under_shipped_symbol(frame)
            result = store.import_frame(frame, "prices", progress=progress)
        payload = {
            **result.to_dict(),
            "format": frame.attrs.get("format"),
            "first": frame.index[0],
            "last": frame.index[-1],
            "notes": [*frame.attrs.get("notes", []), *shipped],
        }

        def render() -> None:
            console.print(result.summary(), highlight=False)
            console.print(
                f"  {frame.index[0].date()} .. {frame.index[-1].date()}, "
                f"format {payload['format']}",
                highlight=False,
            )
            for note in payload["notes"]:
                console.print(f"  note: {note}", highlight=False)

        emit(payload, as_json, render)

    @data_app.command("list")
    @handle_errors
    def list_cmd(
        dataset: str = typer.Option(
            "prices", "--dataset", help="prices, fundamentals, facts, deals or runs."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Show the shipped data card (sources, terms, ranges), then what the store holds."""
        from bubblescope.data import store
        from bubblescope.data.bundled import load_datacard

        card = load_datacard()
        datasets: list[dict[str, Any]] = [
            {str(k): v for k, v in row.items()}
            for row in store.list_datasets().to_dict(orient="records")
        ]
        held = store.summary(dataset)
        symbols: list[dict[str, Any]] = [
            {str(k): v for k, v in row.items()} for row in held.to_dict(orient="records")
        ]
        corrupt: list[str] = list(held.attrs.get("corrupt", []))
        stored = {
            "store": str(store.store_root()),
            "datasets": datasets,
            "dataset": dataset,
            "symbols": symbols,
            "corrupt": corrupt,
        }
        payload = {"shipped": card.to_dict(), "store": stored}

        def render() -> None:
            _print_card(card)
            console.print(f"\nstore: {stored['store']}", highlight=False)
            _print_table("datasets", datasets)
            _print_table(dataset, symbols)
            for entry in corrupt:
                err_console.print(
                    f"warning: left out a corrupt or foreign file: {entry}; move it out of the "
                    "store (the rest is listed above)",
                    style="yellow",
                    highlight=False,
                    soft_wrap=True,
                )

        emit(payload, as_json, render)

    @data_app.command("compact")
    @handle_errors
    def compact_cmd(
        symbol: Annotated[
            str | None, typer.Argument(help="One stored symbol (default: every symbol).")
        ] = None,
        dataset: str | None = typer.Option(
            None,
            "--dataset",
            help="prices, fundamentals, facts, deals, runs or readings (default: all).",
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Fold each symbol's imports into one file, so reads open one file (same rows after).

        Imports do this on their own once a symbol has more than 16 files; this does it now.
        Safe while other processes read or import.
        """
        from bubblescope.data import store

        done = store.compact(dataset, symbol)
        rows: list[dict[str, Any]] = [
            {str(k): v for k, v in row.items()} for row in done.to_dict(orient="records")
        ]
        before, after = int(done["files_before"].sum()), int(done["files_after"].sum())
        payload = {"store": str(store.store_root()), "symbols": rows}

        def render() -> None:
            changed = [row for row in rows if row["outcome"] != "one file already"]
            if changed:
                _print_table("compacted", changed)
            console.print(
                f"{len(rows)} symbol(s): {before:,} file(s) before, {after:,} after "
                f"({len(rows) - len(changed)} already one file)",
                highlight=False,
            )

        emit(payload, as_json, render)

    @data_app.command("show")
    @handle_errors
    def show_cmd(
        symbol: Annotated[
            str, typer.Argument(help="Stored symbol, bundled name (nasdaq, sp500) or a file path.")
        ],
        tail: int = typer.Option(10, "--tail", min=0, help="How many of the latest rows."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Show a series: its range, peak and latest rows."""
        from bubblescope.data.sources import resolve_series

        frame = resolve_series(symbol)
        close = frame["close"]
        peak = frame.index[int(close.to_numpy().argmax())]
        payload = {
            "symbol": str(frame["symbol"].iloc[0]),
            "source": str(frame["source"].iloc[0]),
            "adjusted": bool(frame["adjusted"].iloc[0]),
            "rows": len(frame),
            "first": frame.index[0],
            "last": frame.index[-1],
            "max_close": float(close.max()),
            "max_date": peak,
            "tail": _frame_rows(frame.drop(columns=["symbol", "source", "adjusted"]), tail),
        }

        def render() -> None:
            console.print(
                f"{payload['symbol']} ({payload['source']}, adjusted="
                f"{payload['adjusted']}): {payload['rows']} rows "
                f"{frame.index[0].date()} .. {frame.index[-1].date()}; peak close "
                f"{payload['max_close']:,.2f} on {peak.date()}",
                highlight=False,
            )
            if tail:
                _print_table(f"last {tail} rows", payload["tail"])

        emit_with_data(payload, as_json, render, frame)

    @data_app.command("fetch")
    @handle_errors
    def fetch_cmd(
        symbol: Annotated[str, typer.Argument(help="Ticker (Yahoo, SEC) or FRED series id.")],
        source: str = typer.Option("yahoo", "--source", help="yahoo, fred or sec."),
        start: str | None = typer.Option(
            None, "--start", help="First date, YYYY-MM-DD (prices only).", callback=date_callback
        ),
        end: str | None = typer.Option(
            None, "--end", help="Last date, YYYY-MM-DD (prices only).", callback=date_callback
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Download a series (network) and store it: prices from Yahoo/FRED, SEC fundamentals.

        SEC companyfacts are stored as the fundamentals table (annual and quarterly values with
        their filings), the same as `data update` stores.
        """
        from bubblescope.data import live, store
        from bubblescope.data.fundamentals import fundamentals_from_companyfacts

        with progress_bar(f"fetching {symbol} from {source}", enabled=not as_json) as progress:
            frame = live.fetch(symbol, source, start=start, end=end)
            dataset = "fundamentals" if source == "sec" else "prices"
            name = symbol.upper() if source == "sec" else None
            shipped: list[str] = []
            if source == "sec":
                frame = fundamentals_from_companyfacts(
                    frame.assign(ticker=name), source=f"SEC companyfacts {name}"
                )
            else:
                frame, shipped = _under_shipped_symbol(frame)
            result = store.import_frame(frame, dataset, symbol=name, progress=progress)
        payload = {
            **result.to_dict(),
            "source": source,
            "notes": [*frame.attrs.get("notes", []), *shipped],
        }

        def render() -> None:
            console.print(result.summary(), highlight=False)
            for note in payload["notes"]:
                console.print(f"  note: {note}", highlight=False)

        emit(payload, as_json, render)

    @data_app.command("update")
    @handle_errors
    def update_cmd(
        symbols: Annotated[
            list[str] | None,
            typer.Argument(help="Symbols or aliases to refresh (default: the shipped universe)."),
        ] = None,
        prices: bool = typer.Option(
            True, "--prices/--no-prices", help="Refresh prices (Yahoo; NASDAQ from FRED)."
        ),
        fundamentals: bool = typer.Option(
            True,
            "--fundamentals/--no-fundamentals",
            help="Refresh SEC fundamentals of the firms that ship them.",
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Refresh the shipped universe live into the store (network).

        Each symbol succeeds or fails on its own; the exit code is 0 when at least one step
        succeeded and 5 (a source error) when all failed.
        """
        from bubblescope.data.update import update_universe
        from bubblescope.errors import SourceError

        sources = [name for name, on in (("prices", prices), ("fundamentals", fundamentals)) if on]
        with progress_bar("updating", enabled=not as_json) as progress:
            result = update_universe(symbols or None, sources=sources, progress=progress)

        def render() -> None:
            console.print(
                f"{len(result.succeeded)} of {len(result.entries)} step(s) stored, "
                f"{len(result.failed)} failed",
                highlight=False,
            )
            ok = [
                {
                    "symbol": e.symbol,
                    "dataset": e.dataset,
                    "source": e.source,
                    "rows": e.rows,
                    "first": e.first,
                    "last": e.last,
                    "new rows": e.new_rows,
                }
                for e in result.succeeded
            ]
            if ok:
                _print_table("stored", ok)
            if result.failed:
                _print_failures(result)

        emit(result.to_dict(), as_json, render)
        if not result.any_ok:
            raise typer.Exit(code=SourceError.exit_code)

    @data_app.command("annual")
    @handle_errors
    def annual_cmd(
        company: Annotated[
            str,
            typer.Argument(
                help="Ticker fetched with `data fetch TICKER "
                "--source sec`, or a companyfacts .json/.json.gz "
                "file."
            ),
        ],
        item: str = typer.Option(
            "capex",
            "--item",
            help="capex, depreciation, revenue, net_income, operating_income; from the store "
            "also operating_cash_flow, cash_and_securities, debt, shares_outstanding; from a "
            "file also ppe_net, ppe_gross.",
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Annual SEC figures for one item, with the XBRL tag and filing behind each year."""
        from bubblescope.data import store
        from bubblescope.data.sec import annual_series, parse_companyfacts
        from bubblescope.errors import UnknownSymbolError

        path = Path(company).expanduser()
        label = company.upper()
        if path.is_file():
            series = annual_series(parse_companyfacts(path), item)
            label = path.name.split(".")[0]
        elif label in store.list_symbols("fundamentals"):
            series = _stored_annual(store.load_dataset("fundamentals", label), item)
        else:
            raise UnknownSymbolError(
                f"no SEC companyfacts for {company!r} in the store "
                f"({', '.join(store.list_symbols('fundamentals')) or 'none stored'})",
                hint=f"run `bubblescope data fetch {company} --source sec` or pass a file",
            )
        records = [
            {
                "period_end": end,
                "fiscal_year": int(row["fiscal_year"]),
                "value": float(row["value"]),
                "unit": row["unit"],
                "tag": row["tag"],
                "form": row["form"],
                "filed": row["filed"],
                "accn": row["accn"],
            }
            for end, row in series.iterrows()
        ]
        payload = {"company": label, "item": item, "years": records}

        def render() -> None:
            shown = [
                {
                    "FY": r["fiscal_year"],
                    "period end": r["period_end"],
                    f"{item} (bn {r['unit']})": r["value"] / 1e9,
                    "tag": r["tag"],
                    "filed": r["filed"],
                }
                for r in records
            ]
            _print_table(f"{label} {item}", shown)

        emit(payload, as_json, render)

    app.add_typer(data_app, name="data")
