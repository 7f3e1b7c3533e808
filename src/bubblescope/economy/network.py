"""The AI financing network: firms, commitments, loops and dependence.

Direction convention
--------------------
Every edge points the way **money (or value) moves**: the ``payer`` pays the ``payee``.

* a purchase (``compute_purchase``, ``chip_purchase``, ``backstop``) runs buyer → seller;
* an ``equity_investment`` runs investor → investee (the investor then *holds* the investee);
* a ``warrant`` or ``equity_to_customer`` runs issuer → recipient (the issuer hands its own
  shares to the recipient, who then holds the issuer);
* a ``loan`` runs lender → borrower;
* a ``share_sale`` runs seller → ``market`` as recorded in the deal list: it is the seller's
  funding source, not a bilateral commitment, and is left out of loops and clearing.

So a loop such as Nvidia → OpenAI → Oracle → Nvidia reads: Nvidia invests in OpenAI, OpenAI
buys Oracle compute, Oracle buys Nvidia chips.

Amounts are USD bn. GW-stated deals are priced with an explicit :class:`GWPrice` (default: the
fact base's ``GWC-01``, ~$35B of Nvidia content per GW). Multi-year deals become even annual
obligations (:mod:`bubblescope.economy._network_schedule`). Non-binding deals (statuses
``lapsed``, ``term_sheet``, ``loi`` …) are left out unless ``include_nonbinding=True``.

Commitments by kind
-------------------
The stress tests clear only true payment obligations; every kind has a stated treatment
(:data:`TREATMENTS`, shown per commitment by :meth:`FinancingNetwork.treatment_frame` and in
the stress output):

* ``debt`` — ``compute_purchase`` and ``chip_purchase``: cloud and compute purchase contracts
  and chip purchase orders are the buyer's debts to the seller, cleared (Eisenberg–Noe);
* ``funding`` — ``equity_investment`` (conditional or milestone equity) and ``loan`` (a
  lender's disbursement) still to be paid: never a debt of the investor or lender. The year's
  amount is paid
  pro rata with the payer's debts from the same money, so it reaches the investee as far as
  the investor can pay; a shortfall on it is funding that did not arrive, not a default, and an
  investor's withdrawal removes it. An investment by a seller in its own customer is labelled
  ``vendor financing``, equity not yet executed ``conditional equity``; both are treated alike;
* ``settled`` — in the run-rate year, any commitment of any type whose schedule ends before
  the network's reference date (:attr:`FinancingNetwork.as_of`, the latest date in its deal
  list: nothing newer is known to it; the fact base's is 2026-03-11, Nvidia's Nebius stake
  E17): it was paid before the reference date, so the money is already in the payee's cash and
  out of the payer's; listed, not cleared (clearing it again would count it twice, a debt as
  this year's default risk). In the fact base: CoreWeave's Nvidia GPU purchases (E30,
  2023-2025), Microsoft's 2024 payments to CoreWeave (E29), SoftBank's 30 into OpenAI's March
  2025 round (E18, paid in by 2025-12-26), Microsoft's 13 into OpenAI (E09, 2019-2023), the
  CoreWeave shares handed to OpenAI (E12, 2025), SoftBank's Nvidia share sale (E19, 2025) and
  Nvidia's and Microsoft's Anthropic stakes (E25, E26, lump sums at their 2025-11-18 deal date).
  No schedule of assumed length (E06, E07, E08, E24: 5 years from 2025 or 2026) ends before
  it. A schedule whose year is unknown is never settled;
* ``paid-in`` — an ``equity_investment`` or ``loan`` with status ``executed`` (closed and
  funded) not settled whose schedule ends before the cleared year, or in the run-rate year
  (which starts from the latest filings) any such one: the money moved before the year, so it
  is already in the investee's cash and out of the investor's; listed, not cleared. In the fact
  base: Nvidia's 2 of CoreWeave shares (E14, 2026-01-26);
* ``contingent`` — ``backstop``: a promise to buy what stays unsold, owed only if the capacity
  goes unsold, so it is listed, not cleared;
* ``non-cash`` — ``warrant`` and ``equity_to_customer``: shares handed over, no cash; they enter
  only DebtRank's equity holdings;
* ``funding source`` — ``share_sale``: a firm's sale of shares to the market, already in its
  cash; listed, not cleared.

:meth:`FinancingNetwork.as_debt` clears chosen commitments as debts instead (the pre-2026
treatment of conditional equity, for comparison); :meth:`FinancingNetwork.as_funding` clears
chosen ones as funding (a paid-in commitment as if it were still to pay, for comparison).

The network's total of commitments is :meth:`FinancingNetwork.commitment_total`, computed by
:func:`bubblescope.data.facts.commitment_total`, the function behind the fact-base summary too,
so both print one number with one label (stated dollars, GW at their price, kinds, left out).

References
----------
The fact base's deal list (``bubblescope/data/factbase/deals.csv``): each deal names its primary
source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict
from bubblescope.data.facts import (
    DEAL_KINDS,
    CommitmentTotal,
    Deal,
    commitment_total,
)
from bubblescope.economy._network_io import (
    EDGE_TYPES,
    NONBINDING_STATUSES,
    DealRow,
    read_rows,
    validate_rows,
)
from bubblescope.economy._network_schedule import (
    Schedule,
    ScheduleAssumption,
    latest_date,
    parse_schedule,
)
from bubblescope.economy.assumptions import load_assumptions
from bubblescope.errors import BubblescopeError, InputError, UnknownSymbolError
from bubblescope.result import ResultMixin

if TYPE_CHECKING:
    from bubblescope.charts import ChartSpec

__all__ = [
    "CASH_TYPES",
    "DEBT_TYPES",
    "DEFAULT_GROUPS",
    "EDGE_TYPES",
    "EQUITY_TYPES",
    "FLOW_TYPES",
    "LISTED_TICKERS",
    "PAID_IN_TYPES",
    "PURCHASE_TYPES",
    "SETTLED",
    "TREATMENTS",
    "TREATMENT_NOTES",
    "Commitment",
    "Cycle",
    "FinancingNetwork",
    "Firm",
    "GWPrice",
    "NetworkResult",
    "ScheduleAssumption",
    "analyze_network",
    "load_network",
    "network_from_rows",
    "read_firms",
]

#: Purchases: the payer buys goods or services from the payee (the payee's revenue).
PURCHASE_TYPES: frozenset[str] = frozenset(DEAL_KINDS["purchases"])
#: Equity-like transfers: the holder of the resulting stake is the investor (equity) or the
#: recipient (warrant, shares issued to a customer).
EQUITY_TYPES: frozenset[str] = frozenset(DEAL_KINDS["equity stakes and warrants"])
#: How the stress tests treat each commitment type (see the module notes).
TREATMENTS: Mapping[str, str] = {
    "compute_purchase": "debt",
    "chip_purchase": "debt",
    "backstop": "contingent",
    "equity_investment": "funding",
    "loan": "funding",
    "warrant": "non-cash",
    "equity_to_customer": "non-cash",
    "share_sale": "funding source",
}
#: Treatment of a commitment whose schedule ends before the network's reference date.
SETTLED = "settled"
#: Types whose executed commitments are paid in before the cleared year (``paid-in``).
PAID_IN_TYPES: frozenset[str] = frozenset({"equity_investment", "loan"})
#: What each treatment does in the clearing (shown in the stress output).
TREATMENT_NOTES: Mapping[str, str] = {
    "debt": "a payment obligation of the payer: cleared (Eisenberg-Noe)",
    "funding": "not a debt: paid pro rata with the payer's debts from the same money; a "
    "shortfall is funding that did not arrive, never a default; a withdrawal removes it",
    "contingent": "owed only if a condition is met (unsold capacity): listed, not cleared",
    "non-cash": "shares handed over, no cash: only in DebtRank's equity holdings",
    "funding source": "a sale of shares to the market, already in the seller's cash: listed, "
    "not cleared",
    "paid-in": "executed equity or loan paid before the cleared year, already in the "
    "investee's cash: listed, not cleared",
    SETTLED: "paid before the reference date (the network's as-of date), already in the "
    "payee's cash: listed, not cleared",
}
#: Payment obligations cleared as debts by default.
DEBT_TYPES: frozenset[str] = frozenset(t for t, k in TREATMENTS.items() if k == "debt")
#: Cash obligations cleared in the stress test (the debts; see :data:`TREATMENTS`).
CASH_TYPES: frozenset[str] = DEBT_TYPES
#: Types that enter loops and group flows by default (all but the share sale to the market).
FLOW_TYPES: frozenset[str] = frozenset(EDGE_TYPES) - {"share_sale"}

#: Tickers of the listed firms (for "revenue at risk"); private firms are absent.
LISTED_TICKERS: Mapping[str, str] = {
    "Oracle": "ORCL",
    "Nvidia": "NVDA",
    "Microsoft": "MSFT",
    "Amazon": "AMZN",
    "AMD": "AMD",
    "Broadcom": "AVGO",
    "CoreWeave": "CRWV",
    "Nebius": "NBIS",
    "Meta": "META",
    "SoftBank": "9984.T",
}

#: Default firm groups for net flows (edit freely: pass ``groups=`` to the analysis).
DEFAULT_GROUPS: Mapping[str, tuple[str, ...]] = {
    "labs": ("OpenAI", "Anthropic"),
    "clouds": ("Oracle", "Microsoft", "Amazon", "CoreWeave", "Lambda", "Nebius", "Meta"),
    "chipmakers": ("Nvidia", "AMD", "Broadcom"),
    "investors": ("SoftBank",),
}

#: Firm fields read from firm financials (:mod:`bubblescope.data.financials`): field -> item.
FINANCIAL_FIELDS: Mapping[str, str] = {
    "liquid_assets": "cash_and_securities",
    "debt": "debt",
    "backlog": "remaining_performance_obligations",
    "revenue": "revenue",
    "equity": "stockholders_equity",
    "operating_cash_flow": "operating_cash_flow",
}

#: Balance-sheet items read from the fact base: (firm, item) -> fact id.
SOURCED_ITEMS: Mapping[tuple[str, str], str] = {
    ("Oracle", "backlog"): "CIR-02",
    ("OpenAI", "revenue"): "OAI-06",
}

_EXTERNAL_NODES = frozenset({"market"})
_BALANCE_ITEMS = (
    "cash",
    "liquid_assets",
    "debt",
    "revenue",
    "backlog",
    "equity",
    "operating_cash_flow",
)


def _gw_price() -> float:
    return load_assumptions("network").input("gw_price").m_as("USD bn/GW")


def _gw_price_source() -> str:
    row = load_assumptions("network").row("gw_price")
    return row.fact or str(row.why)


@dataclass(frozen=True, slots=True)
class GWPrice:
    """Dollars per GW used to price GW-stated deals.

    Parameters
    ----------
    usd_bn_per_gw : float
        USD bn per GW of capacity (default: row ``gw_price`` of ``economy/assumptions/
        network.yaml``, fact ``GWC-01``, 35: Nvidia chips-and-systems content per GW).
    source : str
        Fact id (or other reference) the figure comes from (default the row's fact, ``GWC-01``;
        the all-in alternative is ``GWC-03``, 50 USD bn/GW).
    """

    usd_bn_per_gw: float = field(default_factory=_gw_price)
    source: str = field(default_factory=_gw_price_source)

    def __post_init__(self) -> None:
        if not np.isfinite(self.usd_bn_per_gw) or self.usd_bn_per_gw <= 0:
            raise InputError(f"usd_bn_per_gw must be positive, got {self.usd_bn_per_gw}")


@dataclass(frozen=True, slots=True)
class Firm:
    """A node: a firm and its balance-sheet items in USD bn (``None`` = not sourced).

    ``sources`` maps each known item to the fact id or file it came from.
    """

    name: str
    ticker: str | None = None
    external: bool = False
    cash: float | None = None
    liquid_assets: float | None = None
    debt: float | None = None
    revenue: float | None = None
    backlog: float | None = None
    equity: float | None = None
    operating_cash_flow: float | None = None
    sources: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> JSONDict:
        """Plain dict of the firm's fields."""
        d: JSONDict = {"name": self.name, "ticker": self.ticker, "external": self.external}
        for item in _BALANCE_ITEMS:
            d[item] = getattr(self, item)
        d["sources"] = dict(self.sources)
        return d


