"""Every price series by name: the shipped dataset and the local store, and how fresh they are.

:func:`load_series` resolves the names users write (``NVDA``, ``nasdaq``, ``^GSPC``) to the
shipped series and lays whatever the store holds for the same symbol over it: **imported or
fetched rows win per (symbol, date)**, shipped rows fill the dates the store lacks. The result
says which vintages it used (``attrs["vintage"]``) and its last date (``attrs["last_date"]``).
A store symbol outside the shipped universe is returned as stored.

Yahoo's adjusted closes are re-based at every dividend, so a store series that covers only
recent dates joins the shipped history with a small step at the first stored date;
``bubblescope data update`` fetches whole histories, so updated symbols come from the store
alone.

:func:`staleness` tells whether prices are older than :data:`MAX_AGE_DAYS` (14 days) against
:func:`bubblescope._config.today`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblescope._config import today
from bubblescope.data.universe import ALIASES, RATE_SYMBOLS, canonical_symbol, universe
from bubblescope.errors import UnknownSymbolError

__all__ = [
    "MAX_AGE_DAYS",
    "data_info",
    "describe_vintage",
    "load_series",
    "series_names",
    "staleness",
]

#: Prices older than this many days (against today) get a warning.
MAX_AGE_DAYS = 14


def _store_symbols_for(symbol: str) -> list[str]:
    """Store symbols holding ``symbol`` (its own name or an alias of it, e.g. ``NASDAQCOM``)."""
    from bubblescope.data import store

    spellings = {symbol, *(alias for alias, target in ALIASES.items() if target == symbol)}
    return [s for s in store.list_symbols("prices") if s.upper() in spellings]


def _combine(shipped: pd.DataFrame, stored: list[pd.DataFrame]) -> pd.DataFrame:
    """Stored rows over shipped rows, per date (later frames in ``stored`` win)."""
    parts = [shipped, *stored]
    columns = list(dict.fromkeys(c for part in parts for c in part.columns))
    joined = pd.concat([p.reindex(columns=columns) for p in parts])
    joined = joined[~joined.index.duplicated(keep="last")].sort_index(kind="stable")
    joined["adjusted"] = joined["adjusted"].astype(bool)
    joined.attrs = {}
    return joined


def load_series(name: str) -> pd.DataFrame:
    """The canonical price frame of a shipped or stored series (stored rows win per date).

    Parameters
    ----------
    name : str
        A ticker (``"NVDA"``), an index name as users write it (``"nasdaq"``, ``"sp500"``,
        ``"^GSPC"``), ``"shiller"`` (Shiller's monthly S&P composite price, the monthly average
        of daily closes, from 1871), or any symbol of the store.

    Returns
    -------
    pandas.DataFrame
        Canonical frame; ``attrs``: ``vintage`` (e.g. ``"shipped 2026.08.1"``, ``"store
        import 2026-12-01 10:00 UTC"`` or both joined by ``" + "``), ``last_date``, ``symbol``
        and ``rate`` (True for yields quoted in percent).

    Raises
    ------
    UnknownSymbolError
        When neither the shipped data nor the store knows ``name``; the message lists them.
    DataError, StoreError
        When a shipped file or a store file is damaged (named in the message).
    """
    from bubblescope.data import store
    from bubblescope.data.bundled import load_bundled

    if name.strip().lower() == "shiller":
        return _shiller_prices()
    symbol = canonical_symbol(name)
    if symbol is not None:
        shipped = load_bundled(symbol)
        stored = [store.load_prices(s) for s in _store_symbols_for(symbol)]
        frame = _combine(shipped, stored) if stored else shipped
        vintages = [shipped.attrs["vintage"], *(s.attrs["vintage"] for s in stored)]
        frame.attrs.update(
            vintage=" + ".join(vintages),
            last_date=frame.index[-1],
            symbol=symbol,
            rate=symbol in RATE_SYMBOLS,
        )
        return frame
    key = name.strip().upper()
    available = store.list_symbols("prices")
    if key in available:
        frame = store.load_prices(key)
        frame.attrs.update(symbol=key, rate=False)
        return frame
    shown = ", ".join(available[:20]) + (" ..." if len(available) > 20 else "")
    raise UnknownSymbolError(
        f"unknown series {name!r}: not in the shipped data (nasdaq, sp500 and "
        f"{len(universe()) - 2} tickers; `bubblescope data list`) and not in the store "
        f"({shown or 'store is empty'})",
        hint="import it with `bubblescope data import FILE` or `bubblescope data fetch SYMBOL`",
    )


def _shiller_prices() -> pd.DataFrame:
    """Shiller's S&P composite price ``P`` (monthly average of daily closes) as a price frame."""
    from bubblescope.data.bundled import load_shiller
    from bubblescope.data.frames import canonical_frame

    table = load_shiller()
    price = table["P"].dropna()
    frame = canonical_frame(
        price.index,
        price.to_numpy(),
        symbol="SHILLER",
        source=table.attrs["vintage"],
        adjusted=False,
    )
    frame.attrs.update(
        vintage=table.attrs["vintage"], last_date=frame.index[-1], symbol="SHILLER", rate=False
    )
    return frame


def series_names() -> list[dict[str, str]]:
    """Every series :func:`load_series` knows: ``name`` and ``kind`` (shipped, store, both)."""
    from bubblescope.data import store

    stored = store.list_symbols("prices")
    overlaid = {canonical_symbol(s) for s in stored} - {None}
    out = [{"name": s, "kind": "shipped+store" if s in overlaid else "shipped"} for s in universe()]
    out += [{"name": s, "kind": "store"} for s in stored if canonical_symbol(s) is None]
    return out


def describe_vintage(frame: pd.DataFrame) -> str:
    """One line naming the data behind ``frame``: vintage, first and last date."""
    vintage = frame.attrs.get("vintage") or str(frame["source"].iloc[-1])
    return f"{vintage}; {frame.index[0].date()} to {frame.index[-1].date()}"


def staleness(last_date: Any, *, now: pd.Timestamp | None = None) -> str | None:
    """A warning when ``last_date`` is more than :data:`MAX_AGE_DAYS` days before today.

    Parameters
    ----------
    last_date : date-like
        Last date of the prices an output used.
    now : Timestamp, optional
        Today's date; default :func:`bubblescope._config.today`.

    Returns
    -------
    str or None
        ``"prices end 2026-08-03, 125 days before 2026-12-06: run `bubblescope data update`"``,
        or None when they are recent enough.

    Examples
    --------
    >>> staleness("2026-08-03", now=pd.Timestamp("2026-12-06"))
    'prices end 2026-08-03, 125 days before 2026-12-06; refresh with `bubblescope data update`'
    >>> staleness("2026-12-01", now=pd.Timestamp("2026-12-06")) is None
    True
    """
    last = pd.Timestamp(last_date).normalize()
    current = (now if now is not None else today()).normalize()
    age = (current - last).days
    if age <= MAX_AGE_DAYS:
        return None
    return (
        f"prices end {last.date()}, {age} days before {current.date()}; refresh with "
        "`bubblescope data update`"
    )


def data_info(frame: pd.DataFrame | pd.Series) -> dict[str, Any]:
    """What an output states about the prices it used: vintage, dates, and a staleness warning.

    Returns
    -------
    dict
        ``vintage``, ``first_date``, ``last_date`` (ISO dates), ``stale`` (the warning of
        :func:`staleness`, or None) and ``notes``: what reading a file dropped, reversed or
        rescaled (``attrs["notes"]`` of :func:`bubblescope.data.sources.load_file`; empty
        for shipped and stored series).
    """
    vintage = frame.attrs.get("vintage") or (
        str(frame["source"].iloc[-1]) if isinstance(frame, pd.DataFrame) else ""
    )
    last = pd.Timestamp(frame.index[-1])
    return {
        "vintage": vintage,
        "first_date": str(pd.Timestamp(frame.index[0]).date()),
        "last_date": str(last.date()),
        "stale": staleness(last),
        "notes": [str(note) for note in frame.attrs.get("notes", [])],
    }
