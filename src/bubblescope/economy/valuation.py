r"""Valuation: multiples against history, reverse DCF, Sequoia's revenue gap, Nadella's test.

* **Multiples.** P/E = price / EPS (or market cap / net income), P/S = market cap / sales,
  market cap / GDP; set beside the sourced historical readings (Cisco and Yahoo in 2000, the
  CAPE record, Nvidia in 2025; facts VAL-02..06, VAL-10, MAC-09).
* **Reverse DCF** (Mauboussin & Rappaport): the growth ``g`` of free cash flow over ``N`` years
  that makes :math:`P = \\sum_{t=1}^{N} FCF_0 (1+g)^t/(1+r)^t + TV_N/(1+r)^N`, with the Gordon
  terminal value :math:`TV_N = FCF_N (1+g_\\infty)/(r-g_\\infty)`; solved with
  :func:`scipy.optimize.brentq`. No root → :class:`NoSolutionError`.
* **Sequoia's question** (Cahn 2023, 2024): revenue needed = data-centre GPU run-rate /
  GPU share of data-centre cost / (1 − end-user gross margin), i.e. run-rate × 2 × 2; against
  the AI revenue assumed, the gap.
* **Nadella's test**: AI proves its value when real GDP grows ~10% (world) or 5–7% (developed);
  stated as a comparison with an observed growth rate.

The default inputs are the rows of ``economy/assumptions/valuation.yaml``
(:mod:`bubblescope.economy.assumptions`); every function that reads them takes ``assumptions=``
(a set loaded from a file, or ``{row key: Input or number}``).

References
----------
M. Mauboussin & A. Rappaport, *Expectations Investing* (2001; rev. 2021).
D. Cahn, "AI's $200B Question" (Sequoia, Sept 2023) and "AI's $600B Question" (June 2024)
[VAL-07, VAL-08]. S. Nadella on the Dwarkesh Patel podcast, 2025-02-19 [VAL-09].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array
from bubblescope.charts import ChartSpec, HLine, Line, Panel, VLine
from bubblescope.economy._charts import bar_chart
from bubblescope.economy.assumptions import AssumptionSet, AssumptionsLike, assumptions_for
from bubblescope.economy.inputs import Input, format_inputs, inputs_to_dicts, user_input
from bubblescope.economy.units import Q
from bubblescope.errors import ConvergenceError, DataError, InputError
from bubblescope.result import ResultMixin

__all__ = [
    "Multiple",
    "MultiplesTable",
    "NadellaTest",
    "NoSolutionError",
    "ReverseDCFResult",
    "SequoiaGap",
    "dcf_value",
    "history_multiples",
    "multiple",
    "nadella_test",
    "nvidia_fcf_from_filing",
    "reverse_dcf",
    "sequoia_2023",
    "sequoia_2024",
    "sequoia_gap",
]


class NoSolutionError(ConvergenceError):
    """No growth rate in the search bracket reproduces the price."""


# --------------------------------------------------------------------------------------------
# Multiples
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Multiple:
    """A valuation multiple with its numerator and denominator (or a sourced reading)."""

    label: str
    kind: str
    value: float
    inputs: tuple[Input, ...]


def multiple(label: str, kind: str, numerator: Input, denominator: Input) -> Multiple:
    """``numerator / denominator`` as a multiple; both in money units (or both per share).

    Raises
    ------
    UnitError
        When the two are not in the same dimension.
    InputError
        When the denominator is not positive.
    """
    ratio = numerator.quantity / denominator.quantity
    if denominator.value <= 0:
        raise InputError(
            f"{label}: {kind} needs a positive denominator, got {denominator.quantity}",
            hint="a multiple of a loss is undefined",
        )
    return Multiple(label, kind, ratio.m_as("1"), (numerator, denominator))


def _reading(a: AssumptionSet, label: str, kind: str, key: str) -> Multiple:
    item = a.input(key)
    return Multiple(label, kind, item.m_as("x"), (item,))


@dataclass(frozen=True)
class MultiplesTable(ResultMixin):
    """Multiples side by side (computed and sourced readings)."""

    rows: tuple[Multiple, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per multiple."""
        return pd.DataFrame(
            [
                {
                    "label": m.label,
                    "kind": m.kind,
                    "value": m.value,
                    "source": "; ".join(f"{i.kind}: {i.source}" for i in m.inputs),
                }
                for m in self.rows
            ]
        ).set_index("label")

    def summary(self) -> str:
        """Table and inputs."""
        frame = self.to_frame()
        return "\n".join(
            [
                frame[["kind", "value"]].round(2).to_string(),
                format_inputs(i for m in self.rows for i in m.inputs),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "multiples": self.to_frame().reset_index().to_dict(orient="records"),
                "inputs": inputs_to_dicts(i for m in self.rows for i in m.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """The P/E and CAPE readings, on a log scale."""
        pe = [m for m in self.rows if "P/E" in m.kind or "CAPE" in m.kind]
        return bar_chart(
            "Price/earnings against history",
            "P/E and CAPE readings (log scale)",
            "multiple",
            [f"{m.label}, {m.kind}" for m in pe],
            [m.value for m in pe],
            source="bubblescope.economy.valuation.history_multiples; "
            "facts VAL-02..06, VAL-10, MAC-09",
            logy=True,
            height=1.4,  # room for the bars above the slanted labels
        )


#: The sourced readings history_multiples shows: (label, kind, row key in valuation.yaml).
_READINGS = (
    ("Nvidia 2025-11-20", "trailing P/E", "nvda_pe_2025_11"),
    ("Nvidia 10-yr average", "trailing P/E", "nvda_pe_10y"),
    ("Cisco 2000-03", "forward P/E", "cisco_forward_pe_2000"),
    ("Cisco 2000-03", "trailing P/E (low)", "cisco_trailing_pe_2000"),
    ("Yahoo 1999-12-31", "trailing P/E", "yhoo_pe_1999"),
    ("Yahoo 1999-12-31", "P/S", "yhoo_ps_1999"),
    ("Palantir 2025-11", "P/E (2025E)", "pltr_pe_2025"),
    ("Palantir 2025-11", "P/S", "pltr_ps_2025"),
    ("S&P 500 late 2025", "CAPE", "spx_cape_2025"),
    ("S&P 500 1999-12", "CAPE", "spx_cape_1999"),
    ("S&P 500 1929", "CAPE", "spx_cape_1929"),
)


def history_multiples(
    extra: Sequence[Multiple] = (), *, assumptions: AssumptionsLike = None
) -> MultiplesTable:
    """Sourced multiples (2000 and 2025) plus computed ones, and any ``extra`` rows.

    Computed: Nvidia's trailing P/E from price and EPS (VAL-02 inputs), Yahoo's from market value
    and net income (VAL-06 inputs), and market cap / GDP for Nvidia (2025), Cisco (2000) and
    Yahoo (1999) with labelled GDP assumptions. Every input is a row of ``valuation.yaml``;
    ``assumptions=`` overrides rows (a set from a file, or ``{row key: Input or number}``).
    """
    a = assumptions_for("valuation", assumptions)
    computed = [
        multiple(
            "Nvidia 2025-10-29",
            "trailing P/E (computed)",
            a.input("nvda_price"),
            a.input("nvda_eps"),
        ),
        multiple(
            "Yahoo 1999-12-31",
            "trailing P/E (computed)",
            a.input("yhoo_market_cap"),
            a.input("yhoo_net_income"),
        ),
    ]
    readings = [_reading(a, label, kind, key) for label, kind, key in _READINGS]
    to_gdp = [
        multiple(
            "Nvidia 2025-10-29",
            "market cap / US GDP",
            a.input("nvda_market_cap"),
            a.input("us_gdp_2025"),
        ),
        multiple(
            "Cisco 2000-03-27",
            "market cap / US GDP",
            a.input("cisco_market_cap"),
            a.input("us_gdp_2000"),
        ),
        multiple(
            "Yahoo 1999-12-31",
            "market cap / US GDP",
            a.input("yhoo_market_cap"),
            a.input("us_gdp_1999"),
        ),
    ]
    # Nvidia and Cisco, Yahoo (computed first), Palantir, the CAPE readings, then to GDP
    rows = (computed[0], *readings[:4], computed[1], *readings[4:], *to_gdp)
    return MultiplesTable((*rows, *extra))


# --------------------------------------------------------------------------------------------
# Reverse DCF
# --------------------------------------------------------------------------------------------
def dcf_value(
    fcf0: float, growth: float, rate: float, horizon: int, terminal_growth: float
) -> float:
    """Present value of FCF growing at ``growth`` for ``horizon`` years plus a Gordon tail.

    Units follow ``fcf0`` (e.g. USD bn); rates are fractions per year.
    """
    t = np.arange(1, horizon + 1, dtype=np.float64)
    flows = fcf0 * (1.0 + growth) ** t / (1.0 + rate) ** t
    tail = fcf0 * (1.0 + growth) ** horizon * (1.0 + terminal_growth) / (rate - terminal_growth)
    return float(flows.sum() + tail / (1.0 + rate) ** horizon)


@dataclass(frozen=True)
class ReverseDCFResult(ResultMixin):
    """The FCF growth a price implies, with a sensitivity to the discount rate."""

    label: str
    implied_growth: float
    price: Input
    fcf0: Input
    discount_rate: Input
    horizon: Input
    terminal_growth: Input
    rates: Float64Array
    growth_by_rate: Float64Array

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input."""
        return (self.price, self.fcf0, self.discount_rate, self.horizon, self.terminal_growth)

    @property
    def implied_fcf_at_horizon(self) -> float:
        """FCF in the horizon year implied by the growth, in ``fcf0``'s unit."""
        return float(self.fcf0.value * (1.0 + self.implied_growth) ** self.horizon.m_as("year"))

    def to_frame(self) -> pd.DataFrame:
        """Implied growth for each discount rate of the sensitivity."""
        return pd.DataFrame(
            {"implied_growth": self.growth_by_rate},
            index=pd.Index(self.rates, name="discount_rate"),
        )

    def summary(self) -> str:
        """Headline, sensitivity and inputs."""
        n = self.horizon.m_as("year")
        return "\n".join(
            [
                f"{self.label}: price {self.price.quantity} implies FCF growth of "
                f"{self.implied_growth:.1%} a year for {n:g} years (FCF {self.fcf0.quantity} → "
                f"{self.implied_fcf_at_horizon:,.1f}), then {self.terminal_growth.m_as('1'):.1%}",
                self.to_frame().round(4).to_string(),
                format_inputs(self.inputs),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "label": self.label,
                "implied_growth": self.implied_growth,
                "implied_fcf_at_horizon": self.implied_fcf_at_horizon,
                "sensitivity": {
                    f"{r:.4f}": (g if np.isfinite(g) else None)
                    for r, g in zip(self.rates, self.growth_by_rate, strict=True)
                },
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Implied growth against the discount rate, the rate assumed marked."""
        return ChartSpec(
            f"{self.label}: growth implied by the price",
            (
                Panel(
                    "implied FCF growth by discount rate",
                    "% a year",
                    lines=(Line(self.rates * 100, self.growth_by_rate * 100, "implied growth"),),
                    vlines=(VLine(self.discount_rate.m_as("1") * 100, "rate assumed"),),
                ),
            ),
            xlabel="discount rate, %",
            source="bubblescope.economy.valuation.reverse_dcf (each input's source: summary())",
            legend=False,
        )


_BRACKET = (-0.95, 5.0)


def _as_input(value: Input | float | None, name: str, default: Input) -> Input:
    """An Input as given, a float as a user value (fraction), or the labelled default."""
    if value is None:
        return default
    return value if isinstance(value, Input) else user_input(name, value, "1")


def _solve_growth(price: float, fcf0: float, rate: float, horizon: int, terminal: float) -> float:
    from scipy.optimize import brentq

    lo, hi = _BRACKET

    def gap(g: float) -> float:
        return dcf_value(fcf0, g, rate, horizon, terminal) - price

    f_lo, f_hi = gap(lo), gap(hi)
    if f_lo * f_hi > 0:
        raise NoSolutionError(
            f"no FCF growth in [{lo:.0%}, {hi:.0%}] a year gives a value of {price:,.4g} "
            f"(values run {f_lo + price:,.4g} to {f_hi + price:,.4g})",
            hint="check price and FCF units, or lengthen the horizon",
        )
    return float(brentq(gap, lo, hi, xtol=1e-12))


def reverse_dcf(
    price: Input | float,
    fcf0: Input | float,
    *,
    discount_rate: Input | float | None = None,
    horizon: int | None = None,
    terminal_growth: Input | float | None = None,
    label: str = "reverse DCF",
    sensitivity: Sequence[float] | None = None,
    assumptions: AssumptionsLike = None,
) -> ReverseDCFResult:
    """Growth of free cash flow implied by a price (enterprise value or market cap).

    Parameters
    ----------
    price : Input or float
        Value to explain (money; floats are USD bn).
    fcf0 : Input or float
        Free cash flow of the latest year (same money dimension; floats are USD bn).
    discount_rate : Input or float, optional
        Annual discount rate (fraction). Default: a labelled 9% assumption.
    horizon : int, optional
        Years of explicit growth. Default: a labelled 10-year assumption.
    terminal_growth : Input or float, optional
        Perpetual growth after the horizon (fraction, < discount rate). Default: a labelled 3%
        assumption.
    label : str
    sensitivity : sequence of float, optional
        Discount rates for the sensitivity table (default ±2 pp around the rate).
    assumptions : AssumptionSet or mapping, optional
        The defaults in force (``valuation.yaml``: ``discount_rate``, ``terminal_growth``,
        ``horizon``): a set from :func:`~bubblescope.economy.assumptions.load_assumptions`, or
        ``{row key: Input or number}``. The explicit arguments above win over it.

    Raises
    ------
    InputError
        Non-positive price or FCF, horizon < 1, or terminal growth ≥ discount rate.
    NoSolutionError
        When no growth in [-95%, 500%] a year reproduces the price.

    Examples
    --------
    A Gordon perpetuity (FCF 10 growing 4%, discounted at 9%) implies 4% growth:

    >>> round(reverse_dcf(10 * 1.04 / 0.05, 10.0, discount_rate=0.09,
    ...                   terminal_growth=0.04).implied_growth, 6)
    0.04
    """
    p = price if isinstance(price, Input) else user_input("price", price, "USD bn")
    f = (
        fcf0
        if isinstance(fcf0, Input)
        else user_input("free cash flow, latest year", fcf0, "USD bn")
    )
    a = assumptions_for("valuation", assumptions)
    r = _as_input(discount_rate, "discount rate", a.input("discount_rate"))
    tg = _as_input(terminal_growth, "terminal growth", a.input("terminal_growth"))
    n_years = (
        a.input("horizon")
        if horizon is None
        else Input("horizon", Q(horizon, "year"), "user", "explicit-growth years")
    )
    years = n_years.m_as("year")
    if years < 1 or not float(years).is_integer():
        raise InputError(f"horizon must be a whole number of years >= 1, got {years:g}")
    horizon = int(years)
    pv, fv = p.m_as("USD bn"), f.m_as("USD bn")
    if pv <= 0 or fv <= 0:
        raise InputError(
            f"price and free cash flow must be positive (got {pv:g} and {fv:g} USD bn)",
            hint="a reverse DCF needs positive cash flow to grow",
        )
    rate, term = r.m_as("1"), tg.m_as("1")
    if term >= rate:
        raise InputError(f"terminal growth {term:.2%} must be below the discount rate {rate:.2%}")
    g = _solve_growth(pv, fv, rate, horizon, term)
    rates = np.asarray(
        sensitivity
        if sensitivity is not None
        else rate + np.array([-0.02, -0.01, 0.0, 0.01, 0.02]),
        dtype=np.float64,
    )
    by_rate = np.full(rates.shape, np.nan)
    for k, rr in enumerate(rates):
        if rr > term:
            try:
                by_rate[k] = _solve_growth(pv, fv, float(rr), horizon, term)
            except NoSolutionError:
                by_rate[k] = np.nan
    return ReverseDCFResult(
        label,
        g,
        p,
        f,
        r,
        n_years,
        tg,
        rates,
        by_rate,
    )


def nvidia_fcf_from_filing(path: str | Path, fiscal_year: int | None = None) -> Input:
    """Nvidia free cash flow (operating cash flow − capex) for a fiscal year, from companyfacts.

    Raises
    ------
    DataError
        When the year is missing.
    """
    from bubblescope.data.sec import annual_series, parse_companyfacts

    facts = parse_companyfacts(path, ticker="NVDA")
    cfo = annual_series(
        facts, "operating_cash_flow", tags=["NetCashProvidedByUsedInOperatingActivities"]
    )
    capex = annual_series(facts, "capex")
    both = (
        cfo.set_index("fiscal_year")["value"]
        .to_frame("cfo")
        .join(capex.set_index("fiscal_year")["value"].rename("capex"), how="inner")
    )
    if both.empty:
        raise DataError(f"no operating cash flow and capex for the same year in {path}")
    year = int(str(both.index.max())) if fiscal_year is None else fiscal_year
    if year not in both.index:
        raise DataError(
            f"fiscal year {year} not in {path}",
            hint=f"years available: {sorted(int(str(y)) for y in both.index)}",
        )
    row = both.loc[year]
    fcf = (float(str(row["cfo"])) - float(str(row["capex"]))) / 1e9
    return Input(
        f"NVDA free cash flow FY{year}",
        Q(fcf, "USD bn"),
        "filing",
        f"SEC companyfacts NVDA FY{year}: NetCashProvidedByUsedInOperatingActivities "
        "minus capex tag chain",
    )


# --------------------------------------------------------------------------------------------
# Sequoia
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SequoiaGap(ResultMixin):
    """AI revenue needed to pay for data-centre GPU spending, and the gap to AI revenue."""

    label: str
    run_rate: Input
    gpu_share: Input
    margin: Input
    ai_revenue: Input | None
    published: Input | None

    @property
    def required_revenue(self) -> float:
        """USD bn a year: run-rate / GPU share of cost / (1 − end-user margin)."""
        return (
            self.run_rate.m_as("USD bn/yr")
            / self.gpu_share.m_as("1")
            / (1.0 - self.margin.m_as("1"))
        )

    @property
    def gap(self) -> float | None:
        """Required revenue minus AI revenue, USD bn a year."""
        if self.ai_revenue is None:
            return None
        return self.required_revenue - self.ai_revenue.m_as("USD bn/yr")

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input."""
        extra = tuple(i for i in (self.ai_revenue, self.published) if i is not None)
        return (self.run_rate, self.gpu_share, self.margin, *extra)

    def to_frame(self) -> pd.DataFrame:
        """The arithmetic as rows, USD bn a year."""
        rows = {
            "data-centre run-rate": self.run_rate.m_as("USD bn/yr"),
            "÷ GPU share of data-centre cost": self.run_rate.m_as("USD bn/yr")
            / self.gpu_share.m_as("1"),
            "÷ (1 − end-user gross margin) = revenue required": self.required_revenue,
        }
        if self.ai_revenue is not None:
            rows["AI revenue assumed"] = self.ai_revenue.m_as("USD bn/yr")
            rows["gap"] = float(self.gap or 0.0)
        return pd.DataFrame(
            {"usd_bn_per_year": list(rows.values())}, index=pd.Index(list(rows), name="step")
        )

    def summary(self) -> str:
        """Arithmetic, comparison with the published figure, inputs."""
        lines = [
            f"{self.label}: revenue required {self.required_revenue:,.1f} USD bn/yr",
            self.to_frame().to_string(),
        ]
        if self.published is not None:
            lines.append(f"published: {self.published.quantity} [{self.published.source}]")
        lines.append(format_inputs(self.inputs))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "label": self.label,
                "required_revenue_usd_bn": self.required_revenue,
                "gap_usd_bn": self.gap,
                "published_usd_bn": None if self.published is None else self.published.value,
                "inputs": inputs_to_dicts(self.inputs),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """The steps from the data-centre run-rate to the revenue required, and the gap."""
        f = self.to_frame()
        return bar_chart(
            f"{self.label}: from data-centre spending to the revenue it requires",
            "USD bn per year",
            "USD bn/yr",
            f.index,
            f["usd_bn_per_year"],
            source="bubblescope.economy.valuation; inputs VAL-07, VAL-08",
            name="USD bn per year",
        )


def sequoia_gap(
    run_rate: Input | float,
    *,
    gpu_share: Input | None = None,
    margin: Input | None = None,
    ai_revenue: Input | float | None = None,
    label: str = "Sequoia revenue gap",
    published: Input | None = None,
    assumptions: AssumptionsLike = None,
) -> SequoiaGap:
    """Revenue needed for a GPU (or capex) run-rate: run-rate × (1/s) × 1/(1 − m).

    Parameters
    ----------
    run_rate : Input or float
        Annualised GPU (or capex) spend, USD bn a year.
    gpu_share : Input, optional
        GPU share of data-centre total cost ``s`` (default 0.5, Cahn).
    margin : Input, optional
        End-user gross margin ``m`` (default 50%, VAL-07).
    ai_revenue : Input or float, optional
        AI revenue to compare with (USD bn a year).
    assumptions : AssumptionSet or mapping, optional
        The defaults in force (``valuation.yaml``: ``gpu_share``, ``end_user_margin``): a set
        from :func:`~bubblescope.economy.assumptions.load_assumptions`, or ``{row key: Input or
        number}``. The explicit arguments above win over it.
    """
    rr = run_rate if isinstance(run_rate, Input) else user_input("run-rate", run_rate, "USD bn/yr")
    a = assumptions_for("valuation", assumptions)
    s = gpu_share or a.input("gpu_share")
    m = margin or a.input("end_user_margin")
    if not 0.0 < s.m_as("1") <= 1.0 or not 0.0 <= m.m_as("1") < 1.0:
        raise InputError("GPU share must be in (0, 1] and margin in [0, 1)")
    if rr.m_as("USD bn/yr") < 0:
        raise InputError(f"run-rate must be >= 0, got {rr.quantity}")
    ai = (
        ai_revenue
        if isinstance(ai_revenue, Input) or ai_revenue is None
        else user_input("AI revenue", ai_revenue, "USD bn/yr")
    )
    return SequoiaGap(label, rr, s, m, ai, published)


def sequoia_2023(*, assumptions: AssumptionsLike = None) -> SequoiaGap:
    """Cahn, Sept 2023: $50B run-rate × 2 × 2 = $200B (VAL-07, VAL-07a).

    Examples
    --------
    >>> sequoia_2023().required_revenue
    200.0
    """
    a = assumptions_for("valuation", assumptions)
    return sequoia_gap(
        a.input("sequoia_2023_run_rate"),
        label="AI's $200B question (Sept 2023)",
        published=a.input("sequoia_2023_published"),
        assumptions=a,
    )


def sequoia_2024(*, assumptions: AssumptionsLike = None) -> SequoiaGap:
    """Cahn, June 2024: ~$150B run-rate × 4 = $600B against ~$100B AI revenue (VAL-08)."""
    a = assumptions_for("valuation", assumptions)
    return sequoia_gap(
        a.input("sequoia_2024_run_rate"),
        ai_revenue=a.input("sequoia_2024_ai_revenue"),
        label="AI's $600B question (June 2024)",
        published=a.input("sequoia_2024_published"),
        assumptions=a,
    )


# --------------------------------------------------------------------------------------------
# Nadella
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NadellaTest(ResultMixin):
    """Observed real GDP growth against the growth Nadella named as proof of AI's value."""

    observed: Input
    thresholds: tuple[Input, ...]

    def shortfalls(self) -> dict[str, float]:
        """Threshold minus observed growth, percentage points (positive: test not met)."""
        obs = self.observed.m_as("%")
        return {t.name: t.m_as("%") - obs for t in self.thresholds}

    def passed(self) -> bool:
        """Whether the observed growth meets the lowest threshold."""
        return min(self.shortfalls().values()) <= 0

    def to_frame(self) -> pd.DataFrame:
        """One row per threshold."""
        return pd.DataFrame(
            [
                {
                    "threshold": t.name,
                    "threshold_pct": t.m_as("%"),
                    "observed_pct": self.observed.m_as("%"),
                    "shortfall_pp": t.m_as("%") - self.observed.m_as("%"),
                }
                for t in self.thresholds
            ]
        ).set_index("threshold")

    def summary(self) -> str:
        """The stated comparison."""
        verdict = "meets" if self.passed() else "does not meet"
        return "\n".join(
            [
                "Nadella: 'the real benchmark is the world growing at 10%'; developed economies "
                "5-7% real. The payoff must show in demand, not only in supply.",
                f"Observed {self.observed.quantity} {verdict} the lowest threshold.",
                self.to_frame().round(2).to_string(),
                format_inputs((self.observed, *self.thresholds)),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        out: dict[str, Any] = to_jsonable(
            {
                "observed_pct": self.observed.m_as("%"),
                "passed": self.passed(),
                "shortfalls_pp": self.shortfalls(),
                "inputs": inputs_to_dicts((self.observed, *self.thresholds)),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Nadella's growth thresholds, with the observed growth as a line across them."""
        frame = self.to_frame()
        observed = self.observed.m_as("%")
        return bar_chart(
            "Nadella's test: real GDP growth against the growth that would prove AI's value",
            f"thresholds (bars) and observed growth {observed:.1f}% (line)",
            "real GDP growth, %",
            frame.index,
            frame["threshold_pct"],
            source=f"bubblescope.economy.valuation.nadella_test; thresholds VAL-09; "
            f"observed {self.observed.source}",
            name="threshold",
            color="#999999",
            hlines=(HLine(observed, f"observed ({self.observed.name})", "#D55E00"),),
        )


_THRESHOLDS = ("nadella_world", "nadella_developed_upper", "nadella_developed_lower")


def nadella_test(
    observed: Input | float | None = None, *, assumptions: AssumptionsLike = None
) -> NadellaTest:
    """Compare real GDP growth (``%``; default US H1-2025, MAC-02a) with Nadella's 10/7/5%.

    The default growth and the thresholds are rows of ``valuation.yaml``; ``assumptions=``
    overrides them (a set from a file, or ``{row key: Input or number}``).
    """
    a = assumptions_for("valuation", assumptions)
    obs = (
        observed
        if isinstance(observed, Input)
        else a.input("us_real_gdp_growth")
        if observed is None
        else user_input("observed real GDP growth", observed, "%")
    )
    return NadellaTest(obs, tuple(a.input(key) for key in _THRESHOLDS))