@dataclass(frozen=True, slots=True)
class Commitment:
    """A typed edge: ``payer`` pays ``payee`` ``amount_usd_bn`` (USD bn) on ``schedule``.

    ``amount_basis`` is ``"stated"`` or ``"gw"`` (priced as ``gw × GWPrice``); ``row`` is the
    1-based data row in the source (a user file, or the fact base's deal list).
    """

    id: str
    payer: str
    payee: str
    type: str
    amount_usd_bn: float
    amount_basis: str
    gw: float | None
    date: str
    horizon: str
    status: str
    binding: bool
    schedule: Schedule
    description: str = ""
    source_title: str = ""
    source_ref: str = ""
    grade: str = ""
    row: int | None = None

    @property
    def annual(self) -> dict[int, float]:
        """Obligation per calendar year (USD bn/yr)."""
        return self.schedule.annual(self.amount_usd_bn)

    @property
    def annual_rate(self) -> float:
        """Run-rate obligation: ``amount / years`` (USD bn/yr)."""
        return self.amount_usd_bn / self.schedule.years

    def to_dict(self) -> JSONDict:
        """Plain dict of the commitment, schedule flattened."""
        return {
            "id": self.id,
            "payer": self.payer,
            "payee": self.payee,
            "type": self.type,
            "amount_usd_bn": self.amount_usd_bn,
            "amount_basis": self.amount_basis,
            "gw": self.gw,
            "date": self.date,
            "horizon": self.horizon,
            "status": self.status,
            "binding": self.binding,
            "start_year": self.schedule.start,
            "years": self.schedule.years,
            "schedule_rule": self.schedule.rule,
            "schedule_warning": self.schedule.warning,
            "annual_usd_bn": self.annual_rate,
            "description": self.description,
            "source_title": self.source_title,
            "source_ref": self.source_ref,
            "grade": self.grade,
            "row": self.row,
        }


