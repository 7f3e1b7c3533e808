"""The sourced AI-economy fact base: typed, validated facts and deal edges shipped with the package.

Every fact is one figure (or one range / qualitative statement) with its unit, as-of date, entity,
source title and reference, and a grade that says how well it is sourced. Deals are the money
flows between AI companies (who pays whom, how much, of what kind) used by the financing-network
models. Both live as CSV files in ``bubblescope/data/factbase/`` (schema in the README there) and
are validated on load: a malformed row raises :class:`~bubblescope.errors.DataError` naming the
file, the row and the field.

Conflicting sources are never silently resolved: rows that disagree share a ``conflict_group``
and :meth:`FactBase.conflicts` returns them side by side.

References
----------
The figures were compiled from public reporting and filings up to mid-2026. Each row names its own
source: the publisher, title, URL and date of the primary item or of the secondary report quoting
it, or ``Derived: <method, input fact ids>`` for own calculations. Re-pull a number from the
primary document named there before publishing it.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from bubblescope.errors import DataError, InputError, UnitError, UnknownSymbolError
from bubblescope.result import ResultMixin

if TYPE_CHECKING:
    import pandas as pd

    from bubblescope.charts import ChartSpec

__all__ = [
    "DEAL_KINDS",
    "DEAL_STATUSES",
    "DEAL_TYPES",
    "GRADES",
    "GW_PRICE_FACT",
    "NONBINDING_STATUSES",
    "UNITS",
    "CommitmentTotal",
    "Deal",
    "Fact",
    "FactBase",
    "Grade",
    "commitment_total",
    "get_fact",
    "load_factbase",
]

Grade = Literal["verified", "secondary", "derived", "unverified", "conflicting"]

#: Grades, strongest sourcing first: verified (checked against a primary document or text
#: quoting it), secondary (secondary reports only), derived (own calculation from stated inputs),
#: unverified (no source found, or from memory), conflicting (sources disagree; wins over the
#: others).
GRADES: tuple[Grade, ...] = get_args(Grade)

#: The unit vocabulary. Amounts are nominal US dollars unless the row says otherwise.
UNITS: dict[str, str] = {
    "USD": "US dollars",
    "USD mn": "millions of US dollars",
    "USD bn": "billions of US dollars",
    "USD tn": "trillions of US dollars",
    "USD bn/yr": "billions of US dollars per year",
    "USD bn/GW": "billions of US dollars per gigawatt of data-centre capacity",
    "USD/GPU-hour": "US dollars per GPU-hour",
    "JPY bn": "billions of Japanese yen",
    "JPY/USD": "Japanese yen per US dollar (an exchange rate)",
    "%": "percent",
    "pp": "percentage points",
    "bp": "basis points (1/100 of a percent)",
    "percentile": "percentile rank against the indicator's own history (0-100)",
    "x": "multiple or ratio (e.g. P/E)",
    "GW": "gigawatts",
    "kW": "kilowatts",
    "W": "watts",
    "PWh": "petawatt-hours (trillion kWh)",
    "TWh": "terawatt-hours (billion kWh)",
    "GWh": "gigawatt-hours",
    "GWh/day": "gigawatt-hours per day",
    "MWh": "megawatt-hours",
    "Wh": "watt-hours",
    "kWh/day": "kilowatt-hours per day",
    "MW": "megawatts",
    "L/kWh": "litres of water per kilowatt-hour (water usage effectiveness)",
    "mn L": "millions of litres",
    "bn L": "billions of litres",
    "gal": "US gallons",
    "bn gal": "billions of US gallons",
    "mn gal/day": "millions of US gallons per day",
    "acre-ft": "acre-feet of water (43,560 cubic feet, about 1.233 million litres)",
    "count": "a plain count (households, firms)",
    "million": "count, in millions (users, shares)",
    "years": "years",
    "qualitative": "a statement, not a number",
    "formula": "a model equation or definition",
}

#: Deal kinds. Mapping from the source wording: "equity investment (LOI)" -> equity_investment
#: (status lapsed/loi); "chip purchase (LOI)" -> chip_purchase; "equity (issued to customer)" ->
#: equity_to_customer; "backstop / compute purchase" -> backstop; "compute purchase (leaseback)"
#: and "compute purchase + equity" -> compute_purchase (the nuance is kept in the deal's note);
#: "share sale (funding source)" -> share_sale.
DEAL_TYPES: tuple[str, ...] = (
    "equity_investment",
    "compute_purchase",
    "chip_purchase",
    "warrant",
    "backstop",
    "loan",
    "share_sale",
    "equity_to_customer",
)

#: Deal statuses: ``loi`` non-binding letter of intent still open; ``lapsed`` abandoned or
#: superseded; ``reported`` press reports only, not confirmed by the parties; ``announced``
#: announced by the parties, not yet closed; ``term_sheet`` agreed terms short of a definitive
#: contract; ``signed`` definitive or contracted agreement; ``executed`` closed, funded, issued
#: or already paid.
DEAL_STATUSES: frozenset[str] = frozenset(
    {
        "loi",
        "lapsed",
        "reported",
        "announced",
        "term_sheet",
        "signed",
        "executed",
    }
)

#: Statuses of deals that bind nobody, or no longer: left out of commitment totals and, by
#: default, of the financing network.
NONBINDING_STATUSES: frozenset[str] = frozenset({"loi", "lapsed", "term_sheet"})

#: Deal types grouped by what changes hands: purchases of goods and services, equity-like stakes
#: (the holder is the investor or the recipient of the shares), loans, and share sales to the
#: market (the seller's funding source, not a bilateral commitment).
DEAL_KINDS: dict[str, tuple[str, ...]] = {
    "purchases": ("compute_purchase", "chip_purchase", "backstop"),
    "equity stakes and warrants": ("equity_investment", "warrant", "equity_to_customer"),
    "loans": ("loan",),
    "share sales": ("share_sale",),
}

#: Fact giving the default USD bn per GW for deals stated only in GW: Nvidia's chips-and-systems
#: content of a gigawatt (the deals so stated are chip purchases).
GW_PRICE_FACT = "GWC-01"

_FACT_COLUMNS = (
    "id",
    "topic",
    "description",
    "value",
    "value_text",
    "unit",
    "as_of",
    "entity",
    "source_title",
    "source_ref",
    "grade",
    "conflict_group",
    "parent",
    "note",
)
_DEAL_COLUMNS = (
    "id",
    "payer",
    "payee",
    "amount",
    "unit",
    "gw",
    "type",
    "date",
    "horizon",
    "status",
    "description",
    "note",
    "source_title",
    "source_ref",
    "grade",
    "fact_ids",
)
_DEAL_UNITS = frozenset({"USD bn", "GW"})

_ID_RE = re.compile(r"[A-Z]{1,4}-?\d{2}[a-z]?")
_DATE_TOKEN = re.compile(
    r"(?:c\.)?(?:"
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?: \(FY\))?"
    r"|(?P<qy>\d{4})-Q[1-4]"
    r"|(?P<y1>\d{4})-(?P<y2>\d{4})"
    r")"
)
_DATE_SEPARATORS = re.compile(r" / | -> | to |\.\.")


@dataclass(frozen=True)
class Fact:
    """One sourced figure of the AI-economy fact base.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"CIR-01"`` (rows split out of a multi-reading row carry a
        letter suffix and name it in ``parent``).
    topic : str
        Theme, e.g. ``"circular"``, ``"capex"``, ``"gw_cost"``.
    description : str
        What the figure measures, in plain words.
    value : float or None
        The number, in ``unit``; ``None`` when the source gives a range, several readings or a
        statement (then see ``value_text``).
    unit : str
        One of :data:`UNITS`.
    as_of : str
        ISO date or period as the source gives it (``"2025-11-20"``, ``"2025-Q3"``,
        ``"2024 (FY)"``, ``"2025-10 / 2026-02"``).
    entity : str
        Who the figure is about or who stated it.
    source_title, source_ref : str
        Where it comes from: publisher, title and date, and a URL or DOI; for own calculations
        ``"Derived: <method, input fact ids>"`` and ``"derived"``.
    grade : Grade
        How well it is sourced; see :data:`GRADES`.
    note : str
        Context and caveats.
    value_text : str
        The raw reading when ``value`` is ``None`` (e.g. ``"325-580"``).
    conflict_group : str
        Name shared by rows whose sources disagree (empty when none).
    parent : str
        Id of the multi-reading row this one was split out of (empty for original rows).
    """

    id: str
    topic: str
    description: str
    value: float | None
    unit: str
    as_of: str
    entity: str
    source_title: str
    source_ref: str
    grade: Grade
    note: str = ""
    value_text: str = ""
    conflict_group: str = ""
    parent: str = ""

    @property
    def display_value(self) -> str:
        """The value as a short string with its unit (``"300 USD bn"``, ``"325-580 TWh"``)."""
        shown = self.value_text if self.value is None else f"{self.value:g}"
        if not shown:
            return self.unit
        if self.unit in ("qualitative", "formula") or shown.endswith(self.unit):
            return shown
        return f"{shown} {self.unit}"

    def to_dict(self) -> dict[str, Any]:
        """Return the fact as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class Deal:
    """One money flow between two parties of the AI build-out (an edge of the financing graph).

    Attributes
    ----------
    id : str
        Edge id, e.g. ``"E01"``.
    payer, payee : str
        Who pays and who receives (``"market"`` for open-market share sales).
    amount : float or None
        Headline amount in billions of US dollars; ``None`` when the deal is stated in GW only.
    unit : str
        ``"USD bn"``, or ``"GW"`` when only a capacity is stated.
    type : str
        One of :data:`DEAL_TYPES`.
    date, horizon : str
        Announcement date (or period) and the stated horizon.
    status : str
        One of :data:`DEAL_STATUSES`.
    description : str
        What the deal is, in plain words.
    source_title, source_ref : str
        Source title and URL.
    grade : str
        One of :data:`GRADES`.
    gw : float or None
        Data-centre capacity in GW when the source states one.
    note : str
        Caveats (binding or not, how the amount is built up).
    fact_ids : tuple of str
        Fact-base rows that document the deal.
    """

    id: str
    payer: str
    payee: str
    amount: float | None
    unit: str
    type: str
    date: str
    horizon: str
    status: str
    description: str
    source_title: str
    source_ref: str
    grade: str
    gw: float | None = None
    note: str = ""
    fact_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the deal as a JSON-ready dict."""
        out = asdict(self)
        out["fact_ids"] = list(self.fact_ids)
        return out


@dataclass(frozen=True)
class CommitmentTotal:
    """The headline sum of deal amounts, with everything it includes spelled out.

    Build it with :func:`commitment_total`; every surface that prints a total of commitments
    (the fact-base summary, the financing network) prints :meth:`label`.

    Attributes
    ----------
    stated_usd_bn : float
        Sum of the included deals stated in USD bn (gross: nothing netted).
    stated_ids : tuple of str
        Those deals.
    gw : float
        Capacity of the included deals stated only in GW.
    gw_ids : tuple of str
        Those deals.
    usd_bn_per_gw : float
        USD bn per GW used to price them.
    gw_source : str
        Where that price comes from (a fact id, or the option that set it).
    by_kind : tuple of (str, float)
        USD bn per kind of :data:`DEAL_KINDS` (GW-stated deals at the price), in that order;
        kinds without a deal are left out.
    left_out : tuple of (str, str)
        ``(id, status)`` of the non-binding deals not counted.
    nonbinding_included : bool
        Whether non-binding deals were counted (then ``left_out`` is empty).
    """

    stated_usd_bn: float
    stated_ids: tuple[str, ...]
    gw: float
    gw_ids: tuple[str, ...]
    usd_bn_per_gw: float
    gw_source: str
    by_kind: tuple[tuple[str, float], ...]
    left_out: tuple[tuple[str, str], ...]
    nonbinding_included: bool = False

    @property
    def gw_usd_bn(self) -> float:
        """The GW-stated deals in USD bn: ``gw × usd_bn_per_gw``."""
        return self.gw * self.usd_bn_per_gw

    @property
    def total_usd_bn(self) -> float:
        """Stated dollars plus the priced GW deals (USD bn)."""
        return self.stated_usd_bn + self.gw_usd_bn

    def label(self) -> str:
        """One line: the total, what it is made of, and what is left out."""
        included = (
            "all deals, non-binding included" if self.nonbinding_included else "binding deals"
        )
        parts = [
            f"commitments: {self.total_usd_bn:,.1f} USD bn gross ({included} of every type) = "
            f"{self.stated_usd_bn:,.1f} stated in USD bn ({_deals(len(self.stated_ids))})",
        ]
        if self.gw_ids:
            parts.append(
                f" + {self.gw_usd_bn:,.1f} for {self.gw:g} GW x {self.usd_bn_per_gw:g} USD bn/GW "
                f"[{self.gw_source}] ({_deals(len(self.gw_ids))} stated only in GW)"
            )
        if self.by_kind:
            parts.append(
                "; by kind: " + ", ".join(f"{kind} {usd:,.1f}" for kind, usd in self.by_kind)
            )
        if self.left_out:
            parts.append(
                "; non-binding left out: "
                + ", ".join(f"{deal_id} ({status})" for deal_id, status in self.left_out)
            )
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: the parts, the total and the label."""
        return {
            "total_usd_bn": self.total_usd_bn,
            "stated_usd_bn": self.stated_usd_bn,
            "stated_ids": list(self.stated_ids),
            "gw": self.gw,
            "gw_ids": list(self.gw_ids),
            "usd_bn_per_gw": self.usd_bn_per_gw,
            "gw_source": self.gw_source,
            "gw_usd_bn": self.gw_usd_bn,
            "by_kind": dict(self.by_kind),
            "left_out": [{"id": deal_id, "status": status} for deal_id, status in self.left_out],
            "nonbinding_included": self.nonbinding_included,
            "label": self.label(),
        }


