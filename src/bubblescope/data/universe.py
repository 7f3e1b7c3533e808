"""The shipped universe: which series bubblescope knows by name, in which groups.

Symbols are the tickers a user types (``NVDA``) and two index names, ``NASDAQ`` (the NASDAQ
Composite) and ``SP500`` (the S&P 500). :func:`canonical_symbol` maps the spellings users write
(``nasdaq``, ``^IXIC``, ``NASDAQCOM``, ``sp500``, ``^GSPC``, ``SPX``) onto them.

Groups
------
``ai``
    Companies at the centre of the 2023-2026 AI build-out: chips, chip equipment, hyperscalers,
    AI clouds, AI software.
``ai_power``
    Power and grid equipment for data centres, and the utilities ETF.
``dotcom``
    Leaders of the 1995-2000 boom that are still listed (``VIAV`` continues JDS Uniphase).
``etf_rates``
    Index and sector ETFs, and two Treasury yields (``TNX`` 10-year, ``IRX`` 13-week, in %).
``index``
    The NASDAQ Composite and the S&P 500.
``ai_leaders``
    The AI firms whose readings open the status page (a subset of ``ai``).

Which live source refreshes each symbol is in :data:`LIVE_SOURCE`: Yahoo Finance for tickers and
the S&P 500 (``^GSPC``), FRED (``NASDAQCOM``) for the NASDAQ Composite.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ALIASES",
    "GROUPS",
    "INDEX_SYMBOLS",
    "LIVE_SOURCE",
    "NAMES",
    "RATE_SYMBOLS",
    "SEC_CIK",
    "canonical_symbol",
    "group_of",
    "universe",
]

#: The two indices, by canonical symbol.
INDEX_SYMBOLS: Final = ("NASDAQ", "SP500")

#: Series quoted in percent (yields), not prices: never resolved as a price to analyse for bubbles.
RATE_SYMBOLS: Final = ("TNX", "IRX")

GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "ai": (
        "NVDA", "MSFT", "GOOGL", "GOOG", "AMZN", "META", "AVGO", "ORCL", "TSM", "AMD", "ARM",
        "MU", "ASML", "AMAT", "LRCX", "KLAC", "MRVL", "ANET", "SMCI", "DELL", "VRT", "CRWV",
        "NBIS", "IREN", "PLTR", "NOW", "CRM", "ADBE", "AAPL", "TSLA", "NFLX",
    ),
    "ai_power": ("CEG", "VST", "GEV", "NRG", "TLN", "OKLO", "SMR", "NVT", "XLU"),
    "dotcom": (
        "CSCO", "INTC", "QCOM", "VIAV", "EBAY", "CIEN", "AKAM", "VRSN", "NOK", "ERIC", "GLW",
        "IBM", "HPQ", "TXN",
    ),
    "etf_rates": ("SPY", "QQQ", "XLK", "IGV", "SMH", "SOXX", "TNX", "IRX"),
    "index": INDEX_SYMBOLS,
    "ai_leaders": ("NVDA", "MSFT", "GOOGL", "AMZN", "META", "AVGO", "ORCL", "TSM"),
}  # fmt: skip

#: Display names.
NAMES: Final[dict[str, str]] = {
    "NASDAQ": "NASDAQ Composite",
    "SP500": "S&P 500",
    "NVDA": "Nvidia",
    "MSFT": "Microsoft",
    "GOOGL": "Alphabet (class A)",
    "GOOG": "Alphabet (class C)",
    "AMZN": "Amazon",
    "META": "Meta Platforms",
    "AVGO": "Broadcom",
    "ORCL": "Oracle",
    "TSM": "TSMC (ADR)",
    "AMD": "AMD",
    "ARM": "Arm Holdings",
    "MU": "Micron",
    "ASML": "ASML",
    "AMAT": "Applied Materials",
    "LRCX": "Lam Research",
    "KLAC": "KLA",
    "MRVL": "Marvell",
    "ANET": "Arista Networks",
    "SMCI": "Super Micro Computer",
    "DELL": "Dell Technologies",
    "VRT": "Vertiv",
    "CRWV": "CoreWeave",
    "NBIS": "Nebius",
    "IREN": "IREN",
    "PLTR": "Palantir",
    "NOW": "ServiceNow",
    "CRM": "Salesforce",
    "ADBE": "Adobe",
    "AAPL": "Apple",
    "TSLA": "Tesla",
    "NFLX": "Netflix",
    "CEG": "Constellation Energy",
    "VST": "Vistra",
    "GEV": "GE Vernova",
    "NRG": "NRG Energy",
    "TLN": "Talen Energy",
    "OKLO": "Oklo",
    "SMR": "NuScale Power",
    "NVT": "nVent Electric",
    "XLU": "Utilities Select Sector SPDR ETF",
    "CSCO": "Cisco",
    "INTC": "Intel",
    "QCOM": "Qualcomm",
    "VIAV": "Viavi (JDS Uniphase lineage)",
    "EBAY": "eBay",
    "CIEN": "Ciena",
    "AKAM": "Akamai",
    "VRSN": "VeriSign",
    "NOK": "Nokia (ADR)",
    "ERIC": "Ericsson (ADR)",
    "GLW": "Corning",
    "IBM": "IBM",
    "HPQ": "HP Inc.",
    "TXN": "Texas Instruments",
    "SPY": "SPDR S&P 500 ETF",
    "QQQ": "Invesco QQQ (Nasdaq-100) ETF",
    "XLK": "Technology Select Sector SPDR ETF",
    "IGV": "iShares Expanded Tech-Software ETF",
    "SMH": "VanEck Semiconductor ETF",
    "SOXX": "iShares Semiconductor ETF",
    "TNX": "10-year Treasury yield (%)",
    "IRX": "13-week Treasury bill yield (%)",
}

#: Spellings users write -> canonical symbol (matched case-insensitively).
ALIASES: Final[dict[str, str]] = {
    "NASDAQ": "NASDAQ",
    "NASDAQCOM": "NASDAQ",
    "^IXIC": "NASDAQ",
    "IXIC": "NASDAQ",
    "COMP": "NASDAQ",
    "SP500": "SP500",
    "S&P500": "SP500",
    "^GSPC": "SP500",
    "GSPC": "SP500",
    "SPX": "SP500",
    "^TNX": "TNX",
    "^IRX": "IRX",
}

#: Canonical symbol -> (live source, the source's own identifier).
LIVE_SOURCE: Final[dict[str, tuple[str, str]]] = {
    "NASDAQ": ("fred", "NASDAQCOM"),
    "SP500": ("yahoo", "^GSPC"),
    "TNX": ("yahoo", "^TNX"),
    "IRX": ("yahoo", "^IRX"),
}

#: SEC central index keys of the firms whose fundamentals ship (companyfacts or iXBRL filings).
SEC_CIK: Final[dict[str, int]] = {
    "MSFT": 789019,
    "GOOGL": 1652044,
    "NVDA": 1045810,
    "AMZN": 1018724,
    "META": 1326801,
    "ORCL": 1341439,
}


def universe() -> tuple[str, ...]:
    """Every canonical symbol of the shipped universe, indices first, then tickers by group."""
    seen: dict[str, None] = dict.fromkeys(INDEX_SYMBOLS)
    for group in ("ai", "ai_power", "dotcom", "etf_rates"):
        seen.update(dict.fromkeys(GROUPS[group]))
    return tuple(seen)


def canonical_symbol(text: str) -> str | None:
    """The canonical symbol of ``text`` (an alias or a ticker of the universe), else None.

    Examples
    --------
    >>> canonical_symbol("nasdaq"), canonical_symbol("^GSPC"), canonical_symbol("nvda")
    ('NASDAQ', 'SP500', 'NVDA')
    >>> canonical_symbol("DOW") is None
    True
    """
    key = text.strip().upper()
    if key in ALIASES:
        return ALIASES[key]
    return key if key in _UNIVERSE else None


def group_of(symbol: str) -> str:
    """The group of ``symbol``: ``index``, ``ai``, ``ai_power``, ``dotcom`` or ``etf_rates``."""
    for group in ("index", "ai", "ai_power", "dotcom", "etf_rates"):
        if symbol in GROUPS[group]:
            return group
    raise KeyError(symbol)


_UNIVERSE: Final = frozenset(universe())