@dataclass(frozen=True, slots=True)
class Cycle:
    """A simple loop of money: ``nodes[0] → nodes[1] → … → nodes[0]``.

    ``edge_amounts[k]`` is the total (USD bn, contract totals) on ``nodes[k] → nodes[k+1]``
    and ``edge_ids[k]`` the commitment ids behind it. ``bottleneck`` (the smallest edge) is
    the most money that can go round the whole loop; ``total`` is the sum over its edges.
    """

    nodes: tuple[str, ...]
    edge_amounts: tuple[float, ...]
    edge_ids: tuple[tuple[str, ...], ...]

    @property
    def bottleneck(self) -> float:
        """Smallest edge on the loop (USD bn)."""
        return min(self.edge_amounts)

    @property
    def total(self) -> float:
        """Sum of the loop's edges (USD bn)."""
        return float(sum(self.edge_amounts))

    @property
    def label(self) -> str:
        """``"A → B → C → A"``."""
        return " → ".join((*self.nodes, self.nodes[0]))

    def to_dict(self) -> JSONDict:
        """Plain dict with the loop, its amounts and source deal ids."""
        return {
            "loop": self.label,
            "nodes": list(self.nodes),
            "edge_amounts_usd_bn": list(self.edge_amounts),
            "edge_ids": [list(e) for e in self.edge_ids],
            "bottleneck_usd_bn": self.bottleneck,
            "total_usd_bn": self.total,
        }