def commitment_total(
    deals: Iterable[Deal],
    *,
    usd_bn_per_gw: float,
    gw_source: str,
    nonbinding: Collection[str] = NONBINDING_STATUSES,
    include_nonbinding: bool = False,
) -> CommitmentTotal:
    """Sum the deals into one total of commitments, recording exactly what goes in.

    Deals stated in USD bn count at their stated amount; deals stated only in GW at
    ``gw × usd_bn_per_gw``. Every deal type counts, gross (a purchase and the equity that
    funds it both count; see :attr:`CommitmentTotal.by_kind`). Deals whose status is in
    ``nonbinding`` are left out unless ``include_nonbinding``.

    Parameters
    ----------
    deals : iterable of Deal
        The deal edges (e.g. ``load_factbase().deals``).
    usd_bn_per_gw : float
        USD bn per GW for deals stated only in GW (positive).
    gw_source : str
        Fact id or other origin of that price, shown in the label.
    nonbinding : collection of str
        Statuses that make a deal non-binding (default :data:`NONBINDING_STATUSES`).
    include_nonbinding : bool
        Count non-binding deals too.

    Returns
    -------
    CommitmentTotal

    Raises
    ------
    InputError
        ``usd_bn_per_gw`` is not a positive finite number.

    Examples
    --------
    >>> total = load_factbase().commitment_total()
    >>> round(total.total_usd_bn, 1) == round(total.stated_usd_bn + 6 * 35, 1)
    True
    """
    if not math.isfinite(usd_bn_per_gw) or usd_bn_per_gw <= 0:
        raise InputError(f"usd_bn_per_gw must be a positive number, got {usd_bn_per_gw!r}")
    kind_of = {t: kind for kind, types in DEAL_KINDS.items() for t in types}
    stated: list[Deal] = []
    gw_only: list[Deal] = []
    left_out: list[tuple[str, str]] = []
    by_kind: dict[str, float] = dict.fromkeys(DEAL_KINDS, 0.0)
    for deal in deals:
        if deal.status in nonbinding and not include_nonbinding:
            left_out.append((deal.id, deal.status))
            continue
        if deal.amount is not None:
            stated.append(deal)
            usd = deal.amount
        else:
            gw_only.append(deal)
            usd = (deal.gw or 0.0) * usd_bn_per_gw
        kind = kind_of.get(deal.type, deal.type)
        by_kind[kind] = by_kind.get(kind, 0.0) + usd
    return CommitmentTotal(
        stated_usd_bn=math.fsum(d.amount or 0.0 for d in stated),
        stated_ids=tuple(d.id for d in stated),
        gw=math.fsum(d.gw or 0.0 for d in gw_only),
        gw_ids=tuple(d.id for d in gw_only),
        usd_bn_per_gw=usd_bn_per_gw,
        gw_source=gw_source,
        by_kind=tuple((kind, usd) for kind, usd in by_kind.items() if usd > 0),
        left_out=tuple(left_out),
        nonbinding_included=include_nonbinding,
    )


