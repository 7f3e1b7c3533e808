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

#: SEC central index keys of the firms whose SEC companyfacts ``bubblescope data update`` fetches.
#: The first six also ship (companyfacts or iXBRL filings in the shipped data). The last four
#: are firms of the financing network without shipped filings; each CIK is the one in the EDGAR
#: paths of the filer's own reports (``https://www.sec.gov/Archives/edgar/data/<CIK>/...``):
#:
#: * AMD 2488: Advanced Micro Devices, Inc., ``https://data.sec.gov/api/xbrl/companyfacts/
#:   CIK0000002488.json`` (entity "ADVANCED MICRO DEVICES INC").
#: * AVGO 1730168: Broadcom Inc.; its own filings carry its CIK in their accession numbers
#:   (e.g. 0001730168-26-000080), its fiscal year ends in early November (2025-11-02).
#: * CRWV 1769628: CoreWeave, Inc., 10-K for FY2025 filed 2026-03-02, accession
#:   0001769628-26-000104, ``.../edgar/data/1769628/000176962826000104/crwv-20251231.htm``;
#:   a filer since its 2025 IPO (10-K for FY2025 and 10-Qs).
#: * NBIS 1513845: Nebius Group N.V. (Yandex N.V. until 2024), a foreign private issuer: 20-F for
#:   FY2025 filed 2026-04-30, accession 0001104659-26-052948,
#:   ``.../edgar/data/1513845/000110465926052948/nbis-20251231x20f.htm``; its XBRL uses us-gaap
#:   concepts in USD (its older Yandex reports are in RUB), interim reports are 6-Ks.
SEC_CIK: Final[dict[str, int]] = {
    "MSFT": 789019,
    "GOOGL": 1652044,
    "NVDA": 1045810,
    "AMZN": 1018724,
    "META": 1326801,
    "ORCL": 1341439,
    "AMD": 2488,
    "AVGO": 1730168,
    "CRWV": 1769628,
    "NBIS": 1513845,
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
