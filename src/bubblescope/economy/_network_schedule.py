"""Turn a commitment's date and free-text horizon into annual obligations.

Deals are reported as "$300B over ~5 yrs from 2027" or "through Apr 2032". This module reads
those phrases into a start year and a number of years and spreads the amount evenly over them.
Anything it cannot read falls back to :class:`ScheduleAssumption` and says so in the returned
``warning``: a schedule is never invented silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bubblescope.economy.assumptions import load_assumptions
from bubblescope.errors import InputError

__all__ = ["Schedule", "ScheduleAssumption", "deal_year", "latest_date", "parse_schedule"]

_YEAR = re.compile(r"(19|20)\d{2}")
_DATE = re.compile(r"(?:19|20)\d{2}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _schedule_years() -> int:
    years = load_assumptions("network").input("schedule_years").m_as("year")
    if not float(years).is_integer():
        raise InputError(f"network.yaml: schedule_years must be whole years, got {years:g}")
    return int(years)


@dataclass(frozen=True, slots=True)
class ScheduleAssumption:
    """What to assume when a horizon cannot be read.

    Parameters
    ----------
    default_years : int
        Length (years) of a multi-year commitment whose horizon gives no length (default: row
        ``schedule_years`` of ``economy/assumptions/network.yaml``, 5, the modal reported length
        of the 2025 compute contracts in the fact base's deal list).
    """

    default_years: int = field(default_factory=_schedule_years)

    def __post_init__(self) -> None:
        if self.default_years < 1:
            raise InputError(f"default_years must be >= 1, got {self.default_years}")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Even annual obligations: ``amount / years`` in each of ``years`` years from ``start``.

    Attributes
    ----------
    start : int
        First calendar year of payments.
    years : int
        Number of years.
    rule : str
        How the horizon was read (e.g. ``"N yrs from YEAR"``, ``"lump sum at deal date"``).
    warning : str or None
        Set when an assumption filled a gap.
    """

    start: int
    years: int
    rule: str
    warning: str | None = None

    @property
    def end(self) -> int:
        """Last calendar year of payments."""
        return self.start + self.years - 1

    def annual(self, amount: float) -> dict[int, float]:
        """Amount per calendar year (USD bn per year when ``amount`` is in USD bn)."""
        per = amount / self.years
        return {self.start + k: per for k in range(self.years)}


def deal_year(date: str) -> int | None:
    """First four-digit year in a deal date such as ``"2025-09"`` or ``"2019-2023"``."""
    m = _YEAR.search(date or "")
    return int(m.group(0)) if m else None


def latest_date(dates: Iterable[str]) -> str:
    """The latest ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` in deal dates (``""`` if none).

    A range such as ``"2025-03..2025-09"`` or ``"2019-2023"`` counts by its last date; a date
    given to the month or year sorts before the days within it.

    Examples
    --------
    >>> latest_date(["2025-09-10", "2019-2023", "2026-02-27", "2025-03..2025-09"])
    '2026-02-27'
    """
    found = [m.group(0) for d in dates for m in _DATE.finditer(d or "")]
    return max(found, default="")


def parse_schedule(
    horizon: str, date: str, assumption: ScheduleAssumption | None = None
) -> Schedule:
    """Read a horizon phrase into a :class:`Schedule`.

    Parameters
    ----------
    horizon : str
        Free text, e.g. ``"~5 yrs from 2027"``, ``"7 yrs"``, ``"through Apr 2032"``,
        ``"2025-2026"``, ``"H2 2026 - end 2029"``, ``"annual"`` or empty (a lump sum).
    date : str
        The deal date (its first year anchors relative horizons such as ``"7 yrs"``).
    assumption : ScheduleAssumption, optional
        Fallback length for open or unreadable horizons.

    Returns
    -------
    Schedule

    Examples
    --------
    >>> parse_schedule("~5 yrs from 2027", "2025-09-10")
    Schedule(start=2027, years=5, rule='N yrs from YEAR', warning=None)
    >>> parse_schedule("through Apr 2032", "2025-09").years
    8
    """
    assume = assumption or ScheduleAssumption()
    text = (horizon or "").strip()
    low = text.lower()
    year0 = deal_year(date)
    years_in_date = [int(m.group(0)) for m in _YEAR.finditer(date or "")]
    n_match = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(?:yrs?|years?)\b", low)
    years_in_text = [int(m.group(0)) for m in _YEAR.finditer(text)]

    if not text:
        if len(set(years_in_date)) >= 2:
            a, b = min(years_in_date), max(years_in_date)
            return Schedule(a, b - a + 1, "spread over the date range")
        if year0 is None:
            return Schedule(0, 1, "lump sum", warning="no deal date: year unknown")
        return Schedule(year0, 1, "lump sum at deal date")
    if low == "annual":
        if year0 is None:
            return Schedule(0, 1, "annual", warning="no deal date: year unknown")
        return Schedule(year0, 1, "annual amount in the deal year")
    if n_match is not None:
        n = max(1, round(float(n_match.group(1))))
        if years_in_text:
            return Schedule(years_in_text[0], n, "N yrs from YEAR")
        if year0 is not None:
            return Schedule(year0, n, "N yrs from deal date")
    if re.search(r"\b(through|to|until)\b", low) and years_in_text and year0 is not None:
        end = years_in_text[-1]
        if end >= year0:
            return Schedule(year0, end - year0 + 1, "deal date through YEAR")
    if len(years_in_text) >= 2 and not low.rstrip().endswith("-"):
        a, b = years_in_text[0], years_in_text[-1]
        if b >= a:
            return Schedule(a, b - a + 1, "YEAR to YEAR")
    start = years_in_text[0] if years_in_text else year0
    if start is None:
        return Schedule(
            0,
            assume.default_years,
            "assumed",
            warning=f"horizon {text!r} and date {date!r} unreadable: year unknown, "
            f"{assume.default_years} yrs assumed",
        )
    return Schedule(
        start,
        assume.default_years,
        "assumed length",
        warning=f"horizon {text!r} gives no length: {assume.default_years} yrs from {start} "
        "assumed (ScheduleAssumption.default_years)",
    )