@dataclass(frozen=True)
class FinancingNetwork:
    """Firms and the commitments between them.

    Build with :func:`load_network` or :func:`network_from_rows`. ``commitments`` holds the
    included edges; ``dropped`` the non-binding ones left out (kept for the record). ``as_of``
    is the network's reference date (``YYYY[-MM[-DD]]``): the latest date in its deal list,
    included or not (``""`` when no deal is dated); the run-rate year starts there, so a
    commitment whose schedule ends before its year is ``settled``.
    """

    firms: tuple[Firm, ...]
    commitments: tuple[Commitment, ...]
    dropped: tuple[Commitment, ...] = ()
    gw_price: GWPrice = field(default_factory=GWPrice)
    schedule_assumption: ScheduleAssumption = field(default_factory=ScheduleAssumption)
    include_nonbinding: bool = False
    origin: str = "fact base"
    overrides: tuple[tuple[str, str], ...] = ()
    as_of: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Firm names in node order."""
        return tuple(f.name for f in self.firms)

    @property
    def reference_year(self) -> int | None:
        """Calendar year of :attr:`as_of` (None when no deal is dated)."""
        return int(self.as_of[:4]) if self.as_of else None

    def settled(self, c: Commitment) -> bool:
        """Whether ``c``'s schedule ends before the year of the reference date :attr:`as_of`.

        A schedule whose year is unknown (start 0) is never settled.
        """
        ref = self.reference_year
        return ref is not None and c.schedule.start > 0 and c.schedule.end < ref

    def firm(self, name: str) -> Firm:
        """The firm called ``name``; :class:`UnknownSymbolError` listing the known ones."""
        for f in self.firms:
            if f.name == name:
                return f
        raise UnknownSymbolError(
            f"unknown firm {name!r}", hint=f"known firms: {', '.join(self.names)}"
        )

    def treatment(self, c: Commitment, year: int | None = None, *, run_rate: bool = False) -> str:
        """How the stress tests treat commitment ``c`` when clearing one year.

        An override (:meth:`as_debt`, :meth:`as_funding`) first; then, in the run-rate year
        (``run_rate=True``: it starts from the reference date :attr:`as_of`), ``settled`` for a
        commitment of any type whose schedule ends before the reference year
        (:meth:`settled`); then ``paid-in`` for an executed equity investment or loan whose
        schedule ends before the calendar ``year`` cleared, or any executed one in the run-rate
        year; otherwise :data:`TREATMENTS`. With neither (no year cleared, e.g. a schedule read
        year by year), the type's treatment.
        """
        given = dict(self.overrides).get(c.id)
        if given is not None:
            return given
        if run_rate and self.settled(c):
            return SETTLED
        if (
            c.type in PAID_IN_TYPES
            and c.status == "executed"
            and (run_rate or (year is not None and c.schedule.end < year))
        ):
            return "paid-in"
        return TREATMENTS[c.type]

    def _override(self, kind: str, ids: tuple[str, ...]) -> FinancingNetwork:
        known = {c.id for c in self.commitments}
        for i in ids:
            if i not in known:
                raise UnknownSymbolError(
                    f"unknown commitment {i!r}", hint=f"known: {', '.join(sorted(known))}"
                )
        return replace(self, overrides=(*self.overrides, *((i, kind) for i in ids)))

    def as_debt(self, *ids: str) -> FinancingNetwork:
        """A copy clearing the commitments ``ids`` as debts of their payers.

        Raises
        ------
        UnknownSymbolError
            For an id that is not an included commitment.
        """
        return self._override("debt", ids)

    def as_funding(self, *ids: str) -> FinancingNetwork:
        """A copy clearing the commitments ``ids`` as funding (e.g. a paid-in one, to compare).

        Raises
        ------
        UnknownSymbolError
            For an id that is not an included commitment.
        """
        return self._override("funding", ids)

    def treated_matrix(
        self, treatment: str, *, year: int | None = None, annual: bool = False
    ) -> Float64Array:
        """``M[i, j]``: USD bn from ``i`` to ``j`` over commitments of one ``treatment``.

        ``year`` and ``annual`` as in :meth:`amount_matrix`.
        """
        index = {n: k for k, n in enumerate(self.names)}
        m = np.zeros((len(index), len(index)))
        for c in self.commitments:
            if self.treatment(c, year, run_rate=annual and year is None) != treatment:
                continue
            if year is not None:
                amount = c.annual.get(year, 0.0)
            elif annual:
                amount = c.annual_rate
            else:
                amount = c.amount_usd_bn
            m[index[c.payer], index[c.payee]] += amount
        return m

    def treatment_frame(self, year: int | None = None, *, run_rate: bool = False) -> pd.DataFrame:
        """One row per commitment with its treatment when clearing ``year`` or the run-rate.

        Columns: type, status, treatment, label (``vendor financing`` for an investment in
        the investor's own customer, ``conditional equity`` for equity not yet executed), what
        the treatment does, and whether the length was assumed (the horizon gave none).
        """
        sellers = {(c.payee, c.payer) for c in self.commitments if c.type in PURCHASE_TYPES}
        rows = []
        for c in self.commitments:
            kind = self.treatment(c, year, run_rate=run_rate)
            label = kind
            if kind == "funding" and (c.payer, c.payee) in sellers:
                label = "vendor financing"
            elif kind == "funding" and c.type == "equity_investment" and c.status != "executed":
                label = "conditional equity"
            rows.append(
                {
                    "id": c.id,
                    "payer": c.payer,
                    "payee": c.payee,
                    "type": c.type,
                    "status": c.status,
                    "treatment": kind,
                    "label": label,
                    "overridden": c.id in dict(self.overrides),
                    "amount_usd_bn": c.amount_usd_bn,
                    "annual_usd_bn": c.annual_rate,
                    "years": c.schedule.years,
                    "length_assumed": c.schedule.warning is not None,
                    "treatment_note": TREATMENT_NOTES[kind],
                }
            )
        return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()

    def without(self, predicate: Callable[[Commitment], bool]) -> FinancingNetwork:
        """A copy without the commitments for which ``predicate(commitment)`` is true."""
        return replace(self, commitments=tuple(c for c in self.commitments if not predicate(c)))

    def commitment_total(self) -> CommitmentTotal:
        """Total of the commitments (USD bn) and exactly what it includes.

        The included commitments at their stated amounts, GW-stated ones at the network's
        :class:`GWPrice`, every type gross; the non-binding ones left out are listed. Computed by
        :func:`bubblescope.data.facts.commitment_total`, as the fact-base summary is.
        """
        return commitment_total(
            [_as_deal(c) for c in (*self.commitments, *self.dropped)],
            usd_bn_per_gw=self.gw_price.usd_bn_per_gw,
            gw_source=self.gw_price.source,
            nonbinding=NONBINDING_STATUSES,
            include_nonbinding=self.include_nonbinding,
        )

    def warnings(self) -> list[str]:
        """Assumptions that filled gaps (schedules read with a default length)."""
        return [f"{c.id}: {c.schedule.warning}" for c in self.commitments if c.schedule.warning]

    def edges_frame(self) -> pd.DataFrame:
        """One row per included commitment, indexed by id."""
        rows = [c.to_dict() for c in self.commitments]
        return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()

    def amount_matrix(
        self,
        types: Iterable[str] = FLOW_TYPES,
        *,
        year: int | None = None,
        annual: bool = False,
    ) -> Float64Array:
        """``M[i, j]``: USD bn from firm ``i`` to firm ``j`` over edges of ``types``.

        Parameters
        ----------
        types : iterable of str
            Commitment types to include.
        year : int, optional
            Only the obligations falling in this calendar year (USD bn that year).
        annual : bool
            Run-rate obligations (``amount / years``, USD bn/yr) instead of contract totals.
        """
        wanted = set(types)
        index = {n: k for k, n in enumerate(self.names)}
        m = np.zeros((len(index), len(index)))
        for c in self.commitments:
            if c.type not in wanted:
                continue
            if year is not None:
                amount = c.annual.get(year, 0.0)
            elif annual:
                amount = c.annual_rate
            else:
                amount = c.amount_usd_bn
            m[index[c.payer], index[c.payee]] += amount
        return m

    def graph(self) -> Any:
        """A ``networkx.MultiDiGraph``: one edge per commitment, attributes as in ``to_dict``."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for f in self.firms:
            g.add_node(f.name, **f.to_dict())
        for c in self.commitments:
            g.add_edge(c.payer, c.payee, key=c.id, **c.to_dict())
        return g

    def cycles(
        self, types: Iterable[str] = FLOW_TYPES, max_length: int | None = None
    ) -> tuple[Cycle, ...]:
        """Simple loops of money over edges of ``types``, largest bottleneck first.

        Parallel commitments between the same two firms are summed into one edge.
        """
        import networkx as nx

        wanted = set(types)
        amounts: dict[tuple[str, str], float] = {}
        ids: dict[tuple[str, str], list[str]] = {}
        for c in self.commitments:
            if c.type in wanted:
                key = (c.payer, c.payee)
                amounts[key] = amounts.get(key, 0.0) + c.amount_usd_bn
                ids.setdefault(key, []).append(c.id)
        g = nx.DiGraph()
        g.add_nodes_from(sorted(self.names))
        g.add_edges_from(sorted(amounts))
        found = []
        for loop in nx.simple_cycles(g, length_bound=max_length):
            start = loop.index(min(loop))
            nodes = tuple(loop[start:] + loop[:start])
            pairs = [(nodes[k], nodes[(k + 1) % len(nodes)]) for k in range(len(nodes))]
            found.append(
                Cycle(nodes, tuple(amounts[p] for p in pairs), tuple(tuple(ids[p]) for p in pairs))
            )
        found.sort(key=lambda c: (-c.bottleneck, c.nodes))
        return tuple(found)

    def vendor_financing(self) -> pd.DataFrame:
        """Per seller, the share of its sales to each buyer funded by the seller itself.

        For seller ``s`` and buyer ``b``: ``sales`` = purchases ``b → s`` (contract totals);
        ``funding`` = equity-like transfers and loans ``s → b``; the financed part is
        ``min(funding, sales)``. The seller's ratio is ``Σ_b financed / Σ_b sales``.

        Returns
        -------
        DataFrame
            Indexed by seller: ``sales_usd_bn``, ``self_funded_usd_bn``,
            ``vendor_financing_ratio``, ``main_financed_buyer``.
        """
        funding_types = EQUITY_TYPES | {"loan"}
        sales = self.amount_matrix(PURCHASE_TYPES)
        funding = self.amount_matrix(funding_types)
        rows = []
        for s, name in enumerate(self.names):
            total = sales[:, s].sum()
            if total <= 0:
                continue
            financed = np.minimum(funding[s, :], sales[:, s])
            main = int(np.argmax(financed))
            rows.append(
                {
                    "seller": name,
                    "sales_usd_bn": total,
                    "self_funded_usd_bn": financed.sum(),
                    "vendor_financing_ratio": financed.sum() / total,
                    "main_financed_buyer": self.names[main] if financed[main] > 0 else None,
                }
            )
        return pd.DataFrame(rows).set_index("seller") if rows else pd.DataFrame()

    def concentration(self) -> pd.DataFrame:
        """Per seller, the largest single customer's share of what it is owed.

        ``share_of_commitments``: largest buyer's share of all purchase commitments payable to
        the firm in this network; ``share_of_backlog``: the same amount over the firm's sourced
        backlog (None when the backlog is not sourced); ``hhi``: Herfindahl index of buyers.
        """
        sales = self.amount_matrix(PURCHASE_TYPES)
        rows = []
        for s, firm in enumerate(self.firms):
            col = sales[:, s]
            total = col.sum()
            if total <= 0:
                continue
            top = int(np.argmax(col))
            shares = col / total
            rows.append(
                {
                    "firm": firm.name,
                    "owed_usd_bn": total,
                    "largest_customer": self.names[top],
                    "largest_usd_bn": col[top],
                    "share_of_commitments": shares[top],
                    "hhi": float((shares**2).sum()),
                    "backlog_usd_bn": firm.backlog,
                    "share_of_backlog": None if firm.backlog is None else col[top] / firm.backlog,
                }
            )
        return pd.DataFrame(rows).set_index("firm") if rows else pd.DataFrame()

    def group_flows(self, groups: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
        """Gross and net flows between groups of firms (contract totals, USD bn).

        Firms in no group fall in ``"other"``. Returns one row per ordered pair of groups with
        ``gross_usd_bn`` (from → to) and ``net_usd_bn`` (from → to minus to → from).
        """
        groups = DEFAULT_GROUPS if groups is None else groups
        member: dict[str, str] = {}
        for g, names in groups.items():
            for n in names:
                if n in member:
                    raise InputError(f"firm {n!r} is in two groups ({member[n]!r}, {g!r})")
                member[n] = g
        labels = [*groups, "other"]
        pos = {g: k for k, g in enumerate(labels)}
        flows = np.zeros((len(labels), len(labels)))
        m = self.amount_matrix(FLOW_TYPES)
        for i, a in enumerate(self.names):
            for j, b in enumerate(self.names):
                flows[pos[member.get(a, "other")], pos[member.get(b, "other")]] += m[i, j]
        net = flows - flows.T
        rows = [
            {"from": a, "to": b, "gross_usd_bn": flows[i, j], "net_usd_bn": net[i, j]}
            for i, a in enumerate(labels)
            for j, b in enumerate(labels)
            if i != j and (flows[i, j] > 0 or flows[j, i] > 0)
        ]
        return pd.DataFrame(rows)


def _binding(row: DealRow) -> bool:
    return row.status not in NONBINDING_STATUSES


def _as_deal(c: Commitment) -> Deal:
    """The commitment as the fact base's deal (a GW-priced one goes back to its GW figure)."""
    gw_stated = c.amount_basis == "gw"
    return Deal(
        id=c.id,
        payer=c.payer,
        payee=c.payee,
        amount=None if gw_stated else c.amount_usd_bn,
        unit="GW" if gw_stated else "USD bn",
        type=c.type,
        date=c.date,
        horizon=c.horizon,
        status=c.status,
        description=c.description,
        source_title=c.source_title,
        source_ref=c.source_ref,
        grade=c.grade,
        gw=c.gw,
    )


def network_from_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    origin: str = "rows",
    include_nonbinding: bool = False,
    gw_price: GWPrice | None = None,
    schedule: ScheduleAssumption | None = None,
    firms: Iterable[Firm] = (),
) -> FinancingNetwork:
    """Build a network from commitment rows (dicts with the fact-base ``Deal`` fields).

    Parameters
    ----------
    rows : iterable of mapping
        See :mod:`bubblescope.economy._network_io` for the fields and checks.
    origin : str
        Name used in error messages (e.g. the file path).
    include_nonbinding : bool
        Keep non-binding deals (LOI, term sheet, lapsed). Default False: they are reported in
        ``dropped`` but take no part in loops or clearing.
    gw_price : GWPrice, optional
        USD bn per GW for GW-stated deals (default :class:`GWPrice`, fact ``GWC-01``).
    schedule : ScheduleAssumption, optional
        Fallback length for horizons without one.
    firms : iterable of Firm
        Known balance sheets; firms met only in commitments get empty balance sheets.
    """
    price = gw_price or GWPrice()
    assume = schedule or ScheduleAssumption()
    kept: list[Commitment] = []
    dropped: list[Commitment] = []
    for r in validate_rows(rows, origin):
        if r.amount_usd_bn is not None:
            amount, basis = r.amount_usd_bn, "stated"
        else:
            amount, basis = float(r.gw or 0.0) * price.usd_bn_per_gw, "gw"
        c = Commitment(
            id=r.id,
            payer=r.payer,
            payee=r.payee,
            type=r.type,
            amount_usd_bn=amount,
            amount_basis=basis,
            gw=r.gw,
            date=r.date,
            horizon=r.horizon,
            status=r.status,
            binding=_binding(r),
            schedule=parse_schedule(r.horizon, r.date, assume),
            description=r.description,
            source_title=r.source_title,
            source_ref=r.source_ref,
            grade=r.grade,
            row=r.row,
        )
        (kept if c.binding or include_nonbinding else dropped).append(c)
    known = {f.name: f for f in firms}
    names: list[str] = []
    for c in kept:
        for n in (c.payer, c.payee):
            if n not in names:
                names.append(n)
    nodes = tuple(
        known.get(n) or Firm(n, ticker=LISTED_TICKERS.get(n), external=n in _EXTERNAL_NODES)
        for n in names
    )
    return FinancingNetwork(
        nodes,
        tuple(kept),
        tuple(dropped),
        price,
        assume,
        include_nonbinding,
        origin,
        as_of=latest_date(c.date for c in (*kept, *dropped)),
    )


def _factbase_firms(fb: Any, names: Iterable[str], balance_sheets: bool) -> list[Firm]:
    """Firms with their sourced items: filings (public) and facts (:data:`SOURCED_ITEMS`)."""
    from bubblescope.data.financials import FiledValue, SourcedValue, firm_financials

    names = [n for n in names if n not in _EXTERNAL_NODES]
    filed = (
        firm_financials([(n, LISTED_TICKERS.get(n)) for n in names], factbase=fb)
        if balance_sheets
        else {}
    )
    out = []
    for n in names:
        items: dict[str, Any] = {}
        sources: list[tuple[str, str]] = []
        for (firm, item), fid in SOURCED_ITEMS.items():
            if firm != n:
                continue
            try:
                value = fb.value(fid)
            except BubblescopeError:  # a fact missing or without one number: stays unknown
                continue
            if value is not None:
                items[item] = float(value)
                sources.append((item, f"fact {fid}"))
        fin = filed.get(n)
        if fin is not None:
            for item, key in FINANCIAL_FIELDS.items():
                if key not in fin.items:
                    continue
                v = fin.get(key)
                if isinstance(v, (FiledValue, SourcedValue)):
                    items[item] = v.value_usd_bn
                    sources = [s for s in sources if s[0] != item]
                    sources.append((item, v.label))
        out.append(
            Firm(
                n,
                ticker=LISTED_TICKERS.get(n),
                external=False,
                sources=tuple(sources),
                **items,
            )
        )
    return out


def read_firms(path: str | Path) -> list[Firm]:
    """Read balance sheets from a CSV/YAML file.

    Columns: ``name`` plus any of cash, liquid_assets, debt, revenue, backlog, equity (USD bn),
    ``ticker`` and ``source``. Blank cells stay unknown (None), never 0.
    """
    rows = read_rows(path)
    out = []
    for k, raw in enumerate(rows, start=1):
        name = str(raw.get("name") or "").strip()
        if not name:
            raise InputError(f"{path} row {k}: missing firm name")
        values: dict[str, Any] = {}
        for item in _BALANCE_ITEMS:
            text = "" if raw.get(item) is None else str(raw.get(item)).strip()
            if text:
                try:
                    values[item] = float(text)
                except ValueError:
                    raise InputError(
                        f"{path} row {k} ({name}): {item} {text!r} is not a number"
                    ) from None
                if not np.isfinite(values[item]):
                    raise InputError(f"{path} row {k} ({name}): {item} is not finite")
        src = str(raw.get("source") or path)
        ticker = str(raw.get("ticker") or "").strip() or LISTED_TICKERS.get(name)
        out.append(Firm(name, ticker=ticker, sources=tuple((i, src) for i in values), **values))
    return out


def load_network(
    source: str | Path | None = None,
    *,
    include_nonbinding: bool = False,
    gw_price: GWPrice | None = None,
    schedule: ScheduleAssumption | None = None,
    firms: str | Path | Iterable[Firm] | None = None,
    balance_sheets: bool = True,
) -> FinancingNetwork:
    """Load the financing network from the fact base (default) or a user CSV/YAML.

    Parameters
    ----------
    source : path, optional
        A commitments file with the fact-base ``Deal`` fields; ``None`` uses the shipped fact
        base (:func:`bubblescope.data.facts.load_factbase`).
    include_nonbinding : bool
        Keep non-binding deals (default False; see :func:`network_from_rows`).
    gw_price : GWPrice, optional
        USD bn per GW; by default :class:`GWPrice` (the fact base's ``GWC-01``).
    schedule : ScheduleAssumption, optional
        Fallback schedule length.
    firms : path or iterable of Firm, optional
        Balance sheets; merged over the ones sourced from the fact base.
    balance_sheets : bool
        Read the firms' liquid assets, debt and backlog from their filings and the fact base
        (:func:`bubblescope.data.financials.firm_financials`; default True). False keeps only
        the fact-base items of :data:`SOURCED_ITEMS`, so every firm's cash is assumed.

    Examples
    --------
    >>> net = load_network()
    >>> [c.label for c in net.cycles() if set(c.nodes) == {"AMD", "OpenAI"}]
    ['AMD → OpenAI → AMD']
    """
    user_firms = list(read_firms(firms) if isinstance(firms, (str, Path)) else (firms or ()))
    if source is not None:
        rows = read_rows(source)
        net = network_from_rows(
            rows,
            origin=str(source),
            include_nonbinding=include_nonbinding,
            gw_price=gw_price,
            schedule=schedule,
            firms=user_firms,
        )
        return net
    from bubblescope.data.facts import load_factbase

    fb = load_factbase()
    rows = [_deal_row(d) for d in fb.deals]
    net = network_from_rows(
        rows,
        origin="fact base",
        include_nonbinding=include_nonbinding,
        gw_price=gw_price,
        schedule=schedule,
    )
    sourced = {f.name: f for f in _factbase_firms(fb, net.names, balance_sheets)}
    for f in user_firms:
        sourced[f.name] = f
    firms_out = tuple(sourced.get(f.name, f) for f in net.firms)
    return replace(net, firms=firms_out)


def _deal_row(deal: Any) -> dict[str, Any]:
    fields = (
        "id",
        "payer",
        "payee",
        "amount",
        "unit",
        "type",
        "date",
        "horizon",
        "status",
        "description",
        "source_title",
        "source_ref",
        "grade",
        "gw",
    )
    return {k: getattr(deal, k, None) for k in fields}


@dataclass(frozen=True)
class NetworkResult(ResultMixin):
    """Loops and dependence measures of a :class:`FinancingNetwork`.

    Attributes
    ----------
    network : FinancingNetwork
    cycles : tuple of Cycle
        Simple loops, largest bottleneck first.
    vendor_financing, concentration, group_flows : DataFrame
        See the methods of the same names on :class:`FinancingNetwork`.
    """

    network: FinancingNetwork
    cycles: tuple[Cycle, ...]
    vendor_financing: pd.DataFrame
    concentration: pd.DataFrame
    group_flows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The commitments table (one row per edge, indexed by id)."""
        return self.network.edges_frame()

    def to_dict(self) -> JSONDict:
        """JSON-ready dict (what ``--json`` and the web API emit)."""
        net = self.network
        out: JSONDict = to_jsonable(
            {
                "origin": net.origin,
                "include_nonbinding": net.include_nonbinding,
                "gw_price": {
                    "usd_bn_per_gw": net.gw_price.usd_bn_per_gw,
                    "source": net.gw_price.source,
                },
                "default_schedule_years": net.schedule_assumption.default_years,
                "commitment_total": net.commitment_total().to_dict(),
                "firms": [f.to_dict() for f in net.firms],
                "commitments": [c.to_dict() for c in net.commitments],
                "dropped_nonbinding": [c.id for c in net.dropped],
                "cycles": [c.to_dict() for c in self.cycles],
                "vendor_financing": _records(self.vendor_financing),
                "concentration": _records(self.concentration),
                "group_flows": self.group_flows.to_dict(orient="records"),
                "warnings": net.warnings(),
            }
        )
        return out

    def summary(self) -> str:
        """Plain-text summary: size, loops, vendor financing, concentration."""
        net = self.network
        lines = [
            f"Financing network ({net.origin}): {len(net.firms)} firms, "
            f"{len(net.commitments)} commitments ({len(net.dropped)} non-binding left out)",
            f"  {net.commitment_total().label()}",
            f"Loops: {len(self.cycles)}",
        ]
        for c in self.cycles[:10]:
            ids = ", ".join("+".join(e) for e in c.edge_ids)
            lines.append(f"  {c.label}: {c.bottleneck:,.2f} round, {c.total:,.1f} total [{ids}]")
        if not self.vendor_financing.empty:
            lines.append("Vendor financing (share of sales funded by the seller):")
            for name, r in self.vendor_financing.iterrows():
                lines.append(
                    f"  {name}: {r['vendor_financing_ratio']:.1%} of {r['sales_usd_bn']:,.1f}"
                )
        if not self.concentration.empty:
            lines.append("Largest customer share:")
            for name, r in self.concentration.iterrows():
                extra = (
                    ""
                    if r["share_of_backlog"] is None or pd.isna(r["share_of_backlog"])
                    else f", {r['share_of_backlog']:.1%} of backlog"
                )
                lines.append(
                    f"  {name}: {r['largest_customer']} {r['share_of_commitments']:.1%}{extra}"
                )
        lines.extend(f"note: {w}" for w in net.warnings())
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """The network: edge width = amount, colour = commitment type.

        See :func:`bubblescope.economy.network_chart_spec` for the layout.
        """
        from bubblescope.economy._network_plot import network_chart_spec

        return network_chart_spec(self.network)


def _records(frame: pd.DataFrame) -> list[JSONDict]:
    if frame.empty:
        return []
    return [
        {str(k): v for k, v in r.items()} for r in frame.reset_index().to_dict(orient="records")
    ]


def analyze_network(
    network: FinancingNetwork,
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    max_cycle_length: int | None = None,
) -> NetworkResult:
    """Loops, vendor financing, concentration and group flows of ``network``."""
    return NetworkResult(
        network=network,
        cycles=network.cycles(max_length=max_cycle_length),
        vendor_financing=network.vendor_financing(),
        concentration=network.concentration(),
        group_flows=network.group_flows(groups),
    )
