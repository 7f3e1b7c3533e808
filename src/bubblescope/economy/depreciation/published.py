"""The published cases reproduced: disclosed useful-life changes and Burry's claim.

The cases' numbers live in ``cases.yaml`` (:mod:`bubblescope.economy.depreciation.cases`); the
disclosed changes take their capex from SEC filings (:mod:`bubblescope.data.capex`: the local
store by default, or a folder of extracts).

References
----------
M. Burry, X post 2025-11-10 (understated depreciation, $176B 2026–28) [DEP-01].
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope.charts import Bar, ChartSpec, HLine, Panel
from bubblescope.data.capex import find_extract, stored_fundamentals
from bubblescope.economy.depreciation.cases import DISCLOSED_CHANGES, load_cases
from bubblescope.economy.depreciation.filings import capex_from_companyfacts, capex_from_ixbrl
from bubblescope.economy.depreciation.restatement import (
    EstimateChangeResult,
    RestatementResult,
    change_of_estimate,
    implied_economic_life,
    implied_share,
    restatement,
)
from bubblescope.economy.depreciation.schedule import CapexVintages, Convention, LifePolicy
from bubblescope.economy.inputs import Input, format_inputs
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "DisclosedTable",
    "burry_capex",
    "burry_case",
    "disclosed_all",
    "disclosed_case",
]


def disclosed_case(
    entity: str,
    sec_dir: str | Path | None = None,
    *,
    share: Input | None = None,
    tax_rate: Input | None = None,
    convention: Convention = "half-year",
) -> EstimateChangeResult:
    """Reproduce a disclosed useful-life change from filings and stated assumptions.

    Parameters
    ----------
    entity : {"MSFT", "GOOGL", "META", "AMZN"}
    sec_dir : path, optional
        Folder with ``{TICKER}_companyfacts*.json.gz`` (MSFT, GOOGL) and
        ``ixbrl_10k_facts*.csv.gz`` (AMZN, META). Default: the SEC fundamentals of ``entity``
        in the local store (``bubblescope data fetch ENTITY --source sec`` or ``bubblescope
        data update``), whose capex follows the same tag chain.
    share : Input, optional
        Override the short-lived share assumption.
    tax_rate : Input, optional
        Override the tax rate (default: 21% US statutory).
    convention : {"half-year", "full-year"}

    Returns
    -------
    EstimateChangeResult
        With ``disclosed`` set, so ``comparison()`` and ``summary()`` show model vs filing.
    """
    key = entity.upper()
    if key not in DISCLOSED_CHANGES:
        raise InputError(
            f"no disclosed useful-life change for {entity!r}",
            hint=f"choose one of {list(DISCLOSED_CHANGES)}",
        )
    cases = load_cases()
    case = cases.disclosed[key]
    change = case.change()
    years = list(case.years)
    capex: CapexVintages
    if sec_dir is None:
        capex = capex_from_companyfacts(stored_fundamentals(key), key, years=years)
    elif case.filing == "companyfacts":
        capex = capex_from_companyfacts(
            find_extract(sec_dir, f"{key}_companyfacts*.json*"), key, years=years
        )
    else:
        capex = capex_from_ixbrl(find_extract(sec_dir, "ixbrl_10k_facts*.csv*"), key, years=years)
    if case.extra:
        capex = capex.extend({year: row.build() for year, row in case.extra.items()})
    return change_of_estimate(
        capex,
        share or case.share.build(),
        change.old_policy,
        change.new_policy,
        list(range(capex.years[0], change.year + 2)),
        tax_rate or cases.tax_rate.build(),
        convention=convention,
        disclosed=change,
    )


def burry_capex() -> CapexVintages:
    """The assumed capex path behind DEP-14, each year read from its fact (DEP-14c..k)."""
    case = load_cases().burry
    return CapexVintages.from_inputs(
        case.entity, {year: row.build() for year, row in case.capex.items()}
    )


def burry_case(
    economic_life: float | None = None,
    *,
    book_life: float | None = None,
    convention: Convention = "half-year",
) -> RestatementResult:
    """Burry's claim: depreciation understated by $176B over 2026–28 [DEP-01].

    Uses the DEP-14 assumption set (capex path DEP-14c..k, 60% short-lived share, book life 6
    years: ``cases.yaml``) and solves for the economic life that reproduces $176B; with
    ``economic_life`` given, reports the understatement at that life instead. The implied life
    is in ``notes``. ``book_life`` (years) replaces the case's book life, keeping its rationale.
    """
    cases = load_cases()
    case = cases.burry
    capex = burry_capex()
    share = case.share.build()
    target = case.target.build()
    book_row = case.book_life if book_life is None else replace(case.book_life, value=book_life)
    book_input = book_row.build()
    life_on_books = book_input.m_as("year")
    book = LifePolicy.constant(life_on_books)
    implied = implied_economic_life(
        target.m_as("USD bn"), [capex], share, book, case.window, convention=convention
    )
    life = implied if economic_life is None else float(economic_life)
    res = restatement(
        [capex],
        share,
        book,
        LifePolicy.constant(life),
        list(case.years),
        cases.tax_rate.build(),
        window=case.window,
        convention=convention,
        extra_inputs=(target, book_input),
    )
    note = (
        f"Economic life implied by {target.value:g} USD bn ({target.source}): "
        f"{implied:.2f} yrs against {life_on_books:g} yrs on the books"
    )
    return RestatementResult(
        res.entities,
        res.years,
        res.book,
        res.economic,
        res.book_policy,
        res.economic_policy,
        res.tax_rate,
        res.inputs,
        res.window,
        notes=(note,),
        implied_life=implied,
    )


@dataclass(frozen=True)
class DisclosedTable(ResultMixin):
    """All disclosed useful-life changes reproduced, one row per firm and disclosed item."""

    results: tuple[EstimateChangeResult, ...]

    def to_frame(self) -> pd.DataFrame:
        """Model vs disclosed effect, relative error and the share that would match exactly."""
        rows = []
        for res in self.results:
            cmp = res.comparison()
            if cmp is None:
                continue
            for item, row in cmp["items"].items():
                rows.append(
                    {
                        "entity": res.entity,
                        "fiscal_year": cmp["year"],
                        "item": item,
                        "model_usd_bn": row["model_usd_bn"],
                        "disclosed_usd_bn": row["disclosed_usd_bn"],
                        "relative_error": row["relative_error"],
                        "implied_share": implied_share(res, item),
                        "fact": cmp["fact"],
                    }
                )
        return pd.DataFrame(rows).set_index(["entity", "item"])

    def summary(self) -> str:
        """Table, then each firm's inputs."""
        lines = [
            "Disclosed useful-life changes reproduced (USD bn):",
            self.to_frame().drop(columns="fact").round(3).to_string(),
        ]
        lines.extend(format_inputs(r.inputs, f"Inputs ({r.entity})") for r in self.results)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "rows": self.to_frame().reset_index().to_dict(orient="records"),
                "cases": [r.to_dict() for r in self.results],
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Model vs disclosed effect, per firm and disclosed item."""
        frame = self.to_frame().reset_index()
        labels = [
            f"{e} {i.replace('_', ' ')}"
            for e, i in zip(frame["entity"], frame["item"], strict=True)
        ]
        return ChartSpec(
            "Useful-life changes: model vs disclosure",
            (
                Panel(
                    "effect in the year disclosed, USD bn",
                    "USD bn",
                    bars=(
                        Bar(labels, frame["model_usd_bn"], "model", color="#0072B2"),
                        Bar(labels, frame["disclosed_usd_bn"], "disclosed", color="#D55E00"),
                    ),
                    hlines=(HLine(0.0, "zero", "#000000", "solid"),),
                ),
            ),
            source="bubblescope.economy.depreciation.disclosed_all; disclosed effects "
            + ", ".join(dict.fromkeys(frame["fact"])),
        )


def disclosed_all(
    sec_dir: str | Path | None = None, *, convention: Convention = "half-year"
) -> DisclosedTable:
    """Every case of :data:`DISCLOSED_CHANGES` with its default assumptions."""
    return DisclosedTable(
        tuple(disclosed_case(e, sec_dir, convention=convention) for e in DISCLOSED_CHANGES)
    )
