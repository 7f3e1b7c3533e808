"""Stress tests of the financing network: clearing vectors, default cascades and DebtRank.

One year of obligations (a calendar ``year`` of the schedules, or by default the run-rate
``amount / years`` of every commitment) is cleared with the Eisenberg–Noe (2001) clearing
vector — the greatest fixed point, computed exactly by the fictitious-default algorithm — or,
with ``alpha, beta < 1``, the Rogers–Veraart (2013) greatest clearing vector with default
costs. Equity losses then spread over equity-like holdings by DebtRank (Battiston et al. 2012).

Only debts (compute and chip purchases) can put a firm in default; equity and loans are paid
pro rata with them and a shortfall on them is funding that did not arrive; an executed one paid
before the cleared year is already in the investee's cash and only listed (``paid-in``,
:data:`~bubblescope.economy.network.TREATMENTS`). In the run-rate year any commitment whose
schedule ends before the network's reference date
(:attr:`~bubblescope.economy.network.FinancingNetwork.as_of`) is ``settled``: paid, listed, not
cleared. Firms pay from their filed liquid assets
(:mod:`bubblescope.data.financials`) or, where none is sourced, a listed assumption.

Per firm, the result reports its liquid assets and their source, its exposure to the shocked
firms, debts due and paid, receipts due and received, shortfalls (also as shares of liquid
assets), the round in which the firm defaulted, its equity loss against the unshocked baseline,
its DebtRank distress and — for listed firms — the revenue at risk (purchase receipts lost).
:func:`decisive_assumptions` shows which assumptions decide a default.

All amounts are USD bn (per year for obligations). Equity here is the clearing net worth
``e + received − paid`` of the year (0 for a firm in default: limited liability), not market
capitalisation. A negative equity loss is a gain (an investor that withdraws keeps its cash).

References
----------
Eisenberg, L. and Noe, T. H. (2001). Systemic risk in financial systems. *Management Science*
47(2), 236–249.
Rogers, L. C. G. and Veraart, L. A. M. (2013). Failure and rescue in an interbank network.
*Management Science* 59(4), 882–898.
Battiston, S. et al. (2012). DebtRank: too central to fail? *Scientific Reports* 2, 541.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._kernels.clearing import clear, clear_batch, debtrank
from bubblescope._typing import Float64Array, JSONDict, ProgressCallback, RngLike
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.economy._network_scenario import (
    Assumption,
    BufferAssumption,
    CapacityAssumption,
    ClearingInputs,
    InvestorWithdrawal,
    MarketClosure,
    PaymentShock,
    Scenario,
    prepare,
)
from bubblescope.economy.assumptions import load_assumptions
from bubblescope.economy.network import EQUITY_TYPES, TREATMENT_NOTES, FinancingNetwork, Firm
from bubblescope.errors import ConvergenceError, InputError
from bubblescope.parallel import map_chunks, spawn_seeds
from bubblescope.result import ResultMixin

__all__ = [
    "Assumption",
    "BufferAssumption",
    "CapacityAssumption",
    "InvestorWithdrawal",
    "MarketClosure",
    "PaymentShock",
    "Scenario",
    "SensitivityResult",
    "StressResult",
    "decisive_assumptions",
    "parse_shock",
    "sensitivity",
    "stress",
]


def parse_shock(text: str) -> PaymentShock:
    """Read ``"Firm=fraction"`` (e.g. ``"OpenAI=0.5"``) into a :class:`PaymentShock`."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError(
            f"shock {text!r} is not of the form FIRM=FRACTION", hint='e.g. --shock "OpenAI=0.5"'
        )
    try:
        fraction = float(value)
    except ValueError:
        raise InputError(f"shock {text!r}: fraction {value!r} is not a number") from None
    return PaymentShock(name.strip(), fraction)


def _check_rates(alpha: float, beta: float) -> None:
    for name, v in (("alpha", alpha), ("beta", beta)):
        if not (math.isfinite(v) and 0.0 <= v <= 1.0):
            raise InputError(f"{name} must be in [0, 1], got {v!r}")


def _clear(
    inputs: ClearingInputs, alpha: float, beta: float
) -> tuple[Float64Array, Any, int, Float64Array]:
    try:
        return clear(inputs.liabilities, inputs.external, inputs.cap, alpha, beta)
    except np.linalg.LinAlgError as exc:  # a closed ring with no outside money (see kernel)
        raise ConvergenceError(
            f"clearing system is singular: {exc}",
            hint="give the firms in the ring some external assets",
        ) from None


def _ratio(liab: Float64Array, pay: Float64Array) -> Float64Array:
    """Share of what each firm owes that it pays (1 where it owes nothing)."""
    pbar = liab.sum(axis=1)
    return np.asarray(np.divide(pay, pbar, out=np.ones_like(pay), where=pbar > 0))


