"""Refresh the shipped universe live into the store (``bubblescope data update``).

For every symbol of :func:`bubblescope.data.universe.universe` (or the symbols given):

prices
    Downloaded from the source in :data:`~bubblescope.data.universe.LIVE_SOURCE` (Yahoo Finance
    by default; the NASDAQ Composite from FRED ``NASDAQCOM``, the S&P 500 from Yahoo ``^GSPC``)
    and stored in the ``prices`` dataset under the canonical symbol (``NASDAQ``, ``SP500``), where
    the newest import wins per date over older imports and over the shipped closes.
fundamentals
    For the firms in :data:`~bubblescope.data.universe.SEC_CIK`: SEC companyfacts turned into
    the tidy table of :func:`~bubblescope.data.fundamentals.fundamentals_from_companyfacts` and
    stored in the ``fundamentals`` dataset (a snapshot per symbol: the newest import replaces
    the older one). Annual reports on 10-K or 20-F (a foreign private issuer's, e.g. Nebius),
    us-gaap or ifrs-full concepts; a filer whose latest facts are in another currency than USD
    fails its step with a :class:`~bubblescope.errors.UnitError` (nothing is converted or
    stored; :func:`~bubblescope.data.financials.check_units`).

Each symbol and dataset is one step that succeeds or fails on its own: a network error, an
unknown ticker or a malformed response becomes a failed :class:`UpdateEntry` with the message,
and the other symbols go on. The store writes each file atomically, so a failed step leaves no
partial file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import ProgressCallback
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.errors import BubblescopeError, InputError, SourceError
from bubblescope.result import ResultMixin

__all__ = ["DATASETS", "UpdateEntry", "UpdateResult", "update_universe"]

#: What an update can refresh.
DATASETS: tuple[str, ...] = ("prices", "fundamentals")

_COMPANYFACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"


@dataclass(frozen=True)
class UpdateEntry:
    """The outcome of refreshing one dataset of one symbol.

    Attributes
    ----------
    symbol : str
        Canonical symbol (``NASDAQ``, ``NVDA``).
    dataset : {"prices", "fundamentals"}
    source : str
        Where it was fetched from (``"yahoo ^GSPC"``, ``"fred NASDAQCOM"``, ``"sec CIK..."``).
    ok : bool
    rows : int
        Rows fetched and stored.
    first, last : pandas.Timestamp or None
        First and last date of the rows (period ends for fundamentals).
    new_rows : int
        Rows for dates (prices) or periods (fundamentals) that neither the store nor the shipped
        data held before.
    written : bool
        False when the store already held identical content.
    error : str
        The failure message (empty when ``ok``).
    """

    symbol: str
    dataset: str
    source: str
    ok: bool
    rows: int = 0
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    new_rows: int = 0
    written: bool = False
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        out: dict[str, Any] = to_jsonable(
            {
                "symbol": self.symbol,
                "dataset": self.dataset,
                "source": self.source,
                "ok": self.ok,
                "rows": self.rows,
                "first": self.first,
                "last": self.last,
                "new_rows": self.new_rows,
                "written": self.written,
                "error": self.error or None,
            }
        )
        return out


@dataclass(frozen=True)
class UpdateResult(ResultMixin):
    """Every step of an update, in order.

    Attributes
    ----------
    entries : tuple of UpdateEntry
    """

    entries: tuple[UpdateEntry, ...]

    @property
    def succeeded(self) -> tuple[UpdateEntry, ...]:
        """The steps that stored data."""
        return tuple(e for e in self.entries if e.ok)

    @property
    def failed(self) -> tuple[UpdateEntry, ...]:
        """The steps that failed (with their messages)."""
        return tuple(e for e in self.entries if not e.ok)

    @property
    def any_ok(self) -> bool:
        """True when at least one step succeeded."""
        return bool(self.succeeded)

    def summary(self) -> str:
        """One line per step, failures last."""
        lines = [
            f"data update: {len(self.succeeded)} of {len(self.entries)} step(s) succeeded, "
            f"{len(self.failed)} failed"
        ]
        for e in self.succeeded:
            span = f"{e.first.date()} .. {e.last.date()}" if e.first and e.last else ""
            lines.append(
                f"  ok      {e.symbol:<8} {e.dataset:<12} {e.rows:>6} rows {span}, "
                f"{e.new_rows} new ({e.source})"
            )
        lines += [f"  FAILED  {e.symbol:<8} {e.dataset:<12} {e.error}" for e in self.failed]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per step (the fields of :meth:`UpdateEntry.to_dict`)."""
        return pd.DataFrame(
            [e.to_dict() for e in self.entries],
            columns=[
                "symbol",
                "dataset",
                "source",
                "ok",
                "rows",
                "first",
                "last",
                "new_rows",
                "written",
                "error",
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: counts and every step."""
        return {
            "succeeded": len(self.succeeded),
            "failed": len(self.failed),
            "entries": [e.to_dict() for e in self.entries],
        }

    def chart_spec(self) -> ChartSpec:
        """Rows fetched and rows new to the store, per step (a failed step has none).

        An update has no series of its own to draw; the bars show what each step brought.
        """
        steps = [f"{e.symbol} {e.dataset}" for e in self.entries]
        return ChartSpec(
            f"Data update: {len(self.succeeded)} of {len(self.entries)} step(s) succeeded",
            (
                Panel(
                    "rows per step",
                    "rows",
                    bars=(
                        Bar(steps, [e.rows for e in self.entries], "rows fetched"),
                        Bar(steps, [e.new_rows for e in self.entries], "new rows"),
                    ),
                ),
            ),
            source="; ".join(f"{e.symbol} {e.dataset} failed: {e.error}" for e in self.failed),
        )


def _symbols(symbols: Iterable[str] | None) -> list[str]:
    from bubblescope.data.universe import canonical_symbol, universe

    if symbols is None:
        return list(universe())
    out: dict[str, None] = {}
    for text in symbols:
        if not text.strip():
            raise InputError("empty symbol in the update list")
        out[canonical_symbol(text) or text.strip().upper()] = None
    if not out:
        raise InputError("no symbols to update", hint="give symbols or none for the universe")
    return list(out)


def _known_dates(symbol: str) -> pd.DatetimeIndex:
    """Dates the store or the shipped data already hold for ``symbol``."""
    from bubblescope.data import store
    from bubblescope.data.bundled import load_bundled
    from bubblescope.data.universe import canonical_symbol

    dates = pd.DatetimeIndex([])
    if symbol in store.list_symbols("prices"):
        dates = dates.union(pd.DatetimeIndex(store.load_prices(symbol).index))
    if canonical_symbol(symbol) is not None:
        # a damaged shipped file is reported where it is read, not here
        with contextlib.suppress(BubblescopeError):
            dates = dates.union(pd.DatetimeIndex(load_bundled(symbol).index))
    return dates


def _update_prices(symbol: str, start: str | None) -> UpdateEntry:
    from bubblescope.data import live, store
    from bubblescope.data.universe import LIVE_SOURCE

    source, ident = LIVE_SOURCE.get(symbol, ("yahoo", symbol))
    label = f"{source} {ident}"
    try:
        if source == "fred":
            frame = live.fetch_fred(ident, start=start)
        else:
            frame = live.fetch_yahoo(ident, start=start)
        frame = frame.assign(symbol=symbol)
        before = _known_dates(symbol)
        result = store.import_frame(frame, "prices", symbol=symbol)
    except BubblescopeError as exc:
        return UpdateEntry(symbol, "prices", label, ok=False, error=str(exc))
    return UpdateEntry(
        symbol,
        "prices",
        label,
        ok=True,
        rows=len(frame),
        first=frame.index[0],
        last=frame.index[-1],
        new_rows=int((~frame.index.isin(before)).sum()),
        written=result.written,
    )


_PERIOD_KEY = ["item", "period", "fiscal_year", "fiscal_period"]


def _known_periods(symbol: str) -> set[tuple[Any, ...]]:
    """(item, period, fiscal year, fiscal period) the store or the shipped data hold."""
    from bubblescope.data import store
    from bubblescope.data.bundled import load_fundamentals

    frames = []
    if symbol in store.list_symbols("fundamentals"):
        frames.append(store.load_dataset("fundamentals", symbol))
    with contextlib.suppress(BubblescopeError):
        frames.append(load_fundamentals(symbol))
    keys: set[tuple[Any, ...]] = set()
    for frame in frames:
        if set(_PERIOD_KEY) <= set(frame.columns):
            keys.update(frame[_PERIOD_KEY].itertuples(index=False, name=None))
    return keys


def _update_fundamentals(symbol: str, cik: int) -> UpdateEntry:
    from bubblescope.data import store
    from bubblescope.data.financials import check_units
    from bubblescope.data.fundamentals import fundamentals_from_companyfacts
    from bubblescope.data.sec import fetch_companyfacts

    label = f"sec CIK{cik:010d}"
    try:
        facts = fetch_companyfacts(cik).assign(ticker=symbol)
        check_units(facts)
        table = fundamentals_from_companyfacts(facts, source=_COMPANYFACTS_URL.format(cik=cik))
        if table.empty:
            raise SourceError(
                f"SEC companyfacts for {symbol} (CIK {cik}) hold none of the fundamentals items"
            )
        before = _known_periods(symbol)
        result = store.import_frame(table, "fundamentals", symbol=symbol)
    except BubblescopeError as exc:
        return UpdateEntry(symbol, "fundamentals", label, ok=False, error=str(exc))
    keys = table[_PERIOD_KEY].itertuples(index=False, name=None)
    return UpdateEntry(
        symbol,
        "fundamentals",
        label,
        ok=True,
        rows=len(table),
        first=table["end"].min(),
        last=table["end"].max(),
        new_rows=sum(key not in before for key in keys),
        written=result.written,
    )


def update_universe(
    symbols: Sequence[str] | None = None,
    *,
    sources: Sequence[str] = DATASETS,
    progress: ProgressCallback | None = None,
    start: str | None = None,
) -> UpdateResult:
    """Fetch the universe's prices and SEC fundamentals live and store them (network).

    Parameters
    ----------
    symbols : sequence of str, optional
        Symbols or aliases (``nvda``, ``^GSPC``, ``nasdaq``); by default every symbol of
        :func:`~bubblescope.data.universe.universe`. A ticker outside the universe is fetched
        from Yahoo under its own name.
    sources : sequence of {"prices", "fundamentals"}
        What to refresh. Fundamentals exist for the symbols in
        :data:`~bubblescope.data.universe.SEC_CIK` only.
    progress : callable, optional
        ``progress(done, total)`` after each symbol (``total`` = number of symbols).
    start : str, optional
        First date of the prices to fetch (ISO); by default the whole history.

    Returns
    -------
    UpdateResult
        One entry per symbol and dataset: what was stored, or why it failed.

    Raises
    ------
    InputError
        For an unknown dataset in ``sources``, an empty symbol list, or fundamentals alone for
        symbols without SEC fundamentals (failures of single symbols are entries, not
        exceptions).

    Notes
    -----
    SEC asks automated clients for a contact in the User-Agent: set
    ``BUBBLESCOPE_SEC_USER_AGENT="Your Name you@example.org"``.
    """
    from bubblescope.data.universe import SEC_CIK

    wanted = tuple(sources)
    unknown = [s for s in wanted if s not in DATASETS]
    if unknown or not wanted:
        raise InputError(
            f"unknown or no datasets to update: {unknown or list(wanted)}",
            hint=f"choose from {list(DATASETS)}",
        )
    todo = _symbols(symbols)
    if "prices" not in wanted and not any(s in SEC_CIK for s in todo):
        raise InputError(
            f"no SEC fundamentals ship for {', '.join(todo)}",
            hint=f"fundamentals are refreshed for {', '.join(SEC_CIK)}",
        )
    entries: list[UpdateEntry] = []
    for done, symbol in enumerate(todo, start=1):
        if "prices" in wanted:
            entries.append(_update_prices(symbol, start))
        if "fundamentals" in wanted and symbol in SEC_CIK:
            entries.append(_update_fundamentals(symbol, SEC_CIK[symbol]))
        if progress is not None:
            progress(done, len(todo))
    return UpdateResult(tuple(entries))
