r"""The historical base rate of a crash: S&P 500 crashes a year since 1927, from the shipped data.

A *crash* follows Greenwood, Shleifer and You (2019, fact MOD-02): a fall of at least
:math:`\theta` (40%) from a running high. On the daily S&P 500 closes of
:func:`bubblescope.data.catalog.load_series` (``"sp500"``, 1927-12-30 onward), every
under-water spell of :func:`bubblescope.detect.drawdowns.drawdown` (a running high to the
recovery of that high) whose depth reaches :math:`\theta` counts once, and the base rate is

.. math::
    h_0 = \frac{\#\{\text{spells with depth} \ge \theta\}}{\text{years of data}}
    \quad (\text{crashes a year}),

the constant hazard of a crash that owes nothing to a visible mispricing: the chance of a
bust over :math:`T` years at that hazard alone is :math:`1 - e^{-h_0 T}`. The scenario model
(:mod:`bubblescope.scenario.model`) adds this hazard to the one driven by the revenue gap, so
its bust odds fall to :math:`1 - e^{-h_0 T}` when nothing is mispriced.

The rate is estimated on a broad US index, not on an AI basket: a concentrated basket crashes
more often (GSY's industries after run-ups crash about half the time), so the base rate is a
floor for the AI index rather than its estimate.

References
----------
Greenwood, R., Shleifer, A. and You, Y. (2019). Bubbles for Fama. *Journal of Financial
Economics* 131(1), 20-43.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from bubblescope.errors import InputError

__all__ = ["BaseRate", "base_crash_rate", "spell_depths"]

_DAYS_PER_YEAR = 365.25  # calendar days per Julian year (structural, to convert the data span)


@dataclass(frozen=True)
class BaseRate:
    """Crashes of the S&P 500 per year of data.

    Attributes
    ----------
    series : str
        The series counted (``"sp500"``) and its vintage.
    threshold : float
        Crash depth, fraction (0.4 = a 40% fall from a running high).
    first, last : str
        ISO dates of the first and last close used.
    years : float
        Span of the data in years of 365.25 days.
    crashes : tuple of (str, str, float)
        Peak date, trough date and depth (fraction, positive) of each crash.
    """

    series: str
    threshold: float
    first: str
    last: str
    years: float
    crashes: tuple[tuple[str, str, float], ...]

    @property
    def rate(self) -> float:
        """Crashes a year, :math:`h_0`."""
        return len(self.crashes) / self.years

    def odds(self, horizon_years: float) -> float:
        """Chance of at least one crash in ``horizon_years`` at the constant hazard."""
        return 1.0 - math.exp(-self.rate * horizon_years)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "series": self.series,
            "threshold": self.threshold,
            "first": self.first,
            "last": self.last,
            "years": self.years,
            "rate_per_year": self.rate,
            "crashes": [{"peak": p, "trough": t, "depth": d} for p, t, d in self.crashes],
        }


@lru_cache(maxsize=1)
def _sp500_spells() -> tuple[str, str, str, float, tuple[tuple[str, str, float], ...]]:
    """Every under-water spell of the S&P 500: (series, first, last, years, spells)."""
    from bubblescope.data.catalog import load_series
    from bubblescope.detect.drawdowns import drawdown

    frame = load_series("sp500")
    res = drawdown(frame, top=max(1, len(frame)))
    ep = res.episodes.sort_values("peak")
    index = res.prices.index
    spells = tuple(
        (peak.strftime("%Y-%m-%d"), trough.strftime("%Y-%m-%d"), -float(depth) / 100.0)
        for peak, trough, depth in zip(
            pd.DatetimeIndex(ep["peak"]),
            pd.DatetimeIndex(ep["trough"]),
            ep["depth_pct"].to_numpy(dtype=np.float64),
            strict=True,
        )
    )
    return (
        f"sp500 ({frame.attrs.get('vintage', 'unknown vintage')})",
        str(index[0].date()),
        str(index[-1].date()),
        (index[-1] - index[0]).days / _DAYS_PER_YEAR,
        spells,
    )


def spell_depths() -> tuple[np.ndarray, float]:
    """Depths (fractions) of every S&P 500 under-water spell and the data's span in years.

    ``(depths >= threshold).sum() / years`` is :attr:`BaseRate.rate`; a worker that gets these
    two values needs no data.
    """
    _, _, _, years, spells = _sp500_spells()
    return np.array([c[2] for c in spells], dtype=np.float64), float(years)


def base_crash_rate(threshold: float) -> BaseRate:
    """S&P 500 crashes of at least ``threshold`` per year since 1927 (see the module docstring).

    The data are read once per process; later calls only count.

    Parameters
    ----------
    threshold : float
        Crash depth as a fraction in (0, 1).

    Raises
    ------
    InputError
        A threshold outside (0, 1).

    Examples
    --------
    >>> br = base_crash_rate(0.4)
    >>> [c[0][:4] for c in br.crashes]
    ['1929', '1973', '2000', '2007']
    """
    if not 0.0 < threshold < 1.0:
        raise InputError(f"crash threshold must be in (0, 1), got {threshold:g}")
    series, first, last, years, spells = _sp500_spells()
    return BaseRate(
        series=series,
        threshold=threshold,
        first=first,
        last=last,
        years=float(years),
        crashes=tuple(c for c in spells if c[2] >= threshold),
    )
