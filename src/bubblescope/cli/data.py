"""``bubblescope data``: import files into the embedded store, list, show and fetch series."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bubblescope.cli._common import JSON_OPTION, console, emit, handle_errors, progress_bar

__all__ = ["register"]

HELP = """Load price series into the local store and look at them.

The store lives in $BUBBLESCOPE_HOME/store (or your platform's data folder).
Files can be FRED, Yahoo, Shiller or any date,value CSV, or Parquet. Examples:

  bubblescope data import NASDAQCOM.csv
  bubblescope data list
  bubblescope data show NASDAQCOM --tail 5
  bubblescope data fetch NVDA --source yahoo   (network; pip install yfinance)
  bubblescope data annual MSFT --item capex    (after `data fetch MSFT --source sec`)
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
            help="Store the series under this "
            "symbol (default: FRED id, Shiller column or file "
            "name).",
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
            result = store.import_frame(frame, "prices", progress=progress)
        payload = {
            **result.to_dict(),
            "format": frame.attrs.get("format"),
            "first": frame.index[0],
            "last": frame.index[-1],
            "notes": frame.attrs.get("notes", []),
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
        """List the datasets in the store and the symbols of one of them."""
        from bubblescope.data import store

        datasets: list[dict[str, Any]] = [
            {str(k): v for k, v in row.items()}
            for row in store.list_datasets().to_dict(orient="records")
        ]
        symbols: list[dict[str, Any]] = [
            {str(k): v for k, v in row.items()}
            for row in store.summary(dataset).to_dict(orient="records")
        ]
        payload = {
            "store": str(store.store_root()),
            "datasets": datasets,
            "dataset": dataset,
            "symbols": symbols,
        }

        def render() -> None:
            console.print(f"store: {payload['store']}", highlight=False)
            _print_table("datasets", datasets)
            _print_table(dataset, symbols)

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

        emit(payload, as_json, render)

    @data_app.command("fetch")
    @handle_errors
    def fetch_cmd(
        symbol: Annotated[str, typer.Argument(help="Ticker (Yahoo, SEC) or FRED series id.")],
        source: str = typer.Option("yahoo", "--source", help="yahoo, fred or sec."),
        start: str | None = typer.Option(
            None, "--start", help="First date, YYYY-MM-DD (prices only)."
        ),
        end: str | None = typer.Option(None, "--end", help="Last date, YYYY-MM-DD (prices only)."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Download a series (network) and store it: prices from Yahoo/FRED, SEC fundamentals."""
        from bubblescope.data import live, store

        with progress_bar(f"fetching {symbol} from {source}", enabled=not as_json) as progress:
            frame = live.fetch(symbol, source, start=start, end=end)
            dataset = "fundamentals" if source == "sec" else "prices"
            name = symbol.upper() if source == "sec" else None
            result = store.import_frame(frame, dataset, symbol=name, progress=progress)
        payload = {**result.to_dict(), "source": source, "notes": frame.attrs.get("notes", [])}

        def render() -> None:
            console.print(result.summary(), highlight=False)
            for note in payload["notes"]:
                console.print(f"  note: {note}", highlight=False)

        emit(payload, as_json, render)

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
            help="capex, depreciation, ppe_net, "
            "ppe_gross, revenue, net_income or operating_income.",
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
            facts = parse_companyfacts(path)
            label = path.name.split(".")[0]
        elif label in store.list_symbols("fundamentals"):
            facts = store.load_dataset("fundamentals", label)
        else:
            raise UnknownSymbolError(
                f"no SEC companyfacts for {company!r} in the store "
                f"({', '.join(store.list_symbols('fundamentals')) or 'none stored'})",
                hint=f"run `bubblescope data fetch {company} --source sec` or pass a file",
            )
        series = annual_series(facts, item)
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
