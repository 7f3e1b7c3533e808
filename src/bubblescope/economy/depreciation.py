"""Depreciation of capex vintages under book and economic lives, and changes of estimate.

The model:

* **Straight line.** A vintage of cost :math:`C_v` placed in service at time :math:`s_v` with life
  :math:`N` is charged :math:`C_v/N` per year on :math:`[s_v, s_v+N)`; the charge in fiscal year
  :math:`y` is the rate times the overlap of that interval with :math:`[y, y+1)`, so fractional
  lives (5.5 years) work and the total over the life equals the cost.
  ``convention="half-year"`` places each vintage in service mid-year (:math:`s_v = v + 0.5`),
  ``"full-year"`` at the start.
* **Change of estimate** (ASC 250-10-45-17, prospective): when the life changes at :math:`T`, the
  remaining net book value is spread over the remaining *new* life,
  :math:`D' = NBV_v(T)/(N_{new} - (T - s_v))`; when the asset is already older than the new
  life, the whole remaining NBV is charged in the year of the change.
* **Earnings effect.** A change's effect on operating income is the depreciation under the old
  policy minus that under the new one; after tax it is multiplied by :math:`1-τ`.
* **Restatement.** Understated depreciation is :math:`D(N_{economic}) - D(N_{book})`.

Only the short-lived share of capex (servers and network equipment) follows these lives; the
share is an explicit input. Money is in USD bn throughout.

References
----------
FASB ASC 250-10-45-17 (change in accounting estimate, prospective application).
M. Burry, X post 2025-11-10 (understated depreciation, $176B 2026–28) [DEP-01].
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array
from bubblescope.economy.inputs import (
    Input,
    assumption,
    fact_number,
    fact_part,
    format_inputs,
    inputs_to_dicts,
)
from bubblescope.economy.units import Q
from bubblescope.errors import ConvergenceError, DataError, InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DISCLOSED_CHANGES",
    "CapexVintages",
    "DisclosedChange",
    "DisclosedTable",
    "EstimateChangeResult",
    "LifePolicy",
    "RestatementResult",
    "burry_capex",
    "burry_case",
    "capex_from_companyfacts",
    "capex_from_ixbrl",
    "change_of_estimate",
    "depreciation_matrix",
    "disclosed_all",
    "disclosed_case",
    "implied_economic_life",
    "implied_share",
    "restatement",
]

Convention = Literal["half-year", "full-year"]
_OFFSET: dict[str, float] = {"half-year": 0.5, "full-year": 0.0}


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LifePolicy:
    """Useful life of the short-lived assets over time.

    Parameters
    ----------
    changes : tuple of (float, float)
        ``(effective_time, life_years)`` pairs sorted by time; the first one's time may be
        ``-inf`` (the life in force for all earlier vintages). Times are fiscal years: the change
        effective at the start of fiscal 2023 is ``2023.0``.
    label : str
        Short description, e.g. ``"4→6 yrs (FY2023)"``.
    """

    changes: tuple[tuple[float, float], ...]
    label: str = ""

    def __post_init__(self) -> None:
        if not self.changes:
            raise InputError("a life policy needs at least one (time, life) pair")
        times = [t for t, _ in self.changes]
        if any(b <= a for a, b in itertools.pairwise(times)):
            raise InputError(f"life-policy change times must increase strictly, got {times}")
        for _, life in self.changes:
            if not (math.isfinite(life) and life > 0):
                raise InputError(f"useful life must be a positive number of years, got {life}")

    @classmethod
    def constant(cls, life: float) -> LifePolicy:
        """One life for every vintage."""
        return cls(((-math.inf, float(life)),), label=f"{life:.3g} yrs")

    def life_at(self, t: float) -> float:
        """Life in force at time ``t`` (the first pair's life before its time)."""
        life = self.changes[0][1]
        for time, new_life in self.changes:
            if t >= time:
                life = new_life
        return life


@dataclass(frozen=True)
class CapexVintages:
    """Capital expenditure by fiscal year for one entity.

    Parameters
    ----------
    entity : str
        Company or aggregate name.
    years : tuple of int
        Fiscal years (increasing).
    capex : tuple of float
        Capex per year, USD bn.
    sources : tuple of Input
        Provenance of each year's value (same order as ``years``).
    """

    entity: str
    years: tuple[int, ...]
    capex: tuple[float, ...]
    sources: tuple[Input, ...] = ()

    def __post_init__(self) -> None:
        if len(self.years) != len(self.capex) or not self.years:
            raise InputError(
                f"{self.entity}: need one capex value per year "
                f"({len(self.years)} years, {len(self.capex)} values)"
            )
        if any(b <= a for a, b in itertools.pairwise(self.years)):
            raise InputError(
                f"{self.entity}: capex years must increase strictly, got {list(self.years)}"
            )
        bad = [
            y
            for y, c in zip(self.years, self.capex, strict=True)
            if not (math.isfinite(c) and c >= 0)
        ]
        if bad:
            raise InputError(f"{self.entity}: capex must be finite and >= 0 (years {bad})")

    @classmethod
    def from_inputs(cls, entity: str, items: Mapping[int, Input]) -> CapexVintages:
        """Build from ``{year: Input}`` (each Input in a money unit; stored in USD bn)."""
        years = tuple(sorted(items))
        return cls(
            entity,
            years,
            tuple(items[y].m_as("USD bn") for y in years),
            tuple(items[y] for y in years),
        )

    def extend(self, items: Mapping[int, Input]) -> CapexVintages:
        """Add or replace years from ``{year: Input}``."""
        merged = dict(zip(self.years, self.sources, strict=False)) if self.sources else {}
        if not merged:
            merged = {
                y: Input(f"{self.entity} capex {y}", Q(c, "USD bn"), "user", "given")
                for y, c in zip(self.years, self.capex, strict=True)
            }
        merged.update(items)
        return CapexVintages.from_inputs(self.entity, merged)

    def scaled(self, factor: float, entity: str | None = None) -> CapexVintages:
        """Capex multiplied by ``factor`` (e.g. a short-lived share)."""
        return CapexVintages(
            entity or self.entity, self.years, tuple(c * factor for c in self.capex), self.sources
        )

    def to_frame(self) -> pd.DataFrame:
        """Capex (USD bn) and source by fiscal year."""
        return pd.DataFrame(
            {"capex_usd_bn": self.capex, "source": [s.line() for s in self.sources] or None},
            index=pd.Index(self.years, name="fiscal_year"),
        )


def capex_from_companyfacts(
    path_or_facts: str | Path | pd.DataFrame, entity: str, years: Sequence[int] | None = None
) -> CapexVintages:
    """Annual capex (PP&E purchases) from SEC companyfacts via the ``capex`` tag chain.

    Parameters
    ----------
    path_or_facts : path or DataFrame
        A companyfacts ``.json``/``.json.gz``, the output of
        :func:`bubblescope.data.sec.parse_companyfacts`, or a fundamentals table of
        :mod:`bubblescope.data.fundamentals` (its ``capex`` FY rows, which follow the same tag
        chain; what ``bubblescope data fetch TICKER --source sec`` stores).
    entity : str
        Ticker, used in labels.
    years : sequence of int, optional
        Fiscal years to keep (default: all).

    Raises
    ------
    DataError
        When a requested year is not in the filing.
    InputError
        When a fundamentals table holds more than one symbol.
    """
    from bubblescope.data.fundamentals import COLUMNS
    from bubblescope.data.sec import annual_series, parse_companyfacts

    facts = (
        path_or_facts
        if isinstance(path_or_facts, pd.DataFrame)
        else parse_companyfacts(path_or_facts, ticker=entity)
    )
    tidy = set(COLUMNS) <= set(facts.columns) and bool(facts["item"].notna().any())
    if tidy and facts["symbol"].nunique() > 1:
        raise InputError(
            f"the fundamentals table holds {facts['symbol'].nunique()} symbols",
            hint=f"pass the rows of {entity} only",
        )
    if tidy:
        series = facts[(facts["item"] == "capex") & (facts["period"] == "FY")].sort_values("end")
    else:
        series = annual_series(facts, "capex")
    items: dict[int, Input] = {}
    for row in series.itertuples():
        year = int(str(row.fiscal_year))
        if years is not None and year not in years:
            continue
        accn = str(row.accn)
        filing = f"accn {accn}" if accn else f"filed {pd.Timestamp(str(row.filed)).date()}"
        origin = f"{row.source}:" if tidy else f"SEC companyfacts {entity}"
        items[year] = Input(
            f"{entity} capex FY{year}",
            Q(float(str(row.value)) / 1e9, "USD bn"),
            "filing",
            f"{origin} {row.tag} FY{year} ({row.form} {filing})",
        )
    _require_years(entity, items, years)
    return CapexVintages.from_inputs(entity, items)


_CAPEX_TAGS = (
    "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment",
    "us-gaap:PaymentsToAcquireProductiveAssets",
)


def capex_from_ixbrl(
    path: str | Path, company: str, years: Sequence[int] | None = None
) -> CapexVintages:
    """Annual capex from the inline-XBRL fact table (``ixbrl_10k_facts_*.csv.gz``).

    Parameters
    ----------
    path : path
        The derived iXBRL CSV (columns ``company, concept, period_start, period_end, value``...).
    company : str
        Ticker as in its ``company`` column (``AMZN``, ``META``...).
    years : sequence of int, optional
        Calendar years of the period end to keep.

    Raises
    ------
    DataError
        When the file is unreadable or a requested year is missing.
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read iXBRL facts {path}: {exc}") from exc
    needed = {"company", "concept", "period_start", "period_end", "value"}
    if not needed <= set(table.columns):
        raise DataError(f"{path} lacks columns {sorted(needed - set(table.columns))}")
    rows = table[(table["company"] == company) & table["concept"].isin(_CAPEX_TAGS)].copy()
    start = pd.to_datetime(rows["period_start"])
    end = pd.to_datetime(rows["period_end"])
    rows = rows[((end - start).dt.days >= 350) & ((end - start).dt.days <= 380)]
    items: dict[int, Input] = {}
    for concept in _CAPEX_TAGS:  # first tag in the chain wins
        for row in rows[rows["concept"] == concept].itertuples():
            year = pd.Timestamp(str(row.period_end)).year
            if (years is not None and year not in years) or year in items:
                continue
            origin = Path(str(getattr(row, "source", path))).name
            items[year] = Input(
                f"{company} capex {year}",
                Q(float(str(row.value)) / 1e9, "USD bn"),
                "filing",
                f"10-K iXBRL {company} {concept} {year} ({origin})",
            )
    _require_years(company, items, years)
    return CapexVintages.from_inputs(company, items)


def _require_years(entity: str, items: Mapping[int, Input], years: Sequence[int] | None) -> None:
    if not items:
        raise DataError(f"no annual capex for {entity} in the filing")
    if years is not None:
        missing = sorted(set(years) - set(items))
        if missing:
            raise DataError(
                f"{entity}: capex for year(s) {missing} is not in the filing",
                hint="add those years as labelled assumptions",
            )


# --------------------------------------------------------------------------------------------
# Kernel: depreciation of each vintage in each year (plain float64 arrays)
# --------------------------------------------------------------------------------------------
def _segments(
    cost: float, start: float, policy: LifePolicy
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float]]]:
    """Straight-line segments ``(t0, t1, amount)`` and lumps ``(t, amount)`` of one vintage.

    Amounts (not rates) are tracked so that they sum to ``cost`` to rounding, however short a
    segment is.
    """
    life = policy.life_at(start)
    t0, end = start, start + life
    segments: list[tuple[float, float, float]] = []
    lumps: list[tuple[float, float]] = []
    nbv = cost
    for time, new_life in policy.changes:
        if not (start < time < end) or new_life == life:
            continue
        spent = nbv * (time - t0) / (end - t0)
        segments.append((t0, time, spent))
        nbv -= spent
        life, t0 = new_life, time
        end = start + new_life
        # already at or past the new life (compared as computed, so a remaining life that rounds
        # to nothing is a lump, not a zero-length segment): charge what is left now
        if end <= time:
            lumps.append((time, nbv))
            return segments, lumps
    segments.append((t0, end, nbv))
    return segments, lumps


def depreciation_matrix(
    capex: Float64Array,
    vintages: Sequence[int],
    years: Sequence[int],
    policy: LifePolicy,
    convention: Convention = "half-year",
) -> Float64Array:
    """Depreciation charge of each vintage (rows) in each fiscal year (columns).

    Parameters
    ----------
    capex : ndarray of float64
        Cost per vintage (any money unit; the output is in the same unit).
    vintages : sequence of int
        Fiscal year each vintage is bought.
    years : sequence of int
        Fiscal years to report.
    policy : LifePolicy
        Lives in force over time, with changes of estimate applied prospectively.
    convention : {"half-year", "full-year"}
        In service mid-year or at the start of the year of purchase.

    Returns
    -------
    ndarray of float64, shape (len(vintages), len(years))

    Examples
    --------
    A 4-year asset whose life becomes 6 years at the start of its third year (ASC 250):

    >>> import math, numpy as np
    >>> policy = LifePolicy(((-math.inf, 4.0), (2022.0, 6.0)))
    >>> depreciation_matrix(np.array([100.0]), [2020], range(2020, 2026), policy,
    ...                     "full-year")[0].tolist()
    [25.0, 25.0, 12.5, 12.5, 12.5, 12.5]
    """
    if convention not in _OFFSET:
        raise InputError(f"unknown convention {convention!r}", hint="half-year or full-year")
    cost = np.asarray(capex, dtype=np.float64)
    out = np.zeros((len(vintages), len(years)), dtype=np.float64)
    year_arr = np.asarray(years, dtype=np.float64)
    for i, (vintage, c) in enumerate(zip(vintages, cost, strict=True)):
        segments, lumps = _segments(float(c), vintage + _OFFSET[convention], policy)
        for t0, t1, amount in segments:
            # share of the segment inside [y, y+1); consecutive years telescope exactly
            dur = t1 - t0
            lo = np.clip(year_arr - t0, 0.0, dur)
            hi = np.clip(year_arr + 1.0 - t0, 0.0, dur)
            out[i] += amount * (hi - lo) / dur
        for t, amount in lumps:
            out[i] += amount * ((year_arr <= t) & (t < year_arr + 1.0))
    return out


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
def _rel_error(model: float, published: float | None) -> float | None:
    if published is None or published == 0:
        return None
    return (model - published) / abs(published)


@dataclass(frozen=True)
class EstimateChangeResult:
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
        return {
            "entity": self.entity,
            "old_policy": self.old_policy.label,
            "new_policy": self.new_policy.label,
            "by_year": frame.to_dict(orient="records"),
            "comparison": self.comparison(),
            "inputs": inputs_to_dicts(self.inputs),
        }

    def plot(self) -> Figure:
        """Bars: old vs new depreciation; line: operating-income effect."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4.5))
        x = np.arange(len(self.years))
        ax.bar(x - 0.2, self.depreciation_old, 0.4, label=f"old ({self.old_policy.label})")
        ax.bar(x + 0.2, self.depreciation_new, 0.4, label=f"new ({self.new_policy.label})")
        ax.plot(x, self.operating_income_change, "k-o", label="operating-income effect")
        ax.set_xticks(x, [str(y) for y in self.years])
        ax.set_ylabel("USD bn")
        ax.set_title(f"{self.entity}: change of useful life")
        ax.legend()
        fig.tight_layout()
        return fig


@dataclass(frozen=True)
class RestatementResult:
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
        return {
            "book_policy": self.book_policy.label,
            "economic_policy": self.economic_policy.label,
            "window": list(self.window) if self.window else None,
            "understated_total_usd_bn": self.total(),
            "implied_economic_life_years": self.implied_life,
            "by_year": self.to_frame().reset_index().to_dict(orient="records"),
            "notes": list(self.notes),
            "inputs": inputs_to_dicts(self.inputs),
        }

    def plot(self) -> Figure:
        """Waterfall of the aggregate understatement by year to its window total."""
        import matplotlib.pyplot as plt

        lo, hi = self.window or (self.years[0], self.years[-1])
        agg = self.understated.sum(axis=0)
        sel = [(y, v) for y, v in zip(self.years, agg, strict=True) if lo <= y <= hi]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        bottom = 0.0
        for k, (_, value) in enumerate(sel):
            ax.bar(k, value, bottom=bottom, color="tab:red" if value > 0 else "tab:green")
            bottom += value
        ax.bar(len(sel), bottom, color="tab:gray")
        ax.set_xticks(range(len(sel) + 1), [str(y) for y, _ in sel] + [f"{lo}–{hi}"])
        ax.set_ylabel("understated depreciation, USD bn")
        ax.set_title(f"Economic {self.economic_policy.label} vs book {self.book_policy.label}")
        fig.tight_layout()
        return fig


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
            _OFFSET[convention],
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


@dataclass(frozen=True)
class DisclosedChange:
    """A published useful-life change and its disclosed earnings effect."""

    entity: str
    fact_id: str
    year: int
    old_policy: LifePolicy
    new_policy: LifePolicy
    effects: Mapping[str, float]
    description: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "entity": self.entity,
            "fact": self.fact_id,
            "year": self.year,
            "old_policy": self.old_policy.label,
            "new_policy": self.new_policy.label,
            "effects_usd_bn": dict(self.effects),
            "description": self.description,
        }


