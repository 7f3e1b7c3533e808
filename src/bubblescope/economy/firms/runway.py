"""Runway of the AI labs: contracted compute payments against revenue, cash and committed funding.

For each lab that owes payments in the financing network (OpenAI, Anthropic), per calendar
year:

* **payments due** — its debts in the network (cloud and compute contracts, chip purchase
  orders: :data:`~bubblescope.economy.network.TREATMENTS`), each spread evenly over its
  schedule (:mod:`bubblescope.economy._network_schedule`);
* **revenue** — its sourced run-rate (:data:`bubblescope.data.financials.LAB_FACTS`) grown at
  each scenario's rate (rows ``runway_growth_low/mid/high`` of ``economy/assumptions/
  network.yaml``): year ``t``'s revenue is ``run_rate × (1 + g)^(t − t0)``, ``t0`` the year the
  run-rate was stated;
* **committed funding** — the equity and loans due to it in the network that year, plus cash
  raised in rounds outside the network (a sourced fact, in its year).

The table starts in the year the run-rate was stated (payments and funding before it are listed
as left out, since no revenue of those years is sourced). The balance carried from year to year
is ``funding + revenue − payments``, without any new
money; the year it first turns negative is the year funding runs short, and the new money a
year needs is the growth of the shortfall in that year. Every other cost (staff, inference
compute bought outside these contracts, tax) is left out, so the need is a lower bound, and
all revenue is taken as free to pay the contracts, so the runway is an upper bound.

References
----------
The fact base's deals and facts (``OAI-01``, ``OAI-05c``, ``OAI-06``, ``LAB-01``, ``LAB-02``):
each names its primary source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import JSONDict
from bubblescope.economy.assumptions import load_assumptions
from bubblescope.economy.network import FinancingNetwork, load_network
from bubblescope.errors import DataError, InputError
from bubblescope.result import ResultMixin

if TYPE_CHECKING:
    from bubblescope.charts import ChartSpec

__all__ = ["RAISES", "SCENARIOS", "RunwayResult", "runway"]

#: Growth scenarios: name -> row of ``economy/assumptions/network.yaml``.
SCENARIOS: Mapping[str, str] = {
    "low": "runway_growth_low",
    "mid": "runway_growth_mid",
    "high": "runway_growth_high",
}

#: Cash raised outside the network's deals, per lab: fact ids (USD bn, in the fact's year).
#: OpenAI's February 2026 round is in the deals (E05, E20, E21), so it is not repeated here.
RAISES: Mapping[str, tuple[str, ...]] = {"Anthropic": ("LAB-02",)}

#: The seeds' framing, drawn next to the runway: commitments against revenue (fact ids).
FRAMING: Mapping[str, str] = {
    "commitments": "OAI-01",
    "revenue_recognised": "OAI-06",
    "revenue_run_rate": "OAI-05c",
}


def _year(as_of: str) -> int:
    digits = as_of.strip()[:4]
    if not digits.isdigit():
        raise DataError(f"cannot read a year from {as_of!r}")
    return int(digits)


@dataclass(frozen=True)
class RunwayResult(ResultMixin):
    """Runway of each lab under each growth scenario.

    Attributes
    ----------
    table : DataFrame
        One row per (lab, scenario, year): ``payments_due``, ``revenue``, ``funding``,
        ``balance`` (carried, without new money) and ``new_money`` (USD bn).
    short_year : DataFrame
        Indexed by (lab, scenario): ``short_year`` (first year with a negative balance, or
        None), ``new_money_total`` (USD bn) and ``payments_total`` (USD bn).
    sources : tuple of dict
        The facts and assumptions used: name, value, unit, source or reason.
    framing : dict
        The seeds' framing: OpenAI's stated commitments and its revenue (USD bn).
    """

    table: pd.DataFrame
    short_year: pd.DataFrame
    sources: tuple[JSONDict, ...]
    framing: JSONDict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-year table."""
        return self.table.copy()

    def to_dict(self) -> JSONDict:
        """JSON-ready dict."""
        out: JSONDict = to_jsonable(
            {
                "unit": "USD bn",
                "table": self.table.to_dict(orient="records"),
                "short_year": [
                    {str(k): v for k, v in r.items()}
                    for r in self.short_year.reset_index().to_dict(orient="records")
                ],
                "sources": list(self.sources),
                "framing": self.framing,
            }
        )
        return out

    def summary(self) -> str:
        """Plain text: the year each lab runs short and the new money it needs."""
        f = self.framing
        lines = [
            "Runway of the labs (USD bn): contracted compute payments against revenue and "
            "committed funding, before any other cost",
            f"  framing: OpenAI's stated commitments {f.get('commitments', 0):,.0f} "
            f"({f.get('commitments_id', '')}) against {f.get('revenue_recognised', 0):.1f} of "
            f"2025 revenue ({f.get('revenue_recognised_id', '')}) and a "
            f"{f.get('revenue_run_rate', 0):.0f} run-rate ({f.get('revenue_run_rate_id', '')})",
        ]
        for (lab, scenario), r in zip(
            self.short_year.index.tolist(), self.short_year.to_dict("records"), strict=True
        ):
            year = r["short_year"]
            when = "never within the contracts" if pd.isna(year) else str(int(year))
            lines.append(
                f"  {lab:<10} {scenario:<5} payments {r['payments_total']:>8,.1f}  "
                f"short in {when:<27} new money {r['new_money_total']:>8,.1f}"
            )
        lines.extend(
            f"  {s['name']}: {s['value']} {s['unit']} ({s['source']})" for s in self.sources
        )
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """Per lab: payments due (bars) against revenue and the carried balance by scenario."""
        from bubblescope.charts import Bar, ChartSpec, HLine, Line, Panel

        palette = {"low": "#D55E00", "mid": "#0072B2", "high": "#009E73"}
        panels = []
        for i, (lab, rows) in enumerate(self.table.groupby("lab", sort=False)):
            one = rows[rows["scenario"] == rows["scenario"].iloc[0]]
            keyed = i == 0  # each series keyed once in the legend, not once per lab
            lines = []
            for scenario, s in rows.groupby("scenario", sort=False):
                color = palette.get(str(scenario))
                lines.append(
                    Line(
                        s["year"], s["revenue"], f"revenue ({scenario})", color=color, legend=keyed
                    )
                )
                lines.append(
                    Line(
                        s["year"],
                        s["balance"],
                        f"balance ({scenario})",
                        color=color,
                        dash="dash",
                        legend=keyed,
                    )
                )
            low = rows[rows["scenario"] == rows["scenario"].iloc[0]]
            top = max(
                float(low["payments_due"].max()),
                float(low["funding"].max()),
                float(low["revenue"].max()),
            )
            bottom = min(float(rows["balance"].min()), 0.0)
            panels.append(
                Panel(
                    f"{lab}: contracted payments against revenue and funding "
                    "(balance: carried, without new money)",
                    "USD bn",
                    yrange=(bottom * 1.3, top * 1.3),  # head room: chart layout
                    bars=(
                        Bar(
                            one["year"],
                            one["payments_due"],
                            "payments due",
                            color="#BBBBBB",
                            legend=keyed,
                        ),
                        Bar(
                            one["year"],
                            one["funding"],
                            "committed funding",
                            color="#CC79A7",
                            legend=keyed,
                        ),
                    ),
                    lines=tuple(lines),
                    hlines=(HLine(0.0, "no balance left"),),
                )
            )
        f = self.framing
        ids = ", ".join(str(f[k]) for k in f if k.endswith("_id"))
        return ChartSpec(
            "Runway of the labs, next to the framing: OpenAI's over USD "
            f"{f.get('commitments', 0) / 1e3:.1f} tn of commitments against USD "
            f"{f.get('revenue_recognised', 0):.0f}-{f.get('revenue_run_rate', 0):.0f} bn of "
            "revenue",
            tuple(panels),
            source=f"bubblescope.economy.firms.runway: fact-base deals and facts ({ids}); "
            "growth scenarios: rows runway_growth_* of economy/assumptions/network.yaml. Each "
            "y axis stops at 1.3 times the largest payment, funding or low-scenario revenue, so "
            "faster revenue paths and balances run off the top (their values: to_frame()).",
        )


