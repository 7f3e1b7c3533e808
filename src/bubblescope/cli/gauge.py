"""``bubblescope gauge``: the composite bubble gauge for the market (Shiller data) or a stock."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from bubblescope.cli._common import JSON_OPTION, console, emit, emit_with_data, handle_errors

if TYPE_CHECKING:
    from bubblescope.gauge import Ranking

__all__ = ["register"]

MARKET_HELP = """The market gauge from Shiller's monthly data: Dalio's criteria measured by CAPE,
trailing P/E, the excess CAPE yield and the real 10-year yield, each ranked against its own
history (point-in-time by default), averaged with the weights shown; criteria without data are
reported as missing coverage.

FILE is Shiller's table as CSV (the tidy export, or ie_data.xls's Data sheet saved as CSV).
Example: `bubblescope gauge market shiller.csv --at 2000-03`.
"""

STOCK_HELP = """A per-stock gauge from prices (and volume when the file has it): momentum as the
sentiment proxy, volume growth as the new-buyers proxy.

SERIES is a shipped series (NVDA, nasdaq ...), a price file or a stored symbol. Example:
`bubblescope gauge stock NVDA`.
"""


def _weights(items: list[str] | None) -> dict[str, float] | None:
    from bubblescope.errors import InputError
    from bubblescope.gauge import DEFAULT_WEIGHTS

    if not items:
        return None
    weights = dict(DEFAULT_WEIGHTS)
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--weight {item!r} is not criterion=value")
        try:
            weights[key.strip()] = float(value)
        except ValueError as exc:
            raise InputError(f"--weight {item!r}: {value!r} is not a number") from exc
    return weights


def register(app: typer.Typer) -> None:
    """Add the ``gauge`` group (``market``, ``stock``) to ``app``."""
    group = typer.Typer(
        help="Composite bubble gauge (Dalio's criteria, transparent weights).", no_args_is_help=True
    )
    app.add_typer(group, name="gauge")

    @group.command("market", help=MARKET_HELP)
    @handle_errors
    def market_command(
        file: str = typer.Argument(
            "shiller", help="Shiller monthly table: 'shiller' (the shipped one, default) or a CSV."
        ),
        at: str | None = typer.Option(
            None,
            help="Show the reading of this date or month, e.g. 2000-03 (the last one at or "
            "before its end; default: the latest reading).",
        ),
        ranking: str | None = typer.Option(
            None,
            help="'expanding' (point-in-time) or 'full' (default: the standard preset's).",
        ),
        weight: Annotated[
            list[str] | None, typer.Option(help="criterion=weight, repeatable.")
        ] = None,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.engines import MarketGaugeSettings
        from bubblescope.data.shiller import load_shiller_table
        from bubblescope.gauge import bubble_gauge, shiller_proxies

        ranking = ranking or MarketGaugeSettings.preset("standard").ranking

        if file.strip().lower() == "shiller" and not Path(file).is_file():
            from bubblescope.data.bundled import load_shiller

            table = load_shiller()
        else:
            table = load_shiller_table(file)
        result = bubble_gauge(
            shiller_proxies(table), weights=_weights(weight), ranking=cast("Ranking", ranking)
        )  # bubble_gauge validates it
        emit(
            result.to_dict(at=at),
            as_json,
            lambda: console.print(result.summary(at=at), highlight=False, soft_wrap=True),
        )

    @group.command("stock", help=STOCK_HELP)
    @handle_errors
    def stock_command(
        series: str = typer.Argument(..., help="Bundled name, file path or stored symbol."),
        horizon: int | None = typer.Option(
            None, help="Momentum horizon in months (default: the standard preset's)."
        ),
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.engines import StockGaugeSettings
        from bubblescope.data.sources import resolve_series
        from bubblescope.gauge import STOCK_MIN_HISTORY, bubble_gauge, stock_proxies

        if horizon is None:
            horizon = StockGaugeSettings.preset("standard").horizon_months

        frame = resolve_series(series)
        result = bubble_gauge(
            stock_proxies(frame, horizon_months=horizon, name=series.upper()),
            min_history=STOCK_MIN_HISTORY,
        )
        emit_with_data(
            result.to_dict(),
            as_json,
            lambda: console.print(result.summary(), highlight=False, soft_wrap=True),
            frame,
        )
