"""Run the status page: read every watched series now, next to each signal's record.

:func:`run_status` is the one computation behind the status table of the overview, the
report, the dashboard's landing tab, ``GET /api/status`` and ``bubblescope status``; each
surface renders its :class:`~bubblescope.status.result.StatusResult`, so they show the same
numbers. One failing row (an unknown symbol, a damaged file) says why and the others stand.

Row readings are cached on disk by the row's data content and the settings' fingerprint
(:mod:`bubblescope.cache`), so a warm run recomputes only what changed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bubblescope._config import today
from bubblescope._typing import ProgressCallback
from bubblescope.errors import BubblescopeError
from bubblescope.settings import RunSettings
from bubblescope.status.adoption import CACHE_FORMAT, AdoptionRow, adoption_row
from bubblescope.status.readings import (
    READINGS_FORMAT,
    Reading,
    crash_odds_reading,
    drawdown_reading,
    grey,
    lppls_reading,
    psy_reading,
    return_reading,
)
from bubblescope.status.records import Record, compute_records, record_for
from bubblescope.status.result import StatusResult, StatusRow
from bubblescope.status.synthesis import synthesise
from bubblescope.status.valuation import valuation_reading
from bubblescope.status.watchlist import (
    WatchItem,
    ai_basket,
    default_watchlist,
    dotcom_basket,
    load_item,
    watchlist,
)

__all__ = ["cached_row", "run_status"]


def _price_readings(
    item: WatchItem, close: pd.Series, market: pd.Series | None, settings: RunSettings,
    rate: bool,
) -> list[dict[str, Any]]:  # fmt: skip
    """The price-based readings of one row (JSON-ready, for the cache)."""
    is_market = item.key == settings.runup.market
    ret, net = return_reading(close, market, settings, is_market=is_market)
    out: list[Reading] = [
        psy_reading(close, settings, log=True, rate=rate),
        psy_reading(close, settings, log=False, rate=rate),
        lppls_reading(close, settings)
        if not rate
        else grey("lppls", "LPPLS Confidence", "a yield is not a price"),
        ret,
        crash_odds_reading(net, settings, kind=item.kind, is_market=is_market),
        drawdown_reading(close, settings),
    ]
    return [r.to_dict() for r in out]


class _AdjustInputs:
    """What the adjusted tests of every stock row share, loaded once per run.

    The technology proxies (a second or so of filings arithmetic) are built only when a row
    misses the cache.
    """

    def __init__(self) -> None:
        from bubblescope.analyses.engines import AdjustedSettings
        from bubblescope.cache import content_hash
        from bubblescope.data.bundled import load_fundamentals
        from bubblescope.data.catalog import load_series

        self.fundamentals = load_fundamentals()
        self.factors = {f: load_series(f)["close"] for f in AdjustedSettings().factors}
        self.key = [
            content_hash(self.fundamentals.astype(str)),
            *(content_hash(s) for s in self.factors.values()),
        ]

    @functools.cached_property
    def proxies(self) -> tuple[dict[str, pd.Series], str]:
        """:func:`~bubblescope.detect.adjusted.technology_proxies` of the fundamentals."""
        from bubblescope.detect.adjusted import technology_proxies

        return technology_proxies(self.fundamentals)


def _adoption(
    item: WatchItem,
    close: pd.Series,
    readings: list[dict[str, Any]],
    settings: RunSettings,
    inputs: _AdjustInputs,
) -> AdoptionRow:
    """The row's raw and adjusted verdicts (cached like the readings)."""
    from bubblescope.cache import cached_json, content_hash, result_key

    key = result_key(
        "status-adoption",
        CACHE_FORMAT,
        item.key,
        content_hash(close),
        inputs.key,
        settings.fingerprint(),
    )
    by_signal = {r["signal"]: r for r in readings}
    data = cached_json(
        "status",
        key,
        lambda: adoption_row(
            item.key, close, by_signal, settings, fundamentals=inputs.fundamentals,
            factors=inputs.factors, proxies=inputs.proxies[0], proxy_note=inputs.proxies[1],
        ).to_dict(),
    )  # fmt: skip
    return AdoptionRow.from_dict(data)


def _row_key(
    item: WatchItem, close: pd.Series, market: pd.Series | None, settings: RunSettings
) -> str:
    """Cache key of a row's price readings: the item, its closes' and the market's content."""
    from bubblescope.cache import content_hash, result_key

    return result_key(
        "status-row",
        READINGS_FORMAT,
        item.to_dict(),
        content_hash(close),
        None if market is None else content_hash(market),
        settings.fingerprint(),
    )


def cached_row(
    item: WatchItem, settings: RunSettings, market: pd.Series | None
) -> tuple[pd.Series, bool]:
    """A row's closes and whether :func:`run_status` would read its price readings from the cache.

    Parameters
    ----------
    item : WatchItem
    settings : RunSettings
    market : pandas.Series or None
        The closes of ``settings.runup.market`` as :func:`run_status` loads them (None: none).

    Returns
    -------
    close : pandas.Series
        The item's daily closes (float64, no gaps), which the readings test.
    cached : bool

    Raises
    ------
    BubblescopeError
        From loading the item (its row will show the error).
    """
    from bubblescope.cache import is_cached

    close = load_item(item, settings)["close"].astype("float64").dropna()
    return close, is_cached("status", _row_key(item, close, market, settings))


