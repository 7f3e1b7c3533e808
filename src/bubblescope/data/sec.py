"""SEC XBRL ``companyfacts`` JSON: tidy facts and annual series by tag chain.

SEC's ``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json`` holds every XBRL fact a
filer ever reported, nested as ``facts[taxonomy][concept]["units"][unit] -> [fact, ...]``. Each
fact is repeated in every later filing that shows it again (a 10-K repeats the previous years as
comparatives), so a raw concept is not yet a time series.

:func:`parse_companyfacts` flattens the JSON into one tidy row per fact. :func:`annual_series`
turns those rows into one value per fiscal year for an economic item (``capex``, ``revenue`` ...)
using a *tag chain*: filers change the tag they use over time (NVIDIA reported capex as
``PaymentsToAcquirePropertyPlantAndEquipment`` until FY2012 and as
``PaymentsToAcquireProductiveAssets`` from FY2022; Alphabet moved revenue between ``Revenues`` and
``RevenueFromContractWithCustomerExcludingAssessedTax``), so each item lists tags in priority order
and every fiscal year takes the first tag in the chain that has a value for it. The tag used is
kept in the output (column ``tag``).

Which vintage wins
------------------
Annual values come from annual reports (forms ``10-K``, ``10-K/A``, ``20-F``, ``40-F``) with fiscal
period ``FY``; flows must span a full fiscal year (:data:`ANNUAL_DAYS`). When several filings report
the same fiscal-year end, the **most recently filed** value wins (ties broken by accession number),
so a restatement or a later comparative replaces the originally reported figure. ``filed`` and
``accn`` in the output say which filing supplied each value.

References
----------
U.S. Securities and Exchange Commission, "EDGAR Application Programming Interfaces",
https://www.sec.gov/search-filings/edgar-application-programming-interfaces
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblescope.data import http
from bubblescope.errors import DataError, InputError, SourceError, UnknownSymbolError

__all__ = [
    "ANNUAL_DAYS",
    "ANNUAL_FORMS",
    "FACT_COLUMNS",
    "TAG_CHAINS",
    "annual_series",
    "cik_for_ticker",
    "fetch_companyfacts",
    "parse_companyfacts",
]

#: Columns of :func:`parse_companyfacts`.
FACT_COLUMNS: tuple[str, ...] = (
    "ticker",
    "cik",
    "concept",
    "taxonomy",
    "unit",
    "start",
    "end",
    "value",
    "fy",
    "fp",
    "form",
    "filed",
    "accn",
    "frame",
)

#: Item -> us-gaap tags in priority order (first tag with a value for a fiscal year wins).
TAG_CHAINS: dict[str, tuple[str, ...]] = {
    "capex": ("PaymentsToAcquirePropertyPlantAndEquipment", "PaymentsToAcquireProductiveAssets"),
    "depreciation": (
        "DepreciationDepletionAndAmortization",
        "DepreciationAndAmortization",
        "DepreciationAmortizationAndAccretionNet",
        "Depreciation",
    ),
    "ppe_net": (
        "PropertyPlantAndEquipmentNet",
        "PropertyPlantAndEquipmentAndFinanceLeaseRightOfUseAssetAfterAccumulated"
        "DepreciationAndAmortization",
    ),
    "ppe_gross": (
        "PropertyPlantAndEquipmentGross",
        "PropertyPlantAndEquipmentAndFinanceLeaseRightOfUseAssetBeforeAccumulated"
        "DepreciationAndAmortization",
    ),
    "revenue": (
        "Revenues",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        "SalesRevenueNet",
    ),
    "net_income": (
        "NetIncomeLoss",
        "ProfitLoss",
        "NetIncomeLossAvailableToCommonStockholdersBasic",
    ),
    "operating_income": ("OperatingIncomeLoss",),
}

#: A fiscal year ending on 1..7 January is labelled by the previous calendar year (52/53-week
#: years that close just after 31 December); otherwise by the calendar year it ends in.
_FY_ROLLBACK_DAYS = 7

#: Forms that carry annual reports.
ANNUAL_FORMS: tuple[str, ...] = ("10-K", "10-K/A", "20-F", "20-F/A", "40-F", "40-F/A")

#: Accepted length of a fiscal-year flow, days (52/53-week years run 364 or 371 days).
ANNUAL_DAYS: tuple[int, int] = (350, 380)

_COMPANYFACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
_TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"


def _read_json(path: Path) -> Any:
    """Read a ``.json`` or ``.json.gz`` file, raising :class:`DataError` naming it."""
    if not path.is_file():
        raise DataError(f"companyfacts file not found: {path}")
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not a readable companyfacts JSON file: {exc}") from exc


def parse_companyfacts(
    obj_or_path: Mapping[str, Any] | str | os.PathLike[str], ticker: str | None = None
) -> pd.DataFrame:
    """Flatten an SEC companyfacts document into one tidy row per reported fact.

    Parameters
    ----------
    obj_or_path : dict or path
        The decoded JSON document, or a path to a ``.json`` / ``.json.gz`` file.
    ticker : str, optional
        Label for the ``ticker`` column; defaults to ``"CIK##########"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FACT_COLUMNS`: ``start`` (NaT for instants), ``end`` and ``filed`` as
        datetime64, ``value`` float64 (in ``unit``, e.g. USD), ``fy`` nullable Int64 (the fiscal
        year *of the filing*, not of the period), ``cik`` int64, the rest strings. Rows appear in
        document order; nothing is de-duplicated.

    Raises
    ------
    DataError
        When the document lacks ``cik``/``facts`` or a fact lacks ``end``/``val``.
    """
    source = "companyfacts document"
    if isinstance(obj_or_path, (str, os.PathLike)):
        path = Path(obj_or_path)
        source = str(path)
        doc = _read_json(path)
    else:
        doc = obj_or_path
    if not isinstance(doc, Mapping) or "facts" not in doc or "cik" not in doc:
        raise DataError(f"{source}: not an SEC companyfacts document (needs 'cik' and 'facts')")
    try:
        cik = int(doc["cik"])
    except (TypeError, ValueError) as exc:
        raise DataError(f"{source}: 'cik' is not an integer: {doc['cik']!r}") from exc
    label = ticker if ticker else f"CIK{cik:010d}"
    cols: dict[str, list[Any]] = {c: [] for c in FACT_COLUMNS if c not in ("ticker", "cik")}
    facts = doc["facts"]
    if not isinstance(facts, Mapping):
        raise DataError(f"{source}: 'facts' is not an object")
    for taxonomy, concepts in facts.items():
        for concept, body in concepts.items():
            for unit, rows in body.get("units", {}).items():
                for row in rows:
                    try:
                        end, val = row["end"], row["val"]
                    except (KeyError, TypeError) as exc:
                        raise DataError(
                            f"{source}: fact {taxonomy}:{concept} [{unit}] lacks {exc}"
                        ) from exc
                    cols["concept"].append(concept)
                    cols["taxonomy"].append(taxonomy)
                    cols["unit"].append(unit)
                    cols["start"].append(row.get("start"))
                    cols["end"].append(end)
                    cols["value"].append(val)
                    cols["fy"].append(row.get("fy"))
                    cols["fp"].append(row.get("fp"))
                    cols["form"].append(row.get("form"))
                    cols["filed"].append(row.get("filed"))
                    cols["accn"].append(row.get("accn"))
                    cols["frame"].append(row.get("frame"))
    n = len(cols["end"])
    try:
        frame = pd.DataFrame(
            {
                "ticker": pd.array([label] * n, dtype="string"),
                "cik": np.full(n, cik, dtype=np.int64),
                "concept": pd.array(cols["concept"], dtype="string"),
                "taxonomy": pd.array(cols["taxonomy"], dtype="string"),
                "unit": pd.array(cols["unit"], dtype="string"),
                "start": pd.to_datetime(pd.Series(cols["start"], dtype=object), format="%Y-%m-%d"),
                "end": pd.to_datetime(pd.Series(cols["end"], dtype=object), format="%Y-%m-%d"),
                "value": pd.to_numeric(pd.Series(cols["value"], dtype=object)).astype(np.float64),
                "fy": pd.array(cols["fy"], dtype="Int64"),
                "fp": pd.array(cols["fp"], dtype="string"),
                "form": pd.array(cols["form"], dtype="string"),
                "filed": pd.to_datetime(pd.Series(cols["filed"], dtype=object), format="%Y-%m-%d"),
                "accn": pd.array(cols["accn"], dtype="string"),
                "frame": pd.array(cols["frame"], dtype="string"),
            }
        )
    except (TypeError, ValueError) as exc:
        raise DataError(f"{source}: malformed fact values: {exc}") from exc
    return frame


def _filing_period_ends(annual: pd.DataFrame) -> pd.DataFrame:
    """Map each annual filing (``accn``) to its report period end.

    A filing's report period end is the latest ``end`` among its full-year flows (cover-page
    instants such as shares outstanding are dated after the year end, so instants are ignored).
    """
    days = (annual["end"] - annual["start"]).dt.days
    flows = annual[days.between(*ANNUAL_DAYS).fillna(False)]
    return flows.groupby("accn", sort=False)["end"].max().rename("period_end").reset_index()


def annual_series(
    facts: pd.DataFrame,
    item: str,
    *,
    tags: tuple[str, ...] | list[str] | None = None,
    unit: str = "USD",
    forms: tuple[str, ...] = ANNUAL_FORMS,
) -> pd.DataFrame:
    """Return one value per fiscal year for ``item``, following its tag chain.

    Parameters
    ----------
    facts : pandas.DataFrame
        Output of :func:`parse_companyfacts` (one filer).
    item : str
        A key of :data:`TAG_CHAINS` (``capex``, ``depreciation``, ``ppe_net``, ``ppe_gross``,
        ``revenue``, ``net_income``, ``operating_income``), or any label when ``tags`` is given.
    tags : sequence of str, optional
        Override the chain: us-gaap tags in priority order.
    unit : str
        XBRL unit to keep (``USD`` for every built-in item).
    forms : tuple of str
        Filing forms that count as annual reports.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period_end`` (DatetimeIndex, the fiscal-year end), sorted; columns
        ``fiscal_year`` (int: the calendar year the fiscal year ends in, or the previous one
        for a year ending on 1-7 January; 2025 for MSFT's year to 2025-06-30 and for NVIDIA's
        year to 2025-01-26), ``start`` (NaT for balance-sheet items), ``value`` (float64, in
        ``unit``), ``tag`` (which tag supplied the value), ``unit``, ``form``, ``filed``,
        ``accn``, ``ticker``. Empty when no tag in the chain has annual facts.

    Raises
    ------
    InputError
        For an unknown item without ``tags``.

    Notes
    -----
    Flows (facts with a ``start``) keep only durations within :data:`ANNUAL_DAYS`; instants
    (balance-sheet facts) keep only those dated at some annual filing's report period end. For
    each fiscal-year end the most recently filed fact wins (see the module notes); across tags,
    the first tag in the chain with a value for that year wins, even when a later tag was filed
    more recently.
    """
    if tags is None:
        if item not in TAG_CHAINS:
            raise InputError(
                f"unknown fundamentals item {item!r}",
                hint=f"choose one of {sorted(TAG_CHAINS)} or pass tags=[...]",
            )
        chain = TAG_CHAINS[item]
    else:
        chain = tuple(tags)
        if not chain:
            raise InputError(f"empty tag chain for item {item!r}")
    missing_cols = [c for c in FACT_COLUMNS if c not in facts.columns]
    if missing_cols:
        raise InputError(
            f"facts frame lacks column(s) {missing_cols}",
            hint="pass the output of parse_companyfacts",
        )
    columns = ["fiscal_year", "start", "value", "tag", "unit", "form", "filed", "accn", "ticker"]
    is_annual = facts["form"].isin(list(forms)) & (facts["fp"] == "FY").fillna(False)
    annual = facts[is_annual.fillna(False)]
    filings = _filing_period_ends(annual)
    subset = annual[annual["concept"].isin(list(chain)) & (annual["unit"] == unit).fillna(False)]
    instant = subset["start"].isna() & subset["end"].isin(filings["period_end"])
    full_year = ((subset["end"] - subset["start"]).dt.days).between(*ANNUAL_DAYS).fillna(False)
    subset = subset[instant | full_year]
    if subset.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        empty.index = pd.DatetimeIndex([], name="period_end")
        return empty
    rank = {tag: i for i, tag in enumerate(chain)}
    ordered = subset.assign(_rank=subset["concept"].map(rank).astype(np.int64)).sort_values(
        ["end", "_rank", "filed", "accn"], ascending=[True, True, False, False], kind="stable"
    )
    best = ordered.drop_duplicates("end", keep="first")
    ends = pd.DatetimeIndex(best["end"].to_numpy())
    fiscal_year = ends.year - ((ends.month == 1) & (ends.day <= _FY_ROLLBACK_DAYS))
    out = pd.DataFrame(
        {
            "fiscal_year": np.asarray(fiscal_year, dtype=np.int64),
            "start": best["start"].to_numpy(),
            "value": best["value"].to_numpy(dtype=np.float64),
            "tag": best["concept"].to_numpy(),
            "unit": best["unit"].to_numpy(),
            "form": best["form"].to_numpy(),
            "filed": best["filed"].to_numpy(),
            "accn": best["accn"].to_numpy(),
            "ticker": best["ticker"].to_numpy(),
        },
        index=ends.rename("period_end"),
    )
    return out.sort_index()


def _sec_headers() -> dict[str, str]:
    """Headers for SEC: ``BUBBLESCOPE_SEC_USER_AGENT`` (e.g. ``"Name email@example.org"``)."""
    agent = os.environ.get("BUBBLESCOPE_SEC_USER_AGENT")
    return {"User-Agent": agent} if agent else {}


def cik_for_ticker(ticker: str, **http_kwargs: Any) -> int:
    """Look up a ticker's CIK in SEC's ``company_tickers.json`` (network).

    Raises
    ------
    UnknownSymbolError
        When SEC does not list the ticker.
    SourceError
        When the download fails.
    """
    payload = http.get_json(
        _TICKERS_URL, what="SEC ticker map", headers=_sec_headers(), **http_kwargs
    )
    wanted = ticker.upper()
    rows = payload.values() if isinstance(payload, Mapping) else payload
    for row in rows:
        if isinstance(row, Mapping) and str(row.get("ticker", "")).upper() == wanted:
            return int(row["cik_str"])
    raise UnknownSymbolError(
        f"SEC lists no company with ticker {ticker!r}", hint="pass the numeric CIK instead"
    )


def fetch_companyfacts(cik_or_ticker: str | int, **http_kwargs: Any) -> pd.DataFrame:
    """Download a filer's companyfacts from SEC EDGAR and parse it (network).

    Parameters
    ----------
    cik_or_ticker : str or int
        A numeric CIK (``789019``, ``"0000789019"``, ``"CIK0000789019"``) or a ticker
        (``"MSFT"``, resolved through SEC's ticker map).
    **http_kwargs
        Passed to :func:`bubblescope.data.http.get` (``timeout``, ``retries``, ``client`` ...).

    Returns
    -------
    pandas.DataFrame
        As :func:`parse_companyfacts`; ``ticker`` is the given ticker or ``CIK##########``.

    Raises
    ------
    SourceError
        When the download fails or the payload is not a companyfacts document; the message
        names the CIK or ticker.

    Notes
    -----
    SEC asks automated clients for a User-Agent naming a contact; set
    ``BUBBLESCOPE_SEC_USER_AGENT="Your Name you@example.org"``.
    """
    text = str(cik_or_ticker).strip()
    match = re.fullmatch(r"(?i)(?:CIK)?(\d{1,10})", text)
    if match:
        cik, ticker = int(match.group(1)), None
    else:
        cik, ticker = cik_for_ticker(text, **http_kwargs), text.upper()
    url = _COMPANYFACTS_URL.format(cik=cik)
    what = f"SEC companyfacts for {ticker or f'CIK{cik:010d}'}"
    payload = http.get_json(url, what=what, headers=_sec_headers(), **http_kwargs)
    try:
        return parse_companyfacts(payload, ticker=ticker)
    except DataError as exc:
        raise SourceError(f"{what} ({url}): unexpected payload: {exc}") from exc