_INF = -math.inf
#: Tax rate for after-tax effects: the US federal statutory rate.
US_STATUTORY_TAX = (
    "tax rate τ",
    0.21,
    "1",
    "US federal statutory corporate rate since 2018 (TCJA); effective rates differ",
)


def _policy(label: str, *changes: tuple[float, float]) -> LifePolicy:
    return LifePolicy(((_INF, changes[0][1]), *changes[1:]), label=label)


def _cases() -> dict[str, dict[str, Any]]:
    """The disclosed useful-life changes (built on call, so the fact base loads lazily)."""
    return {
        "MSFT": {
            "change": DisclosedChange(
                "MSFT",
                "DEP-06",
                2023,
                _policy("3→4 yrs (FY2021)", (0, 3.0), (2021.0, 4.0)),
                _policy("4→6 yrs (FY2023)", (0, 3.0), (2021.0, 4.0), (2023.0, 6.0)),
                {"operating_income": fact_part("DEP-06", 3.7, "USD bn", name="disclosed").value},
                "servers and network equipment 4→6 years from FY2023 (July 2022)",
            ),
            "source": "companyfacts",
            "years": range(2019, 2024),
            "share": assumption(
                "short-lived share of MSFT capex",
                0.40,
                "1",
                "computer equipment and software was roughly 35-45% of Microsoft's gross PP&E "
                "in its FY2020-22 10-K notes (dimensional facts, not in companyfacts; "
                "unverified, from memory of the filings)",
            ),
        },
        "GOOGL": {
            "change": DisclosedChange(
                "GOOGL",
                "DEP-07",
                2023,
                _policy("3→4 yrs (2021)", (0, 3.0), (2021.0, 4.0)),
                _policy("4→6 yrs (2023)", (0, 3.0), (2021.0, 4.0), (2023.0, 6.0)),
                {
                    "depreciation": -fact_part("DEP-07", 3.9, "USD bn", name="disclosed").value,
                    "net_income": fact_part("DEP-07", 3.0, "USD bn", name="disclosed").value,
                },
                "servers 4→6 and certain network equipment 5→6 years from January 2023 "
                "(modelled as all short-lived assets 4→6)",
            ),
            "source": "companyfacts",
            "years": range(2019, 2024),
            "share": assumption(
                "short-lived share of GOOGL capex",
                0.40,
                "1",
                "information-technology assets were roughly 40% of Alphabet's gross PP&E in "
                "its 2021-22 10-K notes (unverified, from memory of the filings)",
            ),
        },
        "META": {
            "change": DisclosedChange(
                "META",
                "DEP-09",
                2025,
                _policy("4→4.5→5 yrs (2022)", (0, 4.0), (2022.25, 4.5), (2022.75, 5.0)),
                _policy(
                    "5→5.5 yrs (2025)", (0, 4.0), (2022.25, 4.5), (2022.75, 5.0), (2025.0, 5.5)
                ),
                {"depreciation": -fact_part("DEP-09", 2.9, "USD bn", name="disclosed").value},
                "servers and network assets 5→5.5 years from January 2025",
            ),
            "source": "ixbrl",
            "years": range(2022, 2025),
            "extra": {
                2019: assumption(
                    "META capex 2019",
                    15.10,
                    "USD bn",
                    "purchases of property and equipment, Meta 10-K 2019 cash-flow "
                    "statement (not in the shared iXBRL extract; from memory)",
                ),
                2020: assumption(
                    "META capex 2020",
                    15.12,
                    "USD bn",
                    "Meta 10-K 2020 cash-flow statement (from memory)",
                ),
                2021: assumption(
                    "META capex 2021",
                    18.57,
                    "USD bn",
                    "Meta 10-K 2021 cash-flow statement (from memory)",
                ),
                2025: fact_part("CAP-02", 72.2, "USD bn", name="META capex 2025 (actual)"),
            },
            "share": assumption(
                "short-lived share of META capex",
                2.0 / 3.0,
                "1",
                "Microsoft puts about two thirds of its capex in short-lived assets (CAP-03); "
                "applied to Meta, whose capex is likewise dominated by servers and network",
            ),
        },
        "AMZN": {
            "change": DisclosedChange(
                "AMZN",
                "DEP-08",
                2025,
                _policy("5→6 yrs (2024)", (0, 3.0), (2020.0, 4.0), (2022.0, 5.0), (2024.0, 6.0)),
                _policy(
                    "subset 6→5 yrs (2025)",
                    (0, 3.0),
                    (2020.0, 4.0),
                    (2022.0, 5.0),
                    (2024.0, 6.0),
                    (2025.0, 5.0),
                ),
                {"operating_income": -fact_part("DEP-08", 0.7, "USD bn", name="disclosed").value},
                "a subset of servers and networking equipment 6→5 years from January 2025 "
                "(early-retirement charges not modelled)",
            ),
            "source": "ixbrl",
            "years": range(2022, 2025),
            "extra": {
                2019: assumption(
                    "AMZN capex 2019",
                    16.86,
                    "USD bn",
                    "purchases of property and equipment, Amazon 10-K 2019 "
                    "(not in the shared iXBRL extract; from memory)",
                ),
                2020: assumption(
                    "AMZN capex 2020",
                    40.14,
                    "USD bn",
                    "Amazon 10-K 2020 cash-flow statement (from memory)",
                ),
                2021: assumption(
                    "AMZN capex 2021",
                    61.05,
                    "USD bn",
                    "Amazon 10-K 2021 cash-flow statement (from memory)",
                ),
                2025: fact_part("CAP-04", 131.8, "USD bn", name="AMZN cash capex 2025"),
            },
            "share": assumption(
                "share of AMZN capex in the shortened subset",
                0.04,
                "1",
                "CALIBRATED: Amazon does not size the 'subset'; 4% of capex (about a fifteenth "
                "of a ~60% server/network share) matches the disclosed effect, so this case "
                "checks the mechanics, not an independent prediction",
            ),
        },
    }


