"""The watchlist: the series the status page reads, and the equal-weighted baskets.

A :class:`WatchItem` is a stock, an index or a basket. Baskets are equal-weighted and
rebalanced every quarter (``RunSettings.data.basket_rebalance``), like the S&P 500 Equal Weight
Index: at the close of each rebalance date (the period's first trading day) every listed member
gets the same weight, which then drifts with its price up to the next rebalance date's close.
A member listed mid-quarter joins at the next rebalance. A basket starts in the first rebalance
period in which at least ``basket_min_share`` of its members are listed. The level is an index,
100 on the first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array
from bubblescope.data.universe import INDEX_SYMBOLS, NAMES, canonical_symbol
from bubblescope.errors import InputError
from bubblescope.settings import DataSettings, RunSettings

__all__ = ["Kind", "WatchItem", "basket_index", "default_watchlist", "load_item", "watchlist"]

Kind = Literal["stock", "index", "basket"]


@dataclass(frozen=True)
class WatchItem:
    """One row of the status page.

    Attributes
    ----------
    key : str
        Symbol (``"NVDA"``, ``"NASDAQ"``) or basket key (``"AI_BASKET"``).
    label : str
    kind : {"stock", "index", "basket"}
    members : tuple of str
        A basket's members (empty otherwise).
    weighting : str
        How a basket is weighted ("" for a single series).
    """

    key: str
    label: str
    kind: Kind
    members: tuple[str, ...] = ()
    weighting: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "members": list(self.members),
            "weighting": self.weighting,
        }


def _weighting(data: DataSettings) -> str:
    period = {"M": "month", "Q": "quarter"}[data.basket_rebalance]
    return f"equal-weighted, rebalanced every {period}"


def ai_basket(settings: RunSettings) -> WatchItem:
    """The AI basket of ``settings``."""
    data = settings.data
    return WatchItem(
        "AI_BASKET",
        f"AI basket ({len(data.ai_basket)} names)",
        "basket",
        data.ai_basket,
        _weighting(data),
    )


def dotcom_basket(settings: RunSettings) -> WatchItem:
    """The dot-com basket of ``settings``."""
    data = settings.data
    return WatchItem(
        "DOTCOM_BASKET",
        f"Dot-com basket ({len(data.dotcom_basket)} names)",
        "basket",
        data.dotcom_basket,
        _weighting(data),
    )


def watchlist(symbols: list[str] | tuple[str, ...], settings: RunSettings) -> tuple[WatchItem, ...]:
    """Watch items for ``symbols`` (tickers, index names, ``AI_BASKET``, ``DOTCOM_BASKET``).

    Unknown tickers are kept (their row will say why it failed), so one bad name never stops
    the others.
    """
    out: list[WatchItem] = []
    for text in symbols:
        key = text.strip().upper()
        if key == "AI_BASKET":
            out.append(ai_basket(settings))
        elif key == "DOTCOM_BASKET":
            out.append(dotcom_basket(settings))
        else:
            symbol = canonical_symbol(key) or key
            kind: Kind = "index" if symbol in INDEX_SYMBOLS else "stock"
            out.append(WatchItem(symbol, NAMES.get(symbol, symbol), kind))
    return tuple(out)


def default_watchlist(settings: RunSettings) -> tuple[WatchItem, ...]:
    """The AI leaders, the AI basket, then the indices, as ``settings.data`` lists them."""
    data = settings.data
    return watchlist([*data.leaders, "AI_BASKET", *data.indices], settings)


def basket_index(
    closes: pd.DataFrame, *, rebalance: Literal["M", "Q"] = "Q", min_share: float = 0.5
) -> pd.Series:
    """Equal-weighted index of ``closes`` (one column per member), rebalanced each period.

    Parameters
    ----------
    closes : pandas.DataFrame
        Daily closes, NaN before a member's listing (and on days it did not trade).
    rebalance : {"M", "Q"}
        Rebalance every month or quarter (at the first trading day of the period).
    min_share : float
        The index starts in the first period with at least this share of members listed.

    Returns
    -------
    pandas.Series
        Index level, 100 on its first day; ``attrs["members_listed"]`` holds the count of
        members in each period.

    Raises
    ------
    InputError
        When no period has enough members listed, or ``min_share`` is outside (0, 1].

    Examples
    --------
    >>> days = pd.bdate_range("2024-01-01", periods=40)  # one quarter
    >>> a = pd.Series(np.linspace(10, 20, 40), index=days)
    >>> idx = basket_index(pd.DataFrame({"a": a, "b": 50.0}, index=days))
    >>> float(idx.iloc[-1])  # a doubled, b flat: 100 * (2 + 1) / 2
    150.0
    >>> days = pd.to_datetime(["2024-03-27", "2024-03-28", "2024-04-01"])  # Q1, Q1, Q2
    >>> two = basket_index(pd.DataFrame({"a": [10.0, 10.0, 20.0], "b": 10.0}, index=days))
    >>> two.tolist()  # a doubles on the rebalance day: earned with Q1's weights
    [100.0, 100.0, 150.0]
    """
    if not 0.0 < min_share <= 1.0:
        raise InputError(f"min_share must lie in (0, 1], not {min_share}")
    closes = closes.sort_index().ffill()
    periods = pd.DatetimeIndex(closes.index).to_period(rebalance)
    # the rows are in date order, so each period is one run of rows: its first row's position
    # bounds[k], its last bounds[k + 1] - 1
    ordinals = periods.asi8
    bounds = np.flatnonzero(np.r_[True, ordinals[1:] != ordinals[:-1]])
    listed = closes.notna().to_numpy()
    enough = np.flatnonzero(listed[bounds].mean(axis=1) >= min_share) if len(closes) else bounds[:0]
    if enough.size == 0:
        raise InputError(
            f"no period has {min_share:.0%} of the basket's {closes.shape[1]} members listed"
        )
    bounds = np.r_[bounds[enough[0] :], len(closes)]
    values = closes.to_numpy(dtype=np.float64)
    level = 100.0
    pieces: list[Float64Array] = []
    counts: dict[str, int] = {}
    for k in range(len(bounds) - 1):
        base = values[bounds[k]]
        members = np.flatnonzero(~np.isnan(base))
        # listed on the period's first day, so (forward-filled) on each of its days: the mean
        # of the members' relative prices, summed member by member in column order
        rows = values[bounds[k] : bounds[k + 1], members] / base[members]
        relative = rows[:, 0].copy()
        for j in range(1, members.size):
            relative += rows[:, j]
        pieces.append(level * (relative / members.size))
        counts[str(periods[bounds[k]])] = int(members.size)
        if k + 2 < len(bounds):
            # the weights drift up to the next rebalance day's close, where the basket is
            # rebalanced: that day's move is earned with this period's weights
            moved = values[bounds[k + 1], members] / base[members]
            level *= float(moved.sum() / members.size)
    out = pd.Series(np.concatenate(pieces), index=closes.index[bounds[0] :])
    out.name = "basket"
    out.attrs["members_listed"] = counts
    return out


def load_item(item: WatchItem, settings: RunSettings) -> pd.DataFrame:
    """Daily closes of a watch item as a canonical-like frame (``close``; ``attrs`` vintage).

    A basket's ``attrs`` list its members' vintages and last dates; its last date is the
    earliest last date among its members (the basket is not extended past any member's data).

    Raises
    ------
    UnknownSymbolError, DataError, StoreError
        From loading a member.
    """
    from bubblescope.data.catalog import load_series

    if item.kind != "basket":
        return load_series(item.key)
    frames = {m: load_series(m) for m in item.members}
    last = min(f.index[-1] for f in frames.values())
    closes = pd.concat({m: f["close"] for m, f in frames.items()}, axis=1, sort=True).loc[:last]
    level = basket_index(
        closes, rebalance=settings.data.basket_rebalance, min_share=settings.data.basket_min_share
    )
    vintages = sorted({f.attrs.get("vintage", "") for f in frames.values()})
    frame = pd.DataFrame({"close": level.to_numpy(np.float64)}, index=level.index)
    frame.index.name = "date"
    frame.attrs.update(
        vintage=" + ".join(v for v in vintages if v),
        last_date=frame.index[-1],
        symbol=item.key,
        members_listed=level.attrs["members_listed"],
    )
    return frame
