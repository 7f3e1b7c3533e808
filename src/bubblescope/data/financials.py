"""Firm financials: what each firm of the financing network reports, each value with its source.

A public firm's items come from its SEC filings (the fundamentals table of
:mod:`bubblescope.data.fundamentals`: the store's copy when ``bubblescope data update`` or
``data fetch`` put one there, else the shipped one), each value with the filing that reported it
(form, fiscal period, period end, filing date, accession number). A private lab's items come from
the fact base, each with its fact id and grade. Nothing is ever filled with zero: an item no
source gives is a :class:`MissingValue` that says why, and :meth:`FirmFinancials.require` turns it
into a :class:`~bubblescope.errors.DataError` naming the firm, the item and the reason.

Items of a public firm (:data:`FINANCIAL_ITEMS`, USD bn)
--------------------------------------------------------
``cash_and_securities``, ``debt``, ``operating_lease_liability``, ``finance_lease_liability``,
``leases_not_commenced``, ``remaining_performance_obligations``, ``stockholders_equity``
    Balance-sheet instants at the latest period end the filings give (a 10-Q's quarter end or a
    10-K's year end).
``operating_cash_flow``, ``capex``
    The latest fiscal year's flows (10-K).
``free_cash_flow``
    ``operating_cash_flow − capex`` of that fiscal year, both from the same 10-K (capex as cash
    paid for property and equipment; finance-lease additions are not in it).

Where the filings lack an item or are older than a sourced fact, the fact base fills it
(:data:`FACT_ITEMS`, e.g. Oracle's leases not yet commenced, fact ``CIR-06``), labelled with the
fact's id and grade.

A firm that files outside the SEC gets its items from the fact base alone (SoftBank Group, ticker
``9984.T``: cash and cash equivalents from its TSE consolidated financial report, fact
``SBG-01``). A fact in another currency (unit ``"JPY bn"``) is converted to USD at the sourced
rate :data:`FX_RATE_FACTS` names for that currency (unit ``"JPY/USD"``, fact ``SBG-03``); the
value then carries both fact ids (``SBG-01+SBG-03``) and both grades. A currency without a rate
fact is a :class:`~bubblescope.errors.UnitError`, never an unconverted number.

Bad filings
-----------
* a missing tag: a :class:`MissingValue` naming the tags tried (never 0);
* a value in another currency or another unit than USD (:func:`check_units`): a
  :class:`~bubblescope.errors.UnitError` naming the firm, the concept and the unit;
* a restated period: the value as last filed, with ``restated_from_usd_bn`` the value as first
  reported (an annual flow's four quarters as first reported, or a balance-sheet instant's first
  report) and ``restated`` True in the records.

References
----------
U.S. Securities and Exchange Commission, "EDGAR Application Programming Interfaces",
https://www.sec.gov/search-filings/edgar-application-programming-interfaces
FASB, "Leases (Topic 842)" (ASU 2016-02) and "Revenue from Contracts with Customers (Topic 606)"
(ASU 2014-09): lease liabilities and remaining performance obligations.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from bubblescope._typing import JSONDict
from bubblescope.cache import content_hash
from bubblescope.data.fundamentals import COLUMNS, item_tags
from bubblescope.errors import BubblescopeError, DataError, InputError, UnitError

__all__ = [
    "FACT_ITEMS",
    "FINANCIAL_ITEMS",
    "FX_RATE_FACTS",
    "LAB_FACTS",
    "LAB_ITEMS",
    "FiledValue",
    "FirmFinancials",
    "FirmValue",
    "MissingValue",
    "SourcedValue",
    "check_units",
    "financials_from_companyfacts",
    "financials_from_fundamentals",
    "firm_financials",
    "lab_financials",
]

#: Balance-sheet items of a public firm (instants).
BALANCE_ITEMS: Final = (
    "cash_and_securities",
    "debt",
    "operating_lease_liability",
    "finance_lease_liability",
    "leases_not_commenced",
    "remaining_performance_obligations",
    "stockholders_equity",
)
#: Cash-flow items of a public firm (latest fiscal year).
CASH_FLOW_ITEMS: Final = ("operating_cash_flow", "capex")
#: Every item of a public firm, in table order.
FINANCIAL_ITEMS: Final = (*BALANCE_ITEMS, *CASH_FLOW_ITEMS, "free_cash_flow")

#: Items of a private lab (from the fact base).
LAB_ITEMS: Final = (
    "revenue",
    "revenue_run_rate",
    "operating_loss",
    "cash_burn",
    "cash_raised",
    "committed_funding",
)

#: Private labs' items -> fact ids (the fact base's sourced figures).
LAB_FACTS: Final[Mapping[str, Mapping[str, str]]] = {
    "OpenAI": {
        "revenue": "OAI-06",
        "revenue_run_rate": "OAI-05c",
        "operating_loss": "OAI-07b",
        "cash_raised": "CIR-27",
    },
    "Anthropic": {"revenue_run_rate": "LAB-01", "cash_raised": "LAB-02"},
    "xAI": {"revenue": "LAB-03", "cash_burn": "LAB-04", "cash_raised": "LAB-05"},
}

#: Public firms' items the fact base gives where the filings lack them or are older.
FACT_ITEMS: Final[Mapping[tuple[str, str], str]] = {
    ("ORCL", "remaining_performance_obligations"): "CIR-02",
    ("ORCL", "leases_not_commenced"): "CIR-06",
    ("9984.T", "cash_and_securities"): "SBG-01",
}

#: Currency -> the fact giving its units per US dollar, used to convert facts in that currency.
FX_RATE_FACTS: Final[Mapping[str, str]] = {"JPY": "SBG-03"}

_BN: Final = 1e9
_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: USD bn per unit of a USD fact.
_USD_SCALE: Final = {"USD bn": 1.0, "USD bn/yr": 1.0, "USD tn": 1e3, "USD mn": 1e-3}
#: Billions per unit of a foreign-currency amount (``"JPY bn"``).
_FOREIGN_SCALE: Final = {"bn": 1.0, "tn": 1e3, "mn": 1e-3}
_FOREIGN_UNIT = re.compile(r"^([A-Z]{3}) (bn|tn|mn)$")


@dataclass(frozen=True, slots=True)
class FiledValue:
    """A value read from an SEC filing (USD bn).

    ``period`` is ``"FY2025"`` or ``"FY2026 Q2"`` (the filer's fiscal calendar), ``end`` the
    period end, ``filed`` the filing date (``""`` when unknown) and ``accn`` the accession number
    (``""`` for inline-XBRL facts). ``restated_from_usd_bn`` is the first-reported value where a
    later filing changed it.
    """

    item: str
    value_usd_bn: float
    tag: str
    form: str
    period: str
    end: str
    filed: str
    accn: str
    source: str
    restated_from_usd_bn: float | None = None

    @property
    def basis(self) -> str:
        """``"filed"``."""
        return "filed"

    @property
    def label(self) -> str:
        """``"10-Q FY2026 Q2 to 2025-12-31, accn ..."``."""
        accn = f", accn {self.accn}" if self.accn else ""
        return f"{self.form} {self.period} to {self.end}{accn}"

    def to_dict(self) -> JSONDict:
        """Plain dict (strict JSON)."""
        return {
            "item": self.item,
            "value_usd_bn": self.value_usd_bn,
            "basis": self.basis,
            "tag": self.tag,
            "form": self.form,
            "period": self.period,
            "end": self.end,
            "filed": self.filed,
            "accn": self.accn,
            "source": self.source,
            "restated": self.restated_from_usd_bn is not None,
            "restated_from_usd_bn": self.restated_from_usd_bn,
        }


@dataclass(frozen=True, slots=True)
class SourcedValue:
    """A value from the fact base (USD bn): its id, grade, date and source."""

    item: str
    value_usd_bn: float
    fact_id: str
    grade: str
    as_of: str
    source_title: str
    source_ref: str

    @property
    def basis(self) -> str:
        """``"fact"``."""
        return "fact"

    @property
    def label(self) -> str:
        """``"fact CIR-06 (secondary, 2025-11-30)"`` (``"deals E05+E20 ..."`` for deal sums)."""
        kind = "deals" if self.source_title.startswith("fact base deals") else "fact"
        return f"{kind} {self.fact_id} ({self.grade}, {self.as_of})"

    def to_dict(self) -> JSONDict:
        """Plain dict (strict JSON)."""
        return {
            "item": self.item,
            "value_usd_bn": self.value_usd_bn,
            "basis": self.basis,
            "fact_id": self.fact_id,
            "grade": self.grade,
            "as_of": self.as_of,
            "source_title": self.source_title,
            "source_ref": self.source_ref,
        }


@dataclass(frozen=True, slots=True)
class MissingValue:
    """An item no source gives, and why (its value is None, never 0)."""

    item: str
    reason: str

    @property
    def value_usd_bn(self) -> None:
        """Always None."""
        return None

    @property
    def basis(self) -> str:
        """``"missing"``."""
        return "missing"

    @property
    def label(self) -> str:
        """The reason."""
        return f"missing: {self.reason}"

    def to_dict(self) -> JSONDict:
        """Plain dict (strict JSON)."""
        return {"item": self.item, "value_usd_bn": None, "basis": self.basis, "reason": self.reason}


FirmValue = FiledValue | SourcedValue | MissingValue


@dataclass(frozen=True)
class FirmFinancials:
    """One firm's items (USD bn), each filed, sourced or missing.

    Each value is a :class:`FiledValue`, :class:`SourcedValue` or :class:`MissingValue`.

    Attributes
    ----------
    name : str
        The firm as the network names it.
    ticker : str or None
        Its ticker (None for a private firm).
    values : tuple of FirmValue
        One per item, in :data:`FINANCIAL_ITEMS` (public) or :data:`LAB_ITEMS` (private) order.
    """

    name: str
    ticker: str | None
    values: tuple[FirmValue, ...]

    @property
    def items(self) -> tuple[str, ...]:
        """The items, in order."""
        return tuple(v.item for v in self.values)

    def get(self, item: str) -> FirmValue:
        """The value of ``item`` (:class:`InputError` for an item this firm does not list)."""
        for v in self.values:
            if v.item == item:
                return v
        raise InputError(
            f"{self.name} has no item {item!r}", hint=f"items: {', '.join(self.items)}"
        )

    def value(self, item: str) -> float | None:
        """USD bn, or None when no source gives it."""
        return self.get(item).value_usd_bn

    def require(self, item: str) -> float:
        """USD bn; :class:`DataError` naming the firm, item and reason when it is missing."""
        v = self.get(item)
        if isinstance(v, MissingValue):
            raise DataError(f"{self.name}: {item} is not available: {v.reason}")
        return v.value_usd_bn

    @property
    def liquid_assets(self) -> float | None:
        """Cash, cash equivalents and short-term securities (USD bn; None when not sourced)."""
        return self.value("cash_and_securities") if "cash_and_securities" in self.items else None

    def records(self) -> list[JSONDict]:
        """One dict per item, with ``firm`` and ``ticker``."""
        return [{"firm": self.name, "ticker": self.ticker, **v.to_dict()} for v in self.values]

    def to_dict(self) -> JSONDict:
        """Plain dict (strict JSON)."""
        return {
            "name": self.name,
            "ticker": self.ticker,
            "values": [v.to_dict() for v in self.values],
        }


# --- public firms: SEC filings -------------------------------------------------------------------


def _period(row: Any) -> str:
    fy = f"FY{int(row['fiscal_year'])}"
    return fy if row["fiscal_period"] == "FY" else f"{fy} {row['fiscal_period']}"


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(pd.Timestamp(value).date())


def _filed(item: str, row: Any, restated_from: float | None) -> FiledValue:
    return FiledValue(
        item=item,
        value_usd_bn=float(row["value"]) / _BN,
        tag=str(row["tag"]),
        form=str(row["form"]),
        period=_period(row),
        end=_date(row["end"]),
        filed=_date(row["filed"]),
        accn=str(row["accn"]),
        source=str(row["source"]),
        restated_from_usd_bn=restated_from,
    )


def _check_frame(frame: pd.DataFrame, symbol: str) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"fundamentals frame lacks column(s) {missing}",
            hint="pass load_fundamentals() or the output of fundamentals_from_companyfacts",
        )
    rows = frame[frame["symbol"] == symbol]
    money = rows[rows["item"] != "shares_outstanding"]
    wrong = money[money["unit"] != "USD"]
    if not wrong.empty:
        first = wrong.iloc[0]
        raise UnitError(
            f"{symbol}: {first['item']} ({first['tag']}, period ending {_date(first['end'])}) "
            f"is in {first['unit']!r}, not USD",
            hint="convert the filing to USD first; a value in another unit is never summed",
        )
    return rows


def _latest_instant(rows: pd.DataFrame, item: str) -> FirmValue:
    """``rows``: the filer's rows of ``item``."""
    got = rows
    if got.empty:
        tried = ", ".join(item_tags(item))
        return MissingValue(item, f"no filing reports it (tags tried: {tried})")
    end = got["end"].max()
    at_end = got[got["end"] == end]
    # an annual report's value is as last filed, a quarterly one as first reported
    annual = at_end[at_end["period"] == "FY"]
    chosen = annual.iloc[0] if not annual.empty else at_end.iloc[0]
    first = at_end.sort_values("filed", kind="stable", na_position="last").iloc[0]
    changed = not math.isclose(float(first["value"]), float(chosen["value"]), rel_tol=1e-9)
    return _filed(item, chosen, float(first["value"]) / _BN if changed else None)


def _latest_flow(rows: pd.DataFrame, item: str) -> FirmValue:
    """``rows``: the filer's rows of ``item``."""
    got = rows[rows["period"] == "FY"]
    if got.empty:
        return MissingValue(
            item, f"no annual report gives it (tags tried: {', '.join(item_tags(item))})"
        )
    row = got.sort_values("end", kind="stable").iloc[-1]
    quarters = rows[
        (rows["period"] == "Q") & (rows["fiscal_year"] == row["fiscal_year"])
    ].drop_duplicates("fiscal_period")
    restated = None
    if len(quarters) == 4:
        first = float(quarters["value"].sum())
        if not math.isclose(first, float(row["value"]), rel_tol=1e-6):
            restated = first / _BN
    return _filed(item, row, restated)


def _free_cash_flow(ocf: FirmValue, capex: FirmValue) -> FirmValue:
    if not isinstance(ocf, FiledValue) or not isinstance(capex, FiledValue):
        gone = [v.item for v in (ocf, capex) if not isinstance(v, FiledValue)]
        return MissingValue("free_cash_flow", f"{' and '.join(gone)} not filed")
    if ocf.period != capex.period:
        return MissingValue(
            "free_cash_flow",
            f"operating cash flow ({ocf.period}) and capex ({capex.period}) cover different years",
        )
    return FiledValue(
        item="free_cash_flow",
        value_usd_bn=ocf.value_usd_bn - capex.value_usd_bn,
        tag=f"{ocf.tag}-{capex.tag}",
        form=ocf.form,
        period=ocf.period,
        end=ocf.end,
        filed=ocf.filed,
        accn=ocf.accn,
        source=ocf.source,
    )


def financials_from_fundamentals(
    frame: pd.DataFrame, symbol: str, *, name: str | None = None
) -> FirmFinancials:
    """A public firm's items from a fundamentals table (:data:`FINANCIAL_ITEMS`, USD bn).

    Parameters
    ----------
    frame : pandas.DataFrame
        A fundamentals table (:data:`bubblescope.data.fundamentals.COLUMNS`), e.g.
        :func:`bubblescope.data.bundled.load_fundamentals`.
    symbol : str
        Ticker as in the ``symbol`` column.
    name : str, optional
        The firm's name (default the ticker).

    Returns
    -------
    FirmFinancials
        Balance-sheet items at their latest period end, cash flows of the latest fiscal year,
        free cash flow of that year; items no filing gives are :class:`MissingValue`.

    Raises
    ------
    InputError
        When the frame lacks the fundamentals columns.
    UnitError
        When a money item of ``symbol`` is in another unit than USD.

    Examples
    --------
    >>> from bubblescope.data.bundled import load_fundamentals
    >>> f = financials_from_fundamentals(load_fundamentals("MSFT"), "MSFT", name="Microsoft")
    >>> f.get("cash_and_securities").label
    '10-Q FY2026 Q2 to 2025-12-31, accn 0001193125-26-027207'
    >>> round(f.value("cash_and_securities"), 3)
    89.462
    """
    key = (content_hash(frame), symbol, name)
    with _READ_LOCK:
        read = _READ.get(key)
    if read is None:
        read = _financials(frame, symbol, name)
        with _READ_LOCK:
            _READ[key] = read
            if len(_READ) > _READ_SIZE:
                del _READ[next(iter(_READ))]  # the oldest entry
    return read


#: Financials already read from a table, by (its content hash, symbol, name): one report
#: reads the same filings for every network it loads (the stress, each scenario, the
#: sensitivity). A FirmFinancials is immutable, and a table's content is all it depends on.
_READ: dict[tuple[str, str, str | None], FirmFinancials] = {}
_READ_SIZE: Final = 256
_READ_LOCK = threading.Lock()  # the server reads from several threads


def _financials(frame: pd.DataFrame, symbol: str, name: str | None) -> FirmFinancials:
    rows = _check_frame(frame, symbol)
    by_item = {str(k): g for k, g in rows.groupby("item", sort=False)}
    empty = rows.iloc[:0]
    values: dict[str, FirmValue] = {}
    for item in BALANCE_ITEMS:
        values[item] = _latest_instant(by_item.get(item, empty), item)
    for item in CASH_FLOW_ITEMS:
        values[item] = _latest_flow(by_item.get(item, empty), item)
    values["free_cash_flow"] = _free_cash_flow(values["operating_cash_flow"], values["capex"])
    return FirmFinancials(name or symbol, symbol, tuple(values[i] for i in FINANCIAL_ITEMS))


def check_units(facts: pd.DataFrame) -> None:
    """Refuse companyfacts whose money items are not in USD (another currency or unit).

    For each money item (the concepts of :func:`bubblescope.data.fundamentals.item_tags`, us-gaap
    and ifrs-full), the latest period end reported in another currency must not be later than
    the latest reported in USD: a filer reporting in yen (a 20-F in JPY) is a
    :class:`UnitError`, never a silently dropped value or one left at an older USD figure. A
    filer that changed its reporting currency to USD passes (Nebius, whose reports as Yandex
    N.V. are in RUB); its USD facts are used and the older ones are never converted. A money
    concept tagged only in a non-currency unit (shares) is a :class:`UnitError` too.

    Parameters
    ----------
    facts : pandas.DataFrame
        Output of :func:`bubblescope.data.sec.parse_companyfacts` (columns ``ticker, concept,
        unit`` at least; ``end``, ``form`` and ``accn`` name the filing when present).

    Raises
    ------
    UnitError
        Naming the filer, the item, the concept, the currency and the filing.
    """
    for col in ("concept", "unit"):
        if col not in facts.columns:
            raise InputError(f"companyfacts frame lacks column {col!r}")
    who = ", ".join(str(t) for t in facts["ticker"].dropna().unique()) if "ticker" in facts else ""
    who = who or "filer"
    for item in FINANCIAL_ITEMS[:-1]:
        rows = facts[facts["concept"].isin(item_tags(item))]
        if rows.empty:
            continue
        units = rows["unit"].astype(str)
        currency = units.str.fullmatch(_CURRENCY.pattern).to_numpy()
        usd = (units == "USD").to_numpy()
        _check_tagged_units(rows, who)
        foreign = rows[currency & ~usd]
        if foreign.empty:
            continue
        if "end" not in rows.columns:
            if usd.any():
                continue
            latest = foreign.iloc[0]
        else:
            latest = foreign.sort_values("end", kind="stable").iloc[-1]
            last_usd = rows.loc[usd, "end"].max() if usd.any() else None
            if last_usd is not None and not latest["end"] > last_usd:
                continue
        where = (f", period ending {_date(latest['end'])}" if "end" in rows.columns else "") + (
            f", {latest['form']} accn {latest['accn']}" if "accn" in rows.columns else ""
        )
        raise UnitError(
            f"{who}: {item} ({latest['concept']}{where}) is reported in {latest['unit']}, not USD",
            hint="a filing in another currency needs an exchange rate; none is assumed",
        )


def _check_tagged_units(rows: pd.DataFrame, who: str) -> None:
    """A money concept with facts only in non-currency units (shares) is a unit mismatch."""
    for concept, group in rows.groupby("concept", sort=True):
        units = sorted({str(u) for u in group["unit"]})
        if any(_CURRENCY.match(u) for u in units):
            continue
        raise UnitError(
            f"{who}: {concept} is a money item but is tagged in {', '.join(units)}",
            hint="the filing's unit does not match the concept; fix or drop the fact",
        )


def financials_from_companyfacts(
    facts: pd.DataFrame, *, name: str | None = None, source: str = "companyfacts"
) -> FirmFinancials:
    """A public firm's items straight from its parsed companyfacts (units checked first).

    Parameters
    ----------
    facts : pandas.DataFrame
        Output of :func:`bubblescope.data.sec.parse_companyfacts` for one filer.
    name : str, optional
        The firm's name (default its ticker).
    source : str
        Recorded with each value.

    Raises
    ------
    UnitError
        See :func:`check_units`.
    """
    from bubblescope.data.fundamentals import fundamentals_from_companyfacts

    check_units(facts)
    table = fundamentals_from_companyfacts(facts, source=source)
    tickers = facts["ticker"].dropna().unique()
    if len(tickers) != 1:
        raise InputError(f"companyfacts frame holds {len(tickers)} filers; pass one")
    return financials_from_fundamentals(table, str(tickers[0]), name=name)


# --- the fact base --------------------------------------------------------------------------------


def _fact_value(fb: Any, item: str, fact_id: str) -> SourcedValue | MissingValue:
    try:
        fact = fb.get(fact_id)
    except BubblescopeError as exc:
        return MissingValue(item, f"fact {fact_id} not in the fact base ({exc})")
    if fact.value is None:
        return MissingValue(item, f"fact {fact_id} has no single value ({fact.value_text!r})")
    scale = _USD_SCALE.get(fact.unit)
    if scale is None:
        return _converted(fb, item, fact)
    return SourcedValue(
        item,
        float(fact.value) * scale,
        fact.id,
        str(fact.grade),
        fact.as_of,
        fact.source_title,
        fact.source_ref,
    )


def _converted(fb: Any, item: str, fact: Any) -> SourcedValue | MissingValue:
    """A fact in another currency, in USD bn at the rate fact of :data:`FX_RATE_FACTS`.

    Raises
    ------
    UnitError
        The unit is no currency amount, its currency has no rate fact, or the rate fact is in
        another unit or not positive.
    """
    m = _FOREIGN_UNIT.match(fact.unit)
    currency = m.group(1) if m else ""
    rate_id = FX_RATE_FACTS.get(currency)
    if m is None or rate_id is None:
        raise UnitError(
            f"fact {fact.id} is in {fact.unit!r}, not a USD amount (item {item})",
            hint=f"currencies with a sourced rate: {', '.join(FX_RATE_FACTS)}",
        )
    try:
        rate = fb.get(rate_id)
    except BubblescopeError as exc:
        return MissingValue(
            item, f"rate fact {rate_id} for {currency} not in the fact base ({exc})"
        )
    if rate.unit != f"{currency}/USD" or rate.value is None or not float(rate.value) > 0:
        raise UnitError(
            f"rate fact {rate_id} is {rate.value!r} {rate.unit!r}, not a positive "
            f"{currency}/USD rate (converting fact {fact.id}, item {item})"
        )
    per_usd = float(rate.value)
    return SourcedValue(
        item,
        float(fact.value) * _FOREIGN_SCALE[m.group(2)] / per_usd,
        f"{fact.id}+{rate.id}",
        "/".join(sorted({str(fact.grade), str(rate.grade)})),
        fact.as_of,
        f"{fact.source_title}; converted at {per_usd:g} {currency}/USD ({rate.source_title})",
        f"{fact.source_ref}; {rate.source_ref}",
    )


def _committed_funding(fb: Any, name: str) -> SourcedValue | MissingValue:
    """Equity and loans committed to ``name`` in the fact base's binding deals (USD bn)."""
    from bubblescope.data.facts import NONBINDING_STATUSES

    deals = [
        d
        for d in fb.deals
        if d.payee == name
        and d.type in ("equity_investment", "loan")
        and d.status not in NONBINDING_STATUSES
        and d.amount is not None
        and d.unit == "USD bn"
    ]
    if not deals:
        return MissingValue("committed_funding", f"no binding equity or loan deal to {name}")
    grades = sorted({str(d.grade) for d in deals})
    return SourcedValue(
        "committed_funding",
        float(sum(float(d.amount) for d in deals)),
        "+".join(d.id for d in deals),
        "/".join(grades),
        max(str(d.date) for d in deals),
        "fact base deals (sum of binding equity and loan commitments)",
        "; ".join(str(d.source_ref) for d in deals),
    )


def lab_financials(name: str, factbase: Any = None) -> FirmFinancials:
    """A private lab's items (:data:`LAB_ITEMS`, USD bn or USD bn/yr) from the fact base.

    Items without a fact are :class:`MissingValue`. A lab not in :data:`LAB_FACTS` gets every
    fact item missing. ``committed_funding`` sums the binding equity and loan deals to the lab
    (paid-in and conditional alike), labelled with their deal ids and grades.

    Examples
    --------
    >>> lab_financials("OpenAI").get("revenue").label
    'fact OAI-06 (secondary, 2025 (FY))'
    """
    from bubblescope.data.facts import load_factbase

    fb = factbase if factbase is not None else load_factbase()
    ids = LAB_FACTS.get(name, {})
    values: list[FirmValue] = []
    for item in LAB_ITEMS:
        if item == "committed_funding":
            values.append(_committed_funding(fb, name))
            continue
        fid = ids.get(item)
        values.append(
            _fact_value(fb, item, fid)
            if fid is not None
            else MissingValue(item, f"no sourced fact for {name}'s {item.replace('_', ' ')}")
        )
    return FirmFinancials(name, None, tuple(values))


def _fact_date(as_of: str) -> pd.Timestamp | None:
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", as_of)
    if m is None:
        return None
    year, month, day = m.group(1), m.group(2) or "12", m.group(3)
    stamp = pd.Timestamp(f"{year}-{month}-01")
    return pd.Timestamp(f"{year}-{month}-{day}") if day else stamp + pd.offsets.MonthEnd(0)


def _with_facts(firm: FirmFinancials, fb: Any) -> FirmFinancials:
    """Fill items the filings lack, or give only at an earlier date, from the fact base."""
    values = list(firm.values)
    for k, v in enumerate(values):
        fid = FACT_ITEMS.get((str(firm.ticker), v.item))
        if fid is None:
            continue
        fact = _fact_value(fb, v.item, fid)
        if not isinstance(fact, SourcedValue):
            continue
        when = _fact_date(fact.as_of)
        filed_end = pd.Timestamp(v.end) if isinstance(v, FiledValue) and v.end else None
        if filed_end is None or (when is not None and when > filed_end):
            values[k] = fact
    return FirmFinancials(firm.name, firm.ticker, tuple(values))


# --- the network's firms --------------------------------------------------------------------------


def _fundamentals(ticker: str) -> pd.DataFrame | None:
    """The store's fundamentals of ``ticker`` when it holds the table, else the shipped ones."""
    from bubblescope.data import store
    from bubblescope.data.bundled import load_fundamentals

    with contextlib.suppress(BubblescopeError):
        if ticker in store.list_symbols("fundamentals"):
            frame = store.load_dataset("fundamentals", ticker)
            if set(COLUMNS) <= set(frame.columns):
                return frame
    frame = load_fundamentals(ticker)
    return None if frame.empty else frame


def firm_financials(
    firms: Iterable[tuple[str, str | None]], *, factbase: Any = None
) -> dict[str, FirmFinancials]:
    """Financials of the named firms: filings for the listed, the fact base for the private.

    Parameters
    ----------
    firms : iterable of (name, ticker or None)
        E.g. the network's firms and :data:`bubblescope.economy.network.LISTED_TICKERS`.
    factbase : FactBase, optional
        Default the shipped fact base.

    Returns
    -------
    dict
        name -> :class:`FirmFinancials`. A listed firm without filings in the store or the
        shipped data gets every item as a :class:`MissingValue` saying so (and fact-base items
        where :data:`FACT_ITEMS` names one).
    """
    from bubblescope.data.facts import load_factbase
    from bubblescope.data.universe import SEC_CIK

    fb = factbase if factbase is not None else load_factbase()
    out: dict[str, FirmFinancials] = {}
    for name, ticker in firms:
        if ticker is None:
            out[name] = lab_financials(name, fb)
            continue
        frame = _fundamentals(ticker)
        if frame is None:
            reason = f"no SEC filings of {ticker} in the store or the shipped data: " + (
                "not an SEC filer (a listing outside the US needs its own source)"
                if "." in ticker
                else f"no filing shipped; `bubblescope data update {ticker} --no-prices` fetches "
                f"it (SEC companyfacts of CIK {SEC_CIK[ticker]})"
                if ticker in SEC_CIK
                else f"no filing shipped; `bubblescope data fetch {ticker} --source sec` fetches it"
            )
            firm = FirmFinancials(
                name, ticker, tuple(MissingValue(i, reason) for i in FINANCIAL_ITEMS)
            )
        else:
            firm = financials_from_fundamentals(frame, ticker, name=name)
        out[name] = _with_facts(firm, fb)
    return out