def _row(
    item: WatchItem,
    settings: RunSettings,
    market: pd.Series | None,
    records: dict[str, dict[str, Record]],
    inputs: _AdjustInputs | None = None,
) -> StatusRow:
    from bubblescope.cache import cached_json
    from bubblescope.data.catalog import staleness

    try:
        frame = load_item(item, settings)
        close = frame["close"].astype("float64").dropna()
        rate = bool(frame.attrs.get("rate", False))
        key = _row_key(item, close, market, settings)
        cached = cached_json(
            "status", key, lambda: _price_readings(item, close, market, settings, rate)
        )
        readings = [Reading.from_dict(r) for r in cached]
        adoption = None
        if item.kind == "stock" and inputs is not None and not rate:
            try:
                adoption = _adoption(item, close, cached, settings, inputs)
            except BubblescopeError as exc:
                adoption = AdoptionRow(item.key, {}, f"{item.key}: not adjusted: {exc}")
        try:
            readings.append(valuation_reading(item.key, item.kind, close, settings))
        except BubblescopeError as exc:
            readings.append(grey("valuation", "Valuation", f"not computed: {exc}"))
    except BubblescopeError as exc:
        return StatusRow(item.key, item.label, item.kind, item.weighting, error=str(exc))
    recs = {
        r.signal: rec
        for r in readings
        if (rec := record_for(records, r.signal, kind=item.kind, key=item.key)) is not None
    }
    last = pd.Timestamp(close.index[-1])
    return StatusRow(
        key=item.key,
        label=item.label,
        kind=item.kind,
        weighting=item.weighting,
        first_date=str(pd.Timestamp(close.index[0]).date()),
        last_date=str(last.date()),
        vintage=str(frame.attrs.get("vintage", "")),
        stale=staleness(last),
        readings=tuple(readings),
        records=recs,
        adoption=adoption,
    )


def _stale_warnings(rows: list[StatusRow]) -> list[str]:
    """One warning per stale last date, naming the series that end on it."""
    by_date: dict[str, list[str]] = {}
    for row in rows:
        if row.stale and row.last_date:
            by_date.setdefault(row.last_date, []).append(row.key)
    return [
        f"prices of {', '.join(keys)} end {day}, {(today() - pd.Timestamp(day)).days} days "
        "ago; refresh with `bubblescope data update`"
        for day, keys in sorted(by_date.items())
    ]


def _market_view(settings: RunSettings) -> tuple[Any, Any, Any, list[str]]:
    from bubblescope.status.market import alignment, gauge_view, index_share

    notes: list[str] = []
    gauge = align = share = None
    try:
        gauge = gauge_view()
    except BubblescopeError as exc:
        notes.append(f"gauge not computed: {exc}")
    try:
        ai = load_item(ai_basket(settings), settings)["close"]
        dc = load_item(dotcom_basket(settings), settings)["close"]
        align = alignment(ai, dc, settings)
    except BubblescopeError as exc:
        notes.append(f"basket comparison not computed: {exc}")
    try:
        share = index_share(settings)
        if share.missing:
            notes.append(f"not in the AI share (no share counts): {'; '.join(share.missing)}")
    except BubblescopeError as exc:
        notes.append(f"AI share of the index not computed: {exc}")
    return gauge, align, share, notes


def run_status(
    settings: RunSettings | None = None,
    *,
    symbols: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    log: bool = True,
) -> StatusResult:
    """Read every watched series now.

    Parameters
    ----------
    settings : RunSettings, optional
        Default ``RunSettings.preset("standard")``.
    symbols : sequence of str, optional
        Watch these (tickers, ``nasdaq``, ``sp500``, ``AI_BASKET``, ``DOTCOM_BASKET``) instead of
        the default watchlist (the AI leaders, the AI basket, the NASDAQ and the S&P 500).
    progress : callable, optional
        ``progress(done, total)`` over the steps (records, each row, the market view).
    log : bool
        Append the readings to the store's readings log (:mod:`bubblescope.status.log`).

    Returns
    -------
    StatusResult
    """
    from bubblescope.data.catalog import load_series

    settings = settings or RunSettings.preset("standard")
    items = default_watchlist(settings) if symbols is None else watchlist(list(symbols), settings)
    total = len(items) + 2
    warnings: list[str] = []

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total)

    try:
        records = compute_records(settings)
    except BubblescopeError as exc:
        records = {}
        warnings.append(f"no backtest records: {exc}")
    tick(1)
    try:
        market: pd.Series | None = load_series(settings.runup.market)["close"]
    except BubblescopeError as exc:
        market = None
        warnings.append(f"no market series for net run-ups: {exc}")
    inputs = None
    if any(item.kind == "stock" for item in items):
        try:
            inputs = _AdjustInputs()
        except BubblescopeError as exc:
            warnings.append(f"no fundamentals-adjusted verdicts: {exc}")
    rows = []
    for i, item in enumerate(items, start=2):
        rows.append(_row(item, settings, market, records, inputs))
        tick(i)
    gauge, align, share, notes = _market_view(settings)
    tick(total)
    warnings += _stale_warnings(rows)
    result = StatusResult(
        rows=tuple(rows),
        gauge=gauge,
        alignment=align,
        index_share=share,
        market_notes=tuple(notes),
        synthesis=synthesise(tuple(rows)),
        settings={**settings.to_dict(), "fingerprint": settings.fingerprint()},
        today=str(today().date()),
        warnings=tuple(warnings),
    )
    if log:
        from bubblescope.status.log import append_readings

        try:
            append_readings(result)
        except BubblescopeError as exc:
            result = StatusResult(
                **{**result.__dict__, "warnings": (*result.warnings, f"readings not logged: {exc}")}
            )
    return result
