"""Straight-line depreciation of capex vintages under useful-life policies (the calculation).

A vintage of cost :math:`C_v` placed in service at time :math:`s_v` with life :math:`N` is
charged :math:`C_v/N` per year on :math:`[s_v, s_v+N)`; the charge in fiscal year :math:`y` is
the rate times the overlap of that interval with :math:`[y, y+1)`, so fractional lives
(5.5 years) work and the total over the life equals the cost. ``convention="half-year"`` places
each vintage in service mid-year (:math:`s_v = v + 0.5`), ``"full-year"`` at the start. A change
of life at :math:`T` is applied prospectively (ASC 250-10-45-17): the remaining net book value is
spread over the remaining *new* life, :math:`D' = NBV_v(T)/(N_{new} - (T - s_v))`, and when the
asset is already older than the new life the whole remaining NBV is charged in the year of the
change.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from bubblescope._typing import Float64Array
from bubblescope.economy.inputs import Input
from bubblescope.economy.units import Q
from bubblescope.errors import InputError

__all__ = ["OFFSET", "CapexVintages", "Convention", "LifePolicy", "depreciation_matrix"]

Convention = Literal["half-year", "full-year"]
#: How far into its fiscal year a vintage enters service, by convention (years).
OFFSET: dict[str, float] = {"half-year": 0.5, "full-year": 0.0}


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
    if convention not in OFFSET:
        raise InputError(f"unknown convention {convention!r}", hint="half-year or full-year")
    cost = np.asarray(capex, dtype=np.float64)
    out = np.zeros((len(vintages), len(years)), dtype=np.float64)
    year_arr = np.asarray(years, dtype=np.float64)
    for i, (vintage, c) in enumerate(zip(vintages, cost, strict=True)):
        segments, lumps = _segments(float(c), vintage + OFFSET[convention], policy)
        for t0, t1, amount in segments:
            # share of the segment inside [y, y+1); consecutive years telescope exactly
            dur = t1 - t0
            lo = np.clip(year_arr - t0, 0.0, dur)
            hi = np.clip(year_arr + 1.0 - t0, 0.0, dur)
            out[i] += amount * (hi - lo) / dur
        for t, amount in lumps:
            out[i] += amount * ((year_arr <= t) & (t < year_arr + 1.0))
    return out
