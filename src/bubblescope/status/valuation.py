"""Valuation now against the series' own history and the dot-com leaders at their peak.

* The S&P 500: Shiller's CAPE (the shipped table) as a percentile of its history since 1881,
  next to its record, 44.2 in December 1999, read from the same table.
* A stock whose SEC fundamentals ship (or are in the store): trailing P/E and P/S from
  :func:`bubblescope.detect.firm_multiples.multiples`, as percentiles of the stock's own history,
  next to Cisco's and Yahoo's multiples at the 2000 peak (facts VAL-05 and VAL-06a/b).
* Anything else: grey, saying why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblescope.settings import RunSettings
from bubblescope.status.readings import Light, Reading, grey

__all__ = ["valuation_reading"]

SIGNAL, LABEL = "valuation", "Valuation"
#: Dot-com leaders' multiples at the 2000 peak, by fact id (trailing P/E; P/S).
DOTCOM_FACTS = ("VAL-05", "VAL-06a", "VAL-06b")


def _light(percentile: float, settings: RunSettings) -> Light:
    lights = settings.lights
    if percentile >= lights.valuation_red:
        return "red"
    return "amber" if percentile >= lights.valuation_amber else "green"


def _percentile(history: pd.Series, value: float) -> float:
    """Share (0-100) of the history at or below ``value``."""
    values = history.dropna().to_numpy(dtype=np.float64)
    return float(100.0 * np.mean(values <= value))


def _cape_reading(settings: RunSettings) -> Reading:
    from bubblescope.data.bundled import load_shiller

    table = load_shiller()
    cape = table["CAPE"].dropna()
    now, at = float(cape.iloc[-1]), pd.Timestamp(cape.index[-1])
    pct = _percentile(cape, now)
    peak_at = pd.Timestamp(cape.index[int(np.argmax(cape.to_numpy()))])
    peak = float(cape.max())
    light = _light(pct, settings)
    text = (
        f"CAPE {now:.1f} (percentile {pct:.0f} since {cape.index[0].year}); "
        f"{peak_at:%b %Y} peak {peak:.1f}"
    )
    return Reading(
        SIGNAL,
        LABEL,
        pct,
        text,
        light,
        detail={
            "measure": "CAPE",
            "value": now,
            "as_of": str(at.date()),
            "percentile": pct,
            "record": peak,
            "record_date": str(peak_at.date()),
            "source": "Shiller, Irrational Exuberance data (shipped table)",
        },
        note="Shiller's cyclically adjusted P/E (real price over the 10-year mean of real "
        "earnings); the last months of his table are provisional",
    )


def _fundamentals(symbol: str) -> pd.DataFrame:
    """Stored fundamentals of ``symbol`` when the user fetched them, else the shipped ones."""
    from bubblescope.data import store
    from bubblescope.data.bundled import load_fundamentals

    if symbol in store.list_symbols("fundamentals"):
        stored = store.load_dataset("fundamentals", symbol)
        if not stored.empty and "item" in stored.columns:
            return stored.assign(symbol=symbol)
    return load_fundamentals(symbol)


def _stock_reading(symbol: str, close: pd.Series, settings: RunSettings) -> Reading:
    from bubblescope.data.facts import load_factbase
    from bubblescope.detect.firm_multiples import multiples

    funds = _fundamentals(symbol)
    if funds.empty:
        return grey(SIGNAL, LABEL, f"no SEC fundamentals ship for {symbol}")
    res = multiples(close, funds, symbol)
    latest = res.latest()
    ranks = res.percentile_now()
    pe, ps = latest.pe, latest.ps
    pct_values = [v for v in (ranks.get("pe"), ranks.get("ps")) if v is not None]
    if not pct_values:
        why = "; ".join(latest.notes) or "not enough history of its multiples"
        return grey(SIGNAL, LABEL, f"{symbol}: {why}")
    pct = max(pct_values)
    fb = load_factbase()
    peers = {fid: fb.get(fid) for fid in DOTCOM_FACTS if fid in fb}
    parts = []
    if pe is not None:
        parts.append(f"P/E {pe:.0f} ({_rank(ranks.get('pe'))})")
    else:
        parts.append("P/E n/a")
    if ps is not None:
        parts.append(f"P/S {ps:.1f} ({_rank(ranks.get('ps'))})")
    text = "; ".join(parts)
    peer_text = "; ".join(f"{fid}: {f.description} {f.display_value}" for fid, f in peers.items())
    bases = "; ".join(f"{b.item} {b.label()}" for b in latest.bases.values())
    first = res.frame.index[0].date()
    return Reading(
        SIGNAL,
        LABEL,
        pct,
        text,
        _light(pct, settings),
        detail={
            "pe": pe,
            "ps": ps,
            "market_cap": latest.market_cap,
            "percentiles": ranks,
            "since": str(first),
            "bases": {k: v.to_dict() for k, v in latest.bases.items()},
            "dotcom_peak": {fid: f.display_value for fid, f in peers.items()},
        },
        note=f"trailing multiples (point in time, SEC filings: {bases}); percentiles of "
        f"{symbol}'s own history since {first}"
        + (f"; {'; '.join(latest.notes)}" if latest.notes else "")
        + f". At the 2000 peak: {peer_text}",
    )


def _rank(value: float | None) -> str:
    return "no history" if value is None else f"percentile {value:.0f}"


def valuation_reading(key: str, kind: str, close: pd.Series, settings: RunSettings) -> Reading:
    """Valuation of a watch item now (see the module notes)."""
    if key == "SP500":
        return _cape_reading(settings)
    if kind != "stock":
        return grey(
            SIGNAL,
            LABEL,
            "no earnings or sales ship for "
            + ("the NASDAQ Composite" if key == "NASDAQ" else "a basket"),
        )
    return _stock_reading(key, close, settings)