@dataclass(frozen=True)
class FactBase(ResultMixin):
    """Immutable container of :class:`Fact` and :class:`Deal` rows with lookups.

    Parameters
    ----------
    facts : tuple of Fact
    deals : tuple of Deal
    """

    facts: tuple[Fact, ...]
    deals: tuple[Deal, ...]
    _by_id: dict[str, Fact] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {f.id.upper(): f for f in self.facts})

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, fact_id: object) -> bool:
        return isinstance(fact_id, str) and fact_id.strip().upper() in self._by_id

    def get(self, fact_id: str) -> Fact:
        """Return the fact with id ``fact_id`` (case-insensitive).

        Raises
        ------
        UnknownSymbolError
            If no fact has that id; the message lists the closest ids.
        """
        key = fact_id.strip().upper()
        try:
            return self._by_id[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self._by_id), n=3, cutoff=0.6)
            hint = (
                f"did you mean {', '.join(close)}?"
                if close
                else "list ids with `bubblescope facts list`"
            )
            raise UnknownSymbolError(f"unknown fact id {fact_id!r}", hint=hint) from None

    def value(self, fact_id: str, unit: str | None = None) -> float:
        """Return the numeric value of a fact, optionally checking its unit.

        Parameters
        ----------
        fact_id : str
            Fact id.
        unit : str, optional
            Expected unit; a different unit raises :class:`UnitError` (no silent conversion).

        Raises
        ------
        UnknownSymbolError
            Unknown id.
        UnitError
            ``unit`` is given and differs from the fact's unit.
        InputError
            The fact has no single number (a range, several readings or a statement).
        """
        fact = self.get(fact_id)
        if unit is not None and unit != fact.unit:
            raise UnitError(
                f"fact {fact.id} is in {fact.unit!r}, not {unit!r}",
                hint=f"ask for unit={fact.unit!r} and convert explicitly",
            )
        if fact.value is None:
            raise InputError(
                f"fact {fact.id} has no single numeric value (reads {fact.value_text!r})",
                hint="use .get(id).value_text, or a split-out row with one number",
            )
        return fact.value

    def search(self, text: str) -> list[Fact]:
        """Facts matching every word of ``text`` (case-insensitive), in file order.

        The words are looked up in the id, topic, description, entity, value text, unit, source
        title, note and conflict group.
        """
        words = text.casefold().split()
        if not words:
            raise InputError(
                "empty search text", hint="give one or more words, e.g. 'oracle capex'"
            )
        hits = []
        for fact in self.facts:
            haystack = " ".join(
                (
                    fact.id,
                    fact.topic,
                    fact.description,
                    fact.entity,
                    fact.value_text,
                    fact.unit,
                    fact.source_title,
                    fact.note,
                    fact.conflict_group,
                )
            ).casefold()
            if all(word in haystack for word in words):
                hits.append(fact)
        return hits

    def topics(self) -> list[str]:
        """Topics in order of first appearance."""
        return list(dict.fromkeys(f.topic for f in self.facts))

    def by_topic(self, topic: str) -> list[Fact]:
        """Facts of one topic, in file order.

        Raises
        ------
        UnknownSymbolError
            If no fact has that topic; the message lists the known topics.
        """
        hits = [f for f in self.facts if f.topic == topic]
        if not hits:
            raise UnknownSymbolError(
                f"unknown topic {topic!r}", hint=f"known topics: {', '.join(self.topics())}"
            )
        return hits

    def by_grade(self, grade: str) -> list[Fact]:
        """Facts of one grade, in file order (:class:`InputError` for an unknown grade)."""
        if grade not in GRADES:
            raise InputError(f"unknown grade {grade!r}", hint=f"one of {', '.join(GRADES)}")
        return [f for f in self.facts if f.grade == grade]

    def conflicts(self) -> list[tuple[Fact, ...]]:
        """Groups of facts whose sources disagree, each kept side by side in file order.

        A one-member group is a row that itself carries the disagreeing readings (in its value
        text or note).
        """
        groups: dict[str, list[Fact]] = {}
        for fact in self.facts:
            if fact.conflict_group:
                groups.setdefault(fact.conflict_group, []).append(fact)
        return [tuple(members) for members in groups.values()]

    def deals_of(self, entity: str) -> list[Deal]:
        """Deals in which ``entity`` pays or receives (case-insensitive exact name)."""
        key = entity.strip().casefold()
        hits = [d for d in self.deals if key in (d.payer.casefold(), d.payee.casefold())]
        if not hits:
            names = sorted({d.payer for d in self.deals} | {d.payee for d in self.deals})
            raise UnknownSymbolError(
                f"no deal involves {entity!r}", hint=f"known parties: {', '.join(names)}"
            )
        return hits

    def facts_frame(self) -> pd.DataFrame:
        """All facts as a DataFrame indexed by ``id`` (one column per :class:`Fact` field)."""
        import pandas as pd

        frame = pd.DataFrame(
            [f.to_dict() for f in self.facts], columns=[f.name for f in fields(Fact)]
        )
        frame["value"] = frame["value"].astype("float64")
        return frame.set_index("id")

    def deals_frame(self) -> pd.DataFrame:
        """All deals as a DataFrame indexed by ``id`` (one column per :class:`Deal` field)."""
        import pandas as pd

        frame = pd.DataFrame(
            [d.to_dict() for d in self.deals], columns=[f.name for f in fields(Deal)]
        )
        frame["amount"] = frame["amount"].astype("float64")
        frame["gw"] = frame["gw"].astype("float64")
        frame["fact_ids"] = [";".join(d.fact_ids) for d in self.deals]
        return frame.set_index("id")

    def commitment_total(
        self,
        usd_bn_per_gw: float | None = None,
        gw_source: str | None = None,
        *,
        include_nonbinding: bool = False,
    ) -> CommitmentTotal:
        """The total of the deals' commitments (see :func:`commitment_total`).

        Parameters
        ----------
        usd_bn_per_gw : float, optional
            USD bn per GW for deals stated only in GW; by default the value of the fact
            :data:`GW_PRICE_FACT` (``GWC-01``, 35), the price the financing network uses too.
        gw_source : str, optional
            Origin of ``usd_bn_per_gw`` shown in the label (default: the fact id, or
            ``"user"`` when a price is given).
        include_nonbinding : bool
            Count LOIs, term sheets and lapsed deals too.

        Raises
        ------
        UnknownSymbolError
            No price is given and the fact base has no :data:`GW_PRICE_FACT` row.
        """
        if usd_bn_per_gw is None:
            usd_bn_per_gw = self.value(GW_PRICE_FACT, unit="USD bn/GW")
            gw_source = gw_source or GW_PRICE_FACT
        return commitment_total(
            self.deals,
            usd_bn_per_gw=usd_bn_per_gw,
            gw_source=gw_source or "user",
            include_nonbinding=include_nonbinding,
        )

    def summary(self) -> str:
        """A short text overview: counts by topic and by grade, deals, and the conflict groups.

        The deals line is :meth:`CommitmentTotal.label` of :meth:`commitment_total`, the same
        line the financing network prints; a fact base without a ``GWC-01`` price leaves the
        GW-stated deals unpriced and says so.
        """
        by_topic = Counter(f.topic for f in self.facts)
        by_grade = Counter(f.grade for f in self.facts)
        lines = [
            f"AI-economy fact base: {len(self.facts)} facts in {len(by_topic)} topics, "
            f"{len(self.deals)} deal edges",
            "  by topic: " + ", ".join(f"{t} {n}" for t, n in by_topic.items()),
            "  by grade: " + ", ".join(f"{g} {by_grade[g]}" for g in GRADES if by_grade[g]),
        ]
        if GW_PRICE_FACT in self:
            lines.append(f"  {self.commitment_total().label()}")
        else:
            gw_only = [d for d in self.deals if d.amount is None]
            lines.append(
                f"  deals: {len(self.deals) - len(gw_only)} stated in USD bn; {len(gw_only)} "
                f"stated only in GW are not priced (no {GW_PRICE_FACT} fact for USD bn/GW)"
            )
        groups = self.conflicts()
        lines.append(f"  conflicting sources kept side by side: {len(groups)} groups")
        for members in groups:
            # a multi-reading row whose single figures sit in the same group is shown by those
            shown = [
                m
                for m in members
                if m.value is not None or not any(c.parent == m.id for c in members)
            ]
            lines.append(
                f"    {members[0].conflict_group}: "
                + " vs ".join(f"{m.id} {_shorten(m.display_value)}" for m in shown)
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The facts, one row each (:meth:`facts_frame`)."""
        return self.facts_frame()

    def to_dict(self) -> dict[str, Any]:
        """Return all facts and deals as a JSON-ready dict."""
        return {
            "facts": [f.to_dict() for f in self.facts],
            "deals": [d.to_dict() for d in self.deals],
        }

    def chart_spec(self) -> ChartSpec:
        """Facts per topic; the source line counts them by grade."""
        from bubblescope.charts import Bar, ChartSpec, Panel

        by_topic = Counter(f.topic for f in self.facts)
        by_grade = Counter(f.grade for f in self.facts)
        topics = self.topics()
        return ChartSpec(
            f"AI-economy fact base: {len(self.facts)} facts, {len(self.deals)} deal edges",
            (
                Panel(
                    "facts per topic",
                    "facts",
                    bars=(Bar(topics, [by_topic[t] for t in topics], "facts"),),
                ),
            ),
            source="bubblescope.data.facts; by grade: "
            + ", ".join(f"{g} {by_grade[g]}" for g in GRADES if by_grade[g]),
            legend=False,
        )


def _deals(count: int) -> str:
    return f"{count} deal" if count == 1 else f"{count} deals"


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Loading and validation


class _RowReader:
    """Validates the fields of one CSV row; every failure names file, line, id and field."""

    def __init__(self, file: str, line: int, row: dict[str, str]) -> None:
        self.file, self.line, self.row = file, line, row
        self.id = row.get("id", "").strip()

    def fail(self, column: str, problem: str, hint: str | None = None) -> DataError:
        where = f"{self.file}, row {self.line}" + (f" ({self.id})" if self.id else "")
        return DataError(f"{where}, field '{column}': {problem}", hint=hint)

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.row.get(column) or "").strip()
        if required and not value:
            raise self.fail(column, "is empty")
        return value

    def number(self, column: str) -> float | None:
        raw = self.text(column, required=False)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(
                column,
                f"{raw!r} is not a number",
                hint="put ranges and qualitative readings in value_text",
            ) from None
        if not math.isfinite(value):
            raise self.fail(column, f"{raw!r} is not finite")
        return value

    def choice(self, column: str, allowed: frozenset[str] | tuple[str, ...]) -> str:
        value = self.text(column)
        if value not in allowed:
            raise self.fail(
                column, f"unknown value {value!r}", hint=f"one of {', '.join(sorted(allowed))}"
            )
        return value

    def period(self, column: str) -> str:
        value = self.text(column)
        for token in _DATE_SEPARATORS.split(value):
            if not _valid_date_token(token):
                raise self.fail(
                    column,
                    f"{value!r} is not a date or period",
                    hint="use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or 'YYYY (FY)', "
                    "joined by ' / ', ' -> ', ' to ' or '..'",
                )
        return value


def _valid_date_token(token: str) -> bool:
    match = _DATE_TOKEN.fullmatch(token)
    if match is None:
        return False
    if match["y1"] is not None:
        return int(match["y1"]) < int(match["y2"])
    if match["m"] is not None:
        try:
            date(int(match["y"]), int(match["m"]), int(match["d"] or 1))
        except ValueError:
            return False
    return True


def _read_rows(text: str, file: str, columns: tuple[str, ...]) -> list[_RowReader]:
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    if missing or extra:
        raise DataError(
            f"{file}: header does not match the fact-base schema"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unexpected {', '.join(extra)}" if extra else ""),
            hint=f"expected columns: {','.join(columns)}",
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:  # more cells than header columns
            raise DataError(
                f"{file}, row {number}: more cells than columns",
                hint="quote fields that contain commas",
            )
        rows.append(_RowReader(file, number, cast(dict[str, str], row)))
    if not rows:
        raise DataError(f"{file}: no rows")
    return rows


def _parse_fact(r: _RowReader) -> Fact:
    fact_id = r.text("id")
    if not _ID_RE.fullmatch(fact_id):
        raise r.fail("id", f"{fact_id!r} is not a fact id like 'CIR-01' or 'GPU-13a'")
    value = r.number("value")
    value_text = r.text("value_text", required=False)
    unit = r.choice("unit", frozenset(UNITS))
    if value is not None and value_text:
        raise r.fail(
            "value_text",
            "given together with a numeric value",
            hint="keep one: value for a number, value_text for anything else",
        )
    if value is None and not value_text and unit != "qualitative":
        raise r.fail("value", "is empty and value_text is empty too")
    source_ref = r.text("source_ref")
    return Fact(
        id=fact_id,
        topic=r.text("topic"),
        description=r.text("description"),
        value=value,
        unit=unit,
        as_of=r.period("as_of"),
        entity=r.text("entity"),
        source_title=r.text("source_title"),
        source_ref=source_ref,
        grade=cast(Grade, r.choice("grade", GRADES)),
        note=r.text("note", required=False),
        value_text=value_text,
        conflict_group=r.text("conflict_group", required=False),
        parent=r.text("parent", required=False),
    )


def _parse_deal(r: _RowReader) -> Deal:
    deal_id = r.text("id")
    amount = r.number("amount")
    gw = r.number("gw")
    unit = r.choice("unit", _DEAL_UNITS)
    if unit == "USD bn" and amount is None:
        raise r.fail(
            "amount",
            "is empty for a deal in 'USD bn'",
            hint="give the amount, or unit 'GW' with the capacity in gw",
        )
    if unit == "GW" and (amount is not None or gw is None):
        raise r.fail("gw", "a deal in 'GW' needs an empty amount and the capacity in gw")
    for column, number in (("amount", amount), ("gw", gw)):
        if number is not None and number <= 0:
            raise r.fail(column, f"must be positive, got {number:g}")
    payer, payee = r.text("payer"), r.text("payee")
    if payer == payee:
        raise r.fail("payee", f"equals the payer {payer!r}")
    refs = r.text("fact_ids", required=False)
    return Deal(
        id=deal_id,
        payer=payer,
        payee=payee,
        amount=amount,
        unit=unit,
        type=r.choice("type", DEAL_TYPES),
        date=r.period("date"),
        horizon=r.text("horizon", required=False),
        status=r.choice("status", DEAL_STATUSES),
        description=r.text("description"),
        source_title=r.text("source_title"),
        source_ref=r.text("source_ref"),
        grade=r.choice("grade", GRADES),
        gw=gw,
        note=r.text("note", required=False),
        fact_ids=tuple(ref.strip() for ref in refs.split(";")) if refs else (),
    )


def _check_unique(readers: list[_RowReader], file: str) -> None:
    seen: dict[str, int] = {}
    for r in readers:
        key = r.id.upper()
        if key in seen:
            raise r.fail("id", f"duplicate id {r.id!r} (first on row {seen[key]})")
        seen[key] = r.line


def _build(facts_text: str, deals_text: str, facts_file: str, deals_file: str) -> FactBase:
    fact_rows = _read_rows(facts_text, facts_file, _FACT_COLUMNS)
    deal_rows = _read_rows(deals_text, deals_file, _DEAL_COLUMNS)
    _check_unique(fact_rows, facts_file)
    _check_unique(deal_rows, deals_file)
    facts = tuple(_parse_fact(r) for r in fact_rows)
    deals = tuple(_parse_deal(r) for r in deal_rows)
    ids = {f.id for f in facts}
    for r, fact in zip(fact_rows, facts, strict=True):
        if fact.parent and fact.parent not in ids:
            raise r.fail("parent", f"names unknown fact {fact.parent!r}")
    for r, deal in zip(deal_rows, deals, strict=True):
        unknown = [ref for ref in deal.fact_ids if ref not in ids]
        if unknown:
            raise r.fail("fact_ids", f"names unknown fact(s) {', '.join(unknown)}")
    return FactBase(facts=facts, deals=deals)


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            f"fact-base file not found: {path}",
            hint="a fact-base folder holds facts.csv and deals.csv",
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text: {exc.reason}") from None


@lru_cache(maxsize=1)
def _default_factbase() -> FactBase:
    folder = resources.files("bubblescope.data").joinpath("factbase")
    return _build(
        folder.joinpath("facts.csv").read_text(encoding="utf-8"),
        folder.joinpath("deals.csv").read_text(encoding="utf-8"),
        "factbase/facts.csv",
        "factbase/deals.csv",
    )


def load_factbase(path: str | Path | None = None) -> FactBase:
    """Load and validate a fact base.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding ``facts.csv`` and ``deals.csv`` in the package schema. ``None`` (default)
        loads the fact base shipped with bubblescope (cached after the first call).

    Returns
    -------
    FactBase

    Raises
    ------
    DataError
        A file is missing, or a row breaks the schema (unknown grade or unit, empty source,
        malformed date, duplicate id, ...); the message names the file, the row and the field.
    """
    if path is None:
        return _default_factbase()
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(
            f"fact-base folder not found: {folder}",
            hint="pass the folder that holds facts.csv and deals.csv",
        )
    facts_path, deals_path = folder / "facts.csv", folder / "deals.csv"
    return _build(_read_file(facts_path), _read_file(deals_path), str(facts_path), str(deals_path))


def get_fact(fact_id: str) -> Fact:
    """Return one fact from the bundled fact base (see :meth:`FactBase.get`)."""
    return _default_factbase().get(fact_id)
