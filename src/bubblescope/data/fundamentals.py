"""SEC fundamentals, annual and quarterly, each value with the filing that reported it.

Two inputs give one tidy table: SEC ``companyfacts`` documents
(:func:`fundamentals_from_companyfacts`, after :func:`bubblescope.data.sec.parse_companyfacts`) and
facts parsed from inline-XBRL 10-K/10-Q pages (:func:`fundamentals_from_ixbrl`).
:func:`trailing_twelve_months` turns the table into point-in-time trailing-twelve-month figures
and :func:`split_factors` puts share counts on today's share basis.

Columns (:data:`COLUMNS`, in this order)
----------------------------------------
``symbol`` (str)
    Ticker.
``item`` (str)
    One of :data:`ITEMS`.
``period`` (str)
    ``"FY"`` for a fiscal-year value, ``"Q"`` for a quarterly one.
``fiscal_year`` (int)
    The calendar year the fiscal year ends in, or the previous one for a year ending on 1-7
    January (as :func:`bubblescope.data.sec.annual_series`): 2025 for Microsoft's year to
    2025-06-30 and for NVIDIA's year to 2025-01-26.
``fiscal_period`` (str)
    ``"FY"`` or ``"Q1"`` .. ``"Q4"`` (quarters counted from the fiscal-year start).
``start``, ``end`` (datetime64)
    First and last day of a flow. Instants (balance-sheet items, share counts) have ``start``
    NaT and ``end`` the balance-sheet date, or for ``shares_outstanding`` the cover date.
``value`` (float64)
    In ``unit``.
``unit`` (str)
    ``"USD"`` or ``"shares"``.
``tag`` (str)
    The XBRL concept used, without its taxonomy prefix; a sum is written ``"A+B"``.
``form``, ``filed``, ``accn`` (str, datetime64, str)
    The filing that reported the value: form type, filing date and accession number. Inline-XBRL
    facts carry no accession number (``""``); their form and date come from the file name.
``derived`` (bool)
    True for a quarter computed from other values (see below), False for a reported one.
``source`` (str)
    Where the facts were read from.

Items
-----
Each item is a list of formulas tried in order for every period; a formula is a sum of parts and
each part is a tag chain (the first tag with a value for that period is used). A formula applies
when all its required parts have a value; an optional part without a value counts as zero.

``A | B`` is a tag chain, ``[...]`` an optional part, ``;`` separates formulas.

``revenue`` (USD)
    Revenues | RevenueFromContractWithCustomerExcludingAssessedTax |
    RevenueFromContractWithCustomerIncludingAssessedTax | SalesRevenueNet
``operating_income`` (USD)
    OperatingIncomeLoss
``net_income`` (USD)
    NetIncomeLoss | ProfitLoss | NetIncomeLossAvailableToCommonStockholdersBasic
``capex`` (USD)
    PaymentsToAcquirePropertyPlantAndEquipment | PaymentsToAcquireProductiveAssets |
    PurchaseOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities (ifrs-full)
``depreciation`` (USD, D&A)
    DepreciationDepletionAndAmortization | DepreciationAndAmortization |
    DepreciationAmortizationAndAccretionNet; Depreciation + [AmortizationOfIntangibleAssets] +
    [FinanceLeaseRightOfUseAssetAmortization]
``operating_cash_flow`` (USD)
    NetCashProvidedByUsedInOperatingActivities | CashFlowsFromUsedInOperatingActivities
    (ifrs-full)
``cash_and_securities`` (USD, cash and equivalents plus short-term marketable securities)
    CashCashEquivalentsAndShortTermInvestments; CashAndCashEquivalentsAtCarryingValue +
    (ShortTermInvestments | MarketableSecuritiesCurrent |
    AvailableForSaleSecuritiesDebtSecuritiesCurrent | DebtSecuritiesCurrent |
    AvailableForSaleSecuritiesCurrent); CashAndCashEquivalents + CurrentInvestments (ifrs-full);
    for a filer reporting none of these securities concepts,
    CashAndCashEquivalentsAtCarryingValue | CashAndCashEquivalents alone
``debt`` (USD, long-term debt including its current portion plus short-term borrowings)
    (LongTermDebtNoncurrent | LongTermNotesAndLoans | LongTermDebtAndCapitalLeaseObligations) +
    [LongTermDebtCurrent | NotesPayableCurrent | LongTermDebtAndCapitalLeaseObligationsCurrent] +
    [CommercialPaper | ShortTermBorrowings]; LongTermDebt + [CommercialPaper |
    ShortTermBorrowings]; Borrowings; (NoncurrentPortionOfNoncurrentBorrowings |
    LongtermBorrowings) + [CurrentBorrowingsAndCurrentPortionOfNoncurrentBorrowings |
    CurrentPortionOfLongtermBorrowings] + [ShorttermBorrowings] (the last two ifrs-full)
``operating_lease_liability`` (USD, present value of operating-lease payments)
    OperatingLeaseLiability; OperatingLeaseLiabilityCurrent + OperatingLeaseLiabilityNoncurrent
``finance_lease_liability`` (USD)
    FinanceLeaseLiability; FinanceLeaseLiabilityCurrent + FinanceLeaseLiabilityNoncurrent;
    LeaseLiabilities; CurrentLeaseLiabilities + NoncurrentLeaseLiabilities (ifrs-full: IFRS 16
    has one lessee model, the finance-lease one, so an IFRS filer's lease liabilities are read
    here and its ``operating_lease_liability`` is a gap)
``leases_not_commenced`` (USD, undiscounted payments of leases signed but not yet commenced)
    LesseeLeaseNotYetCommencedCurrentAmount + [LesseeLeaseNotYetCommencedNoncurrentAmount]:
    company-extension concepts (:data:`EXTENSION_TAGS`, read from inline-XBRL facts only; no
    us-gaap element exists and companyfacts omits company tags, so most filers have none)
``remaining_performance_obligations`` (USD, contracted revenue not yet recognised: backlog)
    RevenueRemainingPerformanceObligation
``stockholders_equity`` (USD, book equity)
    StockholdersEquity | StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest
    | EquityAttributableToOwnersOfParent (ifrs-full)
``shares_outstanding`` (shares)
    dei:EntityCommonStockSharesOutstanding on the cover page, the classes reported in one
    filing summed; else CommonStockSharesOutstanding at the filing's balance-sheet date

Notes on the items: Microsoft reports its cash-flow D&A line ("Depreciation, amortization, and
other") under a company-specific tag that companyfacts omits, so its ``depreciation`` is the sum
of the three us-gaap tags (USD 21.8 bn for FY2024 against 22.3 bn published: "other" is
missing). Alphabet tags its long-term debt with finance leases
(``LongTermDebtAndCapitalLeaseObligations``) in 2015-2024. ``cash_and_securities`` is left out
rather than understated when no short-term securities tag is reported for that date; a filer
that reports no short-term securities concept in any filing (Broadcom's balance sheet shows cash
and equivalents only) has its cash alone as ``cash_and_securities``, labelled with the cash tag
alone (a filer tagging its securities under a company extension would be understated there).
companyfacts omits
company-specific tags, so a filer that used one for a line in some filings has gaps there
(NVIDIA's capex in several 10-Qs). Values are as tagged: a figure under an unexpected tag is
wrong or missing.

Foreign private issuers (Nebius) file annual reports on form 20-F, read as annual reports, and
interim reports on form 6-K, not read (their facts are rarely tagged and carry no 10-Q periods).
An IFRS filer's facts are under the ``ifrs-full`` taxonomy; the items list its concepts after
the us-gaap ones (marked ifrs-full above). Only USD (and share) facts enter the table: a value
in another currency is never converted, and :func:`bubblescope.data.financials.check_units`
refuses a filer whose latest facts of an item are in another currency.

Which vintage wins
------------------
``FY`` values follow :func:`~bubblescope.data.sec.annual_series`: annual reports only, flows
spanning a full fiscal year, instants at an annual report's period end, and the **most recently
filed** value wins, so restatements replace the original. ``Q`` values are **as first reported**
(the earliest filing wins), so each row's ``filed`` is the date the value became public and
:func:`trailing_twelve_months` is point in time; later restatements of a quarter are ignored.

Quarters
--------
A quarter's flow is the three-month value reported in a 10-Q or 10-K. When only year-to-date
values exist (cash-flow statements in 10-Qs), the quarter is the year-to-date value less the
quarters before it, and a fourth quarter not reported on its own is the fiscal year (as first
reported, in the 10-K) less the first three quarters: ``derived=True``, with the filing of the
year-to-date or annual value. Instants are kept at quarter ends (the report period ends of the
filings and the fiscal-year ends); shares at each filing's cover date.

Fiscal calendar
---------------
Fiscal-year ends are read from the facts: the ends of full-year flows in annual reports and, in
each 10-Q, the day before its year-to-date flows start. A period ending at date ``e`` belongs to
the fiscal year after the last such end before ``e`` and is quarter ``round(days / 91.3)`` of it,
which gives NVIDIA's years to late January and Microsoft's to June their own labels (beyond the
known year ends the calendar is extended in steps of 365.25 days).

References
----------
U.S. Securities and Exchange Commission, "EDGAR Application Programming Interfaces",
https://www.sec.gov/search-filings/edgar-application-programming-interfaces
FASB, "US GAAP Financial Reporting Taxonomy", https://xbrl.fasb.org (element definitions).
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblescope.data.sec import ANNUAL_DAYS, ANNUAL_FORMS, FACT_COLUMNS
from bubblescope.errors import DataError, InputError

__all__ = [
    "COLUMNS",
    "EXTENSION_TAGS",
    "FLOW_ITEMS",
    "INSTANT_ITEMS",
    "ITEMS",
    "SPLIT_RATIOS",
    "SPLIT_TOLERANCE",
    "fundamentals_from_companyfacts",
    "fundamentals_from_ixbrl",
    "item_tags",
    "split_factors",
    "trailing_table",
    "trailing_twelve_months",
]

#: Columns of every fundamentals frame, in order (see the module notes).
COLUMNS: Final = (
    "symbol",
    "item",
    "period",
    "fiscal_year",
    "fiscal_period",
    "start",
    "end",
    "value",
    "unit",
    "tag",
    "form",
    "filed",
    "accn",
    "derived",
    "source",
)


@dataclass(frozen=True)
class _Part:
    """One summand of a formula: a tag chain, required or counted as zero when absent."""

    tags: tuple[str, ...]
    required: bool = True


_Formula = tuple[_Part, ...]
_Record = dict[Hashable, Any]


def _chain(*tags: str) -> tuple[_Formula, ...]:
    """A plain tag chain as one-part formulas."""
    return ((_Part(tags),),)


_SHORT_TERM = _Part(("CommercialPaper", "ShortTermBorrowings"), required=False)

#: Flow items (durations) -> formulas, tried in order.
_FLOWS: Final[dict[str, tuple[_Formula, ...]]] = {
    "revenue": _chain(
        "Revenues",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        "RevenueFromContractWithCustomerIncludingAssessedTax",
        "SalesRevenueNet",
    ),
    "operating_income": _chain("OperatingIncomeLoss"),
    "net_income": _chain(
        "NetIncomeLoss", "ProfitLoss", "NetIncomeLossAvailableToCommonStockholdersBasic"
    ),
    "capex": _chain(
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
        "PurchaseOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities",
    ),
    "depreciation": (
        (
            _Part(
                (
                    "DepreciationDepletionAndAmortization",
                    "DepreciationAndAmortization",
                    "DepreciationAmortizationAndAccretionNet",
                )
            ),
        ),
        (
            _Part(("Depreciation",)),
            _Part(("AmortizationOfIntangibleAssets",), required=False),
            _Part(("FinanceLeaseRightOfUseAssetAmortization",), required=False),
        ),
    ),
    "operating_cash_flow": _chain(
        "NetCashProvidedByUsedInOperatingActivities", "CashFlowsFromUsedInOperatingActivities"
    ),
}

#: Balance-sheet items (instants) -> formulas, tried in order.
_INSTANTS: Final[dict[str, tuple[_Formula, ...]]] = {
    "cash_and_securities": (
        (_Part(("CashCashEquivalentsAndShortTermInvestments",)),),
        (
            _Part(("CashAndCashEquivalentsAtCarryingValue",)),
            _Part(
                (
                    "ShortTermInvestments",
                    "MarketableSecuritiesCurrent",
                    "AvailableForSaleSecuritiesDebtSecuritiesCurrent",
                    "DebtSecuritiesCurrent",
                    "AvailableForSaleSecuritiesCurrent",
                )
            ),
        ),
        (_Part(("CashAndCashEquivalents",)), _Part(("CurrentInvestments",))),
    ),
    "debt": (
        (
            _Part(
                (
                    "LongTermDebtNoncurrent",
                    "LongTermNotesAndLoans",
                    "LongTermDebtAndCapitalLeaseObligations",
                )
            ),
            _Part(
                (
                    "LongTermDebtCurrent",
                    "NotesPayableCurrent",
                    "LongTermDebtAndCapitalLeaseObligationsCurrent",
                ),
                required=False,
            ),
            _SHORT_TERM,
        ),
        (_Part(("LongTermDebt",)), _SHORT_TERM),
        (_Part(("Borrowings",)),),
        (
            _Part(("NoncurrentPortionOfNoncurrentBorrowings", "LongtermBorrowings")),
            _Part(
                (
                    "CurrentBorrowingsAndCurrentPortionOfNoncurrentBorrowings",
                    "CurrentPortionOfLongtermBorrowings",
                ),
                required=False,
            ),
            _Part(("ShorttermBorrowings",), required=False),
        ),
    ),
    "operating_lease_liability": (
        (_Part(("OperatingLeaseLiability",)),),
        (
            _Part(("OperatingLeaseLiabilityCurrent",)),
            _Part(("OperatingLeaseLiabilityNoncurrent",)),
        ),
    ),
    "finance_lease_liability": (
        (_Part(("FinanceLeaseLiability",)),),
        (
            _Part(("FinanceLeaseLiabilityCurrent",)),
            _Part(("FinanceLeaseLiabilityNoncurrent",)),
        ),
        (_Part(("LeaseLiabilities",)),),
        (_Part(("CurrentLeaseLiabilities",)), _Part(("NoncurrentLeaseLiabilities",))),
    ),
    "leases_not_commenced": (
        (
            _Part(("LesseeLeaseNotYetCommencedCurrentAmount",)),
            _Part(("LesseeLeaseNotYetCommencedNoncurrentAmount",), required=False),
        ),
    ),
    "remaining_performance_obligations": _chain("RevenueRemainingPerformanceObligation"),
    "stockholders_equity": _chain(
        "StockholdersEquity",
        "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest",
        "EquityAttributableToOwnersOfParent",
    ),
}

#: Short-term securities concepts of ``cash_and_securities`` (us-gaap, then ifrs-full).
_SHORT_TERM_SECURITIES: Final = (
    "CashCashEquivalentsAndShortTermInvestments",
    "ShortTermInvestments",
    "MarketableSecuritiesCurrent",
    "AvailableForSaleSecuritiesDebtSecuritiesCurrent",
    "DebtSecuritiesCurrent",
    "AvailableForSaleSecuritiesCurrent",
    "CurrentInvestments",
)
#: ``cash_and_securities`` of a filer that reports no short-term securities concept at all.
_CASH_ALONE: Final[_Formula] = (
    _Part(("CashAndCashEquivalentsAtCarryingValue", "CashAndCashEquivalents")),
)


def _instant_formulas(concepts: set[str]) -> dict[str, tuple[_Formula, ...]]:
    """The instant formulas for a filer reporting ``concepts``.

    Cash alone counts as ``cash_and_securities`` only for a filer that never reports
    short-term securities.
    """
    if concepts & set(_SHORT_TERM_SECURITIES):
        return _INSTANTS
    return {**_INSTANTS, "cash_and_securities": (*_INSTANTS["cash_and_securities"], _CASH_ALONE)}


#: Company-extension concepts read from inline-XBRL facts (no us-gaap element exists for them).
EXTENSION_TAGS: Final = (
    "LesseeLeaseNotYetCommencedCurrentAmount",
    "LesseeLeaseNotYetCommencedNoncurrentAmount",
)

_COVER_SHARES = "EntityCommonStockSharesOutstanding"
_BALANCE_SHARES = "CommonStockSharesOutstanding"

#: Flow items.
FLOW_ITEMS: Final = tuple(_FLOWS)
#: Instant items (``shares_outstanding`` is dated at the cover date).
INSTANT_ITEMS: Final = (*_INSTANTS, "shares_outstanding")
#: Every item, in the order of the module notes.
ITEMS: Final = (*FLOW_ITEMS, *INSTANT_ITEMS)


def item_tags(item: str) -> tuple[str, ...]:
    """Every XBRL concept an item's formulas read, in formula and chain order.

    Raises
    ------
    InputError
        For an unknown item.

    Examples
    --------
    >>> item_tags("remaining_performance_obligations")
    ('RevenueRemainingPerformanceObligation',)
    """
    if item == "shares_outstanding":
        return (_COVER_SHARES, _BALANCE_SHARES)
    formulas = _FLOWS.get(item) or _INSTANTS.get(item)
    if formulas is None:
        raise InputError(f"unknown fundamentals item {item!r}", hint=f"choose one of {ITEMS}")
    tags = (t for formula in formulas for part in formula for t in part.tags)
    return tuple(dict.fromkeys(tags))


#: Forms whose facts are used (annual and quarterly reports and their amendments).
_FORMS: Final = (*ANNUAL_FORMS, "10-Q", "10-Q/A")
#: Days of a three-month flow (13- and 14-week quarters included).
_QUARTER_DAYS: Final = (80, 100)
_DAYS_PER_QUARTER: Final = 365.25 / 4
#: Largest gap, days, between a quarter end and its nominal position in the fiscal year.
_QUARTER_SLACK: Final = 20
#: A fiscal year ending on 1..7 January is labelled by the previous year (as in sec.py).
_FY_ROLLBACK_DAYS: Final = 7

#: Split ratios :func:`split_factors` recognises (and their reciprocals, reverse splits).
SPLIT_RATIOS: Final = (1.5, 2.0, 3.0, 4.0, 5.0, 10.0, 20.0)
#: Relative tolerance of a share-count ratio around a split ratio.
SPLIT_TOLERANCE: Final = 0.05
#: Longest gap, days, between two share counts compared by :func:`split_factors` (~7 months).
SPLIT_MAX_GAP_DAYS: Final = 215

_STD_COLUMNS: Final = (
    "concept",
    "unit",
    "start",
    "end",
    "value",
    "form",
    "filed",
    "accn",
    "filing",
    "annual",
    "source",
)


# --- inputs ------------------------------------------------------------------------------------


def fundamentals_from_companyfacts(facts: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Annual and quarterly fundamentals of one filer from its parsed companyfacts.

    Parameters
    ----------
    facts : pandas.DataFrame
        Output of :func:`bubblescope.data.sec.parse_companyfacts` for one filer; ``ticker``
        becomes ``symbol``.
    source : str
        Recorded in the ``source`` column (e.g. the file or URL the document came from).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (see the module notes), sorted by item, period and end.

    Raises
    ------
    InputError
        When ``facts`` lacks the companyfacts columns or holds more than one filer.

    Examples
    --------
    >>> from bubblescope.data.sec import parse_companyfacts
    >>> facts = parse_companyfacts("NVDA_companyfacts_CIK0001045810.json.gz", ticker="NVDA")
    ... # doctest: +SKIP
    >>> table = fundamentals_from_companyfacts(facts, source="companyfacts")  # doctest: +SKIP
    """
    missing = [c for c in FACT_COLUMNS if c not in facts.columns]
    if missing:
        raise InputError(
            f"companyfacts frame lacks column(s) {missing}",
            hint="pass the output of bubblescope.data.sec.parse_companyfacts",
        )
    tickers = facts["ticker"].dropna().unique()
    if len(tickers) > 1:
        raise InputError(
            f"companyfacts frame holds {len(tickers)} filers ({', '.join(map(str, tickers))})",
            hint="convert one filer at a time",
        )
    if len(tickers) == 0:
        return _empty()
    form = facts["form"].astype(object)
    annual = form.isin(ANNUAL_FORMS).to_numpy() & (facts["fp"].astype(object) == "FY").to_numpy()
    std = pd.DataFrame(
        {
            "concept": facts["concept"].astype(object),
            "unit": facts["unit"].astype(object),
            "start": facts["start"],
            "end": facts["end"],
            "value": facts["value"].to_numpy(dtype=np.float64),
            "form": form,
            "filed": facts["filed"],
            "accn": facts["accn"].astype(object).fillna(""),
            "filing": facts["accn"].astype(object).fillna(""),
            "annual": annual,
            "source": source,
        }
    )
    std = std[std["form"].isin(_FORMS) & std["unit"].isin(("USD", "shares"))]
    return _tidy(std, str(tickers[0]))


