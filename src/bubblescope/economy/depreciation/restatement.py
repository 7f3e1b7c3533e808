"""Changes of estimate and restatements: depreciation and earnings under two life policies.

* **Earnings effect.** A change's effect on operating income is the depreciation under the old
  policy minus that under the new one; after tax it is multiplied by :math:`1-τ`.
* **Restatement.** Understated depreciation is :math:`D(N_{economic}) - D(N_{book})`.

Only the short-lived share of capex (servers and network equipment) follows these lives; the
share is an explicit input. Money is in USD bn throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.economy.depreciation.cases import DisclosedChange
from bubblescope.economy.depreciation.schedule import (
    OFFSET,
    CapexVintages,
    Convention,
    LifePolicy,
    depreciation_matrix,
)
from bubblescope.economy.inputs import Input, assumption, format_inputs, inputs_to_dicts
from bubblescope.economy.units import Q
from bubblescope.errors import ConvergenceError, InputError
from bubblescope.result import ResultMixin

__all__ = [
    "EstimateChangeResult",
    "RestatementResult",
    "change_of_estimate",
    "implied_economic_life",
    "implied_share",
    "restatement",
]


def _rel_error(model: float, published: float | None) -> float | None:
    if published is None or published == 0:
        return None
    return (model - published) / abs(published)


@dataclass(frozen=True)
class EstimateChangeResult(ResultMixin):
    """Effect of a change in useful life on depreciation and earnings, by fiscal year.

    Attributes
    ----------
    entity : str
    old_policy, new_policy : LifePolicy
        Without and with the change.
    years : tuple of int
    depreciation_old, depreciation_new : ndarray
        Depreciation of the short-lived assets, USD bn.
    tax_rate : Input
    inputs : tuple of Input
        Every input (capex by year with its filing, the share, the tax rate ...).
    disclosed : DisclosedChange or None
        The published effect this run is compared with.
    """

    entity: str
    old_policy: LifePolicy
    new_policy: LifePolicy
    years: tuple[int, ...]
    depreciation_old: Float64Array
    depreciation_new: Float64Array
    tax_rate: Input
    inputs: tuple[Input, ...]
    disclosed: DisclosedChange | None = None

    @property
    def depreciation_change(self) -> Float64Array:
        """New minus old depreciation (negative when lives lengthen), USD bn."""
        return self.depreciation_new - self.depreciation_old

    @property
    def operating_income_change(self) -> Float64Array:
        """Operating-income effect, USD bn (= −depreciation change)."""
        return -self.depreciation_change

    @property
    def net_income_change(self) -> Float64Array:
        """After-tax effect, USD bn (operating-income effect × (1 − τ))."""
        return self.operating_income_change * (1.0 - self.tax_rate.m_as("1"))

    def effect_in(self, year: int) -> dict[str, float]:
        """Depreciation, operating-income and net-income change in ``year`` (USD bn)."""
        if year not in self.years:
            raise InputError(f"year {year} not modelled", hint=f"years are {self.years}")
        i = self.years.index(year)
        return {
            "depreciation": float(self.depreciation_change[i]),
            "operating_income": float(self.operating_income_change[i]),
            "net_income": float(self.net_income_change[i]),
        }

    def comparison(self) -> dict[str, Any] | None:
        """Model vs the disclosed figure(s), with relative errors."""
        if self.disclosed is None:
            return None
        eff = self.effect_in(self.disclosed.year)
        rows = {}
        for item, published in self.disclosed.effects.items():
            rows[item] = {
                "model_usd_bn": eff[item],
                "disclosed_usd_bn": published,
                "relative_error": _rel_error(eff[item], published),
            }
        return {"year": self.disclosed.year, "fact": self.disclosed.fact_id, "items": rows}

    def to_frame(self) -> pd.DataFrame:
        """By fiscal year: depreciation old/new and the three effects (USD bn)."""
        return pd.DataFrame(
            {
                "depreciation_old_usd_bn": self.depreciation_old,
                "depreciation_new_usd_bn": self.depreciation_new,
                "depreciation_change_usd_bn": self.depreciation_change,
                "operating_income_change_usd_bn": self.operating_income_change,
                "net_income_change_usd_bn": self.net_income_change,
            },
            index=pd.Index(self.years, name="fiscal_year"),
        )

    def summary(self) -> str:
        """Text: the effect by year, the comparison with the disclosure, and all inputs."""
        lines = [
            f"{self.entity}: useful-life change {self.old_policy.label} → "
            f"{self.new_policy.label} (ASC 250, prospective)"
        ]
        short = self.to_frame().rename(
            columns={
                "depreciation_old_usd_bn": "dep old",
                "depreciation_new_usd_bn": "dep new",
                "depreciation_change_usd_bn": "Δ dep",
                "operating_income_change_usd_bn": "Δ EBIT",
                "net_income_change_usd_bn": "Δ net inc",
            }
        )
        lines.append("USD bn, short-lived assets of the modelled vintages only:")
        lines.append(short.round(3).to_string())
        cmp = self.comparison()
        if cmp is not None:
            lines.append(f"Disclosed ({cmp['fact']}), FY{cmp['year']}:")
            for item, row in cmp["items"].items():
                lines.append(
                    f"  {item}: model {row['model_usd_bn']:+.2f} vs disclosed "
                    f"{row['disclosed_usd_bn']:+.2f} USD bn "
                    f"({row['relative_error']:+.0%})"
                )
        lines.append(format_inputs(self.inputs))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: policies, by-year table, comparison and inputs."""
        frame = self.to_frame().reset_index()
        out: dict[str, Any] = to_jsonable(
            {
                "entity": self.entity,
                "old_policy": self.old_policy.label,
                "new_policy": self.new_policy.label,
                "by_year": frame.to_dict(orient="records"),
                "comparison": self.comparison(),
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Depreciation without and with the change, and the operating-income effect, by year."""
        years = [str(y) for y in self.years]
        return ChartSpec(
            f"{self.entity}: useful-life change {self.old_policy.label} → {self.new_policy.label}",
            (
                Panel(
                    "depreciation of the short-lived assets, USD bn",
                    "USD bn",
                    bars=(
                        Bar(years, self.depreciation_old, f"old ({self.old_policy.label})"),
                        Bar(years, self.depreciation_new, f"new ({self.new_policy.label})"),
                    ),
                ),
                Panel(
                    "operating-income effect",
                    "USD bn",
                    bars=(
                        Bar(
                            years,
                            self.operating_income_change,
                            "operating-income effect",
                            color="#CC79A7",
                        ),
                    ),
                    height=0.6,
                ),
            ),
            source="bubblescope.economy.depreciation.change_of_estimate (ASC 250, prospective)"
            + ("" if self.disclosed is None else f"; disclosed effect {self.disclosed.fact_id}"),
        )


@dataclass(frozen=True)
class RestatementResult(ResultMixin):
    """Depreciation under book vs economic lives, per entity and in aggregate, by year.

    Attributes
    ----------
    entities : tuple of str
    years : tuple of int
    book, economic : ndarray, shape (n_entities, n_years)
        Depreciation of short-lived assets, USD bn.
    book_policy, economic_policy : LifePolicy
    tax_rate : Input
    inputs : tuple of Input
    window : tuple of int, optional
        Years summed for the headline (e.g. 2026–2028).
    """

    entities: tuple[str, ...]
    years: tuple[int, ...]
    book: Float64Array
    economic: Float64Array
    book_policy: LifePolicy
    economic_policy: LifePolicy
    tax_rate: Input
    inputs: tuple[Input, ...]
    window: tuple[int, int] | None = None
    notes: tuple[str, ...] = field(default=())
    implied_life: float | None = None

    @property
    def understated(self) -> Float64Array:
        """Economic minus book depreciation = pre-tax earnings overstatement, USD bn."""
        return self.economic - self.book

    @property
    def understated_after_tax(self) -> Float64Array:
        """Understatement × (1 − τ), USD bn."""
        return self.understated * (1.0 - self.tax_rate.m_as("1"))

    def total(self, first: int | None = None, last: int | None = None) -> float:
        """Aggregate pre-tax understatement over ``first..last`` (default: the window), USD bn."""
        lo, hi = (
            (first, last) if first is not None else (self.window or (self.years[0], self.years[-1]))
        )
        hi = hi if hi is not None else self.years[-1]
        mask = np.array([lo <= y <= hi for y in self.years])
        return float(self.understated[:, mask].sum())

    def to_frame(self) -> pd.DataFrame:
        """Long table indexed by (entity, fiscal_year), plus an ``all`` aggregate."""
        frames = []
        names = [*self.entities, "all"]
        book = np.vstack([self.book, self.book.sum(axis=0)])
        econ = np.vstack([self.economic, self.economic.sum(axis=0)])
        for i, name in enumerate(names):
            frames.append(
                pd.DataFrame(
                    {
                        "entity": name,
                        "fiscal_year": self.years,
                        "book_usd_bn": book[i],
                        "economic_usd_bn": econ[i],
                        "understated_usd_bn": econ[i] - book[i],
                        "understated_after_tax_usd_bn": (econ[i] - book[i])
                        * (1.0 - self.tax_rate.m_as("1")),
                    }
                )
            )
        return pd.concat(frames).set_index(["entity", "fiscal_year"])

    def summary(self) -> str:
        """Headline, aggregate by year, and inputs."""
        lo, hi = self.window or (self.years[0], self.years[-1])
        lines = [
            f"Depreciation at economic life {self.economic_policy.label} vs book "
            f"{self.book_policy.label}: understated by {self.total():,.1f} USD bn "
            f"pre-tax over {lo}–{hi}"
        ]
        short = pd.DataFrame(self.to_frame().loc["all"]).rename(
            columns={
                "book_usd_bn": "book",
                "economic_usd_bn": "economic",
                "understated_usd_bn": "understated",
                "understated_after_tax_usd_bn": "after tax",
            }
        )
        lines.append("USD bn, all entities:")
        lines.append(short.round(2).to_string())
        lines.extend(self.notes)
        lines.append(format_inputs(self.inputs))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "book_policy": self.book_policy.label,
                "economic_policy": self.economic_policy.label,
                "window": list(self.window) if self.window else None,
                "understated_total_usd_bn": self.total(),
                "implied_economic_life_years": self.implied_life,
                "by_year": self.to_frame().reset_index().to_dict(orient="records"),
                "notes": list(self.notes),
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Aggregate book vs economic depreciation by year, and the understatement."""
        agg = self.to_frame().loc["all"]
        years = [str(y) for y in agg.index]
        return ChartSpec(
            f"Depreciation, book ({self.book_policy.label}) vs economic "
            f"({self.economic_policy.label})",
            (
                Panel(
                    "aggregate, USD bn",
                    "USD bn",
                    bars=(
                        Bar(years, agg["book_usd_bn"], "book", color="#0072B2"),
                        Bar(years, agg["economic_usd_bn"], "economic", color="#D55E00"),
                    ),
                ),
                Panel(
                    "understatement",
                    "USD bn",
                    bars=(Bar(years, agg["understated_usd_bn"], "pre-tax", color="#CC79A7"),),
                    height=0.6,
                ),
            ),
            source="bubblescope.economy.depreciation; capex path: fact base DEP-14c..k",
        )


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
def _check_share(share: Input) -> float:
    value = share.m_as("1")
    if not 0.0 <= value <= 1.0:
        raise InputError(f"short-lived share must be within [0, 1], got {value}")
    return value


def _check_tax(tax_rate: Input) -> float:
    value = tax_rate.m_as("1")
    if not 0.0 <= value < 1.0:
        raise InputError(f"tax rate must be within [0, 1), got {value}")
    return value


def change_of_estimate(
    capex: CapexVintages,
    share: Input,
    old_policy: LifePolicy,
    new_policy: LifePolicy,
    years: Sequence[int],
    tax_rate: Input,
    *,
    convention: Convention = "half-year",
    disclosed: DisclosedChange | None = None,
) -> EstimateChangeResult:
    """Depreciation and earnings effect of a change of useful life (ASC 250, prospective).

    Parameters
    ----------
    capex : CapexVintages
        Total capex by fiscal year (USD bn).
    share : Input
        Fraction of capex that is short-lived (servers, network) and follows the policies.
    old_policy, new_policy : LifePolicy
        Lives without and with the change.
    years : sequence of int
        Fiscal years to report.
    tax_rate : Input
        Tax rate τ for the after-tax effect (fraction).
    convention : {"half-year", "full-year"}
    disclosed : DisclosedChange, optional
        The published effect to compare with.

    Returns
    -------
    EstimateChangeResult
    """
    s = _check_share(share)
    _check_tax(tax_rate)
    cost = np.asarray(capex.capex, dtype=np.float64) * s
    old = depreciation_matrix(cost, capex.years, years, old_policy, convention).sum(axis=0)
    new = depreciation_matrix(cost, capex.years, years, new_policy, convention).sum(axis=0)
    inputs = (
        *capex.sources,
        share,
        tax_rate,
        assumption(
            "placed-in-service convention",
            OFFSET[convention],
            "year",
            f"{convention}: capex enters service this far into its fiscal year",
        ),
    )
    return EstimateChangeResult(
        capex.entity, old_policy, new_policy, tuple(years), old, new, tax_rate, inputs, disclosed
    )


def restatement(
    capex: Sequence[CapexVintages],
    share: Input,
    book_policy: LifePolicy,
    economic_policy: LifePolicy,
    years: Sequence[int],
    tax_rate: Input,
    *,
    window: tuple[int, int] | None = None,
    convention: Convention = "half-year",
    extra_inputs: Sequence[Input] = (),
) -> RestatementResult:
    """Short-lived depreciation under book vs economic lives, per entity and aggregate.

    Parameters
    ----------
    capex : sequence of CapexVintages
        One per entity (USD bn).
    share : Input
        Short-lived fraction of capex.
    book_policy, economic_policy : LifePolicy
    years : sequence of int
        Fiscal years to report.
    tax_rate : Input
    window : (int, int), optional
        Inclusive years summed for the headline.
    convention : {"half-year", "full-year"}
    extra_inputs : sequence of Input
        Further inputs to print with the result.
    """
    s = _check_share(share)
    _check_tax(tax_rate)
    if not capex:
        raise InputError("restatement needs at least one entity's capex")
    book = np.vstack(
        [
            depreciation_matrix(
                np.asarray(c.capex) * s, c.years, years, book_policy, convention
            ).sum(axis=0)
            for c in capex
        ]
    )
    econ = np.vstack(
        [
            depreciation_matrix(
                np.asarray(c.capex) * s, c.years, years, economic_policy, convention
            ).sum(axis=0)
            for c in capex
        ]
    )
    inputs = (*(src for c in capex for src in c.sources), share, tax_rate, *extra_inputs)
    return RestatementResult(
        tuple(c.entity for c in capex),
        tuple(years),
        book,
        econ,
        book_policy,
        economic_policy,
        tax_rate,
        inputs,
        window,
    )


def implied_economic_life(
    target_usd_bn: float,
    capex: Sequence[CapexVintages],
    share: Input,
    book_policy: LifePolicy,
    window: tuple[int, int],
    *,
    convention: Convention = "half-year",
    bracket: tuple[float, float] = (1.0, 12.0),
) -> float:
    """Economic life (years) at which the window's understatement equals ``target_usd_bn``.

    Solved with :func:`scipy.optimize.brentq`; the understatement falls as the economic life
    rises, so the root is unique when it exists.

    Raises
    ------
    ConvergenceError
        When no life in ``bracket`` reproduces the target.
    """
    from scipy.optimize import brentq

    years = list(range(min(min(c.years) for c in capex), window[1] + 1))
    zero = Q(0.0, "1")
    tax = Input("tax rate (unused)", zero, "assumption", "pre-tax comparison")

    def gap(life: float) -> float:
        res = restatement(
            capex,
            share,
            book_policy,
            LifePolicy.constant(life),
            years,
            tax,
            window=window,
            convention=convention,
        )
        return res.total() - target_usd_bn

    lo, hi = bracket
    f_lo, f_hi = gap(lo), gap(hi)
    if f_lo * f_hi > 0:
        raise ConvergenceError(
            f"no economic life in [{lo}, {hi}] years gives {target_usd_bn:g} USD bn "
            f"(range {f_hi + target_usd_bn:.1f} to {f_lo + target_usd_bn:.1f})",
            hint="check the capex path, the share and the book life",
        )
    return float(brentq(gap, lo, hi, xtol=1e-9))


def implied_share(result: EstimateChangeResult, item: str | None = None) -> float:
    """Short-lived share at which the model matches the disclosed effect exactly.

    The effect is linear in the share, so this is ``share × disclosed / modelled``.
    """
    cmp = result.comparison()
    if cmp is None:
        raise InputError("result has no disclosed effect to match")
    key = item or next(iter(cmp["items"]))
    row = cmp["items"][key]
    share = next(i for i in result.inputs if i.name.startswith(("short-lived share", "share of")))
    return float(share.m_as("1") * row["disclosed_usd_bn"] / row["model_usd_bn"])