def _receipts(liab: Float64Array, pay: Float64Array) -> Float64Array:
    return np.asarray(liab.T @ _ratio(liab, pay), dtype=np.float64)


def _equity(
    external: Float64Array, received: Float64Array, paid: Float64Array, due: Float64Array
) -> Float64Array:
    """Clearing net worth ``e + received − paid``, 0 for a firm in default.

    Limited liability: a defaulting firm's shareholders get nothing. Under Eisenberg–Noe the
    identity holds anyway (a defaulter pays out everything); under Rogers–Veraart the rest is
    lost to default costs; a shocked firm's withheld cash is not a gain.
    """
    solvent = paid >= due - 1e-12 * np.maximum(1.0, due)
    return np.asarray(np.where(solvent, external + received - paid, 0.0), dtype=np.float64)


def _equity_exposures(network: FinancingNetwork) -> Float64Array:
    """``x[h, i]``: USD bn of firm ``i``'s equity held by ``h`` (contract amounts)."""
    index = {n: k for k, n in enumerate(network.names)}
    x = np.zeros((len(index), len(index)))
    for c in network.commitments:
        if c.type not in EQUITY_TYPES:
            continue
        if c.type == "equity_investment":
            holder, issuer = c.payer, c.payee
        else:  # warrant / shares issued to a customer: the recipient holds the issuer
            holder, issuer = c.payee, c.payer
        x[index[holder], index[issuer]] += c.amount_usd_bn
    return x