_IXBRL_COLUMNS: Final = (
    "company",
    "concept",
    "period_start",
    "period_end",
    "instant",
    "value",
    "unit",
    "source",
)
_UNITS: Final = {"usd": "USD", "u_usd": "USD", "shares": "shares", "u_shares": "shares"}


def _form_of(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    if re.search(r"10-?k", name, flags=re.IGNORECASE):
        return "10-K"
    if re.search(r"10-?q", name, flags=re.IGNORECASE):
        return "10-Q"
    raise DataError(
        f"iXBRL facts from {source!r}: cannot tell the form (10-K or 10-Q) from the file name"
    )


def _filed_of(source: str) -> pd.Timestamp | None:
    match = re.search(r"(\d{4}-\d{2}-\d{2})", source.rsplit("/", 1)[-1])
    return pd.Timestamp(match.group(1)) if match else None


def fundamentals_from_ixbrl(rows: pd.DataFrame) -> pd.DataFrame:
    """Fundamentals from facts parsed out of inline-XBRL 10-K/10-Q pages.

    Parameters
    ----------
    rows : pandas.DataFrame
        Columns ``company, concept, period_start, period_end, instant, value, unit, source``
        (``decimals`` is ignored), as in the shared file
        ``sec_xbrl/ixbrl_10k_facts_AMZN_META_GOOGL_NVDA_ORCL.csv.gz``: concepts prefixed
        ``us-gaap:``/``dei:``, values already scaled and signed, one source file per filing.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`. Each source file is one filing: ``form`` is ``10-K`` or
        ``10-Q`` read from the file name, ``filed`` the date in the file name (NaT when it
        has none, e.g. ``Oracle.10-Q.html``; such values never enter
        :func:`trailing_twelve_months`), ``accn`` is ``""``.

    Raises
    ------
    InputError
        When columns are missing.
    DataError
        When a file name tells neither 10-K nor 10-Q, or dates are malformed.
    """
    missing = [c for c in _IXBRL_COLUMNS if c not in rows.columns]
    if missing:
        raise InputError(f"iXBRL facts lack column(s) {missing}")
    if rows.empty:
        return _empty()
    concept = rows["concept"].astype(str)
    taxonomy = concept.str.split(":", n=1).str[0]
    local = concept.str.split(":", n=1).str[-1]
    keep = (taxonomy.isin(("us-gaap", "dei")) | local.isin(EXTENSION_TAGS)).to_numpy()
    rows = rows[keep]
    concept = local[keep]
    sources = rows["source"].astype(str)
    forms = {s: _form_of(s) for s in sources.unique()}
    try:
        start = pd.to_datetime(rows["period_start"], format="%Y-%m-%d")
        end = pd.to_datetime(rows["period_end"], format="%Y-%m-%d")
    except (TypeError, ValueError) as exc:
        raise DataError(f"iXBRL facts: malformed period dates: {exc}") from exc
    is_instant = rows["instant"].astype(bool).to_numpy()
    form = sources.map(forms)
    std = pd.DataFrame(
        {
            "concept": concept.astype(object),
            "unit": rows["unit"].astype(str).str.lower().map(_UNITS).astype(object),
            "start": start.where(~is_instant),
            "end": end,
            "value": pd.to_numeric(rows["value"]).to_numpy(dtype=np.float64),
            "form": form.astype(object),
            "filed": sources.map({s: _filed_of(s) for s in forms}).astype("datetime64[ns]"),
            "accn": "",
            "filing": sources.astype(object),
            "annual": form.isin(ANNUAL_FORMS).to_numpy(),
            "source": sources.astype(object),
            "company": rows["company"].astype(str).to_numpy(),
        }
    )
    std = std[std["unit"].isin(("USD", "shares"))]
    parts = [
        _tidy(group.drop(columns="company"), str(symbol))
        for symbol, group in std.groupby("company", sort=True)
    ]
    return pd.concat(parts, ignore_index=True) if parts else _empty()


# --- the engine --------------------------------------------------------------------------------


def _empty() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in order with the documented dtypes."""
    out = frame.loc[:, list(COLUMNS)].copy()
    for col in ("symbol", "item", "period", "fiscal_period", "unit", "tag", "form", "accn"):
        out[col] = out[col].astype(object).fillna("").astype(str)
    out["source"] = out["source"].astype(object).fillna("").astype(str)
    out["fiscal_year"] = out["fiscal_year"].astype(np.int64)
    for col in ("start", "end", "filed"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    out["value"] = out["value"].astype(np.float64)
    out["derived"] = out["derived"].astype(bool)
    return out.reset_index(drop=True)


def _days(frame: pd.DataFrame) -> pd.Series:
    return (frame["end"] - frame["start"]).dt.days


def _label(fy_end: pd.Timestamp) -> int:
    """Fiscal-year label of a year ending on ``fy_end`` (previous year for 1-7 January)."""
    rollback = fy_end.month == 1 and fy_end.day <= _FY_ROLLBACK_DAYS
    return int(fy_end.year) - int(rollback)


class _Calendar:
    """Fiscal-year ends of one filer, read from its facts (see the module notes)."""

    def __init__(self, std: pd.DataFrame, period_ends: pd.Series) -> None:
        flows = std[std["start"].notna()]
        days = _days(flows)
        full = flows[flows["annual"].to_numpy() & days.between(*ANNUAL_DAYS).to_numpy()]
        anchors = set(full["end"])
        interim = flows[~flows["annual"].to_numpy() & (days <= 290).to_numpy()]
        at_end = interim[interim["end"].to_numpy() == interim["filing"].map(period_ends).to_numpy()]
        starts = at_end.groupby("filing")["start"].min()
        anchors.update(starts - pd.Timedelta(days=1))
        self.ends = pd.DatetimeIndex(sorted(anchors))

    def locate(self, end: pd.Timestamp) -> tuple[int, int, pd.Timestamp] | None:
        """``(fiscal_year, quarter, fiscal_year_start)`` of a period ending on ``end``."""
        if self.ends.empty:
            return None
        step = pd.Timedelta(days=365.25)
        slack = pd.Timedelta(days=10)
        i = int(self.ends.searchsorted(end, side="left")) - 1
        if i < 0:
            n = math.floor((self.ends[0] - end + slack) / step) + 1
            prev = self.ends[0] - (n * step).round("D")
        else:
            prev = self.ends[i]
            gap = end - prev
            if gap > pd.Timedelta(days=ANNUAL_DAYS[1]):
                prev = prev + ((math.ceil((gap - slack) / step) - 1) * step).round("D")
        days = (end - prev).days
        quarter = round(days / _DAYS_PER_QUARTER)
        if not 1 <= quarter <= 4 or abs(days - quarter * _DAYS_PER_QUARTER) > _QUARTER_SLACK:
            return None
        nxt = self.ends[i + 1] if 0 <= i + 1 < len(self.ends) else None
        fy_end = (
            nxt if nxt is not None and nxt - prev <= pd.Timedelta(days=ANNUAL_DAYS[1]) else None
        )
        if fy_end is None:
            fy_end = prev + pd.Timedelta(days=365)
        return _label(fy_end), quarter, prev + pd.Timedelta(days=1)


def _period_ends(std: pd.DataFrame) -> pd.Series:
    """Filing key -> its report period end (the latest end of its flows up to a year long).

    Flows ending after their filing date are left out: a report describes a period that has
    ended, and a forward-dated fact (NVIDIA tags share-repurchase programmes running into the
    next fiscal year) would otherwise shift the filer's fiscal calendar.
    """
    flows = std[std["start"].notna()]
    flows = flows[(_days(flows) <= ANNUAL_DAYS[1]).to_numpy()]
    ended = flows["filed"].isna() | (flows["end"] <= flows["filed"])
    return flows[ended.to_numpy()].groupby("filing")["end"].max()


def _pick(facts: pd.DataFrame, key: list[str], latest: bool) -> pd.DataFrame:
    """One fact per (concept, key): the latest or the earliest filed (ties by accession)."""
    ordered = facts.sort_values(
        ["filed", "accn"], ascending=[not latest, not latest], kind="stable", na_position="last"
    )
    return ordered.drop_duplicates(["concept", *key], keep="first")


def _evaluate(
    picks: pd.DataFrame, formulas: tuple[_Formula, ...], key: list[str], *, latest: bool
) -> pd.DataFrame:
    """Evaluate an item's formulas at every key; the first formula that applies wins.

    Within a tag chain the first tag with a value wins (``latest``: annual values, as
    ``annual_series``); for first-reported values the earliest filed tag wins, ties by chain
    order, so a value reported under a lower tag first is dated by that first report.
    """
    by = ["_r"] if latest else ["filed", "_r"]
    carried = ["value", "concept", "form", "filed", "accn", "source"]
    if "start" not in key:
        carried.insert(0, "start")
    kept = [c if c != "concept" else "tag" for c in carried]
    found = []
    for rank, formula in enumerate(formulas):
        total: pd.DataFrame | None = None
        for part in formula:
            sub = picks[picks["concept"].isin(part.tags)]
            order = {t: i for i, t in enumerate(part.tags)}
            sub = (
                sub.assign(_r=sub["concept"].map(order))
                .sort_values(by, kind="stable")
                .drop_duplicates(key)
                .set_index(key)
            )
            sub = sub[carried]
            if total is None:
                total = sub.rename(columns={"concept": "tag"})
                continue
            joined = total.merge(
                sub,
                how="inner" if part.required else "left",
                left_index=True,
                right_index=True,
                suffixes=("", "_p"),
            )
            has = joined["value_p"].notna()
            later = has & (joined["filed_p"] > joined["filed"]).fillna(False)
            joined["value"] = joined["value"] + joined["value_p"].fillna(0.0)
            joined["tag"] = joined["tag"].where(~has, joined["tag"] + "+" + joined["concept"])
            for col in ("form", "filed", "accn", "source"):
                joined[col] = joined[col].where(~later, joined[f"{col}_p"])
            total = joined[kept]
        if total is not None and not total.empty:
            found.append(total.assign(_rank=rank))
    if not found:
        return pd.DataFrame(columns=[*key, *kept])
    out = pd.concat(found).reset_index()
    out = out.sort_values("_rank", kind="stable").drop_duplicates(key).drop(columns="_rank")
    return out.reset_index(drop=True)


def _annual_rows(
    std: pd.DataFrame,
    annual_ends: set[pd.Timestamp],
    instant_formulas: dict[str, tuple[_Formula, ...]],
) -> list[pd.DataFrame]:
    annual = std[std["annual"].to_numpy() & (std["unit"] == "USD").to_numpy()]
    flows = annual[_days(annual).between(*ANNUAL_DAYS).to_numpy()]
    instants = annual[annual["start"].isna().to_numpy() & annual["end"].isin(annual_ends)]
    out = []
    for items, facts in ((_FLOWS, flows), (instant_formulas, instants)):
        picks = _pick(facts, ["end"], latest=True)
        for item, formulas in items.items():
            rows = _evaluate(picks, formulas, ["end"], latest=True)
            if rows.empty:
                continue
            if item in instant_formulas:
                rows["start"] = pd.NaT
            rows["fiscal_year"] = [_label(e) for e in rows["end"]]
            rows = rows.sort_values("end").drop_duplicates("fiscal_year", keep="last")
            out.append(rows.assign(item=item, period="FY", fiscal_period="FY", derived=False))
    return out


def _quarter_flows(std: pd.DataFrame, cal: _Calendar) -> list[pd.DataFrame]:
    flows = std[std["start"].notna().to_numpy() & (std["unit"] == "USD").to_numpy()]
    flows = flows[(_days(flows) <= ANNUAL_DAYS[1]).to_numpy()]
    picks = _pick(flows, ["start", "end"], latest=False)
    out = []
    for item, formulas in _FLOWS.items():
        rows = _evaluate(picks, formulas, ["start", "end"], latest=False)
        if rows.empty:
            continue
        quarters: dict[tuple[int, int], _Record] = {}
        cumulative: dict[tuple[int, int], _Record] = {}
        for rec in rows.sort_values("filed", kind="stable").to_dict("records"):
            where = cal.locate(rec["end"])
            if where is None:
                continue
            fy, q, fy_start = where
            days = (rec["end"] - rec["start"]).days
            if _QUARTER_DAYS[0] <= days <= _QUARTER_DAYS[1]:
                quarters.setdefault((fy, q), rec)
            if abs((rec["start"] - fy_start).days) <= 3:
                cumulative.setdefault((fy, q), rec)
        records: list[_Record] = []
        for fy in sorted({fy for fy, _ in quarters} | {fy for fy, _ in cumulative}):
            prior: list[_Record] = []  # Q1..Q(q-1) of this year, while unbroken
            for q in (1, 2, 3, 4):
                if (fy, q) in quarters:
                    rec = {**quarters[(fy, q)], "derived": False}
                elif (fy, q) in cumulative and len(prior) == q - 1:
                    base = cumulative[(fy, q)]
                    start = (
                        pd.Timestamp(str(prior[-1]["end"])) + pd.Timedelta(days=1)
                        if prior
                        else base["start"]
                    )
                    earlier = sum(float(str(r["value"])) for r in prior)
                    value = float(str(base["value"])) - earlier
                    rec = {**base, "value": value, "start": start, "derived": q > 1}
                else:
                    continue
                records.append({**rec, "fiscal_year": fy, "fiscal_period": f"Q{q}"})
                if len(prior) == q - 1:
                    prior.append(rec)
        if records:
            frame = pd.DataFrame.from_records(records)
            out.append(frame.assign(item=item, period="Q"))
    return out


def _quarter_instants(
    std: pd.DataFrame,
    cal: _Calendar,
    quarter_ends: set[pd.Timestamp],
    instant_formulas: dict[str, tuple[_Formula, ...]],
) -> list[pd.DataFrame]:
    facts = std[std["start"].isna().to_numpy() & (std["unit"] == "USD").to_numpy()]
    facts = facts[facts["end"].isin(quarter_ends)]
    picks = _pick(facts, ["end"], latest=False)
    out = []
    for item, formulas in instant_formulas.items():
        rows = _evaluate(picks, formulas, ["end"], latest=False)
        located = [cal.locate(e) for e in rows["end"]]
        ok = np.array([w is not None for w in located], dtype=bool)
        if not ok.any():
            continue
        rows = rows[ok].copy()
        rows["fiscal_year"] = [w[0] for w in located if w is not None]
        rows["fiscal_period"] = [f"Q{w[1]}" for w in located if w is not None]
        rows["start"] = pd.NaT
        rows = rows.sort_values("filed", kind="stable").drop_duplicates(
            ["fiscal_year", "fiscal_period"]
        )
        out.append(rows.assign(item=item, period="Q", derived=False))
    return out


def _shares(std: pd.DataFrame, cal: _Calendar, period_ends: pd.Series) -> list[pd.DataFrame]:
    """Cover-page share counts per filing (classes summed), else the balance-sheet count."""
    shares = std[(std["unit"] == "shares").to_numpy() & std["start"].isna().to_numpy()]
    cover = shares[shares["concept"] == _COVER_SHARES]
    balance = shares[shares["concept"] == _BALANCE_SHARES]
    records = []
    for filing, period_end in period_ends.items():
        rows = cover[cover["filing"] == filing]
        tag = _COVER_SHARES
        if rows.empty:
            rows = balance[(balance["filing"] == filing) & (balance["end"] == period_end)]
            tag = _BALANCE_SHARES
        if rows.empty:
            continue
        rows = rows[rows["end"] == rows["end"].max()]
        where = cal.locate(period_end)
        if where is None:
            continue
        first = rows.iloc[0]
        records.append(
            {
                "start": pd.NaT,
                "end": first["end"],
                "value": float(rows["value"].sum()),
                "tag": tag,
                "form": first["form"],
                "filed": first["filed"],
                "accn": first["accn"],
                "source": first["source"],
                "annual": bool(first["annual"]),
                "fiscal_year": where[0],
                "fiscal_period": f"Q{where[1]}",
            }
        )
    if not records:
        return []
    table = pd.DataFrame.from_records(records).sort_values(["filed", "accn"], kind="stable")
    quarterly = table.drop_duplicates(["fiscal_year", "fiscal_period"], keep="first")
    yearly = table[table["annual"] & (table["fiscal_period"] == "Q4")]
    yearly = yearly.drop_duplicates("fiscal_year", keep="last").assign(
        period="FY", fiscal_period="FY"
    )
    return [
        quarterly.assign(period="Q"),
        yearly,
    ]


def _tidy(std: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """The tidy fundamentals table of one filer from standardised facts."""
    std = std.loc[:, list(_STD_COLUMNS)].reset_index(drop=True)
    if std.empty:
        return _empty()
    period_ends = _period_ends(std)
    cal = _Calendar(std, period_ends)
    annual_filings = std.loc[std["annual"].to_numpy(), "filing"].unique()
    annual_ends = set(period_ends[period_ends.index.isin(annual_filings)])
    quarter_ends = set(period_ends) | set(cal.ends)
    instants = _instant_formulas(set(std["concept"]))
    parts = [
        *_annual_rows(std, annual_ends, instants),
        *_quarter_flows(std, cal),
        *_quarter_instants(std, cal, quarter_ends, instants),
    ]
    share_parts = _shares(std, cal, period_ends)
    parts += [p.assign(item="shares_outstanding", derived=False) for p in share_parts]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty()
    frame = pd.concat(parts, ignore_index=True)
    frame["symbol"] = symbol
    frame["unit"] = np.where(frame["item"] == "shares_outstanding", "shares", "USD")
    frame["derived"] = frame["derived"].astype(bool)
    order = {item: i for i, item in enumerate(ITEMS)}
    frame = frame.assign(_o=frame["item"].map(order)).sort_values(
        ["_o", "period", "end", "fiscal_period"], kind="stable"
    )
    return _typed(frame)


# --- point in time ------------------------------------------------------------------------------


def _item_rows(frame: pd.DataFrame, symbol: str, item: str) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"fundamentals frame lacks column(s) {missing}",
            hint="pass the output of fundamentals_from_companyfacts or load_fundamentals()",
        )
    if item not in ITEMS:
        raise InputError(f"unknown fundamentals item {item!r}", hint=f"choose one of {ITEMS}")
    rows = frame[(frame["symbol"] == symbol) & (frame["item"] == item) & (frame["period"] == "Q")]
    return rows[rows["filed"].notna()].sort_values(["filed", "end"], kind="stable")


def _day_gaps(dates: pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Whole days between consecutive dates (any datetime resolution)."""
    return np.diff(dates.to_numpy().astype("datetime64[D]")).astype(np.int64)


def trailing_table(frame: pd.DataFrame, symbol: str, item: str) -> pd.DataFrame:
    """Point-in-time trailing twelve months of ``item`` with the filing each rests on.

    Parameters
    ----------
    frame : pandas.DataFrame
        A fundamentals table (:data:`COLUMNS`), e.g.
        :func:`bubblescope.data.bundled.load_fundamentals`.
    symbol : str
        Ticker as in the ``symbol`` column.
    item : str
        One of :data:`ITEMS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``filed`` (one row per filing date of the item's quarterly values, sorted):
        ``value`` (float64; for a flow the sum of the four latest quarters known at that date,
        NaN when those four are not consecutive; for an instant the latest value), and the
        latest quarter it includes (``fiscal_year``, ``fiscal_period``, ``end``) and the filing
        that completed it (``form``, ``accn``).

    Raises
    ------
    InputError
        For an unknown item or a frame without the fundamentals columns.

    Notes
    -----
    Only quarterly rows with a filing date are used; as they are as first reported, the
    value at filing date ``d`` uses no information filed after ``d``. One pass over the rows
    sorted by filing date keeps each quarter's latest-ending report as it goes (the same table
    as a pandas selection per filing date, tests/data/test_trailing_table.py).
    """
    rows = _item_rows(frame, symbol, item)
    flow = item in FLOW_ITEMS
    filed = rows["filed"].to_numpy(dtype="datetime64[ns]")
    # NaT sorts after every date, as sort_values(na_position="last") puts it
    end_ns = rows["end"].to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    end_ns[end_ns == np.iinfo(np.int64).min] = np.iinfo(np.int64).max
    end_day = rows["end"].to_numpy(dtype="datetime64[D]")
    values = rows["value"].to_numpy(dtype=np.float64)
    filed_ns = filed.view(np.int64)
    years, periods = rows["fiscal_year"].tolist(), rows["fiscal_period"].tolist()
    ends, forms, accns = rows["end"].tolist(), rows["form"].tolist(), rows["accn"].tolist()
    quarters = [
        (None if pd.isna(y) else y, None if pd.isna(q) else q)
        for y, q in zip(years, periods, strict=True)
    ]
    # Rows come sorted by (filed, end): those known at a filing date are a prefix. Of each
    # quarter the row kept is the last in (end, position) order, as a stable sort by end and
    # drop_duplicates(keep="last") keep it.
    kept: dict[tuple[object, object], int] = {}
    out: list[dict[str, object]] = []
    j = 0
    for day in pd.DatetimeIndex(rows["filed"].unique()):
        while j < len(filed_ns) and filed_ns[j] <= day.value:
            held = kept.get(quarters[j])
            if held is None or end_ns[j] >= end_ns[held]:
                kept[quarters[j]] = j
            j += 1
        known = sorted(kept.values(), key=lambda k: (end_ns[k], k))
        latest = known[-1]
        if flow:
            window = known[-4:]
            gaps = np.diff(end_day[window]).astype(np.int64)
            consecutive = len(window) == 4 and bool(
                np.all((gaps >= _QUARTER_DAYS[0]) & (gaps <= _QUARTER_DAYS[1]))
            )
            summed = values[window].copy()
            summed[np.isnan(summed)] = 0.0  # pandas' sum skips NaN the same way
            value = float(summed.sum()) if consecutive else np.nan
            newest = max(enumerate(window), key=lambda p: (filed_ns[p[1]], p[0]))[1]
        else:
            value = float(values[latest])
            newest = latest
        out.append(
            {
                "filed": day,
                "value": value,
                "fiscal_year": int(years[latest]),
                "fiscal_period": str(periods[latest]),
                "end": ends[latest],
                "form": str(forms[newest]),
                "accn": str(accns[newest]),
            }
        )
    columns = ["value", "fiscal_year", "fiscal_period", "end", "form", "accn"]
    if not out:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        empty["value"] = empty["value"].astype(np.float64)
        empty.index = pd.DatetimeIndex([], name="filed")
        return empty
    return pd.DataFrame.from_records(out).set_index("filed")


def trailing_twelve_months(frame: pd.DataFrame, symbol: str, item: str) -> pd.Series:
    """Point-in-time TTM of a flow item (latest value of an instant), by filing date.

    Parameters
    ----------
    frame : pandas.DataFrame
        A fundamentals table (:data:`COLUMNS`).
    symbol : str
    item : str
        A flow (``revenue``, ``net_income`` ...: the sum of the last four quarters known at each
        filing date) or an instant (``cash_and_securities``, ``debt``, ``shares_outstanding``:
        the latest value known at each filing date).

    Returns
    -------
    pandas.Series
        float64 in the item's unit, indexed by the filing date at which the figure became
        known, so a valuation at date ``t`` may use the entries dated on or before ``t``.
        See :func:`trailing_table` for the periods and filings behind each value.

    Examples
    --------
    >>> from bubblescope.data.bundled import load_fundamentals
    >>> ttm = trailing_twelve_months(load_fundamentals("NVDA"), "NVDA", "revenue")
    >>> round(float(ttm.loc[:"2025-03-01"].iloc[-1]) / 1e9, 2)  # FY2025, 10-K of 2025-02-26
    130.5
    """
    table = trailing_table(frame, symbol, item)
    return table["value"].astype(np.float64).rename(f"{symbol} {item} TTM")


def split_factors(shares: pd.Series) -> pd.Series:
    """Cumulative stock-split factor from each share count to today's share basis (heuristic).

    A split is inferred between two consecutive counts at most :data:`SPLIT_MAX_GAP_DAYS`
    (~7 months) apart whose ratio is within :data:`SPLIT_TOLERANCE` (5%, relative) of a ratio
    in :data:`SPLIT_RATIOS` (1.5, 2, 3, 4, 5, 10, 20) or of its reciprocal (a reverse split).
    This is a heuristic: a share issue or buyback of that size within seven months would be
    taken for a split, and a split between counts further apart is missed.

    Parameters
    ----------
    shares : pandas.Series
        Share counts indexed by date (sorted, unique), e.g. ``shares_outstanding`` by filing.

    Returns
    -------
    pandas.Series
        float64 factor on the same index: ``shares * factor`` is the count in today's shares
        (the product of the split ratios after each date; 1 after the last split).

    Raises
    ------
    InputError
        For an index that is not sorted unique dates, or non-positive or missing counts.

    Examples
    --------
    >>> dates = pd.to_datetime(["2021-05-21", "2021-08-13", "2024-05-24", "2024-08-23"])
    >>> s = pd.Series([6.23e8, 2.5e9, 2.46e9, 2.453e10], index=dates)
    >>> split_factors(s).tolist()
    [40.0, 10.0, 10.0, 1.0]
    """
    if not isinstance(shares.index, pd.DatetimeIndex):
        raise InputError("split_factors needs share counts indexed by date (a DatetimeIndex)")
    if not shares.index.is_monotonic_increasing or shares.index.has_duplicates:
        raise InputError("split_factors: dates must be sorted and unique")
    values = shares.to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(values) & (values > 0)):
        raise InputError("split_factors: share counts must be positive numbers")
    ratios = np.ones(len(values))
    if len(values) > 1:
        step = values[1:] / values[:-1]
        gaps = _day_gaps(shares.index)
        for k in SPLIT_RATIOS:
            up = np.abs(step / k - 1.0) <= SPLIT_TOLERANCE
            down = np.abs(step * k - 1.0) <= SPLIT_TOLERANCE
            close = gaps <= SPLIT_MAX_GAP_DAYS
            ratios[1:] = np.where(up & close, k, np.where(down & close, 1.0 / k, ratios[1:]))
    after = np.append(np.cumprod(ratios[::-1])[::-1][1:], 1.0)
    return pd.Series(after, index=shares.index, name="split_factor")