#: Tickers with a disclosed useful-life change: MSFT, GOOGL, META, AMZN.
DISCLOSED_CHANGES: tuple[str, ...] = ("MSFT", "GOOGL", "META", "AMZN")


def _find(sec_dir: Path, pattern: str) -> Path:
    hits = sorted(sec_dir.glob(pattern))
    if not hits:
        raise DataError(
            f"no file matching {pattern!r} in {sec_dir}",
            hint="point sec_dir at a folder with SEC companyfacts / iXBRL extracts",
        )
    return hits[0]


def _stored_companyfacts(entity: str) -> pd.DataFrame:
    """SEC filings that ``bubblescope data fetch ENTITY --source sec`` put in the store.

    Current stores hold the fundamentals table; stores written before it, raw companyfacts rows.
    :func:`capex_from_companyfacts` reads both.
    """
    from bubblescope.data.store import load_dataset

    facts = load_dataset("fundamentals", entity)
    if facts.empty:
        raise DataError(
            f"no SEC filings for {entity} in the local store",
            hint=f"run `bubblescope data fetch {entity} --source sec`, or pass sec_dir with "
            "companyfacts files",
        )
    return facts.drop(columns=[c for c in facts.columns if c.startswith("_")])


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
    case = _cases()[key]
    change: DisclosedChange = case["change"]
    if sec_dir is None:
        capex = capex_from_companyfacts(_stored_companyfacts(key), key, years=list(case["years"]))
    elif case["source"] == "companyfacts":
        capex = capex_from_companyfacts(
            _find(Path(sec_dir), f"{key}_companyfacts*.json*"), key, years=list(case["years"])
        )
    else:
        capex = capex_from_ixbrl(
            _find(Path(sec_dir), "ixbrl_10k_facts*.csv*"), key, years=list(case["years"])
        )
    if "extra" in case:
        capex = capex.extend(case["extra"])
    years = list(range(capex.years[0], change.year + 2))
    return change_of_estimate(
        capex,
        share or case["share"],
        change.old_policy,
        change.new_policy,
        years,
        tax_rate or assumption(*US_STATUTORY_TAX),
        convention=convention,
        disclosed=change,
    )


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