@dataclass(frozen=True)
class StressResult(ResultMixin):
    """Outcome of one stress scenario.

    Attributes
    ----------
    scenarios : tuple
        The shocks applied.
    alpha, beta : float
        Rogers–Veraart recovery rates (1, 1 = Eisenberg–Noe).
    year : int or None
        Calendar year cleared (None: run-rate obligations).
    firms : DataFrame
        One row per firm (see :func:`stress`).
    cascade : DataFrame
        One row per fictitious-default round: new defaulters, total paid, total shortfall.
    debtrank : float
        DebtRank ``R`` of the equity losses (value-weighted extra distress).
    buffer : BufferAssumption
        The assumption behind the external assets flagged ``"assumed"``.
    warnings : tuple of str
        Schedule assumptions inherited from the network.
    """

    scenarios: tuple[Scenario, ...]
    alpha: float
    beta: float
    year: int | None
    firms: pd.DataFrame
    cascade: pd.DataFrame
    debtrank: float
    buffer: BufferAssumption
    warnings: tuple[str, ...] = field(default=())
    commitments: pd.DataFrame = field(default_factory=pd.DataFrame)
    assumptions: tuple[Assumption, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """The per-firm table, indexed by firm."""
        return self.firms.copy()

    @property
    def assumed_horizons(self) -> tuple[str, ...]:
        """Ids of the commitments whose length was assumed (their horizon gave none)."""
        c = self.commitments
        return tuple(str(i) for i in c.index[c["length_assumed"]]) if not c.empty else ()

    def to_dict(self) -> JSONDict:
        """JSON-ready dict (what ``--json`` and the web API emit)."""
        out: JSONDict = to_jsonable(
            {
                "scenarios": [s.label for s in self.scenarios],
                "model": "Eisenberg-Noe" if self.alpha == self.beta == 1.0 else "Rogers-Veraart",
                "alpha": self.alpha,
                "beta": self.beta,
                "year": self.year if self.year is not None else "run-rate",
                "unit": "USD bn per year",
                "firms": [
                    {str(k): v for k, v in r.items()}
                    for r in self.firms.reset_index().to_dict(orient="records")
                ],
                "cascade": [
                    {str(k): v for k, v in r.items()}
                    for r in self.cascade.to_dict(orient="records")
                ],
                "debtrank": self.debtrank,
                "buffer_assumption": {"coverage": self.buffer.coverage, "basis": self.buffer.basis},
                "warnings": list(self.warnings),
                "treatments": dict(TREATMENT_NOTES),
                "commitments": [
                    {str(k): v for k, v in r.items()}
                    for r in self.commitments.reset_index().to_dict(orient="records")
                ],
                "assumed_horizons": list(self.assumed_horizons),
                "assumptions": [a.to_dict() for a in self.assumptions],
            }
        )
        return out

    def summary(self) -> str:
        """Plain-text summary of defaults, shortfalls and losses."""
        f = self.firms
        model = (
            "Eisenberg–Noe"
            if self.alpha == self.beta == 1.0
            else f"Rogers–Veraart (α={self.alpha:g}, β={self.beta:g})"
        )
        when = f"year {self.year}" if self.year is not None else "run-rate year"
        lines = [
            f"Stress: {'; '.join(s.label for s in self.scenarios) or 'no shock'} — "
            f"{model}, {when}, USD bn",
            f"{'firm':<12}{'liquid':>9}{'exposed':>9}{'due':>9}{'paid':>9}{'due in':>9}"
            f"{'recv':>9}{'eq loss':>9}{'short %':>9}  default",
        ]
        has = "liquid_assets" in f.columns
        for name, r in f.iterrows():
            rnd = "-" if pd.isna(r["default_round"]) else f"round {int(r['default_round'])}"
            liquid = f"{r['liquid_assets']:>9.2f}" if has else f"{'':>9}"
            if has and r["external_basis"] == "assumed":
                liquid = f"{r['liquid_assets']:>8.2f}*"
            exposed = f"{r['exposure_to_shocked']:>9.2f}" if has else f"{'':>9}"
            share = r["shortfall_share"] if has else float("nan")
            short = f"{share:>9.0%}" if share == share else f"{'-':>9}"
            lines.append(
                f"{name!s:<12}{liquid}{exposed}{r['due']:>9.2f}{r['paid']:>9.2f}"
                f"{r['due_in']:>9.2f}{r['received']:>9.2f}{r['equity_loss']:>9.2f}{short}  {rnd}"
            )
        lines.append(
            "liquid: cash and short-term securities (* assumed); exposed: debts the shocked "
            "firms owe it this year; short %: shortfall as a share of liquid assets"
        )
        n_def = int(f["default_round"].notna().sum())
        lines.append(
            f"{n_def} firm(s) in default; total shortfall "
            f"{float(f['shortfall'].sum()):.2f}; DebtRank R = {self.debtrank:.3f}"
        )
        c = self.commitments
        if not c.empty:
            lines.append("Commitments by kind (USD bn this year):")
            for label, group in c.groupby("label", sort=True):
                ids = ", ".join(str(i) for i in group.index)
                lines.append(
                    f"  {label}: {float(group['year_usd_bn'].sum()):.2f} "
                    f"[{ids}] — {TREATMENT_NOTES[str(group['treatment'].iloc[0])]}"
                )
        if self.assumed_horizons:
            lines.append("length assumed (horizon gives none): " + ", ".join(self.assumed_horizons))
        if self.assumptions:
            lines.append("Assumptions:")
            firms = [a for a in self.assumptions if a.name.startswith(_ASSUMED_LIQUID)]
            lines.extend(f"  {a.label}" for a in self.assumptions if a not in firms)
            if firms:
                values = ", ".join(f"{a.applies_to[0]} {a.value:.2f}" for a in firms)
                lines.append(f"  liquid assets assumed (USD bn): {values}: {firms[0].why}")
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """Receipts due vs received and equity loss by firm (USD bn per year)."""
        f = self.firms
        firms = [str(i) for i in f.index]
        title = "; ".join(s.label for s in self.scenarios) or "no shock"
        return ChartSpec(
            f"Stress: {title}",
            (
                Panel(
                    "USD bn per year",
                    "USD bn",
                    bars=(
                        Bar(firms, f["due_in"], "receipts due", color="#BBBBBB"),
                        Bar(firms, f["received"], "received", color="#0072B2"),
                        Bar(firms, f["equity_loss"], "equity loss", color="#D55E00"),
                    ),
                ),
            ),
            source="bubblescope.economy.stress on the fact-base financing network",
        )


def stress(
    network: FinancingNetwork,
    scenarios: Sequence[Scenario] = (),
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    year: int | None = None,
    external_assets: Mapping[str, float] | None = None,
    buffer: BufferAssumption | None = None,
    capacity: CapacityAssumption | None = None,
) -> StressResult:
    """Clear one year of obligations under ``scenarios`` and measure the damage.

    Parameters
    ----------
    network : FinancingNetwork
        From :func:`~bubblescope.economy.network.load_network`.
    scenarios : sequence of PaymentShock, InvestorWithdrawal, MarketClosure
        Applied together.
    alpha, beta : float
        Rogers–Veraart recovery rates on external assets and on receipts (1, 1 = EN).
    year : int, optional
        Calendar year of the schedules to clear; default the run-rate year.
    external_assets : mapping, optional
        USD bn of outside money per firm; others come from the balance sheet or ``buffer``.
    buffer : BufferAssumption, optional
        Assumed external assets where nothing is sourced (default :class:`BufferAssumption`:
        coverage 0.1).
    capacity : CapacityAssumption, optional
        What a firm with a sourced balance sheet pays from (default
        :class:`CapacityAssumption`: its liquid assets, no operating cash flow).

    Returns
    -------
    StressResult
        ``firms`` columns: ``due, paid, shortfall`` (the debts the firm owes and pays),
        ``due_in, received, shortfall_in`` (the debts it is owed and gets),
        ``funding_due, funding_paid, funding_received`` (equity and loans), ``default_round``
        (NaN = no default on a debt, 0 = shocked), ``external_assets, external_basis``,
        ``equity_base, equity, equity_loss`` (against the unshocked network),
        ``debtrank_h`` (relative equity loss after DebtRank), ``ticker``,
        ``revenue_at_risk`` (listed firms: purchase receipts lost vs the baseline),
        ``liquid_assets`` and ``liquid_source`` (the filing, or "assumed"),
        ``exposure_to_shocked`` (debts the shocked firms owe it this year) and
        ``exposure_share, due_share, shortfall_share`` (as shares of liquid assets). The
        result also holds ``commitments`` (each commitment's treatment and amount this year)
        and ``assumptions`` (every assumption with its value and reason).

    Examples
    --------
    >>> from bubblescope.economy.network import load_network
    >>> res = stress(load_network(), [PaymentShock("OpenAI", 0.5)])
    >>> bool(res.firms.loc["Oracle", "received"] < res.firms.loc["Oracle", "due_in"])
    True
    """
    _check_rates(alpha, beta)
    buf = buffer or BufferAssumption()
    cap = capacity or CapacityAssumption()
    base, shocked = (
        prepare(
            network,
            scenarios,
            year=year,
            external_assets=external_assets,
            buffer=buf,
            capacity=cap,
            shocked=flag,
        )
        for flag in (False, True)
    )
    p0, _, _, _ = _clear(base, alpha, beta)
    p, dround, rounds, history = _clear(shocked, alpha, beta)
    recv0 = _receipts(base.liabilities, p0)
    recv = _receipts(shocked.liabilities, p)
    rev0 = _receipts(base.purchases, p0)
    rev = _receipts(shocked.purchases, p)
    pbar = shocked.liabilities.sum(axis=1)
    eq0 = _equity(base.external, recv0, p0, base.liabilities.sum(axis=1))
    eq = _equity(shocked.external, recv, p, pbar)
    loss = eq0 - eq
    # debts and funding are paid pro rata; a shortfall is a default only on debts
    ratio = _ratio(shocked.liabilities, p)
    due = shocked.debts.sum(axis=1)
    paid = ratio * due
    funding_due = pbar - due
    dround = np.where(due > 0, dround, -1)

    capital = np.array(
        [
            network.firm(n).equity if network.firm(n).equity is not None else max(e, 0.0)
            for n, e in zip(network.names, eq0, strict=True)
        ]
    )
    expo = _equity_exposures(network)
    impact = np.minimum(
        1.0,
        np.divide(
            expo.T, capital[None, :], out=np.where(expo.T > 0, 1.0, 0.0), where=capital[None, :] > 0
        ),
    )
    h0 = np.clip(
        np.divide(loss, capital, out=np.where(loss > 0, 1.0, 0.0), where=capital > 0), 0.0, 1.0
    )
    value = (
        capital / capital.sum() if capital.sum() > 0 else np.full(len(capital), 1 / len(capital))
    )
    h, r_total, _ = debtrank(np.ascontiguousarray(impact), value, h0)

    names = shocked.names
    tickers = [network.firm(n).ticker for n in names]
    frame = pd.DataFrame(
        {
            "due": due,
            "paid": paid,
            "shortfall": due - paid,
            "due_in": shocked.debts.sum(axis=0),
            "received": shocked.debts.T @ ratio,
            "shortfall_in": shocked.debts.sum(axis=0) - shocked.debts.T @ ratio,
            "funding_due": funding_due,
            "funding_paid": ratio * funding_due,
            "funding_received": (shocked.liabilities - shocked.debts).T @ ratio,
            "default_round": pd.array([None if d < 0 else int(d) for d in dround], dtype="Int64"),
            "external_assets": shocked.external,
            "external_basis": list(shocked.basis),
            "equity_base": eq0,
            "equity": eq,
            "equity_loss": loss,
            "debtrank_h": h,
            "ticker": tickers,
            "revenue_at_risk": [
                float(rev0[k] - rev[k]) if t is not None else np.nan for k, t in enumerate(tickers)
            ],
        },
        index=pd.Index(names, name="firm"),
    )
    frame = frame.loc[[n for n in names if not network.firm(n).external]]
    cascade_rows = []
    for k in range(rounds + 1):
        new = [names[i] for i in range(len(names)) if dround[i] == k]
        cascade_rows.append(
            {
                "round": k,
                "new_defaults": ", ".join(new),
                "n_new": len(new),
                "total_paid": float(history[k].sum()),
                "total_shortfall": float((pbar - history[k]).sum()),
            }
        )
    own = np.where(np.array(base.assumed), base.need + buf.coverage * base.pbar_base, base.sourced)
    shocked_firms = [s.firm for s in scenarios if isinstance(s, PaymentShock)]
    index = {n: k for k, n in enumerate(names)}
    exposure = np.zeros(len(names))
    for f in shocked_firms:
        exposure += shocked.debts[index[f], :]
    share = functools.partial(_share, own)
    extra = pd.DataFrame(
        {
            "liquid_assets": own,
            "liquid_source": [
                _liquid_source(network.firm(n), b) for n, b in zip(names, base.basis, strict=True)
            ],
            "exposure_to_shocked": exposure,
            "exposure_share": share(exposure),
            "due_share": share(due),
            "shortfall_share": share(due - paid),
        },
        index=pd.Index(names, name="firm"),
    )
    frame = frame.join(extra)
    return StressResult(
        tuple(scenarios),
        float(alpha),
        float(beta),
        year,
        frame,
        pd.DataFrame(cascade_rows),
        float(r_total),
        buf,
        tuple(network.warnings()),
        _commitment_table(network, year),
        _assumptions(network, base, own, buf, external_assets, year, cap),
    )


_ASSUMED_LIQUID = "assumed liquid assets of "


def _share(own: Float64Array, amount: Float64Array) -> Float64Array:
    """``amount / own`` (NaN where a firm holds no liquid assets)."""
    with np.errstate(over="ignore"):
        out = np.divide(amount, own, out=np.full(len(own), np.nan), where=own > 0)
    return np.asarray(out, dtype=np.float64)


def _liquid_source(firm: Firm, basis: str) -> str:
    if basis == "balance sheet":
        sources = dict(firm.sources)
        return "; ".join(
            f"{item}: {sources[item]}" for item in ("liquid_assets", "cash") if item in sources
        )
    if basis == "given":
        return "given by the caller (external_assets=)"
    return "assumed (see the assumptions)"


def _commitment_table(network: FinancingNetwork, year: int | None) -> pd.DataFrame:
    """The treatment of every commitment and its amount in the cleared year (USD bn)."""
    table = network.treatment_frame(year, run_rate=year is None)
    if table.empty:
        return table
    by_id = {c.id: c for c in network.commitments}
    table["year_usd_bn"] = [
        by_id[i].annual_rate if year is None else by_id[i].annual.get(year, 0.0)
        for i in table.index
    ]
    return table


def _assumptions(
    network: FinancingNetwork,
    inputs: ClearingInputs,
    own: Float64Array,
    buf: BufferAssumption,
    external_assets: Mapping[str, float] | None,
    year: int | None,
    capacity: CapacityAssumption,
) -> tuple[Assumption, ...]:
    """Every assumption the stress rests on, with its value and reason."""
    rows = load_assumptions("network")
    out: list[Assumption] = []
    gw = [c.id for c in network.commitments if c.amount_basis == "gw"]
    if gw:
        out.append(
            Assumption(
                "gw_price",
                network.gw_price.usd_bn_per_gw,
                "USD bn/GW",
                f"GW-stated deals priced at fact {network.gw_price.source}",
                tuple(gw),
            )
        )
    lengths = [c.id for c in network.commitments if c.schedule.warning]
    if lengths:
        out.append(
            Assumption(
                "schedule_years",
                float(network.schedule_assumption.default_years),
                "year",
                str(rows.row("schedule_years").why),
                tuple(lengths),
            )
        )
    outside = {f.name for f in network.firms if f.external}
    assumed = [
        n for n, a in zip(inputs.names, inputs.assumed, strict=True) if a and n not in outside
    ]
    if assumed:
        default = buf.coverage == rows.input("buffer_coverage").m_as("1")
        out.append(
            Assumption(
                "buffer_coverage",
                buf.coverage,
                "1",
                str(rows.row("buffer_coverage").why) if default else "given by the caller",
                tuple(assumed),
            )
        )
        for n, v in zip(inputs.names, own, strict=True):
            if n in assumed:
                out.append(
                    Assumption(
                        f"{_ASSUMED_LIQUID}{n}",
                        float(v),
                        "USD bn",
                        f"no sourced cash or short-term securities: {buf.basis}",
                        (n,),
                    )
                )
    if external_assets:
        for n, v in external_assets.items():
            out.append(Assumption(f"liquid assets of {n}", float(v), "USD bn", "given", (n,)))
    overridden = [i for i, _ in network.overrides]
    if overridden:
        out.append(
            Assumption(
                "cleared as debts",
                None,
                "",
                "commitments the caller chose to clear as debts (FinancingNetwork.as_debt)",
                tuple(overridden),
            )
        )
    default_share = capacity.ocf_share == rows.input("ocf_share").m_as("1")
    out.append(
        Assumption(
            "capacity to pay: ocf_share",
            capacity.ocf_share,
            "1",
            "a firm with a sourced balance sheet pays from its cash and short-term securities "
            "at its latest filing, plus this share of its latest annual operating cash flow, "
            "plus what it receives in the clearing; credit lines and asset sales are not "
            "counted. "
            + (str(rows.row("ocf_share").why) if default_share else "Share given by the caller."),
        )
    )
    out.append(
        Assumption(
            "one year of obligations",
            None,
            "",
            "the run-rate year from the reference date "
            f"{network.as_of or '(none: no deal dated)'} (the latest date in the deal list): "
            "each commitment's amount / its years (a lump sum falls whole in the year); one "
            "whose schedule ends before the reference year is settled, listed, not cleared"
            if year is None
            else f"calendar year {year}: each commitment's even share of that year",
        )
    )
    return tuple(out)


@dataclass(frozen=True)
class SensitivityResult(ResultMixin):
    """Ranges of stress outcomes over draws of the unknown external assets.

    ``ranges`` is indexed by firm with ``min/median/max`` of ``received``, ``shortfall`` and
    ``equity_loss`` (USD bn/yr) and ``default_share`` (share of draws in which it defaulted).
    """

    scenarios: tuple[Scenario, ...]
    n_draws: int
    buffer: BufferAssumption
    ranges: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The per-firm range table."""
        return self.ranges.copy()

    def to_dict(self) -> JSONDict:
        """JSON-ready dict."""
        out: JSONDict = to_jsonable(
            {
                "scenarios": [s.label for s in self.scenarios],
                "n_draws": self.n_draws,
                "buffer_range": [self.buffer.low, self.buffer.high],
                "buffer_basis": self.buffer.basis,
                "firms": [
                    {str(k): v for k, v in r.items()}
                    for r in self.ranges.reset_index().to_dict(orient="records")
                ],
            }
        )
        return out

    def summary(self) -> str:
        """Plain-text ranges per firm."""
        lines = [
            f"Sensitivity: {self.n_draws} draws of assumed external assets "
            f"(cushion in [{self.buffer.low:g}, {self.buffer.high:g}] × own obligations)",
            f"{'firm':<12}{'received (min/med/max)':>28}{'eq loss (min/med/max)':>28}"
            f"{'P(default)':>12}",
        ]
        for name, r in self.ranges.iterrows():
            lines.append(
                f"{name!s:<12}{r['received_min']:>9.2f}{r['received_median']:>9.2f}"
                f"{r['received_max']:>10.2f}{r['equity_loss_min']:>9.2f}"
                f"{r['equity_loss_median']:>9.2f}{r['equity_loss_max']:>10.2f}"
                f"{r['default_share']:>12.0%}"
            )
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """Equity loss by firm (least, median and most over the draws) and default odds."""
        r = self.ranges
        firms = [str(i) for i in r.index]
        title = "; ".join(s.label for s in self.scenarios) or "no shock"
        return ChartSpec(
            f"Sensitivity: {title}, {self.n_draws} draws of the assumed external assets",
            (
                Panel(
                    "equity loss over the draws, USD bn per year",
                    "USD bn",
                    bars=(
                        Bar(firms, r["equity_loss_min"], "least", color="#56B4E9"),
                        Bar(firms, r["equity_loss_median"], "median", color="#0072B2"),
                        Bar(firms, r["equity_loss_max"], "most", color="#D55E00"),
                    ),
                ),
                Panel(
                    "share of draws in default",
                    "share",
                    bars=(Bar(firms, r["default_share"], "in default", color="#CC79A7"),),
                    yrange=(0.0, 1.0),
                    height=0.6,
                ),
            ),
            source="bubblescope.economy.sensitivity on the fact-base financing network "
            f"(cushion drawn from {self.buffer.low:g} to {self.buffer.high:g} × own obligations)",
        )


@dataclass(frozen=True)
class _Chunk:
    seed: np.random.SeedSequence
    size: int
    base: ClearingInputs
    shocked: ClearingInputs
    low: float
    high: float
    alpha: float
    beta: float


def _run_chunk(chunk: _Chunk) -> tuple[Float64Array, Float64Array, Float64Array, Any]:
    rng = np.random.default_rng(chunk.seed)
    n = len(chunk.base.names)
    cover = rng.uniform(chunk.low, chunk.high, size=(chunk.size, n))
    assumed = np.array(chunk.base.assumed)
    b = chunk.base
    e0 = np.where(
        assumed[None, :], b.need[None, :] + cover * b.pbar_base[None, :], b.sourced[None, :]
    )
    e1 = e0 * chunk.shocked.closure_keep[None, :]
    p0, _ = clear_batch(
        chunk.base.liabilities,
        e0,
        np.tile(chunk.base.cap, (chunk.size, 1)),
        chunk.alpha,
        chunk.beta,
    )
    p1, d1 = clear_batch(
        chunk.shocked.liabilities,
        e1,
        np.tile(chunk.shocked.cap, (chunk.size, 1)),
        chunk.alpha,
        chunk.beta,
    )
    recv0 = np.stack([_receipts(chunk.base.liabilities, row) for row in p0])
    recv1 = np.stack([_receipts(chunk.shocked.liabilities, row) for row in p1])
    loss = _equity(e0, recv0, p0, chunk.base.liabilities.sum(axis=1)) - _equity(
        e1, recv1, p1, chunk.shocked.liabilities.sum(axis=1)
    )
    ratio = np.stack([_ratio(chunk.shocked.liabilities, row) for row in p1])
    debts = chunk.shocked.debts
    due = debts.sum(axis=1)
    received = ratio @ debts
    return received, due[None, :] * (1.0 - ratio), loss, (d1 >= 0) & (due[None, :] > 0)


def sensitivity(
    network: FinancingNetwork,
    scenarios: Sequence[Scenario] = (),
    *,
    n_draws: int = 200,
    rng: RngLike = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    year: int | None = None,
    external_assets: Mapping[str, float] | None = None,
    buffer: BufferAssumption | None = None,
    chunk_size: int = 50,
    n_jobs: int | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> SensitivityResult:
    """Sweep the unknown external assets and report outcome ranges.

    Each firm flagged ``"assumed"`` draws its coverage uniformly from
    ``[buffer.low, buffer.high]`` (× its own obligations), independently per draw. Draws are
    made per chunk from ``spawn_seeds(rng, n_chunks)``, so serial, process-pool and Dask runs
    return identical numbers.

    Parameters
    ----------
    network, scenarios, alpha, beta, year, external_assets, buffer
        As in :func:`stress`.
    n_draws : int
        Number of draws (>= 1).
    rng : int, Generator, SeedSequence or None
        Randomness.
    chunk_size : int
        Draws per work item (part of the random stream: keep it fixed to reproduce).
    n_jobs, executor, progress
        Passed to :func:`bubblescope.parallel.map_chunks`.
    """
    _check_rates(alpha, beta)
    if n_draws < 1 or chunk_size < 1:
        raise InputError(f"n_draws and chunk_size must be >= 1, got {n_draws}, {chunk_size}")
    buf = buffer or BufferAssumption()
    base = prepare(
        network, scenarios, year=year, external_assets=external_assets, buffer=buf, shocked=False
    )
    shocked = prepare(
        network, scenarios, year=year, external_assets=external_assets, buffer=buf, shocked=True
    )
    sizes = [min(chunk_size, n_draws - k) for k in range(0, n_draws, chunk_size)]
    seeds = spawn_seeds(rng, len(sizes))
    chunks = [
        _Chunk(s, m, base, shocked, buf.low, buf.high, float(alpha), float(beta))
        for s, m in zip(seeds, sizes, strict=True)
    ]
    try:
        parts = map_chunks(_run_chunk, chunks, executor=executor, n_jobs=n_jobs, progress=progress)
    except np.linalg.LinAlgError as exc:
        raise ConvergenceError(f"clearing system is singular: {exc}") from None
    recv = np.concatenate([q[0] for q in parts])
    short = np.concatenate([q[1] for q in parts])
    loss = np.concatenate([q[2] for q in parts])
    default = np.concatenate([q[3] for q in parts])
    cols: dict[str, Any] = {}
    for label, arr in (("received", recv), ("shortfall", short), ("equity_loss", loss)):
        cols[f"{label}_min"] = arr.min(axis=0)
        cols[f"{label}_median"] = np.median(arr, axis=0)
        cols[f"{label}_max"] = arr.max(axis=0)
    cols["default_share"] = default.mean(axis=0)
    cols["external_basis"] = list(base.basis)
    ranges = pd.DataFrame(cols, index=pd.Index(shocked.names, name="firm"))
    ranges = ranges.loc[[n for n in shocked.names if not network.firm(n).external]]
    return SensitivityResult(tuple(scenarios), n_draws, buf, ranges)


def decisive_assumptions(
    scenarios: Sequence[Scenario],
    *,
    network: FinancingNetwork | None = None,
    year: int | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
) -> pd.DataFrame:
    """Which assumptions decide a default: the stress rerun with each one moved alone.

    Each assumption of the fact-base network moves to the alternatives of
    ``economy/assumptions/network.yaml``, one at a time: the price of GW-stated deals (the
    all-in ``gw_price_high``, fact ``GWC-03``), the length of horizons that give none
    (``schedule_years_low``, ``schedule_years_high``), the cushion of assumed liquid assets
    (``buffer_low``, ``buffer_high``), the share of a year's operating cash flow a firm can pay
    from (``ocf_share_high``), the year cleared (each calendar year in which a debt of a
    shocked firm starts, instead of the run-rate) and the commitments' treatment (every funding
    commitment cleared as a debt). An assumption decides a default when moving it puts a firm in
    default or takes one out.

    Parameters
    ----------
    scenarios : sequence of Scenario
        The shocks, as for :func:`stress`.
    network : FinancingNetwork, optional
        The base network (default :func:`~bubblescope.economy.network.load_network`); the
        price and schedule alternatives rebuild the fact-base network.
    year, alpha, beta
        As for :func:`stress`.

    Returns
    -------
    DataFrame
        One row per run (the base first): ``assumption``, ``value``, ``unit``, ``why``,
        ``defaults`` (firms in default), ``entering`` and ``leaving`` (against the base) and
        ``decides`` (bool).
    """
    from bubblescope.economy.network import GWPrice, ScheduleAssumption, load_network

    rows = load_assumptions("network")
    base_net = network if network is not None else load_network()

    def defaults(net: FinancingNetwork, buf: BufferAssumption | None = None) -> set[str]:
        f = stress(net, scenarios, alpha=alpha, beta=beta, year=year, buffer=buf).firms
        return {str(n) for n in f.index[f["default_round"].notna()]}

    def why(key: str) -> str:
        row = rows.row(key)
        return f"fact {row.fact}" if row.fact else str(row.why)

    runs: list[tuple[str, float | None, str, str, set[str]]] = [
        ("base", None, "", "the defaults of the stress", defaults(base_net))
    ]
    price = rows.input("gw_price_high").m_as("USD bn/GW")
    runs.append(
        (
            "gw_price",
            price,
            "USD bn/GW",
            why("gw_price_high"),
            defaults(load_network(gw_price=GWPrice(price, str(rows.row("gw_price_high").fact)))),
        )
    )
    for key in ("schedule_years_low", "schedule_years_high"):
        years = rows.input(key).m_as("year")
        net = load_network(schedule=ScheduleAssumption(int(years)))
        runs.append(("schedule_years", years, "year", why(key), defaults(net)))
    for key in ("buffer_low", "buffer_high"):
        cover = rows.input(key).m_as("1")
        buf = BufferAssumption(coverage=cover)
        runs.append(("buffer_coverage", cover, "1", why(key), defaults(base_net, buf)))
    share = rows.input("ocf_share_high").m_as("1")
    f = stress(
        base_net,
        scenarios,
        alpha=alpha,
        beta=beta,
        year=year,
        capacity=CapacityAssumption(share),
    ).firms
    runs.append(
        (
            "capacity to pay: ocf_share",
            share,
            "1",
            why("ocf_share_high"),
            {str(n) for n in f.index[f["default_round"].notna()]},
        )
    )
    if year is None:
        shocked = {s.firm for s in scenarios if isinstance(s, PaymentShock)}
        starts = sorted(
            {
                c.schedule.start
                for c in base_net.commitments
                if c.payer in shocked and base_net.treatment(c) == "debt" and c.schedule.start
            }
        )
        for start in starts:
            f = stress(base_net, scenarios, alpha=alpha, beta=beta, year=start).firms
            runs.append(
                (
                    "one year of obligations",
                    float(start),
                    "year",
                    "calendar year instead of the run-rate: a year in which a debt of the "
                    "shocked firm starts",
                    {str(n) for n in f.index[f["default_round"].notna()]},
                )
            )
    funding = [
        c.id
        for c in base_net.commitments
        if base_net.treatment(c, year, run_rate=year is None) == "funding"
    ]
    runs.append(
        (
            "treatment of funding",
            None,
            "",
            f"every funding commitment cleared as a debt ({', '.join(funding)})",
            defaults(base_net.as_debt(*funding)),
        )
    )
    base = runs[0][4]
    return pd.DataFrame(
        [
            {
                "assumption": name,
                "value": value,
                "unit": unit,
                "why": reason,
                "defaults": ", ".join(sorted(d)),
                "entering": ", ".join(sorted(d - base)),
                "leaving": ", ".join(sorted(base - d)),
                "decides": d != base,
            }
            for name, value, unit, reason, d in runs
        ]
    )