def _revenue(fb: Any, lab: str) -> tuple[float, int, str]:
    from bubblescope.data.financials import LAB_FACTS

    fid = LAB_FACTS.get(lab, {}).get("revenue_run_rate")
    if fid is None:
        raise DataError(f"no sourced revenue run-rate for {lab}", hint="add one to LAB_FACTS")
    fact = fb.get(fid)
    if fact.value is None:
        raise DataError(f"fact {fid} ({lab}'s run-rate) has no single value")
    return float(fact.value), _year(fact.as_of), fid


def runway(
    network: FinancingNetwork | None = None,
    *,
    labs: Sequence[str] | None = None,
    scenarios: Sequence[str] = tuple(SCENARIOS),
    growth: Mapping[str, float] | None = None,
) -> RunwayResult:
    """Each lab's payments due, revenue paths, funding and the year its money runs short.

    Parameters
    ----------
    network : FinancingNetwork, optional
        Default :func:`~bubblescope.economy.network.load_network`.
    labs : sequence of str, optional
        Default every private firm with debts in the network and a sourced run-rate.
    scenarios : sequence of str
        Names of :data:`SCENARIOS`.
    growth : mapping, optional
        Scenario name -> revenue growth a year (1 = +100%) replacing the YAML row's value
        (listed as given by the caller).

    Returns
    -------
    RunwayResult

    Raises
    ------
    InputError
        For no scenario, an unknown scenario or a lab without debts in the network.
    DataError
        For a lab without a sourced revenue run-rate.

    Examples
    --------
    >>> res = runway()
    >>> sorted(set(res.table["lab"]))
    ['Anthropic', 'OpenAI']
    """
    from bubblescope.data.facts import load_factbase
    from bubblescope.data.financials import LAB_FACTS

    if not scenarios:
        raise InputError("no revenue scenario given", hint=f"choose from {list(SCENARIOS)}")
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        raise InputError(f"unknown scenario(s) {unknown}", hint=f"choose from {list(SCENARIOS)}")
    net = network if network is not None else load_network()
    fb = load_factbase()
    rows = load_assumptions("network")
    debtors = {c.payer for c in net.commitments if net.treatment(c) == "debt"}
    if labs is None:
        labs = [n for n in net.names if n in LAB_FACTS and n in debtors]
    for lab in labs:
        if lab not in debtors:
            raise InputError(f"{lab} owes no payments in the network", hint="nothing to run")
    given = dict(growth or {})
    for name, value in given.items():
        if name not in scenarios or not np.isfinite(value) or value <= -1.0:
            raise InputError(f"growth for {name!r} must be a scenario run and > -1, got {value}")
    rates = {n: given.get(n, rows.input(SCENARIOS[n]).m_as("1")) for n in scenarios}
    sources: list[JSONDict] = []
    for name in scenarios:
        why = "given by the caller" if name in given else str(rows.row(SCENARIOS[name]).why)
        sources.append(
            {"name": f"growth ({name})", "value": rates[name], "unit": "1/yr", "source": why}
        )
    records: list[JSONDict] = []
    ends: list[JSONDict] = []
    for lab in labs:
        run_rate, t0, fid = _revenue(fb, lab)
        sources.append(
            {"name": f"{lab} run-rate", "value": run_rate, "unit": "USD bn/yr", "source": fid}
        )
        due: dict[int, float] = {}
        funding: dict[int, float] = {}
        for c in net.commitments:
            kind = net.treatment(c)
            if kind == "debt" and c.payer == lab:
                for y, v in c.annual.items():
                    due[y] = due.get(y, 0.0) + v
            elif kind == "funding" and c.payee == lab:
                for y, v in c.annual.items():
                    funding[y] = funding.get(y, 0.0) + v
        for rid in RAISES.get(lab, ()):
            raise_ = fb.get(rid)
            if raise_.value is None:
                raise DataError(f"fact {rid} ({lab}'s raise) has no single value")
            y = _year(raise_.as_of)
            funding[y] = funding.get(y, 0.0) + float(raise_.value)
            sources.append(
                {"name": f"{lab} raise", "value": float(raise_.value), "unit": "USD bn",
                 "source": rid}
            )  # fmt: skip
        years = list(range(t0, max(due) + 1))
        for what, flows in (("payments", due), ("funding", funding)):
            before = sum(v for y, v in flows.items() if y < t0)
            if before > 0:
                sources.append(
                    {"name": f"{lab} {what} before {t0} left out", "value": before,
                     "unit": "USD bn", "source": f"no sourced revenue before {fid}'s year"}
                )  # fmt: skip
        for name in scenarios:
            g = rates[name]
            balance = 0.0
            short = 0.0
            first: int | None = None
            for y in years:
                revenue = run_rate * (1.0 + g) ** (y - t0)
                balance += funding.get(y, 0.0) + revenue - due.get(y, 0.0)
                gap = max(0.0, -balance)
                if gap > 0 and first is None:
                    first = y
                records.append(
                    {
                        "lab": lab,
                        "scenario": name,
                        "year": y,
                        "payments_due": due.get(y, 0.0),
                        "revenue": revenue,
                        "funding": funding.get(y, 0.0),
                        "balance": balance,
                        "new_money": gap - short,
                    }
                )
                short = max(short, gap)
            ends.append(
                {
                    "lab": lab,
                    "scenario": name,
                    "short_year": first,
                    "new_money_total": short,
                    "payments_total": float(sum(due.values())),
                }
            )
    table = pd.DataFrame.from_records(records)
    table["new_money"] = np.maximum(table["new_money"].to_numpy(dtype=np.float64), 0.0)
    short_year = pd.DataFrame.from_records(ends).set_index(["lab", "scenario"])
    short_year["short_year"] = pd.array(
        [None if v is None else int(v) for v in (e["short_year"] for e in ends)], dtype="Int64"
    )
    framing: JSONDict = {}
    for key, fid in FRAMING.items():
        framing[key] = fb.value(fid)
        framing[f"{key}_id"] = fid
    return RunwayResult(table, short_year, tuple(sources), framing)
