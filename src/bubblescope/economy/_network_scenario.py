"""Stress scenarios and their translation into clearing inputs (liabilities, assets, caps).

A scenario changes one of three things of the one-year clearing problem:

* :class:`PaymentShock` — a firm pays at most ``fraction`` of what it owes (its cap);
* :class:`InvestorWithdrawal` — an investor's equity commitments disappear (their payees lose
  that inflow; the investor no longer owes it);
* :class:`MarketClosure` — the named firms lose ``cut`` of their external funding
  (their external assets ``e``).

External assets (the outside money a firm can pay from) are its liquid assets from its filings
(:mod:`bubblescope.data.financials`: cash and short-term securities) where they are sourced.
Where the user gives none and no source does, :class:`BufferAssumption` supplies them, and the
firm is flagged ``"assumed"``: the firm is assumed to cover its net need in the network from
outside (``max(0, owed − owed to it)``, debts and funding alike, so the *unshocked* network
clears in full) plus a cushion of ``coverage ×`` what it owes. A stress then measures what the
shock breaks, not what an arbitrary buffer leaves unfunded; the stress output lists every firm
so assumed with its value.

Debts and funding (:data:`~bubblescope.economy.network.TREATMENTS`) are paid from the same
money, pro rata to what is owed; a shortfall on a debt is a default, a shortfall on funding
(equity, loans) is funding that did not arrive, never a default of the investor.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.economy.assumptions import load_assumptions
from bubblescope.economy.network import PURCHASE_TYPES, Commitment, FinancingNetwork
from bubblescope.errors import InputError

__all__ = [
    "Assumption",
    "BufferAssumption",
    "CapacityAssumption",
    "ClearingInputs",
    "InvestorWithdrawal",
    "MarketClosure",
    "PaymentShock",
    "Scenario",
    "prepare",
]


def _unit_interval(name: str, value: float) -> float:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"{name} must be in [0, 1], got {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class PaymentShock:
    """``firm`` pays at most ``fraction`` (in [0, 1]) of its obligations this year.

    The firm is in default by assumption (round 0), so its equity is 0 (limited liability):
    what it withholds is not counted as a gain.
    """

    firm: str
    fraction: float

    def __post_init__(self) -> None:
        _unit_interval(f"shock fraction for {self.firm}", self.fraction)

    @property
    def label(self) -> str:
        """Short description."""
        return f"{self.firm} pays {self.fraction:.0%} of its obligations"


@dataclass(frozen=True, slots=True)
class InvestorWithdrawal:
    """``investor`` withdraws its equity commitments (to ``investee`` only, if given)."""

    investor: str
    investee: str | None = None

    @property
    def label(self) -> str:
        """Short description."""
        return f"{self.investor} withdraws equity" + (
            f" from {self.investee}" if self.investee else ""
        )


@dataclass(frozen=True, slots=True)
class MarketClosure:
    """The financing market closes for ``firms``: they lose ``cut`` of their external assets."""

    firms: tuple[str, ...]
    cut: float = 1.0

    def __post_init__(self) -> None:
        _unit_interval("market-closure cut", self.cut)
        if not self.firms:
            raise InputError("a market closure needs at least one firm")

    @property
    def label(self) -> str:
        """Short description."""
        return f"funding market closes for {', '.join(self.firms)} (-{self.cut:.0%})"


Scenario = PaymentShock | InvestorWithdrawal | MarketClosure


@dataclass(frozen=True, slots=True)
class Assumption:
    """One assumption a stress rests on: its value (None for a rule), unit and reason.

    ``applies_to`` names the firms or commitment ids it fills a gap for.
    """

    name: str
    value: float | None
    unit: str
    why: str
    applies_to: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``"name = value unit (why) for: ..."``."""
        value = "" if self.value is None else f" = {self.value:.6g} {self.unit}".rstrip()
        where = f" for {', '.join(self.applies_to)}" if self.applies_to else ""
        return f"{self.name}{value}{where}: {self.why}"

    def to_dict(self) -> dict[str, object]:
        """Plain dict (strict JSON)."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "why": self.why,
            "applies_to": list(self.applies_to),
        }


def _buffer(key: str) -> float:
    return load_assumptions("network").input(key).m_as("1")


@dataclass(frozen=True, slots=True)
class BufferAssumption:
    """External assets of firms whose cash is not sourced.

    Assumed external assets = ``max(0, obligations − receivables) + coverage × obligations``
    (USD bn, the year's debts and funding in the network under the default treatments): the firm
    funds its net need from outside and holds a cushion.

    Parameters
    ----------
    coverage : float
        Cushion used by :func:`~bubblescope.economy.clearing.stress` (default: row
        ``buffer_coverage`` of ``economy/assumptions/network.yaml``, 0.1).
    low, high : float
        Range of the cushion swept by :func:`~bubblescope.economy.clearing.sensitivity`
        (uniform draws; default: rows ``buffer_low`` and ``buffer_high``, 0 to 0.5).
    """

    coverage: float = field(default_factory=functools.partial(_buffer, "buffer_coverage"))
    low: float = field(default_factory=functools.partial(_buffer, "buffer_low"))
    high: float = field(default_factory=functools.partial(_buffer, "buffer_high"))

    def __post_init__(self) -> None:
        for name in ("coverage", "low", "high"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise InputError(f"BufferAssumption.{name} must be finite and >= 0, got {v}")
        if self.low > self.high:
            raise InputError(f"BufferAssumption low {self.low} exceeds high {self.high}")

    @property
    def basis(self) -> str:
        """What the multiple applies to."""
        return (
            "net need in the network (debts and funding owed less debts and funding due to the "
            "firm, floored at 0) plus a cushion of coverage × what it owes this year"
        )


@dataclass(frozen=True, slots=True)
class CapacityAssumption:
    """What a firm with a sourced balance sheet can pay from, besides what it receives.

    Its cash and short-term securities plus ``ocf_share ×`` its latest annual operating cash
    flow (a negative cash flow counts as 0).

    Parameters
    ----------
    ocf_share : float
        Default: row ``ocf_share`` of ``economy/assumptions/network.yaml`` (0: liquid assets
        only); ``decisive_assumptions`` tries ``ocf_share_high``.
    """

    ocf_share: float = field(default_factory=functools.partial(_buffer, "ocf_share"))

    def __post_init__(self) -> None:
        _unit_interval("CapacityAssumption.ocf_share", self.ocf_share)


@dataclass(frozen=True)
class ClearingInputs:
    """Arrays for the kernels, in ``names`` order (USD bn or USD bn/yr).

    ``liabilities`` are what is cleared: debts and funding (equity and loans, after
    withdrawals), :data:`~bubblescope.economy.network.TREATMENTS`; ``debts`` the debts alone (a
    shortfall on them is a default). ``sourced`` is the outside money that is given or on the
    balance sheet (0 where assumed); ``need`` and ``pbar_base`` size the assumed firms' money
    (their net need and what they owe in the unshocked network under the default treatments);
    ``external`` is ``sourced``, or ``need + coverage × pbar_base`` where assumed, times
    ``closure_keep``.
    """

    names: tuple[str, ...]
    liabilities: Float64Array
    purchases: Float64Array
    external: Float64Array
    cap: Float64Array
    assumed: tuple[bool, ...]
    need: Float64Array
    pbar_base: Float64Array
    closure_keep: Float64Array
    basis: tuple[str, ...]
    sourced: Float64Array
    debts: Float64Array


def _check_external(
    network: FinancingNetwork, external_assets: Mapping[str, float] | None
) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in (external_assets or {}).items():
        network.firm(name)
        v = float(value)
        if not math.isfinite(v) or v < 0:
            raise InputError(f"external assets of {name} must be finite and >= 0, got {value!r}")
        out[name] = v
    return out


def apply_withdrawals(network: FinancingNetwork, scenarios: Sequence[Scenario]) -> FinancingNetwork:
    """The network without the equity commitments withdrawn by the scenarios."""
    withdrawals = [s for s in scenarios if isinstance(s, InvestorWithdrawal)]
    for w in withdrawals:
        network.firm(w.investor)
        if w.investee is not None:
            network.firm(w.investee)

    def withdrawn(c: Commitment) -> bool:
        return c.type == "equity_investment" and any(
            c.payer == w.investor and (w.investee is None or c.payee == w.investee)
            for w in withdrawals
        )

    return network.without(withdrawn) if withdrawals else network


def prepare(
    network: FinancingNetwork,
    scenarios: Sequence[Scenario],
    *,
    year: int | None,
    external_assets: Mapping[str, float] | None,
    buffer: BufferAssumption,
    shocked: bool = True,
    capacity: CapacityAssumption | None = None,
) -> ClearingInputs:
    """Translate a network and scenarios into kernel arrays.

    ``shocked=False`` gives the baseline (no scenario applied) on the same firms. Assumed
    external assets are sized on the unshocked network under the default treatments, so
    neither a withdrawal nor :meth:`~bubblescope.economy.network.FinancingNetwork.as_debt`
    changes what a firm is assumed to hold.
    """
    given = _check_external(network, external_assets)
    for s in scenarios:
        if isinstance(s, PaymentShock):
            network.firm(s.firm)
        elif isinstance(s, MarketClosure):
            for f in s.firms:
                network.firm(f)
    net = apply_withdrawals(network, scenarios) if shocked else network
    annual = year is None
    debts = net.treated_matrix("debt", year=year, annual=annual)
    liab = debts + net.treated_matrix("funding", year=year, annual=annual)
    purchases = net.amount_matrix(PURCHASE_TYPES, year=year, annual=annual)
    default = replace(network, overrides=())
    base_liab = default.treated_matrix("debt", year=year, annual=annual)
    base_liab = base_liab + default.treated_matrix("funding", year=year, annual=annual)
    base_pbar = base_liab.sum(axis=1)
    need = np.maximum(0.0, base_pbar - base_liab.sum(axis=0))
    names = net.names
    n = len(names)
    sourced = np.zeros(n)
    assumed = []
    basis = []
    for k, firm in enumerate(net.firms):
        if firm.name in given:
            sourced[k] = given[firm.name]
            assumed.append(False)
            basis.append("given")
        elif firm.cash is not None or firm.liquid_assets is not None:
            share = (capacity or CapacityAssumption()).ocf_share
            flow = max(firm.operating_cash_flow or 0.0, 0.0)
            sourced[k] = (firm.cash or 0.0) + (firm.liquid_assets or 0.0) + share * flow
            assumed.append(False)
            basis.append("balance sheet")
        else:
            assumed.append(True)
            basis.append("assumed")
    flags = np.array(assumed, dtype=bool)
    external = np.where(flags, need + buffer.coverage * base_pbar, sourced)
    keep = np.ones(n)
    cap = liab.sum(axis=1)
    if shocked:
        index = {name: k for k, name in enumerate(names)}
        for s in scenarios:
            if isinstance(s, MarketClosure):
                for f in s.firms:
                    keep[index[f]] *= 1.0 - s.cut
            elif isinstance(s, PaymentShock):
                k = index[s.firm]
                cap[k] = min(cap[k], s.fraction * liab[k].sum())
    return ClearingInputs(
        names,
        liab,
        purchases,
        external * keep,
        cap,
        tuple(assumed),
        need,
        base_pbar,
        keep,
        tuple(basis),
        sourced,
        debts,
    )