#: Combined MSFT+GOOGL+AMZN+META+ORCL capex path behind DEP-14 (fact base DEP-14c..k, USD bn).
_BURRY_CAPEX = {
    2020: 150.0,
    2021: 180.0,
    2022: 200.0,
    2023: 190.0,
    2024: 245.0,
    2025: 410.0,
    2026: 650.0,
    2027: 720.0,
    2028: 760.0,
}


def burry_capex() -> CapexVintages:
    """The assumed capex path behind DEP-14 (fact base DEP-14c..k), one labelled input per year."""
    items = {
        year: assumption(
            f"big-5 capex {year}",
            value,
            "USD bn",
            "fact base DEP-14c..k (assumed round-number capex path behind DEP-14, not summed "
            "from filings; 2026-28 projected; no external source)",
        )
        for year, value in _BURRY_CAPEX.items()
    }
    return CapexVintages.from_inputs("MSFT+GOOGL+AMZN+META+ORCL", items)


def burry_case(
    economic_life: float | None = None,
    *,
    book_life: float = 6.0,
    convention: Convention = "half-year",
) -> RestatementResult:
    """Burry's claim: depreciation understated by $176B over 2026–28 [DEP-01].

    Uses the DEP-14 assumption set (capex path DEP-14c..k, 60% short-lived share, book life 6 years)
    and solves for the economic life that reproduces $176B; with ``economic_life`` given, reports
    the understatement at that life instead. The implied life is in ``notes``.
    """
    capex = burry_capex()
    share = fact_part("DEP-14", 60, "%", name="short-lived (server/network) share of capex")
    target = fact_number("DEP-01", "USD bn", name="Burry: understated depreciation 2026-28")
    book = LifePolicy.constant(book_life)
    window = (2026, 2028)
    implied = implied_economic_life(
        target.m_as("USD bn"), [capex], share, book, window, convention=convention
    )
    life = implied if economic_life is None else float(economic_life)
    res = restatement(
        [capex],
        share,
        book,
        LifePolicy.constant(life),
        list(range(2020, 2029)),
        assumption(*US_STATUTORY_TAX),
        window=window,
        convention=convention,
        extra_inputs=(
            target,
            assumption(
                "book life", book_life, "year", "hyperscaler book lives 5.5-6 yrs (DEP-06..09)"
            ),
        ),
    )
    note = (
        f"Economic life implied by {target.value:g} USD bn ({target.source}): "
        f"{implied:.2f} yrs against {book_life:g} yrs on the books"
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
class DisclosedTable:
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
        return {
            "rows": self.to_frame().reset_index().to_dict(orient="records"),
            "cases": [r.to_dict() for r in self.results],
        }

    def plot(self) -> Figure:
        """Model vs disclosed effect per firm."""
        import matplotlib.pyplot as plt

        frame = self.to_frame().reset_index()
        labels = [f"{e} {i}" for e, i in zip(frame["entity"], frame["item"], strict=True)]
        x = np.arange(len(frame))
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.bar(x - 0.2, frame["model_usd_bn"], 0.4, label="model")
        ax.bar(x + 0.2, frame["disclosed_usd_bn"], 0.4, label="disclosed")
        ax.set_xticks(x, labels, rotation=20)
        ax.set_ylabel("USD bn")
        ax.axhline(0.0, color="k", lw=0.8)
        ax.legend()
        ax.set_title("Useful-life changes: model vs disclosure")
        fig.tight_layout()
        return fig


def disclosed_all(
    sec_dir: str | Path | None = None, *, convention: Convention = "half-year"
) -> DisclosedTable:
    """Every case of :data:`DISCLOSED_CHANGES` with its default assumptions."""
    return DisclosedTable(
        tuple(disclosed_case(e, sec_dir, convention=convention) for e in DISCLOSED_CHANGES)
    )
